"""Tables: the long ``cells`` frame turned into one grid DataFrame per table.

Each table cell of a response (General Table table regions, Smart Document Recognizer
``table_result`` and ``form_result``) has a start ``row``/``col`` and a ``row_span``/``col_span``.
:func:`grid` places the cells of one table on a 2-D grid with numpy; :func:`tables` does that for
every table of one or many responses and applies a header and a numeric policy; :func:`join_tables`
glues tables that continue across pages.

Span policies (what a merged cell looks like in the grid):

- ``"top_left"``: the text sits in the span's first (top-left) position, the rest are missing (NA),
  as ``pandas.read_excel`` shows merged cells;
- ``"fill"``: the text is repeated over every position of the span;
- ``"blank"``: the text sits in the first position and the rest are empty strings.

Positions that no cell covers are missing (NA) under every policy. Cells that start at the same
position (a malformed response) share it: their texts are joined with a newline, in order.

>>> import pandas as pd
>>> cells = pd.DataFrame({"row": [0, 0, 1, 1], "col": [0, 1, 1, 2], "row_span": [2, 1, 1, 1],
...                       "col_span": [1, 2, 1, 1], "text": ["id", "size", "w", "h"]})
>>> grid(cells, span="fill").values.tolist()
[['id', 'size', 'size'], ['id', 'w', 'h']]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import check_choice, check_flag
from ..errors import InputError
from ..inputs.params import show_value
from .numeric import to_numeric_table

__all__ = ["tables", "grid", "join_tables", "SPAN_POLICIES"]

SPAN_POLICIES = ("top_left", "fill", "blank")
KINDS = ("table", "form")
# A hostile response could claim a cell at row 10**9: bound the grid before allocating it.
MAX_GRID_CELLS = 5_000_000
_TABLE_KEYS = ("source", "api", "page", "kind", "table")


# --- validation helpers ----------------------------------------------------------------------


def check_span(span: str) -> str:
    """``span`` if it is one of :data:`SPAN_POLICIES`, else :class:`InputError`."""
    return check_choice("span", span, SPAN_POLICIES)


def check_table_options(span: Any, header: Any, multiindex: Any, numeric: Any) -> None:
    """The one check of the options :func:`tables` and ``excel_tables`` share, made before
    any table is read: InputError naming the first bad one."""
    check_span(span)
    _header_spec(header)
    check_flag("multiindex", multiindex)
    check_flag("numeric", numeric)


def _int_column(cells: pd.DataFrame, name: str, default: int, minimum: int) -> np.ndarray:
    if name not in cells.columns:
        return np.full(len(cells), default, dtype=np.int64)
    values = pd.to_numeric(cells[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values) | (values < minimum) | (values != np.floor(values))
    if bad.any():
        first = cells[name].iloc[int(np.flatnonzero(bad)[0])]
        raise InputError(
            f"cells column {name!r} needs whole numbers >= {minimum}; {int(bad.sum())} value(s) "
            f"are not (first: {first!r}). Pass the frame returned by ocrframe.cells()"
        )
    return values.astype(np.int64)


def _placement(cells: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Validated start rows, columns, spans and texts (object array, None for missing)."""
    missing = [c for c in ("row", "col", "text") if c not in cells.columns]
    if missing:
        raise InputError(
            f"a cells frame needs the columns row, col and text (missing {missing}); "
            "pass the frame returned by ocrframe.cells() or a response"
        )
    r = _int_column(cells, "row", 0, 0)
    c = _int_column(cells, "col", 0, 0)
    rs = _int_column(cells, "row_span", 1, 1)
    cs = _int_column(cells, "col_span", 1, 1)
    text = cells["text"].to_numpy(dtype=object, na_value=None)
    return r, c, rs, cs, text


def _shape(r: np.ndarray, c: np.ndarray, rs: np.ndarray, cs: np.ndarray) -> tuple[int, int]:
    if len(r) == 0:
        return 0, 0
    n_rows, n_cols = int((r + rs).max()), int((c + cs).max())
    if n_rows * n_cols > MAX_GRID_CELLS or int((rs * cs).sum()) > MAX_GRID_CELLS:
        raise InputError(
            f"a table of {n_rows} x {n_cols} positions exceeds the limit of {MAX_GRID_CELLS:,} "
            "cells (ocrframe.tables.MAX_GRID_CELLS); the row/col values look corrupt"
        )
    return n_rows, n_cols


