"""Tests for ocrframe.client and ocrframe.transport, over real HTTP to the emulator."""

from __future__ import annotations

import inspect
import logging

import pytest
import requests

from ocrframe.catalog import APIS, DOCUMENTED, get_api
from ocrframe.cloud.auth import TokenAuth
from ocrframe.cloud.client import Client
from ocrframe.cloud.transport import RetryPolicy
from ocrframe.emulator import Emulator, Faults
from ocrframe.errors import (
    ApiError,
    AuthError,
    BadRequestError,
    InputError,
    MalformedResponseError,
    ServerError,
    ThrottlingError,
    TransportError,
)

URL = "https://example.com/doc.jpg"


def _client(emu, delays=None, *, total=3, **kw):
    policy = RetryPolicy(total=total, sleep=(delays.append if delays is not None else None))
    return Client(
        endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk, retries=policy, **kw
    )


def _token_client(emu, **kw):
    return Client(
        endpoint=emu.url,
        iam_endpoint=emu.iam_url,
        project_id=emu.project_id,
        username=emu.username,
        password=emu.password,
        domain=emu.domain,
        **kw,
    )


# --- success --------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", DOCUMENTED)
def test_every_documented_api_by_named_method(emulator, png_bytes, slug):
    spec = get_api(slug)
    with _client(emulator) as client:
        resp = getattr(client, spec.method)(png_bytes)
    assert resp.api == slug and resp.status == 200
    assert resp.request_id == emulator.request_log[-1].request_id
    assert resp.result is not None


@pytest.mark.parametrize("slug", ["vin", "bank-receipt", "vat-invoice", "invoice-verification"])
def test_undocumented_operations_by_slug(emulator, slug):
    with _client(emulator) as client:
        if APIS[slug].image_field is None:
            resp = client.call(slug, code="1", number="2")
        else:
            resp = client.call(slug, url=URL, some_new_flag=True)
    assert resp.api == slug and resp.result is not None


def test_source_page_and_flatten(emulator, png_bytes, tmp_path):
    path = tmp_path / "scan.png"
    path.write_bytes(png_bytes)
    with _client(emulator) as client:
        resp = client.general_text(str(path), character_mode=True)
        by_url = client.general_text(url=URL)
    assert resp.source == str(path) and by_url.source == URL
    assert resp.meta["attempts"] == 1
    words = resp.words()
    assert len(words) == len(resp.result["words_block_list"]) and "text" in words


def test_token_auth_fetches_once_and_reuses(emulator):
    with _token_client(emulator) as client:
        client.passport(url=URL)
        client.passport(url=URL)
        assert client.auth.fetches == 1
    assert [r.auth for r in emulator.request_log] == ["iam", "token", "token"]


def test_ready_token(emulator):
    token = requests.post(
        f"{emulator.iam_url}/v3/auth/tokens",
        timeout=5,
        json={
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": emulator.username,
                            "password": emulator.password,
                            "domain": {"name": emulator.domain},
                        }
                    },
                },
                "scope": {"project": {"id": emulator.project_id}},
            }
        },
    ).headers["X-Subject-Token"]
    with Client(endpoint=emulator.url, project_id=emulator.project_id, token=token) as client:
        assert client.web_image(url=URL).api == "web-image"
        emulator.expire_tokens()
        with pytest.raises(AuthError, match="token expires") as exc:
            client.web_image(url=URL)
    assert exc.value.attempts == 1


def test_expired_token_is_refreshed_once(emulator):
    with _token_client(emulator) as client:
        client.general_table(url=URL)
        emulator.expire_tokens()
        resp = client.general_table(url=URL)
        assert client.auth.fetches == 2 and resp.meta["attempts"] == 2
    statuses = [(r.auth, r.status) for r in emulator.request_log]
    assert statuses == [("iam", 201), ("token", 200), ("none", 401), ("iam", 201), ("token", 200)]


def test_token_refreshed_before_expiry_by_clock(emulator):
    now = [1000.0]
    auth = TokenAuth(
        username=emulator.username,
        password=emulator.password,
        domain=emulator.domain,
        iam_endpoint=emulator.iam_url,
        project_id=emulator.project_id,
        clock=lambda: now[0],
    )
    first = auth.token()
    assert auth.token() == first and auth.fetches == 1
    now[0] += 10**10  # far past the emulator's expires_at
    assert auth.token() != first and auth.fetches == 2


# --- auth failures --------------------------------------------------------------------------


