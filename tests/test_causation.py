"""The causation model: table-driven cases over symptoms and findings, contradictions and missing data."""

import math
from pathlib import Path

import pytest

from analysis import causation as cz
from analysis.intake import Intake
from analysis.metric import Metric
from analysis.norms import norm, threshold
from analysis.stretches import stretches


def m(value, unit="deg", kind="measurement", confidence=0.9, side=None):
    return {"value": value, "unit": unit, "kind": kind, "confidence": confidence, "side": side}


SHORT_FRONT = {"hip_extension_left": m(3.0), "hip_extension_right": m(4.0),
               "thomas_thigh_angle_left": m(8.0), "thomas_thigh_angle_right": m(6.0)}
NORMAL_TESTS = {"hip_extension_left": m(18.0), "hip_extension_right": m(17.0),
                "thomas_thigh_angle_left": m(-6.0), "thomas_thigh_angle_right": m(-4.0),
                "thomas_knee_flexion_left": m(88.0), "thomas_knee_flexion_right": m(85.0)}
NORMAL_STANDING = {"pelvic_tilt": m(10.0, kind="estimate", confidence=0.6),
                   "lumbar_lordosis_depth": m(8.0, "% trunk length", "estimate", 0.5), "hip_angle": m(176.0)}

# name, intake (kwargs or None), findings, expected ranked groups, conflict expected, movement tests done
CASES = [
    ("both_sides_standing_up_only_answers", dict(pain_location="both_sides", triggers=("standing_up",)), {},
     ["front_thighs"], False, False),
    ("middle_only_answers", dict(pain_location="middle"), {}, ["inner_thighs"], False, False),
    ("middle_but_short_hip_flexors", dict(pain_location="middle"), SHORT_FRONT,
     ["front_thighs", "inner_thighs"], True, True),
    ("no_pain_back_tilt_flat_back", dict(pain_location="none"),
     {"pelvic_tilt": m(-6.0, kind="estimate", confidence=0.6), "lumbar_lordosis": m(2.0, "% trunk length", "estimate")},
     ["hamstrings"], False, False),
    ("no_pain_all_normal", dict(pain_location="none"), {**NORMAL_STANDING, **NORMAL_TESTS}, [], False, True),
    ("no_intake_short_front", None, SHORT_FRONT, ["front_thighs"], False, True),
    ("nothing_at_all", None, None, [], False, False),
    ("both_sides_but_tests_normal", dict(pain_location="both_sides", triggers=("bending",)), NORMAL_TESTS,
     [], True, True),
    ("one_side_right_sit_to_stand", dict(pain_location="one_side_right"), {"sit_to_stand_pattern": "hips_flexed_back_arched"},
     ["front_thighs"], False, True),
    ("ely_flags", dict(pain_location="none"), {"ely_knee_flexion_left": m(100.0), "ely_hip_rise_left": True},
     ["front_thighs"], False, True),
    ("middle_and_sway_back", dict(pain_location="middle"), {"posture_type": "sway back"},
     ["inner_thighs"], True, False),
]


@pytest.mark.parametrize("name, intake, findings, groups, conflict, moved", CASES, ids=[c[0] for c in CASES])
def test_ranking_table(name, intake, findings, groups, conflict, moved):
    it = Intake(**intake) if intake is not None else None
    r = cz.rank(it, findings)
    assert [c["group"] for c in r["contributors"]] == groups
    assert bool(r["conflicts"]) is conflict, r["conflicts"]
    assert r["movement_tests_done"] is moved
    for c in r["contributors"]:
        assert 0.0 <= c["confidence"] <= cz.load_rules()["scoring"]["cap"]
        assert c["confidence_word"] == cz.confidence_word(c["confidence"])
        assert c["kind"] == "estimate" and "estimate" in c["summary"]
        assert c["evidence"] and all(e["points"] > 0 for e in c["evidence"])
        assert [x["rank"] for x in r["contributors"]] == list(range(1, len(r["contributors"]) + 1))


def test_contradiction_is_said_in_words():
    r = cz.rank(Intake(pain_location="middle"), SHORT_FRONT)
    (t,) = r["conflicts"]
    assert "inner thighs" in t and "front of the thighs" in t and "therapist" in t


