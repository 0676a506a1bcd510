"""Steadiest-window selection on hand-made tracks with known motion."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.steady import prepare_track, steadiest_window, window_stats

FLOOR_Y, H_PX = 910.0, 800.0


def figure() -> np.ndarray:
    """(33, 2) pixels of an upright figure, stature H_PX."""
    p = np.full((33, 2), 400.0)
    eye = FLOOR_Y - 0.936 * H_PX
    p[:, 1] = 500.0
    p[[1, 2, 3, 4, 5, 6], 1] = eye
    p[[0, 7, 8], 1] = eye + 10
    p[[11, 12], 1] = 260.0
    p[[23, 24], 1] = 500.0
    p[[27, 28], 1] = 880.0
    p[[29, 30, 31, 32], 1] = FLOOR_Y
    return p


def clip(fps=30.0, seconds=10.0, still=(4.0, 6.5), amp=20.0, seed=0):
    t = np.arange(int(fps * seconds)) / fps
    rng = np.random.default_rng(seed)
    sway = amp * np.sin(2 * np.pi * 0.7 * t)
    sway[(t >= still[0]) & (t < still[1])] = 0.0
    px = np.tile(figure(), (len(t), 1, 1))
    px[:, :27, 0] += sway[:, None]  # the body sways over its planted feet (ankles, heels, toes)
    px += rng.normal(0, 0.3, px.shape)
    return px, np.full((len(t), 33), 0.9), t


def test_finds_the_still_stretch():
    px, vis, t = clip()
    w = steadiest_window(px, vis, t)
    assert not w.is_photo and w.duration_s == pytest.approx(2.0, abs=0.05)
    assert t[w.indices[0]] >= 3.9 and t[w.indices[-1]] <= 6.6
    assert w.motion < 0.1  # % height: only the 0.3 px noise remains, smoothed
    assert np.array_equal(w.indices, np.arange(w.start, w.stop))
    assert w.to_dict()["frames"] == len(w.indices)


def test_motion_figure_is_rms_sway_in_percent_of_height():
    fps = 30.0
    t = np.arange(int(fps * 6)) / fps
    amp = 16.0
    px = np.tile(figure(), (len(t), 1, 1))
    px[:, [11, 12, 23, 24], 0] += amp * np.sin(2 * np.pi * 1.0 * t)[:, None]  # 1 Hz: whole cycles in 2 s
    w = steadiest_window(px, np.full((len(t), 33), 0.9), t)
    # x sways with SD amp/sqrt(2), y is still: RMS over the 8 series = amp/sqrt(2)/sqrt(2) = amp/2
    assert w.motion == pytest.approx(amp / 2 / H_PX * 100, rel=0.05)


def test_photo_and_short_clip():
    px = figure()[None]
    w = steadiest_window(px, np.ones((1, 33)), None)
    assert w.is_photo and list(w.indices) == [0] and w.motion is None
    px, vis, t = clip(seconds=1.0)
    w = steadiest_window(px, vis, t)
    assert len(w.indices) == len(t) and w.motion is not None


def test_gaps_low_visibility_and_unusable_frames_are_avoided():
    px, vis, t = clip(still=(10, 10), amp=0.0)  # nothing moves anywhere
    px[:, :27, 0] += np.where(t < 5, 0.0, 10 * np.sin(2 * np.pi * 0.7 * t))[:, None]  # moves after 5 s
    px[30:60] = np.nan  # 1 s gap in the still part
    vis[90:120, [11, 12, 23, 24]] = 0.1  # shoulders and hips unseen for another second
    w = steadiest_window(px, vis, t)
    assert w.motion is not None
    # the chosen window never includes frames without shoulders and hips (gap, unseen)
    assert not np.any((w.indices >= 30) & (w.indices < 60))
    assert not np.any((w.indices >= 90) & (w.indices < 120))
    usable = np.ones(len(t), bool)
    usable[:150] = False
    w2 = steadiest_window(px, vis, t, usable=usable)
    assert w2.indices.min() >= 150
    none = steadiest_window(np.full_like(px, np.nan), vis, t)
    assert len(none.indices) == 0 and none.motion is None


def test_prepare_track_and_window_stats():
    px, vis, t = clip()
    vis[10, 11] = 0.1
    raw = prepare_track(px, vis)  # no timestamps: masked only
    assert np.isnan(raw[10, 11]).all()
    sm = prepare_track(px, vis, t)
    assert np.isfinite(sm[10, 11]).all()  # a one-frame gap is bridged
    assert np.std(np.diff(sm[:, 0, 1])) < np.std(np.diff(px[:, 0, 1]))  # jitter reduced
    med, sd, n = window_stats(np.array([1.0, np.nan, 3.0, 2.0]), np.arange(4))
    assert (med, n) == (2.0, 3) and sd == pytest.approx(1.0)
    med, sd, n = window_stats(np.array([np.nan]), np.arange(1))
    assert np.isnan(med) and sd is None and n == 0


def test_a_camera_moving_the_body_and_its_feet_together_is_not_the_person_moving():
    """A phone held in the hand: the whole picture drifts 25 px and zooms 3 % (the figure still). In the picture the
    shoulders and hips move about 1.5 % of the height; over the feet, in the frame's own trunk lengths, they do not."""
    px, vis, t = clip(still=(10, 10), amp=0.0)
    zoom = 1.0 + 0.03 * np.sin(2 * np.pi * 0.35 * t)
    centre = np.array([320.0, 480.0])
    px = (px - centre) * zoom[:, None, None] + centre
    px[:, :, 0] += 25.0 * np.sin(2 * np.pi * 0.5 * t + 1.0)[:, None]
    px[:, :, 1] += 15.0 * np.sin(2 * np.pi * 0.8 * t)[:, None]
    in_picture = np.std(px[:, [11, 12, 23, 24]], axis=0, ddof=1).mean() / H_PX * 100
    assert in_picture > 1.0
    w = steadiest_window(px, vis, t)
    assert w.motion < 0.15


def test_feet_points_that_wander_on_a_steady_camera_leave_the_picture_reading():
    """The pose model's ankle and heel points wandering 10 px while the person stands still: the reading over the
    feet would carry their wander; the picture's, the lesser, is kept."""
    px, vis, t = clip(still=(10, 10), amp=0.0)
    px[:, 27:31, 0] += 10.0 * np.sin(2 * np.pi * 0.9 * t)[:, None]
    w = steadiest_window(px, vis, t)
    assert w.motion < 0.1
