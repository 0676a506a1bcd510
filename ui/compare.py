"""How the therapist's records read on the page: the before-and-after table (rounded to each measurement's
resolution, every row, improved / worse in the metric's clinical direction, where the noise figure comes from,
a caveat when a hand-marked value meets an estimate), playback positions in seconds, readable dates and
protocol names. No Streamlit here.
"""

from __future__ import annotations

import datetime

import numpy as np

from analysis.comparison import decimals_for, verdict_text
from analysis.protocols import PROTOCOLS
from privacy.text import one_line

_UNIT = {"deg": "°", "% height": "% of height", "% trunk length": "% of trunk length", "s": "s", "cm": "cm", "": ""}
def protocol_name(protocol: str | None) -> str:
    """``"standing"`` -> "Standing posture", ``"thomas"`` -> "Modified Thomas test (side view)"."""
    if not protocol or protocol == "standing":
        return "Standing posture"
    return PROTOCOLS.get(protocol, {}).get("name", protocol.replace("_", " ").capitalize())


def readable_date(iso: str | None, with_time: bool = True) -> str:
    """``2026-11-30T14:05:09`` -> ``30 Nov 2026, 14:05`` (the text as given when it is not a date)."""
    if not iso:
        return "–"
    try:
        d = datetime.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    return f"{d.day} {d:%b %Y}" + (f", {d:%H:%M}" if with_time else "")


def capture_label(cap: dict) -> str:
    """How a capture is named in menus: its title (when the therapist gave one) or file name, the protocol, the
    view and the date."""
    title = one_line(cap.get("title") or cap.get("source_name") or f"capture {cap['id']}", 60)
    view = f", {cap['view']} view" if cap.get("view") and cap.get("protocol") == "standing" else ""
    return f"{title} - {protocol_name(cap.get('protocol'))}{view}, {readable_date(cap.get('created_at'))}"


def _fmt(v: float | None, nd: int, sign: bool = False) -> str:
    if v is None:
        return "–"
    v = round(float(v), nd) + 0.0  # no "-0.0"
    s = f"{v:+.{nd}f}" if sign else f"{v:.{nd}f}"
    return s.replace("-", "−") if sign else s


def noise_text(row: dict) -> str:
    src = row.get("noise_source")
    if src == "client":
        return "this client's repeats"
    if src == "default":
        return "typical (repeat study)"
    return "–"


def table_rows(comp: dict) -> list[dict]:
    """Every row of :func:`records.workflow.compare_captures` for the page: values rounded to the
    measurement's resolution, with the unit, the change, the smallest real change (MDC95) and the verdict
    in words."""
    rows = []
    for r in comp["rows"]:
        nd = decimals_for(r.get("sem"))
        unit = _UNIT.get(r.get("unit") or "", f" {r.get('unit')}")
        unit = unit if unit in ("°", "") else " " + unit
        side = f" ({r['side']})" if r.get("side") and r["side"] not in r["name"].lower() else ""
        hand = {"before": r.get("kind_before"), "after": r.get("kind_after")}
        mark = lambda which, v: _fmt(v, nd) + (" (hand-marked)" if hand[which] == "measurement"  # noqa: E731
                                                and r["key"].startswith("pelvic_tilt") else "")
        rows.append({"Measure": r["name"] + side + (f" ({unit.strip()})" if unit.strip() else ""),
                     "Before": mark("before", r["before"]), "After": mark("after", r["after"]),
                     "Change": _fmt(r["change"], nd, sign=True),
                     "Smallest real change": "–" if r.get("mdc") is None else f"{r['mdc']:.{nd}f}",
                     "Noise from": noise_text(r), "Verdict": verdict_text(r)})
    return rows


def verdict_colours(comp: dict) -> list[str]:
    """A colour per row for the verdict cell: green improved, red worse, blue changed without a direction,
    grey otherwise."""
    out = []
    for r in comp["rows"]:
        if r["verdict"] == "changed":
            out.append({"improved": "#d1fae5", "worse": "#fee2e2"}.get(r.get("direction"), "#dbeafe"))
        elif r["verdict"] == "different methods":
            out.append("#fef3c7")
        else:
            out.append("")
    return out


def caveats(comp: dict) -> list[str]:
    """Sentences that must stand under the table: the captures are not comparable; a hand-marked value met an
    estimate (:func:`analysis.comparison.caveats`)."""
    from analysis.comparison import caveats as method_caveats

    out = []
    if not comp.get("comparable", True):
        out.append("Not comparable (" + "; ".join(comp.get("reasons") or []) + "): the values are side by side, "
                   "no change is judged.")
    return out + method_caveats(comp)


def mdc_explanation(comp: dict, meta: dict | None = None) -> str:
    """Where the 'smallest real change' of each row comes from, in a few sentences."""
    from analysis.comparison import load_defaults

    meta = meta if meta is not None else load_defaults().get("_meta", {})
    srcs = {r.get("noise_source") for r in comp["rows"]}
    parts = ["A change counts as real when it is larger than the smallest change the measurement can detect "
             "with 95% confidence: MDC95 = 1.96 × √2 × SEM, where SEM is the spread of repeated captures of the "
             "same person standing the same way."]
    if "client" in srcs:
        parts.append("“This client's repeats”: the SEM of this client's own quick repeats (stored with "
                     "“These are quick repeats”).")
    if "default" in srcs or not srcs - {None}:
        rendered = meta.get("rendered", "repeated captures")
        parts.append(f"“Typical (repeat study)”: the project's repeat study ({rendered}; measured "
                     f"{meta.get('generated', 'by benchmarks/measure_mdc.py')}). Three quick captures of this "
                     "client, stored as repeats, replace it with their own noise.")
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------- playback
def sync_times(comp: dict, timestamps_before: np.ndarray) -> list[float]:
    """The time (s) in the 'before' clip of each synchronised pair, for a slider in seconds."""
    t = np.asarray(timestamps_before, dtype=float)
    return [round(float(t[a]), 2) for a, _ in comp["sync"]["pairs"]]


def pair_at(comp: dict, times: list[float], t: float) -> tuple[int, int] | None:
    """The synchronised pair nearest to ``t`` seconds of the 'before' clip."""
    pairs = comp["sync"]["pairs"]
    if not pairs:
        return None
    i = int(np.argmin(np.abs(np.asarray(times) - float(t))))
    return pairs[i]