def test_wrong_secret_raises_auth_error_without_retry(emulator):
    delays = []
    client = Client(
        endpoint=emulator.url,
        project_id=emulator.project_id,
        ak=emulator.ak,
        sk="wrong-secret-key-0000",
        retries=RetryPolicy(total=4, sleep=delays.append),
    )
    with pytest.raises(AuthError) as exc:
        client.general_text(url=URL)
    err = exc.value
    assert err.code == "APIG.0301" and err.status == 401 and err.api == "general-text"
    assert err.request_id == emulator.request_log[-1].request_id
    assert delays == [] and len(emulator.request_log) == 1


def test_refused_token_request_is_not_repeated(emulator):
    for kw in ({"password": "not-the-password"}, {"project_id": "another-project"}):
        emulator.reset()
        args = {
            "endpoint": emulator.url,
            "iam_endpoint": emulator.iam_url,
            "project_id": emulator.project_id,
            "username": emulator.username,
            "password": emulator.password,
            "domain": emulator.domain,
            **kw,
        }
        with pytest.raises(AuthError, match="IAM refused") as exc:
            Client(**args).general_text(url=URL)
        # one login attempt: a second one would only bring the IAM lockout closer
        assert [(r.path, r.status) for r in emulator.request_log] == [("/v3/auth/tokens", 401)]
        assert ".." not in str(exc.value)


def test_wrong_password_raises_auth_error(emulator):
    client = Client(
        endpoint=emulator.url,
        iam_endpoint=emulator.iam_url,
        project_id=emulator.project_id,
        username=emulator.username,
        password="not-the-password",
        domain=emulator.domain,
    )
    with pytest.raises(AuthError, match="username or password is wrong") as exc:
        client.general_text(url=URL)
    assert exc.value.status == 401
    assert "not-the-password" not in str(exc.value)


def test_credentials_required_and_exclusive():
    with pytest.raises(InputError, match="no credentials"):
        Client(endpoint="http://127.0.0.1:1", project_id="p")
    with pytest.raises(InputError, match="choose one way"):
        Client(endpoint="http://127.0.0.1:1", project_id="p", ak="a", sk="s", token="t")
    with pytest.raises(InputError, match="both ak= and sk="):
        Client(endpoint="http://127.0.0.1:1", project_id="p", ak="a")
    with pytest.raises(InputError, match="project_id is required"):
        Client(region="ap-southeast-1", ak="a", sk="s")
    with pytest.raises(InputError, match="region="):
        Client(project_id="p", ak="a", sk="s")
    with pytest.raises(InputError, match="unknown region"):
        Client(region="mars-1", project_id="p", ak="a", sk="s")
    with pytest.raises(InputError, match="iam_endpoint"):
        Client(
            endpoint="http://127.0.0.1:1", project_id="p", username="u", password="p", domain="d"
        )


# --- region and inputs ----------------------------------------------------------------------


def test_region_check_names_the_regions():
    client = Client(region="ap-southeast-1", project_id="p", ak="a", sk="s")
    with pytest.raises(
        InputError,
        match=r"not deployed in ap-southeast-1; it is available in "
        r"ap-southeast-3",
    ):
        client.general_table(url=URL)


def test_region_check_skipped_with_explicit_endpoint(emulator):
    client = Client(
        region="ap-southeast-1",
        endpoint=emulator.url,
        project_id=emulator.project_id,
        ak=emulator.ak,
        sk=emulator.sk,
    )
    assert client.general_table(url=URL).api == "general-table"


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((), {}, "no input"),
        ((b"\x89PNG",), {"url": URL}, "not both"),
        (("/no/such/file.png",), {}, "no file at"),
        ((), {"url": URL, "detect_dir": True}, "valid parameters"),
        ((), {"url": URL, "detect_direction": "yes"}, "must be boolean"),
        ((b"not an image",), {}, "not a recognised image format"),
    ],
)
def test_input_errors_send_nothing(emulator, args, kwargs, match):
    with _client(emulator) as client, pytest.raises(InputError, match=match):
        client.call("general-text", *args, **kwargs)
    assert emulator.request_log == []


def test_named_methods_have_real_signatures_and_docs():
    sig = inspect.signature(Client.general_text)
    assert list(sig.parameters)[:4] == ["self", "image", "url", "page"]
    assert "detect_direction" in sig.parameters
    assert "detect_direction" in Client.general_text.__doc__
    assert Client.smart_document_recognizer.__name__ == "smart_document_recognizer"
    assert "params" in inspect.signature(Client.vin).parameters  # undocumented: pass-through
    assert "image" not in inspect.signature(Client.invoice_verification).parameters
    assert all(hasattr(Client, spec.method) for spec in APIS.values())
    assert "auto_downscale" in inspect.signature(Client.general_text).parameters


