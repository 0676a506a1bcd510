"""reports: the PDF opens and is not blank, every section is present, in the PDF and the HTML; exports."""

from __future__ import annotations

import csv
from pathlib import Path
import json
import shutil
import subprocess

import numpy as np
import pytest
from sqlalchemy import text

from records import workflow as wf
from records.store import Records
from reports import SECTIONS, comparison_report, session_report, write_html, write_pdf
from test_records_fixtures import therapist_db, therapist_db_master  # noqa: F401  (fixtures)

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftoppm, pdftotext) not installed: apt-get install -y poppler-utils")


def _pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _page_png(pdf, tmp_path, page: int = 1) -> np.ndarray:
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "50", "-f", str(page), "-l", str(page), "-png", str(pdf), str(tmp_path / "pg")],
                   check=True, capture_output=True)
    png = sorted(tmp_path.glob("pg*.png"))[0]
    return np.asarray(Image.open(png).convert("L"), dtype=float)


@needs_poppler
def test_comparison_report_pdf_and_html(therapist_db, tmp_path):
    with Records(therapist_db["location"]) as rec:
        rep = comparison_report(rec, therapist_db["before"], therapist_db["after"], assessor="A. Therapist")
        pdf = write_pdf(rep, tmp_path / "c.pdf")
        html = write_html(rep, tmp_path / "c.html").read_text()
    assert pdf.read_bytes()[:5] == b"%PDF-"
    img = _page_png(pdf, tmp_path)
    assert img.std() > 20 and (img < 128).mean() > 0.02  # text, tables and the annotated frames: not blank
    txt = _pdf_text(pdf)
    flat = " ".join(txt.split())
    for s in SECTIONS:
        assert s in flat, s
        assert f">{s}<" in html, s
    assert "Client One (c1)" in flat and "A. Therapist" in flat
    assert "changed" in flat and "within the noise" in flat and "MDC" in flat
    assert "Pelvic tilt" in flat and "0 to 20" in flat  # metrics with their usual range
    assert "plumb line" in flat and "mediapipe 0.10.21" in flat
    assert html.count("data:image/png;base64,") == 2 and "<svg" in html


@needs_poppler
def test_session_report_and_not_comparable(therapist_db, tmp_path):
    with Records(therapist_db["location"]) as rec:
        with rec.engine.begin() as c:  # the 'after' capture made by another program version
            c.execute(text("UPDATE captures SET program_version = '9.9' WHERE id = :i"), {"i": therapist_db["after"]})
        rep = comparison_report(rec, therapist_db["before"], therapist_db["after"])
        pdf = write_pdf(rep, tmp_path / "nc.pdf")
        sid = rec.capture(therapist_db["before"], blobs=False)["session_id"]
        srep = session_report(rec, sid)
        spdf = write_pdf(srep, tmp_path / "s.pdf")
    flat = " ".join(_pdf_text(pdf).split())
    assert "NOT COMPARABLE" in flat and "different program versions" in flat and "changed" not in flat.split("Comparison")[-1].split("Findings")[0]
    sflat = " ".join(_pdf_text(spdf).split())
    for s in SECTIONS:
        assert s in sflat, s
    assert "no comparison in this report" in sflat and "low back pain, 3 months" in sflat


def test_export_everything_as_json_and_csv(therapist_db, tmp_path):
    with Records(therapist_db["location"]) as rec:
        files = wf.export_client(rec, therapist_db["client_id"], tmp_path / "exp")
        comp = wf.compare_captures(rec, therapist_db["before"], therapist_db["after"])
        cpath = wf.comparison_csv(comp, tmp_path / "cmp.csv")
    data = json.loads((tmp_path / "exp" / "client.json").read_text())
    assert data["client"]["code"] == "c1" and len(data["sessions"]) == 3
    rows = list(csv.DictReader(open(tmp_path / "exp" / "metrics.csv")))
    assert {r["metric"] for r in rows} >= {"pelvic_tilt", "trunk_inclination"} and len(rows) >= 30
    assert sum(1 for f in files if f.name.endswith(".pose.npz")) == 3
    crow = {r["metric"]: r for r in csv.DictReader(open(cpath))}
    assert crow["pelvic_tilt"]["verdict"] == "changed"


