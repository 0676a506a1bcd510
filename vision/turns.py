"""Show the pose model a frame turned a quarter, and map what it finds back to the frame.

MediaPipe's person detector and landmark model are made for people upright in the picture. A person lying
side-on to the camera lies across it, and the model often finds nobody: on three rendered prone knee bends of
a held-out mannequin it found the person lying in 0, 27 and 39 % of the frames, and in 99-100 % of the same
frames turned a quarter (``benchmarks/eval_movement.py``). Turning
does not mirror, so the person's left and right stay as they are; the result is mapped back exactly:

* landmarks (normalised x, y; z in units of the frame width): for a clockwise turn, the turned frame's
  ``(u, v)`` is the frame's ``(1 - v, u)``; counter-clockwise ``(v, 1 - u)``; z is rescaled from the turned
  frame's width (the frame's height) to the frame's width;
* world landmarks (metres, x to the image right, y down): their x and y axes turned back the same way;
* the segmentation mask turned back, so that its outline is traced in the frame's own pixels.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vision.estimator import PoseResult

__all__ = ["TURNS", "turn_frame", "unturn_result", "turn_box", "unturn_box"]

TURNS = {1: "a quarter turn clockwise", 3: "a quarter turn counter-clockwise"}  # np.rot90's k = -turn


def turn_frame(rgb: np.ndarray, turn: int) -> np.ndarray:
    """The frame turned ``turn`` quarters clockwise (0: itself), contiguous for the model."""
    return rgb if turn % 4 == 0 else np.ascontiguousarray(np.rot90(rgb, k=-turn))


def unturn_result(res: PoseResult, turn: int) -> PoseResult:
    """The pose found on :func:`turn_frame` ``(rgb, turn)`` in the coordinates of ``rgb`` itself.

    Parameters
    ----------
    res : PoseResult
        What the model found on the turned frame (its ``image_size`` is the turned frame's).
    turn : int
        Quarter turns clockwise that were applied (1 or 3; 0 returns ``res``).
    """
    turn %= 4
    if turn == 0:
        return res
    if turn not in TURNS:
        raise ValueError(f"turn must be 0, 1 or 3 quarter turns, not {turn}")
    w_t, h_t = res.image_size
    size = (h_t, w_t)  # the frame's (width, height)
    lm, world = res.landmarks.copy(), res.world.copy()
    u, v = res.landmarks[:, 0], res.landmarks[:, 1]
    wx, wy = res.world[:, 0], res.world[:, 1]
    if turn == 1:  # clockwise: frame (u, v) -> turned (1 - v, u)
        lm[:, 0], lm[:, 1] = v, 1.0 - u
        world[:, 0], world[:, 1] = wy, -wx
    else:  # counter-clockwise: frame (u, v) -> turned (v, 1 - u)
        lm[:, 0], lm[:, 1] = 1.0 - v, u
        world[:, 0], world[:, 1] = -wy, wx
    lm[:, 2] = res.landmarks[:, 2] * np.float32(w_t / h_t)  # z in the frame's width: the turned frame's height
    mask = None if res.segmentation is None else np.ascontiguousarray(np.rot90(res.segmentation, k=turn))
    return replace(res, landmarks=lm, world=world, image_size=size, segmentation=mask)


def turn_box(box: tuple[float, float, float, float], turn: int) -> tuple[float, float, float, float]:
    """A box ``(x0, y0, x1, y1)`` (fractions of the frame's width and height) in the frame turned ``turn`` quarters
    clockwise (:func:`turn_frame`), as fractions of the turned frame's."""
    x0, y0, x1, y1 = box
    turn %= 4
    if turn == 1:  # frame (u, v) -> turned (1 - v, u)
        return 1.0 - y1, x0, 1.0 - y0, x1
    if turn == 3:  # frame (u, v) -> turned (v, 1 - u)
        return y0, 1.0 - x1, y1, 1.0 - x0
    return box


def unturn_box(box: tuple[float, float, float, float], turn: int) -> tuple[float, float, float, float]:
    """The inverse of :func:`turn_box`: a box in the turned frame back in the frame's own fractions."""
    a0, b0, a1, b1 = box
    turn %= 4
    if turn == 1:  # turned (a, b) -> frame (b, 1 - a)
        return b0, 1.0 - a1, b1, 1.0 - a0
    if turn == 3:  # turned (a, b) -> frame (1 - b, a)
        return 1.0 - b1, a0, 1.0 - b0, a1
    return box
