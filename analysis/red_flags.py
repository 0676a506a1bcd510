"""The red-flag screen: safety questions that come before any stretch advice, and stop it.

Any "yes" stops the stretch advice entirely and says plainly to see a clinician. The cauda equina
signs (numbness in the saddle area, new bladder or bowel trouble, progressive leg weakness) say to
get help **urgently, today**. The table :data:`RED_FLAGS` is data a therapist can read and change:
each flag has the question asked, the plain words used when it is raised, and its urgency.

The age flag is not a question: it is raised from the intake's age and whether the pain is new
(age under 20 or over 50 with new pain, :data:`AGE_FLAG`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class RedFlag:
    """One safety question.

    Attributes
    ----------
    id : str
    question : str
        Asked as a yes/no question.
    plain : str
        What was answered, in plain words, used when the flag is raised.
    urgency : str
        ``"urgent"`` (see a clinician today: emergency department or urgent care) or ``"soon"`` (book a
        clinician before starting any exercise).
    why : str
        Why it matters, for the therapist and the curious.
    """

    id: str
    question: str
    plain: str
    urgency: str
    why: str

    def to_dict(self) -> dict:
        return asdict(self)


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("saddle_numbness", "Is there numbness or tingling around your genitals, buttocks or inner upper thighs "
            "(the area that would touch a saddle)?", "numbness in the saddle area", "urgent",
            "A possible sign of pressure on the nerves at the bottom of the spine (cauda equina syndrome)."),
    RedFlag("bladder_bowel", "Have you had new trouble passing or holding urine or stools since the pain began?",
            "new bladder or bowel trouble", "urgent",
            "A possible sign of pressure on the nerves at the bottom of the spine (cauda equina syndrome)."),
    RedFlag("leg_weakness", "Is one or both of your legs getting weaker (tripping, a foot that slaps, giving way)?",
            "leg weakness that is getting worse", "urgent",
            "Progressive weakness can mean a nerve is being compressed and needs assessing quickly."),
    RedFlag("recent_trauma", "Did the pain start after a fall, accident or blow?",
            "pain that started after a fall, accident or blow", "soon",
            "A fracture or other injury needs ruling out before exercise."),
    RedFlag("fever", "Have you had a fever or felt generally unwell along with the back pain?",
            "fever or feeling unwell with the pain", "soon",
            "Back pain with fever can come from an infection."),
    RedFlag("weight_loss", "Have you lost weight recently without trying?",
            "weight loss you cannot explain", "soon",
            "Unexplained weight loss with back pain needs a medical check."),
    RedFlag("cancer_history", "Have you ever had cancer?",
            "a history of cancer", "soon",
            "New back pain after cancer needs a medical check."),
    RedFlag("night_pain", "Is the pain severe at night, even when you lie still?",
            "severe pain at night at rest", "soon",
            "Pain that movement and rest do not change is not a muscle-length pattern."),
)
"""The safety questions, urgent ones first."""

AGE_FLAG = {"id": "age_new_pain", "young_below": 20, "old_above": 50, "urgency": "soon",
            "plain": "new back pain at age {age} (under {young} or over {old})",
            "why": "New back pain before 20 or after 50 more often has a cause other than muscles."}
"""The age rule: age under ``young_below`` or over ``old_above`` years with new pain."""

RED_FLAG_IDS: tuple[str, ...] = tuple(f.id for f in RED_FLAGS)
URGENT_IDS: tuple[str, ...] = tuple(f.id for f in RED_FLAGS if f.urgency == "urgent")

URGENT_MESSAGE = ("Please see a clinician urgently, today: go to an emergency department or call your urgent-care "
                  "line now. You answered yes to {flags}. These can be signs of pressure on the nerves at the base "
                  "of the spine, which needs checking the same day. No stretches are suggested.")
SOON_MESSAGE = ("Please see a clinician (your doctor or a physiotherapist) before doing any of the stretches. You "
                "answered yes to {flags}. That needs a check by a clinician first, so no stretches are suggested "
                "here. If you also notice numbness in the saddle area, new bladder or bowel trouble or leg weakness "
                "that is getting worse, get help urgently, today.")
INCOMPLETE_MESSAGE = ("The safety questions were not all answered ({missing}). Answer them before following any "
                      "stretch; if any of them applies, see a clinician instead.")
CLEAR_MESSAGE = "No safety warning sign was reported."


def red_flag_questions() -> list[dict]:
    """The safety questions in the same shape as :data:`analysis.intake.QUESTIONS` entries."""
    return [{"id": f"red_flags.{f.id}", "type": "bool", "required": True, "text": f.question, "options": (),
             "urgency": f.urgency} for f in RED_FLAGS]


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def screen(intake) -> dict:
    """Screen one intake for red flags.

    Parameters
    ----------
    intake : analysis.intake.Intake or None
        The answers; None = no intake (nothing was asked).

    Returns
    -------
    dict
        ``complete`` (every safety question answered), ``unanswered`` (ids), ``raised`` (list of
        ``{id, plain, urgency, why}``), ``stop_advice`` (True when any flag is raised), ``urgent``
        (a cauda equina sign was raised), ``level`` (``"urgent"``, ``"see_clinician"``, ``"incomplete"``
        or ``"clear"``) and ``message`` (what to do, in plain words).
    """
    answers = dict(getattr(intake, "red_flags", None) or {})
    raised = [dict(f.to_dict()) for f in RED_FLAGS if answers.get(f.id) is True]
    unanswered = [f.id for f in RED_FLAGS if answers.get(f.id) is None]
    age = getattr(intake, "age", None)
    new = getattr(intake, "is_new_pain", None) if intake is not None else None
    if age is not None and new and (age < AGE_FLAG["young_below"] or age > AGE_FLAG["old_above"]):
        raised.append({"id": AGE_FLAG["id"], "urgency": AGE_FLAG["urgency"], "why": AGE_FLAG["why"],
                       "plain": AGE_FLAG["plain"].format(age=age, young=AGE_FLAG["young_below"],
                                                         old=AGE_FLAG["old_above"]),
                       "question": ""})
    if intake is not None and age is None and getattr(intake, "has_pain", False):
        unanswered.append("age")
    urgent = any(r["urgency"] == "urgent" for r in raised)
    plain = _join([r["plain"] for r in raised])
    if urgent:
        level, msg = "urgent", URGENT_MESSAGE.format(flags=plain)
    elif raised:
        level, msg = "see_clinician", SOON_MESSAGE.format(flags=plain)
    elif unanswered:
        names = {f.id: f.plain for f in RED_FLAGS} | {"age": "your age"}
        level, msg = "incomplete", INCOMPLETE_MESSAGE.format(missing="; ".join(names[u] for u in unanswered))
    else:
        level, msg = "clear", CLEAR_MESSAGE
    return {"complete": not unanswered, "unanswered": unanswered, "raised": raised, "stop_advice": bool(raised),
            "urgent": urgent, "level": level, "message": msg}
