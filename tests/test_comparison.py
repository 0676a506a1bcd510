"""analysis.comparison and records.workflow: noise from repeats, before/after verdicts, not-comparable rules,
synchronised playback, manual landmarks - on the rendered before/after clips with known differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis import comparison as cmp
from records import workflow as wf
from records.store import Records
from test_records_fixtures import therapist_db, therapist_db_master  # noqa: F401  (fixtures)


def test_sem_and_mdc_from_repeats():
    sem, dof = cmp.sem_from_repeats([10.0, 12.0, 11.0])
    assert sem == pytest.approx(1.0) and dof == 2
    pooled, dof = cmp.sem_from_repeats([[10.0, 12.0], [20.0, 20.0, 23.0]])  # within-person SS 2 + 6 over 1 + 2 dof
    assert pooled == pytest.approx(math.sqrt(8 / 3)) and dof == 3
    assert cmp.sem_from_repeats([5.0]) == (None, 0)
    assert cmp.mdc95(1.0) == pytest.approx(1.96 * math.sqrt(2))


def _res(v, label="right side"):
    return {"view": {"label": label}, "metrics": [{"key": "pelvic_tilt", "name": "Pelvic tilt", "value": v, "unit": "deg",
                                                   "kind": "estimate", "confidence": 0.7, "side": None}]}


def test_verdicts_against_the_noise_and_not_comparable_rules():
    model = {"name": "m", "mediapipe": "0.10.21", "model_complexity": 1}
    sig = lambda r, proto="standing", ver="1": cmp.capture_signature(r, proto, ver, model)  # noqa: E731
    noise = {"pelvic_tilt": {"sem": 1.0, "mdc": 2.77}}
    big = cmp.compare(_res(16.0), _res(9.0), sig(_res(16.0)), sig(_res(9.0)), noise, {})
    assert big["comparable"] and big["rows"][0]["verdict"] == "changed" and big["rows"][0]["noise_source"] == "client"
    small = cmp.compare(_res(16.0), _res(14.0), sig(_res(16.0)), sig(_res(14.0)), noise, {})
    assert small["rows"][0]["verdict"] == "within noise" and small["changed"] == []
    none = cmp.compare(_res(16.0), _res(9.0), sig(_res(16.0)), sig(_res(9.0)), None, {})
    assert none["rows"][0]["verdict"] == "no noise estimate"
    for other in (sig(_res(9.0, "front")), sig(_res(9.0), "hip_extension"), sig(_res(9.0), ver="2"),
                  cmp.capture_signature(_res(9.0), "standing", "1", dict(model, mediapipe="0.10.22"))):
        c = cmp.compare(_res(16.0), _res(9.0), sig(_res(16.0)), other, noise, {})
        assert not c["comparable"] and c["reasons"] and {r["verdict"] for r in c["rows"]} == {"not comparable"}


def test_a_tested_leg_whose_name_is_in_doubt_is_not_compared_with_a_named_one():
    """A movement test whose leg name is in doubt (the pose model named it for the side the camera does not see)
    may be the other leg: not comparable with a capture of the leg so named for certain."""
    model = {"name": "m", "mediapipe": "0.10.21", "model_complexity": 1}
    certain = {"side": "left", "facing": 1, "leg_in_doubt": None}
    doubted = {"side": "left", "facing": 1, "leg_in_doubt": "the pose model names the tested leg the left one"}
    ok, _ = cmp.comparability(*(cmp.capture_signature(r, "thomas", "1", model) for r in (certain, dict(certain))))
    assert ok
    ok, why = cmp.comparability(cmp.capture_signature(certain, "thomas", "1", model),
                                cmp.capture_signature(doubted, "thomas", "1", model))
    assert not ok and any("tested sides" in w and "which leg: not certain" in w for w in why)


def test_defaults_file_has_provenance_and_the_key_metrics():
    d = cmp.load_defaults()
    assert "rendered" in d["_meta"] and "MDC95" in d["_meta"]["formula"]
    for k in ("pelvic_tilt", "trunk_inclination", "hip_angle", "lumbar_lordosis_depth"):
        e = d["standing"][k]
        assert 0 < e["sem"] < 5 and e["mdc"] == pytest.approx(1.96 * math.sqrt(2) * e["sem"], rel=1e-3)
    assert d["hip_extension"]["hip_extension_best"]["mdc"] > 0


def test_sync_on_the_movement_phase():
    t = np.arange(0, 6, 1 / 15)
    a = {"repetitions": [{"phases": {"start_s": 1.0, "peak_s": 2.0, "end_s": 3.0}}]}
    b = {"repetitions": [{"phases": {"start_s": 2.0, "peak_s": 4.0, "end_s": 5.0}}]}
    s = cmp.sync_pairs(a, t, b, t)
    assert s["basis"] == "movement phase"
    pairs = dict(s["pairs"])
    assert t[pairs[np.searchsorted(t, 2.0)]] == pytest.approx(4.0, abs=0.07)  # peaks line up
    assert t[pairs[np.searchsorted(t, 1.0)]] == pytest.approx(2.0, abs=0.07)


def test_rendered_before_after_changes_are_beyond_the_noise(therapist_db):
    with Records(therapist_db["location"]) as rec:
        c = wf.compare_captures(rec, therapist_db["before"], therapist_db["after"])
    assert c["comparable"], c["reasons"]
    rows = {r["key"]: r for r in c["rows"]}
    # truth: pelvic tilt 16 -> 9 deg, lordosis 58 -> 48 deg
    assert rows["pelvic_tilt"]["change"] < 0 and rows["pelvic_tilt"]["verdict"] == "changed"
    assert rows["pelvic_tilt"]["noise_source"] == "default"
    assert rows["lumbar_lordosis_depth"]["change"] < 0 and rows["lumbar_lordosis_depth"]["verdict"] == "changed"
    assert c["sync"]["basis"] == "steady window" and len(c["sync"]["pairs"]) > 10


def test_identical_repeat_is_not_reported_as_a_change(therapist_db):
    with Records(therapist_db["location"]) as rec:
        c = wf.compare_captures(rec, therapist_db["before"], therapist_db["repeat"])
    assert c["comparable"], c["reasons"]
    judged = [r for r in c["rows"] if r["beyond_noise"] is not None]
    assert len(judged) >= 8
    assert c["changed"] == [], [(r["key"], r["change"], r["mdc"]) for r in c["rows"] if r["verdict"] == "changed"]


def test_client_test_retest_noise_is_stored_and_used(therapist_db):
    with Records(therapist_db["location"]) as rec:
        cid = therapist_db["client_id"]
        table = wf.test_retest(rec, cid, [therapist_db["before"], therapist_db["repeat"]])
        assert table["pelvic_tilt"]["mdc"] == pytest.approx(1.96 * math.sqrt(2) * table["pelvic_tilt"]["sem"], rel=1e-3)
        c = wf.compare_captures(rec, therapist_db["before"], therapist_db["after"])
        assert {r["noise_source"] for r in c["rows"] if r["key"] in table} == {"client"}
        with pytest.raises(ValueError):
            wf.test_retest(rec, cid, [therapist_db["before"]])


def test_manual_landmarks_are_stored_beside_and_metrics_recompute(therapist_db):
    from vision.landmarks import LANDMARK_NAMES

    with Records(therapist_db["location"]) as rec:
        cap_id = therapist_db["before"]
        cap = rec.capture(cap_id, blobs=False)
        seq = rec.sequence(cap_id)
        k = cap["results"]["key_frame"]
        knee = seq.pixels[k, LANDMARK_NAMES.index("right_knee")]
        auto_knee = next(m for m in cap["results"]["metrics"] if m["key"] == "knee_flexion")["value"]
        res = wf.apply_corrections(rec, cap_id, [{"frame": k, "landmark": "right_knee", "x": float(knee[0]) + 25,
                                                  "y": float(knee[1])}], author="T")
        new_knee = next(m for m in res["metrics"] if m["key"] == "knee_flexion")["value"]
        assert abs(new_knee - auto_knee) > 3  # the knee moved forward by 25 px: the knee angle changes
        stored = rec.capture(cap_id, blobs=False)
        assert next(m for m in stored["results"]["metrics"] if m["key"] == "knee_flexion")["value"] == auto_knee
        assert stored["results_corrected"]["corrected"]
        # ASIS/PSIS: pelvic tilt becomes a measurement by its clinical definition, and the client is calibrated
        asis, psis = (300.0, 250.0), (260.0, 240.0)
        res = wf.apply_corrections(rec, cap_id, [{"frame": k, "landmark": "asis", "x": asis[0], "y": asis[1]},
                                                 {"frame": k, "landmark": "psis", "x": psis[0], "y": psis[1]}])
        tilt = next(m for m in res["metrics"] if m["key"] == "pelvic_tilt")
        assert tilt["kind"] == "measurement" and tilt["extra"]["estimate_replaced"] is not None
        from analysis.pelvis import tilt_from_asis_psis

        assert tilt["value"] == pytest.approx(float(tilt_from_asis_psis(asis, psis)), abs=0.01)
        assert rec.calibrations("c1"), "the marked tilt calibrates the client's later estimates"
        assert len(rec.corrections(cap_id)) == 3
        with pytest.raises(ValueError):
            wf.apply_corrections(rec, cap_id, [{"frame": k, "landmark": "nose_tip", "x": 1, "y": 1}])


def test_a_photo_tilt_withheld_for_its_two_readings_stays_withheld_when_landmarks_are_corrected(tmp_path):
    """A photo's pelvic-tilt estimate withheld because the photo and its mirror image read it far apart
    (analysis.pelvis.retest_pelvic_tilt): recomputing the capture with hand-moved landmarks reads the photo once
    and would give a value again; it stays withheld (marking ASIS and PSIS still measures it)."""
    from pathlib import Path

    from capture.analyze import analyze_file

    photo = Path(__file__).resolve().parents[1] / "sample_media" / "standing_side_photo.png"
    an = analyze_file(photo, tmp_path / "out", annotate=False)
    results = dict(an.assessment)
    withheld = {**next(m for m in results["metrics"] if m["key"] == "pelvic_tilt"), "value": None,
                "reason": "two readings of this photo (the photo and its mirror image) put the pelvis's tilt at 4 "
                          "and 21 degrees", "extra": {"retest": {"value": 21.0, "first": 4.0}}}
    results["metrics"] = [withheld if m["key"] == "pelvic_tilt" else m for m in results["metrics"]]
    res = wf.recompute(an.sequence, {"protocol": "standing", "results": results}, [])
    tilt = next(m for m in res["metrics"] if m["key"] == "pelvic_tilt")
    assert tilt["value"] is None and "two readings" in tilt["reason"]
    marked = wf.recompute(an.sequence, {"protocol": "standing", "results": results},
                          [{"frame": 0, "landmark": "asis", "x": 300.0, "y": 250.0},
                           {"frame": 0, "landmark": "psis", "x": 260.0, "y": 240.0}])
    assert next(m for m in marked["metrics"] if m["key"] == "pelvic_tilt")["kind"] == "measurement"