def place_cells(cells: pd.DataFrame, span: str) -> np.ndarray:
    """The table's 2-D object array under a span policy (None = missing)."""
    r, c, rs, cs, text = _placement(cells)
    n_rows, n_cols = _shape(r, c, rs, cs)
    out = np.full((n_rows, n_cols), None, dtype=object)
    merged = (rs > 1) | (cs > 1)
    if span != "top_left" and merged.any():
        # Every position of every span, built with np.repeat (no per-cell Python loop).
        mr, mc, mrs, mcs = r[merged], c[merged], rs[merged], cs[merged]
        sizes = mrs * mcs
        owner = np.repeat(np.arange(len(mr)), sizes)
        local = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        rows = mr[owner] + local // mcs[owner]
        cols = mc[owner] + local % mcs[owner]
        out[rows, cols] = text[merged][owner] if span == "fill" else ""
    out[r, c] = text
    _join_duplicates(out, r, c, text)
    return out


def cell_spans(cells: pd.DataFrame) -> dict[tuple[int, int], tuple[int, int]]:
    """``{(row, col): (row_span, col_span)}`` of every cell, validated as :func:`grid` does.

    >>> cell_spans(pd.DataFrame({"row": [0], "col": [0], "col_span": [2], "text": ["t"]}))
    {(0, 0): (1, 2)}
    """
    r, c, rs, cs, _ = _placement(cells)
    starts = zip(r.tolist(), c.tolist(), strict=True)
    return dict(zip(starts, zip(rs.tolist(), cs.tolist(), strict=True), strict=True))


def _join_duplicates(out: np.ndarray, r: np.ndarray, c: np.ndarray, text: np.ndarray) -> None:
    """Cells starting at the same position (a malformed response): join their texts with a
    newline, in input order, instead of keeping only the last one."""
    if len(r) < 2:
        return
    flat = r * out.shape[1] + c
    order = np.argsort(flat, kind="stable")
    sf = flat[order]
    starts = np.flatnonzero(np.r_[True, sf[1:] != sf[:-1]])
    ends = np.r_[starts[1:], len(sf)]
    for a, b in zip(starts[ends - starts > 1], ends[ends - starts > 1], strict=True):
        parts = [str(text[i]) for i in order[a:b] if text[i] is not None]
        out[r[order[a]], c[order[a]]] = "\n".join(parts) if parts else None


# --- public: one table -----------------------------------------------------------------------


def grid(cells: pd.DataFrame, *, span: str = "top_left") -> pd.DataFrame:
    """Place the cells of one table on a grid.

    Parameters
    ----------
    cells : DataFrame
        Rows of :func:`ocrframe.cells` for one table: ``row``, ``col``, ``text`` and optionally
        ``row_span``/``col_span`` (1 when absent).
    span : {"top_left", "fill", "blank"}
        What merged cells look like (see the module docs).

    Returns
    -------
    DataFrame
        ``str`` columns, ``RangeIndex`` rows and columns; NA where no text.

    Raises
    ------
    InputError
        Missing columns, negative or non-integer positions, cells of several tables, or a grid
        larger than ``MAX_GRID_CELLS``.

    Examples
    --------
    >>> import pandas as pd
    >>> grid(pd.DataFrame({"row": [0, 1], "col": [0, 0], "text": ["a", "b"]})).values.tolist()
    [['a'], ['b']]
    """
    check_span(span)
    if not isinstance(cells, pd.DataFrame):
        raise InputError(f"grid() takes a cells DataFrame, got {type(cells).__name__}")
    several = [k for k in _TABLE_KEYS if k in cells.columns and cells[k].nunique() > 1]
    if several:
        raise InputError(
            f"the cells belong to several tables (they differ in {several}); use "
            "ocrframe.tables.grid() for one frame per table, or select one table first"
        )
    return _to_frame(place_cells(cells, span))


def _to_frame(values: np.ndarray, columns: Any = None) -> pd.DataFrame:
    if values.shape[1] == 0:
        return pd.DataFrame(index=pd.RangeIndex(values.shape[0]), columns=columns)
    return pd.DataFrame(values, columns=columns).astype("str")


# --- header handling -------------------------------------------------------------------------


def _auto_header_rows(cells: pd.DataFrame) -> list[int]:
    """Row 0 and the rows its cells span; the row beneath when row 0 has a cell spanning
    columns (a group label over sub-labels); then every next row holding a cell that spans some
    but not all columns (a group label; a full-width cell is a section label in the body)."""
    r, c, rs, cs, _ = _placement(cells)
    if len(r) == 0:
        return []
    n_rows, n_cols = int((r + rs).max()), int((c + cs).max())
    end = (r + rs).astype(np.int64)
    depth = int(end[r == 0].max(initial=1))
    if ((cs > 1) & (r == 0)).any() and depth < 2:
        depth = max(2, int(end[r == 1].max(initial=2)))
    while depth < n_rows and ((cs > 1) & (cs < n_cols) & (r == depth)).any():
        depth = max(depth + 1, int(end[r == depth].max(initial=depth + 1)))
    return list(range(min(depth, n_rows)))


