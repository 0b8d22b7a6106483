"""Every columnar reader (ocrframe.flatten.arrow) gives exactly the frames of the general walk:
on realistic bodies of its shape, and on bodies mutated in ways a reader must notice (an odd
value anywhere sends that file the general way, never changes a frame)."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from ocrframe.datasets.batch import Batch, read_responses
from ocrframe.flatten.arrow import READERS, fields, read_frames
from ocrframe.synth import synthesize

# Request flags per API that make the synthesizer emit every optional part of its shape.
FLAGS = {
    "general-text": [{}, {"character_mode": True}],
    "web-image": [{"detect_font": True}, {}],  # fonts, and blocks with extracted_data alone
    "general-table": [
        {},
        {"return_text_location": True, "return_char_location": True, "return_confidence": True},
    ],
    "smart-document-recognizer": [
        {"kv": True, "table": True, "form": True, "layout": True, "formula": True}
    ],
    # Alarms: flags and score_info on the card and on each side (id-card, objects two levels
    # deep), alarm_result and alarm_confidence objects (vehicle-license).
    "id-card": [
        {
            "return_verification": True,
            "return_text_location": True,
            "detect_reproduce": True,
            "detect_copy": True,
            "return_portrait_location": True,
            "detect_tampering": True,
            "detect_blur": True,
        }
    ],
    "vehicle-license": [{"alarm": True, "return_text_location": True}],
    "auto-id-doc-classification": [{"alarm": True}],  # a classified object: type, location
}


# The field reader serves every field API (and bodies saved without one); these cover its
# shapes: item lists (VAT), list-valued fields (Chile), confidence maps, API-dependent names,
# nested objects and alarms (ID card, vehicle licence), classified objects (auto classification),
# key-value pair lists in a list of objects (bank receipt), text blocks beside fields (health
# code, PCR test record: scalars no confidence names are document keys), maps given to nested
# objects: text (exit-entry permit), lists of maps of any length (qualification certificate).
FIELD_APIS = ["vat-invoice", "chile-id-card", "vietnam-id-card", "myanmar-driver-license",
              "id-card", "vehicle-license", "auto-id-doc-classification",
              "household-register", "auto-classification", "bank-receipt", "health-code",
              "pcr-test-record", "exit-entry-permit",
              "transportation-qualification-certificate"]  # fmt: skip
# fields kept per object: these hold many objects
KEEP = {"id-card": 1, "vehicle-license": 1, "auto-id-doc-classification": 4,
        "household-register": 3}  # fmt: skip
TESTED = sorted(api for api, reader in READERS.items() if reader is not fields) + FIELD_APIS


def bodies(api: str, n: int, n_blocks: int | None = None) -> list[dict]:
    flags = FLAGS.get(api, [{}])
    out = [
        synthesize(api, seed=i, params=flags[i % len(flags)], n_blocks=n_blocks) for i in range(n)
    ]
    if n_blocks is not None and api in FIELD_APIS:  # n_blocks means nothing to field APIs
        out = [trimmed(body, KEEP.get(api, 6)) for body in out]
    return out


def trimmed(node, keep: int = 6):
    """A field body with its first ``keep`` fields, first item list, first list of values,
    first three nested objects (2 fields each) and first two alarm flags per object, 2 elements
    per list (maps cut to match; polygons whole): mutating every key stays quick."""
    if isinstance(node, list) and node and all(isinstance(e, list) for e in node):
        return node  # a polygon
    if isinstance(node, list):
        return [trimmed(e, keep) for e in node[:2]]
    if not isinstance(node, dict):
        return node
    fields = [k for k in node if k not in ("confidence", "text_location")]
    lists = [k for k in fields if isinstance(node[k], list)]
    items = [k for k in lists if node[k] and isinstance(node[k][0], dict)]
    lists = items[:1] + [k for k in lists if k not in items][:1]  # an item list, a list value
    objects = [k for k in fields if isinstance(node[k], dict)][:3]
    flags = [k for k in fields if k.startswith("detect_")][:2]
    kept = [k for k in fields if k in fields[:keep] or k in lists + objects + flags]
    added = [k for k in objects if k not in fields[:keep]]
    out = {k: trimmed(node[k], 2 if k in added else keep) for k in kept}
    for name in ("confidence", "text_location"):
        if isinstance(node.get(name), dict):
            out[name] = {k: v for k, v in node[name].items() if k in kept}
        elif name in node:  # one value (a classified object's confidence)
            out[name] = node[name]
    return out


def write(tmp_path: Path, items: list[dict], pretty: bool = False) -> list[Path]:
    paths = []
    for i, body in enumerate(items):
        p = tmp_path / f"r{i:03d}.json"
        p.write_text(json.dumps(body, indent=2 if pretty else None, ensure_ascii=i % 2 == 0))
        paths.append(p)
    return paths


def assert_same_as_general(paths: list[Path]) -> None:
    batch = read_responses(paths)
    general = Batch(list(read_responses(paths)))  # in-memory: the general walk only
    fast, ref = batch.flatten(), general.flatten()
    assert fast.keys() == ref.keys()
    # document's optional columns too come in the order the walk first meets them
    for name in ref:
        pd.testing.assert_frame_equal(fast[name], ref[name], obj=name)
    for name in ref:  # one frame alone: readers skip what it does not need
        pd.testing.assert_frame_equal(batch.frame(name), general.frame(name), obj=name)


@pytest.mark.parametrize("api", TESTED)
def test_reader_takes_its_shape_and_matches_the_general_walk(tmp_path, api):
    paths = write(tmp_path, bodies(api, 6))
    taken = set(range(6)) - set(read_frames(read_responses(paths).entries, ["words"]).fallback)
    assert taken, f"the {api} reader took none of its own bodies"
    assert_same_as_general(paths)


ODD_VALUES = [None, "0.5", 1.5, -1, True, [], {}, [[1, 2]], "text", 10**30, {"x": 1}, 0.25]


def _objects(node, path="", out=None):
    """Every JSON object in ``node`` with its structural path (list indices left out)."""
    out = {} if out is None else out
    if isinstance(node, dict):
        out.setdefault(path, node)
        for k, v in node.items():
            _objects(v, f"{path}.{k}", out)
    elif isinstance(node, list):
        for v in node:
            _objects(v, f"{path}[]", out)
    return out


def mutations(body: dict) -> list[dict]:
    """Bodies with one change each: every key of every kind of object replaced by each odd
    value, dropped, and an unknown key added to every kind of object."""
    out = []
    for path, obj in _objects(body).items():
        for key in [*obj, "foo"]:
            for value in [*ODD_VALUES, "drop"]:
                if key == "foo" and value == "drop":
                    continue
                copy_ = copy.deepcopy(body)
                target = _objects(copy_)[path]
                if value == "drop":
                    del target[key]
                else:
                    target[key] = value
                out.append(copy_)
    return out


@pytest.mark.parametrize("api", TESTED)
def test_mutated_bodies_still_match_the_general_walk(tmp_path, api):
    """Each mutated body sits among clean ones of its shape in one batch."""
    clean = bodies(api, len(FLAGS.get(api, [{}])), n_blocks=3)
    items = []
    for body in clean:
        for changed in mutations(body):
            items += [changed, body]
    assert_same_as_general(write(tmp_path, items))


def test_files_saved_by_response_to_json_take_the_columnar_path(tmp_path):
    """Response.to_json ends a file with an ``_ocrframe`` member holding ``"page": null``:
    that null is not the body's, so it must not send the file the general way."""
    from ocrframe.response import Response

    paths = []
    for i, body in enumerate(bodies("general-table", 3)):
        p = tmp_path / f"s{i}.json"
        Response(body, source=f"s{i}").to_json(p)
        paths.append(p)
    assert b'"page": null' in paths[0].read_bytes()
    assert read_frames(read_responses(paths).entries, ["cells"]).fallback == []
    assert_same_as_general(paths)


