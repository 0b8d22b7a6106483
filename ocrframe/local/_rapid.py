"""rapidocr (PP-OCR models run by onnxruntime), with the models that ship inside its wheel."""

from __future__ import annotations

import contextlib
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..arguments import check_flag, check_number
from ..errors import InputError, MissingDependencyError
from ._deps import require
from ._geometry import Line, char_quads, even_char_quads, sub_box
from ._ink import gray, ink_mask
from ._leaders import Piece, attach_leaders, with_leaders
from ._numbers import NUMBER_DIGITS, DigitTap, apply_swaps, fix_numbers
from ._spaces import SPACE_GAP, restore_spaces

_MODELS = {"Det": "*det*.onnx", "Rec": "*rec*.onnx", "Cls": "*cls*.onnx"}
MAX_BOXES = 5000  # rapidocr's default of 1,000 silently drops the rest of a dense page
MAX_SIDE = 8192  # the detector's short side: more costs memory and time, never accuracy


@dataclass(frozen=True)
class RapidOptions:
    """The rapidocr engine's options (see :class:`ocrframe.LocalEngine`), checked when made:
    an InputError before any model is loaded.

    >>> RapidOptions(split_gap=-1)
    Traceback (most recent call last):
    ...
    ocrframe.errors.InputError: split_gap must be a positive number or None, got -1
    """

    text_score: float = 0.5
    min_side: int = 736
    split_gap: float | None = 0.8
    leaders: bool = True
    spaces: float | None = SPACE_GAP
    numbers: float | None = NUMBER_DIGITS

    def __post_init__(self) -> None:
        check_number("text_score", self.text_score, low=0, high=1)
        check_number("min_side", self.min_side, low=32, high=MAX_SIDE, integer=True)
        check_flag("leaders", self.leaders)
        _check_option("split_gap", self.split_gap)
        _check_option("spaces", self.spaces)
        _check_option("numbers", self.numbers, most=1.0, kind="a probability in (0, 1]")


