"""Limits on what is opened, in one place, checked from the file's header before anything is decoded.

Every capture the program asks for is short: a standing check needs a few seconds of quiet standing, a
movement test a few repetitions, a trainer's clip a handful of people in turn (the shared real clips run
0.2-14 s, the built-in trainer clip 12 s). Without limits a small file can cost hours or gigabytes: a
533 KB clip of 20,000 tiny frames ran 295 s; a 9990x10000 photo took 1.9 GB to open.
"""

from __future__ import annotations

from vision.errors import InputError

# Engineering choice: 10 minutes, the longest clip the program is measured on (benchmarks/bench_speed.py
# --long-minutes 10: 655 MB peak); it holds 40 people in turn at 15 s each, far more than any protocol needs.
MAX_CLIP_SECONDS = 600.0
# Engineering choice: 10 minutes at 30 frames/s. The pose model costs 15-25 ms a frame here, so the longest
# clip allowed takes 5-8 minutes (the 20,000-frame clip took 295 s); a 60 frames/s phone clip may run 5
# minutes (export it at 30 frames/s for longer).
MAX_CLIP_FRAMES = 18_000
# Engineering choice: 50 megapixels, the largest phone cameras (48-50 MP); the shared real photos are 12 MP.
# Opening costs about 20 bytes a pixel (decode, colour conversion, EXIF rotation): about 1 GB at the limit.
MAX_PHOTO_PIXELS = 50_000_000


def clip_problem(name: str, duration_s: float | None, frames: int | None) -> str | None:
    """Why a clip is too long to analyse (one line with the limit and what to do), or None."""
    if duration_s is not None and duration_s > MAX_CLIP_SECONDS + 0.5:  # half a second for container rounding
        return (f"{name} lasts {duration_s:.0f} s, longer than the {MAX_CLIP_SECONDS:.0f} s "
                f"({MAX_CLIP_SECONDS / 60:.0f} minutes) this program analyses. Cut the part you need (a check takes "
                "under a minute) and try again.")
    if frames is not None and frames > MAX_CLIP_FRAMES:
        return (f"{name} has {frames} frames, more than the {MAX_CLIP_FRAMES} this program analyses "
                f"({MAX_CLIP_SECONDS / 60:.0f} minutes at 30 frames/s). Cut the part you need, or export it at "
                "30 frames/s, and try again.")
    return None


def check_clip(name: str, duration_s: float | None, frames: int | None) -> None:
    """Raise :class:`InputError` when :func:`clip_problem` finds the clip too long."""
    why = clip_problem(name, duration_s, frames)
    if why:
        raise InputError(why)


def stop_reason(frames_read: int, timestamp_s: float) -> str | None:
    """While decoding a clip whose header did not state its length (or stated it wrongly): why reading stops
    here, or None to go on."""
    if frames_read >= MAX_CLIP_FRAMES or timestamp_s > MAX_CLIP_SECONDS:
        return (f"the clip is longer than this program analyses ({MAX_CLIP_SECONDS:.0f} s or {MAX_CLIP_FRAMES} "
                "frames): reading stopped there; cut the part you need")
    return None


def check_photo(name: str, width: int, height: int) -> None:
    """Raise :class:`InputError` for a photo larger than :data:`MAX_PHOTO_PIXELS`."""
    if width * height > MAX_PHOTO_PIXELS:
        raise InputError(f"{name} is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels), larger than "
                         f"the {MAX_PHOTO_PIXELS // 1_000_000} megapixels this program opens. Resize it (e.g. to 4000 "
                         "px on the long side) and try again.")
