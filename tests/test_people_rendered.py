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
