"""Comparing regenerated media and truth with a stated tolerance, with short failure messages.

Rendering the same figure on another processor gives slightly different pixels (OpenCV and NumPy pick
other SIMD code paths; seen: at most 3 grey levels on 0.1 % of the pixels), so committed media are
compared by their decoded pixels, never by their bytes, and truth JSON by its numbers within a float
tolerance. Every assertion here fails with a summary of a few lines (never a dump of the data).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Tolerance for a re-render of the same scene (see the module docstring and sample_media/README.md):
# a pixel "differs" when one of its channels moved by more than DIFF_LEVEL grey levels; a re-render passes
# when at most MAX_DIFF_SHARE of its pixels differ and the mean absolute difference is at most MAX_MEAN_DIFF.
# A figure posed 2 degrees differently, a forearm missing or the camera moved 5 cm all exceed these many
# times over (tests/test_synthetic_samples.py renders each and checks it fails).
DIFF_LEVEL = 6
MAX_DIFF_SHARE = 0.0005
MAX_MEAN_DIFF = 0.25


@dataclass
class ImageDifference:
    """How two images of the same size differ (grey levels 0..255, largest channel difference per pixel)."""

    pixels: int
    differing: int  # pixels whose difference exceeds DIFF_LEVEL
    max_diff: int
    mean_diff: float

    @property
    def share(self) -> float:
        return self.differing / self.pixels if self.pixels else 0.0

    def within(self, max_share: float = MAX_DIFF_SHARE, max_mean: float = MAX_MEAN_DIFF) -> bool:
        return self.share <= max_share and self.mean_diff <= max_mean

    def __str__(self) -> str:
        return (f"{self.differing} of {self.pixels} pixels differ by more than {DIFF_LEVEL} grey levels "
                f"({self.share:.4%}); largest difference {self.max_diff}, mean {self.mean_diff:.3f}")


def image_difference(a: np.ndarray, b: np.ndarray, level: int = DIFF_LEVEL) -> ImageDifference:
    """Compare two uint8 images of the same shape (H, W) or (H, W, C)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise AssertionError(f"images differ in size: {a.shape} against {b.shape}")
    d = np.abs(a.astype(np.int16) - b.astype(np.int16))
    if d.ndim == 3:
        d = d.max(axis=2)
    return ImageDifference(int(d.size), int((d > level).sum()), int(d.max()) if d.size else 0,
                           float(d.mean()) if d.size else 0.0)


def assert_images_close(a: np.ndarray, b: np.ndarray, what: str = "image", max_share: float = MAX_DIFF_SHARE,
                        max_mean: float = MAX_MEAN_DIFF) -> ImageDifference:
    """Fail with a one-line summary unless ``a`` and ``b`` are the same picture within the tolerance."""
    diff = image_difference(a, b)
    if not diff.within(max_share=max_share, max_mean=max_mean):
        raise AssertionError(f"{what}: {diff} (allowed: {max_share:.3%} of pixels, mean {max_mean})")
    return diff


def read_rgb(path) -> np.ndarray:
    """Decode a PNG or JPEG file to an RGB uint8 array."""
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def truth_mismatches(a, b, rel: float = 1e-6, abs_tol: float = 1e-4, path: str = "", limit: int = 5) -> list[str]:
    """Where two JSON-like structures differ: numbers within ``rel``/``abs_tol`` count as equal.

    Returns at most ``limit`` short descriptions (``path: a != b``), empty when they agree.
    """
    out: list[str] = []

    def walk(x, y, p: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(x, bool) or isinstance(y, bool) or x is None or y is None or isinstance(x, str):
            if x != y:
                out.append(f"{p or '/'}: {_short(x)} != {_short(y)}")
        elif isinstance(x, (int, float)) and isinstance(y, (int, float)):
            if not (math.isclose(x, y, rel_tol=rel, abs_tol=abs_tol) or (math.isnan(x) and math.isnan(y))):
                out.append(f"{p or '/'}: {x!r} != {y!r}")
        elif isinstance(x, dict) and isinstance(y, dict):
            if set(x) != set(y):
                out.append(f"{p or '/'}: keys differ ({sorted(set(x) ^ set(y))[:5]})")
                return
            for k in x:
                walk(x[k], y[k], f"{p}/{k}")
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                out.append(f"{p or '/'}: lengths {len(x)} != {len(y)}")
                return
            for i, (u, v) in enumerate(zip(x, y)):
                walk(u, v, f"{p}[{i}]")
        elif type(x) is not type(y) or x != y:
            out.append(f"{p or '/'}: {_short(x)} != {_short(y)}")

    walk(a, b, path)
    return out


def assert_truth_close(a, b, what: str = "truth") -> None:
    """Fail with the first few differences unless two truth structures agree within the float tolerance."""
    bad = truth_mismatches(a, b)
    if bad:
        raise AssertionError(f"{what} differs: " + "; ".join(bad))


def _short(v, n: int = 60) -> str:
    s = repr(v)
    return s if len(s) <= n else s[: n - 3] + "..."
