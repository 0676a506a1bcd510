"""Look again for a person the pose model missed in a photo: the same photo on a padded canvas, mirrored
or scaled down, with the result mapped back to the photo.

MediaPipe's person detector relies on the face and on seeing the body inside its square input; a photo
cropped close (no head, the body touching the borders) is often missed although the landmark model would
place every joint well once it has a region. Putting the photo on a larger canvas, mirroring it or
shrinking it changes what the detector sees while the body stays the same, so one of these copies often
gets a person. :func:`find_on_variants` runs the static model on each :class:`Variant` in turn and
returns the found poses in the **original photo's** coordinates:

* landmarks (normalised x, y and MediaPipe's z, which is in units of the frame width): the exact inverse
  of the copy's geometry (scale, offset, mirror);
* in a mirrored copy the person's left and right swap, so left/right landmarks (and their visibility)
  are swapped back, and the world landmarks' x axis (image right) is negated;
* the segmentation outline is traced on the copy's mask inside the photo's own rectangle and its
  points mapped back like the landmarks (pixel centres stay pixel centres);
* where the body runs on past the photo's border, the model sometimes squeezes what lies beyond onto the
  border (seen on a real photo cut at the neck: nose and ears put 15 px below the top edge with visibility
  0.97, the head being above the picture; on one cut under the chin two copies put the mouth inside the
  photo, two others 20 px above it, where it is). So a landmark of a pose found on copies counts as seen
  (keeps its visibility) only when every agreeing copy puts it inside the photo and none puts it within
  :data:`BORDER_GUESS` torso lengths of the border; otherwise its visibility is 0.

Whether a found pose is kept is for the caller to decide (``capture.analyze`` keeps it only when the
assessment on it passes its gates).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vision.contour import outline_from_result
from vision.estimator import PoseEstimator, PoseResult
from vision.landmarks import LANDMARK_NAMES


def _mirror_index() -> np.ndarray:
    swap = {"left": "right", "right": "left"}
    out = []
    for name in LANDMARK_NAMES:
        parts = name.split("_")
        out.append(LANDMARK_NAMES.index("_".join(swap.get(p, p) for p in parts)))
    return np.array(out)


MIRROR_INDEX = _mirror_index()  # landmark i of a mirrored image is landmark MIRROR_INDEX[i] of the original


@dataclass(frozen=True)
class Layout:
    """Where the photo sits on a variant's canvas: ``canvas`` (width, height), the photo's top-left corner
    ``offset`` (x, y) and its size ``placed`` (width, height) on the canvas, in canvas pixels."""

    canvas: tuple[int, int]
    offset: tuple[int, int]
    placed: tuple[int, int]


@dataclass(frozen=True)
class Variant:
    """A copy of a photo that the detector may read better.

    Attributes
    ----------
    name : str
        Short identifier, recorded in the summary (e.g. ``"padded"``).
    description : str
        In words, for messages ("a padded canvas").
    mirror : bool
        Flip left-right first.
    pad : (top, bottom, left, right)
        Border added around the photo, as fractions of its height (top, bottom) and width (left, right).
    max_side : int or None
        Scale the photo down (never up) so its longer side is at most this many pixels, before padding.
    fill : str
        ``"median"`` (the photo's median colour) or ``"edge"`` (the border pixels repeated outwards).
    """

    name: str
    description: str
    mirror: bool = False
    pad: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    max_side: int | None = None
    fill: str = "median"

    def layout(self, width: int, height: int) -> Layout:
        """The canvas geometry for a photo of ``width`` x ``height`` pixels."""
        s = min(1.0, self.max_side / max(width, height)) if self.max_side else 1.0
        pw, ph = max(1, round(width * s)), max(1, round(height * s))
        top, bottom, left, right = (round(f * n) for f, n in zip(self.pad, (ph, ph, pw, pw)))
        return Layout((pw + left + right, ph + top + bottom), (left, top), (pw, ph))

    def apply(self, rgb: np.ndarray) -> tuple[np.ndarray, Layout]:
        """The variant's canvas (RGB uint8) for a photo, with its layout."""
        h, w = rgb.shape[:2]
        lay = self.layout(w, h)
        img = rgb[:, ::-1] if self.mirror else rgb
        if lay.placed != (w, h):
            img = cv2.resize(np.ascontiguousarray(img), lay.placed, interpolation=cv2.INTER_AREA)
        (cw, ch), (x0, y0), (pw, ph) = lay.canvas, lay.offset, lay.placed
        if self.fill == "edge":
            canvas = cv2.copyMakeBorder(np.ascontiguousarray(img), y0, ch - ph - y0, x0, cw - pw - x0,
                                        cv2.BORDER_REPLICATE)
        else:
            colour = np.median(rgb.reshape(-1, 3)[:: max(1, h * w // 5000)], axis=0).astype(np.uint8)
            canvas = np.empty((ch, cw, 3), np.uint8)
            canvas[:] = colour
            canvas[y0:y0 + ph, x0:x0 + pw] = img
        return np.ascontiguousarray(canvas), lay

    def to_photo_pixels(self, points: np.ndarray, lay: Layout, width: int, height: int) -> np.ndarray:
        """Canvas pixels (x right, y down, ``(..., 2)``) -> the photo's pixels (exact inverse of :meth:`apply`)."""
        p = np.array(points, dtype=np.float64, copy=True)
        sx, sy = lay.placed[0] / width, lay.placed[1] / height
        p[..., 0] = (p[..., 0] - lay.offset[0]) / sx
        p[..., 1] = (p[..., 1] - lay.offset[1]) / sy
        if self.mirror:
            p[..., 0] = width - p[..., 0]
        return p

    def to_photo(self, res: PoseResult, lay: Layout, width: int, height: int) -> PoseResult:
        """A pose found on the canvas, in the photo's coordinates (see the module docstring).

        The returned result has no segmentation mask (its outline comes from :meth:`outline`)."""
        cw, ch = lay.canvas
        lm = np.array(res.landmarks, dtype=np.float64)
        xy = self.to_photo_pixels(lm[:, :2] * (cw, ch), lay, width, height)
        z = lm[:, 2] * cw / (lay.placed[0] / width) / width  # z is in units of the frame width
        vis, world = np.array(res.visibility), np.array(res.world)
        landmarks = np.column_stack([xy[:, 0] / width, xy[:, 1] / height, z]).astype(np.float32)
        if self.mirror:
            landmarks, vis, world = landmarks[MIRROR_INDEX], vis[MIRROR_INDEX], world[MIRROR_INDEX].copy()
            world[:, 0] = -world[:, 0]
        return PoseResult(res.found, landmarks, vis.astype(np.float32), world.astype(np.float32), (width, height))

    def outline(self, res: PoseResult, lay: Layout, width: int, height: int) -> np.ndarray | None:
        """The person's outline in the photo's pixels, traced on the canvas mask inside the photo's
        rectangle (the padding is cleared first), or None without a mask or person."""
        if res.segmentation is None or not res.found:
            return None
        mask = np.array(res.segmentation, dtype=np.float32, copy=True)
        ms = res.mask_scale
        (x0, y0), (pw, ph) = lay.offset, lay.placed
        inside = np.zeros(mask.shape, bool)
        inside[int(np.ceil(y0 * ms)):int((y0 + ph) * ms), int(np.ceil(x0 * ms)):int((x0 + pw) * ms)] = True
        mask[~inside] = 0.0
        pts = outline_from_result(PoseResult(True, res.landmarks, res.visibility, res.world, res.image_size, mask, ms))
        if pts is None:
            return None
        out = self.to_photo_pixels(pts, lay, width, height)
        if self.mirror:  # a mirror reverses the direction of travel: restore clockwise order from the top
            out = out[::-1]
            top = np.lexsort((out[:, 0], out[:, 1]))[0]
            out = np.roll(out, -top, axis=0)
        return out.astype(np.float32)


# Tried in this order. Padding gives the detector room around a body that touches the borders (a
# head cut off at the top, feet at the bottom); a mirror and a smaller copy change what the detector's
# square input sees. Each costs one model call; they are used only when the photo itself gave nobody.
VARIANTS: tuple[Variant, ...] = (
    Variant("padded", "a padded canvas", pad=(0.25, 0.25, 0.25, 0.25)),
    Variant("padded_above", "a canvas with room above the photo", pad=(0.5, 0.0, 0.1, 0.1)),
    Variant("mirrored_padded", "a mirrored copy on a padded canvas", mirror=True, pad=(0.25, 0.25, 0.25, 0.25)),
    Variant("padded_edges", "a canvas padded with the photo's own edges", pad=(0.25, 0.25, 0.25, 0.25), fill="edge"),
    Variant("padded_wide", "a widely padded canvas", pad=(0.5, 0.5, 0.5, 0.5)),
    Variant("scaled_down", "a scaled-down copy", max_side=256),
    Variant("mirrored", "a mirrored copy", mirror=True),
    Variant("padded_widest", "a very widely padded canvas", pad=(1.0, 1.0, 1.0, 1.0)),
)


# a photo's second reading (vision.pipeline.reread_photo): its mirror image, else on a padded canvas
MIRRORED = tuple(next(v for v in VARIANTS if v.name == name) for name in ("mirrored", "mirrored_padded"))

BORDER_GUESS = 0.05  # torso lengths from the photo's border within which a found landmark is a guess (engineering)
AGREE_TORSO = 0.2  # two poses agree when their body landmarks lie this many torso lengths apart (median; engineering)
MIN_AGREEING = 2  # a pose found on copies is trusted only when this many copies agree on it (engineering)


@dataclass
class VariantPose:
    """A person found on a variant: ``result`` and ``outline`` (or None) in the photo's coordinates."""

    variant: Variant
    result: PoseResult
    outline: np.ndarray | None


def inside_photo(res: PoseResult, margin: float = 0.0) -> np.ndarray:
    """(33,) bool: the landmarks of ``res`` (photo coordinates) inside the photo by more than ``margin``
    torso lengths from its border."""
    px = res.pixels.astype(np.float64)
    w, h = res.image_size
    torso = float(np.linalg.norm(px[[11, 12]].mean(axis=0) - px[[23, 24]].mean(axis=0)))
    m = margin * torso if np.isfinite(torso) else 0.0
    x, y = px[:, 0], px[:, 1]
    return (x >= m) & (x <= w - m) & (y >= m) & (y <= h - m)


def seen_by_all(group: list[VariantPose], margin: float = BORDER_GUESS) -> list[VariantPose]:
    """The poses of ``group`` with the visibility of each landmark set to 0 unless every pose of the group
    puts it inside the photo, more than ``margin`` torso lengths from the border (see the module docstring)."""
    seen = np.all([inside_photo(g.result, margin) for g in group], axis=0)
    out = []
    for g in group:
        r = g.result
        vis = np.where(seen, r.visibility, 0.0).astype(np.float32)
        out.append(VariantPose(g.variant, PoseResult(r.found, r.landmarks, vis, r.world, r.image_size), g.outline))
    return out


def find_on_variants(rgb: np.ndarray, estimator: PoseEstimator,
                     variants: tuple[Variant, ...] = VARIANTS) -> list[VariantPose | Variant]:
    """Run ``estimator`` (static mode) on every variant of a photo.

    Returns, in the order of ``variants``, a :class:`VariantPose` for each variant on which a person was
    found and the bare :class:`Variant` for each on which nobody was found.
    """
    h, w = rgb.shape[:2]
    out: list[VariantPose | Variant] = []
    for v in variants:
        canvas, lay = v.apply(rgb)
        res = estimator.process(canvas)
        out.append(VariantPose(v, v.to_photo(res, lay, w, h), v.outline(res, lay, w, h)) if res.found else v)
    return out


def pose_distance(a: np.ndarray, b: np.ndarray, inside: np.ndarray | None = None) -> float:
    """How far apart two poses of one photo are: the median distance of their body landmarks (shoulders
    to feet, MediaPipe 11-32; only those flagged in ``inside`` when at least 4 are) in torso lengths of
    ``a``, the smaller of as labelled and with left and right swapped (the model may swap them in a side
    view). ``a``, ``b``: (33, 2) pixels; ``inside``: (33,) bool, e.g. the landmarks inside the photo (where
    the model sees the body rather than guesses it)."""
    torso = float(np.linalg.norm(a[[11, 12]].mean(axis=0) - a[[23, 24]].mean(axis=0)))
    if not np.isfinite(torso) or torso <= 0:
        return float("inf")
    use = np.zeros(33, bool)
    use[11:] = True
    if inside is not None and (use & inside).sum() >= 4:
        use &= inside
    d = min(np.median(np.linalg.norm(a[use] - b[use], axis=1)),
            np.median(np.linalg.norm(a[use] - b[MIRROR_INDEX][use], axis=1)))
    return float(d / torso)


def agreeing(found: list[VariantPose], tolerance: float = AGREE_TORSO, min_agreeing: int = MIN_AGREEING) -> list[VariantPose]:
    """The largest group of poses found on different copies that agree (:func:`pose_distance` within
    ``tolerance`` of the group's most central pose), most central first then in variant order, with only
    the landmarks every one of them sees inside the photo left visible (:func:`seen_by_all`); empty when
    fewer than ``min_agreeing`` agree.

    Copies of one photo should give one pose; a pose only one copy gives, or two copies disagree on, is
    often the model squeezing a body into the visible part (seen on a rendered side view cut at the neck:
    two padded copies put the head on the chest, four other copies agreed on the true pose)."""
    if not found:
        return []
    px = [f.result.pixels for f in found]
    inside = [np.all((f.result.landmarks[:, :2] >= 0) & (f.result.landmarks[:, :2] <= 1), axis=1) for f in found]
    near = [[j for j in range(len(found))
             if max(pose_distance(px[i], px[j], inside[i]), pose_distance(px[j], px[i], inside[j])) <= tolerance]
            for i in range(len(found))]
    best = max(range(len(found)), key=lambda i: (len(near[i]), -i))
    if len(near[best]) < min_agreeing:
        return []
    return seen_by_all([found[best]] + [found[j] for j in near[best] if j != best])
