"""LocalEngine reads tables offline: General Table and SDR shapes, real .xlsx, dense pages."""

from __future__ import annotations

import base64
import importlib
import io
import socket
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from PIL import Image, ImageDraw, ImageFont

import ocrframe
from ocrframe.errors import InputError
from ocrframe.local import LocalEngine, answers
from ocrframe.local._geometry import Line
from ocrframe.local._table import Cell, fill_cells, grid_cells
from ocrframe.local._table_response import general_table_result

pytest.importorskip("rapidocr", reason="the local extra is not installed")
pytest.importorskip("rapid_table", reason="the local extra is not installed")

ROOT = Path(__file__).resolve().parents[1]
# what the bundled sample table (ocrframe/sample_data/images/table.png) says
EXPECTED = [
    ["Office supplies spend 2025 (USD)", "", "", "", ""],
    ["Item", "Q1", "Q2", "Q3", "Total"],
    ["Paper A4", "120.00", "98.50", "143.25", "361.75"],
    ["Toner", "310.00", "0.00", "295.00", "605.00"],
    ["Staplers", "18.90", "22.40", "0.00", "41.30"],
    ["Lamps", "64.00", "64.00", "128.00", "256.00"],
    ["Cables", "15.75", "31.50", "15.75", "63.00"],
]


def _no_network(*args, **kwargs):
    raise AssertionError(f"the local engine tried to reach the network: {args!r}")


