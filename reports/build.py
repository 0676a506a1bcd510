"""Report data from the records, and its PDF (ReportLab platypus) and HTML (Jinja2) renderings.

:func:`session_report` and :func:`comparison_report` gather a JSON-like dict (``images`` hold PNG bytes);
:func:`write_pdf` and :func:`write_html` lay it out with the same sections, in this order: client and
assessor, capture protocol, annotated frames (plumb line on side views), measurements (value, usual
range, status, kind, confidence), comparison (before, after, change, MDC, verdict, and a chart of each
change in units of its MDC), findings and stretch plan, red flags, disclaimer, program and model versions.
"""

from __future__ import annotations

import base64
import datetime
import functools
import io
from pathlib import Path

import numpy as np

from analysis.comparison import caveats as comparison_caveats, verdict_text
from privacy.files import open_private
from privacy.text import one_line
from reports.fonts import BOLD, REGULAR, ReportError, css_font_faces, markup, register
from reports.wording import third_person
from ui.compare import readable_date

NAME_CHARS = 200  # a name, code or file name longer than this is cut (with an ellipsis) in reports

DISCLAIMER = ("This report is a screen built from video measurements and a practitioners' model; it is not a "
              "diagnosis. A change counts as real only when it is larger than the measurement's own noise (the "
              "minimal detectable change, MDC95 = 1.96 x sqrt(2) x SEM from repeated captures).")
METHOD_ESTIMATED = ("Joint angles are measurements from the pose model's landmarks; pelvic tilt and the low-back and "
                    "upper-back curves are estimates from the body outline.")
METHOD_MARKED = ("Joint angles are measurements from the pose model's landmarks; pelvic tilt was measured from ASIS "
                 "and PSIS marked by hand on {which}; the low-back and upper-back curves are estimates from the body "
                 "outline.")
NOT_ASKED = "The safety questions were not asked for these captures."
NOISE_WORDS = {"client": "client's repeats", "default": "typical"}


def _png(rgb: np.ndarray, max_w: int = 900) -> bytes:
    import cv2

    h, w = rgb.shape[:2]
    if w > max_w:
        rgb = cv2.resize(rgb, (max_w, int(round(h * max_w / w))), interpolation=cv2.INTER_AREA)
    ok, enc = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return enc.tobytes()


def _protocol_text(cap: dict) -> dict:
    from analysis import protocols

    res = cap.get("results_corrected") or cap["results"]
    if cap["protocol"] == "standing":
        win = res.get("window") or {}
        return {"name": "Standing posture", "view": cap.get("view") or "-",
                "lines": ["Quiet standing, arms by the sides, looking ahead; camera at hip height, level, whole body "
                          "in view.",
                          f"Measured over the steadiest {win.get('duration_s', 0) or 0:.1f} s "
                          f"({win.get('frames', 0)} frames)." if win and not win.get("is_photo") else "A single photo."]}
    p = res.get("protocol") or protocols.protocol(cap["protocol"])
    return {"name": p.get("name", cap["protocol"]), "view": p.get("view", cap.get("view") or "-"),
            "lines": [p.get("camera", "")] + list(p.get("person", []))}


def _metric_rows(res: dict) -> list[dict]:
    from analysis.comparison import metric_table

    rows = []
    for k, m in metric_table(res).items():
        n = m.get("norm") or {}
        lo, hi = n.get("low"), n.get("high")
        rng = (f"{lo:g} to {hi:g}" if lo is not None and hi is not None else f">= {lo:g}" if lo is not None
               else f"<= {hi:g}" if hi is not None else "-")
        rows.append({"name": m["name"] + (f" ({m['side']})" if m.get("side") and m["side"] not in m["name"].lower() else ""),
                     "value": "-" if m["value"] is None else f"{round(m['value'], 1) + 0.0:.1f}", "unit": m["unit"],
                     "range": rng,
                     "status": m["status"] if m["value"] is not None else "not measured",
                     "kind": "measured (hand-marked)" if k == "pelvic_tilt" and m["kind"] == "measurement" else m["kind"],
                     "confidence": "-" if m["confidence"] is None else f"{m['confidence']:.2f}",
                     "source": n.get("source", "")})
    return rows


