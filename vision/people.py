"""Is more than one person in the picture? MediaPipe Pose follows a single person, so we check.

The check hides the person the model found (their landmark box, widened, is filled with the frame's
median colour) and runs the person detector again on what is left; when that finds nobody and the
track has a segmentation mask, it hides only their silhouette instead (so that someone standing right
beside them, inside their box, can be found) and looks again. Another confident full pose means a
second person, unless its trunk lies on the paint (:func:`on_paint`: the detector reading the hidden person's
leftovers); they are hidden in turn and the detector looks again, up to :data:`MAX_OTHERS` others.
Each probe records where every person was (:class:`PeopleSeen`), so that
:func:`analysis.people.check_person` can tell whether the followed person is the subject. A probe costs
one or two model calls, plus one for each other person found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vision.estimator import ModelCache, PoseEstimator, PoseResult

BOX_MARGIN = 0.15  # widen the hidden box by this fraction of its size on each side (engineering choice)
MIN_CORE_VISIBILITY = 0.6  # a second pose counts when its shoulders and hips are this visible
MAX_OTHERS = 3  # look for at most this many other people per probed frame (each one costs a model call)
MASK_WIDEN = 0.03  # widen a hidden silhouette by this fraction of the frame's longer side (hair, blur; engineering)
SAME_PERSON = 0.25  # a pose whose shoulders and hips all lie within this many torso lengths of an earlier
# one's is that person again (a part left unhidden), not another person (engineering choice)
_CORE = [11, 12, 23, 24]


def person_box(pixels: np.ndarray, visibility: np.ndarray, margin: float = BOX_MARGIN) -> tuple[int, int, int, int] | None:
    """Box (x0, y0, x1, y1) in pixels around the visible landmarks, widened by ``margin``; None if none."""
    ok = np.isfinite(pixels).all(axis=1) & (np.nan_to_num(visibility) > 0.3)
    if ok.sum() < 4:
        return None
    (x0, y0), (x1, y1) = pixels[ok].min(axis=0), pixels[ok].max(axis=0)
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    return int(x0 - dx), int(y0 - dy * 1.5), int(x1 + dx), int(y1 + dy)  # extra room above for hair


def _points(result: PoseResult) -> np.ndarray:
    """(33, 3) float32: normalised x, y and visibility of a found pose."""
    return np.concatenate([result.landmarks[:, :2], result.visibility[:, None]], axis=1).astype(np.float32)


@dataclass
class PeopleSeen:
    """The people found in one probed frame.

    Attributes
    ----------
    timestamp : float
        Seconds, as in the track.
    image_size : (int, int)
        (width, height) of the probed frame in pixels.
    followed : ndarray, shape (33, 3), float32
        The person the pose model follows: normalised x (right), y (down) and visibility per landmark.
    others : ndarray, shape (K, 33, 3), float32
        The other people found in the frame (K = 0 when nobody else), same layout.
    """

    timestamp: float
    image_size: tuple[int, int]
    followed: np.ndarray
    others: np.ndarray = field(default_factory=lambda: np.zeros((0, 33, 3), np.float32))


def stack_people(seen: list[PeopleSeen]) -> dict[str, np.ndarray]:
    """The probes as arrays for :func:`analysis.people.check_person`.

    Returns
    -------
    dict
        ``timestamps`` (P,), ``image_size`` (P, 2), ``followed`` (P, 33, 3) and ``others`` (P, K, 33, 3)
        with K the most people found beside the followed one in any probe (NaN where fewer were found).
    """
    k = max((len(s.others) for s in seen), default=0)
    others = np.full((len(seen), k, 33, 3), np.nan, np.float32)
    for i, s in enumerate(seen):
        others[i, : len(s.others)] = s.others
    return {"timestamps": np.array([s.timestamp for s in seen], dtype=np.float64),
            "image_size": np.array([s.image_size for s in seen], dtype=np.float64).reshape(-1, 2),
            "followed": np.array([s.followed for s in seen], dtype=np.float32).reshape(-1, 33, 3),
            "others": others}


def hide_box(rgb: np.ndarray, result: PoseResult, fill: np.ndarray) -> bool:
    """Paint the widened landmark box of the person of ``result`` with ``fill`` in place; False when the
    pose has too few landmarks to box."""
    h, w = rgb.shape[:2]
    box = person_box(result.pixels, result.visibility)
    if box is None:
        return False
    x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(w, box[2]), min(h, box[3])
    rgb[y0:y1, x0:x1] = fill
    return True


def hide_silhouette(rgb: np.ndarray, result: PoseResult, fill: np.ndarray) -> bool:
    """Paint the person's segmentation mask (probability 0.5 or more, widened by :data:`MASK_WIDEN`) with
    ``fill`` in place; False when the result has no mask or it is empty."""
    import cv2

    if result.segmentation is None:
        return False
    h, w = rgb.shape[:2]
    mask = result.segmentation >= 0.5
    if mask.shape != (h, w):
        mask = cv2.resize(mask.view(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)
    if not mask.any():
        return False
    r = max(1, int(round(MASK_WIDEN * max(h, w))))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    rgb[cv2.dilate(mask.view(np.uint8), kernel).astype(bool)] = fill
    return True


HEAD_COVER = 0.45  # radius of the disc that hides a head, in torso lengths (the head is about 0.25-0.3; engineering)
LIMB_COVER = 0.3  # width of the band that hides an arm or the trunk's edge, in torso lengths (engineering)


def hide_upper_body(rgb: np.ndarray, pixels: np.ndarray, fill: np.ndarray, arms_and_trunk: bool = False) -> bool:
    """Paint a person's head (a disc of :data:`HEAD_COVER` torso lengths round the face landmarks 0-10) with
    ``fill`` in place, so that the person detector, which starts from a face, does not pick them; with
    ``arms_and_trunk`` also their arms and trunk (bands :data:`LIMB_COVER` torso lengths wide). Legs are
    left: whoever overlaps them stays in view. ``pixels`` (33, 2) in ``rgb``'s pixels; False when the face
    or the torso was not found."""
    import cv2

    p = np.asarray(pixels, dtype=np.float64)
    face = p[:11][np.isfinite(p[:11]).all(axis=1)]
    torso = np.linalg.norm(np.nanmean(p[[11, 12]], axis=0) - np.nanmean(p[[23, 24]], axis=0))
    if not len(face) or not np.isfinite(torso) or torso <= 0:
        return False
    colour = tuple(int(v) for v in fill)
    centre = np.round(face.mean(axis=0)).astype(int)
    cv2.circle(rgb, (int(centre[0]), int(centre[1])), int(round(HEAD_COVER * torso)), colour, -1)
    if arms_and_trunk:
        width = max(1, int(round(LIMB_COVER * torso)))
        for a, b in ((11, 13), (13, 15), (12, 14), (14, 16), (11, 12), (23, 24), (11, 23), (12, 24)):
            if np.isfinite(p[[a, b]]).all():
                cv2.line(rgb, tuple(int(v) for v in np.round(p[a])), tuple(int(v) for v in np.round(p[b])), colour,
                         width)
        core = p[[11, 12, 24, 23]]
        if np.isfinite(core).all():
            cv2.fillPoly(rgb, [np.round(core).astype(np.int32)], colour)
    return True


def on_paint(pixels: np.ndarray, painted: np.ndarray) -> bool:
    """Whether a pose's trunk lies on pixels the probe painted over: its torso midpoint and at least three of its
    shoulders and hips. Paint is flat, so no one can be seen there: such a pose is the detector reading the hidden
    person's leftovers with the paint (a rendered half-kneel filmed at 1280 x 720 gave a pose whose shoulders lay
    on the person's hips and whose hips lay below their feet, larger than them, and was refused as "two people of
    similar size"). ``pixels`` (33, 2) and ``painted`` (H, W) bool in the probed frame's pixels."""
    h, w = painted.shape
    core = np.asarray(pixels, dtype=np.float64)[_CORE]
    pts = np.vstack([core, core.mean(axis=0)])
    if not np.isfinite(pts).all():
        return False
    ij = np.round(pts).astype(int)
    inside = (ij[:, 0] >= 0) & (ij[:, 0] < w) & (ij[:, 1] >= 0) & (ij[:, 1] < h)
    hit = np.zeros(len(ij), bool)
    hit[inside] = painted[ij[inside, 1], ij[inside, 0]]
    return bool(hit[-1] and hit[:4].sum() >= 3)


