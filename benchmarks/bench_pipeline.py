"""Speed and memory of ``posture analyze`` next to the bare MediaPipe call, on the same frames.

Usage::

    python benchmarks/bench_pipeline.py [VIDEO ...] [--long-minutes 5]

For each clip (default: ../shared/data/video/sports2d__demo4.mp4 and a generated 720p clip) it prints
frames per second of

* ``bare model``: ``mediapipe.solutions.pose.Pose.process`` alone on each decoded full-size frame (the
  time of that call only; decoding is not counted),
* ``posture analyze``: the whole command in a child process (decode, scale, model, people probes,
  drawing, H.264 writing, saving), wall time from start to exit, model loading included,

and the pipeline's overhead relative to the bare model. With ``--long-minutes N`` it also makes an
N-minute 720p clip and reports the peak memory (max RSS) of ``posture analyze`` on it.
Nothing here asserts a speed: it prints figures to compare across changes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.sources import VideoSource  # noqa: E402

SHARED_CLIP = ROOT.parent / "shared" / "data" / "video" / "sports2d__demo4.mp4"


def bare_model_fps(path: Path) -> tuple[float, int]:
    """Frames per second of the bare MediaPipe call over every frame of ``path`` (tracking mode)."""
    from mediapipe.python.solutions import pose as mp_pose

    spent, n = 0.0, 0
    with mp_pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        for frame in VideoSource(path):
            t0 = time.perf_counter()
            pose.process(frame.rgb)
            spent += time.perf_counter() - t0
            n += 1
    return n / spent, n


def run_analyze(path: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one ``posture analyze`` run in a child process."""
    import os

    t0 = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "posture_cli", "analyze", str(path), "-o", str(out), "-q", *extra],
                             cwd=ROOT, stdout=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)  # this child's own peak, not the maximum over all children
    child.returncode = 0
    return time.perf_counter() - t0, usage.ru_maxrss / 1024


def make_720p_clip(path: Path, seconds: float, fps: int = 30) -> Path:
    """A 1280x720 H.264 clip made by looping the shared walking clip (or a moving test pattern)."""
    import av
    import cv2

    src_frames = []
    if SHARED_CLIP.exists():
        for f in VideoSource(SHARED_CLIP):
            if f.index % 2 == 0:
                src_frames.append(cv2.resize(f.rgb, (1280, 720)))
            if len(src_frames) >= 120:
                break
    else:
        for i in range(120):
            img = np.full((720, 1280, 3), 200, np.uint8)
            cv2.circle(img, (200 + 8 * i, 360), 60, (40, 40, 40), -1)
            src_frames.append(img)
    n = int(seconds * fps)
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps, options={"preset": "ultrafast", "crf": "28"})
        s.width, s.height, s.pix_fmt = 1280, 720, "yuv420p"
        for i in range(n):
            k = i % (2 * len(src_frames))  # play forwards then backwards so the motion stays continuous
            img = src_frames[k if k < len(src_frames) else 2 * len(src_frames) - 1 - k]
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("videos", nargs="*", type=Path)
    ap.add_argument("--long-minutes", type=float, default=0, help="also measure peak memory on a clip this long")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        clips = args.videos or ([SHARED_CLIP] if SHARED_CLIP.exists() else []) + [make_720p_clip(tmp / "gen720p.mp4", 15)]
        print(f"{'clip':34} {'frames':>6} {'bare model fps':>15} {'analyze fps':>12} {'analyze/bare':>13} {'peak MB':>8}")
        for clip in clips:
            bare, n = bare_model_fps(clip)
            wall, peak = run_analyze(clip, tmp / "out")
            fps = n / wall
            print(f"{clip.name[:34]:34} {n:6d} {bare:15.1f} {fps:12.1f} {fps / bare:13.2f} {peak:8.0f}", flush=True)
        if args.long_minutes:
            long_clip = make_720p_clip(tmp / "long720p.mp4", args.long_minutes * 60)
            n = VideoSource(long_clip).info.frame_count or 0
            wall, peak = run_analyze(long_clip, tmp / "out_long")
            print(f"{long_clip.name:34} {n:6d} {'':>15} {n / wall:12.1f} {'':>13} {peak:8.0f}   "
                  f"({args.long_minutes:g} min 720p: peak memory of posture analyze)")


if __name__ == "__main__":
    main()
