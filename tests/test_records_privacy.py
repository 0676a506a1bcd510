"""Client data is health data (issue 16): consent checked where data is stored, deletion that takes the bytes
out of the file (SQLite secure_delete; PostgreSQL through SQLAlchemy), private file modes, safe client codes,
spreadsheet-safe CSV, and every records command answering a mistake with one line and no traceback."""

from __future__ import annotations

import csv
import os
import sqlite3
import stat

import pytest

import posture_cli
from records import workflow as wf
from records.db import LATEST
from records.errors import ConsentMissing, InvalidInput, NotFound
from records.store import CONSENT_TEXT, Records
from test_records_db import V1_SCHEMA, capture, location, pg_url  # noqa: F401  (fixtures: SQLite file and a real PostgreSQL)

SECRET_VIDEO = b"PRIVATE-VIDEO-BYTES-0123456789" * 4000  # 120 kB that must not survive deletion


def mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def with_video(data: bytes = SECRET_VIDEO, **kw):
    c = capture(**kw)
    c.video, c.video_name = data, "clip.mp4"
    return c


# ---------------------------------------------------------------------------------------------- consent
def test_storing_needs_consent_and_withdrawing_video_consent_deletes_the_videos(location):
    with Records(location) as rec:
        cid = rec.add_client("ann", "Ann")
        with pytest.raises(ConsentMissing, match="store their assessments"):
            rec.save_session(cid, [capture()])
        assert rec.sessions(cid) == []  # nothing stored, not even the session row
        rec.set_consent(cid, "records", True)
        assert rec.consents(cid)["records"]["text"] == CONSENT_TEXT["records"]  # the words agreed to are kept
        with pytest.raises(ConsentMissing, match="keep their videos"):
            rec.save_session(cid, [with_video()])
        sid = rec.save_session(cid, [capture()])
        with pytest.raises(ConsentMissing):
            rec.add_capture(sid, with_video())
        rec.set_consent(cid, "video", True)
        sid = rec.save_session(cid, [with_video()])
        kid = rec.captures(session_id=sid)[0]["id"]
        with rec.open_video(kid) as f:  # read in place, by ranges
            f.seek(len(SECRET_VIDEO) - 10)
            assert f.read(100) == SECRET_VIDEO[-10:]
            f.seek(30)
            assert f.read(30) == SECRET_VIDEO[30:60]
        rec.set_consent(cid, "video", False)
        got = rec.capture(kid)
        assert got["video"] is None and got["video_name"] is None and got["has_video"] is False
        with pytest.raises(NotFound):
            with rec.open_video(kid):
                pass
        assert rec.capture(kid, blobs=False)["results"]["metrics"]  # the measurements stay
        rec.set_consent(cid, "records", False)
        with pytest.raises(ConsentMissing):
            rec.save_session(cid, [capture()])


# ---------------------------------------------------------------------------------------------- deletion
def test_deleting_captures_sessions_and_clients(location):
    with Records(location) as rec:
        keep = rec.add_client("keep")
        rec.set_consent(keep, "records", True)
        rec.save_session(keep, [capture()], notes=["keep this"])
        cid = rec.add_client("gone")
        rec.set_consent(cid, "records", True)
        rec.set_consent(cid, "video", True)
        s1 = rec.save_session(cid, [with_video(), capture(2.0)], notes=["first"])
        s2 = rec.save_session(cid, [capture(3.0), capture(4.0)], notes=["second"])
        k1, k2 = (c["id"] for c in rec.captures(session_id=s1))
        k3 = rec.captures(session_id=s2)[0]["id"]
        rec.add_corrections(k1, [{"frame": 1, "landmark": "right_hip", "x": 1.0, "y": 2.0}], None)
        rec.save_reliability(cid, "standing", "right side", {"pelvic_tilt": {"sem": 1.0}}, [k1, k2])
        rec.save_reliability(cid, "standing", "right side", {"pelvic_tilt": {"sem": 2.0}}, [k3, k3])
        rec.save_calibration("gone", 1.0, 10.0, 9.0, "2026-11-01")

        rec.delete_capture(k1)  # its corrections and the noise table made from it go with it
        assert rec.capture(k1) is None and rec.corrections(k1) == []
        assert rec.reliability(cid, "standing")["table_json"]["pelvic_tilt"]["sem"] == 2.0
        rec.delete_session(s2)
        assert rec.session(s2) is None and rec.captures(session_id=s2) == []
        assert [n["text"] for n in rec.notes(cid)] == ["first"] and rec.reliability(cid, "standing") is None
        with pytest.raises(NotFound):
            rec.delete_session(s2)
        rec.delete_client(cid)
        assert rec.client("gone") is None and rec.calibrations("gone") == [] and rec.captures(client_id=cid) == []
        with rec.engine.begin() as c:
            for table in ("consents", "sessions", "notes", "reliability"):
                n = c.exec_driver_sql(f"SELECT COUNT(*) FROM {table} WHERE client_id = {cid}").scalar()
                assert n == 0, table
        assert len(rec.captures(client_id=keep)) == 1 and [n["text"] for n in rec.notes(keep)] == ["keep this"]


