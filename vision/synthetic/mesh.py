"""Surface primitives as quad grids: lofts (tapered limbs, torso cross-sections), ellipsoids, boxes.

A :class:`Part` is a grid of vertices ``(rings, around, 3)`` in world metres. Consecutive rings are
joined by quads; ``closed`` joins the last vertex of each ring to the first. Each quad has its own
colour so clothing edges and stripes follow the surface. The renderer sorts all quads of all parts
by depth (painter's algorithm), culls those facing away and shades the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Part:
    """A quad-grid surface.

    Attributes
    ----------
    verts : ndarray (R, C, 3)
        Vertex grid in world metres.
    colors : ndarray (R - 1, C', 3)
        RGB (0..255) per quad, C' = C if ``closed`` else C - 1.
    closed : bool
        Whether each ring wraps around.
    depth_bias : float
        Metres subtracted from the quad depths before sorting (positive = drawn later, on top of
        surfaces it sits on, e.g. eyes on the face).
    double_sided : bool
        Do not cull quads facing away (flat props).
    shine : float
        Specular highlight strength, 0..1.
    name : str
        For debugging.
    centers : ndarray (R, 3) or None
        Ring centres used to orient normals outwards (default: mean of each ring).
    """

    verts: np.ndarray
    colors: np.ndarray
    closed: bool = True
    depth_bias: float = 0.0
    double_sided: bool = False
    shine: float = 0.0
    name: str = ""
    centers: np.ndarray | None = None


def shade(color, factor: float) -> tuple[float, float, float]:
    """``color`` (RGB, 0..255) scaled by ``factor``, clipped to 0..255: a lighter or darker tone of it."""
    return tuple(float(np.clip(c * factor, 0, 255)) for c in color)


def _color_grid(color, n_rings: int, n_quads_around: int) -> np.ndarray:
    """Expand a colour spec into (n_rings - 1, n_quads_around, 3).

    ``color`` may be an RGB triple, or a callable ``f(t) -> RGB`` of the ring parameter t in 0..1
    (evaluated at each quad row's middle).
    """
    rows = n_rings - 1
    if callable(color):
        t = (np.arange(rows) + 0.5) / rows
        cols = np.array([color(ti) for ti in t], dtype=float)
        return np.repeat(cols[:, None, :], n_quads_around, axis=1)
    c = np.asarray(color, dtype=float)
    return np.broadcast_to(c, (rows, n_quads_around, 3)).copy()


def ring_points(center: np.ndarray, e1: np.ndarray, e2: np.ndarray, r1: np.ndarray, r2: np.ndarray,
                n: int, power: float = 2.0) -> np.ndarray:
    """Points on superellipse rings.

    Parameters
    ----------
    center : ndarray (R, 3)
        Ring centres.
    e1, e2 : ndarray (R, 3)
        Unit axes of each ring (e.g. lateral and anterior).
    r1, r2 : ndarray (R,)
        Semi-axes along e1 and e2, metres.
    n : int
        Points per ring.
    power : float
        Superellipse exponent (2 = ellipse, larger = boxier).

    Returns
    -------
    ndarray (R, n, 3)
    """
    phi = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    c, s = np.cos(phi), np.sin(phi)
    ex = 2.0 / power
    cc = np.sign(c) * np.abs(c) ** ex
    ss = np.sign(s) * np.abs(s) ** ex
    return (center[:, None, :] + (r1[:, None] * cc[None, :])[..., None] * e1[:, None, :]
            + (r2[:, None] * ss[None, :])[..., None] * e2[:, None, :])


def limb(p0: np.ndarray, p1: np.ndarray, front: np.ndarray, profile, color, *, n_around: int = 14,
         n_rings: int = 12, cap0: float = 1.0, cap1: float = 1.0, flat: float = 1.0,
         front_offset=None, name: str = "", **kw) -> Part:
    """A tapered limb along p0 -> p1 with rounded ends.

    Parameters
    ----------
    p0, p1 : ndarray (3,)
        Joint centres at the two ends, metres.
    front : ndarray (3,)
        The limb's anterior direction (need not be exactly perpendicular to the axis).
    profile : callable
        ``r(t)`` radius in metres at fraction t (0 at p0, 1 at p1) along the axis.
    color : RGB or callable of t
        Colour spec (t covers the caps too: values below 0 and above 1 are clipped).
    cap0, cap1 : float
        Length of the rounded end caps beyond p0 / p1 as a fraction of the end radius (1 = hemisphere,
        0 = flat end).
    flat : float or callable
        Depth / width ratio of the cross-section (1 = round; < 1 flattened front-to-back), or a
        function of t.
    front_offset : callable or None
        ``o(t)`` shift of the cross-section centre along ``front`` in metres (e.g. a calf bulging
        backwards has o < 0).
    """
    axis = p1 - p0
    L = float(np.linalg.norm(axis))
    a = axis / L
    f = front - np.dot(front, a) * a
    f = f / np.linalg.norm(f)
    s = np.cross(a, f)
    r0, r1 = float(profile(0.0)), float(profile(1.0))
    n_cap = 4
    # parameter values along the axis (in metres from p0), caps as quarter circles
    ang0 = np.linspace(np.pi / 2, 0, n_cap, endpoint=False)
    ang1 = np.linspace(0, np.pi / 2, n_cap + 1)[1:]
    d_cap0 = -cap0 * r0 * np.sin(ang0)
    rad_cap0 = r0 * np.cos(ang0)
    d_mid = np.linspace(0, L, n_rings)
    rad_mid = np.array([profile(d / L) for d in d_mid], dtype=float)
    d_cap1 = L + cap1 * r1 * np.sin(ang1)
    rad_cap1 = r1 * np.cos(ang1)
    d = np.concatenate([d_cap0, d_mid, d_cap1])
    rad = np.concatenate([rad_cap0, rad_mid, rad_cap1])
    rad = np.maximum(rad, 1e-4)
    t = np.clip(d / L, 0, 1)
    off = np.array([front_offset(ti) for ti in t]) if front_offset is not None else np.zeros_like(t)
    fl = np.array([flat(ti) for ti in t]) if callable(flat) else np.full_like(t, float(flat))
    centers = p0[None, :] + d[:, None] * a[None, :] + off[:, None] * f[None, :]
    R = len(d)
    verts = ring_points(centers, np.repeat(s[None], R, 0), np.repeat(f[None], R, 0), rad, rad * fl, n_around)
    if callable(color):
        tq = np.clip((d[:-1] + d[1:]) / 2 / L, 0, 1)
        cols = np.array([color(ti) for ti in tq], dtype=float)
        colors = np.repeat(cols[:, None, :], n_around, axis=1)
    else:
        colors = _color_grid(color, R, n_around)
    return Part(verts, colors, closed=True, name=name, centers=centers, **kw)


def ellipsoid(center: np.ndarray, R: np.ndarray, radii, color, *, n_around: int = 16, n_rings: int = 12,
              name: str = "", keep=None, **kw) -> Part:
    """An ellipsoid with semi-axes ``radii`` along the columns of rotation ``R``.

    The rings run along R's second column (the "up" axis). ``keep`` is an optional callable taking the
    unit-sphere directions of the quad centres (N, 3) in the local frame and returning a bool mask of
    quads to keep (e.g. to cut a hairline); dropped quads get NaN colour and are skipped.
    """
    radii = np.asarray(radii, dtype=float)
    th = np.linspace(0, np.pi, n_rings + 1)  # from the bottom pole to the top pole
    phi = np.linspace(0, 2 * np.pi, n_around, endpoint=False)
    st, ct = np.sin(th), -np.cos(th)
    loc = np.stack([st[:, None] * np.cos(phi)[None, :], np.repeat(ct[:, None], n_around, 1),
                    st[:, None] * np.sin(phi)[None, :]], axis=-1)  # (R, C, 3) unit sphere, y = axis
    verts = (loc * radii) @ R.T + center
    colors = _color_grid(color, n_rings + 1, n_around)
    if keep is not None:
        qc = (loc[:-1] + np.roll(loc[:-1], -1, axis=1) + loc[1:] + np.roll(loc[1:], -1, axis=1)) / 4
        qc /= np.linalg.norm(qc, axis=-1, keepdims=True)
        mask = keep(qc.reshape(-1, 3)).reshape(qc.shape[:2])
        colors[~mask] = np.nan
    centers = np.repeat(center[None], n_rings + 1, 0)
    return Part(verts, colors, closed=True, name=name, centers=centers, **kw)


def box(center: np.ndarray, R: np.ndarray, size, color, *, subdiv: int = 4, name: str = "", **kw) -> list[Part]:
    """A box of full edge lengths ``size`` along the columns of ``R``, as six subdivided faces."""
    size = np.asarray(size, dtype=float) / 2
    parts = []
    g = np.linspace(-1, 1, subdiv + 1)
    for axis in range(3):
        for sgn in (-1.0, 1.0):
            o = [i for i in range(3) if i != axis]
            uu, vv = np.meshgrid(g, g, indexing="ij")
            loc = np.zeros(uu.shape + (3,))
            loc[..., axis] = sgn
            loc[..., o[0]] = uu
            loc[..., o[1]] = vv
            verts = (loc * size) @ R.T + center
            colors = _color_grid(color, subdiv + 1, subdiv)
            # the outward direction of this face is the face normal itself
            out = R[:, axis] * sgn
            centers = verts[:, :1, :] * 0 + (center - out * 10.0)  # far inside: normals point outwards
            parts.append(Part(verts, colors, closed=False, name=f"{name}_{axis}{int(sgn)}",
                              centers=centers[:, 0, :], **kw))
    return parts
