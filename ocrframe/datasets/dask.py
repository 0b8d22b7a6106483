"""Scale-out on a Dask cluster: OCR calls mapped over partitions, audits of cached responses.

Needs the ``dask`` extra: ``pip install "ocrframe[dask]"``.

- :func:`run_dask` runs what :func:`ocrframe.runner.run` runs, over the cluster's workers:
  the inputs are split into partitions, each partition calls the backend item by item with
  the runner's retries, and every response lands in the same on-disk cache (same keys, same
  files), so ``run`` / ``read_responses`` / ``run_dask`` can take over from one another.
  The rate limit is **global**: one token bucket shared by every worker, held in the
  scheduler as a ``distributed.Variable`` (the next free request slot, a wall-clock
  timestamp) guarded by a ``distributed.Lock``. A worker takes a slot under the lock, moves
  the variable on by ``1 / rate`` and sleeps until its slot. A throttled call (429,
  ModelArts.4401) pushes the shared slot forward by its ``Retry-After`` so all workers pause.
- :func:`read_responses_dask` turns a cache folder (or glob of saved responses) into a lazy
  ``dask.dataframe`` of one flattened frame, files grouped into partitions.
- :func:`audit_dask` audits such a frame: each partition is reduced on its worker to a small
  mergeable summary (counts, sums, a confidence histogram), combined on the client.

On a real cluster: the cache folder and the input files must be on storage every worker sees
at the same path (NFS, a mounted bucket); the backend factory must be importable on the
workers (a top-level function, or ``functools.partial(Client.from_env)`` with the
credentials in the workers' environment, never in the task graph); the workers' clocks
must be NTP-synchronised for the shared rate limit.

>>> from functools import partial
>>> from ocrframe.cloud.client import Client
>>> batch = run_dask(partial(Client.from_env), "general-text", "s3mount/scans/",
...                  rate=20, cache="/shared/ocr-cache")  # doctest: +SKIP
>>> ddf = read_responses_dask("/shared/ocr-cache", frame="words")  # doctest: +SKIP
>>> audit_dask(ddf, by="document")  # doctest: +SKIP
"""

from __future__ import annotations

import glob as _glob
import os
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from ..arguments import check_flag, check_number, check_path
from ..cloud.redact import SECRET_KEYWORDS
from ..errors import InputError, MissingDependencyError
from ..inputs.formats import RESULT_SUFFIXES, result_files
from ..inputs.urls import shown_input

__all__ = ["run_dask", "read_responses_dask", "audit_dask", "GlobalRateLimiter"]

_INSTALL = 'pip install "ocrframe[dask]"'


def _require(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"ocrframe.dask needs {module.split('.')[0]!r}, which is not installed. "
            f"Install it with: {_INSTALL}"
        ) from exc


# ---------------------------------------------------------------- global rate limit


class GlobalRateLimiter:
    """A request-rate limit shared by all workers of a Dask cluster.

    Implements the runner's limiter interface (``acquire()`` / ``release(throttled=,
    retry_after=)``). State: a ``distributed.Variable`` holding the next free slot
    (``time.time()`` seconds) and a ``distributed.Lock`` around read-and-advance. Picklable:
    only the names travel; each worker reconnects to the same scheduler objects.

    Parameters
    ----------
    rate : float or None
        Requests per second over the whole cluster; None means no limit (acquire returns at
        once, but throttling still pauses everyone).
    name : str, optional
        Name of the shared objects; a fresh one per run by default.
    """

    def __init__(self, rate: float | None, name: str | None = None) -> None:
        if rate is not None:
            check_number("rate (requests per second)", rate, low=0, above=True)
        self.rate = None if rate is None else float(rate)
        self.name = name or f"ocrframe-rate-{uuid.uuid4().hex[:12]}"
        self.throttled = 0
        self.limit = 1.0  # concurrency within one partition: items run one after another

    def __repr__(self) -> str:
        return f"GlobalRateLimiter(rate={self.rate}, name={self.name!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"rate": self.rate, "name": self.name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["rate"], state["name"])

    def _objects(self) -> tuple[Any, Any]:
        distributed = _require("distributed")
        return distributed.Lock(self.name + "-lock"), distributed.Variable(self.name + "-next")

    def _advance(self, step: float, floor: float) -> float:
        """Under the lock: slot = max(floor, shared); shared = slot + step; return slot."""
        lock, var = self._objects()
        with lock:
            slot = max(floor, float(var.get()))
            var.set(slot + step)
        return slot

    def start(self, client: Any) -> GlobalRateLimiter:
        """Create the shared slot on the scheduler (call once, from the client)."""
        distributed = _require("distributed")
        distributed.Variable(self.name + "-next", client=client).set(0.0)
        return self

    def acquire(self) -> bool:
        """Block until this worker may send one request; True (the runner's "go on")."""
        now = time.time()
        if self.rate is None:
            slot = self._advance(0.0, now)
        else:
            slot = self._advance(1.0 / self.rate, now)
        if slot > now:
            time.sleep(slot - now)
        return True

    def release(self, *, throttled: bool = False, retry_after: float | None = None) -> None:
        """Report a finished call; a throttled one pauses every worker."""
        if throttled:
            self.throttled += 1
            pause = min(retry_after or 1.0, 60.0)
            self._advance(0.0, time.time() + pause)


