"""Closed loop: the rendered sample clips (known truth) through MediaPipe and the movement tests.

Each clip is tracked once for the whole module (about 3 s per 5-s clip). Tolerances follow issue 5
("within about 3 degrees"), except where the evaluation (benchmarks/eval_movement.py) found MediaPipe's
own limit, which is stated beside the assertion.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analysis.movement import run_movement_test

SAMPLES = Path(__file__).resolve().parents[1] / "sample_media"


def track_path(path: Path, segmentation: bool = True):
    """Track a clip with MediaPipe: (sequence, outlines (T, 256, 2) in source-frame pixels with NaN where none,
    or None without segmentation): the outlines the product's capture stores (``PoseSequence.outline``)."""
    from vision.pipeline import track
    from vision.sources import open_source

    src = open_source(path)
    try:
        seq = track(src, segmentation=segmentation, probe_people=False).sequence
    finally:
        src.close()
    return seq, (seq.outline.astype(np.float64) if segmentation and seq.outline is not None else None)


def render_and_track(clip, folder: Path):
    """Render ``clip`` to ``folder``, track it with MediaPipe and segmentation: (sequence, outlines, truth)."""
    from vision.synthetic.media_io import write_clip

    path = folder / f"{clip.name}.mp4"
    truth = write_clip(path, clip)
    return (*track_path(path), truth)


@pytest.fixture(scope="module")
def tracked():
    cache = {}

    def get(name: str, segmentation: bool = False):
        key = (name, segmentation)
        if key not in cache:
            seq, ol = track_path(SAMPLES / f"{name}.mp4", segmentation)
            cache[key] = (seq, ol, json.loads((SAMPLES / f"{name}.json").read_text()))
        return cache[key]

    return get


def _run(kind, seq, ol=None):
    return run_movement_test(kind, seq.timestamps, seq.pixels, seq.visibility, outline=ol, world=seq.world,
                             landmarks=seq.landmarks, image_size=seq.image_size)


def test_hip_extension_peaks_and_compensation(tracked):
    seq, ol, truth = tracked("hip_extension", segmentation=True)
    res = _run("hip_extension", seq, ol)
    assert res["ok"] and res["side"] == "right"
    assert len(res["repetitions"]) == 2  # the clip has two repetitions
    fr = truth["frames"]
    for rep in res["repetitions"]:
        pk = rep["phases"]["peak"]
        assert fr[pk]["label"] == f"rep {rep['repetition']}"
        m = rep["metrics"]
        assert m["thigh_behind_vertical"]["value"] == pytest.approx(-fr[pk]["angles_body"]["hip_flexion_right"], abs=3.0)
        assert m["knee_flexion"]["value"] == pytest.approx(fr[pk]["angles_body"]["knee_flexion_right"], abs=3.0)
        ci = m["compensation_index"]
        assert ci["kind"] == "estimate" and ci["value"] is not None and 0.0 < ci["value"] < 0.6
        curve = rep["compensation"]["curve"]
        assert len(curve["time_s"]) == len(curve["lumbar_angle"]) > 5
    json.dumps(res)


def test_lunge_back_thigh(tracked):
    seq, _, truth = tracked("kneeling_lunge")
    res = _run("lunge", seq)
    (rep,) = res["repetitions"]
    assert rep["side"] == "left"
    true_peak = max(-f["angles_body"]["hip_flexion_left"] for f in truth["frames"])
    assert rep["metrics"]["thigh_behind_vertical"]["value"] == pytest.approx(true_peak, abs=3.0)


def test_sit_to_stand(tracked):
    seq, _, truth = tracked("sit_to_stand")
    res = _run("sit_to_stand", seq)
    (rep,) = res["repetitions"]
    ev = rep["events"]
    # script: sitting until 1.0 s, lean until 2.0, rising until 3.8, then standing
    assert 0.9 <= ev["onset_s"] <= 1.5 and 1.9 <= ev["lift_off_s"] <= 2.5 and 3.0 <= ev["stand_s"] <= 4.0
    assert rep["metrics"]["hip_extension_at_stand"]["value"] == pytest.approx(0.0, abs=3.0)
    assert rep["hips_flexed_back_arched"] is False


