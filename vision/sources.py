"""Frame sources: video files, still images and live frames, all yielding upright RGB frames.

Videos are decoded with PyAV (FFmpeg): timestamps come from each frame's presentation time in the
container (so variable-frame-rate phone clips keep their true timing) and the display-matrix rotation
that phones write is applied, so a portrait phone clip comes out upright. Stills are read with Pillow
(JPEG, PNG, ... and HEIC/HEIF through pillow-heif), with the EXIF orientation applied. An animated
image (GIF, animated PNG or WebP) with more than one frame is a clip (:class:`AnimatedImageSource`),
timed by its frame delays; with one frame it is a photo.
Frames are streamed one at a time; nothing holds a whole clip in memory.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from vision.errors import InputError
from vision.limits import MAX_PHOTO_PIXELS, check_clip, check_photo, stop_reason

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".heic", ".heif", ".gif"}
ANIMATED_FORMATS = {"GIF", "PNG", "WEBP"}  # Pillow formats whose extra frames are an animation (not HEIF's image sets)
# ms; browsers and FFmpeg's GIF reader show a frame delay under 20 ms (0 or 1 hundredth) as 100 ms
MIN_FRAME_DELAY_MS, DEFAULT_FRAME_DELAY_MS = 20, 100
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv", ".mpg", ".mpeg", ".y4m"}
TEXT_CODECS = {"ansi", "bintext", "xbin", "idf", "tty"}  # FFmpeg "plays" text files as ANSI art: not video


@dataclass
class Frame:
    """One upright frame.

    Attributes
    ----------
    index : int
        0-based position in decode order.
    timestamp : float
        Seconds since the start of the stream (container presentation time; 0 for a still).
    rgb : ndarray, shape (H, W, 3), uint8
        The picture, upright (rotation metadata already applied).
    """

    index: int
    timestamp: float
    rgb: np.ndarray
    original_size: tuple[int, int] | None = None  # upright (width, height) before any scaling; None = rgb's

    @property
    def size(self) -> tuple[int, int]:
        """Upright (width, height) of the source frame in pixels, before any scaling for the model."""
        return self.original_size or (self.rgb.shape[1], self.rgb.shape[0])


@dataclass
class SourceInfo:
    """What is known about a source before and while reading it (JSON-ready)."""

    kind: str  # "video", "image" or "live"
    name: str = ""
    path: str = ""
    sha256: str = ""
    size_bytes: int = 0
    width: int = 0  # upright frame size in pixels
    height: int = 0
    fps: float | None = None  # container's average frame rate
    duration_s: float | None = None  # container's duration, if it states one
    frame_count: int | None = None  # container's frame count, if it states one
    rotation_deg: int = 0  # clockwise rotation applied to make frames upright
    codec: str = ""
    frames_read: int = 0
    stopped_early: str | None = None  # why reading stopped before the end, if it did


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes, read in chunks (constant memory)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file. Check the name and folder, or give the full path.")
    if path.is_dir():
        raise InputError(f"{path} is a folder. Give a video (mp4, mov, avi, webm, mkv) or photo (jpg, png, heic) file.")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty (0 bytes). Copy or record the file again.")


def frame_rgb(frame, size: tuple[int, int] | None = None) -> np.ndarray:
    """An ``av.VideoFrame`` as an RGB uint8 array, scaled to ``size`` (width, height) when given.

    The common case (8-bit 4:2:0 in limited range, with even sides) is converted and scaled with OpenCV,
    which lets other Python threads run meanwhile; FFmpeg's converter (used for every other pixel format)
    holds the interpreter lock, and beside it the pose model ran 5-10 % slower (measured on this machine).
    Both use the BT.601 limited-range conversion.
    """
    limited = frame.color_range != 2  # AVCOL_RANGE_JPEG: full range (and yuvj420p is another format name)
    if frame.format.name == "yuv420p" and limited and frame.width % 2 == 0 and frame.height % 2 == 0:
        rgb = cv2.cvtColor(frame.to_ndarray(format="yuv420p"), cv2.COLOR_YUV2RGB_I420)
        return rgb if size is None else cv2.resize(rgb, size, interpolation=cv2.INTER_LINEAR)
    if size is None:
        return frame.to_ndarray(format="rgb24")
    return frame.to_ndarray(format="rgb24", width=size[0], height=size[1], interpolation="BILINEAR")


def upright(rgb: np.ndarray, rotation_deg: int) -> np.ndarray:
    """Rotate a frame clockwise by ``rotation_deg`` (a multiple of 90) to make it upright."""
    k = (-rotation_deg // 90) % 4  # np.rot90 turns counter-clockwise
    return np.ascontiguousarray(np.rot90(rgb, k)) if k else rgb


class ImageSource:
    """A still photo as a one-frame source (EXIF orientation applied; HEIC/HEIF supported)."""

    def __init__(self, path: str | Path) -> None:
        from PIL import Image, ImageOps, UnidentifiedImageError
        import pillow_heif

        pillow_heif.register_heif_opener()
        self.path = Path(path)
        _check_file(self.path)
        try:
            with warnings.catch_warnings():  # size is checked below, with advice, instead of PIL's warning
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                im = Image.open(self.path)
            with im:
                check_photo(self.path.name, im.width, im.height)  # from the header, before decoding
                exif_rot = {3: 180, 6: 90, 8: 270}.get(im.getexif().get(0x0112, 1), 0)
                im = ImageOps.exif_transpose(im)
                self._rgb = np.asarray(im.convert("RGB"))
        except Image.DecompressionBombError:
            raise InputError(
                f"{self.path.name} is larger than {MAX_PHOTO_PIXELS // 1_000_000} megapixels. "
                "Resize it (e.g. to 4000 px on the long side) and try again."
            ) from None
        except UnidentifiedImageError:
            raise InputError(f"{self.path.name} is not an image this program can read.") from None
        except (OSError, SyntaxError, ValueError) as e:
            raise InputError(
                f"{self.path.name} looks damaged or truncated ({e}). Export or copy the photo again."
            ) from None
        h, w = self._rgb.shape[:2]
        self.info = SourceInfo(
            kind="image", name=self.path.name, path=str(self.path.resolve()), sha256=file_sha256(self.path),
            size_bytes=self.path.stat().st_size, width=w, height=h, frame_count=1, rotation_deg=exif_rot,
            codec=self.path.suffix.lower().lstrip("."),
        )

    def __iter__(self) -> Iterator[Frame]:
        self.info.frames_read = 1
        yield Frame(0, 0.0, self._rgb)

    def close(self) -> None:
        pass


def _open_image(path: Path):
    """A Pillow image opened lazily (pixels not yet read), with a clear InputError when it cannot be."""
    from PIL import Image, UnidentifiedImageError
    import pillow_heif

    pillow_heif.register_heif_opener()
    try:
        with warnings.catch_warnings():  # size is checked by the caller, with advice, instead of PIL's warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(path)
    except UnidentifiedImageError:
        raise InputError(f"{path.name} is not an image this program can read.") from None
    except (OSError, SyntaxError, ValueError) as e:
        raise InputError(f"{path.name} looks damaged or truncated ({e}). Export or copy the photo again.") from None


def is_animated(path: str | Path) -> bool:
    """Whether ``path`` is an animated image (GIF, PNG or WebP) with more than one frame."""
    try:
        with _open_image(Path(path)) as im:
            return im.format in ANIMATED_FORMATS and bool(getattr(im, "is_animated", False))
    except Exception:  # unreadable or too large: ImageSource says so with advice
        return False


class AnimatedImageSource:
    """An animated GIF, PNG or WebP as a clip: every frame, timed by the delays stored with the frames.

    Frame ``i`` is shown at the sum of the delays of the frames before it (seconds from the first frame);
    a delay under :data:`MIN_FRAME_DELAY_MS` counts as :data:`DEFAULT_FRAME_DELAY_MS`, as browsers show it.
    Frames are composed by Pillow (disposal and transparency applied) and streamed one at a time; with
    ``max_side`` they are scaled down as in :class:`VideoSource`. Reading stops quietly at a damaged frame
    (see ``info.stopped_early``).
    """

    def __init__(self, path: str | Path, max_side: int | None = None) -> None:
        from PIL import Image

        self.path = Path(path)
        self.max_side = max_side
        _check_file(self.path)
        self._im = _open_image(self.path)
        im = self._im
        try:
            check_photo(self.path.name, im.width, im.height)  # each frame's size, from the header
        except InputError:
            im.close()
            raise
        self._delays: list[float] = []  # ms, per readable frame
        self._damage: str | None = None
        try:
            for i in range(getattr(im, "n_frames", 1)):
                im.seek(i)
                im.load()  # WebP states a frame's delay only once the frame is read
                ms = float(im.info.get("duration") or 0)
                self._delays.append(ms if ms >= MIN_FRAME_DELAY_MS else DEFAULT_FRAME_DELAY_MS)
        except (OSError, EOFError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
            self._damage = f"the animation is damaged or truncated: reading stopped after frame {len(self._delays)} ({e})"
        if not self._delays:
            im.close()
            raise InputError(f"{self.path.name} looks damaged or truncated. Export or copy it again.")
        n, total = len(self._delays), float(sum(self._delays)) / 1000.0
        self.info = SourceInfo(
            kind="video", name=self.path.name, path=str(self.path.resolve()), sha256=file_sha256(self.path),
            size_bytes=self.path.stat().st_size, width=im.width, height=im.height, fps=n / total,
            duration_s=total, frame_count=n, codec=(im.format or "").lower(),
        )

    def __iter__(self) -> Iterator[Frame]:
        ms, index = 0.0, 0
        try:
            for index, delay in enumerate(self._delays):
                t = ms / 1000.0
                self._im.seek(index)
                rgb = np.asarray(self._im.convert("RGB"))
                w, h = rgb.shape[1], rgb.shape[0]
                if self.max_side and max(w, h) > self.max_side:
                    s = self.max_side / max(w, h)
                    rgb = cv2.resize(rgb, (max(2, round(w * s)), max(2, round(h * s))), interpolation=cv2.INTER_AREA)
                self.info.frames_read = index + 1
                yield Frame(index, t, rgb, (w, h))
                ms += delay
        except (OSError, EOFError, SyntaxError, ValueError) as e:
            self.info.stopped_early = (f"the animation is damaged or truncated: reading stopped after frame {index} "
                                       f"({ms / 1000:.2f} s) ({e})")
            return
        if self._damage:
            self.info.stopped_early = self._damage

    def close(self) -> None:
        self._im.close()


class VideoSource:
    """A video file decoded frame by frame with container timestamps and rotation applied.

    With ``max_side``, frames larger than that are scaled down (aspect kept) in the same pass as the
    colour conversion, which is cheaper than scaling afterwards; :attr:`Frame.size` keeps the original size.

    Reading stops quietly at the first damaged packet of a corrupt or truncated file: every frame
    decoded before it is yielded, and :attr:`info.stopped_early <SourceInfo.stopped_early>` says where
    and why. Check it after iterating.
    """

    def __init__(self, path: str | Path, max_side: int | None = None) -> None:
        import av

        self.path = Path(path)
        self.max_side = max_side
        _check_file(self.path)
        try:
            self._container = av.open(str(self.path), metadata_errors="ignore")
        except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as e:
            raise InputError(
                f"{self.path.name} is not a video or photo this program can read, or it is damaged "
                f"({type(e).__name__}). Use an mp4, mov, avi, webm or mkv video, or a jpg, png or heic photo."
            ) from None
        if not self._container.streams.video:
            self._container.close()
            raise InputError(f"{self.path.name} has no video frames (no video track). Record or export the clip again.")
        if self._container.streams.video[0].codec_context.name in TEXT_CODECS:
            self._container.close()
            raise InputError(f"{self.path.name} is a text file, not a video or photo. "
                             "Use an mp4, mov, avi, webm or mkv video, or a jpg, png or heic photo.")
        self._stream = stream = self._container.streams.video[0]
        # One decoding thread: decoding runs beside the pose model (vision.pipeline.Prefetch) and more
        # threads only take cores from the model on a 2-core machine (measured: 0.91 against 0.86 of
        # the bare model's speed with FFmpeg's automatic threading).
        stream.codec_context.thread_count = 1
        cc = stream.codec_context
        rate = stream.average_rate or stream.guessed_rate
        duration = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif self._container.duration:
            duration = self._container.duration / 1_000_000
        self.info = SourceInfo(
            kind="video", name=self.path.name, path=str(self.path.resolve()), sha256=file_sha256(self.path),
            size_bytes=self.path.stat().st_size, width=cc.width, height=cc.height,
            fps=float(rate) if rate else None, duration_s=duration, frame_count=stream.frames or None,
            codec=cc.name,
        )
        self._start = stream.start_time or 0
        # AVI stores no presentation times (FFmpeg guesses them, wrongly with B-frames); it is constant-rate
        self._constant_rate = "avi" in self._container.format.name.split(",")

    def __iter__(self) -> Iterator[Frame]:
        import av

        stream, tb = self._stream, self._stream.time_base
        fps = self.info.fps or 30.0
        index, last_t = 0, None
        try:
            for frame in self._container.decode(stream):
                if frame.pts is not None and tb is not None and not self._constant_rate:
                    t = float((frame.pts - self._start) * tb)
                else:  # no usable timestamp in the container: constant rate after the previous frame
                    t = 0.0 if last_t is None else last_t + 1.0 / fps
                if why := stop_reason(index, t):  # a header that did not state (or lied about) the length
                    self.info.stopped_early = why
                    break
                rot = int(round(-(frame.rotation or 0) / 90.0)) * 90 % 360  # FFmpeg angle is anticlockwise
                w, h = (frame.height, frame.width) if rot in (90, 270) else (frame.width, frame.height)
                size = None
                if self.max_side and max(w, h) > self.max_side:  # scaled with the colour conversion
                    s = self.max_side / max(w, h)
                    size = (max(2, round(frame.width * s)), max(2, round(frame.height * s)))
                rgb = upright(frame_rgb(frame, size), rot)
                if index == 0:
                    self.info.rotation_deg = rot
                    self.info.width, self.info.height = w, h
                self.info.frames_read = index + 1
                yield Frame(index, t, rgb, (w, h))
                index, last_t = index + 1, t
        except (av.error.FFmpegError, ValueError) as e:
            where = f"after frame {index} ({last_t:.2f} s)" if last_t is not None else "before the first frame"
            self.info.stopped_early = f"the video is damaged or truncated: reading stopped {where} ({type(e).__name__})"
        if self.info.stopped_early is None:
            self.info.stopped_early = self._ended_early(index, last_t)

    def _ended_early(self, frames: int, last_t: float | None) -> str | None:
        """Why a clip that decoded without error is still incomplete (a truncated file often just ends)."""
        if frames == 0:
            return "the video has no frames"
        declared, duration = self.info.frame_count, self.info.duration_s
        period = 1.0 / (self.info.fps or 30.0)
        if declared and frames < 0.98 * declared - 1:
            return f"the video ends early: only {frames} of its {declared} frames could be read (the file is probably truncated)"
        if duration and last_t is not None and duration - (last_t + period) > max(0.25, 0.05 * duration):
            return (f"the video ends early: frames stop at {last_t:.2f} s of its {duration:.2f} s "
                    "(the file is probably truncated)")
        return None

    def frame_at(self, timestamp: float) -> np.ndarray | None:
        """The upright frame shown at ``timestamp`` seconds (after a seek), or None if not found."""
        stream, tb = self._stream, self._stream.time_base
        if tb is None:
            return None
        half = 0.5 / (self.info.fps or 30.0)
        self._container.seek(self._start + int((timestamp - half) / tb), stream=stream, backward=True)
        for frame in self._container.decode(stream):
            if frame.pts is not None and float((frame.pts - self._start) * tb) >= timestamp - half:
                rot = int(round(-(frame.rotation or 0) / 90.0)) * 90 % 360
                return upright(frame_rgb(frame), rot)
        return None

    def close(self) -> None:
        self._container.close()


def open_source(path: str | Path, max_side: int | None = None) -> ImageSource | VideoSource | AnimatedImageSource:
    """Open ``path`` as a still image, a video or an animated image (a clip), whichever it is
    (``max_side``: see :class:`VideoSource`).

    Raises
    ------
    InputError
        With a one-line message saying what is wrong and what to do.
    """
    path = Path(path)
    _check_file(path)
    suffix = path.suffix.lower()
    if suffix in VIDEO_SUFFIXES:
        src = VideoSource(path, max_side)
    elif suffix in IMAGE_SUFFIXES or _looks_like_image(path):
        if not is_animated(path):
            return ImageSource(path)
        src = AnimatedImageSource(path, max_side)
    else:
        src = VideoSource(path, max_side)
    try:  # the length limits (vision.limits), from the header, before anything is decoded
        check_clip(src.info.name, src.info.duration_s, src.info.frame_count)
    except InputError:
        src.close()
        raise
    return src


def _looks_like_image(path: Path) -> bool:
    """Whether Pillow recognises the file's header as an image (for files with an unknown suffix)."""
    from PIL import Image, UnidentifiedImageError
    import pillow_heif

    pillow_heif.register_heif_opener()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Image.open(path).close()  # reads the header only
        return True
    except Image.DecompressionBombError:
        return True  # an image, too large: ImageSource says so with advice
    except (UnidentifiedImageError, OSError):
        return False



def read_frame(path: str | Path, index: int, timestamp: float | None = None) -> np.ndarray:
    """The upright RGB frame at decode position ``index`` of a video (or the picture of a photo).

    With the frame's ``timestamp`` (seconds, as in a track) the video is first sought to the key frame
    before it, so only a few frames are decoded; otherwise (or for AVI, whose times are counted, not
    stored) it decodes from the start. For fetching one key frame after an analysis, not for a loop.
    """
    src = open_source(path)
    try:
        if isinstance(src, VideoSource) and timestamp is not None and not src._constant_rate:
            rgb = src.frame_at(timestamp)
            if rgb is not None:
                return rgb
            src.close()
            src = open_source(path)
        for frame in src:
            if frame.index == index:
                return frame.rgb
    finally:
        src.close()
    raise InputError(f"{Path(path).name} has no frame {index}")