def test_smart_document_shapes_match_the_general_walk(tmp_path):
    """Smart Document Recognizer's list shapes: forms before tables in an element (the walk's
    cell order is the body's key order, which Arrow does not keep), the reference example's
    one-kind elements (one page), several pages, characters; and bodies whose key order the
    bytes do not tell (the name as a word, an escaped key), which go the general way."""
    api = "smart-document-recognizer"
    flags = {**FLAGS[api][0], "character_mode": True}
    page = synthesize(api, seed=1, params=flags, n_blocks=4)["result"][0]
    forms_first = {"result": [dict(reversed(list(page.items())))]}
    one_kind_each = {"result": [{k: v} for k, v in reversed(list(page.items()))]}
    two_pages = {"result": [page, forms_first["result"][0]]}
    as_word = copy.deepcopy(forms_first)
    as_word["result"][0]["ocr_result"]["words_block_list"][0]["words"] = "table_result"
    # An escaped key beside the name as text after the forms: the counts agree, the order not,
    named_after = copy.deepcopy({"result": [page]})
    named_after["result"][0]["layout_result"]["layout_block_list"][0]["text"] = "table_result"
    # ... or beside the name as a key of the saved header's metadata.
    in_header = {"result": [page], "_ocrframe": {"meta": {"table_result": {"n": 1}}}}
    taken = [forms_first, one_kind_each, two_pages]
    paths = write(tmp_path, [*taken, as_word, named_after, in_header])
    for path, body in zip(paths[-2:], [named_after, in_header], strict=True):
        path.write_text(json.dumps(body).replace('"table_result"', '"table\\u005fresult"', 1))
    entries = read_responses(paths).entries
    assert read_frames(entries, ["cells"]).fallback == [3, 4, 5]
    # Frames that do not depend on that order take them all.
    assert read_frames(entries, ["chars", "document", "kv", "layout"]).fallback == []
    assert_same_as_general(paths)


