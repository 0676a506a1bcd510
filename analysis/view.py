"""Which way the person faces the camera, from MediaPipe world landmarks.

Convention: body yaw in degrees, 0 = facing the camera (front view), +90 = facing the image's right
(the person's right side toward the camera), -90 = facing the image's left (left side toward the camera),
+/-180 = back to the camera. World axes are MediaPipe's: x to the image right, y down, z away from the
camera, origin at the hip midpoint, metres.
"""

from __future__ import annotations

import numpy as np

L_SHOULDER, R_SHOULDER, L_HIP, R_HIP = 11, 12, 23, 24

# Engineering choices (not literature): sectors of body yaw per view label, degrees.
FRONT_MAX_DEG = 30.0
SIDE_MIN_DEG, SIDE_MAX_DEG = 60.0, 120.0
BACK_MIN_DEG = 150.0


def body_yaw(world: np.ndarray) -> np.ndarray:
    """Body yaw per frame from the shoulder and hip lines.

    Parameters
    ----------
    world : ndarray, shape (..., 33, 3)
        MediaPipe world landmarks in metres.

    Returns
    -------
    ndarray, shape (...)
        Yaw in degrees in (-180, 180] (see the module docstring); NaN where landmarks are missing.
    """
    world = np.asarray(world, dtype=np.float64)
    # right-to-left vector of the person, averaged over shoulders and hips, in the ground (x, z) plane
    left = (world[..., L_SHOULDER, :] - world[..., R_SHOULDER, :]) + (world[..., L_HIP, :] - world[..., R_HIP, :])
    fx, fz = left[..., 2], -left[..., 0]  # forward = left rotated a quarter turn about the vertical
    return np.degrees(np.arctan2(fx, -fz))


def view_label(yaw_deg: float) -> str:
    """Name the view for a body yaw in degrees.

    Returns one of ``"front"``, ``"back"``, ``"right side"`` (facing the image right, right side
    toward the camera), ``"left side"``, ``"oblique"`` or ``"unknown"`` (NaN yaw).
    """
    if not np.isfinite(yaw_deg):
        return "unknown"
    a = abs(yaw_deg)
    if a <= FRONT_MAX_DEG:
        return "front"
    if a >= BACK_MIN_DEG:
        return "back"
    if SIDE_MIN_DEG <= a <= SIDE_MAX_DEG:
        return "right side" if yaw_deg > 0 else "left side"
    return "oblique"


def typical_yaw(yaw_deg: np.ndarray) -> float:
    """Circular mean of yaw angles in degrees, ignoring NaN; NaN when none is finite."""
    y = np.radians(np.asarray(yaw_deg, dtype=np.float64))
    y = y[np.isfinite(y)]
    if y.size == 0:
        return float("nan")
    return float(np.degrees(np.arctan2(np.sin(y).mean(), np.cos(y).mean())))
