"""The frame families with a fixed shape: text blocks and characters, fonts, General Table
regions, tables and forms with their cells, key-value pairs, layout, formulas, plates."""

from __future__ import annotations

from typing import Any

from . import rules
from ._collect import (
    CELL_KEYS,
    CHAR_KEYS,
    PIECE_KEYS,
    WORD_KEYS,
    Extraction,
    dict_items,
    keep_rest,
    put_polygon,
    set_confidence,
    set_polygon,
)
from ._columnar import add_plain_blocks, add_plain_cells
from ._schema import POLYGON, TEXT_POLYGON


def walk_blocks(
    ex: Extraction, blocks: Any, path: str, page: int, region: int | None = None
) -> None:
    if isinstance(blocks, list) and add_plain_blocks(ex, blocks, page, region):
        return
    for i, where, b in dict_items(ex, blocks, path, page):
        _word(ex, b, where, page, block=i, region=region)


def _word(
    ex: Extraction,
    b: dict[str, Any],
    path: str,
    page: int,
    *,
    block: int,
    region: int | None = None,
    table: int | None = None,
    cell: int | None = None,
    piece: int | None = None,
) -> None:
    """A text block (or a piece of one: General Table ``words_list``), its characters, fonts
    and pieces."""
    ids = {"page": page, "region": region, "table": table, "cell": cell, "block": block,
           "piece": piece}  # fmt: skip
    row: dict[str, Any] = {**ids, "text": rules.text(b.get("words"))}
    set_confidence(ex, row, b.get("confidence"), f"{path}.confidence", page)
    set_polygon(ex, row, b.get("location"), f"{path}.location", page)
    ex.add("words", row)
    if "char_list" in b and ex.wants("chars", "other"):
        for j, where, c in dict_items(ex, b["char_list"], f"{path}.char_list", page):
            char = {**ids, "char": j, "text": rules.text(c.get("char"))}
            set_confidence(ex, char, c.get("char_confidence"), f"{where}.char_confidence", page)
            set_polygon(ex, char, c.get("char_location"), f"{where}.char_location", page)
            ex.add("chars", char)
            keep_rest(ex, c, where, page, CHAR_KEYS)
    if ("font_list" in b or "font_scores" in b) and ex.wants("fonts", "other"):
        _fonts(ex, b.get("font_list"), b.get("font_scores"), path, page, block)
    if "words_list" in b and piece is None:
        _pieces(ex, b["words_list"], f"{path}.words_list", page, block, region, table, cell)
    keep_rest(ex, b, path, page, WORD_KEYS if piece is None else PIECE_KEYS)


def _pieces(ex, pieces, path, page, block, region, table, cell) -> None:
    """General Table ``words_list``: the text pieces of a block or cell (``piece`` set)."""
    for j, where, item in dict_items(ex, pieces, path, page):
        _word(ex, item, where, page, block=block, region=region, table=table, cell=cell, piece=j)


def _fonts(ex, fonts, scores, path, page, block) -> None:
    fonts = fonts if isinstance(fonts, list) else ([] if fonts is None else [fonts])
    scores = scores if isinstance(scores, list) else ([] if scores is None else [scores])
    for rank in range(max(len(fonts), len(scores))):
        font = fonts[rank] if rank < len(fonts) else None
        score = scores[rank] if rank < len(scores) else None
        ex.add(
            "fonts",
            {
                "page": page,
                "block": block,
                "rank": rank,
                "font": rules.text(font),
                "score": rules.number(score),
            },
        )
        if score is not None and rules.number(score) is None:
            ex.other(page, f"{path}.font_scores[{rank}]", score)


