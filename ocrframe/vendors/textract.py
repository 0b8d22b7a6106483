"""Amazon Textract: the Block graph of DetectDocumentText, AnalyzeDocument (TABLES, FORMS,
QUERIES, LAYOUT, SIGNATURES) and the async Get* pages, plus AnalyzeExpense's, AnalyzeID's and
AnalyzeLending's (GetLendingAnalysis ``Results``) fields. Coordinates are normalised to the page
(0-1); confidences 0-100 become 0-1.

>>> body = {"Blocks": [
...     {"BlockType": "LINE", "Id": "l", "Text": "Hi you", "Confidence": 99.5,
...      "Relationships": [{"Type": "CHILD", "Ids": ["w1", "w2"]}]},
...     {"BlockType": "WORD", "Id": "w1", "Text": "Hi", "Confidence": 99.0},
...     {"BlockType": "WORD", "Id": "w2", "Text": "you", "Confidence": 98.0}]}
>>> ex = read(body)
>>> ex.cols["words"]["text"], ex.cols["tokens"]["block"]
(['Hi you'], [0, 0])
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..flatten import Extraction, normalise_field
from .base import Reader, listed, num, page_number, quad_xy, rect, snake, text_of, whole

__all__ = ["read"]

SCALE = 100.0  # Textract confidences are 0-100


class _Graph:
    """Blocks by id with their paths; children by relationship type."""

    def __init__(self, r: Reader, raw: dict[str, Any]) -> None:
        self.blocks: list[tuple[str, dict[str, Any]]] = []
        self.default_page: dict[int, int] = {}  # id(block) -> its document's page (AnalyzeID)
        for path, blocks, page in _block_lists(raw):
            for i, b in enumerate(blocks):
                if isinstance(b, dict):
                    self.blocks.append((f"{path}[{i}]", b))
                    self.default_page[id(b)] = page
        self.by_id = {b["Id"]: (p, b) for p, b in self.blocks if text_of(b.get("Id"))}
        for p, b in self.blocks:  # a malformed id, type, link or page stays for ``other``
            named = [f"{p}.{k}" for k in ("Id", "BlockType") if text_of(b.get(k))]
            r.use(*named, *self._links(p, b))
            r.use(f"{p}.Page" if page_number(b.get("Page")) else None)

    def _links(self, path: str, b: dict[str, Any]) -> list[str]:
        """Paths of the relationships' types and of the ids that name a block."""
        out = []
        for k, rel in enumerate(listed(b.get("Relationships"))):
            if isinstance(rel, dict):
                at = f"{path}.Relationships[{k}]"
                out += [f"{at}.Type"] if text_of(rel.get("Type")) else []
                out += [f"{at}.Ids[{j}]" for j, i in enumerate(listed(rel.get("Ids")))
                        if text_of(i) in self.by_id]  # fmt: skip
        return out

    def page(self, b: dict[str, Any]) -> int:
        """The block's ``Page``; AnalyzeID blocks (no or 0 ``Page``) are on their document's."""
        return page_number(b.get("Page")) or self.default_page.get(id(b), 1)

    def related(self, b: dict[str, Any], kind: str) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for rel in listed(b.get("Relationships")):
            if isinstance(rel, dict) and rel.get("Type") == kind:
                out += [self.by_id[i] for i in listed(rel.get("Ids")) if text_of(i) in self.by_id]
        return out

    def text(self, b: dict[str, Any]) -> str | None:
        """The words (and selection marks) under a block, space-joined."""
        parts = []
        for _, c in self.related(b, "CHILD"):
            if c.get("BlockType") == "WORD" and isinstance(c.get("Text"), str):
                parts.append(c["Text"])
            elif c.get("BlockType") == "SELECTION_ELEMENT":
                parts.append(str(c.get("SelectionStatus")))
        return " ".join(parts) if parts else None


def _block_lists(raw: dict[str, Any]):
    """``(path, blocks, default page)`` of every block list."""
    if isinstance(raw.get("Blocks"), list):
        yield "Blocks", raw["Blocks"], 1
    for key in ("ExpenseDocuments", "IdentityDocuments"):
        for d, doc in enumerate(listed(raw.get(key))):
            if isinstance(doc, dict) and isinstance(doc.get("Blocks"), list):
                yield f"{key}[{d}].Blocks", doc["Blocks"], _document_page(doc, d)
    for k, page in enumerate(listed(raw.get("responses"))):  # a list of Get* pages
        if isinstance(page, dict):
            for path, blocks, first in _block_lists(page):
                yield f"responses[{k}].{path}", blocks, first


