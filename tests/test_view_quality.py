"""View guess and framing checks on landmark arrays."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.quality import framing_summary
from analysis.view import body_yaw, typical_yaw, view_label


def world_facing(yaw_deg: float) -> np.ndarray:
    """World landmarks of a person turned ``yaw_deg`` (0 = facing the camera, +90 = facing image right)."""
    w = np.zeros((33, 3))
    a = np.radians(yaw_deg)
    # the person's left, facing the camera, points to the image right (+x); turning rotates it in x-z
    left = np.array([np.cos(a), 0.0, np.sin(a)])
    w[11], w[12] = 0.2 * left + [0, -0.5, 0], -0.2 * left + [0, -0.5, 0]
    w[23], w[24] = 0.1 * left, -0.1 * left
    return w


@pytest.mark.parametrize("yaw, label", [(0, "front"), (20, "front"), (90, "right side"), (-85, "left side"),
                                        (180, "back"), (-160, "back"), (45, "oblique"), (-135, "oblique")])
def test_view_from_world_landmarks(yaw, label):
    got = float(body_yaw(world_facing(yaw)))
    assert abs((got - yaw + 180) % 360 - 180) < 1e-6
    assert view_label(got) == label


def test_typical_yaw_is_circular():
    assert abs(typical_yaw(np.array([179.0, -179.0, np.nan]))) == pytest.approx(180, abs=1e-6)
    assert np.isnan(typical_yaw(np.array([np.nan])))
    assert view_label(np.nan) == "unknown"


def test_framing_flags_missing_feet():
    t = 10
    lm = np.full((t, 33, 3), 0.5)
    vis = np.ones((t, 33))
    lm[:, [27, 28, 29, 30], 1] = 1.3  # ankles and heels below the bottom edge
    lm[3] = np.nan  # a gap frame is not counted
    s = framing_summary(lm, vis)
    assert s["missing"] == ["feet"] and "feet" in s["advice"]
    assert s["fraction_in_frame"]["head"] == 1.0 and s["whole_body_fraction"] == 0.0
    lm[:, [27, 28, 29, 30], 1] = 0.95
    assert framing_summary(lm, vis)["missing"] == []


def _swapped(w: np.ndarray) -> np.ndarray:
    """The same world landmarks with the left and right shoulders and hips exchanged (the pose model's labels
    swapped)."""
    w = np.array(w)
    w[..., [11, 12, 23, 24], :] = w[..., [12, 11, 24, 23], :]
    return w


@pytest.mark.parametrize("true_yaw, facing, passes", [(-100.0, -1, True), (95.0, 1, True), (-45.0, -1, False),
                                                      (10.0, 0, False)])
def test_a_clip_whose_labels_swap_keeps_its_view(true_yaw, facing, passes):
    """The pose model swapped the left and right labels of a side-on person for whole repetitions (one leg swung,
    then the other: a rendered left side view read +100 to +130 and -100 to -130, and the plain circular mean 177,
    "from the back"). The view is read from the body's left-right axis, which the labels do not turn, and named
    for the way the picture shows the person facing."""
    from analysis.quality import check_view
    from analysis.view import swap_proof_yaw

    frames = [world_facing(true_yaw + d) for d in (-10.0, 0.0, 10.0, -5.0, 5.0, -15.0)]
    frames[3:] = [_swapped(w) for w in frames[3:]]
    yaw = body_yaw(np.stack(frames))
    got = swap_proof_yaw(yaw, facing)
    assert abs((got - true_yaw + 180) % 360 - 180) < 5.0 or not facing, got
    assert check_view(got, "side").passed is passes
    if passes:  # the plain mean of the two halves reads another view
        assert not check_view(typical_yaw(yaw), "side").passed
    # labels that never swap read as before
    same = body_yaw(np.stack([world_facing(true_yaw + d) for d in (-10.0, 0.0, 10.0)]))
    assert swap_proof_yaw(same) == pytest.approx(typical_yaw(same), abs=1e-6)
