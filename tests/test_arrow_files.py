"""The bytes the columnar readers take (issue #14): ``read_bodies`` screens all the files of
a chunk at once (markers, ``null``, UTF-8, newlines over one joined buffer) and must take and
refuse exactly the files the rules take and refuse file by file, with the same API; the
bracket count of ``drop_deep`` over a joined buffer equals the per-body one."""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocrframe.catalog import APIS
from ocrframe.datasets.batch import Entry
from ocrframe.datasets.cache import split_cache_file
from ocrframe.errors import CacheCorruptError
from ocrframe.flatten.arrow import files, read_frames
from ocrframe.flatten.arrow.dispatch import NULLABLE, READERS
from ocrframe.flatten.arrow.files import drop_deep, read_bodies
from ocrframe.flatten.arrow.joined import Joined
from ocrframe.parsing import saved_header
from ocrframe.response import Response

MARKERS = {api: r.MARKERS for api, r in READERS.items()}
SAVED_MEMBER = re.compile(rb',\s*"_ocrframe"\s*:\s*\{[^{}\[\]]*\}\s*\}\s*$')


def written_nulls(data: bytes) -> int:
    """The ``null`` literals of JSON text ``data`` outside its strings, byte by byte."""
    count, in_string, escaped = 0, False, False
    for i, byte in enumerate(data):
        if in_string:
            escaped, in_string = (not escaped and byte == 92), in_string and (escaped or byte != 34)
        elif byte == 34:
            in_string = True
        elif data.startswith(b"null", i):
            count += 1
    return count


def one_by_one(entry: Entry, markers: dict,
               nullable: frozenset[str] = frozenset()) -> tuple[str, bytes] | None:  # fmt: skip
    """The rules file by file, as the columnar path applied them before reading in bulk:
    the oracle ``read_bodies`` must agree with."""
    if entry.response is not None or not entry.path:
        return None
    if entry.api is not None and (entry.api not in markers or entry.api not in APIS):
        return None
    try:
        data = Path(entry.path).read_bytes()
        parts = split_cache_file(data)
    except (OSError, CacheCorruptError):
        return None
    keys = data.count(b'"_ocrframe"')
    if keys > 1 or (keys and parts is None and saved_header(data) is None):
        return None  # the key twice, or not a header ending the file: the walk reads it
    api = entry.api
    if parts is not None:
        body, header = parts
        if hashlib.sha256(body).hexdigest() != header["cache"].get("sha256"):
            return None
        if header.get("api") is not None:
            named = header["api"]
            if api not in (None, named) or named not in markers or named not in APIS:
                return None
            api = named
        data = body
    if api is None:
        api = next((a for a, ms in markers.items() if any(m in data for m in ms)), None)
    elif not any(m in data for m in markers[api]):
        return None
    if api is None:
        return None
    at = data.rfind(b'"_ocrframe"', max(0, len(data) - 4096))
    member = at >= 0 and SAVED_MEMBER.search(data, max(0, data.rfind(b",", 0, at)))
    if api not in nullable and written_nulls(data[: member.start() if member else len(data)]):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return api, data.replace(b"\r", b" ").replace(b"\n", b" ")


BODIES = [
    b'{"result": {"direction": 0, "words_block_list": [{"words": "a"}]}}',
    b'{"result": {"words_region_list": [{"words_block_list": []}]}}',
    b'{"result": [{"kv_result": {"kv_block_list": []}}, {"ocr_result": {}}]}',
    b'{"result": {"detect_copy_result": true, "name": "\xe5\xbc\xa0\xe4\xb8\x89"}}',
    b'{"result": {"a": "1", "b": [1, 2]}}',
    b'{"other": {"a": "1"}}',
    b'{"result": {"formula_result": {"x": "\xf0\x9f\x98\x80"}}}',
    b'{"result": {"direction": null, "words_block_list": [{"words": "a\\"null"}]}}',
    b'{"result": {"name": null, "tags": ["x", null]}}',
]
BREAKS = [  # inserted into a string value of the body
    b"null", b"nul", b"\n", b"\r\n", b"\xff", b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80",
    b"\xe4\xb8", b"\xe4\xb8\xad", b'"words_block_list"', b'"table_result"', b'"_ocrframe"',
]  # fmt: skip


