"""Repetitions and phases of a movement, found in one angle-over-time signal.

A movement test (standing hip extension, lunge glide, prone knee bend ...) is a series of
**repetitions**: the driving angle leaves a resting level, reaches a **peak** and comes back. Every
result the movement modules report names the repetition it came from (1-based ``index``) and the side
of the body (the person's ``"left"``/``"right"``).

Definitions (all indices are 0-based positions in the track arrays, times in seconds):

* ``peak``: a local maximum of the (gap-filled, low-pass filtered) signal whose prominence is at least
  ``min_amplitude`` (same unit as the signal, usually degrees) and which lies at least ``min_gap_s``
  from a higher peak (:func:`scipy.signal.find_peaks`).
* ``start``: the last frame before the peak at which the signal was still within ``rest_fraction``
  (default 20 %) of the rise from its lowest value between the previous peak (or the clip start) and
  this peak; ``end`` likewise after the peak, up to the next peak (or the clip end).
* Phases: ``"rest"`` outside repetitions, ``"out"`` from start to peak, ``"hold"`` while the signal
  stays within ``hold_fraction`` (10 %) of the peak's rise, ``"return"`` from the hold to the end.

Gait events use the kinematic rule of Zeni, Richards & Higginson (2008, Gait & Posture 27:710-714):
**toe-off** is a minimum, in the walking direction, of the toe's position relative to the pelvis (the
foot is furthest behind the hips just as it leaves the ground); **heel strike** a maximum of the
heel's. It needs no force plate, works for walking and running, and does not care whether the camera
follows the person (a panning camera moves foot and pelvis together).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.signal import find_peaks

from analysis.filtering import smooth_track

__all__ = ["Repetition", "find_repetitions", "phase_labels", "gait_events", "clean_signal"]


@dataclass
class Repetition:
    """One repetition of a movement.

    Attributes
    ----------
    index : int
        1-based number of the repetition in the clip (per side).
    side : str or None
        The person's ``"left"`` or ``"right"`` (the moving or tested limb), None when not one-sided.
    start, peak, end : int
        0-based frame positions in the track (see the module docstring).
    start_s, peak_s, end_s : float
        The same as times (seconds).
    peak_value : float
        Signal at the peak (signal unit).
    rest_value : float
        Lowest signal before the peak (between the previous peak and this one).
    amplitude : float
        ``peak_value - rest_value``.
    hold_start, hold_end : int
        Frames bounding the hold around the peak (signal within 10 % of the rise from the peak).
    """

    index: int
    side: str | None
    start: int
    peak: int
    end: int
    start_s: float
    peak_s: float
    end_s: float
    peak_value: float
    rest_value: float
    amplitude: float
    hold_start: int
    hold_end: int

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("start_s", "peak_s", "end_s", "peak_value", "rest_value", "amplitude"):
            d[k] = round(float(d[k]), 3)
        return d


def clean_signal(signal: np.ndarray, timestamps: np.ndarray, cutoff_hz: float = 3.0,
                 max_gap_s: float = 0.5) -> np.ndarray:
    """Gap-fill (up to ``max_gap_s``) and zero-lag low-pass filter a 1-D signal (see
    :func:`analysis.filtering.smooth_track`). A low 3 Hz cut-off suits finding repetitions, not
    reading values."""
    x = np.asarray(signal, dtype=np.float64)
    return smooth_track(x[:, None], np.asarray(timestamps, dtype=np.float64), cutoff_hz, max_gap_s)[:, 0]


def _crossing_before(x: np.ndarray, lo: int, peak: int, level: float) -> int:
    """Last index in [lo, peak] with x <= level (lo when none)."""
    seg = x[lo:peak + 1]
    idx = np.flatnonzero(seg <= level)
    return lo + int(idx[-1]) if idx.size else lo


def _crossing_after(x: np.ndarray, peak: int, hi: int, level: float) -> int:
    """First index in [peak, hi] with x <= level (hi when none)."""
    seg = x[peak:hi + 1]
    idx = np.flatnonzero(seg <= level)
    return peak + int(idx[0]) if idx.size else hi


def find_repetitions(signal: np.ndarray, timestamps: np.ndarray, min_amplitude: float = 5.0, side: str | None = None,
                     min_gap_s: float = 0.6, rest_fraction: float = 0.2, hold_fraction: float = 0.1,
                     smooth: bool = True) -> list[Repetition]:
    """Find the repetitions of a movement in one signal whose peaks are the movement's end range.

    Parameters
    ----------
    signal : ndarray, shape (T,)
        E.g. hip extension (deg, + = thigh behind the trunk line): larger = further into the movement.
        NaN where unseen. Pass ``-x`` for a movement whose end range is a minimum.
    timestamps : ndarray, shape (T,)
        Seconds, increasing.
    min_amplitude : float
        Smallest rise from rest to peak that counts as a repetition (signal unit; see the norms file
        ``movement_min_amplitude`` for the default used by the tests).
    side : str, optional
        Stored in each :class:`Repetition`.
    min_gap_s : float
        Peaks closer than this are merged (the higher one wins).
    rest_fraction, hold_fraction : float
        See the module docstring.
    smooth : bool
        Gap-fill and 3 Hz low-pass the signal first (:func:`clean_signal`).

    Returns
    -------
    list of Repetition
        In time order, ``index`` 1, 2, ...; empty when the signal never rises by ``min_amplitude``.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    x = clean_signal(signal, t) if smooth and len(t) > 1 else np.asarray(signal, dtype=np.float64).copy()
    ok = np.isfinite(x)
    if ok.sum() < 3:
        return []
    # NaN (long gaps) cannot be part of a repetition: put them far below everything
    low = np.nanmin(x) - 10.0 * max(min_amplitude, 1.0)
    xf = np.where(ok, x, low)
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
    peaks, _ = find_peaks(np.concatenate([[low], xf, [low]]), prominence=min_amplitude,
                          distance=max(1, int(round(min_gap_s / dt))))
    peaks = peaks - 1
    reps: list[Repetition] = []
    bounds = np.concatenate([[0], peaks, [len(x) - 1]])
    for j, p in enumerate(peaks):
        lo, hi = int(bounds[j]), int(bounds[j + 2])
        left_min = float(np.min(xf[lo:p + 1][ok[lo:p + 1]])) if ok[lo:p + 1].any() else xf[p]
        right_min = float(np.min(xf[p:hi + 1][ok[p:hi + 1]])) if ok[p:hi + 1].any() else xf[p]
        rise = xf[p] - left_min
        if rise < min_amplitude:
            continue
        s = _crossing_before(xf, lo, p, left_min + rest_fraction * rise)
        e = _crossing_after(xf, p, hi, right_min + rest_fraction * (xf[p] - right_min))
        hold_level = xf[p] - hold_fraction * rise
        hs = _crossing_before(xf, s, p, hold_level) + 1
        he = _crossing_after(xf, p, e, hold_level) - 1
        hs, he = min(hs, p), max(he, p)
        reps.append(Repetition(len(reps) + 1, side, int(s), int(p), int(e), float(t[s]), float(t[p]), float(t[e]),
                               float(x[p]), float(left_min), float(rise), int(hs), int(he)))
    return reps