def _document_page(doc: dict[str, Any], d: int) -> int:
    """The page of AnalyzeID's ``d``-th document: its 1-based ``DocumentIndex`` (one document
    per page sent)."""
    return page_number(doc.get("DocumentIndex")) or d + 1


def _page_row(r: Reader, page: int) -> None:
    """Every Textract page's coordinates are normalised to it."""
    if page not in r.ex.document:
        r.normalized_page(page)


def _geometry(r: Reader, row: dict[str, Any], b: dict[str, Any], path: str) -> None:
    geo = b.get("Geometry")
    if not isinstance(geo, dict):
        return
    if r.polygon(row, quad_xy(geo.get("Polygon"), "X", "Y"), f"{path}.Geometry.Polygon"):
        return
    box = geo.get("BoundingBox")
    if isinstance(box, dict):  # numbers as every reader reads them; the box used when whole
        x, y, w, h = (num(box.get(k)) for k in ("Left", "Top", "Width", "Height"))
        if None not in (x, y, w, h) and math.isfinite(x + w) and math.isfinite(y + h):
            found = rect(x, y, x + w, y + h), len(box) == 4
            r.polygon(row, found, f"{path}.Geometry.BoundingBox")


def read(raw: dict[str, Any], other: bool = True) -> Extraction:
    """The frames of a Textract response (any operation)."""
    r = Reader(raw, other)
    g = _Graph(r, raw)
    line_of: dict[str, int] = {}
    lines: dict[int, int] = {}
    for path, b in g.blocks:
        kind, page = b.get("BlockType"), g.page(b)
        r.page_of[path] = page
        _page_row(r, page)
        if kind == "LINE":
            n = lines[page] = lines.get(page, -1) + 1
            row = {"page": page, "block": n, "text": b.get("Text")}
            r.use(f"{path}.Text")
            row["confidence"] = r.confidence(b, path, "Confidence", SCALE)
            _geometry(r, row, b, path)
            r.add("words", row)
            for _, w in g.related(b, "CHILD"):
                line_of[w.get("Id")] = n
    meta = raw.get("DocumentMetadata")
    pages = page_number(meta.get("Pages")) if isinstance(meta, dict) else None
    if pages is not None:
        for page in range(1, pages + 1):  # pages without blocks (AnalyzeID, blank pages)
            _page_row(r, page)
        r.use("DocumentMetadata.Pages")
    _tokens(r, g, line_of)
    _tables(r, g)
    _pairs(r, g)
    _queries(r, g)
    _layout(r, g)
    _expense(r, raw)
    _identity(r, raw)
    _lending(r, raw)
    return r.finish()


def _tokens(r: Reader, g: _Graph, line_of: dict[str, int]) -> None:
    for path, b in g.blocks:
        if b.get("BlockType") == "WORD":
            page = g.page(b)
            row = {
                "page": page,
                "block": line_of.get(text_of(b.get("Id"))),
                "token": r.count("tokens", page),
                "text": b.get("Text"),
            }
            r.use(f"{path}.Text")
            row["confidence"] = r.confidence(b, path, "Confidence", SCALE)
            _geometry(r, row, b, path)
            r.add("tokens", row)


