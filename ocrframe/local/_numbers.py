"""Letters the recogniser reads inside numbers, put back as the digit it also saw there.

Faded receipt print makes PP-OCR read ``86Q671`` for ``860671`` and ``ES1O0O`` for ``ES1000``.
A letter with a digit right next to it on both sides (or on one side, and past a decimal
point on the other: ``1O.5``) is swapped for the most likely digit at its CTC frame when the
recogniser gave that digit at least ``min_prob`` there. Printed letters between digits
(``12A34``, ``4K7``, ``1920x1080``) get well under 0.001 and stay; a sans-serif ``I`` between
digits (``3I4``) gets about 0.07 and becomes ``1``. Letters at a number's end (``12OML``,
``100G``) and digits among letters are left as read: units and codes make those ambiguous.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

DIGITS = "0123456789"
NUMBER_DIGITS = 0.01  # least probability of the digit at a letter's frame that makes the swap


@dataclass
class DigitGuess:
    """Per CTC frame of one recognised crop: the most likely digit and its probability."""

    digits: np.ndarray  # str per frame
    probs: np.ndarray  # float per frame


class DigitTap:
    """Wraps rapidocr's CTC decoder to keep, per recognised crop, the best digit at each frame
    (the full probabilities are frames x ~18,000 classes: too large to keep).

    Call :meth:`start` before a recognition and :meth:`guesses` after it.
    """

    def __init__(self, decode: Any) -> None:
        self.decode = decode
        classes = list(getattr(decode, "character", []))
        folded = [unicodedata.normalize("NFKC", str(c)) for c in classes]
        self._ids = np.array([i for i, c in enumerate(folded) if len(c) == 1 and c in DIGITS])
        self._chars = np.array([folded[i] for i in self._ids]) if len(self._ids) else None
        self._rows: list[DigitGuess] = []

    def __call__(self, preds: np.ndarray, *args: Any, **kwargs: Any) -> Any:
        if self._chars is not None and getattr(preds, "ndim", 0) == 3:
            digits = preds[:, :, self._ids]
            best = digits.argmax(axis=2)
            probs = np.take_along_axis(digits, best[:, :, None], axis=2)[:, :, 0]
            rows = zip(best, probs, strict=True)
            self._rows.extend(DigitGuess(self._chars[b], p) for b, p in rows)
        return self.decode(preds, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # rapidocr reads the decoder's attributes
        if name == "decode":  # not set yet (copying): no endless lookup
            raise AttributeError(name)
        return getattr(self.decode, name)

    def start(self) -> None:
        self._rows = []

    def guesses(self, widths: Sequence[float]) -> list[DigitGuess | None]:
        """Rows of the last recognition back in crop order: rapidocr reads crops sorted by
        their width-to-height ratio (``widths``), as ``np.argsort`` orders them."""
        order = np.argsort(np.asarray(widths, dtype=float))
        out: list[DigitGuess | None] = [None] * len(widths)
        if len(self._rows) != len(widths):
            return out
        for row, crop in zip(self._rows, order, strict=True):
            out[int(crop)] = row
        return out


def fix_numbers(
    text: str, frames: Sequence[int], guess: DigitGuess | None, min_prob: float
) -> dict[int, str]:
    """Swaps ``{index in text: digit}`` for letters read inside numbers; ``frames`` are the
    CTC frames of the text's non-space characters, in order (no swaps when they do not match
    the text).

    >>> guess = DigitGuess(np.array(list("8600671")), np.array([.9, .9, .2, 0, .9, .9, .9]))
    >>> fix_numbers("86Q671", [0, 1, 2, 4, 5, 6], guess, 0.01)
    {2: '0'}
    >>> fix_numbers("86Q671", [0, 1, 2, 4, 5, 6], guess, 0.5)
    {}
    >>> fix_numbers("1O.5O", [0, 1, 2, 3, 4], DigitGuess(np.array(list("10050")),
    ...     np.full(5, 0.2)), 0.01)
    {1: '0'}
    >>> fix_numbers("12OML", [0, 1, 2, 3, 4], DigitGuess(np.array(list("12000")),
    ...     np.full(5, 0.2)), 0.01)
    {}
    """
    solid = [i for i, ch in enumerate(text) if not ch.isspace()]
    if guess is None or len(solid) != len(frames) or not solid:
        return {}
    candidates: dict[int, str] = {}
    for i, frame in zip(solid, frames, strict=True):
        if 0 <= frame < len(guess.probs) and _letter(text[i]) and guess.probs[frame] >= min_prob:
            candidates[i] = str(guess.digits[frame])
    return {i: d for i, d in candidates.items() if _inside_number(text, i)}


def apply_swaps(text: str, swaps: dict[int, str]) -> str:
    """``text`` with the characters at the given indices replaced.

    >>> apply_swaps("86Q671", {2: "0"})
    '860671'
    """
    chars = list(text)
    for i, ch in swaps.items():
        chars[i] = ch
    return "".join(chars)


def _letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _inside_number(text: str, i: int) -> bool:
    """A digit right next to ``text[i]`` on both sides, or on one side with a decimal point
    between it and the digit on the other (``1O.5``)."""
    near = [0 <= j < len(text) and text[j].isdigit() for j in (i - 1, i + 1)]
    return any(near) and all(_digit_beyond(text, i, step) for step in (-1, 1))


def _digit_beyond(text: str, i: int, step: int) -> bool:
    j = i + step
    if 0 <= j < len(text) and text[j] in ".,":
        j += step
    return 0 <= j < len(text) and text[j].isdigit()
