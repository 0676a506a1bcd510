"""Sit-to-stand from a side view: time to stand, trunk lean at lift-off, hip extension at full stand,
the "hips still bent, back arched" finish, and the compensation curve.

Events per repetition (a repetition = one rise; several rises in a clip, e.g. a five-times
sit-to-stand, are numbered 1, 2, ...). The driving signal is the **hip height**: the hip midpoint's
height above its seated level, as a fraction of the rise of that repetition (0 = seated, 1 = standing; both
levels are medians over the seated frames and the standing hold, :func:`rise_levels`).

* ``onset``: start of the forward trunk lean before the rise (the trunk lean's repetition start, see
  :func:`analysis.segmentation.find_repetitions`, here at 5 % of its rise from the seated lean).
* A rise counts only from a seat: over the half second before its onset the thigh lies at least
  ``sts_seated_thigh_forward_min`` degrees forward of the vertical (where it was seen), and the trunk leans
  forward by at least ``sts_rise_lean_min`` degrees on the way up (rising from a chair moves the body's mass
  forward over the feet; rising from a squat, the mass already over them, needs no lean: a held-out pixel-art
  render of a rise from a squat on the toes, read as seated at a chair's height, leant at most 8 degrees).
* ``lift_off`` (seat-off): the first frame the hip height passes ``sts_liftoff_fraction`` (5 %) of the
  rise: the buttocks have left the seat.
* ``stand``: the first frame the hip height reaches ``sts_stand_fraction`` (98 %) of the rise.
* ``time_to_stand_s`` = stand - onset; ``rise_time_s`` = stand - lift-off.
* ``trunk_lean_at_lift_off`` (deg, + forward), ``peak_trunk_lean`` (deg).
* ``hip_extension_at_stand``: thigh behind the trunk line (deg, + extension, - still flexed; see
  :mod:`analysis.movement`), median over the standing part (from ``stand`` to the end of the
  repetition, at most 1 s), leaving out frames whose hip -> knee points lie further than
  ``sts_thigh_length_tolerance`` from the thigh's length in the clip (a knee point off the knee). With the body
  outline the thigh is the mean of the hip -> knee points' and its midline's (:func:`standing_hip_extension`): on
  the rendered sit-to-stands of three figure styles (benchmarks/eval_movement.py) the median / worst error went from
  0.5/0.8, 4.6/10.5 and 5.0/7.5 degrees (mesh, loose clothes, ink cartoon) to 0.3/0.4, 3.1/7.1 and 3.4/5.5; what
  is left is mostly the trunk line's, which the pose model reads 2 to 4 degrees forward standing.
* ``hips_flexed_back_arched`` flag: at full stand the hip stays flexed by more than
  ``sts_hip_flexed_min`` degrees (thigh in front of the trunk line) while the trunk is upright or
  leaning back (trunk lean under ``sts_upright_max``): the trunk can only be upright over a bent hip if
  the pelvis tilts forward and the low back arches, the pattern the practitioners' model links to
  tight front thighs. With an outline, the lumbar contour angle at stand minus seated is reported too.
"""

from __future__ import annotations

import numpy as np

from analysis.filtering import frame_interval
from analysis.movement.outline_limbs import thigh_midline_angle
from analysis.movement.series import (SIDE_IDX, clean_landmarks, curve, leg_series, lumbar_contour_angle, median_at,
                                      midpoint, movement_found, rep_metric, summarise, summary_dicts, thigh_length,
                                      trunk_lean, visibility_confidence)
from analysis.norms import threshold
from analysis.posture_side import near_side
from analysis.quality import quiet
from analysis.segmentation import clean_signal, find_repetitions

__all__ = ["lean_onset", "rise_levels", "standing_hip_extension", "sit_to_stand_test"]


def _first_at_or_above(x: np.ndarray, lo: int, hi: int, level: float) -> int | None:
    idx = np.flatnonzero(x[lo:hi + 1] >= level)
    return lo + int(idx[0]) if idx.size else None


