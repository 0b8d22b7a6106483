"""``fields`` rows of objects of fields held as Arrow columns: one row per scalar, one per
element of a list of scalars (``item``), nested objects and lists of objects as groups, with
the confidence and ``text_location`` maps of each object, as the general walk
(:func:`ocrframe.flatten._extract._walk_object`) makes them. What this does not reproduce
marks the object bad (its file goes the general way).

The scalar fields of a level (one object per file, or every element of a list) are taken
together: presence, confidences and texts as (objects x fields) blocks, so the work per field
is a few array views, not a round of numpy calls.

>>> import pyarrow as pa, numpy as np
>>> objs = pa.array([{"name": "ANNA", "confidence": {"name": 0.9}}])
>>> out = FieldRows(["passport"], np.array([0]))
>>> bad = object_rows(objs, Level(np.array([0]), np.array([[0, 1]])), out)
>>> frame = out.rows(np.array([1])).columns
>>> frame["field"].tolist(), frame["value"].tolist(), frame["confidence"].tolist(), bad.tolist()
(['name'], ['ANNA'], [0.9], [False])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from ...detection import PLATE_KEYS
from ...response import BASE64_FIELDS
from ...vendors.detect import SERVING_KEYS
from .._extract import ALARM_KEYS, ALARM_RESULT, CONTAINER_KEYS
from .._names import normalise_field
from .._schema import POLYGON
from .blocks import out_of_range
from .child_maps import given_maps, own_or_given
from .columns import children, explode, floats, kept, lengths, numeric, polygons, repeat_ids, valid
from .container import BLOCKS, containers, document_keys, named
from .kv_rows import KvRows
from .leftovers import OtherRows, leftover_confidences
from .rows import Rows

__all__ = ["Level", "FieldRows", "object_rows", "is_scalar"]

# A row's name key packs its group, field name and API codes (FieldRows.add, _unpacked).
_API_BITS, _GROUP_SHIFT = 12, 36


def is_scalar(t: Any) -> bool:
    """A JSON scalar type as pyarrow infers it (dates read as text, see ``fields``)."""
    import pyarrow as pa

    return (
        pa.types.is_string(t) or pa.types.is_boolean(t) or pa.types.is_int64(t)
        or pa.types.is_float64(t)
    )  # fmt: skip


@dataclass
class Level:
    """Objects walked together: ``file`` of each, ``rank`` (objects x children: the key token
    of each child, see :mod:`.keyorder`; -1 when not found) and the ``group`` code of each
    object's rows (codes of :meth:`FieldRows.group`; None: the top, group ""). Key tokens
    number keys in text order over all files, so they alone put rows in the walk's order: a
    nested object's keys are written after the key holding it and before the next one."""

    file: np.ndarray
    rank: np.ndarray
    group: np.ndarray | None = None


