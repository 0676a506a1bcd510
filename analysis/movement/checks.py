"""Know what you are looking at before you measure: the gates of a movement test, and what a failure withholds.

Every movement test passes these checks (:class:`analysis.quality.Check` records, in this order), each
with a reason a person can act on (``../shared/DESIGN.md``, "Trust"):

0. ``clip``: a video lasting at least ``movement_clip_min_s``, not a photo (:func:`check_duration`). Blocking.
   ``tracking``: in a side view of an upright test, the pose model followed the legs: no knee bent backwards
   further than a knee can in more than ``movement_legs_lost_max`` of the frames (:func:`check_tracking`).
   Blocking, and ranked before the start posture, which is read from the same legs; a warning when the moving
   thigh was read from the body outline (no angle is then read from a lost knee), or when the activity check saw
   walking or running through the picture (the feet taking turns): a runner has no rest for the knee points to
   wander from, and the running is what the user must read first.
   ``found``: the pose model found the person in at least ``movement_person_found_min`` of the frames
   (:func:`check_person_found`; not for the walk test, which may cross the picture). Blocking when the
   movement was not found (it explains that failure), a warning when it was or when walking or running through
   the picture explains it.
1. ``view``: side-on (front-on for the front view of the Thomas test), from the world landmarks' body yaw.
   A hip moving in the side plane can only be measured in a side view. For the hip extension and the lunge the
   body outline can doubt a side view the pose model read (:func:`check_view_outline`); in an upright test, so
   can a face and feet that do not say which way the person faces, from which forward and back are told
   (:func:`check_view_facing`). Blocking.
2. ``whole_body``: the body parts the test needs are in the picture. Blocking.
3. ``activity``: the test's **start posture** (standing for the hip extension, half-kneeling for the
   lunge, seated for the sit-to-stand, lying for the Thomas test and the prone knee bend), and no other
   activity in its place: walking or running offered as a standing hip extension is refused with what it
   looks like. Judged with the activity gate of the standing assessment (:mod:`analysis.activity`) on the
   frames before the movement starts; its walking and running count only when the feet really take turns
   in front (:func:`feet_alternate`). Blocking.
4. ``position``: lying **face up** for the Thomas test, **face down** for the prone knee bend
   (:func:`lying_face`, which :mod:`analysis.activity` does not tell). Blocking.
5. ``leg``: which leg moved is certain (:mod:`analysis.movement.hip_extension`). A warning.
   ``hidden_knee``: a prone knee bend read from a knee the pose model marked hidden, behind the other leg
   (:func:`analysis.movement.ely.ely_test`). A warning.
   ``leg_side``: for a one-leg test, the tested leg is on the side the camera sees (:func:`check_leg_side`).
   A warning.
   ``other_leg``: a standing hip extension of both legs in turn measures the tested leg only and says what was
   left out (:func:`check_other_leg`). A warning.
   ``repeat``: the repetitions of a test done lying (Thomas test, prone knee bend) agree as one leg's do
   (:func:`check_repeat`); lying side-on, the two legs cannot be told apart, so readings further apart than one
   leg repeats may be both legs'. Blocking.
   ``person_size``: large enough in the picture (standing tests). A warning.
6. ``movement``: the test's movement happened, the expected joint going the expected way (from the
   test's result: repetitions of a thigh going back, a rise from the chair, a hug-and-hold, a knee bend,
   steps). Blocking.

A failed blocking check **withholds** every number (:func:`withhold`): no metric is presented as a result,
the advice plan gets nothing from the test, and the result says what was seen and what to do.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from analysis import geometry as geo
from analysis.activity import (SEEN_WORDS, ActivityReading, classify_activity, leg_foreshortened,
                               leg_lengths)
from analysis.movement.legs import STATED_LEG_KINDS, exchange_legs
from analysis.movement.outline_limbs import legs_off_outline
from analysis.movement.series import SIDE_IDX, SIDES, hyperextended_knees, midpoint, thigh_length
from analysis.norms import threshold
from analysis.protocols import PROTOCOLS
from analysis.quality import (Check, check_person_size, check_view, check_whole_body, mask_low_visibility, quiet,
                              region_in_frame)
from analysis.view import body_yaw, swap_proof_yaw

__all__ = ["START_POSTURE", "start_trunk_check", "trunk_from_vertical", "check_clip", "check_tracking",
           "check_activity", "check_lying_face", "check_movement", "check_view_outline", "check_view_facing",
           "unsure_facing", "check_other_leg", "check_repeat", "knee_bend_read",
           "outline_disagreement", "check_camera_level", "level_edge_reading", "scene_level_search", "lying_face",
           "feet_alternate", "withhold", "failed_blocking", "presented_metrics", "leg_name_doubt", "named_from_feet",
           "start_frames", "seat_height", "middle_frame", "shank_foreshortened", "thigh_foreshortened"]

# The activity-gate label each test starts in (analysis.activity.ACTIVITIES), the posture in a few words,
# and the start position in full.
START_POSTURE = {
    "hip_extension": ("standing", "standing", "standing on both feet, side-on, holding a support"),
    "lunge": ("kneeling", "half-kneeling", "half-kneeling: one knee down, the other foot flat in front"),
    "sit_to_stand": ("sitting", "sitting", "sitting on a chair"),
    "thomas": ("lying", "lying down", "lying on the back at the end of a table"),
    "thomas_front": ("lying", "lying down", "lying on the back at the end of a table"),
    "ely": ("lying", "lying down", "lying face down on a table"),
}
SEEN = dict(SEEN_WORDS, standing="you seem to be standing")
_GAIT = ("walking", "running")
_NOT_KNOWN = ("unclear", "none")
MIN_START_SHARE = 0.5  # engineering choice: the start posture in at least half of the start frames it can label
MAX_GAIT_SHARE = 0.25  # engineering choice: walking or running in more frames than this is not a test in place
# what the pose model sees when, in a test done lying, it followed someone upright (the helper by the table)
UPRIGHT_LABELS = ("standing", "sitting", "kneeling", "lunge", "one_leg", "squatting", "walking", "running")
FOLLOWED_HELPER = ("If someone stood by the table, the pose model may have followed them instead of the person lying "
                   "down (it follows one person): the helper kneels or crouches on the far side of the table, lower "
                   "than its top, or steps out of the picture once the position is set.")


def first_steps(kind: str, n: int = 2) -> str:
    """The first ``n`` steps of test ``kind``'s instructions for the person, as one piece of advice (sentences)."""
    return " ".join(PROTOCOLS[kind]["person"][:n])


