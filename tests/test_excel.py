"""API workbooks in (bounded), review workbooks out, cross-check (ocrframe.tables)."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from test_tables import (
    PUBTABNET,
    SAMPLES,
    api_cells,
    general_table_body,
    pubtabnet_tables,
    spanned_cells,
    values,
)

from ocrframe.errors import InputError, OcrError, WorkbookError
from ocrframe.tables.api_excel import decode_workbook, excel_tables, save_excel
from ocrframe.tables.compare import compare_excel_cells
from ocrframe.tables.grid import SPAN_POLICIES, grid, tables
from ocrframe.tables.workbook import LOW_CONFIDENCE_FILL, to_excel


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def cells_workbook(tmp_path: Path, cells: pd.DataFrame, **kw) -> Path:
    return to_excel(cells, tmp_path / "out.xlsx", **kw)


def sheet_grid(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def merges(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


# --- cells -> xlsx -> openpyxl -----------------------------------------------------------------


def test_round_trip_cells_to_xlsx_keeps_grid_and_merges(tmp_path):
    path = cells_workbook(tmp_path, spanned_cells(), confidence=None)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["p1_table0", "sources"]
    ws = wb["p1_table0"]
    assert sheet_grid(ws) == values(grid(spanned_cells()))
    assert merges(ws) == {"A1:A2", "B1:C1"}


def test_round_trip_through_an_api_shaped_response(tmp_path):
    """cells -> our xlsx -> Base64 in result.excel -> excel_tables == tables, every policy."""
    cells = spanned_cells()
    cells.loc[len(cells)] = {
        **cells.iloc[0].to_dict(),
        "row": 1,
        "col": 3,
        "row_span": 1,
        "col_span": 1,
        "text": "",
    }  # fmt: skip  (fill the hole)
    path = cells_workbook(tmp_path, cells, sources=False)
    body = general_table_body(api_cells(cells))
    body["result"]["excel"] = b64(path.read_bytes())
    for span in SPAN_POLICIES:
        for header in (None, "first", [0, 1]):
            (xl,) = excel_tables(body, span=span, header=header, numeric=True)
            (js,) = tables(body, span=span, header=header, numeric=True)
            pd.testing.assert_frame_equal(xl, js)
            assert xl.attrs["payload"] == "result.excel" and xl.attrs["sheet"] == "p1_table0"
    assert compare_excel_cells(body).empty


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample responses absent")
@pytest.mark.parametrize(
    "name",
    [
        "general-table.json",
        "smart-document-recognizer.json",
        "smart-document-recognizer-one-kind.json",
    ],
)
def test_api_workbooks_equal_the_json_cells(name):
    path = SAMPLES / name
    for span in SPAN_POLICIES:
        xls = excel_tables(path, span=span, header="auto")
        key = ("page", "kind", "table")
        jss = {tuple(f.attrs[k] for k in key): f for f in tables(path, span=span, header="auto")}
        assert xls and len(xls) == len(jss)
        for xl in xls:
            js = jss[tuple(xl.attrs[k] for k in key)]
            pd.testing.assert_frame_equal(xl, js)
    diff = compare_excel_cells(path)
    assert diff.empty and list(diff.columns) == [
        "source", "page", "kind", "table", "row", "col", "what", "excel", "cells"
    ]  # fmt: skip


# --- cross-check ---------------------------------------------------------------------------------


def test_compare_reports_text_merge_and_shape_differences(tmp_path):
    cells = spanned_cells()
    path = cells_workbook(tmp_path, cells, sources=False)
    edited = cells.copy()
    edited.loc[edited["text"] == "w", "text"] = "W"  # a text difference
    edited.loc[edited["text"] == "size", "col_span"] = 1  # a merge the JSON no longer has
    edited.loc[len(edited)] = {**edited.iloc[-1].to_dict(), "row": 3, "text": "extra"}
    body = general_table_body(api_cells(edited))
    body["result"]["excel"] = b64(path.read_bytes())
    diff = compare_excel_cells(body)
    by_what = {w: d for w, d in diff.groupby("what")}
    assert set(by_what) == {"shape", "text", "merge"}
    assert by_what["shape"][["excel", "cells"]].values.tolist() == [["3 x 4", "4 x 4"]]
    assert by_what["text"][["row", "col", "excel", "cells"]].values.tolist() == [[1, 1, "w", "W"]]
    assert by_what["merge"][["row", "col", "excel", "cells"]].values.tolist() == [
        [0, 1, "B1:C1", "B1"]
    ]
    assert str(diff["row"].dtype) == "Int64" and (diff["table"] == 0).all()


def test_compare_reports_tables_missing_on_one_side(tmp_path):
    path = cells_workbook(tmp_path, spanned_cells(), sources=False)
    body = general_table_body(api_cells(spanned_cells()), page_tables=2)
    body["result"]["excel"] = b64(path.read_bytes())
    diff = compare_excel_cells(body)
    assert diff[["table", "what"]].values.tolist() == [[1, "missing_excel"]]
    no_excel = general_table_body(api_cells(spanned_cells()))
    assert compare_excel_cells(no_excel).empty


# --- hostile payloads ----------------------------------------------------------------------------


def zip_bytes(members: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return raw.getvalue()


def future_zip_version() -> bytes:
    """A workbook whose central directory says it needs zip version 17.6 to extract (one
    damaged byte pair): zipfile raises NotImplementedError."""
    data = bytearray(zip_bytes({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}))
    at = data.find(b"PK\x01\x02")
    data[at + 6 : at + 8] = (176).to_bytes(2, "little")
    return bytes(data)


def body_with_excel(payload: str) -> dict:
    body = general_table_body(api_cells(spanned_cells()))
    body["result"]["excel"] = payload
    return body


@pytest.mark.parametrize(
    "payload, message",
    [
        ("UEsDBBQAAAAIAAAAIQBhXUk6TwEAAI8EAAATAAAAW0NvbnRlbnRfVHlwZX...", "not valid Base64"),
        ("abc", "not valid Base64"),
        (b64(b"%PDF-1.7 not a workbook"), "not a zip archive"),
        (b64(b"PK\x03\x04 broken"), "not a readable zip"),
        (b64(zip_bytes({"hello.txt": b"hi"})), "a zip archive but not an .xlsx workbook"),
        (
            b64(zip_bytes({"[Content_Types].xml": b"<nonsense", "xl/workbook.xml": b"??"})),
            "Types].xml, which is not well-formed XML",
        ),
        (
            b64(zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})),
            "openpyxl cannot read it",
        ),
        (b64(zip_bytes({f"xl/{i}": b"" for i in range(1001)})), "zip members"),
        (b64(future_zip_version()), "not a readable zip archive .zip file version 17.6"),
    ],
)
def test_hostile_payloads_raise_workbook_error(payload, message, tmp_path):
    body = body_with_excel(payload)
    for call in (excel_tables, compare_excel_cells):
        with pytest.raises(WorkbookError, match=message) as err:
            call(body)
        assert isinstance(err.value, OcrError) and isinstance(err.value, ValueError)
        assert "result.excel" in str(err.value)
    if "openpyxl" not in message:  # save_excel checks the zip, it does not parse the sheets
        with pytest.raises(WorkbookError):
            save_excel(body, tmp_path / "x.xlsx")
        assert not list(tmp_path.iterdir())  # nothing written


def test_zip_bomb_is_refused_before_opening():
    # 60 MB of zeros compress to ~60 KB: refused by its declared uncompressed size.
    bomb = zip_bytes({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": bytes(60 << 20)})
    assert len(bomb) < 200_000
    with pytest.raises(WorkbookError, match="expands to 62,914,564 bytes, more than max_bytes"):
        excel_tables(body_with_excel(b64(bomb)))


def test_max_bytes_is_configurable(tmp_path):
    good = cells_workbook(tmp_path, spanned_cells()).read_bytes()
    body = body_with_excel(b64(good))
    # ~7 KB zipped, ~22 KB unzipped
    with pytest.raises(WorkbookError, match="expands to .* bytes, more than max_bytes=10,000"):
        excel_tables(body, max_bytes=10_000)
    with pytest.raises(WorkbookError, match="Base64 characters, more than the limit"):
        excel_tables(body, max_bytes=100)
    assert len(excel_tables(body, max_bytes=10_000_000)) == 2  # the table and "sources"


def test_decode_workbook_accepts_data_uri_and_line_breaks(tmp_path):
    data = cells_workbook(tmp_path, spanned_cells()).read_bytes()
    text = b64(data)
    wrapped = "data:application/vnd.ms-excel;base64," + "\n".join(
        text[i : i + 76] for i in range(0, len(text), 76)
    )
    assert decode_workbook(wrapped) == data
    with pytest.raises(WorkbookError, match="must be a Base64 string"):
        decode_workbook(12)


def test_oversized_sheet_dimensions_are_refused():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.active["XFD1048576"] = "far away"
    raw = io.BytesIO()
    wb.save(raw)
    with pytest.raises(WorkbookError, match="spans 1,048,576 x 16,384 cells"):
        excel_tables(body_with_excel(b64(raw.getvalue())))


# --- save_excel ----------------------------------------------------------------------------------


def test_save_excel_writes_bytes_as_returned(tmp_path):
    data = cells_workbook(tmp_path, spanned_cells()).read_bytes()
    body = body_with_excel(b64(data))
    (one,) = save_excel(body, tmp_path / "api.xlsx")
    assert one.read_bytes() == data
    sdr = {
        "result": [
            {
                "table_result": {"table_list": [{"words_block_list": [], "excel": b64(data)}]},
                "form_result": {"form_list": [{"words_block_list": [], "excel": b64(data)}]},
            }
        ]
    }
    paths = save_excel(sdr, tmp_path / "out")
    assert [p.name for p in paths] == ["response0_p1_table0.xlsx", "response0_p1_form0.xlsx"]
    assert all(p.read_bytes() == data for p in paths)
    with pytest.raises(InputError, match="2 workbooks to save"):
        save_excel(sdr, tmp_path / "one.xlsx")
    with pytest.raises(WorkbookError, match="return_excel=true"):
        save_excel(general_table_body(api_cells(spanned_cells())), tmp_path)


def test_save_excel_names_from_data_stay_inside_the_folder_and_short(tmp_path):
    data = cells_workbook(tmp_path, spanned_cells()).read_bytes()
    body = body_with_excel(b64(data))
    for source in ("../../" + "x" * 300 + ".png", "/etc/passwd", "..", "a\x00b.png"):
        body["_ocrframe"] = {"api": "general-table", "source": source}
        (path,) = save_excel(body, tmp_path / "out")
        assert path.parent == tmp_path / "out" and len(path.name.encode()) < 200
        assert path.read_bytes() == data
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


# --- review workbooks ----------------------------------------------------------------------------


def test_low_confidence_cells_are_highlighted_with_comments(tmp_path):
    path = cells_workbook(tmp_path, spanned_cells(), threshold=0.8)
    ws = openpyxl.load_workbook(path)["p1_table0"]
    flagged = {
        c.coordinate
        for row in ws.iter_rows()
        for c in row
        if c.fill is not None and c.fill.fgColor.rgb == LOW_CONFIDENCE_FILL
    }
    assert flagged == {"D1", "B3"}  # "x" (0.5) and "1,200" (0.6)
    assert ws["D1"].comment.text == "confidence 0.500"
    assert ws["B3"].comment.text == "confidence 0.600"
    assert ws["A1"].comment is None and ws["A1"].fill.fgColor.rgb != LOW_CONFIDENCE_FILL
    assert ws["B3"].value == "1,200"  # OCR text is written as text


def test_threshold_and_confidence_sheet(tmp_path):
    path = cells_workbook(tmp_path, spanned_cells(), threshold=0.95, confidence="sheet")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["p1_table0", "p1_table0_conf", "sources"]
    ws = wb["p1_table0"]
    assert ws["B1"].fill.fgColor.rgb == LOW_CONFIDENCE_FILL  # 0.9 < 0.95
    assert ws["B1"].comment is None
    conf = sheet_grid(wb["p1_table0_conf"])
    assert conf[0] == [0.99, 0.9, None, 0.5] and conf[1] == [None, 0.95, 0.97, None]
    sources = sheet_grid(wb["sources"])
    assert sources[0][:8] == ["sheet", "source", "api", "page", "kind", "table", "rows", "cols"]
    assert sources[1][:8] == ["p1_table0", None, None, 1, "table", 0, 3, 4]
    assert sources[1][8] == 3  # cells below 0.95: 0.9, 0.5 and 0.6


def test_to_excel_from_a_response_and_a_batch(tmp_path):
    body = general_table_body(api_cells(spanned_cells()), page_tables=2)
    wb = openpyxl.load_workbook(to_excel(body, tmp_path / "r.xlsx"))
    assert wb.sheetnames == ["p1_table0", "p1_table1", "sources"]
    assert sheet_grid(wb["sources"])[1][2] == "general-table"
    batch = pd.concat(
        [spanned_cells().assign(source="a.png"), spanned_cells().assign(source="b.png")]
    )
    wb = openpyxl.load_workbook(to_excel(batch, tmp_path / "b.xlsx"))
    assert wb.sheetnames == ["s0_p1_table0", "s1_p1_table0", "sources"]
    assert [r[1] for r in sheet_grid(wb["sources"])[1:]] == ["a.png", "b.png"]


def test_to_excel_writes_grid_frames_with_their_header(tmp_path):
    frames = tables(spanned_cells(), header=[0, 1], span="fill", numeric=True)
    ws = openpyxl.load_workbook(to_excel(frames, tmp_path / "g.xlsx"))["p1_table0"]
    assert sheet_grid(ws) == [["id", "size / w", "size / h", "x"], [1, 1200, -5, 7]]


def test_to_excel_keeps_hostile_text_as_text(tmp_path):
    cells = spanned_cells()
    cells.loc[cells["text"] == "w", "text"] = '=HYPERLINK("http://x","y")'
    cells.loc[cells["text"] == "h", "text"] = "bad\x01char"
    ws = openpyxl.load_workbook(cells_workbook(tmp_path, cells))["p1_table0"]
    # OWASP: a leading quote makes it text in every spreadsheet; controls stay visible
    assert ws["B2"].value == '\'=HYPERLINK("http://x","y")' and ws["B2"].data_type == "s"
    assert ws["C2"].value == "bad\\x01char"


def test_to_excel_keeps_hostile_header_and_source_text_as_text(tmp_path):
    # Header labels of grid frames and the sources sheet are OCR text / user paths too: a
    # label starting with "=" must not become a formula.
    cells = spanned_cells()
    cells.loc[cells["text"] == "id", "text"] = "=1+1"
    frames = tables(cells, header="first")
    frames[0].attrs["source"] = '=HYPERLINK("http://x","y")'
    wb = openpyxl.load_workbook(to_excel(frames, tmp_path / "h.xlsx"))
    head = wb["p1_table0"]["A1"]
    assert (head.value, head.data_type) == ("'=1+1", "s")
    src = wb["sources"]["B2"]
    assert (src.value, src.data_type) == ('\'=HYPERLINK("http://x","y")', "s")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"threshold": 1.5}, "`threshold` must be a number in"),
        ({"confidence": "notes"}, "`confidence` must be one of"),
    ],
)
def test_to_excel_rejects_bad_options_before_writing(tmp_path, kwargs, message):
    with pytest.raises(InputError, match=message):
        to_excel(spanned_cells(), tmp_path / "x.xlsx", **kwargs)
    assert not list(tmp_path.iterdir())


def test_to_excel_rejects_bad_paths_and_empty_input(tmp_path):
    with pytest.raises(InputError, match="another extension"):
        to_excel(spanned_cells(), tmp_path / "x.csv")
    with pytest.raises(InputError, match="does not exist"):
        to_excel(spanned_cells(), tmp_path / "missing" / "x.xlsx")
    with pytest.raises(InputError, match="no table to write"):
        to_excel({"result": {"words_block_list": [{"words": "hi"}]}}, tmp_path / "x.xlsx")


# --- real tables -------------------------------------------------------------------------------


@pytest.mark.skipif(not PUBTABNET.is_file(), reason="../shared/data absent")
def test_pubtabnet_spreadsheets_reproduce_structure(tmp_path):
    cases = pubtabnet_tables()
    path = to_excel([c["body"] for c in cases], tmp_path / "pubtabnet.xlsx", confidence=None)
    wb = openpyxl.load_workbook(path)
    for k, case in enumerate(cases):
        ws = wb[f"s{k}_p1_table0"]
        expected = {
            f"{openpyxl.utils.get_column_letter(c + 1)}{r + 1}:"
            f"{openpyxl.utils.get_column_letter(c + cs)}{r + rs}"
            for r, c, rs, cs in case["placed"]
            if rs > 1 or cs > 1
        }
        assert merges(ws) == expected, case["name"]
        got = np.array(sheet_grid(ws), dtype=object)
        assert got.shape == case["shape"]
        for (r, c, _, _), block in zip(case["placed"], case["blocks"], strict=True):
            assert (got[r, c] or "") == block["words"], case["name"]
        # and back: the written workbook as an API payload gives the same frames as the cells
        body = dict(case["body"])
        one = to_excel(case["body"], tmp_path / f"{k}.xlsx", sources=False)
        body["result"] = {**body["result"], "excel": b64(one.read_bytes())}
        for span in SPAN_POLICIES:
            pd.testing.assert_frame_equal(
                excel_tables(body, span=span)[0].fillna(""),
                tables(body, span=span)[0].fillna(""),
            )


def test_payloads_map_to_the_same_tables_as_the_cells():
    """Pages and table numbers of Smart Document Recognizer workbooks follow ocrframe.cells."""
    synth = pytest.importorskip("ocrframe.synth")
    params = {"table": True, "form": True, "return_excel": True}
    page = synth.synthesize("smart-document-recognizer", seed=5, params=params)["result"][0]
    two_pages = {"result": [page, page]}
    one_kind = synth.smart_document_one_kind_per_element({"result": [page]})
    for body in (two_pages, one_kind):
        key = ("page", "kind", "table")
        xl = sorted(tuple(f.attrs[k] for k in key) for f in excel_tables(body))
        js = sorted(tuple(f.attrs[k] for k in key) for f in tables(body))
        assert xl == js and len(xl) >= 2
        assert compare_excel_cells(body).empty
    assert {t[0] for t in xl} == {1}
    xl = sorted(tuple(f.attrs[k] for k in key) for f in excel_tables(two_pages))
    assert xl == [(1, "form", 0), (1, "table", 0), (2, "form", 0), (2, "table", 0)]


def test_an_empty_sheet_gives_an_empty_frame():
    raw = io.BytesIO()
    openpyxl.Workbook().save(raw)
    (frame,) = excel_tables(body_with_excel(b64(raw.getvalue())))
    assert frame.shape == (0, 0) and frame.attrs["sheet"] == "Sheet"


def test_text_longer_than_a_cell_holds_is_cut_with_a_note_not_silently(tmp_path):
    """openpyxl cuts a cell's text at 32,767 characters without a word (a base64 portrait in a
    fields frame, a page's markdown): the cut is now said in the cell and in a warning."""
    from ocrframe.datasets.review import review_queue

    long = "A" * 20_000 + "B" * 20_000
    frame = pd.DataFrame({"text": [long, "ok"], "confidence": [0.5, 0.9]})
    with pytest.warns(UserWarning, match="longer than an xlsx cell holds"):
        to_excel(frame, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").worksheets[0]
    cells = [c.value for c in ws["A"]]
    cut = next(v for v in cells if v and v.startswith("A"))
    assert len(cut) == 32_767 and cut.startswith("A" * 20_000 + "B")
    assert cut.endswith(
        f" [{40_000 - cut.index(' ['):,} more characters cut: an xlsx cell holds 32,767]"
    )
    assert "ok" in cells
    words = frame.assign(source="x.png", page=1, x_min=0.0, y_min=0.0, x_max=1.0, y_max=1.0)
    with pytest.warns(UserWarning, match="longer than an xlsx cell holds"):
        review_queue(words, out=tmp_path / "review", threshold=0.95)
    ws = openpyxl.load_workbook(tmp_path / "review" / "review.xlsx")["review"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(len(v) == 32_767 and "more characters cut" in v for v in texts)


def test_a_batch_of_saved_responses_goes_to_one_workbook_a_sheet_per_table(tmp_path):
    """``to_excel`` and ``tables`` take a Batch (the tables of all its responses), as they
    take its cells frame: given the Batch itself they refused it ("cannot read a response
    from Batch"). Read back, each sheet holds its table's cells."""
    import json

    from ocrframe import tables, to_excel
    from ocrframe.datasets.batch import read_responses
    from ocrframe.synth import synthesize

    folder = tmp_path / "saved"
    folder.mkdir()
    for i in range(3):
        body = synthesize("general-table", seed=i)
        (folder / f"r{i}.json").write_text(json.dumps(body))
    batch = read_responses(folder)
    grids = tables(batch)
    assert len(grids) == len(tables(batch.cells())) >= 3
    out = to_excel(batch, tmp_path / "all.xlsx")
    book = openpyxl.load_workbook(out)
    sheets = [name for name in book.sheetnames if name != "sources"]
    assert len(sheets) == len(grids)
    first = book[sheets[0]]
    written = {c.value for row in first.iter_rows() for c in row if c.value is not None}
    assert set(grids[0].stack().dropna().astype(str)) <= written
    listed = [row[1] for row in book["sources"].iter_rows(min_row=2, values_only=True)]
    assert {str(p) for p in folder.iterdir()} == set(listed)


def test_the_api_workbooks_of_a_batch_are_read_saved_and_compared(tmp_path):
    """``excel_tables``, ``save_excel`` and ``compare_excel_cells`` take a Batch of saved
    responses (each response's Base64 workbooks, in order), as they take a list of
    responses; given the Batch they refused it ("cannot read a response from Batch")."""
    import json

    from ocrframe import compare_excel_cells, excel_tables, save_excel
    from ocrframe.datasets.batch import read_responses
    from ocrframe.synth import synthesize

    folder = tmp_path / "saved"
    folder.mkdir()
    for i in range(3):
        body = synthesize("general-table", seed=i, params={"return_excel": True})
        (folder / f"scan{i}.json").write_text(json.dumps(body))
    batch = read_responses(folder)
    each = list(batch)
    assert len(excel_tables(batch)) == len(excel_tables(each)) >= 3
    saved = save_excel(batch, tmp_path / "books")
    assert sorted(p.name for p in saved) == [f"scan{i}_p1_tables.xlsx" for i in range(3)]
    assert all(openpyxl.load_workbook(p).active.max_row >= 1 for p in saved)
    pd.testing.assert_frame_equal(compare_excel_cells(batch), compare_excel_cells(each))


def test_a_batch_given_where_one_response_belongs_says_what_to_do(tmp_path):
    """A per-response function given a Batch named the type it could not read and listed
    dicts and paths; it now says a Batch holds many and how to get one, or its frames."""
    import json

    from ocrframe import plot_table, read_response
    from ocrframe.datasets.batch import read_responses
    from ocrframe.errors import OcrError
    from ocrframe.synth import synthesize

    (tmp_path / "a.json").write_text(json.dumps(synthesize("general-table", seed=1)))
    batch = read_responses(tmp_path)
    for call in (lambda: read_response(batch), lambda: plot_table(batch)):
        with pytest.raises(OcrError, match=r"a Batch holds 1: pass one \(batch\[0\]\)"):
            call()
