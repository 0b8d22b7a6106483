"""Workbook bombs and entity attacks in the API's Base64 workbooks (issue 12, class 3).

Each case is a real .xlsx (a zip with crafted XML). It must end in a WorkbookError from the
streaming scan, for excel_tables, compare_excel_cells and save_excel alike, and openpyxl must
never be asked to open it: a bomb that reaches openpyxl takes minutes and gigabytes (see
benchmarks/workbook_bombs.py for the numbers).
"""

from __future__ import annotations

import base64

import openpyxl
import pytest
from test_tables import api_cells, general_table_body, spanned_cells
from xlsx_craft import MAIN, sheet_xml, with_comments, xlsx

from ocrframe.errors import WorkbookError
from ocrframe.tables.api_excel import excel_tables, save_excel
from ocrframe.tables.compare import compare_excel_cells
from ocrframe.tables.workbook_scan import scan_workbook


def body_with(data: bytes) -> dict:
    body = general_table_body(api_cells(spanned_cells()))
    body["result"]["excel"] = base64.b64encode(data).decode("ascii")
    return body


@pytest.fixture
def openpyxl_opens(monkeypatch) -> list:
    """Every call ocrframe makes to openpyxl.load_workbook (still performed)."""
    calls: list = []
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    return calls


MERGES = "".join(f'<mergeCell ref="A{2 * i + 1}:AX{2 * i + 2}"/>' for i in range(20_000))
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i + 1} "{("&lol%s;" % (i or "")) * 10}">' for i in range(9))
    + f']><sst xmlns="{MAIN}"><si><t>&lol9;</t></si></sst>'
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t>'
    "</is></c></row></sheetData></worksheet>"
)
STYLES = f'<styleSheet xmlns="{MAIN}"><fonts>{"<font/>" * 10_001}</fonts></styleSheet>'

