"""Overlays drawn on frames: the landmark skeleton (RGB images, OpenCV drawing)."""

from __future__ import annotations

import cv2
import numpy as np

from vision.landmarks import LANDMARK_NAMES, SKELETON

_LEFT = (255, 140, 0)  # person's left side: orange (RGB)
_RIGHT = (0, 160, 255)  # person's right side: blue
_MID = (255, 255, 255)
MIN_VISIBILITY = 0.3  # landmarks seen less surely than this are not drawn


def _side_colour(i: int) -> tuple[int, int, int]:
    name = LANDMARK_NAMES[i]
    return _LEFT if name.startswith("left") else _RIGHT if name.startswith("right") else _MID


def draw_skeleton(rgb: np.ndarray, pixels: np.ndarray, visibility: np.ndarray, copy: bool = True) -> np.ndarray:
    """Draw the body skeleton on an RGB frame.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8
    pixels : ndarray, shape (33, 2)
        Landmark positions in this frame's pixels; NaN rows are skipped.
    visibility : ndarray, shape (33,)
        Landmarks below :data:`MIN_VISIBILITY` are skipped.
    copy : bool
        Draw on a copy (default) or in place.
    """
    out = rgb.copy() if copy else rgb
    h, w = out.shape[:2]
    thick = max(2, round(max(h, w) / 320))
    ok = np.isfinite(pixels).all(axis=1) & (np.nan_to_num(visibility) >= MIN_VISIBILITY)
    pts = np.round(np.nan_to_num(pixels)).astype(np.int32)
    for a, b in SKELETON:
        if ok[a] and ok[b]:
            colour = _side_colour(a) if _side_colour(a) == _side_colour(b) else _MID
            cv2.line(out, tuple(map(int, pts[a])), tuple(map(int, pts[b])), colour, thick, cv2.LINE_AA)
    for i in np.flatnonzero(ok):
        cv2.circle(out, tuple(map(int, pts[i])), thick + 1, _side_colour(i), -1, cv2.LINE_AA)
    return out


def put_label(rgb: np.ndarray, text: str) -> np.ndarray:
    """Write a short label in the top-left corner (in place), legible on any background."""
    h, w = rgb.shape[:2]
    scale = max(0.4, max(h, w) / 1400)
    org = (8, int(24 * scale / 0.6))
    cv2.putText(rgb, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 3 * max(1, round(scale)), cv2.LINE_AA)
    cv2.putText(rgb, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), max(1, round(scale)), cv2.LINE_AA)
    return rgb


_PLUMB = (255, 60, 60)
_BACK = (60, 255, 120)
_ARC = (255, 230, 0)


def _angle_arc(img: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray, label: str, radius: int, thick: int) -> None:
    """Draw the arc of angle a-b-c at vertex b with a text label (pixels; skipped when any point is NaN)."""
    if not (np.isfinite(a).all() and np.isfinite(b).all() and np.isfinite(c).all()):
        return
    t1 = np.degrees(np.arctan2(a[1] - b[1], a[0] - b[0]))
    t2 = np.degrees(np.arctan2(c[1] - b[1], c[0] - b[0]))
    d = (t2 - t1 + 180) % 360 - 180  # shortest way round
    centre = tuple(int(v) for v in np.round(b))
    cv2.ellipse(img, centre, (radius, radius), 0, t1, t1 + d, _ARC, thick, cv2.LINE_AA)
    mid = np.radians(t1 + d / 2)
    pos = b + (radius + 6 * thick) * np.array([np.cos(mid), np.sin(mid)])
    scale = max(0.4, radius / 90)
    org = (int(pos[0]) - 10, int(pos[1]) + 5)
    cv2.putText(img, label, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thick + 2, cv2.LINE_AA)
    cv2.putText(img, label, org, cv2.FONT_HERSHEY_SIMPLEX, scale, _ARC, max(1, thick - 1), cv2.LINE_AA)


