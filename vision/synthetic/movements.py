"""Movement scripts: postures over time for the sample clips and closed-loop tests.

Each script returns a :class:`Clip`: one :class:`~.frames.FrameSpec` per frame plus the shot and the
frame rate. Times are seconds; angles degrees with the sign conventions of :class:`~.posture.Posture`.
Scripts are deterministic for a given ``seed``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .body import APPEARANCES, BODIES, Appearance, Body
from .camera import Camera, Imaging
from .frames import FrameSpec, Shot
from .kinematics import KNEE_CONTACT_RADIUS, pose_skeleton
from .posture import Placement, Posture, blend
from .props import Chair, Helper, Table
from .scene import BACKGROUNDS, Background


@dataclass
class Clip:
    """A scripted clip.

    Attributes
    ----------
    name : str
    description : str
    fps : float
        Frames per second.
    frames : list of FrameSpec
    shot : Shot
    seed : int
        Seed of the sensor noise.
    """

    name: str
    description: str
    fps: float
    frames: list[FrameSpec]
    shot: Shot
    seed: int = 0
    notes: dict = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return len(self.frames) / self.fps


def _smooth(x: float) -> float:
    """Smoothstep 0..1 (zero velocity at both ends)."""
    x = min(max(x, 0.0), 1.0)
    return x * x * (3 - 2 * x)


def _keyframes(t: float, keys: list[tuple[float, Posture]]) -> Posture:
    """Posture at time ``t`` by smooth interpolation between (time, posture) keys."""
    if t <= keys[0][0]:
        return keys[0][1]
    for (t0, p0), (t1, p1) in zip(keys[:-1], keys[1:]):
        if t <= t1:
            return blend(p0, p1, _smooth((t - t0) / (t1 - t0)))
    return keys[-1][1]


def _sway(n: int, fps: float, amp: float, seed: int) -> np.ndarray:
    """Postural sway angle (degrees) per frame: a sum of slow sines with random phases."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fps
    freqs = np.array([0.17, 0.31, 0.53])
    ph = rng.uniform(0, 2 * np.pi, 3)
    w = np.array([1.0, 0.5, 0.25])
    return amp * (w[None, :] * np.sin(2 * np.pi * freqs[None, :] * t[:, None] + ph[None, :])).sum(1) / w.sum()


def _side_camera(**kw) -> Camera:
    base = dict(azimuth=-90.0, distance=3.0, height=1.0, target=(0.0, 0.9, 0.0), width=640, height_px=480, vfov=50.0)
    base.update(kw)
    return Camera(**base)


def standing(name: str = "standing", duration: float = 4.0, fps: float = 15.0, posture: Posture | None = None,
             body: Body | None = None, appearance: Appearance | None = None, camera: Camera | None = None,
             background: Background | None = None, imaging: Imaging | None = None, sway_deg: float = 0.6,
             seed: int = 0, description: str = "") -> Clip:
    """Quiet standing with postural sway (whole body rocking about the feet) and breathing.

    ``sway_deg`` is the amplitude of the sway in degrees of whole-body pitch; breathing moves the
    trunk lean by about 0.3 deg at 0.25 Hz.
    """
    posture = posture or Posture()
    n = int(round(duration * fps))
    sw = _sway(n, fps, sway_deg, seed)
    side = _sway(n, fps, sway_deg * 0.5, seed + 1)
    frames = []
    for i in range(n):
        t = i / fps
        p = posture.replace(trunk_lean=posture.trunk_lean + 0.3 * np.sin(2 * np.pi * 0.25 * t),
                            trunk_side_lean=posture.trunk_side_lean + float(side[i]) * 0.5)
        frames.append(FrameSpec(p, body or Body(), appearance or Appearance(),
                                Placement(body_pitch=float(sw[i]), feet_at=(0.0, 0.0)), label="standing"))
    shot = Shot(camera or _side_camera(), background or Background(), imaging or Imaging())
    return Clip(name, description or "Quiet standing with sway.", fps, frames, shot, seed)


