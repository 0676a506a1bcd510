"""The trainer's batch screen: many clips (one per person, or one clip with people in turn) through a
quadriceps / hip-flexor test, into a sortable roster of who needs what. Behind ``posture batch DIR`` and
the Trainer page.

Each clip goes through the one capture function (:func:`capture.analyze.analyze_in_memory`, the same step as
``posture analyze --test``, people in turn cut by :mod:`analysis.people_in_turn`) in :func:`screen_clip`: in
this process, or on the worker processes of a Dask cluster (:mod:`records.cluster`; ``--cluster``). The
results come back here, and this process alone writes the outputs, the roster and the records.

Resumable: the state of every input file (done / failed, with its size and SHA-256) is kept in
``OUT/batch_state.json``, written atomically after each file; a rerun skips files that finished and whose
content has not changed since, and redoes anything that was interrupted. A file that cannot be read
(corrupt, not a video) is reported as failed with its reason and skipped; the rest finish. A worker process
that dies (killed, out of memory) loses no file: its clip runs again on another worker, and only a clip whose
worker died :data:`MAX_WORKER_LOSSES` times is reported as failed. Each finished file's full result is in
``OUT/results/<file>.json`` and its landmark track in ``OUT/results/<file>.pose.npz``; the roster (one row per
person, each with a small picture of the person in the results for the Trainer page, :func:`person_picture`) in
``OUT/roster.csv`` (spreadsheet-safe cells). With a records database (``db``), each clip named after
a client's code (``JS-01.mp4`` for client ``JS-01``) who gave their ``records`` consent is stored as a session
of that client; the others are listed as not stored, with the reason.

One batch at a time per output folder: a batch holds ``OUT/.batch.lock`` while it runs (released by the
system also when the process is killed) and a second one is told that the folder is in use. Every file is
written owner-only under a unique temporary name and renamed into place.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import os
import re
import time
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from analysis.metric import LEG_FROM_SET_UP, LEG_NOT_CERTAIN
from privacy.files import private_dir, write_private
from privacy.text import contained, csv_row
from records.errors import InUse, InvalidInput

SCREEN_TESTS = ("hip_extension", "lunge", "thomas", "ely")
VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v"}
STATE_FILE = "batch_state.json"
LOCK_FILE = ".batch.lock"
STATE_VERSION = 2  # 2: files are recognised by content (SHA-256), not by modification time
MAX_WORKER_LOSSES = 3  # a clip whose worker process died this many times is reported as failed
ROSTER_COLUMNS = ["person", "file", "segment_start_s", "segment_end_s", "test", "side", "measure", "value", "unit",
                  "usual_range", "status", "compensation_index", "front_thighs", "needs", "confidence", "problems"]

Progress = Callable[[str, dict, int, int, "float | None"], None]  # (file, state entry, done, total, seconds left)


# ----------------------------------------------------------------------------------------------------
# state
# ----------------------------------------------------------------------------------------------------
def _write_json_atomic(path: Path, data) -> None:
    write_private(path, json.dumps(data, indent=1))


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the output folder's lock while a batch runs; :class:`~records.errors.InUse` when another batch
    (another process, or another browser session) holds it. The system releases it when the process ends,
    also when it is killed."""
    import fcntl

    fd = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise InUse(f"another batch is using the output folder {out} ({who}): wait until it has finished, "
                        "or choose another output folder") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"process {os.getpid()}, started {datetime.datetime.now():%Y-%m-%d %H:%M:%S}".encode(), 0)
        yield
    finally:
        os.close(fd)


def batch_folder(base: str | Path, name: str) -> Path:
    """The folder of the batch called ``name`` inside ``base`` (the Trainer page's data folder): ``name`` must
    be a safe name (:func:`privacy.text.check_name`), so the folder never leaves ``base``."""
    try:
        return contained(base, name)
    except ValueError as e:
        raise InvalidInput(str(e).replace("the folder name", "the batch name")) from None


