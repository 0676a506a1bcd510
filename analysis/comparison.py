"""Before-and-after comparison of two captures, with the measurement's own noise as the yardstick.

Pure NumPy, no OpenCV or MediaPipe. Three pieces:

* **Noise from test-retest.** Repeated captures of the same person (e.g. three quick captures in the app)
  give, per metric, the within-person standard deviation = the standard error of measurement
  (:func:`sem_from_repeats`; several people are pooled by their degrees of freedom) and the minimal
  detectable change at 95% confidence ``MDC95 = 1.96 x sqrt(2) x SEM`` (:func:`mdc95`). A client's own
  figures (stored per client by :mod:`records`) win; where there are none, the documented defaults of
  ``analysis/data/mdc_defaults.toml`` (measured by ``benchmarks/measure_mdc.py`` on rendered repeats with
  seeded variation and on real clips) are used, and the row says which.
* **Comparability.** Captures made with different views, protocols (standing vs a movement test, or
  another test or tested side) or program / model versions are *not comparable*: :func:`comparability`
  says why, and :func:`compare` then lists the values but no change verdicts.
* **The comparison table** (:func:`compare`): per metric before, after, the change (after - before, in the
  metric's unit), the MDC and whether ``|change| > MDC`` ("changed") or not ("within noise"); a change beyond
  the noise is ``improved`` or ``worse`` in the metric's clinical direction (:func:`clinical_direction`: closer
  to or further from its usual range). A hand-marked value (ASIS/PSIS) against an outline estimate is not
  judged: the two methods differ by more than the noise of either.
* **Synchronised playback** (:func:`sync_pairs`): frame pairs that line the two clips up on the movement
  phase (start, peak, end of the first repetition) or, for standing, on the steadiest window.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from analysis.metric import LEG_NOT_CERTAIN

MDC_FILE = Path(__file__).resolve().parent / "data" / "mdc_defaults.toml"
Z95 = 1.96

__all__ = ["metric_table", "sem_from_repeats", "mdc95", "reliability", "load_defaults", "noise_for",
           "capture_signature", "comparability", "compare", "clinical_direction", "distance_to_range", "verdict_text",
           "decimals_for", "caveats", "sync_pairs", "MDC_FILE"]


# ----------------------------------------------------------------------------------------------------
# flattening results into one value per metric
# ----------------------------------------------------------------------------------------------------
def _row(m: Mapping, key: str) -> dict:
    return {"key": key, "name": m.get("name", key), "value": m.get("value"), "unit": m.get("unit", ""),
            "kind": m.get("kind", "measurement"), "confidence": m.get("confidence"), "side": m.get("side"),
            "norm": m.get("norm"), "status": m.get("status", "unknown"), "definition": m.get("definition", "")}


def metric_key(m: Mapping) -> str:
    """The comparison key of a Metric dict: its ``key``, with ``:side`` for one-sided metrics."""
    side = m.get("side")
    return f"{m['key']}:{side}" if side else str(m["key"])


def metric_table(result: Mapping | None) -> dict[str, dict]:
    """One row per metric of a standing assessment or a movement-test result.

    Standing (``metrics`` list): every Metric. Movement (``summary``): the ``best`` and ``mean`` of each
    summarised value (walks: per side). Keys are :func:`metric_key`; rows carry name, value, unit, kind,
    confidence, side, norm, status, definition. A result whose gates failed (``ok`` False) has no row: a
    blocking check blocks every number, in reports and comparisons too.
    """
    out: dict[str, dict] = {}
    if not result or result.get("ok") is False:
        return out
    if isinstance(result.get("metrics"), list):
        for m in result["metrics"]:
            out[metric_key(m)] = _row(m, metric_key(m))
    summ = result.get("summary")
    if isinstance(summ, Mapping):
        stack = [summ]
        while stack:
            node = stack.pop()
            for v in node.values():
                if not isinstance(v, Mapping):
                    continue
                if isinstance(v.get("best"), Mapping):
                    for part in ("best", "mean"):
                        m = v.get(part)
                        if isinstance(m, Mapping) and "key" in m:
                            out[metric_key(m)] = _row(m, metric_key(m))
                else:
                    stack.append(v)
    return out


# ----------------------------------------------------------------------------------------------------
# test-retest noise
# ----------------------------------------------------------------------------------------------------
def sem_from_repeats(values: Iterable) -> tuple[float | None, int]:
    """Standard error of measurement from repeated captures.

    Parameters
    ----------
    values
        Either the repeats of one person (1-D) or a list of such lists, one per person (ragged allowed).
        NaN / None values are dropped.

    Returns
    -------
    (sem, dof)
        The pooled within-person standard deviation ``sqrt(sum((x - mean_person)^2) / sum(n_person - 1))``
        and its degrees of freedom; ``(None, 0)`` with fewer than two values for every person.
    """
    vals = list(values)
    groups = vals if vals and isinstance(vals[0], (list, tuple, np.ndarray)) else [vals]
    ss, dof = 0.0, 0
    for g in groups:
        x = np.array([np.nan if v is None else float(v) for v in g], dtype=np.float64)
        x = x[np.isfinite(x)]
        if x.size >= 2:
            ss += float(np.sum((x - x.mean()) ** 2))
            dof += x.size - 1
    if dof == 0:
        return None, 0
    return math.sqrt(ss / dof), dof


def mdc95(sem: float | None) -> float | None:
    """Minimal detectable change at 95% confidence: ``1.96 x sqrt(2) x SEM``."""
    return None if sem is None else Z95 * math.sqrt(2.0) * float(sem)


def reliability(results: list[Mapping], groups: list[Any] | None = None) -> dict[str, dict]:
    """SEM and MDC per metric from repeated captures (results of the same test and view).

    ``groups`` labels each result with its person (default: all one person); within-person spread is
    pooled across people. Returns ``key -> {sem, mdc, dof, n, unit, name, values}``; metrics with fewer
    than two values for every person are left out.
    """
    groups = groups if groups is not None else [0] * len(results)
    tables = [metric_table(r) for r in results]
    keys = sorted({k for t in tables for k in t})
    out = {}
    for k in keys:
        by_person: dict[Any, list] = {}
        for g, t in zip(groups, tables):
            if k in t and t[k]["value"] is not None:
                by_person.setdefault(g, []).append(float(t[k]["value"]))
        sem, dof = sem_from_repeats(list(by_person.values()))
        if sem is None:
            continue
        ref = next(t[k] for t in tables if k in t)
        out[k] = {"sem": round(sem, 4), "mdc": round(mdc95(sem), 4), "dof": dof,
                  "n": sum(len(v) for v in by_person.values()), "unit": ref["unit"], "name": ref["name"],
                  "values": [round(v, 4) for vs in by_person.values() for v in vs]}
    return out


def load_defaults(path: Path = MDC_FILE) -> dict[str, dict]:
    """The default noise per protocol and metric: ``{protocol: {metric_key: {sem, mdc, unit, ...}}}``.

    The file's ``[meta]`` table (provenance) is returned under ``"_meta"``. A missing file gives ``{}``.
    """
    if not Path(path).is_file():
        return {}
    with open(path, "rb") as f:
        data = tomllib.load(f)
    out = {"_meta": data.pop("meta", {})}
    for proto, metrics in data.items():
        out[proto] = {}
        for k, v in metrics.items():
            out[proto][k] = dict(v)
    return out


def _lookup(table: Mapping | None, key: str) -> dict | None:
    if not table:
        return None
    if key in table:
        return table[key]
    base = key.split(":")[0]  # a one-sided metric falls back to the side-less default of its kind
    return table.get(base)


def noise_for(key: str, protocol: str, client: Mapping | None = None, defaults: Mapping | None = None) -> dict | None:
    """The noise to judge a change of ``key`` by: the client's own (``source = "client"``) or the default
    of ``protocol`` (``source = "default"``); None when neither exists."""
    own = _lookup(client, key)
    if own and own.get("mdc") is not None:
        return {**own, "source": "client"}
    d = _lookup((defaults or {}).get(protocol), key)
    if d and d.get("mdc") is not None:
        return {**d, "source": "default"}
    return None


# ----------------------------------------------------------------------------------------------------
# comparability
# ----------------------------------------------------------------------------------------------------
def capture_signature(result: Mapping | None, protocol: str, program_version: str, model: Mapping | None) -> dict:
    """What two captures must share to be compared: view, protocol (incl. the tested side, marked when its name is in
    doubt: :func:`analysis.movement.checks.leg_name_doubt`), versions.

    ``protocol`` is ``"standing"`` or a movement-test kind; ``model`` is the track's model dict
    (name, mediapipe version, model complexity).
    """
    view = None
    side = None
    if result:
        v = result.get("view")
        view = v.get("label") if isinstance(v, Mapping) else v
        if protocol != "standing":
            side = result.get("side")
            if side and result.get("leg_in_doubt"):  # the pose model's name for the leg, which may be the other
                side = f"{side} {LEG_NOT_CERTAIN}"
            fc = result.get("facing")
            view = view or ("side" if fc in (1, -1) else None)
    m = dict(model or {})
    return {"protocol": protocol, "tested_side": side, "view": view, "program_version": program_version,
            "model": f"{m.get('name', '?')} {m.get('mediapipe', '?')} complexity {m.get('model_complexity', '?')}"}


_WHY = {"protocol": "different protocols", "tested_side": "different tested sides", "view": "different views",
        "program_version": "different program versions", "model": "different pose-model versions"}


def comparability(a: Mapping, b: Mapping) -> tuple[bool, list[str]]:
    """Whether two capture signatures (:func:`capture_signature`) can be compared, and why not."""
    reasons = []
    for k, why in _WHY.items():
        if a.get(k) != b.get(k):
            reasons.append(f"{why} ({a.get(k)} vs {b.get(k)})")
    return not reasons, reasons


# ----------------------------------------------------------------------------------------------------
# the comparison table
# ----------------------------------------------------------------------------------------------------
def distance_to_range(value: float | None, norm: Mapping | None) -> float | None:
    """How far ``value`` lies outside the usual range ``norm`` (``low``/``high``, either may be None), in the
    metric's unit: 0 inside it; None without a value or a range."""
    if value is None or not norm or (norm.get("low") is None and norm.get("high") is None):
        return None
    lo, hi = norm.get("low"), norm.get("high")
    if lo is not None and value < lo:
        return float(lo - value)
    if hi is not None and value > hi:
        return float(value - hi)
    return 0.0


