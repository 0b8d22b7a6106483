"""The conversion rules every frame follows, in one place for both flattening paths.

The general walk (:mod:`ocrframe.flatten._extract`) converts Python values one at a time with
the scalar rules; the columnar path (:mod:`ocrframe.flatten.arrow`) gets float columns
from pyarrow and applies the array rules. Both build their frame with
:func:`ocrframe.flatten._schema.build_frame`, which applies the array rules again, so a value
reaches a frame the same way whichever path read it:

- a number is a finite float; ``bool``, non-numeric strings, NaN, infinities and integers
  beyond float range are not numbers (the value goes to ``other`` instead);
- a confidence is a number in [0, 1];
- a polygon is 4 vertices of 2 numbers; one bad coordinate makes the whole polygon absent;
- text with lone UTF-16 surrogates (which no UTF-8 file can hold) gets U+FFFD in their place.

>>> number("12.5"), number(10**400), number(True)
(12.5, None, None)
>>> confidence(1.2), polygon([[0, 0], [1, 0], [1, 1], [0, "1"]])
(None, [0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np

__all__ = [
    "number",
    "confidence",
    "polygon",
    "integer",
    "is_polygon_like",
    "text",
    "to_json",
    "valid_text",
    "confidence_array",
    "polygon_columns",
    "CONFIDENCE_RANGE",
]

CONFIDENCE_RANGE = (0.0, 1.0)
_SURROGATE = re.compile("[\ud800-\udfff]")


def number(v: Any) -> float | None:
    """A finite float from a number or numeric string; None when it is not one."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        try:
            f = float(v)
        except OverflowError:  # an integer beyond float range
            return None
        return f if math.isfinite(f) else None
    if isinstance(v, str):
        if len(v) > 400:  # no float needs more digits; refuse before int-parsing limits
            return None
        try:
            f = float(v.strip())
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    if type(v).__name__ == "Decimal":  # official-SDK objects parse floats as Decimal
        try:
            return number(float(v))
        except ValueError:  # a signalling NaN
            return None
    return None


def confidence(v: Any) -> float | None:
    """A confidence: a number in :data:`CONFIDENCE_RANGE`, else None."""
    f = number(v)
    low, high = CONFIDENCE_RANGE
    return f if f is not None and low <= f <= high else None


def polygon(v: Any) -> list[float] | None:
    """8 floats from ``[[x, y] x 4]``; None when the value is not such a polygon."""
    if not isinstance(v, list) or len(v) != 4:
        return None
    fast = _plain_polygon(v)
    if fast is not None:
        return fast
    out: list[float] = []
    for pt in v:
        if not isinstance(pt, (list, tuple)) or len(pt) != 2:
            return None
        x, y = number(pt[0]), number(pt[1])
        if x is None or y is None:
            return None
        out += [x, y]
    return out


def is_polygon_like(v: Any) -> bool:
    """A non-empty list of lists (a polygon, well-formed or not)."""
    return isinstance(v, list) and bool(v) and all(isinstance(p, list) for p in v)


def _plain_polygon(v: list[Any]) -> list[float] | None:
    """The common case of :func:`polygon` (4 pairs of finite ints or floats) without a call
    per coordinate; None means "not that simple", and :func:`polygon` decides."""
    try:
        (x1, y1), (x2, y2), (x3, y3), (x4, y4) = v
        coords = [x1, y1, x2, y2, x3, y3, x4, y4]
        if not all(type(c) is float or type(c) is int for c in coords):
            return None
        out = [float(c) for c in coords]
    except (TypeError, ValueError, OverflowError):
        return None
    return out if math.isfinite(sum(out)) else None  # inf or nan anywhere makes the sum so


def integer(v: Any) -> int | None:
    """An integer-valued number that fits int64, else None."""
    f = number(v)
    return int(f) if f is not None and f.is_integer() and abs(f) < 2**63 else None


def to_json(v: Any) -> str:
    """JSON text of a value kept in ``other`` (non-ASCII kept readable; Decimals of
    official-SDK objects as numbers).

    >>> to_json(True), to_json(-3), to_json(0.1), to_json(float("-inf")), to_json([1, "é"])
    ('true', '-3', '0.1', '-Infinity', '[1, "é"]')
    """
    kind = type(v)
    if kind is bool:  # the numbers of a result (most of what goes to other) as json.dumps
        return "true" if v else "false"  # writes them, without its encoder per value
    if kind is int:
        return int.__repr__(v)
    if kind is float:
        return float.__repr__(v) if math.isfinite(v) else _NON_FINITE[str(v)]
    return json.dumps(v, ensure_ascii=False, default=_plain)


_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _plain(v: Any) -> Any:
    f = number(v)
    return f if f is not None else str(v)


def text(v: Any) -> str | None:
    """Text of a value: strings as they are, a list of strings joined with spaces, other
    scalars as JSON-like text, objects as JSON."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, list) and all(isinstance(e, str) for e in v):
        return " ".join(v)
    if isinstance(v, (dict, list)):
        return to_json(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def valid_text(values: list[Any]) -> list[Any]:
    """``values`` with lone surrogates replaced by U+FFFD (call only when encoding failed)."""
    return [_SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for v in values]


def confidence_array(values: np.ndarray) -> np.ndarray:
    """The confidence rule on a float array: NaN outside :data:`CONFIDENCE_RANGE`."""
    low, high = CONFIDENCE_RANGE
    out = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        bad = ~((out >= low) & (out <= high))
    if bad.any():
        out = out.copy()
        out[bad] = np.nan
    return out


def polygon_columns(columns: list[np.ndarray]) -> list[np.ndarray]:
    """The polygon rule on the 8 coordinate columns of ``n`` polygons: a polygon with any
    non-finite coordinate becomes all NaN (complete or absent, never partly there). Columns
    are copied only when a polygon changes (an absent one, all NaN, stays as it is).

    >>> [c.tolist() for c in polygon_columns([np.array([1.0, 2.0]), np.array([np.inf, 3.0])])]
    [[nan, 2.0], [nan, 3.0]]
    >>> cols = [np.array([np.nan, 1.0]), np.array([np.nan, 2.0])]
    >>> all(a is b for a, b in zip(polygon_columns(cols), cols))
    True
    """
    columns = [np.asarray(c, dtype=np.float64) for c in columns]
    finite = np.ones(len(columns[0]), dtype=bool) if columns else np.ones(0, dtype=bool)
    absent = np.ones_like(finite)
    for c in columns:
        finite &= np.isfinite(c)
        absent &= np.isnan(c)
    change = ~finite & ~absent
    if not change.any():
        return columns
    out = []
    for c in columns:
        c = c.copy()
        c[change] = np.nan
        out.append(c)
    return out
