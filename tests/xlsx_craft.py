"""Real .xlsx files with crafted XML parts, for the workbook-bomb tests and benchmark.

A workbook written by openpyxl is taken apart and its parts replaced or added, so every file
is a zip openpyxl would open (and, for a bomb, expand) if nothing stopped it first.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
COMMENTS_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId9" Target="../comments1.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/comments"/></Relationships>'
)


def base_parts() -> dict[str, bytes]:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "a"
    raw = io.BytesIO()
    wb.save(raw)
    with zipfile.ZipFile(raw) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def sheet_xml(body: str, before: str = "") -> str:
    """A worksheet part: ``before`` (e.g. a dimension) then ``<sheetData>body</sheetData>``;
    anything after sheetData goes at the end of ``body`` after a ``</sheetData>`` marker."""
    data, _, after = body.partition("</sheetData>")
    return f'<worksheet xmlns="{MAIN}">{before}<sheetData>{data}</sheetData>{after}</worksheet>'


def xlsx(sheet: str | None = None, parts: dict[str, str | bytes] | None = None) -> bytes:
    """The base workbook with ``sheet`` as its worksheet and ``parts`` ({"xl/x.xml": text})
    replaced or added; deflated."""
    members = base_parts()
    if sheet is not None:
        members[SHEET] = sheet.encode()
    for name, value in (parts or {}).items():
        members[name] = value.encode() if isinstance(value, str) else value
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return raw.getvalue()


def with_comments(sheet: str, comments: str) -> bytes:
    """A workbook whose sheet links (through its rels part) to a comments part."""
    part = (
        f'<comments xmlns="{MAIN}"><authors><author>a</author></authors>'
        f"<commentList>{comments}</commentList></comments>"
    )
    return xlsx(
        sheet, {"xl/worksheets/_rels/sheet1.xml.rels": COMMENTS_RELS, "xl/comments1.xml": part}
    )
