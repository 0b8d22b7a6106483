"""Columnar reader of the field APIs (VAT invoice, ID cards, passports...): ``result`` is an
object of fields, flattened into the ``fields`` frame (see :mod:`.field_rows`).

One reader serves every such API (``APIS``) and bodies saved without their API
(``DETECTED``: the API is told from ``result``'s keys as :func:`ocrframe.response.detect_api`
and :func:`~ocrframe.response.guess_api` tell it). There is no fixed schema: pyarrow infers
the types, this reader checks them. Rows come in the order keys are written in each file
(:mod:`.keyorder`), as the general walk emits them.

>>> "vat-invoice" in APIS, "passport" in APIS, "general-text" in APIS
(True, True, False)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from ...catalog import CATALOG
from ...response import detect_api, guess_api
from .columns import explode, field, kept, valid, whole
from .field_rows import FieldRows, Level, object_rows
from .files import SAVED_HEADER, parse
from .keyorder import KeyTokens, key_hashes, key_tokens
from .rows import Built

__all__ = ["APIS", "DETECTED", "MARKERS", "SCHEMA", "read"]

APIS = tuple(
    s.slug
    for s in CATALOG
    if "fields" in s.families and s.result_kind == "object" and "words" not in s.families
)
DETECTED = "(field API told from the body)"  # the group of bodies saved without their API
MARKERS = (b'"result"',)

# Per group (an API or DETECTED): the paths pyarrow read as timestamps, declared as strings
# (its JSON reader turns "2024-01-31" into a timestamp; the frame needs the text as written).
_TEXT_SCHEMAS: dict[str, Any] = {}


def SCHEMA(api: str | None = None) -> Any:  # noqa: N802 (named like the other readers')
    """The explicit part of the parse schema: the date-like strings seen so far (None: infer
    everything)."""
    return _TEXT_SCHEMAS.get(api or DETECTED)


def read(table: Any, pages: np.ndarray, wanted: frozenset[str], api: str | None = None,
         bodies: list[bytes] | None = None) -> Built:  # fmt: skip
    """Frames of field-API bodies (see :mod:`ocrframe.flatten.arrow.dispatch`); ``api`` None
    means the bodies named none, ``bodies`` are their texts (for the order of keys)."""
    import pyarrow as pa

    n = table.num_rows
    bodies = bodies or []
    table = _dates_as_text(table, bodies, api)
    if table is None or "result" not in table.column_names:
        return Built(np.zeros(n, dtype=bool), {})
    result = whole(table, "result")
    if not pa.types.is_struct(result.type):
        return Built(np.zeros(n, dtype=bool), {})
    ok = valid(result) & _plain_top(table, wanted, api)
    if result.type.get_field_index("error_code") >= 0:  # an error body nested in result
        ok &= ~valid(field(result, "error_code"))
    apis = [api] * n if api is not None else _detected(result)
    names = sorted(set(apis), key=str)
    code = {a: i for i, a in enumerate(names)}
    out = FieldRows(names, np.array([code[a] for a in apis], dtype=np.int64))
    keys = key_tokens(bodies)
    under = _under_result(keys)
    top = np.flatnonzero((keys.depth == 2) & under)  # the keys of result
    top_child = np.full(len(keys.depth), -1)  # for keys of result: the child they name
    top_child[top] = _child_index(keys.hash[top], result.type)
    rank = _ranks(top, keys.file[top], result.type, n, keys, top_child[top])
    files = np.arange(n)
    # Keys deeper in result, grouped by the child of result (their depth-2 ancestor) holding them.
    inner = np.flatnonzero(under & (keys.top >= 0) & (keys.depth > 2))
    holder = top_child[keys.top[inner]]
    order = np.argsort(holder, kind="stable")
    inner, holder = inner[order], holder[order]

    def nested(name: str, values: Any, present: np.ndarray) -> np.ndarray:
        k = result.type.get_field_index(name)
        lo, hi = np.searchsorted(holder, [k, k + 1])
        return _nested(keys, inner[lo:hi], name, values, present, out)

    ok &= ~object_rows(result, Level(files, rank), out, nested)
    rows = {"fields": [out.rows(pages)]} if "fields" in wanted else {}
    return Built(ok, rows, apis)


def _nested(keys: KeyTokens, tokens: np.ndarray, name: str, values: Any, present: np.ndarray,
            out: FieldRows) -> np.ndarray:  # fmt: skip
    """Walk the object (or list of objects) each file holds at ``result.<name>`` (``tokens``:
    the keys inside it); returns the files the general walk must read."""
    import pyarrow as pa

    n = len(values)
    bad = np.zeros(n, dtype=bool)
    if pa.types.is_struct(values.type):
        objs = kept(values, present)
        file = np.flatnonzero(present)
        row = np.full(n, -1)
        row[file] = np.arange(len(file))
        tok = tokens[keys.depth[tokens] == 3]
        rank = _ranks(tok, row[keys.file[tok]], objs.type, len(file), keys)
        level = Level(file, rank, np.full(len(file), out.group(name)))
    else:
        lists = kept(values, present)
        objs, pos, element = explode(lists, np.flatnonzero(present))
        file = pos
        starts = np.full(n, -1)
        first = np.flatnonzero(element == 0)
        starts[pos[first]] = first
        sizes = np.bincount(pos, minlength=n)
        tok = tokens[keys.depth[tokens] == 4]
        of, elem = keys.file[tok], keys.element[tok]
        inside = (elem < sizes[of]) & (starts[of] >= 0)
        tok = tok[inside]
        rank = _ranks(tok, starts[of[inside]] + elem[inside], objs.type, len(objs), keys)
        codes = [out.group(f"{name}[{e}]") for e in range(int(element.max(initial=-1)) + 1)]
        level = Level(file, rank, np.asarray(codes, dtype=np.int64)[element])
    bad_obj = object_rows(objs, level, out)
    bad[file[bad_obj]] = True
    return bad


def _ranks(tok: np.ndarray, row: np.ndarray, struct: Any, n: int, keys: KeyTokens,
           children: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """(n rows x children of ``struct``): the key token of each child in each row, from the
    key tokens ``tok`` (of rows ``row``, -1: none; ``children``: the child each names, when
    known); -1 where none (a key written with escapes, or a name the hashes cannot tell from
    a sibling's, finds no child: its file goes the general way)."""
    table = np.full((n, struct.num_fields), -1, dtype=np.int64)
    if not len(tok) or not struct.num_fields:
        return table
    child = _child_index(keys.hash[tok], struct) if children is None else children
    found = (child >= 0) & (row >= 0)
    table[row[found], child[found]] = tok[found]
    return table


def _child_index(hashes: np.ndarray, struct: Any) -> np.ndarray:
    """The child of ``struct`` each key hash names, -1 for none (or for siblings that share
    a hash)."""
    order, sorted_own, unique = _hash_table(tuple(f.name for f in struct))
    at = np.minimum(np.searchsorted(sorted_own, hashes), len(order) - 1)
    hit = (sorted_own[at] == hashes) & unique[at] & (hashes >= 0)
    return np.where(hit, order[at], -1)


@lru_cache(maxsize=1024)
def _hash_table(names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For :func:`_child_index`: the order that sorts the hashes of ``names``, the sorted
    hashes and which of them no sibling shares (remembered: the structs repeat per chunk)."""
    own = key_hashes(list(names))
    order = np.argsort(own, kind="stable")
    sorted_own = own[order]
    unique = np.ones(len(own), dtype=bool)
    same = sorted_own[1:] == sorted_own[:-1]
    unique[1:] &= ~same
    unique[:-1] &= ~same
    return order, sorted_own, unique


def _under_result(keys: KeyTokens) -> np.ndarray:
    """Tokens inside the body's ``result`` (not in the saved header or another key)."""
    idx = np.arange(len(keys.depth))
    last_top = np.maximum.accumulate(np.where(keys.depth == 1, idx, -1)) if len(idx) else idx
    is_result = (keys.depth == 1) & (keys.hash == key_hashes(["result"])[0])
    return (keys.depth >= 2) & (last_top >= 0) & is_result[np.maximum(last_top, 0)]


def _plain_top(table: Any, wanted: frozenset[str], api: str | None) -> np.ndarray:
    """Files whose top-level keys besides ``result`` change nothing: an ``error_code`` makes
    an error body, other keys go to ``other``; a saved header naming an API the entry did
    not know would name the API."""
    import pyarrow as pa

    ok = np.ones(table.num_rows, dtype=bool)
    for name in table.column_names:
        col = whole(table, name)
        if name == "error_code":
            ok &= ~valid(col)
        elif name == SAVED_HEADER:
            if api is None and pa.types.is_struct(col.type):
                ok &= ~valid(field(col, "api"))
        elif name not in ("result", "error_msg") and "other" in wanted:
            ok &= ~valid(col)
    return ok


def _detected(result: Any) -> list[str | None]:
    """The API the general path finds for each body, from the keys ``result`` holds."""
    names = [f.name for f in result.type]
    if not names:
        return [None] * len(result)
    has = np.column_stack([valid(field(result, name)) for name in names])
    kinds, inverse = np.unique(np.packbits(has, axis=1), axis=0, return_inverse=True)
    found = []
    for bits in kinds:
        mask = np.unpackbits(bits)[: len(names)].astype(bool)
        body = {"result": dict.fromkeys(np.asarray(names)[mask].tolist(), "")}
        found.append(detect_api(body) or guess_api(body))
    return [found[i] for i in inverse.reshape(-1)]


def _dates_as_text(table: Any, bodies: list[bytes], api: str | None) -> Any:
    """``table`` with the strings pyarrow read as timestamps read again as text (and the
    paths remembered for the next parse); None when the bodies no longer parse together."""
    text = _timestamps_as_strings(table.schema)
    if text is None:
        return table
    import pyarrow as pa

    key = api or DETECTED
    known = _TEXT_SCHEMAS.get(key)
    merged = (
        text if known is None else pa.schema(_merged(pa.struct(list(known)), pa.struct(list(text))))
    )
    _TEXT_SCHEMAS[key] = merged
    parts = parse(bodies, merged)
    if len(parts) != 1 or len(parts[0][0]) != len(bodies):
        return None
    table = parts[0][1]
    return table if _timestamps_as_strings(table.schema) is None else None


def _merged(a: Any, b: Any) -> Any:
    """Struct type ``a`` with the children of ``b`` added (nested structs merged)."""
    import pyarrow as pa

    kids = {f.name: f.type for f in a}
    for f in b:
        old = kids.get(f.name)
        if old is not None and pa.types.is_struct(old) and pa.types.is_struct(f.type):
            kids[f.name] = _merged(old, f.type)
        elif old is not None and pa.types.is_list(old) and pa.types.is_list(f.type):
            inner = old.value_type, f.type.value_type
            both = all(pa.types.is_struct(t) for t in inner)
            kids[f.name] = pa.list_(_merged(*inner)) if both else f.type
        else:
            kids[f.name] = f.type
    return pa.struct(list(kids.items()))


def _timestamps_as_strings(schema: Any) -> Any:
    """A schema of only the paths of ``schema`` holding timestamps, typed as strings (None
    when there are none)."""
    import pyarrow as pa

    def convert(t: Any) -> Any:
        if pa.types.is_timestamp(t) or pa.types.is_date(t):
            return pa.string()
        if pa.types.is_struct(t):
            kids = [(f.name, convert(f.type)) for f in t]
            kids = [(name, c) for name, c in kids if c is not None]
            return pa.struct(kids) if kids else None
        if pa.types.is_list(t):
            inner = convert(t.value_type)
            return pa.list_(inner) if inner is not None else None
        return None

    fields = [(f.name, convert(f.type)) for f in schema]
    fields = [(name, t) for name, t in fields if t is not None]
    return pa.schema(fields) if fields else None
