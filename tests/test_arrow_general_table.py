"""The General Table columnar reader on shapes the synthesizer does not make: several tables per
file with outlines, blocks of a table without a usable grid position, grids out of order, odd
cell boxes, and numbers a file can hold but JSON strictly cannot (NaN, Infinity). Each time the
frames must be the general walk's, and the reader must take the files whose frames it can give.
"""

from __future__ import annotations

import json

import pytest
from test_arrow_readers import assert_same_as_general

from ocrframe.datasets.batch import read_responses
from ocrframe.flatten.arrow import read_frames

BOX = [[10, 10], [90, 10], [90, 30], [10, 30]]
INNER = [[12, 12], [88, 12], [88, 28], [12, 28]]


def cell(words: str, rows: list, columns: list, **extra) -> dict:
    char = {"char": words[0], "char_confidence": 0.8, "char_location": INNER}
    piece = {"words": words, "confidence": 0.9, "location": INNER, "char_list": [char]}
    return {"words": words, "confidence": 0.95, "location": INNER, "rows": rows,
            "columns": columns, "cell_location": BOX, "words_list": [piece], **extra}  # fmt: skip


def line(words: str, **extra) -> dict:
    return {"words": words, "confidence": 0.7, "location": BOX, **extra}


def body(*regions: dict) -> dict:
    return {"result": {"words_region_count": len(regions), "words_region_list": list(regions)}}


def table(*blocks: dict, **extra) -> dict:
    return {"type": "table", "words_block_count": len(blocks), "words_block_list": list(blocks),
            **extra}  # fmt: skip


def text(*blocks: dict) -> dict:
    return {"type": "text", "words_block_count": len(blocks), "words_block_list": list(blocks)}


def saved(tmp_path, bodies: list[dict]) -> list:
    paths = []
    for i, b in enumerate(bodies):
        p = tmp_path / f"t{i:02d}.json"
        p.write_text(json.dumps(b))  # json.dumps writes NaN and Infinity as such
        paths.append(p)
    return paths


def fallback(paths: list, names: list[str]) -> list[int]:
    return read_frames(read_responses(paths).entries, names).fallback


def test_tables_are_numbered_per_file_with_their_outlines(tmp_path):
    two_tables = body(
        table(cell("a", [0], [0]), cell("b", [0], [1]), location=BOX),
        text(line("between", words_list=[{"words": "be", "location": INNER}])),
        table(cell("c", [0, 1], [0]), line("no grid"), location=INNER),
    )
    paths = saved(tmp_path, [two_tables, body(table(cell("d", [1], [2]), location=BOX))])
    assert fallback(paths, ["cells", "outlines", "words", "chars", "document", "other"]) == []
    assert_same_as_general(paths)
    outlines = read_responses(paths).outlines()
    assert outlines["table"].tolist() == [0, 1, 0]
    words = read_responses(paths).words()
    assert words.loc[words["text"] == "no grid", "table"].tolist() == [1]


@pytest.mark.parametrize(
    "odd",
    [
        cell("gap", [2, 0], [0]),  # rows out of order: cell kept, the list goes to other
        cell("hole", [0, 2], [0]),
        cell("neg", [-1], [0]),  # not a grid position: a words row with table set
        cell("empty", [], [0]),
        cell("box", [0], [0], cell_location=[[1, 2], [3, 4]]),  # bad box: location is the box
        cell("chars", [0], [0], char_list=[{"char": "c"}]),  # a cell's own chars go to other
    ],
)
def test_odd_cells_match_the_general_walk(tmp_path, odd):
    clean = body(table(cell("a", [0], [0]), location=BOX))
    paths = saved(tmp_path, [body(table(cell("x", [0], [1]), odd), text(line("t"))), clean])
    assert_same_as_general(paths)
    assert 1 not in fallback(paths, ["cells", "other"])


def test_a_text_region_with_a_location_goes_to_other(tmp_path):
    region = {**text(line("t")), "location": BOX}
    paths = saved(tmp_path, [body(region), body(text(line("u")))])
    assert fallback(paths, ["words"]) == []  # only other differs
    assert fallback(paths, ["other"]) == [0]
    assert_same_as_general(paths)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
