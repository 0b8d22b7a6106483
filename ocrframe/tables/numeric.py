"""Table text to numbers: :func:`to_numeric_table` converts the columns of a grid whose every
non-empty value is a number (thousands separators, currency, percent, parentheses for
negatives, Unicode minus signs and non-ASCII digits).
"""

from __future__ import annotations

import functools
import sys
import unicodedata

import pandas as pd

from ..errors import InputError

__all__ = ["to_numeric_table"]

_MINUS = "[\u2212\u2012\u2013\u2014\ufe63\uff0d]"
_CURRENCY = "[$€£¥₹₩₽₺₫฿¢₱₦₴₪]"
_SEPARATORS = "[,'\u00a0\u202f\u2009 ]"
_NUMBER = (
    rf"^([+-]?)(\d{{1,3}}(?:{_SEPARATORS}\d{{3}})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)"
    r"(?:[eE][+-]?\d+)?$"
)


@functools.cache
def _digits() -> dict[int, str]:
    """Every non-ASCII Unicode decimal digit (Thai, Arabic-Indic, fullwidth, ...) -> its ASCII
    digit: the number pattern's \\d accepts them and pd.to_numeric does not. Built on first use."""
    return {
        c: str(unicodedata.digit(chr(c)))
        for c in range(0x80, sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Nd"
    }


def _numeric_column(s: pd.Series) -> pd.Series | None:
    """The column as numbers when every non-empty value parses, else None."""
    t = s.astype("str").str.strip().str.translate(_digits())
    empty = t.isna() | (t == "")
    if empty.all():
        return None
    t = t.str.replace(_MINUS, "-", regex=True)
    paren = t.str.match(r"^\(.*\)$").fillna(False)
    t = t.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.strip()
    pct = t.str.endswith("%").fillna(False)
    t = t.str.replace(r"\s*%$", "", regex=True)
    t = t.str.replace(rf"^([+-]?)\s*{_CURRENCY}+\s*", r"\1", regex=True)
    t = t.str.replace(rf"\s*{_CURRENCY}+$", "", regex=True)
    t = t.str.replace(rf"^{_CURRENCY}+\s*([+-])", r"\1", regex=True)
    ok = t.str.match(_NUMBER).fillna(False)
    if not (ok | empty).all():
        return None
    t = t.str.replace(_SEPARATORS, "", regex=True).where(~empty, None)
    num = pd.to_numeric(t, errors="coerce")
    if paren.any():
        num = num.where(~paren, -num.abs())
    if pct.any():
        num = num.astype("float64").where(~pct, num / 100.0)
    return num


def to_numeric_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Convert the columns whose every non-empty value is a number; leave the others as text.

    Understood: thousands separators (``1,234`` ``1 234`` ``1'234``), currency symbols
    (``$12``, ``12 €``), percent (``12.5%`` -> ``0.125``), parentheses for negatives (``(3)`` ->
    ``-3``), unicode minus signs and non-ASCII digits (Thai, Arabic-Indic). Empty cells become NaN.

    >>> import pandas as pd
    >>> out = to_numeric_table(pd.DataFrame({"a": ["1,200", "(3)", "−4"], "b": ["5%", "x", ""]}))
    >>> out["a"].tolist(), str(out["b"].dtype)
    ([1200, -3, -4], 'str')
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"to_numeric_table takes a DataFrame (a table from ocrframe.tables), got "
            f"{type(frame).__name__}"
        )
    out = frame.copy()
    for j in range(frame.shape[1]):
        num = _numeric_column(frame.iloc[:, j])
        if num is not None:
            out.isetitem(j, num)
    return out
