"""reports: the PDF opens and is not blank, every section is present, in the PDF and the HTML; exports."""

from __future__ import annotations

import csv
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
    assert "changed" in flat and "within noise" in flat and "MDC" in flat
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
