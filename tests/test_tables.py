"""Tests for ocrframe.tables: grids, span and header policies, numeric conversion, joins."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ocrframe.errors import InputError
from ocrframe.tables.grid import grid, join_tables, tables
from ocrframe.tables.numeric import to_numeric_table

ROOT = Path(__file__).resolve().parent.parent
PUBTABNET = ROOT.parent / "shared" / "data" / "tables" / "annotations.jsonl"
SAMPLES = ROOT / "ocrframe" / "sample_data" / "responses"


def spanned_cells() -> pd.DataFrame:
    """3 x 4 table: "id" spans rows 0-1, "size" spans columns 1-2, "x" has no cell under it.

    ::

        | id | size      | x |
        |    | w  | h    |   |   <- (1, 3) is covered by no cell
        | 1  |1,200| (5) | $7|
    """
    return pd.DataFrame(
        {
            "page": 1,
            "table": 0,
            "kind": "table",
            "row": [0, 0, 0, 1, 1, 2, 2, 2, 2],
            "col": [0, 1, 3, 1, 2, 0, 1, 2, 3],
            "row_span": [2, 1, 1, 1, 1, 1, 1, 1, 1],
            "col_span": [1, 2, 1, 1, 1, 1, 1, 1, 1],
            "text": ["id", "size", "x", "w", "h", "1", "1,200", "(5)", "$7"],
            "confidence": [0.99, 0.9, 0.5, 0.95, 0.97, 0.99, 0.6, 0.99, 0.99],
        }
    )


def values(frame: pd.DataFrame) -> list[list]:
    return [[None if pd.isna(v) else v for v in row] for row in frame.to_numpy().tolist()]


# --- span policies ---------------------------------------------------------------------------


def test_grid_top_left_keeps_text_in_first_position_and_na_elsewhere():
    g = grid(spanned_cells())
    assert values(g) == [
        ["id", "size", None, "x"],
        [None, "w", "h", None],
        ["1", "1,200", "(5)", "$7"],
    ]
    assert isinstance(g.columns, pd.RangeIndex) and isinstance(g.index, pd.RangeIndex)
    assert all(str(d) == "str" for d in g.dtypes)


def test_grid_fill_repeats_text_over_the_span():
    assert values(grid(spanned_cells(), span="fill")) == [
        ["id", "size", "size", "x"],
        ["id", "w", "h", None],
        ["1", "1,200", "(5)", "$7"],
    ]


def test_grid_blank_uses_empty_strings_for_covered_positions_only():
    # (1, 3) is covered by no cell: it stays missing under every policy.
    assert values(grid(spanned_cells(), span="blank")) == [
        ["id", "size", "", "x"],
        ["", "w", "h", None],
        ["1", "1,200", "(5)", "$7"],
    ]


def test_grid_rejects_unknown_policy_and_several_tables():
    with pytest.raises(InputError, match=r"`span` must be one of \['top_left', 'fill', 'blank'\]"):
        grid(spanned_cells(), span="merge")
    two = pd.concat([spanned_cells(), spanned_cells().assign(table=1)])
    with pytest.raises(InputError, match="several tables"):
        grid(two)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"row": [-1] + [0] * 8}, "'row' needs whole numbers >= 0"),
        ({"row_span": [0] * 9}, "'row_span' needs whole numbers >= 1"),
        ({"col": [0.5] * 9}, "'col' needs whole numbers"),
        ({"row": [10**9] + [0] * 8}, "exceeds the limit"),
    ],
)
def test_grid_rejects_corrupt_positions(change, message):
    with pytest.raises(InputError, match=message):
        grid(spanned_cells().assign(**change))


def test_grid_needs_the_cells_columns():
    with pytest.raises(InputError, match=r"missing \['text'\]"):
        grid(pd.DataFrame({"row": [0], "col": [0]}))


@pytest.mark.parametrize("span", ["top_left", "fill", "blank"])
def test_grid_keeps_the_text_of_cells_starting_at_the_same_position(span):
    # A malformed response with two cells at (0, 0): neither text may vanish from the grid.
    cells = pd.DataFrame(
        {"row": [0, 0, 0], "col": [0, 0, 1], "col_span": [2, 1, 1], "text": ["a", "b", "c"]}
    )
    assert values(grid(cells, span=span)) == [["a\nb", "c"]]


def test_grid_of_no_cells_is_empty():
    assert grid(spanned_cells().iloc[:0]).shape == (0, 0)
    assert tables(spanned_cells().iloc[:0]) == []


def test_grid_places_large_tables_exactly():
    n_rows, n_cols = 300, 7
    r, c = np.divmod(np.arange(n_rows * n_cols), n_cols)
    cells = pd.DataFrame({"row": r, "col": c, "text": [f"{i}" for i in range(r.size)]})
    cells = cells.sample(frac=1.0, random_state=1)  # order of the cells must not matter
    g = grid(cells)
    assert g.shape == (n_rows, n_cols)
    assert g.iat[123, 4] == str(123 * n_cols + 4)


# --- headers ---------------------------------------------------------------------------------


def test_header_none_first_and_row_number():
    (plain,) = tables(spanned_cells())
    assert isinstance(plain.columns, pd.RangeIndex) and len(plain) == 3
    (first,) = tables(spanned_cells(), header="first")
    assert list(first.columns) == ["id", "size", "Unnamed: 2", "x"]
    assert len(first) == 2
    (row1,) = tables(spanned_cells(), header=1, span="fill")
    assert list(row1.columns) == ["id", "w", "h", "Unnamed: 3"]
    assert values(row1) == [["1", "1,200", "(5)", "$7"]]


def test_header_policy_follows_span_policy():
    (fill,) = tables(spanned_cells(), header="first", span="fill")
    assert list(fill.columns) == ["id", "size", "size.1", "x"]  # duplicates made unique


def test_several_header_rows_joined_or_multiindex():
    (joined,) = tables(spanned_cells(), header=[0, 1], span="fill")
    assert list(joined.columns) == ["id", "size / w", "size / h", "x"]
    (multi,) = tables(spanned_cells(), header=[0, 1], span="fill", multiindex=True)
    assert isinstance(multi.columns, pd.MultiIndex)
    assert list(multi.columns) == [("id", "id"), ("size", "w"), ("size", "h"), ("x", "")]
    (top_left,) = tables(spanned_cells(), header=[0, 1], multiindex=True)
    assert list(top_left.columns) == [("id", ""), ("size", "w"), ("", "h"), ("x", "")]
    assert values(joined) == [["1", "1,200", "(5)", "$7"]]


def test_auto_header_takes_row_spans_and_group_labels():
    (auto,) = tables(spanned_cells(), header="auto", span="fill")
    assert list(auto.columns) == ["id", "size / w", "size / h", "x"]
    flat = spanned_cells().assign(row_span=1, col_span=1)
    (one,) = tables(flat, header="auto")
    assert len(one.columns) == 4 and len(one) == 2


@pytest.mark.parametrize("bad", ["last", [0, "a"], 2.5, [], True, 7])
def test_bad_header_is_rejected(bad):
    with pytest.raises(InputError, match="header"):
        tables(spanned_cells(), header=bad)


# --- numbers ---------------------------------------------------------------------------------


def test_numeric_conversion_formats():
    frame = pd.DataFrame(
        {
            "thousands": ["1,234", "1 234 567", "12'000", ""],
            "money": ["$12.50", "€ 3", "(1,000.00)", "-£2"],
            "percent": ["12.5%", "(3%)", "100 %", "0%"],
            "minus": ["\u22124", "\u20135.5", "+6", "1e3"],
            "text": ["1,5", "2", "3", "4"],  # "1,5" is not a thousands group: keep text
            "mixed": ["12", "n/a", "3", "4"],
            "empty": ["", "", None, ""],
        },
        dtype="str",
    )
    out = to_numeric_table(frame)
    assert out["thousands"].iloc[:3].tolist() == [1234, 1234567, 12000]
    assert np.isnan(out["thousands"].iloc[3])
    assert out["money"].tolist() == [12.5, 3.0, -1000.0, -2.0]
    assert out["percent"].tolist() == pytest.approx([0.125, -0.03, 1.0, 0.0])
    assert out["minus"].tolist() == [-4.0, -5.5, 6.0, 1000.0]
    for name in ("text", "mixed", "empty"):
        assert str(out[name].dtype) == "str"
    assert out["mixed"].tolist() == ["12", "n/a", "3", "4"]
    assert frame["thousands"].iloc[0] == "1,234"  # input untouched


def test_numeric_conversion_never_turns_digits_into_nan():
    # Thai and Arabic-Indic digits are digits to a regex's \d but not to pd.to_numeric: they must
    # become their numbers (or stay text), never NaN.
    frame = pd.DataFrame(
        {"thai": ["\u0e51\u0e52", "\u0e53,\u0e50\u0e50\u0e50"], "arabic": ["\u0661\u0662", "3"]},
        dtype="str",
    )
    out = to_numeric_table(frame)
    assert out["thai"].tolist() == [12, 3000]
    assert out["arabic"].tolist() == [12, 3]


def test_tables_numeric_after_header():
    (t,) = tables(spanned_cells(), header=[0, 1], span="fill", numeric=True)
    assert t["size / w"].tolist() == [1200]
    assert t["size / h"].tolist() == [-5]
    assert t["x"].tolist() == [7]
    assert t["id"].dtype == np.int64


# --- responses, batches, kinds ---------------------------------------------------------------


def general_table_body(cells: list[dict], page_tables: int = 1) -> dict:
    regions = [{"type": "text", "words_block_list": [{"words": "Title", "confidence": 0.9}]}]
    regions += [{"type": "table", "words_block_list": cells} for _ in range(page_tables)]
    return {"result": {"words_region_count": len(regions), "words_region_list": regions}}


def api_cells(cells: pd.DataFrame) -> list[dict]:
    return [
        {
            "words": t,
            "confidence": float(c),
            "rows": list(range(r, r + rs)),
            "columns": list(range(k, k + cs)),
        }
        for r, k, rs, cs, t, c in zip(
            cells["row"],
            cells["col"],
            cells["row_span"],
            cells["col_span"],
            cells["text"],
            cells["confidence"],
            strict=True,
        )
    ]


def test_tables_from_a_general_table_response():
    body = general_table_body(api_cells(spanned_cells()), page_tables=2)
    frames = tables(body, span="fill")
    assert [f.attrs["table"] for f in frames] == [0, 1]
    assert frames[0].attrs == {
        "source": None,
        "api": "general-table",
        "page": 1,
        "kind": "table",
        "table": 0,
    }
    assert values(frames[1]) == values(grid(spanned_cells(), span="fill"))


def test_tables_from_smart_document_recognizer_tables_and_forms():
    block = {"words_block_list": api_cells(spanned_cells())}
    body = {
        "result": [
            {
                "ocr_result": {"words_block_list": []},
                "table_result": {"table_count": 1, "table_list": [block]},
                "form_result": {"form_count": 1, "form_list": [block, block]},
            }
        ]
    }
    frames = tables(body)
    assert sorted((f.attrs["kind"], f.attrs["table"]) for f in frames) == [
        ("form", 0),
        ("form", 1),
        ("table", 0),
    ]
    assert [f.attrs["kind"] for f in tables(body, kind="form")] == ["form", "form"]
    with pytest.raises(InputError, match=r"`kind` must be one of \[None, "):
        tables(body, kind="tables")


def test_tables_from_a_batch_frame_split_by_source():
    a = spanned_cells().assign(source="a.png", api="general-table")
    b = spanned_cells().assign(source="b.png", api="general-table")
    frames = tables(pd.concat([a, b], ignore_index=True), header="first")
    assert [f.attrs["source"] for f in frames] == ["a.png", "b.png"]
    frames = tables([spanned_cells(), spanned_cells().assign(page=2)])
    assert [f.attrs["page"] for f in frames] == [1, 2]


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample responses absent")
@pytest.mark.parametrize("name", ["general-table.json", "smart-document-recognizer.json"])
def test_tables_from_sample_files(name):
    frames = tables(SAMPLES / name, header="auto", span="fill", numeric=True)
    assert frames and all(f.attrs["source"].endswith(name) for f in frames)
    for f in frames:
        assert f.columns[0] == "Quarterly purchase summary / Item"
        assert f.iloc[:, 0].tolist()[:2] == ["Group A", "Group A"]


# --- joining across pages --------------------------------------------------------------------


def page_frame(page: int, rows: list[list[str]], **attrs) -> pd.DataFrame:
    r, c = np.divmod(np.arange(len(rows) * len(rows[0])), len(rows[0]))
    cells = pd.DataFrame({"page": page, "row": r, "col": c, "text": sum(rows, [])})
    (frame,) = tables(cells.assign(**attrs), header=attrs.pop("header", None))
    return frame


def test_join_tables_drops_repeated_header_row():
    p1 = page_frame(1, [["name", "n"], ["a", "1"], ["b", "2"]])
    p2 = page_frame(2, [["name", "n"], ["c", "3"]])
    p3 = page_frame(3, [["other", "shape", "here"], ["x", "y", "z"]])
    joined = join_tables([p1, p2, p3])
    assert len(joined) == 2
    assert values(joined[0]) == [["name", "n"], ["a", "1"], ["b", "2"], ["c", "3"]]
    assert joined[0].attrs["pages"] == [1, 2] and joined[0].attrs["page"] == 1
    assert joined[1] is p3


def test_join_tables_with_headers_and_sources():
    p1 = tables(pd.DataFrame({"page": 1, "row": [0, 1], "col": 0, "text": ["n", "1"]}), header=0)
    p2 = tables(pd.DataFrame({"page": 2, "row": [0, 1], "col": 0, "text": ["n", "2"]}), header=0)
    (joined,) = join_tables(p1 + p2)
    assert joined["n"].tolist() == ["1", "2"]
    other = [f.copy() for f in p2]
    other[0].attrs = {**p2[0].attrs, "source": "elsewhere.pdf"}
    assert len(join_tables(p1 + other)) == 2
    skipped = [f.copy() for f in p2]
    skipped[0].attrs = {**p2[0].attrs, "page": 3}
    assert len(join_tables(p1 + skipped)) == 2
    with pytest.raises(InputError, match="list of DataFrames"):
        join_tables([p1[0], "x"])


# --- real tables: PubTabNet ground truth -----------------------------------------------------


def pubtabnet_tables() -> list[dict]:
    """Each annotated table as a General Table response plus its expected cell placement."""
    out = []
    for line in PUBTABNET.read_text(encoding="utf-8").splitlines():
        ann = json.loads(line)
        tokens, cells = ann["html"]["structure"]["tokens"], ann["html"]["cells"]
        taken: set[tuple[int, int]] = set()
        placed, r, head_rows, in_head = [], -1, 0, False
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok == "<thead>":
                in_head = True
            elif tok == "</thead>":
                in_head = False
            elif tok == "<tr>":
                r, c = r + 1, 0
                head_rows += in_head
            elif tok in ("<td>", "<td"):
                rs = cs = 1
                if tok == "<td":  # attributes follow until ">"
                    while tokens[i + 1] != ">":
                        i += 1
                        n = int(re.search(r"\d+", tokens[i]).group())
                        rs, cs = (n, cs) if "rowspan" in tokens[i] else (rs, n)
                    i += 1
                while (r, c) in taken:
                    c += 1
                taken.update((r + a, c + b) for a in range(rs) for b in range(cs))
                placed.append((r, c, rs, cs))
                c += cs
            i += 1
        blocks = []
        for (r, c, rs, cs), cell in zip(placed, cells, strict=True):
            text = re.sub(r"<[^>]+>", "", "".join(cell["tokens"])).strip()
            block = {"words": text, "rows": list(range(r, r + rs)),
                     "columns": list(range(c, c + cs)), "confidence": 0.99}  # fmt: skip
            if "bbox" in cell:
                x0, y0, x1, y1 = cell["bbox"]
                block["cell_location"] = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
            blocks.append(block)
        body = general_table_body(blocks)
        out.append(
            {"name": ann["filename"], "body": body, "placed": placed, "blocks": blocks,
             "head_rows": head_rows, "shape": (r + 1, max(c + cs for _, c, _, cs in placed))}
        )  # fmt: skip
    return out


needs_pubtabnet = pytest.mark.skipif(not PUBTABNET.is_file(), reason="../shared/data absent")


@needs_pubtabnet
def test_pubtabnet_grids_reproduce_the_structure():
    cases = pubtabnet_tables()
    assert len(cases) == 10
    spans_seen = 0
    for case in cases:
        top, fill, blank = (tables(case["body"], span=s)[0] for s in ("top_left", "fill", "blank"))
        assert top.shape == case["shape"], case["name"]
        for (r, c, rs, cs), block in zip(case["placed"], case["blocks"], strict=True):
            assert top.iat[r, c] == block["words"], case["name"]
            for a in range(r, r + rs):
                for b in range(c, c + cs):
                    assert fill.iat[a, b] == block["words"]
                    if (a, b) != (r, c):
                        spans_seen += 1
                        assert pd.isna(top.iat[a, b]) and blank.iat[a, b] == ""
    assert spans_seen > 20  # the set has row and column spans


@needs_pubtabnet
def test_pubtabnet_auto_header_matches_thead():
    for case in pubtabnet_tables():
        (t,) = tables(case["body"], header="auto", span="fill")
        assert len(t) == case["shape"][0] - case["head_rows"], case["name"]