def phase_labels(n_frames: int, reps: list[Repetition]) -> np.ndarray:
    """Per-frame phase names for plotting: ``"rest"``, ``"out"``, ``"hold"``, ``"return"``.

    Returns
    -------
    ndarray of str, shape (T,)
    """
    lab = np.full(n_frames, "rest", dtype=object)
    for r in reps:
        lab[r.start:r.hold_start] = "out"
        lab[r.hold_start:r.hold_end + 1] = "hold"
        lab[r.hold_end + 1:r.end + 1] = "return"
    return lab


def gait_events(toe_rel: np.ndarray, heel_rel: np.ndarray, timestamps: np.ndarray,
                min_step_s: float = 0.35, min_range: float = 0.05) -> dict[str, np.ndarray]:
    """Toe-off and heel-strike frames of one foot from its position relative to the pelvis.

    Parameters
    ----------
    toe_rel, heel_rel : ndarray, shape (T,)
        Horizontal position of the toe (foot index) and heel relative to the hip midpoint, **+ = in
        the walking direction**, in any length unit (e.g. fractions of the thigh length). NaN where
        unseen.
    timestamps : ndarray, shape (T,)
    min_step_s : float
        Two events of the same kind on one foot are at least this far apart (a stride of a run lasts
        about 0.7 s, of a walk about 1 s).
    min_range : float
        Smallest prominence of an event in the unit of ``toe_rel`` (rejects jitter during standing).

    Returns
    -------
    dict
        ``toe_off`` and ``heel_strike``: int arrays of frame positions (Zeni et al. 2008 rule; see the
        module docstring).
    """
    t = np.asarray(timestamps, dtype=np.float64)
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
    dist = max(1, int(round(min_step_s / dt)))
    out = {}
    for key, x, sign in (("toe_off", toe_rel, -1.0), ("heel_strike", heel_rel, 1.0)):
        y = clean_signal(x, t, cutoff_hz=6.0, max_gap_s=0.15) if len(t) > 12 else np.asarray(x, float)
        ok = np.isfinite(y)
        if ok.sum() < 3:
            out[key] = np.array([], int)
            continue
        yy = np.where(ok, sign * y, -np.inf)
        pk, _ = find_peaks(np.where(np.isfinite(yy), yy, np.nanmin(sign * y[ok]) - 1.0), prominence=min_range,
                           distance=dist)
        # an event needs seen frames on both sides (not at a gap's edge or the clip's ends)
        keep = (pk > 0) & (pk < len(y) - 1)
        keep &= ok[np.clip(pk - 1, 0, len(y) - 1)] & ok[np.clip(pk + 1, 0, len(y) - 1)]
        out[key] = pk[keep].astype(int)
    return out