@dataclass
class FieldRows:
    """``fields`` rows collected from several levels, built into one :class:`Rows`.
    ``apis``: the distinct APIs, ``api_of_file``: the code (index in ``apis``) of each file.
    Each column's pieces are kept apart and joined once, each let go as its column is built
    (the pieces and the frame's columns are never all alive at once)."""

    apis: list[str | None]
    api_of_file: np.ndarray
    other: OtherRows | None = None  # rows of map entries no field takes, when asked for
    kv: KvRows = field(default_factory=KvRows)  # the key-value pair lists objects hold
    parts: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in _PIECES})
    groups: dict[str, int] = field(default_factory=lambda: {"": 0})
    names: dict[str, int] = field(default_factory=dict)
    nulls: np.ndarray = field(init=False)  # per file: the written nulls given rows

    def __post_init__(self) -> None:
        self.nulls = np.zeros(len(self.api_of_file), dtype=np.int64)

    def count_nulls(self, files: np.ndarray) -> None:
        """Count one written ``null`` read (given its row) in each of ``files``: a file whose
        count falls short of the nulls its text writes holds one the reader did not read."""
        np.add.at(self.nulls, files, 1)

    def group(self, name: str) -> int:
        """The code of group ``name``."""
        return self.groups.setdefault(name, len(self.groups))

    def name(self, name: str) -> int:
        """The code of field name ``name``."""
        return self.names.setdefault(name, len(self.names))

    def add(self, level: Level, obj: np.ndarray, name: int | np.ndarray, rank: np.ndarray,
            value: Any, conf: np.ndarray, xy: np.ndarray | None,
            item: np.ndarray | None = None) -> None:  # fmt: skip
        """Rows of objects ``obj`` (one per row) of ``level``: field ``name`` (codes of
        :meth:`name`, one or one per row) at key token ``rank``; ``xy`` None: no polygon."""
        file = level.file[obj]
        group = 0 if level.group is None else level.group[obj].astype(np.int64)
        key = (group << _GROUP_SHIFT) | (np.asarray(name, dtype=np.int64) << _API_BITS)
        piece = (file, rank, item, key | self.api_of_file[file], value, conf, xy)
        for k, v in zip(_PIECES, piece, strict=True):
            self.parts[k].append(v)

    def rows(self, pages: np.ndarray) -> Rows:
        """The rows collected in the walk's order, with ``page`` from each file's ``pages``."""
        import pandas as pd

        parts, self.parts = self.parts, {k: [] for k in _PIECES}
        sizes = np.array([len(f) for f in parts["file"]], dtype=np.int64)
        if not len(sizes):
            return Rows({}, np.zeros(0, dtype=np.int64))
        starts = np.cumsum(sizes) - sizes
        rank = _joined(parts["rank"])
        items = parts["item"]
        if all(i is None for i in items):
            item = np.full(len(rank), -1)
            perm = np.argsort(rank, kind="stable")
        else:
            item = _joined(
                [np.full(s, -1) if i is None else i for i, s in zip(items, sizes, strict=True)]
            )
            # By (rank, item) in one key: a stable sort merges the pieces' ascending runs.
            perm = np.argsort(rank * (int(item.max()) + 2) + (item + 1), kind="stable")
        file = _joined(parts["file"])
        if len(perm) > 1 and (np.diff(file[perm]) < 0).any():  # a key not found (rank -1):
            perm = np.lexsort((item, rank, file))  # its file goes back, but keep files apart
        del rank
        file, item = file[perm], item[perm]
        cols: dict[str, Any] = {"value": _gathered(parts["value"], perm)}  # first: the biggest
        code, kinds = pd.factorize(_joined(parts["key"])[perm])  # hashed: no sort
        group_names, field_names = list(self.groups), list(self.names)
        labels = [(group_names[g], field_names[n], self.apis[a])
                  for g, n, a in map(_unpacked, kinds.tolist())]  # fmt: skip
        cols |= {
            "page": pages[file],
            "group": repeat_ids([g for g, _, _ in labels], code),
            "field": repeat_ids([n for _, n, _ in labels], code),
            "field_norm": repeat_ids([_norm(n, a, g) for g, n, a in labels], code),
            "item": pd.arrays.IntegerArray(np.maximum(item, 0), item < 0),
        }
        del code, item
        cols["confidence"] = _joined(parts["conf"])[perm]
        if any(p is not None for p in parts["xy"]):
            place = np.empty_like(perm)  # where each gathered row goes
            place[perm] = np.arange(len(perm))
            # An array per column (not rows of one block): a column joined with another
            # chunk's can then go on its own.
            xy = [np.full(len(perm), np.nan) for _ in POLYGON]
            for at, size, part in zip(starts, sizes, parts["xy"], strict=True):
                if part is not None:
                    rows = place[at : at + size]
                    for k, column in enumerate(xy):
                        column[rows] = part[:, k]
            cols.update(zip(POLYGON, xy, strict=True))
        return Rows(cols, file)


_PIECES = ("file", "rank", "item", "key", "value", "conf", "xy")


