"""Is more than one person in the picture? MediaPipe Pose follows a single person, so we check.

The check hides the person the model found (their landmark box, widened, is filled with the frame's
median colour) and runs the person detector again on what is left. Another confident full pose there
means a second person. It costs one extra model call per probed frame.
"""

from __future__ import annotations

import numpy as np

from vision.estimator import ModelCache, PoseEstimator, PoseResult

BOX_MARGIN = 0.15  # widen the hidden box by this fraction of its size on each side (engineering choice)
MIN_CORE_VISIBILITY = 0.6  # a second pose counts when its shoulders and hips are this visible
_CORE = [11, 12, 23, 24]


def person_box(pixels: np.ndarray, visibility: np.ndarray, margin: float = BOX_MARGIN) -> tuple[int, int, int, int] | None:
    """Box (x0, y0, x1, y1) in pixels around the visible landmarks, widened by ``margin``; None if none."""
    ok = np.isfinite(pixels).all(axis=1) & (np.nan_to_num(visibility) > 0.3)
    if ok.sum() < 4:
        return None
    (x0, y0), (x1, y1) = pixels[ok].min(axis=0), pixels[ok].max(axis=0)
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    return int(x0 - dx), int(y0 - dy * 1.5), int(x1 + dx), int(y1 + dy)  # extra room above for hair


class PeopleProbe:
    """Looks for a second person in selected frames; one static estimator reused for all of them (the
    photo estimator of ``models`` when given, which stays open)."""

    def __init__(self, max_side: int | None, models: ModelCache | None = None) -> None:
        self._estimator: PoseEstimator | None = None
        self._max_side = max_side
        self._models = models
        self.seen_at: list[float] = []  # timestamps (s) where a second person was found
        self.probed = 0

    def check(self, rgb: np.ndarray, result: PoseResult, timestamp: float) -> bool:
        """Return True (and remember ``timestamp``) when another person is visible beside ``result``."""
        if not result.found:
            return False
        box = person_box(result.pixels, result.visibility)
        if box is None:
            return False
        if self._estimator is None:
            self._estimator = (self._models.take(static=True) if self._models is not None and self._max_side is None
                               else PoseEstimator(static=True, max_side=self._max_side))
        h, w = rgb.shape[:2]
        x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(w, box[2]), min(h, box[3])
        hidden = rgb.copy()
        hidden[y0:y1, x0:x1] = np.median(rgb.reshape(-1, 3)[:: max(1, h * w // 5000)], axis=0).astype(np.uint8)
        self.probed += 1
        other = self._estimator.process(hidden)
        if other.found and float(np.mean(other.visibility[_CORE])) >= MIN_CORE_VISIBILITY:
            self.seen_at.append(timestamp)
            return True
        return False

    def close(self) -> None:
        if self._estimator is not None:
            if self._models is not None and self._max_side is None:
                self._models.give_back(self._estimator)
            else:
                self._estimator.close()
            self._estimator = None
