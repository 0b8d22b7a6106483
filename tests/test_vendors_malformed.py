"""Other engines' results with malformed values where ids, lists, page numbers, indices and
spans belong: read without a crash, with bounded work, every malformed value kept in ``other``.

Each body is the engine's real structure (as in ``../shared/data/vendors``) with one value
changed, as a damaged or hand-edited file has it.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import ocrframe
from ocrframe.tables.placement import SpanGrid

HUGE = 10**30  # beyond int64
VAST = 10**12  # fits int64, but no table or document has that many rows or pages


def textract(**changes) -> dict:
    line = {"BlockType": "LINE", "Id": "l1", "Text": "Total 5", "Confidence": 99.0, "Page": 1,
            "Relationships": [{"Type": "CHILD", "Ids": ["w1", "w2"]}]}  # fmt: skip
    words = [
        {"BlockType": "WORD", "Id": "w1", "Text": "Total", "Confidence": 99.0},
        {"BlockType": "WORD", "Id": "w2", "Text": "5", "Confidence": 98.0},
    ]
    body = {"DocumentMetadata": {"Pages": 1}, "Blocks": [line, *words]}
    for where, value in changes.items():
        block, key = where.split(".")
        target = line if block == "line" else words[0] if block == "word" else body
        target[key] = value
    return body


def other_values(frames: dict) -> dict:
    other = frames["other"]
    return dict(zip(other["path"], other["value"], strict=True))


@pytest.mark.parametrize(
    "where, value, kept",
    [
        # relationships are read around; what names no block is kept
        ("line.Relationships", 7, "Blocks[0].Relationships"),
        ("line.Relationships", [{"Type": "CHILD", "Ids": 3.5}], "Blocks[0].Relationships[0].Ids"),
        (
            "line.Relationships",
            [{"Type": "CHILD", "Ids": [["w1"], {"w": 2}, "w2"]}],
            "Blocks[0].Relationships[0].Ids[1].w",
        ),
        (
            "line.Relationships",
            [{"Type": "CHILD", "Ids": ["w1", "w9", "w2"]}],
            "Blocks[0].Relationships[0].Ids[1]",
        ),  # an id of no block
        (
            "line.Relationships",
            [{"Type": "CHILD", "Ids": ["w1"], "Note": "x"}],
            "Blocks[0].Relationships[0].Note",
        ),
        ("word.Id", ["w1"], "Blocks[1].Id[0]"),  # an id that is no text
        ("line.BlockType", ["LINE"], "Blocks[0].BlockType[0]"),
        ("line.Page", HUGE, "Blocks[0].Page"),
        ("line.Page", True, "Blocks[0].Page"),
        ("body.ExpenseDocuments", 4.0, "ExpenseDocuments"),
        ("body.IdentityDocuments", "x", "IdentityDocuments"),
        ("body.responses", 12, "responses"),
    ],
)
def test_textract_malformed_values_are_read_around_and_kept(where, value, kept):
    frames = ocrframe.flatten(textract(**{where: value}))
    assert set(frames["tokens"]["text"]) <= {"Total", "5"} and len(frames["tokens"]) >= 1
    assert frames["document"]["page"].tolist() == [1]  # no page from a malformed number
    if kept:
        assert kept in other_values(frames)


def test_textract_expense_groups_of_the_wrong_type_are_skipped_not_fatal():
    body = {"ExpenseDocuments": [{
        "SummaryFields": [{"Type": {"Text": "TOTAL"}, "ValueDetection": {"Text": "5.00"},
                           "GroupProperties": ["VENDOR", {"Types": [3, "ADDRESS"]}],
                           "PageNumber": HUGE}],
        "LineItemGroups": ["a group that is text", {"LineItems": [None, "x", {
            "LineItemExpenseFields": [{"Type": {"Text": "ITEM"},
                                       "ValueDetection": {"Text": "Tea"}}]}]}],
    }]}  # fmt: skip
    fields = ocrframe.fields(body)
    assert fields["value"].tolist() == ["5.00", "Tea"]
    assert fields["field_norm"].tolist()[0] == "address_total"
    assert fields["page"].tolist() == [1, 1]
    kept = other_values(ocrframe.flatten(body))
    assert kept["ExpenseDocuments[0].SummaryFields[0].PageNumber"] == str(HUGE)
    assert "a group that is text" in kept.values()


def docai_layout(span: dict) -> dict:
    block = {"blockId": "1", "pageSpan": span,
             "textBlock": {"text": "Chapter 1", "type": "heading-1"}}  # fmt: skip
    return {"documentLayout": {"blocks": [block]}}


@pytest.mark.parametrize(
    "span",
    [
        {"pageStart": 1, "pageEnd": VAST},  # a billion-page span: no row per page
        {"pageStart": 1, "pageEnd": HUGE},
        {"pageStart": HUGE, "pageEnd": HUGE},
        {"pageStart": "x", "pageEnd": [[1, 2]]},
        {"pageStart": 3, "pageEnd": 1},
    ],
)
def test_docai_layout_page_spans_beyond_any_document_stay_in_other(span):
    frames = ocrframe.flatten(docai_layout(span))
    assert frames["layout"]["text"].tolist() == ["Chapter 1"]
    assert len(frames["document"]) <= 3
    kept = other_values(frames)
    for name, value in span.items():
        if not (isinstance(value, int) and 1 <= value <= 3):
            assert any(f"pageSpan.{name}" in p for p in kept), (name, kept)


def docai_table(first_cell: dict) -> dict:
    def cell(text: str, **spans) -> dict:
        return {"layout": {"textAnchor": {"content": text}}, **spans}

    return {"text": "", "pages": [{"pageNumber": 1, "tables": [{
        "headerRows": [{"cells": [cell("a", **first_cell), cell("b")]}],
        "bodyRows": [{"cells": [cell("c"), cell("d")]}],
    }]}]}  # fmt: skip


@pytest.mark.parametrize(
    "spans", [{"rowSpan": VAST}, {"colSpan": VAST}, {"rowSpan": VAST, "colSpan": VAST}]
)
def test_docai_huge_spans_cost_no_more_than_the_table(spans):
    cells = ocrframe.cells(docai_table(spans))
    assert cells["text"].tolist() == ["a", "b", "c", "d"]
    rows = cells["row"].tolist()
    assert rows == [0, 0, 1, 1]
    assert cells["row_span"].iloc[0] == spans.get("rowSpan", 1)


def test_docai_spans_beyond_int64_are_left_for_other():
    frames = ocrframe.flatten(docai_table({"rowSpan": HUGE, "colSpan": 0}))
    assert frames["cells"]["row_span"].tolist() == [1, 1, 1, 1]
    kept = other_values(frames)
    assert kept["pages[0].tables[0].headerRows[0].cells[0].rowSpan"] == str(HUGE)
    assert kept["pages[0].tables[0].headerRows[0].cells[0].colSpan"] == "0"


def azure(cell_changes: dict, page=1) -> dict:
    cells = [{"rowIndex": 0, "columnIndex": 0, "content": "a"},
             {"rowIndex": 0, "columnIndex": 1, "content": "b"}]  # fmt: skip
    cells[0].update(cell_changes)
    return {"analyzeResult": {"apiVersion": "2023-07-31", "content": "a b",
            "pages": [{"pageNumber": page, "width": 8.5, "height": 11, "unit": "inch",
                       "words": [{"content": "a", "confidence": 0.9}]}],
            "tables": [{"rowCount": 1, "columnCount": 2, "cells": cells}]}}  # fmt: skip


@pytest.mark.parametrize(
    "changes", [{"rowIndex": HUGE}, {"columnIndex": HUGE}, {"rowIndex": True}, {"rowIndex": -1}]
)
def test_azure_cells_without_a_valid_place_are_kept_whole_in_other(changes):
    frames = ocrframe.flatten(azure(changes))
    assert frames["cells"]["text"].tolist() == ["b"]
    kept = other_values(frames)
    cell = "analyzeResult.tables[0].cells[0]"
    assert kept[f"{cell}.content"] == "a"
    assert {f"{cell}.rowIndex", f"{cell}.columnIndex"} <= set(kept)


def test_azure_spans_and_page_numbers_beyond_int64_do_not_overflow():
    frames = ocrframe.flatten(azure({"rowSpan": HUGE, "columnSpan": HUGE}, page=HUGE))
    assert frames["cells"]["row_span"].tolist() == [1, 1]
    assert frames["document"]["page"].tolist() == [1]
    kept = other_values(frames)
    assert kept["analyzeResult.pages[0].pageNumber"] == str(HUGE)
    assert kept["analyzeResult.tables[0].cells[0].rowSpan"] == str(HUGE)


def test_paddle_page_index_must_be_a_page():
    body = {"res": {"page_index": True, "rec_texts": ["hi"], "rec_scores": [0.9],
                    "rec_polys": [[[0, 0], [9, 0], [9, 5], [0, 5]]]}}  # fmt: skip
    frames = ocrframe.flatten(body)
    assert frames["words"]["page"].tolist() == [1]
    assert "res.page_index" in other_values(frames)


def test_span_grid_places_cells_after_what_spans_into_their_row():
    grid = SpanGrid(rows=3)
    grid.new_row()
    assert [grid.place(2, 1), grid.place(1, 2), grid.place(3, 1)] == [(0, 0), (0, 1), (0, 3)]
    grid.new_row()
    assert [grid.place(1, 1), grid.place(1, 1)] == [(1, 1), (1, 2)]
    grid.new_row()
    assert grid.place(1, 1) == (2, 0)  # the 2-row span has ended; the 3-row one goes on
    assert grid.place(1, 1) == (2, 1)
    assert grid.place(1, 1) == (2, 2)
    assert grid.place(1, 1) == (2, 4)


def test_span_grid_cuts_spans_to_the_table():
    grid = SpanGrid(rows=2)
    grid.new_row()
    assert grid.place(VAST, VAST) == (0, 0)
    assert sum(len(v) for v in grid.covered.values()) == 1  # one range, the table's one row
    grid.new_row()
    assert grid.place(1, 1)[1] < 2**20


def test_to_pixels_takes_the_response_for_its_document_and_refuses_what_is_no_frame():
    body = textract()
    corners = [(0.1, 0.2), (0.5, 0.2), (0.5, 0.3), (0.1, 0.3)]
    body["Blocks"][0]["Geometry"] = {"Polygon": [{"X": x, "Y": y} for x, y in corners]}
    words = ocrframe.words(body)
    by_frame = ocrframe.to_pixels(words, ocrframe.document(body), (1000, 500))
    by_body = ocrframe.to_pixels(words, body, (1000, 500))
    assert by_body[["x1", "y1"]].values.tolist() == [[100.0, 100.0]]
    assert by_body.equals(by_frame)
    with pytest.raises(ocrframe.InputError, match="frame with polygon columns"):
        ocrframe.to_pixels(body, body, (1000, 500))


@pytest.mark.parametrize("width", [{"a": None}, "wide", True, [8.5]])
def test_a_page_size_that_is_no_number_stays_in_other_and_pixels_still_scale(width):
    body = azure({})
    body["analyzeResult"]["pages"][0]["width"] = width
    frames = ocrframe.flatten(body)
    assert "width" not in frames["document"] or frames["document"]["width"].isna().all()
    assert any(p.startswith("analyzeResult.pages[0].width") for p in other_values(frames))
    cells = ocrframe.to_pixels(frames["cells"], frames["document"], (850, 1100))
    assert len(cells) == 2


def test_html_table_cells_of_a_cut_short_table_and_of_huge_spans():
    from ocrframe.vendors.html_table import table_cells

    cut = table_cells("<table><tr><td>a</td><td>b")  # the saved HTML ends mid-cell
    assert [(c["row"], c["col"], c["text"]) for c in cut] == [(0, 0, "a"), (0, 1, "b")]
    huge = table_cells(
        f"<table><tr><td rowspan={VAST} colspan=2>a</td><td>b</td></tr><tr><td>c</td></tr>"
    )
    assert [(c["row"], c["col"]) for c in huge] == [(0, 0), (0, 2), (1, 2)]
    assert huge[0]["row_span"] == VAST  # kept as given; placement cut to the table


@pytest.mark.parametrize("odd", [5, "x", {"a": 1}])
def test_paddle_lists_of_the_wrong_type_are_read_around(odd):
    ocr = {"rec_texts": ["hi"], "rec_scores": [0.9], "text_word": [odd]}
    body = {"res": {"overall_ocr_res": ocr, "parsing_res_list": odd, "table_res_list": odd}}
    frames = ocrframe.flatten(body)
    assert frames["words"]["text"].tolist() == ["hi"]
    kept = other_values(frames)
    assert "res.parsing_res_list" in kept or any(p.startswith("res.parsing") for p in kept)


def test_a_point_or_anchor_holding_more_than_its_coordinates_is_kept_whole():
    # the extra key was dropped with the polygon's path marked used
    body = textract()
    corners = [(0.1, 0.1), (0.5, 0.1), (0.5, 0.2), (0.1, 0.2)]
    polygon = [{"X": x, "Y": y} for x, y in corners]
    polygon[0]["Z"] = 3
    body["Blocks"][0]["Geometry"] = {"Polygon": polygon}
    frames = ocrframe.flatten(body)
    assert frames["words"]["x2"].tolist() == [0.5]  # still read
    assert other_values(frames)["Blocks[0].Geometry.Polygon[0].Z"] == "3"


@pytest.mark.parametrize("engine", ["docai", "gvision"])
def test_a_confidence_that_is_no_number_is_kept_in_other(engine):
    if engine == "docai":
        body = {"text": "Total", "entities": [{"type": "total", "mentionText": "Total",
                                               "confidence": "high"}]}  # fmt: skip
        where = "entities[0].confidence"
    else:
        word = {"symbols": [{"text": "T", "confidence": "high"}], "confidence": [0.9]}
        body = {"fullTextAnnotation": {"text": "T", "pages": [{"blocks": [{"paragraphs": [
            {"words": [word]}]}]}]}}  # fmt: skip
        where = "fullTextAnnotation.pages[0].blocks[0].paragraphs[0].words[0]"
    kept = other_values(ocrframe.flatten(body))
    if engine == "docai":
        assert kept[where] == "high"
    else:
        assert kept[f"{where}.symbols[0].confidence"] == "high"
        assert kept[f"{where}.confidence[0]"] == "0.9"


def test_docai_text_anchor_keeps_what_it_does_not_read():
    body = {"text": "Total 5", "pages": [{"pageNumber": 1, "lines": [{"layout": {
        "textAnchor": {"textSegments": [{"endIndex": "5"}, {"startIndex": "6"}], "note": "n",
                       "content": "something else"},
        "confidence": 0.9}}]}]}  # fmt: skip
    frames = ocrframe.flatten(body)
    assert frames["words"]["text"].tolist() == ["Total"]  # Document AI's lines
    kept = other_values(frames)
    anchor = "pages[0].lines[0].layout.textAnchor"
    assert kept[f"{anchor}.note"] == "n"
    assert kept[f"{anchor}.textSegments[1].startIndex"] == "6"  # a segment with no end
    assert kept[f"{anchor}.content"] == "something else"


# --- ALTO XML: hostile or damaged files -----------------------------------------------------------

ALTO_LINE = (
    '<TextLine ID="l"><String ID="s" CONTENT="Hi" WC="0.9" HPOS="1" VPOS="2" WIDTH="3" '
    'HEIGHT="4"/></TextLine>'
)
NESTED = zip("abcdefgh", "bcdefghi", strict=True)  # each entity ten of the one before
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in NESTED)
    + ']><alto><Layout><Page ID="p" PHYSICAL_IMG_NR="1"><TextBlock ID="b"><TextLine ID="l">'
    '<String ID="s" CONTENT="&i;"/></TextLine></TextBlock></Page></Layout></alto>'
)


def alto_page(inner: str) -> str:
    return (
        '<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page ID="p" '
        f'PHYSICAL_IMG_NR="1"><PrintSpace><TextBlock ID="b">{inner}</TextBlock></PrintSpace>'
        "</Page></Layout></alto>"
    )


@pytest.mark.parametrize(
    "text, message",
    [
        (LAUGHS, "declares a DTD"),  # a billion laughs: 10**9 'a's if expanded
        (  # an external entity (XXE) would read a local file
            '<!DOCTYPE alto [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + alto_page("&x;"),
            "declares a DTD",
        ),
        ('<!DOCTYPE alto SYSTEM "http://127.0.0.1:9/alto.dtd">' + alto_page(""), "declares a DTD"),
        (alto_page(ALTO_LINE.replace("Hi", "&nbsp;")), "not well-formed .*undefined entity"),
        (alto_page(ALTO_LINE)[:-20], "not well-formed"),  # cut short
        (alto_page("<ComposedBlock>" * 150 + "</ComposedBlock>" * 150), "more than 100 levels"),
        (alto_page(ALTO_LINE).replace("</TextLine>", "</TextBlock>", 1), "not well-formed"),
    ],
    ids=["billion-laughs", "xxe", "external-dtd", "undeclared-entity", "truncated", "deep",
         "mismatched"],
)  # fmt: skip
def test_hostile_or_damaged_alto_is_a_response_format_error(text, message):
    with pytest.raises(ocrframe.ResponseFormatError, match=message):
        ocrframe.words(ocrframe.read_response(text))
    # the same text saved inside a response's JSON is refused by the reader itself
    with pytest.raises(ocrframe.ResponseFormatError, match=message):
        ocrframe.flatten({"alto": text})


@pytest.mark.parametrize(
    "text, message",
    [("", "not well-formed"), ("<html><body/></html>", "root element is <html>, not <alto>"),
     ("<alto>", "not well-formed")],
)  # fmt: skip
def test_an_alto_member_that_is_no_alto_says_so(text, message):
    with pytest.raises(ocrframe.ResponseFormatError, match=message):
        ocrframe.flatten({"alto": text})


NOT_NUMBERS = ["", "x", "nan", "inf", "1e400", "0x10"]


@pytest.mark.parametrize("name", ["WC", "HPOS", "WIDTH"])
@pytest.mark.parametrize("odd", [*NOT_NUMBERS, "-1", "2"])
def test_alto_values_that_are_no_numbers_or_no_confidences_are_kept_in_other(name, odd):
    line = re.sub(f'{name}="[^"]*"', f'{name}="{odd}"', ALTO_LINE)
    frames = ocrframe.flatten(alto_page(line))
    tokens = frames["tokens"]
    assert tokens["text"].tolist() == ["Hi"]
    other = dict(zip(frames["other"]["path"], frames["other"]["value"], strict=True))
    path = f"/alto/Layout/Page/PrintSpace/TextBlock/TextLine/String/@{name}"
    if name == "WC":  # a confidence is from 0 to 1
        assert np.isnan(tokens["confidence"][0]) and other[path] == odd
    elif odd in NOT_NUMBERS:
        assert np.isnan(tokens["x1"][0]) and other[path] == odd
    else:
        assert path not in other and not np.isnan(tokens["x1"][0])


@pytest.mark.parametrize(
    "text",
    ["<!DOCTYPE [" + "]" * 65536, "<!DOCTYPE " + "[" * 65536, "<!--" * 20000,
     "<!DOCTYPE a [" + "<!--" * 16000, "<" + "a" * 65536 + ":alto>"],
    ids=["brackets", "open-brackets", "comments", "doctype-comments", "long-prefix"],
)  # fmt: skip
def test_text_that_only_starts_like_xml_is_told_apart_in_one_pass(text):
    # a backtracking pattern over the prolog took minutes on the first of these
    with pytest.raises(ocrframe.ResponseFormatError, match="nor is it a Tesseract result"):
        ocrframe.read_response(text)
