"""The front-thigh tests lying on a table: the modified Thomas test and the prone knee bend (Ely).

Modified Thomas test (side view, the person lying on their back at the end of a table, one knee hugged
to the chest, the tested leg hanging over the edge):

* The **hugged** leg is the one whose hip bends most (smallest shoulder-hip-knee angle); the other is
  the **tested** leg. Values are read over the **hold**: the frames in which the hugged hip stays within
  5 % of its largest flexion (:func:`analysis.segmentation.find_repetitions` on its flexion). The hip
  point is each side's own hip landmark (``leg_series(..., hip="side")``).
* ``thigh_above_horizontal`` (deg): the tested thigh (hip -> knee) above the image horizontal, **+ = knee
  higher than the hip** (the thigh does not drop to the table level: short hip flexors, iliopsoas).
  Assumes a level camera and table.
* ``knee_flexion`` (deg): 180 minus the hip-knee-ankle angle of the tested leg, **0 = straight**; under
  about 80 (clinical) or 67 (research cut-off) suggests a short rectus femoris (norms file).
* ``pelvis_moved`` flag: during the hold, the trunk line (shoulder -> hip midpoints) turned by more than
  ``thomas_pelvis_max_rotation`` degrees, or the hip midpoint rose by more than ``thomas_pelvis_max_rise``
  % of the trunk length. Published work finds the test unreliable unless the pelvis is held still
  (Peeler & Anderson 2008), so a flagged result is reported but marked as not reliable.

Front view (:func:`thomas_front_test`): ``thigh_abduction`` (deg), the angle of the thigh away from the
perpendicular to the hip line (left hip -> right hip) in the picture, **+ = knee further from the
midline than the hip (abduction)**; a large value at rest suggests a short tensor fasciae latae / ITB.

Prone knee bend (Ely), side view, lying face down: the tested knee is the one that bends most.
``max_knee_flexion`` (deg, 0 = straight) per repetition; ``hip_rise`` flag when, from the start of the
repetition to its peak, the shoulder-hip-knee angle closed by more than ``ely_hip_rise_max`` degrees with
the hip rising (the hip landmark higher above the shoulder-knee line): the hip flexed, the buttock came
up, a sign of a short rectus femoris.

Tracking dropouts (prone knee bend): when the bent lower leg is lost, MediaPipe's knee angle jumps (a
knee "straightening" 40 degrees in one frame) or the leg disappears (low visibility), often right at the
end of the bend. Frames between a jump away and the jump back (or unseen), up to 3 s, are **untrusted**
(:func:`analysis.segmentation.untrusted_frames`): they are bridged so that one bend stays one repetition,
and no value is read from them. When they touch the peak the peak was not seen: the repetition reports
no knee flexion, with the reason and the largest trusted reading as a lower bound
(``extra['at_least_deg']``); untrusted frames elsewhere in the repetition lower the confidence.
"""

from __future__ import annotations

import numpy as np

from analysis import geometry as geo
from analysis.metric import Metric
from analysis.movement import _curve, _median_at, _mid, _vis_conf, leg_series, prepare, rep_metric, summarise
from analysis.norms import norm, threshold
from analysis.posture_side import SIDE_IDX
from analysis.quality import _quiet
from analysis.quality import mask_low_visibility
from analysis.segmentation import find_repetitions, untrusted_frames

# Engineering choices (not literature) for the prone knee bend, see :func:`ely_test`.
ELY_MAX_RATE = threshold("ely_max_knee_rate")  # see norms.toml
ELY_MAX_DROPOUT_S = threshold("ely_max_dropout")  # see norms.toml

__all__ = ["thomas_test", "thomas_front_test", "ely_test", "thigh_abduction", "hip_lift"]


def _other(side: str) -> str:
    return "left" if side == "right" else "right"


def _trunk_length(p: np.ndarray) -> float:
    with _quiet():
        return float(np.nanmedian(np.hypot(*(_mid(p, "shoulder") - _mid(p, "hip")).T)))


