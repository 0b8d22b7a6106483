"""One walk over a response body that sorts every value into a frame family.

The walk is driven by the structures the service uses (``words_block_list``, ``char_list``,
``words_region_list``, ``kv_block_list``, ``table_list``, ``layout_block_list``, confidence
maps, ...) rather than by API name, so the 16 documented APIs and the other operations of the
service flatten the same way. Whatever it does not recognise goes to the ``other`` family with
its JSON path: nothing a response holds is dropped. Base64 payloads are the one exception: they
stay in the Response (``Response.payloads()``).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ..response import BASE64_FIELDS
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
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        elif value is not None and not isinstance(value, str):
            value = json.dumps(value)
        self.add("other", {"page": page, "path": path, "value": value})

    def doc(self, page: int, key: str, value: Any) -> None:
        self.document.setdefault(page, {})[key] = value


# --- coercion ----------------------------------------------------------------------------------


def _num(v: Any) -> float | None:
    """A float from a number or numeric string; None when it is not one."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, str):
        try:
            f = float(v.strip())
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    return None


def _polygon(v: Any) -> list[float] | None:
    """8 floats from ``[[x, y] x 4]``; None when the value is not such a polygon."""
    if not isinstance(v, list) or len(v) != 4:
        return None
    out: list[float] = []
    for pt in v:
        if not isinstance(pt, (list, tuple)) or len(pt) != 2:
            return None
        x, y = _num(pt[0]), _num(pt[1])
        if x is None or y is None:
            return None
        out += [x, y]
    return out


