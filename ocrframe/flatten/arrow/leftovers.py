"""Entries of an object's ``confidence`` map that no field of the object takes, read as the
general walk reads them (:func:`ocrframe.flatten._extract._leftover_confidences`): the
confidence of a payload (a Base64 image the object holds, which gives no row of its own) is a
``fields`` row without a value; an entry for a key the object does not write (Peru's and Hong
Kong's ``portrait_image`` when no portrait was asked for) goes to ``other``, its path and its
JSON text.

>>> import pyarrow as pa
>>> other = OtherRows()
>>> other.add(np.array([0]), np.array([7]), ["result.confidence.portrait_image"], [0.97])
>>> rows = other.rows(np.array([1]))
>>> rows.columns["path"].tolist(), rows.columns["value"].tolist(), rows.order[0].tolist()
(['result.confidence.portrait_image'], ['0.97'], [7])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ...response import BASE64_FIELDS
from .. import rules
from .._extract import ALARM_KEYS, ALARM_RESULT, join_key
from .._names import normalise_field
from .blocks import out_of_range
from .columns import floats, numeric, strings, valid
from .rows import Rows

if TYPE_CHECKING:
    from .field_rows import FieldRows, Level

__all__ = ["OtherRows", "leftover_confidences", "map_paths"]


@dataclass
class OtherRows:
    """``other`` rows (a path and a JSON text each, at a key token) collected from the levels
    of a field reader's walk, built into one :class:`Rows` by :meth:`rows`."""

    parts: list[tuple[np.ndarray, np.ndarray, list[str], list[Any]]] = field(default_factory=list)

    def add(self, file: np.ndarray, token: np.ndarray, paths: list[str],
            values: list[Any]) -> None:  # fmt: skip
        """Rows of ``values`` (JSON values, as Python objects) at ``paths``, one per file
        ``file`` at key token ``token``."""
        self.parts.append((file, token, paths, values))

    def rows(self, pages: np.ndarray) -> Rows:
        """The rows, each file's in the walk's order, ``page`` from each file's ``pages``."""
        import pyarrow as pa

        if not self.parts:
            return Rows({}, np.zeros(0, dtype=np.int64))
        file = np.concatenate([p[0] for p in self.parts])
        token = np.concatenate([p[1] for p in self.parts])
        paths = [path for p in self.parts for path in p[2]]
        texts = [v if isinstance(v, str) else rules.to_json(v) for p in self.parts for v in p[3]]
        self.parts = []
        columns = {
            "page": pages[file],
            "path": strings(pa.array(paths, type=pa.large_string())),
            "value": strings(pa.array(texts, type=pa.large_string())),
        }
        return Rows(columns, file, (token,))


def leftover_confidences(name: str, given: Any, left: np.ndarray, token: np.ndarray,
                         kids: dict[str, Any], level: Level,
                         out: FieldRows) -> np.ndarray:  # fmt: skip
    """Read the entry ``name`` of the ``confidence`` maps of a level's objects (``given``:
    its values; ``left``: the objects whose entry no field took; ``token``: its key token in
    each; ``kids``: the objects' children) as the walk does; returns the objects read so (the
    others go the general way)."""
    import pyarrow as pa

    n = len(left)
    done = np.zeros(n, dtype=bool)
    at = left & (token >= 0)
    if not at.any() or name in ALARM_KEYS or ALARM_RESULT.match(name):
        return done  # an alarm key is no child of ``kids`` (the alarms took it): written?
    keys = list(kids)
    written = level.rank[:, keys.index(name)] >= 0 if name in kids else np.zeros(n, dtype=bool)
    number = numeric(given.type)
    payload = kids.get(name)
    if name in BASE64_FIELDS and payload is not None and pa.types.is_string(payload.type):
        conf = floats(given) if number else np.full(n, np.nan)
        ok = at & valid(payload) & number & ~out_of_range(conf, valid(given))
        ok &= _norm_is_name(name, level, out)
        rows = np.flatnonzero(ok)
        if len(rows):
            out.add(level, rows, out.name(name), token[rows], pa.nulls(len(rows), pa.string()),
                    conf[rows], None)  # fmt: skip
        done |= ok
    absent = at & ~written
    if out.other is None:  # ``other`` not asked for: the walk keeps nothing of these
        return done | absent
    if pa.types.is_floating(given.type):  # 1 or 1.0? only the bytes tell: the walk's to say
        conf = floats(given)
        absent &= conf != np.round(conf)
    elif not (pa.types.is_integer(given.type) or pa.types.is_string(given.type)
              or pa.types.is_boolean(given.type)):  # fmt: skip
        return done
    rows = np.flatnonzero(absent)
    if len(rows):
        values = given.take(pa.array(rows)).to_pylist()
        paths = map_paths(level, rows, f"confidence.{name}", out)
        out.other.add(level.file[rows], token[rows], paths, values)
    return done | absent


def map_paths(level: Level, rows: np.ndarray, tail: str, out: FieldRows) -> list[str]:
    """The path of ``tail`` (``confidence.name``) in objects ``rows`` of ``level``:
    ``result.confidence.name``, ``result.front.confidence.name``, ``result[0]...``."""
    groups = list(out.groups)
    group = np.zeros(len(level.file), dtype=np.int64) if level.group is None else level.group
    return [f"{_path_of(groups[g])}.{tail}" for g in group[rows].tolist()]


def _path_of(group: str) -> str:
    """The path of the objects of ``group``: ``result``, ``result.front``, ``result[0]``...
    (the walk's rule for joining a key to a path)."""
    return join_key("result", group) if group else "result"


def _norm_is_name(name: str, level: Level, out: FieldRows) -> np.ndarray:
    """Per object: whether the rows of field ``name`` keep ``name`` as their normalised name
    (the walk's row of a payload's confidence does), whatever the object's API and group."""
    groups, apis = list(out.groups), len(out.apis)
    group = np.zeros(len(level.file), dtype=np.int64) if level.group is None else level.group
    distinct, inverse = np.unique(group * apis + out.api_of_file[level.file], return_inverse=True)
    same = [normalise_field(name, out.apis[k % apis], groups[k // apis]) == name
            for k in distinct.tolist()]  # fmt: skip
    return np.asarray(same, dtype=bool)[inverse.reshape(-1)]
