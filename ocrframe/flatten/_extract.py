"""One walk over a response body that sorts every value into a frame family.

The walk is driven by the structures the service uses (``words_block_list``, ``char_list``,
``words_region_list``, ``kv_block_list``, ``table_list``, ``layout_block_list``, confidence
maps, ...) rather than by API name, so the 16 documented APIs and the other operations of the
service flatten the same way. Whatever it does not recognise goes to the ``other`` family with
its JSON path: nothing a response holds is dropped. Base64 payloads are the one exception: they
stay in the Response (``Response.payloads()``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..response import BASE64_FIELDS, page_number
from . import rules
from ._names import normalise_field
from ._schema import POLYGON, SCHEMAS, TEXT_POLYGON

_SDR_KINDS = (
    "ocr_result",
    "kv_result",
    "table_result",
    "form_result",
    "layout_result",
    "formula_result",
)
_CONTAINER_KEYS = {
    "words_block_list",
    "words_region_list",
    "kv_block_list",
    "table_list",
    "form_list",
    "layout_block_list",
    "formula_list",
    *_SDR_KINDS,
}
_ALARM_RESULT = re.compile(r"^detect_(.+)_result$")
_SCORE = re.compile(r"^(.+)_score$")


class Extraction:
    """Column lists per family, filled by :func:`extract`."""

    def __init__(self) -> None:
        self.cols: dict[str, dict[str, list[Any]]] = {
            name: {c: [] for c, _ in schema if c not in ("x_min", "y_min", "x_max", "y_max")}
            for name, schema in SCHEMAS.items()
        }
        self.counts: dict[str, int] = dict.fromkeys(SCHEMAS, 0)
        self.document: dict[int, dict[str, Any]] = {}

    def add(self, family: str, values: dict[str, Any]) -> None:
        cols = self.cols[family]
        for col, lst in cols.items():
            lst.append(values.get(col))
        self.counts[family] += 1

    def other(self, page: int, path: str, value: Any) -> None:
        if value is not None and not isinstance(value, str):
            value = rules.to_json(value)
        self.add("other", {"page": page, "path": path, "value": value})

    def doc(self, page: int, key: str, value: Any) -> None:
        self.document.setdefault(page, {})[key] = value


# --- coercion: the rules live in .rules, shared with the columnar path ---------------------

_num, _polygon, _text, _conf, _int = (
    rules.number,
    rules.polygon,
    rules.text,
    rules.confidence,
    rules.integer,
)


def _is_polygon_like(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(p, list) for p in v)


def _put_polygon(row: dict[str, Any], poly: list[float] | None, names=POLYGON) -> None:
    if poly is not None:
        row.update(zip(names, poly, strict=True))


# --- the walk ----------------------------------------------------------------------------------


def extract(raw: dict[str, Any], api: str | None = None, page: int | None = None) -> Extraction:
    """Sort every value of ``raw`` into families. ``page`` is the response's PDF page."""
    ex = Extraction()
    base_page = page_number(page) or 1
    for key, value in raw.items():
        if key == "result":
            continue
        if key not in ("error_code", "error_msg"):
            ex.other(base_page, key, value)
    result = raw.get("result")
    if isinstance(result, list):
        _walk_result_list(ex, result, api, base_page)
    elif isinstance(result, dict):
        _walk_object(ex, result, "result", base_page, api, "")
    elif result is not None:
        ex.other(base_page, "result", result)
    return ex


def _walk_result_list(ex: Extraction, result: list[Any], api: str | None, page: int) -> None:
    dicts = [e for e in result if isinstance(e, dict)]
    kinds = [[k for k in e if k in _SDR_KINDS] for e in dicts]
    if any(kinds):
        # Smart Document Recognizer. One element per page holding every kind, or the reference
        # example's list of one-kind elements (all for the same page): merge the latter.
        flat = [k for ks in kinds for k in ks]
        one_kind_each = all(len(ks) <= 1 for ks in kinds) and len(flat) == len(set(flat))
        for i, elem in enumerate(result):
            p = page if one_kind_each else page + i
            if not isinstance(elem, dict):
                ex.other(p, f"result[{i}]", elem)
                continue
            _walk_object(ex, elem, f"result[{i}]", p, api, "")
        return
    for i, elem in enumerate(result):
        path = f"result[{i}]"
        if isinstance(elem, dict) and ("plate_number" in elem or "plate_location" in elem):
            _plate(ex, elem, path, page, i)
        elif isinstance(elem, dict):
            _walk_object(ex, elem, path, page, api, f"[{i}]")
        else:
            ex.other(page, path, elem)


