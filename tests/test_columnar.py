"""The column-at-a-time forms (whole block, piece, character and cell lists at once) give
exactly the frames of the one-object-at-a-time walk, on well-formed and on mutated bodies:
an odd value anywhere sends the list back to the walk, so it still lands in ``other``."""

import copy
import importlib
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocrframe.errors import ResponseFormatError
from ocrframe.flatten import rules
from ocrframe.synth import synthesize

flat = importlib.import_module("ocrframe.flatten")  # the module (ocrframe.flatten is a function)
families = importlib.import_module("ocrframe.flatten._families")

FAMILIES = ("words", "chars", "cells", "other")
TABLE_FLAGS = {"return_text_location": True, "return_char_location": True,
               "return_confidence": True}  # fmt: skip


def text_with_chars(blocks: int = 20, chars: int = 3) -> dict:
    out = []
    for i in range(blocks):
        y = 20 * i
        block = {"words": f"w{i}", "confidence": 0.5 + i % 50 / 100,
                 "location": [[0, y], [90, y], [90.5, y + 9], [0, y + 9]],
                 "char_list": [{"char": str(k), "char_confidence": 0.9,
                                "char_location": [[k, y], [k + 1, y], [k + 1, y + 9], [k, y + 9]]}
                               for k in range(chars)]}  # fmt: skip
        out.append(block)
    return {"result": {"direction": 0, "words_block_list": out}}


def bodies() -> dict[str, dict]:
    return {
        "general-text": text_with_chars(),
        "general-table": synthesize("general-table", seed=3, params=TABLE_FLAGS),
        "general-table plain": synthesize("general-table", seed=4),
        "smart-document-recognizer": synthesize(
            "smart-document-recognizer", seed=5, params={"table": True, "form": True}
        ),
        "web-image fonts": synthesize("web-image", seed=6, params={"detect_font": True}),
    }


def frames(body: dict) -> dict[str, pd.DataFrame]:
    out = {name: getattr(flat, name)(body) for name in FAMILIES}
    for name, frame in flat.flatten(body).items():
        out[f"all.{name}"] = frame
    return out


def walked(body: dict) -> dict[str, pd.DataFrame]:
    """The frames of ``body`` with every list walked one object at a time."""
    with pytest.MonkeyPatch.context() as mp:
        for name in ("add_plain_blocks", "add_plain_cells"):
            mp.setattr(families, name, lambda *args: False)
        return frames(body)


def assert_same(body: dict) -> None:
    fast, slow = frames(body), walked(body)
    assert fast.keys() == slow.keys()
    for name in fast:
        pd.testing.assert_frame_equal(fast[name], slow[name], obj=name)


@pytest.mark.parametrize("shape", sorted(bodies()))
def test_columnar_forms_are_taken_and_agree_with_the_walk(shape, monkeypatch):
    taken = []
    for name in ("add_plain_blocks", "add_plain_cells"):
        original = getattr(families, name)
        monkeypatch.setattr(families, name, lambda *a, f=original: taken.append(f(*a)) or taken[-1])
    body = bodies()[shape]
    assert_same(body)
    assert any(taken)  # the well-formed body took the columnar form somewhere


_JUNK = [None, True, 0, -1, 1.5, 2, 1e300, "x", "0.5", "", math.nan, math.inf, 10**400, 2**64,
         [], {}, [1, 2], [0, 2], [2, 1], [-1], [[1, 2]], {"a": 1}, [{"words": "x"}], [None],
         [[1, 2], [3, 4], [5, 6], [7, 8]], [[1, 2], [3, 4], [5, 6], [7, "8"]],
         [[1, 2], [3, 4], [5, 6], (7, 8)], [[1, 2], [3, 4], [5, 6], [7, math.inf]],
         [[True, 2], [3, 4], [5, 6], [7, 8]], [[1, 2, 3], [3, 4], [5, 6], [7, 8]],
         [{"char": "a", "char_confidence": 2}]]  # fmt: skip