def _with_direction(body: dict, api: str, value) -> dict:
    body = copy.deepcopy(body)
    sdr = api == "smart-document-recognizer"
    (body["result"][0]["ocr_result"] if sdr else body["result"])["direction"] = value
    return body


@pytest.mark.parametrize("api", ["general-text", "smart-document-recognizer"])
def test_integral_doubles_are_read_as_written(tmp_path, api):
    """A direction written ``-1.0`` (as the official SDK writes its floats), beside ``-1`` and
    fractions: Arrow reads them all as doubles, the general walk keeps ``-1`` an int; the
    bytes tell them apart, so the columnar reader keeps every file (it sent them all the
    general way, six times slower on a dataset of ``-1.0``) and its frames are the walk's."""
    clean = bodies(api, 4)
    values = [-1.0, -1, 0.5, 2.0, 0, 1e2]
    items = [_with_direction(clean[i % 4], api, v) for i, v in enumerate(values)]
    paths = write(tmp_path, items)
    assert b'"direction": -1.0' in paths[0].read_bytes()
    assert b'"direction": 100.0' in paths[5].read_bytes()
    assert read_frames(read_responses(paths).entries, ["document"]).fallback == []
    assert_same_as_general(paths)
    only_floats = write(tmp_path, [_with_direction(b, api, -1.0) for b in clean])
    assert read_frames(read_responses(only_floats).entries, ["document"]).fallback == []
    assert_same_as_general(only_floats)


def test_an_integral_double_under_an_escaped_key_goes_the_general_way(tmp_path):
    """The number is read after the key's name; a key written with escapes could be the one
    (Arrow reads ``"direc\\u0074ion"`` as ``direction``), so such a file is walked."""
    clean = bodies("general-text", 2)
    paths = write(tmp_path, [_with_direction(b, "general-text", -1.0) for b in clean])
    text = paths[1].read_bytes()
    paths[1].write_bytes(text.replace(b'"direction"', b'"direc\\u0074ion"'))
    assert read_frames(read_responses(paths).entries, ["document"]).fallback == [1]
    assert_same_as_general(paths)


def test_a_dataset_writing_its_integers_as_floats_is_parsed_once(tmp_path, monkeypatch):
    """The strict parse declares ``direction`` an int64; a dataset writing ``-1.0`` would fail
    it and be parsed again with inference. The first body tells how the dataset writes it."""
    from ocrframe.flatten.arrow import files

    parses, read = [], files._read

    def counted(part, schema, strict):
        parses.append(strict)
        return read(part, schema, strict)

    monkeypatch.setattr(files, "_read", counted)
    clean = bodies("general-text", 3)
    paths = write(tmp_path, [_with_direction(b, "general-text", -1.0) for b in clean])
    assert read_frames(read_responses(paths).entries, ["document"]).fallback == []
    assert parses == [True]


@pytest.mark.parametrize("api", ["general-text", "smart-document-recognizer", "id-card"])
def test_a_file_the_reader_refuses_costs_no_second_read_of_the_others(tmp_path, monkeypatch, api):
    """A reader makes each row of its own file's values: the rows of a file it refuses are
    dropped (the general walk reads that file) and the others stand, read once. A chunk of a
    real dataset often holds one odd file; it cost the whole chunk a second read."""
    reader = READERS[api]
    calls, read = [], reader.read

    def counted(*args, **kwargs):
        calls.append(1)
        return read(*args, **kwargs)

    monkeypatch.setattr(reader, "read", counted)
    items = bodies(api, 5)
    odd = copy.deepcopy(items[2])  # a polygon of three points: the walk keeps it in other
    triangle = [[1, 2], [3, 4], [5, 6]]
    if api == "id-card":
        odd["result"]["front"]["text_location"] = triangle
    elif api == "general-text":
        odd["result"]["words_block_list"][0]["location"] = triangle
    else:
        odd["result"][0]["ocr_result"]["words_block_list"][0]["location"] = triangle
    paths = write(tmp_path, [*items[:2], odd, *items[3:]])
    assert read_frames(read_responses(paths).entries, ["words", "fields"]).fallback == [2]
    assert calls == [1]
    monkeypatch.setattr(reader, "read", read)
    assert_same_as_general(paths)