def test_cli_compare_and_report(therapist_db, tmp_path):
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    db = str(therapist_db["location"])
    run = lambda *a: subprocess.run([sys.executable, str(root / "posture_cli.py"), *a, "--db", db], cwd=tmp_path,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    p = run("compare", str(therapist_db["before"]), str(therapist_db["after"]), "--csv", str(tmp_path / "c.csv"))
    assert p.returncode == 0, p.stderr
    line = next(x for x in p.stdout.splitlines() if x.startswith("Pelvic tilt"))
    assert "changed" in line and "default noise" in line
    p = run("report", "--compare", str(therapist_db["before"]), str(therapist_db["after"]), "-o", str(tmp_path / "r.pdf"))
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-" and (tmp_path / "r.html").is_file()
    p = run("client", "show", "c1")
    assert p.returncode == 0 and "before_tilt16.mp4" in p.stdout


# ---------------------------------------------------------------------------------------------- issue 16
UNICODE_NAME = "张伟 Παπαδόπουλος Иванов Zoë 😀 🧘"
ARTIFACTS = Path(__file__).resolve().parents[1] / "tests" / "artifacts"


def _session_pdf(therapist_db, tmp_path, name: str, assessor: str = "A. Therapist"):
    with Records(therapist_db["location"]) as rec:
        with rec.engine.begin() as c:
            c.execute(text("UPDATE clients SET name = :n WHERE id = :i"), {"n": name, "i": therapist_db["client_id"]})
        sid = rec.capture(therapist_db["before"], blobs=False)["session_id"]
        with rec.engine.begin() as c:
            c.execute(text("UPDATE sessions SET assessor = :a WHERE id = :i"), {"a": assessor, "i": sid})
        rep = session_report(rec, sid)
        return write_pdf(rep, tmp_path / "s.pdf"), write_html(rep, tmp_path / "s.html")


def _words(pdf) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) of page 1, from pdftotext's bounding boxes."""
    import re

    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [(html_unescape(w), float(a), float(b), float(c), float(d)) for a, b, c, d, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out)]


def html_unescape(s: str) -> str:
    import html as _html

    return _html.unescape(s)


@needs_poppler
def test_pdf_embeds_a_unicode_font_and_prints_every_script(therapist_db, tmp_path):
    pdf, page = _session_pdf(therapist_db, tmp_path, UNICODE_NAME)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and "WenQuanYiZenHei" in fonts
    # every font that draws text is embedded (ReportLab lists an unused Helvetica resource in every PDF)
    assert all(ln.split()[-5] == "yes" for ln in fonts.splitlines()[2:] if not ln.startswith("Helvetica "))
    flat = " ".join(_pdf_text(pdf).split())
    for part in ("张伟", "Παπαδόπουλος", "Иванов", "Zoë"):
        assert part in flat, part
    # 😀 is drawn from DejaVu Sans (see the picture; ReportLab's text map keeps 16 bits, so it does not extract);
    # 🧘, which no font has, prints as the visible replacement mark instead of an empty box
    assert "\ufffd" in flat
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # for a person to look at
    subprocess.run(["pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf),
                    str(ARTIFACTS / "report_unicode_name")], check=True)
    img = _page_png(pdf, tmp_path)
    assert img.std() > 20
    html_text = page.read_text(encoding="utf-8")
    assert UNICODE_NAME in html_text
    embedded = _embedded_fonts(html_text)  # the HTML carries its own font subsets: same look on any computer
    assert {"Report Sans", "Report Sans CJK"} <= {f for f, _ in embedded}
    covered = set().union(*(cmap for _, cmap in embedded))
    assert {ord(c) for c in "张伟Παπαδόπουλοςzoë"} <= covered


def _embedded_fonts(html_text: str) -> list[tuple[str, set[int]]]:
    """(family, code points) of each font embedded in an HTML report."""
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    return [(fam, set(TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()))
            for fam, data in re.findall(r"font-family:'([^']+)'[^}]*?base64,([A-Za-z0-9+/=]+)", html_text)]


@needs_poppler
def test_long_names_wrap_in_their_cell_and_newlines_are_flattened(therapist_db, tmp_path):
    long_name = "Maximiliana Alexandrina " + "Wolkenkuckucksheim" * 3 + " von Hohenzollern-Sigmaringen Ende"
    assert len(long_name) > 100
    pdf, _ = _session_pdf(therapist_db, tmp_path, long_name, assessor="Dr\n" * 400 + "Who")
    words = _words(pdf)
    label = next(w for w in words if w[0] == "Report")  # the "Report date" label in the next cell
    mine = [w for w in words if w[3] > label[1] - 200 and w[2] < label[2] + 60 and
            any(w[0] in long_name.split() or w[0] in x for x in long_name.split())]
    assert any("Ende" == w[0] for w in mine) and "Maximiliana" in [w[0] for w in mine]
    row = [w for w in words if abs(w[2] - label[2]) < 40 and w[1] < label[1]]  # the client cell, left of the label
    assert row and max(w[3] for w in row) < label[1], "the name runs into the next cell"
    flat = " ".join(_pdf_text(pdf).split())
    # 400 line breaks in a name: one line (cut, with an ellipsis, at 200 characters), and the report is made
    assert "Dr Dr Dr" in flat and "D\u2026" in flat and "Who" not in flat


def test_a_missing_font_stops_the_report_with_what_to_install(therapist_db, tmp_path, monkeypatch):
    from reports import fonts

    monkeypatch.setattr(fonts, "SEARCH", ())
    monkeypatch.delenv(fonts.ENV_DIR, raising=False)
    monkeypatch.setattr(fonts, "_cmaps", {})
    with Records(therapist_db["location"]) as rec:
        rep = session_report(rec, rec.capture(therapist_db["before"], blobs=False)["session_id"])
    with pytest.raises(fonts.FontMissing, match="apt-get install -y fonts-dejavu-core fonts-wqy-zenhei"):
        write_pdf(rep, tmp_path / "x.pdf")
