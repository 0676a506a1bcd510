"""The live webcam frame callback (ui.live.LiveProcessor) driven directly with av.VideoFrames: the overlay,
the live checks, the countdown capture state machine, frame skipping, and the full assessment of a capture.
No browser and no Streamlit: the same object the page hands to streamlit-webrtc.
"""

from __future__ import annotations

import sys
import threading
from fractions import Fraction

import numpy as np
import pytest

from conftest import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

av = pytest.importorskip("av")

from ui.live import LiveConfig, LiveProcessor, check_message, live_checks  # noqa: E402
from vision.sources import ImageSource, VideoSource  # noqa: E402

SAMPLE = ROOT / "sample_media" / "standing_side.mp4"
FRONT = ROOT / "sample_media" / "standing_front.jpg"
pytestmark = pytest.mark.skipif(not SAMPLE.is_file(), reason="sample_media/standing_side.mp4 is not generated")


def clip_frames() -> list[np.ndarray]:
    src = VideoSource(SAMPLE)
    try:
        frames = [f.rgb for f in src]
    finally:
        src.close()
    return frames + frames[::-1]  # forwards then backwards: a loop without a jump, like the browser test's camera


def video_frame(rgb: np.ndarray, i: int, fps: int = 15):
    f = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    f.pts, f.time_base = i, Fraction(1, fps)
    return f


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def feed(proc: LiveProcessor, clock: Clock, frames, start: int = 0, fps: int = 15, until=None):
    """Push frames through ``recv`` at ``fps`` on the fake clock; returns the outputs and each frame's state."""
    outs, states = [], []
    for k, rgb in enumerate(frames):
        i = start + k
        clock.t = i / fps
        outs.append(proc.recv(video_frame(rgb, i, fps)))
        states.append(proc.status().state)
        if until and until(proc.status()):
            break
    return outs, states


@pytest.fixture(scope="module")
def standing_run():
    """The rendered figure standing side-on, looped until a capture is complete (about 130 frames)."""
    frames = clip_frames()
    clock = Clock()
    proc = LiveProcessor(LiveConfig(want="side"), clock=clock)
    outs, states = feed(proc, clock, frames * 3, until=lambda s: s.captured)
    status = proc.status()
    capture = proc.take_capture()
    yield {"proc": proc, "frames": frames, "outs": outs, "states": states, "status": status, "capture": capture}
    proc.close()


def test_overlay_is_drawn_on_each_returned_frame(standing_run):
    frames, outs = standing_run["frames"], standing_run["outs"]
    assert all(isinstance(o, av.VideoFrame) for o in outs)
    assert [o.pts for o in outs[:5]] == [0, 1, 2, 3, 4]  # timing kept for the return stream
    out = outs[10].to_ndarray(format="rgb24")
    assert out.shape == frames[10].shape
    changed = np.abs(out.astype(int) - frames[10].astype(int)).sum(axis=2) > 60
    assert changed[:30].mean() > 0.9  # the status banner across the top
    body = changed[60:, 200:450]
    assert body.mean() > 0.005  # skeleton and plumb line over the figure
    red = (out[..., 0] > 200) & (out[..., 1] < 100) & (out[..., 2] < 100)
    cols = np.flatnonzero(red[60:440].sum(axis=0) > 60)
    assert len(cols) and np.ptp(cols) < 12  # one vertical red dashed plumb line


def test_states_go_from_setup_through_countdown_to_captured(standing_run):
    states, status = standing_run["states"], standing_run["status"]
    order = [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]]
    assert order == ["setup", "countdown", "capturing", "captured"], order
    cfg = standing_run["proc"].config
    n_count = states.count("countdown")
    assert abs(n_count - cfg.countdown_s * 15) <= 2  # the countdown lasts its seconds
    assert status.captured and status.frames_with_person == status.frames_processed
    assert {c["name"] for c in status.checks} == {"whole_body", "view", "still"}
    assert all(c["passed"] for c in status.checks)


def test_capture_holds_the_capture_seconds(standing_run):
    cap = standing_run["capture"]
    cfg = standing_run["proc"].config
    assert cap is not None
    assert abs(len(cap.frames) - cfg.capture_s * 15) <= 2
    assert cap.timestamps == sorted(cap.timestamps) and abs(cap.fps - 15) < 0.5
    assert cap.frames[0].shape == (480, 640, 3)
    assert standing_run["proc"].take_capture() is None  # handed over once


def test_full_assessment_of_the_capture(standing_run):
    from ui.analyse import analyse_capture

    result = analyse_capture(standing_run["capture"], check="standing_side")
    a = result.assessment
    assert a["ok"] and a["view"]["label"] in ("right side", "left side")
    keys = {m["key"] for m in a["metrics"]}
    assert {"pelvic_tilt", "trunk_inclination", "hip_angle"} <= keys
    tilt = next(m for m in a["metrics"] if m["key"] == "pelvic_tilt")
    assert tilt["kind"] == "estimate" and tilt["value"] is not None
    assert result.keyframe_png and result.key_frame is not None
    assert result.name == "webcam capture.mp4"


