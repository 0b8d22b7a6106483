"""Column schemas of every frame, and the builder that turns column lists into a DataFrame.

One place defines names and dtypes, so empty results still give frames with the full schema.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import rules
from .rules import confidence_array, polygon_columns

POLYGON = ["x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4"]
BBOX = ["x_min", "y_min", "x_max", "y_max"]
TEXT_POLYGON = ["text_" + c for c in POLYGON]

FLOAT, INT, NULLABLE_INT, STR, OBJ, BOOL = "float64", "int64", "Int64", "str", "object", "boolean"
# Each dtype looked up once: pandas resolves a dtype name by asking every registered dtype,
# which costs as much as wrapping a short column.
DTYPES = {d: pd.api.types.pandas_dtype(d) for d in (FLOAT, INT, NULLABLE_INT, STR, OBJ, BOOL)}

_GEOM = [(c, FLOAT) for c in POLYGON + BBOX]

SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "words": [
        ("page", INT),
        ("region", NULLABLE_INT),
        ("table", NULLABLE_INT),
        ("cell", NULLABLE_INT),
        ("block", INT),
        ("piece", NULLABLE_INT),
        ("text", STR),
        ("confidence", FLOAT),
        *_GEOM,
    ],
    "chars": [
        ("page", INT),
        ("region", NULLABLE_INT),
        ("table", NULLABLE_INT),
        ("cell", NULLABLE_INT),
        ("block", INT),
        ("piece", NULLABLE_INT),
        ("char", INT),
        ("text", STR),
        ("confidence", FLOAT),
        *_GEOM,
    ],
    # One row per word as the engine segments it (other engines; Huawei's blocks are lines):
    # ``block`` is the line (row of ``words``) holding it.
    "tokens": [
        ("page", INT),
        ("block", NULLABLE_INT),
        ("token", INT),
        ("text", STR),
        ("confidence", FLOAT),
        *_GEOM,
    ],
    "cells": [
        ("page", INT),
        ("table", INT),
        ("kind", STR),
        ("cell", INT),
        ("row", INT),
        ("col", INT),
        ("row_span", INT),
        ("col_span", INT),
        ("text", STR),
        ("confidence", FLOAT),
        *_GEOM,
        *[(c, FLOAT) for c in TEXT_POLYGON],
    ],
    "outlines": [("page", INT), ("kind", STR), ("table", INT), *_GEOM],
    "kv": [
        ("page", INT),
        ("pair", INT),
        ("key", STR),
        ("value", STR),
        ("confidence", FLOAT),
        ("n_boxes", INT),
        ("group", STR),
    ],
    "kv_boxes": [("page", INT), ("pair", INT), ("box", INT), ("role", STR), ("text", STR), *_GEOM],
    "layout": [
        ("page", INT),
        ("block", INT),
        ("type", STR),
        ("text", STR),
        ("words_ids", OBJ),
        ("table_id", NULLABLE_INT),
        ("form_id", NULLABLE_INT),
        ("formula_id", NULLABLE_INT),
        *_GEOM,
    ],
    "formulas": [("page", INT), ("formula", INT), ("text", STR), ("type", STR), *_GEOM],
    "fields": [
        ("page", INT),
        ("group", STR),
        ("field", STR),
        ("field_norm", STR),
        ("item", NULLABLE_INT),
        ("value", STR),
        ("value_norm", STR),
        ("confidence", FLOAT),
        *_GEOM,
    ],
    "alarms": [("page", INT), ("check", STR), ("flagged", BOOL), ("score", FLOAT), ("group", STR)],
    "plates": [
        ("page", INT),
        ("plate", INT),
        ("text", STR),
        ("province", STR),
        ("color", STR),
        ("confidence", FLOAT),
        *_GEOM,
    ],
    "fonts": [("page", INT), ("block", INT), ("rank", INT), ("font", STR), ("score", FLOAT)],
    "document": [("page", INT)],
    "other": [("page", INT), ("path", STR), ("value", STR)],
}

FRAMES: tuple[str, ...] = tuple(SCHEMAS)

# What a row that gives no value for a column holds there (NA unless named here): ``group``,
# the list element or nested object a row belongs to, is "" for the top level.
MISSING: dict[str, Any] = {"group": ""}

# Which response a row comes from: a batch puts these first in every frame.
ID_COLUMNS: tuple[str, ...] = ("source", "api", "vendor")
# Names a key of the response may not take as a ``document`` column: it keeps its path.
DOCUMENT_RESERVED: frozenset[str] = frozenset((*ID_COLUMNS, *(c for c, _ in SCHEMAS["document"])))


def build_frame(name: str, columns: dict[str, Any]) -> pd.DataFrame:
    """Build frame ``name`` from columns (lists or arrays; missing ones are filled with NA).

    Both flattening paths end here, so the array rules of :mod:`ocrframe.flatten.rules`
    (confidence range, complete-or-absent polygons) apply to every frame the same way, and
    polygon columns get the derived bounding box. Extra columns (``document`` frame) are
    appended after the schema's, with inferred dtypes. Arrays given are handed over: the
    frame holds them without a copy into one block (which would double the peak memory).

    >>> build_frame("fonts", {"page": [1], "block": [0], "rank": [0], "score": [0.8]})
       page  block  rank font  score
    0     1      0     0  NaN    0.8
    """
    schema = SCHEMAS[name]
    n = max((len(v) for v in columns.values()), default=0)
    data: dict[str, Any] = {}
    for col, dtype in schema:
        if col in BBOX:
            continue
        values = columns.get(col)
        if values is None and col in MISSING:
            values = [MISSING[col]] * n
        data[col] = column_array(values, dtype, n)
    if "confidence" in data:
        data["confidence"] = confidence_array(data["confidence"])
    for names in (POLYGON, TEXT_POLYGON):
        if names[0] in data:
            data.update(zip(names, polygon_columns([data[c] for c in names]), strict=True))
    if "x1" in data:
        # Polygons are complete or absent (polygon_columns), so min/max equal nanmin/nanmax.
        xs = [data[c] for c in ("x1", "x2", "x3", "x4")]
        ys = [data[c] for c in ("y1", "y2", "y3", "y4")]
        data["x_min"] = np.minimum(np.minimum(xs[0], xs[1]), np.minimum(xs[2], xs[3]))
        data["y_min"] = np.minimum(np.minimum(ys[0], ys[1]), np.minimum(ys[2], ys[3]))
        data["x_max"] = np.maximum(np.maximum(xs[0], xs[1]), np.maximum(xs[2], xs[3]))
        data["y_max"] = np.maximum(np.maximum(ys[0], ys[1]), np.maximum(ys[2], ys[3]))
    ordered = {col: data[col] for col, _ in schema}
    for col, values in columns.items():
        if col not in ordered:
            if any(isinstance(v, (list, dict)) for v in values):  # pd.array would fail on lists
                ordered[col] = column_array(values, OBJ, n)
            elif any(isinstance(v, str) for v in values):
                ordered[col] = column_array(values, STR, n)
            else:
                ordered[col] = _inferred(values)
    return pd.DataFrame(_owned(ordered), index=pd.RangeIndex(n), copy=False)


def _owned(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with a copy of each array the frame cannot own: a read-only one (Arrow's
    buffers) or one already used by another column. Other arrays given to :func:`build_frame`
    are handed over, not copied."""
    seen: set[int] = set()
    for col, arr in data.items():
        if id(arr) in seen or (isinstance(arr, np.ndarray) and not arr.flags.writeable):
            data[col] = arr.copy()
        seen.add(id(data[col]))
    return data


