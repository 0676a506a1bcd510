"""Analyse one capture end to end: the single step behind ``posture analyze``, the app, the records
workflow and the batch workers.

Open the file, track it with :func:`vision.pipeline.track` (``vision`` stops at landmarks), run the standing
assessment or a movement test (:mod:`analysis`), build the advice plan and write the outputs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from analysis.advice import build_plan
from analysis.assessment import assess_standing
from analysis.causation import normalize_findings
from analysis.movement import run_movement_test
from analysis.summary import track_summary
from vision.drawing import annotated_frame, draw_side_assessment, draw_skeleton
from vision.errors import InputError
from vision.estimator import DEFAULT_MAX_SIDE
from vision.pipeline import Progress, Tracked, VideoWriter, track
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


def problems_of(summary: dict, tracked: Tracked) -> list[str]:
    """One plain sentence per problem a user can act on."""
    out = []
    src = tracked.sequence.source
    if src.stopped_early:
        out.append(f"{src.name}: {src.stopped_early}. The {src.frames_read} frames before it were analysed and saved; "
                   "copy or export the video again for the rest.")
    if summary["frames"] and summary["frames_with_person"] == 0:
        out.append(f"No person was found in any of the {summary['frames']} frames. Film one person, whole body, "
                   "in good light, facing or side-on to the camera.")
    elif summary["person_fraction"] < MIN_PERSON_FRACTION:
        out.append(f"A person was found in only {summary['person_fraction']:.0%} of the frames: keep the whole body "
                   "in view for the whole recording (measurements use only the frames with a person).")
    if summary["frames_with_person"] and summary["framing"]["missing"]:
        missing = ", ".join(summary["framing"]["missing"])
        out.append(f"The person is only partly in the picture ({missing} not seen): {summary['framing']['advice']}.")
    if tracked.several_people_at:
        at = ", ".join(f"{t:.1f} s" for t in tracked.several_people_at[:3])
        out.append(f"Several people are in the picture (at {at}): the pose model follows only one of them. "
                   "Film one person at a time, with nobody else in view.")
    return out


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
    still_stride: int = 1,
) -> Analysis:
    """Track a video or photo and write its outputs to ``out_dir``.

    Writes ``<stem>.pose.npz`` (the track, see :mod:`vision.sequence`), ``<stem>.summary.json``,
    ``<stem>.annotated.mp4`` or ``.png`` (the skeleton drawn on the frames, at the model's resolution)
    unless ``annotate`` is False, and ``<stem>.landmarks.csv`` when ``csv`` is True. Outputs are written
    also when reading stopped early or no person was found, so nothing computed is lost.
    ``display_name`` replaces the file's name and path in the outputs and messages (e.g. an upload's
    original name instead of its temporary path).

    With ``assess`` (the default) the standing-posture assessment (:func:`analysis.assessment.assess_standing`,
    with ``height_cm``, ``want_view`` and a stored ``calibration``) is written to ``<stem>.assessment.json``
    and its key frame, annotated with the plumb line, angle arcs and back contour, to ``<stem>.keyframe.png``;
    its failed capture checks join the problems. The silhouette it needs comes from ``segmentation``.
    The assessment carries the advice plan (:func:`analysis.advice.build_plan` for ``intake`` and ``role``)
    under ``"plan"``; without an intake the plan asks for the safety questions first.
    With ``test`` (a movement test kind, see :func:`analysis.movement.run_movement_test`) the clip is
    analysed as that test instead of standing posture, written to ``<stem>.movement.json``, and the
    plan is built from its findings; when the test's gates failed (``ok`` false) its problems join the
    problems and there is no plan (``"plan": None``). ``still_stride`` > 1 analyses fewer frames while the person stands
    still (see :func:`track`).

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
    stem = Path(path).name.split(".")[0] or "input"
    outputs: dict[str, str] = {}
    is_image = isinstance(source, ImageSource)
    writer = None if (is_image or not annotate) else VideoWriter(out / f"{stem}.annotated.mp4", source.info.fps or 30.0,
                                                                 render=annotated_frame)
    last_drawn: list[np.ndarray] = []

    def draw(small: np.ndarray, res) -> None:
        if writer:  # drawn in the writer's thread; the frame is not used again here
            writer.write((small, res))
        else:
            last_drawn[:] = [annotated_frame((small, res))]

    try:
        tracked = track(source, segmentation=segmentation, max_side=max_side,
                        on_frame=draw if annotate else None, progress=progress, still_stride=still_stride)
    finally:
        source.close()
        if writer:
            writer.close()
    if writer and writer.path.exists():
        outputs["annotated"] = str(writer.path)
    if last_drawn:
        import cv2

        p = out / f"{stem}.annotated.png"
        cv2.imwrite(str(p), cv2.cvtColor(last_drawn[0], cv2.COLOR_RGB2BGR))
        outputs["annotated"] = str(p)
    seq = tracked.sequence
    if len(seq) == 0:
        raise InputError(f"{source.info.name}: {source.info.stopped_early or 'no frames could be read'}. "
                         "Copy or export the video again; nothing was written.")
    outputs["track"] = str(seq.save(out / f"{stem}.pose.npz"))
    if csv:
        outputs["csv"] = str(seq.to_csv(out / f"{stem}.landmarks.csv"))
    summary = track_summary(seq.landmarks, seq.visibility, seq.world)
    summary["several_people_at_s"] = tracked.several_people_at
    summary["processing"] = {"seconds": round(tracked.seconds, 3),
                             "fps": round(len(seq) / tracked.seconds, 2) if tracked.seconds else None}
    summary["source"] = asdict(seq.source)
    summary["model"] = seq.model
    problems = problems_of(summary, tracked)
    assessment = None
    if test and summary["frames_with_person"]:
        assessment = run_movement_test(test, seq.timestamps, seq.pixels, seq.visibility, outline=seq.outline,
                                       world=seq.world, landmarks=seq.landmarks, image_size=seq.image_size)
        problems += assessment["problems"]
        # a test whose gates failed has no numbers (ok false): nothing for the advice plan to build on
        assessment["plan"] = build_plan(intake, normalize_findings(assessment), role) if assessment["ok"] else None
        p = out / f"{stem}.movement.json"
        p.write_text(json.dumps(assessment, indent=2))
        outputs["movement"] = str(p)
    elif assess and summary["frames_with_person"]:
        assessment = assess_standing(seq.pixels, seq.visibility, seq.world, seq.image_size,
                                     None if is_image else seq.timestamps, seq.outline, height_cm=height_cm,
                                     want=want_view, calibration=calibration)
        problems += [f"{c['reason']}: {c['advice']}" for c in assessment["checks"]
                     if not c["passed"] and c["name"] != "whole_body"]  # framing is reported already
        assessment["plan"] = build_plan(intake, assessment, role)
        p = out / f"{stem}.assessment.json"
        p.write_text(json.dumps(assessment, indent=2))
        outputs["assessment"] = str(p)
        if annotate and assessment["key_frame"] is not None:
            p = out / f"{stem}.keyframe.png"
            write_key_frame(p, path, seq, assessment)
            outputs["keyframe"] = str(p)
    summary["problems"] = problems
    p = out / f"{stem}.summary.json"
    p.write_text(json.dumps(summary, indent=2))
    outputs["summary"] = str(p)
    return Analysis(summary, outputs, problems, seq, assessment)


def write_key_frame(dest: Path, path: str | Path, seq: PoseSequence, assessment: dict) -> None:
    """Draw the assessment's key frame (full resolution) with its overlays and save it as a PNG."""
    import cv2

    k = assessment["key_frame"]
    rgb = read_frame(path, int(seq.frame_index[k]), float(seq.timestamps[k]))
    view = assessment["view"]["label"]
    if view in ("left side", "right side"):
        edge = (assessment.get("spinal_curve") or {}).get("key_frame_back_edge_px")
        edge = None if edge is None else np.array(edge, dtype=float)
        img = draw_side_assessment(rgb, seq.pixels[k], seq.visibility[k], assessment["view"]["facing"], edge)
    else:
        img = draw_skeleton(rgb, seq.pixels[k], seq.visibility[k])
    cv2.imwrite(str(dest), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
