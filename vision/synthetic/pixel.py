"""A sixth way of drawing the figure: pixel art, as a retro game or a pixel-art animation shows a person.

Held out like :mod:`.ink` (added in session 33, after every threshold was set; nothing is tuned on it). The other
five styles are drawn at the camera's full resolution; a clip from a game, a pixel-art animation or a screen
recording scaled up shows the pose model big square blocks of a few flat colours instead: every edge a staircase,
the knee a corner of blocks. This style keeps the skeleton (and therefore the truth: :func:`~.truth.frame_truth`
reads the joint centres) and the mesh style's body (:mod:`.figure`), and draws it

* **blocky**: the picture is made at :data:`BLOCK_PX` times fewer pixels each way and scaled back up without
  smoothing (:func:`pixelate`);
* in a **small palette** (:data:`PALETTE`, 16 colours of a well-known fantasy console): every block takes the
  nearest of them, so the shading falls into a few bands;
* under **toon light** (:data:`TOON`, three tones), in **plain rooms** (:data:`SCENES`), in close-fitting
  **game outfits** (:data:`OUTFITS`), one in shorts.

:func:`restyle` turns any scripted :class:`~.movements.Clip` into this style with the clip's postures,
placements and props.
"""

from __future__ import annotations

import cv2
import numpy as np

from .body import Appearance
from .camera import Imaging
from .capsule import restyled
from .render import Lighting
from .scene import Background

STYLE = "pixel"

BLOCK_PX = 4
"""Side of one block of the pixel art, in pixels of the finished (640 x 480) picture."""

PALETTE = np.array([
    (0, 0, 0), (29, 43, 83), (126, 37, 83), (0, 135, 81), (171, 82, 54), (95, 87, 79), (194, 195, 199),
    (255, 241, 232), (255, 0, 77), (255, 163, 0), (255, 236, 39), (0, 228, 54), (41, 173, 255), (131, 118, 156),
    (255, 119, 168), (255, 204, 170)], dtype=np.float32)
"""The 16 colours every block is drawn in (the PICO-8 palette)."""

TOON = Lighting(key=(-0.5, -0.8, -0.6), ambient=0.45, diffuse=0.6, sky=0.0, bands=3, tint=(1.0, 1.0, 1.0))
"""Three flat tones of a key light above-front-left of the camera."""

OUTFITS: dict[str, Appearance] = {
    "knight": Appearance(skin=(255, 204, 170), hair=(95, 87, 79), shirt=(194, 195, 199), trousers=(29, 43, 83),
                         shoes=(0, 0, 0), hair_style="short", sleeves="long"),
    "runner": Appearance(skin=(171, 82, 54), hair=(0, 0, 0), shirt=(255, 0, 77), trousers=(41, 173, 255),
                         shoes=(255, 241, 232), hair_style="short", sleeves="short", legwear="shorts"),
    "forest": Appearance(skin=(255, 204, 170), hair=(255, 163, 0), shirt=(0, 135, 81), trousers=(95, 87, 79),
                         shoes=(0, 0, 0), hair_style="long", sleeves="long"),
    "plum": Appearance(skin=(255, 204, 170), hair=(0, 0, 0), shirt=(126, 37, 83), trousers=(131, 118, 156),
                       shoes=(29, 43, 83), hair_style="long", sleeves="short"),
}
"""Game outfits in the palette's colours: a grey top over navy; a red shirt over blue shorts (bare legs); a green
top over grey; a plum top over lavender trousers."""

SCENES: dict[str, Background] = {
    "dungeon": Background(wall=(95, 87, 79), floor=(171, 82, 54), wall_texture="tiles", floor_texture="plain",
                          wall_distance=2.4, seed=61),
    "sky": Background(wall=(41, 173, 255), floor=(0, 135, 81), wall_texture="plain", floor_texture="plain",
                      wall_distance=3.0, seed=62),
    "sand": Background(wall=(255, 241, 232), floor=(255, 204, 170), wall_texture="plain", floor_texture="checker",
                       wall_distance=2.6, seed=63),
}
"""Rooms of this style: a grey tiled wall over a brown floor; a blue sky over green grass; a cream wall over a
checked sand floor."""


def pixelate(img: np.ndarray, block: int) -> np.ndarray:
    """Pixel art of a picture: the mean colour of each ``block`` x ``block`` square, mapped to the nearest colour
    of :data:`PALETTE` and drawn as a flat square.

    Parameters
    ----------
    img : ndarray (H, W, 3) float
        RGB, 0..255.
    block : int
        Side of a square, pixels of ``img``.

    Returns
    -------
    ndarray (H, W, 3) float32
    """
    h, w = img.shape[:2]
    small = cv2.resize(np.asarray(img, np.float32), (max(1, w // block), max(1, h // block)),
                       interpolation=cv2.INTER_AREA)
    d = ((small[:, :, None, :] - PALETTE[None, None]) ** 2).sum(axis=-1)
    small = PALETTE[np.argmin(d, axis=-1)]
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)


def restyle(clip, *, outfit: str = "knight", build: str | None = None, scene: str = "dungeon",
            camera_height: float | None = None, camera_distance: float | None = None, pole: str | None = None,
            imaging: Imaging | None = None, name: str | None = None):
    """The same scripted clip drawn in the pixel-art style (same postures, placements and props, so the same truth
    for a given build).

    The parameters are :func:`.capsule.restyle`'s, with ``outfit`` a key of :data:`OUTFITS` and ``scene`` one of
    :data:`SCENES` (default imaging: no blur, no noise, light compression, as a screen recording).

    Returns
    -------
    Clip
        The mesh figure under :data:`TOON`, pixelated (:func:`pixelate`), named with ``_pixel`` appended; its
        notes record the style, outfit, scene, build and pole.
    """
    return restyled(clip, STYLE, "Pixel-art", 500, OUTFITS[outfit], outfit, build, SCENES[scene], scene,
                    imaging or Imaging(blur=0.0, noise=0.0, jpeg_quality=92), TOON, pole, camera_height,
                    camera_distance, name)
