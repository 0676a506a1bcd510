"""Repetition and phase finding, and gait events, on synthetic signals (no video)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.segmentation import find_repetitions, gait_events, phase_labels


def _bumps(peaks_s, heights, fps=30.0, dur=8.0, width=0.6, noise=0.0, seed=0):
    t = np.arange(0, dur, 1 / fps)
    x = np.zeros_like(t)
    for p, h in zip(peaks_s, heights):
        x += h * np.exp(-0.5 * ((t - p) / (width / 2.5)) ** 2)
    x += np.random.default_rng(seed).normal(0, noise, len(t))
    return t, x


def test_three_repetitions_found_with_phases_in_order():
    t, x = _bumps([1.5, 3.5, 5.5], [20.0, 15.0, 25.0], noise=0.3)
    reps = find_repetitions(x, t, min_amplitude=5.0, side="right")
    assert [r.index for r in reps] == [1, 2, 3]
    assert all(r.side == "right" for r in reps)
    for r, p, h in zip(reps, [1.5, 3.5, 5.5], [20.0, 15.0, 25.0]):
        assert r.start < r.hold_start <= r.peak <= r.hold_end < r.end
        assert abs(r.peak_s - p) < 0.07
        assert abs(r.peak_value - h) < 1.5
        assert r.start_s < p - 0.1 and r.end_s > p + 0.1
    d = reps[0].to_dict()
    assert d["index"] == 1 and isinstance(d["start"], int)


def test_small_wiggles_are_not_repetitions():
    t, x = _bumps([2.0, 4.0], [3.0, 2.0], noise=0.3)
    assert find_repetitions(x, t, min_amplitude=5.0) == []


def test_gaps_do_not_create_or_join_repetitions():
    t, x = _bumps([1.5, 4.5], [20.0, 20.0])
    x[(t > 2.8) & (t < 3.2)] = np.nan  # a gap at rest between the repetitions
    reps = find_repetitions(x, t, min_amplitude=5.0)
    assert len(reps) == 2


def test_a_reading_that_dips_in_the_middle_of_one_hold_is_one_repetition():
    """One glide held for 2.5 s whose reading dips 7 degrees in the middle (rest 0, hold 22: a long top hid the back
    thigh for a moment in a held-out render) was two repetitions. With ``min_return`` 0.5 a peak must come back by
    half its rise above the resting level before a higher one to count apart; two repetitions with a full return
    between stay two, also with unseen frames before them, and a single frame read far below rest (a knee point thrown
    forward) between two repetitions that come back only to rest does not merge them."""
    t = np.arange(0, 8, 1 / 30.0)
    held = np.clip((t - 1.5) * 20.0, 0, 22.0) * np.clip((6.0 - t) * 20.0, 0, 1.0)
    held[(t > 3.0) & (t < 4.0)] -= 7.0 * np.sin(np.pi * (t[(t > 3.0) & (t < 4.0)] - 3.0))
    assert len(find_repetitions(held, t, min_amplitude=5.0)) == 2  # the dip splits it without min_return
    one = find_repetitions(held, t, min_amplitude=5.0, rest_level=0.0, min_return=0.5)
    assert len(one) == 1 and one[0].start_s < 2.0 and one[0].end_s > 5.5 and one[0].peak_value > 20.0
    t2, two = _bumps([2.0, 5.0], [12.0, 13.0])
    two[t2 < 0.8] = np.nan
    assert len(find_repetitions(two, t2, min_amplitude=5.0, rest_level=0.0, min_return=0.5)) == 2
    t3, three = _bumps([2.0, 4.5, 7.0], [14.0, 15.0, 14.0])
    three[np.argmin(np.abs(t3 - 3.25))] = -40.0
    assert len(find_repetitions(three, t3, min_amplitude=5.0, rest_level=0.0, min_return=0.5, smooth=False)) == 3


def test_minimum_gap_merges_close_peaks():
    t, x = _bumps([2.0, 2.3], [20.0, 18.0], width=0.3)
    assert len(find_repetitions(x, t, min_amplitude=5.0, min_gap_s=0.6)) == 1


def test_phase_labels_cover_each_repetition():
    t, x = _bumps([2.0, 5.0], [20.0, 20.0])
    reps = find_repetitions(x, t, 5.0)
    lab = phase_labels(len(t), reps)
    assert lab[0] == "rest" and lab[reps[0].peak] == "hold"
    assert lab[reps[0].start + 1] == "out" and lab[reps[1].end] == "return"
    assert set(lab) == {"rest", "out", "hold", "return"}


def test_gait_events_at_foot_extremes():
    fps, f = 30.0, 1.0  # one stride per second
    t = np.arange(0, 5, 1 / fps)
    toe = 0.8 * np.cos(2 * np.pi * f * t)  # furthest back (minimum) at t = 0.5, 1.5, ...
    heel = 0.8 * np.cos(2 * np.pi * f * (t - 0.6))  # furthest forward at 0.6, 1.6, ...
    ev = gait_events(toe, heel, t)
    to = t[ev["toe_off"]]
    hs = t[ev["heel_strike"]]
    assert len(to) == 5 and np.allclose(to, np.arange(5) + 0.5, atol=0.04)
    assert len(hs) >= 4 and np.allclose(hs[:4], np.arange(4) + 0.6, atol=0.04)


def test_gait_events_need_movement():
    t = np.arange(0, 3, 1 / 30)
    ev = gait_events(np.full(len(t), 0.1) + 0.001 * np.sin(t), np.zeros(len(t)), t)
    assert len(ev["toe_off"]) == 0


@pytest.mark.parametrize("n", [0, 2])
def test_too_short_signal(n):
    assert find_repetitions(np.zeros(n), np.arange(n) / 30.0) == []


# ---- tracking dropouts, leg label swaps, the walking direction ------------------------------------------
from analysis.segmentation import (FOOT_PAIRS, leg_swaps, steady_travel, swap_legs,  # noqa: E402
                                   travel_direction, untrusted_frames)


def _bend_with_dropout(fps=15.0):
    """One knee bend to 130 deg (rise 1-2.4 s, hold to 3.6 s, back by 4.8 s) whose peak the tracker lost:
    from 1.8 to 3.8 s the reading snaps back to a straight leg (10 deg), as MediaPipe did on a render."""
    t = np.arange(0, 6, 1 / fps)
    x = np.interp(t, [0, 1.0, 2.4, 3.6, 4.8, 6], [5, 5, 130, 130, 5, 5])
    lost = (t > 1.8) & (t < 3.8)
    y = np.where(lost, 10.0, x)
    return t, x, y, lost


def test_dropout_inside_one_bend_is_one_repetition_with_an_untrusted_peak():
    t, x, y, lost = _bend_with_dropout()
    # without dropout handling the lost stretch splits the bend in two and reads a wrong peak
    naive = find_repetitions(y, t, min_amplitude=30.0)
    assert len(naive) == 2
    bad = untrusted_frames(y, t, max_rate=300.0, max_dropout_s=3.0)
    assert bad[lost].all() and not bad[t < 1.7].any() and not bad[t > 3.9].any()
    reps = find_repetitions(y, t, min_amplitude=30.0, untrusted=bad, max_dropout_s=3.0)
    assert len(reps) == 1
    (r,) = reps
    assert r.peak_trusted is False and r.untrusted == int(lost.sum())
    assert 1.0 <= t[r.start] <= 1.4 and t[r.end] >= 4.3  # 20 % of the rise above rest, either side
    # the clean bend: nothing untrusted, a trusted peak at the true value
    assert not untrusted_frames(x, t, 300.0).any()
    (c,) = find_repetitions(x, t, 30.0, untrusted=untrusted_frames(x, t, 300.0))
    assert c.peak_trusted and abs(c.peak_value - 130.0) < 5.0


def test_single_spike_is_untrusted_but_fast_real_movement_is_not():
    t = np.arange(0, 3, 1 / 30)
    x = 40 * np.sin(2 * np.pi * 0.5 * t)  # peak rate ~126 deg/s
    assert not untrusted_frames(x, t, 300.0).any()
    y = x.copy()
    y[45] += 50.0
    bad = untrusted_frames(y, t, 300.0)
    assert bad[45] and bad.sum() <= 2


def _walk_feet(T=90, fps=30.0):
    """Left and right feet of a side-view walk (pixels): each foot stands still, then swings past the
    other; knees above them. Returns the (T, 33, 2) track."""
    t = np.arange(T) / fps
    p = np.full((T, 33, 2), np.nan)
    hip = 100 + 90 * t * 3  # hips travel right
    phase = 2 * np.pi * t  # one stride per second
    for k, (i_knee, i_ank, i_heel, i_toe, ph) in enumerate(((25, 27, 29, 31, 0.0), (26, 28, 30, 32, np.pi))):
        off = 60 * np.sin(phase + ph)
        p[:, i_ank] = np.c_[hip + off, np.full(T, 500.0)]
        p[:, i_heel] = p[:, i_ank] + [-10, 5]
        p[:, i_toe] = p[:, i_ank] + [25, 8]
        p[:, i_knee] = np.c_[hip + off / 2, np.full(T, 400.0)]
    p[:, 23] = p[:, 24] = np.c_[hip, np.full(T, 300.0)]
    return t, p


def test_leg_label_swaps_are_found_and_undone():
    t, p = _walk_feet()
    swapped = np.zeros(len(t), bool)
    swapped[[20, 21, 22, 50, 71]] = True  # the model swapped the feet's labels in these frames
    seen = swap_legs(p, swapped, FOOT_PAIRS)
    assert not np.allclose(seen, p, equal_nan=True)
    found = leg_swaps(seen, 80.0, FOOT_PAIRS)
    fixed = swap_legs(seen, found, FOOT_PAIRS)
    # frames where the feet overlap are ambiguous (either reading is right); everywhere else exact
    apart = np.abs(p[:, 27, 0] - p[:, 28, 0]) > 10
    assert np.array_equal(found[apart], swapped[apart])
    assert np.allclose(fixed[apart], p[apart], equal_nan=True)
    # nothing swapped: nothing found
    assert not leg_swaps(p, 80.0, FOOT_PAIRS)[apart].any()


def test_turn_and_stop_are_not_steady_walking():
    fps = 30.0
    t = np.arange(0, 6, 1 / fps)
    # walk right 0-2 s, stand 2-2.8 s (turning round), walk left from 2.8 s
    x = np.interp(t, [0, 2.0, 2.8, 6.0], [0.0, 300.0, 300.0, -180.0])
    d = travel_direction(x, t, min_speed=20.0)
    assert steady_travel(d, t, int(1.0 * fps)) == 1
    assert steady_travel(d, t, int(4.5 * fps)) == -1
    for s in (1.6, 2.4, 3.2):  # within a second of the stop or the turn
        assert steady_travel(d, t, int(s * fps)) == 0
    # a short glitch of the hip track (0.1 s) is not a stop
    x2 = 100 * t
    x2[60:63] = x2[60]
    d2 = travel_direction(x2, t, 20.0)
    assert steady_travel(d2, t, 60) == 1


def test_a_flicker_in_the_hold_does_not_make_the_whole_hold_untrusted():
    """A knee held at 100 deg with one frame snapping to 60 just after reaching it, then a fast (tracked)
    return: the jump back from the flicker must not pair with the return's jump, which would mark the
    whole hold untrusted and lose a peak that was seen."""
    t = np.arange(0, 6, 1 / 15)
    x = np.where(t < 1, 5.0, np.where(t < 2, 5 + 95 * (t - 1), 100.0))
    x = np.where(t >= 4.0, np.maximum(5.0, 100 - 400 * (t - 4.0)), x)  # back down at 400 deg/s
    x[int(2.2 * 15)] = 60.0  # the flicker
    bad = untrusted_frames(x, t, max_rate=300.0, max_dropout_s=3.0)
    hold = (t > 2.4) & (t < 3.9)
    assert bad[int(2.2 * 15)] and not bad[hold].any(), np.flatnonzero(bad)
    (r,) = find_repetitions(x, t, 30.0, untrusted=bad, max_dropout_s=3.0)
    assert abs(r.peak_value - 100.0) < 5.0 and r.untrusted <= 5


def test_a_jump_must_also_be_large_enough():
    """At 60 frames/s a change of 0.18 between two frames is 10.8 per second: fast, but within what noise does
    to a signal; ``min_jump`` keeps such steps from being jumps while a real dropout (0.95 away and back) stays
    one."""
    t = np.arange(0, 4, 1 / 60)
    x = np.full(len(t), 0.05)
    x[60:63] = 0.23  # noise: 0.18 up for three frames
    x[120:150] = 1.0  # the limb lost: 0.95 away and back
    noisy = untrusted_frames(x, t, max_rate=10.0, max_dropout_s=3.0)
    assert noisy[60:63].all()  # without min_jump the noise is a jump
    bad = untrusted_frames(x, t, max_rate=10.0, max_dropout_s=3.0, min_jump=0.2)
    assert not bad[55:70].any() and bad[120:150].all(), np.flatnonzero(bad)


def test_a_signal_that_errs_one_way_only_starts_a_dropout_with_a_fall():
    """A held-out prone knee bend (ink z4, 25 frames/s): the body outline's height above the legs rose fast where the
    segmentation mask found a raised lower leg again late in the first bend, then fell slowly as the leg came down,
    rested, and later fell fast where the mask dropped the second bend's lower leg. Either way round, that first
    rise was taken for the jump away and paired with the later fall: the rest between them was marked untrusted
    and the two bends counted as one. A mask drops a raised leg; it does not make one up (``away=-1``): only a fall
    starts a dropout."""
    t = np.arange(0, 5, 0.1)
    x = np.zeros(len(t))
    x[5:10] = 1.0  # the mask finding the raised leg late: a fast rise
    x[10:14] = [0.75, 0.5, 0.25, 0.0]  # the leg coming down slowly, then resting
    x[20:24] = [0.25, 0.5, 0.75, 1.0]  # the second bend, slowly up
    x[24:28] = 1.0
    x[28:32] = 0.0  # the mask dropping the raised leg: a fast fall, and the fast rise when it finds it again
    x[32:37] = 1.0
    x[37:41] = [0.75, 0.5, 0.25, 0.0]
    either = untrusted_frames(x, t, max_rate=4.0, max_dropout_s=3.0, min_jump=0.2)
    assert either[14:20].all()  # the rest taken for a dropout
    fall = untrusted_frames(x, t, max_rate=4.0, max_dropout_s=3.0, min_jump=0.2, away=-1)
    assert not fall[14:20].any() and fall[28:32].all(), np.flatnonzero(fall)
    assert not fall[33:].any()
