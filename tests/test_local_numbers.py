"""Letters read inside numbers (``86Q671``, ``ES1O0O``) get back the digit the recogniser also
saw there; printed letters between digits (``12A34``) and letters around numbers stay."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrframe.errors import InputError
from ocrframe.local import LocalEngine
from ocrframe.local._numbers import DigitGuess, fix_numbers

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _guess(digits: str, prob: float) -> DigitGuess:
    return DigitGuess(np.array(list(digits)), np.full(len(digits), prob))


def _swapped(text: str, prob: float = 0.2, min_prob: float = 0.01) -> dict[int, str]:
    solid = [i for i, ch in enumerate(text) if not ch.isspace()]
    return fix_numbers(text, list(range(len(solid))), _guess("0" * len(solid), prob), min_prob)


def test_only_letters_with_digits_on_both_sides_are_swapped():
    assert _swapped("86Q671") == {2: "0"}
    assert _swapped("1O.50") == {1: "0"}  # a decimal point may stand between
    assert _swapped("RM 1O0") == {4: "0"}
    for text in ("12OML", "IL", "WD00", "1OT", "ZI53", "SH01", "O.5", "TOTAL 100"):
        assert _swapped(text) == {}, text


def test_the_digit_needs_the_recognisers_probability():
    assert _swapped("86Q671", prob=0.2, min_prob=0.5) == {}
    assert _swapped("86Q671", prob=0.005, min_prob=0.01) == {}


def test_frames_that_do_not_match_the_text_change_nothing():
    assert fix_numbers("86Q671", [0, 1, 2], _guess("000000", 0.9), 0.01) == {}
    assert fix_numbers("86Q671", list(range(6)), None, 0.01) == {}


@pytest.mark.parametrize("bad", [0, -0.1, 1.5, "0.01", True])
def test_a_bad_numbers_option_is_refused_before_any_work(bad):
    pytest.importorskip("rapidocr", reason="the local extra is not installed")
    with pytest.raises(InputError, match="numbers must be a probability"):
        LocalEngine(numbers=bad).call("general-text", np.full((40, 40, 3), 255, np.uint8))


def _printed(texts: list[str]) -> Image.Image:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    font = ImageFont.truetype(str(path), 26)
    img = Image.new("RGB", (420, 60 * len(texts) + 20), "white")
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(texts):
        draw.text((20, 15 + 60 * i), text, fill="black", font=font)
    return img


def test_printed_letters_between_digits_stay_letters():
    pytest.importorskip("rapidocr", reason="the local extra is not installed")
    codes = ["12A34", "4K7", "UNIT 5E6", "B2B3"]
    blocks = LocalEngine().call("general-text", _printed(codes)).raw["result"]
    read = " ".join(b["words"] for b in blocks["words_block_list"])
    for code in codes:
        assert code in read


@pytest.mark.skipif(not (DATA / "receipts").is_dir(), reason="../shared/data is absent")
def test_a_real_receipts_faded_zero_is_read_as_a_digit_in_text_and_characters():
    pytest.importorskip("rapidocr", reason="the local extra is not installed")
    receipt = DATA / "receipts" / "004.jpg"  # SROIE: "SHINE ES1000 1L", the 0 after 1 faded

    def blocks(engine: LocalEngine) -> list[dict]:
        resp = engine.call("general-text", receipt, character_mode=True)
        return resp.raw["result"]["words_block_list"]

    fixed, as_read = blocks(LocalEngine()), blocks(LocalEngine(numbers=None))
    assert any("ES1O0" in b["words"] for b in as_read)
    assert [b["words"].replace("ES100", "ES1O0") for b in fixed] == [b["words"] for b in as_read]
    (block,) = [b for b in fixed if "ES100" in b["words"]]
    chars = block["char_list"]  # the characters carry the swap, with their own boxes
    assert "".join(c["char"] for c in chars) == "".join(block["words"].split())
    assert len({c["char_confidence"] for c in chars}) > 1  # not the even-split fallback
