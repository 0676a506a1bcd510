"""The MediaPipe Pose estimator: the bundled full model, one instance per stream.

Uses ``mediapipe.solutions.pose`` with ``model_complexity=1`` (the full landmark model shipped
inside the mediapipe 0.10.21 wheel, so nothing is downloaded). ``static=False`` is tracking mode
for clips and live frames; ``static=True`` runs the person detector on every image (photos).
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import cv2
import numpy as np

from vision.landmarks import N_LANDMARKS

MODEL_NAME = "mediapipe.solutions.pose BlazePose GHUM full (pose_landmark_full.tflite)"
MODEL_COMPLEXITY = 1  # only the full model is bundled; 0 and 2 would try to download
# px; the model works on 224-256 px crops, so larger frames cost copying and, with segmentation, a mask
# upsampled to the full input size (720p: +11 ms a frame against +5 ms at 960 px on this machine).
DEFAULT_MAX_SIDE = 960


# seconds; Python's default is 0.005. While the model runs, the decoding and writing threads keep Python
# busy, and each time MediaPipe's process() takes the interpreter lock back (several times a frame) it
# waited up to the whole interval: the model fell from 45 to 27 frames/s beside one busy Python thread,
# and ran at full speed with 0.001 (benchmarks/bench_speed.py measures the whole effect). Applied around each
# model call only (:func:`quick_gil_handover`).
GIL_SWITCH_INTERVAL = 0.001

_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.005


@contextmanager
def quick_gil_handover():
    """Lower Python's thread switch interval to :data:`GIL_SWITCH_INTERVAL` for the duration (process-wide;
    nested and concurrent uses share one setting, restored when the last ends)."""
    global _switch_users, _switch_saved
    with _switch_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_saved, GIL_SWITCH_INTERVAL))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)


def silence_native_logs() -> None:
    """Send MediaPipe's and TensorFlow Lite's C++ log lines (written straight to file descriptor 2)
    to /dev/null, keeping Python's ``sys.stderr`` on the real stderr. For command-line use; set the
    environment variable ``POSTURE_NATIVE_LOGS=1`` to keep them.
    """
    import os
    import sys

    if os.environ.get("POSTURE_NATIVE_LOGS") == "1":
        return
    sys.stderr.flush()
    real = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(real, "w", buffering=1)


def mediapipe_version() -> str:
    import mediapipe

    return mediapipe.__version__


@dataclass
class PoseResult:
    """One frame's pose.

    Attributes
    ----------
    found : bool
        Whether a person was found. When False every array is NaN.
    landmarks : ndarray, shape (33, 3), float32
        Normalised image coordinates: x right and y down as fractions of the frame's width and
        height (values may fall outside 0..1 for points outside the frame); z is MediaPipe's relative
        depth (same scale as x, smaller = nearer the camera, origin at the hip midpoint).
    visibility : ndarray, shape (33,), float32
        MediaPipe's probability (0..1) that the landmark is visible in the frame and not occluded.
    world : ndarray, shape (33, 3), float32
        World landmarks in metres, origin at the hip midpoint, x to the image right, y down, z away.
    image_size : tuple of int
        (width, height) of the frame given to :meth:`PoseEstimator.process`, in pixels.
    segmentation : ndarray or None, shape (h, w), float32
        Person probability mask at the model's input resolution (see ``mask_scale``); None unless
        segmentation was requested.
    mask_scale : float
        Mask pixels per original-frame pixel (1.0 when the frame was not scaled down).
    """

    found: bool
    landmarks: np.ndarray
    visibility: np.ndarray
    world: np.ndarray
    image_size: tuple[int, int]
    segmentation: np.ndarray | None = None
    mask_scale: float = 1.0

    @property
    def pixels(self) -> np.ndarray:
        """(33, 2) float32 landmark positions in pixels of the original frame (x right, y down)."""
        return self.landmarks[:, :2] * np.asarray(self.image_size, dtype=np.float32)


def _empty(n: int, d: int | None = None) -> np.ndarray:
    shape = (n,) if d is None else (n, d)
    return np.full(shape, np.nan, dtype=np.float32)


def scale_for_model(rgb: np.ndarray, max_side: int | None) -> tuple[np.ndarray, float]:
    """Scale a frame down so its longer side is at most ``max_side`` pixels.

    Returns the (possibly) resized frame and the scale factor (new / original, <= 1). The aspect
    ratio is kept, so normalised landmark coordinates map straight back to the original pixels.
    """
    h, w = rgb.shape[:2]
    if not max_side or max(h, w) <= max_side:
        return rgb, 1.0
    s = max_side / max(h, w)
    size = (max(1, round(w * s)), max(1, round(h * s)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_LINEAR), s  # INTER_AREA costs ~10x more


class PoseEstimator:
    """MediaPipe Pose over one stream of frames; use as a context manager or call :meth:`close`.

    Parameters
    ----------
    static : bool
        True for unrelated photos (detector on every image); False for a clip or live stream
        (tracking from frame to frame, frames must be given in time order).
    segmentation : bool
        Also return the person segmentation mask.
    max_side : int or None
        Frames whose longer side exceeds this are scaled down before the model; results are
        reported in the original frame's coordinates.
    min_detection_confidence, min_tracking_confidence : float
        MediaPipe's thresholds (0..1).
    """

    def __init__(
        self,
        static: bool = False,
        segmentation: bool = False,
        max_side: int | None = DEFAULT_MAX_SIDE,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        from mediapipe.python.solutions import pose as mp_pose

        self.static = static
        self.segmentation = segmentation
        self.max_side = max_side
        self._used = False
        self._pose = mp_pose.Pose(
            static_image_mode=static,
            model_complexity=MODEL_COMPLEXITY,
            smooth_landmarks=not static,
            enable_segmentation=segmentation,
            smooth_segmentation=segmentation and not static,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )

    def process(self, rgb: np.ndarray) -> PoseResult:
        """Find the pose in one RGB uint8 frame of shape (H, W, 3)."""
        if self._pose is None:
            raise RuntimeError("this PoseEstimator is closed")
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"expected an RGB uint8 frame of shape (H, W, 3), got {rgb.dtype} {rgb.shape}")
        h, w = rgb.shape[:2]
        small, s = scale_for_model(rgb, self.max_side)
        self._used = True
        with quick_gil_handover():
            out = self._pose.process(np.ascontiguousarray(small))
        if out.pose_landmarks is None:
            return PoseResult(False, _empty(N_LANDMARKS, 3), _empty(N_LANDMARKS), _empty(N_LANDMARKS, 3), (w, h), None, s)
        lm = out.pose_landmarks.landmark
        # (the legacy solutions API leaves each landmark's "presence" at 0, so it is not kept)
        arr = np.array([(p.x, p.y, p.z, p.visibility) for p in lm], dtype=np.float32)
        world = np.array([(p.x, p.y, p.z) for p in out.pose_world_landmarks.landmark], dtype=np.float32)
        mask = None
        if self.segmentation and out.segmentation_mask is not None:
            mask = np.asarray(out.segmentation_mask, dtype=np.float32)
        return PoseResult(True, arr[:, :3].copy(), arr[:, 3].copy(), world, (w, h), mask, s)

    def restart(self) -> None:
        """Begin a new stream: tracking and smoothing start afresh, exactly as in a new estimator.

        Starts a new run of the same MediaPipe graph (the Python object, the imported solution and the
        validated graph stay; MediaPipe re-opens the graph's calculators, which rebuild their TFLite
        interpreters from the model bytes). Nothing happens when no frame was processed since the last
        start. Without it a clip would inherit the previous clip's visibility smoothing (measured: up to
        0.28 on its first frame, fading over ~40 frames), so its result would depend on which clip ran before.
        """
        if self._pose is None:
            raise RuntimeError("this PoseEstimator is closed")
        if self._used:
            self._pose.reset()
            self._used = False

    def close(self) -> None:
        if self._pose is not None:
            self._pose.close()
            self._pose = None

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ModelCache:
    """Pose estimators kept for the life of a process (a batch worker): built once per mode, lent to one
    stream at a time and kept when it ends.

    A tracking estimator is :meth:`~PoseEstimator.restart`-ed when it is lent again, so a clip's landmarks
    are the same as with a new estimator; a photo (static) estimator keeps no state between images. A
    MediaPipe graph serves one stream at a time, so two streams at once (threads) get two estimators.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: dict[tuple[bool, bool], list[PoseEstimator]] = {}
        self._all: list[PoseEstimator] = []

    def take(self, static: bool, segmentation: bool = False) -> PoseEstimator:
        """An estimator of the mode for one stream, started afresh; hand it back with :meth:`give_back`."""
        with self._lock:
            free = self._free.get((bool(static), bool(segmentation)))
            est = free.pop() if free else None
        if est is None:
            est = PoseEstimator(static=static, segmentation=segmentation, max_side=None)
            with self._lock:
                self._all.append(est)
        est.restart()
        return est

    def give_back(self, est: PoseEstimator) -> None:
        with self._lock:
            self._free.setdefault((est.static, est.segmentation), []).append(est)

    @contextmanager
    def lease(self, static: bool, segmentation: bool = False) -> Iterator[PoseEstimator]:
        """``with cache.lease(static, segmentation) as est:`` one stream through a kept estimator."""
        est = self.take(static, segmentation)
        try:
            yield est
        finally:
            self.give_back(est)

    def __len__(self) -> int:
        """How many estimators were built."""
        return len(self._all)

    def close(self) -> None:
        """Close every estimator (none may be lent out)."""
        with self._lock:
            models, self._all, self._free = self._all, [], {}
        for est in models:
            est.close()


_process_models: ModelCache | None = None


def process_models() -> ModelCache:
    """The models of this process (one :class:`ModelCache`, made on first use): what a batch worker keeps
    between clips."""
    global _process_models
    with _switch_lock:
        if _process_models is None:
            _process_models = ModelCache()
        return _process_models
