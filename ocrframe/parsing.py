"""Parsing saved response bodies that may be hostile: too deep, out-of-range numbers, bad
metadata. One rule per concern, shared by the general parse and the columnar words path.

>>> parse_json('{"result": {"words_block_list": []}}')
{'result': {'words_block_list': []}}
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from .catalog import get_api
from .errors import InputError, ResponseFormatError

__all__ = [
    "MAX_DEPTH",
    "parse_json",
    "json_text",
    "nesting_depths",
    "page_number",
    "MAX_PAGES",
    "clean_info",
    "HEADER_TAIL",
    "saved_header",
    "DTD_REFUSED",
    "xml_parser",
]

MAX_DEPTH = 100  # OCR responses nest < 10 levels; deeper bodies are refused, not walked
# Why XML from elsewhere may not declare a DTD: entity attacks need one, and no OCR result or
# workbook part has one (an undeclared entity is then not well-formed XML, refused too).
DTD_REFUSED = "declares a DTD (<!DOCTYPE ...>), as entity attacks (XXE, 'billion laughs') do"


def xml_parser(
    at_doctype: Callable[..., Any],
    namespace_separator: str | None = None,
    encoding: str | None = None,
) -> Any:
    """An expat parser for XML from elsewhere: ``at_doctype`` is called at a ``<!DOCTYPE``
    (with its name, system and public ids, and whether it declares anything of its own),
    before any entity is declared, and external parameter entities are never read. The one
    rule for every XML ocrframe reads: ALTO and workbook parts refuse any DTD (raising, and
    saying :data:`DTD_REFUSED`); hOCR, whose XHTML names an external DTD, leaves expat for
    Python's HTML parser at one with declarations of its own, and at an entity only that
    external DTD would declare. ``encoding`` overrides the document's declaration (text
    already decoded, fed as UTF-8).

    >>> def refuse(*_):
    ...     raise ValueError(DTD_REFUSED)
    >>> xml_parser(refuse).Parse('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', True)
    Traceback (most recent call last):
    ...
    ValueError: declares a DTD (<!DOCTYPE ...>), as entity attacks (XXE, 'billion laughs') do
    """
    from xml.parsers import expat  # loaded on first use: most sessions read no XML

    parser = expat.ParserCreate(encoding=encoding, namespace_separator=namespace_separator)
    parser.StartDoctypeDeclHandler = at_doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def json_text(value: Any, **options: Any) -> str:
    r"""``json.dumps(value, ensure_ascii=False, **options)``, or with every non-ASCII character
    escaped when that text cannot be written as UTF-8: a body that escaped a lone surrogate
    (``"\ud800"``) keeps it, escaped again, and stays readable by any JSON parser.

    >>> json_text({"a": "é"}), json_text({"a": "x\ud800"})
    ('{"a": "é"}', '{"a": "x\\ud800"}')
    """
    text = json.dumps(value, ensure_ascii=False, **options)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, **options)
    return text


def parse_json(data: str | bytes, where: str = "") -> Any:
    """Parse a response body; anything that is not sane JSON is a ResponseFormatError.

    Refused: invalid JSON or UTF-8, and nesting deeper than
    :data:`MAX_DEPTH` (checked on the bytes by :func:`nesting_depths`, the rule the columnar
    path applies too). ``NaN``/``Infinity`` literals and numbers beyond float range parse
    (integers of thousands of digits as infinities); the flatteners treat them as
    not-a-number.

    >>> parse_json('{"a": [1, NaN]}')
    {'a': [1, nan]}
    >>> parse_json("[" * 200 + "]" * 200)
    Traceback (most recent call last):
    ...
    ocrframe.errors.ResponseFormatError: response is nested 200 levels deep (more than 100; ...
    """
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    try:
        try:
            value = json.loads(data)
        except ValueError as exc:
            if "integer string conversion" not in str(exc):
                raise
            # More digits than Python converts: beyond float range anyway, so an infinity
            # (which the flatteners treat as not-a-number, as they do 1e400).
            value = json.loads(data, parse_int=_int_or_inf)
    except RecursionError:
        value, error = None, "nested too deeply to parse"
    except (ValueError, UnicodeDecodeError) as exc:
        if isinstance(data, bytes) and (isinstance(exc, UnicodeDecodeError) or b"\0" in data):
            from .inputs.formats import detect_format  # the one table of file signatures

            kind = detect_format(data)
            name = where.removeprefix(" in ") or "the input"
            if not kind and b"\0" not in data and data.lstrip()[:1] in (b"{", b"["):
                raise ResponseFormatError(
                    f"{name} is JSON text but not UTF-8 ({exc.reason} at byte {exc.start}): "
                    "JSON files are UTF-8; this one may be in Latin-1 or another code page. "
                    "Save it again as UTF-8, e.g. p.write_text(p.read_text('latin-1'), 'utf-8')"
                ) from None
            what = f"a {kind.upper()} file" if kind else f"binary data ({len(data)} bytes)"
            raise ResponseFormatError(
                f"{name} is {what}, not a JSON response; to "
                "OCR an image, pass it to an OCR call "
                "(e.g. ocrframe.LocalEngine().call('general-text', image))"
            ) from None
        value, error = None, f"not valid JSON{where}: {exc}"
    else:
        # No deeper than its opening brackets: only a body with more of them is measured.
        openers = raw.count(b"[") + raw.count(b"{")
        depth = int(nesting_depths(raw)[0]) if openers > MAX_DEPTH else 0
        if depth <= MAX_DEPTH:
            return value
        error = (
            f"nested {depth} levels deep (more than {MAX_DEPTH}; OCR responses nest a few levels)"
        )
    snippet = raw[:60].decode("utf-8", "replace")
    raise ResponseFormatError(f"response is {error}{where} (starts with {snippet!r})")


def _int_or_inf(digits: str) -> int | float:
    if len(digits.lstrip("-")) <= 4000:
        return int(digits)
    return float("-inf") if digits.startswith("-") else float("inf")


def nesting_depths(texts: bytes | Sequence[bytes]) -> Any:
    """Maximum nesting depth of a JSON text, or of each of a list of texts, counted on the
    bytes without parsing: brackets inside strings are skipped, escapes honoured. Returns an
    int64 array, one depth per text.

    >>> nesting_depths(b'{"a": [[1]], "b": "[[[["}').tolist()
    [3]
    >>> nesting_depths([b"[[]]", b'"]]]"', b""]).tolist()
    [2, 0, 0]
    """
    import numpy as np

    parts = [_structure(t) for t in ([texts] if isinstance(texts, bytes) else texts)]
    counts = np.array([len(p) for p in parts], np.int64)
    joined = b"".join(parts)
    first = np.cumsum(counts) - counts  # first structural byte of each text
    step = _steps()[np.frombuffer(joined, np.uint8)]
    if b'"' in joined:  # some bracket may sit inside a string
        quotes = np.cumsum(step == 0)  # steps are 0 for quotes only
        # Counted per text, so a text with an unbalanced quote cannot shift the others.
        quotes -= np.repeat(np.concatenate([[0], quotes])[first], counts)
        step[(quotes & 1).astype(bool)] = 0  # brackets inside strings
    # Over all texts at once (int32 holds any depth of a chunk under 2 GB): each text's
    # maximum less the depth reached before it.
    depth = np.cumsum(step, dtype=np.int32 if len(step) < 2**31 else np.int64)
    out = np.zeros(len(parts), np.int64)
    some = np.flatnonzero(counts)
    if len(some):
        peak = np.maximum.reduceat(depth, first[some]).astype(np.int64)
        before = np.where(first[some] > 0, depth[np.maximum(first[some] - 1, 0)], 0)
        out[some] = np.maximum(peak - before, 0)
    return out


def _structure(text: bytes) -> bytes:
    """The quotes and brackets of ``text`` that matter for its depth. Escapes pair up from
    the left: drop "\\\\" first, then every remaining \\" is an escaped quote. What is left
    has a quote exactly where a string opens or closes; bytes.translate drops the rest at
    memory speed, and two quotes in a row (a string holding no bracket) go too, which leaves
    every other quote's parity as it was."""
    if b"\\" in text:
        text = text.replace(b"\\\\", b"  ").replace(b'\\"', b"  ")
    return text.translate(None, _NOT_STRUCTURE).replace(b'""', b"")


_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(b'"[]{}')))


