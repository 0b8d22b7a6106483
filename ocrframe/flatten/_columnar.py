"""Column-at-a-time conversion of whole lists, for the common well-formed case: text blocks
with their General Table pieces and characters, and table cells with theirs.

A 20,000-block response walked block by block costs a Python function call per value; here
one pass per key over the whole list (all characters of all blocks at once) and one numpy
conversion per column do the work. It applies only when every object is plain: a dict holding
only members its frame covers, string text, int or float confidences, polygons of 4 x 2 ints or
floats, cell rows and columns that are contiguous runs of non-negative ints and, when ``other``
is collected, nothing the walk would send there (a confidence outside its range, a non-finite
coordinate). Then it gives exactly what the walk gives; anything else returns False before a
row is added, and the caller walks the objects one by one.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any

import numpy as np

from ..detection import FONT_KEYS
from ._collect import CELL_KEYS, CHAR_KEYS, PIECE_KEYS, WORD_KEYS, Extraction
from ._schema import POLYGON, TEXT_POLYGON
from .arrow.columns import parallel_ranks
from .rules import CONFIDENCE_RANGE

MIN_ROWS = 16  # fewer rows than this: the walk is as fast
_NONE = type(None)
_TEXT_TYPES = frozenset({str, _NONE})
_NUMBER_TYPES = frozenset({int, float})  # bool is its own type: not a number here
_POINT_TYPES = frozenset({list, tuple})
_BLOCK_KEYS = WORD_KEYS - FONT_KEYS  # fonts take the walk
_PIECE_KEYS = PIECE_KEYS - FONT_KEYS


@dataclass
class Plain:
    """The checked columns of plain objects: text, confidences (NaN where absent) and an
    ``(n, 8)`` polygon array (NaN rows where absent)."""

    text: list[Any]
    confidence: np.ndarray
    xy: np.ndarray


def plain_columns(
    items: list[Any], allowed: frozenset[str], keys: tuple[str, str, str], strict: bool
) -> Plain | None:
    """The columns of ``items`` (text, confidence and location under ``keys``) when each is a
    plain dict with members among ``allowed``; None otherwise. ``strict``: also None when the
    walk would send a value to ``other`` (a confidence out of range, a non-finite coordinate).

    >>> plain_columns([{"t": "a", "c": 0.5}], frozenset("tc"), ("t", "c", "l"), True).text
    ['a']
    >>> plain_columns([{"t": 1}], frozenset("tc"), ("t", "c", "l"), True) is None
    True
    """
    if not set(map(type, items)) <= {dict} or not set().union(*items) <= allowed:
        return None
    text_key, conf_key, loc_key = keys
    text = values_at(items, text_key)
    if not set(map(type, text)) <= _TEXT_TYPES:
        return None
    conf = values_at(items, conf_key)
    given = [c for c in conf if c is not None] if _NONE in set(map(type, conf)) else conf
    values = _floats(given)
    if values is None:
        return None
    if strict:
        low, high = CONFIDENCE_RANGE
        if not ((values >= low) & (values <= high)).all():  # NaN compares False
            return None
    if given is conf:
        confs = values
    else:
        confs = np.full(len(conf), np.nan)
        confs[np.array([c is not None for c in conf], dtype=bool)] = values
    xy = _polygons(values_at(items, loc_key), strict)
    if xy is None:
        return None
    return Plain(text, confs, xy)


def values_at(items: list[dict[str, Any]], key: str) -> list[Any]:
    """``item.get(key)`` of each of ``items`` (dicts), at C level when every one holds it.

    >>> values_at([{"a": 1}, {"a": 2}], "a"), values_at([{"a": 1}, {}], "a")
    ([1, 2], [1, None])
    """
    try:
        return list(map(operator.itemgetter(key), items))
    except KeyError:
        return [d.get(key) for d in items]


def _polygons(locs: list[Any], strict: bool) -> np.ndarray | None:
    """``(n, 8)`` floats (NaN rows where absent), or None when some location is not a list of
    4 vertices of 2 numbers (ints or floats, not bools), or (``strict``) has a non-finite
    coordinate. A vertex is read as :func:`~ocrframe.flatten.rules.polygon` reads it: any
    pair that unpacks into two numbers.

    >>> _polygons([[[0, 1], [2, 1], [2, 3], [0, 3]], None], True).tolist()[0]
    [0.0, 1.0, 2.0, 1.0, 2.0, 3.0, 0.0, 3.0]
    >>> _polygons([[[0, 1], [2, 1], [2, 3]]], True) is None
    True
    """
    types = set(map(type, locs))
    if not types <= {list, _NONE}:
        return None
    given = [loc for loc in locs if loc is not None] if _NONE in types else locs
    if not given:
        return np.full((len(locs), 8), np.nan)
    coords = _coordinates(given)
    values = None if coords is None else _floats(coords)
    if values is None or (strict and not np.isfinite(values).all()):
        return None
    values = values.reshape(-1, 8)
    if given is locs:
        return values
    xy = np.full((len(locs), 8), np.nan)
    xy[np.array([loc is not None for loc in locs], dtype=bool)] = values
    return xy


def _coordinates(polygons: list[list[Any]]) -> list[Any] | None:
    """The 8 coordinates of each polygon of 4 vertices, in one list; None when one is not 4
    pairs. Unpacking reads each vertex once (vertices lie scattered in memory among the
    other objects of a parsed body: each pass over them costs a cache miss per vertex)."""
    out: list[Any] = []
    extend = out.extend
    try:
        for (x1, y1), (x2, y2), (x3, y3), (x4, y4) in polygons:
            extend((x1, y1, x2, y2, x3, y3, x4, y4))
    except (TypeError, ValueError):  # not 4 vertices, a vertex not a pair
        return None
    return out


def _floats(values: list[Any]) -> np.ndarray | None:
    """Float64 array of ints and floats (not bools); None when some value is not one, or is
    an integer beyond float range."""
    types = set(map(type, values))
    if not types <= _NUMBER_TYPES:
        return None
    try:
        if types == {int}:  # the common case; converting ints to int64 first is twice as fast
            return np.fromiter(values, dtype=np.int64, count=len(values)).astype(np.float64)
    except OverflowError:  # beyond int64: float conversion decides
        pass
    try:  # fromiter: a flat list of numbers, without np.array's look for nested sequences
        return np.fromiter(values, dtype=np.float64, count=len(values))
    except OverflowError:
        return None


_NO_POLYGONS = np.empty((0, 8))  # of word rows no frame keeps


@dataclass
class _Words:
    """Checked word rows (blocks or pieces) and, when needed, all their characters."""

    words: Plain
    char_counts: np.ndarray | None = None  # characters per word row
    chars: Plain | None = None

    @property
    def rows(self) -> int:
        return len(self.words.text) + (len(self.chars.text) if self.chars else 0)


def _plain_words(ex: Extraction, items: list[Any], allowed: frozenset[str]) -> _Words | None:
    if not items:
        return _Words(Plain([], np.empty(0), np.empty((0, 8))))
    strict = ex.wants("other")
    if ex.wants("words", "fonts", "other"):
        words = plain_columns(items, allowed, ("words", "confidence", "location"), strict)
    elif set(map(type, items)) <= {dict}:  # characters alone: nothing of the words is kept
        words = Plain([None] * len(items), np.full(len(items), np.nan), _NO_POLYGONS)
    else:
        words = None
    if words is None:
        return None
    if not ex.wants("chars", "other"):  # characters are not looked at
        return _Words(words)
    lists = values_at(items, "char_list")
    if not set(map(type, lists)) <= {list, _NONE}:
        return None
    counts = np.array([len(c) if c else 0 for c in lists], dtype=np.int64)
    flat = list(chain.from_iterable(c for c in lists if c))
    chars = plain_columns(flat, CHAR_KEYS, ("char", "char_confidence", "char_location"), strict)
    return None if chars is None else _Words(words, counts, chars)


def _add_words(ex: Extraction, w: _Words, ids: dict[str, Any]) -> None:
    """Append the word rows of ``w`` and their characters; ``ids`` holds a value or a list
    (one per word row) for each id column."""
    _extend(ex, "words", w.words, ids)
    if w.chars is None:
        return
    counts = w.char_counts
    starts = np.cumsum(counts) - counts
    char_ids = {key: _repeat(v, counts) if isinstance(v, list) else v for key, v in ids.items()}
    char_ids["char"] = np.arange(int(counts.sum())) - np.repeat(starts, counts)
    _extend(ex, "chars", w.chars, char_ids)


def _repeat(values: list[Any], counts: np.ndarray) -> Any:
    """Each of ``values`` repeated ``counts`` times (ints as an int array)."""
    arr = np.asarray(values)
    return np.repeat(arr, counts).tolist() if arr.dtype == object else np.repeat(arr, counts)


def _extend(
    ex: Extraction, family: str, plain: Plain, values: dict[str, Any], names=POLYGON
) -> None:
    """Append rows to ``family``: text, confidence and polygon from ``plain``, the other
    columns from ``values`` (a list or array per row, or one value for every row)."""
    columns = {**values, "text": plain.text, "confidence": plain.confidence}
    columns.update(zip(names, plain.xy.T.copy(), strict=True))
    ex.add_columns(family, len(plain.text), columns)


def add_plain_blocks(ex: Extraction, blocks: list[Any], page: int, region: int | None) -> bool:
    """Add ``blocks`` (a ``words_block_list``) with their pieces and characters in one go;
    False (nothing added) when they are not plain."""
    if not ex.wants("words", "chars", "fonts", "other"):
        return True  # the walk would add nothing
    if not set(map(type, blocks)) <= {dict}:
        return False
    items, block, piece = blocks, list(range(len(blocks))), None
    # General Table: a block, then its pieces (looked for at C level: no step per block)
    if any(map(operator.contains, blocks, repeat("words_list"))):
        items, block, piece, pieces = [], [], [], []
        for i, b in enumerate(blocks):
            items.append(b)
            block.append(i)
            piece.append(None)
            given = b.get("words_list")
            if given is None:
                continue
            if type(given) is not list:
                return False
            items += given
            pieces += given
            block += [i] * len(given)
            piece += range(len(given))
        if not set(map(type, pieces)) <= {dict} or "words_list" in set().union(*pieces):
            return False
    if len(items) < MIN_ROWS and not any("char_list" in b for b in items):
        return False
    allowed, fonts = _BLOCK_KEYS, None
    if not all(map(FONT_KEYS.isdisjoint, items)):  # Web Image's fonts (of blocks, not pieces)
        if piece is not None:
            return False
        allowed = WORD_KEYS
        if ex.wants("fonts", "other"):
            fonts = _plain_fonts(items, ex.wants("other"))
            if fonts is None:
                return False
    w = _plain_words(ex, items, allowed)
    if w is None or w.rows < MIN_ROWS:
        return False
    ids = {"page": page, "region": region, "table": None, "cell": None}
    _add_words(ex, w, {**ids, "block": block, "piece": piece})
    if fonts is not None:
        ex.add_columns("fonts", len(fonts["rank"]), {"page": page, **fonts})
    return True


def _plain_fonts(blocks: list[dict[str, Any]], strict: bool) -> dict[str, Any] | None:
    """The ``fonts`` columns of ``blocks`` (``block``, ``rank``, ``font``, ``score``): a row per
    rank up to the longer of each block's ``font_list`` and ``font_scores``, as the walk gives
    them; None unless the fonts are lists of strings and the scores lists of numbers (and,
    ``strict``, finite ones: the walk keeps the others in ``other``)."""
    names, scores = values_at(blocks, "font_list"), values_at(blocks, "font_scores")
    if not set(map(type, names)) | set(map(type, scores)) <= {list, _NONE}:
        return None
    per_font = np.fromiter((len(x) if x else 0 for x in names), np.int64, len(names))
    per_score = np.fromiter((len(x) if x else 0 for x in scores), np.int64, len(scores))
    fonts = list(chain.from_iterable(x for x in names if x))
    values = _floats(list(chain.from_iterable(x for x in scores if x)))
    if values is None or not set(map(type, fonts)) <= {str}:
        return None
    finite = np.isfinite(values)
    if strict and not finite.all():
        return None
    values[~finite] = np.nan  # beyond float range: the rules' number is None
    block, rank, ((at_font, has_font), (at_score, has_score)) = parallel_ranks(
        (per_font, per_score)
    )
    font = np.array([*fonts, None], dtype=object)[np.where(has_font, at_font, len(fonts))]
    score = np.full(len(block), np.nan)
    score[has_score] = values[at_score[has_score]]
    return {"block": block, "rank": rank, "font": font, "score": score}


def add_plain_cells(
    ex: Extraction, cells: list[Any], page: int, table: int, kind: str, region: int | None
) -> bool:
    """Add ``cells`` (a table's ``words_block_list``) with their pieces and characters in one
    go; False (nothing added) when they are not plain."""
    if not ex.wants("cells", "words", "chars", "fonts", "other"):
        return True  # the walk would add nothing
    if len(cells) < MIN_ROWS and not any(type(c) is dict and "words_list" in c for c in cells):
        return False
    strict = ex.wants("other")
    grid = plain_columns(cells, CELL_KEYS, ("words", "confidence", "location"), strict)
    if grid is None:
        return False
    spans = [_run(c.get("rows")) for c in cells] + [_run(c.get("columns")) for c in cells]
    if None in spans:
        return False
    cell_xy = _polygons(values_at(cells, "cell_location"), strict)
    if cell_xy is None:
        return False
    items, block, cell = [], [], []
    for i, c in enumerate(cells):
        given = c.get("words_list")
        if given is None:
            continue
        if type(given) is not list:
            return False
        items += given
        block += range(len(given))
        cell += [i] * len(given)
    w = _plain_words(ex, items, _PIECE_KEYS)
    if w is None or len(cells) + w.rows < MIN_ROWS:
        return False
    n = len(cells)
    (rows, row_spans), (cols, col_spans) = (
        zip(*spans[:n], strict=True),
        zip(*spans[n:], strict=True),
    )
    # The cell's own box when it is one; then the box of its text goes to text_x1..text_y4.
    has_cell = np.isfinite(cell_xy).all(axis=1)[:, None]
    text_xy = np.where(has_cell, grid.xy, np.nan)
    grid.xy = np.where(has_cell, cell_xy, grid.xy)
    values = {"page": page, "table": table, "kind": kind, "cell": list(range(n)), "row": list(rows),
              "row_span": list(row_spans), "col": list(cols), "col_span": list(col_spans),
              **dict(zip(TEXT_POLYGON, text_xy.T.copy(), strict=True))}  # fmt: skip
    _extend(ex, "cells", grid, values)
    ids = {"page": page, "region": region, "table": table}
    _add_words(ex, w, {**ids, "cell": cell, "block": block, "piece": block})
    return True


def _run(v: Any) -> tuple[int, int] | None:
    """``(start, length)`` of a contiguous ascending run of non-negative ints (the ``rows`` or
    ``columns`` of a cell), else None."""
    if type(v) is list and len(v) == 1 and type(v[0]) is int and 0 <= v[0] < 2**63:
        return v[0], 1  # the common case: one row or column
    if type(v) is not list or not v or not set(map(type, v)) <= {int} or v[0] < 0:
        return None
    if v[-1] >= 2**63 or v != list(range(v[0], v[0] + len(v))):
        return None
    return v[0], len(v)
