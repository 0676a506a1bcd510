"""A person filmed small: found on tiles of the picture and tracked on the part around them (:mod:`vision.zoom`,
:func:`capture.analyze.zoom_person_small`)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from vision.estimator import PoseResult
from vision.zoom import crop_box, crop_frame, tiles, uncrop_result


def test_tiles_cover_the_frame_to_its_edges():
    for w, h in ((960, 540), (640, 480), (480, 854)):
        covered = np.zeros((h, w), bool)
        for x, y, s in tiles(w, h):
            assert 0 <= x and 0 <= y and x + s <= w and y + s <= h
            covered[y:y + s, x:x + s] = True
        assert covered.all()


def test_a_pose_found_on_the_cut_frame_is_mapped_back_exactly():
    """Landmarks, z and the segmentation mask of a pose found on a cut frame land where the same points lie in the
    whole frame (world landmarks unchanged)."""
    w, h = 960, 540
    box = (0.4, 0.3, 0.65, 0.75)
    x0, y0, x1, y1 = crop_box(box, w, h)
    rgb = np.zeros((h, w, 3), np.uint8)
    cut = crop_frame(rgb, box)
    assert cut.shape[:2] == (y1 - y0, x1 - x0)
    rng = np.random.default_rng(0)
    pts = rng.uniform([x0, y0], [x1, y1], (33, 2))  # points in the whole frame's pixels
    lm = np.zeros((33, 3), np.float32)
    lm[:, 0], lm[:, 1] = (pts[:, 0] - x0) / (x1 - x0), (pts[:, 1] - y0) / (y1 - y0)
    lm[:, 2] = 0.1
    mask = np.zeros(cut.shape[:2], np.float32)
    mask[10:30, 20:40] = 1.0
    world = rng.normal(size=(33, 3)).astype(np.float32)
    res = PoseResult(True, lm, np.ones(33, np.float32), world, (cut.shape[1], cut.shape[0]), mask, 1.0)
    back = uncrop_result(res, box, (w, h))
    assert back.image_size == (w, h)
    np.testing.assert_allclose(back.landmarks[:, 0] * w, pts[:, 0], atol=1e-3)
    np.testing.assert_allclose(back.landmarks[:, 1] * h, pts[:, 1], atol=1e-3)
    np.testing.assert_allclose(back.landmarks[:, 2], 0.1 * (x1 - x0) / w, rtol=1e-5)  # z in the frame's width
    np.testing.assert_array_equal(back.world, world)
    assert back.segmentation.shape == (h, w)
    ys, xs = np.nonzero(back.segmentation)
    assert (ys.min(), ys.max(), xs.min(), xs.max()) == (y0 + 10, y0 + 29, x0 + 20, x0 + 39)


def test_a_person_filmed_small_is_found_on_the_part_of_the_picture_around_them(tmp_path):
    """A capsule figure 6 m from a 1280 x 720 camera (a third of the picture's height) doing a standing hip
    extension: the pose model found it in no frame, and the test said only to come closer. Found on tiles of a few
    frames, the clip is tracked again on the part of the picture around the person, and the hip extension is
    measured, the person's small size still said (a warning)."""
    from capture.analyze import analyze_file
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.capsule import restyle
    from vision.synthetic.media_io import write_clip
    from vision.synthetic.movements import hip_extension

    cam = Camera(azimuth=-90.0, distance=6.0, height=1.0, target=(0.0, 0.9, 0.0), width=1280, height_px=720,
                 vfov=50.0)
    clip = restyle(hip_extension("far", fps=10.0, reps=2, extension_deg=18.0, camera=cam,
                                 imaging=Imaging(blur=0.5, noise=1.5), seed=2899),
                   outfit="orange_hoodie", scene="outdoor")
    path = tmp_path / "far.mp4"
    truth = write_clip(path, clip)
    an = analyze_file(path, tmp_path / "out", annotate=False, test="hip_extension")
    assert an.summary["person_fraction"] >= 0.9
    assert an.sequence.model.get("input_crop")
    res = an.assessment
    assert res["ok"] and res["side"] == "right" and len(res["repetitions"]) == 2, res["problems"]
    person = next(c for c in res["checks"] if c["name"] == "person")
    assert "part of the picture around you" in person["reason"]
    size = next(c for c in res["checks"] if c["name"] == "person_size")
    assert not size["passed"] and not size["blocking"]
    for rep in res["repetitions"]:
        true_peak = max(-f["angles_body"]["hip_flexion_right"] for f in truth["frames"]
                        if f["label"] == f"rep {rep['repetition']}")
        assert rep["metrics"]["thigh_behind_vertical"]["value"] == pytest.approx(true_peak, abs=4.0)
    json.dumps(res)


def test_a_photo_of_a_person_small_in_the_picture_is_read_on_the_part_around_them(tmp_path):
    """A side-view photo (1280 x 720) of a capsule figure standing 6 m away: the pose model found nobody in it nor in
    its 8 altered copies (padded, mirrored, scaled down). Its tiles show the person; the standing posture is read on
    the part of the photo around them, the small size still said. A photo of a figure so close that its head and
    feet are cut off is not "found" on tiles as pieces of itself."""
    import cv2

    from capture.analyze import analyze_file
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.capsule import restyle
    from vision.synthetic.media_io import render_clip
    from vision.synthetic.movements import standing

    def photo(distance: float, name: str):
        cam = Camera(azimuth=-90.0, distance=distance, height=1.0, target=(0.0, 0.9, 0.0), width=1280,
                     height_px=720, vfov=50.0)
        clip = restyle(standing(name, duration=0.1, fps=10.0, camera=cam, imaging=Imaging(blur=0.5, noise=1.5),
                                seed=5), outfit="teal_tracksuit", scene="outdoor")
        img, _ = next(render_clip(clip))
        path = tmp_path / f"{name}.png"
        cv2.imwrite(str(path), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        return path

    an = analyze_file(photo(6.0, "far"), tmp_path / "out", annotate=False)
    search = an.summary["person_search"]
    assert search["used"] == "tiles", search
    res = an.assessment
    assert res["ok"], an.problems
    size = next(c for c in res["checks"] if c["name"] == "person_size")
    assert not size["passed"]
    assert any(m["value"] is not None for m in res["metrics"])
    close = analyze_file(photo(1.2, "close"), tmp_path / "out", annotate=False)
    search = close.summary["person_search"]
    assert search["used"] != "tiles" and not next(t for t in search["tried"] if t["name"] == "tiles")["found"]


def test_a_turned_box_maps_back_to_the_same_pixels():
    """A box in a frame turned a quarter either way (:func:`vision.turns.turn_box`) holds the same pixels as the
    box in the frame, and :func:`vision.turns.unturn_box` gives the frame's box back."""
    from vision.turns import turn_box, turn_frame, unturn_box

    rgb = np.random.default_rng(1).integers(0, 255, (32, 64, 3), dtype=np.uint8)
    box = (0.25, 0.5, 0.5, 0.75)  # binary fractions: whole pixels either way
    inside = crop_frame(rgb, box)
    for turn in (1, 3):
        t = turn_box(box, turn)
        np.testing.assert_array_equal(crop_frame(turn_frame(rgb, turn), t), turn_frame(inside, turn))
        np.testing.assert_allclose(unturn_box(t, turn), box)


def test_a_person_lying_small_in_the_picture_is_found_on_turned_tiles(tmp_path):
    """A prone knee bend of a mannequin 6 m from a 1280 x 720 camera: the pose model found the person in no frame,
    as filmed or turned a quarter either way. On tiles of the turned frames it does, and the clip tracked again on
    the part of the picture around them, turned, gives the knee bend."""
    from capture.analyze import analyze_file
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.mannequin import restyle
    from vision.synthetic.media_io import write_clip
    from vision.synthetic.movements import prone_knee_bend

    cam = Camera(azimuth=-88.0, distance=6.0, height=1.0, target=(0.1, 0.85, 0.0), width=1280, height_px=720,
                 vfov=50.0)
    clip = restyle(prone_knee_bend("far_ely", fps=10.0, side="right", max_knee=115.0, camera=cam,
                                   imaging=Imaging(blur=0.5, noise=1.5), seed=2898),
                   outfit="shorts_vest", scene="gym")
    path = tmp_path / "far_ely.mp4"
    write_clip(path, clip)
    an = analyze_file(path, tmp_path / "out", annotate=False, test="ely")
    assert an.summary["person_fraction"] >= 0.9
    assert an.sequence.model.get("input_crop") and an.sequence.model.get("input_turn")
    res = an.assessment
    assert res["ok"] and res["side"] == "right" and len(res["repetitions"]) == 1, res["problems"]
    knee = res["repetitions"][0]["metrics"]["max_knee_flexion"]["value"]
    assert knee == pytest.approx(115.0, abs=8.0)
