"""Columnar reader of Smart Document Recognizer bodies. ``result`` is a list of elements,
one per page (or the reference example's one element per result kind, all on one page), each
holding ``ocr_result`` (words, chars), ``kv_result`` (kv, kv_boxes), ``table_result`` and
``form_result`` (cells, outlines), ``layout_result`` and ``formula_result``; the scalars of
each kind are ``document`` keys (``ocr_result.direction``), as in the general walk
(``_walk_result_list`` in :mod:`ocrframe.flatten._extract`).

>>> API, LISTS["table_result"]
('smart-document-recognizer', 'table_list')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._extract import ALARM_RESULT, CONTAINER_KEYS, SDR_KINDS
from .blocks import char_rows, out_of_range, polygon_columns, word_rows
from .columns import explode, field, floats, lengths, strings, valid, whole
from .document import scalar_columns
from .files import SAVED_HEADER
from .general_text import block_type, polygon_type
from .grid_cells import EXACT_INT, table_rows
from .joined import Joined
from .rows import Built, Rows

__all__ = [
    "API",
    "MARKERS",
    "SCHEMA",
    "KIND_SCALARS",
    "SCALARS_AT",
    "NEEDS_BODIES",
    "LISTS",
    "read",
]

API = "smart-document-recognizer"
MARKERS = tuple(f'"{kind}"'.encode() for kind in SDR_KINDS)
# The list each kind holds; its other keys are scalars, the page's document keys.
LISTS = {"ocr_result": "words_block_list", "kv_result": "kv_block_list",
         "table_result": "table_list", "form_result": "form_list",
         "layout_result": "layout_block_list", "formula_result": "formula_list"}  # fmt: skip
# The documented scalars of each kind, declared so a clean body needs no inference (an
# integral direction is then read as a float: the bytes tell how it was written).
KIND_SCALARS = {"ocr_result": {"direction": "float64", "words_block_count": "int64"},
                "kv_result": {"kv_block_count": "int64"},
                "table_result": {"table_count": "int64"}, "form_result": {"form_count": "int64"},
                "layout_result": {"layout_block_count": "int64"},
                "formula_result": {"formula_count": "int64"}}  # fmt: skip
# Other scalars of a kind are inferred and allowed: document keys too.
SCALARS_AT = tuple(f"result.{kind}" for kind in SDR_KINDS)
NEEDS_BODIES = True  # the order of table_result and form_result in an element is in the bytes


def SCHEMA() -> Any:  # noqa: N802 (a constant, built lazily: pyarrow loads on first use)
    import pyarrow as pa

    poly, text, ints = polygon_type(), pa.string(), pa.list_(pa.int64())
    cell = pa.struct([("words", text), ("rows", ints), ("columns", ints)])
    table = pa.struct([("location", poly), ("words_block_count", pa.int64()),
                       ("words_block_list", pa.list_(cell)), ("excel", text)])  # fmt: skip
    box = pa.struct([("words", text), ("type", text), ("location", poly)])
    pair = pa.struct([("key", text), ("value", text), ("confidence", pa.float64()),
                      ("words_block_count", pa.int64()),
                      ("words_block_list", pa.list_(box))])  # fmt: skip
    layout = pa.struct([("type", text), ("text", text), ("location", poly), ("words_ids", ints),
                        ("table_id", pa.int64()), ("form_id", pa.int64()),
                        ("formula_id", pa.int64())])  # fmt: skip
    formula = pa.struct([("formula", text), ("type", text), ("location", poly)])
    items = {"ocr_result": block_type(), "kv_result": pair, "table_result": table,
             "form_result": table, "layout_result": layout, "formula_result": formula}  # fmt: skip
    page = pa.struct(
        [(kind, pa.struct([*[(k, getattr(pa, t)()) for k, t in KIND_SCALARS[kind].items()],
                           (LISTS[kind], pa.list_(items[kind]))])) for kind in SDR_KINDS]
    )  # fmt: skip
    return pa.schema([("result", pa.list_(page)), ("error_code", pa.string())])


@dataclass
class _Elements:
    """The elements of every file's ``result``: file, index in its list, page."""

    file: np.ndarray
    index: np.ndarray
    page: np.ndarray

    def items(self, lists: Any) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The items of a list column over the elements: values, element of each, its index
        in its list, its file and its page."""
        values, owner, number = explode(lists, np.arange(len(self.file)))
        return values, owner, number, self.file[owner], self.page[owner]


def read(table: Any, pages: np.ndarray, wanted: frozenset[str], bodies: list[bytes]) -> Built:
    """Frames of Smart Document Recognizer bodies (see :mod:`ocrframe.flatten.arrow.dispatch`)."""
    result = whole(table, "result")
    ok = np.asarray(table.column("error_code").is_null().to_numpy(zero_copy_only=False), bool)
    values, elem_file, elem_index = explode(result, np.arange(len(result)))
    kinds = {kind: field(values, kind) for kind in SDR_KINDS}
    has = {kind: valid(v) for kind, v in kinds.items()}
    el = _Elements(elem_file, elem_index, _pages(has, elem_file, elem_index, pages))
    lists = {}
    for kind, v in kinds.items():
        lists[kind] = field(v, LISTS[kind])
        # Without its list a kind is no container: the walk reads its keys as fields.
        ok[elem_file[has[kind] & ~valid(lists[kind])]] = False
        ok[elem_file[_odd_scalars(v, LISTS[kind])]] = False
    strict = "other" in wanted
    rows: dict[str, list[Rows]] = {}
    bad_elem = np.zeros(len(elem_file), dtype=bool)
    if wanted & {"words", "chars", "other"}:
        bad_elem |= _words(lists["ocr_result"], el, wanted, strict, rows)
    if wanted & {"kv", "kv_boxes", "other"}:
        bad_elem |= _kv(lists["kv_result"], el, strict, rows)
    form_first = np.zeros(len(elem_file), dtype=bool)
    if wanted & {"cells", "outlines", "other"}:
        form_first, bad_files = _form_first(table, bodies, has, elem_file)
        ok &= ~bad_files
    counts = []
    if wanted & {"cells", "outlines", "words", "document", "other"}:
        for kind, rank in (("table", form_first), ("form", ~form_first)):
            bad, count = _tables(lists[f"{kind}_result"], el, kind, rank, wanted, rows)
            bad_elem |= bad
            counts.append(count)
    if wanted & {"layout", "other"}:
        bad_elem |= _layout(lists["layout_result"], el, rows)
    if wanted & {"formulas", "other"}:
        bad_elem |= _formulas(lists["formula_result"], el, rows)
    if wanted & {"document", "other"}:
        document, bad = _document(kinds, counts, el)
        bad_elem |= bad
        rows["document"] = [document]  # columns put in walk order by the dispatcher
    ok[elem_file[bad_elem]] = False
    return Built(ok, rows)


def _pages(has: dict[str, np.ndarray], file: np.ndarray, index: np.ndarray,
           pages: np.ndarray) -> np.ndarray:  # fmt: skip
    """Page of each element: its file's page plus its index, except in files whose elements
    hold one kind each, all different (the reference example: one page)."""
    n = len(pages)
    per_element = sum(h.astype(np.int64) for h in has.values())
    several = np.zeros(n, dtype=bool)
    several[file[per_element > 1]] = True
    for h in has.values():
        several |= np.bincount(file[h], minlength=n) > 1
    return pages[file] + np.where(several[file], index, 0)


def _odd_scalars(kind: Any, own_list: str) -> np.ndarray:
    """Elements whose kind holds a scalar the walk would not make a document key (named as
    a container, an alarm flag)."""
    odd = np.zeros(len(kind), dtype=bool)
    for child in kind.type:
        if child.name != own_list and (
            child.name in CONTAINER_KEYS or ALARM_RESULT.match(child.name)
        ):
            odd |= valid(field(kind, child.name))
    return odd


def _words(lists: Any, el: _Elements, wanted: frozenset[str], strict: bool,
           rows: dict[str, list[Rows]]) -> np.ndarray:  # fmt: skip
    bad_elem = np.zeros(len(el.file), dtype=bool)
    blocks, owner, block, file, page = el.items(lists)
    na = pd.arrays.IntegerArray(np.zeros(len(block), np.int64), np.ones(len(block), dtype=bool))
    ids = {"page": page, "region": na, "table": na, "cell": na, "block": block}
    order = (el.index[owner], block)
    if wanted & {"words", "other"}:
        words, bad = word_rows(blocks, file, ids, order, strict=strict)
        bad_elem[owner[bad]] = True
        rows["words"] = [words]
    if wanted & {"chars", "other"} and lengths(field(blocks, "char_list")).any():
        chars, bad, _ = char_rows(blocks, file, ids, order)
        bad_elem[owner[bad]] = True
        rows["chars"] = [chars]
    return bad_elem


def _kv(lists: Any, el: _Elements, strict: bool, rows: dict[str, list[Rows]]) -> np.ndarray:
    bad_elem = np.zeros(len(el.file), dtype=bool)
    pairs, owner, pair, file, page = el.items(lists)
    given = field(pairs, "confidence")
    conf = floats(given)
    if strict:
        bad_elem[owner[out_of_range(conf, valid(given))]] = True
    boxes_lists = field(pairs, "words_block_list")
    count = field(pairs, "words_block_count")
    given = valid(count)
    if strict and given.any():  # a count not the boxes' goes to other (the walk's _counted)
        said = np.asarray(count.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
        wrong = ~valid(boxes_lists) | (said != lengths(boxes_lists))
        bad_elem[owner[given & wrong]] = True
    cols = {"page": page, "pair": pair, "key": strings(field(pairs, "key")),
            "value": strings(field(pairs, "value")), "confidence": conf,
            "n_boxes": lengths(boxes_lists)}  # fmt: skip
    rows["kv"] = [Rows(cols, file, (el.index[owner], pair))]
    boxes, of, box = explode(boxes_lists, np.arange(len(pairs)))
    loc, bad = polygon_columns(field(boxes, "location"))
    bad_elem[owner[of[bad]]] = True
    cols = {"page": page[of], "pair": pair[of], "box": box, "role": strings(field(boxes, "type")),
            "text": strings(field(boxes, "words")), **loc}  # fmt: skip
    rows["kv_boxes"] = [Rows(cols, file[of], (el.index[owner[of]], pair[of], box))]
    return bad_elem


def _tables(lists: Any, el: _Elements, kind: str, later: np.ndarray, wanted: frozenset[str],
            rows: dict[str, list[Rows]]) -> tuple[np.ndarray, tuple[Any, ...]]:  # fmt: skip
    """Cells and outlines of the tables (``kind`` "table") or forms of each element; ``later``:
    elements where this kind comes after the other in the body (its rows follow theirs).
    Also what the document needs: (kind, each table's ``words_block_count``, element, number)."""
    bad_elem = np.zeros(len(el.file), dtype=bool)
    tables, owner, number, file, page = el.items(lists)
    order = (el.index[owner], later[owner].astype(np.int64), number)
    found, bad = table_rows(tables, file, page, number, kind, order, wanted)
    bad_elem[owner[bad]] = True
    for name, part in found.items():
        rows.setdefault(name, []).append(part)
    return bad_elem, (kind, field(tables, "words_block_count"), owner, number)


def _layout(lists: Any, el: _Elements, rows: dict[str, list[Rows]]) -> np.ndarray:
    bad_elem = np.zeros(len(el.file), dtype=bool)
    blocks, owner, block, file, page = el.items(lists)
    words_ids = field(blocks, "words_ids")
    ids, of, _ = explode(words_ids, np.arange(len(blocks)))
    big = np.abs(np.asarray(ids.to_numpy(zero_copy_only=False), np.int64)) >= EXACT_INT
    bad_elem[owner[of[big]]] = True
    loc, bad = polygon_columns(field(blocks, "location"))
    bad_elem[owner[bad]] = True
    cols = {"page": page, "block": block, "type": strings(field(blocks, "type")),
            "text": strings(field(blocks, "text")), "words_ids": words_ids.to_pylist(),
            **loc}  # fmt: skip
    for key in ("table_id", "form_id", "formula_id"):
        values = field(blocks, key)
        given = valid(values)
        numbers = np.asarray(values.fill_null(0).to_numpy(zero_copy_only=False), np.int64)
        bad_elem[owner[given & (np.abs(numbers) >= EXACT_INT)]] = True
        cols[key] = pd.arrays.IntegerArray(numbers, ~given)
    rows["layout"] = [Rows(cols, file, (el.index[owner], block))]
    return bad_elem


def _formulas(lists: Any, el: _Elements, rows: dict[str, list[Rows]]) -> np.ndarray:
    bad_elem = np.zeros(len(el.file), dtype=bool)
    formulas, owner, number, file, page = el.items(lists)
    loc, bad = polygon_columns(field(formulas, "location"))
    bad_elem[owner[bad]] = True
    cols = {"page": page, "formula": number, "text": strings(field(formulas, "formula")),
            "type": strings(field(formulas, "type")), **loc}  # fmt: skip
    rows["formulas"] = [Rows(cols, file, (el.index[owner], number))]
    return bad_elem


def _document(kinds: dict[str, Any], counts: list[tuple[Any, ...]],
              el: _Elements) -> tuple[Rows, np.ndarray]:  # fmt: skip
    """One row per page with keys: each kind's scalars (``ocr_result.direction``) and each
    table's ``words_block_count`` (``table0.words_block_count``)."""
    bad_elem = np.zeros(len(el.file), dtype=bool)
    # Elements of one file on one page share a row (files are in order, pages ascending).
    new = np.ones(len(el.file), dtype=bool)
    new[1:] = (el.file[1:] != el.file[:-1]) | (el.page[1:] != el.page[:-1])
    unit = np.cumsum(new) - 1
    n = int(unit[-1]) + 1 if len(unit) else 0
    used = np.zeros(n, dtype=bool)
    keys: dict[str, list[Any]] = {}
    written: dict[str, np.ndarray] = {}  # per key: the rows whose number the bytes tell

    def put(key: str, elements: np.ndarray, values: list[Any]) -> None:
        column = keys.setdefault(key, [None] * n)
        for u, v in zip(unit[elements].tolist(), values, strict=True):
            column[u] = v
        used[unit[elements]] = True

    for kind, struct in kinds.items():
        found, bad, integral = scalar_columns(struct, skip=(LISTS[kind],))
        bad_elem |= bad
        if not found:
            continue
        has = np.logical_or.reduce([valid(values) for values in found.values()])
        at = np.flatnonzero(has)  # elements with any scalar of this kind: a key each
        for key, values in found.items():
            put(f"{kind}.{key}", at, values.take(at).to_pylist())
        for key, mask in integral.items():
            written[f"{kind}.{key}"] = np.zeros(n, dtype=bool)
            written[f"{kind}.{key}"][unit[mask]] = True
    for kind, column, owner, number in counts:
        given = valid(column)
        numbers = np.asarray(column.fill_null(0).to_numpy(zero_copy_only=False), np.int64)
        for t in np.unique(number[given]).tolist():
            at = np.flatnonzero(given & (number == t))
            put(f"{kind}{t}.words_block_count", owner[at], numbers[at].tolist())
    keep = np.flatnonzero(used)
    first = np.flatnonzero(new)[keep]  # an element of each kept row
    if len(keep) < n:
        keys = {k: [v[u] for u in keep.tolist()] for k, v in keys.items()}
    cells = {k: np.flatnonzero(mask[keep]).tolist() for k, mask in written.items()}
    return Rows({"page": el.page[first].tolist(), **keys}, el.file[first],
                written={k: v for k, v in cells.items() if v}), bad_elem  # fmt: skip


_KIND_KEYS = (b'"table_result"', b'"form_result"')


def _form_first(table: Any, bodies: Sequence[bytes], has: dict[str, np.ndarray],
                elem_file: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Per element: ``form_result`` comes before ``table_result`` in the body (the walk
    emits their cells in key order, which Arrow does not keep); per file: the order could not
    be read from the bytes (the general walk reads it).

    The names must occur exactly as often as the elements hold them, each as an object key.
    Every other object holding such a key is refused (unknown keys, kind scalars named as
    containers, a saved header holding them), so an escaped key (``"table\\u005fresult"``)
    cannot be offset by one written elsewhere."""
    tables, forms = has["table_result"], has["form_result"]
    form_first = np.zeros(len(elem_file), dtype=bool)
    bad = _header_holds(table, {name.strip(b'"').decode() for name in _KIND_KEYS})
    if not (tables & forms).any():
        return form_first, bad
    n = len(bodies)
    joined = Joined.of(bodies)  # the buffer the parse read: no copy of it
    data, starts = joined.data, joined.starts
    once = (np.bincount(elem_file[tables], minlength=n) == 1) & (
        np.bincount(elem_file[forms], minlength=n) == 1
    )
    if once[elem_file[tables & forms]].all():
        return _one_each(data, starts, joined.sizes, tables & forms, elem_file, bad)
    (at_t, text_t), (at_f, text_f) = (_key_positions(data, name) for name in _KIND_KEYS)
    at, is_form = np.concatenate([at_t, at_f]), np.repeat([False, True], [len(at_t), len(at_f)])
    file = np.searchsorted(starts, at, side="right") - 1
    bad[file[np.concatenate([text_t, text_f])]] = True
    bad |= np.bincount(file[~is_form], minlength=n) != np.bincount(elem_file[tables], minlength=n)
    bad |= np.bincount(file[is_form], minlength=n) != np.bincount(elem_file[forms], minlength=n)
    # Keys in body order, files in order: the kept files' keys line up with their elements'.
    order = np.argsort(at, kind="stable")
    kinds = is_form[order][~bad[file[order]]]
    keys = np.where(bad[elem_file], 0, tables.astype(np.int64) + forms)
    first = np.cumsum(keys) - keys  # where each element's keys start in kinds
    both, one = np.flatnonzero(keys == 2), np.flatnonzero(keys == 1)
    form_first[both] = kinds[first[both]]
    wrong = np.zeros(len(elem_file), dtype=bool)
    wrong[both] = kinds[first[both]] == kinds[first[both] + 1]
    wrong[one] = kinds[first[one]] != forms[one]
    bad[elem_file[wrong]] = True
    return form_first, bad


def _one_each(data: bytes, starts: np.ndarray, sizes: np.ndarray, both: np.ndarray,
              elem_file: np.ndarray, bad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """:func:`_form_first` where each file holding both kinds holds each once: the keys'
    last occurrences in the file, looked for from its end (the kinds' lists come after the
    words): no scan of every byte for every occurrence.

    A quote after anything but a backslash opens a string (in valid JSON a closing quote
    cannot be followed by ``table_result"``), so ``"table_result"`` there, then a colon, is a
    key of that name; the only such keys a file the reader keeps can hold are its elements'
    (see :func:`_form_first`). Any other last occurrence (text, or none: an escaped key)
    sends the file the general way."""
    form_first = np.zeros(len(elem_file), dtype=bool)
    for e in np.flatnonzero(both).tolist():
        f = int(elem_file[e])
        start, end = int(starts[f]), int(starts[f] + sizes[f])
        at_table, at_form = (_last_key(data, name, start, end) for name in _KIND_KEYS)
        if at_table < 0 or at_form < 0:
            bad[f] = True
        form_first[e] = at_form < at_table
    return form_first, bad


def _last_key(data: bytes, name: bytes, start: int, end: int) -> int:
    """Offset of the last ``name`` in ``data[start:end]`` when it is an object key written
    as it is (not after a backslash, followed by a colon), else -1.

    >>> _last_key(b'{"a": "a", "a": 1}', b'"a"', 0, 18), _last_key(b'{"a": "a"}', b'"a"', 0, 10)
    (11, -1)
    """
    k = data.rfind(name, start, end)
    if k <= start or data[k - 1 : k] == b"\\":
        return -1
    after = data[k + len(name) : min(end, k + len(name) + 16)].lstrip(b" \t")
    return k if after[:1] == b":" else -1


def _key_positions(data: bytes, name: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Offsets of ``name`` in ``data``, and which of them are not object keys (text)."""
    at, text, k = [], [], data.find(name)
    while k >= 0:
        at.append(k)
        text.append(data[k + len(name) : k + len(name) + 16].lstrip(b" \t")[:1] != b":")
        k = data.find(name, k + 1)
    return np.array(at, dtype=np.int64), np.array(text, dtype=bool)


def _header_holds(table: Any, names: set[str]) -> np.ndarray:
    """Files whose saved ``_ocrframe`` header holds objects with a key in ``names``."""
    import pyarrow as pa

    def holds(t: Any) -> bool:
        if pa.types.is_struct(t):
            return any(f.name in names or holds(f.type) for f in t)
        return pa.types.is_list(t) and holds(t.value_type)

    if SAVED_HEADER in table.column_names:
        header = whole(table, SAVED_HEADER)
        if holds(header.type):
            return valid(header)
    return np.zeros(table.num_rows, dtype=bool)
