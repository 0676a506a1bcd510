"""The red-flag screen comes first: any flag stops the stretch advice and sends the person to a clinician."""

import pytest

from analysis.advice import build_plan, format_plan_text
from analysis.intake import Intake
from analysis.red_flags import RED_FLAG_IDS, RED_FLAGS, URGENT_IDS, screen

CLEAR = {r: False for r in RED_FLAG_IDS}
# findings that would otherwise produce a strong front-thigh plan
STRONG = {"hip_extension_left": {"value": 3.0, "unit": "deg", "confidence": 0.9},
          "hip_extension_right": {"value": 4.0, "unit": "deg", "confidence": 0.9},
          "thomas_thigh_angle_left": 10.0, "thomas_knee_flexion_left": 60.0, "sit_to_stand_pattern": True,
          "pelvic_tilt": {"value": 25.0, "unit": "deg", "kind": "estimate", "confidence": 0.6}}


def _intake(**kw):
    base = dict(pain_location="both_sides", triggers=("standing_up",), duration="over_12_weeks", age=40,
                red_flags=dict(CLEAR))
    base.update(kw)
    return Intake(**base)


def test_urgent_flags_are_the_cauda_equina_signs():
    assert set(URGENT_IDS) == {"saddle_numbness", "bladder_bowel", "leg_weakness"}
    assert {f.id for f in RED_FLAGS} == {"saddle_numbness", "bladder_bowel", "leg_weakness", "recent_trauma", "fever",
                                         "weight_loss", "cancer_history", "night_pain"}


def test_without_flags_the_plan_has_advice():
    plan = build_plan(_intake(), STRONG)
    assert not plan["advice_stopped"] and plan["status"] == "advice" and plan["recommendations"]
    assert plan["red_flags"]["level"] == "clear"


@pytest.mark.parametrize("flag", RED_FLAG_IDS)
@pytest.mark.parametrize("role", ["client", "therapist", "trainer"])
def test_every_flag_stops_the_advice(flag, role):
    plan = build_plan(_intake(red_flags=dict(CLEAR, **{flag: True})), STRONG, role=role)
    assert plan["advice_stopped"]
    assert plan["recommendations"] == [] and plan["contributors"] == [] and plan["avoid"] == []
    assert plan["cautions"] == [] and plan["retest"] is None
    text = format_plan_text(plan)
    assert "clinician" in plan["headline"] and "clinician" in plan["red_flags"]["message"]
    assert "Stretches" not in text and "Half-kneeling" not in text
    if flag in URGENT_IDS:
        assert plan["status"] == "urgent"
        for s in (plan["headline"], plan["red_flags"]["message"]):
            assert "urgently" in s and "today" in s
    else:
        assert plan["status"] == "see_clinician" and "urgently" not in plan["headline"]
    if role == "therapist":
        assert [n["id"] for n in plan["therapist_notes"]] == ["refer"]


def test_several_flags_are_all_named():
    s = screen(_intake(red_flags=dict(CLEAR, fever=True, bladder_bowel=True)))
    assert s["urgent"] and {r["id"] for r in s["raised"]} == {"fever", "bladder_bowel"}
    assert "fever" in s["message"] and "bladder" in s["message"]


@pytest.mark.parametrize("age, duration, new_pain, raised", [
    (18, "under_6_weeks", None, True),
    (19, "over_12_weeks", True, True),
    (20, "under_6_weeks", None, False),
    (35, "under_6_weeks", True, False),
    (50, "under_6_weeks", None, False),
    (51, "6_to_12_weeks", None, True),
    (67, "over_12_weeks", None, False),   # long-standing pain, not new
    (67, "over_12_weeks", False, False),
    (67, None, None, False),              # cannot tell whether it is new
])
def test_age_with_new_pain(age, duration, new_pain, raised):
    it = _intake(age=age, duration=duration, new_pain=new_pain)
    s = screen(it)
    assert ("age_new_pain" in {r["id"] for r in s["raised"]}) is raised
    plan = build_plan(it, STRONG)
    assert plan["advice_stopped"] is raised
    if raised:
        assert plan["status"] == "see_clinician" and not plan["recommendations"]


def test_no_pain_no_age_flag():
    assert not screen(Intake(pain_location="none", age=70, red_flags=dict(CLEAR)))["raised"]


def test_unanswered_questions_do_not_stop_but_warn():
    for it in (None, _intake(red_flags={}), _intake(red_flags=dict(CLEAR, fever=None)), _intake(age=None)):
        plan = build_plan(it, STRONG)
        assert not plan["advice_stopped"] and plan["status"] == "advice_screen_incomplete"
        assert plan["red_flags"]["level"] == "incomplete"
        assert plan["headline"].startswith("The safety questions were not all answered")
        assert "see a clinician" in plan["headline"]
