"""The frame families with a fixed shape: text blocks and characters, fonts, General Table
regions, tables and forms with their cells, key-value pairs, layout, formulas, plates."""

from __future__ import annotations

from typing import Any

from ..detection import FONT_KEYS
from . import rules
from ._collect import (
    CELL_KEYS,
    CHAR_KEYS,
    NO_POLYGON,
    PIECE_KEYS,
    WORD_KEYS,
    Extraction,
    checked_confidence,
    checked_polygon,
    dict_items,
    keep_rest,
)
from ._columnar import add_plain_blocks, add_plain_cells


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
    ids = (page, region, table, cell, block, piece)
    text = rules.text(b.get("words"))
    handled, conf_key = (WORD_KEYS if piece is None else PIECE_KEYS), "confidence"
    if "words_confidence" in b and "confidence" not in b:  # Seal's blocks name it so
        handled, conf_key = handled | {"words_confidence"}, "words_confidence"
    conf = checked_confidence(ex, b.get(conf_key), page, path, conf_key)
    poly = checked_polygon(ex, b.get("location"), page, path, "location")
    ex.add_row("words", (*ids, text, conf, *(poly or NO_POLYGON)))
    if "char_list" in b and ex.wants("chars", "other"):
        for j, where, c in dict_items(ex, b["char_list"], f"{path}.char_list", page):
            text = rules.text(c.get("char"))
            conf = checked_confidence(ex, c.get("char_confidence"), page, where, "char_confidence")
            poly = checked_polygon(ex, c.get("char_location"), page, where, "char_location")
            ex.add_row("chars", (*ids, j, text, conf, *(poly or NO_POLYGON)))
            keep_rest(ex, c, where, page, CHAR_KEYS)
    if not FONT_KEYS.isdisjoint(b) and ex.wants("fonts", "other"):
        _fonts(ex, b.get("font_list"), b.get("font_scores"), path, page, block)
    if "words_list" in b and piece is None:
        _pieces(ex, b["words_list"], f"{path}.words_list", page, block, region, table, cell)
    keep_rest(ex, b, path, page, handled)


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
            # Financial Statement names the table's polygon ``table_location``
            key = "location" if "location" in region else "table_location"
            if _outline(ex, region, page, "table", table_no, key):
                handled.append(key)
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
        outline = ["location"] if _outline(ex, table, page, kind, start + t) else []
        keep_rest(
            ex, table, where, page, ["words_block_list", "words_block_count", *payload, *outline]
        )


def _outline(
    ex: Extraction, obj: dict, page: int, kind: str, table: int, key: str = "location"
) -> bool:
    """The ``outlines`` row of a whole table or form with a polygon (member ``key``)."""
    poly = rules.polygon(obj.get(key))
    if poly is None:
        return False
    ex.add_row("outlines", (page, kind, table, *poly))
    return True


def _span(v: Any) -> tuple[int, int, bool] | None:
    """``(first, length, contiguous)`` of a cell's ``rows`` or ``columns`` (non-negative
    integers), else None."""
    if type(v) is list and len(v) == 1 and type(v[0]) is int and 0 <= v[0] < 2**53:
        return v[0], 1, True  # the common case, without a call per element
    if isinstance(v, list) and v:
        ints = [rules.integer(e) for e in v]
        if all(i is not None and i >= 0 for i in ints):
            first, length = min(ints), max(ints) - min(ints) + 1
            contiguous = len(ints) == length and ints == list(range(first, first + length))
            return first, length, contiguous
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
        for key, span in (("rows", rows), ("columns", cols)):
            if not span[2]:
                ex.other(page, f"{where}.{key}", b[key])  # non-contiguous or unordered: keep it
        conf = checked_confidence(ex, b.get("confidence"), page, where, "confidence")
        # The cell's own box when given; the box of its text goes to text_x1..text_y4.
        box = checked_polygon(ex, b.get("cell_location"), page, where, "cell_location")
        text_box = checked_polygon(ex, b.get("location"), page, where, "location")
        if box is not None:
            boxes = (*box, *(text_box or NO_POLYGON))
        else:
            boxes = (*(text_box or NO_POLYGON), *NO_POLYGON)
        text = rules.text(b.get("words"))
        ex.add_row("cells", (page, table, kind, i, rows[0], cols[0], rows[1], cols[1], text, conf,
                             *boxes))  # fmt: skip
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


