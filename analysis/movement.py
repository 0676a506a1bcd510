"""Hip extension range and spinal compensation from a side-view movement clip, and the one entry point
:func:`run_movement_test` for every movement test (hip extension, lunge, sit-to-stand, Thomas, Ely, walk).

Sign conventions (side view, image pixels x right / y down; "forward" = the way the person faces, see
:func:`analysis.posture_side.facing_to_sign`). All angles in degrees, all 2D (in the image plane):

* ``hip_extension`` (thigh behind the trunk line): angle from the trunk line (shoulder midpoint -> hip
  midpoint, extended below the hip) to the thigh (hip -> knee), **+ = knee behind that line
  (extension)**, - = knee in front (flexion). 0 = trunk and thigh in one straight line. The hip point
  is the midpoint of the two hip landmarks (they overlap in a side view), see :func:`leg_series`.
* ``thigh_behind_vertical``: angle of the thigh (hip -> knee) from the downward vertical, **+ = knee
  behind the hip (extension)**, - = in front (flexion); independent of the trunk. This is the
  "apparent" extension an observer sees; spine and pelvis movement adds to it.
* ``hip_flexion`` = ``-hip_extension``.
* ``knee_flexion``: 180 minus the interior hip-knee-ankle angle, **0 = straight**, + = bent (unsigned:
  a hyperextended knee also reads as a small positive value).
* ``trunk_lean``: hip-midpoint -> shoulder-midpoint from the vertical, **+ = forward**.
* ``thigh_above_horizontal``: hip -> knee above the image horizontal, **+ = knee higher than the hip**.
* ``lumbar_angle`` (needs the silhouette outline): the bend of the back outline at the low back,
  **+ = hollow (lumbar extension / lordosis)**; see :func:`lumbar_contour_angle`. An estimate: soft
  tissue and clothes shape the outline as much as the spine does.

Compensation (per repetition, rest -> peak): the **apparent extension** is the rise of
``thigh_behind_vertical``. Without pelvic landmarks the low back and pelvis are followed with the
silhouette: the rise of ``lumbar_angle`` is the part they gave (anterior pelvic tilt and lumbar
extension both hollow the low back). **Compensation index** = lumbar angle gained / apparent
extension, clipped to 0..1: 0 = all of the movement came from the hip, 1 = none of it did. The
silhouette pelvic-tilt estimate (:func:`analysis.pelvis.estimate_pelvic_tilt`, on at most five frames at
rest and five at the peak) is reported beside it as ``pelvic_tilt_change_deg``; on renders it
under-read the tilt gained by about half, so it is not used for the index. The curve (hip extension, trunk lean and lumbar angle per frame) is returned for a
plot, with the slope of the lumbar angle against the thigh angle over the way out.

Every result names its repetition (1-based) and side (the person's ``"left"``/``"right"``).
"""

from __future__ import annotations

import numpy as np

from analysis import geometry as geo
from analysis.metric import Metric
from analysis.norms import Norm, norm, threshold
from analysis.posture_side import SIDE_IDX, deg_words, facing_to_sign
from analysis.quality import _quiet
from analysis.segmentation import (FOOT_PAIRS, KNEE_PAIRS, Repetition, find_repetitions, gait_events, leg_swaps,
                                   phase_labels,
                                   steady_travel, swap_legs, travel_direction)
from analysis.steady import prepare_track
from analysis.view import body_yaw, facing_from_landmarks, facing_sign, typical_yaw

KINDS = ("hip_extension", "lunge", "sit_to_stand", "thomas", "thomas_front", "ely", "walk")
LUMBAR_HEIGHTS = (0.0, 0.3, 0.7)  # normalised trunk heights of the sacral, lumbar and thoracic back points

__all__ = ["KINDS", "prepare", "resolve_facing", "leg_series", "trunk_lean", "lumbar_contour_angle",
           "hip_extension_test", "walk_test", "compensation", "summarise", "run_movement_test", "rep_metric"]


# ----------------------------------------------------------------------------------------------------
# per-frame series
# ----------------------------------------------------------------------------------------------------
def prepare(pixels: np.ndarray, visibility: np.ndarray, timestamps: np.ndarray | None) -> np.ndarray:
    """Masked (visibility < 0.5 -> NaN), gap-filled and 6 Hz zero-lag filtered landmarks (T, 33, 2)."""
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    return prepare_track(p, np.asarray(visibility, dtype=np.float64).reshape(-1, 33), timestamps)


def resolve_facing(pixels: np.ndarray, visibility: np.ndarray, world: np.ndarray | None = None,
                   facing=None) -> int:
    """+1 (facing the image right) / -1 (left) / 0 (unknown): ``facing`` when given, else from the world
    landmarks' body yaw, else from the 2D face and feet (:func:`analysis.view.facing_from_landmarks`)."""
    if facing is not None:
        return facing_to_sign(facing)
    if world is not None:
        with _quiet():
            s = facing_sign(typical_yaw(body_yaw(np.asarray(world, dtype=np.float64))))
        if s:
            return s
    return facing_from_landmarks(pixels, visibility)


