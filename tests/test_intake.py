"""The symptom intake: allowed answers, validation messages, the form as data."""

import pytest

from analysis import intake as ik
from analysis.intake import Intake, IntakeError
from analysis.red_flags import RED_FLAG_IDS


def test_questions_options_match_the_allowed_values():
    by_id = {q["id"]: q for q in ik.QUESTIONS}
    assert tuple(v for v, _ in by_id["pain_location"]["options"]) == ik.PAIN_LOCATIONS
    assert tuple(v for v, _ in by_id["triggers"]["options"]) == ik.TRIGGERS
    assert tuple(v for v, _ in by_id["duration"]["options"]) == ik.DURATIONS
    assert tuple(v for v, _ in by_id["tried"]["options"]) == ik.TRIED
    for q in ik.QUESTIONS:
        assert q["type"] in ("single", "multi", "bool", "int", "text") and q["text"].strip()


def test_form_ends_with_every_safety_question():
    f = ik.form()
    ids = [q["id"] for q in f]
    assert ids[: len(ik.QUESTIONS)] == [q["id"] for q in ik.QUESTIONS]
    assert ids[len(ik.QUESTIONS):] == [f"red_flags.{r}" for r in RED_FLAG_IDS]
    assert all(q["type"] == "bool" and q["text"].endswith("?") for q in f[len(ik.QUESTIONS):])


def test_round_trip_through_a_dict():
    a = Intake(pain_location="one_side_left", triggers=("standing_up", "bending"), duration="6_to_12_weeks",
               tried=("stretching", "other"), tried_other="yoga", age=44, new_pain=True,
               red_flags={r: False for r in RED_FLAG_IDS})
    b = Intake.from_dict(a.to_dict())
    assert a == b
    assert b.pain_side == "left" and b.has_pain


def test_flat_red_flag_keys_and_single_strings_are_read():
    a = Intake.from_dict({"pain_location": "middle", "triggers": "standing_long", "red_flags.fever": True})
    assert a.triggers == ("standing_long",) and a.red_flags == {"fever": True}


@pytest.mark.parametrize("bad, word", [
    ({"pain_location": "upper_back"}, "pain_location"),
    ({"triggers": ["sneezing"]}, "triggers"),
    ({"duration": "2 weeks"}, "duration"),
    ({"tried": ["acupuncture"]}, "tried"),
    ({"age": 3}, "age"),
    ({"age": 40.5}, "age"),
    ({"age": True}, "age"),
    ({"new_pain": "yes"}, "new_pain"),
    ({"red_flags": {"headache": True}}, "red_flags"),
    ({"red_flags": {"fever": "yes"}}, "red_flags.fever"),
    ({"pain_location": "none", "triggers": ["bending"]}, "triggers"),
    ({"tried": ["nothing", "massage"]}, "tried"),
    ({"favourite_colour": "blue"}, "favourite_colour"),
])
def test_bad_answers_name_the_question(bad, word):
    with pytest.raises(IntakeError, match=word.replace(".", r"\.")):
        Intake.from_dict(bad)


@pytest.mark.parametrize("kw, new", [
    ({"pain_location": "middle", "new_pain": True, "duration": "over_12_weeks"}, True),
    ({"pain_location": "middle", "new_pain": False, "duration": "under_6_weeks"}, False),
    ({"pain_location": "middle", "duration": "under_6_weeks"}, True),
    ({"pain_location": "middle", "duration": "over_12_weeks"}, False),
    ({"pain_location": "middle"}, None),
    ({"pain_location": "none", "new_pain": True}, False),
])
def test_is_new_pain(kw, new):
    assert Intake(**kw).is_new_pain is new


def test_labels():
    assert ik.label("pain_location", "middle").startswith("In the middle")
    with pytest.raises(KeyError):
        ik.label("pain_location", "knee")
