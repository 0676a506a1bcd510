"""Stretch pictures: one per stretch of the library, rendered with the synthetic figure, small files."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from analysis.stretches import stretches
from vision.synthetic import stretch_pictures as sp

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("stretches")
    return out, sp.make_pictures(out)


def test_one_recipe_per_stretch_of_the_library():
    lib = {s["id"]: s for s in stretches()}
    assert set(sp.POSES) == set(lib)
    for sid, s in lib.items():
        assert s["picture"] == f"stretches/{sid}.jpg"


def test_pictures_are_written_small_and_decodable(rendered):
    out, files = rendered
    pics = [f for f in files if f.suffix == ".jpg"]
    assert {f.stem for f in pics} == set(sp.POSES) and (out / "index.json").is_file()
    total = sum(f.stat().st_size for f in pics)
    assert total < 400_000, total
    for f in pics:
        img = cv2.imread(str(f))
        assert img is not None and img.shape == (sp.SIZE[1], sp.SIZE[0], 3)
        assert img.std() > 20  # not a blank frame


@pytest.mark.parametrize("sid", list(sp.POSES))
def test_the_whole_figure_is_in_the_picture(sid):
    img, truth = sp.render_stretch(sid)
    outside = truth["landmarks_outside_frame"]
    assert not outside, f"{sid}: {outside} outside the picture"
    px = np.array([v for v in truth["landmarks_px"].values()], dtype=float)
    w, h = sp.SIZE
    span = (px[:, 0].max() - px[:, 0].min()) / w, (px[:, 1].max() - px[:, 1].min()) / h
    assert max(span) > 0.3, f"{sid}: the figure is too small ({span})"


def test_the_shipped_pictures_match_the_library():
    folder = ROOT / "sample_media" / "stretches"
    if not folder.is_dir():
        pytest.skip("sample_media/stretches/ not generated (python -m vision.synthetic.stretch_pictures)")
    for s in stretches():
        assert (ROOT / "sample_media" / s["picture"]).is_file(), s["picture"]


def test_mediapipe_finds_the_upright_figures(rendered):
    mp_est = pytest.importorskip("vision.estimator")
    out, _ = rendered
    upright = ["half_kneeling_hip_flexor", "side_lunge_adductor", "seated_hamstring_chair"]
    found = {}
    with mp_est.PoseEstimator(static=True) as est:
        for sid in sp.POSES:
            rgb = cv2.cvtColor(cv2.imread(str(out / f"{sid}.jpg")), cv2.COLOR_BGR2RGB)
            found[sid] = bool(est.process(rgb).found)
    print("\nMediaPipe found the figure in:", {k: v for k, v in found.items()})
    assert all(found[s] for s in upright) and sum(found.values()) >= 5, found
