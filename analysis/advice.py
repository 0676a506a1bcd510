"""From findings to advice: the red-flag screen, the likely contributors, the stretches and the retest.

One entry point, :func:`build_plan`, turns a symptom intake (:class:`analysis.intake.Intake`) and a
plain mapping of findings (metric key -> :class:`~analysis.metric.Metric` or its dict; see
:mod:`analysis.causation` for the keys read) into a JSON-ready plan; :func:`format_plan_text` prints
it for the CLI. The order is fixed:

1. the red-flag screen (:mod:`analysis.red_flags`) - any flag stops the stretch advice entirely and
   says to see a clinician (urgently, today, for the cauda equina signs);
2. the likely contributors (:mod:`analysis.causation`), each an estimate with its evidence in plain
   words and a confidence with a word;
3. the stretches (:mod:`analysis.stretches`), each naming the finding or answer that triggered it,
   with steps, dose, cautions and picture; what to avoid and why;
4. the retest plan; therapists' hands-on notes when ``role == "therapist"``; the honesty notes (what
   is the practitioners' model and what the published studies say).

Nothing here is a diagnosis, and the plan says so.
"""

from __future__ import annotations

import textwrap
from typing import Any

from analysis import red_flags as rf
from analysis.causation import load_rules, not_measured, rank
from analysis.intake import Intake, label
from analysis.stretches import avoid_entries, cautions, dose_source, retest_plan, stretches, therapist_notes

PLAN_VERSION = 1
ROLES = ("client", "therapist", "trainer")

DISCLAIMER = ("This is a screen built from a practitioners' model, your answers and your measurements. It is not a "
              "diagnosis. Pelvic tilt and the low-back curve are estimates from your outline.")

HONESTY: tuple[dict, ...] = (
    {"id": "model", "source": "practitioners' model",
     "text": "The links from where it hurts and what brings it on to a muscle group (both sides of the low back: "
             "front of the thighs; the middle: inner thighs; standing up, standing a while or bending: a cause at "
             "the front) come from practitioners' experience in the project's source documents, not from "
             "published studies."},
    {"id": "heino_1990", "source": "published study",
     "text": "In a published study, hip extension range barely predicted standing pelvic tilt (correlation about "
             "-0.04; Heino et al. 1990)."},
    {"id": "preece_2021", "source": "published study",
     "text": "In a published study, one stretching session changed standing pelvic tilt by only about 1 degree "
             "(Preece et al. 2021): judge progress over weeks and by the pain, not by one number."},
    {"id": "herrington_2011", "source": "published study",
     "text": "Forward (anterior) pelvic tilt is the usual finding in standing adults: about 85% of men and 75% of "
             "women (Herrington 2011). A forward tilt is not a fault by itself."},
    {"id": "estimates", "source": "measurement",
     "text": "Joint angles are measurements from the pose model's landmarks; pelvic tilt and the low-back curve "
             "are estimates from the body's outline, each shown with its confidence."},
)

_GROUP_ADJ = {"front_thighs": "front-thigh", "inner_thighs": "inner-thigh", "hamstrings": "hamstring"}


def _as_intake(intake: Any) -> Intake | None:
    if intake is None or isinstance(intake, Intake):
        return intake
    return Intake.from_dict(dict(intake))


