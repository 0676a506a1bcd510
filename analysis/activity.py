"""What the person is doing, judged from the body itself: the activity gate.

Before a standing number is given, the person must be standing quietly on both feet; before a movement
test is read, the person must be in the test's start posture and then do its movement. This module
tells apart, per frame and over a clip:

``standing`` (upright, hips and knees nearly straight, both feet at floor level, feet close together),
``sitting`` (on a chair or on the floor: thighs near horizontal under an upright trunk), ``kneeling``
(one or both knees on the floor, the trunk upright), ``all_fours`` (on hands and knees: the trunk near
horizontal over thighs hanging down to bent knees on the floor), ``lunge`` (split stance: feet far apart front
to back, both down), ``one_leg`` (one foot held off the floor while the other leg stands straight),
``squatting`` (hips and knees deeply bent, feet down), ``bending`` (the trunk tipped forward over the legs),
``lying`` (the trunk near horizontal), ``walking`` and ``running`` (the legs take turns in front, found over time), and
``unclear`` (in between, or the parts needed are not seen).

Everything is read from MediaPipe's **world landmarks** (metres, x to the image right, y down, z away from
the camera, origin at the hip midpoint), whose 3D joint angles hold in any view (a thigh pointing at the
camera is short in the picture but not in the world landmarks). Which parts are in the picture comes from
the normalised image landmarks and visibility: a part that is out of the picture or unseen is not used
(MediaPipe still guesses its position), so a photo cropped at the knees is judged on its trunk and thighs.
Motion is measured against the person's own size (leg length) and from the limbs' movement relative to
the pelvis, so a camera that follows a runner does not hide the running.

Thresholds are engineering choices in ``analysis/data/norms.toml`` (keys ``activity_*``), chosen from
the body's geometry (e.g. a thigh more than 55 degrees from vertical is closer to sitting than standing)
and checked on rendered figures in every activity and on the real clips and photos of ``../shared/data``.
Angles are degrees; lengths are fractions of the person's leg length (hip to ankle).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from analysis.balance import facing_direction, mass_ahead_of_heels
from analysis.filtering import frame_interval, true_runs
from analysis.norms import threshold

ACTIVITIES = ("standing", "sitting", "kneeling", "all_fours", "lunge", "one_leg", "squatting", "bending", "lying",
              "walking", "running", "unclear")

# MediaPipe indices
L_SH, R_SH, L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANK, R_ANK = 11, 12, 23, 24, 25, 26, 27, 28
L_HEEL, R_HEEL, L_TOE, R_TOE = 29, 30, 31, 32
LEGS = {"left": (L_HIP, L_KNEE, L_ANK, L_HEEL, L_TOE), "right": (R_HIP, R_KNEE, R_ANK, R_HEEL, R_TOE)}

# What to tell a person the gate found them doing, and how to get to quiet standing.
SEEN_WORDS = {
    "sitting": "you seem to be sitting",
    "kneeling": "you seem to be kneeling",
    "all_fours": "you seem to be on your hands and knees",
    "lunge": "you seem to be in a lunge or split stance (one foot far in front of the other)",
    "one_leg": "you seem to be standing on one leg",
    "squatting": "you seem to be squatting (hips and knees deeply bent)",
    "bending": "you seem to be bending forward",
    "lying": "you seem to be lying down",
    "walking": "you seem to be walking",
    "running": "you seem to be running",
    "unclear": "you do not seem to be standing upright and still",
}
TO_STANDING = ("stand up straight and still on both feet, feet hip-width apart, arms relaxed by your sides, "
               "for a few seconds while the camera records")


@dataclass
class PostureFeatures:
    """Per-frame body geometry used by the activity gate (NaN where the parts are not seen).

    Attributes
    ----------
    trunk_from_vertical : ndarray (T,)
        Angle of the line hip midpoint -> shoulder midpoint from straight up, degrees (0 = upright,
        90 = horizontal).
    thigh_from_vertical, shank_from_vertical : ndarray (T, 2)
        Angle of hip -> knee and knee -> ankle from straight down, degrees, columns (left, right).
    knee_flexion : ndarray (T, 2)
        180 minus the hip-knee-ankle angle, degrees, 0 = straight.
    hip_flexion : ndarray (T, 2)
        Angle between the trunk line continued downwards and the thigh, degrees, + = thigh in front of
        the trunk line (flexion), - = behind it (extension); the sign follows the person's facing.
    foot_lift : ndarray (T, 2)
        Height of each ankle above the lower ankle, fraction of leg length.
    knee_drop : ndarray (T, 2)
        Height of each knee above the lower ankle, fraction of leg length (about 0.5 standing, near 0
        when the knee is on the floor).
    stride : ndarray (T,)
        Left ankle minus right ankle along the person's facing direction, fraction of leg length
        (+ = left foot in front).
    hip_drop : ndarray (T,)
        Height of the hip midpoint above the lower ankle, fraction of leg length (about 1 standing).
    feet_ahead : ndarray (T,)
        Ankle midpoint in front of the hip midpoint along the facing direction, fraction of leg length
        (about 0 standing or squatting, about 0.5 on a chair, about 1 sitting on the floor legs out).
    leg_length : float
        Median hip -> knee -> ankle length over the frames, metres (world units).
    leg_image_angle : ndarray (T, 2, 2)
        In the picture: angle of each thigh (``[:, j, 0]``) and shank (``[:, j, 1]``) from the trunk line
        continued downwards (shoulder midpoint to hip midpoint; the image's downward direction when the
        trunk is not seen), degrees (columns j = left, right). A standing person's leg segments hang
        within a few degrees of it in any view and with a rolled camera; sitting, lunging or raising a
        knee tips them.
    thigh_shank_ratio : ndarray (T, 2)
        Thigh length over shank length in the picture (about 1.0-1.25 standing in any view, also from a
        high camera; under 0.65 when the thigh points at or away from the camera, as when sitting facing
        it; over 1.45 when the shank does, as when kneeling or with a leg swung back).
    ankle_rise_image : ndarray (T, 2)
        How much higher in the picture each ankle is than the lower one, in trunk lengths.
    ankle_rise_along_trunk : ndarray (T, 2)
        The same along the trunk's line in the picture (shoulders to hips continued down), so that a rolled camera
        does not raise one foot of two standing side by side. Above the lower *seen* ankle, and given also for an
        ankle under the visibility bar whose knee is seen (facing the camera, a foot behind the body is hidden by
        the leg in front while the pose model places it where it is).
    feet_hidden : ndarray (T,) of bool
        Both ankles lie inside the picture but neither is seen while a knee is (feet tucked behind the
        body, as when kneeling facing the camera).
    leg_hidden : ndarray (T,) of bool
        Facing the camera or away from it (``facing_camera`` at least ``activity_front_view_min``), both knees and
        both ankles lie inside the picture but a leg's hip, knee or ankle is not seen (a leg hidden behind the
        other or behind the body, as when half-kneeling or sitting seen from the front or the back).
    mass_ahead : ndarray (T,)
        The body's mass centre in front of the heels along the facing direction, fraction of leg length
        (:func:`analysis.balance.mass_ahead_of_heels`); NaN in front views, or where a hip, a shoulder or a
        foot is not seen.
    facing_camera : ndarray (T,)
        How squarely the person faces towards or away from the camera: the cosine of the angle between their
        facing direction (:func:`analysis.balance.facing_direction`) and the camera's axis (1 = front or back view,
        0 = side view); NaN where the shoulders and hips are not known.
    """

    trunk_from_vertical: np.ndarray
    thigh_from_vertical: np.ndarray
    shank_from_vertical: np.ndarray
    knee_flexion: np.ndarray
    hip_flexion: np.ndarray
    foot_lift: np.ndarray
    knee_drop: np.ndarray
    stride: np.ndarray
    hip_drop: np.ndarray
    feet_ahead: np.ndarray
    leg_length: float
    leg_image_angle: np.ndarray | None = None
    thigh_shank_ratio: np.ndarray | None = None
    ankle_rise_image: np.ndarray | None = None
    feet_hidden: np.ndarray | None = None
    leg_hidden: np.ndarray | None = None
    mass_ahead: np.ndarray | None = None
    facing_camera: np.ndarray | None = None
    ankle_rise_along_trunk: np.ndarray | None = None


def _angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Angle between vectors along the last axis, degrees."""
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.sum(u * v, -1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(c, -1.0, 1.0)))