def _mid(p: np.ndarray, name: str) -> np.ndarray:
    a, b = p[:, SIDE_IDX["left"][name]], p[:, SIDE_IDX["right"][name]]
    m = (a + b) / 2
    ok = np.isfinite(m).all(-1, keepdims=True)
    alt = np.where(np.isfinite(a).all(-1, keepdims=True), a, b)
    return np.where(ok, m, alt)


def trunk_lean(p: np.ndarray, facing: int) -> np.ndarray:
    """Trunk lean per frame (deg, + = forward of vertical; see the module docstring). (T,)"""
    return geo.inclination_to_vertical(_mid(p, "hip"), _mid(p, "shoulder")) * facing


def leg_series(p: np.ndarray, side: str, facing, hip: str = "mid") -> dict[str, np.ndarray]:
    """Per-frame angles of one leg from prepared pixels ``p`` (T, 33, 2).

    Parameters
    ----------
    p : ndarray, shape (T, 33, 2)
        From :func:`prepare`.
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
        sh = np.where(np.isfinite(sh).all(-1, keepdims=True), sh, _mid(p, "shoulder"))
        hip = np.where(np.isfinite(hp).all(-1, keepdims=True), hp, _mid(p, "hip"))
    else:
        sh, hip = _mid(p, "shoulder"), _mid(p, "hip")
    out = {"knee_flexion": 180.0 - geo.angle_at(hip, knee, ank),
           "thigh_above_horizontal": -geo.angle_below_horizontal(hip, knee),
           "hip_angle": geo.angle_at(sh, hip, knee)}
    facing = np.asarray(facing, dtype=np.float64)
    if np.any(facing != 0):
        facing = np.where(facing == 0, np.nan, facing)
        # signed_angle_2d > 0 = counter-clockwise on screen; for a person facing right a knee moving
        # forward of the trunk line turns the thigh clockwise... see posture_side.side_series
        flex = geo.signed_angle_2d(hip - sh, knee - hip) * facing
        out["hip_flexion"] = flex
        out["hip_extension"] = -flex
        out["thigh_behind_vertical"] = geo.inclination_to_vertical(knee, hip) * facing
    else:
        nan = np.full(len(p), np.nan)
        out["hip_flexion"] = out["hip_extension"] = out["thigh_behind_vertical"] = nan
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
    hip, sh = _mid(p, "hip"), _mid(p, "shoulder")
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
# metrics helpers
# ----------------------------------------------------------------------------------------------------
def _norm_or_none(key: str) -> Norm | None:
    try:
        return norm(key)
    except KeyError:
        return None


def _vis_conf(vis: np.ndarray, idx, frames) -> float:
    v = np.asarray(vis, dtype=np.float64).reshape(-1, 33)
    fr = np.atleast_1d(np.asarray(frames, dtype=int))
    fr = fr[(fr >= 0) & (fr < len(v))]
    if fr.size == 0:
        return 0.0
    with _quiet():
        m = float(np.nanmean(v[np.ix_(fr, list(idx))]))
    return float(np.clip(m if np.isfinite(m) else 0.0, 0.0, 1.0))


def rep_metric(key: str, name: str, value: float, unit: str, definition: str, *, side: str | None,
               rep: int | None, norm_key: str | None = None, confidence: float = 0.0, kind: str = "measurement",
               spread: float | None = None, reason: str | None = None, extra: dict | None = None,
               words: str | None = None) -> Metric:
    """A :class:`Metric` that names its repetition (``extra['repetition']``, 1-based) and side."""
    nrm = _norm_or_none(norm_key) if norm_key else None
    ex = {"repetition": rep}
    ex.update(extra or {})
    v = None if value is None or not np.isfinite(value) else float(value)
    status = nrm.status(v) if (nrm is not None and v is not None) else "unknown"
    reading = ""
    if v is not None:
        what = words if words is not None else (deg_words(v) if unit == "deg" else f"{v:.2f} {unit}")
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
              norm_key: str | None = None, confidence: float = 0.0, larger_is_better: bool = True) -> dict:
    """Best, mean and spread (SD, ddof=1) of a per-repetition value as Metrics (JSON-ready dicts).

    Returns
    -------
    dict
        ``{"best": Metric, "mean": Metric, "spread": Metric, "n": int, "values": [...]}`` where the
        metrics' ``extra['repetitions']`` lists the per-repetition values (index 1-based).
    """
    v = np.array([x for x in values], dtype=np.float64)
    fin = v[np.isfinite(v)]
    reps = [{"repetition": i + 1, "value": (None if not np.isfinite(x) else round(float(x), 2))} for i, x in enumerate(v)]
    best = (np.max(fin) if larger_is_better else np.min(fin)) if fin.size else np.nan
    mean = np.mean(fin) if fin.size else np.nan
    sd = float(np.std(fin, ddof=1)) if fin.size >= 2 else np.nan
    ex = {"repetitions": reps}
    why = "no repetition was found" if fin.size == 0 else "needs at least two repetitions"
    return {
        "best": rep_metric(f"{key}_best", f"{name}, best", best, unit, definition + " Best repetition.", side=side,
                           rep=None, norm_key=norm_key, confidence=confidence, extra=ex, reason=why),
        "mean": rep_metric(f"{key}_mean", f"{name}, mean", mean, unit, definition + " Mean over repetitions.",
                           side=side, rep=None, norm_key=norm_key, confidence=confidence, extra=ex, reason=why),
        "spread": rep_metric(f"{key}_spread", f"{name}, spread", sd, unit,
                             "Standard deviation over repetitions (ddof=1) of: " + definition, side=side, rep=None,
                             confidence=confidence, extra=ex, reason="needs at least two repetitions"),
        "n": int(fin.size), "values": [r["value"] for r in reps]}


def _curve(t: np.ndarray, series: dict[str, np.ndarray], frames: np.ndarray | None = None, nd: int = 2) -> dict:
    """Lists of rounded floats (None for NaN) for a JSON plot."""
    fr = np.arange(len(t)) if frames is None else np.asarray(frames, int)

    def lst(a):
        a = np.asarray(a, dtype=np.float64)[fr]
        return [None if not np.isfinite(x) else round(float(x), nd) for x in a]

    out = {"time_s": lst(t)}
    for k, v in series.items():
        out[k] = lst(v)
    return out


def _median_at(x: np.ndarray, frames) -> float:
    fr = np.atleast_1d(np.asarray(frames, dtype=int))
    v = np.asarray(x, dtype=np.float64)[fr[(fr >= 0) & (fr < len(x))]]
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else float("nan")


def _pick(frames: np.ndarray, n: int = 5) -> np.ndarray:
    frames = np.asarray(frames, dtype=int)
    if len(frames) <= n:
        return frames
    return frames[np.unique(np.round(np.linspace(0, len(frames) - 1, n)).astype(int))]


def _tilt_estimates(outline, px_raw, vis, frames, facing) -> np.ndarray:
    """Silhouette pelvic-tilt estimates (deg, + anterior) at a few frames (at most 5 per call; NaN where
    no estimate). Called on rest and peak frames of a repetition only, never on every frame."""
    from analysis.pelvis import estimate_pelvic_tilt  # local: only needed with an outline

    out = []
    for f in _pick(frames):
        ol = outline[f]
        if not np.isfinite(ol).all():
            out.append(np.nan)
            continue
        m = estimate_pelvic_tilt(ol, px_raw[f], vis[f], facing)
        out.append(np.nan if m.value is None else m.value)
    return np.array(out, dtype=np.float64)


def compensation(rep: Repetition, series: dict[str, np.ndarray], t: np.ndarray, outline=None, px_raw=None,
                 vis=None, facing: int = 0) -> dict:
    """Spinal and pelvic compensation over one repetition (see the module docstring).

    Parameters
    ----------
    rep : Repetition
        Found on the apparent extension (``thigh_behind_vertical``) or hip extension signal.
    series : dict
        :func:`leg_series` of the moving leg plus ``trunk_lean`` and ``lumbar_angle``.
    t : ndarray (T,)
    outline, px_raw, vis : optional
        Outlines (T, K, 2), raw landmark pixels (T, 33, 2) and visibility (T, 33) for the tilt estimate.
    facing : int

    Returns
    -------
    dict
        ``apparent_extension_deg`` (rise of thigh_behind_vertical), ``hip_extension_gain_deg`` (rise of
        the thigh-to-trunk-line angle), ``trunk_lean_change_deg`` (+ = leaned further forward),
        ``lumbar_angle_change_deg`` (+ = hollower), ``pelvic_tilt_change_deg`` (+ = more anterior;
        estimate), ``lumbar_slope`` (deg of lumbar angle per deg of apparent extension on the way out),
        ``compensation_index`` (Metric, kind ``"estimate"``), ``curve`` (per-frame lists for a plot).
    """
    rest = np.arange(max(0, rep.start - 2), rep.start + 1)
    hold = np.arange(rep.hold_start, rep.hold_end + 1)
    d = {}
    for k, key in (("thigh_behind_vertical", "apparent_extension_deg"), ("hip_extension", "hip_extension_gain_deg"),
                   ("trunk_lean", "trunk_lean_change_deg"), ("lumbar_angle", "lumbar_angle_change_deg")):
        d[key] = _median_at(series[k], hold) - _median_at(series[k], rest)
    tilt_change = float("nan")
    if outline is not None and px_raw is not None and vis is not None and facing:
        with _quiet():
            tilt_change = float(np.nanmedian(_tilt_estimates(outline, px_raw, vis, hold, facing))
                                - np.nanmedian(_tilt_estimates(outline, px_raw, vis, rest, facing)))
    d["pelvic_tilt_change_deg"] = tilt_change
    out_fr = np.arange(rep.start, rep.hold_start + 1)
    x, y = series["thigh_behind_vertical"][out_fr], series["lumbar_angle"][out_fr]
    ok = np.isfinite(x) & np.isfinite(y)
    slope = float(np.polyfit(x[ok], y[ok], 1)[0]) if ok.sum() >= 3 and np.ptp(x[ok]) > 2.0 else float("nan")
    d["lumbar_slope"] = slope
    app, lum = d["apparent_extension_deg"], d["lumbar_angle_change_deg"]
    ci = float(np.clip(lum / app, 0.0, 1.0)) if np.isfinite(lum) and app > 2.0 else float("nan")
    why = ("needs the body outline (run with segmentation) and a side view" if not np.isfinite(lum)
           else "the thigh hardly moved")
    # confidence: an error of about 2-3 deg in the lumbar angle change (renders) against the apparent range
    conf = float(np.clip(1.0 - 3.0 / max(app, 1e-6), 0.0, 1.0)) * threshold("spine_curve_method_confidence") \
        if np.isfinite(ci) else 0.0
    d["compensation_index"] = rep_metric(
        "compensation_index", "Compensation index", ci, "fraction",
        "Share of the apparent hip extension (rise of the thigh angle behind vertical from rest to the peak) "
        "that came from the low back and pelvis rather than from the hip: rise of the lumbar contour angle "
        "(silhouette low-back hollow, which follows anterior pelvic tilt plus lumbar extension; on rendered "
        "figures it rose about one degree per degree of pelvic tilt gained) / apparent extension, clipped to "
        "0..1. 0 = all hip, 1 = all low back and pelvis. An estimate.",
        side=rep.side, rep=rep.index, norm_key="movement_compensation_index", confidence=conf, kind="estimate",
        reason=why, extra={k: (None if not np.isfinite(v) else round(float(v), 2)) for k, v in d.items()
                           if isinstance(v, float)})
    fr = np.arange(rep.start, rep.end + 1)
    d["curve"] = _curve(t, {k: series[k] for k in ("thigh_behind_vertical", "hip_extension", "trunk_lean",
                                                    "lumbar_angle", "knee_flexion")}, fr)
    return d


# ----------------------------------------------------------------------------------------------------
# hip extension (standing, lunge)
# ----------------------------------------------------------------------------------------------------
HIP_EXT_DEF = ("Thigh angle behind the trunk line at the peak of the repetition: the angle from the line "
               "shoulder midpoint -> hip midpoint (extended below the hip) to the line hip -> knee, degrees, + = knee behind the "
               "line (extension), - = in front (flexion). 2D, side view.")
THIGH_VERT_DEF = ("Thigh angle behind the vertical at the peak of the repetition: the line hip -> knee from the "
                  "downward vertical of the picture, degrees, + = knee behind the hip (extension). The "
                  "'apparent' extension: pelvic tilt and low-back arching add to it. 2D, side view.")
KNEE_DEF = "Knee flexion: 180 minus the hip-knee-ankle angle, degrees, 0 = straight, + = bent. 2D."


def _moving_side(p: np.ndarray, facing: int, kind: str) -> str:
    """The leg that extends: largest range of thigh-behind-vertical (hip extension test) or largest
    typical extension (lunge: the back leg)."""
    score = {}
    for side in ("left", "right"):
        x = leg_series(p, side, facing)["thigh_behind_vertical"]
        with _quiet():
            score[side] = (np.nanpercentile(x, 95) - np.nanpercentile(x, 5)) if kind == "hip_extension" \
                else np.nanpercentile(x, 90)
        if not np.isfinite(score[side]):
            score[side] = -np.inf
    return max(score, key=score.get)


def hip_extension_test(timestamps, pixels, visibility, *, kind: str = "hip_extension", outline=None,
                       world=None, side: str | None = None, facing=None) -> dict:
    """Hip extension range per repetition of a standing hip extension or a half-kneeling lunge glide.

    Parameters
    ----------
    timestamps : ndarray (T,)
        Seconds.
    pixels : ndarray (T, 33, 2)
        Landmark pixels (``PoseSequence.pixels``), NaN in gaps.
    visibility : ndarray (T, 33)
    kind : str
        ``"hip_extension"`` (standing, the moving leg swings back) or ``"lunge"`` (half-kneeling: the
        back leg, whose knee is down, is tested).
    outline : ndarray (T, K, 2), optional
        Silhouette outlines: adds the lumbar contour angle and the compensation index.
    world : ndarray (T, 33, 3), optional
        For the facing direction.
    side : str, optional
        The person's tested side; default: found from the movement.
    facing : optional
        +1 / -1 / label; default from ``world`` or the landmarks.

    Returns
    -------
    dict (JSON-ready)
        ``side``, ``facing``, ``repetitions`` (list of dicts: repetition, side, start/peak/end times,
        metrics at the peak, compensation), ``summary`` (best/mean/spread of the two extension angles),
        ``phases`` (per-frame labels), ``curve`` (whole-clip series for plotting), ``problems``.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    raw = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    p = prepare(raw, vis, t)
    fc = resolve_facing(p, vis, world, facing)
    res = {"kind": kind, "side": side, "facing": fc, "repetitions": [], "summary": {}, "problems": []}
    if not fc:
        res["problems"].append("could not tell which way the person faces: film side-on")
        return res
    side = side or _moving_side(p, fc, kind)
    res["side"] = side
    ser = leg_series(p, side, fc)
    ser["trunk_lean"] = trunk_lean(p, fc)
    ser["lumbar_angle"] = lumbar_contour_angle(outline, p, fc)
    amp = threshold("movement_min_amplitude")
    reps = find_repetitions(ser["thigh_behind_vertical"], t, amp, side=side)
    i = SIDE_IDX[side]
    conf_idx = (i["shoulder"], i["hip"], i["knee"])
    rows = []
    for r in reps:
        hold = np.arange(r.hold_start, r.hold_end + 1)
        c = _vis_conf(vis, conf_idx, hold)
        # value at the peak: the median of the hold (the thigh within 10% of its peak)
        pk = {k: _median_at(ser[k], [r.peak]) for k in ("hip_extension", "thigh_behind_vertical", "knee_flexion",
                                                         "trunk_lean", "lumbar_angle")}
        comp = compensation(r, ser, t, outline, raw, vis, fc)
        metrics = {
            "hip_extension": rep_metric("hip_extension", "Hip extension (thigh behind trunk line)",
                                        pk["hip_extension"], "deg", HIP_EXT_DEF, side=side, rep=r.index,
                                        norm_key="hip_extension_range" if kind == "hip_extension" else
                                        "lunge_hip_extension", confidence=c),
            "thigh_behind_vertical": rep_metric("thigh_behind_vertical", "Thigh behind vertical",
                                                pk["thigh_behind_vertical"], "deg", THIGH_VERT_DEF, side=side,
                                                rep=r.index, confidence=c),
            "knee_flexion": rep_metric("knee_flexion_at_peak", "Knee flexion at the peak", pk["knee_flexion"], "deg",
                                       KNEE_DEF, side=side, rep=r.index,
                                       confidence=_vis_conf(vis, (i["hip"], i["knee"], i["ankle"]), hold)),
            "trunk_lean": rep_metric("trunk_lean_at_peak", "Trunk lean at the peak", pk["trunk_lean"], "deg",
                                     "Hip-midpoint -> shoulder-midpoint from vertical, + = forward.", side=None,
                                     rep=r.index, confidence=c),
            "compensation_index": comp.pop("compensation_index"),
        }
        rows.append({"repetition": r.index, "side": side, "phases": r.to_dict(),
                     "metrics": {k: m.to_dict() for k, m in metrics.items()},
                     "compensation": comp, "_m": metrics})
    res["repetitions"] = [{k: v for k, v in row.items() if k != "_m"} for row in rows]
    nk = "hip_extension_range" if kind == "hip_extension" else "lunge_hip_extension"
    summ = {}
    for key, name, d, nkey in (("hip_extension", "Hip extension (thigh behind trunk line)", HIP_EXT_DEF, nk),
                               ("thigh_behind_vertical", "Thigh behind vertical", THIGH_VERT_DEF, None)):
        vals = [row["_m"][key].value if row["_m"][key].value is not None else np.nan for row in rows]
        conf = float(np.mean([row["_m"][key].confidence for row in rows])) if rows else 0.0
        s = summarise(key, name, vals, "deg", d, side, nkey, conf)
        summ[key] = {k: (v.to_dict() if isinstance(v, Metric) else v) for k, v in s.items()}
    cis = [row["_m"]["compensation_index"].value for row in rows]
    cis = [c for c in cis if c is not None]
    summ["compensation_index_mean"] = round(float(np.mean(cis)), 3) if cis else None
    res["summary"] = summ
    res["phases"] = list(phase_labels(len(t), reps))
    res["curve"] = _curve(t, {k: ser[k] for k in ("hip_extension", "thigh_behind_vertical", "knee_flexion",
                                                   "trunk_lean", "lumbar_angle")})
    if not reps:
        res["problems"].append(f"no repetition found: the {side} thigh never moved back by {amp:g} degrees or more")
    return res


