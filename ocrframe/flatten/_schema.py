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

F, I, NI, S, O, B = "float64", "int64", "Int64", "str", "object", "boolean"

_GEOM = [(c, F) for c in POLYGON + BBOX]

SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "words": [
        ("page", I),
        ("region", NI),
        ("table", NI),
        ("cell", NI),
        ("block", I),
        ("text", S),
        ("confidence", F),
        *_GEOM,
    ],
    "chars": [
        ("page", I),
        ("region", NI),
        ("table", NI),
        ("cell", NI),
        ("block", I),
        ("char", I),
        ("text", S),
        ("confidence", F),
        *_GEOM,
    ],
    "cells": [
        ("page", I),
        ("table", I),
        ("kind", S),
        ("cell", I),
        ("row", I),
        ("col", I),
        ("row_span", I),
        ("col_span", I),
        ("text", S),
        ("confidence", F),
        *_GEOM,
        *[(c, F) for c in TEXT_POLYGON],
    ],
    "kv": [("page", I), ("pair", I), ("key", S), ("value", S), ("confidence", F), ("n_boxes", I)],
    "kv_boxes": [("page", I), ("pair", I), ("box", I), ("role", S), ("text", S), *_GEOM],
    "layout": [
        ("page", I),
        ("block", I),
        ("type", S),
        ("text", S),
        ("words_ids", O),
        ("table_id", NI),
        ("form_id", NI),
        ("formula_id", NI),
        *_GEOM,
    ],
    "formulas": [("page", I), ("formula", I), ("text", S), ("type", S), *_GEOM],
    "fields": [
        ("page", I),
        ("group", S),
        ("field", S),
        ("field_norm", S),
        ("value", S),
        ("confidence", F),
        *_GEOM,
    ],
    "alarms": [("page", I), ("check", S), ("flagged", B), ("score", F), ("group", S)],
    "plates": [("page", I), ("plate", I), ("text", S), ("province", S), ("confidence", F), *_GEOM],
    "fonts": [("page", I), ("block", I), ("rank", I), ("font", S), ("score", F)],
    "document": [("page", I)],
    "other": [("page", I), ("path", S), ("value", S)],
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
            ordered[col] = pd.array(values) if len(values) else pd.array([], dtype=F)
    return pd.DataFrame(ordered, index=pd.RangeIndex(n))


def _column(values: list[Any] | None, dtype: str, n: int) -> Any:
    if values is None:
        values = [None] * n
    if dtype == F:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if dtype == I:
        return np.array(values, dtype=np.int64)
    if dtype == O:
        arr = np.empty(n, dtype=object)
        arr[:] = values
        return arr
    if dtype == S:
        return pd.array(values, dtype="str")
    return pd.array(values, dtype=dtype)


def empty_frame(name: str) -> pd.DataFrame:
    """The frame ``name`` with no rows and its full schema."""
    return build_frame(name, {})
