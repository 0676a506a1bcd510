"""Side-view standing metrics: hand-made landmark arrays with known geometry (signs for left- and
right-facing people, cm scaling, visibility gating, spread), then a closed loop through the real
MediaPipe model on rendered figures against the renderer's truth."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.posture_side import facing_to_sign, near_side, side_metrics
from analysis.quality import stature_px

EYE_FRAC = 0.936
FLOOR_Y = 910.0
H_PX = 800.0  # stature in pixels of the hand-made figure


def side_figure(facing: int = 1, lean_px: float = 0.0, knee_fwd: float = 0.0, ear_fwd: float = 20.0,
                hip_fwd: float = 0.0, x0: float = 400.0) -> tuple[np.ndarray, np.ndarray]:
    """(33, 2) pixels and (33,) visibility of a side-on figure; ``*_fwd`` in pixels towards where it faces.

    The near side (right when facing image right, left when facing image left) is fully visible, the far
    side at visibility 0.3 (masked). Positions are mirrored for a left-facing figure.
    """
    f = facing
    p = np.full((33, 2), np.nan)
    eye_y = FLOOR_Y - EYE_FRAC * H_PX
    pts = {  # (forward px, y)
        "ear": (ear_fwd + lean_px, eye_y + 10), "shoulder": (lean_px, 260.0), "hip": (hip_fwd, 500.0),
        "knee": (knee_fwd, 700.0), "ankle": (0.0, 880.0), "heel": (-25.0, FLOOR_Y), "toe": (120.0, FLOOR_Y - 2),
        "eye": (ear_fwd + lean_px + 40, eye_y),
    }
    idx = {"left": {"ear": 7, "shoulder": 11, "hip": 23, "knee": 25, "ankle": 27, "heel": 29, "toe": 31, "eye": 2},
           "right": {"ear": 8, "shoulder": 12, "hip": 24, "knee": 26, "ankle": 28, "heel": 30, "toe": 32, "eye": 5}}
    vis = np.full(33, 0.3)
    near = "right" if f > 0 else "left"
    for side in ("left", "right"):
        for k, (fwd, y) in pts.items():
            p[idx[side][k]] = (x0 + f * fwd, y)
            if side == near:
                vis[idx[side][k]] = 0.95
    p[0] = (x0 + f * (ear_fwd + lean_px + 70), eye_y + 30)  # nose
    vis[0] = 0.95
    return p, vis


@pytest.mark.parametrize("facing", [1, -1])
def test_signs_same_for_left_and_right_facing(facing):
    # shoulders 30 px ahead over 240 px of trunk -> atan(30/240) forward
    p, v = side_figure(facing, lean_px=30.0, knee_fwd=12.0, ear_fwd=24.0)
    m = side_metrics(p[None], v[None], facing)
    assert m["trunk_inclination"].value == pytest.approx(np.degrees(np.arctan2(30, 240)), abs=1e-6)
    assert m["knee_flexion"].value > 0 and m["knee_flexion"].side == ("right" if facing > 0 else "left")
    assert m["head_forward"].value == pytest.approx(24.0 / H_PX * 100, rel=1e-6)
    assert m["head_forward"].unit == "% height"
    assert m["plumb_ear"].value == pytest.approx((24 + 30) / H_PX * 100, rel=1e-6)
    assert m["plumb_knee"].value == pytest.approx(12 / H_PX * 100, rel=1e-6)
    # ear straight above the shoulder would be 90; ahead of it -> under 90
    assert m["craniovertebral_proxy"].value == pytest.approx(np.degrees(np.arctan2(260 - (FLOOR_Y - EYE_FRAC * H_PX + 10), 24)))
    assert m["craniovertebral_proxy"].value < 90
    for k in ("trunk_inclination", "knee_flexion", "head_forward"):
        assert m[k].kind == "measurement" and m[k].spread is None and m[k].reading


def test_leaning_back_and_hyperextended_knee_are_negative():
    for facing in (1, -1):
        p, v = side_figure(facing, lean_px=-20.0, knee_fwd=-10.0, ear_fwd=-8.0)
        m = side_metrics(p[None], v[None], facing)
        assert m["trunk_inclination"].value < 0
        assert m["head_forward"].value < 0
        k = m["knee_flexion"]
        # knee 10 px behind the hip-ankle line, 200/180 px from hip/ankle
        want = -(np.degrees(np.arctan2(10, 200)) + np.degrees(np.arctan2(10, 180)))
        assert k.value == pytest.approx(want, abs=1e-6)
        assert "hyperextended" in k.reading
        assert k.extra["hip_knee_ankle_deg"] == pytest.approx(180 - abs(want))
        assert k.status == "within" if k.value >= -5 else "below"


def test_strong_hyperextension_is_below_the_recurvatum_bound():
    p, v = side_figure(1, knee_fwd=-30.0)
    k = side_metrics(p[None], v[None], "image_right")["knee_flexion"]
    assert k.value < -5 and k.status == "below" and k.norm.low == -5


def test_centimetres_when_height_is_given():
    p, v = side_figure(-1, hip_fwd=16.0, ear_fwd=40.0)
    assert stature_px(p) == pytest.approx(H_PX)
    m = side_metrics(p[None], v[None], "left side", height_cm=160.0)  # 0.2 cm per pixel
    assert m["plumb_hip"].unit == "cm" and m["plumb_hip"].value == pytest.approx(16 * 0.2)
    assert m["head_forward"].value == pytest.approx(40 * 0.2)
    assert m["plumb_hip"].norm.unit == "cm"
    assert m["plumb_hip"].norm.high == pytest.approx(round(4.0 * 1.6, 1))  # 4 % height -> cm


def test_visibility_gating_gives_reasons_not_numbers():
    p, v = side_figure(1)
    v[26] = 0.2  # the near (right) knee is not seen
    m = side_metrics(p[None], v[None], 1)
    assert m["knee_flexion"].value is None and "knee" in m["knee_flexion"].reason
    assert m["hip_angle"].value is None and m["plumb_knee"].value is None
    assert m["trunk_inclination"].value is not None and m["plumb_hip"].value is not None
    full = side_metrics(p[None], np.where(np.arange(33) == 26, 0.9, v)[None], 1)
    v[[27, 28, 29, 30, 31, 32]] = 0.1  # feet unseen: no plumb line, height from the torso instead
    m = side_metrics(p[None], v[None], 1)
    assert m["plumb_hip"].value is None and "ankle" in m["plumb_hip"].reason
    assert m["head_forward"].value == pytest.approx(full["head_forward"].value, rel=0.15)
    assert "hip-to-shoulder length" in m["head_forward"].definition
    p2 = np.full_like(p, np.nan)  # a gap frame: nothing at all, no exception
    m = side_metrics(p2[None], v[None], 1)
    assert all(x.value is None and x.reason for x in m.values())


def test_near_side_follows_visibility_then_facing():
    p, v = side_figure(1)
    assert near_side(v[None], 1) == "right"
    v2 = np.full(33, 0.9)
    assert near_side(v2[None], 1) == "right" and near_side(v2[None], -1) == "left"
    v2[[7, 11, 23, 25, 27]] = 0.99
    v2[[8, 12, 24, 26, 28]] = 0.6
    assert near_side(v2[None], 1) == "left"
    with pytest.raises(ValueError):
        facing_to_sign(0)
    with pytest.raises(ValueError):
        facing_to_sign("front")


def test_clip_value_is_window_median_with_spread():
    rng = np.random.default_rng(1)
    frames = []
    leans = rng.normal(0, 4.0, 40)
    for lean in leans:
        p, v = side_figure(1, lean_px=20.0 + lean)
        frames.append(p)
    px = np.stack(frames)
    vis = np.tile(v, (len(px), 1))
    window = np.arange(10, 30)
    m = side_metrics(px, vis, 1, frames=window)  # no timestamps: no smoothing
    per = np.degrees(np.arctan2(20.0 + leans, 240))
    assert m["trunk_inclination"].value == pytest.approx(np.median(per[window]))
    assert m["trunk_inclination"].spread == pytest.approx(np.std(per[window], ddof=1))
    assert 0 < m["trunk_inclination"].confidence <= 1
    # view confidence lowers confidence
    m2 = side_metrics(px, vis, 1, frames=window, view_confidence=0.5)
    assert m2["trunk_inclination"].confidence == pytest.approx(0.5 * m["trunk_inclination"].confidence)
    # smoothing over a clip reduces the spread of frame-to-frame jitter
    m3 = side_metrics(px, vis, 1, frames=window, timestamps=np.arange(len(px)) / 30.0)
    assert m3["trunk_inclination"].spread < m["trunk_inclination"].spread


# ---------------------------------------------------------------- closed loop on rendered figures

STANDING = ("neutral", "anterior_tilt", "round_back", "flat_back", "asymmetric")
MEDIAN_TOL_DEG = 3.0
MEDIAN_TOL_PCT = 1.2  # plumb offsets, % of height (about 2 cm)


@pytest.fixture(scope="module")
def closed_loop(closed_loop_poses):
    from analysis.view import body_yaw, facing_sign, view_label
    from vision.synthetic.truth import landmark_array

    rows = []
    for c, truth, r in closed_loop_poses:
        if not c.name.startswith("side"):
            continue
        assert r.found, c.name
        yaw = float(body_yaw(r.world))
        facing = facing_sign(yaw)
        height_cm = c.spec.body.height * 100
        m = side_metrics(r.pixels[None], r.visibility[None], facing, height_cm=height_cm)
        tm = side_metrics(landmark_array(truth)[None], np.ones((1, 33)), facing)  # true points, same maths
        mp_pct = side_metrics(r.pixels[None], r.visibility[None], facing)
        rows.append(dict(name=c.name, truth=truth, yaw=yaw, label=view_label(yaw), facing=facing, m=m, tm=tm,
                         pct=mp_pct, post=c.name.split("_", 3)[-1]))
    return rows


def _report(name, errs):
    a = np.abs(errs)
    print(f"  {name:28s} median |error| {np.median(a):5.2f}   worst {a.max():5.2f}   mean signed {np.mean(errs):+5.2f}"
          f"   n={len(a)}")
    return np.median(a)


def test_closed_loop_view_and_facing(closed_loop):
    for r in closed_loop:
        want = {"image_right": 1, "image_left": -1}[r["truth"]["facing"]]
        assert r["facing"] == want, (r["name"], r["yaw"])
        assert r["label"] in ("right side", "left side")


def test_closed_loop_angles(closed_loop):
    errs = {"trunk_inclination": [], "hip_angle": [], "knee_angle": []}
    for r in closed_loop:
        ti, m = r["truth"]["angles_image"], r["m"]
        side = m["hip_angle"].side
        errs["trunk_inclination"].append(m["trunk_inclination"].value - ti["trunk_inclination"])
        errs["hip_angle"].append(m["hip_angle"].value - ti[f"hip_angle_{side}"])
        errs["knee_angle"].append(m["knee_flexion"].extra["hip_knee_ankle_deg"] - ti[f"knee_angle_{side}"])
    print("\nside-view closed loop (deg), MediaPipe vs truth angles_image:")
    med = {k: _report(k, np.array(v)) for k, v in errs.items()}
    for k, v in med.items():
        assert v <= MEDIAN_TOL_DEG, f"{k}: median |error| {v:.2f} deg"


def test_closed_loop_knee_sign(closed_loop):
    # clearly bent knees (>= 15 deg true flexion on the near side) must read as flexed, not hyperextended
    n = 0
    for r in closed_loop:
        side = r["m"]["knee_flexion"].side
        true_flex = r["truth"]["angles_body"][f"knee_flexion_{side}"]
        if true_flex >= 15:
            n += 1
            assert r["m"]["knee_flexion"].value > 5, r["name"]
    assert n >= 4


def test_closed_loop_plumb_offsets(closed_loop):
    rows = [r for r in closed_loop if r["post"] in STANDING]
    assert len(rows) >= 8
    print("\nside-view closed loop, standing figures, plumb offsets:")
    meds = {}
    for part in ("ear", "shoulder", "hip", "knee"):
        # % height: MediaPipe landmarks vs the renderer's true joint points through the same maths
        e = np.array([r["pct"][f"plumb_{part}"].value - r["tm"][f"plumb_{part}"].value for r in rows])
        meds[part] = _report(f"plumb_{part} (% height)", e)
    # cm with the height given vs the true horizontal offset in the world (forward = world +x). This
    # includes what a 2D picture cannot undo: the grid's camera roll (up to 3 deg, ~1.7 cm per degree
    # per metre of height above the ankle) and perspective, so only a gross check (scale, sign) is asserted.
    cm_meds = []
    for part in ("shoulder", "hip", "knee"):
        e = []
        for r in rows:
            side = r["m"][f"plumb_{part}"].side
            w = r["truth"]["landmarks_world_m"]
            true_cm = (w[f"{side}_{part}"][0] - w[f"{side}_ankle"][0]) * 100
            e.append(r["m"][f"plumb_{part}"].value - true_cm)
        cm_meds.append(_report(f"plumb_{part} (cm vs 3D truth)", np.array(e)))
    assert max(cm_meds) <= 5.0, f"plumb offsets in cm: median |error| up to {max(cm_meds):.2f} cm"
    e = np.array([r["m"]["head_forward"].value - r["truth"]["angles_body"]["head_forward_cm"] for r in rows])
    _report("head_forward (cm vs 3D truth)", e)
    # MediaPipe's shoulder sits ~1.6% of height (~3 cm) ahead of the renderer's shoulder joint centre and
    # its ear ~2.4% ahead of the renderer's ear point: landmark definitions differ. Hip and knee must agree.
    for part in ("hip", "knee"):
        assert meds[part] <= MEDIAN_TOL_PCT, f"plumb_{part}: median |error| {meds[part]:.2f} % height"
