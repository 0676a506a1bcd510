"""Which line of a standing thigh's outline lower down runs along its hip -> knee axis: the midline, or a line nearer
its back edge (``thigh_lower_line_fraction`` in norms.toml: the thigh at rest of the hip extension and the lunge
where a hand hangs at the thigh's front, and the sit-to-stand's standing thigh).

Each reading is printed for the upper midline (0.5-0.75 thigh lengths below the hip, 0.5 of the way across), and the
lower line (0.6-0.95, the wide cross-sections left out: :func:`analysis.movement.outline_limbs.thigh_midline_angle`
with ``below_hand``) at the fractions 0.5 (its midline), 0.4 and 0.3 of the way from each cross-section's back edge to
its front edge. Degrees, **+ = the line's lower end lies further back** (the sign of ``thigh_behind_vertical``).

* **Real thighs** (``../shared/data/side_standing``, read in place; skipped with a reason when absent): side-view
  standing photos, the real model with segmentation, the outline of :mod:`vision.contour`; for each thigh seen
  (hip and knee visibility 0.7 or more), each line's angle from the pose model's hip midpoint -> knee line. There
  is no joint truth on these photos: what carries over is each line's turn from the upper midline.
* **Rendered thighs** (``--cache DIR`` of ``benchmarks/eval_movement.py``, any styles in it): the first eight frames
  of each standing hip extension (the person standing still), the rear-most thigh (hip midpoint -> knee), each line
  against the true thigh, and against the pose model's line as the real ones are; the median per clip, then the
  median and 10th-90th percentiles per style. ``hand at the front`` counts the clips whose upper midline lay further
  than ``movement_midline_guide_max`` from the pose model's thigh (a hand widened it) in most frames: there the
  method reads the lower line.

Run::

    .venv/bin/python benchmarks/eval_thigh_line.py --cache /path/to/eval_movement_cache [--cache ...]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from analysis.movement.outline_limbs import LOWER_DISTANCES, MIDLINE_GUIDE_MAX, WIDEST, limb_midline  # noqa: E402
from analysis.movement.series import SIDE_IDX, leg_series, midpoint, thigh_length  # noqa: E402
from eval_lower_leg_line import photos_and_caches, real_outlines  # noqa: E402
from eval_movement import cached_with_truth  # noqa: E402

LINES = ("upper 0.5", "lower 0.5", "lower 0.4", "lower 0.3")


def thigh_lines(poly: np.ndarray, hip: np.ndarray, start_deg: float, length: float, facing: int) -> dict[str, float]:
    """Each of :data:`LINES` for the thigh leaving ``hip`` about ``start_deg`` behind the vertical (deg behind the
    vertical; NaN where not found)."""
    r = np.radians(start_deg)
    along = np.array([-facing * np.sin(r), np.cos(r)])
    front = np.array([float(facing), 0.0])
    out = {}
    for name in LINES:
        where, f = name.split()
        kw = {} if where == "upper" else dict(distances=LOWER_DISTANCES, widest=WIDEST, front=front,
                                              front_fraction=float(f))
        u = limb_midline(poly, hip, along, length, **kw)
        out[name] = np.nan if u is None else float(np.degrees(np.arctan2(-facing * u[0], u[1])))
    return out


def real_thighs(folder: Path) -> list[dict[str, float]]:
    """Per real thigh seen (hip and knee visibility 0.7 or more), each line against the pose model's hip midpoint ->
    knee line (deg, + = further back)."""
    rows = []
    for poly, px, vis in real_outlines(folder):
        hip = (px[23] + px[24]) / 2
        for side, i in SIDE_IDX.items():
            facing = int(np.sign(px[i["toe"], 0] - px[i["heel"], 0]))
            if min(vis[i["knee"]], vis[23], vis[24]) < 0.7 or not facing:
                continue
            v = px[i["knee"]] - hip
            model = float(np.degrees(np.arctan2(-facing * v[0], v[1])))
            got = thigh_lines(poly, hip, model, float(np.linalg.norm(v)), facing)
            if all(np.isfinite(a) and abs(a - model) <= MIDLINE_GUIDE_MAX for a in got.values()):
                rows.append({k: a - model for k, a in got.items()})
    return rows


def rendered_thighs(cache: Path) -> dict[str, list[dict]]:
    """Per style, per standing hip extension in ``cache``: each line's median against the true thigh (``true``) and
    against the pose model's (``model``) over the first eight frames, and whether its upper midline was off the
    model's thigh in most of them (``hand``)."""
    out = defaultdict(list)
    for style, truth, z, P in cached_with_truth(cache, "*hipext*"):
        if truth["frames"][0].get("label") != "standing" or z["outline"] is None:
            continue
        facing = 1 if truth["frames"][0]["facing"] == "image_right" else -1
        model_px = z["pixels"].astype(np.float64)
        true_thigh = np.fmax(*(leg_series(P, s, facing)["thigh_behind_vertical"] for s in SIDE_IDX))
        with np.errstate(invalid="ignore"):
            model_thigh = np.fmax(*(leg_series(model_px, s, facing)["thigh_behind_vertical"] for s in SIDE_IDX))
        hip = midpoint(model_px, "hip")
        length = thigh_length(model_px)
        if not length > 0:
            continue
        got = defaultdict(lambda: {"true": [], "model": []})
        off = []
        for k in range(min(8, len(P))):
            poly = z["outline"][k]
            if not (np.isfinite(poly).all() and np.isfinite(hip[k]).all() and np.isfinite(model_thigh[k])):
                continue
            lines = thigh_lines(poly, hip[k], model_thigh[k], length, facing)
            off.append(not abs(lines["upper 0.5"] - model_thigh[k]) <= MIDLINE_GUIDE_MAX)
            for name, a in lines.items():
                if np.isfinite(a) and abs(a - model_thigh[k]) <= MIDLINE_GUIDE_MAX:
                    got[name]["true"].append(a - true_thigh[k])
                    got[name]["model"].append(a - model_thigh[k])
        if off:
            out[style].append({"hand": bool(np.mean(off) > 0.5),
                               **{name: {ref: float(np.median(v)) if v else np.nan for ref, v in g.items()}
                                  for name, g in got.items()}})
    return out


