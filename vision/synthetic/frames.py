"""Render one frame - figure, props, room, camera effects - together with its ground truth.

A :class:`FrameSpec` says what is in the scene at one instant; a :class:`Shot` says how it is
filmed (camera, room, image degradation). :func:`render_frame` turns the two into an RGB image and a
truth record (:func:`~.truth.frame_truth`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .body import Appearance, Body
from .camera import Camera, Imaging
from .figure import figure_parts
from .kinematics import Skeleton, pose_skeleton
from .posture import Placement, Posture
from .render import SUPERSAMPLE, Lighting, finish, render_parts
from .scene import Background, contact_shadow, render_background
from .truth import frame_truth


@dataclass(frozen=True)
class FrameSpec:
    """What is in the scene at one instant.

    Attributes
    ----------
    posture, body, appearance, placement : see :mod:`.posture` and :mod:`.body`
    props : tuple
        Chairs / tables (:mod:`.props`).
    label : str
        Phase of the movement (e.g. ``"sitting"``, ``"rising"``), copied into the truth.
    """

    posture: Posture = field(default_factory=Posture)
    body: Body = field(default_factory=Body)
    appearance: Appearance = field(default_factory=Appearance)
    placement: Placement = field(default_factory=Placement)
    props: tuple = ()
    label: str = ""


@dataclass(frozen=True)
class Shot:
    """How a frame or clip is filmed.

    Attributes
    ----------
    camera : Camera
    background : Background
    imaging : Imaging
    figure : str
        How the body is drawn: ``"mesh"`` (:mod:`.figure`, the sample media's style), ``"capsule"``
        (:mod:`.capsule`, a second style for closed-loop tests), ``"mannequin"`` (:mod:`.mannequin`, a
        third, held-out style), ``"loose"`` (:mod:`.loose`, a fourth, held-out style: loose clothes),
        ``"ink"`` (:mod:`.ink`, a fifth, held-out style: a flat-coloured cartoon with ink outlines) or ``"pixel"``
        (:mod:`.pixel`, a sixth, held-out style: pixel art) or ``"dusk"`` (:mod:`.dusk`, a seventh, held-out
        style: the mesh figure in a phone video at dusk, with motion trails), ``"clinic"`` (:mod:`.clinic`, an
        eighth, held-out style: the mesh figure through a clinic's wide-angle wall camera, exported in dark bars) or
        ``"larger"`` (:mod:`.larger`, a ninth, held-out style: the mesh figure on heavier bodies, filmed at home) or
        ``"sun"`` (:mod:`.sun`, a tenth, held-out style: the mesh figure outdoors in a low sun, its hard shadow
        beside it).
    lighting : Lighting or None
        None: the default lighting of :func:`~.render.render_parts`.
    """

    camera: Camera = field(default_factory=Camera)
    background: Background = field(default_factory=Background)
    imaging: Imaging = field(default_factory=Imaging)
    figure: str = "mesh"
    lighting: Lighting | None = None


class Renderer:
    """Renders frames of one shot, caching the background (camera and room do not move); the dusk style's trails
    follow the frames in the order they are rendered."""

    def __init__(self, shot: Shot, seed: int = 0, scale: int = SUPERSAMPLE) -> None:
        self.shot = shot
        self.scale = scale
        self.rng = np.random.default_rng(seed)
        self._bg = render_background(shot.camera, shot.background, scale)
        self._trail = None  # the last frame before finishing, for the dusk style's motion trails
        self._count = 0  # frames rendered, for the clinic style's burned-in stamp

    def render(self, spec: FrameSpec) -> tuple[np.ndarray, dict, Skeleton]:
        """Return the RGB uint8 image, its truth record and the posed skeleton."""
        cam = self.shot.camera
        sk = pose_skeleton(spec.posture, spec.body, spec.placement)
        if self.shot.figure == "capsule":
            from .capsule import capsule_parts

            parts = capsule_parts(sk, spec.appearance)
        elif self.shot.figure == "mannequin":
            from .mannequin import mannequin_parts

            parts = mannequin_parts(sk, spec.appearance)
        elif self.shot.figure == "loose":
            from .loose import loose_parts

            parts = loose_parts(sk, spec.appearance)
        elif self.shot.figure == "ink":
            from .ink import ink_parts

            parts = ink_parts(sk, spec.appearance)
        else:  # the mesh figure, also drawn by the pixel-art, dusk, clinic, larger and sun styles

            parts = figure_parts(sk, spec.appearance)
        for prop in spec.props:
            parts += prop.parts()
        bg = self._bg
        # soft contact shadow under whatever is near the floor (feet, knees, props' legs not modelled)
        near = [sk.points[n] for n in ("left_ankle", "right_ankle", "left_knee", "right_knee") if sk.points[n][1] < 0.2]
        if near:
            bg = contact_shadow(bg, cam, near, [0.14 * sk.scale] * len(near), self.scale)
        if self.shot.figure == "sun":
            from .sun import cast_shadow

            bg = cast_shadow(bg, parts, cam, self.shot.background, self.scale)
        img, _ = render_parts(parts, cam, bg, self.scale, lighting=self.shot.lighting)
        if self.shot.figure == "ink":
            from .ink import ink_lines

            img = ink_lines(img, parts, cam, self.scale)
        elif self.shot.figure == "pixel":
            from .pixel import BLOCK_PX, pixelate

            img = pixelate(img, BLOCK_PX * self.scale)
        elif self.shot.figure == "dusk":
            from .dusk import smear

            img = self._trail = smear(img, self._trail)
        out = finish(img, cam, self.shot.imaging, self.scale, self.rng)
        truth = frame_truth(sk, cam)
        truth["label"] = spec.label
        if self.shot.figure == "clinic":
            from .clinic import finish_export

            out = finish_export(out, truth, self._count)
        self._count += 1
        return out, truth, sk


def render_frame(spec: FrameSpec, shot: Shot, seed: int = 0) -> tuple[np.ndarray, dict]:
    """Render a single image and its truth record (see :class:`Renderer` for clips)."""
    img, truth, _ = Renderer(shot, seed).render(spec)
    return img, truth
