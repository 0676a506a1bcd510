"""Decisions and wording for the app page: which file to analyse, whether an upload is acceptable,
how the summary reads, which frame to show, how progress is reported. No Streamlit here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Mapping

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_ENV = "POSTURE_SAMPLE"  # environment variable: path of the clip shown when nothing is uploaded
DEFAULT_SAMPLE = ROOT / "sample_media" / "standing_side.mp4"

VIDEO_TYPES = ("mp4", "mov", "avi", "webm", "mkv", "gif")  # an animated GIF is a clip (a one-frame GIF a photo)
PHOTO_TYPES = ("jpg", "jpeg", "png", "heic", "heif")
UPLOAD_TYPES = VIDEO_TYPES + PHOTO_TYPES
MAX_UPLOAD_MB = 500  # keep equal to server.maxUploadSize in .streamlit/config.toml

TITLE = "Posture and pelvic-tilt assessor"
INTRO = (
    "For anyone checking how they stand, and for therapists and trainers screening clients: film a person "
    "standing side-on (or front-on) to the camera, whole body in view, use the live webcam, or take a photo. "
    "This page finds the body's joints, checks the recording, measures posture (trunk, hip and knee angles, "
    "an estimate of pelvic tilt and of the back's curve) and suggests what to stretch, with the reasons. "
    "Everything it shows is a measurement or an estimate from the picture, never a diagnosis; "
    "for pain or a medical question, see a health professional."
)
PRIVACY = ("Everything runs on this computer: the video or photo goes only to this app, is analysed in memory "
           "(a temporary folder deleted straight afterwards), nothing is kept unless you download it, and nothing "
           "is sent anywhere else. No usage statistics are collected.")
UPLOAD_HELP = (f"A video ({', '.join(VIDEO_TYPES)}) or a photo ({', '.join(PHOTO_TYPES)}), "
               f"up to {MAX_UPLOAD_MB} MB.")


def sample_path(env: Mapping[str, str] | None = None) -> Path:
    """The built-in sample clip: ``$POSTURE_SAMPLE`` if set, else ``sample_media/standing_side.mp4``."""
    env = os.environ if env is None else env
    value = env.get(SAMPLE_ENV, "").strip()
    return Path(value).expanduser() if value else DEFAULT_SAMPLE


def display_path(path: Path) -> str:
    """``path`` relative to the project when inside it (shorter and private), else as given."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def sample_missing_message(path: Path) -> str:
    return (f"The built-in sample clip ({display_path(path)}) is not on this computer, so there is no example "
            "result to show yet. Upload your own video or photo above to analyse it.")


def sample_note(path: Path) -> str:
    return (f"No file uploaded, so this is the result for the built-in sample clip ({Path(path).name}). "
            "Upload your own video or photo above to analyse it instead.")


def upload_problem(name: str, size_bytes: int, max_mb: int = MAX_UPLOAD_MB) -> str | None:
    """Why an upload cannot be analysed (one plain sentence with what to do), or None when it can."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in UPLOAD_TYPES:
        return (f"{name} is not a file type this app reads. Use a video ({', '.join(VIDEO_TYPES)}) "
                f"or a photo ({', '.join(PHOTO_TYPES)}).")
    if size_bytes > max_mb * 1024 * 1024:
        return (f"{name} is {size_bytes / 1024 / 1024:.0f} MB, more than the {max_mb} MB this app accepts. "
                "Trim the clip to the part where the person stands still (10-20 seconds is plenty) "
                "or export it at a lower resolution, then upload it again.")
    if size_bytes == 0:
        return f"{name} is empty (0 bytes). Record or copy the file again."
    return None


def safe_filename(name: str) -> str:
    """A plain file name for an uploaded file inside the temporary folder (no folders, no odd characters),
    keeping the whole name (dots inside it become ``_``, so two screenshots named alike stay apart) and the
    suffix so the reader knows the type."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = os.path.splitext(base)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_")[:80] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]", "", suffix)[:8].lower()
    return f"{stem}.{suffix}" if suffix else stem