def test_thomas(tracked):
    seq, _, truth = tracked("thomas_test")
    res = _run("thomas", seq)
    (rep,) = res["repetitions"]
    assert res["side"] == "left" and rep["reliable"]
    m = rep["metrics"]
    assert m["thigh_above_horizontal"]["value"] == pytest.approx(8.0, abs=3.0)
    assert m["knee_flexion"]["value"] == pytest.approx(65.0, abs=3.0)
    assert rep["short_hip_flexors"] and rep["short_rectus_femoris"]


def test_ely(tracked):
    seq, _, truth = tracked("prone_knee_bend")
    res = _run("ely", seq)
    (rep,) = res["repetitions"]
    # MediaPipe reads deep knee flexion a few degrees low (about 3-7 on this clip)
    assert rep["metrics"]["max_knee_flexion"]["value"] == pytest.approx(115.0, abs=8.0)
    # the hip's 8-degree rise is not read from the model's points lying down (ely.HIP_RISE_UNREAD): not claimed
    assert rep["hip_rose"] is None and rep["metrics"]["hip_angle_change"]["value"] is None


SAMPLE_TESTS = {"hip_extension": "hip_extension", "kneeling_lunge": "lunge", "sit_to_stand": "sit_to_stand",
                "thomas_test": "thomas", "prone_knee_bend": "ely", "standing_side": None}


@pytest.mark.parametrize("clip", sorted(SAMPLE_TESTS))
def test_every_other_test_refuses_a_sample_clip_and_says_what_it_shows(tracked, clip):
    """A user who picks the wrong test gets no number, and the first problem says what the clip shows (the start
    posture, the position or the movement), not that the legs were lost: before the lying clips run as upright
    tests read "the pose model lost your legs in 65 % of the frames" (a lying knee's bend read as an upright
    one's), and the hip extension run as a lunge in 27 % (its swung-back foot given to the standing knee)."""
    from analysis.gates import blocking_failure

    seq, ol, _ = tracked(clip, segmentation=True)
    for kind in ("hip_extension", "lunge", "sit_to_stand", "thomas", "ely", "walk"):
        if kind == SAMPLE_TESTS[clip]:
            continue
        res = _run(kind, seq, ol)
        first = blocking_failure(res["checks"])
        assert not res["ok"] and not res["summary"], (clip, kind)
        assert first is not None and first["name"] in ("activity", "position", "movement"), (clip, kind, first)
        assert not any(r.get("metrics") for r in res.get("repetitions") or []), (clip, kind)
        assert ".;" not in " ".join(res["problems"]), res["problems"]  # the set-up steps read as sentences


@pytest.mark.parametrize("style,depth", [("mesh", "parallel"), ("capsule", "deep")])
def test_rising_from_a_squat_is_not_a_sit_to_stand(style, depth, tmp_path):
    """A trainer filming bodyweight squats as a sit-to-stand, side-on, rising from a squat held at the bottom with
    no chair: refused, read first "you seem to be squatting ... this test starts sitting on a chair", no number.
    Before, with the far knee hidden (deep) or the thighs level over feet half a leg ahead (parallel), the bottom
    read "sitting" and the rise was measured as a sit-to-stand in both styles; where the body's mass lies over
    the feet (:mod:`analysis.balance`) tells them apart. The sample sit-to-stand, from a chair, is measured
    (:func:`test_sit_to_stand`)."""
    from analysis.gates import blocking_failure
    from vision.synthetic.capsule import restyle
    from vision.synthetic.movements import squat_rise

    clip = squat_rise(f"squat_rise_{depth}", depth=depth, from_bottom=True, seed=5)
    if style == "capsule":
        clip = restyle(clip, outfit="teal_tracksuit", scene="white_studio")
    seq, ol, _ = render_and_track(clip, tmp_path)
    res = _run("sit_to_stand", seq, ol)
    first = blocking_failure(res["checks"])
    assert not res["ok"] and not res["summary"], res["problems"]
    assert first["name"] == "activity" and "squatting" in first["reason"] and "sitting on a chair" in first["reason"]
    assert not any(r.get("metrics") for r in res.get("repetitions") or [])


