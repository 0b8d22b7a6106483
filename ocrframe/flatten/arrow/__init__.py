"""Columnar readers of saved responses: many files' bodies decoded by pyarrow's JSON reader
straight into Arrow columns and on into the frames, with no Python object per value.

``json.loads`` of a dataset builds millions of small objects; here one reader per response
shape (:mod:`.general_text`, ...) reads the files it fully understands and hands every other
file back to the general walk (:mod:`ocrframe.flatten._extract`), so a frame never depends on
which path read a file. :func:`read_frames` is the entry point (used by
:class:`ocrframe.datasets.batch.Batch`).
"""

from .dispatch import READERS, FastFrames, read_frames

__all__ = ["FastFrames", "read_frames", "READERS"]
