"""Which way the person faces the camera, from MediaPipe world landmarks.

Convention: body yaw in degrees, 0 = facing the camera (front view), +90 = facing the image's right
(the person's right side toward the camera), -90 = facing the image's left (left side toward the camera),
+/-180 = back to the camera. World axes are MediaPipe's: x to the image right, y down, z away from the
camera, origin at the hip midpoint, metres.
"""

from __future__ import annotations

import warnings

import numpy as np

L_SHOULDER, R_SHOULDER, L_HIP, R_HIP = 11, 12, 23, 24

# Engineering choices (not literature): sectors of body yaw per view label, degrees.
FRONT_MAX_DEG = 30.0
SIDE_MIN_DEG, SIDE_MAX_DEG = 60.0, 120.0
BACK_MIN_DEG = 150.0


def body_yaw(world: np.ndarray) -> np.ndarray:
    """Body yaw per frame from the shoulder and hip lines.

    Parameters
    ----------
    world : ndarray, shape (..., 33, 3)
        MediaPipe world landmarks in metres.

    Returns
    -------
    ndarray, shape (...)
        Yaw in degrees in (-180, 180] (see the module docstring); NaN where landmarks are missing.
    """
    world = np.asarray(world, dtype=np.float64)
    # right-to-left vector of the person, averaged over shoulders and hips, in the ground (x, z) plane
    left = (world[..., L_SHOULDER, :] - world[..., R_SHOULDER, :]) + (world[..., L_HIP, :] - world[..., R_HIP, :])
    fx, fz = left[..., 2], -left[..., 0]  # forward = left rotated a quarter turn about the vertical
    return np.degrees(np.arctan2(fx, -fz))


def view_label(yaw_deg: float) -> str:
    """Name the view for a body yaw in degrees.

    Returns one of ``"front"``, ``"back"``, ``"right side"`` (facing the image right, right side
    toward the camera), ``"left side"``, ``"oblique"`` or ``"unknown"`` (NaN yaw).
    """
    if not np.isfinite(yaw_deg):
        return "unknown"
    a = abs(yaw_deg)
    if a <= FRONT_MAX_DEG:
        return "front"
    if a >= BACK_MIN_DEG:
        return "back"
    if SIDE_MIN_DEG <= a <= SIDE_MAX_DEG:
        return "right side" if yaw_deg > 0 else "left side"
    return "oblique"


def typical_yaw(yaw_deg: np.ndarray) -> float:
    """Circular mean of yaw angles in degrees, ignoring NaN; NaN when none is finite."""
    y = np.radians(np.asarray(yaw_deg, dtype=np.float64))
    y = y[np.isfinite(y)]
    if y.size == 0:
        return float("nan")
    return float(np.degrees(np.arctan2(np.sin(y).mean(), np.cos(y).mean())))


def swap_proof_yaw(yaw_deg: np.ndarray, facing: int = 0) -> float:
    """Typical yaw of a clip whose left and right labels the pose model may swap between frames, degrees.

    A swap of the labels turns a frame's yaw by 180 degrees (the body's right-to-left vector reverses), and the
    pose model swaps them for whole repetitions when a side-on person swings one leg and then the other: the plain
    circular mean (:func:`typical_yaw`) then falls between the two readings (a rendered left side view whose
    labels swapped at each leg change, its frames reading +100 to +130 and -100 to -130, read 177 degrees, "from
    the back"). The circular mean of the doubled angles, halved, reads the same with the labels either way: the
    direction of the body's left-right axis, not which end is which. Of that axis' two yaws the one on the side of
    ``facing`` (+1 facing the image right, -1 left, from the picture: :func:`facing_from_landmarks`) is returned,
    without it the one nearer :func:`typical_yaw`. Which of front and back, or of the two side views, is then
    as sure as ``facing``; whether the view is side-on, front-on or oblique does not depend on it.

    Parameters
    ----------
    yaw_deg : ndarray
        Per-frame yaw, degrees (see the module docstring), NaN where unknown.
    facing : int
        +1 / -1 / 0 (unknown).

    Returns
    -------
    float
        Degrees in (-180, 180]; NaN when no yaw is finite.
    """
    y = np.radians(np.asarray(yaw_deg, dtype=np.float64))
    y = y[np.isfinite(y)]
    if y.size == 0:
        return float("nan")
    axis = float(np.degrees(np.arctan2(np.sin(2 * y).mean(), np.cos(2 * y).mean())) / 2)  # (-90, 90]
    other = axis - 180.0 if axis > 0 else axis + 180.0
    if facing:
        return axis if (axis > 0) == (facing > 0) else other
    plain = typical_yaw(np.degrees(y))
    return min((axis, other), key=lambda a: abs((a - plain + 180.0) % 360.0 - 180.0))


