"""The one entry point of every movement test: :func:`run_movement_test`.

Order of work (``../shared/DESIGN.md``, "Trust"): the leg labels are made consistent
(:mod:`analysis.movement.legs`), the way the person faces is found from the face, the test measures
(:mod:`.hip_extension`, :mod:`.walk`, :mod:`.sit_to_stand`, :mod:`.thomas`, :mod:`.ely`), the gates are
checked (:mod:`.checks`: view, whole body, start posture and activity, lying face up or down, the movement
itself), and a failed blocking check withholds every number (``ok`` false, no metric, nothing for the
advice plan; the result still says what was seen and what to do).
"""

from __future__ import annotations

import numpy as np

from analysis import protocols
from analysis.filtering import frame_interval
from analysis.gates import rank_checks
from analysis.metric import LEG_FROM_SET_UP
from analysis.movement.checks import check_clip, failed_blocking, leg_name_doubt, lying_face, withhold
from analysis.movement.ely import ely_test
from analysis.movement.hip_extension import hip_extension_test
from analysis.movement.in_place import IN_PLACE_KINDS, LYING_KINDS, in_place_span, lying_span, shift_frames
from analysis.movement.legs import (STATED_LEG_KINDS, back_knee_depth, consistent_labels, exchange_legs,
                                    kneeling_knee_labels, leg_words, standing_foot_depth)
from analysis.movement.series import SIDE_IDX, SIDES, near_side_lying, near_side_of, resolve_facing
from analysis.movement.sit_to_stand import sit_to_stand_test
from analysis.movement.thomas import thomas_front_test, thomas_test
from analysis.movement.walk import walk_test
from analysis.norms import threshold
from analysis.quality import Check
from analysis.view import facing_votes

KINDS = ("hip_extension", "lunge", "sit_to_stand", "thomas", "thomas_front", "ely", "walk")
SYNONYMS = {"run": "walk", "running": "walk", "walking": "walk", "kneeling_lunge": "lunge",
            "prone_knee_bend": "ely", "thomas_test": "thomas"}
LYING = ("thomas", "thomas_front", "ely")
THIGH_BACK = ("hip_extension", "lunge")
"""The tests of a thigh swung back behind the body (:mod:`.hip_extension`), read against the room's level lines."""
LYING_NAME_NOTE = ("lying side-on, the picture does not show which of the two legs was tested: it is named as the leg "
                   "nearest the camera, as the set-up films it; if it was the other one, say so (Tested leg, or "
                   "--leg on the command line)")
"""A lying test's ``leg_note`` when the leg was not stated and the pose model named the near leg."""

__all__ = ["KINDS", "LYING", "STATED_LEG_KINDS", "THIGH_BACK", "near_side", "run_movement_test"]


# Why a Thomas test's knee bend is not given when the pose model named the hanging leg for the side away from the
# camera (the protocol films it nearest): on the renders of benchmarks/eval_movement.py such knees read 2.4 to 7.3
# degrees off in the mesh style (4 clips, all filmed from the far side) and 1.8 to 5.8 in the mannequin style (4
# clips, 3 filmed from the near side: the model had confused the legs), against a median of 0.5 (mesh) where it
# named it for the near side; the thigh's angle, read from the body outline, was within 1 degree in those clips.
THOMAS_FAR_KNEE = ("the pose model named the hanging leg for the side away from the camera, where it places a knee "
                   "and an ankle less surely, or it took the two legs for each other; so the knee's bend is not "
                   "given: film again with the hanging leg nearest the camera (if it was, in good light, in clothes "
                   "that stand out from the table)")


def _measure(kind: str, t, lab, lvis, outline, world, fc: int, side: str | None, info: dict,
             table_edge: float | None = None, knee_doubt: str | None = None) -> dict:
    """The test of ``kind`` on consistently labelled landmarks (see :func:`run_movement_test`)."""
    if kind in THIGH_BACK:
        if info.get("knees_unsure") is not None:  # a half-kneel's knees where no half-kneel puts them: unseen
            lab = lab.copy()
            lab[np.ix_(info["knees_unsure"], [SIDE_IDX[s]["knee"] for s in SIDES])] = np.nan
        return hip_extension_test(t, lab, lvis, kind=kind, outline=outline, facing=fc, side=side)
    if kind == "walk":
        return walk_test(t, lab, lvis, world=world, facing=fc, side=side, label_swaps=info["swapped_frames"])
    if kind == "sit_to_stand":
        return sit_to_stand_test(t, lab, lvis, outline=outline, facing=fc, side=side)
    if kind == "thomas":
        return thomas_test(t, lab, lvis, side=side, outline=outline, table_edge=table_edge, knee_doubt=knee_doubt)
    if kind == "thomas_front":
        return thomas_front_test(t, lab, lvis, side=side)
    return ely_test(t, lab, lvis, side=side, outline=outline)