def test_getting_up_from_the_floor_is_not_a_sit_to_stand(tmp_path):
    """Getting up from sitting on the floor (no chair), filmed side-on as a sit-to-stand, capsule style: the pose
    model reads the start as sitting (it was measured before), with the hips under 0.1 leg lengths above the
    ankles; refused, read first "you seem to be sitting on the floor or squatting at the start", no number."""
    from analysis.gates import blocking_failure
    from vision.synthetic.capsule import restyle
    from vision.synthetic.movements import floor_rise

    clip = restyle(floor_rise("floor_rise", seed=5), outfit="teal_tracksuit", scene="white_studio")
    seq, ol, _ = render_and_track(clip, tmp_path)
    res = _run("sit_to_stand", seq, ol)
    first = blocking_failure(res["checks"])
    assert not res["ok"] and not res["summary"], res["problems"]
    assert first["name"] == "activity" and "sitting on the floor" in first["reason"]
    assert not any(r.get("metrics") for r in res.get("repetitions") or [])


def test_a_knee_hugged_on_the_floor_is_not_a_thomas_test(tmp_path):
    """A Thomas test done at home on the floor, the tested leg lying flat: the body outline's lowest point stays at
    the back, nothing hangs below the hips, so the test is refused for its movement with no number (before, the
    thigh lying flat read 1.7 degrees "above the usual range", a sign of tight hip flexors)."""
    from analysis.gates import blocking_failure
    from vision.synthetic.movements import knee_hug_on_floor

    seq, ol, _ = render_and_track(knee_hug_on_floor("knee_hug_flat", other="flat", seed=5), tmp_path)
    res = _run("thomas", seq, ol)
    first = blocking_failure(res["checks"])
    assert not res["ok"] and not res["summary"] and not res["repetitions"], res["problems"]
    assert first["name"] == "movement" and "did not hang" in first["reason"]
    assert res["hang"]["source"] == "outline" and res["hang"]["depth_trunk_lengths"] < res["hang"]["min"]


def test_a_standing_thigh_stretch_is_not_a_hip_extension(tmp_path):
    """The leg taken back 10 degrees with the foot pulled up behind (knee bent 130 degrees; the pose model reads
    about 114): refused for the movement, with the knee's bend, and no number."""
    from analysis.gates import blocking_failure
    from vision.synthetic.movements import hip_extension

    clip = hip_extension("thigh_stretch", reps=2, extension_deg=10.0, knee_deg=130.0, compensation=0.2, seed=5)
    seq, ol, _ = render_and_track(clip, tmp_path)
    res = _run("hip_extension", seq, ol)
    first = blocking_failure(res["checks"])
    assert not res["ok"] and not res["summary"], res["problems"]
    assert first["name"] == "movement" and "knee was bent" in first["reason"], first


def test_a_hip_extension_filmed_larger_than_the_model_sees_is_read_from_its_outline(tmp_path):
    """A 1280 x 720 clip (phones film at least that), which the capture scales to the model's 960 pixels: the
    outline is traced on the model's frame and stored in the source frame's pixels, where the landmarks are, so
    the thigh is read from it (session 27: an evaluation that kept the outline at the model's scale refused such
    clips, "the body outline did not follow the right thigh")."""
    from vision.synthetic.camera import Camera
    from vision.synthetic.movements import hip_extension

    cam = Camera(azimuth=-90.0, distance=3.0, height=1.0, target=(0.0, 0.9, 0.0), width=1280, height_px=720, vfov=50.0)
    clip = hip_extension("hip_extension_720p", reps=2, extension_deg=20.0, camera=cam, seed=7)
    seq, ol, truth = render_and_track(clip, tmp_path)
    assert tuple(seq.image_size[0]) == (1280, 720)
    hips = seq.pixels[:, [23, 24]].reshape(-1, 2)
    assert np.nanmin(ol[..., 0]) < np.nanmedian(hips[:, 0]) < np.nanmax(ol[..., 0])  # around the body points
    res = _run("hip_extension", seq, ol)
    assert res["ok"] and res["thigh_source"] == "outline" and res["side"] == "right", res["problems"]
    assert len(res["repetitions"]) == 2
    for rep in res["repetitions"]:
        true_peak = max(-f["angles_body"]["hip_flexion_right"] for f in truth["frames"]
                        if f["label"] == f"rep {rep['repetition']}")
        assert rep["metrics"]["thigh_behind_vertical"]["value"] == pytest.approx(true_peak, abs=3.0)