def _nodes(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _nodes(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _nodes(v, (*path, i))


def _at(body, path):
    for p in path:
        body = body[p]
    return body


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=st.sampled_from(sorted(bodies())), data=st.data())
def test_one_odd_value_anywhere_gives_the_frames_of_the_walk(shape, data):
    body = bodies()[shape]
    for _ in range(data.draw(st.integers(1, 2))):
        nodes = list(_nodes(body))[1:]
        if not nodes:
            break
        path, node = data.draw(st.sampled_from(nodes))
        how = data.draw(st.sampled_from(["replace", "add key", "drop"]))
        parent = _at(body, path[:-1])
        if how == "add key" and isinstance(node, dict):
            node[data.draw(st.sampled_from(["angle", "words_list", "char_list", "rows"]))] = (
                copy.deepcopy(data.draw(st.sampled_from(_JUNK)))
            )
        elif how == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(data.draw(st.sampled_from(_JUNK)))
    assert_same(body)


@pytest.mark.parametrize("value", _JUNK)
def test_an_odd_character_value_keeps_its_path_in_other(value):
    body = text_with_chars()
    body["result"]["words_block_list"][7]["char_list"][1]["char_confidence"] = value
    assert_same(body)
    if value is not None and rules.confidence(value) is None:
        other = flat.other(body)
        path = "result.words_block_list[7].char_list[1].char_confidence"
        assert path in other["path"].tolist()


_TABLE = ("result", "words_region_list", 1, "words_block_list")
_TEXT = ("result", "words_region_list", 0, "words_block_list")
_WORD = ["words", "confidence", "location", "char_list", "words_list", "angle"]
_TARGETS = {
    "cell": ((*_TABLE, 2), ["rows", "columns", "cell_location", *_WORD]),
    "cell piece": ((*_TABLE, 2, "words_list", 0), _WORD),
    "cell character": ((*_TABLE, 2, "words_list", 0, "char_list", 1), ["char", "char_location"]),
    "block": ((*_TEXT, 1), _WORD),
    "piece character": ((*_TEXT, 1, "words_list", 0, "char_list", 2), ["char_confidence"]),
}
_ODD = [None, True, -1, 1.5, "0.5", math.inf, 10**400, [], [0, 2], [2, 1], {"a": 1},
        [{"words": "x"}], [[1, 2], [3, 4], [5, 6], [7, "8"]], [[1, 2], [3, 4], [5, 6], (7, 8)],
        [[1, 2], [3, 4], [5, 6], [7, math.inf]], [[1, 2], [3, 4], [5, 6]],
        [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]], [[1, 2], [3, 4], [5, 6], [7, 8, 9]],
        [[1, 2], [3, 4], [5, 6], "ab"], [[1, 2], [3, 4], [5, 6], {"x": 7, "y": 8}],
        [[1, 2], [3, 4], [5, 6], 7]]  # fmt: skip


@pytest.mark.parametrize("target, key", [(t, k) for t, (_, keys) in _TARGETS.items() for k in keys])
def test_every_odd_member_of_a_table_gives_the_frames_of_the_walk(target, key):
    for value in _ODD:
        body = synthesize("general-table", seed=3, params=TABLE_FLAGS)
        _at(body, _TARGETS[target][0])[key] = copy.deepcopy(value)
        assert_same(body)


def _collected(monkeypatch, pack_rows: int) -> dict[str, pd.DataFrame]:
    many = importlib.import_module("ocrframe.flatten.many")
    monkeypatch.setattr(many, "PACK_ROWS", pack_rows)
    c = many.Collector()
    c.add(text_with_chars(), source="a")
    c.add(synthesize("vat-invoice", seed=1), source="b")
    c.add({"result": {"words_block_list": "odd"}}, source="c")
    c.add(synthesize("general-table", seed=3, params=TABLE_FLAGS), source="d")
    c.add(synthesize("passport", seed=2), source="e")
    return {name: c.frame(name) for name in c.families if c.count(name)}


def test_packing_rows_into_arrays_between_responses_changes_no_frame(monkeypatch):
    packed, held = _collected(monkeypatch, 1), _collected(monkeypatch, 10**9)
    assert packed.keys() == held.keys() and {"words", "chars", "cells", "fields"} <= set(packed)
    for name in packed:
        pd.testing.assert_frame_equal(packed[name], held[name], obj=name)


