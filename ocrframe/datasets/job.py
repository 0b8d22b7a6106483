"""One item of a batch run: call the backend under the run's retry policy, cache the answer,
or describe the failure as an error row.

The retry decisions are :class:`~ocrframe.cloud.transport.RetryPolicy`'s; a backend that
retries by itself (the cloud ``Client``) is asked for one request per attempt, so a failing
item sends at most ``retries + 1`` requests and its row says how many it really sent.

>>> from ocrframe.datasets.job import error_category
>>> error_category(OSError("connection reset"))
'network'
"""

from __future__ import annotations

import inspect
import json
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cloud.transport import Pacer, RetryPolicy
from ..errors import ApiError, CacheCorruptError, InputError, ResponseFormatError
from ..response import Response, error_body
from .batch import Entry
from .cache import Cache
from .claims import claim
from .expand import Task

__all__ = [
    "ItemJob",
    "Outcome",
    "cached_path",
    "error_category",
    "resolve_policy",
    "share_copies",
    "unique_items",
]

log = logging.getLogger("ocrframe.datasets.job")


@dataclass
class Outcome:
    """What became of item ``index``: an entry, an error row, or neither (stopped run)."""

    index: int
    entry: Entry | None = None
    error: dict[str, Any] | None = None


def error_category(exc: BaseException) -> str:
    """The ``category`` column of an error row."""
    if isinstance(exc, ApiError):
        return exc.category
    if isinstance(exc, InputError):
        return "bad_input"
    if isinstance(exc, ResponseFormatError):
        return "bad_response"
    if isinstance(exc, OSError):  # dropped connections, timeouts in a custom backend
        return "network"
    return "other"


def resolve_policy(
    backend: Any, retries: int | RetryPolicy | None, backoff: float | None
) -> RetryPolicy:
    """The run's policy: ``retries`` if given, else the backend's own (``Client.retries``),
    else the default :class:`RetryPolicy`; ``backoff`` replaces its backoff factor.

    >>> resolve_policy(object(), 2, 0).total
    2
    """
    if backoff is not None and (
        isinstance(backoff, bool) or not isinstance(backoff, int | float) or not backoff >= 0
    ):
        raise InputError(f"backoff must be seconds >= 0, got {backoff!r}")
    if retries is None:
        own = getattr(backend, "retries", None)
        retries = own if isinstance(own, RetryPolicy) else RetryPolicy()
    return RetryPolicy.from_value(retries, backoff=backoff)


def _takes_retries(backend: Any) -> bool:
    """True when ``backend.call`` has a ``retries=`` parameter (it would retry by itself)."""
    try:
        return "retries" in inspect.signature(backend.call).parameters
    except (TypeError, ValueError):
        return False


def cached_path(cache: Cache, key: str, api: str, repaired: list[str]) -> Path | None:
    """The verified cache file of ``key``, or None; a corrupt one is reported and discarded."""
    try:
        return cache.verify(key, api)
    except (CacheCorruptError, OSError) as exc:
        warnings.warn(f"{exc}; fetching it again", RuntimeWarning, stacklevel=3)
        repaired.append(str(cache.path(key, api)))
        cache.discard(key, api)
        return None


