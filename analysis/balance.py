"""Where the body's mass centre lies over the feet, from 3D landmarks: a person whose mass centre is well
behind their heels is held up by something (a seat), one whose mass centre is over their feet is not.

Segment masses and mass-centre positions from de Leva (1996), adjusting Zatsiorsky-Seluyanov's segment
parameters (norms file, ``body_mass_*`` and ``body_centre_*``): head (at the ears), trunk (hip midpoint ->
shoulder midpoint), each arm (its mass put at the elbow), thighs, shanks and feet. The landmarks are
MediaPipe's world landmarks (metres, camera axes: x right, y down, z away from the camera).

Only the horizontal position along the way the person faces is read, and only where that direction lies
near the picture's plane (a side view): in a front view it is the model's depth guess.
"""

from __future__ import annotations

import warnings

import numpy as np

from analysis.norms import threshold

__all__ = ["facing_direction", "mass_centre", "mass_ahead_of_heels"]

# MediaPipe indices
_EARS, _SHOULDERS, _ELBOWS, _HIPS = (7, 8), (11, 12), (13, 14), (23, 24)
_KNEES, _ANKLES, _HEELS, _TOES = (25, 26), (27, 28), (29, 30), (31, 32)


def facing_direction(world: np.ndarray) -> np.ndarray:
    """The way the person faces per frame: the left-to-right line of shoulders and hips turned a quarter
    about the vertical (as :mod:`analysis.view`), a horizontal unit vector in camera axes, (T, 3)."""
    w = np.asarray(world, dtype=np.float64).reshape(-1, 33, 3)
    left = (w[:, 11] - w[:, 12]) + (w[:, 23] - w[:, 24])
    fwd = np.stack([left[:, 2], np.zeros(len(w)), -left[:, 0]], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return fwd / np.linalg.norm(fwd, axis=1, keepdims=True)


def mass_centre(world: np.ndarray) -> np.ndarray:
    """The body's mass centre per frame from the segment model (module docstring), camera axes, metres,
    (T, 3); NaN where a landmark it needs is NaN."""
    w = np.asarray(world, dtype=np.float64).reshape(-1, 33, 3)

    def mid(idx):
        return w[:, list(idx)].mean(axis=1)

    def along(a, b, f):  # the point a fraction f of the way from a to b
        return a + f * (b - a)

    parts = [
        (threshold("body_mass_head"), mid(_EARS)),
        (threshold("body_mass_trunk"), along(mid(_HIPS), mid(_SHOULDERS), threshold("body_centre_trunk"))),
        (2 * threshold("body_mass_arm"), mid(_ELBOWS)),
        (2 * threshold("body_mass_thigh"), along(mid(_HIPS), mid(_KNEES), threshold("body_centre_thigh"))),
        (2 * threshold("body_mass_shank"), along(mid(_KNEES), mid(_ANKLES), threshold("body_centre_shank"))),
        (2 * threshold("body_mass_foot"), (mid(_HEELS) + mid(_TOES)) / 2.0),
    ]
    total = sum(m for m, _ in parts)
    return sum(m * p for m, p in parts) / total


def mass_ahead_of_heels(world: np.ndarray, leg_length: float) -> np.ndarray:
    """How far the mass centre lies in front of the heels, along the way the person faces, per frame.

    Parameters
    ----------
    world : ndarray (T, 33, 3)
        World landmarks (metres, camera axes).
    leg_length : float
        Hip -> knee -> ankle length, metres (the unit of the result).

    Returns
    -------
    ndarray (T,)
        Fraction of leg length, + = in front of the heel midpoint (a foot is about 0.3 leg lengths long:
        standing, about 0.1; squatting, over the feet; sitting on a chair, about half a leg length behind
        the heels). NaN where the facing direction is more than ``balance_side_view_max`` degrees out of
        the picture's plane (its depth would be the model's guess) or a landmark is missing.
    """
    w = np.asarray(world, dtype=np.float64).reshape(-1, 33, 3)
    fwd = facing_direction(w)
    heels = w[:, list(_HEELS)].mean(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ahead = np.sum((mass_centre(w) - heels) * fwd, axis=1) / leg_length
        out_of_plane = np.degrees(np.arcsin(np.clip(np.abs(fwd[:, 2]), 0.0, 1.0)))
    return np.where(out_of_plane <= threshold("balance_side_view_max"), ahead, np.nan)
