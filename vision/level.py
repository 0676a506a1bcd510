"""Long level edges in a picture: how far from the picture's horizontal a straight, near-horizontal edge runs.

Used for the treatment table's top edge in the Thomas test, whose thigh angle is taken against the table: a
camera rolled by some degrees (or not square to the table) turns that edge, and every angle read against the
picture's horizontal, by as much; and for the room's level lines (floor, wall, skirting) beside a person standing
or kneeling, which say when the camera is rolled. Straight segments come from OpenCV's line segment detector.
"""

from __future__ import annotations

import cv2
import numpy as np

LEVEL_EDGE_MAX_DEG = 15.0  # a segment steeper than this is not taken for a level edge (engineering choice)


def level_edge_angle(rgb: np.ndarray, rows: tuple[float, float], min_length: float,
                     exclude: tuple[float, float, float, float] | None = None) -> tuple[float, float]:
    """The direction of the long near-horizontal straight edges in a band of rows.

    Parameters
    ----------
    rgb : ndarray (H, W, 3) uint8
    rows : (float, float)
        The band, image rows in pixels (y down): a segment counts when its midpoint lies in it.
    min_length : float
        Shortest segment counted, pixels.
    exclude : (x0, y0, x1, y1), optional
        A rectangle (pixels) whose segments are not counted (their midpoint inside it): the person.

    Returns
    -------
    angle : float
        Degrees, **+ = rising towards the image right** (a level edge seen by a camera rolled
        counter-clockwise); the length-weighted median over the counted segments; NaN when none.
    length : float
        Their total length, pixels (0 when none).
    """
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    found = cv2.createLineSegmentDetector().detect(grey)[0]
    if found is None:
        return float("nan"), 0.0
    x0, y0, x1, y1 = found[:, 0, :].T.astype(np.float64)
    flip = x1 < x0
    dx, dy = np.where(flip, x0 - x1, x1 - x0), np.where(flip, y0 - y1, y1 - y0)
    length = np.hypot(dx, dy)
    angle = np.degrees(np.arctan2(-dy, dx))
    mid = (y0 + y1) / 2
    keep = (np.abs(angle) < LEVEL_EDGE_MAX_DEG) & (length >= min_length) & (mid >= rows[0]) & (mid <= rows[1])
    if exclude is not None:
        mx = (x0 + x1) / 2
        keep &= ~((mx >= exclude[0]) & (mx <= exclude[2]) & (mid >= exclude[1]) & (mid <= exclude[3]))
    if not keep.any():
        return float("nan"), 0.0
    a, w = angle[keep], length[keep]
    order = np.argsort(a)
    k = int(np.searchsorted(np.cumsum(w[order]) / w.sum(), 0.5))
    return float(a[order][min(k, len(a) - 1)]), float(w.sum())
