"""Columnar reader of the field APIs (VAT invoice, ID cards, passports...): ``result`` is an
object of fields (and of objects holding fields, at any depth), flattened into the ``fields``
frame (see :mod:`.field_rows`), the ``alarms`` frame (see :mod:`.alarm_rows`) and the ``kv``
frame (lists of key-value pairs an object holds, Bank Receipt's: see :mod:`.kv_rows`).

One reader serves every such API (``APIS``) and bodies saved without their API
(``DETECTED``: the API is told from ``result``'s keys as :func:`ocrframe.detection.detect_api`
and :func:`~ocrframe.detection.guess_api` tell it). There is no fixed schema: pyarrow infers
the types, this reader checks them. Rows come in the order keys are written in each file
(:mod:`.keyorder`), as the general walk emits them.

>>> "vat-invoice" in APIS, "household-register" in APIS, "general-text" in APIS
(True, True, False)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import numpy as np

from ...catalog import CATALOG
from ...detection import PLATE_KEYS, SDR_KINDS
from ...errors import OcrError
from ...parsing import parse_json
from ...vendors.detect import SERVING_KEYS
from .._extract import join_key
from .alarm_rows import AlarmRows
from .background import in_thread
from .blocks import out_of_range
from .child_maps import element_maps
from .columns import (
    explode,
    field,
    floats,
    kept,
    numeric,
    numeric_polygons,
    polygons,
    valid,
    whole,
)
from .container import container_rows, containers
from .detection import list_apis, struct_apis
from .field_rows import FieldRows, Level, object_rows
from .files import SAVED_HEADER, parse, written_nulls
from .joined import Joined
from .keyorder import KeyTokens, key_hashes, key_tokens, under_result
from .leftovers import OtherRows
from .rows import Built

__all__ = ["APIS", "DETECTED", "MARKERS", "SCHEMA", "TAKES_NULLS", "read"]

# Words and document: the text blocks and keys of objects that hold blocks (:mod:`.container`).
APIS = tuple(
    s.slug for s in CATALOG
    if "fields" in s.families and set(s.families) <= {"fields", "alarms", "kv", "words", "document"}
)  # fmt: skip
DETECTED = "(field API told from the body)"  # the group of bodies saved without their API
MARKERS = (b'"result"',)
# Bodies may hold null: a key token with no value is a key written null (Arrow reads null and
# absent alike), and a file is taken only when each null its text writes was given its row.
TAKES_NULLS = True

# Per API: the paths pyarrow read as timestamps, declared as strings (its JSON reader turns
# "2024-01-31" into a timestamp; the frame needs the text as written). Bodies saved without
# their API (DETECTED) may be of any field API, a list or an object: what one dataset taught
# the parse could contradict the next, so each group of those learns from its own bodies.
_TEXT_SCHEMAS: dict[str, Any] = {}


# Named like the other readers' SCHEMA (a constant there).
def SCHEMA(api: str | None = None, bodies: Sequence[bytes] = ()) -> Any:  # noqa: N802
    """The explicit part of the parse schema: the date-like strings seen so far for ``api``
    (None: infer everything). With none seen yet, or no API, those of the first of
    ``bodies`` of each kind (:func:`_first_of_each_kind`, :func:`_dates_of`): the usual
    dataset, and a folder of several field APIs saved without their API, then parse once,
    not twice (see :func:`_dates_as_text`).

    >>> SCHEMA("an API", [b'{"result": {"date_of_birth": "1990-01-31"}}'])
    result: struct<date_of_birth: string>
      child 0, date_of_birth: string
    >>> _ = _TEXT_SCHEMAS.pop("an API")
    """
    api = None if api == DETECTED else api
    if api is not None and api in _TEXT_SCHEMAS:
        return _TEXT_SCHEMAS[api]
    import pyarrow as pa

    text = None
    for found in map(_dates_of, _first_of_each_kind(bodies)):
        if found is not None and text is not None:
            found = pa.schema(list(_merged(pa.struct(list(text)), pa.struct(list(found)))))
        text = found if found is not None else text
    if api is not None and text is not None:
        _TEXT_SCHEMAS[api] = text
    return text


_KINDS = 8  # bodies of distinct kinds read for their dates, at most


def _first_of_each_kind(bodies: Sequence[bytes]) -> list[bytes]:
    """The first of ``bodies`` whose ``result`` starts with each key name (in a folder of
    several field APIs, roughly the first of each API), at most :data:`_KINDS`.

    >>> [b[13:14] for b in _first_of_each_kind([b'{"result": {"a": 1}}', b'{"result": {"a": 2}}',
    ...                                          b'{"result": {"b": 3}}'])]
    [b'a', b'b']
    """
    heads = bodies.heads(64) if isinstance(bodies, Joined) else [b[:64] for b in bodies]
    first: dict[bytes, int] = {}
    for i, head in enumerate(heads):
        parts = head.split(b'"', 4)  # '{', 'result', ': {', its first key...
        first.setdefault(parts[3] if len(parts) > 3 else b"", i)
        if len(first) == _KINDS:
            break
    return [bodies[i] for i in first.values()]


def _dates_of(body: bytes) -> Any:
    """The paths of ``body`` holding text pyarrow may read as a timestamp (all that start
    like a date: more than it reads so, which are declared text all the same) as a schema of
    strings; None for none. Read with the general parser (a tenth of what a pyarrow parse of
    one body costs); a date it misses is read again by :func:`_dates_as_text`.

    >>> _dates_of(b'{"result": [{"d": "2018-11-13 17:11"}, {"e": [{"f": "1990-01-31"}]}]}')
    result: list<item: struct<d: string, e: list<item: struct<f: string>>>>
      child 0, item: struct<d: string, e: list<item: struct<f: string>>>
          child 0, d: string
          child 1, e: list<item: struct<f: string>>
              child 0, item: struct<f: string>
                  child 0, f: string
    """
    import pyarrow as pa

    try:
        raw = parse_json(body)
    except OcrError:  # the parse refuses it too
        return None
    found = _date_type(raw) if isinstance(raw, dict) else None
    return pa.schema(list(found)) if found is not None else None


_DATE_START = re.compile(r"\d{4}-\d\d-\d\d")


def _date_type(value: Any) -> Any:
    """The Arrow type of ``value`` cut to its date-like texts (strings), None without any."""
    import pyarrow as pa

    if isinstance(value, str):
        return pa.string() if _DATE_START.match(value) else None
    if isinstance(value, dict):
        kids = [(k, t) for k, v in value.items() if (t := _date_type(v)) is not None]
        return pa.struct(kids) if kids else None
    if isinstance(value, list):
        inner = None
        for element in value:
            t = _date_type(element)
            if t is None:
                continue
            both = inner is not None and pa.types.is_struct(inner) and pa.types.is_struct(t)
            inner = _merged(inner, t) if both else t
        return pa.list_(inner) if inner is not None else None
    return None


# Bodies of fewer bytes are scanned after the parse, in the reader: a thread costs its start
# and a memory arena of its own (0.3-0.8 MB resident over 200 ID cards, 1.22x -> 1.33-1.50x
# their frames), which the 1-2 ms of a smaller scan do not repay.
SCAN_BESIDE = 1 << 20


def scan_keys(bodies: Sequence[bytes]) -> Callable[[], KeyTokens] | None:
    """The key tokens of ``bodies`` (lists under the bodies' own keys included), scanned in a
    thread of their own while pyarrow parses the same bytes (both let go of the interpreter
    for most of their work: on two cores the scan then costs little more than its hand-off);
    the function returned waits for them and hands them over. None for bodies of fewer than
    :data:`SCAN_BESIDE` bytes.

    >>> scan_keys([b'{"result": {"a": 1}}' * 60_000])().depth.tolist()[:2]
    [1, 2]
    >>> scan_keys([b'{"result": {"a": 1}}']) is None
    True
    """
    size = len(bodies.data) if isinstance(bodies, Joined) else sum(map(len, bodies))
    return in_thread(key_tokens, bodies, True) if size >= SCAN_BESIDE else None


def read(table: Any, pages: np.ndarray, wanted: frozenset[str], api: str | None = None,
         bodies: list[bytes] | None = None,
         scanned: Callable[[], KeyTokens] | None = None) -> Built:  # fmt: skip
    """Frames of field-API bodies (see :mod:`ocrframe.flatten.arrow.dispatch`); ``api`` None
    means the bodies named none, ``bodies`` are their texts (for the order of keys), whose
    key tokens ``scanned`` gives when they were scanned already (:func:`scan_keys`). A
    ``result`` that is a list of objects (household register, auto classification) gives
    each element's fields, grouped ``[0]``, ``[1]``..."""
    import pyarrow as pa

    n = table.num_rows
    bodies = bodies or []
    table = _dates_as_text(table, bodies, api)
    if table is None or "result" not in table.column_names:
        return Built(np.zeros(n, dtype=bool), {})
    result = whole(table, "result")
    listed = pa.types.is_list(result.type) and pa.types.is_struct(result.type.value_type)
    if not (listed or pa.types.is_struct(result.type)):
        return Built(np.zeros(n, dtype=bool), {})
    ok = valid(result) & _plain_top(table, api)
    keys = scanned() if scanned is not None else key_tokens(bodies, listed)
    del scanned
    under = under_result(keys)
    nulls = written_nulls(bodies) if bodies else np.zeros(n, dtype=np.int64)
    if listed:
        objs, file, index = explode(result, np.arange(n))
        ok[file[_walked_otherwise(objs)]] = False
        rank = _element_ranks(objs, file, keys, under)
        told = list_apis(objs, file, index, n, rank >= 0) if api is None else None
    else:
        objs, file, index = result, np.arange(n), None
        if result.type.get_field_index("error_code") >= 0:  # an error body nested in result
            ok &= ~valid(field(result, "error_code"))
        rank = _result_ranks(result, keys, under)
        told = struct_apis(result, rank >= 0) if api is None else None
    apis = [api] * n if told is None else list(told)
    if told is not None:  # told another reader's API (a body a route sent here): its reader's
        ok &= np.array([a is None or a in APIS for a in apis], dtype=bool)
    names = sorted(set(apis), key=str)
    code = {a: i for i, a in enumerate(names)}
    other = OtherRows() if "other" in wanted else None
    out = FieldRows(names, np.array([code[a] for a in apis], dtype=np.int64), other)
    walk = _Walk(keys, _parents(keys.depth), out, AlarmRows())
    level = Level(file, rank, None if index is None else _element_groups(index, out))
    ok[file[walk.level(objs, level)]] = False
    ok &= out.nulls == nulls  # each written null given its row, none left unread
    # Built once the parse, the bodies and the key tokens are let go (see Built); the rows
    # of files not ok are dropped then.
    rows: dict[str, list[Any]] = {}
    container = np.zeros(n, dtype=bool) if listed else containers(result)
    if container.any():  # blocks and document keys beside the fields
        found, bad = container_rows(result, container, pages, wanted)
        ok &= ~bad
        rows.update(found)
    if "fields" in wanted:
        rows["fields"] = [partial(out.rows, pages)]
    if "alarms" in wanted:
        rows["alarms"] = [partial(walk.alarms.rows, pages)]
    if "kv" in wanted:
        rows["kv"] = [partial(out.kv.rows, pages, out.groups)]
    if other is not None:
        rows["other"] = [partial(other.rows, pages)]
    return Built(ok, rows, apis)


def _result_ranks(result: Any, keys: KeyTokens, under: np.ndarray) -> np.ndarray:
    """(bodies x children of struct column ``result``): the key token of each of its keys."""
    top = np.flatnonzero((keys.depth == 2) & under)  # the keys of result
    return _ranks(top, keys.file[top], result.type, len(result), keys)


def _element_ranks(objs: Any, file: np.ndarray, keys: KeyTokens,
                   under: np.ndarray) -> np.ndarray:  # fmt: skip
    """(elements x children of struct column ``objs``, the elements of list ``result``
    of each body ``file``): the key token of each of their keys."""
    sizes = np.bincount(file, minlength=int(file.max(initial=-1)) + 1)
    starts = np.cumsum(sizes) - sizes
    tok = np.flatnonzero((keys.depth == 3) & under)  # the keys of the elements
    of, elem = keys.file[tok], keys.element[tok]
    inside = of < len(sizes)
    inside[inside] &= elem[inside] < sizes[of[inside]]
    tok = tok[inside]
    return _ranks(tok, starts[of[inside]] + elem[inside], objs.type, len(objs), keys)


def _element_groups(index: np.ndarray, out: FieldRows) -> np.ndarray:
    """The group code of each element of a list ``result`` (``index``: its place in its
    list): ``[index]``."""
    codes = [out.group(f"[{e}]") for e in range(int(index.max(initial=-1)) + 1)]
    return np.asarray(codes, dtype=np.int64)[index]


def _walked_otherwise(objs: Any) -> np.ndarray:
    """Elements of a list ``result`` the general walk does not read as objects of fields:
    plates, and Smart Document Recognizer pages (then every element of their body is)."""
    walked = np.zeros(len(objs), dtype=bool)
    for key in (*PLATE_KEYS, *SDR_KINDS):
        if objs.type.get_field_index(key) >= 0:
            walked |= valid(field(objs, key))
    return walked


@dataclass
class _Walk:
    """The walk of one parsed group: objects level by level (``result``, the objects it
    holds, theirs...), fields into ``out``, alarms into ``alarms``; ``parent``: the key token
    holding each key (see :func:`_parents`)."""

    keys: KeyTokens
    parent: np.ndarray
    out: FieldRows
    alarms: AlarmRows

    def level(self, objs: Any, level: Level, given: dict[str, Any] | None = None) -> np.ndarray:
        """Rows of struct column ``objs`` (one object per ``level`` entry, ``given``: the maps
        their parents gave them) and of what it holds; returns the objects whose file the
        general walk must read."""
        bad = _classified_given_maps(objs, given)
        objs, odd = _classified(objs, level, self.out)
        bad |= odd
        rest, rank, odd = self.alarms.split(objs, level.file, level.rank, self.child_ranks)
        bad |= odd

        def nested(name: str, values: Any, present: np.ndarray, maps: dict[str, Any]) -> Any:
            k = rest.type.get_field_index(name)
            return self.nested(name, values, present, level, rank[:, k], maps)

        bad |= object_rows(rest, Level(level.file, rank, level.group), self.out, nested,
                           self.child_ranks, given)  # fmt: skip
        return bad

    def nested(self, name: str, values: Any, present: np.ndarray, level: Level,
               token: np.ndarray, maps: dict[str, Any]) -> np.ndarray:  # fmt: skip
        """Walk the object (or list of objects) each object of ``level`` holds at ``name``
        (where ``present``; ``token``: the key token of ``name`` in each; ``maps``: the maps
        they give it); returns the objects the general walk must read."""
        import pyarrow as pa

        n = len(values)
        bad = np.zeros(n, dtype=bool)
        at = np.flatnonzero(present)
        parents = np.zeros(n, dtype=np.int64) if level.group is None else level.group
        given = {key: kept(m, present) for key, m in maps.items()}
        if pa.types.is_struct(values.type):
            objs = kept(values, present)
            group = self._groups(parents[at], name)
            sub = Level(level.file[at], self.child_ranks(objs, token[at]), group)
            bad[at[self.level(objs, sub, given)]] = True
            return bad
        if level.group is not None:  # lists of objects deeper than result's keys: not read
            return present
        objs, local, element = explode(kept(values, present), np.arange(len(at)))
        given = {key: element_maps(m, local, element) for key, m in given.items()}
        pos = at[local]
        starts = np.full(n, -1)
        first = np.flatnonzero(element == 0)
        starts[pos[first]] = first
        sizes = np.bincount(pos, minlength=n)
        keys = self.keys
        tok = np.flatnonzero((keys.depth == 4) & (self._row_of(token[at], at)[self.parent] >= 0))
        of, elem = keys.file[tok], keys.element[tok]
        inside = (elem < sizes[of]) & (starts[of] >= 0)
        tok = tok[inside]
        rank = _ranks(tok, starts[of[inside]] + elem[inside], objs.type, len(objs), keys)
        codes = [self.out.group(f"{name}[{e}]") for e in range(int(element.max(initial=-1)) + 1)]
        sub = Level(level.file[pos], rank, np.asarray(codes, dtype=np.int64)[element])
        bad_obj = self.level(objs, sub, given)
        bad[pos[bad_obj]] = True
        return bad

    def child_ranks(self, objs: Any, token: np.ndarray) -> np.ndarray:
        """(objects x children) key tokens of the children of struct column ``objs``, whose
        objects are the values of the keys ``token`` (-1: not found)."""
        row = self._row_of(token, np.arange(len(token)))[self.parent]
        tok = np.flatnonzero(row >= 0)
        return _ranks(tok, row[tok], objs.type, len(objs), self.keys)

    def _row_of(self, token: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Per key token (and one more slot for -1): ``row`` where it is one of ``token``,
        else -1."""
        out = np.full(len(self.parent) + 1, -1)
        found = token >= 0
        out[token[found]] = row[found]
        return out

    def _groups(self, parents: np.ndarray, name: str) -> np.ndarray:
        """Group codes of objects held at ``name`` by objects of groups ``parents``."""
        names = list(self.out.groups)
        distinct, inverse = np.unique(parents, return_inverse=True)
        codes = [self.out.group(join_key(names[g], name)) for g in distinct.tolist()]
        return np.asarray(codes, dtype=np.int64)[inverse.reshape(-1)]


def _classified(objs: Any, level: Level, out: FieldRows) -> tuple[Any, np.ndarray]:
    """The ``type`` rows of classified objects (a ``type`` and a ``location``, a confidence
    that is no map: auto classification), with that confidence and polygon; returns
    ``objs`` without those three keys where classified, and the objects to read the general
    way (a confidence or polygon the walk sends to ``other``, a type that is no string)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n, t = len(objs), objs.type
    at = [t.get_field_index(name) for name in ("type", "location", "confidence")]
    bad = np.zeros(n, dtype=bool)
    if at[0] < 0 or at[1] < 0:
        return objs, bad
    kids = objs.flatten()
    chosen = valid(kids[at[0]]) & valid(kids[at[1]])
    if at[2] >= 0 and pa.types.is_struct(kids[at[2]].type):
        chosen &= ~valid(kids[at[2]])
    if not chosen.any():
        return objs, bad
    conf = np.full(n, np.nan)
    if at[2] >= 0:
        c = kids[at[2]]
        if numeric(c.type):
            conf = floats(c)
            bad |= chosen & out_of_range(conf, valid(c))
        else:
            bad |= chosen & valid(c)
    loc = kids[at[1]]
    if numeric_polygons(loc.type):
        xy, _, odd = polygons(loc)
        bad |= chosen & odd
    else:
        xy, bad = np.full((n, 8), np.nan), bad | chosen
    if not pa.types.is_string(kids[at[0]].type):
        bad |= chosen
    bad |= chosen & (level.rank[:, at[0]] < 0)
    rows = np.flatnonzero(chosen & ~bad)
    if len(rows):  # (a type that is no string leaves none: its empty take is not text either)
        text = kids[at[0]].take(pa.array(rows))
        out.add(level, rows, out.name("type"), level.rank[rows, at[0]], text, conf[rows], xy[rows])
    mask = pa.array(chosen)
    for k in (k for k in at if k >= 0):
        kids[k] = pc.if_else(mask, pa.nulls(n, kids[k].type), kids[k])
    rest = pa.StructArray.from_arrays(kids, fields=list(t), mask=pa.array(~valid(objs)))
    return rest, bad


def _classified_given_maps(objs: Any, given: dict[str, Any] | None) -> np.ndarray:
    """Objects with a ``type`` and a ``location`` (classified, unless their confidence is a
    map) given a map by their parent: the general walk's to read."""
    n = len(objs)
    if not given or objs.type.get_field_index("type") < 0:
        return np.zeros(n, dtype=bool)
    held = np.zeros(n, dtype=bool)
    for m in given.values():
        held |= valid(m)
    return held & valid(field(objs, "type")) & valid(field(objs, "location"))


def _parents(depth: np.ndarray) -> np.ndarray:
    """The key token holding each key (the last key before it written less deep), -1 for
    the keys of the bodies themselves. Lists of lists of objects would confuse it: the
    readers do not read those."""
    idx = np.arange(len(depth))
    parent = np.full(len(depth), -1)
    for d in np.unique(depth[depth >= 2]).tolist():
        last = np.maximum.accumulate(np.where(depth < d, idx, -1))
        at = depth == d
        parent[at] = last[at]
    return parent


def _ranks(tok: np.ndarray, row: np.ndarray, struct: Any, n: int,
           keys: KeyTokens) -> np.ndarray:  # fmt: skip
    """(n rows x children of ``struct``): the key token of each child in each row, from the
    key tokens ``tok`` (of rows ``row``, -1: none); -1 where none (a key written with
    escapes, or a name the hashes cannot tell from a sibling's, finds no child: its file goes
    the general way)."""
    table = np.full((n, struct.num_fields), -1, dtype=np.int64)
    if not len(tok) or not struct.num_fields:
        return table
    child = _child_index(keys.hash[tok], struct)
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


def _plain_top(table: Any, api: str | None) -> np.ndarray:
    """Files whose keys besides ``result`` change nothing: an ``error_code`` makes an error
    body; a saved header naming an API the entry did not know would name the API; other
    top-level keys go to ``other`` or make another engine's result (a PaddleOCR serving
    response: ``logId``, ``errorCode``, ``result.ocrResults``), which the general walk tells
    (as every other reader, such files go its way)."""
    import pyarrow as pa

    ok = np.ones(table.num_rows, dtype=bool)
    for name in table.column_names:
        col = whole(table, name)
        if name == SAVED_HEADER:
            if api is None and pa.types.is_struct(col.type):
                ok &= ~valid(field(col, "api"))
        elif name != "result":  # error_code included
            ok &= ~valid(col)
    result = whole(table, "result")
    if pa.types.is_struct(result.type):
        for key in SERVING_KEYS:
            if result.type.get_field_index(key) >= 0:
                ok &= ~valid(field(result, key))
    return ok


def _dates_as_text(table: Any, bodies: list[bytes], api: str | None) -> Any:
    """``table`` with the strings pyarrow read as timestamps read again as text (and the
    paths remembered for the next parse); None when the bodies no longer parse together."""
    text = _timestamps_as_strings(table.schema)
    if text is None:
        return table
    import pyarrow as pa

    known = SCHEMA(api, bodies)  # what the parse was given
    merged = (
        text if known is None else pa.schema(_merged(pa.struct(list(known)), pa.struct(list(text))))
    )
    if api is not None:
        _TEXT_SCHEMAS[api] = merged
    parts = parse(bodies, merged, strict=False)  # a partial schema: a strict parse fails
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
