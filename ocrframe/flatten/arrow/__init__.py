"""Columnar readers of saved responses: many files' bodies decoded by pyarrow's JSON reader
straight into Arrow columns and on into the frames, with no Python object per value.

``json.loads`` of a dataset builds millions of small objects; here one reader per response
shape (:mod:`.general_text`, ...) reads the files it fully understands and hands every other
file back to the general walk (:mod:`ocrframe.flatten._extract`), so a frame never depends on
which path read a file. :func:`read_frames` is the entry point (used by
:class:`ocrframe.datasets.batch.Batch`). The readers load on first use: the general walk
imports :mod:`.columns` alone, and ``import ocrframe`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["FastFrames", "read_frames", "READERS"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(".dispatch", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
