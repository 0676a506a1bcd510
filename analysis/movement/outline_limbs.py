"""Limbs from the body outline where their landmarks are unsure: the moving thigh, the bent lower leg.

In a side view the pose model often loses the knee of a leg swung back: it is hidden behind the other
leg, or loose trousers hide its shape, and the knee landmark stays near the standing leg (on rendered
clips it read 4 to 10 degrees short of a true 15-18 degree peak, with its visibility falling to 0.2-0.4
exactly at the peak). The segmentation mask still shows the thigh. Two readings of the outline give its
axis, both in degrees behind the downward vertical (+ = knee behind the hip, the sign of
``thigh_behind_vertical``):

* **Rear edge** (every frame): from the hip point, rays at every angle behind the vertical meet the back
  of the rear-most thigh; at each distance ``d`` from the hip (``d`` = 0.5 .. 0.75 thigh lengths: below the
  buttock and the hand of a hanging arm, above the knee) the rear-most angle still inside the outline is
  a point of the rear edge. A thigh turning about the hip turns its rear edge by the same angle, whatever
  its shape and whatever the clothes, so the **change** of the rear edge from rest is the change of the
  thigh's angle. Two readings of it are averaged: the median of the rays' angles (which lean on the hip
  point, and the hips move forward when the pelvis tilts) and the direction of a line through the edge's
  points (which turns a little with the buttock's outline when the pelvis tilts); on rendered clips in two
  figure styles their mean erred less than either (three styles since: 0.6-0.9 degrees median against
  1.1-1.7 for either alone). (Below 0.75 thigh lengths the rays stay off a bent knee's shank, which lies on the
  floor behind the knee in a lunge.) An edge point further than ``movement_edge_outlier_max`` from its frame's
  median is something else the outline holds there (a long top's hem, a hand) and is left out: a thigh's rear
  edge turns a few degrees from one distance to the next. Followed down from the buttock, the rear edge of a
  kneeling thigh (a lunge's back thigh) turns ever closer to its axis; from where it turns away again by more than
  ``movement_edge_rise_max`` the mask has filled the floor between the thigh and the lower leg lying behind the
  knee (a held-out cartoon style read such lunges 38-42 degrees for a true 6-25), and those points are left out.
  Where that leaves too few points in too many frames
  (a long top over a kneeling lunge's back thigh), the outline is not taken as showing the thigh. The rear-most
  thigh is the one swung back (the moving leg of a hip
  extension, the back leg of a lunge).
* **Midline** (rest frames): the middle of the thigh's cross-sections at the same distances, a line fitted
  through them: the thigh's axis without using the knee landmark or the hip point.

The thigh hanging over the table's edge in a Thomas test is read by its midline too
(:func:`thigh_midline_directions`): lying down, the pose model's hip and knee points sit off the thigh's axis
(on rendered Thomas tests in two styles the hip -> knee line erred by up to 3.6 deg, median 1.6-3.2; the
midline by a median 1.3-1.5).

A bent knee lying face down is read the same way: the pose model reads deep knee bends short (on rendered
prone knee bends by 3 to 12 degrees: it loses the lower leg at the end of the bend, or misplaces the knee
so that the thigh tilts) while the outline shows the lower leg rising from the table
(:func:`lower_leg_direction`), and how far the outline reaches above the legs lying on the table
(:func:`raised_height`) tells a lower leg bent up from one lying down without any landmark of the lower leg.

:func:`outline_thigh_angle` = midline at rest + (rear edge - rear edge at rest), the rest being the frames
within ``REST_WINDOW_S`` of each frame whose rear edge is lowest (so each person of a clip that films several
in turn, and each repetition, is compared with its own rest). A midline further than
``movement_midline_guide_max`` from the landmarks' thigh in the same frame is not the thigh's axis (a hand
hanging at its front or a large buttock widened its cross-sections; on held-out renders of heavy builds it
read the standing thigh 18 to 47 deg back). When the midline is not found or not the thigh in most rest
frames, it is taken lower down (0.6-0.95 thigh lengths, below the hand), leaving out the cross-sections wider
than ``movement_midline_width_max`` times their median, where it lies within ``movement_lower_midline_guide_max``
of the landmarks' thigh: on the renders of three styles this stood in for the pose model's thigh in 12 clips and
lay 0.7-2.0 deg from the true thigh at rest, where the pose model's lay 0.5 to 3.9 deg, mostly forward (the
held-out mannequin's worst hip-extension peak went from 6.0 short to within 3.3). Lower down the thigh narrows
towards the knee more at its front, so the middle of its cross-sections leans back off its axis (standing, 0.6 to
2.2 deg on the renders of six styles where it was the one read, and every peak read from that rest about as much
long): the line is taken ``thigh_lower_line_fraction`` of the way from the back edge to the front one instead
(-0.1 to +1.2; :func:`thigh_midline_angle`). Only when that is not
found either does the landmarks' thigh at rest stand in for it (standing still, the pose model errs by 1 to 4
deg), and only where it held steady: where its readings over the rest frames near a frame spread (10th to 90th
percentile) wider than ``movement_rest_landmark_spread_max``, the pose model's knees wandered or crossed between
the legs at rest, the thigh's angle at rest is not known and that frame gets no angle (``rest_wander_deg`` in the
info says how far they wandered). A held-out mannequin's lunge whose knee points crossed through the clip had its
back thigh read 9.5 degrees for a true 25 that way, its rest taken 10 degrees forward.
Pure NumPy (point-in-polygon by ray crossing), for outlines of :mod:`vision.contour`.
"""

