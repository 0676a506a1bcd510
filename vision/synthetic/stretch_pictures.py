"""One picture per stretch of the library (``analysis/data/stretches.toml``), drawn with the synthetic figure.

Each stretch has a posture (angles in the conventions of :class:`~.posture.Posture`), a placement
(standing, kneeling, lying on the floor or a table, sitting on a chair) and a camera. The pictures are
the project's own media: small JPEGs (480x360) written to ``sample_media/stretches/`` with an
``index.json`` that records what each shows. Regenerate with
``python -m vision.synthetic.stretch_pictures`` (``--out DIR``); the sample maker can call
:func:`make_sample` (the same signature as its ``SAMPLES`` entries) under the name ``"stretches"``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from .body import APPEARANCES, BODIES
from .camera import Camera, Imaging
from .frames import FrameSpec, Renderer, Shot
from .kinematics import pose_skeleton
from .movements import kneeling_lunge, thomas_test
from .posture import Placement, Posture
from .props import Chair
from .scene import BACKGROUNDS

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "sample_media" / "stretches"
SIZE = (480, 360)
JPEG_QUALITY = 85
_IMAGING = Imaging(blur=0.4, noise=1.0)
_BODY = BODIES["average"]
_LOOK = APPEARANCES["blue_shirt"]


def _cam(**kw) -> Camera:
    base = dict(azimuth=-90.0, distance=3.0, height=1.0, target=(0.0, 0.8, 0.0), width=SIZE[0], height_px=SIZE[1],
                vfov=48.0)
    base.update(kw)
    return Camera(**base)


def _half_kneeling() -> tuple[FrameSpec, Shot]:
    clip = kneeling_lunge()
    spec = max(clip.frames, key=lambda f: -f.posture.hip_flexion_l)  # end of the forward glide
    spec = FrameSpec(spec.posture.replace(pelvic_tilt=4.0, lumbar_lordosis=42.0), _BODY, APPEARANCES["striped"],
                     spec.placement, (), "stretch")
    return spec, Shot(_cam(target=(0.1, 0.6, 0.0), distance=2.7), BACKGROUNDS["studio_plain"], _IMAGING)


def _prone_quad() -> tuple[FrameSpec, Shot]:
    k = _BODY.height / 1.75
    p = Posture(pelvic_tilt=8.0, lumbar_lordosis=40.0, thoracic_kyphosis=25.0, head_forward=4.0, head_pitch=-30.0,
                foot_pitch_l=None, foot_pitch_r=None, knee_flexion_l=5.0, knee_flexion_r=115.0,
                shoulder_abduction_l=60.0, shoulder_abduction_r=15.0, shoulder_flexion_l=160.0,
                shoulder_flexion_r=-45.0, elbow_flexion_l=120.0, elbow_flexion_r=5.0)
    spec = FrameSpec(p, _BODY, _LOOK, Placement(body_pitch=-90.0, position=(0.0, 0.12 * k, 0.0)), (), "stretch")
    return spec, Shot(_cam(target=(0.15, 0.25, 0.0), distance=2.6, height=1.1), BACKGROUNDS["living_room"], _IMAGING)


def _bed_edge() -> tuple[FrameSpec, Shot]:
    clip = thomas_test(hanging="left", thigh_deg=-6.0, knee_deg=85.0)
    spec = clip.frames[-1]
    spec = FrameSpec(spec.posture, _BODY, APPEARANCES["dark_skin"], spec.placement, spec.props, "stretch")
    return spec, Shot(_cam(azimuth=90.0, target=(-0.35, 0.8, 0.0), distance=2.8, height=1.2), BACKGROUNDS["bright"],
                      _IMAGING)


def _side_lunge() -> tuple[FrameSpec, Shot]:
    # front view: the person's right knee bent with the weight over it, the left leg straight and out to the side
    p = Posture(pelvic_tilt=10.0, trunk_lean=15.0, trunk_side_lean=8.0, pelvic_obliquity=-4.0,
                hip_abduction_l=38.0, knee_flexion_l=2.0, hip_flexion_l=0.0,
                hip_abduction_r=14.0, hip_flexion_r=45.0, knee_flexion_r=75.0, foot_pitch_r=0.0, toe_out=10.0,
                shoulder_abduction_l=35.0, shoulder_abduction_r=35.0, elbow_flexion_l=110.0, elbow_flexion_r=110.0,
                shoulder_flexion_l=-20.0, shoulder_flexion_r=-20.0)
    spec = FrameSpec(p, _BODY, APPEARANCES["gym"], Placement(feet_at=(0.0, 0.0)), (), "stretch")
    return spec, Shot(_cam(azimuth=30.0, target=(0.0, 0.75, 0.0), distance=3.1, height=1.1), BACKGROUNDS["green_wall"],
                      _IMAGING)


def _leg_slide() -> tuple[FrameSpec, Shot]:
    k = _BODY.height / 1.75
    p = Posture(pelvic_tilt=2.0, lumbar_lordosis=30.0, thoracic_kyphosis=28.0, head_forward=-2.0,
                hip_abduction_l=3.0, hip_abduction_r=38.0, knee_flexion_l=3.0, knee_flexion_r=3.0,
                foot_pitch_l=None, foot_pitch_r=None, shoulder_abduction_l=15.0, shoulder_abduction_r=15.0)
    spec = FrameSpec(p, _BODY, _LOOK, Placement(body_pitch=90.0, position=(0.0, 0.11 * k, 0.0)), (), "stretch")
    return spec, Shot(_cam(azimuth=25.0, target=(-0.25, 0.1, 0.0), distance=1.9, height=1.7, vfov=55.0),
                      BACKGROUNDS["living_room"], _IMAGING)


def _hamstring_towel() -> tuple[FrameSpec, Shot]:
    k = _BODY.height / 1.75
    p = Posture(pelvic_tilt=0.0, lumbar_lordosis=30.0, thoracic_kyphosis=30.0, head_forward=-2.0,
                hip_flexion_r=70.0, knee_flexion_r=6.0, foot_pitch_r=None, knee_flexion_l=3.0, foot_pitch_l=None,
                shoulder_flexion_l=70.0, shoulder_flexion_r=70.0, elbow_flexion_l=30.0, elbow_flexion_r=30.0,
                shoulder_abduction_l=10.0, shoulder_abduction_r=10.0)
    spec = FrameSpec(p, _BODY, APPEARANCES["red_top"], Placement(body_pitch=90.0, position=(0.0, 0.11 * k, 0.0)),
                     (), "stretch")
    return spec, Shot(_cam(target=(-0.2, 0.45, 0.0), distance=2.8, height=1.0), BACKGROUNDS["studio_plain"], _IMAGING)


def _seated_hamstring() -> tuple[FrameSpec, Shot]:
    p = Posture(pelvic_tilt=14.0, lumbar_lordosis=38.0, thoracic_kyphosis=36.0, trunk_lean=32.0, head_forward=3.0,
                hip_flexion_l=88.0, knee_flexion_l=95.0, hip_flexion_r=64.0, knee_flexion_r=8.0, foot_pitch_r=25.0,
                hip_abduction_l=8.0, hip_abduction_r=6.0, shoulder_flexion_l=30.0, shoulder_flexion_r=30.0,
                elbow_flexion_l=35.0, elbow_flexion_r=35.0)
    place = Placement(feet_at=(0.0, 0.0))
    sk = pose_skeleton(p, _BODY, place)
    hip = sk.points["mid_hip"]
    chair = Chair(front_x=float(hip[0] + 0.16 * sk.scale), seat_height=float(hip[1] - 0.105 * sk.scale))
    spec = FrameSpec(p, _BODY, APPEARANCES["red_top"], place, (chair,), "stretch")
    return spec, Shot(_cam(target=(float(hip[0]) + 0.25, 0.7, 0.0), distance=2.7, height=1.0),
                      BACKGROUNDS["living_room"], _IMAGING)


POSES: dict[str, Callable[[], tuple[FrameSpec, Shot]]] = {
    "half_kneeling_hip_flexor": _half_kneeling,
    "prone_quad_towel": _prone_quad,
    "bed_edge_hip_flexor": _bed_edge,
    "side_lunge_adductor": _side_lunge,
    "supine_leg_slide_adductor": _leg_slide,
    "supine_hamstring_towel": _hamstring_towel,
    "seated_hamstring_chair": _seated_hamstring,
}
"""Stretch id (as in ``stretches.toml``) -> function giving the frame and the shot of its picture."""


def render_stretch(stretch_id: str, seed: int = 0) -> tuple[np.ndarray, dict]:
    """Render the picture of one stretch.

    Returns
    -------
    image : ndarray, shape (360, 480, 3), uint8
        RGB, :data:`SIZE` (width, height).
    truth : dict
        The frame's ground truth (:func:`~.truth.frame_truth`: landmark pixels, which are outside the frame).
    """
    spec, shot = POSES[stretch_id]()
    img, truth, _ = Renderer(shot, seed).render(spec)
    return img, truth


def make_pictures(out: Path = DEFAULT_OUT, only: list[str] | None = None) -> list[Path]:
    """Render the stretch pictures into ``out`` (JPEG) and write ``index.json`` describing them.

    Parameters
    ----------
    out : Path
        Folder; created when missing. The library's ``picture`` entries are relative to its parent
        (``stretches/NAME.jpg``).
    only : list of str, optional
        Stretch ids to render (default: all of :data:`POSES`).

    Returns
    -------
    list of Path
        The files written (the pictures, then ``index.json``).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = only or list(POSES)
    unknown = [n for n in names if n not in POSES]
    if unknown:
        raise KeyError(f"no picture recipe for {unknown}; known: {', '.join(POSES)}")
    files, index = [], {}
    idx_path = out / "index.json"
    if idx_path.exists():
        try:
            index = json.loads(idx_path.read_text())
        except json.JSONDecodeError:
            index = {}
    for i, n in enumerate(names):
        spec, shot = POSES[n]()
        img, _, _ = Renderer(shot, seed=100 + i).render(spec)
        ok, buf = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            raise RuntimeError(f"could not encode the picture of {n}")
        path = out / f"{n}.jpg"
        path.write_bytes(buf.tobytes())
        files.append(path)
        index[n] = {"file": path.name, "generator": "vision.synthetic.stretch_pictures", "size": list(SIZE),
                    "posture": {k: (None if v is None else round(float(v), 2)) for k, v in spec.posture.to_dict().items()},
                    "placement": spec.placement.to_dict(), "camera_azimuth": shot.camera.azimuth}
    idx_path.write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    return files + [idx_path]


def make_sample(out: Path) -> list[Path]:
    """Hook for ``vision.synthetic.make_samples.SAMPLES["stretches"]``: pictures into ``out/stretches``."""
    return make_pictures(Path(out) / "stretches")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m vision.synthetic.stretch_pictures", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: sample_media/stretches/)")
    ap.add_argument("--only", default="", help="comma-separated stretch ids (default: all)")
    args = ap.parse_args(argv)
    files = make_pictures(args.out, [n for n in args.only.split(",") if n] or None)
    print("\n".join(str(f) for f in files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
