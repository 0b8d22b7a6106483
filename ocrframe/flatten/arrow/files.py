"""Saved files to Arrow tables: the bytes a columnar reader may take, their parse, and the
files whose bodies hold anything the reader's schema does not know (those go the general way).

>>> import pyarrow as pa
>>> schema = pa.schema([("result", pa.struct([("words", pa.string())]))])
>>> [(idx, t.num_rows) for idx, t in parse([b'{"result": {"words": "a"}}'], schema)]
[([0], 1)]
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, overload

import numpy as np

from ...catalog import APIS
from ...datasets.cache import split_cache_file
from ...errors import CacheCorruptError
from ...parsing import MAX_DEPTH, nesting_depths
from .columns import explode, field, valid, whole

__all__ = ["read_body", "holds_marker", "Joined", "drop_deep", "parse",
           "unexpected", "with_scalars"]  # fmt: skip

SAVED_HEADER = "_ocrframe"  # what Response.to_json adds (source, page, api): not the body


def read_body(entry: Any, markers: dict[str, tuple[bytes, ...]]) -> tuple[str, bytes] | None:
    """``(api, body bytes)`` of ``entry``'s file when a columnar reader may take it, else None
    (the file goes the general way). ``markers`` maps each reader's API to byte strings one of
    which its bodies hold; the API the entry or its cache header names wins, else the first
    whose marker is in the body. The body must be valid UTF-8 with no JSON ``null`` and
    becomes one line. The bytes come from ``entry.read`` (those kept since the entry was made,
    when the file is unchanged); a file left to the general walk keeps them for it."""
    if entry.api is not None and (entry.api not in markers or entry.api not in APIS):
        return None
    try:  # the bytes read_responses kept stay for the general walk until taken here
        data = entry.read(keep=True)
        parts = split_cache_file(data)
    except (OSError, CacheCorruptError):
        return None
    api = entry.api
    if parts is not None:
        body, header = parts
        if hashlib.sha256(body).hexdigest() != header["cache"].get("sha256"):
            return None  # the general path reports it as corrupt
        if header.get("api") is not None:
            named = header["api"]
            if api not in (None, named) or named not in markers or named not in APIS:
                return None
            api = header["api"]
        data = body
    if api is None:
        api = _first_marked(data, markers)
    elif not holds_marker(data, markers[api]):
        return None
    if api is None:
        return None
    # Arrow reads null and absent alike; the general walk keeps a null it does not know.
    # (The ``_ocrframe`` member Response.to_json ends a file with may hold nulls: not the body.)
    if b"null" in data and data.find(b"null", 0, _saved_header_start(data)) >= 0:
        return None
    if not data.isascii():
        try:  # the general parser refuses invalid UTF-8, so must this path
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if b"\n" in data or b"\r" in data:  # raw newlines in JSON are whitespace only
        data = data.replace(b"\r", b" ").replace(b"\n", b" ")
    entry.kept = None  # taken: the file is read again only if the reader gives it back
    return api, data


def holds_marker(data: bytes, markers: tuple[bytes, ...]) -> bool:
    """Whether ``data`` holds one of ``markers``; the markers' common ending is looked for
    first, so a body holding none of several markers is scanned about once, not once each.

    >>> holds_marker(b'{"kv_result": 1}', (b'"ocr_result"', b'"kv_result"'))
    True
    >>> holds_marker(b'{"result": 1}', (b'"ocr_result"', b'"kv_result"'))
    False
    """
    if len(markers) > 1:
        screen = _common_ending(markers)
        if len(screen) > 2 and screen not in data:
            return False
    return any(m in data for m in markers)


def _first_marked(data: bytes, markers: dict[str, tuple[bytes, ...]]) -> str | None:
    """The first API of ``markers`` whose markers ``data`` holds; APIs in a row that share
    their markers (the field APIs) are looked for once."""
    tried = None
    for api, ms in markers.items():
        if ms is not tried and holds_marker(data, ms):
            return api
        tried = ms
    return None


@lru_cache(maxsize=64)
def _common_ending(markers: tuple[bytes, ...]) -> bytes:
    """The longest byte string every one of ``markers`` ends with."""
    ending = os.path.commonprefix([m[::-1] for m in markers])
    return bytes(ending[::-1])


_SAVED_HEADER_MEMBER = re.compile(rb',\s*"_ocrframe"\s*:\s*\{[^{}\[\]]*\}\s*\}\s*$')


def _saved_header_start(data: bytes) -> int:
    """Where the ``_ocrframe`` member ending a saved response starts (a flat object as the
    last member), else the length of ``data``."""
    at = data.rfind(b'"_ocrframe"', max(0, len(data) - 4096))
    if at < 0:
        return len(data)
    m = _SAVED_HEADER_MEMBER.search(data, max(0, data.rfind(b",", 0, at)))
    return m.start() if m else len(data)


class Joined(Sequence[bytes]):
    """Bodies as pyarrow reads them, one a line in one growing buffer (``data``), which a
    parse of all of them reads without another copy; ``bodies[i]`` copies one back out.

    >>> bodies = Joined([b'{"a": 1}'])
    >>> bodies.append(b"{}")
    >>> bytes(bodies.data), bodies[1], len(bodies)
    (b'{"a": 1}\\n{}', b'{}', 2)
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


