"""Shared test helpers: real test media location, small media writers."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
# the shared real media beside the repository, or where $POSTURE_SHARED_DATA says (e.g. from a git worktree)
SHARED_DATA = Path(os.environ.get("POSTURE_SHARED_DATA") or ROOT.parent / "shared" / "data")

needs_shared_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"real test media folder {SHARED_DATA} is absent (it sits beside the repository in CI)"
)


def write_video(path: Path, frames, fps: int = 30, pts_ms=None, rotation: int = 0, codec: str = "libx264",
                options: dict | None = None) -> Path:
    """Write RGB frames with PyAV.

    ``pts_ms`` gives each frame's presentation time in milliseconds (variable frame rate);
    ``rotation`` sets the display-matrix rotation in FFmpeg's convention (anticlockwise degrees).
    """
    import av

    frames = list(frames)
    h, w = frames[0].shape[:2]
    with av.open(str(path), "w", options=options or {}) as c:
        s = c.add_stream(codec, rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        if pts_ms is not None:
            s.codec_context.time_base = Fraction(1, 1000)
        if rotation:
            s.set_display_rotation(rotation)
        for i, img in enumerate(frames):
            f = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
            if pts_ms is not None:
                f.pts, f.time_base = int(pts_ms[i]), Fraction(1, 1000)
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def marker_frame(w: int = 160, h: int = 120, value: int = 0) -> np.ndarray:
    """A frame with a red block in its top-left corner (to check orientation) and a grey level ``value``."""
    img = np.full((h, w, 3), value, np.uint8)
    img[: h // 4, : w // 4] = (255, 0, 0)
    return img


@pytest.fixture(scope="session")
def closed_loop_poses():
    """The closed-loop grid of rendered figures (vision.synthetic.grids.closed_loop_grid) through the real model
    once per test run: a list of (case, truth, PoseResult), shared by the closed-loop tests of several modules."""
    from vision.estimator import PoseEstimator
    from vision.synthetic.frames import Renderer
    from vision.synthetic.grids import closed_loop_grid

    rows = []
    with PoseEstimator(static=True) as est:
        for c in closed_loop_grid():
            img, truth, _ = Renderer(c.shot, c.seed).render(c.spec)
            rows.append((c, truth, est.process(img)))
    return rows
