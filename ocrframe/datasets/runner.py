"""Run one API over many inputs: a worker pool, a rate limit, retries, a cache and progress.

``run(backend, api, inputs)`` works with any backend that answers
``backend.call(api, image=None, *, url=None, page=None, **params) -> Response`` (the cloud
``Client``, the embedded ``LocalEngine``, the emulator's client). It

- expands the inputs (paths, a glob, a folder, a pandas column, URLs, bytes; a PDF becomes one
  item per page);
- skips items whose response is already in the cache (``cache=DIR``), so a rerun after a crash
  or Ctrl-C repeats no finished call; a corrupt cache file is reported and fetched again;
- calls the backend from ``workers`` threads, at most ``rate`` requests per second;
- retries throttling (HTTP 429, ModelArts.4401, APIG.0308), server errors, dropped connections
  and truncated bodies with capped exponential backoff, honouring ``Retry-After``; on
  throttling it halves the concurrency and the rate and grows them back one step per success
  (AIMD);
- collects failures as rows of ``Batch.errors`` instead of stopping the run.

>>> from ocrframe.datasets.runner import run
>>> batch = run(client, "general-text", "scans/*.png", cache="ocr-cache")  # doctest: +SKIP
>>> batch.words()  # doctest: +SKIP
"""

from __future__ import annotations

import glob as _glob
import logging
import os
import random
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalog import get_api
from ..errors import ApiError, InputError, ResponseFormatError
from ..response import Response, error_body
from .batch import Batch, Entry, errors_frame
from .cache import Cache, CacheCorruptError, input_digest

__all__ = ["run", "expand_inputs", "Task", "Limiter"]

log = logging.getLogger("ocrframe.datasets.runner")

IMAGE_SUFFIXES = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".png",
        ".bmp",
        ".gif",
        ".tif",
        ".tiff",
        ".webp",
        ".pcx",
        ".ico",
        ".psd",
        ".pdf",
    }
)
MAX_RETRY_AFTER = 60.0
MAX_BACKOFF = 30.0


@dataclass(frozen=True)
class Task:
    """One call to make: a file, in-memory bytes or a URL, and the PDF page (1-based) if any."""

    source: str
    page: int | None = None
    path: str | None = None
    data: bytes | None = None
    url: str | None = None

    def payload(self) -> bytes | str:
        """The bytes to send (read from disk now), or the URL."""
        if self.url is not None:
            return self.url
        if self.data is not None:
            return self.data
        try:
            return Path(self.path).read_bytes()  # type: ignore[arg-type]
        except OSError as exc:
            raise InputError(f"cannot read input {self.source!r}: {exc}") from exc


# --- inputs ------------------------------------------------------------------------------------


def expand_inputs(inputs: Any) -> list[Task]:
    """Turn what a user passes into a list of :class:`Task` (one per image or PDF page).

    Accepts a path, a glob (``"scans/**/*.png"``), a folder (its images and PDFs, recursively),
    a URL (``http://``/``https://``), bytes, a pandas Series (or a one-column DataFrame), or a
    list of any of these. Duplicate (source, page) pairs are kept once.

    >>> [t.source for t in expand_inputs(["https://example.com/a.png", b"..."])]
    ['https://example.com/a.png', '<bytes 1>']
    """
    out: list[Task] = []
    seen: set[tuple[str, int | None]] = set()
    for i, item in enumerate(_flat_inputs(inputs)):
        for task in _tasks_for(item, i):
            if (task.source, task.page) not in seen:
                seen.add((task.source, task.page))
                out.append(task)
    return out


def _flat_inputs(inputs: Any) -> Iterable[Any]:
    if inputs is None:
        raise InputError("no inputs: pass paths, a glob, a folder, URLs, bytes or a column")
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        pd = None
    if pd is not None and isinstance(inputs, pd.DataFrame):
        if inputs.shape[1] != 1:
            raise InputError(
                f"a DataFrame with {inputs.shape[1]} columns was passed; pass one column, "
                "e.g. df['path']"
            )
        inputs = inputs.iloc[:, 0]
    if pd is not None and isinstance(inputs, pd.Series):
        return [v for v in inputs.tolist() if not (isinstance(v, float) and v != v)]
    if isinstance(inputs, (str, os.PathLike, bytes, bytearray, memoryview)):
        return [inputs]
    if isinstance(inputs, Iterable):
        return list(inputs)
    raise InputError(
        f"cannot use {type(inputs).__name__} as inputs; pass paths, a glob, a folder, URLs, "
        "bytes or a pandas column"
    )


