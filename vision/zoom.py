"""Find a person filmed small, and show the pose model only the part of each frame around them.

MediaPipe's person detector sees the whole frame shrunk to a small square: a person filling a third of a
1280 x 720 picture's height (a rendered figure 6 m from the camera) was found in no frame, and one seated at
that distance only once they stood up. The same frames cut into tiles half and three quarters of the frame's
height (:func:`tiles`) show the person larger to the detector, and the static model finds them there (in all 10
sampled frames of that clip). :func:`person_region` looks at a few frames that way and returns the part of the
picture the person was found in, padded for their movement; a second pass of the pose model
(:func:`vision.pipeline.track` with ``crop``) then sees every frame cut to that region
(:func:`crop_frame`) and its poses are mapped back exactly (:func:`uncrop_result`):

* landmarks (normalised x, y; z in units of the frame width): ``x = (x0 + x_crop * w_crop) / W``, likewise y;
  z rescaled from the crop's width to the frame's;
* world landmarks (metres, about the hips): unchanged;
* the segmentation mask pasted into an empty mask of the whole frame, so that its outline is traced in the
  frame's own pixels.

A photo in which the pose model and its altered copies (:mod:`vision.variants`) found nobody is searched the same
way, on its one frame. Nothing is enlarged: the landmark model reads the person at the resolution the frame has,
only the detector's view changes. The person's size in the picture, and the warning that comes with a small one,
stay as they are.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vision.estimator import PoseEstimator, PoseResult
from vision.turns import turn_box, turn_frame, unturn_box

__all__ = ["TILE_SIDES", "TILE_EDGE", "TILE_PERSON_MIN", "REGION_FOUND_MIN", "Box", "tiles", "found_in_tiles",
           "person_region", "crop_box", "crop_frame", "uncrop_result"]

Box = tuple[float, float, float, float]  # (x0, y0, x1, y1), fractions of the frame's width and height
TILE_SIDES = (0.5, 0.75)  # square tiles this share of the frame's height, overlapping by half
TILE_EDGE = 0.01  # a pose found on a tile counts when every landmark lies at least this share of its side inside it
TILE_PERSON_MIN = 0.15  # a pose found on a tile counts when its points span at least this share of the frame's height
REGION_FOUND_MIN = 0.8  # the person must be found on the tiles of at least this share of the frames searched
REGION_PAD = (0.6, 0.25)  # the region found padded by this share of the person's height sideways and up/down
REGION_MAX_AREA = 0.6  # a region larger than this share of the frame shows the detector nothing new


def tiles(width: int, height: int) -> list[tuple[int, int, int]]:
    """Square tiles ``(x, y, side)`` in pixels covering a ``width`` x ``height`` frame, of each side in
    :data:`TILE_SIDES` (times the shorter of the frame's sides), overlapping by half a side, the last of each row and
    column flush with the frame's edge."""
    out = []
    for share in TILE_SIDES:
        s = max(1, int(share * min(width, height)))
        step = max(1, s // 2)

        def starts(n: int) -> list[int]:
            xs = list(range(0, max(1, n - s + 1), step))
            return xs + [n - s] if n - s > xs[-1] else xs

        out += [(x, y, s) for y in starts(height) for x in starts(width)]
    return out


def found_in_tiles(rgb: np.ndarray, est: PoseEstimator) -> Box | None:
    """The landmark box of the person the static pose model ``est`` finds with the highest mean visibility on any
    tile of ``rgb`` (:func:`tiles`), as fractions of the frame; None when no tile shows anyone whole.

    Only a pose whose 33 landmarks all lie inside its tile (within :data:`TILE_EDGE` of the tile's side) counts: a
    person small in the picture fits in a tile, while a tile cut through a large one shows part of a body, about
    which the model guesses the rest beyond the tile's edge (a figure filmed so close that its head and feet were
    out of the picture was "found" on tiles as pieces of itself). So does one at least :data:`TILE_PERSON_MIN` of
    the frame's height: the model also draws tiny people over a hand or a ball (11-18 % of the frame's height, on
    the close mannequin, against 21 % for a figure seated 6 m away)."""
    h, w = rgb.shape[:2]
    best, box = 0.0, None
    for x, y, s in tiles(w, h):
        res = est.process(np.ascontiguousarray(rgb[y:y + s, x:x + s]))
        if not res.found or not ((res.landmarks[:, :2] >= TILE_EDGE) & (res.landmarks[:, :2] <= 1 - TILE_EDGE)).all():
            continue
        if np.ptp(res.landmarks[:, 1]) * s / h < TILE_PERSON_MIN:
            continue
        v = float(np.mean(res.visibility))
        if v > best:
            px = res.landmarks[:, :2] * s + (x, y)
            best, box = v, (float(px[:, 0].min() / w), float(px[:, 1].min() / h), float(px[:, 0].max() / w),
                            float(px[:, 1].max() / h))
    return box


def person_region(frames: list[np.ndarray], est: PoseEstimator, seen: Box | None = None, turn: int = 0) -> Box | None:
    """Where in the picture a person filmed small is: the union of :func:`found_in_tiles` over ``frames`` (RGB, a
    few spread over the clip) and of ``seen`` (where the pose model found them in the other frames, if it did),
    padded by :data:`REGION_PAD` of the person's height and kept inside the frame. (A person found seated on tiles
    stands up later: a region around the seated body alone cut off the head of the standing one.) With ``turn``,
    the tiles are those of the frames turned that many quarters clockwise (:mod:`vision.turns`: a person lying
    side-on stands upright there); the region is the frame's own.

    Returns
    -------
    Box or None
        None when the person was found in fewer than :data:`REGION_FOUND_MIN` of the frames (the poses the model
        draws over parts of a large body come and go: 4 of 6 frames of the close mannequin), or the region covers
        more than :data:`REGION_MAX_AREA` of the frame (cutting it would not show the detector the person any
        larger).
    """
    found = [b for b in (found_in_tiles(turn_frame(f, turn), est) for f in frames) if b is not None]
    if not frames or len(found) < REGION_FOUND_MIN * len(frames):
        return None
    boxes = np.array(found)
    tall = float(np.median(boxes[:, 3] - boxes[:, 1]))  # the person's height on the tiles, share of the frame's
    if seen is not None:
        boxes = np.vstack([boxes, turn_box(seen, turn)])
    x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
    x1, y1 = boxes[:, 2].max(), boxes[:, 3].max()
    h, w = turn_frame(frames[0], turn).shape[:2]
    px, py = REGION_PAD[0] * tall * h / w, REGION_PAD[1] * tall
    region = (max(0.0, x0 - px), max(0.0, y0 - py), min(1.0, x1 + px), min(1.0, y1 + py))
    if (region[2] - region[0]) * (region[3] - region[1]) > REGION_MAX_AREA:
        return None
    return unturn_box(region, turn)


def crop_box(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    """``box`` in pixels of a ``width`` x ``height`` frame: ``(x0, y0, x1, y1)``, at least 2 pixels each way."""
    x0, y0 = int(np.floor(box[0] * width)), int(np.floor(box[1] * height))
    x1, y1 = int(np.ceil(box[2] * width)), int(np.ceil(box[3] * height))
    x0, y0 = min(max(0, x0), width - 2), min(max(0, y0), height - 2)
    return x0, y0, max(x0 + 2, min(width, x1)), max(y0 + 2, min(height, y1))


def crop_frame(rgb: np.ndarray, box: Box) -> np.ndarray:
    """The part of ``rgb`` inside ``box`` (:func:`crop_box`), contiguous for the model."""
    x0, y0, x1, y1 = crop_box(box, rgb.shape[1], rgb.shape[0])
    return np.ascontiguousarray(rgb[y0:y1, x0:x1])


def uncrop_result(res: PoseResult, box: Box, size: tuple[int, int]) -> PoseResult:
    """The pose found on :func:`crop_frame` ``(rgb, box)`` in the coordinates of ``rgb`` itself.

    Parameters
    ----------
    res : PoseResult
        What the model found on the cut frame (its ``image_size`` is the cut's).
    box : Box
        The region the frame was cut to.
    size : (int, int)
        The whole frame's (width, height), pixels.
    """
    w, h = size
    x0, y0, x1, y1 = crop_box(box, w, h)
    cw, ch = x1 - x0, y1 - y0
    lm = res.landmarks.copy()
    lm[:, 0] = (x0 + res.landmarks[:, 0] * cw) / w
    lm[:, 1] = (y0 + res.landmarks[:, 1] * ch) / h
    lm[:, 2] = res.landmarks[:, 2] * np.float32(cw / w)
    mask = None
    if res.segmentation is not None:
        mh, mw = res.segmentation.shape
        s = res.mask_scale
        mask = np.zeros((max(mh, int(round(h * s))), max(mw, int(round(w * s)))), np.float32)
        oy, ox = int(round(y0 * s)), int(round(x0 * s))
        mask[oy:oy + mh, ox:ox + mw] = res.segmentation[:mask.shape[0] - oy, :mask.shape[1] - ox]
    return replace(res, landmarks=lm, image_size=(w, h), segmentation=mask)