def test_counter_evidence_lowers_the_score_and_is_shown():
    it = Intake(pain_location="both_sides", triggers=("standing_up", "standing_long"))
    plain = cz.rank(it, {})["contributors"][0]
    against = cz.rank(it, {**NORMAL_TESTS, "hip_extension_left": m(16.0)})
    listed = against["contributors"] + against["considered"]
    front = next(c for c in listed if c["group"] == "front_thighs")
    assert front["against"] and front["score"] < plain["score"]
    assert "speaks against" in " ".join(e["text"] for e in front["against"])


def test_more_evidence_more_confidence_and_two_kinds_beat_one():
    it = Intake(pain_location="both_sides", triggers=("standing_up",))
    a = cz.rank(it, {})["contributors"][0]["confidence"]
    b = cz.rank(it, {"hip_extension_left": m(4.0)})["contributors"][0]["confidence"]
    c = cz.rank(it, SHORT_FRONT)["contributors"][0]["confidence"]
    assert a < b < c <= cz.load_rules()["scoring"]["cap"]
    only_meas = cz.rank(None, SHORT_FRONT)["contributors"][0]["confidence"]
    assert only_meas < c


def test_low_confidence_finding_counts_less():
    hi = cz.rank(None, {"hip_extension_left": m(4.0, confidence=0.9)})
    lo = cz.rank(None, {"hip_extension_left": m(4.0, confidence=0.3)})
    pts = lambda r: (r["contributors"] + r["considered"])[0]["score"]  # noqa: E731
    assert pts(lo) < pts(hi)


def test_evidence_words_carry_the_numbers_and_sides():
    r = cz.rank(Intake(pain_location="both_sides", triggers=("standing_up",)),
                {"hip_extension_left": m(4.0), "hip_extension_right": m(11.0)})
    texts = [e["text"] for e in r["contributors"][0]["evidence"]]
    assert any("4 deg on the left and 11 deg on the right" in t for t in texts)
    assert any("both sides" in t for t in texts) and any("standing up" in t for t in texts)
    assert r["contributors"][0]["side_focus"]["side"] == "left"


def test_estimates_are_labelled_in_the_evidence():
    r = cz.rank(None, {"pelvic_tilt": m(26.0, kind="estimate", confidence=0.55)})
    ev = r["evidence"][0]
    assert ev["estimate"] and "estimate" in ev["text"] and "0.55" in ev["text"]
    r = cz.rank(None, {"pelvic_tilt": m(26.0, kind="measurement")})
    assert "estimate" not in r["evidence"][0]["text"]


def test_metric_objects_bare_side_keys_and_assessment_dicts_are_read():
    objs = [Metric("hip_extension", "Hip extension", 3.0, "deg", "d", confidence=0.8, side="left"),
            Metric("hip_extension", "Hip extension", 14.0, "deg", "d", confidence=0.8, side="right")]
    f = cz.normalize_findings(objs)
    assert f["hip_extension_left"].value == 3.0 and f["hip_extension_right"].value == 14.0
    r = cz.rank(None, objs)
    assert r["evidence"][0]["rule"] == "hip_extension_limited" and r["evidence"][0]["sides"] == ["left"]
    assessment = {"metrics": [Metric("pelvic_tilt", "Pelvic tilt", -5.0, "deg", "d", kind="estimate",
                                     confidence=0.5).to_dict()],
                  "spinal_curve": {"posture_type": "sway back"}}
    r = cz.rank(None, assessment)
    assert {e["rule"] for e in r["evidence"]} == {"tilt_backward", "sway_back"}
    merged = cz.normalize_findings(assessment, {"hip_extension_left": 2.0})
    assert set(merged) >= {"pelvic_tilt", "posture_type", "hip_extension_left"}