def walk_regions(ex: Extraction, regions: Any, path: str, page: int) -> None:
    """General Table: text regions hold lines, table regions hold cells."""
    table_no = ex.next_id((page, "table"))
    for r, where, region in dict_items(ex, regions, path, page):
        blocks = region.get("words_block_list")
        is_table = region.get("type") == "table" or (
            isinstance(blocks, list)
            and any(isinstance(b, dict) and ("rows" in b or "columns" in b) for b in blocks)
        )
        handled = ["words_block_list", "words_block_count"]
        if is_table:
            _cells(ex, blocks, f"{where}.words_block_list", page, table_no, "table", region=r)
            if _outline(ex, region, where, page, "table", table_no):
                handled.append("location")
            table_no = ex.next_id((page, "table"), 1) + 1
        else:
            walk_blocks(ex, blocks, f"{where}.words_block_list", page, region=r)
        if region.get("type") in ("text", "table"):
            ex.doc(page, f"region{r}.type", region["type"])
        if "words_block_count" in region:
            ex.doc(page, f"region{r}.words_block_count", region["words_block_count"])
        if region.get("type") in ("text", "table"):
            handled.append("type")
        keep_rest(ex, region, where, page, handled)


def walk_tables(ex: Extraction, tables: Any, path: str, page: int, kind: str) -> None:
    n = len(tables) if isinstance(tables, list) else 0
    start = ex.next_id((page, kind), n)
    for t, where, table in dict_items(ex, tables, path, page):
        _cells(ex, table.get("words_block_list"), f"{where}.words_block_list", page, start + t,
               kind)  # fmt: skip
        if "words_block_count" in table:
            ex.doc(page, f"{kind}{start + t}.words_block_count", table["words_block_count"])
        payload = ["excel"] if isinstance(table.get("excel"), str) else []
        outline = ["location"] if _outline(ex, table, where, page, kind, start + t) else []
        keep_rest(
            ex, table, where, page, ["words_block_list", "words_block_count", *payload, *outline]
        )


def _outline(ex: Extraction, obj: dict, where: str, page: int, kind: str, table: int) -> bool:
    """The ``outlines`` row of a whole table or form with a polygon ``location``."""
    poly = rules.polygon(obj.get("location"))
    if poly is None:
        return False
    row = {"page": page, "kind": kind, "table": table}
    put_polygon(row, poly)
    ex.add("outlines", row)
    return True


def _span(v: Any) -> tuple[int, int] | None:
    if isinstance(v, list) and v:
        ints = [rules.integer(e) for e in v]
        if all(i is not None and i >= 0 for i in ints):
            return min(ints), max(ints) - min(ints) + 1
    return None


def _cells(
    ex: Extraction,
    blocks: Any,
    path: str,
    page: int,
    table: int,
    kind: str,
    region: int | None = None,
) -> None:
    if isinstance(blocks, list) and add_plain_cells(ex, blocks, page, table, kind, region):
        return
    for i, where, b in dict_items(ex, blocks, path, page):
        rows, cols = _span(b.get("rows")), _span(b.get("columns"))
        if rows is None or cols is None:
            # Without a grid position it is not a usable cell: keep it as a text block.
            _word(ex, b, where, page, block=i, region=region, table=table)
            continue
        row: dict[str, Any] = {
            "page": page,
            "table": table,
            "kind": kind,
            "cell": i,
            "row": rows[0],
            "row_span": rows[1],
            "col": cols[0],
            "col_span": cols[1],
            "text": rules.text(b.get("words")),
        }
        for key, span in (("rows", rows), ("columns", cols)):
            ints = [rules.integer(e) for e in b[key]]
            if len(ints) != span[1] or ints != list(range(span[0], span[0] + span[1])):
                ex.other(page, f"{where}.{key}", b[key])  # non-contiguous or unordered: keep it
        set_confidence(ex, row, b.get("confidence"), f"{where}.confidence", page)
        # The cell's own box when given; the box of its text goes to text_x1..text_y4.
        has_cell = set_polygon(ex, row, b.get("cell_location"), f"{where}.cell_location", page)
        names = TEXT_POLYGON if has_cell else POLYGON
        set_polygon(ex, row, b.get("location"), f"{where}.location", page, names)
        ex.add("cells", row)
        if "words_list" in b:  # pieces of a cell: block = piece, as before piece existed
            for j, piece_path, item in dict_items(ex, b["words_list"], f"{where}.words_list", page):
                _word(ex, item, piece_path, page, block=j, region=region, table=table, cell=i,
                      piece=j)  # fmt: skip
        keep_rest(ex, b, where, page, CELL_KEYS)


