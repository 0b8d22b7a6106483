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

from ..errors import ERROR_CODES

__all__ = ["WireError", "iam_error"]


class WireError(Exception):
    """An error answer: HTTP status plus the exact JSON body.

    >>> WireError("APIG.0301", "verify aksk signature fail").body("r1")["error_msg"]
    'Incorrect IAM authentication information: verify aksk signature fail'
    """

    def __init__(
        self,
        code: str,
        detail: str | None = None,
        status: int | None = None,
        *,
        api: str | None = None,
    ) -> None:
        self.code = code
        row = ERROR_CODES.get(code)
        self.status = status or (row.status if row else 400)
        base = row.message if row else "Error."
        if api is not None:  # "The API XXX is not subscribed."
            base = base.replace("XXX", api)
        self.message = f"{base.rstrip('.')}: {detail}" if detail else base
        super().__init__(f"{self.status} {code}: {self.message}")

    def body(self, request_id: str, *, nested: bool = False) -> dict[str, Any]:
        """The JSON body; ``nested=True`` puts it in ``result`` (General Table's errors)."""
        out: dict[str, Any] = {"error_code": self.code, "error_msg": self.message}
        if self.code.startswith("APIG."):
            out["request_id"] = request_id
        return {"result": out} if nested else out


def iam_error(status: int, message: str) -> dict[str, Any]:
    """IAM's error body, e.g. for a wrong password."""
    titles = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden"}
    return {"error": {"code": status, "message": message, "title": titles.get(status, "Error")}}
