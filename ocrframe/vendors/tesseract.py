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
from ..parsing import MAX_DEPTH, xml_parser
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
    """An element of an hOCR class; its descendants are ``order[begin:end]`` (the elements of
    the document in the order they open, shared by all of them; the root is not one)."""

    def __init__(self, cls: str, attrs: dict[str, str | None], parent: _Element | None,
                 order: list[_Element]) -> None:  # fmt: skip
        self.cls, self.attrs, self.parent = cls, attrs, parent
        self.depth = parent.depth + 1 if parent is not None else 0
        self.props = _title(attrs.get("title") or "")
        self.text: list[str] = []
        first = len(order) + (parent is not None)  # after the element's own place
        self.order, self.begin, self.end = order, first, first


# hOCR separates properties with ";"; some engines (kraken) write ", " before the next name.
_PROPERTY_SEPARATOR = re.compile(r";|,\s+(?=[a-z_]+\s)")


def _title(title: str) -> dict[str, list[str]]:
    """``bbox 1 2 3 4; x_wconf 90`` -> ``{"bbox": ["1", "2", "3", "4"], "x_wconf": ["90"]}``

    >>> _title("bbox 86 61 152 101, x_confs 0.91 0.96")["bbox"]
    ['86', '61', '152', '101']
    """
    out = {}
    parts = title.split(";") if "," not in title else _PROPERTY_SEPARATOR.split(title)
    for part in parts:
        words = part.split()  # (split drops the spaces around a part too)
        if words:
            out[words[0]] = words[1:]
    return out