# ---------------------------------------------------------------- run


def _run_partition(
    factory: Callable[[], Any],
    api: str,
    params: dict[str, Any],
    cache_dir: str,
    limiter: GlobalRateLimiter,
    retries: Any,
    backoff: float | None,
    items: list[tuple[int, Any, str]],
) -> list[Any]:
    """On a worker: call the backend for each (index, task, key), cache, return outcomes."""
    from .cache import Cache
    from .job import ItemJob, resolve_policy

    backend = factory()
    policy = resolve_policy(backend, retries, backoff)
    job = ItemJob(backend, api, params, Cache(cache_dir), limiter, policy)
    try:
        return [job(i, task, key) for i, task, key in items]
    finally:
        close = getattr(backend, "close", None)
        if callable(close):
            close()


def run_dask(
    backend_factory: Callable[[], Any],
    api: str,
    inputs: Any,
    *,
    client: Any = None,
    rate: float | None = None,
    cache: str | os.PathLike[str],
    partitions: int | None = None,
    retries: Any = None,
    backoff: float | None = None,
    progress: bool = True,
    **params: Any,
) -> Any:
    """Run ``api`` over ``inputs`` on a Dask cluster; return a :class:`~ocrframe.Batch`.

    Parameters
    ----------
    backend_factory : callable
        Called once per partition on the worker to build the backend (``Client``,
        ``LocalEngine``, ...). Must be picklable; keep credentials out of it (read them from
        the workers' environment, e.g. ``functools.partial(Client.from_env)``).
    api : str
        API slug or name.
    inputs : paths, glob, folder, URLs, bytes or a pandas column
        As for :func:`ocrframe.runner.run`; a PDF becomes one item per page. Paths must be
        readable by the workers at the same location.
    client : distributed.Client, optional
        Default: the current client (``distributed.get_client()``).
    rate : float, optional
        Requests per second over the whole cluster (see :class:`GlobalRateLimiter`).
    cache : str or path
        Cache folder shared by client and workers; finished items are never called again.
    partitions : int, optional
        Number of partitions; default ``4 *`` the cluster's worker threads (at most one per
        item). Items of a partition run one after another.
    retries, backoff : see :func:`ocrframe.datasets.runner.run` (by default the backend's own
        policy, resolved on the worker).
    progress : bool
        A tqdm bar over the finished partitions.
    **params
        Request parameters (part of the cache key).

    Returns
    -------
    Batch
        Responses (read from the cache) in input order; failures in ``.errors``. Identical
        inputs (same bytes, page and parameters) are sent once, as by ``run``, and each keeps
        its own ``source``.

    Examples
    --------
    >>> from distributed import Client as DaskClient, LocalCluster
    >>> with LocalCluster(n_workers=2) as cluster, DaskClient(cluster) as dc:  # doctest: +SKIP
    ...     batch = run_dask(make_backend, "general-text", "scans/", rate=10,
    ...                      cache="ocr-cache", client=dc)
    """
    distributed = _require("distributed")
    from ..catalog import get_api
    from .batch import Batch, Entry, errors_frame
    from .cache import Cache
    from .expand import engine_identity, expand_inputs, task_key
    from .job import cached_path, resolve_policy, share_copies, unique_items

    slug = get_api(api).slug
    if not callable(backend_factory):
        raise InputError(
            "backend_factory must be a callable that builds the backend on a worker, e.g. "
            "functools.partial(Client.from_env) or a top-level function; got "
            f"{type(backend_factory).__name__}"
        )
    carried = sorted(SECRET_KEYWORDS & set(getattr(backend_factory, "keywords", None) or ()))
    if carried:  # a functools.partial holding the secret would put it in every task
        raise InputError(
            f"backend_factory carries {', '.join(carried)}=: Dask would ship it to every worker "
            "in the task graph (and may spill it to disk); set the credentials in the workers' "
            "environment and pass functools.partial(Client.from_env, endpoint=...)"
        )
    if cache is None:
        raise InputError("run_dask needs cache=DIR, a folder every worker can write to")
    if partitions is not None:
        check_number("partitions", partitions, low=1, integer=True)
    check_flag("progress", progress)
    limiter = GlobalRateLimiter(rate)
    resolve_policy(None, retries, backoff)  # validates them before anything is sent
    store = Cache(cache)
    Cache.key(slug, params, b"")  # validates params before anything is sent
    tasks = expand_inputs(inputs)
    engine = engine_identity(backend_factory)
    if client is None:
        try:
            client = distributed.get_client()
        except ValueError:  # "No global client found and no address provided"
            raise InputError(
                "run_dask found no Dask client: pass client=distributed.Client(...) or create "
                "one first (distributed.Client(LocalCluster()) to try it)"
            ) from None
    limiter.start(client)

    entries: list[Any] = [None] * len(tasks)
    repaired: list[str] = []
    todo = []
    for i, task in enumerate(tasks):
        key = task_key(slug, params, task, engine)
        path = cached_path(store, key, slug, repaired)
        if path is not None:
            entries[i] = Entry(task.source, task.page, slug, path=str(path))
        else:
            todo.append((i, task, key))
    todo, copies = unique_items(todo)  # identical inputs: sent once, wherever they fall

    errors: list[dict[str, Any]] = []
    if todo:
        store.check_writable()  # before anything is sent (and billed)
        n = partitions or 4 * max(1, sum(client.nthreads().values()))
        n = min(n, len(todo))
        chunks = [todo[k::n] for k in range(n)]
        futures = client.map(
            _run_partition,
            [backend_factory] * n, [slug] * n, [params] * n, [str(store.root)] * n,
            [limiter] * n, [retries] * n, [backoff] * n, chunks,
            pure=False,
        )  # fmt: skip
        from tqdm.auto import tqdm

        with tqdm(total=len(tasks), initial=len(tasks) - len(todo) - len(copies),
                  desc=f"{slug} (dask)", unit="item", disable=not progress) as bar:  # fmt: skip
            for fut in distributed.as_completed(futures):
                outcomes = fut.result()
                for out in outcomes:
                    if out.entry is not None:
                        entries[out.index] = out.entry
                    elif out.error is not None:
                        errors.append(out.error)
                bar.update(len(outcomes))
            share_copies(copies, tasks, entries, errors)
            bar.update(len(copies))
    return Batch([e for e in entries if e is not None], errors=errors_frame(errors),
                 repaired=repaired)  # fmt: skip


