"""Dot leaders ("TOTAL ........ RM"): counted from the pixels, not left to the recogniser.

A CTC recogniser reads a long run of small, evenly spaced dots badly: it drops them ("CASH"
for "CASH....................") or keeps a few ("CHANGE.."), and the detector often ends a box
halfway along the run. Here a leader is three or more dot-sized blobs in a row on the text's
baseline with nothing else between them, searched along each whole row of detected boxes; the
boxes are cut around it, the text either side is recognised as usual, and the leader becomes
that many full stops joined to the text on its left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._geometry import Line, reading_order, sub_box
from ._ink import ink_mask

MIN_DOTS = 4  # fewer is an ellipsis or full stops, which the model reads fine
DOT_SIZE = 0.45  # a dot is at most this share of the letters' height, both ways
BASELINE = 0.3  # and its bottom is within this share of that height of the baseline
MIN_PITCH = 0.25  # dots of a leader are at least this share of the letters' height apart
SPACING = (0.6, 1.6)  # a run breaks where the next dot is not this many median pitches away
LEVEL_DEGREES = 2.0  # leaders are looked for in level boxes only


@dataclass
class Piece:
    """A box to recognise, or (``dots`` > 0) a dot leader of that many dots."""

    box: np.ndarray  # (4, 2) float32, TL TR BR BL
    dots: int = 0


def with_leaders(gray_img: np.ndarray, boxes: list[np.ndarray]) -> list[Piece]:
    """Detected boxes with dot leaders cut out of them, plus one leader piece per leader.

    Boxes are grouped in rows (as the page is read); each row's band, gaps between its boxes
    included, is searched for leaders. A box's remnant narrower than half the row's height (a
    dot or two the detector put next to a word) is dropped with the leader it belongs to.
    """
    level = [b for b in boxes if _is_level(b)]
    pieces = [Piece(b) for b in boxes if not _is_level(b)]
    height, width = gray_img.shape[:2]
    for row in reading_order([Line("", np.asarray(b, dtype=float), 0.0) for b in level]):
        polys = [np.asarray(line.poly, dtype=np.float32) for line in row]
        x0 = max(int(math.floor(min(p[:, 0].min() for p in polys))), 0)
        x1 = min(int(math.ceil(max(p[:, 0].max() for p in polys))), width - 1)
        y0 = max(int(round(float(np.median([p[:, 1].min() for p in polys])))), 0)
        y1 = min(int(round(float(np.median([p[:, 1].max() for p in polys])))), height - 1)
        runs = leader_runs(ink_mask(gray_img[y0 : y1 + 1, x0 : x1 + 1])) if y1 > y0 else []
        spans = [(x0 + a, x0 + b + 1) for a, b, _ in runs]
        for poly in polys:
            pieces.extend(Piece(part) for part in _outside(poly, spans, 0.5 * (y1 - y0)))
        for (a, b), (_, _, dots) in zip(spans, runs, strict=True):
            rect = np.array([[a, y0], [b, y0], [b, y1], [a, y1]], dtype=np.float32)
            pieces.append(Piece(rect, dots))
    return pieces


def leader_runs(ink: np.ndarray) -> list[tuple[int, int, int]]:
    """``(first column, last column, dots)`` of each dot leader in a row's ink mask.

    >>> ink = np.zeros((20, 120), dtype=bool)
    >>> ink[3:17, 2:20] = True  # a letter
    >>> for x in range(30, 90, 10):
    ...     ink[14:17, x : x + 3] = True  # six dots on the baseline
    >>> ink[3:17, 100:118] = True
    >>> leader_runs(ink)
    [(30, 82, 6)]
    """
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    blobs = sorted(tuple(int(v) for v in s[:4]) for s in stats[1:count])  # x, y, w, h
    if not blobs:
        return []
    # the letters' height and baseline: the row's band may hold bits of the lines around it,
    # and a leader's dots may outnumber the letters
    tallest = max(h for _, _, _, h in blobs)
    letters = [(y, h) for _, y, _, h in blobs if h >= 0.5 * tallest]
    height = float(np.median([h for _, h in letters]))
    baseline = float(np.median([y + h for y, h in letters]))
    limit = max(DOT_SIZE * height, 2.0)

    runs: list[list[tuple[int, ...]]] = []
    current: list[tuple[int, ...]] = []
    for blob in blobs:
        x, y, w, h = blob
        square = max(w, h) <= 2 * min(w, h) + 1
        if w <= limit and h <= limit and square and abs(y + h - baseline) <= BASELINE * height:
            current.append(blob)
            continue
        runs.extend(_regular(current, MIN_PITCH * height))
        current = []
    runs.extend(_regular(current, MIN_PITCH * height))
    return [(r[0][0], r[-1][0] + r[-1][2] - 1, len(r)) for r in runs]


def _regular(dots: list[tuple[int, ...]], min_pitch: float) -> list[list[tuple[int, ...]]]:
    """Runs of at least MIN_DOTS evenly spaced dots, split where the pitch jumps."""
    if len(dots) < MIN_DOTS:
        return []
    centers = np.array([x + w / 2 for x, _, w, _ in dots])
    steps = np.diff(centers)
    pitch = float(np.median(steps))
    if pitch < min_pitch:  # specks or a broken glyph, not a leader
        return []
    runs, start = [], 0
    for i, step in enumerate(steps, 1):
        if not SPACING[0] * pitch <= step <= SPACING[1] * pitch:
            runs.append(dots[start:i])
            start = i
    runs.append(dots[start:])
    return [r for r in runs if len(r) >= MIN_DOTS]


def _is_level(box: np.ndarray) -> bool:
    tl, tr, _, bl = np.asarray(box, dtype=float)
    dx, dy = tr - tl
    return dx > abs(bl[1] - tl[1]) and abs(math.degrees(math.atan2(dy, dx))) <= LEVEL_DEGREES


def _outside(box: np.ndarray, spans: list[tuple[int, int]], min_width: float) -> list:
    """The parts of a level box left and right of the given column spans."""
    left, right = float(box[:, 0].min()), float(box[:, 0].max())
    width = right - left
    if not spans or width <= 0:
        return [box]
    parts, start = [], left
    for a, b in sorted(spans):
        if b <= start or a >= right:
            continue
        if a - start >= min_width:
            parts.append((start, a))
        start = max(start, b)
    if right - start >= min_width:
        parts.append((start, right))
    return [sub_box(box, (a - left) / width, (b - left) / width) for a, b in parts]


def attach_leaders(lines: list[Line], leaders: list[Line]) -> list[Line]:
    """Join each leader line to the text line ending just left of it on the same row (text
    and dots with no space, as printed); a leader with no such neighbour stays a line."""
    out = list(lines)
    for leader in sorted(leaders, key=lambda ln: float(ln.poly[:, 0].min())):
        top, bottom = float(leader.poly[:, 1].min()), float(leader.poly[:, 1].max())
        start = float(leader.poly[:, 0].min())
        reach = bottom - top
        best = None
        for line in out:
            end = float(line.poly[:, 0].max())
            overlap = min(bottom, line.poly[:, 1].max()) - max(top, line.poly[:, 1].min())
            near = -reach <= start - end <= reach and end <= float(leader.poly[:, 0].max())
            if near and overlap > 0.5 * reach:
                if best is None or end > float(best.poly[:, 0].max()):
                    best = line
        if best is None:
            out.append(leader)
            continue
        best.text += leader.text
        best.poly = np.array([best.poly[0], leader.poly[1], leader.poly[2], best.poly[3]])
        best.chars = best.chars + leader.chars
    return out
