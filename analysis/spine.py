"""The spinal compensation curve: the back contour between hip and shoulder level, its lumbar hollow
(lordosis) and thoracic hump (kyphosis), and a hedged posture-type reading.

Curve definition
----------------
From a :class:`analysis.silhouette.TrunkProfile` (side view): at normalised heights ``h`` from 0 (hip
level) to 1 (shoulder level) along the trunk axis, the back edge's offset from the **straight line
joining the back edge at hip level and at shoulder level** (the chord), as a fraction of the trunk
length (hip midpoint to shoulder midpoint), **positive = posterior** (the back bulges behind the chord),
negative = anterior (a hollow in front of the chord).

* **Lumbar lordosis depth**: the deepest hollow (largest negative offset, reported as a positive depth)
  in the lower part ``h`` in ``[0.1, 0.6]``, in % of trunk length, with its apex height.
* **Thoracic kyphosis depth**: the largest bulge of the back edge behind the straight line from the
  deepest point of the lumbar hollow to the back at shoulder level, above that point and up to
  ``h = 0.95``, in % of trunk length, with its apex height. (Measured against this upper chord rather
  than the hip-to-shoulder chord because the buttocks, which anchor that chord at hip level, would
  otherwise dominate it: on rendered figures the upper chord follows the kyphosis parameter with
  Spearman 0.72 against 0.41.)

These are silhouette measures: soft tissue, clothes and arms change them, so they are estimates of the
spinal curves, best compared within one person over time. Thresholds of the posture-type reading are in
``analysis/data/norms.toml`` (engineering choices).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from analysis.metric import Metric
from analysis.norms import norm, threshold
from analysis.silhouette import (L_ANKLE, L_HIP, L_SHOULDER, R_ANKLE, R_HIP, R_SHOULDER, TrunkProfile)

LOWER = (0.1, 0.6)
UPPER = (0.45, 0.95)
CURVE_HEIGHTS = np.round(np.arange(0.0, 1.0 + 1e-9, 0.02), 4)
POSTURE_TYPES = ("neutral", "kypho-lordotic", "lordotic", "flat back", "sway back")

LORDOSIS_DEF = ("Depth of the low-back hollow: the largest distance of the back outline in front of the straight line "
                "from the back at hip level to the back at shoulder level, between 10% and 60% of the way up, "
                "in % of trunk length (hip-to-shoulder distance). Larger = hollower low back. From the silhouette: "
                "an estimate of lumbar lordosis, affected by buttocks, clothes and arms.")
KYPHOSIS_DEF = ("Height of the upper-back curve: the largest distance of the back outline behind the straight line "
                "from the deepest point of the low-back hollow to the back at shoulder level, up to 95% of the way "
                "from hip to shoulder level, in % of trunk length. Larger = rounder upper back. From the silhouette: "
                "an estimate of thoracic kyphosis, affected by shoulder blades, hair and clothes.")


@dataclass
class SpinalCurve:
    """The back contour between hip and shoulder level and what is read from it.

    Attributes
    ----------
    heights : ndarray, shape (M,)
        Normalised heights, 0 = hip level, 1 = shoulder level.
    offset : ndarray, shape (M,)
        Back edge minus the hip-to-shoulder chord, fraction of trunk length, + = posterior (bulge);
        NaN where the outline missed.
    lordosis, kyphosis : Metric
        Depths in "% trunk length" (kind ``"estimate"``); ``extra["apex_height"]`` = the apex's
        normalised height.
    posture_type : str
        One of :data:`POSTURE_TYPES`, or ``"unknown"``.
    posture_reason : str
        Plain words: which numbers led to the reading (hedged: a silhouette screen, not a diagnosis).
    """

    heights: np.ndarray
    offset: np.ndarray
    lordosis: Metric
    kyphosis: Metric
    posture_type: str = "unknown"
    posture_reason: str = ""
    extra: dict = field(default_factory=dict)


def back_curve(profile: TrunkProfile, heights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The back edge relative to its hip-to-shoulder chord.

    Parameters
    ----------
    profile : TrunkProfile
    heights : ndarray, optional
        Normalised heights in 0..1 (default 0, 0.02, ..., 1).

    Returns
    -------
    heights, offset : ndarray
        Offset = back edge minus the chord, fraction of trunk length, + = posterior. All NaN when
        the back edge is missing at hip or shoulder level.
    """
    hs = CURVE_HEIGHTS if heights is None else np.asarray(heights, dtype=float)
    ok = np.isfinite(profile.back)
    b = np.full(len(hs), np.nan)
    if ok.sum() >= 2:
        inside = (hs >= profile.heights[ok][0]) & (hs <= profile.heights[ok][-1])
        b[inside] = np.interp(hs[inside], profile.heights[ok], profile.back[ok])
        # keep gaps as gaps: a height whose neighbours in the profile are missing stays NaN
        near = np.array([np.min(np.abs(profile.heights[ok] - h)) if inside[i] else np.inf for i, h in enumerate(hs)])
        b[near > 0.03] = np.nan
    b0, b1 = profile.value_at("back", 0.0), profile.value_at("back", 1.0)
    chord = b0 + (b1 - b0) * hs
    return hs, b - chord


