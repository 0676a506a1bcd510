"""records.batch and `posture batch`: a folder of clips screened into a roster; interrupted and resumed without
redoing finished files; a corrupt file reported and skipped while the rest finish; people in turn in one clip."""

from __future__ import annotations

import base64
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
from cluster_support import reading, spawned_workers, wait_for

from analysis.people_in_turn import split_people
from records.batch import STATE_FILE, run_batch

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


@pytest.mark.parametrize("shorter", [True, False])
def test_the_next_person_s_first_frame_is_theirs(shorter):
    """A trainer's screen cut by trunk-length jumps: the cut is the next person's first frame. The first frame of a
    jump's run of candidates lies before it (the 0.3 s windows' medians part as soon as half of the window after
    holds the next person): on the rendered trainer's screens of six styles every cut fell 1-2 frames into the
    person before, whose start posture then mixed two people's feet."""
    t = np.arange(0, 9, 1 / 15)
    rng = np.random.default_rng(3)
    trunk = np.where((t < 3) | (t >= 6), 100.0, 85.0 if shorter else 118.0) * (1 + 0.01 * rng.standard_normal(len(t)))
    px = np.full((len(t), 33, 2), np.nan)
    px[:, [11, 12], 1] = 100.0
    px[:, [23, 24], 1] = (100.0 + trunk)[:, None]
    px[:, [11, 12, 23, 24], 0] = 300.0
    assert [a for a, _ in split_people(px, t)] == [0, 45, 90]


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
    # the four people of the trainer clip swing the thigh 22, 10, 25 and 14 deg back (truth). The heavy second
    # person's thigh line at rest is known only from the pose model's points, which read a standing thigh forward
    # (her peak read 5 deg short, "below" for a true 10): a lower bound, not a value, with the reason; the other
    # three keep their order
    v = [float(r["value"]) for r in rows[1:] if r["value"]]
    assert np.argsort(v).tolist() == [2, 0, 1], v
    assert rows[2]["value"] == "" and rows[2]["status"] == "unknown" and rows[2]["confidence"] == ""
    assert "at least" in rows[2]["problems"] and "film again" in rows[2]["needs"] and "stretch" not in rows[2]["needs"]
    assert "picture" not in rows[0]  # the CSV has no pictures; the results have a small one of each person
    people = json.loads((out / st["files"]["c_screen.mp4"]["result"]).read_text())["rows"]
    pics = [base64.b64decode(r["picture"].split(",", 1)[1]) for r in people]
    assert all(p[:2] == b"\xff\xd8" and 1000 < len(p) < 40_000 for p in pics) and len(set(pics)) == 4
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
    s = run_batch(src, tmp_path / "o", "hip_extension", on_progress=lambda n, e, d, t, left: seen.append((n, e["status"], d, t)))
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