def _walk_object(
    ex: Extraction, obj: dict[str, Any], path: str, page: int, api: str | None, group: str
) -> None:
    """Walk an object. Objects holding block lists give document properties; the others
    (ID cards, invoices, nested info) give fields."""
    is_container = any(k in _CONTAINER_KEYS for k in obj)
    conf_map = obj.get("confidence") if isinstance(obj.get("confidence"), dict) else {}
    loc_map = obj.get("text_location") if isinstance(obj.get("text_location"), dict) else {}
    classified = (
        not is_container
        and "type" in obj
        and "location" in obj
        and not isinstance(obj.get("confidence"), dict)
    )
    for key, value in obj.items():
        p = f"{path}.{key}"
        if key in BASE64_FIELDS and isinstance(value, str):
            continue  # payload: retrievable from Response.payloads()
        if key == "words_block_list":
            _blocks(ex, value, p, page)
        elif key == "words_region_list":
            _regions(ex, value, p, page)
        elif key in _SDR_KINDS and isinstance(value, dict):
            _walk_object(ex, value, p, page, api, group)
        elif key in ("table_list", "form_list"):
            _tables(ex, value, p, page, "table" if key == "table_list" else "form")
        elif key == "kv_block_list" or _is_kv_list(value):
            _kv(ex, value, p, page)
        elif key == "layout_block_list":
            _layout(ex, value, p, page)
        elif key == "formula_list":
            _formulas(ex, value, p, page)
        elif key == "confidence" and isinstance(value, dict):
            _leftover_confidences(ex, value, obj, p, page, group)
        elif key == "text_location" and isinstance(value, dict):
            for fname, loc in value.items():
                if fname not in obj:  # a location for a field that has no value
                    _field(
                        ex, page, group, fname, None, conf_map.get(fname), loc, api, f"{p}.{fname}"
                    )
        elif key in ("alarm_result", "alarm_confidence", "score_info") and isinstance(value, dict):
            _alarms(ex, value, p, page, key)
        elif _ALARM_RESULT.match(key) and isinstance(value, bool):
            _alarm(ex, page, _ALARM_RESULT.match(key).group(1), flagged=value, group="")
        elif is_container:
            if isinstance(value, (dict, list)):
                if key in ("location",) and _polygon(value) is not None:
                    ex.other(page, p, value)  # polygon of a table or region
                elif isinstance(value, dict):
                    _walk_object(ex, value, p, page, api, _join(group, key))
                else:
                    ex.other(page, p, value)
            elif key in conf_map or key in loc_map:
                _field(ex, page, group, key, value, conf_map.get(key), loc_map.get(key), api, p)
            else:
                ex.doc(page, _doc_key(path, key), value)
        elif classified and key in ("type", "location", "confidence"):
            if key == "type":
                _field(
                    ex,
                    page,
                    group,
                    "type",
                    value,
                    obj.get("confidence"),
                    obj.get("location"),
                    api,
                    p,
                )
            elif key == "confidence" and _conf(value) is None:
                ex.other(page, p, value)
            elif key == "location" and _polygon(value) is None:
                ex.other(page, p, value)
        elif isinstance(value, dict):
            _walk_object(ex, value, p, page, api, _join(group, key))
        elif isinstance(value, list) and value and all(isinstance(e, dict) for e in value):
            for i, elem in enumerate(value):
                _walk_object(ex, elem, f"{p}[{i}]", page, api, _join(group, f"{key}[{i}]"))
        elif key.endswith("location") and _is_polygon_like(value):
            _field(ex, page, group, key, None, conf_map.get(key), value, api, p)
        else:
            _field(ex, page, group, key, value, conf_map.get(key), loc_map.get(key), api, p)


def _join(group: str, key: str) -> str:
    if not group:
        return key
    return f"{group}{key}" if key.startswith("[") else f"{group}.{key}"


def _doc_key(path: str, key: str) -> str:
    # "result.ocr_result" + "direction" -> "ocr_result.direction"; "result" -> "direction"
    prefix = re.sub(r"^result(\[\d+\])?\.?", "", path)
    return f"{prefix}.{key}" if prefix else key


