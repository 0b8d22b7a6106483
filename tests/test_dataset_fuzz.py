"""A dataset read the columnar way (``read_responses(paths)``) gives exactly the frames and
errors of the general walk over its files: the cases a dataset-level fuzz found (mixed APIs,
mutated bodies, saved headers, cache files, chunk boundaries), each pinned by a small test."""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_arrow_readers import assert_same_as_general

from ocrframe.datasets import chunking
from ocrframe.datasets.batch import Batch, read_responses
from ocrframe.datasets.cache import Cache
from ocrframe.flatten import FRAMES
from ocrframe.flatten.arrow import read_frames
from ocrframe.parsing import HEADER_TAIL
from ocrframe.response import Response
from ocrframe.synth import synthesize

SDR = "smart-document-recognizer"
SDR_FLAGS = {"kv": True, "table": True, "form": True, "layout": True, "formula": True}


def test_document_columns_first_met_in_a_walked_file_keep_its_order(tmp_path):
    """A file the reader leaves to the walk (here: a null) whose page lists its kinds in
    another order than the reader's file: the columns both first hold at the walked file's
    row come in that file's order (they came in the order the parts were joined)."""
    page = synthesize(SDR, seed=1, params=SDR_FLAGS, n_blocks=3)["result"][0]
    one_kind = [{kind: value} for kind, value in reversed(page.items())]  # the reference form
    one_kind[0]["note"] = None
    paths = [tmp_path / "walked.json", tmp_path / "read.json"]
    paths[0].write_text(json.dumps({"result": one_kind}))
    paths[1].write_text(json.dumps({"result": [page]}))
    assert read_frames(read_responses(paths).entries, ["document"]).fallback == [0]
    document = read_responses(paths).document()
    assert list(document.columns)[3] == "layout_result.layout_block_count"  # walked file's
    assert_same_as_general(paths)


def test_a_document_key_first_written_null_in_a_walked_file_takes_its_place_there(tmp_path):
    """The walk makes a key's column where it first meets it, its value null or not; the
    join of the parts placed columns by their first value, so a key written null in a walked
    file came after the reader's file's keys (found by the explored fuzz)."""
    paths = [tmp_path / "r0.json", tmp_path / "r1.json"]
    paths[0].write_text(json.dumps({"result": {"words_block_count": None, "words_block_list": []}}))
    paths[1].write_text(
        json.dumps({"result": {"direction": -1, "words_block_count": 1, "words_block_list": []}})
    )
    assert read_frames(read_responses(paths).entries, ["document"]).fallback == [0]
    document = read_responses(paths).document()
    assert list(document.columns)[3:] == ["words_block_count", "direction"]
    assert_same_as_general(paths)


@pytest.mark.parametrize("api", ["general-text", "general-table"])
@pytest.mark.parametrize("saved", ["plain", "to_json", "cache"])
def test_document_columns_of_a_file_with_its_result_keys_reversed_come_in_its_order(
    tmp_path, api, saved
):
    """Arrow keeps one key order for every file: a reader took the first file's ``result``
    scalars in its schema's order (``direction`` before ``words_block_count``), the walk in
    the order the file writes them. The file is read again for its order, whether it is a
    plain body, saved by ``to_json`` or a cache file."""
    paths = []
    for i in range(3):
        body = synthesize(api, seed=i, n_blocks=2)
        if i == 0:
            body["result"] = dict(reversed(list(body["result"].items())))
        path = tmp_path / f"r{i}.json"
        if saved == "cache":
            cache = Cache(tmp_path / "cache")
            key = cache.key(api, {}, f"input {i}".encode())
            cache.put(key, body, api=api, source=f"c{i}.png").replace(path)
        else:
            body = {**body, "_ocrframe": {"page": 1}} if saved == "to_json" else body
            path.write_text(json.dumps(body))
        paths.append(path)
    assert read_frames(read_responses(paths).entries, ["document"]).fallback == []
    written = list(json.loads(paths[0].read_text())["result"])
    document = read_responses(paths).document()
    columns = [c for c in document.columns if c in written]
    assert columns == [k for k in written if k in columns]  # the file's own order
    assert_same_as_general(paths)