def _file(rng: random.Random, folder: Path, i: int) -> Entry:
    body = rng.choice(BODIES)
    if rng.random() < 0.5:
        at = body.index(b"{", 1) + 1
        body = body[:at] + b'"s": "' + rng.choice(BREAKS) + b'", ' + body[at:]
    if rng.random() < 0.2:
        body = body[:-1] + b"\n" + body[-1:]
    kind = rng.choice(["plain", "plain", "saved", "cache", "cache-bad", "missing"])
    api = rng.choice([None, None, None, "general-text", "vat-invoice", "no-such-api"])
    if kind == "saved":  # Response.to_json's member, with nulls of its own
        head = {"source": f"s{i}", "page": None, "api": rng.choice([None, "passport"])}
        body = body[:-1] + b', "_ocrframe": ' + json.dumps(head).encode() + b"}"
    elif kind.startswith("cache"):
        digest = hashlib.sha256(body if kind == "cache" else b"x").hexdigest()
        head = {"api": rng.choice([None, "general-text", "smart-document-recognizer",
                                   "vat-invoice", "id-card", "nope"]),
                "cache": {"key": "k", "sha256": digest}}  # fmt: skip
        body = body[:-1] + b',"_ocrframe":' + json.dumps(head).encode() + b"}"
    path = folder / f"r{i:03d}.json"
    if kind != "missing":
        path.write_bytes(body)
    return Entry(f"s{i}", None, api, path=str(path))


@pytest.mark.parametrize("seed", range(12))
def test_read_bodies_takes_what_the_rules_take_file_by_file(tmp_path: Path, seed: int):
    rng = random.Random(seed)
    entries = [_file(rng, tmp_path, i) for i in range(rng.choice([1, 2, 9, 40]))]
    if rng.random() < 0.3:
        entries.insert(rng.randrange(len(entries) + 1),
                       Entry("mem", None, None, response=Response({"result": {}})))  # fmt: skip
    expected: dict[str, tuple[list[int], list[bytes]]] = {}
    left = []
    for i, e in enumerate(entries):
        got = one_by_one(e, MARKERS, NULLABLE)
        if got is None:
            left.append(i)
        else:
            expected.setdefault(got[0], ([], []))[0].append(i)
            expected[got[0]][1].append(got[1])
    groups, rest = read_bodies(entries, MARKERS, NULLABLE)
    assert rest == left
    assert {api: (idx, list(b)) for api, (idx, b) in groups.items()} == expected
    assert list(groups) == list(expected)  # in the order the APIs first come
    for _, bodies in groups.values():
        assert len(bodies.data) == sum(map(len, bodies)) + len(bodies) - 1  # one a line
        assert bodies.data.count(b"\n") == len(bodies) - 1


def test_read_bodies_screens_nulls_and_markers(tmp_path: Path):
    """A file is taken when its API's marker is there and no ``null`` is in the body (one in
    the ``_ocrframe`` member ending a saved response is not the body's); a body holding no
    reader's marker goes the general way; a body naming its API must hold that API's marker."""
    markers = {"general-text": (b'"words_block_list"',), "(any)": (b'"result"',),
               "vat-invoice": (b'"result"',), "passport": (b'"result"',)}  # fmt: skip
    cases = {
        "plain": (b'{"result": {"a": "1"}}', None, "(any)"),
        "null in body": (b'{"result": {"a": null}}', None, None),
        "null in header": (
            b'{"result": {"a": "1"}, "_ocrframe": {"source": "a.png", "page": null}}',
            None,
            "(any)",
        ),
        "words": (b'{"result": {"words_block_list": []}}', None, "general-text"),
        "no marker": (b'{"other": {"a": "1"}}', None, None),
        "named": (b'{"result": {"words_block_list": []}}', "vat-invoice", "vat-invoice"),
        "named, no marker": (b'{"other": {"words_block_list": []}}', "vat-invoice", None),
    }
    entries = []
    for name, (body, api, _) in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_bytes(body)
        entries.append(Entry(name, None, api, path=str(path)))
    groups, left = read_bodies(entries, markers)
    got = {entries[i].source: api for api, (idx, _) in groups.items() for i in idx}
    assert got == {name: api for name, (_, _, api) in cases.items() if api is not None}
    assert [entries[i].source for i in left] == [n for n, c in cases.items() if c[2] is None]