def test_named_method_unknown_keyword_names_the_valid_ones(emulator, png_bytes):
    with _client(emulator) as client:
        with pytest.raises(InputError, match="no parameter 'detect_dir'.*detect_direction"):
            client.general_text(png_bytes, detect_dir=True)
    assert emulator.request_log == []


def test_named_method_takes_auto_downscale(emulator):
    from PIL import Image

    big = Image.new("RGB", (9000, 300), "white")  # passport: each side <= 8192 px
    with _client(emulator) as client:
        with pytest.raises(InputError, match="auto_downscale=True"):
            client.passport(big)
        resp = client.passport(big, auto_downscale=True)
    assert "downscaled from 9000x300" in resp.meta["notes"][0]


# --- faults and retries ---------------------------------------------------------------------


def test_retry_after_is_honoured(emulator):
    delays = []
    emulator.set_faults(Faults(rate_429=1.0, retry_after=7, count=2))
    with _client(emulator, delays) as client:
        resp = client.general_text(url=URL)
    assert delays == [7.0, 7.0] and resp.meta["attempts"] == 3


def test_retry_after_is_bounded(emulator):
    delays = []
    emulator.set_faults(Faults(rate_429=1.0, retry_after=500, count=1))
    policy = RetryPolicy(total=2, retry_after_max=30, sleep=delays.append)
    with Client(
        endpoint=emulator.url,
        project_id=emulator.project_id,
        ak=emulator.ak,
        sk=emulator.sk,
        retries=policy,
    ) as client:
        client.general_text(url=URL)
    assert delays == [30.0]


@pytest.mark.parametrize(
    "faults, sent",
    [
        (Faults(rate_500=1.0, count=2), 3),
        (Faults(drop=1.0, count=2), 3),
        (Faults(truncate=1.0, count=1), 2),
        (Faults(non_json=1.0, count=1), 2),
    ],
    ids=["500", "drop", "truncate", "non_json"],
)
def test_transient_faults_recover(emulator, faults, sent):
    delays = []
    emulator.set_faults(faults)
    with _client(emulator, delays) as client:
        resp = client.passport(url=URL)
    assert resp.meta["attempts"] == sent and len(delays) == sent - 1
    assert len(emulator.request_log) == sent
    assert all(0 <= d <= 1.0 for d in delays)  # full jitter under the backoff cap


@pytest.mark.parametrize("kind", ["truncate", "non_json"])
def test_billed_bad_answers_are_retried_once_by_default(emulator, kind):
    """A truncated or non-JSON HTTP 200 is billed: one retry, not the full budget."""
    emulator.set_faults(Faults(**{kind: 1.0}))
    with _client(emulator, [], total=4) as client, pytest.raises(MalformedResponseError) as exc:
        client.passport(url=URL)
    assert len(emulator.request_log) == 2 and exc.value.attempts == 2
    emulator.reset()
    emulator.set_faults(Faults(**{kind: 1.0}))
    policy = RetryPolicy(total=4, billed=3, sleep=lambda s: None)
    with pytest.raises(MalformedResponseError):
        Client(
            endpoint=emulator.url,
            project_id=emulator.project_id,
            ak=emulator.ak,
            sk=emulator.sk,
            retries=policy,
        ).passport(url=URL)
    assert len(emulator.request_log) == 4


def test_slow_answer_times_out_then_recovers(emulator):
    delays = []
    emulator.set_faults(Faults(slow=1.0, slow_seconds=0.6, count=1))
    with _client(emulator, delays, timeout=(2, 0.2)) as client:
        resp = client.passport(url=URL)
    assert resp.meta["attempts"] == 2 and len(delays) == 1


def test_exhaustion_raises_last_error_with_cause(emulator):
    delays = []
    emulator.set_faults(Faults(rate_429=1.0, retry_after=2))
    with _client(emulator, delays, total=3) as client, pytest.raises(ThrottlingError) as exc:
        client.general_text(url=URL)
    err = exc.value
    assert err.attempts == 4 and err.code == "APIG.0308" and "after 4 attempts" in str(err)
    assert isinstance(err.__cause__, ThrottlingError) and len(err.history) == 4
    assert delays == [2.0, 2.0, 2.0]


