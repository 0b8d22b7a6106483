"""The API's Base64 workbooks: decoded with bounds, read as frames, saved as returned.

- :func:`excel_tables` decodes every ``excel`` field of a response (General Table
  ``result.excel``, each Smart Document Recognizer table or form ``excel``) and returns one
  DataFrame per sheet, merged ranges handled by the span policies of :mod:`ocrframe.tables`.
- :func:`save_excel` writes those workbooks to disk as returned.

Payloads are untrusted. Before openpyxl sees one it must be valid Base64, a zip archive
holding ``[Content_Types].xml``, with at most ``max_members`` members that expand to at most
``max_bytes`` in total (Python's zip reader never returns more than a member's declared size),
and pass :func:`~ocrframe.tables.workbook_scan.scan_workbook` (no DTD, at most ``max_cells``
cells, merged or linked positions); anything else raises :class:`WorkbookError`.
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
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import check_number, check_output, check_path
from ..errors import InputError, WorkbookError
from ..files import write_atomically
from ..inputs.urls import source_name
from ..response import sdr_one_page
from .grid import build_table, check_table_options
from .workbook_scan import DEFAULT_MAX_CELLS, ZIP_ERRORS, scan_workbook

__all__ = ["excel_tables", "save_excel", "decode_workbook", "iter_workbook_sheets", "as_responses",
           "DEFAULT_MAX_BYTES", "DEFAULT_MAX_MEMBERS"]  # fmt: skip

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_MEMBERS = 1_000
_MAX_NAME = 100  # characters of a source's name kept in save_excel's file names


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
    except ZIP_ERRORS as exc:
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


def _open_workbook(data: bytes, where: str, max_cells: int) -> Any:
    """openpyxl's workbook, after :func:`scan_workbook` found nothing that would blow it up."""
    scan_workbook(data, where=where, max_cells=max_cells)
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
        one_kind_each = sdr_one_page(result)
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


def as_responses(x: Any) -> list[Any]:
    """``x`` (a response, a path, a body, a Batch, or a list of them) as a list of Responses
    (a Batch's in order, files it cannot read warned about and skipped, as iterating it
    does)."""
    from ..datasets.batch import Batch
    from ..response import read_response

    if isinstance(x, Batch):
        return list(x)
    if isinstance(x, (list, tuple)):
        return [r for item in x for r in as_responses(item)]
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