def lying_face(world: np.ndarray | None, pixels: np.ndarray, visibility: np.ndarray) -> tuple[str | None, dict]:
    """Lying face up (``"up"``) or face down (``"down"``), None when it cannot be told.

    Two cues vote per frame: the chest's direction in the world landmarks (the body's forward axis,
    left-right line x trunk line, pointing up or down) and the face in the picture (the nose above or
    below the ears by at least 5 % of the trunk length). The majority of the frames with a vote decides;
    when the cues disagree overall, the face decides (the model's depth is weakest lying down), unless the
    world's vote is the clearer of the two (a face seen from the side, nose and ears level in most frames:
    a helper's rendered clip read face down at a face vote of -0.33 against a world vote of +0.85).

    Returns
    -------
    str or None, dict
        The reading and ``{"world": votes, "face": votes}`` (each: +1 up .. -1 down, mean over frames).
    """
    p = mask_low_visibility(np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2), visibility)
    with quiet():
        trunk = np.hypot(*(midpoint(p, "shoulder") - midpoint(p, "hip")).T)
        lift = (np.nanmean(p[:, [7, 8], 1], axis=1) - p[:, 0, 1]) / trunk  # + = nose above the ears
        face = np.where(np.abs(lift) >= 0.05, np.sign(lift), np.nan)
        f_vote = float(np.nanmean(face)) if np.isfinite(face).any() else np.nan
        w_vote = np.nan
        if world is not None:
            w = np.asarray(world, dtype=np.float64).reshape(-1, 33, 3)
            lr = (w[:, 11] - w[:, 12]) + (w[:, 23] - w[:, 24])
            up = (w[:, 11] + w[:, 12] - w[:, 23] - w[:, 24]) / 2
            fwd = np.cross(lr, up)
            n = np.linalg.norm(fwd, axis=1)
            fy = fwd[:, 1] / np.where(n > 0, n, np.nan)
            wv = np.where(np.abs(fy) >= 0.5, -np.sign(fy), np.nan)  # world y points down: fy < 0 = chest up
            w_vote = float(np.nanmean(wv)) if np.isfinite(wv).any() else np.nan
    votes = {"world": None if not np.isfinite(w_vote) else round(w_vote, 2),
             "face": None if not np.isfinite(f_vote) else round(f_vote, 2)}
    clearer_world = np.isfinite(w_vote) and np.sign(w_vote) != np.sign(f_vote) and abs(w_vote) > abs(f_vote)
    pick = f_vote if np.isfinite(f_vote) and abs(f_vote) >= 0.3 and not clearer_world else w_vote
    if not np.isfinite(pick) or abs(pick) < 0.3:
        return None, votes
    return ("up" if pick > 0 else "down"), votes


def check_lying_face(kind: str, world, pixels, visibility) -> Check:
    """Face up for the Thomas test, face down for the prone knee bend (blocking when it is the other way)."""
    want = "down" if kind == "ely" else "up"
    got, votes = lying_face(world, pixels, visibility)
    words = {"up": "lying on your back (face up)", "down": "lying face down"}
    if got is None:
        return Check("position", True, None, "", "could not tell whether you lie face up or face down",
                     checked=False)
    if got == want:
        return Check("position", True, None, "", f"you are {words[got]}")
    return Check("position", False, None, "", f"you seem to be {words[got]}, but this test is done {words[want]}",
                 f"{PROTOCOLS[kind]['person'][0]}", blocking=True)


def feet_alternate(pixels: np.ndarray, facing: int, min_apart: float = 0.5, min_changes: int = 3) -> bool:
    """Do the feet take turns in front, as in walking or running? True when the ankles' order along the
    way the body faces (or along the picture's x axis when the facing is unknown) changes at least
    ``min_changes`` times, each foot at least ``min_apart`` thigh lengths in front of the other in turn.

    A check on the activity gate's gait (:func:`analysis.activity.gait_segments`), which reads steps from
    signals that do not know which leg is which: a pose model that loses the legs for a second (both knees
    on one spot) can look like steps there; legs that really take turns change places in front."""
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    scale = thigh_length(p)
    if not np.isfinite(scale) or scale <= 0:
        return False
    d = (p[:, SIDE_IDX["left"]["ankle"], 0] - p[:, SIDE_IDX["right"]["ankle"], 0]) * (facing or 1) / scale
    state = np.where(d >= min_apart, 1, np.where(d <= -min_apart, -1, 0))
    state = state[state != 0]
    return int(np.sum(np.diff(state) != 0)) >= min_changes


