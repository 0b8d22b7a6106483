"""Frames of many responses, each built once (not one small frame per response, then concat).

A :class:`Collector` walks responses into one :class:`~ocrframe.flatten._collect.Extraction`
(column lists shared by every response) and builds each frame once at the end, with
``source`` and ``api`` repeated per row without a Python string per row. Every
:data:`PACK_ROWS` rows the values collected so far become typed arrays, so a dataset's peak
memory stays near the size of its frames. Garbage collection pauses during the walk: it
allocates many small objects that all survive, so the collector would only rescan them.

>>> from ocrframe.response import Response
>>> c = Collector(["words"])
>>> c.add(Response({"result": {"words_block_list": [{"words": "Hi"}]}}), source="a.png")
>>> c.frame("words")[["source", "api", "text"]].values.tolist()
[['a.png', 'general-text', 'Hi']]
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ResponseFormatError
from ..parsing import MAX_DEPTH
from ..response import Response, read_response
from ._collect import Extraction
from ._extract import extract
from ._schema import FRAMES, build_frame
from .arrow.columns import repeat_ids

__all__ = ["Collector", "extract_response", "paused_gc", "PACK_ROWS", "FIRST_MET"]

PACK_ROWS = 8192  # rows held as Python values before they are packed into arrays
# The attribute of an untyped ``document`` frame naming the row where each key is first met
# (its value may be null there: the walk makes the column all the same).
FIRST_MET = "ocrframe.first_met"


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for a walk (restored afterwards)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def extract_response(resp: Response, ex: Extraction) -> Extraction:
    """Add ``resp`` to ``ex``; a body too deep to walk is a ResponseFormatError (and its
    partial rows are removed). Other engines' results (``Response.vendor`` not ``"huawei"``)
    are read by their reader in :mod:`ocrframe.vendors`."""
    try:
        if resp.vendor == "huawei":
            return extract(resp.raw, resp.api, resp.page, ex)
        from ..vendors import extract_vendor

        ex.begin()
        ex.absorb(extract_vendor(resp, other="other" in ex.wanted))
        return ex
    except RecursionError:  # a dict built in Python (files are depth-checked when parsed)
        ex.rollback()
        raise ResponseFormatError(
            f"response is nested too deeply to flatten (OCR responses nest a few levels; "
            f"files deeper than {MAX_DEPTH} are refused when read)"
        ) from None


class Collector:
    """Frames ``families`` of many responses, each frame built once.

    :meth:`add` takes anything :func:`ocrframe.read_response` accepts (error bodies raise
    their :class:`~ocrframe.ApiError`, nothing of them is kept); :meth:`frame` gives the frame
    with ``source`` and ``api`` first (then ``vendor`` when other engines' results are among
    them), :meth:`items` the ``item`` number of each row.
    """

    def __init__(self, families: Iterable[str] = FRAMES) -> None:
        self.families = tuple(families)
        self.ex = Extraction(self.families)
        self._sources: list[str | None] = []
        self._apis: list[str | None] = []
        self._vendors: list[str] = []
        self._items: list[Any] = []
        self._rows: dict[str, list[int]] = {name: [] for name in self.families}
        # (response, page, its document keys): kept apart, so no key can stand for them
        self._document: list[tuple[int, int, dict[str, Any]]] = []
        self._frames: dict[str, pd.DataFrame] = {}

    def add(self, x: Any, source: str | None = None, item: Any = None) -> None:
        resp = read_response(x)
        with paused_gc():
            extract_response(resp, self.ex)
        k = len(self._sources)
        self._sources.append(source if source is not None else resp.source)
        self._apis.append(resp.api)
        self._vendors.append(resp.vendor)
        self._items.append(k if item is None else item)
        for name in self.families:
            self._rows[name].append(self.ex.new_rows(name))
        for page in sorted(self.ex.document):
            self._document.append((k, page, self.ex.document[page]))
        if self.ex.held() >= PACK_ROWS:
            self.ex.pack()

    @property
    def mixed(self) -> bool:
        """Whether other engines' results are among those added (frames then say ``vendor``)."""
        return any(v != "huawei" for v in self._vendors)

    def count(self, name: str) -> int:
        return len(self._document) if name == "document" else sum(self._rows[name])

    def items(self, name: str) -> np.ndarray:
        """The ``item`` given to :meth:`add` for each row of frame ``name``."""
        return np.asarray(self._items, dtype=object)[self._response_of_row(name)]

    def _response_of_row(self, name: str) -> np.ndarray:
        if name == "document":
            return np.array([k for k, _, _ in self._document], dtype=np.int64)
        return np.repeat(np.arange(len(self._sources)), self._rows[name])

    def frame(self, name: str, typed: bool = True) -> pd.DataFrame:
        """Frame ``name``, built on the first call from the collected columns (handed over,
        not copied); later calls give a copy-on-write copy of it. ``typed=False`` leaves the
        ``document`` keys as read (object columns), for a caller that types each column once
        over more responses than these (a column's type depends on all of its values)."""
        if name == "document" and not typed:
            return self._build(name, typed=False)
        if name not in self._frames:
            self._frames[name] = self._build(name)
        return self._frames[name].copy(deep=False)

    def _build(self, name: str, typed: bool = True) -> pd.DataFrame:
        if name == "document":
            first_met: dict[str, int] = {}  # each key: the first row whose page holds it
            for i, (_, _, row) in enumerate(self._document):
                first_met.update((k, i) for k in row if k not in first_met)
            cols: dict[str, list[Any]] = {"page": [page for _, page, _ in self._document]}
            for key in first_met:
                cols[key] = [row.get(key) for _, _, row in self._document]
            if typed:
                frame = build_frame("document", cols)
            else:
                # object columns as read (pandas would make text columns ``str`` here, which
                # refuses a lone surrogate before the typing replaces it), with the row where
                # each key is first met: a key written null makes its column there too
                frame = pd.DataFrame(cols, dtype=object)
                frame.attrs[FIRST_MET] = first_met
        else:
            frame = build_frame(name, self.ex.take(name))
        of = self._response_of_row(name)
        frame.insert(0, "source", repeat_ids(self._sources, of))
        frame.insert(1, "api", repeat_ids(self._apis, of))
        if self.mixed:  # a batch mixing engines says which
            frame.insert(2, "vendor", repeat_ids(self._vendors, of))
        return frame
