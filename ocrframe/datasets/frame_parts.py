"""The parts of a batch's frames (columnar readers' and the general walk's) joined into one
frame, rows in entry order, ``document`` columns typed and ordered as one walk over every
response would make them.

>>> import numpy as np, pandas as pd
>>> parts = [(np.array([1]), pd.DataFrame({"a": [2]})), (np.array([0]), pd.DataFrame({"a": [1]}))]
>>> in_order(parts, "words")["a"].tolist()
[1, 2]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from pandas.arrays import NumpyExtensionArray

from ..flatten._schema import ID_COLUMNS, concat_arrays
from ..flatten.many import FIRST_MET

__all__ = ["concat_frames", "in_order", "joinable", "joined_in_order"]


def in_order(parts: list[tuple[np.ndarray, pd.DataFrame]], name: str) -> pd.DataFrame:
    """Parts of frame ``name`` as one, rows in entry order (each part keeps its own order).
    The ``document`` frame's columns are typed from all their values at once, as one walk
    over every response would type them (the parts' walked values come untyped). Parts
    joined column by column are taken out of ``parts`` (so that each column can go once
    joined)."""
    if len(parts) == 1 and name != "document":
        return parts[0][1]
    if len(parts) == 1 and _typed(parts[0][1]) and _ascending(parts[0][0]):
        return _in_walk_order(parts[0][1])  # one typed part: its types are all its values'
    order = np.argsort(np.concatenate([p[0] for p in parts]), kind="stable")
    if name != "document" and joinable([p[1] for p in parts]):
        frames = [p[1] for p in parts]
        parts.clear()  # the frames' one holder is now ``frames``, which the join empties
        return joined_in_order(frames, order)
    frame = concat_frames([p[1] for p in parts])
    frame = frame.take(order).reset_index(drop=True)
    if name == "document":
        from ..flatten import build_frame

        ids = [c for c in ID_COLUMNS if c in frame.columns]
        values = {
            c: [None if v is pd.NA or v is None or v != v else v for v in frame[c].tolist()]
            for c in frame.columns
            if c not in ids
        }
        first = {c: next((i for i, v in enumerate(vs) if v is not None), len(vs))
                 for c, vs in values.items()}  # fmt: skip
        _met_earlier(first, parts, order)
        # Columns first met at one row are in the order of that row's part (each part's
        # columns are in its own walk order), not in the order the parts were joined.
        part_of_row = np.repeat(np.arange(len(parts)), [len(p[1]) for p in parts])[order]
        position = [{c: k for k, c in enumerate(p[1].columns)} for p in parts]
        within = {c: position[part_of_row[i]][c] if i < len(order) else 0
                  for c, i in first.items()}  # fmt: skip
        values = {c: values[c] for c in _walk_order(values, first, within)}
        frame = pd.concat([frame[ids], build_frame("document", values)], axis=1)
    return frame


def _met_earlier(first: dict[str, int], parts: list[tuple[np.ndarray, pd.DataFrame]],
                 order: np.ndarray) -> None:  # fmt: skip
    """Move ``first`` (each column's first row with a value, rows in ``order``) to the row
    where a walked part first met the key, when earlier: a key written null there."""
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))  # each joined row's place in order
    offset = 0
    for _, part in parts:
        for column, row in part.attrs.get(FIRST_MET, {}).items():
            if column in first:
                first[column] = min(first[column], int(position[offset + row]))
        offset += len(part)


def _walk_order(
    columns: Iterable[str], first: dict[str, int], within: dict[str, int] | None = None
) -> list[str]:
    """``document`` columns in the order a walk over the rows first meets them (``first``:
    the first row holding each; ``within``: their order in that row), ``page`` first; ties
    keep their order."""
    return sorted(columns, key=lambda c: (c != "page", first[c], (within or {}).get(c, 0)))


def _typed(frame: pd.DataFrame) -> bool:
    """Whether a ``document`` part was typed from its values already (a columnar reader's):
    no object column. The walk's parts hold only object columns, typed by :func:`in_order`
    once all values are known; typing a typed column again would give it back as it is."""
    return not any(
        pd.api.types.is_object_dtype(t) for c, t in frame.dtypes.items() if c not in ID_COLUMNS
    )


def _in_walk_order(frame: pd.DataFrame) -> pd.DataFrame:
    """A typed ``document`` frame with its columns in walk order (ids first)."""
    given = frame.notna().to_numpy()  # one pass over the whole frame
    at = np.where(given.any(axis=0), given.argmax(axis=0), len(given)).tolist()
    first = dict(zip(frame.columns, at, strict=True))
    ids = [c for c in frame.columns if c in ID_COLUMNS]
    columns = ids + _walk_order([c for c in frame.columns if c not in ID_COLUMNS], first)
    return frame if columns == list(frame.columns) else frame[columns]


def _ascending(entry_of_row: np.ndarray) -> bool:
    return bool((entry_of_row[1:] >= entry_of_row[:-1]).all())


def joinable(frames: list[pd.DataFrame]) -> bool:
    """Whether ``frames`` can be joined column by column: the same columns with the same
    dtypes, in the same order, and no ``vendor`` to fill (see :func:`concat_frames`)."""
    if "vendor" in frames[0]:
        return False
    first = frames[0].dtypes
    return all(f.dtypes.index.equals(first.index) and (f.dtypes == first).all() for f in frames)


def joined_in_order(frames: list[pd.DataFrame], order: np.ndarray) -> pd.DataFrame:
    """``frames`` (same columns) as one, rows taken in ``order``, built column by column: each
    column of the parts is let go once joined, so the parts and the whole never coexist (a
    ``concat`` then ``take`` holds three copies). The list is emptied: a frame it alone holds
    goes, its columns held one by one (``pop`` from a frame rebuilds it, column by column).

    Columns are joined as arrays (a pandas ``concat`` and ``take`` per column cost more than
    the copy on frames of a few thousand rows). Rows that come in a few runs (the usual case:
    a file or two of a chunk read the general way) are copied run by run, not gathered.

    >>> frames = [pd.DataFrame({"a": [1, 2, 3]}), pd.DataFrame({"a": [9]})]
    >>> joined_in_order(frames, np.array([0, 3, 1, 2]))["a"].tolist(), frames
    ([1, 9, 2, 3], [])
    """
    sizes = [len(f) for f in frames]
    parts = [{col: _array_of(s) for col, s in f.items()} for f in frames]
    names = list(frames[0].columns)
    frames.clear()
    runs = _runs(order, sizes)
    columns = {}
    for col in names:
        arrays = [p.pop(col) for p in parts]
        if runs:
            arrays = [arrays[k][a:b] for k, a, b in runs]
        joined = concat_arrays(arrays)
        del arrays
        columns[col] = joined if runs is not None else joined.take(order)
        del joined
    return pd.DataFrame(columns, index=pd.RangeIndex(len(order)), copy=False)


# More runs than this: one gather (``take``) per column costs less than a copy per run.
_MAX_RUNS = 256


def _runs(order: np.ndarray, sizes: list[int]) -> list[tuple[int, int, int]] | None:
    """``order`` (rows of the parts of ``sizes`` joined) as ``(part, start, stop)`` runs of
    consecutive rows of one part; None when there are more than :data:`_MAX_RUNS`."""
    if not len(order):
        return []
    bounds = np.cumsum([0, *sizes])
    cuts = np.flatnonzero((np.diff(order) != 1) | np.isin(order[1:], bounds[1:-1])) + 1
    if len(cuts) >= _MAX_RUNS:
        return None
    firsts = order[np.concatenate([[0], cuts])]
    lengths = np.diff(np.concatenate([[0], cuts, [len(order)]]))
    part = np.searchsorted(bounds, firsts, side="right") - 1
    start = firsts - bounds[part]
    return list(zip(part.tolist(), start.tolist(), (start + lengths).tolist(), strict=True))


def _array_of(column: pd.Series) -> Any:
    """The array a frame's column holds (a numpy one as such, no copy)."""
    values = column.array
    return values.to_numpy() if isinstance(values, NumpyExtensionArray) else values


def concat_frames(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames of several responses as one; when some come from other engines, ``vendor``
    (third column) is ``huawei`` for the rest."""
    frame = pd.concat(parts, ignore_index=True)
    if "vendor" in frame.columns:
        vendor = frame.pop("vendor").fillna("huawei").astype("str")
        frame.insert(2, "vendor", vendor)
    return frame
