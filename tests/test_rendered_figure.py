"""The real model through our pipeline on the project's own rendered figure (no third-party media)."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
import pytest
from PIL import Image

from conftest import ROOT
from vision.estimator import PoseEstimator
from vision.live import LiveTracker
from vision.pipeline import track
from vision.sources import ImageSource, VideoSource
from vision.synthetic.camera import Camera
from vision.synthetic.frames import FrameSpec, Shot, render_frame
from analysis.summary import track_summary

SAMPLE = ROOT / "sample_media" / "standing_side.mp4"


def rendered(azimuth: float, **camera) -> np.ndarray:
    rgb, _ = render_frame(FrameSpec(), Shot(camera=Camera(azimuth=azimuth, **camera)))
    return rgb


def save(tmp_path, name: str, rgb: np.ndarray):
    p = tmp_path / name
    Image.fromarray(rgb).save(p)
    return p


@pytest.mark.parametrize("azimuth, view", [(0, "front"), (-90, "right side"), (90, "left side"), (180, "back")])
def test_rendered_figure_found_with_its_view(tmp_path, azimuth, view):
    t = track(ImageSource(save(tmp_path, "fig.png", rendered(azimuth))))
    seq = t.sequence
    assert seq.detected[0]
    s = track_summary(seq.landmarks, seq.visibility, seq.world)
    assert s["view"]["label"] == view, s["view"]
    assert s["framing"]["missing"] == [] and t.several_people_at == []


def test_large_frames_are_scaled_and_mapped_back_to_original_pixels():
    img = rendered(0)
    big = cv2.resize(img, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)  # 2560 x 1920
    with PoseEstimator(static=True, max_side=None) as est:
        small_res = est.process(img)
    with PoseEstimator(static=True, max_side=960) as est:
        big_res = est.process(big)
    assert big_res.image_size == (big.shape[1], big.shape[0])
    body = slice(11, 33)
    err = np.linalg.norm(big_res.pixels[body] - 4 * small_res.pixels[body], axis=1)
    assert np.median(err) < 4 * 3.0  # within ~3 pixels of the small image's answer, in big pixels


def test_two_people_are_reported(tmp_path):
    both = np.hstack([rendered(0), rendered(-90)])
    t = track(ImageSource(save(tmp_path, "two.png", both)))
    assert t.sequence.detected[0] and t.several_people_at == [0.0]


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "posture_cli", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_person_partly_out_of_the_picture(tmp_path):
    img = rendered(0)
    save(tmp_path, "no_feet.png", img[: int(img.shape[0] * 0.62)])  # cut off below the knees
    proc = cli("analyze", "no_feet.png", cwd=tmp_path)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    line = [ln for ln in proc.stderr.splitlines() if "feet" in ln and "out of the picture" in ln]
    assert len(line) == 1 and "step back" in line[0]
    assert "No posture numbers" not in proc.stdout  # the feet cost only the numbers that need them
    assert (tmp_path / "posture-output" / "no_feet.annotated.png").exists()


def test_posture_analyze_on_the_built_in_sample(tmp_path):
    proc = cli("analyze", "--csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "built-in sample" in proc.stdout and "view guess: right side" in proc.stdout
    out = tmp_path / "posture-output"
    summary = json.loads((out / "standing_side.summary.json").read_text())
    src = VideoSource(SAMPLE)
    assert summary["frames"] == summary["frames_with_person"] == src.info.frame_count
    assert summary["mean_visibility"] > 0.5 and summary["problems"] == []
    n_csv = sum(1 for _ in open(out / "standing_side.landmarks.csv")) - 1
    assert n_csv == 33 * summary["frames"]
    annotated = VideoSource(out / "standing_side.annotated.mp4")
    assert sum(1 for _ in annotated) == summary["frames"]


def test_help_explains_every_option():
    proc = cli("analyze", "--help", cwd=ROOT)
    assert proc.returncode == 0
    for opt in ("--out", "--csv", "--no-annotate", "--no-segmentation", "--max-side", "--quiet", "--height-cm", "--view",
                "--person", "--db", "--detailed", "--still-stride", "--test", "--intake", "--role", "exit status"):
        assert opt in proc.stdout


def test_live_tracker_keeps_a_bounded_window():
    with LiveTracker(window_s=1.0) as live:
        found = [live.push(f.rgb, f.timestamp).found for f in VideoSource(SAMPLE)]
        assert np.mean(found) > 0.95
        seq = live.recent()
        assert seq.timestamps[-1] - seq.timestamps[0] <= 1.0 and len(seq) >= 10 and seq.detected.all()
        assert len(live.recent(0.5)) < len(seq)
        assert seq.source.kind == "live" and seq.source.frames_read == len(found)
        live.push(rendered(-90), 0.0)  # the camera restarted: the clock went back
        assert len(live.recent()) == 1
