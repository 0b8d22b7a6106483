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
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from ...catalog import APIS
from ...datasets.cache import split_cache_file
from ...errors import CacheCorruptError
from ...files import Snapshot
from ...parsing import MAX_DEPTH, SAVED_KEY, nesting_depths, saved_header
from .columns import explode, field, valid, whole
from .joined import Joined

__all__ = ["read_bodies", "reread_body", "drop_deep", "parse", "unexpected",
           "with_scalars", "find_bytes", "folded", "written_nulls", "ARRAY_PIECE",
           "OPENING"]  # fmt: skip

SAVED_HEADER = "_ocrframe"  # what Response.to_json adds (source, page, api): not the body

Groups = dict[str, tuple[list[int], Joined]]


def read_bodies(
    entries: Sequence[Any],
    markers: dict[str, tuple[bytes, ...]],
    nullable: frozenset[str] = frozenset(),
    routes: dict[str, frozenset[bytes]] | None = None,
) -> tuple[Groups, list[int]]:
    """The saved files among ``entries`` a columnar reader may take, by API: ``{api: (entry
    indices, their bodies joined)}``, and the indices of the others (the general walk's).

    ``markers`` maps each reader's API to byte strings one of which its bodies hold; the API
    the entry or its cache header names wins (its body must hold one of them), else the first
    whose marker is in the body. A body is taken when it is valid UTF-8 and, unless its API
    is one of ``nullable`` (whose reader tells a written null from an absent key), holds no
    JSON ``null`` (Arrow reads null and absent alike; the general walk keeps a null it does
    not know); its newlines become spaces (one body a line). Those checks run over all the bodies
    joined, not file by file. ``routes`` send a body naming no API that writes one of their
    keys early to that API's group, whatever its markers (see :func:`_routed`). The bytes come
    from ``entry.read`` (those kept since the entry was made, when the file is unchanged); a
    file left to the general walk keeps them for it.

    >>> import pathlib, tempfile
    >>> from ocrframe.datasets.batch import Entry
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> entries = []
    >>> for name, body in [("a", b'{"result": {"words_block_list": []}}'),
    ...                    ("b", b'{"result": {"words_block_list": null}}')]:
    ...     _ = (folder / name).write_bytes(body)
    ...     entries.append(Entry(name, None, None, path=str(folder / name)))
    >>> groups, left = read_bodies(entries, {"general-text": (b'"words_block_list"',)})
    >>> [(api, idx, list(bodies)) for api, (idx, bodies) in groups.items()], left
    ([('general-text', [0], [b'{"result": {"words_block_list": []}}'])], [1])
    """
    left: list[int] = []
    idx: list[int] = []
    named: list[str | None] = []
    stamps: list[tuple[int, ...] | None] = []
    bodies = Joined()
    for i, entry in enumerate(entries):
        got = _saved_body(entry, markers)
        if got is None:
            left.append(i)
            continue
        idx.append(i)
        named.append(got[0])
        bodies.append(got[1])
        # Kept bytes the buffer now holds as they are go now (their copy comes back out for a
        # file left to the general walk); altered ones (a cache file's body) stay till then.
        kept = entry.kept
        stamps.append(kept.stamp if kept is not None and kept.data is got[1] else None)
        if stamps[-1] is not None:
            entry.kept = None
        del got, kept
    if not idx:
        return {}, left
    apis = _routed(bodies, named, _apis(bodies, named, markers), routes or {})
    candidates = [j for j, api in enumerate(apis) if api is not None]
    strict = [j for j in candidates if apis[j] not in nullable]
    with_null = np.flatnonzero(written_nulls(bodies, strict)).tolist()
    for j in set(with_null) | _not_utf8(bodies, candidates):
        apis[j] = None
    by_api: dict[str, list[int]] = {}
    for j, api in enumerate(apis):
        if api is None:
            left.append(idx[j])
            if stamps[j] is not None:
                entries[idx[j]].kept = Snapshot(bodies[j], stamps[j])
        else:
            by_api.setdefault(api, []).append(j)
            entries[idx[j]].kept = None  # taken: read again only if the reader gives it back
    left.sort()
    if [len(js) for js in by_api.values()] == [len(bodies)]:  # one reader takes them all
        return {next(iter(by_api)): (idx, bodies)}, left
    return {api: ([idx[j] for j in js], bodies.taking(js)) for api, js in by_api.items()}, left


