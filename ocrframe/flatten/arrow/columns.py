"""Arrow columns to numpy, the few operations every columnar reader needs.

>>> import pyarrow as pa
>>> lengths(pa.array([[1, 2], None, []])).tolist()
[2, 0, 0]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._schema import DTYPES, STR
from ..rules import valid_text

__all__ = ["whole", "one_chunk", "valid", "kept", "lengths", "explode", "field", "polygons",
           "numeric_polygons", "numeric", "children", "strings", "floats", "repeat_ids",
           "repeated", "nullable_ints", "missing_ints", "lex_order", "parallel_ranks"]  # fmt: skip


def whole(table: Any, name: str) -> Any:
    """Column ``name`` of ``table`` as one Array: its chunk as it is when it has one
    (``combine_chunks`` copies even then, a whole column of the parse each time).

    >>> import pyarrow as pa
    >>> whole(pa.table({"a": [1, 2]}), "a").to_pylist()
    [1, 2]
    """
    col = table.column(name)
    return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()


def one_chunk(table: Any) -> Any:
    """``table`` with every column in one chunk, so that :func:`whole` copies nothing after.

    >>> import pyarrow as pa
    >>> t = pa.Table.from_batches([pa.record_batch({"a": [1]})] * 2)
    >>> one_chunk(t).column("a").num_chunks
    1
    """
    import pyarrow as pa

    return pa.Table.from_arrays([whole(table, k) for k in table.column_names], schema=table.schema)


def valid(arr: Any) -> np.ndarray:
    """True where ``arr`` holds a value (JSON ``null`` and absent keys are both null)."""
    if arr.null_count == 0:
        return np.ones(len(arr), dtype=bool)
    return np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def kept(arr: Any, keep: np.ndarray) -> Any:
    """The values of ``arr`` where boolean mask ``keep`` is True (``arr`` itself when it
    keeps all: a filter copies every child of a struct or list).

    >>> import numpy as np, pyarrow as pa
    >>> kept(pa.array([1, 2, 3]), np.array([True, False, True])).to_pylist()
    [1, 3]
    """
    import pyarrow as pa

    return arr if keep.all() else arr.filter(pa.array(keep))


def lengths(arr: Any) -> np.ndarray:
    """Length of each list of ``arr`` (0 where null; all 0 for a column of nulls)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_null(arr.type):  # what field() gives for a key the struct does not have
        return np.zeros(len(arr), dtype=np.int64)
    if isinstance(arr, (pa.ListArray, pa.LargeListArray)):  # from the offsets: no kernel call
        n = np.diff(arr.offsets.to_numpy()).astype(np.int64)
        if arr.null_count:  # a null list may be backed by a non-empty run: flatten skips it
            n[~valid(arr)] = 0
        return n
    return pc.fill_null(pc.list_value_length(arr), 0).to_numpy().astype(np.int64)


def explode(arr: Any, owner: np.ndarray) -> tuple[Any, np.ndarray, np.ndarray]:
    """The elements of list column ``arr``, the ``owner`` of each and its index in its list."""
    n = lengths(arr)
    values = arr.flatten()
    starts = np.repeat(np.cumsum(n) - n, n)
    return values, np.repeat(owner, n), np.arange(len(values), dtype=np.int64) - starts


def field(arr: Any, name: str) -> Any:
    """Child ``name`` of a struct column (null where the struct is null), or all nulls when
    the struct type has no such child."""
    import pyarrow as pa
    import pyarrow.compute as pc

    k = arr.type.get_field_index(name)
    if k < 0:
        return pa.nulls(len(arr))
    if arr.null_count == 0 and isinstance(arr, pa.StructArray):  # no parent nulls: as it is
        return arr.field(k)
    return pc.struct_field(arr, name)


