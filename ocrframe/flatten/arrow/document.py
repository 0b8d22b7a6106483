"""The ``document`` rows of a columnar read: the scalars of each body's ``result`` (direction,
counts...), one row per file, as the general walk puts them.

>>> import pyarrow as pa, numpy as np
>>> rows, bad = document_rows(pa.array([{"direction": -1, "words_block_list": []}]),
...                           np.array([1]), skip=("words_block_list",))
>>> rows.columns, bad.tolist()
({'page': [1], 'direction': [-1]}, [False])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...parsing import parse_json
from .._collect import Extraction
from .._extract import extract
from .._schema import DOCUMENT_RESERVED
from .columns import field, valid
from .rows import Rows

__all__ = ["document_rows", "scalar_columns", "in_walk_key_order"]

_EXACT = 2**53  # beyond this a JSON integer read as a double may not be the integer written


def document_rows(
    result: Any,
    pages: np.ndarray,
    skip: tuple[str, ...] = (),
    extra: dict[str, list[Any]] | None = None,
) -> tuple[Rows, np.ndarray]:
    """One row per file that has any: ``page`` and each scalar key of ``result`` not in
    ``skip``, as Python values (the frame infers dtypes as the general walk's does), then the
    ``extra`` keys a reader found deeper (a value per file, None where absent). Also the
    mask of files with a value :func:`scalar_columns` refuses."""
    found, bad = scalar_columns(result, skip)
    has = np.zeros(len(pages), dtype=bool)
    for values in found.values():
        has |= valid(values)
    cols: dict[str, Any] = {name: values.to_pylist() for name, values in found.items()}
    for name, values in (extra or {}).items():
        has |= np.array([v is not None for v in values], dtype=bool)
        cols[name] = values
    keep = np.flatnonzero(has)
    cols = {"page": pages[keep].tolist(), **{k: [v[i] for i in keep] for k, v in cols.items()}}
    return Rows(cols, keep), bad


def scalar_columns(result: Any, skip: tuple[str, ...] = ()) -> tuple[dict[str, Any], np.ndarray]:
    """The scalar children of struct column ``result`` that hold a value somewhere (Arrow
    arrays, in the struct's order), but those in ``skip``; and the mask of rows with a value
    other than a plain number or boolean (strings, huge numbers: the general walk decides
    their column's type over all files; integral floats), or with a key whose name a frame
    uses already (``page``, ``source``...: the general walk names its column)."""
    import pyarrow as pa

    found: dict[str, Any] = {}
    bad = np.zeros(len(result), dtype=bool)
    for child in result.type:
        if child.name in skip or pa.types.is_struct(child.type) or pa.types.is_list(child.type):
            continue  # not a scalar: not a document key
        values = field(result, child.name)
        given = valid(values)
        if not given.any():
            continue  # no file of these holds it
        t = values.type
        if child.name in DOCUMENT_RESERVED:
            bad |= given
        elif pa.types.is_floating(t):
            # Integral values in a float column may have been written as integers ("-1" among
            # "0.5"): the general walk keeps those as ints, so let it read them.
            x = values.to_numpy(zero_copy_only=False)
            with np.errstate(invalid="ignore"):
                bad |= given & (~(np.abs(x) < _EXACT) | (x == np.round(x)))
        elif not (pa.types.is_integer(t) or pa.types.is_boolean(t) or pa.types.is_null(t)):
            bad |= given
        found[child.name] = values
    return found, bad


def in_walk_key_order(document: Rows, body_of: Callable[[int], bytes]) -> Rows:
    """``document`` with its keys in the order the general walk meets them: by the first row
    holding each, then, among keys first held by one file, in that file's order. Arrow keeps
    one order for every file, so such a file (``body_of(file)`` gives its bytes) is walked
    for its own, one per row that first holds two keys or more; a file that cannot be read
    again or parsed leaves its keys in Arrow's order.

    >>> rows = Rows({"page": [1], "direction": [0], "words_block_count": [2]}, np.array([0]))
    >>> body = b'{"result": {"words_block_count": 2, "direction": 0, "words_block_list": []}}'
    >>> list(in_walk_key_order(rows, lambda file: body).columns)
    ['page', 'words_block_count', 'direction']
    """
    names = [k for k in document.columns if k != "page"]
    first = {k: next((i for i, v in enumerate(document.columns[k]) if v is not None), -1)
             for k in names}  # fmt: skip
    held = np.bincount([r for r in first.values() if r >= 0], minlength=1)
    walked: dict[int, dict[str, int]] = {}
    for row in np.flatnonzero(held > 1).tolist():  # one key first held: nothing to order
        try:
            raw = parse_json(body_of(int(document.file[row])))
        except (OSError, ValueError):  # gone, or what pyarrow read the parser refuses
            continue
        ex = extract(raw, ex=Extraction(("document",)))
        met = dict.fromkeys(k for p in sorted(ex.document) for k in ex.document[p])
        walked[row] = {k: i for i, k in enumerate(met)}
    rank = {k: (first[k], walked.get(first[k], {}).get(k, len(names)), i)
            for i, k in enumerate(names)}  # fmt: skip
    ordered = sorted(names, key=rank.__getitem__)
    if ordered == names:
        return document
    columns = {"page": document.columns["page"], **{k: document.columns[k] for k in ordered}}
    return Rows(columns, document.file, document.order)
