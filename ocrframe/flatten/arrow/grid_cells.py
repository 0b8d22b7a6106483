"""Tables and forms as columns: the ``cells`` of each table's ``words_block_list`` (grid
position from ``rows`` / ``columns``) and the table's ``outlines`` row, as the general walk
(``walk_tables`` in :mod:`ocrframe.flatten._families`) gives them.

>>> import pyarrow as pa, numpy as np
>>> start, span, bad = spans(pa.array([[2, 3], [1], [], [3, 1]]))
>>> start.tolist(), span.tolist(), bad.tolist()
([2, 1, 0, 3], [2, 1, 0, 2], [False, False, True, True])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .blocks import polygon_columns
from .columns import explode, field, lengths, repeated, strings
from .rows import Rows

__all__ = ["spans", "table_rows", "EXACT_INT"]

EXACT_INT = 2**53  # beyond this the walk's integer rule (through a float) may change a value


def spans(lists: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First index and length of each cell's ``rows`` (or ``columns``) list, and the cells
    whose list is not a non-empty run of consecutive non-negative integers (the walk keeps
    those as text blocks or sends the list to ``other``: their files go the general way)."""
    n = len(lists)
    span = lengths(lists)
    values, owner, pos = explode(lists, np.arange(n))
    v = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.int64)
    start = np.zeros(n, dtype=np.int64)
    head = pos == 0
    start[owner[head]] = v[head]
    bad = span == 0
    odd = (v != start[owner] + pos) | (v < 0) | (v >= EXACT_INT)
    bad[owner[odd]] = True
    return start, span, bad


def table_rows(
    tables: Any, file: np.ndarray, page: np.ndarray, number: np.ndarray, kind: str,
    order: tuple[np.ndarray, ...], wanted: frozenset[str],
) -> tuple[dict[str, Rows], np.ndarray]:  # fmt: skip
    """``cells`` and ``outlines`` rows of a struct column of tables (``location``,
    ``words_block_list`` of cells with ``words``, ``rows``, ``columns``), each table's
    ``file``, ``page``, ``number`` (its ``table`` id) and walk ``order``; and the mask of
    tables the general walk would read otherwise (a cell without a grid position becomes a
    ``words`` row there, a bad outline goes to ``other``)."""
    rows: dict[str, Rows] = {}
    outline, bad = polygon_columns(field(tables, "location"))
    if wanted & {"outlines", "other"}:
        keep = np.flatnonzero(~np.isnan(outline["x1"]))
        cols = {"page": page[keep], "kind": repeated(kind, len(keep)),
                "table": number[keep], **{k: v[keep] for k, v in outline.items()}}  # fmt: skip
        rows["outlines"] = Rows(cols, file[keep], tuple(o[keep] for o in order))
    # Cells without a grid are words rows in the walk: words needs this check too.
    if wanted & {"cells", "words", "other"}:
        cells, of, cell = explode(field(tables, "words_block_list"), np.arange(len(tables)))
        row, row_span, bad_rows = spans(field(cells, "rows"))
        col, col_span, bad_cols = spans(field(cells, "columns"))
        bad[of[bad_rows | bad_cols]] = True
        cols = {"page": page[of], "table": number[of],
                "kind": repeated(kind, len(cell)),
                "cell": cell, "row": row, "row_span": row_span, "col": col,
                "col_span": col_span, "text": strings(field(cells, "words"))}  # fmt: skip
        rows["cells"] = Rows(cols, file[of], tuple(o[of] for o in order) + (cell,))
    return rows, bad
