"""Write rendered frames as PNG/JPEG images or MP4 clips (PyAV), each with a ground-truth JSON.

The truth JSON holds ``meta`` (what was rendered and how: camera, body, clothes, room, imaging,
frame rate, the angle conventions) and ``frames`` (one record per frame from
:func:`~.truth.frame_truth`, plus the posture parameters and the time in seconds).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from .camera import handheld_warp
from .frames import FrameSpec, Renderer, Shot
from .movements import Clip
from .truth import ANGLE_DOCS, view_name

TRUTH_VERSION = 1


def video_codec() -> str:
    """H.264 through libx264 (or libopenh264) when this PyAV build has it, else MPEG-4 part 2."""
    for c in ("libx264", "libopenh264"):
        if c in av.codecs_available:
            return c
    return "mpeg4"


def _meta(shot: Shot, spec: FrameSpec, kind: str, **extra) -> dict:
    cam = shot.camera
    return {
        "generator": "vision.synthetic",
        "truth_version": TRUTH_VERSION,
        "kind": kind,
        "image_size": [cam.width, cam.height_px],
        "view": view_name(cam.azimuth),
        "camera": cam.to_dict(),
        "background": shot.background.to_dict(),
        "imaging": shot.imaging.to_dict(),
        "body": spec.body.to_dict(),
        "appearance": spec.appearance.to_dict(),
        "props": [p.to_dict() for p in spec.props],
        "conventions": ANGLE_DOCS,
        # the figure's drawing style, only when it is not the sample media's (their truth stays as committed)
        **({"figure": shot.figure, "lighting": shot.lighting.to_dict() if shot.lighting else None}
           if shot.figure != "mesh" else {}),
        **extra,
    }


def _frame_record(i: int, t: float, spec: FrameSpec, truth: dict) -> dict:
    return {"frame": i, "time_s": round(t, 4), "posture": {k: (None if v is None else round(float(v), 3))
                                                           for k, v in spec.posture.to_dict().items()},
            "placement": spec.placement.to_dict(), **truth}


def write_json(path: Path, data: dict) -> None:
    """Write a truth file: ``meta`` indented, then one compact line per frame (diff-friendly, small)."""
    meta = json.dumps(data["meta"], indent=1)
    frames = ",\n".join(json.dumps(f, separators=(",", ":")) for f in data["frames"])
    path.write_text('{"meta": ' + meta + ',\n"frames": [\n' + frames + "\n]}\n")


def write_image(path: str | Path, spec: FrameSpec, shot: Shot, seed: int = 0, jpeg_quality: int = 92,
                description: str = "") -> dict:
    """Render one still to ``path`` (.png or .jpg) and its truth to ``path`` with suffix ``.json``."""
    path = Path(path)
    img, truth, _ = Renderer(shot, seed).render(spec)
    bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    if path.suffix.lower() in (".jpg", ".jpeg"):
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
    else:
        ok, buf = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    if not ok:
        raise RuntimeError(f"could not encode {path}")
    path.write_bytes(buf.tobytes())
    data = {"meta": _meta(shot, spec, "image", description=description, file=path.name, seed=seed),
            "frames": [_frame_record(0, 0.0, spec, truth)]}
    write_json(path.with_suffix(".json"), data)
    return data


def render_clip(clip: Clip):
    """Yield (image, frame truth record) for every frame of a clip."""
    r = Renderer(clip.shot, clip.seed)
    for i, spec in enumerate(clip.frames):
        img, truth, _ = r.render(spec)
        yield img, _frame_record(i, i / clip.fps, spec, truth)


def _shaken(img: np.ndarray, rec: dict, warp: np.ndarray) -> tuple[np.ndarray, dict]:
    """A frame and its truth record moved by an affine ``warp`` (2 x 3, pixels): the image (edges repeated) and
    every true pixel position; the picture's angles (``angles_image``, of the unmoved picture) are left out."""
    h, w = img.shape[:2]
    img = cv2.warpAffine(img, warp, (w, h), borderMode=cv2.BORDER_REPLICATE)

    def move(points: dict) -> dict:
        return {n: (p if p is None or None in p else
                    [round(float(v), 2) for v in warp[:, :2] @ np.asarray(p, dtype=float) + warp[:, 2]])
                for n, p in points.items()}

    rec = {k: v for k, v in rec.items() if k != "angles_image"}
    return img, {**rec, "landmarks_px": move(rec["landmarks_px"]), "extra_points_px": move(rec["extra_points_px"])}


def write_clip(path: str | Path, clip: Clip, crf: int = 23, handheld: bool = False) -> dict:
    """Render a clip to an MP4 (H.264 yuv420p where available) and its truth JSON beside it.

    ``handheld``: each frame, and its true pixel positions, moved by :func:`.camera.handheld_warp` (a phone held in
    the hand: drifting, turning and zooming a little); the 3D truth is unchanged."""
    path = Path(path)
    codec = video_codec()
    cam = clip.shot.camera
    records = []
    rate = Fraction(clip.fps).limit_denominator(1001)
    with av.open(str(path), mode="w", format="mp4", options={"fflags": "+bitexact"}) as out:
        st = out.add_stream(codec, rate=rate)
        st.width, st.height = cam.width, cam.height_px
        st.pix_fmt = "yuv420p"
        st.time_base = 1 / rate
        if codec == "libx264":
            st.options = {"crf": str(crf), "preset": "medium", "threads": "1", "tune": "film"}
        else:
            st.bit_rate = 2_000_000
        for img, rec in render_clip(clip):
            if handheld:
                img, rec = _shaken(img, rec, handheld_warp(rec["time_s"], cam.width, cam.height_px))
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
            frame.pts = rec["frame"]
            frame.time_base = 1 / rate
            for pkt in st.encode(frame):
                out.mux(pkt)
            spec = clip.frames[rec["frame"]]
            if spec.body != clip.frames[0].body or spec.appearance != clip.frames[0].appearance:
                rec["body"] = spec.body.to_dict()
                rec["appearance"] = spec.appearance.to_dict()
            records.append(rec)
        for pkt in st.encode():
            out.mux(pkt)
    meta = _meta(clip.shot, clip.frames[0], "clip", name=clip.name, description=clip.description, file=path.name,
                 fps=float(clip.fps), n_frames=len(clip.frames), duration_s=round(clip.duration, 4), codec=codec,
                 seed=clip.seed, notes=clip.notes, **({"handheld": True} if handheld else {}))
    data = {"meta": meta, "frames": records}
    write_json(path.with_suffix(".json"), data)
    return data
