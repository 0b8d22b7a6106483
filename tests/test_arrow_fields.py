"""The columnar reader of field APIs (ocrframe.flatten.arrow.fields) on what its shapes hold
beyond the synthesizer's bodies: keys written in another order, dates pyarrow would read as
timestamps, numbers, escapes, saved API headers. Every case must give the general walk's
frames, and the common ones must be read column-wise (not handed back)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pandas as pd
import pytest

from ocrframe.datasets.batch import Batch, read_responses
from ocrframe.flatten.arrow import read_frames
from ocrframe.response import Response
from ocrframe.synth import synthesize


def write(tmp_path: Path, items: list[dict | str]) -> list[Path]:
    paths = []
    for i, body in enumerate(items):
        p = tmp_path / f"r{i:03d}.json"
        p.write_text(body if isinstance(body, str) else json.dumps(body, ensure_ascii=False))
        paths.append(p)
    return paths


def same_as_general(paths: list[Path]) -> list[int]:
    """Assert the batch's frames equal the general walk's; return the files handed back."""
    batch = read_responses(paths)
    general = Batch(list(read_responses(paths)))
    fast, ref = batch.flatten(), general.flatten()
    assert fast.keys() == ref.keys()
    for name in ref:
        pd.testing.assert_frame_equal(fast[name], ref[name], obj=name)
        alone = batch.frame(name)  # one frame alone: the reader skips what it does not need
        pd.testing.assert_frame_equal(alone, general.frame(name), obj=name)
    return read_frames(batch.entries, ["fields", "alarms", "other"]).fallback


def reordered(body: dict) -> dict:
    """The body with the keys of ``result`` and of each item written in reverse order."""
    result = body["result"]
    out = {}
    for key in reversed(list(result)):
        value = result[key]
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = [dict(reversed(list(e.items()))) for e in value]
        out[key] = value
    return {"result": out}


def test_rows_follow_each_files_key_order(tmp_path):
    """Arrow keeps one child order for all files; the walk follows each file's own."""
    items = []
    for i in range(4):
        body = synthesize("vat-invoice", seed=i)
        items += [body, reordered(body)]
    paths = write(tmp_path, items)
    assert same_as_general(paths) == []
    fields = read_responses(paths).fields()
    first = fields[fields["source"] == str(paths[0])]["field"].tolist()
    second = fields[fields["source"] == str(paths[1])]["field"].tolist()
    assert first != second and sorted(first) == sorted(second)


def test_dates_numbers_and_escapes_keep_their_text(tmp_path):
    items = [
        {"result": {"vin": "LSVNV2182E2100001", "issue_date": "2018-11-13 17:11:10",
                    "date": "1959-02-28", "count": 12, "ratio": 0.25, "valid": True,
                    "quote": 'say "hi" \\ bye', "confidence": {"vin": 0.9, "date": 1}}},
        {"result": {"vin": "LSVNV2182E2100002", "issue_date": "2019-01-01", "count": 7,
                    "ratio": "1.5", "valid": False, "quote": "", "confidence": {"vin": 0.5}}},
    ]  # fmt: skip
    paths = write(tmp_path, items * 2)
    assert same_as_general(paths) == [0, 2]  # 0.25: its digits are the general walk's to give
    values = read_responses(paths).fields().set_index("field")["value"]
    assert values["issue_date"].tolist()[:2] == ["2018-11-13 17:11:10", "2019-01-01"]
    assert values["count"].tolist()[:2] == ["12", "7"]
    assert values["quote"].tolist()[0] == 'say "hi" \\ bye'


