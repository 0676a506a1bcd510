"""Is the person the pose model followed the subject of the capture, or is someone else in view?

MediaPipe Pose follows one person. When the people probes (:mod:`vision.people`) saw others, this
module decides from their sizes and positions whether the followed person is the **subject**: the
largest and most central person over the clip. Everything here works on plain arrays:

* a person's **size** is their torso length (shoulder midpoint to hip midpoint) as a fraction of the
  frame height: unlike the whole-body extent it does not change when the person sits, raises the arms
  or is cut off at the knees, and it scales with the inverse of the distance to the camera;
* their **centre** is the torso midpoint; the **off-centre** figure is its horizontal distance from the
  middle of the frame as a fraction of the half width (0 = middle, 1 = at the left or right edge);
* their **prominence** is size x (1 - ``person_centre_weight`` x off-centre): how much a person looks
  like the one being filmed.

The decision (:func:`check_person`, the ``"person"`` capture check) at each probed moment, worst over the
clip:

1. another person at least 1 / ``person_similar_size`` times the followed person's size: the model
   followed someone who is not the subject -> blocking;
2. another person at least ``person_similar_size`` times the size: two people of similar size, the
   program cannot tell which one is to be assessed (and tracking may jump between them) -> blocking;
3. another, smaller person who is more prominent (more central) than the followed one: the followed
   person is probably not the subject -> blocking;
4. otherwise everyone else is smaller and farther out: a bystander -> a warning only.

A test done **lying on a table** (the Thomas test, the prone knee bend) has a helper beside the table by its
set-up (:data:`analysis.protocols.PROTOCOLS`). With ``helper_expected``, another person standing upright while
the followed person lies is that helper, whatever their size: a note, not a block. The reverse (the model
followed someone standing while another person lies) means the model followed the helper -> blocking. Upright
and lying are read from each person's trunk line (hip midpoint to shoulder midpoint) in the picture, with the
activity gate's bounds (``activity_upright_trunk_max``, ``activity_lying_trunk_min``).
"""

from __future__ import annotations

import warnings

import numpy as np

from analysis.norms import threshold
from analysis.quality import Check

L_SHOULDER, R_SHOULDER, L_HIP, R_HIP = 11, 12, 23, 24
# outcomes, worst first
BLOCK_FOLLOWED_HELPER, BLOCK_NOT_SUBJECT, BLOCK_SIMILAR, BLOCK_MORE_CENTRAL, BYSTANDER, ALONE = 5, 4, 3, 2, 1, 0