from __future__ import annotations

import numpy as np

from analysis.norms import threshold
from analysis.posture_side import SIDE_IDX
from analysis.quality import quiet

DISTANCES = np.linspace(0.5, 0.75, 6)  # fractions of the thigh length from the hip point
# the standing thigh's midline where a hand hangs at its front: lower down, the cross-sections it still widens
# left out (see outline_thigh_angle)
LOWER_DISTANCES = np.linspace(0.6, 0.95, 8)
WIDEST = threshold("movement_midline_width_max")  # see norms.toml
REST_WINDOW_S = 3.0  # the rest a frame is compared with lies within this time of it
ANGLE_STEP = 0.5  # deg
MIDLINE_GUIDE_MAX = threshold("movement_midline_guide_max")  # see norms.toml
REST_SPREAD_MAX = threshold("movement_rest_landmark_spread_max")  # see norms.toml
FRONT_FRACTION = threshold("lower_leg_front_fraction")  # see norms.toml
LOWER_THIGH_FRACTION = threshold("thigh_lower_line_fraction")  # see norms.toml

__all__ = ["inside_polygon", "cross_section", "shows_legs", "rear_edge_angle", "limb_midline", "thigh_midline_angle",
           "thigh_midline_directions", "lower_leg_direction", "raised_tip_flexion", "outline_thigh_angle",
           "raised_height", "distance_outside", "legs_off_outline"]


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


def cross_section(poly: np.ndarray, c: np.ndarray, n: np.ndarray, half: float) -> tuple[float, float] | None:
    """The run of the outline ``poly`` through the point ``c`` along the unit vector ``n``: its two edges as
    distances (pixels, along ``n``, the first negative) from ``c``; None when ``c`` lies outside, or an edge lies
    ``half`` or further away (the limb is not there, or is wider than the search)."""
    s = np.linspace(-half, half, 2 * int(min(240, max(40, half / 0.5))) + 1)
    m = inside_polygon(poly, c[None] + s[:, None] * n[None])
    j0 = len(s) // 2
    if not m[j0]:
        return None
    a = j0 - (np.flatnonzero(~m[:j0][::-1])[0] if (~m[:j0]).any() else j0)
    b = j0 + (np.flatnonzero(~m[j0:])[0] - 1 if (~m[j0:]).any() else len(s) - 1 - j0)
    if a <= 0 or b >= len(s) - 1:
        return None  # no edge within half a thigh's length: not a thigh
    return float(s[a]), float(s[b])


