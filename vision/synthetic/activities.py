"""The figure posed in everyday activities other than quiet standing, for testing the activity gate.

:data:`ACTIVITIES` names each pose; :func:`activity_spec` gives its :class:`~.frames.FrameSpec` (posture,
placement and props such as a chair) and :func:`activity_clip` a short clip of it, still or, for walking
and running, cycling through the gait (``travel=False`` keeps the figure in place, as seen by a camera
that follows the person). Angles follow :class:`~.posture.Posture` (degrees; hip flexion + = knee
forward, knee flexion 0 = straight).
"""

from __future__ import annotations

import numpy as np

from .body import Appearance, Body
from .camera import Camera, Imaging
from .frames import FrameSpec, Shot
from .kinematics import pose_skeleton
from .movements import ALL_FOURS, Clip, on_all_fours
from .posture import Placement, Posture
from .props import Chair
from .scene import Background

_ARMS = dict(shoulder_flexion_l=10.0, shoulder_flexion_r=10.0, elbow_flexion_l=20.0, elbow_flexion_r=20.0)

# name -> (what it is, the label the activity gate should give)
ACTIVITIES: dict[str, tuple[str, str]] = {
    "standing": ("quiet standing on both feet", "standing"),
    "sitting_chair": ("sitting on a chair", "sitting"),
    "sitting_floor": ("sitting on the floor, legs straight and apart", "sitting"),
    "kneeling": ("kneeling upright on both knees", "kneeling"),
    "all_fours": ("on hands and knees (a quadruped exercise's start)", "all_fours"),
    "half_kneeling": ("half-kneeling: left knee down, right foot forward", "kneeling"),
    "lunge": ("a standing lunge: right foot forward with the knee bent, left leg back", "lunge"),
    "one_leg": ("standing on the left leg, right knee raised", "one_leg"),
    "squat": ("a deep squat, heels down", "squatting"),
    "bending": ("bending forward from the hips to reach the floor", "bending"),
    "lying": ("lying on the back on the floor", "lying"),
    "walking": ("walking (one stride cycle per second)", "walking"),
    "running": ("running (1.4 stride cycles per second)", "running"),
}


def _gait(phase: float, run: bool) -> Posture:
    """Posture at gait ``phase`` (0..1, one full cycle: right heel strike at 0, left at 0.5)."""

    def leg(ph: float) -> tuple[float, float]:
        # thigh angle (hip flexion) and knee flexion over one cycle of that leg
        hip_amp, hip_mid = (35.0, 10.0) if run else (22.0, 5.0)
        hip = hip_mid + hip_amp * np.cos(2 * np.pi * ph)
        swing = 0.6 if not run else 0.4  # share of the cycle in stance
        if ph < swing:
            knee = (20.0 if run else 8.0) + (25.0 if run else 10.0) * np.sin(np.pi * ph / swing)
        else:
            knee = (20.0 if run else 8.0) + (95.0 if run else 55.0) * np.sin(np.pi * (ph - swing) / (1 - swing))
        return float(hip), float(knee)

    hr, kr = leg(phase % 1.0)
    hl, kl = leg((phase + 0.5) % 1.0)
    arm = (30.0 if run else 18.0) * np.cos(2 * np.pi * phase)
    return Posture(trunk_lean=8.0 if run else 3.0, hip_flexion_r=hr, knee_flexion_r=kr, hip_flexion_l=hl,
                   knee_flexion_l=kl, foot_pitch_l=None, foot_pitch_r=None, shoulder_flexion_l=float(arm),
                   shoulder_flexion_r=float(-arm), elbow_flexion_l=80.0 if run else 20.0,
                   elbow_flexion_r=80.0 if run else 20.0)


