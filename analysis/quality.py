"""Capture-quality checks on landmark tracks: is the whole body in the frame, how visible is it.

Inputs are normalised landmark coordinates (x right, y down, 0..1 inside the frame) and MediaPipe
visibility (0..1), with NaN for frames where no person was found.
"""

from __future__ import annotations

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
    xy = np.asarray(landmarks)[..., :2]
    with np.errstate(invalid="ignore"):
        inside = np.all((xy >= -IN_FRAME_MARGIN) & (xy <= 1 + IN_FRAME_MARGIN), axis=-1)
        seen = inside & (np.asarray(visibility) >= VISIBLE)
    return {name: seen[:, list(idx)].any(axis=1) for name, idx in REGIONS.items()}


def framing_advice(missing: list[str]) -> str:
    """A plain instruction for the regions that were out of the picture."""
    if not missing:
        return ""
    if "head" in missing and "feet" in missing:
        return "move the camera further away so your whole body, head to feet, is in the picture"
    if "feet" in missing or "knees" in missing:
        return "step back or tilt the camera down until your feet are in the picture"
    if "head" in missing:
        return "step back or tilt the camera up until your head is in the picture"
    return "stand in the middle of the picture with your whole body in view"


def framing_summary(landmarks: np.ndarray, visibility: np.ndarray, min_fraction: float = 0.5) -> dict:
    """Summarise how often each body region was in view over the frames with a person.

    A region counts as missing when it was seen in fewer than ``min_fraction`` of those frames.

    Returns
    -------
    dict
        ``fraction_in_frame`` per region (0..1, over frames with a person), ``whole_body_fraction``
        (frames where every region was seen), ``missing`` (list of region names) and ``advice``.
    """
    det = ~np.isnan(np.asarray(landmarks)[:, 0, 0])
    regions = region_in_frame(landmarks, visibility)
    n = int(det.sum())
    if n == 0:
        return {"fraction_in_frame": {}, "whole_body_fraction": 0.0, "missing": list(REGIONS), "advice": framing_advice(list(REGIONS))}
    frac = {k: float(v[det].mean()) for k, v in regions.items()}
    whole = float(np.all(np.stack([v[det] for v in regions.values()]), axis=0).mean())
    missing = [k for k, f in frac.items() if f < min_fraction]
    return {"fraction_in_frame": frac, "whole_body_fraction": whole, "missing": missing, "advice": framing_advice(missing)}


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
    with np.errstate(invalid="ignore"), _quiet():
        floor = np.nanmax(y[..., list(_FEET)], axis=-1)
        eye = np.nanmean(y[..., list(_EYES)], axis=-1)
        eye = np.where(np.isfinite(eye), eye, np.nanmean(y[..., [7, 8]], axis=-1))
        eye = np.where(np.isfinite(eye), eye, y[..., 0])
        h = (floor - eye) / threshold("head_top_eye_fraction")
    return np.where(h > 0, h, np.nan)


