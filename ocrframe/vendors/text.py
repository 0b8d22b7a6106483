"""Results saved as text rather than JSON: Tesseract hOCR, ``image_to_data`` TSV and ALTO XML,
and the text files PaddleOCR 2.x writes itself: ``system_results.txt`` (``predict_system``; a
line per image, ``name<TAB>[{"transcription", "points"}, ...]``, as PPOCRLabel's ``Label.txt``)
and PP-Structure's ``res_<n>.txt`` (a JSON region per line).

>>> tsv = ("level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth"
...        "\\theight\\tconf\\ttext\\n5\\t1\\t1\\t1\\t1\\t1\\t10\\t20\\t30\\t12\\t91.5\\tHi\\n")
>>> parse_text(tsv)["text"], parse_text(tsv)["conf"]
(['Hi'], [91.5])
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from ..errors import ResponseFormatError
from ..parsing import DTD_REFUSED
from .detect import TESSERACT_COLUMNS

__all__ = [
    "parse_text",
    "decode_text",
    "is_alto",
    "is_hocr",
    "is_paddle_text",
    "xml_root",
    "XML_HEAD",
]

# An ALTO root element's start tag; the prolog before it is skipped by _alto_root.
_ALTO_TAG = re.compile(r"<(?:[\w.-]+:)?alto[\s/>]")
_SPACE = re.compile(r"[\s\ufeff]*")
_DECLARED = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
XML_HEAD = 65536  # characters (or bytes of a file) searched for an XML result's root element


def parse_text(text: str) -> dict[str, Any] | None:
    """``{"alto": text}`` for ALTO XML, ``{"hocr": text}`` for hOCR, pytesseract's
    ``Output.DICT`` columns for a TSV; None when the text is none of them. ALTO declaring a
    DTD is a ResponseFormatError (see :func:`ocrframe.parsing.xml_parser`).

    >>> parse_text('<?xml version="1.0"?><alto:alto xmlns:alto="x"/>')
    {'alto': '<?xml version="1.0"?><alto:alto xmlns:alto="x"/>'}
    """
    alto = _alto_root(text)
    if alto == "doctype":  # refused here, before anything reads it
        raise ResponseFormatError(f"ALTO XML {DTD_REFUSED}: refused before reading it")
    if alto == "alto":
        return {"alto": text}
    if is_hocr(text):
        return {"hocr": text}
    lines = text.splitlines()
    if not lines or tuple(lines[0].strip().split("\t")) != TESSERACT_COLUMNS:
        return _paddle_text(lines)
    out: dict[str, list[Any]] = {c: [] for c in TESSERACT_COLUMNS}
    for line in lines[1:]:
        if not line.strip():
            continue
        parts = line.split("\t", len(TESSERACT_COLUMNS) - 1)
        parts += [""] * (len(TESSERACT_COLUMNS) - len(parts))
        for col, value in zip(TESSERACT_COLUMNS, parts, strict=True):
            out[col].append(value if col == "text" else _number(value))
    return out


def _paddle_text(lines: list[str]) -> dict[str, Any] | None:
    """PaddleOCR 2.x's own text files as the JSON its reader takes: PP-Structure's ``res_<n>.txt``
    as ``{"responses": regions}``, ``system_results.txt`` as ``{"images": names, "responses":
    [lines of each image]}`` (each image a page); None when ``lines`` are not one of them.

    >>> _paddle_text(['a.jpg\\t[{"transcription": "Hi", "points": [[0, 0], [9, 4]]}]'])
    {'images': ['a.jpg'], 'responses': [[{'transcription': 'Hi', 'points': [[0, 0], [9, 4]]}]]}
    """
    from ..parsing import parse_json
    from .paddle import is_labelled, is_region

    lines = [ln for ln in lines if ln.strip()]
    if not lines or not is_paddle_text("\n".join(lines[:100])):
        return None
    regions, images, pages = [], [], []
    try:
        for line in lines:
            name, tab, rest = line.partition("\t")
            if tab and rest.lstrip().startswith("["):
                found = parse_json(rest)
                if not isinstance(found, list) or not all(is_labelled(e) for e in found):
                    return None
                images.append(name)
                pages.append(found)
            else:
                found = parse_json(line)
                if not is_region(found):
                    return None
                regions.append(found)
    except ResponseFormatError:
        return None
    if regions and pages:
        return None
    return {"responses": regions} if regions else {"images": images, "responses": pages}


def is_paddle_text(head: str | bytes) -> bool:
    """Whether the first line of ``head`` opens one of PaddleOCR's text files (see
    :func:`parse_text`): a PP-Structure region or an image's ``transcription`` list.

    >>> is_paddle_text(b'{"type": "table", "bbox": [0, 0, 9, 9], "res": {}, "img_idx": 0}')
    True
    >>> is_paddle_text('blank.jpg\\t[]\\nb.jpg\\t[{"transcription": "Hi", "points": []}]')
    True
    """
    text = decode_text(head) if isinstance(head, bytes) else head
    for line in text.lstrip().split("\n", 100)[:100]:
        if line.startswith("{"):
            return all(f'"{k}"' in line for k in ("type", "bbox", "res"))
        name, tab, rest = line.partition("\t")
        if not tab or not rest.lstrip().startswith("["):
            return False
        if rest.strip() != "[]":  # an image without text says nothing yet
            return '"transcription"' in rest
    return False


def _number(v: str) -> Any:
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


def is_hocr(text: str | bytes) -> bool:
    """Whether ``text`` (a whole file or its start) is hOCR: markup holding an ``ocr_page`` or
    ``ocrx_word`` element (class).

    >>> is_hocr("<div class='ocr_page'>"), is_hocr(b"<p>Hi</p>"), is_hocr("ocr_page")
    (True, False, False)
    """
    text = decode_text(text) if isinstance(text, bytes) else text
    return text.lstrip().startswith("<") and ("ocr_page" in text or "ocrx_word" in text)


def is_alto(head: bytes) -> bool:
    """Whether ``head`` (the start of a file, up to 64 kB) opens an ALTO document (one
    declaring a DTD too: reading it then says why it is refused).

    >>> is_alto(b'<?xml version="1.0"?><alto xmlns="x">'), is_alto(b"<annotation/>")
    (True, False)
    """
    return _alto_root(decode_text(head)) is not None


def _alto_root(text: str) -> str | None:
    """``"alto"`` when the first element of ``text`` is an ALTO root (after white space, the
    XML declaration, processing instructions and comments), ``"doctype"`` when a DOCTYPE comes
    first and an ALTO root after it, else None. Linear: str.find and anchored matches only.

    >>> _alto_root("<?xml version='1.0'?><!-- x --><alto>"), _alto_root("<altoo>")
    ('alto', None)
    """
    i, end = _first_element(text)
    if i is None:
        return None
    if text.startswith("<!DOCTYPE", i):
        return "doctype" if _ALTO_TAG.search(text, i, end) else None
    return "alto" if _ALTO_TAG.match(text, i, end) else None


def _first_element(text: str) -> tuple[int | None, int]:
    """Where the first element (or DOCTYPE) of ``text`` starts, after white space, the XML
    declaration, processing instructions and comments (None: none in the first
    :data:`XML_HEAD` characters), and where the search ends."""
    i, end = 0, min(len(text), XML_HEAD)
    while i < end:
        i = _SPACE.match(text, i, end).end()
        for opening, closing in (("<?", "?>"), ("<!--", "-->")):
            if text.startswith(opening, i):
                found = text.find(closing, i + len(opening), end)
                if found < 0:
                    return None, end
                i = found + len(closing)
                break
        else:
            return (i if text.startswith("<", i) else None), end
    return None, end


_ROOT_TAG = re.compile(
    r"<([\w.:-]{1,100})(?=[\s/>])(?:[^>]{0,2000}?\sxmlns(?::\w+)?=[\"']([^\"']{1,200})[\"'])?"
)


def xml_root(text: str) -> str | None:
    """The root element of XML ``text`` with its namespace, for messages: ``<document
    xmlns="http://www.abbyy.com/FineReader_xml/FineReader10-schema-v1.xml">``; None when the
    text opens no element.

    >>> xml_root('<?xml version="1.0"?><document xmlns="http://www.abbyy.com/x" version="1">')
    '<document xmlns="http://www.abbyy.com/x">'
    """
    i, end = _first_element(text)
    found = _ROOT_TAG.match(text, i, end) if i is not None else None
    if not found or text.startswith("<!", i):
        return None
    name, space = found.groups()
    return f'<{name} xmlns="{space}">' if space else f"<{name}>"


def decode_text(data: bytes) -> str:
    """Saved text as characters: by its byte-order mark, else the encoding an XML declaration
    names (ALTO from older tools may be ISO-8859-1), else UTF-8 (bad bytes as U+FFFD).

    >>> decode_text('<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>'.encode("latin-1"))[-6:]
    '>é</a>'
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return data.decode(encoding, "replace")
    declared = _DECLARED.match(data)
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), "replace")
        except LookupError:  # an encoding Python does not know: UTF-8, as expat would
            pass
    return data.decode("utf-8", "replace")
