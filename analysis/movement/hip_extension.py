"""Hip extension range and spinal compensation: standing hip extension and the half-kneeling lunge glide.

Side view (sign conventions in :mod:`analysis.movement.series`). Per repetition the test reports the
moving thigh's angle behind the vertical and behind the trunk line at the peak, the knee's bend and the
trunk's lean there, and how much of the movement the low back and pelvis gave (compensation).

**The moving leg** is found from its motion (:func:`analysis.movement.legs.moving_leg`; for the lunge, the
back leg: the one whose thigh lies further back), and named with where it was (near or far from the camera).
When the two legs' motion scores lie close (the pose model kept the knees together, as it does when the
far leg swings back behind the near one), which leg moved is **not certain** (``leg_certain`` False): the
leg is named as "not certain" and a warning check says how to film it (the outline still gives the
moving thigh's angle, whichever leg it is). **Both legs tested in turn** in one standing clip: the outline's
rear-most thigh follows either leg, so each repetition's leg is told from where the standing foot stood at its peak
(:func:`other_leg_repetitions`); the tested leg's repetitions are measured (the near leg's, the set-up's, unless
the person stated the other), the other leg's left out and reported in ``other_leg``.

**The thigh's angle** comes from one of two sources, named in every repetition (``source``):

* ``"outline"``: with the body outline (tracking with segmentation), the rear-most thigh's axis from the
  outline (:mod:`analysis.movement.outline_limbs`). Preferred: the knee landmark of a leg swung back is
  often lost or left near the other leg, while the outline shows the thigh. Used when the outline gives
  the thigh in at least ``movement_outline_coverage`` of the frames and agrees in shape with the knee
  landmarks where they were seen. A frame whose outline does not reach below the hips (the mask lost the
  legs) gives no reading; a peak where the outline and a seen knee landmark behind its rest put the thigh
  more than ``movement_outline_landmark_max`` apart is not measured (one of them is not the thigh). A knee
  landmark thrown in front of its rest while the outline's rear-most thigh goes back is the one lost. Where the
  outline showed the thigh's movement but not its line at rest, and the knee landmarks that stood in for it at rest
  wandered (``rest_wander_deg`` of :func:`analysis.movement.outline_limbs.outline_thigh_angle`), no angle is read
  (``thigh_rest_wander_deg``; the tracking check refuses the clip). Where they held steady and stood in for the
  outline's line at rest (``thigh_rest_reference`` "landmarks": a hand or clothes over the thigh in every rest
  frame), a hip extension's peaks are lower bounds (``extra['at_least_deg']``), not values: the pose model puts a
  standing thigh a few degrees forward (on the renders of four figure styles, 11 of 12 such peaks read short, 6 of
  them by 5 to 6 degrees; the other 2.4 long).
* ``"landmarks"``: the hip midpoint -> knee landmark line, **without an outline only**: where there is an
  outline that does not follow the thigh, the landmarks' reading is not confirmed and no peak is measured (on
  the renders of three figure styles every landmark-only peak was wrong: 7-13 degrees short, or one
  repetition read as three). A value is read only where the knee was seen
  (:func:`analysis.movement.series.clean_landmarks`): when it was not seen around the peak
  (:func:`peak_seen`: the peak would only be bridged across a gap), the peak is not measured and the
  largest seen angle of that repetition is given as a lower bound (``extra['at_least_deg']``), unless its seen
  readings, over the repetition and ``movement_peak_margin_s`` either side, turn faster than
  ``movement_thigh_rate_max`` (a knee the model lost and found again gives no bound), or, in a lunge, it lies
  more than ``movement_lunge_bound_drop_max`` above the angle the hips' drop gives (:func:`thigh_from_hip_drop`:
  a bound is a promise that the thigh went back at least that far). A knee landmark
  that bends its leg backwards further than a knee can is a lost leg, not seen
  (:func:`analysis.movement.series.hyperextended_knees`).

**Repetitions** (:func:`analysis.segmentation.find_repetitions`) must rise at least
``movement_min_amplitude`` above the resting level (:func:`standing_level`: the median over the frames
where the thigh hangs near the vertical, so no single outlying frame sets it) and go the test's way: the
thigh **back** (extension), to behind the vertical. A thigh that only moved forward (a knee lifted, hip
flexion) is not a hip extension, and the result says so. A standing hip extension's rise under twice
``movement_min_amplitude`` must also stand out from the reading's wander at rest (:func:`rest_spread`, at least
``movement_rep_over_rest_spread_min`` times it): a coarse outline of a person standing still wanders too.

**Behind the trunk line** (``hip_extension``): the thigh's angle behind the vertical at the peak, less the
forward lean the trunk (hip midpoint -> shoulder midpoint) added from just before the repetition to its hold;
the trunk's standing lean itself is taken as its upright. Standing, the hip midpoint is where it stands over 2 s
(:func:`analysis.movement.series.steady_hip`): the pose model pulls its hip points back with the swinging leg,
which read as the trunk leaning forward (a held-out capsule figure: 4.4 degrees for 0.8). The pose model's
shoulder points sit 0.03-0.09 trunk lengths forward of the shoulder joints of the rendered figures, differently
for each body, outfit and camera, which tilted the absolute trunk line 1-6 degrees forward (3 median); its change
over a repetition is followed to about 1.5 degrees (rendered clips of three figure styles,
``benchmarks/eval_movement.py``), but for a mesh figure whose shoulder points moved 3-4 degrees forward at every
peak while it leaned 0.4. So the lean taken off is the one the shoulders' line and the hip midpoint -> ears line
agree on (:func:`agreed_lean`: where both lean the same way, the smaller; a lean only one shows is the shoulders'
or the head's own movement). On the 108 rendered repetitions of three styles the trunk's change was then read
within 0.65 degrees median and 2.2 worst (the shoulders' line alone: 0.70 and 4.0; the ears' alone 0.70 and 2.0,
but a person may nod).

Compensation (per repetition, rest -> peak): the **apparent extension** is the rise of
``thigh_behind_vertical``. Without pelvic landmarks the low back and pelvis are followed with the
silhouette: the rise of ``lumbar_angle`` is the part they gave (anterior pelvic tilt and lumbar
extension both hollow the low back). **Compensation index** = lumbar angle gained / apparent extension,
clipped to 0..1: 0 = all of the movement came from the hip, 1 = none of it did. The silhouette pelvic-tilt
estimate (:func:`analysis.pelvis.estimate_pelvic_tilt`, on at most five frames at rest and five at the
peak) is reported beside it as ``pelvic_tilt_change_deg``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from analysis.filtering import running_median, true_runs
from analysis.metric import LEG_NOT_CERTAIN
from analysis.movement.legs import leg_words, moving_leg, repetition_legs
from analysis.movement.outline_limbs import outline_thigh_angle
from analysis.movement.series import (SIDE_IDX, SIDES, agreed_lean, clean_landmarks, curve, head_lean,
                                      hyperextended_knees, leg_series, lumbar_contour_angle, median_at, midpoint,
                                      near_side_of, other_side, rep_metric, rest_level, seen_near, summarise,
                                      steady_hip, summary_dicts, thigh_length, trunk_lean, visibility_confidence)
from analysis.norms import threshold
from analysis.quality import quiet
from analysis.segmentation import Repetition, find_repetitions, phase_labels, spread_frames

__all__ = ["hip_extension_test", "other_leg_repetitions", "compensation", "standing_level", "standing_trunk_lean",
           "thigh_from_hip_drop", "lifted_forward", "cut_by_clip", "points_went_back", "bent_knee", "rest_spread",
           "peak_seen", "fastest_turn", "unread_movements", "HIP_EXT_DEF", "THIGH_VERT_DEF", "KNEE_DEF"]

HIP_EXT_DEF = ("Thigh angle behind the trunk line at the peak of the repetition, degrees, + = knee behind the "
               "line (extension), - = in front (flexion): the thigh's angle behind the vertical less the forward "
               "lean the trunk (hip midpoint -> shoulder midpoint, as far as the hip midpoint -> ears line leans "
               "the same way; standing, the hips where they stood over 2 s) added from just before the repetition "
               "to its peak. The trunk's own standing lean is not counted: the pose model's shoulder points sit a few "
               "degrees off the trunk's line, differently for each body and camera, so the trunk line is taken "
               "as the person's standing upright. 2D, side view.")
THIGH_VERT_DEF = ("Thigh angle behind the vertical at the peak of the repetition: the thigh (hip -> knee) from "
                  "the downward vertical of the picture, degrees, + = knee behind the hip (extension). The "
                  "'apparent' extension: pelvic tilt and low-back arching add to it. 2D, side view.")
KNEE_DEF = "Knee flexion: 180 minus the hip-knee-ankle angle, degrees, 0 = straight, + = bent. 2D."
# what to wear and where when the body outline did not show the thigh (a long top over the hips hides it: most
# half-kneeling lunges of the held-out loose style were refused so, session 30)
SHOW_THE_THIGHS = ("in clothes that show the thighs (shorts or leggings, a top tucked in or ending above the hips), "
                   "against a plain background")


def _tilt_estimates(outline, px_raw, vis, frames, facing) -> np.ndarray:
    """Silhouette pelvic-tilt estimates (deg, + anterior) at a few frames (at most 5 per call; NaN where
    no estimate). Called on rest and peak frames of a repetition only, never on every frame."""
    from analysis.pelvis import estimate_pelvic_tilt  # local: only needed with an outline

    out = []
    for f in spread_frames(np.asarray(frames, dtype=int), 5):
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
    series : dict
        ``thigh_behind_vertical``, ``hip_extension``, ``trunk_lean``, ``lumbar_angle``, ``knee_flexion``
        of the moving leg, per frame; optionally ``head_lean`` (:func:`analysis.movement.series.head_lean`).
    t : ndarray (T,)
    outline, px_raw, vis : optional
        Outlines (T, K, 2), raw landmark pixels (T, 33, 2) and visibility (T, 33) for the tilt estimate.
    facing : int

    Returns
    -------
    dict
        ``apparent_extension_deg`` (rise of thigh_behind_vertical), ``hip_extension_gain_deg`` (rise of
        the thigh-to-trunk-line angle), ``trunk_lean_change_deg`` (+ = leaned further forward; with
        ``head_lean``, the change the shoulders' and the head's lines agree on, :func:`agreed_lean`, with each
        line's own change as ``shoulders_lean_change_deg`` and ``head_lean_change_deg``),
        ``lumbar_angle_change_deg`` (+ = hollower), ``pelvic_tilt_change_deg`` (+ = more anterior;
        estimate), ``lumbar_slope`` (deg of lumbar angle per deg of apparent extension on the way out),
        ``compensation_index`` (Metric, kind ``"estimate"``), ``curve`` (per-frame lists for a plot).
    """
    rest = np.arange(max(0, rep.start - 2), rep.start + 1)
    hold = np.arange(rep.hold_start, rep.hold_end + 1)
    d = {}
    for k, key in (("thigh_behind_vertical", "apparent_extension_deg"), ("hip_extension", "hip_extension_gain_deg"),
                   ("trunk_lean", "trunk_lean_change_deg"), ("lumbar_angle", "lumbar_angle_change_deg")):
        d[key] = median_at(series[k], hold) - median_at(series[k], rest)
    if "head_lean" in series:  # the lean the shoulders and the head agree on
        d["shoulders_lean_change_deg"] = d["trunk_lean_change_deg"]
        d["head_lean_change_deg"] = median_at(series["head_lean"], hold) - median_at(series["head_lean"], rest)
        d["trunk_lean_change_deg"] = float(agreed_lean(d["shoulders_lean_change_deg"], d["head_lean_change_deg"]))
    tilt_change = float("nan")
    if outline is not None and px_raw is not None and vis is not None and facing:
        with quiet():
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
    d["curve"] = curve(t, {k: series[k] for k in ("thigh_behind_vertical", "hip_extension", "trunk_lean",
                                                   "lumbar_angle", "knee_flexion")}, fr)
    return d


