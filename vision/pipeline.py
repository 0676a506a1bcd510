"""From a frame source to a landmark track: the streaming pipeline under :func:`capture.analyze.analyze_file`.

Frames are decoded and scaled once for the model in a read-ahead thread (:class:`Prefetch`), passed to one
MediaPipe estimator (tracking mode for clips, static mode for photos) in the calling thread, and their
silhouette outlines traced in a worker thread; the annotated clip is drawn and H.264-encoded in the
writer's thread (:class:`VideoWriter`). On a 2-core machine the model keeps one core to itself and the
rest shares the other (``benchmarks/bench_speed.py`` measures each stage). One frame at a time flows
through, so memory stays flat however long the clip is.
"""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

import numpy as np

from vision.contour import empty_outline, outline_from_result
from vision.estimator import (DEFAULT_MAX_SIDE, MODEL_COMPLEXITY, MODEL_NAME, ModelCache, PoseEstimator, mediapipe_version,
                              scale_for_model)
from vision.people import PeopleProbe, PeopleSeen
from vision.sequence import PoseSequence, SequenceBuilder
from vision.sources import AnimatedImageSource, ImageSource, VideoSource
from vision.turns import TURNS, turn_frame, unturn_result
from vision.variants import MIRRORED, VARIANTS, Variant, VariantPose, agreeing, find_on_variants
from vision.zoom import Box, crop_frame, uncrop_result

PEOPLE_PROBE_EVERY_S = 5.0  # look for a second person this often when a clip's length is unknown (seconds)
STILL_MOTION = 0.004  # engineering choice: hips and shoulders moved less than this share of the body height
PEOPLE_PROBE_MAX = 4  # each probe is one extra model call, in a helper thread (the first also loads a second model)

T = TypeVar("T")
Progress = Callable[[int, "int | None"], None]  # (frames done, frames expected or None)


class Prefetch(Iterator[T]):
    """Iterate ``items`` in a background thread that starts at once and runs ``depth`` items ahead
    (decoding overlaps the model, and the first frames are ready while the model loads).

    Exceptions raised by ``items`` are re-raised in the consumer. Memory is bounded by ``depth``.
    Call :meth:`close` when stopping early (iterating to the end closes it too).
    """

    _DONE = object()

    def __init__(self, items: Iterable[T], depth: int = 4) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, args=(items,), name="prefetch", daemon=True)
        self._thread.start()

    def _work(self, items: Iterable[T]) -> None:
        try:
            for item in items:
                if not self._put(item):
                    return
            self._put(self._DONE)
        except BaseException as e:  # handed to the consumer
            self._put(e)

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def __next__(self) -> T:
        if self._stop.is_set():
            raise StopIteration
        item = self._queue.get()
        if item is self._DONE:
            self.close()
            raise StopIteration
        if isinstance(item, BaseException):
            self.close()
            raise item
        return item

    def close(self) -> None:
        """Stop the background thread and wait for it."""
        self._stop.set()
        self._thread.join()


