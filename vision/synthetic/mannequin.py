"""A third way of drawing the figure: a jointed "artist's mannequin", lit hard from one side.

Thresholds were developed on :mod:`.figure` and checked on :mod:`.capsule`; this style is held out from
both, so a movement test can be checked on a figure none of its numbers were tuned on. It keeps the same
skeleton, and therefore the same truth (:func:`~.truth.frame_truth` reads the joint centres), while
changing what a pose model sees:

* **Body**: a segmented mannequin (crash-test dummy): every limb segment a separate tapered part, thicker
  at its proximal end, with a visible ball at each shoulder, elbow, wrist, hip, knee and ankle, slightly
  larger than the limb; a chest block and a separate pelvis block joined by a narrow waist; an egg of a
  head without hair (a nose and painted eyes only), flattened hands and wedge-shaped feet.
* **Clothes**: a bare wooden mannequin, shorts and a sleeveless top that leave the thighs and knees bare
  (the other styles draw trousers), a high-contrast two-colour kit and a striped top (:data:`OUTFITS`),
  on the builds of :data:`BUILDS`.
* **Lighting**: one hard key light from the camera's side with little ambient light, so one side of
  every limb is bright and the other dark (:data:`SIDE_KEY`).
* **Rooms**: a grey-tiled gym with a blue floor and a beige living room with a plank floor
  (:data:`SCENES`); the pole held for balance is :class:`.capsule.Pole`.

:func:`restyle` turns any scripted :class:`~.movements.Clip` (``movements.py``, ``activities.py``) into
this style with the clip's postures, placements and props.
"""

from __future__ import annotations

import numpy as np

from .body import BODIES, Appearance, Body
from .camera import Imaging
from .capsule import BUILDS as CAPSULE_BUILDS
from .capsule import restyled
from .kinematics import Skeleton
from .mesh import Part, ellipsoid, limb, ring_points, shade
from .render import Lighting
from .scene import Background

STYLE = "mannequin"

SIDE_KEY = Lighting(key=(0.9, -0.3, -0.35), ambient=0.22, diffuse=0.88, sky=0.06, bands=0, tint=(1.0, 0.98, 0.95))
"""A hard key light from the camera's side (image right, a little above and in front of the figure) and
little ambient or sky fill: strong shading contrast, smooth (no tone bands)."""

JOINT_SHADE = 0.8
"""Colour factor of the joint balls relative to the surface they belong to (slightly darker)."""

SHINE = 0.25
"""Specular strength of the body's surfaces (a lacquered mannequin)."""

BLOCK_POWER = 4.0
"""Superellipse exponent of the cross-sections of the chest, pelvis and foot blocks (boxy, rounded corners)."""

SHORTS_LENGTH = 0.35
"""Fraction of the thigh, from the hip, covered by shorts."""

SOCK_START = 0.86
"""Fraction of the shank, from the knee, where visible socks start."""

WOOD = (214, 176, 128)
"""The light wood of the bare mannequin."""

OUTFITS: dict[str, Appearance] = {
    "wood": Appearance(skin=WOOD, hair=WOOD, shirt=WOOD, trousers=WOOD, shoes=WOOD, hair_style="bald",
                       sleeves="short", legwear="shorts"),
    "shorts_vest": Appearance(skin=(224, 176, 140), hair=(30, 24, 20), shirt=(40, 118, 200),
                              trousers=(34, 34, 42), shoes=(240, 240, 236), hair_style="bald", sleeves="short",
                              legwear="shorts", socks=(245, 245, 245)),
    "black_red": Appearance(skin=(246, 226, 212), hair=(20, 16, 14), shirt=(22, 22, 24), trousers=(206, 28, 38),
                            shoes=(24, 24, 26), hair_style="bald", sleeves="long", legwear="shorts"),
    "striped": Appearance(skin=(150, 102, 72), hair=(20, 16, 14), shirt=(238, 236, 228), trousers=(64, 74, 62),
                          shoes=(170, 44, 40), hair_style="bald", sleeves="long", legwear="long",
                          shirt_stripes=(30, 56, 130)),
}
"""Clothes in this style. ``sleeves="short"`` is drawn as a sleeveless top (the shoulder balls in the
shirt's colour, the arms bare); ``legwear="shorts"`` leaves the lower thighs, the knees and the shanks bare;
``shirt_stripes`` bands the chest block; ``hair`` is not drawn (the head is bald)."""

BUILDS: dict[str, Body] = {**BODIES, **CAPSULE_BUILDS}
"""The builds of :data:`.body.BODIES` and :data:`.capsule.BUILDS`."""

