"""Speed and memory of every stage, measured in one run on the same frames, printed as a table.

Usage::

    python benchmarks/bench_speed.py [VIDEO ...] [--rounds 3] [--long-minutes 10] [--stride-check] [--batch 4]

Without VIDEO it measures three clips: a 1280x720 landscape clip and a 1080x1920 portrait phone clip (stored
1920x1080 with the phone's rotation flag), both rendered with the synthetic figure standing side-on and
cached in ``.cache/bench/``, and ``../shared/data/video/sports2d__demo4.mp4`` when that folder is present.

Stages, per clip (frames per second, and the ratio to the bare model's frames per second):

* ``decode``: PyAV decoding and rotation alone (:class:`vision.sources.VideoSource`), at full size and
  scaled to the model's input size as the pipeline reads it.
* ``bare model``: ``mediapipe.solutions.pose.Pose.process`` alone on every decoded full-size frame, tracking
  mode, without and with segmentation (the time of that call only, frames decoded beforehand).
* ``pipeline``: :func:`capture.analyze.analyze_file` with its defaults in this process (imports warm): decode,
  scale, model, silhouette outline, people probes, drawing, H.264 writing of the annotated clip, the
  assessment, the key frame, saving. Bare model and pipeline are measured in turn ``--rounds`` times and
  each is reported by its best run (a shared 2-core machine drifts by 10 % and more from one minute to the
  next, so one pair alone can mislead); each round's own ratio and their median are printed beside it.
* ``posture analyze``: the whole command in a child process, start-up and model loading included,
  with its peak memory.
* ``live callback``: :meth:`ui.live.LiveProcessor.recv_queued`, what streamlit-webrtc calls with camera
  frames, fed the clip's frames (as ``av.VideoFrame`` in yuv420p) at 30 frames/s by a camera thread;
  frames that queue up while one is processed are handed over together and only the newest is processed,
  as streamlit-webrtc does. Reports processed frames per second and the delay from a frame's arrival to its
  overlay (median and 90th percentile), after the first second (model loading).
* ``analysis core``: :func:`analysis.assessment.assess_standing` on a 10-minute 30 fps landmark track
  (the first clip's track tiled), and its share of the pipeline's time per frame.

With ``--long-minutes N`` it also makes an N-minute 720p clip and reports the peak memory of
``posture analyze`` on it. With ``--stride-check`` it reports what ``--still-stride 3`` costs in
accuracy and gains in speed on the rendered standing clips; with ``--batch N`` the speed-up of the trainer
batch on two worker processes. Nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.estimator import silence_native_logs  # noqa: E402
from vision.sources import VideoSource, open_source  # noqa: E402

SHARED_CLIP = ROOT.parent / "shared" / "data" / "video" / "sports2d__demo4.mp4"
CACHE = ROOT / ".cache" / "bench"
UNIQUE_FRAMES = 90  # rendered frames (3 s at 30 fps) played forwards and backwards to the clip's length
CAMERA_FPS = 30.0


# ---------------------------------------------------------------------------------------------- clips
def _rendered_frames(width: int, height: int) -> list[np.ndarray]:
    """:data:`UNIQUE_FRAMES` frames of the synthetic figure standing side-on with sway, at 30 fps."""
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.media_io import render_clip
    from vision.synthetic.movements import standing
    from vision.synthetic.scene import BACKGROUNDS

    portrait = height > width
    cam = Camera(azimuth=-90.0, distance=2.6 if portrait else 3.0, height=1.0, target=(0.0, 0.9, 0.0),
                 width=width, height_px=height, vfov=62.0 if portrait else 50.0)
    clip = standing("bench", duration=UNIQUE_FRAMES / CAMERA_FPS, fps=CAMERA_FPS, camera=cam,
                    background=BACKGROUNDS["living_room"], imaging=Imaging(blur=0.6, noise=2.0), sway_deg=1.0, seed=5)
    return [img for img, _ in render_clip(clip)]


def _write_clip(path: Path, frames: list[np.ndarray], seconds: float, rotation: int = 0) -> Path:
    """An H.264 clip of ``frames`` played forwards and backwards for ``seconds`` at 30 fps.

    ``rotation`` (FFmpeg's anticlockwise degrees) is written as the display-matrix flag phones use; the
    frames are then stored turned the other way, so a reader that honours the flag shows them upright.
    """
    import av

    k = (rotation // 90) % 4
    stored = [np.ascontiguousarray(np.rot90(f, -k)) if k else f for f in frames]
    h, w = stored[0].shape[:2]
    tmp = path.with_suffix(".part.mp4")
    with av.open(str(tmp), "w") as c:
        s = c.add_stream("libx264", rate=int(CAMERA_FPS), options={"preset": "fast", "crf": "21"})
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        if rotation:
            s.set_display_rotation(rotation)
        for i in range(int(seconds * CAMERA_FPS)):
            j = i % (2 * len(stored))
            img = stored[j if j < len(stored) else 2 * len(stored) - 1 - j]
            c.mux(s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        c.mux(s.encode())
    tmp.replace(path)
    return path


def rendered_clip(kind: str, seconds: float | None = None, dest: Path | None = None) -> Path:
    """The rendered clip ``"720p"`` (15 s landscape) or ``"1080p_portrait"`` (10 s, phone rotation flag), cached
    in :data:`CACHE` unless ``dest`` is given; its frames are rendered once (about 1 and 2 minutes)."""
    width, height, rotation, default_s = {"720p": (1280, 720, 0, 15.0), "1080p_portrait": (1080, 1920, -90, 10.0)}[kind]
    seconds = seconds or default_s
    path = dest or CACHE / f"standing_side_{kind}_{seconds:g}s.mp4"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        frames_file = CACHE / f"frames_{kind}.npy"
        if frames_file.exists():
            frames = list(np.load(frames_file))
        else:
            print(f"rendering the {kind} clip with the synthetic figure ({UNIQUE_FRAMES} frames, once) ...", flush=True)
            frames = _rendered_frames(width, height)
            np.save(frames_file, np.stack(frames))
        _write_clip(path, frames, seconds, rotation)
    return path


# ---------------------------------------------------------------------------------------------- stages
def decode_fps(path: Path, max_side: int | None = None) -> tuple[float, int]:
    t0, n = time.perf_counter(), 0
    for _ in open_source(path, max_side):
        n += 1
    return n / (time.perf_counter() - t0), n


def bare_model_fps(path: Path, segmentation: bool) -> float:
    """Frames per second of the bare MediaPipe call (tracking mode) on every full-size frame."""
    from mediapipe.python.solutions import pose as mp_pose

    spent, n = 0.0, 0
    with mp_pose.Pose(static_image_mode=False, model_complexity=1, enable_segmentation=segmentation) as pose:
        for frame in VideoSource(path):
            t0 = time.perf_counter()
            pose.process(frame.rgb)
            spent += time.perf_counter() - t0
            n += 1
    return n / spent


def pipeline_fps(path: Path, out: Path, **kw) -> tuple[float, object]:
    from capture.analyze import analyze_file

    t0 = time.perf_counter()
    a = analyze_file(path, out, **kw)
    return len(a.sequence) / (time.perf_counter() - t0), a


def paired(path: Path, out: Path, segmentation: bool, rounds: int) -> dict:
    """Bare model and whole pipeline in turn, ``rounds`` times.

    Returns each one's best frames per second (the run least slowed by other work on the machine, as
    ``timeit`` takes the fastest run), each round's pipeline / bare ratio, and the last analysis."""
    bare, pipe, a = [], [], None
    for r in range(rounds):
        bare.append(bare_model_fps(path, segmentation))
        p, a = pipeline_fps(path, out / f"{'seg' if segmentation else 'noseg'}{r}", segmentation=segmentation)
        pipe.append(p)
    return {"bare": max(bare), "pipe": max(pipe), "ratios": [p / b for p, b in zip(pipe, bare)], "analysis": a}


