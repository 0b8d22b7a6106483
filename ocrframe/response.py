"""Responses: the raw JSON of one call, with the API and where it came from.

The raw dict is the source of truth; every frame is a pure function of it.

>>> r = read_response({"result": {"words_block_list": [{"words": "Hi", "confidence": 0.9}]}})
>>> r.api
'general-text'
>>> r.words()["text"].tolist()
['Hi']
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .arguments import check_flag, check_number, check_output
from .bodies import parse_body, sdk_response_body, sdk_response_info
from .catalog import ApiSpec, get_api
from .detection import SDR_KINDS, detect_api, guess_api
from .errors import ApiError, InputError, ResponseFormatError
from .inputs.params import show_value
from .parsing import clean_info, json_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Response",
    "read_response",
    "BASE64_FIELDS",
    "sdr_one_page",
]

# Keys whose values are Base64 payloads: kept in the raw JSON, never expanded into cells (a
# test holds them to the payloads of the SDK's response models).
BASE64_FIELDS = frozenset({"excel", "portrait_image", "adjusted_image", "image", "data",
                           "seal_image", "erased_seal_image"})  # fmt: skip
MAX_INDENT = 64  # spaces of JSON indentation: more is a mistake (json.dumps would try)


def sdr_one_page(result: list[Any]) -> bool:
    """Whether a Smart Document Recognizer ``result`` list is the reference example's list of
    one-kind elements, all for the same page (else: one element per page).

    >>> sdr_one_page([{"ocr_result": {}}, {"kv_result": {}}])
    True
    >>> sdr_one_page([{"ocr_result": {}}, {"ocr_result": {}}])
    False
    """
    kinds = [[k for k in e if k in SDR_KINDS] for e in result if isinstance(e, dict)]
    flat = [k for ks in kinds for k in ks]
    return all(len(ks) <= 1 for ks in kinds) and len(flat) == len(set(flat))


class Response:
    """One OCR response.

    Parameters
    ----------
    raw : dict
        The response body as returned, e.g. ``{"result": {...}}``.
    api : str, optional
        API slug (``"general-text"``); detected from the body when omitted.
    source : str, optional
        Where the input came from (a path, URL or name); becomes the ``source`` column.
    request_id, status : optional
        ``X-Request-Id`` and HTTP status when it came over HTTP.
    page : int, optional
        1-based page of a PDF the response is for.
    meta : dict, optional
        Anything else worth keeping (engine name, text source, timings).
    vendor : str, optional
        The engine that produced it: ``"huawei"`` (the service, the local engine, the
        emulator) or another engine's saved result (``"textract"``, ``"azure"``, ``"docai"``,
        ``"gvision"``, ``"paddleocr"``, ``"tesseract"``; see :mod:`ocrframe.vendors`).
        Detected from the body when omitted; an unknown shape is a ResponseFormatError.

    Examples
    --------
    >>> r = Response({"result": {"words_block_list": [{"words": "Hi"}]}}, source="a.png")
    >>> r
    Response(api='general-text', source='a.png')
    >>> r.vendor, r.words()["text"].tolist()
    ('huawei', ['Hi'])
    """

    __slots__ = (
        "raw", "api", "api_guessed", "source", "request_id", "status", "page", "meta", "vendor",
    )  # fmt: skip

    def __init__(
        self,
        raw: dict[str, Any],
        api: str | None = None,
        source: str | None = None,
        request_id: str | None = None,
        status: int | None = None,
        page: int | None = None,
        meta: dict[str, Any] | None = None,
        vendor: str | None = None,
    ) -> None:
        if not isinstance(raw, dict):
            raise ResponseFormatError(
                f"a response body must be a JSON object, got {type(raw).__name__}"
            )
        self.raw = raw
        self.vendor = _vendor(raw, vendor, api)
        # True when no signature named the API: it was guessed from the keys (guess_api).
        self.api_guessed = False
        if self.vendor != "huawei":
            from .vendors import vendor_api

            self.api = api if api is not None else vendor_api(raw, self.vendor)
        else:
            self.api = get_api(api).slug if api is not None else detect_api(raw)
            if self.api is None:
                self.api = guess_api(raw)
                self.api_guessed = self.api is not None
        self.source = source
        self.request_id = request_id
        self.status = status
        self.page = page
        if meta is not None and not isinstance(meta, dict):
            raise InputError(f"meta must be a dict or None, got {type(meta).__name__}")
        self.meta = dict(meta or {})

    @property
    def result(self) -> Any:
        """The ``result`` member (a dict or a list), or None when absent."""
        return self.raw.get("result")

    def __repr__(self) -> str:
        parts = [f"api={self.api!r}" + (" (guessed)" if self.api_guessed else "")]
        if self.vendor != "huawei":
            parts.insert(0, f"vendor={self.vendor!r}")
        if self.source is not None:
            parts.append(f"source={self.source!r}")
        if self.page is not None:
            parts.append(f"page={self.page}")
        if self.request_id:
            parts.append(f"request_id={self.request_id!r}")
        return f"Response({', '.join(parts)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Response):
            return NotImplemented
        return (self.raw, self.api, self.source, self.page, self.vendor) == (
            other.raw,
            other.api,
            other.source,
            other.page,
            other.vendor,
        )

    # --- payloads --------------------------------------------------------------------------

    def payloads(self) -> dict[str, str]:
        """Base64 payloads (Excel workbooks, portraits) by JSON path.

        >>> Response({"result": {"excel": "UEsDB..."}}).payloads()
        {'result.excel': 'UEsDB...'}
        """
        out: dict[str, str] = {}
        try:
            for path, value in _walk(self.raw, ""):
                if isinstance(value, str) and path.rsplit(".", 1)[-1] in BASE64_FIELDS:
                    out[path] = value
        except RecursionError:
            raise ResponseFormatError("response is nested too deeply to walk") from None
        return out

    # --- saving ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The raw body plus ocrframe's own keys under ``"_ocrframe"`` (api, source, page...).

        >>> Response({"result": {}}, api="general-text", source="a.png").to_dict()
        {'result': {}, '_ocrframe': {'api': 'general-text', 'source': 'a.png', 'page': None}}
        """
        info = {"api": self.api, "source": self.source, "page": self.page}
        if self.vendor != "huawei":
            info["vendor"] = self.vendor
        if self.request_id:
            info["request_id"] = self.request_id
        if self.status is not None:
            info["status"] = self.status
        if self.meta:
            info["meta"] = self.meta
        return {**self.raw, "_ocrframe": info}

    def to_json(self, path: str | os.PathLike[str] | None = None, *, indent: int | None = None):
        """Serialise (with ocrframe's keys) to a JSON string, or write it atomically to ``path``.

        >>> Response({"result": {}}, api="general-text", page=2).to_json()
        '{"result": {}, "_ocrframe": {"api": "general-text", "source": null, "page": 2}}'
        """
        if path is not None:
            path = check_output("path", path, folder=False)
        if indent is not None and not (isinstance(indent, str) and not indent.strip()):
            check_number("indent", indent, low=0, high=MAX_INDENT, integer=True)
        try:
            text = json_text(self.to_dict(), indent=indent)
        except RecursionError:
            raise ResponseFormatError("response is nested too deeply to serialise") from None
        if path is None:
            return text
        from .files import atomic_write

        atomic_write(path, text.encode("utf-8"))
        return None

    # --- flattening (thin delegates to ocrframe.flatten) -------------------------------------

    def flatten(self) -> dict[str, pd.DataFrame]:
        """Every non-empty frame of this response; see :func:`ocrframe.flatten`.

        >>> from ocrframe import sample_path
        >>> r = read_response(sample_path("general-text-chars"))
        >>> {name: frame.shape for name, frame in r.flatten().items()}
        {'words': (60, 20), 'chars': (1033, 21), 'document': (1, 4)}
        """
        from .flatten import flatten

        return flatten(self)

    def words(self) -> pd.DataFrame:
        """Text blocks (lines), one row each; see :func:`ocrframe.words`.

        >>> from ocrframe import sample_path
        >>> read_response(sample_path("general-text")).words()["text"].head(2).tolist()
        ['Visa **** 1651', 'Subtotal 8779.59']
        """
        from .flatten import words

        return words(self)

    def chars(self) -> pd.DataFrame:
        """Characters with their confidence (``char_list``); see :func:`ocrframe.chars`.

        >>> from ocrframe import sample_path
        >>> read_response(sample_path("general-text-chars")).chars()["text"].head(4).tolist()
        ['B', 'i', 'l', 'l']
        """
        from .flatten import chars

        return chars(self)

    def cells(self) -> pd.DataFrame:
        """Table and form cells in long form; see :func:`ocrframe.cells`.

        >>> from ocrframe import sample_path
        >>> read_response(sample_path("general-table")).cells()[["row", "col", "text"]].head(2)
           row  col                        text
        0    0    0  Quarterly purchase summary
        1    1    0                        Item
        """
        from .flatten import cells

        return cells(self)

    def kv(self) -> pd.DataFrame:
        """Key-value pairs (Smart Document Recognizer); see :func:`ocrframe.kv`.

        >>> from ocrframe import sample_path
        >>> r = read_response(sample_path("smart-document-recognizer"))
        >>> r.kv()[["key", "value"]].head(2).values.tolist()
        [['Invoice date', '1954-02-08'], ['Invoice No.', 'INV-327453']]
        """
        from .flatten import kv

        return kv(self)

    def fields(self) -> pd.DataFrame:
        """Named fields of ID documents, passports, cards...; see :func:`ocrframe.fields`.

        >>> from ocrframe import sample_path
        >>> r = read_response(sample_path("passport"))
        >>> r.fields()[["field_norm", "value"]].head(2).values.tolist()
        [['country', 'ETF'], ['surname', 'MULLER']]
        """
        from .flatten import fields

        return fields(self)

    def tokens(self) -> pd.DataFrame:
        """Words inside lines, for engines that return them (empty for Huawei's lines); see
        :func:`ocrframe.tokens`.

        >>> r = Response({"Blocks": [{"BlockType": "WORD", "Id": "w", "Text": "Hi"}]})
        >>> r.vendor, r.tokens()["text"].tolist()
        ('textract', ['Hi'])
        """
        from .flatten import tokens

        return tokens(self)


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, node


