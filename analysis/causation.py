"""The practitioners' causation model: from symptoms and findings to likely contributing muscle groups.

The rules are data (``analysis/data/causation_rules.toml``): each says which answer or finding counts
towards (or against) which muscle group - the front of the thighs (quadriceps / hip flexors), the inner
thighs (adductors) or the hamstrings - how much, in which plain words, and whether it comes from the
practitioners' model of the project's source documents, a published study, or this program's own
choice. The functions here only read findings, apply the rules and rank the groups.

Everything this module returns is an **estimate** from a practitioners' model, not a diagnosis:
published studies find weak links between hip flexor length, pelvic tilt and pain (Heino 1990,
Preece 2021, Herrington 2011), which is why the confidence is capped (``[scoring] cap``).

Findings
--------
A plain mapping ``key -> value`` where each value is an :class:`analysis.metric.Metric`, its
``to_dict()`` form (a dict with at least ``value``; optional ``unit``, ``kind``, ``confidence``, ``side``,
``name``, ``extra``), or a bare number / bool / string. :func:`normalize_findings` also accepts a list of
Metric dicts (each with ``key``) or a whole standing assessment (``{"metrics": [...], "spinal_curve":
{"posture_type": ...}}``) and merges several sources. Keys read (see :data:`FINDING_KEYS`):

* standing side view: ``pelvic_tilt`` (deg, + = anterior; usually an estimate), ``lumbar_lordosis_depth``
  (alias ``lumbar_lordosis``; % trunk length), ``hip_angle`` (deg, 180 = straight), ``posture_type``
  (string, e.g. ``"sway back"``);
* movement tests, per side with ``_left`` / ``_right`` suffixes (or the bare key with a ``side``):
  ``hip_extension`` (deg behind the trunk line, + = extension), ``thomas_thigh_angle`` (deg above
  horizontal, + = above), ``thomas_knee_flexion`` (deg), ``ely_knee_flexion`` (deg), ``ely_hip_rise``
  (flag: True, a positive number of degrees, or ``extra["flag"]``), ``straight_leg_raise`` (deg);
* ``sit_to_stand_pattern``: present when True / 1, a string other than ``"normal"``/``"none"`` (e.g.
  ``"hips_flexed_back_arched"``), or ``extra["pattern"]`` such a string.

Other names are accepted (:data:`ALIASES`: the movement modules' ``thomas_thigh_above_horizontal``,
``ely_max_knee_flexion``, ``ely_hip_rise_max``, ``hips_flexed_back_arched(_any)``, ``hip_extension_range``),
a ``_best`` suffix is dropped, and a movement-test result dict with a ``summary`` (``{name: {"best":
Metric dict}}`` or booleans) is read through its best repetitions. Findings whose value is None (not
measured) are ignored; missing tests are listed by :func:`rank`.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from analysis.metric import LEG_NOT_CERTAIN
from analysis.norms import norm, threshold

RULES_FILE = Path(__file__).resolve().parent / "data" / "causation_rules.toml"
GROUPS = ("front_thighs", "inner_thighs", "hamstrings")
SOURCES = ("practitioners' model", "published study", "this program")
SIDES = ("left", "right")
ALIASES = {"lumbar_lordosis": "lumbar_lordosis_depth",
           # names used by the movement-test modules (analysis/movement.py, thomas.py, sit_to_stand.py)
           "hip_extension_range": "hip_extension",
           "thomas_thigh_above_horizontal": "thomas_thigh_angle",
           "ely_max_knee_flexion": "ely_knee_flexion",
           "ely_hip_rise_max": "ely_hip_rise", "ely_hip_angle_change": "ely_hip_rise",
           "hips_flexed_back_arched": "sit_to_stand_pattern", "hips_flexed_back_arched_any": "sit_to_stand_pattern"}
"""Other names accepted for a finding key; a ``_best`` suffix (best repetition) is also dropped."""
_ABSENT = ("", "none", "normal", "no", "false", "absent", "not seen", "unknown")


# ----------------------------------------------------------------------------------------------------
# findings
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One finding as the rules read it.

    Attributes
    ----------
    key : str
    value : float, bool, str or None
    unit : str
    kind : str
        ``"measurement"`` or ``"estimate"``.
    confidence : float or None
        0..1 when the finding carries one.
    side : str or None
    name : str
    extra : dict
    """

    key: str
    value: Any
    unit: str = ""
    kind: str = "measurement"
    confidence: float | None = None
    side: str | None = None
    name: str = ""
    extra: dict = field(default_factory=dict)
    status: str = "unknown"

    @property
    def measured(self) -> bool:
        v = self.value
        return v is not None and not (isinstance(v, float) and not math.isfinite(v))


