"""The figure's surfaces: torso from cross-sections along the spine, tapered limbs, head with a face.

The torso is lofted through rings whose back point follows the spine (offset behind the vertebral
bodies by the soft tissue over the spinous processes) and whose front point follows the belly and
chest, so the back contour and the belly/buttock silhouette change with pelvic tilt, lordosis and
kyphosis as on a real person. The pelvis rings (buttocks, lower belly, hips) move rigidly with the
pelvis. Dimensions are metres for a 1.75 m average adult and scale with :class:`~.body.Body`.
"""

from __future__ import annotations

import numpy as np

from .body import Appearance, Body
from .kinematics import Skeleton
from .mesh import Part, ellipsoid, limb, ring_points, shade

# Pelvis rings in the pelvis frame: (height above the hip-joint centres, back x, front x, half-width).
_PELVIS_RINGS = np.array([
    (-0.118, -0.030, 0.020, 0.020),
    (-0.108, -0.085, 0.050, 0.085),
    (-0.085, -0.122, 0.066, 0.138),
    (-0.045, -0.134, 0.080, 0.160),
    (0.000, -0.134, 0.088, 0.165),
    (0.040, -0.130, 0.092, 0.160),
    (0.075, -0.122, 0.094, 0.150),
])
# Gluteal and abdominal extra depth weights per pelvis ring.
_PELVIS_GLUTE_W = np.array([0.1, 0.5, 0.9, 1.0, 0.85, 0.5, 0.25])
_PELVIS_BELLY_W = np.array([0.0, 0.0, 0.05, 0.15, 0.3, 0.5, 0.65])

# Spine rings S1 (0) .. T1 top (17): back depth behind the vertebral line, front depth, half-width.
_SPINE_BACK = np.array([0.058, 0.062, 0.064, 0.064, 0.064, 0.062, 0.060, 0.058, 0.057, 0.056, 0.055,
                        0.054, 0.053, 0.052, 0.051, 0.050, 0.048, 0.046])
_SPINE_FRONT = np.array([0.140, 0.143, 0.145, 0.146, 0.147, 0.148, 0.150, 0.155, 0.160, 0.165, 0.168,
                         0.168, 0.166, 0.162, 0.156, 0.147, 0.133, 0.116])
_SPINE_HALFW = np.array([0.148, 0.142, 0.137, 0.134, 0.135, 0.139, 0.145, 0.150, 0.154, 0.157, 0.159,
                         0.160, 0.160, 0.158, 0.153, 0.143, 0.125, 0.100])
