"""Cross-check: where the API's workbook and the JSON cells of the same response disagree."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .api_excel import DEFAULT_MAX_BYTES, as_responses, check_limits, iter_workbook_sheets
from .grid import cell_spans, iter_table_cells, place_cells
from .workbook_scan import DEFAULT_MAX_CELLS

__all__ = ["compare_excel_cells"]

_DIFF_COLUMNS = ("source", "page", "kind", "table", "row", "col", "what", "excel", "cells")


def _norm(v: Any) -> str:
    return "" if v is None else " ".join(str(v).split())


def _ref(r: int, c: int, rs: int = 1, cs: int = 1) -> str:
    from openpyxl.utils import get_column_letter

    a = f"{get_column_letter(c + 1)}{r + 1}"
    return a if rs == cs == 1 else f"{a}:{get_column_letter(c + cs)}{r + rs}"


def _diff_table(info: dict[str, Any], xl: pd.DataFrame, js: pd.DataFrame) -> list[tuple]:
    key = (info["source"], info["page"], info["kind"], info["table"])
    rows: list[tuple] = []
    a, b = place_cells(xl, "top_left"), place_cells(js, "top_left")
    if a.shape != b.shape:
        shape = "{} x {}".format
        rows.append((*key, None, None, "shape", shape(*a.shape), shape(*b.shape)))
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    for r, c in zip(*np.nonzero(np.ones((h, w), dtype=bool)), strict=True):
        x, y = _norm(a[r, c]), _norm(b[r, c])
        if x != y:
            rows.append((*key, int(r), int(c), "text", a[r, c], b[r, c]))
    sa, sb = cell_spans(xl), cell_spans(js)
    for pos in sorted(set(sa) | set(sb)):
        ea, eb = sa.get(pos, (1, 1)), sb.get(pos, (1, 1))
        if ea != eb and (ea != (1, 1) or eb != (1, 1)):
            xa = _ref(*pos, *ea) if pos in sa else None
            xb = _ref(*pos, *eb) if pos in sb else None
            rows.append((*key, pos[0], pos[1], "merge", xa, xb))
    return rows


def compare_excel_cells(
    x: Any, *, max_bytes: int = DEFAULT_MAX_BYTES, max_cells: int = DEFAULT_MAX_CELLS
) -> pd.DataFrame:
    """Differences between the API's workbook(s) and the JSON cells of the same response.

    Either can be wrong, so neither is taken as the truth. Each table (page, kind, table) is
    compared on its grid shape, the text at every position (whitespace-normalised) and its
    merged ranges; a table present on one side only is reported too. The workbooks are read
    with the limits of :func:`ocrframe.excel_tables` (``max_bytes``, ``max_cells``).

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
    check_limits(max_bytes, max_cells)
    rows: list[tuple] = []
    for resp in as_responses(x):
        sheets = {
            (i["page"], i["kind"], i["table"]): (i, c)
            for i, c in iter_workbook_sheets(resp, max_bytes=max_bytes, max_cells=max_cells)
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
