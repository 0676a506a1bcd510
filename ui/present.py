"""How an assessment, a movement test and an advice plan read on the page: tables, chart data, plain
sentences, downloads and the intake form's answers. No Streamlit here (tests call these directly).

``role`` is ``"client"`` (fewer numbers; the everyday words are in :mod:`ui.client`), ``"therapist"`` or
``"trainer"`` (every column: confidence, spread, side, the source of the usual range).
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

import numpy as np
import pandas as pd

from analysis import geometry as geo
from analysis.intake import Intake
from analysis.quality import mask_low_visibility
from analysis.report_text import FLAG_WORDS
from privacy.text import csv_row

ROLES = {"client": "Client (plain words)", "therapist": "Therapist (all numbers)", "trainer": "Trainer (all numbers)"}
STATUS_WORDS = {"within": "in the usual range", "above": "above the usual range", "below": "below the usual range",
                "unknown": "no usual range"}
_UNIT = {"deg": "°", "% height": "% of height", "% trunk length": "% of trunk length", "cm": "cm", "s": "s", "": ""}


def is_expert(role: str) -> bool:
    return role in ("therapist", "trainer")


def fmt_value(m: dict, spread: bool = False, decimals: int = 1) -> str:
    if m.get("value") is None:
        return "not measured"
    unit = _UNIT.get(m.get("unit") or "", m.get("unit") or "")
    if unit and unit != "°":
        unit = " " + unit
    v = round(float(m["value"]), decimals) + 0.0  # no "-0.0"
    s = f"{v:.{decimals}f}{unit}"
    if spread and m.get("spread"):
        s += f" ± {m['spread']:.1f}"
    return s


def fmt_range(m: dict) -> str:
    n = m.get("norm")
    if not n:
        return "-"
    unit = _UNIT.get(n.get("unit") or m.get("unit") or "", "")
    unit = unit if unit == "°" else (" " + unit if unit else "")
    lo, hi = n.get("low"), n.get("high")
    if lo is not None and hi is not None:
        return f"{lo:g} to {hi:g}{unit}"
    if lo is not None:
        return f"at least {lo:g}{unit}"
    if hi is not None:
        return f"at most {hi:g}{unit}"
    return "-"


def metric_label(m: dict) -> str:
    side = m.get("side")
    name = m["name"]
    if side and side not in name.lower():
        name += f" ({side})"
    return name


def metrics_table(metrics: list[dict], role: str = "client") -> pd.DataFrame:
    """The metrics as a table: what, value, usual range, how it compares, measurement or estimate; for
    therapists and trainers also the confidence, spread (SD over the frames) and the range's basis."""
    rows = []
    for m in metrics:
        measured = m.get("value") is not None
        row = {"Measure": metric_label(m),
               "Value": fmt_value(m),
               "Usual range": fmt_range(m),
               "Compared with usual": STATUS_WORDS.get(m.get("status") or "unknown", m.get("status")) if measured
               else (m.get("reason") or "could not be measured"),
               "Kind": "estimate" if m.get("kind") == "estimate" else "measurement"}
        if is_expert(role):
            row["Confidence"] = f"{m.get('confidence', 0.0):.2f}" if measured else "-"
            row["Spread (SD)"] = f"{m['spread']:.1f}" if measured and m.get("spread") else "-"
            row["Range basis"] = (m.get("norm") or {}).get("basis", "-")
        rows.append(row)
    return pd.DataFrame(rows)


def definitions(metrics: list[dict]) -> list[tuple[str, str]]:
    """(name, definition and the source of the usual range) per metric, for therapists."""
    out = []
    for m in metrics:
        n = m.get("norm")
        src = f" Usual range: {n['source']} ({n['basis']})." if n else ""
        out.append((metric_label(m), m["definition"] + src))
    return out


def check_lines(checks: list[dict]) -> list[tuple[str, str]]:
    """(level, text) per capture check, the one that explains the others first: level ``ok``, ``warn``
    (lowers confidence), ``bad`` (blocks the numbers) or ``skip`` (could not be checked, or not judged on its
    own because it follows from an earlier failed check)."""
    from analysis.gates import rank_checks

    out = []
    names = {c["name"]: c for c in checks}
    for c in rank_checks(checks):
        if c.get("consequence_of"):
            first = names.get(c["consequence_of"], {}).get("reason", c["consequence_of"])
            out.append(("skip", f"{_CHECK_NAMES.get(c['name'], c['name'].replace('_', ' '))}: not judged on its own "
                                f"(it follows from the first problem: {first})"))
        elif not c.get("checked", True):
            out.append(("skip", c["reason"]))
        elif c["passed"]:
            out.append(("ok", c["reason"]))
        else:
            text = c["reason"] + (f" - {c['advice']}" if c.get("advice") else "")
            out.append(("bad" if c.get("blocking") else "warn", text))
    return out


