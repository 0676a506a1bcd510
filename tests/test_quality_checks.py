"""Structured capture checks (view, whole body, size, level, still, visibility) on hand-made arrays."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.quality import (Check, capture_checks, check_camera_level, check_person_size, check_still,
                              check_view, check_visibility, check_whole_body, mask_low_visibility, stature_px)
from analysis.view import facing_from_landmarks, facing_sign, turn_advice, turn_needed, view_confidence


def standing(width=640, height=480, top=0.1, bottom=0.95, x=0.5) -> tuple[np.ndarray, np.ndarray]:
    """(1, 33, 3) normalised landmarks of a side-on figure facing the image right, and visibility."""
    lm = np.full((1, 33, 3), 0.0)
    span = bottom - top
    ys = {0: 0.05, 1: 0.06, 2: 0.06, 3: 0.06, 4: 0.06, 5: 0.06, 6: 0.06, 7: 0.07, 8: 0.07, 11: 0.18, 12: 0.18, 23: 0.47, 24: 0.47, 25: 0.72, 26: 0.72,
          27: 0.96, 28: 0.96, 29: 1.0, 30: 1.0, 31: 1.0, 32: 1.0}
    for j in range(33):
        lm[0, j, 0] = x
        lm[0, j, 1] = top + span * ys.get(j, 0.3)
    lm[0, [31, 32], 0] = x + 0.06  # toes ahead
    lm[0, [29, 30], 0] = x - 0.02
    lm[0, 0, 0] = x + 0.03  # nose ahead of the ears
    return lm, np.ones((1, 33))


def test_mask_low_visibility_sets_nan_and_keeps_input():
    pts = np.ones((2, 33, 2))
    vis = np.full((2, 33), 0.9)
    vis[1, 5] = 0.2
    vis[0, 7] = np.nan
    out = mask_low_visibility(pts, vis)
    assert np.isnan(out[1, 5]).all() and np.isnan(out[0, 7]).all()
    assert np.isfinite(out[0, 5]).all() and np.isfinite(pts).all()
    assert np.isfinite(mask_low_visibility(pts, vis, min_visibility=0.1)[1, 5]).all()


@pytest.mark.parametrize("yaw, want, passed, advice", [
    (88, "any", True, ""),
    (-95, "side", True, ""),
    (178, "frontal", True, ""),
    (45, "any", False, "turn about 45 degrees to your right"),       # half-turned from the front
    (-40, "side", False, "turn about 50 degrees to your right"),
    (0, "side", False, "turn about 90 degrees to your left"),
    (140, "side", False, "turn about 50 degrees to your right"),
    (120, "frontal", False, "to your left"),                          # nearer the back: keep turning left
])
def test_view_check_and_turn_advice(yaw, want, passed, advice):
    c = check_view(yaw, want)
    assert isinstance(c, Check) and c.name == "view" and c.passed is passed
    assert c.value == pytest.approx(yaw)
    if passed:
        assert c.advice == "" and "view" in c.reason
    else:
        assert c.blocking and advice in c.advice and c.reason


def test_turn_direction_convention():
    # yaw grows when a person facing the camera turns to their own left (their left swings away)
    assert turn_needed(0.0, "right side") == pytest.approx(90.0)
    assert turn_needed(0.0, "left side") == pytest.approx(-90.0)
    assert turn_needed(170.0, "back") == pytest.approx(10.0)
    assert turn_needed(-170.0, "back") == pytest.approx(-10.0)
    assert "around" in turn_advice(0.0, "back")
    assert turn_advice(89.0, "right side") == ""
    assert check_view(float("nan")).passed is False


def test_facing_helpers():
    assert facing_sign(90.0) == 1 and facing_sign(-100.0) == -1 and facing_sign(10.0) == 0
    lm, vis = standing()
    px = lm[..., :2] * [640, 480]
    assert facing_from_landmarks(px, vis) == 1
    px[..., 0] = 640 - px[..., 0]
    assert facing_from_landmarks(px, vis) == -1
    assert view_confidence(90.0, "right side") == 1.0
    assert view_confidence(60.0, "right side") == pytest.approx(0.5)
    assert view_confidence(-90.0, "right side") == 0.0


def test_whole_body_check_reports_missing_feet():
    lm, vis = standing(top=0.05, bottom=1.25)  # feet below the frame
    c = check_whole_body(lm, vis)
    assert not c.passed and c.blocking and "feet" in c.reason and "feet are in the picture" in c.advice
    lm, vis = standing()
    assert check_whole_body(lm, vis).passed
    empty = np.full((3, 33, 3), np.nan)
    c = check_whole_body(empty, np.full((3, 33), np.nan))
    assert not c.passed and "no person" in c.reason


def test_person_size_and_stature():
    lm, vis = standing(top=0.1, bottom=0.95)
    px = lm[..., :2] * [640, 480]
    # eye at 0.06 of the span below the top, floor at the bottom: stature = (floor - eye) / 0.936
    want = (0.95 - (0.1 + 0.85 * 0.06)) * 480 / 0.936
    assert stature_px(px)[0] == pytest.approx(want)
    assert check_person_size(px, 480).passed
    lm, vis = standing(top=0.6, bottom=0.9)
    c = check_person_size(lm[..., :2] * [640, 480], 480)
    assert not c.passed and not c.blocking and "step closer" in c.advice and c.value < 0.45
    c = check_person_size(np.full((1, 33, 2), np.nan), 480)
    assert c.passed and not c.checked and c.value is None


def test_camera_level_from_the_feet():
    lm, vis = standing()
    px = lm[..., :2] * [640, 480]
    c = check_camera_level(px, "right side")
    assert c.passed and abs(c.value) < 1
    # tilt the whole picture by 8 deg counter-clockwise on screen: the foot line rises to the right
    a = np.radians(8.0)
    rot = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])  # y down: ccw on screen
    tilted = (px - 300) @ rot.T + 300
    c = check_camera_level(tilted, "right side")
    assert not c.passed and c.value == pytest.approx(8.0, abs=2.0) and "right" in c.reason and "level" in c.advice
    # front view: the heel line and the body axis, both turned by a rolled camera
    front = px.copy()
    front[0, [11, 23, 27, 29]] += (-40, 0)  # the person's right side to the image left
    front[0, [12, 24, 28, 30]] += (40, 0)
    front[0, 30, 1] = front[0, 29, 1]
    c = check_camera_level(front, "front")
    assert c.passed and abs(c.value) < 0.5
    rolled = (front - 300) @ np.array([[np.cos(np.radians(7)), np.sin(np.radians(7))],
                                       [-np.sin(np.radians(7)), np.cos(np.radians(7))]]).T + 300
    c = check_camera_level(rolled, "front")
    assert not c.passed and c.value == pytest.approx(7.0, abs=0.5)
    c = check_camera_level(np.full((1, 33, 2), np.nan), "front")
    assert c.passed and not c.checked


def test_camera_level_ignores_a_raised_heel_a_lean_and_absurd_readings():
    lm, vis = standing()
    px = lm[..., :2] * [640, 480]
    heel_up = px.copy()
    heel_up[0, [29, 30], 1] -= 25  # heels raised: the foot line tilts 20+ degrees, the body stays upright
    c = check_camera_level(heel_up, "right side")
    assert c.passed and c.value == 0.0
    lean = px.copy()
    lean[0, :25, 0] += 60  # the upper body leans forward, the feet flat: not the camera
    assert check_camera_level(lean, "right side").passed
    a = np.radians(40.0)  # a 40-degree "roll" is nobody's accident: a landmark error, not judged
    rot = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
    c = check_camera_level((px - 300) @ rot.T + 300, "right side")
    assert c.passed and not c.checked and "landmark error" in c.reason


def test_still_and_visibility_checks():
    assert check_still(0.3).passed
    c = check_still(2.5)
    assert not c.passed and "stand still" in c.advice
    assert check_still(None).checked is False
    vis = np.full((10, 33), 0.9)
    vis[:, 26] = 0.3
    c = check_visibility(vis, (12, 24, 26, 28))
    assert not c.passed and c.blocking and "right knee" in c.reason and c.value == 0.0
    assert check_visibility(vis, (11, 23, 25, 27)).passed


def test_capture_checks_runs_all_in_order():
    lm, vis = standing()
    checks = capture_checks(lm, vis, np.array([640, 480]), 85.0, want="side", motion_pct=0.4)
    assert [c.name for c in checks] == ["view", "whole_body", "visibility", "person_size", "camera_level", "still"]
    assert all(c.passed for c in checks), [c.to_dict() for c in checks if not c.passed]
    checks = capture_checks(lm, vis, np.array([640, 480]), 30.0, want="side")
    assert not checks[0].passed and checks[0].blocking
    assert all(isinstance(c.to_dict(), dict) for c in checks)