@pytest.mark.parametrize("value, present", [
    (True, True), (1.0, True), ("hips_flexed_back_arched", True), ("normal", False), (False, False), (0, False),
    ({"value": None}, False), ({"value": 0.0, "extra": {"pattern": "hips_flexed_back_arched"}}, True),
    ({"value": 1.0, "extra": {"flag": False}}, False),
])
def test_sit_to_stand_pattern_forms(value, present):
    r = cz.rank(None, {"sit_to_stand_pattern": value})
    assert ("sit_to_stand_arched" in {e["rule"] for e in r["evidence"]}) is present


def test_unmeasured_findings_are_ignored_and_listed_missing():
    f = {"hip_extension_left": m(None), "hip_extension_right": {"value": float("nan")},
         "pelvic_tilt": Metric("pelvic_tilt", "t", None, "deg", "d", kind="estimate")}
    r = cz.rank(Intake(pain_location="middle"), f)
    assert not r["movement_tests_done"]
    assert {x["id"] for x in r["missing"]} >= {"hip_extension", "standing_side", "thomas"}
    assert [c["group"] for c in r["contributors"]] == ["inner_thighs"]


def test_thresholds_from_the_norms_file():
    rules = {r["id"]: r for r in cz.load_rules()["rule"]}
    assert cz.rule_threshold(rules["tilt_forward"]) == norm("pelvic_tilt_standing").high
    assert cz.rule_threshold(rules["hips_bent_standing"]) == norm("hip_angle_standing").low
    assert cz.rule_threshold(rules["lordosis_deep"]) == threshold("posture_lordosis_high")


def test_rules_file_is_consistent_with_the_library():
    data = cz.load_rules()
    for r in data["rule"]:
        assert r["source"] in cz.SOURCES and r["text"].strip() and r["note"].strip()
    # every rule that points towards a group is answered by at least one stretch of that group
    for r in data["rule"]:
        if r["weight"] > 0:
            assert any(r["id"] in s["addresses"] for s in stretches(r["group"])), r["id"]
    # both kinds of source are present: the model says what is practitioners' experience and what is published
    assert {"practitioners' model", "published study"} <= {r["source"] for r in data["rule"]}
    assert "hip_extension_left / hip_extension_right" in cz.FINDING_KEYS and "pelvic_tilt" in cz.FINDING_KEYS


def test_a_bad_rules_file_is_refused(tmp_path: Path):
    src = cz.RULES_FILE.read_text()
    bad = tmp_path / "rules.toml"
    bad.write_text(src.replace('group = "inner_thighs"', 'group = "calves"', 1))
    with pytest.raises(ValueError, match="group"):
        cz.load_rules(bad)
    bad.write_text(src.replace('source = "published study"', 'source = "my cousin"', 1))
    with pytest.raises(ValueError, match="source"):
        cz.load_rules(bad)


def test_confidence_words():
    assert [cz.confidence_word(c) for c in (0.0, 0.39, 0.4, 0.69, 0.7, 1.0)] == \
        ["low", "low", "moderate", "moderate", "high", "high"]
    assert not math.isnan(cz.load_rules()["scoring"]["cap"])


def test_movement_module_names_are_read():
    thomas = {"summary": {"thigh_above_horizontal": {"best": {"key": "thomas_thigh_above_horizontal_best", "value": 7.0,
                                                             "unit": "deg", "side": "left", "confidence": 0.8}},
                          "knee_flexion": {"best": {"key": "thomas_knee_flexion_best", "value": None, "side": "left"}}}}
    sts = {"summary": {"hips_flexed_back_arched_any": True}}
    ely = {"ely_hip_rise_max": {"value": 12.0, "unit": "deg", "side": "right", "status": "above"},
           "ely_max_knee_flexion_best": {"value": 130.0, "unit": "deg", "side": "right"}}
    f = cz.normalize_findings(thomas, sts, ely)
    assert f["thomas_thigh_angle_left"].value == 7.0 and f["sit_to_stand_pattern"].value is True
    r = cz.rank(None, f)
    assert {e["rule"] for e in r["evidence"]} == {"thomas_thigh_up", "sit_to_stand_arched", "ely_hip_rise"}
    within = cz.normalize_findings({"ely_hip_rise_max": {"value": 3.0, "side": "right", "status": "within"}})
    assert not cz.rank(None, within)["evidence"]
