"""vision.contour.person_outline: fixed-size outline from a segmentation mask, in original-frame pixels."""

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from vision.contour import empty_outline, outline_from_result, person_outline  # noqa: E402


def _ellipse_mask(h=200, w=160, cx=80.0, cy=100.0, ax=30.0, ay=70.0):
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    return (((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2 <= 1.0).astype(np.float32), (cx, cy, ax, ay)


def _shoelace(p):
    x, y = p[:, 0].astype(float), p[:, 1].astype(float)
    return 0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)


def test_ellipse_outline_shape_order_and_position():
    mask, (cx, cy, ax, ay) = _ellipse_mask()
    o = person_outline(mask, n_points=128)
    assert o.shape == (128, 2) and o.dtype == np.float32
    # on the ellipse boundary to within about a pixel
    r = np.sqrt(((o[:, 0] - cx) / ax) ** 2 + ((o[:, 1] - cy) / ay) ** 2)
    assert np.all(np.abs(r - 1.0) < 1.5 / min(ax, ay))
    # starts at the topmost point, runs clockwise on screen, evenly spaced
    assert o[0, 1] == pytest.approx(o[:, 1].min(), abs=1e-4)
    assert _shoelace(o) > 0
    assert o[1, 0] >= o[-1, 0]  # from the top it first heads to the image right
    step = np.hypot(*np.diff(np.vstack([o, o[:1]]), axis=0).T)
    assert step.std() / step.mean() < 0.05
    # area close to the ellipse's
    assert abs(_shoelace(o)) == pytest.approx(np.pi * ax * ay, rel=0.05)


def test_mask_scale_maps_to_original_pixels():
    mask, (cx, cy, ax, ay) = _ellipse_mask()
    o1 = person_outline(mask, mask_scale=1.0)
    o2 = person_outline(mask, mask_scale=0.5)  # mask half the size of the original frame
    np.testing.assert_allclose(o2, 2.0 * o1, atol=1e-3)


def test_largest_blob_and_empty_mask():
    mask = np.zeros((100, 100), np.float32)
    assert person_outline(mask) is None
    assert person_outline(None) is None
    mask[10:20, 10:20] = 0.9  # small blob
    mask[30:90, 50:80] = 0.8  # person
    o = person_outline(mask, n_points=64)
    assert o[:, 0].min() > 49 and o[:, 1].min() > 29
    assert person_outline(mask, threshold=0.85) is not None  # only the small blob left (area 1% > 0.2%)
    assert person_outline(mask, threshold=0.95) is None
    assert np.isnan(empty_outline(16)).all() and empty_outline(16).shape == (16, 2)


def test_blob_touching_the_border_gives_a_closed_outline():
    mask = np.zeros((60, 60), np.float32)
    mask[0:60, 20:40] = 1.0
    o = person_outline(mask, n_points=100)
    assert o[:, 1].min() == pytest.approx(0.5) and o[:, 1].max() == pytest.approx(59.5)
    assert abs(_shoelace(o)) == pytest.approx(19 * 59, rel=0.05)


def test_rendered_person_outline_contains_the_body():
    est_mod = pytest.importorskip("vision.estimator")
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.frames import FrameSpec, Shot, render_frame

    img, truth = render_frame(FrameSpec(), Shot(Camera(azimuth=-90.0, width=640, height_px=480),
                                                imaging=Imaging(blur=0.7, noise=2.0)), seed=3)
    with est_mod.PoseEstimator(static=True, segmentation=True, max_side=320) as est:
        res = est.process(img)  # frame scaled down for the model: the mask is at half size
    assert res.found and res.mask_scale == pytest.approx(0.5)
    o = outline_from_result(res)
    assert o.shape == (256, 2)
    poly = o.astype(np.float32).reshape(-1, 1, 2)
    for name in ("right_hip", "right_shoulder", "right_knee"):
        x, y = truth["landmarks_px"][name]
        assert cv2.pointPolygonTest(poly, (float(x), float(y)), False) > 0, name
    # the outline spans the figure's height: top near the head, bottom near the feet
    head_y = truth["landmarks_px"]["nose"][1]
    heel_y = truth["landmarks_px"]["right_heel"][1]
    assert o[:, 1].min() < head_y and o[:, 1].max() > heel_y
