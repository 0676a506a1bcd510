"""The app's decisions and wording (ui.results, ui.analyse) on arrays and on real analyses, without Streamlit."""

from __future__ import annotations

import io
import json
import sys
import tomllib

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT, SHARED_DATA, needs_shared_data

if str(ROOT) not in sys.path:  # the ui package is not in pyproject's installed packages (yet)
    sys.path.insert(0, str(ROOT))

from analysis.summary import track_summary  # noqa: E402
from ui import results as ur  # noqa: E402
from ui.analyse import ResultCache, analyse_path, analyse_upload, video_frame  # noqa: E402
from vision.errors import InputError  # noqa: E402
from vision.sequence import PoseSequence  # noqa: E402
from vision.sources import VideoSource  # noqa: E402

CLIP = SHARED_DATA / "video" / "sports2d__demo3.mp4"


# ---------------------------------------------------------------- which file, which upload


def test_sample_path_default_and_override(tmp_path):
    assert ur.sample_path({}) == ROOT / "sample_media" / "standing_side.mp4"
    assert ur.sample_path({ur.SAMPLE_ENV: "  "}) == ur.DEFAULT_SAMPLE
    assert ur.sample_path({ur.SAMPLE_ENV: str(tmp_path / "x.mp4")}) == tmp_path / "x.mp4"


def test_sample_missing_message_names_the_file_and_offers_upload():
    msg = ur.sample_missing_message(ROOT / "sample_media" / "standing_side.mp4")
    assert "sample_media/standing_side.mp4" in msg and "Upload" in msg
    assert str(ROOT) not in msg  # project-relative, no machine path


@pytest.mark.parametrize("name", ["clip.mp4", "CLIP.MOV", "a.avi", "a.webm", "a.mkv", "p.jpg", "p.JPEG", "p.png",
                                  "p.heic", "p.heif"])
def test_upload_accepted(name):
    assert ur.upload_problem(name, 1000) is None


@pytest.mark.parametrize("name", ["notes.txt", "clip", "archive.zip", "report.pdf"])
def test_upload_wrong_type(name):
    msg = ur.upload_problem(name, 1000)
    assert msg and name in msg and "mp4" in msg and "jpg" in msg


def test_upload_size_limit():
    limit = 7 * 1024 * 1024
    assert ur.upload_problem("a.mp4", limit, max_mb=7) is None
    msg = ur.upload_problem("a.mp4", limit + 1, max_mb=7)
    assert msg and "7 MB" in msg and "Trim" in msg
    assert "empty" in ur.upload_problem("a.mp4", 0)


def test_config_matches_the_page_and_keeps_everything_local():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["maxUploadSize"] == ur.MAX_UPLOAD_MB
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["server"]["headless"] is True
    assert cfg["server"]["address"] in ("localhost", "127.0.0.1")


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd.mp4", "passwd.mp4"),
    ("My clip (1).MOV", "My_clip_1.mov"),
    ("C:\\Users\\ann\\side view.jpg", "side_view.jpg"),
    ("...", "upload"),
    ("photo.final.v2.heic", "photo_final_v2.heic"),
    ("Screen Shot 2017-09-09 at 2.16.54 PM.png", "Screen_Shot_2017-09-09_at_2_16_54_PM.png"),
])
def test_safe_filename(name, expected):
    assert ur.safe_filename(name) == expected


# ---------------------------------------------------------------- what is shown