def is_kv_list(value: Any) -> bool:
    """A list of ``{"key": ..., "value": ...}`` objects (any operation's key-value pairs)."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(e, dict) and "key" in e and "value" in e for e in value)
    )


_KV_KEYS = {"key", "value", "confidence", "words_block_list", "words_block_count",
            "key_location", "value_location"}  # fmt: skip


def walk_kv(ex: Extraction, pairs: Any, path: str, page: int) -> None:
    """Key-value pairs: Smart Document Recognizer's (boxes in ``words_block_list``) and other
    operations' (``key_location`` / ``value_location``)."""
    start = ex.next_id((page, "pair"), len(pairs) if isinstance(pairs, list) else 0)
    for i, where, pair in dict_items(ex, pairs, path, page):
        # (box path, location path, box) for every key or value box of the pair
        boxes = [
            (box_path, f"{box_path}.location", box)
            for _, box_path, box in dict_items(
                ex, pair.get("words_block_list"), f"{where}.words_block_list", page
            )
        ]
        for role in ("key", "value"):  # other operations: key_location / value_location
            if f"{role}_location" in pair:
                box = {"words": pair.get(role), "type": role, "location": pair[f"{role}_location"]}
                boxes.append((where, f"{where}.{role}_location", box))
        row = {
            "page": page,
            "pair": start + i,
            "key": rules.text(pair.get("key")),
            "value": rules.text(pair.get("value")),
            "n_boxes": len(boxes),
        }
        set_confidence(ex, row, pair.get("confidence"), f"{where}.confidence", page)
        ex.add("kv", row)
        for j, (box_path, location_path, box) in enumerate(boxes):
            box_row = {
                "page": page,
                "pair": start + i,
                "box": j,
                "role": rules.text(box.get("type")),
                "text": rules.text(box.get("words")),
            }
            set_polygon(ex, box_row, box.get("location"), location_path, page)
            ex.add("kv_boxes", box_row)
            keep_rest(ex, box, box_path, page, ("words", "type", "location"))
        keep_rest(ex, pair, where, page, _KV_KEYS)


def walk_layout(ex: Extraction, blocks: Any, path: str, page: int) -> None:
    for i, where, b in dict_items(ex, blocks, path, page):
        row = {
            "page": page,
            "block": i,
            "type": rules.text(b.get("type")),
            "text": rules.text(b.get("text")),
        }
        handled = ["type", "text", "location"]
        ids = b.get("words_ids")
        if isinstance(ids, list) and all(rules.integer(w) is not None for w in ids):
            row["words_ids"] = [rules.integer(w) for w in ids]
            handled.append("words_ids")
        for key in ("table_id", "form_id", "formula_id"):
            row[key] = rules.integer(b.get(key))
            if row[key] is not None:
                handled.append(key)
        set_polygon(ex, row, b.get("location"), f"{where}.location", page)
        ex.add("layout", row)
        keep_rest(ex, b, where, page, handled)


def walk_formulas(ex: Extraction, formulas: Any, path: str, page: int) -> None:
    for i, where, f in dict_items(ex, formulas, path, page):
        row = {"page": page, "formula": i, "text": rules.text(f.get("formula")),
               "type": rules.text(f.get("type"))}  # fmt: skip
        set_polygon(ex, row, f.get("location"), f"{where}.location", page)
        ex.add("formulas", row)
        keep_rest(ex, f, where, page, ("formula", "type", "location"))


def walk_plate(ex: Extraction, p: dict[str, Any], path: str, page: int, index: int) -> None:
    row = {"page": page, "plate": index, "text": rules.text(p.get("plate_number")),
           "province": rules.text(p.get("province"))}  # fmt: skip
    set_confidence(ex, row, p.get("confidence"), f"{path}.confidence", page)
    set_polygon(ex, row, p.get("plate_location"), f"{path}.plate_location", page)
    ex.add("plates", row)
    keep_rest(ex, p, path, page, ("plate_number", "province", "confidence", "plate_location"))
