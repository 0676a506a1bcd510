"""The prone knee bend (Ely's test), side view, lying face down on a table.

Prone knee bend (Ely), side view, lying face down: the tested knee is the one that bends most.
``max_knee_flexion`` (deg, 0 = straight) per repetition.

**The hip's rise (Ely's sign) is not measured** (``hip_angle_change`` is given as not measured, with
:data:`HIP_RISE_UNREAD` as the reason, and ``hip_rose`` is None): the hip flexing, the buttock coming up as the knee
bends, is the sign of a short rectus femoris, but lying face down the pose model reads the shoulder-hip-knee angle
too poorly to tell it. Until session 37 a closing of that angle by more than ``ely_hip_rise_max`` (3 deg) with the hip
point rising was reported as the sign and counted in the advice. ``benchmarks/eval_ely_sign.py`` applies that rule
to the cached rendered prone knee bends of eight figure styles (414 bends with a scripted hip lift): a true lift of 6
to 10 degrees read -11.7 to +13.5 (median about 2.6) and was called a rise in 71 of 190, and no lift read up to +10.7
and was called a rise in 11 of 72. The same rule on the renderer's true points called all 190 lifts a rise and none
of the 72 without one: the fault is the pose model's hip and shoulder points lying down, not the rule.

Tracking dropouts (prone knee bend): when the bent lower leg is lost, MediaPipe's knee angle jumps (a
knee "straightening" 40 degrees in one frame) or the leg disappears (low visibility), often right at the
end of the bend. Frames between a jump away and the jump back (or unseen), up to 3 s, are **untrusted**
(:func:`analysis.segmentation.untrusted_frames`): they are bridged so that one bend stays one repetition,
and no value is read from them. When they touch the peak the peak was not seen: the repetition reports
no knee flexion, with the reason and the largest trusted reading as a lower bound
(``extra['at_least_deg']``); untrusted frames elsewhere in the repetition lower the confidence.

With the body outline (tracking with segmentation) the knee angle's jumps are checked against it
(:func:`leg_raise`: how far the outline reaches above the legs). Where it shows both legs on the table as
the knee landmarks do, the leg rests: a quick return to rest is not a dropout, and two bends with a rest
between them stay two. Where it shows a lower leg bent up while the landmarks lay it on the table, those
frames are untrusted. The segmentation mask can lose the raised lower leg too, with the landmarks, for a
second or more (a white leg against a white wall): the outline's height above the legs then falls faster than
a lower leg can fall (``ely_max_raise_rate``) and later jumps back, and the frames between are not a rest
(:func:`analysis.segmentation.untrusted_frames` on that height). Two repetitions with no frame of the legs down
between their peaks are one bend that the landmarks dipped in (their dip is untrusted, so its peak is a lower
bound unless the outline reads it).

The peak is then read from the outline (the lower leg rising from the table, found without the ankle
landmark, against the thigh's landmark line; see :func:`_outline_knee`) when the outline shows it in at
least half of the repetition's frames and bends and straightens with the knee landmarks on the way up and
down (their correlation outside the outline's plateau at least ``ely_outline_agreement``; in the hold the
landmarks may wander or lose the leg): the pose model reads deep bends short, and the outline still shows
a leg it lost. When an outline was given but does not confirm the peak, the landmarks' peak is reported
only as a lower bound (``at_least_deg``, with the reason): on the rendered clips where it was used, it
read short (by 2 to 26 deg), but on one pixel-art clip whose leg points the pose model misplaced through the bend
(150 for 115). Without an outline (tracking without segmentation) it is reported as the value.

**Leg points drawn too close together.** The leg bends in the picture's plane, so its thigh and lower leg keep their
lengths; where either lies shorter than ``ely_segment_min_ratio`` of its median length in the clip, or than
``ely_segment_trunk_min_ratio`` of the trunk's (:func:`analysis.movement.series.shortened_leg`), a knee or ankle
point was misplaced and the knee angle there is no reading: not a value, not a lower bound, and (the thigh short) no
outline reading against the thigh's line either. On the renders of nine figure styles such frames read -45 to -60
deg off (points pulled along the leg) or +63 to +68 (knee and ankle pulled together). The trunk's length finds a leg
drawn short through most of the clip, its own median short too (a pixel-art lower leg of 24 pixels for a true 68
gave "at least 150" for a true 115). A lower bound also leaves out readings beyond
what a knee can bend (``plausible_ely_max_knee_flexion``), and takes the outline's reading less
``ely_outline_bound_margin`` (:func:`peak_lower_bound`).

The outline must also see the top of the bend: where it lost the lower leg for longer than
``ely_outline_gap_max`` between its first and last readings near its peak, its largest reading is a lower bound (a
held-out cartoon's lower leg, lost by the mask and the pose model through most of a 2-s hold, read 62 for 83).

**Both knees bent in turn.** The other leg's knee angle is read too: a bend of it (at least ``ely_min_knee_range``)
that begins after every repetition of the tested knee ends, or ends before one begins, is the other leg tested in
the same clip (``other_leg_bends``). Lying side-on, the two legs cannot be told apart, so the set-up's naming (the
bent leg is the one nearest the camera) cannot hold for both: the ``repeat`` check
(:func:`analysis.movement.checks.check_repeat`) then fails. On the renders of five figure styles this flagged 4 of
the 10 clips of both knees bent in turn, which had given one reading each (a cartoon's far leg's bend under the near
leg's name), and none of the 240 single-leg clips, whose other knee's readings overlap their bend when the pose model
swaps the legs' names for a while.

A value needs a **hold**: the test holds the end of the bend for 2 s. When neither the outline's reading
nor the trusted landmarks stay steady near the top for ``ely_min_hold`` (0.15 s) in all (:func:`_peak_of`), the
knee angle turned back at full speed, which on rendered clips was a lower leg lost by the tracker and its outline
together on the way up: the largest reading is then a lower bound.
"""

