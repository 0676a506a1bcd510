"""Which line of a lower leg's outline runs along its knee -> ankle axis: the midline, the front (shin) edge, or a
line between them (``lower_leg_front_fraction`` in norms.toml, used by the prone knee bend and the Thomas test).

Two readings, each printed for the fractions 0.5 (the midline), 0.75 and 1.0 (the front edge) of the way from the
back (calf) edge of each cross-section to its front edge (:func:`analysis.movement.outline_limbs.limb_midline`):

* **Real legs** (``../shared/data/side_standing``, read in place; skipped with a reason when absent): side-view
  standing photos, the real model with segmentation, the outline of :mod:`vision.contour`; for each leg seen whole
  (knee and ankle visibility 0.7 or more, width 0.15-0.42 of its length: not two legs merged), the angle of each
  line from the pose model's knee -> ankle line, degrees, **+ = the line's lower end lies further forward** (towards
  the toes). There is no joint truth on these photos; the pose model's line stands in for it (on the renders below,
  its standing knee -> ankle line lies within about 1 degree of the true one). The rendered standing legs of each
  ``--cache`` are measured the same way, for comparison.
* **Rendered prone knee bends** (``--cache DIR`` of ``benchmarks/eval_movement.py``, any styles in it): at the frames
  where the true knee flexion is within 3 degrees of its peak, the error of the knee flexion read from each line
  against the hip -> knee landmarks' thigh, **+ = reads more bent**, shin term only (each line's direction against the
  true knee -> ankle direction); the median per clip, then the median and 10th-90th percentiles per style.

Run::

    .venv/bin/python benchmarks/eval_lower_leg_line.py --cache /path/to/eval_movement_cache [--cache ...]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from analysis.movement.outline_limbs import cross_section, limb_midline, lower_leg_direction  # noqa: E402
from analysis.movement.series import SIDE_IDX, clean_landmarks, leg_series, shank_length  # noqa: E402
from eval_movement import cached_with_truth  # noqa: E402

FRACTIONS = (0.5, 0.75, 1.0)
SPAN = np.linspace(0.35, 0.75, 6)  # the cross-sections' distances from the knee, in lower-leg lengths
DEFAULT_PHOTOS = ROOT.parent / "shared" / "data" / "side_standing"


def _deg(v: np.ndarray) -> float:
    return float(np.degrees(np.arctan2(v[1], v[0])))


def _wrap(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


def lines(poly: np.ndarray, knee: np.ndarray, along: np.ndarray, length: float, front: np.ndarray) -> dict:
    """The direction (deg, image) of each fraction's line of the lower leg leaving ``knee`` along ``along``."""
    out = {}
    for f in FRACTIONS:
        u = limb_midline(poly, knee, along, length, SPAN, front=front, front_fraction=f)
        out[f] = np.nan if u is None else _deg(u)
    return out


def standing_leg(poly: np.ndarray, px: np.ndarray, visibility: np.ndarray, side: str) -> dict[float, float] | None:
    """A standing leg seen whole (knee and ankle visibility 0.7 or more, width 0.15-0.42 of its length): each line's
    angle from its knee -> ankle line in ``px`` (deg, + = lower end towards the toes); None otherwise."""
    i = SIDE_IDX[side]
    if min(visibility[i["knee"]], visibility[i["ankle"]]) < 0.7:
        return None
    knee, axis = px[i["knee"]], px[i["ankle"]] - px[i["knee"]]
    length = float(np.linalg.norm(axis))
    toes = np.array([np.sign(px[i["toe"], 0] - px[i["heel"], 0]), 0.0])
    if not length > 0 or not toes[0] or not 0.15 <= _width(poly, knee, axis, length) <= 0.42:
        return None
    towards = np.sign(axis[0] * toes[1] - axis[1] * toes[0])  # the image angle's sense that turns to the toes
    turn = {f: towards * _wrap(a - _deg(axis)) for f, a in lines(poly, knee, axis, length, toes).items()}
    return turn if all(np.isfinite(v) for v in turn.values()) else None


def real_outlines(folder: Path):
    """Each photo in ``folder`` through the real model with segmentation: (outline, pixels (33, 2), visibility (33,))
    of the person, where one and their outline (:mod:`vision.contour`) were found."""
    from PIL import Image

    from vision.contour import person_outline
    from vision.estimator import PoseEstimator

    with PoseEstimator(static=True, segmentation=True, max_side=None) as est:
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
                continue
            r = est.process(np.asarray(Image.open(path).convert("RGB")))
            poly = person_outline(r.segmentation, r.mask_scale) if r.found else None
            if poly is not None and np.isfinite(poly).all():
                yield poly, r.landmarks[:, :2] * np.asarray(r.image_size, dtype=np.float64), r.visibility


def real_legs(folder: Path) -> list[dict[float, float]]:
    """Per real leg seen whole (:func:`standing_leg`), against the pose model's knee -> ankle line."""
    return [row for poly, px, vis in real_outlines(folder) for side in SIDE_IDX
            if (row := standing_leg(poly, px, vis, side)) is not None]


