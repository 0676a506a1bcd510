"""The trainer batch on one process, on a local Dask cluster of 1 and 2 workers, and on the process pool it
replaced: speed, the engine's overhead per clip, peak memory per worker, and how far one scheduler and one
PostgreSQL database reach. Prints figures; asserts nothing.

Usage::

    python benchmarks/bench_batch.py [--clips 8] [--rounds 3] [--skip-pool] [--db postgresql://...]

The clips are the project's own rendered clips (``sample_media/*.mp4``, 640x480, 3 to 12 s), screened with the
hip-extension test without the body outline (``segmentation=False``, as when these figures were first taken; the
batch's default since version 0.3 adds the outline, about a fifth more model time per clip, and changes nothing
in the engine's own costs), each engine into its own output folder:

* ``one process``: ``run_batch`` without a cluster, in this process (the first clip pays the model's import).
* ``local cluster, 1 worker`` and ``2 workers``: ``run_batch`` on a ``LocalCluster`` of single-threaded worker
  processes started for the run (start-up and the worker plugin's model loading timed apart).
* ``process pool, 2 processes``: the same per-clip function on a ``ProcessPoolExecutor`` of 2 spawned
  processes, each keeping its model, as ``records.batch`` did before issue 18 (whether the cluster is as fast).

Figures, against the floors of issue 18:

* speed-up of 2 workers over 1 on the screening itself (from the first clip submitted to the last result,
  start-up apart), floor 1.6x; wall time with start-up too. The engines run in turn ``--rounds`` times and
  each is reported by its best round (a 2-core machine shared with other work drifts by tens of percent
  from one minute to the next); each round's own speed-up is printed too, with the clips each worker ran
  and its mean time per clip (a clip slower on 2 workers than on 1 means the cores were not free).
* engine overhead per clip: the screening time of 1 worker minus the clips' own time on the worker
  (scheduling, transfer, serialisation, waiting for the client), per clip, against the clip's model time
  (tracking); floor 5 %. Also the model restart per clip (a new run of the kept graph) and what a clip and
  its result weigh on the wire.
* peak memory (VmHWM) of each worker process after the run.
* how many workers one scheduler, one client and one PostgreSQL database keep busy: the measured per-task
  scheduler cost (a burst of empty tasks), the client's per-clip writing, a PostgreSQL insert of a screened
  clip (a throwaway server started here when ``initdb`` is installed, or ``--db``), and the network time of
  a clip's bytes at an assumed 1 Gbit/s when clips travel through the scheduler.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import pickle
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.estimator import silence_native_logs  # noqa: E402

CLIPS = ["hip_extension", "kneeling_lunge", "thomas_test", "prone_knee_bend", "sit_to_stand", "standing_side",
         "before_tilt16", "after_tilt9", "trainer_screen"]
LINK_BYTES_PER_S = 1e9 / 8  # assumed: a 1 Gbit/s network between the client, the scheduler and the workers
PHONE_FRAMES = 30 * 30  # a 30 s phone clip at 30 frames/s ...
PHONE_BYTES = 50e6  # ... of about 50 MB (H.264 at ~13 Mbit/s, a phone's 1080p default)


def pool_clip(path: str) -> dict:
    """One clip in a pool process (the process keeps its models between clips)."""
    from records.batch import screen_clip
    from vision.estimator import process_models, silence_native_logs

    silence_native_logs()
    t0 = time.perf_counter()
    res = screen_clip(path, Path(path).name, "hip_extension", segmentation=False, models=process_models())
    res.pop("track_npz")
    res["t_end"] = time.time()
    res["t_start"] = time.time() - (time.perf_counter() - t0)
    return res


def results(out: Path) -> list[dict]:
    import json

    st = json.loads((out / "batch_state.json").read_text())
    return [json.loads((out / e["result"]).read_text()) for e in st["files"].values() if e["status"] == "done"]


def run_cluster(src: Path, out: Path, workers: int) -> dict:
    """run_batch on a LocalCluster of ``workers``; start-up, screening and worker memory timed apart."""
    from records.batch import run_batch
    from records.cluster import PoseModels, connect

    t0 = time.perf_counter()
    with connect("local", workers) as client:
        t_up = time.perf_counter()
        client.register_plugin(PoseModels(quiet=True))  # the models, built once per worker (timed apart)
        t_models = time.perf_counter()
        s = run_batch(src, out, "hip_extension", cluster=client, segmentation=False)
        t_done = time.perf_counter()
        hwm = client.run(_peak_rss)
    return {"startup": t_up - t0, "models": t_models - t_up, "screen": t_done - t_models, "wall": t_done - t0,
            "summary": s, "peak_rss": sorted(hwm.values()), "results": results(out)}


def _per_worker(run: dict) -> str:
    """The clips each worker ran and its mean seconds per clip."""
    by: dict[int, list[float]] = {}
    for r in run["results"]:
        by.setdefault(r["process"]["pid"], []).append(r["seconds"]["clip"])
    return ", ".join(f"{len(v)} clips at {statistics.mean(v):.2f} s" for v in by.values())


def _serialise_seconds(res: list[dict]) -> float:
    """Seconds to pickle and unpickle one result with its track, as Dask sends it (median)."""
    out = []
    for r in res:
        r = {**r, "track_npz": b"\0" * 64_000}
        t = time.perf_counter()
        pickle.loads(pickle.dumps(r, protocol=5))
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def _peak_rss() -> int:
    """This process's peak resident memory (bytes), from /proc/self/status VmHWM."""
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def run_pool(src: Path, workers: int) -> dict:
    import multiprocessing

    files = sorted(str(p) for p in src.iterdir())
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as ex:
        futs = [ex.submit(pool_clip, f) for f in files]
        res = [f.result() for f in as_completed(futs)]
    return {"wall": time.perf_counter() - t0, "results": res}


