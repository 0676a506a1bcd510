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
