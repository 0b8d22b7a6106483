"""Where each object key sits in the JSON text: the general walk emits rows in the order keys
are written, which an Arrow struct (one child order for every file) does not keep.

A vectorised scan of the bodies (quotes, brackets, no Python object per byte) gives every
key's file, nesting depth, text order and name; a reader turns these into sort keys.

>>> keys = key_tokens([b'{"result": {"b": 1, "a": {"x": [1]}}}'])
>>> bool((keys.hash == key_hashes(["result", "b", "a", "x"])).all())
True
>>> keys.depth.tolist()
[1, 2, 2, 3]
>>> key_tokens([b'{"result": [{"a": 1}, {"b": {"c": 2}, "d": 3}]}'], listed=True).element.tolist()
[0, 0, 1, 0, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .files import ARRAY_PIECE, OPENING
from .joined import Joined

__all__ = ["KeyTokens", "key_tokens", "key_hashes", "under_result", "item_key_tokens"]

_QUOTE, _BACKSLASH, _COLON = 34, 92, 58
_WHITESPACE = np.zeros(256, dtype=bool)
_WHITESPACE[[9, 10, 13, 32]] = True
# The bytes the scan looks at (a table for ``bytes.translate``: 1 for those, 0 for the rest).
_MARKS = bytes(c in b'"\\[]{}' for c in range(256))


@dataclass
class KeyTokens:
    """Every object key of the bodies, in text order: ``file`` (index of its body),
    ``depth`` (1 for the keys of the body itself), ``hash`` (of the name, see
    :func:`key_hashes`; -1 for a name written with escapes, which it cannot tell) and
    ``element``: the index of the list element holding the key, for depth-4 keys under a
    depth-2 one (``{"result": {"items": [{"k": 1}]}}``) and, when asked for (``listed``),
    depth-3 keys under a depth-1 one (``{"result": [{"k": 1}]}``); else 0. (The key "under"
    is the last one written at that depth before it in its body.)"""

    file: np.ndarray
    depth: np.ndarray
    hash: np.ndarray
    element: np.ndarray


def key_tokens(bodies: Sequence[bytes], listed: bool = False) -> KeyTokens:
    """The keys of ``bodies`` (valid JSON objects, one line each), see :class:`KeyTokens`;
    ``listed``: with the elements of lists under the bodies' own keys (else 0 there).

    Bodies are scanned about 128 kB at a time (each body whole), so the scan's arrays
    stay a few times as long as the bytes they read, not a dozen times the dataset."""
    joined = Joined.of(bodies)  # the buffer the parse read: no copy of it
    view, starts, ends = memoryview(joined.data), joined.starts, joined.starts + joined.sizes
    pieces, first = [], 0
    while first < len(starts):
        last = max(first + 1, int(np.searchsorted(ends, starts[first] + ARRAY_PIECE, side="right")))
        raw = bytes(view[starts[first] : ends[last - 1]])
        piece = _scan(raw, starts[first:last] - starts[first], listed)
        piece.file += first
        pieces.append(piece)
        first = last
    if len(pieces) == 1:
        return pieces[0]
    if not pieces:
        return _scan(b"", np.zeros(0, dtype=np.int64), listed)
    return KeyTokens(*(np.concatenate([getattr(p, k) for p in pieces]) for k in _FIELDS))


_FIELDS = ("file", "depth", "hash", "element")


def _scan(raw: bytes, starts: np.ndarray, listed: bool) -> KeyTokens:
    """The keys of ``raw``: whole bodies, one a line, starting at ``starts`` (see
    :func:`key_tokens`).

    One pass over the bytes finds every mark (quote, backslash, bracket); the rest works on
    the marks alone, in text order: running counts over them tell which brackets a string
    holds, the depth at each key and the list element holding it."""
    buf = np.frombuffer(raw, dtype=np.uint8)
    narrow = np.int32 if len(buf) < 2**31 else np.int64  # positions: half the memory
    pos = np.flatnonzero(np.frombuffer(raw.translate(_MARKS), dtype=np.bool_)).astype(narrow)
    code = buf[pos]
    slash = code == _BACKSLASH
    slashes = pos[slash]
    if len(slashes):  # backslashes go, and the quotes they escape
        kept = ~slash & ~np.isin(pos, _escaped(slashes))
        pos, code = pos[kept], code[kept]
    quote = code == _QUOTE
    kept = quote | ((np.cumsum(quote, dtype=narrow) & 1) == 0)  # brackets after even quotes
    pos, code, quote = pos[kept], code[kept], quote[kept]
    del kept
    opening = (code | 32) == OPENING  # "[" and "{"
    steps = opening.view(np.int8) * np.int8(2) - np.int8(1)  # +1 opens, -1 closes
    steps[quote] = 0
    level = np.cumsum(steps, dtype=narrow)
    del steps
    quoted = np.flatnonzero(quote)
    opens, closes = quoted[0::2], quoted[1::2]  # marks opening and closing each string
    after = pos[closes] + 1
    for _ in range(8):  # whitespace between a key and its colon is rare and short
        ws = _WHITESPACE[buf[np.minimum(after, len(buf) - 1)]] & (after < len(buf))
        if not ws.any():
            break
        after = after + ws
    is_key = buf[np.minimum(after, len(buf) - 1)] == _COLON
    marks = opens[is_key]  # the mark opening each key
    kopen, kclose = pos[marks], pos[closes[is_key]]
    depth = level[marks]  # the depth after the last bracket before the key
    file = np.searchsorted(starts, kopen, side="right") - 1
    # Elements of a list of objects under a depth-2 key (a depth-1 one): brackets opening
    # depth 4 (3) between that key and each key at depth 4 (3).
    element = np.zeros(len(kopen), dtype=np.int32)
    for d, under in ((4, 2), (3, 1)) if listed else ((4, 2),):
        deep = np.flatnonzero(depth == d)
        if len(deep):  # the last key at depth ``under`` before each, in the same body
            held = np.maximum.accumulate(np.where(depth == under, np.arange(len(depth)), -1))
            held = held[deep]
            same = (held >= 0) & (file[np.maximum(held, 0)] == file[deep])
            deep, held = deep[same], held[same]
            opened = np.cumsum(opening & (level == d), dtype=narrow)  # such brackets so far
            element[deep] = opened[marks[deep]] - opened[marks[held]] - 1
    hashes = _span_hashes(buf, kopen + 1, kclose)
    if len(slashes):  # an escape in the name
        hashes[np.searchsorted(slashes, kopen) != np.searchsorted(slashes, kclose)] = -1
    # Narrow types: the tokens stay alive while a reader builds its rows.
    return KeyTokens(file.astype(np.int32), depth.astype(np.int16), hashes, element)


def under_result(keys: KeyTokens) -> np.ndarray:
    """Tokens inside the body's ``result`` (not in the saved header or another key).

    >>> keys = key_tokens([b'{"result": {"a": {"b": 1}}, "_ocrframe": {"c": 2}}'])
    >>> under_result(keys).tolist()
    [False, True, True, False, False]
    """
    idx = np.arange(len(keys.depth))
    last_top = np.maximum.accumulate(np.where(keys.depth == 1, idx, -1)) if len(idx) else idx
    is_result = (keys.depth == 1) & (keys.hash == key_hashes(["result"])[0])
    return (keys.depth >= 2) & (last_top >= 0) & is_result[np.maximum(last_top, 0)]


def item_key_tokens(keys: KeyTokens, list_key: str,
                    names: Sequence[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:  # fmt: skip
    """Per name of ``names``: where each such key of the objects in list ``result.<list_key>``
    sits, as sorted ``file * 2**32 + element`` (the object's body and its index in the list)
    and beside each the key's place in text order among its body's keys (see
    :func:`item_key_ranks`).

    >>> keys = key_tokens([b'{"result": {"b": [{"v": 1, "k": 2}, {"k": 3}]}}'])
    >>> item_key_tokens(keys, "b", ["k"])["k"][1].tolist()
    [3, 4]
    """
    idx = np.arange(len(keys.depth))
    parent = np.maximum.accumulate(np.where(keys.depth == 2, idx, -1)) if len(idx) else idx
    held = np.maximum(parent, 0)
    list_hash, *name_hashes = key_hashes([list_key, *names])
    items = (keys.depth == 4) & under_result(keys) & (parent >= 0)
    items &= (keys.hash[held] == list_hash) & (keys.file[held] == keys.file)
    out = {}
    for name, name_hash in zip(names, name_hashes, strict=True):
        at = np.flatnonzero(items & (keys.hash == name_hash))
        place = at - np.searchsorted(keys.file, keys.file[at])  # from its body's first key
        where = (keys.file[at].astype(np.int64) << 32) + keys.element[at]
        order = np.argsort(where, kind="stable")
        out[name] = (where[order], place[order])
    return out


def item_key_ranks(tokens: tuple[np.ndarray, np.ndarray], file: np.ndarray,
                   element: np.ndarray) -> np.ndarray:  # fmt: skip
    """The place in text order (:func:`item_key_tokens`) of the key of each object ``element``
    of body ``file``; -1 where that object holds no such key (or a name written with escapes,
    which the scan cannot tell).

    >>> keys = key_tokens([b'{"result": {"b": [{"v": 1, "k": 2}, {"k": 3}]}}'])
    >>> item_key_ranks(item_key_tokens(keys, "b", ["k"])["k"], np.array([0, 0, 0]),
    ...                np.array([1, 0, 2])).tolist()
    [4, 3, -1]
    """
    found, place = tokens
    where = (np.asarray(file, dtype=np.int64) << 32) + np.asarray(element, dtype=np.int64)
    if not len(found):
        return np.full(len(where), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(found, where), len(found) - 1)
    return np.where(found[at] == where, place[at], -1)


def key_hashes(names: list[str]) -> np.ndarray:
    """The hashes :func:`key_tokens` gives keys ``names`` (equal names, equal hashes).
    Names that share their length and first and last 8 bytes share a hash: a reader must
    not rely on telling such siblings apart.

    >>> h = key_hashes(["seller_name", "buyer_name", "seller_name"])
    >>> bool(h[0] == h[2]), bool(h[0] == h[1])
    (True, False)
    """
    raw = [n.encode() for n in names]
    data = b"".join(raw)
    ends = np.cumsum([len(r) for r in raw], dtype=np.int64)
    return _span_hashes(np.frombuffer(data, dtype=np.uint8), ends - [len(r) for r in raw], ends)


_BYTE_MASK = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
_HIGH_SHIFT = np.array([0] + [8 * (8 - k) for k in range(1, 9)], dtype=np.uint64)


def _span_hashes(buf: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """A non-negative int64 per span ``buf[start:end]`` from its length and its first and last
    8 bytes (read as unaligned little-endian words, no per-byte work)."""
    if not len(start):
        return np.zeros(0, dtype=np.int64)
    pad = np.zeros(8, dtype=np.uint8)
    padded = np.concatenate([pad, buf, pad])
    words = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    size = end - start
    short = np.minimum(size, 8)
    first = words[start + 8] & _BYTE_MASK[short]
    last = (words[end] >> _HIGH_SHIFT[short]) & _BYTE_MASK[short]
    with np.errstate(over="ignore"):
        mixed = first * np.uint64(0x9E3779B97F4A7C15) ^ (last + size.astype(np.uint64)) * np.uint64(
            0xC2B2AE3D27D4EB4F
        )
    return (mixed >> np.uint64(1)).astype(np.int64)


def _escaped(slashes: np.ndarray) -> np.ndarray:
    """Positions right after an odd run of backslashes (``slashes``: their positions, in
    order): the escaped characters."""
    run_start = np.ones(len(slashes), dtype=bool)
    run_start[1:] = slashes[1:] != slashes[:-1] + 1
    firsts = np.flatnonzero(run_start)
    sizes = np.diff(np.append(firsts, len(slashes)))
    ends = slashes[firsts] + sizes  # the character after each run
    return ends[sizes % 2 == 1]
