"""Many responses as one dataset: ``Batch`` and ``read_responses``.

A :class:`Batch` holds responses (in memory, or as files loaded lazily: a run's cache, saved
JSON) and the failures of the run that made it. Every flattener is a method returning ONE frame
whose first columns are ``source`` and ``api`` (and ``vendor``, the engine, when the batch
holds other engines' results: see :mod:`ocrframe.vendors`), followed by the flattener's own
columns (``page`` included). Files are streamed in chunks, so a batch of 100,000 cached
responses never holds all raw JSON at once; General Text word frames take a columnar fast path
(:mod:`ocrframe.flatten.arrow`).

>>> from ocrframe.datasets.batch import read_responses
>>> batch = read_responses("ocr-cache/")  # doctest: +SKIP
>>> batch.words().groupby("source")["confidence"].mean()  # doctest: +SKIP
"""

from __future__ import annotations

import glob as _glob
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import check_number, check_output
from ..errors import ApiError, InputError, OcrError
from ..files import Budget, Snapshot, read_bytes, read_tail
from ..flatten._schema import FRAMES, column_array
from ..inputs.formats import result_files
from ..inputs.params import show_value
from ..inputs.urls import shown_input
from ..parsing import HEADER_TAIL, SAVED_KEY, saved_header
from ..response import Response, read_response
from .chunking import CHUNK_BYTES, chunk_ranges
from .frame_parts import concat_frames, in_order, joinable, joined_in_order

__all__ = ["Batch", "Entry", "read_responses", "errors_frame", "ERROR_COLUMNS"]

FLATTENERS = FRAMES  # one method per frame: words, chars, cells, ... other
ERROR_COLUMNS: dict[str, str] = {
    "source": "str",
    "page": "Int64",
    "api": "str",
    "error_code": "str",
    "status": "Int64",
    "message": "str",
    "attempts": "int64",
    "category": "str",
}


@dataclass
class Entry:
    """One item of a batch: where it came from, and its response or the file holding it (and
    maybe its bytes, ``kept`` from reading its header: see :meth:`read`). ``labelled``:
    whether the file ends with a saved header (``parsing.saved_header``), None if not known;
    ``keyless``: the ``kept`` bytes hold no header key anywhere (so no reader looks again);
    ``listed``: how many bytes of the file the listing read (all of it, when smaller than
    ``HEADER_TAIL``), None when it read none."""

    source: str
    page: int | None
    api: str | None
    response: Response | None = None
    path: str | None = None
    kept: Snapshot | None = field(default=None, repr=False, compare=False)
    listed: int | None = field(default=None, repr=False, compare=False)
    labelled: bool | None = field(default=None, repr=False, compare=False)
    keyless: bool = field(default=False, repr=False, compare=False)

    def read(self, keep: bool = False) -> bytes:
        """The bytes of the entry's file: the ``kept`` ones while the file is unchanged, then
        let go (unless ``keep``), so that each is used once; else the file is read now."""
        kept, self.kept = self.kept, None
        if kept is not None and kept.fresh(self.path):  # type: ignore[arg-type]
            if keep:
                self.kept = kept
            return kept.data
        return read_bytes(self.path)  # type: ignore[arg-type]


def errors_frame(rows: Iterable[dict[str, Any]] = ()) -> pd.DataFrame:
    """Failures as a frame: source, page, api, error_code, status, message, attempts, category.

    >>> errors_frame([{"source": "a.png", "error_code": "AIS.0103", "attempts": 1}]).shape
    (1, 8)
    """
    rows = list(rows)
    cols = {}
    for col, dtype in ERROR_COLUMNS.items():
        values = [r.get(col) for r in rows]
        if dtype == "int64":
            values = [0 if v is None else int(v) for v in values]
        cols[col] = column_array(values, dtype, len(values))  # the frames' rules (surrogates)
    return pd.DataFrame(cols, index=pd.RangeIndex(len(rows)))


