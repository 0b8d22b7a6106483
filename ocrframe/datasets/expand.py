"""What the batch runner calls: a user's inputs expanded into one :class:`Task` per image or
page of a PDF or multi-page image (TIFF).

A file that cannot be expanded (a corrupt or encrypted PDF, a damaged TIFF) becomes a task
that carries its problem, so it ends as one error row naming the file while the other items
run.

A URL task is named by :func:`~ocrframe.inputs.urls.url_label` (password and signature
hidden) and keyed by :func:`~ocrframe.inputs.urls.url_identity`, so the same object signed
again is the same item; the full URL is only sent.

>>> [t.source for t in expand_inputs(["https://example.com/a.png", b"..."])]
['https://example.com/a.png', '<bytes 1>']
>>> [t.source for t in expand_inputs(["https://b.example.com/a.png?Expires=1&Signature=s1",
...                                    "https://b.example.com/a.png?Expires=2&Signature=s2"])]
['https://b.example.com/a.png?Expires=1&Signature=****']
"""

from __future__ import annotations

import glob as _glob
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..arguments import check_path
from ..errors import InputError
from ..inputs.formats import INPUT_SUFFIXES, files_in
from ..inputs.urls import shown_input, url_identity, url_label
from .cache import Cache, input_digest

__all__ = ["Task", "expand_inputs", "task_key", "engine_identity"]


@dataclass(frozen=True)
class Task:
    """One call to make: a file, in-memory bytes or a URL, and the page (1-based) of a PDF or
    multi-page image if any.

    ``source`` names it in frames and messages (a URL's label); ``url`` is the full URL to
    send, kept out of the repr. ``problem`` is set when the input is known to be unusable (it
    becomes an error row).
    """

    source: str
    page: int | None = None
    path: str | None = None
    data: bytes | None = None
    url: str | None = field(default=None, repr=False)
    problem: str | None = None

    @property
    def identity(self) -> str:
        """What makes two tasks the same input (with the page): the path or name, or the
        URL's :func:`~ocrframe.inputs.urls.url_identity`."""
        return self.source if self.url is None else url_identity(self.url)

    def payload(self) -> bytes | str:
        """The bytes to send (read from disk now), or the URL."""
        if self.problem is not None:
            raise InputError(self.problem)
        if self.url is not None:
            return self.url
        if self.data is not None:
            return self.data
        try:
            return Path(self.path).read_bytes()  # type: ignore[arg-type]
        except OSError as exc:
            raise InputError(f"cannot read input {self.source!r}: {exc.strerror}") from None


def task_key(api: str, params: dict[str, Any], task: Task, engine: str | None = None) -> str:
    """The cache key of a task: API, parameters, the input's digest (a URL's identity), its
    page, and the engine answering when it is not the cloud (see :func:`engine_identity`)."""
    try:
        payload: bytes | str = task.identity if task.url is not None else task.payload()
    except InputError as exc:  # unreadable: a key of its own, never found in a cache
        payload = f"<unreadable {task.source}: {exc}>"
    return Cache.key(api, params, input_digest(payload), task.page, engine)


def engine_identity(backend: Any) -> str | None:
    """What a cache key says of the engine answering: ``cache_identity`` of a backend (a
    ``LocalEngine``: its engine and options), or of the backend a factory builds (the class or
    a ``functools.partial`` of it, read without building it); None for the cloud.

    >>> import functools
    >>> from ocrframe import LocalEngine
    >>> engine_identity(functools.partial(LocalEngine, split_gap=None)) == (
    ...     LocalEngine(split_gap=None).cache_identity)
    True
    """
    known = getattr(backend, "cache_identity", None)
    if isinstance(known, str):
        return known
    make = getattr(backend, "func", backend)  # a functools.partial, or the class itself
    identity_for = getattr(make, "identity_for", None)
    if isinstance(make, type) and callable(identity_for):
        return identity_for(
            *getattr(backend, "args", ()), **(getattr(backend, "keywords", None) or {})
        )
    return None


def expand_inputs(inputs: Any) -> list[Task]:
    """Turn what a user passes into a list of :class:`Task` (one per image, PDF page or page
    of a multi-page image).

    Accepts a path, a glob (``"scans/**/*.png"``), a folder (its images and PDFs, recursively),
    a URL (``http://``/``https://``), bytes, a pandas Series (or a one-column DataFrame), or a
    list of any of these. Duplicate (source, page) pairs are kept once, and so are URLs of
    the same object signed more than once (same :attr:`Task.identity`).

    >>> len(expand_inputs(["https://example.com/a.png"] * 2))
    1
    """
    out: list[Task] = []
    seen: set[tuple[str, int | None]] = set()
    for i, item in enumerate(_flat_inputs(inputs)):
        for task in _tasks_for(item, i):
            if (task.identity, task.page) not in seen:
                seen.add((task.identity, task.page))
                out.append(task)
    return out


