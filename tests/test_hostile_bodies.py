# ruff: noqa: UP031  (JSON templates are full of braces: %-formatting reads better here)
"""Hostile response bodies (issue 12, classes 1-2): a result or an OcrError, never a crash from
inside, and one bad file never stops a dataset. The columnar and general paths agree."""

import importlib
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ocrframe
from ocrframe.datasets.batch import Batch, Entry, read_responses
from ocrframe.errors import OcrError, ResponseFormatError
from ocrframe.flatten import FRAMES, rules
from ocrframe.parsing import MAX_DEPTH, MAX_PAGES, nesting_depths

flat = importlib.import_module("ocrframe.flatten")  # the module (ocrframe.flatten is a function)

BIG = "1" + "0" * 400  # 1e400 written as digits: a Python int, beyond float range
LOC = "[[1,1],[9,1],[9,5],[1,5]]"


def _gt(blocks: str, extra: str = "") -> str:
    return '{"result": {"direction": 0, "words_block_list": [%s]%s}}' % (blocks, extra)


def _meta(info: str) -> str:
    return '{"result": {"words_block_list": [{"words": "a"}]}, "_ocrframe": %s}' % info


HOSTILE = {
    "deep array": _gt('{"words": "a"}', ', "x": ' + "[" * 5000 + "]" * 5000),
    "deep object": '{"result": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}",
    "deep but parseable": '{"result": ' + '{"a": ' * 300 + "1" + "}" * 300 + "}",
    "big int coordinate": _gt(
        '{"words": "a", "location": [[%s, 1], [2, 1], [2, 2], [1, 2]]}' % BIG
    ),
    "big int confidence": _gt('{"words": "a", "confidence": %s}' % BIG),
    "big int field confidence": '{"result": {"name": "x", "confidence": {"name": %s}}}' % BIG,
    "big int cell span": '{"result": {"words_region_list": [{"type": "table", '
    '"words_block_list": [{"words": "a", "rows": [%s], "columns": [0]}]}]}}' % BIG,
    "big int document value": _gt("", ', "words_block_count": %s' % BIG),
    "huge int": _gt('{"words": "a", "confidence": %s}' % ("9" * 5000)),
    "1e400 literal": _gt('{"words": "a", "confidence": 1e400, "location": %s}' % LOC),
    "lone surrogate": _gt('{"words": "a\\ud800b", "confidence": 0.5}'),
    "lone surrogate key": (
        '{"result": {"na\\udc00me": "x\\udfff", "confidence": {"na\\udc00me": 1}}}'
    ),
    "NaN and Infinity": _gt(
        '{"words": "a", "confidence": NaN, '
        '"location": [[Infinity, 1], [2, 1], [2, 2], [1, -Infinity]]}'
    ),
    "page is a list": _meta('{"page": [1], "api": 5}'),
    "page is a huge float": _meta('{"page": 1e300, "status": 1.5}'),
    "page is a huge int": _meta('{"page": %s}' % BIG),
    "path-like metadata": _meta(
        '{"api": "../../etc/passwd", "source": "/etc/passwd", "meta": [1]}'
    ),
}


def _functions():
    yield "read_response", lambda x: ocrframe.read_response(x).to_json()
    yield "flatten", ocrframe.flatten
    for name in FRAMES:
        yield name, getattr(flat, name)
    yield "Batch.flatten", lambda x: Batch([ocrframe.read_response(x)]).flatten()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_body_gives_a_result_or_an_ocr_error(case):
    body = HOSTILE[case]
    for name, func in _functions():
        try:
            out = func(body)
        except OcrError as exc:
            assert str(exc), name
            continue
        # Whatever came back must be writable as UTF-8 (no surrogates, no objects that break).
        frames = out if isinstance(out, dict) else {"x": out}
        for frame in frames.values():
            if isinstance(frame, pd.DataFrame):
                frame.to_csv(index=False).encode("utf-8")