def _back_leg(raw: np.ndarray, facing: int) -> str:
    """The lunge's back leg: the thigh that lies further behind the vertical most of the time."""
    med = {}
    for s in SIDES:
        x = leg_series(raw, s, facing)["thigh_behind_vertical"]
        with quiet():
            med[s] = float(np.nanmedian(x)) if np.isfinite(x).any() else -np.inf
    return max(med, key=med.get)


def _thigh_source(tbv_lm: np.ndarray, tbv_ol: np.ndarray, ol_info: dict) -> str:
    """``"outline"`` when the outline shows the thigh in enough frames and moves with the seen knee
    landmarks; else ``"landmarks"`` (see the module docstring).

    Moving with: of the frames where the seen landmarks put the thigh at least twice
    ``movement_min_amplitude`` **behind** its standing level, at least ``movement_outline_agreement`` have
    the outline's thigh at least ``movement_min_amplitude`` behind its own level too (an outline that stays
    still while the knee swings back is loose clothing or another leg). With fewer than five such frames the
    outline is used: the knee landmark hardly moved back, so it is the one that was lost. A knee landmark
    thrown forward while the outline's rear-most thigh goes back is not a reason to doubt the outline: on
    held-out renders (a jointed mannequin in shorts) the pose model put the swinging knee 20-70 degrees in
    front of the hip at every peak while the outline followed the thigh within 2 degrees; a knee lifted
    forward (hip flexion) leaves the rear-most thigh, the standing one, where it was."""
    if ol_info.get("coverage", 0.0) < threshold("movement_outline_coverage"):
        return "landmarks"
    amp = threshold("movement_min_amplitude")
    d_lm = tbv_lm - standing_level(tbv_lm)
    d_ol = tbv_ol - standing_level(tbv_ol)
    back = np.isfinite(d_lm) & np.isfinite(d_ol) & (d_lm >= 2 * amp)
    if back.sum() < 5:
        return "outline"
    return "outline" if (d_ol[back] >= amp).mean() >= threshold("movement_outline_agreement") else "landmarks"


