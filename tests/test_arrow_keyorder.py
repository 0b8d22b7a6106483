"""The field reader's costs (issue #14): key tokens, field rows and the bytes taken per file.

The readers' frames are checked against the general walk in test_arrow_readers.py; these
tests pin what the cheaper formulations must keep: which body a key belongs to, the narrow
token arrays and field rows built without a second copy of every column (the screen of
the bytes taken: test_arrow_files.py).
"""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pyarrow as pa
from hypothesis import example, given
from hypothesis import strategies as st

from ocrframe.flatten.arrow.field_rows import FieldRows, Level
from ocrframe.flatten.arrow.joined import Joined
from ocrframe.flatten.arrow.keyorder import (
    item_key_ranks,
    item_key_tokens,
    key_hashes,
    key_tokens,
)


def test_a_key_belongs_to_the_body_it_is_written_in_whatever_the_bytes_hold():
    """The body of each key comes from where each body starts, not from counting line ends:
    a newline inside a body (bodies given as they are) does not move later keys to another
    body."""
    bodies = [b'{"a":\n 1, "b": {"c": 2}}', b'{"d": 3}', b'{"e": [{"f": 4}]}']
    keys = key_tokens(bodies)
    assert keys.file.tolist() == [0, 0, 0, 1, 2, 2]
    assert keys.depth.tolist() == [1, 1, 2, 1, 1, 3]
    assert key_tokens(Joined(bodies)).file.tolist() == keys.file.tolist()


def _keys_read_byte_by_byte(bodies: list[bytes], listed: bool) -> list[tuple[int, ...]]:
    """Key tokens the plain way, one byte at a time: (file, depth, hash, element) per key,
    as :class:`~ocrframe.flatten.arrow.keyorder.KeyTokens` defines them."""
    out: list[tuple[int, ...]] = []
    for f, text in enumerate(bodies):
        level, i, last_string = 0, 0, None
        opened_at: dict[int, list[int]] = {3: [], 4: []}  # where brackets opened each depth
        holders: dict[int, int] = {}  # depth -> position of the last key at that depth
        while i < len(text):
            c = text[i]
            if c == ord('"'):
                j, escaped = i + 1, False
                while text[j] != ord('"'):
                    escaped |= text[j] == ord("\\")
                    j += 2 if text[j] == ord("\\") else 1
                last_string = (i, j, escaped)
                i = j + 1
                continue
            if c in b"[{":
                level += 1
                if level in opened_at:
                    opened_at[level].append(i)
            elif c in b"]}":
                level -= 1
            elif c == ord(":") and last_string is not None:
                start, end, escaped = last_string
                name = text[start + 1 : end]
                h = -1 if escaped else int(key_hashes([name.decode()])[0])
                element = 0
                held_by = {4: 2, 3: 1 if listed else None}.get(level)
                if held_by in holders:
                    since = holders[held_by]
                    element = sum(since < b < start for b in opened_at[level]) - 1
                holders[level] = start
                out.append((f, level, h, element))
            if c not in b" \t\r\n":
                last_string = None if c != ord(":") else last_string
            i += 1
    return out


_names = st.text(alphabet='ab"\\[]{}: \u00e9', max_size=6)
_values = st.recursive(
    st.none() | st.integers(-5, 5) | _names,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_names, inner, max_size=3),
    max_leaves=12,
)


# A depth-4 key in a body with no depth-2 key: no key of the body before counts as its holder.
@example([{"a": {"x": 1}}, {"b": [[{"k": 1}, {"k": 2}]]}], False, False)
@given(st.lists(st.dictionaries(_names, _values, min_size=1, max_size=3), min_size=1,
                max_size=3), st.booleans(), st.booleans())  # fmt: skip
def test_key_tokens_are_those_of_a_byte_by_byte_read(bodies, listed, spaced):
    """Whatever the names and strings hold (quotes, backslashes, brackets, colons), each key's
    body, depth, hash and list element are those of a plain read."""
    separators = (", ", ": ") if spaced else (",", ":")
    texts = [json.dumps(b, separators=separators, ensure_ascii=False).encode() for b in bodies]
    keys = key_tokens(texts, listed=listed)
    got = zip(
        *(getattr(keys, k).tolist() for k in ("file", "depth", "hash", "element")), strict=True
    )
    assert list(got) == _keys_read_byte_by_byte(texts, listed)


_items = st.lists(st.dictionaries(st.sampled_from(["k", "v", "t", 'q"', "b"]), _values,
                                  max_size=4), max_size=3)  # fmt: skip


@given(st.lists(st.fixed_dictionaries({"b": _items}, optional={"c": _items, "k": _values}),
                min_size=1, max_size=3), st.booleans())  # fmt: skip
