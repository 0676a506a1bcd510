"""records.calibration: per-person tilt calibration in a real SQLite file."""

import sqlite3

import pytest

from analysis.pelvis import apply_calibration, calibration_offset
from analysis.metric import Metric
from records.calibration import (SCHEMA_VERSION, calibration_history, load_calibration, save_calibration,
                                 schema_version)


def test_round_trip_through_a_sqlite_file(tmp_path):
    db = tmp_path / "sub" / "records.sqlite"
    assert load_calibration(db, "client-1") is None
    off = calibration_offset(measured_tilt=14.0, estimated_tilt=9.5)
    save_calibration(db, "client-1", off, 14.0, 9.5, "2026-11-20")
    assert db.is_file()
    got = load_calibration(db, "client-1")
    assert got.offset_deg == pytest.approx(4.5) and got.measured_deg == 14.0 and got.estimated_deg == 9.5
    assert got.made_at == "2026-11-20"
    # a later estimate for the same person gets the stored offset
    later = Metric("pelvic_tilt", "Pelvic tilt (estimate)", 7.0, "deg", "d", kind="estimate", confidence=0.5)
    cal = apply_calibration(later, got.offset_deg, got.made_at)
    assert cal.value == pytest.approx(11.5) and "2026-11-20" in cal.reading


def test_latest_calibration_wins_and_people_are_separate(tmp_path):
    db = tmp_path / "r.sqlite"
    save_calibration(db, "a", 1.0, 10.0, 9.0, "2026-01-05")
    save_calibration(db, "a", 3.0, 12.0, 9.0, "2026-03-01")
    save_calibration(db, "a", 2.0, 11.0, 9.0, "2026-02-01")  # entered later, made earlier
    save_calibration(db, "b", -2.0, 5.0, 7.0, "2026-02-01")
    assert load_calibration(db, "a").offset_deg == 3.0
    assert load_calibration(db, "b").offset_deg == -2.0
    assert [c.made_at for c in calibration_history(db, "a")] == ["2026-01-05", "2026-02-01", "2026-03-01"]


def test_schema_version_table_and_newer_schema_refused(tmp_path):
    db = tmp_path / "r.sqlite"
    assert schema_version(db) == SCHEMA_VERSION
    con = sqlite3.connect(db)
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    cols = [r[1] for r in con.execute("PRAGMA table_info(calibration)")]
    assert cols == ["id", "person_id", "offset_deg", "measured_deg", "estimated_deg", "made_at"]
    with con:
        con.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    con.close()
    with pytest.raises(RuntimeError, match="newer"):
        load_calibration(db, "a")


def test_bad_input_refused(tmp_path):
    db = tmp_path / "r.sqlite"
    with pytest.raises(ValueError):
        save_calibration(db, "", 1.0, 2.0, 1.0)
    with pytest.raises(ValueError):
        save_calibration(db, "a", float("nan"), 2.0, 1.0)
    c = save_calibration(db, "a", 1.0, 2.0, 1.0)  # default time: now, ISO text
    assert load_calibration(db, "a").made_at == c.made_at and "T" in c.made_at
