"""Tests for ocrframe.auth: every SDK signing vector, verification, and the auth objects."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from ocrframe.cloud.auth import (
    AkSkAuth,
    TokenAuth,
    canonical_request,
    sign_request,
    verify_request,
)
from ocrframe.errors import AuthError, InputError, SignatureError

VECTORS_PATH = Path(__file__).resolve().parents[2] / "shared" / "reference" / "aksk-vectors.json"
VECTORS = json.loads(VECTORS_PATH.read_text())["vectors"] if VECTORS_PATH.is_file() else []
needs_vectors = pytest.mark.skipif(not VECTORS, reason="../shared/reference is absent")


def _vector_call(v):
    """(method, url, headers, body, ak, sk) for one vector, built from its inputs."""
    inp, out = v["input"], v["output"]
    if v["kind"] == "pipeline":
        headers = {
            k: val for k, val in out["headers"].items() if k not in ("Authorization", "Host")
        }
        body = base64.b64decode(out["body_base64"]) if out.get("body_base64") else None
        return "POST", out["url"], headers, body, inp["ak"], inp["sk"]
    query = []
    for key, value in inp["query_params"]:
        for item in value if isinstance(value, list) else [value]:
            item = ("true" if item else "false") if isinstance(item, bool) else str(item)
            query.append(f"{quote(key, safe='')}={quote(item, safe='')}")
    url = f"{inp['scheme']}://{inp['host']}{inp['resource_path']}"
    if query:
        url += "?" + "&".join(query)
    body = base64.b64decode(inp["body_base64"]) if inp.get("body_base64") else None
    return inp["method"], url, dict(inp["headers"]), body, inp["ak"], inp["sk"]


@needs_vectors
@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_every_sdk_vector_byte_for_byte(vector):
    method, url, headers, body, ak, sk = _vector_call(vector)
    got = sign_request(method, url, headers, body, ak, sk)
    assert got == vector["output"]["headers"]
    canonical, _ = canonical_request(
        method,
        url,
        got,
        body,
        got["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";"),
    )
    assert canonical == vector["intermediate"]["canonical_request"]


@needs_vectors
def test_query_order_does_not_change_the_signature():
    for v in VECTORS:
        method, _url, headers, body, ak, sk = _vector_call(v)
        sdk_url = v["output"]["url"]  # the SDK sends the query sorted
        got = sign_request(method, sdk_url, headers, body, ak, sk)
        assert got["Authorization"] == v["output"]["headers"]["Authorization"]


@needs_vectors
def test_str_body_signs_like_its_utf8_bytes():
    v = next(v for v in VECTORS if v["name"] == "post_unicode_body_raw_utf8")
    method, url, headers, body, ak, sk = _vector_call(v)
    as_text = sign_request(method, url, headers, body.decode("utf-8"), ak, sk)
    assert as_text["Authorization"] == v["output"]["headers"]["Authorization"]


def test_sign_request_adds_date_and_does_not_mutate_input():
    headers = {"Content-Type": "application/json"}
    out = sign_request("POST", "http://127.0.0.1:9/v2/p/ocr/x", headers, b"{}", "AK", "SK")
    assert headers == {"Content-Type": "application/json"}
    assert len(out["X-Sdk-Date"]) == 16 and out["X-Sdk-Date"].endswith("Z")
    assert out["Host"] == "127.0.0.1:9"


def test_sign_request_needs_both_keys():
    with pytest.raises(InputError, match="ak and sk"):
        sign_request("GET", "http://h/", {}, None, "AK", "")


def _signed(sk="SK", **extra):
    headers = {"Content-Type": "application/json", **extra}
    url = "http://127.0.0.1:1/v2/p/ocr/general-text?x=1"
    return url, sign_request("POST", url, headers, b'{"a": 1}', "AK", sk)


def test_verify_request_accepts_own_signature_and_rejects_tampering():
    url, headers = _signed()
    assert verify_request("POST", url, headers, b'{"a": 1}', {"AK": "SK"}.get) == "AK"
    with pytest.raises(SignatureError, match="signature fail"):
        verify_request("POST", url, headers, b'{"a": 2}', {"AK": "SK"}.get)
    with pytest.raises(SignatureError, match="signature fail"):
        verify_request("POST", url + "&y=2", headers, b'{"a": 1}', {"AK": "SK"}.get)
    _, wrong = _signed(sk="WRONG")
    with pytest.raises(SignatureError, match="signature fail"):
        verify_request("POST", url, wrong, b'{"a": 1}', {"AK": "SK"}.get)
    with pytest.raises(SignatureError, match="unknown access key"):
        verify_request("POST", url, headers, b'{"a": 1}', {}.get)


def test_verify_request_rejects_stale_date_and_missing_header():
    url, headers = _signed(**{"X-Sdk-Date": "20200101T000000Z"})
    with pytest.raises(SignatureError, match="15 minutes"):
        verify_request("POST", url, headers, b'{"a": 1}', {"AK": "SK"}.get)
    with pytest.raises(SignatureError, match="Authorization"):
        verify_request("POST", url, {}, b"", {"AK": "SK"}.get)
    assert issubclass(SignatureError, AuthError)


def test_aksk_auth_signs_prepared_request_verifiably():
    auth = AkSkAuth(
        "AKTESTEXAMPLE0000001",
        "SKsecretvalue000000",
        project_id="p1",
        security_token="tmp-token-secret",
    )
    req = requests.Request(
        "POST",
        "http://127.0.0.1:5/v2/p1/ocr/general-text?a=b",
        data=b'{"image": "x"}',
        headers={"Content-Type": "application/json;charset=utf-8"},
        auth=auth,
    ).prepare()
    assert req.headers["X-Project-Id"] == "p1"
    assert req.headers["X-Security-Token"] == "tmp-token-secret"
    signed = req.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0]
    assert "connection" not in signed and "x-security-token" in signed
    lookup = {"AKTESTEXAMPLE0000001": "SKsecretvalue000000"}.get
    assert verify_request("POST", req.url, req.headers, req.body, lookup)


def test_reprs_mask_secrets():
    ak, sk, pw, tok = "AKTESTEXAMPLE0000001", "SKsecretvalue000000", "hunter2-pass", "MIItoken"
    texts = [
        repr(AkSkAuth(ak, sk, security_token=tok)),
        repr(
            TokenAuth(
                username="u", password=pw, domain="d", iam_endpoint="http://x", project_name="r"
            )
        ),
        repr(TokenAuth(token=tok)),
    ]
    for text in texts:
        for secret in (ak, sk, pw, tok):
            assert secret not in text


def test_token_auth_requires_credentials():
    with pytest.raises(InputError, match="password"):
        TokenAuth(username="u", domain="d", iam_endpoint="http://x", project_name="r")
    with pytest.raises(InputError, match="project"):
        TokenAuth(username="u", password="p", domain="d", iam_endpoint="http://x")
    static = TokenAuth(token="t")
    assert not static.can_refresh and static.token() == "t"
