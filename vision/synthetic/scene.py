"""Backgrounds: a floor and a wall behind the figure, plain or textured, and a contact shadow.

Everything is ray-traced per pixel from the :class:`~.camera.Camera`, so the floor recedes with the
camera's height and tilt and the horizon turns with its roll.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import cv2
import numpy as np

from .camera import Camera


@dataclass(frozen=True)
class Background:
    """The room behind the figure.

    Attributes
    ----------
    wall, floor : tuple of int
        Base RGB colours.
    wall_texture : str
        ``"plain"``, ``"noise"`` (mottled paint), ``"stripes"`` (vertical wallpaper stripes) or
        ``"tiles"``.
    floor_texture : str
        ``"plain"``, ``"planks"`` (wooden floor) or ``"checker"``.
    wall_distance : float
        Metres from the camera target to the wall, behind the figure as seen from the camera.
    seed : int
        Seed of the texture noise.
    """

    wall: tuple[int, int, int] = (214, 210, 200)
    floor: tuple[int, int, int] = (150, 120, 90)
    wall_texture: str = "noise"
    floor_texture: str = "planks"
    wall_distance: float = 2.0
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


BACKGROUNDS: dict[str, Background] = {
    "studio_plain": Background(wall=(200, 200, 196), floor=(160, 160, 156), wall_texture="plain",
                               floor_texture="plain"),
    "living_room": Background(),
    "green_wall": Background(wall=(150, 175, 140), floor=(110, 90, 70), wall_texture="stripes",
                             floor_texture="planks", seed=3),
    "gym": Background(wall=(120, 130, 150), floor=(70, 70, 74), wall_texture="tiles", floor_texture="checker",
                      seed=5),
    "bright": Background(wall=(238, 232, 220), floor=(190, 170, 140), wall_texture="noise",
                         floor_texture="plain", seed=7),
}


def _value_noise(shape: tuple[int, int], cell: int, rng: np.random.Generator) -> np.ndarray:
    small = rng.random((shape[0] // cell + 2, shape[1] // cell + 2)).astype(np.float32)
    big = cv2.resize(small, (shape[1] + cell * 2, shape[0] + cell * 2), interpolation=cv2.INTER_CUBIC)
    return big[: shape[0], : shape[1]]


def render_background(cam: Camera, bg: Background, scale: int = 1) -> np.ndarray:
    """RGB float32 image (H*scale, W*scale, 3) of the wall and floor, 0..255.

    Traced at the camera resolution and enlarged to ``scale`` (the background needs no supersampling).
    """
    img = _trace_background(cam, bg)
    if scale != 1:
        img = cv2.resize(img, (cam.width * scale, cam.height_px * scale), interpolation=cv2.INTER_LINEAR)
    return img


def wall_plane(cam: Camera, bg: Background) -> tuple[np.ndarray, np.ndarray]:
    """The wall: a vertical plane facing the camera, ``bg.wall_distance`` metres behind the camera's target along
    the camera's horizontal viewing direction. Returns a point on it and its unit normal (pointing away from the
    camera), world axes."""
    t_pt = cam.target_point
    fwd = t_pt - cam.position
    fwd[1] = 0.0
    fwd /= np.linalg.norm(fwd)
    return t_pt + fwd * bg.wall_distance, fwd


def _trace_background(cam: Camera, bg: Background) -> np.ndarray:
    scale = 1
    rays = cam.rays(scale)
    o = cam.position
    h, w = rays.shape[:2]
    img = np.zeros((h, w, 3), np.float32)
    rng = np.random.default_rng(bg.seed)
    wall_p, fwd = wall_plane(cam, bg)
    denom = rays @ fwd
    with np.errstate(divide="ignore", invalid="ignore"):
        t_wall = ((wall_p - o) @ fwd) / denom
        t_floor = -o[1] / rays[..., 1]
    t_wall = np.where(denom > 1e-6, t_wall, np.inf)
    t_floor = np.where(rays[..., 1] < -1e-6, t_floor, np.inf)
    floor_hit = t_floor < t_wall
    # wall coordinates: s along the wall (horizontal), height y
    side = np.cross(fwd, [0.0, 1.0, 0.0])
    pw = o + rays * np.where(np.isfinite(t_wall), t_wall, 0)[..., None]
    ws = pw @ side
    wy = pw[..., 1]
    wall = np.ones((h, w), np.float32)
    if bg.wall_texture == "noise":
        wall = (0.94 + 0.06 * _value_noise((h, w), max(4, 12 * scale), rng)
                + 0.03 * _value_noise((h, w), max(4, 40 * scale), rng))
    elif bg.wall_texture == "stripes":
        wall = 0.92 + 0.08 * (np.floor(ws / 0.12) % 2)
    elif bg.wall_texture == "tiles":
        gx = np.abs(((ws / 0.3) % 1.0) - 0.5) > 0.47
        gy = np.abs(((wy / 0.3) % 1.0) - 0.5) > 0.47
        wall = np.where(gx | gy, 0.75, 1.0).astype(np.float32)
    # skirting board
    wall = np.where(wy < 0.09, 0.8, wall)
    wcol = np.asarray(bg.wall, np.float32)
    img[:] = wall[..., None] * wcol
    # floor coordinates
    pf = o + rays * np.where(np.isfinite(t_floor), t_floor, 0)[..., None]
    fx, fz = pf[..., 0], pf[..., 2]
    fl = np.ones((h, w), np.float32)
    if bg.floor_texture == "planks":
        plank = np.floor(fz / 0.14)
        offs = (plank * 0.37) % 1.0
        seam_z = np.abs(((fz / 0.14) % 1.0) - 0.5) > 0.48
        seam_x = np.abs((((fx / 1.2) + offs) % 1.0) - 0.5) > 0.495
        tone = 0.88 + 0.12 * np.abs(np.sin(plank * 12.9898) * 43758.5453 % 1.0)
        grain = 0.04 * np.sin(fx * 40.0 + np.sin(fz * 7.0) * 2.0)
        fl = np.where(seam_z | seam_x, 0.7, tone + grain).astype(np.float32)
    elif bg.floor_texture == "checker":
        fl = np.where((np.floor(fx / 0.5) + np.floor(fz / 0.5)) % 2 == 0, 1.0, 0.85).astype(np.float32)
    # darken with distance a little (fake falloff)
    dist = np.where(np.isfinite(t_floor), t_floor, 50.0)
    fall = 1.0 - np.clip((dist - 2.0) / 20.0, 0, 0.25)
    fcol = np.asarray(bg.floor, np.float32)
    img = np.where(floor_hit[..., None], (fl * fall)[..., None] * fcol, img)
    return img


def contact_shadow(img: np.ndarray, cam: Camera, points_on_floor: list[np.ndarray], radii: list[float],
                   scale: int = 1, strength: float = 0.45) -> np.ndarray:
    """Darken soft ellipses on the floor under the given world points (x, z used, y ignored)."""
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.float32)
    for p, r in zip(points_on_floor, radii):
        ang = np.linspace(0, 2 * np.pi, 24, endpoint=False)
        ring = np.stack([p[0] + r * np.cos(ang), np.zeros_like(ang) + 0.001, p[2] + r * 0.8 * np.sin(ang)], 1)
        uv, z = cam.project(ring)
        if np.any(z <= 0.05):
            continue
        pts = np.round(uv * scale * 16).astype(np.int32)
        cv2.fillPoly(mask, [pts], 1.0, lineType=cv2.LINE_8, shift=4)
    if not mask.any():
        return img
    k = max(3, int(12 * scale) | 1)
    mask = cv2.GaussianBlur(mask, (0, 0), k / 2.5)
    return img * (1.0 - strength * np.clip(mask, 0, 1))[..., None]
