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

from analysis.filtering import frame_interval, smooth_track

__all__ = ["Repetition", "spread_frames", "find_repetitions", "phase_labels", "gait_events", "clean_signal",
           "untrusted_frames", "leg_swaps", "predicted_places", "swap_legs", "travel_direction", "steady_travel",
           "LEFT_LEG", "RIGHT_LEG", "KNEE_PAIRS", "FOOT_PAIRS"]

# MediaPipe indices of one leg (hip, knee, ankle, heel, foot index), left and right.
LEFT_LEG = (23, 25, 27, 29, 31)
RIGHT_LEG = (24, 26, 28, 30, 32)
# (left, right) landmark pairs whose labels are checked together: the knees, and the feet (ankle, heel,
# foot index move as one). The model mixes up knees and feet independently, so they are fixed apart.
KNEE_PAIRS = ((25, 26),)
FOOT_PAIRS = ((27, 28), (29, 30), (31, 32))


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
    untrusted : int
        Frames from start to end that were marked untrusted (tracking dropouts, see
        :func:`untrusted_frames`) and bridged.
    peak_trusted : bool
        False when an untrusted span touches the hold (within ``peak_margin_s`` of it): the real peak
        was not seen, and the peak value is not a measurement.
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
    untrusted: int = 0
    peak_trusted: bool = True

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


def untrusted_frames(signal: np.ndarray, timestamps: np.ndarray, max_rate: float,
                     max_dropout_s: float = 2.0, min_jump: float = 0.0, away: int = 0) -> np.ndarray:
    """Frames of a signal that tracking most likely got wrong: implausible jumps and what lies between them.

    A **jump** is a change between two consecutive seen frames faster than ``max_rate`` (signal unit per second;
    e.g. a knee that "bends" 40 degrees in one frame of 1/15 s) and at least ``min_jump``. When the tracker
    loses a limb, the signal jumps away and later jumps back (the leg snaps to a wrong place, or flickers
    between places). Each jump away is paired with the next jump, when that one goes the **opposite way** within
    ``max_dropout_s``: every frame between them is untrusted (the jumped-to level is the wrong one, whichever
    way it went), and so are the two frames of any jump without a partner. A jump back is not paired again with
    a later jump: the level it returned to is the right one (a flicker in a bend does not make the whole hold
    after it untrusted). Frames of a real movement, however fast the person moves within ``max_rate``, are never
    marked.

    Parameters
    ----------
    signal : ndarray (T,)
        The raw (not low-pass filtered: filtering smears jumps into plausible-looking slopes) signal,
        NaN where unseen.
    timestamps : ndarray (T,)
    max_rate : float
        Fastest believable change, signal unit per second.
    max_dropout_s : float
        Longest dropout bridged between a jump away and the jump back.
    min_jump : float
        Smallest change that can be a jump, signal unit: at high frame rates a few units of noise between two
        frames is fast, but a limb lost moves the signal by more.
    away : int
        0: a jump either way can be the one away. -1 (+1): only a fall (a rise) is, for a signal that tracking
        errs in one direction only (a segmentation mask drops a raised lower leg; it does not make one up): a
        jump the other way with no jump away before it is the signal coming back, and what follows it is kept.

    Returns
    -------
    ndarray of bool (T,)
    """
    x = np.asarray(signal, dtype=np.float64)
    t = np.asarray(timestamps, dtype=np.float64)
    bad = np.zeros(len(x), bool)
    seen = np.flatnonzero(np.isfinite(x))
    if seen.size < 2:
        return bad
    dx = np.diff(x[seen])
    dt = np.maximum(np.diff(t[seen]), 1e-9)
    jumps = np.flatnonzero((np.abs(dx) / dt > max_rate) & (np.abs(dx) >= min_jump))  # between seen[j], seen[j + 1]
    paired = np.zeros(len(jumps), bool)
    pending = None  # the last jump away, waiting for its jump back
    for b, jb in enumerate(jumps):
        if pending is not None and np.sign(dx[jumps[pending]]) != np.sign(dx[jb]) \
                and t[seen[jb]] - t[seen[jumps[pending] + 1]] <= max_dropout_s:
            bad[seen[jumps[pending] + 1]:seen[jb] + 1] = True
            paired[pending] = paired[b] = True
            pending = None
        elif away == 0 or np.sign(dx[jb]) == away:
            pending = b
    for j, pr in zip(jumps, paired):
        if not pr:
            bad[seen[j]] = bad[seen[j + 1]] = True
    return bad


