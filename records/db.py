"""The records database: one SQLAlchemy engine for a local SQLite file or a clinic's PostgreSQL, and the
versioned schema with its forward migrations.

Why not Alembic: the program opens a user's file and must bring it forward on the spot, with no separate
command, inside the same transaction that checks the version, and the first schema (version 1, written by
the earlier ``records.calibration`` with the standard library) has no Alembic table. A version table plus
ordered migration functions does that in a few lines and needs no extra dependency.

Schema versions
---------------
1. ``schema_version(version)`` (one row) and ``calibration`` (per-person ASIS/PSIS tilt offsets).
2. ``clients``, ``consents``, ``sessions``, ``captures`` (landmark track as .pose.npz bytes, results as
   JSON, key frame image, the video only when asked to keep it), ``notes``; a client row is made for each
   person that already had a calibration.
3. ``landmark_corrections`` (hand-moved landmarks and ASIS/PSIS marks, beside the automatic ones),
   ``reliability`` (per-client SEM/MDC from repeated captures) and ``captures.results_corrected`` (the
   metrics recomputed from the corrected landmarks; ``results`` is never overwritten).
4. ``captures.title``: what the therapist calls a capture ("before", "after 6 weeks"); NULL = its file name.

Every migration runs in one transaction together with the version bump, so a failed or killed migration
leaves the previous version intact. Two processes opening a new file at once are serialised (SQLite:
``BEGIN IMMEDIATE``; PostgreSQL: an advisory transaction lock).

Privacy
-------
A new SQLite file is created owner-only (600; SQLite gives its ``-wal`` and ``-shm`` files the same mode)
in owner-only folders (700); an existing file readable by others is restricted when opened. Deleted rows
do not linger: SQLite runs with ``secure_delete`` (freed pages are overwritten with zeros) and
:func:`purge` moves the zeroed pages into the file and empties the write-ahead log; on PostgreSQL it runs
``VACUUM`` on the tables, so the dead rows are removed from the tables (not only hidden).

Transactions
------------
On SQLite every transaction starts with ``BEGIN IMMEDIATE`` (the write lock is taken up front, so two app
sessions writing at once wait for each other, up to 30 s, instead of failing with "database is locked"),
the journal is WAL (readers never block) and ``synchronous=FULL``. A killed process leaves no partial
transaction behind: SQLite and PostgreSQL roll it back on the next open.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable

from sqlalchemy import (Boolean, Column, Float, ForeignKey, Integer, LargeBinary, MetaData, Table, Text, create_engine,
                        event, inspect, text)
from sqlalchemy.engine import Connection, Engine

from privacy.files import FILE_MODE, private_dir
from records.errors import RecordsError


class SchemaTooNew(RecordsError, RuntimeError):
    """The database was written by a newer version of the program."""

LATEST = 4
DEFAULT_DB = Path.home() / ".posture" / "records.sqlite"
ENV_DB = "POSTURE_DB"  # a path or a database URL; the app and CLI use it when no --db is given
BUSY_TIMEOUT_MS = 30_000
_PG_LOCK = 7420108  # advisory lock id for migrations


def default_location() -> str:
    """``$POSTURE_DB`` when set, else ``~/.posture/records.sqlite``."""
    return os.environ.get(ENV_DB) or str(DEFAULT_DB)


def to_url(location: str | Path) -> str:
    """A database URL for a file path or URL (``postgresql://`` becomes ``postgresql+psycopg://``)."""
    s = str(location)
    if "://" in s:
        if s.startswith("postgresql://") or s.startswith("postgres://"):
            s = "postgresql+psycopg://" + s.split("://", 1)[1]
        return s
    return f"sqlite:///{Path(s).expanduser()}"


def prepare_file(path: str | Path) -> Path:
    """Make sure a SQLite records file can be opened privately: its folder made owner-only when new, the file
    created owner-only (600) when new and restricted to its owner when others could read it.

    Raises :class:`RecordsError` when the path is a folder or cannot be created.
    """
    p = Path(path).expanduser()
    if p.is_dir():
        raise RecordsError(f"{p} is a folder: give the records file's path, e.g. {p / 'records.sqlite'}")
    try:
        private_dir(p.parent)
        os.close(os.open(p, os.O_RDWR | os.O_CREAT, FILE_MODE))  # the mode applies only to a new file
        with open(p, "rb") as f:
            ours = f.read(16) in (b"", b"SQLite format 3\0")  # never change the mode of someone's other file
        for f in (p, Path(f"{p}-wal"), Path(f"{p}-shm")):
            if ours and f.exists() and f.stat().st_uid == os.geteuid() and stat.S_IMODE(f.stat().st_mode) & 0o077:
                os.chmod(f, FILE_MODE)
    except OSError as e:
        raise RecordsError(f"the records file {p} cannot be created or opened ({e.strerror or e}): choose a file "
                           "in a folder you can write to") from None
    return p


def describe(location: str | Path) -> str:
    """The database's location for messages (a URL without its password)."""
    from sqlalchemy.engine import make_url

    s = str(location)
    return make_url(to_url(s)).render_as_string(hide_password=True) if "://" in s else s


def make_engine(location: str | Path) -> Engine:
    """An engine for ``location`` (file path or URL), configured as the module docstring says."""
    url = to_url(location)
    if url.startswith("sqlite"):
        prepare_file(url[len("sqlite:///"):])
        eng = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

        @event.listens_for(eng, "connect")
        def _on_connect(dbapi_con, _rec):  # take transaction control from the sqlite3 module
            dbapi_con.isolation_level = None
            cur = dbapi_con.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA secure_delete = ON")  # freed pages are overwritten with zeros
            cur.close()

        @event.listens_for(eng, "begin")
        def _on_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return eng
    return create_engine(url, pool_pre_ping=True)


def open_error(location: str | Path, e: Exception) -> RecordsError:
    """A one-line :class:`RecordsError` for a database that could not be opened or read."""
    if isinstance(e, RecordsError):
        return e
    where = describe(location)
    detail = str(getattr(e, "orig", None) or e).strip().splitlines()
    detail = detail[0] if detail else type(e).__name__
    if "://" not in str(location):
        return RecordsError(f"{where} is not a records database that this program can open ({detail}): give the "
                            "path of a records file, or a new file name to start one")
    return RecordsError(f"cannot use the records database at {where} ({detail}): check that the server is running "
                        "and the address, user, password and database name")


def purge(engine: Engine, tables: tuple[str, ...] = ("captures", "sessions", "notes", "landmark_corrections",
                                                      "reliability", "consents", "clients", "calibration")) -> None:
    """After a delete: make the deleted bytes go from the database's files (see the module docstring).

    SQLite: the zeroed pages are checkpointed into the file and the write-ahead log is truncated (while
    another connection reads, the log is emptied when that reader finishes). PostgreSQL: ``VACUUM``.
    """
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM " + ", ".join(tables))


# ----------------------------------------------------------------------------------------------------
# the schema, version by version (each migration declares the tables as they were at that version)
# ----------------------------------------------------------------------------------------------------
def _v1(conn: Connection) -> None:
    md = MetaData()
    Table("calibration", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("person_id", Text, nullable=False),
          Column("offset_deg", Float, nullable=False),
          Column("measured_deg", Float, nullable=False),
          Column("estimated_deg", Float, nullable=False),
          Column("made_at", Text, nullable=False),
          sqlite_autoincrement=True)
    md.create_all(conn, checkfirst=True)
    conn.execute(text("CREATE INDEX IF NOT EXISTS calibration_person ON calibration (person_id, made_at)"))


def set_aside(conn: Connection, names, version: int) -> None:
    """Rename tables that migration ``version`` is about to create but that already exist (made by someone
    else, with another schema) to ``<name>_before_v<version>``: their rows are kept and the program's tables
    are made as this version defines them."""
    have = set(inspect(conn).get_table_names())
    for name in names:
        if name in have:
            new, k = f"{name}_before_v{version}", 1
            while new in have:
                k += 1
                new = f"{name}_before_v{version}_{k}"
            conn.execute(text(f'ALTER TABLE "{name}" RENAME TO "{new}"'))
            have.add(new)


def _v2(conn: Connection) -> None:
    md = MetaData()
    Table("clients", md,
          Column("id", Integer, primary_key=True),
          Column("code", Text, nullable=False, unique=True),  # the id used on the command line (--person)
          Column("name", Text, nullable=False, default=""),
          Column("birth_year", Integer),
          Column("notes", Text, nullable=False, default=""),
          Column("created_at", Text, nullable=False))
    Table("consents", md,
          Column("id", Integer, primary_key=True),
          Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True),
          Column("kind", Text, nullable=False),  # records | video | report_sharing ...
          Column("given", Boolean, nullable=False),
          Column("text", Text, nullable=False, default=""),
          Column("recorded_by", Text, nullable=False, default=""),
          Column("recorded_at", Text, nullable=False))
    Table("sessions", md,
          Column("id", Integer, primary_key=True),
          Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True),
          Column("started_at", Text, nullable=False),
          Column("assessor", Text, nullable=False, default=""),
          Column("label", Text, nullable=False, default=""))
    Table("captures", md,
          Column("id", Integer, primary_key=True),
          Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
          Column("protocol", Text, nullable=False),  # "standing" or a movement-test kind
          Column("view", Text),
          Column("created_at", Text, nullable=False),
          Column("source_name", Text, nullable=False, default=""),
          Column("source_sha256", Text),
          Column("program_version", Text, nullable=False),
          Column("model", Text, nullable=False, default="{}"),  # JSON
          Column("track", LargeBinary, nullable=False),  # .pose.npz bytes
          Column("results", Text, nullable=False),  # JSON (assessment or movement result)
          Column("summary", Text, nullable=False, default="{}"),  # JSON (track summary)
          Column("key_frame", LargeBinary),  # JPEG of the key frame (raw; overlays are drawn from the track)
          Column("video", LargeBinary),  # only when the user asked to keep it
          Column("video_name", Text))
    Table("notes", md,
          Column("id", Integer, primary_key=True),
          Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True),
          Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE")),
          Column("author", Text, nullable=False, default=""),
          Column("text", Text, nullable=False),
          Column("created_at", Text, nullable=False))
    set_aside(conn, md.tables, 2)
    md.create_all(conn)
    # fold the first schema's calibrations in: every calibrated person becomes a client
    people = conn.execute(text("SELECT person_id, MIN(made_at) FROM calibration GROUP BY person_id")).fetchall()
    for pid, made in people:
        conn.execute(text("INSERT INTO clients (code, name, notes, created_at) VALUES (:c, :n, '', :t)"),
                     {"c": pid, "n": pid, "t": made})


