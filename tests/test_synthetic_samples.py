"""The committed sample media match their generator: regenerating gives the same truth, every file
has its truth JSON, and the clips' frame count and rate match the truth."""

import json
from pathlib import Path

import av
import numpy as np
import pytest

from vision.synthetic import make_samples
from vision.synthetic.media_io import write_clip
from vision.synthetic.movements import standing
from vision.synthetic.truth import landmark_array

SAMPLES = Path(__file__).resolve().parents[1] / "sample_media"


def _frames_equal(a: dict, b: dict):
    assert a["meta"] == b["meta"]
    assert len(a["frames"]) == len(b["frames"])
    for fa, fb in zip(a["frames"], b["frames"]):
        assert fa == fb


@pytest.mark.parametrize("name", ["standing_front_photo", "standing_side_photo"])
def test_regenerating_a_photo_gives_the_same_truth_and_image(tmp_path, name):
    files = make_samples.SAMPLES[name](tmp_path)
    for f in files:
        committed = SAMPLES / f.name
        assert committed.exists(), f"{committed} missing: run python -m vision.synthetic.make_samples"
        if f.suffix == ".json":
            _frames_equal(json.loads(f.read_text()), json.loads(committed.read_text()))
        else:
            assert f.read_bytes() == committed.read_bytes()


def test_regenerating_the_default_clip_gives_the_same_truth(tmp_path):
    files = make_samples.SAMPLES["standing_side"](tmp_path)
    new = json.loads(files[1].read_text())
    old = json.loads((SAMPLES / "standing_side.json").read_text())
    _frames_equal(new, old)


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
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()
    assert a["frames"] == b["frames"]
