"""Standing posture seen from the side: trunk, hip and knee angles, head position, plumb-line offsets.

All numbers are **direct 2D measurements** from MediaPipe landmarks in image pixels (x right, y down),
reported as :class:`analysis.metric.Metric` records with ``kind="measurement"``. Conventions:

* "Forward" is the way the person faces in the picture (``facing = +1`` when facing the image right,
  ``-1`` when facing the image left; see :func:`analysis.view.facing_sign`). Every signed side-view
  metric is positive forward, so a left-facing and a right-facing person give the same numbers.
* The near-side limb (towards the camera) is used: the side whose shoulder, hip, knee, ankle and ear
  have the higher mean visibility, the side implied by ``facing`` on a tie (facing image right shows
  the right side).
* Angles are degrees. Horizontal offsets are in centimetres when the person's height is given,
  otherwise in % of height. The height in pixels is estimated from heels to eye level divided by the
  eye-height fraction of stature (0.936, :func:`analysis.quality.stature_px`) - an approximation
  with a few per cent of error that carries into the cm values.
* The value of a metric over a clip is the median over the steady window, its ``spread`` the SD over
  that window (None for a photo).
"""

from __future__ import annotations

import numpy as np

from analysis import geometry as geo
from analysis.metric import Metric
from analysis.norms import Norm, norm
from analysis.quality import quiet, body_height_px, seen_points, stature_px
from analysis.filtering import smooth_track
from analysis.steady import window_stats

# MediaPipe indices per side
SIDE_IDX = {
    "left": {"ear": 7, "shoulder": 11, "hip": 23, "knee": 25, "ankle": 27, "heel": 29, "toe": 31},
    "right": {"ear": 8, "shoulder": 12, "hip": 24, "knee": 26, "ankle": 28, "heel": 30, "toe": 32},
}
_FACING_WORDS = {"image_right": 1, "image_left": -1, "right side": 1, "left side": -1, "right": 1, "left": -1}


def facing_to_sign(facing) -> int:
    """+1 (facing the image right) or -1 (image left) from an int or a label.

    Accepts ``+1``/``-1``, the truth labels ``"image_right"``/``"image_left"`` and the view labels
    ``"right side"``/``"left side"`` of :func:`analysis.view.view_label`.
    """
    if isinstance(facing, str):
        try:
            return _FACING_WORDS[facing]
        except KeyError:
            raise ValueError(f"facing must be +1, -1 or one of {sorted(_FACING_WORDS)}, not {facing!r}") from None
    s = int(np.sign(facing))
    if s == 0:
        raise ValueError("facing must be +1 (image right) or -1 (image left) for a side view")
    return s


def near_side(visibility: np.ndarray, facing) -> str:
    """The body side towards the camera in a side view: ``"left"`` or ``"right"``.

    The side whose ear, shoulder, hip, knee and ankle have the higher mean visibility; on a tie (within
    0.02) the side implied by ``facing`` (facing the image right shows the right side).
    """
    v = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    with quiet():
        vl = np.nanmean(v[:, [SIDE_IDX["left"][k] for k in ("ear", "shoulder", "hip", "knee", "ankle")]])
        vr = np.nanmean(v[:, [SIDE_IDX["right"][k] for k in ("ear", "shoulder", "hip", "knee", "ankle")]])
    by_facing = "right" if facing_to_sign(facing) > 0 else "left"
    if not (np.isfinite(vl) and np.isfinite(vr)) or abs(vl - vr) <= 0.02:
        return by_facing
    return "left" if vl > vr else "right"


def _mid_or_near(p: np.ndarray, name: str, near: str) -> np.ndarray:
    """Midpoint of the left and right landmark where both are seen, else the near-side one. (T, 2)"""
    a, b = p[:, SIDE_IDX["left"][name]], p[:, SIDE_IDX["right"][name]]
    mid = (a + b) / 2
    n = p[:, SIDE_IDX[near][name]]
    return np.where(np.isfinite(mid).all(axis=-1, keepdims=True), mid, n)