def clinical_direction(before: float | None, after: float | None, norm: Mapping | None) -> str | None:
    """Whether a change is ``"improved"`` (closer to the usual range, or into it), ``"worse"`` (further from it,
    or out of it), ``"within range"`` (inside the usual range before and after: no better or worse) or None
    (no usual range to judge by, or a value missing). The usual range is the metric's clinical direction:
    hip extension below its range improves by rising, a pelvic tilt above its range by falling."""
    db, da = distance_to_range(before, norm), distance_to_range(after, norm)
    if db is None or da is None:
        return None
    if db == 0.0 and da == 0.0:
        return "within range"
    return "improved" if da < db else "worse" if da > db else None


def compare(before: Mapping, after: Mapping, sig_before: Mapping, sig_after: Mapping,
            client_noise: Mapping | None = None, defaults: Mapping | None = None) -> dict:
    """Compare two captures metric by metric.

    Parameters
    ----------
    before, after
        Standing assessments or movement-test results (their ``metrics`` / ``summary``).
    sig_before, sig_after
        :func:`capture_signature` of each.
    client_noise
        The client's own ``metric_key -> {sem, mdc}`` (from :func:`reliability` on their repeats).
    defaults
        :func:`load_defaults` (loaded from the data file when None).

    Returns
    -------
    dict
        ``comparable`` (bool), ``reasons`` (why not), ``protocol``, and ``rows``: one per metric in either
        capture with ``key, name, unit, kind, before, after, change`` (after - before), ``sem, mdc,
        noise_source`` (``"client"``, ``"default"`` or None), ``beyond_noise`` (True/False, None when it
        cannot be judged), ``kind_before`` / ``kind_after`` (measurement or estimate), ``direction`` (of a change
        beyond the noise, :func:`clinical_direction`) and ``verdict``: ``"changed"``, ``"within noise"``,
        ``"no noise estimate"``, ``"not measured"``, ``"different methods"`` (a hand-marked measurement against
        an outline estimate: not judged) or ``"not comparable"``.
    """
    defaults = load_defaults() if defaults is None else defaults
    ok, reasons = comparability(sig_before, sig_after)
    proto = sig_before.get("protocol")
    tb, ta = metric_table(before), metric_table(after)
    keys = list(tb) + [k for k in ta if k not in tb]
    rows = []
    for k in keys:
        mb, ma = tb.get(k), ta.get(k)
        ref = mb or ma
        vb = None if mb is None else mb["value"]
        va = None if ma is None else ma["value"]
        row = {"key": k, "name": ref["name"], "unit": ref["unit"], "kind": ref["kind"], "side": ref["side"],
               "before": vb, "after": va, "change": None, "sem": None, "mdc": None, "noise_source": None,
               "beyond_noise": None, "norm": ref.get("norm"), "direction": None,
               "kind_before": None if mb is None else mb["kind"], "kind_after": None if ma is None else ma["kind"],
               "status_before": None if mb is None else mb["status"],
               "status_after": None if ma is None else ma["status"],
               "confidence_before": None if mb is None else mb["confidence"],
               "confidence_after": None if ma is None else ma["confidence"]}
        if not ok:
            row["verdict"] = "not comparable"
        elif vb is None or va is None:
            row["verdict"] = "not measured"
        elif mb["kind"] != ma["kind"]:
            row["change"] = round(float(va) - float(vb), 3)
            row["verdict"] = "different methods"
        else:
            ch = float(va) - float(vb)
            row["change"] = round(ch, 3)
            nz = noise_for(k, proto, client_noise, defaults)
            if nz is None:
                row["verdict"] = "no noise estimate"
            else:
                row.update(sem=nz.get("sem"), mdc=nz["mdc"], noise_source=nz["source"])
                row["beyond_noise"] = bool(abs(ch) > float(nz["mdc"]))
                row["verdict"] = "changed" if row["beyond_noise"] else "within noise"
                if row["beyond_noise"]:
                    row["direction"] = clinical_direction(float(vb), float(va), ref.get("norm"))
        rows.append(row)
    return {"comparable": ok, "reasons": reasons, "protocol": proto, "rows": rows,
            "changed": [r["key"] for r in rows if r["verdict"] == "changed"]}