def _tables(r: Reader, g: _Graph) -> None:
    tables: dict[int, int] = {}
    for path, t in g.blocks:
        if t.get("BlockType") != "TABLE":
            continue
        page = g.page(t)
        table = tables[page] = tables.get(page, -1) + 1
        r.page_of[path] = page
        rows: dict[str, dict[str, Any]] = {}
        for i, (cpath, c) in enumerate(g.related(t, "CHILD")):
            if c.get("BlockType") != "CELL":
                continue
            row = {
                "page": page,
                "table": table,
                "kind": "table",
                "cell": i,
                "row": _index(c, "RowIndex"),
                "col": _index(c, "ColumnIndex"),
                "row_span": _span(c, "RowSpan"),
                "col_span": _span(c, "ColumnSpan"),
                "text": g.text(c),
            }
            if row["row"] is None or row["col"] is None:
                continue
            r.use(*(f"{cpath}.{k}" for k in ("RowIndex", "ColumnIndex", "RowSpan", "ColumnSpan")))
            row["confidence"] = r.confidence(c, cpath, "Confidence", SCALE)
            _geometry(r, row, c, cpath)
            rows[c["Id"]] = row
        for mpath, m in g.related(t, "MERGED_CELL"):
            # The merged cell spans its child cells: the top-left child carries the span.
            kids = [rows[c["Id"]] for _, c in g.related(m, "CHILD") if c["Id"] in rows]
            if not kids:
                continue
            anchor = min(kids, key=lambda k: (k["row"], k["col"]))
            anchor["row_span"], anchor["col_span"] = _span(m, "RowSpan"), _span(m, "ColumnSpan")
            anchor["text"] = " ".join(k["text"] for k in kids if k["text"]) or None
            r.use(*(f"{mpath}.{k}" for k in ("RowIndex", "ColumnIndex", "RowSpan", "ColumnSpan")))
        for row in rows.values():
            r.add("cells", row)


def _index(c: dict[str, Any], key: str) -> int | None:
    v = whole(c.get(key), least=1)
    return None if v is None else v - 1


def _span(c: dict[str, Any], key: str) -> int:
    return whole(c.get(key), least=1) or 1


def _pairs(r: Reader, g: _Graph) -> None:
    for path, k in g.blocks:
        if k.get("BlockType") != "KEY_VALUE_SET" or "KEY" not in listed(k.get("EntityTypes")):
            continue
        page = g.page(k)
        pair = r.count("kv", page)
        values = g.related(k, "VALUE")
        row = {
            "page": page,
            "pair": pair,
            "key": g.text(k),
            "n_boxes": 1 + len(values),
            "value": " ".join(t for _, v in values if (t := g.text(v))) or None,
        }
        row["confidence"] = r.confidence(k, path, "Confidence", SCALE)
        r.add("kv", row)
        r.use(f"{path}.EntityTypes")
        for box, (bpath, b) in enumerate([(path, k), *values]):
            role = "key" if box == 0 else "value"
            brow = {"page": page, "pair": pair, "box": box, "role": role, "text": g.text(b)}
            _geometry(r, brow, b, bpath)
            r.add("kv_boxes", brow)
            if box:
                r.use(f"{bpath}.EntityTypes")


def _queries(r: Reader, g: _Graph) -> None:
    for path, q in g.blocks:
        if q.get("BlockType") != "QUERY":
            continue
        query = q.get("Query") if isinstance(q.get("Query"), dict) else {}
        name = query.get("Alias") or query.get("Text")
        r.use(f"{path}.Query.Alias" if query.get("Alias") else f"{path}.Query.Text")
        answers = g.related(q, "ANSWER") or [(None, {})]
        for apath, a in answers:
            row = {
                "page": g.page(a or q),
                "group": "queries",
                "field": name,
                "field_norm": snake(str(name)).replace(" ", "_") if name else None,
                "value": a.get("Text"),
            }
            if apath:
                r.use(f"{apath}.Text")
                row["confidence"] = r.confidence(a, apath, "Confidence", SCALE)
                _geometry(r, row, a, apath)
            r.add("fields", row)


_HANDLED = {
    "PAGE",
    "LINE",
    "WORD",
    "TABLE",
    "CELL",
    "MERGED_CELL",
    "KEY_VALUE_SET",
    "QUERY",
    "QUERY_RESULT",
}


