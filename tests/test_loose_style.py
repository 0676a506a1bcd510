"""The fourth, held-out figure style (vision.synthetic.loose: wide trousers, a long top, light from behind), and
what it found in the movement tests, through the real pose model (``capture.analyze.analyze_file``)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from analysis.movement.checks import presented_metrics, shank_foreshortened
from analysis.movement.hip_extension import lifted_forward
from analysis.movement.thomas import hang_depth
from analysis.segmentation import Repetition
from vision.synthetic import loose
from vision.synthetic.camera import Camera, Imaging
from vision.synthetic.frames import Renderer
from vision.synthetic.movements import hip_extension, knee_hug_on_floor
from vision.synthetic.render import render_parts

IM = Imaging(blur=0.5, noise=1.5)


def _cam(azimuth: float, **kw) -> Camera:
    return Camera(**{**dict(azimuth=azimuth, distance=3.0, height=1.0, target=(0.0, 0.9, 0.0), width=640,
                            height_px=480, vfov=50.0), **kw})


def _analyze(clip, tmp_path, test: str) -> dict:
    from capture.analyze import analyze_file
    from vision.synthetic.media_io import write_clip

    path = tmp_path / f"{clip.name}.mp4"
    write_clip(path, clip)
    res = analyze_file(path, tmp_path / "out", annotate=False, test=test).assessment
    json.dumps(res)
    return res


def _check(res: dict, name: str) -> dict:
    return next(c for c in res["checks"] if c["name"] == name)


def test_draws_loose_clothes_over_the_hips_and_thighs():
    """Wider legs than the mesh style's on the same skeleton, and a top that hides the hip joints."""
    clip = loose.restyle(hip_extension("loose_test", fps=5.0, reps=1, extension_deg=18.0, seed=1))
    spec = clip.frames[0]
    cam = clip.shot.camera
    img, _, sk = Renderer(replace(clip.shot, imaging=Imaging()), 0).render(spec)
    bg = np.zeros((cam.height_px, cam.width, 3), np.float32)

    def mask(parts):
        return render_parts(parts, cam, bg, 1, mask_names={""})[1] > 0

    from vision.synthetic.figure import figure_parts

    ours, mesh = mask(loose.loose_parts(sk, spec.appearance)), mask(figure_parts(sk, spec.appearance))
    (knee,), _ = cam.project(sk.points["right_knee"][None])
    row = int(round(knee[1])) - 10  # just above the knee: the trouser legs are wider than the thighs
    assert ours[row].sum() > 1.3 * mesh[row].sum()
    (hip,), _ = cam.project(sk.points["right_hip"][None])
    tunic = mask([loose.tunic(sk, spec.appearance)])
    assert tunic[int(round(hip[1])), int(round(hip[0]))]  # the hip joint lies under the top
    assert img[ours].std() > 10


def test_a_leg_kicked_forward_is_not_a_hip_extension_whatever_the_outline_shows(tmp_path):
    """In wide trousers the two legs' outlines merge, and a leg lifted forward moved the merged outline's rear edge:
    three "repetitions of the right thigh moving back" of 12 degrees were measured (and the hip called "within" the
    usual range) while the body points showed the thigh 27-60 degrees forward. Refused now, for the movement: by
    ``lifted_forward`` ("at every peak the body points show a thigh lifted forward"), or, since the rear edge's
    outlying points are left out (session 30) and the outline shows no swing back, "no leg swung back: a thigh moved
    forward"."""
    clip = loose.restyle(hip_extension("lifted_forward", reps=2, extension_deg=-60.0, compensation=0.0, imaging=IM,
                                       seed=18))
    res = _analyze(clip, tmp_path, "hip_extension")
    assert not res["ok"] and not _check(res, "movement")["passed"]
    reason = _check(res, "movement")["reason"]
    assert "lifted forward" in reason or reason.startswith("no leg swung back: a thigh moved forward")
    assert all(m["value"] is None for m in presented_metrics(res))


def test_lifted_forward_tells_a_forward_lift_from_a_swing_back():
    """On exact landmarks of a standing figure: a thigh held 30 degrees forward over a repetition's hold is a lift,
    one 15 degrees back is not, and neither is a hold where one thigh is forward but the other went back (a leg
    swung back whose points the model crossed)."""
    from vision.synthetic.activities import clip_landmarks

    raw = clip_landmarks(hip_extension(reps=1, extension_deg=0.0, fps=10.0))["pixels"].copy()
    rep = Repetition(index=1, side="right", start=2, peak=6, end=10, start_s=0.2, peak_s=0.6, end_s=1.0,
                     peak_value=10.0, rest_value=0.0, amplitude=10.0, hold_start=5, hold_end=7)

    def turn(px, side, deg):
        out = px.copy()
        h, k, a = {"left": (23, 25, 27), "right": (24, 26, 28)}[side]
        c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
        R = np.array([[c, s], [-s, c]])  # facing the picture's right: + turns the knee forward (image x +)
        for j in (k, a):
            out[5:8, j] = (out[5:8, j] - out[5:8, h]) @ R.T + out[5:8, h]
        return out

    from analysis.movement.series import leg_series

    def thighs(px):
        return [leg_series(px, s, 1)["thigh_behind_vertical"] for s in ("left", "right")]

    assert leg_series(turn(raw, "right", 30.0), "right", 1)["thigh_behind_vertical"][6] == pytest.approx(-30, abs=3)
    assert lifted_forward(thighs(turn(raw, "right", 30.0)), rep)
    assert not lifted_forward(thighs(turn(raw, "right", -15.0)), rep)
    assert not lifted_forward(thighs(turn(turn(raw, "right", 30.0), "left", -15.0)), rep)
    assert not lifted_forward(thighs(raw), rep)


