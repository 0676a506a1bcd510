"""The live webcam check: the frame callback and its decisions, in a plain class (no Streamlit).

:class:`LiveProcessor` is what ``streamlit_webrtc.webrtc_streamer`` calls with each camera frame (in its
own worker thread). Per frame it runs the pose model (:class:`vision.live.LiveTracker`), smooths the
landmarks for drawing (:class:`analysis.filtering.OneEuroFilter`), draws the skeleton, the plumb line and a
status banner, and moves a small state machine:

``waiting`` (nobody in view) -> ``setup`` (live checks: whole body, the wanted view, standing still)
-> ``countdown`` (all checks passed for :attr:`LiveConfig.settle_s`; a few seconds to get ready)
-> ``capturing`` (frames are kept for :attr:`LiveConfig.capture_s`) -> ``captured`` (the page analyses
the kept frames with the full pipeline). The countdown starts by itself when the checks pass, because a
person standing 3 m from the laptop cannot click; it falls back to ``setup`` when a blocking check fails.

Cost per frame is kept low for 2-core laptops: frames are scaled to :attr:`LiveConfig.max_side` before
anything else, only the newest of several queued frames is processed (the others are dropped and counted),
the capture checks run a few times a second rather than on every frame, and drawing is a few OpenCV
lines. Everything the page reads goes through :meth:`LiveProcessor.status`, under a lock.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from analysis.filtering import OneEuroFilter
from analysis.quality import Check, check_still, check_view, check_whole_body
from analysis.steady import steadiest_window
from analysis.view import body_yaw, typical_yaw
from vision.drawing import draw_skeleton
from vision.sources import frame_rgb

STATES = ("waiting", "setup", "countdown", "capturing", "captured")


@dataclass
class LiveConfig:
    """Settings of the live check (engineering choices).

    Attributes
    ----------
    want : str
        Accepted view (``"side"`` or ``"frontal"``, see :func:`analysis.quality.check_view`).
    countdown_s : float
        Seconds between the checks passing and the capture starting.
    capture_s : float
        Seconds of standing kept for the assessment (it reads the steadiest 2 s of them).
    settle_s : float
        The checks must pass this long before the countdown starts (no flicker).
    check_every_s : float
        How often the capture checks are run on the recent landmarks.
    check_window_s : float
        Seconds of recent landmarks the checks look at.
    max_side : int
        Frames are scaled down to this longer side first (the model works on ~256 px crops anyway).
    max_capture_frames : int
        Memory bound of the capture (frames beyond are not kept).
    """

    want: str = "side"
    countdown_s: float = 3.0
    capture_s: float = 4.0
    settle_s: float = 1.0
    check_every_s: float = 0.25
    check_window_s: float = 1.0
    max_side: int = 640
    max_capture_frames: int = 150


@dataclass
class Capture:
    """The frames kept during ``capturing``: RGB at the processed size, and their times in seconds."""

    frames: list[np.ndarray]
    timestamps: list[float]

    @property
    def fps(self) -> float:
        if len(self.timestamps) < 2:
            return 15.0
        return (len(self.timestamps) - 1) / max(1e-6, self.timestamps[-1] - self.timestamps[0])


@dataclass
class LiveStatus:
    """A snapshot of the processor for the page (plain values, safe to read from any thread)."""

    state: str
    message: str
    checks: list[dict]
    seconds_left: float | None
    frames_processed: int
    frames_with_person: int
    frames_dropped: int
    fps: float | None
    delay_ms: float | None  # median estimated delay from a frame's arrival to its overlay (recent frames)
    process_ms: float | None  # median model + drawing time per frame (recent frames)
    captured: bool
    capture_frames: int = 0
    error: str | None = None


def scale_to(rgb: np.ndarray, max_side: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    if max(h, w) <= max_side:
        return rgb
    s = max_side / max(h, w)
    return cv2.resize(rgb, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_LINEAR)


def live_checks(seq, want: str) -> list[Check]:
    """The capture checks a person can fix while the camera runs: whole body, view, standing still.

    Parameters
    ----------
    seq : PoseSequence
        The last second or so of live results (:meth:`vision.live.LiveTracker.recent`).
    want : str
        Accepted view.
    """
    det = np.asarray(seq.detected, bool)
    if not det.any():
        return [Check("whole_body", False, 0.0, "fraction of frames", "nobody is in the picture",
                      "stand in front of the camera, 2.5-4 m away, whole body in view", blocking=True)]
    checks = [check_whole_body(seq.landmarks, seq.visibility)]
    with np.errstate(all="ignore"):
        yaw = typical_yaw(body_yaw(np.asarray(seq.world)[det]))
    checks.append(check_view(yaw, want))
    motion = None
    if det.sum() >= 4:
        try:
            motion = steadiest_window(seq.pixels, seq.visibility, seq.timestamps,
                                      window_s=float(seq.timestamps[-1] - seq.timestamps[0]) + 1e-3).motion
        except Exception:  # too few frames for the smoothing: judged on the next round
            motion = None
    still = check_still(motion)
    if motion is None:
        still = Check("still", False, None, "% height", "checking that you stand still ...",
                      "stand still, arms relaxed by your sides", checked=False)
    checks.append(still)
    return checks


def check_message(checks: list[Check]) -> str:
    """The one instruction shown on the live picture: the first failing check's advice, or ready."""
    for c in checks:
        if not c.passed:
            return (c.advice or c.reason).rstrip(".")
    return "All set - hold still"


