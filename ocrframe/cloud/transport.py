"""Transport: send one request, and the one retry engine every caller uses.

:class:`RetryPolicy` is the only place ocrframe decides whether and when to repeat a request:
``transport.send`` (one cloud call) and the batch runner (one item of a dataset) both run
:meth:`RetryPolicy.call`. Which failures are repeated (error_codes.md), see
:meth:`RetryPolicy.kind`:

* ``"full"``: throttling and transient server codes (HTTP 429, 500, 502, 504, ModelArts.4401,
  APIG.0308, APIG.0201, ModelArts.4402/4403/4502/4505/4301/4302), connection errors and
  connect timeouts: up to ``RetryPolicy.total`` retries, exponential backoff with full jitter,
  ``Retry-After`` honoured up to ``retry_after_max``;
* ``"limited"``: other server codes and a bare 503 (AIS.0105, ModelArts.4508, ...): at most
  ``RetryPolicy.limited``;
* ``"billed"``: a truncated or non-JSON HTTP 200 answer, which the service bills, and a
  request sent whole that got no answer within the read timeout, which it may have read and
  billed (``ApiError.maybe_billed``): at most ``RetryPolicy.billed`` (once by default);
* ``"refresh"``: an expired or invalid token: one retry after fetching a new token;
* ``"never"``: everything else (bad input, wrong AK/SK, permissions, subscription).

So a failing item sends at most ``total + 1`` requests (one more after a token refresh), and
the error it raises says how many (``.attempts``, ``.history``).

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar

import requests

from ..errors import (
    ApiError,
    InputError,
    MalformedResponseError,
    NoAnswerError,
    TransportError,
)
from ..response import error_body
from .redact import bare_cause, redact, redact_url

__all__ = [
    "RetryPolicy",
    "RETRY_KINDS",
    "Pacer",
    "TransportError",
    "MalformedResponseError",
    "send",
    "sleep",
    "parse_retry_after",
]

log = logging.getLogger("ocrframe.cloud.transport")


def sleep(seconds: float) -> None:
    """The one place ocrframe sleeps: between retries, and while another run sharing the
    cache calls an item (tests replace it)."""
    time.sleep(seconds)


class Pacer(Protocol):
    """What the retry engine tells a rate limiter (the batch runner's ``Limiter``)."""

    def acquire(self) -> bool: ...

    def release(self, *, throttled: bool = False, retry_after: float | None = None) -> None: ...


T = TypeVar("T")
RETRY_KINDS = ("full", "limited", "billed", "refresh", "never")


@dataclass(frozen=True)
class RetryPolicy:
    """When to repeat a failed request; immutable, so one policy can be shared.

    Parameters
    ----------
    total : int
        Retries after the first attempt for throttling and transient failures.
    limited : int
        Retries for failures that rarely clear up (AIS.0105, a bare HTTP 503, ...).
    billed : int
        Retries for truncated or non-JSON HTTP 200 answers, which the service bills, and for
        requests that got no answer within the read timeout, which it may have billed.
    backoff_factor, backoff_max : float
        Retry ``n`` waits ``uniform(0, min(backoff_max, backoff_factor * 2 ** (n - 1)))``
        seconds ("full jitter").
    retry_after_max : float
        Upper bound on a server's ``Retry-After``; the wait is at least the (bounded) hint.
    sleep : callable, optional
        Replaces :func:`ocrframe.cloud.transport.sleep`, e.g. ``delays.append`` in tests.

    Examples
    --------
    >>> RetryPolicy(total=3, backoff_factor=1.0, jitter=lambda: 1.0).delay(3, None)
    4.0
    >>> RetryPolicy(retry_after_max=10).delay(1, 120.0)
    10.0
    """

    total: int = 4
    limited: int = 1
    billed: int = 1
    backoff_factor: float = 0.5
    backoff_max: float = 20.0
    retry_after_max: float = 60.0
    sleep: Callable[[float], None] | None = None
    jitter: Callable[[], float] = random.random

    def __post_init__(self) -> None:
        for name in ("total", "limited", "billed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(f"RetryPolicy.{name} must be an integer >= 0, got {value!r}")
        for name in ("backoff_factor", "backoff_max", "retry_after_max"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
                raise InputError(f"RetryPolicy.{name} must be seconds >= 0, got {value!r}")

    @classmethod
    def from_value(
        cls, retries: int | RetryPolicy | None, *, backoff: float | None = None
    ) -> RetryPolicy:
        """Accept an int (number of retries), a policy, or None (no retries).

        ``backoff`` replaces the policy's ``backoff_factor``.

        >>> RetryPolicy.from_value(3, backoff=0).backoff_factor
        0
        """
        if isinstance(retries, RetryPolicy):
            policy = retries
        elif retries is None:
            policy = cls(total=0, limited=0, billed=0)
        elif isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise InputError(f"retries must be an integer >= 0 or a RetryPolicy, got {retries!r}")
        else:
            policy = cls(total=retries, limited=min(1, retries), billed=min(1, retries))
        return policy if backoff is None else replace(policy, backoff_factor=backoff)

    def kind(self, exc: BaseException) -> str:
        """How a failure may be retried: one of :data:`RETRY_KINDS`.

        The one place that maps an error to its retry kind.

        >>> from ocrframe.errors import ApiError
        >>> RetryPolicy().kind(ApiError(code="ModelArts.4401", status=429))
        'full'
        >>> RetryPolicy().kind(ApiError(code="AIS.0103", status=400))
        'never'
        """
        if getattr(exc, "maybe_billed", False):  # a cut-short body, an answer that never came
            return "billed"
        if isinstance(exc, ApiError):
            if exc.refreshable:
                return "refresh"
            if not exc.retryable:
                return "never"
            return "full" if exc.full_retry else "limited"
        if isinstance(exc, OSError):  # a dropped connection in a custom backend
            return "full"
        return "never"

    def cap(self, kind: str) -> int:
        """Most retries a failure of ``kind`` gets under this policy.

        >>> policy = RetryPolicy(total=4, limited=1)
        >>> policy.cap("full"), policy.cap("limited"), policy.cap("never")
        (4, 1, 0)
        """
        caps = {
            "full": self.total,
            "limited": min(self.limited, self.total),
            "billed": min(self.billed, self.total),
            "refresh": 1,
        }
        return caps.get(kind, 0)

    def budget(self, err: BaseException) -> int:
        """How many retries ``err`` deserves under this policy.

        >>> RetryPolicy(total=4).budget(ApiError(code="ModelArts.4401", status=429))
        4
        >>> RetryPolicy(total=4).budget(ApiError(code="AIS.0103", status=400))
        0
        """
        return self.cap(self.kind(err))

    def delay(self, retry: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``retry`` (1-based).

        >>> policy = RetryPolicy(backoff_factor=0.5, jitter=lambda: 1.0)
        >>> policy.delay(1, None), policy.delay(3, None), policy.delay(3, retry_after=7)
        (0.5, 2.0, 7.0)
        """
        if retry_after is not None:
            return float(max(0.0, min(retry_after, self.retry_after_max)))
        cap = min(self.backoff_max, self.backoff_factor * 2 ** (retry - 1))
        return cap * self.jitter()

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds`` with the policy's ``sleep`` (:func:`sleep` by default).

        >>> waits = []
        >>> RetryPolicy(sleep=waits.append).wait(1.5)
        >>> waits
        [1.5]
        """
        (self.sleep or sleep)(seconds)

    def call(
        self,
        attempt: Callable[[], T],
        *,
        pacer: Pacer | None = None,
        refresh: Callable[[], bool] | None = None,
        what: str | None = None,
    ) -> tuple[T | None, list[tuple[int | None, str | None, float]]]:
        """Run ``attempt()`` until it succeeds or this policy says stop.

        Returns ``(result, history)``: ``history`` holds ``(status, code, delay)`` of every
        failed request before the success. ``pacer`` (a rate limiter) is asked before each
        attempt and told how it went; when it refuses (a stopped run) the result is None.
        ``refresh()`` renews credentials for a ``"refresh"`` failure (False: it cannot).
        The final failure is raised with ``.attempts`` (requests sent, counting those an
        attempt made itself) and ``.history`` set.

        >>> RetryPolicy(total=2).call(lambda: "ok")
        ('ok', [])
        """
        history: list[tuple[int | None, str | None, float]] = []
        used: dict[str, int] = {}
        previous: BaseException | None = None
        while True:
            if pacer is not None and not pacer.acquire():
                return None, history
            try:
                result = attempt()
            except Exception as exc:  # noqa: BLE001 - the policy decides, then re-raises
                retry_after = _bounded(getattr(exc, "retry_after", None), self.retry_after_max)
                if pacer is not None:
                    throttled = getattr(exc, "category", None) == "throttling"
                    pacer.release(throttled=throttled, retry_after=retry_after)
                history.extend(_requests_of(exc))
                kind = self.kind(exc)
                retries = sum(n for k, n in used.items() if k != "refresh")
                over_total = kind != "refresh" and retries >= self.total
                if (
                    used.get(kind, 0) >= self.cap(kind)
                    or over_total
                    or (kind == "refresh" and (refresh is None or not refresh()))
                ):
                    raise _final(exc, history) from (exc.__cause__ or previous)
                used[kind] = used.get(kind, 0) + 1
                delay = 0.0 if kind == "refresh" else self.delay(retries + 1, retry_after)
                if history:
                    status, code, _ = history[-1]
                    history[-1] = (status, code, delay)
                log.debug("%s: %s; %s retry in %.2f s", what, exc, kind, delay)
                previous = exc
                if delay > 0:
                    self.wait(delay)
                continue
            except BaseException:  # Ctrl-C: free the slot, stop
                if pacer is not None:
                    pacer.release()
                raise
            if pacer is not None:
                pacer.release()
            return result, history

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(total={self.total}, limited={self.limited}, billed={self.billed}, "
            f"backoff_factor={self.backoff_factor}, backoff_max={self.backoff_max}, "
            f"retry_after_max={self.retry_after_max})"
        )


def _bounded(value: Any, cap: float) -> float | None:
    try:
        return min(float(value), cap) if value is not None else None
    except (TypeError, ValueError):
        return None


def _requests_of(exc: BaseException) -> list[tuple[int | None, str | None, float]]:
    """The requests a failed attempt made: its own history (a client call), none for an input
    refused before sending, else one."""
    if isinstance(exc, InputError):
        return []
    inner = getattr(exc, "history", None)
    if isinstance(inner, tuple | list) and inner:
        return [tuple(h) for h in inner]  # type: ignore[misc]
    return [(getattr(exc, "status", None), getattr(exc, "code", None), 0.0)]


def _final(exc: BaseException, history: list[tuple]) -> BaseException:
    """``exc`` carrying the number of requests really sent and their history."""
    if isinstance(exc, ApiError):
        new = type(exc)(
            exc.message,
            code=exc.code,
            status=exc.status,
            request_id=exc.request_id,
            api=exc.api,
            attempts=len(history),
            retry_after=exc.retry_after,
        )
        new.history = tuple(history)
        return new
    try:
        exc.attempts = len(history)  # type: ignore[attr-defined]
        exc.history = tuple(history)  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - exceptions with __slots__
        pass
    return exc


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


def _snippet(content: bytes, secrets: Sequence[str]) -> str:
    """The first 80 characters of a body, any secret it echoes (even one cut at the 80th
    character) replaced first."""
    window = 80 + max((len(s.encode("utf-8")) for s in secrets), default=0)
    return redact(content[:window].decode("utf-8", "replace"), secrets)[:80]


_NOT_JSON = object()  # json.loads failed


def read_http_response(
    resp: requests.Response, api: str | None, secrets: Sequence[str] = ()
) -> dict[str, Any]:
    """The JSON body of a successful answer; raise the matching ``ApiError`` otherwise.

    ``secrets`` (the credentials the request carried) are taken out of any text of the
    answer that goes into the error: a proxy or a broken gateway may echo the request.
    """
    status = resp.status_code
    request_id = resp.headers.get("X-Request-Id")
    if 300 <= status < 400:  # never followed: the image and its signature stay with the endpoint
        where = redact_url(redact(resp.headers.get("Location") or "no Location", secrets))
        raise ApiError.from_body(
            {"error_msg": f"HTTP {status}: the endpoint redirects to {where!r}, which ocrframe "
             "does not follow; set endpoint= (or the region) to the service's own URL"},
            status=status,
            request_id=request_id,
            api=api,
        )  # fmt: skip
    try:
        body = json.loads(resp.content)
    except (ValueError, UnicodeDecodeError):
        body = _NOT_JSON
    if body is _NOT_JSON:  # raised here, not in the handler: the parser's error holds the
        start = _snippet(resp.content, secrets)  # whole body, which a pickled traceback keeps
        if status >= 400:
            raise ApiError.from_body(
                {"error_msg": f"HTTP {status} with a non-JSON body ({start!r})"},
                status=status,
                request_id=request_id,
                api=api,
            )
        raise MalformedResponseError(
            f"the response is not valid JSON ({len(resp.content)} bytes, starts with "
            f"{start!r}); it was cut short or did not come from the OCR service",
            status=status,
            request_id=request_id,
            api=api,
        )
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
        err = {k: redact(str(v), secrets) if v is not None else None for k, v in err.items()}
        raise ApiError.from_body(err, status=status, request_id=request_id, api=api)
    return body


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
    secrets: Sequence[str] = (),
) -> tuple[dict[str, Any], requests.Response, int]:
    """POST ``body`` to ``url`` under ``policy``; return ``(json_body, response, attempts)``.

    ``secrets`` (those of the body, such as a presigned URL's signature) are taken out of an
    error answer that echoes them, as the credentials of ``auth`` are.

    Raises the last :class:`ApiError` (``.attempts`` and ``.history`` set; its cause is the
    network exception, or else the previous attempt's error) when the failure is permanent or
    the retries are used up.
    """
    headers = {"Content-Type": "application/json;charset=utf-8", **(headers or {})}
    last: list[requests.Response] = []
    held = getattr(auth, "secrets", None)  # asked after each answer: a token may be new

    def attempt() -> dict[str, Any]:
        resp: requests.Response | None = None
        try:
            resp = session.post(
                url, data=body, headers=headers, auth=auth, timeout=timeout, allow_redirects=False
            )
            last.append(resp)
            return read_http_response(resp, api, [*(held() if callable(held) else ()), *secrets])
        except ApiError as exc:
            exc.retry_after = (
                parse_retry_after(resp.headers.get("Retry-After")) if resp is not None else None
            )
            raise
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            # The service answered (and billed the call) but the body was cut short.
            failure: ApiError = MalformedResponseError(
                f"the answer was cut short ({_reason(exc)}); the service may bill it", api=api
            )
            cause = bare_cause(exc, _reason(exc))
        except requests.RequestException as exc:
            failure = _transport_failure(exc, url.split("/v", 1)[0], api)
            cause = bare_cause(exc, _reason(exc))
        # Raised out of the handler, so that the exception holding the request is not kept
        # as the context either.
        raise failure from cause

    def refresh() -> bool:
        if not getattr(auth, "can_refresh", False):
            return False
        auth.invalidate()
        return True

    result, history = policy.call(attempt, refresh=refresh, what=api)
    assert result is not None  # no pacer: never stopped
    return result, last[-1], len(history) + 1


def _transport_failure(exc: requests.RequestException, host: str, api: str | None) -> ApiError:
    """The error of a request that got no usable answer: :class:`NoAnswerError` when it went
    out whole and the answer (its head, or its body: requests wraps that timeout in a
    ConnectionError) did not come within the read timeout, else :class:`TransportError`."""
    from urllib3.exceptions import ReadTimeoutError

    if isinstance(exc, requests.exceptions.ReadTimeout) or (
        exc.args and isinstance(exc.args[0], ReadTimeoutError)
    ):
        return NoAnswerError(
            f"no answer from {host} within the read timeout; the service may still have read "
            "the request and billed it",
            api=api,
        )
    return TransportError(f"{type(exc).__name__} talking to {host}: {_reason(exc)}", api=api)


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.exceptions.InvalidHeader):  # its text repeats the value
        return "a header value is invalid (a credential with a line break or control character?)"
    text = str(exc)
    return text if len(text) < 300 else text[:300] + "..."