def _is_row(h: Any) -> bool:
    return isinstance(h, (int, np.integer)) and not isinstance(h, bool)


def _header_spec(header: Any) -> str | list[int] | None:
    """``header`` as None, ``'first'``, ``'auto'`` or sorted row numbers; else InputError."""
    if header is None or (isinstance(header, str) and header in ("first", "auto")):
        return header
    if _is_row(header):
        return [int(header)]
    if isinstance(header, Sequence) and not isinstance(header, str) and len(header):
        if not all(_is_row(h) for h in header):
            raise InputError(f"header list must hold row numbers (int), got {show_value(header)}")
        return sorted({int(h) for h in header})
    raise InputError(
        "header must be None, 'first', 'auto', a row number or a list of row numbers, "
        f"but {show_value(header)} was passed"
    )


def _header_rows(header: Any, cells: pd.DataFrame, n_rows: int) -> list[int]:
    spec = _header_spec(header)
    if spec is None:
        return []
    rows = [0] if spec == "first" else _auto_header_rows(cells) if spec == "auto" else spec
    if n_rows and (rows[0] < 0 or rows[-1] >= n_rows):
        raise InputError(f"header rows {rows} are outside the table's {n_rows} rows")
    return rows if n_rows else []


def _labels(head: np.ndarray, multiindex: bool) -> pd.Index:
    parts = [["" if v is None else str(v).strip() for v in col] for col in head.T]
    if multiindex and head.shape[0] > 1:
        return pd.MultiIndex.from_tuples([tuple(p) for p in parts])
    names: list[str] = []
    seen: dict[str, int] = {}
    for j, p in enumerate(parts):
        kept = [x for i, x in enumerate(p) if x and (i == 0 or x != p[i - 1])]
        name = " / ".join(kept) or f"Unnamed: {j}"
        if name in seen:  # duplicate labels get a suffix, as pandas.read_csv does
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return pd.Index(names, dtype="str")


# --- public: every table of a response ------------------------------------------------------


def build_table(
    cells: pd.DataFrame, *, span: str, header: Any, multiindex: bool, numeric: bool
) -> pd.DataFrame:
    """One table's cells as the DataFrame :func:`tables` returns (header and numeric policy)."""
    values = place_cells(cells, span)
    rows = _header_rows(header, cells, values.shape[0])
    if rows:
        columns = _labels(values[rows], multiindex)
        values = values[rows[-1] + 1 :]
    else:
        columns = None
    frame = _to_frame(values, columns)
    return to_numeric_table(frame) if numeric else frame


def _cells_of(x: Any) -> list[pd.DataFrame]:
    """One or more cells frames, each with source/api columns, from whatever the user has."""
    if isinstance(x, pd.DataFrame):
        return [x]
    if isinstance(x, (list, tuple)):
        return [f for item in x for f in _cells_of(item)]
    from ..datasets.batch import Batch

    if isinstance(x, Batch):  # every table of every response (read column-wise)
        return [x.cells()]
    from ..flatten import cells as flatten_cells
    from ..response import read_response

    resp = read_response(x)
    frame = flatten_cells(resp)
    frame = frame.assign(source=resp.source, api=resp.api) if len(frame) else frame
    return [frame]


def iter_table_cells(x: Any, kind: str | None = None):
    """Yield ``(info, cells)`` per table: info holds source, api, page, kind and table."""
    if kind is not None:
        check_choice("kind", kind, [None, *KINDS])
    for frame in _cells_of(x):
        if not len(frame):
            continue
        if kind is not None and "kind" in frame.columns:
            frame = frame[frame["kind"] == kind]
        keys = [k for k in _TABLE_KEYS if k in frame.columns]
        if not keys:
            yield _info({}), frame
            continue
        for key, idx in frame.groupby(keys, sort=False, dropna=False).indices.items():
            key = key if isinstance(key, tuple) else (key,)
            yield _info(dict(zip(keys, key, strict=True))), frame.iloc[idx]


def _info(raw: dict[str, Any]) -> dict[str, Any]:
    def clean(v: Any, default: Any) -> Any:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return default
        return v.item() if isinstance(v, np.generic) else v

    return {
        "source": clean(raw.get("source"), None),
        "api": clean(raw.get("api"), None),
        "page": int(clean(raw.get("page"), 1)),
        "kind": clean(raw.get("kind"), "table"),
        "table": int(clean(raw.get("table"), 0)),
    }


