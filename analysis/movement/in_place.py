"""The part of a clip where a test done in place was done: walking into place and away is left out.

A person filming themselves starts the camera, walks to their place and only then does the test (and may walk
back to stop it). The hip extension, the lunge and the sit-to-stand are done in place, so the walk was read as the
test's start posture and the whole clip was refused ("you seem to be walking at the start"). Here the frames
before the person arrived and after they left are found from where the body is in the picture, without the pose
model's left/right names:

* the hip midpoint's horizontal place, in thigh lengths (:func:`analysis.movement.series.thigh_length`), its
  running median over :data:`MEDIAN_S` (:func:`analysis.filtering.running_median`);
* the **in-place stretch** is the longest run of frames whose hip midpoint stays within
  ``movement_in_place_travel_max`` thigh lengths (its range; the frames without a person do not break it);
* its ends while the hip midpoint still moved faster than ``movement_in_place_speed_max`` thigh lengths a second
  (the last step into place, the first step away), and ``movement_in_place_settle`` seconds after arriving and
  before leaving, are left out too;
* it is taken when it is shorter than the clip, lasts ``movement_in_place_min`` seconds or longer, and the body
  travelled across the picture, by more than ``movement_in_place_travel_max``, in the frames left out before it
  or after it. Otherwise the whole clip is kept (walking past the camera never stays in place long enough, and
  walking filmed by a camera that follows the person never travels: either is refused by the activity check as
  before).

The tests done lying (the Thomas test from the side, the prone knee bend) are trimmed the same way to the part
done lying (:func:`lying_span`): the longest run of frames whose trunk line (hip -> shoulder midpoints, its running
median) lies within ``movement_lying_trunk_max`` degrees of the horizontal, taken when it lasts
``movement_in_place_min`` seconds or longer (from the first frame found lying to the last: a single prone knee
bend with its 2 s hold lies about 4 s) and the trunk stood upright (beyond ``movement_upright_trunk_min``) in
the frames left out, ``movement_in_place_settle`` seconds after lying down and before getting up left out too.
Before, walking to the table was counted as "hug-and-holds" of the Thomas test (a swinging thigh bends the hip as a
hug does), and a test passed with three holds for one.

The test then runs on that stretch (:func:`analysis.movement.run.run_movement_test`), and its frame numbers are
put back on the whole clip's timeline (:func:`shift_frames`).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from analysis import geometry as geo
from analysis.filtering import running_median, true_runs
from analysis.movement.series import midpoint, thigh_length
from analysis.norms import threshold
from analysis.quality import quiet

__all__ = ["IN_PLACE_KINDS", "LYING_KINDS", "in_place_span", "longest_within", "lying_span", "shift_frames"]

IN_PLACE_KINDS = ("hip_extension", "lunge", "sit_to_stand")
"""Tests done standing, kneeling or seated in one place (rising from a chair moves the hip forward by about 0.7
thigh lengths, within the travel allowed)."""

LYING_KINDS = ("thomas", "ely")
"""Tests done lying, filmed from the side (the front-view Thomas test sees the trunk end-on)."""

MEDIAN_S = 0.4
"""Seconds over which the hip midpoint's place is taken as its running median (a glitch of a frame or two is not
travel; a walking step lasts about 0.5 s)."""

FRAME_KEYS = ("start", "peak", "end", "hold_start", "hold_end", "onset", "lift_off", "stand")
"""The frame numbers of a repetition's ``phases`` and (sit-to-stand) ``events``."""


def in_place_span(timestamps, pixels) -> tuple[int, int] | None:
    """The frames ``[a, b)`` of the clip where the person stayed in place, when walking into place or away was
    left out of them; None when the whole clip is kept (see the module docstring).

    Parameters
    ----------
    timestamps : ndarray (T,)
        Seconds.
    pixels : ndarray (T, 33, 2)
        Landmark pixels (NaN where no person was found).
    """
    t = np.asarray(timestamps, dtype=np.float64)
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    n = len(t)
    L = thigh_length(p)
    if n < 3 or not np.isfinite(L) or L <= 0:
        return None
    x = running_median(t, midpoint(p, "hip")[:, 0] / L, MEDIAN_S)
    if np.isfinite(x).sum() < 3:
        return None
    a0, b0 = longest_within(x, threshold("movement_in_place_travel_max"))
    while b0 > a0 and not np.isfinite(x[b0 - 1]):
        b0 -= 1
    # the stretch's ends while the body still moved at walking pace (the last step into place, the first away),
    # and a moment to settle, are left out too
    with quiet():
        fast = np.abs(np.gradient(x, t)) > threshold("movement_in_place_speed_max")
    mid = (a0 + b0) // 2
    settle = threshold("movement_in_place_settle")
    if a0 > 0 and fast[a0:mid].any():
        arrived = t[a0 + int(np.flatnonzero(fast[a0:mid])[-1])]
        a0 = int(np.searchsorted(t, arrived + settle))
    if b0 < n and fast[mid:b0].any():
        left = t[mid + int(np.flatnonzero(fast[mid:b0])[0])]
        b0 = int(np.searchsorted(t, left - settle))
    if (a0, b0) == (0, n) or b0 - a0 < 2 or t[b0 - 1] - t[a0] < threshold("movement_in_place_min"):
        return None
    with quiet():
        moved = [np.nanmax(x[s]) - np.nanmin(x[s]) if np.isfinite(x[s]).any() else 0.0
                 for s in (slice(0, a0 + 1), slice(b0 - 1, n))]
    return (a0, b0) if max(moved) > threshold("movement_in_place_travel_max") else None


