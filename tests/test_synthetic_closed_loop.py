"""Closed loop: render a figure with known posture, run the real MediaPipe model, compute the directly
measurable angles with analysis.geometry from its landmarks, and compare with the truth.

Side views: trunk inclination, hip angle (shoulder-hip-knee), knee angle, thigh angle to horizontal of
the near-side leg. Front/back views: pelvic obliquity and shoulder tilt.
"""

import numpy as np
import pytest

from vision.landmarks import LANDMARK_NAMES
from vision.synthetic.truth import image_angles

MEDIAN_TOL = 3.0  # degrees


@pytest.fixture(scope="module")
def errors(closed_loop_poses):
    errs: dict[str, list[float]] = {}
    missed = []
    for c, truth, res in closed_loop_poses:
        if not res.found:
            missed.append(c.name)
            continue
        px = {n: res.pixels[i] for i, n in enumerate(LANDMARK_NAMES)}
        sign = {"image_right": 1, "image_left": -1}.get(truth["facing"], 0)
        got = image_angles(px, sign)
        want = truth["angles_image"]
        if sign:
            near = "right" if c.shot.camera.azimuth < 0 else "left"
            keys = ["trunk_inclination", f"hip_angle_{near}", f"knee_angle_{near}",
                    f"thigh_below_horizontal_{near}"]
        else:
            keys = ["pelvic_obliquity", "shoulder_tilt"]
        for k in keys:
            errs.setdefault(k.replace("_left", "").replace("_right", ""), []).append(got[k] - want[k])
    print(f"\nclosed loop: {len(missed)} not found {missed}")
    for k, v in errs.items():
        a = np.abs(v)
        print(f"  {k:24s} median |error| {np.median(a):5.2f} deg   worst {a.max():5.2f} deg   "
              f"mean signed {np.mean(v):+5.2f}   n={len(a)}")
    assert not missed
    return errs


@pytest.mark.parametrize("angle", ["trunk_inclination", "hip_angle", "knee_angle", "thigh_below_horizontal",
                                   "shoulder_tilt"])
def test_median_error_within_tolerance(errors, angle):
    e = np.abs(errors[angle])
    assert len(e) >= 6
    assert np.median(e) <= MEDIAN_TOL, f"{angle}: median |error| {np.median(e):.2f} deg"


@pytest.mark.xfail(strict=True, reason="MediaPipe's hip landmarks stay nearly level on the rendered figure "
                                       "(reads ~0-1 deg for a true 3-6 deg obliquity, median |error| ~4.5 deg); "
                                       "open: the renderer's pelvis/legs give too little obliquity cue, or BlazePose "
                                       "under-reads obliquity in general. Strict: passes -> this marker must go.")
def test_pelvic_obliquity_median_error(errors):
    e = np.abs(errors["pelvic_obliquity"])
    assert np.median(e) <= MEDIAN_TOL, f"pelvic_obliquity: median |error| {np.median(e):.2f} deg"