_SPINE_BELLY_W = np.array([0.7, 0.85, 1.0, 1.0, 0.95, 0.8, 0.55, 0.3, 0.1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
_SPINE_CHEST_W = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0.2, 0.5, 0.8, 1.0, 1.0, 0.8, 0.5, 0.2, 0, 0])
_WAIST_RING = 3  # rings below this (and the pelvis) are in trouser colour


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def torso(sk: Skeleton, body: Body, app: Appearance, n_around: int = 28) -> Part:
    """The trunk surface from the crotch to the base of the neck."""
    k = sk.scale
    g = body.girth
    R_p = sk.pelvis_R
    hip0 = sk.points["mid_hip"]
    # --- pelvis rings (rigid with the pelvis)
    pr = _PELVIS_RINGS.copy()
    y = pr[:, 0] * k
    back = pr[:, 1] * k * g - _PELVIS_GLUTE_W * body.buttocks / 100.0
    front = pr[:, 2] * k * g + _PELVIS_BELLY_W * body.belly / 100.0
    halfw = pr[:, 3] * k * body.hip_width * g ** 0.7
    B = hip0 + np.stack([back, y, np.zeros_like(y)], 1) @ R_p.T
    F = hip0 + np.stack([front, y, np.zeros_like(y)], 1) @ R_p.T
    lat_p = np.repeat(R_p[:, 2][None], len(y), 0)
    # --- spine rings
    n_s = len(sk.spine)
    wsp = np.clip((np.arange(n_s) - 0.0) / 7.0, 0, 1)  # 0 at S1 -> 1 at T12
    fwd = _unit((1 - wsp)[:, None] * R_p[:, 0] + wsp[:, None] * sk.thorax_R[:, 0])
    wlat = np.clip((np.arange(n_s) - 3.0) / 8.0, 0, 1)  # the waist follows the pelvis up to ~L2
    lat_s = _unit((1 - wlat)[:, None] * R_p[:, 2] + wlat[:, None] * sk.shoulder_line)
    Bs = sk.spine - _SPINE_BACK[:, None] * k * g ** 0.5 * sk.spine_front
    fs = (_SPINE_FRONT * k * g + _SPINE_BELLY_W * body.belly / 100.0 + _SPINE_CHEST_W * body.chest / 100.0)
    Fs = sk.spine + fs[:, None] * fwd
    wscale = np.where(np.arange(n_s) < 7, body.hip_width * 0.5 + 0.5, body.shoulder_width)
    hs = _SPINE_HALFW * k * wscale * g ** 0.7
    # --- neck base ring (closes the top inside the neck)
    c7 = sk.points["c7"]
    top_fwd = sk.thorax_R[:, 0]
    top_c = c7 + 0.025 * k * sk.thorax_R[:, 1] + 0.02 * k * top_fwd
    Bt = np.array([top_c - 0.03 * k * top_fwd])
    Ft = np.array([top_c + 0.03 * k * top_fwd])
    B_all = np.concatenate([B, Bs, Bt])
    F_all = np.concatenate([F, Fs, Ft])
    hw_all = np.concatenate([halfw, hs, [0.03 * k]])
    lat = np.concatenate([lat_p, lat_s, [sk.shoulder_line]])
    centre = (B_all + F_all) / 2
    dep = F_all - B_all
    rdep = np.linalg.norm(dep, axis=1) / 2
    e_dep = dep / (2 * rdep[:, None])
    e_lat = _unit(lat - np.sum(lat * e_dep, axis=1, keepdims=True) * e_dep)
    verts = ring_points(centre, e_lat, e_dep, hw_all, rdep, n_around, power=2.3)
    n_rings = len(centre)
    colors = np.zeros((n_rings - 1, n_around, 3))
    n_p = len(y)
    # heights along the trunk for stripes
    for i in range(n_rings - 1):
        if i < n_p + _WAIST_RING - 1:
            c = app.trousers
        else:
            c = app.shirt
            if app.shirt_stripes is not None and (i - n_p) % 4 in (2, 3):
                c = app.shirt_stripes
        colors[i] = c
    return Part(verts, colors, closed=True, name="torso", centers=centre)


def _sleeve(app: Appearance, long_frac: float, short_frac: float):
    cut = long_frac if app.sleeves == "long" else short_frac
    return lambda t: app.shirt if t < cut else app.skin