def seen_mask(landmarks_norm: np.ndarray, visibility: np.ndarray, min_visibility: float | None = None) -> np.ndarray:
    """Which landmarks are in the picture and seen, per frame: (T, 33) bool.

    Parameters
    ----------
    landmarks_norm : ndarray (T, 33, 2+)
        Normalised image coordinates (0..1 inside the frame), NaN in gap frames.
    visibility : ndarray (T, 33)
    min_visibility : float, optional
        Default ``activity_visibility_min`` from the norms file.
    """
    thr = threshold("activity_visibility_min") if min_visibility is None else min_visibility
    with np.errstate(invalid="ignore"):
        return in_frame_mask(landmarks_norm) & (np.asarray(visibility, dtype=np.float64) >= thr)


def in_frame_mask(landmarks_norm: np.ndarray) -> np.ndarray:
    """Which landmarks lie inside the picture (normalised coordinates within 0..1, 2 % slack): (T, 33) bool."""
    xy = np.asarray(landmarks_norm, dtype=np.float64)[..., :2]
    with np.errstate(invalid="ignore"):
        return np.all((xy >= -0.02) & (xy <= 1.02), axis=-1)


def thighs_leaving_the_picture(landmarks_norm: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """``seen`` with each knee added where its thigh visibly runs out of the bottom of the picture.

    A photo cropped at the thigh still shows which way the thigh goes: when the hip is seen inside the
    picture and the model places the knee below its bottom edge, with at least
    ``activity_cropped_thigh_min`` of the hip-to-knee length inside the picture, that knee's predicted
    position gives the thigh's direction (a sitting person's thigh runs sideways, not out of the bottom).
    Ankles stay unseen, so nothing that needs the shank is judged.
    """
    xy = np.asarray(landmarks_norm, dtype=np.float64)
    out = np.array(seen, dtype=bool, copy=True)
    need = threshold("activity_cropped_thigh_min")
    with np.errstate(invalid="ignore", divide="ignore"):
        for h, k in ((L_HIP, L_KNEE), (R_HIP, R_KNEE)):
            y_hip, y_knee = xy[:, h, 1], xy[:, k, 1]
            inside_share = (1.0 - y_hip) / (y_knee - y_hip)
            out[:, k] |= seen[:, h] & (y_knee > 1.02) & (inside_share >= need)
    return out


def posture_features(world: np.ndarray, seen: np.ndarray | None = None,
                     pixels: np.ndarray | None = None, in_frame: np.ndarray | None = None) -> PostureFeatures:
    """Body geometry per frame from world landmarks (see :class:`PostureFeatures`).

    Parameters
    ----------
    world : ndarray (T, 33, 3)
        MediaPipe world landmarks, metres, y down.
    seen : ndarray (T, 33) of bool, optional
        Which landmarks are in the picture and seen (:func:`seen_mask`); features that need an unseen
        landmark are NaN. Default: all seen.
    pixels : ndarray (T, 33, 2), optional
        Image landmarks. When given, knee and hip flexion are the mean of the world-landmark (3D) angle
        and the picture's (2D) angle: the 3D angle holds in any view but MediaPipe's depth is noisy
        (a straight leg can read 35 degrees), the 2D angle is exact in the picture's plane but shrinks
        when the limb points at the camera; where both show a bend, both are large. The picture-plane
        features (:func:`image_leg_features`) are filled too.
    in_frame : ndarray (T, 33) of bool, optional
        Which landmarks lie inside the picture (seen or not), for ``feet_hidden``.
    """
    w = np.asarray(world, dtype=np.float64).reshape(-1, 33, 3)
    T = len(w)
    s = np.ones((T, 33), bool) if seen is None else np.asarray(seen, bool).reshape(T, 33)
    p = w.copy()
    p[~s] = np.nan
    up = np.array([0.0, -1.0, 0.0])
    down = -up
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sh = np.nanmean(p[:, [L_SH, R_SH]], axis=1)
        hip = np.nanmean(p[:, [L_HIP, R_HIP]], axis=1)
        # the trunk needs both its ends; one shoulder or hip of a pair is enough (side views hide the other)
        trunk = sh - hip
        trunk_v = _angle(trunk, up)
        fwd = facing_direction(w)
        legs = {}
        lengths = []
        for j, (side, (h, k, a, _, _)) in enumerate(LEGS.items()):
            thigh = p[:, k] - p[:, h]
            shank = p[:, a] - p[:, k]
            legs[side] = (thigh, shank)
            lengths.append(np.linalg.norm(w[:, k] - w[:, h], axis=1) + np.linalg.norm(w[:, a] - w[:, k], axis=1))
        leg_len = float(np.nanmedian(np.concatenate(lengths))) if np.isfinite(np.concatenate(lengths)).any() else np.nan
        if not leg_len > 0:
            leg_len = np.nan
        thigh_v = np.stack([_angle(legs[sd][0], down) for sd in LEGS], axis=1)
        shank_v = np.stack([_angle(legs[sd][1], down) for sd in LEGS], axis=1)
        knee = np.stack([_angle(legs[sd][0], legs[sd][1]) for sd in LEGS], axis=1)
        # signed sagittal hip flexion: thigh direction minus the trunk line continued downwards, both
        # measured in the plane of the vertical and the facing direction (+ = forward)
        def sagittal(v: np.ndarray) -> np.ndarray:
            return np.degrees(np.arctan2(np.sum(v * fwd, axis=1), np.sum(v * down, axis=1)))

        trunk_down = sagittal(-trunk)
        hipf = [(sagittal(legs[sd][0]) - trunk_down + 180.0) % 360.0 - 180.0 for sd in LEGS]
        hipf = np.stack(hipf, axis=1)
        if pixels is not None:
            q = np.asarray(pixels, dtype=np.float64).reshape(T, 33, 2).copy()
            q[~s] = np.nan
            sh2 = np.nanmean(q[:, [L_SH, R_SH]], axis=1)
            for j, (h, k, a, _, _) in enumerate(LEGS.values()):
                k2 = _angle(q[:, h] - q[:, k], q[:, a] - q[:, k])
                knee[:, j] = np.where(np.isfinite(k2), (knee[:, j] + (180.0 - k2)) / 2.0, knee[:, j])
                h2 = 180.0 - _angle(sh2 - q[:, h], q[:, k] - q[:, h])
                hipf[:, j] = np.where(np.isfinite(h2), np.sign(hipf[:, j]) * (np.abs(hipf[:, j]) + h2) / 2.0, hipf[:, j])
        ank_y = p[:, [L_ANK, R_ANK], 1]  # y down: larger = lower
        low = np.nanmax(ank_y, axis=1)
        foot_lift = (low[:, None] - ank_y) / leg_len
        knee_drop = (low[:, None] - p[:, [L_KNEE, R_KNEE], 1]) / leg_len
        hip_drop = (low - hip[:, 1]) / leg_len
        stride = np.sum((p[:, L_ANK] - p[:, R_ANK]) * fwd, axis=1) / leg_len
        feet_ahead = np.sum((np.nanmean(p[:, [L_ANK, R_ANK]], axis=1) - hip) * fwd, axis=1) / leg_len
        # the feet seen, and below the knees (a seated person's feet hidden under a desk were placed above them)
        feet_down = (np.nanmean(w[:, [L_ANK, R_ANK], 1], axis=1) - np.nanmean(w[:, [L_KNEE, R_KNEE], 1], axis=1)
                     >= threshold("balance_feet_below_knees_min") * leg_len)
        body_seen = (s[:, [L_HIP, R_HIP]].any(1) & s[:, [L_SH, R_SH]].any(1)
                     & s[:, [L_ANK, R_ANK, L_HEEL, R_HEEL]].any(1))
        mass_ahead = np.where(body_seen & feet_down, mass_ahead_of_heels(w, leg_len), np.nan)
    out = PostureFeatures(trunk_v, thigh_v, shank_v, knee, hipf, foot_lift, knee_drop, stride, hip_drop, feet_ahead,
                          leg_len, mass_ahead=mass_ahead, facing_camera=np.abs(fwd[:, 2]))
    if pixels is not None:
        image_leg_features(out, np.asarray(pixels, dtype=np.float64).reshape(T, 33, 2), s, in_frame)
    return out


def image_leg_features(f: PostureFeatures, pixels: np.ndarray, seen: np.ndarray,
                       in_frame: np.ndarray | None = None) -> None:
    """Fill the picture-plane leg features of ``f`` (see :class:`PostureFeatures`) from image landmarks.

    ``seen`` (T, 33) marks the landmarks used; ``in_frame`` (T, 33), when given, those inside the picture
    (for ``feet_hidden``; default: the seen ones).
    """
    T = len(pixels)
    q = pixels.copy()
    q[~seen] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        axis = np.nanmean(q[:, [L_HIP, R_HIP]], axis=1) - np.nanmean(q[:, [L_SH, R_SH]], axis=1)
        trunk = np.linalg.norm(axis, axis=1)
        trunk[~(trunk > 0)] = np.nan
        # "down" is along the trunk (shoulders to hips), so a rolled camera turns legs and reference together
        down = np.where(np.isfinite(trunk)[:, None], axis / trunk[:, None], [0.0, 1.0])
        ang = np.full((T, 2, 2), np.nan)
        ratio = np.full((T, 2), np.nan)
        for j, (h, k, a, _, _) in enumerate(LEGS.values()):
            thigh, shank = q[:, k] - q[:, h], q[:, a] - q[:, k]
            ang[:, j, 0], ang[:, j, 1] = _angle(thigh, down), _angle(shank, down)
            ratio[:, j] = np.linalg.norm(thigh, axis=1) / np.linalg.norm(shank, axis=1)
        ank_y = q[:, [L_ANK, R_ANK], 1]
        rise = (np.nanmax(ank_y, axis=1)[:, None] - ank_y) / trunk[:, None]
        # how far down the trunk's line each ankle lies: the seen ones, and also those the model places in the
        # picture under the visibility bar while their knee is seen (a foot behind the body, as when half-kneeling or
        # mid-stride seen from the front); those never serve as the lower foot
        inside = seen if in_frame is None else in_frame
        placed = pixels[:, [L_ANK, R_ANK]].copy()
        placed[~(inside[:, [L_ANK, R_ANK]] & seen[:, [L_KNEE, R_KNEE]])] = np.nan
        along = np.einsum("tjd,td->tj", placed, down)
        lowest_seen = np.nanmax(np.where(seen[:, [L_ANK, R_ANK]], along, np.nan), axis=1)
        rise_trunk = (lowest_seen[:, None] - along) / trunk[:, None]
    knees_seen = seen[:, [L_KNEE, R_KNEE]].any(axis=1)
    f.leg_image_angle, f.thigh_shank_ratio, f.ankle_rise_image = ang, ratio, rise
    f.ankle_rise_along_trunk = rise_trunk
    f.feet_hidden = inside[:, [L_ANK, R_ANK]].all(axis=1) & ~seen[:, [L_ANK, R_ANK]].any(axis=1) & knees_seen
    with np.errstate(invalid="ignore"):
        front_on = np.zeros(T, bool) if f.facing_camera is None else f.facing_camera >= threshold(
            "activity_front_view_min")
    f.leg_hidden = front_on & inside[:, [L_KNEE, R_KNEE, L_ANK, R_ANK]].all(axis=1) \
        & ~seen[:, [L_HIP, L_KNEE, L_ANK, R_HIP, R_KNEE, R_ANK]].all(axis=1)


def image_label(f: PostureFeatures, i: int) -> str | None:
    """What the legs *in the picture* show in frame ``i`` when that is not standing, else None.

    MediaPipe's depth is weakest when limbs point at the camera (sitting or kneeling facing it, a knee
    raised towards it), exactly where the picture is clearest: a standing person's thighs and shanks hang
    within ``activity_leg_image_angle_max`` of the trunk line continued downwards, each thigh about as long
    as its shank (``activity_thigh_shank_ratio_min``..``_max``), and the feet show when they are in the
    picture. Both thighs short or both tipped out -> ``sitting``; both shanks short -> ``kneeling``; one
    thigh short or tipped -> ``one_leg`` when its ankle is raised (``activity_image_ankle_rise_min`` trunk
    lengths), else ``lunge``; one shank short -> ``lunge`` (a step or a leg swung back); feet hidden ->
    ``unclear``. Angles are taken from the trunk line, so a rolled camera does not tip the legs. Needs
    :func:`image_leg_features`.

    Facing the camera or away from it (``facing_camera`` at least ``activity_front_view_min``), the feet stand side
    by side at one depth, so one ankle higher than the other along the trunk's line by
    ``activity_front_ankle_rise_min`` trunk lengths is off the floor -> ``one_leg``: seen from the front, a knee
    raised towards the camera or a foot lifted behind keeps the legs' lengths and angles in the picture
    standing-like, and stills of standing on one leg, walking and half-kneeling in ten figure styles were read
    standing (their raised ankles 0.18-0.39; rendered standing facing the camera at most 0.03, real 0.08). A raised
    ankle under the visibility bar is a foot behind the body, hidden by the leg in front (a runner mid-stride, the
    back knee of a half-kneeling person: 0.56-0.87) -> ``lunge``. Seen so, a standing person's legs both show: a leg
    in the picture but not seen (``leg_hidden``) -> ``unclear`` (stills facing away from the camera in ten figure
    styles: 12 of 15 half-kneeling, 6 of 7 on one leg and 12 of 29 sitting on a chair read standing hid a leg;
    none of 79 standing stills did, nor any of 110 real front and back frames of standing).
    """
    if f.leg_image_angle is None:
        return None
    ang, ratio, rise = f.leg_image_angle[i], f.thigh_shank_ratio[i], f.ankle_rise_image[i]
    if f.facing_camera is not None and f.facing_camera[i] >= threshold("activity_front_view_min") \
            and np.nanmax(f.ankle_rise_along_trunk[i], initial=0.0) >= threshold("activity_front_ankle_rise_min"):
        # a raised ankle under the visibility bar is a foot behind the body (half-kneeling, mid-stride)
        return "one_leg" if np.isfinite(f.ankle_rise_image[i, np.nanargmax(f.ankle_rise_along_trunk[i])]) else "lunge"
    tip = threshold("activity_leg_image_angle_max")
    with np.errstate(invalid="ignore"):
        short = ratio < threshold("activity_thigh_shank_ratio_min")
        long_ = ratio > threshold("activity_thigh_shank_ratio_max")
        thigh_tipped = ang[:, 0] > tip
        raised = rise > threshold("activity_image_ankle_rise_min")
    both_seen = np.isfinite(ratio).all()
    if both_seen and (short.all() or thigh_tipped.all()):
        return "sitting"
    if both_seen and long_.all():
        return "kneeling"
    if (short | thigh_tipped).any():
        j = int(np.argmax(short | thigh_tipped))
        return "one_leg" if raised[j] else "lunge"
    if long_.any():
        return "lunge"
    if f.feet_hidden is not None and (f.feet_hidden[i] or f.leg_hidden[i]):
        return "unclear"
    return None


def feet_level_in_picture(f: PostureFeatures, i: int) -> bool:
    """Whether the picture shows the foot the world landmarks lift in frame ``i`` level with the other: its ankle less
    than ``activity_one_leg_image_rise_min`` trunk lengths higher in the picture. A foot held off the floor rises in
    the picture from any camera; the pose model's 3D points can lift a whole leg that the picture shows standing (a
    held-out rendered still, clinic style: the right leg 0.16 m higher in 3D, its ankle 0.05 trunk lengths higher in
    the picture, read "standing on one leg"). False where the picture's ankles are not known (then the 3D lift
    stands). Needs :func:`image_leg_features`."""
    if f.ankle_rise_image is None or not np.isfinite(f.foot_lift[i]).any():
        return False
    rise = f.ankle_rise_image[i, int(np.nanargmax(f.foot_lift[i]))]
    return bool(np.isfinite(rise) and rise < threshold("activity_one_leg_image_rise_min"))


def hips_low(f: PostureFeatures) -> np.ndarray:
    """Frames with the hips low, as when sitting or squatting: a seen thigh at least ``activity_sitting_thigh_min``
    from hanging straight down, or the hips less than ``activity_sitting_hip_height_max`` leg lengths above the
    lower ankle. (T,) bool; False where neither is seen."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return (np.nanmin(f.thigh_from_vertical, axis=1) >= threshold("activity_sitting_thigh_min")) \
            | (f.hip_drop < threshold("activity_sitting_hip_height_max"))


def frame_activity(f: PostureFeatures) -> np.ndarray:
    """The activity each frame's posture shows, from its features alone (no motion): one of
    :data:`ACTIVITIES` except ``walking``/``running`` (which need time, see :func:`classify_activity`).

    Rules, in order (thresholds ``activity_*`` in the norms file): trunk near horizontal -> ``lying``
    (or ``all_fours`` when a thigh hangs under it to a knee down at floor level and bent, as on hands and
    knees, else ``bending`` when the thighs hang under it); a knee down at floor level and bent ->
    ``kneeling``; hips low with the thighs near horizontal -> ``sitting`` (``squatting`` when the knees are
    bent deeply under the body with the feet down); the trunk tipped forward -> ``bending``; one foot well
    off the floor -> ``one_leg``; feet far apart front to back -> ``lunge``; hips and knees deeply bent ->
    ``squatting``; upright with hips and knees nearly straight -> ``standing`` unless the legs in the
    picture contradict it (:func:`image_label`); anything else, or too little seen to tell, -> ``unclear``.
    """
    T = len(f.trunk_from_vertical)
    out = np.full(T, "unclear", dtype=object)
    lying_trunk = threshold("activity_lying_trunk_min")
    upright = threshold("activity_upright_trunk_max")
    straight_knee = threshold("activity_straight_knee_max")
    straight_hip = threshold("activity_straight_hip_max")
    kneel_h = threshold("activity_kneeling_knee_height_max")
    lift_min = threshold("activity_foot_lift_min")
    split = threshold("activity_split_stride_min")
    squat_knee = threshold("activity_squat_knee_min")
    low = hips_low(f)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for i in range(T):
            tr = f.trunk_from_vertical[i]
            if not np.isfinite(tr):
                continue
            thigh = f.thigh_from_vertical[i]
            knee = f.knee_flexion[i]
            hip = np.abs(f.hip_flexion[i])
            lift = f.foot_lift[i]
            kneeh = f.knee_drop[i]
            hiph = f.hip_drop[i]
            legs_down = np.isfinite(thigh)
            if tr >= lying_trunk:  # thighs hanging under the hips: bending over, or on hands and knees
                hanging = legs_down & (thigh < 90.0 - lying_trunk / 2)
                if np.any(hanging & (kneeh < kneel_h) & (knee > 45.0)):  # a knee down (the other leg may kick)
                    out[i] = "all_fours"
                else:
                    out[i] = "bending" if legs_down.any() and hanging[legs_down].all() else "lying"
            elif np.any((kneeh < kneel_h) & (knee > 45.0)):
                out[i] = "kneeling"
            elif low[i]:
                # squatting: knees bent past a chair's right angle, or bent over feet that stay under the
                # hips (a chair keeps them about half a leg ahead); on the floor the hips sit lower still
                bent = np.nanmin(knee) if np.isfinite(knee).any() else np.nan  # side views hide the far knee
                under = abs(f.feet_ahead[i]) < threshold("activity_squat_feet_ahead_max")
                squat = bent >= threshold("activity_squat_deep_knee_min") or (bent >= squat_knee and under)
                out[i] = "squatting" if squat and hiph > 0.25 else "sitting"
            elif tr > upright:
                out[i] = "bending"
            elif np.nanmax(lift) >= lift_min and not feet_level_in_picture(f, i):
                out[i] = "one_leg"
            elif abs(f.stride[i]) >= split:
                out[i] = "lunge"
            elif np.isfinite(knee).any() and np.nanmin(knee) >= squat_knee and np.nanmin(hip) >= straight_hip:
                out[i] = "squatting"
            elif np.isfinite(hip).any() and np.nanmax(hip) <= straight_hip and not np.nanmax(knee) > straight_knee:
                out[i] = image_label(f, i) or "standing"
            elif np.isfinite(knee).any() and np.nanmax(knee) > straight_knee:
                out[i] = "squatting" if np.nanmin(knee) > straight_knee else "unclear"
    return out


def seated_or_squatting(labels: np.ndarray, f: PostureFeatures, timestamps: np.ndarray | None = None) -> np.ndarray:
    """``labels`` (from :func:`frame_activity` on the features ``f``) with sitting and squatting told apart again,
    over each run of frames read either, by whether the body held itself up over its feet: its mass stayed over
    the feet and the trunk leant forward throughout, as a person with nothing under them must (with the hips
    behind the feet, only a forward trunk keeps the mass over them). A seated person has the mass behind the heels,
    or sits upright for a while. The knee rules of :func:`frame_activity` cannot tell a person sitting with the
    feet drawn back under the chair (knees bent past 110 degrees) from a squat.

    A run holds itself up when its 25th percentile of ``f.mass_ahead`` (leg lengths in front of the heels) lies
    less than ``activity_seated_mass_behind_min`` behind the heels and its 25th percentile of
    ``f.trunk_from_vertical`` reaches ``activity_squat_trunk_lean_min``: the quarter of the run sat furthest back
    and most upright, so the moments of leaning forward to rise from a chair do not count, nor, in a squat, the
    moments of going down and coming up (the frames read sitting there, with the mass moving behind the heels for
    a moment). An upright trunk also holds itself up when the run's lowest quarter of ``f.hip_drop`` lies lower
    than any seat (``activity_seat_hip_height_min``): a catcher's squat on the toes, mass over the feet, which a
    person seated with the feet drawn back has too, but on a chair's height. Then its sitting frames read
    squatting; otherwise its squatting frames with the hips low (the sitting rule's thighs or hip height) read
    sitting. With ``timestamps``, runs apart by at most
    ``activity_hips_low_gap_max_s`` are one run (a rendered sit-to-stand read kneeling for two frames between
    sitting still and leaning forward to rise). Runs with no mass reading (front views) keep their labels.

    On the pose model's world landmarks, over rendered sit-to-stands (three figure styles, also filmed as by a
    phone) and chairs, a run's 25th percentiles read 0.21-0.34 leg lengths behind the heels and 2-10 degrees of
    trunk lean; over squats rising from and going to the bottom, 0.02-0.14 behind and 30-47 degrees (the model puts
    the mass centre about 0.09 further back than the renderer's truth).
    """
    out = np.asarray(labels, dtype=object).copy()
    if f.mass_ahead is None:
        return out
    behind, lean = threshold("activity_seated_mass_behind_min"), threshold("activity_squat_trunk_lean_min")
    seat = threshold("activity_seat_hip_height_min")
    low = hips_low(f)
    runs = true_runs(np.isin(out, ("sitting", "squatting")))
    if timestamps is not None and runs:
        t, gap, joined = np.asarray(timestamps, dtype=np.float64), threshold("activity_hips_low_gap_max_s"), [runs[0]]
        for a, b in runs[1:]:
            if t[a] - t[joined[-1][1] - 1] <= gap:
                joined[-1] = (joined[-1][0], b)
            else:
                joined.append((a, b))
        runs = joined
    for a, b in runs:
        m, tr = f.mass_ahead[a:b], f.trunk_from_vertical[a:b]
        if not (np.isfinite(m).any() and np.isfinite(tr).any()):
            continue
        # over the feet, and leaning forward or lower than any seat (a squat on the toes keeps the trunk upright)
        below_seat = np.isfinite(f.hip_drop[a:b]).any() and np.nanpercentile(f.hip_drop[a:b], 25) < seat
        if np.nanpercentile(m, 25) > -behind and (np.nanpercentile(tr, 25) >= lean or below_seat):
            out[a:b] = np.where(out[a:b] == "sitting", "squatting", out[a:b])
        else:
            out[a:b] = np.where((out[a:b] == "squatting") & low[a:b], "sitting", out[a:b])
    return out


@dataclass
class GaitSegment:
    """A stretch of a clip where the legs take turns in front: walking or running.

    ``start``/``stop`` are track positions (stop exclusive); ``steps_per_s`` from the spacing of the
    moments the feet are furthest apart; ``knee_peak`` the 90th percentile of the more bent knee, degrees.
    """

    start: int
    stop: int
    steps_per_s: float
    knee_peak: float
    running: bool


def _fill_short_gaps(x: np.ndarray, t: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linear interpolation across NaN runs no longer than ``max_gap_s``; longer gaps stay NaN."""
    x = np.array(x, dtype=np.float64)
    ok = np.isfinite(x)
    if ok.sum() < 2:
        return x
    filled = np.interp(t, t[ok], x[ok])
    idx = np.flatnonzero(ok)
    for a, b in zip(idx[:-1], idx[1:]):
        if b - a > 1 and t[b] - t[a] > max_gap_s:
            filled[a + 1:b] = np.nan
    filled[:idx[0]] = np.nan
    filled[idx[-1] + 1:] = np.nan
    return filled


def gait_segments(f: PostureFeatures, timestamps: np.ndarray) -> list[GaitSegment]:
    """Find walking and running in a clip: the legs take turns, step after step.

    Three signals that do not depend on MediaPipe's left/right labels (often swapped in side views) rise
    at every step and fall as the legs pass each other: the feet's front-to-back spread in the world
    landmarks (``|stride|``, clearest side-on), how much higher one ankle is than the other in the picture
    (clearest facing the camera or from behind, where the nearer foot sits lower) and the angle between the
    thighs in the picture. On each, at least ``activity_gait_min_steps`` peaks above its threshold
    (``activity_gait_spread_min`` leg lengths, ``activity_gait_image_rise_min`` trunk lengths,
    ``activity_gait_thigh_split_min`` degrees), each ``activity_gait_step_min_s``..``activity_gait_step_max_s``
    after the last, make a gait segment, unless the trunk leans over by more than ``activity_gait_trunk_max``
    degrees (median over the segment: bending forward or lying, a leg drawn now here, now there); the signal that
    finds the most is used. All are measured on the body, so a camera that follows the person does not hide the
    steps. ``running`` when the steps come faster than ``activity_running_steps_min`` per second or the swinging
    knee bends past ``activity_running_knee_min`` degrees.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    if len(t) < 5:
        return []
    signals = [(np.abs(f.stride), threshold("activity_gait_spread_min"))]
    if f.leg_image_angle is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            signals.append((np.nanmax(f.ankle_rise_image, axis=1), threshold("activity_gait_image_rise_min")))
        signals.append((np.abs(f.leg_image_angle[:, 0, 0] - f.leg_image_angle[:, 1, 0]),
                        threshold("activity_gait_thigh_split_min")))
    best: list[GaitSegment] = []
    for x, height in signals:
        segs = _step_segments(f, t, x, height)
        if sum(g.stop - g.start for g in segs) > sum(g.stop - g.start for g in best):
            best = segs
    return best


def _step_segments(f: PostureFeatures, t: np.ndarray, signal: np.ndarray, height: float) -> list[GaitSegment]:
    """Gait segments from one step signal (see :func:`gait_segments`)."""
    from scipy.signal import find_peaks

    x = _fill_short_gaps(signal, t, 0.3)
    ok = np.isfinite(x)
    if ok.sum() < 5:
        return []
    dt = frame_interval(t)
    lo, hi = threshold("activity_gait_step_min_s"), threshold("activity_gait_step_max_s")
    peaks, _ = find_peaks(np.where(ok, x, 0.0), height=height, prominence=height / 2,
                          distance=max(1, int(round(lo / dt))))
    segs: list[GaitSegment] = []
    run = [peaks[0]] if len(peaks) else []
    for p in list(peaks[1:]) + [None]:
        if p is not None and lo <= t[p] - t[run[-1]] <= hi:
            run.append(p)
            continue
        if len(run) >= threshold("activity_gait_min_steps"):
            gaps = np.diff(t[run])
            half = int(round(np.median(gaps) / 2 / dt))
            a, b = max(0, run[0] - half), min(len(t), run[-1] + half + 1)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                knee = float(np.nanpercentile(np.nanmax(f.knee_flexion[a:b], axis=1), 90))
                bent_over = np.nanmedian(f.trunk_from_vertical[a:b]) > threshold("activity_gait_trunk_max")
            if not bent_over:  # legs "taking turns" under a trunk bent over or lying: the model's leg error, no gait
                rate = float(1.0 / np.median(gaps))
                running = rate >= threshold("activity_running_steps_min") \
                    or knee >= threshold("activity_running_knee_min")
                segs.append(GaitSegment(a, b, rate, knee, bool(running)))
        run = [p] if p is not None else []
    return segs


@dataclass
class ActivityReading:
    """What the person was doing over a photo or clip (JSON-ready through :meth:`to_dict`).

    Attributes
    ----------
    label : str
        ``"standing"`` when the capture holds quiet standing (a photo of a person standing, or a clip with a
        quiet-standing stretch); otherwise what the person mostly did instead (one of :data:`ACTIVITIES`).
    frames : ndarray of str, shape (T,)
        Each frame's activity (``"none"`` where no person was found); walking/running over gait segments.
    quiet : ndarray of bool, shape (T,)
        Frames of quiet standing, the ones a standing assessment may use.
    quiet_seconds : float
        Length of the longest quiet-standing stretch (0 for a photo, which counts by its one frame).
    shares : dict
        Share of the frames with a person spent in each activity.
    gait : list of GaitSegment
    legs_seen : bool
        Whether the thighs were seen at all (without them sitting and standing cannot be told apart).
    feet_unseen : bool
        Whether most frames read ``unclear`` were so because both feet lay in the picture but neither was seen
        clearly (:attr:`PostureFeatures.feet_hidden`): then the message says so, not that the person was not standing.
    leg_unseen : bool
        Likewise for a leg in the picture but not seen, facing the camera or away from it
        (:attr:`PostureFeatures.leg_hidden`).
    hip_height : ndarray (T,) or None
        Each frame's hip midpoint height above the lower ankle, fraction of leg length
        (:attr:`PostureFeatures.hip_drop`: about 1 standing, 0.45-0.6 on a chair, under 0.1 on the floor); NaN
        where no person was found.
    """

    label: str
    frames: np.ndarray
    quiet: np.ndarray
    quiet_seconds: float
    shares: dict
    gait: list = field(default_factory=list)
    legs_seen: bool = True
    hip_height: np.ndarray | None = None
    feet_unseen: bool = False
    leg_unseen: bool = False

    @property
    def standing(self) -> bool:
        return self.label == "standing"

    def message(self) -> str:
        """What was seen, in plain words (empty when standing)."""
        if self.standing:
            return ""
        if self.label == "unclear" and not self.legs_seen:
            return "your legs are not in the picture or not seen clearly, so it cannot be told whether you are standing"
        if self.label == "unclear" and self.feet_unseen:
            return ("your feet were not seen (tucked out of sight, as when kneeling facing the camera, or too dark "
                    "against the floor), so it cannot be told whether you are standing on both")
        if self.label == "unclear" and self.leg_unseen:
            return ("one of your legs was not seen clearly (hidden behind the other leg or the body, as when "
                    "kneeling on one knee or sitting, or behind something in front of it), so it cannot be told "
                    "whether you are standing on both feet")
        return SEEN_WORDS.get(self.label, SEEN_WORDS["unclear"])

    def advice(self) -> str:
        """What to do to get a quiet-standing capture."""
        if self.standing:
            return ""
        if self.label == "unclear" and not self.legs_seen:
            return "step back or lower the camera so your hips and thighs are in the picture, then " + TO_STANDING
        if self.label == "unclear" and self.feet_unseen:
            return ("stand on both feet, in good light, with shoes or socks that stand out from the floor, then "
                    + TO_STANDING)
        if self.label == "unclear" and self.leg_unseen:
            return "stand on both feet with nothing in front of your legs, then " + TO_STANDING
        first = {"walking": "stop walking, then ", "running": "stop running, then ", "sitting": "stand up, then ",
                 "kneeling": "stand up, then ", "all_fours": "stand up, then ", "lying": "stand up, then ",
                 "lunge": "bring your feet side by side, then ", "one_leg": "put both feet on the floor, then ",
                 "squatting": "stand up straight, then ", "bending": "stand up straight, then "}.get(self.label, "")
        return first + TO_STANDING

    def to_dict(self) -> dict:
        return {"label": self.label, "quiet_seconds": round(self.quiet_seconds, 2),
                "quiet_frames": int(self.quiet.sum()), "shares": {k: round(v, 3) for k, v in self.shares.items()},
                "gait": [{"start": int(g.start), "stop": int(g.stop), "steps_per_s": round(g.steps_per_s, 2),
                          "knee_peak_deg": round(g.knee_peak, 1), "running": g.running} for g in self.gait],
                "legs_seen": self.legs_seen, "feet_unseen": self.feet_unseen, "leg_unseen": self.leg_unseen,
                "message": self.message(), "advice": self.advice()}


# postures whose frames cannot be steps of a walk or a run (see :func:`classify_activity`)
OFF_FEET = ("lying", "kneeling", "all_fours", "sitting")
# When the capture is not quiet standing, the specific postures name it before the generic ones.
_SPECIFIC = ("running", "walking", "lying", "sitting", "kneeling", "all_fours", "one_leg", "lunge", "squatting",
             "bending")


def classify_activity(pixels: np.ndarray, visibility: np.ndarray, world: np.ndarray, image_size: np.ndarray,
                      timestamps: np.ndarray | None = None) -> ActivityReading:
    """Classify what the person does in a photo or clip, and find its quiet standing.

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
        Image landmarks in pixels (x right, y down), NaN where no person was found.
    visibility : ndarray (T, 33)
    world : ndarray (T, 33, 3)
        MediaPipe world landmarks (metres, y down).
    image_size : ndarray (T, 2) or (2,)
        Frame (width, height) in pixels.
    timestamps : ndarray (T,), optional
        Seconds; None or one frame means a photo.

    Returns
    -------
    ActivityReading
        A clip is ``standing`` when it holds at least ``activity_quiet_min_s`` seconds (or, in a shorter
        clip, ``activity_quiet_min_share`` of its length) of frames that look like standing, outside any
        walking or running; otherwise it is named after what it shows instead: the specific
        postures of :data:`_SPECIFIC` (in that order of priority) when they fill at least 15 % of the frames.
    """
    px = np.asarray(pixels, dtype=np.float64)
    T = len(px)
    size = np.broadcast_to(np.asarray(image_size, dtype=np.float64), (T, 2))
    det = np.isfinite(px[:, 0, 0])
    labels = np.full(T, "none", dtype=object)
    quiet = np.zeros(T, bool)
    if not det.any():
        return ActivityReading("unclear", labels, quiet, 0.0, {}, [], False)
    norm = px / size[:, None, :]
    seen = thighs_leaving_the_picture(norm, seen_mask(norm, visibility))
    feats = posture_features(np.asarray(world, dtype=np.float64), seen, px, in_frame_mask(norm))
    is_clip = timestamps is not None and T > 1
    seen_feats = _take(feats, det)
    labels[det] = seated_or_squatting(frame_activity(seen_feats), seen_feats,
                                      np.asarray(timestamps, dtype=np.float64)[det] if is_clip else None)
    gait: list[GaitSegment] = []
    t = np.asarray(timestamps, dtype=np.float64) if is_clip else np.zeros(T)
    if is_clip:
        # steps are taken on the feet: legs that "take turns" while the body lies, kneels or sits (a hugged knee, a
        # lunge's glide, landmarks jittering at 60 frames/s) are not walking, nor while the hips stay at a kneeling
        # height (a half-kneel whose legs the pose model named each other in turn)
        body, height = labels[det], hip_height(px)[det]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN heights: kept, the hips not seen
            gait = [g for g in gait_segments(_take(feats, det), t[det])
                    if np.mean(np.isin(body[g.start:g.stop], OFF_FEET)) < 0.5
                    and not np.nanmedian(height[g.start:g.stop]) < threshold("activity_gait_hip_height_min")]
        idx = np.flatnonzero(det)
        for g in gait:
            sl = idx[g.start:g.stop]
            labels[sl] = "running" if g.running else "walking"
    if is_clip:
        speed, trunk_px = travel_speed(px, t)
        moving = speed > threshold("activity_travel_max")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            hip_x = np.nanmean(px[:, [L_HIP, R_HIP], 0], axis=1)
        for a, b in true_runs(moving & det):
            went = abs(np.nanmax(hip_x[a:b]) - np.nanmin(hip_x[a:b])) / trunk_px if trunk_px > 0 else 0.0
            if went >= threshold("activity_walk_distance") and not np.isin(labels[a:b], ("walking", "running")).any():
                labels[a:b] = np.where(labels[a:b] == "standing", "walking", labels[a:b])
        standing = (labels == "standing") & ~moving
        blips = posture_blips(labels, t)
        # a margin around any other activity: the moments of getting into and out of it are not quiet
        margin = threshold("activity_quiet_margin_s")
        for i in np.flatnonzero(det & (labels != "standing") & ~blips):
            standing[np.abs(t - t[i]) <= margin] = False
    else:
        standing = labels == "standing"
    legs_seen = bool(np.isfinite(feats.thigh_from_vertical[det]).any())
    if not is_clip:
        quiet = standing.copy()
        quiet_s = 0.0
        ok = bool(standing.any())
    else:
        runs = true_runs(standing | (blips & ~moving))  # a blip does not split a stretch, nor is it quiet
        best = max(runs, key=lambda r: t[r[1] - 1] - t[r[0]], default=None)
        quiet_s = float(t[best[1] - 1] - t[best[0]]) if best else 0.0
        dur = float(t[det][-1] - t[det][0]) if det.sum() > 1 else 0.0
        need = min(threshold("activity_quiet_min_s"), threshold("activity_quiet_min_share") * dur)
        ok = best is not None and quiet_s >= need and (best[1] - best[0]) >= 2
        if ok:
            for a, b in runs:
                if t[b - 1] - t[a] >= need:
                    quiet[a:b] = standing[a:b]
    n = int(det.sum())
    shares = {k: float(np.sum(labels[det] == k)) / n for k in ACTIVITIES if np.any(labels[det] == k)}
    if ok:
        label = "standing"
    else:
        other = {k: v for k, v in shares.items() if k != "standing"}
        specific = [k for k in _SPECIFIC if other.get(k, 0.0) >= 0.15]
        label = specific[0] if specific else max(other, key=other.get) if other else "unclear"
        if gait:
            label = "running" if any(g.running for g in gait) else "walking"
    unclear = det & (labels == "unclear")
    feet_unseen = bool(label == "unclear" and unclear.any() and feats.feet_hidden is not None
                       and feats.feet_hidden[unclear].mean() >= 0.5)
    leg_unseen = bool(label == "unclear" and unclear.any() and feats.leg_hidden is not None
                      and feats.leg_hidden[unclear].mean() >= 0.5)
    return ActivityReading(label, labels, quiet, quiet_s, shares, gait, legs_seen, feats.hip_drop, feet_unseen,
                           leg_unseen)


def hip_and_trunk(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The hip midpoint (T, 2) and the trunk length, hip midpoint to shoulder midpoint (T,), in pixels; NaN where
    unseen (warnings of all-NaN frames silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        hip = np.nanmean(p[:, [L_HIP, R_HIP]], axis=1)
        return hip, np.linalg.norm(np.nanmean(p[:, [L_SH, R_SH]], axis=1) - hip, axis=1)


def hip_height(pixels: np.ndarray) -> np.ndarray:
    """How high the hips are above the lowest foot point in the picture, per frame, in trunk lengths.

    The hip midpoint's height (image y, so a side view's vertical) above the lowest of the seen ankle, heel and
    toe points, divided by the frame's trunk length (hip midpoint to shoulder midpoint) in pixels (a person
    walking towards the camera grows in the picture). About
    0.53 of stature over 0.29 (hip and shoulder joint heights, Winter 2009 fig. 4.1) standing, so 1.8; the
    rendered and real walks and runs read 1.45-1.95 (median over a clip), half-kneels 0.9-1.25 (the hip a
    thigh's length above the knee on the floor).

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
        Image landmarks in pixels (x right, y down), NaN where unseen.

    Returns
    -------
    ndarray (T,)
        NaN where the hips, the shoulders or every foot point are missing.
    """
    p = np.asarray(pixels, dtype=np.float64)
    hip, trunk = hip_and_trunk(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low = np.nanmax(p[:, [L_ANK, R_ANK, L_HEEL, R_HEEL, L_TOE, R_TOE], 1], axis=1)
        return np.where(trunk > 0, (low - hip[:, 1]) / trunk, np.nan)


def posture_blips(labels: np.ndarray, timestamps: np.ndarray) -> np.ndarray:
    """Frames of another posture than standing that lasted no longer than ``activity_blip_max_s`` between frames
    of standing: nobody gets into a lunge or onto one leg and back within a frame or two, so it is the pose model's
    error there (a rendered person standing still, the bottom eighth of the picture cut away: one frame of 45 read as
    a lunge, and its margin of ``activity_quiet_margin_s`` either side left no quiet stretch long enough). Walking and
    running (read over time) are never blips, nor is anything in a clip read as standing in fewer than
    ``activity_quiet_min_share`` of the frames with a person: there the standing frames themselves are in doubt (a
    real clip of a woman seated at a desk, her legs out of the picture, read "standing" in two stretches of about a
    second, 17 % of the frames, and three frames between them would have joined them). (T,) bool.

    Parameters
    ----------
    labels : ndarray of str (T,)
        Each frame's activity (:func:`frame_activity`, walking and running marked), ``"none"`` where no person.
    timestamps : ndarray (T,)
        Seconds.
    """
    lab = np.asarray(labels, dtype=object)
    t = np.asarray(timestamps, dtype=np.float64)
    out = np.zeros(len(lab), bool)
    if not np.sum(lab == "standing") >= threshold("activity_quiet_min_share") * np.sum(lab != "none"):
        return out
    other = (lab != "standing") & (lab != "none") & ~np.isin(lab, ("walking", "running"))
    longest = threshold("activity_blip_max_s")
    step = frame_interval(t, 0.0) if len(t) > 1 else 0.0
    for a, b in true_runs(other):
        if 0 < a and b < len(lab) and lab[a - 1] == "standing" and lab[b] == "standing" \
                and t[b - 1] - t[a] + step <= longest:
            out[a:b] = True
    return out


def travel_speed(pixels: np.ndarray, timestamps: np.ndarray, smooth_s: float = 0.5) -> tuple[np.ndarray, float]:
    """How fast the body moves through the picture and over its feet, in trunk lengths per second, per frame.

    Read two ways, and the lesser kept: the hip midpoint's velocity in the picture over the clip's median trunk
    length, and its velocity relative to the ankle that moved least in that frame (the standing foot: both when the
    person stands), each position in the frame's own trunk lengths (hip midpoint to shoulder midpoint); central
    differences, then the median over ``smooth_s``. A camera held in the hand moves the hips and the feet together
    in the picture, and zooming changes every length alike, so neither reads as moving over the feet; where the pose
    model's ankle points wander, the picture reads less. Walking past a fixed camera moves the hips both ways (about
    2); walking filmed by a camera that follows the person is left to the gait (:func:`gait_segments`). In frames
    where neither ankle is seen (a picture cut at the knees) only the picture is read. Quiet standing sways under
    0.05 trunk lengths/s; a standing clip copied with :func:`vision.synthetic.camera.handheld_warp`'s shake read at
    most 0.25 over the feet, 0.50 in the picture.

    Returns
    -------
    speed : ndarray (T,)
        NaN where no person was found.
    trunk_px : float
        The median trunk length in pixels (NaN when unknown).
    """
    p = np.asarray(pixels, dtype=np.float64)
    t = np.asarray(timestamps, dtype=np.float64)
    hip, trunks = hip_and_trunk(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        trunk = float(np.nanmedian(trunks))
    speed = np.full(len(t), np.nan)
    if len(t) < 3 or not trunk > 0:
        return speed, trunk
    ok = np.isfinite(hip[:, 0])
    if ok.sum() < 3:
        return speed, trunk
    idx = np.flatnonzero(ok)
    ti = t[idx]
    raw = np.linalg.norm(np.gradient(hip[idx], ti, axis=0), axis=1) / trunk
    own = np.where(trunks[idx] > 0, trunks[idx], np.nan)[:, None]
    over_feet = [np.linalg.norm(np.gradient((hip[idx] - p[idx, a]) / own, ti, axis=0), axis=1) for a in (L_ANK, R_ANK)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        over_feet = np.nanmin(over_feet, axis=0)
    raw = np.fmin(raw, over_feet)
    half = smooth_s / 2
    speed[idx] = [np.nanmedian(raw[(ti >= x - half) & (ti <= x + half)]) for x in ti]
    return speed, trunk


def _take(f: PostureFeatures, rows: np.ndarray) -> PostureFeatures:
    """The features of some frames only."""
    return PostureFeatures(**{k: v if k == "leg_length" or v is None else v[rows] for k, v in vars(f).items()})


def leg_lengths(pixels: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each leg's (left, right) thigh (hip -> knee) and lower leg (knee -> ankle) lengths in the picture per frame,
    pixels (T,) each; ``pixels`` (T, 33, 2)."""
    px = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    return [(np.linalg.norm(px[:, k] - px[:, h], axis=1), np.linalg.norm(px[:, a] - px[:, k], axis=1))
            for h, k, a, _, _ in LEGS.values()]


