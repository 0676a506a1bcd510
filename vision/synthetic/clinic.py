"""An eighth way of filming the figure: a clinic's wall camera, exported for review.

Held out like :mod:`.dusk` (added in session 35, after every threshold was set; nothing is tuned on it). The seven
other styles film the figure through a straight lens and hand the pose model the camera's own frame. A therapist's
recording often reaches the program otherwise: from a **wide-angle** camera on the wall (straight lines bowed
outwards, :func:`barrel`), **exported for review** with the picture shrunk inside dark bars and a burned-in
timestamp (:func:`windowbox`), in a white room under flat overhead tubes that **over-expose** pale clothes against
pale walls. This style keeps the mesh style's body (:mod:`.figure`) and skeleton, so the joint angles (the truth
the evaluation reads) are the same; the picture positions of the truth record are moved as the picture is
(:func:`map_points`).

* :data:`TUBES`: flat light from overhead, strong ambient;
* :data:`OUTFITS`: pale blue scrubs, a black motion-capture suit, beige leggings near the skin's colour, a white
  gown-like top over grey trousers;
* :data:`SCENES`: a white treatment room, a grey gait lab with a dark curtain, a pale green ward;
* :data:`IMAGING`: over-exposed, slightly soft, compressed.

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

STYLE = "clinic"

BARREL = 0.18
"""Radial distortion: a picture point at distance ``r`` from the centre (in half-diagonals) shows what a straight
lens would show at ``r (1 + BARREL r^2)`` (barrel: the corners squeezed in, as a wide-angle wall camera)."""

WINDOW = 0.8
"""The exported picture's size inside the frame (the rest dark bars)."""

STAMP = "2026-03-14 10:42  CAM 2  REHAB-1  #{n:05d}"
"""The burned-in timestamp text (``n``: the frame's number, so that it changes from frame to frame)."""

TUBES = Lighting(key=(0.05, -1.0, 0.15), ambient=0.58, diffuse=0.34, sky=0.22, bands=0, tint=(0.97, 1.0, 1.03))
"""Fluorescent tubes overhead: flat, from straight above, slightly cold."""

IMAGING = Imaging(blur=0.7, noise=3.0, jpeg_quality=60, exposure=1.3)
"""A wall camera in a bright room: over-exposed (pale cloth and walls clip to white), slightly soft."""

OUTFITS: dict[str, Appearance] = {
    "scrubs": Appearance(skin=(230, 190, 160), hair=(70, 50, 35), shirt=(170, 200, 215), trousers=(170, 200, 215),
                         shoes=(245, 245, 245), hair_style="short", sleeves="short"),
    "mocap": Appearance(skin=(200, 150, 115), hair=(30, 25, 20), shirt=(20, 20, 22), trousers=(20, 20, 22),
                        shoes=(20, 20, 22), hair_style="bald", sleeves="long", socks=(20, 20, 22)),
    "beige_leggings": Appearance(skin=(215, 170, 140), hair=(160, 120, 70), shirt=(215, 175, 145),
                                 trousers=(205, 165, 135), shoes=(230, 220, 205), hair_style="long",
                                 sleeves="short"),
    "white_top": Appearance(skin=(150, 105, 80), hair=(25, 20, 18), shirt=(245, 245, 240), trousers=(125, 125, 130),
                            shoes=(90, 90, 95), hair_style="short", sleeves="long"),
}
"""Clinic clothes: pale blue scrubs; a black motion-capture suit; beige leggings and top near the skin's colour; a
white long-sleeved top over grey trousers."""

SCENES: dict[str, Background] = {
    "treatment_room": Background(wall=(240, 240, 236), floor=(200, 200, 195), wall_texture="plain",
                                 floor_texture="plain", wall_distance=2.6, seed=81),
    "gait_lab": Background(wall=(60, 62, 66), floor=(70, 110, 160), wall_texture="stripes", floor_texture="plain",
                           wall_distance=3.0, seed=82),
    "ward": Background(wall=(205, 225, 205), floor=(185, 180, 170), wall_texture="noise", floor_texture="planks",
                       wall_distance=2.4, seed=83),
}
"""Rooms of this style: a white treatment room; a gait lab with a dark curtain over a blue floor; a pale green
ward."""


def _radius_unit(size: tuple[int, int]) -> tuple[np.ndarray, float]:
    w, h = size
    return np.array([(w - 1) / 2.0, (h - 1) / 2.0]), float(np.hypot(w, h) / 2.0)