class Batch:
    """Responses of many inputs, their failures, and frames over all of them.

    Parameters
    ----------
    entries : iterable of Entry or Response
        The items in order.
    errors : DataFrame, optional
        Failures of the run (see :func:`errors_frame`).
    repaired : list of str, optional
        Cache files found corrupt and fetched again by the run.

    Examples
    --------
    >>> b = Batch([Response({"result": {"words_block_list": [{"words": "Hi"}]}},
    ...                     source="a.png")])
    >>> b.words()[["source", "api", "page", "text"]].values.tolist()
    [['a.png', 'general-text', 1, 'Hi']]
    """

    def __init__(
        self,
        entries: Iterable[Entry | Response] = (),
        *,
        errors: pd.DataFrame | None = None,
        repaired: Iterable[str] = (),
    ) -> None:
        if isinstance(entries, (str, bytes, dict)) or not isinstance(entries, Iterable):
            raise InputError(
                f"Batch takes a list of Responses, not {type(entries).__name__} (for files use "
                "read_responses)"
            )
        if isinstance(repaired, (str, bytes)) or not isinstance(repaired, Iterable):
            raise InputError(f"`repaired` must be a list of sources, not {type(repaired).__name__}")
        self._entries: list[Entry] = []
        for i, e in enumerate(entries):
            if isinstance(e, Response):
                e = Entry(
                    e.source if e.source is not None else f"<response {i}>",
                    e.page,
                    e.api,
                    response=e,
                )
            elif not isinstance(e, Entry):
                raise InputError(
                    f"batch item {i} is a {type(e).__name__}; pass Responses (or use "
                    "read_responses for files)"
                )
            self._entries.append(e)
        # None: no run's failures; the empty frame is made when asked for (~1 ms a batch).
        self._errors: pd.DataFrame | None = errors
        self._load_errors: dict[int, dict[str, Any]] = {}
        self.repaired: list[str] = list(repaired)
        # Other engines' results among the entries: known for responses, learnt for files as
        # they are walked (the columnar readers take Huawei's alone). Frames then say
        # ``vendor``, whichever path read the files holding their rows.
        self._mixed = any(e.response is not None and e.response.vendor != "huawei"
                          for e in self._entries)  # fmt: skip

    # --- container -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Batch({len(self)} responses, {len(self.errors)} errors)"

    def __iter__(self) -> Iterator[Response]:
        """Responses in order; unreadable files are warned about, skipped and listed in
        ``errors``."""
        for i in range(len(self._entries)):
            resp = self._try_load(i)
            if resp is not None:
                yield resp

    def __getitem__(self, key: int | str) -> Response | Batch:
        """``batch[i]`` is a Response; ``batch[source]`` the Response of that source, or a
        Batch of its pages when a PDF gave several."""
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            try:
                return self._load(self._entries[key])
            except IndexError:
                raise IndexError(
                    f"batch index {key} out of range for {len(self)} responses"
                ) from None
        if isinstance(key, str):
            hits = [e for e in self._entries if e.source == key]
            if not hits:
                raise KeyError(f"no response for source {key!r} in this batch; see .sources")
            return self._load(hits[0]) if len(hits) == 1 else Batch(hits)
        raise TypeError(f"index a Batch with an int or a source string, not {type(key).__name__}")

    @property
    def sources(self) -> list[str]:
        """Distinct sources in order."""
        return list(dict.fromkeys(e.source for e in self._entries))

    @property
    def entries(self) -> list[Entry]:
        return list(self._entries)

    @property
    def errors(self) -> pd.DataFrame:
        """Failures: of the run, plus files found unreadable while loading this batch."""
        if self._errors is None:
            self._errors = errors_frame()
        if not self._load_errors:
            return self._errors
        extra = errors_frame(self._load_errors[i] for i in sorted(self._load_errors))
        return pd.concat([self._errors, extra], ignore_index=True)

    # --- loading -------------------------------------------------------------------------------

    def _load(self, entry: Entry) -> Response:
        if entry.response is not None:
            return entry.response
        from .cache import load, split_cache_file

        data = entry.read()
        if split_cache_file(data) is not None:
            resp = load(entry.path, data=data)  # type: ignore[arg-type]
        else:
            resp = read_response(data, raise_errors=False)
        return Response(
            resp.raw,
            api=resp.api or entry.api,
            source=entry.source,
            request_id=resp.request_id,
            status=resp.status,
            page=entry.page if entry.page is not None else resp.page,
            meta=resp.meta,
            vendor=resp.vendor,
        )

    def _try_load(self, i: int) -> Response | None:
        entry = self._entries[i]
        try:
            return self._load(entry)
        except (OcrError, OSError) as exc:
            self._record(i, exc)
            return None

    def _record(self, i: int, exc: BaseException) -> None:
        entry = self._entries[i]
        where = f" ({entry.path})" if entry.path else ""
        if i not in self._load_errors:
            warnings.warn(f"skipping {entry.source}{where}: {exc}", RuntimeWarning, stacklevel=4)
        if isinstance(exc, ApiError):
            code, status, category = exc.code, exc.status, exc.category
        else:
            code, status, category = type(exc).__name__, None, "corrupt"
        self._load_errors[i] = {
            "source": entry.source,
            "page": entry.page,
            "api": entry.api,
            "error_code": code,
            "status": status,
            "message": str(exc),
            "attempts": 0,
            "category": category,
        }

    # --- frames --------------------------------------------------------------------------------

    def iter_frames(self, name: str, chunk: int | None = None) -> Iterator[pd.DataFrame]:
        """Frame ``name`` over the batch, ``chunk`` responses at a time (bounded memory);
        default: the chunks ``flatten`` reads, at most 2,000 responses and 32 MiB of files.

        Every chunk has the ``vendor`` column (``huawei`` for Huawei's rows), whatever the
        batch holds: a stream cannot know whether a later file comes from another engine, and
        its chunks share one schema, as a Parquet writer needs (``document`` aside: its
        columns are the keys each chunk's files hold).

        >>> for part in batch.iter_frames("words", chunk=1000):  # doctest: +SKIP
        ...     part.to_parquet(...)
        """
        check_frame_name(name)
        if chunk is not None:
            check_number("chunk", chunk, low=1, integer=True)
        for frame in self._chunks(name, self._chunk_ranges(chunk)):
            yield with_vendor(frame)

    def _chunks(self, name: str, ranges: Iterable[range]) -> Iterator[pd.DataFrame]:
        """The non-empty frames ``name`` of the entries of each of ``ranges``."""
        for idx in ranges:
            frame = self._chunk_frame(name, idx)
            if len(frame):
                yield frame

    def _chunk_ranges(self, size: int | None = None) -> list[range]:
        """The entries chunk by chunk (see :mod:`~ocrframe.datasets.chunking`)."""
        return chunk_ranges([e.listed for e in self._entries], size)

    def frame(self, name: str) -> pd.DataFrame:
        """One frame ``name`` (``"words"``, ``"cells"``...) over every response.

        >>> b = Batch([Response({"result": {"words_block_list": [{"words": "Hi"}]}}, source="a"),
        ...            Response({"result": {"words_block_list": [{"words": "Yo"}]}}, source="b")])
        >>> b.frame("words")[["source", "text"]].values.tolist()
        [['a', 'Hi'], ['b', 'Yo']]
        """
        check_frame_name(name)
        if name == "document":  # typed once over every chunk's rows, as flatten types it
            found = self._frames([name]).get(name)
            return found if found is not None else self._with_vendor(_empty_with_ids(name))
        parts = list(self._chunks(name, self._chunk_ranges()))  # read now: flatten's chunks
        if not parts:
            return self._with_vendor(_empty_with_ids(name))
        if len(parts) > 1 and joinable(parts):  # chunks in entry order: join column by
            parts = [joined_in_order(parts, np.arange(sum(map(len, parts))))]  # column, as is
        return self._with_vendor(parts[0] if len(parts) == 1 else concat_frames(parts))

    def _with_vendor(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with its ``vendor`` column when the batch mixes engines."""
        return with_vendor(frame) if self._mixed else frame

    def flatten(self) -> dict[str, pd.DataFrame]:
        """Every non-empty frame over the batch, by name (files in chunks, each chunk's frames
        built once over all of its responses).

        >>> from ocrframe import sample_path
        >>> b = Batch([read_response(sample_path(n)) for n in ("general-text", "passport")])
        >>> {name: frame.shape for name, frame in b.flatten().items()}
        {'words': (60, 22), 'fields': (9, 22), 'document': (1, 5)}
        """
        return self._frames(FLATTENERS)

    def _frames(self, names: Iterable[str]) -> dict[str, pd.DataFrame]:
        """The non-empty frames ``names``, each chunk's parts joined once in entry order."""
        names = tuple(names)
        parts: dict[str, list[tuple[np.ndarray, pd.DataFrame]]] = {}
        for idx in self._chunk_ranges():
            chunk = self._chunk_parts(names, idx)
            for name in list(chunk):  # no variable left holding a chunk's frames: the join
                parts.setdefault(name, []).extend(chunk.pop(name))  # lets each one go
        return {name: self._with_vendor(in_order(parts.pop(name), name))
                for name in names if name in parts}  # fmt: skip

    def _collect(self, names: Iterable[str], idx: Iterable[int]) -> Any:
        """A Collector of frames ``names`` over entries ``idx``; unreadable ones are recorded."""
        from ..flatten.many import Collector

        collector = Collector(names)
        for i in idx:
            resp = self._try_load(i)
            if resp is None:
                continue
            try:
                collector.add(resp, source=self._entries[i].source, item=i)
            except OcrError as exc:
                self._record(i, exc)
        return collector

    def to_parquet(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Write each non-empty frame as ``<name>.parquet`` and ``errors.parquet``; return paths.

        >>> batch.to_parquet("out/")  # doctest: +SKIP
        [PosixPath('out/words.parquet'), ..., PosixPath('out/errors.parquet')]
        """
        out = check_output("directory", directory, folder=True)
        frames = self.flatten()
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, f in [*frames.items(), ("errors", self.errors)]:
            path = out / f"{name}.parquet"
            f.to_parquet(path, index=False)
            written.append(path)
        return written

    def _chunk_frame(self, name: str, idx: range) -> pd.DataFrame:
        parts = self._chunk_parts([name], idx).get(name)
        return in_order(parts, name) if parts else _empty_with_ids(name)

    def _chunk_parts(
        self, names: Iterable[str], idx: range
    ) -> dict[str, list[tuple[np.ndarray, pd.DataFrame]]]:
        """Frames ``names`` of entries ``idx`` as ``(entry index of each row, frame)`` parts:
        saved files the columnar readers take (:mod:`ocrframe.flatten.arrow`), the rest
        through one Collector."""
        from ..flatten.arrow import read_frames

        names = tuple(names)
        parts: dict[str, list[tuple[np.ndarray, pd.DataFrame]]] = {}
        todo = list(idx)
        files = [i for i in todo if self._entries[i].response is None]
        if len(files) > 1:
            fast = read_frames([self._entries[i] for i in files], names)
            ids = self._ids_of(files, fast.apis)
            for name, found in fast.frames.items():
                for rows, frame in found:
                    entry_of_row = np.asarray(files, dtype=np.int64)[rows]
                    parts.setdefault(name, []).append((entry_of_row, ids(frame, rows)))
            rest = {files[j] for j in fast.fallback}
            todo = [i for i in todo if i in rest or self._entries[i].response is not None]
        if not todo:  # the columnar readers took every file
            return parts
        collector = self._collect(names, todo)
        self._mixed |= collector.mixed
        for name in names:
            if collector.count(name):
                parts.setdefault(name, []).append(
                    (collector.items(name).astype(np.int64), collector.frame(name, typed=False))
                )
        return parts

    def _ids_of(
        self, files: list[int], apis: dict[int, str]
    ) -> Callable[[pd.DataFrame, np.ndarray], pd.DataFrame]:
        """A function putting ``source`` and ``api`` first in a frame of the columnar
        readers, given the position in ``files`` of each row's file (``apis`` is keyed by that
        position). Inserted once all of a chunk's frames are made, so that they do not add to
        the peak memory (made with each frame, they cost 1.26x -> 1.35x the frames on 200 SDR
        files)."""
        from ..flatten.arrow.columns import repeat_ids, repeated

        sources = [self._entries[i].source for i in files]
        named = [apis.get(j) for j in range(len(files))]
        taken = set(apis.values())  # a row's file is always one the readers took
        one_api = next(iter(taken)) if len(taken) == 1 else None

        def with_ids(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
            frame.insert(0, "source", repeat_ids(sources, rows))
            if one_api:  # the one value at every row
                api = repeated(one_api, len(rows))
            else:
                api = repeat_ids(named, rows)
            frame.insert(1, "api", api)
            return frame

        return with_ids


def with_vendor(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (a Batch frame: ``source``, ``api`` first) with the ``vendor`` column third,
    ``huawei`` for every row, when it has none (all its rows came from Huawei).

    >>> with_vendor(pd.DataFrame({"source": ["a"], "api": ["vin"], "page": [1]})).columns.tolist()
    ['source', 'api', 'vendor', 'page']
    """
    if "vendor" not in frame.columns:
        from ..flatten.arrow.columns import repeated

        frame.insert(2, "vendor", repeated("huawei", len(frame)))
    return frame


def check_frame_name(name: str) -> None:
    if not isinstance(name, str) or name not in FLATTENERS:
        raise InputError(f"unknown frame {show_value(name)}; choose one of {', '.join(FLATTENERS)}")


def _empty(name: str) -> pd.DataFrame:
    from ..flatten import empty_frame

    return empty_frame(name)


def _empty_with_ids(name: str) -> pd.DataFrame:
    """The empty ``name`` frame, with the ``source`` and ``api`` columns of Batch frames."""
    frame = _empty(name)
    frame.insert(0, "source", pd.array([], dtype="str"))
    frame.insert(1, "api", pd.array([], dtype="str"))
    return frame


def _make_method(name: str):
    def method(self: Batch) -> pd.DataFrame:
        return self.frame(name)

    method.__name__ = name
    method.__qualname__ = f"Batch.{name}"
    method.__doc__ = (
        f"The ``{name}`` frame of every response, with ``source`` and ``api`` (and ``vendor``) "
        f"first; see "
        f":func:`ocrframe.{name}`.\n\n"
        f">>> b = Batch([Response({{'result': {{'words_block_list': []}}}}, source='a.png')])\n"
        f">>> b.{name}().columns[:2].tolist()\n"
        "['source', 'api']\n"
    )
    return method


for _name in FLATTENERS:
    setattr(Batch, _name, _make_method(_name))


# --- reading saved responses -------------------------------------------------------------------

# The whole files a tail read took that read_responses keeps for the frames (read once, not
# twice): at most a chunk's worth, let go as the chunks are read.
KEEP = CHUNK_BYTES


def _paths(x: Any) -> list[str]:
    if isinstance(x, (str, os.PathLike)):
        text = os.fspath(x)
        if os.path.isdir(text):
            return result_files(text)
        if os.path.isfile(text):
            return [text]
        if any(c in text for c in "*?["):
            found = sorted(p for p in _glob.glob(text, recursive=True) if os.path.isfile(p))
            if not found:
                raise InputError(f"the glob {shown_input(text)!r} matches no file")
            return found
        raise InputError(f"no response file, folder or glob match at {shown_input(text)!r}")
    if isinstance(x, Iterable) and not isinstance(x, (bytes, dict)):
        out: list[str] = []
        for item in x:
            if not isinstance(item, (str, os.PathLike)):
                raise InputError(
                    f"read_responses takes paths, a glob or a folder; got a {type(item).__name__}"
                )
            out += _paths(item)
        return out
    raise InputError(
        f"read_responses takes paths, a glob or a folder (e.g. a run's cache), not "
        f"{type(x).__name__}"
    )


def read_responses(paths: Any) -> Batch:
    """Reopen saved responses as a :class:`Batch`, without parsing them yet.

    Parameters
    ----------
    paths : path, glob, folder or list of these
        JSON files written by ``Response.to_json``, plain response bodies, other engines'
        saved results (JSON, Tesseract hOCR or TSV, ALTO XML), or a cache directory of
        :func:`ocrframe.runner.run`. A folder is searched recursively for ``.json``,
        ``.hocr`` and ``.tsv`` files and ALTO ``.xml`` files
        (:func:`~ocrframe.inputs.formats.result_files`; hidden ones left out; a glob takes any
        other name). A cache holds one response per distinct input (its key is the content, not
        the name), labelled with the source that first produced it.

    Returns
    -------
    Batch
        In the order given; a folder's files ordered by source and page. ``source`` is the one
        recorded in the file (``_ocrframe.source``), else the file path.
        Files are read when frames are asked for; unreadable ones are warned about and listed in
        ``errors``.

    Examples
    --------
    >>> read_responses("ocr-cache/").words()  # doctest: +SKIP
    """
    return Batch(_entries(paths, Budget(KEEP)))


def _entries(x: Any, budget: Budget) -> list[Entry]:
    if isinstance(x, (list, tuple)):
        return [e for item in x for e in _entries(item, budget)]
    if isinstance(x, (str, os.PathLike)):
        try:  # the common case, a file: opened at once, with no stat to say what it is first
            return [_entry(os.fspath(x), budget)]
        except (OSError, ValueError):  # a folder, a glob, nothing, unreadable: _paths says
            pass
    entries = [_entry(p, budget) for p in _paths(x)]
    if isinstance(x, (str, os.PathLike)) and os.path.isdir(x):
        # A folder (a cache names its files by hash): order by what the files hold, so frames
        # read back the same whichever way the files were written.
        entries.sort(key=lambda e: (e.source, e.page or 0, e.api or "", e.path))
    return entries


def _entry(path: str, budget: Budget) -> Entry:
    """The entry of a saved file, its header read from the file's tail (through the system
    calls alone: a dataset opens thousands of small files). When the tail is the whole file,
    its bytes are kept while ``budget`` allows, for the frames to read them once."""
    tail, whole = read_tail(path, HEADER_TAIL)
    keyless = tail.rfind(SAVED_KEY) < 0  # the usual plain body: one search, from the end
    header = None if keyless else saved_header(tail)
    info = header or {}
    kept = whole if whole is not None and budget.take(len(whole.data)) else None
    return Entry(info.get("source", path), info.get("page"), info.get("api"), path=path,
                 kept=kept, listed=len(tail), labelled=header is not None,
                 keyless=keyless and kept is not None)  # fmt: skip
