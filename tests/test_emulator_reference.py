"""The emulator against the reference: image limits, Content-Type, General Table's nested
errors, token scope, regions and subscriptions; and its control plane and socket hardening."""

from __future__ import annotations

import base64
import io
import json
import socket
import threading
import time

import pytest
import requests
from PIL import Image

from ocrframe.cloud.auth import DATE_FORMAT, sign_request
from ocrframe.cloud.client import Client
from ocrframe.emulator import CONTROL_HEADERS, Emulator
from ocrframe.emulator.backend import Backend
from ocrframe.emulator.server import EmulatorServer
from ocrframe.errors import AuthError, BadRequestError


def _png(width, height, mode="RGB"):
    buf = io.BytesIO()
    Image.new(mode, (width, height), 1 if mode == "1" else "white").save(buf, format="PNG")
    return buf.getvalue()


def _post(emu, body, slug="general-text", headers=None, data=None):
    url = f"{emu.url}/v2/{emu.project_id}/ocr/{slug}"
    data = json.dumps(body).encode() if data is None else data
    base = {"Content-Type": "application/json"} if headers is None else headers
    return requests.post(
        url, data=data, headers=sign_request("POST", url, base, data, emu.ak, emu.sk), timeout=30
    )


def _image(png):
    return {"image": base64.b64encode(png).decode()}


# --- limits of the reference ------------------------------------------------------------------


@pytest.mark.parametrize("size", [(15, 15), (15, 31), (31, 20), (20, 300)])
def test_images_with_a_side_of_15_to_31_px_are_accepted(emulator, size):
    resp = _post(emulator, _image(_png(*size)))
    assert resp.status_code == 200, resp.text
    for block in resp.json()["result"]["words_block_list"]:
        assert all(0 <= x < size[0] and 0 <= y < size[1] for x, y in block["location"])


def test_images_below_the_documented_minimum_are_refused(emulator):
    resp = _post(emulator, _image(_png(14, 40)))
    assert resp.status_code == 400 and resp.json()["error_code"] == "AIS.0103"


def test_the_160_megapixel_cap_is_enforced(emulator):
    # 30000 x 5334 = 160,020,000 px: every side within 15-30000, the pixel count over the cap
    with pytest.warns(Image.DecompressionBombWarning):
        resp = _post(emulator, _image(_png(30000, 5334, mode="1")))
    assert resp.status_code == 400 and resp.json()["error_code"] == "AIS.0103"
    assert "160,000,000 pixels" in resp.json()["error_msg"]


def test_a_missing_content_type_is_refused(emulator):
    body = json.dumps({"url": "https://example.com/a.png"}).encode()
    resp = _post(emulator, None, headers={}, data=body)
    assert resp.status_code == 400 and resp.json()["error_code"] == "ModelArts.4105"
    assert emulator.request_log[-1].status == 400
    text = _post(emulator, None, headers={"Content-Type": "text/plain"}, data=body)
    assert text.json()["error_code"] == "ModelArts.4105"
    charset = {"Content-Type": "application/json;charset=UTF-8"}
    assert _post(emulator, None, headers=charset, data=body).status_code == 200


def test_general_table_errors_are_nested_in_result_as_the_reference_shows(emulator):
    resp = _post(emulator, {"image": "bm90IGFuIGltYWdl"}, slug="general-table")
    assert resp.status_code == 400
    body = resp.json()
    assert list(body) == ["result"] and body["result"]["error_code"] == "AIS.0102"
    # the documented message, then (as the emulator does for every error) what was wrong
    assert body["result"]["error_msg"].startswith("The image format is not supported")
    flat = _post(emulator, {"image": "bm90IGFuIGltYWdl"}, slug="general-text")
    assert flat.json()["error_code"] == "AIS.0102"


