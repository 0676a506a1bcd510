"""Capture-quality checks on landmark tracks: is the whole body in the frame, how visible is it.

Inputs are normalised landmark coordinates (x right, y down, 0..1 inside the frame) and MediaPipe
visibility (0..1), with NaN for frames where no person was found.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import numpy as np

# Body regions whose absence a user can fix by moving or turning the camera (MediaPipe indices).
REGIONS = {
    "head": (0, 7, 8),  # nose, ears
    "shoulders": (11, 12),
    "hips": (23, 24),
    "knees": (25, 26),
    "feet": (27, 28, 29, 30),  # ankles, heels
}
VISIBLE = 0.5  # engineering choice: MediaPipe visibility above which a landmark counts as seen
IN_FRAME_MARGIN = 0.0  # fraction of the frame; a landmark on the border still counts as inside


def region_in_frame(landmarks: np.ndarray, visibility: np.ndarray) -> dict[str, np.ndarray]:
    """Per region and frame, whether at least one of its landmarks is seen inside the frame.

    Parameters
    ----------
    landmarks : ndarray, shape (T, 33, 2 or 3)
        Normalised coordinates; NaN in gap frames.
    visibility : ndarray, shape (T, 33)

    Returns
    -------
    dict of str to ndarray of bool, shape (T,)
        False in gap frames.
    """
    seen = seen_in_frame(landmarks, visibility)
    return {name: seen[:, list(idx)].any(axis=1) for name, idx in REGIONS.items()}


def inside_frame(landmarks: np.ndarray) -> np.ndarray:
    """(..., 33) bool: the landmark lies inside the picture (``IN_FRAME_MARGIN`` slack).

    MediaPipe also predicts where body parts outside the picture would be, often with a visibility above 0.5,
    so a landmark counts as seen only when it is also inside the picture (:func:`seen_in_frame`). When the
    picture cuts through the neck or the shins the model may squeeze the head or the feet inside its edge, at
    full visibility: a head less than ``framing_head_min`` trunk lengths above the shoulders (upright heads sit
    0.35-0.5 above them) or feet less than ``framing_shank_min`` below the knees (0.5-0.8), within
    ``framing_edge_band`` trunk lengths of the top or bottom edge, count as out of the picture.
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    xy = lm[..., :2]
    with quiet():
        inside = np.all((xy >= -IN_FRAME_MARGIN) & (xy <= 1 + IN_FRAME_MARGIN), axis=-1)
        y = lm[..., 1]
        sh, hip = np.nanmean(y[..., [11, 12]], axis=-1), np.nanmean(y[..., [23, 24]], axis=-1)
        trunk = hip - sh  # vertical, in picture heights (an upright body; the aspect ratio cancels)
        band = threshold("framing_edge_band") * trunk
        head = np.nanmin(y[..., list(REGIONS["head"])], axis=-1)
        squeezed_head = (sh - head < threshold("framing_head_min") * trunk) & (head < band)
        knee, ankle = np.nanmean(y[..., [25, 26]], axis=-1), np.nanmax(y[..., [27, 28, 29, 30]], axis=-1)
        squeezed_feet = (ankle - knee < threshold("framing_shank_min") * trunk) & (ankle > 1.0 - band)
    inside[..., list(REGIONS["head"]) + list(_EYES)] &= ~squeezed_head[..., None]
    inside[..., list(_FEET)] &= ~squeezed_feet[..., None]
    return inside


def seen_in_frame(landmarks: np.ndarray, visibility: np.ndarray, min_visibility: float = VISIBLE) -> np.ndarray:
    """(T, 33) bool: inside the picture and seen (visibility at least ``min_visibility``)."""
    with np.errstate(invalid="ignore"):
        return inside_frame(landmarks) & (np.asarray(visibility, dtype=np.float64) >= min_visibility)


# Regions from the top of the body down: a region predicted inside the picture but hardly seen, while every
# region below it is predicted outside the picture, is taken to be out of the picture too (the picture ends
# near it and the model extrapolated it inwards: seen on a photo cut at mid-thigh with "knees" inside it).
_CHAIN = ("head", "shoulders", "hips", "knees", "feet")