def _times(n: int) -> str:
    """``once``, ``twice`` or ``N times``."""
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def rise_levels(height: np.ndarray, t: np.ndarray, rep, since: int) -> tuple[float, float]:
    """The seated and the standing hip height of one rise (thigh lengths, + up), read robustly.

    Parameters
    ----------
    height : ndarray (T,)
        Hip height, thigh lengths, + up.
    t : ndarray (T,)
        Seconds.
    rep : Repetition
        The rise (:func:`analysis.segmentation.find_repetitions` of ``height``).
    since : int
        The previous rise's end, or 0: where this rise's seated frames begin.

    Returns
    -------
    (seated, standing) : tuple of float
        The median height over the seated frames (``since`` to the rise's start) and over the first
        ``sts_standing_level_s`` seconds of the hold at the top (frames within 10 % of the rise from its highest
        point); the repetition's lowest and highest values when either is missing. One noisy frame, or a hip
        point creeping upwards while the person stands on, moved the repetition's own extremes: at 10 frames/s a
        highest frame 5 % of the rise above the standing level put full stand 0.9 s late.
    """
    dt = frame_interval(t, 1.0)
    top = np.arange(rep.hold_start,
                    min(rep.hold_end, rep.hold_start + int(round(threshold("sts_standing_level_s") / dt))) + 1)
    with quiet():
        seated = float(np.nanmedian(height[since:rep.start + 1]))
        standing = float(np.nanmedian(height[top]))
    if not (np.isfinite(seated) and np.isfinite(standing) and standing - seated > 0.5 * rep.amplitude):
        return rep.rest_value, rep.peak_value
    return seated, standing


def lean_onset(lean: np.ndarray, rep, since: int) -> int:
    """The frame the forward trunk lean of a rise starts: the last frame before the lean's peak within 5 % of its
    rise from the seated lean. The seated lean is the median of ``lean`` (degrees, + forward) from ``since`` (the
    previous rise's end, or 0) to the last frame before the peak below half the lean's rise: the frames seated and
    the first, lower half of the lean, most of them seated. The lean repetition's own start
    (:func:`analysis.segmentation.find_repetitions`) is reckoned from its lowest frame: one frame read 2 degrees low
    moved it 0.4 s early, and the pose model's first frames read 3 degrees low, 1 s early."""
    half = np.flatnonzero(lean[since:rep.peak + 1] < 0.5 * (rep.rest_value + rep.peak_value))
    with quiet():
        seated = float(np.nanmedian(lean[since:since + int(half[-1]) + 1])) if half.size else np.nan
    if not np.isfinite(seated) or rep.peak_value - seated <= 0:
        return rep.start
    below = np.flatnonzero(lean[since:rep.peak + 1] <= seated + 0.05 * (rep.peak_value - seated))
    return since + int(below[-1]) if below.size else rep.start


def standing_hip_extension(ser: dict, p: np.ndarray, outline, facing: int, frames: np.ndarray) -> float:
    """Hip extension (deg, + = thigh behind the trunk line) over standing ``frames``: the median of ``ser``'s
    ``hip_extension`` (:func:`analysis.movement.series.leg_series`), its thigh taken as the mean of the hip -> knee
    points' and the thigh's line in the body ``outline`` (from 0.6 to 0.95 thigh lengths below the hip midpoint,
    below a hand hanging at the thigh: :func:`analysis.movement.outline_limbs.thigh_midline_angle`) where that lies
    within ``movement_midline_guide_max`` of the points' in at least half of them; NaN where no frame gives it.

    Two readings with opposite weak points: standing up from a chair in a long top, the pose model put the hip point
    under the top and read the standing thigh up to 8 degrees forward (rendered loose clothes: hip extension at
    stand -10.4 for a true 0.1, which calls a straight hip still bent), where the midline lay within 1.6 of the
    truth; on a close-fitting figure the midline read 3 to 4 degrees back where the points read 1 to 2."""
    if outline is None or not len(frames):
        return median_at(ser["hip_extension"], frames)
    x, lm = ser["hip_extension"][frames], ser["thigh_behind_vertical"][frames]
    hip, L = midpoint(p, "hip"), thigh_length(p)
    ol = np.asarray(outline, dtype=np.float64)
    mid = np.array([thigh_midline_angle(ol[f], hip[f], L, facing, float(g), below_hand=True)
                    if np.isfinite(ol[f]).all() and np.isfinite(hip[f]).all() and np.isfinite(g) else np.nan
                    for f, g in zip(frames, lm)])
    with quiet():
        mid[np.abs(mid - lm) > threshold("movement_midline_guide_max")] = np.nan
    found = np.isfinite(mid) & np.isfinite(x)
    if found.mean() < 0.5:
        return median_at(ser["hip_extension"], frames)
    return float(np.median(x[found] + 0.5 * (mid[found] - lm[found])))


