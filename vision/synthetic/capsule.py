"""A second way of drawing the figure: a "capsule" body in loose sports clothes, lit like a cartoon.

The closed-loop tests must not rest on one drawing of the body only (what the thresholds were developed
on), so this style differs from :mod:`.figure` in everything MediaPipe sees while keeping the same
skeleton, and therefore the same truth (:func:`~.truth.frame_truth` reads the joint centres):

* **Body**: every segment is a capsule or an ellipsoid (no lofted torso, no muscle profiles): a round
  pelvis block, a tube of a trunk through the spine's points, straight loose trouser legs that hide the
  knee's shape, boxy shoes, a ball head with a cap and dot eyes.
* **Clothes and builds**: hoodies and track trousers in saturated colours or dark on dark
  (:data:`OUTFITS`), on the builds of :data:`.body.BODIES` plus :data:`BUILDS`.
* **Lighting**: three flat tone bands ("toon" shading) with the key light from behind the figure, so
  the near side is the darker one (:data:`TOON`).
* **Props and rooms**: a pole held for balance (:class:`Pole`), an outdoor scene and a dark hall
  (:data:`SCENES`), cameras from knee to head height (:func:`restyle`).

:func:`restyle` turns any scripted :class:`~.movements.Clip` (``movements.py``, ``activities.py``) into
this style, so every movement script renders in both styles with its truth.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .body import Appearance, Body
from .camera import Camera, Imaging
from .kinematics import Skeleton, pose_skeleton
from .mesh import Part, box, ellipsoid, limb, shade
from .render import Lighting
from .scene import Background

STYLE = "capsule"

TOON = Lighting(key=(0.55, 0.75, 0.35), ambient=0.38, diffuse=0.55, sky=0.05, bands=3, tint=(1.0, 0.96, 0.9))
"""Three tone bands, the key light from above and behind the figure, slightly warm."""

OUTFITS: dict[str, Appearance] = {
    "orange_hoodie": Appearance(skin=(236, 188, 150), hair=(30, 24, 20), shirt=(236, 120, 30),
                                trousers=(30, 44, 80), shoes=(250, 250, 250), hair_style="short", sleeves="long"),
    "dark_on_dark": Appearance(skin=(150, 104, 76), hair=(15, 12, 10), shirt=(38, 40, 46), trousers=(26, 28, 32),
                               shoes=(60, 60, 66), hair_style="short", sleeves="long"),
    "teal_tracksuit": Appearance(skin=(200, 146, 112), hair=(120, 70, 30), shirt=(20, 150, 140),
                                 trousers=(20, 150, 140), shoes=(220, 40, 60), hair_style="long", sleeves="long"),
    "white_kit": Appearance(skin=(110, 72, 50), hair=(20, 16, 14), shirt=(245, 245, 240), trousers=(235, 235, 230),
                            shoes=(30, 30, 30), hair_style="bald", sleeves="short"),
}

BUILDS: dict[str, Body] = {
    "long_legs": Body(height=1.84, leg_ratio=1.07, shoulder_width=0.95, hip_width=0.95, girth=0.9, belly=0.0),
    "stocky": Body(height=1.66, leg_ratio=0.95, shoulder_width=1.08, hip_width=1.1, girth=1.22, belly=5.0,
                   buttocks=2.0),
    "petite": Body(height=1.56, leg_ratio=1.0, shoulder_width=0.88, hip_width=1.05, girth=0.92, head_scale=1.02),
}

SCENES: dict[str, Background] = {
    "outdoor": Background(wall=(120, 160, 215), floor=(96, 140, 70), wall_texture="plain", floor_texture="plain",
                          wall_distance=6.0, seed=11),
    "dark_hall": Background(wall=(58, 56, 62), floor=(84, 76, 70), wall_texture="tiles", floor_texture="planks",
                            wall_distance=2.5, seed=12),
    "white_studio": Background(wall=(236, 236, 232), floor=(214, 212, 206), wall_texture="plain",
                               floor_texture="plain", wall_distance=3.0, seed=13),
}


@dataclass(frozen=True)
class Pole:
    """A pole standing on the floor and held for balance (a broom handle, a walking pole).

    Attributes
    ----------
    x, z : float
        World position of its foot, metres.
    top : float
        Height of its top, metres.
    radius : float
    color : tuple of int
    """

    x: float
    z: float
    top: float = 1.2
    radius: float = 0.018
    color: tuple[int, int, int] = (170, 120, 60)

    def to_dict(self) -> dict:
        return {"kind": "pole", **asdict(self)}

    def parts(self) -> list[Part]:
        p0, p1 = np.array([self.x, 0.0, self.z]), np.array([self.x, self.top, self.z])
        r = self.radius
        return [limb(p0, p1, np.array([1.0, 0.0, 0.0]), lambda t: r, self.color, cap0=0.0, cap1=1.0, n_around=10,
                     n_rings=4, name="pole")]


def capsule_parts(sk: Skeleton, app: Appearance | None = None) -> list[Part]:
    """All surface parts of one posed figure in the capsule style (see the module docstring)."""
    app = app or Appearance()
    body = sk.body
    k, g = sk.scale, body.girth
    parts: list[Part] = []
    # pelvis block: an ellipsoid rigid with the pelvis, in trouser colour
    R_p = sk.pelvis_R
    hip0 = sk.points["mid_hip"]
    parts.append(ellipsoid(hip0 + R_p @ (np.array([-0.01, 0.03, 0.0]) * k), R_p,
                           np.array([0.135 * g + body.buttocks / 200, 0.13, 0.185 * body.hip_width * g]) * k,
                           app.trousers, name="torso_pelvis", n_around=20, n_rings=12))
    # trunk: a tube through the spine points, pushed forward to the body's middle (hoodie: loose, round)
    sp = sk.spine
    front = sk.spine_front
    centre = sp + front * (0.045 * k * g + body.belly / 300.0)
    for a in range(0, len(sp) - 1, 2):
        b = min(a + 3, len(sp) - 1)
        r0 = (0.155 if a < 7 else 0.17) * k * g ** 0.8
        parts.append(limb(centre[a], centre[b], front[a], lambda t, r0=r0: r0, app.shirt, cap0=0.5, cap1=0.5,
                          flat=0.72, name="torso", n_around=18, n_rings=4))
    # shoulders: a bar between the shoulder joints
    ls, rs = sk.points["left_shoulder"], sk.points["right_shoulder"]
    parts.append(limb(ls, rs, sk.thorax_R[:, 0], lambda t: 0.06 * k * g, shade(app.shirt, 0.97), cap0=1.0, cap1=1.0,
                      name="torso_shoulders", n_around=14, n_rings=5))
    # legs: straight loose trousers (hide the knee), boxy shoes
    for tag in ("l", "r"):
        th, sh, ft = sk.segments[f"{tag}_thigh"], sk.segments[f"{tag}_shank"], sk.segments[f"{tag}_foot"]
        parts.append(limb(th.p0, th.p1, th.front, lambda t: k * g * (0.088 - 0.018 * t), app.trousers, cap0=0.8,
                          cap1=1.0, name=f"{tag}_thigh", n_around=16, n_rings=6))
        low = app.skin if app.sleeves == "short" and app.trousers == app.shirt else app.trousers
        parts.append(limb(sh.p0, sh.p1, sh.front, lambda t: k * g * (0.068 + 0.008 * t), low, cap0=1.0, cap1=0.6,
                          name=f"{tag}_shank", n_around=14, n_rings=6))
        c = (ft.p0 + ft.p1) / 2 - 0.035 * k * ft.front
        R = np.column_stack([ft.axis, ft.front, np.cross(ft.axis, ft.front)])
        parts += box(c, R, np.array([0.27, 0.075, 0.1]) * k, app.shoes, subdiv=3, name=f"{tag}_foot")
    # arms: capsules, hands as balls
    for tag in ("l", "r"):
        ua, fa = sk.segments[f"{tag}_upperarm"], sk.segments[f"{tag}_forearm"]
        sleeve = app.shirt
        parts.append(limb(ua.p0, ua.p1, ua.front, lambda t: 0.05 * k * g, sleeve, name=f"{tag}_upperarm",
                          n_around=12, n_rings=5))
        parts.append(limb(fa.p0, fa.p1, fa.front, lambda t: 0.04 * k * g,
                          sleeve if app.sleeves == "long" else app.skin, name=f"{tag}_forearm", n_around=12,
                          n_rings=5))
        hand = sk.segments[f"{tag}_hand"]
        parts.append(ellipsoid(hand.p0 + 0.07 * k * hand.axis, np.column_stack([hand.front, hand.axis, hand.side]),
                               np.array([0.03, 0.06, 0.045]) * k, app.skin, name=f"{tag}_hand", n_around=10,
                               n_rings=6))
    parts += _ball_head(sk, body, app)
    return parts


def _ball_head(sk: Skeleton, body: Body, app: Appearance) -> list[Part]:
    k = sk.scale * body.head_scale
    R = sk.head_R
    c1 = sk.points["c1"]
    at = lambda x, y, z=0.0: c1 + R @ (np.array([x, y, z]) * k)  # noqa: E731
    parts = [limb(sk.points["c7"], c1, sk.thorax_R[:, 0], lambda t: 0.052 * k, shade(app.skin, 0.9), cap0=0.3,
                  name="neck", n_around=12, n_rings=4),
             ellipsoid(at(0.03, 0.03), R, np.array([0.1, 0.112, 0.088]) * k, app.skin, name="cranium", n_around=20,
                       n_rings=14),
             ellipsoid(at(0.118, 0.01), R, np.array([0.022, 0.02, 0.018]) * k, shade(app.skin, 0.92), name="nose",
                       depth_bias=0.01, n_around=10, n_rings=6),
             ellipsoid(at(0.1, -0.045), R, np.array([0.01, 0.006, 0.024]) * k, (120, 40, 40), name="mouth",
                       depth_bias=0.01, n_around=10, n_rings=5)]
    for sz in (-1.0, 1.0):
        parts.append(ellipsoid(at(0.112, 0.045, sz * 0.035), R, np.array([0.008, 0.011, 0.009]) * k, (20, 20, 24),
                               name="eye", depth_bias=0.012, n_around=8, n_rings=5))
        parts.append(ellipsoid(at(0.02, 0.02, sz * 0.088), R, np.array([0.016, 0.026, 0.01]) * k,
                               shade(app.skin, 0.85), name="ear", depth_bias=0.01, n_around=8, n_rings=5))
    if app.hair_style != "bald":
        # a cap: the top of a slightly larger sphere, with a peak at the front
        parts.append(ellipsoid(at(0.025, 0.05), R, np.array([0.106, 0.1, 0.094]) * k, app.hair, name="hair",
                               keep=lambda d: d[:, 1] > 0.3, depth_bias=0.004, n_around=20, n_rings=12))
        parts += box(at(0.12, 0.085), R, np.array([0.08, 0.012, 0.15]) * k, app.hair, subdiv=2, name="cap_peak")
    return parts


def holding_pole(spec, far: str):
    """The frame with the ``far`` arm reaching forward to a pole held for balance, and the pole (every figure
    style draws the same posture, so the truth does not depend on the style).

    Parameters
    ----------
    spec : FrameSpec
    far : str
        ``"left"`` or ``"right"``.

    Returns
    -------
    FrameSpec
    """
    from .frames import FrameSpec

    tag = far[0]
    post = spec.posture.replace(**{f"shoulder_flexion_{tag}": 35.0, f"elbow_flexion_{tag}": 35.0,
                                   f"shoulder_abduction_{tag}": 8.0})
    sk = pose_skeleton(post, spec.body, spec.placement)
    wrist, index = sk.points[f"{far}_wrist"], sk.points[f"{far}_index"]
    grip = wrist + 0.06 * sk.scale * (index - wrist) / max(1e-6, float(np.linalg.norm(index - wrist)))
    pole = Pole(float(grip[0]), float(grip[2]), top=float(grip[1] + 0.12))
    return FrameSpec(post, spec.body, spec.appearance, spec.placement, spec.props + (pole,), spec.label)


def restage(clip, body: Body | None, app: Appearance, pole: str | None, camera_height: float | None,
            camera_distance: float | None) -> tuple[list, Camera]:
    """A scripted clip's frames in another outfit (and build, and holding a pole), and its camera moved: what every
    figure style's ``restyle`` shares.

    Parameters
    ----------
    clip : Clip
    body : Body or None
        None keeps each frame's own build.
    app : Appearance
    pole : str or None
        ``"left"``/``"right"``: that hand holds a pole (:func:`holding_pole`).
    camera_height, camera_distance : float or None
        Metres; None keeps the clip's.

    Returns
    -------
    list of FrameSpec, Camera
    """
    from .frames import FrameSpec

    frames = []
    for spec in clip.frames:
        s = FrameSpec(spec.posture, body or spec.body, app, spec.placement, spec.props, spec.label)
        frames.append(holding_pole(s, pole) if pole else s)
    cam: Camera = clip.shot.camera
    if camera_height is not None or camera_distance is not None:
        cam = cam.replace(height=camera_height if camera_height is not None else cam.height,
                          distance=camera_distance if camera_distance is not None else cam.distance)
    return frames, cam


def restyle(clip, *, outfit: str = "orange_hoodie", build: str | None = None, scene: str = "outdoor",
            camera_height: float | None = None, camera_distance: float | None = None, pole: str | None = None,
            imaging: Imaging | None = None, name: str | None = None):
    """The same scripted clip drawn in the capsule style (same postures, placements and props, so the same
    truth for a given build).

    Parameters
    ----------
    clip : Clip
        From :mod:`.movements` or :mod:`.activities`.
    outfit : str
        A key of :data:`OUTFITS`.
    build : str, optional
        A key of :data:`BUILDS` or :data:`.body.BODIES`; default the clip's own build (the script's truth
        then holds unchanged; another build changes the segment lengths, and the truth is recomputed).
    scene : str
        A key of :data:`SCENES`.
    camera_height, camera_distance : float, optional
        Metres; default the clip's camera. The camera still aims at the clip's target point.
    pole : str, optional
        ``"left"``/``"right"``: that hand holds a pole for balance (reaching forward).
    imaging : Imaging, optional
        Default: a little blur and noise and JPEG-like softness.
    """
    return restyled(clip, STYLE, "Capsule", 100, OUTFITS[outfit], outfit, build, SCENES[scene], scene,
                    imaging or Imaging(blur=0.7, noise=2.5, jpeg_quality=80), TOON, pole, camera_height,
                    camera_distance, name)


def restyled(clip, style: str, words: str, seed_offset: int, app: Appearance, outfit: str, build: str | None,
             background, scene: str, imaging: Imaging, lighting, pole: str | None, camera_height: float | None,
             camera_distance: float | None, name: str | None, builds: dict[str, Body] | None = None):
    """What every figure style's ``restyle`` ends with: the clip's frames in ``app`` (and the body of ``build``, a
    key of ``builds``, :data:`BUILDS` or :data:`.body.BODIES`, None for the clip's own; holding a pole:
    :func:`restage`) filmed in ``style`` in the room ``background`` under ``lighting``; the clip's name gains
    ``_style``, its description ``words`` style (outfit, scene), its seed ``seed_offset``, and its notes the style,
    outfit, scene, build and pole."""
    from .body import BODIES
    from .frames import Shot
    from .movements import Clip

    body = None if build is None else {**BODIES, **BUILDS, **(builds or {})}[build]
    frames, cam = restage(clip, body, app, pole, camera_height, camera_distance)
    shot = Shot(cam, background, imaging, figure=style, lighting=lighting)
    return Clip(name or f"{clip.name}_{style}", clip.description + f" {words} style ({outfit}, {scene}).", clip.fps,
                frames, shot, clip.seed + seed_offset, dict(clip.notes, style=style, outfit=outfit, scene=scene,
                                                            build=build, pole=pole))
