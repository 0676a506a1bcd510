"""Usual ranges and thresholds, read from the one data file ``analysis/data/norms.toml``.

Every entry there carries its source and its basis: ``"literature"`` (a published figure) or
``"engineering"`` (a choice made for this program, to be revisited with data). Code never hard-codes a
threshold that a therapist might want to read or change; it asks :func:`norm` for it.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

NORMS_FILE = Path(__file__).resolve().parent / "data" / "norms.toml"


@dataclass(frozen=True)
class Norm:
    """A usual range (either bound may be None) with where it comes from."""

    key: str
    low: float | None
    high: float | None
    unit: str
    basis: str  # "literature" or "engineering"
    source: str
    note: str = ""

    def status(self, value: float) -> str:
        """``"below"``, ``"above"`` or ``"within"`` the range; ``"unknown"`` when it has no bounds."""
        if self.low is None and self.high is None:
            return "unknown"
        if self.low is not None and value < self.low:
            return "below"
        if self.high is not None and value > self.high:
            return "above"
        return "within"

    def describe(self) -> str:
        """The range in words, e.g. ``"0 to 15 deg"`` or ``"at least 48 deg"``."""
        if self.low is not None and self.high is not None:
            return f"{self.low:g} to {self.high:g} {self.unit}"
        if self.low is not None:
            return f"at least {self.low:g} {self.unit}"
        if self.high is not None:
            return f"at most {self.high:g} {self.unit}"
        return "no usual range"

    def to_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=None)
def _table(path: Path = NORMS_FILE) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)


def norm(key: str) -> Norm:
    """The :class:`Norm` stored under ``[key]`` in the norms file."""
    try:
        e = _table()[key]
    except KeyError:
        raise KeyError(f"no entry [{key}] in {NORMS_FILE.name}") from None
    if e.get("basis") not in ("literature", "engineering") or not e.get("source"):
        raise ValueError(f"[{key}] in {NORMS_FILE.name} needs a basis (literature/engineering) and a source")
    return Norm(key, e.get("low"), e.get("high"), e.get("unit", ""), e["basis"], e["source"], e.get("note", ""))


def threshold(key: str) -> float:
    """A single engineering or literature constant stored as ``value`` under ``[key]``."""
    e = _table()[key]
    if "value" not in e or not e.get("source"):
        raise ValueError(f"[{key}] in {NORMS_FILE.name} needs a value and a source")
    return float(e["value"])

