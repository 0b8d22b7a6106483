"""The service's ``excel`` payload: a Base64 .xlsx of a table's cells, spans merged.

One builder for every body that carries ``excel`` (the synthesizer's and the local engine's).

>>> import base64, io, openpyxl
>>> cells = [{"rows": [0], "columns": [0, 1], "words": "Total"},
...          {"rows": [1], "columns": [0], "words": "a"},
...          {"rows": [1], "columns": [1], "words": "1"}]
>>> ws = openpyxl.load_workbook(io.BytesIO(base64.b64decode(service_xlsx_b64(cells)))).active
>>> ws["A1"].value, [str(r) for r in ws.merged_cells.ranges], ws["B2"].value
('Total', ['A1:B1'], '1')
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

__all__ = ["service_xlsx_b64"]


def service_xlsx_b64(cells: Iterable[dict[str, Any]]) -> str:
    """A real .xlsx (Base64) with the cell texts and merged ranges for spans; byte-stable.

    ``cells`` are dicts with ``rows`` and ``columns`` (0-based indices spanned) and ``words``.
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for cell in cells:
        r0, c0 = min(cell["rows"]) + 1, min(cell["columns"]) + 1
        target = ws.cell(row=r0, column=c0, value=cell["words"])
        if isinstance(cell["words"], str):
            target.data_type = "s"  # text, as the service writes it: "=1+1" is not a formula
        r1, c1 = max(cell["rows"]) + 1, max(cell["columns"]) + 1
        if (r1, c1) != (r0, c0):
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    raw = io.BytesIO()
    wb.save(raw)
    # openpyxl stamps the save time into the zip entries and docProps/core.xml: pin both.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-01-01T00:00:00Z", data)
            dst.writestr(
                zipfile.ZipInfo(info.filename, (2025, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
            )
    return base64.b64encode(out.getvalue()).decode("ascii")
