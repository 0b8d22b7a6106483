"""Google Document AI ``Document`` (``Document.to_json`` camelCase or ``to_dict`` snake_case,
bare or inside a ProcessResponse's ``document``): lines, tokens, symbols, paragraphs/blocks,
visual elements, tables with spans, form fields, entities, and the Layout Parser's
``documentLayout``. Texts come from the document text through each element's
``textAnchor``. Polygons are the normalised vertices (0-1; ``document`` gives the page size
in ``image_width``/``image_height``); confidences are 0-1.

>>> doc = {"text": "Hi\\n", "pages": [{"pageNumber": 1, "dimension": {"width": 100,
...     "height": 50, "unit": "pixels"}, "lines": [{"layout": {"textAnchor": {"textSegments":
...     [{"endIndex": "3"}]}, "confidence": 0.9}}]}]}
>>> read(doc).cols["words"]["text"]
['Hi']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..flatten import Extraction, normalise_field
from ..tables.placement import SpanGrid
from .base import MAX_PAGES, Reader, dict_items, get, join_path, listed, num, quad_xy

__all__ = ["read"]


def read(raw: dict[str, Any], other: bool = True) -> Extraction:
    """The frames of a Document AI document."""
    r = Reader(raw, other)
    key, doc = get(raw, "document")
    base = key if isinstance(doc, dict) else ""
    doc = doc if isinstance(doc, dict) else raw
    tkey, text = get(doc, "text")
    _Doc(r, text if isinstance(text, str) else "", base).run(doc)
    return r.finish()


class _Doc:
    def __init__(self, r: Reader, text: str, base: str) -> None:
        self.r, self.text, self.base = r, text, base
        self.dims: dict[int, tuple[float, float]] = {}
        self.numbers: list[int] = []  # each entry of ``pages``: its page number

    def run(self, doc: dict[str, Any]) -> None:
        for i, (path, page) in enumerate(dict_items(doc, self.base, "pages")):
            self.numbers.append(self.page(page, path, i + 1))
        self.entities(doc)
        key, layout = get(doc, "documentLayout")
        if isinstance(layout, dict):
            self.layout_blocks(layout, join_path(self.base, key), 1)

    # --- anchors and geometry --------------------------------------------------------------

    def anchor(self, layout: Any, path: str) -> tuple[str | None, int | None]:
        """Text of a layout's ``textAnchor`` (stripped) and its start offset."""
        key, anchor = get(layout, "textAnchor")
        if not isinstance(anchor, dict):
            return None, None
        at = f"{path}.{key}"
        skey, segments = get(anchor, "textSegments")
        parts, start, used = [], None, []
        for i, seg in enumerate(listed(segments)):
            (akey, a), (bkey, b) = get(seg, "startIndex"), get(seg, "endIndex")
            if num(b) is None:
                continue  # the segment stays for ``other``
            used.append(f"{at}.{skey}[{i}].{bkey}")
            if num(a) is not None:
                used.append(f"{at}.{skey}[{i}].{akey}")
            a = int(num(a) or 0)
            parts.append(self.text[a : int(num(b))])
            start = a if start is None else min(start, a)
        ckey, content = get(anchor, "content")
        if not parts:
            parts = [content] if isinstance(content, str) else []
            used = [f"{at}.{ckey}"]
        elif isinstance(content, str) and content.strip() in ("", "".join(parts).strip()):
            used.append(f"{at}.{ckey}")  # unset (protobuf's ""), or the segments' text again
        if parts:  # what else the anchor holds stays for ``other``
            self.r.use(*used)
        return ("".join(parts).strip() if parts else None), start

    def geometry(self, row: dict[str, Any], layout: Any, path: str, page: int) -> None:
        key, poly = get(layout, "boundingPoly")
        if not isinstance(poly, dict):
            return
        where = f"{path}.{key}"
        nkey, norm = get(poly, "normalizedVertices")
        if self.r.polygon(row, quad_xy(norm, default=0.0), f"{where}.{nkey}"):
            return
        _, verts = get(poly, "vertices")
        found = quad_xy(verts, default=0.0)
        if found is not None and page in self.dims:  # vertices only: scale to 0-1
            w, h = self.dims[page]
            pts = found[0]
            self.r.polygon(
                row, ([v / (w if i % 2 == 0 else h) for i, v in enumerate(pts)], False), where
            )

    def element(
        self,
        obj: dict[str, Any],
        path: str,
        page: int,
        *,
        is_layout: bool = False,
        keeps_confidence: bool = True,
    ) -> dict[str, Any]:
        """page, text, confidence and polygon of an element with a ``layout`` (or of a layout
        itself: a form field's name and value). A confidence the caller's frame does not keep
        (``keeps_confidence=False``) stays for ``other``."""
        key, layout = (None, obj) if is_layout else get(obj, "layout")
        where = path if is_layout else f"{path}.{key}"
        text, start = self.anchor(layout, where)
        c = self.r.confidence(layout, where, keep=keeps_confidence)
        row: dict[str, Any] = {"page": page, "text": text, "confidence": c, "_start": start}
        self.geometry(row, layout, where, page)
        return row

    # --- pages -------------------------------------------------------------------------------

    def page(self, p: dict[str, Any], path: str, position: int) -> int:
        """Read one entry of ``pages``; returns its page number."""
        r = self.r
        page = r.page(p, path, "pageNumber") or position
        r.page_of[path] = page
        key, dim = get(p, "dimension")
        if isinstance(dim, dict):
            w, h = num(dim.get("width")), num(dim.get("height"))
            if w and h:
                self.dims[page] = (w, h)
            for name in ("width", "height", "unit"):
                r.page_property(page, dim, f"{path}.{key}", name, f"image_{name}")
        r.normalized_page(page)
        lines = []
        for lpath, line in dict_items(p, path, "lines"):
            row = self.element(line, lpath, page)
            row["block"] = len(lines)
            lines.append(row)
        spans = self.spans(p, path, "lines", lines)
        for row in lines:
            row.pop("_start")
            r.add("words", row)
        for name, family, index in (("tokens", "tokens", "token"), ("symbols", "chars", "char")):
            per_line: dict[Any, int] = {}
            for tpath, tok in dict_items(p, path, name):
                row = self.element(tok, tpath, page)
                row["block"] = _within(row.pop("_start"), spans)
                if family == "chars" and row["block"] is None:
                    continue  # chars need a line; the symbol stays in `other`
                row[index] = per_line[row["block"]] = per_line.get(row["block"], -1) + 1
                if family == "tokens":
                    row[index] = r.count("tokens", page)
                r.add(family, row)
        for name, kind in (
            ("blocks", "block"),
            ("paragraphs", "paragraph"),
            ("visualElements", None),
        ):
            for epath, el in dict_items(p, path, name):
                row = self.element(el, epath, page, keeps_confidence=False)
                start = row.pop("_start")
                row.pop("confidence")
                vtype, _ = r.value(el, epath, "type") if kind is None else (kind, None)
                row.update(type=vtype, block=r.count("layout", page))
                ids = [
                    b
                    for (a, z, b) in spans
                    if start is not None
                    and a >= start
                    and row["text"] is not None
                    and a < start + len(row["text"]) + 1
                ]
                row["words_ids"] = ids or None
                r.add("layout", row)
        for tpath, table in dict_items(p, path, "tables"):
            self.table(table, tpath, page)
        for fpath, field in dict_items(p, path, "formFields"):
            self.form_field(field, fpath, page)
        return page

    def spans(self, p, path, name, rows) -> list[tuple[int, int, int]]:
        out = []
        for row in rows:
            if row["_start"] is not None and row["text"] is not None:
                out.append((row["_start"], row["_start"] + len(row["text"]) + 1, row["block"]))
        return out

    def table(self, table: dict[str, Any], path: str, page: int) -> None:
        r = self.r
        number = r.next_table(page)
        for cell_no, (cpath, cell, row_no, col, rs, cs) in enumerate(_table_cells(r, table, path)):
            row = self.element(cell, cpath, page)
            row.pop("_start")
            row.update(
                table=number,
                kind="table",
                cell=cell_no,
                row=row_no,
                col=col,
                row_span=rs,
                col_span=cs,
            )
            r.add("cells", row)

    def form_field(self, field: dict[str, Any], path: str, page: int) -> None:
        r = self.r
        parts = []
        for role, name in (("key", "fieldName"), ("value", "fieldValue")):
            key, part = get(field, name)
            if isinstance(part, dict):
                where = f"{path}.{key}"  # kv keeps the value's confidence only
                row = self.element(
                    part, where, page, is_layout=True, keeps_confidence=role == "value"
                )
                row.pop("_start")
                parts.append((role, row))
        texts = {role: row["text"] for role, row in parts}
        pair = r.count("kv", page)
        value_conf = next((row["confidence"] for role, row in parts if role == "value"), None)
        r.add(
            "kv",
            {
                "page": page,
                "pair": pair,
                "key": texts.get("key"),
                "confidence": value_conf,
                "value": texts.get("value"),
                "n_boxes": len(parts),
            },
        )
        for j, (role, row) in enumerate(parts):
            r.add("kv_boxes", {**row, "pair": pair, "box": j, "role": role})

    # --- entities and the layout parser ------------------------------------------------------

    def page_at(self, index: int) -> int:
        """The page number of ``pages[index]`` (a page reference is an index into this
        document's ``pages``; a shard of a batch's output numbers its pages from its first,
        e.g. 11-20), or ``index + 1`` when the document has no such page."""
        return self.numbers[index] if index < len(self.numbers) else index + 1

    def entities(self, doc: dict[str, Any], base: str | None = None, group: str = "") -> None:
        for path, ent in dict_items(doc, self.base if base is None else base, "entities"):
            self.entity(ent, path, group)

    def entity(self, ent: dict[str, Any], path: str, group: str) -> None:
        r = self.r
        kind, _ = r.value(ent, path, "type")
        value, _ = r.value(ent, path, "mentionText")
        key, norm = get(ent, "normalizedValue")  # the canonical text (ISO date, amount)
        normalised = norm.get("text") if isinstance(norm, dict) else None
        if isinstance(normalised, str):
            r.use(f"{path}.{key}.text")
        else:
            normalised = None
        name = str(kind) if kind is not None else None
        row: dict[str, Any] = {
            "page": 1,
            "group": group,
            "field": name,
            "value": normalised if value is None else value,
            "value_norm": normalised,
            "confidence": r.confidence(ent, path),
            "field_norm": normalise_field(name.lower().replace(" ", "_").replace("-", "_"))
            if name
            else None,
        }
        akey, anchor = get(ent, "pageAnchor")
        refs = get(anchor, "pageRefs")
        if isinstance(refs[1], list) and refs[1] and isinstance(refs[1][0], dict):
            ref, where = refs[1][0], f"{path}.{akey}.{refs[0]}[0]"
            page, _ = r.value(ref, where, "page")
            row["page"] = self.page_at(_page_index(page))
            self.geometry(row, ref, where, row["page"])
        r.add("fields", row)
        sub = f"{group}.{name}" if group else str(name)
        for ppath, prop in dict_items(ent, path, "properties"):
            self.entity(prop, ppath, sub)

    def layout_blocks(self, obj: dict[str, Any], path: str, page: int) -> None:
        r = self.r
        for bpath, block in dict_items(obj, path, "blocks"):
            skey, span = get(block, "pageSpan")
            start = r.page(span, f"{bpath}.{skey}", "pageStart")
            end = r.page(span, f"{bpath}.{skey}", "pageEnd")
            bpage = start or page
            last = end if end is not None and end >= bpage else bpage
            for p in range(bpage, last + 1):  # every page the block is on has a document row
                r.ex.document.setdefault(p, {})
            for kind in ("textBlock", "tableBlock", "listBlock"):
                key, inner = get(block, kind)
                if not isinstance(inner, dict):
                    continue
                where = f"{bpath}.{key}"
                btype, _ = r.value(inner, where, "type")
                text, _ = r.value(inner, where, "text")
                row = {
                    "page": bpage,
                    "block": r.count("layout", bpage),
                    "text": text,
                    "type": btype or kind.removesuffix("Block"),
                }
                r.add("layout", row)
                if kind == "tableBlock":
                    self.layout_table(inner, where, bpage)
                elif kind == "listBlock":
                    for epath, entry in dict_items(inner, where, "listEntries"):
                        self.layout_blocks(entry, epath, bpage)
                else:
                    self.layout_blocks(inner, where, bpage)

    def layout_table(self, table: dict[str, Any], path: str, page: int) -> None:
        number = self.r.next_table(page)
        for i, (cpath, cell, row_no, col, rs, cs) in enumerate(_table_cells(self.r, table, path)):
            texts = [
                t
                for _, b in dict_items(cell, cpath, "blocks")
                if isinstance(t := get(get(b, "textBlock")[1], "text")[1], str)
            ]
            self.r.add(
                "cells",
                {
                    "page": page,
                    "table": number,
                    "kind": "table",
                    "cell": i,
                    "row": row_no,
                    "col": col,
                    "row_span": rs,
                    "col_span": cs,
                    "text": " ".join(texts) or None,
                },
            )
            self.layout_blocks(cell, cpath, page)


def _page_index(v: Any) -> int:
    """A 0-based page index (an int64, written as a number or a string), 0 when absent or
    beyond any document."""
    n = num(v)
    return int(n) if n is not None and n.is_integer() and 0 <= n < MAX_PAGES else 0


def _table_cells(
    r: Reader, table: dict[str, Any], path: str
) -> Iterator[tuple[str, dict[str, Any], int, int, int, int]]:
    """Each cell of a table (header rows, then body rows): its path, the cell, its row and
    column, and its row and column spans (1 when absent or malformed: that value stays for
    ``other``)."""
    rows = [row for part in ("headerRows", "bodyRows") for row in dict_items(table, path, part)]
    grid = SpanGrid(len(rows))
    for rpath, trow in rows:
        grid.new_row()
        for cpath, cell in dict_items(trow, rpath, "cells"):
            rs = r.whole(cell, cpath, "rowSpan", least=1) or 1
            cs = r.whole(cell, cpath, "colSpan", least=1) or 1
            yield (cpath, cell, *grid.place(rs, cs), rs, cs)


def _within(start: int | None, spans: list[tuple[int, int, int]]) -> int | None:
    if start is None:
        return None
    for a, z, block in spans:
        if a <= start < z:
            return block
    return None