class VideoWriter:
    """Writes frames to an H.264 MP4 with PyAV in a background thread; sized to the first frame.

    ``render``, when given, turns each written item into the RGB frame in that thread too (drawing
    then overlaps the model instead of delaying it); without it items are RGB uint8 arrays. ``crf`` is
    x264's quality (lower = better and larger; 25 is plenty for an overlay to look at).
    """

    def __init__(self, path: Path, fps: float, depth: int = 8, render: Callable[[object], np.ndarray] | None = None,
                 crf: int = 25) -> None:
        self.path, self.fps, self.crf = path, fps, crf
        self._render = render
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="video-writer", daemon=True)
        self._thread.start()

    def write(self, item) -> None:
        if self._error:
            raise self._error
        self._queue.put(item)

    def _work(self) -> None:
        import av
        import cv2

        container = stream = None
        try:
            while (item := self._queue.get()) is not None:
                rgb = self._render(item) if self._render else item
                h, w = rgb.shape[:2]
                h2, w2 = h - h % 2, w - w % 2  # yuv420p needs even sizes
                if container is None:
                    container = av.open(str(self.path), "w")
                    stream = container.add_stream("libx264", rate=max(1, round(self.fps)),
                                                  options={"preset": "ultrafast", "crf": str(self.crf)})
                    stream.width, stream.height, stream.pix_fmt = w2, h2, "yuv420p"
                    # One encoding thread: x264's own threads would compete with the model for the 2 cores
                    # (measured: the model dropped from 41 to 33 fps beside a multi-threaded encoder, 40 with one).
                    stream.codec_context.thread_count = 1
                # colour conversion by OpenCV, which lets the model's thread run meanwhile (FFmpeg's holds the
                # interpreter lock: 2.3 ms a frame against 0.5 ms)
                yuv = cv2.cvtColor(np.ascontiguousarray(rgb[:h2, :w2]), cv2.COLOR_RGB2YUV_I420)
                frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
                container.mux(stream.encode(frame))
        except BaseException as e:
            self._error = e
            while self._queue.get() is not None:  # keep draining so the producer never blocks
                pass
        finally:
            if container is not None:
                if self._error is None:
                    container.mux(stream.encode())
                container.close()

    def close(self) -> None:
        """Flush and close the file; re-raises an encoding error, if any."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error:
            raise self._error


@dataclass
class Tracked:
    """A landmark track and what was noticed while making it."""

    sequence: PoseSequence
    several_people_at: list[float] = field(default_factory=list)  # timestamps (s)
    people_probes: int = 0
    seconds: float = 0.0  # wall time spent
    people: list[PeopleSeen] = field(default_factory=list)  # what each people probe saw, in time order


def model_info(static: bool, segmentation: bool, max_side: int | None, variant: str | None = None) -> dict:
    info = {"name": MODEL_NAME, "mediapipe": mediapipe_version(), "model_complexity": MODEL_COMPLEXITY,
            "mode": "static" if static else "tracking", "segmentation": segmentation, "max_side": max_side}
    if variant:
        info["input_variant"] = variant  # the pose was found on this copy of the photo (vision.variants)
    return info


def track(
    source: ImageSource | VideoSource | AnimatedImageSource,
    *,
    segmentation: bool = False,
    max_side: int | None = DEFAULT_MAX_SIDE,
    probe_people: bool = True,
    on_frame: Callable[[np.ndarray, object], None] | None = None,
    progress: Progress | None = None,
    still_stride: int = 1,
    models: ModelCache | None = None,
    hide: Callable[[int, np.ndarray], None] | None = None,
    turn: int = 0,
    crop: Box | None = None,
) -> Tracked:
    """Run the pose model over every frame of ``source``.

    Parameters
    ----------
    source
        An opened :class:`ImageSource` or :class:`VideoSource` (closed by the caller).
    segmentation : bool
        Also run the model's person segmentation and store each frame's silhouette outline in the track
        (:mod:`vision.contour`; needed for the pelvic-tilt estimate and the spinal curve).
    max_side : int or None
        Frames are scaled down to this longer side before the model; landmarks are normalised, so they
        hold for the original frame too.
    probe_people : bool
        Look for a second person at :data:`PEOPLE_PROBE_MAX` moments spread from the first frame with a
        person to the end of the clip (every :data:`PEOPLE_PROBE_EVERY_S` seconds when the length is
        unknown; see :mod:`vision.people`).
    on_frame : callable, optional
        Called as ``on_frame(model_rgb, result)`` with the scaled frame the model saw and its
        :class:`~vision.estimator.PoseResult`, e.g. to draw and write an annotated video.
    progress : callable, optional
        Called as ``progress(frames_done, frames_expected_or_None)``.
    still_stride : int
        While the person stands still (hips and shoulders moved less than :data:`STILL_MOTION` of the
        body height since the last analysed frame), analyse only every ``still_stride``-th frame; any
        movement brings back every frame. 1 (the default) analyses every frame. Skipped frames are
        decoded but not in the track (its ``frame_index`` says which frames are).
    models : ModelCache, optional
        Take the estimators from this cache (built once, restarted for this stream, left open: a batch
        worker's models) instead of building new ones for this source; the landmarks are the same.
    hide : callable, optional
        Called as ``hide(frame_index, model_rgb)`` before the model sees each frame, to paint out in place
        someone the model is not to follow (e.g. :func:`vision.people.hide_upper_body`).
    turn : int
        Show the model each frame turned this many quarters clockwise (1 or 3; 0, the default, as it is) and map
        its poses back to the frame (:mod:`vision.turns`): a person lying side-on stands upright in the turned
        frame, where the model finds them far more often. The track, outlines and ``on_frame`` are in the
        frame's own coordinates.
    crop : Box, optional
        Show the model only this part of each frame (fractions of its width and height, :mod:`vision.zoom`: a
        person filmed small, found by :func:`vision.zoom.person_region`) and map its poses back to the frame. The
        track, outlines, people probes and ``on_frame`` are in the frame's own coordinates.

    Returns
    -------
    Tracked
        Every frame read is in the track, also when reading stopped early at damage (see
        ``sequence.source.stopped_early``).
    """
    static = isinstance(source, ImageSource)
    builder = SequenceBuilder()
    probe = PeopleProbe(max_side=None, models=models) if probe_people else None
    next_probe = 0.0
    duration = source.info.duration_s
    probe_every = max(1.0, 0.98 * duration / (PEOPLE_PROBE_MAX - 1)) if duration else PEOPLE_PROBE_EVERY_S
    t0 = time.perf_counter()
    expected = source.info.frame_count
    frames = Prefetch(source)  # decoding starts while the model loads
    # Outlines are traced and people probes run in a helper thread, beside the model (OpenCV and
    # MediaPipe let other threads run meanwhile).
    helper = ThreadPoolExecutor(1, "track-helper")
    probed: list = []
    try:
        with (models.lease(static, segmentation) if models is not None
              else PoseEstimator(static=static, segmentation=segmentation, max_side=None)) as est:
            last, last_res, skipped = None, None, 0
            for frame in frames:
                if last is not None and skipped < still_stride - 1:
                    skipped += 1
                    if on_frame:  # keep the annotated video whole: the last analysed pose stands in
                        on_frame(scale_for_model(frame.rgb, max_side)[0], last_res)
                    if progress:
                        progress(frame.index + 1, expected)
                    continue
                small, _ = scale_for_model(frame.rgb, max_side)  # a no-op when the source scaled already
                if hide is not None:
                    small = small.copy()  # the decoded frame may be shared
                    hide(frame.index, small)
                view = small if crop is None else crop_frame(small, crop)
                res = unturn_result(est.process(turn_frame(view, turn)), turn)  # turn 0: as it is
                if crop is not None:
                    res = uncrop_result(res, crop, (small.shape[1], small.shape[0]))
                w, h = frame.size
                outline = helper.submit(_outline_in_frame, res, small.shape[1] / w) if segmentation else None
                builder.append(frame.index, frame.timestamp, res, (w, h), outline)
                if still_stride > 1:
                    still = last is not None and res.found and _moved(last, res.landmarks) < STILL_MOTION
                    last, last_res = (res.landmarks if res.found else None), res
                    skipped = 0 if still else still_stride
                if probe and res.found and frame.timestamp >= next_probe and len(probed) < PEOPLE_PROBE_MAX:
                    # in the helper thread, on a copy (the writer draws on ``small``)
                    probed.append(helper.submit(probe.check, small.copy(), res, frame.timestamp))
                    next_probe = frame.timestamp + probe_every
                if on_frame:
                    on_frame(small, res)
                if progress:
                    progress(frame.index + 1, expected)
    finally:
        frames.close()
        helper.shutdown()
        if probe:
            probe.close()
    for f in probed:
        f.result()  # re-raises a failed probe's error
    info = model_info(static, segmentation, max_side)
    if turn % 4:
        info["input_turn"] = TURNS[turn % 4]
    if crop is not None:
        info["input_crop"] = [round(float(c), 4) for c in crop]
    seq = builder.build(source.info, info)
    return Tracked(seq, sorted(probe.seen_at) if probe else [], probe.probed if probe else 0, time.perf_counter() - t0,
                   sorted(probe.seen, key=lambda s: s.timestamp) if probe else [])


def _outline_in_frame(res, scale: float) -> np.ndarray:
    """The person's outline in the source frame's pixels (``scale``: model frame / source frame), or the
    empty outline when there is none."""
    outline = outline_from_result(res) if res.found else None
    return empty_outline() if outline is None else outline / np.float32(scale)


def _moved(before: np.ndarray, after: np.ndarray) -> float:
    """Largest shift of the shoulders and hips between two frames, as a share of the body's height."""
    core = [11, 12, 23, 24]
    height = np.nanmax(after[:, 1]) - np.nanmin(after[:, 1])
    return float(np.nanmax(np.abs(after[core, :2] - before[core, :2])) / height) if height > 0 else np.inf


@dataclass
class PhotoSearch:
    """What looking again for a person in a photo on its copies found (see :func:`search_photo`).

    Attributes
    ----------
    tried : list of (Variant, bool)
        Every copy tried, in order, and whether a person was found on it.
    agreeing : list of VariantPose
        The poses that several copies agree on (:func:`vision.variants.agreeing`), best first; empty
        when no two copies agree.
    source : ImageSource
        The photo.
    model_rgb : ndarray
        The photo as the model saw it (scaled to ``max_side``): the poses' pixels are in its frame.
    segmentation : bool
    max_side : int or None
    """

    tried: list[tuple[Variant, bool]]
    agreeing: list[VariantPose]
    source: ImageSource
    model_rgb: np.ndarray
    segmentation: bool
    max_side: int | None

    def tracked(self, pose: VariantPose, probe_people: bool = True) -> Tracked:
        """The one-frame track of ``pose`` in the photo's coordinates (landmarks, visibility, world
        landmarks and outline; the model info names the copy under ``"input_variant"``), with the people
        probe run on the photo itself."""
        t0 = time.perf_counter()
        frame = next(iter(self.source))
        scale = self.model_rgb.shape[1] / frame.size[0]
        outline = None
        if self.segmentation:
            outline = empty_outline() if pose.outline is None else pose.outline / np.float32(scale)
        builder = SequenceBuilder()
        builder.append(frame.index, frame.timestamp, pose.result, frame.size, outline)
        probe = PeopleProbe(max_side=None) if probe_people else None
        if probe:
            try:
                probe.check(self.model_rgb, pose.result, frame.timestamp)
            finally:
                probe.close()
        seq = builder.build(self.source.info, model_info(True, self.segmentation, self.max_side, pose.variant.name))
        return Tracked(seq, list(probe.seen_at) if probe else [], probe.probed if probe else 0,
                       time.perf_counter() - t0, list(probe.seen) if probe else [])


def reread_photo(source: ImageSource, *, max_side: int | None = DEFAULT_MAX_SIDE,
                 variants: tuple[Variant, ...] = MIRRORED) -> tuple[np.ndarray | None, np.ndarray | None,
                                                                    np.ndarray | None]:
    """A second reading of a photo: the pose model and its segmentation run on a copy of it, the first of
    ``variants`` that shows a person (by default its mirror image, else the mirror image on a padded canvas:
    :mod:`vision.variants`), mapped back to the photo. For the standing assessment's test-retest of an estimate
    read from the outline (:func:`analysis.pelvis.retest_pelvic_tilt`).

    Returns
    -------
    pixels (33, 2), visibility (33,), outline (K, 2) or None
        In the photo's own pixels (x right, y down), as a one-frame track of it holds them; ``(None, None, None)``
        when the copy shows nobody.
    """
    frame = next(iter(source))
    small, _ = scale_for_model(frame.rgb, max_side)
    with PoseEstimator(static=True, segmentation=True, max_side=None) as est:
        for v in variants:
            found = find_on_variants(small, est, (v,))[0]
            if isinstance(found, VariantPose):
                break
        else:
            return None, None, None
    size = np.asarray(frame.size, dtype=np.float64)
    pixels = np.asarray(found.result.landmarks, dtype=np.float64)[:, :2] * size
    scale = small.shape[1] / frame.size[0]
    outline = None if found.outline is None else np.asarray(found.outline, dtype=np.float64) / scale
    return pixels, np.asarray(found.result.visibility, dtype=np.float64), outline


def search_photo(source: ImageSource, *, segmentation: bool = False, max_side: int | None = DEFAULT_MAX_SIDE,
                 variants: tuple[Variant, ...] = VARIANTS) -> PhotoSearch:
    """Look again for the person in a photo on which :func:`track` found nobody, on every copy of
    :data:`vision.variants.VARIANTS` (padded, mirrored, scaled down): one model call per copy. The poses
    found are mapped back to the photo; those several copies agree on are the candidates."""
    frame = next(iter(source))
    small, _ = scale_for_model(frame.rgb, max_side)
    with PoseEstimator(static=True, segmentation=segmentation, max_side=None) as est:
        found = find_on_variants(small, est, variants)
    tried = [(f.variant, True) if isinstance(f, VariantPose) else (f, False) for f in found]
    return PhotoSearch(tried, agreeing([f for f in found if isinstance(f, VariantPose)]), source, small,
                       segmentation, max_side)