def _gathered(pieces: list[Any], order: np.ndarray) -> Any:
    """String ``pieces`` as one column in ``order`` (gathered from the pieces: no joined
    copy), typed as the frame's ``str`` column holds it, so that the frame takes it as it is;
    the list is emptied."""
    import pyarrow as pa

    taken = pa.chunked_array(pieces, type=pieces[0].type).take(pa.array(order))
    pieces.clear()
    taken = taken.cast(pa.large_string())
    return taken.chunk(0) if taken.num_chunks == 1 else taken.combine_chunks()


def _joined(pieces: list[np.ndarray]) -> np.ndarray:
    """``pieces`` as one array; the list is emptied, so each piece can go."""
    out = np.concatenate(pieces)
    pieces.clear()
    return out


def _unpacked(key: int) -> tuple[int, int, int]:
    """The group, field name and API codes :meth:`FieldRows.add` packed into ``key``."""
    name_bits = _GROUP_SHIFT - _API_BITS
    return (
        key >> _GROUP_SHIFT,
        (key >> _API_BITS) & ((1 << name_bits) - 1),
        key & ((1 << _API_BITS) - 1),
    )


@lru_cache(maxsize=4096)
def _norm(name: str, api: str | None, group: str) -> str:
    """:func:`normalise_field`, remembered: datasets repeat a few hundred names."""
    return normalise_field(name, api, group)