SCENES: dict[str, Background] = {
    "gym": Background(wall=(132, 132, 136), floor=(52, 92, 160), wall_texture="tiles", floor_texture="plain",
                      wall_distance=3.5, seed=21),
    "living_room": Background(wall=(222, 202, 172), floor=(150, 104, 64), wall_texture="noise",
                              floor_texture="planks", wall_distance=2.2, seed=22),
}
"""Rooms of this style: a grey-tiled gym with a plain blue floor, a warm beige living room with wooden planks."""


def _block(p0: np.ndarray, p1: np.ndarray, front: np.ndarray, half_width, half_depth, color, *,
           offset=None, bevel: float = 0.015, n_rings: int = 6, n_around: int = 24, name: str = "",
           **kw) -> Part:
    """A block with rounded edges lofted from ``p0`` to ``p1``, with flat, bevelled ends.

    Parameters
    ----------
    p0, p1 : ndarray (3,)
        Centres of the two end faces, metres.
    front : ndarray (3,)
        The block's depth direction (need not be exactly perpendicular to the axis).
    half_width, half_depth : callable
        ``h(t)`` half-size in metres across and along ``front`` at fraction t (0 at p0, 1 at p1).
    color : RGB or callable of t
        Colour spec (a callable is evaluated at the middle of each row of quads).
    offset : callable, optional
        ``o(t)`` shift of the cross-section centre along ``front``, metres.
    bevel : float
        Length of the chamfer at each end, metres.
    n_rings, n_around : int
        Cross-sections between the chamfers and points per cross-section.
    name : str
    **kw
        Passed to :class:`~.mesh.Part` (``depth_bias``, ``shine``).

    Returns
    -------
    Part
    """
    axis = p1 - p0
    length = float(np.linalg.norm(axis))
    a = axis / length
    f = front - np.dot(front, a) * a
    f = f / np.linalg.norm(f)
    s = np.cross(a, f)
    tb = min(bevel / length, 0.3)
    t = np.concatenate([[0.0, 0.0], np.linspace(tb, 1.0 - tb, n_rings), [1.0, 1.0]])
    size = np.concatenate([[0.02, 0.85], np.ones(n_rings), [0.85, 0.02]])
    w = np.array([half_width(x) for x in t]) * size
    d = np.array([half_depth(x) for x in t]) * size
    off = np.array([offset(x) for x in t]) if offset is not None else np.zeros_like(t)
    centres = p0 + (t * length)[:, None] * a + off[:, None] * f
    n = len(t)
    verts = ring_points(centres, np.repeat(s[None], n, 0), np.repeat(f[None], n, 0), w, d, n_around,
                        power=BLOCK_POWER)
    tq = (t[:-1] + t[1:]) / 2
    rows = np.array([color(x) for x in tq] if callable(color) else [color] * len(tq), dtype=float)
    colors = np.repeat(rows[:, None, :], n_around, axis=1)
    # the end faces' reference points lie inside the block, so their normals are oriented outwards
    refs = centres.copy()
    refs[:2] = centres[2]
    refs[-2:] = centres[-3]
    return Part(verts, colors, closed=True, name=name, centers=refs, **kw)


def _ball(centre: np.ndarray, radius: float, color, name: str, over: float | None = None) -> Part:
    """A joint ball in a darker shade of ``color``.

    ``over`` is its depth bias, metres (default its radius: it is drawn over the rounded ends of the limbs
    inside it, which would otherwise sort in front of its rim); a ball half inside a block (the hip in the
    pelvis) needs a small one, or it would show through the block.
    """
    return ellipsoid(centre, np.eye(3), np.full(3, radius), shade(color, JOINT_SHADE), name=name, n_around=14,
                     n_rings=10, depth_bias=radius if over is None else over, shine=SHINE)


