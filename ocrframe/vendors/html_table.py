"""Cells of an HTML ``<table>`` (PaddleOCR PP-Structure's ``pred_html`` / ``html``): 0-based
``row`` and ``col`` on the grid, with ``row_span`` / ``col_span`` from ``rowspan`` / ``colspan``
(a cell's column skips the places that cells spanning from rows above take:
:class:`~ocrframe.tables.placement.SpanGrid`).

>>> [(c["row"], c["col"], c["row_span"], c["text"]) for c in table_cells(
...     "<table><tr><td rowspan=2>a</td><td>b</td></tr><tr><td>c</td></tr></table>")]
[(0, 0, 2, 'a'), (0, 1, 1, 'b'), (1, 1, 1, 'c')]
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from ..tables.placement import SpanGrid
from .base import INT64_MAX

__all__ = ["table_cells"]


def _span(value: str | None) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        return 1
    return n if 0 < n <= INT64_MAX else 1


class _Rows(HTMLParser):
    """The first table's rows, each a list of its cells' spans and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[dict[str, Any]]] = []
        self.open: dict[str, Any] | None = None
        self.text: list[str] = []
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables += 1
        elif tag == "tr" and self.tables == 1:
            self.rows.append([])
        elif tag in ("td", "th") and self.tables == 1:
            if not self.rows:  # a cell before any <tr>
                self.rows.append([])
            a = dict(attrs)
            self.open = {"row_span": _span(a.get("rowspan")), "col_span": _span(a.get("colspan"))}
            self.rows[-1].append(self.open)
            self.text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.open is not None:
            self.close_cell()
        elif tag == "table":
            self.tables -= 1

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            self.text.append(data)

    def close_cell(self) -> None:
        assert self.open is not None
        self.open["text"] = " ".join("".join(self.text).split())
        self.open = None


def table_cells(html: str) -> list[dict[str, Any]]:
    """The cells of the first table in ``html``, in document order."""
    parser = _Rows()
    parser.feed(html)
    parser.close()
    if parser.open is not None:  # an unclosed last cell
        parser.close_cell()
    grid = SpanGrid(len(parser.rows))
    cells = []
    for row in parser.rows:
        grid.new_row()
        for cell in row:
            r, c = grid.place(cell["row_span"], cell["col_span"])
            cells.append({"row": r, "col": c, **cell})
    return cells