def polygons(arr: Any, finite: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(n, 8)`` coordinates of a ``list<list<double>>`` column (NaN rows where absent), the
    mask of present polygons, and the mask of present values that are not 4 complete vertices
    (the caller sends those files the general way). ``finite``: a NaN or infinity written in
    the file (or a number beyond float range) makes a value bad too: it is not the rules'
    polygon, and the walk keeps it in ``other``; False only where ``other`` is not wanted
    (the frame blanks such a polygon anyway)."""
    import pyarrow as pa

    n = len(arr)
    xy = np.full((n, 8), np.nan)
    present = valid(arr)
    nv = lengths(arr)
    bad = present & (nv != 4)
    if not present.any():
        return xy, present, bad
    if arr.offset:
        arr = pa.concat_arrays([arr])
    verts = arr.flatten()
    vlen = lengths(verts)
    vert_owner = np.repeat(np.arange(n), nv)
    coords = verts.flatten()
    bad_vert = (vlen != 2) | ~valid(verts)
    if bad_vert.any():
        bad[np.unique(vert_owner[bad_vert])] = True
    if coords.null_count:
        coord_vert = np.repeat(np.arange(len(verts)), vlen)
        bad[np.unique(vert_owner[coord_vert[~valid(coords)]])] = True
    if bad.any():  # leave the bad rows NaN; the caller will not keep them
        good = present & ~bad
        keep = np.repeat(good, nv)
        keep_coords = np.repeat(keep, vlen)
        values = coords.to_numpy(zero_copy_only=False)[keep_coords]
        xy[good] = values.reshape(-1, 8)
    else:
        xy[present] = coords.to_numpy(zero_copy_only=False).reshape(-1, 8)
    if finite:
        bad |= present & ~np.isfinite(xy).all(axis=1)
    return xy, present, bad


def numeric_polygons(t: Any) -> bool:
    """Whether Arrow type ``t`` is a list of lists of numbers (what may hold polygons)."""
    import pyarrow as pa

    if not (pa.types.is_list(t) and pa.types.is_list(t.value_type)):
        return False
    return numeric(t.value_type.value_type)


def numeric(t: Any) -> bool:
    """Whether Arrow type ``t`` is a number's, as pyarrow infers JSON numbers (int or float)."""
    import pyarrow as pa

    return pa.types.is_integer(t) or pa.types.is_floating(t)


def children(objs: Any) -> dict[str, Any]:
    """The children of struct column ``objs`` by name (null where the struct is)."""
    return dict(zip([f.name for f in objs.type], objs.flatten(), strict=True))


def strings(arr: Any) -> Any:
    """An Arrow string column as a frame's ``str`` column (no Python object per row); a
    ``large_string`` one is wrapped as it is (``pd.array`` costs 4x as much to tell that).

    >>> import pyarrow as pa
    >>> strings(pa.array(["a", None], type=pa.large_string())).tolist()
    ['a', nan]
    """
    import pyarrow as pa

    if pa.types.is_large_string(arr.type):
        return pd.arrays.ArrowStringArray(arr, dtype=DTYPES[STR])
    return pd.array(arr, dtype=DTYPES[STR])


def floats(arr: Any) -> np.ndarray:
    """A numeric Arrow column as float64 with NaN for null."""
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.float64)


def repeat_ids(values: Any, index: np.ndarray) -> Any:
    """``values[index]`` as a pandas ``str`` array (``source``/``api`` per row), taken from
    the distinct values in Arrow so no Python string is made per row."""
    import pyarrow as pa

    values = list(values)
    if len(values) == 1 and isinstance(values[0], str) and values[0].isascii():
        # One value (an API, a kind): its bytes repeated, no take.
        data, n = values[0].encode(), len(index)
        offsets = np.arange(n + 1, dtype=np.int64) * len(data)
        const = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data * n))
        return strings(const)
    # large_string: the type the frame's column holds (no cast after the take)
    try:
        distinct = pa.array(values, type=pa.large_string())
    except UnicodeEncodeError:  # a lone surrogate (a file name not in UTF-8, a header's)
        distinct = pa.array(valid_text(values), type=pa.large_string())
    return strings(distinct.take(np.asarray(index, dtype=np.int64)))


def repeated(value: str, n: int) -> Any:
    """``value`` at each of ``n`` rows as a pandas ``str`` array (``kind``, ``vendor``...): its
    bytes repeated in one Arrow buffer, no Python string per row.

    >>> repeated("table", 2).tolist()
    ['table', 'table']
    """
    return repeat_ids([value], np.zeros(n, dtype=np.int64))


def nullable_ints(values: np.ndarray, missing: np.ndarray) -> Any:
    """An ``Int64`` column of ``values``, NA where ``missing`` (ids such as ``table``)."""
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)


def missing_ints(n: int) -> Any:
    """An ``Int64`` column of ``n`` NA (an id that does not apply to these rows)."""
    return nullable_ints(np.zeros(n, np.int64), np.ones(n, dtype=bool))


def lex_order(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """``np.lexsort(keys)`` (the last key sorts first) of non-negative integer keys, as one
    stable sort of the keys packed into one int64 when their ranges fit (a lexsort costs a
    sort per key).

    >>> lex_order((np.array([2, 0, 1]), np.array([1, 1, 0]))).tolist()
    [2, 1, 0]
    """
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    span = 1
    for key in keys:
        if not len(key):
            break
        low, high = int(key.min()), int(key.max())
        if low < 0 or span > (1 << 62) // (high + 1):
            return np.lexsort(keys)
        packed += key.astype(np.int64) * span
        span *= high + 1
    return np.argsort(packed, kind="stable")


def parallel_ranks(
    sizes: tuple[np.ndarray, ...],
) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """Rows of lists read side by side (a block's fonts and their scores): one per rank up to
    the longest list of each owner. Given each list's ``sizes`` per owner, returns each row's
    owner and rank, and per list the index of the row's value in the lists' flattened values
    and whether the list is that long.

    >>> owner, rank, ((at, has), _) = parallel_ranks((np.array([2, 0]), np.array([1, 1])))
    >>> owner.tolist(), rank.tolist(), at[has].tolist()
    ([0, 0, 1], [0, 1, 0], [0, 1])
    """
    longest = np.maximum.reduce(sizes)
    owner = np.repeat(np.arange(len(longest)), longest)
    rank = np.arange(len(owner)) - np.repeat(np.cumsum(longest) - longest, longest)
    lists = [(np.repeat(np.cumsum(n) - n, longest) + rank, rank < n[owner]) for n in sizes]
    return owner, rank, lists
