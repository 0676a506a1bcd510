"""The gates on real people: every photo and clip of ../shared/data through ``posture analyze``, against what a
person looking at it expects (``benchmarks/real_manifest*.toml``).

    .venv/bin/python benchmarks/eval_real.py                  # all files, with key frames (a few minutes)
    .venv/bin/python benchmarks/eval_real.py --only side_standing --no-sheet
    .venv/bin/python benchmarks/eval_real.py --manifest benchmarks/real_manifest_movement.toml

Each file runs through :func:`capture.analyze.analyze_file` (the function behind ``posture analyze``; with
the manifest entry's ``test`` for a movement-test manifest) into ``out/eval_real/`` (git-ignored). Printed:

* a table: file, expected, got (``measure`` or ``refuse:<first gate that blocked>``), the first reason given,
  and the verdict; the totals;
* every number printed as a measurement that lies outside its plausibility bounds (must be none), every
  refusal that still carries a metric or an advice plan built from measurements (must be none), and every
  ``not_measured`` expectation whose metric came out with a value or without a reason naming the cause;
* the side-view photos (labels.csv): which got a pelvic-tilt value and which a reason.

A contact sheet of every key frame with its verdict under it is written to ``out/eval_real/contact_sheet.png``
(and ``index.html`` beside it). Exit status 1 when a floor is missed. Nothing is tuned here: the manifest was
written by looking at the pictures, before and independently of the figures.
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MANIFESTS = sorted(Path(__file__).resolve().parent.glob("real_manifest*.toml"))
OUT = ROOT / "out" / "eval_real"


def default_data() -> Path:
    """``$POSTURE_SHARED_DATA``, else ``../shared/data`` beside the repository (or beside its parent, for a git
    worktree in ``wt/``)."""
    if os.environ.get("POSTURE_SHARED_DATA"):
        return Path(os.environ["POSTURE_SHARED_DATA"])
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return ROOT.parent / "shared" / "data"


@dataclass
class Entry:
    """One manifest entry (see the header of ``real_manifest.toml``)."""

    path: str
    shows: str
    expect: tuple[str, ...]
    reason: tuple[str, ...] = ()
    not_measured: tuple[str, ...] = ()
    test: str | None = None
    note: str = ""
    manifest: str = ""


def load_manifest(path: Path) -> list[Entry]:
    """The entries of one manifest file."""
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    check = doc.get("meta", {}).get("check", "standing")
    out = []
    for e in doc.get("file", []):
        expect = e["expect"] if isinstance(e["expect"], list) else [e["expect"]]
        if not set(expect) <= {"measure", "refuse"}:
            raise ValueError(f"{path.name}: {e['path']}: expect must be measure and/or refuse, not {expect}")
        if check == "movement" and not e.get("test"):
            raise ValueError(f"{path.name}: {e['path']}: a movement manifest entry needs a test")
        out.append(Entry(e["path"], e.get("shows", ""), tuple(expect), tuple(e.get("reason", ())),
                         tuple(e.get("not_measured", ())), e.get("test"), e.get("note", ""), path.name))
    return out


@dataclass
class Row:
    """What one file gave, and whether that is what the manifest expects."""

    entry: Entry
    got: str = ""
    first: str = ""
    ok: bool = False
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    keyframe: str | None = None
    tilt: str = ""
    assessment: dict | None = None

    @property
    def expected(self) -> str:
        parts = []
        for x in self.entry.expect:
            parts.append(x if x == "measure" else "refuse:" + "|".join(self.entry.reason or ("any",)))
        return " or ".join(parts)


def outcome(analysis) -> tuple[str, str]:
    """(``measure`` or ``refuse:<gate>``, the first problem sentence) of an :class:`capture.analyze.Analysis`."""
    a = analysis.assessment
    first = analysis.problems[0] if analysis.problems else ""
    if a is None or not analysis.summary["frames_with_person"]:
        return "refuse:no_person", first
    if a.get("ok"):
        return "measure", first
    from analysis.gates import blocking_failure

    block = a.get("blocked_by") or (blocking_failure(a.get("checks") or []) or {}).get("name")
    return "refuse:" + (block or "nothing_measured"), first


def faults_of(entry: Entry, analysis) -> list[str]:
    """Every way the result breaks the gates' promises, whatever was expected."""
    from analysis.plausibility import is_implausible

    out = []
    a = analysis.assessment or {}
    metrics = a.get("metrics") or []
    for m in metrics:
        if m.get("value") is not None and is_implausible(m):
            out.append(f"implausible value printed: {m['key']} = {m['value']} {m['unit']}")
    if a and not a.get("ok"):
        if any(m.get("value") is not None for m in metrics):
            out.append("refused, but a metric still has a value")
        if a.get("spinal_curve"):
            out.append("refused, but the spinal curve and posture reading are still given")
        plan = a.get("plan") or {}
        if any(e.get("kind") != "symptom" for c in plan.get("contributors", []) for e in c.get("evidence", [])):
            out.append("refused, but the advice plan uses a measurement")
    by_key = {m["key"]: m for m in metrics}
    if a.get("ok"):
        for key in entry.not_measured:
            m = by_key.get(key)
            if m is None:
                continue
            if m.get("value") is not None:
                out.append(f"{key} should be not measured (the parts it needs are out of the picture): got {m['value']}")
            elif "picture" not in (m.get("reason") or ""):
                out.append(f"{key}: its reason does not name the cause: {m.get('reason')!r}")
    return out


