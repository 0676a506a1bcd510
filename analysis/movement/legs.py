"""Leg identity: consistent left/right labels through a clip, the near and far leg, and the leg that moved.

In a side view the two legs overlap and the pose model sometimes gives one leg the other's labels, for a
few frames (a swap: :func:`analysis.segmentation.leg_swaps` finds them by continuity, knees and feet
apart because the model mixes them up independently) or for the whole clip (the leg it sees best called
the far one). Every movement test runs :func:`consistent_labels` first, so a value is never read from a
knee that belongs to the other leg.

The **near** leg is the one towards the camera: facing the image right shows the right side
(:func:`analysis.movement.series.near_side_of`), decided from the face, which does not depend on the
leg labels. The near leg is the one the camera sees: when the leg the model calls "near" is the far
one's (its knee and foot far less visible than the other leg's all through the clip), the labels of the
two legs are exchanged for the whole clip.

The **moving** leg is found from its motion (:func:`moving_leg`), not from where it is drawn: when the
model cannot separate the legs (both knees on one spot, a leg hidden behind the other), the knee, the
ankle and the foot each vote, read from every frame including the poorly seen ones (they show where the
leg went even when they cannot give a value).
"""

from __future__ import annotations

import numpy as np

from analysis.movement.series import SIDE_IDX, SIDES, hyperextended_knees, midpoint, other_side, thigh_length
from analysis.norms import threshold
from analysis.quality import quiet
from analysis.segmentation import FOOT_PAIRS, KNEE_PAIRS, leg_swaps, predicted_places, swap_legs

LEG_POINTS = ("hip", "knee", "ankle", "heel", "toe")
LEG_PAIRS = tuple((SIDE_IDX["left"][k], SIDE_IDX["right"][k]) for k in LEG_POINTS)
NEAR_FAR_VISIBILITY_GAP = 0.25  # engineering choice: see consistent_labels
# the tests of one leg, found from the movement, whose set-ups film that leg nearest the camera; its name can
# be stated (analysis.movement.run.run_movement_test) and is checked against the side the camera sees
STATED_LEG_KINDS = ("hip_extension", "lunge", "thomas", "ely")
FOOT_POINTS = [SIDE_IDX[s][k] for s in SIDES for k in ("heel", "toe")]  # both legs' heels and toes

__all__ = ["STATED_LEG_KINDS", "consistent_labels", "coherent_feet", "exchange_legs", "swapped_stretches", "moving_leg",
           "kneeling_knee_labels", "swap_knees_and_feet", "back_knee_depth", "standing_foot_depth", "repetition_legs",
           "leg_words", "LEG_PAIRS"]


def consistent_labels(pixels: np.ndarray, visibility: np.ndarray, near: str | None = None,
                      stepping: bool = False) -> tuple[np.ndarray, np.ndarray, dict]:
    """Leg labels made consistent through the clip.

    1. Frames where the model swapped the knees, or the feet, are found by continuity and swapped back
       (:func:`analysis.segmentation.leg_swaps` for a few frames, :func:`swapped_stretches` for long ones);
       with ``near``, a knee is not given the other leg's foot where that bends it backwards beyond what a
       knee can (:func:`coherent_feet`).
       With ``stepping`` (walking and running), continuity is judged on each point's velocity, not its place
       (``predict`` of both): a running foot moves more than a thigh's length between frames at 15 frames/s.
    2. With ``near`` (the side towards the camera, from the face): when the far side's knee and foot are
       seen far better than the near side's through the whole clip (mean visibility higher by more than
       0.25), the model called the near leg the far one: the two legs' labels are exchanged.

    Returns
    -------
    pixels, visibility : ndarray
        Copies with the labels corrected.
    info : dict
        ``swapped_frames`` (bool (T,)), ``label_swaps`` (int, frames relabelled in step 1),
        ``near_far_exchanged`` (bool, step 2).
    """
    raw = np.array(pixels, dtype=np.float64).reshape(-1, 33, 2)
    vis = np.array(visibility, dtype=np.float64).reshape(-1, 33)
    scale = thigh_length(raw)
    masks = []
    for pairs in (KNEE_PAIRS, FOOT_PAIRS):  # the model mixes up knees and feet independently
        m = leg_swaps(raw, scale, pairs, predict=stepping)
        masks.append(m ^ swapped_stretches(swap_legs(raw, m, pairs), scale, pairs, predict=stepping))
    knees, feet = masks
    if near in SIDES:  # side-on and upright (near_side_of): a knee must not get the other leg's foot
        feet = coherent_feet(raw, knees, feet, 1 if near == "right" else -1)
    raw, vis = swap_knees_and_feet(raw, vis, knees, feet)
    swapped = knees | feet
    exchanged = False
    if near in SIDES:
        far = other_side(near)
        idx = [SIDE_IDX[s][k] for s in (near,) for k in ("knee", "ankle", "heel", "toe")]
        jdx = [SIDE_IDX[s][k] for s in (far,) for k in ("knee", "ankle", "heel", "toe")]
        with quiet():
            gap = float(np.nanmean(vis[:, jdx]) - np.nanmean(vis[:, idx]))
        if np.isfinite(gap) and gap > NEAR_FAR_VISIBILITY_GAP:
            raw, vis = exchange_legs(raw, vis)
            exchanged = True
    return raw, vis, {"swapped_frames": swapped, "label_swaps": int(swapped.sum()), "near_far_exchanged": exchanged}