def draw_side_assessment(rgb: np.ndarray, pixels: np.ndarray, visibility: np.ndarray, facing: int,
                         back_edge: np.ndarray | None = None, angles=("hip", "knee"), plumb: bool = True) -> np.ndarray:
    """Annotate a side-view frame: skeleton, plumb line through the ankle, hip and knee angle arcs and the
    back contour.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8
    pixels : ndarray, shape (33, 2)
        Landmarks in this frame's pixels.
    visibility : ndarray, shape (33,)
    facing : int
        +1 when the person faces the image right, -1 left (picks nothing but label placement).
    back_edge : ndarray, shape (M, 2), optional
        The back contour between hip and shoulder level in pixels (NaN points skipped).
    angles : sequence of str
        Which angle arcs (with their numbers) to draw: ``"hip"``, ``"knee"``; only those the assessment
        measured, so that no number is drawn that it did not report.
    plumb : bool
        Draw the plumb line through the ankle.

    Returns
    -------
    ndarray
        An annotated copy.
    """
    from analysis.geometry import angle_at

    out = draw_skeleton(rgb, pixels, visibility)
    h, w = out.shape[:2]
    thick = max(2, round(max(h, w) / 320))
    side = "left" if np.nansum(visibility[[11, 23, 25, 27]]) >= np.nansum(visibility[[12, 24, 26, 28]]) else "right"
    i = {n: LANDMARK_NAMES.index(f"{side}_{n}") for n in ("shoulder", "hip", "knee", "ankle")}
    ankle = pixels[i["ankle"]]
    if plumb and np.isfinite(ankle).all():  # plumb line: the vertical through the ankle (lateral malleolus)
        x = int(round(ankle[0]))
        for y0 in range(0, int(ankle[1]), 4 * thick):  # dashed
            cv2.line(out, (x, y0), (x, min(int(ankle[1]), y0 + 2 * thick)), _PLUMB, max(1, thick - 1), cv2.LINE_AA)
    if back_edge is not None:
        pts = back_edge[np.isfinite(back_edge).all(axis=1)]
        if len(pts) > 1:
            cv2.polylines(out, [np.round(pts).astype(np.int32)], False, _BACK, thick + 1, cv2.LINE_AA)
    radius = max(14, int(0.04 * h))
    sh, hp, kn, an = (pixels[i[n]] for n in ("shoulder", "hip", "knee", "ankle"))
    if "hip" in angles:
        _angle_arc(out, sh, hp, kn, f"{float(angle_at(sh, hp, kn)):.0f}", radius, thick)
    if "knee" in angles:
        _angle_arc(out, hp, kn, an, f"{float(angle_at(hp, kn, an)):.0f}", radius, thick)
    return out


def annotated_frame(item: tuple[np.ndarray, object]) -> np.ndarray:
    """The frame the model saw with its skeleton drawn on it (in place unless read-only), labelled when
    nobody was found.

    Parameters
    ----------
    item : (ndarray, PoseResult)
        The RGB frame given to the model and its :class:`~vision.estimator.PoseResult` (normalised landmarks).
    """
    small, res = item
    img = draw_skeleton(small, res.landmarks[:, :2] * np.array(small.shape[1::-1], np.float32), res.visibility,
                        copy=not small.flags.writeable)
    if not res.found:
        put_label(img, "no person found")
    return img


_PELVIS = (230, 0, 230)  # magenta: the pelvis line and hand-placed pelvic marks


def draw_pelvis_line(rgb: np.ndarray, front: np.ndarray, back: np.ndarray, label: str = "") -> np.ndarray:
    """Draw the pelvis line (in place) from its front end (ASIS) to its back end (PSIS), both (x, y) pixels,
    with end dots and an optional label above the front end; skipped when a point is NaN."""
    front, back = np.asarray(front, float), np.asarray(back, float)
    if not (np.isfinite(front).all() and np.isfinite(back).all()):
        return rgb
    h, w = rgb.shape[:2]
    thick = max(2, round(max(h, w) / 300))
    p, q = tuple(int(v) for v in np.round(front)), tuple(int(v) for v in np.round(back))
    cv2.line(rgb, p, q, (0, 0, 0), thick + 2, cv2.LINE_AA)
    cv2.line(rgb, p, q, _PELVIS, thick, cv2.LINE_AA)
    for pt in (p, q):
        cv2.circle(rgb, pt, thick + 2, _PELVIS, -1, cv2.LINE_AA)
    if label:  # below the line, clear of the points' own labels above them
        scale = max(0.4, max(h, w) / 1500)
        (tw, th), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
        org = (int((p[0] + q[0]) / 2 - tw / 2), max(p[1], q[1]) + th + 6 * thick)
        cv2.putText(rgb, label, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thick + 2, cv2.LINE_AA)
        cv2.putText(rgb, label, org, cv2.FONT_HERSHEY_SIMPLEX, scale, _PELVIS, max(1, thick - 1), cv2.LINE_AA)
    return rgb


def pelvis_line_ends(hip: np.ndarray, tilt_deg: float, facing: int, length: float) -> tuple[np.ndarray, np.ndarray]:
    """Front and back ends of a pelvis line of ``length`` pixels centred on ``hip`` at ``tilt_deg`` to the image
    horizontal (+ = anterior: the front end lower), for a person facing the image right (``facing`` +1) or left
    (-1)."""
    t = np.radians(float(tilt_deg))
    d = 0.5 * float(length) * np.array([(1 if facing >= 0 else -1) * np.cos(t), np.sin(t)])
    hip = np.asarray(hip, float)
    return hip + d, hip - d
