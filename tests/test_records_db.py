"""records: round trips, migrations from the first schema, a killed write, two writers at once - on a SQLite
file and (where a server can be started) on a real PostgreSQL server."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from records.db import LATEST
from records.store import CaptureIn, Records

ROOT = Path(__file__).resolve().parents[1]


def fake_track(t: int = 6, seed: int = 0) -> bytes:
    """A small but valid .pose.npz (random landmarks)."""
    from vision.sequence import PoseSequence

    rng = np.random.default_rng(seed)
    seq = PoseSequence(np.arange(t) / 15.0, np.arange(t), rng.random((t, 33, 3)).astype(np.float32),
                       rng.random((t, 33)).astype(np.float32), rng.random((t, 33, 3)).astype(np.float32),
                       np.tile([640, 480], (t, 1)).astype(np.int32))
    with tempfile.TemporaryDirectory() as d:
        p = seq.save(Path(d) / "x.pose.npz")
        return p.read_bytes()


def capture(value: float = 10.0, protocol: str = "standing", big: int = 0) -> CaptureIn:
    res = {"ok": True, "view": {"label": "right side", "yaw_deg": 80, "facing": 1}, "key_frame": 2,
           "metrics": [{"key": "pelvic_tilt", "name": "Pelvic tilt (estimate)", "value": value, "unit": "deg",
                        "kind": "estimate", "confidence": 0.7, "side": None, "norm": None, "status": "unknown"}]}
    return CaptureIn(protocol=protocol, results=res, track=fake_track() + b"\0" * big, view="right side",
                     model={"name": "m", "mediapipe": "0.10.21", "model_complexity": 1}, source_name="a.mp4")


# ----------------------------------------------------------------------------------------------------
# PostgreSQL: a throwaway cluster started by the tests
# ----------------------------------------------------------------------------------------------------
def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    w = shutil.which("initdb")
    return Path(w).resolve().parent if w and Path(w).resolve().exists() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pg_url():
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install -y postgresql")
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as another user")
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to start the server as")
        run_as = ["runuser", "-u", "postgres", "--"]
    d = Path(tempfile.mkdtemp(prefix="pgtest-"))
    os.chmod(d, 0o777)
    data, log = d / "data", d / "log"
    if run_as:
        shutil.chown(d, "postgres")
    port = _free_port()
    r = subprocess.run(run_as + [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                       capture_output=True, text=True)
    if r.returncode:
        shutil.rmtree(d, ignore_errors=True)
        pytest.skip(f"initdb failed: {r.stderr.strip()[:300]}")
    r = subprocess.run(run_as + [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
                                 f"-p {port} -k {d} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       capture_output=True, text=True)
    if r.returncode:
        shutil.rmtree(d, ignore_errors=True)
        pytest.skip(f"the PostgreSQL server did not start: {r.stderr.strip()[:300]}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(run_as + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(d, ignore_errors=True)


def _fresh_pg(url: str) -> str:
    """A new empty database on the test server (each test gets its own)."""
    import psycopg

    name = f"t{int(time.time() * 1e6) % 10**12}"
    with psycopg.connect(url.replace("postgresql://", "postgresql://", 1), autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "data" / "records.sqlite")
    return _fresh_pg(request.getfixturevalue("pg_url"))


# ----------------------------------------------------------------------------------------------------
def test_round_trip(location):
    with Records(location) as rec:
        assert rec.version == LATEST
        cid = rec.add_client("JS-01", "Jo Smith", 1980)
        rec.set_consent(cid, "records", True, by="T")
        rec.set_consent(cid, "video", True)
        rec.set_consent(cid, "video", False)  # withdrawn later: the latest is in force
        sid = rec.save_session(cid, [capture(12.0), capture(9.0, "hip_extension")], assessor="T", label="week 0",
                               notes=["first visit"])
        caps = rec.captures(session_id=sid)
        assert [c["protocol"] for c in caps] == ["standing", "hip_extension"]
        assert caps[0]["results"]["metrics"][0]["value"] == 12.0 and caps[0]["model"]["mediapipe"] == "0.10.21"
        full = rec.capture(caps[0]["id"])
        assert full["track"] == capture().track and full["video"] is None
        seq = rec.sequence(caps[0]["id"])
        assert len(seq) == 6
        assert rec.consents(cid)["video"]["given"] is False and rec.consents(cid)["records"]["given"] is True
        assert [n["text"] for n in rec.notes(cid)] == ["first visit"]
        rec.add_corrections(caps[0]["id"], [{"frame": 2, "landmark": "right_hip", "x": 1.5, "y": 2.5, "auto_x": 1.0,
                                             "auto_y": 2.0}], {"metrics": [], "corrected": True})
        got = rec.capture(caps[0]["id"], blobs=False)
        assert got["results"]["metrics"][0]["value"] == 12.0  # automatic results never overwritten
        assert got["results_corrected"]["corrected"] is True
        assert rec.corrections(caps[0]["id"])[0]["auto_x"] == 1.0
        rec.save_reliability(cid, "standing", "right side", {"pelvic_tilt": {"sem": 1.0, "mdc": 2.77}}, [1, 2])
        assert rec.reliability(cid, "standing")["table_json"]["pelvic_tilt"]["mdc"] == 2.77
        rec.save_calibration("JS-01", 2.0, 14.0, 12.0, "2026-11-20")
        assert rec.calibrations("JS-01")[-1][1] == 2.0
        exp = rec.export(cid)
        assert exp["client"]["code"] == "JS-01" and len(exp["sessions"][0]["captures"]) == 2
        with pytest.raises(Exception):
            rec.add_client("JS-01")  # codes are unique
    with Records(location) as again:  # reopening migrates nothing and finds everything
        assert again.version == LATEST and len(again.clients()) == 1


# exactly what the first version (records/calibration.py, schema 1) wrote
V1_SCHEMA = ("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);"
             "CREATE TABLE calibration (id INTEGER PRIMARY KEY AUTOINCREMENT, person_id TEXT NOT NULL, "
             "offset_deg REAL NOT NULL, measured_deg REAL NOT NULL, estimated_deg REAL NOT NULL, made_at TEXT NOT NULL);"
             "CREATE INDEX calibration_person ON calibration (person_id, made_at);")


def test_migration_from_the_first_schema(tmp_path):
    db = tmp_path / "old.sqlite"
    con = sqlite3.connect(db)
    con.executescript(
        V1_SCHEMA +
        "INSERT INTO calibration (person_id, offset_deg, measured_deg, estimated_deg, made_at) VALUES "
        "('p1', 4.5, 14.0, 9.5, '2026-11-01'), ('p1', 3.0, 13.0, 10.0, '2026-11-10'), ('p2', -1.0, 5.0, 6.0, '2026-11-02');")
    con.commit()
    con.close()
    from records.calibration import load_calibration

    with Records(db) as rec:
        assert rec.version == LATEST
        assert sorted(c["code"] for c in rec.clients()) == ["p1", "p2"]  # calibrated people became clients
        cid = rec.client("p1")["id"]
        rec.set_consent(cid, "records", True)
        rec.save_session(cid, [capture()])  # the new tables work on the migrated file
    assert load_calibration(db, "p1").offset_deg == 3.0
    con = sqlite3.connect(db)
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(LATEST,)]
    assert "results_corrected" in [r[1] for r in con.execute("PRAGMA table_info(captures)")]
    con.close()


def test_failed_migration_leaves_the_old_version(tmp_path, monkeypatch):
    from records import db as dbmod

    db = tmp_path / "r.sqlite"
    eng = dbmod.make_engine(db)
    assert dbmod.migrate(eng, target=2) == 2

    def broken(conn):
        dbmod._v3(conn)
        raise RuntimeError("power cut")

    monkeypatch.setattr(dbmod, "MIGRATIONS", [(1, dbmod._v1), (2, dbmod._v2), (3, broken)])
    with pytest.raises(RuntimeError, match="power cut"):
        dbmod.migrate(eng)
    eng.dispose()
    con = sqlite3.connect(db)
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(2,)]
    assert "results_corrected" not in [r[1] for r in con.execute("PRAGMA table_info(captures)")]
    assert con.execute("SELECT name FROM sqlite_master WHERE name = 'landmark_corrections'").fetchone() is None
    con.close()
    monkeypatch.undo()
    with Records(db) as rec:  # and the real migration then succeeds
        assert rec.version == LATEST


KILLED_WRITER = r"""
import sys, time
sys.path.insert(0, sys.argv[2])
from tests.test_records_db import capture
from records.store import Records
rec = Records(sys.argv[1])
cid = rec.client("k")["id"]
with rec.engine.begin() as c:  # a session and a large capture, never committed
    sid = rec._insert(c, "sessions", {"client_id": cid, "started_at": "now", "assessor": "", "label": "half"})
    rec._add_capture(c, sid, capture(big=4_000_000))
    print("inside", flush=True)
    time.sleep(120)
