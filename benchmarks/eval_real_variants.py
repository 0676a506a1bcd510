"""The movement tests on altered copies of the real clips: does each verdict hold when the same clip is filmed a
little differently?

    .venv/bin/python benchmarks/eval_real_variants.py                      # every clip, every copy (about 35 min)
    .venv/bin/python benchmarks/eval_real_variants.py --variant mirrored --only demo3 --cache /tmp/cache

Each clip of ``benchmarks/real_manifest_movement.toml`` (in ``../shared/data``) is copied eleven ways, as the app
reads it (:func:`vision.sources.open_source`, upright): **mirrored** left to right (the person now faces the other
way and shows the other side: every expected leg or side is the other one), at **half the frame rate** (every second
frame, as a phone saving 15 frames/s for 30 does), at **half the size** (each side halved, as a messaging app shrinks
a clip), **dim** (40 % of the brightness, a room lit by one lamp), **turned** 4 degrees either way
(``turned``, ``turned_back``: a phone held a little crooked; the corners filled from the edges), **far** (half the
size in the middle of a frame of the same size: filmed from twice as far), **compressed** (H.264 at CRF 40, as a
poor connection sends it), **feet_cut** (the bottom 12 % of the picture cut off), **handheld** (a phone held in the
hand: :func:`vision.synthetic.camera.handheld_warp`, the picture drifting, turning and zooming a little) and
**stutter** (every fifth frame shown twice, as a 25 -> 30 frames/s conversion does). Each copy is written to a
temporary folder that is removed afterwards, tracked as ``benchmarks/eval_movement.py`` tracks the clips (with the
capture's person check), and run through the tests the manifest lists. A verdict is

* ``kept``: as the manifest expects (a refusal: refused, any blocking check, no number; a measurement: measured,
  the leg or side as expected, mirrored for the mirrored copy);
* ``refused instead``: a measurement expected, the copy refused with its reason (not a wrong number, but counted);
* ``WRONG``: a number given where a refusal is expected, a side or leg named wrong, or a number shown after a
  failed blocking check.

The script exits 1 on any ``WRONG``. Figures only otherwise: no floor is set on ``refused instead``.

Seen on 2026-12-06 (session 46), 10 clips, 60 (clip, test) pairs per copy. Two copies gave a number where a
refusal was due. Turned 4 degrees, the running clip ``sports2d__demo3.mp4`` was **measured as a sit-to-stand**
("time to stand 0.8 s"): the activity check could not read the start posture (the pose model drew the legs as the
picture shows them in 1 of 9 start frames) and let it pass, and a bounce of the hips in the picture counted as a
rise. Compressed, the same clip was **measured as a prone knee bend**: its legs unread in every start frame, the
activity check let it pass and the position check only asked face up or face down. Now a rise counts only from a
seat (``sts_seated_thigh_forward_min``), and where the legs tell nothing of the start posture the trunk still tells
lying from upright (:func:`analysis.movement.checks.start_trunk_check`). After, with the copies written by the
capture's own writer (:class:`vision.pipeline.VideoWriter`): WRONG 0 in every copy; kept 60 in eight copies, 59 in
``far`` (the running clip's walk refused "standing on one leg": the runner about 90 pixels tall). (Written by the
script's own encoder before, the ``compressed`` copy of ``tiffanytgr__good-video-8.mp4`` had its walk refused for a
second person of similar size at 0.0 s.) Session 47 added ``handheld`` and ``stutter``: 60 of 60 kept in each.
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

from analysis.movement.series import SIDES, other_side  # noqa: E402
from eval_movement import MANIFEST, SHARED, real_verdict  # noqa: E402

VARIANTS = ("mirrored", "half_rate", "half_size", "dim", "turned", "turned_back", "far", "compressed", "feet_cut",
            "handheld", "stutter")


def write_variant(src: Path, dst: Path, variant: str) -> None:
    """Write ``src`` (read upright, as the app reads it) altered by ``variant`` to ``dst`` (H.264 MP4, with the
    capture's own writer, :class:`vision.pipeline.VideoWriter`)."""
    import cv2

    from vision.pipeline import VideoWriter
    from vision.sources import open_source
    from vision.synthetic.camera import handheld_warp

    source = open_source(src)
    fps = float(source.info.fps or 30.0)
    step = 2 if variant == "half_rate" else 1
    # stutter: every fifth frame shown twice, as a 25 -> 30 frames/s conversion does
    writer = VideoWriter(dst, fps / step * (1.2 if variant == "stutter" else 1.0),
                         crf=40 if variant == "compressed" else 18)
    try:
        for i, frame in enumerate(source):
            if i % step:
                continue
            rgb = frame.rgb
            if variant == "mirrored":
                rgb = rgb[:, ::-1]
            elif variant == "half_size":
                rgb = cv2.resize(rgb, (rgb.shape[1] // 2, rgb.shape[0] // 2), interpolation=cv2.INTER_AREA)
            elif variant == "dim":
                rgb = (rgb * 0.4).astype(np.uint8)
            elif variant in ("turned", "turned_back"):
                h, w = rgb.shape[:2]
                turn = cv2.getRotationMatrix2D((w / 2, h / 2), 4.0 if variant == "turned" else -4.0, 1.0)
                rgb = cv2.warpAffine(rgb, turn, (w, h), borderMode=cv2.BORDER_REPLICATE)
            elif variant == "far":  # half the size in the middle of a frame of the same size
                h, w = rgb.shape[:2]
                small = cv2.resize(rgb, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
                rgb = cv2.copyMakeBorder(small, h // 4, h - h // 2 - h // 4, w // 4, w - w // 2 - w // 4,
                                         cv2.BORDER_REPLICATE)
            elif variant == "feet_cut":
                rgb = rgb[: int(rgb.shape[0] * 0.88)]
            elif variant == "handheld":
                h, w = rgb.shape[:2]
                rgb = cv2.warpAffine(rgb, handheld_warp(i / fps, w, h), (w, h), borderMode=cv2.BORDER_REPLICATE)
            writer.write(rgb)
            if variant == "stutter" and i % 5 == 4:
                writer.write(rgb)
    finally:
        writer.close()
        source.close()


def expected_for(exp: dict, variant: str) -> dict:
    """The manifest's expectation for a copy: the mirrored copy's leg and side are the other ones."""
    if variant != "mirrored":
        return exp
    return {k: (other_side(v) if k in ("side", "near_side") and v in SIDES else v) for k, v in exp.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant", choices=VARIANTS, action="append", help="only this copy (repeatable)")
    ap.add_argument("--only", action="append", help="only clips whose file name contains this (repeatable)")
    ap.add_argument("--cache", type=Path, help="keep the copies' tracked landmarks here between runs")
    a = ap.parse_args(argv)
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is absent (the real clips are read in place there)")
        return 0
    clips = [c for c in tomllib.loads(MANIFEST.read_text())["clip"]
             if not a.only or any(s in c["file"] for s in a.only)]
    tally = {v: {"kept": 0, "refused instead": 0, "WRONG": 0} for v in a.variant or VARIANTS}
    with tempfile.TemporaryDirectory(prefix="posture-variants-") as tmp:
        for variant in a.variant or VARIANTS:
            print(f"\n== {variant}")
            for clip in clips:
                path = SHARED / clip["file"]
                copy = Path(tmp) / f"{path.stem}_{variant}.mp4"

                def make(path=path, copy=copy, variant=variant):
                    write_variant(path, copy, variant)
                    return copy

                rows = real_verdict(f"real_{variant}__{path.name}", make, a.cache,
                                    [expected_for(e, variant) for e in clip["test"]], path.name)
                for r in rows:
                    if r["pass"]:
                        verdict = "kept"
                    elif r["expect"] == "measured" and not r["ok"] and r["no_number_after_refusal"]:
                        verdict = "refused instead"
                    elif r["expect"] == "refused" and not r["ok"] and r["no_number_after_refusal"]:
                        verdict = "kept"  # refused, by another check or read first another way: still no number
                    else:
                        verdict = "WRONG"
                    tally[variant][verdict] += 1
                    what = (f"measured, side {r['side']}, near side {r['near_side']}" if r["ok"]
                            else f"refused by {r['failed']}: {'; '.join(r['reasons'])[:160]}")
                    print(f"  [{verdict}] {r['clip']} as {r['test']}: expected {r['expect']}"
                          + (f" ({r.get('want')})" if r.get("want") else "") + f"; {what}"
                          + ("" if r["no_number_after_refusal"] else "; A NUMBER WAS SHOWN AFTER THE REFUSAL"),
                          flush=True)
    print("\n== Verdicts per copy")
    for v, t in tally.items():
        print(f"  {v:10s} kept {t['kept']}, refused instead {t['refused instead']}, WRONG {t['WRONG']}")
    return 1 if any(t["WRONG"] for t in tally.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
