import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from PIL import Image

from ocrframe.datasets.review import crop_box, review_queue
from ocrframe.errors import InputError


@pytest.fixture
def scan(tmp_path):
    img = Image.new("RGB", (200, 100), "white")
    path = tmp_path / "scan.png"
    img.save(path)
    return path


def _words(source):
    return pd.DataFrame(
        {
            "source": [str(source)] * 4,
            "page": [1, 1, 1, 1],
            "text": ["ok", "bad", "worse", "nobox"],
            "confidence": [0.99, 0.7, 0.4, 0.5],
            "x_min": [0.0, 10.0, 150.0, np.nan],
            "y_min": [0.0, 20.0, 80.0, np.nan],
            "x_max": [20.0, 60.5, 199.0, np.nan],
            "y_max": [10.0, 40.0, 99.0, np.nan],
        }
    )


def test_crop_box():
    assert crop_box((10, 20, 60.5, 40), (200, 100), margin=5) == (5, 15, 66, 45)
    assert crop_box((150, 80, 199, 99), (200, 100), margin=8) == (142, 72, 200, 100)
    assert crop_box((np.nan, 0, 1, 1), (10, 10)) is None
    assert crop_box((300, 300, 400, 400), (10, 10)) is None


def test_review_queue_writes_crops_and_spreadsheet(scan, tmp_path):
    out = tmp_path / "review"
    q = review_queue(_words(scan), threshold=0.9, out=out, margin=5)
    assert q["text"].tolist() == ["worse", "nobox", "bad"]  # lowest confidence first
    assert q["item"].tolist() == [1, 2, 3]
    assert pd.isna(q.loc[1, "crop"])
    with Image.open(out / q.loc[0, "crop"]) as im:
        assert im.size == (200 - 145, 100 - 75)  # clipped at the image edge
    with Image.open(out / q.loc[2, "crop"]) as im:
        assert im.size == (66 - 5, 45 - 15)
    back = pd.read_csv(out / "review.csv")
    assert back["text"].tolist() == ["worse", "nobox", "bad"]
    wb = load_workbook(out / "review.xlsx")
    ws = wb["review"]
    header = [c.value for c in ws[1]]
    assert header[-4:] == ["crop", "image", "corrected_text", "ok"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[header.index("text")] for r in rows] == ["worse", "nobox", "bad"]
    assert rows[0][header.index("crop")] == q.loc[0, "crop"]
    assert len(ws._images) == 2


def test_review_queue_image_folder_mapping_and_limit(scan, tmp_path):
    df = _words("elsewhere/scan.jpg")  # found by stem in the folder
    q = review_queue(df, images=tmp_path, out=tmp_path / "r1", xlsx=False, limit=1)
    assert len(q) == 1 and q.loc[0, "crop"].endswith("_scan.png")
    assert not (tmp_path / "r1" / "review.xlsx").exists()
    arr = np.zeros((100, 200, 3), dtype=np.uint8)
    q2 = review_queue(
        _words("mem"), images={"mem": arr}, out=tmp_path / "r2", xlsx=False, threshold=0.6
    )
    assert q2["text"].tolist() == ["worse", "nobox"] and q2["crop"].notna().sum() == 1


def test_review_queue_missing_image_still_lists_items(tmp_path):
    q = review_queue(_words(tmp_path / "gone.png"), out=tmp_path / "r", xlsx=True)
    assert len(q) == 3 and q["crop"].isna().all()
    assert (tmp_path / "r" / "review.xlsx").exists()