def test_only_the_newest_queued_frame_is_processed():
    import asyncio

    frames = clip_frames()[:6]
    clock = Clock()
    proc = LiveProcessor(clock=clock)
    try:
        out = asyncio.run(proc.recv_queued([video_frame(f, i) for i, f in enumerate(frames[:3])]))
        assert len(out) == 1 and out[0].pts == 2
        s = proc.status()
        assert s.frames_processed == 1 and s.frames_dropped == 2
    finally:
        proc.close()


def test_nobody_in_view_waits_and_says_what_to_do():
    clock = Clock()
    proc = LiveProcessor(clock=clock)
    try:
        empty = np.full((480, 640, 3), 120, np.uint8)
        _, states = feed(proc, clock, [empty] * 8)
        s = proc.status()
        assert set(states) == {"waiting"} and s.frames_with_person == 0
        assert "stand in front of the camera" in s.message.lower()
    finally:
        proc.close()


def test_front_view_when_side_is_wanted_never_starts_the_countdown():
    if not FRONT.is_file():
        pytest.skip("sample_media/standing_front.jpg is not generated")
    src = ImageSource(FRONT)
    img = next(iter(src)).rgb
    src.close()
    clock = Clock()
    proc = LiveProcessor(LiveConfig(want="side"), clock=clock)
    try:
        _, states = feed(proc, clock, [img] * 30)
        s = proc.status()
        assert "countdown" not in states and s.state == "setup"
        view = next(c for c in s.checks if c["name"] == "view")
        assert not view["passed"] and "turn" in s.message.lower()
    finally:
        proc.close()


def test_leaving_the_picture_during_the_countdown_goes_back_to_setup():
    frames = clip_frames()
    clock = Clock()
    proc = LiveProcessor(clock=clock)
    try:
        _, states = feed(proc, clock, frames, until=lambda s: s.state == "countdown")
        assert states[-1] == "countdown"
        empty = np.full_like(frames[0], 120)
        _, later = feed(proc, clock, [empty] * 6, start=len(states))
        assert later[-1] == "setup" and "capturing" not in later
        why = proc.start_countdown()  # a helper at the laptop: refused, with the reason, while nobody is in view
        assert proc.status().state == "setup" and "Nobody is in view" in why
        _, back = feed(proc, clock, frames[:3], start=len(states) + len(later))
        assert proc.start_countdown() is None and proc.status().state == "countdown"  # someone is in view again
        proc.restart()
        assert proc.status().state == "setup" and proc.take_capture() is None
    finally:
        proc.close()


def test_countdown_by_hand_needs_frames_and_a_person_and_then_holds():
    clock = Clock()
    proc = LiveProcessor(clock=clock)
    try:
        assert "press START" in proc.start_countdown() and proc.status().state == "waiting"  # no camera yet
        frames = clip_frames()
        _, states = feed(proc, clock, frames[:4])
        assert proc.start_countdown() is None and proc.status().state == "countdown"
        _, later = feed(proc, clock, frames[4:12], start=4)  # a hand-started countdown is not undone by the checks
        assert "setup" not in later and later[-1] in ("countdown", "capturing")
    finally:
        proc.close()


def test_live_view_says_what_to_do_without_telemetry():
    from ui.live import LiveStatus, live_view

    def status(state, checks=(), left=None, processed=10):
        return LiveStatus(state, "turn so the camera sees your side", list(checks), left, processed, 5, 3, 14.0, 80.0,
                          40.0, state == "captured")

    assert live_view(None, False).label == "Waiting for the camera"
    assert live_view(status("waiting"), True).label == "Step into view"
    adjust = live_view(status("setup", [{"name": "view", "passed": False}]), True)
    assert adjust.label == "Adjust" and adjust.text == "Turn so the camera sees your side."
    assert live_view(status("setup", [{"name": "view", "passed": True}]), True).label == "Ready"
    assert live_view(status("countdown", left=2.2), True).text.startswith("Capture in 3 s")
    assert live_view(status("capturing", left=1.5), True).label == "Capturing"
    assert live_view(status("captured"), True, analysing=True).label == "Analysing"
    assert live_view(status("setup"), True, done=True).label == "Done"
    for s in ("waiting", "setup", "countdown", "capturing"):
        v = live_view(status(s, left=1.0), True)
        assert "frames" not in v.text and "ms" not in v.text


def test_status_is_safe_to_read_while_frames_arrive():
    frames = clip_frames()[:20]
    clock = Clock()
    proc = LiveProcessor(clock=clock)
    seen, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            seen.append(proc.status().frames_processed)

    t = threading.Thread(target=reader)
    t.start()
    try:
        feed(proc, clock, frames)
    finally:
        stop.set()
        t.join()
        proc.close()
    assert seen == sorted(seen) and proc.status().frames_processed == 20


def test_live_checks_and_message_on_a_track():
    from vision.live import LiveTracker

    frames = clip_frames()[:15]
    with LiveTracker(max_side=None) as tr:
        for i, f in enumerate(frames):
            tr.push(f, i / 15)
        checks = live_checks(tr.recent(1.0), "side")
        front = live_checks(tr.recent(1.0), "frontal")
    assert [c.name for c in checks] == ["whole_body", "view", "still"] and all(c.passed for c in checks)
    assert check_message(checks) == "All set - hold still"
    assert not next(c for c in front if c.name == "view").passed
    assert "turn" in check_message(front).lower()
