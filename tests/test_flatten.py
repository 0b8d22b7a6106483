"""Flatteners: every API's responses, both Smart Document shapes, lossless, malformed input."""

from __future__ import annotations

import copy
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ocrframe
from ocrframe.catalog import APIS, DOCUMENTED
from ocrframe.flatten import FRAMES, SCHEMAS, empty_frame
from ocrframe.response import BASE64_FIELDS
from ocrframe.synth import smart_document_one_kind_per_element, synthesize

ALL_FLAGS = {
    "character_mode": True,
    "detect_direction": True,
    "return_markdown_result": True,
    "kv": True,
    "table": True,
    "layout": True,
    "form": True,
    "formula": True,
    "return_excel": True,
    "return_confidence": True,
    "return_text_location": True,
    "return_char_location": True,
    "detect_font": True,
    "extract_type": ["contact_info", "image_size"],
    "return_portrait_location": True,
    "return_translation": True,
    "return_idcard_type": True,
    "alarm": True,
    "detect_blur": True,
    "detect_glare": True,
    "detect_border_integrity": True,
    "detect_blocking_within_border": True,
    "detect_tampering": True,
    "detect_reproduce": True,
    "return_portrait_image": True,
}

# The frame that carries the substance of each documented API.
MAIN_FRAME = {
    "smart-document-recognizer": "words",
    "id-document": "fields",
    "auto-id-doc-classification": "fields",
    "general-table": "cells",
    "general-text": "words",
    "web-image": "words",
    "passport": "fields",
    "thailand-id-card": "fields",
    "colombia-id-card": "fields",
    "cambodian-idcard": "fields",
    "myanmar-id-card": "fields",
    "myanmar-driver-license": "fields",
    "chile-id-card": "fields",
    "vietnam-id-card": "fields",
    "peru-id-card": "fields",
    "thailand-license-plate": "plates",
}


def body_for(api: str, seed: int = 0, flags: bool = True) -> dict:
    spec = APIS[api]
    params = {k: v for k, v in ALL_FLAGS.items() if k in spec.param_names} if flags else {}
    return synthesize(api, seed=seed, params=params)


# --- per API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("api", DOCUMENTED)
def test_every_documented_api_flattens_to_its_main_frame(api):
    frames = ocrframe.flatten(body_for(api))
    main = frames[MAIN_FRAME[api]]
    assert len(main) > 0
    assert ocrframe.read_response(body_for(api)).api == api


@pytest.mark.parametrize("api", sorted(APIS))
def test_every_operation_yields_frames_with_schema_dtypes(api):
    frames = ocrframe.flatten(body_for(api, seed=3))
    assert frames, f"{api} flattened to nothing"
    for name, frame in frames.items():
        for col, dtype in SCHEMAS[name]:
            assert str(frame[col].dtype) == dtype, (api, name, col, frame[col].dtype)


def test_general_text_words_chars_and_document():
    body = body_for("general-text")
    words, chars = ocrframe.words(body), ocrframe.chars(body)
    blocks = body["result"]["words_block_list"]
    assert words["text"].tolist() == [b["words"] for b in blocks]
    assert words["confidence"].tolist() == pytest.approx([b["confidence"] for b in blocks])
    first = blocks[0]["location"]
    assert words.loc[0, ["x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4"]].tolist() == [
        float(v) for pt in first for v in pt
    ]
    assert words.loc[0, "x_min"] == min(p[0] for p in first)
    n_chars = sum(len(b.get("char_list", [])) for b in blocks)
    assert len(chars) == n_chars
    # chars join back onto their block
    joined = chars.groupby("block")["text"].agg("".join)
    assert joined.loc[0] == "".join(c["char"] for c in blocks[0]["char_list"])
    doc = ocrframe.document(body)
    assert doc.loc[0, "markdown_result"] == body["result"]["markdown_result"]
    assert doc.loc[0, "direction"] == body["result"]["direction"]