def _chile(seed: int) -> dict:
    return synthesize("chile-id-card", seed=seed)


def _classified(seed: int) -> dict:
    return synthesize("auto-id-doc-classification", seed=seed, params={"alarm": True})


def _sdr_kv(seed: int) -> dict:
    body = synthesize(SDR, seed=seed, params={"kv": True}, n_blocks=2)
    for pair in body["result"][0]["kv_result"]["kv_block_list"]:
        pair["confidence"] = 0.5
    return body


NAN_AT = {  # where a NaN confidence goes: each reader's own check of it
    "field in a confidence map": (_chile, ("result", "confidence", "number")),
    "list field in a confidence map": (_chile, ("result", "confidence", "surname")),
    "classified object": (_classified, ("result", "confidence")),
    "key-value pair": (_sdr_kv, ("result", 0, "kv_result", "kv_block_list", 0, "confidence")),
}


@pytest.mark.parametrize("case", list(NAN_AT))
def test_a_nan_confidence_written_in_the_file_goes_to_other_as_the_walk_sends_it(tmp_path, case):
    """A confidence written ``NaN`` is out of range (the walk keeps it in ``other``); the
    readers took it for an absent one, which Arrow gives as NaN too, and lost the row."""
    make, path = NAN_AT[case]
    bodies = [make(0), make(1)]
    node = bodies[1]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = float("nan")
    paths = [tmp_path / "clean.json", tmp_path / "nan.json"]
    for p, body in zip(paths, bodies, strict=True):
        p.write_text(json.dumps(body))  # NaN written as the literal NaN
    other = read_responses(paths).other()
    assert ".".join(map(str, path)).replace(".0.", "[0].") in other["path"].tolist()
    assert_same_as_general(paths)


def test_a_list_starting_with_null_on_the_field_path_goes_to_the_walk(tmp_path):
    """pyarrow's inference drops a list's leading nulls but keeps their offsets (apache/arrow
    #51305): the parsed table was invalid and the whole dataset read raised ArrowInvalid.
    The parse refuses such a table; that body alone goes the general way. (Found by the
    dataset fuzz, explored.)"""
    bodies = [{"result": {"name": "x", "text_location": [None, [1, 1], [2, 2], [3, 3]]}},
              {"result": {"name": "y"}}]  # fmt: skip
    paths = []
    for i, body in enumerate(bodies):
        paths.append(tmp_path / f"r{i}.json")
        paths[-1].write_text(json.dumps(body))
    assert read_frames(read_responses(paths).entries, ["fields"]).fallback == [0]
    assert_same_as_general(paths)


def test_an_error_message_without_its_code_goes_to_other_on_the_field_path(tmp_path):
    """``error_msg`` at the top level without an ``error_code`` is no error body: the walk
    keeps it in ``other``, and the field reader dropped it."""
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    paths[0].write_text(json.dumps({"result": {}, "error_msg": "left over"}))
    paths[1].write_text(json.dumps(_chile(0)))
    other = read_responses(paths).other()
    assert other[["path", "value"]].values.tolist()[0] == ["error_msg", "left over"]
    assert_same_as_general(paths)


def test_source_labels_that_are_not_utf8_become_replacement_characters(tmp_path):
    """A file name in another encoding (a lone surrogate in Python) or a saved header's
    escaped surrogate: frames and errors carry U+FFFD in its place; building them crashed."""
    folder = bytes(tmp_path) + b"/"
    with open(folder + b"latin1-\xe9.json", "wb") as f:
        f.write(json.dumps(synthesize("general-text", seed=0, n_blocks=2)).encode())
    with open(folder + b"broken-\xe9.json", "wb") as f:
        f.write(b'{"result": ')
    labelled = {
        **synthesize("general-text", seed=1, n_blocks=1),
        "_ocrframe": {"source": "x\ud800"},
    }
    (tmp_path / "labelled.json").write_text(json.dumps(labelled))  # escaped: \\ud800
    with pytest.warns(RuntimeWarning, match="skipping"):
        batch = read_responses(str(tmp_path))
        words = batch.words()
    assert sorted(set(words["source"])) == [str(tmp_path / "latin1-\ufffd.json"), "x\ufffd"]
    assert batch.errors["source"].tolist() == [str(tmp_path / "broken-\ufffd.json")]
    paths = sorted(tmp_path.iterdir())
    with pytest.warns(RuntimeWarning, match="skipping"):
        assert_same_as_general(paths)


