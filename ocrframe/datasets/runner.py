"""Run one API over many inputs: a worker pool, a rate limit, a cache and progress.

``run(backend, api, inputs)`` works with any backend that answers
``backend.call(api, image=None, *, url=None, page=None, **params) -> Response`` (the cloud
``Client``, the embedded ``LocalEngine``, the emulator's client). It

- expands the inputs (:mod:`ocrframe.datasets.expand`: paths, a glob, a folder, a pandas
  column, URLs, bytes; a PDF becomes one item per page);
- skips items whose response is already in the cache (``cache=DIR``), so a rerun after a crash
  or Ctrl-C repeats no finished call; a corrupt cache file is reported and fetched again;
- calls the backend from ``workers`` threads, at most ``rate`` requests per second
  (:class:`~ocrframe.datasets.limiter.Limiter`: on throttling it halves the concurrency and the
  rate and grows them back one step per success);
- repeats failed calls only as the run's :class:`~ocrframe.RetryPolicy` says (it never retries
  by itself): a failing item sends at most ``retries + 1`` requests;
- collects failures as rows of ``Batch.errors`` instead of stopping the run.

>>> from ocrframe.datasets.runner import run
>>> batch = run(client, "general-text", "scans/*.png", cache="ocr-cache")  # doctest: +SKIP
>>> batch.words()  # doctest: +SKIP
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from ..arguments import check_flag, check_number
from ..catalog import get_api
from ..cloud.transport import RetryPolicy
from ..errors import InputError
from .batch import Batch, Entry, errors_frame
from .cache import Cache
from .expand import Task, engine_identity, expand_inputs, task_key
from .job import ItemJob, Outcome, cached_path, resolve_policy, share_copies, unique_items
from .limiter import Limiter

__all__ = ["run", "RUN_OPTIONS"]

# The keywords of run() that are not request parameters of the API.
RUN_OPTIONS = ("workers", "rate", "cache", "progress", "retries", "backoff")


def run(
    backend: Any,
    api: str,
    inputs: Any,
    *,
    workers: int = 8,
    rate: float | None = None,
    cache: str | os.PathLike[str] | Cache | None = None,
    progress: bool = True,
    retries: int | RetryPolicy | None = None,
    backoff: float | None = None,
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
    retries : int or RetryPolicy, optional
        How failed calls are repeated: a number of retries or a :class:`~ocrframe.RetryPolicy`;
        by default the backend's own policy (``Client(retries=...)``), else 4. Throttling,
        server errors and dropped connections get up to ``retries``; truncated or non-JSON
        answers (billed by the service) one; bad input and auth errors none. An item sends at
        most ``retries + 1`` requests and ``batch.errors.attempts`` says how many it sent.
    backoff : float, optional
        Replaces the policy's backoff factor in seconds (retry ``n`` waits up to
        ``backoff * 2**(n-1)``, jittered, capped); ``Retry-After`` wins when longer.
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
    check_number("workers", workers, low=1, integer=True)
    if rate is not None:
        check_number("rate (requests per second)", rate, low=0, above=True)
    check_flag("progress", progress)
    policy = resolve_policy(backend, retries, backoff)
    if not callable(getattr(backend, "call", None)):
        raise InputError(
            f"backend {type(backend).__name__} has no call(api, image, ...) method; pass a "
            "Client, a LocalEngine or the emulator's client"
        )
    check = getattr(backend, "check_params", None)
    if callable(check):  # a mistyped option fails here, once, not once per item
        try:
            check(slug, params)
        except InputError as exc:
            raise InputError(f"{exc}. Options of run(): {', '.join(RUN_OPTIONS)}") from None
    if cache is not None and not isinstance(cache, Cache):
        cache = Cache(cache)
    Cache.key(slug, params, b"")  # validates that params are JSON values
    tasks = expand_inputs(inputs)
    engine = engine_identity(backend)

    entries: list[Entry | None] = [None] * len(tasks)
    errors: list[dict[str, Any]] = []
    repaired: list[str] = []
    todo: list[tuple[int, Task, str]] = []
    for i, task in enumerate(tasks):
        key = task_key(slug, params, task, engine)
        if cache is not None:
            path = cached_path(cache, key, slug, repaired)
            if path is not None:
                entries[i] = Entry(task.source, task.page, slug, path=str(path))
                continue
        todo.append((i, task, key))
    todo, copies = unique_items(todo)
    if todo and cache is not None:
        cache.check_writable()  # before anything is sent (and billed)

    limiter = Limiter(workers, rate)
    stop = threading.Event()
    job = ItemJob(backend, slug, params, cache, limiter, policy)
    bar = _progress(progress, len(tasks), len(tasks) - len(todo) - len(copies), slug)
    try:
        _drive(job, todo, workers, entries, errors, bar, stop)
    finally:
        share_copies(copies, tasks, entries, errors)
        bar.update(len(copies))
        bar.close()
    return Batch(
        [e for e in entries if e is not None], errors=errors_frame(errors), repaired=repaired
    )


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
    pending: set[Future[Outcome]] = set()
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


def _collect(outcome: Outcome, entries: list[Entry | None], errors: list[dict]) -> int:
    if outcome.entry is not None:
        entries[outcome.index] = outcome.entry
        return 0
    if outcome.error is None:  # cancelled by Ctrl-C
        return 0
    errors.append(outcome.error)
    return 1
