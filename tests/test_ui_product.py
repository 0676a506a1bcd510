"""The wording and decisions of the product pages, tested without a browser: the client's lead lines and everyday
words, the failed-capture view, the comparison table (resolution, clinical direction, the hand-marked caveat),
landmark placement on a zoomed frame, the roster, third-person report wording and the one-page summary PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from analysis.comparison import clinical_direction, compare, decimals_for, distance_to_range, verdict_text
from reports.wording import third_person
from ui import client as ucl
from ui import compare as ucmp
from ui import landmarks as ul
from ui import roster as ur_

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
NORM = {"low": 0.0, "high": 20.0}


def metric(key, value, status="within", kind="measurement", name=None, **kw):
    return {"key": key, "name": name or key, "value": value, "unit": "deg", "status": status, "kind": kind,
            "norm": NORM, "confidence": 0.8, "side": None, **kw}


# ---------------------------------------------------------------------------------------------- client
def test_lead_lines_say_what_is_fine_what_is_not_and_the_next_step():
    a = {"ok": True, "metrics": [metric("pelvic_tilt", 7.0, kind="estimate"), metric("hip_angle", 179.6),
                                 metric("plumb_ear", 3.0), metric("plumb_shoulder", 5.0, "above"),
                                 metric("craniovertebral_proxy", 77.0, "unknown")]}
    lines = ucl.lead_lines(a)
    assert [ln.level for ln in lines] == ["good", "attention", "next"]
    assert lines[0].text == "In the usual range: pelvis and hips."  # the balance line is named in the other line
    assert lines[1].text == "Outside the usual range: shoulder in front of the balance line more than usual."
    assert "answer the few questions" in lines[2].text
    plan = {"advice_stopped": False, "recommendations": [{}, {}]}
    assert ucl.lead_lines(a, plan)[-1].text.startswith("Next step: the 2 stretches")
    stopped = ucl.lead_lines(a, {"advice_stopped": True})[-1]
    assert stopped.level == "problem" and "clinician" in stopped.text
    assert ucl.lead_lines({"ok": False, "metrics": []}) == []  # a blocked result leads with nothing


def test_everyday_words_have_no_jargon_and_say_estimates():
    lines = [ucl.plain_line(m) for m in ucl.client_metrics([
        metric("pelvic_tilt", 6.6, kind="estimate"), metric("trunk_inclination", 2.1), metric("hip_angle", 179.6),
        metric("craniovertebral_proxy", 77.1, "unknown"), metric("knee_frontal_right", 8.0, "above")])]
    assert lines == ["Pelvis: tipped forward about 7°, in the usual range. An estimate from the outline of your body.",
                     "Upper body: leaning forward about 2°, in the usual range.", "Hips: in the usual range.",
                     "Right knee: turned in (knock-knee) more than usual."]
    text = " ".join(lines)
    for jargon in ("ASIS", "craniovertebral", "% of your height", "180 degrees", "valgus"):
        assert jargon not in text
    best, mean = metric("hip_extension_best", 4.0, "below"), metric("hip_extension_mean", 3.5, "below")
    assert [m["key"] for m in ucl.client_metrics([best, mean])] == ["hip_extension_best"]  # the mean is for experts
    assert ucl.plain_line(best) == "How far the thigh goes back: less than usual (the front of the hip may be tight)."


def test_a_failed_capture_lists_each_problem_once_in_order_with_its_fix():
    checks = [{"name": "still", "passed": False, "blocking": False, "reason": "you moved a lot", "advice": "stand still"},
              {"name": "activity", "passed": False, "blocking": True, "reason": "you seem to be running",
               "advice": "stop running, then stand still"},
              {"name": "camera_level", "passed": False, "blocking": False, "reason": "the picture looks tilted",
               "advice": "level the camera"},
              {"name": "person", "passed": True, "reason": "one person"}]
    f = ucl.failure({"ok": False, "checks": checks}, ["you seem to be running: stop running, then stand still"],
                    "standing_side")
    assert f.problems == [("You seem to be running.", "Stop running, then stand still.")]  # the rest follow from it
    assert f.setup_check == "standing_side"
    none = ucl.failure(None, ["No person was found in the photo (also looked on 8 copies). Film one person."], "x")
    assert none.problems == [("No person was found in the photo (also looked on 8 copies).", "Film one person.")]
    assert ucl.failure({"ok": True, "checks": []}, [], "x") is None
    # a warning the gate order puts first (a leg's name) is left out beside the blocking problem: nothing was measured
    # (a Thomas test done on the floor read "the model may have given the two legs each other's names" first)
    checks = [{"name": "leg_side", "passed": False, "blocking": False, "reason": "the model may have swapped the legs",
               "advice": "say which leg was tested"},
              {"name": "movement", "passed": False, "blocking": True, "reason": "your left leg did not hang",
               "advice": "lie at the end of a table"}]
    f = ucl.failure({"ok": False, "checks": checks}, [], "thomas")
    assert f.problems == [("Your left leg did not hang.", "Lie at the end of a table.")]


def test_a_measured_movement_test_tells_its_warnings_beside_the_numbers():
    """A hip extension of both legs in turn, measured for the near leg: the client saw "in the usual range" and
    nothing about the other leg (its check is a warning, not among the result's problems); now it is worth fixing
    next time, once, beside the standing result's own problems."""
    other = {"name": "other_leg", "passed": False, "blocking": False,
             "reason": "your left leg (far from the camera) also swung back: 2 repetition(s) from 0.7 s to 4.2 s were "
                       "left out, and only the right leg was measured",
             "advice": "to measure the left leg, film it in a clip of its own with the left side towards the camera"}
    checks = [{"name": "view", "passed": True, "blocking": True, "reason": "side view"}, other]
    said = ucl.warnings({"ok": True, "checks": checks}, [])
    assert said == ["Your left leg (far from the camera) also swung back: 2 repetition(s) from 0.7 s to 4.2 s were left "
                    "out, and only the right leg was measured: to measure the left leg, film it in a clip of its own "
                    "with the left side towards the camera."]
    # a standing result's problems already hold its failed checks: each sentence once
    level = {"name": "camera_level", "passed": False, "blocking": False, "reason": "the picture looks tilted",
             "advice": "level the camera"}
    assert ucl.warnings({"ok": True, "checks": [level]}, ["the picture looks tilted: level the camera"]) == [
        "The picture looks tilted: level the camera."]


# ---------------------------------------------------------------------------------------------- compare
def test_clinical_direction_follows_the_usual_range():
    assert distance_to_range(25.0, NORM) == 5.0 and distance_to_range(10.0, NORM) == 0.0
    assert clinical_direction(25.0, 21.0, NORM) == "improved"  # a tilt above its range falling towards it
    assert clinical_direction(18.0, 24.0, NORM) == "worse"
    assert clinical_direction(5.0, 15.0, NORM) == "within range"
    assert clinical_direction(3.0, 12.0, {"low": 10.0, "high": None}) == "improved"  # hip extension rising into range
    assert clinical_direction(3.0, 12.0, None) is None
    assert decimals_for(1.2) == 1 and decimals_for(0.04) == 2 and decimals_for(3.0) == 0 and decimals_for(None) == 1


def test_comparison_rows_are_rounded_judged_in_direction_and_a_hand_mark_is_not_judged():
    sig = {"protocol": "standing", "tested_side": None, "view": "right side", "program_version": "1", "model": "m"}
    before = {"ok": True, "metrics": [metric("pelvic_tilt", 24.834, kind="estimate", name="Pelvic tilt (estimate)"),
                                      metric("trunk_inclination", 3.0)]}
    after = {"ok": True, "metrics": [metric("pelvic_tilt", 17.2, kind="estimate", name="Pelvic tilt (estimate)"),
                                     metric("trunk_inclination", 3.1)]}
    noise = {"pelvic_tilt": {"sem": 1.2023, "mdc": 3.3325}, "trunk_inclination": {"sem": 0.62, "mdc": 1.73}}
    comp = compare(before, after, sig, sig, noise)
    rows = {r["Measure"]: r for r in ucmp.table_rows(comp)}
    tilt = rows["Pelvic tilt (estimate) (°)"]
    assert (tilt["Before"], tilt["After"], tilt["Change"], tilt["Smallest real change"]) == ("24.8", "17.2", "−7.6",
                                                                                             "3.3")
    assert tilt["Verdict"] == "improved" and tilt["Noise from"] == "this client's repeats"
    assert rows["trunk_inclination (°)"]["Verdict"] == "no real change (within the noise)"
    assert ucmp.verdict_colours(comp)[0] == "#d1fae5"
    marked = {"ok": True, "metrics": [metric("pelvic_tilt", 15.6, name="Pelvic tilt (marked ASIS/PSIS)")]}
    mixed = compare(marked, {"ok": True, "metrics": [metric("pelvic_tilt", 11.5, kind="estimate")]}, sig, sig, noise)
    row = mixed["rows"][0]
    assert row["verdict"] == "different methods" and verdict_text(row) == "not judged: hand-marked vs estimate"
    assert ucmp.table_rows(mixed)[0]["Before"] == "15.6 (hand-marked)"
    assert any("marked by hand" in c for c in ucmp.caveats(mixed)) and mixed["changed"] == []
    assert "MDC95 = 1.96" in ucmp.mdc_explanation(comp, {})


def test_dates_and_protocols_read_as_words():
    assert ucmp.readable_date("2026-11-30T14:05:09") == "30 Nov 2026, 14:05"
    assert ucmp.readable_date("2026-11-30T14:05:09", with_time=False) == "30 Nov 2026"
    assert ucmp.protocol_name("thomas") == "Modified Thomas test (side view)" and ucmp.protocol_name("ely").startswith(
        "Prone knee bend")
    cap = {"id": 3, "title": "before", "source_name": "a.mp4", "protocol": "standing", "view": "right side",
           "created_at": "2026-11-30T14:05:09"}
    assert ucmp.capture_label(cap) == "before - Standing posture, right side view, 30 Nov 2026, 14:05"
    comp = {"sync": {"pairs": [(0, 0), (3, 2), (6, 5)]}}
    times = ucmp.sync_times(comp, np.arange(10) / 15.0)
    assert times == [0.0, 0.2, 0.4] and ucmp.pair_at(comp, times, 0.25) == (3, 2)


# ---------------------------------------------------------------------------------------------- landmarks
def test_a_click_on_the_zoomed_frame_lands_on_the_frame_pixel():
    v = ul.view((640, 480), (600.0, 460.0), 4)  # near the corner: the crop stays inside the frame
    assert v.box == (480, 360, 640, 480)
    shown = ul.crop(np.zeros((480, 640, 3), np.uint8), v, 800)
    assert shown.shape[:2] == (600, 800)
    x, y = ul.to_frame({"x": 200, "y": 150, "width": 400, "height": 300}, v)  # the middle of a half-size display
    assert (x, y) == (560.0, 420.0)
    assert ul.view((640, 480), None, 1).box == (0, 0, 640, 480)
    assert ul.next_mark({}) == "asis" and ul.next_mark({"asis": {}}) == "psis" and ul.next_mark(
        {"asis": {}, "psis": {}}) is None
    rows = ul.stored_rows([{"frame": 2, "landmark": "asis", "x": 10.2, "y": 20.7, "auto_x": None}], [0.0, 0.1, 0.2])
    assert rows == [{"Point": "ASIS", "Frame": "3", "Time": "0.20 s", "Where (x, y px)": "10, 21",
                     "Moved from the model's point": "– (the model has no such point)"}]


# ---------------------------------------------------------------------------------------------- roster
def test_roster_puts_decisions_first_sorted_by_need_and_counts_the_wrong_test_as_film_again():
    rows = [{"person": "clip.mp4 #1", "file": "clip.mp4", "value": 15.4, "unit": "deg", "status": "within",
             "measure": "Hip extension, best", "needs": "nothing flagged", "front_thighs": "-",
             "compensation_index": None, "usual_range": ">= 10", "picture": "data:image/jpeg;base64,xx"},
            {"person": "clip.mp4 #2", "file": "clip.mp4", "value": 0.4, "unit": "deg", "status": "below",
             "measure": "Hip extension, best", "needs": "Hip extension, best below the usual range: stretching",
             "front_thighs": "low", "compensation_index": None, "usual_range": ">= 10"},
            {"person": "other.mp4", "file": "other.mp4", "value": None, "status": "unknown", "measure": "",
             "needs": "not measured: film again", "problems": "no leg swung back", "compensation_index": None}]
    view = ur_.view_rows(rows, {"clip.mp4 #1": "Ann"})
    assert [r["Name"] for r in view] == ["Person 2 (clip.mp4)", "other.mp4", "Ann"]  # most need first
    assert list(view[0])[:7] == ["person", "Name", "Picture", "Flag", "Value", "Needs", "Measure"]
    assert [r["Flag"] for r in view] == ["needs stretching", "film again", "fine"]
    assert view[0]["Needs"] == "below the usual range: stretching" and view[1]["Needs"].startswith("film again")
    assert "Compensation index" not in view[0]  # empty for everyone: dropped
    assert ur_.summary_line(rows, [("x.mp4", "unreadable")]) == (
        "3 people: 1 needs stretching, 0 worth watching, 1 to film again, 1 fine; 1 file could not be read.")
    csv = ur_.roster_csv(view).decode()
    assert csv.splitlines()[0].startswith("Name,Flag,Value,Needs") and "Ann" in csv and "base64" not in csv


# ---------------------------------------------------------------------------------------------- reports
def test_reports_speak_of_the_client_in_the_third_person():
    assert third_person("you seem to be running") == "the client seems to be running"
    assert third_person("You stood quietly on both feet for 3.9 s.") == "The client stood quietly on both feet for 3.9 s."
    assert third_person("turn to your left, so the camera sees your right side") == (
        "turn to the client's left, so the camera sees their right side")
    assert third_person("you moved about 5% of your height") == "the client moved about 5% of their height"
    assert third_person("we saw you from the front") == "we saw the client from the front"


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed (apt-get install poppler-utils)")
def test_client_summary_is_one_page_with_the_stretches(tmp_path):
    from analysis.advice import build_plan
    from analysis.intake import Intake
    from reports.client_summary import client_summary_pdf, summary_data

    class R:  # the parts of ui.analyse.Result the summary reads
        name = "my clip.mp4"
        key_frame = np.full((480, 640, 3), 180, np.uint8)
        key_note = None
        problems: list = []
        assessment = {"ok": True, "metrics": [metric("pelvic_tilt", 24.0, "above", kind="estimate"),
                                              metric("hip_angle", 178.0)]}

    intake = Intake.from_dict({"pain_location": "both_sides", "triggers": ["standing_up"], "age": 40,
                               "red_flags": {k: False for k in ("saddle_numbness", "bladder_bowel", "leg_weakness",
                                                                "recent_trauma", "fever", "weight_loss",
                                                                "cancer_history", "night_pain")}})
    plan = build_plan(intake, R.assessment, "client")
    assert plan["recommendations"]
    data = summary_data(R, plan, "Standing posture, side view")
    assert data["lines"][-1][1].startswith("Next step: the") and len(data["stretches"]) <= 3
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(client_summary_pdf(data))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "Outside the usual range" in text and plan["recommendations"][0]["name"] in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # for a person to look at
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile", str(pdf), str(ARTIFACTS / "client_summary_stretches")],
                   check=True)
    none = summary_data(R, None, "Standing posture, side view")
    assert "Answer the safety questions" in none["advice"] and none["stretches"] == []


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed (apt-get install poppler-utils)")
def test_a_movement_test_s_summary_names_the_leg_and_what_was_left_out(tmp_path):
    """The printed summary of a one-leg test said only "Movement test: standing hip extension" and nothing of the
    other leg left out (a clip of both legs in turn): it now names the leg measured and the warnings, as the page
    does."""
    from reports.client_summary import client_summary_pdf, summary_data

    other = {"name": "other_leg", "passed": False, "blocking": False,
             "reason": "your left leg (far from the camera) also swung back: 2 repetition(s) from 0.7 s to 4.2 s were "
                       "left out, and only the right leg was measured",
             "advice": "to measure the left leg, film it in a clip of its own with the left side towards the camera"}

    class R:
        name = "both legs.mp4"
        key_frame = np.full((480, 640, 3), 180, np.uint8)
        key_note = "the peak of repetition 2"
        problems: list = []
        assessment = {"kind": "hip_extension", "ok": True, "protocol": {"name": "Standing hip extension"},
                      "leg": "right leg, near the camera", "side": "right", "checks": [other], "repetitions": [],
                      "summary": {}}

    data = summary_data(R, None, "Movement test: standing hip extension")
    assert data["check"] == "Standing hip extension - right leg, near the camera"
    assert data["notes"] == [ucl.sentence(other["reason"] + ": " + other["advice"])]
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(client_summary_pdf(data))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "right leg, near the camera" in text and "Worth fixing next time: Your left leg" in text


