"""What a columnar reader gives back: rows of a frame as columns, with the file each row came
from and its place in the general walk's order.

>>> import numpy as np
>>> r = Rows({"page": np.array([1, 1]), "block": np.array([1, 0])}, file=np.array([0, 0]),
...          order=(np.array([1, 0]),))
>>> frame, file = frame_of("words", [r])
>>> frame["block"].tolist(), file.tolist()
([0, 1], [0, 0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._schema import build_frame

__all__ = ["Rows", "Built", "frame_of"]


@dataclass
class Rows:
    """Rows of one frame: ``columns`` as :func:`build_frame` takes them, ``file`` (index of the
    parsed file of each row) and ``order``: sort keys that put rows of one file in the order
    the general walk emits them (rows of several Rows objects of one frame are merged by
    ``(file, *order)``, so their keys must be comparable)."""

    columns: dict[str, Any]
    file: np.ndarray
    order: tuple[np.ndarray, ...] = ()


@dataclass
class Built:
    """A reader's answer: ``ok`` per parsed file (False: the general walk must read it, and the
    reader is called again without it) and the rows per frame name."""

    ok: np.ndarray
    rows: dict[str, list[Rows]]


def frame_of(name: str, parts: list[Rows]) -> tuple[pd.DataFrame, np.ndarray]:
    """Frame ``name`` from ``parts`` in walk order, and the file of each row. Parts with the
    same columns are merged and put in order column by column, then built once."""
    parts = [p for p in parts if len(p.file)]
    if not parts:
        return build_frame(name, {}), np.empty(0, dtype=np.int64)
    file = np.concatenate([np.asarray(p.file) for p in parts]).astype(np.int64)
    keys = [np.concatenate([p.order[k] for p in parts]) for k in range(len(parts[0].order))]
    order = np.lexsort((*reversed(keys), file)) if keys or len(parts) > 1 else None
    if order is not None and (np.diff(order) == 1).all():
        order = None
    if any(p.columns.keys() != parts[0].columns.keys() for p in parts):
        frame = pd.concat([build_frame(name, p.columns) for p in parts], ignore_index=True)
        if order is None:
            return frame, file
        return frame.take(order).reset_index(drop=True), file[order]
    columns = {k: _merged([p.columns[k] for p in parts], order) for k in parts[0].columns}
    return build_frame(name, columns), file if order is None else file[order]


def _merged(values: list[Any], order: np.ndarray | None) -> Any:
    """One column from the parts' ``values`` (numpy arrays, pandas arrays or lists), rows
    taken in ``order``."""
    if len(values) == 1:
        merged = values[0]
    elif all(isinstance(v, np.ndarray) for v in values):
        merged = np.concatenate(values)
    elif all(isinstance(v, list) for v in values):
        merged = [x for v in values for x in v]
    else:
        merged = pd.concat([pd.Series(v) for v in values], ignore_index=True).array
    if order is None:
        return merged
    if isinstance(merged, list):
        return [merged[i] for i in order]
    return merged[order] if isinstance(merged, np.ndarray) else merged.take(order)
