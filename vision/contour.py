"""The person's outline from MediaPipe's segmentation mask, as a fixed-size array of frame pixels.

:func:`person_outline` turns one frame's mask into an ``(n_points, 2)`` float32 array: the largest
outer contour of the thresholded mask, mapped to the ORIGINAL frame's pixels (x right, y down, the
same pixel convention as :attr:`vision.estimator.PoseResult.pixels`: pixel column ``j`` covers
``x`` in ``[j, j + 1)``, so a pixel's centre is ``j + 0.5``), resampled to ``n_points`` points evenly
spaced by arc length.

Point order
-----------
* Point 0 is the topmost point of the contour (smallest y; the leftmost of ties), usually the top of
  the head.
* The outline runs **clockwise as seen on the screen** (from the top it first heads towards the
  image right, down the right-hand side of the figure, back along the bottom and up the left-hand
  side). In y-down pixel coordinates that means a positive shoelace sum
  ``sum(x[i] * y[i+1] - x[i+1] * y[i]) / 2``.
* The outline is closed implicitly: the last point connects back to point 0 (not repeated).

Because its size is fixed, a clip's outlines stack into a ``(T, n_points, 2)`` array with NaN rows for
frames without a person (:func:`empty_outline`).
"""

from __future__ import annotations

import cv2
import numpy as np

DEFAULT_N_POINTS = 256
MIN_AREA_FRACTION = 0.002  # engineering choice: a blob under 0.2% of the mask is noise, not a person


def empty_outline(n_points: int = DEFAULT_N_POINTS) -> np.ndarray:
    """An ``(n_points, 2)`` float32 array of NaN: the outline of a frame with no person."""
    return np.full((n_points, 2), np.nan, dtype=np.float32)


def _resample_closed(pts: np.ndarray, n: int) -> np.ndarray:
    """Resample a closed polyline (M, 2) to ``n`` points evenly spaced by arc length, starting at pts[0]."""
    closed = np.vstack([pts, pts[:1]])
    seg = np.hypot(*np.diff(closed, axis=0).T)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    total = s[-1]
    t = np.arange(n) * (total / n)
    return np.stack([np.interp(t, s, closed[:, 0]), np.interp(t, s, closed[:, 1])], axis=1)


def person_outline(mask: np.ndarray | None, mask_scale: float = 1.0, threshold: float = 0.5,
                   n_points: int = DEFAULT_N_POINTS, box: tuple[int, int, int, int] | None = None) -> np.ndarray | None:
    """The person's outer outline from a segmentation mask, in original-frame pixels.

    Parameters
    ----------
    mask : ndarray, shape (h, w), float, or None
        MediaPipe's person probability (0..1) at the model's input size
        (:attr:`vision.estimator.PoseResult.segmentation`). None gives None.
    mask_scale : float
        Mask pixels per original-frame pixel (:attr:`vision.estimator.PoseResult.mask_scale`; 1.0 when
        the frame was not scaled down). Outline points are divided by it.
    threshold : float
        Probability at or above which a mask pixel counts as the person.
    n_points : int
        Number of output points (at least 8).
    box : (x0, y0, x1, y1), optional
        Only look inside this rectangle of mask pixels (e.g. around the person's landmarks): the same
        outline when the person lies inside it, at a fraction of the cost on large frames.

    Returns
    -------
    ndarray, shape (n_points, 2), float32, or None
        x right, y down in pixels of the original frame, pixel centres at ``j + 0.5``; evenly spaced
        by arc length, starting at the topmost point, clockwise on screen (see the module docstring).
        None when the mask holds no blob larger than ``MIN_AREA_FRACTION`` of its area.
    """
    if mask is None:
        return None
    if n_points < 8:
        raise ValueError(f"n_points must be at least 8, got {n_points}")
    if mask_scale <= 0:
        raise ValueError(f"mask_scale must be positive, got {mask_scale}")
    m = np.asarray(mask)
    if m.ndim != 2 or m.size == 0:
        raise ValueError(f"expected a 2D mask, got shape {m.shape}")
    x0 = y0 = 0
    if box is not None:
        h, w = m.shape
        x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
        m = m[y0:min(h, int(box[3])), x0:min(w, int(box[2]))]
        if m.size == 0:
            return None
    binary = (m >= threshold).view(np.uint8) if m.dtype == np.float32 else (np.nan_to_num(m) >= threshold).astype(np.uint8)
    # pad by one pixel so a person touching the border still gives one closed contour
    binary = cv2.copyMakeBorder(binary, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    areas = [cv2.contourArea(c) for c in contours]
    best = int(np.argmax(areas))
    if areas[best] < MIN_AREA_FRACTION * np.asarray(mask).size or len(contours[best]) < 3:
        return None
    pts = contours[best][:, 0, :].astype(np.float64) - 1.0 + 0.5 + (x0, y0)  # undo padding and crop; centres
    # clockwise on screen (y down) = positive shoelace sum
    x, y = pts[:, 0], pts[:, 1]
    if np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y) < 0:
        pts = pts[::-1]
    top = np.lexsort((pts[:, 0], pts[:, 1]))[0]  # smallest y, then smallest x
    pts = np.roll(pts, -top, axis=0)
    out = _resample_closed(pts, n_points) / float(mask_scale)
    return out.astype(np.float32)


def outline_from_result(result, threshold: float = 0.5, n_points: int = DEFAULT_N_POINTS) -> np.ndarray | None:
    """:func:`person_outline` of a :class:`vision.estimator.PoseResult` (None without a mask or person)."""
    if not getattr(result, "found", False) or result.segmentation is None:
        return None
    return person_outline(result.segmentation, result.mask_scale, threshold, n_points,
                          landmark_box(result.pixels * result.mask_scale))


BOX_MARGIN = 0.25  # widen the landmarks' box by this fraction of the body height (hair, belly, feet)


def landmark_box(pixels: np.ndarray) -> tuple[int, int, int, int] | None:
    """A rectangle (x0, y0, x1, y1) around all found landmarks, widened by :data:`BOX_MARGIN` of their height."""
    ok = np.isfinite(pixels).all(axis=1)
    if ok.sum() < 4:
        return None
    (x0, y0), (x1, y1) = pixels[ok].min(axis=0), pixels[ok].max(axis=0)
    pad = BOX_MARGIN * max(y1 - y0, x1 - x0)
    return int(x0 - pad), int(y0 - pad), int(np.ceil(x1 + pad)), int(np.ceil(y1 + pad))
