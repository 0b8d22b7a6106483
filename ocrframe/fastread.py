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

>>> from ocrframe.batch import read_responses
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

__all__ = ["read_words", "WordsResult"]

# A body containing any of these keys is not a plain General Text result (see detect_api).
_OTHER_SHAPES = (
    b'"error_code"',
    b'"words_region_list"',
    b'"extracted_data"',
    b'"font_list"',
    b'"font_scores"',
    b'"ocr_result"',
    b'"kv_result"',
    b'"table_result"',
    b'"layout_result"',
    b'"form_result"',
    b'"formula_result"',
    b'"plate_number"',
    b'"passport_number"',
    b'"machine_code"',
    b'"name_th"',
    b'"laser_number"',
    b'"name_kh"',
    b'"cui_number"',
    b'"card_number_en"',
    b'"expiried_date"',
    b'"nrc_id"',
    b'"bloodlines_religion"',
    b'"citizen_code1"',
    b'"blood_type"',
    b'"full_name"',
    b'"residence_place"',
    b'"given_name"',
    b'"country_region"',
    b'"alarm_result"',
)
_BLOCKS = b'"words_block_list"'
_API = "general-text"


@dataclass
class WordsResult:
    """What :func:`read_words` could do: a frame for some files, the rest to fall back on."""

    frame: pd.DataFrame | None = None
    file_of_row: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    fallback: list[int] = field(default_factory=list)


def _schema():
    import pyarrow as pa

    block = pa.struct(
        [
            ("words", pa.string()),
            ("confidence", pa.float64()),
            ("location", pa.list_(pa.list_(pa.float64()))),
        ]
    )
    return pa.schema([("result", pa.struct([("words_block_list", pa.list_(block))]))])


def _body(entry: Any) -> bytes | None:
    """The response body bytes of a file when it may take the fast path, else None."""
    from .cache import CacheCorruptError, split_cache_file

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
    if data.count(_BLOCKS) != 1 or any(marker in data for marker in _OTHER_SHAPES):
        return None
    return data.replace(b"\r", b" ").replace(b"\n", b" ")


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
    import pyarrow as pa
    import pyarrow.json as pj

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
    if not taken:
        return WordsResult(fallback=fallback)
    buf = b"\n".join(bodies)
    try:
        table = pj.read_json(
            io.BytesIO(buf),
            read_options=pj.ReadOptions(block_size=max(1 << 20, max(map(len, bodies)) + 1)),
            parse_options=pj.ParseOptions(
                explicit_schema=_schema(), unexpected_field_behavior="ignore"
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return WordsResult(fallback=sorted(fallback + taken))
    if table.num_rows != len(taken):
        return WordsResult(fallback=sorted(fallback + taken))
    frame, rows_of, ok = _columns(table, [entries[i] for i in taken])
    if not ok.all():
        fallback += [taken[j] for j in np.flatnonzero(~ok)]
    if frame is None:
        return WordsResult(fallback=sorted(fallback))
    file_of_row = np.asarray(taken, dtype=np.int64)[rows_of]
    return WordsResult(frame=frame, file_of_row=file_of_row, fallback=sorted(fallback))


def _columns(table: Any, entries: list[Any]) -> tuple[pd.DataFrame | None, np.ndarray, np.ndarray]:
    """Build the frame; returns (frame, file index per row, per-file ok mask)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    result = table.column("result").combine_chunks()
    lists = result.field("words_block_list")
    n_files = len(lists)
    # A missing result / list means words_block_list sits elsewhere: general path.
    ok = ~np.asarray(lists.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    counts = pc.fill_null(pc.list_value_length(lists), 0).to_numpy().astype(np.int64)
    blocks = lists.flatten()  # skips null lists
    file_of_block = np.repeat(np.arange(n_files), counts)
    # Per-block checks: block objects present, polygons of exactly 4 complete vertices.
    bad = np.asarray(blocks.is_null().to_numpy(zero_copy_only=False), dtype=bool)
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
    block_idx = np.arange(n, dtype=np.int64) - np.repeat(starts, counts)
    conf = blocks.field("confidence").to_numpy(zero_copy_only=False).astype(np.float64)
    with np.errstate(invalid="ignore"):
        conf[(conf < 0) | (conf > 1)] = np.nan
    xy = np.full((n, 8), np.nan)
    if has_loc.any():
        xy[has_loc] = coords.to_numpy(zero_copy_only=False).reshape(-1, 8)
    pages = np.array(
        [e.page if isinstance(e.page, int) and e.page > 0 else 1 for e in entries], np.int64
    )
    sources = np.array([e.source for e in entries], dtype=object)
    na_int = pd.array(np.full(n, pd.NA), dtype="Int64")
    cols: dict[str, Any] = {
        "source": pd.array(sources[file_of_block], dtype="str"),
        "api": pd.array(np.full(n, _API, dtype=object), dtype="str"),
        "page": pages[file_of_block],
        "region": na_int,
        "table": na_int.copy(),
        "cell": na_int.copy(),
        "block": block_idx,
        "text": pd.array(blocks.field("words"), dtype="str"),
        "confidence": conf,
    }
    for k, name in enumerate(("x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4")):
        cols[name] = xy[:, k]
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            cols["x_min"] = np.nanmin(xy[:, 0::2], axis=1) if n else np.empty(0)
            cols["y_min"] = np.nanmin(xy[:, 1::2], axis=1) if n else np.empty(0)
            cols["x_max"] = np.nanmax(xy[:, 0::2], axis=1) if n else np.empty(0)
            cols["y_max"] = np.nanmax(xy[:, 1::2], axis=1) if n else np.empty(0)
    return pd.DataFrame(cols, index=pd.RangeIndex(n)), file_of_block, ok