def tilt_of(analysis) -> str:
    """The pelvic-tilt outcome of a side-view photo: its value, or the reason there is none."""
    a = analysis.assessment or {}
    m = next((m for m in a.get("metrics") or [] if m["key"] == "pelvic_tilt"), None)
    if m is not None and m.get("value") is not None:
        return f"{m['value']:+.1f} deg"
    if m is not None:
        return "no value: " + (m.get("reason") or "?")
    return "no value: " + (analysis.problems[0] if analysis.problems else "not assessed")


def run(entries: list[Entry], data: Path, out: Path = OUT, annotate: bool = True, log=print) -> list[Row]:
    """Analyse every entry's file as ``posture analyze`` does and judge it."""
    from capture.analyze import analyze_file
    from vision.estimator import silence_native_logs

    silence_native_logs()
    rows = []
    for e in entries:
        path = data / e.path
        dest = out / e.path.replace("/", "__")
        row = Row(e)
        t0 = time.perf_counter()
        try:
            an = analyze_file(path, dest, annotate=annotate, test=e.test)
        except Exception as exc:  # noqa: BLE001 - a crash is a verdict too
            row.got, row.first, row.faults = "error", f"{type(exc).__name__}: {exc}", ["crashed"]
            rows.append(row)
            continue
        row.seconds = time.perf_counter() - t0
        row.got, row.first = outcome(an)
        row.problems = list(an.problems)
        row.faults = faults_of(e, an)
        row.keyframe = an.outputs.get("keyframe") or an.outputs.get("annotated")
        row.assessment = an.assessment
        if e.path.startswith("side_standing/"):
            row.tilt = tilt_of(an)
        kind, _, gate = row.got.partition(":")
        row.ok = kind in e.expect and (kind == "measure" or not e.reason or gate in e.reason) and not row.faults
        rows.append(row)
        if log:
            log(f"  {row.seconds:5.1f} s  {'PASS' if row.ok else 'FAIL'}  {e.path}", flush=True)
    return rows


def print_report(rows: list[Row]) -> bool:
    """The table, the totals and the checks; True when every floor is met."""
    w = max(len(r.entry.path) for r in rows)
    print(f"\n{'file':{w}s}  {'expected':32s}  {'got':20s}  verdict  first reason")
    for r in rows:
        print(f"{r.entry.path:{w}s}  {r.expected[:32]:32s}  {r.got:20s}  {'PASS' if r.ok else 'FAIL':7s}  "
              f"{r.first[:110]}")
    n, passed = len(rows), sum(r.ok for r in rows)
    print(f"\nTotals: {passed} of {n} files get their expected verdict "
          f"({sum(r.got == 'measure' for r in rows)} measured, {sum(r.got.startswith('refuse') for r in rows)} refused, "
          f"{sum(r.got == 'error' for r in rows)} errors)")
    by_gate: dict[str, int] = {}
    for r in rows:
        by_gate[r.got] = by_gate.get(r.got, 0) + 1
    print("  by outcome: " + ", ".join(f"{k} {v}" for k, v in sorted(by_gate.items())))
    faults = [(r.entry.path, f) for r in rows for f in r.faults]
    print(f"\nGate promises broken (implausible values printed, numbers or advice from a refused capture, "
          f"missing parts measured): {len(faults)}")
    for p, f in faults:
        print(f"  {p}: {f}")
    side = [r for r in rows if r.tilt]
    if side:
        with_value = [r for r in side if not r.tilt.startswith("no value")]
        print(f"\nSide-view photos: pelvic tilt for {len(with_value)} of {len(side)}; the others with a reason:")
        labels = _tilt_labels(side)
        for r in side:
            print(f"  {labels.get(Path(r.entry.path).name, '?'):9s} {Path(r.entry.path).name[:52]:52s} {r.tilt[:110]}")
        generic = [r for r in side if r.tilt.startswith("no value") and len(r.tilt) < 20]
        if generic:
            print(f"  without a specific reason: {[r.entry.path for r in generic]}")
    failed = [r for r in rows if not r.ok]
    if failed:
        print(f"\nFiles without their expected verdict: {len(failed)}")
        for r in failed:
            print(f"  {r.entry.path}: expected {r.expected}, got {r.got}" + (f" ({'; '.join(r.faults)})" if r.faults else ""))
    return passed == n and not faults


