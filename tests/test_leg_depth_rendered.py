"""Which leg moved, from where the feet stand: through the real model, a rendered hip extension (the held-out
mannequin style, in shorts) whose moving leg, the near one, the pose model names for the far side is named for
the near side, and its start posture is read with each leg's picture and 3D points together."""

from __future__ import annotations

import pytest

from capture.analyze import analyze_file
from vision.synthetic import mannequin
from vision.synthetic.camera import Camera, Imaging
from vision.synthetic.media_io import write_clip
from vision.synthetic.movements import hip_extension


def test_a_near_leg_the_model_names_for_the_far_side_is_named_near(tmp_path):
    cam = Camera(azimuth=-90.0, distance=3.0, height=1.0, target=(0.0, 0.9, 0.0), width=640, height_px=480, vfov=50.0)
    clip = hip_extension("mq_shorts_right", reps=2, side="right", extension_deg=16.0, camera=cam, seed=80,
                         imaging=Imaging(blur=0.5, noise=1.5))
    path = tmp_path / "mq_shorts_right.mp4"
    write_clip(path, mannequin.restyle(clip, outfit="shorts_vest", scene=list(mannequin.SCENES)[1], pole="left"))
    a = analyze_file(path, tmp_path / "out", annotate=False, test="hip_extension")
    res = a.assessment
    labels = res["leg_labels"]
    # the right leg moved, nearest the camera; the feet read it so from the outline and from the landmarks
    assert res["side"] == "right" == labels["near_side"], labels
    assert labels["exchanged_for_depth"] and min(labels["standing_foot_depth"]) > 0.07, labels
    assert res["ok"], a.problems
    assert res["activity"]["start"].get("standing", 0.0) >= 0.9, res["activity"]  # not partly "sitting"
    assert [c for c in res["checks"] if c["name"] == "leg_side"][0]["passed"]
    for rep in res["repetitions"]:
        assert rep["metrics"]["thigh_behind_vertical"]["value"] == pytest.approx(16.0, abs=4.0), rep["metrics"]
