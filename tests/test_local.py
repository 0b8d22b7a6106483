"""LocalEngine: real OCR on real images, answered in the general-text / web-image shape."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrframe.errors import InputError, MissingDependencyError
from ocrframe.local import LocalEngine
from ocrframe.local._deps import require

pytest.importorskip("rapidocr", reason="the local extra is not installed")

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
LINES = ["INVOICE 2024", "Total 42.50 EUR"]


def _font(size: int = 40) -> ImageFont.FreeTypeFont:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    return ImageFont.truetype(str(path), size)


@pytest.fixture(scope="module")
def page() -> Image.Image:
    img = Image.new("RGB", (640, 220), "white")
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(LINES):
        draw.text((40, 40 + 90 * i), text, fill="black", font=_font())
    return img


@pytest.fixture(scope="module")
def engine() -> LocalEngine:
    return LocalEngine()


@pytest.fixture(scope="module")
def upright(engine, page):
    return engine.call("general_text", page, character_mode=True, return_markdown_result=True).raw[
        "result"
    ]


def _inside(poly, width, height, slack=2):
    return all(-slack <= x <= width + slack and -slack <= y <= height + slack for x, y in poly)


def test_text_polygons_and_confidences(upright, page):
    blocks = upright["words_block_list"]
    assert [b["words"] for b in blocks] == LINES
    assert upright["words_block_count"] == 2 and upright["direction"] == -1
    assert upright["markdown_result"] == "\n".join(LINES)
    for block in blocks:
        loc = block["location"]
        assert len(loc) == 4 and all(isinstance(v, int) for pt in loc for v in pt)
        assert _inside(loc, *page.size)
        assert 0.9 <= block["confidence"] <= 1
    # the first line sits where it was drawn (original pixels: x from 40, y about 40..90)
    (x0, y0), _, (x1, y1), _ = blocks[0]["location"]
    assert 30 <= x0 <= 50 and 30 <= y0 <= 55 and 75 <= y1 <= 100 and x1 > 250


def test_char_list_aligned_with_text(upright):
    for block in upright["words_block_list"]:
        chars = block["char_list"]
        assert "".join(c["char"] for c in chars) == block["words"].replace(" ", "")
        lefts = [c["char_location"][0][0] for c in chars]
        assert lefts == sorted(lefts)
        assert all(0 <= c["char_confidence"] <= 1 for c in chars)
        (bx0, _), _, (bx1, _), _ = block["location"]
        assert all(bx0 - 2 <= c["char_location"][0][0] <= bx1 + 2 for c in chars)


def test_same_answer_for_every_input_kind(engine, page, tmp_path):
    buf = io.BytesIO()
    page.save(buf, format="PNG")
    path = tmp_path / "page.png"
    path.write_bytes(buf.getvalue())
    by_path = engine.call("general-text", path)
    by_bytes = engine.call("general-text", buf.getvalue())
    by_array = engine.call("general-text", np.asarray(page))
    assert by_path.source == str(path) and by_bytes.source == "<bytes>"
    assert by_path.meta == {"engine": "rapidocr", "text_source": "ocr"}
    words = [b["words"] for b in by_path.raw["result"]["words_block_list"]]
    assert words == LINES
    for other in (by_bytes, by_array):
        assert other.raw["result"]["words_block_list"] == by_path.raw["result"]["words_block_list"]


def test_web_image_shape(engine, page):
    resp = engine.call("Web Image", page, extract_type=["image_size"])
    result = resp.raw["result"]
    assert resp.api == "web-image"
    assert result["extracted_data"] == {"image_size": {"width": 640, "height": 220}}
    assert "direction" not in result and "char_list" not in result["words_block_list"][0]
    assert engine.call("web-image", page).raw["result"]["extracted_data"] == {}


def test_bad_requests_raise_input_error(engine, page):
    with pytest.raises(InputError, match="general-table, general-text, web-image only"):
        engine.call("passport", page)
    with pytest.raises(InputError, match="exactly one"):
        engine.call("general-text")
    with pytest.raises(InputError, match="no network"):
        engine.call("general-text", url="https://example.com/a.png")
    with pytest.raises(InputError, match="unknown parameter"):
        engine.call("general-text", page, characters=True)
    with pytest.raises(InputError, match="not a recognised image format"):
        engine.call("general-text", b"not an image")
    with pytest.raises(InputError, match="not a PDF"):
        engine.call("general-text", page, page=2)
    with pytest.raises(InputError, match="`engine` must be one of"):
        LocalEngine("easyocr")


def test_missing_extra_names_the_install_line():
    with pytest.raises(MissingDependencyError, match=r'pip install "ocrframe\[local\]"'):
        require("ocrframe_no_such_engine")


def test_pdf_page_is_rendered_and_ocrd(engine, page):
    buf = io.BytesIO()
    blank = Image.new("RGB", page.size, "white")
    blank.save(buf, format="PDF", resolution=150, save_all=True, append_images=[page])
    resp = engine.call("general-text", buf.getvalue(), page=2)
    assert resp.page == 2 and resp.meta["text_source"] == "ocr"
    assert [b["words"] for b in resp.raw["result"]["words_block_list"]] == LINES


@pytest.mark.skipif(not (DATA / "pdfs").is_dir(), reason="../shared/data/pdfs is absent")
def test_born_digital_pdf_uses_text_layer(engine):
    pdf = DATA / "pdfs" / "scotus-transcript-p1.pdf"
    resp = engine.call("general-text", pdf, character_mode=True)
    assert resp.meta["text_source"] == "pdf_text" and resp.page == 1
    words = [b["words"] for b in resp.raw["result"]["words_block_list"]]
    assert "Official - Subject to Final Review" in words
    with pytest.raises(InputError, match="no text layer"):
        buf = io.BytesIO()
        Image.new("RGB", (100, 100), "white").save(buf, format="PDF")
        engine.call("general-text", buf.getvalue(), use_text_layer=True)


@pytest.mark.slow
def test_rotated_input_gives_tilted_boxes_and_direction(engine, page):
    tilted = page.rotate(12, expand=True, fillcolor="white")  # anticlockwise on screen
    result = engine.call("general-text", tilted, detect_direction=True).raw["result"]
    blocks = result["words_block_list"]
    assert [b["words"] for b in blocks] == LINES
    for block in blocks:
        (x0, y0), (x1, y1) = block["location"][:2]
        angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
        assert -16 < angle < -8  # the top edge rises with the text
        assert _inside(block["location"], *tilted.size)
    assert result["direction"] == pytest.approx(348, abs=4)

    turned = page.rotate(90, expand=True)  # text now reads bottom to top
    result = engine.call("general-text", turned, detect_direction=True).raw["result"]
    assert [b["words"] for b in result["words_block_list"]] == LINES
    assert result["direction"] == pytest.approx(270, abs=4)
    (x0, y0), (x1, y1) = result["words_block_list"][0]["location"][:2]
    assert y1 < y0 - 100 and abs(x1 - x0) < 20  # starts at the text's own top-left


def _serif_page(lines: list[str]) -> Image.Image:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf"
    font = ImageFont.truetype(str(path), 40)
    img = Image.new("RGB", (2200, 360), "white")
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(lines):
        draw.text((60, 60 + 88 * i), text, fill="black", font=font)
    return img


def test_a_line_reads_the_same_beside_a_much_wider_one(engine):
    # rapidocr recognises crops in batches padded to the widest: beside this wide line, "QTY 1"
    # and "RM 8.90" lost their spaces ("QTY1", "RM8.90"); each crop is now read on its own.
    wide = "THANK YOU PLEASE COME AGAIN GOODS SOLD ARE NOT RETURNABLE OR EXCHANGEABLE"
    for short in ("QTY 1", "RM 8.90"):
        alone = engine.call("general-text", _serif_page([short])).raw["result"]
        both = engine.call("general-text", _serif_page([short, wide])).raw["result"]
        assert [b["words"] for b in alone["words_block_list"]] == [short]
        assert [b["words"] for b in both["words_block_list"]] == [short, wide]


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "receipts").is_dir(), reason="../shared/data is absent")
def test_real_receipt(engine):
    import csv

    img = DATA / "receipts" / "000.jpg"
    with open(img.with_suffix(".csv"), newline="", encoding="utf-8") as fh:
        truth = {",".join(row[8:]).upper() for row in csv.reader(fh) if len(row) > 8}
    result = engine.call("general-text", img).raw["result"]
    found = {b["words"].upper() for b in result["words_block_list"]}
    assert len(found & truth) >= 0.5 * len(truth)
    width, height = Image.open(img).size
    assert all(_inside(b["location"], width, height) for b in result["words_block_list"])


def test_tesseract_alternative(page):
    pytest.importorskip("tesserocr")
    resp = LocalEngine("tesseract").call("general-text", page, character_mode=True)
    blocks = resp.raw["result"]["words_block_list"]
    assert [b["words"] for b in blocks] == LINES and resp.meta["engine"] == "tesseract"
    assert all(0 <= b["confidence"] <= 1 for b in blocks)
    assert "".join(c["char"] for c in blocks[1]["char_list"]) == "Total42.50EUR"
