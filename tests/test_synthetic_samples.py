"""The committed sample media match their generator: regenerating gives the same truth and the same
pictures (within the tolerance of tests/media_support.py: other processors render a few pixels a few grey
levels apart), every file has its truth JSON, and the clips' frame count and rate match the truth."""

import hashlib
import json
from pathlib import Path

import av
import numpy as np
import pytest

from vision.synthetic import make_samples
from vision.synthetic.media_io import write_clip
from vision.synthetic.movements import standing
from vision.synthetic.truth import landmark_array

from media_support import assert_images_close, assert_truth_close, image_difference, read_rgb

SAMPLES = Path(__file__).resolve().parents[1] / "sample_media"


@pytest.mark.parametrize("name", ["standing_front_photo", "standing_side_photo", "standing_back_photo"])
def test_regenerating_a_photo_gives_the_same_truth_and_image(tmp_path, name):
    files = make_samples.SAMPLES[name](tmp_path)
    for f in files:
        committed = SAMPLES / f.name
        assert committed.exists(), f"{committed} missing: run python -m vision.synthetic.make_samples"
        if f.suffix == ".json":
            assert_truth_close(json.loads(f.read_text()), json.loads(committed.read_text()), f.name)
        else:
            assert_images_close(read_rgb(f), read_rgb(committed), f.name)


def _decoded(path: Path, indices: list[int]) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    return [frames[i] for i in indices]


def test_regenerating_the_default_clip_gives_the_same_truth_and_frames(tmp_path):
    files = make_samples.SAMPLES["standing_side"](tmp_path)
    new = json.loads(files[1].read_text())
    old = json.loads((SAMPLES / "standing_side.json").read_text())
    assert_truth_close(new, old, "standing_side.json")
    picks = [0, len(old["frames"]) // 2, len(old["frames"]) - 1]
    for k, a, b in zip(picks, _decoded(files[0], picks), _decoded(SAMPLES / "standing_side.mp4", picks)):
        # H.264 may take other decisions for input a few levels apart: a looser share, the same mean
        assert_images_close(a, b, f"standing_side.mp4 frame {k}", max_share=0.005)


def _render_side_photo(tmp_path: Path, name: str, monkeypatch=None, **change) -> np.ndarray:
    """The side photo sample rendered with one thing changed: ``tilt`` (pelvic tilt, deg), ``camera_dx``
    (metres the camera moves sideways) or ``drop`` (the name of a body part left out)."""
    from vision.synthetic import frames as frames_mod
    from vision.synthetic.body import APPEARANCES, BODIES
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.frames import FrameSpec, Shot
    from vision.synthetic.media_io import write_image
    from vision.synthetic.posture import Placement
    from vision.synthetic.scene import BACKGROUNDS

    posture = make_samples._STAND.replace(pelvic_tilt=change.get("tilt", make_samples._STAND.pelvic_tilt))
    cam = dict(make_samples._PORTRAIT)
    tx, ty, tz = cam.pop("target")
    dx = change.get("camera_dx", 0.0)
    if "drop" in change:
        real = frames_mod.figure_parts
        monkeypatch.setattr(frames_mod, "figure_parts",
                            lambda *a, **k: [p for p in real(*a, **k) if p.name != change["drop"]])
    spec = FrameSpec(posture, BODIES["average"], APPEARANCES["blue_shirt"], Placement())
    # the camera looks from the person's right (azimuth -90): moving it along x keeps the distance
    shot = Shot(Camera(azimuth=-90.0, target=(tx + dx, ty, tz), **cam), BACKGROUNDS["living_room"],
                Imaging(blur=0.6, noise=2.0))
    path = tmp_path / f"{name}.png"
    write_image(path, spec, shot, seed=11)
    return read_rgb(path)


@pytest.mark.parametrize("name,change", [("tilt_plus_2", {"tilt": 14.0}), ("camera_5cm", {"camera_dx": 0.05}),
                                         ("no_forearm", {"drop": "r_forearm"})])
def test_a_wrong_render_fails_the_tolerance(tmp_path, monkeypatch, name, change):
    """The tolerance still catches a wrong pose, a missing limb and another camera."""
    committed = read_rgb(SAMPLES / "standing_side_photo.png")
    same = _render_side_photo(tmp_path, "same")
    assert_images_close(same, committed, "the unchanged re-render")
    wrong = _render_side_photo(tmp_path, name, monkeypatch, **change)
    diff = image_difference(wrong, committed)
    assert not diff.within(), f"{name} passed the tolerance: {diff}"
    with pytest.raises(AssertionError) as err:
        assert_images_close(wrong, committed, name)
    assert len(str(err.value)) < 300  # a summary, never a dump


def test_every_sample_has_truth_and_consistent_video():
    media = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".mp4", ".png", ".jpg"))
    assert (SAMPLES / "standing_side.mp4").exists()
    assert len(media) >= 10
    total = sum(p.stat().st_size for p in SAMPLES.iterdir())
    assert total < 12e6
    for p in media:
        truth = json.loads(p.with_suffix(".json").read_text())
        assert truth["meta"]["file"] == p.name
        w, h = truth["meta"]["image_size"]
        lm = landmark_array(truth["frames"][0])
        assert lm.shape == (33, 2) and np.isfinite(lm).all()
        if p.suffix == ".mp4":
            with av.open(str(p)) as c:
                s = c.streams.video[0]
                n = sum(1 for _ in c.decode(s))
                assert (s.width, s.height) == (w, h)
                assert float(s.average_rate) == pytest.approx(truth["meta"]["fps"])
            assert n == truth["meta"]["n_frames"] == len(truth["frames"])


