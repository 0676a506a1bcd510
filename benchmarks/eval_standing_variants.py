"""The standing assessment on altered copies of standing clips: is a person standing still still measured when
filmed a little differently, and does the pelvic-tilt estimate hold?

    .venv/bin/python benchmarks/eval_standing_variants.py                     # about 5 minutes
    .venv/bin/python benchmarks/eval_standing_variants.py --variant handheld --only after_tilt9

The clips: the built-in standing samples (``sample_media/standing_side.mp4``, ``before_tilt16.mp4``,
``after_tilt9.mp4``, rendered people standing still) and the real clips of ``benchmarks/real_manifest.toml`` that
show a person standing and are to be measured (in ``../shared/data``, read in place; left out with a note when the
folder is absent). Each is copied the eleven ways of ``benchmarks/eval_real_variants.py`` (mirrored, half the frame
rate, half the size, dim, turned 4 degrees either way, twice as far, compressed, the bottom cut, a phone held in the
hand, every fifth frame twice), each copy in a temporary folder removed afterwards, and run through
:func:`capture.analyze.analyze_file` as ``posture analyze`` runs it. Per copy: ``measured`` (with the failed
non-blocking checks, the warnings a user reads) or ``refused`` (the blocking check and its reason), and the
pelvic-tilt estimate; per clip, the estimate's spread over the copies measured. Figures only: every clip here shows a
person standing still, so a refusal is a loss, not a wrong number; no floor is set.

Seen on 2026-12-06 (session 47): the sample ``standing_side.mp4`` shaken as a hand-held phone films it was refused
("you do not seem to be standing upright and still": the hips moved through the picture) until the hips' travel and
the sway were read over the feet too (:func:`analysis.activity.travel_speed`,
:func:`analysis.steady.body_over_feet`); ``before_tilt16.mp4`` with the bottom of its picture cut away was refused
for one frame read as a lunge until a frame or two of another posture stopped cutting quiet standing in two
(:func:`analysis.activity.posture_blips`). Since: ``standing_side.mp4`` measured in all 12 (two with a warning:
the camera tilted, the person small), ``before_tilt16.mp4`` in 11 (refused half-size: the pose model drew a leg
short), ``after_tilt9.mp4`` in 3 (refused in 9: looked at in session 48, the near leg's ankle drawn up its shin in a
third of the frames of a 3-s clip, leaving no 1.5 s of clean standing), the real ``StaticTrial_cam02`` in 10
(refused dim and far; a back view, no tilt estimate). The pelvic-tilt estimate's spread over a clip's measured copies:
1.9, 1.6 and 0.8 deg.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_real_variants import VARIANTS, write_variant  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
SAMPLES = ("standing_side.mp4", "before_tilt16.mp4", "after_tilt9.mp4")


def clips() -> list[Path]:
    """The built-in standing samples, then the real standing clips the manifest expects measured."""
    out = [ROOT / "sample_media" / n for n in SAMPLES]
    if SHARED.is_dir():
        manifest = tomllib.loads((ROOT / "benchmarks" / "real_manifest.toml").read_text())
        out += [SHARED / f["path"] for f in manifest["file"]
                if f["path"].startswith("video/") and f.get("activity") == "standing" and f.get("expect") == "measure"]
    else:
        print(f"note: {SHARED} is absent: the built-in samples only")
    return out


def verdict(src: Path, tmp: Path) -> dict:
    """``posture analyze`` on one file: measured or refused, the failed checks, the pelvic-tilt estimate."""
    from capture.analyze import analyze_file

    a = analyze_file(src, tmp / f"out_{src.stem}", annotate=False).assessment or {}
    failed = [c for c in a.get("checks", []) if not c["passed"]]
    tilt = next((m["value"] for m in a.get("metrics", []) if m.get("key") == "pelvic_tilt"), None)
    return {"ok": bool(a.get("ok")), "blocked_by": a.get("blocked_by"), "tilt": tilt,
            "warnings": [c["name"] for c in failed if not c.get("blocking")],
            "reason": next((c["reason"] for c in failed if c.get("blocking")), "")}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant", choices=VARIANTS, action="append", help="only this copy (repeatable)")
    ap.add_argument("--only", action="append", help="only clips whose file name contains this (repeatable)")
    a = ap.parse_args(argv)
    sources = [c for c in clips() if not a.only or any(s in c.name for s in a.only)]
    summary = []
    with tempfile.TemporaryDirectory(prefix="posture-standing-variants-") as tmp:
        tmp = Path(tmp)
        for src in sources:
            print(f"\n== {src.name}", flush=True)
            tilts, measured = [], 0
            copies = ["original"] + (a.variant or list(VARIANTS))
            for v in copies:
                path = src if v == "original" else tmp / f"{src.stem}_{v}.mp4"
                if v != "original":
                    write_variant(src, path, v)
                r = verdict(path, tmp)
                if v != "original":
                    path.unlink(missing_ok=True)
                measured += r["ok"]
                if r["ok"] and r["tilt"] is not None:
                    tilts.append(r["tilt"])
                what = (f"measured{' (warned: ' + ', '.join(r['warnings']) + ')' if r['warnings'] else ''}"
                        if r["ok"] else f"refused by {r['blocked_by']}: {r['reason'][:140]}")
                tilt = "" if r["tilt"] is None else f"; pelvic tilt {r['tilt']:.1f} deg"
                print(f"  {v:12s} {what}{tilt}", flush=True)
            spread = f"{np.ptp(tilts):.1f}" if len(tilts) > 1 else "-"
            summary.append((src.name, measured, len(copies), spread))
    print("\n== Measured per clip (of its copies, the original first), pelvic-tilt spread over them (deg)")
    for name, measured, n, spread in summary:
        print(f"  {name:40s} {measured:2d} of {n}  spread {spread}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
