"""Hip extension before toe-off for every step of a side-view walking or running clip.

Everything is measured **relative to the body** (the feet against the hips, the thigh against the
vertical), so the clip may come from a fixed camera the person walks past, a camera that follows them
(panning: the person stays in the middle of the picture while the background moves) or a treadmill.

1. **Leg labels**: made consistent first (:func:`analysis.movement.legs.consistent_labels`, run by
   :func:`analysis.movement.run.run_movement_test`). The way the body faces is followed per frame (the
   nose ahead of the ears, else the world body yaw); the side towards the camera is named (``near_side``).
2. **Toe-offs**: Zeni et al. (2008) rule on the toe position relative to the hip midpoint in the
   direction the body faces (:func:`analysis.segmentation.gait_events`), applied to the **rearmost
   foot** of each frame: every minimum is one foot leaving the ground, and the foot that was rearmost
   names the leg (a label mix-up that survives step 1 cannot invent a toe-off).
3. For each toe-off: ``peak_thigh_behind_vertical``, the thigh at its furthest behind the vertical within the
   0.3 s before it (late stance, where the hip extends most in a step: the value the summary gives and the usual
   range describes), ``hip_extension`` (thigh behind the trunk line) at that moment (``peak_frame``), and the
   thigh at the toe-off frame itself, ``thigh_behind_vertical``, given without a range. At toe-off the thigh
   already swings forward, 7 to 14 degrees per frame at 15 frames/s, so that value rests on which frame the
   toe-off falls on: on the rendered walks and runs of nine figure styles (``benchmarks/eval_movement.py``, the
   walk rows' ``toe_off_errors`` and ``peak_errors``; session 42) it read the truth's within 0.9-4.5 degrees
   (median per style) and 13.9 at worst, and a normal walk's at -7 to +8 degrees, "below the usual range", where
   the peak read within 0.4-2.9 (pixel art 4.5) and 5.7 at worst, 14 to 21 degrees for the same walks.
4. A step is **reported only when it can be trusted**; otherwise it is listed with no value and a
   plain reason (``excluded``): not steady gait (within ``walk_steady_margin`` of the toe-off both feet
   stood together for ``walk_stop_min`` or longer: starting, stopping; :func:`feet_together`, judged on
   the feet, so a following camera is not mistaken for stopping and a clip that starts mid-stride keeps
   its first step; and, when the hips travel through the picture - a fixed camera - they slowed under
   ``walk_min_speed`` or changed direction in that time), turning
   (the way the body faces changed within ``walk_steady_margin`` of the toe-off, or the body was not
   side-on), walked backwards (the hips travel through the picture against the way the body faces; only
   judged when they do travel, i.e. with a fixed camera), the leg was not seen clearly (mean visibility
   over +/- 2 frames under ``walk_thigh_visibility`` for hip or knee, ``walk_foot_visibility`` for the
   foot), the foot was not behind the hips (not a real toe-off), or the two thighs disagree with the
   feet (the other thigh further back by more than ``walk_leg_disagree``: knee and foot of different legs).
"""

from __future__ import annotations

import numpy as np

from analysis.filtering import frame_interval
from analysis.movement.hip_extension import THIGH_VERT_DEF
from analysis.movement.series import (SIDE_IDX, SIDES, clean_landmarks, curve, facing_per_frame, leg_series,
                                      midpoint, near_side_of, other_side, rep_metric, summarise, summary_dicts,
                                      thigh_length, trunk_lean, visibility_confidence)
from analysis.norms import threshold
from analysis.quality import quiet
from analysis.segmentation import gait_events, steady_travel, travel_direction
from analysis.view import body_yaw

__all__ = ["walk_test", "feet_together"]

# Engineering choices (not literature) for trusting a toe-off, see the module docstring.
WALK_THIGH_VISIBILITY = threshold("walk_thigh_visibility")
WALK_FOOT_VISIBILITY = threshold("walk_foot_visibility")
WALK_MIN_SPEED = threshold("walk_min_speed")
WALK_STEADY_MARGIN_S = threshold("walk_steady_margin")
WALK_LEG_DISAGREE_DEG = threshold("walk_leg_disagree")
PEAK_NAME = "Peak thigh behind vertical before toe-off"
PEAK_DEF = THIGH_VERT_DEF.replace("at the peak of the repetition",
                                  "at its largest in the 0.3 s before toe-off (late stance)")
