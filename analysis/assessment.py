"""The whole standing-posture assessment of one capture, as a plain JSON-ready data structure.

Inputs are the arrays of a landmark track (pixels, visibility, world landmarks, timestamps, frame sizes
and optionally the silhouette outlines); the output is a dict with the view, the steadiest window, the
capture checks (each with advice a user can act on), the metrics (each a :class:`~analysis.metric.Metric`
with unit, definition, kind, confidence, spread, usual range and a plain reading), the spinal
compensation curve and a hedged posture-type reading. Nothing here decides a diagnosis.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from analysis.activity import activity_check, classify_activity, leg_foreshortened
from analysis.gates import settle
from analysis.metric import Metric
from analysis.pelvis import (apply_calibration, estimate_pelvic_tilt, estimate_reading, reading_tilt,
                             retest_pelvic_tilt)
from analysis.plausibility import screen, screen_all
from analysis.posture_front import front_metrics
from analysis.posture_side import side_metrics
from analysis.quality import capture_checks, seen_in_frame
from analysis.segmentation import spread_frames
from analysis.silhouette import trunk_profile
from analysis.spine import depth_reading, posture_type, spinal_curve
from analysis.steady import steadiest_window
from analysis.view import facing_sign, view_confidence, view_label, view_yaw

MAX_OUTLINE_FRAMES = 15  # silhouette estimates use at most this many frames of the steady window

HONESTY = (
    "Measurements come from the pose model's landmarks; pelvic tilt and the spinal curve are estimates from "
    "the body's outline. This is a screen, not a diagnosis. In published studies anterior pelvic tilt is the "
    "norm (about 85% of men and 75% of women, Herrington 2011) and links between tilt, muscle length and "
    "back pain are weak."
)


def aggregate(per_frame: list[Metric]) -> Metric:
    """One metric from per-frame values of the same metric: the median, its spread and the share measured.

    The reading, definition and extras come from the frame whose value is nearest the median; the
    confidence is that frame's, scaled by the share of frames that gave a value. Without any value, the
    first frame's reason is kept.
    """
    vals = np.array([m.value if m.value is not None else np.nan for m in per_frame], dtype=float)
    ok = np.isfinite(vals)
    if not ok.any():
        return per_frame[0]
    med = float(np.median(vals[ok]))
    rep = per_frame[int(np.nanargmin(np.where(ok, np.abs(vals - med), np.nan)))]
    spread = float(np.std(vals[ok], ddof=1)) if ok.sum() > 1 else None
    conf = rep.confidence * float(ok.mean())
    extra = dict(rep.extra, frames_measured=int(ok.sum()), frames_tried=len(per_frame))
    return replace(rep, value=med, spread=spread, confidence=conf, status="unknown", extra=extra)


def silhouette_estimates(pixels: np.ndarray, visibility: np.ndarray, outline: np.ndarray | None,
                         frames: np.ndarray, facing: int, base_confidence: float,
                         retest: tuple | None = None) -> tuple[list[Metric], dict]:
    """Pelvic-tilt estimate, lordosis and kyphosis depths and the spinal curve over the given frames.

    ``retest`` (a photo): a second reading of it, ``(pixels (33, 2), visibility (33,), outline (K, 2) or None)`` in
    the photo's pixels; the tilt estimate is then read on both (:func:`analysis.pelvis.retest_pelvic_tilt`), and
    where they disagree the lordosis depth, read from the same low-back hollow, is not given either.

    Returns the three metrics (aggregated over frames) and a dict with the median curve (``heights`` 0 =
    hip level .. 1 = shoulder level, ``offset`` fraction of trunk length, + = posterior) and the posture
    type with its reason.
    """
    if outline is None:
        why = "no body outline was computed (run with segmentation on) - the estimate needs one"
        sc = spinal_curve(None, reason=why)
        tilt = estimate_pelvic_tilt(None, pixels[frames[0]], visibility[frames[0]], facing)
        return [tilt, sc.lordosis, sc.kyphosis], {"heights": sc.heights.tolist(), "offset": [None] * len(sc.heights),
                                                  "posture_type": "unknown", "posture_reason": why}
    tilts, lords, kyphs, offsets = [], [], [], []
    heights, back_edge = None, None
    key = frames[len(frames) // 2]
    for i in np.union1d(spread_frames(frames, MAX_OUTLINE_FRAMES), [key]):
        o = outline[i] if np.all(np.isfinite(outline[i])) else None
        prof, why = None, "no body outline for this frame"
        if o is not None:
            try:
                prof = trunk_profile(o, pixels[i], facing)
            except ValueError as e:
                why = f"could not read the body outline: {e}"
        tilts.append(estimate_pelvic_tilt(o, pixels[i], visibility[i], facing, profile=prof))
        sc = spinal_curve(prof, pixels[i], base_confidence, reason=why)
        if i == key and prof is not None:
            inside = (prof.heights >= 0) & (prof.heights <= 1)
            back_edge = prof.to_pixels(prof.heights[inside], prof.back[inside])
        lords.append(sc.lordosis)
        kyphs.append(sc.kyphosis)
        offsets.append(sc.offset)
        heights = sc.heights
    # readings from the aggregated values; implausible depths are dropped before the posture type reads them
    lord, kyph = (depth_reading(screen(aggregate(x))) for x in (lords, kyphs))
    tilt = aggregate(tilts)
    if retest is not None:
        tilt = retest_pelvic_tilt(tilt, reading_tilt(retest, facing))
        disagreed = tilt.value is None and (tilt.extra.get("retest") or {}).get("value") is not None
        if disagreed and lord.value is not None:  # the two readings disagreed on the same low-back hollow
            lord = replace(lord, value=None, spread=None, status="unknown", reading="",
                           reason=f"read from the same low-back outline as the pelvic tilt: {tilt.reason[0].lower()}"
                                  f"{tilt.reason[1:]}")
    if tilt.value is not None:
        tilt = replace(tilt, reading=estimate_reading(tilt.value, tilt.confidence))
    with np.errstate(all="ignore"):
        off = np.nanmedian(np.stack(offsets), axis=0) if offsets else np.array([])
    ptype, reason, _ = posture_type(lord.value, kyph.value, pixels[key], facing)
    curve = {"heights": [round(float(h), 4) for h in heights],
             "offset": [None if not math.isfinite(v) else round(float(v), 5) for v in off],
             "posture_type": ptype, "posture_reason": reason,
             "key_frame_back_edge_px": None if back_edge is None else
             [[None if not math.isfinite(c) else round(float(c), 1) for c in p] for p in back_edge]}
    return [tilt, lord, kyph], curve


def assess_standing(pixels: np.ndarray, visibility: np.ndarray, world: np.ndarray, image_size: np.ndarray,
                    timestamps: np.ndarray | None = None, outline: np.ndarray | None = None, *,
                    height_cm: float | None = None, want: str = "any",
                    calibration: tuple[float, str] | None = None, retest: tuple | None = None) -> dict:
    """Assess standing posture from a photo or clip.

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2)
        Landmark pixels (x right, y down), NaN where no person was found.
    visibility : ndarray, shape (T, 33)
    world : ndarray, shape (T, 33, 3)
        World landmarks in metres (for the view).
    image_size : ndarray, shape (T, 2)
        Frame (width, height) in pixels.
    timestamps : ndarray, shape (T,), optional
        Seconds; None or a single frame means a photo.
    outline : ndarray, shape (T, K, 2), optional
        Silhouette outlines in pixels (NaN where none); needed for the pelvic-tilt estimate and spine curve.
    height_cm : float, optional
        The person's height: plumb-line and shift offsets are then in cm instead of % of height.
    want : str
        Which views are accepted: ``"any"``, ``"side"``, ``"frontal"``, ``"front"`` or ``"back"``.
    calibration : (offset_deg, date), optional
        The person's stored ASIS/PSIS calibration, applied to the pelvic-tilt estimate.
    retest : tuple, optional
        A photo's second reading (its mirror image read again, mapped back): ``(pixels (33, 2), visibility (33,),
        outline (K, 2) or None)``, or ``(None, None, None)`` when it found nobody; the pelvic-tilt estimate is read
        on both (:func:`silhouette_estimates`).

    Returns
    -------
    dict
        ``ok`` (metrics were computed), ``view`` (label, yaw_deg, facing), ``activity`` (what the person
        was doing, :class:`~analysis.activity.ActivityReading`; the window lies in its quiet standing),
        ``window`` (steadiest frames),
        ``key_frame`` (track position of the frame to show: the middle of the window),
        ``checks`` (list of :class:`~analysis.quality.Check` dicts), ``metrics`` (list of Metric dicts),
        ``spinal_curve`` (side views with outlines), ``notes`` (what the numbers are and are not).
    """
    pixels = np.asarray(pixels, dtype=np.float64)
    visibility = np.asarray(visibility, dtype=np.float64)
    image_size = np.asarray(image_size, dtype=np.float64)
    det = np.isfinite(pixels[:, 0, 0])
    result: dict = {"ok": False, "view": None, "window": None, "key_frame": None, "checks": [], "metrics": [],
                    "spinal_curve": None, "notes": [HONESTY]}
    if not det.any():
        result["notes"].insert(0, "No person was found, so nothing could be measured.")
        return result
    landmarks_norm = pixels / image_size[:, None, :]
    seen = seen_in_frame(landmarks_norm, visibility)
    yaw = view_yaw(np.asarray(world)[det], np.where(seen[det][..., None], pixels[det], np.nan))
    label = view_label(yaw)
    facing = facing_sign(yaw)
    result["view"] = {"label": label, "yaw_deg": round(yaw, 1), "facing": facing}
    is_clip = timestamps is not None and len(timestamps) > 1
    activity = classify_activity(pixels, visibility, world, image_size, timestamps if is_clip else None)
    result["activity"] = activity.to_dict()
    # the steadiest window is taken inside the quiet standing (all frames when there is none, to show them)
    win = steadiest_window(pixels, visibility, timestamps if is_clip else None,
                           usable=activity.quiet if activity.standing else None)
    result["window"] = win.to_dict()
    frames = win.indices
    result["key_frame"] = int(frames[len(frames) // 2])  # track position of the frame to show
    one_leg = activity.frames == "one_leg"
    drawn_short = float(leg_foreshortened(pixels)[one_leg].mean()) \
        if one_leg.any() and label in ("left side", "right side") else 0.0
    checks = [activity_check(activity, is_clip, drawn_short)] + capture_checks(
        landmarks_norm[frames], visibility[frames], image_size[frames], yaw, want, win.motion)
    result["checks"] = [c.to_dict() for c in checks]
    if settle(result)["blocked_by"]:
        return result
    vc = view_confidence(yaw, label)
    ts = np.asarray(timestamps) if is_clip else None
    if label in ("left side", "right side"):
        metrics = list(side_metrics(pixels, visibility, facing, height_cm, frames, vc, ts,
                                    image_size=image_size).values())
        extra, curve = silhouette_estimates(pixels, visibility, outline, frames, facing, vc, retest)
        if calibration is not None:
            extra[0] = apply_calibration(extra[0], *calibration)
        metrics = extra[:1] + metrics + extra[1:]
        result["spinal_curve"] = curve
    else:
        metrics = list(front_metrics(pixels, visibility, label, height_cm, frames, vc, ts,
                                     image_size=image_size).values())
    metrics, plausible = screen_all(metrics, height_cm)
    result["metrics"] = [m.to_dict() for m in metrics]
    result["checks"].append(plausible.to_dict())
    result["ok"] = any(m.value is not None for m in metrics)
    return settle(result)
