"""The API :func:`ocrframe.detection.detect_api` tells for bodies held as Arrow columns: one
detection per distinct set of keys present, not one per body.

>>> import pyarrow as pa, numpy as np
>>> struct_apis(pa.array([{"passport_number": "E1"}, {"name_th": "x"}]))
['passport', 'thailand-id-card']
>>> items = pa.array([{"plate_number": "1", "plate_color": "blue"}, {"plate_number": "2"}])
>>> list_apis(items, np.array([0, 1]), np.array([0, 0]), 3).tolist()
['license-plate', 'thailand-license-plate', None]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...catalog.model_keys import model_keys
from ...detection import detect_api, guess_api, refit
from .columns import field, valid

__all__ = ["struct_apis", "refitted", "list_apis"]


def struct_apis(result: Any) -> list[str | None]:
    """The API the general path names each body whose ``result`` is an object (struct
    column ``result``): detected, else guessed, from the keys it holds."""
    names = [f.name for f in result.type]
    if not names:
        return [None] * len(result)
    has = np.column_stack([valid(field(result, name)) for name in names])  # bodies x keys
    kinds, inverse = _distinct(has)
    found = []
    for mask in kinds:
        body = {"result": dict.fromkeys(np.asarray(names)[mask].tolist(), "")}
        found.append(detect_api(body) or guess_api(body))
    return [found[i] for i in inverse]


def refitted(result: Any, api: str) -> np.ndarray:
    """Per body (``result``: a struct column): True where the general path names it another
    API than ``api``, the one whose SDK response model declares all its keys where ``api``'s
    does not (:func:`ocrframe.detection.refit`).

    >>> import pyarrow as pa
    >>> blocks = [{"words": "Hi"}]
    >>> result = pa.array([{"words_block_list": blocks, "test_result": "x", "test_time": "y"},
    ...                    {"words_block_list": blocks, "test_result": None, "test_time": None}])
    >>> refitted(result, "general-text").tolist()
    [True, False]
    """
    names = [f.name for f in result.type]
    own = model_keys().get(api)
    if own is None or own.issuperset(names):  # the usual dataset: told without a look
        return np.zeros(len(result), dtype=bool)
    has = np.column_stack([valid(field(result, name)) for name in names])  # bodies x keys
    kinds, inverse = _distinct(has)
    moved = [refit(set(np.asarray(names)[mask].tolist()), api) != api for mask in kinds]
    return np.asarray(moved, dtype=bool)[inverse]


def list_apis(items: Any, file: np.ndarray, number: np.ndarray, n: int) -> np.ndarray:
    """The API detection tells for each of ``n`` bodies whose ``result`` is a list, from its
    first element (``items``: every body's elements, a struct column; ``file`` and ``number``:
    the body of each and its place in its list); None for a body with no element, or one
    detection names nothing."""
    out = np.full(n, None, dtype=object)
    first = np.flatnonzero(number == 0)
    names = [f.name for f in items.type]
    if not len(first) or not names:
        return out
    has = np.column_stack([valid(field(items, name))[first] for name in names])
    kinds, inverse = _distinct(has)
    told = [detect_api({"result": [dict.fromkeys(np.asarray(names)[k].tolist())]}) for k in kinds]
    out[file[first]] = np.asarray(told, dtype=object)[inverse]
    return out


def _distinct(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of boolean matrix ``rows`` and the index of each row's among them
    (the usual dataset: all alike, told without a sort)."""
    if (rows == rows[:1]).all():
        return rows[:1], np.zeros(len(rows), dtype=np.int64)
    kinds, inverse = np.unique(rows, axis=0, return_inverse=True)
    return kinds, inverse.reshape(-1)
