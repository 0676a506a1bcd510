"""From a file to a landmark track and its outputs: the streaming pipeline behind ``posture analyze``.

Frames are decoded and scaled once for the model in a read-ahead thread (:class:`Prefetch`), passed to one
MediaPipe estimator (tracking mode for clips, static mode for photos) in the calling thread, and their
silhouette outlines traced in a worker thread; the annotated clip is drawn and H.264-encoded in the
writer's thread (:class:`VideoWriter`). On a 2-core machine the model keeps one core to itself and the
rest shares the other (``benchmarks/bench_speed.py`` measures each stage). One frame at a time flows
through, so memory stays flat however long the clip is.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

import numpy as np

from analysis.advice import build_plan
from analysis.assessment import assess_standing
from analysis.causation import normalize_findings
from analysis.movement import run_movement_test
from analysis.summary import track_summary
from vision.contour import empty_outline, outline_from_result
from vision.drawing import draw_side_assessment, draw_skeleton, put_label
from vision.errors import InputError
from vision.estimator import DEFAULT_MAX_SIDE, MODEL_COMPLEXITY, MODEL_NAME, PoseEstimator, mediapipe_version, scale_for_model
from vision.people import PeopleProbe
from vision.sequence import PoseSequence, SequenceBuilder
from vision.sources import ImageSource, VideoSource, open_source, read_frame

PEOPLE_PROBE_EVERY_S = 5.0  # look for a second person this often when a clip's length is unknown (seconds)
STILL_MOTION = 0.004  # engineering choice: hips and shoulders moved less than this share of the body height
PEOPLE_PROBE_MAX = 4  # each probe is one extra model call, in a helper thread (the first also loads a second model)
MIN_PERSON_FRACTION = 0.8  # engineering choice: below this share of frames with a person, say so

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


def model_info(static: bool, segmentation: bool, max_side: int | None) -> dict:
    return {"name": MODEL_NAME, "mediapipe": mediapipe_version(), "model_complexity": MODEL_COMPLEXITY,
            "mode": "static" if static else "tracking", "segmentation": segmentation, "max_side": max_side}


def track(
    source: ImageSource | VideoSource,
    *,
    segmentation: bool = False,
    max_side: int | None = DEFAULT_MAX_SIDE,
    probe_people: bool = True,
    on_frame: Callable[[np.ndarray, object], None] | None = None,
    progress: Progress | None = None,
    still_stride: int = 1,
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

    Returns
    -------
    Tracked
        Every frame read is in the track, also when reading stopped early at damage (see
        ``sequence.source.stopped_early``).
    """
    static = isinstance(source, ImageSource)
    builder = SequenceBuilder()
    probe = PeopleProbe(max_side=None) if probe_people else None
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
        with PoseEstimator(static=static, segmentation=segmentation, max_side=None) as est:
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
                res = est.process(small)
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
    seq = builder.build(source.info, model_info(static, segmentation, max_side))
    return Tracked(seq, sorted(probe.seen_at) if probe else [], probe.probed if probe else 0, time.perf_counter() - t0)


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
class Analysis:
    """What ``posture analyze`` produced: the summary, the files written and the problems found."""

    summary: dict
    outputs: dict[str, str]
    problems: list[str]
    sequence: PoseSequence
    assessment: dict | None = None


def problems_of(summary: dict, tracked: Tracked) -> list[str]:
    """One plain sentence per problem a user can act on."""
    out = []
    src = tracked.sequence.source
    if src.stopped_early:
        out.append(f"{src.name}: {src.stopped_early}. The {src.frames_read} frames before it were analysed and saved; "
                   "copy or export the video again for the rest.")
    if summary["frames"] and summary["frames_with_person"] == 0:
        out.append(f"No person was found in any of the {summary['frames']} frames. Film one person, whole body, "
                   "in good light, facing or side-on to the camera.")
    elif summary["person_fraction"] < MIN_PERSON_FRACTION:
        out.append(f"A person was found in only {summary['person_fraction']:.0%} of the frames: keep the whole body "
                   "in view for the whole recording (measurements use only the frames with a person).")
    if summary["frames_with_person"] and summary["framing"]["missing"]:
        missing = ", ".join(summary["framing"]["missing"])
        out.append(f"The person is only partly in the picture ({missing} not seen): {summary['framing']['advice']}.")
    if tracked.several_people_at:
        at = ", ".join(f"{t:.1f} s" for t in tracked.several_people_at[:3])
        out.append(f"Several people are in the picture (at {at}): the pose model follows only one of them. "
                   "Film one person at a time, with nobody else in view.")
    return out


