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
from typing import Any

from ..detection import PLATE_KEYS, SDR_KINDS
from ..parsing import page_number
from ..response import BASE64_FIELDS, sdr_one_page
from . import rules
from ._collect import Extraction, dict_items
from ._families import (
    is_kv_list,
    walk_blocks,
    walk_formulas,
    walk_kv,
    walk_layout,
    walk_plate,
    walk_regions,
    walk_tables,
)
from ._names import normalise_field
from ._schema import DOCUMENT_RESERVED

CONTAINER_KEYS = {
    "words_block_list",
    "words_region_list",
    "kv_block_list",
    "table_list",
    "form_list",
    "layout_block_list",
    "formula_list",
    *SDR_KINDS,
}
# Values that are one field's value in an object without blocks: the walk's most common case
# (bool is not among them: ``detect_*_result`` flags are alarms).
_SCALAR_TYPES = frozenset({str, int, float, type(None)})
# A boolean under this name is an alarm check's flag (``alarms`` frame), wherever it sits.
ALARM_RESULT = re.compile(r"^detect_(.+)_result$")
ALARM_KEYS = ("alarm_result", "alarm_confidence", "score_info")  # objects of alarm rows
# A number under this name in one of those objects is that check's score.
ALARM_SCORE = re.compile(r"^(.+)_score$")


# --- the walk ----------------------------------------------------------------------------------


def extract(
    raw: dict[str, Any],
    api: str | None = None,
    page: int | None = None,
    ex: Extraction | None = None,
) -> Extraction:
    """Sort every value of ``raw`` into families. ``page`` is the response's PDF page; pass
    ``ex`` to add this response to an Extraction holding others."""
    if ex is None:
        ex = Extraction()
    ex.begin()
    base_page = page_number(page) or 1
    error = "error_code" in raw  # then it and its message are the error, told elsewhere
    for key, value in raw.items():
        if key == "result":
            continue
        if not (error and key in ("error_code", "error_msg")):
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
    kinds = [[k for k in e if k in SDR_KINDS] for e in dicts]
    if any(kinds):
        # Smart Document Recognizer. One element per page holding every kind, or the reference
        # example's list of one-kind elements (all for the same page): merge the latter.
        one_kind_each = sdr_one_page(result)
        for i, elem in enumerate(result):
            p = page if one_kind_each else page + i
            if not isinstance(elem, dict):
                ex.other(p, f"result[{i}]", elem)
                continue
            _walk_object(ex, elem, f"result[{i}]", p, api, "")
        return
    for i, elem in enumerate(result):
        path = f"result[{i}]"
        if isinstance(elem, dict) and any(key in elem for key in PLATE_KEYS):
            walk_plate(ex, elem, path, page, i)
        elif isinstance(elem, dict):
            _walk_object(ex, elem, path, page, api, f"[{i}]")
        else:
            ex.other(page, path, elem)


