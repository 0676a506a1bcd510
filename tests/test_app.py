"""The page as a person sees it, driven by Streamlit's AppTest (no browser): sample, missing sample, uploads."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from conftest import ROOT, SHARED_DATA, marker_frame, needs_shared_data, write_video

pytest.importorskip("streamlit", reason="streamlit is not installed (pip install streamlit==1.60.0 starlette==0.52.1)")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from ui import results as ur  # noqa: E402
from vision.sources import VideoSource  # noqa: E402

APP = ROOT / "app.py"
CLIP = SHARED_DATA / "video" / "sports2d__demo3.mp4"
TIMEOUT = 300  # s: MediaPipe on a shared 2-core machine


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture
def count_analyses(monkeypatch):
    """Count calls of the pipeline (the app reaches it through ui.analyse)."""
    import vision.pipeline

    calls = []
    real = vision.pipeline.analyze_file

    def counting(*a, **k):
        calls.append(a[0])
        return real(*a, **k)

    monkeypatch.setattr(vision.pipeline, "analyze_file", counting)
    return calls


def run_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def table_rows(at: AppTest) -> dict[str, str]:
    assert len(at.table) == 1
    df = at.table[0].value
    return dict(zip(df.index, df["Value"]))


def frame_count(path) -> int:
    src = VideoSource(path)
    n = sum(1 for _ in src)
    src.close()
    return n


def test_missing_sample_says_so_and_still_offers_upload(monkeypatch, tmp_path):
    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "standing_side.mp4"))
    at = run_app()
    assert at.title[0].value == ur.TITLE
    assert any("not a diagnosis" in t or "never a diagnosis" in t for t in texts(at.markdown))
    assert len(at.file_uploader) == 1
    assert set(at.file_uploader[0].allowed_type) >= {".mp4", ".mov", ".avi", ".webm", ".mkv", ".jpg", ".png", ".heic"}
    assert any("is not on this computer" in t and "Upload" in t for t in texts(at.info))
    assert not at.error and not at.table and not at.download_button


@needs_shared_data
def test_no_upload_shows_the_sample_result(monkeypatch, count_analyses):
    monkeypatch.setenv(ur.SAMPLE_ENV, str(CLIP))
    at = run_app()
    assert any("built-in sample" in t and CLIP.name in t for t in texts(at.info))
    assert not at.error
    rows = table_rows(at)
    assert rows["Frames read"] == str(frame_count(CLIP))
    assert rows["File"].startswith(CLIP.name)
    for key in ("Frames with a person", "View guess", "Mean landmark visibility", "Processing speed"):
        assert key in rows
    assert len(at.get("video")) == 1
    assert len(at.image) == 1 and "seen best" in at.image[0].captions[0]
    assert bool(at.warning) != bool(at.success)  # problems, or the plain "no problems"
    labels = [b.label for b in at.download_button]
    assert labels == ["Summary (JSON)", "Landmarks (CSV)", "Track (.pose.npz)", "Annotated video"]
    assert len(count_analyses) == 1

    at.run()  # a rerun (any click) must not analyse again
    assert len(count_analyses) == 1 and table_rows(at) == rows


def test_default_sample_when_present(monkeypatch):
    monkeypatch.delenv(ur.SAMPLE_ENV, raising=False)
    if not ur.DEFAULT_SAMPLE.is_file():
        at = run_app()
        assert any("is not on this computer" in t for t in texts(at.info))
        pytest.skip(f"{ur.DEFAULT_SAMPLE} is not generated yet (checked the 'missing' message instead)")
    at = run_app()
    assert not at.error
    rows = table_rows(at)
    assert rows["Frames read"] == str(frame_count(ur.DEFAULT_SAMPLE))
    assert int(rows["Frames with a person"].split()[0]) > 0  # the sample must show a person to a newcomer


@needs_shared_data
def test_upload_a_clip(monkeypatch, tmp_path):
    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "none.mp4"))
    at = run_app()
    at.file_uploader[0].set_value(("my side view.mp4", CLIP.read_bytes(), "video/mp4"))
    at.run()
    assert not at.exception and not at.error
    assert [h.value for h in at.subheader] == ["Result: my side view.mp4"]
    assert not any("sample" in t for t in texts(at.info))
    assert table_rows(at)["Frames read"] == str(frame_count(CLIP))
    assert len(at.download_button) == 4


@needs_shared_data
def test_upload_a_photo(monkeypatch, tmp_path):
    import io

    from PIL import Image

    src = VideoSource(CLIP)
    frames = [f.rgb for f in src]
    frame = frames[len(frames) // 2]
    src.close()
    buf = io.BytesIO()
    Image.fromarray(frame).save(buf, "PNG")
    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "none.mp4"))
    at = run_app()
    at.file_uploader[0].set_value(("me.png", buf.getvalue(), "image/png"))
    at.run()
    assert not at.exception and not at.error
    rows = table_rows(at)
    assert rows["Frames read"] == "1" and "photo" in rows["File"]
    assert not at.get("video")  # a photo has no clip to play
    assert len(at.image) == 1
    assert [b.label for b in at.download_button][-1] == "Annotated photo"


def test_unreadable_upload_shows_one_plain_error(monkeypatch, tmp_path):
    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "none.mp4"))
    at = run_app()
    at.file_uploader[0].set_value(("notes.mp4", b"shopping list: eggs, milk\n" * 50, "video/mp4"))
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "notes.mp4" in at.error[0].value and "Traceback" not in at.error[0].value
    assert not at.table and not at.download_button


def test_too_large_upload_is_refused_with_advice(monkeypatch, tmp_path):
    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "none.mp4"))
    monkeypatch.setattr(ur, "MAX_UPLOAD_MB", 1)
    at = run_app()
    at.file_uploader[0].set_value(("big.mp4", np.zeros(1024 * 1024 + 1, np.uint8).tobytes(), "video/mp4"))
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "1 MB" in at.error[0].value and "Trim" in at.error[0].value
    assert not at.table


def test_problems_are_shown_as_warnings(monkeypatch, tmp_path):
    clip = write_video(tmp_path / "empty room.mp4", [marker_frame(160, 120, 90 + i) for i in range(12)], fps=12)
    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "none.mp4"))
    at = run_app()
    at.file_uploader[0].set_value(("empty room.mp4", clip.read_bytes(), "video/mp4"))
    at.run()
    assert not at.exception and not at.error and not at.success
    assert any("No person was found in any of the 12 frames" in w for w in texts(at.warning))
    assert table_rows(at)["Frames with a person"] == "0 (0%)"
    assert "No person was found" in at.image[0].captions[0]
