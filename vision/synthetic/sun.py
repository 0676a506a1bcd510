"""A tenth way of filming the figure: outdoors in a low sun, with the body's hard shadow beside it.

Held out like :mod:`.larger` (added in session 48, after every threshold was set; nothing is tuned on it). The nine
other styles light the figure softly, with at most a faint round shadow under the feet. A client filming in a
garden or a yard in the morning or evening sun, or a trainer filming a squad by a sunlit wall, gives the pose
model and the person's outline something else: a **sharp, dark, body-shaped shadow** cast by a low sun across the
ground and up the wall behind, its legs starting at the person's feet and moving with theirs, as a second, darker
pair of legs would (:func:`cast_shadow`). The figure is the mesh style's (:mod:`.figure`, so the truth is the same:
:func:`~.truth.frame_truth` reads the joint centres), lit hard from one side (:data:`SUN`), in

* :data:`OUTFITS`: sports kit (a yellow running vest over black shorts, bare legs; black top and black tights,
  dark as the shadow; a white tee over khaki shorts on pale legs; a striped football shirt over blue shorts, with
  long socks);
* :data:`SCENES`: a garden fence over a lawn, a pale rendered wall over paving, a brick-red yard wall over
  concrete;
* :data:`IMAGING`: a phone in bright sun, sharp and a little over-exposed (pale skin and walls lose detail).

:func:`restyle` turns any scripted :class:`~.movements.Clip` into this style with the clip's postures,
placements and props.
"""

from __future__ import annotations

import cv2
import numpy as np

from .body import Appearance
from .camera import Camera, Imaging
from .capsule import restyled
from .render import Lighting, part_quads
from .scene import Background, wall_plane

STYLE = "sun"

SUN = Lighting(key=(0.55, -0.45, -0.75), ambient=0.28, diffuse=0.85, sky=0.1, bands=0, tint=(1.0, 0.96, 0.88))
"""A low sun to the right of and behind the camera (camera axes: x image right, y image down, z viewing
direction): the figure's right-hand side in the picture bright, its left in shade, its shadow thrown to the left
and away, over the ground and up the wall."""

SHADOW = 0.58
"""How much of the light the shadow takes from the ground and the wall it falls on (0..1)."""

IMAGING = Imaging(blur=0.5, noise=2.0, jpeg_quality=75, exposure=1.2)
"""A phone in bright sun: sharp, little noise, a little over-exposed."""

OUTFITS: dict[str, Appearance] = {
    "running_vest": Appearance(skin=(200, 150, 115), hair=(45, 32, 22), shirt=(225, 230, 40), trousers=(25, 25, 28),
                               shoes=(240, 240, 240), hair_style="short", sleeves="short", legwear="shorts"),
    "black_tights": Appearance(skin=(230, 190, 160), hair=(30, 22, 18), shirt=(30, 30, 34), trousers=(18, 18, 20),
                               shoes=(30, 30, 30), hair_style="long", sleeves="long"),
    "white_tee": Appearance(skin=(240, 205, 180), hair=(190, 150, 90), shirt=(245, 245, 240), trousers=(180, 160, 115),
                            shoes=(110, 80, 60), hair_style="long", sleeves="short", legwear="shorts"),
    "football_kit": Appearance(skin=(95, 62, 45), hair=(15, 12, 10), shirt=(200, 30, 35), trousers=(30, 60, 150),
                               shoes=(20, 20, 20), hair_style="bald", sleeves="short", legwear="shorts",
                               shirt_stripes=(240, 240, 240), socks=(200, 30, 35)),
}
"""Sports kit in the sun: a yellow vest over black shorts; all black; a white tee over khaki shorts; a red and white
striped shirt over blue shorts with red socks."""