def test_a_direction_of_thousands_of_digits_is_read_like_the_walk_reads_it(tmp_path):
    """Python refuses to read an integer of over 4,300 digits: the first file's direction
    (which sets the strict parse's types) may be one, and must not stop the read."""
    clean = bodies("general-text", 3)
    paths = write(tmp_path, [_with_direction(b, "general-text", -1) for b in clean])
    text = paths[0].read_bytes().replace(b'"direction": -1', b'"direction": ' + b"9" * 5000)
    paths[0].write_bytes(text)
    assert_same_as_general(paths)


@pytest.mark.filterwarnings("ignore:skipping .*AIS.0103:RuntimeWarning")  # the error body
def test_plate_lists_the_walk_reads_otherwise_go_the_general_way(tmp_path):
    plate = synthesize("thailand-license-plate", seed=1)
    item = plate["result"][0]
    odd = [
        {"result": [item, {"province": "x", "confidence": 0.5}]},  # no plate key: fields
        {"result": [{"plate_location": item["plate_location"]}]},  # a plate, but no marker
        {"result": {"plate_number": "1กข 1"}},  # an object: fields, not plates
        {"result": [item], "error_code": "AIS.0103", "error_msg": "bad image"},
        {"result": [{**item, "confidence": 1.5}]},  # out of range: other
        {"result": []},  # no marker: the field reader's, which gives no row, as the walk
    ]
    items = [x for body in odd for x in (body, plate)]
    paths = write(tmp_path, items)
    assert_same_as_general(paths)
    fallback = read_frames(read_responses(paths).entries, ["plates", "other"]).fallback
    # every odd body but the empty list goes the general way (no plate text: no marker; the
    # rest refused, the confidence out of range as other is asked for); the clean ones
    # between are read
    assert sorted(fallback) == [0, 2, 4, 6, 8]


def test_seals_are_read_column_wise_and_the_odd_ones_go_the_general_way(tmp_path):
    """Seals' blocks (``words_confidence``, or ``confidence``, with or without a polygon) and
    their payloads are read; a seal without a location (its members are plain fields to the
    walk), a block with both confidences, a seal's confidence out of range, and a body with
    another key go the general way. Seals went the general way whole before."""
    seal = synthesize("seal", seed=1)
    first = seal["result"]["seal_list"][0]
    box = first["location"]
    blocks = [{"words": "a", "confidence": 0.5, "location": box}, {"words": "b"}]
    read = [
        {"result": {**seal["result"], "erased_seal_image": "aGk="}},
        {"result": {"seal_list": [{**first, "words_block_list": blocks}]}},
        {"result": {"seal_list": []}},
    ]
    odd = [
        {"result": {"seal_list": [{k: v for k, v in first.items() if k != "location"}]}},
        {
            "result": {
                "seal_list": [
                    {
                        **first,
                        "words_block_list": [
                            {"words": "c", "words_confidence": 0.5, "confidence": 0.4}
                        ],
                    }
                ]
            }
        },  # fmt: skip
        {"result": {"seal_list": [{**first, "confidence": 1.5}]}},
        {"result": {**seal["result"], "seal_count": 1}},
    ]
    paths = write(tmp_path, [*read, *odd])
    fast = read_frames(read_responses(paths).entries, ["words", "fields", "other"])
    assert fast.fallback == [3, 4, 5, 6]
    assert {fast.apis[i] for i in range(3)} == {"seal"}
    assert_same_as_general(paths)
    words = read_responses(paths[:2]).words()
    assert words["confidence"].notna().sum() == len(words) - 1  # block "b" gave none


