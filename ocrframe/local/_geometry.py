"""Geometry shared by the local engines: quarter turns, skew, char quads, reading order."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Line:
    """One recognised text line; ``poly`` runs TL, TR, BR, BL of the text itself."""

    text: str
    poly: np.ndarray  # (4, 2) float
    confidence: float
    chars: list[tuple[str, np.ndarray, float]] = field(default_factory=list)


def rotate_upright(img: np.ndarray, quarter: int) -> np.ndarray:
    """Rotate an image anticlockwise (as displayed) by ``quarter`` x 90 degrees."""
    return np.ascontiguousarray(np.rot90(img, quarter % 4))


def unrotate_lines(lines: list[Line], quarter: int, width: int, height: int) -> None:
    """In place: map every polygon of ``lines`` from the rotated image back to the original."""
    if quarter % 4 == 0:
        return
    # size of the rotated image the points live in
    w, h = (height, width) if quarter % 2 else (width, height)
    for line in lines:
        line.poly = _back(line.poly, quarter, w, h)
        line.chars = [(c, _back(p, quarter, w, h), s) for c, p, s in line.chars]


def _back(pts: np.ndarray, quarter: int, w: int, h: int) -> np.ndarray:
    # invert np.rot90 one quarter at a time: a point (x, y) of rot90(a) is (w_a - y, x) in a,
    # where w_a is the width of a == the height of rot90(a)
    pts = np.asarray(pts, dtype=float).copy()
    for _ in range(quarter % 4):
        x, y = pts[..., 0].copy(), pts[..., 1].copy()
        pts[..., 0], pts[..., 1] = h - y, x
        w, h = h, w
    return pts


def skew_degrees(lines: list[Line]) -> float:
    """Median screen angle of the lines' reading direction (clockwise positive, y down)."""
    angles = []
    for line in lines:
        dx, dy = line.poly[1] - line.poly[0]
        if math.hypot(dx, dy) > 1:
            angles.append(math.degrees(math.atan2(dy, dx)))
    return float(np.median(angles)) if angles else 0.0


def char_quads(poly: np.ndarray, boxes: list[np.ndarray]) -> list[np.ndarray]:
    """Quads of characters inside a line polygon, from rough character boxes.

    Each box is projected onto the line's reading axis (TL -> TR); the quad takes that span on
    the top and bottom edges, so tilted lines give tilted characters inside the line.
    """
    tl, tr, br, bl = (np.asarray(p, dtype=float) for p in poly)
    axis = tr - tl
    length2 = float(axis @ axis) or 1.0
    quads = []
    for box in boxes:
        t = (np.asarray(box, dtype=float) - tl) @ axis / length2
        t0, t1 = float(np.clip(t.min(), 0, 1)), float(np.clip(t.max(), 0, 1))
        quads.append(
            np.array([_lerp(tl, tr, t0), _lerp(tl, tr, t1), _lerp(bl, br, t1), _lerp(bl, br, t0)])
        )
    return quads


def even_char_quads(poly: np.ndarray, n: int) -> list[np.ndarray]:
    """Split a line polygon into ``n`` equal character quads (when no per-char boxes exist)."""
    tl, tr, br, bl = (np.asarray(p, dtype=float) for p in poly)
    cuts = np.linspace(0, 1, n + 1)
    return [
        np.array([_lerp(tl, tr, a), _lerp(tl, tr, b), _lerp(bl, br, b), _lerp(bl, br, a)])
        for a, b in zip(cuts[:-1], cuts[1:], strict=True)
    ]


def sub_box(box: np.ndarray, start: float, end: float) -> np.ndarray:
    """The part of a quad (TL TR BR BL) between two fractions of its width."""
    tl, tr, br, bl = np.asarray(box, dtype=np.float32)
    return np.array(
        [
            tl + (tr - tl) * start,
            tl + (tr - tl) * end,
            bl + (br - bl) * end,
            bl + (br - bl) * start,
        ],
        dtype=np.float32,
    )


def _lerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    return a + (b - a) * t


def reading_order(lines: list[Line], direction: float = 0.0) -> list[list[Line]]:
    """Group lines into rows (top to bottom), each row left to right, in the text's frame.

    ``direction`` is the text's clockwise screen angle; positions are rotated back by it so a
    rotated page reads in its own order. Two lines share a row when their vertical spans
    overlap by more than half the smaller height.
    """
    theta = math.radians(direction)
    rot = np.array([[math.cos(theta), math.sin(theta)], [-math.sin(theta), math.cos(theta)]])
    items = []
    for line in lines:
        p = line.poly @ rot.T
        items.append((p[:, 1].min(), p[:, 1].max(), p[:, 0].min(), line))
    items.sort(key=lambda it: (it[0] + it[1]) / 2)
    rows: list[list[tuple]] = []
    for it in items:
        if rows:
            row = rows[-1]
            top = float(np.median([r[0] for r in row]))
            bottom = float(np.median([r[1] for r in row]))
            overlap = min(bottom, it[1]) - max(top, it[0])
            if overlap > 0.5 * min(bottom - top, it[1] - it[0]):
                row.append(it)
                continue
        rows.append([it])
    return [[it[3] for it in sorted(row, key=lambda it: it[2])] for row in rows]
