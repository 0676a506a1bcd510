"""The per-frame series and repetition helpers every movement test shares.

Sign conventions (side view, image pixels x right / y down; "forward" = the way the person faces, see
:func:`analysis.posture_side.facing_to_sign`). All angles in degrees, all 2D (in the image plane):

* ``hip_extension`` (thigh behind the trunk line): angle from the trunk line (shoulder midpoint -> hip
  midpoint, extended below the hip) to the thigh (hip -> knee), **+ = knee behind that line
  (extension)**, - = knee in front (flexion). 0 = trunk and thigh in one straight line. The hip point
  is the midpoint of the two hip landmarks (they overlap in a side view), see :func:`leg_series`.
* ``thigh_behind_vertical``: angle of the thigh (hip -> knee) from the downward vertical, **+ = knee
  behind the hip (extension)**, - = in front (flexion); independent of the trunk. This is the
  "apparent" extension an observer sees; spine and pelvis movement adds to it.
  ``hip_extension = thigh_behind_vertical - trunk_lean``.
* ``hip_flexion`` = ``-hip_extension``.
* ``knee_flexion``: 180 minus the interior hip-knee-ankle angle, **0 = straight**, + = bent (unsigned:
  a hyperextended knee also reads as a small positive value).
* ``trunk_lean``: hip-midpoint -> shoulder-midpoint from the vertical, **+ = forward**; ``head_lean`` the same
  for hip-midpoint -> ears.
* ``thigh_above_horizontal``: hip -> knee above the image horizontal, **+ = knee higher than the hip**.
* ``lumbar_angle`` (needs the silhouette outline): the bend of the back outline at the low back,
  **+ = hollow (lumbar extension / lordosis)**; see :func:`lumbar_contour_angle`. An estimate: soft
  tissue and clothes shape the outline as much as the spine does.

Landmarks are read through :func:`clean_landmarks`: a landmark counts as **seen** in a frame when its
visibility reaches ``quality_visibility_min`` and it does not jump away from where its neighbours in time
put it (a knee cannot move half a thigh's length relative to the hips in one frame and come back: a
tracking error, not a movement), nor, for the shoulders and hips, in a frame where the trunk between them
stretched or shrank (:func:`trunk_jumps`), nor in a frame where the person was found only now and then
(:func:`sporadic_detections`). Unseen stretches up to ``movement_max_gap`` are bridged for finding
repetitions, but a value is only ever read where the landmarks it needs were seen (see
:func:`seen_near`); a peak that was only bridged is a lower bound, not a measurement.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

from analysis import geometry as geo
from analysis.filtering import frame_interval, running_median, smooth_track
from analysis.metric import Metric
from analysis.norms import Norm, norm, threshold
from analysis.posture_side import SIDE_IDX, deg_words, facing_to_sign
from analysis.quality import quiet
from analysis.view import body_yaw, facing_from_landmarks, facing_sign, typical_yaw

LUMBAR_HEIGHTS = (0.0, 0.3, 0.7)  # normalised trunk heights of the sacral, lumbar and thoracic back points
SIDES = ("left", "right")

__all__ = ["SIDE_IDX", "SIDES", "other_side", "midpoint", "CleanTrack", "clean_landmarks", "sporadic_detections",
           "resolve_facing", "facing_per_frame", "near_side_of", "near_side_lying", "trunk_length", "thigh_length",
           "shank_length", "shortened_leg", "leg_series", "hyperextended_knees", "trunk_lean", "head_lean",
           "steady_hip", "agreed_lean", "lumbar_contour_angle", "median_at",
           "seen_near", "visibility_confidence", "curve", "rep_metric", "summarise", "summary_dicts", "movement_found",
           "rest_level"]


def sporadic_detections(found: np.ndarray, timestamps: np.ndarray) -> np.ndarray:
    """Frames where the person was found only now and then: found, but in fewer than half of the frames within
    ``movement_sporadic_window_s`` / 2 either side that lie in the clip.

    Such a detection, amid frames where the pose model found no one, is a glimpse it made up, not the person
    followed: a held-out mannequin prone knee bend was found in 4 of its first 20 frames, with the still leg's
    knee read bent 133-147 degrees, and the test took that leg for the bending one. A run of detections longer than
    about half the window is kept whole (its first and last frames still see more than half of the window found),
    and so is a clip in which the person was found throughout.

    Parameters
    ----------
    found : ndarray (T,) bool
        The person found in the frame.
    timestamps : ndarray (T,)
        Seconds.

    Returns
    -------
    ndarray (T,) bool
    """
    f = np.asarray(found, dtype=bool)
    t = np.asarray(timestamps, dtype=np.float64)
    if len(f) < 3:
        return np.zeros(len(f), bool)
    dt = frame_interval(t)
    half = max(1, int(round(threshold("movement_sporadic_window_s") / 2 / dt))) if dt > 0 else 1

    def window_mean(x: np.ndarray) -> np.ndarray:
        return uniform_filter1d(x, size=2 * half + 1, mode="constant", cval=0.0)

    share = window_mean(f.astype(np.float64)) / window_mean(np.ones(len(f)))  # of the window's frames in the clip
    return f & (share < 0.5)


def other_side(side: str) -> str:
    return "right" if side == "left" else "left"


def midpoint(p: np.ndarray, name: str) -> np.ndarray:
    """Midpoint of the left and right landmark ``name`` (e.g. ``"hip"``) per frame, or the one side seen."""
    a, b = p[:, SIDE_IDX["left"][name]], p[:, SIDE_IDX["right"][name]]
    m = (a + b) / 2
    ok = np.isfinite(m).all(-1, keepdims=True)
    alt = np.where(np.isfinite(a).all(-1, keepdims=True), a, b)
    return np.where(ok, m, alt)


# ----------------------------------------------------------------------------------------------------
# landmarks: what was seen, cleaned
# ----------------------------------------------------------------------------------------------------
class CleanTrack:
    """Landmarks of a clip after :func:`clean_landmarks`.

    Attributes
    ----------
    p : ndarray (T, 33, 2)
        Smoothed pixels (zero-lag 6 Hz Butterworth), unseen stretches up to ``movement_max_gap`` bridged
        by interpolation, NaN beyond.
    seen : ndarray (T, 33) bool
        The landmark was seen in that frame: visible enough and not a jump (see the module docstring).
    jumps : ndarray (T, 33) bool
        Frames where the landmark jumped away and was dropped.
    """

    def __init__(self, p: np.ndarray, seen: np.ndarray, jumps: np.ndarray):
        self.p, self.seen, self.jumps = p, seen, jumps


def _jumps(p: np.ndarray, scale: float, limit: float) -> np.ndarray:
    """Landmark positions (relative to the hip midpoint) that lie further than ``limit`` x ``scale`` from
    the median of their neighbours within +/- 2 frames: spikes of one or two frames. (T, 33) bool."""
    T = len(p)
    out = np.zeros(p.shape[:2], bool)
    if T < 3 or not np.isfinite(scale) or scale <= 0:
        return out
    rel = p - midpoint(p, "hip")[:, None, :]
    rel[:, [23, 24]] = p[:, [23, 24]]  # the hips themselves: in the picture (they move smoothly)
    pad = np.concatenate([np.full((2,) + rel.shape[1:], np.nan), rel, np.full((2,) + rel.shape[1:], np.nan)])
    win = np.stack([pad[k:k + T] for k in (0, 1, 3, 4)], axis=0)  # the neighbours, not the frame itself
    with quiet():
        med = np.nanmedian(win, axis=0)
        n = np.sum(np.isfinite(win[..., 0]), axis=0)
        d = np.hypot(*(rel - med).transpose(2, 0, 1))
    return (n >= 2) & (d > limit * scale)


TRUNK_POINTS = (11, 12, 23, 24)
"""The shoulders and hips: the trunk's ends."""


