"""The trainer's roster as the page shows it: the decision columns first (who, a small picture, a colour flag,
what they need, the value), sorted by need, named people, columns that are empty for everyone dropped, and a
summary line that counts clips of the wrong test as "film again". No Streamlit here.
"""

from __future__ import annotations

import csv
import io

from privacy.text import csv_row, one_line

# flag -> (words, background colour, sort order: most need first)
FLAGS = {"stretch": ("needs stretching", "#fecaca", 0), "watch": ("worth watching", "#fde68a", 1),
         "film": ("film again", "#e5e7eb", 2), "fine": ("fine", "#bbf7d0", 3)}
DETAIL_COLUMNS = ["Usual range", "Side", "Confidence", "Compensation index", "Front thighs", "File", "From (s)",
                  "To (s)", "Why not measured"]


def flag_of(row: dict) -> str:
    """``"stretch"`` (the measure is outside its usual range), ``"film"`` (nothing measured: the clip does not
    show the test, or not clearly), ``"watch"`` (a possible front-thigh contributor or the low back making up
    for the hip) or ``"fine"``."""
    if row.get("value") is None:
        return "film"
    if row.get("status") in ("below", "above"):
        return "stretch"
    ci = row.get("compensation_index")
    if (ci is not None and ci > 0.5) or row.get("front_thighs") not in (None, "-", ""):
        return "watch"
    return "fine"


def default_name(row: dict) -> str:
    """``"trainer_screen.mp4 #2"`` -> ``"Person 2 (trainer_screen.mp4)"``; a one-person clip keeps its name."""
    person, file = str(row.get("person") or ""), str(row.get("file") or "")
    if person.startswith(file + " #"):
        return f"Person {person[len(file) + 2:]} ({file})"
    return person


def _needs(row: dict, flag: str) -> str:
    if flag == "film":
        return "film again: " + (one_line(row.get("problems") or "", 160) or "the test was not seen clearly")
    needs = str(row.get("needs") or "")
    return needs.replace(f"{row.get('measure')} ", "") if row.get("measure") else needs


def view_rows(rows: list[dict], names: dict[str, str] | None = None) -> list[dict]:
    """The roster rows for the page, most need first: Name, Picture, Flag, Value, Needs, Measure, then the
    details; ``names`` maps a row's ``person`` to the name the trainer typed."""
    names = names or {}
    out = []
    for r in rows:
        flag = flag_of(r)
        unit = "°" if r.get("unit") == "deg" else f" {r.get('unit') or ''}"
        value = "-" if r.get("value") is None else f"{r['value']:g}{unit}"
        measure = str(r.get("measure") or "-").replace(", best", "").split(" (")[0]
        out.append({"person": r["person"], "Name": names.get(r["person"]) or default_name(r),
                    "Picture": r.get("picture"), "Flag": FLAGS[flag][0], "Value": value.strip(),
                    "Needs": _needs(r, flag), "Measure": measure,
                    "Usual range": r.get("usual_range") or "-", "Side": r.get("side") or "-",
                    "Confidence": r.get("confidence"), "Compensation index": r.get("compensation_index"),
                    "Front thighs": None if r.get("front_thighs") in (None, "-", "") else r["front_thighs"],
                    "File": r.get("file"), "From (s)": r.get("segment_start_s"), "To (s)": r.get("segment_end_s"),
                    "Why not measured": one_line(r.get("problems") or "", 200) or None, "_order": FLAGS[flag][2]})
    out.sort(key=lambda x: (x["_order"], x["Name"]))
    for x in out:
        x.pop("_order")
    return drop_empty(out)


def drop_empty(rows: list[dict]) -> list[dict]:
    """The rows without the detail columns that are empty (None, "" or "-") for everyone."""
    empty = [c for c in DETAIL_COLUMNS if all(r.get(c) in (None, "", "-") for r in rows)]
    return [{k: v for k, v in r.items() if k not in empty} for r in rows]


def flag_colour(words: str) -> str:
    """The background colour of a flag's words."""
    return next((c for w, c, _ in FLAGS.values() if w == words), "")


def summary_line(rows: list[dict], failed: list) -> str:
    """"6 people: 2 need stretching, 1 worth watching, 2 to film again, 1 fine; 1 file could not be read." A clip
    of the wrong test counts as "film again", never as failed or fine."""
    counts = {k: 0 for k in FLAGS}
    for r in rows:
        counts[flag_of(r)] += 1
    parts = [f"{counts['stretch']} need{'s' if counts['stretch'] == 1 else ''} stretching",
             f"{counts['watch']} worth watching", f"{counts['film']} to film again", f"{counts['fine']} fine"]
    n = len(rows)
    text = f"{n} {'person' if n == 1 else 'people'}: " + ", ".join(parts)
    if failed:
        text += f"; {len(failed)} file{'s' if len(failed) != 1 else ''} could not be read"
    return text + "."


def roster_csv(view: list[dict]) -> bytes:
    """The roster as the page shows it (names included, no pictures) as spreadsheet-safe CSV."""
    cols = [c for c in (view[0] if view else {}) if c not in ("Picture", "person")]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(cols)
    for r in view:
        w.writerow(csv_row([r.get(c) for c in cols]))
    return buf.getvalue().encode()