"""


def test_killed_write_leaves_the_database_consistent(location, tmp_path):
    with Records(location) as rec:
        cid = rec.add_client("k")
        rec.set_consent(cid, "records", True)
        rec.save_session(cid, [capture(1.0)], label="whole")
    script = tmp_path / "writer.py"
    script.write_text(KILLED_WRITER)
    p = subprocess.Popen([sys.executable, str(script), location, str(ROOT)], stdout=subprocess.PIPE, text=True,
                         cwd=ROOT)
    try:
        assert p.stdout.readline().strip() == "inside"
        os.kill(p.pid, signal.SIGKILL)
        p.wait(30)
    finally:
        if p.poll() is None:
            p.kill()
    with Records(location) as rec:
        cid = rec.client("k")["id"]
        assert [s["label"] for s in rec.sessions(cid)] == ["whole"]
        assert len(rec.captures(client_id=cid)) == 1
        if rec.engine.dialect.name == "sqlite":
            with rec.engine.begin() as c:
                assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        rec.save_session(cid, [capture(2.0)], label="after")  # and it takes new writes
        assert len(rec.sessions(cid)) == 2


WRITER = r"""
import sys
sys.path.insert(0, sys.argv[2])
from tests.test_records_db import capture
from records.store import Records
rec = Records(sys.argv[1])
cid = rec.client("both")["id"]
for i in range(int(sys.argv[4])):
    rec.save_session(cid, [capture(float(i)), capture(float(i))], label=f"{sys.argv[3]}-{i}", notes=["n"])
    rec.add_note(cid, f"{sys.argv[3]} {i}")