VERDICT_WORDS = {
    "within noise": "no real change (within the noise)",
    "no noise estimate": "not judged (no noise figure for this measure)",
    "not measured": "missing in one of the two",
    "different methods": "not judged: hand-marked vs estimate",
    "not comparable": "not comparable",
}
DIRECTION_WORDS = {"improved": "improved", "worse": "worse", "within range": "changed, in the usual range both times",
                   None: "changed (no usual range to say better or worse)"}


def verdict_text(row: Mapping) -> str:
    """A comparison row's verdict in words: improved / worse (in the metric's clinical direction) for a change
    beyond the noise, else what the verdict means."""
    if row["verdict"] == "changed":
        return DIRECTION_WORDS.get(row.get("direction"), "changed")
    return VERDICT_WORDS.get(row["verdict"], row["verdict"])


def caveats(comp: Mapping) -> list[str]:
    """The sentences that must stand under a comparison table: a hand-marked value met an estimate."""
    out = []
    for r in comp["rows"]:
        if r["verdict"] == "different methods":
            which = "before" if r.get("kind_before") == "measurement" else "after"
            out.append(f"{r['name'].split(' (')[0]}: the {which} value was measured from ASIS and PSIS marked by hand, "
                       "the other is an estimate from the body's outline. The two methods can differ by more than the "
                       "noise of either, so no change is judged: mark ASIS and PSIS on both captures to compare them.")
    return out