def same_person(a: np.ndarray, b: np.ndarray, tolerance: float = SAME_PERSON) -> bool:
    """Whether two poses (33, 2) pixels are one person: each shoulder and hip of ``a`` within ``tolerance``
    torso lengths of the same point of ``b`` (or of its mirror twin, as left and right may swap)."""
    core_a, core_b = a[_CORE], b[_CORE]
    torso = float(np.linalg.norm(core_b[:2].mean(0) - core_b[2:].mean(0)))
    if not np.isfinite(torso) or torso <= 0:
        return False
    swapped = core_b[[1, 0, 3, 2]]
    return bool(min(np.linalg.norm(core_a - core_b, axis=1).max(), np.linalg.norm(core_a - swapped, axis=1).max())
                <= tolerance * torso)


class PeopleProbe:
    """Looks for other people in selected frames; one static estimator reused for all of them (the photo
    estimator of ``models`` when given, handed back to it at :meth:`close`)."""

    def __init__(self, max_side: int | None, models: ModelCache | None = None) -> None:
        self._estimator: PoseEstimator | None = None
        self._max_side = max_side
        self._models = models if max_side is None else None  # kept models have no size limit of their own
        self.seen_at: list[float] = []  # timestamps (s) where another person was found
        self.seen: list[PeopleSeen] = []  # every probe, with or without another person
        self.probed = 0

    def check(self, rgb: np.ndarray, result: PoseResult, timestamp: float) -> bool:
        """Return True (and remember ``timestamp``) when another person is visible beside ``result``.

        Every probed frame is recorded in :attr:`seen` with the positions of the people found.
        """
        if not result.found:
            return False
        if self._estimator is None:
            self._estimator = (self._models.take(static=True) if self._models is not None
                               else PoseEstimator(static=True, max_side=self._max_side))
        h, w = rgb.shape[:2]
        fill = np.median(rgb.reshape(-1, 3)[:: max(1, h * w // 5000)], axis=0).astype(np.uint8)
        found = [result]
        self.probed += 1

        def look(img: np.ndarray) -> PoseResult | None:
            other = self._estimator.process(img)
            if not (other.found and float(np.mean(other.visibility[_CORE])) >= MIN_CORE_VISIBILITY):
                return None
            if any(same_person(other.pixels, f.pixels) for f in found):
                return None  # a part left unhidden
            return None if on_paint(other.pixels, (img != rgb).any(axis=2)) else other  # read off the paint

        # First the widened box: a hole in the shape of a person draws the detector to itself (seen on a real
        # photo: the catcher beside a batter was found only with the box). When the box leaves nobody, the
        # silhouette alone, which keeps someone standing close beside the person (inside their box) visible.
        hidden = rgb.copy()
        other = look(hidden) if hide_box(hidden, result, fill) else None
        if other is None and result.segmentation is not None:
            hidden = rgb.copy()
            other = look(hidden) if hide_silhouette(hidden, result, fill) else None
        while other is not None:
            found.append(other)
            if len(found) > MAX_OTHERS or not hide_box(hidden, other, fill):
                break
            other = look(hidden)
        others = [_points(o) for o in found[1:]]
        self.seen.append(PeopleSeen(timestamp, (w, h), _points(result),
                                    np.array(others, np.float32).reshape(-1, 33, 3)))
        if others:
            self.seen_at.append(timestamp)
        return bool(others)

    def close(self) -> None:
        if self._estimator is not None:
            if self._models is not None:
                self._models.give_back(self._estimator)
            else:
                self._estimator.close()
            self._estimator = None
