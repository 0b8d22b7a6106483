"""Column schemas of every frame, and the builder that turns column lists into a DataFrame.

One place defines names and dtypes, so empty results still give frames with the full schema.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

POLYGON = ["x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4"]
BBOX = ["x_min", "y_min", "x_max", "y_max"]
TEXT_POLYGON = ["text_" + c for c in POLYGON]

FLOAT, INT, NULLABLE_INT, STR, OBJ, BOOL = "float64", "int64", "Int64", "str", "object", "boolean"

_GEOM = [(c, FLOAT) for c in POLYGON + BBOX]

SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "words": [
        ("page", INT),
        ("region", NULLABLE_INT),
        ("table", NULLABLE_INT),
        ("cell", NULLABLE_INT),
        ("block", INT),
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
    "kv": [
        ("page", INT),
        ("pair", INT),
        ("key", STR),
        ("value", STR),
        ("confidence", FLOAT),
        ("n_boxes", INT),
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
        ("value", STR),
        ("confidence", FLOAT),
        *_GEOM,
    ],
    "alarms": [("page", INT), ("check", STR), ("flagged", BOOL), ("score", FLOAT), ("group", STR)],
    "plates": [
        ("page", INT),
        ("plate", INT),
        ("text", STR),
        ("province", STR),
        ("confidence", FLOAT),
        *_GEOM,
    ],
    "fonts": [("page", INT), ("block", INT), ("rank", INT), ("font", STR), ("score", FLOAT)],
    "document": [("page", INT)],
    "other": [("page", INT), ("path", STR), ("value", STR)],
}

FRAMES: tuple[str, ...] = tuple(SCHEMAS)


def build_frame(name: str, columns: dict[str, list[Any]]) -> pd.DataFrame:
    """Build frame ``name`` from column lists (missing columns are filled with NA).

    Polygon columns get the derived bounding box. Extra columns (``document`` frame) are
    appended after the schema's, with inferred dtypes.
    """
    schema = SCHEMAS[name]
    n = max((len(v) for v in columns.values()), default=0)
    data: dict[str, Any] = {}
    for col, dtype in schema:
        if col in BBOX:
            continue
        values = columns.get(col)
        data[col] = _column(values, dtype, n)
    if "x1" in data:
        xs = np.column_stack([data[c] for c in ("x1", "x2", "x3", "x4")]) if n else None
        ys = np.column_stack([data[c] for c in ("y1", "y2", "y3", "y4")]) if n else None
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                data["x_min"] = np.nanmin(xs, axis=1) if n else np.empty(0)
                data["y_min"] = np.nanmin(ys, axis=1) if n else np.empty(0)
                data["x_max"] = np.nanmax(xs, axis=1) if n else np.empty(0)
                data["y_max"] = np.nanmax(ys, axis=1) if n else np.empty(0)
    ordered = {col: data[col] for col, _ in schema}
    for col, values in columns.items():
        if col not in ordered:
            if any(isinstance(v, (list, dict)) for v in values):  # pd.array would fail on lists
                ordered[col] = _column(values, OBJ, n)
            else:
                ordered[col] = pd.array(values) if len(values) else pd.array([], dtype=FLOAT)
    return pd.DataFrame(ordered, index=pd.RangeIndex(n))


def _column(values: list[Any] | None, dtype: str, n: int) -> Any:
    if values is None:
        values = [None] * n
    if dtype == FLOAT:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if dtype == INT:
        return np.array(values, dtype=np.int64)
    if dtype == OBJ:
        arr = np.empty(n, dtype=object)
        arr[:] = values
        return arr
    if dtype == STR:
        return pd.array(values, dtype="str")
    return pd.array(values, dtype=dtype)


def empty_frame(name: str) -> pd.DataFrame:
    """The frame ``name`` with no rows and its full schema."""
    return build_frame(name, {})
