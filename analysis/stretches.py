"""The stretch library, as data: ``analysis/data/stretches.toml``.

Per muscle group (front of the thighs, inner thighs, hamstrings) a few stretches, each with its
steps, dose, cautions, the causation rules whose evidence makes it a recommendation (``addresses``)
and its picture (rendered with the synthetic figure by :mod:`vision.synthetic.stretch_pictures` into
``sample_media/stretches/``). The same file holds the stretches to avoid and why, the general
cautions from the source documents, the retest plan and the therapists' hands-on notes.
"""

from __future__ import annotations

import copy
import tomllib
from functools import lru_cache
from pathlib import Path

from analysis.causation import GROUPS, check_entries, load_rules

LIBRARY_FILE = Path(__file__).resolve().parent / "data" / "stretches.toml"
NOTE_WHEN = ("always", "any_contributor", "acute", "chronic")


@lru_cache(maxsize=None)
def _load(path: Path = LIBRARY_FILE) -> dict:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    rule_ids = {r["id"] for r in load_rules()["rule"]}
    required = ("id", "group", "name", "position", "steps", "dose", "cautions", "addresses", "picture", "source")
    for s, where in check_entries(data["stretch"], "stretch", required, path):
        bad = set(s["addresses"]) - rule_ids
        if bad:
            raise ValueError(f"{where}: addresses unknown rule(s) {sorted(bad)}")
    for a in data.get("avoid", []):
        if not set(a.get("when_groups", [])) <= set(GROUPS):
            raise ValueError(f"avoid {a['id']!r}: unknown group in when_groups")
    for n in data.get("therapist_note", []):
        if n.get("when") not in NOTE_WHEN:
            raise ValueError(f"therapist_note {n['id']!r}: when must be one of {NOTE_WHEN}")
    return data


def library() -> dict:
    """A copy of the whole library file (stretches, avoid, caution, retest, therapist_note, dose_source)."""
    return copy.deepcopy(_load())


def stretches(group: str | None = None) -> list[dict]:
    """The stretches of one group (or all), in the file's order."""
    return [dict(s) for s in _load()["stretch"] if group is None or s["group"] == group]


def stretch(stretch_id: str) -> dict:
    """One stretch by id."""
    for s in _load()["stretch"]:
        if s["id"] == stretch_id:
            return dict(s)
    raise KeyError(f"no stretch {stretch_id!r} in {LIBRARY_FILE.name}")


def avoid_entries() -> list[dict]:
    """Stretches to avoid, each with ``when_groups`` / ``when_tried`` saying when it is shown."""
    return [dict(a) for a in _load().get("avoid", [])]


def cautions() -> list[dict]:
    """The general cautions shown with every set of stretches."""
    return [dict(c) for c in _load().get("caution", [])]


def retest_plan() -> dict:
    """The retest plan: ``weeks`` (min, max), ``text``, ``setup`` (list), ``why``."""
    return dict(_load()["retest"])


def therapist_notes() -> list[dict]:
    """The hands-on notes for therapists, each with ``when`` (always, any_contributor, acute, chronic)."""
    return [dict(n) for n in _load().get("therapist_note", [])]


def dose_source() -> str:
    """Where the doses come from (common practice, not the source documents)."""
    return _load().get("dose_source", "")