def _sheet_cells(ws: Any, where: str, max_cells: int) -> pd.DataFrame:
    """A worksheet as a cells frame (row, col, row_span, col_span, text), A1 = (0, 0); merged
    ranges become one spanning cell, trailing empty rows and columns are dropped."""
    # The scan bounds each XML part; a sheet's cells and its comments part together can still
    # reach far in two directions, and iter_rows would fill the whole rectangle.
    if ws.max_row * ws.max_column > max_cells:
        raise WorkbookError(
            f"{where} sheet {ws.title!r} spans {ws.max_row:,} x {ws.max_column:,} cells, more "
            f"than max_cells={max_cells:,}"
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


def check_limits(max_bytes: Any, max_cells: Any) -> None:
    """The one check of the workbook limits every reader of the API's Excel takes."""
    check_number("max_bytes", max_bytes, low=1, integer=True)
    check_number("max_cells", max_cells, low=1, integer=True)


def iter_workbook_sheets(
    x: Any, *, max_bytes: int = DEFAULT_MAX_BYTES, max_cells: int = DEFAULT_MAX_CELLS
) -> Iterator[tuple[dict[str, Any], pd.DataFrame]]:
    """``(info, cells)`` per worksheet of every payload; info as in :func:`ocrframe.tables`,
    plus ``payload`` (JSON path) and ``sheet`` (name)."""
    for resp in as_responses(x):
        for p in _payloads(resp):
            data = decode_workbook(p.b64, where=p.path, max_bytes=max_bytes)
            wb = _open_workbook(data, p.path, max_cells)
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
                yield info, _sheet_cells(ws, p.path, max_cells)


def excel_tables(
    x: Any,
    *,
    span: str = "top_left",
    header: Any = None,
    multiindex: bool = False,
    numeric: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> list[pd.DataFrame]:
    """One DataFrame per worksheet of every Base64 ``excel`` field of a response.

    Parameters
    ----------
    x : response, list of responses, or Batch
        Anything :func:`ocrframe.read_response` accepts, or a Batch of saved responses.
    span, header, multiindex, numeric
        As in :func:`ocrframe.tables`; merged ranges are spans.
    max_bytes : int
        Limit on a workbook's uncompressed size.
    max_cells : int
        Limit on the cells (and merged, linked or commented positions) a workbook may make
        openpyxl build, and on one sheet's extent; checked by a streaming scan before opening.

    Returns
    -------
    list of DataFrame
        ``attrs``: source, api, page, kind, table (the sheet index for General Table's single
        workbook), payload (JSON path) and sheet (name). Empty cells are ``""``; cells are text.

    Raises
    ------
    WorkbookError
        A payload that is not a bounded, readable .xlsx (see :func:`decode_workbook`), or a
        workbook bomb or entity attack (see :mod:`ocrframe.tables.workbook_scan`).

    Examples
    --------
    >>> from ocrframe import sample_path
    >>> frames = excel_tables(sample_path("general-table"))
    >>> frames[0].attrs["payload"], frames[0].shape
    ('result.excel', (8, 5))
    >>> frames[0].iloc[1].tolist()
    ['Item', 'Description', 'Qty', 'Unit price', 'Amount']
    """
    check_table_options(span, header, multiindex, numeric)
    check_limits(max_bytes, max_cells)
    out = []
    for info, cells in iter_workbook_sheets(x, max_bytes=max_bytes, max_cells=max_cells):
        frame = build_table(cells, span=span, header=header, multiindex=multiindex, numeric=numeric)
        frame.attrs.update(info)
        out.append(frame)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")[:_MAX_NAME] or "response"


def save_excel(
    x: Any,
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> list[Path]:
    """Write the API's workbook(s) to disk byte for byte as returned.

    Parameters
    ----------
    x : response, list of responses, or Batch
        Anything :func:`ocrframe.read_response` accepts, or a Batch of saved responses.
    path : path
        A ``.xlsx`` file when there is exactly one payload, otherwise a directory (created if
        needed) that receives ``<source>_p<page>_<kind><table>.xlsx`` (General Table's
        whole-image workbook: ``<source>_p<page>_tables.xlsx``).
    max_bytes, max_cells : int
        Limits as in :func:`excel_tables`; every payload is checked before any is written.

    Returns
    -------
    list of Path

    Raises
    ------
    WorkbookError
        No ``excel`` field (call with ``return_excel=true``), an invalid payload, a workbook
        bomb, or a workbook with formulas or external links: the service writes recognised
        text only, so those were put there by someone else and would run when it is opened.

    Examples
    --------
    >>> import tempfile, openpyxl, ocrframe
    >>> r = ocrframe.read_response(ocrframe.sample_path("general-table"))  # has "excel"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [path] = save_excel(r, folder)
    ...     path.name, openpyxl.load_workbook(path).active["A1"].value
    ('general-table_p1_tables.xlsx', 'Quarterly purchase summary')
    """
    check_limits(max_bytes, max_cells)
    path = check_path("path", path)
    path = check_output("path", path, folder=path.suffix.lower() != ".xlsx")
    items: list[tuple[str, bytes]] = []
    for k, resp in enumerate(as_responses(x)):
        name = source_name(resp.source) if resp.source else ""
        stem = _slug(PurePath(name).stem) if name else f"response{k}"
        for p in _payloads(resp):
            data = decode_workbook(p.b64, where=p.path, max_bytes=max_bytes)
            scan = scan_workbook(data, where=p.path, max_cells=max_cells)
            if scan.formulas or scan.external_links:
                raise WorkbookError(
                    f"{p.path} holds {scan.formulas:,} formula(s) and {scan.external_links:,} "
                    "external link(s); the service's workbooks hold recognised text only, so it "
                    "is not saved as it could run code when opened. Use ocrframe.to_excel() to "
                    "write a workbook from the cells"
                )
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
        write_atomically(target, lambda tmp, data=data: tmp.write_bytes(data))
    return targets