def _trunk(sk: Skeleton, app: Appearance) -> list[Part]:
    """Pelvis block, waist cylinder and chest block (striped with ``app.shirt_stripes``)."""
    body = sk.body
    k, g = sk.scale, body.girth
    R_p = sk.pelvis_R
    p_fwd, p_up = R_p[:, 0], R_p[:, 1]
    p_mid = sk.points["mid_hip"] + R_p @ (np.array([-0.015, 0.06, 0.0]) * k)
    p_half_h = 0.08 * k
    p_half_w = 0.15 * k * body.hip_width * g ** 0.7
    p_half_d = 0.105 * k * g + body.buttocks / 200
    pelvis = _block(p_mid - p_half_h * p_up, p_mid + p_half_h * p_up, p_fwd,
                    lambda t: p_half_w * (1.0 - 0.1 * t), lambda t: p_half_d, app.trousers, bevel=0.02 * k,
                    name="torso_pelvis", shine=SHINE)
    R_t = sk.thorax_R
    t_fwd, t_up = R_t[:, 0], R_t[:, 1]
    c_top = sk.points["c7"] + (0.01 * t_up + 0.065 * t_fwd) * k
    c_bottom = c_top - 0.3 * k * t_up
    sw = body.shoulder_width * g ** 0.7
    chest_w = lambda t: k * sw * np.interp(t, [0.0, 0.7, 1.0], [0.12, 0.145, 0.135])  # noqa: E731
    chest_d = lambda t: k * g * np.interp(t, [0.0, 0.6, 1.0], [0.09, 0.105, 0.085]) + body.chest / 300  # noqa: E731
    if app.shirt_stripes is None:
        shirt = app.shirt
    else:
        shirt = lambda t: app.shirt_stripes if int(t * 8) % 2 else app.shirt  # noqa: E731
    chest = _block(c_bottom, c_top, t_fwd, chest_w, chest_d, shirt, bevel=0.03 * k, n_rings=10,
                   name="torso_chest", shine=SHINE)
    waist = limb(p_mid, c_bottom, p_fwd, lambda t: 0.075 * k * g ** 0.8, shade(app.shirt, 0.92), cap0=0.5,
                 cap1=0.5, n_around=14, n_rings=4, name="torso_waist", shine=SHINE)
    return [pelvis, waist, chest]


def _legs(sk: Skeleton, app: Appearance) -> list[Part]:
    """Hip, knee and ankle balls, tapered thighs and shanks, wedge feet."""
    k, g = sk.scale, sk.body.girth
    shorts = app.legwear == "shorts"
    parts: list[Part] = []
    for tag, side in (("l", "left"), ("r", "right")):
        th, sh, ft = sk.segments[f"{tag}_thigh"], sk.segments[f"{tag}_shank"], sk.segments[f"{tag}_foot"]
        thigh = (lambda t: app.trousers if t < SHORTS_LENGTH else app.skin) if shorts else app.trousers
        knee = app.skin if shorts else app.trousers
        ankle = (app.socks or app.skin) if shorts else app.trousers
        shank = (lambda t: ankle if t > SOCK_START else knee) if shorts else app.trousers
        parts.append(limb(th.p0, th.p1, th.front, lambda t: k * g * (0.07 - 0.024 * t), thigh, cap0=0.5, cap1=0.5,
                          n_around=16, n_rings=6, name=f"{tag}_thigh", shine=SHINE))
        parts.append(limb(sh.p0, sh.p1, sh.front, lambda t: k * g * (0.05 - 0.02 * t), shank, cap0=0.5, cap1=0.5,
                          n_around=14, n_rings=6, name=f"{tag}_shank", shine=SHINE))
        parts.append(_ball(sk.points[f"{side}_hip"], 0.075 * k * g, app.trousers, f"{tag}_hip_joint",
                           over=0.01 * k))
        parts.append(_ball(sk.points[f"{side}_knee"], 0.055 * k * g, knee, f"{tag}_knee_joint"))
        parts.append(_ball(sk.points[f"{side}_ankle"], 0.038 * k * g, ankle, f"{tag}_ankle_joint"))
        # a wedge: flat sole 7.5 cm below the ankle centre (as the skeleton's sole points), high at the heel
        half_h = lambda t: k * np.interp(t, [0.0, 0.3, 1.0], [0.05, 0.048, 0.017])  # noqa: E731
        parts.append(_block(ft.p0, ft.p1, ft.front, lambda t: k * np.interp(t, [0.0, 0.6, 1.0], [0.034, 0.046, 0.04]),
                            half_h, app.shoes, offset=lambda t: -0.075 * k + half_h(t), bevel=0.012 * k,
                            name=f"{tag}_foot", shine=SHINE))
    return parts


def _arms(sk: Skeleton, app: Appearance) -> list[Part]:
    """Shoulder, elbow and wrist balls, tapered upper arms and forearms, flattened hands."""
    k, g = sk.scale, sk.body.girth
    arm = app.shirt if app.sleeves == "long" else app.skin
    parts: list[Part] = []
    for tag, side in (("l", "left"), ("r", "right")):
        ua, fa, hand = sk.segments[f"{tag}_upperarm"], sk.segments[f"{tag}_forearm"], sk.segments[f"{tag}_hand"]
        parts.append(limb(ua.p0, ua.p1, ua.front, lambda t: k * g * (0.046 - 0.012 * t), arm, cap0=0.5, cap1=0.5,
                          n_around=12, n_rings=5, name=f"{tag}_upperarm", shine=SHINE))
        parts.append(limb(fa.p0, fa.p1, fa.front, lambda t: k * g * (0.036 - 0.011 * t), arm, cap0=0.5, cap1=0.5,
                          n_around=12, n_rings=5, name=f"{tag}_forearm", shine=SHINE))
        parts.append(_ball(sk.points[f"{side}_shoulder"], 0.056 * k * g, app.shirt, f"{tag}_shoulder_joint"))
        parts.append(_ball(sk.points[f"{side}_elbow"], 0.041 * k * g, arm, f"{tag}_elbow_joint"))
        parts.append(_ball(sk.points[f"{side}_wrist"], 0.029 * k * g, app.skin, f"{tag}_wrist_joint"))
        parts.append(ellipsoid(hand.p0 + 0.08 * k * hand.axis, np.column_stack([hand.front, hand.axis, hand.side]),
                               np.array([0.042, 0.075, 0.02]) * k, app.skin, name=f"{tag}_hand", n_around=12,
                               n_rings=8, shine=SHINE))
    return parts