def _saved_body(
    entry: Any, markers: dict[str, tuple[bytes, ...]]
) -> tuple[str | None, bytes] | None:
    """The API ``entry`` or its cache header names (None: none does) and the bytes of its
    body, one line; None when the file cannot go the columnar way."""
    if entry.response is not None or not entry.path:
        return None
    if entry.api is not None and (entry.api not in markers or entry.api not in APIS):
        return None
    try:  # the bytes read_responses kept stay for the general walk until taken
        kept = entry.kept
        data = entry.read(keep=True)
        # Only a file holding the header's key can be a cache file (looked for from the end,
        # where a saved response's header is; not again in the bytes listing found without).
        keyless = entry.keyless and kept is not None and data is kept.data
        last = -1 if keyless else data.rfind(SAVED_KEY)
        if last >= 0 and data.find(SAVED_KEY) < last:
            return None  # the key twice (in a cache file's body, say): the walk reads each
        saved = last >= 0
        parts = split_cache_file(data) if saved else None
    except (OSError, CacheCorruptError):
        return None
    if saved and parts is None:
        ends = entry.labelled if entry.labelled is not None else saved_header(data) is not None
        if not ends:  # the key, but not a header ending the file (written first, say): the
            return None  # general walk reads it where it is
    api = entry.api
    if parts is not None:
        body, header = parts
        if hashlib.sha256(body).hexdigest() != header["cache"].get("sha256"):
            return None  # the general path reports it as corrupt
        if header.get("api") is not None:
            named = header["api"]
            if api not in (None, named) or named not in markers or named not in APIS:
                return None
            api = named
        data = body
    if b"\n" in data or b"\r" in data:  # raw newlines in JSON are whitespace only
        data = data.replace(b"\r", b" ").replace(b"\n", b" ")
    return api, data


def reread_body(entry: Any) -> bytes:
    """The body of ``entry``'s file read again, as the general walk reads it (a cache file's
    body without its header line); OSError when it cannot be read."""
    data = entry.read(keep=True)
    parts = split_cache_file(data) if SAVED_KEY in data else None
    return parts[0] if parts is not None else data


# How much of each body the routes' keys are looked for in: the keys of ``result`` come first
# in what a service sends (a search of whole bodies would cost a third of their parse).
HEAD = 512
_KEY = re.compile(rb'"([^"\\]{1,64})"\s*:')  # a key, as written (an escaped one aside)


def _routed(bodies: Joined, named: list[str | None], apis: list[str | None],
            routes: dict[str, frozenset[bytes]]) -> list[str | None]:  # fmt: skip
    """``apis`` (each body's, by its markers) with each body that names no API, holds another
    reader's marker than a route's and writes one of its keys before its first list (within its
    first :data:`HEAD` bytes) sent to that route's group (the first route that matches). The
    keys before the first list, not all of the head: a General Text body writes its blocks'
    keys there, each to look up (3 us a body; 0.3 us up to its first list)."""
    out = list(apis)
    todo = [j for j, (name, api) in enumerate(zip(named, apis, strict=True))
            if name is None and api is not None and api not in routes]  # fmt: skip
    if not routes or not todo:
        return out
    heads = bodies.heads(HEAD)
    for j in todo:
        head = heads[j]
        keys = _KEY.findall(head, 0, len(head) if (cut := head.find(b"[")) < 0 else cut)
        out[j] = next((api for api, names in routes.items() if not names.isdisjoint(keys)), out[j])
    return out