@functools.cache
def _steps() -> Any:
    """Byte -> its depth step: +1 for an opening bracket, -1 for a closing one, else 0."""
    import numpy as np

    table = np.zeros(256, np.int32)
    table[[ord("["), ord("{")]] = 1
    table[[ord("]"), ord("}")]] = -1
    return table


# No engine returns more pages: a larger page number, count or span is malformed.
MAX_PAGES = 100_000


def page_number(v: Any) -> int | None:
    """A usable 1-based page number (an int from 1 to :data:`MAX_PAGES`), else None: the one
    test of a saved header's page, a response's and another engine's page numbers.

    >>> page_number(3), page_number(True), page_number([1]), page_number(10**400)
    (3, None, None, None)
    """
    if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_PAGES:
        return v
    return None


def clean_info(info: Any) -> dict[str, Any]:
    """ocrframe's own ``_ocrframe`` keys of a saved response, with values of the wrong type
    (a list for ``page``, a float for ``status``, an unknown API) dropped: they are hints
    written next to the body, and the body stays the source of truth.

    >>> clean_info({"page": [1], "api": "general-text", "source": 5, "status": 200})
    {'api': 'general-text', 'status': 200}
    """
    if not isinstance(info, dict):
        return {}
    out: dict[str, Any] = {}
    api = info.get("api")
    if isinstance(api, str):
        try:
            out["api"] = get_api(api).slug
        except InputError:
            pass
    for key in ("source", "request_id"):
        if isinstance(info.get(key), str):
            out[key] = info[key]
    if page_number(info.get("page")) is not None:
        out["page"] = info["page"]
    status = info.get("status")
    if isinstance(status, int) and not isinstance(status, bool) and 100 <= status <= 599:
        out["status"] = status
    if isinstance(info.get("meta"), dict):
        out["meta"] = info["meta"]
    return out


