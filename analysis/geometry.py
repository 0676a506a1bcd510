"""Angles between points and segments: pure NumPy, vectorised, NaN-propagating.

Every function takes points as arrays whose last axis holds the coordinates, ``(..., 2)`` for image
points or ``(..., 3)`` for 3D points (where stated), broadcasts over all leading axes (frames,
people, landmarks ...) and returns angles in **degrees**. A NaN coordinate, or a zero-length
segment, gives NaN in the result, never an exception or a warning.

Image coordinates follow the usual convention: x to the right, **y down** (pixels or normalised).
Functions whose sign depends on "up" state it in image terms ("higher" = smaller y).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "angle_at",
    "angle_between",
    "signed_angle_2d",
    "inclination_to_vertical",
    "angle_below_horizontal",
    "elevation_angle",
    "line_angle_to_horizontal",
    "wrap_degrees",
]


def _as_float(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def _norm(v: np.ndarray) -> np.ndarray:
    n = np.sqrt(np.sum(v * v, axis=-1))
    return np.where(n > 0, n, np.nan)


def wrap_degrees(angle) -> np.ndarray:
    """Wrap angles to the half-open interval (-180, 180] degrees (NaN stays NaN)."""
    a = _as_float(angle)
    w = np.mod(a + 180.0, 360.0) - 180.0
    return np.where(w == -180.0, 180.0, w)


def angle_between(u, v) -> np.ndarray:
    """Unsigned angle between vectors ``u`` and ``v``.

    Parameters
    ----------
    u, v : array_like, shape (..., 2) or (..., 3)
        Vectors (broadcast against each other).

    Returns
    -------
    ndarray, shape (...)
        Angle in degrees, 0..180. NaN when either vector has zero length or contains NaN.
    """
    u = _as_float(u)
    v = _as_float(v)
    with np.errstate(invalid="ignore", divide="ignore"):
        # atan2(|u x v|, u.v) is accurate near 0 and 180 degrees, unlike acos of the cosine.
        if u.shape[-1] == 2:
            cross = np.abs(u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0])
        else:
            c = np.cross(u, v)
            cross = np.sqrt(np.sum(c * c, axis=-1))
        dot = np.sum(u * v, axis=-1)
        ang = np.degrees(np.arctan2(cross, dot))
    bad = ~np.isfinite(_norm(u)) | ~np.isfinite(_norm(v))
    return np.where(bad, np.nan, ang)


def angle_at(a, b, c) -> np.ndarray:
    """Angle at vertex ``b`` between the rays b->a and b->c (e.g. hip angle shoulder-hip-knee).

    Parameters
    ----------
    a, b, c : array_like, shape (..., 2) or (..., 3)
        The three points; ``b`` is the vertex.

    Returns
    -------
    ndarray, shape (...)
        Interior angle in degrees, 0..180 (180 = the three points in a straight line, e.g. a straight
        knee for hip-knee-ankle). Unsigned: it does not say on which side the bend is.
    """
    b = _as_float(b)
    return angle_between(_as_float(a) - b, _as_float(c) - b)


def signed_angle_2d(u, v, y_down: bool = True) -> np.ndarray:
    """Signed rotation from vector ``u`` to vector ``v`` in the image plane.

    Parameters
    ----------
    u, v : array_like, shape (..., 2)
        Vectors.
    y_down : bool
        True for image coordinates (y down): positive = counter-clockwise **as seen on the screen**.
        False for y-up (mathematical) coordinates: positive = counter-clockwise in those axes.

    Returns
    -------
    ndarray, shape (...)
        Degrees in (-180, 180]. NaN for zero-length or NaN vectors.
    """
    u = _as_float(u)
    v = _as_float(v)
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = u[..., 0] * v[..., 0] + u[..., 1] * v[..., 1]
    with np.errstate(invalid="ignore"):
        ang = np.degrees(np.arctan2(cross, dot))
    if y_down:
        ang = -ang
    bad = ~np.isfinite(_norm(u)) | ~np.isfinite(_norm(v))
    return np.where(bad, np.nan, wrap_degrees(ang))


def inclination_to_vertical(lower, upper) -> np.ndarray:
    """Signed inclination of the segment lower->upper from the image vertical.

    Parameters
    ----------
    lower, upper : array_like, shape (..., 2)
        Image points (x right, y down), e.g. hip midpoint and shoulder midpoint for trunk inclination.

    Returns
    -------
    ndarray, shape (...)
        Degrees in (-180, 180]: 0 when ``upper`` is straight above ``lower``; positive when ``upper``
        lies to the image **right** of the vertical through ``lower`` (clockwise lean on screen),
        negative to the left; magnitude above 90 when ``upper`` is below ``lower``. For "forward" lean
        multiply by +1 when the person faces image-right and -1 when facing image-left.
    """
    d = _as_float(upper) - _as_float(lower)
    with np.errstate(invalid="ignore"):
        ang = np.degrees(np.arctan2(d[..., 0], -d[..., 1]))
    return np.where(np.isfinite(_norm(d)), ang, np.nan)


def angle_below_horizontal(start, end) -> np.ndarray:
    """Angle of the segment start->end below the horizontal, independent of left/right direction.

    Parameters
    ----------
    start, end : array_like, shape (..., 2)
        Image points (x right, y down), e.g. hip and knee for the thigh angle to horizontal.

    Returns
    -------
    ndarray, shape (...)
        Degrees in [-90, 90]: positive when ``end`` is lower in the image than ``start`` (thigh
        sloping down from the hip), 90 for straight down, negative when ``end`` is higher (thigh
        above horizontal, as in a positive modified Thomas test), -90 for straight up.
    """
    d = _as_float(end) - _as_float(start)
    with np.errstate(invalid="ignore"):
        ang = np.degrees(np.arctan2(d[..., 1], np.abs(d[..., 0])))
    return np.where(np.isfinite(_norm(d)), ang, np.nan)


def elevation_angle(a, b) -> np.ndarray:
    """How far point ``a`` is raised above point ``b``, as the angle of line a-b to the horizontal.

    Parameters
    ----------
    a, b : array_like, shape (..., 2)
        Image points (x right, y down), e.g. left hip and right hip for pelvic obliquity (positive =
        the person's left side higher), which then reads the same in a front and a back view.

    Returns
    -------
    ndarray, shape (...)
        Degrees in [-90, 90]: positive when ``a`` is higher in the image (smaller y) than ``b``,
        negative when lower, 0 when level.
    """
    d = _as_float(b) - _as_float(a)  # a higher => b.y - a.y > 0
    with np.errstate(invalid="ignore"):
        ang = np.degrees(np.arctan2(d[..., 1], np.abs(d[..., 0])))
    return np.where(np.isfinite(_norm(d)), ang, np.nan)


def line_angle_to_horizontal(p0, p1) -> np.ndarray:
    """Orientation of the (undirected) line through p0 and p1 relative to the image horizontal.

    Parameters
    ----------
    p0, p1 : array_like, shape (..., 2)
        Image points (x right, y down).

    Returns
    -------
    ndarray, shape (...)
        Degrees in (-90, 90]: positive when the line rises towards the image right (counter-clockwise
        on screen), negative when it falls; 90 for a vertical line. Swapping p0 and p1 gives the same.
    """
    d = _as_float(p1) - _as_float(p0)
    with np.errstate(invalid="ignore"):
        ang = np.degrees(np.arctan2(-d[..., 1], d[..., 0]))
    ang = np.where(ang > 90.0, ang - 180.0, ang)
    ang = np.where(ang <= -90.0, ang + 180.0, ang)
    return np.where(np.isfinite(_norm(d)), ang, np.nan)