def test_deleted_bytes_leave_the_sqlite_files(tmp_path):
    db = tmp_path / "r.sqlite"
    with Records(db) as rec:
        cid = rec.add_client("gone", "Zelda Quirrell-Nameless")
        rec.set_consent(cid, "records", True)
        rec.set_consent(cid, "video", True)
        rec.save_session(cid, [with_video()], notes=["a note about xyzzy-secret back pain"])
        rec.delete_client(cid)
        # checked while the database is open: the write-ahead log must not keep the deleted pages either
        data = b"".join(p.read_bytes() for p in sorted(tmp_path.glob("r.sqlite*")))
    assert SECRET_VIDEO[:60] not in data
    assert b"xyzzy-secret" not in data and b"Zelda Quirrell" not in data


def test_withdrawn_video_leaves_the_sqlite_files(tmp_path):
    db = tmp_path / "r.sqlite"
    with Records(db) as rec:
        cid = rec.add_client("v")
        rec.set_consent(cid, "records", True)
        rec.set_consent(cid, "video", True)
        rec.save_session(cid, [with_video()])
        rec.set_consent(cid, "video", False)
        data = b"".join(p.read_bytes() for p in sorted(tmp_path.glob("r.sqlite*")))
    assert SECRET_VIDEO[:60] not in data


# ---------------------------------------------------------------------------------------------- modes, migration
def test_a_new_database_is_private_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        db = tmp_path / "new" / "deeper" / "records.sqlite"
        with Records(db) as rec:
            cid = rec.add_client("m")
            rec.set_consent(cid, "records", True)
            rec.save_session(cid, [capture()])
            files = sorted(db.parent.glob("records.sqlite*"))
            assert {f.name for f in files} >= {"records.sqlite", "records.sqlite-wal"}
            assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        assert mode(tmp_path / "new") == 0o700 and mode(tmp_path / "new" / "deeper") == 0o700
        os.chmod(db, 0o644)  # a file an earlier version left readable by everyone
        Records(db).close()
        assert mode(db) == 0o600
        other = tmp_path / "notes.txt"
        other.write_text("not a database")
        os.chmod(other, 0o644)
        with pytest.raises(Exception):
            Records(other)
        assert mode(other) == 0o644  # someone else's file is never changed
    finally:
        os.umask(old)


def test_a_first_version_file_with_its_own_notes_table_gets_the_programs_tables(tmp_path):
    db = tmp_path / "old.sqlite"
    con = sqlite3.connect(db)
    con.executescript(V1_SCHEMA + "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
                      "INSERT INTO notes (body) VALUES ('my own note');")
    con.commit()
    con.close()
    with Records(db) as rec:
        assert rec.version == LATEST
        cid = rec.add_client("p")
        rec.add_note(cid, "a session note")
        assert [n["text"] for n in rec.notes(cid)] == ["a session note"]
    con = sqlite3.connect(db)
    assert con.execute("SELECT body FROM notes_before_v2").fetchall() == [("my own note",)]  # kept, set aside
    con.close()


# ---------------------------------------------------------------------------------------------- names and CSV
@pytest.mark.parametrize("code", ["x/../../../ESCAPED", "/etc", "..", "a b", "\x1b[2J", "", "-rf"])
def test_client_codes_are_safe_names(tmp_path, code):
    with Records(tmp_path / "r.sqlite") as rec:
        with pytest.raises(InvalidInput):
            rec.add_client(code)
        assert rec.clients() == []


def test_export_is_private_and_its_csv_cannot_run_formulas(tmp_path):
    old = os.umask(0o022)
    try:
        with Records(tmp_path / "r.sqlite") as rec:
            cid = rec.add_client("f")
            rec.set_consent(cid, "records", True)
            c = capture(-3.5)
            c.source_name = '=HYPERLINK("http://example.invalid","click").mp4'
            rec.save_session(cid, [c])
            files = wf.export_client(rec, cid, tmp_path / "export" / "f")
    finally:
        os.umask(old)
    assert mode(tmp_path / "export") == 0o700 and mode(tmp_path / "export" / "f") == 0o700
    assert files and all(mode(f) == 0o600 for f in files)
    rows = list(csv.DictReader(open(tmp_path / "export" / "f" / "metrics.csv")))
    assert rows[0]["source"] == "'" + c.source_name  # text, not a formula
    assert rows[0]["value"] == "-3.5"  # a negative number stays a number


# ---------------------------------------------------------------------------------------------- the commands
@pytest.fixture(autouse=True)
def keep_stderr(monkeypatch):
    monkeypatch.setenv("POSTURE_NATIVE_LOGS", "1")  # in-process main(): leave file descriptor 2 to pytest


