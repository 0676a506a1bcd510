"""Errors a user can act on. Their message is one plain line: what is wrong and what to do."""


class InputError(Exception):
    """The input cannot be analysed (missing, empty, not an image or video, no frames, no person)."""