def restart_cost(clip: Path, rounds: int = 5) -> tuple[float, float]:
    """Seconds of the first frame after a restart of the kept graph, and of a later frame (median)."""
    from vision.estimator import ModelCache, scale_for_model
    from vision.sources import open_source

    src = open_source(clip)
    frames = [scale_for_model(f.rgb, 960)[0] for f, _ in zip(src, range(6))]
    src.close()
    models = ModelCache()
    first, later = [], []
    try:
        for _ in range(rounds):
            with models.lease(static=False) as est:
                t = time.perf_counter()
                est.process(frames[0])
                first.append(time.perf_counter() - t)
                for f in frames[1:]:
                    t = time.perf_counter()
                    est.process(f)
                    later.append(time.perf_counter() - t)
    finally:
        models.close()
    return statistics.median(first[1:]), statistics.median(later)


def scheduler_cost(n: int = 2000) -> float:
    """Seconds of scheduler and client work per task: a burst of ``n`` empty tasks on a local cluster."""
    from records.cluster import connect

    with connect("local", 2) as client:
        client.gather(client.map(_nothing, range(50), pure=False))  # warm
        t0 = time.perf_counter()
        client.gather(client.map(_nothing, range(n), pure=False))
        return (time.perf_counter() - t0) / n


def _nothing(i):
    return i