def object_rows(objs: Any, level: Level, out: FieldRows, nested: Any = None,
                ranks_of: Any = None,
                inherited: dict[str, Any] | None = None) -> np.ndarray:  # fmt: skip
    """Add the rows of struct column ``objs`` (one object per ``level`` entry) to ``out``;
    ``nested(name, values, present, maps)`` walks a child object or list of objects with the
    maps the objects give it (see :func:`.child_maps.given_maps`; None: nesting is not
    expected here); ``ranks_of(values, tokens)`` gives the key tokens of the children of a
    struct child (None: a ``null`` in a map is not read); ``inherited``: the maps the objects'
    parents gave them. Returns the mask of objects the walk would read otherwise."""
    import pyarrow as pa

    n = len(objs)
    kids = children(objs)
    maps, taken, bad = own_or_given(kids, inherited, n)
    conf_map, loc_map = maps["confidence"], maps["text_location"]
    # Objects holding text blocks: a scalar no map names is a document key (the caller's, at
    # the top of result; deeper, the walk's alone), a list needs a confidence map.
    container = containers(objs)
    if level.group is not None:
        bad |= container
    documents = document_keys(kids, container) if container.any() else {}
    with_map = np.zeros(n, dtype=bool)  # containers whose confidence map holds an entry
    for given in (conf_map or {}).values() if container.any() else ():
        with_map |= valid(given)
    used_conf: dict[str, np.ndarray] = {}
    used_loc: dict[str, np.ndarray] = {}
    if "type" in kids and "location" in kids:  # a classified object (auto classification),
        # which the caller reads; with a confidence map, its two keys are plain fields
        mapped = valid(kids["confidence"]) if conf_map is not None else np.zeros(n, dtype=bool)
        bad |= valid(kids["type"]) & valid(kids["location"]) & ~mapped
    scalars: list[tuple[int, str, Any, np.ndarray]] = []
    nulled: dict[str, np.ndarray] = {}

    def walk_nested(k: int, name: str, values: Any, present: np.ndarray) -> np.ndarray:
        if nested is None:
            return present
        token = level.rank[:, k]
        given, read, odd = given_maps(name, values, present, maps, taken, token, level, out)
        for key, used in (("confidence", used_conf), ("text_location", used_loc)):
            if key in read:
                used[name] = used.get(name, read[key]) | read[key]
        return odd | nested(name, values, present, given)

    for k, (name, values) in enumerate(kids.items()):
        if values.null_count and _plain(name):  # a key written null: a row, no value
            null = (level.rank[:, k] >= 0) & ~valid(values)
            if container.any():  # a container's: a document key's unless a map names it
                document = container & ~named(kids, name)
                bad |= null & document
                null &= ~document
            if null.any():
                nulled[name] = null
                bad |= _null_rows(np.flatnonzero(null), name, level.rank[:, k], level, out,
                                  conf_map, loc_map, n)  # fmt: skip
        if values.null_count == n:
            continue
        if (conf_map is not None and name == "confidence") or (
            loc_map is not None and name == "text_location"
        ):
            continue
        present = valid(values)
        rank = level.rank[:, k]
        bad |= present & (rank < 0)
        if name == BLOCKS and level.group is None:
            continue  # the blocks of a container at the top: the caller's words rows
        if name in CONTAINER_KEYS or name in ALARM_KEYS or ALARM_RESULT.match(name):
            bad |= present
            continue
        t = values.type
        if name in BASE64_FIELDS and pa.types.is_string(t):
            continue  # a payload: no row
        if is_scalar(t):
            if name in documents:  # a document key there: no row here
                present = present & ~documents[name]
            used_conf[name] = used_loc[name] = present
            scalars.append((k, name, values, present))
            continue
        if container.any() and pa.types.is_list(t):  # there, a list of scalars is a field
            vt = t.value_type  # only with a confidence map; pairs are pairs; the rest other
            if is_scalar(vt) or pa.types.is_null(vt):
                bad |= present & container & ~with_map
            elif not (pa.types.is_struct(vt) and _kv_like(vt)):
                bad |= present & container
        if not pa.types.is_list(t):  # an object
            bad |= walk_nested(k, name, values, present)
            continue
        sizes = lengths(values)
        empty = present & (sizes == 0)
        if empty.any():  # "[]": one row with an empty value
            used_conf[name] = used_loc[name] = empty
            e = np.flatnonzero(empty)
            conf, xy, odd = _maps(conf_map, loc_map, name, e, n)
            bad[e[odd]] = True
            out.add(level, e, out.name(name), rank[e], pa.array([""] * len(e)), conf, xy)
        full = present & (sizes > 0)
        if not full.any():
            continue
        vt = t.value_type
        if is_scalar(vt):
            used_conf[name] = used_loc[name] = present
            bad |= _items(values, full, name, rank, level, out, conf_map, loc_map)
        elif pa.types.is_struct(vt) and _kv_like(vt):
            f = np.flatnonzero(full)
            group = None if level.group is None else level.group[f]
            bad[f] |= out.kv.add(level.file[f], rank[f], group, kept(values, full))
        elif pa.types.is_struct(vt) and nested is not None:
            bad |= walk_nested(k, name, values, full)
        elif pa.types.is_list(vt) and name.endswith("location"):
            used_conf[name] = used_conf.get(name, empty) | full
            f = np.flatnonzero(full)
            xy, _, odd = polygons(kept(values, full))
            bad[f[odd]] = True
            conf, _, odd = _maps(conf_map, None, name, f, n)
            bad[f[odd]] = True
            out.add(level, f, out.name(name), rank[f], pa.nulls(len(f), pa.string()), conf, xy)
        else:
            bad |= full
    if scalars:
        bad |= _scalar_rows(scalars, level, out, conf_map, loc_map, n)
    for name, null in nulled.items():
        used_conf[name] = used_conf.get(name, null) | null
        used_loc[name] = used_loc.get(name, null) | null
    for key, the_map, used in (("confidence", conf_map, used_conf),
                               ("text_location", loc_map, used_loc)):  # fmt: skip
        if the_map is None:
            continue
        if key in taken:  # a parent's map: an entry for no field goes the general way
            for name, given in the_map.items():
                bad |= valid(given) & ~used.get(name, np.zeros(n, dtype=bool))
            continue
        tokens = None  # objects x entries: the key token of each entry
        if ranks_of is not None:
            tokens = ranks_of(kids[key], level.rank[:, list(kids).index(key)])
        for j, (name, given) in enumerate(the_map.items()):  # an entry for no field
            if given.null_count == n:
                continue
            left = valid(given) & ~used.get(name, np.zeros(n, dtype=bool))
            if key == "confidence" and tokens is not None and left.any():
                left &= ~leftover_confidences(name, given, left, tokens[:, j], kids, level, out)
            bad |= left
        if tokens is not None:
            _map_nulls(tokens, the_map, used, level, out)
    return bad


