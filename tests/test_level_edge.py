"""The long level edges of a picture (vision.level): a table top's edge drawn at a known slope."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from vision.level import level_edge_angle


def picture(deg: float) -> np.ndarray:
    """A grey picture with a dark table top (a band 30 px thick, 500 px long) whose edges rise towards the right
    by ``deg``, and a short steep stroke (an arm) in the same rows."""
    img = np.full((480, 640, 3), 200, np.uint8)
    a = np.radians(deg)
    c = np.array([320.0, 300.0])
    u, n = np.array([np.cos(a), -np.sin(a)]), np.array([np.sin(a), np.cos(a)])
    corners = np.array([c - 250 * u, c + 250 * u, c + 250 * u + 30 * n, c - 250 * u + 30 * n])
    cv2.fillPoly(img, [np.round(corners).astype(np.int32)], (60, 70, 80))
    cv2.line(img, (100, 250), (160, 330), (30, 30, 30), 6)
    return img


@pytest.mark.parametrize("deg", [0.0, 4.0, -6.0])
def test_a_table_edge_is_read_at_its_slope(deg):
    angle, length = level_edge_angle(picture(deg), (250.0, 360.0), 200.0)
    assert angle == pytest.approx(deg, abs=0.5) and length >= 400


def test_nothing_long_and_level_in_the_band_reads_nan():
    angle, length = level_edge_angle(picture(0.0), (0.0, 200.0), 200.0)
    assert np.isnan(angle) and length == 0.0
    angle, _ = level_edge_angle(picture(20.0), (200.0, 400.0), 200.0)  # too steep for a table seen level
    assert np.isnan(angle)


def test_a_thomas_test_filmed_with_a_tilted_camera_is_read_against_the_table(tmp_path):
    """Rendered with the camera rolled 5 degrees: the table's edge is found at 5, and the hanging thigh (8
    degrees above the horizontal) is read against it, not 5 degrees off as against the picture's horizontal."""
    from capture.analyze import analyze_file
    from vision.synthetic.camera import Camera
    from vision.synthetic.media_io import write_clip
    from vision.synthetic.movements import thomas_test

    cam = Camera(azimuth=90.0, distance=3.0, height=1.1, target=(-0.35, 0.8, 0.0), width=640, height_px=480, roll=5.0)
    path = tmp_path / "thomas_rolled.mp4"
    write_clip(path, thomas_test("thomas_rolled", camera=cam, seed=40))
    a = analyze_file(path, tmp_path / "out", annotate=False, test="thomas")
    res = a.assessment
    assert res["level"]["reference"] == "table edge" and res["level"]["table_edge_deg"] == pytest.approx(5.0, abs=0.5)
    thigh = res["repetitions"][0]["metrics"]["thigh_above_horizontal"]
    assert thigh["value"] == pytest.approx(8.0, abs=3.0), thigh
    assert any(c["name"] == "camera_level" for c in res["checks"])


def test_edges_inside_the_person_s_box_are_not_counted():
    img = picture(4.0)
    angle, _ = level_edge_angle(img, (0.0, 480.0), 200.0, exclude=(0.0, 0.0, 640.0, 480.0))
    assert np.isnan(angle)
    cv2.line(img, (20, 80), (620, 80), (30, 30, 30), 4)  # a level line above the box around the table
    angle, _ = level_edge_angle(img, (0.0, 480.0), 200.0, exclude=(0.0, 200.0, 640.0, 480.0))
    assert angle == pytest.approx(0.0, abs=0.5)


@pytest.mark.parametrize("roll", [0.0, 5.0])
def test_a_hip_extension_filmed_with_a_tilted_camera_is_warned(roll, tmp_path):
    """The room's level lines beside the person say when the camera is rolled: a hip extension rendered with the
    camera rolled 5 degrees gets a ``camera_level`` warning (before, the thigh's angle moved by the roll with
    nothing to say so); filmed level, the check passes. The warning blocks nothing."""
    from capture.analyze import analyze_file
    from vision.synthetic.camera import Camera
    from vision.synthetic.media_io import write_clip
    from vision.synthetic.movements import hip_extension

    cam = Camera(azimuth=-90.0, distance=3.0, height=1.0, target=(0.0, 0.9, 0.0), width=640, height_px=480,
                 roll=roll)
    path = tmp_path / "hipext.mp4"
    write_clip(path, hip_extension("hipext", reps=2, extension_deg=18.0, camera=cam, seed=31))
    res = analyze_file(path, tmp_path / "out", annotate=False, test="hip_extension").assessment
    assert res["level"]["scene_edge_deg"] == pytest.approx(roll, abs=0.5), res.get("level")
    (level,) = [c for c in res["checks"] if c["name"] == "camera_level"]
    assert level["passed"] is (roll == 0.0) and not level["blocking"]
    assert res["ok"] and res["repetitions"][0]["metrics"]["thigh_behind_vertical"]["value"] is not None
    if roll:
        assert "tilted" in level["reason"] and "level" in level["advice"]
