"""The emulator serves the embedded engine: real OCR over real HTTP on loopback."""

from __future__ import annotations

import pytest

import ocrframe
from ocrframe.emulator import Emulator

pytest.importorskip("rapidocr")


@pytest.fixture(scope="module")
def served():
    with Emulator(engine=ocrframe.LocalEngine()) as emu:
        client = ocrframe.Client(endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk)
        yield emu, client
        client.close()


def test_general_text_over_http_is_real_ocr(served):
    emu, client = served
    image = ocrframe.sample_path("receipt-cafe")
    truth = [
        line["text"]
        for line in __import__("json").loads(
            ocrframe.sample_path("receipt-cafe.gt.json").read_text()
        )["lines"]
    ]
    over_http = client.general_text(image, character_mode=True)
    local = ocrframe.LocalEngine().call("general-text", image, character_mode=True)
    assert over_http.raw == local.raw
    words = ocrframe.words(over_http)
    assert "CORNER CAFE" in words["text"].tolist()
    assert sum(t in words["text"].tolist() for t in truth) >= len(truth) // 2
    assert len(ocrframe.chars(over_http)) > 50
    assert emu.request_log[-1].api == "general-text" and emu.request_log[-1].status == 200


def test_web_image_over_http_is_real_ocr(served):
    _, client = served
    resp = client.web_image(ocrframe.sample_path("form"), extract_type=["image_size"])
    assert len(ocrframe.words(resp)) > 3
    size = ocrframe.fields(resp).set_index("field")["value"]
    assert {"width", "height"} <= set(size.index)


def test_other_apis_still_answer_from_the_schema(served):
    _, client = served
    resp = client.passport(ocrframe.sample_path("form"))
    assert resp.api == "passport" and len(ocrframe.fields(resp)) > 3
