"""PDF pages as images and as text, at the service's 150 dpi convention (pypdfium2).

The OCR service renders PDF input at 150 dpi, so every pixel coordinate here is a pixel of the
page rendered at ``dpi`` (150 unless told otherwise), origin top-left, y down.

>>> from ocrframe.inputs.pdf import is_pdf
>>> is_pdf(b"%PDF-1.7 ...")
True
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from .check import MAX_DECODE_PIXELS

__all__ = ["DPI", "is_pdf", "page_count", "render_page", "text_layer"]

DPI = 150
PdfInput = str | os.PathLike | bytes | bytearray | IO[bytes]


def is_pdf(data: bytes | bytearray | memoryview | str | os.PathLike) -> bool:
    """Return True when ``data`` (bytes, or a path to a file) starts like a PDF.

    >>> is_pdf(b"\\x89PNG....")
    False
    """
    if isinstance(data, str | os.PathLike):
        try:
            with open(data, "rb") as fh:
                data = fh.read(1024)
        except OSError:
            return False
    head = bytes(data[:1024])
    return b"%PDF-" in head


def _open(pdf: PdfInput) -> Any:
    import pypdfium2 as pdfium

    if isinstance(pdf, str | os.PathLike):
        path = Path(pdf)
        if not path.is_file():
            raise InputError(f"no PDF found at path '{path}'")
        source: Any = str(path)
    elif isinstance(pdf, bytes | bytearray | memoryview):
        source = bytes(pdf)
    elif hasattr(pdf, "read"):
        source = pdf.read()
    else:
        raise InputError(
            f"a PDF must be a path, bytes or a binary file object, got {type(pdf).__name__}"
        )
    if isinstance(source, bytes) and not is_pdf(source):
        raise InputError("the data is not a PDF (no %PDF- header)")
    try:
        return pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        what = f"'{pdf}'" if isinstance(pdf, str | os.PathLike) else "the PDF"
        raise InputError(f"cannot open {what}: {exc}") from None


def _page(doc: Any, page: int) -> Any:
    from .pages import check_page

    return doc[check_page(page, len(doc), "the PDF") - 1]


def page_count(pdf: PdfInput) -> int:
    """Number of pages of a PDF (path, bytes or binary file object).

    >>> page_count("../shared/data/pdfs/scotus-transcript-p1.pdf")  # doctest: +SKIP
    1
    """
    doc = _open(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def render_page(pdf: PdfInput, page: int = 1, dpi: int = DPI) -> Any:
    """Render one page (1-based) to an RGB ``PIL.Image`` at ``dpi`` (150 like the service).

    A US-letter page (612 x 792 pt) at 150 dpi is 1275 x 1650 pixels.

    >>> render_page("form.pdf", page=2).size  # doctest: +SKIP
    (1275, 1650)
    """
    if not isinstance(dpi, int | float) or not 10 <= dpi <= 1200:
        raise InputError(f"dpi must be a number from 10 to 1200, got {dpi!r}")
    doc = _open(pdf)
    try:
        pg = _page(doc, page)
        w, h = pg.get_size()
        pixels = (w * dpi / 72) * (h * dpi / 72)
        if pixels > MAX_DECODE_PIXELS:
            raise InputError(
                f"page {page} is {w / 72:.0f} x {h / 72:.0f} inches: {pixels:,.0f} pixels at "
                f"{dpi} dpi, more than ocrframe renders ({MAX_DECODE_PIXELS:,}); lower dpi= "
                "or crop the page"
            )
        return pg.render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        doc.close()


def text_layer(pdf: PdfInput, page: int = 1, dpi: int = DPI) -> list[dict[str, Any]]:
    """Lines of the page's embedded text, with 4-vertex polygons in pixels of the render.

    Born-digital pages carry their text; scanned pages give an empty list. Characters are
    grouped into a line until a line break, a jump to another baseline, or a horizontal gap
    wider than about three character heights.

    Returns
    -------
    list of dict
        ``{"text": str, "location": [[x, y]] * 4 (TL, TR, BR, BL, floats),
        "chars": [{"char": str, "location": [[x, y]] * 4}, ...]}`` in text-layer order.

    >>> text_layer("../shared/data/pdfs/scotus-transcript-p1.pdf")[0]["text"]  # doctest: +SKIP
    '1'
    """
    doc = _open(pdf)
    try:
        pg = _page(doc, page)
        to_px = _pixel_mapper(pg, dpi / 72)
        textpage = pg.get_textpage()
        try:
            return _group_lines(textpage, to_px)
        finally:
            textpage.close()
    finally:
        doc.close()


def _pixel_mapper(pg: Any, scale: float):
    """Map PDF user-space points to pixels of the rendered page (crop box and rotation)."""
    left, bottom, right, top = pg.get_cropbox()
    width, height = (right - left) * scale, (top - bottom) * scale
    rotation = pg.get_rotation() % 360

    def to_px(x: float, y: float) -> tuple[float, float]:
        px, py = (x - left) * scale, (top - y) * scale  # unrotated, origin top-left
        if rotation == 90:
            return height - py, px
        if rotation == 180:
            return width - px, height - py
        if rotation == 270:
            return py, width - px
        return px, py

    return to_px


def _group_lines(textpage: Any, to_px) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    cur: list[tuple[str, tuple[float, float, float, float]]] = []

    def flush() -> None:
        chars = [c for c in cur if not c[0].isspace()]
        if chars:
            text = "".join(c[0] for c in cur).strip()
            x0 = min(b[0] for _, b in chars)
            y0 = min(b[1] for _, b in chars)
            x1 = max(b[2] for _, b in chars)
            y1 = max(b[3] for _, b in chars)
            lines.append(
                {
                    "text": " ".join(text.split()),
                    "location": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]],
                    "chars": [{"char": ch, "location": _quad(b)} for ch, b in chars],
                }
            )
        cur.clear()

    for i in range(textpage.count_chars()):
        ch = textpage.get_text_range(i, 1)
        if ch in ("\r", "\n", "\x02", ""):
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        (ax, ay), (bx, by) = to_px(left, top), to_px(right, bottom)
        box = (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
        if ch.isspace():
            if cur:
                cur.append((ch, box))
            continue
        last = next((b for c, b in reversed(cur) if not c.isspace()), None)
        if last is not None:
            height = max(last[3] - last[1], box[3] - box[1], 6.0)
            same_row = box[1] < last[3] and box[3] > last[1]
            if not same_row or box[0] - last[2] > 3 * height or box[2] < last[0]:
                flush()
        cur.append((ch, box))
    flush()
    return lines


def _quad(b: tuple[float, float, float, float]) -> list[list[float]]:
    x0, y0, x1, y1 = b
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
