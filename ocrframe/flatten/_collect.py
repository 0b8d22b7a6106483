"""What the walk collects: column lists per frame family, and the helpers every family uses
to put a value in its frame or, when it does not fit, in ``other`` with its JSON path."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from itertools import repeat
from typing import Any

import numpy as np

from ..detection import FONT_KEYS
from . import rules
from ._schema import BBOX, MISSING, SCHEMAS, column_array, concat_arrays

# The members each structure's frame covers (the rest of an object goes to other).
WORD_KEYS = frozenset({"words", "confidence", "location", "char_list", "words_list"}) | FONT_KEYS
PIECE_KEYS = WORD_KEYS - {"words_list"}  # General Table pieces have no pieces of their own
CHAR_KEYS = frozenset({"char", "char_confidence", "char_location"})
CELL_KEYS = frozenset({"words", "confidence", "location", "words_list", "rows", "columns",
                       "cell_location"})  # fmt: skip


ARRAY_ROWS = 1024  # rows from a whole list at once: kept as typed arrays from this many


class Extraction:
    """Column lists per family, filled by :func:`ocrframe.flatten._extract.extract`.

    ``families`` limits what is kept (``words(x)`` collects words only, and the walk skips
    what only other families need, such as characters). One Extraction can hold many
    responses: :meth:`begin` starts one (ids such as table numbers restart),
    :meth:`rollback` removes a response that turned out unreadable half-way, and :meth:`pack`
    (between responses) turns the rows held so far into typed arrays.
    """

    def __init__(self, families: Iterable[str] | None = None) -> None:
        self.wanted = frozenset(SCHEMAS if families is None else families)
        # Per family, made when first used: a response fills a few of the dozen families,
        # and another engine's reader makes an Extraction per file.
        self.cols: dict[str, dict[str, list[Any]]] = _PerFamily(_empty_columns)
        self._appends = _PerFamily(partial(_appends_of, self.cols))
        self.counts: dict[str, int] = dict.fromkeys(SCHEMAS, 0)  # rows held in the lists
        self.document: dict[int, dict[str, Any]] = {}
        self.ids: dict[tuple[Any, ...], int] = {}  # next table / pair number per page
        # Rows already packed, per family: typed arrays per column (see pack).
        self.packed: dict[str, dict[str, list[Any]]] = _PerFamily(_empty_columns)
        self.packed_rows: dict[str, int] = dict.fromkeys(SCHEMAS, 0)
        self.start: dict[str, int] = dict.fromkeys(SCHEMAS, 0)  # rows when this response began

    def wants(self, *families: str) -> bool:
        return any(f in self.wanted for f in families)

    def rows(self, name: str) -> int:
        """Rows of family ``name`` (held and packed)."""
        return self.packed_rows[name] + self.counts[name]

    def new_rows(self, name: str) -> int:
        """Rows of family ``name`` added since :meth:`begin`."""
        return self.rows(name) - self.start[name]

    def begin(self) -> None:
        """Start the next response: ids restart, its rows can be rolled back."""
        self.start = {name: self.rows(name) for name in SCHEMAS}
        self.ids = {}
        self.document = {}

    def rollback(self) -> None:
        for name, n in self.start.items():
            held = n - self.packed_rows[name]
            if held < 0:  # some of this response's rows were packed: cut the arrays
                for chunks in self.packed[name].values():
                    _truncate(chunks, n)
                self.packed_rows[name], held = n, 0
            for lst in self.cols.get(name, {}).values():
                del lst[held:]
            self.counts[name] = held
        self.document = {}

    def held(self) -> int:
        """Rows held as Python values (not yet packed), over all families."""
        return sum(self.counts.values())

    def pack(self, families: Iterable[str] | None = None) -> None:
        """Turn the rows held so far into typed arrays (a float costs 8 bytes there, 32 as a
        Python object in a list). :meth:`take` joins them."""
        for name in self.cols if families is None else families:
            n = self.counts[name]
            if not n:
                continue
            dtypes = dict(SCHEMAS[name])
            for col, values in self.cols[name].items():
                self.packed[name][col].append(column_array(values, dtypes[col], n))
                values.clear()
            self.packed_rows[name] += n
            self.counts[name] = 0

    def add_columns(self, family: str, n: int, columns: dict[str, Any]) -> None:
        """Add ``n`` rows given column-wise (an array or list per column, or one value for
        every row; missing columns are NA), kept as typed arrays."""
        if not n or family not in self.wanted:
            return
        if n < ARRAY_ROWS:  # a typed array per column costs more than it saves
            for col, lst in self.cols[family].items():
                values = columns.get(col, MISSING.get(col))
                if isinstance(values, np.ndarray):
                    lst.extend(values.tolist())
                else:
                    lst.extend(values if isinstance(values, list) else repeat(values, n))
            self.counts[family] += n
            return
        self.pack([family])  # the rows held so far come first
        dtypes = dict(SCHEMAS[family])
        for col, chunks in self.packed[family].items():
            values = columns.get(col, MISSING.get(col))
            if not isinstance(values, (list, np.ndarray)):
                values = [values] * n
            chunks.append(column_array(values, dtypes[col], n))
        self.packed_rows[family] += n

    def take(self, name: str) -> dict[str, Any]:
        """Hand over the columns of family ``name`` (lists, or arrays once packed) for
        :func:`~ocrframe.flatten._schema.build_frame`; the family is left empty."""
        if not self.packed_rows[name]:
            cols = self.cols[name]
            self.cols[name] = {c: [] for c in cols}
            self._appends[name] = _appends(self.cols[name])
        else:
            self.pack([name])
            cols = {c: _joined(chunks) for c, chunks in self.packed[name].items()}
        self.counts[name] = self.packed_rows[name] = self.start[name] = 0
        return cols

    def next_id(self, key: tuple[Any, ...], n: int = 0) -> int:
        """The next free number for ``key`` (e.g. ``(page, "table")``), reserving ``n``."""
        start = self.ids.get(key, 0)
        self.ids[key] = start + n
        return start

    def add(self, family: str, values: dict[str, Any]) -> None:
        if family not in self.wanted:
            return
        get = values.get
        for col, append, missing in self._appends[family]:
            append(get(col, missing))
        self.counts[family] += 1

    def add_row(self, family: str, values: tuple[Any, ...]) -> None:
        """Add one row given in the column order of ``cols[family]`` (the schema's, without
        the bounding box): cheaper than :meth:`add` for the walk's most frequent rows."""
        if family not in self.wanted:
            return
        for (_, append, _), value in zip(self._appends[family], values, strict=True):
            append(value)
        self.counts[family] += 1

    def absorb(self, other: Extraction) -> None:
        """Append the rows and document keys of ``other`` (one response, read elsewhere:
        another engine's result) for the families this Extraction wants."""
        for name in self.wanted:
            if name in other.cols:
                for col, values in other.cols[name].items():
                    self.cols[name][col].extend(values)
                self.counts[name] += other.counts[name]
        for page, keys in other.document.items():
            self.document.setdefault(page, {}).update(keys)

    def other(self, page: int, path: str, value: Any) -> None:
        if "other" not in self.wanted:
            return
        self.add_row("other", (page, path, _as_text(value)))

    def others(self, pages: list[int], paths: list[str], values: list[Any]) -> None:
        """Many :meth:`other` rows at once, given column-wise (a leftovers walk's).

        >>> ex = Extraction(["other"])
        >>> ex.others([1, 2], ["a", "b"], ["x", 1.5]); ex.take("other")["value"]
        ['x', '1.5']
        """
        if "other" not in self.wanted or not pages:
            return
        cols = self.cols["other"]
        cols["page"].extend(pages)
        cols["path"].extend(paths)
        cols["value"].extend(map(_as_text, values))
        self.counts["other"] += len(pages)

    def doc(self, page: int, key: str, value: Any) -> None:
        if "document" in self.wanted:
            self.document.setdefault(page, {})[key] = value