def test_one_reader_takes_every_body_in_the_buffer_it_was_read_into(tmp_path: Path):
    """All files taken by one API: the joined buffer of the screen is the group's, no copy."""
    entries = []
    for i in range(5):
        (tmp_path / f"{i}.json").write_bytes(b'{"result": {"words_block_list": [%d]}}' % i)
        entries.append(Entry(str(i), None, None, path=str(tmp_path / f"{i}.json")))
    groups, left = read_bodies(entries, MARKERS)
    (api, (idx, bodies)), = groups.items()  # fmt: skip
    assert api == "general-text" and idx == [0, 1, 2, 3, 4] and left == []
    assert bytes(bodies.data) == b"\n".join((tmp_path / f"{i}.json").read_bytes() for i in idx)


@pytest.mark.parametrize("seed", range(4))
def test_utf8_is_judged_as_python_decodes_it(tmp_path: Path, seed: int):
    """Arrow's check of the whole buffer refuses exactly what Python's decoder refuses (bodies
    of random bytes, one per file, the faults next to the line ends between them too)."""
    rng = random.Random(seed)
    pieces = [b"a", b"\xe4\xb8\xad", b"\xf0\x9f\x98\x80", b"\xff", b"\xed\xa0\x80", b"\xed\x9f\xbf",
              b"\xc0\xaf", b"\xc2\x80", b"\xe0\x80\x80", b"\xf4\x8f\xbf\xbf", b"\xf4\x90\x80\x80",
              b"\xf5\x80\x80\x80", b"\x80", b"\xe4", b"\xf0\x9f"]  # fmt: skip
    entries, valid = [], []
    for i in range(30):
        text = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))
        body = b'{"result": "' + text + b'"}' if i % 3 else text + b'{"result": 1}' + text
        try:
            body.decode("utf-8")
            valid.append(i)
        except UnicodeDecodeError:
            pass
        (tmp_path / f"{i}").write_bytes(body)
        entries.append(Entry(str(i), None, "vat-invoice", path=str(tmp_path / f"{i}")))
    groups, _ = read_bodies(entries, MARKERS)
    assert sorted(i for idx, _ in groups.values() for i in idx) == valid


def test_taken_files_let_their_kept_bytes_go_and_the_others_keep_them(tmp_path, monkeypatch):
    """Kept bytes go once in the buffer; a file left to the general walk gets them back (a
    copy out of the buffer, or the kept bytes themselves when the buffer holds them altered,
    as a cache file's body), so that it is not read again."""
    import ocrframe.files
    from ocrframe.datasets.batch import read_responses
    from ocrframe.datasets.cache import Cache

    monkeypatch.setattr(ocrframe.files, "SETTLED_NS", 0)
    (tmp_path / "a.json").write_bytes(b'{"result": {"words_block_list": []}}')
    (tmp_path / "b.json").write_bytes(b'{"result": {"words_block_list": null}}')
    cache = Cache(tmp_path / "cache")
    c = cache.put("0" * 64, {"result": {"words_block_list": None}}, api="general-text")
    entries = read_responses([tmp_path / "a.json", tmp_path / "b.json", c]).entries
    assert all(e.kept is not None for e in entries)
    cached = entries[2].kept
    groups, left = read_bodies(entries, MARKERS)
    assert left == [1, 2] and entries[0].kept is None
    assert entries[1].kept.data == (tmp_path / "b.json").read_bytes()
    assert entries[1].kept.fresh(entries[1].path) and entries[2].kept is cached