def activity_spec(name: str, body: Body | None = None, appearance: Appearance | None = None,
                  phase: float = 0.0, x: float = 0.0, hip_height: float | None = None) -> FrameSpec:
    """One frame of activity ``name`` (a key of :data:`ACTIVITIES`); ``phase`` is the gait phase for
    walking and running, ``x`` the world position along the person's forward direction (metres).
    ``hip_height`` (walking and running only) holds the hip midpoint at that height above the floor
    instead of standing the figure on its stance foot, so the body stays put as for a following camera."""
    body = body or Body()
    app = appearance or Appearance()
    label = ACTIVITIES[name][1]
    feet = Placement(feet_at=(x, 0.0))
    if name == "standing":
        return FrameSpec(Posture(), body, app, feet, label=label)
    if name == "sitting_chair":
        p = Posture(pelvic_tilt=-2.0, lumbar_lordosis=25.0, trunk_lean=5.0, hip_flexion_l=88.0, hip_flexion_r=88.0,
                    knee_flexion_l=95.0, knee_flexion_r=95.0, hip_abduction_l=8.0, hip_abduction_r=8.0,
                    shoulder_flexion_l=30.0, shoulder_flexion_r=30.0, elbow_flexion_l=60.0, elbow_flexion_r=60.0)
        hip = pose_skeleton(p, body, feet).points["mid_hip"]
        chair = Chair(front_x=float(hip[0] + 0.22 * body.height / 1.75), seat_height=float(hip[1] - 0.105 * body.height / 1.75))
        return FrameSpec(p, body, app, feet, (chair,), label)
    if name == "sitting_floor":
        p = Posture(pelvic_tilt=-8.0, lumbar_lordosis=20.0, trunk_lean=-8.0, hip_flexion_l=85.0, hip_flexion_r=85.0,
                    knee_flexion_l=5.0, knee_flexion_r=5.0, hip_abduction_l=25.0, hip_abduction_r=25.0,
                    foot_pitch_l=None, foot_pitch_r=None, shoulder_flexion_l=-25.0, shoulder_flexion_r=-25.0,
                    elbow_flexion_l=5.0, elbow_flexion_r=5.0)
        return FrameSpec(p, body, app, Placement(position=(x, 0.11 * body.height / 1.75, 0.0)), label=label)
    if name == "kneeling":
        p = Posture(hip_flexion_l=0.0, hip_flexion_r=0.0, knee_flexion_l=90.0, knee_flexion_r=90.0,
                    foot_pitch_l=None, foot_pitch_r=None, **_ARMS)
        return FrameSpec(p, body, app, Placement(ground_contacts=True, feet_at=(x, 0.0)), label=label)
    if name == "all_fours":
        return FrameSpec(ALL_FOURS, body, app, on_all_fours(body, x), label=label)
    if name == "half_kneeling":
        p = Posture(trunk_lean=2.0, hip_flexion_r=80.0, knee_flexion_r=88.0, foot_pitch_r=0.0, hip_flexion_l=-5.0,
                    knee_flexion_l=85.0, foot_pitch_l=None, hip_abduction_r=6.0, **_ARMS)
        return FrameSpec(p, body, app, Placement(ground_contacts=True, feet_at=(x + 0.3, 0.0), contact_feet=("right",)),
                         label=label)
    if name == "lunge":
        p = Posture(trunk_lean=3.0, hip_flexion_r=55.0, knee_flexion_r=70.0, foot_pitch_r=0.0, hip_flexion_l=-28.0,
                    knee_flexion_l=25.0, foot_pitch_l=None, **_ARMS)
        return FrameSpec(p, body, app, feet, label=label)
    if name == "one_leg":
        p = Posture(hip_flexion_r=70.0, knee_flexion_r=85.0, foot_pitch_r=None, shoulder_abduction_l=60.0,
                    shoulder_abduction_r=60.0, elbow_flexion_l=10.0, elbow_flexion_r=10.0)
        return FrameSpec(p, body, app, Placement(contact_feet=("left",), feet_at=(x, 0.0)), label=label)
    if name == "squat":
        p = Posture(pelvic_tilt=0.0, lumbar_lordosis=20.0, trunk_lean=40.0, hip_flexion_l=110.0, hip_flexion_r=110.0,
                    knee_flexion_l=125.0, knee_flexion_r=125.0, hip_abduction_l=15.0, hip_abduction_r=15.0,
                    foot_pitch_l=0.0, foot_pitch_r=0.0, shoulder_flexion_l=70.0, shoulder_flexion_r=70.0,
                    elbow_flexion_l=10.0, elbow_flexion_r=10.0)
        return FrameSpec(p, body, app, feet, label=label)
    if name == "bending":
        p = Posture(pelvic_tilt=40.0, lumbar_lordosis=5.0, thoracic_kyphosis=50.0, trunk_lean=80.0,
                    hip_flexion_l=-5.0, hip_flexion_r=-5.0, knee_flexion_l=8.0, knee_flexion_r=8.0,
                    shoulder_flexion_l=80.0, shoulder_flexion_r=80.0, elbow_flexion_l=5.0, elbow_flexion_r=5.0)
        return FrameSpec(p, body, app, feet, label=label)
    if name == "lying":
        p = Posture(pelvic_tilt=5.0, lumbar_lordosis=30.0, thoracic_kyphosis=30.0, knee_flexion_l=5.0,
                    knee_flexion_r=5.0, foot_pitch_l=None, foot_pitch_r=None, head_forward=-3.0)
        return FrameSpec(p, body, app, Placement(body_pitch=90.0, position=(x, 0.11 * body.height / 1.75, 0.0)),
                         label=label)
    if name in ("walking", "running"):
        run = name == "running"
        p = _gait(phase, run)
        # the stance foot touches the floor: the leg whose foot is lowest (both near double support)
        contact = ("right", "left") if not run else (("right",) if (phase % 1.0) < 0.4 else ("left",)
                                                      if 0.5 <= (phase % 1.0) < 0.9 else ("left", "right"))
        place = Placement(contact_feet=contact, feet_at=(x, 0.0)) if hip_height is None else \
            Placement(position=(x, hip_height, 0.0))
        return FrameSpec(p, body, app, place, label=label)
    raise KeyError(f"unknown activity {name!r}; one of {sorted(ACTIVITIES)}")