def _map_nulls(rank: np.ndarray, the_map: dict[str, Any], used: dict[str, np.ndarray],
               level: Level, out: FieldRows) -> None:  # fmt: skip
    """Count the entries of a confidence or location map (``rank``: objects x entries, their
    key tokens) written ``null`` for a field given its row: the walk gives that row no
    confidence or polygon, as the reader does. Any other null in a map stays uncounted."""
    for j, (name, given) in enumerate(the_map.items()):
        if given.null_count and name in used:
            null = (rank[:, j] >= 0) & ~valid(given) & used[name]
            out.count_nulls(level.file[null])


# Keys whose mere presence changes the general walk (a container, a classified object, a
# plate in a list, an error body, another engine's result) or whose null it reads otherwise
# (alarms, the maps): a null written there is left unread, so its file goes the general way
# (see FieldRows.nulls).
_NOT_PLAIN = frozenset({*CONTAINER_KEYS, *ALARM_KEYS, *SERVING_KEYS, *PLATE_KEYS, "type",
                        "location", "confidence", "text_location", "error_code",
                        "error_msg"})  # fmt: skip


def _plain(name: str) -> bool:
    """Whether a ``null`` written at key ``name`` is a plain field with no value to the walk."""
    return name not in _NOT_PLAIN and not ALARM_RESULT.match(name)


def _null_rows(obj: np.ndarray, name: str, rank: np.ndarray, level: Level, out: FieldRows,
               conf_map: dict[str, Any] | None, loc_map: dict[str, Any] | None,
               n: int) -> np.ndarray:  # fmt: skip
    """Rows of field ``name`` written ``null`` in objects ``obj`` (of ``n``): no value, the
    confidence and polygon its maps give. Returns the objects to read the general way."""
    import pyarrow as pa

    bad = np.zeros(n, dtype=bool)
    conf, xy, odd = _maps(conf_map, loc_map, name, obj, n)
    bad[obj[odd]] = True
    out.add(level, obj, out.name(name), rank[obj], pa.nulls(len(obj), pa.string()), conf, xy)
    out.count_nulls(level.file[obj])
    return bad


def _scalar_rows(scalars: list[tuple[int, str, Any, np.ndarray]], level: Level, out: FieldRows,
                 conf_map: dict[str, Any] | None, loc_map: dict[str, Any] | None,
                 n: int) -> np.ndarray:  # fmt: skip
    """Rows of the scalar fields of a level, all fields at once: ``scalars`` holds each one's
    child index, name, values and presence. Returns the objects to read the general way."""
    import pyarrow as pa

    bad = np.zeros(n, dtype=bool)
    m = len(scalars)
    present = np.empty((m, n), dtype=bool)  # fields x objects: the order of their texts
    texts = []
    for j, (_, _, values, given) in enumerate(scalars):
        present[j] = given
        text, odd = _texts(values)
        texts.append(text)
        if odd is not None:
            bad |= odd & given
    conf = np.full((m, n), np.nan)
    conf_given = np.zeros((m, n), dtype=bool)  # a NaN written in the file, not an absent one
    if conf_map:
        numbered, columns = [], []
        for j, (_, name, _, given) in enumerate(scalars):
            c = conf_map.get(name)
            if c is None or c.null_count == n:
                continue
            if numeric(c.type):
                numbered.append(j)
                columns.append(c if pa.types.is_float64(c.type) else c.cast(pa.float64()))
                conf_given[j] = valid(c)
            else:
                bad |= valid(c) & given
        if columns:
            values = pa.concat_arrays(columns).to_numpy(zero_copy_only=False)
            conf[numbered] = values.reshape(len(numbered), n)
            bad |= (out_of_range(conf, conf_given) & present).any(axis=0)
    xy = None
    for j, (_, name, _, given) in enumerate(scalars if loc_map else ()):
        loc = loc_map.get(name)
        if loc is None or loc.null_count == n:
            continue
        if pa.types.is_list(loc.type) and pa.types.is_list(loc.type.value_type):
            xy = np.full((m, n, 8), np.nan) if xy is None else xy
            xy[j], _, odd = polygons(loc)
            bad |= odd & given
        else:
            bad |= valid(loc) & given
    field_of, obj = np.nonzero(present)
    text = pa.concat_arrays(texts)
    if len(obj) < m * n:
        text = text.filter(pa.array(present.reshape(-1)))
    names = np.array([out.name(name) for _, name, _, _ in scalars], dtype=np.int64)
    child = np.array([k for k, _, _, _ in scalars], dtype=np.int64)
    out.add(level, obj, names[field_of], level.rank[obj, child[field_of]], text,
            conf[field_of, obj], None if xy is None else xy[field_of, obj])  # fmt: skip
    return bad


