"""analysis.silhouette profiles and analysis.spine curve depths: hand-made outlines with known curves,
and closed loop on rendered figures (real MediaPipe segmentation)."""

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from analysis.silhouette import trunk_profile
from analysis.norms import norm
from analysis.spine import back_curve, posture_type, spinal_curve
from analysis.view import facing_from_landmarks

L_PX = 200.0  # trunk length of the hand-made figure, pixels
HIP = np.array([300.0, 400.0])


def make_figure(lordosis=0.08, kyphosis=0.03, facing=1, back0=0.25, front=-0.3):
    """A side-view outline whose back edge, in trunk units (posterior +), is ``back0`` minus a sine hollow
    of depth ``lordosis`` over heights 0..0.6 (apex 0.3) plus a sine bump of ``kyphosis`` over 0.6..1.0
    (apex 0.8); straight front edge. Returns (outline (N, 2) pixels, landmarks (33, 2) pixels)."""
    h = np.linspace(-0.5, 1.15, 200)
    b = np.full_like(h, back0)
    lo = (h >= 0) & (h <= 0.6)
    b[lo] -= lordosis * np.sin(np.pi * h[lo] / 0.6)
    up = (h >= 0.6) & (h <= 1.0)
    b[up] += kyphosis * np.sin(np.pi * (h[up] - 0.6) / 0.4)
    post = np.array([-float(facing), 0.0])  # the back is on the side away from the face
    upv = np.array([0.0, -1.0])
    back_pts = HIP + L_PX * (h[:, None] * upv + b[:, None] * post)
    front_pts = HIP + L_PX * (h[::-1, None] * upv + front * post)
    outline = np.vstack([back_pts, front_pts])
    px = np.full((33, 2), np.nan)
    for i in (23, 24):
        px[i] = HIP
    for i in (11, 12):
        px[i] = HIP + L_PX * upv
    for i in (25, 26):
        px[i] = HIP + 0.9 * L_PX * (-upv)
    for i in (27, 28):
        px[i] = HIP + 1.8 * L_PX * (-upv)
    ear = HIP + 1.25 * L_PX * upv
    px[7] = px[8] = ear
    px[0] = ear - 0.12 * L_PX * post  # nose in front of the ear
    for i in (29, 30):
        px[i] = px[27] + 0.05 * L_PX * post
    for i in (31, 32):
        px[i] = px[27] - 0.15 * L_PX * post
    return outline, px


@pytest.mark.parametrize("facing", [1, -1])
def test_facing_from_landmarks(facing):
    _, px = make_figure(facing=facing)
    assert facing_from_landmarks(px) == facing
    px[0] = px[7]  # nose over the ear: the feet still tell
    assert facing_from_landmarks(px) == facing
    px[[29, 30, 31, 32]] = px[27]
    assert facing_from_landmarks(px) == 0


def test_facing_from_landmarks_over_frames_follows_the_majority_and_ignores_unseen_points():
    _, right = make_figure(facing=1)
    _, left = make_figure(facing=-1)
    frames = np.stack([right, right, left])
    assert facing_from_landmarks(frames) == 1
    vis = np.ones((3, 33))
    vis[:2, [0, 29, 30, 31, 32]] = 0.1  # the two right-facing frames' face and feet are doubtful
    assert facing_from_landmarks(frames, vis) == -1
    collapsed = right.copy()
    collapsed[[11, 12]] = collapsed[[23, 24]]  # no trunk length to measure against: no vote
    assert facing_from_landmarks(collapsed) == 0


@pytest.mark.parametrize("facing", [1, -1])
def test_profile_offsets_and_sign(facing):
    outline, px = make_figure(lordosis=0.0, kyphosis=0.0, facing=facing)
    p = trunk_profile(outline, px, facing)
    m = (p.heights > -0.4) & (p.heights < 1.0)
    np.testing.assert_allclose(p.back[m], 0.25, atol=2e-3)  # posterior = +
    np.testing.assert_allclose(p.front[m], -0.3, atol=2e-3)
    np.testing.assert_allclose(p.back_px[m], 0.25 * L_PX, atol=0.5)
    assert np.isnan(p.back[p.heights < -0.55]).all()  # below the outline: gaps, not zeros
    # to_pixels inverts the frame
    q = p.to_pixels(0.5, 0.25)
    assert q[0] == pytest.approx(HIP[0] - facing * 0.25 * L_PX) and q[1] == pytest.approx(HIP[1] - 0.5 * L_PX)