def _flat_inputs(inputs: Any) -> Iterable[Any]:
    if inputs is None:
        raise InputError("no inputs: pass paths, a glob, a folder, URLs, bytes or a column")
    import pandas as pd

    if isinstance(inputs, pd.DataFrame):
        if inputs.shape[1] != 1:
            raise InputError(
                f"a DataFrame with {inputs.shape[1]} columns was passed; pass one column, "
                "e.g. df['path']"
            )
        inputs = inputs.iloc[:, 0]
    if isinstance(inputs, pd.Series):
        return [v for v in inputs.tolist() if not (isinstance(v, float) and v != v)]
    if isinstance(inputs, str | os.PathLike | bytes | bytearray | memoryview):
        return [inputs]
    if isinstance(inputs, Iterable):
        return list(inputs)
    raise InputError(
        f"cannot use {type(inputs).__name__} as inputs; pass paths, a glob, a folder, URLs, "
        "bytes or a pandas column"
    )


def _tasks_for(item: Any, i: int) -> list[Task]:
    if isinstance(item, bytes | bytearray | memoryview):
        data = bytes(item)
        if not data:
            raise InputError(f"input {i} is empty bytes")
        return _pdf_tasks(f"<bytes {i}>", data=data) or _frame_tasks(f"<bytes {i}>", data=data)
    if isinstance(item, str) and item.startswith(("http://", "https://")):
        return [Task(url_label(item), url=item)]
    if not isinstance(item, str | os.PathLike):
        raise InputError(
            f"input {i} is a {type(item).__name__}; each input must be a path, glob, folder, "
            "URL or bytes"
        )
    text = os.fsdecode(os.fspath(item))
    check_path(f"input {i}", text)  # a NUL byte or a name too long for any file system
    if isinstance(item, str) and any(c in text for c in "*?[") and not os.path.exists(text):
        paths = sorted(p for p in _glob.glob(text, recursive=True) if os.path.isfile(p))
        if not paths:
            raise InputError(f"the glob {shown_input(text)!r} matches no file")
        return [t for p in paths for t in _file_tasks(p)]
    if os.path.isdir(text):
        files = files_in(Path(text), INPUT_SUFFIXES)
        if not files:
            raise InputError(f"the folder {shown_input(text)!r} holds no image or PDF file")
        return [t for p in files for t in _file_tasks(p)]
    if os.path.exists(text) and not os.path.isfile(text):
        raise InputError(f"{shown_input(text)!r} is not a regular file (a FIFO, socket or device)")
    if not os.path.isfile(text):
        raise InputError(f"no file, folder or glob match at {shown_input(text)!r}")
    return _file_tasks(text)


def _file_tasks(path: str) -> list[Task]:
    """A PDF or a multi-page image (by content, not by name) gives one task per page; anything
    else one task."""
    from ..inputs.pdf import is_pdf

    if is_pdf(path):
        return _pdf_tasks(path, path=path)
    return _frame_tasks(path, path=path)


def _frame_tasks(source: str, *, path: str | None = None, data: bytes | None = None) -> list[Task]:
    """One task per page of a multi-page image (TIFF), with ``page`` set as for a PDF's pages;
    one task without a page for any other image."""
    from ..inputs.pages import page_frames

    try:
        n = page_frames(path if path is not None else data, source)  # type: ignore[arg-type]
    except InputError as exc:  # damaged, or too many pages: one error row for the file
        return [Task(source, path=path, data=data, problem=str(exc))]
    except OSError:  # unreadable now: the call reports it, as for any file
        return [Task(source, path=path, data=data)]
    if n == 1:
        return [Task(source, path=path, data=data)]
    return [Task(source, page=p, path=path, data=data) for p in range(1, n + 1)]


def _pdf_tasks(source: str, *, path: str | None = None, data: bytes | None = None) -> list[Task]:
    from ..inputs.pdf import is_pdf, page_count

    if data is not None and not is_pdf(data):
        return []
    try:
        n = page_count(path if path is not None else data)  # type: ignore[arg-type]
    except InputError as exc:  # corrupt or encrypted: one error row for the file
        return [Task(source, path=path, data=data, problem=f"{source}: {exc}")]
    return [Task(source, page=p, path=path, data=data) for p in range(1, n + 1)]
