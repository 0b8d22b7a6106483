"""The review workbook: cells or grids written to .xlsx for a person to check.

:func:`to_excel` writes one sheet per table with merged ranges from the spans, low-confidence
cells highlighted, confidences as comments or a companion sheet, and a ``sources`` sheet. Every
text goes through :func:`~ocrframe.tables.safe_output.xlsx_value`: nothing written is a formula,
and text longer than a cell holds is cut with a note saying so.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import check_choice, check_flag, check_output, check_threshold
from ..errors import InputError
from ..files import write_atomically
from .grid import cell_spans, iter_table_cells, place_cells
from .safe_output import xlsx_value
from .workbook_scan import EXCEL_MAX_COLS, EXCEL_MAX_ROWS

__all__ = ["to_excel", "LOW_CONFIDENCE_FILL"]

_CONFIDENCE_MODES = ("comment", "sheet", None)
LOW_CONFIDENCE_FILL = "FFFFC7CE"  # Excel's "light red fill" for bad values
_safe_values = np.frompyfunc(xlsx_value, 1, 1)


@dataclass
class _Sheet:
    info: dict[str, Any]
    values: np.ndarray  # object grid, None = empty
    conf: np.ndarray | None  # float grid, NaN = none
    merges: list[tuple[int, int, int, int]]
    header: list[list[Any]]  # header rows of a plain frame
    key: str | None = None  # which response: source, or place in the input list


def _cells_sheet(info: dict[str, Any], cells: pd.DataFrame) -> _Sheet:
    values = place_cells(cells, "top_left")
    conf = np.full(values.shape, np.nan)
    if "confidence" in cells.columns and len(cells):
        c = pd.to_numeric(cells["confidence"], errors="coerce").to_numpy(
            np.float64, na_value=np.nan
        )
        conf[cells["row"].to_numpy(np.int64), cells["col"].to_numpy(np.int64)] = c
    merges = [
        (r, c, rs, cs)
        for (r, c), (rs, cs) in cell_spans(cells).items()
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


def _check_write_args(threshold: float, confidence: str | None, sources: bool) -> None:
    check_choice("confidence", confidence, _CONFIDENCE_MODES)
    check_threshold(threshold)
    check_flag("sources", sources)


def _text_row(row: list[Any]) -> list[Any]:
    """A header or summary row as written: text made safe (a label or a source path starting
    with "=" is not a formula)."""
    return [xlsx_value(v) for v in row]


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
    for row in sheet.header:
        ws.append(_text_row(row))
    safe = _safe_values(values) if values.size else values
    for r, out in enumerate(safe.tolist()):
        for c in np.flatnonzero(low[r]):
            cell = WriteOnlyCell(ws, value=out[c])
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
    x_or_frames : response, cells DataFrame, grid DataFrame, Batch, or list of them
        Anything :func:`ocrframe.read_response` accepts, a frame from :func:`ocrframe.cells`
        (a Batch's frame with ``source``/``api`` columns too), a Batch (every table of its
        responses, a sheet each), or frames from :func:`ocrframe.tables` (written as they are,
        without spans or confidences).
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
    _check_write_args(threshold, confidence, sources)
    path = check_output("path", path, folder=False)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"to_excel writes an .xlsx file; {str(path)!r} has another extension")
    if not path.parent.is_dir():
        raise InputError(f"the folder {str(path.parent)!r} does not exist; create it first")
    sheets = _collect(x_or_frames)
    if not sheets:
        raise InputError("no table to write: the input has no table or form cells")
    for s in sheets:
        n_rows, n_cols = s.values.shape[0] + len(s.header), s.values.shape[1]
        if n_rows > EXCEL_MAX_ROWS or n_cols > EXCEL_MAX_COLS:
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
            ws.append(_text_row(row))
    return write_atomically(path, wb.save)