def live_callback(path: Path, seconds: float = 12.0, warmup_s: float = 1.0, distinct: int = 60) -> dict:
    """The webcam frame callback fed ``path``'s frames at :data:`CAMERA_FPS` by a camera thread.

    The first ``distinct`` frames are converted to ``av.VideoFrame`` (yuv420p, as the browser's stream
    arrives) beforehand and played in a loop, so the camera thread only keeps time. Returns processed
    frames per second, the frames dropped, and the delay (ms) from a frame's arrival to its drawn overlay
    (median, 90th percentile), all after ``warmup_s`` (the model loads on the first frame).
    """
    import av

    from ui.live import LiveProcessor

    clip = []
    for frame in VideoSource(path):
        clip.append(av.VideoFrame.from_ndarray(frame.rgb, format="rgb24").reformat(format="yuv420p"))
        if len(clip) == distinct:
            break
    proc = LiveProcessor()
    pending: list[tuple[object, float]] = []
    cond = threading.Condition()
    finished = threading.Event()

    def camera() -> None:
        t0 = time.perf_counter()
        try:
            for i in range(int(seconds * CAMERA_FPS)):
                vf = clip[i % len(clip)]
                vf.pts, vf.time_base = i, Fraction(1, int(CAMERA_FPS))
                wait = t0 + i / CAMERA_FPS - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                with cond:
                    pending.append((vf, time.perf_counter()))
                    cond.notify()
        finally:
            finished.set()
            with cond:
                cond.notify()

    cam = threading.Thread(target=camera, daemon=True)
    loop = asyncio.new_event_loop()
    delays, done_at, dropped = [], [], 0
    start = time.perf_counter()
    cam.start()
    while True:
        with cond:
            while not pending and not finished.is_set():
                cond.wait()
            if not pending:
                break
            batch, pending[:] = list(pending), []
        loop.run_until_complete(proc.recv_queued([f for f, _ in batch]))
        now = time.perf_counter()
        if now - start >= warmup_s:
            delays.append(now - batch[-1][1])
            done_at.append(now)
            dropped += len(batch) - 1
    cam.join()
    loop.close()
    proc.close()
    fps = (len(done_at) - 1) / (done_at[-1] - done_at[0]) if len(done_at) > 1 else float("nan")
    d = np.array(delays) * 1000
    return {"fps": fps, "delay_ms": float(np.median(d)), "delay_p90_ms": float(np.percentile(d, 90)),
            "dropped": dropped, "processed": len(done_at)}


