"""The trainer's batch screen: many clips (one per person, or one clip with people in turn) through a
quadriceps / hip-flexor test, into a sortable roster of who needs what. Behind ``posture batch DIR`` and
the Trainer page.

Resumable: the state of every input file (done / failed, with its size and SHA-256) is kept in
``OUT/batch_state.json``, written atomically after each file; a rerun skips files that finished and whose
content has not changed since, and redoes anything that was interrupted. A file that cannot be read
(corrupt, not a video) is reported as failed and skipped; the rest finish. A worker process that dies
(killed, out of memory) loses no file: its clips are run again in a new pool, and only a clip whose
worker died :data:`MAX_WORKER_LOSSES` times is reported as failed. Each finished file's full result is in
``OUT/results/<file>.json``; the roster (one row per person) in ``OUT/roster.csv`` (spreadsheet-safe cells).

One batch at a time per output folder: a batch holds ``OUT/.batch.lock`` while it runs (released by the
system also when the process is killed) and a second one is told that the folder is in use. Every file is
written owner-only under a unique temporary name and renamed into place.

People in turn: a clip is cut into people where the person disappears for 0.5 s or more, or where the
trunk length in pixels (shoulder midpoint to hip midpoint, median over 0.3 s) jumps by more than
:data:`PERSON_JUMP` between neighbouring stretches (another body; one person's trunk length varies by a
few percent while moving). Segments shorter than 1 s are merged into their neighbour.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import os
import time
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from privacy.files import private_dir, write_private
from privacy.text import contained, csv_row
from records.errors import InUse, InvalidInput

SCREEN_TESTS = ("hip_extension", "lunge", "thomas", "ely")
VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v"}
STATE_FILE = "batch_state.json"
LOCK_FILE = ".batch.lock"
STATE_VERSION = 2  # 2: files are recognised by content (SHA-256), not by modification time
MAX_WORKER_LOSSES = 3  # a clip whose worker process died this many times is reported as failed
PERSON_JUMP = 0.07  # engineering choice: relative trunk-length jump taken as a new person
MIN_GAP_S = 0.5
MIN_PERSON_S = 1.0
ROSTER_COLUMNS = ["person", "file", "segment_start_s", "segment_end_s", "test", "side", "measure", "value", "unit",
                  "usual_range", "status", "compensation_index", "front_thighs", "needs", "confidence", "problems"]


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


def load_state(out: Path, test: str) -> dict:
    p = out / STATE_FILE
    if p.is_file():
        try:
            st = json.loads(p.read_text())
            if st.get("version") == STATE_VERSION and st.get("test") == test:
                return st
        except ValueError:
            pass
    return {"version": STATE_VERSION, "test": test, "files": {}}


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
# one file
# ----------------------------------------------------------------------------------------------------
def split_people(pixels: np.ndarray, timestamps: np.ndarray) -> list[tuple[int, int]]:
    """Track-position ranges ``[start, stop)`` of the people in a clip, in order (see the module docstring)."""
    p = np.asarray(pixels, dtype=np.float64)
    t = np.asarray(timestamps, dtype=np.float64)
    n = len(t)
    if n == 0:
        return []
    sh = (p[:, 11] + p[:, 12]) / 2
    hp = (p[:, 23] + p[:, 24]) / 2
    tl = np.hypot(*(sh - hp).T)
    det = np.isfinite(tl)
    dt = float(np.median(np.diff(t))) if n > 1 else 1.0
    cuts = set()
    # gaps: no person for MIN_GAP_S or more
    idx = np.flatnonzero(det)
    if idx.size == 0:
        return []
    for a, b in zip(idx[:-1], idx[1:]):
        if t[b] - t[a] >= MIN_GAP_S:
            cuts.add(int(b))
    # trunk-length jumps between the 0.3 s before and after each frame
    w = max(2, int(round(0.3 / dt)))
    for i in range(w, n - w + 1):
        before, after = tl[i - w:i], tl[i:i + w]
        before, after = before[np.isfinite(before)], after[np.isfinite(after)]
        if before.size < 2 or after.size < 2:
            continue
        mb, ma = np.median(before), np.median(after)
        if abs(ma - mb) / max(mb, ma) > PERSON_JUMP:
            cuts.add(i)
    # one cut per jump: keep the strongest frame of each run of neighbouring candidates
    cand = sorted(cuts)
    merged: list[int] = []
    for c in cand:
        if merged and c - merged[-1] <= w:
            continue
        merged.append(c)
    bounds = [int(idx[0])] + merged + [int(idx[-1]) + 1]
    segs = [(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    out: list[tuple[int, int]] = []
    for a, b in segs:  # merge short pieces into the previous person
        if out and (t[min(b, n) - 1] - t[a]) < MIN_PERSON_S:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    if len(out) > 1 and (t[out[0][1] - 1] - t[out[0][0]]) < MIN_PERSON_S:
        out[1] = (out[0][0], out[1][1])
        out.pop(0)
    return out


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


def screen_sequence(seq, test: str, name: str, in_turn: bool = True) -> dict:
    """Run the screen test on each person of a track; returns ``{"people": [...], "rows": [...]}``."""
    from analysis.advice import build_plan
    from analysis.causation import normalize_findings
    from analysis.movement import run_movement_test

    segs = split_people(seq.pixels, seq.timestamps) if in_turn else [(0, len(seq))]
    people, rows = [], []
    for j, (a, b) in enumerate(segs or [(0, len(seq))], 1):
        sl = slice(a, b)
        res = run_movement_test(test, seq.timestamps[sl], seq.pixels[sl], seq.visibility[sl],
                                outline=None if seq.outline is None else seq.outline[sl], world=seq.world[sl],
                                landmarks=seq.landmarks[sl], image_size=seq.image_size[sl])
        plan = build_plan(None, normalize_findings(res), "trainer")
        row_plan = plan.get("trainer_row") or {}
        needs, m = _needs(res, row_plan)
        n = m.get("norm") or {}
        lo, hi = n.get("low"), n.get("high")
        rng = (f"{lo:g} to {hi:g}" if lo is not None and hi is not None else f">= {lo:g}" if lo is not None
               else f"<= {hi:g}" if hi is not None else "")
        person = name if len(segs) <= 1 else f"{name} #{j}"
        row = {"person": person, "file": name, "segment_start_s": round(float(seq.timestamps[a]), 2),
               "segment_end_s": round(float(seq.timestamps[b - 1]), 2), "test": test, "side": res.get("side"),
               "measure": m.get("name", ""), "value": None if m.get("value") is None else round(m["value"], 1),
               "unit": m.get("unit", ""), "usual_range": rng, "status": m.get("status", "unknown"),
               "compensation_index": (res.get("summary") or {}).get("compensation_index_mean"),
               "front_thighs": row_plan.get("front_thighs", "-"), "needs": needs,
               "confidence": None if m.get("confidence") is None else round(m["confidence"], 2),
               "problems": "; ".join(res.get("problems", []))}
        rows.append(row)
        people.append({"person": person, "range": [a, b], "result": res, "plan_row": row_plan})
    return {"people": people, "rows": rows}


def process_file(path: str, test: str, segmentation: bool = False, in_turn: bool = True) -> dict:
    """Track one clip and screen everyone in it (runs in a worker process). Raises on unreadable input."""
    from vision.estimator import silence_native_logs
    from vision.pipeline import track
    from vision.sources import open_source

    silence_native_logs()
    src = open_source(path)
    try:
        seq = track(src, segmentation=segmentation, probe_people=False).sequence
    finally:
        src.close()
    if len(seq) == 0 or not seq.detected.any():
        raise ValueError(seq.source.stopped_early or "no person was found in any frame")
    out = screen_sequence(seq, test, Path(path).name, in_turn)
    out["stopped_early"] = seq.source.stopped_early
    out["frames"] = len(seq)
    return out


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
              segmentation: bool = False, in_turn: bool = True, redo_failed: bool = False,
              on_progress: Callable[[str, dict, int, int], None] | None = None) -> dict:
    """Screen every clip in ``src``; resumable (see the module docstring).

    ``on_progress(name, entry, done, total)`` is called after each file. Returns a summary: ``total``,
    ``done`` (finished now), ``skipped`` (finished before), ``failed`` (list of (name, error)), ``retried``
    (files run again after their worker process died), ``rows`` (the roster), ``roster_csv``.

    Raises :class:`~records.errors.InUse` when another batch is using ``out``.
    """
    if test not in SCREEN_TESTS:
        raise InvalidInput(f"the screen test must be one of {', '.join(SCREEN_TESTS)}, not {test!r}")
    out = Path(out)
    private_dir(out / "results")
    with locked(out):
        return _run_locked(Path(src), out, test, workers, segmentation, in_turn, redo_failed, on_progress)


def _run_locked(src: Path, out: Path, test: str, workers: int, segmentation: bool, in_turn: bool, redo_failed: bool,
                on_progress) -> dict:
    files = list_inputs(src)
    stamps = {f: _stamp(f) for f in files}
    state = load_state(out, test)
    todo, skipped = [], []
    for f in files:
        e = state["files"].get(f.name)
        if e and e.get("stamp") == stamps[f] and (e["status"] == "done" or (e["status"] == "failed" and not redo_failed)):
            skipped.append(f.name)
        else:
            todo.append(f)
    summary = {"total": len(files), "done": [], "skipped": skipped, "seconds": 0.0, "retried": [],
               "failed": [(n, state["files"][n]["error"]) for n in skipped if state["files"][n]["status"] == "failed"]}
    t0 = time.perf_counter()
    count = len(skipped)

    def record(f: Path, result: dict | None, error: str | None) -> None:
        nonlocal count
        if error is None:
            rel = f"results/{f.name}.json"
            _write_json_atomic(out / rel, result)
            entry = {"status": "done", "result": rel, "stamp": stamps[f], "people": len(result["rows"]),
                     "stopped_early": result.get("stopped_early")}
            summary["done"].append(f.name)
        else:
            entry = {"status": "failed", "error": error, "stamp": stamps[f]}
            summary["failed"].append((f.name, error))
        state["files"][f.name] = entry
        _write_json_atomic(out / STATE_FILE, state)
        count += 1
        if on_progress:
            on_progress(f.name, entry, count, len(files))

    if workers <= 1 or len(todo) <= 1:
        for f in todo:
            try:
                res = process_file(str(f), test, segmentation, in_turn)
                record(f, res, None)
            except (KeyboardInterrupt, SystemExit):
                raise
            except Exception as e:  # noqa: BLE001 - reported per file, the batch goes on
                record(f, None, _plain_error(e))
    else:
        losses: dict[Path, int] = {}
        while todo:
            lost = []
            # spawn, not fork: each worker loads its own pose model, with none of the parent's MediaPipe threads
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as ex:
                futs = {ex.submit(process_file, str(f), test, segmentation, in_turn): f for f in todo}
                for fut in as_completed(futs):
                    f = futs[fut]
                    try:
                        record(f, fut.result(), None)
                    except BrokenProcessPool:  # a worker died: this clip was running or waiting; not its fault
                        lost.append(f)
                    except Exception as e:  # noqa: BLE001
                        record(f, None, _plain_error(e))
            todo = []
            for f in sorted(lost):
                losses[f] = losses.get(f, 0) + 1
                if losses[f] >= MAX_WORKER_LOSSES:
                    record(f, None, f"the worker process analysing it stopped {losses[f]} times (out of memory, or "
                                    "killed): try this file alone with --workers 1")
                else:
                    todo.append(f)
                    summary["retried"].append(f.name)
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    rows = roster(out, state)
    summary["rows"] = rows
    summary["roster_csv"] = str(write_roster_csv(rows, out / "roster.csv"))
    return summary


def _plain_error(e: Exception) -> str:
    from vision.errors import InputError

    if isinstance(e, InputError):
        return str(e)
    return f"{type(e).__name__}: {e}"