@contextlib.contextmanager
def throwaway_postgres():
    """A PostgreSQL server on a free port in a temporary folder (as the tests start one), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or ([shutil.which("initdb")] if shutil.which("initdb") else [])
    if not found:
        yield None
        return
    bindir = Path(found[-1]).resolve().parent
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    d = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    os.chmod(d, 0o777)
    if run_as:
        shutil.chown(d, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = d / "data"
    try:
        subprocess.run(run_as + [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                       capture_output=True, check=True)
        subprocess.run(run_as + [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(d / "log"), "-w", "-t", "60", "-o",
                                 f"-p {port} -k {d} -c listen_addresses=127.0.0.1", "start"], capture_output=True, check=True)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    except subprocess.CalledProcessError:
        yield None
    finally:
        subprocess.run(run_as + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)


def db_cost(db: str, src: Path, out: Path) -> tuple[float, int]:
    """Seconds per clip to store a screened clip (session + capture with its track and key frame) in ``db``,
    and the stored bytes per clip."""
    from records.batch import store_result
    from records.store import Records

    import json

    st = json.loads((out / "batch_state.json").read_text())
    done = [(n, e) for n, e in st["files"].items() if e["status"] == "done"]
    times, sizes = [], []
    with Records(db) as rec:
        for n, e in done:
            code = f"bench-{Path(n).stem}-{os.getpid()}"
            cid = rec.add_client(code)
            rec.set_consent(cid, "records", True)
            clip = src / n
            named = out / f"{code}{clip.suffix}"
            shutil.copy(clip, named)
            res = json.loads((out / e["result"]).read_text())
            res["people"] = res["people"][:1]
            track = (out / e["track"]).read_bytes()
            t = time.perf_counter()
            got = store_result(rec, named, res, track, "hip_extension")
            times.append(time.perf_counter() - t)
            assert "stored" in got, got
            sizes.append(len(track))
            named.unlink()
    return statistics.median(times), int(statistics.median(sizes))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clips", type=int, default=8, help="how many clips (default: %(default)s)")
    ap.add_argument("--rounds", type=int, default=3, help="engines measured in turn this many times (default: %(default)s)")
    ap.add_argument("--skip-pool", action="store_true", help="do not measure the process pool")
    ap.add_argument("--db", help="a PostgreSQL URL to measure inserts on (default: a throwaway server when initdb exists)")
    args = ap.parse_args()
    silence_native_logs()
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        src = tmp / "clips"
        src.mkdir()
        for i, name in enumerate((CLIPS * 4)[: args.clips]):
            shutil.copy(ROOT / "sample_media" / f"{name}.mp4", src / f"{i:02d}_{name}.mp4")
        clip_bytes = [p.stat().st_size for p in src.iterdir()]

        from records.batch import run_batch

        singles, c1s, c2s, pools = [], [], [], []
        for k in range(args.rounds):
            shutil.rmtree(tmp / "one", ignore_errors=True)
            t0 = time.perf_counter()
            one = run_batch(src, tmp / "one", "hip_extension", segmentation=False)
            singles.append({"wall": time.perf_counter() - t0, "results": results(tmp / "one"), "rows": one["rows"]})
            for n, runs in ((1, c1s), (2, c2s)):
                shutil.rmtree(tmp / f"c{n}", ignore_errors=True)
                runs.append(run_cluster(src, tmp / f"c{n}", n))
            if not args.skip_pool:
                pools.append(run_pool(src, 2))
            print(f"round {k + 1}: one process {singles[-1]['wall']:.1f} s; screening on 1 worker {c1s[-1]['screen']:.1f} s, "
                  f"on 2 workers {c2s[-1]['screen']:.1f} s ({c1s[-1]['screen'] / c2s[-1]['screen']:.2f}x; "
                  f"{_per_worker(c1s[-1])} | {_per_worker(c2s[-1])})"
                  + (f"; pool of 2 {pools[-1]['wall']:.1f} s" if pools else "")
                  + f"; load {os.getloadavg()[0]:.1f}", flush=True)
        single = min(singles, key=lambda r: r["wall"])
        c1 = min(c1s, key=lambda r: r["screen"])
        c2 = min(c2s, key=lambda r: r["screen"])
        print(f"\nbest of {args.rounds} rounds:")
        print(f"one process:                {single['wall']:6.1f} s for {len(single['results'])} clips")
        for n, c in ((1, c1), (2, c2)):
            print(f"local cluster, {n} worker{'s' if n > 1 else ' '}:   {c['wall']:6.1f} s (start-up {c['startup']:.1f} s, "
                  f"models {c['models']:.1f} s, screening {c['screen']:.1f} s)")
        if pools:
            pool = min(pools, key=lambda r: r["wall"])
            print(f"process pool, 2 processes:  {pool['wall']:6.1f} s (start-up and model loading included)")
        same = all(c["summary"]["rows"] == singles[0]["rows"] for c in c1s + c2s)
        print(f"rosters equal value for value: {same}")

        speed_screen = c1["screen"] / c2["screen"]
        speed_wall = c1["wall"] / c2["wall"]
        print(f"\nspeed-up of 2 workers over 1: {speed_screen:.2f}x on the screening (floor 1.6x), "
              f"{speed_wall:.2f}x with start-up")
        if pools:
            print(f"local cluster of 2 against the process pool of 2 (wall, start-up included): "
                  f"{pool['wall'] / c2['wall']:.2f}x")

        r1 = sorted(c1["results"], key=lambda r: r["seconds"]["started"])
        model = sum(r["seconds"]["model"] for r in r1)
        clip_t = sum(r["seconds"]["clip"] for r in r1)
        mean_model = model / len(r1)
        fixed = c1["screen"] - (r1[-1]["seconds"]["ended"] - r1[0]["seconds"]["started"])
        gaps = [b["seconds"]["started"] - a["seconds"]["ended"] for a, b in zip(r1, r1[1:])]
        over = statistics.mean(gaps) + fixed / len(r1)
        ser = _serialise_seconds(c1["results"])
        print(f"\nper clip on 1 worker: model {mean_model:.2f} s, whole clip on the worker {clip_t / len(r1):.2f} s; "
              f"engine overhead {over * 1000:.0f} ms = {over / mean_model:.1%} of the model time (floor 5 %): "
              f"{statistics.mean(gaps) * 1000:.0f} ms between clips on the worker, plus {fixed:.2f} s per run "
              f"(first dispatch, last result, roster) shared by {len(r1)} clips; serialising a result "
              f"{ser * 1000:.1f} ms")
        first, later = restart_cost(src / sorted(os.listdir(src))[0])
        print(f"model restart per clip (first frame after a restart minus a later frame): {(first - later) * 1000:.0f} ms "
              f"= {(first - later) / mean_model:.1%} of the model time (inside the model time above)")
        payload = [len(pickle.dumps(r, protocol=5)) for r in r1]
        track = [os.path.getsize(p) for p in (tmp / "c1" / "results").glob("*.pose.npz")]
        print(f"on the wire per clip: the clip {statistics.median(clip_bytes) / 1e3:.0f} kB (only with --send bytes), "
              f"its result {statistics.median(payload) / 1e3 + statistics.median(track) / 1e3:.0f} kB "
              f"(track {statistics.median(track) / 1e3:.0f} kB)")
        print(f"peak memory per worker (VmHWM): 1 worker {c1['peak_rss'][0] / 2**20:.0f} MiB; 2 workers "
              + ", ".join(f"{b / 2**20:.0f} MiB" for b in c2["peak_rss"]))

        per_task = scheduler_cost()
        clip_s = clip_t / len(r1)
        client_s = c1["summary"]["client_seconds"] / len(r1)
        with (contextlib.nullcontext(args.db) if args.db else throwaway_postgres()) as pg:
            if pg:
                db_s, db_bytes = db_cost(pg, src, tmp / "c1")
            else:
                db_s, db_bytes = None, None
        per_frame = model / sum(r["frames"] for r in r1)
        phone = PHONE_FRAMES * per_frame  # model seconds of a 30 s, 30 frames/s clip at this speed
        link = statistics.median(clip_bytes) / LINK_BYTES_PER_S
        print(f"\nworkers one of each keeps busy, for these clips ({clip_s:.1f} s each) and for a 30 s phone clip at "
              f"30 frames/s (~{phone:.0f} s of model time at {per_frame * 1e3:.0f} ms a frame, ~{PHONE_BYTES / 1e6:.0f} MB):")
        print(f"  scheduler: {per_task * 1e3:.2f} ms per task (a burst of empty tasks) -> ~{clip_s / per_task:,.0f} / "
              f"~{phone / per_task:,.0f} workers")
        print(f"  client writing the result and track: {client_s * 1e3:.0f} ms per clip -> ~{clip_s / max(client_s, 1e-3):,.0f} / "
              f"~{phone / max(client_s, 1e-3):,.0f} workers")
        if db_s is not None:
            both = client_s + db_s
            print(f"  PostgreSQL: {db_s * 1e3:.0f} ms per stored clip ({db_bytes / 1e3:.0f} kB track + results, one "
                  f"transaction; the client stores one clip at a time), with the writing {both * 1e3:.0f} ms -> "
                  f"~{clip_s / both:,.0f} / ~{phone / both:,.0f} workers")
        else:
            print("  PostgreSQL: not measured (no initdb here and no --db)")
        print(f"  clips as bytes through the scheduler at an assumed 1 Gbit/s: {link * 1e3:.1f} ms per clip here -> "
              f"~{clip_s / link:,.0f} workers; {PHONE_BYTES / LINK_BYTES_PER_S:.1f} s per phone clip -> "
              f"~{phone / (PHONE_BYTES / LINK_BYTES_PER_S):,.0f} workers (by path from a shared folder: no such limit)")
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