class RapidBackend:
    """Detect, (classify) and recognise text lines with rapidocr.

    ``text_score`` drops lines below that confidence; ``min_side`` is the short side the
    detector scales an image to (rapidocr's default, 736; larger reads small print better but
    slower). ``split_gap`` splits a detected line where a blank gap is at least that many
    times the line's box height (0.8 by default, which also restores spaces the recogniser
    drops; ``None`` keeps whole detected lines). ``leaders`` (default True) counts dot leaders
    ("TOTAL ....... RM") from the pixels and joins them to the text on their left, since the
    recogniser drops or miscounts such dots. ``spaces`` (0.7 by default) puts back a space
    the recogniser dropped between two characters where the crop is blank for at least that
    many times the ink height (``None``: the recogniser's spaces only). ``numbers`` (0.01
    by default) puts back the digit for a letter read inside a number (``86Q671``,
    ``ES1O0O``) when the recogniser gave that digit at least this probability at the
    letter's position (``None``: letters as read). Text is NFKC-normalised (the model emits
    full-width punctuation).
    """

    name = "rapidocr"
    options = RapidOptions

    def __init__(self, **options: Any) -> None:
        chosen = RapidOptions(**options)  # checked before any model is loaded
        text_score, min_side = chosen.text_score, chosen.min_side
        self.numbers = chosen.numbers
        self.split_gap = chosen.split_gap
        self.spaces = chosen.spaces
        self.leaders = chosen.leaders
        self.text_score = text_score
        rapidocr = require("rapidocr")
        require("onnxruntime")
        models = Path(rapidocr.__file__).parent / "models"
        params: dict[str, Any] = {
            "Global.log_level": "error",
            "Global.text_score": text_score,
            "Global.model_root_dir": str(models),
            "Det.limit_side_len": min_side,
            # 0.5 (rapidocr's default) drops faint receipt print; 1,000 boxes cut dense pages
            "Det.box_thresh": 0.3,
            "Det.max_candidates": MAX_BOXES,
            # one crop per recognition: in rapidocr's batches of 6, padded to the widest, a
            # short line beside a long one lost spaces and read O as 0
            "Rec.rec_batch_num": 1,
        }
        for task, pattern in _MODELS.items():
            found = sorted(models.glob(pattern))
            if not found:
                raise MissingDependencyError(
                    f"rapidocr's bundled {task} model ({pattern}) is not in {models}; ocrframe "
                    'never downloads models. Reinstall with: pip install "ocrframe[local]"'
                )
            params[f"{task}.model_path"] = str(found[-1])
        self._engine = rapidocr.RapidOCR(params=params)
        with _no_downloads():  # load all three models now, and refuse any download
            self._engine._load_det_model()
            self._engine._load_cls_model()
            recogniser = self._engine._load_rec_model()
        self._digits: DigitTap | None = None
        if self.numbers is not None:  # LocalEngine's lock serialises recognitions: one tap serves
            self._digits = DigitTap(recogniser.postprocess_op)
            recogniser.postprocess_op = self._digits

    def orientation(self, img: np.ndarray) -> int:
        """Quarter turns (anticlockwise) that make the text upright: 0, 1, 2 or 3."""
        from rapidocr.utils.process_img import get_rotate_crop_image

        # rapidocr keeps these switches between calls: always pass all three
        det = self._engine(detectable(img), use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(det, "boxes", None)
        if boxes is None or len(boxes) == 0:
            return 0
        boxes = sorted(boxes, key=_area, reverse=True)[:20]
        tall = sum(_height(b) >= 1.5 * _width(b) for b in boxes) > len(boxes) / 2
        crops = [get_rotate_crop_image(img, np.asarray(b, dtype=np.float32)) for b in boxes]
        labels = [label for label, _ in self._engine._load_cls_model()(crops).cls_res]
        flipped = labels.count("180") > len(labels) / 2
        # a tall crop is turned anticlockwise before classification: upright means the text
        # ran top to bottom (a quarter turn clockwise on the page)
        return (1 if tall else 0) + (2 if flipped else 0)

    def detect(self, img: np.ndarray) -> list[Piece]:
        """Pieces of an upright image to read: text boxes (4 x 2 float32, TL TR BR BL), split
        at wide gaps, and the dot leaders counted between them (``Piece.dots`` > 0)."""
        from rapidocr.utils.process_img import get_rotate_crop_image

        det = self._engine(detectable(img), use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(det, "boxes", None)
        if boxes is None or len(boxes) == 0:
            return []
        if len(boxes) >= MAX_BOXES:
            warnings.warn(
                f"the detector stopped at {MAX_BOXES} text boxes: text beyond them is missing; "
                "split the page into parts",
                stacklevel=3,
            )
        boxes = list(np.asarray(boxes, dtype=np.float32))
        if self.leaders:
            found = with_leaders(gray(img), boxes)
        else:
            found = [Piece(box) for box in boxes]
        if self.split_gap is None:
            return found
        pieces = []
        for piece in found:
            crop = get_rotate_crop_image(img, piece.box.copy()) if not piece.dots else None
            if crop is None or crop.shape[0] > crop.shape[1]:  # leader, or a vertical line
                pieces.append(piece)
                continue
            spans = gap_spans(gray(crop), self.split_gap)
            pieces.extend(Piece(sub_box(piece.box, a, b)) for a, b in spans)
        return pieces

    def recognize(self, img: np.ndarray, *, chars: bool) -> list[Line]:
        """Lines of an upright image; ``chars`` adds per-character quads and confidences."""
        from rapidocr.utils.process_img import get_rotate_crop_image

        boxes, crops, leaders = [], [], []
        for piece in self.detect(img):
            if piece.dots:
                leaders.append(_leader_line(piece, chars))
                continue
            crop = get_rotate_crop_image(img, piece.box.copy())
            if crop.size:
                boxes.append(piece.box)
                crops.append(crop)
        lines = []
        if crops:
            lines = self._read(boxes, crops, chars)
        return attach_leaders(lines, leaders)

    def _read(self, boxes: list[np.ndarray], crops: list[np.ndarray], chars: bool) -> list[Line]:
        from rapidocr.ch_ppocr_rec import TextRecInput

        positions = chars or self.spaces is not None or self.numbers is not None
        if self._digits is not None:
            self._digits.start()
        rec = self._engine._load_rec_model()(TextRecInput(img=crops, return_word_box=positions))
        if rec.txts is None:
            return []
        texts = [str(t) for t in rec.txts]
        if self._digits is not None:
            guesses = self._digits.guesses([c.shape[1] / c.shape[0] for c in crops])
            for k, (info, guess) in enumerate(zip(rec.word_results, guesses, strict=True)):
                swaps = fix_numbers(texts[k], _frames(info), guess, self.numbers)
                if swaps:
                    _swap_words(info, texts[k], swaps)
                    texts[k] = apply_swaps(texts[k], swaps)
        if self.spaces is not None:
            texts = [
                restore_spaces(text, _centers(info, crop.shape[1]), gray(crop), self.spaces)
                for text, info, crop in zip(texts, rec.word_results, crops, strict=True)
            ]
        words: list = []
        if chars:
            rec = self._engine.cal_rec_boxes(crops, np.asarray(boxes), rec, True)
            words = [
                [(_nfkc(c), s, b) for c, s, b in item if b is not None and str(c).strip()]
                for item in rec.word_results
            ]
        lines = []
        for i, (box, text, score) in enumerate(zip(boxes, texts, rec.scores, strict=True)):
            text = _nfkc(text).strip()
            if not text or score < self.text_score:
                continue
            line = Line(text=text, poly=np.asarray(box, dtype=float), confidence=float(score))
            if chars:
                line.chars = _line_chars(line, [words[i]] if i < len(words) else [])
            lines.append(line)
        return lines


def _leader_line(piece: Piece, chars: bool) -> Line:
    """A counted dot leader as a line (confidence 1: counted from the pixels, not guessed)."""
    line = Line(text="." * piece.dots, poly=np.asarray(piece.box, dtype=float), confidence=1.0)
    if chars:
        line.chars = [(".", q, 1.0) for q in even_char_quads(line.poly, piece.dots)]
    return line


MAX_ASPECT = 100  # rapidocr scales the long side to 2,000 px: a short side under 16 px becomes 0


def detectable(img: np.ndarray) -> np.ndarray:
    """``img``, its short side padded at the bottom or right (so no box moves) with the colour
    of that edge, up to 1/``MAX_ASPECT`` of the long side: rapidocr fails on a thinner image.

    >>> detectable(np.zeros((10, 4000, 3), dtype=np.uint8)).shape
    (40, 4000, 3)
    """
    h, w = img.shape[:2]
    need = -(-max(h, w) // MAX_ASPECT)
    if min(h, w) >= need:
        return img
    edge = img[-1] if h < w else img[:, -1]  # the bottom row or the right column
    out = np.empty((max(h, need), max(w, need), *img.shape[2:]), dtype=img.dtype)
    out[...] = np.median(edge.reshape(-1, *img.shape[2:]), axis=0).astype(img.dtype)
    out[:h, :w] = img
    return out


def _check_option(
    name: str, value: Any, most: float | None = None, kind: str = "a positive number"
) -> None:
    """Refuse an engine option that is neither None nor ``kind``: above 0 (at most ``most``)."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if value is None or (number and value > 0 and (most is None or value <= most)):
        return
    raise InputError(f"{name} must be {kind} or None, got {value!r}")


def _frames(info: Any) -> list[int]:
    """CTC time steps at which a recognition's non-space characters were read (``WordInfo``)."""
    return [int(c) for word in (getattr(info, "word_cols", None) or []) for c in word]


def _centers(info: Any, width: int) -> list[float]:
    """Columns (crop pixels) of the non-space characters in a recognition's ``WordInfo``:
    the CTC time steps they were read at, scaled to the crop's width."""
    steps = float(getattr(info, "line_txt_len", 0) or 0)
    if steps <= 0:
        return []
    return [(c + 0.5) * width / steps for c in _frames(info)]


def _swap_words(info: Any, text: str, swaps: dict[int, str]) -> None:
    """Carry character swaps in ``text`` over to a ``WordInfo``'s per-word characters (read
    for character boxes), whose characters are the text's non-space ones in order."""
    solid = [i for i, ch in enumerate(text) if not ch.isspace()]
    new = {k: swaps[i] for k, i in enumerate(solid) if i in swaps}
    k = 0
    for word in getattr(info, "words", None) or []:
        for j in range(len(word)):
            if k in new:
                word[j] = new[k]
            k += 1


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def gap_spans(gray: np.ndarray, ratio: float) -> list[tuple[float, float]]:
    """Fractions ``(start, end)`` of a line crop's width between blank gaps (no Otsu ink) of
    at least ``ratio`` x the crop's height; the whole line when there is no such gap.

    A piece narrower than the ink height (a lone dot, dash or "!") stays with its nearest
    neighbour: alone, the recogniser misreads it.

    >>> line = np.full((20, 100), 255.0)
    >>> line[5:15, 5:30] = 0; line[5:15, 60:95] = 0
    >>> gap_spans(line, 0.5)
    [(0.0, 0.45), (0.45, 1.0)]
    >>> gap_spans(line, 4.0)
    [(0.0, 1.0)]
    """
    ink = ink_mask(gray)
    rows = np.flatnonzero(ink.any(axis=1))
    inked = np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0 or len(inked) == 0:
        return [(0.0, 1.0)]
    height = rows[-1] - rows[0] + 1
    min_gap = max(ratio * gray.shape[0], 2.0)
    pieces = [[int(inked[0]), int(inked[0])]]
    for col in inked[1:]:
        if col - pieces[-1][1] - 1 >= min_gap:
            pieces.append([int(col), int(col)])
        else:
            pieces[-1][1] = int(col)
    while len(pieces) > 1:
        narrow = [i for i, (a, b) in enumerate(pieces) if b - a + 1 < height]
        if not narrow:
            break
        i = narrow[0]
        left = pieces[i][0] - pieces[i - 1][1] if i > 0 else np.inf
        right = pieces[i + 1][0] - pieces[i][1] if i + 1 < len(pieces) else np.inf
        j = i - 1 if left <= right else i + 1
        lo, hi = min(i, j), max(i, j)
        pieces[lo : hi + 1] = [[pieces[lo][0], pieces[hi][1]]]
    width = gray.shape[1]
    cuts = [(a[1] + b[0] + 1) / 2 / width for a, b in zip(pieces[:-1], pieces[1:], strict=True)]
    edges = [0.0, *cuts, 1.0]
    return [(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def _line_chars(line: Line, words: list) -> list[tuple[str, np.ndarray, float]]:
    """Characters of a line from rapidocr's per-character results.

    A result is used when its characters spell the line's text (spaces aside); otherwise the
    characters get even splits of the line and the line's confidence.
    """
    target = "".join(line.text.split())
    for i, item in enumerate(words):
        if "".join(str(c) for c, _, _ in item) == target:
            del words[i]
            quads = char_quads(line.poly, [np.asarray(b, dtype=float) for _, _, b in item])
            return [(str(c), q, float(s)) for (c, s, _), q in zip(item, quads, strict=True)]
    quads = even_char_quads(line.poly, len(target))
    return [(c, q, line.confidence) for c, q in zip(target, quads, strict=True)]


def _width(b: Any) -> float:
    b = np.asarray(b, dtype=float)
    return float(max(np.linalg.norm(b[1] - b[0]), np.linalg.norm(b[2] - b[3])))


def _height(b: Any) -> float:
    b = np.asarray(b, dtype=float)
    return float(max(np.linalg.norm(b[3] - b[0]), np.linalg.norm(b[2] - b[1])))


def _area(b: Any) -> float:
    return _width(b) * _height(b)


@contextlib.contextmanager
def _no_downloads() -> Iterator[None]:
    """Make rapidocr's downloader raise instead of reaching the network."""
    from rapidocr.utils import download_file

    def refuse(cls: Any, params: Any) -> None:
        path = Path(params.save_path)
        if path.exists():
            return
        raise MissingDependencyError(
            f"rapidocr wants to download {params.file_url} to {path}; ocrframe runs offline "
            'with the models inside the rapidocr wheel. Reinstall: pip install "ocrframe[local]"'
        )

    original = download_file.DownloadFile.__dict__["run"]
    download_file.DownloadFile.run = classmethod(refuse)
    try:
        yield
    finally:
        download_file.DownloadFile.run = original
