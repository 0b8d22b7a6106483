"""A dataset read the columnar way (``read_responses(paths)``) gives exactly the frames and
errors of the general walk over its files: the cases a dataset-level fuzz found (mixed APIs,
mutated bodies, saved headers, cache files, chunk boundaries), each pinned by a small test."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from test_arrow_readers import assert_same_as_general

import ocrframe.datasets.batch as batch_module
from ocrframe.datasets.batch import Batch, read_responses
from ocrframe.datasets.cache import Cache
from ocrframe.flatten.arrow import read_frames
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
    counts = [6] * batch_module.CHUNK + ["text"]
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