def trunk_jumps(p: np.ndarray, t: np.ndarray, limit: float, window_s: float) -> np.ndarray:
    """Frames where the trunk (hip midpoint -> shoulder midpoint, pixels) is longer or shorter than the median of
    the other frames within ``window_s`` seconds either side by more than the fraction ``limit``. A trunk does not
    stretch or shrink that fast: the pose model put the hips or the shoulders somewhere else for a moment (on a
    held-out pixel-art figure it put the hips halfway down the thighs for two frames of a swing, and the thigh's
    axis drawn from there read 36 degrees for 15). A person walking towards the camera grows by a few per cent
    in half a second. (T,) bool."""
    T = len(p)
    out = np.zeros(T, bool)
    if T < 3:
        return out
    with quiet():
        L = np.hypot(*(midpoint(p, "shoulder") - midpoint(p, "hip")).T)
    for f in np.flatnonzero(np.isfinite(L)):
        near = np.abs(t - t[f]) <= window_s
        near[f] = False
        ref = L[near][np.isfinite(L[near])]
        out[f] = ref.size >= 3 and abs(L[f] / np.median(ref) - 1.0) > limit
    return out


def clean_landmarks(pixels: np.ndarray, visibility: np.ndarray, timestamps: np.ndarray | None,
                    jump_limit: float | None = None) -> CleanTrack:
    """What was seen of each landmark, and the smoothed track (see :class:`CleanTrack`).

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
        ``PoseSequence.pixels``.
    visibility : ndarray (T, 33)
    timestamps : ndarray (T,) or None
        Seconds; None (or one frame) = a photo, not smoothed.
    jump_limit : float, optional
        A landmark further than this many thigh lengths from the median of its neighbours (relative to
        the hips) is a jump; default ``movement_jump_limit``. Use a larger value for running.
    """
    p = np.array(pixels, dtype=np.float64).reshape(-1, 33, 2)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    with quiet():
        seen = (vis >= threshold("quality_visibility_min")) & np.isfinite(p).all(-1)
    t = np.asarray(timestamps, dtype=np.float64) if timestamps is not None and len(p) > 2 else None
    if t is not None:
        seen &= ~sporadic_detections(np.isfinite(p).all(-1).any(-1), t)[:, None]
    p[~seen] = np.nan
    jumps = np.zeros(seen.shape, bool)
    if t is not None:
        scale = thigh_length(p)
        jumps = _jumps(p, scale, threshold("movement_jump_limit") if jump_limit is None else jump_limit)
        p[jumps] = np.nan
        jumps[:, TRUNK_POINTS] |= trunk_jumps(p, t, threshold("movement_trunk_jump_max"),
                                              threshold("movement_trunk_jump_window_s"))[:, None]
        seen &= ~jumps
        p[jumps] = np.nan
        p = smooth_track(p, t, max_gap_s=threshold("movement_max_gap"))
    return CleanTrack(p, seen, jumps)