from __future__ import annotations

import numpy as np

from analysis.filtering import frame_interval, true_runs
from analysis.movement.outline_limbs import lower_leg_direction, raised_height, raised_tip_flexion
from analysis.movement.series import (SIDE_IDX, clean_landmarks, curve, leg_series, median_at, movement_found,
                                      other_side, rep_metric, shank_length, shortened_leg, summarise, summary_dicts,
                                      thigh_length, trunk_length, visibility_confidence)
from analysis.norms import norm, threshold
from analysis.quality import mask_low_visibility, quiet
from analysis.segmentation import find_repetitions, untrusted_frames

# Engineering choices (not literature) for the prone knee bend, see :func:`ely_test`.
ELY_MAX_RATE = threshold("ely_max_knee_rate")  # see norms.toml
ELY_MAX_DROPOUT_S = threshold("ely_max_dropout")  # see norms.toml
ELY_OUTLINE_AGREE = threshold("ely_outline_agreement")  # see norms.toml
ELY_OUTLINE_SHORT = threshold("ely_outline_short")  # see norms.toml
ELY_LEG_DOWN = threshold("ely_leg_down")  # see norms.toml
ELY_LEG_UP = threshold("ely_leg_up")  # see norms.toml
ELY_MIN_REST_S = threshold("ely_min_rest")  # see norms.toml
ELY_MAX_RAISE_RATE = threshold("ely_max_raise_rate")  # see norms.toml
ELY_OUTLINE_GAP = threshold("ely_outline_gap_max")  # see norms.toml
ELY_MIN_HOLD_S = threshold("ely_min_hold")  # see norms.toml
ELY_SEGMENT_MIN = threshold("ely_segment_min_ratio")  # see norms.toml
ELY_SEGMENT_TRUNK_MIN = threshold("ely_segment_trunk_min_ratio")  # see norms.toml
ELY_OUTLINE_BOUND_MARGIN = threshold("ely_outline_bound_margin")  # see norms.toml
ELY_PLAUSIBLE_MAX = norm("plausible_ely_max_knee_flexion").high  # see norms.toml

__all__ = ["ely_test", "hip_lift", "leg_raise", "peak_lower_bound"]


def hip_lift(p: np.ndarray, side: str) -> np.ndarray:
    """Height of the hip above the straight line shoulder -> knee of one side, per frame, in % of the
    trunk length, **+ = hip higher in the picture** (the buttock lifted, lying prone) (T,)."""
    i = SIDE_IDX[side]
    sh, hip, knee = p[:, i["shoulder"]], p[:, i["hip"]], p[:, i["knee"]]
    d = knee - sh
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.clip(np.sum((hip - sh) * d, -1) / np.sum(d * d, -1), 0, 1)
    foot = sh + s[:, None] * d
    return (foot[:, 1] - hip[:, 1]) / trunk_length(p) * 100.0


