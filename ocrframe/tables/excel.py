"""Spreadsheets: the API's Base64 workbooks in, review workbooks out.

- :func:`excel_tables` decodes every ``excel`` field of a response (General Table
  ``result.excel``, each Smart Document Recognizer table or form ``excel``) and returns one
  DataFrame per sheet, merged ranges handled by the span policies of :mod:`ocrframe.tables`.
- :func:`save_excel` writes those workbooks to disk as returned.
- :func:`compare_excel_cells` cross-checks the API's workbook against the JSON cells.
- :func:`to_excel` writes a review workbook from cells: one sheet per table with merged
  ranges, low-confidence cells highlighted, confidences as comments or a companion sheet,
  and a ``sources`` sheet.

Payloads are untrusted. Before openpyxl sees one it must be valid Base64, a zip archive
holding ``[Content_Types].xml``, with at most ``max_members`` members that expand to at most
``max_bytes`` in total (Python's zip reader never returns more than a member's declared size);
anything else raises :class:`WorkbookError`.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, WorkbookError
from .grid import (
    MAX_GRID_CELLS,
    _build,
    _check_span,
    _place,
    iter_table_cells,
)

__all__ = [
    "WorkbookError",
    "excel_tables",
    "save_excel",
    "compare_excel_cells",
    "to_excel",
    "decode_workbook",
    "DEFAULT_MAX_BYTES",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_MEMBERS = 1_000
LOW_CONFIDENCE_FILL = "FFFFC7CE"  # Excel's "light red fill" for bad values
_EXCEL_MAX_ROWS, _EXCEL_MAX_COLS = 1_048_576, 16_384


# --- decoding untrusted payloads -------------------------------------------------------------


def decode_workbook(
    payload: str | bytes,
    *,
    where: str = "payload",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> bytes:
    """Decode a Base64 workbook and check it is a bounded xlsx zip; return the .xlsx bytes.

    Parameters
    ----------
    payload : str or bytes
        Base64 text (a ``data:...;base64,`` prefix and line breaks are accepted).
    where : str
        Name of the payload used in error messages (its JSON path).
    max_bytes : int
        Largest accepted total uncompressed size of the zip members (and of the zip itself).
    max_members : int
        Largest accepted number of zip members.

    Raises
    ------
    WorkbookError
        Not Base64, not a zip, a zip that is not an xlsx workbook, or one too large.

    Examples
    --------
    >>> decode_workbook("bm90IGEgemlw", where="result.excel")
    Traceback (most recent call last):
    ...
    ocrframe.errors.WorkbookError: result.excel is not a workbook: the decoded bytes are not a \
