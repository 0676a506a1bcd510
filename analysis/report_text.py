"""Plain-text rendering of an assessment for the command line (no maths here, only wording)."""

from __future__ import annotations

from analysis.gates import open_failures


FLAG_WORDS = {"hips_flexed_back_arched_any": "Back arched while the hips were still bent on standing up (any "
                                             "repetition)"}
"""Plain words for a movement result's yes/no summary entries (their keys are not for people), for the command line
and the therapist's view of the app."""


def _value(m: dict) -> str:
    if m["value"] is None:
        return "-"
    unit = "" if m["unit"] in ("", None) else (" deg" if m["unit"] == "deg" else f" {m['unit']}")
    spread = f" ±{m['spread']:.1f}" if m.get("spread") else ""
    return f"{m['value']:.1f}{spread}{unit}"


def _range(m: dict) -> str:
    n = m.get("norm")
    if not n:
        return ""
    if n["low"] is not None and n["high"] is not None:
        return f"{n['low']:g} to {n['high']:g}"
    if n["low"] is not None:
        return f">= {n['low']:g}"
    if n["high"] is not None:
        return f"<= {n['high']:g}"
    return ""


def _check_lines(checks: list[dict]) -> list[str]:
    """The failed checks, the one that explains the others first and the warnings after the blocking ones;
    consequences of it are not repeated."""
    out = []
    for c in sorted(open_failures(checks), key=lambda c: not c.get("blocking")):
        kind = "cannot measure" if c.get("blocking") else "check"
        out.append(f"  [{kind}] {c['reason']}" + (f" - {c['advice']}" if c.get("advice") else ""))
    return out


def format_assessment(assessment: dict, detailed: bool = False) -> str:
    """The assessment as lines of text: capture checks, a metrics table, the posture reading, notes.

    ``detailed`` adds each metric's definition and the source of its usual range (for therapists).
    """
    lines = []
    view = assessment.get("view")
    if view:
        lines.append(f"Standing posture, {view['label']} view")
    lines += _check_lines(assessment["checks"])
    if not assessment["ok"]:
        lines.append("  No posture numbers: fix the capture as advised above and record again.")
        return "\n".join(lines + [f"  Note: {n}" for n in assessment["notes"]])
    rows = [("measure", "value", "usual", "status", "kind (confidence)")]
    for m in assessment["metrics"]:
        side = f" ({m['side']})" if m.get("side") and m["side"] not in m["name"].lower() else ""
        kind = f"{m['kind']} ({m['confidence']:.2f})" if m["value"] is not None else m["kind"]
        rows.append((m["name"] + side, _value(m), _range(m), m["status"] if m["value"] is not None else "n/a", kind))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    for m in assessment["metrics"]:
        if m["value"] is None:
            lines.append(f"  {m['name']}: not measured - {m['reason']}")
    curve = assessment.get("spinal_curve")
    if curve and curve.get("posture_type") not in (None, "unknown"):
        lines.append(f"  Posture reading: {curve['posture_reason']}")
    if detailed:
        lines.append("  Definitions:")
        for m in assessment["metrics"]:
            src = f" Usual range: {m['norm']['source']} ({m['norm']['basis']})." if m.get("norm") else ""
            lines.append(f"    {m['name']}: {m['definition']}{src}")
    else:
        lines += [f"  - {m['reading']}" for m in assessment["metrics"] if m["value"] is not None and m["reading"]]
    lines += [f"  Note: {n}" for n in assessment["notes"]]
    return "\n".join(lines)


def _once(reason: str, label: str, said: dict) -> str:
    """``reason``, or, where its explanation (after the first ": ") was given for an earlier repetition, its
    first part and a pointer to that one (a lower bound's long why is the same for every repetition)."""
    head, sep, why = reason.partition(": ")
    if not sep or len(why) < 80:
        return reason
    if why in said:
        return f"{head}: as for {said[why]}"
    said[why] = label
    return reason


def format_movement(result: dict) -> str:
    """A movement-test result (:func:`analysis.movement.run_movement_test`) as lines of text.

    The header names the leg tested (and whether it was near or far from the camera) or, for walking, the
    side facing the camera. When a blocking check failed (``ok`` false) the test's numbers were withheld:
    only what was seen and what to do are printed, never a measurement."""
    proto = result.get("protocol") or {}
    if result.get("kind") == "walk":
        near = result.get("near_side")
        who = f"{near} side facing the camera" if near else "facing side not found"
    else:
        who = result.get("leg") or (f"{result['side']} side" if result.get("side") else "leg not found")
    lines = [f"{proto.get('name', result['kind'])}" + (f": {who}" if result["ok"] else "")]
    lines += [f"  [note] {c['reason']}" for c in result["checks"] if c["name"] == "in_place"]
    lines += [f"  [note] {result['leg_note']}"] if result["ok"] and result.get("leg_note") else []
    lines += _check_lines(result["checks"])
    if not result["ok"]:
        lines.append("  Not measured: no numbers are given when the clip does not show the test (see above).")
        lines.append("  How to film it: " + proto.get("camera", ""))
        lines += [f"    - {step}" for step in proto.get("person", [])]
        return "\n".join(lines)
    reps = result.get("repetitions") or result.get("steps") or []
    said = {}  # why a number was not given (after its first ": "), by the repetition that said it first
    for r in reps:
        label = f"step {r['step']}" if "step" in r else f"repetition {r.get('repetition', '?')}"
        ms = (r.get("metrics") or {}).values()
        vals = [f"{m['name']} {_value(m)}" for m in ms if m["value"] is not None]
        gap = next((m for m in ms if m["value"] is None and m.get("reason")), None)  # the first one says why
        gaps = [f"{gap['name']} not measured ({_once(gap['reason'], label, said)})"] if gap else []
        lines.append(f"  {label} ({r.get('side', '')}): " + "; ".join(vals + gaps))
    for name, s in (result.get("summary") or {}).items():
        if isinstance(s, dict) and "best" in s and s["best"] and s["best"].get("value") is not None:
            b = s["best"]
            sd = s.get("spread") if isinstance(s.get("spread"), dict) else {}
            spread = f", spread {sd['value']:.1f}" if sd.get("value") is not None else ""
            usual = f" (usual {_range(b)}, {b['status']})" if _range(b) else ""
            leg = f", {name} leg" if name in ("left", "right") else ""  # a walk's summary per leg
            lines.append(f"  {b['name']}: {_value(b)}{leg}{usual}{spread}")
        elif isinstance(s, bool):
            lines.append(f"  {FLAG_WORDS.get(name, name.replace('_', ' '))}: {'yes' if s else 'no'}")
    for p in result["problems"]:  # a repetition's why, given above, is not said again
        why = next((w for w in said if p.endswith(": " + w)), None)
        lines.append(f"  problem: {p[:-len(why)] + 'as for ' + said[why] if why else p}")
    return "\n".join(lines)