def start_frames(kind: str, result: dict | None, t: np.ndarray) -> np.ndarray:
    """Frames of the start posture: before the first repetition (hip extension, sit-to-stand); a lunge's in the
    ``movement_lunge_start_window`` seconds before its first repetition, when the clip has them; else all.

    The lunge is half-kneeling throughout, but with the hips glided forward the pose model can lift the back
    knee off the floor in its depth: two held-out rendered half-kneels read as "squatting" or "a lunge or split
    stance" from their repetition frames (34 and 48 % of the frames read kneeling) were kneeling in 80 and 77 %
    of the second before it."""
    n = len(t)
    reps = (result or {}).get("repetitions") or []
    if kind == "lunge" and reps:
        first, window = (reps[0].get("phases") or {}).get("start"), threshold("movement_lunge_start_window")
        if first is not None and 0 <= first < n and t[first] - t[0] >= window:
            return np.flatnonzero((t >= t[first] - window) & (np.arange(n) <= first))
    if kind in ("hip_extension", "sit_to_stand") and reps:
        first = reps[0]
        start = (first.get("events") or {}).get("lift_off") if kind == "sit_to_stand" else \
            (first.get("phases") or {}).get("start")
        if start is not None and start >= 3:
            return np.arange(0, int(start) + 1)
    if kind == "sit_to_stand":
        return np.arange(0, max(3, n // 4))
    return np.arange(n)


def check_activity(kind: str, pixels, visibility, world, image_size, timestamps, result: dict | None = None,
                   outline=None, side_view: bool = False) -> tuple[Check, dict]:
    """The start posture and the refusal of another activity (see the module docstring).

    With ``outline`` (body outlines, (T, K, 2) pixels), the start frames of an upright test where the pose model
    drew a leg where the picture shows no body (:func:`analysis.movement.outline_limbs.legs_off_outline`) do
    not vote for the start posture: their posture is the model's, not the person's.

    Nor, with ``side_view`` (the view check passed), do the start frames of a side-view test where the pose model
    drew a lower leg shorter than ``1 / activity_thigh_shank_ratio_max`` of its thigh (:func:`shank_foreshortened`):
    in a side view the lower leg lies across the picture, standing, sitting or kneeling, and cannot look short; the
    model had put the foot up the shin (a held-out figure in wide trousers standing on both feet read "standing on
    one leg" at the start). Seen from an angle it can (a real one-leg balance filmed 50 degrees off a side view).
    Nor does any frame of such a test, for the start posture or for walking and running, where the model drew a
    thigh shorter than ``activity_thigh_short_min`` of the clip's (:func:`thigh_foreshortened`): in a side view the
    thigh cannot look short either (a held-out figure in black jeans in a dim room, its near knee folded up to the
    hip by the model in most frames, read "running" through a hip extension); nor a frame where one ankle stands
    higher than the other because its leg was drawn short (:func:`analysis.activity.leg_foreshortened`: held-out
    figures in the clinic style, standing on both feet, a knee put at the hand or an ankle up the shin, read
    "standing on one leg"); nor, for walking and running, a frame whose leg points lie off the body outline
    (:func:`analysis.movement.outline_limbs.legs_off_outline`: a black suit's far leg drawn in the air in front of
    the body read "walking").

    Start frames where neither knee nor foot was seen in the picture (:func:`analysis.quality.region_in_frame`) do
    not vote either, unless they read lying (from the trunk): standing, sitting or kneeling was the model's guess
    (a seated office worker filmed from the waist up read "standing" for four tests and "sitting" for the fifth,
    50 to 49 %). With more of them than ``movement_start_legs_unseen_max``, the check fails: what the person did
    could not be read. (A rendered person lying on the floor, the leg points placed at visibility 0.04-0.38, read
    lying in every frame.)

    Where the legs told nothing of the start posture (no start frame read, or too few of them), the trunk still
    tells lying from upright (:func:`start_trunk_check`): an upright trunk fails a test done lying, a lying trunk
    one done upright; otherwise the check is not made (``checked=False``).

    Returns
    -------
    Check
        ``activity``: blocking when the person seems to do something else (walking, running, sitting ...
        where the test needs standing, etc.); not checked (``checked=False``) without world landmarks.
    dict
        What the activity gate saw: ``label`` (whole clip), ``start`` (shares of the start frames' labels),
        ``gait_share``; when it fails for another activity, ``frame`` (a frame that shows it: the middle one of
        the start frames read so, or of the walking or running frames), and for a sit-to-stand
        ``start_hip_height`` (:func:`seat_height`).
    """
    if world is None or image_size is None:
        return Check("activity", True, None, "", "could not check what you were doing (no 3D landmarks)",
                     checked=False), {}
    t = np.asarray(timestamps, dtype=np.float64)
    reading = classify_activity(pixels, visibility, world, image_size, t if len(t) > 1 else None)
    labels = reading.frames.copy()
    det = labels != "none"
    px = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    off = legs_off_outline(outline, px, thigh_length(px)) if kind in UPRIGHT else np.zeros(len(px), bool)
    folded = thigh_foreshortened(px) | leg_foreshortened(px) if kind in UPRIGHT and side_view \
        else np.zeros(len(px), bool)
    drawn = folded | off  # the model's posture, not the person's
    labels[det & drawn] = "unclear"
    stepping = feet_alternate(np.where(drawn[:, None, None], np.nan, px), int((result or {}).get("facing") or 0))
    if not stepping and kind != "walk":  # "steps" of legs that never changed places: the model lost them
        labels[np.isin(labels, _GAIT)] = "unclear"
    gait_share = float(np.isin(labels[det], _GAIT).mean()) if det.any() else 0.0
    start = start_frames(kind, result, t)
    lab = labels[start]
    off = off[start]
    size = np.broadcast_to(np.asarray(image_size, dtype=np.float64), (len(px), 2))
    with quiet():
        regions = region_in_frame(px / size[:, None, :], visibility)
    unseen = ~(regions["knees"] | regions["feet"])[start] & (lab != "lying")  # lying is read from the trunk
    short = shank_foreshortened(px[start]) if kind in UPRIGHT and side_view else np.zeros(len(start), bool)
    lab = np.where(off | unseen | short, "unclear", lab)
    known = lab[~np.isin(lab, _NOT_KNOWN)]
    shares = {k: round(float(np.mean(known == k)), 3) for k in np.unique(known)} if known.size else {}
    seen = {"label": reading.label, "start": shares, "gait_share": round(gait_share, 3), "feet_alternate": stepping,
            "start_frames_leg_off_outline": int(off.sum()), "start_frames_legs_unseen": int(unseen.sum()),
            "start_frames_shank_foreshortened": int(short.sum()), "frames_legs_foreshortened": int(folded.sum()),
            "start_frames_read": int(known.size), "start_frames": int(len(start))}
    person = np.isfinite(px[start, 0, 0])
    unseen_share = float(unseen[person].mean()) if person.any() else 0.0
    if unseen_share > threshold("movement_start_legs_unseen_max"):
        return Check("activity", False, unseen_share, "fraction of start frames",
                     f"your knees and feet were not seen in {100 * unseen_share:.0f} % of the "
                     f"{'frames' if kind == 'walk' else 'start frames'}: what you were doing could not be read",
                     "film again with your whole body in the picture, feet included", blocking=True), seen
    if kind == "walk":
        if reading.gait:
            g = "running" if any(s.running for s in reading.gait) else "walking"
            return Check("activity", True, gait_share, "fraction of frames", f"you were {g}"), seen
        # feet that took turns in front, with one leg seen dimly in most frames: the steps were there to read, the
        # legs not (a rendered runner in a dim room, the far knee and foot at visibility 0.33-0.5, had read "standing
        # on one leg")
        legs = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)[:, [SIDE_IDX[sd][k] for sd in SIDES
                                                                          for k in ("knee", "ankle")]]
        with quiet():
            dim = float(np.mean((legs < threshold("activity_visibility_min")).any(axis=1)[det])) if det.any() else 0.0
        seen["frames_a_leg_seen_dimly"] = round(dim, 3)
        if stepping and dim > 0.5:
            return Check("activity", False, dim, "fraction of frames",
                         f"your feet took turns in front, but one leg was not seen clearly in {100 * dim:.0f} % of the "
                         "frames, so no step could be read from both legs",
                         "film again in good light, in clothes that stand out from the room, side-on, with your feet "
                         "in view", blocking=True), seen
        what = SEEN.get(reading.label, "you do not seem to be walking or running")
        return Check("activity", False, gait_share, "fraction of frames",
                     f"{what}, and no walking or running steps were found",
                     "walk or run across the picture, side-on, with your feet in view", blocking=True), seen
    want, short, words = START_POSTURE[kind]
    need = f"this test starts {words}"
    if gait_share > MAX_GAIT_SHARE and stepping:
        seen["frame"] = middle_frame(np.flatnonzero(np.isin(labels, _GAIT)))
        seen_as = reading.label if reading.label in _GAIT else "walking"
        return Check("activity", False, gait_share, "fraction of frames",
                     f"{SEEN[seen_as]}: {need}, and is done in place",
                     first_steps(kind), blocking=True), seen
    if not known.size:
        trunk = start_trunk_check(kind, px, visibility, start[person], need)
        return (trunk if trunk is not None else
                Check("activity", True, None, "", "could not tell your start posture", checked=False)), seen
    share = shares.get(want, 0.0)
    if share >= MIN_START_SHARE:
        if kind == "sit_to_stand":  # on a seat: rising from the floor, or from a squat on the toes, is not this test
            seated = start[lab == want]
            seat = seat_height(reading, seated)
            seen["start_hip_height"] = None if not np.isfinite(seat) else round(seat, 3)
            if seat < threshold("activity_seat_hip_height_min"):
                seen["frame"] = middle_frame(seated)
                return Check("activity", False, seat, "fraction of leg length",
                             f"you seem to be sitting on the floor or squatting at the start (your hips {seat:.2f} "
                             f"leg lengths above your ankles; on a chair about 0.5): {need}", first_steps(kind),
                             blocking=True), seen
        return Check("activity", True, share, "fraction of start frames", f"you started {short}"), seen
    other = max((k for k in shares if k != want), key=shares.get)
    seen["frame"] = middle_frame(start[lab == other])
    found_share = float(person.mean())
    # the few frames seen may be the movement under way, not the start posture
    if found_share < threshold("movement_start_found_min"):
        return Check("activity", False, found_share, "fraction of start frames",
                     f"the pose model found you in only {100 * found_share:.0f} % of the frames before the movement, "
                     f"so your start posture could not be read ({SEEN.get(other, SEEN['unclear'])} in those): {need}",
                     f"{film_to_be_found(kind)}; {first_steps(kind)}", blocking=True), seen
    # found, but its legs drawn where the picture shows none, folded or unseen in nearly every start frame: the few
    # left are no more the person's than those (a held pole taken for a leg read "a lunge" from one frame of 12)
    if known.size < threshold("movement_start_read_min") * person.sum():
        if (trunk := start_trunk_check(kind, px, visibility, start[person], need)) is not None:
            return trunk, seen
        return Check("activity", True, float(known.size), "start frames",
                     f"could not tell your start posture: the pose model drew your legs as the picture shows them in "
                     f"only {known.size} of the {int(person.sum())} frames before the movement "
                     f"({SEEN.get(other, SEEN['unclear'])} in those)", checked=False), seen
    advice = first_steps(kind)
    if want == "lying" and other in UPRIGHT_LABELS:  # the pose model follows one person: maybe the helper
        advice += f" {FOLLOWED_HELPER}"
    return Check("activity", False, share, "fraction of start frames",
                 f"{SEEN.get(other, SEEN['unclear'])} at the start: {need}", advice, blocking=True), seen


def start_trunk_check(kind: str, pixels: np.ndarray, visibility, frames: np.ndarray, need: str) -> Check | None:
    """Where the legs could not tell the start posture: the trunk still tells lying from upright. A failed
    ``activity`` check when the trunk (hip midpoint -> shoulder midpoint, median over ``frames``) stood upright
    (within ``activity_upright_trunk_max`` of the picture's vertical) for a test done lying, or lay (beyond
    ``activity_lying_trunk_min``) for one done upright; None otherwise (or when the trunk was not seen).

    A real running clip, its copy strongly compressed (``benchmarks/eval_real_variants.py``), had its legs unseen or
    unread in every start frame: the activity check let it pass, the position check only asked face up or down,
    and a prone knee bend was measured on it. Not for the front-view Thomas test (a body lying along the camera's
    line of sight draws its trunk upright in the picture)."""
    if kind == "thomas_front":
        return None
    v = trunk_from_vertical(np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)[frames],
                            np.asarray(visibility).reshape(-1, 33)[frames])
    lying = START_POSTURE[kind][0] == "lying"
    if lying and v <= threshold("activity_upright_trunk_max"):
        seen_as = f"your trunk was upright ({v:.0f} degrees from the vertical)"
    elif not lying and v >= threshold("activity_lying_trunk_min"):
        seen_as = f"your trunk was lying ({v:.0f} degrees from the vertical)"
    else:
        return None
    return Check("activity", False, v, "deg", f"{seen_as} at the start, your legs not seen clearly: {need}",
                 first_steps(kind), blocking=True)