def arms(sk: Skeleton, body: Body, app: Appearance) -> list[Part]:
    k, g = sk.scale, body.girth
    parts = []
    for tag in ("l", "r"):
        ua = sk.segments[f"{tag}_upperarm"]
        fa = sk.segments[f"{tag}_forearm"]
        hand = sk.segments[f"{tag}_hand"]
        prof_ua = lambda t: k * g * np.interp(t, [0, 0.12, 0.5, 1], [0.046, 0.047, 0.042, 0.037])
        parts.append(limb(ua.p0, ua.p1, ua.front, prof_ua, _sleeve(app, 1.1, 0.45), cap0=0.6, cap1=1.0,
                          flat=0.95, name=f"{tag}_upperarm", n_around=14, n_rings=9))
        prof_fa = lambda t: k * g * np.interp(t, [0, 0.2, 1], [0.037, 0.039, 0.026])
        parts.append(limb(fa.p0, fa.p1, fa.front, prof_fa, _sleeve(app, 0.92, -1.0), cap0=1.0, cap1=1.0,
                          flat=lambda t: 1.0 - 0.25 * t, name=f"{tag}_forearm", n_around=12, n_rings=8))
        L = 0.17 * k
        p1 = hand.p0 + hand.axis * L
        prof_h = lambda t: k * np.interp(t, [0, 0.5, 0.8, 1], [0.030, 0.043, 0.036, 0.020])
        parts.append(limb(hand.p0, p1, hand.side, prof_h, app.skin, cap0=0.5, cap1=1.0, flat=0.42,
                          name=f"{tag}_hand", n_around=12, n_rings=7))
        # thumb
        t0 = hand.p0 + 0.02 * k * hand.axis + 0.025 * k * hand.front
        t1 = hand.p0 + 0.075 * k * hand.axis + 0.045 * k * hand.front
        parts.append(limb(t0, t1, hand.side, lambda t: k * np.interp(t, [0, 1], [0.012, 0.009]), shade(app.skin, 0.95),
                          name=f"{tag}_thumb", n_around=8, n_rings=4))
    return parts


def legs(sk: Skeleton, body: Body, app: Appearance) -> list[Part]:
    k, g = sk.scale, body.girth
    parts = []
    shorts = app.legwear == "shorts"
    for tag in ("l", "r"):
        th = sk.segments[f"{tag}_thigh"]
        sh = sk.segments[f"{tag}_shank"]
        ft = sk.segments[f"{tag}_foot"]
        prof_t = lambda t: k * g * np.interp(t, [0, 0.12, 0.5, 0.85, 1], [0.083, 0.080, 0.068, 0.055, 0.051])
        col_t = (lambda t: app.trousers if t < 0.42 else app.skin) if shorts else app.trousers
        parts.append(limb(th.p0, th.p1, th.front, prof_t, col_t, cap0=0.6, cap1=1.0, flat=0.98,
                          front_offset=lambda t: k * 0.006 * np.sin(np.pi * t), name=f"{tag}_thigh",
                          n_around=16, n_rings=10))
        prof_s = lambda t: k * g * np.interp(t, [0, 0.12, 0.32, 0.75, 0.93, 1], [0.049, 0.050, 0.055, 0.038, 0.031, 0.033])
        if shorts:
            sock = app.socks or app.skin
            col_s = lambda t: sock if t > 0.86 else app.skin
        else:
            col_s = app.trousers
        parts.append(limb(sh.p0, sh.p1, sh.front, prof_s, col_s, cap0=1.0, cap1=1.0, flat=0.92,
                          front_offset=lambda t: -k * g * np.interp(t, [0, 0.3, 0.7, 1], [0.0, 0.012, 0.006, 0.0]),
                          name=f"{tag}_shank", n_around=14, n_rings=10))
        # foot: width profile; the centre sits above the sole along the foot's up axis (ft.front)
        w = lambda t: k * np.interp(t, [0, 0.25, 0.65, 0.85, 1], [0.030, 0.037, 0.046, 0.042, 0.022])
        h = lambda t: k * np.interp(t, [0, 0.25, 0.6, 0.85, 1], [0.070, 0.085, 0.055, 0.032, 0.024])
        ankle_drop = 0.075 * k
        parts.append(limb(ft.p0, ft.p1, ft.front, w, app.shoes, cap0=0.8, cap1=0.6,
                          flat=lambda t: h(t) / 2 / w(t),
                          front_offset=lambda t: -ankle_drop + h(t) / 2, name=f"{tag}_foot",
                          n_around=14, n_rings=9))
    return parts


