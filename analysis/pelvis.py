"""Sagittal pelvic tilt: the clinical ASIS-PSIS measurement, the silhouette estimate and calibration.

Sign convention everywhere: **positive = anterior tilt** (the front of the pelvis, ASIS, lower than the
back, PSIS), negative = posterior tilt, degrees. Standing adults usually tilt anteriorly (Herrington
2011: 85% of men and 75% of women), so a positive value is the usual finding, not a fault.

Three pieces:

* :func:`tilt_from_asis_psis` - the clinical definition from two points a user marks on a side-view
  frame: the angle of the ASIS-PSIS line to the image horizontal. A measurement.
* :func:`estimate_pelvic_tilt` - an **estimate** from the person's outline (segmentation mask) and the
  MediaPipe landmarks, since BlazePose has no pelvic bony landmarks. A small linear model on five
  silhouette features (:func:`tilt_features`) whose coefficients were fitted on rendered figures of
  varied build, clothes and camera (``benchmarks/fit_tilt_model.py``, stored with their provenance
  in ``analysis/data/pelvic_tilt_model.toml``). The landmarks set the frame the silhouette is read in
  (hip level, trunk axis, trunk length, facing).
* Calibration: :func:`calibration_offset` (measured minus estimated, for one person) and
  :func:`apply_calibration`, which adds a stored offset to that person's later estimates. The store is
  :mod:`records.calibration`.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from analysis.metric import Metric
from analysis.norms import norm, threshold
from analysis.silhouette import L_HIP, L_KNEE, L_SHOULDER, R_HIP, R_KNEE, R_SHOULDER, TrunkProfile, trunk_profile
from analysis.view import facing_from_landmarks

MODEL_FILE = Path(__file__).resolve().parent / "data" / "pelvic_tilt_model.toml"

FEATURE_NAMES = ("lumbar_depth", "sacral_angle", "buttock_offset", "abdomen_offset", "lumbar_offset")
FEATURE_DOCS = {
    "lumbar_depth": "deepest hollow of the back edge below the straight line from the buttock apex to the "
                    "upper-back apex, fraction of trunk length (+ = hollow)",
    "sacral_angle": "angle of the back edge from the buttock apex up to the deepest point of the lumbar hollow, "
                    "relative to the trunk axis, deg (+ = buttocks further back than the hollow)",
    "buttock_offset": "back edge at hip level behind the trunk axis, fraction of trunk length",
    "abdomen_offset": "front edge at hip level (lower abdomen) in front of the trunk axis, fraction of trunk length",
    "lumbar_offset": "back edge at 30% of the way from hip to shoulder level behind the trunk axis, "
                     "fraction of trunk length (smaller = the low back sits further forward)",
}
DEFINITION = (
    "Estimated sagittal pelvic tilt, degrees, + = anterior (front of the pelvis lower than the back). "
    "Clinically the angle of the ASIS-PSIS line to horizontal; here inferred from the outline of the low back, "
    "buttocks and lower abdomen measured in the trunk frame set by the hip and shoulder landmarks "
    "(a linear model fitted on rendered figures). An estimate, not a measurement."
)
MEASURED_DEFINITION = (
    "Sagittal pelvic tilt measured from the ASIS and PSIS points marked on the picture: angle of the ASIS-PSIS "
    "line to the image horizontal, degrees, + = anterior (ASIS lower than PSIS). Assumes a level camera."
)
_VIS = 0.5  # MediaPipe visibility above which a landmark counts as seen (as in analysis.quality)


# ----------------------------------------------------------------------------------------------------
# clinical definition
# ----------------------------------------------------------------------------------------------------
def tilt_from_asis_psis(asis_xy, psis_xy) -> np.ndarray | float:
    """Pelvic tilt from ASIS and PSIS points marked on a side-view image.

    Parameters
    ----------
    asis_xy, psis_xy : array_like, shape (..., 2)
        Pixels (x right, y down) of the anterior and posterior superior iliac spines of one side.

    Returns
    -------
    float or ndarray, shape (...)
        Angle of the ASIS-PSIS line to the image horizontal, degrees in [-90, 90], **positive = anterior
        tilt** (ASIS lower in the image than PSIS). Independent of which way the person faces: only the
        horizontal distance between the points is used, not its direction. NaN for NaN input or
        coincident points. Assumes the camera is level (image horizontal = true horizontal).
    """
    a = np.asarray(asis_xy, dtype=float)
    p = np.asarray(psis_xy, dtype=float)
    drop = a[..., 1] - p[..., 1]  # y down: positive when the ASIS is lower
    run = np.abs(a[..., 0] - p[..., 0])
    with np.errstate(invalid="ignore"):
        out = np.degrees(np.arctan2(drop, run))
    out = np.where((drop == 0) & (run == 0), np.nan, out)
    return float(out) if out.ndim == 0 else out


def measured_tilt_metric(asis_xy, psis_xy, when: str | None = None) -> Metric:
    """:func:`tilt_from_asis_psis` as a :class:`Metric` (kind ``"measurement"``)."""
    v = float(tilt_from_asis_psis(asis_xy, psis_xy))
    return Metric("pelvic_tilt", "Pelvic tilt (marked ASIS/PSIS)", v, "deg", MEASURED_DEFINITION,
                  kind="measurement", confidence=0.9 if math.isfinite(v) else 0.0, norm=_norm(),
                  reason=None if math.isfinite(v) else "the ASIS and PSIS marks coincide or are missing",
                  reading=_reading(v) if math.isfinite(v) else "", extra={"marked_on": when})


# ----------------------------------------------------------------------------------------------------
# silhouette features and the model
# ----------------------------------------------------------------------------------------------------
def _argmax_in(p: TrunkProfile, y: np.ndarray, lo: float, hi: float) -> int | None:
    m = (p.heights >= lo) & (p.heights <= hi) & np.isfinite(y)
    if not m.any():
        return None
    idx = np.flatnonzero(m)
    return int(idx[np.argmax(y[m])])


def tilt_features(profile: TrunkProfile) -> dict[str, float]:
    """The five silhouette features of the tilt model (see :data:`FEATURE_DOCS`); NaN where missing.

    Parameters
    ----------
    profile : TrunkProfile
        From :func:`analysis.silhouette.trunk_profile`; needs the back edge from about 0.35 trunk lengths
        below hip level up to shoulder level, and the front edge at hip level.

    Returns
    -------
    dict of str to float
    """
    h, b = profile.heights, profile.back
    out = {k: float("nan") for k in FEATURE_NAMES}
    ib = _argmax_in(profile, b, -0.35, 0.15)  # buttock apex
    iu = _argmax_in(profile, b, 0.55, 1.0)  # upper-back apex
    if ib is not None and iu is not None and iu > ib + 1:
        seg = np.arange(ib + 1, iu)
        chord = b[ib] + (b[iu] - b[ib]) * (h[seg] - h[ib]) / (h[iu] - h[ib])
        d = chord - b[seg]
        if np.isfinite(d).any():
            iw = seg[int(np.nanargmax(d))]
            out["lumbar_depth"] = float(np.nanmax(d))
            out["sacral_angle"] = float(np.degrees(np.arctan2(b[ib] - b[iw], h[iw] - h[ib])))
    out["buttock_offset"] = profile.value_at("back", 0.0)
    out["abdomen_offset"] = -profile.value_at("front", 0.0)
    out["lumbar_offset"] = profile.value_at("back", 0.3)
    return out


def fit_tilt_model(features: np.ndarray, tilts: np.ndarray, ridge: float = 1.0) -> dict:
    """Least-squares fit (ridge on standardised features) of true tilt on silhouette features.

    Parameters
    ----------
    features : ndarray, shape (n, k)
        Rows of :func:`tilt_features` values in :data:`FEATURE_NAMES` order (rows with NaN are dropped).
    tilts : ndarray, shape (n,)
        True pelvic tilt, degrees, + = anterior.
    ridge : float
        Ridge penalty on the standardised coefficients (not on the intercept).

    Returns
    -------
    dict
        ``intercept`` (deg), ``coef`` (deg per standard deviation), ``mean``, ``sd`` (feature units),
        ``ridge``, ``n``, ``rmse_fit`` (deg).
    """
    X = np.asarray(features, dtype=float)
    y = np.asarray(tilts, dtype=float)
    ok = np.all(np.isfinite(X), axis=1) & np.isfinite(y)
    X, y = X[ok], y[ok]
    if len(y) < X.shape[1] + 2:
        raise ValueError(f"too few complete rows ({len(y)}) to fit {X.shape[1]} features")
    mu, sd = X.mean(0), X.std(0)
    sd = np.where(sd > 0, sd, 1.0)
    A = np.c_[np.ones(len(y)), (X - mu) / sd]
    R = ridge * np.eye(A.shape[1])
    R[0, 0] = 0.0
    c = np.linalg.solve(A.T @ A + R, A.T @ y)
    rmse = float(np.sqrt(np.mean((A @ c - y) ** 2)))
    return {"intercept": float(c[0]), "coef": c[1:].tolist(), "mean": mu.tolist(), "sd": sd.tolist(),
            "ridge": float(ridge), "n": int(len(y)), "rmse_fit": rmse}


@lru_cache(maxsize=None)
def load_model(path: Path = MODEL_FILE) -> dict:
    """The fitted model and its provenance from ``analysis/data/pelvic_tilt_model.toml``."""
    with open(path, "rb") as f:
        m = tomllib.load(f)
    if list(m["features"]) != list(FEATURE_NAMES):
        raise ValueError(f"{path.name}: features {m['features']} do not match {FEATURE_NAMES}")
    return m


def predict_tilt(features: dict[str, float], model: dict | None = None) -> tuple[float, float]:
    """Tilt (deg, + = anterior) from features, and the largest |z-score| of a feature (how far the
    person lies outside what the model was fitted on). NaN when a feature is missing."""
    m = model or load_model()
    x = np.array([features[k] for k in FEATURE_NAMES], dtype=float)
    if not np.all(np.isfinite(x)):
        return float("nan"), float("nan")
    z = (x - np.asarray(m["mean"])) / np.asarray(m["sd"])
    return float(m["intercept"] + z @ np.asarray(m["coef"])), float(np.max(np.abs(z)))


# ----------------------------------------------------------------------------------------------------
# the estimate as a Metric
# ----------------------------------------------------------------------------------------------------
def _norm():
    try:
        return norm("pelvic_tilt_standing")
    except KeyError:
        return None


def _reading(v: float) -> str:
    """The plain sentence for a tilt of ``v`` degrees, checked against the usual range."""
    n = _norm()
    status = n.status(v) if n is not None else "unknown"
    rng = f" ({n.describe()})" if n is not None else ""
    if v >= 2:
        what = f"The front of your pelvis is tilted down by about {v:.0f} deg (anterior tilt)"
        if status == "above":
            return what + f", more than the usual range{rng}."
        return what + f", within the usual range{rng}: a forward tilt is the usual finding in standing adults."
    if v <= -2:
        return (f"Your pelvis is tilted back by about {-v:.0f} deg (posterior tilt), below the usual range{rng}; "
                "a backward tilt is less common when standing.")
    where = "just below" if status == "below" else "at the low end of"
    return f"Your pelvis is about level front to back (little tilt), {where} the usual range{rng}."


def typical_error_deg(confidence: float) -> float:
    """The typical error (degrees) of a tilt estimate with this confidence.

    The estimate's confidence is defined as ``1 - error / E0`` for its method part (norms
    ``pelvic_tilt_error_for_zero_confidence``, E0 = 15 deg), and the other parts (view, visibility, outline,
    typical shape) scale it down; reading it back the same way gives ``E0 * (1 - confidence)``: the held-out
    error of the method at full confidence, growing to E0 as the confidence falls to 0.
    """
    return threshold("pelvic_tilt_error_for_zero_confidence") * (1.0 - float(np.clip(confidence, 0.0, 1.0)))


def estimate_reading(v: float, confidence: float) -> str:
    """The full plain sentence of an uncalibrated estimate: :func:`_reading` plus its typical error."""
    return _reading(v) + (f" This is an estimate from your outline (typical error about {typical_error_deg(confidence):.0f}"
                          " deg at this confidence); marking your ASIS and PSIS once makes it a measurement.")


def _no_value(reason: str, extra: dict | None = None) -> Metric:
    return Metric("pelvic_tilt", "Pelvic tilt (estimate)", None, "deg", DEFINITION, kind="estimate",
                  confidence=0.0, norm=_norm(), reason=reason, extra=extra or {})


def side_view_width(px: np.ndarray) -> float:
    """Apparent shoulder and hip width as a fraction of the trunk length (mean of the two): about
    0.1-0.2 side-on, 0.6-0.9 front-on. NaN when the landmarks are missing."""
    px = np.asarray(px, dtype=float)
    hip = (px[L_HIP] + px[R_HIP]) / 2
    sh = (px[L_SHOULDER] + px[R_SHOULDER]) / 2
    L = float(np.hypot(*(sh - hip)))
    if not np.isfinite(L) or L <= 0:
        return float("nan")
    w = (np.hypot(*(px[L_SHOULDER] - px[R_SHOULDER])) + np.hypot(*(px[L_HIP] - px[R_HIP]))) / 2
    return float(w / L)


def estimate_pelvic_tilt(outline: np.ndarray | None, px: np.ndarray, visibility: np.ndarray | None = None,
                         facing: int | None = None, model: dict | None = None,
                         profile: TrunkProfile | None = None) -> Metric:
    """Pelvic tilt estimated from one side-view frame's outline and landmarks.

    Parameters
    ----------
    outline : ndarray, shape (N, 2), or None
        The person's outline in pixels (:func:`vision.contour.person_outline`); None or NaN = no mask.
    px : ndarray, shape (33, 2)
        Landmark pixels of the same frame (MediaPipe order, x right, y down).
    visibility : ndarray, shape (33,), optional
        MediaPipe visibility 0..1; lowers the confidence when hips, shoulders or knees are doubtful.
    facing : int, optional
        +1 facing the image right, -1 facing left; None = from the landmarks
        (:func:`analysis.view.facing_from_landmarks`).
    model : dict, optional
        A model as stored in ``pelvic_tilt_model.toml`` (default: that file).
    profile : TrunkProfile, optional
        This frame's :func:`analysis.silhouette.trunk_profile` for the same ``facing``, when the caller
        has made it already (it is then not made again from ``outline``).

    Returns
    -------
    Metric
        key ``"pelvic_tilt"``, kind ``"estimate"``, unit ``"deg"``, **+ = anterior tilt**. ``confidence``
        (0..1) combines the method's error on held-out renders, how side-on the view is, landmark
        visibility, how much of the outline was usable and how typical the silhouette is for the
        model. ``extra`` holds the features, the facing and the model's held-out error. Without a value,
        ``reason`` says why (not a side view, hips or shoulders not seen, no outline ...).
    """
    px = np.asarray(px, dtype=float)
    if px.shape != (33, 2) or not np.all(np.isfinite(px[[L_HIP, R_HIP, L_SHOULDER, R_SHOULDER]])):
        return _no_value("no person, or the hips and shoulders were not found: stand side-on with your whole body in view")
    vis = np.ones(33) if visibility is None else np.asarray(visibility, dtype=float)
    core = [L_HIP, R_HIP, L_SHOULDER, R_SHOULDER]
    if np.nanmax(vis[[L_HIP, R_HIP]]) < _VIS or np.nanmax(vis[[L_SHOULDER, R_SHOULDER]]) < _VIS:
        return _no_value("the hips or shoulders are hidden or out of the picture: show the whole side of your body")
    width = side_view_width(px)
    if not (width <= threshold("pelvic_tilt_side_view_max_width")):
        return _no_value(f"not a side view (shoulders and hips look {width:.2f} trunk lengths wide): "
                         "turn side-on to the camera", {"side_view_width": width})
    fc = facing_from_landmarks(px) if facing is None else int(facing)
    if fc not in (1, -1):
        return _no_value("cannot tell which way you face (face and feet not clear): turn fully side-on")
    if outline is None or not np.all(np.isfinite(np.asarray(outline, dtype=float))):
        return _no_value("no body outline (segmentation mask) for this frame: the estimate needs one")
    try:
        prof = trunk_profile(outline, px, fc) if profile is None else profile
    except ValueError as e:
        return _no_value(f"could not read the body outline: {e}")
    feats = tilt_features(prof)
    m = model or load_model()
    val, zmax = predict_tilt(feats, m)
    extra = {"features": {k: (round(v, 4) if math.isfinite(v) else None) for k, v in feats.items()},
             "facing": fc, "side_view_width": round(width, 3), "method_rmse_deg": m["heldout_rmse_deg"],
             "calibrated": False}
    if not math.isfinite(val):
        missing = [k for k, v in feats.items() if not math.isfinite(v)]
        return _no_value("the outline of the low back, buttocks or belly is incomplete (missing "
                         + ", ".join(missing) + "): wear fitted clothes, keep arms clear of the back, "
                         "and make sure hips to shoulders are in view", extra)
    # confidence: method x view x visibility x outline coverage x typicality
    c_method = max(0.0, 1.0 - m["heldout_rmse_deg"] / threshold("pelvic_tilt_error_for_zero_confidence"))
    c_view = float(np.clip(1.0 - max(0.0, width - 0.15) / 0.4, 0.3, 1.0))
    c_vis = float(np.clip(np.nanmean(vis[core + [L_KNEE, R_KNEE]]), 0.0, 1.0))
    span = (prof.heights >= -0.3) & (prof.heights <= 1.0)
    c_cov = float(np.mean(np.isfinite(prof.back[span])))
    c_typ = 1.0 if zmax <= 2.5 else float(np.clip(1.0 - (zmax - 2.5) / 3.0, 0.2, 1.0))
    conf = c_method * c_view * (0.5 + 0.5 * c_vis) * c_cov * c_typ
    extra["confidence_parts"] = {"method": round(c_method, 3), "view": round(c_view, 3), "visibility": round(c_vis, 3),
                                 "outline_coverage": round(c_cov, 3), "typical_shape": round(c_typ, 3)}
    return Metric("pelvic_tilt", "Pelvic tilt (estimate)", val, "deg", DEFINITION, kind="estimate",
                  confidence=float(conf), norm=_norm(), reading=estimate_reading(val, conf), extra=extra)


# ----------------------------------------------------------------------------------------------------
# calibration
# ----------------------------------------------------------------------------------------------------
def calibration_offset(measured_tilt: float, estimated_tilt: float) -> float:
    """Per-person offset to add to later estimates: ``measured - estimated`` (deg).

    Parameters
    ----------
    measured_tilt : float
        Tilt from the user's ASIS/PSIS marks on one frame (:func:`tilt_from_asis_psis`), deg, + = anterior.
    estimated_tilt : float
        The silhouette estimate on the same frame, deg, + = anterior.

    Raises
    ------
    ValueError
        When either value is not finite.
    """
    m, e = float(measured_tilt), float(estimated_tilt)
    if not (math.isfinite(m) and math.isfinite(e)):
        raise ValueError("both the measured and the estimated tilt are needed for a calibration")
    return m - e


def apply_calibration(estimate: Metric, offset_deg: float, when: str) -> Metric:
    """An estimate corrected by a person's stored calibration offset.

    Parameters
    ----------
    estimate : Metric
        From :func:`estimate_pelvic_tilt` (kind ``"estimate"``).
    offset_deg : float
        From :func:`calibration_offset` (deg, added to the estimate).
    when : str
        Date of the ASIS/PSIS marking (e.g. ISO ``"2026-11-20"``), shown to the user.

    Returns
    -------
    Metric
        A copy with ``value + offset_deg``, the reading saying "calibrated with your ASIS/PSIS marks of
        <when>", a higher confidence (the person-specific bias of the model is removed; what remains is
        its frame-to-frame scatter) and ``extra["calibrated"] = True``. Still kind ``"estimate"``: it is
        tracked relative to one measurement, not measured anew. An estimate without a value is returned
        unchanged (apart from a note in ``extra``).
    """
    extra = dict(estimate.extra)
    extra.update({"calibrated": estimate.value is not None, "calibration_offset_deg": round(float(offset_deg), 2),
                  "calibration_date": when})
    if estimate.value is None:
        return replace(estimate, extra=extra)
    v = float(estimate.value) + float(offset_deg)
    gain = threshold("pelvic_tilt_calibrated_confidence_gain")
    conf = min(1.0, estimate.confidence + gain * (1.0 - estimate.confidence))
    note = f"calibrated with your ASIS/PSIS marks of {when}"
    return Metric(estimate.key, "Pelvic tilt (calibrated estimate)", v, estimate.unit,
                  estimate.definition + f" Corrected by {offset_deg:+.1f} deg, {note}.", kind="estimate",
                  confidence=conf, spread=estimate.spread, norm=estimate.norm,
                  reading=_reading(v) + f" Estimate {note}.", extra=extra, side=estimate.side)
