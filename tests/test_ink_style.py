"""The fifth, held-out figure style (vision.synthetic.ink: a flat-coloured cartoon with ink outlines), and a hip
extension, a lunge and a prone knee bend drawn in it through the real pose model (``capture.analyze.analyze_file``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from style_support import analyze_with_truth
from vision.synthetic import ink
from vision.synthetic.camera import Camera, Imaging
from vision.synthetic.frames import Renderer
from vision.synthetic.movements import hip_extension
from vision.synthetic.render import render_parts


def _cam(azimuth: float, **kw) -> Camera:
    return Camera(**{**dict(azimuth=azimuth, distance=3.0, height=1.0, target=(0.0, 0.9, 0.0), width=640,
                            height_px=480, vfov=50.0), **kw})


def _values(res: dict, key: str) -> list:
    return [r["metrics"][key]["value"] for r in res.get("repetitions") or []]


def _no_wrong_number(res: dict, key: str, peak: float) -> None:
    """Each repetition's ``key`` within the issue's 5 degrees of the true ``peak``, or not measured; a lower bound
    never more than 3 above it."""
    for r in res.get("repetitions") or []:
        m = r["metrics"][key]
        bound = (m.get("extra") or {}).get("at_least_deg")
        assert m["value"] is None or abs(m["value"] - peak) <= 5.0, (m["value"], peak)
        assert bound is None or bound <= peak + 3.0, (bound, peak)


def test_draws_flat_colours_inside_ink_lines_on_the_mesh_figures_skeleton():
    """One colour per garment (no shading), a dark line all round the silhouette, and the same joints (so the same
    truth) as the mesh style's figure."""
    base = hip_extension("ink_test", fps=5.0, reps=1, extension_deg=18.0, seed=1)
    clip = ink.restyle(base, outfit="hero", scene="pastel")
    spec = clip.frames[0]
    cam = clip.shot.camera
    img, truth, sk = Renderer(replace(clip.shot, imaging=Imaging()), 0).render(spec)
    _, mesh_truth, _ = Renderer(base.shot, 0).render(base.frames[0])
    assert truth["landmarks_px"] == mesh_truth["landmarks_px"]
    parts = ink.ink_parts(sk, spec.appearance)
    bg = np.zeros((cam.height_px, cam.width, 3), np.float32)
    top = render_parts([p for p in parts if p.name == "torso"], cam, bg, 1, mask_names={"torso"})[1] > 0
    body = render_parts(parts, cam, bg, 1, mask_names={""})[1] > 0
    import cv2

    inner = cv2.erode(top.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    assert inner.sum() > 500
    # flat: the trunk's inside shows its garments' own colours (a shaded render spreads each over tens of levels),
    # but where an arm or an ink line crosses it
    app = ink.OUTFITS["hero"]
    own = np.array([app.shirt, app.trousers, app.skin], float)

    def flat(picture):
        gap = np.abs(picture[inner].astype(float)[:, None, :] - own[None]).max(axis=2).min(axis=1)
        return (gap < 4.0).mean()

    shaded, _, _ = Renderer(replace(base.shot, imaging=Imaging()), 0).render(replace(base.frames[0],
                                                                                     appearance=app))
    assert flat(img) > 0.75 and flat(shaded) < 0.3, (flat(img), flat(shaded))
    ring = (cv2.dilate(body.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~(
        cv2.erode(body.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    dark = [(picture[ring].astype(float).max(axis=1) < 90).mean() for picture in (img, shaded)]
    assert dark[0] > 0.7 and dark[1] < 0.3, dark  # inked all round


def test_two_swings_of_the_near_leg_in_a_cartoon_are_both_measured(tmp_path):
    """The issue's clip, redrawn as a cartoon: two repetitions of the near (right) leg, 18 and 12 degrees. Both are
    found, on the right leg, and each peak is read within the issue's 5 degrees of the truth (the same definition on
    the renderer's true landmarks)."""
    clip = ink.restyle(hip_extension("ink_two_swings", fps=25.0, reps=2, side="right", extension_degs=(18.0, 12.0),
                                     compensation=0.2, camera=_cam(-90.0), seed=31), outfit="cartoon_kid",
                       scene="pastel")
    res, ref = analyze_with_truth(clip, tmp_path, "hip_extension", "right")
    assert res["ok"], [c["reason"] for c in res["checks"] if not c["passed"]]
    assert res["side"] == "right" and "near the camera" in res["leg"]
    want, got = _values(ref, "thigh_behind_vertical"), _values(res, "thigh_behind_vertical")
    assert len(want) == len(got) == 2
    assert all(g is not None and abs(g - w) <= 5.0 for g, w in zip(got, want)), (got, want)


def test_a_lunge_whose_outline_filled_the_floor_behind_the_thigh_gives_no_wrong_number(tmp_path):
    """The held-out lunge z3 of benchmarks/eval_movement.py drawn as a cartoon (green suit): the body outline filled
    the floor between the back thigh and its lower leg, and the lunge read "at least 47.9 degrees" for a true 25 (and
    other such clips 38-42 as values). Each repetition's thigh is now within the issue's 5 degrees of the truth, or not
    measured, and never bounded above the truth."""
    from vision.synthetic.body import APPEARANCES, BODIES
    from vision.synthetic.movements import kneeling_lunge

    clip = ink.restyle(kneeling_lunge("ink_lunge_z3", fps=25.0, body=BODIES["short_heavy"],
                                      appearance=APPEARANCES["blue_shirt"],
                                      camera=_cam(87.0, target=(0.1, 0.6, 0.0), height=0.98),
                                      imaging=Imaging(blur=0.5, noise=1.5), seed=1103),
                       outfit="green_suit", scene="pastel", build="stocky")
    res, ref = analyze_with_truth(clip, tmp_path, "lunge", "left")
    peak = max(_values(ref, "thigh_behind_vertical"))
    assert 20.0 < peak < 30.0
    _no_wrong_number(res, "thigh_behind_vertical", peak)


def test_a_knee_bend_whose_top_the_outline_lost_gives_no_short_number(tmp_path):
    """The held-out prone knee bend x1 of benchmarks/eval_movement.py drawn as a cartoon (green suit): the mask and
    the pose model lost the raised lower leg through most of the second 2-s hold (the knee points read 43-51 for a
    true 83), and the outline's reading on the way up, 62, was reported as the peak. Each bend's knee flexion is now
    within 5 degrees of the truth or a lower bound no higher than the truth + 3."""
    from vision.synthetic.body import APPEARANCES, BODIES
    from vision.synthetic.movements import prone_knee_bend

    clip = ink.restyle(prone_knee_bend("ink_ely_x1", fps=25.0, side="left", max_knee=83.0, hip_lift=4.0,
                                       body=BODIES["female"], appearance=APPEARANCES["red_top"],
                                       camera=_cam(91.0, target=(0.1, 0.85, 0.0), height=0.98),
                                       imaging=Imaging(blur=0.5, noise=1.5), seed=701, reps=2),
                       outfit="green_suit", scene="pastel", build="long_legs")
    res, ref = analyze_with_truth(clip, tmp_path, "ely", "left")
    peak = max(_values(ref, "max_knee_flexion"))
    assert 78.0 < peak < 88.0
    assert res["repetitions"]
    _no_wrong_number(res, "max_knee_flexion", peak)
