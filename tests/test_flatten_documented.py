"""Documented fields that used to vanish or land in ``other`` as JSON text (issue 13)."""

import pytest

import ocrframe
from ocrframe.synth import synthesize

SQUARE = [[0, 0], [10, 0], [10, 5], [0, 5]]


def _table_body():
    return synthesize(
        "general-table",
        seed=1,
        params={"return_text_location": True, "return_char_location": True,
                "return_confidence": True},
    )  # fmt: skip


def test_general_table_pieces_and_their_characters_reach_words_and_chars():
    body = _table_body()
    frames = ocrframe.flatten(body)
    other = frames.get("other")
    assert other is None or not other["path"].str.contains("words_list").any()
    words, chars = frames["words"], frames["chars"]
    pieces = words[words["piece"].notna()]
    n_pieces = sum(
        len(b.get("words_list", []))
        for r in body["result"]["words_region_list"]
        for b in r["words_block_list"]
    )
    assert len(pieces) == n_pieces > 0
    assert pieces["confidence"].notna().all() and pieces["x1"].notna().all()
    region = body["result"]["words_region_list"][0]
    first = region["words_block_list"][0]["words_list"][0]
    row = pieces[(pieces["region"] == 0) & (pieces["block"] == 0) & (pieces["piece"] == 0)]
    assert row[["text", "confidence"]].values.tolist() == [[first["words"], first["confidence"]]]
    piece_chars = chars[(chars["region"] == 0) & (chars["block"] == 0) & (chars["piece"] == 0)]
    assert piece_chars["text"].tolist() == [c["char"] for c in first["char_list"]]
    assert piece_chars["confidence"].tolist() == [c["char_confidence"] for c in first["char_list"]]
    # the blocks themselves keep piece = NA, so filtering on it recovers the old frame
    assert words["piece"].isna().sum() == sum(
        len(r["words_block_list"]) for r in body["result"]["words_region_list"]
        if r["type"] == "text"
    )  # fmt: skip


def test_smart_document_table_and_form_outlines_are_numeric():
    body = synthesize("smart-document-recognizer", seed=2, params={"table": True, "form": True})
    frames = ocrframe.flatten(body)
    outlines = frames["outlines"]
    assert set(outlines["kind"]) == {"table", "form"}
    table = body["result"][0]["table_result"]["table_list"][0]
    row = outlines[outlines["kind"] == "table"].iloc[0]
    assert [row["x1"], row["y1"], row["x3"], row["y3"]] == [*table["location"][0],
                                                           *table["location"][2]]  # fmt: skip
    other = frames.get("other")
    assert other is None or not other["path"].str.endswith("].location").any()
    # Batch gets the frame as a method too
    assert len(ocrframe.Batch([ocrframe.read_response(body)]).outlines()) == len(outlines)


def test_list_valued_fields_keep_one_row_per_item():
    body = {"result": {"surname": ["DÍAZ", "ROJAS"], "given_name": "ANA",
                       "confidence": {"surname": [0.9, 0.8], "given_name": 0.7}}}  # fmt: skip
    f = ocrframe.fields(body)
    assert f[["field", "item", "value", "confidence"]].head(2).astype(object).values.tolist() == [
        ["surname", 0, "DÍAZ", 0.9],
        ["surname", 1, "ROJAS", 0.8],
    ]  # fmt: skip
    assert f["item"].isna().tolist() == [False, False, True]


def test_vat_seals_with_one_confidence_and_one_polygon_each():
    body = {"result": {"seller_seal": ["SEAL A", "SEAL B"], "supervision_seal": ["S1"],
                       "confidence": {"seller_seal": 0.95},
                       "text_location": {"seller_seal": [SQUARE, SQUARE]}}}  # fmt: skip
    f = ocrframe.fields(body).set_index(["field", "item"])
    assert f.loc[("seller_seal", 1), "value"] == "SEAL B"
    assert f.loc[("seller_seal", 1), "confidence"] == 0.95
    assert f.loc[("seller_seal", 0), "x2"] == 10
    assert f.loc[("supervision_seal", 0), "value"] == "S1"
    assert "other" not in ocrframe.flatten(body)


def test_nested_confidences_and_locations_reach_their_fields():
    # exit-entry permit style: a confidence map per side, next to the side objects
    body = {"result": {
        "front": {"name": "LI", "number": "W123"}, "back": [{"visa": "L"}, {"visa": "Q"}],
        "confidence": {"front": {"name": 0.91, "number": 0.92},
                       "back": [{"visa": 0.5}, {"visa": 0.6}]},
        "text_location": {"front": {"name": SQUARE}},
    }}  # fmt: skip
    f = ocrframe.fields(body)
    got = {(g, n): c for g, n, c in f[["group", "field", "confidence"]].values.tolist()}
    assert got == {("front", "name"): 0.91, ("front", "number"): 0.92,
                   ("back[0]", "visa"): 0.5, ("back[1]", "visa"): 0.6}  # fmt: skip
    assert f.loc[f["field"] == "name", "x3"].tolist() == [10.0]
    assert "other" not in ocrframe.flatten(body)


@pytest.mark.parametrize(
    "body, path",
    [
        ({"result": {"address": {"city": "X"}, "confidence": {"address": 0.8}}},
         "result.confidence.address"),
        ({"result": {"items": [{"a": "1"}], "confidence": {"items": {"a": 0.5}}}},
         "result.confidence.items"),
        ({"result": {"front": {"name": "A"}, "text_location": {"front": SQUARE}}},
         "result.text_location.front"),
    ],
)  # fmt: skip
def test_a_map_entry_that_fits_no_field_is_kept_in_other(body, path):
    other = ocrframe.other(body)
    assert path in other["path"].tolist()