def test_the_nested_error_reads_as_an_api_error(emulator):
    from ocrframe import read_response

    resp = _post(emulator, {"image": "bm90IGFuIGltYWdl"}, slug="general-table")
    with pytest.raises(BadRequestError) as info:
        read_response(resp.json(), api="general-table")
    assert info.value.code == "AIS.0102"


# --- IAM token scope --------------------------------------------------------------------------


def _token(emu, project):
    user = {"name": emu.username, "password": emu.password, "domain": {"name": emu.domain}}
    auth = {"identity": {"methods": ["password"], "password": {"user": user}}}
    auth["scope"] = {"project": project}
    return requests.post(f"{emu.iam_url}/v3/auth/tokens", json={"auth": auth}, timeout=5)


def test_a_token_scoped_to_another_project_is_refused():
    with Emulator(region="la-south-2") as emu:
        assert _token(emu, {"name": "ap-southeast-1"}).status_code == 401
        assert _token(emu, {"id": "ffff0000ffff0000ffff0000ffff0000"}).status_code == 401
        assert _token(emu, {"domain": {"name": emu.domain}}).status_code == 401
        good = _token(emu, {"name": "la-south-2"})
        assert good.status_code == 201
        assert _token(emu, {"id": emu.project_id}).status_code == 201
        url = f"{emu.url}/v2/{emu.project_id}/ocr/chile-id-card"
        token = {"X-Auth-Token": good.headers["X-Subject-Token"]}
        ok = requests.post(url, json={"url": "https://example.com/c.jpg"}, headers=token, timeout=5)
        assert ok.status_code == 200, ok.text


# --- regions and subscriptions ----------------------------------------------------------------


def test_an_emulator_for_a_region_refuses_operations_deployed_elsewhere():
    with Emulator(region="ap-southeast-2") as emu:
        here = _post(emu, {"url": "https://example.com/w.png"}, slug="web-image")
        assert here.status_code == 200
        elsewhere = _post(emu, {"url": "https://example.com/t.png"}, slug="general-text")
        assert elsewhere.status_code == 404 and elsewhere.json()["error_code"] == "APIG.0101"
        assert "not deployed in ap-southeast-2" in elsewhere.json()["error_msg"]
        # operations whose regions the catalog does not know are served
        assert _post(emu, {"url": "https://example.com/v.png"}, slug="vin").status_code == 200


def test_unsubscribed_operations_answer_modelarts_4204():
    with Emulator(subscriptions=["general_text", "Passport"]) as emu:
        assert _post(emu, {"url": "https://example.com/p.png"}, slug="passport").status_code == 200
        resp = _post(emu, {"url": "https://example.com/w.png"}, slug="web-image")
        assert resp.status_code == 403
        assert resp.json() == {
            "error_code": "ModelArts.4204",
            "error_msg": "Request api error! The API web-image is not subscribed.",
        }
        client = Client(endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk)
        with client, pytest.raises(AuthError, match="ModelArts.4204"):
            client.web_image(url="https://example.com/w.png")


def test_region_and_subscriptions_are_checked():
    from ocrframe.errors import InputError

    with pytest.raises(InputError, match="unknown region"):
        Emulator(region="mars-1")
    with pytest.raises(InputError, match="unknown OCR API"):
        Emulator(subscriptions=["no-such-api"])
    with pytest.raises(InputError, match="not one string"):
        Emulator(subscriptions="general-text")


# --- control plane ----------------------------------------------------------------------------


def test_control_routes_need_json_and_the_custom_header(emulator):
    log = f"{emulator.url}/_emulator/log"
    assert requests.get(log, timeout=5).status_code == 403
    only_json = requests.get(log, headers={"Content-Type": "application/json"}, timeout=5)
    assert only_json.status_code == 403 and "X-Emulator-Control" in only_json.json()["error"]
    no_json = {"X-Emulator-Control": "1", "Content-Type": "text/plain"}
    assert (
        requests.post(f"{emulator.url}/_emulator/reset", headers=no_json, timeout=5).status_code
        == 403
    )
    assert requests.get(log, headers=CONTROL_HEADERS, timeout=5).status_code == 200