def _walk_object(
    ex: Extraction,
    obj: dict[str, Any],
    path: str,
    page: int,
    api: str | None,
    group: str,
    inherited: tuple[Any, Any] = (None, None),
    given_at: tuple[str, str] | None = None,
) -> None:
    """Walk an object. Objects holding block lists give document properties; the others
    (ID cards, invoices, nested info) give fields. ``inherited`` holds the confidence and
    text_location maps a parent gave for this object (``{"confidence": {"front": {...}}}``),
    ``given_at`` their paths."""
    is_container = any(k in CONTAINER_KEYS for k in obj)
    own_conf, own_loc = obj.get("confidence"), obj.get("text_location")
    conf_map = own_conf if isinstance(own_conf, dict) else inherited[0] or {}
    loc_map = own_loc if isinstance(own_loc, dict) else inherited[1] or {}

    def nested(key: str, value: Any) -> None:
        """A nested object or list of objects, with the maps its parent gave for it."""
        at = (f"{path}.confidence.{key}", f"{path}.text_location.{key}")
        maps = [_child_map(ex, page, w, mp.get(key), value)
                for w, mp in zip(at, (conf_map, loc_map), strict=True)]  # fmt: skip
        if isinstance(value, dict):
            g = join_key(group, key)
            _walk_object(ex, value, f"{path}.{key}", page, api, g, tuple(maps), at)
            return
        for i, elem in enumerate(value):
            item_maps = tuple(m[i] if isinstance(m, list) else None for m in maps)
            g, item_at = join_key(group, f"{key}[{i}]"), (f"{at[0]}[{i}]", f"{at[1]}[{i}]")
            _walk_object(ex, elem, f"{path}.{key}[{i}]", page, api, g, item_maps, item_at)

    classified = (
        not is_container
        and "type" in obj
        and "location" in obj
        and not isinstance(obj.get("confidence"), dict)
    )
    plain_fields = not is_container and not classified
    for key, value in obj.items():
        p = f"{path}.{key}"
        if key in BASE64_FIELDS and isinstance(value, str):
            continue  # payload: retrievable from Response.payloads()
        if plain_fields and type(value) in _SCALAR_TYPES:  # what the last branch does
            _field(ex, page, group, key, value, conf_map.get(key), loc_map.get(key), api, p)
        elif key == "words_block_list":
            walk_blocks(ex, value, p, page)
        elif key == "words_region_list":
            walk_regions(ex, value, p, page)
        elif key == "seal_list" and isinstance(value, list):
            _walk_seals(ex, value, p, page, api, group)
        elif key in SDR_KINDS and isinstance(value, dict):
            _walk_object(ex, value, p, page, api, group)
        elif key in ("table_list", "form_list"):
            walk_tables(ex, value, p, page, "table" if key == "table_list" else "form")
        elif key == "kv_block_list" or is_kv_list(value):
            walk_kv(ex, value, p, page, group)
        elif key == "layout_block_list":
            walk_layout(ex, value, p, page)
        elif key == "formula_list":
            walk_formulas(ex, value, p, page)
        elif key == "confidence" and isinstance(value, dict):
            _leftover_confidences(ex, value, obj, p, page, group)
        elif key == "text_location" and isinstance(value, dict):
            _leftover_locations(ex, value, conf_map, obj, p, page, group, api)
        elif key in ALARM_KEYS and isinstance(value, dict):
            _alarms(ex, value, p, page, key)
        elif ALARM_RESULT.match(key) and isinstance(value, bool):
            _alarm(ex, page, ALARM_RESULT.match(key).group(1), flagged=value, group="")
        elif is_container:
            if isinstance(value, (dict, list)):
                if key in ("location",) and rules.polygon(value) is not None:
                    ex.other(page, p, value)  # polygon of a table or region
                elif isinstance(value, dict):
                    nested(key, value)
                elif conf_map and _scalars(value):  # fields beside blocks (Health Code's
                    _field(ex, page, group, key, value, conf_map.get(key),  # reached_city)
                           loc_map.get(key), api, p)  # fmt: skip
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
            elif key == "confidence" and rules.confidence(value) is None:
                ex.other(page, p, value)
            elif key == "location" and rules.polygon(value) is None:
                ex.other(page, p, value)
        elif isinstance(value, dict) or (
            isinstance(value, list) and value and all(isinstance(e, dict) for e in value)
        ):
            nested(key, value)
        elif key.endswith("location") and rules.is_polygon_like(value):
            _field(ex, page, group, key, None, conf_map.get(key), value, api, p)
        else:
            _field(ex, page, group, key, value, conf_map.get(key), loc_map.get(key), api, p)
    if given_at is not None:
        _given_leftovers(ex, obj, inherited, given_at, conf_map, page, group, api)


def _given_leftovers(ex, obj, given, at, conf_map, page, group, api) -> None:
    """The entries of the maps a parent gave ``obj`` (``given``, at paths ``at``) that none
    of its keys takes, read as those of an object's own maps; a given map that the object's
    own map overrides goes to ``other`` whole."""
    own = (obj.get("confidence"), obj.get("text_location"))
    for k, (mine, theirs, where) in enumerate(zip(own, given, at, strict=True)):
        if not isinstance(theirs, dict) or not theirs:
            continue
        if isinstance(mine, dict):
            ex.other(page, where, theirs)
        elif k == 0:
            _leftover_confidences(ex, theirs, obj, where, page, group)
        else:
            _leftover_locations(ex, theirs, conf_map, obj, where, page, group, api)


def _leftover_locations(ex, loc_map, conf_map, obj, path, page, group, api) -> None:
    """A location for a field that has no value: a row without one."""
    for fname, loc in loc_map.items():
        if fname not in obj:
            _field(ex, page, group, fname, None, conf_map.get(fname), loc, api, f"{path}.{fname}")


def _walk_seals(
    ex: Extraction, seals: list[Any], path: str, page: int, api: str | None, group: str
) -> None:
    """Seal: each seal's text blocks are ``words`` rows whose ``region`` is the seal's index
    in the list; the seal itself (type, confidence, polygon) is one ``fields`` row of group
    ``seal_list[i]``, as any object with a type and a location gives."""
    for i, where, seal in dict_items(ex, seals, path, page):
        if "words_block_list" in seal:
            walk_blocks(ex, seal["words_block_list"], f"{where}.words_block_list", page, region=i)
        rest = {k: v for k, v in seal.items() if k != "words_block_list"}
        _walk_object(ex, rest, where, page, api, join_key(group, f"seal_list[{i}]"))


def _child_map(ex: Extraction, page: int, where: str, given: Any, value: Any) -> Any:
    """The confidence (or location) map a parent gives a nested value: a dict for an object,
    a list of dicts (one per element) for a list of objects. Anything else it gave for that
    value cannot be placed on a field, so it goes to ``other`` rather than vanish."""
    if given is None:
        return None
    if isinstance(value, dict) and isinstance(given, dict):
        return given
    if (
        isinstance(value, list)
        and isinstance(given, list)
        and len(given) == len(value)
        and all(isinstance(g, dict) for g in given)
    ):
        return given
    ex.other(page, where, given)
    return [None] * len(value) if isinstance(value, list) else None