@pytest.fixture(scope="module")
def table_resp():
    """A fresh engine (models loaded here) answering with every flag, sockets blocked."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", _no_network)
        mp.setattr(socket.socket, "connect_ex", _no_network)
        mp.setattr(socket, "create_connection", _no_network)
        mp.setattr(socket, "getaddrinfo", _no_network)
        return LocalEngine().call(
            "general-table",
            ocrframe.sample_path("table"),
            return_excel=True,
            return_confidence=True,
            return_text_location=True,
            return_char_location=True,
        )


def _grid(frame) -> list[list[str]]:
    return frame.fillna("").astype(str).values.tolist()


def test_general_table_cells_grid_and_spans(table_resp):
    result = table_resp.raw["result"]
    kinds = [r["type"] for r in result["words_region_list"]]
    assert kinds == ["table", "text"]  # the source note under the grid is text, not a row
    table = result["words_region_list"][0]
    assert table["words_block_count"] == len(table["words_block_list"]) == 31
    header = table["words_block_list"][0]
    assert header["rows"] == [0] and header["columns"] == [0, 1, 2, 3, 4]
    for block in table["words_block_list"]:
        assert 0 < block["confidence"] <= 1
        assert len(block["cell_location"]) == 4 and len(block["location"]) == 4
        for item in block["words_list"]:
            assert len(item["char_list"]) == len(item["words"].replace(" ", ""))
    assert _grid(ocrframe.tables(table_resp, span="blank")[0]) == EXPECTED
    note = " ".join(b["words"] for b in result["words_region_list"][1]["words_block_list"])
    assert note == "Source: purchasing ledger, exported 2025-10-01"


def test_excel_is_a_real_workbook_built_like_the_service(table_resp, tmp_path):
    data = base64.b64decode(table_resp.raw["result"]["excel"])
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:E1"]
    assert ws["A1"].value == EXPECTED[0][0] and ws["E7"].value == "63.00"
    assert ocrframe.compare_excel_cells(table_resp).empty
    assert _grid(ocrframe.excel_tables(table_resp, span="blank")[0]) == EXPECTED
    out = ocrframe.to_excel(table_resp, tmp_path / "review.xlsx")
    back = openpyxl.load_workbook(out)
    sheet = back[back.sheetnames[0]]
    assert sheet["B3"].value == "120.00" and "A1:E1" in [str(r) for r in sheet.merged_cells]


def test_flags_off_leave_locations_and_confidences_out():
    line = Line("42", np.array([[12, 12], [30, 12], [30, 28], [12, 28]], float), 0.8)
    cells = [Cell([0], [0], np.array([[0, 0], [50, 0], [50, 40], [0, 40]], float))]
    assert fill_cells(cells, [line]) == []
    bare = general_table_result(cells, [], {})
    assert bare["words_region_list"][0]["words_block_list"] == [
        {"words": "42", "rows": [0], "columns": [0]}
    ]
    full = general_table_result(cells, [], {"return_confidence": True, "return_excel": True})
    assert full["words_region_list"][0]["words_block_list"][0]["confidence"] == 0.8
    assert "location" not in full["words_region_list"][0]["words_block_list"][0]
    assert "excel" in full and "excel" not in bare


def test_structure_tokens_become_spanning_cells():
    tokens = ["<thead>", "<tr>", "<td", ' rowspan="2"', ">", "</td>", "<td", ' colspan="2"']
    tokens += [">", "</td>", "</tr>", "<tr>", "<td></td>", "<td></td>", "</tr>", "</thead>"]
    cells = grid_cells(tokens, np.zeros((4, 4, 2)))
    assert [(c.rows, c.columns) for c in cells] == [
        ([0, 1], [0]),
        ([0], [1, 2]),
        ([1], [1]),
        ([1], [2]),
    ]


def test_which_apis_and_params_the_engine_answers():
    assert answers("general_table") and answers("smart-document-recognizer", {"table": True})
    assert not answers("smart-document-recognizer", {"kv": True}) and not answers("passport")
    with pytest.raises(InputError, match="kv"):
        LocalEngine().call("smart-document-recognizer", ocrframe.sample_path("table"), kv=True)
    with pytest.raises(InputError, match="use_text_layer"):
        LocalEngine().call("general-table", ocrframe.sample_path("table"), use_text_layer=True)


def test_emulator_answers_tables_with_the_local_engine():
    from ocrframe.emulator import Emulator

    with Emulator(engine=LocalEngine()) as emu:
        client = ocrframe.Client(endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk)
        with client:
            sdr = client.smart_document_recognizer(
                ocrframe.sample_path("table"), table=True, return_excel=True
            )
            synthetic = client.smart_document_recognizer(ocrframe.sample_path("form"), kv=True)
    page = sdr.raw["result"][0]
    assert page["table_result"]["table_count"] == 1
    assert "Staplers" in [b["words"] for b in page["ocr_result"]["words_block_list"]]
    assert _grid(ocrframe.tables(sdr, span="blank")[0]) == EXPECTED
    assert ocrframe.compare_excel_cells(sdr).empty
    assert "kv_result" in synthetic.raw["result"][0]  # the engine does not answer kv: synth does


def _dense_page(n_rows: int = 56, n_cols: int = 20) -> tuple[Image.Image, int]:
    import matplotlib

    font = ImageFont.truetype(
        str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"), 13
    )
    img = Image.new("RGB", (n_cols * 60 + 20, n_rows * 22 + 20), "white")
    draw = ImageDraw.Draw(img)
    for r in range(n_rows):
        for c in range(n_cols):
            draw.text(
                (10 + c * 60, 10 + r * 22),
                f"{(r * 37 + c * 11) % 900 + 100}",
                fill="black",
                font=font,
            )
    return img, n_rows * n_cols


def test_a_dense_page_is_detected_whole():
    # 1,120 numbers: rapidocr's default cap of 1,000 text boxes would drop the last rows
    from ocrframe.local._rapid import RapidBackend

    img, n = _dense_page()
    boxes = RapidBackend(split_gap=None).detect(np.asarray(img))
    assert len(boxes) >= 0.99 * n  # with the default cap: exactly 1,000


def test_teds_of_identical_and_merged_tables(monkeypatch):
    pytest.importorskip("apted")
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    teds = importlib.import_module("teds")
    gt = {
        "structure": {"tokens": ["<tr>", "<td>", "</td>", "<td>", "</td>", "</tr>"]},
        "cells": [{"tokens": list("ab")}, {"tokens": list("cd")}],
    }
    same = [
        {"rows": [0], "columns": [0], "words": "ab"},
        {"rows": [0], "columns": [1], "words": "cd"},
    ]
    one_typo = [same[0], {"rows": [0], "columns": [1], "words": "cx"}]
    merged = [{"rows": [0], "columns": [0, 1], "words": "abcd"}]
    tree = teds.pubtabnet_tree(gt)
    assert teds.teds(tree, teds.cells_tree(same)) == 1.0
    assert teds.teds(tree, teds.cells_tree(one_typo)) == pytest.approx(1 - 0.5 / 4)
    assert teds.teds(tree, teds.cells_tree(merged)) == pytest.approx(1 - 2 / 4)


def _hyphen_break_table(path: Path) -> None:
    """A ruled two-column table whose first body cell breaks "Binding-site" after the hyphen."""
    import matplotlib

    font = ImageFont.truetype(
        str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"), 16
    )
    img = Image.new("RGB", (360, 200), "white")
    draw = ImageDraw.Draw(img)
    y = 10
    draw.line([(10, y), (350, y)], fill="black", width=2)
    for left, right, height in [
        (["Method"], "Sensitivity (%)", 36),
        (["Binding-", "site scan"], "91.2", 52),
        (["Motif count"], "87.5", 36),
        (["Five-", "fold check"], "90.1", 52),
    ]:
        for k, text in enumerate(left):
            draw.text((18, y + 8 + 20 * k), text, fill="black", font=font)
        draw.text((170, y + 8), right, fill="black", font=font)
        y += height
        draw.line([(10, y), (350, y)], fill="black", width=1)
    img.crop((0, 0, 360, y + 10)).save(path)


def test_a_word_broken_at_its_hyphen_is_joined_without_a_space(tmp_path):
    # PubTabNet's validation crops write such cells "binding-site", "5-fold", "n-mers"; a space
    # after the hyphen split the word and cost each of those cells in TEDS
    _hyphen_break_table(tmp_path / "hyphen.png")
    resp = LocalEngine().call("general-table", tmp_path / "hyphen.png")
    table = [r for r in resp.raw["result"]["words_region_list"] if r["type"] == "table"][0]
    words = [b["words"] for b in table["words_block_list"]]
    assert "Binding-site scan" in words, words
