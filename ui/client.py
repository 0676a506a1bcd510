"""What a client reads first: two or three colour-coded lines (what is fine, what is outside the usual range,
the one next step), each measure in everyday words, and - for a recording that could not be measured - only
what went wrong and how to fix it. No Streamlit here.

The words avoid clinical jargon (no "ASIS", "craniovertebral", "% of height in front of the ankle"); the
therapist and trainer views keep every number (:func:`ui.present.metrics_table`). A metric with no usual
range (the ear-shoulder angle) says nothing a client can act on and is left to the expert views.
"""

from __future__ import annotations

from dataclasses import dataclass

from privacy.text import display_text


@dataclass(frozen=True)
class Line:
    """One lead line: ``level`` is ``"good"`` (green), ``"attention"`` (amber), ``"next"`` (blue) or
    ``"problem"`` (red)."""

    level: str
    text: str


# metric key -> (everyday name, what "above the usual range" means, what "below" means)
PLAIN: dict[str, tuple[str, str, str]] = {
    "pelvic_tilt": ("pelvis", "tipped forward more than usual", "tipped back more than usual"),
    "trunk_inclination": ("upper body", "leaning forward more than usual", "leaning back more than usual"),
    "hip_angle": ("hips", "straighter than usual", "bent more than usual while standing"),
    "knee_flexion": ("knees", "bent more than usual", "pushed back (locked) more than usual"),
    "head_forward": ("head", "further forward than usual", "held further back than usual"),
    "plumb_ear": ("ear over the ankle", "in front of the balance line more than usual",
                  "behind the balance line more than usual"),
    "plumb_shoulder": ("shoulder over the ankle", "in front of the balance line more than usual",
                       "behind the balance line more than usual"),
    "plumb_hip": ("hip over the ankle", "in front of the balance line more than usual",
                  "behind the balance line more than usual"),
    "plumb_knee": ("knee over the ankle", "in front of the balance line more than usual",
                   "behind the balance line more than usual"),
}
# in the lead line, the measures of one family read as one item (left out of the "usual" line when one of
# them is outside the usual range: that one is named in the other line)
FAMILY = {"plumb_ear": "balance line", "plumb_shoulder": "balance line", "plumb_hip": "balance line",
          "plumb_knee": "balance line"}
LEAD_NAME = {"plumb_ear": "ear", "plumb_shoulder": "shoulder", "plumb_hip": "hip", "plumb_knee": "knee"}
_PLAIN_MORE: dict[str, tuple[str, str, str]] = {
    "lumbar_lordosis_depth": ("low-back curve", "deeper than usual", "flatter than usual"),
    "thoracic_kyphosis_depth": ("upper-back rounding", "rounder than usual", "flatter than usual"),
    "pelvic_obliquity": ("hips, side to side", "left hip higher than usual", "right hip higher than usual"),
    "shoulder_tilt": ("shoulders, side to side", "left shoulder higher than usual",
                      "right shoulder higher than usual"),
    "head_tilt": ("head, side to side", "tilted to the right more than usual", "tilted to the left more than usual"),
    "lateral_trunk_shift": ("upper body, side to side", "shifted to your left more than usual",
                            "shifted to your right more than usual"),
    "lateral_pelvic_shift": ("pelvis, side to side", "shifted to your left more than usual",
                             "shifted to your right more than usual"),
    "knee_frontal_left": ("left knee", "turned in (knock-knee) more than usual", "bowed out more than usual"),
    "knee_frontal_right": ("right knee", "turned in (knock-knee) more than usual", "bowed out more than usual"),
}
PLAIN.update(_PLAIN_MORE)
# movement tests: the best value of each repetition summary (mean and spread are for the therapist)
MOVEMENT_PLAIN: dict[str, tuple[str, str, str]] = {
    "hip_extension_best": ("how far the thigh goes back", "more than usual",
                           "less than usual (the front of the hip may be tight)"),
    "thomas_thigh_above_horizontal_best": ("thigh lying over the table edge", "above level (the front of the hip may "
                                           "be short)", "below level"),
    "thomas_knee_flexion_best": ("knee bend of the hanging leg", "more than usual",
                                 "less than usual (the front of the thigh may be short)"),
    "ely_max_knee_flexion_best": ("knee bend lying face down", "more than usual",
                                  "less than usual (the front of the thigh may be tight)"),
}
PLAIN.update(MOVEMENT_PLAIN)
FLAG_WORDS = {"hips_flexed_back_arched_any": ("You arched your back while the hips were still bent as you stood up.",
                                              "Your back did not arch while you stood up.")}