def _as_text(value: Any) -> Any:
    """An ``other`` value as the frame holds it: text as it is, anything else as JSON."""
    if value is None or isinstance(value, str):
        return value
    return rules.to_json(value)


class _PerFamily(dict):
    """A dict of per-family values, each made by ``make(family)`` when first looked up."""

    def __init__(self, make: Any) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, family: str) -> Any:
        value = self[family] = self._make(family)
        return value


def _empty_columns(family: str) -> dict[str, list[Any]]:
    """An empty list per column of ``family``'s frame (the bounding box is computed)."""
    return {c: [] for c, _ in SCHEMAS[family] if c not in BBOX}


def _appends_of(cols: dict[str, dict[str, list[Any]]], family: str) -> list[tuple[str, Any, Any]]:
    return _appends(cols[family])


def _appends(cols: dict[str, list[Any]]) -> list[tuple[str, Any, Any]]:
    """Per column of a family: its name, its list's ``append`` and what a row that gives no
    value for it holds (:data:`~ocrframe.flatten._schema.MISSING`)."""
    return [(col, lst.append, MISSING.get(col)) for col, lst in cols.items()]


def _joined(chunks: list[Any]) -> Any:
    """One array from the typed arrays of :meth:`Extraction.pack` (released once joined)."""
    if len(chunks) == 1:
        return chunks.pop()
    out = concat_arrays(chunks)  # numpy, or a pandas extension array (Int64, boolean, str)
    chunks.clear()
    return out


def _truncate(chunks: list[Any], n: int) -> None:
    """Keep the first ``n`` rows of a column's typed arrays."""
    kept = 0
    for i, chunk in enumerate(chunks):
        if kept + len(chunk) >= n:
            chunks[i:] = [chunk[: n - kept]] if n > kept else []
            return
        kept += len(chunk)


def dict_items(ex: Extraction, items: Any, path: str, page: int) -> Iterator[tuple[int, str, dict]]:
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


NO_POLYGON = (None,) * 8  # the polygon columns of a row without one


def checked_confidence(ex: Extraction, value: Any, page: int, where: str, key: str) -> Any:
    """The confidence ``value`` (member ``key`` of the object at ``where``) as a float or
    None; a value that is not one goes to other."""
    if value is None:
        return None
    c = rules.confidence(value)
    if c is None:
        ex.other(page, f"{where}.{key}", value)
    return c


def checked_polygon(ex: Extraction, value: Any, page: int, where: str, key: str) -> Any:
    """The polygon ``value`` (member ``key`` of the object at ``where``) as 8 floats or
    None; a value that is not one goes to other."""
    if value is None:
        return None
    poly = rules.polygon(value)
    if poly is None:
        ex.other(page, f"{where}.{key}", value)
    return poly


def keep_rest(ex: Extraction, obj: dict, path: str, page: int, handled: Iterable[str]) -> None:
    """Every member of ``obj`` not handled by its frame goes to other."""
    for key, value in obj.items():
        if key not in handled:
            ex.other(page, f"{path}.{key}", value)