def _to_finding(key: str, v: Any) -> Finding:
    if hasattr(v, "to_dict") and not isinstance(v, Mapping):
        v = v.to_dict()
    if isinstance(v, Mapping):
        conf = v.get("confidence")
        kind = v.get("kind") or "measurement"
        val = v.get("value")
        if isinstance(val, (int, float)) and not isinstance(val, bool):
            val = float(val)
        return Finding(key, val, v.get("unit") or "", kind if kind in ("measurement", "estimate") else "estimate",
                       None if conf is None else float(conf), v.get("side"), v.get("name") or "",
                       dict(v.get("extra") or {}), v.get("status") or "unknown")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = float(v)
    return Finding(key, v)


def not_measured(result: Any) -> bool:
    """Whether ``result`` is a standing assessment or movement-test result whose gates did not pass
    (``ok`` False): a blocking check blocks, so such a result contributes no finding to any plan."""
    return (isinstance(result, Mapping) and result.get("ok") is False
            and any(k in result for k in ("checks", "metrics", "summary")))


def normalize_findings(*sources: Any) -> dict[str, Finding]:
    """Merge finding sources into one ``key -> Finding`` mapping (later sources win).

    Parameters
    ----------
    *sources
        Each a mapping ``key -> Metric | dict | number | bool | str``, a list of Metric dicts (with
        ``key``), a standing assessment dict (``metrics`` list and ``spinal_curve``), a movement-test result,
        or None. An assessment or movement-test result with ``ok`` False (a gate blocked it) is skipped; a
        movement-test result whose ``leg_in_doubt`` gives a reason has its findings stored without a side (no
        ``KEY_<side>``, so no rule or side focus names the leg the pose model may have misnamed).

    Returns
    -------
    dict of str to Finding
        A per-side finding given under its bare key with a ``side`` is also stored as ``KEY_<side>``;
        aliases (``lumbar_lordosis``) are stored under the canonical key.
    """
    out: dict[str, Finding] = {}

    def put(key: str, v: Any) -> None:
        if key.endswith("_best"):
            key = key[: -len("_best")]
        key = ALIASES.get(key, key)
        f = _to_finding(key, v)
        out[key] = f
        if f.side in SIDES and not key.endswith(("_left", "_right")):
            out[f"{key}_{f.side}"] = Finding(f"{key}_{f.side}", f.value, f.unit, f.kind, f.confidence, f.side,
                                             f.name, f.extra, f.status)

    for src in sources:
        if src is None or not_measured(src):
            continue
        if isinstance(src, Mapping) and isinstance(src.get("metrics"), list):
            for m in src["metrics"]:
                put(m["key"], m)
            curve = src.get("spinal_curve") or {}
            if curve.get("posture_type") not in (None, "unknown"):
                put("posture_type", {"value": curve["posture_type"], "kind": "estimate",
                                     "confidence": None, "name": "posture type"})
            continue
        if isinstance(src, Mapping) and isinstance(src.get("summary"), Mapping):
            # a movement-test result: {"summary": {name: {"best": Metric dict, ...} or bool}}; where the tested
            # leg's name is in doubt its numbers are kept without a side (they are the moving leg's, whichever)
            doubt = bool(src.get("leg_in_doubt"))
            for k, v in src["summary"].items():
                if isinstance(v, Mapping) and isinstance(v.get("best"), Mapping):
                    best = v["best"]
                    if doubt and best.get("side") is not None:
                        best = {**best, "side": None, "name": f"{best.get('name') or k} {LEG_NOT_CERTAIN}"}
                    put(best.get("key", k), best)
                elif isinstance(v, bool):
                    put(k, v)
            continue
        if isinstance(src, Mapping):
            for k, v in src.items():
                put(str(k), v)
            continue
        for m in src:  # an iterable of Metric objects or dicts
            d = m.to_dict() if hasattr(m, "to_dict") else dict(m)
            put(d["key"], d)
    return out


