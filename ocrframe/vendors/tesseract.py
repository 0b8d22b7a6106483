"""Tesseract: hOCR (``{"hocr": text}``, as ``read_response`` reads an hOCR file or string),
``image_to_data`` (a TSV read into pytesseract's ``Output.DICT`` columns, or that dict saved
as JSON) and ALTO XML (``{"alto": text}``, read by :mod:`ocrframe.vendors.alto`). Lines are
``words`` (their confidence is the mean of their words'), words are ``tokens``, ``ocrx_cinfo``
characters are ``chars``, blocks and paragraphs are ``layout``.
Coordinates are pixels; confidences 0-100 become 0-1 and -1 (none) becomes NaN. hOCR
elements nested deeper than :data:`ocrframe.parsing.MAX_DEPTH` are refused, as in ALTO.

>>> hocr = ("<div class='ocr_page' title='bbox 0 0 100 50'><span class='ocr_line' "
...         "title='bbox 1 2 60 12'><span class='ocrx_word' title='bbox 1 2 20 12; x_wconf 91'>"
...         "Hi</span> <span class='ocrx_word' title='bbox 25 2 60 12; x_wconf -1'>you</span>"
...         "</span></div>")
>>> ex = read({"hocr": hocr})
>>> ex.cols["words"]["text"], ex.cols["tokens"]["confidence"]
(['Hi you'], [0.91, None])
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from ..errors import ResponseFormatError
from ..flatten import Extraction
from ..parsing import MAX_DEPTH
from .base import POLYGON_COLUMNS, Reader, conf, num, rect
from .detect import TESSERACT_COLUMNS

__all__ = ["read"]

SCALE = 100.0
_LINES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
_AREAS = {
    "ocr_carea": "block",
    "ocr_par": "paragraph",
    "ocr_photo": "photo",
    "ocr_image": "image",
    "ocr_separator": "separator",
    "ocr_table": "table",
}
_KEEP = {"ocr_page", "ocrx_word", "ocrx_cinfo", *_LINES, *_AREAS}
_VOID = {"meta", "br", "img", "link", "hr", "input"}


def read(raw: dict[str, Any], other: bool = True) -> Extraction:
    """The frames of a Tesseract hOCR text, ALTO text or ``image_to_data`` columns."""
    if isinstance(raw.get("alto"), str):
        from .alto import read as read_alto

        return read_alto(raw, other)
    r = Reader(raw, other)
    if isinstance(raw.get("hocr"), str):
        r.use("hocr")
        _hocr(r, raw["hocr"])
    else:
        _data(r, raw)
    return r.finish()


# --- hOCR --------------------------------------------------------------------------------------


class _Element:
    def __init__(self, cls: str, attrs: dict[str, str | None], parent: _Element | None) -> None:
        self.cls, self.attrs, self.parent = cls, attrs, parent
        self.depth = parent.depth + 1 if parent is not None else 0
        self.props = _title(attrs.get("title") or "")
        self.text: list[str] = []
        self.children: list[_Element] = []


# hOCR separates properties with ";"; some engines (kraken) write ", " before the next name.
_PROPERTY_SEPARATOR = re.compile(r";|,\s+(?=[a-z_]+\s)")


def _title(title: str) -> dict[str, list[str]]:
    """``bbox 1 2 3 4; x_wconf 90`` -> ``{"bbox": ["1", "2", "3", "4"], "x_wconf": ["90"]}``

    >>> _title("bbox 86 61 152 101, x_confs 0.91 0.96")["bbox"]
    ['86', '61', '152', '101']
    """
    out = {}
    for part in _PROPERTY_SEPARATOR.split(title):
        words = part.strip().split()
        if words:
            out[words[0]] = words[1:]
    return out


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("root", {}, None)
        self.stack: list[tuple[str, _Element]] = []

    def current(self) -> _Element:
        return self.stack[-1][1] if self.stack else self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        cls = next((c for c in classes if c in _KEEP), None)
        el = self.current()
        if cls is not None:
            el = _Element(cls, a, self.current())
            if el.depth > MAX_DEPTH:
                raise ResponseFormatError(
                    f"hOCR nested more than {MAX_DEPTH} levels deep (hOCR nests about 6): refused"
                )
            self.current().children.append(el)
        self.stack.append((tag, el))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.current().text.append(data)


def _hocr(r: Reader, text: str) -> None:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    pages = [e for e in _walk(parser.root) if e.cls == "ocr_page"] or [parser.root]
    for n, page_el in enumerate(pages, start=1):
        _hocr_page(r, page_el, n)


def _walk(el: _Element):
    for c in el.children:
        yield c
        yield from _walk(c)


def _bbox(el: _Element) -> list[float] | None:
    box = [num(v) for v in el.props.get("bbox", [])]
    if len(box) == 4 and all(v is not None for v in box):
        return rect(*box)  # type: ignore[arg-type]
    return None


def _keep_rest(r: Reader, el: _Element, page: int, used: set[str]) -> None:
    """hOCR properties and attributes no frame holds go to ``other`` (path ``hocr#id.name``),
    when the reader is asked for it."""
    if not r.other:
        return
    where = f"hocr#{el.attrs.get('id') or el.cls}"
    for name, values in el.props.items():
        if name not in used:
            r.ex.other(page, f"{where}.{name}", " ".join(values))
    for name, value in el.attrs.items():
        if name not in ("class", "title", "id") and value is not None:
            r.ex.other(page, f"{where}@{name}", value)


def _hocr_page(r: Reader, page_el: _Element, page: int) -> None:
    box = _bbox(page_el)
    if box is not None:
        r.doc(page, "width", box[2] - box[0])
        r.doc(page, "height", box[5] - box[1])
    r.doc(page, "unit", "pixel")
    _keep_rest(r, page_el, page, {"bbox"})
    line_of: dict[int, int] = {}
    for el in _walk(page_el):
        if el.cls in _LINES:
            _hocr_line(r, el, page, line_of)
    for el in _walk(page_el):
        if el.cls in _AREAS:
            lines = sorted({line_of[id(e)] for e in _walk(el) if id(e) in line_of})
            row = {
                "page": page,
                "block": r.count("layout", page),
                "type": _AREAS[el.cls],
                "words_ids": lines or None,
            }
            _put(row, _bbox(el))
            r.add("layout", row)
            _keep_rest(r, el, page, {"bbox"})


def _put(row: dict[str, Any], poly: list[float] | None) -> None:
    if poly is not None:
        row.update(zip(POLYGON_COLUMNS, poly, strict=True))


def _word_text(word: _Element) -> str:
    """A word's text: its ``ocrx_cinfo`` characters when it has them (``hocr_char_boxes``
    puts only layout whitespace between them), else its own text."""
    chars = [e for e in _walk(word) if e.cls == "ocrx_cinfo"]
    if chars:
        return "".join("".join(ch.text) for ch in chars)
    return "".join(word.text)


def _hocr_line(r: Reader, line: _Element, page: int, line_of: dict[int, int]) -> None:
    block = r.count("words", page)
    line_of[id(line)] = block
    words = [e for e in _walk(line) if e.cls == "ocrx_word"]
    texts, n = [], 0
    for w in words:
        c = conf((w.props.get("x_wconf") or [None])[0], SCALE)
        text = _word_text(w)
        row = {
            "page": page,
            "block": block,
            "token": r.count("tokens", page),
            "text": text,
            "confidence": c,
        }
        _put(row, _bbox(w))
        r.add("tokens", row)
        _keep_rest(r, w, page, {"bbox", "x_wconf"})
        if text.strip():
            texts.append(text.strip())
        for ch in (e for e in _walk(w) if e.cls == "ocrx_cinfo"):
            crow = {
                "page": page,
                "block": block,
                "char": n,
                "text": "".join(ch.text),
                "confidence": conf((ch.props.get("x_conf") or [None])[0], SCALE),
            }
            boxes = [num(v) for v in ch.props.get("x_bboxes", [])]
            if len(boxes) == 4 and None not in boxes:
                _put(crow, rect(*boxes))  # type: ignore[arg-type]
            r.add("chars", crow)
            _keep_rest(r, ch, page, {"x_bboxes", "x_conf"})
            n += 1
    if not words:  # hOCR without word elements: the line's own text
        texts = [" ".join("".join(e.text) for e in [line, *_walk(line)]).strip()]
    row = {"page": page, "block": block, "text": " ".join(t for t in texts if t) or None}
    _put(row, _bbox(line))
    r.add("words", row)
    _keep_rest(r, line, page, {"bbox"})


# --- image_to_data -----------------------------------------------------------------------------


def _data(r: Reader, raw: dict[str, Any]) -> None:
    n = min(len(raw[c]) for c in TESSERACT_COLUMNS)
    rows = [{c: raw[c][i] for c in TESSERACT_COLUMNS} for i in range(n)]
    r.use(*(f"{c}[{i}]" for c in TESSERACT_COLUMNS for i in range(n)))
    lines: dict[tuple, list[dict[str, Any]]] = {}
    line_rows: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[c] for c in ("page_num", "block_num", "par_num", "line_num"))
        page = row["page_num"] if isinstance(row["page_num"], int) else 1
        box = [num(row[c]) for c in ("left", "top", "width", "height")]
        poly = rect(box[0], box[1], box[0] + box[2], box[1] + box[3]) if None not in box else None
        if row["level"] == 1:
            r.doc(page, "width", row["width"])
            r.doc(page, "height", row["height"])
            r.doc(page, "unit", "pixel")
        elif row["level"] in (2, 3):
            out = {
                "page": page,
                "block": r.count("layout", page),
                "type": "block" if row["level"] == 2 else "paragraph",
            }
            _put(out, poly)
            r.add("layout", out)
        elif row["level"] == 4:
            line_rows[key] = {"page": page, "poly": poly}
            lines.setdefault(key, [])
        elif row["level"] == 5:
            text = row["text"] if isinstance(row["text"], str) else str(row["text"])
            lines.setdefault(key, []).append(
                {"page": page, "text": text, "poly": poly, "confidence": conf(row["conf"], SCALE)}
            )
    for key, words in lines.items():
        page = key[0] if isinstance(key[0], int) else 1
        block = r.count("words", page)
        out = {
            "page": page,
            "block": block,
            "text": " ".join(w["text"].strip() for w in words if w["text"].strip()),
        }
        _put(out, (line_rows.get(key) or {}).get("poly"))
        r.add("words", out)
        for w in words:
            tok = {
                "page": page,
                "block": block,
                "token": r.count("tokens", page),
                "text": w["text"],
                "confidence": w["confidence"],
            }
            _put(tok, w["poly"])
            r.add("tokens", tok)