def join_key(group: str, key: str) -> str:
    """The group (or path) of what ``group`` holds at ``key``: one rule for the walk and the
    columnar readers.

    >>> join_key("", "front"), join_key("front", "side"), join_key("items", "[2]")
    ('front', 'front.side', 'items[2]')
    """
    if not group:
        return key
    return f"{group}{key}" if key.startswith("[") else f"{group}.{key}"


def _doc_key(path: str, key: str) -> str:
    """The ``document`` column of ``key`` at ``path``: "result.ocr_result" + "direction" ->
    "ocr_result.direction"; "result" + "direction" -> "direction"; a name the frames use
    already keeps its path ("result" + "page" -> "result.page")."""
    prefix = re.sub(r"^result(\[\d+\])?\.?", "", path)
    if not prefix and key in DOCUMENT_RESERVED:
        return f"{path}.{key}"
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
    """One row per field; a list of values (Chile ``surname``, VAT ``seller_seal``) gives one
    row per element with ``item`` set, each with its own confidence and polygon when the
    maps give lists of the same length."""
    if "fields" not in ex.wanted and "other" not in ex.wanted:
        return
    norm = normalise_field(name, api, group)
    items = _items(value)
    if items is None:
        _field_row(ex, (page, group, name, norm, None), value, conf, loc, path, "")
        return
    n = len(items)
    per_conf = isinstance(conf, list) and len(conf) == n
    per_loc = isinstance(loc, list) and len(loc) == n and rules.polygon(loc) is None
    confs = conf if per_conf else [conf] * n
    locs = loc if per_loc else [loc] * n
    if not per_conf and conf is not None and rules.confidence(conf) is None:
        ex.other(page, _confidence_path(path, name), conf)
        confs = [None] * n
    if not per_loc and loc is not None and rules.polygon(loc) is None:
        ex.other(page, path + "#location", loc)
        locs = [None] * n
    for k, (v, c, lc) in enumerate(zip(items, confs, locs, strict=True)):
        _field_row(ex, (page, group, name, norm, k), v, c, lc, path, f"[{k}]")


_NO_POLYGON = (None,) * 8


def _field_row(
    ex: Extraction, ids: tuple, value: Any, conf: Any, loc: Any, path: str, suffix: str
) -> None:
    """The row of one field value; a confidence or location that is not one goes to other."""
    page, name = ids[0], ids[2]
    c = None if conf is None else rules.confidence(conf)
    if c is None and conf is not None:
        ex.other(page, _confidence_path(path, name) + suffix, conf)
    poly = None if loc is None else rules.polygon(loc)
    if poly is None and loc is not None:
        ex.other(page, path + suffix + "#location", loc)
    ex.add_row("fields", (*ids, rules.text(value), None, c, *(poly or _NO_POLYGON)))


def _confidence_path(path: str, name: str) -> str:
    """``result.name`` -> ``result.confidence.name``: where a field's confidence was."""
    return path.rsplit(".", 1)[0] + f".confidence.{name}"


def _items(value: Any) -> list[Any] | None:
    """The elements of a list-valued field (a non-empty list of scalars), else None."""
    return value if value and _scalars(value) else None


def _scalars(value: Any) -> bool:
    """Whether ``value`` is a list of scalars (empty included)."""
    return isinstance(value, list) and not any(isinstance(e, (list, dict)) for e in value)


_MAPS = ("confidence", "text_location")  # per-field maps an object holds beside its fields


def _leftover_confidences(ex, conf_map, obj, path, page, group) -> None:
    """Confidence keys with no field of that name (e.g. Peru's portrait_image; the maps
    themselves are no fields, but a ``text_location`` that is a polygon is one)."""
    for name, c in conf_map.items():
        if name in BASE64_FIELDS and isinstance(obj.get(name), str):
            # a payload's confidence: keep it as a field without a value
            ex.add(
                "fields",
                {
                    "page": page,
                    "group": group,
                    "field": name,
                    "field_norm": name,
                    "value": None,
                    "confidence": rules.confidence(c),
                },
            )
            if rules.confidence(c) is None:
                ex.other(page, f"{path}.{name}", c)
        elif name not in obj or (name in _MAPS and isinstance(obj[name], dict)):
            ex.other(page, f"{path}.{name}", c)


def _alarms(ex: Extraction, obj: dict[str, Any], path: str, page: int, group: str) -> None:
    for key, value in obj.items():
        m_res, m_score = ALARM_RESULT.match(key), ALARM_SCORE.match(key)
        if m_res and isinstance(value, bool):
            _alarm(ex, page, m_res.group(1), flagged=value, group=group)
        elif m_score and rules.number(value) is not None:
            _alarm(ex, page, m_score.group(1), score=rules.number(value), group=group)
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
    n = len(cols["check"])
    for i in range(n - ex.new_rows("alarms"), n):  # this response's rows
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
