"""Smart Document Recognizer's columnar reader on what its own loops build: layout
``words_ids`` lists (absent, empty, long) and the document rows of one or several pages per
file, taken by the reader and equal to the general walk's."""

from __future__ import annotations

import copy
import json

import pandas as pd

from ocrframe.datasets.batch import Batch, read_responses
from ocrframe.flatten.arrow import read_frames
from ocrframe.synth import synthesize

API = "smart-document-recognizer"
FLAGS = {"kv": True, "table": True, "form": True, "layout": True, "formula": True}


def test_layout_word_ids_and_document_rows_match_the_general_walk(tmp_path):
    pages = [synthesize(API, seed=i, params=FLAGS, n_blocks=5)["result"][0] for i in range(3)]
    no_ids = copy.deepcopy(pages[0])
    blocks = no_ids["layout_result"]["layout_block_list"]
    del blocks[0]["words_ids"]
    blocks[1]["words_ids"] = []
    blocks[2]["words_ids"] = list(range(40))
    del no_ids["kv_result"]["kv_block_count"]  # a document key one page lacks
    items = [{"result": [no_ids]}, {"result": [pages[1]]}, {"result": [pages[2], pages[0]]}]
    paths = []
    for i, body in enumerate(items):
        paths.append(tmp_path / f"r{i}.json")
        paths[-1].write_text(json.dumps(body))
    batch = read_responses(paths)
    assert read_frames(batch.entries, ["layout", "document"]).fallback == []
    general = Batch(list(read_responses(paths)))  # in memory: the general walk only
    layout = batch.layout()
    pd.testing.assert_frame_equal(layout, general.layout())
    assert layout["words_ids"].tolist()[:3] == [None, [], list(range(40))]
    document = batch.document()
    pd.testing.assert_frame_equal(document, general.document())
    assert document["page"].tolist() == [1, 1, 1, 2]
    assert document["kv_result.kv_block_count"].isna().tolist() == [True, False, False, False]


def test_document_of_files_the_reader_takes_keeps_walk_column_order_and_ids(tmp_path):
    """The reader's document part is typed already: the batch only puts its columns in the
    order a walk over the rows first meets them (a key the first file lacks comes last), and
    every frame comes with each row's source and api first."""
    pages = [synthesize(API, seed=i, params=FLAGS, n_blocks=4)["result"][0] for i in range(2)]
    del pages[0]["kv_result"]["kv_block_count"]
    paths = []
    for i, page in enumerate(pages):
        paths.append(tmp_path / f"r{i}.json")
        paths[-1].write_text(json.dumps({"result": [page]}))
    batch = read_responses(paths)
    assert read_frames(batch.entries, ["document"]).fallback == []
    frames = batch.flatten()
    document = frames["document"]
    general = Batch(list(read_responses(paths))).flatten()["document"]
    pd.testing.assert_frame_equal(document, general)
    assert list(document.columns)[:3] == ["source", "api", "page"]
    assert document.columns[-1] == "kv_result.kv_block_count"
    assert document["kv_result.kv_block_count"].dtype == "Int64"
    for name, frame in frames.items():
        assert list(frame.columns)[:2] == ["source", "api"], name
        assert set(frame["source"]) == {str(p) for p in paths}, name
        assert set(frame["api"]) == {API}, name


def test_table_and_form_order_of_one_page_files_read_from_the_end(tmp_path):
    """Files whose tables and forms are each one element's: the order of the two keys is read
    from their last occurrences. A last occurrence that is not such a key (the name as text,
    after a backslash, an escaped key) sends the file the general way; the others are
    taken, with the walk's cell order (tables first or forms first)."""
    from test_arrow_readers import assert_same_as_general

    page = synthesize(API, seed=3, params=FLAGS, n_blocks=4)["result"][0]
    forms_first = dict(reversed(list(page.items())))
    assert list(forms_first).index("form_result") < list(forms_first).index("table_result")
    as_text = copy.deepcopy(page)  # after the forms: the last "table_result" is a word
    as_text["layout_result"]["layout_block_list"][0]["text"] = "table_result"
    after_backslash = copy.deepcopy(page)  # a document key ending in the name, quoted
    after_backslash["formula_result"]['x"form_result'] = 1
    items = [page, forms_first, as_text, after_backslash, forms_first, page]
    paths = []
    for i, element in enumerate(items):
        paths.append(tmp_path / f"r{i}.json")
        paths[-1].write_text(json.dumps({"result": [element]}))
    escaped = paths[-1].read_text().replace('"form_result"', '"form\\u005fresult"')
    paths[-1].write_text(escaped)
    entries = read_responses(paths).entries
    assert read_frames(entries, ["cells"]).fallback == [2, 3, 5]
    assert read_frames(entries, ["layout", "kv"]).fallback == []
    assert_same_as_general(paths)
    kinds = read_responses(paths[:2]).cells().groupby("source", sort=False)["kind"].first()
    assert kinds.tolist() == ["table", "form"]


def test_a_pair_count_that_is_not_its_boxes_is_kept_in_other(tmp_path):
    # words_block_count of a pair was dropped whatever it said: lost when it disagreed.
    import ocrframe

    body = synthesize("smart-document-recognizer", seed=1, params={"kv": True})
    pair = body["result"][0]["kv_result"]["kv_block_list"][0]
    pair["words_block_count"] = len(pair["words_block_list"]) + 97
    other = ocrframe.flatten(body)["other"]
    assert other["path"].str.endswith("kv_block_list[0].words_block_count").tolist() == [True]
    paths = []
    for i in range(3):
        paths.append(tmp_path / f"r{i}.json")
        paths[-1].write_text(json.dumps(body), encoding="utf-8")
    frames = read_responses(paths).flatten()
    assert frames["other"]["value"].tolist() == [str(pair["words_block_count"])] * 3
    pair["words_block_count"] -= 97  # the boxes' number: told by n_boxes, not repeated
    assert "other" not in ocrframe.flatten(body)