def test_a_document_value_with_a_lone_surrogate_is_typed_like_any_text(tmp_path):
    """The walk's untyped document part made text columns ``str`` at once (pandas infers
    them), which refuses a lone surrogate before the typing replaces it."""
    body = {"result": {"words_block_list": [], "language": "x\ud800"}}
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    paths[0].write_text(json.dumps(body))
    paths[1].write_text(json.dumps({"result": {"words_block_list": [], "language": "en"}}))
    assert read_responses(str(paths[0])).document()["language"].tolist() == ["x\ufffd"]
    assert read_responses(paths).document()["language"].tolist() == ["x\ufffd", "en"]
    assert_same_as_general(paths)


def test_a_cache_file_whose_body_holds_a_saved_header_is_left_to_the_walk(tmp_path):
    """A cached body holding its own ``_ocrframe`` member (the walk keeps it in ``other``):
    the readers skipped it as if it were the header."""
    body = {"_ocrframe": {"page": 5, "api": "general-text"}, **synthesize("vin", seed=0)}
    paths = [tmp_path / "clean.json", tmp_path / "cached.json"]
    paths[0].write_text(json.dumps(synthesize("vin", seed=1)))
    cache = Cache(tmp_path / "cache")
    cache.put(cache.key("vin", {}, b"image"), body, api="vin", source="b.png").replace(paths[1])
    assert read_frames(read_responses(paths).entries, ["other"]).fallback == [1]
    assert_same_as_general(paths)