def _layout(r: Reader, g: _Graph) -> None:
    """LAYOUT_* blocks, SIGNATURE, SELECTION_ELEMENT, TABLE_TITLE/FOOTER...: one row each;
    ``words_ids`` lists the lines (rows of ``words``) a layout block holds."""
    line_no = {}
    counters: dict[int, int] = {}
    for _, b in g.blocks:
        if b.get("BlockType") == "LINE":
            p = g.page(b)
            line_no[text_of(b.get("Id"))] = counters[p] = counters.get(p, -1) + 1
    for path, b in g.blocks:
        kind = b.get("BlockType")
        if not isinstance(kind, str) or kind in _HANDLED:
            continue
        page = g.page(b)
        kids = g.related(b, "CHILD")
        ids = [line_no[c["Id"]] for _, c in kids if c["Id"] in line_no]
        text = b.get("Text")
        if isinstance(text, str):
            r.use(f"{path}.Text")
        elif kind == "SELECTION_ELEMENT":
            text = b.get("SelectionStatus")
            r.use(f"{path}.SelectionStatus")
        else:
            text = " ".join(c.get("Text") for _, c in kids if isinstance(c.get("Text"), str))
        row = {
            "page": page,
            "block": r.count("layout", page),
            "type": kind.removeprefix("LAYOUT_").lower(),
            "text": text or None,
            "words_ids": ids or None,
        }
        _geometry(r, row, b, path)
        r.add("layout", row)


def _printed_name(r: Reader, f: dict[str, Any], where: str, name: Any, key: str) -> Any:
    """A field's name: its type, or for a field of type ``OTHER`` (no type of Textract's own:
    most of an invoice's extra fields, most of a lending form's) the label printed beside
    it (``LabelDetection`` / ``KeyDetection`` text as printed; the type ``OTHER`` then stays
    in ``other``)."""
    label = f.get(key) if isinstance(f.get(key), dict) else {}
    text = label.get("Text")
    if name != "OTHER" or not isinstance(text, str) or not text.strip(" :\n"):
        return name
    r.use(f"{where}.{key}.Text")
    return text.strip()


def _label_norm(name: str) -> str:
    """``ACCOUNT #`` -> ``account``, ``Date of Birth`` -> ``date_of_birth``.

    >>> _label_norm("ACCOUNT #"), _label_norm("Date of Birth"), _label_norm("E-mail")
    ('account', 'date_of_birth', 'e_mail')
    """
    return re.sub(r"\W+", "_", name.lower()).strip("_") or "other"


def _field_rows(
    r: Reader, fields: Any, path: str, group: str, id_doc: bool, default_page: int = 1
) -> None:
    """Field rows; each on its ``PageNumber``, else on ``default_page``."""
    for i, f in enumerate(fields if isinstance(fields, list) else ()):
        if not isinstance(f, dict):
            continue
        where = f"{path}[{i}]"
        kind = f.get("Type") if isinstance(f.get("Type"), dict) else {}
        name = kind.get("Text")
        label = _printed_name(r, f, where, name, "LabelDetection")
        r.use(f"{where}.Type.Text" if label is name else None)  # else "OTHER" stays in other
        value = f.get("ValueDetection") if isinstance(f.get("ValueDetection"), dict) else {}
        page = r.page(f, where, "PageNumber") or default_page
        groups = [
            t
            for gp in listed(f.get("GroupProperties"))
            if isinstance(gp, dict)
            for t in listed(gp.get("Types"))
            if text_of(t)
        ]
        if label is not name:
            norm = _label_norm(label)
        else:
            norm = snake(str(name)) if name else None
        if norm and id_doc:
            norm = normalise_field(norm)
        elif norm and groups:
            norm = f"{snake(groups[0])}_{norm}"
        row = {
            "page": page,
            "group": group,
            "field": label,
            "field_norm": norm,
            "value": value.get("Text"),
            "value_norm": _normalised(r, value, f"{where}.ValueDetection"),
        }
        r.use(f"{where}.ValueDetection.Text")
        row["confidence"] = r.confidence(value, f"{where}.ValueDetection", "Confidence", SCALE)
        _geometry(r, row, value, f"{where}.ValueDetection")
        r.add("fields", row)


def _normalised(r: Reader, detection: dict[str, Any], path: str) -> str | None:
    """AnalyzeID's ``NormalizedValue.Value`` of a detection (a date as ISO 8601), marked
    used; None without one."""
    norm = detection.get("NormalizedValue")
    value = norm.get("Value") if isinstance(norm, dict) else None
    if not isinstance(value, str):
        return None
    r.use(f"{path}.NormalizedValue.Value")
    return value


def _expense(r: Reader, raw: dict[str, Any]) -> None:
    for d, doc in enumerate(listed(raw.get("ExpenseDocuments"))):
        _expense_document(r, doc, f"ExpenseDocuments[{d}]", "", 1)