@pytest.mark.parametrize("apis", [["vat-invoice"], ["vat-invoice", "id-card", "driver-license"]])
def test_a_dataset_with_dates_is_parsed_once_in_a_new_process(tmp_path, monkeypatch, apis):
    # pyarrow reads "2018-11-13" as a timestamp; the dates a dataset holds are learnt from
    # its first body of each kind (a folder of several field APIs saved without their API),
    # so the dataset is not parsed twice (once inferred, once as text).
    files = importlib.import_module("ocrframe.flatten.arrow.files")
    fields = importlib.import_module("ocrframe.flatten.arrow.fields")
    monkeypatch.setattr(fields, "_TEXT_SCHEMAS", {})  # what a new process knows
    sizes = []
    read = files._read

    def counted(part, schema, strict):
        sizes.append(len(part))
        return read(part, schema, strict)

    monkeypatch.setattr(files, "_read", counted)
    items = [synthesize(apis[i % len(apis)], seed=i) for i in range(4 * len(apis))]
    if len(apis) > 1:  # each API writes its dates at keys of its own
        assert {"birth", "issue_date"} <= {k for b in items for k in b["result"]}
    assert all("-" in body["result"]["issue_date"] for body in items[:: len(apis)])
    paths = write(tmp_path, items)
    values = read_responses(paths).fields().query("api == 'vat-invoice'")
    values = values.set_index("field")["value"]
    want = [body["result"]["issue_date"] for body in items[:: len(apis)]]
    assert values["issue_date"].tolist() == want
    assert sizes.count(len(items)) == 1, sizes
    assert same_as_general(paths) == []


def test_odd_files_go_the_general_way_and_change_nothing(tmp_path):
    vat = synthesize("vat-invoice", seed=1)
    whole = {"result": {**vat["result"], "sum_amount": 3.0}}  # 3 or 3.0? the text knows
    escaped_key = json.dumps(vat).replace('"title"', '"t\\u0069tle"')  # the same key
    nested = {"result": {**vat["result"], "extra": {"deep": [{"x": "1"}]}}}  # list 2 deep
    paths = write(tmp_path, [vat, whole, vat, escaped_key, vat, nested])
    assert same_as_general(paths) == [1, 3, 5]


def test_saved_api_names_the_field_norms(tmp_path):
    """A file saved with its API keeps it (``number`` of a Chilean card is the ID number);
    a plain body gets the API the general path detects."""
    chile = synthesize("chile-id-card", seed=2)
    paths = []
    for i, (body, api) in enumerate([(chile, "chile-id-card"), (chile, None)] * 2):
        p = tmp_path / f"s{i}.json"
        if api is None:
            p.write_text(json.dumps(body))
        else:
            p.write_text(Response(body, api=api, source=f"card{i}.png", page=1).to_json())
        paths.append(p)
    assert same_as_general(paths) == []
    fields = read_responses(paths).fields()
    assert set(fields["api"]) == {"chile-id-card"}
    assert "id_number" in set(fields["field_norm"])


def square(x: int) -> list[list[int]]:
    return [[x, 0], [x + 10, 0], [x + 10, 5], [x, 5]]


def test_confidence_and_location_maps_give_each_field_its_values(tmp_path):
    """The scalar fields of a level are read together; each keeps its own confidence and
    polygon from the maps (an integer confidence too), whatever order the keys come in."""
    items = []
    for i in range(3):
        result = {"name": f"ANNA {i}", "number": str(1000 + i), "sex": "F",
                  "confidence": {"name": 0.5 + i / 10, "number": 1, "sex": 0.25},
                  "text_location": {"name": square(i), "sex": square(100 + i)}}  # fmt: skip
        items += [{"result": result}, reordered({"result": result})]
    paths = write(tmp_path, items)
    assert same_as_general(paths) == []
    first = read_responses(paths[:1]).fields().set_index("field")
    assert first.loc["number", "confidence"] == 1.0 and first.loc["sex", "confidence"] == 0.25
    assert first.loc["sex", "x1"] == 100 and pd.isna(first.loc["number", "x1"])


def test_odd_map_entries_send_only_their_file_the_general_way(tmp_path):
    good = {"name": "ANNA", "number": "7", "confidence": {"name": 0.9, "number": 0.8},
            "text_location": {"name": square(0)}}  # fmt: skip
    odd = [
        {**good, "confidence": {"name": 1.5, "number": 0.8}},  # out of range: other
        {**good, "confidence": {"name": "high", "number": 0.8}},  # not a number
        {**good, "text_location": {"name": square(0)[:3]}},  # three vertices
        {**good, "text_location": {"name": square(0), "missing": square(1)}},  # no such field
    ]
    items = [{"result": good}]
    for body in odd:
        items += [{"result": body}, {"result": good}]
    paths = write(tmp_path, items)
    assert same_as_general(paths) == [1, 3, 5, 7]


