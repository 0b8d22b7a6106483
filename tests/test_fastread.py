"""The columnar fast path must give exactly the frame of the general flattener."""

import json
from pathlib import Path

import pandas as pd
import pytest

import ocrframe
from ocrframe.datasets.batch import Batch, read_responses
from ocrframe.datasets.cache import Cache
from ocrframe.flatten.arrow import read_frames
from ocrframe.response import Response

SAMPLES = Path(ocrframe.__file__).parent / "sample_data" / "responses"


def _general(paths):
    """The reference: each file through read_response + ocrframe.words, concatenated."""
    parts = []
    for p in paths:
        r = ocrframe.read_response(p, raise_errors=False)
        if "error_code" in json.dumps(r.raw):
            continue
        f = ocrframe.words(r)
        if len(f):
            f.insert(0, "api", pd.array([r.api] * len(f), dtype="str"))
            f.insert(0, "source", pd.array([r.source] * len(f), dtype="str"))
            parts.append(f)
    return pd.concat(parts, ignore_index=True)


def _block(i, **over):
    b = {
        "words": f"w{i}",
        "confidence": 0.5 + i / 100,
        "location": [[i, 1], [i + 5, 1], [i + 5, 9], [i, 9]],
    }
    b.update(over)
    return b


ODD_BLOCKS = {
    "conf_out_of_range": _block(1, confidence=1.5),
    "conf_missing": {"words": "x", "location": [[0, 0], [1, 0], [1, 1], [0, 1]]},
    "conf_string": _block(2, confidence="0.7"),
    "words_null": _block(3, words=None),
    "words_list": _block(4, words=["a", "b"]),
    "loc_short": _block(5, location=[[1, 2], [3, 4]]),
    "loc_null_coord": _block(6, location=[[1, None], [3, 4], [5, 6], [7, 8]]),
    "loc_missing": {"words": "y", "confidence": 0.2},
    "loc_3d": _block(7, location=[[1, 2, 3], [3, 4], [5, 6], [7, 8]]),
    "extra_keys": _block(8, char_list=[{"char": "w", "char_confidence": 0.9}], foo=1),
    "unicode": _block(9, words="ภาษาไทย ខ្មែរ"),
}


@pytest.mark.parametrize("case", sorted(ODD_BLOCKS))
def test_odd_blocks_match_general_path(tmp_path, case):
    paths = []
    for i in range(3):
        blocks = [_block(j) for j in range(4)]
        if i == 1:
            blocks.insert(2, ODD_BLOCKS[case])
        p = tmp_path / f"r{i}.json"
        Response({"result": {"words_block_list": blocks}}, source=f"s{i}", page=i + 1).to_json(p)
        paths.append(p)
    fast = read_responses(tmp_path).words()
    pd.testing.assert_frame_equal(fast, _general(paths))


def test_all_sample_responses_match_general_path(tmp_path):
    paths = sorted(p for p in SAMPLES.glob("*.json") if not p.name.startswith("error"))
    fast = read_responses(paths).words()
    pd.testing.assert_frame_equal(fast, _general(paths))
    # General Text samples took the fast path, the others fell back
    entries = read_responses(paths).entries
    res = read_frames(entries, ["words"])
    taken = {Path(entries[i].path).name for i in set(range(len(entries))) - set(res.fallback)}
    assert "general-text.json" in taken and "web-image.json" not in taken


def test_cache_files_pretty_files_and_error_bodies(tmp_path):
    body = {"result": {"direction": -1, "words_block_list": [_block(i) for i in range(5)]}}
    c = Cache(tmp_path / "cache")
    c.put(c.key("general-text", {}, b"a"), body, api="general-text", source="a.png", page=2)
    (tmp_path / "pretty.json").write_text(json.dumps(body, indent=2))
    (tmp_path / "err.json").write_text('{"error_code": "AIS.0103", "error_msg": "bad"}')
    batch = read_responses([tmp_path / "cache", tmp_path / "pretty.json", tmp_path / "err.json"])
    res = read_frames(batch.entries, ["words"])
    assert res.fallback == [2]  # the error body goes the general way
    with pytest.warns(RuntimeWarning, match="AIS.0103"):
        words = batch.words()
    assert words["source"].unique().tolist() == ["a.png", str(tmp_path / "pretty.json")]
    assert words.loc[words["source"] == "a.png", "page"].unique().tolist() == [2]
    assert batch.errors["error_code"].tolist() == ["AIS.0103"]


def test_corrupt_cache_file_is_not_flattened(tmp_path):
    c = Cache(tmp_path)
    body = {"result": {"words_block_list": [_block(i) for i in range(3)]}}
    paths = [
        c.put(c.key("general-text", {}, bytes([i])), body, api="general-text", source=f"s{i}")
        for i in range(3)
    ]
    paths[1].write_bytes(paths[1].read_bytes().replace(b'"w1"', b'"XX"'))
    batch = read_responses(tmp_path)
    with pytest.warns(RuntimeWarning, match="checksum"):
        words = batch.words()
    assert "XX" not in set(words["text"]) and len(words) == 6
    assert batch.errors["category"].tolist() == ["corrupt"]


def test_single_in_memory_batch_equals_files(tmp_path):
    body = {"result": {"words_block_list": [_block(i) for i in range(50)]}}
    Response(body, source="m").to_json(tmp_path / "a.json")
    Response(body, source="n").to_json(tmp_path / "b.json")
    mem = Batch([Response(body, source="m"), Response(body, source="n")]).words()
    pd.testing.assert_frame_equal(read_responses(tmp_path).words(), mem)