def _outline_knee(outline, p: np.ndarray, side: str, frames: np.ndarray, guide: np.ndarray) -> np.ndarray:
    """Knee flexion (deg) from the outline at ``frames``, NaN where it does not show the lower leg.

    The lower leg's line (:func:`analysis.movement.outline_limbs.lower_leg_direction`: three quarters of the way
    from its calf's edge to its shin's, not its midline, which the calf pulls back), found from the
    knee landmark near the knee flexion ``guide`` (T,) without the ankle landmark) against the thigh's hip ->
    knee landmark line in the same frame. Where nothing lies near the guide (the pose model left the ankle far
    short of the bend: a held-out mannequin's knee read 13-84 degrees for a true 125), the search starts from
    the outline's highest point near the knee, the foot
    (:func:`analysis.movement.outline_limbs.raised_tip_flexion`): on the renders of three figure styles this
    read 9 more peaks, each within 4.2 degrees of the truth, and left one (a 140-degree bend) as a lower bound.
    Where the lower leg's midline is not found from the knee landmark it is sought again refined along itself
    (``recentre``): the knee landmark often sits at the back edge of a lower leg raised straight up, and the
    midline refined from the landmark missed the leg.
    The thigh lying on the table is where the pose model errs least (median 2 deg on rendered prone knee bends
    of two figure styles, against 3 to 5 deg for the thigh's outline edge turned by its offset at rest, which
    does not follow the thigh when the hip rises)."""
    i = SIDE_IDX[side]
    hip, knee = p[:, i["hip"]], p[:, i["knee"]]
    shank = shank_length(p, side)
    d = knee[frames] - hip[frames]
    a = np.arctan2(d[:, 1], d[:, 0])
    with quiet():  # directions near their circular mean, away from the +/-180 wrap, so that medians hold
        ref = np.arctan2(np.nanmean(np.sin(a)), np.nanmean(np.cos(a)))
    thigh = np.degrees(ref + (a - ref + np.pi) % (2 * np.pi) - np.pi)
    shin = np.full(len(frames), np.nan)
    for k, f in enumerate(frames):
        if np.isfinite(outline[f]).all() and np.isfinite(thigh[k]):
            # near the landmarks' knee angle; else (they lost the lower leg) from the foot; else each again with the
            # midline refined along itself (the knee landmark at the lower leg's back edge)
            u = lower_leg_direction(outline[f], hip[f], knee[f], shank, guide[f], upward=True)
            if u is None:
                g = raised_tip_flexion(outline[f], hip[f], knee[f], shank)
                foot = [g] if np.isfinite(g) else []
                tries = [(x, False) for x in foot] + [(x, True) for x in [guide[f], *foot]]
                u = next((v for start, recentre in tries
                          if (v := lower_leg_direction(outline[f], hip[f], knee[f], shank, start, upward=True,
                                                       recentre=recentre)) is not None), None)
            if u is not None:  # a direction near the thigh's, away from the +/-180 wrap
                shin[k] = thigh[k] + (np.degrees(np.arctan2(u[1], u[0])) - thigh[k] + 180.0) % 360.0 - 180.0
    # the outline's edges are a few pixels coarse: a running median over 5 frames of each direction
    shin, thigh = _running_median(shin), _running_median(np.where(np.isfinite(shin), thigh, np.nan))
    return np.abs((shin - thigh + 180.0) % 360.0 - 180.0)


def leg_raise(outline, p: np.ndarray, side: str) -> np.ndarray:
    """How far the body's outline reaches above the legs, per frame, in lower-leg lengths above its lowest
    reading in the clip (10th percentile): about 0 with both legs on the table, 0.5 to 1 with a lower leg bent
    up (:func:`analysis.movement.outline_limbs.raised_height` along the shoulder -> hip line from the hips, from
    0.3 to 1.9 thigh lengths). NaN where there is no outline (T,)."""
    T = len(p)
    out = np.full(T, np.nan)
    if outline is None:
        return out
    L, R = SIDE_IDX["left"], SIDE_IDX["right"]
    hips = (p[:, L["hip"]] + p[:, R["hip"]]) / 2.0
    thigh, shank = thigh_length(p, side), shank_length(p, side)
    with quiet():
        axis = np.nanmedian(hips - (p[:, L["shoulder"]] + p[:, R["shoulder"]]) / 2.0, axis=0)
    if not (np.isfinite(axis).all() and np.linalg.norm(axis) > 0 and thigh > 0 and shank > 0):
        return out
    axis = axis / np.linalg.norm(axis)
    dist, heights = np.linspace(0.3, 1.9, 17) * thigh, np.linspace(0.0, 1.5, 76) * shank
    for f in range(T):
        if np.isfinite(outline[f]).all() and np.isfinite(hips[f]).all():
            out[f] = raised_height(outline[f], hips[f], axis, dist, heights) / shank
    if np.isfinite(out).any():
        out -= np.nanpercentile(out, 10)
    return out