def _apex(hs, off, lo, hi, sign):
    m = (hs >= lo) & (hs <= hi) & np.isfinite(off)
    if m.sum() < 0.6 * ((hs >= lo) & (hs <= hi)).sum() or not m.any():
        return float("nan"), float("nan"), float(m.mean()) if m.size else 0.0
    idx = np.flatnonzero(m)
    j = idx[int(np.argmax(sign * off[m]))]
    cov = m.sum() / max(1, ((hs >= lo) & (hs <= hi)).sum())
    return float(sign * off[j]), float(hs[j]), float(cov)


def _norm_or_none(key):
    try:
        return norm(key)
    except KeyError:
        return None


def spinal_curve(profile: TrunkProfile | None, px: np.ndarray | None = None, base_confidence: float = 1.0,
                 reason: str | None = None) -> SpinalCurve:
    """Compensation curve, lordosis and kyphosis depths and the posture-type reading of one side view.

    Parameters
    ----------
    profile : TrunkProfile or None
        From :func:`analysis.silhouette.trunk_profile`; None gives metrics without values.
    px : ndarray, shape (33, 2), optional
        The frame's landmark pixels; needed for the sway-back reading (hips forward of the ankles,
        shoulders behind the hips). Without them sway back is not considered.
    base_confidence : float
        0..1 from view and visibility checks made by the caller (multiplied in).
    reason : str, optional
        Why there is no profile (used when ``profile`` is None).

    Returns
    -------
    SpinalCurve
    """
    if profile is None:
        why = reason or "no body outline for this frame"
        nanm = lambda key, name, d: Metric(key, name, None, "% trunk length", d, kind="estimate", reason=why)  # noqa: E731
        return SpinalCurve(CURVE_HEIGHTS.copy(), np.full(len(CURVE_HEIGHTS), np.nan),
                           nanm("lumbar_lordosis_depth", "Low-back hollow (lordosis)", LORDOSIS_DEF),
                           nanm("thoracic_kyphosis_depth", "Upper-back curve (kyphosis)", KYPHOSIS_DEF),
                           "unknown", why)
    hs, off = back_curve(profile)
    method_conf = threshold("spine_curve_method_confidence")
    metrics = []
    l_depth, l_apex, _ = _apex(hs, off, *LOWER, -1.0)
    # upper chord: from the lumbar apex (or the middle of the lower window) to the back at shoulder level
    h0 = l_apex if np.isfinite(l_apex) else 0.5 * (LOWER[0] + LOWER[1])
    o0 = float(np.interp(h0, hs[np.isfinite(off)], off[np.isfinite(off)])) if np.isfinite(off).sum() >= 2 else np.nan
    upper_off = off - (o0 + (off[-1] - o0) * (hs - h0) / (1.0 - h0))
    upper_off = np.where(hs > h0, upper_off, np.nan)
    for key, name, d, (lo, hi), sign, curve in (
            ("lumbar_lordosis_depth", "Low-back hollow (lordosis)", LORDOSIS_DEF, LOWER, -1.0, off),
            ("thoracic_kyphosis_depth", "Upper-back curve (kyphosis)", KYPHOSIS_DEF, (max(h0, 0.3), UPPER[1]), +1.0,
             upper_off)):
        depth, apex, cov = _apex(hs, curve, lo, hi, sign)
        if np.isfinite(depth):
            metrics.append(Metric(key, name, 100.0 * depth, "% trunk length", d, kind="estimate",
                                  confidence=float(np.clip(method_conf * base_confidence * cov, 0, 1)),
                                  norm=_norm_or_none(key), extra={"apex_height": apex}))
        else:
            metrics.append(Metric(key, name, None, "% trunk length", d, kind="estimate",
                                  reason="the back outline is incomplete between hip and shoulder level "
                                         "(arms, hair or the picture's edge in the way)"))
    lord, kyph = metrics
    ptype, why, ext = posture_type(lord.value, kyph.value, px, profile.facing)
    return SpinalCurve(hs, off, lord, kyph, ptype, why, ext)


def sway_measures(px: np.ndarray | None, facing: int) -> tuple[float, float]:
    """Hip shift in front of the ankles (fraction of trunk length, + = forward) and trunk inclination
    (deg, + = shoulders forward of the hips) from side-view landmark pixels; NaN when missing."""
    if px is None or facing not in (1, -1):
        return float("nan"), float("nan")
    px = np.asarray(px, dtype=float)
    hip = (px[L_HIP] + px[R_HIP]) / 2
    sh = (px[L_SHOULDER] + px[R_SHOULDER]) / 2
    ank = (px[L_ANKLE] + px[R_ANKLE]) / 2
    L = float(np.hypot(*(sh - hip)))
    if not np.isfinite(L) or L <= 0:
        return float("nan"), float("nan")
    shift = facing * (hip[0] - ank[0]) / L
    incl = float(np.degrees(np.arctan2(facing * (sh[0] - hip[0]), hip[1] - sh[1])))
    return float(shift), incl


