"""Kinematics of the synthetic figure: the posture parameters give the angles they promise."""

import numpy as np
import pytest

from analysis import geometry as geo
from vision.synthetic.body import BODIES
from vision.synthetic.camera import Camera
from vision.synthetic.kinematics import pose_skeleton
from vision.synthetic.posture import Placement, Posture
from vision.synthetic.truth import body_angles, facing, view_name


def _tilt(sk, side):
    a, p = sk.points[f"{side}_asis"], sk.points[f"{side}_psis"]
    return np.degrees(np.arctan2(p[1] - a[1], a[0] - p[0]))  # ASIS below PSIS -> positive


@pytest.mark.parametrize("tilt", [-8.0, 0.0, 10.0, 22.0])
@pytest.mark.parametrize("body", ["average", "short_heavy", "tall_slim"])
def test_pelvic_tilt_is_the_asis_psis_angle(tilt, body):
    sk = pose_skeleton(Posture(pelvic_tilt=tilt), BODIES[body])
    assert _tilt(sk, "left") == pytest.approx(tilt, abs=1e-6)
    assert _tilt(sk, "right") == pytest.approx(tilt, abs=1e-6)
    assert body_angles(sk)["pelvic_tilt"] == pytest.approx(tilt, abs=1e-6)
    # anterior tilt: the ASIS lies in front of and (for tilt > 0) below the PSIS
    assert sk.points["left_asis"][0] > sk.points["left_psis"][0]


@pytest.mark.parametrize("knee", [0.0, 45.0, 90.0, 130.0])
def test_knee_flexion_is_the_thigh_shank_angle(knee):
    sk = pose_skeleton(Posture(knee_flexion_l=knee, hip_flexion_l=30.0, hip_abduction_l=10.0))
    P = sk.points
    thigh = P["left_knee"] - P["left_hip"]
    shank = P["left_ankle"] - P["left_knee"]
    assert float(geo.angle_between(thigh, shank)) == pytest.approx(knee, abs=1e-6)
    assert float(geo.angle_at(P["left_hip"], P["left_knee"], P["left_ankle"])) == pytest.approx(180 - knee, abs=1e-6)
    # the shank swings backwards: with a vertical thigh the ankle ends up behind the knee
    if knee > 0:
        sk0 = pose_skeleton(Posture(knee_flexion_l=knee, hip_flexion_l=0.0))
        assert sk0.points["left_ankle"][0] < sk0.points["left_knee"][0]


@pytest.mark.parametrize("lean", [-5.0, 0.0, 12.0, 40.0])
@pytest.mark.parametrize("tilt,lordosis", [(0.0, 30.0), (15.0, 60.0)])
def test_trunk_lean_is_met_whatever_the_spine(lean, tilt, lordosis):
    sk = pose_skeleton(Posture(trunk_lean=lean, pelvic_tilt=tilt, lumbar_lordosis=lordosis))
    assert body_angles(sk)["trunk_inclination"] == pytest.approx(lean, abs=0.05)


def test_lordosis_and_kyphosis_reported():
    sk = pose_skeleton(Posture(lumbar_lordosis=45.0, thoracic_kyphosis=50.0))
    ang = body_angles(sk)
    assert ang["thoracic_kyphosis"] == pytest.approx(50.0, abs=0.01)
    assert ang["lumbar_lordosis_s1_l1"] == pytest.approx(45.0 + sk.lumbosacral_angle, abs=0.01)
    # more anterior tilt -> steeper sacrum
    assert body_angles(pose_skeleton(Posture(pelvic_tilt=20)))["sacral_slope"] > ang["sacral_slope"]


def test_hip_flexion_obliquity_shoulder_tilt_head_forward():
    p = Posture(hip_flexion_r=-20.0, hip_flexion_l=35.0, hip_abduction_l=0.0, hip_abduction_r=0.0, pelvic_obliquity=4.0, shoulder_tilt=-3.0, head_forward=6.0,
                pelvic_tilt=12.0)
    ang = body_angles(pose_skeleton(p))
    assert ang["hip_flexion_right"] == pytest.approx(-20.0, abs=0.01)
    assert ang["hip_flexion_left"] == pytest.approx(35.0, abs=0.01)
    # obliquity changes the sagittal projection of the ASIS-PSIS line a little (12 -> 11.96)
    assert ang["hip_flexion_pelvic_right"] == pytest.approx(-20.0 + ang["pelvic_tilt"], abs=1e-9)
    assert ang["pelvic_tilt"] == pytest.approx(12.0, abs=0.1)
    assert ang["pelvic_obliquity"] == pytest.approx(4.0, abs=0.01)
    assert ang["shoulder_tilt"] == pytest.approx(-3.0, abs=0.01)
    assert ang["head_forward_cm"] == pytest.approx(6.0, abs=0.01)


def test_knee_90_thigh_horizontal_when_sitting():
    sk = pose_skeleton(Posture(hip_flexion_l=90.0, knee_flexion_l=90.0))
    P = sk.points
    thigh = P["left_knee"] - P["left_hip"]
    shank = P["left_ankle"] - P["left_knee"]
    assert abs(thigh[1]) < 1e-9 and thigh[0] > 0  # thigh horizontal, forward
    assert abs(shank[0]) < 1e-9 and shank[1] < 0  # shank vertical, down


def test_standing_on_the_floor_and_proportions():
    for name, body in BODIES.items():
        sk = pose_skeleton(Posture(), body)
        soles = [sk.points[f"{s}_{n}"][1] for s in ("left", "right") for n in ("sole_heel", "sole_toe")]
        assert min(soles) == pytest.approx(0.0, abs=1e-9)
        assert sk.points["vertex"][1] == pytest.approx(body.height, rel=0.03), name
        assert 0.49 < sk.points["left_hip"][1] / body.height < 0.57, name


def test_supine_placement_and_facing():
    sk = pose_skeleton(Posture(), placement=Placement(body_pitch=90.0, position=(0.0, 0.8, 0.0)))
    assert sk.points["nose"][1] > sk.points["mid_hip"][1] + 0.05  # face up
    assert sk.points["vertex"][0] < -0.7  # head towards world -x
    cam_r = Camera(azimuth=-90.0)
    standing = pose_skeleton(Posture())
    assert facing(standing, cam_r) == ("image_right", 1)
    assert facing(standing, Camera(azimuth=90.0)) == ("image_left", -1)
    assert facing(standing, Camera(azimuth=0.0))[0] == "toward_camera"
    assert facing(standing, Camera(azimuth=180.0))[0] == "away_from_camera"
    assert [view_name(a) for a in (0, 90, -90, 180, 45, -135)] == [
        "front", "left", "right", "back", "front-left oblique", "back-right oblique"]


def test_front_view_left_is_image_right():
    cam = Camera(azimuth=0.0)
    sk = pose_skeleton(Posture())
    uv, _ = cam.project(np.stack([sk.points["left_hip"], sk.points["right_hip"]]))
    assert uv[0, 0] > uv[1, 0]  # the person's left appears on the image right in a front view