def test_a_knee_hugged_lying_on_the_floor_in_a_long_top_is_not_a_thomas_test(tmp_path):
    """The outline's lowest point lay 0.54 trunk lengths below the hips of a person lying on the floor in a long top
    (0.28-0.33 in close clothes; a table's end 0.53-1.34), so a knee hug on the floor passed as a Thomas test. Read
    below the outline under the back instead, the floor lies level with it."""
    clip = loose.restyle(knee_hug_on_floor("hug", hugged="left", other="bent",
                                           camera=_cam(90.0, target=(-0.35, 0.35, 0.0), height=0.9), imaging=IM,
                                           seed=53), outfit="navy_tunic", scene="bedroom")
    res = _analyze(clip, tmp_path, "thomas")
    assert not res["ok"] and "did not hang" in _check(res, "movement")["reason"]
    assert res["hang"]["source"] == "outline" and res["hang"]["depth_trunk_lengths"] < res["hang"]["min"]


def test_hang_depth_is_read_below_the_back():
    """A lying body's outline (a box for the trunk and thighs, the back's lowest edge at y = 200) with and without a
    lower leg hanging 60 pixels below it; hips at x = 300, shoulders at x = 150, hip points 30 pixels above the
    back."""
    p = np.full((1, 33, 2), np.nan)
    p[0, [11, 12]] = [150.0, 170.0]
    p[0, [23, 24]] = [300.0, 170.0]
    flat = np.array([[100, 140], [460, 140], [460, 200], [100, 200]], float)
    hanging = np.array([[100, 140], [460, 140], [460, 260], [440, 260], [440, 200], [100, 200]], float)
    for poly, want in ((flat, 0.0), (hanging, 0.6)):
        closed = np.vstack([poly, poly[:1]])  # points every few pixels along the outline, as vision.contour gives
        ol = np.concatenate([np.linspace(a, b, 20, endpoint=False) for a, b in zip(closed[:-1], closed[1:])])[None]
        depth, src = hang_depth(ol, p, np.array([0]), 100.0)
        assert src == "outline" and depth == pytest.approx(want)


def test_a_foot_drawn_up_the_shin_does_not_set_the_start_posture(tmp_path):
    """Standing on both feet in wide trousers, the pose model put the near foot (ankle, heel and toe) a third of the
    way up the shin in the start frames: "you seem to be standing on one leg at the start", and the hip extension
    was refused. In a side view a lower leg cannot look shorter than its thigh like that; such frames do not vote."""
    clip = loose.restyle(hip_extension("near26", reps=2, side="left", extension_deg=26.0, compensation=1.0,
                                       camera=_cam(90.0), imaging=IM, seed=3),
                         outfit="navy_tunic", scene="window_wall", build="long_legs", pole="right", camera_height=1.2)
    res = _analyze(clip, tmp_path, "hip_extension")
    assert _check(res, "activity")["passed"], _check(res, "activity")["reason"]
    assert res["ok"] and res["side"] == "left" and len(res["repetitions"]) == 2


def test_every_set_up_asks_for_fitted_clothes_with_the_hips_in_view():
    from analysis.protocols import CLOTHES, PROTOCOLS, protocol

    assert all(protocol(k)["person"][-1] == CLOTHES for k in PROTOCOLS)
    assert "long top" in CLOTHES and "fitted" in CLOTHES


def test_shank_foreshortened_flags_only_a_short_lower_leg():
    p = np.zeros((3, 33, 2))
    for h, k, a in ((23, 25, 27), (24, 26, 28)):
        p[:, h], p[:, k], p[:, a] = [0, 0], [0, 100], [0, 190]
    p[1, 27] = [0, 130]  # the left foot drawn up the shin
    p[2, 28] = [90, 100]  # a lower leg across the picture (a knee bent): full length
    assert shank_foreshortened(p).tolist() == [False, True, False]


def test_a_far_legs_swing_named_for_the_near_leg_is_renamed_from_where_the_feet_stood(tmp_path):
    """In wide trousers the pose model named the far (right) leg's swing for the near (left) leg, with nothing in its
    points to show it: the result said "left leg, near the camera" and measured the right thigh's 19-degree swings
    under the left leg's name. The standing foot stood at the peaks where the near foot stood at rest (both readings
    of standing_foot_depth about 0), so it was the near leg that stood and the far one that moved: named so now, with
    the reason, and the leg_side warning asks for the tested leg nearest the camera (the held-out y3 case of
    benchmarks/eval_movement.py)."""
    from vision.synthetic.body import APPEARANCES, BODIES

    clip = loose.restyle(hip_extension("far_leg_loose", fps=25.0, reps=3, side="right", extension_deg=19.0,
                                       compensation=0.28, body=BODIES["average"], appearance=APPEARANCES["red_top"],
                                       camera=_cam(90.0, height=1.06), imaging=IM, seed=903),
                         outfit="grey_joggers", scene="window_wall", pole="left")
    res = _analyze(clip, tmp_path, "hip_extension")
    labels = res["leg_labels"]
    assert labels["near_side"] == "left"
    assert max(labels["standing_foot_depth"]) < 0.05
    assert res["ok"] and res["side"] == "right" and labels["exchanged_for_depth"]
    assert "far from the camera" in res["leg"] and "where the feet stand" in res["leg"]
    side = _check(res, "leg_side")
    assert not side["passed"] and not side["blocking"] and "where the feet stood" in side["reason"]
    assert res["leg_in_doubt"] is None
    # the swings measured are the moving leg's (truth 19 degrees; the first reads low in a long top: see the note)
    peaks = [r["metrics"]["thigh_behind_vertical"]["value"] for r in res["repetitions"]]
    assert len(peaks) == 3 and 14.0 < max(v for v in peaks if v is not None) < 24.0