def decimals_for(sem: float | None, default: int = 1) -> int:
    """Decimals that show a value to its resolution: the last digit no finer than half the measurement's
    standard error (SEM 1.2 deg -> 1 decimal, SEM 0.04 -> 2, SEM 3 -> 0); ``default`` without a SEM."""
    if sem is None or not math.isfinite(sem) or sem <= 0:
        return default
    return int(min(3, max(0, -math.floor(math.log10(sem / 2.0)))))


# ----------------------------------------------------------------------------------------------------
# synchronised playback
# ----------------------------------------------------------------------------------------------------
def _events(result: Mapping | None, timestamps: np.ndarray) -> list[float]:
    """Phase events (seconds) of a capture: the first repetition's start, peak and end; else the
    steadiest window's first and last frame; else the whole clip."""
    t = np.asarray(timestamps, dtype=np.float64)
    reps = (result or {}).get("repetitions") or []
    if reps:
        ph = reps[0].get("phases") or {}
        ev = [ph.get("start_s"), ph.get("peak_s"), ph.get("end_s")]
        if all(e is not None for e in ev) and ev[0] < ev[1] < ev[2]:
            return [float(e) for e in ev]
    win = (result or {}).get("window")
    if win and win.get("start") is not None and len(t):
        a, b = int(win["start"]), min(int(win["stop"]), len(t) - 1)
        if b > a:
            return [float(t[a]), float(t[b])]
    return [float(t[0]), float(t[-1])] if len(t) > 1 else [0.0, 1.0]


