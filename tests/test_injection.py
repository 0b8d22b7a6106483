"""Spreadsheet and CSV injection (issue 12, class 4): every CSV and xlsx ocrframe writes.

One rule (ocrframe.tables.safe_output.safe_text) is checked once, then every writer is checked
by reading its file back with the csv module and openpyxl.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from test_tables import spanned_cells

from ocrframe.cli import main
from ocrframe.datasets.review import review_queue
from ocrframe.emulator import Emulator
from ocrframe.tables.grid import tables
from ocrframe.tables.safe_output import safe_text, safe_value, write_csv
from ocrframe.tables.workbook import to_excel

# text as OCR might return it -> text as every written file must hold it
HOSTILE = {
    '=HYPERLINK("http://x","y")': '\'=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "+5": "'+5",
    "-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0",
    "--": "'--",
    "@SUM(1+1)*cmd|' /C calc'!A0": "'@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "-12.50": "-12.50",  # a plain negative number stays a number
    "-1,234": "-1,234",
    "-.5e3": "-.5e3",
    "TOTAL = 9.50": "TOTAL = 9.50",  # only the first character matters
    "bell\x07 esc\x1b nul\x00": "bell\\x07 esc\\x1b nul\\x00",
    "del\x7f c1\x85": "del\\x7f c1\\x85",
    "lone \ud800 surrogate \uffff": "lone \\ud800 surrogate \\uffff",
    "two\nlines\r\nkept": "two\nlines\r\nkept",
    "=\x07": "'=\\x07",
}


@pytest.mark.parametrize("text", list(HOSTILE))
def test_the_one_rule(text):
    assert safe_text(text) == HOSTILE[text]


def test_values_that_are_not_text_are_written_as_they_are():
    assert [safe_value(v) for v in (-5, 2.5, None, True, np.float64(-1.5))] == [
        -5,
        2.5,
        None,
        True,
        -1.5,
    ]
    assert isinstance(safe_value(np.int64(3)), int)


def xml_read(text: str) -> str:
    """What an xlsx reader gives back: XML turns every CR and CRLF into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_write_csv_neutralises_cells_and_labels_and_never_splits_a_row(tmp_path):
    # object columns: pandas' pyarrow strings cannot even hold a lone surrogate
    frame = pd.DataFrame({"text": pd.Series(list(HOSTILE), dtype=object), "n": range(len(HOSTILE))})
    frame = frame.rename(columns={"n": "=label"})
    path = write_csv(frame, tmp_path / "x.csv")
    rows = read_rows(path)
    assert rows[0] == ["text", "'=label"]
    assert len(rows) == len(HOSTILE) + 1  # CR or LF inside a field never split a row
    assert [r[0] for r in rows[1:]] == list(HOSTILE.values())
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(len(HOSTILE))]
    back = pd.read_csv(path, keep_default_na=False)
    assert back["text"].tolist() == list(HOSTILE.values())
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]  # no temporary left