def trunk_length(p: np.ndarray) -> float:
    """Median hip-midpoint -> shoulder-midpoint distance in pixels over the frames (NaN when never seen)."""
    d = np.hypot(*(midpoint(p, "shoulder") - midpoint(p, "hip")).T)
    d = d[np.isfinite(d)]
    return float(np.median(d)) if d.size else float("nan")


def thigh_length(p: np.ndarray, side: str | None = None) -> float:
    """Median hip -> knee distance in pixels over the frames (one side, or both), NaN when never seen."""
    sides = [side] if side else list(SIDES)
    d = np.concatenate([np.hypot(*(p[:, SIDE_IDX[s]["hip"]] - p[:, SIDE_IDX[s]["knee"]]).T) for s in sides])
    d = d[np.isfinite(d)]
    return float(np.median(d)) if d.size else float("nan")


def shank_length(p: np.ndarray, side: str) -> float:
    """Median knee -> ankle distance of one side in pixels over the frames, NaN when never seen."""
    d = np.hypot(*(p[:, SIDE_IDX[side]["knee"]] - p[:, SIDE_IDX[side]["ankle"]]).T)
    d = d[np.isfinite(d)]
    return float(np.median(d)) if d.size else float("nan")


def shortened_leg(p: np.ndarray, side: str, min_ratio: float, parts=("thigh", "shank"),
                  trunk_ratio: float | None = None) -> np.ndarray:
    """Frames where one leg's thigh (hip -> knee) or lower leg (knee -> ankle), of ``parts``, lies shorter in the
    picture than ``min_ratio`` times its median length over the clip (:func:`thigh_length`, :func:`shank_length`),
    or, with ``trunk_ratio``, than that times the trunk's median length over the clip (hip midpoint -> shoulder
    midpoint; a thigh or lower leg is about 0.85 of it). (T,) bool.

    A leg bending in the picture's plane (a side view of a knee bend) keeps both lengths; a segment drawn much
    shorter is a knee or ankle point the pose model put in the wrong place (pulled onto the other end, or onto the
    other leg), and a joint angle read from it is not the leg's. Against the trunk, a leg drawn short through most
    of the clip (its own median short too) is still found."""
    i = SIDE_IDX[side]
    ends = {"thigh": ("hip", "knee", thigh_length(p, side)), "shank": ("knee", "ankle", shank_length(p, side))}
    trunk = trunk_length(p) if trunk_ratio is not None else np.nan
    out = np.zeros(len(p), bool)
    for a, b, ref in (ends[k] for k in parts):
        with quiet():
            seg = np.hypot(*(p[:, i[a]] - p[:, i[b]]).T)
            out |= seg < min_ratio * ref
            if np.isfinite(trunk):
                out |= seg < trunk_ratio * trunk
    return out