def kind_of(summary: dict) -> str:
    """``"photo"`` or ``"video"``."""
    return "photo" if summary["source"]["kind"] == "image" else "video"


def summary_rows(summary: dict) -> list[tuple[str, str]]:
    """The summary as (what, value) rows of plain text, for a small table.

    Parameters
    ----------
    summary : dict
        As written by :func:`capture.analyze.analyze_file` (``<stem>.summary.json``).
    """
    src, view, proc = summary["source"], summary["view"], summary["processing"]
    if kind_of(summary) == "photo":
        what = f"photo, {src['width']} x {src['height']} px"
    else:
        dur = f", {src['duration_s']:.1f} s" if src.get("duration_s") else ""
        fps = f", {src['fps']:.1f} frames/s" if src.get("fps") else ""
        what = f"video, {src['width']} x {src['height']} px{fps}{dur}"
    rows = [("File", f"{src['name']} ({what})"), ("Frames read", str(summary["frames"]))]
    rows.append(("Frames with a person", f"{summary['frames_with_person']} ({summary['person_fraction']:.0%})"))
    if summary["frames_with_person"]:
        rows.append(("Whole body in view", f"{summary['framing']['whole_body_fraction']:.0%} of those frames"))
    doubt = "; not accepted by the view check, see the checks" if view.get("refused_by_check") else ""
    if view["yaw_deg"] is None:
        rows.append(("View guess", view["label"] + doubt))
    else:
        rows.append(("View guess", f"{view['label']} (body turned {view['yaw_deg']:+.0f} deg; "
                                   f"0 = facing the camera, +/-90 = side-on){doubt}"))
    vis = summary["mean_visibility"]
    rows.append(("Mean landmark visibility", "n/a (no person found)" if vis is None else f"{vis:.2f} (0 to 1)"))
    if proc.get("fps"):
        rows.append(("Processing speed", f"{proc['fps']:.1f} frames/s ({proc['seconds']:.1f} s in all)"))
    return rows


def best_frame_index(visibility: np.ndarray, detected: np.ndarray) -> int | None:
    """The most representative frame: the one with a person and the highest mean landmark visibility
    (the earliest of equals); None when no frame has a person.

    Parameters
    ----------
    visibility : ndarray, shape (T, 33)
    detected : ndarray of bool, shape (T,)
    """
    detected = np.asarray(detected, bool)
    if not detected.any():
        return None
    with np.errstate(invalid="ignore"):
        score = np.where(detected, np.asarray(visibility, np.float64).mean(axis=1), -np.inf)
    return int(np.argmax(np.nan_to_num(score, nan=-np.inf)))


def measured_frame(result: dict | None) -> tuple[int, str] | None:
    """Where a movement test took its result: the frame and what happened there; None for a refused or
    standing result, or when the result names no frame.

    The repetition is the one of the first summary value's best (a tie: the first); its frame is the middle of
    the hold where the test holds a position (Thomas test), the standing moment of a sit-to-stand, else the
    peak. For a walk, the first measured step's frame of its thigh furthest back, before toe-off.
    """
    if not result or not result.get("kind") or not result.get("ok"):
        return None
    steps = [s for s in result.get("steps") or [] if not s.get("excluded") and s.get("frame") is not None]
    if steps:
        return int(steps[0].get("peak_frame", steps[0]["frame"])), \
            "the first measured step, its thigh furthest back before toe-off"
    reps = {r.get("repetition"): r for r in result.get("repetitions") or []}
    best = next((v["best"] for v in (result.get("summary") or {}).values()
                 if isinstance(v, dict) and (v.get("best") or {}).get("value") is not None), None)
    if best is None or not reps:
        return None
    extra = best.get("extra") or {}
    k = extra.get("repetition") or max(extra.get("repetitions") or [{"repetition": next(iter(reps))}],
                                       key=lambda r: -np.inf if r.get("value") is None else r["value"])["repetition"]
    rep = reps.get(k)
    if rep is None:
        return None
    ph, ev = rep.get("phases") or {}, rep.get("events") or {}
    if ev.get("stand") is not None:
        return int(ev["stand"]), f"the moment of standing up in repetition {k}"
    if result["kind"] == "thomas" and ph.get("hold_start") is not None:
        mid = (ph["hold_start"] + ph["hold_end"]) // 2
        return mid, f"the middle of the hold of repetition {k}, where it was measured"
    if ph.get("peak") is not None:
        return int(ph["peak"]), f"the peak of repetition {k}, where it was measured"
    return None


