"""Responses: the raw JSON of one call, with the API and where it came from.

The raw dict is the source of truth; every frame is a pure function of it.

>>> r = read_response({"result": {"words_block_list": [{"words": "Hi", "confidence": 0.9}]}})
>>> r.api
'general-text'
>>> r.words()["text"].tolist()
['Hi']
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ApiError, ResponseFormatError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Response",
    "read_response",
    "detect_api",
    "BASE64_FIELDS",
    "MAX_DEPTH",
    "nesting_depths",
    "parse_json",
    "page_number",
    "clean_info",
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


# --- hostile bodies ----------------------------------------------------------------------------

MAX_DEPTH = 100  # OCR responses nest < 10 levels; deeper bodies are refused, not walked


def parse_json(data: str | bytes, where: str = "") -> Any:
    """Parse a response body; anything that is not sane JSON is a ResponseFormatError.

    Refused: invalid JSON or UTF-8, and nesting deeper than
    :data:`MAX_DEPTH` (checked on the bytes by :func:`nesting_depths`, the rule the columnar
    path applies too). ``NaN``/``Infinity`` literals and numbers beyond float range parse
    (integers of thousands of digits as infinities); the flatteners treat them as
    not-a-number.

    >>> parse_json('{"a": [1, NaN]}')
    {'a': [1, nan]}
    >>> parse_json("[" * 200 + "]" * 200)
    Traceback (most recent call last):
    ...
    ocrframe.errors.ResponseFormatError: response is nested 200 levels deep (more than 100; ...
    """
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    try:
        try:
            value = json.loads(data)
        except ValueError as exc:
            if "integer string conversion" not in str(exc):
                raise
            # More digits than Python converts: beyond float range anyway, so an infinity
            # (which the flatteners treat as not-a-number, as they do 1e400).
            value = json.loads(data, parse_int=_int_or_inf)
    except RecursionError:
        value, error = None, "nested too deeply to parse"
    except (ValueError, UnicodeDecodeError) as exc:
        value, error = None, f"not valid JSON{where}: {exc}"
    else:
        depth = int(nesting_depths(raw)[0]) if raw.count(b"[") + raw.count(b"{") > 8 else 0
        if depth <= MAX_DEPTH:
            return value
        error = (
            f"nested {depth} levels deep (more than {MAX_DEPTH}; OCR responses nest a few levels)"
        )
    snippet = raw[:60].decode("utf-8", "replace")
    raise ResponseFormatError(f"response is {error}{where} (starts with {snippet!r})")


def _int_or_inf(digits: str) -> int | float:
    if len(digits.lstrip("-")) <= 4000:
        return int(digits)
    return float("-inf") if digits.startswith("-") else float("inf")


def nesting_depths(data: bytes, starts: Any = None) -> Any:
    """Maximum nesting depth of the JSON texts in ``data`` that begin at offsets ``starts``
    (default: one text), counted on the bytes without parsing: brackets inside strings are
    skipped, escapes honoured. Returns an int64 array, one depth per text.

    >>> nesting_depths(b'{"a": [[1]], "b": "[[[["}').tolist()
    [3]
    """
    import numpy as np

    # Escapes pair up from the left: drop "\\" first, then every remaining \" is an
    # escaped quote. What is left has a quote exactly where a string opens or closes.
    clean = data.replace(b"\\\\", b"  ").replace(b'\\"', b"  ")
    starts = np.zeros(1, np.int64) if starts is None else np.asarray(starts, np.int64)
    buf = np.frombuffer(clean, np.uint8)
    code = _structure_table()[buf]
    pos = np.flatnonzero(code)
    kind = code[pos]
    quotes = np.cumsum(kind == 1)
    single = len(starts) == 1 and starts[0] == 0
    if not single:
        text_of = np.searchsorted(starts, pos, side="right") - 1
        # Quotes before each text, so a text with an unbalanced quote cannot shift the others.
        first = np.searchsorted(pos, starts)
        quotes = quotes - np.concatenate([[0], quotes])[first][text_of]
    in_string = (quotes & 1).astype(bool) & (kind != 1)
    step = np.where(in_string, 0, np.where(kind == 2, 1, np.where(kind == 3, -1, 0)))
    depth = np.cumsum(step)
    if single:
        return np.array([max(int(depth.max(initial=0)), 0)], np.int64)
    base = np.concatenate([[0], depth])[first]
    out = np.zeros(len(starts), np.int64)
    if len(pos):
        rel = depth - base[text_of]
        np.maximum.at(out, text_of, rel)
    return out


@functools.cache
def _structure_table() -> Any:
    """Byte -> 1 for a quote, 2 for an opening bracket, 3 for a closing one, else 0."""
    import numpy as np

    table = np.zeros(256, np.uint8)
    table[ord('"')] = 1
    table[[ord("["), ord("{")]] = 2
    table[[ord("]"), ord("}")]] = 3
    return table


def page_number(v: Any) -> int | None:
    """A usable 1-based page number (an int from 1 to 1,000,000), else None.

    >>> page_number(3), page_number(True), page_number([1]), page_number(10**400)
    (3, None, None, None)
    """
    if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 1_000_000:
        return v
    return None


def clean_info(info: Any) -> dict[str, Any]:
    """ocrframe's own ``_ocrframe`` keys of a saved response, with values of the wrong type
    (a list for ``page``, a float for ``status``, an unknown API) dropped: they are hints
    written next to the body, and the body stays the source of truth.

    >>> clean_info({"page": [1], "api": "general-text", "source": 5, "status": 200})
    {'api': 'general-text', 'status': 200}
    """
    if not isinstance(info, dict):
        return {}
    out: dict[str, Any] = {}
    api = info.get("api")
    if isinstance(api, str):
        from .catalog import get_api
        from .errors import InputError

        try:
            out["api"] = get_api(api).slug
        except InputError:
            pass
    for key in ("source", "request_id"):
        if isinstance(info.get(key), str):
            out[key] = info[key]
    if page_number(info.get("page")) is not None:
        out["page"] = info["page"]
    status = info.get("status")
    if isinstance(status, int) and not isinstance(status, bool) and 100 <= status <= 599:
        out["status"] = status
    if isinstance(info.get("meta"), dict):
        out["meta"] = info["meta"]
    return out
