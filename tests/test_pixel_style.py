"""The sixth, held-out figure style (vision.synthetic.pixel: pixel art in a 16-colour palette), and hip extensions
drawn in it through the real pose model (``capture.analyze.analyze_file``)."""

from __future__ import annotations

from dataclasses import replace

from analysis.movement.checks import presented_metrics
from style_support import analyze_with_truth
from vision.synthetic import pixel
from vision.synthetic.body import APPEARANCES, BODIES
from vision.synthetic.camera import Imaging
from vision.synthetic.frames import Renderer
from vision.synthetic.movements import hip_extension


def test_draws_square_blocks_in_sixteen_colours_on_the_mesh_figures_skeleton():
    """Every block of BLOCK_PX x BLOCK_PX pixels is one colour of the palette (before compression), and the joints
    are the mesh style's (so the truth is the same)."""
    base = hip_extension("pixel_test", fps=5.0, reps=1, extension_deg=18.0, seed=1)
    clip = pixel.restyle(base, outfit="runner", scene="sky")
    img, truth, _ = Renderer(replace(clip.shot, imaging=Imaging()), 0).render(clip.frames[0])
    _, mesh_truth, _ = Renderer(base.shot, 0).render(base.frames[0])
    assert truth["landmarks_px"] == mesh_truth["landmarks_px"]
    b = pixel.BLOCK_PX
    h, w = (img.shape[0] // b) * b, (img.shape[1] // b) * b
    blocks = img[:h, :w].reshape(h // b, b, w // b, b, 3).astype(int)
    assert (blocks == blocks[:, :1, :, :1]).all()  # each block one colour
    colours = {tuple(c) for c in img.reshape(-1, 3)}
    assert colours <= {tuple(int(v) for v in c) for c in pixel.PALETTE} and len(colours) >= 5


def test_a_swing_whose_hips_the_model_put_on_the_thighs_is_not_read_from_there(tmp_path):
    """The held-out case hipext_left_far of benchmarks/eval_movement.py drawn in pixel art: for two frames of the
    first swing the pose model put the hip points halfway down the thighs, and the thigh's axis in the outline, drawn
    from there, read 36 degrees for a true 15. Each repetition found is now within the issue's 5 degrees of the
    truth, or not measured."""
    clip = pixel.restyle(hip_extension("pixel_left_far", reps=3, side="left", extension_deg=14.0,
                                       body=BODIES["female"], appearance=APPEARANCES["red_top"],
                                       imaging=Imaging(blur=0.5, noise=1.5), seed=2),
                         outfit="knight", scene="dungeon", build="stocky", pole="right", camera_height=1.45)
    res, ref = analyze_with_truth(clip, tmp_path, "hip_extension", "left")
    want = [r["metrics"]["thigh_behind_vertical"]["value"] for r in ref["repetitions"]]
    got = [r["metrics"]["thigh_behind_vertical"]["value"] for r in res.get("repetitions") or []]
    assert got, [c["reason"] for c in res["checks"] if not c["passed"]]
    assert all(v is None or abs(v - max(want)) <= 5.0 for v in got), (got, want)


def test_a_pixel_art_thigh_stretch_is_not_a_hip_extension(tmp_path):
    """The held-out refusal thigh_stretch_as_hip_extension drawn in pixel art (the knight, a cream room): the pose
    model kept the knees together, so which leg moved was not certain, and the thigh stretch (the knee bent 130
    degrees, the foot pulled up behind) went through as two "repetitions" of 13 and 10 degrees with stretches
    advised. The more bent of the two knees now refuses it."""
    clip = pixel.restyle(hip_extension("pixel_thigh_stretch", reps=2, extension_deg=10.0, knee_deg=130.0,
                                       compensation=0.2, imaging=Imaging(blur=0.5, noise=1.5), seed=54),
                         outfit="knight", scene="sand")
    res, _ = analyze_with_truth(clip, tmp_path, "hip_extension", "right")
    assert res["ok"] is False
    movement = next(c for c in res["checks"] if c["name"] == "movement")
    assert not movement["passed"] and "bent" in movement["reason"], movement
    assert all(m["value"] is None for m in presented_metrics(res))


def test_a_pixel_art_figure_standing_still_gives_no_hip_extension(tmp_path):
    """The held-out refusal standing_still_as_hip_extension drawn in pixel art (the runner, a blue sky): the figure
    stands still for 4 s, and the blocky outline's rear-most thigh wandered over 8 degrees (from 5 in front of the
    vertical to 4 behind). One rise of 6 degrees, which the body points also showed 5 back, was taken for a
    repetition: "hip extension 4 degrees, below the usual range", with stretches advised. A small rise must stand out
    from the reading's wander at rest (``movement_rep_over_rest_spread_min``)."""
    from vision.synthetic.movements import standing

    clip = pixel.restyle(standing("pixel_standing_still", duration=4.0, imaging=Imaging(blur=0.5, noise=1.5),
                                  seed=19), outfit="runner", scene="sky")
    res, _ = analyze_with_truth(clip, tmp_path, "hip_extension", "right")
    assert res["ok"] is False and not presented_metrics(res), [c["reason"] for c in res["checks"] if not c["passed"]]
    movement = next(c for c in res["checks"] if c["name"] == "movement")
    assert not movement["passed"], movement