def test_bare_503_gets_a_limited_retry(emulator):
    delays = []
    emulator.set_faults(Faults(rate_503=1.0))
    with _client(emulator, delays, total=4) as client, pytest.raises(ServerError) as exc:
        client.general_text(url=URL)
    assert exc.value.code == "ModelArts.4403" and exc.value.status == 503
    assert len(delays) == 4  # ModelArts.4403 is a transient code: full budget


def test_non_json_exhaustion_is_a_response_format_error(emulator):
    emulator.set_faults(Faults(non_json=1.0))
    with _client(emulator, [], total=1) as client, pytest.raises(MalformedResponseError) as exc:
        client.general_text(url=URL)
    assert exc.value.status == 200 and exc.value.attempts == 2
    assert isinstance(exc.value, ApiError) and isinstance(exc.value, ValueError)


def test_max_concurrency_4401_is_retried():
    import threading
    import time

    results, errors, delays = [], [], []

    def short_sleep(seconds):  # the requests in flight need a moment to finish
        delays.append(seconds)
        time.sleep(0.25)

    with Emulator(faults=Faults(max_concurrency=1), latency=0.2) as emu:
        client = Client(
            endpoint=emu.url,
            project_id=emu.project_id,
            ak=emu.ak,
            sk=emu.sk,
            retries=RetryPolicy(total=5, sleep=short_sleep),
        )

        def run():
            try:
                results.append(client.passport(url=URL))
            except ApiError as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = [r.status for r in emu.request_log]
    assert not errors and len(results) == 3
    assert 429 in codes and any(r.meta["attempts"] > 1 for r in results)


def test_bad_request_is_never_retried(emulator):
    delays = []
    corrupt = b"\x89PNG\r\n\x1a\n" + b"garbage" * 20  # passes the local checks
    with _client(emulator, delays) as client, pytest.raises(BadRequestError) as exc:
        client.passport(corrupt)
    assert exc.value.code == "AIS.0104" and exc.value.status == 400
    assert delays == [] and len(emulator.request_log) == 1


def test_connection_refused_is_transport_error():
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    delays = []
    client = Client(
        endpoint=f"http://127.0.0.1:{port}",
        project_id="p",
        ak="a",
        sk="s",
        retries=RetryPolicy(total=2, sleep=delays.append),
    )
    with pytest.raises(TransportError, match="ConnectionError") as exc:
        client.call("vin", url=URL)
    assert exc.value.attempts == 3 and len(delays) == 2
    assert isinstance(exc.value.__cause__, requests.ConnectionError)


def test_retry_policy_values():
    assert RetryPolicy.from_value(0).total == 0
    assert RetryPolicy.from_value(None).limited == 0
    with pytest.raises(InputError, match="retries must be"):
        RetryPolicy.from_value(-1)
    p = RetryPolicy(backoff_factor=1.0, backoff_max=5.0, jitter=lambda: 1.0)
    assert [p.delay(n, None) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]


# --- lifecycle and environment --------------------------------------------------------------


def test_closed_client_refuses(emulator):
    client = _client(emulator)
    with client:
        pass
    with pytest.raises(InputError, match="closed"):  # an OcrError, as every refusal
        client.general_text(url=URL)


@pytest.mark.parametrize("timeout", ["5", -1, 0, (5, "60"), (1, 2, 3), None, True])
def test_bad_timeout_is_refused_when_the_client_is_built(timeout):
    with pytest.raises(InputError, match=r"timeout must be seconds in \(0, "):
        Client(region="ap-southeast-1", project_id="p", ak="a", sk="s", timeout=timeout)


def test_closed_client_refuses_a_run(emulator):
    client = _client(emulator)
    client.close()
    with pytest.raises(InputError, match="closed"):
        client.run("general-text", [URL], progress=False)
    assert emulator.request_log == []


def test_from_env_names_the_missing_half_of_the_key_pair(monkeypatch):
    for var in ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", "p1")
    monkeypatch.setenv("HUAWEICLOUD_SDK_REGION", "ap-southeast-1")
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AKONLY000000000001")
    with pytest.raises(InputError, match="set HUAWEICLOUD_SDK_SK"):
        Client.from_env()
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "sk-only-secret-value")
    with pytest.raises(InputError, match="set HUAWEICLOUD_SDK_AK") as exc:
        Client.from_env()
    assert "sk-only-secret-value" not in str(exc.value)