def _field(
    ex: Extraction,
    page: int,
    group: str,
    name: str,
    value: Any,
    conf: Any,
    loc: Any,
    api: str | None,
    path: str,
) -> None:
    row: dict[str, Any] = {
        "page": page,
        "group": group,
        "field": name,
        "field_norm": normalise_field(name, api, group),
        "value": _text(value),
    }
    c = _conf(conf)
    if c is not None:
        row["confidence"] = c
    elif conf is not None:
        ex.other(page, path.rsplit(".", 1)[0] + f".confidence.{name}", conf)
    poly = _polygon(loc)
    _put_polygon(row, poly)
    if poly is None and loc is not None:
        ex.other(page, path + "#location", loc)
    ex.add("fields", row)


def _leftover_confidences(ex, conf_map, obj, path, page, group) -> None:
    """Confidence keys with no field of that name (e.g. Peru's portrait_image)."""
    for name, c in conf_map.items():
        if name not in obj or (name in BASE64_FIELDS and isinstance(obj.get(name), str)):
            if name in obj:  # a payload's confidence: keep it as a field without a value
                ex.add(
                    "fields",
                    {
                        "page": page,
                        "group": group,
                        "field": name,
                        "field_norm": name,
                        "value": None,
                        "confidence": _conf(c),
                    },
                )
                if _conf(c) is None:
                    ex.other(page, f"{path}.{name}", c)
            else:
                ex.other(page, f"{path}.{name}", c)


def _alarms(ex: Extraction, obj: dict[str, Any], path: str, page: int, group: str) -> None:
    for key, value in obj.items():
        m_res, m_score = _ALARM_RESULT.match(key), _SCORE.match(key)
        if m_res and isinstance(value, bool):
            _alarm(ex, page, m_res.group(1), flagged=value, group=group)
        elif m_score and _num(value) is not None:
            _alarm(ex, page, m_score.group(1), score=_num(value), group=group)
        else:
            ex.other(page, f"{path}.{key}", value)


def _alarm(
    ex: Extraction,
    page: int,
    check: str,
    *,
    flagged: bool | None = None,
    score: float | None = None,
    group: str,
) -> None:
    """One row per (page, check): a flag (``detect_*_result``) and a score (``*_score``) of the
    same check land in the same row, whichever comes first."""
    cols = ex.cols["alarms"]
    for i in range(len(cols["check"])):
        if cols["page"][i] == page and cols["check"][i] == check:
            slot = "flagged" if flagged is not None else "score"
            if cols[slot][i] is None:
                cols[slot][i] = flagged if flagged is not None else score
                if group and group not in cols["group"][i].split(","):
                    cols["group"][i] = ",".join(g for g in (cols["group"][i], group) if g)
                return
    ex.add(
        "alarms", {"page": page, "check": check, "flagged": flagged, "score": score, "group": group}
    )


def _dicts(ex: Extraction, items: Any, path: str, page: int) -> Iterator[tuple[int, str, dict]]:
    """The dict elements of a list with their index and path; anything else goes to other."""
    if not isinstance(items, list):
        if items is not None:
            ex.other(page, path, items)
        return
    for i, item in enumerate(items):
        where = f"{path}[{i}]"
        if isinstance(item, dict):
            yield i, where, item
        else:
            ex.other(page, where, item)


def _set_conf(ex: Extraction, row: dict, value: Any, where: str, page: int) -> None:
    """``row["confidence"]`` from ``value``; a value that is not one goes to other."""
    row["confidence"] = _conf(value)
    if value is not None and row["confidence"] is None:
        ex.other(page, where, value)


def _set_polygon(
    ex: Extraction, row: dict, value: Any, where: str, page: int, names: list[str] = POLYGON
) -> bool:
    """The polygon columns of ``row`` from ``value``; a value that is not one goes to other."""
    poly = _polygon(value)
    _put_polygon(row, poly, names)
    if value is not None and poly is None:
        ex.other(page, where, value)
    return poly is not None


def _rest(ex: Extraction, obj: dict, path: str, page: int, handled: Iterable[str]) -> None:
    """Every member of ``obj`` not handled by its frame goes to other."""
    for key, value in obj.items():
        if key not in handled:
            ex.other(page, f"{path}.{key}", value)


