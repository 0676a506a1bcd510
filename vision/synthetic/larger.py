"""A ninth way of filming the figure: larger bodies, at home.

Held out like :mod:`.clinic` (added in session 36, after every threshold was set; nothing is tuned on it). The
eight other styles change how the body is drawn and filmed, but their bodies are the builds of
:data:`.body.BODIES` and :data:`.capsule.BUILDS`, the heaviest of them of girth 1.28. Many clients of a posture or
back-pain practice are heavier: a deep belly hides the front of the pelvis and the hip crease, wide buttocks and
thick thighs move the body's outline far from the joint centres, and the thighs touch. This style keeps the mesh
style's way of drawing (:mod:`.figure`, which shapes the belly, buttocks and limbs from :class:`~.body.Body`) and
films it as a relative would with a phone at home, so what differs is the **body** (:data:`BUILDS`: girth 1.38 to
1.5, belly 6 to 14 cm, buttocks 2 to 6 cm), in:

* :data:`OUTFITS`: a long loose grey T-shirt over black leggings; a navy tracksuit; a striped magenta top over
  denim-blue trousers; a maroon vest over grey shorts (bare legs);
* :data:`SCENES`: a kitchen with pale tiles, a living room with a striped wall, a narrow grey hallway;
* :data:`CEILING`: one warm ceiling lamp in front and above; :data:`IMAGING`: a phone indoors, moderately soft.

:func:`restyle` turns any scripted :class:`~.movements.Clip` into this style with the clip's postures,
placements and props; every clip takes one of :data:`BUILDS` (the truth is the posed skeleton's, so it follows).
"""

from __future__ import annotations

from .body import Appearance, Body
from .camera import Imaging
from .capsule import restyled
from .render import Lighting
from .scene import Background

STYLE = "larger"

BUILDS: dict[str, Body] = {
    "apple": Body(height=1.72, leg_ratio=0.96, shoulder_width=1.08, hip_width=1.15, girth=1.5, belly=14.0,
                  buttocks=2.0, chest=5.0),
    "pear": Body(height=1.62, leg_ratio=0.97, shoulder_width=0.95, hip_width=1.3, girth=1.42, belly=6.0,
                 buttocks=6.0, chest=4.0, head_scale=0.97),
    "tall_heavy": Body(height=1.88, leg_ratio=1.0, shoulder_width=1.12, hip_width=1.12, girth=1.38, belly=10.0,
                       buttocks=3.0, chest=4.0),
    "older": Body(height=1.58, leg_ratio=0.93, shoulder_width=0.98, hip_width=1.18, girth=1.5, belly=11.0,
                  buttocks=2.0, chest=6.0, head_scale=1.03),
}
"""Heavier builds: a deep belly ("apple"); wide hips and buttocks ("pear"); tall and heavy; short, heavy and
short-legged ("older")."""

CEILING = Lighting(key=(-0.2, -0.85, -0.5), ambient=0.42, diffuse=0.5, sky=0.08, bands=0, tint=(1.0, 0.9, 0.78))
"""One warm lamp on the ceiling in front of the person."""

IMAGING = Imaging(blur=0.9, noise=4.0, jpeg_quality=70, exposure=1.0)
"""A phone indoors: moderately soft and grainy."""

OUTFITS: dict[str, Appearance] = {
    "long_tee": Appearance(skin=(225, 185, 155), hair=(90, 60, 40), shirt=(150, 150, 155), trousers=(28, 28, 32),
                           shoes=(235, 235, 235), hair_style="long", sleeves="short"),
    "navy_tracksuit": Appearance(skin=(160, 110, 80), hair=(25, 20, 18), shirt=(35, 45, 90), trousers=(35, 45, 90),
                                 shoes=(250, 250, 250), hair_style="short", sleeves="long"),
    "patterned": Appearance(skin=(240, 200, 175), hair=(200, 180, 150), shirt=(170, 60, 110), trousers=(90, 120, 170),
                            shoes=(120, 80, 50), hair_style="long", sleeves="long", shirt_stripes=(240, 200, 90)),
    "vest_shorts": Appearance(skin=(110, 72, 52), hair=(20, 16, 14), shirt=(120, 30, 45), trousers=(120, 120, 125),
                              shoes=(40, 40, 45), hair_style="bald", sleeves="short", legwear="shorts"),
}
"""Home clothes for larger bodies: a grey T-shirt over black leggings; a navy tracksuit; a striped magenta top over
denim-blue trousers; a maroon vest over grey shorts (bare legs)."""

SCENES: dict[str, Background] = {
    "kitchen": Background(wall=(225, 220, 205), floor=(170, 150, 120), wall_texture="tiles", floor_texture="plain",
                          wall_distance=2.3, seed=91),
    "living_room": Background(wall=(185, 160, 130), floor=(110, 80, 55), wall_texture="stripes",
                              floor_texture="planks", wall_distance=2.6, seed=92),
    "hallway": Background(wall=(200, 195, 185), floor=(95, 90, 85), wall_texture="noise", floor_texture="planks",
                          wall_distance=1.9, seed=93),
}
"""Rooms of this style: a kitchen with pale tiles; a living room with a striped wall over a wooden floor; a narrow
hallway."""


def restyle(clip, *, outfit: str = "long_tee", build: str | None = None, scene: str = "living_room",
            camera_height: float | None = None, camera_distance: float | None = None, pole: str | None = None,
            imaging: Imaging | None = None, name: str | None = None):
    """The same scripted clip filmed in this style, on a larger body.

    The parameters are :func:`.capsule.restyle`'s, with ``outfit`` a key of :data:`OUTFITS`, ``scene`` one of
    :data:`SCENES` and ``build`` one of :data:`BUILDS` (default ``"apple"``: this style always changes the body;
    default imaging :data:`IMAGING`).

    Returns
    -------
    Clip
        The mesh figure on a larger body under :data:`CEILING`, named with ``_larger`` appended; its notes record
        the style, outfit, scene, build and pole.
    """
    return restyled(clip, STYLE, "Larger bodies at home", 900, OUTFITS[outfit], outfit, build or "apple",
                    SCENES[scene], scene, imaging or IMAGING, CEILING, pole, camera_height, camera_distance, name,
                    builds=BUILDS)
