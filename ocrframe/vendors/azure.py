"""Azure Document Intelligence / Form Recognizer (and the Read/OCR results of Azure AI Vision,
see :mod:`.azure_cv`): v2.x ``readResults`` / ``pageResults`` /
``documentResults`` and v3/v4 ``analyzeResult`` (REST camelCase or the Python SDK's
``to_dict()`` snake_case; ``boundingBox`` or ``polygon``). Coordinates are in the page's
``unit`` (``pixel`` for images, ``inch`` for PDFs); confidences are 0-1.

>>> ex = read({"analyzeResult": {"pages": [{"pageNumber": 1, "width": 10, "height": 5,
...     "unit": "pixel", "lines": [{"content": "Hi", "polygon": [0, 0, 4, 0, 4, 2, 0, 2],
...     "spans": [{"offset": 0, "length": 2}]}], "words": [{"content": "Hi", "confidence":
...     0.9, "polygon": [0, 0, 4, 0, 4, 2, 0, 2], "span": {"offset": 0, "length": 2}}]}]}})
>>> ex.cols["words"]["text"], ex.cols["tokens"]["block"], ex.document[1]["unit"]
(['Hi'], [0], 'pixel')
"""

from __future__ import annotations

import bisect
from typing import Any

from ..flatten import Extraction, normalise_field, rules
from .azure_cv import read_image_analysis, read_regions
from .base import Reader, dict_items, get, quad_flat, quad_xy, snake, whole

__all__ = ["read"]


def read(raw: dict[str, Any], other: bool = True) -> Extraction:
    """The frames of an Azure analyze result (any version, any model)."""
    r = Reader(raw, other)
    if isinstance(raw.get("regions"), list):
        return read_regions(raw, r)
    key, result = get(raw, "analyzeResult")
    if key is None:
        key, result = get(raw, "readResult")  # Image Analysis 4.0
        if isinstance(result, dict) and get(result, "blocks")[0]:
            return read_image_analysis(raw, result, key, r).finish()
    base = key or ""
    result = result if isinstance(result, dict) else raw
    if get(result, "readResults")[0]:
        _v2(r, result, base)
    else:
        _v3(r, result, base)
    return r.finish()


def _polygon(r: Reader, row: dict[str, Any], obj: dict[str, Any], path: str) -> None:
    for name in ("polygon", "boundingBox"):
        key, v = get(obj, name)
        if key is None:
            continue
        points = isinstance(v, list) and v and isinstance(v[0], dict)  # v3's {x, y} points
        if r.polygon(row, quad_xy(v) if points else quad_flat(v), f"{path}.{key}"):
            return


def _region(r: Reader, row: dict[str, Any], obj: dict[str, Any], path: str) -> None:
    """Page and polygon from the first of ``boundingRegions`` (others stay in ``other``)."""
    key, regions = get(obj, "boundingRegions")
    if isinstance(regions, list) and regions and isinstance(regions[0], dict):
        where = f"{path}.{key}[0]"
        page = r.page(regions[0], where, "pageNumber")
        if page is not None:
            row["page"] = page
        _polygon(r, row, regions[0], where)
    else:
        _polygon(r, row, obj, path)


def _text(r: Reader, obj: dict[str, Any], path: str) -> Any:
    for name in ("content", "text"):
        key, v = get(obj, name)
        if key is not None:
            r.use(f"{path}.{key}")
            return v
    return None


def _page_props(r: Reader, page_obj: dict[str, Any], path: str, page: int) -> None:
    for name in ("width", "height", "unit", "angle", "language"):
        r.page_property(page, page_obj, path, name)


# --- v2 ----------------------------------------------------------------------------------------


def _v2(r: Reader, result: dict[str, Any], base: str) -> None:
    for path, p in dict_items(result, base, "readResults"):
        page = r.page(p, path, "page") or 1
        r.page_of[path] = page
        _page_props(r, p, path, page)
        for lpath, line in dict_items(p, path, "lines"):
            block = r.count("words", page)
            row = {"page": page, "block": block, "text": _text(r, line, lpath)}
            row["confidence"] = r.confidence(line, lpath)
            _polygon(r, row, line, lpath)
            r.add("words", row)
            for wpath, w in dict_items(line, lpath, "words"):
                _token(r, w, wpath, page, block)
        _marks(r, p, path, page)
    for path, p in dict_items(result, base, "pageResults"):
        page = r.page(p, path, "page") or 1
        r.page_of[path] = page
        _tables(r, p, path, page)
        _pairs(r, p, path, page)
    _documents(r, result, base, "documentResults")


def _token(r: Reader, w: dict[str, Any], path: str, page: int, block: int | None) -> None:
    row = {
        "page": page,
        "block": block,
        "token": r.count("tokens", page),
        "text": _text(r, w, path),
    }
    row["confidence"] = r.confidence(w, path)
    _polygon(r, row, w, path)
    r.add("tokens", row)


