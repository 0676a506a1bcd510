"""Wording rules over every string of every plan in a table of cases, and the plan's shape.

Rules: never "you have"; "diagnos..." only as "not a diagnosis"; every estimate-based statement says
"estimate"; every confidence number is 0..1 and comes with its word; every recommendation names the
finding or answer that triggered it; red flags stop the advice.
"""

import itertools
import json
import re

import pytest

from analysis.advice import HONESTY, build_plan, format_plan_text
from analysis.causation import confidence_word, load_rules
from analysis.intake import Intake
from analysis.red_flags import RED_FLAG_IDS, RED_FLAGS
from analysis.stretches import library

CLEAR = {r: False for r in RED_FLAG_IDS}


def m(value, unit="deg", kind="measurement", confidence=0.85):
    return {"value": value, "unit": unit, "kind": kind, "confidence": confidence}


INTAKES = {
    "none": None,
    "no_pain": dict(pain_location="none", age=30, red_flags=CLEAR),
    "both_sides_up": dict(pain_location="both_sides", triggers=("standing_up",), duration="over_12_weeks", age=45,
                          tried=("forward_bending", "quad_stretch_standing"), red_flags=CLEAR),
    "middle_acute": dict(pain_location="middle", triggers=("bending",), duration="under_6_weeks", age=35,
                         new_pain=True, tried=("butterfly",), red_flags=CLEAR),
    "left_side": dict(pain_location="one_side_left", triggers=("standing_long", "other"), triggers_other="cycling",
                      duration="6_to_12_weeks", age=28, red_flags=CLEAR),
    "unanswered_flags": dict(pain_location="both_sides", age=40),
    "fever": dict(pain_location="both_sides", age=40, red_flags=dict(CLEAR, fever=True)),
    "saddle": dict(pain_location="middle", age=40, red_flags=dict(CLEAR, saddle_numbness=True)),
    "age_62_new": dict(pain_location="middle", age=62, duration="under_6_weeks", red_flags=CLEAR),
}
FINDINGS = {
    "none": None,
    "standing_forward": {"pelvic_tilt": m(24.0, kind="estimate", confidence=0.5),
                         "lumbar_lordosis_depth": m(17.0, "% trunk length", "estimate", 0.45), "hip_angle": m(160.0)},
    "standing_back": {"pelvic_tilt": m(-4.0, kind="estimate", confidence=0.5),
                      "lumbar_lordosis_depth": m(2.0, "% trunk length", "estimate", 0.45),
                      "posture_type": {"value": "sway back", "kind": "estimate"}},
    "short_front": {"hip_extension_left": m(4.0), "hip_extension_right": m(11.0), "thomas_thigh_angle_left": m(7.0),
                    "thomas_knee_flexion_left": m(62.0), "sit_to_stand_pattern": m(1.0),
                    "ely_knee_flexion_right": m(105.0), "ely_hip_rise_right": True},
    "normal_tests": {"hip_extension_left": m(19.0), "hip_extension_right": m(18.0),
                     "thomas_thigh_angle_left": m(-5.0), "thomas_thigh_angle_right": m(-3.0),
                     "thomas_knee_flexion_left": m(90.0), "thomas_knee_flexion_right": m(86.0)},
    "not_measured": {"pelvic_tilt": m(None, kind="estimate", confidence=0.0), "hip_extension_left": m(None)},
}
ROLES = ("client", "therapist", "trainer")
CASES = list(itertools.product(INTAKES, FINDINGS, ROLES))