def test_from_env(emulator, monkeypatch):
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", emulator.ak)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", emulator.sk)
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", emulator.project_id)
    monkeypatch.setenv("OCR_REGION", "ap-southeast-1")
    client = Client.from_env(endpoint=emulator.url)
    assert client.region == "ap-southeast-1"
    assert client.general_text(url=URL).api == "general-text"
    monkeypatch.delenv("HUAWEICLOUD_SDK_SK")
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK")
    with pytest.raises(InputError, match="HUAWEICLOUD_SDK_AK"):
        Client.from_env()


# --- secrets --------------------------------------------------------------------------------


SECRETS_AK = "SECRETAKVALUE0000001"
SECRETS_SK = "secret-sk-value-that-must-not-leak"
SECRETS_PW = "secret-password-never-shown"


def test_secrets_never_leak(caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    texts = []
    with Emulator(ak=SECRETS_AK, sk=SECRETS_SK, password=SECRETS_PW) as emu:
        aksk = Client(
            endpoint=emu.url,
            project_id=emu.project_id,
            ak=SECRETS_AK,
            sk=SECRETS_SK,
            retries=RetryPolicy(total=1, sleep=lambda s: None),
        )
        tok = Client(
            endpoint=emu.url,
            iam_endpoint=emu.iam_url,
            project_id=emu.project_id,
            username=emu.username,
            password=SECRETS_PW,
            domain=emu.domain,
            retries=RetryPolicy(total=1, sleep=lambda s: None),
        )
        emu.set_faults(Faults(rate_500=1.0, count=1))
        resp = aksk.general_text(url=URL)
        emu.set_faults(Faults(rate_500=1.0, count=1))
        resp2 = tok.general_text(url=URL)
        token = tok.auth.token()
        resp.to_json(tmp_path / "r.json")
        resp2.to_json(tmp_path / "r2.json")
        texts += [repr(aksk), repr(tok), repr(aksk.auth), repr(tok.auth), repr(emu), repr(resp)]
        bad = Client(
            endpoint=emu.url, project_id=emu.project_id, ak=SECRETS_AK, sk=SECRETS_SK + "x"
        )
        for client in (
            bad,
            Client(
                endpoint=emu.url,
                iam_endpoint=emu.iam_url,
                project_id=emu.project_id,
                username=emu.username,
                password=SECRETS_PW + "x",
                domain=emu.domain,
            ),
        ):
            with pytest.raises(AuthError) as exc:
                client.general_text(url=URL)
            texts += [str(exc.value), repr(exc.value)]
        emu.set_faults(Faults(rate_500=1.0))
        with pytest.raises(ServerError) as exc:
            tok.general_text(url=URL)
        texts += [str(exc.value), repr(exc.value)]
    texts += [r.getMessage() for r in caplog.records]
    texts += [p.read_text() for p in tmp_path.iterdir()]
    assert any("retry" in r.getMessage() for r in caplog.records)  # the log was exercised
    blob = "\n".join(texts)
    for secret in (SECRETS_AK, SECRETS_SK, SECRETS_PW, token):
        assert secret not in blob


def _http_response(status, content, headers=None):
    resp = requests.Response()
    resp.status_code = status
    resp._content = content
    resp.headers.update(headers or {})
    return resp


def test_error_bodies_top_level_nested_and_iam():
    from ocrframe.cloud.transport import read_http_response

    nested = b'{"result": {"error_code": "AIS.0103", "error_msg": "The image size ..."}}'
    with pytest.raises(BadRequestError) as exc:
        read_http_response(_http_response(200, nested, {"X-Request-Id": "r1"}), "general-table")
    assert (exc.value.code, exc.value.request_id, exc.value.status) == ("AIS.0103", "r1", 200)
    top = b'{"error_code": "ModelArts.4204", "error_msg": "not subscribed"}'
    with pytest.raises(AuthError, match="ModelArts.4204"):
        read_http_response(_http_response(403, top), "passport")
    iam = b'{"error": {"code": 401, "message": "The username or password is wrong."}}'
    with pytest.raises(AuthError, match="password is wrong"):
        read_http_response(_http_response(401, iam), None)
    with pytest.raises(ServerError, match="HTTP 502 with a non-JSON body"):
        read_http_response(_http_response(502, b"<html>bad gateway</html>"), "passport")


def test_a_stopped_emulator_has_no_url_and_says_so():
    from ocrframe.emulator import Emulator

    with pytest.raises(InputError, match="not running; call start"):
        Emulator().url  # noqa: B018 (the property raises)