class ItemJob:
    """Shared state of one run: the backend call under the policy, caching and the limiter."""

    def __init__(
        self,
        backend: Any,
        api: str,
        params: dict[str, Any],
        cache: Cache | None,
        limiter: Pacer,
        policy: RetryPolicy,
    ) -> None:
        self.backend = backend
        self.api = api
        self.params = params
        self.cache = cache
        self.limiter = limiter
        self.policy = policy
        # One request per attempt: the policy below decides about the next one.
        self._once = {"retries": 0} if _takes_retries(backend) else {}

    def __call__(self, index: int, task: Task, key: str) -> Outcome:
        if self.cache is None:
            return self._send(index, task, key)
        # Another run sharing the cache may be calling the same input: one pays, the other
        # takes its answer.
        with claim(self.cache, key, self.api, stopped=self._stopped) as done:
            if done is not None:
                return Outcome(index, entry=Entry(task.source, task.page, self.api,
                                                  path=str(done)))  # fmt: skip
            if self._stopped():
                return Outcome(index)  # stopped while waiting: neither done nor failed
            return self._send(index, task, key)

    def _stopped(self) -> bool:
        return bool(getattr(self.limiter, "stopped", False))

    def _send(self, index: int, task: Task, key: str) -> Outcome:
        try:
            payload = task.payload()
        except InputError as exc:
            return self._failed(index, task, exc, 0)
        try:
            resp, history = self.policy.call(
                lambda: self._call(task, payload), pacer=self.limiter, what=task.source
            )
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error row
            sent = getattr(exc, "attempts", None)
            return self._failed(index, task, exc, 1 if sent is None else sent)
        if resp is None:
            return Outcome(index)  # stopped (Ctrl-C): neither done nor failed
        if history:
            resp.meta["attempts"] = len(history) + int(resp.meta.get("attempts") or 1)
        return self._store(index, task, key, resp)

    def _call(self, task: Task, payload: bytes | str) -> Response:
        if task.url is not None:
            resp = self.backend.call(
                self.api, url=payload, page=task.page, **self._once, **self.params
            )
        else:
            resp = self.backend.call(self.api, payload, page=task.page, **self._once, **self.params)
        if not isinstance(resp, Response):
            raise ResponseFormatError(
                f"backend {type(self.backend).__name__}.call returned "
                f"{type(resp).__name__}, not an ocrframe Response"
            )
        err = error_body(resp.raw)
        if err is not None:
            raise ApiError.from_body(
                err, status=resp.status, request_id=resp.request_id, api=self.api
            )
        return resp

    def _store(self, index: int, task: Task, key: str, resp: Response) -> Outcome:
        if self.cache is None:
            r = Response(
                resp.raw,
                api=self.api,
                source=task.source,
                page=task.page,
                request_id=resp.request_id,
                status=resp.status,
                meta=resp.meta,
            )
            return Outcome(index, entry=Entry(task.source, task.page, self.api, response=r))
        path = self.cache.put(
            key,
            resp.raw,
            api=self.api,
            source=task.source,
            page=task.page,
            status=resp.status,
            request_id=resp.request_id,
            meta=_jsonable(resp.meta),
        )
        return Outcome(index, entry=Entry(task.source, task.page, self.api, path=str(path)))

    def _failed(self, index: int, task: Task, exc: BaseException, attempts: int) -> Outcome:
        message = str(exc)
        if isinstance(exc, InputError) and task.source not in message:
            message = f"{task.source}: {message}"  # the backend saw bytes, not the file
        return Outcome(
            index,
            error={
                "source": task.source,
                "page": task.page,
                "api": self.api,
                "error_code": getattr(exc, "code", None) or type(exc).__name__,
                "status": getattr(exc, "status", None),
                "message": message,
                "attempts": attempts,
                "category": error_category(exc),
            },
        )


def _jsonable(meta: dict[str, Any]) -> dict[str, Any]:
    try:
        json.dumps(meta)
        return meta
    except (TypeError, ValueError):
        return {
            k: v if isinstance(v, str | int | float | bool | type(None)) else str(v)
            for k, v in meta.items()
        }


def unique_items(
    todo: list[tuple[int, Task, str]],
) -> tuple[list[tuple[int, Task, str]], list[tuple[int, int]]]:
    """Items with the same cache key (identical bytes, page and parameters) are called once:
    the first one, and ``(copy index, first index)`` pairs get its answer afterwards
    (:func:`share_copies`). Every way of running a batch uses it, so none bills twice.

    >>> unique_items([(0, None, "k1"), (1, None, "k2"), (2, None, "k1")])
    ([(0, None, 'k1'), (1, None, 'k2')], [(2, 0)])
    """
    first: dict[str, int] = {}
    unique, copies = [], []
    for i, task, key in todo:
        if key in first:
            copies.append((i, first[key]))
        else:
            first[key] = i
            unique.append((i, task, key))
    return unique, copies


def share_copies(
    copies: list[tuple[int, int]],
    tasks: list[Task],
    entries: list[Entry | None],
    errors: list[dict[str, Any]],
) -> None:
    """Give each duplicate input the response (or the error) of its first occurrence."""
    for i, first in copies:
        task, done = tasks[i], entries[first]
        if done is not None:
            entries[i] = Entry(task.source, task.page, done.api, response=done.response,
                               path=done.path)  # fmt: skip
            continue
        origin = tasks[first]
        for err in list(errors):
            if (err["source"], err["page"]) == (origin.source, origin.page):
                errors.append({**err, "source": task.source, "page": task.page})
                break