# --- which engine ------------------------------------------------------------------------------


def _vendor(raw: dict[str, Any], vendor: str | None, api: str | None) -> str:
    """The engine of ``raw``: ``vendor`` when given (checked), else detected from the shape.
    An empty body, or one of unknown shape said to be of a Huawei API, is Huawei's."""
    from .vendors import check_vendor, detect_vendor, known_formats

    if vendor is not None:
        return check_vendor(vendor)
    found = detect_vendor(raw) if raw else "huawei"
    if found is None and api is not None:
        try:
            found = get_api(api) and "huawei"
        except (InputError, KeyError):
            found = None
    if found is None:
        keys = ", ".join(repr(k) for k in list(raw)[:8])
        raise ResponseFormatError(
            f"unrecognised response (top-level keys {keys}); known formats:\n{known_formats()}"
            "\nPass vendor=... to read_response to force one."
        )
    return found


# --- reading -----------------------------------------------------------------------------------


def _check_names(**names: Any) -> None:
    """``api`` (a slug or ApiSpec), ``source`` (a str or path) and ``vendor`` (a str) given to
    :func:`read_response`, when given, have those types; InputError otherwise."""
    allowed = {"api": (str, ApiSpec), "source": (str, os.PathLike), "vendor": (str,)}
    for name, value in names.items():
        if value is not None and not isinstance(value, allowed[name]):
            raise InputError(
                f"{name} must be a str or None, got {type(value).__name__} {show_value(value)}"
            )