def analyze_file(
    path: str | Path,
    out_dir: str | Path,
    *,
    annotate: bool = True,
    csv: bool = False,
    segmentation: bool = True,
    max_side: int | None = DEFAULT_MAX_SIDE,
    progress: Progress | None = None,
    display_name: str | None = None,
    assess: bool = True,
    height_cm: float | None = None,
    want_view: str = "any",
    calibration: tuple[float, str] | None = None,
    intake=None,
    role: str = "client",
    test: str | None = None,
    still_stride: int = 1,
) -> Analysis:
    """Track a video or photo and write its outputs to ``out_dir``.

    Writes ``<stem>.pose.npz`` (the track, see :mod:`vision.sequence`), ``<stem>.summary.json``,
    ``<stem>.annotated.mp4`` or ``.png`` (the skeleton drawn on the frames, at the model's resolution)
    unless ``annotate`` is False, and ``<stem>.landmarks.csv`` when ``csv`` is True. Outputs are written
    also when reading stopped early or no person was found, so nothing computed is lost.
    ``display_name`` replaces the file's name and path in the outputs and messages (e.g. an upload's
    original name instead of its temporary path).

    With ``assess`` (the default) the standing-posture assessment (:func:`analysis.assessment.assess_standing`,
    with ``height_cm``, ``want_view`` and a stored ``calibration``) is written to ``<stem>.assessment.json``
    and its key frame, annotated with the plumb line, angle arcs and back contour, to ``<stem>.keyframe.png``;
    its failed capture checks join the problems. The silhouette it needs comes from ``segmentation``.
    The assessment carries the advice plan (:func:`analysis.advice.build_plan` for ``intake`` and ``role``)
    under ``"plan"``; without an intake the plan asks for the safety questions first.
    With ``test`` (a movement test kind, see :func:`analysis.movement.run_movement_test`) the clip is
    analysed as that test instead of standing posture, written to ``<stem>.movement.json``, and the
    plan is built from its findings. ``still_stride`` > 1 analyses fewer frames while the person stands
    still (see :func:`track`).

    Raises
    ------
    InputError
        When the file cannot be opened as an image or video at all.
    """
    source = open_source(path, max_side)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if display_name:
        source.info.name = source.info.path = display_name
    stem = Path(path).name.split(".")[0] or "input"
    outputs: dict[str, str] = {}
    is_image = isinstance(source, ImageSource)
    writer = None if (is_image or not annotate) else VideoWriter(out / f"{stem}.annotated.mp4", source.info.fps or 30.0,
                                                                 render=_annotated_frame)
    last_drawn: list[np.ndarray] = []

    def draw(small: np.ndarray, res) -> None:
        if writer:  # drawn in the writer's thread; the frame is not used again here
            writer.write((small, res))
        else:
            last_drawn[:] = [_annotated_frame((small, res))]

    try:
        tracked = track(source, segmentation=segmentation, max_side=max_side,
                        on_frame=draw if annotate else None, progress=progress, still_stride=still_stride)
    finally:
        source.close()
        if writer:
            writer.close()
    if writer and writer.path.exists():
        outputs["annotated"] = str(writer.path)
    if last_drawn:
        import cv2

        p = out / f"{stem}.annotated.png"
        cv2.imwrite(str(p), cv2.cvtColor(last_drawn[0], cv2.COLOR_RGB2BGR))
        outputs["annotated"] = str(p)
    seq = tracked.sequence
    if len(seq) == 0:
        raise InputError(f"{source.info.name}: {source.info.stopped_early or 'no frames could be read'}. "
                         "Copy or export the video again; nothing was written.")
    outputs["track"] = str(seq.save(out / f"{stem}.pose.npz"))
    if csv:
        outputs["csv"] = str(seq.to_csv(out / f"{stem}.landmarks.csv"))
    summary = track_summary(seq.landmarks, seq.visibility, seq.world)
    summary["several_people_at_s"] = tracked.several_people_at
    summary["processing"] = {"seconds": round(tracked.seconds, 3),
                             "fps": round(len(seq) / tracked.seconds, 2) if tracked.seconds else None}
    summary["source"] = asdict(seq.source)
    summary["model"] = seq.model
    problems = problems_of(summary, tracked)
    assessment = None
    if test and summary["frames_with_person"]:
        assessment = run_movement_test(test, seq.timestamps, seq.pixels, seq.visibility, outline=seq.outline,
                                       world=seq.world, landmarks=seq.landmarks, image_size=seq.image_size)
        problems += assessment["problems"]
        assessment["plan"] = build_plan(intake, normalize_findings(assessment), role)
        p = out / f"{stem}.movement.json"
        p.write_text(json.dumps(assessment, indent=2))
        outputs["movement"] = str(p)
    elif assess and summary["frames_with_person"]:
        assessment = assess_standing(seq.pixels, seq.visibility, seq.world, seq.image_size,
                                     None if is_image else seq.timestamps, seq.outline, height_cm=height_cm,
                                     want=want_view, calibration=calibration)
        problems += [f"{c['reason']}: {c['advice']}" for c in assessment["checks"]
                     if not c["passed"] and c["name"] != "whole_body"]  # framing is reported already
        assessment["plan"] = build_plan(intake, assessment, role)
        p = out / f"{stem}.assessment.json"
        p.write_text(json.dumps(assessment, indent=2))
        outputs["assessment"] = str(p)
        if annotate and assessment["key_frame"] is not None:
            p = out / f"{stem}.keyframe.png"
            _write_key_frame(p, path, seq, assessment)
            outputs["keyframe"] = str(p)
    summary["problems"] = problems
    p = out / f"{stem}.summary.json"
    p.write_text(json.dumps(summary, indent=2))
    outputs["summary"] = str(p)
    return Analysis(summary, outputs, problems, seq, assessment)


