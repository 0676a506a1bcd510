"""The one-page printable summary a client takes home or shows their therapist (PDF, ReportLab).

One A4 page: the key frame, the two or three lead lines, each measure in everyday words
(:mod:`ui.client`), and - once the safety questions were answered - the stretches with their pictures, or what
to do instead. Made in memory (:func:`client_summary_pdf` returns the bytes), so nothing is written to disk.
The page is shrunk to fit when a long plan would spill over.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import numpy as np

from privacy.text import one_line
from reports.fonts import BOLD, REGULAR, markup, register

SAMPLES = Path(__file__).resolve().parents[1] / "sample_media"
MAX_STRETCHES = 3
LEVEL_COLOURS = {"good": ("#166534", "#dcfce7"), "attention": ("#92400e", "#fef3c7"), "next": ("#1e3a8a", "#dbeafe"),
                 "problem": ("#991b1b", "#fee2e2")}
FOOTNOTE = ("A screen from a video or photo, not a diagnosis. Measurements come from the body's joint positions; "
            "the pelvis and back curves are estimates from the body's outline. For pain or a medical question, see "
            "a health professional.")


def _png(rgb: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buf, format="PNG")
    return buf.getvalue()


def summary_data(result, plan: dict | None, check_title: str) -> dict:
    """What the page holds, from an app result (:class:`ui.analyse.Result` whose gates passed) and the advice
    plan (None while the safety questions are unanswered)."""
    from ui.client import client_metrics, lead_lines, plain_line, warnings, what_was_measured
    from ui.present import movement_metrics

    a = result.assessment or {}
    metrics = movement_metrics(a) if a.get("kind") else (a.get("metrics") or [])
    stretches = []
    for r in (plan or {}).get("recommendations", [])[:MAX_STRETCHES]:
        pic = SAMPLES / r["picture"]
        stretches.append({"name": r["name"], "position": r["position"], "steps": list(r["steps"]), "dose": r["dose"],
                          "picture": pic if pic.is_file() else None})
    if plan is None:
        advice = ("Answer the safety questions on the result page to get advice: this summary then lists the "
                  "stretches that may help.")
    elif plan.get("advice_stopped"):
        advice = plan["red_flags"]["message"]
    elif stretches:
        advice = "Stretches that may help (never force a stretch; stop if it hurts):"
    else:
        advice = plan.get("findings_headline") or plan["headline"]
    return {"title": "Posture check", "date": datetime.date.today().strftime("%d %B %Y").lstrip("0"),
            "check": what_was_measured(a) if a.get("kind") else check_title, "file": one_line(result.name, 80),
            "notes": warnings(a, result.problems),
            "key_frame": result.key_frame, "key_note": result.key_note,
            "lines": [(ln.level, ln.text) for ln in lead_lines(a, plan)],
            "plain": [plain_line(m) for m in client_metrics(metrics)], "advice": advice, "stretches": stretches,
            "stopped": bool(plan and plan.get("advice_stopped"))}


def client_summary_pdf(data: dict) -> bytes:
    """The one-page PDF of :func:`summary_data`, as bytes."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Image, KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    import functools

    register()
    ss = getSampleStyleSheet()
    body = ss["BodyText"].clone("cs_body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    small = body.clone("cs_small", fontSize=8, leading=10)
    h1 = ss["Title"].clone("cs_h1", fontName=BOLD, fontSize=20, leading=24, alignment=0, spaceAfter=2)
    h2 = ss["Heading2"].clone("cs_h2", fontName=BOLD, fontSize=12.5, leading=15, spaceBefore=6, spaceAfter=3)
    h3 = body.clone("cs_h3", fontName=BOLD, fontSize=10, leading=12.5)
    P = lambda t, st=body: Paragraph(markup(str(t)), st)  # noqa: E731
    W, H = A4[0] - 24 * mm, A4[1] - 24 * mm

    story = [P(data["title"], h1),
             P(f"{data['check']} · {data['date']} · recording: {data['file']}", small), Spacer(1, 4 * mm)]
    lines = []
    for level, text in data["lines"]:
        fg, bg = LEVEL_COLOURS.get(level, LEVEL_COLOURS["next"])
        cell = Paragraph(markup(text), body.clone(f"cs_{level}", textColor=colors.HexColor(fg)))
        t = Table([[cell]], colWidths=[W * 0.56])
        t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(bg)),
                               ("LINEBEFORE", (0, 0), (0, -1), 3, colors.HexColor(fg)),
                               ("LEFTPADDING", (0, 0), (-1, -1), 6), ("TOPPADDING", (0, 0), (-1, -1), 4),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
        lines += [t, Spacer(1, 2 * mm)]
    if data.get("notes"):
        lines += [P("Worth fixing next time: " + " ".join(data["notes"]), small), Spacer(1, 2 * mm)]
    right = lines + [P("Each measure in everyday words", h3)] + [P(f"• {t}", small) for t in data["plain"]]
    left = []
    if data.get("key_frame") is not None:
        kf = data["key_frame"]
        h0, w0 = kf.shape[:2]
        iw = min(W * 0.40, 95 * mm * w0 / h0)
        left = [Image(io.BytesIO(_png(kf)), width=iw, height=iw * h0 / w0),
                P(f"The camera's picture at {data['key_note']}." if data.get("key_note") else
                  "Your posture as the camera saw it: the dashed red line is the plumb line through the ankle.", small)]
    story.append(Table([[left, right]], colWidths=[W * 0.42, W * 0.58],
                       style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])))
    story += [P("What to do", h2), P(data["advice"], body)]
    for s in data["stretches"]:
        pic = [Image(str(s["picture"]), width=38 * mm, height=38 * mm * 0.75)] if s["picture"] else []
        text = [P(f"{s['name']} ({s['position']})", h3)]
        text += [P(f"{i}. {step}", small) for i, step in enumerate(s["steps"], 1)]
        text.append(P(f"How much: {s['dose']}", small))
        story.append(Table([[pic, text]], colWidths=[42 * mm, W - 42 * mm],
                           style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                             ("BOTTOMPADDING", (0, 0), (-1, -1), 5)])))
    story += [Spacer(1, 3 * mm), P(FOOTNOTE, small)]
    page = KeepInFrame(W, H, story, mode="shrink")  # one page, whatever the length of the plan

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=f"{data['title']} - {data['date']}")
    doc.build([page], canvasmaker=functools.partial(Canvas, initialFontName=REGULAR))
    return buf.getvalue()
