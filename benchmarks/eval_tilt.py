"""How well the silhouette pelvic-tilt estimate works, beside the plain hollow-depth measure (the baseline).

    .venv/bin/python benchmarks/eval_tilt.py                  # renders and photos (about a minute)
    .venv/bin/python benchmarks/eval_tilt.py --skip-renders   # only the real photos
    .venv/bin/python benchmarks/eval_tilt.py --photos DIR     # another folder of labelled side photos
    .venv/bin/python benchmarks/eval_tilt.py --draw           # also draw what the outline follows on each photo
    .venv/bin/python benchmarks/eval_tilt.py --cached         # reuse the model's pass cached in .cache/tilt/
    .venv/bin/python benchmarks/eval_tilt.py --stress         # also: the photos mirrored, shrunk, with arrows drawn

The estimate is :func:`analysis.pelvis.estimate_pelvic_tilt` (one feature, the low-back hollow read where
arms and hair are not, turned into degrees by a line fitted on renders). The baseline is
:func:`analysis.pelvis.hollow_depth` with its default windows and no checks (issue 14's plain measure: the
depth of the back outline under the chord from the buttock apex to the upper-back apex, fraction of trunk
length). Nothing is fitted on the photos, so their figures need no cross-validation; the renders used for
the line are not among the held-out renders below.

(a) Renders held out from fitting (``tilt_renders.HELDOUT_SEED``): the estimate's slope, intercept and r
against the true tilt, its median, RMSE and worst error; Spearman of each measure with the true tilt.
(b) Labelled photos (default ``../shared/data/side_standing``, labels.csv: file,label with
anterior/neutral/posterior, non-expert and noisy), read in place: each photo's estimate (or reason) and
baseline (or reason); how many got a value, also among those with trunk and pelvis in the picture
(``tilt_photos.toml``, written by looking at each photo); the AUC of anterior vs posterior and Spearman's
rho against the label rank (posterior 0, neutral 1, anterior 2), with bootstrap 95% intervals. Photos
where the model finds nobody are "no person found"; the figures are on the model's own pass, and a second
line adds the photos found only on a padded canvas (a benchmark-only retry; the product's retry is
vision's). The facing is the product's: the sign of the world landmarks' body yaw, else face and feet.
(c) ``--stress``: each photo where the model found the person, changed in ways that should not change the
answer (mirrored; shrunk to 400 px tall; two thick arrows drawn across the back at the low back and at hip
level, as on annotated posture photos), through the model again: how far each measure moves (the baseline
in degrees through the estimate's own line), how many lose their value, and the AUC and Spearman on each.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tilt_photos import CACHE as PHOTO_CACHE  # noqa: E402
from tilt_photos import PHOTOS, RANK, draw_diagnostic, observe_photos, read_rgb  # noqa: E402
from tilt_renders import HELDOUT_N, HELDOUT_SEED, cached_observe, observe, observed_facing, tilt_cases  # noqa: E402

from analysis.pelvis import estimate_pelvic_tilt, hollow_depth  # noqa: E402
from analysis.silhouette import trunk_profile  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = Path(__file__).resolve().parent / "tilt_photos.toml"
DRAW_DIR = ROOT / ".cache" / "tilt" / "draw"
N_BOOT = 2000


def auc(values: np.ndarray, labels: np.ndarray) -> tuple[float, int, int]:
    """Probability that an anterior-labelled photo reads higher than a posterior one (ties count half)."""
    a, p = values[labels == "anterior"], values[labels == "posterior"]
    if not len(a) or not len(p):
        return float("nan"), len(a), len(p)
    return float(stats.mannwhitneyu(a, p).statistic / (len(a) * len(p))), len(a), len(p)


def spearman(values: np.ndarray, labels: np.ndarray) -> float:
    ranks = np.array([RANK.get(x, np.nan) for x in labels], dtype=float)
    ok = np.isfinite(ranks)
    if ok.sum() < 3 or len(set(ranks[ok])) < 2:
        return float("nan")
    return float(stats.spearmanr(values[ok], ranks[ok]).statistic)


def bootstrap(values: np.ndarray, labels: np.ndarray, seed: int = 0) -> tuple[tuple[float, float], tuple[float, float]]:
    """95% percentile intervals of the AUC and Spearman over photos resampled with replacement."""
    rng = np.random.default_rng(seed)
    au, rh = [], []
    for _ in range(N_BOOT):
        k = rng.integers(0, len(values), len(values))
        au.append(auc(values[k], labels[k])[0])
        rh.append(spearman(values[k], labels[k]))
    q = lambda v: tuple(np.nanpercentile(v, [2.5, 97.5])) if np.isfinite(v).any() else (np.nan, np.nan)  # noqa: E731
    return q(np.array(au)), q(np.array(rh))


def rank_figures(name: str, values: np.ndarray, labels: np.ndarray, unit: str) -> None:
    ok = np.isfinite(values)
    v, lab = values[ok], labels[ok]
    for g in ("anterior", "neutral", "posterior"):
        x = v[lab == g]
        if len(x):
            print(f"      {g:9s} n={len(x):2d}  median {np.median(x):+7.3g} {unit}  range {x.min():+.3g}..{x.max():+.3g}")
    a, na, npost = auc(v, lab)
    (alo, ahi), (rlo, rhi) = bootstrap(v, lab)
    print(f"    {name}: AUC anterior vs posterior {a:.3f} (n = {na} + {npost}; bootstrap 95% {alo:.2f}-{ahi:.2f}); "
          f"Spearman with label rank {spearman(v, lab):+.3f} (n = {len(v)}; 95% {rlo:+.2f}..{rhi:+.2f})")


# ---------------------------------------------------------------------------------------------------
# (a) renders
# ---------------------------------------------------------------------------------------------------
def eval_renders(cached: bool) -> None:
    print(f"(a) {HELDOUT_N} rendered side views held out from fitting (seed {HELDOUT_SEED})")
    cases = tilt_cases(HELDOUT_N, HELDOUT_SEED)
    rec = cached_observe(cases, ROOT / ".cache" / "tilt" / "heldout.npz") if cached else observe(cases)
    est, base, true, reasons = [], [], [], []
    for i in range(len(rec["tilt"])):
        px = rec["px"][i].astype(float)
        if not rec["found"][i]:
            reasons.append("no person found")
            continue
        fc = observed_facing(rec["world"][i], px)
        m = estimate_pelvic_tilt(rec["outline"][i], px, rec["visibility"][i], fc)
        b = hollow_depth(trunk_profile(rec["outline"][i], px, fc)).depth if fc else np.nan
        if m.value is None:
            reasons.append(m.reason)
            continue
        est.append(m.value)
        base.append(b)
        true.append(rec["tilt"][i])
    est, base, true = np.array(est), np.array(base), np.array(true)
    err = est - true
    fit = stats.linregress(true, est)
    print(f"    estimate: value for {len(est)}/{len(rec['tilt'])} renders; reasons: {sorted(set(reasons)) or 'none'}")
    print(f"    estimate = {fit.slope:.2f} x true {fit.intercept:+.2f} deg,  r = {fit.rvalue:.3f}, "
          f"Spearman {stats.spearmanr(true, est).statistic:.3f}")
    print(f"    |error|: median {np.median(np.abs(err)):.2f} deg, RMSE {np.sqrt(np.mean(err ** 2)):.2f} deg, "
          f"worst {np.abs(err).max():.2f} deg, mean signed {err.mean():+.2f} deg "
          f"(true tilt {true.min():.0f}..{true.max():.0f} deg)")
    ok = np.isfinite(base)
    print("    baseline (plain hollow depth, no degrees): Spearman with true tilt "
          f"{stats.spearmanr(true[ok], base[ok]).statistic:.3f}, "
          f"r {np.corrcoef(true[ok], base[ok])[0, 1]:.3f} (n = {ok.sum()})")


# ---------------------------------------------------------------------------------------------------
# (b) photos
# ---------------------------------------------------------------------------------------------------
def read_photo(rec: dict, i: int) -> dict:
    """Estimate and baseline for photo ``i`` of :func:`tilt_photos.observe_photos` output."""
    out = {"value": None, "reason": None, "conf": 0.0, "base": np.nan, "base_reason": None, "metric": None,
           "profile": None, "facing": 0}
    if rec["error"][i]:
        out["reason"] = out["base_reason"] = rec["error"][i]
        return out
    if not rec["found"][i]:
        out["reason"] = out["base_reason"] = "no person found"
        return out
    px, o = rec["px"][i].astype(float), rec["outline"][i]
    fc = observed_facing(rec["world"][i], px)
    out["facing"] = fc
    m = estimate_pelvic_tilt(o, px, rec["visibility"][i], fc)
    out.update(value=m.value, reason=m.reason, conf=m.confidence, metric=m)
    if fc and np.all(np.isfinite(o)):
        prof = trunk_profile(o, px, fc)
        out["profile"] = prof
        h = hollow_depth(prof)
        out["base"], out["base_reason"] = h.depth, h.reason
    else:
        out["base_reason"] = "no outline" if fc else "facing unknown"
    return out


def draw_photo(folder: Path, rec: dict, i: int, r: dict, out_dir: Path) -> Path:
    """The diagnostic picture of one photo (see :func:`tilt_photos.draw_diagnostic`)."""
    import cv2

    prof = r["profile"]
    marks, chords = {}, []
    est = f"{r['value']:+.1f} deg (conf {r['conf']:.2f})" if r["value"] is not None else f"no value: {r['reason']}"
    base = f"hollow depth {r['base']:.3f} trunk lengths" if np.isfinite(r["base"]) else r["base_reason"]
    text = [f"{rec['label'][i]}  {rec['name'][i][:60]}" + ("  (found on a padded canvas)" if rec["variant"][i] else ""),
            f"estimate: {est}"[:120], f"baseline: {base}",
            "B, U, D: the estimate's buttock apex, upper-back apex, deepest point; b, u: the baseline's apexes"]
    if prof is not None:
        h = r["metric"].extra.get("hollow") if r["metric"] is not None else None
        if h and h.get("depth") is not None:
            for k, lab in (("buttock_apex", "B"), ("upper_back_apex", "U"), ("deepest", "D")):
                marks[lab] = prof.to_pixels(*h[k])
            chords.append((marks["B"], marks["U"]))
        plain = hollow_depth(prof)
        if np.isfinite(plain.depth):
            marks["b"] = prof.to_pixels(*plain.buttock)
            marks["u"] = prof.to_pixels(*plain.upper)
    img = draw_diagnostic(read_rgb(rec["name"][i], folder), rec["outline"][i] if rec["found"][i] else None,
                          rec["px"][i], prof, marks, text, chords)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{i:02d}_{Path(rec['name'][i]).stem[:40]}.png"
    cv2.imwrite(str(path), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    return path


def eval_photos(folder: Path, cached: bool, draw: bool) -> None:
    print(f"(b) labelled side-view photos in {folder}")
    if not (folder / "labels.csv").is_file():
        print(f"    SKIPPED: {folder} (or its labels.csv) is absent; it sits beside the repository on the team's machines "
              "(or set POSTURE_SHARED_DATA to the shared data folder)")
        return
    rec = observe_photos(folder, PHOTO_CACHE if (cached and folder == PHOTOS) else None)
    manifest = {}
    if folder == PHOTOS and MANIFEST.is_file():
        with open(MANIFEST, "rb") as f:
            manifest = tomllib.load(f)
    n = len(rec["name"])
    rows = [read_photo(rec, i) for i in range(n)]
    print(f"    {'label':9s} {'photo':44s} {'estimate':>27s}   baseline")
    for i, r in enumerate(rows):
        flag = " [padded canvas]" if rec["variant"][i] else ""
        est = f"{r['value']:+6.1f} deg (conf {r['conf']:.2f})" if r["value"] is not None else f"no value: {r['reason']}"
        base = f"{r['base']:+.3f}" if np.isfinite(r["base"]) else f"no value: {r['base_reason']}"
        print(f"    {rec['label'][i]:9s} {rec['name'][i][:44]:44s} {est:>27s}   {base}{flag}")
        if draw:
            draw_photo(folder, rec, i, r, DRAW_DIR)
    if draw:
        print(f"    diagnostic pictures in {DRAW_DIR}")
    plain = rec["variant"] == ""
    has_est = np.array([r["value"] is not None for r in rows]) & plain
    has_base = np.array([np.isfinite(r["base"]) for r in rows]) & plain
    found = rec["found"] & plain
    print(f"    estimate: value for {has_est.sum()}/{n} photos ({n - has_est.sum()} with a reason); baseline: value for "
          f"{has_base.sum()}/{n}; the model found a person in {found.sum()}/{n}")
    if manifest:
        tp = np.array([manifest.get(str(x), {}).get("trunk_and_pelvis", False) for x in rec["name"]])
        print(f"    of the {tp.sum()} photos with trunk and pelvis in the picture (tilt_photos.toml): estimate "
              f"{(has_est & tp).sum()} ({100 * (has_est & tp).sum() / max(tp.sum(), 1):.0f}%), baseline {(has_base & tp).sum()}; "
              f"of those where a person was found: estimate {(has_est & tp).sum()}/{(found & tp).sum()}")
    labels = rec["label"]
    val = np.array([r["value"] if r["value"] is not None else np.nan for r in rows], dtype=float)
    base = np.array([r["base"] for r in rows], dtype=float)
    print("    figures on the model's own pass (nothing fitted on these photos):")
    rank_figures("estimate (deg)", np.where(plain, val, np.nan), labels, "deg")
    rank_figures("baseline (hollow depth)", np.where(plain, base, np.nan), labels, "")
    both = plain & np.isfinite(val) & np.isfinite(base)
    print(f"    on the {both.sum()} photos where both give a value: estimate AUC {auc(val[both], labels[both])[0]:.3f}, "
          f"Spearman {spearman(val[both], labels[both]):+.3f}; baseline AUC {auc(base[both], labels[both])[0]:.3f}, "
          f"Spearman {spearman(base[both], labels[both]):+.3f}")
    if (~plain & rec["found"]).any():
        k = np.isfinite(val)
        print(f"    adding the {(~plain & rec['found']).sum()} photos found only on a padded canvas: estimate values "
              f"{k.sum()}/{n}, AUC {auc(val[k], labels[k])[0]:.3f}, Spearman {spearman(val[k], labels[k]):+.3f}; "
              f"baseline AUC {auc(base[np.isfinite(base)], labels[np.isfinite(base)])[0]:.3f}, "
              f"Spearman {spearman(base[np.isfinite(base)], labels[np.isfinite(base)]):+.3f}")


# ---------------------------------------------------------------------------------------------------
# (c) the same photos changed in ways that should not change the answer
# ---------------------------------------------------------------------------------------------------
def stressed_variants(rgb: np.ndarray, px: np.ndarray, facing: int) -> dict[str, np.ndarray]:
    """The photo mirrored, shrunk to 400 px tall, and with two arrows drawn across the back (at 0.3 trunk
    lengths above hip level and just below it, from inside the body to 0.6 trunk lengths behind the axis)."""
    import cv2

    from analysis.silhouette import trunk_frame

    h, w = rgb.shape[:2]
    out = {"mirrored": np.ascontiguousarray(rgb[:, ::-1]),
           "400 px tall": cv2.resize(rgb, (max(1, round(w * 400 / h)), 400), interpolation=cv2.INTER_AREA)}
    hip, u, post, L = trunk_frame(px, facing)
    img = rgb.copy()
    for hh in (0.3, -0.05):
        a, b = hip + L * (hh * u + 0.05 * post), hip + L * (hh * u + 0.6 * post)
        cv2.arrowedLine(img, tuple(int(v) for v in a), tuple(int(v) for v in b), (220, 30, 30), max(2, int(0.03 * L)),
                        tipLength=0.3)
    out["arrows drawn"] = img
    return out


def eval_stress(folder: Path, cached: bool) -> None:
    print("(c) the photos of (b), changed in ways that should not change the answer")
    if not (folder / "labels.csv").is_file():
        print("    SKIPPED: no photos")
        return
    from vision.contour import outline_from_result
    from vision.estimator import PoseEstimator

    from analysis.pelvis import load_model

    rec = observe_photos(folder, PHOTO_CACHE if (cached and folder == PHOTOS) else None)
    slope = load_model()["slope_deg"]
    idx = [i for i in range(len(rec["name"])) if rec["found"][i] and not rec["variant"][i]]
    ref = {i: read_photo(rec, i) for i in idx}
    res: dict[str, dict[int, dict]] = {}
    with PoseEstimator(static=True, segmentation=True) as est:
        for i in idx:
            for name, img in stressed_variants(read_rgb(rec["name"][i], folder), rec["px"][i].astype(float),
                                               ref[i]["facing"]).items():
                r = est.process(img)
                one = {k: v[None] for k, v in (("px", r.pixels), ("visibility", r.visibility), ("world", r.world))}
                o = outline_from_result(r)
                one.update(found=np.array([r.found]), error=np.array([""]), name=rec["name"][i:i + 1],
                           outline=(np.full((1, 256, 2), np.nan) if o is None else o[None]))
                res.setdefault(name, {})[i] = read_photo(one, 0)
    labels = rec["label"]
    for name, rows in res.items():
        line = []
        for what, get, scale in (("estimate", lambda r: r["value"], 1.0), ("baseline", lambda r: r["base"], slope)):
            a = np.array([get(ref[i]) if get(ref[i]) is not None else np.nan for i in idx], float)
            b = np.array([get(rows[i]) if get(rows[i]) is not None else np.nan for i in idx], float)
            ok = np.isfinite(a) & np.isfinite(b)
            lost = int((np.isfinite(a) & ~np.isfinite(b)).sum())
            lab = labels[idx]
            has = np.isfinite(b)
            line.append(f"{what}: median |change| {np.median(np.abs(b[ok] - a[ok])) * scale:.1f} deg, worst "
                        f"{np.max(np.abs(b[ok] - a[ok])) * scale:.1f}, lost {lost}, AUC {auc(b[has], lab[has])[0]:.2f}, "
                        f"Spearman {spearman(b[has], lab[has]):+.2f}")
        print(f"    {name:13s} " + ("\n" + " " * 18).join(line))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skip-renders", action="store_true")
    ap.add_argument("--skip-photos", action="store_true")
    ap.add_argument("--photos", type=Path, default=PHOTOS, help="folder with labels.csv and the photos")
    ap.add_argument("--draw", action="store_true", help=f"draw the outline and the points read on each photo into {DRAW_DIR}")
    ap.add_argument("--cached", action="store_true", help="reuse the model's pass cached in .cache/tilt/ (made on first use)")
    ap.add_argument("--stress", action="store_true", help="also run the photos mirrored, shrunk and with arrows drawn")
    a = ap.parse_args(argv)
    if not a.skip_renders:
        eval_renders(a.cached)
    if not a.skip_photos:
        eval_photos(a.photos, a.cached, a.draw)
        if a.stress:
            eval_stress(a.photos, a.cached)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