@pytest.mark.parametrize("where", ["line", "piece", "char", "cell", "cell_location"])
def test_non_finite_numbers_match_the_general_walk(tmp_path, value, where):
    """Python's json writes NaN and Infinity; both paths read them, and the walk keeps them in
    other as values that are not numbers."""
    c = cell("a", [0], [0])
    ln = line("t", words_list=[{"words": "t", "confidence": 0.5, "location": BOX,
                                "char_list": [{"char": "t", "char_location": BOX}]}])  # fmt: skip
    if where == "line":
        ln["confidence"] = value
    elif where == "piece":
        ln["words_list"][0]["location"] = [[10, 10], [value, 10], [90, 30], [10, 30]]
    elif where == "char":
        ln["words_list"][0]["char_list"][0]["char_confidence"] = value
    elif where == "cell":
        c["confidence"] = value
    else:
        c["cell_location"] = [[value, 0], [1, 0], [1, 1], [0, 1]]
    paths = saved(tmp_path, [body(text(ln), table(c)), body(text(line("u")))])
    assert_same_as_general(paths)


def test_non_finite_general_text_confidence_matches_the_general_walk(tmp_path):
    blocks = [{"words": "a", "confidence": float("nan"), "location": BOX}]
    paths = saved(tmp_path, [{"result": {"words_block_list": blocks}}] * 2)
    assert_same_as_general(paths)


def test_excel_payloads_and_pdf_pages(tmp_path):
    """The ``excel`` payload is not a frame value; a saved page's rows carry its page."""
    from ocrframe.synth import synthesize

    bodies = [synthesize("general-table", seed=i, params={"return_excel": True}) for i in range(2)]
    bodies[1]["_ocrframe"] = {"source": "scan.pdf", "page": 3, "api": "general-table"}
    paths = saved(tmp_path, bodies)
    assert fallback(paths, ["cells", "document", "other"]) == []
    assert_same_as_general(paths)
    assert set(read_responses(paths).cells()["page"]) == {1, 3}


def test_grid_indices_beyond_exact_floats_go_the_general_way(tmp_path):
    big = body(table(cell("far", [2**60], [0]), cell("near", [0], [0])))
    paths = saved(tmp_path, [big, body(table(cell("a", [0], [0])))])
    assert fallback(paths, ["cells"]) == [0]
    assert_same_as_general(paths)


@pytest.mark.parametrize("api", ["general-table", "general-text"])
def test_an_alarm_flag_in_the_result_is_an_alarm_not_a_document_key(tmp_path, api):
    region = {"words_region_list": [text(line("a"))]}
    result = region if api == "general-table" else {"words_block_list": [line("a")]}
    flagged = {"result": {**result, "detect_copy_result": True, "blur_score": 0.5}}
    paths = saved(tmp_path, [flagged, {"result": result}])
    assert fallback(paths, ["document"]) == [0]
    assert_same_as_general(paths)


def test_financial_statements_are_read_column_wise_saved_with_or_without_their_api(tmp_path):
    """Financial Statement's tables (a ``table_location`` polygon, regions of type ``valid``,
    which the walk keeps in other) are read column-wise: plain bodies (General Table's by
    detection) and files naming the API (Response.to_json, a run's cache). A region with both
    polygons, or a text region with one, goes the general way. They went the general way
    whole before (the schema knew no ``table_location``; an odd region type refused a file)."""
    from ocrframe.datasets.cache import Cache
    from ocrframe.response import Response
    from ocrframe.synth import synthesize

    api = "financial-statement"
    bodies = [synthesize(api, seed=i) for i in range(4)]
    both = body({**table(cell("a", [0], [0])), "location": BOX, "table_location": INNER})
    texts = body({**text(line("t")), "table_location": BOX})
    plain = saved(tmp_path, [*bodies[:2], both, texts])
    named = []
    for i, b in enumerate(bodies[2:]):
        p = tmp_path / f"named{i}.json"
        Response(b, api=api, source=f"s{i}.png").to_json(p)
        named.append(p)
    cached = Cache(tmp_path / "cache").put("0" * 64, bodies[0], api=api, source="c.png")
    paths = [*plain, *named, cached]
    every = ["cells", "outlines", "words", "document", "other"]
    assert fallback(paths, every) == [2, 3]
    assert_same_as_general(paths)
    frames = read_responses(paths).flatten()
    assert set(frames["cells"]["api"]) == {"general-table", api}
    assert (frames["other"]["value"] == "valid").any() and len(frames["outlines"])
