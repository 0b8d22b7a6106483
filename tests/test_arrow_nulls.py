"""Field-API bodies holding ``null``: the field reader takes a file when it reads each null
its text writes as the general walk does (a field with no value), and sends every other file
the general way; the frames are the walk's either way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_arrow_readers import _objects, assert_same_as_general, write

from ocrframe.catalog import signature_keys
from ocrframe.datasets.batch import read_responses
from ocrframe.detection import PLATE_KEYS
from ocrframe.flatten._extract import ALARM_KEYS, CONTAINER_KEYS
from ocrframe.flatten.arrow import read_frames
from ocrframe.flatten.arrow.files import written_nulls
from ocrframe.response import BASE64_FIELDS, Response
from ocrframe.synth import synthesize
from ocrframe.vendors.detect import SERVING_KEYS


def vat(n: int = 4) -> list[dict]:
    return [synthesize("vat-invoice", seed=i) for i in range(n)]


def fallback(paths: list[Path]) -> list[int]:
    return read_frames(read_responses(paths).entries, ["fields"]).fallback


def with_null(change) -> list[dict]:
    """Clean VAT invoices, the second changed by ``change(result)``."""
    items = vat()
    change(items[1]["result"])
    return items


def first_item(result: dict) -> dict:
    return result["item_list"][0]


# Nulls the reader reads: a field's value (top level, in an item, in a nested object), an
# element of a list of values, a field's confidence; with or without the other.
READ = {
    "field": lambda r: r.update(remarks=None),
    "field with its confidence": lambda r: (
        r.update(remarks=None),
        r["confidence"].update(remarks=0.5),
    ),  # fmt: skip
    "item field": lambda r: first_item(r).update(name=None),
    "list element": lambda r: r.update(tags=["a", None, "b"]),
    "every field of an item": lambda r: first_item(r).update(dict.fromkeys(first_item(r))),
    "confidence map entry": lambda r: r["confidence"].update(remarks=None),
    "field and its confidence": lambda r: (
        r.update(remarks=None),
        r["confidence"].update(remarks=None),
    ),
}
# Nulls it leaves to the walk: where the walk reads null otherwise, or the reader cannot see
# the key (a name written with an escape).
LEFT = {
    "confidence map entry for no field": lambda r: r["confidence"].update(no_such=None),
    "list element that is no object": lambda r: r["item_list"].insert(0, None),
    "error_code": lambda r: r.update(error_code=None),
    "a container key": lambda r: r.update(words_block_list=None),
    "confidence": lambda r: r.update(confidence=None),
    "escaped key": lambda r: r.update({"rem\\u0061rks": None}),
}


@pytest.mark.parametrize("name", list(READ))
def test_nulls_the_walk_reads_as_empty_fields_are_read_column_wise(tmp_path, name):
    paths = write(tmp_path, with_null(READ[name]))
    assert written_nulls([p.read_bytes() for p in paths]).tolist()[1] > 0
    assert fallback(paths) == []
    assert_same_as_general(paths)


@pytest.mark.filterwarnings("ignore:skipping .*:RuntimeWarning")  # the error body
@pytest.mark.parametrize("name", list(LEFT))
def test_nulls_the_reader_does_not_read_send_their_file_the_general_way(tmp_path, name):
    paths = write(tmp_path, with_null(LEFT[name]))
    if name == "escaped key":  # json.dumps would escape the backslash: write it as meant
        text = paths[1].read_text().replace('"rem\\\\u0061rks"', '"rem\\u0061rks"')
        paths[1].write_text(text)
        assert json.loads(text)["result"]["remarks"] is None
    assert fallback(paths) == [1]
    assert_same_as_general(paths)


@pytest.mark.parametrize("flags", [{}, {"return_portrait_location": True}])
def test_documented_nulls_of_a_card_are_read_column_wise(tmp_path, flags):
    """Peru's ID card writes ``portrait_image`` and ``portrait_location`` null unless asked
    for (as the API reference says: "a null value is returned")."""
    bodies = [synthesize("peru-id-card", seed=i, params=flags) for i in range(4)]
    assert bodies[0]["result"]["portrait_image"] is None
    paths = write(tmp_path, bodies)
    assert fallback(paths) == []
    assert_same_as_general(paths)


def test_a_null_location_in_a_cards_location_map_is_read_column_wise(tmp_path):
    flags = {"return_text_location": True}
    bodies = [synthesize("thailand-id-card", seed=i, params=flags) for i in range(4)]
    locations = bodies[1]["result"]["text_location"]
    locations[next(iter(locations))] = None
    paths = write(tmp_path, bodies)
    assert fallback(paths) == []
    assert_same_as_general(paths)


def test_a_plate_key_written_null_in_an_element_of_a_list_goes_the_general_way(tmp_path):
    """The walk reads an element of a list ``result`` holding a plate key as a plate, null
    or not: the field reader reads no such element."""
    paths = []
    for i in range(3):
        body = synthesize("household-register", seed=i)
        if i == 1:
            body["result"][-1]["plate_number"] = None
        Response(body, api="household-register").to_json(tmp_path / f"s{i}.json")
        paths.append(tmp_path / f"s{i}.json")
    assert fallback(paths) == [1]
    assert_same_as_general(paths)


@pytest.mark.parametrize("named", [False, True])
def test_a_null_in_an_element_of_a_list_result_is_read_column_wise(tmp_path, named):
    """Household register: each element's ``content`` holds its fields; a null among them is
    read, whether the files name their API or detection tells it from the first element."""
    bodies = [synthesize("household-register", seed=i) for i in range(4)]
    for body in bodies[1:3]:
        body["result"][0]["content"]["former_name"] = None
    paths = []
    for i, body in enumerate(bodies):
        paths.append(tmp_path / f"r{i}.json")
        if named:
            Response(body, api="household-register").to_json(paths[-1])
        else:
            paths[-1].write_text(json.dumps(body))
    assert fallback(paths) == []
    assert_same_as_general(paths)


def test_a_key_written_null_names_the_api_as_the_walk_names_it(tmp_path):
    """Saved without their API, bodies are named from the keys they write, null or not:
    invoice verification's ``state`` tells it from a VAT invoice."""
    bodies = [synthesize("invoice-verification", seed=i) for i in range(3)]
    assert all("state" in body["result"] for body in bodies)
    bodies[1]["result"]["state"] = None
    paths = write(tmp_path, bodies)
    assert fallback(paths) == []
    assert_same_as_general(paths)
    assert set(read_responses(paths).flatten()["fields"]["api"]) == {"invoice-verification"}


