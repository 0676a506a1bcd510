"""The third, held-out figure style (vision.synthetic.mannequin): it draws something other than the capsule
figure, on the same skeleton (the same truth), and its shorts leave the knees bare. No pose model."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from vision.synthetic import capsule, mannequin
from vision.synthetic.camera import Imaging
from vision.synthetic.frames import Renderer
from vision.synthetic.kinematics import pose_skeleton
from vision.synthetic.movements import hip_extension
from vision.synthetic.render import render_parts
from vision.synthetic.truth import frame_truth

PEAK = 7  # the end of the swing back in a one-repetition hip extension at 5 frames/s


@pytest.fixture(scope="module")
def base():
    return hip_extension("mannequin_test", fps=5.0, reps=1, side="right", extension_deg=18.0, seed=1)


def sharp(clip, figure: str | None = None, lighting=None):
    """The clip's shot without blur, noise or JPEG (and with another figure style if given)."""
    shot = replace(clip.shot, imaging=Imaging())
    return shot if figure is None else replace(shot, figure=figure, lighting=lighting)


def figure_mask(parts, cam) -> np.ndarray:
    """Where the figure is in the image (no pose model: the rendered parts' own mask)."""
    bg = np.zeros((cam.height_px, cam.width, 3), np.float32)
    return render_parts(parts, cam, bg, 1, mask_names={""})[1] > 0


def skin_like(rgb: np.ndarray, skin) -> np.ndarray:
    """Pixels whose chromaticity is the skin colour's (any brightness above the shadows)."""
    rgb = rgb.astype(float)
    total = rgb.sum(axis=-1, keepdims=True)
    chroma = rgb / np.maximum(total, 1.0)
    ref = np.asarray(skin, float) / sum(skin)
    return (np.abs(chroma - ref).max(axis=-1) < 0.03) & (total[..., 0] > 120)


@pytest.mark.parametrize("outfit", ["wood", "black_red"])
def test_draws_another_figure_than_the_capsule_style(base, outfit):
    clip = mannequin.restyle(base, outfit=outfit, scene="gym")
    spec = clip.frames[PEAK]
    cam = clip.shot.camera
    img, _, sk = Renderer(sharp(clip), 0).render(spec)
    capsule_img, _, _ = Renderer(sharp(clip, "capsule", capsule.TOON), 0).render(spec)
    ours = figure_mask(mannequin.mannequin_parts(sk, spec.appearance), cam)
    theirs = figure_mask(capsule.capsule_parts(sk, spec.appearance), cam)
    assert ours.sum() > 3000 and img[ours].std() > 15  # a figure, shaded
    union = ours | theirs
    assert (ours & theirs).sum() / union.sum() < 0.85  # another silhouette (0.75 on the same skeleton)...
    assert np.abs(img.astype(float) - capsule_img.astype(float))[union].mean() > 25  # ...and other pixels


@pytest.mark.parametrize("build, pole", [(None, None), ("stocky", None), ("tall_slim", "left")])
def test_same_skeleton_and_truth_as_the_capsule_style(base, build, pole):
    ours = mannequin.restyle(base, outfit="shorts_vest", build=build, pole=pole)
    theirs = capsule.restyle(base, outfit="teal_tracksuit", build=build, pole=pole)
    cam = ours.shot.camera
    assert cam == theirs.shot.camera and len(ours.frames) == len(theirs.frames)
    for a, b in zip(ours.frames, theirs.frames):
        assert (a.posture, a.body, a.placement, a.props) == (b.posture, b.body, b.placement, b.props)
        ta = frame_truth(pose_skeleton(a.posture, a.body, a.placement), cam)
        tb = frame_truth(pose_skeleton(b.posture, b.body, b.placement), cam)
        assert ta == tb
    _, rendered, _ = Renderer(ours.shot, ours.seed).render(ours.frames[PEAK])
    assert rendered["landmarks_px"] == frame_truth(pose_skeleton(theirs.frames[PEAK].posture,
                                                                 theirs.frames[PEAK].body,
                                                                 theirs.frames[PEAK].placement), cam)["landmarks_px"]


@pytest.mark.parametrize("outfit, bare", [("shorts_vest", True), ("striped", False)])
def test_shorts_leave_the_knee_bare(base, outfit, bare):
    clip = mannequin.restyle(base, outfit=outfit, scene="gym")
    img, truth, _ = Renderer(sharp(clip), 0).render(clip.frames[PEAK])
    u, v = (int(round(c)) for c in truth["landmarks_px"]["right_knee"])  # the near knee (camera on the right)
    window = img[v - 5:v + 6, u - 5:u + 6]
    share = skin_like(window, mannequin.OUTFITS[outfit].skin).mean()
    assert (share > 0.5) if bare else (share < 0.05), share
