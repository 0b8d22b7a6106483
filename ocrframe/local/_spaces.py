"""Spaces the recogniser drops, put back from the pixels between its characters.

PP-OCR's recogniser often runs text together where the print has a clear space, mostly next
to punctuation: ``GST ID:000849813504``, ``WA43-A-24``, ``CASH:`` for ``CASH :``. Its CTC
output says where each character is along the crop; where the crop has a blank stretch (no
Otsu ink in any row) between two neighbouring characters at least ``ratio`` times as wide as
the ink is tall, a space goes there. Wide (CJK) characters never get one: those scripts are
written without spaces.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np

from ._ink import ink_mask

SPACE_GAP = 0.7  # blank gap, as a share of the ink height, that makes a space


def restore_spaces(text: str, centers: Sequence[float], gray: np.ndarray, ratio: float) -> str:
    """``text`` with a space between neighbouring characters where the crop is blank for at
    least ``ratio`` x the ink height; ``centers`` are the columns (crop pixels) of the text's
    non-space characters, in order. Text is returned unchanged when they do not match.

    >>> crop = np.full((20, 100), 255.0)
    >>> crop[4:16, 5:25] = 0; crop[4:16, 28:48] = 0; crop[4:16, 70:90] = 0  # A B, gap, C
    >>> restore_spaces("ABC", [15, 38, 80], crop, 0.7)
    'AB C'
    >>> restore_spaces("AB C", [15, 38, 80], crop, 0.7)
    'AB C'
    >>> restore_spaces("ABC", [15, 38, 80], crop, 2.0)
    'ABC'
    """
    solid = [i for i, ch in enumerate(text) if not ch.isspace()]
    if len(solid) != len(centers) or len(solid) < 2:
        return text
    ink = ink_mask(gray)
    rows = np.flatnonzero(ink.any(axis=1))
    if len(rows) == 0:
        return text
    min_gap = ratio * (rows[-1] - rows[0] + 1)
    inked = ink.any(axis=0)
    out = list(text)
    for k in range(len(solid) - 1, 0, -1):  # from the right: insertions keep left indices
        i, j = solid[k - 1], solid[k]
        if j != i + 1 or _wide(text[i]) or _wide(text[j]):
            continue
        lo = max(int(centers[k - 1]), 0)
        hi = min(int(np.ceil(centers[k])), len(inked) - 1)
        if _longest_blank(inked[lo : hi + 1]) >= min_gap:
            out.insert(j, " ")
    return "".join(out)


def _longest_blank(inked: np.ndarray) -> int:
    """The longest run of False in a boolean column profile."""
    best = run = 0
    for value in inked:
        run = 0 if value else run + 1
        best = max(best, run)
    return best


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")