def sit_to_stand(name: str = "sit_to_stand", fps: float = 15.0, body: Body | None = None,
                 appearance: Appearance | None = None, camera: Camera | None = None,
                 background: Background | None = None, imaging: Imaging | None = None,
                 seed: int = 0, pelvic_tilt_standing: float = 10.0) -> Clip:
    """Sit on a chair, lean forward, rise to standing, stand (about 5 s). Feet stay put."""
    body = body or Body()
    sitting = Posture(pelvic_tilt=-2.0, lumbar_lordosis=25.0, thoracic_kyphosis=40.0, trunk_lean=5.0,
                      hip_flexion_l=88.0, hip_flexion_r=88.0, knee_flexion_l=98.0, knee_flexion_r=98.0,
                      shoulder_flexion_l=25.0, shoulder_flexion_r=25.0, elbow_flexion_l=50.0, elbow_flexion_r=50.0,
                      hip_abduction_l=6.0, hip_abduction_r=6.0, head_forward=2.0)
    lean = sitting.replace(pelvic_tilt=12.0, lumbar_lordosis=35.0, trunk_lean=38.0, hip_flexion_l=92.0,
                           hip_flexion_r=92.0, knee_flexion_l=102.0, knee_flexion_r=102.0,
                           shoulder_flexion_l=35.0, shoulder_flexion_r=35.0)
    seat_off = lean.replace(trunk_lean=42.0, hip_flexion_l=70.0, hip_flexion_r=70.0, knee_flexion_l=80.0,
                            knee_flexion_r=80.0, pelvic_tilt=16.0)
    stand = Posture(pelvic_tilt=pelvic_tilt_standing)
    keys = [(0.0, sitting), (1.0, sitting), (2.0, lean), (2.6, seat_off), (3.8, stand), (5.0, stand)]
    # chair under the buttocks of the sitting posture
    sk = pose_skeleton(sitting, body, Placement(feet_at=(0.0, 0.0)))
    hip = sk.points["mid_hip"]
    seat_h = float(hip[1] - 0.105 * sk.scale)
    chair = Chair(front_x=float(hip[0] + 0.22 * sk.scale), seat_height=seat_h)
    n = int(round(5.0 * fps))
    frames = []
    for i in range(n):
        t = i / fps
        p = _keyframes(t, keys)
        label = "sitting" if t < 1.0 else "leaning" if t < 2.0 else "rising" if t < 3.8 else "standing"
        frames.append(FrameSpec(p, body, appearance or Appearance(), Placement(feet_at=(0.0, 0.0)), (chair,), label))
    cam = camera or _side_camera(target=(float(hip[0]) + 0.1, 0.85, 0.0))
    shot = Shot(cam, background or Background(), imaging or Imaging())
    return Clip(name, "Sit-to-stand from a chair: sit 1 s, lean forward, rise, stand.", fps, frames, shot, seed,
                notes={"chair": chair.to_dict()})


DEEP_SQUAT = Posture(lumbar_lordosis=20.0, trunk_lean=40.0, hip_flexion_l=112.0, hip_flexion_r=112.0,
                     knee_flexion_l=135.0, knee_flexion_r=135.0, hip_abduction_l=12.0, hip_abduction_r=12.0,
                     foot_pitch_l=0.0, foot_pitch_r=0.0, shoulder_flexion_l=70.0, shoulder_flexion_r=70.0,
                     elbow_flexion_l=10.0, elbow_flexion_r=10.0)
"""The bottom of a deep bodyweight squat, heels down, balanced over the feet (:func:`squat_rise`,
:func:`floor_rise`)."""
ALL_FOURS = Posture(pelvic_tilt=5.0, lumbar_lordosis=30.0, thoracic_kyphosis=30.0, head_pitch=-20.0, hip_flexion_l=85.0,
                    hip_flexion_r=85.0, knee_flexion_l=90.0, knee_flexion_r=90.0, foot_pitch_l=None, foot_pitch_r=None,
                    shoulder_flexion_l=75.0, shoulder_flexion_r=75.0)
"""On hands and knees: thighs and arms about vertical under a near-horizontal trunk (placed by :func:`on_all_fours`)."""


def on_all_fours(body: Body, x: float = 0.0) -> Placement:
    """Where :data:`ALL_FOURS` goes: the body pitched 80 degrees forward, the hips half a (1.75 m) body's metre up
    at world ``x``, so that the knees and hands rest on the floor."""
    return Placement(body_pitch=-80.0, position=(x, 0.5 * body.height / 1.75, 0.0))