# ----------------------------------------------------------------------------------------------------
# facing
# ----------------------------------------------------------------------------------------------------
def resolve_facing(pixels: np.ndarray, visibility: np.ndarray, world: np.ndarray | None = None,
                   facing=None) -> int:
    """+1 (facing the image right) / -1 (left) / 0 (unknown): ``facing`` when given, else the face and
    feet in the picture (:func:`analysis.view.facing_from_landmarks`: the nose ahead of the ears does not
    depend on which leg the model calls left), else the world landmarks' body yaw."""
    if facing is not None:
        return facing_to_sign(facing)
    s = facing_from_landmarks(pixels, visibility)
    if s:
        return s
    if world is not None:
        with quiet():
            return facing_sign(typical_yaw(body_yaw(np.asarray(world, dtype=np.float64))))
    return 0


def facing_per_frame(p: np.ndarray, world, fc: int) -> np.ndarray:
    """+1 / -1 per frame: which way the body faces (the nose ahead of the ears, else the world body yaw
    where side-on), held through frames where neither tells; ``fc`` where nothing ever does. (T,)"""
    T = len(p)
    with quiet():
        nose = p[:, 0, 0] - (p[:, 7, 0] + p[:, 8, 0]) / 2
        scale = np.hypot(*(midpoint(p, "shoulder") - midpoint(p, "hip")).T)
        s = np.where(np.abs(nose) >= 0.02 * scale, np.sign(nose), 0.0)
    if world is not None:
        with quiet():
            yaw = body_yaw(np.asarray(world, dtype=np.float64))
            side_on = (np.abs(yaw) >= 45.0) & (np.abs(yaw) <= 135.0)
        s = np.where((s == 0) & side_on, np.sign(yaw), s)
    s = np.where(np.isfinite(s), s, 0.0)
    known = np.flatnonzero(s != 0)
    if known.size == 0:
        return np.full(T, float(fc))
    near = known[np.clip(np.searchsorted(known, np.arange(T)), 0, known.size - 1)]
    return s[near]


def near_side_of(facing: int) -> str | None:
    """The body side towards the camera in a side view: facing the image right shows the right side."""
    return None if not facing else ("right" if facing > 0 else "left")


