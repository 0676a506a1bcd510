"""The unit every measurement is reported in: a value with its unit, definition, kind and confidence.

A :class:`Metric` is what the CLI prints, the app tables and the report lists. ``kind`` separates a
``"measurement"`` (read directly from landmarks, e.g. a joint angle) from an ``"estimate"`` (inferred
with a model, e.g. pelvic tilt from the silhouette); an estimate is never presented as a diagnosis.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from analysis.norms import Norm

LEG_NOT_CERTAIN = "(which leg: not certain)"
"""The mark a leg's name carries wherever it is shown (a movement test's leg, a session's tested side, a finding
of the advice plan, a batch row) when the result says which leg moved, or its name, is in doubt: one wording
everywhere, so a reader learns it once."""
LEG_FROM_SET_UP = "(as the set-up films the tested leg)"
"""The mark of a lying test's leg named, with no leg stated, for the side nearest the camera: the picture does not
show which of the two legs was tested, so the name is the set-up's (``leg_note`` in the result says so in full)."""


@dataclass
class Metric:
    """One number of an assessment (JSON-ready through :meth:`to_dict`).

    Attributes
    ----------
    key : str
        Stable identifier, e.g. ``"trunk_inclination"``.
    name : str
        Short human name.
    value : float or None
        None when it could not be measured (then ``reason`` says why and what to do).
    unit : str
        ``"deg"``, ``"cm"``, ``"% height"``, ``"s"`` ...
    definition : str
        How it is computed, including the sign convention.
    kind : str
        ``"measurement"`` or ``"estimate"``.
    confidence : float
        0..1, from landmark visibility, view quality and (for estimates) the method's known error.
    spread : float or None
        Standard deviation across the frames it was measured on (same unit), None for a photo.
    norm : Norm or None
        The usual range it is compared with, and its source.
    status : str
        ``"within"``, ``"above"``, ``"below"`` the usual range, or ``"unknown"``.
    reading : str
        One plain-words sentence for a client.
    reason : str or None
        Why there is no value, when there is none.
    side : str or None
        ``"left"``/``"right"`` when the metric belongs to one side of the body.
    """

    key: str
    name: str
    value: float | None
    unit: str
    definition: str
    kind: str = "measurement"
    confidence: float = 0.0
    spread: float | None = None
    norm: Norm | None = None
    status: str = "unknown"
    reading: str = ""
    reason: str | None = None
    side: str | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in ("measurement", "estimate"):
            raise ValueError(f"kind must be 'measurement' or 'estimate', not {self.kind!r}")
        if self.value is not None and not math.isfinite(self.value):
            self.value = None
        if self.value is None and not self.reason:
            self.reason = "could not be measured"
        if self.norm is not None and self.value is not None and self.status == "unknown":
            self.status = self.norm.status(self.value)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["norm"] = self.norm.to_dict() if self.norm else None
        for k in ("value", "spread", "confidence"):
            if d[k] is not None:
                d[k] = round(float(d[k]), 3)
        return d