def _marks(r: Reader, p: dict[str, Any], path: str, page: int) -> None:
    for mpath, m in dict_items(p, path, "selectionMarks"):
        state, _ = r.value(m, mpath, "state")
        row = {
            "page": page,
            "block": r.count("layout", page),
            "type": "selection_mark",
            "text": state,
        }
        _polygon(r, row, m, mpath)
        r.add("layout", row)


# --- v3 / v4 -----------------------------------------------------------------------------------


def _v3(r: Reader, result: dict[str, Any], base: str) -> None:
    for path, p in dict_items(result, base, "pages"):
        page = r.page(p, path, "pageNumber") or 1
        r.page_of[path] = page
        _page_props(r, p, path, page)
        starts: list[int] = []
        spans: list[tuple[int, int, int]] = []
        for lpath, line in dict_items(p, path, "lines"):
            block = r.count("words", page)
            row = {"page": page, "block": block, "text": _text(r, line, lpath)}
            _polygon(r, row, line, lpath)
            r.add("words", row)
            for _, s in dict_items(line, lpath, "spans"):
                off, length = _span(s)
                if off is not None:
                    spans.append((off, off + length, block))
        spans.sort()
        starts = [s[0] for s in spans]
        for wpath, w in dict_items(p, path, "words"):
            _, span = get(w, "span")
            off, _ = _span(span)
            _token(r, w, wpath, page, _line_of(off, starts, spans))
        _marks(r, p, path, page)
    _tables(r, result, base, None)
    _pairs(r, result, base, None)
    _paragraphs(r, result, base)
    _figures(r, result, base)
    _documents(r, result, base, "documents")


def _span(s: Any) -> tuple[int | None, int]:
    if not isinstance(s, dict):
        return None, 0
    off, length = s.get("offset"), s.get("length")
    off, length = whole(off), whole(length)
    if off is not None and length is not None:
        return off, length
    return None, 0


def _line_of(off: int | None, starts: list[int], spans: list[tuple[int, int, int]]) -> Any:
    if off is None:
        return None
    i = bisect.bisect_right(starts, off) - 1
    if i >= 0 and spans[i][0] <= off < spans[i][1]:
        return spans[i][2]
    return None


def _tables(r: Reader, obj: dict[str, Any], path: str, page: int | None) -> None:
    for tpath, table in dict_items(obj, path, "tables"):
        tpage = page or 1
        key, regions = get(table, "boundingRegions")  # the table's page (v3)
        if isinstance(regions, list) and regions and isinstance(regions[0], dict):
            tpage = r.page(regions[0], f"{tpath}.{key}[0]", "pageNumber") or tpage
        table_no = r.next_table(tpage)
        for i, (cpath, c) in enumerate(dict_items(table, tpath, "cells")):
            if whole(get(c, "rowIndex")[1]) is None or whole(get(c, "columnIndex")[1]) is None:
                continue  # no place in a table: all of it stays for ``other``
            row_i, col_i = r.whole(c, cpath, "rowIndex"), r.whole(c, cpath, "columnIndex")
            row = {
                "page": tpage,
                "table": table_no,
                "kind": "table",
                "cell": i,
                "row": row_i,
                "col": col_i,
                "row_span": r.whole(c, cpath, "rowSpan", least=1) or 1,
                "col_span": r.whole(c, cpath, "columnSpan", least=1) or 1,
                "text": _text(r, c, cpath),
            }
            row["confidence"] = r.confidence(c, cpath)
            _region(r, row, c, cpath)
            r.add("cells", row)


def _pairs(r: Reader, obj: dict[str, Any], path: str, page: int | None) -> None:
    for ppath, pair in dict_items(obj, path, "keyValuePairs"):
        parts = []
        for role in ("key", "value"):
            key, part = get(pair, role)
            if isinstance(part, dict):
                parts.append((role, f"{ppath}.{key}", part))
        texts = {role: _text(r, part, where) for role, where, part in parts}
        boxes = []
        for role, where, part in parts:
            box = {"page": page or 1, "role": role, "text": texts[role]}
            _region(r, box, part, where)
            boxes.append(box)
        pg = boxes[0]["page"] if boxes else (page or 1)
        row = {
            "page": pg,
            "pair": r.count("kv", pg),
            "key": texts.get("key"),
            "value": texts.get("value"),
            "n_boxes": len(boxes),
        }
        row["confidence"] = r.confidence(pair, ppath)
        r.add("kv", row)
        for j, box in enumerate(boxes):
            r.add("kv_boxes", {**box, "page": pg, "pair": row["pair"], "box": j})