# ----------------------------------------------------------------------------------------------------
# rules
# ----------------------------------------------------------------------------------------------------
def check_entries(entries: list[dict], what: str, required: tuple[str, ...], path: Path):
    """Check a data file's entries: each has the ``required`` keys, a unique ``id`` and a known ``group``.

    Yields ``(entry, where)`` for the caller's own checks; raises ValueError naming the entry and file.
    """
    seen = set()
    for e in entries:
        where = f"{what} {e.get('id')!r} in {path.name}"
        for k in required:
            if k not in e:
                raise ValueError(f"{where} needs {k!r}")
        if e["id"] in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(e["id"])
        if e["group"] not in GROUPS:
            raise ValueError(f"{where}: group must be one of {GROUPS}")
        yield e, where


@lru_cache(maxsize=None)
def load_rules(path: Path = RULES_FILE) -> dict:
    """The rules file, checked: every rule names a known group, input, kind, op and source."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    required = ("id", "group", "input", "kind", "key", "op", "weight", "source", "text")
    for r, where in check_entries(data["rule"], "rule", required, path):
        if r["source"] not in SOURCES:
            raise ValueError(f"{where}: source must be one of {SOURCES}")
        if r["input"] not in ("intake", "finding") or r["kind"] not in ("symptom", "posture", "movement"):
            raise ValueError(f"{where}: bad input or kind")
        if r["op"] not in ("in", "contains", "<", "<=", ">", ">=", "present"):
            raise ValueError(f"{where}: unknown op {r['op']!r}")
        if r["op"] not in ("present",) and "value" not in r and "norm_ref" not in r:
            raise ValueError(f"{where} needs a value or a norm_ref")
    return data


def rule_threshold(rule: dict) -> Any:
    """The rule's ``value``, or the number its ``norm_ref`` points at in ``norms.toml``."""
    if "value" in rule:
        return rule["value"]
    ref = rule.get("norm_ref")
    if ref is None:
        return None
    if "." in ref:
        key, bound = ref.split(".", 1)
        v = getattr(norm(key), bound)
        if v is None:
            raise ValueError(f"norm {key!r} has no {bound} bound (rule {rule['id']!r})")
        return float(v)
    return threshold(ref)


FINDING_KEYS: tuple[str, ...] = tuple(sorted({
    (f"{r['key']}_left / {r['key']}_right" if r.get("per_side") else r["key"])
    for r in load_rules()["rule"] if r["input"] == "finding"}))
"""The finding keys the rules read (per-side keys shown with both suffixes)."""

_OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def _present(f: Finding) -> bool:
    for k in ("flag", "flagged", "present"):
        if isinstance(f.extra.get(k), bool):
            return f.extra[k]
    pat = f.extra.get("pattern")
    if isinstance(pat, str):
        return pat.strip().lower() not in _ABSENT
    v = f.value
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        if f.status in ("above", "within", "below"):  # a number with a usual range: flagged when above it
            return f.status == "above"
        return v > 0
    if isinstance(v, str):
        return v.strip().lower() not in _ABSENT
    return False


def _unit_words(unit: str) -> str:
    words = {"deg": " deg", "% trunk length": "% of trunk length", "% height": "% of height"}
    return words.get(unit, f" {unit}" if unit else "")


def fmt_value(f: Finding) -> str:
    """A finding's value in words, e.g. ``"4 deg"`` or ``"17.2% of trunk length"``."""
    v = f.value
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        unit = f.unit or ("deg" if f.key.startswith(("hip_", "thomas_", "ely_", "pelvic_", "straight_")) else "")
        digits = 0 if unit == "deg" else 1
        return f"{v:.{digits}f}{_unit_words(unit)}"
    return str(v)


def confidence_word(c: float) -> str:
    """``"low"``, ``"moderate"`` or ``"high"`` for a 0..1 confidence (limits in ``[scoring] words``)."""
    for lim, word in load_rules()["scoring"]["words"]:
        if c < lim:
            return word
    return "high"


def _estimate_note(fs: list[Finding]) -> str:
    est = [f for f in fs if f.kind == "estimate"]
    if not est:
        return ""
    confs = [f.confidence for f in est if f.confidence is not None]
    if confs:
        c = min(confs)
        return f" (an estimate, confidence {c:.2f}, {confidence_word(c)})"
    return " (an estimate)"


def _side_findings(findings: Mapping[str, Finding], key: str) -> dict[str, Finding]:
    out = {}
    for s in SIDES:
        f = findings.get(f"{key}_{s}")
        if f is not None and f.measured:
            out[s] = f
    bare = findings.get(key)
    if not out and bare is not None and bare.measured:
        out[bare.side or ""] = bare
    return out