def _label(c: dict) -> str:
    """A capture's heading: Before / After in a comparison, else the therapist's title, else 'Capture'."""
    return c.get("label") or c.get("title") or "Capture"


def _fmt(row: dict):
    """A formatter for the values of one comparison row, to the measurement's resolution (its SEM)."""
    from analysis.comparison import decimals_for

    nd = decimals_for(row.get("sem"))
    return lambda v, sign=False: "-" if v is None else (f"{round(v, nd) + 0.0:+.{nd}f}" if sign else
                                                        f"{round(v, nd) + 0.0:.{nd}f}")


def _capture_block(rec, cap: dict) -> dict:
    from records.workflow import FrameReader, crop_box, latest_corrections, results_of

    res = results_of(cap)
    key = res.get("key_frame")
    images = []
    try:
        with FrameReader(rec, cap["id"]) as fr:
            pos = key if key is not None else 0
            corr = list(latest_corrections(rec.corrections(cap["id"])).values())
        images.append({"caption": f"{one_line(cap['source_name'], NAME_CHARS)}: frame {pos + 1} ({cap.get('view') or 'view unknown'})"
                                  + (", plumb line through the ankle" if (cap.get("view") or "").endswith("side") else ""),
                           "png": _png(crop_box(fr.annotated(pos, corr), fr.person_box(0.2)))})
    except Exception as e:  # noqa: BLE001 - a report without the picture still says why
        images.append({"caption": f"no picture: {e}", "png": None})
    from analysis.gates import open_failures

    checks = open_failures(res.get("checks", []))
    marked = any(m["key"] == "pelvic_tilt" and m.get("kind") == "measurement" and m.get("value") is not None
                 for m in res.get("metrics") or [])
    return {"id": cap["id"], "protocol": _protocol_text(cap), "source": one_line(cap["source_name"], NAME_CHARS),
            "title": one_line(cap.get("title") or "", NAME_CHARS),
            "created_at": readable_date(cap["created_at"]), "view": cap.get("view"), "images": images,
            "metrics": _metric_rows(res), "checks": [third_person(c["reason"]) + (
                f" (advice given: {third_person(c['advice'])})" if c.get("advice") else "") for c in checks],
            "corrected": bool(cap.get("results_corrected")), "marked_tilt": marked, "results": res,
            "program_version": cap["program_version"], "model": cap.get("model") or {}}


def _base(rec, client: dict | None, assessor: str, title: str) -> dict:
    client = {k: one_line(v, NAME_CHARS) if k in ("code", "name") else v for k, v in (client or {}).items()}
    return {"title": title, "client": client, "assessor": one_line(assessor, NAME_CHARS) or "-",
            "date": readable_date(datetime.date.today().isoformat(), with_time=False), "captures": [],
            "comparison": None,
            "disclaimer": DISCLAIMER}


_AS_WRITTEN = {"name", "position", "steps", "dose", "cautions", "muscles", "source", "picture", "id", "group"}