def side_series(pixels: np.ndarray, facing, near: str) -> dict[str, np.ndarray]:
    """Per-frame side-view quantities from (already masked / smoothed) pixel landmarks.

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2)
        Image points (x right, y down), NaN where unseen.
    facing : int or str
        See :func:`facing_to_sign`.
    near : str
        ``"left"`` or ``"right"``: the limb used for the hip, knee and plumb-line values.

    Returns
    -------
    dict of str to ndarray, shape (T,)
        ``trunk_inclination`` (deg, + forward), ``hip_angle`` (deg, interior shoulder-hip-knee, 0..180),
        ``thigh_vs_trunk`` (deg, thigh relative to the shoulder->hip line, + = knee forward),
        ``knee_flexion`` (deg, + flexed, - hyperextended), ``head_forward_px`` (px, + ear ahead of the
        shoulder), ``craniovertebral_proxy`` (deg, shoulder->ear above horizontal, 90 = ear straight
        above), ``plumb_<ear|shoulder|hip|knee>_px`` (px, + ahead of the ankle) and ``stature_px``.
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    s = facing_to_sign(facing)
    i = SIDE_IDX[near]
    sh_mid, hip_mid = _mid_or_near(p, "shoulder", near), _mid_or_near(p, "hip", near)
    ear_mid = _mid_or_near(p, "ear", near)
    sh, hip, knee, ank, ear = (p[:, i[k]] for k in ("shoulder", "hip", "knee", "ankle", "ear"))
    out = {"trunk_inclination": geo.inclination_to_vertical(hip_mid, sh_mid) * s,
           "hip_angle": geo.angle_at(sh, hip, knee),
           "thigh_vs_trunk": geo.signed_angle_2d(hip - sh, knee - hip) * s}
    # knee: the shank turns backwards from the thigh direction when flexed. On screen (y down) a
    # backward turn is clockwise for a person facing right, i.e. a negative signed_angle_2d.
    out["knee_flexion"] = -geo.signed_angle_2d(knee - hip, ank - knee) * s
    out["head_forward_px"] = (ear_mid[:, 0] - sh_mid[:, 0]) * s
    fwd, up = (ear_mid[:, 0] - sh_mid[:, 0]) * s, sh_mid[:, 1] - ear_mid[:, 1]
    with np.errstate(invalid="ignore"):
        cva = np.degrees(np.arctan2(up, fwd))
    out["craniovertebral_proxy"] = np.where(np.hypot(fwd, up) > 0, cva, np.nan)
    for name in ("ear", "shoulder", "hip", "knee"):
        out[f"plumb_{name}_px"] = (p[:, i[name], 0] - ank[:, 0]) * s
    out["stature_px"] = stature_px(p)
    return out


def _confidence(vis: np.ndarray, idx, frames: np.ndarray, n_ok: int, view_confidence: float) -> float:
    v = np.asarray(vis, dtype=np.float64).reshape(-1, 33)[np.asarray(frames, int)][:, list(idx)]
    with quiet():
        m = float(np.nanmean(v)) if v.size else 0.0
    frac = n_ok / max(len(frames), 1)
    return float(np.clip((m if np.isfinite(m) else 0.0) * frac * view_confidence, 0.0, 1.0))


def _status_words(status: str, nrm: Norm | None) -> str:
    if nrm is None or status == "unknown":
        return ""
    rng = nrm.describe()
    return {"within": f"within the usual range ({rng})", "above": f"above the usual range ({rng})",
            "below": f"below the usual range ({rng})"}[status]


def deg_words(v: float, nd: int = 0, signed: bool = False) -> str:
    """``"1 degree"``, ``"3 degrees"``, ``"2.5 degrees"`` for the magnitude of ``v``; with ``signed``, for ``v``
    itself (``"-2 degrees"``; a value that rounds to zero reads ``"0 degrees"``), for a reading whose words do
    not say the direction."""
    t = f"{(v if signed else abs(v)):.{nd}f}"
    t = t[1:] if t.startswith("-") and float(t) == 0 else t
    return f"{t} degree" if t.lstrip("-") == "1" else f"{t} degrees"


def _fmt(v: float, unit: str) -> str:
    if unit == "deg":
        return deg_words(v)
    if unit == "cm":
        return f"{abs(v):.1f} cm"
    return f"{abs(v):.1f}% of your height"


def scaled_norm(key: str, height_cm: float | None) -> Norm:
    """The norm of a % height offset, converted to cm when the height is known."""
    n = norm(key)
    if height_cm is None or n.unit != "% height":
        return n
    f = height_cm / 100.0
    return Norm(n.key, None if n.low is None else round(n.low * f, 1), None if n.high is None else round(n.high * f, 1),
                "cm", n.basis, n.source, n.note + f" Converted from % height with your height ({height_cm:g} cm).")


def build_metric(key: str, name: str, series: np.ndarray, frames: np.ndarray, unit: str, definition: str,
                 nrm: Norm | None, vis: np.ndarray, used, view_confidence: float, words: tuple[str, str],
                 side: str | None = None, missing: str = "", extra: dict | None = None, zero: float = 0.0,
                 describe=None) -> Metric:
    """One :class:`Metric` from a per-frame series over the window ``frames`` (shared by the side and
    front modules). ``words`` = (word for values above ``zero``, word below), e.g. ("forward", "backward");
    ``describe`` optionally replaces the default "<amount> <word>" wording of the value."""
    value, sd, n = window_stats(series, frames)
    if n == 0:
        return Metric(key, name, None, unit, definition, "measurement", 0.0, None, nrm,
                      reason=missing or "the body points it needs were not seen clearly", side=side,
                      extra=extra or {})
    conf = _confidence(vis, used, frames, n, view_confidence)
    status = nrm.status(value) if nrm is not None else "unknown"
    if describe is not None:
        what = describe(value)
    else:
        d = value - zero
        what = f"{_fmt(d, unit)} {words[0] if d >= 0 else words[1]}"
    tail = _status_words(status, nrm)
    reading = f"{name}: {what}" + (f", {tail}." if tail else ".")
    if sd is not None:
        reading += (" It hardly varied while you stood." if sd < 0.05 else
                    f" It varied by about {sd:.1f} {unit} while you stood.")
    return Metric(key, name, value, unit, definition, "measurement", conf, sd, nrm, status, reading, None, side,
                  extra or {})


def side_metrics(pixels: np.ndarray, visibility: np.ndarray, facing, height_cm: float | None = None,
                 frames: np.ndarray | None = None, view_confidence: float = 1.0,
                 timestamps: np.ndarray | None = None, smooth: bool = True,
                 image_size: np.ndarray | None = None) -> dict[str, Metric]:
    """Standing side-view posture metrics over a window of frames.

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2) or (33, 2)
        MediaPipe landmarks in image pixels (``PoseSequence.pixels``), NaN in gap frames.
    visibility : ndarray, shape (T, 33) or (33,)
        Landmarks under the visibility threshold (norms ``quality_visibility_min``) are not used.
    facing : int or str
        +1 / ``"image_right"`` / ``"right side"`` when the person faces the image right, -1 / ... left.
    height_cm : float, optional
        The person's standing height; offsets are then in cm, otherwise in % of height.
    frames : ndarray of int, optional
        The steady window (:attr:`analysis.steady.SteadyWindow.indices`); default every frame.
    view_confidence : float
        0..1 factor for how square-on the view is (:func:`analysis.view.view_confidence`).
    timestamps : ndarray, shape (T,), optional
        When given (a clip) and ``smooth``, the masked track is gap-filled and low-pass filtered first
        (:func:`analysis.filtering.smooth_track`, 6 Hz).
    image_size : ndarray, shape (T, 2) or (2,), optional
        Frame (width, height) in pixels. When given, landmarks outside the picture are not used (MediaPipe
        guesses where they would be, often with a high visibility) and a metric without a value says which
        of its body points were out of the picture and which were in it but not seen clearly.

    Returns
    -------
    dict of str to Metric
        Keys ``trunk_inclination``, ``hip_angle``, ``knee_flexion``, ``head_forward``,
        ``craniovertebral_proxy``, ``plumb_ear``, ``plumb_shoulder``, ``plumb_hip``, ``plumb_knee``.
        A metric that cannot be measured has ``value=None`` and a ``reason``.
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    s = facing_to_sign(facing)
    frames = np.arange(len(p)) if frames is None else np.asarray(frames, dtype=int)
    near = near_side(vis[frames], s)
    pm, why = seen_points(p, vis, frames, image_size)
    if timestamps is not None and smooth and len(pm) > 1:
        pm = smooth_track(pm, timestamps)
    ser = side_series(pm, s, near)
    i = SIDE_IDX[near]
    way = "right" if s > 0 else "left"
    common = f" Side view, person facing the image {way}; {near} (near-side) limb."
    vc = view_confidence
    out: dict[str, Metric] = {}

    out["trunk_inclination"] = build_metric(
        "trunk_inclination", "Trunk inclination", ser["trunk_inclination"], frames, "deg",
        "Angle of the line hip midpoint -> shoulder midpoint from the vertical of the image, degrees; "
        "+ = leaning forward (towards where the person faces), - = backward. Near-side points where the far "
        "side is not seen." + common, norm("trunk_inclination"), vis, (i["shoulder"], i["hip"]), vc, ("forward", "backward"),
        missing=why((i["shoulder"], i["hip"]), "shoulders or hips not seen clearly"))

    out["hip_angle"] = build_metric(
        "hip_angle", "Hip angle", ser["hip_angle"], frames, "deg",
        "Interior angle shoulder-hip-knee at the hip, degrees, 0..180; 180 = trunk and thigh in one straight "
        "line, smaller = hip bent (or trunk leaning forward). Unsigned: extension beyond straight also reads "
        "below 180; extra['thigh_vs_trunk_deg'] gives the signed thigh angle (+ = knee forward of the trunk "
        "line)." + common, norm("hip_angle_standing"), vis, (i["shoulder"], i["hip"], i["knee"]), vc, ("", ""),
        side=near, missing=why((i["shoulder"], i["hip"], i["knee"]), f"{near} shoulder, hip or knee not seen clearly"),
        extra={"thigh_vs_trunk_deg": window_stats(ser["thigh_vs_trunk"], frames)[0]},
        describe=deg_words)

    def knee_words(v):
        if abs(v) < 0.5:
            return "straight"
        return deg_words(v) + " " + ("bent" if v > 0 else "bent backwards (hyperextended)")

    kf = build_metric(
        "knee_flexion", "Knee", ser["knee_flexion"], frames, "deg",
        "180 minus the hip-knee-ankle angle, degrees; + = knee bent (flexed), - = knee pushed back past "
        "straight (hyperextended, genu recurvatum when beyond 5). Sign from the side the knee lies on "
        "relative to the hip-ankle line, taking the facing direction into account." + common,
        norm("knee_flexion_standing"), vis, (i["hip"], i["knee"], i["ankle"]), vc, ("", ""), side=near,
        missing=why((i["hip"], i["knee"], i["ankle"]), f"{near} hip, knee or ankle not seen clearly"),
        describe=knee_words)
    if kf.value is not None:
        kf.extra["hip_knee_ankle_deg"] = 180.0 - abs(kf.value)
    out["knee_flexion"] = kf

    # scale: % of height, or cm with a known height
    h_px, how = body_height_px(ser["stature_px"], pm, frames)
    if height_cm is not None and height_cm > 0:
        unit, factor = "cm", height_cm / h_px if np.isfinite(h_px) else np.nan
        scale_txt = f"pixels converted to cm with your height ({height_cm:g} cm) over your height in pixels, {how}"
    else:
        unit, factor = "% height", 100.0 / h_px if np.isfinite(h_px) else np.nan
        scale_txt = f"% of your height in pixels, {how}"
    no_scale = "" if np.isfinite(factor) else " (your height in the picture could not be estimated)"

    out["head_forward"] = build_metric(
        "head_forward", "Head forward", ser["head_forward_px"] * factor, frames, unit,
        f"Horizontal distance of the ear in front of the shoulder landmark (midpoints where both sides are "
        f"seen), {scale_txt}; + = ear ahead of the shoulder (forward head), - = behind." + common,
        scaled_norm("head_forward", height_cm if unit == "cm" else None), vis, (i["ear"], i["shoulder"]), vc,
        ("in front of the shoulder", "behind the shoulder"), missing=why((i["ear"], i["shoulder"]), "ear or shoulder not seen clearly") + no_scale)

    out["craniovertebral_proxy"] = build_metric(
        "craniovertebral_proxy", "Ear-shoulder angle (craniovertebral proxy)", ser["craniovertebral_proxy"], frames,
        "deg", "Angle between the horizontal and the line from the shoulder landmark to the ear, measured on the "
        "side the person faces, degrees; 90 = ear straight above the shoulder, smaller = head further forward. "
        "A proxy for the craniovertebral angle, which uses C7 instead of the shoulder: this one reads higher "
        "than a true craniovertebral angle, so follow its changes rather than the cut-off alone." + common,
        norm("craniovertebral_proxy"), vis, (i["ear"], i["shoulder"]), vc, ("", ""), missing=why((i["ear"], i["shoulder"]), "ear or shoulder not seen clearly"),
        describe=deg_words)

    names = {"ear": "Ear", "shoulder": "Shoulder", "hip": "Hip", "knee": "Knee"}
    for part in ("ear", "shoulder", "hip", "knee"):
        out[f"plumb_{part}"] = build_metric(
            f"plumb_{part}", f"{names[part]} from plumb line", ser[f"plumb_{part}_px"] * factor, frames, unit,
            f"Horizontal distance of the {near} {part} landmark from the {near} ankle landmark (about the "
            f"lateral malleolus, where a plumb line is hung), {scale_txt}; + = in front of the ankle (towards "
            f"where the person faces), - = behind." + common,
            scaled_norm(f"plumb_{part}", height_cm if unit == "cm" else None), vis, (i[part], i["ankle"]), vc,
            ("in front of the ankle", "behind the ankle"), side=near,
            missing=why((i[part], i["ankle"]), f"{near} {part} or ankle not seen clearly") + no_scale)
    return out
