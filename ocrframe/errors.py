"""Exceptions raised by ocrframe.

Hierarchy::

    OcrError
    ├── InputError (also ValueError)        bad input caught before anything is sent
    ├── ResponseFormatError (also ValueError)  a response that is not what the API returns
    │   └── CacheCorruptError               a cache file unreadable or not for its key
    ├── WorkbookError (also ValueError)     a base64 Excel payload that is not a sane .xlsx
    ├── MissingDependencyError (also ImportError)  an optional extra is not installed
    └── ApiError                            the service answered with an error
        ├── BadRequestError                 the request must change before a retry
        ├── AuthError                       credentials, permission or subscription
        │   ├── TokenFetchError             IAM issued no token (never retried)
        │   └── SignatureError              an AK/SK signature did not verify (emulator side)
        ├── ThrottlingError                 rate or concurrency limit: retry later
        └── ServerError                     transient service failure: retry with backoff
            ├── TransportError              no usable answer: refused, dropped, timed out
            │   └── NoAnswerError           sent whole, no answer in time (may be billed)
            └── MalformedResponseError (also ResponseFormatError)  a cut-short or non-JSON body

    Exception
    └── WireError                           inside the emulator: the error answer to send

``ApiError.from_body`` picks the subclass from the error code (see ``classify_error``), so a
caller can write ``except ocrframe.ThrottlingError`` or test ``err.retryable``.

This module also holds the one table of documented error codes, :data:`ERROR_CODES` (HTTP
status, message, category, retry kind); the classifier, :func:`retry_kind`, the emulator and
the synthesizer all read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    "TokenFetchError",
    "SignatureError",
    "TransportError",
    "NoAnswerError",
    "MalformedResponseError",
    "CacheCorruptError",
    "WireError",
    "classify_error",
    "retry_kind",
    "error_code",
    "ErrorCode",
    "ERROR_CODES",
    "RETRY_KINDS",
]


class OcrError(Exception):
    """Root of every exception ocrframe raises.

    >>> import ocrframe
    >>> try:
    ...     ocrframe.read_response(b"not json")
    ... except ocrframe.OcrError as exc:
    ...     print(type(exc).__name__)
    ResponseFormatError
    """


class InputError(OcrError, ValueError):
    """The input (image, URL, parameters) is not acceptable; nothing was sent.

    Example: ``InputError: image.png is 14.2 MB after Base64; general-text accepts at most
    10 MB. Downscale it (auto_downscale=True) or send a URL.``

    >>> import ocrframe
    >>> ocrframe.LocalEngine().call("general-text", b"not an image")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ocrframe.errors.InputError: the image is not a recognised image format; general-text ...
    """


class ResponseFormatError(OcrError, ValueError):
    """A response body is not valid JSON or not shaped like an OCR API response.

    >>> import ocrframe
    >>> ocrframe.read_response(b"not json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ocrframe.errors.ResponseFormatError: response is not valid JSON: Expecting value: ...
    """


class MissingDependencyError(OcrError, ImportError):
    """An optional dependency is missing; the message names the extra to install.

    Here the local engine's ``rapidocr`` is hidden to show the message:

    >>> import sys, unittest.mock, ocrframe
    >>> with unittest.mock.patch.dict(sys.modules, {"rapidocr": None}):  # doctest: +ELLIPSIS
    ...     ocrframe.LocalEngine().call("general-text", ocrframe.sample_path("letter"))
    Traceback (most recent call last):
    ...
    ocrframe.errors.MissingDependencyError: the local OCR engine needs 'rapidocr', which ...
    """


# --- the error-code table (../shared/reference/error_codes.md) ------------------------------

# Retry kinds (the reference's "Retry?" column):
BACKOFF = "backoff"  # retry with exponential backoff + jitter (honour Retry-After)
LIMITED = "limited"  # at most one or two retries, then permanent
AFTER_HOURS = "after_hours"  # retry only after hours (AIS.0118: ~2 h): never within seconds
REFRESH = "refresh"  # fetch fresh credentials, then retry once
NEVER = "never"  # retrying the unchanged request is pointless
RETRY_KINDS = (BACKOFF, LIMITED, AFTER_HOURS, REFRESH, NEVER)


@dataclass(frozen=True)
class ErrorCode:
    """One documented error code: the HTTP status the emulator sends with it (the reference
    maps none, so this is the gateway's usual one), the documented message, the client's
    category (``bad_input``, ``auth``, ``throttling``, ``server``, ``other``) and retry kind.

    >>> ERROR_CODES["AIS.0118"].retry
    'after_hours'
    """

    code: str
    status: int
    category: str
    retry: str
    message: str


def _table(*rows: tuple[str, int, str, str, str]) -> dict[str, ErrorCode]:
    return {row[0]: ErrorCode(*row) for row in rows}


# fmt: off
ERROR_CODES: dict[str, ErrorCode] = _table(
    ("AIS.0101", 400, "bad_input", NEVER, "The input parameter is invalid."),
    ("AIS.0102", 400, "bad_input", NEVER, "The image format is not supported."),
    ("AIS.0103", 400, "bad_input", NEVER, "The image size does not meet the requirements."),
    ("AIS.0104", 400, "bad_input", NEVER,
     "The image is not supported or the image quality is poor."),
    ("AIS.0105", 500, "server", LIMITED, "Recognition failed."),
    ("AIS.0117", 400, "bad_input", NEVER, "Input ID does not exist."),
    ("AIS.0118", 500, "server", AFTER_HOURS,
     "Service request error or the tax authority's interface was malfunctioning."),
    ("AIS.0119", 400, "bad_input", NEVER, "Template match failed, template_id={xxx}."),
    ("AIS.0120", 400, "bad_input", NEVER, "Classification failed."),
    ("AIS.0121", 400, "bad_input", NEVER,
     "The recognition area of template is not configured, template_id={xxx}"),
    ("AIS.0122", 400, "bad_input", NEVER,
     "The image contains two or more ID cards with the same side."),
    ("ModelArts.0203", 401, "auth", REFRESH, "Invalid token."),
    ("ModelArts.4101", 401, "auth", NEVER, "Token header cannot be empty."),
    ("ModelArts.4102", 401, "auth", REFRESH, "Parse Token error."),
    ("ModelArts.4103", 401, "auth", REFRESH, "Invalid Token header."),
    ("ModelArts.4104", 400, "bad_input", NEVER, "Invalid Request Content Length."),
    ("ModelArts.4105", 400, "bad_input", NEVER, "The JSON format of the input data is incorrect."),
    ("ModelArts.4106", 403, "auth", NEVER, "Invalid authorization request."),
    ("ModelArts.4107", 500, "server", LIMITED, "Get user temp ak sk error."),
    ("ModelArts.4201", 400, "bad_input", NEVER, "Request url need service id."),
    ("ModelArts.4202", 400, "bad_input", NEVER, "Request url format invalid."),
    ("ModelArts.4203", 403, "auth", NEVER, "Access denied! You do not have permission."),
    ("ModelArts.4204", 403, "auth", NEVER, "Request api error! The API XXX is not subscribed."),
    ("ModelArts.4301", 500, "server", BACKOFF, "Have error when get ai-service admin token."),
    ("ModelArts.4302", 502, "server", BACKOFF, "Gateway forwarding error."),
    ("ModelArts.4401", 429, "throttling", BACKOFF, "Max concurrency error."),
    ("ModelArts.4402", 504, "server", BACKOFF, "Backend service timeout error."),
    ("ModelArts.4403", 503, "server", BACKOFF, "Backend service unavailable error."),
    ("ModelArts.4502", 502, "server", BACKOFF, "Backend service response error."),
    ("ModelArts.4503", 500, "other", NEVER, "Backend service found error."),
    ("ModelArts.4504", 404, "other", NEVER, "Backend service api not found."),
    ("ModelArts.4505", 500, "server", BACKOFF, "Backend service internal error."),
    ("ModelArts.4506", 500, "other", NEVER, "SubService service found error."),
    ("ModelArts.4508", 503, "server", LIMITED, "Service not start."),
    ("ModelArts.4601", 400, "bad_input", NEVER,
     "Failed to download the file because the file path is not valid, please check it format."),
    ("ModelArts.4603", 400, "bad_input", LIMITED, "Obtaining the file from the URL failed."),
    ("ModelArts.4702", 403, "auth", NEVER, "Query Obs agency failed."),
    ("ModelArts.4703", 400, "bad_input", NEVER, "The Obs URL is invalid."),
    ("ModelArts.4704", 400, "bad_input", LIMITED, "Obtaining the file from the OBS failed."),
    ("ModelArts.4705", 400, "bad_input", NEVER, "The file stored on the OBS is oversized."),
    ("ModelArts.4706", 400, "bad_input", NEVER, "The Obs file is not exist."),
    ("ModelArts.6201", 403, "auth", NEVER,
     "The user account has been suspended. Please check if you have an outstanding balance."),
    ("APIG.0101", 404, "bad_input", NEVER,
     "The API does not exist or has not been published in the environment."),
    ("APIG.0201", 504, "server", BACKOFF, "Backend timeout."),
    ("APIG.0301", 401, "auth", REFRESH, "Incorrect IAM authentication information."),
    ("APIG.0308", 429, "throttling", BACKOFF,
     "The throttling threshold has been reached: policy user over ratelimit,limit:20,"
     "time:1 minute."),
)
# fmt: on
# The reference's one unnumbered row ("Failed to obtain the temporary AK/SK", auth) has no
# code to look up; an error whose code carries that text is classified auth below.


def error_code(code: str | None) -> ErrorCode | None:
    """The table row of ``code``, or None for an undocumented code.

    >>> error_code("ModelArts.4204").category
    'auth'
    """
    return ERROR_CODES.get(code) if isinstance(code, str) else None


def classify_error(code: str | None, status: int | None = None) -> str:
    """Return the category of an error: ``"bad_input"``, ``"auth"``, ``"throttling"``,
    ``"server"`` or ``"other"``.

    The code decides when it is known; otherwise the HTTP status does.

    >>> classify_error("ModelArts.4401")
    'throttling'
    >>> classify_error(None, 503)
    'server'
    """
    row = error_code(code)
    if row is not None:
        return row.category
    if code and (_is_apigw_auth(code) or "temporary AK/SK" in code):
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


def retry_kind(code: str | None, status: int | None = None) -> str:
    """How to retry an error: one of :data:`RETRY_KINDS` (``backoff``, ``limited``,
    ``after_hours``, ``refresh``, ``never``).

    Known codes follow the table; without a known code, HTTP 429/500/502/504 get ``backoff``,
    another 5xx or 408 ``limited``, a bare 401 ``refresh``, anything else ``never``.

    >>> retry_kind("AIS.0118"), retry_kind("ModelArts.4603"), retry_kind(None, 429)
    ('after_hours', 'limited', 'backoff')
    """
    row = error_code(code)
    if row is not None:
        return row.retry
    category = classify_error(code, status)
    if code is None and status in (429, 500, 502, 504):
        return BACKOFF
    if code is None and status == 401:
        return REFRESH
    return LIMITED if category in ("throttling", "server") else NEVER


def _is_apigw_auth(code: str | None) -> bool:
    # APIGW.0101-0199 are signature / credential failures at the gateway.
    return bool(code and re.fullmatch(r"APIGW\.01\d\d", code))


class WorkbookError(OcrError, ValueError):
    """A Base64 ``excel`` payload is not a readable, reasonably sized .xlsx workbook.

    Example: ``WorkbookError: result.excel is not valid Base64 (Incorrect padding); the
    response may be truncated or edited. Request it again with return_excel=true``

    >>> import ocrframe
    >>> r = ocrframe.read_response(ocrframe.sample_path("general-text"))  # no "excel" field
    >>> ocrframe.save_excel(r, "tables.xlsx")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ocrframe.errors.WorkbookError: no Base64 'excel' field in the response; request it with ...
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
        message = self.message
        if message is None and self.code:  # a bare code: the table's documented meaning
            known = error_code(self.code)
            message = f"{known.message} (the documented meaning)" if known else "no message"
        head = f"{self.code}: {message}" if self.code else (message or "API error")
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
    def retry_kind(self) -> str:
        """``retry_kind(code, status)``: backoff, limited, after_hours, refresh or never."""
        return retry_kind(self.code, self.status)

    @property
    def retryable(self) -> bool:
        """True when repeating the same request within seconds may succeed."""
        return self.retry_kind in (BACKOFF, LIMITED)

    @property
    def refreshable(self) -> bool:
        """True when a fresh token may cure it (expired or invalid token)."""
        return self.retry_kind == REFRESH

    @property
    def full_retry(self) -> bool:
        """True for failures that deserve a full backoff schedule, not a limited one."""
        return self.retry_kind == BACKOFF

    @property
    def maybe_billed(self) -> bool:
        """True when the service may have read and billed the request although no usable
        answer came back (so repeating it may bill it again)."""
        return False

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
    """The request itself is wrong (image, URL, parameters): change it before retrying.

    >>> import ocrframe
    >>> ocrframe.read_response({"error_code": "AIS.0102", "error_msg": "Unsupported format."})
    Traceback (most recent call last):
    ...
    ocrframe.errors.BadRequestError: AIS.0102: Unsupported format.
    """


class AuthError(ApiError):
    """Authentication, permission, subscription or account state.

    >>> import ocrframe
    >>> ocrframe.read_response({"error_code": "ModelArts.4102", "error_msg": "Parse Token error."})
    Traceback (most recent call last):
    ...
    ocrframe.errors.AuthError: ModelArts.4102: Parse Token error.
    """


class ThrottlingError(ApiError):
    """Rate or concurrency limit (HTTP 429, APIG.0308, ModelArts.4401): retry later.

    >>> import ocrframe
    >>> ocrframe.read_response({"error_code": "APIG.0308", "error_msg": "Throttled."})
    Traceback (most recent call last):
    ...
    ocrframe.errors.ThrottlingError: APIG.0308: Throttled.
    """


class ServerError(ApiError):
    """A transient failure on the service side: retry with backoff.

    >>> import ocrframe
    >>> ocrframe.read_response({"error_code": "ModelArts.4403", "error_msg": "Unavailable."})
    Traceback (most recent call last):
    ...
    ocrframe.errors.ServerError: ModelArts.4403: Unavailable.
    """


_BY_CATEGORY: dict[str, type[ApiError]] = {
    "bad_input": BadRequestError,
    "auth": AuthError,
    "throttling": ThrottlingError,
    "server": ServerError,
}


class TokenFetchError(AuthError):
    """IAM did not issue a token (wrong password, unknown project, IAM unreachable).

    Never cured by fetching another token, so the client does not retry it: repeating a
    refused login only brings the IAM account lockout closer.
    """

    @property
    def refreshable(self) -> bool:
        return False


class SignatureError(AuthError):
    """An AK/SK signature could not be verified (raised by :func:`verify_request`)."""


class TransportError(ServerError):
    """No usable answer: connection refused or dropped, timeout. Safe to retry."""

    @property
    def retryable(self) -> bool:
        return True

    @property
    def full_retry(self) -> bool:
        return True


class NoAnswerError(TransportError):
    """The request was sent whole but no answer came within the read timeout: the service may
    still have read it, and bills it if it did.

    >>> NoAnswerError("no answer in 60 s").maybe_billed
    True
    """

    @property
    def maybe_billed(self) -> bool:
        return True


class MalformedResponseError(ServerError, ResponseFormatError):
    """The body was cut short or is not JSON (a proxy's HTML page, say). The service bills it."""

    @property
    def retryable(self) -> bool:
        return True

    @property
    def full_retry(self) -> bool:
        return True

    @property
    def maybe_billed(self) -> bool:
        return True


class CacheCorruptError(ResponseFormatError):
    """A cache file is unreadable, fails its checksum or belongs to another key."""


class WireError(Exception):
    """An error answer of the emulator: HTTP status plus the exact JSON body the service sends.

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
