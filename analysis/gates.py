"""The capture gates in their order, and what a blocking failure means for the result.

The checks of a capture (:class:`analysis.quality.Check` dicts) are ranked so that the problem that
explains the others comes first: **person** (one person, the right one) -> **clip** (a movement test: a video
long enough to show the movement, not a photo) -> **found** (a movement test: the person found through the clip)
-> **activity** (standing quietly on both feet) -> **view** (side, front or back) -> **body in the picture / seen
clearly** -> size in the picture -> **camera level** -> **still** -> plausibility of the numbers. A failed check
that follows from an earlier blocking failure (a camera tilt judged from a runner's feet, "you moved 57 % of your
height" after "you seem to be running") is marked ``consequence_of`` that check and is not listed as a problem of
its own.

:func:`settle` applies the rule "a blocking check blocks": ``ok`` is False, no metric, curve or posture
reading is kept as a result, and the checks still say what was seen. It is idempotent, so a caller that adds
a check later (the several-people check of :mod:`capture.analyze`) settles the result again.
"""

from __future__ import annotations

ORDER = ("person", "clip", "found", "tracking", "activity", "view", "whole_body", "visibility", "person_size",
         "camera_level", "still", "plausibility")
_ALL_LATER = object()
# After a *blocking* failure of the key, which later failed checks are its consequences.
DEPENDS = {
    "person": _ALL_LATER,  # every later check was judged on a person who may be the wrong one
    "clip": _ALL_LATER,  # one picture or a fragment: no start posture, no movement, no leg to name
    "found": _ALL_LATER,  # the person found in a part of the clip only: the rest was not seen
    "tracking": _ALL_LATER,  # legs the pose model lost: the start posture, movement and leg were read from them
    "activity": _ALL_LATER,  # not standing: view, framing, feet, stillness all follow from what was done
    "view": ("visibility", "camera_level", "plausibility"),  # the far side hidden, the floor line read askew
    "whole_body": ("visibility", "person_size", "camera_level", "plausibility"),
    "visibility": ("person_size", "camera_level", "plausibility"),
}


def _rank(name: str) -> int:
    return ORDER.index(name) if name in ORDER else len(ORDER)


def rank_checks(checks: list[dict]) -> list[dict]:
    """The checks in gate order (stable for unknown names, which go last), each failed one that follows from
    an earlier blocking failure marked with ``consequence_of`` (the earlier check's name)."""
    ranked = sorted((dict(c) for c in checks), key=lambda c: _rank(c["name"]))
    first_block = None
    for c in ranked:
        c.pop("consequence_of", None)
        if c["passed"]:
            continue
        if first_block is not None:
            dep = DEPENDS.get(first_block)
            if dep is _ALL_LATER or (dep and c["name"] in dep):
                c["consequence_of"] = first_block
                continue
        if c.get("blocking") and first_block is None:
            first_block = c["name"]
    return ranked


def open_failures(checks: list[dict]) -> list[dict]:
    """The failed checks in gate order (:func:`rank_checks`), leaving out the consequences of an earlier blocking
    failure: each problem to tell the user once."""
    return [c for c in rank_checks(checks) if not c["passed"] and not c.get("consequence_of")]


def blocking_failure(checks: list[dict]) -> dict | None:
    """The first failed blocking check that is not a consequence of another (None when nothing blocks)."""
    return next((c for c in open_failures(checks) if c.get("blocking")), None)


def settle(result: dict) -> dict:
    """Rank ``result["checks"]`` and apply blocking failures to a standing assessment or movement-test result.

    With a blocking failure: ``ok`` False, ``blocked_by`` the check's name, ``metrics`` emptied and the spinal
    curve (with its posture reading) dropped; the view, activity and checks stay, saying what was seen and what
    to do. Without one, ``ok`` stays as the caller set it. Returns ``result`` (changed in place).
    """
    result["checks"] = rank_checks(result.get("checks") or [])
    block = blocking_failure(result["checks"])
    result["blocked_by"] = block["name"] if block else None
    if block:
        result["ok"] = False
        if isinstance(result.get("metrics"), list):
            result["metrics"] = []
        if "spinal_curve" in result:
            result["spinal_curve"] = None
    return result


def problem_text(check: dict) -> str:
    """One plain sentence for a failed check: what was found and what to do."""
    return check["reason"] + (f": {check['advice']}" if check.get("advice") else "")


def problems(checks: list[dict]) -> list[str]:
    """One sentence per problem to fix, in gate order, each once; consequences of an earlier failure left out."""
    out: list[str] = []
    for c in open_failures(checks):
        t = problem_text(c)
        if t not in out:
            out.append(t)
    return out
