"""Responses: the raw JSON of one call, with the API and where it came from.

The raw dict is the source of truth; every frame is a pure function of it.

>>> r = read_response({"result": {"words_block_list": [{"words": "Hi", "confidence": 0.9}]}})
>>> r.api
'general-text'
>>> r.words()["text"].tolist()
['Hi']
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ApiError, ResponseFormatError
from .parsing import clean_info, parse_json

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Response",
    "read_response",
    "detect_api",
    "BASE64_FIELDS",
]

# Keys whose values are Base64 payloads: kept in the raw JSON, never expanded into cells.
BASE64_FIELDS = frozenset({"excel", "portrait_image", "adjusted_image", "image", "data"})


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
    """

    __slots__ = ("raw", "api", "source", "request_id", "status", "page", "meta")

    def __init__(
        self,
        raw: dict[str, Any],
        api: str | None = None,
        source: str | None = None,
        request_id: str | None = None,
        status: int | None = None,
        page: int | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        if not isinstance(raw, dict):
            raise ResponseFormatError(
                f"a response body must be a JSON object, got {type(raw).__name__}"
            )
        self.raw = raw
        if api is not None:
            from .catalog import get_api

            api = get_api(api).slug
        self.api = api if api is not None else detect_api(raw)
        self.source = source
        self.request_id = request_id
        self.status = status
        self.page = page
        self.meta = dict(meta or {})

    @property
    def result(self) -> Any:
        """The ``result`` member (a dict or a list), or None when absent."""
        return self.raw.get("result")

    def __repr__(self) -> str:
        parts = [f"api={self.api!r}"]
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
        return (self.raw, self.api, self.source, self.page) == (
            other.raw,
            other.api,
            other.source,
            other.page,
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
        """The raw body plus ocrframe's own keys under ``"_ocrframe"`` (api, source, page...)."""
        info = {"api": self.api, "source": self.source, "page": self.page}
        if self.request_id:
            info["request_id"] = self.request_id
        if self.status is not None:
            info["status"] = self.status
        if self.meta:
            info["meta"] = self.meta
        return {**self.raw, "_ocrframe": info}

    def to_json(self, path: str | os.PathLike[str] | None = None, *, indent: int | None = None):
        """Serialise (with ocrframe's keys) to a JSON string, or write it atomically to ``path``."""
        try:
            text = json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: \u escapes keep them, and stay UTF-8
            text = json.dumps(self.to_dict(), indent=indent)
        except RecursionError:
            raise ResponseFormatError("response is nested too deeply to serialise") from None
        if path is None:
            return text
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        return None

    # --- flattening (thin delegates to ocrframe.flatten) -------------------------------------

    def flatten(self) -> dict[str, pd.DataFrame]:
        """Every non-empty frame of this response; see :func:`ocrframe.flatten`."""
        from .flatten import flatten

        return flatten(self)

    def words(self) -> pd.DataFrame:
        from .flatten import words

        return words(self)

    def chars(self) -> pd.DataFrame:
        from .flatten import chars

        return chars(self)

    def cells(self) -> pd.DataFrame:
        from .flatten import cells

        return cells(self)

    def kv(self) -> pd.DataFrame:
        from .flatten import kv

        return kv(self)

    def fields(self) -> pd.DataFrame:
        from .flatten import fields

        return fields(self)


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, node


# --- detection ---------------------------------------------------------------------------------

_SIGNATURES: tuple[tuple[str, frozenset[str]], ...] = (
    ("passport", frozenset({"passport_number"})),
    ("passport", frozenset({"machine_code", "machine_code2"})),
    ("thailand-id-card", frozenset({"name_th"})),
    ("thailand-id-card", frozenset({"laser_number"})),
    ("cambodian-idcard", frozenset({"name_kh"})),
    ("peru-id-card", frozenset({"cui_number"})),
    ("myanmar-driver-license", frozenset({"card_number_en"})),
    ("myanmar-driver-license", frozenset({"expiried_date"})),
    ("myanmar-id-card", frozenset({"nrc_id", "father_name"})),
    ("myanmar-id-card", frozenset({"bloodlines_religion"})),
    ("myanmar-id-card", frozenset({"nrc_id_back"})),
    ("colombia-id-card", frozenset({"citizen_code1"})),
    ("colombia-id-card", frozenset({"blood_type", "birth_place"})),
    ("vietnam-id-card", frozenset({"full_name"})),
    ("vietnam-id-card", frozenset({"residence_place"})),
    ("chile-id-card", frozenset({"given_name", "number", "document_number"})),
    ("id-document", frozenset({"country_region", "id_type"})),
    ("auto-id-doc-classification", frozenset({"alarm_result"})),
    ("auto-id-doc-classification", frozenset({"type", "location", "confidence"})),
    ("general-table", frozenset({"words_region_list"})),
    ("web-image", frozenset({"extracted_data"})),
    ("general-text", frozenset({"markdown_result"})),
    ("general-text", frozenset({"direction", "words_block_list"})),
)


def detect_api(raw: Any) -> str | None:
    """Guess the API slug from the shape of a response body; None when unsure.

    >>> detect_api({"result": [{"plate_number": "1กข 1234"}]})
    'thailand-license-plate'
    """
    if not isinstance(raw, dict):
        return None
    result = raw.get("result")
    if isinstance(result, list):
        first = next((e for e in result if isinstance(e, dict)), None)
        if first is None:
            return None
        if "plate_number" in first or "plate_location" in first:
            return "thailand-license-plate"
        kinds = {
            "ocr_result",
            "kv_result",
            "table_result",
            "layout_result",
            "form_result",
            "formula_result",
        }
        if any(kinds & set(e) for e in result if isinstance(e, dict)):
            return "smart-document-recognizer"
        return None
    if not isinstance(result, dict):
        return None
    keys = set(result)
    for slug, needed in _SIGNATURES:
        if needed <= keys:
            return slug
    if "words_block_list" in keys:
        blocks = result.get("words_block_list")
        if isinstance(blocks, list) and any(
            isinstance(b, dict) and ("font_list" in b or "font_scores" in b) for b in blocks
        ):
            return "web-image"
        return "general-text"
    return None


# --- reading -----------------------------------------------------------------------------------


def read_response(
    x: Any,
    api: str | None = None,
    source: str | None = None,
    *,
    raise_errors: bool = True,
) -> Response:
    """Read one response from a dict, a JSON string or bytes, a path, an official-SDK response
    object (anything with ``to_dict()``) or a :class:`Response`.

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
    if isinstance(x, Response):
        resp = x
        if api is not None or source is not None:
            resp = Response(
                x.raw,
                api=api or x.api,
                source=source if source is not None else x.source,
                request_id=x.request_id,
                status=x.status,
                page=x.page,
                meta=x.meta,
            )
    else:
        raw, path = _load_raw(x)
        info = clean_info(raw.pop("_ocrframe", None) if isinstance(raw, dict) else None)
        if not isinstance(raw, dict):
            raise ResponseFormatError(
                f"a response body must be a JSON object, got {type(raw).__name__}"
                + (f" in {path}" if path else "")
            )
        resp = Response(
            raw,
            api=api or info.get("api"),
            source=source if source is not None else (info.get("source") or path),
            request_id=info.get("request_id"),
            status=info.get("status"),
            page=info.get("page"),
            meta=info.get("meta"),
        )
    if raise_errors:
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
        isinstance(x, str) and not x.lstrip().startswith(("{", "[")) and len(x) < 4096
    ):
        path = Path(x)
        if not path.is_file():
            raise ResponseFormatError(
                f"no response file at {str(path)!r}; pass a path to a JSON file, a dict or a "
                "JSON string"
            )
        return _parse(path.read_bytes(), str(path)), str(path)
    if isinstance(x, (bytes, bytearray, memoryview)):
        return _parse(bytes(x), None), None
    if isinstance(x, str):
        return _parse(x, None), None
    to_dict = getattr(x, "to_dict", None)
    if callable(to_dict):
        raw = to_dict()
        # Official SDK objects carry the HTTP status and request id as attributes.
        if isinstance(raw, dict):
            raw = {k: v for k, v in raw.items() if v is not None}
        return raw, None
    raise ResponseFormatError(
        f"cannot read a response from {type(x).__name__}; pass a dict, a JSON string or "
        "bytes, a path, or an object with to_dict()"
    )


def _parse(data: str | bytes, path: str | None) -> Any:
    return parse_json(data, f" in {path}" if path else "")
