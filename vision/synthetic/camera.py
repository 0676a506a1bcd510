"""Pinhole camera for the synthetic scene, and how to degrade its images.

World frame: x = forward of an un-rotated figure, y = up, z = its right, metres; floor y = 0.
Camera frame (OpenCV convention): x = image right, y = image down, z = viewing direction.
Pixel coordinates: u right, v down, (0, 0) = the top-left corner of the image, so pixel column j
covers u in [j, j + 1) - the same convention as MediaPipe's normalised x times the image width.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Camera:
    """A pinhole camera placed around the figure.

    Attributes
    ----------
    azimuth : float
        Direction from the target to the camera, degrees about the vertical, measured from the
        figure's forward direction: **0 = front view** (camera in front, sees the face), **90 = the
        figure's left side**, 180 = back view, -90 (= 270) = the figure's **right side**. Obliques in
        between (e.g. 45 = front-left).
    distance : float
        Horizontal distance from the target point to the camera centre, metres.
    height : float
        Camera centre height above the floor, metres.
    target : tuple of float or None
        World point (x, y, z) in metres the optical axis passes through; None = (0, 0.9, 0)
        (about the pelvis of a standing adult).
    roll : float
        Rotation of the camera about its optical axis, degrees (a tilted phone or webcam); the
        sign is reported in the truth as the measured tilt of the world vertical in the image.
    width, height_px : int
        Image size in pixels.
    focal : float or None
        Focal length in pixels; None = derived from ``vfov``.
    vfov : float
        Vertical field of view in degrees (used when ``focal`` is None).
    """

    azimuth: float = -90.0
    distance: float = 3.2
    height: float = 1.0
    target: tuple[float, float, float] | None = None
    roll: float = 0.0
    width: int = 640
    height_px: int = 480
    focal: float | None = None
    vfov: float = 50.0

    def replace(self, **changes) -> "Camera":
        return replace(self, **changes)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["focal_px"] = self.focal_px
        d["position"] = [round(float(v), 6) for v in self.position]
        return d

    @property
    def focal_px(self) -> float:
        if self.focal is not None:
            return float(self.focal)
        return 0.5 * self.height_px / np.tan(np.radians(self.vfov) / 2.0)

    @property
    def target_point(self) -> np.ndarray:
        return np.array(self.target if self.target is not None else (0.0, 0.9, 0.0), dtype=float)

    @property
    def position(self) -> np.ndarray:
        a = np.radians(self.azimuth)
        t = self.target_point
        # azimuth 0 -> +x (in front), 90 -> -z (the figure's left)
        return np.array([t[0] + self.distance * np.cos(a), self.height, t[2] - self.distance * np.sin(a)])

    @property
    def rotation(self) -> np.ndarray:
        """World-to-camera rotation (rows = camera x, y, z axes in world coordinates)."""
        c = self.position
        f = self.target_point - c
        f = f / np.linalg.norm(f)
        up = np.array([0.0, 1.0, 0.0])
        r = np.cross(f, up)  # image right
        r /= np.linalg.norm(r)
        d = np.cross(f, r)  # image down
        R = np.vstack([r, d, f])
        if self.roll:
            a = np.radians(self.roll)
            cr, sr = np.cos(a), np.sin(a)
            Rz = np.array([[cr, sr, 0], [-sr, cr, 0], [0, 0, 1.0]])
            R = Rz @ R
        return R

    @property
    def K(self) -> np.ndarray:
        f = self.focal_px
        return np.array([[f, 0, self.width / 2.0], [0, f, self.height_px / 2.0], [0, 0, 1.0]])

    def to_camera(self, pts: np.ndarray) -> np.ndarray:
        """World points (..., 3) -> camera-frame points (..., 3), metres."""
        return (np.asarray(pts, dtype=float) - self.position) @ self.rotation.T

    def project(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points (..., 3) -> pixel coordinates (..., 2) and depth along the optical axis (...)."""
        pc = self.to_camera(pts)
        z = pc[..., 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            u = self.focal_px * pc[..., 0] / z + self.width / 2.0
            v = self.focal_px * pc[..., 1] / z + self.height_px / 2.0
        return np.stack([u, v], axis=-1), z

    def rays(self, scale: int = 1) -> np.ndarray:
        """World-frame unit ray directions for every pixel centre, shape (H*scale, W*scale, 3)."""
        h, w = self.height_px * scale, self.width * scale
        f = self.focal_px * scale
        u = (np.arange(w) + 0.5 - w / 2.0) / f
        v = (np.arange(h) + 0.5 - h / 2.0) / f
        uu, vv = np.meshgrid(u, v)
        d = np.stack([uu, vv, np.ones_like(uu)], axis=-1) @ self.rotation  # camera -> world
        return d / np.linalg.norm(d, axis=-1, keepdims=True)


@dataclass(frozen=True)
class Imaging:
    """How the rendered image is degraded, as a real camera and codec would.

    Attributes
    ----------
    blur : float
        Gaussian blur sigma in pixels (0 = sharp; ~1.5 = a soft webcam; motion blur not modelled).
    noise : float
        Gaussian sensor noise standard deviation in grey levels (0..255 scale).
    jpeg_quality : int or None
        Re-encode each image as JPEG at this quality (1..100) before returning it; None = lossless.
    exposure : float
        Brightness gain (1 = as rendered).
    """

    blur: float = 0.0
    noise: float = 0.0
    jpeg_quality: int | None = None
    exposure: float = 1.0

    def to_dict(self) -> dict:
        return asdict(self)


def handheld_warp(t: float, width: int, height: int) -> np.ndarray:
    """The 2 x 3 affine warp (pixels to pixels, as ``cv2.warpAffine`` takes it) of a phone held in the hand, at
    ``t`` seconds into the clip.

    The picture drifts up to about 2 % of its width and height, turns up to about 1.5 degrees (positive:
    anticlockwise as seen) and zooms up to about 3 % about its centre, smoothly: each motion is two slow sways
    (0.35 and 1.1 Hz) with fixed phases, so a clip shaken twice is shaken the same way. Applied after rendering to
    both the image and the true pixel positions, so the truth is the picture's (see
    :func:`.media_io.write_clip`'s ``handheld``).
    """

    def sway(phase: float) -> float:  # in [-1, 1]
        return 0.65 * np.sin(2 * np.pi * 0.35 * t + phase) + 0.35 * np.sin(2 * np.pi * 1.1 * t + 2.1 * phase)

    angle, scale = np.radians(1.5 * sway(0.4)), 1.0 + 0.03 * sway(2.5)
    a, b = scale * np.cos(angle), scale * np.sin(angle)
    cx, cy = width / 2.0, height / 2.0
    # cv2.getRotationMatrix2D's matrix, then the drift
    return np.array([[a, b, (1 - a) * cx - b * cy + 0.02 * width * sway(1.3)],
                     [-b, a, b * cx + (1 - a) * cy + 0.02 * height * sway(4.0)]])