def test_the_document_frame_alone_is_typed_over_every_chunk():
    """``batch.document()`` typed each chunk's rows apart and joined them (a count of 6 in
    the first 500 responses and a text after them: ints beside strings); ``flatten`` types
    a column once over all of its values."""
    counts = [6] * (chunking.CHUNK_BYTES // HEADER_TAIL) + ["text"]  # a chunk of responses
    responses = [
        Response({"result": {"words_block_count": c, "words_block_list": []}}, source=f"r{i}")
        for i, c in enumerate(counts)
    ]
    document = Batch(responses).document()
    assert document["words_block_count"].tolist()[-2:] == ["6", "text"]
    pd.testing.assert_frame_equal(document, Batch(responses).flatten()["document"])


def _sdr(seed: int) -> dict:
    return synthesize(SDR, seed=seed, params=SDR_FLAGS, n_blocks=2)


def _card(seed: int) -> dict:
    return synthesize("id-card", seed=seed, params={"return_text_location": True})


POLYGON_AT = {  # a polygon each reader checks itself
    "key-value box": (_sdr, ("result", 0, "kv_result", "kv_block_list", 0, "words_block_list", 0)),
    "table outline": (_sdr, ("result", 0, "table_result", "table_list", 0)),
    "formula": (_sdr, ("result", 0, "formula_result", "formula_list", 0)),
    "card text location": (_card, ("result", "front")),
    "classified object": (_classified, ("result",)),
}


@pytest.mark.parametrize("value", [float("inf"), 10**400], ids=["Infinity", "1e400 digits"])
@pytest.mark.parametrize("case", list(POLYGON_AT))
def test_a_polygon_with_a_coordinate_beyond_float_range_goes_to_other(tmp_path, case, value):
    """The walk keeps such a polygon in ``other`` (no rules' polygon); the readers of SDR
    boxes and outlines, field locations and classified objects checked only its shape."""
    make, path = POLYGON_AT[case]
    bodies = [make(0), json.loads(json.dumps(make(1)))]  # no list shared by two polygons
    node = bodies[1]
    for key in path:
        node = node[key]
    name = "location" if "location" in node else "text_location"
    node[name][1][0] = value
    paths = [tmp_path / "clean.json", tmp_path / "odd.json"]
    for p, body in zip(paths, bodies, strict=True):
        p.write_text(json.dumps(body))
    other = read_responses(paths).other()
    assert other["path"].str.contains("location").any()
    assert_same_as_general(paths)


# --- the mixed dataset fuzz --------------------------------------------------------------------

# The shapes the columnar readers serve (each with the flags that make every optional part),
# and values a mutation writes anywhere: each reader must take a file exactly or leave it.
SHAPES = {
    "general-text": {"character_mode": True},
    "general-table": {"return_text_location": True, "return_char_location": True,
                      "return_confidence": True},
    SDR: SDR_FLAGS,
    "vat-invoice": {},
    "id-card": {"return_verification": True, "return_text_location": True,
                "detect_copy": True},
    "driver-license": {},
    "chile-id-card": {},
    "auto-id-doc-classification": {"alarm": True},
    # confidences of no field: a portrait's (asked for), and one for a portrait not returned
    "peru-id-card": {"return_portrait_image": True},
    "hk-id-card": {},
    # words in seals, pairs in receipts, tables with table_location, text blocks beside
    # fields (read column-wise since 2026-12)
    "seal": {},
    "bank-receipt": {},
    "financial-statement": {},
    "health-code": {},
    "pcr-test-record": {},
    # maps given to nested objects: text, lists of maps of any length
    "exit-entry-permit": {},
    "transportation-qualification-certificate": {},
    # blocks holding text no frame column holds, in each block's order (General Text's reader)
    "custom-template": {},
    "handwriting": {},
}  # fmt: skip
JUNK = [None, True, 0, -1, 2, 1.5, float("nan"), float("inf"), 10**400, 2**64, "", "x", "0.5",
        "2024-01-31", "a\ud800", "\\\"\n", [], {}, [1, 2], [[1, 1], [9, 1], [9, 5], [1, 5]],
        {"x": 1}, {"words": "a"}, {"_ocrframe": {"page": 2}}, [{"confidence": 0.5}]]  # fmt: skip
KEYS = ["_ocrframe", "text", "confidence", "page", "source", "api", "x1", "field", "value",
        "path", "error_msg", "words_block_list", "kv_result", "direction", "zz"]  # fmt: skip
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "page": st.sampled_from([1, 2, 0, -1, True, None, "2", 1.0, 10**400, [1]]),
        "source": st.sampled_from(["a.png", "scan.pdf", None, 5, "", "x\ud800"]),
        "api": st.sampled_from([*SHAPES, "general-text", "web-image", "nope", None, 3]),
    },
)


def _nodes(node, path=()):
    yield path, node
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for k, v in list(items):
        yield from _nodes(v, (*path, k))


def _mutate(body: dict, kind: str, where: int, junk: int, header: dict) -> None:
    """One change at the ``where``-th node (modulo their number) of ``body``, in place."""
    nodes = list(_nodes(body))
    path, node = nodes[where % len(nodes)]
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    if kind == "replace" and path:
        parent[path[-1]] = copy.deepcopy(JUNK[junk % len(JUNK)])  # not the shared object
    elif kind in ("add", "header") and isinstance(node, dict):
        key = "_ocrframe" if kind == "header" else KEYS[junk % len(KEYS)]
        value = copy.deepcopy(header if kind == "header" else JUNK[junk % len(JUNK)])
        items = list(node.items())
        items.insert(junk % (len(items) + 1), (key, value))
        node.clear()
        node.update(items)
    elif kind == "drop" and isinstance(node, dict) and node:
        del node[list(node)[junk % len(node)]]
    elif kind == "reorder" and isinstance(node, dict):
        items = list(node.items())
        node.clear()
        node.update(items[junk % (len(items) or 1) :] + items[: junk % (len(items) or 1)])


