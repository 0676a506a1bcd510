"""A seventh way of filming the figure: a phone video in a dim room at dusk.

Held out like :mod:`.pixel` (added in session 34, after every threshold was set; nothing is tuned on it). The six
other styles change how the body is drawn and film it in good light with a fast shutter. A client filming at home
in the evening gives the pose model something else: a room lit by one warm lamp, or a figure dark against a bright
window, grainy and soft, and a phone that lengthens its exposure in low light, so a moving leg leaves a **trail**:
each frame also holds a fading copy of the frames before it. This style keeps the mesh style's body
(:mod:`.figure`) and skeleton (so the truth is the same: :func:`~.truth.frame_truth` reads the joint centres) and
films it

* with **motion trails** (:func:`smear`: each frame is blended with the previous finished frame, weight
  :data:`TRAIL`), most visible where the leg moves fastest, never at a held peak;
* under a **dim warm light** (:data:`LAMP`, from behind and above the figure, so its side towards the camera is in
  shade), in **home rooms** (:data:`SCENES`: a lamp-lit room, a bright window behind the person, a dark room with
  a screen's blue light), in **home clothes** (:data:`OUTFITS`, one in shorts);
* **grainy and soft** (:data:`IMAGING`: sensor noise, blur, strong compression, under-exposed).

:func:`restyle` turns any scripted :class:`~.movements.Clip` into this style with the clip's postures,
placements and props.
"""

from __future__ import annotations

import numpy as np

from .body import Appearance
from .camera import Imaging
from .capsule import restyled
from .render import Lighting
from .scene import Background

STYLE = "dusk"

TRAIL = 0.45
"""Weight of the previous frame in each frame (:func:`smear`): a long exposure's trail of a moving limb."""

LAMP = Lighting(key=(0.35, -0.6, 0.7), ambient=0.30, diffuse=0.55, sky=0.05, bands=0, tint=(1.0, 0.82, 0.62))
"""One warm lamp behind, above and to the right of the figure: the side towards the camera in shade."""

IMAGING = Imaging(blur=1.2, noise=7.0, jpeg_quality=45, exposure=0.8)
"""A phone in low light: soft, grainy, strongly compressed, under-exposed."""

OUTFITS: dict[str, Appearance] = {
    "sweats": Appearance(skin=(205, 160, 130), hair=(40, 30, 25), shirt=(120, 120, 125), trousers=(70, 72, 80),
                         shoes=(200, 200, 200), hair_style="short", sleeves="long"),
    "pyjamas": Appearance(skin=(235, 195, 165), hair=(150, 100, 60), shirt=(150, 175, 205), trousers=(150, 175, 205),
                          shoes=(230, 225, 215), hair_style="long", sleeves="long", shirt_stripes=(235, 235, 240)),
    "gym_shorts": Appearance(skin=(120, 80, 60), hair=(20, 15, 12), shirt=(30, 30, 30), trousers=(150, 30, 40),
                             shoes=(40, 40, 40), hair_style="bald", sleeves="short", legwear="shorts"),
    "black_jeans": Appearance(skin=(225, 180, 150), hair=(90, 60, 35), shirt=(180, 60, 50), trousers=(25, 25, 30),
                              shoes=(25, 25, 25), hair_style="long", sleeves="short"),
}
"""Home clothes: grey sweats; striped light-blue pyjamas; a black top over red shorts (bare legs); a red top over
black jeans."""

SCENES: dict[str, Background] = {
    "lamp_room": Background(wall=(150, 120, 90), floor=(90, 65, 45), wall_texture="stripes", floor_texture="planks",
                            wall_distance=2.2, seed=71),
    "window": Background(wall=(250, 248, 240), floor=(120, 110, 100), wall_texture="plain", floor_texture="plain",
                         wall_distance=2.8, seed=72),
    "tv_room": Background(wall=(45, 55, 80), floor=(60, 55, 50), wall_texture="noise", floor_texture="planks",
                          wall_distance=2.0, seed=73),
}
"""Rooms of this style: a lamp-lit room with striped paper over a wooden floor; a bright window behind the person;
a dark blue-lit room."""


def smear(img: np.ndarray, previous: np.ndarray | None, trail: float = TRAIL) -> np.ndarray:
    """A frame with the trail of the frames before it: ``(1 - trail) * img + trail * previous`` (the previous
    frame as this function returned it, so the trail fades geometrically), or ``img`` for the first frame.

    Parameters
    ----------
    img, previous : ndarray (H, W, 3) float
        RGB, 0..255; ``previous`` None or of another shape: no trail.
    trail : float
        Weight of the previous frame, 0..1.
    """
    if previous is None or previous.shape != img.shape:
        return img
    return (1.0 - trail) * np.asarray(img, np.float32) + trail * np.asarray(previous, np.float32)


def restyle(clip, *, outfit: str = "sweats", build: str | None = None, scene: str = "lamp_room",
            camera_height: float | None = None, camera_distance: float | None = None, pole: str | None = None,
            imaging: Imaging | None = None, name: str | None = None):
    """The same scripted clip filmed in this style (same postures, placements and props, so the same truth for a
    given build).

    The parameters are :func:`.capsule.restyle`'s, with ``outfit`` a key of :data:`OUTFITS` and ``scene`` one of
    :data:`SCENES` (default imaging :data:`IMAGING`).

    Returns
    -------
    Clip
        The mesh figure under :data:`LAMP` with motion trails (:func:`smear`), named with ``_dusk`` appended; its
        notes record the style, outfit, scene, build and pole.
    """
    return restyled(clip, STYLE, "Dusk phone-video", 700, OUTFITS[outfit], outfit, build, SCENES[scene],
                    scene, imaging or IMAGING, LAMP, pole, camera_height, camera_distance, name)
