"""Text blocks and their characters as columns: the rows a ``words_block_list`` (or a list of
General Table pieces) gives, shared by the readers of every shape that holds such lists.

>>> import pyarrow as pa, numpy as np
>>> blocks = pa.array([{"words": "Hi", "confidence": 0.9}])
>>> rows, bad = word_rows(blocks, np.array([0]), {"page": np.array([1])})
>>> rows.columns["text"].tolist(), bad.tolist()
(['Hi'], [False])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...flatten.rules import CONFIDENCE_RANGE
from .._schema import POLYGON
from .columns import explode, field, floats, lengths, parallel_ranks, polygons, strings, valid
from .rows import Rows

__all__ = ["word_rows", "char_rows", "font_rows", "other_rows", "out_of_range", "polygon_columns"]


def out_of_range(conf: np.ndarray, given: np.ndarray) -> np.ndarray:
    """Confidences given but outside the rule's range (the general walk sends them to other).
    ``given`` (the Arrow column's validity, :func:`.columns.valid`) tells a NaN written in the
    file (out of range) from an absent value, which ``conf`` holds as NaN too."""
    low, high = CONFIDENCE_RANGE
    with np.errstate(invalid="ignore"):
        return given & ~((conf >= low) & (conf <= high))


def polygon_columns(
    arr: Any, names: list[str] = POLYGON, finite: bool = True
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Polygon columns ``names`` of a location column, and the rows whose value is not one
    (see :func:`.columns.polygons` for ``finite``)."""
    xy, _, bad = polygons(arr, finite)
    return {name: xy[:, k] for k, name in enumerate(names)}, bad


def word_rows(
    blocks: Any,
    file: np.ndarray,
    ids: dict[str, Any],
    order: tuple[np.ndarray, ...] = (),
    strict: bool = True,
) -> tuple[Rows, np.ndarray]:
    """``words`` rows of a struct column of blocks (``words``, ``confidence``, ``location``);
    ``ids`` gives the id columns (``page``, ``region``, ``block``...). Returns the rows and the
    mask of blocks the general walk would read otherwise (the caller drops their files).
    ``strict=False`` (``other`` not wanted) keeps out-of-range confidences and non-finite
    coordinates: the frame rules blank them, as they do on the general path."""
    given = field(blocks, "confidence")
    conf = floats(given)
    loc, bad = polygon_columns(field(blocks, "location"), finite=strict)
    bad = bad | ~valid(blocks)
    if strict:
        bad |= out_of_range(conf, valid(given))
    cols = {**ids, "text": strings(field(blocks, "words")), "confidence": conf, **loc}
    return Rows(cols, file, order), bad


def other_rows(items: Any, file: np.ndarray, page: np.ndarray, index: np.ndarray,
               path: str, key: str, rank: np.ndarray | None = None) -> Rows:  # fmt: skip
    """``other`` rows of the text member ``key`` of list items ``items`` (of files ``file``,
    pages ``page``, at ``index`` in their list ``path``), where given: the member no frame
    column holds, kept as the general walk keeps it (``{path}[{index}].{key}``, its text).
    ``rank``: per item, the member's place among the item's keys (rows of several members
    of one item then come in the order it writes them).

    >>> import pyarrow as pa
    >>> blocks = pa.array([{"type": "print"}, {"type": None}, {"type": "handwriting"}])
    >>> rows = other_rows(blocks, np.zeros(3, int), np.ones(3, int), np.arange(3), "result.b",
    ...                   "type")
    >>> rows.columns["path"].tolist(), rows.columns["value"].tolist(), rows.order[0].tolist()
    (['result.b[0].type', 'result.b[2].type'], ['print', 'handwriting'], [0, 2])
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    values = field(items, key)
    at = np.flatnonzero(valid(values))
    number = pa.array(index[at]).cast(pa.string())
    paths = pc.binary_join_element_wise(f"{path}[", number, f"].{key}", "")
    cols = {"page": page[at], "path": strings(paths), "value": strings(values.take(pa.array(at)))}
    return Rows(cols, file[at], (index[at],) if rank is None else (index[at], rank[at]))


def char_rows(
    blocks: Any, file: np.ndarray, ids: dict[str, Any], order: tuple[np.ndarray, ...] = ()
) -> tuple[Rows, np.ndarray, np.ndarray]:
    """``chars`` rows of the ``char_list`` of each block: the rows, the mask of bad chars'
    blocks, and each char's block index (for the caller's ids and order)."""
    chars, of_block, number = explode(field(blocks, "char_list"), np.arange(len(blocks)))
    given = field(chars, "char_confidence")
    conf = floats(given)
    loc, bad_char = polygon_columns(field(chars, "char_location"), finite=True)
    bad = np.zeros(len(blocks), dtype=bool)
    bad[of_block[bad_char | out_of_range(conf, valid(given)) | ~valid(chars)]] = True
    cols = {
        **{k: v[of_block] for k, v in ids.items()},
        "char": number,
        "text": strings(field(chars, "char")),
        "confidence": conf,
        **loc,
    }
    return Rows(cols, file[of_block], tuple(o[of_block] for o in order) + (number,)), bad, of_block


def font_rows(
    blocks: Any, file: np.ndarray, ids: dict[str, Any], strict: bool = True
) -> tuple[Rows, np.ndarray]:
    """``fonts`` rows of each block's ``font_list`` and parallel ``font_scores`` (Web Image):
    a row per rank up to the longer list, the font or the score missing past the shorter one;
    ``ids`` gives ``page`` and ``block``. Returns the rows and the mask of blocks the general
    walk would read otherwise (``strict``: a score beyond float range, which it keeps in
    ``other``).

    >>> import pyarrow as pa, numpy as np
    >>> blocks = pa.array([{"font_list": ["Arial", "SimSun"], "font_scores": [0.9]}])
    >>> rows, bad = font_rows(blocks, np.array([0]), {"page": np.array([1]),
    ...                                              "block": np.array([0])})
    >>> rows.columns["font"].tolist(), rows.columns["score"].tolist()
    (['Arial', 'SimSun'], [0.9, nan])
    """
    import pyarrow as pa

    names, scores = field(blocks, "font_list"), field(blocks, "font_scores")
    of_block, rank, (by_font, by_score) = parallel_ranks((lengths(names), lengths(scores)))

    def ranked(values: Any, where: tuple[np.ndarray, np.ndarray], kind: Any) -> Any:
        """The value at each row's rank of its block's list (null past its end)."""
        if pa.types.is_null(values.type):  # no block has the key
            return pa.nulls(len(of_block), kind)
        at, has = where
        return values.flatten().take(pa.array(at, mask=~has))

    score = ranked(scores, by_score, pa.float64())
    score_values = floats(score)
    bad = np.zeros(len(blocks), dtype=bool)
    if strict:
        bad[of_block[valid(score) & ~np.isfinite(score_values)]] = True
    cols = {**{k: v[of_block] for k, v in ids.items()}, "rank": rank,
            "font": strings(ranked(names, by_font, pa.string())),
            "score": score_values}  # fmt: skip
    return Rows(cols, file[of_block], (ids["block"][of_block], rank)), bad