def strings(obj):
    """Every string value in a nested plan."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from strings(v)


_CONF = re.compile(r"confidence (-?\d+(?:\.\d+)?)")
_CONF_WORD = re.compile(r"confidence (-?\d+(?:\.\d+)?)(?:, | \()(low|moderate|high)\b")


def wording_problems(text: str) -> list[str]:
    """The wording rules broken by one string (empty when it is fine)."""
    low = " ".join(text.lower().split())
    out = []
    if "you have" in low or "you've got" in low:
        out.append("says 'you have'")
    for mt in re.finditer(r"diagnos", low):
        before = low[max(0, mt.start() - 12):mt.start()]
        if not re.search(r"\b(not|never|no) (a |an )?$", before):
            out.append(f"'diagnos' outside a negation: ...{low[max(0, mt.start() - 30):mt.end() + 10]}...")
    nums = _CONF.findall(low)
    pairs = _CONF_WORD.findall(low)
    if len(nums) != len(pairs):
        out.append("a confidence number without its word")
    for num, word in pairs:
        c = float(num)
        if not 0.0 <= c <= 1.0:
            out.append(f"confidence {num} outside 0..1")
        elif word != confidence_word(c):
            out.append(f"confidence {num} called {word}")
    return out


@pytest.mark.parametrize("text, bad", [
    ("Good news: you have tight hip flexors.", True),
    ("This screen is a diagnosis of your back.", True),
    ("Diagnosis: short hamstrings", True),
    ("Possible contributor, confidence 0.62.", True),
    ("confidence 1.40 (high)", True),
    ("confidence 0.30 (high)", True),
    ("This is not a diagnosis.", False),
    ("an estimate, confidence 0.55, moderate", False),
])
def test_the_checker_can_fail(text, bad):
    assert bool(wording_problems(text)) is bad


def _plan(ik, fk, role):
    it = INTAKES[ik]
    return build_plan(Intake(**it) if it is not None else None, FINDINGS[fk], role=role)


@pytest.mark.parametrize("ik, fk, role", CASES, ids=["-".join(c) for c in CASES])
def test_wording_and_shape(ik, fk, role):
    plan = _plan(ik, fk, role)
    json.dumps(plan)  # JSON-ready
    text = format_plan_text(plan)
    problems = [(s, p) for s in list(strings(plan)) + [text] for p in wording_problems(s)]
    assert not problems, problems[:3]
    assert "not a diagnosis" in plan["disclaimer"] and "not a diagnosis" in " ".join(text.split())
    # honesty notes are always there, each with its source
    assert [h["id"] for h in plan["honesty"]] == [h["id"] for h in HONESTY]
    assert {h["source"] for h in plan["honesty"]} >= {"practitioners' model", "published study"}
    # estimates are labelled
    for c in plan["contributors"] + plan["considered"]:
        assert c["kind"] == "estimate" and "estimate" in c["summary"]
        assert 0 <= c["confidence"] <= 1 and c["confidence_word"] in ("low", "moderate", "high")
        for e in c["evidence"] + c["against"]:
            if e["estimate"]:
                assert "estimate" in e["text"]
    if plan["contributors"]:
        assert "estimate" in plan["headline"]
    # every recommendation names its trigger, and the trigger is among the contributor's evidence
    for r in plan["recommendations"]:
        t = r["trigger"]
        assert t["rules"] and t["findings"] and "estimate" in t["text"] and "because" in t["text"]
        c = next(c for c in plan["contributors"] if c["group"] == r["group"])
        ev = {e["rule"]: e["text"] for e in c["evidence"]}
        assert set(t["rules"]) <= set(ev) and all(ev[x] in t["text"] for x in t["rules"])
        assert r["steps"] and r["dose"] and r["picture"].startswith("stretches/")
    for a in plan["avoid"]:
        assert a["trigger"]["text"].startswith("Shown because")
    # the order: red flags stop everything
    if plan["advice_stopped"]:
        assert not plan["recommendations"] and not plan["contributors"] and not plan["avoid"]
        assert "clinician" in plan["headline"] and "Stretches\n" not in text
    else:
        assert plan["retest"]["weeks"] == [2, 4] and "same setup" in plan["retest"]["text"]
        if plan["recommendations"]:
            ct = " ".join(c["text"] for c in plan["cautions"])
            assert "Never force" in ct and "5 seconds" in ct
    # therapist notes only for therapists
    assert ("therapist_notes" in plan) is (role == "therapist")
    assert ("trainer_row" in plan) is (role == "trainer")


def test_stop_and_urgency_across_the_table():
    assert _plan("saddle", "short_front", "client")["status"] == "urgent"
    assert _plan("fever", "short_front", "client")["status"] == "see_clinician"
    assert _plan("age_62_new", "short_front", "client")["status"] == "see_clinician"
    assert _plan("unanswered_flags", "short_front", "client")["status"] == "advice_screen_incomplete"
    assert _plan("both_sides_up", "short_front", "client")["status"] == "advice"


def test_avoid_notes_follow_the_contributors_and_what_was_tried():
    a = {x["id"] for x in _plan("both_sides_up", "short_front", "client")["avoid"]}
    assert a == {"standing_quad_stretch", "forward_bending"}
    a = build_plan(Intake(pain_location="middle", tried=("butterfly",), age=30, red_flags=CLEAR), None)["avoid"]
    assert {x["id"] for x in a} == {"butterfly"}
    assert "inner thighs" in a[0]["trigger"]["text"] and "butterfly" in a[0]["trigger"]["text"]
    # tried but no matching contributor: still shown, and the trigger says why
    a = build_plan(Intake(pain_location="none", tried=("forward_bending",), age=30, red_flags=CLEAR), None)["avoid"]
    assert [x["id"] for x in a] == ["forward_bending"] and "you said you tried" in a[0]["trigger"]["text"]


def test_therapist_notes_and_their_triggers():
    notes = {n["id"]: n for n in _plan("middle_acute", "short_front", "therapist")["therapist_notes"]}
    assert set(notes) == {"nmt_pressure", "soreness", "relief_duration", "acute_spasm"}
    joined = " ".join(n["text"] for n in notes.values())
    for words in ("10-30 s", "24-36 h", "4-14 days", "pillow under the hips", "avoid rocking", "quadratus lumborum"):
        assert words in joined
    assert "less than 6 weeks" in notes["acute_spasm"]["trigger"]["text"]
    chronic = {n["id"] for n in _plan("both_sides_up", "short_front", "therapist")["therapist_notes"]}
    assert "chronic_frequency" in chronic and "acute_spasm" not in chronic


def test_missing_movement_tests_are_said():
    plan = _plan("both_sides_up", "standing_forward", "client")
    assert any("No movement test gave a measurement" in n for n in plan["notes"])
    assert {m["id"] for m in plan["missing"]} >= {"hip_extension", "thomas", "sit_to_stand", "ely"}
    assert not any("No movement test" in n for n in _plan("both_sides_up", "short_front", "client")["notes"])


def test_the_example_sentence_of_the_issue():
    plan = _plan("both_sides_up", "short_front", "client")
    front = plan["contributors"][0]
    assert front["group"] == "front_thighs" and front["rank"] == 1
    assert "your hip extended 4 deg on the left and 11 deg on the right" in front["summary"]
    assert "pain on both sides of the low back fits the front-thigh pattern" in front["summary"]
    assert plan["recommendations"][0]["side_focus"]["side"] == "left"


def test_bad_role_and_bad_intake_dict():
    with pytest.raises(ValueError, match="role"):
        build_plan(None, None, role="doctor")
    with pytest.raises(ValueError, match="pain_location"):
        build_plan({"pain_location": "neck"}, None)
    assert build_plan({"pain_location": "middle"}, None)["contributors"][0]["group"] == "inner_thighs"


def test_library_and_rules_texts_follow_the_wording_rules():
    texts = list(strings(library())) + list(strings(load_rules())) + [f.question for f in RED_FLAGS] + \
        [f.plain for f in RED_FLAGS] + [f.why for f in RED_FLAGS]
    problems = [(s, p) for s in texts for p in wording_problems(s)]
    assert not problems, problems[:3]
    lib = library()
    avoid = {a["id"]: a["text"] for a in lib["avoid"]}
    assert "forward" in avoid["forward_bending"] and "front of the thighs" in avoid["forward_bending"]
    assert "inflexible" in avoid["butterfly"] and "knee" in avoid["standing_quad_stretch"]