def test_backslashes_before_quotes_keep_the_key_order(tmp_path):
    """A value ending in an escaped backslash ends at its quote; an escaped quote does not end
    it: the keys found in the text (and so the row order) must not shift."""
    bodies = [
        {"result": {"path": "C:\\dir\\", "name": "A", "quote": 'say "x": 1', "z": "\\\\"}},
        {"result": {"z": "\\\\", "quote": 'say "x": 1', "name": "B", "path": "C:\\dir\\"}},
        {"result": {"name": '\\"', "path": "C:\\", "z": "", "quote": "\\"}},
    ]
    paths = write(tmp_path, bodies * 2)
    assert same_as_general(paths) == []
    fields = read_responses(paths).fields()
    order = fields[fields["source"] == str(paths[1])]["field"].tolist()
    assert order == ["z", "quote", "name", "path"]


def test_field_apis_saved_without_their_names_read_together(tmp_path):
    """Bodies of several field APIs in one folder, none named: one parse, each file's API
    detected as the general path detects it, rows in each file's order."""
    apis = ["vat-invoice", "chile-id-card", "driver-license", "vietnam-id-card"]
    items = [synthesize(api, seed=i) for i in range(2) for api in apis]
    paths = write(tmp_path, items)
    assert same_as_general(paths) == []
    assert read_responses(paths).fields()["api"].nunique() >= 3  # as detection names them


def test_rows_of_a_file_whose_key_was_not_found_stay_with_their_file():
    """Rows follow key tokens, which number keys over all files; a row whose key was not
    found (token -1, its file goes back) must still not land among another file's rows."""
    import numpy as np
    import pyarrow as pa

    from ocrframe.flatten.arrow.field_rows import FieldRows, Level

    out = FieldRows(["passport"], np.zeros(3, dtype=np.int64))
    level = Level(np.arange(3), np.zeros((3, 1), dtype=np.int64))
    rank = np.array([5, -1, 9])  # file 1's key has no token
    out.add(level, np.arange(3), out.name("name"), rank, pa.array(["a", "b", "c"]),
            np.full(3, np.nan), None)  # fmt: skip
    rows = out.rows(np.ones(3, dtype=np.int64))
    assert rows.file.tolist() == [0, 1, 2]
    assert rows.columns["value"].to_pylist() == ["a", "b", "c"]


def test_objects_nested_at_any_depth_keep_their_groups_and_order(tmp_path):
    """Objects in objects (an ID card's sides with their own checks), and objects in the
    elements of a list, each in its file's key order."""
    body = {
        "result": {
            "name": "A",
            "front": {
                "name": "B",
                "check": {"valid": True, "n": 3},
                "more": {"deep": {"x": "1"}},
                "sex": "F",
            },
            "items": [{"a": "1", "sub": {"b": "2"}}, {"sub": {"b": "3"}, "a": "4"}],
        }
    }
    flipped = {"result": {"items": body["result"]["items"], "front": dict(reversed(list(
        body["result"]["front"].items()))), "name": "C"}}  # fmt: skip
    paths = write(tmp_path, [body, flipped] * 2)
    assert same_as_general(paths) == []
    fields = read_responses(paths[:2]).fields()
    assert fields["group"].tolist()[:8] == ["", "front", "front.check", "front.check",
                                            "front.more.deep", "front", "items[0]",
                                            "items[0].sub"]  # fmt: skip
    second = fields[fields["source"] == str(paths[1])]
    assert second["group"].tolist()[-5:] == ["front.more.deep", "front.check", "front.check",
                                             "front", ""]  # fmt: skip


