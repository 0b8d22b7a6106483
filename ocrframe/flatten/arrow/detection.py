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

from collections.abc import Callable
from typing import Any

import numpy as np

from ...catalog.model_keys import model_keys
from ...detection import detect_api, guess_api, refit
from .columns import field, valid

__all__ = ["struct_apis", "refitted", "list_apis"]


def struct_apis(result: Any, written: np.ndarray | None = None) -> list[str | None]:
    """The API the general path names each body whose ``result`` is an object (struct
    column ``result``): detected, else guessed, from the keys it holds (``written``: bodies x
    keys, True where the key is written, null or not; else where it has a value)."""

    def told(keys: list[str]) -> str | None:
        body = {"result": dict.fromkeys(keys, "")}
        return detect_api(body) or guess_api(body)

    return _per_key_set(result, told, written=written)


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
    own = model_keys().get(api)
    if own is None or own.issuperset(f.name for f in result.type):  # the usual dataset
        return np.zeros(len(result), dtype=bool)
    return np.asarray(_per_key_set(result, lambda keys: refit(set(keys), api) != api), bool)


def list_apis(items: Any, file: np.ndarray, number: np.ndarray, n: int,
              written: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """The API detection tells for each of ``n`` bodies whose ``result`` is a list, from its
    first element (``items``: every body's elements, a struct column; ``file`` and ``number``:
    the body of each and its place in its list; ``written``: elements x keys, True where the
    key is written, null or not); None for a body with no element, or one detection names
    nothing."""
    out = np.full(n, None, dtype=object)
    first = np.flatnonzero(number == 0)
    if len(first):
        told = _per_key_set(items, lambda keys: detect_api({"result": [dict.fromkeys(keys)]}),
                            first, None if written is None else written[first])  # fmt: skip
        out[file[first]] = np.asarray(told, dtype=object)
    return out


def _per_key_set(struct: Any, told: Callable[[list[str]], Any], rows: np.ndarray | None = None,
                 written: np.ndarray | None = None) -> list[Any]:  # fmt: skip
    """``told(keys)`` for each row of struct column ``struct`` (its ``rows`` alone, when
    given), ``keys`` the members the row holds (with a value, or ``written``: rows x
    members): one call per distinct set of them."""
    names = [f.name for f in struct.type]
    n = len(struct) if rows is None else len(rows)
    if not names:
        return [told([])] * n
    has = [valid(field(struct, name)) for name in names]
    has = np.column_stack(has if rows is None else [h[rows] for h in has])  # rows x keys
    if written is not None:
        has |= written
    kinds, inverse = _distinct(has)
    values = [told(np.asarray(names)[mask].tolist()) for mask in kinds]
    return [values[i] for i in inverse]


def _distinct(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of boolean matrix ``rows`` and the index of each row's among them
    (the usual dataset: all alike, told without a sort)."""
    if (rows == rows[:1]).all():
        return rows[:1], np.zeros(len(rows), dtype=np.int64)
    kinds, inverse = np.unique(rows, axis=0, return_inverse=True)
    return kinds, inverse.reshape(-1)
