"""The ``document`` rows of a columnar read: the scalars of each body's ``result`` (direction,
counts...), one row per file, as the general walk puts them.

>>> import pyarrow as pa, numpy as np
>>> rows, bad = document_rows(pa.array([{"direction": -1, "words_block_list": []}]),
...                           np.array([1]), skip=("words_block_list",))
>>> rows.columns, bad.tolist()
({'page': [1], 'direction': [-1]}, [False])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._schema import DOCUMENT_RESERVED
from .columns import field, valid
from .rows import Rows

__all__ = ["document_rows", "scalar_columns"]

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