def load_state(out: Path, test: str, leg: str | None = None) -> dict:
    """The batch's state in ``out``; a fresh one when it was for another test or another stated leg (its results
    would not be this screen's)."""
    p = out / STATE_FILE
    if p.is_file():
        try:
            st = json.loads(p.read_text())
            if st.get("version") == STATE_VERSION and st.get("test") == test and st.get("leg") == leg:
                return st
        except ValueError:
            pass
    return {"version": STATE_VERSION, "test": test, "leg": leg, "files": {}}


def _stamp(path: Path) -> dict:
    """What identifies a file's content: its size and SHA-256 (a file with the same name and size but other
    content is a new file; the same content under a new modification time is not)."""
    from vision.sources import file_sha256

    return {"size": path.stat().st_size, "sha256": file_sha256(path)}


def list_inputs(src: Path) -> list[Path]:
    """The clips in ``src`` (video suffixes, sorted by name); a single file is a batch of one."""
    src = Path(src)
    if src.is_file():
        return [src]
    return sorted(p for p in src.iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES
                  and not p.name.startswith("."))


# ----------------------------------------------------------------------------------------------------
# one file: the same function here and on every cluster worker
# ----------------------------------------------------------------------------------------------------
LEG_FROM_NAME = "from-name"


def leg_from_name(name: str) -> str | None:
    """The tested leg a clip's file name states: the word ``left`` or ``right`` in it, in any case, set apart by
    anything but a letter (``JS-01-left.mp4``, ``anna_Right.mov``, ``left leg 2.mp4``); None when it has neither
    word or both (the leg is then found from the movement)."""
    words = {w.lower() for w in re.split(r"[^A-Za-z]+", Path(name).stem)}
    said = words & {"left", "right"}
    return said.pop() if len(said) == 1 else None


def screen_clip(path: str | Path, name: str, test: str, *, segmentation: bool = True, in_turn: bool = True,
                leg: str | None = None, models=None) -> dict:
    """Screen one clip with the capture function and make its roster rows; raises
    :class:`~vision.errors.InputError` on unreadable input or when nobody is in it.

    ``name`` is the clip's name in the batch (shown and stored instead of ``path``, which may be a worker's
    temporary copy); ``leg`` the tested leg as stated for every person of the screen
    (:func:`analysis.movement.run.run_movement_test`), ``"from-name"`` for the one its name states
    (:func:`leg_from_name`), None to find it from the movement; ``models`` the
    process's kept pose models (:class:`vision.estimator.ModelCache`).
    Returns ``{"file", "sha256", "frames", "stopped_early", "summary", "people", "rows", "track_npz",
    "seconds", "process"}``: ``people`` one entry per person (their track range, movement result and trainer
    row), ``track_npz`` the landmark track's file bytes, ``seconds`` the model's and the whole clip's time here
    (and the clock times it started and ended),
    ``process`` the process id that screened it and how many pose models that process has built so far.
    """
    from capture.analyze import analyze_in_memory
    from vision.errors import InputError

    t0, started = time.perf_counter(), time.time()
    leg = leg_from_name(name) if leg == LEG_FROM_NAME else leg
    a, track = analyze_in_memory(path, display_name=name, test=test, segmentation=segmentation, leg=leg,
                                 people_in_turn=in_turn, probe_people=False, role="trainer", models=models)
    seq = a.sequence
    if not a.summary["frames_with_person"]:
        raise InputError(seq.source.stopped_early or f"no person was found in any of its {len(seq)} frames: film "
                         "one person at a time, whole body, side-on")
    found = a.assessment["people"] if in_turn else [{"person": 1, "range": [0, len(seq)], "result": a.assessment}]
    people, rows = [], []
    for k in found:
        person = name if len(found) <= 1 else f"{name} #{k['person']}"
        row_plan = (k["result"].get("plan") or {}).get("trainer_row") or {}  # no plan when the test's gates failed
        rows.append(roster_row(person, name, test, seq.timestamps, k["range"], k["result"], row_plan))
        rows[-1]["picture"] = person_picture(path, seq, k["range"])
        people.append({"person": person, "range": k["range"], "result": k["result"], "plan_row": row_plan})
    return {"file": name, "sha256": seq.source.sha256, "frames": len(seq), "stopped_early": seq.source.stopped_early,
            "summary": a.summary, "people": people, "rows": rows, "track_npz": track,
            "seconds": {"model": a.summary["processing"]["seconds"], "clip": round(time.perf_counter() - t0, 3),
                        "started": started, "ended": time.time()},
            "process": {"pid": os.getpid(), "models_built": len(models) if models is not None else None}}


