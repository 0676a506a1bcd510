"""The batch screen on real Dask clusters (issue 18): a LocalCluster of 2 worker processes and a `dask scheduler`
with two `dask worker` processes on 127.0.0.1 give the single-machine roster value for value; a worker killed
in the middle of a clip loses no clip; a corrupt clip is a failed row with its reason; one pose model per worker
process; the records database; the Trainer page sending a screen to a configured cluster."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cluster_support import dask_cluster, free_port, reading, wait_for
from test_records_db import _fresh_pg, pg_url  # noqa: F401  (pg_url: a real PostgreSQL server, a fixture)

from records.batch import STATE_FILE, run_batch

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_media"
GOOD = ("a_hip.mp4", "b_stand.mp4", "c_hip.mp4")
CORRUPT = "d_broken.mp4"


def _clips(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLES / "hip_extension.mp4", folder / "a_hip.mp4")
    shutil.copy(SAMPLES / "standing_side.mp4", folder / "b_stand.mp4")  # no hip extension in it: "not measured"
    shutil.copy(SAMPLES / "hip_extension.mp4", folder / "c_hip.mp4")
    (folder / CORRUPT).write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 20)  # a damaged download
    return folder


@pytest.fixture(scope="module")
def single_machine(tmp_path_factory):
    """The clips and their batch screened in this process, one after the other (no Dask)."""
    base = tmp_path_factory.mktemp("single")
    src = _clips(base / "clips")
    s = run_batch(src, base / "out", "hip_extension")
    assert s["engine"] == "this process"
    return {"src": src, "out": base / "out", "summary": s,
            "csv": list(csv.reader(open(base / "out" / "roster.csv", newline="")))}


def _results(out: Path) -> dict[str, dict]:
    st = json.loads((out / STATE_FILE).read_text())
    return {n: json.loads((out / e["result"]).read_text()) for n, e in st["files"].items() if e["status"] == "done"}


def _cli(*args, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "posture_cli.py"), *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, **kw)


def test_single_machine_batch_reads_the_clips_with_one_model(single_machine):
    s = single_machine["summary"]
    assert sorted(s["done"]) == list(GOOD) and [n for n, _ in s["failed"]] == [CORRUPT]
    assert "damaged" in s["failed"][0][1] and "\n" not in s["failed"][0][1]  # its one-line reason
    res = _results(single_machine["out"])
    assert {r["process"]["pid"] for r in res.values()} == {os.getpid()}
    assert {r["process"]["models_built"] for r in res.values()} == {1}  # one model for all the clips
    stand = res["b_stand.mp4"]["rows"][0]
    hip = res["a_hip.mp4"]["rows"][0]
    assert hip["value"] is not None and hip["measure"]  # a measured hip extension ...
    assert hip != {**stand, "person": hip["person"], "file": hip["file"]}  # ... and a different result for standing


def test_local_cluster_of_two_workers_gives_the_same_roster(single_machine, tmp_path, monkeypatch):
    import tempfile

    tmpdir = tmp_path / "tmpdir"  # the cluster's scratch space and the clips sent as bytes: nothing left there
    tmpdir.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
    out = tmp_path / "out"
    seen = []
    s = run_batch(single_machine["src"], out, "hip_extension", cluster="local", workers=2, send="bytes",
                  on_progress=lambda n, e, d, t, left: seen.append((d, t, left)))
    assert s["engine"].startswith("a local Dask cluster of 2 worker processes") and "bytes" in s["engine"]
    assert s["rows"] == single_machine["summary"]["rows"]  # value for value, in the same order
    assert list(csv.reader(open(out / "roster.csv", newline=""))) == single_machine["csv"]
    assert [n for n, _ in s["failed"]] == [CORRUPT] and s["failed"] == single_machine["summary"]["failed"]
    assert [d for d, _, _ in seen] == [1, 2, 3, 4] and seen[-1][2] == 0 and all(x is not None for _, _, x in seen)
    res = _results(out)
    pids = {r["process"]["pid"] for r in res.values()}
    assert os.getpid() not in pids and len(pids) <= 2  # screened by the workers ...
    assert {r["process"]["models_built"] for r in res.values()} == {1}  # ... each with one model, built once
    for name, r in res.items():  # the client wrote the tracks that came back
        from vision.sequence import PoseSequence

        seq = PoseSequence.load(out / "results" / f"{name}.pose.npz")
        assert len(seq) == r["frames"] and seq.source.name == name
    written = [out, *out.rglob("*")]
    assert all(oct(os.stat(f).st_mode & 0o777) == oct(0o700 if f.is_dir() else 0o600) for f in written)
    assert list(tmpdir.iterdir()) == []


def test_scheduler_and_two_workers_survive_a_killed_worker(single_machine, tmp_path):
    """`posture batch DIR --cluster tcp://...` against a scheduler and two workers started outside the batch:
    one worker is killed while it reads a clip; every good clip still finishes, the roster is the one of
    `posture batch DIR`, and a rerun does nothing new."""
    src, out = single_machine["src"], tmp_path / "out"
    logs = tmp_path / "logs"
    logs.mkdir()
    with dask_cluster(2, logs) as (address, workers):
        p = _cli("batch", str(src), "-o", str(out), "-q", "--cluster", address)
        try:
            alive = lambda: p.poll() is None  # noqa: E731
            victim = wait_for(lambda: reading([w.pid for w in workers], src), 180, "a worker reading a clip", alive)[0]
            os.kill(victim, signal.SIGKILL)
            o, e = p.communicate(timeout=240)
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(30)
        assert p.returncode == 3, (o, e)  # finished, with the corrupt clip to report
        assert "4 files: 3 screened now" in o and f"failed: {CORRUPT}" in o, o
        assert f"the Dask cluster at {address}" in o and "sent by path" in o, o
        assert "run again after their worker process stopped" in o, o
        assert "Traceback" not in e
        assert list(csv.reader(open(out / "roster.csv", newline=""))) == single_machine["csv"]
        res = _results(out)
        assert {r["process"]["models_built"] for r in res.values()} == {1}
        q = _cli("batch", str(src), "-o", str(out), "-q", "--cluster", address)
        o, _ = q.communicate(timeout=120)
        assert "0 screened now, 4 already done before" in o, o


def test_a_clip_whose_worker_keeps_dying_fails_with_its_reason_and_the_others_finish(tmp_path):
    """With no loss allowed (max_losses=1) a clip whose worker is killed under it is a failed row, saying
    why; the restarted worker screens the rest."""
    import threading

    from cluster_support import spawned_workers
    from records.cluster import connect

    src = tmp_path / "clips"
    src.mkdir()
    for n in ("a.mp4", "b.mp4"):
        shutil.copy(SAMPLES / "hip_extension.mp4", src / n)
    killed = []

    def kill_one_reading():
        pid = wait_for(lambda: reading(spawned_workers(os.getpid()), src), 180, "a worker reading a clip")[0]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    with connect("local", 1, max_losses=1) as client:
        t = threading.Thread(target=kill_one_reading, daemon=True)
        t.start()
        s = run_batch(src, tmp_path / "out", "hip_extension", cluster=client)
        t.join(30)
    assert killed and len(s["failed"]) == 1 and len(s["done"]) == 1, s
    name, why = s["failed"][0]
    assert "worker process analysing it stopped 1 time " in why and name in s["retried"]
    assert s["rows"][0]["file"] == s["done"][0]


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    src = _clips(tmp_path / "clips")
    p = _cli("batch", str(src), "-o", str(tmp_path / "out"), "-q", "--cluster", f"tcp://127.0.0.1:{free_port()}")
    o, e = p.communicate(timeout=120)
    assert p.returncode == 2 and e.count("\n") == 1 and "cannot reach a Dask scheduler" in e, (o, e)
    p = _cli("batch", str(src), "-o", str(tmp_path / "out"), "--cluster", "tcp://127.0.0.1:1", "--workers", "3")
    o, e = p.communicate(timeout=60)
    assert p.returncode == 2 and "--workers" in e


@pytest.fixture(params=["sqlite", "postgresql"])
def records_db(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "records.sqlite")
    return _fresh_pg(request.getfixturevalue("pg_url"))


def test_batch_stores_known_clients_with_consent_and_catches_up_on_a_rerun(records_db, tmp_path):
    from records.store import Records

    src = tmp_path / "clips"
    src.mkdir()
    shutil.copy(SAMPLES / "hip_extension.mp4", src / "JS-01.mp4")
    shutil.copy(SAMPLES / "hip_extension.mp4", src / "AB-2.mp4")
    with Records(records_db) as rec:
        cid = rec.add_client("JS-01", "Jo Smith")
        rec.set_consent(cid, "records", True, by="T")
    s = run_batch(src, tmp_path / "out", "hip_extension", db=records_db)
    assert s["stored"] == ["JS-01.mp4"] and [n for n, _ in s["not_stored"]] == ["AB-2.mp4"]
    assert "no client with the code 'AB-2'" in s["not_stored"][0][1]
    with Records(records_db) as rec:
        caps = rec.captures(client_id=cid)
        assert [c["protocol"] for c in caps] == ["hip_extension"] and caps[0]["source_name"] == "JS-01.mp4"
        seq = rec.sequence(caps[0]["id"])
        row = s["rows"][[r["file"] for r in s["rows"]].index("JS-01.mp4")]
        assert len(seq) > 0 and caps[0]["results"]["summary"] and row["value"] is not None
        ab = rec.add_client("AB-2")
        rec.set_consent(ab, "records", True)
    again = run_batch(src, tmp_path / "out", "hip_extension", db=records_db)
    assert again["done"] == [] and again["stored"] == ["AB-2.mp4"]  # stored now, without screening again
    with Records(records_db) as rec:
        assert len(rec.captures(client_id=ab)) == 1 and len(rec.captures(client_id=cid)) == 1


def test_trainer_page_sends_a_screen_to_the_configured_cluster(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    logs = tmp_path / "logs"
    logs.mkdir()
    with dask_cluster(1, logs) as (address, _):
        monkeypatch.setenv("POSTURE_CLUSTER", address)
        monkeypatch.setenv("POSTURE_BATCH_DIR", str(tmp_path / "batches"))
        monkeypatch.setenv("POSTURE_DB", str(tmp_path / "r.sqlite"))
        monkeypatch.chdir(ROOT)
        at = AppTest.from_file(str(ROOT / "pages" / "2_Trainer_screen.py"), default_timeout=240)
        at.run()
        assert at.radio(key="where").value == "this computer"
        at.radio(key="where").set_value(f"the cluster at {address}")
        at.text_input(key="batch").set_value("club-1")
        at.file_uploader(key="clips").set_value([("p1.mp4", (SAMPLES / "hip_extension.mp4").read_bytes(), "video/mp4")])
        at.run()
        at.button(key="run").click().run()
        assert not at.exception, at.exception
        s = at.session_state["summary"]
        assert s["done"] == ["p1.mp4"] and address in s["engine"], s["engine"]
        assert s["rows"][0]["value"] is not None
        assert any("1 file: 1 screened now" in m.value for m in at.caption)
    assert not any(p.suffix == ".mp4" for p in (tmp_path / "batches").rglob("*"))  # the clips are not kept


def test_a_kept_model_restarted_per_clip_gives_the_landmarks_of_a_new_one():
    """The worker's model (built once, restarted for each clip) tracks a clip exactly as a new model does,
    whatever clip it tracked before; a photo model is reused as it is."""
    from vision.estimator import ModelCache
    from vision.pipeline import track
    from vision.sources import open_source

    def run(name, models=None):
        src = open_source(SAMPLES / name)
        try:
            return track(src, models=models).sequence
        finally:
            src.close()

    fresh = run("hip_extension.mp4")
    models = ModelCache()
    try:
        run("trainer_screen.mp4", models)
        again = run("hip_extension.mp4", models)
        assert len(models) == 2  # the tracking model and the people probe's photo model, nothing per clip
    finally:
        models.close()
    for k in ("landmarks", "visibility", "world"):
        assert np.array_equal(getattr(fresh, k), getattr(again, k), equal_nan=True), k