# ----------------------------------------------------------------------------------------------------
# walking / running: hip extension at toe-off, per step
# ----------------------------------------------------------------------------------------------------
# Engineering choices (not literature) for trusting a toe-off, see :func:`walk_test`.
WALK_THIGH_VISIBILITY = threshold("walk_thigh_visibility")  # see norms.toml
WALK_FOOT_VISIBILITY = threshold("walk_foot_visibility")  # see norms.toml
WALK_MIN_SPEED = threshold("walk_min_speed")  # see norms.toml
WALK_STEADY_MARGIN_S = threshold("walk_steady_margin")  # see norms.toml
WALK_LEG_DISAGREE_DEG = threshold("walk_leg_disagree")  # see norms.toml


def _facing_per_frame(p: np.ndarray, vis: np.ndarray, world, fc: int) -> np.ndarray:
    """+1 / -1 per frame: which way the body faces (world body yaw where side-on, else the nose ahead
    of the ears), held through frames where neither tells; ``fc`` where nothing ever does. (T,)"""
    T = len(p)
    s = np.zeros(T)
    if world is not None:
        with _quiet():
            yaw = body_yaw(np.asarray(world, dtype=np.float64))
            side_on = (np.abs(yaw) >= 45.0) & (np.abs(yaw) <= 135.0)
        s = np.where(side_on, np.sign(yaw), 0.0)
    nose = p[:, 0, 0] - (p[:, 7, 0] + p[:, 8, 0]) / 2
    with _quiet():
        s = np.where((s == 0) & np.isfinite(nose), np.sign(nose), s)
    s = np.where(np.isfinite(s), s, 0.0)
    known = np.flatnonzero(s != 0)
    if known.size == 0:
        return np.full(T, float(fc))
    near = known[np.clip(np.searchsorted(known, np.arange(T)), 0, known.size - 1)]
    return s[near]


