"""read_response, Response, error bodies and error classification."""

from __future__ import annotations

import json
import pickle

import pytest

import ocrframe
from ocrframe.errors import (
    ApiError,
    AuthError,
    BadRequestError,
    ServerError,
    ThrottlingError,
    classify_error,
)
from ocrframe.synth import synthesize

BODY = {
    "result": {
        "direction": -1,
        "words_block_list": [
            {"words": "Hello", "confidence": 0.99, "location": [[0, 0], [10, 0], [10, 5], [0, 5]]}
        ],
    }
}


class FakeSdkResponse:
    """Shaped like huaweicloudsdkocr's RecognizeGeneralTextResponse."""

    def __init__(self, body):
        self._body = body
        self.status_code = 200

    def to_dict(self):
        return {**self._body, "error_code": None}


@pytest.mark.parametrize(
    "make",
    [
        lambda p: BODY,
        lambda p: json.dumps(BODY),
        lambda p: json.dumps(BODY).encode(),
        lambda p: p,
        lambda p: str(p),
        lambda p: FakeSdkResponse(BODY),
        lambda p: ocrframe.Response(BODY),
    ],
)
def test_read_response_accepts_every_input_kind(tmp_path, make):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(BODY))
    resp = ocrframe.read_response(make(path))
    assert resp.api == "general-text"
    assert resp.raw["result"] == BODY["result"]
    assert ocrframe.words(make(path))["text"].tolist() == ["Hello"]


def test_source_is_the_path_and_round_trips_through_to_json(tmp_path):
    path = tmp_path / "saved.json"
    resp = ocrframe.Response(
        BODY, api="general_text", source="scan-1.png", page=2, request_id="abc"
    )
    resp.to_json(path)
    back = ocrframe.read_response(path)
    assert (back.api, back.source, back.page, back.request_id) == (
        "general-text",
        "scan-1.png",
        2,
        "abc",
    )
    assert back.raw == BODY
    assert ocrframe.words(back)["page"].tolist() == [2]
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(BODY))
    assert ocrframe.read_response(plain).source == str(plain)


def test_missing_file_and_unsupported_objects_are_clear_errors(tmp_path):
    with pytest.raises(ocrframe.ResponseFormatError, match="no response file"):
        ocrframe.read_response(tmp_path / "nope.json")
    with pytest.raises(ocrframe.ResponseFormatError, match="cannot read a response from int"):
        ocrframe.read_response(42)


@pytest.mark.parametrize(
    "body",
    [
        {"error_code": "AIS.0103", "error_msg": "The image size does not meet the requirements."},
        {
            "result": {
                "error_code": "AIS.0103",
                "error_msg": "The image size does not meet the requirements.",
            }
        },
    ],
)
def test_error_bodies_raise_api_error_with_code(body):
    with pytest.raises(BadRequestError, match="AIS.0103") as info:
        ocrframe.read_response(body, api="general-table")
    err = info.value
    assert err.code == "AIS.0103" and err.api == "general-table" and not err.retryable
    assert ocrframe.read_response(body, raise_errors=False).raw == body


@pytest.mark.parametrize(
    "code,status,klass,retryable",
    [
        ("ModelArts.4401", 429, ThrottlingError, True),
        ("APIG.0308", 429, ThrottlingError, True),
        ("ModelArts.4204", 403, AuthError, False),
        ("APIG.0301", 401, AuthError, False),
        ("APIGW.0101", 401, AuthError, False),
        ("AIS.0105", 500, ServerError, True),
        ("AIS.0101", 400, BadRequestError, False),
        (None, 503, ServerError, True),
        (None, 429, ThrottlingError, True),
        ("Weird.9999", None, ApiError, False),
    ],
)
def test_error_classification(code, status, klass, retryable):
    err = ApiError.from_body(
        {"error_code": code, "error_msg": "m"}, status=status, request_id="rid-1"
    )
    assert type(err) is klass
    assert err.retryable is retryable
    assert "rid-1" in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is klass and again.code == code and again.request_id == "rid-1"