def peak_lower_bound(*landmarks: float, outline: float = float("nan")) -> float:
    """A lower bound (deg) of a peak that was not seen whole: the largest of the landmarks' readings and the
    outline's reading less ``ely_outline_bound_margin`` (the landmarks read deep bends short; the outline errs either
    way), leaving out any reading beyond what a knee can bend (``plausible_ely_max_knee_flexion``: a misplaced point,
    not a bend); NaN when none is left."""
    r = np.array([*landmarks, outline], dtype=np.float64)
    r = np.where(np.isfinite(r) & (r <= ELY_PLAUSIBLE_MAX), r, np.nan)
    r[-1] -= ELY_OUTLINE_BOUND_MARGIN
    return float(np.nanmax(r)) if np.isfinite(r).any() else float("nan")


def _running_median(x: np.ndarray, half: int = 2) -> np.ndarray:
    """Median over each frame and ``half`` frames either side (NaN where the frame or most of them are NaN)."""
    out = np.full(len(x), np.nan)
    with quiet():
        for k in range(len(x)):
            w = x[max(0, k - half):k + half + 1]
            if np.isfinite(x[k]) and np.isfinite(w).sum() > half:
                out[k] = np.nanmedian(w)
    return out


def _peak_of(x: np.ndarray, frame_s: float, steady_deg: float = 4.0) -> tuple[float, bool]:
    """The plateau of a peak (the hold) in ``x``, a reading smoothed by a running median over 7 frames
    (``_running_median(reading, 3)``), ``frame_s`` seconds apart: the median of the values within 5 % of the
    largest among the **steady** frames (within ``steady_deg`` of every frame up to 3 either side: the lower leg
    held still, not swinging up fast). NaN when none.

    Also whether the peak was **held**: steady frames within 10 % of the largest value for ``ely_min_hold`` seconds
    or more in all. The test holds the end of the bend for 2 s; a reading that turns back at full speed without a
    hold is a leg the tracker lost on its way up, not the end of the range (held-out figures at dusk and in pixel
    art: one or two steady frames at 41-83 degrees for true bends of 95-135, the pose model and the outline then
    losing the lower leg together)."""
    steady = np.zeros(len(x), bool)
    for k in range(len(x)):
        w = x[max(0, k - 3):k + 4]
        steady[k] = bool(np.isfinite(w).all() and np.ptp(w) <= steady_deg) if np.isfinite(x[k]) else False
    if not np.isfinite(x).any():
        return float("nan"), False
    held = bool((steady & (x >= 0.9 * np.nanmax(x))).sum() * frame_s >= ELY_MIN_HOLD_S)
    x = np.where(steady, x, np.nan) if steady.any() else x
    v = x[np.isfinite(x)]
    top = v.max()
    return float(np.median(v[v >= top - 0.05 * abs(top)])), held


def _top_unseen_s(t: np.ndarray, reading: np.ndarray, smooth: np.ndarray) -> float:
    """The longest stretch (s) without a ``reading`` (the outline's knee flexion over a repetition's frames at times
    ``t``) between the first and the last frame where its running median ``smooth`` lies within 10 % of its
    largest value: how long the top of the bend went unseen. 0 when there is no such stretch."""
    if not np.isfinite(smooth).any():
        return 0.0
    top = np.flatnonzero(smooth >= 0.9 * np.nanmax(smooth))
    gaps = [t[b] - t[a - 1] for a, b in true_runs(~np.isfinite(reading)) if top[0] < a and b <= top[-1]]
    return float(max(gaps, default=0.0))


