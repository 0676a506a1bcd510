"""Seeded side-view renders with known pelvic tilt, observed by the real MediaPipe model.

Used by ``benchmarks/fit_tilt_model.py`` (fitting the silhouette tilt model), ``benchmarks/eval_tilt.py``
(held-out evaluation) and the closed-loop tests. Each case varies body build, clothes, room, camera
(distance, height, roll, side, field of view) and image degradation together with the posture.

Posture sampling (an engineering choice, stated so results can be judged): pelvic tilt uniform over
``TILT_RANGE``; lumbar lordosis follows the tilt loosely (``45 + 0.9 * (tilt - 10)`` deg plus Gaussian
noise of 7 deg), because in standing adults the two go together but far from perfectly; thoracic
kyphosis, trunk lean, head position, hip and knee angles vary independently. Arms hang at the sides
with the elbows bent 0-30 deg, and a third of the figures wear their hair long (to the shoulders), drawn
from a second random stream so the first stream's bodies, clothes and cameras stay as they were.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from vision.synthetic.body import APPEARANCES, BODIES
from vision.synthetic.camera import Camera, Imaging
from vision.synthetic.frames import FrameSpec, Renderer, Shot
from vision.synthetic.posture import Placement, Posture
from vision.synthetic.scene import BACKGROUNDS

TILT_RANGE = (-8.0, 25.0)  # deg, + = anterior
FIT_SEED = 11
FIT_N = 200
HELDOUT_SEED = 90210
HELDOUT_N = 80


@dataclass
class TiltCase:
    name: str
    spec: FrameSpec
    shot: Shot
    seed: int
    build: str = ""
    appearance: str = ""


def observed_facing(world: np.ndarray, px: np.ndarray) -> int:
    """The facing the product uses for one frame: the sign of the body yaw from the world landmarks
    (as :func:`analysis.assessment.assess_standing`), else the face and feet landmarks."""
    from analysis.view import body_yaw, facing_from_landmarks, facing_sign

    return facing_sign(float(body_yaw(np.asarray(world, float)))) or facing_from_landmarks(np.asarray(px, float))


def tilt_cases(n: int, seed: int, tilts=None, lordoses=None, kyphoses=None) -> list[TiltCase]:
    """``n`` seeded side-view scenes. ``tilts`` / ``lordoses`` / ``kyphoses`` (length n) override the
    sampled posture values (deg) where given."""
    rng = np.random.default_rng(seed)
    rng2 = np.random.default_rng([seed, 2])  # arms and hair (added later; keeps rng's sequence)
    bodies, apps, bgs = list(BODIES), list(APPEARANCES), list(BACKGROUNDS)
    out = []
    for i in range(n):
        tilt = float(rng.uniform(*TILT_RANGE)) if tilts is None else float(tilts[i])
        lord = float(np.clip(45 + 0.9 * (tilt - 10) + rng.normal(0, 7), 15, 75))
        if lordoses is not None:
            lord = float(lordoses[i])
        kyph = float(rng.uniform(25, 55)) if kyphoses is None else float(kyphoses[i])
        hipf = float(rng.uniform(-5, 5))
        post = Posture(pelvic_tilt=tilt, lumbar_lordosis=lord, thoracic_kyphosis=kyph,
                       trunk_lean=float(rng.uniform(-4, 6)), head_forward=float(rng.uniform(0, 7)),
                       hip_flexion_l=hipf + float(rng.uniform(-2, 2)), hip_flexion_r=hipf + float(rng.uniform(-2, 2)),
                       knee_flexion_l=float(rng.uniform(0, 8)), knee_flexion_r=float(rng.uniform(0, 8)),
                       shoulder_flexion_l=float(rng.uniform(-5, 15)), shoulder_flexion_r=float(rng.uniform(-5, 15)))
        elbow = float(rng2.uniform(0, 30))
        post = post.replace(elbow_flexion_l=elbow + float(rng2.uniform(-5, 5)),
                            elbow_flexion_r=elbow + float(rng2.uniform(-5, 5)))
        build = bodies[int(rng.integers(len(bodies)))]
        b = BODIES[build]
        body = b.replace(girth=b.girth * float(rng.uniform(0.92, 1.08)),
                         belly=max(0.0, b.belly + float(rng.uniform(-1, 3))),
                         buttocks=max(0.0, b.buttocks + float(rng.uniform(-1, 2))))
        app_name = apps[int(rng.integers(len(apps)))]
        app = APPEARANCES[app_name]
        if rng2.random() < 1 / 3:
            app = app.replace(hair_style="long")
        side = -90.0 if rng.random() < 0.5 else 90.0
        portrait = bool(rng.random() < 0.5)
        cam = Camera(azimuth=side + float(rng.uniform(-10, 10)), distance=float(rng.uniform(2.2, 3.6)),
                     height=float(rng.uniform(0.75, 1.4)), target=(0.0, float(rng.uniform(0.8, 1.0)), 0.0),
                     roll=float(rng.uniform(-4, 4)), width=480 if portrait else 640,
                     height_px=640 if portrait else 480,
                     vfov=float(rng.uniform(48, 60)) if portrait else float(rng.uniform(40, 52)))
        jpeg = int(rng.integers(50, 95)) if rng.random() < 0.5 else None
        img = Imaging(blur=float(rng.uniform(0, 1.5)), noise=float(rng.uniform(0, 5)), jpeg_quality=jpeg,
                      exposure=float(rng.uniform(0.9, 1.1)))
        spec = FrameSpec(post, body, app, Placement())
        shot = Shot(cam, BACKGROUNDS[bgs[int(rng.integers(len(bgs)))]], img)
        out.append(TiltCase(f"{seed}_{i:03d}_tilt{tilt:+.0f}", spec, shot, seed * 1000 + i, build, app_name))
    return out


def observe(cases: list[TiltCase], verbose: bool = False) -> dict:
    """Render each case, run MediaPipe (static, with segmentation) and extract the outline.

    Returns a dict of arrays over cases: ``outline`` (n, 256, 2; NaN when none), ``px`` (n, 33, 2),
    ``visibility`` (n, 33), ``world`` (n, 33, 3), ``found`` (n,), ``tilt`` / ``lordosis`` /
    ``kyphosis`` (true body angles, deg), ``lordosis_param`` / ``kyphosis_param`` (posture inputs),
    ``facing`` (+1/-1 true), ``name``, ``build`` and ``appearance`` (names in :data:`BODIES` and
    :data:`APPEARANCES`).
    """
    from vision.contour import empty_outline, outline_from_result
    from vision.estimator import PoseEstimator

    n = len(cases)
    rec = {"outline": np.full((n, 256, 2), np.nan, np.float32), "px": np.full((n, 33, 2), np.nan, np.float32),
           "visibility": np.zeros((n, 33), np.float32), "world": np.full((n, 33, 3), np.nan, np.float32),
           "found": np.zeros(n, bool), "tilt": np.zeros(n), "lordosis": np.zeros(n), "kyphosis": np.zeros(n),
           "lordosis_param": np.zeros(n), "kyphosis_param": np.zeros(n), "facing": np.zeros(n, int),
           "name": np.array([c.name for c in cases]), "build": np.array([c.build for c in cases]),
           "appearance": np.array([c.appearance for c in cases])}
    t0 = time.time()
    with PoseEstimator(static=True, segmentation=True) as est:
        for i, c in enumerate(cases):
            img, truth, _ = Renderer(c.shot, c.seed).render(c.spec)
            ab = truth["angles_body"]
            rec["tilt"][i] = ab["pelvic_tilt"]
            rec["lordosis"][i] = ab["lumbar_lordosis_s1_l1"]
            rec["kyphosis"][i] = ab["thoracic_kyphosis"]
            rec["lordosis_param"][i] = c.spec.posture.lumbar_lordosis
            rec["kyphosis_param"][i] = c.spec.posture.thoracic_kyphosis
            rec["facing"][i] = {"image_right": 1, "image_left": -1}.get(truth["facing"], 0)
            res = est.process(img)
            if res.found:
                rec["found"][i] = True
                rec["px"][i] = res.pixels
                rec["visibility"][i] = res.visibility
                rec["world"][i] = res.world
                o = outline_from_result(res)
                rec["outline"][i] = empty_outline() if o is None else o
            if verbose and (i + 1) % 10 == 0:
                print(f"  rendered and observed {i + 1}/{n} ({time.time() - t0:.0f} s)", flush=True)
    return rec


def case_key(c: TiltCase) -> str:
    """A digest of everything that makes a case's picture (posture, body, clothes, camera, seed)."""
    import hashlib

    return hashlib.sha1(repr((c.spec, c.shot, c.seed)).encode()).hexdigest()[:16]


def cached_observe(cases: list[TiltCase], path, verbose: bool = False) -> dict:
    """:func:`observe`, cached in the ``.npz`` file ``path`` (reused when every case's :func:`case_key` matches)."""
    from pathlib import Path

    path = Path(path)
    keys = np.array([case_key(c) for c in cases])
    if path.exists():
        with np.load(path) as z:
            if "key" in z.files and len(z["key"]) == len(keys) and np.all(z["key"] == keys):
                return {k: z[k] for k in z.files}
    rec = observe(cases, verbose)
    rec["key"] = keys
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **rec)
    return rec