class _quiet:
    """Silence NumPy's 'All-NaN slice' / 'Mean of empty slice' RuntimeWarnings inside a block."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


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


def check_whole_body(landmarks: np.ndarray, visibility: np.ndarray, min_fraction: float = 0.5) -> Check:
    """Is the whole body (head to feet) in the picture? Wraps :func:`framing_summary`.

    Parameters
    ----------
    landmarks : ndarray, shape (T, 33, 2 or 3)
        **Normalised** coordinates (0..1 inside the frame); NaN in gap frames.
    visibility : ndarray, shape (T, 33)

    Returns
    -------
    Check
        ``value`` = fraction of frames with a person in which every region was seen. Blocking.
    """
    s = framing_summary(landmarks, visibility, min_fraction)
    det = ~np.isnan(np.asarray(landmarks)[:, 0, 0])
    if not det.any():
        return Check("whole_body", False, 0.0, "fraction of frames", "no person was found in the picture",
                     "stand in the middle of the picture, facing or side-on to the camera, with your whole body in view",
                     blocking=True)
    if not s["missing"]:
        return Check("whole_body", True, s["whole_body_fraction"], "fraction of frames", "whole body in the picture")
    return Check("whole_body", False, s["whole_body_fraction"], "fraction of frames",
                 "your " + " and ".join(s["missing"]) + " were out of the picture or hidden", s["advice"], blocking=True)


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


def check_camera_level(pixels: np.ndarray, view: str, visibility: np.ndarray | None = None) -> Check:
    """Is the camera roughly level? Judged from the floor line the feet give (an approximation).

    Side view: the heel-to-toe line (MediaPipe heel -> foot index) of the better-seen foot, which lies
    along the floor when the foot is flat. Front/back view: the line through the two heels (ankles when
    the heels are not seen), level when both feet stand on a level floor. Both assume flat feet on a
    level floor and the camera facing the person squarely; a raised heel or a step reads as tilt.

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2)
        Image points (x right, y down); low-visibility points masked as NaN.
    view : str
        ``"right side"``, ``"left side"``, ``"front"`` or ``"back"``.
    visibility : ndarray, shape (T, 33), optional
        Picks the better-seen foot in a side view.

    Returns
    -------
    Check
        ``value`` = median floor-line angle in degrees, positive when the line rises towards the
        image right (:func:`analysis.geometry.line_angle_to_horizontal`). Fails beyond
        ``quality_camera_level_max`` (5 deg). Not blocking.
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    if view in ("right side", "left side"):
        if visibility is not None:
            v = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
            left_first = np.nanmean(v[:, [29, 31]]) >= np.nanmean(v[:, [30, 32]])
        else:
            left_first = True
        order = [(29, 31), (30, 32)] if left_first else [(30, 32), (29, 31)]
        ang = geo.line_angle_to_horizontal(p[:, order[0][0]], p[:, order[0][1]])
        ang = np.where(np.isfinite(ang), ang, geo.line_angle_to_horizontal(p[:, order[1][0]], p[:, order[1][1]]))
        what = "the line along your foot"
    else:
        ang = geo.line_angle_to_horizontal(p[:, 29], p[:, 30])
        ang = np.where(np.isfinite(ang), ang, geo.line_angle_to_horizontal(p[:, 27], p[:, 28]))
        what = "the line through your heels"
    ang = ang[np.isfinite(ang)]
    if ang.size == 0:
        return Check("camera_level", True, None, "deg", "could not check whether the camera is level (feet not seen)",
                     checked=False)
    a = float(np.median(ang))
    lim = threshold("quality_camera_level_max")
    if abs(a) <= lim:
        return Check("camera_level", True, a, "deg", f"camera looks level ({what} is within {abs(a):.0f} degrees of horizontal)")
    rises = "right" if a > 0 else "left"
    return Check("camera_level", False, a, "deg",
                 f"the picture looks tilted by about {abs(a):.0f} degrees ({what} rises towards the {rises}; "
                 "judged from your feet, assuming they are flat on a level floor)",
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
                 f"you moved about {motion_pct:.1f}% of your height even in the steadiest 2 seconds",
                 "stand still, arms relaxed by your sides, for a few seconds while recording")


_LANDMARK_WORDS = {0: "face", 7: "left ear", 8: "right ear", 11: "left shoulder", 12: "right shoulder",
                   23: "left hip", 24: "right hip", 25: "left knee", 26: "right knee", 27: "left ankle",
                   28: "right ankle", 29: "left heel", 30: "right heel", 31: "left toes", 32: "right toes"}


def check_visibility(visibility: np.ndarray, required, min_fraction: float = 0.5) -> Check:
    """Are the landmarks a measurement needs seen clearly (visibility above the threshold)?

    Parameters
    ----------
    visibility : ndarray, shape (T, 33)
        Over the frames used (e.g. the steadiest window); NaN for gaps.
    required : sequence of int
        MediaPipe indices needed (e.g. the near side's ear, shoulder, hip, knee, ankle).
    min_fraction : float
        A landmark counts as seen when above the threshold in at least this fraction of frames.

    Returns
    -------
    Check
        ``value`` = the lowest per-landmark seen fraction. Blocking.
    """
    v = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)[:, list(required)]
    with np.errstate(invalid="ignore"):
        seen = np.mean(v >= visibility_threshold(), axis=0) if len(v) else np.zeros(len(required))
    bad = [int(j) for j, s in zip(required, seen) if s < min_fraction]
    worst = float(seen.min()) if seen.size else 0.0
    if not bad:
        return Check("visibility", True, worst, "fraction of frames", "all needed body points were seen clearly")
    names = ", ".join(_LANDMARK_WORDS.get(j, f"landmark {j}") for j in bad)
    return Check("visibility", False, worst, "fraction of frames", f"not seen clearly: {names}",
                 "make sure nothing hides these body parts; light the room from the front, wear fitted clothes "
                 "that contrast with the background, and keep arms from covering your hips", blocking=True)


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
        Typical body yaw (:func:`analysis.view.typical_yaw` of :func:`analysis.view.body_yaw`).
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
        In the order view, whole_body, visibility, person_size, camera_level, still. The assessment can
        go ahead when no check with ``blocking=True`` failed.
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    size = np.broadcast_to(np.asarray(image_size, dtype=np.float64), (len(lm), 2))
    px = mask_low_visibility(lm[..., :2] * size[:, None, :], visibility)
    view = check_view(yaw_deg, want)
    label = view_label(yaw_deg)
    if required is None:
        if label == "right side":
            required = (12, 24, 26, 28)
        elif label == "left side":
            required = (11, 23, 25, 27)
        else:
            required = (11, 12, 23, 24, 25, 26, 27, 28)
    checks = [view, check_whole_body(lm, visibility), check_visibility(visibility, required),
              check_person_size(px, size[:, 1])]
    checks.append(check_camera_level(px, label if label in VIEW_YAW else "front", visibility))
    checks.append(check_still(motion_pct))
    return checks