def test_bank_receipts_pairs_are_read_column_wise_numbered_across_receipts(tmp_path):
    """Key-value pair lists inside a list of receipts: ``kv`` rows numbered per file over all
    receipts, each with its receipt as ``group``; pairs with a box or a count, a value that is
    no string, or a confidence out of range go the general way. Bank receipts went the
    general way whole before (the field reader refused any list of pairs)."""
    from ocrframe.response import Response

    box = [[1, 1], [9, 1], [9, 5], [1, 5]]

    def receipt(*pairs: dict) -> dict:
        return {"kv_pair_count": len(pairs), "bank_receipt_location": box,
                "kv_pair_list": list(pairs)}  # fmt: skip

    def body(*receipts: dict, **extra) -> dict:
        return {"result": {"bank_receipt_count": len(receipts),
                           "bank_receipt_list": list(receipts), **extra}}  # fmt: skip

    pair = {"key": "Payer", "value": "ACME"}
    read = [
        body(
            receipt(pair, {"key": "Sum", "value": "9", "confidence": 0.5}),
            receipt({"value": "x", "key": "Date"}),
        ),  # fmt: skip
        body(receipt(pair), kv_pair_list=[{"key": "top", "value": "level"}]),
        body(receipt()),
    ]
    odd = [
        body(receipt({**pair, "key_location": box})),
        body(receipt({**pair, "words_block_count": 0})),
        body(receipt({"key": "n", "value": 5})),
        body(receipt({**pair, "confidence": 2})),
    ]
    paths = write(tmp_path, [*read, *odd])
    named = tmp_path / "named.json"
    Response(read[0], api="bank-receipt", source="named.png").to_json(named)
    paths.append(named)
    fast = read_frames(read_responses(paths).entries, ["kv", "fields", "other"])
    assert fast.fallback == [3, 4, 5, 6]
    # a list of pairs in result itself: no API's response model has it, detection names none
    assert [fast.apis[i] for i in (0, 1, 2, 7)] == ["bank-receipt", None, *["bank-receipt"] * 2]
    assert_same_as_general(paths)
    kv = read_responses(paths[:1]).kv()
    assert kv["pair"].tolist() == [0, 1, 2]
    assert kv["group"].tolist() == ["bank_receipt_list[0]"] * 2 + ["bank_receipt_list[1]"]


def test_text_blocks_beside_fields_are_read_column_wise_as_the_walk_reads_a_container(tmp_path):
    """Health codes and PCR test records hold text blocks beside their fields: a scalar the
    confidence map names is a field, one it does not name a document key, a list of scalars
    a field only with a map; files saved without their API (they hold General Text's marker)
    and with it are read. A null no map names, a block holding characters, a list of
    objects beside the blocks go the general way. They went the general way whole before."""
    from ocrframe.response import Response

    health = synthesize("health-code", seed=3, n_blocks=2)
    pcr = synthesize("pcr-test-record", seed=4, n_blocks=2)
    unnamed_key = copy.deepcopy(health)  # in no map: a document key (saved with its API:
    unnamed_key["result"]["batch_size"] = 7  # without, detection names it General Text's)
    text_key = copy.deepcopy(health)  # a field no longer: a document key, of text (read
    del text_key["result"]["confidence"]["city"]  # too; the batch types it over all files)
    no_map = copy.deepcopy(health)
    del no_map["result"]["confidence"]  # every scalar a document key; the list goes to other
    odd_null = copy.deepcopy(pcr)
    odd_null["result"]["batch_label"] = None
    chars = copy.deepcopy(pcr)
    chars["result"]["words_block_list"][0]["char_list"] = [{"char": "a"}]
    objects = copy.deepcopy(health)
    objects["result"]["visits"] = [{"city": "x"}]
    paths = write(tmp_path, [health, pcr, text_key, no_map, odd_null, chars, objects])
    for name, body, api in [("named", pcr, "pcr-test-record"), ("keyed", unnamed_key, None)]:
        Response(body, api=api or "health-code", source=name).to_json(tmp_path / name)
        paths.append(tmp_path / name)
    every = ["words", "fields", "document", "other"]
    fast = read_frames(read_responses(paths).entries, every)
    assert fast.fallback == [3, 4, 5, 6]
    assert [fast.apis[i] for i in (0, 1, 7, 8)] == [
        "health-code", "pcr-test-record", "pcr-test-record", "health-code"]  # fmt: skip
    assert_same_as_general(paths)
    frames = read_responses(paths).flatten()
    assert {"batch_size", "city", "words_block_count"} <= set(frames["document"])
    assert "vaccination_status" in set(frames["fields"]["field"])