BOMBS = {
    "one merge over the whole sheet": (
        xlsx(sheet_xml('</sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>')),
        r"more than 100,000 cells \(mergeCell A1:XFD1048576 in xl/worksheets/sheet1.xml\)",
    ),
    "20,000 merges of 100 cells": (
        xlsx(sheet_xml(f"</sheetData><mergeCells>{MERGES}</mergeCells>")),
        r"more than 100,000 cells \(mergeCell A\d+:AX\d+ in",
    ),
    "whole-column merge": (
        xlsx(sheet_xml('</sheetData><mergeCells><mergeCell ref="A:C"/></mergeCells>')),
        r"more than 100,000 cells \(mergeCell A:C",
    ),
    "dimension of the whole sheet": (
        xlsx(
            sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>', '<dimension ref="A1:XFD1048576"/>')
        ),
        r"spans 1,048,576 x 16,384 cells in xl/worksheets/sheet1.xml \(dimension A1:XFD1048576\)",
    ),
    "one cell in the far corner": (
        xlsx(
            sheet_xml(
                '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576">'
                "<v>2</v></c></row>"
            )
        ),  # fmt: skip
        r"spans 1,048,576 x 16,384 cells .*\(cell XFD1048576\)",
    ),
    "cells placed without references": (
        xlsx(sheet_xml('<row r="1000">' + "<c><v>1</v></c>" * 2_000 + "</row>")),
        r"spans 1,000 x 101 cells",
    ),
    "hyperlink over a range": (
        xlsx(
            sheet_xml(
                '</sheetData><hyperlinks><hyperlink ref="A1:Z100000" display="x"/></hyperlinks>'
            )
        ),  # fmt: skip
        r"more than 100,000 cells \(hyperlink A1:Z100000",
    ),
    "comment over a range": (
        with_comments(
            sheet_xml(""),
            '<comment ref="A1:XFD1048576" authorId="0"><text><t>x</t></text></comment>',
        ),  # fmt: skip
        r"\(comment A1:XFD1048576 in xl/comments1.xml\)",
    ),
    "row beyond Excel": (
        xlsx(sheet_xml('<row r="2000000"><c><v>1</v></c></row>')),
        r"row number '2000000' in xl/worksheets/sheet1.xml, not one of Excel's rows",
    ),
    "cell beyond Excel": (
        xlsx(sheet_xml('<row r="1"><c r="A99999999"><v>1</v></c></row>')),
        r"has 'A99999999' where a cell reference belongs",
    ),
    "style records flood": (
        xlsx(None, {"xl/styles.xml": STYLES}),
        r"more than 1,000 style records in xl/styles.xml \(1 per 100 of max_cells=100,000\)",
    ),
    "billion laughs": (
        xlsx(None, {"xl/sharedStrings.xml": LAUGHS}),
        r"declares a DTD .* in xl/sharedStrings.xml",
    ),
    "external entity (XXE)": (xlsx(XXE), r"declares a DTD .* in xl/worksheets/sheet1.xml"),
    "DTD in a part not named .xml": (
        xlsx(None, {"xl/media/image1.png": LAUGHS}),
        r"declares a DTD .* in xl/media/image1.png",
    ),
    "undeclared entity": (
        xlsx(sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>')),
        r"xl/worksheets/sheet1.xml, which is not well-formed XML \(undefined entity",
    ),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_bombs_are_refused_before_openpyxl_opens_them(name, openpyxl_opens, tmp_path):
    data, message = BOMBS[name]
    assert len(data) < 150_000  # tiny on the wire
    body = body_with(data)
    for call in (excel_tables, compare_excel_cells):
        with pytest.raises(WorkbookError, match=message) as err:
            call(body)
        assert str(err.value).startswith("result.excel ")
    with pytest.raises(WorkbookError, match=message):
        save_excel(body, tmp_path / "api.xlsx")
    assert openpyxl_opens == []
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_limits_are_tunable_and_counted_over_all_parts():
    merges = "".join(f'<mergeCell ref="A{i}:B{i}"/>' for i in range(1, 401))  # 800 positions
    data = xlsx(sheet_xml(f"</sheetData><mergeCells>{merges}</mergeCells>"))
    assert scan_workbook(data, max_cells=1_000).positions == 800
    with pytest.raises(WorkbookError, match="raise max_cells if you trust"):
        scan_workbook(data, max_cells=700)
    many_strings = "".join("<si><t>x</t></si>" for _ in range(300))
    data = xlsx(None, {"xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{many_strings}</sst>'})
    with pytest.raises(WorkbookError, match=r"\(shared strings in xl/sharedStrings.xml\)"):
        scan_workbook(data, max_cells=250)
    data = xlsx(None, {"docProps/custom.xml": "<Properties>" + "<p/>" * 600 + "</Properties>"})
    with pytest.raises(WorkbookError, match="more than 500 XML elements .* max_cells=100"):
        scan_workbook(data, max_cells=100)  # elements nothing else counts are bounded too


def test_a_legitimate_workbook_passes_and_reads(openpyxl_opens):
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABC") + "</row>"
        for r in range(1, 201)
    )
    data = xlsx(sheet_xml(
        rows + '</sheetData><mergeCells><mergeCell ref="A1:C1"/></mergeCells>'
        '<hyperlinks><hyperlink ref="B2" display="x"/></hyperlinks>', '<dimension ref="A1:C200"/>'
    ))  # fmt: skip
    scan = scan_workbook(data)
    assert (scan.positions, scan.formulas, scan.external_links) == (600 + 3 + 1, 0, 0)
    (frame,) = excel_tables(body_with(data))
    assert frame.shape == (200, 3) and len(openpyxl_opens) == 1


def test_a_sheet_and_its_comments_reaching_apart_are_refused_after_loading(openpyxl_opens):
    # Each part alone is narrow (100,000 x 1 and 1 x 26); the loaded sheet is 100,000 x 26.
    sheet = sheet_xml('<row r="100000"><c r="A100000"><v>1</v></c></row>')
    data = with_comments(sheet, '<comment ref="Z1" authorId="0"><text><t>x</t></text></comment>')
    with pytest.raises(WorkbookError, match="spans 100,000 x 26 cells, more than max_cells="):
        excel_tables(body_with(data))
    assert len(openpyxl_opens) == 1  # cheap: openpyxl built three cells


@pytest.mark.parametrize(
    "cell, part",
    [
        ('<c r="A1" t="str"><f>HYPERLINK("http://x","y")</f><v>y</v></c>', None),
        ('<c r="A1"><v>1</v></c>', "xl/externalLinks/externalLink1.xml"),
    ],
)
def test_save_excel_refuses_formulas_and_external_links(cell, part, tmp_path):
    link = f'<externalLink xmlns="{MAIN}"><externalBook/></externalLink>'
    data = xlsx(sheet_xml(f'<row r="1">{cell}</row>'), {part: link} if part else None)
    body = body_with(data)
    with pytest.raises(WorkbookError, match="could run code when opened.*to_excel"):
        save_excel(body, tmp_path / "api.xlsx")
    assert list(tmp_path.iterdir()) == []
    assert len(excel_tables(body)) == 1  # reading cached values runs nothing: allowed