def near_side(kind: str, raw: np.ndarray, vis: np.ndarray, world, fc: int) -> str | None:
    """The body side towards the camera, without the pose model's left/right labels: standing or seated from
    the face (``fc``); lying side-on from the head's end and the face up or down
    (:func:`analysis.movement.checks.lying_face`; when that cannot be told, the way the test lies). None for
    the front-view Thomas test."""
    if kind == "thomas_front":
        return None
    if kind not in LYING:
        return near_side_of(fc)
    face = lying_face(world, raw, vis)[0] or ("down" if kind == "ely" else "up")
    return near_side_lying(raw, face_up=face == "up")


def _in_place(span: tuple[int, int], kind: str, t: np.ndarray, raw: np.ndarray, vis: np.ndarray, **kw) -> dict:
    """:func:`run_movement_test` on the frames ``span`` where the person stayed in place, put back on the whole
    clip's timeline, with what was left out."""
    a, b = span
    n = len(t)
    for k in ("outline", "world", "landmarks", "image_size"):
        v = kw[k]
        if v is not None and np.ndim(v) >= 1 and len(v) == n:
            kw[k] = np.asarray(v)[a:b]
    res = shift_frames(run_movement_test(kind, t[a:b], raw[a:b], vis[a:b], in_place=False, **kw), a, n)
    before, after = float(t[a] - t[0]), float(t[-1] - t[b - 1])
    lying = kind in LYING_KINDS
    parts = ([f"the first {before:.1f} s ({'before lying down' if lying else 'walking into place'})"] if a > 0
             else []) + ([f"the last {after:.1f} s ({'after getting up' if lying else 'walking away'})"] if b < n
                         else [])
    res["in_place"] = {"first_frame": a, "last_frame": b - 1, "from_s": round(float(t[a]), 3),
                       "to_s": round(float(t[b - 1]), 3), "left_out_s": round(before + after, 2)}
    for c in res["checks"]:
        if c["name"] == "clip" and c["passed"]:  # the clip as filmed, not only its measured part
            c["reason"] = f"a clip of {t[-1] - t[0]:.1f} s, {t[b - 1] - t[a]:.1f} s of it measured"
        elif c["name"] == "found" and c["reason"].endswith(" of the frames"):  # counted over the measured part
            c["reason"] += " measured"
    why = " and ".join(parts) + " were left out: the test is done " + ("lying" if lying else "in place")
    if any(c["name"] == "activity" and not c["passed"] for c in res["checks"]):
        # not the test's activity: the left-out part is not known to be lying down or walking into place
        why = (f"only {t[a]:.1f}-{t[b - 1]:.1f} s of the clip was read; the rest was left out as moving into or "
               "out of the test's position")
    res["checks"].insert(0, Check("in_place", True, round(before + after, 2), "s", why).to_dict())
    return res


