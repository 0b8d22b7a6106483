"""read_responses keeps the whole files its header reads took, so frames read each file once;
the kept bytes are bounded, let go once used, and never stand in for a file changed since."""

import hashlib
import os
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import ocrframe.files
from ocrframe.datasets import batch as batch_module
from ocrframe.datasets.batch import read_responses
from ocrframe.datasets.cache import Cache
from ocrframe.errors import InputError
from ocrframe.files import Snapshot, read_tail
from ocrframe.response import Response


def _body(i: int, text: str = "word") -> dict:
    blocks = [
        {"words": f"{text}{i}-{j}", "confidence": 0.9,
         "location": [[j, 1], [j + 5, 1], [j + 5, 9], [j, 9]]}
        for j in range(3)
    ]  # fmt: skip
    return {"result": {"direction": 0, "words_block_list": blocks}}


def _saved(folder: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        path = folder / f"r{i}.json"
        Response(_body(i), api="general-text", source=f"s{i}.png", page=1).to_json(path)
        paths.append(path)
    return paths


@pytest.fixture
def settled(monkeypatch):
    """Files written by the test count as settled (their bytes may be kept) at once."""
    monkeypatch.setattr(ocrframe.files, "SETTLED_NS", 0)


def _counting(monkeypatch, name: str) -> Counter:
    """Counts calls of ``os.<name>`` per file name."""
    counts: Counter = Counter()
    real = getattr(os, name)

    def counting(path, *args, **kwargs):
        counts[Path(path).name] += 1
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, name, counting)
    return counts


@pytest.fixture
def opens(monkeypatch):
    return _counting(monkeypatch, "open")


def _twice_read(paths, monkeypatch) -> dict[str, pd.DataFrame]:
    """The frames as read before: no bytes kept, every file read again for its body."""
    with monkeypatch.context() as m:
        m.setattr(batch_module, "KEEP", 0)
        return read_responses(paths).flatten()