def squat_rise(name: str = "squat_rise", fps: float = 15.0, reps: int = 2, from_bottom: bool = False,
               depth: str = "deep", body: Body | None = None, appearance: Appearance | None = None,
               camera: Camera | None = None, background: Background | None = None,
               imaging: Imaging | None = None, seed: int = 0) -> Clip:
    """Bodyweight squats with no seat: stand 1 s, squat down (1.2 s), hold 0.4 s, rise (1.2 s), ``reps`` times,
    then stand 1 s. ``from_bottom`` starts held at the bottom for 1 s instead (the shape of a sit-to-stand
    without the chair). ``depth``: ``"deep"`` (hips below the knees, heels down), ``"parallel"`` (thighs
    about horizontal) or ``"toes"`` (a catcher's squat: hips low over the heels raised off the floor, the trunk
    upright). Feet stay put and the bottom postures hold the mass centre over the feet (0.02-0.08 leg
    lengths in front of the heels, :func:`analysis.balance.mass_ahead_of_heels`), as a person with no seat must
    (a seated one's lies about 0.2 behind them)."""
    body = body or Body()
    stand = Posture()
    if depth == "deep":
        low = DEEP_SQUAT
    elif depth == "toes":
        low = Posture(lumbar_lordosis=15.0, trunk_lean=10.0, hip_flexion_l=125.0, hip_flexion_r=125.0,
                      knee_flexion_l=150.0, knee_flexion_r=150.0, hip_abduction_l=15.0, hip_abduction_r=15.0,
                      foot_pitch_l=-40.0, foot_pitch_r=-40.0, shoulder_flexion_l=60.0, shoulder_flexion_r=60.0)
    else:
        low = Posture(lumbar_lordosis=25.0, trunk_lean=40.0, hip_flexion_l=92.0, hip_flexion_r=92.0,
                      knee_flexion_l=112.0, knee_flexion_r=112.0, hip_abduction_l=8.0, hip_abduction_r=8.0,
                      foot_pitch_l=0.0, foot_pitch_r=0.0, shoulder_flexion_l=80.0, shoulder_flexion_r=80.0,
                      elbow_flexion_l=5.0, elbow_flexion_r=5.0)
    keys, t = [], 0.0
    if from_bottom:
        keys += [(0.0, low), (1.0, low)]
        t = 1.0
    else:
        keys += [(0.0, stand), (1.0, stand)]
        t = 1.0
    for r in range(reps):
        if r or not from_bottom:
            keys += [(t + 1.2, low), (t + 1.6, low)]
            t += 1.6
        keys += [(t + 1.2, stand), (t + 1.2 + (1.0 if r == reps - 1 else 0.3), stand)]
        t = keys[-1][0]
    n = int(round(t * fps))
    frames = [FrameSpec(_keyframes(i / fps, keys), body, appearance or Appearance(),
                        Placement(feet_at=(0.0, 0.0)), label="squat") for i in range(n)]
    shot = Shot(camera or _side_camera(target=(0.0, 0.75, 0.0)), background or Background(), imaging or Imaging())
    start = "held at the bottom" if from_bottom else "standing"
    return Clip(name, f"{reps} bodyweight {depth} squats with no seat, starting {start}.", fps, frames, shot, seed)


def floor_rise(name: str = "floor_rise", fps: float = 15.0, body: Body | None = None,
               appearance: Appearance | None = None, camera: Camera | None = None,
               background: Background | None = None, imaging: Imaging | None = None, seed: int = 0) -> Clip:
    """Getting up from the floor with no chair: sit on the floor 1.2 s (knees up, feet flat, leaning back on the
    hands, the hip joints about 0.1 m above the floor), rock forward onto the feet into a deep squat (1.5 s), rise
    (1.3 s), stand 1.2 s. Feet stay put. What a person doing a sitting-rising test, or getting up off a mat, might
    film as a sit-to-stand."""
    body = body or Body()
    sit = Posture(pelvic_tilt=-8.0, lumbar_lordosis=20.0, trunk_lean=-15.0, hip_flexion_l=130.0, hip_flexion_r=130.0,
                  knee_flexion_l=84.0, knee_flexion_r=84.0, foot_pitch_l=0.0, foot_pitch_r=0.0, hip_abduction_l=10.0,
                  hip_abduction_r=10.0, shoulder_flexion_l=-30.0, shoulder_flexion_r=-30.0, elbow_flexion_l=10.0,
                  elbow_flexion_r=10.0)
    rock = DEEP_SQUAT.replace(lumbar_lordosis=15.0, trunk_lean=35.0, hip_flexion_l=125.0, hip_flexion_r=125.0,
                              knee_flexion_l=125.0, knee_flexion_r=125.0)
    keys = [(0.0, sit), (1.2, sit), (2.2, rock), (2.7, DEEP_SQUAT), (4.0, Posture()), (5.2, Posture())]
    n = int(round(5.2 * fps))
    frames = [FrameSpec(_keyframes(i / fps, keys), body, appearance or Appearance(), Placement(feet_at=(0.0, 0.0)),
                        label="sitting" if i / fps < 1.2 else "rising" if i / fps < 4.0 else "standing")
              for i in range(n)]
    shot = Shot(camera or _side_camera(target=(-0.2, 0.6, 0.0)), background or Background(), imaging or Imaging())
    return Clip(name, "Getting up from sitting on the floor (no chair): sit, rock onto the feet, rise, stand.", fps,
                frames, shot, seed)