def _third(plan: dict) -> dict:
    """The plan's sentences about the client in the third person (a clinician's report); a stretch's own words
    (its name, position, steps, dose), which the client reads, stay as written."""
    def walk(v):
        if isinstance(v, str):
            return third_person(v)
        if isinstance(v, dict):
            return {k: (x if k in _AS_WRITTEN else walk(x)) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    return walk(plan)


def _finish(rep: dict, intake=None) -> dict:
    """The plan (made for a therapist, with the safety answers given on the page, or none), the method
    sentence (hand-marked tilt or estimates), versions; nothing said twice."""
    from analysis.advice import build_plan

    measured = next((c["results"] for c in rep["captures"] if c["results"].get("ok") is not False), None)
    plan = _third(build_plan(intake, measured, "therapist")) if measured is not None else None
    rep["plan"] = plan
    rep["asked"] = intake is not None
    rep["red_flags"] = (plan or {}).get("red_flags") if intake is not None else None
    marked = [c for c in rep["captures"] if c.get("marked_tilt")]
    rep["method"] = (METHOD_MARKED.format(which=", ".join(f"the {(c.get('label') or c.get('title') or 'capture')}"
                                                          f" ({c['source']})" for c in marked)) if marked
                     else METHOD_ESTIMATED)
    for c in rep["captures"]:
        c.pop("results", None)
    rep["versions"] = sorted({(c["program_version"], f"{c['model'].get('name', '?')}, mediapipe "
                                                      f"{c['model'].get('mediapipe', '?')}, complexity "
                                                      f"{c['model'].get('model_complexity', '?')}") for c in rep["captures"]})
    from records.store import program_version

    rep["generated_by"] = program_version()
    return rep


def session_report(rec, session_id: int, intake=None) -> dict:
    """Report data for one stored session (all its captures); ``intake`` holds the safety answers given on the
    Therapist page (an :class:`analysis.intake.Intake`, a dict, or None when they were not asked)."""
    s = rec.session_or_fail(session_id)
    client = rec.client(int(s["client_id"]))
    rep = _base(rec, client, s["assessor"], f"Posture assessment - {readable_date(s['started_at'], with_time=False)}")
    rep["session"] = s
    rep["captures"] = [_capture_block(rec, c) for c in rec.captures(session_id=session_id)]
    rep["session_notes"] = [n["text"] for n in rec.notes(client["id"], session_id)]
    return _finish(rep, intake)


def comparison_report(rec, before_id: int, after_id: int, assessor: str = "", intake=None) -> dict:
    """Report data for a before-and-after comparison of two stored captures (``intake`` as in
    :func:`session_report`)."""
    from records.workflow import compare_captures

    comp = compare_captures(rec, before_id, after_id)
    rep = _base(rec, comp["client"], assessor, "Before-and-after comparison")
    rep["captures"] = [_capture_block(rec, rec.capture_or_fail(i, blobs=False)) for i in (before_id, after_id)]
    rep["captures"][0]["label"], rep["captures"][1]["label"] = "Before", "After"
    rep["comparison"] = comp
    rep["session_notes"] = []
    return _finish(rep, intake)


# ----------------------------------------------------------------------------------------------------
# the chart (ReportLab graphics: drawn into the PDF, and to SVG for the HTML)
# ----------------------------------------------------------------------------------------------------
def change_chart(comp: dict, width: float = 480, height: float = 200):
    """A horizontal bar per metric: its change in units of its MDC, with the +-1 MDC band marked."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib import colors

    rows = [r for r in comp["rows"] if r["change"] is not None and r["mdc"]]
    d = Drawing(width, max(height, 18 * len(rows) + 40))
    if not rows:
        d.add(String(10, d.height / 2, "No change could be judged against its noise.", fontSize=9))
        return d
    vals = [max(-4.0, min(4.0, r["change"] / r["mdc"])) for r in rows]
    ch = HorizontalBarChart()
    ch.x, ch.y, ch.width, ch.height = 190, 25, width - 210, d.height - 40
    ch.data = [vals]
    ch.categoryAxis.categoryNames = [r["name"][:34] for r in rows]
    ch.categoryAxis.labels.fontSize = 7
    ch.categoryAxis.labels.boxAnchor = "e"
    ch.categoryAxis.joinAxisMode = "left"
    ch.valueAxis.valueMin, ch.valueAxis.valueMax, ch.valueAxis.valueStep = -4, 4, 1
    ch.valueAxis.labels.fontSize = 7
    ch.bars[0].fillColor = colors.HexColor("#4a7bb7")
    for i, r in enumerate(rows):
        if r["beyond_noise"]:
            ch.bars[(0, i)].fillColor = colors.HexColor("#d9662b")
    d.add(ch)
    for v in (-1, 1):
        x = ch.x + (v + 4) / 8 * ch.width
        d.add(Line(x, ch.y, x, ch.y + ch.height, strokeColor=colors.grey, strokeDashArray=[2, 2]))
    d.add(String(ch.x, 8, "change / MDC (orange: larger than the noise; dashed: +-1 MDC)", fontSize=7))
    return d


def _svg(drawing) -> str:
    from reportlab.graphics import renderSVG

    s = renderSVG.drawToString(drawing)
    return s[s.find("<svg"):]


# ----------------------------------------------------------------------------------------------------
# PDF
# ----------------------------------------------------------------------------------------------------
def render_pdf(rep: dict) -> bytes:
    """Lay the report out as an A4 PDF with ReportLab, its fonts embedded (:mod:`reports.fonts`), in memory.

    Raises :class:`reports.fonts.ReportError` (``FontMissing``) with a one-line message when it cannot be made.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from reportlab.platypus.doctemplate import LayoutError

    register()
    ss = getSampleStyleSheet()
    body = ss["BodyText"].clone("body", fontName=REGULAR)
    small = body.clone("small", fontSize=8, leading=10)
    cell = body.clone("cell", fontSize=7.5, leading=9)
    h1, h2, h3 = (ss[k].clone(k + "U", fontName=BOLD) for k in ("Title", "Heading2", "Heading3"))
    P = lambda t, st=body: Paragraph(markup(str(t)), st)  # noqa: E731 - escaped, each script in a font that has it
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                       ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    W = A4[0] - 30 * mm
    story = [P(rep["title"], h1)]
    cl = rep["client"]
    story += [Paragraph("Client and assessor", h2),
              Table([["Client", P(f"{cl.get('name', '-')} ({cl.get('code', '-')})", cell), "Report date", rep["date"]],
                     ["Assessor", P(rep["assessor"], cell), "Captures",
                      P(", ".join(c["created_at"] for c in rep["captures"]), cell)]],
                    colWidths=[25 * mm, 60 * mm, 25 * mm, W - 110 * mm], style=grid)]
    for n in rep.get("session_notes") or []:
        story.append(P(f"Note: {n}", small))
    story.append(Paragraph("Capture protocol", h2))
    for c in rep["captures"]:
        pr = c["protocol"]
        story.append(P(f"{_label(c)} - {pr['name']}, {pr['view']} view, file {c['source']}", h3))
        story += [P(line, small) for line in pr["lines"] if line]
        story += [P(f"Capture check: {t}", small) for t in c["checks"]]
    story.append(Paragraph("Annotated frames", h2))
    cells = []
    for c in rep["captures"]:
        for im in c["images"]:
            if im["png"]:
                from PIL import Image as PILImage

                w0, h0 = PILImage.open(io.BytesIO(im["png"])).size
                iw = min((W / max(1, len(rep["captures"]))) - 4 * mm, 110 * mm * w0 / h0)
                cells.append([Image(io.BytesIO(im["png"]), width=iw, height=iw * h0 / w0), P(im["caption"], small)])
            else:
                cells.append([P(im["caption"], small)])
    if cells:
        story.append(Table([cells], colWidths=[W / len(cells)] * len(cells), style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])))
    story.append(Paragraph("Measurements", h2))
    for c in rep["captures"]:
        story.append(P(f"{_label(c)} ({c['source']})" + (" - with hand-corrected landmarks"
                                                                          if c["corrected"] else ""), h3))
        rows = [["Measure", "Value", "Unit", "Usual range", "Status", "Kind", "Confidence"]]
        rows += [[P(m["name"], small), m["value"], m["unit"], m["range"], m["status"], P(m["kind"], small),
                  m["confidence"]] for m in c["metrics"]]
        story.append(Table(rows, colWidths=[52 * mm, 14 * mm, 19 * mm, 22 * mm, 18 * mm, 33 * mm, W - 158 * mm],
                           style=grid, repeatRows=1))
    story.append(Paragraph("Comparison", h2))
    comp = rep.get("comparison")
    if comp is None:
        story.append(P("A single session: no comparison in this report.", small))
    else:
        if not comp["comparable"]:
            story.append(P("NOT COMPARABLE: " + "; ".join(comp["reasons"]) + ". The values are listed side by side but "
                           "no change is judged.", body))
        rows = [["Measure", "Before", "After", "Change", "MDC", "Noise from", "Verdict"]]
        for r in comp["rows"]:
            f = _fmt(r)
            rows.append([P(f"{r['name']} ({r['unit']})", small), f(r["before"]), f(r["after"]), f(r["change"], True),
                         f(r["mdc"]), NOISE_WORDS.get(r["noise_source"], "-"), P(verdict_text(r), small)])
        t = Table(rows, colWidths=[56 * mm, 15 * mm, 15 * mm, 15 * mm, 13 * mm, 17 * mm, W - 131 * mm], style=grid,
                  repeatRows=1)
        for i, r in enumerate(comp["rows"], 1):
            colour = {"improved": "#d1fae5", "worse": "#fee2e2"}.get(r.get("direction"), "#fde2cf")
            if r["verdict"] == "changed":
                t.setStyle(TableStyle([("BACKGROUND", (-1, i), (-1, i), colors.HexColor(colour))]))
        story += [t, Spacer(1, 2 * mm)] + [P(x, small) for x in comparison_caveats(comp)] + [Spacer(1, 2 * mm)]
        if comp["comparable"]:
            story.append(change_chart(comp, W, 160))
        story.append(P(f"Playback lined up on the {comp['sync']['basis']} (before events "
                       f"{comp['sync']['events_a']} s, after {comp['sync']['events_b']} s).", small))
    story.append(Paragraph("Findings and stretch plan", h2))
    plan = rep.get("plan")
    if plan:
        story.append(P(plan["findings_headline"]))
        for c in plan.get("contributors", []):
            story.append(P(f"{c['rank']}. {c['name']} ({c['muscles']}): confidence {c['confidence']:.2f} "
                           f"({c['confidence_word']}), an estimate.", small))
        for r in plan.get("recommendations", []):
            story.append(P(f"Stretch: {r['name']} ({r['position']}). {r['trigger']['text']} Dose: "
                           f"{r['dose'].rstrip('.')}.", small))
        for a in plan.get("avoid", []):
            story.append(P(f"Avoid: {a['name']}: {a['text']}", small))
        for n in plan.get("therapist_notes", []):
            story.append(P(f"For the therapist: {n['text']}", small))
    else:
        story.append(P("No capture of this report could be measured, so no findings or plan.", small))
    story.append(Paragraph("Red flags", h2))
    rf = rep.get("red_flags")
    if rf:
        story.append(P(rf["message"], small))
        for r in rf.get("raised", []):
            story.append(P(f"RAISED: {r['plain']}: {r['why']}", small))
    else:
        story.append(P(NOT_ASKED, small))
    story += [Paragraph("Disclaimer", h2), P(f"{rep['method']} {rep['disclaimer']}", small),
              Paragraph("Program and model versions", h2)]
    for pv, mv in rep["versions"]:
        story.append(P(f"Captured with posture-assessor {pv}; pose model {mv}.", small))
    story.append(P(f"Report made by posture-assessor {rep['generated_by']}.", small))

    foot_style = small.clone("foot", fontSize=7, leading=8)

    def footer(canvas, doc):
        canvas.saveState()
        f = P(f"{one_line(cl.get('code', ''), 40)} - {rep['title']} - page {doc.page}", foot_style)
        f.wrapOn(canvas, W, 10 * mm)
        f.drawOn(canvas, 15 * mm, 6 * mm)
        canvas.restoreState()

    buf = io.BytesIO()
    try:
        doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                                bottomMargin=15 * mm, title=rep["title"], author=rep["assessor"])
        doc.build(story, onFirstPage=footer, onLaterPages=footer,
                  canvasmaker=functools.partial(Canvas, initialFontName=REGULAR))  # no Helvetica anywhere
    except LayoutError as e:
        raise ReportError(f"the report could not be laid out ({one_line(e, 160)}): shorten the longest note or name "
                          "and try again") from None
    return buf.getvalue()