@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize("depth", [0.0, 0.05, 0.10])
def test_known_lordosis_and_kyphosis_depths(depth, facing):
    outline, px = make_figure(lordosis=depth, kyphosis=0.03, facing=facing)
    c = spinal_curve(trunk_profile(outline, px, facing), px)
    assert c.lordosis.kind == "estimate" and c.lordosis.unit == "% trunk length"
    assert c.lordosis.value == pytest.approx(100 * depth, abs=0.3)
    if depth > 0:
        assert c.lordosis.extra["apex_height"] == pytest.approx(0.3, abs=0.03)
    # kyphosis: bulge above the chord from the lumbar apex to the back at shoulder level, computed here
    # densely from the analytic back edge
    hh = np.linspace(0, 1, 2001)
    off = np.where(hh <= 0.6, -depth * np.sin(np.pi * hh / 0.6), 0.03 * np.sin(np.pi * (hh - 0.6) / 0.4))
    h0 = hh[np.argmin(off)] if depth > 0 else c.lordosis.extra["apex_height"]
    o0 = np.interp(h0, hh, off)
    up = off - (o0 + (0 - o0) * (hh - h0) / (1 - h0))
    win = (hh > max(h0, 0.3)) & (hh <= 0.95)
    assert c.kyphosis.value == pytest.approx(100 * up[win].max(), abs=0.3)
    assert c.kyphosis.value >= 3.0 - 0.3  # never less than the bump itself
    if depth == 0:
        assert c.kyphosis.extra["apex_height"] == pytest.approx(0.8, abs=0.03)
    # the curve is the back edge minus its hip-to-shoulder chord
    hs, off = back_curve(trunk_profile(outline, px, facing))
    assert off[0] == pytest.approx(0.0, abs=1e-3) and off[-1] == pytest.approx(0.0, abs=1e-3)
    assert np.nanmin(off) == pytest.approx(-depth, abs=3e-3)


def test_posture_type_rules():
    assert posture_type(20.0, 6.0)[0] == "kypho-lordotic"
    assert posture_type(1.0, 0.5)[0] == "flat back"
    assert posture_type(8.0, 1.0)[0] == "neutral"
    # a deep hollow alone is not kypho-lordotic, and never "neutral" above its usual range (lordotic posture)
    t, why, _ = posture_type(20.0, 0.0)
    assert t == "lordotic" and "neutral" not in why and "above" in why
    for depth in np.arange(0.0, 30.0, 0.5):  # the reading agrees with the usual range of the hollow's depth
        t, why, _ = posture_type(float(depth), 2.0)
        inside = norm("lumbar_lordosis_depth").status(float(depth)) == "within"
        assert (t == "neutral") == inside, (depth, t)
    t, why, _ = posture_type(8.0, 9.0)
    assert t == "neutral" and "rounder than usual" in why  # the upper back above its range is said
    assert posture_type(None, 3.0)[0] == "unknown"
    t, why, _ = posture_type(1.0, 0.5)
    assert "not a diagnosis" in why and "1.0%" in why
    # sway back: hips forward of the ankles, shoulders behind the hips (facing image right)
    _, px = make_figure(facing=1)
    px[[23, 24], 0] += 0.25 * L_PX
    px[[11, 12], 0] += 0.15 * L_PX  # shoulders still behind the shifted hips
    assert posture_type(8.0, 1.0, px, 1)[0] == "sway back"
    assert posture_type(8.0, 1.0, px, -1)[0] != "sway back"  # the same picture facing the other way is not


def test_no_profile_gives_reasons():
    c = spinal_curve(None, reason="no outline")
    assert c.lordosis.value is None and c.lordosis.reason == "no outline" and c.posture_type == "unknown"


# ---------------------------------------------------------------------------------------------------
# closed loop on the renderer
# ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rendered_curves():
    pytest.importorskip("vision.estimator")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from dataclasses import replace

    from tilt_renders import observe, tilt_cases

    # two people and cameras; for each, only the lordosis changes (same tilt, body, clothes, camera)
    base = tilt_cases(2, seed=4242, tilts=[10.0, 10.0], kyphoses=[38.0, 38.0])
    cases = [replace(c, spec=replace(c.spec, posture=c.spec.posture.replace(lumbar_lordosis=lo)),
                     name=f"{c.name}_lord{lo:.0f}")
             for c in base for lo in (20.0, 40.0, 60.0, 78.0)]
    extremes = tilt_cases(2, seed=4243, tilts=[-2.0, 24.0], lordoses=[15.0, 78.0], kyphoses=[22.0, 60.0])
    out = []
    for rec in (observe(cases), observe(extremes)):
        cs = []
        for i in range(len(rec["tilt"])):
            px = rec["px"][i].astype(float)
            prof = trunk_profile(rec["outline"][i], px, facing_from_landmarks(px))
            cs.append(spinal_curve(prof, px))
        out.append((rec, cs))
    return out


def test_rendered_lordosis_depth_increases_with_lordosis(rendered_curves):
    rec, cs = rendered_curves[0]
    depth = np.array([c.lordosis.value for c in cs])
    rho = stats.spearmanr(rec["lordosis_param"], depth).statistic
    print(f"\nlordosis param {rec['lordosis_param']} -> depth % {np.round(depth, 1)}  pooled rho {rho:.2f}")
    for person in (depth[:4], depth[4:]):  # within one person and camera the order should hold
        assert stats.spearmanr([20, 40, 60, 78], person).statistic >= 0.8
    lo = depth[rec["lordosis_param"] <= 20].mean()
    hi = depth[rec["lordosis_param"] >= 78].mean()
    assert hi > lo + 3.0


def test_rendered_extremes_posture_type(rendered_curves):
    rec, cs = rendered_curves[1]
    flat, kl = cs
    print(f"\nflat render: {flat.posture_type} ({flat.posture_reason})\nkypho-lordotic render: {kl.posture_type} "
          f"({kl.posture_reason})")
    assert flat.posture_type == "flat back"
    assert kl.posture_type == "kypho-lordotic"
