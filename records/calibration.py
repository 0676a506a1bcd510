"""Per-person pelvic-tilt calibrations in a local SQLite database (stdlib :mod:`sqlite3`).

A calibration is made when a user marks ASIS and PSIS on one side-view frame: the marked (measured)
tilt, the silhouette estimate on the same frame and their difference, the offset added to that
person's later estimates (:func:`analysis.pelvis.apply_calibration`). Angles in degrees, + = anterior.

Schema (version 1), kept simple because client records will be built on the same file:

* ``schema_version(version INTEGER)`` - one row.
* ``calibration(id INTEGER PRIMARY KEY, person_id TEXT, offset_deg REAL, measured_deg REAL,
  estimated_deg REAL, made_at TEXT)`` - ``made_at`` is an ISO-8601 date or date-time; the latest
  row per person is the one in force, earlier ones are kept as history.
"""

from __future__ import annotations

import datetime
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = 1
DEFAULT_DB = Path.home() / ".posture" / "records.sqlite"


@dataclass(frozen=True)
class Calibration:
    """One stored calibration (degrees, + = anterior tilt)."""

    person_id: str
    offset_deg: float
    measured_deg: float
    estimated_deg: float
    made_at: str


def connect(db: str | Path = DEFAULT_DB) -> sqlite3.Connection:
    """Open (creating the folder, file and tables when needed) the records database at ``db``.

    Raises ``RuntimeError`` when the file was written by a newer schema version.
    """
    db = Path(db).expanduser()
    db.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(db)
    with con:
        con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = con.execute("SELECT MAX(version) FROM schema_version").fetchone()
        if row[0] is None:
            con.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
    if row[0] is not None and row[0] > SCHEMA_VERSION:
        con.close()
        raise RuntimeError(f"{db} uses records schema {row[0]}, newer than this program's {SCHEMA_VERSION}: update")
    with con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS calibration ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " person_id TEXT NOT NULL,"
            " offset_deg REAL NOT NULL,"
            " measured_deg REAL NOT NULL,"
            " estimated_deg REAL NOT NULL,"
            " made_at TEXT NOT NULL)")
        con.execute("CREATE INDEX IF NOT EXISTS calibration_person ON calibration (person_id, made_at)")
    return con


def schema_version(db: str | Path = DEFAULT_DB) -> int:
    """The schema version stored in ``db`` (creating it at the current version when new)."""
    con = connect(db)
    try:
        return int(con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0])
    finally:
        con.close()


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
    con = connect(db)
    try:
        with con:
            con.execute("INSERT INTO calibration (person_id, offset_deg, measured_deg, estimated_deg, made_at) "
                        "VALUES (?, ?, ?, ?, ?)", (str(person_id), *vals, str(when)))
    finally:
        con.close()
    return Calibration(str(person_id), *vals, str(when))


def load_calibration(db: str | Path, person_id: str) -> Calibration | None:
    """The latest calibration of ``person_id`` (by ``made_at``, then insertion order), or None."""
    con = connect(db)
    try:
        row = con.execute("SELECT person_id, offset_deg, measured_deg, estimated_deg, made_at FROM calibration "
                          "WHERE person_id = ? ORDER BY made_at DESC, id DESC LIMIT 1", (str(person_id),)).fetchone()
    finally:
        con.close()
    return None if row is None else Calibration(row[0], float(row[1]), float(row[2]), float(row[3]), row[4])


def calibration_history(db: str | Path, person_id: str) -> list[Calibration]:
    """All calibrations of ``person_id``, oldest first."""
    con = connect(db)
    try:
        rows = con.execute("SELECT person_id, offset_deg, measured_deg, estimated_deg, made_at FROM calibration "
                           "WHERE person_id = ? ORDER BY made_at, id", (str(person_id),)).fetchall()
    finally:
        con.close()
    return [Calibration(r[0], float(r[1]), float(r[2]), float(r[3]), r[4]) for r in rows]