_CHECK_NAMES = {"person": "who is in the picture", "clip": "a video of the movement",
                "found": "you found in the clip", "tracking": "the legs followed", "activity": "what you were doing",
                "view": "the view", "whole_body": "body in the picture", "visibility": "body points seen clearly",
                "person_size": "size in the picture", "camera_level": "camera level", "still": "standing still",
                "plausibility": "plausible numbers", "position": "lying face up or down",
                "movement": "the test's movement", "leg": "which leg moved",
                "leg_side": "tested leg towards the camera", "hidden_knee": "tested knee in view",
                "other_leg": "one leg per clip", "repeat": "the repetitions agree",
                "in_place": "the part measured"}


def shows_numbers(result: dict | None) -> bool:
    """Whether a standing assessment or movement-test result may show numbers: its gates passed (``ok``)."""
    return bool(result) and result.get("ok") is not False


def movement_metrics(result: dict) -> list[dict]:
    """Every metric of a movement-test summary (best and mean values, spreads, flags' metrics), in order."""
    out: list[dict] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            if "key" in v and "value" in v and "unit" in v and "kind" in v:
                out.append(v)
                return
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(result.get("summary") or {})
    seen, uniq = set(), []
    for m in out:
        k = (m["key"], m.get("side"))
        if k not in seen:
            seen.add(k)
            uniq.append(m)
    return uniq


def movement_flags(result: dict) -> list[str]:
    """Yes/no findings of a movement test (e.g. the pelvis moved), as plain sentences."""
    out = []
    for name, v in (result.get("summary") or {}).items():
        if isinstance(v, bool):
            out.append(f"{FLAG_WORDS.get(name, name.replace('_', ' ').capitalize())}: {'yes' if v else 'no'}")
    return out


# ------------------------------------------------------------------------------------------------ charts
def standing_series(seq, assessment: dict | None) -> pd.DataFrame | None:
    """Per-frame angles over the clip, for a line chart (time in s as the index).

    Side view: trunk inclination (+ forward), hip angle and knee flexion of the near side. Front/back
    view: shoulder-line and hip-line tilt. None for a photo or without a person.
    """
    if assessment is None or not assessment.get("view") or not assessment.get("ok") or len(seq) < 2:
        return None  # a blocked capture shows no curve as a result
    p = mask_low_visibility(seq.pixels, seq.visibility)
    label, facing = assessment["view"]["label"], assessment["view"]["facing"] or 1
    with np.errstate(all="ignore"):
        if label in ("left side", "right side"):
            left = np.nanmean(seq.visibility[:, [11, 23, 25, 27]]) >= np.nanmean(seq.visibility[:, [12, 24, 26, 28]])
            s, h, k, a = (11, 23, 25, 27) if left else (12, 24, 26, 28)
            hip_mid = np.nanmean(p[:, [23, 24]], axis=1)
            sh_mid = np.nanmean(p[:, [11, 12]], axis=1)
            trunk = geo.inclination_to_vertical(hip_mid, sh_mid) * facing
            data = {"Trunk inclination (° forward)": trunk,
                    "Hip angle (°)": geo.angle_at(p[:, s], p[:, h], p[:, k]),
                    "Knee flexion (°)": 180.0 - geo.angle_at(p[:, h], p[:, k], p[:, a])}
        else:
            data = {"Shoulder line tilt (°)": geo.line_angle_to_horizontal(p[:, 11], p[:, 12]),
                    "Hip line tilt (°)": geo.line_angle_to_horizontal(p[:, 23], p[:, 24])}
    df = pd.DataFrame({k: np.round(np.asarray(v, dtype=float), 2) for k, v in data.items()},
                      index=pd.Index(np.round(seq.timestamps, 3), name="time (s)"))
    return df if df.notna().any().any() else None


def axis_domain(values, min_span: float = 10.0) -> tuple[float, float] | None:
    """An honest y-axis range for a line of ``values``: the data's range, widened symmetrically to at least
    ``min_span`` (in the values' unit) so that a little noise does not fill the chart; None without values."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not v.size:
        return None
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < min_span:
        mid = (lo + hi) / 2.0
        lo, hi = mid - min_span / 2.0, mid + min_span / 2.0
    pad = 0.05 * (hi - lo)
    return round(lo - pad, 1), round(hi + pad, 1)


def fit_image(rgb: np.ndarray, max_height: int = 460, max_width: int = 720) -> np.ndarray:
    """``rgb`` scaled down (never up) to at most ``max_height`` x ``max_width`` pixels, keeping its shape: a
    portrait phone frame no longer fills two screens. Shown at its own size, capped at the column's width."""
    import cv2

    h, w = rgb.shape[:2]
    s = min(1.0, max_height / max(1, h), max_width / max(1, w))
    if s >= 1.0:
        return rgb
    return cv2.resize(rgb, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)