# ---------------------------------------------------------------------------------------------- issue 16
def test_a_killed_worker_loses_no_clip_and_a_second_batch_is_refused(tmp_path):
    src = tmp_path / "clips"
    src.mkdir()
    formula = '=HYPERLINK("http:__x","y").mp4'
    for n in ("a.mp4", "b.mp4", formula):
        shutil.copy(SAMPLES / "hip_extension.mp4", src / n)
    out = tmp_path / "out"
    p = subprocess.Popen([sys.executable, str(ROOT / "posture_cli.py"), "batch", str(src), "-o", str(out), "-q",
                          "--workers", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True, preexec_fn=lambda: os.umask(0o022))
    try:
        alive = lambda: p.poll() is None  # noqa: E731
        wait_for(lambda: len(spawned_workers(p.pid)) == 2, 120, "the batch starting two workers", alive)
        # a second batch on the same output folder, while the first runs
        q = _cli("batch", str(src), "-o", str(out), "-q")
        o2, e2 = q.communicate(timeout=120)
        assert q.returncode == 2 and "another batch is using the output folder" in e2, (o2, e2)
        assert "Traceback" not in e2
        # a worker in the middle of a clip (it has the clip open)
        victim = wait_for(lambda: reading(spawned_workers(p.pid), src), 120, "a worker reading a clip", alive)[0]
        assert p.poll() is None, "the batch finished before a worker could be killed"
        os.kill(victim, signal.SIGKILL)
        o, e = p.communicate(timeout=240)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(30)
    assert p.returncode == 0, (o, e)  # nothing failed
    assert "3 files: 3 screened now" in o and "run again after their worker process stopped" in o, o
    st = json.loads((out / STATE_FILE).read_text())
    assert {n: v["status"] for n, v in st["files"].items()} == {n: "done" for n in ("a.mp4", "b.mp4", formula)}
    rows = list(csv.reader(open(out / "roster.csv")))
    assert len(rows) == 4 and sorted(r[1] for r in rows[1:]) == ["'" + formula, "a.mp4", "b.mp4"]  # text, not a formula
    written = [out, *out.rglob("*")]
    assert {str(f): oct(os.stat(f).st_mode & 0o777) for f in written} == \
        {str(f): oct(0o700 if f.is_dir() else 0o600) for f in written}
    p = _cli("batch", str(src), "-o", str(out), "-q")  # and a rerun finds everything done
    o, _ = p.communicate(timeout=120)
    assert "0 screened now, 3 already done before, 0 failed" in o


def test_state_writes_never_share_a_temporary_name(tmp_path):
    import threading

    from records.batch import _write_json_atomic

    target, errors = tmp_path / "state.json", []

    def writer(tag):
        try:
            for i in range(150):
                _write_json_atomic(target, {"writer": tag, "i": i, "pad": "x" * 20000})
        except Exception as e:  # noqa: BLE001 - collected for the assertion
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(t,)) for t in "ab"]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert errors == [] and json.loads(target.read_text())["i"] == 149
    assert [f.name for f in tmp_path.iterdir()] == ["state.json"]


def test_a_clip_replaced_by_another_of_the_same_name_and_size_is_screened_again(tmp_path):
    src = tmp_path / "c"
    src.mkdir()
    clip = src / "same.mp4"
    clip.write_bytes(b"\x00" * 4000)
    seen = []
    run_batch(src, tmp_path / "o", "hip_extension", on_progress=lambda n, e, d, t, left: seen.append(n))
    st = os.stat(clip)
    clip.write_bytes(b"\x01" * 4000)  # other content, same name and size ...
    os.utime(clip, ns=(st.st_atime_ns, st.st_mtime_ns))  # ... and the same modification time
    run_batch(src, tmp_path / "o", "hip_extension", on_progress=lambda n, e, d, t, left: seen.append(n))
    assert seen == ["same.mp4", "same.mp4"]  # screened again, not taken from the first run
    run_batch(src, tmp_path / "o", "hip_extension", on_progress=lambda n, e, d, t, left: seen.append(n))
    assert seen == ["same.mp4", "same.mp4"]  # unchanged content: skipped


def test_a_trainer_states_the_tested_leg_for_the_whole_screen(tmp_path):
    """``posture batch --leg``: every person's tested leg named as stated (the sample's moving leg is the right
    one: stated left, the legs' labels are exchanged and the result says so); a folder screened for one leg is
    screened again for the other, never mixed into one roster."""
    src = tmp_path / "clips"
    src.mkdir()
    shutil.copy(SAMPLES / "hip_extension.mp4", src / "a.mp4")
    out = tmp_path / "out"
    p = _cli("batch", str(src), "-o", str(out), "-q", "--leg", "left")
    o, e = p.communicate(timeout=300)
    assert p.returncode == 0, e
    (row,) = list(csv.DictReader(open(out / "roster.csv")))
    assert row["side"] == "left"
    st = json.loads((out / STATE_FILE).read_text())
    assert st["leg"] == "left"
    (person,) = json.loads((out / st["files"]["a.mp4"]["result"]).read_text())["people"]
    labels = person["result"]["leg_labels"]
    assert labels["stated_leg"] == "left" and labels["exchanged_for_stated_leg"] is True
    assert person["result"]["leg"].endswith("(as stated)")
    s = run_batch(src, out, "hip_extension", leg="right")
    assert s["done"] == ["a.mp4"] and s["skipped"] == []
    assert [r["side"] for r in s["rows"]] == ["right"]
    with pytest.raises(ValueError):
        run_batch(src, out, "hip_extension", leg="both")


