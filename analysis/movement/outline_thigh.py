"""The moving thigh's axis from the body outline, where the knee landmark is unsure.

In a side view the pose model often loses the knee of a leg swung back: it is hidden behind the other
leg, or loose trousers hide its shape, and the knee landmark stays near the standing leg (on rendered
clips it read 4 to 10 degrees short of a true 15-18 degree peak, with its visibility falling to 0.2-0.4
exactly at the peak). The segmentation mask still shows the thigh. Two readings of the outline give its
axis, both in degrees behind the downward vertical (+ = knee behind the hip, the sign of
``thigh_behind_vertical``):

* **Rear edge** (every frame): from the hip point, rays at every angle behind the vertical meet the back
  of the rear-most thigh; at each distance ``d`` from the hip (``d`` = 0.55 .. 0.9 thigh lengths: below the
  buttock and the hand of a hanging arm, above the knee) the rear-most angle still inside the outline is
  the rear edge. A thigh turning about the hip turns its rear edge by the same angle, whatever its shape
  and whatever the clothes, so the **change** of the rear edge from rest is the change of the thigh's
  angle. The rear-most thigh is the one swung back (the moving leg of a hip extension, the back leg of a
  lunge).
* **Midline** (rest frames): the middle of the thigh's cross-sections at the same distances, a line fitted
  through them: the thigh's axis without using the knee landmark or the hip point.

:func:`outline_thigh_angle` = midline at rest + (rear edge - rear edge at rest). Pure NumPy (point-in-polygon
by ray crossing), for outlines of :mod:`vision.contour`.
"""

from __future__ import annotations

import numpy as np

from analysis.movement.series import quiet

DISTANCES = np.linspace(0.55, 0.9, 8)  # fractions of the thigh length from the hip point
ANGLE_STEP = 0.5  # deg

__all__ = ["inside_polygon", "rear_edge_angle", "thigh_midline_angle", "outline_thigh_angle"]


