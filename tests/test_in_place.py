"""Walking into place before a test done in place, and away after it, is left out (analysis.movement.in_place)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.movement.run import run_movement_test
from vision.synthetic.activities import activity_clip, clip_landmarks, walked_into
from vision.synthetic.movements import hip_extension, kneeling_lunge, prone_knee_bend, sit_to_stand, thomas_test


def _run(kind: str, a: dict, **kw) -> dict:
    return run_movement_test(kind, a["timestamps"], a["pixels"], a["visibility"], world=a["world"],
                             image_size=a["image_size"], **kw)


@pytest.mark.parametrize("away_s", [0.0, 2.0])
def test_walking_into_place_and_away_is_left_out_of_a_hip_extension(away_s):
    """A person filming themselves walks to their place first (and may walk away after): the whole clip was
    refused ("you seem to be walking at the start"). Now the walking is left out, said so, and the test is
    measured, its frame numbers still counting from the clip's first frame."""
    clip = walked_into(hip_extension("h", reps=2, extension_deg=18.0), 2.0, away_s)
    a = clip_landmarks(clip)
    before = _run("hip_extension", a, in_place=False)
    assert not before["ok"] and any(c["name"] == "activity" and not c["passed"] for c in before["checks"])
    res = _run("hip_extension", a)
    assert res["ok"], [c["reason"] for c in res["checks"] if not c["passed"]]
    assert len(res["repetitions"]) == 2 and res["side"] == "right"
    for rep in res["repetitions"]:
        assert rep["metrics"]["thigh_behind_vertical"]["value"] == pytest.approx(18.0, abs=1.5)
        assert clip.frames[rep["phases"]["peak"]].label == f"rep {rep['repetition']}"  # the whole clip's frames
    (note,) = [c for c in res["checks"] if c["name"] == "in_place"]
    assert note["passed"] and "walking into place" in note["reason"]
    assert ("walking away" in note["reason"]) is (away_s > 0)
    (length,) = [c for c in res["checks"] if c["name"] == "clip"]
    assert length["reason"].startswith(f"a clip of {a['timestamps'][-1]:.1f} s")
    assert "of it measured" in length["reason"]
    assert [c["reason"] for c in res["checks"] if c["name"] == "found"] == ["the pose model found you in 100 % of "
                                                                          "the frames measured"]
    assert res["in_place"]["first_frame"] >= 30 and len(res["phases"]) == len(clip.frames)
    assert res["phases"][0] == "left out"


def test_a_lunge_walked_into_is_measured_from_the_half_kneel():
    clip = walked_into(kneeling_lunge("l"), 2.0)
    res = _run("lunge", clip_landmarks(clip))
    assert res["ok"] and res["in_place"]["first_frame"] >= 30
    assert [r["repetition"] for r in res["repetitions"]] == [1]


def test_a_sit_to_stand_walked_into_and_away_from_is_measured():
    """Walking in before sitting down was refused as running at the start; now left out, with the same values as
    the clip without it, and the moment of standing up (the app's key frame) on the whole clip's timeline."""
    plain = sit_to_stand("s")
    clip = walked_into(plain, 2.0, 1.5)
    a = clip_landmarks(clip)
    assert not _run("sit_to_stand", a, in_place=False)["ok"]
    res, ref = _run("sit_to_stand", a), _run("sit_to_stand", clip_landmarks(plain))
    assert res["ok"] and len(res["repetitions"]) == 1 and res["in_place"]["first_frame"] >= 30
    m, m0 = res["repetitions"][0]["metrics"], ref["repetitions"][0]["metrics"]
    assert m["hip_extension_at_stand"]["value"] == pytest.approx(m0["hip_extension_at_stand"]["value"], abs=0.5)
    stand, stand0 = res["repetitions"][0]["events"]["stand"], ref["repetitions"][0]["events"]["stand"]
    assert stand == stand0 + 30 and clip.frames[stand].label == plain.frames[stand0].label


@pytest.mark.parametrize("kind", ["thomas", "ely"])
def test_the_time_before_lying_down_and_after_getting_up_is_left_out(kind):
    """Walking to the table was counted as hug-and-holds of the Thomas test (a swinging thigh bends the hip as a
    hug does): 4 s of walking before a Thomas test and 2 s after it made four holds of one.
    Now only the part done lying is measured, and the note says what was left out. (Since session 48 the Thomas test
    also merges a "hug" below half the real hug's rise into it, so the whole clip read untrimmed gives one hold too;
    the part read is still only the lying one.)"""
    clip = walked_into(thomas_test("t") if kind == "thomas" else prone_knee_bend("e"), 4.0, 2.0)
    a = clip_landmarks(clip)
    res = _run(kind, a)
    assert len(res["repetitions"]) == 1 and res["in_place"]["first_frame"] >= 60
    (note,) = [c for c in res["checks"] if c["name"] == "in_place"]
    assert "before lying down" in note["reason"] and "after getting up" in note["reason"]
    assert clip.frames[res["repetitions"][0]["phases"]["peak"]].label != "walking"


