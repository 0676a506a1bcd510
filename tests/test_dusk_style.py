"""The seventh, held-out figure style (vision.synthetic.dusk: a phone video at dusk, with motion trails)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vision.synthetic import dusk
from vision.synthetic.camera import Imaging
from vision.synthetic.frames import Renderer
from vision.synthetic.movements import hip_extension


def test_a_moving_leg_leaves_a_trail_and_the_truth_is_the_mesh_styles():
    """Rendered in order, a frame of the swing holds a fading copy of the frame before (where the leg was), a first
    frame none; the joints are the mesh style's (so the truth is the same)."""
    base = hip_extension("dusk_test", fps=10.0, reps=1, extension_deg=20.0, seed=1)
    clip = dusk.restyle(base, outfit="gym_shorts", scene="window")
    shot = replace(clip.shot, imaging=Imaging())  # no grain or compression: the trail alone
    moving = next(k for k in range(1, len(clip.frames))
                  if abs(clip.frames[k].posture.hip_flexion_r - clip.frames[k - 1].posture.hip_flexion_r) > 3.0)
    in_order = Renderer(shot, 0)
    for k in range(moving):
        before, _, _ = in_order.render(clip.frames[k])
    img, truth, _ = in_order.render(clip.frames[moving])
    alone, _, _ = Renderer(shot, 0).render(clip.frames[moving])
    _, mesh_truth, _ = Renderer(base.shot, 0).render(base.frames[moving])
    assert truth["landmarks_px"] == mesh_truth["landmarks_px"]
    diff = np.abs(img.astype(float) - alone.astype(float)).sum(axis=-1)
    assert (diff > 30).mean() > 0.001  # the trail of the leg
    # where the picture did not change between the frames, the trail changes nothing
    still = np.abs(before.astype(float) - alone.astype(float)).sum(axis=-1) < 3
    assert np.median(diff[still]) < 3
    first, _, _ = Renderer(shot, 0).render(clip.frames[0])
    again, _, _ = Renderer(shot, 0).render(clip.frames[0])
    assert np.array_equal(first, again)
