"""How a batch is cut into chunks, each read and its frames built at once.

A chunk holds at most :data:`CHUNK` responses and :data:`CHUNK_BYTES` of their files: a file
weighs what the listing read of it (all of it, when smaller than ``HEADER_TAIL``), anything
else ``HEADER_TAIL``, so a chunk holds at most 500 larger files or responses. Chunks of a few
hundred small files paid each chunk's fixed costs over too few files (2,000 VAT invoices: 0.28 s
in chunks of 500, 0.22 s in one); beyond about 2,000 files a chunk gains nothing.

>>> chunk_ranges([100, 100, None])
[range(0, 3)]
"""

from __future__ import annotations

from collections.abc import Sequence

from ..parsing import HEADER_TAIL

__all__ = ["CHUNK", "CHUNK_BYTES", "chunk_ranges"]

CHUNK = 2000
CHUNK_BYTES = 500 * HEADER_TAIL


def chunk_ranges(listed: Sequence[int | None], size: int | None = None) -> list[range]:
    """Consecutive entries a chunk at a time, given what the listing read of each entry's
    file (``listed``, None for a response or a file not read): ``size`` entries at a time,
    or (None) as the module says.

    >>> chunk_ranges([None] * 501)
    [range(0, 500), range(500, 501)]
    >>> chunk_ranges([10] * 5, size=2)
    [range(0, 2), range(2, 4), range(4, 5)]
    """
    n = len(listed)
    if size is not None:
        return [range(a, min(a + size, n)) for a in range(0, n, size)]
    ranges, start, held = [], 0, 0
    for i, got in enumerate(listed):
        weight = HEADER_TAIL if got is None else got
        if i > start and (i - start >= CHUNK or held + weight > CHUNK_BYTES):
            ranges.append(range(start, i))
            start, held = i, 0
        held += weight
    return ranges + [range(start, n)] if start < n else ranges