def inside_polygon(poly: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Which points (N, 2) lie inside the closed polygon (K, 2) (even-odd rule). (N,) bool."""
    x, y = pts[:, 0][:, None], pts[:, 1][:, None]
    x0, y0 = poly[:, 0][None], poly[:, 1][None]
    x1, y1 = np.roll(poly[:, 0], -1)[None], np.roll(poly[:, 1], -1)[None]
    cond = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        xc = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    return (np.sum(cond & (x < xc), axis=1) % 2) == 1


def _direction(theta: np.ndarray, facing: int) -> np.ndarray:
    """Unit image vectors (…, 2) of a thigh ``theta`` degrees behind the downward vertical."""
    a = np.radians(theta)
    return np.stack([-facing * np.sin(a), np.cos(a)], axis=-1)


def rear_edge_angle(poly: np.ndarray, hip: np.ndarray, length: float, facing: int, start: float,
                    lo: float = -40.0, hi: float = 80.0) -> np.ndarray:
    """Rear edge of the rear-most thigh at each of :data:`DISTANCES`: the largest angle behind the vertical
    (deg) reached by walking back from ``start`` (a direction inside the thigh) while inside the outline.

    Returns
    -------
    ndarray (len(DISTANCES),)
        NaN at a distance where no direction near ``start`` is inside the outline.
    """
    angs = np.arange(lo, hi + ANGLE_STEP / 2, ANGLE_STEP)
    u = _direction(angs, facing)
    pts = hip[None, None, :] + (DISTANCES * length)[:, None, None] * u[None, :, :]
    m = inside_polygon(poly, pts.reshape(-1, 2)).reshape(len(DISTANCES), len(angs))
    j0 = int(np.argmin(np.abs(angs - start)))
    out = np.full(len(DISTANCES), np.nan)
    for k in range(len(DISTANCES)):
        row = m[k]
        if not row[j0]:
            ins = np.flatnonzero(row)
            if ins.size == 0:
                continue
            j = ins[np.argmin(np.abs(ins - j0))]
            if abs(angs[j] - start) > 15.0:  # nothing of the thigh near where the landmarks put it
                continue
        else:
            j = j0
        outside = np.flatnonzero(~row[j:])
        out[k] = angs[j + outside[0] - 1] if outside.size else np.nan  # the edge must lie inside the fan
    return out


def _run_through(poly: np.ndarray, c: np.ndarray, n: np.ndarray, half: float) -> tuple[float, float] | None:
    s = np.arange(-half, half + 0.25, 0.5)
    m = inside_polygon(poly, c[None] + s[:, None] * n[None])
    j0 = len(s) // 2
    if not m[j0]:
        return None
    a = j0 - (np.flatnonzero(~m[:j0][::-1])[0] if (~m[:j0]).any() else j0)
    b = j0 + (np.flatnonzero(~m[j0:])[0] - 1 if (~m[j0:]).any() else len(s) - 1 - j0)
    if a <= 0 or b >= len(s) - 1:
        return None  # no edge within half a thigh's length: not a thigh
    return float(s[a]), float(s[b])


def thigh_midline_angle(poly: np.ndarray, hip: np.ndarray, length: float, facing: int, start: float) -> float:
    """Angle behind the vertical (deg) of the line through the middles of the thigh's cross-sections at
    :data:`DISTANCES` (perpendicular to the thigh), starting from the direction ``start``; refined once.
    NaN when fewer than 4 cross-sections are found."""
    theta = start
    for _ in range(2):
        u = _direction(np.array(theta), facing)
        n = np.array([-u[1], u[0]])
        mids = []
        for d in DISTANCES:
            c = hip + d * length * u
            r = _run_through(poly, c, n, 0.6 * length)
            if r is not None:
                mids.append(c + n * (r[0] + r[1]) / 2)
        if len(mids) < 4:
            return float("nan")
        M = np.array(mids) - np.mean(mids, axis=0)
        w, v = np.linalg.eigh(M.T @ M)
        dvec = v[:, -1] if v[1, -1] > 0 else -v[:, -1]
        theta = float(np.degrees(np.arctan2(-facing * dvec[0], dvec[1])))
    return theta


def outline_thigh_angle(outline: np.ndarray | None, hip: np.ndarray, length: float, facing: int,
                        guide: np.ndarray) -> tuple[np.ndarray, dict]:
    """The rear-most thigh's angle behind the vertical per frame from the outline (module docstring).

    Parameters
    ----------
    outline : ndarray (T, K, 2) or None
        Outlines in pixels (NaN rows where no mask).
    hip : ndarray (T, 2)
        The hip point per frame (midpoint of the hip landmarks).
    length : float
        Thigh length in pixels.
    facing : int
        +1 / -1.
    guide : ndarray (T,)
        The thigh angle from the landmarks (deg behind vertical, any quality): where to start looking.

    Returns
    -------
    angle : ndarray (T,)
        Degrees behind the vertical; NaN where the outline does not show the thigh.
    info : dict
        ``rest_frames`` (int array), ``rest_midline_deg``, ``coverage`` (share of frames with a value).
    """
    T = len(hip)
    nan = np.full(T, np.nan)
    info = {"rest_frames": np.array([], int), "rest_midline_deg": None, "coverage": 0.0}
    if outline is None or not facing or not np.isfinite(length) or length <= 0:
        return nan, info
    ol = np.asarray(outline, dtype=np.float64)
    g = np.where(np.isfinite(guide), guide, 0.0)
    edges = np.full((T, len(DISTANCES)), np.nan)
    for f in range(T):
        if np.isfinite(ol[f]).all() and np.isfinite(hip[f]).all():
            edges[f] = rear_edge_angle(ol[f], hip[f], length, facing, float(g[f]))
    with quiet():
        ok = np.sum(np.isfinite(edges), axis=1) >= len(DISTANCES) // 2
        level = np.nanmedian(edges, axis=1)
    level[~ok] = np.nan
    if ok.sum() < 3:
        return nan, info
    # rest: the frames whose rear edge is lowest (within 2 deg of its 10th percentile)
    low = np.nanpercentile(level, 10)
    rest = np.flatnonzero(ok & (level <= low + 2.0))
    with quiet():
        rest_edges = np.nanmedian(edges[rest], axis=0)
        delta = np.nanmedian(edges - rest_edges[None, :], axis=1)
    mids = np.array([thigh_midline_angle(ol[f], hip[f], length, facing, float(g[f])) for f in rest[:15]])
    mids = mids[np.isfinite(mids)]
    if mids.size == 0:
        return nan, info
    base = float(np.median(mids))
    angle = np.where(ok, base + delta, np.nan)
    info.update(rest_frames=rest, rest_midline_deg=round(base, 2), coverage=float(ok.mean()))
    return angle, info