def test_nulls_in_strings_and_in_the_saved_header_are_not_the_bodys(tmp_path):
    items = vat(3)
    items[0]["result"]["remarks"] = "null and void"
    paths = []
    for i, body in enumerate(items):
        Response(body, source=f"s{i}").to_json(tmp_path / f"s{i}.json")  # "page": null
        paths.append(tmp_path / f"s{i}.json")
    assert b'"page": null' in paths[0].read_bytes()
    assert written_nulls([p.read_bytes() for p in paths]).tolist() == [0, 0, 0]
    assert fallback(paths) == []
    assert_same_as_general(paths)


def _special_names() -> list[str]:
    """Every key name the walk or detection reads by its presence or treats apart."""
    return sorted({*signature_keys(), *CONTAINER_KEYS, *ALARM_KEYS, *PLATE_KEYS, *BASE64_FIELDS,
                   *SERVING_KEYS, "type", "location", "confidence", "text_location",
                   "error_code", "error_msg", "seal_list", "detect_copy_result",
                   "copy_score"})  # fmt: skip


@pytest.mark.filterwarnings("ignore:skipping .*:RuntimeWarning")  # error bodies
@pytest.mark.parametrize("api", ["vat-invoice", "id-card", "household-register",
                                 "auto-classification", "thailand-id-card"])  # fmt: skip
@pytest.mark.parametrize("named", [False, True])
def test_a_null_under_any_name_the_walk_knows_gives_the_walks_frames(tmp_path, api, named):
    """A key written null, added under each name the walk or detection treats apart, in
    every kind of object of the body (saved with its API or without): the frames stay the
    walk's, whichever way each file goes."""
    clean = synthesize(api, seed=1, params={"return_text_location": True})
    items = []
    for path in _objects(clean):
        for name in _special_names():
            changed = json.loads(json.dumps(clean))
            target = _objects(changed)[path]
            if name not in target:
                target[name] = None
                items += [changed, clean]
    paths = []
    for i, body in enumerate(items):
        paths.append(tmp_path / f"r{i:04d}.json")
        if named:
            Response(body, api=api).to_json(paths[-1])
        else:
            paths[-1].write_text(json.dumps(body))
    assert_same_as_general(paths)