@pytest.mark.parametrize("style", ["mesh", "capsule"])
def test_both_legs_in_turn_give_the_near_leg_its_own_repetitions(style, tmp_path):
    """Both legs tested in one clip, one after the other (the far leg first, further back): read through the pose
    model and the body outline, the far leg's swings were counted as the near leg's (4 repetitions of the
    "right leg", 12 and 20 degrees). The near leg's 2 are measured at their peak; the far leg's are left out and
    the result says so."""
    from analysis.movement.series import leg_series
    from vision.synthetic.capsule import restyle
    from vision.synthetic.movements import hip_extension
    from vision.synthetic.truth import landmark_array

    clip = hip_extension("both_legs", sides=("left", "right", "left", "right"), extension_degs=(22.0, 18.0, 22.0, 18.0),
                         fps=10.0, seed=8)
    if style == "capsule":
        clip = restyle(clip, outfit="teal_tracksuit", scene="outdoor", camera_height=1.1, name="both_legs")
    seq, ol, truth = render_and_track(clip, tmp_path)
    res = _run("hip_extension", seq, ol)
    assert res["ok"] and res["side"] == "right" and len(res["repetitions"]) == 2, res["problems"]
    assert res["leg"] == "right leg, near the camera"
    other = next(c for c in res["checks"] if c["name"] == "other_leg")
    assert other["value"] == 2 and "your left leg (far from the camera) also swung back" in other["reason"]
    true_tbv = leg_series(np.stack([landmark_array(f) for f in truth["frames"]]), "right", 1)["thigh_behind_vertical"]
    right = [f for f, spec in enumerate(clip.frames) if spec.label.endswith("right")]
    for rep in res["repetitions"]:
        ph = rep["phases"]
        assert ph["peak"] in right
        peak = float(np.max(true_tbv[ph["start"]:ph["end"] + 1]))
        assert rep["metrics"]["thigh_behind_vertical"]["value"] == pytest.approx(peak, abs=4.0)


def test_a_thomas_test_of_both_legs_in_turn_gives_no_number_under_the_wrong_leg(tmp_path):
    """The right leg hanging (thigh 6 degrees above level, knee 70), let down, then the left (-8, 50), in one clip:
    through the pose model both holds read as the right leg's ("best -9.8, within" hid the right side's raised
    thigh). Lying side-on the legs cannot be told apart: readings further apart than one leg repeats are refused,
    with no number; where the outline did not confirm the second hold's thigh,
    only the first hold's reading is given (a render at 10 frames/s), and it is the right leg's."""
    from analysis.gates import blocking_failure
    from vision.synthetic.movements import in_turn, thomas_test

    first = thomas_test("first", hanging="right", thigh_deg=6.0, knee_deg=70.0)
    second = thomas_test("second", hanging="left", thigh_deg=-8.0, knee_deg=50.0)
    clip = in_turn(first, second, "thomas_both_legs")
    seq, ol, _ = render_and_track(clip, tmp_path)
    res = _run("thomas", seq, ol)
    if not res["ok"]:
        problem = blocking_failure(res["checks"])
        assert problem["name"] == "repeat" and "cannot be told apart" in problem["reason"], problem
        assert not res["summary"]
    else:
        thighs = [r["metrics"]["thigh_above_horizontal"]["value"] for r in res["repetitions"]]
        assert all(v is None or abs(v - 6.0) <= 4.0 for v in thighs), thighs


@pytest.fixture(scope="module")
def capsule_far_leg(tmp_path_factory):
    """A second figure style (capsule body, dark clothes in a dark hall, a pole in the far hand, a high
    camera) doing a far-leg hip extension: the knee of the leg swung back is the one the model loses."""
    from vision.synthetic.capsule import restyle
    from vision.synthetic.movements import hip_extension

    clip = restyle(hip_extension("capsule_far_leg", reps=2, side="left", extension_deg=16.0, fps=10.0),
                   outfit="dark_on_dark", scene="dark_hall", build="stocky", pole="right", camera_height=1.4)
    return render_and_track(clip, tmp_path_factory.mktemp("capsule"))


