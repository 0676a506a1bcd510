"""Can the pose model's points tell Ely's sign (the hip rising as the knee bends, lying face down)? The evidence for
``analysis.movement.ely.HIP_RISE_UNREAD``, from rendered prone knee bends whose script lifts the hip a known amount.

For every clip cached by ``benchmarks/eval_movement.py --cache DIR`` whose truth says "Prone knee bend ... hip lifts
X deg", the rule the prone knee bend used until session 37 is applied to the bend (from the frame before the true
knee flexion first rises 10 degrees above its rest to the frame of its peak), once on the pose model's points and
once on the renderer's true points: the shoulder-hip-knee angle of the bending side closed by more than
``ely_hip_rise_max`` (3 deg) from its rest, with the hip point rising above the shoulder-knee line
(:func:`analysis.movement.ely.hip_lift`). Printed per scripted lift: how many bends each reading calls a rise, and the
median and range of the angle's closing read from each.

Run::

    .venv/bin/python benchmarks/eval_ely_sign.py --cache DIR [--cache DIR ...]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from analysis.movement.ely import hip_lift  # noqa: E402
from analysis.movement.series import SIDE_IDX, clean_landmarks, leg_series, median_at  # noqa: E402
from analysis.norms import norm  # noqa: E402
from eval_movement import cached_with_truth  # noqa: E402

LIFT = re.compile(r"Prone knee bend .*hip lifts ([0-9.]+) deg")


def old_rule(p: np.ndarray, side: str, rest: np.ndarray, bend: np.ndarray) -> tuple[float, bool]:
    """The hip angle's largest closing (deg) over the frames ``bend`` from its median over ``rest``, and whether the
    rule of sessions 1-36 called it a rise (closing over ``ely_hip_rise_max`` with the hip point rising)."""
    hip_angle = leg_series(p, side, 0, hip="side")["hip_angle"]
    lift = hip_lift(p, side)
    closing = median_at(hip_angle, rest) - hip_angle[bend]
    rise = lift[bend] - median_at(lift, rest)
    if not np.isfinite(closing).any():
        return float("nan"), False
    most = float(np.nanmax(closing))
    return most, bool(most > norm("ely_hip_rise_max").high and np.isfinite(rise).any() and np.nanmax(rise) > 0)


def bends(cache: Path):
    """(style, scripted lift, reading on the model's points, on the true points) per cached scripted bend."""
    for style, truth, z, P in cached_with_truth(cache):
        found = LIFT.search(truth["meta"].get("description", ""))
        if not found:
            continue
        flex = {s: leg_series(P, s, 0, hip="side")["knee_flexion"] for s in SIDE_IDX}
        side = max(flex, key=lambda s: np.nanmax(flex[s]))
        knee = flex[side]
        peak = int(np.nanargmax(knee))
        up = np.flatnonzero(knee[:peak + 1] < np.nanmin(knee[:peak + 1]) + 10.0)
        start = int(up[-1]) if up.size else 0
        rest, bend = np.arange(max(0, start - 2), start + 1), np.arange(start, peak + 1)
        p = clean_landmarks(z["pixels"], z["visibility"], z["timestamps"]).p
        # the model's name for the bending leg may differ: its side is the one whose knee bends more
        model = {s: leg_series(p, s, 0, hip="side")["knee_flexion"][bend] for s in SIDE_IDX}
        mside = max(model, key=lambda s: float(np.nanmax(model[s])) if np.isfinite(model[s]).any() else -1.0)
        yield style, float(found.group(1)), old_rule(p, mside, rest, bend), old_rule(P, side, rest, bend)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, action="append", default=[], required=True,
                    help="an eval_movement.py --cache folder (rendered clips with their truth); repeatable")
    args = ap.parse_args(argv)
    rows = [r for cache in args.cache for r in bends(cache)]
    if not rows:
        print("no scripted prone knee bend with its truth in " + ", ".join(map(str, args.cache)))
        return 0
    by_lift = defaultdict(list)
    for style, lift, seen, true in rows:
        by_lift[lift].append((seen, true))
    styles = sorted({r[0] for r in rows})
    print(f"{len(rows)} prone knee bends of {len(styles)} style(s) ({', '.join(styles)}); the rule: hip angle closing "
          f"over {norm('ely_hip_rise_max').high:g} deg with the hip point rising")
    print("scripted lift (deg) | bends | called a rise: model's points, true points | closing read from the model's "
          "points: median [min, max] | from the true points: median")
    for lift in sorted(by_lift):
        got = by_lift[lift]
        seen = np.array([s[0] for s, _ in got])
        print(f"  {lift:4g} | {len(got):4d} | {sum(s[1] for s, _ in got):4d} {sum(t[1] for _, t in got):4d} | "
              f"{np.nanmedian(seen):+5.1f} [{np.nanmin(seen):+5.1f}, {np.nanmax(seen):+5.1f}] | "
              f"{np.nanmedian([t[0] for _, t in got]):+5.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