class _Tree:
    """The elements of a class hOCR defines (``_KEEP``), from the events of a parse: start tags
    (names and attributes lowercased, as HTML reads them), end tags and text; text goes to
    the innermost such element open."""

    def __init__(self) -> None:
        self.order: list[_Element] = []
        self.root = _Element("root", {}, None, self.order)
        self.stack: list[tuple[str, _Element, bool]] = []  # tag, element, opened by the tag

    def current(self) -> _Element:
        return self.stack[-1][1] if self.stack else self.root

    def start(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in _VOID:
            return
        cls = next(filter(_KEEP.__contains__, (attrs.get("class") or "").split()), None)
        if cls is None:
            self.stack.append((tag, self.current(), False))
            return
        el = _Element(cls, attrs, self.current(), self.order)
        if el.depth > MAX_DEPTH:
            raise ResponseFormatError(
                f"hOCR nested more than {MAX_DEPTH} levels deep (hOCR nests about 6): refused"
            )
        self.order.append(el)
        self.stack.append((tag, el, True))

    def end(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                self._close(i)
                return

    def finish(self) -> _Element:
        """The root, once the parse is over (elements left open end with the document)."""
        self._close(0)
        self.root.end = len(self.order)
        return self.root

    def _close(self, i: int) -> None:
        for _, el, opened in self.stack[i:]:
            if opened:
                el.end = len(self.order)
        del self.stack[i:]

    def data(self, data: str) -> None:
        self.current().text.append(data)


class _Parser(HTMLParser):
    """HTML's reading of any hOCR (unclosed tags, HTML's named entities...), into a tree."""

    def __init__(self, tree: _Tree) -> None:
        super().__init__(convert_charrefs=True)
        self.tree = tree

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tree.start(tag, dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        self.tree.end(tag)

    def handle_data(self, data: str) -> None:
        self.tree.data(data)


def _parsed(text: str) -> _Element:
    """The tree of an hOCR text: read by expat when HTML would read it alike (Tesseract's
    XHTML: a 48 kB page in 5 ms, not 13), else by :class:`_Parser`."""
    tree = _xml_tree(text)
    if tree is None:
        tree = _Tree()
        parser = _Parser(tree)
        parser.feed(text)
        parser.close()
    return tree.finish()


class _NotAlike(Exception):
    """Raised inside the expat reading: HTML would read this text otherwise."""


# Elements whose content HTML reads as text (its parsers differ on which: any of them).
_RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
             "noscript", "plaintext"}  # fmt: skip
_CHARREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")
# A quoted attribute value holding a tab or newline (XML reads each as a space, HTML keeps it).
_SPACED_VALUE = re.compile(r"""=\s*(?:"[^"]*|'[^']*)[\t\n]""")


def _xml_tree(text: str) -> _Tree | None:
    """The tree of ``text`` read by expat (the one XML rule, :func:`~ocrframe.parsing.xml_parser`:
    no DTD of its own, nothing external read), when HTML reads it alike; None otherwise: not
    well-formed XML, or what XML and HTML read differently (carriage returns, CDATA,
    processing instructions, an entity HTML knows and XML does not, character references
    HTML replaces, spaced attribute values, raw-text elements with content)."""
    if not _alike(text):
        return None
    from xml.parsers import expat

    tree, raw = _Tree(), []
    lower: set[str] = set()  # attribute names seen, written in lower case

    def start(name: str, attrs: dict[str, str]) -> None:
        if raw:
            raise _NotAlike
        name = name.lower()
        if name in _RAW_TEXT:
            raw.append(name)
        if not lower.issuperset(attrs):  # names lowercased as HTML reads them (the last wins)
            lowered = {k.lower(): v for k, v in attrs.items()}
            lower.update(k for k in attrs if k == k.lower())
            attrs = lowered
        tree.start(name, attrs)

    def end(name: str) -> None:
        if raw:
            raw.pop()
        tree.end(name.lower())

    def data(value: str) -> None:
        if raw:
            raise _NotAlike
        tree.data(value)

    def declared(_name: str, _system: Any, _public: Any, internal: int) -> None:
        if internal:  # entities of its own: HTML would not expand them
            raise _NotAlike

    parser = xml_parser(declared, encoding="UTF-8")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.SkippedEntityHandler = _not_alike  # &nbsp; with the XHTML doctype
    try:
        parser.Parse(text.encode("utf-8"), True)
    except (expat.ExpatError, UnicodeEncodeError, _NotAlike):
        return None
    return tree


def _not_alike(*_: Any) -> None:
    raise _NotAlike


def _alike(text: str) -> bool:
    """Whether nothing in ``text`` reads otherwise in XML than in HTML, as far as the bytes
    tell before the parse (see :func:`_xml_tree`)."""
    if "\r" in text or "<![CDATA[" in text or text.count("<?") > text.startswith("<?xml"):
        return False
    if "&#" in text:
        refs = _CHARREF.findall(text)
        if len(refs) != text.count("&#"):
            return False
        points = [int(h, 16) if h else int(d) for h, d in refs]
        if not all(map(_read_alike, points)):
            return False
    return _SPACED_VALUE.search(text) is None


def _read_alike(point: int) -> bool:
    """Whether XML and HTML read a character reference to ``point`` alike: HTML replaces
    control characters, surrogates and non-characters (``&#128;`` is "€"), XML refuses some.

    >>> [_read_alike(p) for p in (39, 0x1F600, 0, 128, 0xFFFE, 0x10FFFF)]
    [True, True, False, False, False, False]
    """
    if point in (9, 10) or 32 <= point < 127 or 160 <= point < 0xD800:
        return True
    return (0xE000 <= point < 0xFDD0 or 0xFDF0 <= point <= 0x10FFFF) and point & 0xFFFE != 0xFFFE


def _hocr(r: Reader, text: str) -> None:
    root = _parsed(text)
    pages = [e for e in _walk(root) if e.cls == "ocr_page"] or [root]
    for n, page_el in enumerate(pages, start=1):
        _hocr_page(r, page_el, n)


def _walk(el: _Element) -> list[_Element]:
    """The descendants of ``el`` in document order."""
    return el.order[el.begin : el.end]


def _bbox(el: _Element, name: str = "bbox") -> list[float] | None:
    """The polygon of ``el``'s box property ``name`` (``x0 y0 x1 y1``); None unless it holds
    four finite numbers (as :func:`~ocrframe.vendors.base.num` reads each).

    >>> _bbox(_Tree().root), _bbox(_Element("x", {"title": "bbox 1 2 3 nan"}, None, []))
    (None, None)
    """
    values = el.props.get(name)
    if values is None or len(values) != 4:
        return None
    box = [num(v) for v in values]
    return None if None in box else rect(*box)  # type: ignore[arg-type]


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
            _put(crow, _bbox(ch, "x_bboxes"))
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