def sync_pairs(result_a: Mapping | None, t_a: np.ndarray, result_b: Mapping | None, t_b: np.ndarray,
               fps: float = 15.0) -> dict:
    """Frame pairs that play two captures side by side, lined up on the movement phase.

    Events (first repetition start/peak/end, or the steadiest window's ends for standing) of A are
    mapped piecewise-linearly onto B's; playback runs at ``fps`` over A's span between its first and last
    event (with 0.5 s before and after, where the clips have it).

    Returns
    -------
    dict
        ``pairs`` (list of ``(index_a, index_b)`` track positions), ``events_a``, ``events_b`` (seconds),
        ``basis`` (``"movement phase"`` or ``"steady window"``).
    """
    ta, tb = np.asarray(t_a, dtype=np.float64), np.asarray(t_b, dtype=np.float64)
    ea, eb = _events(result_a, ta), _events(result_b, tb)
    if len(ea) != len(eb):
        ea, eb = [ea[0], ea[-1]], [eb[0], eb[-1]]
    basis = "movement phase" if len(ea) == 3 else "steady window"
    pad = 0.5
    lo = max(ta[0], ea[0] - pad) if len(ta) else 0.0
    hi = min(ta[-1], ea[-1] + pad) if len(ta) else 0.0
    times = np.arange(lo, hi + 1e-9, 1.0 / fps)
    # extend the mapping linearly outside the events with slope 1 (real time)
    xa = np.concatenate([[ea[0] - 1e3], ea, [ea[-1] + 1e3]])
    xb = np.concatenate([[eb[0] - 1e3], eb, [eb[-1] + 1e3]])
    tb_of = np.interp(times, xa, xb)
    ia = np.clip(np.searchsorted(ta, times), 0, len(ta) - 1)
    ib = np.clip(np.searchsorted(tb, tb_of), 0, len(tb) - 1)
    return {"pairs": [(int(a), int(b)) for a, b in zip(ia, ib)], "events_a": [round(e, 3) for e in ea],
            "events_b": [round(e, 3) for e in eb], "basis": basis}