def test_deep_bodies_are_refused_with_the_limit_in_the_message():
    with pytest.raises(ResponseFormatError, match="nested too deeply"):
        ocrframe.words(HOSTILE["deep array"])
    with pytest.raises(ResponseFormatError, match=f"more than {MAX_DEPTH}"):
        ocrframe.read_response(HOSTILE["deep but parseable"])
    deep: dict = {}
    node = deep
    for _ in range(5000):  # built in Python: no bytes to check, the walk refuses it
        node["a"] = {}
        node = node["a"]
    with pytest.raises(ResponseFormatError, match="nested too deeply"):
        ocrframe.flatten({"result": deep})


def test_out_of_range_numbers_are_not_numbers_and_land_in_other():
    words = ocrframe.words(HOSTILE["big int coordinate"])
    assert words[["x1", "y1", "x_min"]].isna().all(axis=None)
    other = ocrframe.other(HOSTILE["big int coordinate"])
    assert other["path"].tolist() == ["result.words_block_list[0].location"]
    assert BIG in other["value"].iloc[0]  # kept exactly, not rounded to inf
    nan = ocrframe.flatten(HOSTILE["NaN and Infinity"])
    assert nan["words"][["confidence", "x1", "y4"]].isna().all(axis=None)
    assert sorted(nan["other"]["path"]) == [
        "result.words_block_list[0].confidence",
        "result.words_block_list[0].location",
    ]


def test_lone_surrogates_become_replacement_characters_and_round_trip_in_json():
    assert ocrframe.words(HOSTILE["lone surrogate"])["text"].tolist() == ["a\ufffdb"]
    fields = ocrframe.fields(HOSTILE["lone surrogate key"])
    assert fields[["field", "value", "confidence"]].values.tolist() == [
        ["na\ufffdme", "x\ufffd", 1.0]
    ]
    resp = ocrframe.read_response(HOSTILE["lone surrogate"])
    assert ocrframe.read_response(resp.to_json()).raw == resp.raw  # escaped, not lost


def test_wrong_metadata_types_are_ignored_as_hints():
    for case in ("page is a list", "page is a huge float", "page is a huge int"):
        resp = ocrframe.read_response(HOSTILE[case])
        assert resp.page is None and resp.api == "general-text"
        assert ocrframe.words(resp)["page"].tolist() == [1]
    resp = ocrframe.read_response(HOSTILE["path-like metadata"])
    assert resp.api == "general-text" and resp.source == "/etc/passwd" and resp.meta == {}


# --- datasets ----------------------------------------------------------------------------------


def _good(i: int) -> str:
    blocks = ",".join(
        '{"words": "w%d_%d", "confidence": 0.9, "location": %s}' % (i, j, LOC) for j in range(3)
    )
    return _gt(blocks)


def _general_words(paths) -> pd.DataFrame:
    """The reference: one single-file Batch per path (too small for the columnar path)."""
    parts = [read_responses(str(p)).words() for p in paths]
    return pd.concat(parts, ignore_index=True)


def test_a_saved_headers_page_and_another_engines_follow_one_page_number_rule(tmp_path):
    """A saved header's page was taken up to 1,000,000, another engine's page numbers up to
    100,000 (two copies of the rule): one rule, one limit now."""
    for page in (MAX_PAGES, MAX_PAGES + 1):
        body = {"result": {"words_block_list": [{"words": f"h{page}"}]}}
        saved = {**body, "_ocrframe": {"page": page, "source": f"s{page}.pdf"}}
        (tmp_path / f"h{page}.json").write_text(json.dumps(saved))
        line = {"BlockType": "LINE", "Id": "1", "Text": f"t{page}", "Page": page}
        textract = {"DocumentMetadata": {"Pages": 1}, "Blocks": [line]}
        (tmp_path / f"t{page}.json").write_text(json.dumps(textract))
    words = ocrframe.read_responses(tmp_path).words().set_index("text")["page"]
    assert words.to_dict() == {f"{kind}{page}": page if page == MAX_PAGES else 1
                               for kind in "ht" for page in (MAX_PAGES, MAX_PAGES + 1)}  # fmt: skip