HIP_EXT_AT_PEAK_DEF = ("Thigh angle behind the trunk line (shoulder midpoint -> hip midpoint) where the thigh is "
                       "furthest behind the vertical in the 0.3 s before toe-off (late stance), degrees, + = knee "
                       "behind the line (extension), - = in front (flexion). 2D, side view.")
TOE_OFF_TIMING = (" Read at the toe-off frame, where the thigh already swings forward by several degrees per frame: "
                  "it depends on the frame rate and the toe-off's timing, so no usual range is given for it.")
RUN_JUMP_LIMIT = 1.0  # thigh lengths: a running knee moves far between frames; only wilder jumps are errors
WALK_TRAVEL_MIN = 3.0  # thigh lengths: hips that move this far through the picture were filmed by a fixed camera


def _travel_against_facing(hip_x: np.ndarray, t: np.ndarray, face_t: np.ndarray, scale: float, f: int) -> bool:
    """True when, around frame ``f``, the hips travel through the picture opposite to the way the body
    faces (walking backwards past a fixed camera). False when they do not travel (a following camera)."""
    travel = travel_direction(hip_x, t, WALK_MIN_SPEED * scale)
    near = np.abs(t - t[f]) <= 0.5
    d = travel[near]
    d = d[np.isfinite(d) & (d != 0)]
    return bool(d.size >= 3 and np.all(d == -face_t[f]))


def feet_together(p: np.ndarray, t: np.ndarray, scale: float) -> np.ndarray:
    """Frames inside a stretch of at least ``walk_stop_min`` seconds in which both ankles stay within
    ``walk_stop_gap`` thigh lengths of each other along the picture's x axis: the person stood (stopped,
    started, turned). Walking feet pass each other in a few hundredths of a second. Relative to the body,
    so a camera that follows the person does not look like stopping. (T,) bool."""
    with quiet():
        gap = np.abs(p[:, SIDE_IDX["left"]["ankle"], 0] - p[:, SIDE_IDX["right"]["ankle"], 0]) / scale
    close = np.isfinite(gap) & (gap < threshold("walk_stop_gap"))
    out = np.zeros(len(t), bool)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], close.astype(int), [0]])))
    step = frame_interval(t, 0.0)
    for a, b in zip(edges[::2], edges[1::2]):
        if t[b - 1] - t[a] + step >= threshold("walk_stop_min"):
            out[a:b] = True
    return out


