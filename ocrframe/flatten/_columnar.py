"""Column-at-a-time conversion of a whole block list, for the common well-formed case.

A 20,000-block response walked block by block costs a Python function call per value; here a
list comprehension per key and one pyarrow conversion per column do the work. It applies only
when every block is plain (a dict with string ``words``, numeric ``confidence``, a 4 x 2
numeric ``location``, no other keys this frame family would have to send to ``other``) and
gives exactly what the block-by-block walk gives; anything else returns False and the caller
walks the blocks one by one.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np

from ._collect import Extraction
from ._schema import POLYGON
from .rules import CONFIDENCE_RANGE

_PLAIN = frozenset({"words", "confidence", "location"})
_WITH_CHARS = _PLAIN | {"char_list"}


_NUMBER_TYPES = frozenset({int, float})
_TEXT_TYPES = frozenset({str, type(None)})


def add_plain_blocks(ex: Extraction, blocks: list[Any], page: int, region: int | None) -> bool:
    """Add ``blocks`` as words rows in one go; False (nothing added) when they are not plain."""
    n = len(blocks)
    if n < 64 or not ex.wants("words"):
        return False
    # Characters are skipped unless someone asked for them (or for other, which checks them).
    allowed = _PLAIN if ex.wants("chars", "other", "fonts") else _WITH_CHARS
    if set(map(type, blocks)) != {dict} or not set().union(*blocks) <= allowed:
        return False
    text = [b.get("words") for b in blocks]
    conf = [b.get("confidence") for b in blocks]
    if not set(map(type, text)) <= _TEXT_TYPES:
        return False
    if not set(map(type, conf)) <= _NUMBER_TYPES | {type(None)}:  # bool is its own type
        return False
    polygons = _polygons([b.get("location") for b in blocks], n)
    if polygons is None:
        return False
    xy, present = polygons
    try:
        confs = np.array(conf, dtype=np.float64)
    except OverflowError:
        return False
    if ex.wants("other"):  # values the walk would also send to other: let it
        low, high = CONFIDENCE_RANGE
        given = np.array([c is not None for c in conf])
        with np.errstate(invalid="ignore"):
            if (given & ~((confs >= low) & (confs <= high))).any():
                return False
        if not np.isfinite(xy[present]).all():
            return False
    cols = ex.cols["words"]
    cols["page"].extend([page] * n)
    cols["region"].extend([region] * n)
    cols["table"].extend([None] * n)
    cols["cell"].extend([None] * n)
    cols["piece"].extend([None] * n)
    cols["block"].extend(range(n))
    cols["text"].extend(text)
    cols["confidence"].extend(confs.tolist())
    for k, name in enumerate(POLYGON):
        cols[name].extend(xy[:, k].tolist())
    ex.counts["words"] += n
    return True


def _polygons(locs: list[Any], n: int) -> tuple[np.ndarray, np.ndarray] | None:
    """``(n, 8)`` floats (NaN rows where absent) and the mask of present locations, or None
    when some location is not 4 vertices of 2 numbers (ints or floats, not bools)."""
    present = np.array([loc is not None for loc in locs], dtype=bool)
    given = [loc for loc in locs if loc is not None]
    xy = np.full((n, 8), np.nan)
    if not given:
        return xy, present
    if set(map(type, given)) != {list} or set(map(len, given)) != {4}:
        return None
    vertices = list(chain.from_iterable(given))
    if set(map(type, vertices)) != {list} or set(map(len, vertices)) != {2}:
        return None
    coords = list(chain.from_iterable(vertices))
    if not set(map(type, coords)) <= _NUMBER_TYPES:
        return None
    try:
        xy[present] = np.array(coords, dtype=np.float64).reshape(-1, 8)
    except OverflowError:  # an integer beyond float range: the walk says what to do
        return None
    return xy, present