def sit_to_stand_test(timestamps, pixels, visibility, *, outline=None, facing: int = 0,
                      side: str | None = None) -> dict:
    """Sit-to-stand analysis of a side-view clip (see the module docstring).

    Parameters
    ----------
    timestamps : ndarray (T,)
    pixels : ndarray (T, 33, 2)
    visibility : ndarray (T, 33)
    outline : ndarray (T, K, 2), optional
        Adds the lumbar contour angle (back arching) to the curve and the finish.
    facing : int
        +1 facing the image right, -1 left (0: not a side view; nothing is measured).
    side : str, optional
        Leg used for the hip angle; default the near side (better seen).

    Returns
    -------
    dict (JSON-ready)
        ``repetitions`` (one per rise: events, metrics, flag, compensation curve), ``summary``
        (best/mean/spread of the time to stand and of the hip extension at stand), ``curve``,
        ``movement`` (was a rise from sitting found), ``problems``.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    raw = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    track = clean_landmarks(raw, vis, t)
    found = np.isfinite(raw).all(-1).any(-1)  # frames in which the pose model found the person
    first_seen = int(np.argmax(found)) if found.any() else 0
    p = track.p
    fc = int(facing)
    res = {"kind": "sit_to_stand", "facing": fc, "side": side, "repetitions": [], "summary": {}, "problems": [],
           "movement": {"found": False, "reason": "not a side view"}}
    if not fc:
        res["problems"].append("could not tell which way the person faces: film side-on")
        return res
    side = side or near_side(vis, fc)
    res["side"] = side
    ser = leg_series(p, side, fc)
    ser["trunk_lean"] = trunk_lean(p, fc)
    ser["lumbar_angle"] = lumbar_contour_angle(outline, p, fc)
    i = SIDE_IDX[side]
    hip_y = midpoint(p, "hip")[:, 1]
    with quiet():
        thigh_px = np.hypot(*(p[:, i["hip"]] - p[:, i["knee"]]).T)
        thigh = float(np.nanmedian(thigh_px))
        # a knee point far from a thigh's length below the hip is not on the knee (seen from the side, standing or
        # seated, the thigh keeps its length in the picture): its frames give no hip angle
        knee_on_knee = np.abs(thigh_px / thigh - 1.0) <= threshold("sts_thigh_length_tolerance")
    height = -clean_signal(hip_y, t) / thigh  # hip height in thigh lengths, + up
    reps = find_repetitions(height, t, threshold("sts_min_rise"), side=side, rest_fraction=0.05, smooth=False)
    lean_reps = find_repetitions(ser["trunk_lean"], t, threshold("movement_min_amplitude"), rest_fraction=0.05)
    f_lo, f_st = threshold("sts_liftoff_fraction"), threshold("sts_stand_fraction")
    flexed_min, upright_max = threshold("sts_hip_flexed_min"), threshold("sts_upright_max")
    dt = frame_interval(t, 1.0)
    rows, not_seated, upright = [], [], []
    for j, r in enumerate(reps):
        nxt = reps[j + 1].start if j + 1 < len(reps) else len(t) - 1
        seated, standing = rise_levels(height, t, r, reps[j - 1].end if j else 0)
        frac = (height - seated) / (standing - seated)
        # the rise: from the last seated frame before the peak; the stand level is the height reached
        lo = _first_at_or_above(frac, r.start, r.peak, f_lo)
        st = _first_at_or_above(frac, r.start, r.peak, f_st)
        if lo is None or st is None:
            continue
        # lift-off: step back to the last frame under the level (the first frame above is already lifted)
        onset = None
        for lr in lean_reps:
            if lr.start <= lo + 2 and lr.end >= lo - 2:  # the lean that carries this rise
                onset = lean_onset(ser["trunk_lean"], lr, reps[j - 1].end if j else 0)
        onset = r.start if onset is None else min(onset, lo)
        # standing values: the second after full stand, before the next repetition starts
        stand_fr = np.arange(st, min(nxt, st + int(round(1.0 / dt))) + 1)
        seat_fr = np.arange(max(0, onset - int(round(0.5 / dt))), onset + 1)
        # the lean's start is only known where the person was seen seated before it: a person the pose model found
        # only once they leaned (or a clip started mid-lean) would have the time counted from the first frame seen
        seen_seated = found[seat_fr[:-1]].mean() >= 0.5 if len(seat_fr) > 1 else False
        # a rise from a seat starts with the thigh forward, as a seat holds it: hips that rose with the thigh
        # hanging near the vertical are another movement's (a runner's bounce, turned 4 degrees, read as a rise)
        seated_thigh = -median_at(ser["thigh_behind_vertical"], seat_fr)
        if seated_thigh < threshold("sts_seated_thigh_forward_min"):
            not_seated.append(seated_thigh)
            continue
        with quiet():
            peak_lean = float(np.nanmax(ser["trunk_lean"][onset:st + 1])) if np.isfinite(
                ser["trunk_lean"][onset:st + 1]).any() else np.nan
        if peak_lean < threshold("sts_rise_lean_min"):  # NaN (the trunk not seen): not known, the rise counts
            upright.append(peak_lean)
            continue
        to_stand = t[st] - t[onset] if seen_seated else np.nan
        c = visibility_confidence(vis, (i["shoulder"], i["hip"], i["knee"]), np.arange(onset, st + 1))
        hip_ext = standing_hip_extension(ser, p, outline, fc, stand_fr[knee_on_knee[stand_fr]])
        lean_stand = median_at(ser["trunk_lean"], stand_fr)
        lumbar_change = median_at(ser["lumbar_angle"], stand_fr) - median_at(ser["lumbar_angle"], seat_fr)
        flag = bool(np.isfinite(hip_ext) and np.isfinite(lean_stand) and -hip_ext > flexed_min
                    and lean_stand < upright_max)
        n = r.index
        m = {
            "time_to_stand": rep_metric("sts_time_to_stand", "Time to stand", to_stand, "s",
                                        "From the start of the forward trunk lean to full stand (hip height at "
                                        "98% of its rise), seconds.", side=None, rep=n, norm_key="sts_time_to_stand",
                                        confidence=c, words=f"{to_stand:.1f} s",
                                        reason=f"you were not seen seated before the forward lean began (found from "
                                               f"{t[first_seen]:.1f} s): start filming while seated, whole body in "
                                               "the picture, in good light"),
            "rise_time": rep_metric("sts_rise_time", "Rise time", t[st] - t[lo], "s",
                                    "From lift-off (hip height at 5% of its rise) to full stand, seconds.",
                                    side=None, rep=n, confidence=c, words=f"{t[st] - t[lo]:.1f} s"),
            "trunk_lean_at_lift_off": rep_metric(
                "sts_trunk_lean_at_lift_off", "Trunk lean at lift-off", median_at(ser["trunk_lean"], [lo]), "deg",
                "Hip-midpoint -> shoulder-midpoint from vertical at lift-off, + = forward.", side=None, rep=n,
                norm_key="sts_trunk_lean_at_lift_off", confidence=c),
            "peak_trunk_lean": rep_metric("sts_peak_trunk_lean", "Largest trunk lean", peak_lean, "deg",
                                          "Largest forward trunk lean between onset and full stand.", side=None,
                                          rep=n, confidence=c),
            "hip_extension_at_stand": rep_metric(
                "sts_hip_extension_at_stand", "Hip extension at full stand", hip_ext, "deg",
                "Thigh behind the trunk line (shoulder -> hip extended) over the first second of full stand, "
                "degrees, + = extension, - = hip still bent. 2D, side view.", side=side, rep=n,
                norm_key="sts_hip_extension_at_stand", confidence=c,
                reason="the knee point was not on the knee at full stand (the thigh's length in the picture "
                       "changed): film side-on, in clothes that show the knee"),
            "trunk_lean_at_stand": rep_metric("sts_trunk_lean_at_stand", "Trunk lean at full stand", lean_stand,
                                              "deg", "Trunk lean over the first second of full stand, + = forward.",
                                              side=None, rep=n, confidence=c),
            "lumbar_angle_change": rep_metric(
                "sts_lumbar_angle_change", "Low-back arching, stand minus sit", lumbar_change, "deg",
                "Change of the lumbar contour angle (silhouette; + = hollower low back) from sitting to full "
                "stand. An estimate.", side=None, rep=n, kind="estimate", confidence=0.5 * c,
                reason="needs the body outline (run with segmentation)"),
        }
        rows.append({
            "repetition": n, "side": side,
            "events": {"onset_s": round(float(t[onset]), 3), "lift_off_s": round(float(t[lo]), 3),
                       "stand_s": round(float(t[st]), 3), "onset": int(onset), "lift_off": int(lo), "stand": int(st)},
            "hips_flexed_back_arched": flag,
            "finding": ("Finished standing with the hip still bent while the trunk was upright: the low back "
                        "probably arched to make up for it (the pattern the practitioners' model links to "
                        "tight front thighs; a screen, not a diagnosis)." if flag else
                        "Reached a straight hip at full stand."),
            "metrics": {k: v.to_dict() for k, v in m.items()},
            "curve": curve(t, {k: ser[k] for k in ("hip_extension", "trunk_lean", "lumbar_angle", "knee_flexion")},
                            np.arange(onset, min(len(t) - 1, st + int(round(1.0 / dt))) + 1)),
            "_m": m})
    res["repetitions"] = [{k: v for k, v in r.items() if k != "_m"} for r in rows]
    for key, name, d, nk, better in (("time_to_stand", "Time to stand", "Seconds from onset to full stand.",
                                      "sts_time_to_stand", False),
                                     ("hip_extension_at_stand", "Hip extension at full stand",
                                      "Thigh behind the trunk line at full stand, deg, + extension.",
                                      "sts_hip_extension_at_stand", True)):
        vals = [r["_m"][key].value if r["_m"][key].value is not None else np.nan for r in rows]
        unit = "s" if key == "time_to_stand" else "deg"
        s = summarise(f"sts_{key}", name, vals, unit, d, side if unit == "deg" else None, nk,
                      float(np.mean([r["_m"][key].confidence for r in rows])) if rows else 0.0, better)
        res["summary"][key] = summary_dicts(s)
    res["summary"]["hips_flexed_back_arched_any"] = any(r["hips_flexed_back_arched"] for r in rows)
    res["curve"] = curve(t, {"hip_height": (height - (reps[0].rest_value if reps else 0.0)),
                              **{k: ser[k] for k in ("hip_extension", "trunk_lean", "lumbar_angle")}})
    most = max(not_seated, default=0.0)
    thigh = f"more than {most:.0f} degrees forward of the vertical" if most >= 1.0 else "forward of the vertical"
    seen = ""
    if not_seated:
        seen = (f" (the hips rose {_times(len(not_seated))}, but not from a seat: the thigh was never {thigh} before "
                "it, where a chair holds it near the horizontal)")
    elif upright:
        seen = (f" (the hips rose {_times(len(upright))}, but the trunk stayed upright, at most {max(upright):.0f} "
                f"degrees forward: rising from a chair takes a lean of {threshold('sts_rise_lean_min'):.0f} degrees "
                "or more, to bring the body over the feet; rising from a squat does not)")
    movement_found(res, len(rows), "rise(s) from sitting to standing", "no rise from sitting to standing was found"
                   + seen + ": start seated, side-on, whole body and chair in view, and stand up fully")
    return res