def _maps(conf_map: dict[str, Any] | None, loc_map: dict[str, Any] | None, name: str,
          obj: np.ndarray, n: int) -> tuple[Any, Any, Any]:  # fmt: skip
    """Confidence and polygon of field ``name`` for objects ``obj`` (of ``n``) from their
    maps, and the mask of values the general walk would send to ``other``."""
    import pyarrow as pa

    m = len(obj)
    conf, xy, odd = np.full(m, np.nan), None, np.zeros(m, dtype=bool)

    def take(arr: Any) -> Any:
        return arr if m == n else arr.take(pa.array(obj))

    c = (conf_map or {}).get(name)
    if c is not None:
        c = take(c)
        if numeric(c.type):
            conf = floats(c)
            odd |= out_of_range(conf, valid(c))
        else:
            odd |= valid(c)
    loc = (loc_map or {}).get(name)
    if loc is not None:
        loc = take(loc)
        if pa.types.is_list(loc.type) and pa.types.is_list(loc.type.value_type):
            xy, _, bad = polygons(loc)
            odd |= bad
        else:
            odd |= valid(loc)
    return conf, xy, odd


def _items(values: Any, full: np.ndarray, name: str, rank: np.ndarray, level: Level,
           out: FieldRows, conf_map: dict[str, Any] | None,
           loc_map: dict[str, Any] | None) -> np.ndarray:  # fmt: skip
    """One row per element of the lists of scalars ``values`` (where ``full``), each with the
    field's confidence and polygon."""

    bad = np.zeros(len(values), dtype=bool)
    f = np.flatnonzero(full)
    elems, of, item = explode(kept(values, full), f)
    if elems.null_count:  # an element written null: an item with no value
        out.count_nulls(level.file[of[~valid(elems)]])
    text, odd = _texts(elems)
    if odd is not None:
        bad[of[odd]] = True
    conf, xy, odd = _maps(conf_map, loc_map, name, f, len(values))
    bad[f[odd]] = True
    back = np.searchsorted(f, of)
    out.add(level, of, out.name(name), rank[of], text, conf[back],
            None if xy is None else xy[back], item)  # fmt: skip
    return bad


def _kv_like(t: Any) -> bool:
    """Objects with ``key`` and ``value``: the walk reads such lists as key-value pairs."""
    return t.get_field_index("key") >= 0 and t.get_field_index("value") >= 0


def _texts(values: Any) -> tuple[Any, np.ndarray | None]:
    """``rules.text`` of scalar column ``values`` as a string column, and the mask of values
    whose text only the general walk gives exactly (a double: was it written ``1`` or
    ``1.0``, and which digits?), None when there are none."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = values.type
    if pa.types.is_string(t):
        return values, None
    if pa.types.is_boolean(t):
        return pc.if_else(values, "true", "false"), None
    if pa.types.is_integer(t):
        return pc.cast(values, pa.string()), None
    return pa.nulls(len(values), pa.string()), valid(values)