def test_second_style_far_leg_peak_from_the_outline(capsule_far_leg):
    from analysis.movement.series import leg_series
    from vision.synthetic.truth import landmark_array

    seq, ol, truth = capsule_far_leg
    res = _run("hip_extension", seq, ol)
    assert res["ok"] and res["thigh_source"] == "outline" and len(res["repetitions"]) == 2
    # the model keeps both knees together here: the leg is named right, or said to be uncertain, never wrongly
    assert res["leg"] == "left leg, far from the camera" or (res["leg_certain"] is False and any(
        c["name"] == "leg" and not c["passed"] for c in res["checks"]))
    true_tbv = leg_series(np.stack([landmark_array(f) for f in truth["frames"]]), "left", 1)["thigh_behind_vertical"]
    # the thigh's angle comes from the outline, whichever leg the landmarks call it
    for rep in res["repetitions"]:
        ph = rep["phases"]
        peak = float(np.max(true_tbv[ph["start"]:ph["end"] + 1]))
        assert rep["metrics"]["thigh_behind_vertical"]["value"] == pytest.approx(peak, abs=3.0)


@pytest.mark.parametrize("case", ["heavy_hand_at_thigh", "heavy_far_leg_30fps"])
def test_a_thigh_outline_widened_at_rest_does_not_set_the_rest(case, tmp_path):
    """Held-out hip extensions drawn at random (eval_movement ``y8`` and ``y2``, mesh, heavy builds): at rest the
    hanging hand, or a large buttock, widened the thigh's cross-sections in the outline, so its midline read the
    standing thigh 18 to 47 deg behind the vertical and every peak that far too far back (57 deg for a true 14).
    A midline far from the landmarks' thigh is not the thigh: the landmarks' thigh at rest stands in."""
    from analysis.movement.series import leg_series
    from vision.synthetic.body import APPEARANCES, BODIES
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.movements import hip_extension
    from vision.synthetic.truth import landmark_array

    im = Imaging(blur=0.5, noise=1.5)
    cam = dict(distance=3.0, target=(0.0, 0.9, 0.0), width=640, height_px=480, vfov=50.0)
    if case == "heavy_hand_at_thigh":
        side, facing = "right", 1
        clip = hip_extension("heavy_hand", fps=25.0, reps=2, side="right", extension_deg=15.0, compensation=0.62,
                             body=BODIES["short_heavy"], appearance=APPEARANCES["striped"], imaging=im, seed=908,
                             camera=Camera(azimuth=-91.0, height=1.22, **cam))
    else:
        side, facing = "left", 1
        clip = hip_extension("heavy_far", fps=30.0, reps=3, side="left", extension_deg=23.0, compensation=0.13,
                             body=BODIES["short_heavy"], appearance=APPEARANCES["striped"], imaging=im, seed=902,
                             camera=Camera(azimuth=-85.0, height=0.99, **cam))
    seq, ol, truth = render_and_track(clip, tmp_path)
    res = _run("hip_extension", seq, ol)
    assert res["ok"] and res["side"] == side, (res["problems"], res.get("side"))
    true_tbv = leg_series(np.stack([landmark_array(f) for f in truth["frames"]]), side,
                          facing)["thigh_behind_vertical"]
    for rep in res["repetitions"]:
        ph = rep["phases"]
        peak = float(np.max(true_tbv[ph["start"]:ph["end"] + 1]))
        m = rep["metrics"]["thigh_behind_vertical"]
        if m["value"] is None:
            assert m["extra"]["at_least_deg"] <= peak + 3.0, m
        else:
            assert m["value"] == pytest.approx(peak, abs=5.0), (m["value"], peak, res["thigh_source"])


