"""People in turn in one clip: where one person's stretch of a track ends and the next one's begins.

A trainer films several people one after the other in one clip (each stands, then does the test once). The
clip is cut where the person disappears for :data:`MIN_GAP_S` or more, or where the trunk length in pixels
(shoulder midpoint to hip midpoint, median over 0.3 s) jumps by more than :data:`PERSON_JUMP` between
neighbouring stretches (another body; one person's trunk length varies by a few percent while moving), at the
first frame whose trunk length lies nearer the next stretch's (:func:`nearer_after`). Stretches shorter than
:data:`MIN_PERSON_S` are merged into their neighbour. Pure NumPy over the track's pixel landmarks.
"""

from __future__ import annotations

import numpy as np

from analysis.filtering import frame_interval

PERSON_JUMP = 0.07  # engineering choice: relative trunk-length jump taken as a new person
MIN_GAP_S = 0.5  # engineering choice: seconds with nobody in view that end a person
MIN_PERSON_S = 1.0  # engineering choice: a shorter stretch is merged into its neighbour (seconds)


def split_people(pixels: np.ndarray, timestamps: np.ndarray) -> list[tuple[int, int]]:
    """Track-position ranges ``[start, stop)`` of the people in a clip, in order (see the module docstring).

    Parameters
    ----------
    pixels : ndarray, shape (T, 33, 2)
        Landmark positions in pixels (NaN where no person was found).
    timestamps : ndarray, shape (T,)
        Seconds.

    Returns
    -------
    list of (int, int)
        One range per person, from their first to one past their last frame with a person; empty when
        nobody was found.
    """
    p = np.asarray(pixels, dtype=np.float64)
    t = np.asarray(timestamps, dtype=np.float64)
    n = len(t)
    if n == 0:
        return []
    sh = (p[:, 11] + p[:, 12]) / 2
    hp = (p[:, 23] + p[:, 24]) / 2
    tl = np.hypot(*(sh - hp).T)
    det = np.isfinite(tl)
    dt = frame_interval(t, 1.0)
    cuts: dict[int, float] = {}  # candidate cut -> how strongly it parts two people
    # gaps: no person for MIN_GAP_S or more (the cut is where the next one appears)
    idx = np.flatnonzero(det)
    if idx.size == 0:
        return []
    for a, b in zip(idx[:-1], idx[1:]):
        if t[b] - t[a] >= MIN_GAP_S:
            cuts[int(b)] = np.inf
    # trunk-length jumps between the 0.3 s before and after each frame
    w = max(2, int(round(0.3 / dt)))
    for i in range(w, n - w + 1):
        before, after = tl[i - w:i], tl[i:i + w]
        before, after = before[np.isfinite(before)], after[np.isfinite(after)]
        if before.size < 2 or after.size < 2:
            continue
        mb, ma = np.median(before), np.median(after)
        jump = abs(ma - mb) / max(mb, ma)
        if jump > PERSON_JUMP:
            cuts[i] = max(cuts.get(i, 0.0), jump)
    # one cut per jump: at the strongest frame of each run of neighbouring candidates, the first frame whose trunk,
    # and the next one's, lies nearer the length after it than before it (the first candidate is too early: the
    # windows' medians part as soon as half of the 'after' window holds the next person; on the rendered trainer's
    # screens of six styles every cut fell 1-2 frames into the person before, whose test's start posture then
    # mixed two people's feet)
    runs: list[list[int]] = []
    for c in sorted(cuts):
        if runs and c - runs[-1][-1] <= w:
            runs[-1].append(c)
        else:
            runs.append([c])
    merged: list[int] = []
    for run in runs:
        c = max(run, key=lambda k: cuts[k])
        merged.append(nearer_after(tl, c, w) if np.isfinite(cuts[c]) else c)
    bounds = [int(idx[0])] + merged + [int(idx[-1]) + 1]
    segs = [(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    out: list[tuple[int, int]] = []
    for a, b in segs:  # merge short pieces into the previous person
        if out and (t[min(b, n) - 1] - t[a]) < MIN_PERSON_S:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    if len(out) > 1 and (t[out[0][1] - 1] - t[out[0][0]]) < MIN_PERSON_S:
        out[1] = (out[0][0], out[1][1])
        out.pop(0)
    return out


def nearer_after(trunk: np.ndarray, cut: int, w: int) -> int:
    """Where a trunk-length jump found at ``cut`` (between the ``w`` frames before and after it) happens: the first
    frame within ``w`` of it whose trunk length, and the next seen frame's, lies nearer the median after ``cut``
    than the median before it; ``cut`` when none does. ``trunk`` (T,) pixels, NaN where unseen."""
    before, after = trunk[max(0, cut - w):cut], trunk[cut:cut + w]
    mb, ma = np.nanmedian(before), np.nanmedian(after)
    seen = [i for i in range(max(1, cut - w), min(len(trunk), cut + w + 1)) if np.isfinite(trunk[i])]
    for i, j in zip(seen[:-1], seen[1:]):
        if abs(trunk[i] - ma) < abs(trunk[i] - mb) and abs(trunk[j] - ma) < abs(trunk[j] - mb):
            return i
    return cut
