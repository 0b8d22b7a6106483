"""Table cells and OCR lines in the service's shapes: General Table's ``result`` and Smart
Document Recognizer's ``table_result``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..synth.workbook import service_xlsx_b64
from ._geometry import Line, reading_order
from ._table import Cell


def _poly(p: np.ndarray) -> list[list[int]]:
    return [[int(round(x)), int(round(y))] for x, y in np.asarray(p, dtype=float)]


def _conf(value: float) -> float:
    return round(min(max(float(value), 0.0), 1.0), 4)


def _hull(polys: list[np.ndarray]) -> np.ndarray:
    pts = np.concatenate([np.asarray(p, dtype=float) for p in polys])
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def _line_item(line: Line, chars: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "words": line.text,
        "confidence": _conf(line.confidence),
        "location": _poly(line.poly),
    }
    if chars:
        item["char_list"] = [
            {"char": c, "char_confidence": _conf(s), "char_location": _poly(q)}
            for c, q, s in line.chars
        ]
    return item


def _block(text: str, lines: list[Line], fallback: np.ndarray, params: dict[str, Any]) -> dict:
    block: dict[str, Any] = {"words": text}
    if params.get("return_confidence"):
        # an empty cell has nothing to doubt
        block["confidence"] = _conf(np.mean([ln.confidence for ln in lines]) if lines else 1.0)
    if params.get("return_text_location"):
        block["location"] = _poly(_hull([ln.poly for ln in lines]) if lines else fallback)
        chars = bool(params.get("return_char_location"))
        block["words_list"] = [_line_item(ln, chars) for row in reading_order(lines) for ln in row]
    return block


def cell_dicts(cells: list[Cell]) -> list[dict[str, Any]]:
    """``{"words", "rows", "columns"}`` per cell, in row-major order."""
    ordered = sorted(cells, key=lambda c: (c.rows[0], c.columns[0]))
    return [{"words": c.text, "rows": c.rows, "columns": c.columns} for c in ordered]


def general_table_result(
    cells: list[Cell], outside: list[Line], params: dict[str, Any]
) -> dict[str, Any]:
    """General Table's ``result``: text regions around one table region, ``excel`` on request.

    ``return_text_location`` adds ``location``, ``words_list`` and ``cell_location``;
    ``return_char_location`` adds ``char_list`` to ``words_list``; ``return_confidence`` adds
    ``confidence``; ``return_excel`` adds the Base64 .xlsx (spans merged).
    """
    top = min((float(np.min(c.poly[:, 1])) for c in cells), default=np.inf)
    above = [ln for ln in outside if float(np.mean(ln.poly[:, 1])) < top]
    below = [ln for ln in outside if float(np.mean(ln.poly[:, 1])) >= top]
    regions: list[dict[str, Any]] = []

    def text_region(lines: list[Line]) -> None:
        blocks = [
            _block(ln.text, [ln], ln.poly, params) for row in reading_order(lines) for ln in row
        ]
        if blocks:
            regions.append(
                {"type": "text", "words_block_count": len(blocks), "words_block_list": blocks}
            )

    text_region(above)
    if cells:
        blocks = []
        for cell in sorted(cells, key=lambda c: (c.rows[0], c.columns[0])):
            block = _block(cell.text, cell.lines, cell.poly, params)
            block["rows"], block["columns"] = cell.rows, cell.columns
            if params.get("return_text_location"):
                block["cell_location"] = _poly(cell.poly)
            blocks.append(block)
        regions.append(
            {"type": "table", "words_block_count": len(blocks), "words_block_list": blocks}
        )
    text_region(below)
    result: dict[str, Any] = {"words_region_count": len(regions), "words_region_list": regions}
    if params.get("return_excel"):
        result["excel"] = service_xlsx_b64(cell_dicts(cells))
    return result


def sdr_table_result(cells: list[Cell], params: dict[str, Any]) -> dict[str, Any]:
    """Smart Document Recognizer's ``table_result`` for one table (none when no cells)."""
    tables = []
    if cells:
        words = cell_dicts(cells)
        table: dict[str, Any] = {
            "location": _poly(_hull([c.poly for c in cells])),
            "words_block_count": len(words),
            "words_block_list": words,
        }
        if params.get("return_excel"):
            table["excel"] = service_xlsx_b64(words)
        tables.append(table)
    return {"table_count": len(tables), "table_list": tables}