def test_general_table_text_regions_are_words_and_table_regions_are_cells():
    body = body_for("general-table")
    regions = body["result"]["words_region_list"]
    n_cells = sum(len(r["words_block_list"]) for r in regions if r["type"] == "table")
    cells = ocrframe.cells(body)
    assert len(cells) == n_cells
    assert (cells["row_span"] >= 1).all() and (cells["col_span"] >= 1).all()
    assert ((cells["row_span"] > 1) | (cells["col_span"] > 1)).any(), "sample has spans"
    words = ocrframe.words(body)
    text_regions = [i for i, r in enumerate(regions) if r["type"] == "text"]
    assert set(words.loc[words["table"].isna(), "region"].dropna()) == set(text_regions)
    # pieces inside cells point back at their cell
    inside = words[words["table"].notna()]
    assert (inside["cell"].notna()).all()
    assert "result.excel" in ocrframe.read_response(body).payloads()


def test_cell_span_from_rows_and_columns():
    body = {
        "result": {
            "words_region_list": [
                {
                    "type": "table",
                    "words_block_list": [
                        {"words": "A", "rows": [0, 1], "columns": [2, 3, 4]},
                        {"words": "B", "rows": [2], "columns": [0]},
                    ],
                }
            ]
        }
    }
    cells = ocrframe.cells(body)
    assert cells[["row", "row_span", "col", "col_span"]].values.tolist() == [
        [0, 2, 2, 3],
        [2, 1, 0, 1],
    ]


REFERENCE_SDR = {  # verbatim shape of the reference example (section 4.1), shortened
    "result": [
        {
            "formula_result": {
                "formula_count": 1,
                "formula_list": [
                    {
                        "formula": "\\\\int _ { L }",
                        "location": [[171, 919], [950, 919], [950, 967], [171, 967]],
                    }
                ],
            }
        },
        {
            "layout_result": {
                "layout_block_count": 19,
                "layout_block_list": [
                    {
                        "location": [[1165, 368], [2031, 368], [2031, 465], [1165, 465]],
                        "type": "title",
                        "text": "Heilongjiang VAT Special Invoice",
                        "words_ids": [0],
                    },
                    {
                        "location": [[18, 180], [1077, 180], [1077, 636], [18, 636]],
                        "type": "table",
                        "text": "xxxx",
                        "words_ids": [0, 1, 2],
                        "table_id": 0,
                    },
                ],
            }
        },
        {
            "form_result": {
                "form_count": 1,
                "form_list": [
                    {
                        "location": [[15, 19], [1074, 19], [1074, 636], [15, 636]],
                        "words_block_count": 24,
                        "words_block_list": [
                            {"words": "xxx", "rows": [0], "columns": [0, 1, 2]},
                            {"words": "xxxx", "rows": [1], "columns": [0, 1, 2]},
                        ],
                        "excel": "UEsDBBQAAAAIAAAAIQBhXUk6TwEAAI8EAAATAAAAW0NvbnRlbnRfVHlwZX...",
                    }
                ],
            }
        },
        {
            "table_result": {
                "table_count": 1,
                "table_list": [
                    {
                        "words_block_count": 24,
                        "words_block_list": [
                            {
                                "words": "Name of goods or taxable labor services",
                                "rows": [0],
                                "columns": [0],
                            },
                            {"words": "Specifications and model", "rows": [0], "columns": [1]},
                        ],
                        "excel": "xxxx",
                        "location": [[275, 967], [2919, 967], [2919, 1177], [275, 1177]],
                    }
                ],
            }
        },
        {
            "kv_result": {
                "kv_block_count": 25,
                "kv_block_list": [
                    {
                        "key": "Invoice issuance date",
                        "value": "August 31, 2017",
                        "words_block_count": 2,
                        "words_block_list": [
                            {
                                "words": "Invoice issuance date",
                                "type": "key",
                                "location": [[2241, 589], [2480, 592], [2480, 646], [2241, 643]],
                            },
                            {
                                "words": "August 31, 2017",
                                "type": "value",
                                "location": [[2479, 591], [2850, 595], [2850, 649], [2479, 645]],
                            },
                        ],
                    }
                ],
            }
        },
        {
            "ocr_result": {
                "direction": 0.4767,
                "words_block_count": 67,
                "words_block_list": [
                    {
                        "words": "Heilongjiang VAT Special Invoice",
                        "location": [[430, 100], [874, 99], [874, 139], [430, 141]],
                        "confidence": 0.9552,
                    }
                ],
            }
        },
    ]
}


