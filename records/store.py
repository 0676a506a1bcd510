"""Client records: clients, consent, sessions, captures, notes, landmark corrections, per-client noise and
calibrations, over :mod:`records.db` (a SQLite file or a PostgreSQL URL).

Every public write is one transaction: a session is saved together with its captures and notes or not at
all. Rows come back as plain dicts (JSON columns decoded); large columns (track, key frame, video) only
when asked for.
"""

from __future__ import annotations

import datetime
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from records import db as _db

CONSENT_KINDS = ("records", "video", "report_sharing")


def now() -> str:
    return datetime.datetime.now().isoformat(timespec="seconds")


def program_version() -> str:
    """This program's version (the installed package's, else the source tree's)."""
    try:
        from importlib.metadata import version

        return version("posture-assessor")
    except Exception:  # noqa: BLE001 - running from a source tree that is not installed
        return "0.1.0"


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
        self.engine: Engine = _db.make_engine(self.location)
        self.version = _db.migrate(self.engine)

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
        """Add a client with a unique ``code`` (the id used on the command line); returns its row id."""
        if not code or not str(code).strip():
            raise ValueError("a client needs a code (a short id, e.g. initials and a number)")
        with self.engine.begin() as c:
            return self._insert(c, "clients", {"code": str(code).strip(), "name": name or str(code).strip(),
                                               "birth_year": birth_year, "notes": notes, "created_at": now()})

    def ensure_client(self, code: str, name: str = "") -> int:
        """The row id of the client with ``code``, adding it when missing."""
        got = self.client(code)
        if got:
            return got["id"]
        try:
            return self.add_client(code, name)
        except Exception:  # noqa: BLE001 - added meanwhile by another session
            got = self.client(code)
            if got:
                return got["id"]
            raise

    def client(self, code_or_id: str | int) -> dict | None:
        with self.engine.begin() as c:
            if isinstance(code_or_id, int):
                r = c.execute(text("SELECT * FROM clients WHERE id = :i"), {"i": code_or_id}).fetchone()
            else:
                r = c.execute(text("SELECT * FROM clients WHERE code = :c"), {"c": str(code_or_id)}).fetchone()
        return None if r is None else _row(r)

    def clients(self) -> list[dict]:
        with self.engine.begin() as c:
            return [_row(r) for r in c.execute(text("SELECT * FROM clients ORDER BY code"))]

    def set_consent(self, client_id: int, kind: str, given: bool, text_: str = "", by: str = "") -> int:
        """Record a consent decision (the latest per kind is in force; earlier ones stay as history)."""
        if kind not in CONSENT_KINDS:
            raise ValueError(f"consent kind must be one of {CONSENT_KINDS}, not {kind!r}")
        with self.engine.begin() as c:
            return self._insert(c, "consents", {"client_id": client_id, "kind": kind, "given": bool(given),
                                                "text": text_, "recorded_by": by, "recorded_at": now()})

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
        with self.engine.begin() as c:
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
            "source_name": cap.source_name, "source_sha256": cap.source_sha256,
            "program_version": cap.program_version, "model": _json(cap.model), "track": cap.track,
            "results": _json(cap.results), "summary": _json(cap.summary), "key_frame": cap.key_frame,
            "video": cap.video, "video_name": cap.video_name})

    def add_capture(self, session_id: int, cap: CaptureIn) -> int:
        with self.engine.begin() as c:
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

    _LIGHT = ("id, session_id, protocol, view, created_at, source_name, source_sha256, program_version, model, "
              "results, summary, results_corrected, video_name")

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

    def capture(self, capture_id: int, blobs: bool = True) -> dict | None:
        """One capture; with ``blobs`` also ``track``, ``key_frame`` and ``video`` bytes."""
        cols = "*" if blobs else self._LIGHT
        with self.engine.begin() as c:
            r = c.execute(text(f"SELECT {cols} FROM captures WHERE id = :i"), {"i": capture_id}).fetchone()
        return None if r is None else _row(r)

    def sequence(self, capture_id: int):
        """The capture's landmark track as a :class:`vision.sequence.PoseSequence`."""
        from vision.sequence import PoseSequence

        cap = self.capture(capture_id)
        return PoseSequence.load(io.BytesIO(cap["track"]))

    def client_of_capture(self, capture_id: int) -> dict | None:
        with self.engine.begin() as c:
            r = c.execute(text("SELECT c.* FROM clients c JOIN sessions s ON s.client_id = c.id "
                               "JOIN captures k ON k.session_id = s.id WHERE k.id = :i"), {"i": capture_id}).fetchone()
        return None if r is None else _row(r)

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
        capture is exported separately by :func:`records.export.write_export`)."""
        cl = self.client(int(client_id))
        if cl is None:
            raise KeyError(f"no client {client_id}")
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