def _eff_weight(rule: dict, fs: list[Finding]) -> float:
    sc = load_rules()["scoring"]
    if not fs:
        return float(rule["weight"])
    confs = [f.confidence if f.confidence is not None else sc["unknown_confidence"] for f in fs]
    c = max(sc["min_finding_confidence"], min(1.0, max(confs)))
    return float(rule["weight"]) * c


def evaluate_rule(rule: dict, intake, findings: Mapping[str, Finding]) -> dict | None:
    """Apply one rule; the evidence record when it matches, else None.

    Returns
    -------
    dict or None
        ``rule``, ``group``, ``kind``, ``source``, ``weight`` (as written), ``points`` (weight x the
        finding's confidence), ``text`` (plain words, estimates labelled), ``findings`` (keys read),
        ``sides`` (sides that matched), ``estimate`` (True when an estimate was used) and ``note``.
    """
    thr = rule_threshold(rule)
    op = rule["op"]
    used: list[Finding] = []
    sides: list[str] = []
    values = ""
    if rule["input"] == "intake":
        if intake is None:
            return None
        ans = getattr(intake, rule["key"], None)
        if op == "in":
            ok = ans in thr
        else:  # contains
            ok = thr in (ans or ())
        if not ok:
            return None
        side = getattr(intake, "pain_side", None) if rule["key"] == "pain_location" else None
        if side:
            sides, values = [side], f"the {side}"
    elif rule.get("per_side"):
        per = _side_findings(findings, rule["key"])
        if not per:
            return None
        if op == "present":
            hits = {s: f for s, f in per.items() if _present(f)}
        else:
            hits = {s: f for s, f in per.items() if isinstance(f.value, float) and _OPS[op](f.value, float(thr))}
        if not hits or (rule.get("sides", "any") == "all" and len(hits) < len(per)):
            return None
        used = list(per.values())
        sides = [s for s in hits if s]
        if op == "present":
            values = " and ".join(f"on the {s}" for s in hits if s) or "yes"
        else:
            values = " and ".join(f"{fmt_value(f)}" + (f" on the {s}" if s else "") for s, f in per.items())
    else:
        f = findings.get(rule["key"])
        if f is None or not f.measured:
            return None
        if op == "present":
            ok = _present(f)
        elif op == "in":
            ok = isinstance(f.value, str) and f.value in thr
        elif op == "contains":
            ok = isinstance(f.value, str) and thr in f.value
        else:
            ok = isinstance(f.value, float) and _OPS[op](f.value, float(thr))
        if not ok:
            return None
        used = [f]
        values = fmt_value(f)
    thr_txt = f"{thr:g}" if isinstance(thr, (int, float)) else str(thr)
    text = rule["text"].format(values=values, threshold=thr_txt) + _estimate_note(used)
    return {"rule": rule["id"], "group": rule["group"], "kind": rule["kind"], "source": rule["source"],
            "weight": float(rule["weight"]), "points": round(_eff_weight(rule, used), 3), "text": text,
            "findings": [f.key for f in used] or [f"intake.{rule['key']}"], "sides": sides,
            "estimate": any(f.kind == "estimate" for f in used), "note": rule.get("note", "")}


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return "; ".join(items[:-1]) + "; and " + items[-1]


def _side_focus(group: str, evidence: list[dict], intake, findings: Mapping[str, Finding]) -> dict | None:
    """Which side to start with, when the evidence points to one (front thighs: the less extending hip)."""
    votes: dict[str, float] = {}
    for e in evidence:
        if e["points"] > 0:
            for s in e["sides"]:
                votes[s] = votes.get(s, 0.0) + e["points"]
    if group == "front_thighs":
        per = _side_findings(findings, "hip_extension")
        if set(per) == set(SIDES) and all(isinstance(f.value, float) for f in per.values()):
            d = per["left"].value - per["right"].value
            if abs(d) >= 5.0:
                s = "left" if d < 0 else "right"
                return {"side": s, "why": f"your {s} hip extended {abs(d):.0f} deg less than the other"}
    if len(votes) == 1:
        s = next(iter(votes))
        return {"side": s, "why": f"the evidence points to the {s} side"}
    if len(votes) == 2 and abs(votes["left"] - votes["right"]) >= 1.0:
        s = max(votes, key=votes.get)
        return {"side": s, "why": f"more of the evidence points to the {s} side"}
    return None