def person_picture(path: str | Path, seq, rng: list[int], height: int = 112) -> str | None:
    """A small picture of the person screened in ``rng`` (track positions) of ``path``: the frame in the middle
    of their part where they were found, cut around their landmarks, ``height`` pixels tall, as a JPEG
    ``data:`` URL (kept with the results, owner-only, so the trainer knows who is who after the clip is
    deleted); None when it cannot be made."""
    import base64

    import cv2

    from vision.sources import read_frame

    a, b = int(rng[0]), int(rng[1])
    found = [i for i in range(a, b) if seq.detected[i]]
    if not found:
        return None
    k = found[len(found) // 2]
    try:
        rgb = read_frame(path, int(seq.frame_index[k]), float(seq.timestamps[k]))
    except Exception:  # noqa: BLE001 - a frame that cannot be read again: no picture, the row stays
        return None
    px = np.asarray(seq.pixels[k], float)
    px = px[np.isfinite(px).all(axis=1)]
    if not len(px):
        return None
    h, w = rgb.shape[:2]
    (x0, y0), (x1, y1) = px.min(axis=0), px.max(axis=0)
    side = max(x1 - x0, y1 - y0) * 1.25 + 10
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    xa, xb = int(max(0, cx - side / 2)), int(min(w, cx + side / 2))
    ya, yb = int(max(0, cy - side / 2)), int(min(h, cy + side / 2))
    part = rgb[ya:yb, xa:xb]
    if part.size == 0:
        return None
    s = height / part.shape[0]
    small = cv2.resize(part, (max(1, round(part.shape[1] * s)), height), interpolation=cv2.INTER_AREA)
    ok, enc = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 80])
    return "data:image/jpeg;base64," + base64.b64encode(enc.tobytes()).decode() if ok else None


def _needs(res: dict, plan_row: dict) -> tuple[str, dict]:
    """The headline measure of a screen result and a short 'needs' text."""
    summ = res.get("summary") or {}
    key = {"hip_extension": "hip_extension", "lunge": "hip_extension", "thomas": "thigh_above_horizontal",
           "ely": "max_knee_flexion"}.get(res.get("kind"), next(iter(summ), None))
    m = (summ.get(key) or {}).get("best") if key else None
    if m is None:
        for v in summ.values():
            if isinstance(v, dict) and isinstance(v.get("best"), dict):
                m = v["best"]
                break
    needs = []
    if m and m.get("value") is not None and m.get("status") in ("below", "above"):
        needs.append(f"{m['name']} {m['status']} the usual range: front-thigh / hip-flexor stretching")
    ci = summ.get("compensation_index_mean")
    if ci is not None and ci > 0.5:
        needs.append("the low back makes up for the hip: practise hip extension without arching")
    if plan_row.get("front_thighs") not in (None, "-") and not needs:
        needs.append(f"front thighs a possible contributor ({plan_row['front_thighs']} confidence)")
    if not needs:
        needs.append("nothing flagged" if m and m.get("value") is not None else "not measured: film again")
    return "; ".join(needs), (m or {})