def kneeling_knee_labels(pixels: np.ndarray, visibility: np.ndarray, facing: int
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A half-kneel's leg labels from where its knees and feet are, frame by frame.

    In the lunge the back knee rests on the floor with its foot behind it, and the front knee stands a shank's
    length above the floor over the front foot: the back knee is the lower one in the picture, and the back
    foot the rear one, whatever the model calls them. The pose model sometimes moves its knee labels from one
    leg to the other for a second or more, gradually, so that continuity (:func:`consistent_labels`) keeps them
    (a rendered half-kneel read as three repetitions, its back thigh's "rest" the front thigh's -85 degrees).
    Here the name whose knee is clearly lower (by ``lunge_knee_drop_min`` thigh lengths or more) in most frames
    is the back leg's; every frame where the other knee is clearly lower has its knees exchanged, and every frame
    where the other leg's ankle lies clearly further back (by as much, along the way the person faces) has its
    feet exchanged, unless that would give a knee the other leg's foot (:func:`coherent_feet`: a standing hip
    extension offered as a lunge had its swung-back foot given to the standing knee in 27 % of the frames, and
    was refused as "the pose model lost your legs" rather than for standing). With no frame whose knee is clearly
    lower, nothing tells the back leg and no label is exchanged (a person kneeling upright on both knees, run as a
    lunge, had their feet exchanged in every frame and read "sitting"). Frames with the knees at about
    one height, or the feet side by side, keep the model's labels: getting into the position, or, held, the
    model's knees between the legs (its labels going over from one leg to the other), where neither knee is
    where a half-kneel puts it (``knees_unsure``).

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
        Image landmarks (x right, y down), labels already made consistent.
    visibility : ndarray (T, 33)
    facing : int
        +1 facing the image right, -1 left (0: the feet keep the model's labels).

    Returns
    -------
    pixels, visibility : ndarray
        Copies with the labels exchanged where the other leg kneels.
    exchanged : ndarray (T,) bool
        The frames whose knee or foot labels were exchanged.
    knees_unsure : ndarray (T,) bool
        The frames whose two knees lie less than ``lunge_knee_drop_min`` apart in height.
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    th = thigh_length(p)
    drop = threshold("lunge_knee_drop_min")
    L, R = SIDE_IDX["left"], SIDE_IDX["right"]
    with quiet():
        lower = (p[:, L["knee"], 1] - p[:, R["knee"], 1]) / th  # + = the left knee lower
        behind = (p[:, R["ankle"], 0] - p[:, L["ankle"], 0]) * facing / th  # + = the left ankle further back
    n_left, n_right = (lower >= drop).sum(), (lower <= -drop).sum()
    back_left = n_left >= n_right
    knees = lower <= -drop if back_left else lower >= drop
    # no knee ever clearly lower: not a half-kneel, and nothing tells the back leg; the feet keep their labels
    feet = (behind <= -drop if back_left else behind >= drop) if facing and n_left + n_right else np.zeros(len(p), bool)
    feet = coherent_feet(p, knees, feet, facing)
    return (*swap_knees_and_feet(p, visibility, knees, feet), knees | feet, np.abs(lower) < drop)


def swap_knees_and_feet(pixels: np.ndarray, visibility: np.ndarray, knees: np.ndarray, feet: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Copies of ``pixels`` (T, 33, 2) and ``visibility`` (T, 33) with the two legs' knee labels exchanged in the
    frames of ``knees`` and their ankle, heel and toe labels in those of ``feet`` (bool (T,) each)."""
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    v = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)[..., None]
    for m, pairs in ((knees, KNEE_PAIRS), (feet, FOOT_PAIRS)):
        p, v = swap_legs(p, m, pairs), swap_legs(v, m, pairs)
    return p, v[..., 0]


def coherent_feet(pixels: np.ndarray, knees: np.ndarray, feet: np.ndarray, facing: int) -> np.ndarray:
    """The feet's relabelling (bool (T,), as ``feet``), given back to the knees' where the two disagree and the
    result would give a knee the other leg's foot.

    Knees and feet are relabelled independently (the model mixes them up independently). Where that pairs a
    knee with the other leg's ankle and the leg then bends backwards further than a knee can
    (:func:`analysis.movement.series.hyperextended_knees`) while the model's own pairing does not, the feet
    follow the knees. On the renders of ``benchmarks/eval_movement.py`` the independent relabelling did this
    in 7-28 % of the frames of lunges and runs filmed from the side (the front knee given the back foot) and
    never in the real clips; following the knees named a far-filmed lunge's back leg right and measured a
    followed run's every step, where the feet-first choice did not.

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
        Landmark pixels as the model labelled them.
    knees, feet : ndarray (T,) bool
        Frames whose knees, and feet, are to be relabelled.
    facing : int
        +1 facing the image right, -1 left.
    """
    mixed = knees != feet
    if not mixed.any() or not facing:
        return feet
    paired = swap_legs(swap_legs(pixels, knees, KNEE_PAIRS), feet, FOOT_PAIRS)
    # the masks mark knee landmarks only: any marked landmark is a knee bent backwards
    wrong = mixed & hyperextended_knees(paired, facing).any(axis=1) & ~hyperextended_knees(pixels, facing).any(axis=1)
    return np.where(wrong, knees, feet)


def exchange_legs(*arrays):
    """The two legs' labels (hip, knee, ankle, heel, toe) exchanged in every frame: a copy of each array, in
    order (pixels (T, 33, 2), visibility (T, 33), world landmarks (T, 33, 3) ...; None stays None)."""
    out = []
    for a in arrays:
        if a is None:
            out.append(None)
            continue
        a = np.asarray(a)
        everywhere = np.ones(len(a), bool)
        flat = a.ndim == 2
        b = swap_legs(a[..., None] if flat else a, everywhere, LEG_PAIRS)
        out.append(b[..., 0] if flat else b)
    return tuple(out)


def swapped_stretches(pixels: np.ndarray, scale: float, pairs, min_gain: float = 0.5,
                      predict: bool = False) -> np.ndarray:
    """Long stretches of frames whose leg labels the model exchanged, for the landmarks of ``pairs``.

    :func:`analysis.segmentation.leg_swaps` keeps the model's labels through a long swapped stretch (each
    swapped frame costs a little, the one jump at its edge costs less). Here a frame where the two legs'
    points clearly **exchanged places** (reading the frame swapped moves them less than ``min_gain``
    thigh lengths per pair than reading it as labelled) starts a new stretch; the labelling that holds in
    most frames is taken as the right one and the other stretches are swapped. With ``predict`` the points
    move from where they would be had they kept their velocity of the two frames before
    (:func:`analysis.segmentation.predicted_places`), as in :func:`analysis.segmentation.leg_swaps`: a run filmed at 15 frames/s. (T,) bool."""
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    T = len(p)
    if T < 3 or not np.isfinite(scale) or scale <= 0:
        return np.zeros(T, bool)
    L, R = p[:, [q[0] for q in pairs]], p[:, [q[1] for q in pairs]]
    pL, pR = L[:-1].copy(), R[:-1].copy()  # where each point of frames 1.. was expected
    if predict:
        pL[1:], pR[1:] = predicted_places(L[:-2], L[1:-1]), predicted_places(R[:-2], R[1:-1])
    keep = np.hypot(*(L[1:] - pL).transpose(2, 0, 1)) + np.hypot(*(R[1:] - pR).transpose(2, 0, 1))
    swap = np.hypot(*(L[1:] - pR).transpose(2, 0, 1)) + np.hypot(*(R[1:] - pL).transpose(2, 0, 1))
    with quiet():
        gain = np.nansum(keep - swap, axis=1) / scale / len(pairs)
    flips = np.concatenate([[False], gain > min_gain])
    parity = np.cumsum(flips) % 2 == 1
    if not parity.any():
        return parity
    return parity if parity.sum() <= T / 2 else ~parity


def _range(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(np.percentile(x, 95) - np.percentile(x, 5)) if x.size >= 3 else 0.0


def moving_leg(pixels: np.ndarray, facing: int) -> tuple[str | None, dict]:
    """Which leg moved, from every frame's landmarks (seen or not; see the module docstring).

    Each leg scores the range (95th minus 5th percentile over the clip) of, in degrees: the thigh's angle
    behind the vertical, and the angle of the hip -> ankle and hip -> foot lines behind the vertical (the
    foot of a leg swung back goes back further than its knee).

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
        Raw landmark pixels after :func:`consistent_labels` (not masked by visibility).
    facing : int
        +1 / -1 (side view).

    Returns
    -------
    side : str or None
        The leg with the larger score; None when neither moved at all.
    scores : dict
        ``{"left": deg, "right": deg, "margin": deg}``.
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    hip = midpoint(p, "hip")
    score = {}
    for s in SIDES:
        i = SIDE_IDX[s]
        parts = []
        for k in ("knee", "ankle", "toe"):
            d = p[:, i[k]] - hip
            with quiet():
                a = np.degrees(np.arctan2(-facing * d[:, 0], d[:, 1]))
            parts.append(_range(a))
        score[s] = float(np.mean(parts))
    best = max(score, key=score.get)
    margin = abs(score["left"] - score["right"])
    return (best if score[best] > 0 else None), {**{k: round(v, 1) for k, v in score.items()},
                                                 "margin": round(margin, 1)}


def back_knee_depth(pixels: np.ndarray, back: str) -> float:
    """How much higher in the picture a half-kneeling lunge's back knee rests than the front foot's heel, in
    thigh lengths (median over the clip): **+ = the back knee higher**, NaN when not seen.

    Both rest on the floor, the legs a hip width apart, so with the camera above the floor (the set-up's knee
    to hip height) the one further from the camera lies higher in the picture (a floor point's height in the
    picture falls with its distance), whatever names the pose model gave the legs: on the renders of three
    figure styles the back knee rested 0.07-0.39 thigh lengths higher when the back leg was the far one and
    0.04-0.27 lower when it was the near one (the knee's centre sits a little higher above the floor than the
    heel's, which adds to the far reading).

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
        Landmark pixels (the model's names are not used beyond telling the back leg's knee from the front
        leg's heel).
    back : str
        The back leg's label (``"left"``/``"right"``).
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    knee, heel = p[:, SIDE_IDX[back]["knee"], 1], p[:, SIDE_IDX[other_side(back)]["heel"], 1]
    with quiet():
        return float(np.nanmedian(heel - knee) / thigh_length(p))


def standing_foot_depth(pixels: np.ndarray, outline, repetitions: list[dict], facing: int,
                        peak_of: int | None = None) -> tuple[float, float]:
    """How much higher in the picture a standing hip extension's standing foot stands at the peaks than the
    lower of the two feet at rest, in thigh lengths, read twice: from the body's outline and from the foot
    landmarks. **+ = higher**: the standing foot is the far one, so the leg that moved is the near one.

    At rest both feet stand on the floor a hip width apart, and with the camera above the floor the nearer one
    lies lower in the picture (as for :func:`back_knee_depth`); at the peak only the standing foot is where it
    stood. Neither reading uses the model's left/right names:

    * outline: the lowest point of the outline at rest (the near foot's sole), against the lowest point of the
      outline at the peaks in the front part (``facing``) of where the feet stood, which the moving foot has
      left;
    * landmarks: the lowest heel or toe point of either leg at rest, against the heel further forward at the
      peaks (with its toe).

    On the rendered hip extensions of three figure styles (``benchmarks/eval_movement.py``, cameras 0.7-1.45 m
    high) both read 0.09-0.32 when the moving leg was the near one; when it was the far one both read under
    0.05 but in three clips, where one of the two read 0.25-1.6 (a shoe the outline missed at the peak, feet
    landmarks placed on one foot at rest) and the other under 0.05.

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
        Landmark pixels.
    outline : ndarray (T, K, 2) or None
        Body outlines (NaN where none).
    repetitions : list of dict
        The test's repetitions, with ``phases`` (``start``, ``end``, ``hold_start``, ``hold_end``: frames).
    facing : int
        +1 facing the image right, -1 left.
    peak_of : int, optional
        Read the peak of this repetition only (an index into ``repetitions``); the rest is still every frame
        outside all of them.

    Returns
    -------
    outline_reading, landmark_reading : float
        Thigh lengths; NaN when not seen (fewer than 3 rest or 2 peak frames).
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    th = thigh_length(p)
    reps = [r["phases"] for r in repetitions if r.get("phases")]
    if not reps or not facing or not np.isfinite(th) or th <= 0:
        return float("nan"), float("nan")
    moving = np.zeros(len(p), bool)
    for ph in reps:
        moving[max(0, ph["start"] - 3):ph["end"] + 4] = True
    rest = np.flatnonzero(~moving)
    peaks = np.concatenate([np.arange(ph["hold_start"], ph["hold_end"] + 1)
                            for ph in (reps if peak_of is None else [reps[peak_of]])])
    with quiet():
        feet = p[:, FOOT_POINTS, 1]
        rest_low = np.nanmax(feet[rest], axis=1) if rest.size else np.array([])
        heels = p[peaks][:, [SIDE_IDX[s]["heel"] for s in SIDES]]
        toes = p[peaks][:, [SIDE_IDX[s]["toe"] for s in SIDES]]
        ahead = np.argmax(np.where(np.isfinite(heels[..., 0]), facing * heels[..., 0], -np.inf), axis=1)
        k = np.arange(len(peaks))
        standing = np.fmax(heels[k, ahead, 1], toes[k, ahead, 1])
    seen_rest, seen_peak = rest_low[np.isfinite(rest_low)], standing[np.isfinite(standing)]
    landmark = float((np.median(seen_rest) - np.median(seen_peak)) / th) \
        if seen_rest.size >= 3 and seen_peak.size >= 2 else float("nan")
    return _outline_foot_depth(outline, rest, peaks, facing, th), landmark


def repetition_legs(pixels: np.ndarray, outline, repetitions: list[dict], facing: int) -> list[str | None]:
    """Which leg swung back in each repetition of a standing hip extension, ``"near"`` or ``"far"`` (from the
    camera), or None where it cannot be told, without the pose model's left/right names: from where the standing
    foot stood at the repetition's peak (:func:`standing_foot_depth` of that peak, both readings).

    A repetition is the near leg's when every reading that was seen lies over ``standing_foot_depth_min`` (the
    standing foot is the far one, higher in the picture than the near foot at rest), the far leg's when every
    one lies under it, and not told when the two readings disagree or none was seen (with the camera at the
    floor's height, the cue vanishes).

    Parameters
    ----------
    pixels, outline, repetitions, facing
        As for :func:`standing_foot_depth`.

    Returns
    -------
    list of str or None
        One per repetition, in order.
    """
    thr = threshold("standing_foot_depth_min")
    out: list[str | None] = []
    for k in range(len(repetitions)):
        seen = [v for v in standing_foot_depth(pixels, outline, repetitions, facing, peak_of=k) if np.isfinite(v)]
        out.append(None if not seen else "near" if min(seen) > thr else "far" if max(seen) < thr else None)
    return out


def _outline_foot_depth(outline, rest: np.ndarray, peaks: np.ndarray, facing: int, th: float) -> float:
    """The outline's reading of :func:`standing_foot_depth` (thigh lengths, NaN when not seen)."""
    if outline is None:
        return float("nan")
    o = np.asarray(outline, dtype=np.float64)
    soles, fronts, backs = [], [], []
    for i in rest:
        if np.isfinite(o[i]).all():
            y = o[i, :, 1]
            xs = o[i, y > y.max() - 0.3 * th, 0]  # the feet: the outline's lowest 0.3 thigh lengths
            soles.append(y.max())
            fronts.append(xs.max() if facing > 0 else -xs.min())
            backs.append(xs.min() if facing > 0 else -xs.max())
    if len(soles) < 3:
        return float("nan")
    sole, front, back = (float(np.median(v)) for v in (soles, fronts, backs))
    toe_from = front - 0.4 * (front - back)  # the feet's front 40 %, in the facing direction
    standing = []
    for i in peaks:
        if np.isfinite(o[i]).all():
            x = o[i, :, 0] * facing
            y = o[i, :, 1]
            m = (x >= toe_from) & (x <= front) & (y > sole - th)
            if m.any():
                standing.append(y[m].max())
    return float((sole - np.median(standing)) / th) if len(standing) >= 2 else float("nan")


def leg_words(side: str | None, near: str | None) -> str:
    """``"right leg, near the camera"`` and the like."""
    if side is None:
        return "leg not found"
    where = "" if near is None else (", near the camera" if side == near else ", far from the camera")
    return f"{side} leg{where}"