# Runs the command and writes its own peak memory (VmHWM of the process after exec: unlike ru_maxrss it does
# not include the parent's pages a fork briefly shared) to the file named in PEAK_FILE.
_PEAK_WRAPPER = (
    "import os, sys, posture_cli\n"
    "rc = posture_cli.main(sys.argv[1:])\n"
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
    "open(os.environ['PEAK_FILE'], 'w').write(hwm)\n"
    "sys.exit(rc)\n"
)


def run_cli(path: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one ``posture analyze`` run in a child process."""
    peak_file = out.with_suffix(".peak")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", _PEAK_WRAPPER, "analyze", str(path), "-o", str(out), "-q", *extra],
                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, PEAK_FILE=str(peak_file)))
    wall = time.perf_counter() - t0
    return wall, int(peak_file.read_text()) / 1024


def analysis_core_seconds(seq, minutes: float = 10.0, fps: float = 30.0) -> tuple[float, int]:
    """Seconds :func:`assess_standing` takes on a ``minutes``-long track made by tiling ``seq``."""
    from analysis.assessment import assess_standing

    n = int(minutes * 60 * fps)
    reps = -(-n // len(seq))
    tile = lambda a: np.concatenate([a] * reps)[:n]  # noqa: E731
    outline = None if seq.outline is None else tile(seq.outline)
    args = (tile(seq.pixels), tile(seq.visibility), tile(seq.world), tile(seq.image_size), np.arange(n) / fps, outline)
    t0 = time.perf_counter()
    assess_standing(*args)
    return time.perf_counter() - t0, n


def stride_check(tmp: Path) -> None:
    """Accuracy cost and speed gain of analysing every 3rd frame while the person stands still."""
    print("\n--still-stride 3 against every frame (rendered standing clips, segmentation on):")
    print(f"{'clip':22} {'metric':28} {'every frame':>12} {'stride 3':>10} {'diff':>8}")
    for name in ("standing_side.mp4", "before_tilt16.mp4", "after_tilt9.mp4"):
        clip = ROOT / "sample_media" / name
        runs = {}
        for stride in (1, 3):
            t0 = time.perf_counter()
            _, a = pipeline_fps(clip, tmp / f"s{stride}", annotate=False, still_stride=stride)
            runs[stride] = (time.perf_counter() - t0, {m["key"]: m["value"] for m in a.assessment["metrics"]}, len(a.sequence))
        for key in ("pelvic_tilt", "trunk_inclination", "hip_angle", "knee_flexion", "plumb_hip", "lumbar_lordosis_depth"):
            v1, v3 = runs[1][1].get(key), runs[3][1].get(key)
            if v1 is not None and v3 is not None:
                print(f"{name[:22]:22} {key:28} {v1:12.2f} {v3:10.2f} {v3 - v1:+8.2f}")
        print(f"{name[:22]:22} {'frames analysed, seconds':28} {runs[1][2]:5d} {runs[1][0]:5.1f}s {runs[3][2]:3d} {runs[3][0]:4.1f}s")


def batch_speedup(tmp: Path, copies: int, clip: Path) -> None:
    """Seconds of the trainer batch (:func:`records.batch.run_batch`) in one process and on a local Dask cluster
    of two worker processes, on ``copies`` copies of ``clip`` (each worker process pays its own start-up and
    model loading once; ``benchmarks/bench_batch.py`` measures the cluster in detail)."""
    import shutil

    from records.batch import run_batch

    src = tmp / "batch_in"
    src.mkdir()
    for i in range(copies):
        shutil.copy(clip, src / f"person{i:02d}{clip.suffix}")
    times = {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        run_batch(src, tmp / f"batch_out{workers}", "hip_extension", workers=workers)
        times[workers] = time.perf_counter() - t0
    print(f"\nbatch of {copies} clips (hip extension screen): 1 worker {times[1]:.1f} s, 2 workers {times[2]:.1f} s, "
          f"speed-up {times[1] / times[2]:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("videos", nargs="*", type=Path, help="clips to measure (default: the two rendered clips and demo4)")
    ap.add_argument("--rounds", type=int, default=3, help="bare model and pipeline measured in turn this many times")
    ap.add_argument("--long-minutes", type=float, default=0, help="also measure peak memory on a 720p clip this long")
    ap.add_argument("--stride-check", action="store_true", help="report the accuracy cost of --still-stride 3")
    ap.add_argument("--batch", type=int, default=0, metavar="N", help="also time a batch of N clips on 1 and 2 workers")
    args = ap.parse_args()
    silence_native_logs()
    clips = args.videos or [rendered_clip("720p"), rendered_clip("1080p_portrait")] + (
        [SHARED_CLIP] if SHARED_CLIP.exists() else [])
    if not args.videos and not SHARED_CLIP.exists():
        print(f"({SHARED_CLIP} is absent: measuring the rendered clips only)")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cols, first_seq, first_pipe = [], None, None
        for k, clip in enumerate(clips):
            src = VideoSource(clip)
            next(iter(src))  # the upright size is known once a frame is decoded (phone rotation flag)
            info = src.info
            src.close()
            name = f"{clip.name[:28]} ({info.width}x{info.height} upright, {info.frame_count} frames)"
            print(f"measuring {name} ...", flush=True)
            dec, n = decode_fps(clip)
            dec_small, _ = decode_fps(clip, 960)
            plain = paired(clip, tmp / f"c{k}", False, args.rounds)
            seg = paired(clip, tmp / f"c{k}", True, args.rounds)
            bare, bare_seg = plain["bare"], seg["bare"]
            wall, peak = run_cli(clip, tmp / f"cli{k}")
            live = live_callback(clip)
            if first_seq is None:
                first_seq, first_pipe = seg["analysis"].sequence, seg["pipe"]
            cols.append((name, {
                "decode alone, full size": (dec, dec / bare),
                "decode, scaled to the model's 960 px": (dec_small, dec_small / bare),
                "bare model, no segmentation": (bare, 1.0),
                "bare model, segmentation": (bare_seg, 1.0),
                "pipeline, no segmentation (x bare no-seg)": (plain["pipe"], plain["pipe"] / bare, plain["ratios"]),
                "pipeline, default: segmentation (x bare seg)": (seg["pipe"], seg["pipe"] / bare_seg, seg["ratios"]),
                "posture analyze, start-up incl. (x bare seg)": (n / wall, n / wall / bare_seg),
            }, peak, live))
        print(f"\nframes per second (x bare model); bare model and pipeline: the best of {args.rounds} runs each, "
              "[each round's pipeline / bare ratio, with its median]")
        for name, rows, peak, live in cols:
            print(f"\n{name}")
            for stage, v in rows.items():
                each = (f"  [{' '.join(f'{r:.2f}' for r in v[2])}; median {statistics.median(v[2]):.2f}]"
                        if len(v) > 2 else "")
                print(f"  {stage:48} {v[0]:7.1f} {v[1]:6.2f}x{each}")
            print(f"  {'live callback, camera at 30 frames/s':48} {live['fps']:7.1f} processed frames/s; arrival to "
                  f"overlay median {live['delay_ms']:.0f} ms, 90th percentile {live['delay_p90_ms']:.0f} ms "
                  f"({live['processed']} processed, {live['dropped']} dropped)")
            print(f"  {'peak memory of posture analyze':48} {peak:7.0f} MB")
        core_s, core_n = analysis_core_seconds(first_seq)
        print(f"\nanalysis core: 10 min of 30 fps landmarks ({core_n} frames) in {core_s:.2f} s = {core_n / core_s:.0f} "
              f"frames/s; {100 * (core_s / core_n) * first_pipe:.3f}% of the pipeline's time per frame ({cols[0][0]})")
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if args.long_minutes:
            long_clip = rendered_clip("720p", args.long_minutes * 60, dest=tmp / "long720p.mp4")
            frames = VideoSource(long_clip).info.frame_count or 0
            wall, peak = run_cli(long_clip, tmp / "long")
            print(f"{args.long_minutes:g}-minute 720p clip: {frames} frames at {frames / wall:.1f} frames/s, peak memory {peak:.0f} MB")
        if args.stride_check:
            stride_check(tmp)
        if args.batch:
            batch_speedup(tmp, args.batch, clips[0])


if __name__ == "__main__":
    main()