def test_bodies_saved_without_their_api_go_to_the_reader_a_key_of_their_head_tells(tmp_path):
    """A health code or a PCR test record holds General Text's marker, whose reader would parse
    it only to refuse it: a key of its head that one field API alone declares sends it to the
    field reader's group. Not a body naming its API, nor one holding such a key only past its
    head, or as a value. The frames are the general walk's either way."""
    from ocrframe.datasets.batch import read_responses
    from ocrframe.flatten.arrow import dispatch, fields
    from ocrframe.response import Response
    from ocrframe.synth import synthesize

    shapes = ["health-code", "pcr-test-record", "general-text", "vat-invoice"]
    for i, api in enumerate(shapes):
        (tmp_path / f"{i}.json").write_text(json.dumps(synthesize(api, seed=i)), "utf-8")
    late = {"result": {"words_block_list": [{"words": "x" * 600}], "test_result": "?"}}
    value = {"result": {"words_block_list": [{"words": '"test_result": 1'}]}}
    for name, body in [("late", late), ("value", value)]:
        (tmp_path / f"{name}.json").write_text(json.dumps(body), "utf-8")
    Response(synthesize("pcr-test-record", seed=9), api="general-text").to_json(
        tmp_path / "named.json")  # fmt: skip
    paths = sorted(tmp_path.glob("*.json"))
    markers = {api: r.MARKERS for api, r in READERS.items()}
    entries = read_responses(paths).entries
    groups, left = read_bodies(entries, markers, NULLABLE, dispatch.head_routes())
    got = {paths[i].stem: api for api, (idx, _) in groups.items() for i in idx}
    assert got == {"0": fields.DETECTED, "1": fields.DETECTED, "2": "general-text",
                   "3": fields.DETECTED, "late": "general-text", "named": "general-text",
                   "value": "general-text"}  # fmt: skip
    assert read_frames(read_responses(paths[:2]).entries, ["words"]).fallback == []


def test_a_body_listed_without_the_header_key_is_not_searched_again_unless_it_changed(
    tmp_path, monkeypatch
):
    """Listing reads a file whole and looks for ``"_ocrframe"`` once; the screen takes that
    answer for the same bytes, and looks again in bytes read anew (a file changed since)."""
    import ocrframe.files
    from ocrframe.datasets.batch import read_responses

    monkeypatch.setattr(ocrframe.files, "SETTLED_NS", 0)
    plain = b'{"result": {"words_block_list": []}}'
    keyed = b'{"result": {"words_block_list": [], "_ocrframe": {}}}'  # not a header: walked
    for name, body in [("a", plain), ("b", keyed), ("c", plain)]:
        (tmp_path / f"{name}.json").write_bytes(body)
    entries = read_responses(sorted(tmp_path.glob("*.json"))).entries
    assert [e.keyless for e in entries] == [True, False, True]
    (tmp_path / "c.json").write_bytes(keyed.replace(b"[]", b"[ ]"))  # changed since listing
    groups, left = read_bodies(entries, MARKERS)
    assert [idx for idx, _ in groups.values()] == [[0]] and left == [1, 2]


def test_hits_are_found_once_per_body_in_runs_of_bodies():
    bodies = Joined([b"xax", b"aa", b"b", b"a", b"", b"ba"])
    calls = []

    def find(start: int, stop: int) -> int:
        calls.append((start, stop))
        return bodies.data.find(b"a", start, stop)

    hits = bodies.first_hits([0, 1, 2, 3, 5], find)
    assert [(j, bytes(bodies.data[at : at + 1])) for j, at in hits] == [
        (0, b"a"), (1, b"a"), (3, b"a"), (5, b"a")]  # fmt: skip
    assert [j for j, at in hits] == [0, 1, 3, 5] and [at for _, at in hits] == [1, 4, 9, 13]
    assert len(calls) == 4  # a call per hit (none more: each run's last body held one)
    assert bodies.first_hits([], find) == []
    assert len(bodies.first_hits([0, 2], find)) == 1 and len(calls) == 4 + 2  # a call a run


