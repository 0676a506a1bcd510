"""Push interface for live frames (the webcam page): one tracking estimator, a bounded recent window.

Frames arrive one at a time from a camera callback; :meth:`LiveTracker.push` runs the model on each and
keeps the last ``window_s`` seconds of results, from which :meth:`LiveTracker.recent` builds a
:class:`~vision.sequence.PoseSequence` (e.g. the few seconds of a countdown capture). Memory is bounded
by the window, however long the camera runs.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

import numpy as np

from vision.estimator import DEFAULT_MAX_SIDE, PoseEstimator, PoseResult
from vision.pipeline import model_info
from vision.sequence import PoseSequence, SequenceBuilder
from vision.sources import SourceInfo


class LiveTracker:
    """Track a person in live frames pushed one by one.

    Parameters
    ----------
    window_s : float
        Seconds of recent results kept (older ones are dropped).
    max_side : int or None
        Frames are scaled down to this longer side before the model.
    segmentation : bool
        Also compute the person mask (returned with each result, not kept in the window).
    """

    def __init__(self, window_s: float = 10.0, max_side: int | None = DEFAULT_MAX_SIDE, segmentation: bool = False) -> None:
        self.window_s = window_s
        self._estimator = PoseEstimator(static=False, segmentation=segmentation, max_side=max_side)
        self._model = model_info(False, segmentation, max_side)
        self._recent: deque[tuple[int, float, PoseResult]] = deque()
        self._count = 0

    def push(self, rgb: np.ndarray, timestamp: float) -> PoseResult:
        """Run the model on one upright RGB uint8 frame taken at ``timestamp`` seconds.

        Timestamps must increase; a frame older than the newest one clears the window (the camera
        restarted) before it is added.
        """
        if self._recent and timestamp <= self._recent[-1][1]:
            self._recent.clear()
        result = self._estimator.process(rgb)
        self._recent.append((self._count, timestamp, replace(result, segmentation=None)))  # masks are big
        self._count += 1
        while self._recent and timestamp - self._recent[0][1] > self.window_s:
            self._recent.popleft()
        return result

    def recent(self, seconds: float | None = None) -> PoseSequence:
        """The last ``seconds`` (default: the whole window) of results as a :class:`PoseSequence`."""
        b = SequenceBuilder()
        newest = self._recent[-1][1] if self._recent else 0.0
        for index, t, res in self._recent:
            if seconds is None or newest - t <= seconds:
                b.append(index, t, res, res.image_size)
        return b.build(SourceInfo(kind="live", name="camera", frames_read=self._count), self._model)

    def close(self) -> None:
        self._estimator.close()
        self._recent.clear()

    def __enter__(self) -> "LiveTracker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