def region_status(landmarks: np.ndarray, visibility: np.ndarray, min_fraction: float = 0.5) -> dict[str, str]:
    """Whether each body region was seen, over the frames with a person.

    Parameters
    ----------
    landmarks : ndarray, shape (T, 33, 2 or 3)
        Normalised coordinates (0..1 inside the picture); NaN in gap frames.
    visibility : ndarray, shape (T, 33)
    min_fraction : float
        A region counts as seen (or as inside the picture) in at least this share of the frames.

    Returns
    -------
    dict of str to str
        Per region of :data:`REGIONS`: ``"seen"`` (at least one of its landmarks inside the picture and seen
        clearly), ``"unclear"`` (most of its landmarks inside the picture but none seen clearly: hidden, dark
        or blending with the background) or ``"out"`` (out of the picture; everywhere when nobody was found).
        A region barely seen (visibility under ``framing_barely_seen``) just above regions out of the picture
        is out of it too: the picture ends there and the model extrapolated it inwards.
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    det = ~np.isnan(lm[:, 0, 0])
    if not det.any():
        return {k: "out" for k in REGIONS}
    vis = np.asarray(visibility, dtype=np.float64)[det]
    inside = inside_frame(lm[det])
    seen = seen_in_frame(lm[det], vis)
    with np.errstate(invalid="ignore"):
        barely = inside & ~(vis >= threshold("framing_barely_seen"))
    out, barely_seen = {}, {}
    for name, idx in REGIONS.items():
        idx = list(idx)
        if seen[:, idx].any(axis=1).mean() >= min_fraction:
            out[name] = "seen"
        elif (inside[:, idx].mean(axis=1) >= 0.5).mean() >= min_fraction:  # most of its points inside
            out[name] = "unclear"
            barely_seen[name] = barely[:, idx].all(axis=1).mean() >= min_fraction
        else:
            out[name] = "out"
    for i in range(len(_CHAIN) - 2, -1, -1):  # bottom-up: a barely seen region just above absent ones is out too
        name = _CHAIN[i]
        if out[name] == "unclear" and barely_seen[name] and all(out[b] == "out" for b in _CHAIN[i + 1:]):
            out[name] = "out"
    return out


def framing_advice(missing: list[str], unclear: list[str] | None = None) -> str:
    """A plain instruction for the regions out of the picture (``missing``) or not seen clearly (``unclear``)."""
    parts = []
    if missing:
        if "head" in missing and "feet" in missing:
            parts.append("move the camera further away so your whole body, head to feet, is in the picture")
        elif "feet" in missing or "knees" in missing:
            parts.append("step back or tilt the camera down until your feet are in the picture")
        elif "head" in missing:
            parts.append("step back or tilt the camera up until your head is in the picture")
        else:
            parts.append("stand in the middle of the picture with your whole body in view")
    if unclear:
        parts.append("light the room from the front, wear fitted clothes that contrast with the background, and "
                     "make sure nothing (a chair, your arms, loose clothes) hides your " + _join(unclear))
    return "; ".join(parts)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def framing_summary(landmarks: np.ndarray, visibility: np.ndarray, min_fraction: float = 0.5) -> dict:
    """Summarise how often each body region was in view over the frames with a person.

    Returns
    -------
    dict
        ``fraction_in_frame`` per region (0..1, over frames with a person: inside the picture and seen),
        ``whole_body_fraction`` (frames where every region was seen), ``status`` per region (see
        :func:`region_status`), ``missing`` (regions not seen: out of the picture or not seen clearly),
        ``out_of_picture``, ``not_clear`` and ``advice``.
    """
    det = ~np.isnan(np.asarray(landmarks)[:, 0, 0])
    regions = region_in_frame(landmarks, visibility)
    status = region_status(landmarks, visibility, min_fraction)
    out = [k for k, v in status.items() if v == "out"]
    unclear = [k for k, v in status.items() if v == "unclear"]
    n = int(det.sum())
    if n == 0:
        return {"fraction_in_frame": {}, "whole_body_fraction": 0.0, "status": status, "missing": list(REGIONS),
                "out_of_picture": list(REGIONS), "not_clear": [], "advice": framing_advice(list(REGIONS))}
    frac = {k: float(v[det].mean()) for k, v in regions.items()}
    whole = float(np.all(np.stack([v[det] for v in regions.values()]), axis=0).mean())
    return {"fraction_in_frame": frac, "whole_body_fraction": whole, "status": status, "missing": out + unclear,
            "out_of_picture": out, "not_clear": unclear, "advice": framing_advice(out, unclear)}


# ---- Structured capture checks for the standing posture assessment ----
#
# Each check returns a :class:`Check`: what was tested, whether it passed, the value it was judged on,
# and, when it failed, a reason and an instruction in plain words. Thresholds live in
# ``analysis/data/norms.toml`` (keys ``quality_*``; all engineering choices).

from dataclasses import asdict, dataclass  # noqa: E402

from analysis import geometry as geo  # noqa: E402
from analysis.norms import threshold  # noqa: E402
from analysis.view import VIEW_YAW, nearest_view, turn_advice, view_label  # noqa: E402

_FEET = (27, 28, 29, 30, 31, 32)  # ankles, heels, foot indices
_EYES = (1, 2, 3, 4, 5, 6)
REGION_NAMES = {"head": "head", "shoulders": "shoulders", "hips": "hips", "knees": "knees", "feet": "feet"}


@dataclass
class Check:
    """The result of one capture check (JSON-ready through :meth:`to_dict`).

    Attributes
    ----------
    name : str
        ``"view"``, ``"whole_body"``, ``"person_size"``, ``"camera_level"``, ``"still"``, ``"visibility"``.
    passed : bool
        True when the capture is good enough on this count (also True when it could not be checked,
        see ``checked``).
    value : float or None
        The figure the check was judged on (unit in ``unit``), None when not measurable.
    unit : str
    reason : str
        What was found, in plain words.
    advice : str
        What the user can do about it (empty when passed).
    checked : bool
        False when the check could not be made (e.g. feet not seen for the level check).
    blocking : bool
        True when a failure means the posture numbers must not be reported (wrong view, body cut off,
        landmarks unseen); False for warnings (camera tilt, sway, small figure) that only lower confidence.
    """

    name: str
    passed: bool
    value: float | None
    unit: str
    reason: str
    advice: str = ""
    checked: bool = True
    blocking: bool = False

    def to_dict(self) -> dict:
        d = asdict(self)
        if d["value"] is not None:
            d["value"] = round(float(d["value"]), 3)
        return d


def visibility_threshold() -> float:
    """MediaPipe visibility under which a landmark counts as not seen (norms ``quality_visibility_min``)."""
    return threshold("quality_visibility_min")


def mask_low_visibility(points: np.ndarray, visibility: np.ndarray, min_visibility: float | None = None) -> np.ndarray:
    """Copy of ``points`` with every landmark whose visibility is under the threshold set to NaN.

    Parameters
    ----------
    points : ndarray, shape (..., 33, D)
        Landmark coordinates (pixels, normalised or world).
    visibility : ndarray, shape (..., 33)
        MediaPipe visibility 0..1 (NaN counts as unseen).
    min_visibility : float, optional
        Default: :func:`visibility_threshold` (0.5).

    Returns
    -------
    ndarray, float64, same shape as ``points``.
    """
    thr = visibility_threshold() if min_visibility is None else min_visibility
    out = np.array(points, dtype=np.float64, copy=True)
    vis = np.asarray(visibility, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        bad = ~(vis >= thr)
    out[bad] = np.nan
    return out


def stature_px(pixels: np.ndarray) -> np.ndarray:
    """Estimated standing height of the person in pixels, per frame.

    Floor level = the lowest (largest y) of the heels, foot indices and ankles; eye level = the mean
    y of the eye landmarks (ears, then nose, when no eye is seen). MediaPipe has no head-top point, so
    stature = (floor_y - eye_y) / f with f the eye-height fraction of stature (norms
    ``head_top_eye_fraction``, 0.936, an average proportion). Assumes an upright stance and a camera
    roughly level with the body (a leaning or crouching person gives a smaller value).

    Parameters
    ----------
    pixels : ndarray, shape (..., 33, 2)
        Image points (x right, y down); NaN where unseen (mask low-visibility points first).

    Returns
    -------
    ndarray, shape (...)
        Pixels; NaN where the feet or the head are not seen.
    """
    p = np.asarray(pixels, dtype=np.float64)
    y = p[..., 1]
    with quiet():
        floor = np.nanmax(y[..., list(_FEET)], axis=-1)
        eye = np.nanmean(y[..., list(_EYES)], axis=-1)
        eye = np.where(np.isfinite(eye), eye, np.nanmean(y[..., [7, 8]], axis=-1))
        eye = np.where(np.isfinite(eye), eye, y[..., 0])
        h = (floor - eye) / threshold("head_top_eye_fraction")
    return np.where(h > 0, h, np.nan)


def torso_stature_px(pixels: np.ndarray) -> np.ndarray:
    """Standing height in pixels estimated from the torso alone, per frame, for when the feet or the head
    are not seen: hip-midpoint to shoulder-midpoint length / norms ``torso_stature_fraction`` (0.31). About
    5 % less certain than :func:`stature_px`.

    Parameters
    ----------
    pixels : ndarray, shape (..., 33, 2)
        Image points; NaN where unseen (one shoulder and one hip are enough).

    Returns
    -------
    ndarray, shape (...)
        Pixels; NaN without a shoulder or a hip.
    """
    p = np.asarray(pixels, dtype=np.float64)
    with quiet():
        trunk = np.linalg.norm(np.nanmean(p[..., [11, 12], :], axis=-2) - np.nanmean(p[..., [23, 24], :], axis=-2),
                               axis=-1)
    return np.where(trunk > 0, trunk / threshold("torso_stature_fraction"), np.nan)


def landmark_status(landmarks: np.ndarray, visibility: np.ndarray, min_fraction: float = 0.5) -> np.ndarray:
    """Per landmark over the frames with a person: ``"seen"``, ``"unclear"`` (inside the picture but not seen
    clearly) or ``"out"`` (out of the picture), as :func:`region_status` judges regions.

    Parameters
    ----------
    landmarks : ndarray, shape (T, 33, 2 or 3)
        Normalised coordinates, NaN in gap frames.
    visibility : ndarray, shape (T, 33)

    Returns
    -------
    ndarray of str, shape (33,)
    """
    lm = np.asarray(landmarks, dtype=np.float64).reshape(-1, 33, np.shape(landmarks)[-1])
    det = ~np.isnan(lm[:, 0, 0])
    out = np.full(33, "out", dtype=object)
    if not det.any():
        return out
    seen = seen_in_frame(lm[det], np.asarray(visibility, dtype=np.float64).reshape(-1, 33)[det]).mean(axis=0)
    inside = inside_frame(lm[det]).mean(axis=0)
    out[inside >= min_fraction] = "unclear"
    out[seen >= min_fraction] = "seen"
    regions = region_status(lm, visibility, min_fraction)  # a region judged out of the picture wins
    for name, idx in REGIONS.items():
        if regions[name] == "out":
            for j in idx:
                if out[j] != "seen":
                    out[j] = "out"
    return out


def missing_reason(status: np.ndarray, idx) -> str:
    """Why a number needing landmarks ``idx`` has no value, from :func:`landmark_status`: which of them were
    out of the picture and which were in it but not seen clearly; empty when all were seen."""
    out = [_LANDMARK_WORDS.get(int(j), f"landmark {j}") for j in idx if status[j] == "out"]
    unclear = [_LANDMARK_WORDS.get(int(j), f"landmark {j}") for j in idx if status[j] == "unclear"]
    parts = []
    if out:
        parts.append(_join(_dedupe(out)) + (" was" if len(_dedupe(out)) == 1 else " were") + " out of the picture")
    if unclear:
        parts.append(_join(_dedupe(unclear)) + (" was" if len(_dedupe(unclear)) == 1 else " were")
                     + " in the picture but not seen clearly")
    return ("your " + "; ".join(parts)) if parts else ""


def _dedupe(words: list[str]) -> list[str]:
    return list(dict.fromkeys(words))


def seen_points(pixels: np.ndarray, visibility: np.ndarray, frames: np.ndarray,
                image_size: np.ndarray | None = None):
    """The landmarks a measurement may use, and a function that says why a number has no value.

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2)
    visibility : ndarray, shape (T, 33)
    frames : ndarray of int
        The frames measured (the steady window), over which the reasons are judged.
    image_size : ndarray, shape (T, 2) or (2,), optional
        Frame size in pixels; when given, landmarks outside the picture are masked too.

    Returns
    -------
    points : ndarray, shape (T, 33, 2)
        ``pixels`` with unseen (and out-of-picture) landmarks set to NaN.
    why : callable
        ``why(indices, default)``: :func:`missing_reason` for those landmarks, or ``default`` when they were all
        seen or the picture's size is unknown.
    """
    p = mask_low_visibility(pixels, visibility)
    if image_size is None:
        return p, lambda idx, default: default
    size = np.broadcast_to(np.asarray(image_size, dtype=np.float64), (len(p), 2))
    norm = np.asarray(pixels, dtype=np.float64) / size[:, None, :]
    p[~inside_frame(norm)] = np.nan
    status = landmark_status(norm[frames], np.asarray(visibility)[frames])
    return p, lambda idx, default: missing_reason(status, idx) or default


def body_height_px(stature: np.ndarray, points: np.ndarray, frames: np.ndarray) -> tuple[float, str]:
    """The person's height in pixels over the window, and how it was found (words for a definition).

    From heel to eye level (:func:`stature_px`, the per-frame ``stature``) where feet and head are seen,
    otherwise from the torso (:func:`torso_stature_px` of ``points``).
    """
    from analysis.steady import window_stats

    h = window_stats(stature, frames)[0]
    if np.isfinite(h):
        return float(h), "estimated from heels to eye level / 0.936"
    h = window_stats(torso_stature_px(points), frames)[0]
    frac = threshold("torso_stature_fraction")
    return float(h), (f"estimated from your hip-to-shoulder length / {frac:g} because your feet or head were not "
                      "seen (about 5% less certain)")


@contextmanager
def quiet():
    """Silence NumPy's 'All-NaN slice' / 'Mean of empty slice' warnings and invalid or divide-by-zero values
    inside a block (NaN marks what was not seen; its warnings say nothing new)."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