def read_response(
    x: Any,
    api: str | None = None,
    source: str | None = None,
    *,
    raise_errors: bool = True,
    vendor: str | None = None,
) -> Response:
    """Read one response from a dict, a JSON string or bytes, a path, an official-SDK response
    object (anything with ``to_dict()``) or a :class:`Response`.

    Other engines' saved results are recognised from their shape (``Response.vendor``):
    Amazon Textract, Azure Document Intelligence, Google Document AI and Vision, PaddleOCR
    JSON, Tesseract hOCR and TSV and ALTO XML (as text, bytes or a path); ``vendor=`` forces
    one. A top-level JSON list is read as ``{"responses": [...]}``.

    An error body — ``{"error_code", "error_msg"}`` at the top level or nested in ``result``
    (as the General Table example shows) — raises :class:`ocrframe.ApiError` unless
    ``raise_errors=False``.

    Examples
    --------
    >>> read_response('{"result": [{"plate_number": "กข 1234", "confidence": 0.98}]}').api
    'thailand-license-plate'
    >>> read_response({"error_code": "AIS.0103", "error_msg": "The image size ..."})
    Traceback (most recent call last):
    ...
    ocrframe.errors.BadRequestError: AIS.0103: The image size ...
    """
    check_flag("raise_errors", raise_errors)
    _check_names(api=api, source=source, vendor=vendor)
    if source is not None:
        source = os.fspath(source)
    if isinstance(x, Response):
        resp = x
        if api is not None or source is not None or vendor not in (None, x.vendor):
            resp = Response(
                x.raw,
                api=api or x.api,
                source=source if source is not None else x.source,
                request_id=x.request_id,
                status=x.status,
                page=x.page,
                meta=x.meta,
                vendor=vendor or x.vendor,
            )
    else:
        raw, path = _load_raw(x)
        info = clean_info(raw.pop("_ocrframe", None) if isinstance(raw, dict) else None)
        info = {**sdk_response_info(x), **info}
        if isinstance(raw, list):
            from .vendors import wrap_list

            raw = wrap_list(raw)
        if not isinstance(raw, dict):
            raise ResponseFormatError(
                f"a response body must be a JSON object, got {type(raw).__name__}"
                + (f" in {path}" if path else "")
            )
        resp = Response(
            raw,
            api=api if api is not None else info.get("api"),
            source=source if source is not None else (info.get("source") or path),
            request_id=info.get("request_id"),
            status=info.get("status"),
            page=info.get("page"),
            meta=info.get("meta"),
            vendor=vendor if vendor is not None else info.get("vendor"),
        )
    if raise_errors and resp.vendor == "huawei":
        err = error_body(resp.raw)
        if err is not None:
            raise ApiError.from_body(
                err, status=resp.status, request_id=resp.request_id, api=resp.api
            )
    return resp