def barrel(img: np.ndarray, k: float = BARREL) -> np.ndarray:
    """The picture through a wide-angle lens: output pixel ``p`` shows the input at
    ``c + (p - c)(1 + k r^2)`` (``r`` = ``|p - c|`` in half-diagonals, ``c`` the centre); outside the input, black."""
    h, w = img.shape[:2]
    c, unit = _radius_unit((w, h))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = xx - c[0], yy - c[1]
    f = 1.0 + k * (dx * dx + dy * dy) / unit ** 2
    return cv2.remap(img, (c[0] + dx * f).astype(np.float32), (c[1] + dy * f).astype(np.float32),
                     interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))


def windowbox(img: np.ndarray, n: int, scale: float = WINDOW) -> np.ndarray:
    """The picture shrunk by ``scale`` into the middle of a dark frame of the same size, with :data:`STAMP` burned
    into the top bar (``n``: the frame's number)."""
    h, w = img.shape[:2]
    out = np.full_like(img, 12)
    sw, sh = int(round(w * scale)), int(round(h * scale))
    x0, y0 = (w - sw) // 2, (h - sh) // 2
    out[y0:y0 + sh, x0:x0 + sw] = cv2.resize(img, (sw, sh), interpolation=cv2.INTER_AREA)
    size = max(0.3, h / 1200.0)
    cv2.putText(out, STAMP.format(n=int(n)), (x0 + 4, max(12, y0 - 8)), cv2.FONT_HERSHEY_SIMPLEX, size,
                (235, 235, 235), 1, cv2.LINE_AA)
    return out


def map_points(pts: np.ndarray, size: tuple[int, int], k: float = BARREL, scale: float = WINDOW) -> np.ndarray:
    """Where picture points (N, 2) of the straight lens land after :func:`barrel` and :func:`windowbox` (``size``:
    width, height in pixels): the inverse of the lens's mapping, found by fixed-point iteration."""
    c, unit = _radius_unit(size)
    q = np.asarray(pts, dtype=float) - c
    p = q.copy()
    for _ in range(30):
        p = q / (1.0 + k * (p ** 2).sum(axis=-1, keepdims=True) / unit ** 2)
    w, h = size
    sw, sh = int(round(w * scale)), int(round(h * scale))
    # windowbox's resize maps pixel centres: x' = (x + 0.5) sw / w - 0.5 + x0
    x0, y0 = (w - sw) // 2, (h - sh) // 2
    out = p + c
    return np.stack([(out[..., 0] + 0.5) * sw / w - 0.5 + x0, (out[..., 1] + 0.5) * sh / h - 0.5 + y0], axis=-1)


def finish_export(img: np.ndarray, truth: dict, n: int) -> np.ndarray:
    """The finished frame through the wide-angle lens and the export (:func:`barrel`, :func:`windowbox`); the
    truth record's picture positions (``landmarks_px``, ``extra_points_px``) moved with it, in place (``n``: the
    frame's number, for the stamp)."""
    size = (img.shape[1], img.shape[0])
    for key in ("landmarks_px", "extra_points_px"):
        pts = truth.get(key) or {}
        for name, v in pts.items():
            if v is not None and v[0] is not None:
                pts[name] = [round(float(a), 2) for a in map_points(np.array(v, dtype=float), size)]
    return windowbox(barrel(img), n)


def restyle(clip, *, outfit: str = "scrubs", build: str | None = None, scene: str = "treatment_room",
            camera_height: float | None = None, camera_distance: float | None = None, pole: str | None = None,
            imaging: Imaging | None = None, name: str | None = None):
    """The same scripted clip filmed in this style (same postures, placements and props, so the same joint angles
    for a given build).

    The parameters are :func:`.capsule.restyle`'s, with ``outfit`` a key of :data:`OUTFITS` and ``scene`` one of
    :data:`SCENES` (default imaging :data:`IMAGING`).

    Returns
    -------
    Clip
        The mesh figure under :data:`TUBES` through the wide-angle lens and the export (:func:`finish_export`),
        named with ``_clinic`` appended; its notes record the style, outfit, scene, build and pole.
    """
    return restyled(clip, STYLE, "Clinic wall-camera", 800, OUTFITS[outfit], outfit, build, SCENES[scene],
                    scene, imaging or IMAGING, TUBES, pole, camera_height, camera_distance, name)
