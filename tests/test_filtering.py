"""Gap filling, zero-lag low-pass and the One Euro filter on synthetic signals."""

from __future__ import annotations

import numpy as np

from analysis.filtering import OneEuroFilter, frame_interval, interpolate_gaps, lowpass, smooth_track


def test_frame_interval_is_the_typical_step_not_thrown_by_a_dropped_frame():
    t = np.r_[np.arange(10) / 30, 10 / 30 + 0.5 + np.arange(5) / 30]  # a phone's half-second stall
    assert np.isclose(frame_interval(t), 1 / 30)
    assert frame_interval(t[:1], 1.0) == 1.0 and np.isnan(frame_interval([]))


def test_short_gaps_filled_linearly_long_gaps_and_edges_kept():
    t = np.arange(20) / 30
    x = 2.0 * t + 1
    x[[0, 5, 6]] = np.nan  # edge, short gap (3 frames = 0.1 s)
    x[10:19] = np.nan  # 0.33 s gap
    y = interpolate_gaps(x, t, max_gap_s=0.25)
    assert np.isnan(y[0]) and np.isnan(y[10:19]).all()
    assert np.allclose(y[5:7], 2.0 * t[5:7] + 1)
    assert np.isnan(x[5])  # the input is not modified


def test_lowpass_removes_jitter_without_lag():
    fs = 30.0
    t = np.arange(300) / fs
    slow = np.sin(2 * np.pi * 0.8 * t)
    noisy = slow + 0.2 * np.sin(2 * np.pi * 12 * t)
    y = lowpass(noisy, t, cutoff_hz=6.0)
    inner = slice(20, -20)
    assert np.abs(y[inner] - slow[inner]).max() < 0.03
    lag = np.argmax(np.correlate(y - y.mean(), slow - slow.mean(), "full")) - (len(t) - 1)
    assert lag == 0


def test_lowpass_keeps_gaps_and_filters_each_stretch():
    t = np.arange(200) / 30
    x = np.stack([np.sin(t), np.cos(t)], axis=1) + 0.05 * np.random.default_rng(0).normal(size=(200, 2))
    x[100:130] = np.nan
    y = smooth_track(x, t)
    assert np.isnan(y[100:130]).all() and np.isfinite(y[:100]).all()
    # white noise: a 6 Hz cut-off at 30 fps keeps 6/15 of its band, so its spread falls to about sqrt(0.4)
    assert np.std(y[20:80, 0] - np.sin(t[20:80])) < 0.8 * np.std(x[20:80, 0] - np.sin(t[20:80]))


def test_one_euro_smooths_when_still_and_follows_a_step():
    rng = np.random.default_rng(1)
    f = OneEuroFilter(min_cutoff=1.0, beta=5.0)
    t = np.arange(120) / 30
    still = 0.5 + 0.01 * rng.normal(size=60)
    out = np.array([f(np.array([v]), ti)[0] for v, ti in zip(still, t[:60])])
    assert np.std(out[10:]) < 0.5 * np.std(still[10:])
    out2 = np.array([f(np.array([0.8]), ti)[0] for ti in t[60:]])
    assert abs(out2[-1] - 0.8) < 0.01  # settled on the new position within 2 s
    nan_out = f(np.array([np.nan]), t[-1] + 0.1)
    assert np.isnan(nan_out[0])
    assert abs(f(np.array([0.8]), t[-1] + 0.2)[0] - 0.8) < 0.01  # state kept through the NaN
