"""The page as a person sees it, driven by Streamlit's AppTest (no browser): the built-in example on the first
screen, the upload path with a rendered figure, the roles, a movement test, the intake form and the advice,
the live webcam section with the WebRTC component stubbed, and refused uploads.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from conftest import ROOT

pytest.importorskip("streamlit", reason="streamlit is not installed (pip install streamlit==1.60.0 starlette==0.52.1)")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from privacy.text import md_unescape  # noqa: E402
from ui import results as ur  # noqa: E402

APP = ROOT / "app.py"
SAMPLE = ROOT / "sample_media" / "standing_side.mp4"
PHOTO = ROOT / "sample_media" / "standing_side_photo.png"
TIMEOUT = 300  # s: MediaPipe on a shared 2-core machine
needs_samples = pytest.mark.skipif(not (SAMPLE.is_file() and PHOTO.is_file()),
                                   reason="sample_media is not generated (python -m vision.synthetic.make_samples)")


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def run_app(**session) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for k, v in session.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> list[str]:
    """The text of each element as the reader sees it (file names are Markdown-escaped by the page)."""
    return [md_unescape(e.value) if isinstance(e.value, str) else e.value for e in elements]


def all_text(at: AppTest) -> str:
    parts = texts(at.markdown) + texts(at.caption) + texts(at.info) + texts(at.warning) + texts(at.error)
    parts += texts(at.success) + texts(at.subheader) + texts(at.header)
    return "\n".join(str(p) for p in parts)


def metrics_frame(at: AppTest):
    frames = [d.value for d in at.dataframe if "Measure" in d.value.columns]
    assert len(frames) == 1, [list(d.value.columns) for d in at.dataframe]
    return frames[0]


@needs_samples
def test_first_screen_shows_the_full_sample_result(monkeypatch):
    monkeypatch.delenv(ur.SAMPLE_ENV, raising=False)
    at = run_app()
    assert at.title[0].value == ur.TITLE
    assert at.radio(key="source").value == "sample" and at.radio(key="role").value == "client"
    assert any("built-in sample" in t for t in texts(at.caption))
    assert texts(at.subheader) == ["Result: standing_side.mp4"]
    assert len(at.image) >= 1 and any("plumb line" in (c or "") for img in at.image for c in img.captions)
    # the lead: what is fine (green), what is outside the usual range (amber), the next step (blue)
    assert texts(at.success)[0].startswith("In the usual range: pelvis, upper body")
    assert texts(at.warning) == ["Outside the usual range: shoulder in front of the balance line more than usual."]
    assert texts(at.info)[0].startswith("Next step: answer the few questions below")
    text = all_text(at)
    for jargon in ("ASIS", "craniovertebral", "% of your height", "Hip angle: 180"):
        assert jargon not in text, jargon
    assert "Pelvis: tipped forward about 7°, in the usual range. An estimate from the outline of your body." in text
    df = metrics_frame(at)  # the numbers, folded below for a client
    assert list(df.columns) == ["Measure", "Value", "Usual range", "Compared with usual", "Kind"]
    row = df[df["Measure"] == "Pelvic tilt (estimate)"].iloc[0]
    assert row["Kind"] == "estimate" and row["Usual range"] == "0 to 20°"
    assert len(at.get("vega_lite_chart")) == 4  # three angles over time, the back's curve
    assert [b.label for b in at.download_button] == ["Printable summary (PDF)", "Report (JSON)", "Measurements (CSV)",
                                                     "Landmarks (CSV)", "Track (.pose.npz)", "Key frame (PNG)",
                                                     "Annotated video"]
    assert "What to do" in texts(at.header)
    # the safety questions come before any advice, as questions; no plan is shown until they are answered
    assert any("advice appears here once the safety questions" in t for t in texts(at.info))
    assert "Possible contributors" not in text and "Measure again" not in text and "saddle area" not in text
    assert at.radio(key="q_red_flags.saddle_numbness").value is None


@needs_samples
def test_axis_ranges_are_honest():
    from ui.present import axis_domain

    lo, hi = axis_domain([179.2, 179.6, 180.0], 10.0)
    assert hi - lo >= 10.0 and lo < 179.2 and hi > 180.0  # half a degree of noise no longer fills the chart
    lo, hi = axis_domain([-100.0, 100.0], 10.0)
    assert lo <= -100 and hi >= 100


@needs_samples
def test_therapist_sees_confidence_and_definitions(monkeypatch):
    monkeypatch.delenv(ur.SAMPLE_ENV, raising=False)
    at = run_app(role="therapist")
    df = metrics_frame(at)
    assert {"Confidence", "Spread (SD)", "Range basis"} <= set(df.columns)
    conf = float(df[df["Measure"] == "Trunk inclination"].iloc[0]["Confidence"])
    assert 0 < conf <= 1
    assert "Each measure in everyday words" not in [e.label for e in at.expander]
    assert any("Angle of the line hip midpoint" in t for t in texts(at.markdown))  # definitions
    assert any(d.value.columns.tolist() == ["What", "Value"] for d in at.dataframe)  # recording summary


@needs_samples
def test_upload_a_rendered_photo(monkeypatch, tmp_path):
    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "none.mp4"))
    at = run_app(source="upload")
    assert len(at.file_uploader) == 1
    assert set(at.file_uploader[0].allowed_type) >= {".mp4", ".mov", ".avi", ".webm", ".mkv", ".jpg", ".png", ".heic"}
    assert not at.subheader
    assert any("The recording must show" in t for t in texts(at.caption))  # the set-up guide, below the upload box
    at.file_uploader[0].set_value(("my photo.png", PHOTO.read_bytes(), "image/png"))
    at.run()
    assert not at.exception and not at.error
    assert texts(at.subheader) == ["Result: my photo.png"]
    df = metrics_frame(at)
    assert "Pelvic tilt (estimate)" in set(df["Measure"])
    assert not at.get("video")  # a photo has no clip
    assert [b.label for b in at.download_button][-1] == "Annotated photo"
    assert not at.get("vega_lite_chart") or len(at.get("vega_lite_chart")) == 1  # no time series


@needs_samples
def test_a_recording_that_cannot_be_measured_shows_only_what_went_wrong(monkeypatch, tmp_path):
    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "none.mp4"))
    at = run_app(source="upload")
    at.file_uploader[0].set_value(("front.jpg", (ROOT / "sample_media" / "standing_front.jpg").read_bytes(),
                                   "image/jpeg"))  # a front view where the side is needed
    at.run()
    assert not at.exception
    assert texts(at.subheader) == ["Result: front.jpg"]
    text = all_text(at)
    assert text.count("88 degrees away from a right side view") == 1  # each problem once
    assert "Turn about 90 degrees to your left" in text  # with how to fix it, starting in upper case
    assert any("Set it up like this" in t for t in texts(at.markdown)) and len(at.image) == 2  # and the set-up
    assert not at.dataframe and not at.get("vega_lite_chart") and not at.download_button  # no numbers or files
    assert "What to do" not in texts(at.header)
    assert not [r for r in at.radio if (r.key or "").startswith("q_")]  # no advice questions either
    assert "Measure again" not in text and "Possible contributors" not in text


def test_a_photo_with_nobody_in_it_shows_only_what_went_wrong(monkeypatch, tmp_path):
    import io

    from PIL import Image

    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "none.mp4"))
    buf = io.BytesIO()
    Image.new("RGB", (640, 480)).save(buf, format="JPEG")  # a black webcam frame
    at = run_app(source="upload")
    at.file_uploader[0].set_value(("webcam snapshot.jpg", buf.getvalue(), "image/jpeg"))
    at.run()
    assert not at.exception
    text = all_text(at)
    assert text.count("No person was found") == 1 and "Was the recording good enough?" not in text
    assert not at.download_button and not at.dataframe


def answer_safety(at: AppTest, value: str = "no", **change) -> None:
    for r in at.radio:
        if r.key and r.key.startswith("q_red_flags."):
            r.set_value(change.get(r.key[len("q_red_flags."):], value))


@needs_samples
def test_intake_answers_change_the_advice(monkeypatch):
    monkeypatch.delenv(ur.SAMPLE_ENV, raising=False)
    at = run_app()
    at.selectbox(key="q_pain_location").set_value("both_sides")
    at.multiselect(key="q_triggers").set_value(["standing_up"])
    at.number_input(key="q_age").set_value(40)
    submit = [b for b in at.button if b.label == "Show the advice"]
    submit[0].click()
    at.run()  # the safety questions are not answered yet: no advice, and it says why
    assert any("answer every safety question" in t for t in texts(at.error))
    assert "Stretches, and why each is suggested" not in all_text(at)
    answer_safety(at)
    [b for b in at.button if b.label == "Show the advice"][0].click()
    at.run()
    assert not at.exception and not at.error
    text = all_text(at)
    assert "Possible contributors" in text and "front of the thighs" in text.lower()
    assert "Stretches, and why each is suggested" in text and "*Why:*" in text
    assert "pain has changed" in text  # pain was reported
    assert any(t.startswith("Next step: the 2 stretches") or t.startswith("Next step: the ") for t in texts(at.info))
    # a red flag stops the stretch advice
    answer_safety(at, bladder_bowel="yes")
    [b for b in at.button if b.label == "Show the advice"][0].click()
    at.run()
    assert any("urgently" in t for t in texts(at.error))
    assert "Stretches, and why each is suggested" not in all_text(at)


@needs_samples
def test_a_movement_test_on_its_example(monkeypatch):
    monkeypatch.delenv(ur.SAMPLE_ENV, raising=False)
    at = run_app(check="hip_extension")
    assert texts(at.subheader) == ["Result: hip_extension.mp4"]
    text = all_text(at)
    assert "Standing hip extension - right leg" in text
    assert "How far the thigh goes back: in the usual range." in text  # the best repetition, in everyday words
    assert "Thigh behind vertical" not in text.split("Result")[0]  # no usual range: for the therapist
    df = metrics_frame(at)
    assert any(m.startswith("Hip extension") for m in df["Measure"])
    assert len(at.get("vega_lite_chart")) >= 1  # the movement over time, one chart per angle
    at.radio(key="role").set_value("therapist").run()
    assert "repetition(s) found" in all_text(at)


def test_the_tested_leg_can_be_stated_for_a_one_leg_test(monkeypatch):
    """A one-leg movement test offers the tested leg (found from the movement unless stated); standing posture
    does not."""
    monkeypatch.delenv(ur.SAMPLE_ENV, raising=False)
    at = run_app()
    assert not [r for r in at.radio if r.key == "leg"]
    at = run_app(check="hip_extension")
    assert at.radio(key="leg").value is None  # found from the movement
    at.radio(key="leg").set_value("right").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "right leg, near the camera (as stated)" in all_text(at)


def test_live_webcam_section_with_the_component_stubbed(monkeypatch, tmp_path):
    import streamlit_webrtc

    from ui.live import LiveProcessor

    calls = []

    class Ctx:
        class state:
            playing = False

    def fake_streamer(**kwargs):
        calls.append(kwargs)
        return Ctx()

    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", fake_streamer)
    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "none.mp4"))
    at = run_app(source="live")
    assert len(calls) == 1
    kw = calls[0]
    assert kw["rtc_configuration"] == {"iceServers": []}
    assert kw["media_stream_constraints"]["audio"] is False
    cb = kw["queued_video_frames_callback"]
    assert isinstance(cb.__self__, LiveProcessor) and cb.__self__.config.want == "side"
    text = all_text(at)
    assert "Waiting for the camera" in text and "Press START" in text and "Frames analysed" not in text
    assert not at.subheader  # no result before a capture
    # movement tests are recorded and uploaded instead
    at.selectbox(key="check").set_value("thomas")
    at.run()
    assert len(calls) == 1 and any("Upload a video or photo" in t for t in texts(at.info))


def test_missing_sample_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "standing_side.mp4"))
    at = run_app()
    assert any("is not on this computer" in t for t in texts(at.info))
    assert not at.error and not at.download_button


def test_unreadable_upload_shows_one_plain_error(monkeypatch, tmp_path):
    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "none.mp4"))
    at = run_app(source="upload")
    at.file_uploader[0].set_value(("notes.mp4", b"shopping list: eggs, milk\n" * 50, "video/mp4"))
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "notes.mp4" in texts(at.error)[0] and "Traceback" not in at.error[0].value
    assert not at.download_button


def test_too_large_upload_is_refused_with_advice(monkeypatch, tmp_path):
    monkeypatch.setenv(ur.SAMPLE_ENV, str(tmp_path / "none.mp4"))
    monkeypatch.setattr(ur, "MAX_UPLOAD_MB", 1)
    at = run_app(source="upload")
    at.file_uploader[0].set_value(("big.mp4", np.zeros(1024 * 1024 + 1, np.uint8).tobytes(), "video/mp4"))
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "1 MB" in at.error[0].value and "Trim" in at.error[0].value
    assert not at.download_button