def test_smart_document_reference_example_one_kind_per_element_is_one_page():
    frames = ocrframe.flatten(REFERENCE_SDR)
    for name in ("words", "cells", "kv", "kv_boxes", "layout", "formulas"):
        assert (frames[name]["page"] == 1).all(), name
    cells = frames["cells"]
    assert sorted(cells["kind"].unique()) == ["form", "table"]
    assert cells.loc[cells["kind"] == "form", "col_span"].tolist() == [3, 3]
    assert frames["kv"][["key", "value", "n_boxes"]].values.tolist() == [
        ["Invoice issuance date", "August 31, 2017", 2]
    ]
    assert frames["kv_boxes"]["role"].tolist() == ["key", "value"]
    assert frames["layout"].loc[1, "table_id"] == 0
    assert frames["layout"].loc[0, "words_ids"] == [0]
    assert frames["words"].loc[0, "confidence"] == pytest.approx(0.9552)
    assert frames["document"].loc[0, "ocr_result.direction"] == pytest.approx(0.4767)


def test_smart_document_per_page_shape_numbers_pages():
    body = body_for("smart-document-recognizer", seed=5)
    two_pages = {"result": body["result"] + copy.deepcopy(body["result"])}
    words = ocrframe.words(two_pages)
    assert sorted(words["page"].unique()) == [1, 2]
    one_kind = smart_document_one_kind_per_element(body)
    # Both shapes of the same page give the same frames.
    for name in ("words", "cells", "kv", "layout", "formulas"):
        a = ocrframe.flatten(body).get(name)
        b = ocrframe.flatten(one_kind).get(name)
        assert (a is None) == (b is None)
        if a is not None:  # element order differs between the shapes
            keys = [
                c for c in ("kind", "table", "cell", "block", "pair", "formula") if c in a.columns
            ]
            pd.testing.assert_frame_equal(
                a.sort_values(keys).reset_index(drop=True),
                b.sort_values(keys).reset_index(drop=True),
            )


def test_fields_id_cards_have_normalised_names_and_confidences():
    frames = []
    for api in (
        "thailand-id-card",
        "colombia-id-card",
        "peru-id-card",
        "vietnam-id-card",
        "chile-id-card",
        "passport",
        "myanmar-driver-license",
    ):
        f = ocrframe.fields(body_for(api, seed=2))
        frames.append(f.assign(api=api))
    allf = pd.concat(frames, ignore_index=True)
    births = allf[allf["field_norm"] == "birth_date"]
    assert set(births["api"]) >= {
        "colombia-id-card",
        "peru-id-card",
        "vietnam-id-card",
        "chile-id-card",
        "passport",
        "thailand-id-card",
    }
    assert set(allf.loc[allf["field"] == "gender", "field_norm"]) <= {"sex"}
    conf = allf["confidence"].dropna()
    assert ((conf >= 0) & (conf <= 1)).all()
    # Thai dates: English owns the plain name, Thai keeps a suffix.
    thai = allf[allf["api"] == "thailand-id-card"].set_index("field")["field_norm"]
    if "date_of_birth_th" in thai:
        assert thai["date_of_birth_th"] == "birth_date_th"


def test_passport_extra_info_and_undocumented_mrz_are_kept():
    body = {
        "result": {
            "passport_number": "E12345678",
            "surname": "WANG",
            "machine_code": "P<CHNWANG<<",
            "machine_code2": "E123456784CHN",
            "confidence": {"passport_number": 0.99},
            "extra_info": {"local_language": {"name": "王", "sex": "男"}},
        }
    }
    f = ocrframe.fields(body).set_index("field")
    assert f.loc["machine_code", "field_norm"] == "mrz1"
    assert f.loc["passport_number", "confidence"] == pytest.approx(0.99)
    local = ocrframe.fields(body)
    local = local[local["group"] == "extra_info.local_language"]
    assert local["value"].tolist() == ["王", "男"]
    assert local["field_norm"].tolist() == ["full_name_local", "sex_local"]


