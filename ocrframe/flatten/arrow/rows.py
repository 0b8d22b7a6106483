"""What a columnar reader gives back: rows of a frame as columns, with the file each row came
from and its place in the general walk's order.

>>> import numpy as np
>>> r = Rows({"page": np.array([1, 1])}, file=np.array([0, 0]), order=(np.array([1, 0]),))
>>> frame_of("words", [r])[1].tolist()
[0, 0]
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
    reader is called again without it), the rows per frame name and, from a reader of several
    APIs, the API of each file (as the general path names it; None when it names none)."""

    ok: np.ndarray
    rows: dict[str, list[Rows]]
    apis: list[str | None] | None = None


def frame_of(name: str, parts: list[Rows]) -> tuple[pd.DataFrame, np.ndarray]:
    """Frame ``name`` from ``parts`` in walk order, and the file of each row."""
    parts = [p for p in parts if len(p.file)]
    if not parts:
        return build_frame(name, {}), np.empty(0, dtype=np.int64)
    if len(parts) == 1:
        p = parts[0]
        frame = build_frame(name, p.columns)
        order = np.lexsort((*reversed(p.order), p.file)) if p.order else None
        if order is None or (np.diff(order) == 1).all():
            return frame, np.asarray(p.file, dtype=np.int64)
        return frame.take(order).reset_index(drop=True), np.asarray(p.file)[order]
    frames = [build_frame(name, p.columns) for p in parts]
    frame = pd.concat(frames, ignore_index=True)
    file = np.concatenate([p.file for p in parts]).astype(np.int64)
    keys = [np.concatenate([p.order[k] for p in parts]) for k in range(len(parts[0].order))]
    order = np.lexsort((*reversed(keys), file))
    return frame.take(order).reset_index(drop=True), file[order]
