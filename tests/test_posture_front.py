"""Front/back-view standing metrics: hand-made arrays (front vs back mirror, signs, cm scaling, gating),
then a closed loop through the real MediaPipe model on rendered front and back views."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.posture_front import front_metrics, left_direction

EYE_FRAC = 0.936
FLOOR_Y = 910.0
H_PX = 800.0


def front_figure(view: str = "front", hip_drop_right: float = 0.0, sh_drop_right: float = 0.0,
                 trunk_shift_left: float = 0.0, pelvis_shift_left: float = 0.0, knee_in: float = 0.0,
                 ear_drop_right: float = 0.0, x0: float = 300.0):
    """(33, 2) pixels and (33,) visibility of a figure seen from the front or back.

    Offsets in pixels: ``*_drop_right`` lowers the person's right point (so the left one is higher),
    ``*_shift_left`` moves towards the person's left, ``knee_in`` moves both knees towards the midline.
    """
    d = 1 if view == "front" else -1  # image direction of the person's left
    p = np.full((33, 2), np.nan)
    eye_y = FLOOR_Y - EYE_FRAC * H_PX

    def put(i_left, i_right, half_width, y, shift=0.0, drop_right=0.0, inward=0.0):
        cx = x0 + d * shift
        p[i_left] = (cx + d * (half_width - inward), y)
        p[i_right] = (cx - d * (half_width - inward), y + drop_right)

    put(2, 5, 30, eye_y, trunk_shift_left + pelvis_shift_left)
    put(7, 8, 70, eye_y + 15, trunk_shift_left + pelvis_shift_left, ear_drop_right)
    put(11, 12, 180, 260, trunk_shift_left + pelvis_shift_left, sh_drop_right)
    put(23, 24, 90, 500, pelvis_shift_left, hip_drop_right)
    put(25, 26, 95, 700, 0.0, 0.0, knee_in)
    put(27, 28, 100, 880)
    put(29, 30, 100, FLOOR_Y)
    put(31, 32, 115, FLOOR_Y - 3)
    p[0] = (x0 + d * (trunk_shift_left + pelvis_shift_left), eye_y + 40)
    return p, np.full(33, 0.9)


@pytest.mark.parametrize("view", ["front", "back"])
def test_left_side_higher_is_positive_in_front_and_back(view):
    p, v = front_figure(view, hip_drop_right=18.0, sh_drop_right=-12.0, ear_drop_right=10.0)
    assert left_direction(p) == (1 if view == "front" else -1)
    m = front_metrics(p[None], v[None], view)
    assert m["pelvic_obliquity"].value == pytest.approx(np.degrees(np.arctan2(18, 180)))
    assert m["shoulder_tilt"].value == pytest.approx(-np.degrees(np.arctan2(12, 360)))
    assert m["head_tilt"].value == pytest.approx(np.degrees(np.arctan2(10, 140)))
    assert "left hip higher" in m["pelvic_obliquity"].reading
    assert "right shoulder higher" in m["shoulder_tilt"].reading
    assert "warning" not in m["pelvic_obliquity"].extra


@pytest.mark.parametrize("view", ["front", "back"])
def test_shifts_towards_the_persons_left_are_positive(view):
    p, v = front_figure(view, trunk_shift_left=16.0, pelvis_shift_left=-8.0)
    m = front_metrics(p[None], v[None], view)
    assert m["lateral_trunk_shift"].value == pytest.approx(16 / H_PX * 100)
    assert m["lateral_trunk_shift"].unit == "% height"
    assert m["lateral_pelvic_shift"].value == pytest.approx(-8 / H_PX * 100)
    assert "to your left" in m["lateral_trunk_shift"].reading
    mc = front_metrics(p[None], v[None], view, height_cm=176.0)
    assert mc["lateral_trunk_shift"].unit == "cm"
    assert mc["lateral_trunk_shift"].value == pytest.approx(16 * 0.22)


@pytest.mark.parametrize("view", ["front", "back"])
def test_knee_valgus_positive_varus_negative(view):
    p, v = front_figure(view, knee_in=12.0)  # knees towards the midline
    m = front_metrics(p[None], v[None], view)
    for side in ("left", "right"):
        k = m[f"knee_frontal_{side}"]
        assert k.value > 0 and k.side == side and "valgus" in k.reading
    p, v = front_figure(view, knee_in=-12.0)
    m = front_metrics(p[None], v[None], view)
    assert m["knee_frontal_left"].value < 0 and m["knee_frontal_right"].value < 0
    assert m["knee_frontal_left"].value == pytest.approx(m["knee_frontal_right"].value)


def test_swapped_sides_are_flagged():
    p, v = front_figure("front", hip_drop_right=10.0)
    m = front_metrics(p[None], v[None], "back")  # landmarks say front
    assert "warning" in m["pelvic_obliquity"].extra
    ok = front_metrics(p[None], v[None], "front")
    assert m["pelvic_obliquity"].confidence < ok["pelvic_obliquity"].confidence
    with pytest.raises(ValueError):
        front_metrics(p[None], v[None], "right side")


def test_gating_and_gaps():
    p, v = front_figure("front")
    v[[23, 24]] = 0.1
    m = front_metrics(p[None], v[None], "front")
    assert m["pelvic_obliquity"].value is None and "hips" in m["pelvic_obliquity"].reason
    assert m["lateral_trunk_shift"].value is None
    assert m["shoulder_tilt"].value is not None
    v[[7, 8]] = 0.1  # ears unseen: head tilt falls back to the eyes
    assert front_metrics(p[None], v[None], "front")["head_tilt"].value == pytest.approx(0.0)
    pp = np.stack([p, np.full_like(p, np.nan), p])
    vv = np.tile(np.full(33, 0.9), (3, 1))
    m = front_metrics(pp, vv, "front", frames=np.arange(3))
    assert m["shoulder_tilt"].value == pytest.approx(0.0) and m["shoulder_tilt"].spread == pytest.approx(0.0)
    assert m["shoulder_tilt"].confidence < 0.9  # one of three frames missing


# ---------------------------------------------------------------- closed loop on rendered figures

@pytest.fixture(scope="module")
def closed_loop(closed_loop_poses):
    from analysis.view import body_yaw, view_label
    from vision.synthetic.truth import landmark_array

    rows = []
    for c, truth, r in closed_loop_poses:
        if not c.name.startswith("frontal"):
            continue
        assert r.found, c.name
        label = view_label(float(body_yaw(r.world)))
        view = label if label in ("front", "back") else ("front" if abs(c.shot.camera.azimuth) < 90 else "back")
        m = front_metrics(r.pixels[None], r.visibility[None], view)
        tm = front_metrics(landmark_array(truth)[None], np.ones((1, 33)), view)
        rows.append(dict(name=c.name, truth=truth, label=label, az=c.shot.camera.azimuth, m=m, tm=tm))
    return rows


def _report(name, errs):
    a = np.abs(errs)
    print(f"  {name:24s} median |error| {np.median(a):5.2f}   worst {a.max():5.2f}   mean signed {np.mean(errs):+5.2f}"
          f"   n={len(a)}")
    return float(np.median(a))


def test_closed_loop_view_labels(closed_loop):
    for r in closed_loop:
        assert r["label"] == ("front" if abs(r["az"]) < 90 else "back"), r["name"]


def test_closed_loop_front_back(closed_loop):
    print("\nfront/back closed loop, MediaPipe vs truth:")
    ti = [r["truth"]["angles_image"] for r in closed_loop]
    sh = _report("shoulder_tilt (deg)", np.array([r["m"]["shoulder_tilt"].value for r in closed_loop])
                 - [t["shoulder_tilt"] for t in ti])
    ob_err = np.array([r["m"]["pelvic_obliquity"].value for r in closed_loop]) - [t["pelvic_obliquity"] for t in ti]
    ob = _report("pelvic_obliquity (deg)", ob_err)
    sh_shift = _report("trunk_shift (% height)", np.array(
        [r["m"]["lateral_trunk_shift"].value - r["tm"]["lateral_trunk_shift"].value for r in closed_loop]))
    pel_shift = _report("pelvic_shift (% height)", np.array(
        [r["m"]["lateral_pelvic_shift"].value - r["tm"]["lateral_pelvic_shift"].value for r in closed_loop]))
    kn = _report("knee_frontal (deg)", np.array(
        [r["m"][f"knee_frontal_{s}"].value - r["tm"][f"knee_frontal_{s}"].value for r in closed_loop
         for s in ("left", "right")]))
    print(f"  pelvic obliquity: true {[round(t['pelvic_obliquity'], 1) for t in ti]}  "
          f"read {[round(r['m']['pelvic_obliquity'].value, 1) for r in closed_loop]}")
    assert sh <= 3.0
    assert sh_shift <= 1.0 and pel_shift <= 1.0
    assert kn <= 4.0
    # Known open problem (tests/test_synthetic_closed_loop.py xfail): MediaPipe's hips stay nearly level on
    # the rendered figure, so obliquity is under-read. Reported above; only a gross bound is asserted here.
    assert ob <= 8.0