def test_alarm_flags_and_scores_share_rows_as_the_walk_fills_them(tmp_path):
    """The k-th flag and the k-th score of a check share a row, started by whichever comes
    first in the file; groups join in that order; rows come in the order they start."""
    top_scores_first = {"result": {
        "name": "A", "score_info": {"copy_score": 10, "blur_score": 20},
        "detect_copy_result": True,
        "front": {"detect_copy_result": False, "detect_glare_result": True,
                  "score_info": {"copy_score": 30, "glare_score": 40}},
        "back": {"detect_copy_result": True, "detect_blur_result": False}}}  # fmt: skip
    flags_first = {"result": {
        "detect_blur_result": True, "name": "B",
        "alarm_result": {"detect_copy_result": False},
        "alarm_confidence": {"copy_score": 5, "blur_score": 6.5}}}  # fmt: skip
    confidence_first = {"result": {
        "alarm_confidence": {"copy_score": 7}, "alarm_result": {"detect_copy_result": True},
        "name": "C"}}  # fmt: skip
    paths = write(tmp_path, [top_scores_first, flags_first, confidence_first] * 2)
    assert same_as_general(paths) == []
    alarms = read_responses(paths[:3]).alarms()
    rows = list(zip(alarms["check"], alarms["flagged"], alarms["score"].fillna(-1),
                    alarms["group"], strict=True))  # fmt: skip
    assert rows == [
        ("copy", True, 10.0, "score_info"),  # scores start rows, the top flag fills one
        ("blur", False, 20.0, "score_info"),  # ... and the back's flag the other
        ("copy", False, 30.0, "score_info"),  # a second copy flag starts a second row
        ("glare", True, 40.0, "score_info"),
        ("copy", True, -1, ""),  # a third copy flag: no score left for it
        ("blur", True, 6.5, "alarm_confidence"),
        ("copy", False, 5.0, "alarm_result,alarm_confidence"),
        ("copy", True, 7.0, "alarm_confidence,alarm_result"),
    ]


def test_alarm_values_the_walk_sends_to_other_go_the_general_way(tmp_path):
    good = {"name": "A", "detect_copy_result": True, "score_info": {"copy_score": 10}}
    odd = [
        {**good, "score_info": {"copy_score": "0.5"}},  # a numeric string: the walk parses it
        {**good, "score_info": {"copy_score": True}},  # not a number
        {**good, "score_info": {"copy_score": 1, "note": "x"}},  # not a flag nor a score
        {**good, "score_info": {"copy_score": {"x": 1}}},
        {**good, "score_info": {"detect_copy_result": 1}},  # a flag that is not a boolean
        {**good, "detect_copy_result": "yes"},  # a field row named like a flag
        {**good, "confidence": {"score_info": 0.5}},  # a confidence for no field
    ]
    items = [{"result": good}]
    for body in odd:
        items += [{"result": body}, {"result": good}]
    taken = [{"result": {**good, "score_info": {"copy_score": 10**30, "blur_score": 0.5}}},
             {"result": {**good, "score_info": {}}}]  # fmt: skip
    paths = write(tmp_path, items + taken)
    assert same_as_general(paths) == list(range(1, 2 * len(odd), 2))


def test_classified_objects_give_a_type_row_with_their_confidence_and_polygon(tmp_path):
    """Auto classification: ``type`` takes the object's ``confidence`` and ``location``; a
    value the walk sends to ``other`` sends the file the general way. A ``type`` without a
    ``location`` (a vehicle licence's) stays a field of its own."""
    good = {"type": "peru_id_card", "location": square(5), "confidence": 0.9,
            "alarm_result": {"detect_blur_result": True}}  # fmt: skip
    odd = [
        {**good, "confidence": 1.5},  # out of range
        {**good, "location": square(5)[:3]},  # three vertices
        {**good, "location": [["a", "b"]] * 4},  # not numbers
        {**good, "type": 3},  # a number: the walk's text of it
    ]
    items = [{"result": good}]
    for body in odd:
        items += [{"result": body}, {"result": good}]
    no_location = {"result": {"type": "normal", "number": "12"}}
    paths = write(tmp_path, [*items, no_location])
    assert same_as_general(paths) == [1, 3, 5, 7]
    fields = read_responses(paths[:1]).fields()
    assert fields[["field", "value", "confidence", "x1"]].values.tolist() == [
        ["type", "peru_id_card", 0.9, 5.0]
    ]