def drop_deep(bodies: Sequence[bytes]) -> np.ndarray:
    """Mask of bodies nested deeper than the general parser accepts (they fail there). Only
    bodies with more opening brackets than that depth can be, so only those are measured.

    >>> drop_deep([b"[" * 101 + b"]" * 101, b"[]" * 101, b"[[1]]"]).tolist()
    [True, False, False]
    """
    deep = np.zeros(len(bodies), dtype=bool)
    many = [j for j, b in enumerate(bodies) if b.count(b"[") + b.count(b"{") > MAX_DEPTH]
    if many:
        deep[many] = nesting_depths([bodies[j] for j in many]) > MAX_DEPTH
    return deep


def parse(
    bodies: Sequence[bytes],
    schema: Any,
    document: dict[str, dict[str, str]] | None = None,
    strict: bool = True,
) -> list[tuple[list[int], Any]]:
    """Parse ``bodies`` (one JSON object each) with ``schema``: ``(indices, table)`` pairs.

    First all at once with the schema alone (a key it does not declare fails the parse): a
    parser held to the schema never descends deeper than the schema does, so this needs no
    depth screen, and it is the whole cost for a clean dataset. Otherwise bodies nested deeper
    than the general parser accepts are dropped (pyarrow would recurse into them), the rest are
    parsed with undeclared keys inferred (for :func:`unexpected` to find), and a body that does
    not fit (a string where a number belongs, a duplicated key...) is isolated by halving and
    left out of every pair. ``document`` declares, for the strict parse, the scalar keys the
    schema leaves to inference (``{"result": {"direction": "int64"}}``); ``strict=False``
    skips the strict parse (a reader whose schema is partial, by design). Given bodies
    :class:`Joined`, a parse of all of them reads their buffer as it is."""
    idx = list(range(len(bodies)))
    if strict:
        table = _read(bodies, with_scalars(schema, document or {}), strict=True)
        if table is not None:
            return [(idx, table)]
    shallow = [j for j, deep in zip(idx, drop_deep(bodies), strict=True) if not deep]
    return _parse(bodies, shallow, schema)


def with_scalars(schema: Any, document: dict[str, dict[str, str]]) -> Any:
    """``schema`` with the scalar fields ``document`` names added to its top-level structs."""
    import pyarrow as pa

    for name, scalars in document.items():
        k = schema.get_field_index(name)
        struct = schema.field(k).type
        extra = [pa.field(key, pa.type_for_alias(t)) for key, t in scalars.items()]
        schema = schema.set(k, pa.field(name, pa.struct([*extra, *struct])))
    return schema


def _read(part: Sequence[bytes], schema: Any, strict: bool) -> Any:
    """One table of ``part``, or None when pyarrow refuses it."""
    import pyarrow as pa
    import pyarrow.json as pj

    if not part:
        return None
    data = part.data if isinstance(part, Joined) else b"\n".join(part)
    longest = int(part.sizes.max()) if isinstance(part, Joined) else max(map(len, part))
    block = max(1 << 20, longest + 1)
    try:
        table = pj.read_json(
            pa.BufferReader(data),  # read in place (a Python file object copies each block)
            # Threads parse blocks side by side: for a block or two they only add hand-offs.
            read_options=pj.ReadOptions(block_size=block, use_threads=len(data) > 2 * block),
            parse_options=pj.ParseOptions(
                explicit_schema=schema, unexpected_field_behavior="error" if strict else "infer"
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    return table if table.num_rows == len(part) else None


def _parse(bodies: Sequence[bytes], idx: list[int], schema: Any) -> list[tuple[list[int], Any]]:
    if not idx:
        return []
    every = len(idx) == len(bodies)
    table = _read(bodies if every else [bodies[j] for j in idx], schema, strict=False)
    if table is not None:
        return [(idx, table)]
    if len(idx) == 1:
        return []
    mid = len(idx) // 2
    return _parse(bodies, idx[:mid], schema) + _parse(bodies, idx[mid:], schema)


def unexpected(table: Any, schema: Any, scalars_at: tuple[str, ...] = ()) -> np.ndarray:
    """Per row of ``table``: True where a key the ``schema`` does not declare holds a value.

    Keys of the structs at ``scalars_at`` (dotted paths such as ``"result"``) that hold
    scalars are allowed (the readers turn them into ``document`` columns, as the general walk
    does); anything else unknown marks the row."""
    bad = np.zeros(table.num_rows, dtype=bool)
    owner = np.arange(table.num_rows)
    for f in schema:
        col = whole(table, f.name)
        _check(col, f.type, owner, bad, f.name, scalars_at)
    for name in table.column_names:
        if schema.get_field_index(name) < 0 and name != SAVED_HEADER:
            bad |= valid(whole(table, name))
    return bad


def _check(arr: Any, expected: Any, owner: np.ndarray, bad: np.ndarray, path: str,
           scalars_at: tuple[str, ...]) -> None:  # fmt: skip
    import pyarrow as pa

    if arr.type.equals(expected):  # nothing inferred below: no unknown key to find
        return
    if pa.types.is_struct(arr.type):
        for child in arr.type:
            values = field(arr, child.name)
            k = expected.get_field_index(child.name) if pa.types.is_struct(expected) else -1
            if k >= 0:
                _check(values, expected.field(k).type, owner, bad, f"{path}.{child.name}",
                       scalars_at)  # fmt: skip
            elif not (path in scalars_at and _is_scalar(child.type)):
                bad[owner[valid(values)]] = True
    elif pa.types.is_list(arr.type) and pa.types.is_list(expected):
        values, of, _ = explode(arr, owner)
        _check(values, expected.value_type, of, bad, path, scalars_at)


def _is_scalar(t: Any) -> bool:
    import pyarrow as pa

    return not (pa.types.is_struct(t) or pa.types.is_list(t) or pa.types.is_null(t))
