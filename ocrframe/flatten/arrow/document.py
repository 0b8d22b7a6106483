"""The ``document`` rows of a columnar read: the scalars of each body's ``result`` (direction,
counts...), one row per file, as the general walk puts them.

>>> import pyarrow as pa, numpy as np
>>> rows, bad = document_rows(pa.array([{"direction": -1, "words_block_list": []}]),
...                           np.array([1]), skip=("words_block_list",))
>>> rows.columns, bad.tolist()
({'page': [1], 'direction': [-1]}, [False])
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ...parsing import parse_json
from .._collect import Extraction
from .._extract import extract
from .._schema import DOCUMENT_RESERVED
from .columns import field, valid
from .keyorder import key_hashes, key_tokens, under_result
from .rows import Rows

__all__ = ["document_rows", "scalar_columns", "read_as_written", "written_number",
           "in_walk_key_order"]  # fmt: skip

_EXACT = 2**53  # beyond this a JSON integer read as a double may not be the integer written


def document_rows(
    result: Any,
    pages: np.ndarray,
    skip: tuple[str, ...] = (),
    extra: dict[str, list[Any]] | None = None,
) -> tuple[Rows, np.ndarray]:
    """One row per file that has any: ``page`` and each scalar key of ``result`` not in
    ``skip``, as Python values (the frame infers dtypes as the general walk's does), then the
    ``extra`` keys a reader found deeper (a value per file, None where absent). Also the
    mask of files with a value :func:`scalar_columns` refuses. Integral doubles are
    ``written`` cells of the rows (see :func:`read_as_written`)."""
    import pyarrow as pa

    found, bad, written = scalar_columns(result, skip, text=True)
    has = np.zeros(len(pages), dtype=bool)
    for values in found.values():
        has |= valid(values)
    cols: dict[str, Any] = {name: values.to_pylist() for name, values in found.items()}
    for name, values in (extra or {}).items():
        has |= np.array([v is not None for v in values], dtype=bool)
        cols[name] = values
    keep = np.flatnonzero(has)
    cols = {"page": pages[keep].tolist(), **{k: [v[i] for i in keep] for k, v in cols.items()}}
    cells = {k: np.flatnonzero(mask[keep]).tolist() for k, mask in written.items()}
    # Text: the batch types each column over every file, as the walk does (not the rows of
    # these files alone; another reader's or the walk's may hold a number in that column).
    text = any(pa.types.is_string(v.type) for v in found.values())
    return Rows(cols, keep, written={k: v for k, v in cells.items() if v}, untyped=text), bad


def scalar_columns(
    result: Any, skip: tuple[str, ...] = (), text: bool = False
) -> tuple[dict[str, Any], np.ndarray, dict[str, np.ndarray]]:
    """The scalar children of struct column ``result`` that hold a value somewhere (Arrow
    arrays, in the struct's order), but those in ``skip``; the mask of rows with a value
    other than a plain number or boolean (NaN; strings unless ``text``, for a caller whose
    rows the batch types over all files, as the general walk decides a column's type), or
    with a key whose name a frame uses already (``page``, ``source``...: the general walk
    names its column); and, per double column, the rows
    holding an integral value: the general walk keeps one written ``-1`` as an int and one
    written ``-1.0`` as a float, which only the bytes tell (:func:`read_as_written`)."""
    import pyarrow as pa

    found: dict[str, Any] = {}
    written: dict[str, np.ndarray] = {}
    bad = np.zeros(len(result), dtype=bool)
    for child in result.type:
        if child.name in skip or pa.types.is_struct(child.type) or pa.types.is_list(child.type):
            continue  # not a scalar: not a document key
        values = field(result, child.name)
        given = valid(values)
        if not given.any():
            continue  # no file of these holds it
        t = values.type
        if child.name in DOCUMENT_RESERVED:
            bad |= given
        elif pa.types.is_floating(t):
            x = values.to_numpy(zero_copy_only=False)
            with np.errstate(invalid="ignore"):
                bad |= given & ~np.isfinite(x)
                integral = given & np.isfinite(x) & ((np.abs(x) >= _EXACT) | (x == np.round(x)))
            if integral.any():
                written[child.name] = integral
        elif not (pa.types.is_integer(t) or pa.types.is_boolean(t) or pa.types.is_null(t)
                  or (text and pa.types.is_string(t))):  # fmt: skip
            bad |= given
        found[child.name] = values
    return found, bad, written


def read_as_written(document: Rows, body_of: Callable[[int], bytes]) -> set[int]:
    """Give each ``written`` cell of ``document`` (an integral double) the value the general
    walk reads: an int where the body writes an integer (``-1``), else a float (``-1.0``,
    ``1e2``). The number is read from the body of the row's file (``body_of(file)``), after
    the one member of the column's name it holds. Returns the files whose number could not
    be read so (the name written twice, a key with escapes, a body gone): the walk reads
    those.

    >>> rows = Rows({"page": [1], "direction": [-1.0]}, np.array([0]), written={"direction": [0]})
    >>> read_as_written(rows, lambda file: b'{"result": {"direction": -1}}'), rows.columns
    (set(), {'page': [1], 'direction': [-1]})
    """
    cells: dict[int, list[tuple[str, int]]] = {}  # by file: each body is read once
    for name, rows in document.written.items():
        for row in rows:
            cells.setdefault(int(document.file[row]), []).append((name, row))
    unread: set[int] = set()
    for file, named in cells.items():
        try:
            body = body_of(file)
        except OSError:  # gone
            unread.add(file)
            continue
        for name, row in named:
            values = document.columns[name]
            number = written_number(body, name.rsplit(".", 1)[-1])
            try:
                same = number is not None and float(number) == values[row]
            except OverflowError:  # an integer beyond any double
                same = False
            if same:
                values[row] = number
            else:
                unread.add(file)
    for name in document.written:  # a column of ints and floats: typed over every file's
        kinds = {type(v) for v in document.columns[name] if v is not None}
        document.untyped |= int in kinds and float in kinds
    document.written = {}
    return unread


def written_number(body: bytes, key: str) -> int | float | None:
    """The JSON number of the one member named ``key`` in ``body``, as the general parser
    reads it (an int unless written with a fraction or an exponent); None when the name is
    written more than once (a key elsewhere, a string), holds no number, or when a key of the
    body is written with escapes (it could be this one, in another spelling).

    >>> written_number(b'{"a": {"d": 1.0}}', "d"), written_number(b'{"d": 1, "e": [3]}', "d")
    (1.0, 1)
    >>> written_number(b'{"d": 1, "x": "d"}', "d")  # "d" twice
    >>> written_number(b'{"\\\\u0064": 1.0, "x": {"d": 1}}', "d")  # a key with an escape
    >>> written_number(b'{"d": ' + b"9" * 5000 + b"}", "d")  # no int Python reads, no double
    """
    name = b'"' + key.encode() + b'"'
    at = body.find(name)
    if at < 0 or body.find(name, at + 1) >= 0:
        return None
    if b"\\" in body and _ESCAPED_KEY.search(body):
        return None
    before = at - 1
    while before >= 0 and body[before] in b" \t\r\n":
        before -= 1
    hit = _MEMBER_NUMBER.match(body, at + len(name))
    if before < 0 or body[before] not in b"{," or hit is None:
        return None  # not a member (the name is a value's text), or no number
    token = hit.group(1)
    if any(c in token for c in b".eE"):
        return float(token)
    return int(token) if len(token) <= _DIGITS else None  # longer: beyond any double anyway


_DIGITS = 400  # Python refuses to read integers of over 4,300 digits; a double ends at 309
# A key written with an escape: a backslash, then the rest of its string and a colon (a value
# holding a backslash is followed by a comma or a bracket; one holding an escaped quote then a
# colon is taken for a key too, which only sends its file the general way).
_ESCAPED_KEY = re.compile(rb'\\[^"]*"\s*:')
_MEMBER_NUMBER = re.compile(
    rb"\s*:\s*(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*[,}]"
)


def in_walk_key_order(document: Rows, body_of: Callable[[int], bytes]) -> Rows:
    """``document`` with its keys in the order the general walk meets them: by the first row
    holding each, then, among keys first held by one file, in that file's order. Arrow keeps
    one order for every file, so such a file (``body_of(file)`` gives its bytes) is walked
    for its own, one per row that first holds two keys or more; a file that cannot be read
    again or parsed leaves its keys in Arrow's order.

    >>> rows = Rows({"page": [1], "direction": [0], "words_block_count": [2]}, np.array([0]))
    >>> body = b'{"result": {"words_block_count": 2, "direction": 0, "words_block_list": []}}'
    >>> list(in_walk_key_order(rows, lambda file: body).columns)
    ['page', 'words_block_count', 'direction']
    """
    names = [k for k in document.columns if k != "page"]
    first = {k: next((i for i, v in enumerate(document.columns[k]) if v is not None), -1)
             for k in names}  # fmt: skip
    held = np.bincount([r for r in first.values() if r >= 0], minlength=1)
    walked: dict[int, dict[str, int]] = {}
    for row in np.flatnonzero(held > 1).tolist():  # one key first held: nothing to order
        try:
            body = body_of(int(document.file[row]))
        except (OSError, ValueError):  # gone, or no longer a cache file: Arrow's order
            continue
        met = _written_order(body, [k for k in names if first[k] == row])
        if met is None:
            try:
                raw = parse_json(body)
            except ValueError:  # what pyarrow read the parser refuses
                continue
            ex = extract(raw, ex=Extraction(("document",)))
            met = list(dict.fromkeys(k for p in sorted(ex.document) for k in ex.document[p]))
        walked[row] = {k: i for i, k in enumerate(met)}
    rank = {k: (first[k], walked.get(first[k], {}).get(k, len(names)), i)
            for i, k in enumerate(names)}  # fmt: skip
    ordered = sorted(names, key=rank.__getitem__)
    if ordered == names:
        return document
    columns = {"page": document.columns["page"], **{k: document.columns[k] for k in ordered}}
    return Rows(columns, document.file, document.order, document.written, document.untyped)


def _written_order(body: bytes, names: list[str]) -> list[str] | None:
    """``names`` in the order ``body`` writes them, when each is a key the body writes once,
    all of them keys of ``result`` itself: the walk meets them in that order. None otherwise,
    for the walk to tell. One key scan of the body, not a parse and a walk of all of it.

    >>> _written_order(b'{"result": {"b": 1, "x": [{"c": 2}], "a": 3}}', ["a", "b"])
    ['b', 'a']
    >>> _written_order(b'{"result": {"b": 1, "x": {"a": 2}}, "a": 3}', ["a", "b"]) is None
    True
    """
    keys = key_tokens([body])
    wanted = key_hashes(names)
    hit = np.isin(keys.hash, wanted)
    at = np.flatnonzero(hit)
    if len(at) != len(names) or len(np.unique(keys.hash[at])) != len(names):
        return None  # a name written twice, or not as a plain key (escaped, say)
    if (keys.depth[at] != 2).any() or not under_result(keys)[at].all():
        return None
    by_hash = dict(zip(wanted.tolist(), names, strict=True))
    return [by_hash[h] for h in keys.hash[at].tolist()]