def _tasks_for(item: Any, i: int) -> list[Task]:
    if isinstance(item, (bytes, bytearray, memoryview)):
        data = bytes(item)
        if not data:
            raise InputError(f"input {i} is empty bytes")
        return _pdf_tasks(f"<bytes {i}>", data=data) or [Task(f"<bytes {i}>", data=data)]
    if isinstance(item, str) and item.startswith(("http://", "https://")):
        return [Task(item, url=item)]
    if not isinstance(item, (str, os.PathLike)):
        raise InputError(
            f"input {i} is a {type(item).__name__}; each input must be a path, glob, folder, "
            "URL or bytes"
        )
    text = os.fspath(item)
    if isinstance(item, str) and any(c in text for c in "*?[") and not os.path.exists(text):
        paths = sorted(p for p in _glob.glob(text, recursive=True) if os.path.isfile(p))
        if not paths:
            raise InputError(f"the glob {text!r} matches no file")
        return [t for p in paths for t in _file_tasks(p)]
    path = Path(text)
    if path.is_dir():
        files = sorted(
            str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
        )
        if not files:
            raise InputError(f"the folder {text!r} holds no image or PDF file")
        return [t for p in files for t in _file_tasks(p)]
    if not path.is_file():
        raise InputError(f"no file, folder or glob match at {text!r}")
    return _file_tasks(text)


def _file_tasks(path: str) -> list[Task]:
    from ..inputs.pdf import is_pdf

    if path.lower().endswith(".pdf") or is_pdf(path):
        return _pdf_tasks(path, path=path)
    return [Task(path, path=path)]


def _pdf_tasks(source: str, *, path: str | None = None, data: bytes | None = None) -> list[Task]:
    from ..inputs.pdf import is_pdf, page_count

    if data is not None and not is_pdf(data):
        return []
    n = page_count(path if path is not None else data)  # type: ignore[arg-type]
    return [Task(source, page=p, path=path, data=data) for p in range(1, n + 1)]


# --- concurrency and rate control -------------------------------------------------------------


