"""Refuse workbook bombs before openpyxl opens them: one streaming pass over the .xlsx XML.

openpyxl builds a Python object for every cell a workbook names, and also for every position
of a merged range, of a ranged hyperlink and of a ranged comment. A 2 KB workbook holding one
``<mergeCell ref="A1:XFD1048576"/>``, or tens of thousands of smaller merges, would make it
build billions of objects. :func:`scan_workbook` reads every part of the zip once with expat
(streaming, no tree kept, so memory stays flat) and counts what openpyxl would build; it stops
at the first limit passed, so a bomb is refused after reading a few bytes of it.

Refused with :class:`~ocrframe.errors.WorkbookError`:

- a DTD in any part: entity attacks (XXE, "billion laughs") need one and xlsx parts never have
  one; an undeclared entity is not well-formed XML, refused too;
- an XML part (``.xml``, ``.rels``, ``.vml``) that is not well-formed;
- a cell or range reference outside Excel's 1,048,576 rows x 16,384 columns;
- more than ``max_cells`` positions in total (cells, merged, hyperlink and comment positions,
  shared strings, formatted rows), more than ``ELEMENTS_PER_CELL * max_cells`` XML elements
  (each becomes Python objects) or more than ``max_cells // CELLS_PER_STYLE_RECORD`` style
  records (at least 1,000);
- a part whose extent from A1 (dimension, cells, ranges) covers more than ``max_cells``.

>>> import io, zipfile
>>> raw = io.BytesIO()
>>> with zipfile.ZipFile(raw, "w") as zf:
...     zf.writestr("xl/worksheets/sheet1.xml", '<worksheet xmlns="http://schemas.openxml'
...         'formats.org/spreadsheetml/2006/main"><mergeCells><mergeCell ref="A1:XFD1048576"/>'
...         '</mergeCells></worksheet>')
>>> scan_workbook(raw.getvalue(), where="result.excel")
Traceback (most recent call last):
...
ocrframe.errors.WorkbookError: result.excel would expand to more than 100,000 cells \
(mergeCell A1:XFD1048576 in xl/worksheets/sheet1.xml), a workbook bomb: refused before \
opening it; raise max_cells if you trust this workbook
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from ..errors import WorkbookError
from ..parsing import DTD_REFUSED, xml_parser

__all__ = ["scan_workbook", "WorkbookScan", "DEFAULT_MAX_CELLS", "EXCEL_MAX_ROWS",
           "EXCEL_MAX_COLS", "ELEMENTS_PER_CELL", "CELLS_PER_STYLE_RECORD",
           "ZIP_ERRORS"]  # fmt: skip

# openpyxl spends 5-25 us of CPU per cell it builds (a merged one costs most): 100,000 cells are
# at most ~2.5 s and ~150 MB, and far more than an OCR table has.
DEFAULT_MAX_CELLS = 100_000
ELEMENTS_PER_CELL = 5  # a cell is 2-3 elements (<c><v>), a shared string 2 (<si><t>)
EXCEL_MAX_ROWS, EXCEL_MAX_COLS = 1_048_576, 16_384
# What zipfile raises for a damaged archive (an unknown version or method included)
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
              NotImplementedError, ValueError)  # fmt: skip
# openpyxl spends ~0.1 ms on a style record (a font, a fill, a format), 100 times a cell's cost
CELLS_PER_STYLE_RECORD = 100
_STYLE_RECORDS = ("xf", "font", "fill", "border", "numFmt", "dxf", "cellStyle")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "  # expat: "uri local"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_REF = re.compile(r"\$?([A-Za-z]{0,3})\$?([0-9]{0,7})")


@dataclass(frozen=True)
class WorkbookScan:
    """What one scan found: positions openpyxl will build, formula cells, external links."""

    positions: int
    formulas: int
    external_links: int


@functools.lru_cache(maxsize=4096)
def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


class _Refused(Exception):
    """Internal: raised from an expat handler, turned into a WorkbookError by the scan.
    ``tunable``: a size limit that max_cells raises."""

    def __init__(self, reason: str, tunable: bool = False) -> None:
        super().__init__(reason)
        self.tunable = tunable


def _corner(text: str) -> tuple[int | None, int | None]:
    m = _REF.fullmatch(text)
    if m is None or not (m[1] or m[2]):
        raise _Refused(f"has {text!r} where a cell reference belongs")
    row = int(m[2]) if m[2] else None
    col = _column(m[1]) if m[1] else None
    if (row is not None and not 1 <= row <= EXCEL_MAX_ROWS) or (
        col is not None and not 1 <= col <= EXCEL_MAX_COLS
    ):
        raise _Refused(
            f"refers to {text!r}, outside Excel's {EXCEL_MAX_ROWS:,} x {EXCEL_MAX_COLS:,}"
        )
    return row, col


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """``(first_row, first_col, last_row, last_col)`` of ``A1``, ``A1:C3``, ``A:C`` or ``2:5``."""
    parts = ref.split(":")
    if len(parts) > 2:
        raise _Refused(f"has {ref!r} where a cell range belongs")
    (r0, c0), (r1, c1) = _corner(parts[0]), _corner(parts[-1])
    if (r0 is None) != (r1 is None) or (c0 is None) != (c1 is None):
        raise _Refused(f"has {ref!r} where a cell range belongs")
    if r0 is None or r1 is None:  # whole columns
        r0, r1 = 1, EXCEL_MAX_ROWS
    if c0 is None or c1 is None:  # whole rows
        c0, c1 = 1, EXCEL_MAX_COLS
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


class _Counter:
    """Counts across all parts; each part keeps its own row counter and extent."""

    def __init__(self, max_cells: int) -> None:
        self.max_cells = max_cells
        self.max_elements = ELEMENTS_PER_CELL * max_cells
        self.max_styles = max(max_cells // CELLS_PER_STYLE_RECORD, 1_000)
        self.positions = self.elements = self.styles = self.formulas = self.links = 0
        self.part = ""
        self.row = self.col = self.max_row = self.max_col = 0
        self.handlers = {
            _MAIN + "c": self._cell,
            _MAIN + "row": self._row,
            _MAIN + "dimension": self._dimension,
            _MAIN + "mergeCell": self._range,
            _MAIN + "hyperlink": self._range,
            _MAIN + "comment": self._range,
            _MAIN + "si": self._shared_string,
            **dict.fromkeys((_MAIN + t for t in _STYLE_RECORDS), self._style),
            _MAIN + "f": self._formula,
            _MAIN + "externalBook": self._link,
            _MAIN + "ddeLink": self._link,
            _MAIN + "oleLink": self._link,
        }

    def start_part(self, name: str) -> None:
        self.part = name
        self.row = self.col = self.max_row = self.max_col = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise _Refused(
                f"holds more than {self.max_elements:,} XML elements ({ELEMENTS_PER_CELL} per "
                f"cell of max_cells={self.max_cells:,})",
                tunable=True,
            )
        handler = self.handlers.get(tag)
        if handler is not None:
            handler(tag, attrs)

    def refuse_dtd(self, *_: Any) -> None:
        raise _Refused(f"{DTD_REFUSED}; no .xlsx part has one (found in {self.part})")

    def _add(self, n: int, what: str) -> None:
        self.positions += n
        if self.positions > self.max_cells:
            raise _Refused(
                f"would expand to more than {self.max_cells:,} cells ({what} in {self.part}), "
                "a workbook bomb",
                tunable=True,
            )

    def _extend(self, row: int, col: int, what: str) -> None:
        if row > self.max_row or col > self.max_col:
            self.max_row, self.max_col = max(row, self.max_row), max(col, self.max_col)
            if self.max_row * self.max_col > self.max_cells:
                raise _Refused(
                    f"spans {self.max_row:,} x {self.max_col:,} cells in {self.part} ({what}), "
                    f"more than max_cells={self.max_cells:,}",
                    tunable=True,
                )

    def _cell(self, tag: str, attrs: dict[str, str]) -> None:
        ref = attrs.get("r")
        if ref is None:  # openpyxl places it right of the previous cell
            self.col += 1
            row, col = self.row, self.col
        else:
            row, col = _corner(ref)
            if row is None or col is None:
                raise _Refused(f"has {ref!r} where a cell reference belongs in {self.part}")
            self.col = col
        self._add(1, "cells")
        self._extend(row, col, f"cell {ref or col}")

    def _row(self, tag: str, attrs: dict[str, str]) -> None:
        r = attrs.get("r")
        try:  # openpyxl accepts "7" and "7.0"; without r, the row after the previous one
            number = float(r) if r is not None else float(self.row + 1)
        except ValueError:
            number = float("nan")
        if not number.is_integer() or not 1 <= number <= EXCEL_MAX_ROWS:
            raise _Refused(f"has row number {r!r} in {self.part}, not one of Excel's rows")
        self.row, self.col = int(number), 0
        if len(attrs) > ("r" in attrs) + ("spans" in attrs):  # height, style...: an object
            self._add(1, "row formats")

    def _shared_string(self, tag: str, attrs: dict[str, str]) -> None:
        self._add(1, "shared strings")

    def _style(self, tag: str, attrs: dict[str, str]) -> None:
        self.styles += 1
        if self.styles > self.max_styles:
            raise _Refused(
                f"holds more than {self.max_styles:,} style records in {self.part} (1 per "
                f"{CELLS_PER_STYLE_RECORD} of max_cells={self.max_cells:,})",
                tunable=True,
            )

    def _dimension(self, tag: str, attrs: dict[str, str]) -> None:
        ref = attrs.get("ref", "A1")
        _, _, last_row, last_col = _bounds(ref)
        self._extend(last_row, last_col, f"dimension {ref}")

    def _range(self, tag: str, attrs: dict[str, str]) -> None:
        ref = attrs.get("ref", "")
        r0, c0, r1, c1 = _bounds(ref)
        what = f"{tag[len(_MAIN) :]} {ref}"
        self._add((r1 - r0 + 1) * (c1 - c0 + 1), what)
        self._extend(r1, c1, what)

    def _formula(self, tag: str, attrs: dict[str, str]) -> None:
        self.formulas += 1

    def _link(self, tag: str, attrs: dict[str, str]) -> None:
        self.links += 1


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, counter: _Counter) -> None:
    parser = xml_parser(counter.refuse_dtd, namespace_separator=" ")
    parser.StartElementHandler = counter.start
    counter.start_part(info.filename)
    with zf.open(info) as fh:
        try:
            parser.ParseFile(fh)
        except expat.ExpatError as exc:
            if info.filename.lower().endswith(_XML_SUFFIXES):
                raise _Refused(
                    f"has {info.filename}, which is not well-formed XML ({exc})"
                ) from None
            # a binary part (an image): not XML, and openpyxl does not parse it


def scan_workbook(
    data: bytes, *, where: str = "payload", max_cells: int = DEFAULT_MAX_CELLS
) -> WorkbookScan:
    """Check an .xlsx's XML for bombs and entity attacks before anything opens it.

    Parameters
    ----------
    data : bytes
        The .xlsx file (a zip whose size and member count are already bounded, see
        :func:`ocrframe.tables.api_excel.decode_workbook`).
    where : str
        Name of the workbook in error messages (its JSON path).
    max_cells : int
        Largest number of positions openpyxl may build, and largest extent of one part.

    Returns
    -------
    WorkbookScan

    Raises
    ------
    WorkbookError
        See the module docs.
    """
    counter = _Counter(max_cells)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            # worksheets first: a bomb there is found before the rest is read
            members = sorted(zf.infolist(), key=lambda m: "worksheets/" not in m.filename)
            for info in members:
                _scan_part(zf, info, counter)
    except _Refused as exc:
        advice = "; raise max_cells if you trust this workbook" if exc.tunable else ""
        raise WorkbookError(f"{where} {exc}: refused before opening it{advice}") from None
    except ZIP_ERRORS as exc:
        raise WorkbookError(f"{where} is not a readable zip archive ({exc})") from exc
    return WorkbookScan(counter.positions, counter.formulas, counter.links)