def leg_foreshortened(pixels: np.ndarray) -> np.ndarray:
    """Frames where one ankle stands higher in the picture than the other mostly because its leg was drawn short:
    it hangs less far below its hip than the other by ``activity_leg_short_min`` or more of the other leg's hip ->
    knee -> ankle path, and its own path falls short of the other's by as much and by at least
    ``activity_rise_from_short_leg_min`` of that rise. In a side view a leg bent in the side plane keeps its path's
    length: a foot raised behind or a knee lifted raises the ankle by bending, the path stays; a leg that is
    shorter in the picture is a landmark error (the pose model drew a knee at the hand, or an ankle up the shin,
    while both feet stood on the floor). So is a raised leg whose thigh is drawn shorter than
    ``activity_raised_thigh_short_max`` of the other leg's thigh in the same frame, whatever its path: a thigh
    raised forward or swung back in the side plane keeps its length (on held-out renders of heavier bodies the
    model drew the near leg lifted in front, its knee at the hand against a deep belly, bent so that its path
    nearly kept its length, the thigh at 0.46-0.65 of the other's). Not for other views (a knee raised towards
    the camera shortens its leg in the picture). (T,) bool; False where a leg's points are missing.

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
        Landmark pixels (image y down).
    """
    px = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    lengths = leg_lengths(px)
    thigh = np.array([t for t, _ in lengths])  # (2, T)
    path = np.array([t + s for t, s in lengths])
    drop = np.array([px[:, a, 1] - px[:, h, 1] for h, _, a, _, _ in LEGS.values()])  # ankle below hip
    high = np.argmin(np.where(np.isfinite(drop), drop, np.inf), axis=0)  # the leg whose ankle hangs less far
    cols = np.arange(px.shape[0])
    path_short = path[1 - high, cols] - path[high, cols]
    rise = drop[1 - high, cols] - drop[high, cols]
    least = threshold("activity_leg_short_min") * path[1 - high, cols]
    share = threshold("activity_rise_from_short_leg_min")
    with np.errstate(invalid="ignore"):
        folded = thigh[high, cols] < threshold("activity_raised_thigh_short_max") * thigh[1 - high, cols]
        return (rise >= least) & (((path_short >= least) & (path_short >= share * rise)) | folded)


