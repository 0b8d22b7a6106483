"""Memory of a dataset flatten: the bytes of a chunk are held once, a parse that pyarrow hands
back in several chunks reads as one, and frames built over several chunks are joined column by
column (never the parts and two whole copies at once)."""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ocrframe.datasets import chunking  # the chunk size under test
from ocrframe.datasets.batch import Batch, read_responses
from ocrframe.datasets.frame_parts import in_order, joined_in_order
from ocrframe.flatten.arrow.files import parse
from ocrframe.flatten.arrow.general_text import SCHEMA
from ocrframe.flatten.arrow.joined import Joined
from ocrframe.response import Response


def general_text(seed: int, blocks: int) -> dict:
    rng = random.Random(seed)
    out = []
    for i in range(blocks):
        x, y = rng.randint(0, 900), 20 * i
        out.append({"words": f"w{seed}-{i} " * rng.randint(1, 3), "confidence": rng.random(),
                    "location": [[x, y], [x + 50, y], [x + 50, y + 18], [x, y + 18]]})  # fmt: skip
    return {"result": {"direction": 0, "words_block_count": blocks, "words_block_list": out}}


def test_joined_bodies_slice_back_and_parse_in_place():
    texts = [json.dumps(general_text(i, 3)).encode() for i in range(4)]
    joined = Joined(texts)
    assert list(joined) == texts and joined[1:3] == texts[1:3] and joined[-1] == texts[-1]
    (idx, table), = parse(joined, SCHEMA())  # fmt: skip
    assert idx == [0, 1, 2, 3] and table.num_rows == 4


def test_a_parse_pyarrow_returns_in_several_chunks_reads_as_the_general_walk(tmp_path: Path):
    paths = []
    for i in range(12):  # ~3 MB: pyarrow's 1 MB blocks give a table of several chunks
        paths.append(tmp_path / f"r{i:02d}.json")
        paths[-1].write_text(json.dumps(general_text(i, 2500)))
    with_chunks = parse(Joined(p.read_bytes() for p in paths), SCHEMA())[0][1]
    assert with_chunks.column("result").num_chunks > 1
    fast = read_responses(paths).flatten()
    general = Batch(list(read_responses(paths))).flatten()  # in memory: the general walk
    assert fast.keys() == general.keys()
    for name in general:
        pd.testing.assert_frame_equal(fast[name], general[name], obj=name)


def responses(n: int) -> list[Response]:
    return [Response(general_text(i, 300), source=f"s{i}.png") for i in range(n)]


def test_frames_of_many_chunks_equal_one_chunk_and_keep_entry_order(monkeypatch):
    items = responses(9)
    whole = Batch(items).flatten()
    monkeypatch.setattr(chunking, "CHUNK", 2)
    chunked = Batch(items).flatten()
    for name in whole:
        pd.testing.assert_frame_equal(chunked[name], whole[name], obj=name)
        pd.testing.assert_frame_equal(Batch(items).frame(name), whole[name], obj=name)
    assert chunked["words"]["source"].unique().tolist() == [f"s{i}.png" for i in range(9)]


