"""Ground truth of a rendered frame: true joint centres in pixels and the true angles.

Two kinds of angle are reported:

* ``angles_body`` - anatomical values in the figure's own body frame (x forward, y up, z right),
  computed from the 3D skeleton: the pelvic tilt as the clinical ASIS-PSIS angle, lordosis, hip and
  knee flexion, obliquity... These are what a perfect 3D measurement would give.
* ``angles_image`` - the same construction a 2D analysis makes from landmarks, computed with
  :mod:`analysis.geometry` from the *true* joint centres projected into the image (trunk inclination,
  hip angle shoulder-hip-knee, knee angle, thigh angle to horizontal, hip flexion relative to the
  trunk line, pelvic obliquity and shoulder tilt as seen). Compare these with the same functions
  applied to an estimator's landmarks.

All angles are degrees; signs are given in :data:`ANGLE_DOCS` (written into every truth file).
"""

from __future__ import annotations

import numpy as np

from analysis import geometry as geo
from vision.landmarks import LANDMARK_NAMES

from .camera import Camera
from .kinematics import SACRAL_SLOPE_AT_ZERO_TILT, Skeleton

EXTRA_POINTS = ("left_asis", "right_asis", "left_psis", "right_psis", "s1", "c7", "mid_hip", "mid_shoulder")

ANGLE_DOCS = {
    "angles_body": {
        "pelvic_tilt": "ASIS-PSIS line below the body-frame horizontal (mean of both sides), + = anterior tilt",
        "pelvic_tilt_left / pelvic_tilt_right": "the same per side",
        "lumbar_lordosis_s1_l1": "S1 endplate to L1 top, + = lordotic",
        "thoracic_kyphosis": "T12 to T1, + = kyphotic",
        "trunk_inclination": "hip-midpoint -> shoulder-midpoint from the body vertical, sagittal, + = forward",
        "trunk_to_world_vertical": "unsigned angle of the same line to the world vertical",
        "hip_flexion_left/right": "thigh from the body's downward vertical, sagittal, + = flexion (knee forward)",
        "hip_flexion_pelvic_left/right": "thigh relative to a pelvis whose ASIS-PSIS line is level = hip_flexion + pelvic_tilt",
        "knee_flexion_left/right": "angle between thigh and shank directions (0 = straight)",
        "pelvic_obliquity": "frontal tilt of the hip-joint line, + = left hip higher (body frame)",
        "shoulder_tilt": "frontal tilt of the shoulder-joint line, + = left shoulder higher (body frame)",
        "head_forward_cm": "ear in front of the shoulder-joint midpoint along the body's forward axis",
    },
    "angles_image": {
        "trunk_inclination": "hip-mid -> shoulder-mid from the image vertical, + = towards the way the person faces "
                             "(only when facing is 'image_right' or 'image_left'; else unsigned)",
        "hip_angle_left/right": "interior angle shoulder-hip-knee, 0..180",
        "knee_angle_left/right": "interior angle hip-knee-ankle, 0..180 (180 = straight)",
        "thigh_below_horizontal_left/right": "hip -> knee below the image horizontal, + = knee lower than hip",
        "hip_flexion_left/right": "thigh relative to the shoulder->hip line extended, + = knee forward (side views)",
        "pelvic_obliquity": "left hip raised above right hip, angle of the line to the image horizontal "
                            "(front, back and oblique views only)",
        "shoulder_tilt": "left shoulder raised above right shoulder, the same way",
    },
    "pixels": "x right, y down, (0, 0) = top-left image corner; MediaPipe's landmark * image size",
}


def view_name(azimuth: float) -> str:
    """Name of the view for a camera azimuth (degrees, 0 = front, 90 = the figure's left side)."""
    a = (azimuth + 180.0) % 360.0 - 180.0
    named = {0.0: "front", 90.0: "left", -90.0: "right", 180.0: "back", -180.0: "back"}
    for c, n in named.items():
        if abs(a - c) <= 20.0:
            return n
    fb = "front" if abs(a) < 90 else "back"
    lr = "left" if a > 0 else "right"
    return f"{fb}-{lr} oblique"