def error_body(raw: dict[str, Any]) -> dict[str, Any] | None:
    """The ``{"error_code", "error_msg"}`` part of a body, top level or inside ``result``."""
    if "error_code" in raw:
        return raw
    result = raw.get("result")
    if isinstance(result, dict) and "error_code" in result:
        return result
    return None


def _load_raw(x: Any) -> tuple[Any, str | None]:
    if isinstance(x, dict):
        return dict(x), None
    if isinstance(x, os.PathLike) or (
        isinstance(x, str)
        and not x.lstrip().startswith(("{", "[", "<"))
        and "\n" not in x
        and len(x) < 4096
    ):
        path = Path(x)
        if not path.is_file():
            raise ResponseFormatError(
                f"no response file at {str(path)!r}; pass a path to a JSON file, a dict or a "
                "JSON string"
            )
        return parse_body(path.read_bytes(), str(path)), str(path)
    if isinstance(x, (bytes, bytearray, memoryview)):
        return parse_body(bytes(x), None), None
    if isinstance(x, str):
        return parse_body(x, None), None
    if callable(getattr(x, "to_dict", None)):
        return sdk_response_body(x), None
    from .datasets.batch import Batch  # (here: the batch module imports this one)

    if isinstance(x, Batch):
        raise ResponseFormatError(
            f"this takes one response, and a Batch holds {len(x)}: pass one (batch[0]), "
            "iterate them (for r in batch: ...), or use the Batch's frames (batch.cells(), "
            "batch.words()...)"
        )
    raise ResponseFormatError(
        f"cannot read a response from {type(x).__name__}; pass a dict, a JSON string or "
        "bytes, a path, or an object with to_dict()"
    )
