"""Results saved as text rather than JSON: Tesseract hOCR and ``image_to_data`` TSV.

>>> tsv = ("level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth"
...        "\\theight\\tconf\\ttext\\n5\\t1\\t1\\t1\\t1\\t1\\t10\\t20\\t30\\t12\\t91.5\\tHi\\n")
>>> parse_text(tsv)["text"], parse_text(tsv)["conf"]
(['Hi'], [91.5])
"""

from __future__ import annotations

from typing import Any

from .detect import TESSERACT_COLUMNS

__all__ = ["parse_text"]


def parse_text(text: str) -> dict[str, Any] | None:
    """``{"hocr": text}`` for hOCR, pytesseract's ``Output.DICT`` columns for a TSV; None
    when the text is neither."""
    head = text.lstrip()[:4096]
    if head.startswith("<") and ("ocr_page" in text or "ocrx_word" in text):
        return {"hocr": text}
    lines = text.splitlines()
    if not lines or tuple(lines[0].strip().split("\t")) != TESSERACT_COLUMNS:
        return None
    out: dict[str, list[Any]] = {c: [] for c in TESSERACT_COLUMNS}
    for line in lines[1:]:
        if not line.strip():
            continue
        parts = line.split("\t", len(TESSERACT_COLUMNS) - 1)
        parts += [""] * (len(TESSERACT_COLUMNS) - len(parts))
        for col, value in zip(TESSERACT_COLUMNS, parts, strict=True):
            out[col].append(value if col == "text" else _number(value))
    return out


def _number(v: str) -> Any:
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v