@pytest.mark.parametrize("style", ["mesh", "capsule"])
def test_a_lower_leg_lost_in_a_deep_bend_is_never_read_as_a_straight_knee(style, tmp_path):
    """Held-out deep prone knee bends (not used to develop the test): MediaPipe lays the deeply bent lower leg
    back on the table during the hold, and the outline's search, guided by the landmarks, then followed the
    other leg: 3.6 deg was reported for a true 140 (mesh), 18.7 for a true 125 (capsule). A reading may be a
    few degrees off or withheld as a lower bound; it must never be far below the true bend."""
    from vision.synthetic.body import APPEARANCES, BODIES
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.capsule import restyle
    from vision.synthetic.movements import prone_knee_bend
    from vision.synthetic.truth import landmark_array

    im = Imaging(blur=0.5, noise=1.5)
    if style == "mesh":
        clip = prone_knee_bend("deep_mesh", side="left", max_knee=140.0, hip_lift=0.0, body=BODIES["tall_slim"],
                               appearance=APPEARANCES["blue_shirt"], imaging=im, seed=108,
                               camera=Camera(azimuth=88.0, distance=3.0, height=1.2, target=(0.1, 0.85, 0.0)))
    else:
        clip = restyle(prone_knee_bend("deep_capsule", side="right", max_knee=125.0, hip_lift=0.0,
                                       body=BODIES["athletic"], appearance=APPEARANCES["dark_skin"], imaging=im,
                                       seed=105, camera=Camera(azimuth=-95.0, distance=3.0, height=0.9,
                                                               target=(0.1, 0.85, 0.0))),
                       outfit="orange_hoodie", scene="dark_hall")
    seq, ol, truth = render_and_track(clip, tmp_path)
    res = _run("ely", seq, ol)
    px = np.stack([landmark_array(f) for f in truth["frames"]])
    ref = run_movement_test("ely", seq.timestamps, px, np.ones(px.shape[:2]), checks=False)
    true_peak = max(r["metrics"]["max_knee_flexion"]["value"] for r in ref["repetitions"])
    assert res["repetitions"], res["problems"]
    for rep in res["repetitions"]:
        m = rep["metrics"]["max_knee_flexion"]
        if m["value"] is None:
            assert m["extra"]["at_least_deg"] is not None and m["reason"], m
        else:
            assert m["value"] > true_peak - 15.0, (m["value"], true_peak, rep["source"])
    _plots_the_knee_as_read(res)


def _plots_the_knee_as_read(res: dict) -> None:
    """The prone knee bend's chart plots the knee's bend as read, reaching each reported peak (read from the outline
    or the landmarks), and neither the landmarks' short reading under an outline's value nor the hip's angle, which is
    not measured."""
    assert set(res["curve"]) == {"time_s", "knee_flexion"}, list(res["curve"])
    plotted = np.array([np.nan if v is None else v for v in res["curve"]["knee_flexion"]], dtype=float)
    for rep in res["repetitions"]:
        m, ph = rep["metrics"]["max_knee_flexion"], rep["phases"]
        if m["value"] is not None:
            assert abs(np.nanmax(plotted[ph["start"]:ph["end"] + 1]) - m["value"]) < 3.0, (m, rep["source"])


@pytest.mark.parametrize("case", ["two_bends_capsule", "one_bend_dipped_mesh", "one_bend_mask_flicker_capsule",
                                  "one_bend_lost_by_mask_capsule"])
