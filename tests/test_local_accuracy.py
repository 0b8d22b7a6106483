"""benchmarks/accuracy.py measures what it says: reference text in reading order."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("rapidocr", reason="the local extra is not installed")
pytest.importorskip("apted", reason="the bench extra is not installed")


@pytest.fixture()
def accuracy(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module("accuracy")


def test_reference_lines_are_read_in_the_same_order_as_the_output(accuracy, tmp_path):
    # SROIE lists a row's right-hand amount before its label; joined as listed, even a perfect
    # reader would be charged for "moving" the text
    receipts = tmp_path / "receipts"
    receipts.mkdir()
    Image.new("RGB", (300, 100), "white").save(receipts / "000.jpg")
    (receipts / "000.csv").write_text(
        "200,10,260,10,260,30,200,30,9.00\n"
        "10,10,80,10,80,30,10,30,TOTAL\n"
        "10,50,90,50,90,70,10,70,THANK YOU\n",
        encoding="utf-8",
    )
    (_, _, blocks, ref, _, _) = next(accuracy.cases(tmp_path))
    assert ref == "TOTAL 9.00\nTHANK YOU"
    assert accuracy.norm(accuracy.read_text(blocks)) == accuracy.norm(ref)


def test_error_kinds_say_where_the_errors_are(accuracy):
    ref = "cash.... rm 10.00 total: 9.00"
    kinds = accuracy.error_kinds("cash rm 1000 total 9.0O", ref)
    assert kinds == {"spaces": 0, "dots": 5, "punct": 1, "alnum": 1}
    assert accuracy.error_kinds("cashrm 10.00", "cash rm 10.00")["spaces"] == 1
    assert sum(accuracy.error_kinds(ref, ref).values()) == 0


def test_granularity_neutral_cer_neither_rewards_nor_punishes_block_size(accuracy):
    """A reference line read as two pieces, or two reference pieces read as one line, costs
    nothing, whatever the boxes' heights (a PDF's text layer is tighter than a detector's); a
    line on another row is no part of the group."""
    ref = [("Precinct RUN 12/3/2014 REGISTRAR-RECORDE", 73, 37, 731, 50),
           ("R/COUNTY CLERK", 733, 37, 900, 50),
           ("TOTAL 12", 73, 80, 300, 93)]  # fmt: skip
    hyp = [("Precinct RUN 12/3/2014", 68, 34, 359, 54),
           ("REGISTRAR-RECORDER/COUNTY CLERK", 544, 34, 905, 54),
           ("TOTAL 12", 70, 77, 302, 96)]  # fmt: skip
    assert accuracy.grouped_errors(hyp, ref, lower=False) == (1, 63)  # one space: RECORDE R/
    missed = accuracy.grouped_errors(hyp[:2], ref, lower=False)
    assert missed == (1 + 8, 63)  # the missing line costs its characters, once


def test_a_receipt_line_starting_with_a_quote_is_one_line(accuracy, tmp_path):
    """SROIE's box files are not CSV-quoted: a text starting with '"' swallowed every line
    after it into one reference line (a held-out receipt's CER read 0.466 instead of 0.086)."""
    receipts = tmp_path / "receipts"
    receipts.mkdir()
    Image.new("RGB", (300, 100), "white").save(receipts / "000.jpg")
    (receipts / "000.csv").write_text(
        '10,10,80,10,80,30,10,30,"REDEEMED 5\n10,50,90,50,90,70,10,70,THANK YOU\n',
        encoding="utf-8",
    )
    (_, _, blocks, ref, _, _) = next(accuracy.cases(tmp_path))
    assert ref == '"REDEEMED 5\nTHANK YOU' and len(blocks) == 2


def test_tables_without_cell_boxes_give_teds_not_a_cer(accuracy):
    rows = [{"secs": 1.0, "teds": 0.9}, {"secs": 3.0, "teds": 0.7}]
    assert accuracy._metric(rows, "CER") is None and accuracy._metric(rows, "gCER") is None
    assert accuracy._metric(rows, "TEDS") == pytest.approx(0.8)