class Limiter:
    """Concurrency and request-rate limits that shrink on throttling and grow back (AIMD).

    ``acquire()`` blocks until a call may start; ``release(throttled=..., retry_after=...)``
    reports how it went. On throttling the concurrency limit and the rate are halved (at most
    once per ``cooldown`` seconds, so a burst of 429s counts once) and all calls pause for
    ``Retry-After``; each success adds ``1/limit`` to the concurrency limit and 5 % of the
    configured rate, up to the configured maxima.

    >>> lim = Limiter(workers=8, rate=None)
    >>> lim.acquire()
    True
    >>> lim.release(throttled=True); lim.limit
    4.0
    """

    def __init__(
        self,
        workers: int,
        rate: float | None,
        *,
        cooldown: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_workers = workers
        self.limit = float(workers)
        self.max_rate = rate
        self.rate = rate
        self.cooldown = cooldown
        self.inflight = 0
        self.throttled = 0
        self.stopped = False
        self._clock = clock
        self._sleep = sleep
        self._cond = threading.Condition()
        self._next_slot = 0.0
        self._pause_until = 0.0
        self._last_cut = -1e9

    def stop(self) -> None:
        """Make every waiting and future ``acquire()`` return False."""
        with self._cond:
            self.stopped = True
            self._cond.notify_all()

    def acquire(self) -> bool:
        """Wait for a free slot and the next rate slot; False once :meth:`stop` was called."""
        with self._cond:
            while True:
                if self.stopped:
                    return False
                wait = self._pause_until - self._clock()
                if wait <= 0 and self.inflight < max(1, int(self.limit)):
                    break
                self._cond.wait(timeout=min(max(wait, 0.0), 1.0) if wait > 0 else 1.0)
            self.inflight += 1
            delay = 0.0
            if self.rate:
                now = self._clock()
                slot = max(now, self._next_slot)
                self._next_slot = slot + 1.0 / self.rate
                delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return True

    def release(self, *, throttled: bool = False, retry_after: float | None = None) -> None:
        with self._cond:
            self.inflight -= 1
            now = self._clock()
            if throttled:
                self.throttled += 1
                if now - self._last_cut >= self.cooldown:
                    self._last_cut = now
                    self.limit = max(1.0, self.limit / 2)
                    if self.rate and self.max_rate:
                        self.rate = max(self.max_rate / 64, self.rate / 2)
                if retry_after:
                    self._pause_until = max(self._pause_until, now + min(retry_after, 60.0))
            else:
                self.limit = min(float(self.max_workers), self.limit + 1.0 / self.limit)
                if self.rate and self.max_rate:
                    self.rate = min(self.max_rate, self.rate + self.max_rate * 0.05)
            self._cond.notify_all()


# --- one item ----------------------------------------------------------------------------------


@dataclass
class _Outcome:
    index: int
    entry: Entry | None = None
    error: dict[str, Any] | None = None


def _classify(exc: BaseException) -> tuple[str, bool]:
    """(category, retryable) of a failed call."""
    if isinstance(exc, ApiError):
        return exc.category, exc.retryable
    if isinstance(exc, InputError):
        return "bad_input", False
    if isinstance(exc, ResponseFormatError):
        return "bad_response", True
    if isinstance(exc, OSError):  # requests.RequestException, dropped connections, timeouts
        return "network", True
    return "other", False


def _retry_after(exc: BaseException) -> float | None:
    value = getattr(exc, "retry_after", None)
    try:
        return min(float(value), MAX_RETRY_AFTER) if value is not None else None
    except (TypeError, ValueError):
        return None


class _Job:
    """Shared state of one run: the backend call with retries, caching and the limiter."""

    def __init__(self, backend, api, params, cache, limiter, retries, backoff, stop):
        self.backend = backend
        self.api = api
        self.params = params
        self.cache = cache
        self.limiter = limiter
        self.retries = retries
        self.backoff = backoff
        self.stop = stop

    def __call__(self, index: int, task: Task, key: str) -> _Outcome:
        attempts = 0
        while True:
            attempts += 1
            try:
                payload = task.payload()
            except InputError as exc:
                return self._failed(index, task, exc, attempts, "bad_input")
            if not self.limiter.acquire():
                return _Outcome(index)  # stopped (Ctrl-C): neither done nor failed
            try:
                resp = self._call(task, payload)
            except KeyboardInterrupt:
                self.limiter.release()
                raise
            except Exception as exc:  # noqa: BLE001 - every failure becomes an error row
                category, retryable = _classify(exc)
                throttled = category == "throttling"
                self.limiter.release(throttled=throttled, retry_after=_retry_after(exc))
                tries = attempts + max(0, (getattr(exc, "attempts", None) or 1) - 1)
                if not retryable or attempts > self.retries or self.stop.is_set():
                    return self._failed(index, task, exc, tries, category)
                delay = self._delay(attempts, exc)
                log.debug("retry %s page %s after %s (%.2fs)", task.source, task.page, exc, delay)
                if delay > 0:
                    time.sleep(delay)
                continue
            self.limiter.release()
            return self._store(index, task, key, resp)

    def _call(self, task: Task, payload: bytes | str) -> Response:
        if task.url is not None:
            resp = self.backend.call(self.api, url=payload, page=task.page, **self.params)
        else:
            resp = self.backend.call(self.api, payload, page=task.page, **self.params)
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

    def _delay(self, attempt: int, exc: BaseException) -> float:
        base = min(MAX_BACKOFF, self.backoff * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
        return max(base, _retry_after(exc) or 0.0)

    def _store(self, index: int, task: Task, key: str, resp: Response) -> _Outcome:
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
            return _Outcome(index, entry=Entry(task.source, task.page, self.api, response=r))
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
        return _Outcome(index, entry=Entry(task.source, task.page, self.api, path=str(path)))

    def _failed(self, index, task, exc, attempts, category) -> _Outcome:
        return _Outcome(
            index,
            error={
                "source": task.source,
                "page": task.page,
                "api": self.api,
                "error_code": getattr(exc, "code", None) or type(exc).__name__,
                "status": getattr(exc, "status", None),
                "message": str(exc),
                "attempts": attempts,
                "category": category,
            },
        )


def _jsonable(meta: dict[str, Any]) -> dict[str, Any]:
    import json

    try:
        json.dumps(meta)
        return meta
    except (TypeError, ValueError):
        return {
            k: v if isinstance(v, (str, int, float, bool, type(None))) else str(v)
            for k, v in meta.items()
        }


# --- the run -----------------------------------------------------------------------------------


def run(
    backend: Any,
    api: str,
    inputs: Any,
    *,
    workers: int = 8,
    rate: float | None = None,
    cache: str | os.PathLike[str] | Cache | None = None,
    progress: bool = True,
    retries: int = 4,
    backoff: float = 0.5,
    **params: Any,
) -> Batch:
    """Call ``api`` on every input concurrently and return a :class:`~ocrframe.Batch`.

    Parameters
    ----------
    backend : Client, LocalEngine or any object with ``call(api, image, *, url, page, **params)``
    api : str
        API slug or name, e.g. ``"general-text"``.
    inputs : path, glob, folder, URL, bytes, pandas Series/column, or a list of these
        A PDF becomes one item per page.
    workers : int
        Maximum concurrent calls (threads).
    rate : float, optional
        Maximum requests per second over all workers.
    cache : str or path, optional
        Directory of the on-disk cache. Items whose response is there are not called again;
        each new response is written there atomically as soon as it arrives. Without a cache,
        responses stay in memory and nothing survives a crash.
    progress : bool
        Show a tqdm progress bar (notebook-aware) with throughput and ETA.
    retries : int
        Retries per item for throttling, server errors, dropped connections and truncated
        bodies. Bad input and auth errors are not retried.
    backoff : float
        Base of the exponential backoff in seconds (``backoff * 2**(n-1)``, jittered, capped
        at 30 s); ``Retry-After`` wins when longer.
    **params
        Request parameters of the API (``detect_direction=True``...); part of the cache key.

    Returns
    -------
    Batch
        The responses in input order; failures in ``batch.errors``, corrupt cache files that
        were fetched again in ``batch.repaired``. Identical inputs (same bytes, page and
        parameters) are called once and each keeps its own ``source``.

    Raises
    ------
    InputError
        Before any call, when the API, an input or an option is invalid.
    KeyboardInterrupt
        On Ctrl-C, after in-flight calls have finished and been cached.

    Examples
    --------
    >>> batch = run(client, "general-text", "scans/", workers=16, rate=10,
    ...             cache="ocr-cache")  # doctest: +SKIP
    >>> batch.words().groupby("source")["confidence"].mean()  # doctest: +SKIP
    """
    slug = get_api(api).slug
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"workers must be a positive integer, got {workers!r}")
    if rate is not None and (isinstance(rate, bool) or not rate > 0):
        raise InputError(f"rate must be a positive number of requests per second, got {rate!r}")
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise InputError(f"retries must be a non-negative integer, got {retries!r}")
    if not callable(getattr(backend, "call", None)):
        raise InputError(
            f"backend {type(backend).__name__} has no call(api, image, ...) method; pass a "
            "Client, a LocalEngine or the emulator's client"
        )
    if cache is not None and not isinstance(cache, Cache):
        cache = Cache(cache)
    Cache.key(slug, params, b"")  # validates that params are JSON values
    tasks = expand_inputs(inputs)

    entries: list[Entry | None] = [None] * len(tasks)
    errors: list[dict[str, Any]] = []
    repaired: list[str] = []
    todo: list[tuple[int, Task, str]] = []
    for i, task in enumerate(tasks):
        key = _key(slug, params, task)
        if cache is not None:
            path = _cached(cache, key, slug, repaired)
            if path is not None:
                entries[i] = Entry(task.source, task.page, slug, path=str(path))
                continue
        todo.append((i, task, key))
    todo, copies = _unique(todo)

    limiter = Limiter(workers, rate)
    stop = threading.Event()
    job = _Job(backend, slug, params, cache, limiter, retries, backoff, stop)
    bar = _progress(progress, len(tasks), len(tasks) - len(todo) - len(copies), slug)
    try:
        _drive(job, todo, workers, entries, errors, bar, stop)
    finally:
        _share(copies, tasks, entries, errors)
        bar.update(len(copies))
        bar.close()
    return Batch(
        [e for e in entries if e is not None], errors=errors_frame(errors), repaired=repaired
    )


def _unique(
    todo: list[tuple[int, Task, str]],
) -> tuple[list[tuple[int, Task, str]], list[tuple[int, int]]]:
    """Items with the same cache key (identical bytes, page and parameters) are called once:
    the first one, and ``(copy index, first index)`` pairs get its answer afterwards."""
    first: dict[str, int] = {}
    unique, copies = [], []
    for i, task, key in todo:
        if key in first:
            copies.append((i, first[key]))
        else:
            first[key] = i
            unique.append((i, task, key))
    return unique, copies


def _share(
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


def _key(api: str, params: dict[str, Any], task: Task) -> str:
    payload = task.payload()
    return Cache.key(api, params, input_digest(payload), task.page)


def _cached(cache: Cache, key: str, api: str, repaired: list[str]) -> Path | None:
    try:
        return cache.verify(key, api)
    except (CacheCorruptError, OSError) as exc:
        warnings.warn(f"{exc}; fetching it again", RuntimeWarning, stacklevel=3)
        repaired.append(str(cache.path(key, api)))
        cache.discard(key, api)
        return None


def _progress(enabled: bool, total: int, done: int, api: str):
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        initial=done,
        desc=api,
        unit="item",
        disable=not enabled,
        dynamic_ncols=True,
        smoothing=0.1,
    )


def _drive(job, todo, workers, entries, errors, bar, stop) -> None:
    """Submit at most ``2 * workers`` items at a time; collect outcomes; stop on Ctrl-C."""
    queue = iter(todo)
    pending: set[Future[_Outcome]] = set()
    failed = 0
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocrframe") as pool:
        try:
            while True:
                while not stop.is_set() and len(pending) < 2 * workers:
                    nxt = next(queue, None)
                    if nxt is None:
                        break
                    pending.add(pool.submit(job, *nxt))
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    failed += _collect(fut.result(), entries, errors)
                    bar.update(1)
                if failed:
                    bar.set_postfix(failed=failed, limit=int(job.limiter.limit), refresh=False)
        except BaseException:
            # Ctrl-C (or a backend raising KeyboardInterrupt): submit nothing more, drop queued
            # items, let running calls finish so their responses are cached, then re-raise.
            stop.set()
            job.limiter.stop()
            for fut in pending:
                fut.cancel()
            for fut in pending:
                if not fut.cancelled():
                    try:
                        _collect(fut.result(), entries, errors)
                    except BaseException:  # noqa: BLE001 - the first interrupt wins
                        pass
            raise


def _collect(outcome: _Outcome, entries: list[Entry | None], errors: list[dict]) -> int:
    if outcome.entry is not None:
        entries[outcome.index] = outcome.entry
        return 0
    if outcome.error is None:  # cancelled by Ctrl-C
        return 0
    errors.append(outcome.error)
    return 1


class RunsBatches:
    """Gives a backend (``Client``, ``LocalEngine``) a ``run`` method: many calls, one Batch."""

    def run(self, api: str, inputs: Any, **options: Any) -> Batch:
        """Call ``api`` on every input concurrently, with a cache, resuming after a crash.

        Same as :func:`ocrframe.runner.run` with this backend: ``workers=8``, ``rate=None``
        (requests per second), ``cache=DIR``, ``progress=True``, ``retries=4`` and the API's
        request parameters as keywords. Failures land in ``batch.errors``.

        Examples
        --------
        >>> batch = client.run("general-text", "scans/", cache="cache/", workers=8, rate=5)
        ... # doctest: +SKIP
        >>> batch.words()  # doctest: +SKIP
        """
        return run(self, api, inputs, **options)