def _paragraphs(r: Reader, result: dict[str, Any], base: str) -> None:
    for ppath, para in dict_items(result, base, "paragraphs"):
        role, _ = r.value(para, ppath, "role")
        row: dict[str, Any] = {
            "page": 1,
            "type": role or "paragraph",
            "text": _text(r, para, ppath),
        }
        _region(r, row, para, ppath)
        row["block"] = r.count("layout", row["page"])
        r.add("layout", row)


def _figures(r: Reader, result: dict[str, Any], base: str) -> None:
    """Figures (v4) as ``figure`` layout areas, their caption as the text."""
    for fpath, fig in dict_items(result, base, "figures"):
        key, caption = get(fig, "caption")
        text = _text(r, caption, f"{fpath}.{key}") if isinstance(caption, dict) else None
        row: dict[str, Any] = {"page": 1, "type": "figure", "text": text}
        _region(r, row, fig, fpath)
        row["block"] = r.count("layout", row["page"])
        r.add("layout", row)


# --- fields ------------------------------------------------------------------------------------

_VALUE_KEYS = (
    "valueString",
    "valueNumber",
    "valueInteger",
    "valueDate",
    "valueTime",
    "valuePhoneNumber",
    "valueCountry",
    "valueCountryRegion",
    "valueSelectionMark",
    "valueSignature",
    "valueGender",
    "valueBoolean",
    "valueCurrency",
    "valueAddress",
    "valueSelectionGroup",
)


def _documents(r: Reader, result: dict[str, Any], base: str, name: str) -> None:
    docs = list(dict_items(result, base, name))
    for d, (dpath, doc) in enumerate(docs):
        _, doc_type = get(doc, "docType")
        is_id = isinstance(doc_type, str) and "iddocument" in doc_type.lower()
        group = "" if len(docs) == 1 else f"documents[{d}]"
        key, fields = get(doc, "fields")
        if isinstance(fields, dict):
            for fname, f in fields.items():
                _field(r, f, f"{dpath}.{key}.{fname}", fname, group, is_id)


def _field(r: Reader, f: Any, path: str, name: str, group: str, is_id: bool) -> None:
    if not isinstance(f, dict):
        return
    norm = snake(name)
    row: dict[str, Any] = {
        "page": 1,
        "group": group,
        "field": name,
        "field_norm": normalise_field(norm) if is_id else norm,
    }
    value = _text(r, f, path)
    # The Python SDK's to_dict() (azure-ai-formrecognizer 3.x): "value" with its "value_type";
    # a list's items and a dictionary's fields are fields themselves (valueArray/valueObject).
    vkey, sdk_value = get(f, "value")
    items_key, items = get(f, "valueArray")
    obj_key, obj = _object(f)
    if items_key is None and isinstance(sdk_value, list):
        items_key, items = vkey, sdk_value
    if vkey is not None and vkey in (items_key, obj_key):  # the value is the items or fields
        sdk_value = None
    typed = None  # the service's normalised value (valueNumber, valueDate...) as text
    if sdk_value is not None:
        typed = _normalised(r, sdk_value, f"{path}.{vkey}")
    else:
        for vname in _VALUE_KEYS:
            key, v = get(f, vname)
            if key is not None:
                typed = _normalised(r, v, f"{path}.{key}")
                break
    row["value_norm"] = rules.text(typed)
    row["value"] = rules.text(value) if value is not None else row["value_norm"]
    row["confidence"] = r.confidence(f, path)
    page = r.page(f, path, "page")  # v2
    if page is not None:
        row["page"] = page
    _region(r, row, f, path)
    r.add("fields", row)
    for i, item in enumerate(items if isinstance(items, list) else ()):
        sub = f"{group}.{name}[{i}]" if group else f"{name}[{i}]"
        ikey, iobj = _object(item)
        if isinstance(iobj, dict):
            for cname, child in iobj.items():
                _field(r, child, f"{path}.{items_key}[{i}].{ikey}.{cname}", cname, sub, is_id)
        else:
            _field(r, item, f"{path}.{items_key}[{i}]", name, sub, is_id)
    if isinstance(obj, dict):
        sub = f"{group}.{name}" if group else name
        for cname, child in obj.items():
            _field(r, child, f"{path}.{obj_key}.{cname}", cname, sub, is_id)


def _normalised(r: Reader, value: Any, path: str) -> Any:
    """A field's typed value (at ``path``), marked used: a currency's ``amount`` (its symbol
    and code stay in ``other``), anything else whole."""
    if isinstance(value, dict) and isinstance(value.get("amount"), (int, float)):
        r.use(f"{path}.amount")
        return value["amount"]
    r.use(path)
    return value


def _object(f: Any) -> tuple[str | None, Any]:
    """A field's object value: ``valueObject``, or the SDK's ``value`` of a ``dictionary``."""
    key, obj = get(f, "valueObject")
    if key is None and get(f, "valueType")[1] == "dictionary":
        key, obj = get(f, "value")
    return key, obj