def _blocks(ex: Extraction, blocks: Any, path: str, page: int, region: int | None = None) -> None:
    for i, where, b in _dicts(ex, blocks, path, page):
        _word(ex, b, where, page, block=i, region=region)


_WORD_KEYS = {"words", "confidence", "location", "char_list", "font_list", "font_scores"}


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
) -> None:
    ids = {"page": page, "region": region, "table": table, "cell": cell, "block": block}
    row: dict[str, Any] = {**ids, "text": _text(b.get("words"))}
    _set_conf(ex, row, b.get("confidence"), f"{path}.confidence", page)
    _set_polygon(ex, row, b.get("location"), f"{path}.location", page)
    ex.add("words", row)
    for j, where, c in _dicts(ex, b.get("char_list"), f"{path}.char_list", page):
        char = {**ids, "char": j, "text": _text(c.get("char"))}
        _set_conf(ex, char, c.get("char_confidence"), f"{where}.char_confidence", page)
        _set_polygon(ex, char, c.get("char_location"), f"{where}.char_location", page)
        ex.add("chars", char)
        _rest(ex, c, where, page, ("char", "char_confidence", "char_location"))
    if "font_list" in b or "font_scores" in b:
        _fonts(ex, b.get("font_list"), b.get("font_scores"), path, page, block)
    _rest(ex, b, path, page, _WORD_KEYS)


def _fonts(ex, fonts, scores, path, page, block) -> None:
    fonts = fonts if isinstance(fonts, list) else ([] if fonts is None else [fonts])
    scores = scores if isinstance(scores, list) else ([] if scores is None else [scores])
    for rank in range(max(len(fonts), len(scores))):
        font = fonts[rank] if rank < len(fonts) else None
        score = scores[rank] if rank < len(scores) else None
        ex.add(
            "fonts",
            {"page": page, "block": block, "rank": rank, "font": _text(font), "score": _num(score)},
        )
        if score is not None and _num(score) is None:
            ex.other(page, f"{path}.font_scores[{rank}]", score)


def _regions(ex: Extraction, regions: Any, path: str, page: int) -> None:
    """General Table: text regions hold lines, table regions hold cells."""
    table_no = _next_table(ex, page, "table")
    for r, where, region in _dicts(ex, regions, path, page):
        blocks = region.get("words_block_list")
        is_table = region.get("type") == "table" or (
            isinstance(blocks, list)
            and any(isinstance(b, dict) and ("rows" in b or "columns" in b) for b in blocks)
        )
        if is_table:
            _cells(ex, blocks, f"{where}.words_block_list", page, table_no, "table", region=r)
            table_no += 1
        else:
            _blocks(ex, blocks, f"{where}.words_block_list", page, region=r)
        if region.get("type") in ("text", "table"):
            ex.doc(page, f"region{r}.type", region["type"])
        if "words_block_count" in region:
            ex.doc(page, f"region{r}.words_block_count", region["words_block_count"])
        handled = ["words_block_list", "words_block_count"]
        if region.get("type") in ("text", "table"):
            handled.append("type")
        _rest(ex, region, where, page, handled)


def _next_table(ex: Extraction, page: int, kind: str) -> int:
    cols = ex.cols["cells"]
    tables = {
        t
        for p, k, t in zip(cols["page"], cols["kind"], cols["table"], strict=True)
        if p == page and k == kind
    }
    return max(tables) + 1 if tables else 0


def _tables(ex: Extraction, tables: Any, path: str, page: int, kind: str) -> None:
    start = _next_table(ex, page, kind)
    for t, where, table in _dicts(ex, tables, path, page):
        _cells(ex, table.get("words_block_list"), f"{where}.words_block_list", page, start + t,
               kind)  # fmt: skip
        if "words_block_count" in table:
            ex.doc(page, f"{kind}{start + t}.words_block_count", table["words_block_count"])
        payload = ["excel"] if isinstance(table.get("excel"), str) else []
        _rest(ex, table, where, page, ["words_block_list", "words_block_count", *payload])


_CELL_KEYS = {"words", "confidence", "location", "words_list", "rows", "columns", "cell_location"}