def head(sk: Skeleton, body: Body, app: Appearance) -> list[Part]:
    k = sk.scale * body.head_scale
    R = sk.head_R
    c1 = sk.points["c1"]
    at = lambda x, y, z=0.0: c1 + R @ (np.array([x, y, z]) * k)  # noqa: E731
    parts = []
    skin = app.skin
    neck_top = c1 + R @ (np.array([0.02, 0.0, 0]) * k)
    c7 = sk.points["c7"]
    neck_front = sk.thorax_R[:, 0]
    parts.append(limb(c7, neck_top, neck_front, lambda t: k * body.girth ** 0.5 * np.interp(t, [0, 1], [0.060, 0.054]),
                      shade(skin, 0.96), cap0=0.3, cap1=0.5, front_offset=lambda t: 0.018 * k,
                      name="neck", n_around=14, n_rings=6))
    parts.append(ellipsoid(at(0.012, 0.040), R, np.array([0.096, 0.102, 0.078]) * k, skin, name="cranium",
                           n_around=22, n_rings=16))
    parts.append(ellipsoid(at(0.052, -0.028), R, np.array([0.062, 0.064, 0.057]) * k, skin, name="jaw",
                           n_around=20, n_rings=12))
    # nose: long axis from the bridge to the tip
    Rn = R @ _rot_sag(32.0)
    parts.append(ellipsoid(at(0.114, 0.014), Rn, np.array([0.012, 0.023, 0.011]) * k, shade(skin, 0.97),
                           name="nose", depth_bias=0.012, n_around=10, n_rings=8))
    for side, sz in (("l", -1.0), ("r", 1.0)):
        parts.append(ellipsoid(at(0.095, 0.040, sz * 0.032), R, np.array([0.008, 0.0075, 0.012]) * k,
                               (245, 245, 240), name=f"{side}_eye", depth_bias=0.012, n_around=10, n_rings=6))
        parts.append(ellipsoid(at(0.101, 0.040, sz * 0.032), R, np.array([0.0035, 0.0055, 0.0055]) * k,
                               (40, 30, 25), name=f"{side}_iris", depth_bias=0.02, n_around=8, n_rings=5))
        parts.append(ellipsoid(at(0.101, 0.057, sz * 0.032), R, np.array([0.004, 0.0032, 0.015]) * k,
                               shade(app.hair, 0.9), name=f"{side}_brow", depth_bias=0.015, n_around=8,
                               n_rings=4))
        parts.append(ellipsoid(at(0.008, 0.018, sz * 0.077), R, np.array([0.014, 0.028, 0.009]) * k,
                               shade(skin, 0.88), name=f"{side}_ear", depth_bias=0.012, n_around=10, n_rings=6))
    parts.append(ellipsoid(at(0.106, -0.037), R, np.array([0.006, 0.005, 0.021]) * k, (150, 50, 55),
                           name="mouth", depth_bias=0.012, n_around=10, n_rings=5))
    if app.hair_style != "bald":
        long_hair = app.hair_style == "long"

        def keep(d):
            top = d[:, 1] > 0.42
            back = (d[:, 0] < -0.18) & (d[:, 1] > (-0.85 if long_hair else -0.35))
            return top | back

        parts.append(ellipsoid(at(0.006, 0.046), R, np.array([0.103, 0.107, 0.085]) * k, app.hair, name="hair",
                               keep=keep, depth_bias=0.004, n_around=24, n_rings=16))
        if long_hair:
            parts.append(ellipsoid(at(-0.055, -0.045), R, np.array([0.045, 0.09, 0.075]) * k, app.hair,
                                   name="hair_back", n_around=14, n_rings=8))
    return parts


def _rot_sag(deg: float) -> np.ndarray:
    """Rotation in the sagittal plane turning up (y) towards forward (x) by ``deg``."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, s, 0], [-s, c, 0], [0, 0, 1.0]])


def figure_parts(sk: Skeleton, app: Appearance | None = None) -> list[Part]:
    """All surface parts of one posed figure."""
    app = app or Appearance()
    body = sk.body
    return [torso(sk, body, app)] + legs(sk, body, app) + arms(sk, body, app) + head(sk, body, app)
