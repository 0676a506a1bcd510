"""Unit tests of analysis.geometry: values, signs, broadcasting and NaN propagation."""

import numpy as np
import pytest

from analysis import geometry as geo


def test_angle_at_right_angle_and_straight():
    assert geo.angle_at([0, 1], [0, 0], [1, 0]) == pytest.approx(90.0)
    assert geo.angle_at([0, -1], [0, 0], [0, 1]) == pytest.approx(180.0)
    assert geo.angle_at([1, 0, 0], [0, 0, 0], [1, 1, 0]) == pytest.approx(45.0)


def test_angle_at_vectorised_and_nan():
    a = np.array([[[0, 1], [1, 1]], [[np.nan, 0], [0, 1]]], dtype=float)
    b = np.zeros((2, 2, 2))
    c = np.array([1.0, 0.0])
    out = geo.angle_at(a, b, c)
    assert out.shape == (2, 2)
    assert out[0, 0] == pytest.approx(90) and out[0, 1] == pytest.approx(45)
    assert np.isnan(out[1, 0]) and out[1, 1] == pytest.approx(90)
    assert np.isnan(geo.angle_at([0, 0], [0, 0], [1, 0]))  # zero-length ray


def test_inclination_to_vertical_signs_image_coordinates():
    # upper point above and to the right (y down): positive
    assert geo.inclination_to_vertical([0, 100], [10, 90]) == pytest.approx(45.0)
    assert geo.inclination_to_vertical([0, 100], [-10, 90]) == pytest.approx(-45.0)
    assert geo.inclination_to_vertical([0, 100], [0, 50]) == pytest.approx(0.0)


def test_angle_below_horizontal_direction_independent():
    assert geo.angle_below_horizontal([0, 0], [10, 10]) == pytest.approx(45.0)
    assert geo.angle_below_horizontal([0, 0], [-10, 10]) == pytest.approx(45.0)
    assert geo.angle_below_horizontal([0, 0], [-10, -10]) == pytest.approx(-45.0)


def test_elevation_angle_and_line_angle():
    left_hip, right_hip = np.array([120.0, 200.0]), np.array([80.0, 204.0])  # left higher (smaller y)
    assert geo.elevation_angle(left_hip, right_hip) == pytest.approx(np.degrees(np.arctan2(4, 40)))
    assert geo.elevation_angle(right_hip, left_hip) == pytest.approx(-np.degrees(np.arctan2(4, 40)))
    assert geo.line_angle_to_horizontal([0, 0], [10, -10]) == pytest.approx(45.0)
    assert geo.line_angle_to_horizontal([10, -10], [0, 0]) == pytest.approx(45.0)
    assert geo.line_angle_to_horizontal([0, 0], [0, 10]) == pytest.approx(90.0)


def test_signed_angle_2d_screen_orientation():
    down, right = np.array([0.0, 1.0]), np.array([1.0, 0.0])
    # on screen, turning from "down" to "right" is counter-clockwise
    assert geo.signed_angle_2d(down, right) == pytest.approx(90.0)
    assert geo.signed_angle_2d(down, right, y_down=False) == pytest.approx(-90.0)
    assert np.isnan(geo.signed_angle_2d([0, 0], right))


def test_wrap_degrees():
    np.testing.assert_allclose(geo.wrap_degrees([190, -190, 180, -180, 540]), [-170, 170, 180, 180, 180])
