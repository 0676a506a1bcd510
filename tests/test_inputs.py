"""Inputs: animated images are clips timed by their frame delays; output names keep the whole input name
and never overwrite another input's outputs."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from capture.analyze import analyze_file
from capture.outputs import claim_output_name, output_stem
from conftest import ROOT, write_video
from vision.sequence import PoseSequence
from vision.sources import AnimatedImageSource, ImageSource, open_source


def frames(n: int, size=(64, 48)) -> list[Image.Image]:
    """Distinct frames (a GIF writer merges identical neighbours)."""
    return [Image.fromarray(np.full((size[1], size[0], 3), 30 + 50 * i, np.uint8)) for i in range(n)]


@pytest.mark.parametrize("ext", ["gif", "webp", "png"])
def test_animated_image_is_a_clip_timed_by_its_delays(tmp_path, ext):
    f = frames(4)
    f[0].save(tmp_path / f"a.{ext}", save_all=True, append_images=f[1:], duration=[100, 250, 40, 150], loop=0)
    src = open_source(tmp_path / f"a.{ext}")
    assert isinstance(src, AnimatedImageSource) and src.info.kind == "video" and src.info.frame_count == 4
    got = [(fr.index, fr.timestamp, int(fr.rgb[0, 0, 0])) for fr in src]
    assert [t for _, t, _ in got] == pytest.approx([0.0, 0.1, 0.35, 0.39])
    assert [v for _, _, v in got] == pytest.approx([30, 80, 130, 180], abs=3)
    assert src.info.duration_s == pytest.approx(0.54) and src.info.frames_read == 4


def test_gif_zero_delay_is_shown_as_100_ms_and_one_frame_gif_is_a_photo(tmp_path):
    f = frames(3)
    f[0].save(tmp_path / "z.gif", save_all=True, append_images=f[1:], duration=[0, 0, 0])
    assert [fr.timestamp for fr in open_source(tmp_path / "z.gif")] == pytest.approx([0.0, 0.1, 0.2])
    f[0].save(tmp_path / "one.gif")
    assert isinstance(open_source(tmp_path / "one.gif"), ImageSource)


def test_animated_gif_through_posture_analyze(tmp_path):
    """A GIF of a rendered person, timed 0.1 / 0.25 / 0.15 / 0.2 s per frame, analysed as a 4-frame clip."""
    from vision.synthetic.camera import Camera
    from vision.synthetic.frames import FrameSpec, Shot, render_frame

    rgb, _ = render_frame(FrameSpec(), Shot(camera=Camera(azimuth=-90, width=320, height_px=240)))
    ims = []
    for i in range(4):
        img = rgb.copy()
        img[:6, :6] = 60 * i  # keep the frames distinct
        ims.append(Image.fromarray(img))
    ims[0].save(tmp_path / "stand.gif", save_all=True, append_images=ims[1:], duration=[100, 250, 150, 200], loop=0)
    proc = subprocess.run([sys.executable, str(ROOT / "posture_cli.py"), "analyze", "stand.gif", "--out", "o", "-q",
                           "--no-segmentation"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 3) and "Traceback" not in proc.stderr, proc.stderr
    assert "video" in proc.stdout.splitlines()[0]
    summary = json.loads((tmp_path / "o" / "stand.summary.json").read_text())
    assert summary["source"]["kind"] == "video" and summary["source"]["codec"] == "gif" and summary["frames"] == 4
    seq = PoseSequence.load(tmp_path / "o" / "stand.pose.npz")
    assert seq.timestamps == pytest.approx([0.0, 0.1, 0.35, 0.5]) and seq.detected.all()
    assert (tmp_path / "o" / "stand.annotated.mp4").exists()


def test_output_stem_keeps_all_but_the_last_suffix():
    assert output_stem("Screen Shot 2017-09-09 at 2.16.54 PM.png") == "Screen Shot 2017-09-09 at 2.16.54 PM"
    assert output_stem("/a/b/clip.final.MOV") == "clip.final" and output_stem("plain") == "plain"
    assert output_stem(".hidden") == ".hidden"


def _owned(folder, stem, sha):
    (folder / f"{stem}.summary.json").write_text(json.dumps({"source": {"sha256": sha}}))


def test_claiming_a_name_never_takes_another_inputs(tmp_path):
    first = claim_output_name(tmp_path, "a.mp4", "111")
    assert first.stem == "a" and first.claimed and not first.note
    assert json.loads((tmp_path / "a.summary.json").read_text())["source"]["sha256"] == "111"
    again = claim_output_name(tmp_path, "a.mp4", "111")  # the same input again replaces its own outputs
    assert again.stem == "a" and not again.claimed
    other = claim_output_name(tmp_path, "a.mov", "222")
    assert other.stem == "a.mov" and "another input" in other.note
    third = claim_output_name(tmp_path / ".." / tmp_path.name, "a.mov", "333")  # same name, other content
    assert third.stem == "a-2"
    (tmp_path / "b.annotated.mp4").write_bytes(b"x")  # outputs whose input cannot be told are not taken
    assert claim_output_name(tmp_path, "b.mp4", "444").stem == "b.mp4"
    third.release()
    assert not (tmp_path / "a-2.summary.json").exists()


def test_inputs_named_alike_keep_separate_outputs(tmp_path):
    """Two screenshots whose names differ only after the first dot, then a.mp4 and a.mov, in one folder."""
    rng = np.random.default_rng(0)
    for name in ("Shot at 2.16.54 PM.png", "Shot at 2.23.41 PM.png"):
        Image.fromarray(rng.integers(0, 255, (40, 60, 3), dtype=np.uint8)).save(tmp_path / name)
    write_video(tmp_path / "a.mp4", [np.full((48, 64, 3), 40, np.uint8)] * 3)
    write_video(tmp_path / "a.mov", [np.full((48, 64, 3), 200, np.uint8)] * 3)
    out = tmp_path / "out"
    runs = {n: analyze_file(tmp_path / n, out, assess=False, annotate=False)
            for n in ("Shot at 2.16.54 PM.png", "Shot at 2.23.41 PM.png", "a.mp4", "a.mov")}
    summaries = {n: json.loads((out / f"{s}.summary.json").read_text())["source"]["name"]
                 for n, s in [("1", "Shot at 2.16.54 PM"), ("2", "Shot at 2.23.41 PM"), ("3", "a"), ("4", "a.mov")]}
    assert summaries == {"1": "Shot at 2.16.54 PM.png", "2": "Shot at 2.23.41 PM.png", "3": "a.mp4", "4": "a.mov"}
    assert runs["a.mov"].outputs["track"].endswith("a.mov.pose.npz") and "a.mov" in runs["a.mov"].notes[0]
    assert PoseSequence.load(out / "a.pose.npz").source.name == "a.mp4"
    before = sorted(p.name for p in out.iterdir())
    analyze_file(tmp_path / "a.mp4", out, assess=False, annotate=False)  # again: its own outputs replaced
    assert sorted(p.name for p in out.iterdir()) == before