def test_review_queue_csv_and_xlsx(tmp_path):
    n = len(HOSTILE)
    words = pd.DataFrame({"source": ["=cmd|' /C calc'!A0"] * n,
                          "text": pd.Series(list(HOSTILE), dtype=object),
                          "confidence": np.linspace(0.1, 0.5, n)})  # fmt: skip
    review_queue(words, out=tmp_path / "r", threshold=0.9)
    rows = read_rows(tmp_path / "r" / "review.csv")
    head = rows[0]
    assert len(rows) == n + 1
    assert [r[head.index("text")] for r in rows[1:]] == list(HOSTILE.values())
    assert {r[head.index("source")] for r in rows[1:]} == {"'=cmd|' /C calc'!A0"}
    ws = load_workbook(tmp_path / "r" / "review.xlsx").active
    head = [c.value for c in ws[1]]
    texts = [ws.cell(r, head.index("text") + 1) for r in range(2, n + 2)]
    assert [c.value for c in texts] == [xml_read(v) for v in HOSTILE.values()]
    assert all(c.data_type == "s" for c in texts)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_to_excel_cells_headers_and_sources(tmp_path):
    cells = spanned_cells()
    hostile = list(HOSTILE)[: len(cells)]
    cells["text"] = hostile
    path = to_excel(cells, tmp_path / "a.xlsx", confidence=None)
    wb = load_workbook(path)
    written = [c.value for row in wb["p1_table0"].iter_rows() for c in row if c.value is not None]
    assert sorted(written) == sorted(xml_read(HOSTILE[t]) for t in hostile)
    frames = tables(cells, header="first")
    frames[0].attrs["source"] = "@evil"
    wb = load_workbook(to_excel(frames, tmp_path / "b.xlsx"))
    assert wb["p1_table0"]["A1"].value == HOSTILE[hostile[0]]  # a header label
    assert wb["sources"]["B2"].value == "'@evil"
    for ws in wb.worksheets:
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def saved_response(folder: Path, source: str, texts: list[str]) -> None:
    blocks = [{"words": t, "confidence": 0.5, "location": [[0, 0], [9, 0], [9, 9], [0, 9]]}
              for t in texts]  # fmt: skip
    body = {"result": {"words_block_list": blocks},
            "_ocrframe": {"api": "general-text", "source": source}}  # fmt: skip
    folder.mkdir(exist_ok=True)
    (folder / "r.json").write_text(json.dumps(body))


def test_cli_audit_csv_and_review(tmp_path):
    folder = tmp_path / "resp"
    saved_response(folder, '=HYPERLINK("http://x","y")', ["=1+1", "a\nb"])
    out = tmp_path / "audit.csv"
    assert main(["audit", str(folder), "--by", "source", "--out", str(out),
                 "--review", str(tmp_path / "review")]) == 0  # fmt: skip
    rows = read_rows(out)
    assert rows[1][rows[0].index("source")] == '\'=HYPERLINK("http://x","y")'
    review = read_rows(tmp_path / "review" / "review.csv")
    assert sorted(r[review[0].index("text")] for r in review[1:]) == ["'=1+1", "a\nb"]


def test_cli_errors_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("=1+2.png").write_bytes(b"not an image")
    with Emulator() as emu:
        engine = ["--engine", "emulator", "--endpoint", emu.url, "--quiet"]
        code = main(["run", "general-text", "=1+2.png", "--cache", "cache", "--errors",
                     "errors.csv", *engine])  # fmt: skip
    assert code == 1
    rows = read_rows(tmp_path / "errors.csv")
    assert len(rows) == 2
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["source"] == "'=1+2.png" and cells["error_code"] == "InputError"


def test_every_csv_and_xlsx_writer_uses_the_one_rule():
    """No module writes a CSV or builds a workbook around safe_output (synth builds the API's
    own workbooks for the emulator, not files for people)."""
    root = Path(__file__).resolve().parent.parent / "ocrframe"
    allowed = {"tables/safe_output.py", "tables/workbook.py", "datasets/review.py",
               "synth/workbook.py"}  # fmt: skip
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        if re.search(r"\.to_csv\(|csv\.writer|DictWriter|Workbook\(", text) and rel not in allowed:
            offenders.append(rel)
    assert offenders == []
    for rel in ("tables/workbook.py", "datasets/review.py"):
        assert "xlsx_value" in (root / rel).read_text(encoding="utf-8")


def test_service_like_workbooks_keep_formula_looking_text_as_text(tmp_path):
    """The local engine and the emulator build the API's own workbook: OCR text such as
    '=1+1' is a text cell there (the service writes text only), so save_excel accepts it."""
    import base64
    import io

    import openpyxl

    import ocrframe
    from ocrframe.synth.workbook import service_xlsx_b64

    b64 = service_xlsx_b64([{"rows": [0], "columns": [0], "words": "=1+1"}])
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(b64))).active
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("=1+1", "s")
    body = {"result": {"words_region_list": [], "excel": b64}}
    assert ocrframe.save_excel(body, tmp_path)
