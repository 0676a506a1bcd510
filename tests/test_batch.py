"""records.batch and `posture batch`: a folder of clips screened into a roster; interrupted and resumed without
redoing finished files; a corrupt file reported and skipped while the rest finish; people in turn in one clip."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from records.batch import STATE_FILE, run_batch, split_people

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_media"


def test_split_people_on_trunk_length_jumps_and_gaps():
    t = np.arange(0, 9, 1 / 15)
    px = np.full((len(t), 33, 2), np.nan)
    trunk = np.where(t < 3, 100.0, np.where(t < 6, 85.0, 100.0))
    trunk = trunk * (1 + 0.02 * np.sin(2 * np.pi * t))  # one person's few-percent wobble is not a new person
    px[:, [11, 12], 1] = 100.0
    px[:, [23, 24], 1] = (100.0 + trunk)[:, None]
    px[:, [11, 12, 23, 24], 0] = 300.0
    segs = split_people(px, t)
    assert len(segs) == 3 and abs(t[segs[1][0]] - 3.0) < 0.2 and abs(t[segs[2][0]] - 6.0) < 0.2
    px2 = px.copy()
    px2[:, [23, 24], 1] = 200.0  # the same body throughout ...
    px2[(t > 4.0) & (t < 4.8)] = np.nan  # ... but nobody in view for 0.8 s
    assert len(split_people(px2, t)) == 2  # a gap of 0.8 s: the next person


def _cli(*args, **kw):
    return subprocess.Popen([sys.executable, str(ROOT / "posture_cli.py"), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_batch_interrupted_resumed_with_a_corrupt_file(tmp_path):
    src = tmp_path / "clips"
    src.mkdir()
    shutil.copy(SAMPLES / "hip_extension.mp4", src / "a_hip.mp4")
    (src / "b_broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(5000))  # a damaged download
    shutil.copy(SAMPLES / "trainer_screen.mp4", src / "c_screen.mp4")
    out = tmp_path / "out"
    state = out / STATE_FILE
    p = _cli("batch", str(src), "-o", str(out), "-q")
    try:  # interrupt (kill) as soon as the first file has finished
        t0 = time.time()
        while time.time() - t0 < 180:
            if state.exists() and "a_hip.mp4" in json.loads(state.read_text())["files"]:
                break
            if p.poll() is not None:
                break
            time.sleep(0.05)
        assert p.poll() is None, "the batch finished before it could be interrupted"
        os.kill(p.pid, signal.SIGKILL)
        p.wait(30)
    finally:
        if p.poll() is None:
            p.kill()
    st = json.loads(state.read_text())
    assert st["files"]["a_hip.mp4"]["status"] == "done" and "c_screen.mp4" not in st["files"]
    first = out / st["files"]["a_hip.mp4"]["result"]
    mtime = first.stat().st_mtime_ns
    p = _cli("batch", str(src), "-o", str(out), "-q")
    o, e = p.communicate(timeout=300)
    assert p.returncode == 3, e  # finished, with a failed file to report
    assert first.stat().st_mtime_ns == mtime  # the finished file was not redone
    assert "already done before" in o and "failed: b_broken.mp4" in o
    st = json.loads(state.read_text())
    assert st["files"]["c_screen.mp4"]["status"] == "done" and st["files"]["b_broken.mp4"]["status"] == "failed"
    rows = list(csv.DictReader(open(out / "roster.csv")))
    assert [r["person"] for r in rows] == ["a_hip.mp4"] + [f"c_screen.mp4 #{i}" for i in range(1, 5)]
    # the four people of the trainer clip extend to 22, 10, 25 and 14 deg (truth): their order is kept
    v = [float(r["value"]) for r in rows[1:]]
    assert np.argsort(v).tolist() == [1, 3, 0, 2]
    assert rows[2]["status"] == "below" and "stretch" in rows[2]["needs"]
    # a third run does nothing new
    p = _cli("batch", str(src), "-o", str(out), "-q")
    o, _ = p.communicate(timeout=120)
    assert "0 screened now, 3 already done before" in o


def test_run_batch_reports_progress_and_skips_unreadable(tmp_path):
    src = tmp_path / "c"
    src.mkdir()
    (src / "empty.mp4").write_bytes(b"")
    (src / "notes.txt").write_text("not a clip")  # not a video suffix: not part of the batch
    seen = []
    s = run_batch(src, tmp_path / "o", "hip_extension", on_progress=lambda n, e, d, t: seen.append((n, e["status"], d, t)))
    assert s["total"] == 1 and seen == [("empty.mp4", "failed", 1, 1)] and s["rows"] == []
    with pytest.raises(ValueError):
        run_batch(src, tmp_path / "o", "walk")


def test_two_workers_give_the_same_roster_as_one(tmp_path):
    src = tmp_path / "clips"
    src.mkdir()
    shutil.copy(SAMPLES / "hip_extension.mp4", src / "a.mp4")
    shutil.copy(SAMPLES / "hip_extension.mp4", src / "b.mp4")
    (src / "broken.mp4").write_bytes(b"\x00" * 1000)
    one = run_batch(src, tmp_path / "one", "hip_extension", workers=1)
    two = run_batch(src, tmp_path / "two", "hip_extension", workers=2)
    assert sorted(two["done"]) == ["a.mp4", "b.mp4"] and [n for n, _ in two["failed"]] == ["broken.mp4"]
    key = lambda rows: sorted((r["file"], r["measure"], r["value"], r["needs"]) for r in rows)  # noqa: E731
    assert key(one["rows"]) == key(two["rows"]) and len(two["rows"]) == 2