def test_review_queue_bad_input(scan, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        review_queue(_words(scan), out=tmp_path / "file")
    with pytest.raises(InputError, match="does not exist"):
        review_queue(_words(scan), images=tmp_path / "nope", out=tmp_path / "r")
    with pytest.raises(InputError, match="is a file; give the folder"):
        review_queue(_words(scan), images=tmp_path / "file", out=tmp_path / "r")
    with pytest.raises(InputError, match="NUL byte"):
        review_queue(_words(scan), images="scans\x00", out=tmp_path / "r")
    with pytest.raises(InputError, match="confidence"):
        review_queue(_words(scan).drop(columns="confidence"), out=tmp_path / "r")
    with pytest.raises(InputError, match="margin"):
        review_queue(_words(scan), out=tmp_path / "r", margin=-1)


def test_review_queue_source_that_is_not_an_image(tmp_path):
    bogus = tmp_path / "resp.json"
    bogus.write_text("{}")
    q = review_queue(_words(bogus), out=tmp_path / "r", xlsx=False)
    assert len(q) == 3 and q["crop"].isna().all()


def test_review_spreadsheet_keeps_ocr_text_as_text(scan, tmp_path):
    # Receipts are full of "=====" rules; OCR text may hold control characters. Neither may
    # become a formula or stop the export.
    words = _words(scan)
    words["text"] = ["ok", "=====", "=1+2", "TOTAL\x0c9.50"]
    words.loc[3, ["x_min", "y_min", "x_max", "y_max"]] = [5.0, 5.0, 50.0, 20.0]
    review_queue(words, out=tmp_path / "r", threshold=0.9)
    ws = load_workbook(tmp_path / "r" / "review.xlsx").active
    col = [c.value for c in ws[1]].index("text") + 1
    cells = [ws.cell(r, col) for r in range(2, ws.max_row + 1)]
    assert [c.value for c in cells] == ["'=1+2", "TOTAL\\x0c9.50", "'====="]
    assert {c.data_type for c in cells} == {"s"}


def test_streamed_review_queue_of_a_batch_without_items(tmp_path):
    from ocrframe.datasets.batch import Batch

    q = review_queue(Batch([]), out=tmp_path / "r", stream=True)
    assert q.empty and {"item", "source", "text", "confidence", "crop"} <= set(q.columns)
    assert (tmp_path / "r" / "review.csv").is_file()


def test_review_queue_of_one_response_crops_its_source_image(tmp_path):
    """A Response's own frames have no ``source`` column: the queue found no image for any
    item and every crop was silently NA. It is now read as a one-item batch."""
    from ocrframe.response import Response
    from ocrframe.synth import synthesize

    image = tmp_path / "receipt.png"
    Image.new("RGB", (1200, 1200), "white").save(image)
    resp = Response(synthesize("general-text", seed=1), api="general-text", source=str(image))
    q = review_queue(resp, threshold=1.0, out=tmp_path / "review", xlsx=False)
    assert len(q) == len(resp.words()) and q["crop"].notna().all()
    assert set(q["source"]) == {str(image)}
    assert q["crop"].str.endswith("_receipt.png").all()


def test_a_queue_of_fields_keeps_their_item_beside_its_own(scan, tmp_path):
    """The fields frame has an ``item`` column (the place of a value in a list field): the
    queue numbered its rows under that name and stopped with ``cannot insert item, already
    exists``. The field's index is kept as ``field_item``; the queue's own numbering stays
    ``item``, as for every other frame."""
    fields = pd.DataFrame(
        {
            "source": [str(scan)] * 3,
            "page": [1, 1, 1],
            "field": ["name", "phone", "phone"],
            "field_norm": ["full_name", "phone", "phone"],
            "item": pd.array([pd.NA, 0, 1], dtype="Int64"),
            "value": ["ANNA", "123", "456"],
            "confidence": [0.5, 0.95, 0.6],
            "x_min": [10.0, np.nan, np.nan],
            "y_min": [20.0, np.nan, np.nan],
            "x_max": [60.0, np.nan, np.nan],
            "y_max": [40.0, np.nan, np.nan],
        }
    )
    out = tmp_path / "review"
    q = review_queue(fields, threshold=0.9, out=out)
    assert q["item"].tolist() == [1, 2]
    assert q["value"].tolist() == ["ANNA", "456"]
    assert q["field_item"].astype(object).where(q["field_item"].notna(), None).tolist() == [
        None,
        1,
    ]
    back = pd.read_csv(out / "review.csv")
    assert back["field_item"].tolist()[1] == 1
    ws = load_workbook(out / "review.xlsx")["review"]
    assert "field_item" in [c.value for c in ws[1]]