def test_chunks_hold_many_small_files_and_few_large_ones(tmp_path: Path):
    """A chunk is read and built at once: its fixed costs were paid every 500 files however
    small they were (2,000 VAT invoices took 0.28 s in four chunks, 0.22 s in one). Small
    files now fill a chunk by their bytes (at most CHUNK_BYTES, and CHUNK files); a file
    larger than the listing's read, or a response in memory, weighs HEADER_TAIL, so a chunk
    holds at most 500 of them, as before."""
    from ocrframe.parsing import HEADER_TAIL

    small = json.dumps(general_text(0, 3)).encode()
    large = json.dumps(general_text(1, 3000)).encode()
    assert len(small) < HEADER_TAIL < len(large)
    (tmp_path / "s.json").write_bytes(small)
    (tmp_path / "l.json").write_bytes(large)
    smalls = read_responses([tmp_path / "s.json"] * 4100)
    assert smalls._chunk_ranges() == [range(0, 2000), range(2000, 4000), range(4000, 4100)]
    larges = read_responses([tmp_path / "l.json"] * 1100)
    assert larges._chunk_ranges() == [range(0, 500), range(500, 1000), range(1000, 1100)]
    in_memory = Batch([Response(general_text(0, 3))] * 600)
    assert in_memory._chunk_ranges() == [range(0, 500), range(500, 600)]
    # Bytes bound a chunk of small files too: files of a third of the tail read, 1,500 a chunk.
    third = (small + b" " * (HEADER_TAIL // 3))[: HEADER_TAIL // 3]
    (tmp_path / "t.json").write_bytes(third)
    thirds = read_responses([tmp_path / "t.json"] * 1600)
    assert thirds._chunk_ranges() == [range(0, 1500), range(1500, 1600)]
    mixed = read_responses([tmp_path / "s.json", tmp_path / "l.json"] * 700)
    expected = _by_weight([len(small), HEADER_TAIL] * 700, chunking.CHUNK_BYTES)
    assert mixed._chunk_ranges() == expected and len(expected) == 2
    # What a chunk size given to a stream asks for, it gets.
    assert smalls._chunk_ranges(1500) == [range(0, 1500), range(1500, 3000), range(3000, 4100)]


def _by_weight(weights: list[int], budget: int) -> list[range]:
    """Consecutive runs of ``weights`` each within ``budget`` (the oracle of the test above)."""
    runs, start, held = [], 0, 0
    for i, w in enumerate(weights):
        if held + w > budget:
            runs.append(range(start, i))
            start, held = i, 0
        held += w
    return runs + [range(start, len(weights))]


@pytest.mark.parametrize("reverse", [False, True])
def test_joining_chunks_holds_no_second_copy_of_the_frames(monkeypatch, reverse: bool):
    """Joining the chunks' frames column by column, each part's column let go once joined:
    what the join adds to what the parts hold is about one column, not a whole frame (a
    ``concat``, and a ``take`` when the parts come out of order)."""
    items = responses(24)
    monkeypatch.setattr(chunking, "CHUNK", 6)
    batch = Batch(items)
    tracemalloc.start()
    try:
        parts = []
        for start in sorted(range(0, len(items), 6), reverse=reverse):
            parts += batch._chunk_parts(["words"], range(start, start + 6))["words"]
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        frame = in_order(parts, "words")
        added = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert frame["source"].tolist() == [f"s{i}.png" for i in range(24) for _ in range(300)]
    # Columns other than strings are Python-heap memory (strings live in Arrow's pool).
    heap = sum(int(frame[c].memory_usage(deep=True, index=False)) for c in frame.columns
               if frame[c].dtype != "str")  # fmt: skip
    assert added < 0.3 * heap, (added, heap)


@pytest.mark.parametrize("shape", ["in order", "a few runs", "shuffled", "no rows"])
def test_joined_parts_equal_a_concat_then_take(shape: str):
    """The array-level join (run by run, or one gather when rows are shuffled) gives what
    pandas' ``concat`` and ``take`` give, for every kind of column a frame holds."""
    rng = np.random.default_rng(7)
    # Shuffled: more runs than are copied one by one (one gather instead).
    sizes = {"no rows": [0, 0], "shuffled": [500, 0, 300, 10]}.get(shape, [5, 0, 7, 3])

    def part(n: int) -> pd.DataFrame:
        return pd.DataFrame({
            "x": rng.random(n),
            "id": pd.array(rng.integers(0, 9, n), dtype="Int64"),
            "text": pd.array([f"t{k}" if k % 3 else None for k in range(n)], dtype="str"),
            "flag": pd.array([bool(k % 2) for k in range(n)], dtype="boolean"),
            "words_ids": pd.Series([[k] for k in range(n)], dtype=object),
        })  # fmt: skip

    frames = [part(n) for n in sizes]
    total = sum(sizes)
    order = {
        "in order": np.arange(total),
        "a few runs": np.r_[0:5, 12:15, 5:12],
        "shuffled": rng.permutation(total),
        "no rows": np.arange(0),
    }[shape]
    expected = pd.concat([f.copy() for f in frames], ignore_index=True)
    expected = expected.take(order).reset_index(drop=True)
    pd.testing.assert_frame_equal(joined_in_order(frames, order), expected)
    assert frames == []


def test_chunk_frames_go_before_their_columns_are_joined(tmp_path: Path, monkeypatch):
    """The join lets each chunk's column go once joined only if nothing else holds the
    chunk's frames: a batch kept the last chunk's frames alive through the join (driving
    licences over 1,000 files peaked at 1.45x the frames, not 1.2x)."""
    import weakref

    from ocrframe.datasets import frame_parts

    paths = []
    for i, body in enumerate(field_bodies(6)[:6]):
        paths.append(tmp_path / f"r{i}.json")
        paths[-1].write_bytes(body)
    monkeypatch.setattr(chunking, "CHUNK", 2)
    batch = read_responses(paths)
    made, alive = [], []
    chunk_parts, concat = batch._chunk_parts, frame_parts.concat_arrays

    def recorded(names, idx):
        parts = chunk_parts(names, idx)
        made.extend(weakref.ref(f) for found in parts.values() for _, f in found)
        return parts

    def joining(arrays):
        alive.append(sum(r() is not None for r in made))
        return concat(arrays)

    monkeypatch.setattr(batch, "_chunk_parts", recorded)
    monkeypatch.setattr(frame_parts, "concat_arrays", joining)
    frames = batch.flatten()
    assert len(frames["fields"]) and len(made) >= 3 and alive
    assert max(alive) == 0, alive


def test_field_polygons_are_columns_of_their_own(tmp_path: Path):
    """Each polygon column of the field reader is an array of its own (rows of one block
    would go only once all eight were joined with another chunk's)."""
    from ocrframe.synth import synthesize

    paths = []
    for i in range(4):
        body = synthesize("id-card", seed=i, params={"return_text_location": True})
        paths.append(tmp_path / f"r{i}.json")
        paths[-1].write_text(json.dumps(body))
    assert read_frames_fallback(paths) == []
    fields = read_responses(paths).flatten()["fields"]

    def owner(a: np.ndarray) -> np.ndarray:
        while a.base is not None:
            a = a.base
        return a

    owners = [id(owner(fields[c].to_numpy())) for c in ("x1", "y1", "x2", "y4")]
    assert fields["x1"].notna().any()
    assert len(set(owners)) == 4


def read_frames_fallback(paths: list[Path]) -> list[int]:
    from ocrframe.flatten.arrow import read_frames

    return read_frames(read_responses(paths).entries, ["fields"]).fallback


@pytest.mark.parametrize("n", [0, 1])
def test_one_or_no_file_takes_the_same_path(tmp_path: Path, n: int):
    paths = []
    for i in range(n):
        paths.append(tmp_path / f"r{i}.json")
        paths[-1].write_text(json.dumps(general_text(i, 5)))
    frames = read_responses(paths).flatten()
    assert (len(frames.get("words", [])) == 5 * n) and (n or frames == {})


def field_bodies(n: int) -> list[bytes]:
    from ocrframe.synth import synthesize

    texts = [json.dumps(synthesize("vat-invoice", seed=i)).encode() for i in range(n)]
    texts.append(b'{"result": {"a\\"b": [{"k": "x\\\\"}, {"k": [[{"deep": 1}]]}], "c": {}}}')
    return texts


def test_key_tokens_read_in_pieces_are_those_of_one_scan(monkeypatch):
    from ocrframe.flatten.arrow import keyorder

    texts = field_bodies(12)
    monkeypatch.setattr(keyorder, "ARRAY_PIECE", 1 << 40)
    whole = keyorder.key_tokens(texts)
    for piece in (1, 3000, 20000):  # one body a piece, a few, most
        monkeypatch.setattr(keyorder, "ARRAY_PIECE", piece)
        for given in (texts, Joined(texts)):
            got = keyorder.key_tokens(given)
            for name in ("file", "depth", "hash", "element"):
                assert getattr(got, name).tolist() == getattr(whole, name).tolist(), (piece, name)
    assert len(keyorder.key_tokens([]).file) == 0


def test_key_tokens_hold_a_few_times_the_bytes_they_scan():
    from ocrframe.flatten.arrow.keyorder import key_tokens

    bodies = Joined(field_bodies(150))  # ~0.8 MB
    tracemalloc.start()
    try:
        key_tokens(bodies)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 6 * len(bodies.data), (peak, len(bodies.data))  # one scan of all: ~13x


@pytest.mark.parametrize(
    "flags", [{}, {"return_text_location": True, "return_char_location": True}]
)
def test_general_table_bodies_take_the_one_strict_parse(flags: dict):
    """The service's General Table bodies hold ``words_region_count``: declared for the strict
    parse, they are read once (not refused, screened for depth and read again inferring)."""
    from ocrframe.flatten.arrow import general_table
    from ocrframe.flatten.arrow.files import with_scalars
    from ocrframe.synth import synthesize

    texts = [json.dumps(synthesize("general-table", seed=i, params=flags)).encode()
             for i in range(5)]  # fmt: skip
    assert all(b'"words_region_count"' in t for t in texts)
    parts = parse(Joined(texts), general_table.SCHEMA(), general_table.DOCUMENT)
    (idx, table), = parts  # fmt: skip
    strict = with_scalars(general_table.SCHEMA(), general_table.DOCUMENT)
    assert idx == list(range(5)) and table.schema.equals(strict)