def _recommendations(contributors: list[dict]) -> list[dict]:
    out = []
    for c in contributors:
        ev_by_rule = {e["rule"]: e for e in c["evidence"]}
        for s in stretches(c["group"]):
            hits = [ev_by_rule[r] for r in s["addresses"] if r in ev_by_rule]
            if not hits:
                continue
            because = "; ".join(e["text"] for e in hits)
            est = any(e["estimate"] for e in hits)
            text = (f"Suggested for the {c['name']} ({c['muscles']}), possible contributor {c['rank']} "
                    f"(an estimate, confidence {c['confidence']:.2f}, {c['confidence_word']}), because {because}.")
            side = c.get("side_focus")
            out.append({
                "id": f"{c['group']}:{s['id']}", "stretch_id": s["id"], "group": c["group"], "name": s["name"],
                "position": s["position"], "steps": list(s["steps"]), "dose": s["dose"], "dose_source": dose_source(),
                "cautions": list(s["cautions"]), "picture": s["picture"], "source": s["source"],
                "contributor_rank": c["rank"],
                "trigger": {"rules": [e["rule"] for e in hits],
                            "findings": sorted({k for e in hits for k in e["findings"]}),
                            "estimate": est, "text": text},
                "side_focus": None if side is None else
                {"side": side["side"], "text": f"Start with the {side['side']} side and give it one extra round: "
                                                f"{side['why']}."},
            })
    return out


def _avoid(contributors: list[dict], intake: Intake | None) -> list[dict]:
    groups = {c["group"]: c for c in contributors}
    tried = set(intake.tried) if intake else set()
    out = []
    for a in avoid_entries():
        why = []
        for g in a.get("when_groups", []):
            if g in groups:
                why.append(f"the {groups[g]['name']} came out as a possible contributor (an estimate)")
        for t in a.get("when_tried", []):
            if t in tried:
                why.append(f"you said you tried: {label('tried', t).lower()}")
        if why:
            out.append({"id": a["id"], "name": a["name"], "text": a["text"], "source": a["source"],
                        "trigger": {"text": "Shown because " + " and ".join(why) + "."}})
    return out


def _therapist_notes(contributors: list[dict], intake: Intake | None, stopped: bool) -> list[dict]:
    if stopped:
        return [{"id": "refer", "source": "this program",
                 "text": "A red flag was reported: refer the client to a clinician before any hands-on work or "
                         "stretching, and keep the measurements for that clinician.",
                 "trigger": {"text": "Shown because the red-flag screen stopped the advice."}}]
    out = []
    names = ", ".join(c["name"] for c in contributors)
    duration = intake.duration if intake else None
    for n in therapist_notes():
        when = n["when"]
        if when == "always":
            trig = "Shown to every therapist."
        elif when == "any_contributor" and contributors:
            trig = f"Shown because possible contributors are listed (an estimate): {names}."
        elif when == "acute" and duration == "under_6_weeks":
            trig = "Shown because the pain has lasted less than 6 weeks."
        elif when == "chronic" and duration == "over_12_weeks":
            trig = "Shown because the pain has lasted more than 12 weeks."
        else:
            continue
        out.append({"id": n["id"], "text": n["text"], "source": n["source"], "trigger": {"text": trig}})
    return out


def _missing_notes(ranking: dict) -> list[str]:
    notes = []
    if not ranking["movement_tests_done"]:
        notes.append("No movement test gave a measurement (none was done, or its values were withheld: see their "
                     "reasons), so the ranking rests on your answers and standing posture only.")
    for m in ranking["missing"]:
        notes.append(f"Not measured: {m['name']}. It would add {m['adds']}.")
    return notes