def roster_row(person: str, name: str, test: str, timestamps: np.ndarray, rng: list[int], res: dict,
               row_plan: dict) -> dict:
    """One roster row: a person's headline measure, its usual range and status, and what they need."""
    a, b = rng
    needs, m = _needs(res, row_plan)
    n = m.get("norm") or {}
    lo, hi = n.get("low"), n.get("high")
    rng_text = (f"{lo:g} to {hi:g}" if lo is not None and hi is not None else f">= {lo:g}" if lo is not None
                else f"<= {hi:g}" if hi is not None else "")
    return {"person": person, "file": name, "segment_start_s": round(float(timestamps[a]), 2),
            "segment_end_s": round(float(timestamps[b - 1]), 2), "test": test,
            # the pose model's name for the leg, marked where it may be the other leg's (leg_in_doubt), or where
            # it is the set-up's (lying, no leg stated: leg_note)
            "side": (f"{res['side']} {LEG_NOT_CERTAIN}" if res.get("side") and res.get("leg_in_doubt")
                     else f"{res['side']} {LEG_FROM_SET_UP}" if res.get("side") and res.get("leg_note")
                     else res.get("side")),
            "measure": m.get("name", ""), "value": None if m.get("value") is None else round(m["value"], 1),
            "unit": m.get("unit", ""), "usual_range": rng_text, "status": m.get("status", "unknown"),
            "compensation_index": (res.get("summary") or {}).get("compensation_index_mean"),
            "front_thighs": row_plan.get("front_thighs", "-"), "needs": needs,
            # a confidence belongs to a value: none where the measure was not given
            "confidence": None if m.get("confidence") is None or m.get("value") is None
            else round(m["confidence"], 2),
            "problems": "; ".join(res.get("problems", []))}


def plain_error(e: BaseException) -> str:
    """A failed file's one-line reason."""
    from vision.errors import InputError

    if isinstance(e, InputError):
        return str(e)
    return f"{type(e).__name__}: {e}"


# ----------------------------------------------------------------------------------------------------
# the records
# ----------------------------------------------------------------------------------------------------
def store_result(rec, path: Path, result: dict, track_npz: bytes, test: str) -> dict:
    """Store a finished clip as a session of the client whose code is the clip's name without its suffix;
    returns the state entry's fields: ``{"stored": {"client", "session"}}`` or ``{"not_stored": reason}``."""
    from records.errors import RecordsError
    from records.workflow import capture_in
    from vision.sequence import PoseSequence

    code = path.stem
    if len(result["people"]) != 1:
        return {"not_stored": f"{len(result['people'])} people in turn in one clip: the records take one client per "
                              "clip (film each client in a clip named after their code)"}
    try:
        client = rec.client(code)
        if client is None:
            return {"not_stored": f"no client with the code {code!r} in the records: add them with their consent "
                                  f"(posture client add {code} --consent records) and run the batch again"}
        k = result["people"][0]
        seq = PoseSequence.load(io.BytesIO(track_npz)).part(*k["range"])
        cap = capture_in(seq, seq.to_bytes(), k["result"], result["summary"], path, test=test)
        sid = rec.save_session(client["id"], [cap], assessor="batch screen", label=f"screen: {test}")
    except RecordsError as e:
        return {"not_stored": str(e)}
    return {"stored": {"client": code, "session": sid}}


# ----------------------------------------------------------------------------------------------------
# the batch
# ----------------------------------------------------------------------------------------------------
def roster(out: Path, state: dict | None = None) -> list[dict]:
    """All roster rows of the finished files, in file order."""
    out = Path(out)
    rows = []
    st = state or json.loads((out / STATE_FILE).read_text())
    for name in sorted(st["files"]):
        e = st["files"][name]
        if e["status"] == "done":
            rows += json.loads((out / e["result"]).read_text())["rows"]
    return rows