_WANT = {
    "any": ("front", "back", "right side", "left side"),
    "side": ("right side", "left side"),
    "frontal": ("front", "back"),
    "front": ("front",),
    "back": ("back",),
}


def check_view(yaw_deg: float, want: str = "any") -> Check:
    """Is the person side-on, front-on or back-on to the camera (not oblique), as wanted?

    Parameters
    ----------
    yaw_deg : float
        Body yaw (see :mod:`analysis.view`: 0 = facing the camera, +90 = facing the image right,
        -90 = facing the image left, 180 = back to the camera), e.g. ``typical_yaw(body_yaw(world))``.
    want : str
        ``"any"`` (front, back or either side), ``"side"``, ``"frontal"`` (front or back), ``"front"``
        or ``"back"``.

    Returns
    -------
    Check
        ``value`` = yaw in degrees. Passes when the yaw lies within ``quality_oblique_tolerance``
        (30 deg) of an accepted view's ideal yaw; otherwise the advice says which way (the person's own
        left or right) and roughly how far to turn to the nearest accepted view. Blocking.
    """
    allowed = _WANT[want]
    tol = threshold("quality_oblique_tolerance")
    if not np.isfinite(yaw_deg):
        return Check("view", False, None, "deg", "could not tell which way you are facing",
                     "stand " + ("side-on" if want == "side" else "facing the camera" if want in ("front", "frontal")
                                 else "side-on or facing the camera") + " with your whole body in view",
                     checked=True, blocking=True)
    target = nearest_view(yaw_deg, allowed)
    off = abs(((VIEW_YAW[target] - yaw_deg) + 180.0) % 360.0 - 180.0)
    if off <= tol:
        lab = view_label(yaw_deg)
        lab = target if lab not in allowed else lab
        extra = {"right side": " (facing the picture's right)", "left side": " (facing the picture's left)"}.get(lab, "")
        return Check("view", True, float(yaw_deg), "deg", f"{lab} view{extra}, {off:.0f} degrees from square-on")
    seen = view_label(yaw_deg)
    seen = "an angle (oblique)" if seen == "oblique" else f"the {seen}"
    return Check("view", False, float(yaw_deg), "deg",
                 f"the camera sees you from {seen}, {off:.0f} degrees away from a {target} view",
                 turn_advice(yaw_deg, target), blocking=True)


