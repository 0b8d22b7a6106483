"""Google Cloud Vision annotate responses: ``textAnnotations`` (the first is the whole text,
the rest are words) and ``fullTextAnnotation`` (pages, blocks, paragraphs, words, symbols),
bare or as a ``responses`` list (one per image or PDF page). Vision has no lines: a line ends
at a word whose last symbol breaks the line (``LINE_BREAK`` / ``EOL_SURE_SPACE``); the line's
box is its words' bounding box and its confidence the mean of its words. Coordinates are pixels,
or normalised to the page when the boxes have only ``normalizedVertices`` (PDF and TIFF pages
of ``files:annotate`` / async output).

>>> word = lambda t, brk=None: {"symbols": [{"text": c, "confidence": 0.9} for c in t[:-1]]
...     + [{"text": t[-1], "confidence": 0.9, "property": {"detectedBreak": {"type": brk}}}]}
>>> body = {"fullTextAnnotation": {"pages": [{"width": 9, "height": 9, "blocks": [
...     {"paragraphs": [{"words": [word("Hi", "SPACE"), word("you", "LINE_BREAK"),
...                                word("ok", "LINE_BREAK")]}]}]}]}}
>>> read(body).cols["words"]["text"]
['Hi you', 'ok']
"""

from __future__ import annotations

from typing import Any

from ..flatten import Extraction
from .base import (
    POLYGON_COLUMNS,
    Reader,
    dict_items,
    get,
    join_path,
    page_number,
    quad_xy,
    rect,
)

__all__ = ["read"]

_LINE_END = {"LINE_BREAK", "EOL_SURE_SPACE"}
_SPACE = {"SPACE": " ", "SURE_SPACE": " ", "EOL_SURE_SPACE": "", "LINE_BREAK": "", "HYPHEN": "-"}
# Enum values by number, as the Python client's ``AnnotateImageResponse.to_dict()`` writes them.
_BREAKS = ("UNKNOWN", "SPACE", "SURE_SPACE", "EOL_SURE_SPACE", "HYPHEN", "LINE_BREAK")
_BLOCKS = ("UNKNOWN", "TEXT", "TABLE", "PICTURE", "RULER", "BARCODE")


def _enum(v: Any, names: tuple[str, ...]) -> Any:
    """An enum value by its name: ``v``, or the name of its number.

    >>> _enum(3, _BREAKS), _enum("SPACE", _BREAKS), _enum(9, _BREAKS)
    ('EOL_SURE_SPACE', 'SPACE', 9)
    """
    if type(v) is int and 0 <= v < len(names):
        return names[v]
    return v


def read(raw: dict[str, Any], other: bool = True) -> Extraction:
    """The frames of a Vision annotate response (or a list of them)."""
    r = Reader(raw, other)
    responses = raw.get("responses")
    if isinstance(responses, list):
        page = 1
        for i, resp in enumerate(responses):
            if isinstance(resp, dict) and isinstance(resp.get("responses"), list):
                for j, inner in enumerate(resp["responses"]):  # files:annotate
                    page = _response(r, inner, f"responses[{i}].responses[{j}]", page)
            elif isinstance(resp, dict):
                page = _response(r, resp, f"responses[{i}]", page)
    else:
        _response(r, raw, "", 1)
    return r.finish()


def _poly(r: Reader, row: dict[str, Any], obj: dict[str, Any], path: str) -> None:
    for name in ("boundingBox", "boundingPoly"):
        key, box = get(obj, name)
        if isinstance(box, dict):
            for vertices in ("vertices", "normalizedVertices"):
                vkey, verts = get(box, vertices)
                if r.polygon(row, quad_xy(verts, default=0.0), f"{path}.{key}.{vkey}"):
                    return


def _normalized(page: dict[str, Any]) -> bool:
    """Whether the page's boxes are given only as ``normalizedVertices``."""
    for _, block in dict_items(page, "", "blocks"):
        _, box = get(block, "boundingBox")
        if get(box, "vertices")[1]:
            return False
        if get(box, "normalizedVertices")[1]:
            return True
    return False


def _response(r: Reader, resp: dict[str, Any], base: str, page: int) -> int:
    """Read one annotate response starting at ``page``; returns the next page number."""
    ctx = resp.get("context")
    if isinstance(ctx, dict) and page_number(ctx.get("pageNumber")):
        page = ctx["pageNumber"]
        r.use(join_path(base, "context.pageNumber"))
    r.page_of[base] = page
    key, full = get(resp, "fullTextAnnotation")
    pages = (
        list(dict_items(full, join_path(base, key or ""), "pages"))
        if isinstance(full, dict)
        else []
    )
    for n, (ppath, p) in enumerate(pages):
        r.page_of[ppath] = page + n
        _page(r, p, ppath, page + n)
    if isinstance(full, dict):
        _, text = get(full, "text")
        if isinstance(text, str):
            r.doc(page, "text", text, f"{join_path(base, key)}.text")
    tkey, annotations = get(resp, "textAnnotations")
    if isinstance(annotations, list) and annotations and not pages:
        # words from textAnnotations[1:]; the first is the whole text
        whole, words = None, []
        for i, a in enumerate(annotations):
            if not isinstance(a, dict):
                continue
            path = f"{join_path(base, tkey)}[{i}]"
            dkey, text = get(a, "description")
            if i == 0:
                r.doc(page, "text", text, f"{path}.{dkey}")
                whole = text
                continue
            row = {"page": page, "text": text, "_break": None, "chars": []}
            r.use(f"{path}.{dkey}")
            _poly(r, row, a, path)
            words.append(row)
        for w in words[_annotation_lines(r, words, whole, page) :]:
            r.add("tokens", {**w, "token": r.count("tokens", page)})
        r.doc(page, "unit", "pixel")
    return page + max(len(pages), 1)