_GREEN, _RED, _GREY, _WHITE = (40, 200, 90), (230, 60, 60), (150, 150, 150), (255, 255, 255)
_PLUMB = (255, 60, 60)
_LABELS = {"whole_body": "whole body", "view": "view", "still": "still"}


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float, colour=_WHITE, thick: int = 1) -> None:
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thick + 2, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thick, cv2.LINE_AA)


def draw_live(rgb: np.ndarray, pixels: np.ndarray | None, visibility: np.ndarray | None, want: str, state: str,
              message: str, checks: list[Check], seconds_left: float | None) -> np.ndarray:
    """The live overlay (in place): skeleton, plumb line, check chips and the banner with the instruction."""
    h, w = rgb.shape[:2]
    if pixels is not None and np.isfinite(pixels).any():
        draw_skeleton(rgb, pixels, visibility, copy=False)
        thick = max(1, round(max(h, w) / 480))
        if want == "side":  # plumb line: the vertical through the better-seen ankle
            side = 27 if np.nansum(visibility[[11, 23, 25, 27]]) >= np.nansum(visibility[[12, 24, 26, 28]]) else 28
            ankle = pixels[side]
        else:  # front view: the vertical through the midpoint of the ankles
            ankle = np.nanmean(pixels[[27, 28]], axis=0) if np.isfinite(pixels[[27, 28]]).any() else pixels[27]
        if np.isfinite(ankle).all():
            x, y1 = int(round(ankle[0])), int(min(h - 1, round(ankle[1])))
            for y0 in range(0, y1, 10 * thick):
                cv2.line(rgb, (x, y0), (x, min(y1, y0 + 5 * thick)), _PLUMB, thick + 1, cv2.LINE_AA)
    scale = max(0.45, w / 1100)
    bar = int(34 * scale / 0.55)
    colour = {"countdown": (200, 140, 0), "capturing": (190, 30, 30), "captured": (30, 130, 60)}.get(state, (30, 30, 30))
    cv2.rectangle(rgb, (0, 0), (w, bar), colour, -1)
    if state == "countdown" and seconds_left is not None:
        banner = f"Get ready: capture in {int(np.ceil(seconds_left))}"
    elif state == "capturing" and seconds_left is not None:
        banner = f"Capturing - stand still ({seconds_left:.0f} s)"
    elif state == "captured":
        banner = "Captured - results below the video"
    else:
        banner = message
    _text(rgb, banner[:70], (8, int(bar * 0.7)), scale, _WHITE, max(1, round(scale * 2)))
    x = 8
    for c in checks:
        if c.name not in _LABELS:
            continue
        col = _GREEN if c.passed else (_GREY if not c.checked else _RED)
        label = _LABELS[c.name]
        (tw, th), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, scale * 0.8, 1)
        cv2.rectangle(rgb, (x, bar + 6), (x + tw + 12, bar + 12 + th + 6), col, -1)
        cv2.putText(rgb, label, (x + 6, bar + 10 + th), cv2.FONT_HERSHEY_SIMPLEX, scale * 0.8, _WHITE, 1, cv2.LINE_AA)
        x += tw + 20
    return rgb