EXPERT_ONLY = {"craniovertebral_proxy"}  # no usual range: nothing a client can act on


def _plain_name(m: dict) -> str:
    if m.get("key") in PLAIN:
        return PLAIN[m["key"]][0]
    name = str(m.get("name") or m.get("key") or "").split(" (")[0].split(", best")[0]  # "... (thigh ...), best"
    return name[:1].lower() + name[1:]


def client_metrics(metrics: list[dict]) -> list[dict]:
    """The measured metrics a client is shown, in their order: measured, with a usual range to compare with (a
    number without one says nothing a client can act on), and of a movement test only the best value of each
    measure (its mean and spread are for the therapist)."""
    out = []
    for m in metrics:
        key = str(m.get("key") or "")
        if (m.get("value") is None or key in EXPERT_ONLY or key.endswith(("_mean", "_spread"))
                or m.get("status") not in ("within", "above", "below")):
            continue
        out.append(m)
    return out


def flag_lines(result: dict) -> list[str]:
    """The yes/no findings of a movement test in everyday words."""
    out = []
    for k, v in (result.get("summary") or {}).items():
        if isinstance(v, bool):
            words = FLAG_WORDS.get(k)
            out.append(words[0 if v else 1] if words else f"{k.replace('_', ' ').capitalize()}: {'yes' if v else 'no'}")
    return out


def outside(m: dict) -> bool:
    return m.get("status") in ("above", "below")


def plain_phrase(m: dict) -> str:
    """What the value means, in everyday words ("in the usual range", "leaning forward more than usual")."""
    status = m.get("status")
    if status in ("above", "below"):
        if m.get("key") in PLAIN:
            return PLAIN[m["key"]][1 if status == "above" else 2]
        return "more than usual" if status == "above" else "less than usual"
    if status == "within":
        return "in the usual range"
    return "measured (no usual range to compare with)"


def _amount(m: dict) -> str:
    v = m.get("value")
    if m.get("key") == "pelvic_tilt" and v is not None:
        if abs(v) < 2:
            return "about level front to back"
        return f"tipped {'forward' if v > 0 else 'back'} about {abs(v):.0f}°"
    if m.get("key") == "trunk_inclination" and v is not None:
        if abs(v) < 1:
            return "upright"
        return f"leaning {'forward' if v > 0 else 'back'} about {abs(v):.0f}°"
    return ""