def quadruped_kick(name: str = "quadruped_kick", fps: float = 15.0, side: str = "right", reps: int = 2,
                   body: Body | None = None, appearance: Appearance | None = None, camera: Camera | None = None,
                   background: Background | None = None, imaging: Imaging | None = None, seed: int = 0) -> Clip:
    """A hip extension done on hands and knees (a "donkey kick" with the leg straightening): 1 s on all fours,
    then ``reps`` times the ``side`` thigh swings from under the hip to 15 degrees above level behind, the knee
    straightening from 90 to 10 degrees (0.9 s), and back (0.9 s), 2.5 s apart. What a person asked for a hip
    extension might film instead of the standing test."""
    body = body or Body()
    tag = "r" if side == "right" else "l"
    n = int(round((1.0 + 2.5 * reps) * fps))
    frames = []
    for i in range(n):
        t = i / fps
        s = sum(_smooth((t - 1.0 - 2.5 * r) / 0.9) - _smooth((t - 2.3 - 2.5 * r) / 0.9) for r in range(reps))
        p = ALL_FOURS.replace(**{f"hip_flexion_{tag}": 85.0 - 100.0 * s, f"knee_flexion_{tag}": 90.0 - 80.0 * s})
        frames.append(FrameSpec(p, body, appearance or Appearance(), on_all_fours(body),
                                label="kick" if s > 0.05 else "all_fours"))
    shot = Shot(camera or _side_camera(target=(0.1, 0.5, 0.0)), background or Background(), imaging or Imaging())
    return Clip(name, f"Hip extension on hands and knees, {side} leg kicked back {reps} times.", fps, frames, shot,
                seed)


