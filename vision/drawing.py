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
