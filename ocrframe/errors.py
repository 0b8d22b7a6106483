"""Exceptions raised by ocrframe.

Hierarchy::

    OcrError
    ├── InputError (also ValueError)        bad input caught before anything is sent
    ├── ResponseFormatError (also ValueError)  a response that is not what the API returns
    ├── WorkbookError (also ValueError)     a base64 Excel payload that is not a sane .xlsx
    ├── MissingDependencyError (also ImportError)  an optional extra is not installed
    └── ApiError                            the service answered with an error
        ├── BadRequestError                 the request must change before a retry
        ├── AuthError                       credentials, permission or subscription
        ├── ThrottlingError                 rate or concurrency limit: retry later
        └── ServerError                     transient service failure: retry with backoff

``ApiError.from_body`` picks the subclass from the error code (see ``classify_error``), so a
caller can write ``except ocrframe.ThrottlingError`` or test ``err.retryable``.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "OcrError",
    "InputError",
    "ResponseFormatError",
    "MissingDependencyError",
    "WorkbookError",
    "ApiError",
    "BadRequestError",
    "AuthError",
    "ThrottlingError",
    "ServerError",
    "classify_error",
]


class OcrError(Exception):
    """Root of every exception ocrframe raises."""


class InputError(OcrError, ValueError):
    """The input (image, URL, parameters) is not acceptable; nothing was sent.

    Example: ``InputError: image.png is 14.2 MB after Base64; general-text accepts at most
    10 MB. Downscale it (auto_downscale=True) or send a URL.``
    """


class ResponseFormatError(OcrError, ValueError):
    """A response body is not valid JSON or not shaped like an OCR API response."""


class MissingDependencyError(OcrError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""


# --- error-code classification (../shared/reference/error_codes.md) --------------------------

_BAD_INPUT = {
    "AIS.0101",
    "AIS.0102",
    "AIS.0103",
    "AIS.0104",
    "AIS.0117",
    "AIS.0119",
    "AIS.0120",
    "AIS.0121",
    "AIS.0122",
    "ModelArts.4104",
    "ModelArts.4105",
    "ModelArts.4201",
    "ModelArts.4202",
    "ModelArts.4601",
    "ModelArts.4603",
    "ModelArts.4703",
    "ModelArts.4704",
    "ModelArts.4705",
    "ModelArts.4706",
    "APIG.0101",
}
_AUTH = {
    "ModelArts.0203",
    "ModelArts.4101",
    "ModelArts.4102",
    "ModelArts.4103",
    "ModelArts.4106",
    "ModelArts.4203",
    "ModelArts.4204",
    "ModelArts.4702",
    "ModelArts.6201",
    "APIG.0301",
}
_THROTTLING = {"ModelArts.4401", "APIG.0308"}
_SERVER = {
    "AIS.0105",
    "AIS.0118",
    "ModelArts.4107",
    "ModelArts.4301",
    "ModelArts.4302",
    "ModelArts.4402",
    "ModelArts.4403",
    "ModelArts.4502",
    "ModelArts.4505",
    "ModelArts.4508",
    "APIG.0201",
}
# Server codes worth a full backoff schedule; the others in _SERVER get a limited retry.
_RETRY_FULL = {
    "APIG.0308",
    "ModelArts.4401",
    "APIG.0201",
    "ModelArts.4402",
    "ModelArts.4403",
    "ModelArts.4502",
    "ModelArts.4505",
    "ModelArts.4301",
    "ModelArts.4302",
}
# Credential problems a refreshed token may cure (APIG.0301 "token expires" and friends).
_REFRESHABLE = {"ModelArts.0203", "ModelArts.4102", "ModelArts.4103", "APIG.0301"}


def classify_error(code: str | None, status: int | None = None) -> str:
    """Return the category of an error: ``"bad_input"``, ``"auth"``, ``"throttling"``,
    ``"server"`` or ``"other"``.

    The code decides when it is known; otherwise the HTTP status does.

    >>> classify_error("ModelArts.4401")
    'throttling'
    >>> classify_error(None, 503)
    'server'
    """
    if code in _BAD_INPUT:
        return "bad_input"
    if code in _AUTH or _is_apigw_auth(code):
        return "auth"
    if code in _THROTTLING:
        return "throttling"
    if code in _SERVER:
        return "server"
    if code and "temporary AK/SK" in code:
        return "auth"
    if status is not None:
        if status == 429:
            return "throttling"
        if status in (401, 403):
            return "auth"
        if status >= 500 or status == 408:
            return "server"
        if 400 <= status < 500:
            return "bad_input"
    return "other"


def _is_apigw_auth(code: str | None) -> bool:
    # APIGW.0101-0199 are signature / credential failures at the gateway.
    return bool(code and re.fullmatch(r"APIGW\.01\d\d", code))


class WorkbookError(OcrError, ValueError):
    """A Base64 ``excel`` payload is not a readable, reasonably sized .xlsx workbook.

    Example: ``WorkbookError: result.excel is not valid Base64 (Incorrect padding); the
    response may be truncated. Request it again with return_excel=true.``
    """


class ApiError(OcrError):
    """The service answered with an error body or an error status.

    Attributes
    ----------
    status : int or None
        HTTP status, when the error came over HTTP.
    code : str or None
        ``error_code`` from the body, e.g. ``"AIS.0103"``.
    message : str or None
        ``error_msg`` from the body.
    request_id : str or None
        The ``X-Request-Id`` response header: quote it in support cases.
    api : str or None
        Slug of the API that was called.
    category : str
        ``classify_error(code, status)``.

    Example
    -------
    >>> err = ApiError(code="AIS.0103", message="The image size does not meet the requirements.",
    ...                status=400, api="general-text")
    >>> str(err)
    'AIS.0103: The image size does not meet the requirements. (HTTP 400, api general-text)'
    """

    retry_after: float | None = None  # seconds the service asked to wait (Retry-After)

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        api: str | None = None,
        attempts: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
        self.api = api
        self.attempts = attempts
        self.category = classify_error(code, status)
        super().__init__(self._format())

    def _format(self) -> str:
        head = f"{self.code}: {self.message}" if self.code else (self.message or "API error")
        extra = []
        if self.status is not None:
            extra.append(f"HTTP {self.status}")
        if self.api:
            extra.append(f"api {self.api}")
        if self.request_id:
            extra.append(f"request id {self.request_id}")
        if self.attempts and self.attempts > 1:
            extra.append(f"after {self.attempts} attempts")
        return f"{head} ({', '.join(extra)})" if extra else head

    def __reduce__(self):  # keep attributes through pickling (dask, multiprocessing)
        return (
            _rebuild_api_error,
            (
                type(self),
                self.message,
                self.code,
                self.status,
                self.request_id,
                self.api,
                self.attempts,
                self.retry_after,
            ),
        )

    @property
    def retryable(self) -> bool:
        """True when repeating the same request later may succeed."""
        return self.category in ("throttling", "server")

    @property
    def refreshable(self) -> bool:
        """True when a fresh token may cure it (expired or invalid token)."""
        return self.code in _REFRESHABLE or (self.code is None and self.status == 401)

    @property
    def full_retry(self) -> bool:
        """True for failures that deserve a full backoff schedule, not a limited one."""
        if self.code in _RETRY_FULL:
            return True
        return self.code is None and self.status in (429, 500, 502, 504)

    @classmethod
    def from_body(
        cls,
        body: dict[str, Any],
        *,
        status: int | None = None,
        request_id: str | None = None,
        api: str | None = None,
    ) -> ApiError:
        """Build the right subclass from an ``{"error_code", "error_msg"}`` body."""
        code = body.get("error_code")
        msg = body.get("error_msg")
        code = None if code is None else str(code)
        msg = None if msg is None else str(msg)
        category = classify_error(code, status)
        klass = _BY_CATEGORY.get(category, ApiError)
        return klass(msg, code=code, status=status, request_id=request_id, api=api)


def _rebuild_api_error(klass, message, code, status, request_id, api, attempts, retry_after):
    return klass(
        message,
        code=code,
        status=status,
        request_id=request_id,
        api=api,
        attempts=attempts,
        retry_after=retry_after,
    )


class BadRequestError(ApiError):
    """The request itself is wrong (image, URL, parameters): change it before retrying."""


class AuthError(ApiError):
    """Authentication, permission, subscription or account state."""


class ThrottlingError(ApiError):
    """Rate or concurrency limit (HTTP 429, APIG.0308, ModelArts.4401): retry later."""


class ServerError(ApiError):
    """A transient failure on the service side: retry with backoff."""


_BY_CATEGORY: dict[str, type[ApiError]] = {
    "bad_input": BadRequestError,
    "auth": AuthError,
    "throttling": ThrottlingError,
    "server": ServerError,
}