def _span(v: Any) -> tuple[int, int] | None:
    if isinstance(v, list) and v:
        ints = [_int(e) for e in v]
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
    for i, where, b in _dicts(ex, blocks, path, page):
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
            "text": _text(b.get("words")),
        }
        for key, span in (("rows", rows), ("columns", cols)):
            ints = [_int(e) for e in b[key]]
            if len(ints) != span[1] or ints != list(range(span[0], span[0] + span[1])):
                ex.other(page, f"{where}.{key}", b[key])  # non-contiguous or unordered: keep it
        _set_conf(ex, row, b.get("confidence"), f"{where}.confidence", page)
        # The cell's own box when given; the box of its text goes to text_x1..text_y4.
        has_cell = _set_polygon(ex, row, b.get("cell_location"), f"{where}.cell_location", page)
        names = TEXT_POLYGON if has_cell else POLYGON
        _set_polygon(ex, row, b.get("location"), f"{where}.location", page, names)
        ex.add("cells", row)
        for j, piece_path, piece in _dicts(ex, b.get("words_list"), f"{where}.words_list", page):
            _word(ex, piece, piece_path, page, block=j, region=region, table=table, cell=i)
        _rest(ex, b, where, page, _CELL_KEYS)


def _is_kv_list(value: Any) -> bool:
    """A list of ``{"key": ..., "value": ...}`` objects (any operation's key-value pairs)."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(e, dict) and "key" in e and "value" in e for e in value)
    )


_KV_KEYS = {"key", "value", "confidence", "words_block_list", "words_block_count",
            "key_location", "value_location"}  # fmt: skip


def _kv(ex: Extraction, pairs: Any, path: str, page: int) -> None:
    """Key-value pairs: Smart Document Recognizer's (boxes in ``words_block_list``) and other
    operations' (``key_location`` / ``value_location``)."""
    start = sum(1 for p in ex.cols["kv"]["page"] if p == page)
    for i, where, pair in _dicts(ex, pairs, path, page):
        # (box path, location path, box) for every key or value box of the pair
        boxes = [
            (box_path, f"{box_path}.location", box)
            for _, box_path, box in _dicts(
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
            "key": _text(pair.get("key")),
            "value": _text(pair.get("value")),
            "n_boxes": len(boxes),
        }
        _set_conf(ex, row, pair.get("confidence"), f"{where}.confidence", page)
        ex.add("kv", row)
        for j, (box_path, location_path, box) in enumerate(boxes):
            box_row = {
                "page": page,
                "pair": start + i,
                "box": j,
                "role": _text(box.get("type")),
                "text": _text(box.get("words")),
            }
            _set_polygon(ex, box_row, box.get("location"), location_path, page)
            ex.add("kv_boxes", box_row)
            _rest(ex, box, box_path, page, ("words", "type", "location"))
        _rest(ex, pair, where, page, _KV_KEYS)


def _layout(ex: Extraction, blocks: Any, path: str, page: int) -> None:
    for i, where, b in _dicts(ex, blocks, path, page):
        row = {"page": page, "block": i, "type": _text(b.get("type")), "text": _text(b.get("text"))}
        handled = ["type", "text", "location"]
        ids = b.get("words_ids")
        if isinstance(ids, list) and all(_int(w) is not None for w in ids):
            row["words_ids"] = [_int(w) for w in ids]
            handled.append("words_ids")
        for key in ("table_id", "form_id", "formula_id"):
            row[key] = _int(b.get(key))
            if row[key] is not None:
                handled.append(key)
        _set_polygon(ex, row, b.get("location"), f"{where}.location", page)
        ex.add("layout", row)
        _rest(ex, b, where, page, handled)


def _formulas(ex: Extraction, formulas: Any, path: str, page: int) -> None:
    for i, where, f in _dicts(ex, formulas, path, page):
        row = {"page": page, "formula": i, "text": _text(f.get("formula")),
               "type": _text(f.get("type"))}  # fmt: skip
        _set_polygon(ex, row, f.get("location"), f"{where}.location", page)
        ex.add("formulas", row)
        _rest(ex, f, where, page, ("formula", "type", "location"))


def _plate(ex: Extraction, p: dict[str, Any], path: str, page: int, index: int) -> None:
    row = {"page": page, "plate": index, "text": _text(p.get("plate_number")),
           "province": _text(p.get("province"))}  # fmt: skip
    _set_conf(ex, row, p.get("confidence"), f"{path}.confidence", page)
    _set_polygon(ex, row, p.get("plate_location"), f"{path}.plate_location", page)
    ex.add("plates", row)
    _rest(ex, p, path, page, ("plate_number", "province", "confidence", "plate_location"))
