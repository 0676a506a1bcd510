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