def refused_frame(result: dict | None) -> tuple[int, str] | None:
    """Where a movement test refused for what the person was doing saw it: the frame the activity check names
    (the middle of the start frames read as another posture, or of the walking or running), and what it shows;
    None when the test was not refused for that, or names no frame."""
    if not result or not result.get("kind") or result.get("ok"):
        return None
    from analysis.gates import blocking_failure

    frame = (result.get("activity") or {}).get("frame")
    if frame is None or (blocking_failure(result.get("checks") or []) or {}).get("name") != "activity":
        return None
    return int(frame), "the frame the first problem was read from"


def key_frame_caption(summary: dict, index: int | None, timestamp: float | None, note: str | None = None) -> str:
    """The key frame's caption; ``note`` says what happened in the frame (:func:`measured_frame`)."""
    if kind_of(summary) == "photo":
        return "The photo with the landmarks the model found." if index is not None else \
            "No person was found in the photo."
    if index is None:
        return "No person was found in any frame; this is the first frame."
    return (f"Frame {index + 1} of {summary['frames']} ({timestamp:.2f} s), " + (note + "." if note else
            "where the body is seen best (highest mean landmark visibility)."))


def download_name(stem: str, what: str) -> str:
    """File name offered for download: the upload's name plus what the file holds."""
    return {"summary": f"{stem}.summary.json", "csv": f"{stem}.landmarks.csv", "track": f"{stem}.pose.npz",
            "annotated_video": f"{stem}.annotated.mp4", "annotated_photo": f"{stem}.annotated.png"}[what]


class ProgressReporter:
    """Turns the pipeline's ``progress(done, expected)`` calls into at most ~100 bar updates.

    ``show(fraction, text)`` is called when the whole percent changes (or every 25 frames when the
    frame count is unknown, with an indeterminate fraction of 0).
    """

    def __init__(self, show: Callable[[float, str], None]) -> None:
        self.show = show
        self._last: tuple | None = None

    @staticmethod
    def state(done: int, expected: int | None) -> tuple[float, str]:
        if expected:
            frac = min(done / expected, 1.0)
            return frac, f"Finding the body's joints: frame {min(done, expected)} of about {expected}"
        return 0.0, f"Finding the body's joints: frame {done}"

    def __call__(self, done: int, expected: int | None) -> None:
        frac, text = self.state(done, expected)
        key = (int(frac * 100),) if expected else (done // 25,)
        if key != self._last:
            self._last = key
            self.show(frac, text)


def app_icon():
    """The page icon, drawn here (a PIL image the app serves itself) so that the browser asks no other site
    for it: a white standing figure with a plumb line on the app's blue."""
    from PIL import Image, ImageDraw

    im = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((0, 0, 63, 63), radius=14, fill=(37, 99, 235, 255))
    d.ellipse((26, 6, 38, 18), fill="white")
    d.line((32, 18, 32, 40), fill="white", width=5)
    d.line((32, 40, 24, 58), fill="white", width=5)
    d.line((32, 40, 40, 58), fill="white", width=5)
    d.line((20, 26, 44, 26), fill="white", width=4)
    d.line((48, 6, 48, 58), fill=(250, 204, 21, 255), width=2)
    return im
