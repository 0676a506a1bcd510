"""Analyse one capture end to end: the single step behind ``posture analyze``, the app, the records
workflow and the batch workers.

Open the file, track it with :func:`vision.pipeline.track` (``vision`` stops at landmarks), run the standing
assessment or a movement test (:mod:`analysis`), build the advice plan and write the outputs.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from analysis.advice import build_plan
from analysis.assessment import assess_standing
from analysis.causation import normalize_findings
from analysis.gates import problems as gate_problems
from analysis.gates import settle
from analysis.movement import run_movement_test
from analysis.movement.run import LYING, THIGH_BACK
from analysis.movement.checks import level_edge_reading, scene_level_search, withhold
from analysis.movement.thomas import table_edge_search
from analysis.norms import threshold
from analysis.people import check_person, found_share_lying, gate_result, people_table, upright_share
from analysis.people_in_turn import split_people
from analysis.quality import Check, check_person_size
from analysis.segmentation import spread_frames
from analysis.summary import track_summary
from capture.outputs import claim_output_name
from privacy.files import private_tempdir
from vision.drawing import annotated_frame, draw_side_assessment, draw_skeleton
from vision.errors import InputError
from vision.estimator import DEFAULT_MAX_SIDE, ModelCache, PoseEstimator
from vision.level import level_edge_angle
from vision.people import hide_upper_body, stack_people
from vision.pipeline import Progress, Tracked, VideoWriter, reread_photo, search_photo, track
from vision.turns import TURNS
from vision.zoom import person_region
from vision.sequence import PoseSequence
from vision.sources import ImageSource, open_source, read_frame

MIN_PERSON_FRACTION = 0.8  # engineering choice: below this share of frames with a person, say so


@dataclass
class Analysis:
    """What ``posture analyze`` produced: the summary, the files written and the problems found."""

    summary: dict
    outputs: dict[str, str]
    problems: list[str]
    sequence: PoseSequence
    assessment: dict | None = None
    notes: list[str] = field(default_factory=list)  # things to tell that are not problems (e.g. output names)


def person_check(tracked: Tracked, test: str | None = None) -> Check:
    """The ``"person"`` capture check (:func:`analysis.people.check_person`) on what the people probes saw; for
    a ``test`` done lying, a helper standing beside the table is expected."""
    d = stack_people(tracked.people)
    return check_person(d["followed"], d["others"], d["image_size"], d["timestamps"],
                        clip=len(tracked.sequence) > 1, helper_expected=test in LYING)


def people_summary(tracked: Tracked, check: Check) -> dict:
    """What the people probes saw (sizes as torso length / frame height, centres as a share of the width,
    ``trunk_deg`` the trunk's inclination from upright: 0 standing, 90 lying) and the person check, JSON-ready."""
    d = stack_people(tracked.people)
    tab = people_table(d["followed"], d["others"], d["image_size"])
    r3 = lambda v: round(float(v), 3)  # noqa: E731
    probes = [{"t_s": round(float(t), 3),
               "followed": {"size": r3(tab["followed_size"][i]), "centre_x": r3(tab["followed_x"][i]),
                            "trunk_deg": r3(tab["followed_trunk"][i])},
               "others": [{"size": r3(tab["other_size"][i, k]), "centre_x": r3(tab["other_x"][i, k]),
                           "size_ratio": r3(tab["size_ratio"][i, k]), "trunk_deg": r3(tab["other_trunk"][i, k])}
                          for k in range(tab["other_size"].shape[1]) if np.isfinite(tab["other_size"][i, k])]}
              for i, t in enumerate(d["timestamps"])]
    return {"probes": probes, "check": check.to_dict()}


def reopen(path, source, max_side):
    """``path`` opened again for a second pass, named as ``source`` (an upload's original name)."""
    again = open_source(path, max_side)
    again.info.name, again.info.path = source.info.name, source.info.path
    return again


def follow_person_lying(tracked: Tracked, test: str,
                        retrack: Callable[[Callable], Tracked]) -> tuple[Tracked, Check] | None:
    """For a test done lying: when the pose model followed someone upright (the helper by the table, see
    :func:`analysis.people.check_person`) in most frames, track again with that person's head painted out of
    those frames (:func:`vision.people.hide_upper_body`: the person detector starts from a face), and when the
    model still follows someone upright, with their arms and trunk painted out too, so that it finds the
    person lying. Their legs stay (whoever overlaps them stays in view); their whole silhouette cannot be used:
    the segmentation mask of the person followed takes in the person lying where the two overlap.

    Parameters
    ----------
    tracked : Tracked
        The first pass.
    test : str
        The movement test (one of :data:`analysis.movement.run.LYING`).
    retrack : callable
        ``retrack(hide)`` runs another pass with the painter ``hide`` (see :func:`vision.pipeline.track`).

    Returns
    -------
    (Tracked, Check) or None
        The pass that followed a person lying in most frames, and its person check; None when no other pass
        was needed or none found the person lying, or the file could not be read again (the first pass stands,
        and its checks say why).
    """
    seq = tracked.sequence
    upright, up_share, _ = upright_share(seq.landmarks, seq.image_size)
    if up_share < 0.5:
        return None
    where = {int(i): seq.landmarks[k, :, :2] for k, i in enumerate(seq.frame_index) if upright[k]}
    for more, what in ((False, "head"), (True, "head, arms and trunk")):
        def hide(index: int, rgb: np.ndarray, more=more) -> None:
            if index in where:
                hide_upper_body(rgb, where[index] * [rgb.shape[1], rgb.shape[0]],
                                np.median(rgb.reshape(-1, 3), axis=0), arms_and_trunk=more)

        try:
            again = retrack(hide)
        except (InputError, OSError):  # the file went or broke since the first pass: that pass stands
            return None
        s2 = again.sequence
        if len(s2) and upright_share(s2.landmarks, s2.image_size)[2] >= 0.5 \
                and s2.detected.mean() >= 0.5 * seq.detected.mean():
            person = person_check(again, test)
            if person.passed:
                person = replace(person, reason="the person lying down, followed once the person standing by the "
                                 "table (the helper, whom the pose model followed at first) had their "
                                 f"{what} painted out of {len(where)} frames")
            return again, person
    return None


def turn_person_lying(tracked: Tracked, test: str,
                      retrack: Callable[..., Tracked]) -> tuple[Tracked, Check] | None:
    """For a test done lying: when the pose model found the person in fewer than ``movement_person_found_min`` of
    the frames (not counting those where it found someone upright: walking to the table,
    :func:`analysis.people.found_share_lying`), track again with the frames turned a quarter each way
    (:mod:`vision.turns`), so that the person lying side-on stands upright in them (or upside down: on a rendered prone knee bend the model found the
    person in 67 % of the frames turned head up and in all of them turned head down, and read the knee bend
    within 2.3 degrees there). The pass that found the person in the most frames, and in at least that share, is
    kept; it is run again when it was not the last (the caller's annotated video is the last pass's).

    Parameters
    ----------
    tracked : Tracked
        The pass so far (after :func:`follow_person_lying`).
    test : str
        The movement test (one of :data:`analysis.movement.run.LYING`).
    retrack : callable
        ``retrack(turn=k)`` runs another pass with the frames turned ``k`` quarters clockwise.

    Returns
    -------
    (Tracked, Check) or None
        The turned pass and its person check (the reason says the frames were turned); None when no other pass
        was needed or none found the person in enough frames, or the file could not be read again.
    """
    def share(s: PoseSequence) -> float:
        return found_share_lying(s.detected, s.landmarks, s.image_size)

    least = threshold("movement_person_found_min")
    if share(tracked.sequence) >= least:
        return None
    passes = {}
    try:
        for k in TURNS:
            passes[k] = retrack(turn=k)
        found = {k: share(p.sequence) for k, p in passes.items()}
        best = max(found, key=found.get)
        if found[best] < least:
            return None
        kept = passes[best] if best == list(passes)[-1] else retrack(turn=best)
    except (InputError, OSError):  # the file went or broke since the first pass: that pass stands
        return None
    person = person_check(kept, test)
    if person.passed:
        person = replace(person, reason=f"{person.reason}; found in {100 * found[best]:.0f} % of the frames once they "
                         f"were shown to the pose model turned {TURNS[best]}")
    return kept, person


ZOOM_FRAMES = 6  # frames searched on tiles for a person filmed small (each costs about 20 model calls)


def zoom_person_small(tracked: Tracked, test: str | None, path,
                      retrack: Callable[..., Tracked]) -> tuple[Tracked, Check] | None:
    """For a clip whose person the pose model found in fewer than :data:`MIN_PERSON_FRACTION` of the frames, and
    found small (under ``quality_person_height_min`` of the picture's height, their points all through the clip too)
    or not at all: look for them on tiles of :data:`ZOOM_FRAMES` frames it found nobody in
    (:func:`vision.zoom.person_region`) and track again showing the model only that part of the picture (a rendered
    figure filling a third of a 1280 x 720 picture's height was found in no frame standing, and seated only once
    they stood up). For a test done lying, the tiles and the new pass are of the frames turned a quarter
    (:mod:`vision.turns`, as in :func:`turn_person_lying`; a lying person's length is measured against the picture's
    height). The new pass is kept when it found the person in at least ``movement_person_found_min`` of the frames
    and in a tenth of them more than the first. Not for a walk (a walk crosses the picture).

    Parameters
    ----------
    tracked : Tracked
        The pass so far.
    test : str or None
        The movement test, or None for the standing assessment.
    path
        The clip, read again for the search.
    retrack : callable
        ``retrack(crop=box, turn=k)`` runs another pass showing the model only ``box`` of each frame, turned ``k``
        quarters clockwise.

    Returns
    -------
    (Tracked, Check) or None
        The new pass and its person check (the reason says the picture was cut); None when none was needed or
        it found the person in no more frames, or the file could not be read again.
    """
    seq = tracked.sequence
    if test == "walk" or not len(seq):
        return None
    share = float(np.mean(seq.detected))
    if share >= MIN_PERSON_FRACTION:
        return None
    size = check_person_size(seq.pixels, np.asarray(seq.image_size, dtype=np.float64)[..., 1])
    seen = landmark_extent(seq)
    # a person the model found large enough was not missed for their size (nor one whose points span as much of the
    # picture's height: a mannequin filmed so close that head and feet were cut off, whose stature could not be
    # read, was "found" on a tile as a small pose drawn over its own legs)
    large = threshold("quality_person_height_min")
    w, h = np.asarray(seq.image_size, dtype=np.float64).reshape(-1, 2)[0]
    span = None if seen is None else max(seen[3] - seen[1], (seen[2] - seen[0]) * w / h if test in LYING else 0.0)
    if (size.checked and size.passed) or (span is not None and span >= large):
        return None
    missing = seq.frame_index[~np.asarray(seq.detected, bool)]
    try:
        frames = [rgb for _, rgb in frames_at(path, spread_frames(missing, ZOOM_FRAMES), DEFAULT_MAX_SIDE)]
        with PoseEstimator(static=True, segmentation=False, max_side=None) as est:
            for turn in (*TURNS, 0) if test in LYING else (0,):
                region = person_region(frames, est, seen, turn)
                if region is not None:
                    break
        if region is None:
            return None
        kept = retrack(crop=region, turn=turn)
    except (InputError, OSError):  # the file went or broke since the first pass: that pass stands
        return None
    found = float(np.mean(kept.sequence.detected))
    if found < max(threshold("movement_person_found_min"), share + 0.1):
        return None
    person = person_check(kept, test)
    if person.passed:
        person = replace(person, reason=f"{person.reason}; found in {100 * found:.0f} % of the frames once the pose "
                         "model was shown only the part of the picture around you (you are small in the picture)")
    return kept, person


def landmark_extent(seq: PoseSequence) -> tuple[float, float, float, float] | None:
    """The box ``(x0, y0, x1, y1)`` holding every landmark the pose model found in the clip, as fractions of the
    frame's width and height; None when it found none."""
    lm = np.asarray(seq.landmarks, dtype=np.float64)[..., :2].reshape(-1, 2)
    lm = lm[np.isfinite(lm).all(axis=1)]
    if not len(lm):
        return None
    (x0, y0), (x1, y1) = lm.min(axis=0), lm.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def frames_at(path, indices, max_side: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """``(index, rgb)`` of the frames of ``path`` at the decode positions ``indices``, in order, read in one pass that
    stops after the last of them (frames scaled to ``max_side`` when given). Raises what opening or decoding raises
    (:class:`vision.errors.InputError`, :class:`OSError`)."""
    want = {int(i) for i in indices}
    if not want:
        return
    src = open_source(path, max_side)
    try:
        for frame in src:
            if frame.index in want:
                yield frame.index, frame.rgb
                want.discard(frame.index)
                if not want:
                    return
    finally:
        src.close()


LEVEL_EDGE_FRAMES = 9  # frames read again for a level edge in the picture, spread over the clip


def level_edge(path, seq: PoseSequence, search: Callable[[np.ndarray], dict | None]) -> float:
    """A level edge in the picture, degrees, + = rising towards the image right
    (:func:`analysis.movement.checks.level_edge_reading`, NaN when not found or the file cannot be read again): the
    Thomas test's table top (``search`` :func:`analysis.movement.thomas.table_edge_search`) or the room's level
    lines beside a person standing or kneeling (:func:`analysis.movement.checks.scene_level_search`).

    Read in :data:`LEVEL_EDGE_FRAMES` frames spread over those with a person: the long level edges
    (:func:`vision.level.level_edge_angle`) where ``search`` says, from the frame's landmarks."""
    pick = spread_frames(np.flatnonzero(seq.detected), LEVEL_EDGE_FRAMES)
    want = {int(seq.frame_index[k]): k for k in pick}
    angles = []
    try:
        for index, rgb in frames_at(path, want):
            where = search(seq.pixels[want[index]])
            angles.append(float("nan") if where is None else level_edge_angle(rgb, **where)[0])
    except (InputError, OSError):
        return float("nan")
    return level_edge_reading(angles + [float("nan")] * (len(want) - len(angles)))


def problems_of(summary: dict, tracked: Tracked, person: Check | None = None,
                assessment: dict | None = None) -> list[str]:
    """One plain sentence per problem a user can act on, the one that explains the others first: another
    person in view (it skews the view, framing and every number) comes before everything else, then the
    recording itself (stopped early, nobody found), then the failed checks of a standing ``assessment`` in
    gate order (:func:`analysis.gates.problems`: each once, consequences of an earlier failure left out).
    Without an assessment the framing of the whole track is reported instead. A person seen in only part of
    a clip is a problem of its own only when nothing blocked the assessment (a runner who leaves the picture
    is told about the running)."""
    out = []
    if person is not None and not person.passed:
        out.append(f"{person.reason[0].upper()}{person.reason[1:]}: {person.advice}.")
    src = tracked.sequence.source
    if src.stopped_early:
        out.append(f"{src.name}: {src.stopped_early}. The {src.frames_read} frames before it were analysed and saved; "
                   "copy or export the video again for the rest.")
    if summary["frames"] and summary["frames_with_person"] == 0:
        where = "in the photo" if src.kind == "image" else f"in any of the {summary['frames']} frames"
        out.append(f"{nobody_found_sentence(where, summary.get('person_search'))}. Film one person, "
                   "whole body, in good light, facing or side-on to the camera.")
        return out
    if summary["person_fraction"] < MIN_PERSON_FRACTION and not (assessment or {}).get("blocked_by"):
        out.append(f"A person was found in only {summary['person_fraction']:.0%} of the frames: keep the whole body "
                   "in view for the whole recording (measurements use only the frames with a person).")
    if assessment is None:
        if summary["framing"]["missing"]:
            missing = ", ".join(summary["framing"]["missing"])
            out.append(f"The person is only partly in the picture ({missing} not seen): "
                       f"{summary['framing']['advice']}.")
        return out
    checks = [c for c in assessment.get("checks") or [] if c["name"] != "person"]  # told first already
    return out + [p for p in gate_problems(checks) if p not in out]


def nobody_found_sentence(where: str, search: dict | None) -> str:
    """The sentence for a capture in which the pose model found nobody (``where``: "in the photo", ...), with what the
    search on altered copies of a photo tried. When a copy showed a person whom the gates refused, that comes first,
    with what they saw (the user can act on it: a person seen from behind on a chair read "No person was found" first,
    the legs not seen last)."""
    if not search:
        return f"No person was found {where}"
    copies = [t for t in search["tried"] if t["name"] != PHOTO_TILES]
    looked = f"{len(copies)} altered copies of it: padded, mirrored, scaled down"
    if len(copies) < len(search["tried"]):
        looked += ", and on parts of it"
    reasons = [t["rejected"] for t in search["tried"] if t.get("rejected")]
    gate = [r for r in reasons if r != "the other copies did not give the same pose"]
    if gate:
        return f"A person was found only on altered copies of the photo (looked on {looked}), and there {gate[0]}"
    agree = "; a person was found on some, but the copies did not agree on the pose" if reasons else ""
    return f"No person was found {where} (also looked on {looked}{agree})"


def _assess_standing(tracked: Tracked, person: Check, is_image: bool, height_cm: float | None, want_view: str,
                     calibration: tuple[float, str] | None, reread: Callable[[], tuple] | None = None) -> dict:
    """The standing assessment of a track with the person check first among its checks (blocking when it
    fails so: then no metric is presented). ``reread`` (a photo with its outline): gives the photo's second
    reading (:func:`vision.pipeline.reread_photo`) for the outline estimates' test-retest."""
    seq = tracked.sequence

    def assess(retest=None) -> dict:
        return assess_standing(seq.pixels, seq.visibility, seq.world, seq.image_size,
                               None if is_image else seq.timestamps, seq.outline, height_cm=height_cm,
                               want=want_view, calibration=calibration, retest=retest)
    assessment = assess()
    tilt = next((m for m in assessment.get("metrics") or [] if m["key"] == "pelvic_tilt"), None)
    if is_image and reread is not None and tilt is not None and tilt["value"] is not None:
        assessment = assess(reread())  # the photo read a second time, for the estimate it gave
    return settle(gate_result(assessment, person, {"metrics": [], "spinal_curve": None}))


def _first_block(assessment: dict) -> str | None:
    """The reason of the first failed blocking check, or None when every blocking check passed."""
    return next((c["reason"] for c in assessment["checks"] if c["blocking"] and not c["passed"]), None)


def _search_photo(source: ImageSource, draw, *, segmentation: bool, max_side: int | None, standing: dict):
    """Look for the person again on copies of a photo (:func:`vision.pipeline.search_photo`) and keep the
    first pose that several copies agree on and whose standing assessment passes every blocking check.

    Returns ``(tracked, person, assessment, record)``: the kept track, its person check and assessment (all
    None when no pose was kept) and the record for the summary: ``tried`` (each copy's ``name``,
    ``description``, whether a person was ``found`` and, when one was found but not kept, why:
    ``rejected``) and ``used`` (the kept copy's name or None).
    """
    search = search_photo(source, segmentation=segmentation, max_side=max_side)
    tried = {v.name: {"name": v.name, "description": v.description, "found": found} for v, found in search.tried}
    candidates = {p.variant.name for p in search.agreeing}
    for entry in tried.values():
        if entry["found"] and entry["name"] not in candidates:
            entry["rejected"] = "the other copies did not give the same pose"
    record = {"tried": list(tried.values()), "used": None}
    for pose in search.agreeing:
        tracked = search.tracked(pose)
        person = person_check(tracked)
        assessment = _assess_standing(tracked, person, True, **standing)
        block = _first_block(assessment)
        if block is None and assessment["ok"]:
            if draw:
                draw(search.model_rgb, pose.result)
            record["used"] = pose.variant.name
            return tracked, person, assessment, record
        tried[pose.variant.name]["rejected"] = block or "nothing could be measured"
    # a person small in the picture: found on tiles of it, then read on the part around them (vision.zoom)
    with PoseEstimator(static=True, segmentation=False, max_side=None) as est:
        region = person_region([search.model_rgb], est)
    entry = {"name": PHOTO_TILES, "description": "a part of the photo cut around where its tiles showed a person",
             "found": region is not None}
    record["tried"].append(entry)
    if region is not None:
        tracked = track(source, segmentation=segmentation, max_side=max_side, crop=region, on_frame=draw)
        person = person_check(tracked)
        assessment = _assess_standing(tracked, person, True, **standing)
        block = _first_block(assessment)
        if tracked.sequence.detected.any() and block is None and assessment["ok"]:
            record["used"] = PHOTO_TILES
            return tracked, person, assessment, record
        entry["rejected"] = block or "nothing could be measured"
    return None, None, None, record


PHOTO_TILES = "tiles"  # the photo search's last try: the part of the photo around a person found on its tiles


def analyze_file(
    path: str | Path,
    out_dir: str | Path,
    *,
    annotate: bool = True,
    csv: bool = False,
    segmentation: bool = True,
    max_side: int | None = DEFAULT_MAX_SIDE,
    progress: Progress | None = None,
    display_name: str | None = None,
    assess: bool = True,
    height_cm: float | None = None,
    want_view: str = "any",
    calibration: tuple[float, str] | None = None,
    intake=None,
    role: str = "client",
    test: str | None = None,
    leg: str | None = None,
    still_stride: int = 1,
    people_in_turn: bool = False,
    probe_people: bool = True,
    models: ModelCache | None = None,
) -> Analysis:
    """Track a video or photo and write its outputs to ``out_dir``.

    Outputs are named after the input's whole file name with only its last suffix replaced (``NAME`` below);
    when ``out_dir`` already holds outputs of another input under that name, another name is chosen and
    the returned ``notes`` say so (see :mod:`capture.outputs`). Writes ``NAME.pose.npz`` (the track, see
    :mod:`vision.sequence`), ``NAME.summary.json``, ``NAME.annotated.mp4`` or ``.png`` (the skeleton drawn
    on the frames, at the model's resolution) unless ``annotate`` is False, and ``NAME.landmarks.csv`` when
    ``csv`` is True. Outputs are written also when reading stopped early or no person was found, so nothing
    computed is lost. ``display_name`` replaces the file's name and path in the outputs and messages (e.g.
    an upload's original name instead of its temporary path).

    An animated image (GIF, PNG, WebP) with several frames is analysed as a clip. When nobody is found in a
    photo, the person is looked for again on copies of it (padded, mirrored, scaled down; see
    :mod:`vision.variants`), and a pose found there is kept only when the standing assessment on it passes
    every blocking check; the summary's ``person_search`` says what was tried and which copy was kept.

    The people probes' findings are judged by the ``"person"`` check (:func:`analysis.people.check_person`):
    it comes first among the assessment's (or movement test's) checks and its problem first among the
    problems; when it blocks (the followed person is not the subject, or two people are similar in size),
    the result has ``ok: False`` and no metric.

    With ``assess`` (the default) the standing-posture assessment (:func:`analysis.assessment.assess_standing`,
    with ``height_cm``, ``want_view`` and a stored ``calibration``) is written to ``NAME.assessment.json``
    and its key frame, annotated with the plumb line, angle arcs and back contour, to ``NAME.keyframe.png``;
    its failed capture checks join the problems. The silhouette it needs comes from ``segmentation``.
    The assessment carries the advice plan (:func:`analysis.advice.build_plan` for ``intake`` and ``role``)
    under ``"plan"``; without an intake the plan asks for the safety questions first.
    With ``test`` (a movement test kind, see :func:`analysis.movement.run_movement_test`) the clip is
    analysed as that test instead of standing posture (``leg``: the tested leg as the person states it, see
    :func:`analysis.movement.run_movement_test`), written to ``NAME.movement.json``, and the
    plan is built from its findings; when the test's gates failed (``ok`` false) its problems join the
    problems and there is no plan (``"plan": None``). ``still_stride`` > 1 analyses fewer frames while the
    person stands still (see :func:`track`). With ``people_in_turn`` the clip holds several people one after
    the other and the test runs on each (see :func:`movement_results`). ``probe_people`` looks for a second
    person in the picture (without it the person check is an unchecked pass); ``models`` (a batch worker's
    kept estimators) replaces building a model for this file.

    Raises
    ------
    InputError
        When the file cannot be opened as an image or video at all.
    """
    source = open_source(path, max_side)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if display_name:
        source.info.name = source.info.path = display_name
    name = claim_output_name(out, Path(path).name, source.info.sha256, source.info.name)
    try:
        return _analyze(path, source, out, name.stem, [name.note] if name.note else [], annotate=annotate, csv=csv,
                        segmentation=segmentation, max_side=max_side, progress=progress, assess=assess,
                        standing={"height_cm": height_cm, "want_view": want_view, "calibration": calibration},
                        intake=intake, role=role, test=test, leg=leg, still_stride=still_stride,
                        people_in_turn=people_in_turn, probe_people=probe_people, models=models)
    except BaseException:
        name.release()  # the placeholder summary, when nothing was written in its place
        raise


def _analyze(path, source, out: Path, stem: str, notes: list[str], *, annotate, csv, segmentation, max_side,
             progress, assess, standing: dict, intake, role, test, leg=None, still_stride, people_in_turn=False,
             probe_people=True, models=None) -> Analysis:
    """The body of :func:`analyze_file` once the source is open and the output name claimed."""
    outputs: dict[str, str] = {}
    is_image = isinstance(source, ImageSource)
    last_drawn: list[np.ndarray] = []
    video = out / f"{stem}.annotated.mp4"

    def draw_still(small: np.ndarray, res) -> None:
        last_drawn[:] = [annotated_frame((small, res))]

    def run(src, hide=None, into: Path = video, turn: int = 0, crop=None) -> Tracked:
        writer = None if (is_image or not annotate) else VideoWriter(into, src.info.fps or 30.0, render=annotated_frame)

        def draw(small: np.ndarray, res) -> None:
            if writer:  # drawn in the writer's thread; the frame is not used again here
                writer.write((small, res))
            else:
                draw_still(small, res)

        try:
            return track(src, segmentation=segmentation, max_side=max_side, on_frame=draw if annotate else None,
                         progress=progress, still_stride=still_stride, probe_people=probe_people, models=models,
                         hide=hide, turn=turn, crop=crop)
        finally:
            src.close()
            if writer:
                writer.close()

    tracked = run(source)
    if len(tracked.sequence) == 0:
        raise InputError(f"{source.info.name}: {source.info.stopped_early or 'no frames could be read'}. "
                         "Copy or export the video again; nothing was written.")
    person = assessment = search = None
    if is_image and segmentation:  # the photo read a second time, once, when an assessment needs it
        standing = dict(standing, reread=functools.cache(lambda: reread_photo(source, max_side=max_side)))
    if not is_image:
        second = video.with_name(f"{stem}.annotated.again.mp4")

        def retrack(hide=None, turn: int = 0, crop=None) -> Tracked:
            return run(reopen(path, source, max_side), hide, second, turn, crop)

        passes = (follow_person_lying, turn_person_lying) if test in LYING else ()
        for again_with in passes + (lambda tr, kind, again: zoom_person_small(tr, kind, path, again),):
            again = again_with(tracked, test, retrack)
            if again is not None:
                tracked, person = again
                if second.exists():
                    second.replace(video)
            second.unlink(missing_ok=True)
    if video.exists():
        outputs["annotated"] = str(video)
    if is_image and assess and not test and not tracked.sequence.detected.any():
        found, person, assessment, search = _search_photo(source, draw_still if annotate else None,
                                                          segmentation=segmentation, max_side=max_side,
                                                          standing=standing)
        tracked = found or tracked
    if last_drawn:
        import cv2

        p = out / f"{stem}.annotated.png"
        cv2.imwrite(str(p), cv2.cvtColor(last_drawn[0], cv2.COLOR_RGB2BGR))
        outputs["annotated"] = str(p)
    seq = tracked.sequence
    outputs["track"] = str(seq.save(out / f"{stem}.pose.npz"))
    if csv:
        outputs["csv"] = str(seq.to_csv(out / f"{stem}.landmarks.csv"))
    person = person or person_check(tracked, test)
    summary = track_summary(seq.landmarks, seq.visibility, seq.world, seq.image_size)
    summary["several_people_at_s"] = tracked.several_people_at
    summary["people"] = people_summary(tracked, person)
    if search:
        summary["person_search"] = search
    summary["processing"] = {"seconds": round(tracked.seconds, 3),
                             "fps": round(len(seq) / tracked.seconds, 2) if tracked.seconds else None}
    summary["source"] = asdict(seq.source)
    summary["model"] = seq.model
    summary["outputs_named"] = stem
    summary["notes"] = notes
    problems = problems_of(summary, tracked, person)
    if test and summary["frames_with_person"]:
        edge = level_edge(path, seq, table_edge_search) if test == "thomas" and not is_image else None
        scene = level_edge(path, seq, scene_level_search) if test in THIGH_BACK and not is_image \
            else None
        assessment = movement_results(seq, test, intake, role, people_in_turn, person, leg=leg, table_edge=edge,
                                      scene_level=scene)
        if not person.passed:
            assessment["problems"].insert(0, problems[0])
        problems += assessment["problems"][0 if person.passed else 1:]
        p = out / f"{stem}.movement.json"
        p.write_text(json.dumps(assessment, indent=2))
        outputs["movement"] = str(p)
    elif assess and summary["frames_with_person"]:
        if assessment is None:
            assessment = _assess_standing(tracked, person, is_image, **standing)
        problems = problems_of(summary, tracked, person, assessment)
        assessment["plan"] = build_plan(intake, assessment, role)  # a blocked result gives it no finding
        p = out / f"{stem}.assessment.json"
        p.write_text(json.dumps(assessment, indent=2))
        outputs["assessment"] = str(p)
        if annotate and assessment["key_frame"] is not None:
            p = out / f"{stem}.keyframe.png"
            write_key_frame(p, path, seq, assessment)
            outputs["keyframe"] = str(p)
    view_check = next((c for c in (assessment or {}).get("checks") or [] if c.get("name") == "view"), None)
    if view_check is not None and not view_check.get("passed"):  # the guess is the pose model's, the check refused it
        summary["view"]["refused_by_check"] = view_check.get("reason")
    summary["problems"] = problems
    p = out / f"{stem}.summary.json"
    p.write_text(json.dumps(summary, indent=2))
    outputs["summary"] = str(p)
    return Analysis(summary, outputs, problems, seq, assessment, notes)


def movement_results(seq: PoseSequence, test: str, intake=None, role: str = "client", people_in_turn: bool = False,
                     person: Check | None = None, leg: str | None = None, table_edge: float | None = None,
                     scene_level: float | None = None) -> dict:
    """The movement test ``test`` on a track, gated by the ``person`` check (:func:`analysis.people.gate_result`)
    when one is given, with its advice plan under ``"plan"`` (:func:`analysis.movement.run_movement_test`,
    :func:`analysis.advice.build_plan`; None when the test's gates failed). ``leg``: the tested leg as the
    person states it (see :func:`analysis.movement.run_movement_test`); ``table_edge``, ``scene_level``: the Thomas
    test's table edge, and the room's level lines beside a hip extension or a lunge, in the picture
    (:func:`level_edge`).

    With ``people_in_turn`` the track is cut into the people who did the test one after the other
    (:func:`analysis.people_in_turn.split_people`) and the test runs on each:
    ``{"kind", "people_in_turn": True, "ok", "people": [{"person": 1, "range": [start, stop], "start_s", "end_s",
    "result": {...}}, ...], "problems"}``, ranges in track positions, each result as without it, ``ok`` when
    any person's test passed its gates.
    """
    def run(a: int, b: int) -> dict:
        sl = slice(a, b)
        res = run_movement_test(test, seq.timestamps[sl], seq.pixels[sl], seq.visibility[sl],
                                outline=None if seq.outline is None else seq.outline[sl], world=seq.world[sl],
                                landmarks=seq.landmarks[sl], image_size=seq.image_size[sl], leg=leg,
                                table_edge=table_edge, scene_level=scene_level)
        if person is not None:
            gate_result(res, person, {"repetitions": [], "steps": [], "summary": {}})
            if person.blocking and not person.passed:
                withhold(res, [person.to_dict()])
        # a test whose gates failed has no numbers (ok false): nothing for the advice plan to build on
        res["plan"] = build_plan(intake, normalize_findings(res), role) if res["ok"] else None
        return res

    if not people_in_turn:
        return run(0, len(seq))
    people = []
    for j, (a, b) in enumerate(split_people(seq.pixels, seq.timestamps) or [(0, len(seq))], 1):
        people.append({"person": j, "range": [a, b], "start_s": round(float(seq.timestamps[a]), 2),
                       "end_s": round(float(seq.timestamps[b - 1]), 2), "result": run(a, b)})
    problems = [p if len(people) == 1 else f"person {k['person']} ({k['start_s']:.1f}-{k['end_s']:.1f} s): {p}"
                for k in people for p in k["result"]["problems"]]
    return {"kind": test, "people_in_turn": True, "ok": any(k["result"]["ok"] for k in people), "people": people,
            "problems": problems}


def analyze_in_memory(path: str | Path, **options) -> tuple[Analysis, bytes]:
    """:func:`analyze_file` with nothing left on disk: the analysis (summary, problems, track, assessment or
    movement test) and the track's ``.pose.npz`` bytes, for a caller that keeps or sends them itself (the
    batch and its cluster workers).

    The files :func:`analyze_file` writes go to a private temporary folder that is deleted before this
    returns, also on an error; ``outputs`` is empty. No annotated video or key frame picture is drawn.
    Options are those of :func:`analyze_file`.
    """
    with private_tempdir("posture-capture-") as tmp:
        analysis = analyze_file(path, tmp, **{**options, "annotate": False, "csv": False})
        track_npz = Path(analysis.outputs["track"]).read_bytes()
    analysis.outputs = {}
    return analysis, track_npz


def write_key_frame(dest: Path, path: str | Path, seq: PoseSequence, assessment: dict) -> None:
    """Draw the assessment's key frame (full resolution) with its overlays and save it as a PNG."""
    import cv2

    k = assessment["key_frame"]
    rgb = read_frame(path, int(seq.frame_index[k]), float(seq.timestamps[k]))
    view = assessment["view"]["label"]
    measured = {m["key"] for m in assessment.get("metrics") or [] if m.get("value") is not None}
    if assessment.get("ok") and view in ("left side", "right side"):
        edge = (assessment.get("spinal_curve") or {}).get("key_frame_back_edge_px")
        edge = None if edge is None else np.array(edge, dtype=float)
        angles = tuple(a for a, key in (("hip", "hip_angle"), ("knee", "knee_flexion")) if key in measured)
        img = draw_side_assessment(rgb, seq.pixels[k], seq.visibility[k], assessment["view"]["facing"], edge,
                                   angles=angles, plumb="plumb_hip" in measured or "plumb_knee" in measured)
    else:  # nothing measured: the skeleton only, no number drawn as a result
        img = draw_skeleton(rgb, seq.pixels[k], seq.visibility[k])
    cv2.imwrite(str(dest), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