def _body_coords(sk: Skeleton, v: np.ndarray) -> np.ndarray:
    """World vector -> body-frame (forward, up, right) components."""
    return np.array([v @ sk.forward, v @ sk.up, v @ sk.right])


def _sag_angle(v: np.ndarray) -> float:
    """Sagittal angle of a body-frame vector pointing roughly up: forward of vertical, degrees."""
    return float(np.degrees(np.arctan2(v[0], v[1])))


def body_angles(sk: Skeleton) -> dict:
    """Anatomical angles from the 3D skeleton (see :data:`ANGLE_DOCS`)."""
    P = sk.points
    out = {}
    tilts = []
    for side in ("left", "right"):
        d = _body_coords(sk, P[f"{side}_asis"] - P[f"{side}_psis"])
        t = float(np.degrees(np.arctan2(-d[1], d[0])))
        out[f"pelvic_tilt_{side}"] = t
        tilts.append(t)
    out["pelvic_tilt"] = float(np.mean(tilts))
    # spine curvature from the chain directions
    sp = np.array([_body_coords(sk, p - sk.spine[0]) for p in sk.spine])
    seg = np.diff(sp, axis=0)
    th = np.degrees(np.arctan2(seg[:, 0], seg[:, 1]))
    a0 = np.radians(SACRAL_SLOPE_AT_ZERO_TILT)
    s1n = _body_coords(sk, sk.pelvis_R @ np.array([np.sin(a0), np.cos(a0), 0.0]))
    ss = _sag_angle(s1n)
    out["sacral_slope"] = ss
    out["lumbar_lordosis_s1_l1"] = float(ss - (th[4] - (th[3] - th[4]) / 2)) if len(th) > 5 else float("nan")
    out["thoracic_kyphosis"] = float((th[-1] + (th[-1] - th[-2]) / 2) - (th[5] - (th[6] - th[5]) / 2))
    trunk = _body_coords(sk, P["mid_shoulder"] - P["mid_hip"])
    out["trunk_inclination"] = _sag_angle(trunk)
    out["trunk_side_inclination"] = float(np.degrees(np.arctan2(trunk[2], trunk[1])))
    tw = P["mid_shoulder"] - P["mid_hip"]
    out["trunk_to_world_vertical"] = float(np.degrees(np.arccos(np.clip(tw[1] / np.linalg.norm(tw), -1, 1))))
    for side, tag in (("left", "l"), ("right", "r")):
        th_v = _body_coords(sk, P[f"{side}_knee"] - P[f"{side}_hip"])
        flex = float(np.degrees(np.arctan2(th_v[0], -th_v[1])))
        out[f"hip_flexion_{side}"] = flex
        out[f"hip_flexion_pelvic_{side}"] = flex + out["pelvic_tilt"]
        sh_v = P[f"{side}_ankle"] - P[f"{side}_knee"]
        tv = P[f"{side}_knee"] - P[f"{side}_hip"]
        out[f"knee_flexion_{side}"] = float(geo.angle_between(tv, sh_v))
        out[f"hip_abduction_{side}"] = float(np.degrees(np.arctan2((-1 if side == "left" else 1) * th_v[2], -th_v[1])))
    hl = _body_coords(sk, P["left_hip"] - P["right_hip"])
    out["pelvic_obliquity"] = float(np.degrees(np.arctan2(hl[1], np.hypot(hl[0], -hl[2]))))
    sl = _body_coords(sk, P["left_shoulder"] - P["right_shoulder"])
    out["shoulder_tilt"] = float(np.degrees(np.arctan2(sl[1], np.hypot(sl[0], -sl[2]))))
    ear = (P["left_ear"] + P["right_ear"]) / 2
    out["head_forward_cm"] = float(_body_coords(sk, ear - P["mid_shoulder"])[0] * 100.0)
    out["lumbosacral_angle"] = sk.lumbosacral_angle
    return out


