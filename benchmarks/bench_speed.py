"""Speed and memory of every stage, measured in one run on the same frames, printed as a table.

Usage::

    python benchmarks/bench_speed.py [VIDEO] [--long-minutes 10] [--stride-check]

Stages (frames per second, and the ratio to the bare model's fps in the same configuration):

* ``decode``: PyAV decoding and rotation alone (:class:`vision.sources.VideoSource`).
* ``bare model``: ``mediapipe.solutions.pose.Pose.process`` alone on every decoded frame at full size,
  tracking mode, without and with segmentation (the time of that call only).
* ``pipeline``: :func:`vision.pipeline.analyze_file` in this process (imports warm): decode, scale,
  model, silhouette outline, people probes, drawing, H.264 writing, assessment, saving.
* ``posture analyze``: the whole command in a child process, start-up and model loading included,
  with its peak memory.
* ``analysis core``: :func:`analysis.assessment.assess_standing` on a 10-minute 30 fps landmark track
  (the clip's track tiled), and its share of the pipeline's time per frame.

With ``--long-minutes N`` it also makes an N-minute 720p clip and reports the peak memory of
``posture analyze`` on it. With ``--stride-check`` it reports what ``--still-stride 3`` costs in
accuracy and gains in speed on the rendered standing clips; with ``--batch N`` the speed-up of the trainer
batch on two worker processes. Nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.estimator import silence_native_logs  # noqa: E402
from vision.sources import VideoSource  # noqa: E402

SHARED_CLIP = ROOT.parent / "shared" / "data" / "video" / "sports2d__demo4.mp4"


def decode_fps(path: Path) -> tuple[float, int]:
    t0, n = time.perf_counter(), 0
    for _ in VideoSource(path):
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
    from vision.pipeline import analyze_file

    t0 = time.perf_counter()
    a = analyze_file(path, out, **kw)
    return len(a.sequence) / (time.perf_counter() - t0), a


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


def make_720p_clip(path: Path, seconds: float, fps: int = 30) -> Path:
    """A 1280x720 H.264 clip looping the shared walking clip forwards and backwards (or the rendered sample)."""
    import av
    import cv2

    src = SHARED_CLIP if SHARED_CLIP.exists() else ROOT / "sample_media" / "standing_side.mp4"
    frames = [cv2.resize(f.rgb, (1280, 720)) for f in VideoSource(src) if f.index % 2 == 0][:120]
    n = int(seconds * fps)
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps, options={"preset": "ultrafast", "crf": "28"})
        s.width, s.height, s.pix_fmt = 1280, 720, "yuv420p"
        for i in range(n):
            k = i % (2 * len(frames))
            img = frames[k if k < len(frames) else 2 * len(frames) - 1 - k]
            c.mux(s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        c.mux(s.encode())
    return path


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
    """Seconds of the trainer batch (:func:`records.batch.run_batch`) with one and with two worker processes,
    on ``copies`` copies of ``clip`` (each worker process pays its own start-up and model loading once)."""
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
    ap.add_argument("video", nargs="?", type=Path)
    ap.add_argument("--long-minutes", type=float, default=0, help="also measure peak memory on a 720p clip this long")
    ap.add_argument("--stride-check", action="store_true", help="report the accuracy cost of --still-stride 3")
    ap.add_argument("--batch", type=int, default=0, metavar="N", help="also time a batch of N clips on 1 and 2 workers")
    args = ap.parse_args()
    silence_native_logs()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        clip = args.video or make_720p_clip(tmp / "clip720p.mp4", 15)
        dec, n = decode_fps(clip)
        bare = bare_model_fps(clip, False)
        bare_seg = bare_model_fps(clip, True)
        pipe_seg, a = pipeline_fps(clip, tmp / "p1", segmentation=True)
        pipe, _ = pipeline_fps(clip, tmp / "p2", segmentation=False)
        wall, peak = run_cli(clip, tmp / "p3")
        core_s, core_n = analysis_core_seconds(a.sequence)
        per_frame_pipe = 1.0 / pipe_seg
        print(f"clip: {clip.name}, {n} frames, {VideoSource(clip).info.width}x{VideoSource(clip).info.height}")
        print(f"{'stage':48} {'frames/s':>9} {'x bare':>7}")
        rows = [
            ("decode alone", dec, bare),
            ("bare model (no segmentation)", bare, bare),
            ("bare model (segmentation)", bare_seg, bare_seg),
            ("pipeline, no segmentation (vs bare no-seg)", pipe, bare),
            ("pipeline, default with segmentation (vs bare seg)", pipe_seg, bare_seg),
            ("posture analyze command, start-up included", n / wall, bare_seg),
        ]
        for name, fps, ref in rows:
            print(f"{name:48} {fps:9.1f} {fps / ref:7.2f}")
        print(f"{'analysis core: 10 min of 30 fps landmarks':48} {core_n / core_s:9.0f}   "
              f"({core_s:.2f} s; {100 * (core_s / core_n) / per_frame_pipe:.3f}% of the pipeline's time per frame)")
        print(f"peak memory of posture analyze on this clip: {peak:.0f} MB")
        if args.long_minutes:
            long_clip = make_720p_clip(tmp / "long720p.mp4", args.long_minutes * 60)
            frames = VideoSource(long_clip).info.frame_count or 0
            wall, peak = run_cli(long_clip, tmp / "p4")
            print(f"{args.long_minutes:g}-minute 720p clip: {frames} frames at {frames / wall:.1f} frames/s, peak memory {peak:.0f} MB")
        if args.stride_check:
            stride_check(tmp)
        if args.batch:
            batch_speedup(tmp, args.batch, clip)


if __name__ == "__main__":
    main()