def run_movement_test(kind: str, timestamps, pixels, visibility, *, outline=None, world=None, landmarks=None,
                      image_size=None, side: str | None = None, leg: str | None = None, facing=None,
                      table_edge: float | None = None, scene_level: float | None = None,
                      checks: bool = True, in_place: bool = True) -> dict:
    """Run one movement test on a landmark track and return a JSON-ready dict.

    Parameters
    ----------
    kind : str
        ``"hip_extension"``, ``"lunge"``, ``"sit_to_stand"``, ``"thomas"`` (side view),
        ``"thomas_front"`` (front view: thigh abduction), ``"ely"`` (prone knee bend) or ``"walk"``
        (walking or running; ``"run"`` is accepted as a synonym).
    timestamps : ndarray (T,)
        ``PoseSequence.timestamps`` (seconds).
    pixels : ndarray (T, 33, 2)
        ``PoseSequence.pixels``.
    visibility : ndarray (T, 33)
        ``PoseSequence.visibility``.
    outline : ndarray (T, K, 2), optional
        ``PoseSequence.outline`` (tracking with segmentation): the thigh from the outline, the lumbar
        contour angle and compensation.
    world : ndarray (T, 33, 3), optional
        ``PoseSequence.world``: the view, the activity and the face-up/face-down checks.
    landmarks : ndarray (T, 33, 3), optional
        ``PoseSequence.landmarks`` (normalised): the whole-body check.
    image_size : ndarray (T, 2), optional
        ``PoseSequence.image_size``: the activity and person-size checks.
    side : str, optional
        The landmarks' ``"left"``/``"right"`` leg to measure, as the pose model labelled it; default found
        from the movement.
    leg : str, optional
        The leg the person or their therapist says is tested (``"left"``/``"right"``; for
        :data:`STATED_LEG_KINDS`). The tested leg is still found from the movement (the thigh that swings
        back, the back leg of the lunge, the hanging leg, the bending knee); when the pose model named that
        leg the other side, the two legs' labels are exchanged for the whole clip (in a side view the model
        can exchange them with nothing in the landmarks to show it) and ``leg_labels["exchanged_for_stated_leg"]``
        says so. In a standing hip extension of both legs in turn (each repetition's leg told from where the
        standing foot stood, :func:`analysis.movement.hip_extension.other_leg_repetitions`), the stated leg's
        repetitions are the ones measured (unstated: the near leg's). Unstated, a lunge's back leg named for the
        side the camera sees is renamed for the far side when
        its knee rests clearly higher in the picture than the front heel (further from the camera:
        :func:`analysis.movement.legs.back_knee_depth` over ``lunge_far_knee_depth_min``), and a hip extension's
        moving leg named for the far side is renamed for the near side when its standing foot stands clearly
        higher in the picture at the peaks than the nearer foot at rest, read both from the outline and from the
        foot landmarks (:func:`analysis.movement.legs.standing_foot_depth`, each over ``standing_foot_depth_min``),
        and one named for the near side is renamed for the far side when both readings put the standing foot where
        the nearer foot stood at rest (each under ``standing_foot_depth_far_max``):
        ``leg_labels["exchanged_for_depth"]`` (a hip extension's leg so named is not in doubt:
        :func:`analysis.movement.checks.named_from_feet`); where both readings put the standing foot on the far side
        while the model's legs left which leg moved not certain, the test is read for the near leg, named with
        certainty (``leg_labels["settled_by_feet"]``). Unstated, a prone knee bend's bent leg that the model saw and
        named for the far side is named for the near side, as the set-up films it
        (``leg_labels["exchanged_for_set_up"]``, with ``leg_note``). Before any of this, a lunge's knee and foot
        names are put right frame by frame from which knee rests on the floor
        (:func:`analysis.movement.legs.kneeling_knee_labels`).
    facing : optional
        +1 / -1 / ``"image_right"`` ...; default from the face (else ``world``).
    table_edge : float, optional
        For the Thomas test: the table top's edge in the picture, degrees, + = rising towards the image right
        (:func:`analysis.movement.checks.level_edge_reading`); the thigh's angle is taken against it, and a
        non-blocking ``camera_level`` check says how far it runs from the picture's horizontal.
    scene_level : float, optional
        For the hip extension and the lunge: the room's level lines beside the person in the picture, degrees, +
        = rising towards the image right (:func:`analysis.movement.checks.scene_level_search`); a non-blocking
        ``camera_level`` check warns when they run further than ``movement_scene_level_max`` from the picture's
        horizontal (the thigh's angle, read against the picture's vertical, moves by about the camera's roll).
    checks : bool
        Run the gates (:mod:`analysis.movement.checks`); False only for comparing analyses of the
        same landmarks (e.g. the renderer's true landmarks).
    in_place : bool
        For the hip extension, the lunge and the sit-to-stand (done in place): leave out walking into place
        before the test and away after it (:func:`analysis.movement.in_place.in_place_span`); for the Thomas test
        and the prone knee bend, the time before lying down and after getting up
        (:func:`analysis.movement.in_place.lying_span`).
        The result's frame numbers still count from the clip's first frame, ``in_place`` says what was left
        out, and a passed ``in_place`` check says so in words.

    Returns
    -------
    dict
        Always: ``kind``, ``protocol`` (setup guidance), ``checks`` (list of Check dicts), ``problems``
        (list of str), ``ok`` (no blocking check failed and something was measured), ``leg_labels``
        (swaps corrected), ``activity`` (what the activity gate saw) and ``leg_in_doubt`` (why the tested leg's
        name is in doubt, :func:`analysis.movement.checks.leg_name_doubt`, or None); plus the test's own keys. Every
        Metric is a dict (``Metric.to_dict``) naming its side and ``extra['repetition']``. With a failed
        blocking check the numbers are withheld (:func:`analysis.movement.checks.withhold`) and
        ``withheld`` says why.
    """
    kind = SYNONYMS.get(kind, kind)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    t = np.asarray(timestamps, dtype=np.float64)
    raw = np.asarray(pixels, dtype=np.float64).reshape(-1, 33, 2)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    span = None if not in_place else in_place_span(t, raw) if kind in IN_PLACE_KINDS else \
        lying_span(t, raw) if kind in LYING_KINDS else None
    if span is not None:
        return _in_place(span, kind, t, raw, vis, outline=outline, world=world, landmarks=landmarks,
                         image_size=image_size, side=side, leg=leg, facing=facing, table_edge=table_edge,
                         scene_level=scene_level, checks=checks)
    fc = 0 if kind in LYING else resolve_facing(raw, vis, world, facing)
    near = near_side(kind, raw, vis, world, fc)
    # lying, the near leg may be the hidden one (a knee hugged to the chest): no near/far exchange then; a walk or
    # run filmed at a low frame rate has its legs followed by their velocity (see norms.toml)
    stepping = kind == "walk" and frame_interval(t, 0.0) * threshold("walk_velocity_labels_fps_max") >= 1.0
    lab, lvis, info = consistent_labels(raw, vis, None if kind in LYING else near, stepping=stepping)
    if kind == "lunge":  # the knee on the floor is the back knee, whatever the model calls it
        lab, lvis, kneeling, info["knees_unsure"] = kneeling_knee_labels(lab, lvis, fc)
        info["swapped_frames"] = info["swapped_frames"] | kneeling
        info["label_swaps"] = int(info["swapped_frames"].sum())
    if leg is not None and leg not in SIDES:
        raise ValueError(f"leg must be 'left' or 'right', not {leg!r}")
    exchanged = info["near_far_exchanged"]  # the legs' pixels named against the model's names for the whole clip
    res = _measure(kind, t, lab, lvis, outline, world, fc, side, info, table_edge)
    if leg is not None and side is None and res.get("other_leg") and res.get("side") != leg:
        # both legs were tested in turn, each repetition's leg told apart: the stated leg's repetitions are measured
        res = _measure(kind, t, lab, lvis, outline, world, fc, leg, info, table_edge)
    named = res.get("side") in SIDES
    depth = back_knee_depth(lab, res["side"]) if kind == "lunge" and named else float("nan")
    feet = standing_foot_depth(lab, outline, res.get("repetitions", []), fc) \
        if kind == "hip_extension" and named else (float("nan"), float("nan"))
    # the legs' names exchanged for the whole clip: for the leg the person stated, or (unstated) where the
    # camera's view of the floor says the model's names put the moving leg on the wrong side: a lunge's back knee
    # resting further from the camera than the front heel while named for the near side, or nearer while named
    # for the far side; a hip extension's standing foot standing further from it while named for the far side, or
    # where the nearer foot stood at rest while named for the near side
    by_stated = leg is not None and side is None and kind in STATED_LEG_KINDS and named and res["side"] != leg
    knee_gap = threshold("lunge_far_knee_depth_min")
    feet_far = bool(np.min(feet) > threshold("standing_foot_depth_min"))  # the standing foot was the far one
    # ... the near one, on both readings (one far lower than the nearer foot at rest is a point misplaced, no foot)
    feet_near = bool(np.max(feet) < threshold("standing_foot_depth_far_max")
                     and np.min(feet) > threshold("standing_foot_depth_plausible_min"))
    unstated = leg is None and side is None and named and near in SIDES  # no leg stated or asked for, a side seen
    by_depth = unstated and (
        (res["side"] == near and depth > knee_gap) or (res["side"] != near and depth < -knee_gap)
        or (res["side"] != near and feet_far) or (res["side"] == near and feet_near))
    # which leg moved, not certain from the model's legs (its knees kept together), is settled by the feet: both
    # readings put the standing foot on the far side in all 56 rendered hip extensions of three styles where they
    # did, each with the near leg moving; the test is then read for the near leg, whose name is certain
    by_feet = unstated and feet_far and res.get("leg_certain") is False
    # the hanging leg of a Thomas test the pose model named for the side away from the camera: its knee and ankle
    # points are placed less surely, whichever leg it is (see THOMAS_FAR_KNEE)
    knee_doubt = THOMAS_FAR_KNEE if kind == "thomas" and named and near in SIDES and res["side"] != near else None
    # face down, the model's name for a bent leg it saw is no evidence of which leg bent, whichever side it names:
    # on 72 rendered single-leg prone knee bends of three styles (benchmarks/eval_movement.py) it named the bend
    # for the near side in all 3 filmed with the bent leg away from the camera, and the one seen bend it named for
    # the far side was the near leg's. So, unstated, a seen bent leg is named as the set-up films it, the near one
    # (LYING_NAME_NOTE says so). A knee it marked hidden (``hidden_knee``: read from points it did not see) may lie
    # behind the other leg: its far name is kept, with the leg_side warning (of two such, one was the far leg). A
    # Thomas test's far name is kept too, with its warning and its knee bend withheld: there it was right in 4 of
    # 9 mannequin clips
    by_set_up = unstated and kind == "ely" and res["side"] != near and not res.get("hidden_knee")
    if by_stated or by_depth or by_set_up:
        lab, lvis = exchange_legs(lab, lvis)
        exchanged = not exchanged
    if by_stated or by_depth or by_set_up or by_feet or knee_doubt:
        res = _measure(kind, t, lab, lvis, outline, world, fc, near if by_feet else side, info, table_edge,
                       knee_doubt)
    if kind in THIGH_BACK and scene_level is not None and np.isfinite(scene_level):
        res["level"] = {"scene_edge_deg": round(float(scene_level), 1) + 0.0}  # no -0.0
    res["kind"] = kind
    res["protocol"] = protocols.protocol(kind)
    res["leg_labels"] = {"frames_swapped": info["label_swaps"], "near_far_exchanged": info["near_far_exchanged"],
                         "near_side": near, "stated_leg": leg, "exchanged_for_stated_leg": by_stated,
                         "back_knee_depth": None if not np.isfinite(depth) else round(depth, 3),
                         "standing_foot_depth": [None if not np.isfinite(v) else round(v, 3) for v in feet],
                         "exchanged_for_depth": by_depth, "exchanged_for_set_up": by_set_up,
                         "settled_by_feet": by_feet}
    if leg is not None and kind in STATED_LEG_KINDS and res.get("side") == leg:
        # the name comes from the person: which leg moved is no longer in doubt, only which landmarks are its
        res["leg"] = leg_words(leg, near) + " (as stated)"
    elif by_depth:
        res["leg"] += (" (named from where the back knee rests, not from the pose model's names)" if kind == "lunge"
                       else " (named from where the feet stand, not from the pose model's names)")
    elif kind in LYING_KINDS and named and near in SIDES and res["side"] == near:
        # lying side-on the two legs lie one behind the other: nothing in the picture says which of them moved (on
        # renders of three styles the pose model named a far leg's bend or hang for the near side, unwarned), so the
        # name is the set-up's, and says so
        res["leg"] = f"{leg_words(res['side'], near)} {LEG_FROM_SET_UP}"
        res["leg_note"] = LYING_NAME_NOTE
    # which way the person faces, when the face and feet told it: how clearly (the view check doubts a weak lead)
    votes = facing_votes(raw, vis) if facing is None and kind not in LYING else None
    res["facing_votes"] = votes if votes is not None and votes["facing"] == fc != 0 else None
    res["checks"], res["activity"] = [], {}
    if checks:
        found, seen = check_clip(kind, lab, lvis, timestamps=t, landmarks=landmarks, world=world,
                                 image_size=image_size, result=res, legs_exchanged=exchanged, outline=outline)
        res["checks"], res["activity"] = [c.to_dict() for c in found], seen
    res["leg_in_doubt"] = leg_name_doubt(res)
    blocking = failed_blocking(res["checks"])
    measured = bool((res.get("movement") or {}).get("found"))
    res["ok"] = measured and not blocking
    if blocking:
        withhold(res, blocking)
        # the failure that explains the others (a single photo: no start posture, no movement) is the problem
        res["problems"] = [f"{c['reason']}" + (f": {c['advice']}" if c.get("advice") else "")
                           for c in rank_checks(blocking) if not c.get("consequence_of")]
    return res