class LiveProcessor:
    """Frame callback for the live webcam check; thread-safe.

    Parameters
    ----------
    config : LiveConfig
    tracker_factory : callable, optional
        Makes the tracker (default :class:`vision.live.LiveTracker` without segmentation); tests may pass
        a fake with ``push(rgb, t)``, ``recent(seconds)`` and ``close()``.
    clock : callable
        Seconds, monotonic (tests pass a fake clock).
    """

    def __init__(self, config: LiveConfig | None = None, tracker_factory: Callable | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config or LiveConfig()
        self._factory = tracker_factory
        self._clock = clock
        self._lock = threading.Lock()  # guards the state and the statistics
        self._work = threading.Lock()  # one frame through the model at a time
        self._tracker = None
        self._filter = OneEuroFilter(min_cutoff=1.0, beta=0.05)
        self._t0: float | None = None
        self._last_t = -1.0
        self.state = "waiting"
        self._checks: list[Check] = []
        self._checks_at = -1e9
        self._ok_since: float | None = None
        self._phase_start = 0.0
        self._capture = Capture([], [])
        self._message = "Stand in front of the camera"
        self._processed = self._with_person = self._dropped = 0
        self._done_times: deque[float] = deque(maxlen=60)
        self._delays: deque[float] = deque(maxlen=60)
        self._proc: deque[float] = deque(maxlen=60)
        self._offset: float | None = None  # min (arrival - frame.time), for the delay estimate
        self._error: str | None = None
        self._last_found = False  # whether the newest processed frame had a person
        self._forced = False  # the countdown was started by hand (only leaving the picture stops it)

    # ------------------------------------------------------------------ control from the page
    def restart(self) -> None:
        """Back to the live checks, dropping any capture (``Capture again``)."""
        with self._lock:
            self._capture = Capture([], [])
            self._ok_since = None
            self._forced = False
            self.state = "setup" if self._with_person else "waiting"

    def start_countdown(self) -> str | None:
        """Start the countdown now, for a helper at the laptop, whatever the view and stillness checks say;
        returns None, or why it cannot start (one plain sentence): the camera sends no pictures yet, or nobody
        is in view. A started countdown goes back to the checks only if the person leaves the picture."""
        with self._lock:
            if self._processed == 0:
                return "The camera is not sending pictures yet: press START and allow the camera first."
            if not self._last_found:
                return ("Nobody is in view, so there is nothing to capture: step into the picture (whole body, "
                        "2.5-4 m from the camera), then press it again.")
            if self.state in ("waiting", "setup"):
                self.state, self._phase_start = "countdown", self._now()
                self._forced = True
                self._capture = Capture([], [])
            return None

    def take_capture(self) -> Capture | None:
        """The finished capture (once; later calls return None until the next one)."""
        with self._lock:
            if self.state != "captured" or not self._capture.frames:
                return None
            cap, self._capture = self._capture, Capture([], [])
            return cap

    def status(self) -> LiveStatus:
        with self._lock:
            left = None
            if self.state == "countdown":
                left = max(0.0, self.config.countdown_s - (self._now() - self._phase_start))
            elif self.state == "capturing":
                left = max(0.0, self.config.capture_s - (self._now() - self._phase_start))
            fps = None
            if len(self._done_times) >= 2 and self._done_times[-1] > self._done_times[0]:
                fps = (len(self._done_times) - 1) / (self._done_times[-1] - self._done_times[0])
            return LiveStatus(self.state, self._message, [c.to_dict() for c in self._checks], left, self._processed,
                              self._with_person, self._dropped, fps,
                              float(np.median(self._delays)) * 1000 if self._delays else None,
                              float(np.median(self._proc)) * 1000 if self._proc else None,
                              self.state == "captured", len(self._capture.frames), self._error)

    def close(self) -> None:
        with self._work:
            if self._tracker is not None:
                self._tracker.close()
                self._tracker = None

    # ------------------------------------------------------------------ frames
    def _now(self) -> float:
        return self._clock() - (self._t0 or 0.0)

    def recv(self, frame):
        """streamlit-webrtc's ``video_frame_callback``: one ``av.VideoFrame`` in, the drawn one out."""
        return self._recv([frame])[0]

    async def recv_queued(self, frames: list) -> list:
        """streamlit-webrtc's ``queued_video_frames_callback``: frames that queued up while the previous
        one was processed. Only the newest is processed (the camera runs ahead of the model on a slow
        machine); the others are dropped, so the overlay never falls behind."""
        return self._recv(frames)

    def _recv(self, frames: list) -> list:
        import av

        arrived = self._clock()
        newest = frames[-1]
        with self._lock:
            self._dropped += len(frames) - 1
            if newest.time is not None:  # arrival minus capture clock: its minimum is the fixed transport lag
                off = arrived - float(newest.time)
                self._offset = off if self._offset is None else min(self._offset, off)
        try:
            rgb = frame_rgb(newest)  # OpenCV's conversion for the usual yuv420p: a quarter of FFmpeg's time
            out = self.process(rgb)
        except Exception as e:  # never kill the stream: show the error on the picture and in the status
            with self._lock:
                self._error = f"{type(e).__name__}: {e}"
            return [newest]
        done = self._clock()
        with self._lock:
            if newest.time is not None and self._offset is not None:
                self._delays.append(done - (float(newest.time) + self._offset))
            else:
                self._delays.append(done - arrived)
        new = av.VideoFrame.from_ndarray(out, format="rgb24")
        new.pts, new.time_base = newest.pts, newest.time_base
        return [new]

    def process(self, rgb: np.ndarray, t: float | None = None) -> np.ndarray:
        """Process one upright RGB frame (taken now, or at ``t`` seconds on the processor's clock) and
        return the frame with the overlay drawn (scaled to :attr:`LiveConfig.max_side`)."""
        with self._work:
            started = self._clock()
            if self._t0 is None:
                self._t0 = started
            now = self._now() if t is None else float(t)
            if now <= self._last_t:
                now = self._last_t + 1e-3
            self._last_t = now
            small = np.ascontiguousarray(scale_to(rgb, self.config.max_side))
            if self._tracker is None:
                if self._factory is not None:
                    self._tracker = self._factory()
                else:
                    from vision.live import LiveTracker

                    self._tracker = LiveTracker(window_s=max(self.config.check_window_s, 2.0) + 1.0, max_side=None)
            res = self._tracker.push(small, now)
            pixels = vis = None
            if res.found:
                pixels = self._filter(res.pixels, now).astype(np.float32)
                vis = res.visibility
            else:
                self._filter.reset()
            if now - self._checks_at >= self.config.check_every_s:
                checks = live_checks(self._tracker.recent(self.config.check_window_s), self.config.want)
                self._checks_at = now
            else:
                checks = None
            with self._lock:
                if checks is not None:
                    self._checks = checks
                self._last_found = bool(res.found)
                self._step(now, res.found, small)
                state, message, cks = self.state, self._message, list(self._checks)
                left = None
                if state == "countdown":
                    left = self.config.countdown_s - (now - self._phase_start)
                elif state == "capturing":
                    left = self.config.capture_s - (now - self._phase_start)
            out = draw_live(small.copy(), pixels, vis, self.config.want, state, message, cks, left)
            done = self._clock()
            with self._lock:
                self._processed += 1
                self._with_person += bool(res.found)
                self._done_times.append(done)
                self._proc.append(done - started)
            return out

    def _step(self, now: float, found: bool, frame: np.ndarray) -> None:
        """Advance the state machine (called under the lock)."""
        cfg = self.config
        blocking_ok = bool(self._checks) and all(c.passed for c in self._checks if c.blocking)
        all_ok = bool(self._checks) and all(c.passed for c in self._checks)
        self._message = check_message(self._checks) if self._checks else "Stand in front of the camera"
        if self.state in ("waiting", "setup"):
            self.state = "setup" if found or self._with_person else "waiting"
            if all_ok and found:
                self._ok_since = now if self._ok_since is None else self._ok_since
                if now - self._ok_since >= cfg.settle_s:
                    self.state, self._phase_start = "countdown", now
                    self._capture = Capture([], [])
            else:
                self._ok_since = None
        elif self.state == "countdown":
            if not found or not (blocking_ok or self._forced):
                self.state, self._ok_since, self._forced = "setup", None, False
            elif now - self._phase_start >= cfg.countdown_s:
                self.state, self._phase_start = "capturing", now
        elif self.state == "capturing":
            if not found:
                self.state, self._ok_since, self._forced = "setup", None, False
                self._capture = Capture([], [])
                self._message = "Lost you - step back into the picture; the capture starts again"
                return
            if len(self._capture.frames) < cfg.max_capture_frames:
                self._capture.frames.append(frame)
                self._capture.timestamps.append(now)
            if now - self._phase_start >= cfg.capture_s:
                self.state, self._forced = "captured", False


# ------------------------------------------------------------------------------------------------
# what the page says about the live state
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LiveView:
    """The live state as a person reads it: a short ``label``, one sentence ``text`` and a ``level`` for its
    colour (``"idle"``, ``"act"`` = something to do, ``"ready"``, ``"busy"``, ``"done"``, ``"error"``)."""

    label: str
    text: str
    level: str


def live_view(status: LiveStatus | None, playing: bool, analysing: bool = False, done: bool = False) -> LiveView:
    """What the page says about the live check: waiting for the camera, step into view, adjust, ready,
    countdown, capturing, analysing, done. No frame rates or delays: those are for :mod:`benchmarks`."""
    if status is not None and status.error:
        return LiveView("Stopped", f"The live analysis stopped ({status.error}). Press STOP, then START to try "
                        "again, or use 'Webcam snapshot (photo)'.", "error")
    if done:
        return LiveView("Done", "The result is below. Press 'Capture again' for another.", "done")
    if analysing:
        return LiveView("Analysing", "Measuring the few seconds just captured ...", "busy")
    if not playing or status is None or status.frames_processed == 0:
        return LiveView("Waiting for the camera", "Press START under the video and allow the camera.", "idle")
    if status.state == "waiting":
        return LiveView("Step into view", "Stand 2.5-4 m from the camera with your whole body in the picture.", "act")
    if status.state == "setup":
        checks = status.checks or []
        if checks and all(c["passed"] for c in checks):
            return LiveView("Ready", "Hold still: the countdown starts in a moment.", "ready")
        return LiveView("Adjust", status.message[:1].upper() + status.message[1:] + ".", "act")
    if status.state == "countdown":
        left = int(np.ceil(status.seconds_left or 0))
        return LiveView("Countdown", f"Capture in {left} s: stand as you usually do.", "ready")
    if status.state == "capturing":
        left = int(np.ceil(status.seconds_left or 0))
        return LiveView("Capturing", f"Hold still: {left} s left.", "busy")
    return LiveView("Analysing", "Measuring the few seconds just captured ...", "busy")


def telemetry_text(s: LiveStatus) -> str:
    """Frame counts, rate and delay in one line (shown only with ``POSTURE_LIVE_DETAILS=1``, for benchmarks)."""
    parts = [f"Frames analysed: {s.frames_processed} (with a person: {s.frames_with_person})"]
    if s.fps:
        parts.append(f"{s.fps:.1f} frames/s")
    if s.delay_ms is not None:
        parts.append(f"overlay delay about {s.delay_ms:.0f} ms (model and drawing {s.process_ms:.0f} ms)")
    if s.frames_dropped:
        parts.append(f"{s.frames_dropped} frames skipped to keep up")
    return " · ".join(parts)


def write_capture(capture: Capture, path) -> None:
    """Write a capture as an H.264 MP4 (for the pipeline; the caller keeps it in a temporary folder)."""
    from vision.pipeline import VideoWriter

    writer = VideoWriter(Path(path), max(1, round(capture.fps)), crf=18)  # near-lossless: it is analysed again
    try:
        for img in capture.frames:
            writer.write(img)
    finally:
        writer.close()
