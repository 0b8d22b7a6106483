"""Dot leaders ("CASH ........ RM 70.30") are counted from the pixels, not guessed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrframe.local import LocalEngine

pytest.importorskip("rapidocr", reason="the local extra is not installed")

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _font(size: int) -> ImageFont.FreeTypeFont:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSansMono.ttf"
    return ImageFont.truetype(str(path), size)


def _receipt(rows: list[tuple[str, int, str]]) -> Image.Image:
    """Rows of label, dot leader of n dots (printed as a till prints them), amount."""
    font = _font(22)
    img = Image.new("RGB", (560, 50 * len(rows) + 30), "white")
    draw = ImageDraw.Draw(img)
    for i, (label, dots, amount) in enumerate(rows):
        y = 20 + 50 * i
        draw.text((20, y), label + "." * dots, fill="black", font=font)
        draw.text((420, y), amount, fill="black", font=font)
    return img


@pytest.fixture(scope="module")
def engine() -> LocalEngine:
    return LocalEngine()


def _words(engine: LocalEngine, img, **params) -> list[str]:
    blocks = engine.call("general-text", img, **params).raw["result"]["words_block_list"]
    return [b["words"] for b in blocks]


def test_leader_dots_are_counted_and_joined_to_their_label(engine):
    rows = [("TOTAL", 17, "RM 60.31"), ("CASH", 18, "RM 70.30"), ("CHANGE", 16, "RM 10.00")]
    words = _words(engine, _receipt(rows))
    for label, dots, amount in rows:
        assert label + "." * dots in words
        assert amount in words


def test_leader_characters_get_boxes_and_line_mode_counts_too(engine):
    img = _receipt([("CASH", 18, "RM 70.30")])
    block = engine.call("general-text", img, character_mode=True).raw["result"]["words_block_list"][
        0
    ]
    assert block["words"] == "CASH" + "." * 18
    chars = block["char_list"]
    assert "".join(c["char"] for c in chars) == block["words"]
    lefts = [c["char_location"][0][0] for c in chars]
    assert lefts == sorted(lefts)
    assert _words(LocalEngine(split_gap=None), img)[0] == "CASH" + "." * 18


def test_leaders_off_leaves_the_dots_to_the_recogniser():
    img = _receipt([("CASH", 18, "RM 70.30")])
    assert _words(LocalEngine(leaders=False), img)[0] != "CASH" + "." * 18


def test_ellipsis_and_decimal_points_are_not_leaders(engine):
    font = _font(22)
    img = Image.new("RGB", (560, 120), "white")
    draw = ImageDraw.Draw(img)
    draw.text((20, 20), "Wait... 1.2.3 a.b.c", fill="black", font=font)
    draw.text((20, 70), "TOTAL 9.00", fill="black", font=font)
    from ocrframe.local._rapid import RapidBackend

    assert not [p for p in RapidBackend().detect(np.asarray(img)) if p.dots]


@pytest.mark.skipif(not (DATA / "receipts").is_dir(), reason="../shared/data is absent")
def test_real_receipt_leaders(engine):
    # SROIE 001: the recogniser alone reads "CASH" and "CHANGE.." here
    words = _words(engine, DATA / "receipts" / "001.jpg")
    assert "CASH" + "." * 20 in words
    assert "CHANGE" + "." * 18 in words


@pytest.mark.skipif(not (DATA / "pages").is_dir(), reason="../shared/data is absent")
def test_no_leaders_in_prose():
    # lower-case letters of a paragraph sit on the baseline too: none is taken for a dot
    from ocrframe.local._rapid import RapidBackend

    img = np.asarray(Image.open(DATA / "pages" / "eurotext.tif").convert("RGB"))
    assert not [p for p in RapidBackend().detect(img) if p.dots]