def longest_within(x: np.ndarray, spread: float) -> tuple[int, int]:
    """The longest run of frames ``[a, b)`` whose finite values of ``x`` lie within ``spread`` of each other
    (their range; NaN frames do not break a run), starting at a finite value; the first such run when several are
    as long. One pass with two monotonic queues (the largest and the smallest value in the run), so a clip of
    minutes costs no more than its frames."""
    n = len(x)
    ok = np.isfinite(x)
    hi: deque = deque()
    lo: deque = deque()
    best, a0, b0, b = 0, 0, n, 0
    for a in range(n):
        if not ok[a]:
            continue
        b = max(b, a)
        while hi and hi[0] < a:
            hi.popleft()
        while lo and lo[0] < a:
            lo.popleft()
        while b < n:
            if ok[b]:
                top = max(x[hi[0]], x[b]) if hi else x[b]
                bottom = min(x[lo[0]], x[b]) if lo else x[b]
                if top - bottom > spread:
                    break
                while hi and x[hi[-1]] <= x[b]:
                    hi.pop()
                hi.append(b)
                while lo and x[lo[-1]] >= x[b]:
                    lo.pop()
                lo.append(b)
            b += 1
        if b - a > best:
            best, a0, b0 = b - a, a, b
        if b == n:
            break  # every later start ends at the clip's end too, and is shorter
    return a0, b0


def lying_span(timestamps, pixels) -> tuple[int, int] | None:
    """The frames ``[a, b)`` of the clip where the person lay, when the time before lying down or after getting
    up was left out of them; None when the whole clip is kept (see the module docstring). Parameters as
    :func:`in_place_span`."""
    t = np.asarray(timestamps, dtype=np.float64)
    p = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    n = len(t)
    with quiet():
        inc = np.abs(geo.inclination_to_vertical(midpoint(p, "hip"), midpoint(p, "shoulder")))
        flat = 90.0 - running_median(t, np.minimum(inc, 180.0 - inc), MEDIAN_S)  # 0 = lying, 90 = upright
    if n < 3 or np.isfinite(flat).sum() < 3:
        return None
    lying = flat <= threshold("movement_lying_trunk_max")
    best, a0, b0 = 0, 0, 0
    for a, b in true_runs(lying | ~np.isfinite(flat)):
        if np.isfinite(flat[a:b]).any() and lying[a:b].any() and b - a > best:
            best, a0, b0 = b - a, a, b
    while b0 > a0 and not lying[a0]:
        a0 += 1
    while b0 > a0 and not lying[b0 - 1]:
        b0 -= 1
    settle = threshold("movement_in_place_settle")
    a = int(np.searchsorted(t, t[a0] + settle)) if a0 > 0 else a0
    b = int(np.searchsorted(t, t[b0 - 1] - settle)) if b0 < n else b0
    if b - a < 2 or (a, b) == (0, n) or t[b0 - 1] - t[a0] < threshold("movement_in_place_min"):
        return None
    with quiet():
        upright = [np.nanmax(flat[s]) if np.isfinite(flat[s]).any() else 0.0 for s in (slice(0, a0), slice(b0, n))]
    return (a, b) if max(upright) >= threshold("movement_upright_trunk_min") else None


def shift_frames(result: dict, offset: int, n_frames: int) -> dict:
    """Put a result computed on frames ``offset ..`` of a clip back on the whole clip's timeline of ``n_frames``:
    its repetitions' frame numbers (:data:`FRAME_KEYS`) and the frame the activity check shows (``activity["frame"]``)
    moved by ``offset``, its per-frame ``phases`` labels padded with ``"left out"``. In place; returns ``result``."""
    for rep in result.get("repetitions") or []:
        for ph in (rep.get("phases") or {}, rep.get("events") or {}):
            for k in FRAME_KEYS:
                if isinstance(ph.get(k), (int, np.integer)):
                    ph[k] = int(ph[k]) + offset
    seen = result.get("activity") or {}
    if isinstance(seen.get("frame"), (int, np.integer)):
        seen["frame"] = int(seen["frame"]) + offset
    labels = result.get("phases")
    if isinstance(labels, list):
        result["phases"] = ["left out"] * offset + labels + ["left out"] * (n_frames - offset - len(labels))
    return result