def torso_size_and_centre(points: np.ndarray, image_size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Size and horizontal centre of people from their landmarks.

    Parameters
    ----------
    points : ndarray, shape (..., 33, 2 or more)
        Normalised landmark x (right) and y (down) as fractions of the frame width and height (further
        columns, e.g. visibility, are ignored); NaN for a person not found.
    image_size : ndarray, shape (..., 2)
        Frame (width, height) in pixels, broadcast against ``points[..., 0, 0]``.

    Returns
    -------
    size : ndarray, shape (...)
        Torso length (shoulder midpoint to hip midpoint) as a fraction of the frame height.
    centre_x : ndarray, shape (...)
        Horizontal position of the torso midpoint as a fraction of the frame width (0 = left edge).
    """
    size = np.asarray(image_size, dtype=np.float64)
    shoulders, hips = _shoulders_and_hips(points, size)
    torso = np.linalg.norm(shoulders - hips, axis=-1) / size[..., 1]
    centre_x = (shoulders[..., 0] + hips[..., 0]) / 2 / size[..., 0]
    return torso, centre_x


def _shoulders_and_hips(points, image_size) -> tuple[np.ndarray, np.ndarray]:
    """The shoulder midpoint and the hip midpoint of people, pixels (x right, y down), shape (..., 2) each;
    ``points`` and ``image_size`` as :func:`torso_size_and_centre`."""
    px = np.asarray(points, dtype=np.float64)[..., :2] * np.asarray(image_size, dtype=np.float64)[..., None, :]
    return px[..., [L_SHOULDER, R_SHOULDER], :].mean(axis=-2), px[..., [L_HIP, R_HIP], :].mean(axis=-2)


def torso_midpoint(points: np.ndarray, image_size: np.ndarray) -> np.ndarray:
    """The midpoint of people's torsos (shoulder and hip midpoints), pixels (x right, y down), shape (..., 2);
    ``points`` and ``image_size`` as :func:`torso_size_and_centre`."""
    shoulders, hips = _shoulders_and_hips(points, image_size)
    return (shoulders + hips) / 2


def trunk_inclination(points: np.ndarray, image_size: np.ndarray) -> np.ndarray:
    """How far people's trunks are from upright in the picture, in degrees.

    Parameters
    ----------
    points, image_size
        As :func:`torso_size_and_centre`.

    Returns
    -------
    ndarray, shape (...)
        Angle of the hip-midpoint -> shoulder-midpoint line from the image vertical, folded to 0..90: 0 =
        upright (standing, sitting), 90 = horizontal (lying); NaN for a person not found.
    """
    shoulders, hips = _shoulders_and_hips(points, image_size)
    d = shoulders - hips
    a = np.degrees(np.arctan2(np.abs(d[..., 0]), -d[..., 1]))
    return np.minimum(a, 180.0 - a)


def prominence(size: np.ndarray, centre_x: np.ndarray, centre_weight: float | None = None) -> np.ndarray:
    """Size discounted by the distance from the middle of the frame (see the module docstring)."""
    w = threshold("person_centre_weight") if centre_weight is None else centre_weight
    off = np.minimum(np.abs(np.asarray(centre_x, dtype=np.float64) - 0.5) / 0.5, 1.0)
    return np.asarray(size, dtype=np.float64) * (1.0 - w * off)


def people_table(followed: np.ndarray, others: np.ndarray, image_size: np.ndarray) -> dict[str, np.ndarray]:
    """Sizes, centres and prominences of everyone seen at each probed moment.

    Parameters
    ----------
    followed : ndarray, shape (P, 33, 2 or 3)
        The followed person at each of P probed moments (normalised coordinates).
    others : ndarray, shape (P, K, 33, 2 or 3)
        The other people found then; NaN rows where fewer than K were found.
    image_size : ndarray, shape (P, 2)
        (width, height) in pixels of each probed frame.

    Returns
    -------
    dict
        ``followed_size``, ``followed_x``, ``followed_prominence`` (P,) and ``other_size``, ``other_x``,
        ``other_prominence`` (P, K), NaN where nobody was found; ``size_ratio`` (P, K) = other size /
        followed size; ``followed_trunk`` (P,) and ``other_trunk`` (P, K), each trunk's inclination from
        upright (:func:`trunk_inclination`); ``torso_gap`` (P, K), how far the other's torso midpoint lies from
        the followed one's, in the followed person's torso lengths; ``other_head_down`` (P, K) bool, the other's
        shoulder midpoint lower in the picture than its hip midpoint; ``other_within`` (P, K) bool, the other's
        torso midpoint inside the box of the followed person's landmarks.
    """
    f = np.asarray(followed, dtype=np.float64).reshape(-1, 33, np.shape(followed)[-1])
    o = np.asarray(others, dtype=np.float64)
    o = o.reshape(len(f), -1, 33, o.shape[-1]) if o.size else np.full((len(f), 0, 33, f.shape[-1]), np.nan)
    size = np.asarray(image_size, dtype=np.float64).reshape(-1, 2)
    fs, fx = torso_size_and_centre(f, size)
    os_, ox = torso_size_and_centre(o, size[:, None, :])
    o_shoulders, o_hips = _shoulders_and_hips(o, size[:, None, :])
    o_mid = (o_shoulders + o_hips) / 2  # torso_midpoint's, from the points already found
    gap = np.linalg.norm(o_mid - torso_midpoint(f, size)[:, None, :], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a probe without the followed person: an all-NaN box
        ratio = os_ / fs[:, None]
        gap = gap / (fs * size[:, 1])[:, None]
        lo, hi = (np.nanmin(f[..., :2], axis=1) * size)[:, None, :], (np.nanmax(f[..., :2], axis=1) * size)[:, None, :]
        within = ((o_mid >= lo) & (o_mid <= hi)).all(axis=-1)
        head_down = o_shoulders[..., 1] > o_hips[..., 1]
    return {"followed_size": fs, "followed_x": fx, "followed_prominence": prominence(fs, fx),
            "other_size": os_, "other_x": ox, "other_prominence": prominence(os_, ox), "size_ratio": ratio,
            "followed_trunk": trunk_inclination(f, size), "other_trunk": trunk_inclination(o, size[:, None, :]),
            "torso_gap": gap, "other_head_down": head_down, "other_within": within}


def upright_or_lying(inclination) -> tuple[np.ndarray, np.ndarray]:
    """Trunks upright (within ``activity_upright_trunk_max`` of the picture's vertical) and lying
    (``activity_lying_trunk_min`` or more), from :func:`trunk_inclination`: two bool arrays of its shape, both
    False where it is NaN."""
    inc = np.asarray(inclination, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return inc <= threshold("activity_upright_trunk_max"), inc >= threshold("activity_lying_trunk_min")


def upright_share(landmarks: np.ndarray, image_size: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Which frames of a track show the followed person upright, and how much of it is upright or lying.

    Parameters
    ----------
    landmarks : ndarray, shape (T, 33, 2 or more)
        Normalised landmarks (``PoseSequence.landmarks``); NaN where nobody was found.
    image_size : ndarray, shape (T, 2)

    Returns
    -------
    upright : ndarray (T,) bool
        Trunk within ``activity_upright_trunk_max`` of the image vertical (:func:`trunk_inclination`).
    upright_share, lying_share : float
        Shares of the frames with a person whose trunk is upright, and lying (``activity_lying_trunk_min``
        or more); 0 when nobody was found.
    """
    inc = trunk_inclination(landmarks, image_size)
    up, down = upright_or_lying(inc)
    n = int(np.isfinite(inc).sum())
    return (up, float(up.sum()) / n, float(down.sum()) / n) if n else (up, 0.0, 0.0)


def found_share_lying(detected: np.ndarray, landmarks: np.ndarray, image_size: np.ndarray) -> float:
    """The share of a test done lying's frames in which the pose model found the person, leaving out the frames
    where it found someone upright (walking to the table, getting up and away, the helper beside it).

    A person filming themselves walks to the table first, and the model finds them well walking and poorly lying:
    counted over the whole clip, a prone knee bend whose lying part was found in a third of its frames reached
    the share that stops :func:`capture.analyze.turn_person_lying` from trying frames turned a quarter, and the
    test named the other leg or found no bend. When no frame shows the person lying (someone standing offered
    as a test done lying), the share over the whole clip, as before.

    Parameters
    ----------
    detected : ndarray (T,) bool
        ``PoseSequence.detected``.
    landmarks, image_size
        As :func:`upright_share`.

    Returns
    -------
    float
        0..1 (0 for an empty track).
    """
    found = np.asarray(detected, dtype=bool)
    if not len(found):
        return 0.0
    up, down = upright_or_lying(trunk_inclination(landmarks, image_size))
    keep = ~up if down.any() else np.ones_like(found)
    return float(found[keep].mean())


def helpers_seen(table: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Who is the helper of a test done lying (see the module docstring).

    Returns
    -------
    helper : ndarray (P, K) bool
        Another person upright while the followed person lies: the helper beside the table.
    followed_helper : ndarray (P,) bool
        The followed person upright while another person lies: the model followed the helper.
    """
    f_up, f_lying = upright_or_lying(table["followed_trunk"][:, None])
    o_up, o_lying = upright_or_lying(table["other_trunk"])
    return f_lying & o_up, (f_up & o_lying).any(axis=1)


def echoes(table: dict[str, np.ndarray]) -> np.ndarray:
    """(P, K) bool: another "person" where the followed person is: the same body read again, not a second person.

    * Both lying, their torso midpoints within ``person_echo_gap`` of the followed torso's length: read again end
      to end (the detector, looking again once the followed person was hidden, found what was left of them: on
      rendered Thomas tests a pose with its shoulders on the followed person's hips).
    * In any posture, the torso midpoints within ``person_echo_gap_any``: two bodies cannot stand in one place (a
      rendered half-kneel filmed upright, as a phone held portrait films, had a pose found over its own chest
      and hips, 0.2 torso lengths away, and was refused as "two people of similar size"; real second people in
      ``../shared/data`` stood 1.1 or more away).
    * The followed person upright and another pose upright but head down, its torso midpoint inside the box of
      the followed person's landmarks: the same body read upside down (a rendered mannequin filmed in portrait
      had a pose found over its own body with the nose at its feet and the ankles at its shoulders, 1.5 torso
      lengths away, and was refused as "two people of similar size"); nobody stands on their head inside
      another person's outline.
    """
    gap = table["torso_gap"]
    f_up, f_lying = upright_or_lying(table["followed_trunk"][:, None])
    o_up, o_lying = upright_or_lying(table["other_trunk"])
    with np.errstate(invalid="ignore"):
        lying = f_lying & o_lying & (gap < threshold("person_echo_gap"))
        upside_down = f_up & o_up & table["other_head_down"] & table["other_within"]
        return lying | upside_down | (gap < threshold("person_echo_gap_any"))


def ignored_others(table: dict[str, np.ndarray], helper_expected: bool) -> tuple[np.ndarray, np.ndarray]:
    """(P, K) bool each: the others that are no second subject: a helper (:func:`helpers_seen`, with
    ``helper_expected``) and an echo of the followed person (:func:`echoes`)."""
    helper = helpers_seen(table)[0] if helper_expected else np.zeros(table["size_ratio"].shape, bool)
    return helper, echoes(table)


def moment_outcomes(table: dict[str, np.ndarray], similar: float | None = None,
                    helper_expected: bool = False) -> np.ndarray:
    """The outcome at each probed moment (one of the ``BLOCK_*``, ``BYSTANDER``, ``ALONE`` codes); a helper
    (with ``helper_expected``) and an echo of the followed person count as nobody (:func:`ignored_others`)."""
    sim = threshold("person_similar_size") if similar is None else similar
    ratio = table["size_ratio"]
    helper, echo = ignored_others(table, helper_expected)
    followed_helper = helpers_seen(table)[1] if helper_expected else np.zeros(len(ratio), bool)
    seen = np.isfinite(ratio) & ~helper & ~echo
    out = np.full(len(ratio), ALONE)
    with np.errstate(invalid="ignore"):
        larger = (seen & (ratio >= 1.0 / sim)).any(axis=1)
        similar_size = (seen & (ratio >= sim)).any(axis=1)
        central = (seen & (table["other_prominence"] > table["followed_prominence"][:, None])).any(axis=1)
    out[seen.any(axis=1)] = BYSTANDER
    out[central] = BLOCK_MORE_CENTRAL
    out[similar_size] = BLOCK_SIMILAR
    out[larger] = BLOCK_NOT_SUBJECT
    out[followed_helper] = BLOCK_FOLLOWED_HELPER
    return out


def _moments(timestamps: np.ndarray, which: np.ndarray, clip: bool) -> str:
    if not clip:
        return ""
    at = ", ".join(f"{t:.1f} s" for t in np.asarray(timestamps)[which][:3])
    return f" (at {at})"


ADVICE = "film one person at a time, with nobody else in view (the pose model follows only one person)"


def check_person(followed: np.ndarray, others: np.ndarray, image_size: np.ndarray,
                 timestamps: np.ndarray | None = None, *, clip: bool | None = None,
                 helper_expected: bool = False) -> Check:
    """The ``"person"`` capture check: is the followed person the subject, and alone?

    Parameters
    ----------
    followed, others, image_size
        The probes, see :func:`people_table` (e.g. :func:`vision.people.stack_people` of
        ``Tracked.people``). P = 0 (no probe made) gives an unchecked pass.
    timestamps : ndarray, shape (P,), optional
        Seconds of each probe, named in the reason for a clip.
    clip : bool, optional
        Whether the capture is a clip (moments are then named); default: more than one probe.
    helper_expected : bool
        The test is done lying, with a helper beside the table (see the module docstring): a person standing
        while the followed one lies is the helper, not a reason to block; the model following the one who
        stands while another lies blocks.

    Returns
    -------
    Check
        ``name="person"``. ``value`` = the largest size ratio of another person (a helper aside) to the
        followed one over the probes (0 when nobody else was seen; unit "ratio"). Blocking failures: another
        person larger than the followed one, similar in size (``person_similar_size``), or smaller but more
        central; with ``helper_expected``, the followed person upright while another lies. A smaller person
        farther out is a non-blocking warning; a helper is named in the reason of a pass.
    """
    f = np.asarray(followed, dtype=np.float64)
    n = 0 if f.size == 0 else len(f.reshape(-1, 33, f.shape[-1]))
    if n == 0:
        return Check("person", True, None, "ratio", "nobody else was looked for", checked=False)
    t = np.zeros(n) if timestamps is None else np.asarray(timestamps, dtype=np.float64)
    clip = n > 1 if clip is None else clip
    table = people_table(followed, others, image_size)
    outcome = moment_outcomes(table, helper_expected=helper_expected)
    helper, echo = ignored_others(table, helper_expected)
    ratio = np.where(helper | echo, np.nan, table["size_ratio"])
    worst = int(outcome.max())
    value = float(np.nanmax(ratio)) if np.isfinite(ratio).any() else 0.0
    where = _moments(t, outcome == worst, clip)
    also = (f"; a helper standing beside the table{_moments(t, helper.any(axis=1), clip)} is expected by the "
            "test's set-up: the person lying down is the one measured") if helper.any() else ""
    if worst == ALONE and also:
        return Check("person", True, 0.0, "ratio", f"one person lying in view{also}")
    if worst == ALONE:
        looked = f"at {n} moments of the clip" if clip else "in the picture"
        return Check("person", True, 0.0, "ratio", f"one person in view (looked for others {looked})")
    if worst == BLOCK_FOLLOWED_HELPER:
        return Check("person", False, value, "ratio",
                     f"the pose model followed a person standing{where} while someone else lies on the table: it "
                     "followed the helper, not the person being tested",
                     "film again with the helper kneeling or crouching on the far side of the table, lower than its "
                     "top (the pose model picks out a standing person first), or out of the picture once the "
                     "position is set", blocking=True)
    if worst == BLOCK_NOT_SUBJECT:
        big = float(np.nanmax(ratio[outcome == worst]))
        return Check("person", False, value, "ratio",
                     f"someone else{where}, {big:.1f} times the size of the person the pose model followed, is in "
                     "the picture: the model followed another person, not the one being filmed",
                     ADVICE + "; the person assessed should be the largest, in the middle of the picture",
                     blocking=True)
    if worst == BLOCK_SIMILAR:
        return Check("person", False, value, "ratio",
                     f"two people of similar size are in the picture{where}: the program cannot tell which one "
                     "is to be assessed, and the pose model may switch between them", ADVICE, blocking=True)
    if worst == BLOCK_MORE_CENTRAL:
        return Check("person", False, value, "ratio",
                     f"the pose model followed a person at the side of the picture{where} while someone else stands "
                     "nearer its middle: it may not be the person being filmed",
                     ADVICE + "; the person assessed should be in the middle of the picture", blocking=True)
    return Check("person", False, value, "ratio",
                 f"someone else is also in the picture{where}, smaller ({value:.0%} of the assessed person's size) and "
                 f"farther out; the assessment follows the larger, more central person{also}",
                 "for the most reliable result, film with nobody else in view")


def gate_result(result: dict, check: Check, withdraw: dict) -> dict:
    """Put the person check first in an assessment's or movement test's ``checks``; when it blocks, mark
    the result ``ok: False`` and withdraw what was measured (each key of ``withdraw`` present in the result
    is set to its empty value there, e.g. ``{"metrics": [], "spinal_curve": None}``), so that no number
    from the wrong or an uncertain person is presented.

    ``result`` is changed in place and returned.
    """
    result["checks"] = [check.to_dict()] + [c for c in result.get("checks", []) if c.get("name") != "person"]
    if check.blocking and not check.passed:
        result["ok"] = False
        for key, empty in withdraw.items():
            if key in result:
                result[key] = empty
    return result
