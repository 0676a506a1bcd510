"""A fourth way of drawing the figure: a person in loose clothes, lit from behind by a window.

Held out like :mod:`.mannequin` (added in session 29, after every threshold was set; nothing is tuned on it).
The mesh, capsule and mannequin styles all dress the legs close to the body, so the body outline follows the
thigh; at home people test themselves in track bottoms and a long top. This style keeps the skeleton (and
therefore the truth: :func:`~.truth.frame_truth` reads the joint centres) and the mesh style's body, head and
arms (:mod:`.figure`), and changes what a pose model and the body outline see:

* **Clothes**: wide, straight trouser legs (about a third wider than the thigh at the hip, as wide as the
  thigh at the knee all the way down to the shoe), and a long loose top that hangs below the buttocks, over the
  hip joints and the top of the thighs (:func:`tunic`), in the outfits of :data:`OUTFITS`.
* **Lighting**: the key light behind the figure (a window beyond it) and a flat fill: the side facing the
  camera is lit softly and evenly, with little shading to show the limbs' shape (:data:`BACKLIGHT`).
* **Rooms**: a bright wall with a light floor, and a striped bedroom wall with a dark floor (:data:`SCENES`).

:func:`restyle` turns any scripted :class:`~.movements.Clip` into this style with the clip's postures,
placements and props.
"""

from __future__ import annotations

import numpy as np

from .body import Appearance
from .camera import Imaging
from .capsule import restyled
from .figure import arms, head, legs, torso
from .kinematics import Skeleton
from .mesh import Part, limb, ring_points, shade
from .render import Lighting
from .scene import Background

STYLE = "loose"

BACKLIGHT = Lighting(key=(0.3, -0.5, 0.8), ambient=0.55, diffuse=0.45, sky=0.08, bands=0, tint=(1.0, 1.0, 1.04))
"""The key light behind the figure and above it (a window beyond), a strong flat fill from the room."""

THIGH_EASE = 1.35
"""Radius of a trouser leg at the hip over the mesh figure's thigh radius there."""

LEG_RADIUS = 0.075
"""Radius of a trouser leg from the knee down to the shoe, metres for the average build (girth 1)."""

HEM_BELOW_HIP = 0.2
"""How far the long top hangs below the hip-joint centres along the pelvis, metres for the average build."""

OUTFITS: dict[str, Appearance] = {
    "grey_joggers": Appearance(skin=(226, 180, 146), hair=(40, 30, 24), shirt=(34, 70, 60), trousers=(128, 128, 132),
                               shoes=(30, 30, 32), hair_style="long", sleeves="long"),
    "navy_tunic": Appearance(skin=(176, 124, 92), hair=(20, 16, 14), shirt=(200, 190, 168), trousers=(34, 40, 72),
                             shoes=(236, 236, 236), hair_style="short", sleeves="long"),
    "black_all": Appearance(skin=(246, 212, 186), hair=(196, 150, 90), shirt=(28, 28, 30), trousers=(36, 36, 40),
                            shoes=(200, 60, 60), hair_style="long", sleeves="long"),
    "red_check": Appearance(skin=(120, 80, 56), hair=(16, 14, 12), shirt=(170, 40, 44), trousers=(92, 84, 66),
                            shoes=(60, 44, 30), hair_style="bald", sleeves="long", shirt_stripes=(40, 30, 30)),
}
"""Clothes in this style: the top is ``shirt`` (banded with ``shirt_stripes``), the trousers ``trousers``;
``legwear`` is not used (the trousers are always long and wide)."""

SCENES: dict[str, Background] = {
    "window_wall": Background(wall=(236, 234, 226), floor=(196, 186, 170), wall_texture="noise",
                              floor_texture="checker", wall_distance=2.6, seed=41),
    "bedroom": Background(wall=(176, 150, 170), floor=(66, 50, 40), wall_texture="stripes", floor_texture="planks",
                          wall_distance=1.8, seed=42),
}
"""Rooms of this style: a bright, nearly white wall over a pale checked floor; a striped mauve wall over dark
planks."""


