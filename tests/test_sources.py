"""Frame sources on small videos and images the tests write themselves."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from conftest import marker_frame, write_video
from vision.estimator import scale_for_model
from vision.sources import ImageSource, VideoSource, open_source, upright


def red_centre(rgb: np.ndarray) -> np.ndarray:
    """Row, column of the red marker's centre as fractions of the frame height and width."""
    red = (rgb[..., 0] > 180) & (rgb[..., 1] < 80) & (rgb[..., 2] < 80)
    return np.argwhere(red).mean(axis=0) / np.array(rgb.shape[:2])


@pytest.mark.parametrize("ext", ["mp4", "mkv", "avi", "mov", "webm"])
def test_video_formats_decode_all_frames_with_timestamps(tmp_path, ext):
    codec = "libvpx-vp9" if ext == "webm" else "libx264"
    frames = [marker_frame(value=i * 10) for i in range(12)]
    path = write_video(tmp_path / f"clip.{ext}", frames, fps=24, codec=codec)
    src = open_source(path)
    got = list(src)
    assert isinstance(src, VideoSource)
    assert len(got) == 12 and src.info.frames_read == 12 and src.info.stopped_early is None
    assert np.allclose([f.timestamp for f in got], np.arange(12) / 24, atol=1e-3)
    assert src.info.fps == pytest.approx(24)
    assert (src.info.width, src.info.height) == (160, 120)
    assert abs(int(got[5].rgb[60, 100, 1]) - 50) < 12  # grey level survives compression
    assert len(src.info.sha256) == 64


def test_variable_frame_rate_keeps_container_timestamps(tmp_path):
    pts = [0, 33, 66, 150, 160, 400, 433, 1000]
    path = write_video(tmp_path / "vfr.mp4", [marker_frame(value=v * 20) for v in range(8)], fps=30, pts_ms=pts)
    got = [f.timestamp for f in VideoSource(path)]
    assert np.allclose(got, np.array(pts) / 1000, atol=1e-3)


@pytest.mark.parametrize("ffmpeg_rotation, expected_clockwise", [(-90, 90), (90, 270), (180, 180)])
def test_phone_rotation_flag_gives_upright_frames(tmp_path, ffmpeg_rotation, expected_clockwise):
    # A landscape-coded frame with the marker top-left; the display matrix says how to show it.
    path = write_video(tmp_path / "rot.mp4", [marker_frame()] * 3, rotation=ffmpeg_rotation)
    src = VideoSource(path)
    frame = next(iter(src))
    assert src.info.rotation_deg == expected_clockwise
    expected = upright(marker_frame(), expected_clockwise)
    assert frame.rgb.shape == expected.shape
    assert (src.info.width, src.info.height) == (expected.shape[1], expected.shape[0])
    assert np.allclose(red_centre(frame.rgb), red_centre(expected), atol=0.05)


def test_upright_turns_clockwise():
    img = marker_frame(160, 120)
    # turned 90 degrees clockwise, the top-left corner goes to the top-right
    r, c = red_centre(upright(img, 90))
    assert r < 0.2 and c > 0.8
    r, c = red_centre(upright(img, 270))
    assert r > 0.8 and c < 0.2


@pytest.mark.parametrize("fmt, ext", [("JPEG", "jpg"), ("PNG", "png")])
def test_still_images(tmp_path, fmt, ext):
    p = tmp_path / f"photo.{ext}"
    Image.fromarray(marker_frame(200, 100)).save(p, fmt)
    src = open_source(p)
    assert isinstance(src, ImageSource)
    frames = list(src)
    assert len(frames) == 1 and frames[0].timestamp == 0.0 and frames[0].rgb.shape == (100, 200, 3)
    assert np.allclose(red_centre(frames[0].rgb), [0.12, 0.12], atol=0.05)


def test_jpeg_exif_orientation_is_applied(tmp_path):
    p = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display", as phones write for portrait shots
    Image.fromarray(marker_frame(200, 100)).save(p, "JPEG", exif=exif)
    src = ImageSource(p)
    rgb = next(iter(src)).rgb
    assert rgb.shape == (200, 100, 3) and src.info.rotation_deg == 90
    r, c = red_centre(rgb)
    assert r < 0.25 and c > 0.75


def test_heic_photo(tmp_path):
    import pillow_heif

    p = tmp_path / "iphone.heic"
    pillow_heif.from_pillow(Image.fromarray(marker_frame(256, 192))).save(p, quality=90)
    src = open_source(p)
    rgb = next(iter(src)).rgb
    assert isinstance(src, ImageSource) and rgb.shape == (192, 256, 3)
    assert np.allclose(red_centre(rgb), [0.12, 0.12], atol=0.05)


def test_large_frames_scaled_for_model_keep_aspect():
    img = np.zeros((2160, 3840, 3), np.uint8)
    small, s = scale_for_model(img, 960)
    assert small.shape == (540, 960, 3) and s == pytest.approx(0.25)
    same, s1 = scale_for_model(small, 960)
    assert same is small and s1 == 1.0


def test_unknown_suffix_is_sniffed(tmp_path):
    Image.fromarray(marker_frame()).save(tmp_path / "photo.bin", "PNG")
    write_video(tmp_path / "clip.mkv", [marker_frame()] * 4).rename(tmp_path / "clip.dat")
    assert isinstance(open_source(tmp_path / "photo.bin"), ImageSource)
    assert isinstance(open_source(tmp_path / "clip.dat"), VideoSource)


@pytest.mark.parametrize("ext", ["mp4", "mkv", "avi"])
def test_read_frame_by_seeking_matches_sequential_decoding(tmp_path, ext):
    from vision.sources import read_frame

    frames = [marker_frame(value=i * 8) for i in range(30)]
    path = write_video(tmp_path / f"clip.{ext}", frames, fps=10, options={"g": "10"} if ext == "mp4" else None)
    seq = list(VideoSource(path))
    for k in (0, 13, 29):
        got = read_frame(path, k, seq[k].timestamp)
        assert np.array_equal(got, seq[k].rgb)


def test_video_frames_scaled_in_the_decoder_keep_their_original_size(tmp_path):
    path = write_video(tmp_path / "big.mp4", [marker_frame(640, 360)] * 3, rotation=-90)
    frames = list(VideoSource(path, max_side=320))
    assert frames[0].rgb.shape == (320, 180, 3) and frames[0].size == (360, 640)
    assert np.allclose(red_centre(frames[0].rgb), red_centre(upright(marker_frame(640, 360), 90)), atol=0.05)
