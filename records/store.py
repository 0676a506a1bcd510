"""Client records: clients, consent, sessions, captures, notes, landmark corrections, per-client noise and
calibrations, over :mod:`records.db` (a SQLite file or a PostgreSQL URL).

Every public write is one transaction: a session is saved together with its captures and notes or not at
all. Rows come back as plain dicts (JSON columns decoded); large columns (track, key frame, video) only
when asked for.

Consent is checked where data is stored: a session or capture needs the client's ``records`` consent in
force, a kept video their ``video`` consent (:class:`~records.errors.ConsentMissing` otherwise);
withdrawing the video consent deletes the client's stored videos. Captures, sessions and clients can be
deleted; the deleted bytes are purged from the files (:func:`records.db.purge`).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import math
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from sqlalchemy import exc, text
from sqlalchemy.engine import Connection, Engine

from privacy.text import check_name, display_text, unicode_text
from records import db as _db
from records.errors import ConsentMissing, InvalidInput, NotFound

CONSENT_KINDS = ("records", "video", "report_sharing")
# What the client agrees to, in the words shown where consent is given (stored with each decision).
CONSENT_TEXT = {
    "records": "I agree that my posture assessments (measurements, the body landmarks found in my pictures and "
               "one still picture per capture) are stored in this practice's records, to compare them over "
               "time. I can ask for them to be exported or deleted at any time.",
    "video": "I agree that the videos and photos of me are kept in these records as well (not only the "
             "measurements). I can withdraw this at any time; my stored videos are then deleted.",
    "report_sharing": "I agree that reports of my assessments may be shared with the people I name (e.g. my "
                      "doctor or trainer).",
}


@contextlib.contextmanager
def _invalid_input() -> Iterator[None]:
    """A ``ValueError`` about what the user gave (:mod:`privacy.text`'s checks) as :class:`InvalidInput`."""
    try:
        yield
    except ValueError as e:
        raise InvalidInput(str(e)) from None


def now() -> str:
    return datetime.datetime.now().isoformat(timespec="seconds")


def program_version() -> str:
    """This program's version (the installed package's, else the source tree's ``pyproject.toml``)."""
    try:
        from importlib.metadata import version

        return version("posture-assessor")
    except Exception:  # noqa: BLE001 - running from a source tree that is not installed
        import tomllib

        with open(Path(__file__).resolve().parents[1] / "pyproject.toml", "rb") as f:
            return tomllib.load(f)["project"]["version"]


@dataclass
class CaptureIn:
    """One capture to store: what was measured, on which protocol and view, with which program.

    ``track`` is the .pose.npz bytes (:meth:`vision.sequence.PoseSequence.save`); ``results`` the
    assessment or movement result; ``video`` only when the user asked to keep it.
    """

    protocol: str
    results: dict
    track: bytes
    view: str | None = None
    summary: dict = field(default_factory=dict)
    model: dict = field(default_factory=dict)
    source_name: str = ""
    source_sha256: str | None = None
    key_frame: bytes | None = None
    video: bytes | None = None
    video_name: str | None = None
    program_version: str = field(default_factory=program_version)
    created_at: str = field(default_factory=now)


_JSON_COLS = {"results", "summary", "model", "results_corrected", "table_json", "capture_ids"}
_BLOB_COLS = ("track", "key_frame", "video")


def _row(r) -> dict:
    d = dict(r._mapping)
    for k in list(d):
        if k in _JSON_COLS and isinstance(d[k], str):
            d[k] = json.loads(d[k])
        elif isinstance(d[k], memoryview):
            d[k] = bytes(d[k])
    return d


def _json(x: Any) -> str:
    def fix(o):
        if isinstance(o, float) and not math.isfinite(o):
            return None
        if isinstance(o, dict):
            return {k: fix(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [fix(v) for v in o]
        return o

    return json.dumps(fix(x))


class Records:
    """The records of one database.

    Parameters
    ----------
    location : str or Path, optional
        A SQLite file path (created with its folder when missing) or a database URL such as
        ``postgresql://user@host/db``; default :func:`records.db.default_location`.
    """

    def __init__(self, location: str | Path | None = None) -> None:
        self.location = str(location or _db.default_location())
        try:
            self.engine: Engine = _db.make_engine(self.location)
            self.version = _db.migrate(self.engine)
        except (exc.SQLAlchemyError, sqlite3.Error, OSError) as e:
            raise _db.open_error(self.location, e) from None

    def __str__(self) -> str:
        return _db.describe(self.location)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Records":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _insert(self, conn: Connection, table: str, values: dict) -> int:
        cols = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        if self.engine.dialect.name == "postgresql":
            return int(conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING id"), values).scalar())
        return int(conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({marks})"), values).lastrowid)

    # ------------------------------------------------------------------ clients and consent
    def add_client(self, code: str, name: str = "", birth_year: int | None = None, notes: str = "") -> int:
        """Add a client with a unique ``code`` (the id used on the command line and in folder names: see
        :func:`privacy.text.check_name`); returns its row id.

        Raises :class:`~records.errors.InvalidInput` for an unusable or existing code or a name that is not text.
        """
        if not code or not str(code).strip():
            raise InvalidInput("a client needs a code (a short id, e.g. initials and a number)")
        with _invalid_input():
            code = check_name(code, "the client code")
            name, notes = unicode_text(name or "", "name"), unicode_text(notes or "", "note")
        if self.client(code) is not None:
            raise InvalidInput(f"a client with the code {code!r} is already in {self}: choose another code, or use "
                               "that client")
        try:
            with self.engine.begin() as c:
                return self._insert(c, "clients", {"code": code, "name": name.strip() or code,
                                                   "birth_year": birth_year, "notes": notes, "created_at": now()})
        except exc.IntegrityError:  # added meanwhile by another session
            raise InvalidInput(f"a client with the code {code!r} is already in {self}: choose another code") from None

    def client(self, code_or_id: str | int) -> dict | None:
        """The client with this row id (an int) or code (a str; surrounding spaces ignored), or None."""
        with self.engine.begin() as c:
            if isinstance(code_or_id, int):
                r = c.execute(text("SELECT * FROM clients WHERE id = :i"), {"i": code_or_id}).fetchone()
            else:
                r = c.execute(text("SELECT * FROM clients WHERE code = :c"),
                              {"c": display_text(code_or_id).strip()}).fetchone()
        return None if r is None else _row(r)

    def client_or_fail(self, code_or_id: str | int) -> dict:
        """:meth:`client`, or :class:`~records.errors.NotFound` saying how to add one."""
        cl = self.client(code_or_id)
        if cl is None:
            what = f"id {code_or_id}" if isinstance(code_or_id, int) else repr(display_text(code_or_id).strip())
            raise NotFound(f"no client {what} in {self}: add the client with their consent first "
                           "(posture client add CODE --consent records)")
        return cl

    def clients(self) -> list[dict]:
        with self.engine.begin() as c:
            return [_row(r) for r in c.execute(text("SELECT * FROM clients ORDER BY code"))]

    def set_consent(self, client_id: int, kind: str, given: bool, text_: str | None = None, by: str = "") -> int:
        """Record a consent decision (the latest per kind is in force; earlier ones stay as history) with the
        words the client agreed to (default :data:`CONSENT_TEXT`).

        Withdrawing the ``video`` consent deletes the client's stored videos in the same transaction.
        """
        if kind not in CONSENT_KINDS:
            raise InvalidInput(f"consent kind must be one of {', '.join(CONSENT_KINDS)}, not {kind!r}")
        with _invalid_input():
            by = unicode_text(by or "", "name of who recorded the consent")
        with self.engine.begin() as c:
            cid = self._insert(c, "consents", {"client_id": client_id, "kind": kind, "given": bool(given),
                                               "text": CONSENT_TEXT[kind] if text_ is None else text_,
                                               "recorded_by": by, "recorded_at": now()})
            gone = 0
            if kind == "video" and not given:
                gone = c.execute(text("UPDATE captures SET video = NULL, video_name = NULL WHERE video IS NOT NULL "
                                      "AND session_id IN (SELECT id FROM sessions WHERE client_id = :i)"),
                                 {"i": client_id}).rowcount
        if gone:
            _db.purge(self.engine, ("captures",))
        return cid

    def _scalar(self, c: Connection | None, q: str, params: dict):
        """One value of query ``q``, in the transaction ``c`` when given, else in a new one."""
        if c is not None:
            return c.execute(text(q), params).scalar()
        with self.engine.begin() as c2:
            return c2.execute(text(q), params).scalar()

    def consent_given(self, client_id: int, kind: str, c: Connection | None = None) -> bool:
        """Whether the client's consent of ``kind`` in force is "given" (no decision recorded: not given)."""
        return bool(self._scalar(c, "SELECT given FROM consents WHERE client_id = :i AND kind = :k "
                                    "ORDER BY recorded_at DESC, id DESC LIMIT 1", {"i": client_id, "k": kind}))

    def require_consent(self, client_id: int, kinds: Iterable[str], c: Connection | None = None) -> None:
        """Raise :class:`~records.errors.ConsentMissing` unless every consent of ``kinds`` is given."""
        missing = [k for k in kinds if not self.consent_given(client_id, k, c)]
        if missing:
            code = self._scalar(c, "SELECT code FROM clients WHERE id = :i", {"i": client_id})
            what = {"records": "to store their assessments", "video": "to keep their videos"}
            raise ConsentMissing(f"client {code!r} has not given consent " + " and ".join(what.get(k, k) for k in missing)
                                 + f": ask them, then record it (posture client consent {code} "
                                 + " ".join(f"--give {k}" for k in missing) + ", or Consent on the Therapist page)")

    def consents(self, client_id: int) -> dict[str, dict]:
        """The consent in force per kind."""
        with self.engine.begin() as c:
            rows = [_row(r) for r in c.execute(text("SELECT * FROM consents WHERE client_id = :i ORDER BY recorded_at, id"),
                                               {"i": client_id})]
        out: dict[str, dict] = {}
        for r in rows:
            r["given"] = bool(r["given"])
            out[r["kind"]] = r
        return out

    # ------------------------------------------------------------------ sessions and captures
    def save_session(self, client_id: int, captures: Iterable[CaptureIn] = (), *, assessor: str = "", label: str = "",
                     notes: Iterable[str] = (), started_at: str | None = None) -> int:
        """Store a session with its captures and notes in one transaction; returns the session id."""
        caps = list(captures)
        with _invalid_input():
            assessor, label = unicode_text(assessor or "", "assessor"), unicode_text(label or "", "label")
            notes = [unicode_text(n, "note") for n in notes]
        with self.engine.begin() as c:
            self.require_consent(client_id, ["records"] + (["video"] if any(k.video is not None for k in caps) else []),
                                 c)
            sid = self._insert(c, "sessions", {"client_id": client_id, "started_at": started_at or now(),
                                               "assessor": assessor, "label": label})
            for cap in caps:
                self._add_capture(c, sid, cap)
            for n in notes:
                self._insert(c, "notes", {"client_id": client_id, "session_id": sid, "author": assessor,
                                          "text": n, "created_at": now()})
        return sid

    def _add_capture(self, c: Connection, session_id: int, cap: CaptureIn) -> int:
        if cap.video is not None and not cap.video_name:
            cap.video_name = "video.mp4"
        return self._insert(c, "captures", {
            "session_id": session_id, "protocol": cap.protocol, "view": cap.view, "created_at": cap.created_at,
            "source_name": display_text(cap.source_name), "source_sha256": cap.source_sha256,
            "program_version": cap.program_version, "model": _json(cap.model), "track": cap.track,
            "results": _json(cap.results), "summary": _json(cap.summary), "key_frame": cap.key_frame,
            "video": cap.video, "video_name": None if cap.video_name is None else display_text(cap.video_name)})

    def add_capture(self, session_id: int, cap: CaptureIn) -> int:
        with self.engine.begin() as c:
            cid = c.execute(text("SELECT client_id FROM sessions WHERE id = :i"), {"i": session_id}).scalar()
            if cid is None:
                raise NotFound(f"no session {session_id} in {self}")
            self.require_consent(cid, ["records"] + (["video"] if cap.video is not None else []), c)
            return self._add_capture(c, session_id, cap)

    def sessions(self, client_id: int) -> list[dict]:
        with self.engine.begin() as c:
            rows = [_row(r) for r in c.execute(text(
                "SELECT s.*, (SELECT COUNT(*) FROM captures k WHERE k.session_id = s.id) AS n_captures "
                "FROM sessions s WHERE client_id = :i ORDER BY started_at, id"), {"i": client_id})]
        return rows

    def session(self, session_id: int) -> dict | None:
        with self.engine.begin() as c:
            r = c.execute(text("SELECT * FROM sessions WHERE id = :i"), {"i": session_id}).fetchone()
        return None if r is None else _row(r)

    def session_or_fail(self, session_id: int) -> dict:
        """:meth:`session`, or :class:`~records.errors.NotFound`."""
        s = self.session(session_id)
        if s is None:
            raise NotFound(f"no session {session_id} in {self}: 'posture client show CODE' lists a client's sessions")
        return s

    _LIGHT = ("id, session_id, protocol, view, created_at, source_name, source_sha256, program_version, model, "
              "results, summary, results_corrected, video_name, title")
    _HAS_VIDEO = "(video IS NOT NULL) AS has_video"

    def captures(self, session_id: int | None = None, client_id: int | None = None) -> list[dict]:
        """Captures (without the large columns) of a session or of all a client's sessions, oldest first."""
        with self.engine.begin() as c:
            if session_id is not None:
                q = f"SELECT {self._LIGHT} FROM captures WHERE session_id = :i ORDER BY created_at, id"
                rows = c.execute(text(q), {"i": session_id})
            else:
                q = (f"SELECT {', '.join('k.' + x.strip() for x in self._LIGHT.split(','))}, s.started_at, s.label "
                     "FROM captures k JOIN sessions s ON s.id = k.session_id WHERE s.client_id = :i "
                     "ORDER BY k.created_at, k.id")
                rows = c.execute(text(q), {"i": client_id})
            return [_row(r) for r in rows]

    def capture(self, capture_id: int, blobs: bool = True, video: bool = True) -> dict | None:
        """One capture (with ``has_video``); with ``blobs`` also ``track`` and ``key_frame`` bytes and, with
        ``video``, the kept video's bytes (for reading frames, :meth:`open_video` reads it in place instead)."""
        cols = f"{self._LIGHT}, {self._HAS_VIDEO}" + (", track, key_frame" if blobs else "") + \
            (", video" if blobs and video else "")
        with self.engine.begin() as c:
            r = c.execute(text(f"SELECT {cols} FROM captures WHERE id = :i"), {"i": capture_id}).fetchone()
        if r is None:
            return None
        d = _row(r)
        d["has_video"] = bool(d["has_video"])
        return d

    def capture_or_fail(self, capture_id: int, blobs: bool = True, video: bool = True) -> dict:
        """:meth:`capture`, or :class:`~records.errors.NotFound`."""
        cap = self.capture(capture_id, blobs, video)
        if cap is None:
            raise NotFound(f"no capture {capture_id} in {self}: 'posture client show CODE' lists a client's captures")
        return cap

    @contextlib.contextmanager
    def open_video(self, capture_id: int) -> Iterator[BinaryIO]:
        """The capture's kept video as a read-only, seekable binary file, read from the database in place
        (SQLite's incremental blob reading; on PostgreSQL ranges of the value): no copy in memory or on disk.

        Raises :class:`~records.errors.NotFound` when the capture has no kept video.
        """
        if self.engine.dialect.name == "sqlite":
            raw = self.engine.raw_connection()
            try:
                try:
                    blob = raw.driver_connection.blobopen("captures", "video", int(capture_id), readonly=True)
                except sqlite3.Error:  # no such row, or the video is NULL
                    raise NotFound(f"capture {capture_id} has no kept video") from None
                with blob:
                    yield blob
            finally:
                raw.close()
        else:
            with self.engine.connect() as c:
                n = c.execute(text("SELECT octet_length(video) FROM captures WHERE id = :i"), {"i": capture_id}).scalar()
                if n is None:
                    raise NotFound(f"capture {capture_id} has no kept video")
                with io.BufferedReader(_RangeReader(c, capture_id, int(n)), buffer_size=1 << 20) as f:
                    yield f

    def sequence(self, capture_id: int):
        """The capture's landmark track as a :class:`vision.sequence.PoseSequence`."""
        from vision.sequence import PoseSequence

        cap = self.capture_or_fail(capture_id, video=False)  # the track only: never the whole video into memory
        return PoseSequence.load(io.BytesIO(cap["track"]))

    def client_of_capture(self, capture_id: int) -> dict | None:
        with self.engine.begin() as c:
            r = c.execute(text("SELECT c.* FROM clients c JOIN sessions s ON s.client_id = c.id "
                               "JOIN captures k ON k.session_id = s.id WHERE k.id = :i"), {"i": capture_id}).fetchone()
        return None if r is None else _row(r)

    # ------------------------------------------------------------------ deletion
    def _drop_reliability_of(self, c: Connection, capture_ids: set[int]) -> None:
        """Test-retest tables computed from any of ``capture_ids`` go with them (they are derived data)."""
        for rid, ids in c.execute(text("SELECT id, capture_ids FROM reliability")).fetchall():
            if capture_ids & set(json.loads(ids)):
                c.execute(text("DELETE FROM reliability WHERE id = :i"), {"i": rid})

    def set_capture_title(self, capture_id: int, title: str) -> None:
        """Name a capture as the therapist calls it ("before", "after 6 weeks"); an empty title goes back to the
        file name. :class:`~records.errors.NotFound` for an unknown capture."""
        with _invalid_input():
            title = unicode_text(title or "", "title").strip()
        with self.engine.begin() as c:
            n = c.execute(text("UPDATE captures SET title = :t WHERE id = :i"),
                          {"t": title or None, "i": capture_id}).rowcount
        if not n:
            raise NotFound(f"no capture {capture_id} in {self}")

    def delete_capture(self, capture_id: int) -> None:
        """Delete a capture with its landmark corrections and the test-retest tables made from it; the bytes
        are purged from the database files."""
        with self.engine.begin() as c:
            if c.execute(text("SELECT id FROM captures WHERE id = :i"), {"i": capture_id}).fetchone() is None:
                raise NotFound(f"no capture {capture_id} in {self}")
            self._drop_reliability_of(c, {int(capture_id)})
            c.execute(text("DELETE FROM captures WHERE id = :i"), {"i": capture_id})
        _db.purge(self.engine)

    def delete_session(self, session_id: int) -> None:
        """Delete a session with its captures, notes and what was derived from them (see :meth:`delete_capture`)."""
        with self.engine.begin() as c:
            if c.execute(text("SELECT id FROM sessions WHERE id = :i"), {"i": session_id}).fetchone() is None:
                raise NotFound(f"no session {session_id} in {self}")
            ids = {int(r[0]) for r in c.execute(text("SELECT id FROM captures WHERE session_id = :i"), {"i": session_id})}
            self._drop_reliability_of(c, ids)
            c.execute(text("DELETE FROM sessions WHERE id = :i"), {"i": session_id})
        _db.purge(self.engine)

    def delete_client(self, client_id: int) -> None:
        """Delete a client and everything stored about them (consents, sessions, captures, videos, notes,
        corrections, test-retest tables, pelvic-tilt calibrations); the bytes are purged from the files."""
        with self.engine.begin() as c:
            code = c.execute(text("SELECT code FROM clients WHERE id = :i"), {"i": client_id}).scalar()
            if code is None:
                raise NotFound(f"no client id {client_id} in {self}")
            c.execute(text("DELETE FROM calibration WHERE person_id = :p"), {"p": code})
            c.execute(text("DELETE FROM clients WHERE id = :i"), {"i": client_id})  # the rest cascades
        _db.purge(self.engine)

    # ------------------------------------------------------------------ notes
    def add_note(self, client_id: int, text_: str, session_id: int | None = None, author: str = "") -> int:
        with self.engine.begin() as c:
            return self._insert(c, "notes", {"client_id": client_id, "session_id": session_id, "author": author,
                                             "text": text_, "created_at": now()})

    def notes(self, client_id: int, session_id: int | None = None) -> list[dict]:
        q = "SELECT * FROM notes WHERE client_id = :i" + (" AND session_id = :s" if session_id else "")
        with self.engine.begin() as c:
            return [_row(r) for r in c.execute(text(q + " ORDER BY created_at, id"), {"i": client_id, "s": session_id})]

    # ------------------------------------------------------------------ manual landmarks
    def add_corrections(self, capture_id: int, corrections: Iterable[dict], results_corrected: dict | None,
                        author: str = "") -> list[int]:
        """Store hand-placed landmarks (``frame, landmark, x, y`` and optionally ``auto_x, auto_y``) and the
        metrics recomputed from them, in one transaction. The automatic ``results`` are never touched."""
        ids = []
        with self.engine.begin() as c:
            for k in corrections:
                ids.append(self._insert(c, "landmark_corrections", {
                    "capture_id": capture_id, "frame": int(k["frame"]), "landmark": str(k["landmark"]),
                    "x": float(k["x"]), "y": float(k["y"]), "auto_x": k.get("auto_x"), "auto_y": k.get("auto_y"),
                    "author": author, "created_at": now()}))
            if results_corrected is not None:
                c.execute(text("UPDATE captures SET results_corrected = :r WHERE id = :i"),
                          {"r": _json(results_corrected), "i": capture_id})
        return ids

    def corrections(self, capture_id: int) -> list[dict]:
        """All corrections of a capture, oldest first (the latest per frame and landmark is in force)."""
        with self.engine.begin() as c:
            return [_row(r) for r in c.execute(text(
                "SELECT * FROM landmark_corrections WHERE capture_id = :i ORDER BY created_at, id"), {"i": capture_id})]

    # ------------------------------------------------------------------ per-client noise
    def save_reliability(self, client_id: int, protocol: str, view: str | None, table: dict,
                         capture_ids: list[int]) -> int:
        with self.engine.begin() as c:
            return self._insert(c, "reliability", {"client_id": client_id, "protocol": protocol, "view": view,
                                                   "table_json": _json(table), "capture_ids": _json(capture_ids),
                                                   "created_at": now()})

    def reliability(self, client_id: int, protocol: str) -> dict | None:
        """The client's latest test-retest table for ``protocol`` (row with ``table_json``), or None."""
        with self.engine.begin() as c:
            r = c.execute(text("SELECT * FROM reliability WHERE client_id = :i AND protocol = :p "
                               "ORDER BY created_at DESC, id DESC LIMIT 1"), {"i": client_id, "p": protocol}).fetchone()
        return None if r is None else _row(r)

    # ------------------------------------------------------------------ calibrations (schema v1 table)
    def save_calibration(self, person_id: str, offset_deg: float, measured_deg: float, estimated_deg: float,
                         made_at: str) -> None:
        with self.engine.begin() as c:
            self._insert(c, "calibration", {"person_id": person_id, "offset_deg": offset_deg,
                                            "measured_deg": measured_deg, "estimated_deg": estimated_deg,
                                            "made_at": made_at})
            have = c.execute(text("SELECT id FROM clients WHERE code = :c"), {"c": person_id}).fetchone()
            if have is None:
                with _invalid_input():
                    check_name(person_id, "the person id (it becomes a client code)")
                self._insert(c, "clients", {"code": person_id, "name": person_id, "birth_year": None, "notes": "",
                                            "created_at": now()})

    def calibrations(self, person_id: str) -> list[tuple]:
        with self.engine.begin() as c:
            return [tuple(r) for r in c.execute(text(
                "SELECT person_id, offset_deg, measured_deg, estimated_deg, made_at FROM calibration "
                "WHERE person_id = :p ORDER BY made_at, id"), {"p": person_id})]

    # ------------------------------------------------------------------ export
    def export(self, client_id: int) -> dict:
        """Everything stored about a client as JSON-ready data (large columns left out; the track of each
        capture is exported separately by :func:`records.workflow.export_client`)."""
        cl = self.client_or_fail(int(client_id))
        out = {"client": cl, "consents": self.consents(cl["id"]), "sessions": [], "notes": self.notes(cl["id"]),
               "calibrations": [dict(zip(("person_id", "offset_deg", "measured_deg", "estimated_deg", "made_at"), r))
                                for r in self.calibrations(cl["code"])],
               "reliability": {}}
        for s in self.sessions(cl["id"]):
            s = dict(s)
            s["captures"] = []
            for k in self.captures(session_id=s["id"]):
                k["corrections"] = self.corrections(k["id"])
                s["captures"].append(k)
            out["sessions"].append(s)
        with self.engine.begin() as c:
            for r in c.execute(text("SELECT * FROM reliability WHERE client_id = :i ORDER BY created_at, id"),
                               {"i": cl["id"]}):
                d = _row(r)
                out["reliability"][d["protocol"]] = d
        return out


class _RangeReader(io.RawIOBase):
    """A stored video on PostgreSQL read by ranges (``substring``) over one connection: seekable, read-only."""

    def __init__(self, conn: Connection, capture_id: int, length: int) -> None:
        self._c, self._id, self._n, self._pos = conn, int(capture_id), length, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._n}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, b) -> int:
        n = min(len(b), self._n - self._pos)
        if n <= 0:
            return 0
        data = self._c.execute(text("SELECT substring(video FROM :o FOR :n) FROM captures WHERE id = :i"),
                               {"o": self._pos + 1, "n": n, "i": self._id}).scalar()
        data = bytes(data or b"")
        b[:len(data)] = data
        self._pos += len(data)
        return len(data)
