"""Columnar fast path: General Text word frames of many saved files without per-block dicts.

``json.loads`` of a 200-block response builds ~2,000 Python objects; over a dataset that, not
the DataFrame, is the cost. Here the bodies of many files are joined into one newline-delimited
buffer and decoded by pyarrow's JSON reader straight into Arrow columns, which become the
``words`` frame (same columns, dtypes and values as :func:`ocrframe.words`).

Only files whose shape the fast path fully understands take it: a General Text body (a
``result`` object with one ``words_block_list``), no error body, blocks that are objects with
string ``words``, numeric ``confidence`` and 4-vertex ``location``. Everything else (other
APIs, odd polygons, numeric strings, corrupt cache files) is handed back to the general
flattener, so results never depend on which path ran.

>>> from ocrframe.datasets.batch import read_responses
>>> read_responses("ocr-cache/").words()  # uses this module  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..catalog import signature_keys
from ..parsing import MAX_DEPTH, nesting_depths, page_number
from ._schema import POLYGON, build_frame

__all__ = ["read_words", "WordsResult"]

_BLOCKS = b'"words_block_list"'
# Keys under which the general flattener also makes word rows (General Table, cells).
_WORD_SOURCES = (b'"words_region_list"', b'"table_list"', b'"form_list"', b'"words_list"')
# Result keys that make detect_api pick another API (their presence sends a file the general
# way; pyarrow reports them, so no Python scan of the body is needed).
_API = "general-text"
_SIGNATURE_KEYS = ("error_code", *signature_keys(excluding=(_API,)))
_BLOCK_SIGNATURES = ("font_list", "font_scores")


@dataclass
class WordsResult:
    """What :func:`read_words` could do: a frame for some files, the rest to fall back on."""

    frame: pd.DataFrame | None = None
    file_of_row: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    fallback: list[int] = field(default_factory=list)


def _schema():
    import pyarrow as pa

    # Signature keys are declared as strings: any value makes the row non-null (or, when it is
    # not a string, fails the parse), and either way the file goes the general way.
    block = pa.struct(
        [
            ("words", pa.string()),
            ("confidence", pa.float64()),
            ("location", pa.list_(pa.list_(pa.float64()))),
            *[(k, pa.string()) for k in _BLOCK_SIGNATURES],
        ]
    )
    result = pa.struct(
        [("words_block_list", pa.list_(block)), *[(k, pa.string()) for k in _SIGNATURE_KEYS]]
    )
    return pa.schema([("result", result), ("error_code", pa.string())])


def _body(entry: Any) -> bytes | None:
    """The response body bytes of a file when it may take the fast path, else None."""
    from ..datasets.cache import split_cache_file
    from ..errors import CacheCorruptError

    if entry.api not in (None, _API):
        return None
    try:
        with open(entry.path, "rb") as fh:
            data = fh.read()
        parts = split_cache_file(data)
    except (OSError, CacheCorruptError):
        return None
    if parts is not None:
        body, header = parts
        if hashlib.sha256(body).hexdigest() != header["cache"].get("sha256"):
            return None  # the general path reports it as corrupt
        if header.get("api") not in (None, _API):
            return None
        data = body
    # One words_block_list; other "_list" keys (char_list...) are rare: only then look closer.
    lists = data.count(b'_list"')
    if lists == 0 or _BLOCKS not in data:
        return None
    if lists > 1 and (data.count(_BLOCKS) != 1 or any(m in data for m in _WORD_SOURCES)):
        return None
    if not data.isascii():
        try:  # the general parser refuses invalid UTF-8, so must this path
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if b"\n" in data or b"\r" in data:  # raw newlines in JSON are whitespace only
        data = data.replace(b"\r", b" ").replace(b"\n", b" ")
    return data


def read_words(entries: Sequence[Any]) -> WordsResult:
    """Word frames of saved General Text responses, decoded column-wise.

    Parameters
    ----------
    entries : sequence of ``ocrframe.batch.Entry`` with a ``path``
        ``source``, ``page`` and ``api`` of each entry go into the frame.

    Returns
    -------
    WordsResult
        ``frame``: ``source``, ``api`` and the :func:`ocrframe.words` columns for the files it
        took, in order; ``file_of_row``: index into ``entries`` of each row; ``fallback``:
        indices of the entries the caller must flatten the general way.
    """

    bodies: list[bytes] = []
    taken: list[int] = []
    fallback: list[int] = []
    for i, e in enumerate(entries):
        body = _body(e)
        if body is None:
            fallback.append(i)
        else:
            bodies.append(body)
            taken.append(i)
    if taken:
        # Files nested deeper than the general parser accepts go its way (and fail there).
        starts = np.cumsum([0] + [len(b) + 1 for b in bodies[:-1]])
        deep = nesting_depths(b"\n".join(bodies), starts) > MAX_DEPTH
        if deep.any():
            fallback += [taken[j] for j in np.flatnonzero(deep)]
            bodies = [b for b, d in zip(bodies, deep, strict=True) if not d]
            taken = [t for t, d in zip(taken, deep, strict=True) if not d]
    if not taken:
        return WordsResult(fallback=sorted(fallback))
    frames, rows = [], []
    for idx, table in _parse(bodies, list(range(len(bodies))), fallback, taken):
        sel = [taken[j] for j in idx]
        frame, rows_of, ok = _columns(table, [entries[i] for i in sel])
        fallback += [sel[j] for j in np.flatnonzero(~ok)]
        if frame is not None and len(frame):
            frames.append(frame)
            rows.append(np.asarray(sel, dtype=np.int64)[rows_of])
    if not frames:
        return WordsResult(fallback=sorted(fallback))
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return WordsResult(frame=frame, file_of_row=np.concatenate(rows), fallback=sorted(fallback))


def _parse(bodies, idx, fallback, taken):
    """Parse ``bodies[idx]`` in one go; on a type error, split in halves to isolate the file."""
    import pyarrow as pa
    import pyarrow.json as pj

    part = [bodies[j] for j in idx]
    try:
        table = pj.read_json(
            io.BytesIO(b"\n".join(part)),
            read_options=pj.ReadOptions(block_size=max(1 << 20, max(map(len, part)) + 1)),
            parse_options=pj.ParseOptions(
                explicit_schema=_schema(), unexpected_field_behavior="ignore"
            ),
        )
        if table.num_rows == len(idx):
            return [(idx, table)]
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        pass
    if len(idx) == 1:
        fallback.append(taken[idx[0]])
        return []
    mid = len(idx) // 2
    return _parse(bodies, idx[:mid], fallback, taken) + _parse(bodies, idx[mid:], fallback, taken)


def _repeat_str(values: np.ndarray, index: np.ndarray) -> Any:
    """``values[index]`` as a pandas ``str`` array, without a Python object per row."""
    import pyarrow as pa

    arr = pa.DictionaryArray.from_arrays(pa.array(index.astype(np.int32)), pa.array(values))
    return pd.array(arr.dictionary_decode(), dtype="str")


def _columns(table: Any, entries: list[Any]) -> tuple[pd.DataFrame | None, np.ndarray, np.ndarray]:
    """Build the frame; returns (frame, file index per row, per-file ok mask)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    result = table.column("result").combine_chunks()
    lists = result.field("words_block_list")
    n_files = len(lists)
    # A missing result / list means words_block_list sits elsewhere: general path.
    ok = ~np.asarray(lists.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    for col in [table.column("error_code"), *[result.field(k) for k in _SIGNATURE_KEYS]]:
        if col.null_count != len(col):
            ok &= np.asarray(col.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    counts = pc.fill_null(pc.list_value_length(lists), 0).to_numpy().astype(np.int64)
    blocks = lists.flatten()  # skips null lists
    file_of_block = np.repeat(np.arange(n_files), counts)
    # Per-block checks: block objects present, polygons of exactly 4 complete vertices.
    bad = np.asarray(blocks.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    for k in _BLOCK_SIGNATURES:
        col = blocks.field(k)
        if col.null_count != len(col):
            bad |= ~np.asarray(col.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    loc = blocks.field("location")
    nloc = pc.fill_null(pc.list_value_length(loc), 0).to_numpy()
    has_loc = ~np.asarray(loc.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    bad |= has_loc & (nloc != 4)
    if len(loc) and loc.offset:
        loc = pa.concat_arrays([loc])
    verts = loc.flatten()
    vlen = pc.fill_null(pc.list_value_length(verts), 0).to_numpy()
    vert_block = np.repeat(np.arange(len(loc)), nloc * has_loc)
    bad_vert = (vlen != 2) | np.asarray(verts.is_null().to_numpy(zero_copy_only=False), bool)
    coords = verts.flatten()
    if coords.null_count or (len(vert_block) and bad_vert.any()):
        bad[np.unique(vert_block[bad_vert])] = True
        if coords.null_count:
            coord_vert = np.repeat(np.arange(len(verts)), vlen)
            nulls = np.asarray(coords.is_null().to_numpy(zero_copy_only=False), bool)
            bad[np.unique(vert_block[coord_vert[nulls]])] = True
    if bad.any():
        ok[np.unique(file_of_block[bad])] = False
    if not ok.all():
        if not ok.any():
            return None, np.empty(0, np.int64), ok
        keep_files = np.flatnonzero(ok)
        sub = table.take(pa.array(keep_files))
        frame, rows_of, _ = _columns(sub, [entries[i] for i in keep_files])
        return frame, keep_files[rows_of], ok
    n = len(blocks)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if n_files else np.empty(0, int)
    xy = np.full((n, 8), np.nan)
    if has_loc.any():
        xy[has_loc] = coords.to_numpy(zero_copy_only=False).reshape(-1, 8)
    pages = np.array([page_number(e.page) or 1 for e in entries], np.int64)
    na_int = pd.arrays.IntegerArray(np.zeros(n, np.int64), np.ones(n, dtype=bool))
    cols: dict[str, Any] = {
        "page": pages[file_of_block],
        "region": na_int,
        "table": na_int.copy(),
        "cell": na_int.copy(),
        "block": np.arange(n, dtype=np.int64) - np.repeat(starts, counts),
        "text": _strings(blocks.field("words")),
        "confidence": blocks.field("confidence").to_numpy(zero_copy_only=False),
    }
    for k, name in enumerate(POLYGON):
        cols[name] = xy[:, k]
    frame = build_frame("words", cols)  # the rules of both paths apply here
    sources = np.array([e.source for e in entries], dtype=object)
    frame.insert(0, "source", _repeat_str(sources, file_of_block))
    frame.insert(1, "api", _repeat_str(np.array([_API], dtype=object), np.zeros(n, np.int64)))
    return frame, file_of_block, ok


def _strings(arr: Any) -> Any:
    """An Arrow string column as the frame's ``str`` column (no Python object per row)."""
    return pd.array(arr, dtype="str")
