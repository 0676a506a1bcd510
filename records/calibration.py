"""Per-person pelvic-tilt calibrations, stored in the client records database (:mod:`records.store`).

A calibration is made when a user marks ASIS and PSIS on one side-view frame: the marked (measured)
tilt, the silhouette estimate on the same frame and their difference, the offset added to that
person's later estimates (:func:`analysis.pelvis.apply_calibration`). Angles in degrees, + = anterior.

The ``calibration`` table is the one of records schema version 1 (``id, person_id, offset_deg,
measured_deg, estimated_deg, made_at``; the latest ``made_at`` per person is in force, earlier rows are
history); a file written by the first version is migrated forward when opened (:mod:`records.db`).
Storing a calibration also makes a client record with the person id as its code.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from pathlib import Path

from records.db import DEFAULT_DB, LATEST

SCHEMA_VERSION = LATEST

__all__ = ["Calibration", "SCHEMA_VERSION", "DEFAULT_DB", "schema_version", "save_calibration", "load_calibration",
           "calibration_history"]


@dataclass(frozen=True)
class Calibration:
    """One stored calibration (degrees, + = anterior tilt)."""

    person_id: str
    offset_deg: float
    measured_deg: float
    estimated_deg: float
    made_at: str


def _open(db):
    from records.store import Records

    return Records(db)


def schema_version(db: str | Path = DEFAULT_DB) -> int:
    """The schema version of ``db`` after opening it (creating or migrating it when needed).

    Raises ``RuntimeError`` when the file was written by a newer schema version.
    """
    r = _open(db)
    try:
        return r.version
    finally:
        r.close()


def save_calibration(db: str | Path, person_id: str, offset_deg: float, measured_deg: float, estimated_deg: float,
                     when: str | datetime.date | datetime.datetime | None = None) -> Calibration:
    """Store a calibration for ``person_id`` (``when`` defaults to now; dates are stored as ISO text).

    Raises ``ValueError`` for an empty person id or a non-finite angle.
    """
    if not person_id:
        raise ValueError("a person id is needed to store a calibration")
    vals = [float(offset_deg), float(measured_deg), float(estimated_deg)]
    if not all(math.isfinite(v) for v in vals):
        raise ValueError("calibration angles must be finite numbers")
    if when is None:
        when = datetime.datetime.now().isoformat(timespec="seconds")
    elif isinstance(when, (datetime.date, datetime.datetime)):
        when = when.isoformat()
    r = _open(db)
    try:
        r.save_calibration(str(person_id), *vals, str(when))
    finally:
        r.close()
    return Calibration(str(person_id), *vals, str(when))


def calibration_history(db: str | Path, person_id: str) -> list[Calibration]:
    """All calibrations of ``person_id``, oldest first (by ``made_at``, then insertion order)."""
    r = _open(db)
    try:
        rows = r.calibrations(str(person_id))
    finally:
        r.close()
    return [Calibration(p, float(o), float(m), float(e), t) for p, o, m, e, t in rows]


def load_calibration(db: str | Path, person_id: str) -> Calibration | None:
    """The latest calibration of ``person_id`` (by ``made_at``, then insertion order), or None."""
    h = calibration_history(db, person_id)
    return h[-1] if h else None
