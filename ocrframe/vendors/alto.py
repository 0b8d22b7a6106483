"""ALTO XML: Tesseract's ``alto`` output (``tesseract img out alto``,
``pytesseract.image_to_alto_xml``), the archive format ABBYY, Transkribus, eScriptorium, kraken
and OCR-D write too. ``read_response`` reads an ALTO file or text as ``{"alto": text}``; any
root element named ``alto`` is read, with the v2, v3 or v4 namespace, another, or none.

- ``words``: ``TextLine``; its text is its ``String`` contents joined by single spaces (``SP``
  or nothing between them: ALTO's strings are words), ending with the ``HYP`` hyphenation mark
  as printed (``exam-``); its confidence the mean of its words'.
- ``tokens``: ``String``, its ``CONTENT`` as printed and ``WC`` (0-1) as confidence (Tesseract
  writes ``"0."`` and its 0-100 integer: its ``0.5`` is 5%, ``0.100`` 100%). The whole
  form of a hyphenated word or an abbreviation (``SUBS_CONTENT``, ``SUBS_TYPE``) stays in
  ``other``: the two parts of ``exam-ple`` are two tokens on two lines.
- ``chars``: ``Glyph`` (``CONTENT``, ``GC``), numbered within their line.
- ``layout``: ``TextBlock``, ``ComposedBlock``, ``Illustration`` and ``GraphicalElement``
  wherever they are on the page (print space or margins), in document order; ``text`` is the
  lines of a block, ``words_ids`` their rows in ``words``.
- polygons: ``HPOS``/``VPOS``/``WIDTH``/``HEIGHT``, or a ``Shape/Polygon`` of four points
  (other shapes give their bounding box, their ``POINTS`` kept in ``other``).
- ``page``: ``PHYSICAL_IMG_NR`` when the pages number themselves in order (Tesseract counts
  from 0: its page 0 is page 1), else the position of the ``Page`` in the file.
- ``document``: each page's ``WIDTH``/``HEIGHT`` and ``unit``, the ``MeasurementUnit``
  (``pixel``, ``mm10``, ``inch1200``; when absent ``mm10``, the default of ALTO 1 and 2). ALTO
  has no field for the image's resolution, so units are kept as written:
  :func:`ocrframe.to_pixels` scales them by the image's size over the page's, as the schema
  advises.
- ``other``: every attribute and text no frame holds (``ID``, ``STYLEREFS``, ``SUBS_CONTENT``,
  ``Styles``, ``Description``...) at its XPath, local names and 1-based positions
  (``/alto/Layout/Page/PrintSpace/TextBlock[2]/TextLine/String[3]/@ID``).
  ``SP`` elements are the spaces of the line text (their box is the gap between two words).

A DTD (``<!DOCTYPE``) is refused before anything is read (:func:`ocrframe.parsing.xml_parser`),
as is XML that is not well-formed or nested deeper than :data:`ocrframe.parsing.MAX_DEPTH`.

>>> alto = ('<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Layout>'
...         '<Page ID="p0" PHYSICAL_IMG_NR="0" WIDTH="100" HEIGHT="50"><PrintSpace>'
...         '<TextBlock ID="b0"><TextLine ID="l0" HPOS="1" VPOS="2" WIDTH="59" HEIGHT="10">'
...         '<String ID="s0" CONTENT="Hi" WC="0.91" HPOS="1" VPOS="2" WIDTH="19" HEIGHT="10"/>'
...         '<SP/><String ID="s1" CONTENT="you" WC="0.5"/></TextLine></TextBlock>'
...         '</PrintSpace></Page></Layout></alto>')
>>> ex = read({"alto": alto})
>>> ex.cols["words"]["text"], ex.cols["tokens"]["confidence"], ex.document
(['Hi you'], [0.91, 0.5], {1: {'width': 100.0, 'height': 50.0, 'unit': 'mm10'}})
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

from ..errors import ResponseFormatError
from ..flatten import Extraction
from ..parsing import DTD_REFUSED, MAX_DEPTH, xml_parser
from .base import MAX_PAGES, POLYGON_COLUMNS, Reader, conf, num, quad, rect, whole

__all__ = ["read", "BLOCK_TYPES"]

# Block elements -> their ``layout`` type.
BLOCK_TYPES = {
    "TextBlock": "text_block",
    "ComposedBlock": "composed_block",
    "Illustration": "illustration",
    "GraphicalElement": "graphical_element",
}
_BOX = ("HPOS", "VPOS", "WIDTH", "HEIGHT")
_ALL = frozenset({"*"})  # an element read whole (an SP: the space between two words)
_TEXT = "#text"
_POINTS = re.compile(r"[\s,]+")
_TESSERACT_WC = re.compile(r"0\.(\d{1,3})")  # Tesseract's WC: "0." + its integer percent


class _Node:
    """One XML element: local name, attributes, children, text, and what a frame used."""

    __slots__ = ("name", "attrs", "parent", "children", "text", "used", "index", "counts")

    def __init__(self, name: str, attrs: dict[str, str], parent: _Node | None) -> None:
        self.name, self.attrs, self.parent = name, attrs, parent
        self.children: list[_Node] = []
        self.text: list[str] = []
        self.used: set[str] | frozenset[str] = set()
        self.counts: dict[str, int] = {}  # children per name, for their XPath index
        self.index = 1
        if parent is not None:
            self.index = parent.counts[name] = parent.counts.get(name, 0) + 1
            parent.children.append(self)

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def named(self, name: str) -> Iterator[_Node]:
        return (c for c in self.children if c.name == name)

    def path(self, parent_path: str = "") -> str:
        """The element's XPath (local names) under its parent's: its name, and its position
        among the siblings of that name when there are several (``TextLine[2]``)."""
        if self.parent is None:
            return f"/{self.name}"
        many = self.parent.counts[self.name] > 1
        return f"{parent_path}/{self.name}" + (f"[{self.index}]" if many else "")


def _parse(text: str) -> _Node:
    """The element tree of an ALTO text; a ResponseFormatError for a DTD, XML that is not
    well-formed, nesting deeper than MAX_DEPTH, or a root that is not ``alto``."""
    top = _Node("", {}, None)
    stack = [top]

    def start(qname: str, attrs: dict[str, str]) -> None:
        if len(stack) > MAX_DEPTH:
            raise ResponseFormatError(
                f"ALTO XML nested more than {MAX_DEPTH} levels deep (ALTO nests about 8): refused"
            )
        stack.append(_Node(qname.rpartition(":")[2], attrs, stack[-1]))

    def refuse(*_: Any) -> None:
        raise ResponseFormatError(f"ALTO XML {DTD_REFUSED}: refused before reading it")

    parser = xml_parser(refuse, encoding="UTF-8")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda _: stack.pop()
    parser.CharacterDataHandler = lambda data: stack[-1].text.append(data)
    try:
        parser.Parse(text.encode("utf-8", "replace"), True)
    except expat.ExpatError as exc:
        raise ResponseFormatError(
            f"ALTO XML is not well-formed ({exc}); save the whole file again from the engine"
        ) from None
    root = top.children[0]
    if root.name != "alto":
        raise ResponseFormatError(
            f"the XML's root element is <{root.name}>, not <alto>: not an ALTO result"
        )
    root.parent = None
    return root


def read(raw: dict[str, Any], other: bool = True) -> Extraction:
    """The frames of ``{"alto": text}``."""
    r = Reader(raw, other)
    r.use("alto")
    root = _parse(raw["alto"])
    unit = _unit(root)
    percent = _by_tesseract(root)
    pages = [p for layout in root.named("Layout") for p in layout.named("Page")]
    page_of: dict[int, int] = {}
    for node, page in zip(pages, _page_numbers(pages), strict=True):
        page_of[id(node)] = page
        _page(r, node, page, unit, percent)
    if r.other:  # what no frame holds, when asked for
        _leftovers(r, root, 1, page_of)
    return r.finish()


def _unit(root: _Node) -> str:
    for description in root.named("Description"):
        for unit in description.named("MeasurementUnit"):
            said = "".join(unit.text).strip()
            if said:
                unit.used.add(_TEXT)
                return said
    return "mm10"


def _by_tesseract(root: _Node) -> bool:
    """Whether a ``softwareName`` of the ``Description`` names Tesseract."""
    for description in root.named("Description"):
        for node in _walk(description):
            if node.name == "softwareName" and "".join(node.text).strip().lower().startswith(
                "tesseract"
            ):
                return True
    return False


def _page_numbers(pages: list[_Node]) -> list[int]:
    """``PHYSICAL_IMG_NR`` of each page when they are whole numbers in increasing order (one
    more when they count from 0, as Tesseract does), else the pages' positions."""
    numbers = [num(p.get("PHYSICAL_IMG_NR")) for p in pages]
    ints = [int(n) if n is not None and n.is_integer() else None for n in numbers]
    if not ints or None in ints:
        return list(range(1, len(pages) + 1))
    shift = 1 if ints[0] == 0 else 0
    out = [n + shift for n in ints]  # type: ignore[operator]
    ordered = all(a < b for a, b in zip(out, out[1:], strict=False))
    if not ordered or whole(out[0], 1, MAX_PAGES) is None or out[-1] > MAX_PAGES:
        return list(range(1, len(pages) + 1))
    for p in pages:
        p.used.add("PHYSICAL_IMG_NR")
    return out


