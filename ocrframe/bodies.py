"""Response bodies from what carries them: saved bytes or text (JSON, or another engine's text
result), and the official SDK's response objects. :func:`ocrframe.read_response` reads through
these.

>>> parse_body('{"result": {"words_block_list": []}}', None)
{'result': {'words_block_list': []}}
"""

from __future__ import annotations

from typing import Any

from .errors import ResponseFormatError
from .parsing import parse_json

__all__ = ["parse_body", "sdk_response_body", "sdk_response_info"]


# --- official SDK response objects (huaweicloudsdkocr) ------------------------------------------


def sdk_response_body(obj: Any) -> Any:
    """The JSON body behind an official SDK response object (or anything with ``to_dict()``).

    ``raw_content`` (the bytes the SDK received) is the exact body and wins when present.
    Otherwise the model (or its ``to_dict()``) is walked back into JSON values under the JSON
    keys: the SDK parses numbers with ``parse_float=Decimal`` (they become floats again),
    unset model fields are None (dropped, as are header attributes such as
    ``x_request_id``). Explicit ``null`` values, fields the SDK model lacks and values it
    coerced (a number in a string field) are lost on that path; ``raw_content`` keeps them.

    >>> from decimal import Decimal
    >>> class Sdk:
    ...     x_request_id = "r1"
    ...     def to_dict(self):
    ...         return {"result": {"a": Decimal("0.5"), "b": None}, "x_request_id": "r1"}
    >>> sdk_response_body(Sdk())
    {'result': {'a': 0.5}}
    """
    content = getattr(obj, "raw_content", None)
    if isinstance(content, bytes | bytearray | str) and content:
        return parse_body(content, None)
    if _is_sdk_model(obj):
        return _json_values(obj)
    import warnings

    with warnings.catch_warnings():  # the SDK deprecates to_dict() in favour of raw_content
        warnings.simplefilter("ignore", DeprecationWarning)
        return _json_values(obj.to_dict())


def sdk_response_info(obj: Any) -> dict[str, Any]:
    """``request_id`` (``x_request_id``) and ``status`` (``status_code``) of an SDK object."""
    info: dict[str, Any] = {}
    request_id = getattr(obj, "x_request_id", None)
    if isinstance(request_id, str) and request_id:
        info["request_id"] = request_id
    status = getattr(obj, "status_code", None)
    if isinstance(status, int) and not isinstance(status, bool):
        info["status"] = status
    return info


# Response attributes the SDK fills from HTTP headers, not from the body.
_SDK_HEADER_FIELDS = frozenset({"x_request_id"})


def _is_sdk_model(node: Any) -> bool:
    types, names = getattr(node, "openapi_types", None), getattr(node, "attribute_map", None)
    return isinstance(types, dict) and isinstance(names, dict)


def _json_values(node: Any) -> Any:
    """SDK models -> JSON values under their JSON keys (``attribute_map``: ``_class`` is
    ``class``), unset fields and header attributes dropped, Decimals as floats."""
    from decimal import Decimal

    if _is_sdk_model(node):
        out = {}
        for attr in node.openapi_types:
            value = getattr(node, attr, None)
            if value is not None and attr not in _SDK_HEADER_FIELDS:
                out[node.attribute_map.get(attr, attr)] = _json_values(value)
        return out
    if isinstance(node, dict):
        return {
            str(k): _json_values(v)
            for k, v in node.items()
            if v is not None and k not in _SDK_HEADER_FIELDS
        }
    if isinstance(node, list | tuple):
        return [_json_values(v) for v in node]
    if isinstance(node, Decimal):
        return float(node)
    return node


def parse_body(data: str | bytes, path: str | None) -> Any:
    """A saved body: JSON, else another engine's text result (Tesseract hOCR or TSV, ALTO XML);
    ResponseFormatError naming what each format needs. ``path`` goes into the message.

    >>> parse_body(b'{"result": {}}', None)
    {'result': {}}
    """
    try:
        return parse_json(data, f" in {path}" if path else "")
    except ResponseFormatError as exc:
        # Not JSON: maybe another engine's text format (Tesseract hOCR or TSV).
        from .vendors import parse_text
        from .vendors.detect import TESSERACT_COLUMNS
        from .vendors.text import decode_text, xml_root

        text = data if isinstance(data, str) else decode_text(data)
        parsed = parse_text(text) if "\0" not in text else None
        if parsed is not None:
            return parsed
        if "\0" in text or "\ufffd" in text or text.lstrip()[:1] in ("{", "["):
            raise  # binary, or JSON gone wrong: parse_json's message says it best
        root = xml_root(text)
        if root is not None and "<html" not in root.lower():
            raise ResponseFormatError(
                f"{path or 'the response'} is XML whose root element is {root}: neither ALTO "
                "(an <alto> root) nor hOCR, the XML results ocrframe reads; save the engine's "
                "result as ALTO or hOCR (ABBYY FineReader, Transkribus and Tesseract write ALTO)"
            ) from None
        raise ResponseFormatError(
            f"{exc}; nor is it a Tesseract result (hOCR needs ocr_page or ocrx_word elements, "
            f"TSV the header line of image_to_data: {' '.join(TESSERACT_COLUMNS)}; ALTO XML "
            "an <alto> root element)"
        ) from None