def _apis(
    bodies: Joined, named: list[str | None], markers: dict[str, tuple[bytes, ...]]
) -> list[str | None]:
    """The API of each body: the one named when the body holds one of its markers, else the
    first in ``markers`` whose marker it holds; None when neither. Each set of markers is
    looked for once over the bodies still undecided (the field APIs share theirs); a body
    holding none of the sets but the last (:func:`_holding_any`, one pass) is looked at for
    that one alone."""
    apis = list(named)
    for api in dict.fromkeys(a for a in named if a is not None):
        which = [j for j, a in enumerate(named) if a == api]
        held = _holding(bodies, which, markers[api])
        for j in which:
            if j not in held:
                apis[j] = None
    todo = [j for j, a in enumerate(named) if a is None]
    sets = list(dict.fromkeys(markers.values()))
    last_only: list[int] = []
    if todo and len(sets) > 1:
        earlier = _holding_any(bodies, todo, tuple(m for ms in sets[:-1] for m in ms))
        last_only = [j for j in todo if j not in earlier]
        todo = [j for j in todo if j in earlier]
    tried: set[tuple[bytes, ...]] = set()
    for api, ms in markers.items():
        if ms == sets[-1]:  # the bodies only it may claim join in
            todo, last_only = sorted(todo + last_only), []
        if not todo or ms in tried:
            continue
        tried.add(ms)
        held = _holding(bodies, todo, ms)
        for j in held:
            apis[j] = api
        todo = [j for j in todo if j not in held]
    return apis