def test_each_clip_s_tested_leg_can_come_from_its_file_name(tmp_path):
    """``posture batch --leg from-name``: a clip named for a leg is screened with that leg stated, one named for
    neither gets the leg found from the movement (the sample's moving leg is the right one). The thigh is read
    from the body outline unless ``--no-segmentation``."""
    from records.batch import leg_from_name

    assert [leg_from_name(n) for n in ("JS-01-left.mp4", "anna_Right.mov", "left leg 2.mp4", "leftover.mp4",
                                       "left-right.mp4", "clip.mp4")] == ["left", "right", "left", None, None, None]
    src = tmp_path / "clips"
    src.mkdir()
    shutil.copy(SAMPLES / "hip_extension.mp4", src / "a-left.mp4")
    shutil.copy(SAMPLES / "hip_extension.mp4", src / "b.mp4")
    out = tmp_path / "out"
    p = _cli("batch", str(src), "-o", str(out), "-q", "--leg", "from-name")
    o, e = p.communicate(timeout=300)
    assert p.returncode == 0, e
    rows = {r["file"]: r for r in csv.DictReader(open(out / "roster.csv"))}
    assert rows["a-left.mp4"]["side"] == "left" and rows["b.mp4"]["side"] == "right", rows
    st = json.loads((out / STATE_FILE).read_text())
    (a,) = json.loads((out / st["files"]["a-left.mp4"]["result"]).read_text())["people"]
    (b,) = json.loads((out / st["files"]["b.mp4"]["result"]).read_text())["people"]
    assert a["result"]["leg_labels"]["stated_leg"] == "left" and a["result"]["leg"].endswith("(as stated)")
    assert b["result"]["leg_labels"]["stated_leg"] is None
    # screened with the body outline by default, as `posture analyze`; --no-segmentation reads the landmarks alone
    assert a["result"]["thigh_source"] == b["result"]["thigh_source"] == "outline"
    p = _cli("batch", str(src), "-o", str(tmp_path / "fast"), "-q", "--no-segmentation")
    assert p.wait(timeout=300) == 0, p.stderr.read()
    st = json.loads((tmp_path / "fast" / STATE_FILE).read_text())
    (b,) = json.loads((tmp_path / "fast" / st["files"]["b.mp4"]["result"]).read_text())["people"]
    assert b["result"]["thigh_source"] == "landmarks"


def test_a_roster_row_marks_a_leg_name_in_doubt():
    """A screened person's tested leg named for the side the camera does not see (leg_in_doubt) is shown as not
    certain on the roster: the trainer does not read the pose model's guess as the leg."""
    from records.batch import roster_row

    t = np.arange(10) / 10.0
    res = {"side": "left", "summary": {}, "problems": []}
    assert roster_row("p1", "a.mp4", "hip_extension", t, [0, 10], res, {})["side"] == "left"
    doubted = dict(res, leg_in_doubt="the pose model names the tested leg the left one, but the camera sees the right")
    assert roster_row("p1", "a.mp4", "hip_extension", t, [0, 10], doubted, {})["side"] == "left (which leg: not certain)"
    lying = dict(res, leg_note="lying side-on, the picture does not show which of the two legs was tested")
    assert roster_row("p1", "a.mp4", "ely", t, [0, 10], lying, {})["side"] == "left (as the set-up films the tested leg)"
