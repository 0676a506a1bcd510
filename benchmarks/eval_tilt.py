"""How well the silhouette pelvic-tilt estimate works: on held-out renders and on real labelled photos.

    .venv/bin/python benchmarks/eval_tilt.py                 # both parts (about a minute)
    .venv/bin/python benchmarks/eval_tilt.py --skip-renders  # only the real photos

(a) Renders held out from fitting (``tilt_renders.HELDOUT_SEED``): slope, intercept and r of the estimate
against the true tilt, median and worst absolute error.
(b) ``../shared/data/side_standing`` (read in place; labels.csv: file,label with anterior/neutral/posterior,
non-expert and noisy): each photo's value or reason, the count with a value vs a reason, the AUC of the
estimate for anterior vs posterior, and Spearman's rho of estimate vs label rank (posterior 0, neutral 1,
anterior 2). Figures are reported as they fall; nothing is tuned on these photos.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis.pelvis import estimate_pelvic_tilt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PHOTOS = ROOT.parent / "shared" / "data" / "side_standing"
RANK = {"posterior": 0, "neutral": 1, "anterior": 2}


def eval_renders() -> None:
    from tilt_renders import HELDOUT_N, HELDOUT_SEED, observe, tilt_cases

    print(f"(a) {HELDOUT_N} rendered side views held out from fitting (seed {HELDOUT_SEED})")
    rec = observe(tilt_cases(HELDOUT_N, HELDOUT_SEED))
    est, true, reasons = [], [], []
    for i in range(len(rec["tilt"])):
        m = estimate_pelvic_tilt(rec["outline"][i], rec["px"][i], rec["visibility"][i])
        if m.value is None:
            reasons.append(m.reason)
            continue
        est.append(m.value)
        true.append(rec["tilt"][i])
    est, true = np.array(est), np.array(true)
    err = est - true
    fit = stats.linregress(true, est)
    print(f"    value for {len(est)}/{len(rec['tilt'])} renders; reasons: {reasons or 'none'}")
    print(f"    estimate = {fit.slope:.2f} x true {fit.intercept:+.2f} deg,  r = {fit.rvalue:.3f}")
    print(f"    |error|: median {np.median(np.abs(err)):.2f} deg, worst {np.abs(err).max():.2f} deg, "
          f"RMSE {np.sqrt(np.mean(err ** 2)):.2f} deg, mean signed {err.mean():+.2f} deg "
          f"(true tilt range {true.min():.0f}..{true.max():.0f} deg)")


def eval_photos() -> None:
    print(f"(b) real side-view photos in {PHOTOS}")
    if not (PHOTOS / "labels.csv").is_file():
        print(f"    SKIPPED: {PHOTOS} (or its labels.csv) is absent; it sits beside the repository on the team's machines")
        return
    from vision.contour import outline_from_result
    from vision.estimator import PoseEstimator
    from vision.sources import ImageSource

    with open(PHOTOS / "labels.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    vals, labels, n_reason = [], [], 0
    with PoseEstimator(static=True, segmentation=True) as est:
        for r in rows:
            path = PHOTOS / r["file"]
            try:
                frame = next(iter(ImageSource(path))).rgb
            except Exception as e:  # unreadable photo: a reason, not a crash
                print(f"    {r['label']:9s} {r['file'][:48]:48s} reason: cannot read the photo ({e})")
                n_reason += 1
                continue
            res = est.process(frame)
            conf = 0.0
            if not res.found:
                m_val, m_reason = None, "no person found"
            else:
                m = estimate_pelvic_tilt(outline_from_result(res), res.pixels, res.visibility)
                m_val, m_reason = m.value, m.reason
                conf = m.confidence
            if m_val is None:
                n_reason += 1
                print(f"    {r['label']:9s} {r['file'][:48]:48s} reason: {m_reason}")
            else:
                vals.append(m_val)
                labels.append(r["label"])
                print(f"    {r['label']:9s} {r['file'][:48]:48s} {m_val:+6.1f} deg (confidence {conf:.2f})")
    print(f"    {len(vals)} photos with a value, {n_reason} with a reason (of {len(rows)})")
    vals, labels = np.array(vals), np.array(labels)
    for lab in ("anterior", "neutral", "posterior"):
        v = vals[labels == lab]
        if len(v):
            print(f"    {lab:9s} n={len(v):2d}  median {np.median(v):+6.1f} deg  range {v.min():+.1f}..{v.max():+.1f}")
    a, p = vals[labels == "anterior"], vals[labels == "posterior"]
    if len(a) and len(p):
        u = stats.mannwhitneyu(a, p, alternative="two-sided")
        auc = u.statistic / (len(a) * len(p))
        print(f"    AUC anterior vs posterior = {auc:.3f} (n = {len(a)} + {len(p)}; Mann-Whitney p = {u.pvalue:.3f})")
    if len(vals) > 2:
        rho = stats.spearmanr(vals, [RANK[x] for x in labels])
        print(f"    Spearman rho (estimate vs label rank) = {rho.statistic:+.3f} (p = {rho.pvalue:.3f}, n = {len(vals)})")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skip-renders", action="store_true")
    ap.add_argument("--skip-photos", action="store_true")
    a = ap.parse_args(argv)
    if not a.skip_renders:
        eval_renders()
    if not a.skip_photos:
        eval_photos()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
