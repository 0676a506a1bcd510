"""Capture-quality checks on landmark tracks: is the whole body in the frame, how visible is it.

Inputs are normalised landmark coordinates (x right, y down, 0..1 inside the frame) and MediaPipe
visibility (0..1), with NaN for frames where no person was found.
"""

from __future__ import annotations

import numpy as np

# Body regions whose absence a user can fix by moving or turning the camera (MediaPipe indices).
REGIONS = {
    "head": (0, 7, 8),  # nose, ears
    "shoulders": (11, 12),
    "hips": (23, 24),
    "knees": (25, 26),
    "feet": (27, 28, 29, 30),  # ankles, heels
}
VISIBLE = 0.5  # engineering choice: MediaPipe visibility above which a landmark counts as seen
IN_FRAME_MARGIN = 0.0  # fraction of the frame; a landmark on the border still counts as inside


def region_in_frame(landmarks: np.ndarray, visibility: np.ndarray) -> dict[str, np.ndarray]:
    """Per region and frame, whether at least one of its landmarks is seen inside the frame.

    Parameters
    ----------
    landmarks : ndarray, shape (T, 33, 2 or 3)
        Normalised coordinates; NaN in gap frames.
    visibility : ndarray, shape (T, 33)

    Returns
    -------
    dict of str to ndarray of bool, shape (T,)
        False in gap frames.
    """
    xy = np.asarray(landmarks)[..., :2]
    with np.errstate(invalid="ignore"):
        inside = np.all((xy >= -IN_FRAME_MARGIN) & (xy <= 1 + IN_FRAME_MARGIN), axis=-1)
        seen = inside & (np.asarray(visibility) >= VISIBLE)
    return {name: seen[:, list(idx)].any(axis=1) for name, idx in REGIONS.items()}


def framing_advice(missing: list[str]) -> str:
    """A plain instruction for the regions that were out of the picture."""
    if not missing:
        return ""
    if "head" in missing and "feet" in missing:
        return "move the camera further away so your whole body, head to feet, is in the picture"
    if "feet" in missing or "knees" in missing:
        return "step back or tilt the camera down until your feet are in the picture"
    if "head" in missing:
        return "step back or tilt the camera up until your head is in the picture"
    return "stand in the middle of the picture with your whole body in view"


def framing_summary(landmarks: np.ndarray, visibility: np.ndarray, min_fraction: float = 0.5) -> dict:
    """Summarise how often each body region was in view over the frames with a person.

    A region counts as missing when it was seen in fewer than ``min_fraction`` of those frames.

    Returns
    -------
    dict
        ``fraction_in_frame`` per region (0..1, over frames with a person), ``whole_body_fraction``
        (frames where every region was seen), ``missing`` (list of region names) and ``advice``.
    """
    det = ~np.isnan(np.asarray(landmarks)[:, 0, 0])
    regions = region_in_frame(landmarks, visibility)
    n = int(det.sum())
    if n == 0:
        return {"fraction_in_frame": {}, "whole_body_fraction": 0.0, "missing": list(REGIONS), "advice": framing_advice(list(REGIONS))}
    frac = {k: float(v[det].mean()) for k, v in regions.items()}
    whole = float(np.all(np.stack([v[det] for v in regions.values()]), axis=0).mean())
    missing = [k for k, f in frac.items() if f < min_fraction]
    return {"fraction_in_frame": frac, "whole_body_fraction": whole, "missing": missing, "advice": framing_advice(missing)}