def _is_polygon_like(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(p, list) for p in v)


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, list) and all(isinstance(e, str) for e in v):
        return " ".join(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _conf(v: Any) -> float | None:
    f = _num(v)
    return f if f is not None and 0.0 <= f <= 1.0 else None


def _int(v: Any) -> int | None:
    f = _num(v)
    return int(f) if f is not None and f.is_integer() else None


def _put_polygon(row: dict[str, Any], poly: list[float] | None, names=POLYGON) -> None:
    if poly is not None:
        row.update(zip(names, poly, strict=True))


# --- the walk ----------------------------------------------------------------------------------


def extract(raw: dict[str, Any], api: str | None = None, page: int | None = None) -> Extraction:
    """Sort every value of ``raw`` into families. ``page`` is the response's PDF page."""
    ex = Extraction()
    base_page = page if isinstance(page, int) and page > 0 else 1
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
            _plate(ex, elem, path, page)
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
            _blocks(ex, value, p, page, obj)
        elif key == "words_region_list":
            _regions(ex, value, p, page)
        elif key in _SDR_KINDS and isinstance(value, dict):
            _walk_object(ex, value, p, page, api, group)
        elif key in ("table_list", "form_list"):
            _tables(ex, value, p, page, "table" if key == "table_list" else "form")
        elif key == "kv_block_list":
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


def _blocks(
    ex: Extraction,
    blocks: Any,
    path: str,
    page: int,
    parent: dict[str, Any],
    region: int | None = None,
) -> None:
    if not isinstance(blocks, list):
        ex.other(page, path, blocks)
        return
    for i, b in enumerate(blocks):
        bp = f"{path}[{i}]"
        if not isinstance(b, dict):
            ex.other(page, bp, b)
            continue
        _word(ex, b, bp, page, block=i, region=region)


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
    row: dict[str, Any] = {
        "page": page,
        "region": region,
        "table": table,
        "cell": cell,
        "block": block,
        "text": _text(b.get("words")),
    }
    conf = b.get("confidence")
    row["confidence"] = _conf(conf)
    if conf is not None and row["confidence"] is None:
        ex.other(page, f"{path}.confidence", conf)
    loc = b.get("location")
    poly = _polygon(loc)
    _put_polygon(row, poly)
    if poly is None and loc is not None:
        ex.other(page, f"{path}.location", loc)
    ex.add("words", row)
    if "char_list" in b:
        _chars(ex, b["char_list"], f"{path}.char_list", page, block, region, table, cell)
    if "font_list" in b or "font_scores" in b:
        _fonts(ex, b.get("font_list"), b.get("font_scores"), path, page, block)
    for key, value in b.items():
        if key not in _WORD_KEYS:
            ex.other(page, f"{path}.{key}", value)


def _chars(ex, chars, path, page, block, region, table, cell) -> None:
    if not isinstance(chars, list):
        ex.other(page, path, chars)
        return
    for j, c in enumerate(chars):
        cp = f"{path}[{j}]"
        if not isinstance(c, dict):
            ex.other(page, cp, c)
            continue
        row = {
            "page": page,
            "region": region,
            "table": table,
            "cell": cell,
            "block": block,
            "char": j,
            "text": _text(c.get("char")),
            "confidence": _conf(c.get("char_confidence")),
        }
        if c.get("char_confidence") is not None and row["confidence"] is None:
            ex.other(page, f"{cp}.char_confidence", c.get("char_confidence"))
        poly = _polygon(c.get("char_location"))
        _put_polygon(row, poly)
        if poly is None and c.get("char_location") is not None:
            ex.other(page, f"{cp}.char_location", c.get("char_location"))
        ex.add("chars", row)
        for key, value in c.items():
            if key not in ("char", "char_confidence", "char_location"):
                ex.other(page, f"{cp}.{key}", value)


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
    if not isinstance(regions, list):
        ex.other(page, path, regions)
        return
    table_no = _next_table(ex, page, "table")
    for r, region in enumerate(regions):
        rp = f"{path}[{r}]"
        if not isinstance(region, dict):
            ex.other(page, rp, region)
            continue
        blocks = region.get("words_block_list")
        is_table = region.get("type") == "table" or (
            isinstance(blocks, list)
            and any(isinstance(b, dict) and ("rows" in b or "columns" in b) for b in blocks)
        )
        if is_table:
            _cells(ex, blocks, f"{rp}.words_block_list", page, table_no, "table", region=r)
            table_no += 1
        else:
            _blocks(ex, blocks, f"{rp}.words_block_list", page, region, region=r)
        for key, value in region.items():
            if key == "words_block_list":
                continue
            if key == "type" and value in ("text", "table"):
                ex.doc(page, f"region{r}.type", value)
            elif key == "words_block_count":
                ex.doc(page, f"region{r}.words_block_count", value)
            else:
                ex.other(page, f"{rp}.{key}", value)


def _next_table(ex: Extraction, page: int, kind: str) -> int:
    cols = ex.cols["cells"]
    tables = {
        t
        for p, k, t in zip(cols["page"], cols["kind"], cols["table"], strict=True)
        if p == page and k == kind
    }
    return max(tables) + 1 if tables else 0


def _tables(ex: Extraction, tables: Any, path: str, page: int, kind: str) -> None:
    if not isinstance(tables, list):
        ex.other(page, path, tables)
        return
    start = _next_table(ex, page, kind)
    for t, table in enumerate(tables):
        tp = f"{path}[{t}]"
        if not isinstance(table, dict):
            ex.other(page, tp, table)
            continue
        _cells(ex, table.get("words_block_list"), f"{tp}.words_block_list", page, start + t, kind)
        for key, value in table.items():
            if key == "words_block_list" or (key in BASE64_FIELDS and isinstance(value, str)):
                continue
            if key == "words_block_count":
                ex.doc(page, f"{kind}{start + t}.words_block_count", value)
            else:
                ex.other(page, f"{tp}.{key}", value)


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
    if not isinstance(blocks, list):
        if blocks is not None:
            ex.other(page, path, blocks)
        return
    for i, b in enumerate(blocks):
        bp = f"{path}[{i}]"
        if not isinstance(b, dict):
            ex.other(page, bp, b)
            continue
        rows, cols = _span(b.get("rows")), _span(b.get("columns"))
        if rows is None or cols is None:
            # Without a grid position it is not a usable cell: keep it as a text block.
            _word(ex, b, bp, page, block=i, region=region, table=table)
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
            "confidence": _conf(b.get("confidence")),
        }
        for key, span in (("rows", rows), ("columns", cols)):
            if list(range(span[0], span[0] + span[1])) != [_int(e) for e in b[key]]:
                ex.other(page, f"{bp}.{key}", b[key])  # non-contiguous or unordered: keep as is
        if b.get("confidence") is not None and row["confidence"] is None:
            ex.other(page, f"{bp}.confidence", b.get("confidence"))
        cell_poly = _polygon(b.get("cell_location"))
        text_poly = _polygon(b.get("location"))
        _put_polygon(row, cell_poly if cell_poly is not None else text_poly)
        if cell_poly is not None and text_poly is not None:
            _put_polygon(row, text_poly, TEXT_POLYGON)
        for key in ("cell_location", "location"):
            if b.get(key) is not None and _polygon(b.get(key)) is None:
                ex.other(page, f"{bp}.{key}", b.get(key))
        ex.add("cells", row)
        pieces = b.get("words_list")
        if isinstance(pieces, list):
            for j, piece in enumerate(pieces):
                if isinstance(piece, dict):
                    _word(
                        ex,
                        piece,
                        f"{bp}.words_list[{j}]",
                        page,
                        block=j,
                        region=region,
                        table=table,
                        cell=i,
                    )
                else:
                    ex.other(page, f"{bp}.words_list[{j}]", piece)
        elif pieces is not None:
            ex.other(page, f"{bp}.words_list", pieces)
        for key, value in b.items():
            if key not in _CELL_KEYS:
                ex.other(page, f"{bp}.{key}", value)