def tunic(sk: Skeleton, app: Appearance, n_around: int = 28) -> Part:
    """A long loose top from the base of the neck to :data:`HEM_BELOW_HIP` below the hip joints.

    Its upper rings follow the chest (:attr:`Skeleton.thorax_R`), its lower ones the pelvis
    (:attr:`Skeleton.pelvis_R`), so it bends at the waist with the body; it is wider than the trunk by a
    hand's breadth at the hem and hangs straight from the chest to the hem (no waist).

    Parameters
    ----------
    sk : Skeleton
        The posed skeleton.
    app : Appearance
        ``shirt`` colours the top, ``shirt_stripes`` bands it.

    Returns
    -------
    Part
    """
    body = sk.body
    k, g = sk.scale, body.girth
    R_p, R_t = sk.pelvis_R, sk.thorax_R
    hip = sk.points["mid_hip"]
    c7 = sk.points["c7"]
    # (where: 0 pelvis frame / 1 chest frame, height in that frame (m), half-width, front, back) for 1.75 m, girth 1
    rings = [
        (0, -HEM_BELOW_HIP, 0.26, 0.135, 0.185),
        (0, -0.10, 0.25, 0.125, 0.175),
        (0, 0.0, 0.24, 0.12, 0.165),
        (0, 0.12, 0.21, 0.13, 0.15),
        (1, -0.30, 0.185, 0.15, 0.13),
        (1, -0.15, 0.19, 0.16, 0.12),
        (1, -0.04, 0.17, 0.14, 0.11),
        (1, 0.01, 0.08, 0.07, 0.07),
    ]
    centres, lat, dep, hw, rd = [], [], [], [], []
    for frame, y, w, front, back in rings:
        R, origin = (R_p, hip) if frame == 0 else (R_t, c7)
        fwd, up, side = R[:, 0], R[:, 1], R[:, 2]
        ws = body.hip_width if frame == 0 else body.shoulder_width
        centres.append(origin + y * k * up + (front - back) / 2 * k * g * fwd)
        lat.append(side)
        dep.append(fwd)
        hw.append(w * k * ws * g ** 0.7)
        rd.append((front + back) / 2 * k * g + (body.belly / 100.0 if frame == 0 else body.chest / 100.0) * 0.5)
    verts = ring_points(np.array(centres), np.array(lat), np.array(dep), np.array(hw), np.array(rd), n_around,
                        power=2.2)
    colors = np.zeros((len(rings) - 1, n_around, 3))
    for i in range(len(rings) - 1):
        colors[i] = app.shirt_stripes if app.shirt_stripes is not None and i % 2 else app.shirt
    return Part(verts, colors, closed=True, name="tunic", centers=np.array(centres))


def trouser_legs(sk: Skeleton, app: Appearance) -> list[Part]:
    """Wide, straight trouser legs over the hips, thighs and shanks (the shoes come from :func:`.figure.legs`)."""
    k, g = sk.scale, sk.body.girth
    parts = []
    for tag in ("l", "r"):
        th, sh = sk.segments[f"{tag}_thigh"], sk.segments[f"{tag}_shank"]
        r_hip = THIGH_EASE * 0.083 * k * g
        r_leg = LEG_RADIUS * k * g
        parts.append(limb(th.p0, th.p1, th.front, lambda t: float(np.interp(t, [0.0, 1.0], [r_hip, r_leg])),
                          app.trousers, cap0=0.6, cap1=1.0, name=f"{tag}_thigh", n_around=18, n_rings=8))
        # the shank's tube ends a little above the ankle centre, over the top of the shoe
        parts.append(limb(sh.p0, sh.p0 + 0.97 * (sh.p1 - sh.p0), sh.front, lambda t: r_leg * (1.0 + 0.06 * t),
                          shade(app.trousers, 0.97), cap0=1.0, cap1=0.0, name=f"{tag}_shank", n_around=18,
                          n_rings=8))
    return parts


def loose_parts(sk: Skeleton, app: Appearance | None = None) -> list[Part]:
    """All surface parts of one posed figure in the loose-clothes style (see the module docstring).

    Parameters
    ----------
    sk : Skeleton
        The posed skeleton.
    app : Appearance, optional
        Colours (see :data:`OUTFITS`).

    Returns
    -------
    list of Part
    """
    app = app or Appearance()
    body = sk.body
    feet = [p for p in legs(sk, body, app) if p.name.endswith("_foot")]
    return ([torso(sk, body, app), tunic(sk, app)] + trouser_legs(sk, app) + feet + arms(sk, body, app)
            + head(sk, body, app))


def restyle(clip, *, outfit: str = "grey_joggers", build: str | None = None, scene: str = "window_wall",
            camera_height: float | None = None, camera_distance: float | None = None, pole: str | None = None,
            imaging: Imaging | None = None, name: str | None = None):
    """The same scripted clip drawn in the loose-clothes style (same postures, placements and props, so the
    same truth for a given build).

    The parameters are :func:`.capsule.restyle`'s, with ``outfit`` a key of :data:`OUTFITS` and ``scene`` one of
    :data:`SCENES` (default imaging: a little blur, sensor noise and JPEG-like softness).

    Returns
    -------
    Clip
        Drawn with :func:`loose_parts` under :data:`BACKLIGHT`, named with ``_loose`` appended; its notes record
        the style, outfit, scene, build and pole.
    """
    return restyled(clip, STYLE, "Loose-clothes", 300, OUTFITS[outfit], outfit, build, SCENES[scene], scene,
                    imaging or Imaging(blur=0.6, noise=2.0, jpeg_quality=82), BACKLIGHT, pole, camera_height,
                    camera_distance, name)
