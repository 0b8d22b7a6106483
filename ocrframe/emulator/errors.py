"""Error bodies as the service and its gateway send them; statuses and messages come from
the one error-code table, :data:`ocrframe.errors.ERROR_CODES`.

OCR and ModelArts errors are ``{"error_code", "error_msg"}``. Gateway errors use the documented
``APIG.*`` codes (not the ``APIGW.*`` codes of the external signing guide) and add the
``request_id`` key, as API Gateway does: a wrong AK/SK is HTTP 401 with
``{"error_code": "APIG.0301", "error_msg": "Incorrect IAM authentication information:
verify aksk signature fail", "request_id": ...}``. IAM answers in its own format,
``{"error": {"code": 401, "message": ..., "title": "Unauthorized"}}``.
"""

from __future__ import annotations

from typing import Any

from ..errors import WireError

__all__ = ["WireError", "iam_error"]  # WireError lives in ocrframe.errors


def iam_error(status: int, message: str) -> dict[str, Any]:
    """IAM's error body, e.g. for a wrong password."""
    titles = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden"}
    return {"error": {"code": status, "message": message, "title": titles.get(status, "Error")}}