def test_a_search_hitting_where_it_starts_finds_each_body_once():
    """Markers with no common ending are found behind the search's start (a lookbehind): it
    hits at a body's end, where the next search of the old loop started, for ever."""
    bodies = Joined([b"[^", b"x", b"\\d"])
    assert files._holding(bodies, [0, 1, 2], (b"\\d", b"[^")) == {0, 2}
    assert files._holding(Joined([b"x", b"[^"]), [0, 1], (b"\\d", b"[^")) == {1}


@pytest.mark.parametrize("seed", range(3))
def test_drop_deep_over_a_joined_buffer_counts_as_body_by_body(seed: int):
    rng = random.Random(seed)
    bodies = []
    for _ in range(40):
        depth = rng.choice([1, 50, 99, 100, 101, 150])
        body = b'{"a": "[[{"' + b"[" * depth + b"1" + b"]" * depth + b"}"
        bodies.append(body if rng.random() < 0.8 else b'{"s": "' + b"[{" * 60 + b'"}')
    expected = drop_deep(list(bodies))
    assert expected.any() and not expected.all()
    assert drop_deep(Joined(bodies)).tolist() == expected.tolist()
    bodies[3] = bodies[3].replace(b"1", b"\n1")  # a line end within a body
    assert drop_deep(Joined(bodies)).tolist() == drop_deep(bodies).tolist()
    assert drop_deep(Joined()).tolist() == [] == np.zeros(0).tolist()


def test_drop_deep_counts_a_joined_buffer_without_copying_its_bodies_out(monkeypatch):
    bodies = Joined([b"[" * 101 + b"]" * 101, b"[]" * 101, b"[[1]]"])

    def copied(self, i):
        raise AssertionError("a body was copied out of the buffer")

    shallow = Joined([b"[]" * 100, b"[[1]]"])
    monkeypatch.setattr(Joined, "__getitem__", copied)
    assert drop_deep(shallow).tolist() == [False, False]
    with pytest.raises(AssertionError):  # a deep one is measured: copied out, only then
        drop_deep(bodies)


def test_markers_sharing_an_ending_are_found_whole_within_one_body(tmp_path: Path):
    """Several markers are looked for at their common ending (``_result"``), each checked
    behind it: the ending alone, or a marker split across two files, is no marker."""
    markers = {"sdr": (b'"kv_result"', b'"ocr_result"'), "any": (b'"r"',)}
    files = [b'{"r": "x", "detect_result": 1}', b'{"r": 1, "kv_result": 2}', b'{"r": "kv',
             b'_result": 1, "r": 2}', b'{"ocr_result": {"r": 3}}']  # fmt: skip
    entries = []
    for i, body in enumerate(files):
        (tmp_path / f"{i}").write_bytes(body)
        entries.append(Entry(str(i), None, None, path=str(tmp_path / f"{i}")))
    groups, left = read_bodies(entries, markers)
    assert {api: idx for api, (idx, _) in groups.items()} == {"any": [0, 2, 3], "sdr": [1, 4]}
    assert list(groups["sdr"][1]) == [files[1], files[4]] and left == []