def test_control_routes_refuse_cross_origin_requests(emulator):
    faults = f"{emulator.url}/_emulator/faults"
    evil = {**CONTROL_HEADERS, "Origin": "http://evil.example"}
    resp = requests.post(faults, json={"rate_500": 1.0}, headers=evil, timeout=5)
    assert resp.status_code == 403 and "cross-origin" in resp.json()["error"]
    site = {**CONTROL_HEADERS, "Sec-Fetch-Site": "cross-site"}
    assert requests.post(faults, json={"rate_500": 1.0}, headers=site, timeout=5).status_code == 403
    assert emulator.faults is None or emulator.faults.rate_500 == 0
    same = {**CONTROL_HEADERS, "Origin": emulator.url}
    assert requests.get(faults, headers=same, timeout=5).status_code == 200


# --- sockets ----------------------------------------------------------------------------------


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_ipv6_loopback_host_works():
    with Emulator(host="::1") as emu:
        assert emu.url.startswith("http://[::1]:")
        client = Client(endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk)
        with client:
            assert client.passport(url="https://example.com/p.jpg").api == "passport"


def test_listen_backlog_holds_a_burst_of_64_clients():
    backend = Backend(ak="AK", sk="SK", project_id="p", username="u", password="pw", domain="d")
    server = EmulatorServer(("127.0.0.1", 0), backend, None, 0.0)
    port = server.server_address[1]
    clients: list[socket.socket] = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    try:
        # Nobody accepts yet: every connection must wait in the listen queue.
        for _ in range(64):
            clients.append(socket.create_connection(("127.0.0.1", port), timeout=3))
        thread.start()
        request = (
            b"POST /v2/p/ocr/general-text HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
            b"Connection: close\r\n\r\n{}"
        )
        for c in clients:
            c.sendall(request)
        answers = [c.makefile("rb").readline() for c in clients]
        assert all(a.startswith(b"HTTP/1.1 401") for a in answers), answers
    finally:
        for c in clients:
            c.close()
        if thread.is_alive():
            server.shutdown()
        server.server_close()


# --- replayed signed requests -----------------------------------------------------------------


def test_replayed_signed_requests_are_answered_like_api_gateway(emulator):
    url = f"{emulator.url}/v2/{emulator.project_id}/ocr/passport"
    data = json.dumps({"url": "https://example.com/p.jpg"}).encode()
    headers = sign_request(
        "POST", url, {"Content-Type": "application/json"}, data, emulator.ak, emulator.sk
    )
    # within the 15 minutes of X-Sdk-Date the gateway answers a replay again (no nonce)
    first = requests.post(url, data=data, headers=headers, timeout=5)
    again = requests.post(url, data=data, headers=headers, timeout=5)
    assert first.status_code == again.status_code == 200
    assert first.headers["X-Request-Id"] != again.headers["X-Request-Id"]
    stale = time.strftime(DATE_FORMAT, time.gmtime(time.time() - 16 * 60))
    old = {"Content-Type": "application/json", "X-Sdk-Date": stale}
    replay = requests.post(
        url,
        data=data,
        headers=sign_request("POST", url, old, data, emulator.ak, emulator.sk),
        timeout=5,
    )
    assert replay.status_code == 401 and replay.json()["error_code"] == "APIG.0301"
    assert "15 minutes" in replay.json()["error_msg"]


def test_command_line_takes_region_and_subscriptions(capsys):
    from ocrframe.emulator import main
    from ocrframe.emulator.cli import build_parser

    assert main(["--port", "0", "--region", "mars-1"]) == 1
    assert "unknown region" in capsys.readouterr().err
    assert main(["--port", "0", "--subscribe", "no-such-api"]) == 1
    assert "unknown OCR API" in capsys.readouterr().err
    parser_help = build_parser().format_help()
    assert "--region" in parser_help and "--subscribe" in parser_help