def tables(
    x: Any,
    *,
    span: str = "top_left",
    header: Any = None,
    multiindex: bool = False,
    numeric: bool = False,
    kind: str | None = None,
) -> list[pd.DataFrame]:
    """One DataFrame per table (and per page) of a response, a cells frame or a list of them.

    Parameters
    ----------
    x : response, cells DataFrame, Batch, or list
        Anything :func:`ocrframe.read_response` accepts, a frame from :func:`ocrframe.cells`
        (with or without ``source``/``api`` columns, as a Batch gives), a Batch (its tables),
        or a list of those.
    span : {"top_left", "fill", "blank"}
        Merged-cell policy, also applied to header rows.
    header : None, "first", "auto", int or list of int
        None: ``RangeIndex`` columns and every row is data. ``"first"`` (or ``0``): the first
        row names the columns. An int ``n``: row ``n`` names the columns and the rows above it
        are dropped (as in pandas). A list: those rows are joined into one label per column
        (``"Group / Sub"``, empty parts skipped). ``"auto"``: the first row plus the rows its
        cells span; the row beneath when row 0 has column-spanning group labels; then each next
        row holding a cell that spans some but not all columns (a heuristic; a full-width cell
        is taken for a section label in the body).
    multiindex : bool
        With several header rows, keep them as a ``MultiIndex`` instead of joined labels.
    numeric : bool
        Convert the columns that parse as numbers (see :func:`to_numeric_table`).
    kind : {"table", "form"}, optional
        Only tables or only forms (Smart Document Recognizer ``form_result``).

    Returns
    -------
    list of DataFrame
        In the order the tables appear; ``frame.attrs`` holds ``source``, ``api``,
        ``page``, ``kind`` and ``table``.

    Examples
    --------
    >>> blocks = [{"words": "a", "rows": [0], "columns": [0, 1]},
    ...           {"words": "b", "rows": [1], "columns": [0]},
    ...           {"words": "c", "rows": [1], "columns": [1]}]
    >>> body = {"result": {"words_region_list": [{"type": "table", "words_block_list": blocks}]}}
    >>> tables(body, header="first", span="fill")[0]
       a a.1
    0  b   c
    """
    check_table_options(span, header, multiindex, numeric)
    out = []
    for info, cells in iter_table_cells(x, kind):
        frame = build_table(cells, span=span, header=header, multiindex=multiindex, numeric=numeric)
        frame.attrs.update(info)
        out.append(frame)
    return out


# --- joining across pages --------------------------------------------------------------------


def _continues(head: pd.DataFrame, last: pd.DataFrame, nxt: pd.DataFrame) -> bool:
    a, b = last.attrs, nxt.attrs
    return (
        a.get("source") == b.get("source")
        and a.get("kind", "table") == b.get("kind", "table")
        and b.get("page", 0) == a.get("page", 0) + 1
        and head.shape[1] == nxt.shape[1]
        and list(head.columns) == list(nxt.columns)
    )


def _same_row(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if not len(a) or not len(b):
        return False
    x, y = (["" if pd.isna(v) else str(v).strip() for v in f.iloc[0].tolist()] for f in (a, b))
    return x == y


def join_tables(frames: Sequence[pd.DataFrame]) -> list[pd.DataFrame]:
    """Join tables that continue across pages.

    A frame is appended to the previous one when it comes from the same source and kind, is on
    the next page and has the same columns. With ``header=None`` frames, a first row equal to the
    first row of the table it continues (a repeated header) is dropped. The joined frame's
    ``attrs`` keep the first page in ``page`` and list all of them in ``pages``.

    >>> import pandas as pd
    >>> p1 = pd.DataFrame({"n": [1, 2]}); p1.attrs.update(page=1)
    >>> p2 = pd.DataFrame({"n": [3]}); p2.attrs.update(page=2)
    >>> [len(f) for f in join_tables([p1, p2])]
    [3]
    """
    if isinstance(frames, pd.DataFrame) or not isinstance(frames, Iterable):
        raise InputError(
            f"join_tables takes a list of DataFrames (from ocrframe.tables), got "
            f"{type(frames).__name__}"
        )
    groups: list[list[pd.DataFrame]] = []
    for frame in frames:
        if not isinstance(frame, pd.DataFrame):
            raise InputError(f"join_tables takes a list of DataFrames, got {type(frame).__name__}")
        if groups and _continues(groups[-1][0], groups[-1][-1], frame):
            groups[-1].append(frame)
        else:
            groups.append([frame])
    out = []
    for head, *rest in groups:
        if not rest:
            out.append(head)
            continue
        plain = isinstance(head.columns, pd.RangeIndex)  # a repeated header row is dropped
        parts = [head, *(f.iloc[1:] if plain and _same_row(head, f) else f for f in rest)]
        joined = pd.concat(parts, ignore_index=True)
        joined.attrs = {**head.attrs, "pages": [f.attrs.get("page") for f in (head, *rest)]}
        out.append(joined)
    return out