def posture_type(lordosis_pct: float | None, kyphosis_pct: float | None, px: np.ndarray | None = None,
                 facing: int = 0) -> tuple[str, str, dict]:
    """A hedged posture-type reading from the curve depths (and the landmarks for sway back).

    Rules (thresholds in ``norms.toml``, engineering choices), checked in this order:

    * **sway back**: hips pushed forward of the ankles by more than ``posture_sway_hip_shift`` trunk
      lengths **and** shoulders behind the hips (trunk inclined back beyond ``posture_sway_trunk_back``).
    * **kypho-lordotic**: low-back hollow above ``posture_lordosis_high`` and upper-back curve above
      ``posture_kyphosis_high`` (% trunk length).
    * **lordotic**: low-back hollow above ``posture_lordosis_high`` without a rounded upper back (Kendall's
      lordotic posture).
    * **flat back**: low-back hollow below ``posture_lordosis_low``.
    * otherwise **neutral**: the hollow within its usual range (a neutral reading never has a hollow outside it).

    Returns
    -------
    type : str
        One of :data:`POSTURE_TYPES` or ``"unknown"`` without a lordosis value.
    reason : str
        The reading in plain, hedged words, with the numbers behind it.
    extra : dict
        The numbers used.
    """
    if lordosis_pct is None or not np.isfinite(lordosis_pct):
        return "unknown", "the low-back outline could not be read, so no posture type is suggested", {}
    lo_hi, lo_lo = threshold("posture_lordosis_high"), threshold("posture_lordosis_low")
    ky_hi = threshold("posture_kyphosis_high")
    shift, incl = sway_measures(px, facing)
    ext = {"lordosis_pct": lordosis_pct, "kyphosis_pct": kyphosis_pct, "hip_shift": shift, "trunk_inclination": incl}
    hedge = " This is a screen from your outline, not a diagnosis; a therapist can confirm it."
    if np.isfinite(shift) and np.isfinite(incl) and shift > threshold("posture_sway_hip_shift") \
            and incl < -threshold("posture_sway_trunk_back"):
        return "sway back", (f"Possibly a sway-back posture: your hips sit forward of your ankles ({100 * shift:.0f}% of "
                             f"trunk length) while your shoulders lean back behind your hips ({-incl:.0f} deg)." + hedge), ext
    ky = kyphosis_pct if kyphosis_pct is not None and np.isfinite(kyphosis_pct) else float("nan")
    if lordosis_pct > lo_hi and ky > ky_hi:
        return "kypho-lordotic", (f"Possibly a kypho-lordotic posture: a deep low-back hollow ({lordosis_pct:.1f}% of trunk "
                                  f"length, above {lo_hi:g}%) together with a rounded upper back ({ky:.1f}%, above "
                                  f"{ky_hi:g}%)." + hedge), ext
    if lordosis_pct < lo_lo:
        return "flat back", (f"Possibly a flat-back posture: the low-back hollow is shallow ({lordosis_pct:.1f}% of trunk "
                             f"length, below {lo_lo:g}%)." + hedge), ext
    tail = "" if np.isfinite(ky) else " (the upper back could not be read)"
    if lordosis_pct > lo_hi:
        return "lordotic", (f"Possibly a lordotic posture: the low-back hollow is deep ({lordosis_pct:.1f}% of trunk "
                            f"length, above the usual {lo_hi:g}%) without a rounded upper back"
                            + (f" ({ky:.1f}%, at most {ky_hi:g}%)" if np.isfinite(ky) else tail) + "." + hedge), ext
    detail = f"low-back hollow {lordosis_pct:.1f}% of trunk length (within the usual {lo_lo:g}% to {lo_hi:g}%)"
    if ky > ky_hi:
        return "neutral", (f"The low back looks close to neutral ({detail}), but the upper back is rounder than usual "
                           f"({ky:.1f}%, above {ky_hi:g}%)." + hedge), ext
    return "neutral", (f"Looks close to neutral: {detail}{tail}." + hedge), ext


_DEPTH_WORDS = {"lumbar_lordosis_depth": ("Low-back hollow", "hollower", "flatter"),
                "thoracic_kyphosis_depth": ("Upper-back curve", "rounder", "straighter")}


def depth_reading(m: Metric) -> Metric:
    """The lordosis or kyphosis depth with its plain sentence, checked against its usual range (unchanged
    without a value)."""
    if m.value is None or m.key not in _DEPTH_WORDS:
        return m
    name, more, less = _DEPTH_WORDS[m.key]
    n = m.norm
    status = n.status(m.value) if n is not None else "unknown"
    cmp = {"within": f"within the usual range ({n.describe()})" if n else "",
           "above": f"above the usual range ({n.describe()}): {more} than usual" if n else "",
           "below": f"below the usual range ({n.describe()}): {less} than usual" if n else ""}.get(status, "")
    reading = (f"{name}: {m.value:.1f}% of your trunk length" + (f", {cmp}" if cmp else "")
               + ". An estimate from your outline (clothes, arms and soft tissue change it).")
    return replace(m, status=status, reading=reading)
