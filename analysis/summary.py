"""A short summary of a landmark track: how much of it holds a person, how well seen, from which view."""

from __future__ import annotations

import numpy as np

from analysis.quality import framing_summary, seen_in_frame
from analysis.view import body_yaw, typical_yaw, view_label, view_yaw


def track_summary(landmarks: np.ndarray, visibility: np.ndarray, world: np.ndarray,
                  image_size: np.ndarray | None = None) -> dict:
    """Summarise a track (JSON-ready).

    Parameters
    ----------
    landmarks : ndarray, shape (T, 33, 3)
        Normalised coordinates, NaN in frames without a person.
    visibility : ndarray, shape (T, 33)
    world : ndarray, shape (T, 33, 3)
        World landmarks in metres.
    image_size : ndarray, shape (T, 2), optional
        Frame (width, height) in pixels: the view is then checked against the picture
        (:func:`analysis.view.view_yaw`), as the standing assessment does.

    Returns
    -------
    dict
        ``frames`` (T), ``frames_with_person``, ``person_fraction`` (0..1), ``mean_visibility``
        (0..1 over all landmarks of frames with a person; None when there are none), ``view``
        (label and ``yaw_deg``, see :mod:`analysis.view`) and ``framing`` (see
        :func:`analysis.quality.framing_summary`).
    """
    det = ~np.isnan(np.asarray(landmarks)[:, 0, 0])
    n, t = int(det.sum()), len(det)
    if n and image_size is not None:
        px = np.asarray(landmarks, dtype=np.float64)[det, :, :2] * np.asarray(image_size, dtype=np.float64)[det, None, :]
        px[~seen_in_frame(np.asarray(landmarks)[det], np.asarray(visibility)[det])] = np.nan
        yaw = view_yaw(np.asarray(world)[det], px)
    else:
        yaw = typical_yaw(body_yaw(world[det])) if n else float("nan")
    return {
        "frames": t,
        "frames_with_person": n,
        "person_fraction": n / t if t else 0.0,
        "mean_visibility": float(np.mean(visibility[det])) if n else None,
        "view": {"label": view_label(yaw), "yaw_deg": None if np.isnan(yaw) else round(yaw, 1)},
        "framing": framing_summary(landmarks, visibility),
    }