def walk_test(timestamps, pixels, visibility, *, world=None, facing: int = 0, side: str | None = None,
              label_swaps: np.ndarray | None = None) -> dict:
    """Hip extension at toe-off for every step (see the module docstring).

    Parameters
    ----------
    timestamps, pixels, visibility : ndarray
        The track, leg labels already consistent.
    world : ndarray (T, 33, 3), optional
        World landmarks: the way the body faces per frame where the face does not tell, and side-on frames.
    facing : int
        +1 / -1 overall (0: not a side view; nothing is measured).
    side : str, optional
        Report only this leg's steps.
    label_swaps : ndarray of bool (T,), optional
        Frames whose leg labels were corrected (lowers those steps' confidence).

    Returns
    -------
    dict (JSON-ready)
        ``steps``: one dict per toe-off (step number 1-based over the clip, side, time, metrics,
        ``excluded`` reason or None, ``labels_corrected``), ``summary`` per side (best/mean/spread over
        the reported steps), ``near_side``, ``movement``, ``problems``.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    raw = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    swapped = np.zeros(len(t), bool) if label_swaps is None else np.asarray(label_swaps, bool)
    fc = int(facing)
    near = near_side_of(fc)
    res = {"kind": "walk", "facing": fc, "side": near, "near_side": near, "steps": [], "summary": {},
           "problems": [], "label_swaps": int(swapped.sum()),
           "movement": {"found": False, "reason": "could not tell the walking direction: film side-on"}}
    if not fc:
        res["problems"].append("could not tell the walking direction: film side-on")
        return res
    p = clean_landmarks(raw, vis, t, jump_limit=RUN_JUMP_LIMIT).p
    hip_mid = midpoint(p, "hip")
    L = thigh_length(p)
    face_t = facing_per_frame(p, world, fc)
    side_on = np.ones(len(t), bool)
    if world is not None:
        with quiet():
            yaw = np.abs(body_yaw(np.asarray(world, dtype=np.float64)))
        side_on = ~((yaw < 45.0) | (yaw > 135.0))  # NaN (no pose) counts as side-on: judged elsewhere
    lean = trunk_lean(p, 1) * face_t
    ser = {sd: leg_series(p, sd, face_t) for sd in SIDES}
    rel = {}
    for sd in SIDES:
        i = SIDE_IDX[sd]
        rel[sd] = ((p[:, i["toe"], 0] - hip_mid[:, 0]) * face_t / L, (p[:, i["heel"], 0] - hip_mid[:, 0]) * face_t / L)
    with quiet():
        rear = np.fmin(rel["left"][0], rel["right"][0])
        front = np.fmax(rel["left"][1], rel["right"][1])
    # one toe-off per stride of a foot: the foot that was rearmost names the leg, and two of the same foot with no
    # swing between them (its toe never came in front of the hips) are one push-off the rear toe dipped twice in, the
    # thigh swinging forward over a foot still on the ground (the deeper dip is kept)
    toe_offs: list[tuple[int, str]] = []
    for f in gait_events(rear, front, t, min_step_s=0.25)["toe_off"]:
        sd = "left" if not (rel["right"][0][f] < rel["left"][0][f]) else "right"
        if toe_offs and toe_offs[-1][1] == sd:
            g = toe_offs[-1][0]
            with quiet():
                swung = bool(np.nanmax(rel[sd][0][g:f + 1]) > 0.0)
            if not swung:
                toe_offs[-1] = (int(f), sd) if rear[f] < rear[g] else (g, sd)
                continue
        toe_offs.append((int(f), sd))
    dt = frame_interval(t, 1.0)
    back = max(1, int(round(0.3 / dt)))
    stopped = feet_together(p, t, L)
    # past a fixed camera the hips also travel through the picture: slowing to a stop or turning round shows
    # there too (a camera that follows the person keeps the hips in place: then only the feet tell)
    with quiet():
        travels = bool(np.nanmax(hip_mid[:, 0]) - np.nanmin(hip_mid[:, 0]) >= WALK_TRAVEL_MIN * L)
    travel = travel_direction(hip_mid[:, 0], t, WALK_MIN_SPEED * L)

    def margin_of(f: int) -> np.ndarray:
        return np.abs(t - t[f]) <= WALK_STEADY_MARGIN_S
    steps = []
    for f, sd in toe_offs:
        if side and sd != side:
            continue
        i, o = SIDE_IDX[sd], other_side(sd)
        win = np.arange(max(0, f - back), f + 1)
        tv = ser[sd]["thigh_behind_vertical"]
        seen = np.isfinite(tv[win])
        at = int(win[np.argmax(np.where(seen, tv[win], -np.inf))]) if seen.any() else int(f)  # the late stance
        peak = float(tv[at]) if seen.any() else np.nan
        around = np.arange(max(0, f - 2), min(len(t), f + 3))
        with quiet():
            v_thigh = float(np.nanmean(vis[np.ix_(around, [i["hip"], i["knee"]])]))
            v_foot = float(np.nanmean(vis[np.ix_(around, [i["ankle"], i["heel"], i["toe"]])]))
        steady = not stopped[margin_of(f)].any() and (
            not travels or steady_travel(travel, t, f, WALK_STEADY_MARGIN_S) != 0)
        turned = bool(np.any(face_t[margin_of(f)] != face_t[f]) or not side_on[around].all())
        val = float(tv[f])
        other = float(ser[o]["thigh_behind_vertical"][f])
        why = None
        if not np.isfinite(val):
            why = f"the {sd} thigh was not seen at toe-off"
        elif turned:
            why = f"turning: the body was not side-on to the camera within {WALK_STEADY_MARGIN_S:g} s of this toe-off"
        elif not steady:
            why = (f"not steady walking: the person stopped, started or turned round within "
                   f"{WALK_STEADY_MARGIN_S:g} s of this toe-off")
        elif _travel_against_facing(hip_mid[:, 0], t, face_t, L, f):
            why = "walking backwards: hip extension before toe-off is defined for walking forwards"
        elif not (v_thigh >= WALK_THIGH_VISIBILITY and v_foot >= WALK_FOOT_VISIBILITY):
            why = (f"the {sd} leg was not seen clearly (visibility {v_thigh:.2f} hip and knee, {v_foot:.2f} foot; "
                   f"needs {WALK_THIGH_VISIBILITY:g} and {WALK_FOOT_VISIBILITY:g})")
        elif not rel[sd][0][f] < 0:
            why = "the foot was not behind the hips: not a real toe-off"
        elif np.isfinite(other) and other > val + WALK_LEG_DISAGREE_DEG:
            why = (f"the {o} thigh was further back than the {sd} leg that pushed off: the knee and foot "
                   "labels disagree")
        fixed = bool(swapped[around].any())
        c = visibility_confidence(vis, (i["shoulder"], i["hip"], i["knee"], i["toe"]), [f]) * (0.8 if fixed else 1.0)
        nan = float("nan")
        steps.append({"side": sd, "near": sd == near, "frame": int(f), "time_s": round(float(t[f]), 3),
                      "peak_frame": at,
                      "_c": c if why is None else 0.0, "excluded": why, "labels_corrected": fixed,
                      "_v": {"thigh_behind_vertical": val if why is None else nan,
                             "hip_extension": float(ser[sd]["hip_extension"][at]) if why is None else nan,
                             "peak_thigh_behind_vertical": peak if why is None else nan,
                             "trunk_lean": float(lean[f]) if why is None else nan}})
    steps.sort(key=lambda s: s["frame"])
    per_side = {"left": 0, "right": 0}
    for n, s in enumerate(steps, 1):
        v, c, why = s.pop("_v"), s.pop("_c"), s["excluded"]
        s["step"] = n
        per_side[s["side"]] += 1
        s["repetition"] = per_side[s["side"]]
        s["metrics"] = {
            "peak_thigh_behind_vertical": rep_metric(
                "step_peak_thigh_behind_vertical", PEAK_NAME, v["peak_thigh_behind_vertical"], "deg", PEAK_DEF,
                side=s["side"], rep=s["repetition"],
                norm_key="gait_late_stance_thigh_extension", confidence=c, reason=why).to_dict(),
            "thigh_behind_vertical": rep_metric(
                "toe_off_thigh_behind_vertical", "Thigh behind vertical at toe-off", v["thigh_behind_vertical"], "deg",
                THIGH_VERT_DEF.replace("at the peak of the repetition", "at toe-off") + TOE_OFF_TIMING,
                side=s["side"], rep=s["repetition"], confidence=c, reason=why).to_dict(),
            "hip_extension": rep_metric(
                "step_peak_hip_extension", "Hip extension before toe-off (thigh behind trunk line)",
                v["hip_extension"], "deg", HIP_EXT_AT_PEAK_DEF,
                side=s["side"], rep=s["repetition"], confidence=c, reason=why).to_dict(),
            "trunk_lean": rep_metric("toe_off_trunk_lean", "Trunk lean at toe-off", v["trunk_lean"], "deg",
                                     "Hip-midpoint -> shoulder-midpoint from vertical, + = forward.", side=None,
                                     rep=s["repetition"], confidence=c, reason=why).to_dict()}
    res["steps"] = steps
    for sd in ([side] if side else list(SIDES)):
        # the steps' values as reported (one outside what a body can do is a landmark error, not a value)
        vals = [np.nan if (m := s["metrics"]["peak_thigh_behind_vertical"]["value"]) is None else m
                for s in steps if s["side"] == sd]
        confs = [s["metrics"]["peak_thigh_behind_vertical"]["confidence"] for s in steps
                 if s["side"] == sd and not s["excluded"]]
        summ = summarise("step_peak_thigh_behind_vertical", PEAK_NAME, vals, "deg", PEAK_DEF, sd,
                         "gait_late_stance_thigh_extension", float(np.mean(confs)) if confs else 0.0,
                         reason="no step of this leg could be measured")
        res["summary"][sd] = summary_dicts(summ)
    good = [s for s in steps if not s["excluded"]]
    if not steps:
        why = "no step found: walk across the picture, side-on, with the feet in view"
    elif not good:
        why = "no step could be measured: " + "; ".join(sorted({s["excluded"] for s in steps}))
    else:
        why = f"{len(good)} of {len(steps)} steps measured"
    res["movement"] = {"found": bool(good), "repetitions": len(good), "reason": why}
    if not good:
        res["problems"].append(why)
    res["curve"] = curve(t, {f"thigh_behind_vertical_{sd}": ser[sd]["thigh_behind_vertical"] for sd in SIDES})
    return res