def _walk(node: _Node) -> Iterator[_Node]:
    for c in node.children:
        yield c
        yield from _walk(c)


def _geometry(node: _Node) -> list[float] | None:
    """The element's polygon: a four-point ``Shape/Polygon``, else its box, else the bounding
    box of another shape (whose points stay in ``other``). What is read is marked used."""
    shape = None
    for s in node.named("Shape"):
        for polygon in s.named("Polygon"):
            values = [num(v) for v in _POINTS.split((polygon.get("POINTS") or "").strip())]
            if len(values) >= 4 and len(values) % 2 == 0 and None not in values:
                pairs = list(zip(values[::2], values[1::2], strict=True))
                shape = (polygon, *quad(pairs))  # type: ignore[arg-type]
                break
    if shape is not None and shape[2]:
        shape[0].used.add("POINTS")
        return shape[1]
    box = [num(node.get(k)) for k in _BOX]
    if None not in box:
        x, y, w, h = box
        node.used.update(_BOX)
        return rect(x, y, x + w, y + h)  # type: ignore[operator]
    return shape[1] if shape is not None else None


def _put(row: dict[str, Any], poly: list[float] | None) -> None:
    if poly is not None:
        row.update(zip(POLYGON_COLUMNS, poly, strict=True))


def _number_attr(node: _Node, name: str) -> float | None:
    value = num(node.get(name))
    if value is not None:
        node.used.add(name)
    return value