def test_maps_a_parent_gives_its_nested_objects_are_read_column_wise(tmp_path):
    """A confidence map's entry for a key holding an object is that object's map, and for a
    list of objects a list of as many maps; anything else there (the exit-entry permit's text
    per endorsement, a list of another length) is an ``other`` row at the map's path. These
    files went the general way before. An entry of a given map naming no field, a map given
    to an object holding one of its own, a null among the maps go the general way."""
    permit = synthesize("exit-entry-permit", seed=3)
    given = {"result": {
        "name": "ANNA", "front": {"number": "X1", "side": {"code": "7"}},
        "items": [{"what": "tea", "qty": 2}, {"what": "cake", "qty": 1}],
        "confidence": {"name": 0.9, "front": {"number": 0.8, "side": {"code": 0.7}},
                       "items": [{"what": 0.6, "qty": 0.5}, {"what": 0.4}]},
        "text_location": {"front": {"number": [[0, 0], [9, 0], [9, 9], [0, 9]]}},
    }}  # fmt: skip
    shorter = copy.deepcopy(given)  # a list of maps of another length: other
    shorter["result"]["confidence"]["items"] = [0.25, 0.75]
    ghost = copy.deepcopy(given)  # an entry of a given map for no field
    ghost["result"]["confidence"]["front"]["ghost"] = 0.5
    both = copy.deepcopy(given)  # a given map and an own one
    both["result"]["front"]["confidence"] = {"number": 0.3}
    null = copy.deepcopy(given)
    null["result"]["confidence"]["items"] = [None, {"what": 0.4}]
    integral = copy.deepcopy(permit)  # 1 or 1.0? only the bytes tell
    integral["result"]["confidence"]["endorsement_info_hk"] = 1.0
    paths = write(tmp_path, [permit, given, shorter, ghost, both, null, integral])
    fast = read_frames(read_responses(paths).entries, ["fields", "other"])
    assert fast.fallback == [3, 4, 5, 6]
    assert_same_as_general(paths)
    frames = {k: f.assign(source=[Path(s).name for s in f["source"]])
              for k, f in read_responses(paths).flatten().items()}  # fmt: skip
    rows = frames["fields"].set_index(["source", "group", "field"])["confidence"]
    assert rows[("r001.json", "front.side", "code")] == 0.7
    assert rows[("r001.json", "items[0]", "qty")] == 0.5
    other = frames["other"].set_index(["source", "path"])["value"]
    assert other[("r000.json", "result.confidence.endorsement_info_hk")] == "Amount"
    assert other[("r002.json", "result.confidence.items")] == "[0.25, 0.75]"


def test_plates_of_both_apis_are_read_column_wise_and_named_as_detection_names_them(tmp_path):
    """Thailand and Chinese (License Plate) plates share a shape; a colour on the first
    plate tells a body saved without its API as License Plate's. Each reader takes its own
    and names them so; a body a saved header names otherwise goes the general way (the header
    wins there), as does a colour on a later plate only (the first plate tells the API)."""
    from ocrframe.response import Response

    thai = synthesize("thailand-license-plate", seed=1)
    chinese = synthesize("license-plate", seed=2)
    assert "plate_color" in chinese["result"][0]
    later = copy.deepcopy(thai)
    later["result"].append({**chinese["result"][0]})
    paths = write(tmp_path, [thai, chinese, thai, chinese, later])
    named = tmp_path / "named.json"  # Chinese plates saved as Thailand's by its header
    Response(chinese, source="named", api="thailand-license-plate").to_json(named)
    paths.append(named)
    fast = read_frames(read_responses(paths).entries, ["plates"])
    assert fast.fallback == [4, 5]
    assert [fast.apis[i] for i in range(4)] == ["thailand-license-plate", "license-plate"] * 2
    assert_same_as_general(paths)
    plates = read_responses(paths).plates()
    assert plates.loc[plates["api"] == "license-plate", "color"].notna().all()
    assert plates.loc[plates["api"] == "thailand-license-plate", "province"].notna().any()


def test_handwriting_blocks_keep_their_type_in_other_on_the_columnar_path(tmp_path):
    """Handwriting's blocks hold a ``type`` no frame column holds: the walk keeps it in
    ``other``. Such bodies, named Handwriting's or saved without their API (detected as
    General Text's), are read column-wise with those rows; a type that is no text goes the
    general way."""
    from ocrframe.response import Response

    items = [synthesize("handwriting", seed=i) for i in range(4)]
    assert all("type" in block for block in items[0]["result"]["words_block_list"])
    odd = copy.deepcopy(items[1])
    odd["result"]["words_block_list"][-1]["type"] = 7
    paths = write(tmp_path, [items[0], odd, items[1]])
    for i, body in enumerate(items[2:]):
        paths.append(tmp_path / f"named{i}.json")
        Response(body, source=f"named{i}", api="handwriting").to_json(paths[-1])
    fast = read_frames(read_responses(paths).entries, ["words", "other"])
    assert fast.fallback == [1]
    assert [fast.apis[i] for i in (0, 2, 3, 4)] == ["general-text"] * 2 + ["handwriting"] * 2
    assert_same_as_general(paths)
    other = read_responses(paths).other()
    assert other["path"].str.fullmatch(r"result\.words_block_list\[\d+\]\.type").all()
    assert len(other) == sum(len(b["result"]["words_block_list"]) for b in [*items, odd])
    # A first body without types parses the dataset without them; one holding a type then
    # fails that parse, and the second (types inferred) reads it: as text, or the general way.
    plain, flag = bodies("general-text", 1)[0], copy.deepcopy(items[3])
    flag["result"]["words_block_list"][0]["type"] = True
    (tmp_path / "mixed").mkdir()
    mixed = write(tmp_path / "mixed", [plain, items[0], flag])
    assert read_frames(read_responses(mixed).entries, ["other"]).fallback == [2]
    assert_same_as_general(mixed)
    for block in flag["result"]["words_block_list"]:  # every type a flag: read as booleans
        block["type"] = False
    flags = write(tmp_path / "mixed", [plain, flag])
    assert read_frames(read_responses(flags).entries, ["other"]).fallback == [1]
    assert_same_as_general(flags)


