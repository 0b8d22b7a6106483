"""Which pixels of a text crop are ink: a grey image and Otsu's threshold."""

from __future__ import annotations

import numpy as np


def gray(img: np.ndarray) -> np.ndarray:
    """A float grey image (channel mean) of an RGB or grey array."""
    img = np.asarray(img, dtype=float)
    return img.mean(axis=2) if img.ndim == 3 else img


def ink_mask(gray_img: np.ndarray) -> np.ndarray:
    """True where a grey crop has ink: the darker Otsu class, or the lighter one when that is
    the minority (light text on a dark band).

    >>> crop = np.full((4, 6), 250.0); crop[1:3, 1:3] = 10
    >>> int(ink_mask(crop).sum())
    4
    """
    ink = gray_img < otsu(gray_img)
    return ~ink if ink.mean() > 0.5 else ink


def otsu(gray_img: np.ndarray) -> float:
    """Otsu's threshold of a grey image (64 bins over 0..255)."""
    hist, edges = np.histogram(gray_img, bins=64, range=(0, 256))
    centers = (edges[:-1] + edges[1:]) / 2
    weight = np.cumsum(hist)
    total = weight[-1]
    mean = np.cumsum(hist * centers)
    w0, w1 = weight[:-1], total - weight[:-1]
    valid = (w0 > 0) & (w1 > 0)
    if not valid.any():
        return float(centers[0])
    between = np.zeros_like(w0, dtype=float)
    m0 = mean[:-1][valid] / w0[valid]
    m1 = (mean[-1] - mean[:-1][valid]) / w1[valid]
    between[valid] = w0[valid] * w1[valid] * (m0 - m1) ** 2
    return float(edges[1:][int(np.argmax(between[:-1] if len(between) > 1 else between))])