def near_side_lying(pixels: np.ndarray, face_up: bool) -> str | None:
    """The body side towards the camera of a person lying side-on, without the pose model's left/right labels.

    Lying on the back with the head at the image left shows the right side (as if, standing facing the image
    right, the person had lain back); face down it shows the left side. The head's end is where the nose
    lies from the hip midpoint, in most frames (the midpoint and the nose do not depend on which side the
    model calls left).

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
    face_up : bool
        Lying on the back (True) or face down (False).

    Returns
    -------
    str or None
        ``"left"`` / ``"right"``; None when the head's end is not clear (nose not found, or as many frames
        each way).
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    with quiet():
        head = np.sign(p[:, 0, 0] - midpoint(p, "hip")[:, 0])
    head = head[np.isfinite(head) & (head != 0)]
    if head.size == 0 or head.sum() == 0:
        return None
    head_left = head.sum() < 0
    return "right" if head_left == face_up else "left"


# ----------------------------------------------------------------------------------------------------
# angles per frame
# ----------------------------------------------------------------------------------------------------
def trunk_lean(p: np.ndarray, facing, hip: np.ndarray | None = None) -> np.ndarray:
    """Trunk lean per frame (deg, + = forward of vertical; see the module docstring): the line from the hip
    midpoint (or ``hip``, pixels (T, 2), e.g. :func:`steady_hip`) to the shoulder midpoint. (T,)"""
    return geo.inclination_to_vertical(midpoint(p, "hip") if hip is None else hip, midpoint(p, "shoulder")) * facing


def head_lean(p: np.ndarray, facing, hip: np.ndarray | None = None) -> np.ndarray:
    """The hip midpoint (or ``hip``, as in :func:`trunk_lean`) -> ears line per frame (deg from the vertical, + =
    forward; the ears' midpoint, or the one ear seen). A second reading of how far the body leans, from points
    the shoulders' do not share. (T,)"""
    with quiet():
        ears = np.nanmean(np.asarray(p, dtype=np.float64)[:, [7, 8]], axis=1)
    return geo.inclination_to_vertical(midpoint(p, "hip") if hip is None else hip, ears) * facing


def steady_hip(p: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The hip midpoint's running median over ``movement_trunk_hip_span_s`` (pixels, (T, 2); NaN where the hip
    midpoint is): where the hips stand while the trunk leans, without the pull a swinging leg gives the pose
    model's hip points for the length of a swing (see norms.toml)."""
    m = midpoint(p, "hip")
    span = threshold("movement_trunk_hip_span_s")
    return np.stack([running_median(t, m[:, j], span) for j in (0, 1)], axis=1)


def agreed_lean(a, b):
    """The lean two readings agree on (deg, elementwise): where both lean the same way, the smaller; where they
    lean opposite ways, 0; where one is NaN, the other. A lean only one reading shows is that reading's own
    movement (the shoulders drawn forward by the arms, the head nodding), not the trunk's."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    agreed = np.where(np.sign(a) == np.sign(b), np.where(np.abs(a) <= np.abs(b), a, b), 0.0)
    return np.where(np.isnan(a), b, np.where(np.isnan(b), a, agreed))


def leg_series(p: np.ndarray, side: str, facing, hip: str = "mid") -> dict[str, np.ndarray]:
    """Per-frame angles of one leg from prepared pixels ``p`` (T, 33, 2).

    Parameters
    ----------
    p : ndarray, shape (T, 33, 2)
        From :func:`clean_landmarks`.
    side : str
        The person's ``"left"`` or ``"right"``.
    facing : int or ndarray (T,)
        +1 facing the image right, -1 left (per frame when an array, e.g. a walk that turns round);
        0 (lying, or unknown) leaves the signed side-view series NaN.
    hip : str
        ``"mid"`` (default): the hip point is the midpoint of the two hip landmarks and the trunk line
        runs shoulder midpoint -> hip midpoint; ``"side"``: this side's hip and shoulder landmarks
        (used lying down, where the hugged or bent leg drags the midpoint).

    Returns
    -------
    dict of str to ndarray (T,)
        ``hip_extension``, ``hip_flexion``, ``thigh_behind_vertical``, ``knee_flexion``,
        ``thigh_above_horizontal``, ``hip_angle`` (interior shoulder-hip-knee, 0..180), in degrees with
        the signs of the module docstring.
    """
    i = SIDE_IDX[side]
    knee, ank = p[:, i["knee"]], p[:, i["ankle"]]
    # Side view: the two hip landmarks overlap, and the midpoint is the steadier hip-joint estimate
    # (MediaPipe's own hip landmark of a moving leg drifts with the thigh: on rendered hip extensions
    # the thigh angle from it read 1-4 deg low, from the midpoint within 1 deg). Trunk line: shoulder
    # midpoint -> hip midpoint. Each falls back to the one side seen.
    if hip == "side":
        sh, hp = p[:, i["shoulder"]], p[:, i["hip"]]
        sh = np.where(np.isfinite(sh).all(-1, keepdims=True), sh, midpoint(p, "shoulder"))
        hip = np.where(np.isfinite(hp).all(-1, keepdims=True), hp, midpoint(p, "hip"))
    else:
        sh, hip = midpoint(p, "shoulder"), midpoint(p, "hip")
    out = {"knee_flexion": 180.0 - geo.angle_at(hip, knee, ank),
           "thigh_above_horizontal": -geo.angle_below_horizontal(hip, knee),
           "hip_angle": geo.angle_at(sh, hip, knee)}
    facing = np.asarray(facing, dtype=np.float64)
    if np.any(facing != 0):
        facing = np.where(facing == 0, np.nan, facing)
        flex = geo.signed_angle_2d(hip - sh, knee - hip) * facing
        out["hip_flexion"] = flex
        out["hip_extension"] = -flex
        out["thigh_behind_vertical"] = geo.inclination_to_vertical(knee, hip) * facing
    else:
        nan = np.full(len(p), np.nan)
        out["hip_flexion"] = out["hip_extension"] = out["thigh_behind_vertical"] = nan
    return out


def hyperextended_knees(p: np.ndarray, facing: int) -> np.ndarray:
    """Frames where a knee landmark bends its leg backwards further than a knee can.

    The signed knee angle is the turn from the thigh (hip midpoint -> knee) to the lower leg (knee ->
    ankle) in the image, + = flexion (the lower leg swung behind the thigh), - = hyperextension. A knee
    hyperextends by a few degrees, by 15-20 in marked genu recurvatum, rarely by 30; beyond
    ``movement_knee_hyperextension_max`` the knee or the ankle landmark is misplaced (the pose model lost
    the leg), and no thigh angle is read from that knee.

    Parameters
    ----------
    p : ndarray (T, 33, 2)
        Landmark pixels (raw or cleaned; NaN = not seen).
    facing : int
        +1 facing the image right, -1 left (a side view of an upright or kneeling body); 0 marks nothing.

    Returns
    -------
    ndarray (T, 33) bool
        True at the knee landmark (25 left, 26 right) of each such frame.
    """
    p = np.asarray(p, dtype=np.float64).reshape(-1, 33, 2)
    out = np.zeros(p.shape[:2], bool)
    if not facing:
        return out
    hip = midpoint(p, "hip")
    limit = threshold("movement_knee_hyperextension_max")
    for side in SIDES:
        i = SIDE_IDX[side]
        knee, ank = p[:, i["knee"]], p[:, i["ankle"]]
        bend = -geo.signed_angle_2d(knee - hip, ank - knee) * facing
        with quiet():
            out[:, i["knee"]] = bend < -limit
    return out


def lumbar_contour_angle(outline: np.ndarray | None, p: np.ndarray, facing: int,
                         heights: tuple[float, float, float] = LUMBAR_HEIGHTS) -> np.ndarray:
    """Bend of the back outline at the low back, per frame, vectorised over frames.

    The back edge is read at three normalised trunk heights (``h = 0`` hip level, ``1`` shoulder level,
    :mod:`analysis.silhouette` trunk frame): sacrum/buttock ``h0``, low back ``h1`` and upper back ``h2``
    (default 0, 0.3, 0.7). At each height the back edge is the first crossing of the outline behind
    the trunk axis. The angle is the turn from the line h0 -> h1 to the line h1 -> h2, in degrees,
    **+ = hollow (the low back sits in front of the line from buttock to upper back: lordosis)**.

    Parameters
    ----------
    outline : ndarray, shape (T, K, 2) or None
        Silhouette outlines in pixels (NaN rows where no mask).
    p : ndarray, shape (T, 33, 2)
        Landmark pixels of the same frames.
    facing : int
        +1 facing image right, -1 left (0 gives NaN).

    Returns
    -------
    ndarray, shape (T,)
        NaN where the outline or the trunk landmarks are missing.
    """
    T = len(p)
    if outline is None or not facing:
        return np.full(T, np.nan)
    ol = np.asarray(outline, dtype=np.float64)
    hip, sh = midpoint(p, "hip"), midpoint(p, "shoulder")
    d = sh - hip
    L = np.hypot(d[:, 0], d[:, 1])
    L = np.where(L > 1e-6, L, np.nan)
    u = d / L[:, None]
    post = -facing * np.stack([-u[:, 1], u[:, 0]], axis=-1)
    rel = ol - hip[:, None, :]
    hh = np.einsum("tkc,tc->tk", rel, u) / L[:, None]
    ss = np.einsum("tkc,tc->tk", rel, post) / L[:, None]
    h0, s0 = hh, ss
    h1, s1 = np.roll(hh, -1, axis=1), np.roll(ss, -1, axis=1)
    backs = []
    for h in heights:  # three fixed heights, not frames
        cross = (h0 <= h) != (h1 <= h)
        with np.errstate(invalid="ignore", divide="ignore"):
            tt = (h - h0) / (h1 - h0)
            sc = np.where(cross, s0 + tt * (s1 - s0), np.nan)
        sc = np.where(sc > 0, sc, np.inf)
        b = np.min(sc, axis=1)
        backs.append(np.where(np.isfinite(b), b, np.nan))
    b0, b1, b2 = backs
    a1 = np.degrees(np.arctan2(b1 - b0, heights[1] - heights[0]))
    a2 = np.degrees(np.arctan2(b2 - b1, heights[2] - heights[1]))
    return a2 - a1


# ----------------------------------------------------------------------------------------------------
# reading values
# ----------------------------------------------------------------------------------------------------
def median_at(x: np.ndarray, frames) -> float:
    """Median of ``x`` over ``frames`` (NaN ignored; NaN when nothing is finite)."""
    fr = np.atleast_1d(np.asarray(frames, dtype=int))
    v = np.asarray(x, dtype=np.float64)[fr[(fr >= 0) & (fr < len(x))]]
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else float("nan")


def seen_near(seen: np.ndarray, idx, frames, margin: int = 1) -> np.ndarray:
    """Which of ``frames`` had all landmarks ``idx`` seen within ``margin`` frames (bool array)."""
    s = np.asarray(seen, bool)[:, list(idx)].all(axis=1)
    fr = np.atleast_1d(np.asarray(frames, dtype=int))
    out = np.zeros(len(fr), bool)
    for k, f in enumerate(fr):
        out[k] = bool(s[max(0, f - margin):f + margin + 1].any())
    return out


def rest_level(x: np.ndarray, frames=None, fraction: float = 0.2) -> float:
    """The resting level of a movement signal: the median of its lowest ``fraction`` of frames (of
    ``frames`` when given), so that no single outlying frame sets it."""
    v = np.asarray(x, dtype=np.float64)
    if frames is not None:
        v = v[np.asarray(frames, dtype=int)]
    v = np.sort(v[np.isfinite(v)])
    if v.size == 0:
        return float("nan")
    return float(np.median(v[:max(1, int(round(fraction * v.size)))]))


def visibility_confidence(vis: np.ndarray, idx, frames) -> float:
    """Mean visibility of landmarks ``idx`` over ``frames``, clipped to 0..1 (0 when none)."""
    v = np.asarray(vis, dtype=np.float64).reshape(-1, 33)
    fr = np.atleast_1d(np.asarray(frames, dtype=int))
    fr = fr[(fr >= 0) & (fr < len(v))]
    if fr.size == 0:
        return 0.0
    with quiet():
        m = float(np.nanmean(v[np.ix_(fr, list(idx))]))
    return float(np.clip(m if np.isfinite(m) else 0.0, 0.0, 1.0))


def curve(t: np.ndarray, series: dict[str, np.ndarray], frames: np.ndarray | None = None, nd: int = 2) -> dict:
    """Lists of rounded floats (None for NaN) for a JSON plot: ``time_s`` and one list per series."""
    fr = np.arange(len(t)) if frames is None else np.asarray(frames, int)

    def lst(a):
        a = np.asarray(a, dtype=np.float64)[fr]
        return [None if not np.isfinite(x) else round(float(x), nd) for x in a]

    out = {"time_s": lst(t)}
    for k, v in series.items():
        out[k] = lst(v)
    return out


# ----------------------------------------------------------------------------------------------------
# metrics
# ----------------------------------------------------------------------------------------------------
def _norm_or_none(key: str) -> Norm | None:
    try:
        return norm(key)
    except KeyError:
        return None


def rep_metric(key: str, name: str, value: float, unit: str, definition: str, *, side: str | None,
               rep: int | None, norm_key: str | None = None, confidence: float = 0.0, kind: str = "measurement",
               spread: float | None = None, reason: str | None = None, extra: dict | None = None,
               words: str | None = None) -> Metric:
    """A :class:`Metric` that names its repetition (``extra['repetition']``, 1-based) and side.

    A value outside the metric's plausibility bounds (``plausible_<key>`` in the norms file: what a body
    and a camera can give) is a landmark error: it is reported as not measured, with the reason."""
    nrm = _norm_or_none(norm_key) if norm_key else None
    ex = {"repetition": rep}
    ex.update(extra or {})
    v = None if value is None or not np.isfinite(value) else float(value)
    bounds = _norm_or_none(f"plausible_{key}")
    if v is not None and bounds is not None and bounds.status(v) != "within":
        ex["implausible_value"] = round(v, 1)
        reason = (f"{v:.0f} {unit} is outside what a body can do here ({bounds.describe()}): a landmark error, "
                  "not a measurement")
        v = None
    status = nrm.status(v) if (nrm is not None and v is not None) else "unknown"
    reading = ""
    if v is not None:
        what = words if words is not None else (deg_words(v, signed=True) if unit == "deg" else f"{v:.2f} {unit}")
        where = f" ({side} side" + (f", repetition {rep})" if rep else ")") if side else ""
        reading = f"{name}{where}: {what}"
        if nrm is not None:
            reading += {"within": f", within the usual range ({nrm.describe()})",
                        "above": f", above the usual range ({nrm.describe()})",
                        "below": f", below the usual range ({nrm.describe()})"}[status]
        reading += "."
    return Metric(key, name, v, unit, definition, kind, float(np.clip(confidence, 0, 1)), spread, nrm, status,
                  reading, None if v is not None else (reason or "could not be measured"), side, ex)


def summarise(key: str, name: str, values: list[float], unit: str, definition: str, side: str | None,
              norm_key: str | None = None, confidence: float = 0.0, larger_is_better: bool = True,
              reason: str | None = None) -> dict:
    """Best, mean and spread (SD, ddof=1) of a per-repetition value as Metrics.

    Returns
    -------
    dict
        ``{"best": Metric, "mean": Metric, "spread": Metric, "n": int, "values": [...]}`` where the
        metrics' ``extra['repetitions']`` lists the per-repetition values (index 1-based). ``reason``
        explains missing values (default: no repetition was found).
    """
    v = np.array([x for x in values], dtype=np.float64)
    fin = v[np.isfinite(v)]
    reps = [{"repetition": i + 1, "value": (None if not np.isfinite(x) else round(float(x), 2))}
            for i, x in enumerate(v)]
    best = (np.max(fin) if larger_is_better else np.min(fin)) if fin.size else np.nan
    mean = np.mean(fin) if fin.size else np.nan
    sd = float(np.std(fin, ddof=1)) if fin.size >= 2 else np.nan
    ex = {"repetitions": reps}
    why = (reason or "no repetition was found") if fin.size == 0 else "needs at least two repetitions"
    return {
        "best": rep_metric(f"{key}_best", f"{name}, best", best, unit, definition + " Best repetition.", side=side,
                           rep=None, norm_key=norm_key, confidence=confidence, extra=ex, reason=why),
        "mean": rep_metric(f"{key}_mean", f"{name}, mean", mean, unit, definition + " Mean over repetitions.",
                           side=side, rep=None, norm_key=norm_key, confidence=confidence, extra=ex, reason=why),
        "spread": rep_metric(f"{key}_spread", f"{name}, spread", sd, unit,
                             "Standard deviation over repetitions (ddof=1) of: " + definition, side=side, rep=None,
                             confidence=confidence, extra=ex, reason="needs at least two repetitions"),
        "n": int(fin.size), "values": [r["value"] for r in reps]}


def movement_found(res: dict, n: int, what: str, why: str) -> None:
    """Record in a test's result whether its movement was found: ``res["movement"]`` (``found``,
    ``repetitions``, ``reason``: ``n`` and ``what`` when found, else ``why``, which also joins the problems)."""
    res["movement"] = {"found": n > 0, "repetitions": int(n), "reason": f"{n} {what}" if n else why}
    if not n:
        res["problems"].append(why)


def summary_dicts(s: dict) -> dict:
    """:func:`summarise`'s output with its Metrics as JSON-ready dicts."""
    return {k: (v.to_dict() if isinstance(v, Metric) else v) for k, v in s.items()}