def test_alarm_scores_never_become_confidences():
    body = {
        "result": {
            "type": "passport",
            "confidence": 0.93,
            "location": [[1, 2], [30, 2], [30, 20], [1, 20]],
            "alarm_result": {"detect_blur_result": True},
            "alarm_confidence": {"blur_score": 87},
        }
    }
    alarms = ocrframe.alarms(body)
    assert set(alarms["check"]) == {"blur"}
    assert alarms["flagged"].dropna().tolist() == [True]
    assert alarms["score"].dropna().tolist() == [87.0]
    f = ocrframe.fields(body)
    assert f[["field", "value", "confidence", "x3"]].values.tolist() == [
        ["type", "passport", 0.93, 30.0]
    ]


def test_text_location_gives_field_polygons():
    body = {
        "result": {
            "id_number": "1 2345 67890 12 3",
            "text_location": {"id_number": [[5, 6], [50, 6], [50, 16], [5, 16]]},
        }
    }
    f = ocrframe.fields(body)
    assert f.loc[0, ["x1", "y1", "x3", "y3"]].tolist() == [5.0, 6.0, 50.0, 16.0]


def test_out_of_range_confidence_is_nan_and_kept_in_other():
    body = {"result": {"words_block_list": [{"words": "x", "confidence": 87}]}}
    assert math.isnan(ocrframe.words(body).loc[0, "confidence"])
    other = ocrframe.other(body)
    assert other["path"].tolist() == ["result.words_block_list[0].confidence"]
    assert other["value"].tolist() == ["87"]


def test_a_polygon_named_text_location_takes_its_confidence_once():
    """A VAT invoice's ``text_location`` is a polygon, a field: its entry in the confidence
    map is its confidence (not ``other`` as well); a ``text_location`` map's entry is no
    field's and stays in ``other``."""
    square = [[1, 2], [3, 2], [3, 4], [1, 4]]
    body = {"result": {"code": "1", "text_location": square,
                       "confidence": {"code": 0.9, "text_location": 0.5}}}  # fmt: skip
    f = ocrframe.fields(body).set_index("field")
    assert f.loc["text_location", "confidence"] == 0.5
    assert len(ocrframe.other(body)) == 0
    body["result"]["text_location"] = {"code": square}
    assert ocrframe.other(body)["path"].tolist() == ["result.confidence.text_location"]


def test_no_entry_of_a_map_given_to_a_nested_object_is_dropped():
    """A map a parent gives a nested object is read as the object's own would be: an entry
    for no key of it goes to ``other``, a location for no key is a row without a value; a
    given map the object's own map overrides goes to ``other`` whole. (They vanished.)"""
    square = [[0, 0], [1, 0], [1, 1], [0, 1]]
    body = {"result": {
        "front": {"number": "X1"}, "items": [{"what": "tea"}],
        "confidence": {"front": {"number": 0.8, "ghost": 0.5},
                       "items": [{"what": 0.6, "qty": 0.1}]},
        "text_location": {"front": {"gone": square}},
    }}  # fmt: skip
    other = ocrframe.other(body)
    assert other["path"].tolist() == ["result.confidence.front.ghost",
                                      "result.confidence.items[0].qty"]  # fmt: skip
    assert other["value"].tolist() == ["0.5", "0.1"]
    gone = ocrframe.fields(body).set_index("field").loc["gone"]
    assert pd.isna(gone["value"]) and gone["x3"] == 1
    body["result"]["front"]["confidence"] = {"number": 0.3}
    other = ocrframe.other(body).set_index("path")["value"]
    assert json.loads(other["result.confidence.front"]) == {"number": 0.8, "ghost": 0.5}
    assert ocrframe.fields(body).set_index("field").loc["number", "confidence"] == 0.3