def check_whole_body(landmarks: np.ndarray, visibility: np.ndarray, min_fraction: float = 0.5,
                     needed=tuple(REGIONS)) -> Check:
    """Is the whole body (head to feet) in the picture and seen clearly? Wraps :func:`framing_summary`.

    Parameters
    ----------
    landmarks : ndarray, shape (T, 33, 2 or 3)
        **Normalised** coordinates (0..1 inside the frame); NaN in gap frames.
    visibility : ndarray, shape (T, 33)
    needed : sequence of str
        Regions (keys of :data:`REGIONS`) without which nothing can be measured: the check blocks only when
        one of them is missing (default: every region, for checks that need the whole body). Other missing
        regions make a warning: they cost only the numbers that need them.

    Returns
    -------
    Check
        ``value`` = fraction of frames with a person in which every region was seen. The reason names each
        missing region as out of the picture or in the picture but not seen clearly.
    """
    s = framing_summary(landmarks, visibility, min_fraction)
    det = ~np.isnan(np.asarray(landmarks)[:, 0, 0])
    if not det.any():
        return Check("whole_body", False, 0.0, "fraction of frames", "no person was found in the picture",
                     "stand in the middle of the picture, facing or side-on to the camera, with your whole body in view",
                     blocking=True)
    if not s["missing"]:
        return Check("whole_body", True, s["whole_body_fraction"], "fraction of frames", "whole body in the picture")
    parts = []
    if s["out_of_picture"]:
        parts.append("your " + _join(s["out_of_picture"]) + " " + ("was" if s["out_of_picture"] == ["head"] else "were")
                     + " out of the picture")
    if s["not_clear"]:
        parts.append(("your " if not parts else "") + _join(s["not_clear"]) + " "
                     + ("was" if s["not_clear"] == ["head"] else "were") + " in the picture but not seen clearly")
    blocking = any(r in needed for r in s["missing"])
    reason = "; ".join(parts)
    if not blocking:
        reason += " - the numbers that need them are not measured"
    return Check("whole_body", False, s["whole_body_fraction"], "fraction of frames", reason, s["advice"],
                 blocking=blocking)


