"""Standing posture seen from the front or the back: hip and shoulder lines, trunk shift, knees, head.

All numbers are **direct 2D measurements** from MediaPipe landmarks in image pixels (x right, y down),
as :class:`analysis.metric.Metric` records (``kind="measurement"``). Conventions:

* "Left"/"right" are the person's own sides (MediaPipe's labels). Line tilts use
  :func:`analysis.geometry.elevation_angle` (left point raised above the right one), which does not
  depend on which side of the picture the left point is on, so **a front and a back view give the
  same sign**: + = the person's LEFT side higher.
* Sideways shifts are signed towards the person's left (+). The person's left in the picture is
  taken from the landmarks themselves (left hip and shoulder to the image right of the right ones in
  a front view, to the image left in a back view); a disagreement with the ``view`` given is noted
  in the metric's ``extra`` and lowers its confidence (MediaPipe may have swapped the sides).
* Knee alignment per side: 180 minus the hip-knee-ankle angle as seen, + = valgus (knee towards the
  midline, knock-knee), - = varus (knee away from the midline, bow-leg).
* Distances in cm when the person's height is given, else in % of height (height in pixels from
  heels to eye level / 0.936, :func:`analysis.quality.stature_px`).
"""

from __future__ import annotations

import numpy as np

from analysis import geometry as geo
from analysis.filtering import smooth_track
from analysis.metric import Metric
from analysis.norms import norm
from analysis.posture_side import scaled_norm, build_metric, deg_words
from analysis.quality import body_height_px, seen_points, stature_px

L_SH, R_SH, L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANK, R_ANK = 11, 12, 23, 24, 25, 26, 27, 28
L_EAR, R_EAR, L_EYE, R_EYE = 7, 8, 2, 5


def left_direction(pixels: np.ndarray) -> int:
    """Which image direction is the person's left: +1 = image right (front view), -1 = image left (back).

    From the median over frames of (left - right) x of the hips and shoulders; 0 when unknown.
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    d = (p[:, L_HIP, 0] - p[:, R_HIP, 0]) + (p[:, L_SH, 0] - p[:, R_SH, 0])
    d = d[np.isfinite(d)]
    return int(np.sign(np.median(d))) if d.size else 0


def front_series(pixels: np.ndarray, left_dir: int) -> dict[str, np.ndarray]:
    """Per-frame front/back-view quantities from (already masked / smoothed) pixel landmarks.

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2)
        Image points (x right, y down), NaN where unseen.
    left_dir : int
        +1 when the person's left is towards the image right (front view), -1 (back view).

    Returns
    -------
    dict of str to ndarray, shape (T,)
        ``pelvic_obliquity`` and ``shoulder_tilt`` (deg, + = left side higher), ``head_tilt`` (deg,
        + = left ear higher; eyes where the ears are not seen), ``trunk_shift_px`` (shoulder midpoint
        beside the hip midpoint, px, + = towards the person's left), ``pelvic_shift_px`` (hip midpoint
        beside the ankle midpoint), ``knee_frontal_left``/``knee_frontal_right`` (deg, + valgus,
        - varus) and ``stature_px``.
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    out = {"pelvic_obliquity": geo.elevation_angle(p[:, L_HIP], p[:, R_HIP]),
           "shoulder_tilt": geo.elevation_angle(p[:, L_SH], p[:, R_SH])}
    ht = geo.elevation_angle(p[:, L_EAR], p[:, R_EAR])
    out["head_tilt"] = np.where(np.isfinite(ht), ht, geo.elevation_angle(p[:, L_EYE], p[:, R_EYE]))
    sh_mid = (p[:, L_SH] + p[:, R_SH]) / 2
    hip_mid = (p[:, L_HIP] + p[:, R_HIP]) / 2
    ank_mid = (p[:, L_ANK] + p[:, R_ANK]) / 2
    out["trunk_shift_px"] = (sh_mid[:, 0] - hip_mid[:, 0]) * left_dir
    out["pelvic_shift_px"] = (hip_mid[:, 0] - ank_mid[:, 0]) * left_dir
    for side, (h, k, a), medial in (("left", (L_HIP, L_KNEE, L_ANK), -left_dir),
                                    ("right", (R_HIP, R_KNEE, R_ANK), left_dir)):
        hip, knee, ank = p[:, h], p[:, k], p[:, a]
        dev = 180.0 - geo.angle_at(hip, knee, ank)
        # x of the hip-ankle line at the knee's height; knee beyond it towards the midline = valgus
        with np.errstate(invalid="ignore", divide="ignore"):
            tt = (knee[:, 1] - hip[:, 1]) / (ank[:, 1] - hip[:, 1])
        x_line = hip[:, 0] + tt * (ank[:, 0] - hip[:, 0])
        sign = np.sign((knee[:, 0] - x_line) * medial)
        out[f"knee_frontal_{side}"] = dev * np.where(np.isfinite(sign), sign, np.nan)
    out["stature_px"] = stature_px(p)
    return out