FILES = st.fixed_dictionaries(
    {
        "api": st.sampled_from(list(SHAPES)),
        "seed": st.integers(0, 30),
        "mutations": st.lists(
            st.tuples(
                st.sampled_from(["replace", "add", "header", "drop", "reorder"]),
                st.integers(0, 10**6),
                st.integers(0, 1000),
                HEADERS,
            ),
            max_size=3,
        ),
        "saved": st.sampled_from(["plain", "plain", "to_json", "cache"]),
        "header": HEADERS,
        "indent": st.sampled_from([None, None, 2]),
        "newline": st.sampled_from(["\n", "\n", "\r\n"]),
        "ascii": st.booleans(),
    }
)


def _write(folder: Path, i: int, spec: dict) -> Path:
    body = synthesize(spec["api"], seed=spec["seed"], params=SHAPES[spec["api"]], n_blocks=2)
    for kind, where, junk, header in spec["mutations"]:
        _mutate(body, kind, where, junk, header)
    path = folder / f"r{i:02d}.json"
    if spec["saved"] == "cache":  # a cache file: the body, then a header with its checksum
        cache = Cache(folder / "cache")
        key = cache.key(spec["api"], {}, f"input {i}".encode())
        written = cache.put(key, body, api=spec["api"], source=f"c{i}.png")
        written.replace(path)
        return path
    if spec["saved"] == "to_json":  # Response.to_json: the header last, with its own keys
        body = {**body, "_ocrframe": spec["header"]}
    text = json.dumps(body, indent=spec["indent"], ensure_ascii=spec["ascii"])
    path.write_bytes(text.replace("\n", spec["newline"]).encode("utf-8", "surrogatepass"))
    return path


def _per_file(paths: list[Path]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The reference: each file alone (too few for the columnar readers), frames joined."""
    frames: dict[str, list[pd.DataFrame]] = {}
    errors = []
    for p in paths:
        one = read_responses(str(p))
        for name, frame in one.flatten().items():
            frames.setdefault(name, []).append(frame)
        errors.append(one.errors)
    joined = {name: pd.concat(frames[name], ignore_index=True) for name in FRAMES if name in frames}
    return joined, pd.concat(errors, ignore_index=True)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.lists(FILES, min_size=2, max_size=8),
    chunk=st.sampled_from([2, 3, 500]),
    alone=st.sampled_from(["words", "cells", "kv", "fields", "alarms", "document", "other"]),
)
def test_a_mixed_dataset_gives_the_frames_and_errors_of_its_files_read_one_by_one(
    tmp_path_factory, files, chunk, alone
):
    """Mixed APIs, mutated bodies, saved headers anywhere, cache files, CRLF, chunks of a few
    files: ``flatten()`` and a frame asked alone equal the walk's, and each non-document
    frame and the errors equal those of the files read one at a time."""
    folder = tmp_path_factory.mktemp("dataset")
    paths = [_write(folder, i, spec) for i, spec in enumerate(files)]
    with warnings.catch_warnings(), pytest.MonkeyPatch.context() as mp:
        warnings.simplefilter("ignore", RuntimeWarning)
        mp.setattr(chunking, "CHUNK", chunk)  # files of one API across chunk boundaries
        frames, errors = _per_file(paths)
        walk = Batch(list(read_responses(paths))).flatten()  # document: typed over all rows
        batch = read_responses(paths)
        flat = batch.flatten()
        one = read_responses(paths)
        single = one.frame(alone)
    assert list(flat) == list(walk)
    for name in walk:
        pd.testing.assert_frame_equal(flat[name], walk[name], obj=name)
        if name in frames and name != "document":
            pd.testing.assert_frame_equal(flat[name], frames[name], obj=name)
    expected = walk[alone] if alone in walk else single.iloc[:0]
    pd.testing.assert_frame_equal(single, expected, obj=alone)
    pd.testing.assert_frame_equal(batch.errors, errors)
    pd.testing.assert_frame_equal(one.errors, errors)