def test_custom_templates_keep_each_blocks_members_in_its_order_on_the_columnar_path(tmp_path):
    """A custom template's blocks hold a ``key`` and a ``value`` (and may hold a ``type`` or
    any other text) that no frame column holds: the walk keeps them in ``other`` in the
    order each block writes them, and the template's id and name as ``document`` text. Such
    bodies, named Custom Template's or saved without their API, are read column-wise, the
    order of each block's members from the text. They went the general way whole before."""
    from ocrframe.response import Response

    items = [synthesize("custom-template", seed=i, n_blocks=3) for i in range(4)]
    turned = copy.deepcopy(items[2])  # value before key, a type between, another member
    blocks = turned["result"]["words_block_list"]
    blocks[0] = dict(reversed(list(blocks[0].items())))
    blocks[1] = {"key": "k", "type": "print", "note": "n", **blocks[1]}
    number = copy.deepcopy(items[3])  # a member that is no text: the general way
    number["result"]["words_block_list"][0]["score"] = 0.5
    as_int = copy.deepcopy(items[1])  # an id written as a number in one file
    as_int["result"]["template_id"] = 12
    paths = write(tmp_path, [items[0], turned, number, as_int, items[3]])
    for i, body in enumerate(items[:2]):
        paths.append(tmp_path / f"named{i}.json")
        Response(body, source=f"named{i}", api="custom-template").to_json(paths[-1])
    every = ["words", "document", "other"]
    fast = read_frames(read_responses(paths).entries, every)
    assert fast.fallback == [2]
    assert [fast.apis[i] for i in (0, 1, 5, 6)] == ["general-text"] * 2 + ["custom-template"] * 2
    assert_same_as_general(paths)
    other = read_responses(paths).other()
    mine = other.loc[other["source"] == str(paths[1]), "path"].str.rsplit(".", n=1).str[-1]
    assert mine.tolist()[:8] == ["value", "key", "key", "type", "note", "value", "key", "value"]
    # A first body holding no two members: the bytes are not kept, and a body whose blocks
    # hold two goes the general way (the order is in its text alone).
    (tmp_path / "late").mkdir()
    late = write(tmp_path / "late", [synthesize("handwriting", seed=1), items[0]])
    assert read_frames(read_responses(late).entries, every).fallback == [1]
    assert_same_as_general(late)


def test_field_datasets_saved_without_their_api_teach_the_next_one_nothing(tmp_path):
    """Bodies saved without their API may be of any field API: a list of household records
    (dates inside each element), then object bodies and other lists. What the parse learnt of
    one dataset's dates must not contradict the next one's shape, or every file of that one
    went the general way."""
    order = ["household-register", "vat-invoice", "auto-classification", "household-register"]
    for k, api in enumerate(order):
        folder = tmp_path / f"{k}-{api}"
        folder.mkdir()
        paths = write(folder, [synthesize(api, seed=i) for i in range(4)])
        assert read_frames(read_responses(paths).entries, ["fields"]).fallback == [], api
        assert_same_as_general(paths)


def test_alarms_in_the_elements_of_a_list_result_match_the_walk(tmp_path):
    """Flags, scores and score objects may sit in any element of a list ``result``: the
    alarms frame (and the fields) read column-wise are the walk's."""
    items = []
    for i in range(3):
        body = synthesize("auto-classification", seed=i)
        body["result"][0] |= {"detect_blur_result": i % 2 == 0, "blur_score": 80 + i}
        body["result"][-1]["score_info"] = {"blur_score": 10, "copy_score": i}
        items.append(body)
    paths = write(tmp_path, items)
    assert read_frames(read_responses(paths).entries, ["fields", "alarms"]).fallback == []
    assert_same_as_general(paths)
    assert len(read_responses(paths).alarms()) == 6


