"""Deterministic sets of varied scenes for detection and closed-loop checks of pose estimators.

Figures, clothes, rooms and camera settings are varied together (seeded), so an estimator is not
tuned to one drawing style: a renderer the estimators are judged on can otherwise flatter them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .body import APPEARANCES, BODIES
from .camera import Camera, Imaging
from .frames import FrameSpec, Shot
from .posture import Placement, Posture
from .scene import BACKGROUNDS

POSTURES: dict[str, Posture] = {
    "neutral": Posture(),
    "anterior_tilt": Posture(pelvic_tilt=20.0, lumbar_lordosis=62.0, thoracic_kyphosis=42.0),
    "flat_back": Posture(pelvic_tilt=0.0, lumbar_lordosis=30.0, thoracic_kyphosis=28.0),
    "round_back": Posture(thoracic_kyphosis=58.0, head_forward=7.0, trunk_lean=4.0),
    "asymmetric": Posture(pelvic_obliquity=5.0, shoulder_tilt=-4.0, trunk_side_lean=2.0, knee_flexion_r=10.0),
    "lean_forward": Posture(trunk_lean=18.0, hip_flexion_l=8.0, hip_flexion_r=8.0, knee_flexion_l=15.0,
                            knee_flexion_r=15.0, shoulder_flexion_l=20.0, shoulder_flexion_r=20.0),
    "step": Posture(hip_flexion_r=35.0, knee_flexion_r=45.0, hip_flexion_l=-5.0, knee_flexion_l=5.0,
                    shoulder_flexion_l=15.0, shoulder_flexion_r=-10.0),
    "squat": Posture(trunk_lean=30.0, hip_flexion_l=60.0, hip_flexion_r=60.0, knee_flexion_l=85.0,
                     knee_flexion_r=85.0, pelvic_tilt=15.0, shoulder_flexion_l=70.0, shoulder_flexion_r=70.0,
                     elbow_flexion_l=10.0, elbow_flexion_r=10.0),
}


@dataclass(frozen=True)
class Case:
    """One scene of a grid: a name, what is in it and how it is filmed."""

    name: str
    spec: FrameSpec
    shot: Shot
    seed: int


def detection_grid(n: int = 48, seed: int = 2024) -> list[Case]:
    """``n`` varied stills over views (front, back, sides, obliques), postures, builds, clothes,
    rooms and camera settings (distance, height, roll, resolution, blur, noise, JPEG)."""
    rng = np.random.default_rng(seed)
    views = [0.0, 45.0, 90.0, 135.0, 180.0, -135.0, -90.0, -45.0]
    bodies, apps, bgs, posts = list(BODIES), list(APPEARANCES), list(BACKGROUNDS), list(POSTURES)
    out = []
    for i in range(n):
        az = views[i % len(views)] + float(rng.uniform(-8, 8))
        post = posts[(i // len(views) + i) % len(posts)]
        portrait = bool(rng.random() < 0.5)
        dist = float(rng.uniform(2.3, 4.0))
        cam = Camera(azimuth=az, distance=dist, height=float(rng.uniform(0.7, 1.5)),
                     target=(0.0, float(rng.uniform(0.8, 1.0)), 0.0), roll=float(rng.uniform(-8, 8)),
                     width=480 if portrait else 640, height_px=640 if portrait else 480,
                     vfov=float(rng.uniform(45, 60)) if portrait else float(rng.uniform(42, 55)))
        jpeg = int(rng.integers(40, 96)) if rng.random() < 0.6 else None
        img = Imaging(blur=float(rng.uniform(0, 2.0)), noise=float(rng.uniform(0, 6.0)), jpeg_quality=jpeg,
                      exposure=float(rng.uniform(0.85, 1.1)))
        spec = FrameSpec(POSTURES[post], BODIES[bodies[i % len(bodies)]], APPEARANCES[apps[(i * 3) % len(apps)]],
                         Placement())
        shot = Shot(cam, BACKGROUNDS[bgs[(i * 7) % len(bgs)]], img)
        out.append(Case(f"{i:02d}_az{az:+.0f}_{post}", spec, shot, seed + i))
    return out


def closed_loop_grid(seed: int = 7) -> list[Case]:
    """Side views (for trunk, hip, knee and thigh angles) and front/back views (for pelvic obliquity)
    with moderate camera variation; the near-side leg is the one to compare in side views."""
    rng = np.random.default_rng(seed)
    side_posts = ["neutral", "anterior_tilt", "round_back", "lean_forward", "step", "squat",
                  "flat_back", "asymmetric"]
    out = []
    bodies, apps, bgs = list(BODIES), list(APPEARANCES), list(BACKGROUNDS)
    i = 0
    for post in side_posts:
        for az in (-90.0, 90.0):
            cam = Camera(azimuth=az + float(rng.uniform(-5, 5)), distance=float(rng.uniform(2.6, 3.6)),
                         height=float(rng.uniform(0.8, 1.3)), target=(0.0, 0.85, 0.0),
                         roll=float(rng.uniform(-3, 3)), width=640, height_px=480)
            spec = FrameSpec(POSTURES[post], BODIES[bodies[i % len(bodies)]], APPEARANCES[apps[i % len(apps)]],
                             Placement())
            out.append(Case(f"side_{i:02d}_az{az:+.0f}_{post}", spec,
                            Shot(cam, BACKGROUNDS[bgs[i % len(bgs)]], Imaging(blur=0.7, noise=2.0)), seed + i))
            i += 1
    for j, obl in enumerate((-6.0, -3.0, 0.0, 3.0, 6.0, 4.0)):
        az = 0.0 if j % 2 == 0 else 180.0
        cam = Camera(azimuth=az + float(rng.uniform(-5, 5)), distance=float(rng.uniform(2.6, 3.4)),
                     height=float(rng.uniform(0.9, 1.2)), target=(0.0, 0.92, 0.0), width=480, height_px=640,
                     vfov=50.0)
        post = Posture(pelvic_obliquity=obl, shoulder_tilt=-obl / 2, knee_flexion_l=3.0 + max(0.0, -obl),
                       knee_flexion_r=3.0 + max(0.0, obl))
        spec = FrameSpec(post, BODIES[bodies[j % len(bodies)]], APPEARANCES[apps[(j + 2) % len(apps)]], Placement())
        out.append(Case(f"frontal_{j:02d}_az{az:+.0f}_obl{obl:+.0f}", spec,
                        Shot(cam, BACKGROUNDS[bgs[(j + 1) % len(bgs)]], Imaging(blur=0.7, noise=2.0)), seed + 100 + j))
    return out
