"""The client sends what the reference documents (issue 13): the Enterprise-Project-Id header,
the two-parameter rules checked before sending, blank auto-detect values and the reference's
own example values accepted. Over real HTTP to the emulator."""

from __future__ import annotations

import json

import pytest

from ocrframe.cloud.client import Client
from ocrframe.errors import InputError

URL = "https://example.com/doc.jpg"


def _client(emu, **kw):
    client = Client(
        endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk, retries=0, **kw
    )
    sent = []
    client.session.hooks["response"].append(lambda r, *a, **k: sent.append(r.request))
    return client, sent


def test_enterprise_project_id_header_per_client_and_per_call(emulator):
    client, sent = _client(emulator, enterprise_project_id="eps-default")
    client.general_text(url=URL)
    client.general_text(url=URL, enterprise_project_id="eps-billing-42")
    plain, sent_plain = _client(emulator)
    plain.general_text(url=URL)
    got = [r.headers.get("Enterprise-Project-Id") for r in sent + sent_plain]
    assert got == ["eps-default", "eps-billing-42", None]
    with pytest.raises(InputError, match="enterprise_project_id"):
        client.general_text(url=URL, enterprise_project_id="eps\r\nX-Injected: 1")


@pytest.mark.parametrize(
    "api, params, match, fixed",
    [
        (
            "general-table",
            {"return_char_location": True},
            "needs return_text_location",
            {"return_text_location": True},
        ),
        ("smart-document-recognizer", {"return_excel": True}, "needs table", {"table": True}),
        ("general-text", {"pdf_page_number": 0}, "1-based", {"pdf_page_number": 1}),
    ],
)
def test_two_parameter_rules_are_checked_before_sending(emulator, api, params, match, fixed):
    client, sent = _client(emulator)
    with pytest.raises(InputError, match=match):
        client.call(api, url=URL, **params)
    assert sent == [] and emulator.request_log == []
    client.call(api, url=URL, **{**params, **fixed})  # doing what the message says works
    client.call("general-table", url=URL, return_excel=True)  # no `table` rule there
    assert len(sent) == 2


@pytest.mark.parametrize(
    "api, params, body",
    [
        ("thailand-id-card", {"side": ""}, {"side": ""}),  # blank = auto-detect
        ("passport", {"country_code": ""}, {"country_code": ""}),
        ("id-document", {"country_region": "ALB"}, {"country_region": ["ALB"]}),
    ],
)
def test_blank_auto_detect_and_example_values_are_accepted(emulator, api, params, body):
    client, sent = _client(emulator)
    resp = client.call(api, url=URL, **params)
    assert resp.status == 200
    sent_body = json.loads(sent[-1].body)
    assert {k: sent_body[k] for k in body} == body
    with pytest.raises(InputError, match="must be one of"):
        client.call(api, url=URL, **{k: "nonsense" for k in params})
