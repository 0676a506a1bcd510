"""Sagittal pelvic tilt: the clinical ASIS-PSIS measurement, the silhouette estimate and calibration.

Sign convention everywhere: **positive = anterior tilt** (the front of the pelvis, ASIS, lower than the
back, PSIS), negative = posterior tilt, degrees. Standing adults usually tilt anteriorly (Herrington
2011: 85% of men and 75% of women), so a positive value is the usual finding, not a fault.

Three pieces:

* :func:`tilt_from_asis_psis` - the clinical definition from two points a user marks on a side-view
  frame: the angle of the ASIS-PSIS line to the image horizontal. A measurement.
* :func:`estimate_pelvic_tilt` - an **estimate** from the person's outline (segmentation mask) and the
  MediaPipe landmarks, since BlazePose has no pelvic bony landmarks. One feature, the depth of the
  low-back hollow (:func:`estimate_hollow`: the back outline under the straight line from the buttock
  apex to the upper-back apex, read only below the reach of shoulder-length hair and only when no arm
  reaches the back there), turned into degrees by a straight line fitted on rendered figures of varied
  build, clothes and camera (``benchmarks/fit_tilt_model.py``; two numbers, stored with their provenance
  in ``analysis/data/pelvic_tilt_model.toml``; nothing fitted on real photos). Why the sign holds: standing
  on a pelvis tilted forward, the lumbar spine extends to keep the trunk upright, so the low back hollows
  between the buttocks and the upper back; loose clothes that hang over the low back hide the hollow and
  read as less tilt. The landmarks set the frame the outline is read in (hip level, trunk axis, trunk
  length, facing); knees, ankles and feet are not needed. :func:`hollow_depth` with its default windows
  and no checks is the plain measure the estimate is compared with (``benchmarks/eval_tilt.py``).
* Calibration: :func:`calibration_offset` (measured minus estimated, for one person) and
  :func:`apply_calibration`, which adds a stored offset to that person's later estimates. The store is
  :mod:`records.calibration`.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from analysis.filtering import running_median
from analysis.metric import Metric
from analysis.norms import norm, threshold
from analysis.silhouette import L_HIP, L_SHOULDER, R_HIP, R_SHOULDER, TrunkProfile, trunk_profile
from analysis.view import facing_from_landmarks

MODEL_FILE = Path(__file__).resolve().parent / "data" / "pelvic_tilt_model.toml"

FEATURE = "hollow_depth"
HOLLOW_DOC = ("depth of the low-back hollow: the largest distance of the back outline in front of the straight line "
              "(chord) from the buttock apex to the upper-back apex, perpendicular to the trunk axis, fraction of "
              "trunk length (+ = hollow)")
# The plain measure (issue 14's baseline): apexes = the back edge's furthest-back points in these height
# windows (0 = hip level, 1 = shoulder level), with no check of what the outline follows.
BASELINE_BUTTOCK = (-0.35, 0.15)
BASELINE_UPPER = (0.55, 1.0)
DEFINITION = (
    "Estimated sagittal pelvic tilt, degrees, + = anterior (front of the pelvis lower than the back). "
    "Clinically the angle of the ASIS-PSIS line to horizontal; here inferred from one feature of the body's outline, "
    "the depth of the low-back hollow under the straight line from the buttocks to the upper back (in standing, "
    "a forward-tilted pelvis goes with a hollower low back), turned into degrees by a straight line fitted on "
    "rendered figures of known tilt. An estimate, not a measurement."
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
                  reading=tilt_reading(v) if math.isfinite(v) else "", extra={"marked_on": when})


# ----------------------------------------------------------------------------------------------------
# the low-back hollow and what the outline follows there
# ----------------------------------------------------------------------------------------------------
@dataclass
class Hollow:
    """The low-back hollow of one side-view outline (see :func:`hollow_depth`).

    Heights ``h`` and offsets ``s`` are in the trunk frame of :mod:`analysis.silhouette` (``h`` 0 = hip
    level, 1 = shoulder level; ``s`` posterior +, both fractions of the trunk length).

    Attributes
    ----------
    depth : float
        Largest distance of the back edge in front of the chord from the buttock apex to the upper-back
        apex, fraction of trunk length, **+ = hollow** (negative when the back bulges behind the chord
        everywhere between them). NaN when it could not be read (``reason`` says why).
    buttock, upper, deepest : tuple of float
        ``(h, s)`` of the buttock apex, the upper-back apex and the deepest point of the hollow (NaN when
        missing).
    coverage : float
        Share (0..1) of the heights between the two apexes at which the outline gave a back edge.
    reason : str or None
        Why there is no depth, in words a person can act on.
    """

    depth: float
    buttock: tuple[float, float] = (math.nan, math.nan)
    upper: tuple[float, float] = (math.nan, math.nan)
    deepest: tuple[float, float] = (math.nan, math.nan)
    coverage: float = 0.0
    reason: str | None = None


def _apex(profile: TrunkProfile, lo: float, hi: float) -> int | None:
    """Index of the furthest-back point of the back edge with ``lo <= h <= hi`` (None when none)."""
    m = (profile.heights >= lo) & (profile.heights <= hi) & np.isfinite(profile.back)
    if not m.any():
        return None
    idx = np.flatnonzero(m)
    return int(idx[np.argmax(profile.back[m])])


def hollow_depth(profile: TrunkProfile, buttock: tuple[float, float] = BASELINE_BUTTOCK,
                 upper: tuple[float, float] = BASELINE_UPPER, min_coverage: float = 0.0) -> Hollow:
    """Depth of the low-back hollow under the chord from the buttock apex to the upper-back apex.

    The buttock apex is the back edge's furthest-back point (largest posterior offset from the trunk axis)
    at heights in ``buttock``, the upper-back apex the same in ``upper``; the depth is the largest
    distance, perpendicular to the trunk axis, of the back edge in front of the straight line joining them.
    With the default windows and ``min_coverage=0`` this is the plain measure (issue 14's baseline);
    :func:`estimate_pelvic_tilt` uses the windows and checks of ``norms.toml``.

    Parameters
    ----------
    profile : TrunkProfile
        From :func:`analysis.silhouette.trunk_profile`.
    buttock, upper : (float, float)
        Height windows (0 = hip level, 1 = shoulder level) of the two apexes.
    min_coverage : float
        Smallest share of heights between the apexes with a back edge; below it there is no depth.

    Returns
    -------
    Hollow
        ``depth`` in fractions of the trunk length (+ = hollow), the three points, the coverage, or a
        ``reason``.
    """
    h, b = profile.heights, profile.back
    ib, iu = _apex(profile, *buttock), _apex(profile, *upper)
    if ib is None:
        return Hollow(math.nan, reason="the outline does not show the buttocks (out of the picture or hidden): "
                                       "show the body from the shoulders to below the buttocks")
    if iu is None:
        return Hollow(math.nan, reason="the outline does not show the upper back (out of the picture or hidden): "
                                       "show the body from the shoulders to below the buttocks")
    pb, pu = (float(h[ib]), float(b[ib])), (float(h[iu]), float(b[iu]))
    below = (h >= h[ib] - 0.1) & (h < h[ib]) & np.isfinite(b)
    if not below.any():  # nothing below the apex: it may be the picture's edge, not the buttocks' bulge
        return Hollow(math.nan, pb, pu, reason="the outline ends at the buttocks (the picture is cut there, or "
                                               "something covers them): show the body down to mid-thigh")
    seg = np.arange(ib + 1, iu)
    if len(seg) < 3:
        return Hollow(math.nan, pb, pu, reason="the buttock and upper-back outline are too close together to read "
                                               "a low-back hollow (the hip and shoulder landmarks look wrong)")
    cov = float(np.mean(np.isfinite(b[seg])))
    if cov < max(min_coverage, 1e-9):
        return Hollow(math.nan, pb, pu, coverage=cov,
                      reason=f"the back outline has gaps between the buttocks and the upper back (seen at "
                             f"{100 * cov:.0f}% of the heights): keep the arms and other things clear of the back")
    chord = pb[1] + (pu[1] - pb[1]) * (h[seg] - pb[0]) / (pu[0] - pb[0])
    d = chord - b[seg]
    j = int(np.nanargmax(d))
    return Hollow(float(d[j]), pb, pu, (float(h[seg][j]), float(b[seg][j])), cov)


ARM_LANDMARKS = ((11, 13), (13, 15), (12, 14), (14, 16))  # shoulder-elbow, elbow-wrist, left and right
HAND_LANDMARKS = (15, 16, 17, 18, 19, 20, 21, 22)
_ARM_NAMES = {11: "upper arm", 12: "upper arm", 13: "elbow", 14: "elbow", 15: "wrist", 16: "wrist"}  # else "hand"


def arm_at_back(profile: TrunkProfile, px: np.ndarray, lo: float, hi: float, margin: float,
                visibility: np.ndarray | None = None) -> list[tuple[int, float, float]]:
    """Arm points that reach the back outline between two heights: there the outline may be the arm.

    Points: elbows, wrists and hand landmarks, and five points along each upper arm and forearm. A point
    counts when it lies at a height in ``[lo, hi]`` and less than ``margin`` in front of the back edge at
    that height, or behind it. Landmarks under visibility 0.5 are left out when ``visibility`` is given.

    Parameters
    ----------
    profile : TrunkProfile
    px : ndarray, shape (33, 2)
        Landmark pixels of the same frame.
    lo, hi : float
        Height window (0 = hip level, 1 = shoulder level).
    margin : float
        Fraction of trunk length (an arm's centre line lies about this far inside its own outline).
    visibility : ndarray, shape (33,), optional

    Returns
    -------
    list of (landmark, h, gap)
        The landmark index nearest each such point (MediaPipe order), its height and its gap (back edge
        minus the point's offset, fraction of trunk length; negative = behind the back). Empty when none.
    """
    px = np.asarray(px, dtype=float)
    seen = np.ones(33, bool) if visibility is None else np.asarray(visibility, dtype=float) >= _VIS
    pts, ids = [], []
    for a, b in ARM_LANDMARKS:
        if seen[a] and seen[b]:
            t = np.linspace(0.0, 1.0, 6)[1:, None]
            pts.append(px[a] + t * (px[b] - px[a]))
            ids += [a if k < 2 else b for k in range(5)]
    for k in HAND_LANDMARKS:
        if seen[k]:
            pts.append(px[k][None])
            ids.append(k)
    if not pts:
        return []
    pts = np.vstack(pts)
    rel = pts - profile.origin
    hs = rel @ profile.axis / profile.trunk_length_px
    ss = rel @ profile.posterior / profile.trunk_length_px
    ok = np.isfinite(profile.back)
    out = []
    for k, hh, sv in zip(ids, hs, ss):
        if not (np.isfinite(hh) and lo <= hh <= hi) or ok.sum() < 2:
            continue
        gap = float(np.interp(hh, profile.heights[ok], profile.back[ok])) - float(sv)
        if gap < margin:
            out.append((int(k), round(float(hh), 3), round(gap, 3)))
    return out


# ----------------------------------------------------------------------------------------------------
# the mapping from hollow depth to degrees
# ----------------------------------------------------------------------------------------------------
def fit_tilt_mapping(depth: np.ndarray, tilts: np.ndarray) -> dict:
    """Least-squares straight line of true tilt on hollow depth.

    Parameters
    ----------
    depth : ndarray, shape (n,)
        :func:`hollow_depth` depths, fractions of trunk length (NaN rows are dropped).
    tilts : ndarray, shape (n,)
        True pelvic tilt, degrees, + = anterior.

    Returns
    -------
    dict
        ``intercept_deg``, ``slope_deg`` (degrees per unit of depth, i.e. per trunk length), ``n``,
        ``rmse_fit_deg``, ``depth_range`` (2.5th and 97.5th percentiles of the depths fitted on).
    """
    x, y = np.asarray(depth, dtype=float), np.asarray(tilts, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(x) < 3 or np.ptp(x) <= 0:
        raise ValueError(f"too few distinct depths ({len(x)}) to fit a line")
    slope, intercept = np.polyfit(x, y, 1)
    rmse = float(np.sqrt(np.mean((intercept + slope * x - y) ** 2)))
    return {"intercept_deg": float(intercept), "slope_deg": float(slope), "n": int(len(x)), "rmse_fit_deg": rmse,
            "depth_range": [float(v) for v in np.percentile(x, [2.5, 97.5])]}


@lru_cache(maxsize=None)
def load_model(path: Path = MODEL_FILE) -> dict:
    """The fitted mapping and its provenance from ``analysis/data/pelvic_tilt_model.toml``."""
    with open(path, "rb") as f:
        m = tomllib.load(f)
    if m.get("feature") != FEATURE:
        raise ValueError(f"{path.name}: feature {m.get('feature')!r} is not {FEATURE!r}")
    return m


def predict_tilt(depth: float, model: dict | None = None) -> float:
    """Tilt (deg, + = anterior) from a hollow depth (fraction of trunk length); NaN for NaN."""
    m = model or load_model()
    return float(m["intercept_deg"] + m["slope_deg"] * depth) if math.isfinite(depth) else float("nan")


def estimate_hollow(profile: TrunkProfile, px: np.ndarray | None = None,
                    visibility: np.ndarray | None = None) -> Hollow:
    """The hollow as the estimate reads it: the back edge smoothed by a running median (a notch or spike
    narrower than ``pelvic_tilt_outline_median_span``, e.g. where an arrow or a caption drawn across the
    body cuts the mask, or a fold of the shirt, is not body shape), :func:`hollow_depth` with the windows
    and coverage of ``norms.toml``, then the checks of what the outline follows there (an arm at the back,
    a depth no body has). ``reason`` says why when there is no depth.

    Parameters
    ----------
    profile : TrunkProfile
    px : ndarray, shape (33, 2), optional
        Landmark pixels of the same frame (for the arm check; skipped without them).
    visibility : ndarray, shape (33,), optional
    """
    bw, uw = norm("pelvic_tilt_buttock_heights"), norm("pelvic_tilt_upper_back_heights")
    back = running_median(profile.heights, profile.back, threshold("pelvic_tilt_outline_median_span"))
    hol = hollow_depth(replace(profile, back=back), (bw.low, bw.high), (uw.low, uw.high),
                       threshold("pelvic_tilt_hollow_min_coverage"))
    if hol.reason:
        return hol
    if px is not None:
        arms = arm_at_back(profile, px, hol.buttock[0], hol.upper[0], threshold("pelvic_tilt_arm_margin"), visibility)
        if arms:
            where = sorted({_ARM_NAMES.get(k, "hand") for k, _, _ in arms})
            return replace(hol, depth=math.nan,
                           reason=f"the {' and '.join(where)} {'reach' if len(where) > 1 else 'reaches'} the outline "
                                  "of the back between the buttocks and the upper back, so the outline there may be "
                                  "the arm: let the arms hang relaxed at your sides (or cross them in front)")
    bounds = norm("pelvic_tilt_hollow_plausible")
    if not bounds.low <= hol.depth <= bounds.high:
        return replace(hol, depth=math.nan,
                       reason=f"the back outline does not look like a back (low-back hollow {100 * hol.depth:.0f}% of "
                              f"trunk length, outside {100 * bounds.low:g}% to {100 * bounds.high:g}%): probably loose "
                              "clothes, hair or something behind the person; wear fitted clothes against a plain background")
    return hol


# ----------------------------------------------------------------------------------------------------
# the estimate as a Metric
# ----------------------------------------------------------------------------------------------------
def _norm():
    try:
        return norm("pelvic_tilt_standing")
    except KeyError:
        return None


def tilt_reading(v: float) -> str:
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
    fitted range) scale it down; reading it back the same way gives ``E0 * (1 - confidence)``: the held-out
    error of the method at full confidence, growing to E0 as the confidence falls to 0.
    """
    return threshold("pelvic_tilt_error_for_zero_confidence") * (1.0 - float(np.clip(confidence, 0.0, 1.0)))


def estimate_reading(v: float, confidence: float) -> str:
    """The full plain sentence of an uncalibrated estimate: :func:`tilt_reading` plus its typical error."""
    return tilt_reading(v) + (f" This is an estimate from your outline (typical error about "
                              f"{typical_error_deg(confidence):.0f} deg at this confidence); marking your ASIS and "
                              "PSIS once makes it a measurement.")


def reading_tilt(reading: tuple, facing: int | None = None) -> Metric | None:
    """The tilt estimate of a photo's second reading ``(pixels (33, 2), visibility (33,), outline (K, 2) or None)``
    (:func:`vision.pipeline.reread_photo`); None when that reading found nobody (``pixels`` None). An outline with
    NaN rows counts as none."""
    px, vis, outline = reading
    if px is None:
        return None
    return estimate_pelvic_tilt(outline if outline is not None and np.isfinite(outline).all() else None, px, vis,
                                facing)


def retest_pelvic_tilt(first: Metric, again: Metric | None) -> Metric:
    """A photo's tilt estimate read twice: on the photo, and on a second reading of it (its mirror image, read
    again by the pose model and its segmentation, mapped back to the photo).

    A single photo has no other frame to show how steady its outline is, and where the back meets a background
    of its own colour the segmentation can bridge the low-back hollow one time and follow it the next: a real
    mirror selfie (dark skin, dark wood behind the back) read 27 degrees, and 4 when turned 4 degrees, where its
    mirror image read 20. Both readings given: their mean, ``spread`` their standard deviation, ``extra['retest']``
    the second reading; further apart than ``pelvic_tilt_retest_max``: no value, the reason saying what to do.
    Without a second value (the copy gave no person or no outline), ``first`` with ``extra['retest']`` saying
    so. ``again`` is the second reading's estimate (:func:`reading_tilt`).
    """
    if first.value is None:
        return first
    if again is None or again.value is None:
        why = "the second reading found no person" if again is None else again.reason
        return replace(first, extra=dict(first.extra, retest={"value": None, "reason": why}))
    a, b = float(first.value), float(again.value)
    extra = dict(first.extra, retest={"value": round(b, 2), "first": round(a, 2)})
    if abs(a - b) > threshold("pelvic_tilt_retest_max"):
        return _no_value(f"two readings of this photo (the photo and its mirror image) put the pelvis's tilt at "
                         f"{a:.0f} and {b:.0f} degrees, further apart than the estimate allows: the outline of the "
                         "low back is not clear against what is behind it. Take the photo again against a plain "
                         "wall of another colour than your skin and clothes, in good light", extra)
    v = (a + b) / 2.0
    conf = min(first.confidence, again.confidence)
    status = first.norm.status(v) if first.norm is not None else "unknown"
    return replace(first, value=v, spread=abs(a - b) / math.sqrt(2.0), confidence=conf, status=status,
                   reading=estimate_reading(v, conf), extra=extra)


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


def trunk_from_vertical(px: np.ndarray) -> float:
    """Angle of the hip-midpoint -> shoulder-midpoint line from the image's up direction, degrees 0..180
    (0 = shoulders straight above the hips, 180 = upside down); NaN when the landmarks are missing."""
    px = np.asarray(px, dtype=float)
    d = (px[L_SHOULDER] + px[R_SHOULDER]) / 2 - (px[L_HIP] + px[R_HIP]) / 2
    if not np.all(np.isfinite(d)) or not np.any(d):
        return float("nan")
    return float(np.degrees(np.arctan2(abs(d[0]), -d[1])))


def estimate_pelvic_tilt(outline: np.ndarray | None, px: np.ndarray, visibility: np.ndarray | None = None,
                         facing: int | None = None, model: dict | None = None,
                         profile: TrunkProfile | None = None) -> Metric:
    """Pelvic tilt estimated from one side-view frame's outline and landmarks.

    Reads one feature, the depth of the low-back hollow (:func:`estimate_hollow`: the back outline under the
    chord from the buttock apex to the upper-back apex, read only where hair and hanging arms are not, and
    only when no arm reaches the back there), and turns it into degrees with the straight line of
    ``pelvic_tilt_model.toml`` (fitted on rendered figures of known tilt). Needs the body from the
    shoulders to below the buttocks; knees, ankles and feet may be out of the picture.

    Parameters
    ----------
    outline : ndarray, shape (N, 2), or None
        The person's outline in pixels (:func:`vision.contour.person_outline`); None or NaN = no mask.
    px : ndarray, shape (33, 2)
        Landmark pixels of the same frame (MediaPipe order, x right, y down).
    visibility : ndarray, shape (33,), optional
        MediaPipe visibility 0..1; hips or shoulders under 0.5 give no value, lower values lower the
        confidence, and arm landmarks under 0.5 are left out of the arm check.
    facing : int, optional
        +1 facing the image right, -1 facing left; None = from the landmarks
        (:func:`analysis.view.facing_from_landmarks`; the body yaw of the world landmarks is better when
        the caller has it).
    model : dict, optional
        A mapping as stored in ``pelvic_tilt_model.toml`` (default: that file).
    profile : TrunkProfile, optional
        This frame's :func:`analysis.silhouette.trunk_profile` for the same ``facing``, when the caller
        has made it already (it is then not made again from ``outline``).

    Returns
    -------
    Metric
        key ``"pelvic_tilt"``, kind ``"estimate"``, unit ``"deg"``, **+ = anterior tilt**. ``confidence``
        (0..1) combines the method's error on held-out renders, how side-on the view is, hip and shoulder
        visibility, how much of the back outline was seen and whether the depth lies in the range the
        mapping was fitted on. ``extra`` holds the hollow (depth and points), the facing and the method's
        held-out error. Without a value, ``reason`` says why (not a side view, hips or shoulders not seen,
        no outline, buttocks out of the picture, an arm at the back ...).
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
    lean = trunk_from_vertical(px)
    if not (lean <= threshold("pelvic_tilt_max_trunk_from_vertical")):
        return _no_value(f"the trunk is not upright (the hip-to-shoulder line is {lean:.0f} deg from vertical): "
                         "the estimate is for standing; stand tall, side-on to the camera", {"trunk_from_vertical": lean})
    fc = facing_from_landmarks(px) if facing is None else int(facing)
    if fc not in (1, -1):
        return _no_value("cannot tell which way you face (face and feet not clear): turn fully side-on")
    if outline is None or not np.all(np.isfinite(np.asarray(outline, dtype=float))):
        return _no_value("no body outline (segmentation mask) for this frame: the estimate needs one")
    try:
        prof = trunk_profile(outline, px, fc) if profile is None else profile
    except ValueError as e:
        return _no_value(f"could not read the body outline: {e}")
    m = model or load_model()
    hol = estimate_hollow(prof, px, None if visibility is None else vis)
    extra = {"hollow": {"depth": _r(hol.depth), "buttock_apex": [_r(v) for v in hol.buttock],
                        "upper_back_apex": [_r(v) for v in hol.upper], "deepest": [_r(v) for v in hol.deepest],
                        "coverage": _r(hol.coverage)},
             "facing": fc, "side_view_width": round(width, 3), "method_rmse_deg": m["heldout_rmse_deg"],
             "calibrated": False}
    if hol.reason:
        return _no_value(hol.reason, extra)
    val = predict_tilt(hol.depth, m)
    # confidence: method x view x visibility x outline coverage x inside the fitted range
    c_method = max(0.0, 1.0 - m["heldout_rmse_deg"] / threshold("pelvic_tilt_error_for_zero_confidence"))
    c_view = float(np.clip(1.0 - max(0.0, width - 0.15) / 0.4, 0.3, 1.0))
    c_vis = float(np.clip(np.nanmean(vis[core]), 0.0, 1.0))
    lo, hi = m["depth_range"]
    outside = max(0.0, lo - hol.depth, hol.depth - hi) / max(hi - lo, 1e-6)
    c_typ = float(np.clip(1.0 - outside, 0.3, 1.0))
    conf = c_method * c_view * (0.5 + 0.5 * c_vis) * hol.coverage * c_typ
    extra["confidence_parts"] = {"method": round(c_method, 3), "view": round(c_view, 3), "visibility": round(c_vis, 3),
                                 "outline_coverage": round(hol.coverage, 3), "fitted_range": round(c_typ, 3)}
    return Metric("pelvic_tilt", "Pelvic tilt (estimate)", val, "deg", DEFINITION, kind="estimate",
                  confidence=float(conf), norm=_norm(), reading=estimate_reading(val, conf), extra=extra)


def _r(v: float, nd: int = 4) -> float | None:
    return round(float(v), nd) if math.isfinite(v) else None


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
                  reading=tilt_reading(v) + f" Estimate {note}.", extra=extra, side=estimate.side)