def write_roster_csv(rows: list[dict], dest: Path) -> Path:
    """The roster as CSV (spreadsheet-safe cells: a file named ``=HYPERLINK(...)`` stays text), atomically."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(ROSTER_COLUMNS)
    for r in rows:
        w.writerow(csv_row([r.get(k) for k in ROSTER_COLUMNS]))
    return write_private(dest, buf.getvalue())


def run_batch(src: str | Path, out: str | Path, test: str = "hip_extension", *, workers: int = 1,
              cluster: str | None = None, send: str = "auto", db: str | None = None, segmentation: bool = True,
              in_turn: bool = True, redo_failed: bool = False, leg: str | None = None,
              on_progress: Progress | None = None) -> dict:
    """Screen every clip in ``src``; resumable (see the module docstring).

    Without ``cluster`` and with one worker the clips are screened in this process, one after the other.
    ``cluster`` is a Dask scheduler's address (``tcp://HOST:PORT``), ``"local"`` for a cluster of ``workers``
    single-threaded worker processes on this machine (also what ``workers`` > 1 alone starts), or a connected
    :class:`distributed.Client` (left open);
    ``send`` says how clips reach its workers (``"path"``, ``"bytes"`` or ``"auto"``, see
    :mod:`records.cluster`). ``db`` is a records database (a SQLite file or a ``postgresql://`` URL) to store
    the clips of known clients in. ``segmentation`` (default): the body outline too, from which the movement
    tests read the moving thigh (the landmarks alone read far or poorly seen legs short) and the feet that name
    the moving leg; without it about a fifth faster. ``leg`` (``"left"``/``"right"``): the tested leg of every
    person, as the trainer states it (the leg is still found from the movement; the statement names it when the
    pose model exchanged the legs' names); ``"from-name"``: each clip's as its file name states it
    (:func:`leg_from_name`; found from the movement where it states none); a batch folder screened with another
    stated leg starts again.

    ``on_progress(name, entry, done, total, seconds_left)`` is called after each file (``seconds_left`` None
    until a file has finished in this run). Returns a summary: ``total``, ``done`` (finished now), ``skipped``
    (finished before), ``failed`` (list of (name, error)), ``retried`` (files run again after their worker
    process died), ``stored`` / ``not_stored`` (with ``db``: names, and (name, reason)), ``rows`` (the roster),
    ``roster_csv``, ``seconds``, ``engine`` (where the clips ran), ``client_seconds`` (spent here writing the
    results and storing them).

    Raises :class:`~records.errors.InUse` when another batch is using ``out``, and a
    :class:`~records.errors.RecordsError` when the database or the cluster cannot be reached.
    """
    if test not in SCREEN_TESTS:
        raise InvalidInput(f"the screen test must be one of {', '.join(SCREEN_TESTS)}, not {test!r}")
    if leg not in (None, "left", "right", LEG_FROM_NAME):
        raise InvalidInput(f"--leg must be left, right or {LEG_FROM_NAME}, not {leg!r}")
    if send not in ("auto", "path", "bytes"):
        raise InvalidInput(f"--send must be auto, path or bytes, not {send!r}")
    if workers < 1:
        raise InvalidInput("--workers must be 1 or more")
    out = Path(out)
    private_dir(out / "results")
    with locked(out), (_records(db) if db else contextlib.nullcontext()) as rec:
        return _run_locked(Path(src), out, test, workers, cluster, send, rec, segmentation, in_turn, redo_failed,
                           leg, on_progress)


@contextlib.contextmanager
def _records(db: str):
    from records.store import Records

    with Records(db) as rec:
        yield rec


def _run_locked(src: Path, out: Path, test: str, workers: int, cluster: str | None, send: str, rec,
                segmentation: bool, in_turn: bool, redo_failed: bool, leg: str | None,
                on_progress: Progress | None) -> dict:
    files = list_inputs(src)
    stamps = {f: _stamp(f) for f in files}
    state = load_state(out, test, leg)
    todo, skipped = [], []
    for f in files:
        e = state["files"].get(f.name)
        if e and e.get("stamp") == stamps[f] and (e["status"] == "done" or (e["status"] == "failed" and not redo_failed)):
            skipped.append(f.name)
        else:
            todo.append(f)
    summary = {"total": len(files), "done": [], "skipped": skipped, "seconds": 0.0, "retried": [], "stored": [],
               "not_stored": [], "engine": "this process", "client_seconds": 0.0,
               "failed": [(n, state["files"][n]["error"]) for n in skipped if state["files"][n]["status"] == "failed"]}
    if rec is not None:  # finished before, not stored yet (e.g. the client was added since)
        for f in files:
            e = state["files"][f.name] if f.name in skipped else None
            if e and e["status"] == "done" and "stored" not in e and e.get("track"):
                res = json.loads((out / e["result"]).read_text())
                _store(rec, f, res, (out / e["track"]).read_bytes(), test, e, summary)
                _write_json_atomic(out / STATE_FILE, state)
    t0 = time.perf_counter()
    count = len(skipped)
    finished_now, first_at = 0, t0

    def record(f: Path, result: dict | None, error: str | None, retried: bool = False) -> None:
        nonlocal count, finished_now, first_at
        t_in = time.perf_counter()
        if error is None and result["sha256"] != stamps[f]["sha256"]:
            error = ("the clip that was screened is not the one in the folder (it changed meanwhile, or a worker "
                     "reads another file at the same path): run the batch again")
        if retried:
            summary["retried"].append(f.name)
        if error is None:
            track = result.pop("track_npz")
            rel, rel_track = f"results/{f.name}.json", f"results/{f.name}.pose.npz"
            write_private(out / rel_track, track)
            _write_json_atomic(out / rel, result)
            entry = {"status": "done", "result": rel, "track": rel_track, "stamp": stamps[f],
                     "people": len(result["rows"]), "stopped_early": result.get("stopped_early")}
            summary["done"].append(f.name)
            if rec is not None:
                _store(rec, f, result, track, test, entry, summary)
        else:
            entry = {"status": "failed", "error": error, "stamp": stamps[f]}
            summary["failed"].append((f.name, error))
        state["files"][f.name] = entry
        _write_json_atomic(out / STATE_FILE, state)
        summary["client_seconds"] += time.perf_counter() - t_in
        count += 1
        finished_now += 1
        now = time.perf_counter()
        if finished_now == 1:
            first_at = now
            eta = (now - t0) * (len(files) - count)
        else:  # the pace since the first result (a cluster's start-up is not part of it)
            eta = (now - first_at) / (finished_now - 1) * (len(files) - count)
        if on_progress:
            on_progress(f.name, entry, count, len(files), eta)

    options = {"test": test, "segmentation": segmentation, "in_turn": in_turn, "leg": leg}
    if todo and (cluster is not None or workers > 1):
        from records.cluster import screen_on_cluster

        summary["engine"] = screen_on_cluster(cluster or "local", todo, options, record, workers=workers, send=send,
                                              max_losses=MAX_WORKER_LOSSES)
    else:
        from vision.estimator import process_models

        models = process_models()  # one model for the whole batch
        for f in todo:
            try:
                res = screen_clip(f, f.name, models=models, **options)
            except (KeyboardInterrupt, SystemExit):
                raise
            except Exception as e:  # noqa: BLE001 - reported per file, the batch goes on
                record(f, None, plain_error(e))
            else:
                record(f, res, None)
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    rows = roster(out, state)
    summary["rows"] = rows
    summary["roster_csv"] = str(write_roster_csv(rows, out / "roster.csv"))
    return summary


def _store(rec, f: Path, result: dict, track: bytes, test: str, entry: dict, summary: dict) -> None:
    got = store_result(rec, f, result, track, test)
    entry.pop("not_stored", None)
    entry.update(got)
    if "stored" in got:
        summary["stored"].append(f.name)
    else:
        summary["not_stored"].append((f.name, got["not_stored"]))
