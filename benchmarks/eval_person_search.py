"""How many real photos in which the pose model finds nobody does the search on altered copies recover?

Runs :func:`capture.analyze.analyze_file` (the function behind ``posture analyze``, standing assessment,
segmentation on) on every photo of ``../shared/data/side_standing`` and ``../shared/data/keypoints``
(read in place) into a temporary folder, and prints one row per photo in which the model found nobody
in the photo itself: which copies (:mod:`vision.variants`) gave a person, whether a pose was kept (several
copies agree on it and the standing assessment on it passes every blocking check) or why not, and how
many metric values the kept pose gives. Totals at the end: photos without a person before, photos
recovered, and metric values given on the recovered photos.

The figures depend on the assessment's gates: rerun after the gates change.

Run::

    .venv/bin/python benchmarks/eval_person_search.py   # --data DIR (or POSTURE_SHARED_DATA) to point elsewhere
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = Path(os.environ.get("POSTURE_SHARED_DATA") or ROOT.parent / "shared" / "data")


def photos(data: Path) -> list[Path]:
    side = sorted(p for p in (data / "side_standing").glob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    return side + sorted((data / "keypoints").glob("*.jpg"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args(argv)
    from capture.analyze import analyze_file
    from vision.estimator import silence_native_logs

    silence_native_logs()
    files = photos(args.data)
    if not files:
        print(f"no photos under {args.data}")
        return 1
    missed = recovered = values = 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="person-search-") as tmp:
        for f in files:
            a = analyze_file(f, tmp, annotate=False)
            search = a.summary.get("person_search")
            if not search:
                continue
            missed += 1
            found = [t["name"] for t in search["tried"] if t["found"]]
            n = 0
            if search["used"]:
                recovered += 1
                n = sum(m["value"] is not None for m in a.assessment["metrics"])
                values += n
                outcome = f"kept {search['used']}: {n} values"
            else:
                reasons = [t["rejected"] for t in search["tried"] if t.get("rejected")]
                outcome = "not kept: " + (reasons[0] if reasons else "no copy gave a person")
            rows.append((f.name[:44], ", ".join(found) or "-", outcome))
    w = max(len(r[0]) for r in rows) if rows else 10
    for name, found, outcome in rows:
        print(f"{name.ljust(w)}  found on: {found}\n{'':{w}}  {outcome}")
    print(f"\nphotos: {len(files)}; no person in the photo itself: {missed}; recovered on a copy: {recovered}; "
          f"metric values given on the recovered photos: {values}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