def _track(detected: np.ndarray, vis_level: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Landmarks/visibility/world for T frames: a person side-on where ``detected``, NaN elsewhere."""
    t = len(detected)
    lm = rng.uniform(0.3, 0.7, (t, 33, 3)).astype(np.float32)
    world = rng.normal(0, 0.2, (t, 33, 3)).astype(np.float32)
    world[:, [11, 23], :] = (0.0, 0.0, -0.1)  # left side nearer the camera: left-side view
    world[:, [12, 24], :] = (0.0, 0.0, 0.1)
    vis = np.clip(vis_level[:, None] + rng.normal(0, 0.01, (t, 33)), 0, 1).astype(np.float32)
    lm[~detected], world[~detected], vis[~detected] = np.nan, np.nan, np.nan
    return lm, vis, world


def test_best_frame_is_the_best_seen_frame_with_a_person():
    rng = np.random.default_rng(1)
    detected = np.array([True, True, False, True, True])
    level = np.array([0.5, 0.6, 0.0, 0.9, 0.7])
    _, vis, _ = _track(detected, level, rng)
    assert ur.best_frame_index(vis, detected) == 3
    vis2 = vis.copy()
    vis2[2] = 1.0  # a gap frame never wins, whatever its visibility says
    assert ur.best_frame_index(vis2, detected) == 3
    assert ur.best_frame_index(vis, np.zeros(5, bool)) is None


def _summary(detected, level, kind="video"):
    lm, vis, world = _track(np.asarray(detected), np.asarray(level, float), np.random.default_rng(2))
    s = track_summary(lm, vis, world)
    s["source"] = {"kind": "image" if kind == "photo" else "video", "name": "me.mp4", "width": 640, "height": 480,
                   "fps": 30.0, "duration_s": len(detected) / 30}
    s["processing"] = {"seconds": 2.0, "fps": len(detected) / 2.0}
    return s


def test_summary_rows_video():
    s = _summary([True] * 8 + [False] * 2, [0.8] * 10)
    rows = dict(ur.summary_rows(s))
    assert rows["Frames read"] == "10"
    assert rows["Frames with a person"] == "8 (80%)"
    assert rows["View guess"].startswith(s["view"]["label"]) and f"{s['view']['yaw_deg']:+.0f} deg" in rows["View guess"]
    assert rows["Mean landmark visibility"].startswith(f"{s['mean_visibility']:.2f}")
    assert "640 x 480" in rows["File"] and "video" in rows["File"]
    assert rows["Processing speed"].startswith("5.0 frames/s")
    assert all(isinstance(v, str) for v in rows.values())
    assert "not accepted" not in rows["View guess"]
    s["view"]["refused_by_check"] = "the camera sees you from an angle"  # a movement test's view check refused it
    assert "not accepted by the view check" in dict(ur.summary_rows(s))["View guess"]


def test_summary_rows_no_person_and_photo():
    s = _summary([False] * 3, [0.0] * 3)
    rows = dict(ur.summary_rows(s))
    assert rows["Frames with a person"] == "0 (0%)"
    assert rows["View guess"] == "unknown" and "n/a" in rows["Mean landmark visibility"]
    assert "Whole body in view" not in rows
    p = _summary([True], [0.9], kind="photo")
    assert dict(ur.summary_rows(p))["File"] == "me.mp4 (photo, 640 x 480 px)"
    assert "photo" in ur.key_frame_caption(p, 0, 0.0)
    assert "No person" in ur.key_frame_caption(s, None, None)


def test_progress_reporter_updates_about_once_per_percent():
    shown = []
    rep = ur.ProgressReporter(lambda f, t: shown.append((f, t)))
    for i in range(1, 1001):
        rep(i, 1000)
    assert 95 <= len(shown) <= 101
    assert shown[-1][0] == 1.0 and "1000 of about 1000" in shown[-1][1]
    assert all(b[0] >= a[0] for a, b in zip(shown, shown[1:]))
    rep2_calls = []
    rep2 = ur.ProgressReporter(lambda f, t: rep2_calls.append((f, t)))
    for i in range(1, 101):
        rep2(i, None)
    assert 3 <= len(rep2_calls) <= 5 and rep2_calls[-1][0] == 0.0
    ur.ProgressReporter(lambda f, t: shown.append((f, t)))(1200, 1000)  # container under-stated its frames
    assert shown[-1][0] == 1.0


def test_result_cache_keeps_the_most_recent():
    cache = ResultCache(max_entries=2)
    cache.put(("a",), "A")
    cache.put(("b",), "B")
    assert cache.get(("a",)) == "A"  # a is now the most recent
    cache.put(("c",), "C")
    assert cache.get(("b",)) is None and cache.get(("a",)) == "A" and cache.get(("c",)) == "C"
    assert len(cache) == 2


# ---------------------------------------------------------------- real analyses


@pytest.fixture(scope="module")
def clip_result(tmp_path_factory):
    if not CLIP.is_file():
        pytest.skip(f"real test clip {CLIP} is absent")
    import tempfile

    tmp = tmp_path_factory.mktemp("tmpdir")
    old = tempfile.tempdir
    tempfile.tempdir = str(tmp)  # everything the analysis writes goes here, to check it is all removed
    try:
        with open(CLIP, "rb") as f:
            result = analyse_upload("Side view (1).MP4", f)
    finally:
        tempfile.tempdir = old
    return result, tmp


@needs_shared_data
def test_upload_analysis_leaves_nothing_on_disk(clip_result):
    _, tmp = clip_result
    assert list(tmp.iterdir()) == []


@needs_shared_data
def test_upload_analysis_matches_the_clip(clip_result):
    result, _ = clip_result
    src = VideoSource(CLIP)
    n = sum(1 for _ in src)
    src.close()
    assert result.kind == "video" and result.name == "Side view (1).MP4" and result.stem == "Side_view_1"
    assert result.summary["frames"] == n == len(result.sequence)
    assert result.summary["source"]["name"] == "Side view (1).MP4"
    assert "posture-" not in result.summary_json.decode()  # no temporary path in the download
    assert json.loads(result.summary_json)["frames_with_person"] == int(result.sequence.detected.sum()) > 0
    seq = PoseSequence.load(io.BytesIO(result.track_npz))
    np.testing.assert_array_equal(seq.landmarks, result.sequence.landmarks)
    assert seq.source.path == "Side view (1).MP4"


@needs_shared_data
def test_key_frame_is_the_best_seen_annotated_frame(clip_result, tmp_path):
    result, _ = clip_result
    seq = result.sequence
    k = result.key_index
    assert seq.detected[k]
    assert np.mean(seq.visibility[k]) == pytest.approx(np.max(np.mean(seq.visibility[seq.detected], axis=1)))
    assert result.key_time == pytest.approx(seq.timestamps[k])
    (tmp_path / "a.mp4").write_bytes(result.annotated)
    assert sum(1 for _ in VideoSource(tmp_path / "a.mp4")) == len(seq)  # one annotated frame per frame
    if result.keyframe_png is None:  # no assessment: the best-seen annotated frame
        np.testing.assert_array_equal(result.key_frame, video_frame(tmp_path / "a.mp4", k))
        assert not np.array_equal(result.key_frame, video_frame(tmp_path / "a.mp4", 0 if k else len(seq) - 1))
    else:  # the assessment's key frame, drawn with the plumb line, angles and back contour
        np.testing.assert_array_equal(result.key_frame, np.asarray(Image.open(io.BytesIO(result.keyframe_png)).convert("RGB")))
        assert result.assessment is not None and result.assessment_json


@needs_shared_data
def test_csv_download_has_a_row_per_frame_and_landmark(clip_result):
    result, _ = clip_result
    text = result.csv_bytes().decode()
    lines = text.splitlines()
    assert lines[0].startswith("frame_index,time_s,landmark_index")
    assert len(lines) == 1 + 33 * len(result.sequence)
    assert result.csv_bytes() is result.csv_bytes()  # made once


@needs_shared_data
def test_photo_upload(tmp_path, clip_result):
    result, _ = clip_result
    frame = video_frame(CLIP, result.key_index)
    buf = io.BytesIO()
    Image.fromarray(frame).save(buf, "JPEG", quality=92)
    photo = analyse_upload("me.jpg", buf.getvalue())
    assert photo.kind == "photo" and photo.summary["frames"] == 1
    assert photo.annotated[:8] == b"\x89PNG\r\n\x1a\n"
    assert photo.key_frame.shape[:2] == Image.open(io.BytesIO(photo.annotated)).size[::-1]
    assert photo.key_index == (0 if photo.sequence.detected[0] else None)


def test_unreadable_upload_raises_input_error(tmp_path):
    with pytest.raises(InputError, match="notes.mp4"):
        analyse_upload("notes.mp4", b"shopping list: eggs, milk\n" * 50)


def test_analyse_path_of_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        analyse_path(tmp_path / "gone.mp4")


def test_sessions_opening_the_same_file_share_one_analysis():
    import threading
    import time

    cache, calls, got = ResultCache(max_entries=4), [], []

    def analyse():
        calls.append(1)
        time.sleep(0.3)  # eight sessions arrive while it runs
        return f"result {len(calls)}"

    threads = [threading.Thread(target=lambda: got.append(cache.get_or_compute(("sample", "sha"), analyse)))
               for _ in range(8)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert len(calls) == 1 and got == ["result 1"] * 8
    assert cache.get_or_compute(("other", "sha"), analyse) == "result 2"  # another file: its own analysis


def test_user_text_is_never_markdown():
    from privacy.text import md_escape, md_unescape

    evil = "**b** ![x](http://example.invalid/p.png) :red[alarm] :material/home: $x$ # h\n- item <b>"
    esc = md_escape(evil)
    for s in ("**", "](", ":red[", ":material/", "$x$", "<b>"):
        assert s not in esc, s
    assert md_unescape(esc) == " ".join(evil.split())  # the same text, on one line


def _sample_truth(name):
    from vision.synthetic.truth import landmark_array

    d = json.loads((ROOT / "sample_media" / f"{name}.json").read_text())
    px = np.stack([landmark_array(f) for f in d["frames"]])
    return np.array([f["time_s"] for f in d["frames"]]), px, np.ones(px.shape[:2])


@pytest.mark.parametrize("name,kind", [("hip_extension", "hip_extension"), ("thomas_test", "thomas"),
                                       ("sit_to_stand", "sit_to_stand"), ("prone_knee_bend", "ely")])
def test_a_movement_test_shows_the_frame_it_measured_at(name, kind):
    """The key frame of a movement test is where its result was taken (the best repetition's peak, the
    middle of a held position, the moment of standing up), not the frame where the body is seen best; a
    refused result has none."""
    from analysis.movement import run_movement_test

    t, px, vis = _sample_truth(name)
    res = run_movement_test(kind, t, px, vis)
    assert res["ok"]
    k, note = ur.measured_frame(res)
    rep = res["repetitions"][0]
    if kind == "sit_to_stand":
        assert k == rep["events"]["stand"] and "standing up" in note
    elif kind == "thomas":
        assert rep["phases"]["hold_start"] <= k <= rep["phases"]["hold_end"] and "hold" in note
    else:  # the repetition whose value is the best one
        best = max(res["repetitions"], key=lambda r: next(iter(r["metrics"].values()))["value"])
        assert k == best["phases"]["peak"] and "peak" in note
    caption = ur.key_frame_caption({"source": {"kind": "video"}, "frames": len(t)}, k, float(t[k]), note)
    assert caption.startswith(f"Frame {k + 1} of {len(t)}") and note in caption and "seen best" not in caption
    n = int(np.searchsorted(t, t[0] + 0.5))
    refused = run_movement_test(kind, t[:n], px[:n], vis[:n])  # too short a clip
    assert not refused["ok"] and ur.measured_frame(refused) is None
    assert ur.measured_frame({"kind": None, "ok": True}) is None  # a standing assessment keeps its own key frame


def test_a_test_refused_for_what_the_person_did_shows_the_frame_it_was_read_from():
    """Getting up from the floor offered as a sit-to-stand is refused for its start (sitting on the floor): the key
    frame is one of the start frames the person sat on the floor in, not the frame where the body is seen best
    (which showed the squat on the way up); a refusal for another reason names no frame."""
    from analysis.movement import run_movement_test
    from vision.synthetic.activities import clip_landmarks, walked_into
    from vision.synthetic.movements import floor_rise

    for clip in (floor_rise(fps=10.0), walked_into(floor_rise(fps=10.0), seconds=2.0)):  # walked in: frames shift
        a = clip_landmarks(clip)
        res = run_movement_test("sit_to_stand", a["timestamps"], a["pixels"], a["visibility"], world=a["world"],
                                image_size=a["image_size"])
        assert not res["ok"] and ur.measured_frame(res) is None
        k, note = ur.refused_frame(res)
        assert clip.frames[k].label == "sitting" and "first problem" in note  # on the floor, before rising
    t, px, vis = _sample_truth("sit_to_stand")
    n = int(np.searchsorted(t, t[0] + 0.5))
    assert ur.refused_frame(run_movement_test("sit_to_stand", t[:n], px[:n], vis[:n])) is None  # too short a clip


def test_the_app_shows_a_lunge_at_its_peak():
    """End to end on the built-in lunge sample (MediaPipe): the key frame is the peak of the repetition."""
    result = analyse_path(ROOT / "sample_media" / "kneeling_lunge.mp4", check="lunge")
    a = result.assessment
    assert a["ok"] and result.key_index == a["repetitions"][0]["phases"]["peak"]
    assert "peak of repetition 1" in result.key_note
    assert np.isclose(result.key_time, a["repetitions"][0]["phases"]["peak_s"], atol=0.05)