def limb_midline(poly: np.ndarray, origin: np.ndarray, direction: np.ndarray, length: float,
                 distances=DISTANCES, iterations: int = 2, recentre: bool = False,
                 widest: float | None = None, front: np.ndarray | None = None,
                 front_fraction: float = FRONT_FRACTION) -> np.ndarray | None:
    """Unit direction (2,) of a limb leaving ``origin``: the line through the middles of its cross-sections
    (perpendicular to it) at ``distances`` x ``length`` from the origin, starting from ``direction`` and
    refined ``iterations`` times; None when fewer than 4 cross-sections are found. The fitted line does not
    depend on where exactly the origin lies across the limb. With ``recentre`` each refinement takes its
    cross-sections along the line fitted before (the origin moved onto it), for an origin at the limb's edge:
    from a knee landmark at the back of a lower leg raised straight up, the refined vertical from the landmark
    itself missed the leg (on a held-out mannequin's prone knee bends, 24 of 44 peaks). With ``widest``, a
    cross-section wider than ``widest`` times the median of them is left out (a hand hanging at the limb's
    front widens a few of them). With ``front`` (a vector towards the limb's front side), one more pass across
    that midline fits the line through the points ``front_fraction`` (default ``lower_leg_front_fraction``) of the
    way from each cross-section's back edge to its front edge (a lower leg's bones lie in its front, see
    :func:`lower_leg_direction`)."""
    u = np.asarray(direction, dtype=np.float64)
    u = u / np.linalg.norm(u)
    o = np.asarray(origin, dtype=np.float64)
    for it in range(iterations + (front is not None)):
        n = np.array([-u[1], u[0]])
        across = 0.5 if front is None or it < iterations else \
            front_fraction if n @ front > 0 else 1.0 - front_fraction  # from the edge at -n towards the one at +n
        mids, widths = [], []
        for d in distances:
            c = o + d * length * u
            r = cross_section(poly, c, n, 0.6 * length)
            if r is not None:
                mids.append(c + n * (r[0] + across * (r[1] - r[0])))
                widths.append(r[1] - r[0])
        if widest is not None and mids:
            mids = [m for m, w in zip(mids, widths) if w <= widest * np.median(widths)]
        if len(mids) < 4:
            return u if it == iterations else None  # the front pass short of cross-sections: the midline
        centre = np.mean(mids, axis=0)
        m = np.array(mids) - centre
        w, v = np.linalg.eigh(m.T @ m)
        u = v[:, -1] if v[:, -1] @ u > 0 else -v[:, -1]
        if recentre:
            o = centre + ((o - centre) @ u) * u
    return u


def thigh_midline_angle(poly: np.ndarray, hip: np.ndarray, length: float, facing: int, start: float,
                        below_hand: bool = False) -> float:
    """Angle behind the vertical (deg) of the thigh's midline (:func:`limb_midline` from the hip point,
    starting from ``start`` degrees behind the vertical); NaN when not found. ``below_hand``: from the
    cross-sections at :data:`LOWER_DISTANCES`, the wide ones left out (``widest`` :data:`WIDEST`), the line through
    the points ``thigh_lower_line_fraction`` of the way from each one's back edge to its front edge: the lower thigh
    narrows towards the knee more at its front, and its midline leans back off the thigh's axis (rendered standing
    thighs of six styles: 0.4 to 1.9 degrees, where this line lies -0.1 to +0.9 off; the same turn on real legs,
    ``benchmarks/eval_thigh_line.py``)."""
    lower = dict(distances=LOWER_DISTANCES, widest=WIDEST, front=np.array([float(facing), 0.0]),
                 front_fraction=LOWER_THIGH_FRACTION)
    u = limb_midline(poly, hip, _direction(np.array(start), facing), length, **(lower if below_hand else {}))
    return float("nan") if u is None else float(np.degrees(np.arctan2(-facing * u[0], u[1])))


def thigh_midline_directions(outline: np.ndarray, hip: np.ndarray, knee: np.ndarray, length: float,
                             frames) -> np.ndarray:
    """The thigh's axis from the outline at ``frames``: unit directions from the hip towards the knee.

    Parameters
    ----------
    outline : ndarray (T, K, 2)
        Outlines in pixels (NaN rows where no mask).
    hip, knee : ndarray (T, 2)
        The thigh's landmarks (pixels): the midline is searched from the hip along hip -> knee.
    length : float
        Thigh length in pixels.
    frames : array_like of int

    Returns
    -------
    ndarray (len(frames), 2)
        Unit vectors (image x right, y down); NaN where the outline, a landmark or the midline is missing, or
        where the midline lies further than ``movement_midline_guide_max`` degrees from hip -> knee (then it
        is not this thigh: another limb, or the hands, widened its cross-sections).
    """
    frames = np.asarray(frames, dtype=int)
    out = np.full((len(frames), 2), np.nan)
    if outline is None or not np.isfinite(length) or length <= 0:
        return out
    for j, f in enumerate(frames):
        poly, h, k = outline[f], hip[f], knee[f]
        if not (np.isfinite(poly).all() and np.isfinite(h).all() and np.isfinite(k).all()) or np.allclose(h, k):
            continue
        u = limb_midline(poly, h, k - h, length)
        if u is None:
            continue
        g = (k - h) / np.linalg.norm(k - h)
        if np.degrees(np.arccos(np.clip(u @ g, -1.0, 1.0))) <= MIDLINE_GUIDE_MAX:
            out[j] = u
    return out