def walk_test(timestamps, pixels, visibility, *, world=None, facing=None, side: str | None = None) -> dict:
    """Hip extension at toe-off for every step of a side-view walking or running clip.

    1. **Leg labels**: frames where the pose model swapped the left and right leg labels are found by
       continuity of the leg points in the image (:func:`analysis.segmentation.leg_swaps`; knees and
       feet apart, as the model mixes them up independently) and corrected before anything is measured.
       The way the body faces is followed per frame (world body yaw, else the nose ahead of the ears).
    2. **Toe-offs**: Zeni et al. (2008) rule on the toe position relative to the hip midpoint in the
       direction the body faces (:func:`analysis.segmentation.gait_events`), applied to the **rearmost
       foot** of each frame: every minimum is one foot leaving the ground, and the foot that was
       rearmost names the leg (a label mix-up that survives step 1 cannot invent a toe-off).
    3. For each toe-off: ``thigh_behind_vertical`` and ``hip_extension`` (thigh behind the trunk line) of
       that leg at that frame, and the peak of ``thigh_behind_vertical`` within the 0.3 s before it.
    4. A step is **reported only when it can be trusted**; otherwise it is listed with no value and a
       plain reason (``excluded``): not steady walking (within 1 s, about one stride, of the toe-off
       the hips stopped - slower than 0.3 thigh lengths/s for 0.25 s or more - or changed direction:
       starting, stopping, turning round; the walking direction is the hips' travel), walked
       backwards (travel opposite to the way the body faces), the leg was not seen clearly (mean
       visibility over +/- 2 frames under 0.7 for hip or knee, 0.5 for the foot), the foot was not
       behind the hips (not a real toe-off), or the two thighs disagree with the feet (the other thigh
       further back by more than 5 deg: knee and foot of different legs).

    Returns
    -------
    dict (JSON-ready)
        ``steps``: one dict per toe-off (step number 1-based over the clip, side, time, metrics,
        ``excluded`` reason or None, ``labels_corrected``), ``summary`` per side (best/mean/spread over
        the reported steps), ``label_swaps`` (frames relabelled), ``problems``.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    raw = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    with _quiet():
        thigh_raw = float(np.nanmedian(np.hypot(*(raw[:, 23] - raw[:, 25]).T)))
    swapped = np.zeros(len(raw), bool)
    for pairs in (KNEE_PAIRS, FOOT_PAIRS):  # the model mixes up knees and feet independently
        m = leg_swaps(raw, thigh_raw, pairs)
        raw = swap_legs(raw, m, pairs)
        vis = swap_legs(vis[..., None], m, pairs)[..., 0]
        swapped |= m
    p = prepare(raw, vis, t)
    fc = resolve_facing(p, vis, world, facing)
    res = {"kind": "walk", "facing": fc, "steps": [], "summary": {}, "problems": [],
           "label_swaps": int(swapped.sum())}
    if not fc:
        res["problems"].append("could not tell the walking direction: film side-on")
        return res
    hip_mid = _mid(p, "hip")
    thigh_len = np.nanmedian(np.hypot(*(p[:, 23] - p[:, 25]).T)) if np.isfinite(p[:, [23, 25]]).any() else np.nan
    # the way the body faces, per frame (given: fixed), and the way the hips travel
    face_t = np.full(len(t), float(fc)) if facing is not None else _facing_per_frame(p, vis, world, fc)
    travel = travel_direction(hip_mid[:, 0], t, WALK_MIN_SPEED * thigh_len)
    moving = travel[np.isfinite(travel) & (travel != 0)]
    res["direction_changes"] = int(np.sum(np.diff(moving) != 0))
    lean = trunk_lean(p, 1) * face_t
    ser = {sd: leg_series(p, sd, face_t) for sd in ("left", "right")}
    rel = {}
    for sd in ("left", "right"):
        i = SIDE_IDX[sd]
        rel[sd] = ((p[:, i["toe"], 0] - hip_mid[:, 0]) * face_t / thigh_len,
                   (p[:, i["heel"], 0] - hip_mid[:, 0]) * face_t / thigh_len)
    with _quiet():
        rear = np.fmin(rel["left"][0], rel["right"][0])
        front = np.fmax(rel["left"][1], rel["right"][1])
    ev = gait_events(rear, front, t, min_step_s=0.25)
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
    back = max(1, int(round(0.3 / dt)))
    steps = []
    for f in ev["toe_off"]:
        sd = "left" if not (rel["right"][0][f] < rel["left"][0][f]) else "right"
        if side and sd != side:
            continue
        i, o = SIDE_IDX[sd], ("right" if sd == "left" else "left")
        win = np.arange(max(0, f - back), f + 1)
        tv = ser[sd]["thigh_behind_vertical"]
        with _quiet():
            peak = float(np.nanmax(tv[win])) if np.isfinite(tv[win]).any() else np.nan
        near = np.arange(max(0, f - 2), min(len(t), f + 3))
        with _quiet():
            v_thigh = float(np.nanmean(vis[np.ix_(near, [i["hip"], i["knee"]])]))
            v_foot = float(np.nanmean(vis[np.ix_(near, [i["ankle"], i["heel"], i["toe"]])]))
        trav = steady_travel(travel, t, f, WALK_STEADY_MARGIN_S)
        val = float(tv[f])
        other = float(ser[o]["thigh_behind_vertical"][f])
        why = None
        if not np.isfinite(val):
            why = f"the {sd} thigh was not seen at toe-off"
        elif trav == 0:
            why = ("not steady walking: the person stopped, started or turned round within "
                   f"{WALK_STEADY_MARGIN_S:g} s of this toe-off")
        elif trav != face_t[f]:
            why = "walking backwards: hip extension at toe-off is defined for walking forwards"
        elif not (v_thigh >= WALK_THIGH_VISIBILITY and v_foot >= WALK_FOOT_VISIBILITY):
            why = (f"the {sd} leg was not seen clearly (visibility {v_thigh:.2f} hip and knee, {v_foot:.2f} foot; "
                   f"needs {WALK_THIGH_VISIBILITY:g} and {WALK_FOOT_VISIBILITY:g})")
        elif not rel[sd][0][f] < 0:
            why = "the foot was not behind the hips: not a real toe-off"
        elif np.isfinite(other) and other > val + WALK_LEG_DISAGREE_DEG:
            why = (f"the {o} thigh was further back than the {sd} leg that pushed off: the knee and foot "
                   "labels disagree")
        fixed = bool(swapped[near].any())
        c = _vis_conf(vis, (i["shoulder"], i["hip"], i["knee"], i["toe"]), [f]) * (0.8 if fixed else 1.0)
        nan = float("nan")
        steps.append({"side": sd, "frame": int(f), "time_s": round(float(t[f]), 3), "_c": c if why is None else 0.0,
                      "excluded": why, "labels_corrected": fixed,
                      "_v": {"thigh_behind_vertical": val if why is None else nan,
                             "hip_extension": float(ser[sd]["hip_extension"][f]) if why is None else nan,
                             "peak_thigh_behind_vertical": peak if why is None else nan,
                             "trunk_lean": float(lean[f]) if why is None else nan}})
    steps.sort(key=lambda s: s["frame"])
    per_side: dict[str, list] = {"left": [], "right": []}
    for n, s in enumerate(steps, 1):
        v, c, why = s.pop("_v"), s.pop("_c"), s["excluded"]
        s["step"] = n
        per_side[s["side"]].append(v)
        s["repetition"] = len(per_side[s["side"]])
        s["metrics"] = {
            "thigh_behind_vertical": rep_metric(
                "toe_off_thigh_behind_vertical", "Thigh behind vertical at toe-off", v["thigh_behind_vertical"], "deg",
                THIGH_VERT_DEF.replace("at the peak of the repetition", "at toe-off"), side=s["side"],
                rep=s["repetition"], norm_key="gait_toe_off_thigh_extension", confidence=c, reason=why).to_dict(),
            "hip_extension": rep_metric(
                "toe_off_hip_extension", "Hip extension at toe-off (thigh behind trunk line)", v["hip_extension"],
                "deg", HIP_EXT_DEF.replace("at the peak of the repetition", "at toe-off"), side=s["side"],
                rep=s["repetition"], confidence=c, reason=why).to_dict(),
            "peak_thigh_behind_vertical": rep_metric(
                "step_peak_thigh_behind_vertical", "Peak thigh behind vertical before toe-off",
                v["peak_thigh_behind_vertical"], "deg", THIGH_VERT_DEF.replace(
                    "at the peak of the repetition", "at its largest in the 0.3 s before toe-off"),
                side=s["side"], rep=s["repetition"], confidence=c, reason=why).to_dict(),
            "trunk_lean": rep_metric("toe_off_trunk_lean", "Trunk lean at toe-off", v["trunk_lean"], "deg",
                                     "Hip-midpoint -> shoulder-midpoint from vertical, + = forward.", side=None,
                                     rep=s["repetition"], confidence=c, reason=why).to_dict()}
    res["steps"] = steps
    for sd in ([side] if side else ["left", "right"]):
        vals = [v["thigh_behind_vertical"] for v in per_side[sd]]
        confs = [s["metrics"]["thigh_behind_vertical"]["confidence"] for s in steps
                 if s["side"] == sd and not s["excluded"]]
        s = summarise("toe_off_thigh_behind_vertical", "Thigh behind vertical at toe-off", vals, "deg",
                      THIGH_VERT_DEF.replace("at the peak of the repetition", "at toe-off"), sd,
                      "gait_toe_off_thigh_extension", float(np.mean(confs)) if confs else 0.0)
        res["summary"][sd] = {k: (v.to_dict() if isinstance(v, Metric) else v) for k, v in s.items()}
    if not steps:
        res["problems"].append("no step found: walk across the picture, side-on, with the feet in view")
    elif all(s["excluded"] for s in steps):
        res["problems"].append("no step could be measured: " + "; ".join(sorted({s["excluded"] for s in steps})))
    res["curve"] = _curve(t, {f"thigh_behind_vertical_{sd}": ser[sd]["thigh_behind_vertical"]
                              for sd in ("left", "right")})
    return res


# ----------------------------------------------------------------------------------------------------
# the entry point
# ----------------------------------------------------------------------------------------------------
def run_movement_test(kind: str, timestamps, pixels, visibility, *, outline=None, world=None, landmarks=None,
                      image_size=None, side: str | None = None, facing=None, checks: bool = True) -> dict:
    """Run one movement test on a landmark track and return a JSON-ready dict.

    Parameters
    ----------
    kind : str
        ``"hip_extension"``, ``"lunge"``, ``"sit_to_stand"``, ``"thomas"`` (side view),
        ``"thomas_front"`` (front view: thigh abduction), ``"ely"`` (prone knee bend) or ``"walk"``
        (walking or running; ``"run"`` is accepted as a synonym).
    timestamps : ndarray (T,)
        ``PoseSequence.timestamps`` (seconds).
    pixels : ndarray (T, 33, 2)
        ``PoseSequence.pixels``.
    visibility : ndarray (T, 33)
        ``PoseSequence.visibility``.
    outline : ndarray (T, K, 2), optional
        ``PoseSequence.outline`` (tracking with segmentation): lumbar contour angle and compensation.
    world : ndarray (T, 33, 3), optional
        ``PoseSequence.world``: facing direction and the view check.
    landmarks : ndarray (T, 33, 3), optional
        ``PoseSequence.landmarks`` (normalised): the whole-body check.
    image_size : ndarray (T, 2), optional
        ``PoseSequence.image_size``: the person-size check.
    side : str, optional
        The person's ``"left"``/``"right"`` side to test; default found from the movement.
    facing : optional
        +1 / -1 / ``"image_right"`` ...; default from ``world`` or the landmarks.
    checks : bool
        Add the capture checks of :func:`analysis.protocols.check_clip` under ``"checks"``.

    Returns
    -------
    dict
        Always: ``kind``, ``protocol`` (setup guidance), ``checks`` (list of Check dicts), ``problems``
        (list of str) and ``ok`` (no blocking check failed and something was measured); plus the
        test's own keys (see :func:`hip_extension_test`, :func:`walk_test`,
        :func:`analysis.sit_to_stand.sit_to_stand_test`, :func:`analysis.thomas.thomas_test`,
        :func:`analysis.thomas.thomas_front_test`, :func:`analysis.thomas.ely_test`). Every Metric is a
        dict (``Metric.to_dict``) naming its side and ``extra['repetition']``.
    """
    from analysis import protocols
    from analysis.sit_to_stand import sit_to_stand_test
    from analysis.thomas import ely_test, thomas_front_test, thomas_test

    kind = {"run": "walk", "running": "walk", "walking": "walk", "kneeling_lunge": "lunge",
            "prone_knee_bend": "ely", "thomas_test": "thomas"}.get(kind, kind)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    args = (timestamps, pixels, visibility)
    if kind in ("hip_extension", "lunge"):
        res = hip_extension_test(*args, kind=kind, outline=outline, world=world, side=side, facing=facing)
    elif kind == "walk":
        res = walk_test(*args, world=world, facing=facing, side=side)
    elif kind == "sit_to_stand":
        res = sit_to_stand_test(*args, outline=outline, world=world, facing=facing, side=side)
    elif kind == "thomas":
        res = thomas_test(*args, side=side)
    elif kind == "thomas_front":
        res = thomas_front_test(*args, side=side)
    else:
        res = ely_test(*args, side=side)
    res["kind"] = kind
    res["protocol"] = protocols.protocol(kind)
    res["checks"] = []
    if checks:
        res["checks"] = [c.to_dict() for c in protocols.check_clip(kind, pixels, visibility, landmarks=landmarks,
                                                                    world=world, image_size=image_size,
                                                                    result=res)]
    blocking = [c for c in res["checks"] if c["blocking"] and not c["passed"]]
    measured = bool(res.get("repetitions") or res.get("steps") or res.get("measured"))
    res["ok"] = measured and not blocking
    return res
