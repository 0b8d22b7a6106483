"""``fields`` rows of objects of fields held as Arrow columns: one row per scalar, one per
element of a list of scalars (``item``), nested objects and lists of objects as groups, with
the confidence and ``text_location`` maps of each object, as the general walk
(:func:`ocrframe.flatten._extract._walk_object`) makes them. What this does not reproduce
marks the object bad (its file goes the general way).

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
from typing import Any

import numpy as np

from ...response import BASE64_FIELDS
from .._extract import ALARM_KEYS, ALARM_RESULT, CONTAINER_KEYS
from .._names import normalise_field
from .._schema import POLYGON
from .blocks import out_of_range
from .columns import explode, floats, lengths, polygons, repeat_ids, valid
from .columns import field as child
from .rows import Rows

__all__ = ["Level", "FieldRows", "object_rows", "is_scalar"]


def is_scalar(t: Any) -> bool:
    """A JSON scalar type as pyarrow infers it (dates read as text, see ``fields``)."""
    import pyarrow as pa

    return (
        pa.types.is_string(t) or pa.types.is_boolean(t) or pa.types.is_int64(t)
        or pa.types.is_float64(t)
    )  # fmt: skip


@dataclass
class Level:
    """Objects walked together: ``file`` of each, ``rank`` (objects x children: text order of
    each child's key, -1 when not found), and for nested objects the order of the key holding
    them (``outer``), their index in its list (``element``, -1 for a single object) and the
    ``group`` of their rows (codes of :meth:`FieldRows.group`; None: the top, group "")."""

    file: np.ndarray
    rank: np.ndarray
    outer: np.ndarray | None = None
    element: np.ndarray | None = None
    group: np.ndarray | None = None


@dataclass
class FieldRows:
    """``fields`` rows collected from several levels, built into one :class:`Rows`.
    ``apis``: the distinct APIs, ``api_of_file``: the code (index in ``apis``) of each file."""

    apis: list[str | None]
    api_of_file: np.ndarray
    parts: list[dict[str, Any]] = field(default_factory=list)
    groups: dict[str, int] = field(default_factory=lambda: {"": 0})
    names: dict[tuple[int, str, int], int] = field(default_factory=dict)

    def group(self, name: str) -> int:
        """The code of group ``name``."""
        return self.groups.setdefault(name, len(self.groups))

    def add(self, level: Level, obj: np.ndarray, name: str, rank: np.ndarray, value: Any,
            conf: np.ndarray, xy: np.ndarray, item: np.ndarray | None = None) -> None:  # fmt: skip
        """Rows of field ``name`` for objects ``obj`` (one per row) of ``level``."""
        file = level.file[obj]
        m = len(obj)
        if level.group is None and len(self.apis) == 1:
            code = np.full(m, self._code(0, name, 0), dtype=np.int64)
        else:
            group = np.zeros(m, dtype=np.int64) if level.group is None else level.group[obj]
            combo = group * len(self.apis) + self.api_of_file[file]
            kinds, inverse = np.unique(combo, return_inverse=True)
            codes = [self._code(int(c) // len(self.apis), name, int(c) % len(self.apis))
                     for c in kinds]  # fmt: skip
            code = np.asarray(codes, dtype=np.int64)[inverse.reshape(-1)]
        nested = level.outer is not None
        self.parts.append({
            "file": file,
            "order": (level.outer[obj] if nested else rank,
                      np.full(m, -1) if level.element is None else level.element[obj],
                      rank if nested else np.full(m, -1),
                      np.full(m, -1) if item is None else item),
            "code": code, "value": value, "conf": conf, "xy": xy,
        })  # fmt: skip

    def _code(self, group: int, name: str, api: int) -> int:
        return self.names.setdefault((group, name, api), len(self.names))

    def rows(self, pages: np.ndarray) -> Rows:
        """The rows collected in the walk's order, with ``page`` from each file's ``pages``."""
        import pandas as pd
        import pyarrow as pa

        if not self.parts:
            return Rows({}, np.zeros(0, dtype=np.int64))
        p, self.parts = self.parts, []  # let each piece go once joined
        file = np.concatenate([x["file"] for x in p])
        outer, element, inner, item = (np.concatenate([x["order"][k] for x in p]) for k in range(4))
        perm = np.lexsort((item, inner, element, outer, file))
        del outer, element, inner
        file, item = file[perm], item[perm]
        code = np.concatenate([x["code"] for x in p])[perm]
        xy = np.concatenate([x.pop("xy") for x in p])
        group_names = list(self.groups)
        keys = [(group_names[g], n, self.apis[a]) for g, n, a in self.names]
        cols = {
            "page": pages[file],
            "group": repeat_ids([g for g, _, _ in keys], code),
            "field": repeat_ids([n for _, n, _ in keys], code),
            "field_norm": repeat_ids([normalise_field(n, a, g) for g, n, a in keys], code),
            "item": pd.arrays.IntegerArray(np.maximum(item, 0), item < 0),
            "value": pa.concat_arrays([x["value"] for x in p]).take(pa.array(perm)),
            "confidence": np.concatenate([x["conf"] for x in p])[perm],
            **{c: xy[perm, k] for k, c in enumerate(POLYGON)},  # one copy, in order
        }
        return Rows(cols, file)


def object_rows(objs: Any, level: Level, out: FieldRows, nested: Any = None) -> np.ndarray:
    """Add the rows of struct column ``objs`` (one object per ``level`` entry) to ``out``;
    ``nested(name, values, present, rank)`` walks a child object or list of objects (None:
    nesting is not expected here). Returns the mask of objects the walk would read otherwise."""
    import pyarrow as pa

    n = len(objs)
    alive = valid(objs)
    every = np.arange(n)
    bad = np.zeros(n, dtype=bool)
    names = [f.name for f in objs.type]
    conf_map = _map(objs, "confidence", alive)
    loc_map = _map(objs, "text_location", alive)
    used_conf: dict[str, np.ndarray] = {}
    used_loc: dict[str, np.ndarray] = {}
    if "type" in names and "location" in names:  # a classified object (auto classification)
        bad |= valid(child(objs, "type")) & valid(child(objs, "location"))
    for k, name in enumerate(names):
        t = objs.type.field(k).type
        values = child(objs, name)
        present = valid(values) & alive
        if not present.any():
            continue
        if (conf_map is not None and name == "confidence") or (
            loc_map is not None and name == "text_location"
        ):
            continue
        rank = level.rank[:, k]
        bad |= present & (rank < 0)
        if name in CONTAINER_KEYS or name in ALARM_KEYS or ALARM_RESULT.match(name):
            bad |= present
            continue
        if name in BASE64_FIELDS and pa.types.is_string(t):
            continue  # a payload: no row
        everyone = bool(present.all())
        obj = every if everyone else np.flatnonzero(present)
        if is_scalar(t):
            used_conf[name] = used_loc[name] = present
            text, odd = _texts(values if everyone else values.filter(pa.array(present)))
            bad[obj[odd]] = True
            conf, xy, odd = _maps(conf_map, loc_map, name, obj, n)
            bad[obj[odd]] = True
            out.add(level, obj, name, rank[obj], text, conf, xy)
            continue
        if not pa.types.is_list(t):  # an object
            if nested is None:
                bad |= present
            else:
                bad |= nested(name, values, present, rank)
            continue
        sizes = lengths(values)
        empty = present & (sizes == 0)
        if empty.any():  # "[]": one row with an empty value
            used_conf[name] = used_loc[name] = empty
            e = np.flatnonzero(empty)
            conf, xy, odd = _maps(conf_map, loc_map, name, e, n)
            bad[e[odd]] = True
            out.add(level, e, name, rank[e], pa.array([""] * len(e)), conf, xy)
        full = present & (sizes > 0)
        if not full.any():
            continue
        vt = t.value_type
        if is_scalar(vt):
            used_conf[name] = used_loc[name] = present
            bad |= _items(values, full, name, rank, level, out, conf_map, loc_map)
        elif pa.types.is_struct(vt) and nested is not None and not _kv_like(vt):
            bad |= nested(name, values, full, rank)
        elif pa.types.is_list(vt) and name.endswith("location"):
            used_conf[name] = used_conf.get(name, empty) | full
            f = np.flatnonzero(full)
            xy, _, odd = polygons(values.filter(pa.array(full)))
            bad[f[odd]] = True
            conf, _, odd = _maps(conf_map, None, name, f, n)
            bad[f[odd]] = True
            out.add(level, f, name, rank[f], pa.nulls(len(f), pa.string()), conf, xy)
        else:
            bad |= full
    for the_map, used in ((conf_map, used_conf), (loc_map, used_loc)):
        if the_map is not None:
            for f in the_map.type:  # an entry for no field of the object: other / its own row
                given = valid(child(the_map, f.name))
                bad |= given & ~used.get(f.name, np.zeros(n, dtype=bool))
    return bad


def _map(objs: Any, name: str, alive: np.ndarray) -> Any:
    """The ``confidence`` / ``text_location`` map of each object (a struct child), or None."""
    import pyarrow as pa

    k = objs.type.get_field_index(name)
    if k < 0 or not pa.types.is_struct(objs.type.field(k).type):
        return None
    return child(objs, name)


def _maps(conf_map: Any, loc_map: Any, name: str, obj: np.ndarray, n: int) -> tuple[Any, Any, Any]:
    """Confidence and polygon of field ``name`` for objects ``obj`` (of ``n``) from their
    maps, and the mask of values the general walk would send to ``other``."""
    import pyarrow as pa

    m = len(obj)
    conf, xy, odd = np.full(m, np.nan), np.full((m, 8), np.nan), np.zeros(m, dtype=bool)

    def take(arr: Any) -> Any:
        return arr if m == n else arr.take(pa.array(obj))

    if conf_map is not None and conf_map.type.get_field_index(name) >= 0:
        c = take(child(conf_map, name))
        if pa.types.is_integer(c.type) or pa.types.is_floating(c.type):
            conf = floats(c)
            odd |= out_of_range(conf)
        else:
            odd |= valid(c)
    if loc_map is not None and loc_map.type.get_field_index(name) >= 0:
        loc = take(child(loc_map, name))
        if pa.types.is_list(loc.type) and pa.types.is_list(loc.type.value_type):
            xy, _, bad = polygons(loc)
            odd |= bad
        else:
            odd |= valid(loc)
    return conf, xy, odd


def _items(values: Any, full: np.ndarray, name: str, rank: np.ndarray, level: Level,
           out: FieldRows, conf_map: Any, loc_map: Any) -> np.ndarray:  # fmt: skip
    """One row per element of the lists of scalars ``values`` (where ``full``), each with the
    field's confidence and polygon."""
    import pyarrow as pa

    bad = np.zeros(len(values), dtype=bool)
    f = np.flatnonzero(full)
    elems, of, item = explode(values.filter(pa.array(full)), f)
    text, odd = _texts(elems)
    bad[of[odd]] = True
    conf, xy, odd = _maps(conf_map, loc_map, name, f, len(values))
    bad[f[odd]] = True
    back = np.searchsorted(f, of)
    out.add(level, of, name, rank[of], text, conf[back], xy[back], item)
    return bad


def _kv_like(t: Any) -> bool:
    """Objects with ``key`` and ``value``: the walk reads such lists as key-value pairs."""
    return t.get_field_index("key") >= 0 and t.get_field_index("value") >= 0


def _texts(values: Any) -> tuple[Any, np.ndarray]:
    """``rules.text`` of scalar column ``values`` as a string column, and the mask of values
    whose text only the general walk gives exactly (a double: was it written ``1`` or
    ``1.0``, and which digits?)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = values.type
    if pa.types.is_string(t):
        return values, np.zeros(len(values), dtype=bool)
    if pa.types.is_boolean(t):
        return pc.if_else(values, "true", "false"), np.zeros(len(values), dtype=bool)
    if pa.types.is_integer(t):
        return pc.cast(values, pa.string()), np.zeros(len(values), dtype=bool)
    return pa.nulls(len(values), pa.string()), valid(values)