def test_bad_files_are_listed_and_good_rows_kept(tmp_path):
    bad = {
        "corrupt": b'{"result": {"words_block_list": [',
        "deep": _gt('{"words": "x"}', ', "x": ' + "[" * 3000 + "]" * 3000).encode(),
        "deep2": _gt('{"words": "x"}', ', "x": ' + "[" * 500 + "]" * 500).encode(),
        "not utf8": b'{"result": {"words_block_list": [{"words": "\xff"}]}}',
    }
    odd = {  # a result, on both paths
        "surrogate": HOSTILE["lone surrogate"],
        "bigint": HOSTILE["big int coordinate"],
        "nan": HOSTILE["NaN and Infinity"],
        "meta": HOSTILE["page is a huge int"],
        "huge": HOSTILE["huge int"],
    }
    paths = []
    for i in range(6):
        paths.append(tmp_path / f"good{i}.json")
        paths[-1].write_text(_good(i))
    for name, data in bad.items():
        (tmp_path / f"bad_{name}.json").write_bytes(data)
    for name, text in odd.items():
        (tmp_path / f"odd_{name}.json").write_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        batch = read_responses(tmp_path)
        words = batch.words()
        errors = batch.errors
        flat = read_responses(tmp_path).flatten()
        general = _general_words(sorted(tmp_path.glob("*.json")))
    assert sorted(errors["source"]) == sorted(str(tmp_path / f"bad_{n}.json") for n in bad)
    assert errors["message"].str.len().gt(10).all()
    assert set(errors["category"]) == {"corrupt"}
    for i in range(6):
        assert (words["text"] == f"w{i}_0").sum() == 1
    assert len(words) == 6 * 3 + len(odd)
    pd.testing.assert_frame_equal(words, general)
    pd.testing.assert_frame_equal(flat["words"], words)