def hip_lift(p: np.ndarray, side: str) -> np.ndarray:
    """Height of the hip above the straight line shoulder -> knee of one side, per frame, in % of the
    trunk length, **+ = hip higher in the picture** (the buttock lifted, lying prone) (T,)."""
    i = SIDE_IDX[side]
    sh, hip, knee = p[:, i["shoulder"]], p[:, i["hip"]], p[:, i["knee"]]
    d = knee - sh
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.clip(np.sum((hip - sh) * d, -1) / np.sum(d * d, -1), 0, 1)
    foot = sh + s[:, None] * d
    return (foot[:, 1] - hip[:, 1]) / _trunk_length(p) * 100.0


def thomas_test(timestamps, pixels, visibility, *, side: str | None = None) -> dict:
    """Modified Thomas test, side view (see the module docstring).

    Parameters
    ----------
    timestamps : ndarray (T,)
    pixels : ndarray (T, 33, 2)
    visibility : ndarray (T, 33)
    side : str, optional
        The person's tested (hanging) leg; default the leg that is not hugged.

    Returns
    -------
    dict (JSON-ready)
        ``side`` (tested leg), ``hugged_side``, ``repetitions`` (one per hug-and-hold: hold times,
        metrics, ``pelvis_moved``, ``reliable``), ``summary``, ``curve``, ``problems``.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    p = prepare(pixels, vis, t)
    res = {"kind": "thomas", "side": side, "repetitions": [], "summary": {}, "problems": []}
    ser = {s: leg_series(p, s, 0, hip="side") for s in ("left", "right")}
    flex = {s: 180.0 - ser[s]["hip_angle"] for s in ("left", "right")}
    if side is None:
        with _quiet():
            m = {s: np.nanpercentile(flex[s], 95) if np.isfinite(flex[s]).any() else -np.inf for s in flex}
        hug = max(m, key=m.get)
        side = _other(hug)
    hug = _other(side)
    res["side"], res["hugged_side"] = side, hug
    reps = find_repetitions(flex[hug], t, threshold("thomas_min_hug"), side=side, min_gap_s=1.5)
    i = SIDE_IDX[side]
    L = _trunk_length(p)
    trunk_ang = geo.line_angle_to_horizontal(_mid(p, "hip"), _mid(p, "shoulder"))
    hip_y = _mid(p, "hip")[:, 1] / L * 100.0
    rows = []
    for r in reps:
        hold = np.arange(r.hold_start, r.hold_end + 1)
        # the settled hold: the hugged hip within 5 % of its peak rise (drawing the knee up tilts the
        # pelvis back on purpose; that part is not a fault). Did the pelvis turn or lift during it?
        settled = hold[flex[hug][hold] >= r.peak_value - 0.05 * r.amplitude]
        hold = settled if len(settled) >= 3 else hold
        with _quiet():
            rot = float(np.nanmax(trunk_ang[hold]) - np.nanmin(trunk_ang[hold])) if np.isfinite(trunk_ang[hold]).any() \
                else np.nan
            rise = float(np.nanmax(hip_y[hold[0]] - hip_y[hold])) if np.isfinite(hip_y[hold]).any() else np.nan
        moved = bool((np.isfinite(rot) and rot > norm("thomas_pelvis_max_rotation").high)
                     or (np.isfinite(rise) and rise > threshold("thomas_pelvis_max_rise")))
        c = _vis_conf(vis, (i["hip"], i["knee"], i["ankle"]), hold) * (0.5 if moved else 1.0)
        thigh = _median_at(ser[side]["thigh_above_horizontal"], hold)
        knee = _median_at(ser[side]["knee_flexion"], hold)
        m = {
            "thigh_above_horizontal": rep_metric(
                "thomas_thigh_above_horizontal", "Thigh angle to horizontal", thigh, "deg",
                "Tested thigh (hip -> knee) above the horizontal of the picture during the hold, degrees, + = knee "
                "higher than the hip (short hip flexors), - = below. Assumes a level camera and table.",
                side=side, rep=r.index, norm_key="thomas_thigh_above_horizontal", confidence=c),
            "knee_flexion": rep_metric(
                "thomas_knee_flexion", "Knee flexion of the hanging leg", knee, "deg",
                "180 minus the hip-knee-ankle angle of the tested leg during the hold, degrees, 0 = straight; "
                "less bend suggests a short rectus femoris.", side=side, rep=r.index,
                norm_key="thomas_knee_flexion", confidence=c),
            "pelvis_rotation": rep_metric(
                "thomas_pelvis_rotation", "Trunk-line turn during the hold", rot, "deg",
                "Range of the shoulder-hip line's angle to horizontal over the hold, degrees.", side=None,
                rep=r.index, norm_key="thomas_pelvis_max_rotation", confidence=c),
        }
        below = knee < threshold("thomas_knee_flexion_research") if np.isfinite(knee) else None
        rows.append({"repetition": r.index, "side": side, "phases": r.to_dict(), "pelvis_moved": moved,
                     "hip_rise_pct_trunk": None if not np.isfinite(rise) else round(rise, 2),
                     "reliable": not moved,
                     "short_hip_flexors": bool(np.isfinite(thigh) and thigh > 0),
                     "short_rectus_femoris": bool(np.isfinite(knee) and m["knee_flexion"].status == "below"),
                     "below_research_cut_off": below,
                     "metrics": {k: v.to_dict() for k, v in m.items()}, "_m": m})
    res["repetitions"] = [{k: v for k, v in r.items() if k != "_m"} for r in rows]
    for key, name in (("thigh_above_horizontal", "Thigh angle to horizontal"),
                      ("knee_flexion", "Knee flexion of the hanging leg")):
        vals = [r["_m"][key].value if r["_m"][key].value is not None else np.nan for r in rows]
        s = summarise(f"thomas_{key}", name, vals, "deg", rows[0]["_m"][key].definition if rows else "", side,
                      f"thomas_{key}", float(np.mean([r["_m"][key].confidence for r in rows])) if rows else 0.0,
                      larger_is_better=(key == "knee_flexion"))
        res["summary"][key] = {k: (v.to_dict() if isinstance(v, Metric) else v) for k, v in s.items()}
    res["curve"] = _curve(t, {"hugged_hip_flexion": flex[hug],
                              "thigh_above_horizontal": ser[side]["thigh_above_horizontal"],
                              "knee_flexion": ser[side]["knee_flexion"], "trunk_line_angle": trunk_ang})
    if not rows:
        res["problems"].append("no hold found: hug one knee to the chest and hold it for a few seconds, "
                               "side-on to the camera")
    return res


def thigh_abduction(p: np.ndarray, side: str) -> np.ndarray:
    """Thigh abduction in a front (or back) view, per frame (deg, + = knee away from the midline). (T,)

    The angle between the thigh (hip -> knee) and the direction perpendicular to the hip line pointing
    towards the knees; positive when the knee lies further from the other hip than the hip does.
    """
    i, o = SIDE_IDX[side], SIDE_IDX[_other(side)]
    hip, knee, other = p[:, i["hip"]], p[:, i["knee"]], p[:, o["hip"]]
    out_dir = hip - other  # from the midline outwards
    perp = np.stack([-out_dir[:, 1], out_dir[:, 0]], -1)
    # orient the perpendicular towards the knees
    s = np.sign(np.sum(perp * (knee - hip), -1))
    perp = perp * np.where(s == 0, 1.0, s)[:, None]
    ang = geo.angle_between(perp, knee - hip)
    outward = np.sign(np.sum((knee - hip) * out_dir, -1))
    return ang * outward


def thomas_front_test(timestamps, pixels, visibility, *, side: str | None = None) -> dict:
    """Front-view part of the modified Thomas test: thigh abduction of the hanging leg (TFL / ITB).

    Returns
    -------
    dict (JSON-ready)
        ``side``, ``measured``, ``metrics`` (``thigh_abduction``: median over the steadiest half of
        the clip; extra per side), ``curve``, ``problems``.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    p = prepare(pixels, vis, t)
    ab = {s: thigh_abduction(p, s) for s in ("left", "right")}
    if side is None:  # the hanging leg: the knee lower in the picture (further from the hugged chest)
        with _quiet():
            ky = {s: np.nanmedian(p[:, SIDE_IDX[s]["knee"], 1]) for s in ab}
        side = max(ky, key=lambda s: ky[s] if np.isfinite(ky[s]) else -np.inf)
    i = SIDE_IDX[side]
    half = np.arange(len(t) // 2, len(t))
    v = _median_at(ab[side], half)
    c = _vis_conf(vis, (23, 24, i["knee"]), half)
    m = rep_metric("thomas_thigh_abduction", "Thigh abduction (front view)", v, "deg",
                   "Angle of the tested thigh (hip -> knee) away from the perpendicular to the hip line in a front "
                   "view, degrees, + = knee further out than the hip (abduction). Median over the second half of "
                   "the clip (the hold).", side=side, rep=1, norm_key="thomas_thigh_abduction", confidence=c)
    return {"kind": "thomas_front", "side": side, "measured": m.value is not None,
            "metrics": {"thigh_abduction": m.to_dict()}, "repetitions": [{"repetition": 1, "side": side,
                                                                        "metrics": {"thigh_abduction": m.to_dict()}}]
            if m.value is not None else [],
            "curve": _curve(t, {"thigh_abduction_left": ab["left"], "thigh_abduction_right": ab["right"]}),
            "problems": [] if m.value is not None else ["the hips and knee were not seen from the front"]}


def ely_test(timestamps, pixels, visibility, *, side: str | None = None) -> dict:
    """Prone knee bend (Ely's test), side view (see the module docstring).

    Returns
    -------
    dict (JSON-ready)
        ``side``, ``repetitions`` (peak knee flexion, hip angle change, hip lift, ``hip_rose`` flag and
        the knee flexion at which the hip began to rise), ``summary``, ``curve``, ``problems``.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    p = prepare(pixels, vis, t)
    ser = {s: leg_series(p, s, 0, hip="side") for s in ("left", "right")}
    if side is None:
        with _quiet():
            rng = {s: (np.nanpercentile(ser[s]["knee_flexion"], 95) - np.nanpercentile(ser[s]["knee_flexion"], 5))
                   if np.isfinite(ser[s]["knee_flexion"]).any() else -np.inf for s in ser}
        side = max(rng, key=rng.get)
    i = SIDE_IDX[side]
    knee = ser[side]["knee_flexion"]
    hip_ang = ser[side]["hip_angle"]
    lift = hip_lift(p, side)
    # untrusted frames: implausible jumps of the raw (unfiltered) knee angle and what lies between them,
    # and frames where the leg was not seen at all while the rest of the body was
    raw_p = mask_low_visibility(np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2), vis)
    raw_knee = leg_series(raw_p, side, 0, hip="side")["knee_flexion"]
    body_seen = np.isfinite(raw_p[:, [i["shoulder"], i["hip"]]]).all(axis=(1, 2))
    bad = untrusted_frames(raw_knee, t, ELY_MAX_RATE, ELY_MAX_DROPOUT_S) | (body_seen & ~np.isfinite(knee))
    reps = find_repetitions(knee, t, threshold("ely_min_knee_range"), side=side, untrusted=bad,
                            max_dropout_s=ELY_MAX_DROPOUT_S)
    lim = norm("ely_hip_rise_max").high
    rows = []
    res = {"kind": "ely", "side": side, "repetitions": [], "summary": {}, "problems": [],
           "untrusted_frames": int(bad.sum())}
    for r in reps:
        rest = np.arange(max(0, r.start - 2), r.start + 1)
        fr = np.arange(r.start, r.peak + 1)
        fr = fr[~bad[fr]]  # values are never read from untrusted frames
        closing = _median_at(hip_ang, rest) - hip_ang[fr]  # + = hip angle closed (flexed) since the start
        rise = lift[fr] - _median_at(lift, rest)
        with _quiet():
            close_max = float(np.nanmax(closing)) if np.isfinite(closing).any() else np.nan
            rise_max = float(np.nanmax(rise)) if np.isfinite(rise).any() else np.nan
        rose = bool(np.isfinite(close_max) and close_max > lim and np.isfinite(rise_max) and rise_max > 0)
        at = np.flatnonzero(closing > lim)
        knee_at_rise = float(knee[fr[at[0]]]) if (rose and at.size) else np.nan
        span = np.arange(r.start, r.end + 1)
        frac_bad = float(bad[span].mean()) if span.size else 0.0
        c = _vis_conf(vis, (i["hip"], i["knee"], i["ankle"]), np.arange(r.hold_start, r.hold_end + 1))
        c_rep = c * (1.0 - frac_bad)
        ok_fr = span[~bad[span]]
        with _quiet():
            seen_max = float(np.nanmax(raw_knee[ok_fr])) if np.isfinite(raw_knee[ok_fr]).any() else np.nan
        if r.peak_trusted:
            mx, why, ex = _median_at(knee, [r.peak]), None, {}
            if frac_bad > 0:
                ex = {"note": f"the leg was lost for {bad[span].sum()} frames away from the peak: confidence lowered"}
        else:
            mx, ex = np.nan, {"at_least_deg": None if not np.isfinite(seen_max) else round(seen_max, 1)}
            why = ("the lower leg was lost by the tracker at the end of the bend (its landmarks jumped or "
                   "disappeared), so the largest knee bend was not seen" +
                   (f"; the knee bent at least {seen_max:.0f} degrees" if np.isfinite(seen_max) else "") +
                   ": film again with the tested leg nearest the camera and nothing covering it")
        m = {"max_knee_flexion": rep_metric("ely_max_knee_flexion", "Knee flexion lying face down", mx, "deg",
                                            "Knee flexion (180 minus hip-knee-ankle angle, 0 = straight) at the "
                                            "peak of the prone knee bend, degrees.",
                                            side=side, rep=r.index, norm_key="ely_knee_flexion",
                                            confidence=c_rep if r.peak_trusted else 0.0, reason=why, extra=ex),
             "hip_angle_change": rep_metric("ely_hip_angle_change", "Hip bend during the knee bend", close_max,
                                            "deg", "Largest closing of the shoulder-hip-knee angle from the start of "
                                            "the repetition to its peak, degrees, + = the hip bent (buttock rose).",
                                            side=side, rep=r.index, norm_key="ely_hip_rise_max", confidence=c_rep),
             "knee_flexion_at_hip_rise": rep_metric(
                 "ely_knee_at_hip_rise", "Knee flexion when the hip began to rise", knee_at_rise, "deg",
                 "Knee flexion at the first frame the hip angle had closed by more than the limit.", side=side,
                 rep=r.index, confidence=c_rep, reason="the hip did not rise")}
        rows.append({"repetition": r.index, "side": side, "phases": r.to_dict(), "hip_rose": rose,
                     "peak_trusted": r.peak_trusted, "untrusted_frames": int(bad[span].sum()),
                     "hip_lift_pct_trunk": None if not np.isfinite(rise_max) else round(rise_max, 2),
                     "finding": ("The hip rose as the knee bent (positive Ely sign: suggests a short rectus "
                                 "femoris; a screen, not a diagnosis)." if rose else "The hip stayed down."),
                     "metrics": {k: v.to_dict() for k, v in m.items()}, "_m": m})
    res["repetitions"] = [{k: v for k, v in r.items() if k != "_m"} for r in rows]
    vals = [r["_m"]["max_knee_flexion"].value or np.nan for r in rows]
    s = summarise("ely_max_knee_flexion", "Knee flexion lying face down", vals, "deg",
                  "Peak knee flexion of the prone knee bend, degrees.", side, "ely_knee_flexion",
                  float(np.mean([r["_m"]["max_knee_flexion"].confidence for r in rows])) if rows else 0.0)
    res["summary"]["max_knee_flexion"] = {k: (v.to_dict() if isinstance(v, Metric) else v) for k, v in s.items()}
    res["summary"]["hip_rose_any"] = any(r["hip_rose"] for r in rows)
    if rows and not any(r["peak_trusted"] for r in rows):
        res["problems"].append("the tracker lost the lower leg at the peak of every bend: no knee flexion is "
                               "reported (see each repetition's reason)")
    res["curve"] = _curve(t, {"knee_flexion": knee, "hip_angle": hip_ang, "hip_lift_pct_trunk": lift})
    if not rows:
        res["problems"].append("no knee bend found: lying face down, side-on to the camera, bend the knee towards "
                               "the buttock")
    return res