def standing_level(x: np.ndarray) -> float:
    """The thigh's resting level (deg behind the vertical): :func:`analysis.movement.series.rest_level` (the
    median of the lower half) of the frames where it hangs within 10 degrees of the vertical (standing,
    or the back thigh of a half-kneel before the glide) when they are at least a fifth of the clip, else of
    all frames: a thigh lifted forward is not the rest of a hip extension."""
    v = np.asarray(x, dtype=np.float64)
    ok = np.isfinite(v)
    near = ok & (np.abs(v) <= 10.0)
    return rest_level(v[near] if ok.any() and near.sum() >= 0.2 * ok.sum() else v, fraction=0.5)


def standing_trunk_lean(lean: np.ndarray, reps) -> float:
    """The trunk's lean while the person stands between repetitions (deg, + = forward): the median over the
    frames outside every repetition (all frames when there are none outside), NaN when never seen."""
    v = np.asarray(lean, dtype=np.float64)
    out = np.ones(len(v), dtype=bool)
    for r in reps:
        out[r.start:r.end + 1] = False
    v = v[out] if np.isfinite(v[out]).any() else v
    with quiet():
        return float(np.nanmedian(v)) if np.isfinite(v).any() else float("nan")


def fastest_turn(angle: np.ndarray, t: np.ndarray, frames, window_s: float = 0.1) -> float:
    """The fastest an angle series turns over ``frames`` (deg/s, absolute): the largest change between two measured
    frames about ``window_s`` apart (the first frame at least that much later), divided by their time apart; 0
    when no such pair is measured. Over a fixed time, not from frame to frame, so that it does not depend on the
    frame rate; a gap in the measurement is not a turn."""
    f = np.asarray(frames, dtype=int)
    a, tt = np.asarray(angle, dtype=np.float64)[f], np.asarray(t, dtype=np.float64)[f]
    j = np.searchsorted(tt, tt + window_s - 1e-9)
    ok = j < len(f)
    i, j = np.flatnonzero(ok), j[ok]
    with quiet():
        r = np.abs(a[j] - a[i]) / (tt[j] - tt[i])
    r = r[np.isfinite(r)]
    return float(r.max()) if r.size else 0.0


def peak_seen(measured: np.ndarray, rep: Repetition) -> bool:
    """Was the peak of a repetition seen, not only bridged? False when nothing of its hold (the frames within
    10 % of the peak, one frame either side) was seen, or when an unseen stretch longer than one frame there may
    hide a higher value: the thigh's course on either side of the gap (a straight line through up to 3 seen frames
    next to it), continued across it towards the gap, rises more than ``movement_hidden_peak_margin`` above the
    highest seen value of the hold. A gap in a steady hold, or where the thigh is still on its way out or back,
    hides no peak; one where it was rising into the gap, or came down steeply out of it, may. A gap that runs to the
    clip's start or end may hide anything."""
    x = np.asarray(measured, dtype=np.float64)
    fr = np.arange(max(0, rep.hold_start - 1), min(len(x), rep.hold_end + 2))
    unseen = ~np.isfinite(x[fr])
    if unseen.all():
        return False
    top = float(np.nanmax(x[fr])) + threshold("movement_hidden_peak_margin")
    seen = np.flatnonzero(np.isfinite(x))
    edges = np.flatnonzero(np.diff(np.concatenate([[0], unseen.astype(int), [0]])))
    for a, b in zip(fr[edges[::2]], fr[edges[1::2] - 1]):
        before, after = seen[seen < a][-3:], seen[seen > b][:3]
        if not before.size or not after.size:
            return False
        n = after[0] - before[-1] - 1  # the whole gap, also where it runs on beyond the hold
        if n < 2:
            continue  # one frame: bridged, never hides a peak
        if _reach(x, before, n) > top or _reach(x, after[::-1], n) > top:
            return False
    return True


def _reach(x: np.ndarray, frames: np.ndarray, n: int) -> float:
    """The value reached by continuing the course of ``x`` over ``frames`` (seen, in order towards the gap)
    for ``n`` more frames, if it rises; else the last seen value."""
    last = float(x[frames[-1]])
    if frames.size < 2:
        return last
    slope = float(np.polyfit(frames.astype(np.float64), x[frames], 1)[0]) * (1.0 if frames[-1] > frames[0] else -1.0)
    return last + max(slope, 0.0) * n


def _hold_gap(outline_thigh: np.ndarray, landmark_thigh: np.ndarray, hold: np.ndarray, landmark_rest: float,
             amp: float) -> float:
    """How far the outline's thigh lies behind the landmarks' over a repetition's hold (deg, + = the outline's
    further back): the outline's median less the landmarks' over the hold's seen frames (NaN = not seen).

    A knee point thrown in front of its rest (``landmark_rest - amp``) is lost, not a second opinion: the seen
    frames that are not are taken when they are most of the hold (a lunge's back knee point thrown forward for
    a third of its hold had put the landmarks' median 17 degrees from the outline's thigh); NaN otherwise."""
    lm = np.asarray(landmark_thigh, dtype=np.float64)[hold]
    kept = lm >= landmark_rest - amp
    if not kept.any() or kept.sum() < 0.5 * np.isfinite(lm).sum():
        return float("nan")
    return median_at(outline_thigh, hold) - float(np.median(lm[kept]))