# --- empty results -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in FRAMES if n != "document"])
def test_empty_results_give_full_schema(name):
    frame = getattr(ocrframe, name)({"result": {}})
    assert len(frame) == 0
    expected = empty_frame(name)
    assert list(frame.columns) == [c for c, _ in SCHEMAS[name]]
    pd.testing.assert_series_equal(frame.dtypes, expected.dtypes)
    full = ocrframe.words(body_for("general-text")) if name == "words" else frame
    assert pd.concat([frame, full]).dtypes.equals(full.dtypes)


def test_empty_response_flattens_to_no_frames():
    assert ocrframe.flatten({"result": {"words_block_list": []}}) == {}
    assert ocrframe.flatten({"result": []}) == {}
    # a scalar property still gives its document row
    frames = ocrframe.flatten({"result": {"direction": 0, "words_block_list": []}})
    assert list(frames) == ["document"]
    assert frames["document"].to_dict("records") == [{"page": 1, "direction": 0}]


# --- lossless ----------------------------------------------------------------------------------


def _leaves(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in BASE64_FIELDS and isinstance(v, str):
                continue
            yield from _leaves(v, f"{path}.{k}")
    elif isinstance(node, list):
        if not node:
            yield path, node
        for i, v in enumerate(node):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, node


def _frame_values(frames: dict[str, pd.DataFrame]) -> tuple[set, set, list[str]]:
    nums, strs, texts = set(), set(), []
    for name, frame in frames.items():
        for col in frame.columns:
            for v in frame[col].tolist():
                if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
                    continue
                if isinstance(v, list):
                    nums.update(float(e) for e in v if e is not None)
                elif isinstance(v, (bool, np.bool_)):
                    strs.add("true" if v else "false")
                elif isinstance(v, (int, float, np.integer, np.floating)):
                    nums.add(float(v))
                elif isinstance(v, str):
                    strs.add(v)
                    texts.append(v)
                    if name == "other" and col == "value":
                        try:
                            decoded = json.loads(v)
                        except ValueError:
                            continue
                        for _, leaf in _leaves(decoded):
                            if isinstance(leaf, (int, float)) and not isinstance(leaf, bool):
                                nums.add(float(leaf))
                            elif isinstance(leaf, str):
                                strs.add(leaf)
                                texts.append(leaf)
        if name == "cells":
            nums.update((frame["row"] + frame["row_span"] - 1).astype(float))
            nums.update((frame["col"] + frame["col_span"] - 1).astype(float))
    return nums, strs, texts


def assert_lossless(body: dict) -> None:
    frames = ocrframe.flatten(body)
    nums, strs, texts = _frame_values(frames)
    for path, leaf in _leaves(body):
        if leaf is None or leaf == [] or leaf == {}:
            continue
        if isinstance(leaf, bool):
            assert ("true" if leaf else "false") in strs, path
        elif isinstance(leaf, (int, float)):
            assert float(leaf) in nums or str(leaf) in strs, (path, leaf)
        elif isinstance(leaf, str):
            assert leaf in strs or any(leaf in t for t in texts), (path, leaf)


@pytest.mark.parametrize("api", sorted(APIS))
def test_flatten_is_lossless_for_every_operation(api):
    assert_lossless(body_for(api, seed=11))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(api=st.sampled_from(sorted(APIS)), seed=st.integers(0, 10_000), flags=st.booleans())
def test_hypothesis_random_responses_are_lossless(api, seed, flags):
    assert_lossless(body_for(api, seed=seed, flags=flags))


# --- malformed ---------------------------------------------------------------------------------

_JUNK = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.text(max_size=5),
    st.just([]),
    st.just({}),
    st.just([[1, "a"]]),
    st.floats(allow_nan=True),
    st.booleans(),
    st.just("0.5"),
    st.just([None, None, None, None]),
)


