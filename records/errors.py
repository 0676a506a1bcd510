"""Errors of the records, batch and report commands. Each message is one plain line: what is wrong and what
to do. The command line prints it after ``error:`` and exits with status 2; the pages show it."""


class RecordsError(Exception):
    """The records database cannot do what was asked (the message says why and what to do)."""


class NotFound(RecordsError):
    """No client, session or capture with that code or id."""


class InvalidInput(RecordsError, ValueError):
    """A code, name or option that cannot be used."""


class ConsentMissing(RecordsError):
    """The client has not given the consent that storing this needs."""


class InUse(RecordsError):
    """Another program is using this folder (a batch's output folder)."""


class ClusterError(RecordsError):
    """The Dask cluster of a batch cannot be reached, has no workers, or was lost."""
