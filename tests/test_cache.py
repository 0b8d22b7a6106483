import json

import pytest

from ocrframe import read_response
from ocrframe.datasets.cache import (
    Cache,
    check,
    input_digest,
    load,
    split_cache_file,
)
from ocrframe.errors import CacheCorruptError

BODY = {"result": {"words_block_list": [{"words": "Hé", "confidence": 0.5}]}}


def test_key_depends_on_api_params_bytes_and_page():
    k = Cache.key("general-text", {"a": 1, "b": 2}, b"img")
    assert k == Cache.key("general-text", {"b": 2, "a": 1}, b"img")  # canonical params
    assert k == Cache.key("general-text", {"a": 1, "b": 2}, input_digest(b"img"))
    others = {
        Cache.key("web-image", {"a": 1, "b": 2}, b"img"),
        Cache.key("general-text", {"a": 1, "b": 3}, b"img"),
        Cache.key("general-text", {"a": 1, "b": 2}, b"img2"),
        Cache.key("general-text", {"a": 1, "b": 2}, b"img", page=2),
    }
    assert k not in others and len(others) == 4


def test_params_must_be_json():
    with pytest.raises(ValueError, match="JSON values"):
        Cache.key("general-text", {"a": object()}, b"x")


def test_put_get_roundtrip_and_file_is_a_saved_response(tmp_path):
    c = Cache(tmp_path)
    key = c.key("general-text", {}, b"x")
    path = c.put(key, BODY, api="general-text", source="a.png", page=2, status=200)
    assert not list(path.parent.glob(".*.tmp"))  # atomic write left no temp file
    r = c.get(key, "general-text")
    assert (r.raw, r.source, r.page, r.status) == (BODY, "a.png", 2, 200)
    # the file is a plain saved response that read_response understands
    again = read_response(path)
    assert again.raw == BODY and again.source == "a.png" and again.page == 2
    assert c.get(c.key("general-text", {}, b"other"), "general-text") is None


def test_empty_body_roundtrip(tmp_path):
    c = Cache(tmp_path)
    key = c.key("general-text", {}, b"x")
    c.put(key, {}, api="general-text")
    assert c.get(key).raw == {}


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b.replace(b"0.5", b"0.9"),  # edited body
        lambda b: b"",  # empty
        lambda b: b"not json at all",
    ],
)
def test_corrupt_files_are_detected(tmp_path, damage):
    c = Cache(tmp_path)
    key = c.key("general-text", {}, b"x")
    path = c.put(key, BODY, api="general-text")
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CacheCorruptError, match="corrupt cache file"):
        c.verify(key, "general-text")
    with pytest.raises(CacheCorruptError):
        load(path)


def test_file_for_another_key_is_corrupt(tmp_path):
    c = Cache(tmp_path)
    k1, k2 = c.key("general-text", {}, b"1"), c.key("general-text", {}, b"2")
    p1 = c.put(k1, BODY, api="general-text")
    c.path(k2, "general-text").parent.mkdir(parents=True, exist_ok=True)
    c.path(k2, "general-text").write_bytes(p1.read_bytes())
    with pytest.raises(CacheCorruptError, match="written for key"):
        c.verify(k2, "general-text")
    c.discard(k2, "general-text")
    assert c.verify(k2, "general-text") is None


def test_split_ignores_plain_json_and_finds_header():
    assert split_cache_file(json.dumps(BODY).encode()) is None
    body, header = split_cache_file(b'{"a":1,"_ocrframe":{"api":null,"cache":{"key":"k"}}}')
    assert body == b'{"a":1}' and header["cache"]["key"] == "k"
    with pytest.raises(CacheCorruptError):
        check(b'{"a":1}', "x.json")


def test_cache_root_must_be_a_directory(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ValueError, match="must be a directory"):
        Cache(f)


def test_a_body_or_source_holding_a_lone_surrogate_is_cached_and_read_back(tmp_path):
    """A body may escape a lone surrogate (``"\\ud800"``) and a file name not in UTF-8 gives
    one in ``source``: caching them raised UnicodeEncodeError, which stopped a run. They are
    written escaped, as ``Response.to_json`` writes them, and read back as they were."""
    from ocrframe.datasets.cache import Cache

    cache = Cache(tmp_path)
    body = {"result": {"words_block_list": [{"words": "x\ud800y", "confidence": 0.5}]}}
    key = cache.key("general-text", {"template": "t\udcff"}, b"scan")
    cache.put(key, body, api="general-text", source="scan\udcff.png")
    back = cache.get(key, "general-text")
    assert back.raw == body and back.source == "scan\udcff.png"