def _inferred(values: list[Any]) -> Any:
    if not len(values):
        return pd.array([], dtype=FLOAT)
    if any(isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 2**63 for v in values):
        return column_array([rules.text(v) for v in values], STR, len(values))  # beyond int64
    return pd.array(values)


def concat_arrays(arrays: list[Any]) -> Any:
    """Column arrays of one type (numpy or pandas extension arrays) as one.

    >>> concat_arrays([np.array([1.0]), np.array([2.0])]).tolist()
    [1.0, 2.0]
    """
    if isinstance(arrays[0], np.ndarray):
        return np.concatenate(arrays)
    return type(arrays[0])._concat_same_type(arrays)


def column_array(values: Any, dtype: str, n: int) -> Any:
    """Column ``values`` (a list, or an array taken as it is) as an array of ``dtype``.

    >>> column_array([1, None], "Int64", 2).tolist()
    [1, <NA>]
    """
    if values is None:  # a column no row has (cells without boxes): no list of Nones
        if dtype == FLOAT:
            return np.full(n, np.nan)
        if dtype == STR:
            return _missing_strings(n)
        values = [None] * n
    if dtype == NULLABLE_INT and isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return pd.arrays.IntegerArray(values.astype(np.int64), np.zeros(len(values), dtype=bool))
    if isinstance(values, np.ndarray) or isinstance(values, pd.api.extensions.ExtensionArray):
        return values if dtype != STR else pd.array(values, dtype=DTYPES[STR])
    if dtype == FLOAT:  # the rules leave floats or None here; None becomes NaN
        return np.array(values, dtype=np.float64)
    if dtype == INT:
        return np.array(values, dtype=np.int64)
    if dtype == OBJ:
        arr = np.empty(n, dtype=object)
        arr[:] = values
        return arr
    if dtype == STR:
        try:
            return pd.array(values, dtype=DTYPES[STR])
        except UnicodeEncodeError:  # lone surrogates: no UTF-8 column can hold them
            return pd.array(rules.valid_text(values), dtype=DTYPES[STR])
    if dtype == NULLABLE_INT:
        return _nullable_int(values, n)
    return pd.array(values, dtype=DTYPES[dtype])


def _missing_strings(n: int) -> Any:
    """A ``str`` column of ``n`` missing values, as the frames' string columns hold them."""
    import pyarrow as pa

    return pd.array(pa.nulls(n, pa.large_string()), dtype=DTYPES[STR])


def _nullable_int(values: list[Any], n: int) -> Any:
    """An Int64 column from ints and Nones, without pandas' per-element inference."""
    missing = values.count(None)
    if missing == n:
        return pd.arrays.IntegerArray(np.zeros(n, np.int64), np.ones(n, dtype=bool))
    if missing == 0:
        return pd.arrays.IntegerArray(np.array(values, dtype=np.int64), np.zeros(n, dtype=bool))
    return pd.array(values, dtype=DTYPES[NULLABLE_INT])


def empty_frame(name: str) -> pd.DataFrame:
    """The frame ``name`` with no rows and its full schema."""
    return build_frame(name, {})