def test_web_image_fonts_of_uneven_lists_and_extraction_results_match_the_walk(tmp_path):
    body = synthesize("web-image", seed=2, params={"detect_font": True})
    blocks = body["result"]["words_block_list"]

    def changed(**over) -> dict:
        out = copy.deepcopy(body)
        out["result"]["words_block_list"][1].update(over)
        return out

    odd = [
        changed(font_list=["Arial", "SimSun", "KaiTi"], font_scores=[0.9]),  # more fonts
        changed(font_list=["Arial"], font_scores=[0.9, 0.5, 0.2]),  # more scores
        changed(font_list=[], font_scores=[]),
        {"result": {**body["result"], "words_block_list": [
            {k: v for k, v in b.items() if k != "font_list"} for b in blocks]}},  # scores alone
        {"result": {**body["result"], "extracted_data": {"image_size": {"width": 9}}}},
    ]  # fmt: skip
    paths = write(tmp_path, [x for b in odd for x in (b, body)])
    beyond = json.dumps(changed(font_scores=[0.5, math.inf])).replace("Infinity", "1e400")
    (tmp_path / "r999.json").write_text(beyond)
    paths.append(tmp_path / "r999.json")  # a score beyond float range: other
    assert_same_as_general(paths)
    fallback = read_frames(read_responses(paths).entries, ["fonts", "other"]).fallback
    assert sorted(fallback) == [8, 10]  # the extraction result; the score beyond range


def test_a_marker_written_as_text_does_not_name_the_api(tmp_path):
    # A General Text block reading "extracted_data" holds Web Image's marker, not its key:
    # the general walk detects General Text, and so must the api column.
    text = synthesize("general-text", seed=1)
    text["result"]["words_block_list"][0]["words"] = "extracted_data"
    paths = write(tmp_path, [text, synthesize("web-image", seed=1, params={"detect_font": True})])
    assert_same_as_general(paths)
    assert read_responses(paths).words()["api"].unique().tolist() == ["general-text", "web-image"]


def test_a_body_another_apis_model_explains_is_named_as_the_walk_names_it(tmp_path):
    """General Text's reader took a body holding Health Code's keys with numbers (scalars it
    makes document columns) and named it General Text, where reading it whole names it Health
    Code (the one model declaring all its keys)."""
    blocks = [{"words": "Hi", "confidence": 0.9, "location": [[0, 0], [1, 0], [1, 1], [0, 1]]}]
    body = {"result": {"words_block_count": 1, "words_block_list": blocks,
                       "test_interval": 3, "time": 5, "city": 7}}  # fmt: skip
    for i in range(2):
        (tmp_path / f"{i}.json").write_text(json.dumps(body))
    files = read_responses(tmp_path)
    assert files.words()["api"].tolist() == ["health-code", "health-code"]
    pd.testing.assert_frame_equal(files.words(), Batch(list(files)).words())


@pytest.mark.parametrize("api", ["general-text", "general-table", "smart-document-recognizer",
                                 "web-image", "vat-invoice", "id-card"])  # fmt: skip
def test_document_columns_take_each_files_key_order_without_parsing_it_again(
    tmp_path, monkeypatch, api
):
    """Files that each first hold document keys, each written in an order of its own (and
    one with a document key also written deeper, and one with a key written twice): the
    columns come in the walk's order. Where the keys are ``result``'s own, written once, their
    order is read from the key scan; the whole body was parsed and walked again (a folder of
    six APIs spent 4.7 of its 77 ms ordering its document columns, 2.9 now)."""
    from ocrframe.flatten.arrow import document

    items = []
    for i, body in enumerate(bodies(api, 6)):
        result = body["result"]
        if isinstance(result, dict):
            extra = {f"k{j}": j for j in range(i % 3 + 2)}  # keys no earlier file held
            keys = list(result) + list(extra)
            order = keys[i:] + keys[:i]  # each file its own order
            body["result"] = {k: {**result, **extra}[k] for k in order}
            if i == 4:  # a document key written deeper too: the walk tells the order
                first = next(iter(extra))
                body["result"]["nested"] = {first: 1}
        items.append(body)
    paths = write(tmp_path, items)
    walked = []
    parse_json = document.parse_json
    monkeypatch.setattr(document, "parse_json", lambda b: walked.append(1) or parse_json(b))
    assert_same_as_general(paths)
    # SDR's result is a list, General Table's region columns are named by their path: the walk
    # tells those orders.
    if api not in ("smart-document-recognizer", "general-table"):
        monkeypatch.setattr(document, "parse_json", lambda b: walked.append(1) or parse_json(b))
        walked.clear()
        read_responses(paths[:4]).flatten()
        assert walked == [], "a body was parsed again for its document keys' order"