def write_pdf(rep: dict, dest: str | Path) -> Path:
    """:func:`render_pdf` written to ``dest`` (owner-only)."""
    data = render_pdf(rep)
    dest = Path(dest)
    with open_private(dest, "wb") as f:
        f.write(data)
    return dest


# ----------------------------------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------------------------------
_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ r.title }}</title>
<style>
{{ fonts|safe }}
body{font-family:"Report Sans","Report Sans CJK",sans-serif;max-width:60em;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:.5em 0;font-size:.85em}td,th{border:1px solid #bbb;padding:.2em .4em;text-align:left}
th{background:#e8eef6}.changed{background:#fde2cf}.improved{background:#d1fae5}.worse{background:#fee2e2}.nc{color:#a00;font-weight:bold}figure{display:inline-block;margin:.5em;max-width:45%}
figure img{max-width:100%}small{color:#555}@media print{body{margin:0}}
</style></head><body>
<h1>{{ r.title }}</h1>
<h2>Client and assessor</h2>
<table><tr><th>Client</th><td>{{ r.client.name }} ({{ r.client.code }})</td><th>Report date</th><td>{{ r.date }}</td></tr>
<tr><th>Assessor</th><td>{{ r.assessor }}</td><th>Captures</th><td>{% for c in r.captures %}{{ c.created_at }}{% if not loop.last %}; {% endif %}{% endfor %}</td></tr></table>
{% for n in r.session_notes %}<p><small>Note: {{ n }}</small></p>{% endfor %}
<h2>Capture protocol</h2>
{% for c in r.captures %}<h3>{{ c.label or c.title or 'Capture' }} - {{ c.protocol.name }}, {{ c.protocol.view }} view, file {{ c.source }}</h3>
<ul>{% for l in c.protocol.lines if l %}<li>{{ l }}</li>{% endfor %}{% for t in c.checks %}<li>Capture check: {{ t }}</li>{% endfor %}</ul>{% endfor %}
<h2>Annotated frames</h2>
{% for c in r.captures %}{% for im in c.images %}<figure>{% if im.png %}<img alt="annotated frame" src="data:image/png;base64,{{ b64(im.png) }}">{% endif %}<figcaption><small>{{ im.caption }}</small></figcaption></figure>{% endfor %}{% endfor %}
<h2>Measurements</h2>
{% for c in r.captures %}<h3>{{ c.label or c.title or 'Capture' }} ({{ c.source }}){% if c.corrected %} - with hand-corrected landmarks{% endif %}</h3>
<table><tr><th>Measure</th><th>Value</th><th>Unit</th><th>Usual range</th><th>Status</th><th>Kind</th><th>Confidence</th></tr>
{% for m in c.metrics %}<tr><td>{{ m.name }}</td><td>{{ m.value }}</td><td>{{ m.unit }}</td><td>{{ m.range }}</td><td>{{ m.status }}</td><td>{{ m.kind }}</td><td>{{ m.confidence }}</td></tr>{% endfor %}</table>{% endfor %}
<h2>Comparison</h2>
{% if not r.comparison %}<p><small>A single session: no comparison in this report.</small></p>{% else %}{% set cp = r.comparison %}
{% if not cp.comparable %}<p class="nc">NOT COMPARABLE: {{ cp.reasons|join('; ') }}. The values are listed side by side but no change is judged.</p>{% endif %}
<table><tr><th>Measure</th><th>Before</th><th>After</th><th>Change</th><th>MDC</th><th>Noise from</th><th>Verdict</th></tr>
{% for x in cp.rows %}{% set f = fmt(x) %}<tr{% if x.verdict == 'changed' %} class="changed {{ x.direction or '' }}"{% endif %}><td>{{ x.name }} ({{ x.unit }})</td><td>{{ f(x.before) }}</td><td>{{ f(x.after) }}</td><td>{{ f(x.change, True) }}</td><td>{{ f(x.mdc) }}</td><td>{{ noise.get(x.noise_source, '-') }}</td><td>{{ verdict(x) }}</td></tr>{% endfor %}</table>
{% for t in caveats %}<p><small>{{ t }}</small></p>{% endfor %}
{% if cp.comparable %}{{ chart|safe }}{% endif %}
<p><small>Playback lined up on the {{ cp.sync.basis }}.</small></p>{% endif %}
<h2>Findings and stretch plan</h2>
{% if r.plan %}<p>{{ r.plan.findings_headline }}</p><ul>
{% for c in r.plan.contributors %}<li>{{ c.rank }}. {{ c.name }} ({{ c.muscles }}): confidence {{ '%.2f'|format(c.confidence) }} ({{ c.confidence_word }}), an estimate.</li>{% endfor %}
{% for s in r.plan.recommendations %}<li>Stretch: {{ s.name }} ({{ s.position }}). {{ s.trigger.text }} Dose: {{ s.dose }}.</li>{% endfor %}
{% for a in r.plan.avoid %}<li>Avoid: {{ a.name }}: {{ a.text }}</li>{% endfor %}
{% for n in r.plan.get('therapist_notes', []) %}<li>For the therapist: {{ n.text }}</li>{% endfor %}</ul>
{% else %}<p><small>No capture of this report could be measured, so no findings or plan.</small></p>{% endif %}
<h2>Red flags</h2>
{% if r.red_flags %}<p>{{ r.red_flags.message }}</p>{% for x in r.red_flags.raised %}<p class="nc">RAISED: {{ x.plain }}: {{ x.why }}</p>{% endfor %}
{% else %}<p><small>{{ not_asked }}</small></p>{% endif %}
<h2>Disclaimer</h2><p><small>{{ r.method }} {{ r.disclaimer }}</small></p>
<h2>Program and model versions</h2>
{% for pv, mv in r.versions %}<p><small>Captured with posture-assessor {{ pv }}; pose model {{ mv }}.</small></p>{% endfor %}
<p><small>Report made by posture-assessor {{ r.generated_by }}.</small></p>
</body></html>
"""


def render_html(rep: dict) -> str:
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.ChainableUndefined)
    chart = _svg(change_chart(rep["comparison"])) if rep.get("comparison") and rep["comparison"]["comparable"] else ""
    page = env.from_string(_HTML)
    args = dict(r=rep, b64=lambda b: base64.b64encode(b).decode(), fmt=_fmt, chart=chart, verdict=verdict_text,
                caveats=comparison_caveats(rep["comparison"]) if rep.get("comparison") else [], not_asked=NOT_ASKED,
                noise=NOISE_WORDS)
    text = page.render(**args, fonts="")  # the characters the report shows, for the embedded font subsets
    return page.render(**args, fonts=css_font_faces(text))


def write_html(rep: dict, dest: str | Path) -> Path:
    """Write the report as one self-contained HTML file (pictures, chart and font subsets inline; prints from a
    browser); owner-only."""
    dest = Path(dest)
    with open_private(dest, encoding="utf-8") as f:
        f.write(render_html(rep))
    return dest
