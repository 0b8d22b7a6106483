"""The confidence and location maps an object gives the objects it holds, read as the general
walk reads them (:func:`ocrframe.flatten._extract._child_map`). A map's entry for a key holding
an object is that object's map when it is an object itself (``{"confidence": {"front":
{"name": 0.9}}}``); for a key holding a list of objects, a list of as many objects, one map per
element. Anything else written there (the exit-entry permit's text for each endorsement) is an
``other`` row at the map's path, and the objects get no map.

>>> import pyarrow as pa
>>> entry = pa.array([[{"a": 0.9}, {"a": 0.8}], [{"a": 0.7}]])
>>> element_maps(entry, np.array([0, 0, 1]), np.array([0, 1, 0])).to_pylist()
[{'a': 0.9}, {'a': 0.8}, {'a': 0.7}]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .columns import children, explode, kept, lengths, valid
from .leftovers import map_paths

if TYPE_CHECKING:
    from .field_rows import FieldRows, Level

__all__ = ["MAP_KEYS", "own_or_given", "given_maps", "element_maps"]

MAP_KEYS = ("confidence", "text_location")  # the maps an object gives its fields


def own_or_given(
    kids: dict[str, Any], inherited: dict[str, Any] | None, n: int
) -> tuple[dict[str, dict[str, Any] | None], frozenset[str], np.ndarray]:
    """The maps (children by field name, per map key) the ``n`` objects whose children are ``kids``
    read their fields' confidences and polygons from: their own, else those their parent gave
    (``inherited``: a struct column per map key, null where none was given). Returns the maps,
    the map keys taken from the parent, and the objects the general walk must read (given a map
    and holding that key as well: the walk's choice of map then differs object by object).

    >>> import pyarrow as pa
    >>> kids = {"name": pa.array(["A"])}
    >>> maps, given, bad = own_or_given(kids, {"confidence": pa.array([{"name": 0.5}])}, 1)
    >>> list(maps["confidence"]), sorted(given), bad.tolist()
    (['name'], ['confidence'], [False])
    """
    import pyarrow as pa

    bad = np.zeros(n, dtype=bool)
    maps: dict[str, dict[str, Any] | None] = {}
    taken: set[str] = set()
    for key in MAP_KEYS:
        own = kids.get(key)
        maps[key] = children(own) if own is not None and pa.types.is_struct(own.type) else None
        given = (inherited or {}).get(key)
        if given is None or not valid(given).any():
            continue
        if own is not None:
            bad |= valid(given)
            continue
        maps[key] = children(given)
        taken.add(key)
    return maps, frozenset(taken), bad


def given_maps(
    name: str,
    values: Any,
    present: np.ndarray,
    maps: dict[str, dict[str, Any] | None],
    taken: frozenset[str],
    token: np.ndarray,
    level: Level,
    out: FieldRows,
) -> tuple[dict[str, Any], dict[str, np.ndarray], np.ndarray]:
    """The maps the objects of ``level`` give what they hold at ``name`` (``values``, walked
    where ``present``: a struct column, or lists of structs), from the entries ``name`` of
    their ``maps`` (``taken``: the map keys their parent gave them). Returns per map key the
    map of each object (aligned with ``values``: a struct column, or lists of structs as long
    as the lists; None: none given), the objects whose entry was read (per map key), and the
    objects the general walk must read. An entry that is no such map is an ``other`` row at
    key token ``token`` (its path that of the object's own map: an entry in a map a parent gave
    goes the general way)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(values)
    bad = np.zeros(n, dtype=bool)
    child: dict[str, Any] = {}
    read: dict[str, np.ndarray] = {}
    listed = pa.types.is_list(values.type)
    for key in MAP_KEYS:
        entry = (maps.get(key) or {}).get(name)
        if entry is None:
            continue
        at = valid(entry) & present
        if not at.any():
            continue
        read[key] = at
        t = entry.type
        if not listed:
            fits = at & pa.types.is_struct(t)
        elif pa.types.is_list(t) and pa.types.is_struct(t.value_type):
            fits = at & (lengths(entry) == lengths(values)) & ~_null_elements(entry)
        else:
            fits = np.zeros(n, dtype=bool)
        if fits.any():
            child[key] = pc.if_else(pa.array(fits), entry, pa.nulls(n, t))
        odd = at & ~fits
        if odd.any():
            bad |= odd if key in taken else _other_rows(key, name, entry, odd, token, level, out)
    return child, read, bad


def element_maps(entry: Any, owner: np.ndarray, element: np.ndarray) -> Any:
    """The map of each element of lists of objects: element ``element`` of list ``owner`` of
    ``entry`` (lists of maps, each as long as the list it is for, or null: then null)."""
    import pyarrow as pa

    sizes = lengths(entry)
    starts = np.cumsum(sizes) - sizes
    index = pa.array(starts[owner] + element, mask=sizes[owner] == 0)
    return entry.flatten().take(index)


def _null_elements(entry: Any) -> np.ndarray:
    """Per list of ``entry``: whether an element is ``null`` (no map: the walk's ``other``)."""
    elems, owner, _ = explode(entry, np.arange(len(entry)))
    return np.bincount(owner[~valid(elems)], minlength=len(entry)) > 0


def _other_rows(key: str, name: str, entry: Any, odd: np.ndarray, token: np.ndarray,
                level: Level, out: FieldRows) -> np.ndarray:  # fmt: skip
    """Give the entries ``odd`` of map ``key`` for ``name`` their ``other`` rows (when asked
    for); returns the objects whose entry's JSON text only the general walk gives exactly."""
    if out.other is None:  # not asked for: the walk keeps nothing of them
        return np.zeros(len(odd), dtype=bool)
    found = odd & (token >= 0)  # (a key not found sends its object the general way anyway)
    rows = np.flatnonzero(found)
    values = kept(entry, found).to_pylist()
    certain = np.array([_as_written(v) for v in values], dtype=bool)
    rows = rows[certain]
    if len(rows):
        chosen = [v for v, ok in zip(values, certain.tolist(), strict=True) if ok]
        paths = map_paths(level, rows, f"{key}.{name}", out)
        out.other.add(level.file[rows], token[rows], paths, chosen)
    bad = found.copy()
    bad[rows] = False
    return bad


def _as_written(value: Any) -> bool:
    """Whether ``value`` (as Arrow gives it back) is what the file wrote: text, an integer,
    a boolean, a double that is no whole number (Arrow reads ``1`` as ``1.0`` in a column of
    doubles), and lists of those; not an object (Arrow adds the keys other files write)."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return not value.is_integer()
    if isinstance(value, list):
        return all(map(_as_written, value))
    return False