def test_audit_over_a_folder_with_bad_files(tmp_path):
    for i in range(3):
        (tmp_path / f"good{i}.json").write_text(_good(i))
    (tmp_path / "deep.json").write_text(_gt("", ', "x": ' + "[" * 3000 + "]" * 3000))
    (tmp_path / "surrogate.json").write_text(HOSTILE["lone surrogate"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        report = ocrframe.audit(read_responses(tmp_path))
    assert report is not None


# --- the byte-level depth rule -----------------------------------------------------------------


def test_depth_is_measured_only_where_it_can_pass_the_limit(monkeypatch):
    """A body can nest no deeper than its opening brackets: one with up to MAX_DEPTH of them is
    not measured (the general walk's per-file cost, one rule with the columnar path's)."""
    from ocrframe import parsing

    measured = []
    monkeypatch.setattr(parsing, "nesting_depths", lambda raw: measured.append(raw) or [0])
    shallow = json.dumps({"result": {"list": [[1, 2]] * (MAX_DEPTH // 2 - 2)}})
    assert parsing.parse_json(shallow)["result"]["list"][0] == [1, 2]
    assert measured == []
    parsing.parse_json(json.dumps([[1]] * MAX_DEPTH))  # more openers than the limit: measured
    assert len(measured) == 1


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab'),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=30,
)


def _depth(v) -> int:
    if isinstance(v, list):
        return 1 + max(map(_depth, v), default=0)
    if isinstance(v, dict):
        return 1 + max(map(_depth, v.values()), default=0)
    return 0


@settings(max_examples=200, deadline=None)
@given(st.lists(_json, min_size=1, max_size=4))
def test_nesting_depths_counts_like_a_parser(values):
    texts = [json.dumps(v).encode() for v in values]
    assert nesting_depths(texts).tolist() == [_depth(v) for v in values]
    assert [nesting_depths(t)[0] for t in texts] == [_depth(v) for v in values]


# --- one words schema: the same fuzzed bodies through both paths --------------------------------

_odd_number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.just(10**400),
    st.sampled_from(["0.5", "x", "", True, None, [], {}]),
)
_coord = st.one_of(st.integers(-50, 3000), st.floats(-1e3, 1e4, allow_nan=False), _odd_number)
_vertex = st.one_of(st.lists(_coord, min_size=2, max_size=2), st.lists(_coord, max_size=3))
_location = st.one_of(
    st.lists(_vertex, min_size=4, max_size=4), st.lists(_vertex, max_size=5), st.none()
)
_block = st.fixed_dictionaries(
    {"words": st.one_of(st.text(max_size=8), st.just("a\ud800"), _odd_number)},
    optional={
        "confidence": st.one_of(st.floats(0, 1), _odd_number),
        "location": _location,
        "angle": _odd_number,
    },
)
_body = st.one_of(
    st.fixed_dictionaries(
        {"result": st.fixed_dictionaries({"words_block_list": st.lists(_block, max_size=4)})}
    ),
    st.fixed_dictionaries(
        {
            "result": st.fixed_dictionaries({"words_block_list": st.lists(_block, max_size=4)}),
            "_ocrframe": st.fixed_dictionaries(
                {"page": st.one_of(st.integers(-3, 5), _odd_number)}
            ),
        }
    ),
)


def _dump(body) -> str:
    return json.dumps(body, ensure_ascii=False, allow_nan=True)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_body, min_size=2, max_size=6))
def test_fast_and_general_paths_agree_on_fuzzed_bodies(tmp_path_factory, bodies):
    folder = tmp_path_factory.mktemp("fuzz")
    paths = []
    for i, body in enumerate(bodies):
        path = folder / f"r{i}.json"
        path.write_bytes(_dump(body).encode("utf-8", "surrogatepass"))
        paths.append(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fast_batch = read_responses([str(p) for p in paths])
        fast = fast_batch.words()
        general = _general_words(paths)
    pd.testing.assert_frame_equal(fast, general)


@pytest.mark.parametrize("where", ["first", "last"])
def test_a_saved_header_anywhere_at_the_top_gives_the_same_page_and_source(tmp_path, where):
    header = '"_ocrframe": {"page": 2, "source": "scan.pdf"}'
    body = '"result": {"words_block_list": [{"words": "b"}]}'
    members = [header, body] if where == "first" else [body, header]
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    paths[0].write_text(_good(0))
    paths[1].write_text("{%s}" % ", ".join(members))
    words = read_responses([str(p) for p in paths]).words()
    last = words.iloc[-1]
    # The batch labels its entries when opened, from the header ending a file (where
    # Response.to_json writes it); the page comes from the header wherever it is.
    source = "scan.pdf" if where == "last" else str(paths[1])
    assert (last["text"], last["page"], last["source"]) == ("b", 2, source)
    pd.testing.assert_frame_equal(words, _general_words(paths))


def test_fast_path_takes_clean_files_and_applies_the_same_rules(tmp_path):
    from ocrframe.flatten.arrow import read_frames

    odd = _gt(
        '{"words": "a", "confidence": 1.5, "location": [[%s, 1], [2, 1], [2, 2], [1, 2]]}' % BIG
    )
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    paths[0].write_text(_good(0))
    paths[1].write_text(odd)
    entries = [Entry(str(p), None, None, path=str(p)) for p in paths]
    result = read_frames(entries, ["words"])
    assert result.fallback == []  # both parsed by pyarrow
    row = result.frames["words"][0][1].iloc[-1]
    assert np.isnan(row["confidence"]) and np.isnan(row["x1"]) and np.isnan(row["x_max"])


@pytest.mark.parametrize(
    "value", [0.5, 1.5, -0.0, float("nan"), float("inf"), 10**400, "0.25", True, None, "1e400"]
)
def test_scalar_and_array_rules_agree(value):
    scalar = rules.confidence(value)
    number = rules.number(value)
    array = rules.confidence_array(np.array([np.nan if number is None else number]))
    assert (scalar is None and np.isnan(array[0])) or scalar == array[0]


# --- the column-at-a-time block list agrees with the block-by-block walk ------------------------

_plain_block = st.fixed_dictionaries(
    {"words": st.one_of(st.text(max_size=4), st.none())},
    optional={
        "confidence": st.one_of(st.floats(0, 1), st.none(), _odd_number),
        "location": st.one_of(
            st.lists(
                st.lists(st.integers(-5, 3000), min_size=2, max_size=2), min_size=4, max_size=4
            ),
            _location,
        ),  # fmt: skip
        "char_list": st.just([{"char": "a", "char_confidence": 0.5}]),
    },
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_plain_block, min_size=64, max_size=80))
def test_columnar_block_lists_match_the_walk(monkeypatch_blocks, blocks):
    body = {"result": {"words_block_list": blocks}}
    fast = {name: getattr(flat, name)(body) for name in ("words", "chars", "other")}
    fast["all"] = flat.flatten(body)
    with monkeypatch_blocks():
        slow = {name: getattr(flat, name)(body) for name in ("words", "chars", "other")}
        slow["all"] = flat.flatten(body)
    for name in ("words", "chars", "other"):
        pd.testing.assert_frame_equal(fast[name], slow[name])
    assert fast["all"].keys() == slow["all"].keys()
    for name in fast["all"]:
        pd.testing.assert_frame_equal(fast["all"][name], slow["all"][name])


@pytest.fixture
def monkeypatch_blocks():
    """A context in which block lists are walked one block at a time."""
    import contextlib

    families = importlib.import_module("ocrframe.flatten._families")

    @contextlib.contextmanager
    def walk_only():
        original = families.add_plain_blocks
        families.add_plain_blocks = lambda *args: False
        try:
            yield
        finally:
            families.add_plain_blocks = original

    return walk_only


@pytest.mark.parametrize(
    "loc, expected",
    [
        ([[1, 2], [3, 4], [5, 6], [7, 8.5]], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.5]),
        ([[1e308, 1e308], [1e308, 0], [0, 0], [0, 1]], [1e308, 1e308, 1e308, 0, 0, 0, 0, 1]),
        ([[True, 1], [1, 1], [1, 1], [1, 1]], None),
        ([["1", 2], [3, 4], [5, 6], [7, 8]], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]),
        ([[1, 2, 3], [3, 4], [5, 6], [7, 8]], None),
        ([[float("inf"), 2], [3, 4], [5, 6], [7, 8]], None),
        ([[10**400, 2], [3, 4], [5, 6], [7, 8]], None),
        (["ab", "cd", "ef", "gh"], None),
    ],
)
def test_polygon_rule_edges(loc, expected):
    assert rules.polygon(loc) == expected


