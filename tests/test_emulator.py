"""Tests for ocrframe.emulator over raw HTTP: auth checks, body checks, faults, control plane."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import threading

import pytest
import requests

from ocrframe.cloud.auth import sign_request
from ocrframe.emulator import CONTROL_HEADERS, Emulator, Faults, main
from ocrframe.errors import InputError


def _ocr_url(emu, slug="general-text"):
    return f"{emu.url}/v2/{emu.project_id}/ocr/{slug}"


def _post(emu, body, slug="general-text", sk=None, raw=None):
    url = _ocr_url(emu, slug)
    data = raw if raw is not None else json.dumps(body).encode()
    headers = sign_request(
        "POST", url, {"Content-Type": "application/json"}, data, emu.ak, sk or emu.sk
    )
    return requests.post(url, data=data, headers=headers, timeout=5)


def _token(emu, **over):
    user = {"name": emu.username, "password": emu.password, "domain": {"name": emu.domain}}
    user.update(over)
    body = {
        "auth": {
            "identity": {"methods": ["password"], "password": {"user": user}},
            "scope": {"project": {"id": emu.project_id}},
        }
    }
    return requests.post(f"{emu.iam_url}/v3/auth/tokens", json=body, timeout=5)


def test_defaults_are_class_attributes_and_overridable():
    assert Emulator().ak == Emulator.ak
    emu = Emulator(ak="AK2", sk="SK2", project_id="p2", username="u", password="pw", domain="d")
    assert (emu.ak, emu.sk, emu.project_id, emu.username) == ("AK2", "SK2", "p2", "u")
    assert Emulator.ak != "AK2"
    with pytest.raises(InputError, match="loopback"):
        Emulator(host="0.0.0.0")


def test_aksk_success_sets_request_id_and_logs(emulator, png_bytes):
    b64 = base64.b64encode(png_bytes).decode()
    resp = _post(emulator, {"image": b64, "detect_direction": True})
    assert resp.status_code == 200, resp.text
    assert resp.headers["X-Request-Id"]
    assert "words_block_list" in resp.json()["result"]
    rec = emulator.request_log[-1]
    assert (rec.api, rec.auth, rec.status) == ("general-text", "aksk", 200)
    assert rec.image_sha256 == hashlib.sha256(png_bytes).hexdigest()
    assert rec.request_id == resp.headers["X-Request-Id"]


def test_same_image_same_answer(emulator, png_bytes):
    b64 = base64.b64encode(png_bytes).decode()
    assert _post(emulator, {"image": b64}).json() == _post(emulator, {"image": b64}).json()


def test_wrong_secret_is_apig_0301(emulator, png_bytes):
    resp = _post(emulator, {"url": "https://x/a.png"}, sk="wrong-secret")
    assert resp.status_code == 401
    body = resp.json()
    assert body["error_code"] == "APIG.0301"
    assert "verify aksk signature fail" in body["error_msg"]
    assert body["request_id"] == resp.headers["X-Request-Id"]


def test_aksk_locked_after_five_failures(emulator):
    for _ in range(5):
        assert _post(emulator, {"url": "https://x/a.png"}, sk="bad").status_code == 401
    locked = _post(emulator, {"url": "https://x/a.png"})
    assert locked.status_code == 401 and "locked" in locked.json()["error_msg"]
    emulator.reset()
    assert _post(emulator, {"url": "https://x/a.png"}).status_code == 200


def test_missing_auth_and_bad_token(emulator):
    url = _ocr_url(emulator)
    no_auth = requests.post(url, json={"url": "https://x/a.png"}, timeout=5)
    assert no_auth.status_code == 401 and "x-auth-token not found" in no_auth.json()["error_msg"]
    bad = requests.post(
        url, json={"url": "https://x/a.png"}, timeout=5, headers={"X-Auth-Token": "MIInot-a-token"}
    )
    assert "decrypt token fail" in bad.json()["error_msg"]


def test_iam_token_flow_and_expiry(emulator):
    resp = _token(emulator)
    assert resp.status_code == 201
    token = resp.headers["X-Subject-Token"]
    assert resp.json()["token"]["expires_at"].endswith("Z")
    ok = requests.post(
        _ocr_url(emulator),
        json={"url": "https://x/a.png"},
        timeout=5,
        headers={"X-Auth-Token": token},
    )
    assert ok.status_code == 200
    emulator.expire_tokens()
    expired = requests.post(
        _ocr_url(emulator),
        json={"url": "https://x/a.png"},
        timeout=5,
        headers={"X-Auth-Token": token},
    )
    assert expired.status_code == 401 and "token expires" in expired.json()["error_msg"]


def test_iam_rejects_wrong_password(emulator):
    resp = _token(emulator, password="nope")
    assert resp.status_code == 401
    assert resp.json()["error"]["message"] == "The username or password is wrong."
    assert "X-Subject-Token" not in resp.headers


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"image": "aGVsbG8=", "url": "https://x/a.png"}, "AIS.0101"),
        ({}, "AIS.0101"),
        ({"image": "not base64!!"}, "AIS.0102"),
        ({"image": "data:image/png;base64,aGVsbG8="}, "AIS.0102"),
        ({"image": base64.b64encode(b"plain text, not an image").decode()}, "AIS.0102"),
        ({"url": "https://x/a.png", "detect_direction": "yes"}, "AIS.0101"),
        ({"url": "ftp://x/a.png"}, "ModelArts.4601"),
    ],
)
def test_body_errors(emulator, body, code):
    resp = _post(emulator, body)
    assert resp.status_code == 400
    assert resp.json()["error_code"] == code


def test_too_small_image_and_bad_json_and_oversize(emulator):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, format="PNG")
    small = _post(emulator, {"image": base64.b64encode(buf.getvalue()).decode()})
    assert small.json()["error_code"] == "AIS.0103"
    assert _post(emulator, None, raw=b"{not json").json()["error_code"] == "ModelArts.4105"
    big = _post(emulator, None, raw=b'{"image": "' + b"A" * (10 * 1024 * 1024) + b'"}')
    assert big.json()["error_code"] == "ModelArts.4104"


def test_unknown_path_project_and_method(emulator):
    assert (
        _post(emulator, {"url": "https://x/a.png"}, slug="no-such-api").json()["error_code"]
        == "APIG.0101"
    )
    url = f"{emulator.url}/v2/otherproject/ocr/general-text"
    data = b'{"url": "https://x/a.png"}'
    headers = sign_request(
        "POST", url, {"Content-Type": "application/json"}, data, emulator.ak, emulator.sk
    )
    resp = requests.post(url, data=data, headers=headers, timeout=5)
    assert resp.status_code == 403 and resp.json()["error_code"] == "ModelArts.4203"
    assert requests.get(_ocr_url(emulator), timeout=5).status_code == 404


def test_every_catalogued_path_answers(emulator):
    from ocrframe.catalog import APIS

    for slug, spec in APIS.items():
        body = {"url": "https://example.com/a.jpg"} if spec.image_field else {}
        resp = _post(emulator, body, slug=slug)
        assert resp.status_code == 200, (slug, resp.text)
        assert "result" in resp.json()


@pytest.mark.parametrize(
    ("faults", "status", "code"),
    [
        (Faults(rate_429=1.0, retry_after=7), 429, "APIG.0308"),
        (Faults(rate_500=1.0), 500, "ModelArts.4505"),
        (Faults(rate_503=1.0), 503, "ModelArts.4403"),
    ],
)
def test_error_faults(faults, status, code):
    with Emulator(faults=faults) as emu:
        resp = _post(emu, {"url": "https://x/a.png"})
        assert resp.status_code == status and resp.json()["error_code"] == code
        if status == 429:
            assert resp.headers["Retry-After"] == "7"
        assert emu.request_log[-1].fault == str(status)


def test_body_faults():
    with Emulator(faults=Faults(non_json=1.0)) as emu:
        resp = _post(emu, {"url": "https://x/a.png"})
        assert resp.status_code == 200 and resp.text.startswith("<html>")
        emu.set_faults(Faults(truncate=1.0))
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            _post(emu, {"url": "https://x/a.png"})
        emu.set_faults(Faults(drop=1.0))
        with pytest.raises(requests.ConnectionError):
            _post(emu, {"url": "https://x/a.png"})
        assert [r.fault for r in emu.request_log] == ["non_json", "truncate", "drop"]


def test_fault_count_and_seed_are_deterministic():
    def pattern():
        with Emulator(faults=Faults(rate_503=0.5, seed=42)) as emu:
            return [_post(emu, {"url": "https://x/a.png"}).status_code for _ in range(8)]

    first = pattern()
    assert first == pattern() and {200, 503} == set(first)
    with Emulator(faults=Faults(rate_503=1.0, count=2)) as emu:
        codes = [_post(emu, {"url": "https://x/a.png"}).status_code for _ in range(3)]
    assert codes == [503, 503, 200]


def test_max_concurrency_answers_4401():
    with Emulator(faults=Faults(max_concurrency=1), latency=0.3) as emu:
        results = []

        def worker():
            results.append(_post(emu, {"url": "https://x/a.png"}))

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    codes = sorted(r.status_code for r in results)
    assert codes[0] == 200 and 429 in codes
    throttled = next(r for r in results if r.status_code == 429)
    assert throttled.json()["error_code"] == "ModelArts.4401"


def test_control_endpoints(emulator):
    _post(emulator, {"url": "https://x/a.png"})
    log = requests.get(f"{emulator.url}/_emulator/log", headers=CONTROL_HEADERS, timeout=5).json()
    assert log[-1]["api"] == "general-text" and log[-1]["status"] == 200
    set_ = requests.post(
        f"{emulator.url}/_emulator/faults",
        json={"rate_500": 1.0},
        headers=CONTROL_HEADERS,
        timeout=5,
    )
    assert set_.json()["rate_500"] == 1.0
    assert _post(emulator, {"url": "https://x/a.png"}).status_code == 500
    bad = requests.post(
        f"{emulator.url}/_emulator/faults", json={"rate_999": 1}, headers=CONTROL_HEADERS, timeout=5
    )
    assert bad.status_code == 400 and "rate_999" in bad.json()["error"]
    requests.post(f"{emulator.url}/_emulator/faults", json={}, headers=CONTROL_HEADERS, timeout=5)
    requests.post(f"{emulator.url}/_emulator/reset", headers=CONTROL_HEADERS, timeout=5)
    assert (
        requests.get(f"{emulator.url}/_emulator/log", headers=CONTROL_HEADERS, timeout=5).json()
        == []
    )
    assert _post(emulator, {"url": "https://x/a.png"}).status_code == 200


def test_faults_validation():
    with pytest.raises(InputError, match="rate between 0 and 1"):
        Faults(rate_429=2)
    with pytest.raises(InputError, match="more than 1"):
        Faults(rate_500=0.6, rate_503=0.6)


def test_faults_validate_counts_and_seed():
    for bad in ({"max_concurrency": "x"}, {"max_concurrency": -1}, {"count": 1.5}, {"count": -1}):
        with pytest.raises(InputError, match="integer >= 0 or None"):
            Faults(**bad)
    with pytest.raises(InputError, match="seed"):
        Faults(seed="a")
    with pytest.raises(InputError, match="retry_after"):
        Faults(retry_after=True)


def test_control_endpoint_refuses_bad_fault_settings_and_keeps_serving(emulator):
    bad = requests.post(
        f"{emulator.url}/_emulator/faults",
        json={"max_concurrency": "x"},
        headers=CONTROL_HEADERS,
        timeout=5,
    )
    assert bad.status_code == 400 and "max_concurrency" in bad.json()["error"]
    current = requests.get(
        f"{emulator.url}/_emulator/faults", headers=CONTROL_HEADERS, timeout=5
    ).json()
    assert current["max_concurrency"] is None
    assert _post(emulator, {"url": "https://x/a.png"}).status_code == 200


class _FakeEngine:
    def __init__(self):
        self.calls = []

    def call(self, api, image, **params):
        from ocrframe.response import Response

        self.calls.append((api, image, params))
        return Response(
            {
                "result": {
                    "words_block_count": 1,
                    "words_block_list": [
                        {
                            "words": "ENGINE",
                            "confidence": 0.99,
                            "location": [[0, 0], [5, 0], [5, 5], [0, 5]],
                        }
                    ],
                }
            },
            api=api,
        )


def test_engine_answers_general_text_only(png_bytes):
    engine = _FakeEngine()
    with Emulator(engine=engine) as emu:
        b64 = base64.b64encode(png_bytes).decode()
        text = _post(emu, {"image": b64, "character_mode": True}).json()
        assert text["result"]["words_block_list"][0]["words"] == "ENGINE"
        assert engine.calls == [("general-text", png_bytes, {"character_mode": True})]
        _post(emu, {"image": b64}, slug="passport")
        assert len(engine.calls) == 1


def test_main_rejects_bad_usage_and_non_loopback(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--port", "notaport"])
    assert exc.value.code == 2
    assert main(["--host", "10.0.0.1", "--port", "0"]) == 1
    assert "loopback" in capsys.readouterr().err
    assert main(["--port", "99999"]) == 1
    assert "InputError: port must be an integer from 0 to 65535" in capsys.readouterr().err
    assert main(["--port", "0", "--max-concurrency", "-3"]) == 1
    assert "max_concurrency" in capsys.readouterr().err


def test_python_m_help():
    out = subprocess.run(
        [sys.executable, "-m", "ocrframe.emulator", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert "--rate-429" in out.stdout and "--max-concurrency" in out.stdout
