"""Smoothing landmark tracks: gap filling and a zero-lag low-pass filter offline, One Euro live.

Offline (a recorded clip): short gaps (NaN runs) are filled by linear interpolation in time, then each
coordinate is low-pass filtered forwards and backwards with a Butterworth filter
(:func:`scipy.signal.sosfiltfilt`), which removes jitter without shifting events in time. The default
cut-off, 6 Hz, is the usual choice for video of human movement (Winter, *Biomechanics and Motor Control
of Human Movement*, 4th ed., 2009, ch. 2); quiet standing holds almost nothing above 2 Hz, so it is
untouched. Long gaps stay NaN: nothing is invented where the person was not seen.

Live (webcam frames one at a time): :class:`OneEuroFilter` (Casiez, Roussel & Vogel, CHI 2012), an
adaptive low-pass filter that smooths strongly when still and follows fast movement with little lag.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.signal import butter, sosfiltfilt

DEFAULT_CUTOFF_HZ = 6.0
DEFAULT_MAX_GAP_S = 0.25  # engineering choice: longer gaps are not bridged
BUTTER_ORDER = 2  # applied twice (forwards and backwards): effective 4th order, zero phase


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) indices of each run of True in a 1-D bool array (stop exclusive)."""
    d = np.diff(np.concatenate([[0], np.asarray(mask, bool).astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def frame_interval(timestamps, default: float = float("nan")) -> float:
    """The typical time between frames: the median interval of ``timestamps`` (T,) in seconds, ``default`` when
    there are fewer than two."""
    t = np.asarray(timestamps, dtype=np.float64)
    return float(np.median(np.diff(t))) if len(t) > 1 else float(default)


def running_median(heights: np.ndarray, values: np.ndarray, span: float) -> np.ndarray:
    """Running median of ``values`` over a window ``span`` wide in ``heights`` (evenly spaced: heights along a
    profile, or timestamps), ignoring NaN; NaN stays NaN. A window of fewer than 3 samples returns the values
    unchanged."""
    v = np.asarray(values, dtype=float)
    step = float(np.median(np.diff(heights))) if len(heights) > 1 else 0.0
    k = int(round(span / step)) // 2 * 2 + 1 if step > 0 else 1
    if k < 3 or len(v) < k:
        return v.copy()
    win = np.lib.stride_tricks.sliding_window_view(np.pad(v, k // 2, constant_values=np.nan), k)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows stay NaN
        out = np.nanmedian(win, axis=1)
    return np.where(np.isfinite(v), out, np.nan)


def interpolate_gaps(values: np.ndarray, timestamps: np.ndarray, max_gap_s: float = DEFAULT_MAX_GAP_S) -> np.ndarray:
    """Fill NaN runs no longer than ``max_gap_s`` seconds by linear interpolation in time.

    Parameters
    ----------
    values : ndarray, shape (T, ...)
        Time on the first axis; every other element is treated as its own series.
    timestamps : ndarray, shape (T,)
        Seconds, increasing.
    max_gap_s : float
        Gaps longer than this (from the last seen to the next seen sample), or at the start or end of
        the track, stay NaN.
    """
    x = np.array(values, dtype=np.float64, copy=True)
    t = np.asarray(timestamps, dtype=np.float64)
    flat = x.reshape(len(x), -1)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        for a, b in true_runs(np.isnan(col)):
            if a == 0 or b == len(col) or t[b] - t[a - 1] > max_gap_s:
                continue
            col[a:b] = np.interp(t[a:b], [t[a - 1], t[b]], [col[a - 1], col[b]])
    return x


def lowpass(values: np.ndarray, timestamps: np.ndarray, cutoff_hz: float = DEFAULT_CUTOFF_HZ) -> np.ndarray:
    """Zero-lag Butterworth low-pass filter along time, run on each NaN-free stretch separately.

    The sampling rate is taken from the median time step (variable-rate clips are treated as their
    typical rate). Stretches too short for the filter's padding, and clips whose Nyquist frequency is
    at or below ``cutoff_hz``, are returned unfiltered.

    Parameters
    ----------
    values : ndarray, shape (T, ...)
    timestamps : ndarray, shape (T,)
        Seconds.
    cutoff_hz : float
        -3 dB frequency of the filter pair, Hz.
    """
    x = np.array(values, dtype=np.float64, copy=True)
    t = np.asarray(timestamps, dtype=np.float64)
    if len(t) < 2:
        return x
    fs = 1.0 / frame_interval(t)
    if not np.isfinite(fs) or cutoff_hz >= fs / 2:
        return x
    sos = butter(BUTTER_ORDER, cutoff_hz, fs=fs, output="sos")
    padlen = 3 * (2 * len(sos) + 1)  # scipy's default for sosfiltfilt
    flat = x.reshape(len(x), -1)
    finite = np.isfinite(flat)
    # Columns sharing a gap pattern (all coordinates of a landmark, usually all landmarks) go together.
    patterns: dict[bytes, list[int]] = {}
    for j in range(flat.shape[1]):
        patterns.setdefault(finite[:, j].tobytes(), []).append(j)
    for cols in patterns.values():
        for a, b in true_runs(finite[:, cols[0]]):
            if b - a > padlen:
                flat[a:b, cols] = sosfiltfilt(sos, flat[a:b, cols], axis=0)
    return x


def smooth_track(values: np.ndarray, timestamps: np.ndarray, cutoff_hz: float = DEFAULT_CUTOFF_HZ,
                 max_gap_s: float = DEFAULT_MAX_GAP_S) -> np.ndarray:
    """:func:`interpolate_gaps` then :func:`lowpass`: the offline smoothing of a clip's landmarks."""
    return lowpass(interpolate_gaps(values, timestamps, max_gap_s), timestamps, cutoff_hz)


class OneEuroFilter:
    """One Euro filter over arrays of any fixed shape, for live frames arriving one at a time.

    Parameters
    ----------
    min_cutoff : float
        Cut-off in Hz when still (lower = smoother, more lag at rest).
    beta : float
        How fast the cut-off rises with speed (per unit of the signal per second).
    d_cutoff : float
        Cut-off for the speed estimate, Hz.

    Notes
    -----
    NaN input (landmark not seen) passes through as NaN and leaves that element's state unchanged.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 5.0, d_cutoff: float = 1.0) -> None:
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self._x = self._dx = None
        self._t: float | None = None

    @staticmethod
    def _alpha(cutoff, dt: float):
        tau = 1.0 / (2 * np.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def reset(self) -> None:
        self._x = self._dx = None
        self._t = None

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        """Filter the sample ``x`` taken at ``t`` seconds; returns the smoothed sample."""
        x = np.asarray(x, dtype=np.float64)
        if self._x is None or self._t is None or t <= self._t:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t
            return x.copy()
        dt = t - self._t
        seen = np.isfinite(x)
        prev = np.where(np.isfinite(self._x), self._x, x)  # an element seen for the first time starts fresh
        dx = np.where(seen, (x - prev) / dt, 0.0)
        a_d = self._alpha(self.d_cutoff, dt)
        dx_hat = a_d * dx + (1 - a_d) * self._dx
        a = self._alpha(self.min_cutoff + self.beta * np.abs(dx_hat), dt)
        out = np.where(seen, a * x + (1 - a) * prev, np.nan)
        self._x = np.where(seen, out, self._x)
        self._dx = np.where(seen, dx_hat, self._dx)
        self._t = t
        return out