def _nodes(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _nodes(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _nodes(v, (*path, i))


def _replace(body, path, value):
    if not path:
        return value
    node = body
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(api=st.sampled_from(sorted(DOCUMENTED)), seed=st.integers(0, 50), data=st.data())
def test_malformed_responses_never_crash_with_bare_errors(api, seed, data):
    body = body_for(api, seed=seed)
    paths = list(_nodes(body))[1:]
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(paths))
        try:
            body = _replace(body, path, copy.deepcopy(data.draw(_JUNK)))
        except (KeyError, IndexError, TypeError):
            continue  # that path no longer exists after an earlier replacement
        paths = list(_nodes(body))[1:] or [()]
    try:
        frames = ocrframe.flatten(body)
    except ocrframe.OcrError:
        return
    for name, frame in frames.items():
        for col, dtype in SCHEMAS[name]:
            assert str(frame[col].dtype) == dtype


@pytest.mark.parametrize(
    "bad",
    [
        '{"result": {"words_block_list": [{"words": "a"',  # truncated
        "<html>502 Bad Gateway</html>",
        "[1, 2, 3]",
        b"\xff\xfe\x00garbage",
    ],
)
def test_unreadable_bodies_raise_response_format_error(bad):
    with pytest.raises(ocrframe.ResponseFormatError):
        ocrframe.words(bad)


@pytest.mark.parametrize(
    "body",
    [
        {"result": None},
        {"result": "oops"},
        {"result": {"words_block_list": None}},
        {"result": {"words_block_list": [None, 3, {"words": None, "location": "x"}]}},
        {
            "result": {
                "words_block_list": [
                    {
                        "words": 5,
                        "confidence": "0.7",
                        "location": [[1, 2], [3, "4"], [5, 6], [7, 8]],
                    }
                ]
            }
        },
        {"result": [{"plate_number": None, "plate_location": [[1, 1]]}]},
        {
            "result": {
                "words_region_list": [
                    {
                        "type": "table",
                        "words_block_list": [{"words": "a", "rows": "0", "columns": [None]}],
                    }
                ]
            }
        },
    ],
)
def test_malformed_values_give_nan_and_land_in_other(body):
    frames = ocrframe.flatten(body)
    assert all(isinstance(f, pd.DataFrame) for f in frames.values())


def test_string_numbers_are_coerced():
    body = {
        "result": {
            "words_block_list": [
                {"words": 5, "confidence": "0.7", "location": [[1, 2], [3, "4"], [5, 6], [7, 8]]}
            ]
        }
    }
    w = ocrframe.words(body)
    assert w.loc[0, "text"] == "5"
    assert w.loc[0, "confidence"] == pytest.approx(0.7)
    assert w.loc[0, "y2"] == 4.0


def test_single_response_words_is_fast_enough_to_be_interactive():
    # Not a timed assertion: just proves the 2,000-block path works; timing is in benchmarks/.
    body = synthesize("general-text", seed=1, n_blocks=2000)
    assert len(ocrframe.words(body)) == 2000


# --- the shipped sample responses ---------------------------------------------------------------

SAMPLE_RESPONSES = [
    n
    for n in __import__("ocrframe.samples", fromlist=["list_samples"]).list_samples()
    if n.startswith("responses/") and not n.startswith("responses/error")
]


@pytest.mark.parametrize("name", SAMPLE_RESPONSES)
def test_sample_responses_flatten_losslessly(name):
    from ocrframe.samples import sample_path

    body = json.loads(sample_path(name).read_text(encoding="utf-8"))
    assert_lossless(body)
    resp = ocrframe.read_response(sample_path(name))
    assert resp.api is not None and resp.source == str(sample_path(name))


def test_sample_error_response_raises():
    from ocrframe.samples import sample_path

    with pytest.raises(ocrframe.BadRequestError, match="AIS.0103"):
        ocrframe.flatten(sample_path("error-general-table-nested"))


def test_key_value_lists_of_any_operation_become_kv_with_boxes():
    body = {
        "result": {
            "bank_receipt_list": [
                {
                    "kv_list": [
                        {
                            "key": "Payer",
                            "value": "ACME",
                            "confidence": 0.8,
                            "key_location": [[0, 0], [10, 0], [10, 5], [0, 5]],
                            "value_location": [[20, 0], [40, 0], [40, 5], [20, 5]],
                        },
                        {"key": "Amount", "value": "12.00", "key_location": "broken"},
                    ]
                }
            ]
        }
    }
    kv = ocrframe.kv(body)
    assert kv[["key", "value", "n_boxes"]].values.tolist() == [
        ["Payer", "ACME", 2],
        ["Amount", "12.00", 1],
    ]
    boxes = ocrframe.kv_boxes(body)
    assert boxes[["pair", "role", "text", "x3"]].values.tolist()[:2] == [
        [0, "key", "Payer", 10.0],
        [0, "value", "ACME", 40.0],
    ]
    assert ocrframe.other(body)["path"].tolist() == [
        "result.bank_receipt_list[0].kv_list[1].key_location"
    ]
    assert_lossless(body)


def test_each_key_value_pair_tells_the_receipt_it_is_on():
    """A page of Bank Receipts holds several receipts, each with its pairs: ``group`` names
    the receipt as ``fields`` rows name it, so pairs can be pivoted to one row per receipt."""

    def receipt(*pairs):
        listed = [{"key": k, "value": v} for k, v in pairs]
        return {"kv_pair_count": len(pairs), "kv_pair_list": listed}

    receipts = [receipt(("Payer", "ACME"), ("Amount", "12.00")), receipt(("Payer", "Globex"))]
    body = {"result": {"bank_receipt_count": 2, "bank_receipt_list": receipts}}
    resp = ocrframe.read_response(body, api="bank-receipt")
    kv = resp.kv()
    assert kv[["group", "pair", "key", "value"]].values.tolist() == [
        ["bank_receipt_list[0]", 0, "Payer", "ACME"],
        ["bank_receipt_list[0]", 1, "Amount", "12.00"],
        ["bank_receipt_list[1]", 2, "Payer", "Globex"],
    ]
    wide = kv.pivot(index="group", columns="key", values="value")
    assert wide.to_dict("index")["bank_receipt_list[1]"]["Payer"] == "Globex"
    counts = resp.fields().set_index("group")["value"]
    assert counts["bank_receipt_list[0]"] == "2"  # its kv_pair_count, in the same group
    # Pairs that sit in no list element (Smart Document Recognizer's) have the top level's "".
    sdr = ocrframe.read_response(synthesize("smart-document-recognizer", seed=1,
                                            params={"kv": True}))  # fmt: skip
    assert (sdr.kv()["group"] == "").all() and empty_frame("kv")["group"].dtype == "str"
    assert_lossless(body)


def test_a_list_of_values_beside_blocks_is_a_list_valued_field():
    """Health Code's ``reached_city`` (list[str] in its SDK model) sits beside the words
    blocks and the fields' confidence map: one ``fields`` row per city, not an ``other``
    row holding the list as JSON."""
    block = {"words": "Hi", "confidence": 0.9, "location": [[0, 0], [1, 0], [1, 1], [0, 1]]}
    body = {"result": {"name": "Li Lei", "reached_city": ["Xi'an", "Lanzhou"],
                       "confidence": {"name": 0.9, "reached_city": [0.8, 0.7]},
                       "words_block_count": 1, "words_block_list": [block]}}  # fmt: skip
    resp = ocrframe.read_response(body, api="health-code")
    fields = resp.fields()
    assert fields[["field", "item", "value", "confidence"]].astype(object).values.tolist() == [
        ["name", pd.NA, "Li Lei", 0.9],
        ["reached_city", 0, "Xi'an", 0.8],
        ["reached_city", 1, "Lanzhou", 0.7],
    ]
    assert "other" not in resp.flatten()
    assert_lossless(body)


def test_hostile_numbers_and_lists_do_not_crash_or_blow_up_memory():
    # A span claimed as [0, 10**9] must not build a billion-element list; integers beyond int64
    # and list-valued counts must land somewhere (cells / other / document) instead of crashing.
    body = {
        "result": {
            "words_region_list": [
                {
                    "type": "table",
                    "words_block_count": [1, 2],
                    "words_block_list": [
                        {"words": "wide", "rows": [0, 10**9], "columns": [0]},
                        {"words": "huge", "rows": [10**30], "columns": [0]},
                    ],
                }
            ]
        }
    }
    cells = ocrframe.cells(body)
    assert cells[["text", "row", "row_span"]].values.tolist() == [["wide", 0, 10**9 + 1]]
    assert ocrframe.words(body)["text"].tolist() == ["huge"]  # no usable grid position
    assert "result.words_region_list[0].words_block_list[0].rows" in set(
        ocrframe.other(body)["path"]
    )
    assert ocrframe.document(body)["region0.words_block_count"].tolist() == [[1, 2]]


def test_seal_text_confidence_is_the_words_confidence():
    """Seal's text blocks give their confidence as ``words_confidence`` (the SDK's model);
    the words frame had NaN there and the values sat in ``other``, out of every audit."""
    body = {"result": {"seal_list": [{"type": "normal", "confidence": 0.91,
                                      "words_block_list": [
                                          {"words": "ACME", "words_confidence": 0.82},
                                          {"words": "Ltd", "confidence": 0.7,
                                           "words_confidence": 0.6}]}]}}  # fmt: skip
    frames = ocrframe.flatten(body)
    assert frames["words"]["confidence"].tolist() == [0.82, 0.7]
    # both given: ``confidence`` is the block's, the other one is kept with its path
    assert frames["other"]["path"].tolist() == [
        "result.seal_list[0].words_block_list[1].words_confidence"
    ]


def test_each_seal_is_a_fields_row_and_its_words_name_it():
    """Two seals on a page: each seal's polygon went to ``other``, its type and confidence to
    ``document`` columns per seal (``seal_list[1].type``), and its words restarted ``block``
    at 0 with nothing telling which seal they came from."""

    def seal(kind, conf, x, *texts):
        blocks = [{"words": t, "words_confidence": 0.9} for t in texts]
        square = [[x, 0], [x + 9, 0], [x + 9, 9], [x, 9]]
        return {"type": kind, "confidence": conf, "location": square, "words_block_list": blocks}

    body = {"result": {"seal_list": [seal("round", 0.91, 0, "ACME", "Ltd"),
                                     seal("oval", 0.8, 50, "PAID")]}}  # fmt: skip
    frames = ocrframe.read_response(body, api="seal").flatten()
    assert set(frames) == {"words", "fields"}
    assert frames["words"][["region", "block", "text"]].astype(object).values.tolist() == [
        [0, 0, "ACME"], [0, 1, "Ltd"], [1, 0, "PAID"],
    ]  # fmt: skip
    seals = frames["fields"][["group", "field", "value", "confidence", "x1", "x3"]]
    assert seals.values.tolist() == [
        ["seal_list[0]", "type", "round", 0.91, 0.0, 9.0],
        ["seal_list[1]", "type", "oval", 0.8, 50.0, 59.0],
    ]
    assert_lossless(body)


def test_financial_statement_table_location_is_the_tables_outline():
    """A Financial Statement region gives its table's polygon as ``table_location``, which
    went to ``other`` while General Table's ``location`` became an ``outlines`` row."""
    cell = {"words": "12", "rows": [0], "columns": [0],
            "location": [[0, 0], [9, 0], [9, 9], [0, 9]]}  # fmt: skip
    body = {"result": {"words_region_list": [{
        "type": "table", "words_block_list": [cell],
        "table_location": [[1, 2], [50, 2], [50, 40], [1, 40]]}]}}  # fmt: skip
    frames = ocrframe.flatten(body)
    assert frames["outlines"][["kind", "table", "x1", "y3"]].values.tolist() == [
        ["table", 0, 1.0, 40.0]
    ]
    assert "other" not in frames