_CURVE_NAMES = {"hip_extension": "Hip extension (°)", "thigh_behind_vertical": "Thigh behind vertical (°)",
                "knee_flexion": "Knee flexion (°)", "trunk_lean": "Trunk lean (°)",
                "lumbar_angle": "Low-back angle (°)", "hip_height": "Hip height (thigh lengths above seated)"}


def chart_min_span(name: str) -> float:
    """The least y-axis height (in the column's own unit), so that noise does not fill it, of the chart of a series
    labelled ``name`` by :func:`movement_series` or :func:`standing_series`: 0.5 for thigh lengths (the hip height),
    10 for the rest, all in degrees."""
    return 0.5 if "(thigh lengths" in name else 10.0


def movement_series(result: dict) -> pd.DataFrame | None:
    """The movement test's curves over time (``result['curve']``) for line charts, each column labelled with its
    unit (see :func:`chart_min_span`); None when its gates failed."""
    if not shows_numbers(result):
        return None
    curve = result.get("curve") or {}
    t = curve.get("time_s")
    if not t:
        return None
    data = {}
    for k, v in curve.items():
        if k == "time_s" or not isinstance(v, list) or len(v) != len(t):
            continue
        arr = np.array([np.nan if x is None else x for x in v], dtype=float)
        if np.isfinite(arr).any():
            data[_CURVE_NAMES.get(k, k.replace("_", " ").capitalize() + " (°)")] = arr  # the rest are angles
    if not data:
        return None
    return pd.DataFrame(data, index=pd.Index(t, name="time (s)"))


def spinal_curve_frame(curve: dict | None) -> pd.DataFrame | None:
    """The back's outline between hip (0) and shoulder (1) level: its offset from the straight hip-shoulder
    line in % of trunk length (+ = towards the back), for a chart with height on the vertical axis."""
    if not curve or not curve.get("heights"):
        return None
    h = np.asarray(curve["heights"], dtype=float)
    off = np.array([np.nan if v is None else v for v in curve.get("offset") or []], dtype=float)
    if len(off) != len(h) or not np.isfinite(off).any():
        return None
    ok = np.isfinite(off)
    return pd.DataFrame({"height (0 = hip, 1 = shoulder)": np.round(h[ok], 3),
                         "back offset (% of trunk length)": np.round(100 * off[ok], 2)})


# ------------------------------------------------------------------------------------------------ downloads
def metrics_csv(metrics: list[dict]) -> bytes:
    """The metrics as CSV: key, name, side, value, unit, spread, kind, confidence, usual low/high, status."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["key", "name", "side", "value", "unit", "spread", "kind", "confidence", "usual_low", "usual_high",
                "status", "reason"])
    for m in metrics:
        n = m.get("norm") or {}
        w.writerow(csv_row([m["key"], m["name"], m.get("side") or "", "" if m.get("value") is None else m["value"],
                            m.get("unit", ""), "" if m.get("spread") is None else m["spread"], m.get("kind", ""),
                            m.get("confidence", ""), "" if n.get("low") is None else n["low"],
                            "" if n.get("high") is None else n["high"], m.get("status", ""), m.get("reason") or ""]))
    return buf.getvalue().encode()


def report_json(result, plan: dict | None) -> bytes:
    """Everything about one result in one JSON file: the recording summary, the assessment or movement
    test, and the advice plan for the answers given."""
    assessment = dict(result.assessment or {})
    assessment.pop("plan", None)
    doc = {"file": result.name, "check": result.check, "summary": result.summary,
           ("movement_test" if assessment.get("kind") else "assessment"): assessment or None, "plan": plan}
    return json.dumps(doc, indent=2, default=_json_default).encode()


def _json_default(o):
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    raise TypeError(type(o).__name__)


# ------------------------------------------------------------------------------------------------ intake
def intake_from_answers(answers: dict) -> Intake:
    """An :class:`~analysis.intake.Intake` from the form's widget values (question id -> value).

    Empty answers (None, "", [], "not answered") count as not answered; ``"yes"``/``"no"`` become booleans.

    Raises
    ------
    analysis.intake.IntakeError
        With the question and the allowed answers, when an answer is not allowed.
    """
    d: dict = {}
    for k, v in answers.items():
        if v in (None, "", [], (), "not answered"):
            continue
        if v in ("yes", "no"):
            v = v == "yes"
        if k == "age":
            v = int(v)
        d[k] = v
    return Intake.from_dict(d)


def findings_for_plan(result) -> Any:
    """What :func:`analysis.advice.build_plan` reads from a result: the standing assessment or movement-test
    result itself (read through :func:`analysis.causation.normalize_findings`; one whose gates failed gives no
    finding)."""
    return result.assessment


def plan_for(result, intake: Intake | None, role: str) -> dict:
    """The advice plan for one result, the intake (or None) and the role."""
    from analysis.advice import build_plan

    return build_plan(intake, findings_for_plan(result), role)
