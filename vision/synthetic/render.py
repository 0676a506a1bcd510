"""Rasterise surface parts with OpenCV: painter's algorithm over depth-sorted quads, Lambert shading,
supersampling, then the camera's blur, noise and JPEG compression.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import cv2
import numpy as np

from .camera import Camera, Imaging
from .mesh import Part

SUPERSAMPLE = 2


@dataclass(frozen=True)
class Lighting:
    """Another lighting of the scene than the default (a key light above-front-left of the camera).

    Attributes
    ----------
    key : tuple of float
        Direction *towards* the key light in camera axes (x image right, y image down, z viewing
        direction): e.g. (0.5, 0.8, 0.3) lies to the right, above and behind the figure.
    ambient, diffuse, sky : float
        Shade = ambient + diffuse x Lambert + sky x (how much the surface faces up).
    bands : int
        0 for smooth shading; otherwise the Lambert term is cut into this many flat tones ("toon").
    tint : tuple of float
        RGB gain of the light.
    """

    key: tuple[float, float, float] = (-0.45, -0.9, -0.8)
    ambient: float = 0.42
    diffuse: float = 0.50
    sky: float = 0.12
    bands: int = 0
    tint: tuple[float, float, float] = (1.0, 1.0, 1.0)

    def to_dict(self) -> dict:
        return asdict(self)


def part_quads(part: Part):
    """Vertex quads (N, 4, 3), colours (N, 3), outward reference points (N, 3) of a part."""
    V = part.verts
    R, C = V.shape[:2]
    if part.closed:
        nxt = np.roll(V, -1, axis=1)
        a, b, c, d = V[:-1], nxt[:-1], nxt[1:], V[1:]
    else:
        a, b, c, d = V[:-1, :-1], V[:-1, 1:], V[1:, 1:], V[1:, :-1]
    q = np.stack([a, b, c, d], axis=2).reshape(-1, 4, 3)
    cols = part.colors.reshape(-1, 3)
    cen = part.centers if part.centers is not None else V.mean(axis=1)
    ref = ((cen[:-1] + cen[1:]) / 2)
    n_around = a.shape[1]
    ref = np.repeat(ref[:, None, :], n_around, axis=1).reshape(-1, 3)
    return q, cols, ref


def render_parts(parts: list[Part], cam: Camera, background: np.ndarray, scale: int = SUPERSAMPLE,
                 mask_names: set[str] | None = None,
                 lighting: Lighting | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Draw ``parts`` over ``background`` (float RGB at ``scale`` x the camera resolution).

    Parameters
    ----------
    parts : list of Part
        Surfaces in world metres.
    cam : Camera
        The camera.
    background : ndarray (H*scale, W*scale, 3) float32
        Image to draw on (copied).
    scale : int
        Supersampling factor of ``background``.
    mask_names : set of str or None
        If given, also return a uint8 mask (255 where a part whose name starts with one of these
        prefixes is the front-most surface), at the supersampled resolution.
    lighting : Lighting or None
        None: the default lighting (a key light from above-front-left of the camera, a sky fill).

    Returns
    -------
    image : ndarray float32 (H*scale, W*scale, 3)
    mask : ndarray uint8 or None
    """
    img = np.ascontiguousarray(background.astype(np.float32).copy())
    mask = np.zeros(img.shape[:2], np.uint8) if mask_names is not None else None
    allq, allc, allref, allbias, alld, allshine, allmask = [], [], [], [], [], [], []
    for part in parts:
        q, c, ref = part_quads(part)
        keep = np.isfinite(c[:, 0])
        q, c, ref = q[keep], c[keep], ref[keep]
        allq.append(q)
        allc.append(c)
        allref.append(ref)
        allbias.append(np.full(len(q), part.depth_bias))
        alld.append(np.full(len(q), part.double_sided))
        allshine.append(np.full(len(q), part.shine))
        is_m = mask_names is not None and any(part.name.startswith(m) for m in mask_names)
        allmask.append(np.full(len(q), is_m))
    Q = np.concatenate(allq)
    C = np.concatenate(allc)
    REF = np.concatenate(allref)
    BIAS = np.concatenate(allbias)
    DS = np.concatenate(alld)
    SH = np.concatenate(allshine)
    MK = np.concatenate(allmask)

    cam_pos = cam.position
    centre = Q.mean(axis=1)
    n = np.cross(Q[:, 2] - Q[:, 0], Q[:, 3] - Q[:, 1])
    nn = np.linalg.norm(n, axis=1)
    ok = nn > 1e-12
    n = n / np.where(ok, nn, 1.0)[:, None]
    flip = np.sum(n * (centre - REF), axis=1) < 0
    n[flip] *= -1
    view = centre - cam_pos
    facing = np.sum(n * view, axis=1) < 0
    n = np.where((~facing & DS)[:, None], -n, n)
    draw = ok & (facing | DS)
    uv, z = cam.project(Q)
    draw &= np.all(z > 0.05, axis=1)
    # lighting: a key light from above-front-left of the camera, a sky fill and a little rim
    Rc = cam.rotation
    if lighting is None:
        key = -Rc[2] * 0.8 - Rc[1] * 0.9 - Rc[0] * 0.45
        key /= np.linalg.norm(key)
        lam = np.clip(n @ key, 0, 1)
        sky = 0.5 + 0.5 * n[:, 1]
        shade = 0.42 + 0.50 * lam + 0.12 * sky
    else:
        key = np.asarray(lighting.key, dtype=float) @ Rc  # camera axes -> world
        key /= np.linalg.norm(key)
        lam = np.clip(n @ key, 0, 1)
        if lighting.bands:
            lam = np.minimum(np.floor(lam * lighting.bands + 0.5), lighting.bands) / lighting.bands
        shade = lighting.ambient + lighting.diffuse * lam + lighting.sky * (0.5 + 0.5 * n[:, 1])
    vdir = -view / np.linalg.norm(view, axis=1, keepdims=True)
    half = key + vdir
    half /= np.linalg.norm(half, axis=1, keepdims=True)
    spec = SH * np.clip(np.sum(n * half, axis=1), 0, 1) ** 24 * 90.0
    col = C * shade[:, None] + spec[:, None]
    if lighting is not None:
        col = col * np.asarray(lighting.tint, dtype=float)
    col = np.clip(col, 0, 255)
    depth = z.mean(axis=1) - BIAS
    idx = np.nonzero(draw)[0]
    idx = idx[np.argsort(-depth[idx], kind="stable")]
    pts = np.round(uv[idx] * scale * 16).astype(np.int32)
    cols = col[idx].tolist()
    mks = MK[idx].tolist()
    fill = cv2.fillConvexPoly
    if mask is None:
        for p, c in zip(pts, cols):
            fill(img, p, c, cv2.LINE_8, 4)
    else:
        for p, c, m in zip(pts, cols, mks):
            fill(img, p, c, cv2.LINE_8, 4)
            fill(mask, p, 255 if m else 0, cv2.LINE_8, 4)
    return img, mask


def finish(img: np.ndarray, cam: Camera, imaging: Imaging | None, scale: int = SUPERSAMPLE,
           rng: np.random.Generator | None = None) -> np.ndarray:
    """Downsample a supersampled float image to the camera resolution and apply ``imaging``.

    Returns an RGB uint8 image (H, W, 3).
    """
    imaging = imaging or Imaging()
    out = cv2.resize(img, (cam.width, cam.height_px), interpolation=cv2.INTER_AREA) if scale != 1 else img
    out = out * imaging.exposure
    if imaging.blur > 0:
        out = cv2.GaussianBlur(out, (0, 0), imaging.blur)
    if imaging.noise > 0:
        rng = rng or np.random.default_rng(0)
        out = out + rng.normal(0.0, imaging.noise, out.shape).astype(np.float32)
    out = np.clip(np.round(out), 0, 255).astype(np.uint8)
    if imaging.jpeg_quality is not None:
        ok, buf = cv2.imencode(".jpg", cv2.cvtColor(out, cv2.COLOR_RGB2BGR),
                               [cv2.IMWRITE_JPEG_QUALITY, int(imaging.jpeg_quality)])
        out = cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    return out
