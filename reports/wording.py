"""Third-person clinical wording for therapist reports.

The capture checks, readings and advice are written to the person in front of the camera ("you stood still",
"your feet"); a report a therapist files or sends on speaks about the client instead ("the client stood
still", "the client's feet"). :func:`third_person` rewrites those sentences: a present-tense verb after "you"
agrees with "the client" ("you seem" -> "the client seems").
"""

from __future__ import annotations

import re

_IRREGULAR = {"are": "is", "were": "was", "have": "has", "do": "does", "go": "goes", "'re": " is"}
# present-tense verbs that follow "you" in the program's sentences (past tenses and modals need no change)
_VERBS = {"seem", "fill", "feel", "stand", "face", "lie", "finish", "look", "move", "lean", "need", "hold", "keep",
          "bend", "turn", "walk", "run", "sit", "kneel", "step", "start", "stop", "reach", "answer", "say", "measure",
          "report", "lift", "arch", "rise", "lose", "want", "use", "get", "take", "put", "tilt", "shift", "wear"}
_ES = ("s", "sh", "ch", "x", "z", "o")


def _agree(verb: str) -> str:
    low = verb.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low in _VERBS:
        return verb + ("es" if low.endswith(_ES) else "s")
    return verb


def _sentence(text: str, who: str) -> str:
    """One sentence: the first mention is ``who``; later ones are "they" / "their" / "them"."""
    cap = who[:1].upper() + who[1:]
    named = False
    out = []
    for tok in re.split(r"(\b[Yy]our(?:self)?\b|\b[Yy]ou\b(?: (?:are|were|have|do|go|[a-z]+)\b)?)", text):
        m = re.fullmatch(r"([Yy]ou)(?: ([a-z]+))?", tok)
        low = tok.lower()
        if m:
            verb = m.group(2)
            upper = tok[0] == "Y"
            if named and verb and (verb in _VERBS or verb in _IRREGULAR or verb.endswith("ed")):
                tok = ("They" if upper else "they") + f" {verb}"  # "they" takes the same verb form as "you"
            elif named and not verb:
                tok = "them"
            else:
                tok = (cap if upper else who) + (f" {_agree(verb)}" if verb else "")
            named = True
        elif low == "yourself":
            tok = "themselves"
        elif low == "your":
            tok = ("Their" if tok[0] == "Y" else "their") if named else (f"{cap}'s" if tok[0] == "Y" else f"{who}'s")
            named = True
        out.append(tok)
    return "".join(out)


def third_person(text: str, who: str = "the client") -> str:
    """``text`` with "you", "your", "yourself" about the client in the third person: the first mention in a
    sentence is ``who``, later ones "they" / "their" / "them".

    >>> third_person("You seem to be running: put your feet hip-width apart. You stood still for 2 s.")
    'The client seems to be running: put their feet hip-width apart. The client stood still for 2 s.'
    """
    if not text:
        return text
    parts = re.split(r"(?<=[.!?])(\s+)", text)
    return "".join(_sentence(p, who) if not p.isspace() else p for p in parts)