def test_item_keys_rank_as_each_object_of_the_list_writes_them(results, spaced):
    """The place of each member of the objects of ``result.b``: those an object holds rank in
    the order it writes them; a member it does not hold, one of another list (``c``) or of
    ``result`` itself, and a name written with escapes (``q\"``) have none."""
    separators = (", ", ": ") if spaced else (",", ":")
    texts = [json.dumps({"result": r}, separators=separators).encode() for r in results]
    keys = key_tokens(texts)
    names = ["k", "v", "t", 'q"', "b"]
    for f, result in enumerate(results):
        for e, item in enumerate(result["b"]):
            tokens = item_key_tokens(keys, "b", names)
            ranks = {n: int(item_key_ranks(tokens[n], np.array([f]), np.array([e]))[0])
                     for n in names}  # fmt: skip
            held = [n for n in item if n != 'q"']
            assert sorted(held, key=ranks.get) == held
            assert all(ranks[n] >= 0 for n in held)
            assert all(ranks[n] == -1 for n in names if n not in held)


def test_key_tokens_are_narrow():
    """Tokens stay alive while the reader builds its rows: 18 bytes a key (an int64 hash,
    int32 file and element, int16 depth), not 32."""
    body = json.dumps({"result": {f"k{i}": {"x": i, "y": [{"z": 1}]} for i in range(50)}})
    keys = key_tokens([body.encode()] * 20)
    per_key = sum(getattr(keys, k).nbytes for k in ("file", "depth", "hash", "element"))
    assert per_key / len(keys.file) == 18


def _field_rows(n: int, with_polygons: bool) -> FieldRows:
    """Rows of ``n`` files, 8 fields each, added field by field (not in key order)."""
    out = FieldRows(["passport"], np.zeros(n, dtype=np.int64))
    level = Level(np.arange(n), np.zeros((n, 1), dtype=np.int64))
    files = np.arange(n)
    for k in range(8):
        xy = np.arange(n * 8, dtype=np.float64).reshape(n, 8) if with_polygons else None
        rank = files * 8 + (7 - k)  # the last field added is written first
        value = pa.array([f"value {k} of file {i}" for i in range(n)])
        out.add(level, files, out.name(f"field_{k}"), rank, value, np.full(n, 0.5), xy)
    return out


def test_field_rows_come_in_key_order_with_their_polygons():
    out = _field_rows(3, with_polygons=True)
    rows = out.rows(np.ones(3, dtype=np.int64))
    cols = rows.columns
    assert rows.file.tolist() == [0] * 8 + [1] * 8 + [2] * 8
    assert cols["field"][:8].tolist() == [f"field_{k}" for k in range(7, -1, -1)]
    assert cols["value"].to_pylist()[8] == "value 7 of file 1"
    assert cols["x1"][8] == 8.0 and cols["y4"][8] == 15.0  # file 1's polygon, every field
    assert not any(out.parts.values())


def test_field_rows_are_built_without_a_second_copy_of_the_polygons():
    """Each column is built once from its pieces, the pieces let go as it is: the polygons
    (64 bytes a row) are placed in key order as they are copied, never gathered and then
    permuted (which held three copies at once)."""
    n = 20_000
    out = _field_rows(n, with_polygons=True)
    pieces = 8 * n * 64  # the polygons added: 8 fields of n files, 8 floats each
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        rows = out.rows(np.ones(n, dtype=np.int64))
        peak = tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()
    assert len(rows.file) == 8 * n
    assert peak < 2 * pieces, (peak, pieces)  # gathered, then permuted: ~2.8x


def test_field_rows_without_polygons_leave_the_polygon_columns_to_the_frame():
    rows = _field_rows(2, with_polygons=False).rows(np.ones(2, dtype=np.int64))
    assert "x1" not in rows.columns and len(rows.file) == 16


def test_key_tokens_of_a_dataset_hold_about_twice_its_bytes_at_most():
    """Pieces of ~128 kB and narrow tokens: the scan of ~0.8 MB of VAT bodies peaks near 1.7x
    their bytes (3x with 256 kB pieces and int64 tokens), while the parse's table is alive."""
    from ocrframe.synth import synthesize

    bodies = Joined(json.dumps(synthesize("vat-invoice", seed=i)).encode() for i in range(150))
    tracemalloc.start()
    try:
        keys = key_tokens(bodies)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(keys.file) > 20_000
    assert peak < 2.2 * len(bodies.data), (peak, len(bodies.data))


def test_field_values_come_as_the_frame_holds_them():
    """The values are gathered into the ``large_string`` the frame's ``str`` column holds, so
    the frame takes them as they are (a ``string`` column is cast, a second copy, while every
    other column is alive)."""
    from ocrframe.flatten.arrow.rows import frame_of

    rows = _field_rows(3, with_polygons=False).rows(np.ones(3, dtype=np.int64))
    assert rows.columns["value"].type == pa.large_string()
    frame, _ = frame_of("fields", [rows])
    held = frame["value"].array.__arrow_array__()  # the Arrow data the frame holds
    assert held.chunk(0).buffers()[2].address == rows.columns["value"].buffers()[2].address