def test_prone_knee_bends_are_counted_by_the_leg_coming_down(case, tmp_path):
    """Held-out prone knee bends. Two bends with the leg resting on the table between them were read as one
    (capsule: the landmarks' quick return looked like a tracking dropout and was bridged); one bend whose
    landmarks dipped by 50 deg in the hold while the lower leg stayed up was read as two (mesh); one bend
    whose landmarks lost the lower leg while the outline dropped it for a frame or two at a time was read as
    two (capsule); one bend whose landmarks and outline both lost the lower leg for 1.6 s in the hold (white
    clothes in a white room) was read as two (capsule). The outline shows whether the lower leg came down and
    rested (:func:`analysis.movement.ely.leg_raise`), and a lower leg does not vanish from it faster than it
    can fall."""
    from vision.synthetic.body import APPEARANCES, BODIES
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.capsule import restyle
    from vision.synthetic.movements import prone_knee_bend
    from vision.synthetic.truth import landmark_array

    im = Imaging(blur=0.5, noise=1.5)
    side = "right"
    if case == "two_bends_capsule":
        reps = 2
        clip = restyle(prone_knee_bend("two_bends", side="right", max_knee=100.0, hip_lift=4.0, body=BODIES["athletic"],
                                       appearance=APPEARANCES["red_top"], imaging=im, seed=301, reps=2,
                                       camera=Camera(azimuth=-92.0, distance=3.0, height=1.15, target=(0.1, 0.85, 0.0))),
                       outfit="dark_on_dark", scene="white_studio", build="stocky")
    elif case == "one_bend_mask_flicker_capsule":
        reps = 1
        clip = restyle(prone_knee_bend("flicker", side="right", max_knee=95.0, hip_lift=0.0, body=BODIES["female"],
                                       appearance=APPEARANCES["blue_shirt"], imaging=im, seed=502,
                                       camera=Camera(azimuth=-91.0, distance=3.0, height=1.0, target=(0.1, 0.85, 0.0))),
                       outfit="teal_tracksuit", scene="white_studio", build="long_legs")
    elif case == "one_bend_lost_by_mask_capsule":
        reps, side = 1, "left"
        clip = restyle(prone_knee_bend("lost", side="left", max_knee=90.0, hip_lift=8.0, body=BODIES["average"],
                                       appearance=APPEARANCES["gym"], imaging=im, seed=106,
                                       camera=Camera(azimuth=90.0, distance=3.0, height=1.3, target=(0.1, 0.85, 0.0))),
                       outfit="white_kit", scene="white_studio", build="long_legs")
    else:
        reps = 1
        clip = prone_knee_bend("one_bend", side="right", max_knee=110.0, hip_lift=5.0, body=BODIES["female"],
                               appearance=APPEARANCES["striped"], imaging=im, seed=107,
                               camera=Camera(azimuth=-90.0, distance=3.0, height=1.0, target=(0.1, 0.85, 0.0)))
    seq, ol, truth = render_and_track(clip, tmp_path)
    res = _run("ely", seq, ol)
    px = np.stack([landmark_array(f) for f in truth["frames"]])
    ref = run_movement_test("ely", seq.timestamps, px, np.ones(px.shape[:2]), checks=False)
    true_peak = max(r["metrics"]["max_knee_flexion"]["value"] for r in ref["repetitions"])
    assert len(res["repetitions"]) == reps, [r["phases"] for r in res["repetitions"]]
    assert res["side"] == side
    for rep in res["repetitions"]:
        m = rep["metrics"]["max_knee_flexion"]
        if m["value"] is None:  # withheld: a lower bound with its reason
            assert m["extra"]["at_least_deg"] is not None and m["reason"], m
        else:
            assert abs(m["value"] - true_peak) <= 5.0, (m["value"], true_peak, rep["source"])
    _plots_the_knee_as_read(res)


@pytest.mark.parametrize("fps", [15.0])
def test_the_hanging_thigh_of_a_thomas_test_from_its_outline(fps, tmp_path):
    """A Thomas test drawn at random (eval_movement ``t1``, capsule style, white clothes outdoors, a high
    camera): lying down, the pose model's hip landmark sits off the joint and the hip -> knee line read the
    hanging thigh 3.6 deg low (the capsule style's median error was 3.15 over five clips). With the outline,
    the thigh is its midline there, as the hip extension's is."""
    from analysis.movement.series import SIDE_IDX
    from vision.synthetic.body import APPEARANCES, BODIES
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.capsule import restyle
    from vision.synthetic.movements import thomas_test
    from vision.synthetic.truth import landmark_array

    cam = Camera(azimuth=-92.0, distance=3.0, height=1.38, target=(-0.35, 0.8, 0.0), width=640, height_px=480,
                 vfov=50.0)
    clip = restyle(thomas_test("thomas_t1", fps=fps, hanging="right", thigh_deg=5.0, knee_deg=65.0,
                               body=BODIES["female"], appearance=APPEARANCES["gym"], camera=cam,
                               imaging=Imaging(blur=0.5, noise=1.5), seed=851),
                   outfit="white_kit", scene="outdoor", build="long_legs")
    seq, ol, truth = render_and_track(clip, tmp_path)
    res = _run("thomas", seq, ol)
    assert res["ok"] and res["side"] == "right" and res["thigh_source"] == "outline", (res["problems"], res["side"])
    (rep,) = res["repetitions"]
    tp = np.stack([landmark_array(f) for f in truth["frames"]])
    i = SIDE_IDX["right"]
    hold = np.arange(rep["phases"]["hold_start"], rep["phases"]["hold_end"] + 1)
    d = tp[hold, i["knee"]] - tp[hold, i["hip"]]
    true_thigh = float(np.median(np.degrees(np.arctan2(-d[:, 1], np.abs(d[:, 0])))))
    got = rep["metrics"]["thigh_above_horizontal"]
    assert got["extra"]["source"] == "outline"
    assert got["value"] == pytest.approx(true_thigh, abs=2.5), (got["value"], true_thigh)