def front_metrics(pixels: np.ndarray, visibility: np.ndarray, view: str = "front", height_cm: float | None = None,
                  frames: np.ndarray | None = None, view_confidence: float = 1.0,
                  timestamps: np.ndarray | None = None, smooth: bool = True,
                  image_size: np.ndarray | None = None) -> dict[str, Metric]:
    """Standing front- or back-view posture metrics over a window of frames.

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2) or (33, 2)
        MediaPipe landmarks in image pixels, NaN in gap frames.
    visibility : ndarray, shape (T, 33) or (33,)
        Landmarks under the visibility threshold (norms ``quality_visibility_min``) are not used.
    view : str
        ``"front"`` or ``"back"`` (:func:`analysis.view.view_label`); used to check the landmarks' own
        left-right order.
    height_cm : float, optional
        The person's height: shifts in cm, otherwise % of height.
    frames : ndarray of int, optional
        The steady window; default all frames.
    view_confidence : float
        0..1 factor for how square-on the view is.
    timestamps : ndarray, shape (T,), optional
        A clip: smooth the masked track first (gap fill + 6 Hz zero-lag Butterworth).
    image_size : ndarray, shape (T, 2) or (2,), optional
        Frame size in pixels: landmarks outside the picture are then not used, and a metric without a value
        says which body points were out of the picture or in it but not seen clearly.

    Returns
    -------
    dict of str to Metric
        ``pelvic_obliquity``, ``shoulder_tilt``, ``lateral_trunk_shift``, ``lateral_pelvic_shift``,
        ``knee_frontal_left``, ``knee_frontal_right``, ``head_tilt``.
    """
    if view not in ("front", "back"):
        raise ValueError(f"view must be 'front' or 'back', not {view!r}")
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    frames = np.arange(len(p)) if frames is None else np.asarray(frames, dtype=int)
    pm, why = seen_points(p, vis, frames, image_size)
    if timestamps is not None and smooth and len(pm) > 1:
        pm = smooth_track(pm, timestamps)
    expected = 1 if view == "front" else -1
    seen_dir = left_direction(pm[frames])
    vc = view_confidence
    note = {}
    if seen_dir == 0:
        seen_dir = expected
    elif seen_dir != expected:
        note = {"warning": f"the landmarks put your left side where a {view} view puts your right; "
                           "left/right may be swapped, so check the signs"}
        vc *= 0.5
    ser = front_series(pm, seen_dir)
    common = f" {view.capitalize()} view; left/right are the person's own sides."
    out: dict[str, Metric] = {}

    def tilt_words(side_word):
        def f(v):
            if abs(v) < 0.5:
                return "level"
            return f"{deg_words(v, 1)}, {'left' if v > 0 else 'right'} {side_word} higher"
        return f

    out["pelvic_obliquity"] = build_metric(
        "pelvic_obliquity", "Hip line (pelvic obliquity)", ser["pelvic_obliquity"], frames, "deg",
        "Angle of the line through the two hip landmarks (hip joint centres) to the image horizontal, degrees; "
        "+ = the person's left hip higher, - = right hip higher (same sign in front and back views). "
        "MediaPipe's hip points are inside the body and tend to under-read this tilt." + common,
        norm("pelvic_obliquity"), vis, (L_HIP, R_HIP), vc, ("", ""), missing=why((L_HIP, R_HIP), "hips not seen clearly"),
        describe=tilt_words("hip"), extra=dict(note))
    out["shoulder_tilt"] = build_metric(
        "shoulder_tilt", "Shoulder line", ser["shoulder_tilt"], frames, "deg",
        "Angle of the line through the two shoulder landmarks to the image horizontal, degrees; + = the "
        "person's left shoulder higher." + common, norm("shoulder_tilt"), vis, (L_SH, R_SH), vc, ("", ""),
        missing=why((L_SH, R_SH), "shoulders not seen clearly"), describe=tilt_words("shoulder"), extra=dict(note))
    out["head_tilt"] = build_metric(
        "head_tilt", "Head tilt", ser["head_tilt"], frames, "deg",
        "Angle of the line through the ears (the eyes when an ear is not seen) to the image horizontal, "
        "degrees; + = left ear higher (head tilted towards the right shoulder)." + common, norm("head_tilt"),
        vis, (L_EAR, R_EAR), vc, ("", ""), missing=why((L_EAR, R_EAR, L_EYE, R_EYE), "ears and eyes not seen clearly"), describe=tilt_words("ear"),
        extra=dict(note))

    h_px, how = body_height_px(ser["stature_px"], pm, frames)
    if height_cm is not None and height_cm > 0:
        unit, factor = "cm", height_cm / h_px if np.isfinite(h_px) else np.nan
        scale_txt = f"in cm from your height ({height_cm:g} cm) over your height in pixels ({how})"
    else:
        unit, factor = "% height", 100.0 / h_px if np.isfinite(h_px) else np.nan
        scale_txt = f"as % of your height in pixels ({how})"
    no_scale = "" if np.isfinite(factor) else " (your height in the picture could not be estimated)"
    hc = height_cm if unit == "cm" else None
    out["lateral_trunk_shift"] = build_metric(
        "lateral_trunk_shift", "Trunk shift sideways", ser["trunk_shift_px"] * factor, frames, unit,
        f"Horizontal distance of the shoulder midpoint from the hip midpoint, {scale_txt}; + = shoulders "
        "shifted towards the person's left, - = right." + common, scaled_norm("lateral_trunk_shift", hc), vis,
        (L_SH, R_SH, L_HIP, R_HIP), vc, ("to your left", "to your right"),
        missing=why((L_SH, R_SH, L_HIP, R_HIP), "shoulders or hips not seen clearly") + no_scale, extra=dict(note))
    out["lateral_pelvic_shift"] = build_metric(
        "lateral_pelvic_shift", "Pelvis shift sideways", ser["pelvic_shift_px"] * factor, frames, unit,
        f"Horizontal distance of the hip midpoint from the ankle midpoint, {scale_txt}; + = pelvis shifted "
        "towards the person's left, - = right." + common, scaled_norm("lateral_pelvic_shift", hc), vis,
        (L_HIP, R_HIP, L_ANK, R_ANK), vc, ("to your left", "to your right"),
        missing=why((L_HIP, R_HIP, L_ANK, R_ANK), "hips or ankles not seen clearly") + no_scale, extra=dict(note))

    def knee_words(v):
        if abs(v) < 0.5:
            return "straight"
        return deg_words(v) + " " + ("inwards (valgus, knock-knee)" if v > 0 else "outwards (varus, bow-leg)")

    for side, idx in (("left", (L_HIP, L_KNEE, L_ANK)), ("right", (R_HIP, R_KNEE, R_ANK))):
        out[f"knee_frontal_{side}"] = build_metric(
            f"knee_frontal_{side}", f"{side.capitalize()} knee alignment", ser[f"knee_frontal_{side}"], frames,
            "deg", "180 minus the hip-knee-ankle angle seen front- or back-on, degrees; + = valgus (knee towards "
            "the midline), - = varus (knee away from it). Turned-out feet or bent knees change the 2D angle."
            + common, norm("knee_frontal_angle"), vis, idx, vc, ("", ""), side=side,
            missing=why(idx, f"{side} hip, knee or ankle not seen clearly"), describe=knee_words, extra=dict(note))
    return out