def _same(got: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    assert list(got) == list(expected)
    for name in expected:
        pd.testing.assert_frame_equal(got[name], expected[name])


@pytest.mark.parametrize("how", ["flatten", "words", "iter_frames"])
def test_each_saved_file_is_opened_once_from_read_responses_to_frames(
    tmp_path, settled, opens, monkeypatch, how
):
    paths = _saved(tmp_path, 4)
    expected = _twice_read(paths, monkeypatch)
    opens.clear()
    batch = read_responses(paths)
    if how == "flatten":
        _same(batch.flatten(), expected)
    elif how == "words":
        pd.testing.assert_frame_equal(batch.words(), expected["words"])
    else:
        parts = list(batch.iter_frames("words", chunk=2))
        streamed = pd.concat(parts, ignore_index=True).drop(columns="vendor")  # streams say it
        pd.testing.assert_frame_equal(streamed, expected["words"])
    assert opens == {p.name: 1 for p in paths}


def test_a_saved_file_costs_one_open_and_one_stat(tmp_path, settled, monkeypatch):
    paths = _saved(tmp_path, 3)
    opens, stats = _counting(monkeypatch, "open"), _counting(monkeypatch, "stat")
    read_responses(paths).words()  # no stat to ask whether each is a file: the open says
    assert opens == stats == {p.name: 1 for p in paths}  # the stat: is it unchanged?


def test_what_is_not_a_regular_file_is_still_found_or_refused(tmp_path, settled):
    _saved(tmp_path / "folder", 2)
    assert len(read_responses(tmp_path / "folder")) == 2
    assert len(read_responses(str(tmp_path / "folder" / "r*.json"))) == 2
    with pytest.raises(InputError, match="no response file"):
        read_responses(tmp_path / "nothing.json")
    with pytest.raises(InputError, match="no response file"):
        read_responses(str(tmp_path / "nul\0.json"))
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")  # opened without waiting for a writer, then refused
        with pytest.raises(InputError, match="no response file"):
            read_responses(tmp_path / "pipe")


def test_a_folder_and_a_cache_are_read_once(tmp_path, settled, opens, monkeypatch):
    _saved(tmp_path / "saved", 3)
    cache = Cache(tmp_path / "cache")
    for i in range(3):
        cache.put(cache.key("general-text", {}, bytes([i])), _body(i, "cached"),
                  api="general-text", source=f"c{i}.png")  # fmt: skip
    for folder in ("saved", "cache"):
        expected = _twice_read(tmp_path / folder, monkeypatch)
        opens.clear()
        _same(read_responses(tmp_path / folder).flatten(), expected)
        files = {name: n for name, n in opens.items() if name.endswith(".json")}
        assert len(files) == 3 and set(files.values()) == {1}


def test_one_file_and_a_file_left_to_the_general_walk_are_read_once(
    tmp_path, settled, opens, monkeypatch
):
    cache = Cache(tmp_path / "cache")
    key = cache.key("general-text", {}, b"a")
    single = cache.put(key, _body(0), api="general-text", source="a.png")
    odd = tmp_path / "null.json"  # a JSON null: the columnar readers leave it to the walk
    odd.write_text('{"result": {"direction": null, "words_block_list": []}}')
    for paths in ([single], [single, odd]):
        expected = _twice_read(paths, monkeypatch)
        opens.clear()
        _same(read_responses(paths).flatten(), expected)
        assert opens == {p.name: 1 for p in paths}


def test_kept_bytes_are_bounded_let_go_once_used_and_hidden_from_repr(
    tmp_path, settled, monkeypatch
):
    paths = _saved(tmp_path, 5)
    big = tmp_path / "big.json"
    Response({"result": {"words_block_list": [{"words": "x" * 70_000}]}}).to_json(big)
    size = paths[0].stat().st_size
    monkeypatch.setattr(batch_module, "KEEP", 2 * size + size // 2)
    batch = read_responses([*paths, big])
    kept = [e.kept is not None for e in batch.entries]
    assert kept == [True, True, False, False, False, False]  # the budget; big: over one read
    assert "kept=" not in repr(batch.entries[0]) and "word" not in repr(batch.entries[0])
    batch.words()
    assert not any(e.kept for e in batch.entries)
    assert batch.words()["text"].str.startswith("word").sum() == 15  # read again from disk


def test_a_file_changed_after_read_responses_gives_its_new_content(tmp_path, settled):
    paths = _saved(tmp_path, 3)
    batch = read_responses(paths)
    assert all(e.kept is not None for e in batch.entries)
    # replaced (a new file: Response.to_json writes atomically), rewritten in place with the
    # same size and a later time, rewritten with another size
    Response(_body(0, "new!"), api="general-text", source="s0.png").to_json(paths[0])
    before = paths[1].stat()
    paths[1].write_bytes(paths[1].read_bytes().replace(b"word1", b"WORD1"))
    os.utime(paths[1], ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert paths[1].stat().st_size == before.st_size
    Response(_body(2, "longer"), api="general-text", source="s2.png").to_json(paths[2])
    texts = batch.words()["text"].str[:5].unique().tolist()
    assert texts == ["new!0", "WORD1", "longe"]


def test_a_file_changed_just_before_being_read_is_not_kept(tmp_path):
    (path,) = _saved(tmp_path, 1)
    assert read_responses([path]).entries[0].kept is None  # written just now: read again
    assert read_tail(path, 1 << 16, settled_ns=0)[1] is not None
    tail, whole = read_tail(path, 10, settled_ns=0)
    assert whole is None and tail == path.read_bytes()[-10:]


def test_a_file_gone_or_corrupted_after_read_responses_is_reported(tmp_path, settled):
    cache = Cache(tmp_path / "cache")
    key = cache.key("general-text", {}, b"a")
    path = cache.put(key, _body(0), api="general-text", source="a.png")
    gone = _saved(tmp_path, 2)
    batch = read_responses([path, *gone])
    data = path.read_bytes()
    path.write_bytes(data.replace(b"word0-1", b"word9-1"))  # same size: the checksum fails
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 1_000_000_000))
    gone[0].unlink()
    with pytest.warns(RuntimeWarning, match="skipping"):
        words = batch.words()
    assert words["source"].unique().tolist() == ["s1.png"]
    errors = batch.errors
    assert errors["error_code"].tolist() == ["CacheCorruptError", "FileNotFoundError"]
    assert "checksum" in errors["message"][0]


def test_a_kept_cache_file_still_has_its_checksum_checked(tmp_path, settled):
    cache = Cache(tmp_path / "cache")
    path = cache.put(cache.key("general-text", {}, b"a"), _body(0), api="general-text")
    data = path.read_bytes()
    sha = hashlib.sha256(data[: data.rindex(b',"_ocrframe"')] + b"}").hexdigest()
    assert sha.encode() in data
    path.write_bytes(data.replace(b"word0-1", b"word9-1"))  # edited before read_responses
    batch = read_responses([path, *_saved(tmp_path, 1)])
    assert batch.entries[0].kept is not None
    with pytest.warns(RuntimeWarning, match="checksum mismatch"):
        assert batch.words()["source"].unique().tolist() == ["s0.png"]


def test_a_snapshot_is_fresh_only_while_the_file_is_unchanged(tmp_path):
    path = tmp_path / "a.json"
    path.write_bytes(b"{}")
    whole = read_tail(path, 100, settled_ns=0)[1]
    assert isinstance(whole, Snapshot) and whole.data == b"{}" and whole.fresh(path)
    path.unlink()
    assert not whole.fresh(path)
