"""``posture analyze`` on bad input: one clear line, a non-zero status, no traceback, nothing lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT, SHARED_DATA, needs_shared_data, write_video
from vision.sequence import PoseSequence


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "posture_cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def assert_one_clear_error(proc: subprocess.CompletedProcess, *phrases: str) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for p in phrases:
        assert p in lines[0], lines[0]
    return lines[0]


def test_missing_file(tmp_path):
    assert_one_clear_error(run_cli("analyze", "nope.mp4", cwd=tmp_path), "nope.mp4", "no such file")


def test_empty_file(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert_one_clear_error(run_cli("analyze", "empty.mp4", cwd=tmp_path), "empty")


@pytest.mark.parametrize("name", ["notes.mp4", "notes.txt", "notes.jpg"])
def test_not_an_image_or_video(tmp_path, name):
    (tmp_path / name).write_text("shopping list: eggs, milk\n" * 50)
    line = assert_one_clear_error(run_cli("analyze", name, cwd=tmp_path), name)
    assert "not" in line and ("video" in line or "image" in line)
    assert not (tmp_path / "posture-output").exists() or not any((tmp_path / "posture-output").iterdir())


def test_corrupt_video(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "garbage.mov").write_bytes(b"\x00\x00\x00\x18ftypqt  " + rng.bytes(50_000))
    assert_one_clear_error(run_cli("analyze", "garbage.mov", cwd=tmp_path), "garbage.mov")


def test_truncated_photo(tmp_path):
    img = (np.random.default_rng(0).random((400, 300, 3)) * 255).astype(np.uint8)
    Image.fromarray(img).save(tmp_path / "full.jpg", quality=95)
    data = (tmp_path / "full.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 3])
    assert_one_clear_error(run_cli("analyze", "cut.jpg", cwd=tmp_path), "cut.jpg", "damaged or truncated")


def test_huge_photo_is_refused_with_advice(tmp_path):
    Image.new("L", (11_000, 10_000)).save(tmp_path / "huge.png")
    assert_one_clear_error(run_cli("analyze", "huge.png", cwd=tmp_path), "megapixels", "Resize")


def test_zero_frames(tmp_path):
    import av

    with av.open(str(tmp_path / "none.mp4"), "w") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 64, 64, "yuv420p"
        c.start_encoding()  # header written, no frame ever encoded
    assert_one_clear_error(run_cli("analyze", "none.mp4", cwd=tmp_path), "no video frames")


def test_no_person_writes_outputs_and_says_so(tmp_path):
    rng = np.random.default_rng(3)
    frames = [np.full((240, 320, 3), 90, np.uint8) + rng.integers(0, 30, (240, 320, 3), dtype=np.uint8) for _ in range(20)]
    write_video(tmp_path / "empty_room.mp4", frames)
    proc = run_cli("analyze", "empty_room.mp4", "-q", cwd=tmp_path)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    assert "No person was found in any of the 20 frames" in proc.stderr
    out = tmp_path / "posture-output"
    seq = PoseSequence.load(out / "empty_room.pose.npz")
    assert len(seq) == 20 and not seq.detected.any()
    summary = json.loads((out / "empty_room.summary.json").read_text())
    assert summary["frames_with_person"] == 0 and summary["problems"]


def remux_faststart(src: Path, dst: Path) -> None:
    """Copy a clip's packets into an MP4 whose index comes first, as phones and cameras often write them
    (a truncated MP4 with its index at the end cannot be opened at all: that case is the corrupt one)."""
    import av

    with av.open(str(src)) as i, av.open(str(dst), "w", options={"movflags": "faststart"}) as o:
        s = o.add_stream_from_template(i.streams.video[0])
        for p in i.demux(i.streams.video[0]):
            if p.dts is not None:
                p.stream = s
                o.mux(p)


@needs_shared_data
def test_truncated_video_keeps_every_frame_read(tmp_path):
    remux_faststart(SHARED_DATA / "video" / "sports2d__demo4.mp4", tmp_path / "whole.mp4")
    data = (tmp_path / "whole.mp4").read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: int(len(data) * 0.4)])
    proc = run_cli("analyze", "cut.mp4", "-q", cwd=tmp_path)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr, proc.stderr
    problem = [ln for ln in proc.stderr.splitlines() if "truncated" in ln]
    assert len(problem) == 1 and "were analysed and saved" in problem[0]
    out = tmp_path / "posture-output"
    seq = PoseSequence.load(out / "cut.pose.npz")
    summary = json.loads((out / "cut.summary.json").read_text())
    assert 0 < len(seq) < 401 and summary["frames"] == len(seq) == summary["source"]["frames_read"]
    assert seq.detected.sum() > 0.5 * len(seq)
    assert (out / "cut.annotated.mp4").stat().st_size > 0


@needs_shared_data
def test_person_partly_out_of_frame(tmp_path):
    # standing, cropped at the shins: the feet are named as out of the picture, the rest is measured
    proc = run_cli("analyze", str(SHARED_DATA / "side_standing" / "neutral_posteriortilt.jpg"), "-q", "--no-annotate",
                   cwd=tmp_path)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    line = [ln for ln in proc.stderr.splitlines() if "feet" in ln]
    assert len(line) == 1 and "out of the picture" in line[0] and "step back" in line[0]
    assert "Trunk inclination" in proc.stdout and "not measured - your right ankle was out of the picture" in proc.stdout
    # sitting at a desk, legs out of the picture: the sitting explains it, the framing is not told again
    proc = run_cli("analyze", str(SHARED_DATA / "video" / "ivangael__video.mp4"), "-q", "--no-annotate", cwd=tmp_path)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    problems = [ln for ln in proc.stderr.splitlines() if ln.startswith("problem:")]
    assert any("sitting" in p for p in problems) and not any("out of the picture" in p for p in problems)


@needs_shared_data
def test_several_people_are_reported_first(tmp_path):
    """A dancing couple in a crowd: the person check comes first (before any view or camera advice); the
    crowd's nearest bystanders are 0.6-0.7 of the followed dancer's size (similar: blocking here); were they
    judged smaller on another machine, the warning must still come first."""
    proc = run_cli("analyze", str(SHARED_DATA / "video" / "openpose__video.avi"), "-q", "--no-annotate", cwd=tmp_path)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    problems = [ln for ln in proc.stderr.splitlines() if ln.startswith("problem:")]
    res = json.loads((tmp_path / "posture-output" / "openpose__video.assessment.json").read_text())
    person = res["checks"][0]
    assert person["name"] == "person" and not person["passed"]
    assert problems[0].startswith("problem: " + person["reason"][:30].capitalize()), problems
    if person["blocking"]:
        assert "similar size" in problems[0] and not res["ok"] and not res["metrics"]


# ---------------------------------------------------------------------------------------------- limits (issue 16)
def test_a_clip_longer_than_the_limit_is_refused_from_its_header(tmp_path):
    from vision.limits import MAX_CLIP_SECONDS

    frames = [np.zeros((64, 64, 3), np.uint8)] * 2  # two frames, the second shown after the limit
    write_video(tmp_path / "long.mp4", frames, pts_ms=[0, int((MAX_CLIP_SECONDS + 1) * 1000)])
    line = assert_one_clear_error(run_cli("analyze", "long.mp4", cwd=tmp_path), "long.mp4", "Cut the part you need")
    assert f"{MAX_CLIP_SECONDS:.0f} s" in line
    assert not (tmp_path / "posture-output").exists() or not any((tmp_path / "posture-output").iterdir())


def test_too_many_frames_are_refused_before_decoding_or_stop_the_reading(tmp_path, monkeypatch):
    from vision import limits
    from vision.errors import InputError
    from vision.sources import open_source

    monkeypatch.setattr(limits, "MAX_CLIP_FRAMES", 30)
    frames = [np.full((32, 32, 3), i * 5, np.uint8) for i in range(40)]
    with pytest.raises(InputError, match="has 40 frames, more than the 30"):
        open_source(write_video(tmp_path / "many.mp4", frames))  # the header states the count
    src = open_source(write_video(tmp_path / "many.mkv", frames))  # Matroska states none: reading stops there
    try:
        assert sum(1 for _ in src) == 30 and "reading stopped" in src.info.stopped_early
    finally:
        src.close()


def test_a_photo_over_the_pixel_cap_is_refused_with_advice(tmp_path):
    from vision.limits import MAX_PHOTO_PIXELS

    side = int(MAX_PHOTO_PIXELS ** 0.5) + 10  # just over the cap (the old cap was twice as large)
    Image.new("L", (side, side)).save(tmp_path / "big.png")
    assert_one_clear_error(run_cli("analyze", "big.png", cwd=tmp_path), f"{MAX_PHOTO_PIXELS // 1_000_000} megapixels",
                           "Resize")