def test_markers_with_no_common_ending_are_each_found(tmp_path: Path):
    markers = {"two": (b'"ab"', b'"cd":'), "any": (b"{",)}
    files = [b'{"cd": 1}', b'{"x": "ab"}', b'{"cd" : 1}', b'{"c": "d"}']
    entries = []
    for i, body in enumerate(files):
        (tmp_path / f"{i}").write_bytes(body)
        entries.append(Entry(str(i), None, None, path=str(tmp_path / f"{i}")))
    groups, _ = read_bodies(entries, markers)
    assert {api: idx for api, (idx, _) in groups.items()} == {"two": [0, 1], "any": [2, 3]}


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=120).map(lambda b: b.replace(b"n", b"nu")),
    needle=st.sampled_from([b"null", b'_result"', b'"words_block_list"', b"nu", b"abcd"]),
    where=st.lists(st.integers(0, 130), max_size=3),
    span=st.tuples(st.integers(0, 140), st.integers(0, 140)),
)
def test_find_bytes_finds_what_bytes_find_finds(data, needle, where, span):
    for at in sorted(where, reverse=True):
        data = data[:at] + needle + data[at:]
    start, stop = min(span), min(max(span), len(data))
    with pytest.MonkeyPatch.context() as mp:
        # Stretches of a few bytes, so the numpy search, its alignments and the seams between
        # stretches are all crossed by short inputs.
        mp.setattr(files, "_NEAR", 7)
        mp.setattr(files, "_STRETCH", 11)
        for given_data in (data, bytearray(data)):
            assert files.find_bytes(given_data, needle, start, stop) == data.find(
                needle, start, stop
            )


def test_each_readers_markers_share_an_ending_worth_searching_for():
    # The screen looks for a reader's markers at their common ending, then checks which one
    # ends there: an ending of a byte or two (a quote) runs that check at every quote of the
    # dataset, several times the whole screen.
    for api, markers in MARKERS.items():
        ending, _ = files._any_of(markers)
        assert len(ending) >= 6, (api, markers)


def _api_by_rules(body: bytes, named: str | None, markers: dict[str, tuple[bytes, ...]]):
    """The API the screen gives one body: its named API when it holds one of that API's
    markers, else the first API whose markers it holds."""
    if named is not None:
        return named if any(m in body for m in markers[named]) else None
    return next((api for api, ms in markers.items() if any(m in body for m in ms)), None)


OTHER_FRAGMENTS = [b'{"result": ', b"}", b'"words"', b'_list"', b'"seal', b"\xff\xfe", b"x"]
FRAGMENTS = [m for ms in MARKERS.values() for m in ms] + OTHER_FRAGMENTS + ["ü".encode()]


def body_of(fragments: list[bytes]) -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(fragments), max_size=6).map(b"".join)


@settings(max_examples=200, deadline=None)
@given(
    bodies=st.lists(body_of(FRAGMENTS), min_size=1, max_size=12),
    named=st.lists(st.sampled_from([None, None, None, *MARKERS]), min_size=12, max_size=12),
)
def test_each_body_gets_the_api_of_the_first_markers_it_holds(bodies, named):
    """The screen's passes (one for all sets of markers but the last, then one per set over
    the bodies that may still hold it) give each body what looking at it alone gives."""
    named = named[: len(bodies)]
    got = files._apis(Joined(bodies), named, MARKERS)
    assert got == [_api_by_rules(b, n, MARKERS) for b, n in zip(bodies, named, strict=True)]


ODD_MARKERS = {"spaced": (b'"a b"', b"(x)+"), "escapes": (b"\\d", b"[^"),
               "accented": ("é".encode(),), "last": (b"{",)}  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    bodies=st.lists(
        body_of([m for ms in ODD_MARKERS.values() for m in ms] + OTHER_FRAGMENTS + [b"a", b"d"]),
        min_size=1,
        max_size=8,
    ),
)
def test_markers_of_any_bytes_are_found_as_bytes(bodies):
    """Markers RE2 would read as syntax (a space, brackets, a backslash) are looked for as the
    bytes they are; a set with a non-ASCII marker is searched body by body as before."""
    got = files._apis(Joined(bodies), [None] * len(bodies), ODD_MARKERS)
    assert got == [_api_by_rules(b, None, ODD_MARKERS) for b in bodies]