def standing_renders(cache: Path) -> dict[str, list[dict[float, float]]]:
    """Per style, the rendered standing legs in ``cache`` (the frames before a hip extension, every other one of the
    first eight), measured as the real ones are: against the pose model's knee -> ankle line."""
    out = defaultdict(list)
    for style, truth, z, P in cached_with_truth(cache, "*hipext*"):
        if truth["frames"][0].get("label") != "standing" or z["outline"] is None:
            continue
        for k in range(0, min(8, len(P)), 2):
            poly, px = z["outline"][k], z["pixels"][k].astype(np.float64)
            # the toes' side from the truth (the model's toe points can swap), the lines against the model's points
            px[[29, 30, 31, 32]] = P[k, [29, 30, 31, 32]]
            if np.isfinite(poly).all():
                found = (standing_leg(poly, px, z["visibility"][k], side) for side in SIDE_IDX)
                out[style] += [row for row in found if row is not None]
    return out


def _width(poly: np.ndarray, knee: np.ndarray, axis: np.ndarray, length: float) -> float:
    """The lower leg's median width across ``axis`` over :data:`SPAN`, in lower-leg lengths (NaN when not found)."""
    u = axis / np.linalg.norm(axis)
    n = np.array([-u[1], u[0]])
    runs = [cross_section(poly, knee + d * length * u, n, 0.45 * length) for d in SPAN]
    widths = [(b - a) / length for a, b in (r for r in runs if r is not None)]
    return float(np.median(widths)) if widths else float("nan")


def prone_bends(cache: Path) -> dict[str, list[dict[float, float]]]:
    """Per style, per rendered prone knee bend in ``cache``: each line's median knee-flexion error (deg, shin term)."""
    out = defaultdict(list)
    for style, truth, z, P in cached_with_truth(cache):
        first = truth["frames"][0]
        if first.get("label") != "lying" or first["placement"]["body_pitch"] > -45 or z["outline"] is None:
            continue  # not lying face down, or no outline
        flex = {s: leg_series(P, s, 0, hip="side")["knee_flexion"] for s in SIDE_IDX}
        bent = max(flex, key=lambda s: np.nanmax(flex[s]))
        if not np.nanmax(flex[bent]) >= 60:
            continue
        peak = np.flatnonzero(flex[bent] >= np.nanmax(flex[bent]) - 3.0)
        p = clean_landmarks(z["pixels"], z["visibility"], z["timestamps"]).p
        model = {s: leg_series(p, s, 0, hip="side")["knee_flexion"] for s in SIDE_IDX}
        side = max(model, key=lambda s: np.nanmedian(model[s][peak]) if np.isfinite(model[s][peak]).any() else -1)
        i, ti = SIDE_IDX[side], SIDE_IDX[bent]
        L = shank_length(p, side)
        errs = defaultdict(list)
        for k in peak:
            poly, hip, knee = z["outline"][k], p[k, i["hip"]], p[k, i["knee"]]
            if not (np.isfinite(poly).all() and np.isfinite(hip).all() and np.isfinite(knee).all()):
                continue
            u = lower_leg_direction(poly, hip, knee, L, model[side][k], upward=True)
            if u is None:
                continue
            true_shin = _deg(P[k, ti["ankle"]] - P[k, ti["knee"]])
            bend = np.sign(_wrap(true_shin - _deg(P[k, ti["knee"]] - P[k, ti["hip"]])))
            got = lines(poly, knee, u, L, knee - hip)
            if not abs(_wrap(got[0.5] - true_shin)) <= 25.0:
                continue  # another limb (the fan from the model's knee found the other leg), or none
            for f, a in got.items():
                errs[f].append(bend * _wrap(a - true_shin))
        if errs and all(np.isfinite(v).any() for v in errs.values()):
            out[style].append({f: float(np.nanmedian(v)) for f, v in errs.items()})
    return out


def _summary(rows: list[dict[float, float]]) -> str:
    def one(f: float) -> str:
        v = [r[f] for r in rows]
        return f"{f:.2f}: {np.nanmedian(v):+5.2f} [{np.nanpercentile(v, 10):+5.1f}, {np.nanpercentile(v, 90):+5.1f}]"
    return "  ".join(one(f) for f in FRACTIONS)


def photos_and_caches(description: str, argv=None) -> argparse.Namespace:
    """The command line of the outline-line benchmarks: ``--photos`` (side-view standing photos of real people,
    default ``../shared/data/side_standing``) and ``--cache`` (eval_movement.py caches, repeatable)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS, help="side-view standing photos of real people")
    ap.add_argument("--cache", type=Path, action="append", default=[],
                    help="an eval_movement.py --cache folder (rendered clips with their truth); repeatable")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = photos_and_caches(__doc__.split("\n")[0], argv)
    print("fraction of the way from the calf's edge to the shin's: median [10th, 90th percentile], degrees")
    if args.photos.is_dir():
        rows = real_legs(args.photos)
        print(f"real legs, standing, vs the pose model's knee -> ankle line (+ = lower end forward), {len(rows)} legs:")
        print("  " + _summary(rows) if rows else "  none seen whole")
    else:
        print(f"real legs: skipped, {args.photos} is absent (it sits beside the repository in CI)")
    for cache in args.cache:
        for style, rows in sorted(standing_renders(cache).items()):
            print(f"rendered legs standing, {style}, as the real ones, {len(rows)} legs:\n  " + _summary(rows))
        styles = prone_bends(cache)
        print(f"rendered prone knee bends in {cache}, knee flexion error from the lower leg's line "
              "(+ = reads more bent):")
        for style, rows in sorted(styles.items()):
            print(f"  {style:9s} {len(rows):3d} clips  " + _summary(rows))
        if not styles:
            print("  none with its truth there")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
