"""What every engine reader shares: the :class:`Reader` that fills the frame columns, marks
which JSON paths it used, and sends every scalar it did not use to ``other`` with its path.

A reader never has to remember to keep a value: :meth:`Reader.finish` walks the whole input
and keeps whatever was not marked used, so the frames plus ``other`` always hold every value.

>>> r = Reader({"a": {"b": 1, "c": "x"}})
>>> r.use("a.b")
>>> r.finish().cols["other"]["path"]
['a.c']
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..flatten import Extraction
from ..flatten.rules import confidence, number
from ..parsing import MAX_PAGES, page_number

__all__ = [
    "join_path",
    "dict_items",
    "POLYGON_COLUMNS",
    "Reader",
    "num",
    "conf",
    "quad",
    "quad_xy",
    "quad_flat",
    "rect",
    "snake",
    "get",
    "listed",
    "text_of",
    "whole",
    "page_number",
    "MAX_PAGES",
    "INT64_MAX",
]


POLYGON_COLUMNS = ("x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4")


def num(v: Any) -> float | None:
    """A finite float from a number or numeric string; None otherwise: the frames' one rule
    (:func:`ocrframe.flatten.rules.number`), floats, what engines write most, tested first.

    >>> num(2), num("1.5"), num(True), num(float("nan")), num(None), num(10**400)
    (2.0, 1.5, None, None, None, None)
    """
    if type(v) is float:
        return v if math.isfinite(v) else None
    return number(v)


INT64_MAX = 2**63 - 1


def whole(v: Any, least: int = 0, most: int = INT64_MAX) -> int | None:
    """``v`` when it is an integer (not a bool) from ``least`` to ``most``, else None: the one
    test of every index, span, page number and count an engine gives (page numbers go up to
    ``MAX_PAGES``).

    >>> whole(3), whole(0, least=1), whole(True), whole(2.0), whole(10**30)
    (3, None, None, None, None)
    """
    if type(v) is int and least <= v <= most:
        return v
    return None


def conf(v: Any, scale: float = 1.0) -> float | None:
    """A confidence from ``v`` on a 0..``scale`` scale, as the frames' rule reads one
    (:func:`ocrframe.flatten.rules.confidence`: in ``CONFIDENCE_RANGE``); None when absent
    or out of range (Tesseract's -1 means "none").

    >>> conf(95, 100), conf(-1, 100), conf(0.5)
    (0.95, None, 0.5)
    """
    f = num(v)
    return None if f is None else confidence(f / scale)


def rect(x0: float, y0: float, x1: float, y1: float) -> list[float]:
    """The 8 polygon values of an axis-aligned box, clockwise from the top-left."""
    return [x0, y0, x1, y0, x1, y1, x0, y1]


def quad(points: list[tuple[float, float]]) -> tuple[list[float], bool]:
    """8 polygon values from points, and whether they are exact: 4 points are kept as they
    are; any other number is replaced by its bounding rectangle (inexact)."""
    if len(points) == 4:
        return [c for p in points for c in p], True
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return rect(min(xs), min(ys), max(xs), max(ys)), False


_PLAIN_NUMBERS = (float, int)  # types of JSON numbers (bool is a type of its own)


def quad_xy(v: Any, x: str = "x", y: str = "y", default: float | None = None) -> Any:
    """Points from ``[{"x": .., "y": ..}, ...]`` (Vision omits zero coordinates: ``default``).
    A point holding any other key is not exact: the list stays for ``other`` with it.

    >>> quad_xy([{"x": 0, "y": 0}, {"x": 2}, {"x": 2, "y": 1}, {"y": 1}], default=0.0)
    ([0.0, 0.0, 2.0, 0.0, 2.0, 1.0, 0.0, 1.0], True)
    >>> quad_xy([{"X": 0, "Y": 0, "Z": 5}, {"X": 1, "Y": 0}, {"X": 1, "Y": 1}], "X", "Y")[1]
    False
    >>> quad_xy([{"X": 0.5, "Y": 0}, {"X": 1, "Y": 0}, {"X": 1, "Y": 1}, {"X": 0, "Y": True}],
    ...         "X", "Y"), quad_xy([{"x": 1, "y": 2}] * 3 + [{"x": float("nan"), "y": 0}])
    (None, None)
    """
    if not isinstance(v, list) or not v:
        return None
    if len(v) == 4:  # what engines write: 4 points of 2 finite numbers (no other test then)
        a, b, c, d = v
        if type(a) is type(b) is type(c) is type(d) is dict and len(a) == len(b) == len(c) == 2:
            flat = [a.get(x), a.get(y), b.get(x), b.get(y), c.get(x), c.get(y), d.get(x), d.get(y)]
            plain = _plain_floats(flat) if len(d) == 2 else None
            if plain is not None:
                return plain, True
    if not all(isinstance(p, dict) for p in v):
        return None
    pts = []
    for p in v:
        px, py = num(p.get(x, default)), num(p.get(y, default))
        if px is None or py is None:
            return None
        pts.append((px, py))
    values, exact = quad(pts)
    return values, exact and all(k in (x, y) for p in v for k in p)


def quad_flat(v: Any) -> Any:
    """Points from a flat ``[x1, y1, x2, y2, ...]`` list (Azure) or ``[[x, y], ...]`` (Paddle)."""
    if not isinstance(v, list) or not v:
        return None
    plain = _plain_quad(v)
    if plain is not None:
        return plain, True
    if all(isinstance(p, (list, tuple)) for p in v):
        flat = [c for p in v for c in p]
        if any(len(p) != 2 for p in v):
            return None
    else:
        flat = v
    values = [num(c) for c in flat]
    if len(values) % 2 or len(values) < 4 or any(c is None for c in values):
        return None
    return quad(list(zip(values[::2], values[1::2], strict=True)))


def _plain_quad(v: list[Any]) -> list[float] | None:
    """The 8 coordinates of 4 points as engines write them (8 numbers, or 4 pairs), when all
    are finite numbers; None for anything else, which :func:`quad_flat` reads the long way.

    >>> _plain_quad([[0, 1], [2, 1], [2, 3], [0, 3]]), _plain_quad([0, 1, 2, 1, 2, 3, 0, True])
    ([0.0, 1.0, 2.0, 1.0, 2.0, 3.0, 0.0, 3.0], None)
    """
    if len(v) == 4 and all(type(p) is list and len(p) == 2 for p in v):
        v = [*v[0], *v[1], *v[2], *v[3]]
    return _plain_floats(v) if len(v) == 8 else None


def _plain_floats(values: list[Any]) -> list[float] | None:
    """``values`` as floats when each is a JSON number (no bool, no text) and all are finite
    (what :func:`num` gives them then, without its tests per value); None otherwise.

    >>> _plain_floats([1, 2.5]), _plain_floats([1, 10**400]), _plain_floats([1, "2"])
    ([1.0, 2.5], None, None)
    """
    if not all(type(c) in _PLAIN_NUMBERS for c in values):
        return None
    try:
        floats = [float(c) for c in values]
    except OverflowError:  # an integer beyond float range
        return None
    return floats if math.isfinite(sum(floats)) else None


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


@lru_cache(maxsize=4096)
def snake(name: str) -> str:
    """``rowIndex`` -> ``row_index`` (the Python SDKs' spelling of the REST names);
    ``FIRST_NAME`` -> ``first_name``; ``Given Names`` -> ``given_names``.

    >>> snake("DateOfBirth"), snake("FIRST_NAME"), snake("Given Names")
    ('date_of_birth', 'first_name', 'given_names')
    """
    if name.isupper() or not any(c.islower() for c in name):
        out = name
    else:
        out = _CAMEL.sub("_", name.replace(" ", ""))
    return re.sub(r"[\s\-_]+", "_", out).strip("_").lower()


def get(obj: Any, name: str) -> tuple[str | None, Any]:
    """``(key, value)`` of ``obj[name]`` in camelCase or snake_case; ``(None, None)`` if absent.
    Google's Python clients write a field named like a Python builtin with a trailing
    underscore (``Document.to_dict()``: an entity's ``type_``), so that spelling is taken too.

    >>> get({"row_index": 2}, "rowIndex"), get({"type_": "total"}, "type")
    (('row_index', 2), ('type_', 'total'))
    """
    if not isinstance(obj, dict):
        return None, None
    if name in obj:
        return name, obj[name]
    alt = snake(name)
    if alt in obj:
        return alt, obj[alt]
    alt += "_"
    if alt in obj:
        return alt, obj[alt]
    return None, None


def listed(v: Any) -> list[Any]:
    """``v`` when it is a list, else no elements: a reader walks lists through this, so a
    malformed value (a number where a list belongs) is not walked and stays in ``other``.

    >>> listed([1, 2]), listed(5), listed({"a": 1})
    ([1, 2], [], [])
    """
    return v if isinstance(v, list) else []


def text_of(v: Any) -> str | None:
    """``v`` when it is a string (an id, a type, a text), else None.

    >>> text_of("w1"), text_of(["w1"])
    ('w1', None)
    """
    return v if isinstance(v, str) else None


def join_path(base: str, key: str) -> str:
    """``base.key``, or ``key`` at the top level."""
    return f"{base}.{key}" if base else key


def dict_items(obj: Any, base: str, name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The dict elements of ``obj[name]`` (either spelling) with their JSON paths.

    >>> list(dict_items({"pages": [{"n": 1}, 5]}, "doc", "pages"))
    [('doc.pages[0]', {'n': 1})]
    """
    key, items = get(obj, name)
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield f"{join_path(base, key)}[{i}]", item


class Reader:
    """Frame columns being filled from one parsed input, and the JSON paths already used."""

    def __init__(self, raw: Any, other: bool = True) -> None:
        self.raw = raw
        self.ex = Extraction()
        self.other = other  # whether finish() keeps what no frame holds (else: not walked)
        self.used: set[str] = set()
        self.page_of: dict[str, int] = {}  # path prefix -> page, for `other` rows
        # family -> (rows counted, rows per page) for count()
        self.counted: dict[str, tuple[int, dict[Any, int]]] = {}

    def use(self, *paths: str | None) -> None:
        """Mark paths (and everything under them) as held by a frame (only ``other`` needs
        to know: nothing is marked when it is not gathered)."""
        if not self.other:
            return
        if len(paths) == 1:  # the usual call
            if paths[0]:
                self.used.add(paths[0])
            return
        self.used.update(p for p in paths if p)

    def add(self, family: str, row: dict[str, Any]) -> None:
        self.ex.add(family, row)

    def count(self, family: str, page: int | None = None) -> int:
        """Rows of ``family`` so far (on ``page``). Rows are only ever appended, so each call
        counts only the rows added since the one before: numbering every word of a 200-page
        result this way is linear, not quadratic.

        >>> r = Reader({})
        >>> r.add("words", {"page": 1}); r.add("words", {"page": 2}); r.count("words", 1)
        1
        >>> r.add("words", {"page": 1}); r.count("words", 1), r.count("words")
        (2, 3)
        """
        pages = self.ex.cols[family]["page"]
        if page is None:
            return len(pages)
        seen, per_page = self.counted.setdefault(family, (0, {}))
        for p in pages[seen:] if seen < len(pages) else ():
            per_page[p] = per_page.get(p, 0) + 1
        self.counted[family] = (len(pages), per_page)
        return per_page.get(page, 0)

    def next_table(self, page: int) -> int:
        """The number of the next table on ``page`` (tables are counted per page)."""
        cols = self.ex.cols["cells"]
        tables = {t for p, t in zip(cols["page"], cols["table"], strict=True) if p == page}
        return max(tables) + 1 if tables else 0

    def polygon(self, row: dict[str, Any], found: Any, path: str) -> bool:
        """Put ``found`` (from ``quad*``) in ``row``; mark ``path`` used when it was exact."""
        if found is None:
            return False
        row.update(zip(POLYGON_COLUMNS, found[0], strict=True))
        if found[1]:
            self.use(path)
        return True

    def page_property(
        self, page: int, obj: Any, path: str, name: str, as_name: str | None = None
    ) -> None:
        """``obj[name]`` as the page property ``as_name`` (default ``name``) when it is what
        such a property is, marked used; else left for ``other``. ``width``, ``height`` and
        ``angle`` are finite numbers, ``unit`` and ``language`` texts.

        >>> r = Reader({"width": {"a": 1}, "unit": "inch"})
        >>> r.page_property(1, r.raw, "", "width"); r.page_property(1, r.raw, "", "unit")
        >>> r.ex.document, sorted(r.used)
        ({1: {'unit': 'inch'}}, ['unit'])
        """
        key, v = get(obj, name)
        if name in ("unit", "language"):
            fits = isinstance(v, str)
        else:  # a number as written (no text, no bool), finite
            fits = isinstance(v, (int, float)) and not isinstance(v, bool) and num(v) is not None
        if key is not None and fits:
            self.doc(page, as_name or name, v, join_path(path, key))

    def normalized_page(self, page: int) -> None:
        """``page``'s coordinates are fractions of the page: width = height = 1."""
        self.doc(page, "width", 1.0)
        self.doc(page, "height", 1.0)
        self.doc(page, "unit", "normalized")

    def doc(self, page: int, key: str, value: Any, path: str | None = None) -> None:
        """A page property for the ``document`` frame (``path`` is marked used)."""
        self.ex.doc(page, key, value)
        self.use(path)

    def value(self, obj: Any, path: str, name: str) -> tuple[Any, str]:
        """``obj[name]`` (camelCase or snake_case) marked used, with its path."""
        key, v = get(obj, name)
        where = f"{path}.{key}" if key else f"{path}.{name}"
        if key is not None:
            self.use(where)
        return v, where

    def confidence(
        self, obj: Any, path: str, name: str = "confidence", scale: float = 1.0, keep: bool = True
    ) -> float | None:
        """``obj[name]`` (either spelling) as a confidence (:func:`conf`), marked used when it is
        one and the caller's frame ``keep``s it; else the value is left for ``other``.

        >>> r = Reader({"a": {"confidence": "high"}, "b": {"Confidence": 95}})
        >>> r.confidence(r.raw["a"], "a"), r.confidence(r.raw["b"], "b", "Confidence", 100)
        (None, 0.95)
        >>> sorted(r.used)
        ['b.Confidence']
        """
        key, v = get(obj, name)
        c = conf(v, scale)
        if c is not None and key is not None and keep:
            self.use(f"{path}.{key}")
        return c

    def whole(
        self, obj: Any, path: str, name: str, least: int = 0, most: int = INT64_MAX
    ) -> int | None:
        """``obj[name]`` (either spelling) when :func:`whole` takes it, marked used; else None,
        and the value is left for ``other``."""
        key, v = get(obj, name)
        n = whole(v, least, most)
        if n is not None:
            self.use(join_path(path, key))
        return n

    def page(self, obj: Any, path: str, name: str) -> int | None:
        """``obj[name]`` when it is a :func:`page_number`, marked used; else None (left for
        ``other``)."""
        return self.whole(obj, path, name, 1, MAX_PAGES)

    def page_index(self, obj: Any, path: str, name: str) -> int | None:
        """The page number (1-based) of a 0-based ``obj[name]``, marked used; else None."""
        index = self.whole(obj, path, name, 0, MAX_PAGES - 1)
        return None if index is None else index + 1

    def finish(self) -> Extraction:
        """Every scalar not marked used goes to ``other`` with its path (unless the reader
        was told ``other`` is not wanted); returns the frames."""
        if self.other:
            found: tuple[list[int], list[str], list[Any]] = ([], [], [])
            _leftovers(self.raw, "", 1, self.used, self.page_of, found)
            self.ex.others(*found)
        return self.ex


def _leftovers(node: Any, path: str, page: int, used: set[str], page_of: dict[str, int],
               found: tuple[list[int], list[str], list[Any]]) -> None:  # fmt: skip
    """The scalars under ``node`` (at ``path``) no frame holds (``used``: the paths a frame
    holds, each with everything under it), into ``found`` (pages, paths, values) in text
    order; ``page_of``: the page of the values under a path. A scalar member is taken where
    it is met (most leftovers are: no call per value)."""
    if path in used:
        return
    page = page_of.get(path, page)
    if isinstance(node, dict):
        prefix = f"{path}." if path else ""
        children: Any = ((f"{prefix}{k}", v) for k, v in node.items())
    elif isinstance(node, list):
        children = ((f"{path}[{i}]", v) for i, v in enumerate(node))
    else:
        children = ()
        found[0].append(page)
        found[1].append(path)
        found[2].append(node)
    pages, paths, values = found
    for where, value in children:
        if isinstance(value, (dict, list)):
            _leftovers(value, where, page, used, page_of, found)
        elif where not in used:
            pages.append(page_of.get(where, page))
            paths.append(where)
            values.append(value)