SCENES: dict[str, Background] = {
    "garden": Background(wall=(150, 110, 70), floor=(85, 140, 60), wall_texture="stripes", floor_texture="plain",
                         wall_distance=2.5, seed=101),
    "patio": Background(wall=(235, 228, 210), floor=(175, 170, 160), wall_texture="noise", floor_texture="checker",
                        wall_distance=1.8, seed=102),
    "yard": Background(wall=(170, 80, 60), floor=(160, 160, 155), wall_texture="tiles", floor_texture="plain",
                       wall_distance=3.0, seed=103),
}
"""Outdoor places: a wooden garden fence over a lawn; a pale rendered wall over paving slabs; a brick-red yard wall
over concrete."""


def sun_direction(cam: Camera, lighting: Lighting = SUN) -> np.ndarray:
    """Unit vector towards the sun in world axes (y up), from ``lighting.key`` in ``cam``'s axes."""
    d = np.asarray(lighting.key, dtype=float) @ cam.rotation
    return d / np.linalg.norm(d)


def cast_shadow(img: np.ndarray, parts: list, cam: Camera, background: Background, scale: int,
                lighting: Lighting = SUN, strength: float = SHADOW) -> np.ndarray:
    """The background ``img`` with the hard shadow of ``parts`` cast by the sun on the floor (y = 0) and on the wall.

    Each surface point is moved away from the sun to the first of the floor and the wall it meets; the shadow's
    quads are filled in a mask (edges softened by about a pixel, as a real sun's are) that darkens the background
    by ``strength``.

    Parameters
    ----------
    img : ndarray (H*scale, W*scale, 3) float
        The background (floor and wall) at the supersampled resolution.
    parts : list of Part
        The figure's and props' surfaces, world metres.
    cam : Camera
    background : Background
        The room (for the wall's place).
    scale : int
        Supersampling factor of ``img``.
    """
    sun = sun_direction(cam, lighting)
    if sun[1] <= 1e-3:
        return img
    wall_p, wall_n = wall_plane(cam, background)
    mask = np.zeros(img.shape[:2], np.float32)
    towards_wall = -(sun @ wall_n)  # > 0: the shadow travels towards the wall
    for part in parts:
        q = part_quads(part)[0]  # (N, 4, 3)
        t_floor = q[..., 1] / sun[1]
        if towards_wall > 1e-6:
            t_wall = ((wall_p - q) @ wall_n) / towards_wall
            t = np.where((t_wall >= 0) & (t_wall < t_floor), t_wall, t_floor)
        else:
            t = t_floor
        uv, z = cam.project(q - t[..., None] * sun)
        keep = np.all(z > 0.05, axis=1) & np.all(np.isfinite(uv), axis=(1, 2))
        for p in np.round(uv[keep] * scale * 16).astype(np.int32):
            cv2.fillConvexPoly(mask, p, 1.0, cv2.LINE_8, 4)
    if not mask.any():
        return img
    mask = cv2.GaussianBlur(mask, (0, 0), 0.8 * scale)
    return img * (1.0 - strength * np.clip(mask, 0, 1))[..., None]


def restyle(clip, *, outfit: str = "running_vest", build: str | None = None, scene: str = "garden",
            camera_height: float | None = None, camera_distance: float | None = None, pole: str | None = None,
            imaging: Imaging | None = None, name: str | None = None):
    """The same scripted clip filmed in this style (same postures, placements and props, so the same truth for a
    given build).

    The parameters are :func:`.capsule.restyle`'s, with ``outfit`` a key of :data:`OUTFITS` and ``scene`` one of
    :data:`SCENES` (default imaging :data:`IMAGING`).

    Returns
    -------
    Clip
        The mesh figure under :data:`SUN` with its cast shadow (:func:`cast_shadow`), named with ``_sun``
        appended; its notes record the style, outfit, scene, build and pole.
    """
    return restyled(clip, STYLE, "Low-sun outdoor", 1000, OUTFITS[outfit], outfit, build, SCENES[scene], scene,
                    imaging or IMAGING, SUN, pole, camera_height, camera_distance, name)