def activity_check(reading: ActivityReading, is_clip: bool, legs_drawn_short: float = 0.0):
    """The activity gate as a capture check (:class:`analysis.quality.Check`, name ``"activity"``).

    Passes when the capture holds quiet standing; otherwise blocking, with what the person seemed to do
    and how to get to quiet standing. ``legs_drawn_short``: in a side view, the share of the frames read as
    standing on one leg where the raised ankle's leg was drawn short (:func:`leg_foreshortened`); from
    ``activity_legs_drawn_short_share_min`` of them on, the check says that the pose model drew a leg short, not
    that the person stood on one leg (a held-out rendered person standing still in a white top against a pale
    wall: the near knee put at the hand; measuring the frames would have read that leg, hip 150 and knee 32
    degrees for a straight leg).
    """
    from analysis.quality import Check

    if not reading.standing and reading.label == "one_leg" \
            and legs_drawn_short >= threshold("activity_legs_drawn_short_share_min"):
        return Check("activity", False, reading.shares.get("standing", 0.0), "fraction of frames standing",
                     "the pose model drew one leg short (a knee or an ankle placed up the other leg), so whether you "
                     "stood on both feet could not be read",
                     "film again side-on in good light, in clothes that stand out from the wall behind you (not "
                     "white or skin-coloured against a pale wall); " + TO_STANDING, blocking=True)

    if reading.standing:
        if is_clip:
            return Check("activity", True, reading.quiet_seconds, "s",
                         f"you stood quietly on both feet for {reading.quiet_seconds:.1f} s")
        return Check("activity", True, None, "", "you are standing on both feet")
    share = reading.shares.get("standing", 0.0)
    return Check("activity", False, share, "fraction of frames standing", reading.message(), reading.advice(),
                 blocking=True)
