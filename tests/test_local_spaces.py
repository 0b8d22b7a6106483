"""Spaces the recogniser drops are put back from the blank pixels between its characters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ocrframe.errors import InputError
from ocrframe.local import LocalEngine
from ocrframe.local._spaces import restore_spaces

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _crop(*spans: tuple[int, int]) -> np.ndarray:
    """A white 20 x 120 crop with 12-pixel-tall black glyphs over the given column spans."""
    crop = np.full((20, 120), 255.0)
    for a, b in spans:
        crop[4:16, a:b] = 0
    return crop


def test_a_space_goes_where_the_print_is_blank_for_most_of_a_letter_height():
    crop = _crop((5, 25), (28, 48), (58, 78))  # gaps of 3 and 10 pixels; ink 12 tall
    assert restore_spaces("ABC", [15, 38, 68], crop, 0.7) == "AB C"
    assert restore_spaces("ABC", [15, 38, 68], crop, 1.0) == "ABC"


def test_spaces_already_read_are_kept_and_not_doubled():
    crop = _crop((5, 25), (58, 78))
    assert restore_spaces("A B", [15, 68], crop, 0.7) == "A B"


def test_wide_cjk_characters_never_get_spaces():
    crop = _crop((5, 25), (58, 78))
    assert restore_spaces("谢谢", [15, 68], crop, 0.7) == "谢谢"


def test_positions_that_do_not_match_the_text_leave_it_unchanged():
    crop = _crop((5, 25), (58, 78))
    assert restore_spaces("ABC", [15, 68], crop, 0.7) == "ABC"
    assert restore_spaces("AB", [15, 68], np.full((20, 120), 255.0), 0.7) == "AB"


@pytest.mark.parametrize("bad", [0, -1, "0.7", True])
def test_a_bad_spaces_option_is_refused_before_any_work(bad):
    pytest.importorskip("rapidocr", reason="the local extra is not installed")
    with pytest.raises(InputError, match="spaces must be a positive number or None"):
        LocalEngine(spaces=bad).call("general-text", np.full((40, 40, 3), 255, np.uint8))


@pytest.mark.skipif(not (DATA / "receipts").is_dir(), reason="../shared/data is absent")
def test_a_real_receipt_gets_back_the_spaces_its_ground_truth_has():
    pytest.importorskip("rapidocr", reason="the local extra is not installed")
    receipt = DATA / "receipts" / "003.jpg"  # SROIE: "CASH : 100.00", "CHANGE : 19.10"

    def words(engine: LocalEngine) -> list[str]:
        blocks = engine.call("general-text", receipt).raw["result"]["words_block_list"]
        return [b["words"].upper() for b in blocks]

    restored, recognised = words(LocalEngine()), words(LocalEngine(spaces=None))
    assert "CASH:" in recognised and "CHANGE:" in recognised
    assert "CASH :" in restored and "CHANGE :" in restored
    assert len(restored) == len(recognised)  # spaces only: the same blocks
