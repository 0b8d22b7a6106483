"""Where each cell of a table lands when its cells come row by row, left to right, each with a
row and a column span, and no position of its own (HTML tables, Document AI, the table model's
structure tokens): at the first column of its row that no cell above spans into.

>>> grid = SpanGrid(rows=2)
>>> grid.new_row()
>>> grid.place(2, 1), grid.place(1, 2)
((0, 0), (0, 1))
>>> grid.new_row()
>>> grid.place(1, 1)
(1, 1)
"""

from __future__ import annotations

from .workbook_scan import EXCEL_MAX_COLS

__all__ = ["SpanGrid"]


class SpanGrid:
    """The positions cells of ``rows`` rows take, given their spans in order.

    A row span reaches no further than the table's last row, and a column span moves the next
    cell at most a spreadsheet's width: a malformed span (a billion rows) costs no more than the
    table has, and every position fits a spreadsheet.
    """

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.row, self.col = -1, 0
        self.covered: dict[int, list[tuple[int, int]]] = {}  # row -> column ranges spanned into

    def new_row(self) -> None:
        """Start the next row, at its first column."""
        self.row, self.col = self.row + 1, 0

    def place(self, row_span: int, col_span: int) -> tuple[int, int]:
        """``(row, col)`` of the next cell of the current row; marks what its spans cover."""
        moved = True
        while moved:
            moved = False
            for start, end in self.covered.get(self.row, ()):
                if start <= self.col < end:
                    self.col, moved = end, True
        at = (self.row, self.col)
        width = min(max(col_span, 1), EXCEL_MAX_COLS)
        for below in range(self.row + 1, min(self.row + max(row_span, 1), self.rows)):
            self.covered.setdefault(below, []).append((self.col, self.col + width))
        self.col += width
        return at