def test_classify_error_falls_back_to_status():
    assert classify_error(None, 401) == "auth"
    assert classify_error(None, 400) == "bad_input"
    assert classify_error(None, None) == "other"


@pytest.mark.parametrize(
    "api",
    [
        "passport",
        "thailand-id-card",
        "cambodian-idcard",
        "peru-id-card",
        "myanmar-id-card",
        "myanmar-driver-license",
        "colombia-id-card",
        "vietnam-id-card",
        "chile-id-card",
        "id-document",
        "auto-id-doc-classification",
        "general-table",
        "web-image",
        "general-text",
        "smart-document-recognizer",
        "thailand-license-plate",
    ],
)
def test_api_is_detected_from_the_body(api):
    from ocrframe.catalog import APIS

    spec = APIS[api]
    params = {p.name: True for p in spec.params if p.type == "boolean"}
    if api == "web-image":
        params["extract_type"] = ["image_size"]
    assert ocrframe.read_response(synthesize(api, seed=4, params=params)).api == api


@pytest.mark.parametrize(
    ("blocks", "api"),
    [
        ([{"words": "a"}] * 3 + [{"words": "b", "font_scores": [0.9]}], "web-image"),
        (["odd", {"words": "b", "font_list": ["Arial"]}], "web-image"),
        ([{"words": "a"}, "font_list", ["font_scores"]], "general-text"),  # not block members
        ([{"words": "a"}, {"words": "b"}], "general-text"),
    ],
)
def test_fonts_in_any_block_tell_web_image_from_general_text(blocks, api):
    from ocrframe.detection import detect_api

    assert detect_api({"result": {"words_block_list": blocks}}) == api


def test_payloads_are_kept_out_of_frames_but_retrievable():
    body = {"result": {"words_region_list": [], "excel": "UEsDBBQ="}}
    resp = ocrframe.read_response(body)
    assert resp.payloads() == {"result.excel": "UEsDBBQ="}
    frames = ocrframe.flatten(resp)
    assert all("UEsDBBQ=" not in f.to_string() for f in frames.values())


def test_unknown_api_name_is_an_input_error():
    with pytest.raises(ocrframe.InputError, match="unknown OCR API"):
        ocrframe.Response(BODY, api="general-txt")


def test_json_saved_in_latin_1_says_so_and_how_to_convert_it(tmp_path):
    path = tmp_path / "r.json"
    text = '{"result": {"words_block_list": [{"words": "caf\u00e9 cr\u00e8me"}]}}'
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ocrframe.ResponseFormatError, match="is JSON text but not UTF-8") as info:
        ocrframe.read_response(path)
    assert "read_text('latin-1')" in str(info.value)
    path.write_text(path.read_text("latin-1"), "utf-8")  # the advice works
    assert ocrframe.words(ocrframe.read_response(path))["text"].tolist() == ["caf\u00e9 cr\u00e8me"]


def test_an_image_passed_as_a_response_is_named_not_dumped():
    png = ocrframe.sample_path("table.png")
    with pytest.raises(ocrframe.ResponseFormatError) as info:
        ocrframe.read_response(png)
    message = str(info.value)
    assert message.startswith(f"{png} is a PNG file, not a JSON response")
    assert "IHDR" not in message and "\\x" not in message and "PNG\\r" not in message
    with pytest.raises(ocrframe.ResponseFormatError, match="the input is a PNG file"):
        ocrframe.read_response(png.read_bytes())


def test_an_error_body_with_a_code_and_no_message_says_what_the_code_means():
    known = ocrframe.errors.ApiError.from_body({"error_code": "AIS.0103"}, status=400)
    assert str(known).startswith(
        "AIS.0103: The image size does not meet the requirements. (the documented meaning)"
    )
    assert known.message is None  # the service sent none: not invented
    unknown = ocrframe.errors.ApiError.from_body({"error_code": "X.1"}, status=400)
    assert str(unknown) == "X.1: no message (HTTP 400)"
