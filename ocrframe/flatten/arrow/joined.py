"""Many bodies in one buffer, one a line, as pyarrow's JSON reader parses them in place: the
bytes of a dataset's chunk held once.

>>> bodies = Joined([b'{"a": 1}', b'{"b": 2}'])
>>> bytes(bodies.data), bodies[1]
(b'{"a": 1}\\n{"b": 2}', b'{"b": 2}')
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any, overload

import numpy as np

__all__ = ["Joined"]


class Joined(Sequence[bytes]):
    """Bodies as pyarrow reads them, one a line in one buffer (``data``), which a parse of
    all of them reads without another copy; ``bodies[i]`` copies one back out.

    >>> bodies = Joined([b'{"a": 1}'])
    >>> bodies.append(b"{}")
    >>> bytes(bodies.data), bodies[1], len(bodies)
    (b'{"a": 1}\\n{}', b'{}', 2)
    >>> list(Joined([b"[1]", b"{}", b'"x"']).taking([0, 2]))
    [b'[1]', b'"x"']
    """

    def __init__(self, bodies: Iterable[bytes] = ()) -> None:
        self.data = bytearray()
        self._starts: list[int] = []
        self._sizes: list[int] = []
        for body in bodies:
            self.append(body)

    def append(self, body: bytes) -> None:
        if self._sizes:
            self.data += b"\n"
        self._starts.append(len(self.data))
        self._sizes.append(len(body))
        self.data += body

    @classmethod
    def of(cls, bodies: Sequence[bytes]) -> Joined:
        """``bodies`` joined (as they are when they already are)."""
        return bodies if isinstance(bodies, Joined) else cls(bodies)

    def taking(self, which: Sequence[int]) -> Joined:
        """The bodies ``which`` alone, in a buffer of their own."""
        view = memoryview(self.data)  # let go on return: ``data`` may grow again
        return Joined(view[slice(*self.span(j))] for j in which)

    def heads(self, n: int) -> list[bytes]:
        """The first ``n`` bytes of each body (all of a shorter one), with no copy of the rest.

        >>> Joined([b"abc", b"d"]).heads(2)
        [b'ab', b'd']
        """
        view = memoryview(self.data)  # let go on return: ``data`` may grow again
        return [
            bytes(view[s : s + min(n, k)]) for s, k in zip(self._starts, self._sizes, strict=True)
        ]

    def arrow(self) -> Any:
        """The bodies as a pyarrow ``large_binary`` array over ``data``, no copy: each with
        the line end after it, which the buffer holds between bodies (let the array go before
        ``data`` grows again).

        >>> Joined([b'{"a": 1}', b"{}"]).arrow().to_pylist()
        [b'{"a": 1}\\n', b'{}']
        """
        import pyarrow as pa

        offsets = pa.py_buffer(np.append(self.starts, len(self.data)))
        return pa.Array.from_buffers(
            pa.large_binary(), len(self), [None, offsets, pa.py_buffer(self.data)]
        )

    def span(self, i: int) -> tuple[int, int]:
        """Where body ``i`` starts and ends in ``data``."""
        return self._starts[i], self._starts[i] + self._sizes[i]

    def first_hits(
        self, which: Sequence[int], find: Callable[[int, int], int]
    ) -> list[tuple[int, int]]:
        """``(body, position)`` of the first hit of ``find(start, stop)`` (a position in
        ``data`` or -1, like ``bytes.find``) in each of the bodies ``which`` (ascending) that
        holds one. Bodies next to each other are searched as one stretch, on from each hit
        to the next body: one call per body hit, not one per body. ``find`` must not match
        across a line end."""
        hits = []
        starts = self._starts
        for first, last in _runs(which):
            at, stop = starts[first], starts[last] + self._sizes[last]
            while at <= stop and (hit := find(at, stop)) >= 0:
                j = bisect_right(starts, hit) - 1
                hits.append((j, hit))
                # On past the line end: a search that can hit where it starts (markers with no
                # common ending, found behind that point) would hit the same body again.
                at = starts[j] + self._sizes[j] + 1
        return hits

    @property
    def sizes(self) -> np.ndarray:
        return np.asarray(self._sizes, dtype=np.int64)

    @property
    def starts(self) -> np.ndarray:
        """Where each body starts in ``data``."""
        return np.asarray(self._starts, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._sizes)

    @overload
    def __getitem__(self, i: int) -> bytes: ...
    @overload
    def __getitem__(self, i: slice) -> list[bytes]: ...
    def __getitem__(self, i: int | slice) -> bytes | list[bytes]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        start = self._starts[i]
        return bytes(memoryview(self.data)[start : start + self._sizes[i]])


def _runs(which: Sequence[int]) -> list[tuple[int, int]]:
    """``which`` (ascending) as runs of consecutive numbers, ``(first, last)`` each.

    >>> _runs([0, 1, 2, 5, 7, 8])
    [(0, 2), (5, 5), (7, 8)]
    """
    if not len(which):
        return []
    w = np.asarray(which, dtype=np.int64)
    breaks = np.flatnonzero(np.diff(w) != 1)
    firsts = w[np.concatenate([[0], breaks + 1])].tolist()
    lasts = w[np.concatenate([breaks, [len(w) - 1]])].tolist()
    return list(zip(firsts, lasts, strict=True))