def test_clip_writer_is_deterministic(tmp_path):
    clip = standing("t", duration=0.4, fps=10.0, seed=5)
    a = write_clip(tmp_path / "a.mp4", clip)
    b = write_clip(tmp_path / "b.mp4", clip)
    # the same machine and build: the same bytes (compared by digest, so a failure prints two short lines)
    digests = [hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("a.mp4", "b.mp4")]
    assert digests[0] == digests[1]
    assert_truth_close(a["frames"], b["frames"], "truth of two writes")


def test_a_handheld_clip_moves_its_truth_with_its_picture(tmp_path):
    """``write_clip(handheld=True)``: each frame and its true pixel positions moved by the same warp
    (:func:`vision.synthetic.camera.handheld_warp`), so the truth stays the picture's; the 3D truth unchanged."""
    import cv2

    from vision.synthetic.camera import handheld_warp

    clip = standing("t", duration=0.6, fps=10.0, seed=5)
    still = write_clip(tmp_path / "still.mp4", clip)
    shaken = write_clip(tmp_path / "shaken.mp4", clip, handheld=True)
    assert shaken["meta"]["handheld"] is True and "handheld" not in still["meta"]
    w, h = still["meta"]["image_size"]
    moved = []
    for a, b in zip(still["frames"], shaken["frames"]):
        warp = handheld_warp(a["time_s"], w, h)
        want = landmark_array(a) @ warp[:, :2].T + warp[:, 2]
        np.testing.assert_allclose(landmark_array(b), want, atol=0.02)
        assert b["landmarks_world_m"] == a["landmarks_world_m"] and "angles_image" not in b
        moved.append(np.abs(landmark_array(b) - landmark_array(a)).max())
    assert max(moved) > 3.0  # pixels: the phone did move
    # the picture moved with it: the still frame warped lies closer to the shaken frame than the still frame does
    def frame(name, index=3):
        with av.open(str(tmp_path / name)) as c:
            return next(f for i, f in enumerate(c.decode(video=0)) if i == index).to_ndarray(format="rgb24")

    a, b = frame("still.mp4"), frame("shaken.mp4")
    warped = cv2.warpAffine(a, handheld_warp(shaken["frames"][3]["time_s"], w, h), (w, h),
                            borderMode=cv2.BORDER_REPLICATE)

    def gap(x, y):
        return float(np.abs(x.astype(np.int16) - y.astype(np.int16)).mean())

    assert gap(warped, b) < 0.5 * gap(a, b)