def build_plan(intake: Intake | dict | None, findings: Any, role: str = "client") -> dict:
    """Build the advice plan: red flags first, then contributors, stretches, retest and notes.

    Parameters
    ----------
    intake : Intake, dict or None
        The symptom intake (a dict goes through :meth:`Intake.from_dict`); None = not asked, in which
        case the safety screen is incomplete and the plan says to answer it before stretching.
    findings : mapping, list, assessment dict or None
        Metric key -> Metric / Metric dict / value; see :mod:`analysis.causation` for the keys read.
        Any subset works; what is missing is listed.
    role : str
        ``"client"``, ``"therapist"`` (adds the hands-on notes) or ``"trainer"`` (adds a one-row screen
        summary).

    Returns
    -------
    dict
        JSON-ready: ``version``, ``role``, ``disclaimer``, ``status`` (``"urgent"``, ``"see_clinician"``,
        ``"advice"`` or ``"advice_screen_incomplete"``), ``advice_stopped`` (bool), ``headline``,
        ``intake`` (its dict or None), ``red_flags`` (the screen of :func:`analysis.red_flags.screen`),
        ``contributors`` (ranked, each an estimate with evidence and confidence), ``considered``,
        ``conflicts``, ``missing`` (tests not done), ``notes`` (plain sentences about missing data),
        ``recommendations`` (stretches, each with its ``trigger``), ``avoid``, ``cautions``,
        ``retest`` (or None when stopped), ``therapist_notes`` (only for therapists), ``trainer_row``
        (only for trainers), ``honesty`` (statements with their source: practitioners' model,
        published study or measurement).
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    it = _as_intake(intake)
    screen = rf.screen(it)
    stopped = screen["stop_advice"]
    plan: dict = {"version": PLAN_VERSION, "role": role, "disclaimer": DISCLAIMER,
                  "intake": it.to_dict() if it else None, "red_flags": screen, "advice_stopped": stopped,
                  "contributors": [], "considered": [], "conflicts": [], "missing": [], "notes": [],
                  "recommendations": [], "avoid": [], "cautions": [], "retest": None,
                  "honesty": [dict(h) for h in HONESTY]}
    if stopped:
        plan["status"] = "urgent" if screen["urgent"] else "see_clinician"
        plan["headline"] = ("See a clinician urgently, today. No stretches are suggested." if screen["urgent"] else
                            "See a clinician before stretching. No stretches are suggested.")
        plan["notes"] = ["Your measurements are still in the report: take them to the clinician."]
        plan["findings_headline"] = "Advice withheld: a safety question was answered yes (see the red flags)."
    else:
        ranking = rank(it, findings)
        contributors = ranking["contributors"]
        plan.update(contributors=contributors, considered=ranking["considered"], conflicts=ranking["conflicts"],
                    missing=ranking["missing"], notes=_missing_notes(ranking))
        if not_measured(findings):
            plan["notes"].insert(0, "Nothing was measured from this recording (a capture check failed), so no "
                                    "measurement was used: this plan rests on your answers only.")
        recs = _recommendations(contributors)
        plan["recommendations"] = recs
        plan["avoid"] = _avoid(contributors, it)
        plan["cautions"] = [dict(c) for c in cautions()] if recs else []
        rt = retest_plan()
        rt["trigger"] = {"text": "Shown with every plan so that changes can be checked against this one."}
        missing_ids = {m["id"] for m in ranking["missing"]}
        rt["tests"] = [t["name"] for t in load_rules()["test"] if t["id"] not in missing_ids]
        plan["retest"] = rt
        plan["status"] = "advice" if screen["complete"] else "advice_screen_incomplete"
        if it is not None and it.has_pain and rt.get("pain_text"):
            rt["text"] = f"{rt['text']} {rt['pain_text']}"
        if contributors:
            top = ", ".join(f"the {c['name']} ({c['confidence_word']} confidence)" for c in contributors)
            plan["headline"] = f"Possible contributors, an estimate from the practitioners' model: {top}."
        elif it is not None and it.has_pain:
            plan["headline"] = ("Nothing in your answers or measurements points to one muscle group that needs "
                                "stretching (an estimate from the practitioners' model); see a clinician if the pain "
                                "goes on.")
        else:
            plan["headline"] = ("Nothing in your measurements points to a muscle group that needs stretching (an "
                                "estimate from the practitioners' model).")
        plan["findings_headline"] = plan["headline"]
        if not screen["complete"]:
            plan["headline"] = screen["message"] + " " + plan["headline"]
    if role == "therapist":
        plan["therapist_notes"] = _therapist_notes(plan["contributors"], it, stopped)
    if role == "trainer":
        row = {g: "-" for g in _GROUP_ADJ}
        for c in plan["contributors"]:
            row[c["group"]] = c["confidence_word"]
        row["red_flag"] = screen["level"]
        row["kind"] = "estimate"
        plan["trainer_row"] = row
    return plan


# ----------------------------------------------------------------------------------------------------
# text for the CLI
# ----------------------------------------------------------------------------------------------------
def _wrap(text: str, indent: str = "", width: int = 100) -> str:
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent + "  ")


def format_plan_text(plan: dict, width: int = 100) -> str:
    """The plan as plain text for the terminal (the same content as the dict, in reading order)."""
    w = lambda t, i="": _wrap(t, i, width)  # noqa: E731
    L = [w(plan["headline"]), ""]
    scr = plan["red_flags"]
    L.append("Safety questions")
    L.append(w(scr["message"], "  "))
    if plan["advice_stopped"]:
        for r in scr["raised"]:
            L.append(w(f"- {r['plain']}: {r['why']}", "  "))
        for n in plan["notes"]:
            L.append(w(n, "  "))
        for n in plan.get("therapist_notes", []):
            L.append(w(f"Therapist: {n['text']}", "  "))
        L += ["", w(plan["disclaimer"])]
        return "\n".join(L) + "\n"
    L.append("")
    if plan["contributors"]:
        L.append("Possible contributors (an estimate from the practitioners' model)")
        for c in plan["contributors"]:
            L.append(w(f"{c['rank']}. The {c['name']} ({c['muscles']}): confidence {c['confidence']:.2f} "
                       f"({c['confidence_word']}), an estimate.", "  "))
            for e in c["evidence"]:
                L.append(w(f"+ {e['text']} [{e['source']}]", "     "))
            for e in c["against"]:
                L.append(w(f"- {e['text']} [{e['source']}]", "     "))
            if c.get("side_focus"):
                L.append(w(f"side: {c['side_focus']['why']}", "     "))
        L.append("")
    for t in plan["conflicts"]:
        L.append(w(f"Note: {t}"))
    for n in plan["notes"]:
        L.append(w(n))
    if plan["conflicts"] or plan["notes"]:
        L.append("")
    if plan["recommendations"]:
        L.append("Stretches")
        for r in plan["recommendations"]:
            L.append(w(f"* {r['name']} ({r['position']}) - picture: {r['picture']}", "  "))
            L.append(w(r["trigger"]["text"], "    "))
            for i, s in enumerate(r["steps"], 1):
                L.append(w(f"{i}. {s}", "    "))
            L.append(w(f"Dose: {r['dose']} ({r['dose_source']})", "    "))
            for c in r["cautions"]:
                L.append(w(f"Caution: {c}", "    "))
            if r.get("side_focus"):
                L.append(w(r["side_focus"]["text"], "    "))
        L.append("")
        L.append("How to stretch")
        for c in plan["cautions"]:
            L.append(w(f"- {c['text']}", "  "))
        L.append("")
    if plan["avoid"]:
        L.append("What to avoid")
        for a in plan["avoid"]:
            L.append(w(f"- {a['name']}: {a['text']} {a['trigger']['text']}", "  "))
        L.append("")
    if plan["retest"]:
        rt = plan["retest"]
        L.append("Measure again")
        L.append(w(f"{rt['text']} Keep the same setup: {'; '.join(rt['setup'])}.", "  "))
        L.append(w(rt["why"], "  "))
        L.append("")
    if plan.get("therapist_notes"):
        L.append("For the therapist")
        for n in plan["therapist_notes"]:
            L.append(w(f"- {n['text']} ({n['trigger']['text']})", "  "))
        L.append("")
    if plan.get("trainer_row"):
        row = plan["trainer_row"]
        L.append("Screen row (an estimate): " + ", ".join(f"{k}={v}" for k, v in row.items() if k != "kind"))
        L.append("")
    L.append("Where this comes from")
    for h in plan["honesty"]:
        L.append(w(f"- [{h['source']}] {h['text']}", "  "))
    L += ["", w(plan["disclaimer"])]
    return "\n".join(L) + "\n"
