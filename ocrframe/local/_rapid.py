"""rapidocr (PP-OCR models run by onnxruntime), with the models that ship inside its wheel."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import MissingDependencyError
from ._deps import require
from ._geometry import Line, char_quads, even_char_quads

_MODELS = {"Det": "*det*.onnx", "Rec": "*rec*.onnx", "Cls": "*cls*.onnx"}


class RapidBackend:
    """Detect, (classify) and recognise text lines with rapidocr.

    ``text_score`` drops lines below that confidence; ``min_side`` is the short side the
    detector scales an image to (rapidocr's default, 736; larger reads small print better but
    slower).
    """

    name = "rapidocr"

    def __init__(self, *, text_score: float = 0.5, min_side: int = 736) -> None:
        rapidocr = require("rapidocr")
        require("onnxruntime")
        models = Path(rapidocr.__file__).parent / "models"
        params: dict[str, Any] = {
            "Global.log_level": "error",
            "Global.text_score": text_score,
            "Global.model_root_dir": str(models),
            "Det.limit_side_len": min_side,
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
            self._engine._load_rec_model()

    def orientation(self, img: np.ndarray) -> int:
        """Quarter turns (anticlockwise) that make the text upright: 0, 1, 2 or 3."""
        from rapidocr.utils.process_img import get_rotate_crop_image

        # rapidocr keeps these switches between calls: always pass all three
        det = self._engine(img, use_det=True, use_cls=False, use_rec=False)
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

    def recognize(self, img: np.ndarray, *, chars: bool) -> list[Line]:
        """Lines of an upright image; ``chars`` adds per-character quads and confidences."""
        out = self._engine(
            img,
            use_det=True,
            use_cls=False,
            use_rec=True,
            return_word_box=chars,
            return_single_char_box=chars,
        )
        if getattr(out, "boxes", None) is None or getattr(out, "txts", None) is None:
            return []
        words = list(out.word_results or ()) if chars else []
        lines = []
        for box, text, score in zip(out.boxes, out.txts, out.scores, strict=True):
            poly = np.asarray(box, dtype=float)
            line = Line(text=str(text), poly=poly, confidence=float(score))
            if chars:
                line.chars = _line_chars(line, words)
            lines.append(line)
        return lines


def _line_chars(line: Line, words: list) -> list[tuple[str, np.ndarray, float]]:
    """Characters of a line from rapidocr's per-character results.

    rapidocr drops lines without character boxes from ``word_results``, so results are matched
    to lines by their text, not by index. Characters with no match get even splits of the line
    and the line's confidence.
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