def _tilt_labels(rows: list[Row]) -> dict[str, str]:
    if not rows:
        return {}
    labels = Path(rows[0].entry.path).parent
    for base in (default_data(),):
        f = base / labels / "labels.csv"
        if f.is_file():
            with open(f, newline="") as fh:
                return {r["file"]: r["label"] for r in csv.DictReader(fh)}
    return {}


def contact_sheet(rows: list[Row], data: Path, out: Path = OUT, thumb_h: int = 220, per_row: int = 8) -> Path:
    """A PNG grid of every key frame (the assessment's, or the annotated photo, or the file's first frame)
    with its verdict under it, and an HTML page of the same; returns the PNG's path."""
    import cv2
    import numpy as np

    from vision.sources import read_frame

    cells, items = [], []
    for r in rows:
        img = None
        if r.keyframe and Path(r.keyframe).suffix == ".png":
            img = cv2.imread(r.keyframe)
        if img is None:
            try:
                img = cv2.cvtColor(read_frame(data / r.entry.path, 0, 0.0), cv2.COLOR_RGB2BGR)
            except Exception:  # noqa: BLE001
                img = np.full((thumb_h, thumb_h, 3), 60, np.uint8)
        s = thumb_h / img.shape[0]
        img = cv2.resize(img, (max(1, int(img.shape[1] * s)), thumb_h))
        img = img[:, : int(thumb_h * 1.2)] if img.shape[1] > thumb_h * 1.2 else img
        w = int(thumb_h * 1.2)
        cell = np.full((thumb_h + 58, w, 3), 255, np.uint8)
        cell[:thumb_h, : img.shape[1]] = img
        colour = (0, 140, 0) if r.ok else (0, 0, 200)
        for k, text in enumerate((Path(r.entry.path).name[:34], f"want {r.expected}"[:40], f"got {r.got}"[:40])):
            cv2.putText(cell, text, (3, thumb_h + 15 + 16 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.38,
                        colour if k == 2 else (0, 0, 0), 1, cv2.LINE_AA)
        cv2.rectangle(cell, (0, 0), (w - 1, thumb_h + 57), colour, 2)
        cells.append(cell)
        items.append((r, cell))
    rows_img = []
    for i in range(0, len(cells), per_row):
        chunk = cells[i:i + per_row]
        chunk += [np.full_like(cells[0], 230)] * (per_row - len(chunk))
        rows_img.append(np.hstack(chunk))
    out.mkdir(parents=True, exist_ok=True)
    png = out / "contact_sheet.png"
    cv2.imwrite(str(png), np.vstack(rows_img))
    page = ["<html><head><meta charset='utf-8'><title>eval_real contact sheet</title></head><body>",
            "<h1>Standing assessment on real media</h1><div style='display:flex;flex-wrap:wrap'>"]
    for r, _ in items:
        src = Path(r.keyframe).relative_to(out) if r.keyframe and Path(r.keyframe).suffix == ".png" else None
        img = f"<img src='{html.escape(str(src))}' height='240'>" if src else "<div>(no key frame)</div>"
        page.append(f"<figure style='margin:6px;border:3px solid {'green' if r.ok else 'red'};width:300px'>{img}"
                    f"<figcaption><b>{html.escape(r.entry.path)}</b><br>{html.escape(r.entry.shows)}<br>expected "
                    f"{html.escape(r.expected)}<br>got <b>{html.escape(r.got)}</b>: {html.escape(r.first)}"
                    f"</figcaption></figure>")
    page.append("</div></body></html>")
    (out / "index.html").write_text("\n".join(page))
    return png


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--manifest", action="append", type=Path, help="manifest file(s); default real_manifest*.toml")
    ap.add_argument("--data", type=Path, default=None, help="the shared media folder (default ../shared/data)")
    ap.add_argument("--only", default="", help="only files whose path contains this text")
    ap.add_argument("--no-sheet", action="store_true", help="skip the key frames and the contact sheet (faster)")
    a = ap.parse_args(argv)
    data = a.data or default_data()
    if not data.is_dir():
        print(f"SKIPPED: {data} is absent (it sits beside the repository on the team's machines)")
        return 0
    entries = [e for m in (a.manifest or MANIFESTS) for e in load_manifest(m) if a.only in e.path]
    print(f"{len(entries)} files from {', '.join(sorted({e.manifest for e in entries}))}, media in {data}")
    t0 = time.perf_counter()
    rows = run(entries, data, annotate=not a.no_sheet)
    good = print_report(rows)
    print(f"\n{time.perf_counter() - t0:.0f} s in all")
    if not a.no_sheet:
        print(f"contact sheet: {contact_sheet(rows, data)} (and index.html beside it)")
    return 0 if good else 1


if __name__ == "__main__":
    raise SystemExit(main())
