"""Placing landmarks by hand on a stored capture's frame: the zoomed view, the click -> frame pixels mapping,
which point to place next (ASIS, then PSIS) and what to say. No Streamlit here.

The page shows a crop of the frame around the pelvis (or the chosen body point), enlarged ``zoom`` times, in
:func:`streamlit_image_coordinates.streamlit_image_coordinates`; a click comes back in the shown image's pixels
and :func:`to_frame` turns it into the frame's own pixels, where the corrections are stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ZOOMS = (1, 2, 3, 4)
PELVIS_ORDER = ("asis", "psis")
PROMPTS = {
    "asis": ("Click the ASIS", "the bony point at the front of the pelvis: the front tip of the hip bone, below the "
                               "waist at the front (the front end of the pelvis line)."),
    "psis": ("Now click the PSIS", "the bony point at the back of the pelvis: the dimple above the buttock, beside "
                                   "the spine (the back end of the pelvis line)."),
}
NAMES = {"asis": "ASIS", "psis": "PSIS"}


@dataclass(frozen=True)
class View:
    """The part of a frame that is shown: ``box`` (x0, y0, x1, y1) in frame pixels, shown ``zoom`` times
    enlarged (before the page fits it to its column)."""

    box: tuple[int, int, int, int]
    zoom: int

    @property
    def size(self) -> tuple[int, int]:
        x0, y0, x1, y1 = self.box
        return x1 - x0, y1 - y0


def view(frame_size: tuple[int, int], centre: tuple[float, float] | None, zoom: int) -> View:
    """The crop of a ``frame_size`` (width, height) frame centred on ``centre`` (frame pixels; the frame's
    centre when None or NaN) that is 1/``zoom`` of the frame's width and height, kept inside the frame."""
    w, h = int(frame_size[0]), int(frame_size[1])
    zoom = int(zoom) if int(zoom) in ZOOMS else 1
    cw, ch = max(1, round(w / zoom)), max(1, round(h / zoom))
    cx, cy = (w / 2, h / 2) if centre is None or not np.isfinite(centre).all() else (float(centre[0]), float(centre[1]))
    x0 = int(round(min(max(cx - cw / 2, 0), w - cw)))
    y0 = int(round(min(max(cy - ch / 2, 0), h - ch)))
    return View((x0, y0, x0 + cw, y0 + ch), zoom)


def crop(rgb: np.ndarray, v: View, out_width: int = 900) -> np.ndarray:
    """The shown picture: the view's crop of ``rgb`` enlarged to ``out_width`` pixels wide (nearest pixels when
    enlarged, so a marked point falls on a visible pixel)."""
    import cv2

    x0, y0, x1, y1 = v.box
    part = rgb[y0:y1, x0:x1]
    s = out_width / max(1, part.shape[1])
    interp = cv2.INTER_NEAREST if s > 1.5 else cv2.INTER_AREA
    return cv2.resize(part, (out_width, max(1, round(part.shape[0] * s))), interpolation=interp)


def to_shown(marks: list[dict], v: View, shown_width: int) -> list[dict]:
    """Marks (``x, y`` in frame pixels) in the pixels of the shown picture (:func:`crop` of ``shown_width``), so
    that they are drawn at a fixed size whatever the zoom."""
    x0, y0, x1, _ = v.box
    s = shown_width / max(1, x1 - x0)
    return [dict(m, x=(float(m["x"]) - x0) * s, y=(float(m["y"]) - y0) * s) for m in marks]


def draw_on_shown(img: np.ndarray, marks: list[dict], v: View, pos: int) -> np.ndarray:
    """Draw the marks of frame ``pos`` on the shown picture (in place): each point with its name, and the pelvis
    line with its tilt when both ASIS and PSIS are on this frame (the newest of each counts)."""
    from analysis.pelvis import tilt_from_asis_psis
    from records.workflow import draw_marks
    from vision.drawing import draw_pelvis_line

    here = [m for m in to_shown(marks, v, img.shape[1]) if int(m["frame"]) == pos]
    pel = {m["landmark"]: m for m in here if m["landmark"] in PELVIS_ORDER}
    if len(pel) == 2:
        frame_pts = {m["landmark"]: m for m in marks if int(m["frame"]) == pos and m["landmark"] in PELVIS_ORDER}
        tilt = tilt_from_asis_psis((frame_pts["asis"]["x"], frame_pts["asis"]["y"]),
                                   (frame_pts["psis"]["x"], frame_pts["psis"]["y"]))
        label = f"tilt {tilt:.0f} deg" if np.isfinite(tilt) else ""
        draw_pelvis_line(img, (pel["asis"]["x"], pel["asis"]["y"]), (pel["psis"]["x"], pel["psis"]["y"]), label)
    draw_marks(img, here, pos)
    return img


def to_frame(click: dict, v: View) -> tuple[float, float]:
    """A click of :func:`streamlit_image_coordinates` (``x, y`` in the shown image, whose shown size is
    ``width, height``) in the frame's pixels."""
    x0, y0, x1, y1 = v.box
    sx = (x1 - x0) / max(1.0, float(click["width"]))
    sy = (y1 - y0) / max(1.0, float(click["height"]))
    return x0 + float(click["x"]) * sx, y0 + float(click["y"]) * sy


def next_mark(pending: dict) -> str | None:
    """Which pelvic point to place next (ASIS first, then PSIS), None when both are placed."""
    return next((m for m in PELVIS_ORDER if m not in pending), None)


def pelvis_centre(pixels: np.ndarray) -> tuple[float, float] | None:
    """The hip midpoint of one frame's landmarks (33, 2), where the pelvic points are; None when not seen."""
    hips = np.asarray(pixels, float)[[23, 24]]
    hips = hips[np.isfinite(hips).all(axis=1)]
    return None if not len(hips) else tuple(float(v) for v in hips.mean(axis=0))


def stored_rows(corrections: list[dict], timestamps) -> list[dict]:
    """The stored corrections as table rows: the point's name, the frame and its time, where it was placed."""
    t = np.asarray(timestamps, float)
    rows = []
    for c in corrections:
        f = int(c["frame"])
        rows.append({"Point": NAMES.get(c["landmark"], c["landmark"].replace("_", " ")),
                     "Frame": str(f + 1), "Time": f"{float(t[f]):.2f} s" if 0 <= f < len(t) else "–",
                     "Where (x, y px)": f"{float(c['x']):.0f}, {float(c['y']):.0f}",
                     "Moved from the model's point": "– (the model has no such point)" if c.get("auto_x") is None
                     else f"{float(np.hypot(c['x'] - c['auto_x'], c['y'] - c['auto_y'])):.0f} px"})
    return rows