def _bends_apart(t: np.ndarray, knee: np.ndarray, raw_p: np.ndarray, side: str, reps) -> list[dict]:
    """The bends of ``side``'s knee (the leg not tested; ``knee`` its flexion from the cleaned landmarks) that lie
    wholly outside every repetition in ``reps`` (the tested knee's): each a dict ``side``, ``from_s``, ``to_s``,
    ``rise_deg``. Found as the tested knee's are (:func:`analysis.segmentation.find_repetitions`, the raw landmarks
    ``raw_p`` giving the untrusted frames); none when no repetition of the tested knee was found."""
    if not reps:
        return []
    bad = untrusted_frames(leg_series(raw_p, side, 0, hip="side")["knee_flexion"], t, ELY_MAX_RATE, ELY_MAX_DROPOUT_S)
    found = find_repetitions(knee, t, threshold("ely_min_knee_range"), side=side, untrusted=bad,
                             max_dropout_s=ELY_MAX_DROPOUT_S)
    return [{"side": side, "from_s": round(float(t[b.start]), 2), "to_s": round(float(t[b.end]), 2),
             "rise_deg": round(float(b.amplitude), 1)}
            for b in found if all(b.start > r.end or b.end < r.start for r in reps)]


HIP_RISE_UNREAD = ("lying face down the pose model reads the hip's bend too poorly to tell whether the hip rose: on "
                   "renders a true rise of 6 to 10 degrees read -12 to +14, median 3, and no rise up to 11; the person "
                   "filming should watch whether the buttock lifts from the table as the knee bends")
"""Why the hip's rise (Ely's sign) is not measured (the module docstring)."""

HIDDEN_LEG_POINTS = [SIDE_IDX[s][k] for s in ("left", "right") for k in ("knee", "ankle", "heel", "toe")]
"""The landmarks of the lower legs, read once more when the bending knee was hidden (:func:`ely_test`)."""