def _v3(conn: Connection) -> None:
    md = MetaData()
    Table("clients", md, Column("id", Integer, primary_key=True))
    Table("captures", md, Column("id", Integer, primary_key=True))
    Table("landmark_corrections", md,
          Column("id", Integer, primary_key=True),
          Column("capture_id", Integer, ForeignKey("captures.id", ondelete="CASCADE"), nullable=False, index=True),
          Column("frame", Integer, nullable=False),  # track position
          Column("landmark", Text, nullable=False),  # a MediaPipe landmark name, or "asis" / "psis"
          Column("x", Float, nullable=False),  # pixels of the original frame
          Column("y", Float, nullable=False),
          Column("auto_x", Float),  # the automatic position it replaces (None for ASIS/PSIS)
          Column("auto_y", Float),
          Column("author", Text, nullable=False, default=""),
          Column("created_at", Text, nullable=False))
    Table("reliability", md,
          Column("id", Integer, primary_key=True),
          Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True),
          Column("protocol", Text, nullable=False),
          Column("view", Text),
          Column("table_json", Text, nullable=False),  # metric key -> {sem, mdc, dof, n, unit, name, values}
          Column("capture_ids", Text, nullable=False),  # JSON list
          Column("created_at", Text, nullable=False))
    set_aside(conn, ("landmark_corrections", "reliability"), 3)
    md.tables["landmark_corrections"].create(conn)
    md.tables["reliability"].create(conn)
    conn.execute(text("ALTER TABLE captures ADD COLUMN results_corrected TEXT"))


def _v4(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE captures ADD COLUMN title TEXT"))


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [(1, _v1), (2, _v2), (3, _v3), (4, _v4)]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    v = conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar()
    return int(v or 0)


def migrate(engine: Engine, target: int = LATEST) -> int:
    """Bring the database forward to ``target`` (default: the latest); returns the version reached.

    Raises :class:`SchemaTooNew` (a ``RuntimeError``) when the database was written by a newer program.
    """
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        conn.execute(text("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
        have = current_version(conn)
        if have > LATEST:
            raise SchemaTooNew(f"{engine.url.render_as_string(hide_password=True)} uses records schema {have}, "
                               f"newer than this program's {LATEST}: update the program to open it")
        for v, fn in MIGRATIONS:
            if have < v <= target:
                fn(conn)
                have = v
        n = conn.execute(text("SELECT COUNT(*) FROM schema_version")).scalar()
        if n == 0:
            conn.execute(text("INSERT INTO schema_version (version) VALUES (:v)"), {"v": have})
        else:
            conn.execute(text("UPDATE schema_version SET version = :v"), {"v": have})
    return have
