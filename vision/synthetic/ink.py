"""A fifth way of drawing the figure: a flat-coloured cartoon with black ink outlines.

Held out like :mod:`.mannequin` and :mod:`.loose` (added in session 31, after every threshold was set; nothing
is tuned on it). The other four styles are all shaded 3D renders: the pose model and the body outline see the
limbs' roundness in their shading. A person checking the program with a drawn clip, or a clip from an animation
tool, shows it something else, and this style stands for that: the skeleton (and therefore the truth:
:func:`~.truth.frame_truth` reads the joint centres) and the mesh style's body (:mod:`.figure`), drawn

* **flat**: one colour per garment, no shading at all, no highlight (:data:`FLAT`);
* **inked**: a black line around the silhouette and between parts (thigh and shank, arm and trunk, head and
  neck), as a cartoonist draws them (:func:`ink_lines`, :data:`LINE_PX` wide);
* in **cartoon outfits** (:data:`OUTFITS`): bright, close-fitting clothes, one in shorts, and one as pale as its
  wall;
* in **plain rooms** (:data:`SCENES`): flat pastel walls and floors, and a clean picture (no sensor noise).

:func:`restyle` turns any scripted :class:`~.movements.Clip` into this style with the clip's postures,
placements and props.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from .body import Appearance
from .camera import Camera, Imaging
from .capsule import restyled
from .figure import figure_parts
from .kinematics import Skeleton
from .mesh import Part
from .render import Lighting, render_parts
from .scene import Background

STYLE = "ink"

FLAT = Lighting(key=(0.0, -1.0, 0.0), ambient=1.0, diffuse=0.0, sky=0.0, bands=0, tint=(1.0, 1.0, 1.0))
"""No shading: every surface shows its own colour."""

LINE_PX = 2.0
"""Width of the ink lines, pixels of the finished picture."""

INK = (22, 20, 26)
"""Colour of the ink lines."""

OUTFITS: dict[str, Appearance] = {
    "hero": Appearance(skin=(250, 206, 170), hair=(30, 24, 20), shirt=(216, 40, 48), trousers=(36, 72, 180),
                       shoes=(240, 200, 40), hair_style="short", sleeves="short"),
    "cartoon_kid": Appearance(skin=(150, 98, 66), hair=(20, 16, 14), shirt=(252, 214, 60), trousers=(60, 120, 220),
                              shoes=(230, 60, 50), hair_style="short", sleeves="short", legwear="shorts",
                              socks=(250, 250, 250)),
    "green_suit": Appearance(skin=(236, 190, 150), hair=(160, 60, 30), shirt=(60, 170, 90), trousers=(60, 170, 90),
                             shoes=(30, 30, 30), hair_style="long", sleeves="long"),
    "pale": Appearance(skin=(244, 214, 190), hair=(220, 190, 120), shirt=(236, 232, 240), trousers=(228, 226, 232),
                       shoes=(200, 200, 210), hair_style="long", sleeves="long"),
}
"""Cartoon clothes, close-fitting: a red top over blue tights; a yellow T-shirt over blue shorts (bare legs); one
green suit (top and legs the same colour, so only the ink shows where they meet); all pale, on a pale wall."""

SCENES: dict[str, Background] = {
    "pastel": Background(wall=(196, 226, 236), floor=(236, 214, 170), wall_texture="plain", floor_texture="plain",
                         wall_distance=2.5, seed=51),
    "paper": Background(wall=(246, 242, 232), floor=(226, 220, 206), wall_texture="plain", floor_texture="plain",
                        wall_distance=3.0, seed=52),
}
"""Rooms of this style: a pale blue wall over a sand floor; an off-white wall over a paper-grey floor."""


def ink_parts(sk: Skeleton, app: Appearance | None = None) -> list[Part]:
    """The mesh figure's parts (:func:`.figure.figure_parts`) of the posed skeleton ``sk`` in the colours ``app``
    (see :data:`OUTFITS`), without highlights, for flat colour."""
    return [replace(p, shine=0.0) for p in figure_parts(sk, app or Appearance())]


def ink_lines(img: np.ndarray, parts: list[Part], cam: Camera, scale: int) -> np.ndarray:
    """Draw the ink over a rendered picture: a line wherever the front-most part changes (the silhouette against
    the room, and one part against another).

    Parameters
    ----------
    img : ndarray (H*scale, W*scale, 3) float32
        The flat-coloured picture (supersampled).
    parts : list of Part
        The parts drawn in it (figure and props).
    cam : Camera
        The camera.
    scale : int
        Supersampling factor of ``img``.

    Returns
    -------
    ndarray
        ``img`` with the lines drawn in :data:`INK` (a copy).
    """
    ids = [replace(p, colors=np.broadcast_to(np.array([(k + 1) % 256, (k + 1) // 256, 0], float),
                                             p.colors.shape).copy(), shine=0.0) for k, p in enumerate(parts)]
    label, _ = render_parts(ids, cam, np.zeros(img.shape, np.float32), scale, lighting=FLAT)
    code = np.round(label[..., 0]).astype(np.int32) + 256 * np.round(label[..., 1]).astype(np.int32)
    edge = np.zeros(code.shape, bool)
    edge[:, 1:] |= code[:, 1:] != code[:, :-1]
    edge[1:, :] |= code[1:, :] != code[:-1, :]
    width = max(1, int(round(LINE_PX * scale)))
    edge = cv2.dilate(edge.astype(np.uint8), np.ones((width, width), np.uint8)) > 0
    out = img.copy()
    out[edge] = INK
    return out


def restyle(clip, *, outfit: str = "hero", build: str | None = None, scene: str = "pastel",
            camera_height: float | None = None, camera_distance: float | None = None, pole: str | None = None,
            imaging: Imaging | None = None, name: str | None = None):
    """The same scripted clip drawn in the ink style (same postures, placements and props, so the same truth for a
    given build).

    The parameters are :func:`.capsule.restyle`'s, with ``outfit`` a key of :data:`OUTFITS` and ``scene`` one of
    :data:`SCENES` (default imaging: a clean picture, a trace of blur and light compression).

    Returns
    -------
    Clip
        Drawn with :func:`ink_parts` under :data:`FLAT` and inked (:func:`ink_lines`), named with ``_ink``
        appended; its notes record the style, outfit, scene, build and pole.
    """
    return restyled(clip, STYLE, "Ink-cartoon", 400, OUTFITS[outfit], outfit, build, SCENES[scene], scene,
                    imaging or Imaging(blur=0.3, noise=0.0, jpeg_quality=90), FLAT, pole, camera_height,
                    camera_distance, name)