def rank(intake, findings: Any) -> dict:
    """Rank the muscle groups by the evidence for them (an estimate from the practitioners' model).

    Parameters
    ----------
    intake : analysis.intake.Intake or None
    findings : mapping, list, assessment dict or None
        See the module docstring; passed through :func:`normalize_findings`.

    Returns
    -------
    dict
        ``contributors``: listed groups, best first, each with ``group``, ``name``, ``muscles``,
        ``effect``, ``rank``, ``score`` (evidence points), ``confidence`` (0..1), ``confidence_word``,
        ``kind`` (always ``"estimate"``), ``evidence`` and ``against`` (evidence records),
        ``side_focus`` and ``summary`` (one sentence, labelled as an estimate);
        ``considered``: groups with some evidence but too little to list; ``conflicts``: sentences where
        the answers and the measurements point different ways; ``missing``: tests not done, each with
        ``id``, ``name``, ``adds``; ``movement_tests_done`` (bool); ``evidence``: every matched rule.
    """
    data = load_rules()
    sc = data["scoring"]
    fmap = findings if (isinstance(findings, Mapping) and all(isinstance(v, Finding) for v in findings.values())) \
        else normalize_findings(findings)
    evidence = [e for r in data["rule"] if (e := evaluate_rule(r, intake, fmap)) is not None]
    contributors, considered = [], []
    for g in GROUPS:
        ev = [e for e in evidence if e["group"] == g and e["points"] > 0]
        ag = [e for e in evidence if e["group"] == g and e["points"] < 0]
        if not ev:
            continue
        score = sum(e["points"] for e in ev) + sum(e["points"] for e in ag)
        kinds = {("symptom" if e["kind"] == "symptom" else "measurement") for e in ev}
        conf = sc["cap"] * (1.0 - math.exp(-max(score, 0.0) / sc["scale"]))
        if len(kinds) < 2:
            conf *= sc["single_kind_factor"]
        info = data["groups"][g]
        entry = {"group": g, "name": info["name"], "muscles": info["muscles"], "effect": info["effect"],
                 "score": round(score, 2), "confidence": round(conf, 2), "confidence_word": confidence_word(conf),
                 "kind": "estimate", "evidence": ev, "against": ag,
                 "side_focus": _side_focus(g, ev, intake, fmap)}
        basis = "your answers" if kinds == {"symptom"} else "your measurements" if "symptom" not in kinds \
            else "your answers and your measurements"
        entry["summary"] = (f"Possible contributor: the {info['name']} ({info['muscles']}) - an estimate from the "
                            f"practitioners' model based on {basis}, confidence {conf:.2f} "
                            f"({entry['confidence_word']}). Why: {_join([e['text'] for e in ev])}.")
        if ag:
            entry["summary"] += f" Against it: {_join([e['text'] for e in ag])}."
        (contributors if score >= sc["min_score"] else considered).append(entry)
    contributors.sort(key=lambda c: (-c["score"], GROUPS.index(c["group"])))
    for i, c in enumerate(contributors, 1):
        c["rank"] = i
    for c in considered:
        c["rank"] = None
    missing = [{"id": t["id"], "name": t["name"], "adds": t["adds"]} for t in data["test"]
               if not any(fmap.get(k) is not None and fmap[k].measured for k in t["keys"])]
    movement_done = any(t["id"] not in {m["id"] for m in missing} for t in data["test"] if t["id"] != "standing_side")
    return {"contributors": contributors, "considered": considered, "conflicts": _conflicts(evidence, contributors),
            "missing": missing, "movement_tests_done": movement_done, "evidence": evidence}


def _conflicts(evidence: list[dict], contributors: list[dict]) -> list[str]:
    """Plain sentences where the answers point one way and the measurements another."""
    out = []
    names = {g: load_rules()["groups"][g]["name"] for g in GROUPS}
    sym = {}
    meas = {}
    for e in evidence:
        d = sym if e["kind"] == "symptom" else meas
        d[e["group"]] = d.get(e["group"], 0.0) + e["points"]
    sym_groups = {g for g, p in sym.items() if p > 0}
    meas_groups = {g for g, p in meas.items() if p > 0}
    for gs in sorted(sym_groups):
        for gm in sorted(meas_groups - sym_groups):
            if gs not in meas_groups:
                out.append(f"Your answers point to the {names[gs]}, while your measurements point to the {names[gm]}. "
                           f"The practitioners' model does not settle which matters more; both are listed with their "
                           f"evidence, and a therapist can examine you to tell them apart.")
    for g in sorted(sym_groups):
        if meas.get(g, 0.0) < 0 and g not in meas_groups:
            out.append(f"Your answers fit the {names[g]} pattern, but your tests speak against it. The ranking weighs "
                       f"both; a therapist can check.")
    return out