def walk_kv(ex: Extraction, pairs: Any, path: str, page: int, group: str = "") -> None:
    """Key-value pairs: Smart Document Recognizer's (boxes in ``words_block_list``) and other
    operations' (``key_location`` / ``value_location``). ``group``: the list element holding
    the list (Bank Receipt's ``bank_receipt_list[1]``: which receipt a pair is on)."""
    start = ex.next_id((page, "pair"), len(pairs) if isinstance(pairs, list) else 0)
    for i, where, pair in dict_items(ex, pairs, path, page):
        # (box path, where its location is: object path and key, box) for every key or value
        # box of the pair
        boxes = [
            (box_path, box_path, "location", box)
            for _, box_path, box in dict_items(
                ex, pair.get("words_block_list"), f"{where}.words_block_list", page
            )
        ]
        for role in ("key", "value"):  # other operations: key_location / value_location
            if f"{role}_location" in pair:
                box = {"words": pair.get(role), "type": role, "location": pair[f"{role}_location"]}
                boxes.append((where, where, f"{role}_location", box))
        key, value = rules.text(pair.get("key")), rules.text(pair.get("value"))
        conf = checked_confidence(ex, pair.get("confidence"), page, where, "confidence")
        ex.add_row("kv", (page, start + i, key, value, conf, len(boxes), group))
        for j, (box_path, location_path, location_key, box) in enumerate(boxes):
            role, text = rules.text(box.get("type")), rules.text(box.get("words"))
            poly = checked_polygon(ex, box.get("location"), page, location_path, location_key)
            ex.add_row("kv_boxes", (page, start + i, j, role, text, *(poly or NO_POLYGON)))
            keep_rest(ex, box, box_path, page, ("words", "type", "location"))
        keep_rest(ex, pair, where, page, _KV_KEYS if _counted(pair) else _KV_KEYS - {_COUNT})


_COUNT = "words_block_count"


def _counted(pair: dict) -> bool:
    """Whether a pair's ``words_block_count`` is absent or the length of its box list (what
    ``n_boxes`` tells); any other value is kept in ``other``."""
    if _COUNT not in pair:
        return True
    boxes = pair.get("words_block_list")
    return rules.integer(pair[_COUNT]) == (len(boxes) if isinstance(boxes, list) else None)


def walk_layout(ex: Extraction, blocks: Any, path: str, page: int) -> None:
    for i, where, b in dict_items(ex, blocks, path, page):
        handled = ["type", "text", "location"]
        words_ids = _integers(b.get("words_ids"))
        if words_ids is not None:
            handled.append("words_ids")
        links = [rules.integer(b.get(key)) for key in ("table_id", "form_id", "formula_id")]
        handled += [key for key, v in zip(("table_id", "form_id", "formula_id"), links,
                                          strict=True) if v is not None]  # fmt: skip
        poly = checked_polygon(ex, b.get("location"), page, where, "location")
        row = (page, i, rules.text(b.get("type")), rules.text(b.get("text")), words_ids, *links)
        ex.add_row("layout", (*row, *(poly or NO_POLYGON)))
        keep_rest(ex, b, where, page, handled)


def _integers(v: Any) -> list[int] | None:
    """A list of integer-valued numbers as ints, else None."""
    if not isinstance(v, list):
        return None
    if all(type(w) is int and -(2**53) < w < 2**53 for w in v):
        return list(v)  # what rules.integer gives them, without a call each
    ints = [rules.integer(w) for w in v]
    return None if None in ints else ints


def walk_formulas(ex: Extraction, formulas: Any, path: str, page: int) -> None:
    for i, where, f in dict_items(ex, formulas, path, page):
        poly = checked_polygon(ex, f.get("location"), page, where, "location")
        row = (page, i, rules.text(f.get("formula")), rules.text(f.get("type")))
        ex.add_row("formulas", (*row, *(poly or NO_POLYGON)))
        keep_rest(ex, f, where, page, ("formula", "type", "location"))


def walk_plate(ex: Extraction, p: dict[str, Any], path: str, page: int, index: int) -> None:
    texts = (rules.text(p.get(key)) for key in ("plate_number", "province", "plate_color"))
    conf = checked_confidence(ex, p.get("confidence"), page, path, "confidence")
    poly = checked_polygon(ex, p.get("plate_location"), page, path, "plate_location")
    ex.add_row("plates", (page, index, *texts, conf, *(poly or NO_POLYGON)))
    known = ("plate_number", "province", "plate_color", "confidence", "plate_location")
    keep_rest(ex, p, path, page, known)