def test_deep_hocr_is_refused_like_deep_json_and_alto(tmp_path):
    """hOCR words nested 3,000 deep crashed the reader with a bare RecursionError; it is
    refused with the limit ALTO and JSON have, and a dataset records the file and goes on."""
    word = "<span class='ocrx_word' title='bbox 1 1 2 2; x_wconf 90'>w"
    page = "<div class='ocr_page' title='bbox 0 0 9 9'><span class='ocr_line' title='bbox 0 0 9 9'>"
    deep = f"<html><body>{page}{word * 3000}{'</span>' * 3001}</div></body></html>"
    (tmp_path / "deep.hocr").write_text(deep)
    with pytest.raises(ResponseFormatError, match=f"hOCR nested more than {MAX_DEPTH}"):
        ocrframe.flatten(tmp_path / "deep.hocr")
    shallow = f"<html><body>{page}{word * 3}{'</span>' * 4}</div></body></html>"
    (tmp_path / "ok.hocr").write_text(shallow)
    batch = ocrframe.read_responses(tmp_path)
    with pytest.warns(RuntimeWarning, match="deep.hocr"):
        tokens = batch.tokens()
    assert tokens["text"].tolist() == ["w", "w", "w"]
    assert batch.errors["source"].str.endswith("deep.hocr").tolist() == [True]


def test_another_engines_result_built_deep_in_python_is_refused_not_a_recursion_error():
    """Files are depth-checked when parsed; a dict built in Python is not. Huawei bodies were
    refused when the walk ran out of depth, other engines' crashed with a RecursionError."""
    root = node = {"textBlock": {"text": "t", "type": "paragraph", "blocks": []}}
    for _ in range(3000):  # Document AI layout parser blocks inside blocks
        child = {"textBlock": {"text": "t", "type": "paragraph", "blocks": []}}
        node["textBlock"]["blocks"].append(child)
        node = child
    with pytest.raises(ResponseFormatError, match="nested too deeply"):
        ocrframe.flatten({"documentLayout": {"blocks": [root]}})


