"""The pose-sequence data model: a track of MediaPipe landmarks over time, with explicit gaps.

File format (``.pose.npz``)
---------------------------
A NumPy ``.npz`` archive (a zip of ``.npy`` arrays, readable with ``numpy.load``) holding:

==============  ================  =======  ==================================================
array           shape             dtype    meaning
==============  ================  =======  ==================================================
timestamps      (T,)              float64  seconds since the start of the stream
frame_index     (T,)              int64    0-based frame number in the source
landmarks       (T, 33, 3)        float32  normalised x (right), y (down), z (MediaPipe depth)
visibility      (T, 33)           float32  0..1, landmark visible and not occluded
world           (T, 33, 3)        float32  metres, origin at the hip midpoint, y down
image_size      (T, 2)            int32    frame width, height in pixels (upright)
outline         (T, K, 2)         float32  optional: the person's silhouette outline in pixels,
                                           K points evenly spaced (see :mod:`vision.contour`)
meta            ()                str      JSON: format version, source and model metadata
==============  ================  =======  ==================================================

Frames where no person was found are gaps: every landmark value there is NaN (never zeros).
Landmark order is :data:`vision.landmarks.LANDMARK_NAMES`. Values are stored exactly as the model
returned them (float32), so save/load is lossless.
"""

from __future__ import annotations

import csv
import json
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from vision.landmarks import LANDMARK_NAMES, N_LANDMARKS
from vision.sources import SourceInfo

FORMAT_NAME = "posture-pose-sequence"
FORMAT_VERSION = 1
_ARRAYS = ("timestamps", "frame_index", "landmarks", "visibility", "world", "image_size")