def plain_line(m: dict) -> str:
    """One sentence per measure for a client: its everyday name, what it means, and whether it is an estimate.

    >>> plain_line({"key": "hip_angle", "value": 179.6, "status": "within", "kind": "measurement"})
    'Hips: in the usual range.'
    """
    name = _plain_name(m)
    amount = _amount(m)
    if amount:  # the amount says which way already
        tail = {"above": "more than usual", "below": "outside the usual range"}.get(m.get("status"), plain_phrase(m))
        text = f"{name[:1].upper()}{name[1:]}: {amount}, {tail}."
    else:
        text = f"{name[:1].upper()}{name[1:]}: {plain_phrase(m)}."
    if m.get("kind") == "estimate":
        text += " An estimate from the outline of your body."
    return text


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def lead_lines(assessment: dict | None, plan: dict | None = None) -> list[Line]:
    """The two or three lines a result page leads with, for a result whose gates passed.

    Parameters
    ----------
    assessment : dict
        A standing assessment (``metrics``) or a movement-test result (its summary's metrics, see
        :func:`ui.present.movement_metrics`).
    plan : dict, optional
        The advice plan (:func:`analysis.advice.build_plan`), once the safety questions are answered: the next
        step follows it (see a clinician, the stretches, or nothing to stretch).
    """
    from ui.present import movement_metrics, shows_numbers

    if not assessment or not shows_numbers(assessment):
        return []
    metrics = movement_metrics(assessment) if assessment.get("kind") else (assessment.get("metrics") or [])
    shown = client_metrics(metrics)
    fine = [m for m in shown if m.get("status") == "within"]
    off = [m for m in shown if outside(m)]
    lines = []
    off_families = {FAMILY[m["key"]] for m in off if m.get("key") in FAMILY}
    names = list(dict.fromkeys(FAMILY.get(m.get("key"), _plain_name(m)) for m in fine
                               if FAMILY.get(m.get("key")) not in off_families))
    if names:
        lines.append(Line("good", f"In the usual range: {_join(names)}."))
    if off:
        parts = list(dict.fromkeys(f"{LEAD_NAME.get(m.get('key'), _plain_name(m))} {plain_phrase(m)}" for m in off))
        lines.append(Line("attention", f"Outside the usual range: {'; '.join(parts)}."))
    elif shown:
        lines.append(Line("good", "Nothing measured is outside the usual range."))
    else:
        lines.append(Line("attention", "Nothing could be measured clearly enough to compare with the usual range."))
    if plan is None:
        step = ("Next step: answer the few questions below; the advice then says what may help." if off else
                "Next step: if your back hurts, answer the few questions below for advice.")
    elif plan.get("advice_stopped"):
        lines.append(Line("problem", "Next step: see a clinician before trying any stretch (a safety question was "
                                     "answered yes)."))
        return lines
    elif plan.get("recommendations"):
        n = len(plan["recommendations"])
        step = f"Next step: the {n} stretch{'es' if n > 1 else ''} under 'What to do', with how and why."
    else:
        step = "Next step: nothing to stretch for now; measure again in 2-4 weeks with the same set-up."
    lines.append(Line("next", step))
    return lines


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop (problem texts start in lower case)."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


@dataclass(frozen=True)
class Failure:
    """What a recording that could not be measured shows: a title, each problem once (what was found and how
    to fix it), and the check whose set-up picture goes with them."""

    title: str
    problems: list[tuple[str, str]]  # (what was found, how to fix it)
    setup_check: str


def what_was_measured(a: dict) -> str:
    """The result's heading: the test and the leg or side measured (``"Standing hip extension - right leg, near the
    camera"``), or the standing view."""
    if a.get("kind"):
        who = a.get("leg") or (f"{a['side']} side" if a.get("side") else "")
        return a["protocol"]["name"] + (f" - {who}" if who else "")
    return f"Standing posture, {a['view']['label']} view" if a.get("view") else "Standing posture"


def warnings(assessment: dict | None, problems: list[str]) -> list[str]:
    """The sentences "worth fixing next time" beside a result that shows its numbers: its problems, and the warnings
    among its checks (a movement test's checks, such as the other leg's repetitions left out or the tested leg on the
    far side, are not among its problems: they do not stop the numbers), each once."""
    from analysis.gates import problems as check_problems

    out: list[str] = []
    for p in list(problems) + check_problems((assessment or {}).get("checks") or []):
        s = sentence(p)
        if s not in out:
            out.append(s)
    return out


def failure(assessment: dict | None, problems: list[str], check: str) -> Failure | None:
    """The failed-capture view of a result, or None when it may show its numbers.

    A result fails when no person was found (``assessment`` None) or its gates blocked (``ok`` False). Its
    problems come from the ranked checks (each once, consequences of an earlier failure left out) or, when
    nothing was checked, from the result's own problem sentences.
    """
    from analysis.gates import open_failures
    from ui.present import shows_numbers

    if assessment is not None and shows_numbers(assessment):
        return None
    out: list[tuple[str, str]] = []
    ranked = [c for c in open_failures((assessment or {}).get("checks") or []) if c.get("checked", True)]
    blocked = any(c.get("blocking") for c in ranked)
    for c in ranked:
        if blocked and not c.get("blocking"):
            continue  # beside a blocking problem a warning adds nothing to fix (a leg's name, nothing measured)
        item = (sentence(display_text(c["reason"])), sentence(display_text(c.get("advice") or "")))
        if item not in out:
            out.append(item)
    if not out:
        for p in problems:
            what, _, fix = display_text(p).partition(". ")
            item = (sentence(what), sentence(fix))
            if item not in out:
                out.append(item)
    if not out:
        out.append(("The recording does not show what this check needs.", "Follow the set-up below and record again."))
    return Failure("This recording could not be measured", out, check)