def hip_extension(name: str = "hip_extension", fps: float = 15.0, reps: int = 3, rep_s: float = 2.0,
                  side: str = "right", extension_deg: float = 20.0, compensation: float = 0.5,
                  body: Body | None = None, appearance: Appearance | None = None, camera: Camera | None = None,
                  background: Background | None = None, imaging: Imaging | None = None, seed: int = 0,
                  base: Posture | None = None, knee_deg: float = 12.0, sides: tuple[str, ...] | None = None,
                  extension_degs: tuple[float, ...] | None = None) -> Clip:
    """Standing hip extension repetitions: one straight-ish leg swings back and returns.

    At end range the thigh is ``extension_deg`` behind the vertical; ``compensation`` (0..1) sets how
    much the low back joins in: anterior pelvic tilt + 12 x compensation deg and lordosis
    + 10 x compensation deg at end range, trunk lean + 4 x compensation. The knee bends to ``knee_deg`` at end
    range (the test's almost straight knee; about 130 pulls the foot up behind, as in a standing thigh stretch).
    ``sides`` (one per repetition, default ``side`` for all) and ``extension_degs`` (likewise) make a clip of both
    legs tested in turn: each stance foot then stays where it stood at rest, so the body does not move between
    the legs' repetitions.
    """
    base = base or Posture()
    body = body or Body()
    sides = tuple(sides or (side,) * reps)
    reps = len(sides)
    ends = tuple(extension_degs or (extension_deg,) * reps)

    def end_range(leg: str, deg: float) -> Posture:
        tag = "r" if leg == "right" else "l"
        return base.replace(**{f"hip_flexion_{tag}": -deg, f"knee_flexion_{tag}": knee_deg,
                               "pelvic_tilt": base.pelvic_tilt + 12.0 * compensation,
                               "lumbar_lordosis": base.lumbar_lordosis + 10.0 * compensation,
                               "trunk_lean": base.trunk_lean + 4.0 * compensation,
                               f"foot_pitch_{tag}": -25.0,
                               "shoulder_flexion_l": 10.0, "shoulder_flexion_r": 10.0})

    both = len(set(sides)) > 1
    rest = pose_skeleton(base, body, Placement()).points

    def placement(leg: str) -> Placement:
        stance = "left" if leg == "right" else "right"
        at = (float(rest[f"{stance}_ankle"][0]), float(rest[f"{stance}_ankle"][2])) if both else (0.0, 0.0)
        return Placement(contact_feet=(stance,), feet_at=at)

    n = int(round((reps * rep_s + 1.0) * fps))
    frames = []
    for i in range(n):
        t = i / fps - 0.5
        j = min(max(int(t // rep_s), 0), reps - 1)
        if t < 0 or t >= reps * rep_s:
            s, label = 0.0, "standing"
        else:
            ph = (t % rep_s) / rep_s
            s = float(np.sin(np.pi * ph) ** 2)
            label = f"rep {j + 1}" + (f" {sides[j]}" if both else "")
        frames.append(FrameSpec(blend(base, end_range(sides[j], ends[j]), s), body, appearance or Appearance(),
                                placement(sides[j]), label=label))
    shot = Shot(camera or _side_camera(), background or Background(), imaging or Imaging())
    what = (f"{side} hip extension, {reps} repetitions to {extension_deg:g} deg" if not both else
            "hip extension of both legs in turn: " + ", ".join(f"{s} to {e:g} deg" for s, e in zip(sides, ends)))
    return Clip(name, f"Standing {what}.", fps, frames, shot, seed)


def kneeling_lunge(name: str = "kneeling_lunge", fps: float = 15.0, body: Body | None = None,
                   appearance: Appearance | None = None, camera: Camera | None = None,
                   background: Background | None = None, imaging: Imaging | None = None, seed: int = 0) -> Clip:
    """Half-kneeling hip-flexor stretch: left knee down, right foot forward; the pelvis glides
    forward so the back (left) thigh goes from vertical-ish into extension, then back."""
    body = body or Body()
    k = body.height / 1.75
    Lt, Ls = 0.245 * body.height * body.leg_ratio, 0.246 * body.height * body.leg_ratio
    n = int(round(5.0 * fps))
    frames = []
    for i in range(n):
        t = i / fps
        s = _smooth((t - 0.7) / 1.6) - _smooth((t - 3.3) / 1.2)
        back = -5.0 - 20.0 * s  # back thigh angle (extension)
        shank_lean = 8.0 + 14.0 * s  # front shank forward of vertical
        h = Lt * np.cos(np.radians(back)) + KNEE_CONTACT_RADIUS * k
        c = (h - 0.075 * k - Ls * np.cos(np.radians(shank_lean))) / Lt
        front = float(np.degrees(np.arccos(np.clip(c, -1, 1))))
        p = Posture(pelvic_tilt=10.0 + 6.0 * s, lumbar_lordosis=50.0 + 6.0 * s, trunk_lean=2.0,
                    hip_flexion_r=front, knee_flexion_r=front + shank_lean, foot_pitch_r=0.0,
                    hip_flexion_l=back, knee_flexion_l=back + 90.0, foot_pitch_l=None,
                    hip_abduction_l=2.0, hip_abduction_r=6.0,
                    shoulder_flexion_l=8.0, shoulder_flexion_r=8.0, elbow_flexion_l=20.0, elbow_flexion_r=20.0)
        label = "kneeling" if s < 0.05 else "stretch"
        frames.append(FrameSpec(p, body, appearance or Appearance(), Placement(ground_contacts=True, feet_at=(0.3, 0.0),
                                                                               contact_feet=("right",)), label=label))
    cam = camera or _side_camera(target=(0.1, 0.6, 0.0))
    shot = Shot(cam, background or Background(), imaging or Imaging())
    return Clip(name, "Half-kneeling hip-flexor stretch (left knee down): pelvis glides forward and back.",
                fps, frames, shot, seed)


def _reach_arm(posture: Posture, body: Body, tag: str, target_body: np.ndarray) -> Posture:
    """Sagittal two-link IK: shoulder flexion and elbow flexion so the wrist reaches ``target_body``
    (a body-frame point, hip midpoint at the origin)."""
    sk = pose_skeleton(posture, body, Placement(position=(0.0, 0.0, 0.0)))
    side = "left" if tag == "l" else "right"
    S = sk.points[f"{side}_shoulder"]
    d = target_body - S
    L1, L2 = 0.186 * body.height, 0.146 * body.height
    dist = float(np.clip(np.hypot(d[0], d[1]), abs(L1 - L2) + 1e-3, L1 + L2 - 1e-3))
    elbow_in = np.degrees(np.arccos((L1 ** 2 + L2 ** 2 - dist ** 2) / (2 * L1 * L2)))
    to_t = np.degrees(np.arctan2(d[0], -d[1]))  # forward of the downward vertical
    a = np.degrees(np.arccos((L1 ** 2 + dist ** 2 - L2 ** 2) / (2 * L1 * dist)))
    return posture.replace(**{f"shoulder_flexion_{tag}": float(to_t - a), f"elbow_flexion_{tag}": float(180 - elbow_in),
                              f"shoulder_abduction_{tag}": 6.0})


def thomas_test(name: str = "thomas_test", fps: float = 15.0, hanging: str = "left", thigh_deg: float = 8.0,
                knee_deg: float = 65.0, body: Body | None = None, appearance: Appearance | None = None,
                camera: Camera | None = None, background: Background | None = None, imaging: Imaging | None = None,
                seed: int = 0) -> Clip:
    """Modified Thomas test: supine at the end of a table, the other knee hugged to the chest, the
    tested leg (``hanging``) relaxed over the edge.

    The tested thigh settles to ``thigh_deg`` above the horizontal (positive = above, suggesting short
    hip flexors; negative = below) and its knee to ``knee_deg`` of flexion (under ~80 suggests a short
    rectus femoris). The clip starts with both legs hanging, then the other knee is drawn up.
    """
    body = body or Body()
    k = body.height / 1.75
    hug = "r" if hanging == "left" else "l"
    test = "l" if hanging == "left" else "r"
    table_h = 0.72
    start = Posture(pelvic_tilt=6.0, lumbar_lordosis=35.0, thoracic_kyphosis=30.0, head_forward=-3.0,
                    **{f"hip_flexion_{test}": 15.0, f"knee_flexion_{test}": 80.0, f"foot_pitch_{test}": None,
                       f"hip_flexion_{hug}": 15.0, f"knee_flexion_{hug}": 80.0, f"foot_pitch_{hug}": None})
    # tested thigh: "above horizontal" relative to the body lying flat = hip flexion of +thigh_deg
    end = start.replace(pelvic_tilt=-4.0, lumbar_lordosis=20.0,
                        **{f"hip_flexion_{test}": thigh_deg, f"knee_flexion_{test}": knee_deg,
                           f"hip_flexion_{hug}": 125.0, f"knee_flexion_{hug}": 135.0,
                           f"foot_pitch_{hug}": None})
    n = int(round(5.0 * fps))
    frames = []
    hip_y = table_h + 0.115 * k
    for i in range(n):
        t = i / fps
        s = _smooth((t - 0.8) / 2.0)
        p = blend(start, end, s)
        # hands: hug the bent knee (body frame: knee of the hugging leg), arms resting otherwise
        sk0 = pose_skeleton(p, body, Placement(position=(0.0, 0.0, 0.0)))
        knee = sk0.points["right_knee" if hug == "r" else "left_knee"]
        shin = knee + 0.07 * k * np.array([0.0, -1.0, 0.0]) + np.array([0.03, 0.0, 0.0])
        for tag in ("l", "r"):
            hand_target = shin if s > 0.3 else np.array([0.05, -0.05, 0.0])
            q = _reach_arm(p, body, tag, hand_target)
            p = blend(p, q, min(1.0, s * 1.5)) if s > 0 else p
        frames.append(FrameSpec(p, body, appearance or Appearance(), Placement(body_pitch=90.0, position=(0.0, hip_y, 0.0)),
                                (Table(x0=-1.9, x1=0.06 * k, height=table_h),), "hugging" if s > 0.5 else "lying"))
    cam = camera or _side_camera(target=(-0.35, 0.8, 0.0), distance=3.0, height=1.1)
    shot = Shot(cam, background or Background(), imaging or Imaging())
    return Clip(name, f"Modified Thomas test, {hanging} leg tested: thigh {thigh_deg:+g} deg above horizontal, "
                      f"knee flexion {knee_deg:g} deg.", fps, frames, shot, seed)


def knee_hug_on_floor(name: str = "knee_hug_on_floor", fps: float = 15.0, hugged: str = "right", other: str = "flat",
                      body: Body | None = None, appearance: Appearance | None = None, camera: Camera | None = None,
                      background: Background | None = None, imaging: Imaging | None = None, seed: int = 0) -> Clip:
    """Lying on the back on the floor (no table: nothing for a leg to hang from), the ``hugged`` knee drawn to the
    chest and held, as a user doing the Thomas test at home may film it. The ``other`` leg: ``"flat"`` (straight
    along the floor), ``"bent"`` (knee bent, foot flat on the floor) or ``"hugged"`` (both knees to the chest)."""
    body = body or Body()
    k = body.height / 1.75
    hug = "r" if hugged == "right" else "l"
    oth = "l" if hugged == "right" else "r"
    rest_other = {"flat": (0.0, 3.0), "bent": (45.0, 90.0), "hugged": (0.0, 3.0)}[other]
    start = Posture(pelvic_tilt=6.0, lumbar_lordosis=35.0, thoracic_kyphosis=30.0, head_forward=-3.0,
                    **{f"hip_flexion_{hug}": 0.0, f"knee_flexion_{hug}": 3.0, f"foot_pitch_{hug}": None,
                       f"hip_flexion_{oth}": rest_other[0], f"knee_flexion_{oth}": rest_other[1],
                       f"foot_pitch_{oth}": None})
    end = start.replace(pelvic_tilt=-4.0, lumbar_lordosis=20.0,
                        **{f"hip_flexion_{hug}": 125.0, f"knee_flexion_{hug}": 135.0})
    if other == "hugged":
        end = end.replace(**{f"hip_flexion_{oth}": 120.0, f"knee_flexion_{oth}": 135.0})
    n = int(round(5.0 * fps))
    frames = []
    for i in range(n):
        s = _smooth((i / fps - 0.8) / 2.0)
        p = blend(start, end, s)
        sk0 = pose_skeleton(p, body, Placement(position=(0.0, 0.0, 0.0)))
        shin = sk0.points["right_knee" if hug == "r" else "left_knee"] + np.array([0.03, -0.07 * k, 0.0])
        for tag in ("l", "r"):
            q = _reach_arm(p, body, tag, shin if s > 0.3 else np.array([0.05, -0.05, 0.0]))
            p = blend(p, q, min(1.0, s * 1.5)) if s > 0 else p
        frames.append(FrameSpec(p, body, appearance or Appearance(), Placement(body_pitch=90.0,
                                position=(0.0, 0.115 * k, 0.0)), label="hugging" if s > 0.5 else "lying"))
    cam = camera or _side_camera(target=(-0.35, 0.35, 0.0), distance=3.0, height=0.9)
    return Clip(name, f"Lying on the floor, {hugged} knee hugged to the chest, the other leg {other}.", fps, frames,
                Shot(cam, background or Background(), imaging or Imaging()), seed)


def prone_knee_bend(name: str = "prone_knee_bend", fps: float = 15.0, side: str = "right", max_knee: float = 115.0,
                    hip_lift: float = 8.0, body: Body | None = None, appearance: Appearance | None = None,
                    camera: Camera | None = None, background: Background | None = None, imaging: Imaging | None = None,
                    seed: int = 0, reps: int = 1) -> Clip:
    """Prone knee bend (Ely's test): lying face down on a table, one knee is bent up to ``max_knee``
    degrees; near the end the hip flexes by ``hip_lift`` (the buttock rises, a positive sign). ``reps``
    bends, 5 s apart (the knee rests straight for 0.8 s between them)."""
    body = body or Body()
    k = body.height / 1.75
    tag = "r" if side == "right" else "l"
    table_h = 0.72
    base = Posture(pelvic_tilt=12.0, lumbar_lordosis=45.0, thoracic_kyphosis=25.0, head_forward=4.0, head_pitch=-40.0,
                   foot_pitch_l=None, foot_pitch_r=None, knee_flexion_l=5.0, knee_flexion_r=5.0,
                   shoulder_abduction_l=60.0, shoulder_abduction_r=60.0, shoulder_flexion_l=60.0, shoulder_flexion_r=60.0,
                   elbow_flexion_l=100.0, elbow_flexion_r=100.0)
    n = int(round((5.0 + 5.0 * (reps - 1)) * fps))
    frames = []
    for i in range(n):
        t = i / fps
        s = sum(_smooth((t - 0.6 - 5.0 * r) / 1.8) - _smooth((t - 3.6 - 5.0 * r) / 1.2) for r in range(reps))
        lift = _smooth((s - 0.7) / 0.3) * hip_lift
        p = base.replace(**{f"knee_flexion_{tag}": 5.0 + (max_knee - 5.0) * s, f"hip_flexion_{tag}": lift,
                            "pelvic_tilt": 12.0 + lift})
        frames.append(FrameSpec(p, body, appearance or Appearance(),
                                Placement(body_pitch=-90.0, position=(0.0, table_h + 0.105 * k, 0.0)),
                                (Table(x0=-0.75, x1=1.25, height=table_h),), "bending" if s > 0.05 else "lying"))
    cam = camera or _side_camera(target=(0.1, 0.85, 0.0), distance=3.0, height=1.2)
    shot = Shot(cam, background or Background(), imaging or Imaging())
    return Clip(name, f"Prone knee bend (Ely), {side} knee to {max_knee:g} deg"
                + (f" {reps} times" if reps > 1 else "") + f", hip lifts {hip_lift:g} deg at the end.",
                fps, frames, shot, seed)


def trainer_screen(name: str = "trainer_screen", fps: float = 15.0, camera: Camera | None = None,
                   imaging: Imaging | None = None, seed: int = 0) -> Clip:
    """Several different people, one after another, each standing then doing one standing hip
    extension to their own range (a quick screen of hip-extension range)."""
    people = [
        ("average", "blue_shirt", Posture(pelvic_tilt=9.0), 22.0, 0.3),
        ("short_heavy", "red_top", Posture(pelvic_tilt=17.0, lumbar_lordosis=60.0, thoracic_kyphosis=45.0,
                                           head_forward=5.0), 10.0, 0.8),
        ("tall_slim", "striped", Posture(pelvic_tilt=4.0, lumbar_lordosis=40.0), 25.0, 0.2),
        ("female", "dark_skin", Posture(pelvic_tilt=14.0, lumbar_lordosis=56.0), 14.0, 0.6),
    ]
    frames = []
    for j, (b, a, post, ext, comp) in enumerate(people):
        c = hip_extension(fps=fps, reps=1, rep_s=2.0, extension_deg=ext, compensation=comp, body=BODIES[b],
                          appearance=APPEARANCES[a], base=post)
        for f in c.frames:
            frames.append(FrameSpec(f.posture, f.body, f.appearance, f.placement, f.props,
                                    f"person {j + 1}: {f.label}"))
    shot = Shot(camera or _side_camera(distance=3.4), BACKGROUNDS["gym"], imaging or Imaging())
    return Clip(name, "Trainer's screen: four people, each stands then does one standing right hip extension.",
                fps, frames, shot, seed, notes={"people": [{"body": p[0], "appearance": p[1], "hip_extension_deg": p[3],
                                                            "compensation": p[4]} for p in people]})


def in_turn(first: Clip, second: Clip, name: str | None = None) -> Clip:
    """Two clips of one test one after the other, as a person films both legs without stopping the camera: a first
    clip that ends away from its start (a Thomas test ends holding the knee) is played back to its start before the
    second begins (the leg let down). The first clip's shot, frame rate and seed."""
    back = first.frames[::-1] if first.frames[-1].label != first.frames[0].label else []
    return Clip(name or f"{first.name}_then_{second.name}", f"{first.description} Then: {second.description}",
                first.fps, first.frames + back + second.frames, first.shot, first.seed)


def with_helper(clip: Clip, helper: Helper | None = None) -> Clip:
    """``clip`` with a helper (:class:`.props.Helper`, default: standing on the far side of the table by the
    tested person's feet, as the lying tests' set-ups have it) in every frame."""
    helper = helper or Helper()
    frames = [replace(f, props=tuple(f.props) + (helper,)) for f in clip.frames]
    return replace(clip, description=clip.description + " A helper stands beside the table.", frames=frames)