def facing(sk: Skeleton, cam: Camera) -> tuple[str, int]:
    """Which way the person faces in the image: ('image_right', +1), ('image_left', -1) or
    ('toward_camera' / 'away_from_camera', 0) when the forward axis is mostly along the view."""
    p0 = sk.points["mid_hip"]
    uv, _ = cam.project(np.stack([p0, p0 + 0.3 * sk.forward]))
    dx = uv[1, 0] - uv[0, 0]
    f_cam = cam.to_camera(p0 + sk.forward) - cam.to_camera(p0)
    horiz = np.hypot(f_cam[0], f_cam[2])
    if abs(f_cam[0]) > 0.6 * horiz:
        return ("image_right", 1) if dx > 0 else ("image_left", -1)
    return ("toward_camera", 0) if f_cam[2] < 0 else ("away_from_camera", 0)


def image_angles(px: dict[str, np.ndarray], face_sign: int) -> dict:
    """2D angles from pixel positions (any estimator's or the truth's), see :data:`ANGLE_DOCS`."""
    g = {k: np.asarray(v, dtype=float) for k, v in px.items()}
    mid_hip = (g["left_hip"] + g["right_hip"]) / 2
    mid_sh = (g["left_shoulder"] + g["right_shoulder"]) / 2
    inc = float(geo.inclination_to_vertical(mid_hip, mid_sh))
    out = {"trunk_inclination": inc * face_sign if face_sign else abs(inc)}
    for side in ("left", "right"):
        sh, hip, knee, ank = (g[f"{side}_{n}"] for n in ("shoulder", "hip", "knee", "ankle"))
        out[f"hip_angle_{side}"] = float(geo.angle_at(sh, hip, knee))
        out[f"knee_angle_{side}"] = float(geo.angle_at(hip, knee, ank))
        out[f"thigh_below_horizontal_{side}"] = float(geo.angle_below_horizontal(hip, knee))
        if face_sign:
            out[f"hip_flexion_{side}"] = float(geo.signed_angle_2d(hip - sh, knee - hip)) * face_sign
    if not face_sign:  # the hip and shoulder lines are only seen in front, back and oblique views
        out["pelvic_obliquity"] = float(geo.elevation_angle(g["left_hip"], g["right_hip"]))
        out["shoulder_tilt"] = float(geo.elevation_angle(g["left_shoulder"], g["right_shoulder"]))
    return out


def _r(x, nd=2):
    return None if x is None or not np.isfinite(x) else round(float(x), nd)


def frame_truth(sk: Skeleton, cam: Camera) -> dict:
    """The truth record of one frame (JSON-ready: floats rounded to 0.01 px / 0.01 deg / 1 mm)."""
    names = list(LANDMARK_NAMES) + list(EXTRA_POINTS)
    world = np.stack([sk.points[n] for n in names])
    uv, z = cam.project(world)
    px = {n: uv[i] for i, n in enumerate(names)}
    fname, fsign = facing(sk, cam)
    ang_b = body_angles(sk)
    ang_i = image_angles(px, fsign)
    h, w = cam.height_px, cam.width
    inside = (uv[:, 0] >= 0) & (uv[:, 0] < w) & (uv[:, 1] >= 0) & (uv[:, 1] < h) & (z > 0)
    return {
        "landmarks_px": {n: [_r(uv[i, 0]), _r(uv[i, 1])] for i, n in enumerate(LANDMARK_NAMES)},
        "landmarks_outside_frame": [n for i, n in enumerate(LANDMARK_NAMES) if not inside[i]],
        "landmarks_world_m": {n: [_r(c, 3) for c in sk.points[n]] for n in LANDMARK_NAMES},
        "extra_points_px": {n: [_r(px[n][0]), _r(px[n][1])] for n in EXTRA_POINTS},
        "extra_points_world_m": {n: [_r(c, 3) for c in sk.points[n]] for n in EXTRA_POINTS},
        "facing": fname,
        "angles_body": {k: _r(v) for k, v in ang_b.items()},
        "angles_image": {k: _r(v) for k, v in ang_i.items()},
    }


def landmark_array(truth_frame: dict) -> np.ndarray:
    """(33, 2) array of true pixel positions in MediaPipe order from a frame truth record."""
    lp = truth_frame["landmarks_px"]
    return np.array([[np.nan if v is None else v for v in lp[n]] for n in LANDMARK_NAMES], dtype=float)