def check_person_size(pixels: np.ndarray, image_height: float | np.ndarray) -> Check:
    """Is the person large enough in the picture for angles to within a few degrees?

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2)
        Image points, low-visibility points already masked as NaN.
    image_height : float or ndarray, shape (T,)
        Frame height in pixels.

    Returns
    -------
    Check
        ``value`` = median estimated stature (:func:`stature_px`) as a fraction of the frame height.
        Fails under ``quality_person_height_min`` (0.45) with "step closer". Not blocking.
    """
    frac = stature_px(pixels) / np.asarray(image_height, dtype=np.float64)
    frac = frac[np.isfinite(frac)]
    if frac.size == 0:
        return Check("person_size", True, None, "fraction of frame height",
                     "could not check how large you are in the picture (head or feet not seen)", checked=False)
    v = float(np.median(frac))
    lo = threshold("quality_person_height_min")
    if v >= lo:
        return Check("person_size", True, v, "fraction of frame height", f"you fill {v:.0%} of the picture's height")
    return Check("person_size", False, v, "fraction of frame height",
                 f"you fill only {v:.0%} of the picture's height (at least {lo:.0%} is needed for accurate angles)",
                 "step closer to the camera (or zoom in) while keeping your head and feet in the picture")


def camera_roll_cues(pixels: np.ndarray, view: str) -> tuple[float, float, str]:
    """Two independent readings of how far the picture is rolled, from a person standing on both feet.

    * **Floor line**: side view, the heel-to-toe line (heel -> foot index) of each seen foot, along the floor
      when the foot is flat; front/back view, the line through the two heels (ankles when the heels are not
      seen), level when both feet stand on a level floor and at the same distance from the camera.
    * **Body axis**: the line from the ankle midpoint up to the shoulder midpoint, upright within a few degrees
      in quiet standing (the body's centre of mass stays over the feet).

    A rolled camera turns both the same way by the same angle; a raised heel, a foot turned out, one foot
    ahead of the other under a high camera, or a landmark error turns only the floor line, and a lean only the
    body axis.

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2)
        Image points (x right, y down); unseen and out-of-picture points masked as NaN.
    view : str
        ``"right side"``, ``"left side"``, ``"front"`` or ``"back"``.

    Returns
    -------
    floor_deg, axis_deg : float
        Median roll each cue implies, degrees, positive when the picture's content is turned counter-clockwise
        on screen (a level floor then rises towards the image right); NaN when the cue is not seen.
    what : str
        The floor line used, in words.
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    with quiet():
        if view in ("right side", "left side"):
            ang = np.stack([geo.line_angle_to_horizontal(p[:, 29], p[:, 31]),
                            geo.line_angle_to_horizontal(p[:, 30], p[:, 32])], axis=1)
            floor = np.nanmean(ang, axis=1)  # both seen feet
            what = "the line along your foot"
        else:
            floor = geo.line_angle_to_horizontal(p[:, 29], p[:, 30])
            floor = np.where(np.isfinite(floor), floor, geo.line_angle_to_horizontal(p[:, 27], p[:, 28]))
            what = "the line through your heels"
        ank = np.nanmean(p[:, [27, 28]], axis=1)
        sh = np.nanmean(p[:, [11, 12]], axis=1)
        axis = np.degrees(np.arctan2(-(sh[:, 0] - ank[:, 0]), ank[:, 1] - sh[:, 1]))  # upright line turned by the roll
        f = float(np.nanmedian(floor)) if np.isfinite(floor).any() else float("nan")
        a = float(np.nanmedian(axis)) if np.isfinite(axis).any() else float("nan")
    return f, a, what


def check_camera_level(pixels: np.ndarray, view: str) -> Check:
    """Is the camera roughly level? Judged from the floor line under the feet and the body's upright axis.

    The camera is taken to be rolled only when both cues of :func:`camera_roll_cues` turn the same way; the
    roll reported is the smaller of the two (a raised heel or a lean cannot make a level camera look rolled).
    Assumes a person standing quietly on both feet on a level floor; the assessment only asks this check
    when the activity gate has found quiet standing.

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2)
        Image points (x right, y down); unseen and out-of-picture points masked as NaN.
    view : str
        ``"right side"``, ``"left side"``, ``"front"`` or ``"back"``.

    Returns
    -------
    Check
        ``value`` = roll in degrees, positive when a level floor would rise towards the image right
        (:func:`analysis.geometry.line_angle_to_horizontal`). Fails beyond ``quality_camera_level_max`` (5 deg);
        not checked when the feet are not seen, or when the reading exceeds ``camera_roll_plausible_max`` (a
        roll nobody sets by accident: a landmark error). Not blocking.
    """
    f, a, what = camera_roll_cues(pixels, view)
    if not np.isfinite(f):
        return Check("camera_level", True, None, "deg", "could not check whether the camera is level (feet not seen)",
                     checked=False)
    if not np.isfinite(a):
        return Check("camera_level", True, None, "deg",
                     "could not check whether the camera is level (ankles or shoulders not seen)", checked=False)
    roll = float(np.sign(f) * min(abs(f), abs(a))) if np.sign(f) == np.sign(a) else 0.0
    lim = threshold("quality_camera_level_max")
    if abs(roll) > threshold("camera_roll_plausible_max"):
        return Check("camera_level", True, None, "deg",
                     f"could not judge whether the camera is level: the feet and body lines read a tilt of over "
                     f"{threshold('camera_roll_plausible_max'):.0f} degrees, more than a camera is tilted by accident "
                     "(probably a landmark error)", checked=False)
    if abs(roll) <= lim:
        how = "level" if abs(roll) < 1 else f"level enough (about {abs(roll):.0f} of the {lim:.0f} degrees allowed)"
        return Check("camera_level", True, roll, "deg", f"camera looks {how}, judged from {what} and your upright body")
    rises = "right" if roll > 0 else "left"
    return Check("camera_level", False, roll, "deg",
                 f"the picture looks tilted by about {abs(roll):.0f} degrees ({what} rises towards the {rises} and "
                 "your upright body leans the same way)",
                 "set the camera upright and level, e.g. stand the phone on a flat shelf or straighten the tripod")


def check_still(motion_pct: float | None) -> Check:
    """Did the person stand still? Judged on the motion figure of the steadiest window.

    Parameters
    ----------
    motion_pct : float or None
        RMS sway of shoulders and hips over the steadiest window, % of stature
        (:attr:`analysis.steady.SteadyWindow.motion`); None for a photo.

    Returns
    -------
    Check
        Fails above ``quality_still_max_motion`` (1 % height). Not blocking (values then carry a
        larger spread).
    """
    if motion_pct is None or not np.isfinite(motion_pct):
        return Check("still", True, None, "% height", "a single picture: nothing to check", checked=False)
    lim = threshold("quality_still_max_motion")
    if motion_pct <= lim:
        return Check("still", True, float(motion_pct), "% height", "you stood still")
    return Check("still", False, float(motion_pct), "% height",
                 f"you (or the camera) moved about {motion_pct:.1f}% of your height even in the steadiest 2 seconds",
                 "stand still, arms relaxed by your sides, for a few seconds while recording (the camera propped "
                 "up, not held)")


_LANDMARK_WORDS = {0: "face", 2: "left eye", 5: "right eye", 7: "left ear", 8: "right ear", 11: "left shoulder", 12: "right shoulder",
                   23: "left hip", 24: "right hip", 25: "left knee", 26: "right knee", 27: "left ankle",
                   28: "right ankle", 29: "left heel", 30: "right heel", 31: "left toes", 32: "right toes"}


def check_visibility(visibility: np.ndarray, required, min_fraction: float = 0.5, *, landmarks: np.ndarray | None = None,
                     needed=None, skip=()) -> Check:
    """Are the landmarks a measurement needs seen clearly (visibility above the threshold)?

    Parameters
    ----------
    visibility : ndarray, shape (T, 33)
        Over the frames used (e.g. the steadiest window); NaN for gaps.
    required : sequence of int
        MediaPipe indices needed (e.g. the near side's ear, shoulder, hip, knee, ankle).
    min_fraction : float
        A landmark counts as seen when above the threshold in at least this fraction of frames.
    landmarks : ndarray, shape (T, 33, 2 or 3), optional
        Normalised coordinates: a landmark must then also lie inside the picture, and one that does not is
        reported as out of the picture rather than not seen clearly.
    needed : sequence of int, optional
        The required landmarks without which nothing can be measured; the check blocks only when one of them
        is missing. Default: all of ``required`` (any missing landmark blocks).
    skip : sequence of int
        Landmarks not to report (e.g. those of a region another check already named).

    Returns
    -------
    Check
        ``value`` = the lowest per-landmark seen fraction.
    """
    v = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    ok = np.asarray(v >= visibility_threshold()) if landmarks is None else \
        seen_in_frame(np.asarray(landmarks).reshape(len(v), 33, -1), v, visibility_threshold())
    inside = np.ones_like(ok) if landmarks is None else inside_frame(np.asarray(landmarks).reshape(len(v), 33, -1))
    req = list(required)
    seen = ok[:, req].mean(axis=0) if len(v) else np.zeros(len(req))
    bad = [int(j) for j, f in zip(req, seen) if f < min_fraction]
    worst = float(seen.min()) if seen.size else 0.0
    report = [j for j in bad if j not in set(skip)]
    needed = req if needed is None else list(needed)
    blocking = any(j in needed for j in bad)
    if not report and not blocking:
        return Check("visibility", True, worst, "fraction of frames",
                     "all needed body points were seen clearly" if not bad else "the other needed body points were seen clearly")
    report = report or bad
    out = [j for j in report if inside[:, j].mean() < min_fraction]
    unclear = [j for j in report if j not in out]
    parts = []
    if unclear:
        parts.append("not seen clearly: " + ", ".join(_LANDMARK_WORDS.get(j, f"landmark {j}") for j in unclear))
    if out:
        parts.append("out of the picture: " + ", ".join(_LANDMARK_WORDS.get(j, f"landmark {j}") for j in out))
    advice = []
    if unclear:
        advice.append("make sure nothing hides these body parts; light the room from the front, wear fitted clothes "
                      "that contrast with the background, and keep arms from covering your hips")
    if out:
        advice.append("stand so that these body parts are in the picture")
    return Check("visibility", False, worst, "fraction of frames", "; ".join(parts), "; ".join(advice),
                 blocking=blocking)


CORE_REGIONS = ("shoulders", "hips")  # without them no standing number can be measured


def capture_checks(landmarks: np.ndarray, visibility: np.ndarray, image_size: np.ndarray, yaw_deg: float,
                   want: str = "any", motion_pct: float | None = None, required=None) -> list[Check]:
    """Run every capture check on a track (or the steadiest window of it).

    Parameters
    ----------
    landmarks : ndarray, shape (T, 33, 3 or 2)
        **Normalised** coordinates (PoseSequence.landmarks), NaN in gap frames.
    visibility : ndarray, shape (T, 33)
    image_size : ndarray, shape (T, 2) or (2,)
        Frame (width, height) in pixels.
    yaw_deg : float
        Typical body yaw (:func:`analysis.view.view_yaw`).
    want : str
        Accepted views, see :func:`check_view`.
    motion_pct : float, optional
        Motion figure of the steadiest window (:func:`analysis.steady.steadiest_window`).
    required : sequence of int, optional
        Landmarks needed for the visibility check; default shoulders, hips, knees and ankles of both
        sides in a front/back view, of the camera-facing side in a side view.

    Returns
    -------
    list of Check
        In the order view, whole_body, visibility, person_size, camera_level, still. Missing shoulders or
        hips block (nothing can be measured without them); other missing parts are warnings that cost only the
        numbers needing them. The assessment can go ahead when no check with ``blocking=True`` failed.
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    size = np.broadcast_to(np.asarray(image_size, dtype=np.float64), (len(lm), 2))
    px = lm[..., :2] * size[:, None, :]
    px[~seen_in_frame(lm, visibility, visibility_threshold())] = np.nan
    view = check_view(yaw_deg, want)
    label = view_label(yaw_deg)
    if required is None:
        if label == "right side":
            required = (12, 24, 26, 28)
        elif label == "left side":
            required = (11, 23, 25, 27)
        else:
            required = (11, 12, 23, 24, 25, 26, 27, 28)
    core = [j for j in required if j in (11, 12, 23, 24)]
    whole = check_whole_body(lm, visibility, needed=CORE_REGIONS)
    status = framing_summary(lm, visibility)["status"]
    named = [j for r, st in status.items() if st != "seen" for j in REGIONS[r]]  # already named by whole_body
    checks = [view, whole, check_visibility(visibility, required, landmarks=lm, needed=core, skip=named),
              check_person_size(px, size[:, 1])]
    checks.append(check_camera_level(px, label if label in VIEW_YAW else "front"))
    checks.append(check_still(motion_pct))
    return checks
