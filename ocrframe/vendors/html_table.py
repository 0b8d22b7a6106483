"""Cells of an HTML ``<table>`` (PaddleOCR PP-Structure's ``pred_html`` / ``html``): 0-based
``row`` and ``col`` on the grid, with ``row_span`` / ``col_span`` from ``rowspan`` / ``colspan``
(a cell's column skips the places that cells spanning from rows above take).

>>> [(c["row"], c["col"], c["row_span"], c["text"]) for c in table_cells(
...     "<table><tr><td rowspan=2>a</td><td>b</td></tr><tr><td>c</td></tr></table>")]
[(0, 0, 2, 'a'), (0, 1, 1, 'b'), (1, 1, 1, 'c')]
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

__all__ = ["table_cells"]


def _span(value: str | None) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        return 1
    return n if n > 0 else 1


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[dict[str, Any]] = []
        self.row = -1
        self.taken: set[tuple[int, int]] = set()  # (row, col) places already covered
        self.open: dict[str, Any] | None = None
        self.text: list[str] = []
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables += 1
        elif tag == "tr" and self.tables == 1:
            self.row += 1
        elif tag in ("td", "th") and self.tables == 1:
            self.row = max(self.row, 0)
            a = dict(attrs)
            col = 0
            while (self.row, col) in self.taken:
                col += 1
            rs, cs = _span(a.get("rowspan")), _span(a.get("colspan"))
            self.taken.update((self.row + i, col + j) for i in range(rs) for j in range(cs))
            self.open = {"row": self.row, "col": col, "row_span": rs, "col_span": cs}
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
        self.cells.append({**self.open, "text": " ".join("".join(self.text).split())})
        self.open = None


def table_cells(html: str) -> list[dict[str, Any]]:
    """The cells of the first table in ``html``, in document order."""
    parser = _Cells()
    parser.feed(html)
    parser.close()
    if parser.open is not None:  # an unclosed last cell
        parser._close()
    return parser.cells