def ely_test(timestamps, pixels, visibility, *, side: str | None = None, outline=None) -> dict:
    """Prone knee bend (Ely's test), side view (see the module docstring).

    With ``outline`` (T, K, 2) the peak knee flexion is read from the outline's lower leg where it shows
    it in most of the repetition and agrees with the seen landmarks (``source`` "outline"), so a peak the
    tracker lost is still measured.

    **A knee hidden behind the other leg.** Filmed from the far side of the tested leg, its knee lies behind the
    near leg on the table, and the pose model marks it not visible (below ``quality_visibility_min`` in most
    frames) while still placing it: held-out rendered bends of 80 and 124 degrees read 78 and 119 from those
    landmarks, and were refused as "no knee bend found" because unseen landmarks are not read. When no bend is
    found and there is an outline, the lower legs' landmarks are read once more whatever their visibility; a
    bend found so is kept only when the outline shows the lower leg raised and gives its peak (``source``
    "outline"), its confidence taken from the true visibility and scaled by ``ely_hidden_knee_confidence``, and
    ``hidden_knee`` says so (a warning check, :func:`analysis.movement.checks.check_clip`).

    Returns
    -------
    dict (JSON-ready)
        ``side``, ``repetitions`` (peak knee flexion with its ``source``; the hip angle change given as not
        measured and ``hip_rose`` None: :data:`HIP_RISE_UNREAD`), ``summary``, ``curve`` (the knee's
        bend per frame as read: none on untrusted frames, the outline's reading over the top of a repetition whose
        value came from it; the hip's angle is not plotted, as it is not measured), ``movement``, ``problems``,
        ``other_leg_bends`` (see the module docstring); ``hidden_knee`` True when the bend was read from landmarks
        the model marked hidden.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    res = _ely_pass(t, pixels, vis, vis, side, outline)
    if res["movement"]["found"] or outline is None:
        return res
    shown = vis.copy()
    shown[:, HIDDEN_LEG_POINTS] = np.fmax(shown[:, HIDDEN_LEG_POINTS], threshold("quality_visibility_min"))
    again = _ely_pass(t, pixels, shown, vis, side, outline, threshold("ely_hidden_knee_confidence"))
    if not any(r["source"] == "outline" and r["peak_trusted"] for r in again["repetitions"]):
        return res
    again["hidden_knee"] = True
    return again


def _ely_pass(t: np.ndarray, pixels, vis: np.ndarray, vis_conf: np.ndarray, side: str | None, outline,
              conf_scale: float = 1.0) -> dict:
    """One reading of :func:`ely_test`: landmarks seen where ``vis`` reaches ``quality_visibility_min``, the
    repetitions' confidence from ``vis_conf`` times ``conf_scale``."""
    p = clean_landmarks(pixels, vis, t).p
    ser = {s: leg_series(p, s, 0, hip="side") for s in ("left", "right")}
    if side is None:
        with quiet():
            rng = {s: (np.nanpercentile(ser[s]["knee_flexion"], 95) - np.nanpercentile(ser[s]["knee_flexion"], 5))
                   if np.isfinite(ser[s]["knee_flexion"]).any() else -np.inf for s in ser}
        side = max(rng, key=rng.get)
    i = SIDE_IDX[side]
    knee = ser[side]["knee_flexion"]
    # untrusted frames: implausible jumps of the raw (unfiltered) knee angle and what lies between them,
    # and frames where the leg was not seen at all while the rest of the body was
    raw_p = mask_low_visibility(np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2), vis)
    raw_knee = leg_series(raw_p, side, 0, hip="side")["knee_flexion"]
    body_seen = np.isfinite(raw_p[:, [i["shoulder"], i["hip"]]]).all(axis=(1, 2))
    bad = untrusted_frames(raw_knee, t, ELY_MAX_RATE, ELY_MAX_DROPOUT_S) | (body_seen & ~np.isfinite(knee))
    # a thigh or lower leg drawn much shorter than it is: a knee or ankle point misplaced, so no knee angle is read
    # from the landmarks there (nor a lower bound), and, with the thigh short, none from the outline either (its
    # lower leg is taken against the thigh's landmark line)
    short_thigh = shortened_leg(raw_p, side, ELY_SEGMENT_MIN, ("thigh",), ELY_SEGMENT_TRUNK_MIN)
    short_leg = short_thigh | shortened_leg(raw_p, side, ELY_SEGMENT_MIN, ("shank",), ELY_SEGMENT_TRUNK_MIN)
    min_range = threshold("ely_min_knee_range")
    # the outline settles what the knee angle's jumps cannot: where it shows the lower leg down on the table
    # as the landmarks do, the leg rests (a quick return to rest is not a dropout, and two bends stay two);
    # where it shows the lower leg bent up while the landmarks lay it on the table, they lost it
    raised = leg_raise(outline, p, side)
    with quiet():
        low_level = np.nanpercentile(knee, 10) + min_range if np.isfinite(knee).any() else np.nan
    knee_low = knee < low_level
    up = raised > ELY_LEG_UP
    # the segmentation mask can drop a raised lower leg, for a frame or two or for longer (with the landmarks
    # losing it too): the outline's height then falls faster than a lower leg can fall, and jumps back
    # (a mask drops a raised lower leg; it does not make one up: only a fall starts such a stretch, and a rise with no
    # fall before it is the mask finding the leg again)
    mask_lost = untrusted_frames(raised, t, ELY_MAX_RAISE_RATE, ELY_MAX_DROPOUT_S, min_jump=ELY_LEG_UP - ELY_LEG_DOWN,
                                 away=-1)
    # the legs down for a rest, not a flicker of the outline nor a leg the mask lost
    down = np.zeros(len(t), bool)
    for a0, b0 in true_runs((raised < ELY_LEG_DOWN) & ~mask_lost):
        down[a0:b0] = t[b0 - 1] - t[a0] >= ELY_MIN_REST_S
    bad = (bad & ~(down & knee_low)) | ((up | mask_lost) & knee_low)
    reps = find_repetitions(knee, t, min_range, side=side, untrusted=bad, max_dropout_s=ELY_MAX_DROPOUT_S)
    # two bends are two only if the leg came down between them: where the outline shows the lower leg raised
    # all the way from one peak to the next, the landmarks' dip between them is a dropout
    joined = False
    for a, b in zip(reps, reps[1:]):
        mid = np.arange(a.peak + 1, b.peak)
        seen_ol = np.isfinite(raised[mid])
        if mid.size and seen_ol.mean() >= 0.8 and not down[mid].any():
            bad[mid[~(knee[mid] >= min(knee[a.peak], knee[b.peak]))]] = True
            joined = True
    if joined:
        reps = find_repetitions(knee, t, min_range, side=side, untrusted=bad, max_dropout_s=ELY_MAX_DROPOUT_S)
    frame_s = frame_interval(t, 0.0)
    rows = []
    # the knee's bend as read, for the chart: not on untrusted frames, and the outline's reading where a
    # repetition's value came from it
    knee_read = np.where(bad, np.nan, knee)
    other = other_side(side)
    res = {"kind": "ely", "side": side, "repetitions": [], "summary": {}, "problems": [],
           "untrusted_frames": int(bad.sum()),
           "other_leg_bends": _bends_apart(t, ser[other]["knee_flexion"], raw_p, other, reps)}
    for r in reps:
        span = np.arange(r.start, r.end + 1)
        frac_bad = float(bad[span].mean()) if span.size else 0.0
        c = conf_scale * visibility_confidence(vis_conf, (i["hip"], i["knee"], i["ankle"]),
                                               np.arange(r.hold_start, r.hold_end + 1))
        c_rep = c * (1.0 - frac_bad)
        ok_fr = span[~bad[span] & ~short_leg[span]]
        with quiet():
            seen_max = float(np.nanmax(raw_knee[ok_fr])) if np.isfinite(raw_knee[ok_fr]).any() else np.nan
        kf_ol = _outline_knee(outline, p, side, span, knee) if outline is not None \
            else np.full(len(span), np.nan)
        kf_ol[short_thigh[span]] = np.nan
        # the outline's reading must rise and fall with the knee landmarks, compared outside its plateau
        # (the landmarks wander where they lose the lower leg in the hold; they follow the bend's way up and down)
        smooth = _running_median(kf_ol, 3)
        both = np.isfinite(smooth) & np.isfinite(knee[span])
        if both.any():
            top = np.flatnonzero(smooth >= 0.9 * np.nanmax(smooth))
            both[top[0] + 1:top[-1]] = False
        agree = both.sum() < 5 or float(np.corrcoef(smooth[both], knee[span][both])[0, 1]) >= ELY_OUTLINE_AGREE
        ol_peak, ol_held = _peak_of(smooth, frame_s)
        # the outline's reading must see the bend's top: a stretch it did not show, between its first and last
        # readings near its peak, longer than ely_outline_gap_max, is where the top may have been (a cartoon's
        # lower leg lost by the mask and the pose model through a 2-s hold: 62 degrees read for a true 83)
        unseen = _top_unseen_s(t[span], kf_ol, smooth)
        peak_seen = r.peak_trusted and not short_leg[r.peak]  # the landmarks' own peak, a reading
        lm_peak = median_at(knee, [r.peak]) if peak_seen else np.nan
        lm_held = _peak_of(_running_median(np.where(bad[span], np.nan, knee[span]), 3), frame_s)[1]
        # the outline is there because the pose model reads deep bends short: an outline peak well below what
        # the landmarks saw is another limb (the other leg on the table), not the lower leg
        short = bool(np.isfinite(ol_peak) and np.isfinite(seen_max) and ol_peak < seen_max - ELY_OUTLINE_SHORT)
        use_outline = bool(np.isfinite(kf_ol).mean() >= 0.5 and agree and not short)
        mx, why, ex = np.nan, None, {}
        # the outline's value needs the outline's own hold: where it rose to its peak and fell straight back while
        # the landmarks held (a held-out mannequin's 134- and 140-degree bends), it lost the foot at the top and
        # read 16-17 degrees short
        if use_outline and unseen > ELY_OUTLINE_GAP:
            low = peak_lower_bound(seen_max, outline=ol_peak)
            why = (f"the body outline lost the lower leg for {unseen:.1f} s at the top of the bend, so the end of the "
                   "bend was not seen" + (f"; the knee bent at least {low:.0f} degrees" if np.isfinite(low) else "")
                   + ": film again side-on with the tested leg nearest the camera, in clothes that stand out from the "
                   "table and the background")
        elif use_outline and ol_held:
            mx, ex = ol_peak, {"source": "outline"}
            # over the outline's top only: lower down it finds a line before the lower leg stands clear of the
            # other leg (a mesh's bend read 57 degrees flat through a true 29 to 53)
            top = np.flatnonzero(smooth >= 0.9 * ol_peak)
            knee_read[span[top[0]:top[-1] + 1]] = smooth[top[0]:top[-1] + 1]
            c_rep = max(c_rep, 0.6 * c)
        elif peak_seen and outline is None and lm_held:
            mx, ex = lm_peak, {"source": "landmarks"}
            if frac_bad > 0:
                ex["note"] = f"the leg was lost for {bad[span].sum()} frames away from the peak: confidence lowered"
        elif use_outline or (peak_seen and outline is None):
            # no hold: the test holds the end of the bend for 2 s; a knee angle turning back at full speed is a
            # lower leg the tracker (and its outline) lost on the way up, as often as a real end of range
            low = peak_lower_bound(seen_max, lm_peak, outline=ol_peak if use_outline else np.nan)
            why = ("the knee angle turned back without a hold at its peak, so the end of the bend was not seen "
                   "steadily (or the tracker lost the lower leg)" +
                   (f"; the knee bent at least {low:.0f} degrees" if np.isfinite(low) else "") +
                   ": hold the end of the bend for 2 seconds, side-on, with the tested leg nearest the camera")
        elif peak_seen:
            # the outline was there and did not confirm the peak: the landmarks alone read deep bends short
            # (see the module docstring), so their peak is only a lower bound
            low = peak_lower_bound(lm_peak)
            why = ("the body outline did not show the lower leg clearly through the bend, and the pose model alone "
                   "reads deep knee bends short" +
                   (f": the knee bent at least {low:.0f} degrees" if np.isfinite(low) else "") +
                   "; film again side-on with the tested leg nearest the camera, against a plain background")
        else:
            low = peak_lower_bound(seen_max)
            why = ("the lower leg was lost by the tracker at the end of the bend (its landmarks jumped, "
                   "disappeared or were drawn too close together), so the largest knee bend was not seen" +
                   (f"; the knee bent at least {low:.0f} degrees" if np.isfinite(low) else "") +
                   ": film again closer to the camera, in good light, with the tested leg nearest it and nothing "
                   "covering it")
        if why is not None:
            ex = {"at_least_deg": None if not np.isfinite(low) else round(float(low), 1)}
        m = {"max_knee_flexion": rep_metric("ely_max_knee_flexion", "Knee flexion lying face down", mx, "deg",
                                            "Knee flexion (180 minus hip-knee-ankle angle, 0 = straight) at the "
                                            "peak of the prone knee bend, degrees.",
                                            side=side, rep=r.index, norm_key="ely_knee_flexion",
                                            confidence=c_rep if np.isfinite(mx) else 0.0,
                                            reason=why, extra=ex),
             "hip_angle_change": rep_metric("ely_hip_angle_change", "Hip bend during the knee bend", np.nan, "deg",
                                            "Largest closing of the shoulder-hip-knee angle from the start of the "
                                            "repetition to its peak, degrees, + = the hip bent (buttock rose).",
                                            side=side, rep=r.index, norm_key="ely_hip_rise_max", confidence=0.0,
                                            reason=HIP_RISE_UNREAD)}
        rows.append({"repetition": r.index, "side": side, "phases": r.to_dict(), "hip_rose": None,
                     "peak_trusted": bool(np.isfinite(mx)), "source": "outline" if use_outline else "landmarks",
                     "untrusted_frames": int(bad[span].sum()),
                     "finding": f"Whether the hip rose as the knee bent (Ely's sign) was not measured: "
                                f"{HIP_RISE_UNREAD}.",
                     "metrics": {k: v.to_dict() for k, v in m.items()}, "_m": m})
    res["repetitions"] = [{k: v for k, v in r.items() if k != "_m"} for r in rows]
    vals = [r["_m"]["max_knee_flexion"].value or np.nan for r in rows]
    s = summarise("ely_max_knee_flexion", "Knee flexion lying face down", vals, "deg",
                  "Peak knee flexion of the prone knee bend, degrees.", side, "ely_knee_flexion",
                  float(np.mean([r["_m"]["max_knee_flexion"].confidence for r in rows])) if rows else 0.0)
    res["summary"]["max_knee_flexion"] = summary_dicts(s)
    if rows and not any(r["peak_trusted"] for r in rows):
        res["problems"].append("no bend gave a knee flexion to report, only lower bounds (see each repetition's "
                               "reason)")
    res["curve"] = curve(t, {"knee_flexion": knee_read})
    # the pose model and the body outline can both lose a lower leg raised against a wall of its colour (a wooden
    # mannequin's held-out prone knee bend: both showed the legs lying on the table through a 90-degree bend)
    movement_found(res, len(rows), f"bend(s) of the {side} knee",
                   "no knee bend found: lying face down, side-on to the camera, bend the knee towards the buttock (if "
                   "it was bent, the pose model did not see the lower leg rise: film again in good light, in clothes "
                   "that stand out from the wall behind)")
    return res