def _expense_document(r: Reader, doc: Any, base: str, group: str, page: int) -> None:
    """Summary fields and line items of one expense document; ``page`` when a field has none."""
    if not isinstance(doc, dict):
        return
    _field_rows(r, doc.get("SummaryFields"), f"{base}.SummaryFields", group, False, page)
    for gi, grp in enumerate(listed(doc.get("LineItemGroups"))):
        items = grp.get("LineItems") if isinstance(grp, dict) else None
        for li, item in enumerate(listed(items)):
            where = f"{base}.LineItemGroups[{gi}].LineItems[{li}]"
            fields = item.get("LineItemExpenseFields") if isinstance(item, dict) else None
            name = f"{group}.line_items[{gi}][{li}]" if group else f"line_items[{gi}][{li}]"
            _field_rows(r, fields, f"{where}.LineItemExpenseFields", name, False, page)


def _identity(r: Reader, raw: dict[str, Any]) -> None:
    docs = listed(raw.get("IdentityDocuments"))
    for d, doc in enumerate(docs):
        if isinstance(doc, dict):
            group = "" if len(docs) == 1 else f"document[{d}]"
            path = f"IdentityDocuments[{d}].IdentityDocumentFields"
            page = _document_page(doc, d)
            r.use(f"IdentityDocuments[{d}].DocumentIndex")
            _page_row(r, page)
            _field_rows(r, doc.get("IdentityDocumentFields"), path, group, True, page)


def _lending(r: Reader, raw: dict[str, Any]) -> None:
    """GetLendingAnalysis: per page its class (``document`` ``page_type``) and extractions, a
    row of ``fields`` per value detection of a lending field (its text, or the selection
    status of a check box); expense and identity extractions as AnalyzeExpense / AnalyzeID."""
    for k, result in enumerate(listed(raw.get("Results"))):
        if not isinstance(result, dict):
            continue
        base = f"Results[{k}]"
        page = r.page(result, base, "Page") or k + 1
        r.page_of[base] = page
        _page_row(r, page)
        classes = result.get("PageClassification")
        kinds = classes.get("PageType") if isinstance(classes, dict) else None
        if isinstance(kinds, list) and kinds and isinstance(kinds[0], dict):
            r.doc(
                page,
                "page_type",
                kinds[0].get("Value"),
                f"{base}.PageClassification.PageType[0].Value",
            )
        for e, ext in enumerate(listed(result.get("Extractions"))):
            where, group = f"{base}.Extractions[{e}]", f"extraction[{e}]"
            ext = ext if isinstance(ext, dict) else {}
            _expense_document(
                r, ext.get("ExpenseDocument"), f"{where}.ExpenseDocument", group, page
            )
            identity = ext.get("IdentityDocument")
            if isinstance(identity, dict):
                fields = identity.get("IdentityDocumentFields")
                _field_rows(
                    r, fields, f"{where}.IdentityDocument.IdentityDocumentFields", group, True, page
                )
            lending = ext.get("LendingDocument")
            fields = lending.get("LendingFields") if isinstance(lending, dict) else None
            for i, f in enumerate(listed(fields)):
                if not isinstance(f, dict) or not isinstance(f.get("Type"), str):
                    continue
                fpath = f"{where}.LendingDocument.LendingFields[{i}]"
                name = _printed_name(r, f, fpath, f["Type"], "KeyDetection")
                norm = snake(name) if name is f["Type"] else _label_norm(name)
                for j, value in enumerate(listed(f.get("ValueDetections"))):
                    if not isinstance(value, dict):
                        continue
                    vpath = f"{fpath}.ValueDetections[{j}]"
                    text = value.get("Text")
                    key = "Text" if isinstance(text, str) else "SelectionStatus"
                    row = {
                        "page": page,
                        "group": group,
                        "field": name,
                        "field_norm": norm,
                        "item": j,
                        "value": value.get(key),
                    }
                    r.use(f"{fpath}.Type" if name is f["Type"] else None, f"{vpath}.{key}")
                    row["confidence"] = r.confidence(value, vpath, "Confidence", SCALE)
                    _geometry(r, row, value, vpath)
                    r.add("fields", row)