print("ok", flush=True)
"""


def test_two_app_sessions_writing_at_once(location, tmp_path):
    with Records(location) as rec:
        rec.set_consent(rec.add_client("both"), "records", True)
    script = tmp_path / "w.py"
    script.write_text(WRITER)
    n = 15
    procs = [subprocess.Popen([sys.executable, str(script), location, str(ROOT), tag, str(n)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    outs = [p.communicate(timeout=240) for p in procs]
    for p, (o, e) in zip(procs, outs):
        assert p.returncode == 0 and o.strip() == "ok", e[-2000:]
    with Records(location) as rec:
        cid = rec.client("both")["id"]
        labels = sorted(s["label"] for s in rec.sessions(cid))
        assert labels == sorted([f"a-{i}" for i in range(n)] + [f"b-{i}" for i in range(n)])
        assert all(s["n_captures"] == 2 for s in rec.sessions(cid))
        assert len(rec.notes(cid)) == 4 * n


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "r.sqlite"
    Records(db).close()
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE schema_version SET version = ?", (LATEST + 1,))
    con.close()
    with pytest.raises(RuntimeError, match="newer"):
        Records(db)


def test_captures_are_stamped_with_the_project_version(monkeypatch):
    """The stamp that keeps captures of different metric definitions from being compared is the project's
    version in pyproject.toml, installed or read from the source tree, not a constant that is never raised."""
    import importlib.metadata
    import tomllib

    from records.store import program_version

    with open(Path(__file__).resolve().parents[1] / "pyproject.toml", "rb") as f:
        want = tomllib.load(f)["project"]["version"]
    assert program_version() == want

    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert program_version() == want
