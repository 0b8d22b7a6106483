import io
import shutil

import openpyxl
import pandas as pd
import pytest

from ocrframe.demo import cer, edit_distance, run_demo, sample_images, word_recall


def _line(text, x0, y0, x1, y1):
    return {"text": text, "x1": x0, "y1": y0, "x2": x1, "y2": y0, "x3": x1, "y3": y1,
            "x4": x0, "y4": y1}  # fmt: skip


def test_edit_distance_matches_definition():
    assert edit_distance("", "abc") == 3
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("flaw", "lawn") == 2
    assert edit_distance("ümlaut", "umlaut") == 1


def test_cer_and_recall_hand_computed():
    truth = pd.DataFrame([_line("TOTAL 9.50", 0, 0, 100, 10), _line("Cash", 0, 20, 40, 30)])
    split = pd.DataFrame([_line("TOTAL", 0, 0, 45, 10), _line("9.5O", 55, 0, 100, 10)])
    # "Cash" missing (4) + one substitution (O for 0) = 5 errors over 14 truth characters
    assert cer(split, truth) == pytest.approx(5 / 14)
    stray = pd.concat([split, pd.DataFrame([_line("xy", 500, 500, 520, 510)])])
    assert cer(stray, truth) == pytest.approx(7 / 14)  # unassigned prediction = insertions
    assert word_recall(split["text"], truth["text"]) == pytest.approx(1 / 3)
    assert cer(split.iloc[:0], truth) == 1.0


needs_engine = pytest.mark.skipif(not sample_images(), reason="no bundled sample images")


@pytest.mark.slow
@needs_engine
def test_demo_writes_the_output_folder(tmp_path):
    pytest.importorskip("rapidocr")
    images = [p for p in sample_images() if p.stem in ("receipt-cafe", "receipt-noisy", "table")]
    picked = []
    for p in images:  # copy with the ground truth so the test owns its inputs
        shutil.copy(p, tmp_path / p.name)
        shutil.copy(p.with_name(p.stem + ".gt.json"), tmp_path / (p.stem + ".gt.json"))
        picked.append(tmp_path / p.name)
    out = tmp_path / "out"
    buf = io.StringIO()
    res = run_demo(out, images=picked, progress=False, stream=buf)
    for name in ("words.parquet", "chars.parquet", "audit.csv", "threshold_sweep.csv",
                 "accuracy.csv", "review/review.csv", "review/review.xlsx"):  # fmt: skip
        assert (out / name).is_file(), name
    assert sorted(p.name for p in (out / "responses").iterdir()) == [
        "receipt-cafe.json",
        "receipt-noisy.json",
        "table.json",
    ]
    assert sorted(p.name for p in (out / "overlays").iterdir()) == [
        "receipt-cafe.png",
        "receipt-noisy.png",
        "table.png",
    ]
    # the table image became a spreadsheet, offline: header merged across the 5 columns
    book = openpyxl.load_workbook(out / "tables" / "table.xlsx")
    sheet = book[book.sheetnames[0]]
    assert "A1:E1" in [str(r) for r in sheet.merged_cells]
    assert [c.value for c in sheet[2]] == ["Item", "Q1", "Q2", "Q3", "Total"]
    assert res.tables[0].shape == (7, 5)
    words = pd.read_parquet(out / "words.parquet")
    assert set(words["source"]) == {str(p) for p in picked} and len(words) > 20
    assert len(pd.read_parquet(out / "chars.parquet")) > len(words)
    acc = pd.read_csv(out / "accuracy.csv")
    assert acc["cer"].max() < 0.1 and acc["word_recall"].min() > 0.85
    audit = pd.read_csv(out / "audit.csv")
    assert audit["n"].sum() == len(words)
    summary = buf.getvalue()
    assert "receipt-cafe.png" in summary and "written to" in summary
    assert "table: a table image read as a 7 x 5 spreadsheet" in summary
    assert "3 images OCR'd" in summary and res.cached == 0
    # the default threshold sends the noisy receipt's misread lines ("2 × Milk") to review
    misread = res.words[res.words["text"].str.contains("×")]
    assert len(misread) and set(misread["text"]) <= set(res.review["text"])
    assert len(list((out / "review" / "crops").iterdir())) == len(res.review)
    # rerun: everything comes from the cache, same words, and the summary says so
    buf = io.StringIO()
    again = run_demo(out, images=picked, progress=False, overlays=False, stream=buf)
    pd.testing.assert_frame_equal(again.words, res.words)
    assert again.cached == 3 and "3 images read from the cache" in buf.getvalue()
    assert "OCR'd with" not in buf.getvalue()


def test_sources_with_the_same_stem_do_not_overwrite_each_other(tmp_path):
    # scans/2023/001.png and scans/2024/001.png are two documents: two response files and two
    # overlays, none silently overwritten.
    from PIL import Image

    import ocrframe
    from ocrframe.datasets.batch import Batch
    from ocrframe.demo import save_responses, write_overlays

    sources = []
    for sub in ("2023", "2024"):
        (tmp_path / sub).mkdir()
        Image.new("RGB", (60, 30), "white").save(tmp_path / sub / "001.png")
        sources.append(str(tmp_path / sub / "001.png"))

    def body(text):
        block = {"words": text, "confidence": 0.5, "location": [[1, 1], [20, 1], [20, 9], [1, 9]]}
        return {"result": {"words_block_list": [block]}}

    batch = Batch([ocrframe.Response(body(f"doc {i}"), source=s) for i, s in enumerate(sources)])
    written = save_responses(batch, tmp_path / "responses")
    assert [p.name for p in written] == ["001.json", "001-2.json"]
    texts = [ocrframe.words(p)["text"].tolist() for p in written]
    assert texts == [["doc 0"], ["doc 1"]]
    pngs = write_overlays(batch.words(), tmp_path / "overlays")
    assert sorted(p.name for p in pngs) == ["001-2.png", "001.png"]


def test_summary_says_why_the_review_folder_is_empty(tmp_path):
    from ocrframe.demo import DemoResult, print_summary

    words = pd.DataFrame({"source": ["a.png"], "text": ["x"], "confidence": [0.97]})
    empty = pd.DataFrame()
    acc = pd.DataFrame({"image": ["a.png"], "lines": [1], "cer": [0.0], "word_recall": [1.0]})
    audit = pd.DataFrame({"source": ["a.png"], "mean": [0.97], "n_below": [0]})
    result = DemoResult(tmp_path, words, empty, audit, empty, acc, empty, empty, 0.1, cached=1)
    buf = io.StringIO()
    print_summary(result, 0.9, "rapidocr", buf)
    text = buf.getvalue()
    assert "1 images read from the cache" in text and "OCR'd with" not in text
    assert "empty: no line below 0.9, the lowest is 0.970" in text