def test_classified_objects_whose_type_is_no_text_go_the_general_way(tmp_path):
    """A batch where every classified object's ``type`` is an empty list (mutated, or another
    service's habit): no rows of it are made, and the other fields' text still joins."""
    body = {"type": [], "location": square(5), "confidence": 0.9, "name": "Ana"}
    paths = write(tmp_path, [{"result": body}, {"result": {**body, "name": "Bo"}}])
    assert same_as_general(paths) == [0, 1]


def test_another_engines_result_holding_a_result_key_goes_the_general_way(tmp_path):
    """A PaddleOCR serving response holds a ``result`` (``ocrResults``, ``dataInfo``) beside
    ``logId`` and ``errorCode``: PaddleOCR's, by detection. Asked for fields alone, the field
    reader read its ``dataInfo`` as fields (9 rows over 3 files the general walk never
    makes); such files now go the general way, whatever frames are asked for."""
    serving = {"logId": "x", "errorCode": 0, "errorMsg": "Success",
               "result": {"ocrResults": [], "dataInfo": {"width": 10, "height": 20}}}  # fmt: skip
    bare = {"result": {"ocrResults": [], "dataInfo": {"width": 10, "height": 20}}}
    paths = write(tmp_path, [serving, bare, synthesize("vat-invoice", seed=1), serving])
    batch, general = read_responses(paths), Batch(list(read_responses(paths)))
    assert read_frames(batch.entries, ["fields"]).fallback == [0, 1, 3]
    pd.testing.assert_frame_equal(batch.fields(), general.fields())
    assert set(batch.fields()["source"]) == {str(paths[2])}
    assert same_as_general(paths) == [0, 1, 3]


def test_confidences_of_no_field_are_read_column_wise(tmp_path):
    """A confidence map entry no field takes: a payload's (the portrait asked for) is a row
    without a value, one for a key the object does not write (no portrait asked for) goes to
    ``other``, at every depth, in each file's own key order. Read column-wise, as the walk."""
    portrait = "/9j/4AAQSkZJRg"
    items = [
        {"result": {"name": "A", "portrait_image": portrait,
                    "confidence": {"portrait_image": 0.97, "name": 0.9}}},
        {"result": {"name": "B", "confidence": {"name": 0.8, "portrait_image": 0.91}}},
        {"result": {"confidence": {"portrait_image": "high", "name": 1}, "name": "C"}},
        {"result": {"front": {"name": "D", "confidence": {"adjusted_image": 0.5, "name": 0.7}},
                    "back": {"portrait_image": portrait,
                             "confidence": {"portrait_image": 0.6}}}},
        {"result": [{"name": "E", "confidence": {"name": 0.5, "seal_image": True}},
                    {"name": "F", "confidence": {"name": 0.4}}]},
    ]  # fmt: skip
    paths = write(tmp_path, items * 2)
    assert same_as_general(paths) == []
    other = read_responses(paths).other()
    assert other["path"].tolist()[:4] == [
        "result.confidence.portrait_image", "result.confidence.portrait_image",
        "result.front.confidence.adjusted_image", "result[0].confidence.seal_image",
    ]  # fmt: skip
    assert other["value"].tolist()[:4] == ["0.91", "high", "0.5", "true"]
    fields = read_responses(paths).fields()
    payload = fields[fields["field"] == "portrait_image"]
    assert payload["value"].isna().all() and payload["confidence"].tolist()[:2] == [0.97, 0.6]


def test_a_confidence_of_no_field_the_bytes_must_tell_goes_the_general_way(tmp_path):
    """1 or 1.0? A double column holding an integral value: the walk writes what the file
    wrote, which only the bytes tell."""
    items = [
        {"result": {"name": "A", "confidence": {"name": 0.9, "portrait_image": 1.0}}},
        {"result": {"name": "B", "confidence": {"name": 0.9, "portrait_image": 0.5}}},
    ]
    assert same_as_general(write(tmp_path, items)) == [0]