# ---------------------------------------------------------------- read / audit


def _response_files(where: str | os.PathLike[str] | Sequence[str]) -> list[str]:
    if isinstance(where, str | os.PathLike):
        text = os.fsdecode(check_path("where", where))
        if os.path.isdir(text):
            files = result_files(text)
        elif os.path.isfile(text):
            files = [text]
        else:
            files = sorted(p for p in _glob.glob(text, recursive=True) if os.path.isfile(p))
    elif isinstance(where, Iterable):
        files = [os.fsdecode(check_path("where", p)) for p in where]
    else:
        raise InputError(
            f"where must be a folder, a glob or a list of paths, got {type(where).__name__}"
        )
    if not files:
        raise InputError(
            f"no saved response ({', '.join(sorted(RESULT_SUFFIXES))}) found at "
            + (
                repr(shown_input(os.fsdecode(where)))
                if isinstance(where, str | os.PathLike)
                else "the paths given"
            )
        )
    return files


def _read_frame(paths: list[str], frame: str) -> pd.DataFrame:
    from .batch import read_responses, with_vendor

    return with_vendor(getattr(read_responses(paths), frame)())


def read_responses_dask(
    where: str | os.PathLike[str] | Sequence[str],
    frame: str = "words",
    *,
    files_per_partition: int = 200,
) -> Any:
    """A lazy ``dask.dataframe`` of one flattened frame of saved responses.

    Parameters
    ----------
    where : folder, glob or list of paths
        A cache folder (all ``*.json`` below it), a glob, or paths of saved responses.
    frame : str
        Frame name as on :class:`~ocrframe.datasets.batch.Batch`: ``words``, ``chars``, ``cells``,
        ``kv``, ``fields``, ... (not ``document``, whose columns depend on every file).
    files_per_partition : int
        Response files per partition.

    Returns
    -------
    dask.dataframe.DataFrame
        The columns and dtypes of ``read_responses(where).<frame>()``, with ``vendor``
        (third; ``huawei`` for Huawei's rows) whatever the files hold: a partition cannot
        know whether another holds other engines' results. ``meta`` is the empty frame with
        the full schema. Nothing is read until computed.

    Examples
    --------
    >>> ddf = read_responses_dask("ocr-cache", frame="words")  # doctest: +SKIP
    >>> ddf.groupby("source")["confidence"].mean().compute()  # doctest: +SKIP
    """
    dd = _require("dask.dataframe")
    if not isinstance(frame, str):
        raise InputError(f"frame must be a frame name such as 'words', got {frame!r}")
    from .batch import check_frame_name

    check_frame_name(frame)  # "unknown frame 'x'; choose one of words, chars, ..."
    if frame == "document":  # its columns are the keys every file holds: no meta before all
        raise InputError(  # are read
            "frame 'document' has a column per key the files hold, so a lazy frame cannot "
            "know its columns; read it with read_responses(where).document() (a row per page)"
        )
    if isinstance(files_per_partition, bool) or not isinstance(files_per_partition, int) or (
            files_per_partition < 1):  # fmt: skip
        raise InputError(f"files_per_partition must be a positive integer, got "
                         f"{files_per_partition!r}")  # fmt: skip
    files = _response_files(where)
    meta = _read_frame([], frame)
    groups = [files[i : i + files_per_partition] for i in range(0, len(files), files_per_partition)]
    dask = _require("dask")
    # keep pandas' own string dtype (dask would convert str columns to its pyarrow strings)
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_map(_read_frame, groups, frame=frame, meta=meta, enforce_metadata=False)


def audit_dask(
    ddf: Any,
    threshold: float = 0.9,
    by: str | Sequence[str] | None = None,
    *,
    expected: Mapping[str, Iterable[str]] | Iterable[str] | None = None,
) -> pd.DataFrame:
    """:func:`ocrframe.audit.audit` of a ``dask.dataframe``, reduced partition by partition.

    Counts, means and shares are exact; quantiles are exact to 0.001 (confidence histogram).
    Returns a pandas DataFrame with the columns of ``audit``.

    Examples
    --------
    >>> audit_dask(read_responses_dask("ocr-cache"), by="api")  # doctest: +SKIP
    """
    dask = _require("dask")
    # names, not ``from . import audit``: ocrframe.audit is also the function's name
    from ..arguments import check_threshold
    from .audit import chunk_state, final_state, merge_states, resolve_by

    t = check_threshold(threshold)
    keys = resolve_by(ddf._meta, by)
    parts = [dask.delayed(chunk_state)(p, keys, t, expected) for p in ddf.to_delayed()]
    state = None
    for part in dask.compute(*parts):
        state = merge_states(state, part, keys)
    return final_state(state, keys, t)