def test_a_clip_refused_for_its_activity_does_not_say_the_person_lay_down():
    """A standing hip extension walked into and away from, run as a Thomas test: refused for its activity. The note
    on the part read said "the last 2.0 s (after getting up) were left out: the test is done lying" of a person who
    never lay down (seen on a real walking clip run as a Thomas test); it now says only which part was read."""
    res = _run("thomas", clip_landmarks(walked_into(hip_extension("h", reps=2), 4.0, 2.0)))
    assert not res["ok"] and any(c["name"] == "activity" and not c["passed"] for c in res["checks"])
    (note,) = [c for c in res["checks"] if c["name"] == "in_place"]
    assert note["reason"].startswith("only ") and "lying" not in note["reason"] and "getting up" not in note["reason"]


@pytest.mark.parametrize("name", ["walking", "running"])
def test_walking_past_the_camera_is_still_refused(name):
    """Walking the whole clip never stays in place long enough to be a test: nothing is left out, and the
    activity check refuses it as before."""
    res = _run("hip_extension", clip_landmarks(activity_clip(name, seconds=6.0, fps=15.0, travel=True)))
    assert not res["ok"] and "in_place" not in res
    assert any(c["name"] == "activity" and not c["passed"] for c in res["checks"])


def test_a_test_done_in_place_throughout_is_left_whole():
    """Nothing is left out of a test done in place throughout, nor for two frames where the pose model jumped to
    something else across the picture (not travel: the place is a running median)."""
    a = clip_landmarks(hip_extension("h", reps=2, extension_deg=18.0))
    res = _run("hip_extension", a)
    assert res["ok"] and "in_place" not in res and not any(c["name"] == "in_place" for c in res["checks"])
    a = clip_landmarks(hip_extension("h", reps=3, extension_deg=18.0))
    jumped = dict(a, pixels=a["pixels"].copy())
    jumped["pixels"][80:82, :, 0] += 300.0
    res = _run("hip_extension", jumped)
    assert "in_place" not in res and len(res["repetitions"]) == 3


def test_a_walked_in_hip_extension_is_measured_end_to_end(tmp_path):
    """Rendered (the real pose model, real video decoding): walking in, then two repetitions of 18 degrees."""
    from capture.analyze import analyze_file
    from vision.synthetic.media_io import write_clip

    path = tmp_path / "walked_in.mp4"
    write_clip(path, walked_into(hip_extension("h", reps=2, extension_deg=18.0, seed=5), 2.0))
    res = analyze_file(path, tmp_path / "out", annotate=False, test="hip_extension").assessment
    assert res["ok"], [c["reason"] for c in res["checks"] if not c["passed"]]
    assert len(res["repetitions"]) == 2 and np.isfinite(res["in_place"]["from_s"])
    for rep in res["repetitions"]:
        assert rep["metrics"]["thigh_behind_vertical"]["value"] == pytest.approx(18.0, abs=4.0)


def _longest_within_by_every_start(x, spread):
    """The longest run by trying every start (the rule :func:`longest_within` computes in one pass)."""
    best, a0, b0 = 0, 0, len(x)
    for a in range(len(x)):
        if not np.isfinite(x[a]):
            continue
        rng = np.fmax.accumulate(x[a:]) - np.fmin.accumulate(x[a:])
        b = a + int(np.argmax(rng > spread)) if (rng > spread).any() else len(x)
        if b - a > best:
            best, a0, b0 = b - a, a, b
    return a0, b0


def test_the_longest_run_in_place_is_found_in_one_pass():
    """The one-pass run (two monotonic queues) is the one found by trying every start, with frames lost
    anywhere, on walks of every kind."""
    from analysis.movement.in_place import longest_within
    rng = np.random.default_rng(3)
    for trial in range(300):
        n = int(rng.integers(1, 120))
        x = np.cumsum(rng.normal(0, rng.choice([0.05, 0.3, 1.0]), n))
        x[rng.random(n) < rng.choice([0.0, 0.1, 0.5])] = np.nan
        if not np.isfinite(x).any():
            continue
        assert longest_within(x, 1.5) == _longest_within_by_every_start(x, 1.5), trial


def test_a_short_prone_knee_bend_after_walking_in_is_kept():
    """One prone knee bend with its 2 s hold lies about 4 s. Walked into, with the person not found for a while
    as they lay down (a rendered capsule-style clip: 1.3 s), its lying part lasted 3.6 s, and the settling time
    left out at both ends (0.5 s each) took it under the 3 s a stretch must last: the whole clip was measured
    and refused as walking. The 3 s are counted from the first frame found lying to the last."""
    from analysis.movement.in_place import lying_span
    from analysis.movement.series import SIDE_IDX

    fps = 30.0
    parts = [("upright", 3.0), ("unseen", 1.3), ("lying", 3.6), ("upright", 2.0)]
    frames = []
    for what, secs in parts:
        for _ in range(int(round(secs * fps))):
            p = np.full((33, 2), np.nan)
            if what != "unseen":
                for s, dy in (("left", 0.0), ("right", 4.0)):
                    shoulder = (300.0, 150.0 + dy) if what == "upright" else (550.0, 400.0 + dy)
                    p[SIDE_IDX[s]["hip"]], p[SIDE_IDX[s]["shoulder"]] = (300.0, 400.0 + dy), shoulder
            frames.append(p)
    px = np.stack(frames)
    t = np.arange(len(px)) / fps
    span = lying_span(t, px)
    assert span is not None
    a, b = span
    first, last = int(4.3 * fps), int(7.9 * fps)  # the frames found lying
    assert first < a <= first + 0.6 * fps and last - 0.6 * fps <= b < last