# Apparent width of the shoulders and hips in the picture over the trunk length (mean of the two), side-on and
# square-on: the shoulder joint centres lie about 0.2 and the hip joint centres about 0.1 of stature apart, the
# trunk (hip to shoulder joint centres) about 0.29 (Drillis & Contini proportions, Winter 2009 fig. 4.1), so
# square-on the mean ratio is about (0.69 + 0.35) / 2 = 0.52; side-on the pairs overlap (body depth leaves about
# 0.05). Rendered figures read 0.51 and 0.06, real standing photos 0.45-0.6 and 0.02-0.24.
IMAGE_WIDTH_SIDE, IMAGE_WIDTH_SQUARE = 0.05, 0.52


def image_width_ratio(pixels: np.ndarray) -> np.ndarray:
    """Apparent shoulder and hip width in the picture over the trunk length, per frame (mean of the two).

    Parameters
    ----------
    pixels : ndarray, shape (..., 33, 2)
        Image points (x right, y down); NaN where unseen.

    Returns
    -------
    ndarray, shape (...)
        About 0.05 side-on and 0.5 square-on (front or back); NaN where a shoulder or hip is missing.
    """
    p = np.asarray(pixels, dtype=np.float64)
    sh = np.linalg.norm(p[..., L_SHOULDER, :] - p[..., R_SHOULDER, :], axis=-1)
    hip = np.linalg.norm(p[..., L_HIP, :] - p[..., R_HIP, :], axis=-1)
    mid = lambda a, b: (p[..., a, :] + p[..., b, :]) / 2  # noqa: E731
    trunk = np.linalg.norm(mid(L_SHOULDER, R_SHOULDER) - mid(L_HIP, R_HIP), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(trunk > 0, (sh + hip) / 2 / trunk, np.nan)


def view_yaw(world: np.ndarray, pixels: np.ndarray | None = None) -> float:
    """The body yaw of a photo or clip from the world landmarks, checked against the picture.

    MediaPipe's depth is its weakest axis, and a side-on person's shoulder and hip lines point almost straight
    at the camera, so the world yaw of a side-on photo can drift 30-50 degrees towards a front or back view
    (or a front view's towards the side). The picture itself tells how side-on the body is: the apparent
    shoulder and hip width over the trunk length (:func:`image_width_ratio`) is about ``|cos(yaw)|`` of its
    square-on value. The result keeps the world yaw's direction (which side faces the camera, front or back)
    and takes for its angle from square-on the mean of the two estimates.

    Parameters
    ----------
    world : ndarray, shape (T, 33, 3)
        World landmarks of the frames with a person.
    pixels : ndarray, shape (T, 33, 2), optional
        Image points of the same frames (shoulders and hips); without them the world yaw alone.

    Returns
    -------
    float
        Degrees (see the module docstring); NaN when unknown.
    """
    yw = typical_yaw(body_yaw(world))
    if pixels is None or not np.isfinite(yw):
        return yw
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ratio = float(np.nanmedian(image_width_ratio(pixels)))
    if not np.isfinite(ratio):
        return yw
    c_img = float(np.clip((ratio - IMAGE_WIDTH_SIDE) / (IMAGE_WIDTH_SQUARE - IMAGE_WIDTH_SIDE), 0.0, 1.0))
    from_square_img = np.degrees(np.arccos(c_img))  # 0 = square-on, 90 = side-on
    from_square_world = np.degrees(np.arccos(min(1.0, abs(np.cos(np.radians(yw))))))
    a = (from_square_img + from_square_world) / 2
    out = a if abs(yw) <= 90.0 else 180.0 - a
    return float(out if yw >= 0 else -out)


# ---- Turning advice, facing direction and view confidence (standing posture assessment) ----

# Ideal body yaw of each view, degrees (see the module docstring for the convention).
VIEW_YAW = {"front": 0.0, "right side": 90.0, "left side": -90.0, "back": 180.0}


def _wrap(a):
    return (np.asarray(a, dtype=np.float64) + 180.0) % 360.0 - 180.0


def nearest_view(yaw_deg: float, allowed: tuple[str, ...] = tuple(VIEW_YAW)) -> str:
    """The view in ``allowed`` (keys of :data:`VIEW_YAW`) whose ideal yaw is closest to ``yaw_deg``."""
    return min(allowed, key=lambda v: abs(float(_wrap(VIEW_YAW[v] - yaw_deg))))


def turn_needed(yaw_deg: float, target: str) -> float:
    """Signed turn, in degrees, that brings a person at ``yaw_deg`` to the ideal yaw of ``target``.

    Returns
    -------
    float
        Degrees in (-180, 180]: **positive = the person turns to their own left** (counter-clockwise
        seen from above; yaw grows as a person facing the camera turns to their left, because their
        left then swings away from the camera), negative = to their right. NaN when the yaw is NaN.
    """
    return float(_wrap(VIEW_YAW[target] - yaw_deg))


def turn_advice(yaw_deg: float, target: str) -> str:
    """Plain words telling the person which way and roughly how far to turn to reach ``target``.

    The amount is rounded to 5 degrees (yaw from landmarks is approximate). Empty when no turn is
    needed (under 5 degrees) or the yaw is unknown.
    """
    d = turn_needed(yaw_deg, target)
    if not np.isfinite(d) or abs(d) < 5.0:
        return ""
    amount = int(5 * round(abs(d) / 5.0))
    way = "left" if d > 0 else "right"
    if amount >= 175:
        return f"turn around (about 180 degrees) so the camera sees your {target.replace(' side', '')}"
    what = f"your {target}" if target in ("right side", "left side") else \
        ("you from the front" if target == "front" else "your back")
    return f"turn about {amount} degrees to your {way}, so the camera sees {what}"


def facing_sign(yaw_deg: float) -> int:
    """Which way a person in a side view faces in the image: +1 image right, -1 image left, 0 otherwise.

    Uses the sign of the yaw for yaws between 45 and 135 degrees in magnitude (a side-ish view).
    """
    if not np.isfinite(yaw_deg) or not 45.0 <= abs(yaw_deg) <= 135.0:
        return 0
    return 1 if yaw_deg > 0 else -1


def facing_from_landmarks(pixels: np.ndarray, visibility: np.ndarray | None = None, min_fraction: float = 0.02) -> int:
    """Which way a side-on person faces in the image, from the face and feet landmarks alone.

    In each frame the nose ahead of the ears and the toes ahead of the heels vote, each when the two lie at
    least ``min_fraction`` of the trunk length apart along x; when face and feet disagree the face decides
    (its offset is usually the larger). Over several frames the majority of the frames decides. Useful
    when no world landmarks are at hand; :func:`facing_sign` of the body yaw is preferred.

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2) or (33, 2)
        Image points (x right, y down), MediaPipe order; NaN where unseen.
    visibility : ndarray, shape (T, 33) or (33,), optional
        Landmarks under 0.5 are ignored when given.
    min_fraction : float
        Smallest nose-ear or toe-heel distance that counts, as a fraction of the trunk length (hip
        midpoint to shoulder midpoint).

    Returns
    -------
    int
        ``+1`` facing the image right, ``-1`` facing the image left, ``0`` undecided (front or back view,
        landmarks missing, or the frames split evenly).
    """
    return facing_votes(pixels, visibility, min_fraction)["facing"]


def facing_votes(pixels: np.ndarray, visibility: np.ndarray | None = None, min_fraction: float = 0.02) -> dict:
    """The frames' votes behind :func:`facing_from_landmarks`, and how clearly they agree.

    Returns
    -------
    dict
        ``facing`` (+1 / -1 / 0, as :func:`facing_from_landmarks`), ``frames`` (how many frames voted),
        ``right`` / ``left`` (how many of them for the image right / left) and ``margin`` (the majority's lead,
        ``|right - left| / frames``, 0..1; NaN when no frame voted).
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2).copy()
    if visibility is not None:
        p[np.asarray(visibility).reshape(-1, 33) < 0.5] = np.nan
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN means: that frame cannot vote

        def mid(idx: list[int]) -> np.ndarray:
            return np.nanmean(p[:, idx], axis=1)

        trunk = np.hypot(*(mid([L_SHOULDER, R_SHOULDER]) - mid([L_HIP, R_HIP])).T)
        trunk[~(trunk > 0)] = np.nan
        face = (p[:, 0, 0] - mid([7, 8])[:, 0]) / trunk  # nose - ears
        feet = (mid([31, 32])[:, 0] - mid([29, 30])[:, 0]) / trunk  # toes (foot index) - heels
        face_vote = np.where(np.abs(face) >= min_fraction, np.sign(face), 0.0)
        feet_vote = np.where(np.abs(feet) >= min_fraction, np.sign(feet), 0.0)
    vote = np.where(face_vote != 0, face_vote, feet_vote)
    right, left = int((vote > 0).sum()), int((vote < 0).sum())
    n = right + left
    return {"facing": int(np.sign(right - left)), "frames": n, "right": right, "left": left,
            "margin": abs(right - left) / n if n else float("nan")}


def view_confidence(yaw_deg: float, view: str) -> float:
    """How well a yaw matches the ideal of ``view`` (a key of :data:`VIEW_YAW`), 0..1.

    1 at the ideal yaw, falling linearly to 0.5 at 30 degrees off and to 0 at 60 degrees off (an
    engineering choice). NaN yaw gives 0.5 (view not confirmed).
    """
    if not np.isfinite(yaw_deg):
        return 0.5
    off = abs(float(_wrap(VIEW_YAW[view] - yaw_deg)))
    return float(np.clip(1.0 - off / 60.0, 0.0, 1.0))