def cli(capsys, *args) -> tuple[int, str, str]:
    old = os.umask(0o022)
    try:
        code = posture_cli.main(list(args))
    finally:
        os.umask(old)
    out, err = capsys.readouterr()
    return code, out, err


def one_error(capsys, *args) -> str:
    code, out, err = cli(capsys, *args)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (code, out, err)
    assert "Traceback" not in out + err
    return lines[0]


@pytest.fixture
def db(tmp_path):
    """A records file with client 'ann' (records consent) and one capture (id 1), and 'bob' with no consent."""
    loc = tmp_path / "data" / "r.sqlite"
    with Records(loc) as rec:
        cid = rec.add_client("ann", "Ann")
        rec.set_consent(cid, "records", True)
        rec.save_session(cid, [capture()])
        rec.add_client("bob", "Bob")
    return str(loc)


def test_records_commands_answer_mistakes_in_one_line(db, tmp_path, capsys):
    d = ["--db", db]
    assert "already" in one_error(capsys, "client", "add", "ann", *d)
    assert "no session 999" in one_error(capsys, "report", "--session", "999", "-o", str(tmp_path / "r.pdf"), *d)
    assert "no capture 99" in one_error(capsys, "compare", "1", "99", *d)
    assert "give the folder" in one_error(capsys, "client", "export", "ann", *d)
    assert "is a folder" in one_error(capsys, "client", "list", "--db", str(tmp_path))
    (tmp_path / "notes.txt").write_text("shopping list\n" * 100)
    assert "not a records database" in one_error(capsys, "client", "list", "--db", str(tmp_path / "notes.txt"))
    line = one_error(capsys, "client", "list", "--db", "postgresql://someone:secret@127.0.0.1:1/records")
    assert "cannot use the records database" in line and "secret" not in line
    newer = tmp_path / "newer.sqlite"
    Records(newer).close()
    with sqlite3.connect(newer) as con:
        con.execute("UPDATE schema_version SET version = ?", (LATEST + 1,))
    assert "newer" in one_error(capsys, "client", "list", "--db", str(newer))
    assert "UTF-8" in one_error(capsys, "client", "add", "cy", "--name", "Caf\udce9", *d)  # bytes from a Latin-1 terminal
    assert "not allowed" in one_error(capsys, "client", "add", "x/../../../ESCAPED", *d)
    assert "no client 'zed'" in one_error(capsys, "record", "zed", "clip.mp4", *d)
    assert "posture client add" in one_error(capsys, "record", "zed", "clip.mp4", *d)
    # ' ann' is ann (the code is stripped on lookup as on add): the files are checked, not the name refused
    line = one_error(capsys, "record", " ann", str(tmp_path / "missing.mp4"), *d)
    assert "no client" not in line and "missing.mp4" in line
    assert "at least two files" in one_error(capsys, "record", "ann", "a.mp4", "--retest", *d)
    assert "--leg" in one_error(capsys, "record", "ann", "a.mp4", "--leg", "left", *d)  # not without a one-leg test
    assert "consent" in one_error(capsys, "record", "bob", "a.mp4", *d)  # refused before any analysis
    assert "keep their videos" in one_error(capsys, "record", "ann", "a.mp4", "--keep-video", *d)
    assert "--yes" in one_error(capsys, "client", "delete", "ann", *d)  # not confirmed: nothing deleted
    with Records(db) as rec:
        assert len(rec.sessions(rec.client("ann")["id"])) == 1 and rec.client("cy") is None


def test_consent_and_deletion_from_the_command_line(db, capsys):
    d = ["--db", db]
    code, out, _ = cli(capsys, "client", "consent", "bob", "--give", "records", "--give", "video", *d)
    assert code == 0 and CONSENT_TEXT["video"] in out and "records=yes, video=yes" in out
    code, out, _ = cli(capsys, "client", "consent", "bob", "--withdraw", "video", *d)
    assert code == 0 and "video=no" in out
    code, out, _ = cli(capsys, "client", "delete", "ann", "--capture", "1", "--yes", *d)
    assert code == 0 and "Deleted capture 1" in out
    code, out, _ = cli(capsys, "client", "delete", "ann", "--yes", *d)
    assert code == 0
    with Records(db) as rec:
        assert rec.client("ann") is None and rec.consents(rec.client("bob")["id"])["records"]["given"]


def test_names_cannot_drive_the_terminal(db, capsys):
    d = ["--db", db]
    evil = "Eve\x1b]0;owned\x07\x1b[2J\r\nDROP\u202e"
    code, _, _ = cli(capsys, "client", "add", "eve", "--name", evil, "--consent", "records", *d)
    assert code == 0
    for args in (("client", "list"), ("client", "show", "eve")):
        code, out, err = cli(capsys, *args, *d)
        assert code == 0 and "Eve" in out
        for ch in ("\x1b", "\x07", "\r", "\u202e"):
            assert ch not in out + err, (args, out)
        assert "\\x1b" in out  # shown, not obeyed