def _holding_any(bodies: Joined, which: list[int], markers: tuple[bytes, ...]) -> set[int]:
    """The bodies among ``which`` that hold one of ``markers``, found in one pass by Arrow's
    regular expressions (RE2 reads every alternative at once: 1,000 ID cards, 8 sets of
    markers: 1.6 ms, where a search per set costs 10 ms); all of ``which`` when a marker is
    not ASCII (then each set is searched as it is).

    >>> bodies = Joined([b'{"a b": 1}', b"{}", b"(x)+"])
    >>> sorted(_holding_any(bodies, [0, 1, 2], (b'"a b"', b"(x)+")))
    [0, 2]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not all(m.isascii() for m in markers):
        return set(which)
    pattern = "|".join(_re2_literal(m) for m in dict.fromkeys(markers))
    array = bodies.arrow()
    if len(which) < len(bodies):
        array = array.take(pa.array(which, type=pa.int64()))
    hit = pc.match_substring_regex(array, pattern).to_numpy(zero_copy_only=False)
    del array
    return {which[k] for k in np.flatnonzero(hit).tolist()}


def _re2_literal(marker: bytes) -> str:
    """An RE2 pattern matching the ASCII bytes ``marker``: letters, digits and ``_`` as they
    are, every other byte by its code (no RE2 escaping rule to get wrong).

    >>> print(_re2_literal(b'"kv_result"'))
    \\x22kv_result\\x22
    """
    return "".join(chr(b) if chr(b).isalnum() or b == 95 else f"\\x{b:02x}" for b in marker)


def _holding(bodies: Joined, which: list[int], markers: tuple[bytes, ...]) -> set[int]:
    """The bodies among ``which`` that hold one of ``markers``: several are looked for in one
    pass, at their common ending (where the data holds that ending at all: a stretch without
    it, the common case, costs one plain search)."""
    data = bodies.data
    ending, pattern = _any_of(markers)

    def find(start: int, stop: int) -> int:
        at = find_bytes(data, ending, start, stop)
        if at < 0 or pattern is None:
            return at
        hit = pattern.search(data, at, stop)
        return hit.start() if hit else -1

    return {j for j, _ in bodies.first_hits(which, find)}


@lru_cache(maxsize=64)
def _any_of(markers: tuple[bytes, ...]) -> tuple[bytes, re.Pattern[bytes] | None]:
    """The ending ``markers`` share, and a pattern found at that ending where one of them
    ends there (each checked behind it: several times faster than a search for any of several
    strings opening with a quote); None for one marker (the ending is the marker).

    >>> ending, pattern = _any_of((b'"kv_result"', b'"ocr_result"'))
    >>> ending, pattern.search(b'{"x_result": 1, "kv_result": 2}').start()
    (b'_result"', 19)
    """
    if len(markers) == 1:
        return markers[0], None
    ending = bytes(os.path.commonprefix([m[::-1] for m in markers])[::-1])
    behind = b"|".join(b"(?<=" + re.escape(m) + b")" for m in markers)
    return ending, re.compile(re.escape(ending) + b"(?:" + behind + b")")


def written_nulls(bodies: Sequence[bytes], which: Sequence[int] | None = None) -> np.ndarray:
    """How many JSON ``null`` each of ``bodies`` (those ``which``, others 0) writes: not inside
    a string, not in the ``_ocrframe`` member Response.to_json ends a file with (its nulls
    are not the body's). Only the bodies holding the bytes ``null`` at all are read closely.

    >>> written_nulls([b'{"a": null, "b": "null"}', b'{"c": [null, 1, null]}', b'{}'])
    array([1, 2, 0])
    """
    joined = Joined.of(bodies)
    data = joined.data
    counts = np.zeros(len(joined), dtype=np.int64)
    which = range(len(joined)) if which is None else which
    for j, at in joined.first_hits(which, lambda a, b: find_bytes(data, b"null", a, b)):
        start, end = joined.span(j)
        stop = _saved_header_start(data, start, end)
        if at < stop:
            counts[j] = _STRING.sub(b"", data[start:stop]).count(b"null")
    return counts


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')  # a JSON string, escapes and all


def _not_utf8(bodies: Joined, which: list[int]) -> set[int]:
    """The bodies among ``which`` that are not valid UTF-8 (the general parser refuses them,
    so must this path): Arrow checks all at once; only when it finds a fault are the bodies
    decoded one by one."""
    import pyarrow as pa

    if bodies.data.isascii():
        return set()
    try:
        bodies.arrow().view(pa.large_string()).validate(full=True)
        return set()
    except pa.ArrowInvalid:
        pass
    bad = set()
    for j in which:
        try:
            bytes(memoryview(bodies.data)[slice(*bodies.span(j))]).decode("utf-8")
        except UnicodeDecodeError:
            bad.add(j)
    return bad


_SAVED_HEADER_MEMBER = re.compile(rb',\s*"_ocrframe"\s*:\s*\{[^{}\[\]]*\}\s*\}\s*$')


def _saved_header_start(data: bytes | bytearray, start: int, end: int) -> int:
    """Where the ``_ocrframe`` member ending the saved response ``data[start:end]`` starts
    (a flat object as the last member), else ``end``."""
    at = data.rfind(SAVED_KEY, max(start, end - 4096), end)
    if at < 0:
        return end
    m = _SAVED_HEADER_MEMBER.search(data, max(start, data.rfind(b",", start, at)), end)
    return m.start() if m else end


_NEAR = 1 << 16  # bytes searched plainly first: most hits are near
_STRETCH = 1 << 20  # positions looked through at once past that (views of the bytes, a quarter
# as many booleans per pass)


def find_bytes(data: bytes | bytearray, needle: bytes, start: int, stop: int) -> int:
    """``data.find(needle, start, stop)``, 3-4x faster through long stretches without it
    (looking for a key that none of a dataset's bodies holds): past the first ``_NEAR`` bytes
    the stretch is looked through with numpy, a megabyte at a time.

    >>> data = b"x" * 300_000 + b'"kv_result"' + b"y" * 10
    >>> find_bytes(data, b'_result"', 0, len(data)) == data.find(b'_result"')
    True
    >>> find_bytes(data, b"null", 0, len(data)), find_bytes(data, b"xx", 5, 9)
    (-1, 5)
    """
    near = min(stop, start + _NEAR)
    at = data.find(needle, start, near)
    if at >= 0 or near >= stop:
        return at
    begin = max(start, near - len(needle) + 1)  # a hit across ``near`` counts
    if len(needle) < 4:
        return data.find(needle, begin, stop)
    while True:  # ``_STRETCH`` starting positions at a time
        end = min(stop, begin + _STRETCH + len(needle) - 1)
        at = _first_in(data, needle, begin, end)
        if at >= 0 or end >= stop:
            return at
        begin += _STRETCH


def _first_in(data: bytes | bytearray, needle: bytes, begin: int, end: int) -> int:
    """The first ``needle`` (4 bytes or more) wholly inside ``data[begin:end]``, or -1: its
    first 4 bytes compared as one 32-bit word at each of the 4 alignments, the rest checked
    at those candidates only."""
    buf = np.frombuffer(memoryview(data)[begin:end], dtype=np.uint8)
    n, size = len(buf), len(needle)
    head = np.frombuffer(needle[:4], dtype="<u4")[0]
    found = [
        np.flatnonzero(np.frombuffer(buf, dtype="<u4", offset=k, count=(n - k) // 4) == head) * 4
        + k
        for k in range(min(4, n - 3))
    ]
    at = np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    at = at[at <= n - size]
    for i in range(4, size):  # the bytes after the first 4 (none for "null")
        at = at[buf[at + i] == needle[i]]
    return begin + int(at[0]) if len(at) else -1


def drop_deep(bodies: Sequence[bytes]) -> np.ndarray:
    """Mask of bodies nested deeper than the general parser accepts (they fail there). Only
    bodies with more opening brackets than that depth can be, so only those are measured.

    >>> drop_deep([b"[" * 101 + b"]" * 101, b"[]" * 101, b"[[1]]"]).tolist()
    [True, False, False]
    >>> drop_deep(Joined([b"[" * 101 + b"]" * 101, b"[]" * 101, b"[[1]]"])).tolist()
    [True, False, False]
    """
    deep = np.zeros(len(bodies), dtype=bool)
    many = np.flatnonzero(_openers(bodies) > MAX_DEPTH).tolist()
    if many:
        deep[many] = nesting_depths([bodies[j] for j in many]) > MAX_DEPTH
    return deep


def _openers(bodies: Sequence[bytes]) -> np.ndarray:
    """The opening brackets of each body (of a :class:`Joined` buffer: counted in place, no
    body copied out)."""
    if isinstance(bodies, Joined):  # where the brackets are, ``ARRAY_PIECE`` bytes at a time
        data = bodies.data
        at = [begin + np.flatnonzero(folded(data, begin) == OPENING)
              for begin in range(0, len(data), ARRAY_PIECE)]  # fmt: skip
        found = np.concatenate(at) if at else np.zeros(0, dtype=np.int64)
        return np.diff(np.searchsorted(found, np.append(bodies.starts, len(data))))
    counts = (b.count(b"[") + b.count(b"{") for b in bodies)
    return np.fromiter(counts, np.int64, len(bodies))


OPENING = ord("{")  # and "[", which is "{" with bit 5 cleared
# Bytes per array pass over bodies: arrays of this size come back from the allocator already
# mapped (a megabyte each is mapped anew, a page fault per 4 kB: 4x the pass itself).
ARRAY_PIECE = 1 << 17


def folded(data: bytes | bytearray | np.ndarray, begin: int = 0) -> np.ndarray:
    """``ARRAY_PIECE`` bytes of ``data`` from ``begin`` (all of an array), bit 5 set: "[" reads
    as ``OPENING`` ("{"), and "]" as "}"; no other byte as either.

    >>> (folded(b'[{"]"}]') == OPENING).tolist()[:2]
    [True, True]
    """
    if isinstance(data, np.ndarray):
        return data | 32
    return np.frombuffer(memoryview(data)[begin : begin + ARRAY_PIECE], dtype=np.uint8) | 32


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
        # pyarrow's inference drops the leading nulls of a list ([null, 1]) and keeps their
        # offsets (apache/arrow#51305): a table that fails validation is refused, so halving
        # leaves such a body to the general walk (a full check: 0.4 ms for 1,000 ID cards).
        table.validate(full=True)
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