def test_an_extraction_makes_a_familys_columns_only_when_used():
    """Another engine's reader makes an Extraction per file (96 us each while every family's
    lists came at once): a family's columns come when a row or a look asks for them, and a
    rolled-back or packed family behaves as before."""
    from ocrframe.flatten._collect import Extraction

    ex = Extraction()
    assert dict(ex.cols) == {} and dict(ex.packed) == {}
    ex.begin()
    ex.other(1, "a", "x")
    ex.rollback()
    assert list(ex.cols) == ["other"] and ex.rows("other") == 0
    ex.other(1, "b", "y")
    ex.pack()
    ex.other(2, "c", 3)
    assert list(ex.take("other")["value"]) == ["y", "3"] and list(ex.cols) == ["other"]


def test_a_collector_frame_can_be_changed_without_changing_the_next_one():
    many = importlib.import_module("ocrframe.flatten.many")
    c = many.Collector(["words"])
    c.add(text_with_chars(), source="a")
    first = c.frame("words")
    first.loc[0, "x1"] = -5.0
    first.loc[1, "text"] = "changed"
    again = c.frame("words")
    assert again.loc[0, "x1"] == 0.0 and again.loc[1, "text"] == "w1"
    pd.testing.assert_frame_equal(again, flat.words(text_with_chars()).assign(
        source="a", api="general-text")[again.columns])  # fmt: skip


def test_a_response_failing_half_way_leaves_none_of_its_column_rows_behind():
    many = importlib.import_module("ocrframe.flatten.many")
    bad = text_with_chars(blocks=400)  # its 1,200 characters are added as typed arrays
    node = bad["result"]["deeper"] = {}
    for _ in range(5000):  # then the walk meets a dict nested too deeply to walk
        node = node.setdefault("a", {})
    c, reference = many.Collector(), many.Collector()
    c.add(text_with_chars(blocks=30), source="a")
    with pytest.raises(ResponseFormatError):
        c.add(bad, source="bad")
    c.add(text_with_chars(blocks=17), source="c")
    reference.add(text_with_chars(blocks=30), source="a")
    reference.add(text_with_chars(blocks=17), source="c")
    for name in ("words", "chars", "other", "document"):
        pd.testing.assert_frame_equal(c.frame(name), reference.frame(name), obj=name)


@pytest.mark.parametrize("odd", [None, ("char_confidence", 1.5), ("char_location", [[1, 2]])])
def test_long_lists_kept_as_typed_arrays_agree_with_the_walk(odd):
    body = text_with_chars(blocks=400)  # 1,200 characters: past ARRAY_ROWS
    if odd:
        body["result"]["words_block_list"][399]["char_list"][2][odd[0]] = odd[1]
    assert_same(body)


@pytest.mark.parametrize(
    "family, read", [("chars", ["char"]), ("words", ["words"]), ("other", ["words", "char"])]
)
def test_one_family_reads_only_the_columns_it_keeps(family, read, monkeypatch):
    # chars() keeps nothing of the blocks but their ids: their text, confidences and polygons
    # are not converted; words() does not look into the characters.
    columnar = importlib.import_module("ocrframe.flatten._columnar")
    converted = []
    original = columnar.plain_columns

    def counted(items, allowed, keys, strict):
        converted.append(keys[0])
        return original(items, allowed, keys, strict)

    monkeypatch.setattr(columnar, "plain_columns", counted)
    body = text_with_chars()
    frame = getattr(flat, family)(body)
    assert converted == read
    monkeypatch.setattr(columnar, "plain_columns", original)
    pd.testing.assert_frame_equal(frame, walked(body)[family])


@pytest.mark.parametrize(
    "fonts, scores",
    [(["Arial", "SimSun", "KaiTi"], [0.9]), (["Arial"], [0.9, 0.5, 0.2]), ([], []), (None, [0.5]),
     (["Arial"], None), ("Arial", [0.5]), (["Arial", 3], [0.5, 0.4]), (["A", "B"], [0.5, "0.4"]),
     (["A", "B"], [0.5, True]), (["A", "B"], [0.5, 1e400]), (["A", "B"], [0.5, 10**400])],
)  # fmt: skip
def test_uneven_and_odd_fonts_give_the_frames_of_the_walk(fonts, scores):
    body = synthesize("web-image", seed=6, params={"detect_font": True})
    block = body["result"]["words_block_list"][3]
    for key, value in (("font_list", fonts), ("font_scores", scores)):
        if value is None:
            del block[key]
        else:
            block[key] = value
    assert_same(body)
