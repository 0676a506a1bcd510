"""Kinematic skeleton of the synthetic figure: posture parameters -> 3D joint centres in metres.

Frames (see :mod:`vision.synthetic.posture`): the body frame has x = the person's forward, y = up,
z = the person's right, origin at the hip-joint-centre midpoint; :class:`~.posture.Placement` then
rotates (``body_pitch`` about z) and moves it into the world, whose floor is y = 0.

The pelvis is a rigid body carrying both hip joint centres, ASIS, PSIS and the top of the sacrum
(S1). Its local frame has the ASIS-PSIS line level at zero tilt; the posture's ``pelvic_tilt``
rotates it about the left-right axis (positive = front down). Landmark positions inside the pelvis
follow Harrington et al. 2007 (hip joint centre about 0.24 x pelvic depth behind, 0.30 x pelvic width
below and 0.33 x width lateral to the ASIS midpoint). The spine is a chain: 5 lumbar and 12 thoracic
segments leaving S1 perpendicular to its endplate (sacral slope = ``SACRAL_SLOPE_AT_ZERO_TILT`` +
pelvic tilt), curving back through the lordosis and forwards through the kyphosis; the L5/S1
junction angle is solved so the hip-shoulder line meets the requested trunk lean. The neck angle is
solved so the ear lands ``head_forward`` cm in front of the shoulders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .body import Body
from .posture import Placement, Posture

SACRAL_SLOPE_AT_ZERO_TILT = 30.0  # deg; ~40 deg sacral slope at the typical +10 deg tilt
N_LUMBAR = 5
N_THORACIC = 12
KNEE_CONTACT_RADIUS = 0.05  # m at 1.75 m: knee centre to the floor when kneeling


def rot_x(deg: float) -> np.ndarray:
    """Rotation about x (forward) by ``deg``: y turns towards z (up -> right)."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]], dtype=float)


def rot_y(deg: float) -> np.ndarray:
    """Rotation about y (up) by ``deg``: z turns towards x (right -> forward)."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]], dtype=float)


def rot_z(deg: float) -> np.ndarray:
    """Rotation about z (right) by ``deg``: x turns towards y (forward -> up, i.e. leaning back)."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], dtype=float)


