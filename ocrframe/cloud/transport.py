"""Transport: send one request with retries, and turn every failure into an ``ApiError``.

Which failures are repeated (error_codes.md):

* throttling and transient server codes (HTTP 429, 500, 502, 504, ModelArts.4401, APIG.0308,
  APIG.0201, ModelArts.4402/4403/4502/4505/4301/4302): the full ``RetryPolicy.total`` budget,
  exponential backoff with full jitter, ``Retry-After`` honoured up to ``retry_after_max``;
* other server codes and a bare 503 (AIS.0105, ModelArts.4508, ...): ``RetryPolicy.limited``;
* connection errors, timeouts, truncated and non-JSON bodies: the full budget. An OCR call
  reads an image and has no side effect but its bill, so repeating it is safe;
* an expired or invalid token: one retry after fetching a new token;
* everything else (bad input, wrong AK/SK, permissions, subscription): never.

Sleeping goes through :func:`sleep` (or ``RetryPolicy.sleep``) so tests record delays instead.

>>> RetryPolicy.from_value(2).total
2
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from ..errors import ApiError, InputError, ResponseFormatError, ServerError
from ..response import error_body

__all__ = [
    "RetryPolicy",
    "TransportError",
    "MalformedResponseError",
    "send",
    "sleep",
    "parse_retry_after",
]

log = logging.getLogger("ocrframe.cloud.transport")


def sleep(seconds: float) -> None:
    """The one place ocrframe sleeps between retries (tests replace it)."""
    time.sleep(seconds)


class TransportError(ServerError):
    """No usable answer: connection refused or dropped, timeout. Safe to retry."""

    @property
    def retryable(self) -> bool:
        return True

    @property
    def full_retry(self) -> bool:
        return True


class MalformedResponseError(ServerError, ResponseFormatError):
    """The body was cut short or is not JSON (a proxy's HTML page, say). Safe to retry."""

    @property
    def retryable(self) -> bool:
        return True

    @property
    def full_retry(self) -> bool:
        return True


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; immutable, so one policy can be shared.

    Parameters
    ----------
    total : int
        Retries after the first attempt for throttling and transient failures.
    limited : int
        Retries for failures that rarely clear up (AIS.0105, a bare HTTP 503, ...).
    backoff_factor, backoff_max : float
        Retry ``n`` waits ``uniform(0, min(backoff_max, backoff_factor * 2 ** (n - 1)))``
        seconds ("full jitter").
    retry_after_max : float
        Upper bound on a server's ``Retry-After``; the wait is at least the (bounded) hint.
    sleep : callable, optional
        Replaces :func:`ocrframe.transport.sleep`, e.g. ``delays.append`` in tests.

    Examples
    --------
    >>> RetryPolicy(total=3, backoff_factor=1.0, jitter=lambda: 1.0).delay(3, None)
    4.0
    >>> RetryPolicy(retry_after_max=10).delay(1, 120.0)
    10.0
    """

    total: int = 4
    limited: int = 1
    backoff_factor: float = 0.5
    backoff_max: float = 20.0
    retry_after_max: float = 60.0
    sleep: Callable[[float], None] | None = None
    jitter: Callable[[], float] = random.random

    def __post_init__(self) -> None:
        for name in ("total", "limited"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(f"RetryPolicy.{name} must be an integer >= 0, got {value!r}")

    @classmethod
    def from_value(cls, retries: int | RetryPolicy | None) -> RetryPolicy:
        """Accept an int (number of retries), a policy, or None (no retries)."""
        if isinstance(retries, RetryPolicy):
            return retries
        if retries is None:
            return cls(total=0, limited=0)
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise InputError(f"retries must be an integer >= 0 or a RetryPolicy, got {retries!r}")
        return cls(total=retries, limited=min(1, retries))

    def delay(self, retry: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        if retry_after is not None:
            return float(max(0.0, min(retry_after, self.retry_after_max)))
        cap = min(self.backoff_max, self.backoff_factor * 2 ** (retry - 1))
        return cap * self.jitter()

    def budget(self, err: ApiError) -> int:
        """How many retries ``err`` deserves under this policy."""
        if not err.retryable:
            return 0
        return self.total if err.full_retry else min(self.limited, self.total)

    def wait(self, seconds: float) -> None:
        (self.sleep or sleep)(seconds)

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(total={self.total}, limited={self.limited}, backoff_factor="
            f"{self.backoff_factor}, backoff_max={self.backoff_max}, retry_after_max="
            f"{self.retry_after_max})"
        )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), else None.

    >>> parse_retry_after("3")
    3.0
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _snippet(content: bytes) -> str:
    return content[:80].decode("utf-8", "replace")


def read_http_response(resp: requests.Response, api: str | None) -> dict[str, Any]:
    """The JSON body of a successful answer; raise the matching ``ApiError`` otherwise."""
    status = resp.status_code
    request_id = resp.headers.get("X-Request-Id")
    try:
        body = json.loads(resp.content)
    except (ValueError, UnicodeDecodeError):
        if status >= 400:
            raise ApiError.from_body(
                {"error_msg": f"HTTP {status} with a non-JSON body ({_snippet(resp.content)!r})"},
                status=status,
                request_id=request_id,
                api=api,
            ) from None
        raise MalformedResponseError(
            f"the response is not valid JSON ({len(resp.content)} bytes, starts with "
            f"{_snippet(resp.content)!r}); it was cut short or did not come from the OCR service",
            status=status,
            request_id=request_id,
            api=api,
        ) from None
    if not isinstance(body, dict):
        raise MalformedResponseError(
            f"the response is JSON {type(body).__name__}, not an object",
            status=status,
            request_id=request_id,
            api=api,
        )
    err = error_body(body)
    if err is None and isinstance(body.get("error"), dict):  # IAM's error format
        inner = body["error"]
        err = {"error_code": inner.get("code"), "error_msg": inner.get("message")}
    if err is not None or status >= 400:
        err = err or {"error_msg": f"HTTP {status} without an error body"}
        raise ApiError.from_body(err, status=status, request_id=request_id, api=api)
    return body


def _with_attempts(err: ApiError, attempts: int, history: list[tuple]) -> ApiError:
    new = type(err)(
        err.message,
        code=err.code,
        status=err.status,
        request_id=err.request_id,
        api=err.api,
        attempts=attempts,
        retry_after=err.retry_after,
    )
    new.history = tuple(history)
    return new


def send(
    session: requests.Session,
    url: str,
    body: bytes,
    *,
    api: str | None,
    auth: Any,
    timeout: float | tuple[float, float],
    policy: RetryPolicy,
    headers: dict[str, str] | None = None,
) -> tuple[dict[str, Any], requests.Response, int]:
    """POST ``body`` to ``url`` with retries; return ``(json_body, response, attempts)``.

    Raises the last :class:`ApiError` (``.attempts`` and ``.history`` set; its cause is the
    network exception, or else the previous attempt's error) when the failure is permanent or
    the retries are used up.
    """
    headers = {"Content-Type": "application/json;charset=utf-8", **(headers or {})}
    history: list[tuple[int | None, str | None, float]] = []
    retries = 0
    refreshed = False
    previous: BaseException | None = None
    attempt = 0
    while True:
        attempt += 1
        resp: requests.Response | None = None
        try:
            resp = session.post(url, data=body, headers=headers, auth=auth, timeout=timeout)
            return read_http_response(resp, api), resp, attempt
        except ApiError as exc:
            err = exc
        except requests.RequestException as exc:
            err = TransportError(
                f"{type(exc).__name__} talking to {url.split('/v', 1)[0]}: {_reason(exc)}",
                api=api,
            )
            err.__cause__ = exc
        retry_after = (
            parse_retry_after(resp.headers.get("Retry-After")) if resp is not None else None
        )
        err.retry_after = retry_after
        can_refresh = getattr(auth, "can_refresh", False)
        if err.refreshable and can_refresh and not refreshed:
            refreshed = True
            auth.invalidate()
            history.append((err.status, err.code, 0.0))
            log.debug("%s: %s; fetching a new token and retrying once", api, err)
            previous = err
            continue
        if retries >= policy.budget(err):
            history.append((err.status, err.code, 0.0))
            final = _with_attempts(err, attempt, history)
            raise final from (err.__cause__ if err.__cause__ is not None else previous)
        retries += 1
        delay = policy.delay(retries, retry_after)
        history.append((err.status, err.code, delay))
        log.debug(
            "%s: attempt %d failed (%s); retry %d/%d in %.2f s",
            api,
            attempt,
            err,
            retries,
            policy.budget(err),
            delay,
        )
        previous = err
        policy.wait(delay)


def _reason(exc: requests.RequestException) -> str:
    text = str(exc)
    return text if len(text) < 300 else text[:300] + "..."
