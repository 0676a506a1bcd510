"""The eighth, held-out figure style (vision.synthetic.clinic: a wide-angle wall camera, exported in dark bars)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from analysis.movement.checks import presented_metrics
from style_support import analyze_with_truth, assert_refused_for_a_leg_drawn_short
from vision.synthetic import clinic
from vision.synthetic.camera import Imaging
from vision.synthetic.frames import Renderer
from vision.synthetic.movements import hip_extension, standing


def test_the_lens_and_the_export_move_the_truths_picture_points_with_the_picture():
    """The joint angles are the mesh style's; each truth point moves where the picture moved it: the picture's
    thigh (a dark band on a bright room) lies under the moved hip -> knee line, inside the dark bars."""
    base = hip_extension("clinic_test", fps=10.0, reps=1, extension_deg=20.0, seed=1)
    clip = clinic.restyle(base, outfit="mocap", scene="treatment_room")
    shot = replace(clip.shot, imaging=Imaging())
    img, truth, _ = Renderer(shot, 0).render(clip.frames[0])
    _, mesh_truth, _ = Renderer(base.shot, 0).render(base.frames[0])
    assert truth["angles_body"] == mesh_truth["angles_body"]
    h, w = img.shape[:2]
    pts = {k: np.array(truth["landmarks_px"][k]) for k in ("right_hip", "right_knee", "nose")}
    straight = {k: np.array(mesh_truth["landmarks_px"][k]) for k in pts}
    # the export shrank the picture towards its middle, where the hip stood
    assert all(np.linalg.norm(pts[k] - straight[k]) > 10 for k in ("right_knee", "nose"))
    grey = img.astype(float).mean(axis=-1)
    along = [pts["right_hip"] + f * (pts["right_knee"] - pts["right_hip"]) for f in np.linspace(0.2, 0.8, 7)]
    assert all(grey[int(round(y)), int(round(x))] < 80 for x, y in along)  # the black suit under the thigh line
    assert grey[h // 2, 2] < 20 and grey[h // 2, w - 3] < 20  # the bars
    assert np.allclose(clinic.map_points(np.array([[(w - 1) / 2, (h - 1) / 2]]), (w, h)), [[(w - 1) / 2, (h - 1) / 2]],
                       atol=0.6)


def test_a_far_leg_the_model_drew_short_standing_still_is_not_read_as_standing_on_one_leg(tmp_path):
    """The held-out refusal standing_still_as_hip_extension in the clinic style (beige leggings against a white
    ward, through the wide-angle lens): the pose model put the far knee at the hand and the far ankle at the near
    knee in most frames, and the clip was refused as "standing on one leg at the start" when it should be refused
    because no leg swung back. A leg's hip -> knee -> ankle path keeps its length in a side view
    (``activity_leg_short_min``): those frames do not vote."""
    clip = clinic.restyle(standing("clinic_standing_still", duration=4.0, imaging=Imaging(blur=0.5, noise=1.5),
                                   seed=19), outfit="beige_leggings", scene="ward")
    res, _ = analyze_with_truth(clip, tmp_path, "hip_extension", "right")
    assert res["ok"] is False and not presented_metrics(res)
    checks = {c["name"]: c for c in res["checks"]}
    assert checks["activity"]["passed"], checks["activity"]
    assert not checks["movement"]["passed"], checks["movement"]


def test_a_hug_whose_rise_the_model_never_saw_is_still_a_hold(tmp_path):
    """The held-out thomas_left_hanging_near in the clinic style (pale scrubs against an over-exposed wall): the
    far leg lying behind the hanging one had visibility 0.2 until it was hugged, so the hugged hip's flexion was
    first read at 122 degrees and no rise, hence no hold, was found ("no hold found"). A leg not hugged lies with
    the other (``thomas.unseen_lying_with``): the hold is found and the hanging leg read as on its truth."""
    from vision.synthetic.camera import Camera
    from vision.synthetic.movements import thomas_test

    cam = Camera(azimuth=90.0, distance=3.0, height=1.1, target=(-0.35, 0.8, 0.0), width=640, height_px=480,
                 vfov=50.0)
    clip = clinic.restyle(thomas_test("clinic_thomas", camera=cam, imaging=Imaging(blur=0.5, noise=1.5), seed=8),
                          outfit="scrubs", scene="ward")
    res, ref = analyze_with_truth(clip, tmp_path, "thomas", "left")
    assert res["ok"] is True and res["side"] == "left", [c["reason"] for c in res["checks"] if not c["passed"]]
    assert len(res["repetitions"]) == 1
    got = res["repetitions"][0]["metrics"]["thigh_above_horizontal"]["value"]
    want = ref["repetitions"][0]["metrics"]["thigh_above_horizontal"]["value"]
    assert abs(got - want) < 3.0, (got, want)


def test_a_standing_person_whose_leg_the_model_drew_short_is_told_so_not_that_they_stood_on_one_leg(tmp_path):
    """Standing still in a white top and grey trousers against an over-exposed white room, seen through the clinic's
    wide-angle lens: the pose model put the near knee at the hand and the ankle at the knee, and the standing
    assessment read "you seem to be standing on one leg". Measuring those frames would read that leg (hip 150,
    knee 32 degrees for a straight leg), so the assessment still refuses, with the reason: the model drew a leg
    short (``analysis.activity.leg_foreshortened``)."""
    clip = clinic.restyle(standing("clinic_standing", duration=2.0, imaging=Imaging(blur=0.5, noise=1.5), seed=5),
                          outfit="white_top", scene="treatment_room")
    assert_refused_for_a_leg_drawn_short(clip, tmp_path)