SAVED_KEY = b'"_ocrframe"'  # the key of the header Response.to_json ends a file with
_HEADER = re.compile(re.escape(SAVED_KEY) + rb"\s*:\s*")
HEADER_TAIL = 65536  # how far from a file's end its saved header is looked for


def saved_header(tail: bytes) -> dict[str, Any] | None:
    """The cleaned ``_ocrframe`` member ending a saved response (``Response.to_json``), read
    from the file's last ``HEADER_TAIL`` bytes (``tail`` may be the whole file or its end);
    None when the file does not end with one (a member named so elsewhere is not a header).

    >>> saved_header(b'{"result": {}, "_ocrframe": {"page": 2, "api": "general-text"}}')
    {'api': 'general-text', 'page': 2}
    >>> saved_header(b'{"result": {}, "_ocrframe": {"page": null}}')
    {}
    >>> saved_header(b'{"_ocrframe": {"page": 2}, "result": {}}') is None
    True
    """
    last, end, start = None, len(tail), max(0, len(tail) - HEADER_TAIL)
    while last is None and (end := tail.rfind(SAVED_KEY, start, end)) >= 0:
        last = _HEADER.match(tail, end)  # the last member is found first, not after the body
    if last is None:
        return None
    text = tail[last.end() :].rstrip()
    if not text.endswith(b"}"):
        return None
    try:  # one brace after the member's value: the body's own, so the member is top-level
        return clean_info(json.loads(text[:-1]))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