def _annotation_lines(r: Reader, words: list[dict[str, Any]], whole: Any, page: int) -> int:
    """Lines of a ``textAnnotations`` result: each line of the whole text is the run of words
    whose texts make it up. Returns how many words went into lines (the caller adds the others
    as tokens without a line): all of them, or the first ones when the whole text ends before
    its words do (a vertical Japanese page's later columns), or none (nothing added) when the
    words do not line up with it.

    >>> r = Reader({})
    >>> w = [{"page": 1, "text": t, "_break": None, "chars": []} for t in ("Hi", "you", "ok")]
    >>> _annotation_lines(r, w, "Hi you\\nok\\n", 1), r.ex.cols["words"]["text"]
    (3, ['Hi you', 'ok'])
    >>> _annotation_lines(Reader({}), w, "Hi you\\n", 1), _annotation_lines(r, w, "Hi me\\n", 1)
    (2, 0)
    """
    if not isinstance(whole, str):
        return 0
    runs, k = [], 0
    for line in (ln.strip() for ln in whole.split("\n")):
        if not line:
            continue
        want, got, start = "".join(line.split()), "", k
        while k < len(words) and len(got) < len(want):
            got += "".join(str(words[k]["text"] or "").split())
            k += 1
        if got != want:
            return 0
        runs.append((line, words[start:k]))
    for line, run in runs:
        _line(r, run, page, line)
    return k


def _page(r: Reader, p: dict[str, Any], path: str, page: int) -> None:
    if _normalized(p):  # the page's own width and height (PDF points) stay in `other`
        r.normalized_page(page)
    else:
        for name in ("width", "height"):
            r.page_property(page, p, path, name)
        r.doc(page, "unit", "pixel")
    line: list[dict[str, Any]] = []
    for bpath, block in dict_items(p, path, "blocks"):
        _layout(r, block, bpath, page, "blockType")
        for ppath, para in dict_items(block, bpath, "paragraphs"):
            _layout(r, para, ppath, page, None)
            for wpath, word in dict_items(para, ppath, "words"):
                line.append(_word(r, word, wpath, page))
                if line[-1]["_break"] in _LINE_END:
                    _line(r, line, page)
                    line = []
            if line:  # a paragraph ends a line
                _line(r, line, page)
                line = []


def _layout(r: Reader, obj: dict[str, Any], path: str, page: int, type_key: str | None) -> None:
    kind, _ = r.value(obj, path, type_key) if type_key else ("PARAGRAPH", None)
    row = {
        "page": page,
        "block": r.count("layout", page),
        "type": str(_enum(kind, _BLOCKS)).lower(),
    }
    _poly(r, row, obj, path)
    r.add("layout", row)


def _word(r: Reader, word: dict[str, Any], path: str, page: int) -> dict[str, Any]:
    row: dict[str, Any] = {"page": page, "chars": []}
    _poly(r, row, word, path)
    row["confidence"] = r.confidence(word, path)
    text, brk = [], None
    for spath, sym in dict_items(word, path, "symbols"):
        s, _ = r.value(sym, spath, "text")
        ch = {"page": page, "text": s, "confidence": r.confidence(sym, spath)}
        _poly(r, ch, sym, spath)
        row["chars"].append(ch)
        text.append(s if isinstance(s, str) else "")
        pkey, prop = get(sym, "property")
        bkey, detected = get(prop, "detectedBreak")
        tkey, brk = get(detected, "type")
        brk = _enum(brk, _BREAKS)
        if brk is not None:
            r.use(f"{spath}.{pkey}.{bkey}.{tkey}")
    row["text"], row["_break"] = "".join(text), brk
    return row


def _line(r: Reader, words: list[dict[str, Any]], page: int, text: str | None = None) -> None:
    """A ``words`` row of ``words`` (its text given, or joined at their breaks), and their
    tokens and characters numbered in it."""
    block = r.count("words", page)
    if text is None:
        text = "".join(w["text"] + _SPACE.get(w["_break"] or "", "") for w in words).strip()
    row: dict[str, Any] = {
        "page": page,
        "block": block,
        "text": text,
    }
    xs = [w[c] for w in words for c in POLYGON_COLUMNS[::2] if c in w]
    ys = [w[c] for w in words for c in POLYGON_COLUMNS[1::2] if c in w]
    if xs and ys:
        row.update(zip(POLYGON_COLUMNS, rect(min(xs), min(ys), max(xs), max(ys)), strict=True))
    r.add("words", row)
    n = 0
    for w in words:
        r.add("tokens", {**w, "block": block, "token": r.count("tokens", page)})
        for ch in w["chars"]:
            r.add("chars", {**ch, "block": block, "char": n})
            n += 1