def activity_clip(name: str, *, seconds: float = 2.0, fps: float = 15.0, azimuth: float = -90.0,
                  travel: bool = True, body: Body | None = None, appearance: Appearance | None = None,
                  background: Background | None = None, imaging: Imaging | None = None, seed: int = 0,
                  width: int = 640, height_px: int = 480) -> Clip:
    """A clip of activity ``name`` seen from ``azimuth`` (see :class:`~.camera.Camera`; -90 = the
    person's right side). Walking and running cycle their gait and, with ``travel``, move forward at
    1.2 or 3.0 m/s past a fixed camera; without it the person stays in the middle of the picture (a
    camera following them). Other activities hold still with a slight sway."""
    n = int(round(seconds * fps))
    frames = []
    rng = np.random.default_rng(seed)
    cadence, speed = (1.4, 3.0) if name == "running" else (1.0, 1.2)
    x0 = -speed * seconds / 2 if travel else 0.0
    hip = None if travel else float(pose_skeleton(Posture(), body or Body(), Placement()).points["mid_hip"][1]) - 0.03
    for i in range(n):
        t = i / fps
        if name in ("walking", "running"):
            bob = 0.0 if hip is None else 0.02 * np.cos(4 * np.pi * cadence * t)
            spec = activity_spec(name, body, appearance, phase=cadence * t, x=x0 + (speed * t if travel else 0.0),
                                 hip_height=None if hip is None else hip + bob)
        else:
            spec = activity_spec(name, body, appearance)
            sway = 0.3 * np.sin(2 * np.pi * 0.3 * t + rng.uniform(0, 0.1))
            spec = FrameSpec(spec.posture.replace(trunk_lean=spec.posture.trunk_lean + float(sway)), spec.body,
                             spec.appearance, spec.placement, spec.props, spec.label)
        frames.append(spec)
    target_y = 0.5 if name in ("sitting_floor", "lying", "kneeling", "all_fours", "half_kneeling", "squat") else 0.85
    cam = Camera(azimuth=azimuth, distance=3.0 if name != "lying" else 3.4, height=1.0, target=(0.0, target_y, 0.0),
                 width=width, height_px=height_px, vfov=50.0)
    return Clip(name, ACTIVITIES[name][0], fps, frames, Shot(cam, background or Background(), imaging or Imaging()), seed)


def clip_landmarks(clip: Clip) -> dict[str, np.ndarray]:
    """The exact landmark arrays a perfect pose model would give for ``clip`` (no rendering, no model).

    Returns ``pixels`` (T, 33, 2) image points, ``world`` (T, 33, 3) in MediaPipe's world convention
    (metres, camera axes: x right, y down, z away; origin at the hip midpoint), ``visibility`` (T, 33)
    all 1, ``image_size`` (T, 2) and ``timestamps`` (T,) seconds. For unit tests of the analysis on
    arrays of any posture.
    """
    from vision.landmarks import LANDMARK_NAMES

    cam = clip.shot.camera
    pixels, world = [], []
    for spec in clip.frames:
        sk = pose_skeleton(spec.posture, spec.body, spec.placement)
        pts = np.stack([sk.points[n] for n in LANDMARK_NAMES])
        uv, _ = cam.project(pts)
        pixels.append(uv)
        hip = (sk.points["left_hip"] + sk.points["right_hip"]) / 2.0
        world.append(cam.to_camera(pts) - cam.to_camera(hip[None])[0])
    n = len(pixels)
    return {"pixels": np.array(pixels), "world": np.array(world), "visibility": np.ones((n, 33)),
            "image_size": np.tile([cam.width, cam.height_px], (n, 1)).astype(float),
            "timestamps": np.arange(n) / clip.fps}


def walked_into(clip: Clip, seconds: float = 2.0, away_s: float = 0.0) -> Clip:
    """``clip`` (a scripted test) with the person walking into place before it, at 1.2 m/s along their forward
    direction from ``seconds`` away, and (``away_s`` > 0) walking on and away after it, as a person filming
    themselves does (the walk ends and starts where the test's feet stand; a lying test's person appears lying
    at once, without lying down). The walking frames carry the label ``"walking"`` and the clip's own frames keep
    theirs (the truth of the test is unchanged; its frames come ``seconds`` later)."""
    first, last = clip.frames[0], clip.frames[-1]
    n_in, n_out = int(round(seconds * clip.fps)), int(round(away_s * clip.fps))
    walk_in = [activity_spec("walking", first.body, first.appearance, phase=i / clip.fps,
                             x=-1.2 * (seconds - i / clip.fps)) for i in range(n_in)]
    walk_out = [activity_spec("walking", last.body, last.appearance, phase=i / clip.fps, x=1.2 * (i + 1) / clip.fps)
                for i in range(n_out)]
    return Clip(f"{clip.name}_walked_in", clip.description + f" Walking into place for {seconds:.1f} s first"
                + (f", and away for {away_s:.1f} s after." if n_out else "."), clip.fps,
                walk_in + list(clip.frames) + walk_out, clip.shot, clip.seed, dict(clip.notes, walked_in=seconds,
                                                                                   walked_away=away_s))
