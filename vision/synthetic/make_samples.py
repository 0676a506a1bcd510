"""Regenerate the project's sample media and their ground truth: ``python -m vision.synthetic.make_samples``.

Everything is rendered from fixed parameters and seeds, so running it again gives the same truth
JSON (and, with the same PyAV/FFmpeg build, the same bytes). Options: ``--out DIR`` (default
``sample_media/`` beside the packages), ``--only name1,name2`` and ``--list``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .scene import BACKGROUNDS as BG
from .body import APPEARANCES, BODIES
from .camera import Camera, Imaging
from .frames import FrameSpec, Shot
from .media_io import write_clip, write_image
from .movements import hip_extension, kneeling_lunge, prone_knee_bend, sit_to_stand, standing, thomas_test, trainer_screen
from .posture import Placement, Posture
from . import stretch_pictures

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "sample_media"

_STAND = Posture(pelvic_tilt=12.0, lumbar_lordosis=52.0, thoracic_kyphosis=40.0, head_forward=2.0)
_SIDE = dict(azimuth=-90.0, distance=3.0, height=1.0, target=(0.0, 0.9, 0.0), width=640, height_px=480)
_PORTRAIT = dict(distance=2.9, height=1.1, target=(0.0, 0.92, 0.0), width=480, height_px=640, vfov=45.0)


def _photo(name: str, azimuth: float, posture: Posture, description: str, jpeg: bool, **cam):
    def make(out: Path) -> list[Path]:
        spec = FrameSpec(posture, BODIES["average"], APPEARANCES["blue_shirt"], Placement())
        shot = Shot(Camera(azimuth=azimuth, **{**_PORTRAIT, **cam}), BG["living_room"],
                    Imaging(blur=0.6, noise=2.0))
        path = out / (name + (".jpg" if jpeg else ".png"))
        write_image(path, spec, shot, seed=11, description=description)
        return [path, path.with_suffix(".json")]

    return make


def _clip(factory, filename: str):
    def make(out: Path) -> list[Path]:
        clip = factory()
        path = out / filename
        write_clip(path, clip)
        return [path, path.with_suffix(".json")]

    return make


SAMPLES = {
    "standing_side": _clip(lambda: standing(
        "standing_side", duration=4.0, fps=15.0, posture=_STAND, camera=Camera(**_SIDE),
        background=BG["living_room"], imaging=Imaging(blur=0.5, noise=1.5), seed=1,
        description="Default sample: quiet standing, right side view, pelvic tilt +12 deg."), "standing_side.mp4"),
    "standing_front_photo": _photo("standing_front", 0.0, _STAND.replace(pelvic_obliquity=3.0, shoulder_tilt=-2.0),
                                   "Standing, front view, left hip 3 deg higher, left shoulder 2 deg lower.", True),
    "standing_side_photo": _photo("standing_side_photo", -90.0, _STAND, "Standing, right side view, pelvic tilt +12.",
                                  False),
    "standing_back_photo": _photo("standing_back", 180.0, _STAND.replace(pelvic_obliquity=-2.5),
                                  "Standing, back view, right hip 2.5 deg higher.", True),
    "before_tilt16": _clip(lambda: standing(
        "before_tilt16", duration=3.0, fps=15.0,
        posture=Posture(pelvic_tilt=16.0, lumbar_lordosis=58.0, thoracic_kyphosis=42.0, head_forward=3.0),
        body=BODIES["female"], appearance=APPEARANCES["red_top"], camera=Camera(**_SIDE), background=BG["bright"],
        imaging=Imaging(blur=0.6, noise=2.0), seed=2,
        description="Before treatment: quiet standing, pelvic tilt +16 deg, lordosis 58."), "before_tilt16.mp4"),
    "after_tilt9": _clip(lambda: standing(
        "after_tilt9", duration=3.0, fps=15.0,
        posture=Posture(pelvic_tilt=9.0, lumbar_lordosis=48.0, thoracic_kyphosis=40.0, head_forward=2.0),
        body=BODIES["female"], appearance=APPEARANCES["red_top"], camera=Camera(**_SIDE), background=BG["bright"],
        imaging=Imaging(blur=0.6, noise=2.0), seed=3,
        description="After treatment: the same person, pelvic tilt +9 deg, lordosis 48."), "after_tilt9.mp4"),
    "sit_to_stand": _clip(lambda: sit_to_stand(imaging=Imaging(blur=0.5, noise=1.5), background=BG["living_room"],
                                               seed=4), "sit_to_stand.mp4"),
    "hip_extension": _clip(lambda: hip_extension(reps=2, rep_s=2.0, extension_deg=20.0, compensation=0.5,
                                                 body=BODIES["athletic"], appearance=APPEARANCES["gym"],
                                                 background=BG["green_wall"], imaging=Imaging(blur=0.5, noise=1.5),
                                                 seed=5), "hip_extension.mp4"),
    # filmed as its set-up asks: the back (tested, left) leg nearest the camera
    "kneeling_lunge": _clip(lambda: kneeling_lunge(appearance=APPEARANCES["striped"], background=BG["studio_plain"],
                                                   imaging=Imaging(blur=0.5, noise=1.5), seed=6,
                                                   camera=Camera(**dict(_SIDE, azimuth=90.0, target=(0.1, 0.6, 0.0)))),
                            "kneeling_lunge.mp4"),
    "thomas_test": _clip(lambda: thomas_test(hanging="left", thigh_deg=8.0, knee_deg=65.0,
                                             imaging=Imaging(blur=0.5, noise=1.5), seed=7,
                                             camera=Camera(azimuth=90.0, distance=3.0, height=1.1,
                                                           target=(-0.35, 0.8, 0.0))), "thomas_test.mp4"),
    "prone_knee_bend": _clip(lambda: prone_knee_bend(side="left", max_knee=115.0, hip_lift=8.0,
                                                     appearance=APPEARANCES["dark_skin"],
                                                     imaging=Imaging(blur=0.5, noise=1.5), seed=8,
                                                     camera=Camera(azimuth=90.0, distance=3.0, height=1.2,
                                                                   target=(0.1, 0.85, 0.0))), "prone_knee_bend.mp4"),
    "trainer_screen": _clip(lambda: trainer_screen(imaging=Imaging(blur=0.5, noise=1.5), seed=9), "trainer_screen.mp4"),
    "stretches": stretch_pictures.make_sample,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m vision.synthetic.make_samples", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: sample_media/)")
    ap.add_argument("--only", default="", help="comma-separated sample names (default: all)")
    ap.add_argument("--list", action="store_true", help="list the sample names and exit")
    args = ap.parse_args(argv)
    if args.list:
        print("\n".join(SAMPLES))
        return 0
    names = [n for n in args.only.split(",") if n] or list(SAMPLES)
    unknown = [n for n in names if n not in SAMPLES]
    if unknown:
        ap.error(f"unknown sample(s) {', '.join(unknown)}; choose from {', '.join(SAMPLES)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for n in names:
        t = time.time()
        files = SAMPLES[n](args.out)
        print(f"{n}: {', '.join(f.name for f in files)} ({time.time() - t:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
