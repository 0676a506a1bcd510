"""``posture analyze --test`` and the advice plan end to end on the rendered sample clips."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

SAMPLES = ROOT / "sample_media"
SAFE = {k: False for k in ("saddle_numbness", "bladder_bowel", "leg_weakness", "recent_trauma", "fever",
                           "weight_loss", "cancer_history", "night_pain")}


def cli(*args, cwd, stdin=None):
    return subprocess.run([sys.executable, "-m", "posture_cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, input=stdin)


def test_thomas_test_clip_flags_short_hip_flexors_and_feeds_the_plan(tmp_path):
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps({"pain_location": "both_sides", "triggers": ["standing_up"], "age": 40,
                                  "new_pain": False, "red_flags": SAFE}))
    proc = cli("analyze", str(SAMPLES / "thomas_test.mp4"), "--test", "thomas", "--intake", str(intake), "-q",
               "--no-annotate", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Modified Thomas test" in proc.stdout and "Thigh angle to horizontal" in proc.stdout
    result = json.loads((tmp_path / "posture-output" / "thomas_test.movement.json").read_text())
    truth = json.loads((SAMPLES / "thomas_test.json").read_text())["meta"]
    assert result["ok"] and result["side"] == "left"
    thigh = result["summary"]["thigh_above_horizontal"]["best"]["value"]
    assert thigh > 0  # the rendered thigh rests 8 deg above horizontal: short hip flexors
    plan = result["plan"]
    assert plan["status"] == "advice" and plan["contributors"][0]["group"] == "front_thighs"
    assert any("Thomas" in e["text"] or "thigh" in e["text"] for e in plan["contributors"][0]["evidence"])
    assert plan["recommendations"] and all(r["trigger"] for r in plan["recommendations"])
    assert "Stretches" in proc.stdout and "Measure again" in proc.stdout
    assert truth  # the truth file exists beside the clip


def test_red_flag_stops_the_advice_in_the_cli(tmp_path):
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps({"pain_location": "both_sides", "triggers": ["standing_up"], "age": 40,
                                  "new_pain": False, "red_flags": dict(SAFE, bladder_bowel=True)}))
    proc = cli("analyze", str(SAMPLES / "standing_side_photo.png"), "--intake", str(intake), "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    plan = json.loads((tmp_path / "posture-output" / "standing_side_photo.assessment.json").read_text())["plan"]
    assert plan["advice_stopped"] and plan["red_flags"]["urgent"] and plan["recommendations"] == []
    assert "Stretches" not in proc.stdout and "clinician" in proc.stdout


def test_intake_questions_in_the_terminal(tmp_path):
    answers = "1\n1\n\n2\nn\n1\n40\n" + "n\n" * 8
    proc = cli("intake", "-o", "answers.json", cwd=tmp_path, stdin=answers)
    assert proc.returncode == 0, proc.stderr
    saved = json.loads((tmp_path / "answers.json").read_text())
    assert saved["pain_location"] == "both_sides" and saved["triggers"] == ["standing_up"] and saved["age"] == 40
    assert saved["red_flags"] == SAFE


def test_bad_intake_file_is_one_clear_error(tmp_path):
    (tmp_path / "intake.json").write_text('{"pain_location": "everywhere"}')
    proc = cli("analyze", str(SAMPLES / "standing_side_photo.png"), "--intake", "intake.json", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "pain_location" in proc.stderr and "posture intake" in proc.stderr


def test_a_failed_blocking_check_gives_no_number_no_stretch_and_exit_3(tmp_path):
    """The rendered half-kneeling lunge offered as a standing hip extension: refused (kneeling, not standing),
    with the answers that would otherwise bring front-thigh stretches."""
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps({"pain_location": "both_sides", "triggers": ["standing_up"], "age": 40,
                                  "new_pain": False, "red_flags": SAFE}))
    proc = cli("analyze", str(SAMPLES / "kneeling_lunge.mp4"), "--test", "hip_extension", "--intake", str(intake),
               "-q", "--no-annotate", cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr
    result = json.loads((tmp_path / "posture-output" / "kneeling_lunge.movement.json").read_text())
    assert result["ok"] is False and result["plan"] is None and result["withheld"]
    assert "you seem to be kneeling" in proc.stdout and "[cannot measure]" in proc.stdout
    assert "Stretches" not in proc.stdout and "No advice plan" in proc.stdout
    assert "repetition 1 (" not in proc.stdout and ", best:" not in proc.stdout
    assert "kneeling" in proc.stderr  # the refusal is a problem the user can act on


def test_the_view_guess_says_when_the_test_s_view_check_refused_it(tmp_path):
    """A hip extension filmed from the front: the summary's view guess is the pose model's, and the movement
    test's view check refuses it; the guess line says so (before, it read as a plain guess above the refusal)."""
    from vision.synthetic.camera import Camera
    from vision.synthetic.media_io import write_clip
    from vision.synthetic.movements import hip_extension

    cam = Camera(azimuth=0.0, distance=3.0, height=1.0, target=(0.0, 0.9, 0.0), width=640, height_px=480, vfov=50.0)
    write_clip(tmp_path / "front.mp4", hip_extension("front", reps=2, camera=cam, seed=16))
    proc = cli("analyze", "front.mp4", "--test", "hip_extension", "-q", "--no-annotate", cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr
    summary = json.loads((tmp_path / "posture-output" / "front.summary.json").read_text())
    assert summary["view"]["refused_by_check"], summary["view"]
    guess = next(line for line in proc.stdout.splitlines() if "view guess" in line)
    assert "not accepted by the view check" in guess, proc.stdout
    # a view the check accepts reads as before
    proc = cli("analyze", str(SAMPLES / "hip_extension.mp4"), "--test", "hip_extension", "-q", "--no-annotate",
               cwd=tmp_path)
    assert "view guess" in proc.stdout and "not accepted" not in proc.stdout, proc.stdout


def test_a_photo_given_to_a_movement_test_is_refused_as_a_photo(tmp_path):
    """A single picture cannot show a movement: the refusal says so first, and the start posture and the
    missing movement (its consequences) are not listed as problems of their own."""
    proc = cli("analyze", str(SAMPLES / "standing_side_photo.png"), "--test", "hip_extension", "-q", "--no-annotate",
               cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr
    result = json.loads((tmp_path / "posture-output" / "standing_side_photo.movement.json").read_text())
    assert result["ok"] is False and result["withheld"]
    (clip,) = [c for c in result["checks"] if c["name"] == "clip"]
    assert not clip["passed"] and clip["blocking"] and "single picture" in clip["reason"]
    assert len(result["problems"]) == 1 and "single picture" in result["problems"][0]
    assert "[cannot measure] this is a single picture" in proc.stdout and "no leg swung back" not in proc.stdout


def test_the_tested_leg_can_be_stated(tmp_path):
    """``--leg`` names the tested leg (the pose model can exchange the legs' names in a side view); it only
    goes with a one-leg movement test."""
    proc = cli("analyze", str(SAMPLES / "thomas_test.mp4"), "--leg", "left", "-q", cwd=tmp_path)
    assert proc.returncode == 2 and "--leg" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "posture-output").exists()
    proc = cli("analyze", str(SAMPLES / "thomas_test.mp4"), "--test", "thomas", "--leg", "left", "-q",
               "--no-annotate", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "posture-output" / "thomas_test.movement.json").read_text())
    assert result["ok"] and result["side"] == "left" and result["leg_labels"]["stated_leg"] == "left"
    assert result["leg_labels"]["exchanged_for_stated_leg"] is False  # the model named the legs right here
    assert "(as stated)" in proc.stdout


def test_a_stated_leg_is_stored_with_a_recorded_session(tmp_path):
    from records.store import Records

    db = str(tmp_path / "r.sqlite")
    proc = cli("client", "add", "ann", "--name", "Ann", "--consent", "records", "--db", db, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = cli("record", "ann", str(SAMPLES / "thomas_test.mp4"), "--test", "thomas", "--leg", "left", "--db", db,
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with Records(db) as rec:
        (cap,) = rec.captures(client_id=rec.client("ann")["id"])
        res = rec.capture(cap["id"], blobs=False)["results"]
    assert res["side"] == "left" and res["leg_labels"]["stated_leg"] == "left"