zip archive (they start with b'not a zip'); an .xlsx file starts with b'PK'
    """
    if isinstance(payload, str):
        payload = payload.encode("ascii", "replace")
    if not isinstance(payload, (bytes, bytearray)):
        raise WorkbookError(f"{where} must be a Base64 string, got {type(payload).__name__}")
    payload = re.sub(rb"^data:[^,]*;base64,", b"", bytes(payload).strip())
    payload = re.sub(rb"\s+", b"", payload)
    if len(payload) * 3 // 4 > max_bytes:
        raise WorkbookError(
            f"{where} is {len(payload):,} Base64 characters, more than the limit of "
            f"{max_bytes:,} bytes (max_bytes); raise max_bytes if you trust this workbook"
        )
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WorkbookError(
            f"{where} is not valid Base64 ({exc}); the response may be truncated or edited. "
            "Request it again with return_excel=true"
        ) from exc
    if not data.startswith(b"PK"):
        raise WorkbookError(
            f"{where} is not a workbook: the decoded bytes are not a zip archive (they start "
            f"with {data[:9]!r}); an .xlsx file starts with b'PK'"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise WorkbookError(f"{where} is not a readable zip archive ({exc})") from exc
    if len(members) > max_members:
        raise WorkbookError(
            f"{where} has {len(members):,} zip members, more than max_members={max_members:,}; "
            "refusing to open it"
        )
    total = sum(m.file_size for m in members)
    if total > max_bytes:
        raise WorkbookError(
            f"{where} expands to {total:,} bytes, more than max_bytes={max_bytes:,} (a zip bomb "
            "or a huge workbook); raise max_bytes if you trust it"
        )
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise WorkbookError(
            f"{where} is a zip archive but not an .xlsx workbook (no [Content_Types].xml or "
            f"xl/ part; members: {sorted(names)[:5]})"
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise WorkbookError(f"{where} is an encrypted zip; ocrframe cannot open it")
    return data


def _open_workbook(data: bytes, where: str) -> Any:
    from openpyxl import load_workbook

    try:
        # Not read_only: read-only mode does not report merged ranges.
        return load_workbook(io.BytesIO(data), read_only=False, data_only=True, keep_links=False)
    except Exception as exc:  # any parser failure on untrusted bytes means "not a workbook"
        raise WorkbookError(
            f"{where} is a zip archive but openpyxl cannot read it as a workbook "
            f"({type(exc).__name__}: {exc})"
        ) from exc


# --- finding payloads ------------------------------------------------------------------------

_SDR_KINDS = {"ocr_result", "kv_result", "table_result", "form_result", "layout_result",
              "formula_result"}  # fmt: skip


@dataclass(frozen=True)
class _Payload:
    path: str
    page: int
    kind: str
    table: int | None  # None: one workbook for all tables of the page (General Table)
    b64: Any


def _payloads(resp: Any) -> list[_Payload]:
    """Every ``excel`` field with the page, kind and table index :func:`ocrframe.cells` gives
    the same table (Smart Document Recognizer pages follow the flattener's rules)."""
    base = resp.page if isinstance(resp.page, int) and resp.page > 0 else 1
    result = resp.result
    out: list[_Payload] = []
    if isinstance(result, dict) and "excel" in result:
        out.append(_Payload("result.excel", base, "table", None, result["excel"]))
    elif isinstance(result, list):
        dicts = [e for e in result if isinstance(e, dict)]
        kinds = [[k for k in e if k in _SDR_KINDS] for e in dicts]
        flat = [k for ks in kinds for k in ks]
        one_kind_each = all(len(ks) <= 1 for ks in kinds) and len(flat) == len(set(flat))
        counters: dict[tuple[int, str], int] = {}
        for i, elem in enumerate(result):
            if not isinstance(elem, dict):
                continue
            page = base if one_kind_each else base + i
            for kind in ("table", "form"):
                block = elem.get(f"{kind}_result")
                items = block.get(f"{kind}_list") if isinstance(block, dict) else None
                if not isinstance(items, list):
                    continue
                start = counters.get((page, kind), 0)
                for j, item in enumerate(items):
                    if isinstance(item, dict) and "excel" in item:
                        path = f"result[{i}].{kind}_result.{kind}_list[{j}].excel"
                        out.append(_Payload(path, page, kind, start + j, item["excel"]))
                counters[(page, kind)] = start + len(items)
    return out


def _responses(x: Any) -> list[Any]:
    from ..response import read_response

    if isinstance(x, (list, tuple)):
        return [read_response(item) for item in x]
    return [read_response(x)]


# --- workbook sheets as cells ----------------------------------------------------------------


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _sheet_cells(ws: Any, where: str) -> pd.DataFrame:
    """A worksheet as a cells frame (row, col, row_span, col_span, text), A1 = (0, 0); merged
    ranges become one spanning cell, trailing empty rows and columns are dropped."""
    if ws.max_row * ws.max_column > MAX_GRID_CELLS:
        raise WorkbookError(
            f"{where} sheet {ws.title!r} spans {ws.max_row:,} x {ws.max_column:,} cells, more "
            f"than {MAX_GRID_CELLS:,}"
        )
    values = np.full((ws.max_row, ws.max_column), "", dtype=object)
    for r, row in enumerate(ws.iter_rows(values_only=True)):
        values[r, : len(row)] = [_text(v) for v in row]
    merges = [
        (m.min_row - 1, m.min_col - 1, m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
        for m in ws.merged_cells.ranges
    ]
    used = values != ""
    last_r = max([int(np.flatnonzero(used.any(axis=1)).max(initial=-1))]
                 + [r + rs - 1 for r, _, rs, _ in merges])  # fmt: skip
    last_c = max([int(np.flatnonzero(used.any(axis=0)).max(initial=-1))]
                 + [c + cs - 1 for _, c, _, cs in merges])  # fmt: skip
    n_rows, n_cols = last_r + 1, last_c + 1
    if n_rows == 0 or n_cols == 0:
        return pd.DataFrame({"row": [], "col": [], "row_span": [], "col_span": [], "text": []})
    keep = np.ones((n_rows, n_cols), dtype=bool)
    rs = np.ones((n_rows, n_cols), dtype=np.int64)
    cs = np.ones((n_rows, n_cols), dtype=np.int64)
    for r, c, h, w in merges:
        keep[r : r + h, c : c + w] = False
        keep[r, c], rs[r, c], cs[r, c] = True, h, w
    rows, cols = np.nonzero(keep)
    padded = np.full((n_rows, n_cols), "", dtype=object)
    vr, vc = min(n_rows, values.shape[0]), min(n_cols, values.shape[1])
    padded[:vr, :vc] = values[:vr, :vc]
    return pd.DataFrame(
        {
            "row": rows.astype(np.int64),
            "col": cols.astype(np.int64),
            "row_span": rs[rows, cols],
            "col_span": cs[rows, cols],
            "text": pd.array(padded[rows, cols], dtype="str"),
        }
    )


def _iter_sheets(x: Any, max_bytes: int) -> Iterator[tuple[dict[str, Any], pd.DataFrame]]:
    """``(info, cells)`` per worksheet of every payload; info as in :func:`ocrframe.tables`."""
    for resp in _responses(x):
        for p in _payloads(resp):
            data = decode_workbook(p.b64, where=p.path, max_bytes=max_bytes)
            wb = _open_workbook(data, p.path)
            for s, ws in enumerate(wb.worksheets):
                info = {
                    "source": resp.source,
                    "api": resp.api,
                    "page": p.page,
                    "kind": p.kind,
                    "table": s if p.table is None else p.table,
                    "payload": p.path,
                    "sheet": ws.title,
                }
                yield info, _sheet_cells(ws, p.path)


def excel_tables(
    x: Any,
    *,
    span: str = "top_left",
    header: Any = None,
    multiindex: bool = False,
    numeric: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[pd.DataFrame]:
    """One DataFrame per worksheet of every Base64 ``excel`` field of a response.

    Parameters
    ----------
    x : response or list of responses
        Anything :func:`ocrframe.read_response` accepts.
    span, header, multiindex, numeric
        As in :func:`ocrframe.tables`; merged ranges are spans.
    max_bytes : int
        Limit on a workbook's uncompressed size.

    Returns
    -------
    list of DataFrame
        ``attrs``: source, api, page, kind, table (the sheet index for General Table's single
        workbook), payload (JSON path) and sheet (name). Empty cells are ``""``; cells are text.

    Raises
    ------
    WorkbookError
        A payload that is not a bounded, readable .xlsx (see :func:`decode_workbook`).

    Examples
    --------
    >>> frames = excel_tables("ocrframe/sample_data/responses/general-table.json")  # doctest: +SKIP
    >>> frames[0].attrs["payload"]  # doctest: +SKIP
    'result.excel'
    """
    _check_span(span)
    out = []
    for info, cells in _iter_sheets(x, max_bytes):
        frame = _build(cells, span=span, header=header, multiindex=multiindex, numeric=numeric)
        frame.attrs.update(info)
        out.append(frame)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "response"


def save_excel(
    x: Any, path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[Path]:
    """Write the API's workbook(s) to disk byte for byte as returned.

    Parameters
    ----------
    x : response or list of responses
        Anything :func:`ocrframe.read_response` accepts.
    path : path
        A ``.xlsx`` file when there is exactly one payload, otherwise a directory (created if
        needed) that receives ``<source>_p<page>_<kind><table>.xlsx`` (General Table's
        whole-image workbook: ``<source>_p<page>_tables.xlsx``).
    max_bytes : int
        Limit on a workbook's uncompressed size; every payload is checked before any is written.

    Returns
    -------
    list of Path

    Raises
    ------
    WorkbookError
        No ``excel`` field (call with ``return_excel=true``) or an invalid payload.
    """
    items: list[tuple[str, bytes]] = []
    for k, resp in enumerate(_responses(x)):
        stem = _slug(Path(resp.source).stem) if resp.source else f"response{k}"
        for p in _payloads(resp):
            data = decode_workbook(p.b64, where=p.path, max_bytes=max_bytes)
            which = "tables" if p.table is None else f"{p.kind}{p.table}"
            items.append((f"{stem}_p{p.page}_{which}.xlsx", data))
    if not items:
        raise WorkbookError(
            "no Base64 'excel' field in the response; request it with return_excel=true "
            "(Smart Document Recognizer also needs table=true), or build a workbook from the "
            "cells with ocrframe.to_excel()"
        )
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        if len(items) > 1:
            raise InputError(
                f"{len(items)} workbooks to save but {str(path)!r} names one file; pass a folder"
            )
        targets = [path]
    else:
        targets = [path / name for name, _ in items]
        if len(set(targets)) < len(targets):  # same source saved twice
            targets = [t.with_stem(f"{t.stem}_{i}") for i, t in enumerate(targets)]
    for target, (_, data) in zip(targets, items, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(target, data)
    return targets


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --- cross-check -----------------------------------------------------------------------------

_DIFF_COLUMNS = ("source", "page", "kind", "table", "row", "col", "what", "excel", "cells")


def _norm(v: Any) -> str:
    return "" if v is None else " ".join(str(v).split())


def _ref(r: int, c: int, rs: int = 1, cs: int = 1) -> str:
    from openpyxl.utils import get_column_letter

    a = f"{get_column_letter(c + 1)}{r + 1}"
    return a if rs == cs == 1 else f"{a}:{get_column_letter(c + cs)}{r + rs}"


def _spans(cells: pd.DataFrame) -> dict[tuple[int, int], tuple[int, int]]:
    c = cells
    rs = c["row_span"] if "row_span" in c else pd.Series(1, index=c.index)
    cs = c["col_span"] if "col_span" in c else pd.Series(1, index=c.index)
    return {
        (int(r), int(k)): (int(a), int(b))
        for r, k, a, b in zip(c["row"], c["col"], rs, cs, strict=True)
    }


def _diff_table(info: dict[str, Any], xl: pd.DataFrame, js: pd.DataFrame) -> list[tuple]:
    key = (info["source"], info["page"], info["kind"], info["table"])
    rows: list[tuple] = []
    a, b = _place(xl, "top_left"), _place(js, "top_left")
    if a.shape != b.shape:
        shape = "{} x {}".format
        rows.append((*key, None, None, "shape", shape(*a.shape), shape(*b.shape)))
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    for r, c in zip(*np.nonzero(np.ones((h, w), dtype=bool)), strict=True):
        x, y = _norm(a[r, c]), _norm(b[r, c])
        if x != y:
            rows.append((*key, int(r), int(c), "text", a[r, c], b[r, c]))
    sa, sb = _spans(xl), _spans(js)
    for pos in sorted(set(sa) | set(sb)):
        ea, eb = sa.get(pos, (1, 1)), sb.get(pos, (1, 1))
        if ea != eb and (ea != (1, 1) or eb != (1, 1)):
            xa = _ref(*pos, *ea) if pos in sa else None
            xb = _ref(*pos, *eb) if pos in sb else None
            rows.append((*key, pos[0], pos[1], "merge", xa, xb))
    return rows


def compare_excel_cells(x: Any, *, max_bytes: int = DEFAULT_MAX_BYTES) -> pd.DataFrame:
    """Differences between the API's workbook(s) and the JSON cells of the same response.

    Either can be wrong, so neither is taken as the truth. Each table (page, kind, table) is
    compared on its grid shape, the text at every position (whitespace-normalised) and its
    merged ranges; a table present on one side only is reported too.

    Returns
    -------
    DataFrame
        One row per difference: ``source, page, kind, table, row, col`` (Int64, NA for
        table-level rows), ``what`` (``shape``, ``text``, ``merge``, ``missing_excel``,
        ``missing_cells``), ``excel`` and ``cells`` (the two values, as text). Empty when they
        agree.

    Examples
    --------
    >>> compare_excel_cells("ocrframe/sample_data/responses/general-table.json")  # doctest: +SKIP
    Empty DataFrame
    Columns: [source, page, kind, table, row, col, what, excel, cells]
    Index: []
    """
    rows: list[tuple] = []
    for resp in _responses(x):
        sheets = {
            (i["page"], i["kind"], i["table"]): (i, c) for i, c in _iter_sheets(resp, max_bytes)
        }
        json_tables = {
            (i["page"], i["kind"], i["table"]): (i, c) for i, c in iter_table_cells(resp)
        }
        if not sheets:
            continue  # no workbook to compare against
        for key in list(dict.fromkeys([*sheets, *json_tables])):
            info = {"source": resp.source, "page": key[0], "kind": key[1], "table": key[2]}
            base = (resp.source, *key, None, None)
            if key not in sheets:
                rows.append((*base, "missing_excel", None, "table in the JSON cells only"))
            elif key not in json_tables:
                rows.append((*base, "missing_cells", f"sheet {sheets[key][0]['sheet']!r}", None))
            else:
                rows.extend(_diff_table(info, sheets[key][1], json_tables[key][1]))
    out = pd.DataFrame(rows, columns=list(_DIFF_COLUMNS))
    return out.astype(
        {
            "source": "str",
            "page": "int64",
            "kind": "str",
            "table": "int64",
            "row": "Int64",
            "col": "Int64",
            "what": "str",
            "excel": "str",
            "cells": "str",
        }
    )


# --- review workbooks from cells -------------------------------------------------------------

_CONFIDENCE_MODES = ("comment", "sheet", None)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class _Sheet:
    info: dict[str, Any]
    values: np.ndarray  # object grid, None = empty
    conf: np.ndarray | None  # float grid, NaN = none
    merges: list[tuple[int, int, int, int]]
    header: list[list[Any]]  # header rows of a plain frame
    key: str | None = None  # which response: source, or place in the input list


def _cells_sheet(info: dict[str, Any], cells: pd.DataFrame) -> _Sheet:
    values = _place(cells, "top_left")
    conf = np.full(values.shape, np.nan)
    if "confidence" in cells.columns and len(cells):
        c = pd.to_numeric(cells["confidence"], errors="coerce").to_numpy(
            np.float64, na_value=np.nan
        )
        conf[cells["row"].to_numpy(np.int64), cells["col"].to_numpy(np.int64)] = c
    merges = [
        (r, c, rs, cs)
        for (r, c), (rs, cs) in _spans(cells).items()
        if rs > 1 or cs > 1
    ]  # fmt: skip
    return _Sheet(info, values, conf, merges, [])


def _frame_sheet(frame: pd.DataFrame) -> _Sheet:
    info = {k: frame.attrs.get(k) for k in ("source", "api", "page", "kind", "table")}
    values = frame.astype(object).where(frame.notna(), None).to_numpy(dtype=object)
    header: list[list[Any]] = []
    if not isinstance(frame.columns, pd.RangeIndex):
        if isinstance(frame.columns, pd.MultiIndex):
            header = [list(level) for level in zip(*frame.columns, strict=True)]
        else:
            header = [[str(c) for c in frame.columns]]
    return _Sheet(info, values, None, [], header, info.get("source"))


def _collect(x: Any, item: int = 0) -> list[_Sheet]:
    if isinstance(x, (list, tuple)):
        return [s for k, entry in enumerate(x) for s in _collect(entry, k)]
    if isinstance(x, pd.DataFrame) and not {"row", "col", "text"} <= set(x.columns):
        return [_frame_sheet(x)]
    sheets = [_cells_sheet(info, cells) for info, cells in iter_table_cells(x)]
    for s in sheets:  # responses without a source are told apart by their place in the list
        s.key = s.info.get("source") or f"#{item}"
    return sheets


def _sheet_names(sheets: list[_Sheet]) -> list[str]:
    sources = list(dict.fromkeys(s.key for s in sheets))
    names: list[str] = []
    for s in sheets:
        i = s.info
        name = f"p{i.get('page') or 1}_{i.get('kind') or 'table'}{i.get('table') or 0}"
        if len(sources) > 1:
            name = f"s{sources.index(s.key)}_{name}"
        name = re.sub(r"[\[\]:*?/\\]", "_", name)[:28]
        base, k = name, 1
        while name in names or name == "sources":
            name, k = f"{base}_{k}", k + 1
        names.append(name)
    return names


def _check_write_args(threshold: float, confidence: str | None) -> None:
    if confidence not in _CONFIDENCE_MODES:
        raise InputError(
            f"confidence must be one of {list(_CONFIDENCE_MODES)}, but {confidence!r} was passed"
        )
    if not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise InputError(f"threshold must be a number in [0, 1], got {threshold!r}")


_needs_care = np.vectorize(
    lambda v: isinstance(v, str) and (v.startswith("=") or _ILLEGAL.search(v) is not None),
    otypes=[bool],
)


def _plain(v: Any) -> Any:
    if isinstance(v, str):
        return _ILLEGAL.sub("", v) if _ILLEGAL.search(v) else v
    if isinstance(v, np.generic):
        return v.item()
    return v


def _text_row(ws: Any, row: list[Any]) -> list[Any]:
    """A row for ``ws.append`` whose text stays text (a header label or a source path starting
    with "=" is not a formula)."""
    from openpyxl.cell import WriteOnlyCell

    out = []
    for v in row:
        v = _plain(v)
        if isinstance(v, str) and v.startswith("="):
            cell = WriteOnlyCell(ws, value=v)
            cell.data_type = "s"
            v = cell
        out.append(v)
    return out


def _write_sheet(wb: Any, name: str, sheet: _Sheet, low: np.ndarray, comments: bool) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    ws = wb.create_sheet(name)
    values, offset = sheet.values, len(sheet.header)
    # Column widths from the text lengths of the first rows (write-only: set before rows).
    sample = np.vectorize(lambda v: 0 if v is None else len(str(v)), otypes=[np.int64])(
        values[:200]
    ) if values.size else np.zeros((0, values.shape[1]), np.int64)  # fmt: skip
    widths = sample.max(axis=0, initial=0) if sample.size else np.zeros(values.shape[1])
    for j, wdt in enumerate(widths):
        ws.column_dimensions[get_column_letter(j + 1)].width = float(min(max(wdt + 2, 8), 60))
    # A reviewer prints it: fit all columns on the page width.
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    fill = PatternFill("solid", start_color=LOW_CONFIDENCE_FILL, end_color=LOW_CONFIDENCE_FILL)
    special = low.copy()
    if values.size:  # text openpyxl would take for a formula, or reject (control characters)
        special |= _needs_care(values)
    for row in sheet.header:
        ws.append(_text_row(ws, row))
    for r, out in enumerate(values.tolist()):
        for c in np.flatnonzero(special[r]):
            cell = WriteOnlyCell(ws, value=_plain(out[c]))
            if isinstance(out[c], str):
                cell.data_type = "s"  # OCR text starting with "=" is text, never a formula
            if low[r, c]:
                cell.fill = fill
                if comments:
                    cell.comment = Comment(f"confidence {sheet.conf[r, c]:.3f}", "ocrframe")
            out[c] = cell
        ws.append(out)
    ws.merged_cells = MultiCellRange(
        [CellRange(min_col=c + 1, min_row=r + 1 + offset, max_col=c + cs, max_row=r + rs + offset)
         for r, c, rs, cs in sheet.merges]
    )  # fmt: skip


def to_excel(
    x_or_frames: Any,
    path: str | os.PathLike[str],
    *,
    threshold: float = 0.8,
    confidence: str | None = "comment",
    sources: bool = True,
) -> Path:
    """Write a review workbook: one sheet per table, merges from spans, doubtful cells marked.

    Parameters
    ----------
    x_or_frames : response, cells DataFrame, grid DataFrame, or list of them
        Anything :func:`ocrframe.read_response` accepts, a frame from :func:`ocrframe.cells`
        (a Batch's frame with ``source``/``api`` columns too), or frames from
        :func:`ocrframe.tables` (written as they are, without spans or confidences).
    path : path
        The ``.xlsx`` file to write (replaced atomically; the folder must exist).
    threshold : float
        Cells with a confidence below it get a light red fill.
    confidence : {"comment", "sheet", None}
        ``"comment"``: each highlighted cell gets a comment with its confidence. ``"sheet"``: a
        companion sheet ``<name>_conf`` holds every cell's confidence in the same layout. None:
        highlighting only.
    sources : bool
        Add a ``sources`` sheet: sheet name, source file, API, page, kind, table, size, and
        confidence summary of each table.

    Returns
    -------
    Path

    Raises
    ------
    InputError
        Bad options, no table in the input, a table larger than Excel allows, or a path that is
        not an ``.xlsx`` file in an existing folder.

    Examples
    --------
    >>> body = "ocrframe/sample_data/responses/general-table.json"
    >>> to_excel(body, "review.xlsx", threshold=0.9)  # doctest: +SKIP
    PosixPath('review.xlsx')
    """
    _check_write_args(threshold, confidence)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"to_excel writes an .xlsx file; {str(path)!r} has another extension")
    if not path.parent.is_dir():
        raise InputError(f"the folder {str(path.parent)!r} does not exist; create it first")
    sheets = _collect(x_or_frames)
    if not sheets:
        raise InputError("no table to write: the input has no table or form cells")
    for s in sheets:
        n_rows, n_cols = s.values.shape[0] + len(s.header), s.values.shape[1]
        if n_rows > _EXCEL_MAX_ROWS or n_cols > _EXCEL_MAX_COLS:
            raise InputError(f"a table of {n_rows:,} x {n_cols:,} cells does not fit in Excel")
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    names = _sheet_names(sheets)
    summary = []
    for name, s in zip(names, sheets, strict=True):
        conf = s.conf if s.conf is not None else np.full(s.values.shape, np.nan)
        with np.errstate(invalid="ignore"):
            low = conf < threshold
        _write_sheet(wb, name, s, low, comments=confidence == "comment")
        if confidence == "sheet" and s.conf is not None:
            cws = wb.create_sheet(f"{name}_conf"[:31])
            for row in np.where(np.isnan(conf), None, np.round(conf, 4)).tolist():
                cws.append(row)
        known = conf[~np.isnan(conf)]
        summary.append(
            [
                name,
                s.info.get("source"),
                s.info.get("api"),
                s.info.get("page"),
                s.info.get("kind"),
                s.info.get("table"),
                s.values.shape[0],
                s.values.shape[1],
                int(low.sum()),
                float(known.min()) if known.size else None,
                float(known.mean()) if known.size else None,
            ]
        )
    if sources:
        ws = wb.create_sheet("sources")
        ws.append(["sheet", "source", "api", "page", "kind", "table", "rows", "cols",
                   "low_confidence", "min_confidence", "mean_confidence"])  # fmt: skip
        for row in summary:
            ws.append(_text_row(ws, row))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