def _bridge(x: np.ndarray, t: np.ndarray, untrusted: np.ndarray, max_s: float) -> np.ndarray:
    """NaN the untrusted frames, then join each untrusted span of at most ``max_s`` linearly across."""
    y = np.where(untrusted, np.nan, x)
    ok = np.isfinite(y)
    if ok.sum() < 2:
        return y
    u = np.asarray(untrusted, bool)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], u.astype(int), [0]])))
    for a, b in zip(edges[::2], edges[1::2]):  # span [a, b)
        if a == 0 or b >= len(x) or not (ok[a - 1] and ok[b]) or t[b] - t[a - 1] > max_s:
            continue
        y[a:b] = np.interp(t[a:b], [t[a - 1], t[b]], [y[a - 1], y[b]])
    return y


def spread_frames(indices, n: int) -> np.ndarray:
    """At most ``n`` of ``indices`` (frame numbers, in order), spread evenly from the first to the last; all of them
    when there are no more than ``n``."""
    indices = np.asarray(indices)
    if len(indices) <= n:
        return indices
    return indices[np.linspace(0, len(indices) - 1, n).round().astype(int)]


def find_repetitions(signal: np.ndarray, timestamps: np.ndarray, min_amplitude: float = 5.0, side: str | None = None,
                     min_gap_s: float = 0.6, rest_fraction: float = 0.2, hold_fraction: float = 0.1,
                     smooth: bool = True, untrusted: np.ndarray | None = None, max_dropout_s: float = 2.0,
                     peak_margin_s: float = 0.2, rest_level: float | None = None,
                     min_return: float = 0.0) -> list[Repetition]:
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
    untrusted : ndarray of bool (T,), optional
        Frames tracking got wrong (:func:`untrusted_frames`). They are dropped and each span of at most
        ``max_dropout_s`` is bridged by a straight line, so that a dropout inside one movement (the
        signal falling to a wrong "rest" and jumping back) does not split it into two repetitions.
        A repetition whose hold lies within ``peak_margin_s`` of an untrusted frame gets
        ``peak_trusted=False``.
    rest_level : float, optional
        The signal's resting level, read robustly by the caller (e.g. the median of the lower half of the
        frames, never one frame's reading), for ``min_return``.
    min_return : float
        With ``rest_level``: a peak is a repetition of its own only when the signal falls, between it and a
        higher peak (or the clip's end), by at least this share of its rise above ``rest_level`` (its prominence);
        otherwise it is part of the higher peak's repetition (a reading that dipped in the middle of one hold).
        0: any fall of ``min_amplitude`` separates two peaks.

    Returns
    -------
    list of Repetition
        In time order, ``index`` 1, 2, ...; empty when the signal never rises by ``min_amplitude``.
    """
    t = np.asarray(timestamps, dtype=np.float64)
    x0 = np.asarray(signal, dtype=np.float64)
    bad = np.zeros(len(x0), bool) if untrusted is None else np.asarray(untrusted, bool)
    if bad.any():
        x0 = _bridge(x0, t, bad, max_dropout_s)
    x = clean_signal(x0, t) if smooth and len(t) > 1 else x0.copy()
    ok = np.isfinite(x)
    if ok.sum() < 3:
        return []
    # NaN (long gaps) cannot be part of a repetition: put them far below everything
    low = np.nanmin(x) - 10.0 * max(min_amplitude, 1.0)
    xf = np.where(ok, x, low)
    dt = frame_interval(t, 1.0)
    peaks, props = find_peaks(np.concatenate([[low], xf, [low]]), prominence=min_amplitude,
                              distance=max(1, int(round(min_gap_s / dt))))
    peaks = peaks - 1
    if min_return > 0 and rest_level is not None and np.isfinite(rest_level) and len(peaks) > 1:
        # the rise from the robust rest, not from the lowest reading before the peak: one frame's outlier (a knee
        # point thrown forward) would make every rise large and merge real repetitions
        peaks = peaks[props["prominences"] >= min_return * (xf[peaks] - rest_level)]
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
        n_bad = int(bad[s:e + 1].sum())
        near = (t >= t[hs] - peak_margin_s) & (t <= t[he] + peak_margin_s)
        reps.append(Repetition(len(reps) + 1, side, int(s), int(p), int(e), float(t[s]), float(t[p]), float(t[e]),
                               float(x[p]), float(left_min), float(rise), int(hs), int(he), n_bad,
                               not bool(bad[near].any())))
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
    dt = frame_interval(t, 1.0)
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


# ----------------------------------------------------------------------------------------------------
# walking: leg labels and the walking direction
# ----------------------------------------------------------------------------------------------------
def swap_legs(a: np.ndarray, mask: np.ndarray, pairs=None) -> np.ndarray:
    """A copy of ``a`` (T, 33, ...) with the left and right landmarks of ``pairs`` (default the whole
    leg, hip to foot) exchanged where ``mask``."""
    out = np.array(a, dtype=np.float64, copy=True)
    m = np.asarray(mask, bool)
    L, R = (list(LEFT_LEG), list(RIGHT_LEG)) if pairs is None else ([q[0] for q in pairs], [q[1] for q in pairs])
    out[np.ix_(m, L)] = np.asarray(a, dtype=np.float64)[np.ix_(m, R)]
    out[np.ix_(m, R)] = np.asarray(a, dtype=np.float64)[np.ix_(m, L)]
    return out


def leg_swaps(pixels: np.ndarray, scale: float, pairs=FOOT_PAIRS, penalty: float = 0.15,
              predict: bool = False) -> np.ndarray:
    """Frames whose left/right leg labels the pose model swapped, found by continuity in the image.

    In a side view the two legs overlap and the model sometimes gives the near leg's knee, ankle and
    foot the far leg's labels for a few frames. Each frame is read either as labelled or swapped; the
    labelling chosen for the whole clip (Viterbi over the frames) moves the points as little as
    possible from frame to frame: the cost of a frame is the summed distance of the points of ``pairs``
    (default the feet: ankle, heel, foot index) from their place in the previous frame, in units of
    ``scale``, plus ``penalty`` per pair for a swapped frame (so ambiguous frames, legs side by side,
    keep the model's labels). A stance foot stands still and a swinging one moves smoothly, so a swap
    shows as two feet jumping at once.

    Parameters
    ----------
    pixels : ndarray (T, 33, 2)
        Raw landmark pixels (not low-pass filtered), NaN where no pose.
    scale : float
        A body length in pixels (e.g. the median thigh length).
    pairs : sequence of (int, int)
        (left, right) landmark indices checked together (:data:`FOOT_PAIRS`, :data:`KNEE_PAIRS`).
    penalty : float
        Cost per pair of reading a frame as swapped, in units of ``scale``.
    predict : bool
        Measure each point's move from where it would be had it kept its velocity of the two frames before,
        not from where it was (:func:`_swaps_by_velocity`): for running filmed at 15 frames/s, whose swinging
        foot moves more than a thigh's length between frames, so that the foot standing behind lies nearer the
        swinging foot's last place than the swinging foot does (the true points of a synthetic run read
        swapped in 20 of 45 frames by position alone, none by velocity).

    Returns
    -------
    ndarray of bool (T,)
        True where the leg labels should be exchanged (:func:`swap_legs`).
    """
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    T = len(p)
    if T < 2 or not np.isfinite(scale) or scale <= 0:
        return np.zeros(T, bool)
    L, R = p[:, [q[0] for q in pairs]], p[:, [q[1] for q in pairs]]
    penalty = penalty * len(pairs)
    X = np.stack([np.stack([L, R], 1), np.stack([R, L], 1)], 1)  # (T, swapped, leg, joint, xy)
    cost = np.zeros((T, 2, 2))  # cost[t, previous labelling, this labelling]
    for a in (0, 1):
        for b in (0, 1):
            cost[1:, a, b] = _moved(X[1:, b] - X[:-1, a], scale) + penalty * b
    if predict and T > 2:
        return _swaps_by_velocity(X, cost, scale, penalty)
    D = np.array([0.0, penalty])
    back = np.zeros((T, 2), int)
    for t in range(1, T):
        tot = D[:, None] + cost[t]
        back[t] = np.argmin(tot, axis=0)
        D = np.min(tot, axis=0)
    s = np.zeros(T, int)
    s[-1] = int(np.argmin(D))
    for t in range(T - 1, 0, -1):
        s[t - 1] = back[t, s[t]]
    return s.astype(bool)


def predicted_places(before: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Where points would be one frame after ``last`` had they kept the velocity they had from ``before`` to
    ``last``: ``2 last - before``, or ``last`` where ``before`` lacks a point (NaN). Arrays of the same shape, the
    last axis xy (pixels)."""
    pred = 2.0 * last - before
    return np.where(np.isfinite(pred), pred, last)


def _moved(r: np.ndarray, scale: float) -> np.ndarray:
    """Summed length of each frame's displacements ``r`` (T, ..., 2), in units of ``scale`` (NaN counts 0)."""
    return np.nansum(np.hypot(r[..., 0], r[..., 1]).reshape(len(r), -1), axis=1) / scale


def _swaps_by_velocity(X: np.ndarray, cost: np.ndarray, scale: float, penalty: float) -> np.ndarray:
    """:func:`leg_swaps` with ``predict``: the Viterbi path over the labellings of each two frames in a row. A
    frame's cost is its points' distance from where the two frames before put them (:func:`predicted_places`),
    plus ``penalty`` when swapped; the second frame's is ``cost``
    (by position). ``X`` (T, labelling, leg, joint, xy)."""
    T = len(X)
    step = np.zeros((T, 2, 2, 2))  # step[t, a, b, c]: frame t labelled c after t - 2 labelled a, t - 1 labelled b
    for a in (0, 1):
        for b in (0, 1):
            pred = predicted_places(X[:-2, a], X[1:-1, b])
            for c in (0, 1):
                step[2:, a, b, c] = _moved(X[2:, c] - pred, scale) + penalty * c
    D = np.array([[0.0], [penalty]]) + cost[1]  # D[b, c]: frames 0 and 1 labelled b and c
    back = np.zeros((T, 2, 2), int)
    for t in range(2, T):
        tot = D[:, :, None] + step[t]  # [a, b, c]
        back[t] = np.argmin(tot, axis=0)
        D = np.min(tot, axis=0)
    s = np.zeros(T, int)
    s[-2], s[-1] = np.unravel_index(int(np.argmin(D)), D.shape)
    for t in range(T - 1, 1, -1):
        s[t - 2] = back[t, s[t - 1], s[t]]
    return s.astype(bool)


def travel_direction(x: np.ndarray, timestamps: np.ndarray, min_speed: float) -> np.ndarray:
    """Per-frame direction of travel along the image x axis: +1 right, -1 left, 0 slower than
    ``min_speed`` (x unit per second), NaN where ``x`` is unseen. ``x`` is e.g. the hip midpoint's x,
    low-pass filtered."""
    x = np.asarray(x, dtype=np.float64)
    t = np.asarray(timestamps, dtype=np.float64)
    if len(x) < 3:
        return np.full(len(x), np.nan)
    with np.errstate(invalid="ignore"):
        v = np.gradient(x, t)
        return np.where(np.isfinite(v), np.where(np.abs(v) > min_speed, np.sign(v), 0.0), np.nan)


def steady_travel(direction: np.ndarray, timestamps: np.ndarray, frame: int, margin_s: float = 1.0,
                  min_stop_s: float = 0.25) -> int:
    """The direction of travel (+1 / -1) when every seen frame within ``margin_s`` of ``frame`` (about one
    stride) travelled that same way; 0 when the person stopped, started or turned round in that time
    (steady walking only: the stride into a stop or out of a turn is not). Unseen frames (NaN, e.g.
    before the clip starts or while out of the picture) do not count; the frame itself must be seen. A
    stop or a change of direction counts when it lasts at least ``min_stop_s``."""
    t = np.asarray(timestamps, dtype=np.float64)
    d = np.asarray(direction, dtype=np.float64).copy()
    # runs of one reading (standing, or one direction) shorter than min_stop_s are jitter of the hip track
    # (or a person entering the picture): ignored
    edges = np.flatnonzero(np.diff(np.nan_to_num(d, nan=9.0))) + 1
    bounds = np.concatenate([[0], edges, [len(d)]])
    step = frame_interval(t, 0.0)
    for a, b in zip(bounds[:-1], bounds[1:]):
        if np.isfinite(d[a]) and t[b - 1] - t[a] + step < min_stop_s:
            d[a:b] = np.nan
    w = d[(t >= t[frame] - margin_s - 1e-9) & (t <= t[frame] + margin_s + 1e-9)]
    w = w[np.isfinite(w)]
    if not np.isfinite(d[frame]) or w.size == 0 or np.any(w == 0) or np.any(w != w[0]):
        return 0
    return int(w[0])
