"""A response key named like a column the frames already have (``page``, ``source``, ``api``,
``vendor``) keeps its path as its ``document`` column: it neither overwrites the row's page
nor clashes with the ids a batch puts first (that was a bare ValueError)."""

from __future__ import annotations

import json

import pytest

import ocrframe

BLOCKS = [{"words": "A", "confidence": 0.9, "location": [[0, 0], [9, 0], [9, 9], [0, 9]]}]


def _saved(tmp_path, body: dict, n: int = 3) -> list:
    paths = []
    for i in range(n):
        p = tmp_path / f"r{i}.json"
        p.write_text(json.dumps(body), encoding="utf-8")
        paths.append(p)
    return paths


@pytest.mark.parametrize(
    "extra",
    [
        {"page": 7},  # a number: the columnar reader would take it
        {"api": 3, "vendor": 1},
        {"source": "scan", "page": "seven"},  # strings: the general walk's
    ],
)
def test_reserved_result_keys_keep_their_path(tmp_path, extra):
    body = {"result": {"direction": 1, **extra, "words_block_list": BLOCKS}}
    one = ocrframe.flatten(body)["document"]
    assert one["page"].tolist() == [1]  # the row's page, not the response's key
    for key, value in extra.items():
        assert one[f"result.{key}"].tolist() == [value]

    frames = ocrframe.read_responses(_saved(tmp_path, body)).flatten()
    doc = frames["document"]
    assert doc.columns[:2].tolist() == ["source", "api"]
    assert doc["api"].tolist() == ["general-text"] * 3
    assert doc["page"].tolist() == [1, 1, 1]
    for key, value in extra.items():
        assert doc[f"result.{key}"].tolist() == [value] * 3
    assert frames["words"]["page"].tolist() == [1, 1, 1]


def test_reserved_keys_of_smart_document_pages(tmp_path):
    body = {"result": [{"page": 4, "kv_result": {"kv_block_count": 0, "kv_block_list": []}}]}
    doc = ocrframe.read_responses(_saved(tmp_path, body)).flatten()["document"]
    assert doc["page"].tolist() == [1, 1, 1]
    assert doc["result[0].page"].tolist() == [4, 4, 4]


def test_a_key_named_like_the_collectors_own_marks(tmp_path):
    # "_k" once marked the response of a document row inside the collector: a response
    # holding it broke the batch (ValueError, or OverflowError for a huge number).
    for value in ("John Smith", 2**70):
        body = {"result": {"_k": value, "words_block_count": 1, "words_block_list": BLOCKS}}
        doc = ocrframe.read_responses(_saved(tmp_path, body, 2)).flatten()["document"]
        assert [str(v) for v in doc["_k"]] == [str(value)] * 2  # beyond int64: its digits
        assert doc["page"].tolist() == [1, 1]


def test_files_whose_api_no_reader_names_keep_an_empty_api(tmp_path):
    from ocrframe.synth import synthesize

    body = synthesize("acceptance-bill", seed=0)
    body["result"]["stamp_note"] = "void"  # a key no response model declares: none is named
    fields = ocrframe.read_responses(_saved(tmp_path, body, 2)).flatten()["fields"]
    assert fields["api"].isna().all()
    assert sorted(set(fields["source"])) == sorted(str(p) for p in tmp_path.glob("*.json"))


@pytest.mark.parametrize("given", [0.5, ["x"], {"a": "x"}])
def test_a_confidence_map_entry_named_like_a_map_is_kept(tmp_path, given):
    # {"confidence": {"confidence": ...}}: taken for the map's own field, and lost
    from ocrframe.synth import synthesize

    body = synthesize("bankcard", seed=0)
    body["result"]["confidence"]["confidence"] = given
    expected = json.dumps(given) if not isinstance(given, float) else str(given)
    for frames in (ocrframe.flatten(body),
                   ocrframe.read_responses(_saved(tmp_path, body, 2)).flatten()):  # fmt: skip
        other = frames["other"]
        kept = other.loc[other["path"] == "result.confidence.confidence", "value"]
        assert kept.tolist() and set(kept) == {expected}
        assert "confidence" not in set(frames["fields"]["field"])


def test_a_message_beside_a_result_is_kept(tmp_path):
    # error_msg with no error_code is no error: it was dropped from every frame
    body = {"result": {"direction": 1, "words_block_list": BLOCKS}, "error_msg": "partial"}
    for frames in (ocrframe.flatten(body),
                   ocrframe.read_responses(_saved(tmp_path, body, 2)).flatten()):  # fmt: skip
        kept = frames["other"].loc[frames["other"]["path"] == "error_msg", "value"]
        assert kept.tolist() and set(kept) == {"partial"}
        assert frames["words"]["text"].tolist()[0] == "A"


@pytest.mark.parametrize("value", [["x"], "x", {"a": 1}, {"cache": {"sha256": "0"}}])
def test_a_response_whose_last_key_is_named_like_the_cache_header_is_read(tmp_path, value):
    # a valid response ending in a nested "_ocrframe" was reported as a corrupt cache file
    # and every value of it lost
    from ocrframe.synth import synthesize

    body = synthesize("quota-invoice", seed=0)
    body["result"]["_ocrframe"] = value
    batch = ocrframe.read_responses(_saved(tmp_path, body, 2))
    fields = batch.flatten()["fields"]
    assert batch.errors.empty
    assert set(fields["field"]) >= {"number", "code"}
    named = set(fields["field"]) | set(fields["group"])  # a field, or a group of them
    assert any(n.startswith("_ocrframe") for n in named)