VENDORS = Path(__file__).resolve().parents[2] / "shared" / "data" / "vendors"


def _number_leaves(node: object, at: tuple = ()) -> list[tuple]:
    """The paths (keys and indices) of the numbers in ``node``, in document order."""
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _number_leaves(v, (*at, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _number_leaves(v, (*at, i))]
    return [at] if type(node) in (int, float) else []


@pytest.mark.parametrize("path", sorted(VENDORS.glob("*/*.json")), ids=lambda p: p.parent.name)
def test_another_engines_integer_beyond_float_range_lands_in_other(path):
    """An integer of 400 digits where a confidence or a coordinate goes crashed Azure's and
    Textract's readers with a bare OverflowError: the vendors' number rule had its own copy,
    without that case. It is not a number, and is kept exactly in ``other``."""
    raw = json.loads(path.read_text("utf-8"))
    leaves = _number_leaves(raw)
    for leaf in leaves[:: max(1, len(leaves) // 8)][:8]:  # spread over the document
        body = json.loads(json.dumps(raw))
        node = body
        for key in leaf[:-1]:
            node = node[key]
        node[leaf[-1]] = int(BIG)
        other = ocrframe.flatten(body)["other"]
        assert other["value"].astype(str).str.contains(BIG).any(), leaf


def test_textract_bounding_box_numbers_follow_the_rule_and_extra_keys_are_kept():
    box = {"Width": 0.5, "Height": 0.1, "Left": 0.1, "Top": 0.2}
    boxes = [{**box, "Width": int(BIG)}, {**box, "Left": True}, {**box, "Rotation": 3}, box]
    blocks = [{"BlockType": "LINE", "Id": str(i), "Text": "w", "Geometry": {"BoundingBox": b}}
              for i, b in enumerate(boxes)]  # fmt: skip
    frames = ocrframe.flatten({"DocumentMetadata": {"Pages": 1}, "Blocks": blocks})
    words, other = frames["words"], frames["other"]
    assert words["x1"].isna().tolist() == [True, True, False, False]
    assert words[["x1", "x2", "y3"]].iloc[2:].values.ravel().tolist() == pytest.approx(
        [0.1, 0.6, 0.3] * 2
    )
    kept = other.loc[other["path"].str.contains("BoundingBox"), "path"]
    assert sorted({p.split(".")[0] for p in kept}) == ["Blocks[0]", "Blocks[1]", "Blocks[2]"]
    assert "Blocks[2].Geometry.BoundingBox.Rotation" in set(kept)  # was dropped


_VENDOR_FILES = sorted(VENDORS.glob("*/*.json"))
# Values no engine writes where they stand (an integer beyond float range first: it crashed
# five engines' readers).
_JUNK = [int(BIG), None, True, -1, 1e308, float("nan"), float("-inf"), "", "1.5", "\ud800",
         [], {}, [None], {"a": None}, [[1, 2]], [1, 2, 3], 2**63]  # fmt: skip


@pytest.mark.skipif(not _VENDOR_FILES, reason="no vendor files beside the repository")
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_another_engines_result_with_junk_anywhere_gives_frames_or_an_ocr_error(data):
    """Each real result of another engine with values (numbers, texts, lists, objects)
    replaced by junk: frames, or an OcrError, never another exception."""
    raw = json.loads(data.draw(st.sampled_from(_VENDOR_FILES)).read_text("utf-8"))
    places = _value_places(raw)
    for _ in range(data.draw(st.integers(1, 4))):
        node, key = places[data.draw(st.integers(0, len(places) - 1))]
        node[key] = data.draw(st.sampled_from(_JUNK))
    try:
        ocrframe.flatten(raw)
    except OcrError:
        pass


def _value_places(node: object) -> list[tuple[object, object]]:
    """``(container, key)`` of every value under ``node``, in document order."""
    if isinstance(node, dict):
        pairs = list(node.items())
    elif isinstance(node, list):
        pairs = list(enumerate(node))
    else:
        return []
    return [p for k, v in pairs for p in [(node, k), *_value_places(v)]]
