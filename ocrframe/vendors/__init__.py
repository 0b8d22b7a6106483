"""Other engines' saved results in ocrframe's frames.

``read_response`` recognises the engine from the shape of the result (``Response.vendor``) and
every frame function then reads it with the engine's module here: ``textract``, ``azure``,
``docai``, ``gvision``, ``paddle``, ``tesseract`` (whose ALTO XML ``alto`` reads). The
vocabulary is the same for all: ``words`` one row per line, ``tokens`` one row per word as the
engine segments it, ``chars``, ``cells`` (0-based ``row``/``col`` and spans), ``kv``,
``fields``, ``layout``, ``document`` (the polygons' coordinate space per page: ``width``,
``height``, ``unit``), and ``other`` for anything else, with its path.

>>> import ocrframe
>>> r = ocrframe.read_response({"textAnnotations": [
...     {"description": "Hi", "boundingPoly": {"vertices": [{"x": 1, "y": 1}, {"x": 9, "y": 1},
...      {"x": 9, "y": 5}, {"x": 1, "y": 5}]}}]})
>>> r.vendor, r.api
('gvision', 'text-detection')
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..errors import ResponseFormatError
from .detect import VENDORS, detect_vendor, vendor_api
from .geometry import to_pixels
from .text import parse_text

if TYPE_CHECKING:
    from ..flatten import Extraction
    from ..response import Response

__all__ = [
    "VENDORS",
    "detect_vendor",
    "vendor_api",
    "extract_vendor",
    "parse_text",
    "wrap_list",
    "known_formats",
    "check_vendor",
    "to_pixels",
]

_MODULES = {
    "textract": "textract",
    "azure": "azure",
    "docai": "docai",
    "gvision": "gvision",
    "paddleocr": "paddle",
    "tesseract": "tesseract",
}


def known_formats() -> str:
    """One line per known engine, for error messages."""
    return "\n".join(f"  - {name}: {what}" for name, what in VENDORS.items())


def check_vendor(vendor: str) -> str:
    """``vendor`` when it is a known engine name; a ResponseFormatError otherwise."""
    if not isinstance(vendor, str) or vendor not in VENDORS:
        raise ResponseFormatError(f"unknown vendor {vendor!r}; choose one of {', '.join(VENDORS)}")
    return vendor


def wrap_list(x: list[Any]) -> dict[str, Any]:
    """A top-level JSON list (PaddleOCR 2.x pages, several Textract Get* pages, Vision
    responses) as the object ``{"responses": [...]}``, the shape Vision itself uses."""
    return {"responses": x}


def extract_vendor(resp: Response, other: bool = True) -> Extraction:
    """The frames of a non-Huawei response, by its ``vendor``; ``other``: whether to gather
    what no frame holds (a walk of every value: skipped when that frame is not asked for)."""
    module = importlib.import_module(f".{_MODULES[resp.vendor]}", __name__)
    ex = module.read(resp.raw, other)
    _line_confidence(ex)
    if isinstance(resp.page, int) and resp.page > 1:
        _shift_pages(ex, resp.page - 1)
    return ex


def _line_confidence(ex: Extraction) -> None:
    """Lines the engine gives no confidence (Azure, Tesseract, Vision) get the mean of their
    words' (``tokens`` rows with the same page and block), so line audits cover every engine."""
    words, tokens = ex.cols["words"], ex.cols["tokens"]
    if all(c is not None for c in words["confidence"]):
        return
    sums: dict[tuple[int, int], list[float]] = {}
    for page, block, c in zip(tokens["page"], tokens["block"], tokens["confidence"], strict=True):
        if block is not None and c is not None:
            acc = sums.setdefault((page, block), [0.0, 0])
            acc[0] += c
            acc[1] += 1
    for i, (page, block) in enumerate(zip(words["page"], words["block"], strict=True)):
        acc = sums.get((page, block))
        if words["confidence"][i] is None and acc:
            words["confidence"][i] = acc[0] / acc[1]


def _shift_pages(ex: Extraction, offset: int) -> None:
    """A response saved for page N of a PDF: its page 1 is page N."""
    for cols in ex.cols.values():
        cols["page"] = [p + offset if isinstance(p, int) else p for p in cols["page"]]
    ex.document = {p + offset: v for p, v in ex.document.items()}