def _page(r: Reader, page_node: _Node, page: int, unit: str, percent: bool) -> None:
    for key, name in (("width", "WIDTH"), ("height", "HEIGHT")):
        value = _number_attr(page_node, name)
        if value is not None:
            r.doc(page, key, value)
    r.doc(page, "unit", unit)
    lines: dict[int, tuple[int, str | None]] = {}  # id(TextLine) -> (words row, text)
    for node in _walk(page_node):
        if node.name == "TextLine":
            lines[id(node)] = _line(r, node, page, percent)
    for node in _walk(page_node):
        kind = BLOCK_TYPES.get(node.name)
        if kind is None:
            continue
        inside = [lines[id(n)] for n in _walk(node) if id(n) in lines]
        text = "\n".join(t for _, t in inside if t)
        row = {
            "page": page,
            "block": r.count("layout", page),
            "type": kind,
            "text": text or None,
            "words_ids": [b for b, _ in inside] or None,
        }
        _put(row, _geometry(node))
        r.add("layout", row)


def _line(r: Reader, line: _Node, page: int, percent: bool) -> tuple[int, str | None]:
    block = r.count("words", page)
    texts: list[str] = []
    hyphen = ""
    n = 0
    for child in line.children:
        if child.name == "SP":
            child.used = _ALL
        elif child.name == "HYP":
            hyphen += child.get("CONTENT") or ""
            child.used.add("CONTENT")
        elif child.name == "String":
            content = child.get("CONTENT")
            child.used.add("CONTENT")
            token = {
                "page": page,
                "block": block,
                "token": r.count("tokens", page),
                "text": content,
                "confidence": _confidence(child, "WC", percent),
            }
            _put(token, _geometry(child))
            r.add("tokens", token)
            if content and content.strip():
                texts.append(content.strip())
            for glyph in child.named("Glyph"):
                glyph.used.add("CONTENT")
                char = {
                    "page": page,
                    "block": block,
                    "char": n,
                    "text": glyph.get("CONTENT"),
                    "confidence": _confidence(glyph, "GC"),
                }
                _put(char, _geometry(glyph))
                r.add("chars", char)
                n += 1
    text = " ".join(texts) + hyphen
    row = {"page": page, "block": block, "text": text or None}
    _put(row, _geometry(line))
    r.add("words", row)
    return block, text or None


def _confidence(node: _Node, name: str, percent: bool = False) -> float | None:
    """``WC``/``GC``, 0 (unsure) to 1 (sure), marked used when it is one; ``percent``: as
    Tesseract writes it, ``"0."`` and an integer 0-100."""
    value = node.get(name)
    written = _TESSERACT_WC.fullmatch(value.strip()) if percent and value else None
    c = conf(int(written.group(1)), 100.0) if written else conf(value)
    if c is not None:
        node.used.add(name)
    return c


def _leftovers(
    r: Reader, node: _Node, page: int, page_of: dict[int, int], parent_path: str = ""
) -> None:
    """Every attribute and text no frame used goes to ``other`` at its XPath."""
    if node.used is _ALL:
        return
    page = page_of.get(id(node), page)
    where = node.path(parent_path)
    for name, value in node.attrs.items():
        if name not in node.used:
            r.ex.other(page, f"{where}/@{name}", value)
    if node.text and _TEXT not in node.used:
        text = "".join(node.text).strip()
        if text:
            r.ex.other(page, where, text)
    for child in node.children:
        _leftovers(r, child, page, page_of, where)
