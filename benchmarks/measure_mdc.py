"""Measure the default test-retest noise (SEM, MDC95) per metric and write ``analysis/data/mdc_defaults.toml``.

Used where a client has no repeats of their own (see :mod:`analysis.comparison`). Two sources:

1. **Rendered repeats with seeded variation** (``vision/synthetic``): for each of a few rendered people,
   five captures of the same protocol, each with its own seed (postural sway phases, breathing, sensor
   noise), a re-placed camera (distance +-0.15 m, height +-0.05 m, azimuth +-3 deg, uniform) and a
   re-standing of the person (true pelvic tilt, lordosis, trunk lean and head position varied with SD
   0.8 deg, 1.5 deg, 0.5 deg and 0.5 cm). Each capture is tracked (MediaPipe, with segmentation) and
   assessed like any clip; the within-person SD pooled over people is the SEM.
2. **Real clips** (``../shared/data/video/pose2sim__StaticTrial_cam0*.mp4``, when present): a person
   standing still filmed by four cameras; every frame is assessed as a photo and the frame-to-frame SD
   within each camera is pooled. This is the model's jitter on real pixels, without re-positioning.

The default per metric is the larger of the two SEMs (conservative), MDC95 = 1.96 x sqrt(2) x SEM.

    .venv/bin/python benchmarks/measure_mdc.py              # renders into .cache/mdc (reused next time)
    .venv/bin/python benchmarks/measure_mdc.py --quick      # 2 people x 2 repeats, shorter clips
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.assessment import assess_standing  # noqa: E402
from analysis.comparison import MDC_FILE, mdc95, metric_table, sem_from_repeats  # noqa: E402
from analysis.movement import run_movement_test  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "video"

STANDING_PEOPLE = [  # (body, appearance, background, posture kwargs)
    ("female", "red_top", "bright", dict(pelvic_tilt=16.0, lumbar_lordosis=58.0, thoracic_kyphosis=42.0, head_forward=3.0)),
    ("average", "blue_shirt", "living_room", dict(pelvic_tilt=10.0, lumbar_lordosis=50.0, thoracic_kyphosis=40.0, head_forward=2.0)),
    ("tall_slim", "striped", "studio_plain", dict(pelvic_tilt=5.0, lumbar_lordosis=42.0, thoracic_kyphosis=45.0, head_forward=5.0)),
]
HIP_PEOPLE = [("athletic", "gym", "green_wall", 20.0, 0.5), ("average", "blue_shirt", "living_room", 14.0, 0.3)]


def _jitter(rng: np.random.Generator) -> dict:
    return dict(distance=3.0 + rng.uniform(-0.15, 0.15), height=1.0 + rng.uniform(-0.05, 0.05),
                azimuth=-90.0 + rng.uniform(-3, 3))


def render_standing(cache: Path, person: int, rep: int, duration: float) -> Path:
    from vision.synthetic.body import APPEARANCES, BODIES
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.media_io import write_clip
    from vision.synthetic.movements import standing
    from vision.synthetic.posture import Posture
    from vision.synthetic.scene import BACKGROUNDS

    path = cache / f"standing_p{person}_r{rep}.mp4"
    if path.exists():
        return path
    body, app, bg, post = STANDING_PEOPLE[person]
    rng = np.random.default_rng(1000 * person + rep)
    p = dict(post)
    p["pelvic_tilt"] += rng.normal(0, 0.8)
    p["lumbar_lordosis"] += rng.normal(0, 1.5)
    p["head_forward"] += rng.normal(0, 0.5)
    p["trunk_lean"] = rng.normal(0, 0.5)
    cam = Camera(target=(0.0, 0.9, 0.0), width=640, height_px=480, **_jitter(rng))
    clip = standing(path.stem, duration=duration, fps=15.0, posture=Posture(**p), body=BODIES[body],
                    appearance=APPEARANCES[app], camera=cam, background=BACKGROUNDS[bg],
                    imaging=Imaging(blur=0.6, noise=2.0), seed=int(rng.integers(1 << 30)))
    write_clip(path, clip)
    return path


def render_hip(cache: Path, person: int, rep: int) -> Path:
    from vision.synthetic.body import APPEARANCES, BODIES
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.media_io import write_clip
    from vision.synthetic.movements import hip_extension
    from vision.synthetic.scene import BACKGROUNDS

    path = cache / f"hip_p{person}_r{rep}.mp4"
    if path.exists():
        return path
    body, app, bg, ext, comp = HIP_PEOPLE[person]
    rng = np.random.default_rng(2000 * person + rep)
    cam = Camera(target=(0.0, 0.9, 0.0), width=640, height_px=480, vfov=50.0, **_jitter(rng))
    clip = hip_extension(path.stem, reps=1, rep_s=2.0, extension_deg=ext + rng.normal(0, 1.0), compensation=comp,
                         body=BODIES[body], appearance=APPEARANCES[app], camera=cam, background=BACKGROUNDS[bg],
                         imaging=Imaging(blur=0.5, noise=1.5), seed=int(rng.integers(1 << 30)))
    write_clip(path, clip)
    return path


def track_file(path: Path, segmentation: bool = True):
    from vision.pipeline import track
    from vision.sources import open_source

    src = open_source(path)
    try:
        return track(src, segmentation=segmentation, probe_people=False).sequence
    finally:
        src.close()


def standing_result(seq) -> dict:
    return assess_standing(seq.pixels, seq.visibility, seq.world, seq.image_size, seq.timestamps, seq.outline)


def pooled(results_by_person: list[list[dict]]) -> dict[str, dict]:
    """Side-less metric key -> {sem, dof, unit, name} pooled within people."""
    per_key: dict[str, dict] = {}
    for g, results in enumerate(results_by_person):
        for r in results:
            for k, row in metric_table(r).items():
                base = k.split(":")[0]
                if row["value"] is None:
                    continue
                e = per_key.setdefault(base, {"groups": {}, "unit": row["unit"], "name": row["name"]})
                e["groups"].setdefault(g, []).append(float(row["value"]))
    out = {}
    for k, e in per_key.items():
        sem, dof = sem_from_repeats(list(e["groups"].values()))
        if sem is not None:
            out[k] = {"sem": sem, "dof": dof, "unit": e["unit"], "name": e["name"]}
    return out


def real_static() -> dict[str, dict]:
    clips = sorted(REAL.glob("pose2sim__StaticTrial_cam0*.mp4"))
    groups = []
    for c in clips:
        seq = track_file(c)
        per_frame = []
        for i in range(len(seq)):
            sl = slice(i, i + 1)
            o = None if seq.outline is None else seq.outline[sl]
            r = assess_standing(seq.pixels[sl], seq.visibility[sl], seq.world[sl], seq.image_size[sl], None, o)
            if r["ok"]:
                per_frame.append(r)
        print(f"  {c.name}: {len(per_frame)}/{len(seq)} frames assessed, view "
              f"{per_frame[0]['view']['label'] if per_frame else '-'}", flush=True)
        groups.append(per_frame)
    return pooled(groups) if groups else {}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=ROOT / ".cache" / "mdc", help="rendered clips (reused)")
    ap.add_argument("--out", type=Path, default=MDC_FILE)
    ap.add_argument("--quick", action="store_true", help="2 people x 2 repeats, 1.5 s clips (a smoke run)")
    ap.add_argument("--no-real", action="store_true", help="skip the real clips")
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    n_people, n_rep, dur = (2, 2, 1.5) if args.quick else (len(STANDING_PEOPLE), 5, 2.0)
    t0 = time.time()
    stand = []
    for p in range(n_people):
        rs = []
        for r in range(n_rep):
            seq = track_file(render_standing(args.cache, p, r, dur))
            rs.append(standing_result(seq))
            print(f"standing person {p} repeat {r}: {time.time() - t0:.0f} s", flush=True)
        stand.append(rs)
    hips = []
    for p in range(min(n_people, len(HIP_PEOPLE))):
        rs = []
        for r in range(n_rep):
            seq = track_file(render_hip(args.cache, p, r))
            rs.append(run_movement_test("hip_extension", seq.timestamps, seq.pixels, seq.visibility,
                                        outline=seq.outline, world=seq.world, landmarks=seq.landmarks,
                                        image_size=seq.image_size))
            print(f"hip extension person {p} repeat {r}: {time.time() - t0:.0f} s", flush=True)
        hips.append(rs)
    rendered = {"standing": pooled(stand), "hip_extension": pooled(hips)}
    real = {} if args.no_real or not REAL.is_dir() else real_static()
    real_only = {k: v for k, v in real.items() if k not in rendered["standing"]}  # e.g. front-view metrics
    lines = ["# Default test-retest noise per protocol and metric, used where a client has no repeats of their own.",
             "# Written by benchmarks/measure_mdc.py (do not edit by hand; rerun it). Units are the metric's own.",
             "# sem = pooled within-person SD; mdc = 1.96 * sqrt(2) * sem (95%); default = the larger of the",
             "# rendered-repeat SEM and the real-clip frame-jitter SEM (where measured).", "",
             "[meta]", f'generated = "{datetime.date.today().isoformat()}"',
             f'rendered = "{n_people} rendered people x {n_rep} captures each (seeded sway and sensor noise, camera '
             f're-placed +-0.15 m / +-3 deg, person re-standing: tilt SD 0.8 deg, lordosis SD 1.5 deg), side view, '
             f'{dur:g} s standing clips and 1-repetition hip extensions, tracked with segmentation"',
             f'real = "{"not used" if not real else "pose2sim StaticTrial cam01-04: frame-to-frame SD within each camera, every frame assessed as a photo"}"',
             'formula = "MDC95 = 1.96 x sqrt(2) x SEM"', ""]
    for proto, table in rendered.items():
        for k in sorted(table):
            e = table[k]
            sem_r = e["sem"]
            sem_real = real.get(k, {}).get("sem") if proto == "standing" else None
            sem = max(sem_r, sem_real or 0.0)
            lines += [f"[{proto}.{k}]", f'name = {json.dumps(e["name"])}', f'unit = {json.dumps(e["unit"])}',
                      f"sem = {sem:.4f}", f"mdc = {mdc95(sem):.4f}", f"sem_rendered = {sem_r:.4f}",
                      f"dof_rendered = {e['dof']}"]
            if sem_real is not None:
                lines += [f"sem_real_frames = {sem_real:.4f}", f"dof_real_frames = {real[k]['dof']}"]
            lines.append(f'source = "{"rendered repeats" if sem == sem_r else "real-clip frame jitter"}"')
            lines.append("")
    for k in sorted(real_only):
        e = real_only[k]
        lines += [f"[standing.{k}]", f'name = {json.dumps(e["name"])}', f'unit = {json.dumps(e["unit"])}',
                  f"sem = {e['sem']:.4f}", f"mdc = {mdc95(e['sem']):.4f}", f"sem_real_frames = {e['sem']:.4f}",
                  f"dof_real_frames = {e['dof']}",
                  'source = "real-clip frame jitter only (no rendered repeats of this view): a lower bound"', ""]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out} in {time.time() - t0:.0f} s")
    for proto, table in rendered.items():
        for k in sorted(table):
            print(f"  {proto:14s} {k:32s} SEM {table[k]['sem']:.3f} {table[k]['unit']}"
                  + (f"  real {real[k]['sem']:.3f}" if proto == "standing" and k in real else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
