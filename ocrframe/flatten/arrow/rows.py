"""What a columnar reader gives back: rows of a frame as columns, with the file each row came
from and its place in the general walk's order.

>>> import numpy as np
>>> r = Rows({"page": np.array([1, 1]), "block": np.array([1, 0])}, file=np.array([0, 0]),
...          order=(np.array([1, 0]),))
>>> frame_of("words", [r])[0]["block"].tolist()
[0, 1]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._schema import build_frame, concat_arrays
from .columns import kept

__all__ = ["Rows", "Built", "frame_of"]


@dataclass
class Rows:
    """Rows of one frame: ``columns`` as :func:`build_frame` takes them, ``file`` (index of the
    parsed file of each row) and ``order``: sort keys that put rows of one file in the order
    the general walk emits them (rows of several Rows objects of one frame are merged by
    ``(file, *order)``, so their keys must be comparable). ``written``: per column, the
    rows whose number the bytes must tell (``document``'s integral doubles, see
    :func:`~.document.read_as_written`); ``untyped``: the frame keeps the values as they
    are (object columns), for the batch to type each column over all files, as it types
    the general walk's ``document`` rows (a column of ints and floats, say)."""

    columns: dict[str, Any]
    file: np.ndarray
    order: tuple[np.ndarray, ...] = ()
    written: dict[str, list[int]] = field(default_factory=dict)
    untyped: bool = False

    def subset(self, keep: np.ndarray) -> Rows:
        """The rows where boolean mask ``keep`` is True. A column of Python values (a
        ``document`` key) that no kept row holds goes, as a reader makes no column for a key
        no file holds.

        >>> r = Rows({"n": np.array([1, 2, 3]), "v": [None, 2.0, 3], "w": [1, None, None]},
        ...          np.array([0, 1, 1]), written={"v": [1]})
        >>> s = r.subset(np.array([False, True, True]))
        >>> s.columns, s.file.tolist(), s.written
        ({'n': array([2, 3]), 'v': [2.0, 3]}, [1, 1], {'v': [0]})
        """
        if keep.all():
            return self
        place = np.cumsum(keep) - 1  # each kept row's new position
        written = {k: [int(place[r]) for r in rows if keep[r]] for k, rows in self.written.items()}
        columns = {k: _kept(v, keep) for k, v in self.columns.items()}
        columns = {k: v for k, v in columns.items()
                   if not isinstance(v, list) or any(x is not None for x in v)}  # fmt: skip
        return Rows(columns, self.file[keep],
                    tuple(o[keep] for o in self.order), {k: v for k, v in written.items() if v},
                    self.untyped)  # fmt: skip


def _kept(values: Any, keep: np.ndarray) -> Any:
    """The values of a column (numpy, pandas or Arrow array, or list) where ``keep``."""
    if isinstance(values, list):
        return [v for v, k in zip(values, keep.tolist(), strict=True) if k]
    if isinstance(values, (np.ndarray, pd.api.extensions.ExtensionArray)):
        return values[keep]
    return kept(values, keep)  # an Arrow array


@dataclass
class Built:
    """A reader's answer: ``ok`` per parsed file (False: the general walk must read it; the
    rows of such a file are dropped, see :meth:`without`), the rows per frame name and, from
    a reader of several APIs, the API of each file (as the general path names it; None when
    it names none). A part may be a function giving the Rows: it is called once the parsed
    table and the bodies are let go, so that they and the rows are not alive at once. A
    reader makes each row of its own file's values alone, so a file's rows do not depend on
    which other files were read beside it."""

    ok: np.ndarray
    rows: dict[str, list[Rows | Callable[[], Rows]]]
    apis: list[str | None] | None = None

    def without(self, files: np.ndarray) -> Built:
        """This answer without the rows of the files where mask ``files`` is True (they are
        no longer ``ok``)."""
        if not files.any():
            return self
        keep = ~files

        def dropped(part: Rows | Callable[[], Rows]) -> Rows | Callable[[], Rows]:
            if isinstance(part, Rows):
                return part.subset(keep[part.file])
            return lambda: dropped(part())  # type: ignore[return-value]

        rows = {name: [dropped(p) for p in parts] for name, parts in self.rows.items()}
        return Built(self.ok & keep, rows, self.apis)


def frame_of(name: str, parts: list[Rows]) -> tuple[pd.DataFrame, np.ndarray]:
    """Frame ``name`` from ``parts`` in walk order, and the file of each row. Parts with the
    same columns are merged and put in order column by column, then built once."""
    parts = [p for p in parts if len(p.file)]
    if not parts:
        return build_frame(name, {}), np.empty(0, dtype=np.int64)
    whole = parts[0] if len(parts) == 1 else _joined(parts)
    if whole is None:  # columns of different kinds: join whole frames
        return _frames_joined(name, parts)
    file = np.asarray(whole.file, dtype=np.int64)
    if whole.untyped:
        return pd.DataFrame(whole.columns, index=pd.RangeIndex(len(file)), dtype=object), file
    keys = (file, *whole.order)
    if not whole.order or _ascending(keys):
        return build_frame(name, whole.columns), file
    order = np.lexsort(keys[::-1])
    if all(isinstance(v, (np.ndarray, pd.api.extensions.ExtensionArray)) for v in
           whole.columns.values()):  # fmt: skip
        return build_frame(name, {k: v[order] for k, v in whole.columns.items()}), file[order]
    return build_frame(name, whole.columns).take(order).reset_index(drop=True), file[order]


def _joined(parts: list[Rows]) -> Rows | None:
    """``parts`` as one Rows (columns joined), or None when a column is not an array of one
    kind in every part."""
    names = parts[0].columns.keys()
    if any(p.columns.keys() != names for p in parts):
        return None
    columns = {}
    for k in names:
        values = [p.columns[k] for p in parts]
        kind = type(values[0])
        if any(type(v) is not kind for v in values):
            return None
        if not issubclass(kind, (np.ndarray, pd.api.extensions.ExtensionArray)):
            return None
        columns[k] = concat_arrays(values)
    order = tuple(np.concatenate([p.order[k] for p in parts]) for k in range(len(parts[0].order)))
    untyped = any(p.untyped for p in parts)
    return Rows(columns, np.concatenate([p.file for p in parts]), order, untyped=untyped)


def _frames_joined(name: str, parts: list[Rows]) -> tuple[pd.DataFrame, np.ndarray]:
    frame = pd.concat([build_frame(name, p.columns) for p in parts], ignore_index=True)
    file = np.concatenate([p.file for p in parts]).astype(np.int64)
    keys = [np.concatenate([p.order[k] for p in parts]) for k in range(len(parts[0].order))]
    order = np.lexsort((*reversed(keys), file))
    return frame.take(order).reset_index(drop=True), file[order]


def _ascending(keys: tuple[np.ndarray, ...]) -> bool:
    """Whether rows are already in lexicographic order of ``keys`` (first key first): one
    pass per key instead of a sort."""
    if len(keys[0]) < 2:
        return True
    tied = np.ones(len(keys[0]) - 1, dtype=bool)
    for key in keys:
        before, after = key[:-1], key[1:]
        if (tied & (before > after)).any():
            return False
        tied &= before == after
        if not tied.any():
            return True
    return True