def _summary(values) -> str:
    v = np.asarray([x for x in values if np.isfinite(x)])
    if not v.size:
        return "     -"
    return f"{np.median(v):+5.2f} [{np.percentile(v, 10):+5.1f}, {np.percentile(v, 90):+5.1f}]"


def main(argv=None) -> int:
    args = photos_and_caches(__doc__.split("\n")[0], argv)
    print("line: median [10th, 90th percentile], degrees, + = the line's lower end further back")
    if args.photos.is_dir():
        rows = real_thighs(args.photos)
        print(f"real thighs standing, vs the pose model's hip -> knee line, {len(rows)} thighs:")
        for name in LINES:
            print(f"  {name}: {_summary([r[name] for r in rows])}   turn from the upper midline: "
                  f"{_summary([r[name] - r['upper 0.5'] for r in rows])}")
    else:
        print(f"real thighs: skipped, {args.photos} is absent (it sits beside the repository in CI)")
    for cache in args.cache:
        for style, clips in sorted(rendered_thighs(cache).items()):
            hand = [c for c in clips if c["hand"]]
            print(f"rendered thighs standing, {style}: {len(clips)} clips ({len(hand)} with a hand at the front)")
            for name in LINES:
                both = [c for c in clips if name in c and "upper 0.5" in c]
                print(f"  {name}: vs truth {_summary([c[name]['true'] for c in clips if name in c])}  hand at the "
                      f"front {_summary([c[name]['true'] for c in hand if name in c])}  vs the model's line "
                      f"{_summary([c[name]['model'] for c in clips if name in c])}   turn from the upper midline "
                      f"{_summary([c[name]['model'] - c['upper 0.5']['model'] for c in both])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
