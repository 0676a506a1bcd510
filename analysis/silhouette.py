"""Back and front profiles of the trunk and pelvis from a side-view outline and the landmarks.

Pure NumPy. Inputs are an outline of the person (``(N, 2)`` pixels, x right, y down, a closed polygon,
e.g. from :func:`vision.contour.person_outline`) and the same frame's 33 MediaPipe landmarks in pixels.

Trunk frame
-----------
* **Height** ``h`` is measured along the trunk axis (hip midpoint -> shoulder midpoint) and divided by
  the trunk length ``L`` (distance between those midpoints, pixels): ``h = 0`` at hip level, ``h = 1``
  at shoulder level, negative below the hips (knee level is typically about -0.9 ... -1.0).
* **Offset** ``s`` is the perpendicular distance from the trunk axis line, **positive = posterior**
  (towards the person's back, away from the face), negative = anterior. ``s`` is given in pixels and as
  a fraction of ``L``.
* At each height the outline is cut by the line perpendicular to the trunk axis; of the stretches of
  that line that lie inside the outline, the one containing the body's centre line (the trunk axis
  above the hips, the hip->knee line below them) is taken; its posterior end is the **back edge**
  and its anterior end the **front edge**. An arm that touches the trunk in the mask widens that
  stretch (the mask cannot separate them); an arm with background between it and the trunk does not.

Facing direction ``facing``: ``+1`` = the person faces the image right, ``-1`` = faces the image left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

L_SHOULDER, R_SHOULDER, L_HIP, R_HIP, L_KNEE, R_KNEE = 11, 12, 23, 24, 25, 26
L_ANKLE, R_ANKLE = 27, 28

DEFAULT_HEIGHTS = np.round(np.arange(-0.9, 1.0 + 1e-9, 0.02), 4)


@dataclass
class TrunkProfile:
    """Back and front edges of the trunk/pelvis/thighs at a set of heights (see the module docstring).

    Attributes
    ----------
    heights : ndarray, shape (M,)
        Normalised heights along the trunk axis (0 = hip level, 1 = shoulder level).
    back, front : ndarray, shape (M,)
        Offsets of the back and front edge from the trunk axis as a fraction of the trunk length,
        positive = posterior. NaN where the cut missed the body.
    trunk_length_px : float
        Hip-midpoint to shoulder-midpoint distance in pixels.
    origin : ndarray, shape (2,)
        Hip midpoint (pixels).
    axis : ndarray, shape (2,)
        Unit vector along the trunk, hip -> shoulder (pixels' x right, y down).
    posterior : ndarray, shape (2,)
        Unit vector perpendicular to ``axis`` pointing to the person's back.
    facing : int
        +1 facing image right, -1 facing image left.
    knee_height : float
        Normalised height of the knee midpoint (NaN when the knees are missing).
    """

    heights: np.ndarray
    back: np.ndarray
    front: np.ndarray
    trunk_length_px: float
    origin: np.ndarray
    axis: np.ndarray
    posterior: np.ndarray
    facing: int
    knee_height: float

    @property
    def back_px(self) -> np.ndarray:
        """Back-edge offsets in pixels (positive = posterior)."""
        return self.back * self.trunk_length_px

    @property
    def front_px(self) -> np.ndarray:
        """Front-edge offsets in pixels (positive = posterior, so usually negative)."""
        return self.front * self.trunk_length_px

    @property
    def depth(self) -> np.ndarray:
        """Back-to-front thickness at each height, fraction of trunk length."""
        return self.back - self.front

    def to_pixels(self, heights, offsets) -> np.ndarray:
        """Image pixels (..., 2) of points given as normalised height and offset (fractions of L)."""
        h = np.asarray(heights, dtype=float)[..., None]
        s = np.asarray(offsets, dtype=float)[..., None]
        return self.origin + self.trunk_length_px * (h * self.axis + s * self.posterior)

    def value_at(self, edge: str, h: float) -> float:
        """Offset of ``edge`` (``"back"``/``"front"``) at normalised height ``h`` (linear interpolation)."""
        y = getattr(self, edge)
        ok = np.isfinite(y)
        if ok.sum() < 2 or h < self.heights[ok][0] or h > self.heights[ok][-1]:
            return float("nan")
        return float(np.interp(h, self.heights[ok], y[ok]))


def trunk_frame(px: np.ndarray, facing: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Origin (hip midpoint), unit trunk axis, unit posterior direction and trunk length in pixels.

    Raises ``ValueError`` when the hips or shoulders are missing or coincide, or ``facing`` is not +1/-1.
    """
    if facing not in (1, -1):
        raise ValueError(f"facing must be +1 (image right) or -1 (image left), got {facing}")
    px = np.asarray(px, dtype=float)
    hip = (px[L_HIP] + px[R_HIP]) / 2
    sh = (px[L_SHOULDER] + px[R_SHOULDER]) / 2
    d = sh - hip
    L = float(np.hypot(*d))
    if not np.isfinite(L) or L < 1e-6:
        raise ValueError("hips and shoulders are needed (and must not coincide) to set up the trunk frame")
    u = d / L
    # rotate u by +90 deg on screen -> (-uy, ux) points to the image right when u points up;
    # the back is on the side away from the face
    posterior = -facing * np.array([-u[1], u[0]])
    return hip, u, posterior, L


def _cuts(h_pts: np.ndarray, s_pts: np.ndarray, hs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offsets where the closed polygon (h_pts, s_pts) crosses each height in ``hs``, for all heights at once.

    Returns ``(offsets, counts)``: ``offsets[:counts[i], i]`` are the crossings at ``hs[i]``, sorted
    (the rest of each column is NaN).
    """
    h0, h1 = h_pts[:, None], np.roll(h_pts, -1)[:, None]
    s0, s1 = s_pts[:, None], np.roll(s_pts, -1)[:, None]
    # half-open rule so a vertex exactly at h is counted once
    cross = (h0 <= hs) != (h1 <= hs)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = s0 + (hs - h0) / (h1 - h0) * (s1 - s0)
    return np.sort(np.where(cross, s, np.nan), axis=0), cross.sum(axis=0)


def trunk_profile(outline: np.ndarray, px: np.ndarray, facing: int,
                  heights: np.ndarray | None = None) -> TrunkProfile:
    """Back and front edges of the body at normalised heights along the trunk axis.

    Parameters
    ----------
    outline : ndarray, shape (N, 2)
        Closed outline polygon in pixels (x right, y down); order and start do not matter.
    px : ndarray, shape (33, 2)
        Landmark pixels of the same frame, MediaPipe order.
    facing : int
        +1 facing the image right, -1 facing the image left (:func:`analysis.view.facing_from_landmarks`).
    heights : ndarray, optional
        Normalised heights (0 = hips, 1 = shoulders); default -0.9 .. 1.0 in steps of 0.02.

    Returns
    -------
    TrunkProfile
        Offsets as fractions of the trunk length, positive = posterior; NaN at heights where the cut
        line does not meet the body.

    Raises
    ------
    ValueError
        Outline with NaN or fewer than 3 points, missing hips/shoulders, or ``facing`` not +1/-1.
    """
    outline = np.asarray(outline, dtype=float)
    if outline.ndim != 2 or outline.shape[1] != 2 or len(outline) < 3 or not np.all(np.isfinite(outline)):
        raise ValueError("outline must be a finite (N, 2) array with N >= 3")
    px = np.asarray(px, dtype=float)
    hip, u, n, L = trunk_frame(px, facing)
    hs = DEFAULT_HEIGHTS if heights is None else np.asarray(heights, dtype=float)
    rel = outline - hip
    h_pts = rel @ u / L
    s_pts = rel @ n / L
    knee = (px[L_KNEE] + px[R_KNEE]) / 2
    kh = float((knee - hip) @ u / L) if np.all(np.isfinite(knee)) else float("nan")
    ks = float((knee - hip) @ n / L) if np.all(np.isfinite(knee)) else float("nan")
    back = np.full(len(hs), np.nan)
    front = np.full(len(hs), np.nan)
    cuts, counts = _cuts(h_pts, s_pts, hs)
    for i, h in enumerate(hs):
        c = cuts[:counts[i], i]
        if len(c) < 2:
            continue
        # body centre line at this height: trunk axis above the hips, hip->knee line below them
        centre = ks * h / kh if (h < 0 and np.isfinite(kh) and kh < -0.05) else 0.0
        starts, ends = c[0:-1:2], c[1::2]
        inside = (starts <= centre) & (ends >= centre)
        if inside.any():
            j = int(np.argmax(inside))
        else:  # the centre line missed (e.g. a bent knee): take the nearest stretch
            j = int(np.argmin(np.minimum(np.abs(starts - centre), np.abs(ends - centre))))
        back[i], front[i] = ends[j], starts[j]
    return TrunkProfile(hs.copy(), back, front, L, hip, u, n, int(facing), kh)