def _egg_head(sk: Skeleton, app: Appearance) -> list[Part]:
    """A narrow neck and an egg of a head (narrow end at the chin) with a nose and painted eyes."""
    body = sk.body
    k = sk.scale * body.head_scale
    R = sk.head_R
    c1 = sk.points["c1"]
    at = lambda x, y, z=0.0: c1 + R @ (np.array([x, y, z]) * k)  # noqa: E731
    parts = [limb(sk.points["c7"], c1, sk.thorax_R[:, 0], lambda t: 0.042 * k * body.girth ** 0.5,
                  shade(app.skin, 0.9), cap0=0.5, cap1=0.5, n_around=12, n_rings=4, name="neck", shine=SHINE),
             limb(at(0.035, -0.035), at(0.012, 0.062), R[:, 0],
                  lambda t: k * np.interp(t, [0.0, 0.6, 1.0], [0.05, 0.079, 0.08]), app.skin, cap0=1.0, cap1=1.0,
                  flat=1.24, n_around=22, n_rings=8, name="cranium", shine=SHINE),
             ellipsoid(at(0.112, 0.008), R, np.array([0.02, 0.026, 0.014]) * k, app.skin, name="nose",
                       depth_bias=0.01, n_around=10, n_rings=6, shine=SHINE)]
    for sz in (-1.0, 1.0):
        parts.append(ellipsoid(at(0.1, 0.04, sz * 0.033), R, np.array([0.006, 0.008, 0.011]) * k,
                               shade(app.skin, 0.45), name="eye", depth_bias=0.012, n_around=8, n_rings=5))
    return parts


def mannequin_parts(sk: Skeleton, app: Appearance | None = None) -> list[Part]:
    """All surface parts of one posed figure in the mannequin style (see the module docstring).

    Parameters
    ----------
    sk : Skeleton
        The posed skeleton; every part hangs on its joint centres.
    app : Appearance, optional
        Colours (see :data:`OUTFITS` for how this style draws sleeves and legwear).

    Returns
    -------
    list of Part
    """
    app = app or Appearance()
    return _trunk(sk, app) + _legs(sk, app) + _arms(sk, app) + _egg_head(sk, app)


def restyle(clip, *, outfit: str = "wood", build: str | None = None, scene: str = "gym",
            camera_height: float | None = None, camera_distance: float | None = None, pole: str | None = None,
            imaging: Imaging | None = None, name: str | None = None):
    """The same scripted clip drawn in the mannequin style (same postures, placements and props, so the same
    truth for a given build).

    Parameters
    ----------
    clip : Clip
        From :mod:`.movements` or :mod:`.activities`.
    outfit : str
        A key of :data:`OUTFITS`.
    build : str, optional
        A key of :data:`BUILDS`; default the clip's own build (the script's truth then holds unchanged;
        another build changes the segment lengths, and the truth is recomputed).
    scene : str
        A key of :data:`SCENES`.
    camera_height, camera_distance : float, optional
        Metres; default the clip's camera. The camera still aims at the clip's target point.
    pole : str, optional
        ``"left"``/``"right"``: that hand holds a pole for balance (reaching forward), as in
        :func:`.capsule.restyle`.
    imaging : Imaging, optional
        Default: a little blur, more sensor noise than the other styles and JPEG-like softness.
    name : str, optional
        The new clip's name; default the clip's name with ``_mannequin`` appended.

    Returns
    -------
    Clip
        Drawn with :func:`mannequin_parts` under :data:`SIDE_KEY`; its notes record the style, outfit, scene,
        build and pole.
    """
    return restyled(clip, STYLE, "Mannequin", 200, OUTFITS[outfit], outfit, build, SCENES[scene], scene,
                    imaging or Imaging(blur=0.6, noise=3.5, jpeg_quality=78), SIDE_KEY, pole, camera_height,
                    camera_distance, name)