def _fill(x: np.ndarray, t: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linear interpolation over NaN runs up to ``max_gap_s`` (for finding repetitions, never for values)."""
    y = np.array(x, dtype=np.float64)
    ok = np.isfinite(y)
    if ok.sum() < 2:
        return y
    idx = np.flatnonzero(ok)
    for a, b in zip(idx[:-1], idx[1:]):
        if b - a > 1 and t[b] - t[a] <= max_gap_s:
            y[a + 1:b] = np.interp(t[a + 1:b], [t[a], t[b]], [y[a], y[b]])
    return y


def other_leg_repetitions(kind: str, reps: list[Repetition], raw: np.ndarray, outline, facing: int, side: str,
                          near: str | None, given: bool) -> tuple[list[Repetition], list[Repetition], str]:
    """Split a standing hip extension's repetitions between the two legs when both were tested in turn.

    Each repetition's leg is read as near or far from the camera (:func:`analysis.movement.legs.repetition_legs`,
    from where the standing foot stood at its peak, without the pose model's names). When some repetitions were
    the near leg's and some the far leg's, the tested leg is ``side`` when the caller ``given`` it, else the near
    leg (the set-up films the tested leg nearest the camera): its repetitions are kept; the other leg's, and any
    whose leg could not be told, are returned apart (not measured). Otherwise nothing changes.

    Returns
    -------
    kept, others : list of Repetition
    tested : str
        The tested leg's side (``side``, or the near side when both legs moved and none was given).
    """
    if kind != "hip_extension" or near is None or len(reps) < 2:
        return reps, [], side
    legs = repetition_legs(raw, outline, [{"phases": r.to_dict()} for r in reps], facing)
    if "near" not in legs or "far" not in legs:
        return reps, [], side
    tested = side if given else near
    want = "near" if tested == near else "far"
    return ([r for r, g in zip(reps, legs) if g == want], [r for r, g in zip(reps, legs) if g != want], tested)


def hip_extension_test(timestamps, pixels, visibility, *, kind: str = "hip_extension", outline=None,
                       facing: int = 0, side: str | None = None) -> dict:
    """Hip extension per repetition of a standing hip extension or a half-kneeling lunge glide.

    Parameters
    ----------
    timestamps : ndarray (T,)
        Seconds.
    pixels : ndarray (T, 33, 2)
        Landmark pixels with consistent leg labels (:func:`analysis.movement.legs.consistent_labels`).
    visibility : ndarray (T, 33)
    kind : str
        ``"hip_extension"`` (standing, the moving leg swings back) or ``"lunge"`` (half-kneeling: the
        back leg, whose knee is down, is tested).
    outline : ndarray (T, K, 2), optional
        Silhouette outlines: the thigh from the outline, the lumbar contour angle and the compensation index.
    facing : int
        +1 facing the image right, -1 left (0: not a side view; nothing is measured).
    side : str, optional
        The person's tested side; default: found from the movement.

    Returns
    -------
    dict (JSON-ready)
        ``side``, ``leg`` (words), ``near_side``, ``facing``, ``thigh_source``, ``repetitions`` (list of
        dicts: repetition, side, phases, metrics at the peak, compensation, source), ``summary``
        (best/mean/spread of the two extension angles), ``phases`` (per-frame labels), ``curve``,
        ``movement`` (was the test's movement found, and if not why), ``problems``.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    raw = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    fc = int(facing)
    near = near_side_of(fc)
    res = {"kind": kind, "side": side, "near_side": near, "facing": fc, "repetitions": [], "summary": {},
           "problems": [], "movement": {"found": False, "reason": "not a side view"}}
    if not fc:
        res["problems"].append("could not tell which way the person faces: film side-on")
        return res
    bent_back = hyperextended_knees(raw, fc)  # a knee bent backwards further than a knee can: not seen
    raw = np.where(bent_back[..., None], np.nan, raw)
    vis = np.where(bent_back, 0.0, vis)
    track = clean_landmarks(raw, vis, t)
    p = track.p
    scores, certain, given = None, True, side is not None
    if side is None:
        if kind == "lunge":
            side = _back_leg(raw, fc)
        else:
            side, scores = moving_leg(raw, fc)
            side = side or near
            top = max(scores["left"], scores["right"])
            certain = scores["margin"] >= max(threshold("movement_leg_margin_min"), 0.3 * top)
    i = SIDE_IDX[side]
    res.update(side=side, leg=leg_words(side, near) + ("" if certain else f" {LEG_NOT_CERTAIN}"), leg_scores=scores,
               leg_certain=certain)
    ser = leg_series(p, side, fc)
    hips = steady_hip(p, t) if kind == "hip_extension" else None
    ser["trunk_lean"] = trunk_lean(p, fc, hips)
    ser["head_lean"] = head_lean(p, fc, hips)
    ser["lumbar_angle"] = lumbar_contour_angle(outline, p, fc)
    hip_seen = track.seen[:, 23] | track.seen[:, 24]
    tbv_lm = np.where(track.seen[:, i["knee"]] & hip_seen, ser["thigh_behind_vertical"], np.nan)
    # the other leg's seen thigh, which may also corroborate the outline's: the pose model can give the moving
    # thigh the other leg's name for a repetition (a held-out mannequin's knees kept together, labels crossed)
    o = other_side(side)
    tbv_other = np.where(track.seen[:, SIDE_IDX[o]["knee"]] & hip_seen, leg_series(p, o, fc)["thigh_behind_vertical"],
                         np.nan)
    # where to look in the outline: the rear-most thigh of the landmarks in every frame, seen or not
    raw_thighs = [leg_series(raw, s, fc)["thigh_behind_vertical"] for s in SIDES]
    with quiet():
        guide = np.fmax(*raw_thighs)
    L = thigh_length(raw)
    tbv_ol, ol_info = outline_thigh_angle(outline, midpoint(p, "hip"), L, fc, guide, t, kneeling=kind == "lunge")
    source = _thigh_source(tbv_lm, tbv_ol, ol_info) if outline is not None else "landmarks"
    res["thigh_source"] = source
    # the outline showed the thigh's movement, but its angle at rest was not known: why, in each repetition's words
    # and the movement check's
    wander = ol_info.get("rest_wander_deg") if source == "landmarks" else None
    res["thigh_rest_wander_deg"] = wander  # the tracking check's (analysis.movement.checks.check_tracking)
    unread = None if wander is None else (
        f"the body outline showed the {side} thigh's movement but not its axis at rest, and the pose model's thigh "
        f"at rest wandered over {wander:.0f} degrees, so the thigh's angle could not be read: film again with the "
        f"tested leg nearest the camera, {SHOW_THE_THIGHS}")
    if source == "outline":
        res["thigh_rest_reference"] = ol_info.get("rest_reference")
    measured = tbv_ol if source == "outline" else tbv_lm
    # one repetition stays one, never a value; a single frame's reading is no peak: the outline's thigh can jump for
    # one frame (a held-out figure in a long top: a lunge's peaks were one-frame spikes 6-9 degrees above their
    # neighbours), so the series is the running median over a short time (at 10 frames/s or fewer, none)
    x = running_median(t, _fill(measured, t, threshold("movement_bridge_max")), threshold("movement_despike_s"))
    ser["thigh_behind_vertical"] = x
    amp = threshold("movement_min_amplitude")
    rest, lm_rest, other_rest = standing_level(x), standing_level(tbv_lm), standing_level(tbv_other)
    # the test's way: the thigh goes back, from its resting level, to behind the vertical
    reps = [r for r in find_repetitions(x, t, amp, side=side, rest_level=rest,
                                        min_return=threshold("movement_rep_return_min"))
            if r.peak_value - rest >= amp and r.peak_value > 0 and not cut_by_clip(r, x, t, rest)
            and (kind != "hip_extension" or source != "outline" or r.peak_value - rest >= 2 * amp
                 or points_went_back(raw_thighs, r))]
    # a small rise must stand out from how far the thigh's reading wanders at rest, between the repetitions kept (a
    # held-out pixel-art figure standing still: the outline wandered over 8 degrees, and a 'repetition' of 6 gave a
    # hip extension of 4)
    noise = threshold("movement_rep_over_rest_spread_min") * rest_spread(x, t, reps)
    reps = [r for r in reps if kind != "hip_extension" or r.peak_value - rest >= 2 * amp
            or not r.peak_value - rest < noise]
    # both legs tested in turn: the outline's rear-most thigh and the model's names follow either leg, so each
    # repetition's leg is read from where the standing foot stood, and the other leg's are left out
    reps, others, keep = other_leg_repetitions(kind, reps, raw, outline, fc, side, near, given)
    if keep != side:  # the leg found from the motion was the far one: the test is the near leg's (its set-up)
        return hip_extension_test(t, pixels, visibility, kind=kind, outline=outline, facing=fc, side=keep)
    if others:  # each repetition's leg was told apart: which leg moved is no longer in doubt
        certain = True
        res.update(leg=leg_words(side, near), leg_certain=True)
        x = np.where(phase_labels(len(t), others) != "rest", np.nan, x)
        ser["thigh_behind_vertical"] = x
        res["other_leg"] = {"side": other_side(side), "repetitions": len(others),
                            "from_s": round(float(t[others[0].start]), 2), "to_s": round(float(t[others[-1].end]), 2)}
    for j, r in enumerate(reps, 1):
        r.index = j
    # per frame (the curves): against the trunk as it stood between repetitions; each repetition's value below
    # takes the trunk as it stood just before it
    ser["hip_extension"] = x - agreed_lean(*(ser[k] - standing_trunk_lean(ser[k], reps)
                                             for k in ("trunk_lean", "head_lean")))
    conf_idx = (i["shoulder"], i["hip"], i["knee"])
    hip_y = midpoint(p, "hip")[:, 1]
    drop_gap = threshold("movement_lunge_drop_gap_max")
    rows = []
    for r in reps:
        hold = np.arange(r.hold_start, r.hold_end + 1)
        span = np.arange(r.start, r.end + 1)
        # a lunge's back knee rests on the floor: the hips stand a thigh's length x cos(its angle) above it, so how
        # far they came down from just before the repetition to its hold says roughly how far the thigh turned
        fits = np.nan
        if kind == "lunge":
            before = (t >= t[r.start] - 1.0) & (t <= t[r.start])
            with quiet():
                fits = thigh_from_hip_drop(rest, float(np.nanmedian(hip_y[hold]) - np.nanmedian(hip_y[before])), L)
        seen_peak = peak_seen(measured, r)
        c_vis = visibility_confidence(vis, conf_idx, hold)
        c = (0.7 * float(np.isfinite(tbv_ol[hold]).mean()) + 0.3 * visibility_confidence(vis, (i["shoulder"],
             i["hip"]), hold)) if source == "outline" else c_vis
        extra, why = {"source": source}, None
        he_extra = extra  # the hip extension's own lower bound, where it differs from the thigh's
        comp = compensation(r, ser, t, outline, raw, vis, fc)
        tv = median_at(x, [r.peak])
        # behind the trunk line as it stood just before the repetition, turned with the trunk's lean since
        he = tv - comp["trunk_lean_change_deg"]
        margin = threshold("movement_peak_margin_s")  # either side of a hold (or of a repetition) the turn is read
        knee_lost = False  # the thigh "turned" faster than a controlled movement: the model lost the knee
        gap_max = threshold("movement_outline_landmark_max")
        # against the named knee point (NaN: not seen, no comparison), the gap the view check weighs
        # (check_view_outline); a knee point off the thigh the outline shows gives no knee bend either (a dusk
        # figure's straight-knee swing read 'bent 51 degrees' from a knee point left behind over the swung foot)
        gap = _hold_gap(tbv_ol, tbv_lm, hold, lm_rest, amp) if source == "outline" else np.nan
        knee_off = bool(abs(gap) > gap_max)
        if not seen_peak:
            with quiet():
                lb = float(np.nanmax(measured[span])) if np.isfinite(measured[span]).any() else np.nan
            # a reading reached by a turn faster than a controlled movement is the pose model losing the knee:
            # no bound is taken from it (a mannequin lunge's thigh "went back at least 38 degrees" for a true 25)
            around = np.flatnonzero((t >= t[r.start] - margin) & (t <= t[r.end] + margin))
            jumped = fastest_turn(measured, t, around) > threshold("movement_thigh_rate_max")
            # nor from a reading above what the hips' drop allows (the body outline filled the floor behind a kneeling
            # thigh): a bound is a promise, so it stays within the drop's own scatter of it
            lb = np.nan if jumped or lb - fits > threshold("movement_lunge_bound_drop_max") else lb
            knee_lost = jumped
            extra["at_least_deg"] = None if not np.isfinite(lb) else round(lb, 1)
            what = f"the {side} thigh was not seen clearly in the body outline" if source == "outline" else \
                f"the {side} knee was not seen clearly"
            why = (f"{what} at the peak of this repetition (hidden or poorly lit), so "
                   "the peak was not measured" + ("; the thigh went back at least "
                                                  f"{lb:.0f} degrees behind the vertical" if np.isfinite(lb) else "")
                   + ("; its seen readings jumped faster than a controlled movement, so they give no bound either"
                      if jumped else "")
                   + ": film with the tested leg nearest the camera, in good light, with tight clothes")
            tv = he = np.nan
        if why is None and outline is not None and source == "landmarks":
            why = unread or (f"the body outline did not follow the {side} thigh through the clip, so its angle from "
                             "the body points could not be confirmed (alone, they read peaks up to 13 degrees short): "
                             f"film again {SHOW_THE_THIGHS}")
            tv = he = np.nan
        if why is None and source == "outline":
            # where the outline and the named knee point disagree, the other name's knee point may corroborate it
            if abs(gap) > gap_max:
                extra["outline_landmark_gap_deg"] = round(gap, 1)
                gap = min(abs(gap), abs(_hold_gap(tbv_ol, tbv_other, hold, other_rest, amp)))  # not seen: the named
                # the other name's knee point followed the outline: a knee the model misnamed or lost, not the view
                extra["outline_confirmed_by_other_knee"] = bool(abs(gap) <= gap_max)
            if abs(gap) > gap_max:
                why = (f"the body outline and the body points put the {side} thigh {abs(gap):.0f} degrees apart at the "
                       f"peak of this repetition, so neither was taken: film again {SHOW_THE_THIGHS}, with nothing "
                       "held near the thigh")
                tv = he = np.nan
            elif kind == "hip_extension" and -gap > threshold("movement_outline_short_of_points_max") \
                    and abs(lm_rest - rest) <= gap_max:
                # the seen knee points put the thigh further back than the outline's: both read a swing short when
                # they fail (the points' knee lags; the outline's rear edge held by the seat and hem of shorts),
                # so the further one is taken; not when the points' thigh at rest was not where the outline's stood
                # (a held-out figure at dusk: the model folded the knee up to the hip at rest, 105 degrees forward,
                # and put it 9 degrees too far back at a peak)
                points = median_at(tbv_ol, hold) - gap
                extra.update(source="landmarks", outline_deg=round(tv, 1))
                he, tv = he + points - tv, points
            elif kind == "hip_extension" and res.get("thigh_rest_reference") == "landmarks" and np.isfinite(tv):
                # the outline gave the thigh's turn from rest, but its angle at rest came from the pose model's
                # points, which put a standing thigh forward of where it is: the peak is read short (module docstring)
                extra["at_least_deg"] = round(float(tv), 1)
                he_extra = {**extra, "at_least_deg": round(float(he), 1) if np.isfinite(he) else None}
                why = (f"the {side} thigh went back at least {tv:.0f} degrees behind the vertical, but its peak is "
                       "not given: the body outline did not show the thigh's line while you stood at rest (a hand or "
                       "clothes over it), so its angle at rest came from the pose model's points, which put a "
                       "standing thigh a few degrees forward and read the peak short. Film again with the far hand "
                       f"on a support, away from the thigh, {SHOW_THE_THIGHS}")
                tv = he = np.nan
        # around the peak (its hold and a margin either side), where the value is read
        near_peak = span[(t[span] >= t[r.hold_start] - margin) & (t[span] <= t[r.hold_end] + margin)]
        rate = fastest_turn(measured, t, near_peak)
        fast = rate > threshold("movement_thigh_rate_max")
        knee_lost = knee_lost or fast
        if why is None and fast:
            why = (f"the {side} thigh seemed to turn {rate:.0f} degrees a second at the peak of this repetition, "
                   "faster than a controlled test movement: the pose model lost the knee for a moment, so it was "
                   "not measured: film again with the tested leg nearest the camera, moving slowly")
            extra["fastest_turn_deg_s"] = round(rate)
            tv = he = np.nan
        if why is None and abs(tv - fits) > drop_gap:
            what = ("the body outline showed something else behind the thigh (the floor between it and the lower "
                    "leg, or clothes)" if source == "outline" else "the pose model's knee point was not on the thigh")
            why = (f"the {side} thigh read {tv:.0f} degrees behind the vertical at the peak of this repetition, but "
                   f"the hips came down as far as for about {fits:.0f} degrees (the back knee rests on the floor, so "
                   f"the hips' height follows the thigh's angle): {what}, so it was not measured: film again "
                   f"{SHOW_THE_THIGHS}")
            extra["thigh_from_hip_drop_deg"] = round(fits, 1)
            tv = he = np.nan
        knee_ok = certain and not knee_lost and not knee_off and \
            seen_near(track.seen, (i["hip"], i["knee"], i["ankle"]), [r.peak])[0]
        kf = median_at(ser["knee_flexion"], [r.peak]) if knee_ok else np.nan
        knee_why = ("which leg moved is not certain, so neither knee's bend is given" if not certain else
                    f"the pose model lost the {side} knee for a moment at the peak (the thigh seemed to turn faster "
                    "than a controlled movement), so its bend is not given" if knee_lost else
                    f"the pose model's {side} knee point was not on the thigh the body outline showed at the peak, so "
                    "its bend is not given" if knee_off else
                    f"the {side} knee and ankle were not seen clearly at the peak")
        he_why = why if why or np.isfinite(he) or not np.isfinite(tv) else \
            "the shoulders were not seen clearly before and at the peak, so the trunk line is not known"
        nk = "hip_extension_range" if kind == "hip_extension" else "lunge_hip_extension"
        metrics = {
            "hip_extension": rep_metric("hip_extension", "Hip extension (thigh behind trunk line)", he, "deg",
                                        HIP_EXT_DEF, side=side, rep=r.index, norm_key=nk, confidence=c,
                                        reason=he_why, extra=he_extra),
            "thigh_behind_vertical": rep_metric("thigh_behind_vertical", "Thigh behind vertical", tv, "deg",
                                                THIGH_VERT_DEF, side=side, rep=r.index, confidence=c, reason=why,
                                                extra=extra),
            "knee_flexion": rep_metric("knee_flexion_at_peak", "Knee flexion at the peak", kf, "deg", KNEE_DEF,
                                       side=side, rep=r.index,
                                       confidence=visibility_confidence(vis, (i["hip"], i["knee"], i["ankle"]), hold),
                                       reason=knee_why),
            "trunk_lean": rep_metric("trunk_lean_added", "Trunk lean added at the peak", comp["trunk_lean_change_deg"],
                                     "deg", "Lean of the trunk line (hip midpoint -> shoulder midpoint; standing, "
                                     "the hips where they stood over 2 s) from the vertical over the peak's hold "
                                     "less just before the repetition, + = further forward, as far as the hip "
                                     "midpoint -> ears line leans the same way (a lean the shoulders or the head "
                                     "alone show is theirs, not the trunk's); the hip extension is the thigh behind "
                                     "the vertical less this.",
                                     side=None, rep=r.index, confidence=c_vis),
            # a share of a rise that was not measured is not known either
            "compensation_index": comp.pop("compensation_index") if why is None else replace(
                comp.pop("compensation_index"), value=None, confidence=0.0, status="unknown", reading="",
                reason="the thigh's peak in this repetition was not measured, so the share of it the low back and "
                       "pelvis gave is not known"),
        }
        rows.append({"repetition": r.index, "side": side, "source": source, "peak_seen": seen_peak,
                     "knee_point_off_thigh": knee_off,
                     "phases": r.to_dict(), "metrics": {k: m.to_dict() for k, m in metrics.items()},
                     "compensation": comp, "_m": metrics})
    res["repetitions"] = [{k: v for k, v in row.items() if k != "_m"} for row in rows]
    nk = "hip_extension_range" if kind == "hip_extension" else "lunge_hip_extension"
    summ = {}
    for key, name, d, nkey in (("hip_extension", "Hip extension (thigh behind trunk line)", HIP_EXT_DEF, nk),
                               ("thigh_behind_vertical", "Thigh behind vertical", THIGH_VERT_DEF, None)):
        vals = [row["_m"][key].value if row["_m"][key].value is not None else np.nan for row in rows]
        conf = float(np.mean([row["_m"][key].confidence for row in rows])) if rows else 0.0
        # no repetition measured: the first one's reason (each says why, and gives its lower bound where it has one)
        why = next((row["_m"][key].reason for row in rows if row["_m"][key].reason),
                   "the peak of no repetition was seen clearly") if rows else None
        summ[key] = summary_dicts(summarise(key, name, vals, "deg", d, side, nkey, conf, reason=why))
    lost = [row["_m"]["thigh_behind_vertical"].reason for row in rows
            if row["_m"]["thigh_behind_vertical"].value is None]
    if rows and len(lost) == len(rows) and lost[0]:  # said once for the clip too (a screen's roster shows it)
        res["problems"].append(f"no repetition's peak was measured: {lost[0]}")
    cis = [row["_m"]["compensation_index"].value for row in rows]
    cis = [c for c in cis if c is not None]
    summ["compensation_index_mean"] = round(float(np.mean(cis)), 3) if cis else None
    res["summary"] = summ
    res["phases"] = list(phase_labels(len(t), reps))
    res["curve"] = curve(t, {k: ser[k] for k in ("hip_extension", "thigh_behind_vertical", "knee_flexion",
                                                  "trunk_lean", "lumbar_angle")})
    # the outline showed the thigh going back where its angle at rest was not known (the pose model's knee points
    # wandered at rest): no repetition could be read there, and the result says so (the tracking check)
    res["unread_movements"] = unread_movements(ol_info.get("unread_change"), t, reps) if source == "outline" else []
    res["movement"] = _movement_found(kind, reps, rows, raw, fc, side,
                                      confirmed=outline is None or source == "outline", unread=unread)
    if not reps:
        res["problems"].append(res["movement"]["reason"])
    return res


def unread_movements(change: np.ndarray | None, t: np.ndarray, reps) -> list[dict]:
    """Movements of the thigh the body outline showed but no repetition read: where the thigh's angle at rest was
    not known (``unread_change`` of :func:`analysis.movement.outline_limbs.outline_thigh_angle`: the rear edge's
    change from its rest, deg), the frames outside every repetition ``reps`` where it rose at least twice
    ``movement_min_amplitude``, for at least ``movement_despike_s``. A held-out heavy person of a trainer's screen
    of four, whose knee points the pose model threw between the legs at rest, swung back 21 degrees and the test
    reported three repetitions without a word. List of ``from_s``, ``to_s`` (s) and ``change_deg`` (the largest
    rise)."""
    if change is None:
        return []
    change = np.asarray(change, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        moved = change >= 2 * threshold("movement_min_amplitude")
    for r in reps:
        moved[r.start:r.end + 1] = False
    return [{"from_s": round(float(t[a]), 2), "to_s": round(float(t[b - 1]), 2),
             "change_deg": round(float(np.max(change[a:b])), 1)}
            for a, b in true_runs(moved) if t[b - 1] - t[a] >= threshold("movement_despike_s")]


def thigh_from_hip_drop(rest_deg: float, drop: float, length: float) -> float:
    """The back thigh's angle behind the vertical (deg) of a half-kneel whose hips came ``drop`` down (pixels, + =
    down) from where they stood with the thigh ``rest_deg`` behind the vertical, the knee resting on the floor all the
    while: the hips stand ``length`` (the thigh's, pixels) x cos(angle) above the knee. Rough (the hip points move a
    few pixels, the thigh's length in the picture is a median): on the rendered lunges of five styles it lay within 5
    degrees of the truth in most, 8 on a mannequin, 11 under a long top that hid the hips. NaN when the drop is more
    than the thigh allows or not known."""
    c = np.cos(np.radians(rest_deg)) - drop / length
    return float(np.degrees(np.arccos(c))) if np.isfinite(c) and -1.0 <= c <= 1.0 else float("nan")


def lifted_forward(thighs, rep) -> bool:
    """Was a repetition a thigh lifted forward, not swung back? True when, over its hold (the frames around the
    peak), the body points put one thigh at least ``3 x movement_min_amplitude`` degrees forward of its standing
    level (median over the hold) and neither thigh ``movement_min_amplitude`` behind its own.

    The outline's rear-most thigh is read for the swing back; under loose trousers the two legs' outlines merge, and
    a leg kicked forward moved the merged outline's rear edge (a held-out figure in wide trousers and a long top:
    three "repetitions" of 12 degrees read while the body points showed the thigh 27-60 degrees forward).
    The body points need not be accurate for this, only tell forward from back.

    Parameters
    ----------
    thighs : sequence of ndarray (T,)
        Each leg's ``thigh_behind_vertical`` from the body points (:func:`analysis.movement.series.leg_series`).
    rep : Repetition

    Returns
    -------
    bool
    """
    amp = threshold("movement_min_amplitude")
    hold = slice(rep.hold_start, rep.hold_end + 1)
    fwd, back = 0.0, -np.inf
    for x in thighs:
        with quiet():
            at_peak = float(np.nanmedian(x[hold])) - standing_level(x) if np.isfinite(x[hold]).any() else np.nan
        if np.isfinite(at_peak):
            fwd, back = min(fwd, at_peak), max(back, at_peak)
    return fwd <= -3 * amp and back < amp


def cut_by_clip(rep, x: np.ndarray, t: np.ndarray, rest: float) -> bool:
    """Was most of a repetition's rise made before the thigh's angle ``x`` (deg, T) was first read, or most of its
    return after it was last read? True when it starts within ``movement_rep_under_way_s`` of the first reading,
    already ``movement_min_amplitude`` or more behind the resting level ``rest`` and further than it then rose, or
    ends within that time of the last reading still that far behind and further than it had come back: it was cut
    by the clip (a held-out pixel-art clip's outline read the thigh 13-21 degrees back over its first half second
    and 25-27 over its last frames while no leg moved, and lower bounds of 26 and 27 degrees were given for swings
    that never happened). A swing whose person was found only part-way up, 7 degrees back, and which rose 14 more,
    is kept (a held-out figure filmed small, found after a second)."""
    seen = np.flatnonzero(np.isfinite(x))
    if not seen.size:
        return False
    edge, amp = threshold("movement_rep_under_way_s"), threshold("movement_min_amplitude")
    start, end = rep.rest_value - rest, float(x[rep.end]) - rest
    return bool((t[rep.start] - t[seen[0]] <= edge and start >= amp and rep.peak_value - rep.rest_value < start)
                or (t[seen[-1]] - t[rep.end] <= edge and end >= amp and rep.peak_value - x[rep.end] < end))


def points_went_back(thighs, rep) -> bool:
    """Did the body points show a thigh going back, and none lifted forward, over a small repetition found in the
    outline? Over its hold, with ``thighs`` each leg's ``thigh_behind_vertical`` from the body points (deg): True
    when either leg was not read there (the unread one may be the leg that moved: a knee point thrown or bent
    backwards is dropped); else False when a thigh lay ``3 x movement_min_amplitude`` or more in front of its
    standing level (median over the hold, as :func:`lifted_forward`); else True when a thigh went at least
    ``movement_outline_rep_points_min`` behind its standing level (the farthest frame).

    The outline's rear-most thigh wobbles by a few degrees where the outline is coarse (a held-out pixel-art figure
    standing still gave "repetitions" of 6-9 degrees, the body points within 2.6 of rest), and the standing leg's
    outline moves a little when the other knee is lifted forward (the same figure: 6 degrees, the lifted thigh 24
    forward); in every rendered swing of six styles the points put a thigh 4.8 degrees or more behind its rest,
    and none whose outline rose under 10 degrees a thigh 10 or more forward. Asked only of a rise under twice
    ``movement_min_amplitude``: a larger one is no wobble, and where the points stayed at rest through it, the
    outline and the points put the thigh too far apart for its peak to be taken (``movement_outline_landmark_max``)."""
    hold = slice(rep.hold_start, rep.hold_end + 1)
    if not all(np.isfinite(x[hold]).any() for x in thighs):
        return True
    with quiet():
        if any(float(np.nanmedian(x[hold])) - standing_level(x) <= -3 * threshold("movement_min_amplitude")
               for x in thighs):
            return False
    return any(float(np.nanmax(x[hold])) - standing_level(x) >= threshold("movement_outline_rep_points_min")
               for x in thighs)


def rest_spread(x: np.ndarray, t: np.ndarray, reps) -> float:
    """How far the thigh's angle ``x`` (deg, T; times ``t``, s) wanders at rest: the spread between its 10th and 90th
    percentiles over the frames further than ``movement_rest_spread_margin_s`` from every repetition of ``reps``. NaN
    with fewer than 5 such frames read."""
    margin = threshold("movement_rest_spread_margin_s")
    rest = np.isfinite(x)
    for r in reps:
        rest &= (t < t[r.start] - margin) | (t > t[r.end] + margin)
    return float(np.ptp(np.percentile(x[rest], [10, 90]))) if rest.sum() >= 5 else float("nan")


def bent_knee(knees, rep) -> float:
    """The more bent of the two knees over a repetition's hold (deg, median over the hold of each of ``knees``, each
    leg's ``knee_flexion`` from the body points, :func:`analysis.movement.series.leg_series`); NaN when neither knee
    was read there. For when the tested leg is not known: in a straight-leg swing both knees stay nearly straight
    (rendered swings in six figure styles: at most 34 degrees), in a thigh stretch one is bent far (60-122)."""
    hold = slice(rep.hold_start, rep.hold_end + 1)
    bends = [float(np.nanmedian(k[hold])) for k in knees if np.isfinite(k[hold]).any()]
    return max(bends) if bends else float("nan")


def peak_knee_bends(reps: list, rows: list, knees: list) -> tuple[list[float], bool]:
    """The knee bends at a hip extension's peaks that tell a straight-leg swing from a thigh stretch (deg).

    The tested leg's knee flexion at each peak where it was given (``rows``' ``knee_flexion``); where none was
    (which leg moved was not certain, or its knee was not seen), the more bent of the two knees over each
    repetition's hold as the body points show it (:func:`bent_knee` of ``knees``, each leg's ``knee_flexion``
    series): a pixel-art figure's thigh stretch, the leg not certain, went through as two "repetitions" of 13 and
    10 degrees, its knee bent 60-90. Not over a repetition whose named knee point was off the thigh the outline
    showed (``knee_point_off_thigh``): the points' knees were not on the legs there (a dusk figure's swing, its
    knee straight, read "bent 51 degrees" from a knee point left behind and the swung foot).

    Returns
    -------
    bends : list of float
    named : bool
        True when they are the tested leg's own.
    """
    given = [row["metrics"]["knee_flexion"]["value"] for row in rows]
    given = [k for k in given if k is not None]
    if given or not reps:
        return given, True
    return [k for k in (bent_knee(knees, r) for r, row in zip(reps, rows) if not row["knee_point_off_thigh"])
            if np.isfinite(k)], False


def _movement_found(kind: str, reps: list, rows: list, raw: np.ndarray, fc: int, side: str,
                    confirmed: bool = True, unread: str | None = None) -> dict:
    """Did the test's movement happen: a thigh going back, by enough, at least once? Not when the repetitions come
    from body points the outline did not confirm (``confirmed`` False: the outline did not follow the thigh): on
    a held-out mannequin's lunge held once, the points' thrown knees made three "repetitions", none measurable.
    Nor, whatever the body points show, when the outline showed the thigh moving but its angle at rest could not
    be read (``unread``: why, in words).
    Nor, in the standing hip extension, with the knee bent at the peaks (median over the repetitions whose knee was
    read) by more than ``hip_extension_knee_bent_max``: the thigh stretch of a foot pulled up behind, not the
    straight-leg swing the test asks for."""
    if unread is not None:
        return {"found": False, "repetitions": len(reps), "reason": unread}
    if reps and not confirmed:
        return {"found": False, "repetitions": len(reps),
                "reason": f"the body outline did not follow the {side} thigh, so its movement, read from the body "
                          f"points alone, could not be confirmed: film again {SHOW_THE_THIGHS}"}
    legs = [leg_series(raw, s, fc) for s in SIDES]
    knees, named = peak_knee_bends(reps, rows, [leg["knee_flexion"] for leg in legs])
    whose = f"your {side} knee was" if named else "a knee was"
    if kind == "hip_extension" and knees and np.median(knees) > threshold("hip_extension_knee_bent_max"):
        return {"found": False, "repetitions": len(reps),
                "reason": f"{whose} bent {np.median(knees):.0f} degrees at the peak (as when pulling the "
                          "foot up behind you to stretch the front thigh): this test swings the leg back with the "
                          "knee almost straight, since a bent knee lets the front thigh's muscle stop the hip sooner"}
    amp = threshold("movement_min_amplitude")
    what = "the back thigh never moved back" if kind == "lunge" else "no leg swung back"
    thighs = [leg["thigh_behind_vertical"] for leg in legs]
    if reps and kind == "hip_extension" and all(lifted_forward(thighs, r) for r in reps):
        return {"found": False, "repetitions": len(reps),
                "reason": f"{what}: at every peak the body points show a thigh lifted forward (the hip bent, as when "
                          "lifting a knee or kicking forward) and none behind you, which is not a hip extension"}
    if reps:
        seen = sum(1 for r in rows if r["peak_seen"])
        return {"found": True, "repetitions": len(reps), "peaks_seen": seen,
                "reason": f"{len(reps)} repetition(s) of the {side} thigh moving back"}
    fwd = False
    for x in thighs:
        with quiet():
            if np.isfinite(x).sum() >= 3 and standing_level(x) - np.nanpercentile(x, 5) >= 3 * amp:
                fwd = True
    if fwd:
        return {"found": False, "reason": f"{what}: a thigh moved forward (the hip bent, as when lifting a knee), "
                "which is not a hip extension"}
    return {"found": False, "reason": f"{what} by {amp:g} degrees or more"}