@dataclass
class PoseSequence:
    """Landmarks of one person over T frames (see the module docstring for units and axes)."""

    timestamps: np.ndarray
    frame_index: np.ndarray
    landmarks: np.ndarray
    visibility: np.ndarray
    world: np.ndarray
    image_size: np.ndarray
    source: SourceInfo = field(default_factory=lambda: SourceInfo(kind="unknown"))
    model: dict = field(default_factory=dict)
    outline: np.ndarray | None = None  # (T, K, 2) pixels, NaN where no silhouette was found

    def __post_init__(self) -> None:
        t = len(self.timestamps)
        expected = {
            "frame_index": (t,), "landmarks": (t, N_LANDMARKS, 3), "visibility": (t, N_LANDMARKS),
            "world": (t, N_LANDMARKS, 3), "image_size": (t, 2),
        }
        for name, shape in expected.items():
            got = np.shape(getattr(self, name))
            if got != shape:
                raise ValueError(f"PoseSequence.{name} has shape {got}, expected {shape}")
        if self.outline is not None and (self.outline.ndim != 3 or self.outline.shape[0] != t or self.outline.shape[2] != 2):
            raise ValueError(f"PoseSequence.outline has shape {self.outline.shape}, expected ({t}, K, 2)")

    def __len__(self) -> int:
        return len(self.timestamps)

    @property
    def detected(self) -> np.ndarray:
        """(T,) bool: a person was found in the frame."""
        return ~np.isnan(self.landmarks[:, 0, 0])

    @property
    def pixels(self) -> np.ndarray:
        """(T, 33, 2) float32 landmark positions in pixels of each upright frame (x right, y down)."""
        return self.landmarks[:, :, :2] * self.image_size[:, None, :].astype(np.float32)

    def save(self, path: str | Path) -> Path:
        """Write the sequence to ``path`` (``.pose.npz``; see the module docstring)."""
        path = Path(path)
        with open(path, "wb") as f:  # an open file keeps numpy from appending ".npz" to the name
            self._write(f)
        return path

    def to_bytes(self) -> bytes:
        """The ``.pose.npz`` file's bytes (as :meth:`save` writes them; :meth:`load` reads them from a ``BytesIO``)."""
        import io

        buf = io.BytesIO()
        self._write(buf)
        return buf.getvalue()

    def _write(self, f) -> None:
        meta = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "landmark_names": list(LANDMARK_NAMES),
                "source": asdict(self.source), "model": self.model}
        arrays = {k: getattr(self, k) for k in _ARRAYS}
        if self.outline is not None:
            arrays["outline"] = self.outline
        np.savez_compressed(f, meta=np.array(json.dumps(meta)), **arrays)

    def part(self, start: int, stop: int) -> "PoseSequence":
        """The track positions ``[start, stop)`` as a sequence of their own (e.g. one of the people in turn
        in a clip), with the same source and model."""
        sl = slice(start, stop)
        return PoseSequence(**{k: getattr(self, k)[sl] for k in _ARRAYS}, source=self.source, model=self.model,
                            outline=None if self.outline is None else self.outline[sl])

    @classmethod
    def load(cls, path: str | Path) -> "PoseSequence":
        """Read a sequence written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta.get("format") != FORMAT_NAME:
                raise ValueError(f"{path} is not a pose-sequence file")
            if meta.get("version", 0) > FORMAT_VERSION:
                raise ValueError(f"{path} was written by a newer version (format {meta['version']}); update the program")
            arrays = {k: z[k] for k in _ARRAYS}
            outline = z["outline"] if "outline" in z.files else None
        known = {f.name for f in fields(SourceInfo)}  # ignore fields of older or newer writers
        source = SourceInfo(**{k: v for k, v in meta["source"].items() if k in known})
        return cls(**arrays, source=source, model=meta["model"], outline=outline)

    def to_csv(self, path: str | Path) -> Path:
        """Write a tidy CSV: one row per frame and landmark; gap frames have empty value cells."""
        path = Path(path)
        px = self.pixels
        cols = ["frame_index", "time_s", "landmark_index", "landmark", "detected", "x_norm", "y_norm", "z_norm",
                "x_px", "y_px", "visibility", "world_x_m", "world_y_m", "world_z_m"]
        det = self.detected

        def cell(v: float) -> str:
            return "" if np.isnan(v) else repr(float(v))

        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for t in range(len(self)):
                vals = np.concatenate([self.landmarks[t], px[t], self.visibility[t][:, None], self.world[t]], axis=1)
                for j in range(N_LANDMARKS):
                    w.writerow([int(self.frame_index[t]), repr(float(self.timestamps[t])), j, LANDMARK_NAMES[j],
                                int(det[t]), *map(cell, vals[j])])
        return path


class SequenceBuilder:
    """Collects per-frame results into a :class:`PoseSequence` (memory grows ~1.5 kB per frame)."""

    def __init__(self) -> None:
        self._rows: dict[str, list] = {k: [] for k in _ARRAYS}
        self._outlines: list[np.ndarray | Future | None] = []
        self._settled = 0  # outlines before this index are arrays or None

    def __len__(self) -> int:
        return len(self._rows["timestamps"])

    def append(self, frame_index: int, timestamp: float, result, image_size: tuple[int, int],
               outline: np.ndarray | None = None) -> None:
        """Add one frame's :class:`vision.estimator.PoseResult` (gaps keep their NaNs).

        ``image_size`` is the (width, height) of the upright source frame, which may be larger than the
        frame the model saw; normalised coordinates are the same for both. ``outline`` is the frame's
        silhouette outline in that frame's pixels, (K, 2), when silhouettes are being collected, or a
        ``concurrent.futures.Future`` of it (traced in another thread; awaited in :meth:`build`).
        """
        self._outlines.append(outline)
        self._settle(wait=False)  # keep finished outlines' results, not their futures (memory on long clips)
        r = self._rows
        r["timestamps"].append(timestamp)
        r["frame_index"].append(frame_index)
        r["landmarks"].append(result.landmarks)
        r["visibility"].append(result.visibility)
        r["world"].append(result.world)
        r["image_size"].append(image_size)

    def build(self, source: SourceInfo, model: dict) -> PoseSequence:
        r, n = self._rows, N_LANDMARKS
        t = len(self)

        def stack(key, shape, dtype):
            return np.asarray(r[key], dtype=dtype).reshape(shape)

        return PoseSequence(
            timestamps=stack("timestamps", (t,), np.float64),
            frame_index=stack("frame_index", (t,), np.int64),
            landmarks=stack("landmarks", (t, n, 3), np.float32),
            visibility=stack("visibility", (t, n), np.float32),
            world=stack("world", (t, n, 3), np.float32),
            image_size=stack("image_size", (t, 2), np.int32),
            source=source,
            model=model,
            outline=self._stack_outlines(),
        )

    def _settle(self, wait: bool) -> None:
        """Replace outline futures by their results, in order: all of them (``wait``), or up to the first
        one still being traced."""
        while self._settled < len(self._outlines):
            o = self._outlines[self._settled]
            if isinstance(o, Future):
                if not (wait or o.done()):
                    return
                self._outlines[self._settled] = o.result()
            self._settled += 1

    def _stack_outlines(self) -> np.ndarray | None:
        self._settle(wait=True)
        shapes = {o.shape for o in self._outlines if o is not None}
        if not shapes:
            return None
        if len(shapes) > 1:
            raise ValueError(f"outlines of different sizes {sorted(shapes)}: use one number of points per track")
        (k, _), = shapes
        out = np.full((len(self._outlines), k, 2), np.nan, np.float32)
        for i, o in enumerate(self._outlines):
            if o is not None:
                out[i] = o
        return out