# ---------------------------------------------------------------------------------------------- corrections
def test_corrections_at_rest_and_peak_are_interpolated_not_one_offset():
    from records.workflow import corrected_track

    auto = np.stack([np.arange(11, dtype=float) * 10, np.full(11, 100.0)], axis=1)  # the model's knee moving right
    one = corrected_track(auto, [(0, 5.0, 110.0)])
    assert np.allclose(one - auto, [5.0, 10.0])  # one mark: one offset everywhere
    two = corrected_track(auto, [(2, 20.0, 100.0), (8, 100.0, 120.0)])  # rest (+0, +0) and peak (+20, +20)
    d = two - auto
    assert np.allclose(d[:3], 0.0) and np.allclose(d[8:], 20.0) and np.allclose(d[5], 10.0)
    gap = auto.copy()
    gap[4] = np.nan
    assert np.allclose(corrected_track(gap, [(4, 33.0, 44.0)])[4], (33.0, 44.0))  # no model point: the mark itself


def test_correction_frames_of_a_movement_test_are_its_rest_and_peak():
    from records.workflow import correction_frames

    class Seq:
        timestamps = np.arange(30) / 10.0
        detected = np.ones(30, bool)

    cap = {"results": {"key_frame": 12, "repetitions": [{"repetition": 1, "phases": {"start_s": 0.5, "peak_s": 1.2,
                                                                                      "end_s": 2.0}}]}}
    assert correction_frames(cap, Seq) == [("rest before repetition 1", 5), ("peak of repetition 1", 12)]
    assert correction_frames({"results": {"key_frame": 7}}, Seq) == [("key frame", 7)]


def test_key_frames_are_capped_in_height():
    from ui.present import fit_image

    portrait = np.zeros((1920, 1080, 3), np.uint8)  # a phone held upright
    assert fit_image(portrait, 430).shape[:2] == (430, 242)
    small = np.zeros((300, 400, 3), np.uint8)
    assert fit_image(small, 430) is small  # never enlarged
