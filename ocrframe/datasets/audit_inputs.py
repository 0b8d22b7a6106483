"""What an audit reads: the frame of what the user gave (a DataFrame, a Response, a Batch or a
folder), the frame chosen when none is named, and whether to read a Batch in chunks.

>>> import pandas as pd
>>> frame_of(pd.DataFrame({"confidence": [0.5]}), None).shape
(1, 1)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import islice
from typing import Any

import pandas as pd

from ..arguments import check_flag, check_number
from ..errors import InputError, OcrError

__all__ = ["STREAM_AFTER", "auditable", "frame_of", "default_frame", "apis_of",
           "should_stream", "frame_chunks"]  # fmt: skip

STREAM_AFTER = 1000  # responses; larger batches are audited chunk by chunk


def auditable(data: Any) -> Any:
    """``data`` as an audit reads it: a list or tuple of responses (paths of saved ones, or
    anything :func:`ocrframe.read_response` takes) becomes a Batch, as ``plot_confidence``
    takes such a list; anything else is returned as it is.

    >>> auditable([{"result": {"words_block_list": [{"words": "Hi"}]}}]).words()["text"].tolist()
    ['Hi']
    """
    if not isinstance(data, list | tuple):
        return data
    if not data:
        raise InputError("nothing to audit: the list of responses is empty")
    from .batch import Batch, read_responses

    if all(isinstance(x, str | os.PathLike) for x in data):
        return read_responses(list(data))
    from ..response import Response, read_response

    return Batch([x if isinstance(x, Response) else read_response(x) for x in data])


def frame_of(data: Any, frame: str | None) -> pd.DataFrame:
    """The frame to audit from a DataFrame, Response, Batch or path. A Batch's has the
    ``vendor`` column, as its streamed chunks have (so ``by="vendor"`` and the columns a
    review shows do not depend on whether the batch was large enough to stream)."""
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, str | os.PathLike):
        from .batch import read_responses

        data = read_responses(data)
    if frame is not None:
        from .batch import check_frame_name

        check_frame_name(frame)  # "unknown frame 'x'; choose one of words, chars, ..."
    name = frame or default_frame(data)
    method = getattr(data, name, None)
    if not callable(method):
        raise InputError(
            f"cannot audit a {type(data).__name__}: pass a DataFrame, a Response, a Batch or "
            "a folder of saved responses"
        )
    from .batch import Batch, with_vendor

    return with_vendor(method()) if isinstance(data, Batch) else method()


def default_frame(data: Any) -> str:
    """``fields`` for ID / card APIs, ``plates`` for licence plates, ``words`` otherwise
    (the first of those the responses all give, without words). The catalog tells what an
    API's responses give; a response whose API is not known (saved without it, and not told
    by its keys) is looked at: a folder of such driving licences holds fields, no words."""
    families = []
    for found in _families_of(data):
        if "words" in found:  # one response with words decides: no need to look further
            return "words"
        families.append(found)
    for name in _CHOSEN[:-1]:  # words are the default
        if families and all(name in f for f in families):
            return name
    return "words"


def _families_of(data: Any, sample: int = 20) -> Iterator[tuple[str, ...]]:
    """The frame families of a Batch (from the APIs its entries name: no file is parsed when
    they all do) or of its first ``sample`` responses (of anything else); an error body, or
    an empty result, says nothing."""
    from ..catalog import APIS

    entries = getattr(data, "entries", None)
    if isinstance(entries, list) and all(getattr(e, "api", None) in APIS for e in entries):
        yield from (APIS[api].families for api in {e.api for e in entries})
        return
    for resp in _responses(data, sample):
        api = getattr(resp, "api", None)
        found = APIS[api].families if api in APIS else _held(resp)
        if found:
            yield found


_CHOSEN = ("fields", "plates", "words")  # the frames default_frame chooses among, in order


def _held(resp: Any) -> tuple[str, ...]:
    """Which of ``_CHOSEN`` a response gives rows to (counted, no frame built; none for an
    error body: the audit reports it)."""
    from ..flatten import extraction

    try:
        _, ex = extraction(resp, _CHOSEN)
    except OcrError:
        return ()
    return tuple(name for name in _CHOSEN if ex.rows(name))


def apis_of(data: Any, sample: int = 20) -> set[Any]:
    """The APIs of a Batch (from its entries: no file is parsed when they know it) or of the
    first ``sample`` responses of anything else."""
    entries = getattr(data, "entries", None)
    if isinstance(entries, list) and all(getattr(e, "api", None) for e in entries):
        return {e.api for e in entries}
    return {getattr(resp, "api", None) for resp in _responses(data, sample)}


def _responses(data: Any, sample: int) -> Iterator[Any]:
    """The first ``sample`` responses of ``data`` (a Response: itself)."""
    if hasattr(data, "raw"):  # a single Response
        yield data
        return
    try:
        yield from islice(iter(data), sample)
    except TypeError:
        return


def should_stream(data: Any, stream: bool | None) -> bool:
    """Whether to read ``data`` in chunks: ``stream`` if given, else a Batch of many files."""
    if stream is not None:
        check_flag("stream", stream)
    if stream is False or isinstance(data, pd.DataFrame) or not hasattr(data, "iter_frames"):
        return False
    if stream:
        return True
    try:
        return len(data) > STREAM_AFTER
    except TypeError:
        return True


def frame_chunks(data: Any, frame: str | None, chunk: int | None) -> Iterator[pd.DataFrame]:
    """The frame named ``frame`` (default: :func:`default_frame`) of a Batch or folder, in
    chunks of ``chunk`` responses (None: as ``Batch.iter_frames`` reads them by default)."""
    if chunk is not None:
        check_number("chunk", chunk, low=1, integer=True)
    if isinstance(data, str | os.PathLike):
        from .batch import read_responses

        data = read_responses(data)
    yield from data.iter_frames(frame or default_frame(data), chunk=chunk)
