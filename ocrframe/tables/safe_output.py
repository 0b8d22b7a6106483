"""What ocrframe writes for people to open: cell text that is never run, files never half-written.

OCR text and file names come from documents nobody checked, and CSV and xlsx files are opened in
spreadsheet programs that run formulas. Every CSV and xlsx writer of ocrframe (review queue,
review workbook, audit tables, the CLI's ``--errors`` and ``--out``, the demo) passes its cells
through :func:`safe_value`, one rule (OWASP's "CSV injection" advice):

- text starting with ``=``, ``+``, ``-``, ``@``, TAB or CR gets a ``'`` in front, so no
  spreadsheet reads it as a formula; text starting with ``-`` that is a plain number
  (``-12.50``, ``-1,234``) is left alone;
- control characters (other than TAB and line breaks), DEL, C1 controls, lone surrogates and
  the non-characters U+FFFE/U+FFFF are written visibly as ``\\x07`` / ``\\ud800`` escapes,
  never dropped (xlsx cannot hold them; a CSV reader may choke on them);
- numbers, dates, booleans and missing values are written as they are.

:func:`xlsx_value` adds the xlsx writers' one further rule: a cell holds at most 32,767
characters (openpyxl would cut the rest silently), so longer text is cut with a visible note
at its end saying how much, and a warning says so.

:func:`write_csv` also quotes every field holding a line break (CR or LF), so a row never splits,
and files are replaced in one step by :func:`ocrframe.files.write_atomically`.

>>> [safe_value(v) for v in ["=1+1", "-12.5", "-2+3", "@SUM(A1)", "ok\\x07", 3.5]]
["'=1+1", '-12.5', "'-2+3", "'@SUM(A1)", 'ok\\\\x07', 3.5]
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_object_dtype, is_string_dtype

from ..files import write_atomically

__all__ = ["safe_text", "safe_value", "xlsx_value", "safe_frame", "write_csv", "XLSX_CELL_CHARS"]

XLSX_CELL_CHARS = 32_767  # the most characters an xlsx cell holds

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NEGATIVE = re.compile(r"-(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """``text`` as it may go into a CSV or xlsx cell (see the module docs).

    >>> safe_text("+33 1 23 45"), safe_text("-5"), safe_text("\\tx"), safe_text("a\\nb")
    ("'+33 1 23 45", '-5', "'\\tx", 'a\\nb')
    """
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub(_escape, text)
    if text.startswith(_FORMULA_START) and not _PLAIN_NEGATIVE.fullmatch(text):
        return "'" + text
    return text


def safe_value(value: Any) -> Any:
    """A cell value for a CSV or xlsx writer: text through :func:`safe_text`, numpy scalars as
    Python ones, anything else unchanged.

    >>> safe_value("=cmd|' /C calc'!A0"), safe_value(np.int64(7)), safe_value(None)
    ("'=cmd|' /C calc'!A0", 7, None)
    """
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def xlsx_value(value: Any) -> Any:
    """A cell value for an xlsx writer: :func:`safe_value`, and text longer than a cell holds
    cut to :data:`XLSX_CELL_CHARS` with a note at its end saying how many characters were cut
    (with a warning: the whole text is in the frame, or in a CSV).

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     cut = xlsx_value("x" * 40_000)
    >>> len(cut), cut[-56:]
    (32767, 'x [7,288 more characters cut: an xlsx cell holds 32,767]')
    """
    value = safe_value(value)
    if not isinstance(value, str) or len(value) <= XLSX_CELL_CHARS:
        return value
    cut = len(value) - XLSX_CELL_CHARS
    while True:  # the note takes room too, and says how much it displaced (converges in 2-3)
        note = f" [{cut:,} more characters cut: an xlsx cell holds 32,767]"
        if len(value) - (XLSX_CELL_CHARS - len(note)) == cut:
            break
        cut = len(value) - (XLSX_CELL_CHARS - len(note))
    warnings.warn(
        "text longer than an xlsx cell holds (32,767 characters) was cut, with a note at its "
        "end; write a CSV (or keep the frame) for the whole text",
        UserWarning,
        stacklevel=2,
    )
    return value[:-cut] + note


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column labels went through :func:`safe_value`.

    >>> safe_frame(pd.DataFrame({"=x": ["@a", "b"], "n": [-1, 2]})).to_dict("list")
    {"'=x": ["'@a", 'b'], 'n': [-1, 2]}
    """
    out = frame.copy()
    for i, dtype in enumerate(out.dtypes):
        if (
            is_object_dtype(dtype)
            or is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
        ):
            out.isetitem(i, out.iloc[:, i].map(safe_value, na_action="ignore"))
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = pd.MultiIndex.from_tuples(
            [tuple(safe_value(v) for v in labels) for labels in out.columns]
        )
    else:
        out.columns = [safe_value(v) for v in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` (without its index) as a CSV that spreadsheets open safely.

    Cells go through :func:`safe_frame`; rows end with CRLF (RFC 4180), so any field holding
    CR or LF is quoted and a row never splits.

    >>> import tempfile, csv
    >>> path = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = write_csv(pd.DataFrame({"text": ["=1+1", "two\\rlines"]}), path)
    >>> list(csv.reader(path.open(newline="")))
    [['text'], ["'=1+1"], ['two\\rlines']]
    """
    safe = safe_frame(frame)
    return write_atomically(path, lambda tmp: safe.to_csv(tmp, index=False, lineterminator="\r\n"))