def sagittal_dir(theta_deg: float) -> np.ndarray:
    """Unit vector in the sagittal plane at ``theta`` degrees forward of the upward vertical."""
    t = np.radians(theta_deg)
    return np.array([np.sin(t), np.cos(t), 0.0])


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _perp_towards(u: np.ndarray, ref: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Unit vector perpendicular to unit ``u`` in the direction of ``ref`` (or ``fallback``)."""
    w = ref - np.dot(ref, u) * u
    if np.linalg.norm(w) < 1e-6:
        w = fallback - np.dot(fallback, u) * u
    return _unit(w)


@dataclass
class Segment:
    """A limb segment: proximal and distal joint centres and an orthonormal frame.

    ``axis`` points from proximal to distal; ``front`` is the segment's anterior direction (for the
    shank the direction the knee bends away from, for the forearm the thumb side); ``side`` =
    axis x front.
    """

    p0: np.ndarray
    p1: np.ndarray
    front: np.ndarray

    @property
    def axis(self) -> np.ndarray:
        return _unit(self.p1 - self.p0)

    @property
    def side(self) -> np.ndarray:
        return np.cross(self.axis, self.front)

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.p1 - self.p0))


@dataclass
class Skeleton:
    """Joint centres and frames of one posed figure, in world metres (see module docstring).

    Attributes
    ----------
    points : dict of str -> ndarray (3,)
        Named points: MediaPipe landmark names (``nose``, ``left_eye``, ``left_hip`` = the left hip
        joint centre, ``left_heel``, ``left_foot_index`` ...) plus ``left_asis``, ``left_psis``, ``s1``,
        ``c7``, ``c1`` (head pivot), ``mid_hip``, ``mid_shoulder``, ``vertex``.
    spine : ndarray (18, 3)
        Vertebral-body centre line from S1 (row 0) through L5..L1 to T1 top (row 17).
    spine_front : ndarray (18, 3)
        Unit anterior normal of the spine at each point (in the sagittal plane of the trunk).
    pelvis_R, thorax_R, head_R : ndarray (3, 3)
        Columns = forward, up, right axes of the pelvis, thorax (T12->T1 chord) and head.
    segments : dict of str -> Segment
        ``l_thigh``, ``l_shank``, ``l_upperarm``, ``l_forearm`` (and ``r_``), ``l_foot`` (axis heel
        -> toe) ...
    up, right, forward : ndarray (3,)
        The body frame's axes in the world.
    lumbosacral_angle : float
        Solved extra backward turn (deg) of the spine at the L5/S1 junction, positive = more lordotic;
        the S1-to-L1 lordosis is ``posture.lumbar_lordosis + lumbosacral_angle``.
    scale : float
        Height / 1.75 m (all anthropometric offsets scale with it).
    """

    points: dict[str, np.ndarray]
    spine: np.ndarray
    spine_front: np.ndarray
    pelvis_R: np.ndarray
    thorax_R: np.ndarray
    head_R: np.ndarray
    shoulder_line: np.ndarray
    segments: dict[str, Segment]
    up: np.ndarray
    right: np.ndarray
    forward: np.ndarray
    lumbosacral_angle: float
    scale: float
    body: Body = field(default_factory=Body)
    posture: Posture = field(default_factory=Posture)

    def transformed(self, R: np.ndarray, t: np.ndarray) -> "Skeleton":
        """The same skeleton moved by rotation ``R`` then translation ``t`` (world metres)."""
        mv = lambda p: R @ p + t  # noqa: E731
        segs = {k: Segment(mv(s.p0), mv(s.p1), R @ s.front) for k, s in self.segments.items()}
        return Skeleton(
            points={k: mv(v) for k, v in self.points.items()},
            spine=self.spine @ R.T + t,
            spine_front=self.spine_front @ R.T,
            pelvis_R=R @ self.pelvis_R,
            thorax_R=R @ self.thorax_R,
            head_R=R @ self.head_R,
            shoulder_line=R @ self.shoulder_line,
            segments=segs,
            up=R @ self.up,
            right=R @ self.right,
            forward=R @ self.forward,
            lumbosacral_angle=self.lumbosacral_angle,
            scale=self.scale,
            body=self.body,
            posture=self.posture,
        )


# Pelvis landmarks in the pelvis frame at zero tilt, metres for a 1.75 m person (x fwd, y up, z right).
_HJC_HALF_WIDTH = 0.0875
_ASIS = np.array([0.046, 0.080, 0.115])
_PSIS = np.array([-0.114, 0.080, 0.045])
_S1 = np.array([-0.070, 0.110, 0.0])

# Head landmarks in the head frame (origin = head pivot C1, x fwd, y up, z right), metres at 1.75 m.
HEAD_POINTS = {
    "ear": np.array([0.010, 0.015, 0.078]),
    "eye": np.array([0.100, 0.040, 0.032]),
    "eye_inner": np.array([0.100, 0.040, 0.017]),
    "eye_outer": np.array([0.093, 0.040, 0.048]),
    "nose": np.array([0.133, 0.000, 0.0]),
    "mouth": np.array([0.110, -0.037, 0.022]),
    "vertex": np.array([0.010, 0.142, 0.0]),
}


def _spine_chain(base: np.ndarray, thetas: list[float], lengths: list[float]) -> np.ndarray:
    pts = [base]
    for th, L in zip(thetas, lengths):
        pts.append(pts[-1] + L * sagittal_dir(th))
    return np.array(pts)


def pose_skeleton(posture: Posture, body: Body | None = None, placement: Placement | None = None) -> Skeleton:
    """Pose the figure.

    Parameters
    ----------
    posture : Posture
        Joint angles (degrees) and offsets (cm), see :class:`~.posture.Posture`.
    body : Body, optional
        Proportions (default average adult, 1.75 m).
    placement : Placement, optional
        Whole-body rotation and position. With ``position=None`` the lowest foot point (or, with
        ``ground_contacts=True``, the lowest point of any joint surface) is put on the floor y = 0.

    Returns
    -------
    Skeleton
        Joint centres in world metres.
    """
    body = body or Body()
    placement = placement or Placement()
    p = posture
    k = body.height / 1.75
    hw = body.hip_width
    pts: dict[str, np.ndarray] = {}

    # --- pelvis -------------------------------------------------------------------------------
    R_p = rot_x(p.pelvic_obliquity) @ rot_z(-p.pelvic_tilt)
    scale_p = np.array([k, k, k * hw])
    for side, sz in (("left", -1.0), ("right", 1.0)):
        pts[f"{side}_hip"] = R_p @ (np.array([0.0, 0.0, sz * _HJC_HALF_WIDTH]) * scale_p)
        pts[f"{side}_asis"] = R_p @ (_ASIS * np.array([1, 1, sz]) * scale_p)
        pts[f"{side}_psis"] = R_p @ (_PSIS * np.array([1, 1, sz]) * scale_p)
    pts["mid_hip"] = np.zeros(3)
    s1 = R_p @ (_S1 * k)
    pts["s1"] = s1
    sacral_slope = SACRAL_SLOPE_AT_ZERO_TILT + p.pelvic_tilt

    # --- spine: solve the L5/S1 junction so the hip-shoulder line has the requested lean -------------
    H = body.height
    Ll = 0.100 * H / N_LUMBAR
    Lt = 0.150 * H / N_THORACIC
    lengths = [Ll] * N_LUMBAR + [Lt] * N_THORACIC
    sh_fwd, sh_down = 0.030 * k, 0.030 * k  # shoulder joint centres relative to T1 top, thorax frame
    half_sh = 0.100 * H * body.shoulder_width

    def build(delta: float, side_rot: float):
        th = []
        for i in range(N_LUMBAR):
            th.append(sacral_slope + delta - p.lumbar_lordosis * (i + 0.5) / N_LUMBAR)
        top_l = sacral_slope + delta - p.lumbar_lordosis
        for j in range(N_THORACIC):
            th.append(top_l + p.thoracic_kyphosis * (j + 0.5) / N_THORACIC)
        chain = _spine_chain(s1, th, lengths)
        # frontal lean: rotate the chain about S1
        Rs = rot_x(side_rot)
        chain = (chain - s1) @ Rs.T + s1
        chord = _unit(chain[-1] - chain[N_LUMBAR])
        fwd = _unit(np.cross(chord, Rs @ np.array([0, 0, 1.0])))  # chord x right = forward
        R_th = np.column_stack([fwd, chord, np.cross(fwd, chord)])
        mid_sh = chain[-1] + R_th @ np.array([sh_fwd, -sh_down, 0.0])
        return th, chain, R_th, mid_sh

    delta, side_rot = 0.0, 0.0
    for _ in range(12):
        th, chain, R_th, mid_sh = build(delta, side_rot)
        lean = np.degrees(np.arctan2(mid_sh[0], mid_sh[1]))
        side = np.degrees(np.arctan2(mid_sh[2], mid_sh[1]))
        delta += (p.trunk_lean - lean) * 1.15
        side_rot += (p.trunk_side_lean - side) * 1.15  # rot_x(+a) leans the chain to the right
    th, chain, R_th, mid_sh = build(delta, side_rot)
    spine = chain
    # anterior normals of the chain (perpendicular to the local tangent, in the trunk's sagittal plane)
    tang = np.gradient(spine, axis=0)
    tang /= np.linalg.norm(tang, axis=1, keepdims=True)
    right_t = R_th[:, 2]
    front = np.cross(tang, right_t)
    front /= np.linalg.norm(front, axis=1, keepdims=True)

    sh_line = rot_x(p.shoulder_tilt) @ np.array([0, 0, 1.0])
    sh_line = _unit(sh_line - np.dot(sh_line, R_th[:, 0]) * R_th[:, 0])
    pts["mid_shoulder"] = mid_sh
    pts["left_shoulder"] = mid_sh - half_sh * sh_line
    pts["right_shoulder"] = mid_sh + half_sh * sh_line
    pts["c7"] = spine[-1]

    # --- neck and head ---------------------------------------------------------------------------
    kh = k * body.head_scale
    R_h = rot_z(-p.head_pitch)
    L_neck = 0.075 * H
    ear_off = R_h @ (np.array([HEAD_POINTS["ear"][0], HEAD_POINTS["ear"][1], 0.0]) * kh)
    target_x = mid_sh[0] + p.head_forward / 100.0
    s = (target_x - ear_off[0] - spine[-1][0]) / L_neck
    s = float(np.clip(s, -0.9, 0.95))
    neck_dir = np.array([s, np.sqrt(1 - s * s), 0.0])
    neck_dir = rot_x(np.degrees(np.arctan2(R_th[2, 1], R_th[1, 1])) * 0.5) @ neck_dir
    c1 = spine[-1] + L_neck * neck_dir
    pts["c1"] = c1
    for side, sz in (("left", -1.0), ("right", 1.0)):
        for key in ("ear", "eye", "eye_inner", "eye_outer"):
            q = HEAD_POINTS[key] * np.array([1, 1, sz])
            pts[f"{side}_{key}"] = c1 + R_h @ (q * kh)
        pts[f"mouth_{side}"] = c1 + R_h @ (HEAD_POINTS["mouth"] * np.array([1, 1, sz]) * kh)
    pts["nose"] = c1 + R_h @ (HEAD_POINTS["nose"] * kh)
    pts["vertex"] = c1 + R_h @ (HEAD_POINTS["vertex"] * kh)

    # --- legs --------------------------------------------------------------------------------------
    segs: dict[str, Segment] = {}
    L_thigh = 0.245 * H * body.leg_ratio
    L_shank = 0.246 * H * body.leg_ratio
    down = np.array([0.0, -1.0, 0.0])
    fwd0 = np.array([1.0, 0.0, 0.0])
    for side, sz, tag in (("left", -1.0, "l"), ("right", 1.0, "r")):
        flex = getattr(p, f"hip_flexion_{tag}")
        abd = getattr(p, f"hip_abduction_{tag}")
        knee = getattr(p, f"knee_flexion_{tag}")
        R_t = rot_x(-sz * abd) @ rot_z(flex)
        hip = pts[f"{side}_hip"]
        knee_p = hip + L_thigh * (R_t @ down)
        segs[f"{tag}_thigh"] = Segment(hip, knee_p, R_t @ fwd0)
        R_s = R_t @ rot_z(-knee)
        ankle = knee_p + L_shank * (R_s @ down)
        segs[f"{tag}_shank"] = Segment(knee_p, ankle, R_s @ fwd0)
        pts[f"{side}_knee"] = knee_p
        pts[f"{side}_ankle"] = ankle
        pitch = getattr(p, f"foot_pitch_{tag}")
        if pitch is None:
            fdir = R_s @ fwd0
            fdir = rot_y(-sz * p.toe_out) @ fdir
            fup = R_s @ (-down)
        else:
            fdir = rot_y(-sz * p.toe_out) @ sagittal_dir(90.0 - pitch)
            fup = sagittal_dir(-pitch)
        fup = _unit(fup - np.dot(fup, fdir) * fdir)
        ka = k
        heel_back = ankle - 0.055 * ka * fdir - 0.062 * ka * fup
        toe = ankle + 0.195 * ka * fdir - 0.060 * ka * fup
        pts[f"{side}_heel"] = heel_back
        pts[f"{side}_foot_index"] = toe
        pts[f"{side}_sole_heel"] = ankle - 0.045 * ka * fdir - 0.075 * ka * fup
        pts[f"{side}_sole_toe"] = ankle + 0.19 * ka * fdir - 0.075 * ka * fup
        segs[f"{tag}_foot"] = Segment(ankle - 0.06 * ka * fdir, ankle + 0.205 * ka * fdir, fup)

    # --- arms --------------------------------------------------------------------------------------
    L_ua = 0.186 * H
    L_fa = 0.146 * H
    for side, sz, tag in (("left", -1.0, "l"), ("right", 1.0, "r")):
        f = np.radians(getattr(p, f"shoulder_flexion_{tag}"))
        a = np.radians(getattr(p, f"shoulder_abduction_{tag}"))
        e = getattr(p, f"elbow_flexion_{tag}")
        u = _unit(np.array([np.sin(f) * np.cos(a), -np.cos(f) * np.cos(a), sz * np.sin(a)]))
        sh = pts[f"{side}_shoulder"]
        elbow = sh + L_ua * u
        ufront = _perp_towards(u, fwd0, np.array([0, 1.0, 0]))
        segs[f"{tag}_upperarm"] = Segment(sh, elbow, ufront)
        ee = np.radians(e)
        fa = np.cos(ee) * u + np.sin(ee) * ufront
        ffront = _perp_towards(fa, ufront, -u)
        wrist = elbow + L_fa * fa
        segs[f"{tag}_forearm"] = Segment(elbow, wrist, ffront)
        pts[f"{side}_elbow"] = elbow
        pts[f"{side}_wrist"] = wrist
        # hand: palm faces the body (medial), thumb on the forearm's front
        pts[f"{side}_index"] = wrist + 0.085 * k * fa + 0.018 * k * ffront
        pts[f"{side}_pinky"] = wrist + 0.075 * k * fa - 0.025 * k * ffront
        pts[f"{side}_thumb"] = wrist + 0.050 * k * fa + 0.040 * k * ffront
        segs[f"{tag}_hand"] = Segment(wrist, wrist + 0.19 * k * fa, ffront)

    head_R = R_h
    sk = Skeleton(
        points=pts, spine=spine, spine_front=front, pelvis_R=R_p, thorax_R=R_th, head_R=head_R,
        shoulder_line=sh_line, segments=segs, up=np.array([0, 1.0, 0]), right=np.array([0, 0, 1.0]),
        forward=np.array([1.0, 0, 0]), lumbosacral_angle=float(-delta),
        scale=k, body=body, posture=posture,
    )

    # --- placement ---------------------------------------------------------------------------------
    R = rot_z(placement.body_pitch)
    if placement.position is not None:
        t = np.asarray(placement.position, dtype=float)
    else:
        feet = placement.contact_feet
        cand = [R @ sk.points[f"{s}_{n}"] for s in feet for n in ("sole_heel", "sole_toe")]
        if placement.ground_contacts:
            # knees: joint centre minus a typical soft-tissue radius
            for name in ("left_knee", "right_knee"):
                cand.append(R @ sk.points[name] - np.array([0, KNEE_CONTACT_RADIUS * k, 0]))
        y0 = min(c[1] for c in cand)
        t = np.array([0.0, -y0, 0.0])
        if placement.feet_at is not None:
            mid = np.mean([R @ sk.points[f"{s}_ankle"] for s in feet], axis=0)
            t[0] = placement.feet_at[0] - mid[0]
            t[2] = placement.feet_at[1] - mid[2]
    return sk.transformed(R, t)