def shank_foreshortened(pixels: np.ndarray) -> np.ndarray:
    """Frames where a leg's thigh looks longer than ``activity_thigh_shank_ratio_max`` times its lower leg in the
    picture (hip -> knee over knee -> ankle landmarks): in a side view a landmark error (the lower leg cannot point
    at the camera). (T,) bool; False where a leg's points are missing.

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
        Landmark pixels.
    """
    with np.errstate(invalid="ignore"):
        return np.any([thigh > threshold("activity_thigh_shank_ratio_max") * shank
                       for thigh, shank in leg_lengths(pixels)], axis=0)


def thigh_foreshortened(pixels: np.ndarray) -> np.ndarray:
    """Frames where a leg's thigh looks shorter than ``activity_thigh_short_min`` times the clip's thigh length (the
    median hip -> knee distance of both legs over the frames): in a side view a landmark error (the thigh cannot
    point at the camera; the pose model folded the knee up to the hip). (T,) bool; False where a leg's points are
    missing.

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
        Landmark pixels.
    """
    length = thigh_length(np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2))
    with np.errstate(invalid="ignore"):
        return np.any([thigh < threshold("activity_thigh_short_min") * length for thigh, _ in leg_lengths(pixels)],
                      axis=0)


def middle_frame(frames: np.ndarray) -> int | None:
    """The middle one of ``frames`` (frame numbers, in order): the frame to show for what they were read as."""
    return int(frames[len(frames) // 2]) if len(frames) else None


def seat_height(reading: ActivityReading, frames: np.ndarray) -> float:
    """How high a seated person sits: the median over ``frames`` (seated start frames) of the hips' height above
    the lower ankle (:attr:`analysis.activity.ActivityReading.hip_height`), fraction of leg length; about 0.5 on a
    chair, under 0.1 on the floor; NaN when not read."""
    h = reading.hip_height
    if h is None or not len(frames):
        return float("nan")
    with quiet():
        return float(np.nanmedian(np.asarray(h, dtype=np.float64)[frames]))


def trunk_from_vertical(pixels: np.ndarray, visibility: np.ndarray) -> float:
    """The trunk line's (hip midpoint -> shoulder midpoint) median angle from the picture's vertical over the frames
    of ``pixels`` (T, 33, 2), folded to 0..90 deg (0 upright, 90 lying); points under 0.5 visibility left out; NaN
    when the trunk was not seen."""
    p = mask_low_visibility(np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2), visibility)
    with quiet():
        inc = np.abs(geo.inclination_to_vertical(midpoint(p, "hip"), midpoint(p, "shoulder")))
        return float(np.nanmedian(np.minimum(inc, 180 - inc))) if np.isfinite(inc).any() else float("nan")


def check_position(pixels: np.ndarray, visibility: np.ndarray, position: str) -> Check:
    """Without world landmarks: is the body upright (trunk within 45 deg of vertical) or lying (within 30 deg
    of horizontal) as the test needs? Judged on the median trunk line. Blocking."""
    v = trunk_from_vertical(pixels, visibility)
    if not np.isfinite(v):
        return Check("position", False, None, "deg", "shoulders and hips were not seen",
                     "keep the whole body in the picture", checked=False, blocking=True)
    if "lying" in position:
        ok = v >= 60.0
        return Check("position", ok, v, "deg", "trunk near horizontal" if ok else "not lying",
                     "" if ok else "this test is done lying on a table", blocking=True)
    ok = v <= 45.0 or "sitting" in position or "kneeling" in position
    return Check("position", ok, v, "deg", "trunk upright" if ok else "not upright",
                 "" if ok else "this test is done upright", blocking=True)


def check_duration(timestamps) -> Check:
    """A movement test needs a video of the movement: one picture, or a clip shorter than
    ``movement_clip_min_s``, cannot show it. Blocking."""
    t = np.asarray(timestamps, dtype=np.float64).ravel()
    t = t[np.isfinite(t)]
    if t.size < 2:
        return Check("clip", False, float(t.size), "frames", "this is a single picture: a movement test needs a "
                     "video of the movement", "film the whole test as a video, from the start posture to the end "
                     "(see how to film it)", blocking=True)
    dur, least = float(t[-1] - t[0]), threshold("movement_clip_min_s")
    if dur < least:
        return Check("clip", False, dur, "s", f"the clip lasts only {dur:.1f} s, too short to show the test's movement",
                     "film the whole test, from the start posture to the end (see how to film it)", blocking=True)
    return Check("clip", True, dur, "s", f"a clip of {dur:.1f} s")


def check_person_found(pixels: np.ndarray, kind: str, result: dict | None) -> Check | None:
    """Did the pose model find the person through the clip? A test done in place keeps the person in view from
    start to end; found in fewer than ``movement_person_found_min`` of the frames, the movement may have happened
    where the model saw nobody (rendered prone knee bends in a held-out figure style: the person lying was found
    in 0-39 % of the frames, and the test said "no knee bend found"). Blocking when the movement was not found
    (that failure follows from this one), a warning when repetitions were found in the frames seen. None for
    the walk test (a walk may cross the picture) and for an empty track. In another test, a person seen walking
    or running (:func:`check_activity`) makes it a warning too (:func:`check_clip`): they crossed the picture,
    and that is the problem to read first (a rendered runner crossing the picture, found in 45 % of the frames,
    was told to film "in good light, against a plain background")."""
    p = np.asarray(pixels, dtype=np.float64)
    if kind == "walk" or not len(p):
        return None
    share = float(np.isfinite(p).all(axis=-1).any(axis=-1).mean())
    if share >= threshold("movement_person_found_min"):
        return Check("found", True, share, "fraction of frames",
                     f"the pose model found you in {100 * share:.0f} % of the frames")
    found = bool(((result or {}).get("movement") or {}).get("found"))
    return Check("found", False, share, "fraction of frames",
                 ("the pose model found no person in any frame" if share == 0 else
                  f"the pose model found you in only {100 * share:.0f} % of the frames")
                 + (": the repetitions of the rest of the clip are not counted" if found else ""),
                 film_to_be_found(kind), blocking=not found)


def film_to_be_found(kind: str) -> str:
    """What to do when the pose model did not find the person in (part of) a clip of test ``kind``."""
    lying = PROTOCOLS[kind]["position"].startswith("lying")
    return ("film in good light, against a plain background that stands out from your clothes, with your whole "
            "body in the picture all through" + (", lying side-on to the camera" if lying else "")
            # a person filmed small is not found either (a rendered figure 6 m from a 1280 x 720 camera, a third of
            # the picture's height: the pose model found nobody in any frame)
            + f", close enough to fill at least {threshold('quality_person_height_min'):.0%} of the picture's height")


UPRIGHT = ("hip_extension", "lunge", "sit_to_stand")  # side-view tests of an upright body, done in place


def check_tracking(pixels: np.ndarray, facing: int, result: dict | None = None) -> Check:
    """Did the pose model follow the legs? In a side view of an upright body, a knee bent backwards further
    than a knee can (:func:`analysis.movement.series.hyperextended_knees`) is a leg the model lost: on a rendered
    60 frames/s hip extension it lost both legs, held together in light trousers, in 26 % of the frames, read
    a standing person as in a split stance and the real peaks 7 degrees short. More than
    ``movement_legs_lost_max`` of the frames: blocking (the start posture and every thigh angle come from those
    legs).

    With ``result``: when the moving thigh was read from the body outline (``thigh_source`` ``"outline"``, the
    moving leg certain), the check fails as a warning, not blocking: no angle is read from a lost knee, and the
    start posture and the moving leg have their own checks (a held-out mannequin hip extension, the moving
    knee lost in 17 % of the frames, read 19.1 and 19.7 degrees for a true 19.2).

    Only frames with the trunk upright (within ``movement_upright_trunk_max`` of the picture's vertical) are
    judged: a knee's bend in the picture says which way it bends only for an upright body facing ``facing``
    (a prone knee bend offered as a hip extension read "the pose model lost your legs in 65 % of the frames",
    where the person lying was the problem: the activity check says so). None upright: not checked.

    It also fails, blocking, when the moving thigh's angle at rest could only be taken from knee points that
    wandered (``thigh_rest_wander_deg`` in ``result``: :func:`analysis.movement.outline_limbs.outline_thigh_angle`):
    a held-out mannequin's half-kneel whose knee points crossed between the legs through the clip read its back
    thigh 9.5 degrees for a true 25, and the same lost points read its start posture as "a lunge or split stance".
    Where that happened only in part of a clip whose thigh the outline gave, the outline's movements there that no
    repetition read (``unread_movements`` in ``result``: :func:`analysis.movement.hip_extension.unread_movements`)
    make it fail as a warning: the repetitions given are not all the person did.
    """
    r = result or {}
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    with quiet():
        trunk = np.abs(geo.inclination_to_vertical(midpoint(p, "hip"), midpoint(p, "shoulder")))
        upright = trunk <= threshold("movement_upright_trunk_max")
    share = float(hyperextended_knees(p, facing).any(axis=1)[upright].mean()) if upright.any() else 0.0
    wander = r.get("thigh_rest_wander_deg")
    if share <= threshold("movement_legs_lost_max") and wander is not None:
        return Check("tracking", False, wander, "deg",
                     f"the pose model's knee points wandered over {wander:.0f} degrees while your thigh was at rest, "
                     "and the body outline did not show the thigh's line at rest, so the thigh's angle could not be "
                     "read", "film again with the tested leg nearest the camera, in trousers that stand out from the "
                     "floor and the background, in good light", blocking=True)
    unread = r.get("unread_movements") or []
    if share <= threshold("movement_legs_lost_max") and unread:
        when = ", ".join(f"{m['from_s']:.1f}-{m['to_s']:.1f} s" for m in unread)
        return Check("tracking", False, len(unread), "movements",
                     f"the body outline showed your thigh going back at {when}, but the pose model's knee points "
                     "wandered while it was at rest there, so its angle could not be read: "
                     f"{'that movement was' if len(unread) == 1 else 'those movements were'} not measured, and the "
                     "repetitions given leave it out", "film again with the tested leg nearest the camera, in "
                     "trousers that stand out from the floor and the background, in good light", blocking=False)
    if not upright.any():
        return Check("tracking", True, None, "fraction of frames", "the trunk was not upright in any frame: the "
                     "legs' tracking was not judged", checked=False)
    if share <= threshold("movement_legs_lost_max"):
        return Check("tracking", True, share, "fraction of frames", "the pose model followed the legs")
    outline = r.get("thigh_source") == "outline" and r.get("leg_certain") is not False
    return Check("tracking", False, share, "fraction of frames",
                 f"the pose model lost your legs in {100 * share:.0f} % of the frames with your trunk upright (it "
                 "bent a knee backwards further than a knee can bend)"
                 + ("; the moving thigh was read from the body outline" if outline else ""),
                 "film again in trousers that stand out from the floor and the background, in good light, with both "
                 "legs in the picture and nothing held near them", blocking=not outline)


def check_movement(kind: str, result: dict | None) -> Check:
    """Did the test's movement happen, the expected joint going the expected way? From the test's result
    (its ``movement`` entry). Blocking."""
    if result is None:
        return Check("movement", True, None, "", "not checked", checked=False)
    mv = result.get("movement") or {}
    n = int(mv.get("repetitions") or 0)
    if mv.get("found"):
        what = "steps" if kind == "walk" else "repetitions"
        return Check("movement", True, float(n), what, mv.get("reason") or f"{n} {what} found")
    why = mv.get("reason") or "; ".join(result.get("problems") or []) or "the movement was not found in the clip"
    if (votes := unsure_facing(result)) is not None:  # read with that facing (check_view_facing): forward may be back
        why += (f" (read as facing the picture's {'right' if votes['facing'] > 0 else 'left'}, which the face and "
                "feet did not make clear)")
    return Check("movement", False, 0.0, "repetitions", why, first_steps(kind), blocking=True)


def check_clip(kind: str, pixels: np.ndarray, visibility: np.ndarray, *, timestamps=None,
               landmarks: np.ndarray | None = None, world: np.ndarray | None = None,
               image_size: np.ndarray | None = None, result: dict | None = None, legs_exchanged: bool = False,
               outline=None) -> tuple[list[Check], dict]:
    """The checks of one movement test, in the order of the module docstring.

    ``world`` is the pose model's own 3D body (the view, the face up or down). With ``legs_exchanged`` (the two
    legs of ``pixels`` carry each other's names for the whole clip: :mod:`analysis.movement.legs`), the activity
    check reads its legs exchanged the same way, so that each leg's picture and 3D points stay together.

    Returns
    -------
    list of Check, dict
        The checks (a check that could not be made has ``checked=False``) and what the activity gate saw.
    """
    pr = PROTOCOLS[kind]
    out = [] if timestamps is None else [check_duration(timestamps)]
    if (c := check_person_found(pixels, kind, result)) is not None:
        out.append(c)
    fc = int((result or {}).get("facing") or 0)
    if world is not None:
        # the labels may swap between repetitions (one leg swung, then the other): the view is read from the body's
        # left-right axis, which does not depend on them
        with quiet():
            yaw = swap_proof_yaw(body_yaw(np.asarray(world, dtype=np.float64)), fc)
        out.append(check_view_facing(check_view_outline(
            check_view(yaw, "frontal" if pr["view"] == "front" else pr["view"]), result), result))
    if landmarks is not None:
        # under the names the visibility carries: ``pixels`` and ``visibility`` have the legs' labels put right frame
        # by frame (analysis.movement.legs), the model's normalised ``landmarks`` do not
        named = np.asarray(landmarks) if image_size is None else \
            np.asarray(pixels, dtype=np.float64) / np.asarray(image_size, dtype=np.float64).reshape(-1, 1, 2)
        out.append(check_whole_body(named, np.asarray(visibility)))
    side_view = not any(c.name == "view" and not c.passed for c in out)
    if kind in UPRIGHT and fc and side_view and timestamps is not None:
        out.append(check_tracking(pixels, fc, result))
    seen = {}
    if world is not None and image_size is not None and timestamps is not None:
        legs_3d = exchange_legs(world)[0] if legs_exchanged else world
        c, seen = check_activity(kind, pixels, visibility, legs_3d, image_size, timestamps, result, outline,
                                 side_view=side_view)
        if not c.passed and seen.get("gait_share", 0.0) > MAX_GAIT_SHARE and seen.get("feet_alternate"):
            # walking or running through the picture explains a person found in part of the clip, and knee points
            # that "wandered at rest": there was no rest (a held-out pixel-art runner was told to film again)
            out = [replace(f, blocking=False) if f.name in ("found", "tracking") and not f.passed else f for f in out]
        out.append(c)
    elif kind != "thomas_front":
        out.append(check_position(pixels, visibility, pr["position"]))
    if kind in ("thomas", "thomas_front", "ely"):
        out.append(check_lying_face(kind, world, pixels, visibility))
    if result is not None and result.get("leg_certain") is False \
            and not (result.get("leg_labels") or {}).get("stated_leg"):
        out.append(Check("leg", False, None, "", "which leg moved is not certain: the pose model kept the two "
                         "knees together", "film with the moving leg nearest the camera, in clothes that show "
                         "the legs apart"))
    if result is not None and result.get("hidden_knee"):
        out.append(Check("hidden_knee", False, None, "",
                         f"the {result.get('side')} knee was hidden from the camera (behind the other leg) through "
                         "most of the bend: it was read from the body outline, with lower confidence",
                         "film with the tested leg nearest the camera"))
    if result is not None and (c := check_leg_side(kind, result)) is not None:
        out.append(c)
    if result is not None and (c := check_other_leg(result)) is not None:
        out.append(c)
    if result is not None and (c := check_repeat(kind, result)) is not None:
        out.append(c)
    if result is not None and (c := check_camera_level(result, side_view)) is not None:
        out.append(c)
    if image_size is not None and pr["position"] in ("standing", "walking"):
        p = mask_low_visibility(np.asarray(pixels, dtype=np.float64), visibility)
        out.append(check_person_size(p, np.asarray(image_size)[:, 1]))
    out.append(check_movement(kind, result))
    return out, seen


def outline_disagreement(result: dict | None) -> list[float]:
    """How far apart the body outline and the pose model's points put the moving thigh at each repetition's
    peak, in degrees (:mod:`analysis.movement.hip_extension`), when they disagree beyond
    ``movement_outline_landmark_max`` at **every** repetition, the other leg's knee point not following the
    outline either; otherwise an empty list. (Where the other name's knee point follows the outline, the model
    gave the moving knee the other leg's name or lost it: a mannequin filmed side-on whose knee points stayed
    together read 27-28 degrees apart at both peaks, the outline within 2.6 degrees of the truth.)"""
    gaps = []
    for rep in (result or {}).get("repetitions") or []:
        m = (rep.get("metrics") or {}).get("thigh_behind_vertical") or {}
        extra = m.get("extra") or {}
        g = extra.get("outline_landmark_gap_deg")
        if g is None or extra.get("outline_confirmed_by_other_knee"):
            return []
        gaps.append(abs(float(g)))
    return gaps


def check_view_outline(view: Check, result: dict | None) -> Check:
    """The view check of a hip extension or lunge, doubted by the body outline.

    Seen from an angle, the pose model can still read a side view: it lays the far shoulder and hip behind the
    near ones, and its 3D body turns side-on with them (a rendered 45-degree view read 70 degrees). Its thigh
    then does not lie where the body outline's does. When the two disagree by ``movement_view_outline_gap_min``
    or more at every one of at least ``movement_view_outline_reps`` repetitions, the other leg's knee point not
    following the outline either (:func:`outline_disagreement`; a disagreement at a single peak is a lost knee or
    mask, and that repetition alone goes unmeasured), a passed ``view`` check fails,
    with the reason. Otherwise ``view`` is returned as it is.
    """
    gaps = outline_disagreement(result)
    if not view.passed or len(gaps) < threshold("movement_view_outline_reps") \
            or min(gaps) < threshold("movement_view_outline_gap_min"):
        return view
    return Check("view", False, view.value, "deg",
                 f"the body outline and the pose model's points put the moving thigh {min(gaps):.0f}-"
                 f"{max(gaps):.0f} degrees apart at every repetition, as when the camera sees you from an angle, "
                 "though the pose model's points read a side view",
                 "stand exactly side-on, the camera square to your side at hip height, in clothes that show the "
                 "legs, against a plain background", blocking=True)


def check_view_facing(view: Check, result: dict | None) -> Check:
    """The view check of an upright test, doubted by which way the person faces.

    Forward and back in a side view are told from which way the person faces, read from the face (the nose
    ahead of the ears) and the feet (the toes ahead of the heels) frame by frame
    (:func:`analysis.view.facing_votes`, ``result["facing_votes"]``). When the frames' majority leads by less
    than ``movement_facing_margin_min`` of them (a face the pose model cannot read: a faceless figure, a face
    turned away or hidden by hair or a hood), a thigh swung back may be read as lifted forward, a back leg as
    the front one: a passed ``view`` check fails, with the reason. Otherwise ``view`` is returned as it is.
    """
    votes = unsure_facing(result)
    if not view.passed or votes is None:
        return view
    share = 100.0 / votes["frames"]
    return Check("view", False, view.value, "deg",
                 f"which way you face could not be told: your face and feet pointed to the picture's right in "
                 f"{votes['right'] * share:.0f} % of the frames and to its left in {votes['left'] * share:.0f} %, "
                 "so forward and back could not be told apart",
                 "film again side-on with your face and feet in view (hair tied back, no hood), in good light",
                 blocking=True)


def unsure_facing(result: dict | None) -> dict | None:
    """The face and feet votes that set an upright test's facing (``result["facing_votes"]``,
    :func:`analysis.view.facing_votes`) when their majority led by less than ``movement_facing_margin_min`` of the
    voting frames; None when it led by more, or the facing was stated or read otherwise."""
    votes = (result or {}).get("facing_votes")
    return votes if votes and votes["margin"] < threshold("movement_facing_margin_min") else None


def level_edge_reading(angles) -> float:
    """A level edge in the picture (the Thomas test's table top, the room's floor and wall lines) from its readings
    in several frames (:func:`vision.level.level_edge_angle`; degrees, + = rising towards the image right, NaN
    where not found).

    Returns their median when the edge was found in at least half of the frames, the readings agree within
    ``table_edge_spread_max`` (largest minus smallest of the middle half) and it lies within
    ``camera_roll_plausible_max`` of level (beyond that it is something else, not a level edge seen by a tilted
    camera); else NaN.
    """
    a = np.asarray(angles, dtype=np.float64).ravel()
    ok = a[np.isfinite(a)]
    if a.size == 0 or ok.size < 0.5 * a.size:
        return float("nan")
    lo, mid, hi = np.percentile(ok, [25, 50, 75])
    if hi - lo > threshold("table_edge_spread_max") or abs(mid) > threshold("camera_roll_plausible_max"):
        return float("nan")
    return float(mid)


def scene_level_search(pixels: np.ndarray) -> dict | None:
    """Where to look for the room's level lines (floor, wall, skirting) in one frame of a person standing or
    kneeling side-on (the keyword arguments of :func:`vision.level.level_edge_angle`): every row, edges at least
    a quarter of the body's height in the picture long, none inside the person's box (the landmarks' extent
    widened by 0.15 of its height either side, 0.2 above, 0.1 below: the body's own edges lean with its
    posture). ``pixels`` (33, 2) of the frame; None with fewer than 8 landmarks."""
    p = np.asarray(pixels, dtype=np.float64).reshape(33, 2)
    p = p[np.isfinite(p).all(axis=1)]
    if len(p) < 8:
        return None
    (x0, y0), (x1, y1) = p.min(axis=0), p.max(axis=0)
    h = y1 - y0
    if not h > 0:
        return None
    return {"rows": (-np.inf, np.inf), "min_length": 0.25 * h,
            "exclude": (x0 - 0.15 * h, y0 - 0.2 * h, x1 + 0.15 * h, y1 + 0.1 * h)}


def check_camera_level(result: dict, side_view: bool = True) -> Check | None:
    """``camera_level``, from a level edge found in the picture (``result["level"]``): the Thomas test's table top
    (:func:`analysis.movement.thomas.thomas_test`), or the room's level lines beside a person doing a hip extension
    or a lunge (:func:`scene_level_search`). A warning beyond ``quality_camera_level_max`` (the table) or
    ``movement_scene_level_max`` (the room): the Thomas test's thigh is taken against the table's edge all the
    same; a hip extension's or a lunge's thigh, against the picture's vertical, is off by about the tilt. None when
    no edge was found, and for the room's lines when the view check failed (``side_view`` False): seen from an
    angle they run in perspective (a real lab camera filming from behind read 6.6)."""
    a = (result.get("level") or {}).get("scene_edge_deg")
    if a is not None and not side_view:
        return None
    if a is not None:
        if abs(a) <= threshold("movement_scene_level_max"):
            return Check("camera_level", True, a, "deg", f"the room's level lines run {abs(a):.1f} degrees from the "
                         "picture's horizontal")
        return Check("camera_level", False, a, "deg",
                     f"the room's level lines (floor, wall) run {abs(a):.0f} degrees off level in the picture: the "
                     "camera seems tilted, and the thigh's angle, read against the picture's vertical, is off by "
                     "about as much", "set the camera level (a phone upright against something square, or a level "
                     "app), square to your side")
    a = (result.get("level") or {}).get("table_edge_deg")
    if a is None:
        return None
    if abs(a) <= threshold("quality_camera_level_max"):
        return Check("camera_level", True, a, "deg", f"the table's edge runs {abs(a):.1f} degrees from the picture's "
                     "horizontal; the thigh is read against it")
    return Check("camera_level", False, a, "deg",
                 f"the table's edge runs {abs(a):.0f} degrees off level in the picture: the camera is tilted, or not "
                 "square to the table (the thigh is read against the table's edge, not the picture's horizontal)",
                 "set the camera level and square to the side of the table")


def check_leg_side(kind: str, result: dict) -> Check | None:
    """Is the tested leg, as the pose model names it or as stated, on the side the camera sees? A warning; None
    when it cannot be judged (another test, no leg or no side found).

    The set-ups of :data:`analysis.movement.legs.STATED_LEG_KINDS` film the tested leg nearest the camera. The
    side the camera sees, ``leg_labels["near_side"]``, is found without the model's left/right labels
    (:func:`analysis.movement.run.near_side`).
    Seen from the side, the model can give the two legs each other's names for a whole clip with nothing
    in its landmarks to show it (a kneeling lunge's back leg called the front one's name): a tested leg
    named for the far side means either that, or a clip filmed from the other side. Either way the person
    is asked to say which leg was tested. A **stated** leg on the far side was filmed against the set-up: the
    model places the points of a leg it sees less well less surely (a 60 frames/s render of a Thomas test with
    the hanging leg away from the camera read its thigh 21 degrees high), so the person is asked to film from
    its side.
    """
    side = result.get("side")
    labels = result.get("leg_labels") or {}
    near = labels.get("near_side")
    if kind not in STATED_LEG_KINDS or side not in ("left", "right") or near not in ("left", "right"):
        return None
    if side == near:
        return Check("leg_side", True, None, "", f"the tested leg ({side}) is on the side the camera sees")
    if labels.get("stated_leg") or named_from_feet(kind, labels):
        how = "" if labels.get("stated_leg") else " (where the feet stood shows it, whatever the pose model's names)"
        return Check("leg_side", False, None, "",
                     f"the tested ({side}) leg was on the side away from the camera{how}, which this test films "
                     "nearest it: the pose model places a leg it sees less well less surely",
                     f"film again from the {side} side, the tested leg nearest the camera")
    return Check("leg_side", False, None, "",
                 f"the pose model names the tested leg the {side} one, but the camera sees the {near} side and this "
                 "test is filmed with the tested leg nearest the camera: the model may have given the two legs "
                 "each other's names",
                 f"say which leg was tested (Tested leg, or --leg); if it was the {side} leg, film again from its side")


def check_other_leg(result: dict) -> Check | None:
    """A warning when the other leg was tested in the same clip (``result["other_leg"]``, from
    :func:`analysis.movement.hip_extension.other_leg_repetitions`): its repetitions were left out, not given to the
    tested leg; None otherwise."""
    o = result.get("other_leg")
    if not o:
        return None
    where = "near the camera" if o["side"] == result.get("near_side") else "far from the camera"
    return Check("other_leg", False, o["repetitions"], "repetitions",
                 f"your {o['side']} leg ({where}) also swung back: {o['repetitions']} repetition(s) from "
                 f"{o['from_s']:.1f} s to {o['to_s']:.1f} s were left out, and only the {result.get('side')} leg was "
                 "measured",
                 f"to measure the {o['side']} leg, film it in a clip of its own with the {o['side']} side towards "
                 "the camera")


# per test done lying: the repetitions' readings compared, with the largest spread one leg's repetitions show
REPEAT_SPREAD = {"thomas": (("thigh_above_horizontal", "thigh angles", "thomas_repeat_thigh_spread_max"),
                            ("knee_flexion", "knee bends", "thomas_repeat_knee_spread_max")),
                 "ely": (("max_knee_flexion", "knee bends", "ely_repeat_spread_max"),)}


def check_repeat(kind: str, result: dict) -> Check | None:
    """Do the repetitions of a test done lying agree as one leg's do? Blocking; None for other tests or fewer than
    two measured repetitions.

    Lying side-on, the pose model names the legs by where they lie, and nothing in the picture tells the near leg
    from the far one (see the closing notes of issue 15): a Thomas test of both legs in turn read as two holds
    of one leg (mesh: thighs 5.5 and -9.8 degrees, knees 71 and 53, summed up as "best -9.8, within"), and so did a
    prone knee bend of both knees (capsule: 115 and 94). Readings of one leg further apart than
    :data:`REPEAT_SPREAD`'s thresholds (``norms.toml``) are not taken as that leg's. Nor is a prone knee bend after
    or before which the other knee bent on its own (``other_leg_bends``, :mod:`analysis.movement.ely`): both legs were
    tested, and the set-up's naming of a bent leg (the one nearest the camera) cannot hold for both (a cartoon's far
    leg bent to 120 degrees was read as the near leg's, whose own bend was left out). Nor, for a prone knee bend,
    when one repetition gave no reading at all (neither a value nor a lower bound, :func:`knee_bend_read`) beside
    others that did: nothing tells whether it was the same leg (a dusk render of the right knee bent to 120 then the
    left to 100 found two bends of "the right knee", the first unread, and gave the second's 98 as the right knee's).
    On five figure styles' 64 prone knee bends with two repetitions or more, one other clip had an unread one (pixel
    art, one leg: "at least 54" for a true 115, now refused)."""
    apart = result.get("other_leg_bends") or []
    reps = result.get("repetitions") or []
    if kind == "ely" and apart and reps:
        spans = sorted([(r["phases"]["start_s"], r["phases"]["end_s"]) for r in reps]
                       + [(b["from_s"], b["to_s"]) for b in apart])
        return Check("repeat", False, len(apart), "bends",
                     "both knees bent, one after the other (" + ", ".join(f"{a:.1f}-{b:.1f} s" for a, b in spans)
                     + "): lying side-on, the two legs cannot be told apart, so no bend can be named for its leg",
                     "film each leg in a clip of its own, the tested leg nearest the camera", blocking=True)
    unread = [r for r in reps if not knee_bend_read(r)] if kind == "ely" else []
    if unread and len(unread) < len(reps):
        return Check("repeat", False, len(unread), "bends",
                     f"{len(reps)} knee bends were found, but the one" + ("s" if len(unread) > 1 else "") + " at "
                     + ", ".join(f"{r['phases']['start_s']:.1f}-{r['phases']['end_s']:.1f} s" for r in unread)
                     + " could not be read at all: lying side-on, the two legs cannot be told apart, so whether "
                     "every bend was the same leg's cannot be checked, and a reading could be the other leg's",
                     "film each leg in a clip of its own, the tested leg nearest the camera, in good light",
                     blocking=True)
    compared = False
    for key, what, norm_key in REPEAT_SPREAD.get(kind, ()):
        vals = [((r.get("metrics") or {}).get(key) or {}).get("value") for r in reps]
        vals = [float(v) for v in vals if v is not None]
        if len(vals) < 2:
            continue
        compared = True
        spread, limit = max(vals) - min(vals), threshold(norm_key)
        if spread > limit:
            hold = "holds" if kind == "thomas" else "bends"
            return Check("repeat", False, round(spread, 1), "deg",
                         f"the {len(vals)} {hold} read {what} of " + ", ".join(f"{v:.0f}" for v in vals)
                         + f" degrees, {spread:.0f} apart, further than one leg's {hold} differ ({limit:g}): lying "
                         "side-on, the two legs cannot be told apart, so if both legs were tested the numbers would "
                         "mix them under one leg's name",
                         "film each leg in a clip of its own, the tested leg nearest the camera (if it was one leg "
                         "each time, hold it the same way each time)", blocking=True)
    if kind in REPEAT_SPREAD and len(reps) >= 2:
        return Check("repeat", True, None, "", "the repetitions agree as one leg's do" if compared else
                     "fewer than two repetitions gave a value: nothing to compare")
    return None


def knee_bend_read(rep: dict) -> bool:
    """Did a prone knee bend's repetition give its knee bend, as a value or as a lower bound?"""
    m = (rep.get("metrics") or {}).get("max_knee_flexion") or {}
    return m.get("value") is not None or (m.get("extra") or {}).get("at_least_deg") is not None


def named_from_feet(kind: str | None, labels: dict) -> bool:
    """Was a hip extension's tested leg named from where the feet stood at the peaks, not from the pose model's
    names (``leg_labels["exchanged_for_depth"]``, :func:`analysis.movement.legs.standing_foot_depth`)? Such a name
    is not put in doubt by the ``leg_side`` warning: named for the far side, it was read there because both readings
    put the standing foot where the nearer foot stood at rest, which on the renders of four figure styles 25 of 30
    far-leg clips and none of 88 near-leg ones did (``standing_foot_depth_far_max``); named for the near side, the
    warning does not arise. A lunge's name read from where its back knee rests stays in doubt (a held-out render in
    loose clothes read its near back knee higher than the front heel)."""
    return kind == "hip_extension" and bool(labels.get("exchanged_for_depth"))


def leg_name_doubt(result: dict) -> str | None:
    """Why the name the result gives the tested leg is in doubt, or None: a failed ``leg`` check (which leg
    moved is not certain) or, where the name is the pose model's (not stated, not read from where a hip
    extension's feet stood: :func:`named_from_feet`), a failed ``leg_side`` check (the model named the tested
    leg for the side the camera does not see, which its set-up films nearest it: either the model gave the two
    legs each other's names, or the clip was filmed from the other side). The numbers still belong to the leg
    that moved; only its name is in doubt, so the advice plan takes no side from them
    (:func:`analysis.causation.normalize_findings`)."""
    labels = result.get("leg_labels") or {}
    named_by_model = not (labels.get("stated_leg") or named_from_feet(result.get("kind"), labels))
    for c in result.get("checks") or []:
        if not c.get("passed") and (c.get("name") == "leg" or (c.get("name") == "leg_side" and named_by_model)):
            return c["reason"]
    return None


def presented_metrics(result: dict) -> list[dict]:
    """Every Metric dict a result presents (in its repetitions, steps, summary and metrics)."""
    out: list[dict] = []

    def walk(v) -> None:
        if isinstance(v, dict):
            if "key" in v and "value" in v and "unit" in v:
                out.append(v)
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk({k: result.get(k) for k in ("repetitions", "steps", "summary", "metrics")})
    return out


def failed_blocking(checks: list[dict]) -> list[dict]:
    """The checks (dicts) that failed and block the numbers."""
    return [c for c in checks if c.get("blocking") and not c.get("passed")]


# What a withheld result keeps of each repetition or step: where and when, never a value.
_KEEP = ("repetition", "step", "side", "near", "frame", "time_s", "phases", "events", "excluded")


def withhold(result: dict, failed: list[dict]) -> dict:
    """Remove every number a failed blocking check makes untrustworthy from a test's result, in place.

    Repetitions and steps keep only where and when they were (no metrics, flags or curves), the summary
    and the curves go, and ``withheld`` says why: ``{"reason": ..., "checks": [names]}``.
    """
    reason = "; ".join(c["reason"] for c in failed)
    for key in ("repetitions", "steps"):
        if result.get(key):
            result[key] = [{k: v for k, v in r.items() if k in _KEEP} for r in result[key]]
    for key in ("summary", "metrics"):
        if key in result:
            result[key] = {}
    for key in ("curve", "phases"):
        result.pop(key, None)
    result["measured"] = False
    result["withheld"] = {"reason": "not measured: " + reason, "checks": [c["name"] for c in failed]}
    return result
