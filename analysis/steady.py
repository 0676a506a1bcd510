"""The steadiest stretch of a standing clip, and the smoothed track posture values are read from.

A standing assessment reads its numbers over a short window in which the person stood stillest (by
default 2 s, norms ``steady_window``), reports the median over that window and the spread (SD) across
it. A photo is its own one-frame window (no spread).

Motion figure: after low-visibility points are masked and the track smoothed (gap fill + zero-lag
Butterworth, :func:`analysis.filtering.smooth_track`), the standard deviation over the window of the x
and y position of each shoulder and hip landmark, combined as a root mean square over those series and
divided by the person's stature in pixels (:func:`analysis.quality.stature_px`), in **% of height**.

The figure is read twice, in the picture and **over the feet** (:func:`body_over_feet`: relative to the middle of
the ankle and heel points, in the frame's own trunk lengths scaled back to the clip's median trunk), and each window
keeps the lesser. Each reading holds the person's own sway and something else: the picture, the camera's motion;
over the feet, the feet points' own wander. A phone held in the hand, drifting and zooming a little, moves the
body and its feet together (the rendered standing clip copied with
:func:`vision.synthetic.camera.handheld_warp`'s shake read 1.70 % in the picture, 0.84 % over the feet); where the
pose model's feet points wander on a steady camera, the picture reads less (the sample ``after_tilt9.mp4``: 0.15 in
the picture, 1.38 over the feet). A camera's roll reads as motion both ways: the picture alone cannot tell it from
the body swaying about its ankles. A clip whose feet are not seen in at least ``steady_feet_seen_min`` of its frames
is read in the picture only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.activity import hip_and_trunk
from analysis.filtering import DEFAULT_CUTOFF_HZ, frame_interval, smooth_track
from analysis.norms import threshold
from analysis.quality import quiet, mask_low_visibility, stature_px, torso_stature_px

# Shoulders and hips: what moves when a standing person sways or shifts weight.
MOTION_LANDMARKS = (11, 12, 23, 24)
MIN_VALID_FRACTION = 0.8  # a window needs the motion landmarks in this share of its frames
FEET = (27, 28, 29, 30)  # ankles and heels


@dataclass
class SteadyWindow:
    """The steadiest window of a clip.

    Attributes
    ----------
    indices : ndarray of int
        Array indices (0-based positions in the track, not source frame numbers) of the frames in
        the window, in time order.
    start, stop : int
        ``indices`` = range(start, stop) restricted to usable frames.
    motion : float or None
        RMS sway of shoulders and hips over the window, the lesser of its readings in the picture and over the feet,
        % of stature (module docstring); None for a photo or when it could not be computed.
    duration_s : float
        Time from the first to the last frame of the window plus one frame step (0 for a photo).
    is_photo : bool
        True for a single frame.
    """

    indices: np.ndarray
    start: int
    stop: int
    motion: float | None
    duration_s: float
    is_photo: bool

    def to_dict(self) -> dict:
        return {"start": self.start, "stop": self.stop, "frames": int(len(self.indices)),
                "motion_pct_height": None if self.motion is None else round(self.motion, 3),
                "duration_s": round(self.duration_s, 3), "is_photo": self.is_photo}


def prepare_track(pixels: np.ndarray, visibility: np.ndarray, timestamps: np.ndarray | None = None,
                  cutoff_hz: float = DEFAULT_CUTOFF_HZ, min_visibility: float | None = None) -> np.ndarray:
    """Mask low-visibility landmarks, then (for a clip) fill short gaps and low-pass filter.

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2)
        Image points in pixels (``PoseSequence.pixels``), NaN in gap frames.
    visibility : ndarray, shape (T, 33)
    timestamps : ndarray, shape (T,), optional
        Seconds. None or T == 1: no smoothing (a photo).
    cutoff_hz : float
        Butterworth cut-off (default 6 Hz, see :mod:`analysis.filtering`).
    min_visibility : float, optional
        Default norms ``quality_visibility_min``.

    Returns
    -------
    ndarray, shape (T, 33, 2), float64
        Landmarks seen below the threshold are NaN unless bridged by gap interpolation (gaps up to
        0.25 s).
    """
    p = mask_low_visibility(pixels, visibility, min_visibility)
    if timestamps is None or len(p) < 2:
        return p
    return smooth_track(p, timestamps, cutoff_hz)


def body_over_feet(smoothed: np.ndarray) -> np.ndarray | None:
    """The shoulder and hip points relative to the feet, as the motion figure reads them (module docstring).

    Parameters
    ----------
    smoothed : ndarray, shape (T, 33, 2)
        The prepared track (:func:`prepare_track`), pixels.

    Returns
    -------
    ndarray, shape (T, 4, 2) or None
        :data:`MOTION_LANDMARKS` minus the mean of the seen ankle and heel points, times the clip's median trunk
        length (shoulder midpoint to hip midpoint) over the frame's, pixels; NaN where the feet or the trunk are not
        seen. None when the feet are seen in fewer than ``steady_feet_seen_min`` (norms) of the frames that show the
        shoulders and hips (read the positions in the picture then).
    """
    p = np.asarray(smoothed, dtype=np.float64)
    _, trunk = hip_and_trunk(p)
    trunk = np.where(trunk > 0, trunk, np.nan)
    with quiet():
        feet = np.nanmean(p[:, FEET], axis=1)
        body = np.isfinite(p[:, MOTION_LANDMARKS, 0]).all(axis=1)
        seen = body & np.isfinite(feet[:, 0]) & np.isfinite(trunk)
        if not body.any() or seen.sum() < threshold("steady_feet_seen_min") * body.sum():
            return None
        return (p[:, MOTION_LANDMARKS] - feet[:, None]) * (np.nanmedian(trunk) / trunk)[:, None, None]


def _scale_px(p: np.ndarray) -> float:
    """Median stature in pixels over the track; from the torso length when head or feet are unseen."""
    with quiet():
        h = np.nanmedian(stature_px(p))
        if not np.isfinite(h):
            h = np.nanmedian(torso_stature_px(p))
    return float(h)


def steadiest_window(pixels: np.ndarray, visibility: np.ndarray, timestamps: np.ndarray | None,
                     window_s: float | None = None, usable: np.ndarray | None = None,
                     cutoff_hz: float = DEFAULT_CUTOFF_HZ) -> SteadyWindow:
    """Pick the window of ``window_s`` seconds with the least shoulder and hip motion.

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2)
        Image points in pixels, NaN in gap frames (raw: this function masks and smooths itself).
    visibility : ndarray, shape (T, 33)
    timestamps : ndarray, shape (T,) or None
        Seconds, increasing. None or T == 1 means a photo.
    window_s : float, optional
        Default norms ``steady_window`` (2 s). A clip shorter than this is one window.
    usable : ndarray of bool, shape (T,), optional
        Frames allowed in the window (e.g. the right view and whole body in frame); others are
        left out of the window and count as missing.
    cutoff_hz : float
        Smoothing cut-off before the motion is measured.

    Returns
    -------
    SteadyWindow
        A window whose usable frames with shoulders and hips seen make up at least 80% of its frames
        when there is one; otherwise the window with the most such frames. ``indices`` is empty when no
        frame is usable.
    """
    p = np.asarray(pixels, dtype=np.float64)
    n = len(p)
    ok = np.ones(n, bool) if usable is None else np.asarray(usable, bool).copy()
    if timestamps is None or n <= 1:
        idx = np.flatnonzero(ok & np.isfinite(p[:, MOTION_LANDMARKS, 0]).any(axis=1))[:1]
        return SteadyWindow(idx, 0, min(n, 1), None, 0.0, True)
    t = np.asarray(timestamps, dtype=np.float64)
    win = threshold("steady_window") if window_s is None else float(window_s)
    sm = prepare_track(p, visibility, t, cutoff_hz)
    key = sm[:, MOTION_LANDMARKS, :].reshape(n, -1)  # (T, 8)
    over_feet = body_over_feet(sm)
    valid = ok & np.isfinite(key).all(axis=1)
    if not valid.any():
        return SteadyWindow(np.array([], int), 0, 0, None, 0.0, False)
    dt = frame_interval(t, 0.0)
    scale = _scale_px(sm[valid])
    # window [i, end_i): frames with t < t_i + win (a frame covers one step dt)
    ends = np.searchsorted(t, t + win - dt / 2, side="right")
    fits = t + win - dt / 2 <= t[-1] + 1e-9
    if not fits.any():  # the clip is shorter than the window: one window over everything
        fits[0], ends[0] = True, n
    starts = np.flatnonzero(fits)
    ends = ends[starts]
    motion, cnt = _window_motion(key, valid, starts, ends, scale)
    size = (ends - starts).astype(float)
    if over_feet is not None:  # the lesser of the two readings (module docstring)
        feet_valid = valid & np.isfinite(over_feet).all(axis=(1, 2))
        feet_motion, feet_cnt = _window_motion(over_feet.reshape(n, -1), feet_valid, starts, ends, scale)
        motion = np.where((feet_cnt >= MIN_VALID_FRACTION * cnt) & (feet_motion < motion), feet_motion, motion)
    enough = (cnt >= MIN_VALID_FRACTION * size) & (cnt >= 2)
    if enough.any():
        k = int(np.nanargmin(np.where(enough & np.isfinite(motion), motion, np.inf)))
    else:
        k = int(np.argmax(cnt))
    a, b = int(starts[k]), int(ends[k])
    idx = np.arange(a, b)[valid[a:b]]
    mot = float(motion[k]) if np.isfinite(motion[k]) and cnt[k] >= 2 else None
    return SteadyWindow(idx, a, b, mot, float(t[b - 1] - t[a] + dt), False)


def _window_motion(key: np.ndarray, valid: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                   scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The motion figure (% of ``scale``) of the positions ``key`` (T, K) over each window [start, end), from their
    valid frames only, and how many valid frames each window holds."""
    # running sums over time (valid frames only), centred for accuracy
    x = np.where(valid[:, None], key - np.nanmean(key[valid], axis=0), 0.0) if valid.any() else np.zeros_like(key)
    c0 = np.concatenate([[0], np.cumsum(valid)])
    c1 = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)])
    c2 = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(x * x, axis=0)])
    cnt = (c0[ends] - c0[starts]).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        m1 = (c1[ends] - c1[starts]) / cnt[:, None]
        m2 = (c2[ends] - c2[starts]) / cnt[:, None]
        var = np.clip(m2 - m1 * m1, 0.0, None) * (cnt / np.maximum(cnt - 1, 1))[:, None]
        return np.sqrt(var.mean(axis=1)) / scale * 100.0, cnt


def window_stats(values: np.ndarray, indices: np.ndarray) -> tuple[float, float | None, int]:
    """Median, SD and count of the finite values of a per-frame series over a window.

    Parameters
    ----------
    values : ndarray, shape (T,)
    indices : ndarray of int
        Frames of the window.

    Returns
    -------
    (median, sd, n) : (float, float or None, int)
        ``median`` is NaN when no value is finite; ``sd`` (ddof=1) is None with fewer than 2 values.
    """
    v = np.asarray(values, dtype=np.float64)[np.asarray(indices, dtype=int)]
    v = v[np.isfinite(v)]
    if v.size == 0:
        return float("nan"), None, 0
    return float(np.median(v)), (float(np.std(v, ddof=1)) if v.size >= 2 else None), int(v.size)
