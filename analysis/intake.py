"""A short symptom intake: where the low back hurts, what brings it on, how long, what was tried.

The questions, their answer options and the plain-words labels are data (:data:`QUESTIONS`), so the
CLI, the app and the report render the same form. The safety (red-flag) questions live with their
rules in :mod:`analysis.red_flags` and are appended by :func:`form`. :class:`Intake` holds one
person's answers and validates them; :meth:`Intake.from_dict` reads a form's answers (JSON) and says
exactly which answer is wrong.

Allowed values (``None`` everywhere means "not answered")
------------------------------------------------------------
``pain_location``
    ``"both_sides"`` (either side of the low back, i.e. beside the spine on both sides),
    ``"one_side_left"``, ``"one_side_right"``, ``"middle"`` (on the spine), ``"none"`` (no pain).
``triggers``
    Any of ``"standing_up"`` (standing up after sitting or lying), ``"standing_long"`` (standing a
    while), ``"bending"`` (bending to pick something up), ``"other"`` (then ``triggers_other`` says what).
``duration``
    ``"under_6_weeks"``, ``"6_to_12_weeks"``, ``"over_12_weeks"``.
``tried``
    Any of ``"nothing"``, ``"stretching"``, ``"forward_bending"``, ``"quad_stretch_standing"``,
    ``"butterfly"``, ``"massage"``, ``"physiotherapy"``, ``"exercise"``, ``"pain_medication"``,
    ``"rest"``, ``"other"`` (then ``tried_other``).
``age``
    Whole years, 5..120.
``new_pain``
    True when the pain is new (first time, or clearly different from before); None = not answered
    (then a duration under 12 weeks counts as new for the age red flag).
``red_flags``
    Mapping of red-flag id (:data:`analysis.red_flags.RED_FLAG_IDS`) to True/False.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from analysis.red_flags import RED_FLAG_IDS, red_flag_questions

PAIN_LOCATIONS = ("both_sides", "one_side_left", "one_side_right", "middle", "none")
TRIGGERS = ("standing_up", "standing_long", "bending", "other")
DURATIONS = ("under_6_weeks", "6_to_12_weeks", "over_12_weeks")
TRIED = ("nothing", "stretching", "forward_bending", "quad_stretch_standing", "butterfly", "massage",
         "physiotherapy", "exercise", "pain_medication", "rest", "other")
AGE_RANGE = (5, 120)

QUESTIONS: tuple[dict, ...] = (
    {"id": "pain_location", "type": "single", "required": True,
     "text": "Where in your low back does it hurt?",
     "options": (("both_sides", "On both sides of the spine (either side)"),
                 ("one_side_left", "On one side only: the left"),
                 ("one_side_right", "On one side only: the right"),
                 ("middle", "In the middle, on the spine itself"),
                 ("none", "No low-back pain"))},
    {"id": "triggers", "type": "multi", "required": False,
     "text": "What brings the pain on? (choose any)",
     "options": (("standing_up", "Standing up after sitting or lying down"),
                 ("standing_long", "Standing for a while"),
                 ("bending", "Bending down to pick something up"),
                 ("other", "Something else"))},
    {"id": "triggers_other", "type": "text", "required": False, "show_if": ("triggers", "other"),
     "text": "What else brings it on?", "options": ()},
    {"id": "duration", "type": "single", "required": False,
     "text": "How long has it lasted this time?",
     "options": (("under_6_weeks", "Less than 6 weeks"),
                 ("6_to_12_weeks", "6 to 12 weeks"),
                 ("over_12_weeks", "More than 12 weeks"))},
    {"id": "new_pain", "type": "bool", "required": False,
     "text": "Is this pain new for you (the first time, or clearly different from before)?", "options": ()},
    {"id": "tried", "type": "multi", "required": False,
     "text": "What have you tried for it? (choose any)",
     "options": (("nothing", "Nothing yet"),
                 ("stretching", "Stretching in general"),
                 ("forward_bending", "Bending forward to stretch the back"),
                 ("quad_stretch_standing", "Standing thigh stretch (heel pulled to the buttock)"),
                 ("butterfly", "Seated butterfly stretch (soles together, knees out)"),
                 ("massage", "Massage"),
                 ("physiotherapy", "Physiotherapy or another therapist"),
                 ("exercise", "Exercise or training"),
                 ("pain_medication", "Pain medication"),
                 ("rest", "Rest"),
                 ("other", "Something else"))},
    {"id": "tried_other", "type": "text", "required": False, "show_if": ("tried", "other"),
     "text": "What else have you tried?", "options": ()},
    {"id": "age", "type": "int", "required": False, "range": AGE_RANGE,
     "text": "Your age in years", "options": ()},
)
"""The symptom questions in the order they are asked. ``type``: ``single`` (one option), ``multi``
(any options), ``bool``, ``int`` or ``text``; ``show_if`` = (question id, option) that makes it appear."""


class IntakeError(ValueError):
    """An answer that is not one of the allowed values; the message names the question and the options."""


def form() -> list[dict]:
    """All questions of the intake: the symptom questions, then the safety questions.

    Returns
    -------
    list of dict
        Each with ``id``, ``type``, ``text``, ``options`` (value, label) pairs and ``required``;
        safety questions have ``id`` ``"red_flags.<flag id>"`` and type ``bool``.
    """
    return [dict(q) for q in QUESTIONS] + red_flag_questions()


def _one(name: str, value, allowed: tuple) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        raise IntakeError(f"{name}: {value!r} is not one of the answers ({', '.join(allowed)})")
    return value


def _many(name: str, value, allowed: tuple) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = (value,)
    out = []
    for v in value:
        _one(name, v, allowed)
        if v not in out:
            out.append(v)
    return tuple(out)


@dataclass(frozen=True)
class Intake:
    """One person's answers (see the module docstring for the allowed values).

    Attributes
    ----------
    pain_location : str or None
    triggers : tuple of str
    triggers_other : str
    duration : str or None
    new_pain : bool or None
    tried : tuple of str
    tried_other : str
    age : int or None
    red_flags : dict of str to bool
        Answers to the safety questions; a flag that is missing was not asked or not answered.
    """

    pain_location: str | None = None
    triggers: tuple[str, ...] = ()
    triggers_other: str = ""
    duration: str | None = None
    new_pain: bool | None = None
    tried: tuple[str, ...] = ()
    tried_other: str = ""
    age: int | None = None
    red_flags: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        _one("pain_location", self.pain_location, PAIN_LOCATIONS)
        object.__setattr__(self, "triggers", _many("triggers", self.triggers, TRIGGERS))
        _one("duration", self.duration, DURATIONS)
        object.__setattr__(self, "tried", _many("tried", self.tried, TRIED))
        if self.new_pain is not None and not isinstance(self.new_pain, bool):
            raise IntakeError(f"new_pain: {self.new_pain!r} must be true, false or left unanswered")
        if self.age is not None:
            if isinstance(self.age, bool) or not isinstance(self.age, (int, float)) or self.age != int(self.age):
                raise IntakeError(f"age: {self.age!r} must be a whole number of years")
            if not AGE_RANGE[0] <= self.age <= AGE_RANGE[1]:
                raise IntakeError(f"age: {self.age} is outside {AGE_RANGE[0]}..{AGE_RANGE[1]} years")
            object.__setattr__(self, "age", int(self.age))
        flags = dict(self.red_flags or {})
        for k, v in flags.items():
            if k not in RED_FLAG_IDS:
                raise IntakeError(f"red_flags: unknown flag {k!r} (known: {', '.join(RED_FLAG_IDS)})")
            if v is not None and not isinstance(v, bool):
                raise IntakeError(f"red_flags.{k}: {v!r} must be true or false")
        object.__setattr__(self, "red_flags", {k: v for k, v in flags.items() if v is not None})
        if self.pain_location == "none" and self.triggers:
            raise IntakeError("triggers were given but pain_location is 'none'; choose where it hurts or clear "
                              "the triggers")
        if "nothing" in self.tried and len(self.tried) > 1:
            raise IntakeError("tried: 'nothing' cannot be combined with other answers")

    # ---------------------------------------------------------------------------------------------
    @property
    def has_pain(self) -> bool:
        """True when a painful location was given."""
        return self.pain_location not in (None, "none")

    @property
    def pain_side(self) -> str | None:
        """``"left"``/``"right"`` for one-sided pain, else None."""
        if self.pain_location in ("one_side_left", "one_side_right"):
            return self.pain_location.rsplit("_", 1)[1]
        return None

    @property
    def is_new_pain(self) -> bool | None:
        """The ``new_pain`` answer, or, unanswered, a duration under 12 weeks; None when unknown."""
        if not self.has_pain:
            return False
        if self.new_pain is not None:
            return self.new_pain
        if self.duration is None:
            return None
        return self.duration != "over_12_weeks"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["triggers"] = list(self.triggers)
        d["tried"] = list(self.tried)
        return d

    @classmethod
    def from_dict(cls, d: dict | None) -> "Intake":
        """Build from a form's answers (as from :meth:`to_dict` or JSON); unknown keys are an error.

        Red-flag answers may come either as ``{"red_flags": {...}}`` or flat as ``"red_flags.<id>"`` keys.
        """
        d = dict(d or {})
        flags = dict(d.pop("red_flags", None) or {})
        for k in [k for k in d if k.startswith("red_flags.")]:
            flags[k.split(".", 1)[1]] = d.pop(k)
        known = {f for f in cls.__dataclass_fields__} - {"red_flags"}
        unknown = sorted(set(d) - known)
        if unknown:
            raise IntakeError(f"unknown intake field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        if "triggers" in d and d["triggers"] is not None:
            d["triggers"] = tuple([d["triggers"]] if isinstance(d["triggers"], str) else d["triggers"])
        if "tried" in d and d["tried"] is not None:
            d["tried"] = tuple([d["tried"]] if isinstance(d["tried"], str) else d["tried"])
        return cls(**{k: v for k, v in d.items() if v is not None or k in ("pain_location", "duration", "age",
                                                                           "new_pain")}, red_flags=flags)


def label(question_id: str, value: str) -> str:
    """The plain-words label of one option, e.g. ``label("pain_location", "middle")``."""
    for q in QUESTIONS:
        if q["id"] == question_id:
            for v, text in q["options"]:
                if v == value:
                    return text
    raise KeyError(f"no option {value!r} for question {question_id!r}")