def _kv(ex: Extraction, pairs: Any, path: str, page: int) -> None:
    if not isinstance(pairs, list):
        ex.other(page, path, pairs)
        return
    start = sum(1 for p in ex.cols["kv"]["page"] if p == page)
    for i, pair in enumerate(pairs):
        pp = f"{path}[{i}]"
        if not isinstance(pair, dict):
            ex.other(page, pp, pair)
            continue
        boxes = pair.get("words_block_list")
        boxes = boxes if isinstance(boxes, list) else []
        ex.add(
            "kv",
            {
                "page": page,
                "pair": start + i,
                "key": _text(pair.get("key")),
                "value": _text(pair.get("value")),
                "confidence": _conf(pair.get("confidence")),
                "n_boxes": len(boxes),
            },
        )
        for j, box in enumerate(boxes):
            if not isinstance(box, dict):
                ex.other(page, f"{pp}.words_block_list[{j}]", box)
                continue
            row = {
                "page": page,
                "pair": start + i,
                "box": j,
                "role": _text(box.get("type")),
                "text": _text(box.get("words")),
            }
            poly = _polygon(box.get("location"))
            _put_polygon(row, poly)
            ex.add("kv_boxes", row)
            for key, value in box.items():
                if key not in ("words", "type") and not (key == "location" and poly):
                    ex.other(page, f"{pp}.words_block_list[{j}].{key}", value)
        for key, value in pair.items():
            if key in ("key", "value", "words_block_list", "words_block_count"):
                if key == "words_block_list" and not isinstance(value, list):
                    ex.other(page, f"{pp}.{key}", value)
                continue
            if key == "confidence" and _conf(value) is not None:
                continue
            ex.other(page, f"{pp}.{key}", value)


def _layout(ex: Extraction, blocks: Any, path: str, page: int) -> None:
    if not isinstance(blocks, list):
        ex.other(page, path, blocks)
        return
    for i, b in enumerate(blocks):
        bp = f"{path}[{i}]"
        if not isinstance(b, dict):
            ex.other(page, bp, b)
            continue
        ids = b.get("words_ids")
        row = {
            "page": page,
            "block": i,
            "type": _text(b.get("type")),
            "text": _text(b.get("text")),
            "words_ids": [_int(w) for w in ids] if isinstance(ids, list) else None,
            "table_id": _int(b.get("table_id")),
            "form_id": _int(b.get("form_id")),
            "formula_id": _int(b.get("formula_id")),
        }
        poly = _polygon(b.get("location"))
        _put_polygon(row, poly)
        ex.add("layout", row)
        for key, value in b.items():
            known = key in ("type", "text") or (key == "location" and poly is not None)
            known |= (
                key == "words_ids"
                and isinstance(value, list)
                and all(_int(w) is not None for w in value)
            )
            known |= key in ("table_id", "form_id", "formula_id") and _int(value) is not None
            if not known:
                ex.other(page, f"{bp}.{key}", value)


def _formulas(ex: Extraction, formulas: Any, path: str, page: int) -> None:
    if not isinstance(formulas, list):
        ex.other(page, path, formulas)
        return
    for i, f in enumerate(formulas):
        fp = f"{path}[{i}]"
        if not isinstance(f, dict):
            ex.other(page, fp, f)
            continue
        row = {
            "page": page,
            "formula": i,
            "text": _text(f.get("formula")),
            "type": _text(f.get("type")),
        }
        poly = _polygon(f.get("location"))
        _put_polygon(row, poly)
        ex.add("formulas", row)
        for key, value in f.items():
            if key not in ("formula", "type") and not (key == "location" and poly is not None):
                ex.other(page, f"{fp}.{key}", value)


def _plate(ex: Extraction, p: dict[str, Any], path: str, page: int) -> None:
    row = {
        "page": page,
        "plate": int(path[path.index("[") + 1 : -1]),
        "text": _text(p.get("plate_number")),
        "province": _text(p.get("province")),
        "confidence": _conf(p.get("confidence")),
    }
    poly = _polygon(p.get("plate_location"))
    _put_polygon(row, poly)
    ex.add("plates", row)
    for key, value in p.items():
        known = key in ("plate_number", "province")
        known |= key == "confidence" and row["confidence"] is not None
        known |= key == "plate_location" and poly is not None
        if not known:
            ex.other(page, f"{path}.{key}", value)