def _bend_side(thigh: np.ndarray, upward: bool) -> np.ndarray:
    """The unit vector across the thigh towards which the knee bends (the picture's top when ``upward``)."""
    perp = np.array([-thigh[1], thigh[0]])
    return perp if (perp[1] < 0) == upward else -perp


def lower_leg_direction(poly: np.ndarray, hip: np.ndarray, knee: np.ndarray, shank_length: float,
                        guide: float | None = None, upward: bool = True, recentre: bool = False
                        ) -> np.ndarray | None:
    """Unit direction (2,) of a bent lower leg that leaves the body's outline (lying face down: it rises;
    ``upward``), from knee towards ankle, without the ankle landmark; None when not found.

    The lower leg is looked for in a fan from the knee: at each knee flexion (5 .. 165 deg from the hip ->
    knee line, bent towards ``upward``) a ray that stays inside the outline from 0.3 to 0.8 lower-leg
    lengths runs along the lower leg; the middle of that run of angles (the nearest to ``guide``, a knee
    flexion in degrees, when there are several) starts :func:`limb_midline` (``recentre`` passed on: for a knee
    point at the lower leg's back edge). The direction returned is not the midline's but the line
    ``lower_leg_front_fraction`` (0.75) of the way from the calf's edge to the shin's (the edge on the side the thigh
    points to, whichever way the knee bends): the shin bone lies in the lower leg's front, and the midline, pulled
    back by the calf, read prone knee bends 2 to 3 degrees short on renders and lay 4 degrees off the knee -> ankle
    line on real legs (see norms.toml)."""
    th = knee - hip
    if not np.isfinite(th).all() or not np.linalg.norm(th) > 0 or not shank_length > 0:
        return None
    th = th / np.linalg.norm(th)
    perp = _bend_side(th, upward)
    angs = np.arange(5.0, 165.5, 1.0)
    a = np.radians(angs)
    dirs = np.cos(a)[:, None] * th[None] + np.sin(a)[:, None] * perp[None]
    ds = np.linspace(0.3, 0.8, 6) * shank_length
    pts = knee[None, None, :] + ds[None, :, None] * dirs[:, None, :]
    m = inside_polygon(poly, pts.reshape(-1, 2)).reshape(len(angs), len(ds)).all(axis=1)
    if not m.any():
        return None
    edges = np.flatnonzero(np.diff(np.concatenate([[0], m.astype(int), [0]])))
    mid = [(angs[a0] + angs[b0 - 1]) / 2 for a0, b0 in zip(edges[::2], edges[1::2])]
    if guide is not None and np.isfinite(guide):
        start = mid[int(np.argmin([abs(x - guide) for x in mid]))]
        if abs(start - guide) > 45.0:  # nothing like a lower leg near where the landmarks put it
            return None
    else:
        start = mid[-1]
    r = np.radians(start)
    return limb_midline(poly, knee, np.cos(r) * th + np.sin(r) * perp, shank_length, np.linspace(0.35, 0.75, 6),
                        recentre=recentre, front=th)


def raised_tip_flexion(poly: np.ndarray, hip: np.ndarray, knee: np.ndarray, shank_length: float) -> float:
    """The knee flexion (deg, 0 = straight, from the hip -> knee line towards the picture's top) at which the
    outline reaches highest above the thigh's line, among its points 0.5 to 1.4 lower-leg lengths from the
    knee: lying face down, the foot of a lower leg bent up. A start for :func:`lower_leg_direction` that needs
    no landmark of the lower leg (the foot sticks out beyond the ankle, so it is only a start). NaN when no
    point lies half a lower leg above the line (the buttock, the highest point with the legs down, lies lower;
    a lower leg bent 30 degrees or more reaches higher)."""
    th = np.asarray(knee, dtype=np.float64) - hip
    if not (np.isfinite(th).all() and np.isfinite(poly).all()) or not np.linalg.norm(th) > 0 or not shank_length > 0:
        return float("nan")
    th = th / np.linalg.norm(th)
    v = poly - knee[None]
    d = np.linalg.norm(v, axis=1)
    h = np.where((d >= 0.5 * shank_length) & (d <= 1.4 * shank_length), v @ _bend_side(th, True), -np.inf)
    k = int(np.argmax(h))
    return float(np.degrees(np.arctan2(h[k], v[k] @ th))) if h[k] >= shank_length / 2 else float("nan")


