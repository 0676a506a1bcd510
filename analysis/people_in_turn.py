"""People in turn in one clip: where one person's stretch of a track ends and the next one's begins.

A trainer films several people one after the other in one clip (each stands, then does the test once). The
clip is cut where the person disappears for :data:`MIN_GAP_S` or more, or where the trunk length in pixels
(shoulder midpoint to hip midpoint, median over 0.3 s) jumps by more than :data:`PERSON_JUMP` between
neighbouring stretches (another body; one person's trunk length varies by a few percent while moving).
Stretches shorter than :data:`MIN_PERSON_S` are merged into their neighbour. Pure NumPy over the track's
pixel landmarks.
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
    cuts = set()
    # gaps: no person for MIN_GAP_S or more
    idx = np.flatnonzero(det)
    if idx.size == 0:
        return []
    for a, b in zip(idx[:-1], idx[1:]):
        if t[b] - t[a] >= MIN_GAP_S:
            cuts.add(int(b))
    # trunk-length jumps between the 0.3 s before and after each frame
    w = max(2, int(round(0.3 / dt)))
    for i in range(w, n - w + 1):
        before, after = tl[i - w:i], tl[i:i + w]
        before, after = before[np.isfinite(before)], after[np.isfinite(after)]
        if before.size < 2 or after.size < 2:
            continue
        mb, ma = np.median(before), np.median(after)
        if abs(ma - mb) / max(mb, ma) > PERSON_JUMP:
            cuts.add(i)
    # one cut per jump: keep the strongest frame of each run of neighbouring candidates
    cand = sorted(cuts)
    merged: list[int] = []
    for c in cand:
        if merged and c - merged[-1] <= w:
            continue
        merged.append(c)
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
