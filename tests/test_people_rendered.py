"""The person check through the real model on rendered people: a small bystander is a warning, two people
of similar size block (the assessment and a movement test), with the problem first."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
import pytest
from PIL import Image

from capture.analyze import analyze_file
from conftest import ROOT
from vision.synthetic.camera import Camera
from vision.synthetic.frames import FrameSpec, Shot, render_frame


def rendered(azimuth: float) -> np.ndarray:
    return render_frame(FrameSpec(), Shot(camera=Camera(azimuth=azimuth, width=640, height_px=480)))[0]


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """``bystander.png``: a side-on subject in the middle and the same figure, 45 % of the size (a render
    scaled down and pasted), standing farther back at the right; ``pair.png``: two side-on figures of the
    same size side by side."""
    d = tmp_path_factory.mktemp("people")
    img = rendered(-90)
    far = cv2.resize(rendered(0), None, fx=0.45, fy=0.45, interpolation=cv2.INTER_AREA)
    h, w = far.shape[:2]
    far = far[:, int(w * 0.3):int(w * 0.7)]
    img[480 - h - 10:470, 460:460 + far.shape[1]] = far
    Image.fromarray(img).save(d / "bystander.png")
    Image.fromarray(np.hstack([rendered(-90), rendered(90)])).save(d / "pair.png")
    return d


def test_small_bystander_is_a_warning_and_the_subject_is_measured(pictures, tmp_path):
    a = analyze_file(pictures / "bystander.png", tmp_path, annotate=False)
    first = a.assessment["checks"][0]
    assert first["name"] == "person" and not first["passed"] and not first["blocking"], first
    assert 0.3 < first["value"] < 0.6  # the bystander's size relative to the subject's
    assert a.assessment["ok"] and a.assessment["metrics"]
    assert "smaller" in a.problems[0]
    probes = a.summary["people"]["probes"]
    assert len(probes) == 1 and len(probes[0]["others"]) == 1 and probes[0]["followed"]["centre_x"] < 0.6


def test_two_people_of_similar_size_block_first_through_the_cli(pictures, tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "posture_cli.py"), "analyze", str(pictures / "pair.png"),
                           "--out", str(tmp_path), "-q", "--no-annotate"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr, proc.stderr
    problems = [ln for ln in proc.stderr.splitlines() if ln.startswith("problem:")]
    assert "two people of similar size" in problems[0].lower(), problems
    res = json.loads((tmp_path / "pair.assessment.json").read_text())
    assert res["ok"] is False and res["metrics"] == [] and res["checks"][0]["name"] == "person"
    assert res["checks"][0]["blocking"] and not res["checks"][0]["passed"]
    assert "No posture numbers" in proc.stdout


def test_movement_test_is_blocked_by_the_person_check(pictures, tmp_path):
    a = analyze_file(pictures / "pair.png", tmp_path, annotate=False, test="hip_extension")
    assert a.assessment["ok"] is False and a.assessment["repetitions"] == []
    assert a.assessment["checks"][0]["name"] == "person" and a.assessment["checks"][0]["blocking"]
    assert "similar size" in a.problems[0] and a.assessment["problems"][0] == a.problems[0]


def test_a_pose_read_off_the_paint_is_not_a_second_person():
    """The people probe paints the followed person over and looks again. On a rendered half-kneel (capsule style,
    1280 x 720) the detector then read a pose off the paint and the person's leftovers: shoulders on their hips,
    hips below their feet, larger than them: "two people of similar size". A pose whose trunk lies on the paint
    is not counted; one whose trunk is on pixels left as they were is."""
    from vision.estimator import PoseEstimator, scale_for_model
    from vision.people import PeopleProbe, on_paint
    from vision.synthetic import capsule
    from vision.synthetic.camera import Imaging
    from vision.synthetic.movements import kneeling_lunge

    painted = np.zeros((100, 100), bool)
    painted[20:80, 30:70] = True
    pose = np.full((33, 2), np.nan)
    pose[[11, 12, 23, 24]] = [(40, 30), (60, 30), (42, 70), (58, 85)]  # one hip off the paint
    assert on_paint(pose, painted)
    pose[[11, 12]] += (40, 0)  # both shoulders off it: the torso midpoint too
    assert not on_paint(pose, painted)

    cam = Camera(azimuth=90.0, distance=3.0, height=1.0, target=(0.1, 0.6, 0.0), width=1280, height_px=720, vfov=50.0)
    clip = capsule.restyle(kneeling_lunge("lunge_720p", camera=cam, imaging=Imaging(blur=0.8, noise=2.0,
                                                                                     jpeg_quality=85), seed=301))
    small = scale_for_model(render_frame(clip.frames[0], clip.shot, seed=clip.seed)[0], 960)[0]
    with PoseEstimator(static=True, segmentation=True, max_side=None) as est:
        res = est.process(small)
        probe = PeopleProbe(None)
        try:
            assert res.found and not probe.check(small, res, 0.0) and len(probe.seen[0].others) == 0
        finally:
            probe.close()