def _annotated_frame(item: tuple[np.ndarray, object]) -> np.ndarray:
    """The frame the model saw with its skeleton drawn on it (in place unless read-only), labelled when
    nobody was found."""
    small, res = item
    img = draw_skeleton(small, res.landmarks[:, :2] * np.array(small.shape[1::-1], np.float32), res.visibility,
                        copy=not small.flags.writeable)
    if not res.found:
        put_label(img, "no person found")
    return img


def _write_key_frame(dest: Path, path: str | Path, seq: PoseSequence, assessment: dict) -> None:
    """Draw the assessment's key frame (full resolution) with its overlays and save it as a PNG."""
    import cv2

    k = assessment["key_frame"]
    rgb = read_frame(path, int(seq.frame_index[k]), float(seq.timestamps[k]))
    view = assessment["view"]["label"]
    if view in ("left side", "right side"):
        edge = (assessment.get("spinal_curve") or {}).get("key_frame_back_edge_px")
        edge = None if edge is None else np.array(edge, dtype=float)
        img = draw_side_assessment(rgb, seq.pixels[k], seq.visibility[k], assessment["view"]["facing"], edge)
    else:
        img = draw_skeleton(rgb, seq.pixels[k], seq.visibility[k])
    cv2.imwrite(str(dest), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))


def calibrate_tilt(path: str | Path, asis_xy: tuple[float, float], psis_xy: tuple[float, float],
                   frame_index: int = 0, max_side: int | None = DEFAULT_MAX_SIDE) -> dict:
    """Compare a pelvic-tilt measurement from hand-marked ASIS and PSIS with the silhouette estimate.

    Parameters
    ----------
    path
        The photo or clip the marks were made on.
    asis_xy, psis_xy : (float, float)
        The marked anterior and posterior superior iliac spines, in that frame's pixels (x right, y down).
    frame_index : int
        Which frame of a clip was marked (0 for a photo).

    Returns
    -------
    dict
        ``measured_deg`` (the clinical definition: ASIS-PSIS line to horizontal, + = anterior),
        ``estimated_deg`` (silhouette estimate on the same frame) and ``offset_deg`` (measured minus
        estimated, to add to this person's later estimates).

    Raises
    ------
    InputError
        When the file cannot be read, has no such frame, or the estimate cannot be made on that frame.
    """
    from analysis.pelvis import calibration_offset, estimate_pelvic_tilt, tilt_from_asis_psis

    source = open_source(path)
    try:
        seq = track(source, segmentation=True, max_side=max_side, probe_people=False).sequence
    finally:
        source.close()
    hits = np.flatnonzero(seq.frame_index == frame_index)
    if len(hits) == 0:
        raise InputError(f"{Path(path).name} has no frame {frame_index} (it has {len(seq)}): give the frame you marked.")
    k = int(hits[0])
    outline = seq.outline[k] if seq.outline is not None and np.isfinite(seq.outline[k]).all() else None
    est = estimate_pelvic_tilt(outline, seq.pixels[k], seq.visibility[k])
    if est.value is None:
        raise InputError(f"No tilt estimate on frame {frame_index} to calibrate against: {est.reason}.")
    measured = float(tilt_from_asis_psis(asis_xy, psis_xy))
    return {"measured_deg": measured, "estimated_deg": float(est.value),
            "offset_deg": calibration_offset(measured, est.value), "frame_index": frame_index}
