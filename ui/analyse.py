"""Run the pipeline for the app: in a private temporary folder that is deleted afterwards (also on an
error), keeping in memory only what the page shows and offers for download. An upload is streamed to that
folder in chunks (never copied whole in memory), and one file is analysed once at a time however many
sessions open it (:meth:`ResultCache.get_or_compute`). No Streamlit here.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

import numpy as np

from privacy.files import private_tempdir
from ui.results import best_frame_index, measured_frame, refused_frame, safe_filename
from vision.sequence import PoseSequence

Progress = Callable[[int, "int | None"], None]


@dataclass
class Result:
    """One analysed file, held in memory (the temporary folder it was made in is gone)."""

    name: str  # file name as the user knows it
    stem: str  # base for download names
    kind: str  # "video" or "photo"
    summary: dict
    problems: list[str]
    sequence: PoseSequence
    summary_json: bytes
    track_npz: bytes
    annotated: bytes | None  # H.264 mp4 (video) or png (photo); None when nothing could be drawn
    key_frame: np.ndarray | None  # RGB, the annotated key frame (a movement test: where it measured; else where
    # the body is seen best, or the first)
    key_index: int | None  # its position in the track; None when no frame has a person
    key_note: str | None = None  # what happened in the key frame (a movement test's measured peak), if chosen so
    check: str = "standing_side"  # the check (ui.checks.CHECKS) it was analysed as
    assessment: dict | None = None  # standing assessment or movement-test result (with the plan for no intake)
    assessment_json: bytes | None = None
    keyframe_png: bytes | None = None  # the assessment's key frame (plumb line, angle arcs, back contour)
    seconds: float = 0.0  # wall time from the file to the result
    _csv: bytes | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def key_time(self) -> float | None:
        return None if self.key_index is None else float(self.sequence.timestamps[self.key_index])

    def csv_bytes(self) -> bytes:
        """The landmark CSV (one row per frame and landmark), made on first request and kept."""
        with self._lock:
            if self._csv is None:
                with private_tempdir("posture-csv-") as tmp:
                    self._csv = self.sequence.to_csv(Path(tmp) / "track.csv").read_bytes()
            return self._csv


def sha256_upload(f: BinaryIO) -> str:
    """SHA-256 of an uploaded file (a ``BytesIO`` such as Streamlit's ``UploadedFile``) without copying it."""
    if hasattr(f, "getbuffer"):
        with f.getbuffer() as view:
            return hashlib.sha256(view).hexdigest()
    h = hashlib.sha256()
    f.seek(0)
    while block := f.read(1 << 20):
        h.update(block)
    return h.hexdigest()


def video_frame(path: Path, index: int) -> np.ndarray | None:
    """Frame ``index`` (0-based, decode order) of a video as RGB; the last frame if it has fewer; None
    if it has none."""
    from vision.sources import VideoSource

    src = VideoSource(path)
    last = None
    try:
        for frame in src:
            last = frame.rgb
            if frame.index >= index:
                break
    finally:
        src.close()
    return last


def analyse_path(path: str | Path, *, progress: Progress | None = None, name: str | None = None,
                 check: str = "standing_side", leg: str | None = None) -> Result:
    """Analyse a video or photo with :func:`capture.analyze.analyze_file` into a temporary folder and
    return everything the page needs in memory.

    ``name`` is the file name shown and stored in the outputs instead of ``path`` (for uploads, whose
    temporary path means nothing to the user). ``check`` (a key of :data:`ui.checks.CHECKS`) picks the
    standing assessment (with the view it wants) or the movement test (``leg``: its tested leg as the user
    states it, see :func:`analysis.movement.run_movement_test`); the silhouette is always computed
    (the pelvic-tilt estimate and the spinal curve need it).

    Raises
    ------
    vision.errors.InputError
        When the file cannot be analysed (its message is one plain line for the user).
    """
    from ui.checks import get
    from capture.analyze import analyze_file

    ck = get(check)
    path = Path(path)
    t0 = time.perf_counter()
    with private_tempdir("posture-app-") as tmp:
        # the user's file name, and no temporary path, in what is shown and downloaded
        analysis = analyze_file(path, Path(tmp) / "out", annotate=True, csv=False, progress=progress, display_name=name,
                                segmentation=True, want_view=ck.want if ck.is_standing else "any", test=ck.test,
                                leg=leg)
        summary, seq = analysis.summary, analysis.sequence
        track_npz = Path(analysis.outputs["track"]).read_bytes()
        summary_json = json.dumps(summary, indent=2).encode()
        kind = "photo" if summary["source"]["kind"] == "image" else "video"
        which = "assessment" if "assessment" in analysis.outputs else "movement"
        # a movement test shows the frame it measured at, or the one its refusal was read from; otherwise the
        # frame where the body is seen best
        measured = measured_frame(analysis.assessment) or refused_frame(analysis.assessment) \
            if which == "movement" else None
        key_index, key_note = measured or (best_frame_index(seq.visibility, seq.detected), None)
        annotated = key_frame = None
        if "annotated" in analysis.outputs:
            ann = Path(analysis.outputs["annotated"])
            annotated = ann.read_bytes()
            if kind == "photo":
                from PIL import Image

                with Image.open(ann) as im:
                    key_frame = np.asarray(im.convert("RGB"))
            else:
                key_frame = video_frame(ann, key_index or 0)
        keyframe_png = Path(analysis.outputs["keyframe"]).read_bytes() if "keyframe" in analysis.outputs else None
        assessment_json = Path(analysis.outputs[which]).read_bytes() if which in analysis.outputs else None
    if keyframe_png is not None:
        import io

        from PIL import Image

        with Image.open(io.BytesIO(keyframe_png)) as im:
            key_frame = np.asarray(im.convert("RGB"))
    shown = name or path.name
    return Result(name=shown, stem=Path(safe_filename(shown)).stem, kind=kind, summary=summary,
                  problems=list(analysis.problems), sequence=seq, summary_json=summary_json, track_npz=track_npz,
                  annotated=annotated, key_frame=key_frame, key_index=key_index, key_note=key_note, check=check,
                  assessment=analysis.assessment, assessment_json=assessment_json, keyframe_png=keyframe_png,
                  seconds=time.perf_counter() - t0)


def save_upload(data: bytes | BinaryIO, dest: Path) -> Path:
    """Write an upload (bytes, or a file object streamed in 1 MB chunks from its start) to ``dest``."""
    with open(dest, "wb") as f:
        if isinstance(data, (bytes, bytearray, memoryview)):
            f.write(data)
        else:
            data.seek(0)
            shutil.copyfileobj(data, f, 1 << 20)
    return dest


def analyse_upload(name: str, data: bytes | BinaryIO, *, progress: Progress | None = None,
                   check: str = "standing_side", leg: str | None = None) -> Result:
    """Stream an uploaded file into a private temporary folder (deleted afterwards) and analyse it."""
    with private_tempdir("posture-upload-") as tmp:
        path = save_upload(data, Path(tmp) / safe_filename(name))
        return analyse_path(path, progress=progress, name=Path(name.replace("\\", "/")).name, check=check, leg=leg)


def analyse_capture(capture, *, progress: Progress | None = None, check: str = "standing_side",
                    name: str = "webcam capture.mp4", leg: str | None = None) -> Result:
    """Analyse the frames kept by the live webcam check (:class:`ui.live.Capture`) with the full pipeline
    (silhouette, steadiest window, assessment), through a temporary in-memory clip."""
    from ui.live import write_capture

    with private_tempdir("posture-live-") as tmp:
        path = Path(tmp) / "capture.mp4"
        write_capture(capture, path)
        return analyse_path(path, progress=progress, name=name, check=check, leg=leg)


class ResultCache:
    """A small thread-safe least-recently-used store of results, keyed on the file's SHA-256 (and name),
    so reruns of the page (every widget click) do not analyse the same file again, and sessions asking for
    the same key at once wait for one analysis instead of each running their own."""

    def __init__(self, max_entries: int = 4) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[tuple, Result] = OrderedDict()
        self._lock = threading.Lock()
        self._running: dict[tuple, threading.Lock] = {}

    def get_or_compute(self, key: tuple, compute: Callable[[], Result]) -> Result:
        """The result for ``key``, computed by ``compute()`` only if no other thread has it or is computing
        it (then this one waits for that result). An error is raised to the thread that computed."""
        with self._lock:
            running = self._running.setdefault(key, threading.Lock())
        with running:
            got = self.get(key)
            if got is not None:
                return got
            try:
                result = compute()
                self.put(key, result)
                return result
            finally:
                with self._lock:
                    if self._running.get(key) is running:
                        del self._running[key]

    def get(self, key: tuple) -> Result | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key: tuple, result: Result) -> None:
        with self._lock:
            self._items[key] = result
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