def shows_legs(outline: np.ndarray, hip: np.ndarray, length: float) -> np.ndarray:
    """Frames whose outline shows the legs below the hip: it reaches below the hip point at least
    ``movement_outline_reach_min`` of the clip's longest reach (its 90th percentile, so that a clip where the
    mask lost the legs in most frames is still judged by those where it did not). Where the segmentation mask
    loses the legs (on a rendered clip, legs held together in light trousers), the outline ends at the hips
    and its "thigh" is the buttock or a hand. (T,) bool; False without an outline or a hip point.

    Parameters
    ----------
    outline : ndarray (T, K, 2)
        Outlines in pixels (NaN rows where no mask).
    hip : ndarray (T, 2)
        The hip point per frame.
    length : float
        Thigh length in pixels.
    """
    ol = np.asarray(outline, dtype=np.float64)
    ok = np.isfinite(ol).all(axis=(1, 2)) & np.isfinite(hip).all(axis=1)
    reach = np.full(len(ol), np.nan)
    reach[ok] = (ol[ok, :, 1].max(axis=1) - hip[ok, 1]) / length
    if not ok.any():
        return ok
    return ok & (reach >= threshold("movement_outline_reach_min") * np.percentile(reach[ok], 90))


def outline_thigh_angle(outline: np.ndarray | None, hip: np.ndarray, length: float, facing: int,
                        guide: np.ndarray, timestamps: np.ndarray, kneeling: bool = False) -> tuple[np.ndarray, dict]:
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
        The thigh angle from the landmarks (deg behind vertical, any quality): where to start looking, and
        the thigh at rest where the outline's midline is not the thigh.
    timestamps : ndarray (T,)
        Seconds.
    kneeling : bool
        The rear-most thigh is a half-kneel's back thigh (a lunge), its lower leg on the floor behind the knee: the
        edge's points from where it turns away from the thigh down are left out (the module docstring).

    Returns
    -------
    angle : ndarray (T,)
        Degrees behind the vertical; NaN where the outline does not show the thigh.
    info : dict
        ``rest_frames`` (int array), ``coverage`` (share of frames with a value), ``rest_reference``
        (``"outline midline"``, ``"outline midline below the hand"`` or ``"landmarks"``: what gave the thigh's
        angle at rest), ``rest_wander_deg`` (the landmarks' thigh at rest spread wider than allowed: by how many
        degrees, at most; None otherwise) and ``unread_change`` (T,): in the frames left without an angle for that
        reason, how far (deg) the rear edge stood from its own rest, NaN elsewhere.
    """
    T = len(hip)
    nan = np.full(T, np.nan)
    info = {"rest_frames": np.array([], int), "coverage": 0.0}
    if outline is None or not facing or not np.isfinite(length) or length <= 0:
        return nan, info
    ol = np.asarray(outline, dtype=np.float64)
    g = np.where(np.isfinite(guide), guide, 0.0)
    legs = shows_legs(ol, hip, length)
    edges = np.full((T, len(DISTANCES)), np.nan)
    for f in range(T):
        if legs[f]:
            edges[f] = rear_edge_angle(ol[f], hip[f], length, facing, float(g[f]))
    # two readings of the rear edge, with opposite weak points, averaged: the rays' median angle from the hip
    # point (which moves forward when the pelvis tilts) and the direction of a line through the edge points
    # (which turns with the buttock's outline when the pelvis tilts). A thigh's rear edge is smooth: a point further
    # than movement_edge_outlier_max from the frame's median edge angle is something else the outline holds there
    # (the corner of a long top's hem, a hand), which would turn the line
    level = np.full(T, np.nan)
    with quiet():
        edges[np.abs(edges - np.nanmedian(edges, axis=1, keepdims=True)) > threshold("movement_edge_outlier_max")] \
            = np.nan
    if kneeling:
        # followed down from the buttock towards the knee, a thigh's rear edge turns ever closer to the thigh's axis
        # (its half-width behind the axis shrinks or stays while the distance grows): where a kneeling thigh's turns
        # away again by more than movement_edge_rise_max, the outline holds the floor between the thigh and its
        # lower leg, which the mask filled, from the lowest point before that on, and the points below are left out
        high = np.where(np.isfinite(edges), edges, np.inf)
        with quiet():  # a frame without edge points: inf - inf
            risen = high - np.minimum.accumulate(high, axis=1) > threshold("movement_edge_rise_max")
        for f in np.flatnonzero(risen.any(axis=1)):
            k = int(np.argmax(risen[f]))
            edges[f, k - int(np.argmin(high[f, :k][::-1])):] = np.nan
    for f in range(T):
        k = np.isfinite(edges[f])
        if k.sum() >= max(4, len(DISTANCES) // 2):
            r = np.radians(edges[f, k])
            pts = hip[f] + (DISTANCES[k] * length)[:, None] * np.stack([-facing * np.sin(r), np.cos(r)], 1)
            m = pts - pts.mean(axis=0)
            u = np.linalg.eigh(m.T @ m)[1][:, -1]
            u = u if u[1] > 0 else -u
            line = np.degrees(np.arctan2(-facing * u[0], u[1]))
            level[f] = 0.5 * (line + float(np.median(edges[f, k])))
    ok = np.isfinite(level)
    if ok.sum() < 3:
        return nan, info
    t = np.asarray(timestamps, dtype=np.float64)
    # rest candidates: the frames whose rear edge is lowest among their neighbours in time
    rest = np.zeros(T, bool)
    for f in np.flatnonzero(ok):
        near = ok & (np.abs(t - t[f]) <= REST_WINDOW_S)
        rest[f] = level[f] <= np.percentile(level[near], 10) + 2.0
    mids = np.full(T, np.nan)
    for f in np.flatnonzero(rest):
        mids[f] = thigh_midline_angle(ol[f], hip[f], length, facing, float(g[f]))
    # a midline far from where the landmarks put the thigh is not the thigh's axis: a hand hanging at the
    # thigh's front or a large buttock widened its cross-sections. When the midline is not found, or not the
    # thigh, in most rest frames, it is taken below the hand, and failing that the landmarks' thigh at rest stands
    # in for it in all of them
    found = rest & (np.abs(mids - g) <= MIDLINE_GUIDE_MAX)
    reference = "outline midline"
    if found.sum() < 0.5 * rest.sum():
        # a hand hanging at the thigh's front widens the cross-sections below the buttock: lower down, the wide
        # ones left out
        for f in np.flatnonzero(rest):
            mids[f] = thigh_midline_angle(ol[f], hip[f], length, facing, float(g[f]), below_hand=True)
        found = rest & (np.abs(mids - g) <= threshold("movement_lower_midline_guide_max"))
        reference = "outline midline below the hand"
    use_midline = bool(found.sum() >= 0.5 * rest.sum())
    if use_midline:
        mids[rest & ~found] = np.nan
    else:
        mids[rest] = np.asarray(guide, dtype=np.float64)[rest]
        reference = "landmarks"
    angle = np.full(T, np.nan)
    unread = np.full(T, np.nan)  # where the angle at rest is not known: the rear edge's change from its rest
    wander = []  # the landmarks' thigh at rest, where it stands in for the midline: how far it wandered
    for f in np.flatnonzero(ok):
        near = rest & np.isfinite(mids) & (np.abs(t - t[f]) <= REST_WINDOW_S)
        if not near.any():
            continue
        if not use_midline and near.sum() >= 3:
            spread = float(np.percentile(mids[near], 90) - np.percentile(mids[near], 10))
            if spread > REST_SPREAD_MAX:  # no steady rest: the thigh's angle is not known, only its change
                wander.append(spread)
                unread[f] = level[f] - np.median(level[near])
                continue
        angle[f] = np.median(mids[near]) + level[f] - np.median(level[near])
    info.update(rest_frames=np.flatnonzero(rest), coverage=float(np.isfinite(angle).mean()),
                rest_reference=reference, rest_wander_deg=round(max(wander), 1) if wander else None,
                unread_change=unread)
    return angle, info


def raised_height(poly: np.ndarray, origin: np.ndarray, axis: np.ndarray, distances: np.ndarray,
                  heights: np.ndarray) -> float:
    """How far the outline reaches above a lying body's axis: the largest of ``heights`` (pixels, measured
    perpendicular to ``axis``, towards the picture's top) at which a point at one of ``distances`` (pixels
    along the unit ``axis`` from ``origin``) lies inside the outline; 0 when none does.

    Lying face down, the axis from the hip along the legs: the legs on the table reach a little above it
    (their thickness), a lower leg bent up reaches up to its length. Neither landmark of the lower leg is
    used, so the reading holds where the pose model laid a raised lower leg back on the table."""
    u = np.asarray(axis, dtype=np.float64)
    up = np.array([-u[1], u[0]])
    up = up if up[1] < 0 else -up
    pts = (origin[None, None, :] + distances[:, None, None] * u[None, None, :]
           + heights[None, :, None] * up[None, None, :])
    m = inside_polygon(poly, pts.reshape(-1, 2)).reshape(len(distances), len(heights))
    cols = m.any(axis=0)
    return float(heights[np.flatnonzero(cols)[-1]]) if cols.any() else 0.0


def distance_outside(poly: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """How far each point (N, 2) lies outside the closed polygon (K, 2): its distance to the nearest edge, 0
    inside (pixels). (N,)"""
    a = np.asarray(poly, dtype=np.float64)
    q = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
    ab = np.roll(a, -1, axis=0) - a
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.clip(np.einsum("nkd,kd->nk", q[:, None, :] - a[None], ab) / np.sum(ab * ab, axis=1)[None], 0.0, 1.0)
    s = np.nan_to_num(s)  # an edge of no length: its first point
    d = np.linalg.norm(q[:, None, :] - (a[None] + s[..., None] * ab[None]), axis=2).min(axis=1)
    return np.where(inside_polygon(a, q), 0.0, d)


def legs_off_outline(outline: np.ndarray | None, pixels: np.ndarray, length: float) -> np.ndarray:
    """Frames where the pose model drew one leg lifted where the picture shows no body: its knee or ankle landmark
    lies above the other leg's knee in the picture and more than ``movement_leg_off_outline_min`` thigh lengths
    outside the body outline, while the other leg's knee and ankle lie inside it (so the outline does show the
    legs in that frame: a mask that lost the legs marks nothing).

    On a held-out rendered hip extension (the mannequin style) the pose model drew the far leg lifted forward
    at hip height, knee 0.25-0.35 thigh lengths outside the outline, for its first 1.5 s, while the person stood
    on both feet; the start posture read "standing on one leg". A point outside the outline lower down is the
    mask's loss more than the model's: on a held-out half-kneeling lunge the mask left out the back shin lying
    on the floor (bare skin on a wooden floor) in 93 of 300 frames, where the ankle landmark lay on it, 0.2-0.6
    thigh lengths outside the outline.

    Parameters
    ----------
    outline : ndarray (T, K, 2) or None
        Body outlines in pixels (NaN rows where none).
    pixels : ndarray (T, 33, 2)
        Landmark pixels (x right, y down).
    length : float
        Thigh length in pixels.

    Returns
    -------
    ndarray (T,) bool
        False where there is no outline or a landmark is missing.
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    out = np.zeros(len(p), bool)
    if outline is None or not np.isfinite(length) or length <= 0:
        return out
    ol = np.asarray(outline, dtype=np.float64)
    idx = [SIDE_IDX[s][k] for s in ("left", "right") for k in ("knee", "ankle")]
    far = threshold("movement_leg_off_outline_min") * length
    for f in np.flatnonzero(np.isfinite(ol).all(axis=(1, 2)) & np.isfinite(p[:, idx]).all(axis=(1, 2))):
        pts = p[f, idx].reshape(2, 2, 2)  # leg, (knee, ankle), xy
        d = distance_outside(ol[f], p[f, idx]).reshape(2, 2)
        # per leg: the further of its knee and ankle among those above the other leg's knee (y down)
        lifted = np.where(pts[:, :, 1] < pts[::-1, 0, 1][:, None], d, 0.0).max(axis=1)
        out[f] = bool((lifted.max() > far) and d[np.argmin(lifted)].max() == 0.0)
    return out
