"""The pose-sequence data model: save/load round trip, gaps, CSV shape."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from vision.estimator import PoseResult
from vision.landmarks import LANDMARK_NAMES, N_LANDMARKS, index
from vision.sequence import PoseSequence, SequenceBuilder
from vision.sources import SourceInfo


def fake_result(rng, found: bool, size=(640, 480)) -> PoseResult:
    """A stand-in for one model output (this test is about the data model, not the model)."""
    if not found:
        nan = np.full((N_LANDMARKS, 3), np.nan, np.float32)
        return PoseResult(False, nan, nan[:, 0].copy(), nan.copy(), size)
    lm = rng.random((N_LANDMARKS, 3), dtype=np.float32)
    return PoseResult(True, lm, rng.random(N_LANDMARKS, dtype=np.float32),
                      rng.normal(size=(N_LANDMARKS, 3)).astype(np.float32), size)


def make_sequence(pattern=(True, True, False, True, False)) -> PoseSequence:
    rng = np.random.default_rng(1)
    b = SequenceBuilder()
    for i, found in enumerate(pattern):
        b.append(i, i / 30 + 1e-7 * i, fake_result(rng, found), (1280, 720))
    info = SourceInfo(kind="video", name="clip.mp4", sha256="ab" * 32, fps=30.0, duration_s=5 / 30, rotation_deg=90)
    return b.build(info, {"name": "test", "mediapipe": "0.10.21"})


def test_gaps_are_nan_not_zero():
    seq = make_sequence()
    assert seq.detected.tolist() == [True, True, False, True, False]
    assert np.isnan(seq.landmarks[2]).all() and np.isnan(seq.world[4]).all() and np.isnan(seq.visibility[2]).all()
    assert not np.isnan(seq.landmarks[0]).any()


def test_pixels_are_normalised_times_frame_size():
    seq = make_sequence()
    assert np.allclose(seq.pixels[0], seq.landmarks[0, :, :2] * [1280, 720])
    assert np.isnan(seq.pixels[2]).all()


def test_save_load_round_trip_is_lossless(tmp_path):
    seq = make_sequence()
    path = seq.save(tmp_path / "x.pose.npz")
    assert path.name == "x.pose.npz"
    back = PoseSequence.load(path)
    for k in ("timestamps", "frame_index", "landmarks", "visibility", "world", "image_size"):
        a, b = getattr(seq, k), getattr(back, k)
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b, equal_nan=True), k
    assert back.source == seq.source and back.model == seq.model


def test_load_refuses_other_files(tmp_path):
    p = tmp_path / "other.npz"
    np.savez(p, meta=np.array('{"format": "something-else"}'))
    with pytest.raises(ValueError, match="not a pose-sequence"):
        PoseSequence.load(p)


def test_wrong_shapes_are_refused():
    seq = make_sequence()
    with pytest.raises(ValueError, match="landmarks"):
        PoseSequence(seq.timestamps, seq.frame_index, seq.landmarks[:, :10], seq.visibility, seq.world, seq.image_size)


def test_tidy_csv_has_one_row_per_frame_and_landmark(tmp_path):
    seq = make_sequence()
    rows = list(csv.DictReader(open(seq.to_csv(tmp_path / "x.csv"))))
    assert len(rows) == len(seq) * N_LANDMARKS
    assert [r["landmark"] for r in rows[:N_LANDMARKS]] == list(LANDMARK_NAMES)
    hip = rows[index("left_hip")]
    assert float(hip["x_px"]) == pytest.approx(float(seq.pixels[0, index("left_hip"), 0]), rel=1e-6)
    assert float(hip["world_z_m"]) == pytest.approx(float(seq.world[0, index("left_hip"), 2]), rel=1e-6)
    gap = rows[2 * N_LANDMARKS + 5]
    assert gap["frame_index"] == "2" and gap["detected"] == "0" and gap["x_norm"] == "" and gap["visibility"] == ""


def test_outlines_are_optional_and_round_trip(tmp_path):
    rng = np.random.default_rng(2)
    b = SequenceBuilder()
    outlines = [rng.random((16, 2), dtype=np.float32) * 100, None, rng.random((16, 2), dtype=np.float32)]
    for i, o in enumerate(outlines):
        b.append(i, i / 30, fake_result(rng, o is not None), (640, 480), outline=o)
    seq = b.build(SourceInfo(kind="video"), {})
    assert seq.outline.shape == (3, 16, 2) and np.isnan(seq.outline[1]).all()
    back = PoseSequence.load(seq.save(tmp_path / "o.pose.npz"))
    assert np.array_equal(back.outline, seq.outline, equal_nan=True)
    assert make_sequence().outline is None
    assert PoseSequence.load(make_sequence().save(tmp_path / "n.pose.npz")).outline is None


def test_load_ignores_source_fields_it_does_not_know(tmp_path):
    import json
    import zipfile

    path = make_sequence().save(tmp_path / "x.pose.npz")
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays.pop("meta")))
    meta["source"]["notes"] = ["written by an older version"]
    with open(path, "wb") as f:
        np.savez_compressed(f, meta=np.array(json.dumps(meta)), **arrays)
    assert zipfile.is_zipfile(path)
    assert PoseSequence.load(path).source.name == "clip.mp4"
