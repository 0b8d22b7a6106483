"""Secrets one step off the tested paths: credentials given in a URL, credentials the HTTP
library cannot encode, servers that echo the request, pickles. Real HTTP on 127.0.0.1 (the
emulator, or a small echoing server where the emulator is too well behaved); every channel is
searched for each secret and its URL-quoted, Base64 and hex spellings."""

from __future__ import annotations

import base64
import copy
import functools
import http.server
import json
import logging
import pickle
import threading
import traceback
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from ocrframe.cloud.client import Client
from ocrframe.emulator import Emulator
from ocrframe.emulator.faults import Faults
from ocrframe.errors import ApiError, AuthError, InputError, TokenFetchError

AK = "AKLEAKTESTACCESS0042"
SK = "SKleakTestSecretValue0099zz"
PW = "PWleakTestPassw0rd77"
ST = "STleakTestSecurityToken55"
UI = "UIleakTestUserInfo31"
URL = "https://example.com/a.png"


def spellings(secret: str) -> set[str]:
    raw = secret.encode()
    return {secret, quote(secret, safe=""), base64.b64encode(raw).decode(), raw.hex()}


def assert_hidden(texts: list[str], *secrets: str) -> None:
    blob = "\n".join(texts)
    for secret in secrets:
        for form in spellings(secret) | {secret[:12]}:  # a secret cut short counts too
            assert form not in blob, f"{secret[:4]}... leaked as {form[:12]}..."


def everything(exc: BaseException) -> list[str]:
    """What an exception can show: str, repr, the traceback with its chained causes, its
    pickle (Dask ships errors back from workers)."""
    texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    cause: BaseException | None = exc
    while cause is not None:
        # A chained error's own attributes too (a JSONDecodeError's ``doc`` is the whole
        # body): pickled with its traceback (distributed installs that), it travels with it.
        texts += [repr(cause), repr(vars(cause))]
        cause = cause.__cause__ or cause.__context__
    return texts + [pickle.dumps(exc).decode("latin-1")]


# --- credentials in a URL ----------------------------------------------------------------------


def test_an_endpoint_with_a_password_is_refused_before_anything_is_sent(emulator):
    host = emulator.url.split("//")[1]
    for endpoint in (f"http://user:{UI}@{host}", f"http://{UI}@{host}", f"user:{UI}@{host}"):
        with pytest.raises(InputError, match="endpoint") as info:
            Client(endpoint=endpoint, project_id=emulator.project_id, ak=AK, sk=SK)
        assert_hidden(everything(info.value), UI)
        assert host in str(info.value)  # where it pointed stays visible
    with pytest.raises(InputError, match="iam_endpoint must not hold") as info:
        Client(endpoint=emulator.url, iam_endpoint=f"http://u:{UI}@{host}",
               project_id=emulator.project_id, username="u", password=PW, domain="d")  # fmt: skip
    assert_hidden(everything(info.value), UI, PW)
    assert emulator.request_log == []  # the password never went out in a Host header


def test_an_endpoint_with_a_query_or_fragment_is_refused(emulator):
    for tail in (f"/?token={UI}", f"#{UI}", "?"):
        with pytest.raises(InputError, match="without '\\?' or '#'") as info:
            Client(endpoint=emulator.url + tail, project_id=emulator.project_id, ak=AK, sk=SK)
        assert_hidden(everything(info.value), UI)
    assert emulator.request_log == []


def test_redact_url_keeps_where_and_hides_who():
    from ocrframe.cloud.redact import redact_url

    assert redact_url(f"http://me:{UI}@10.0.0.1:3128/x?a=1&token={UI}#f") == (
        "http://****@10.0.0.1:3128/x?a=****&token=****#****"
    )


# --- credentials the HTTP library cannot send ----------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        {"ak": AK + "€", "sk": SK},
        {"ak": AK, "sk": SK + "€"},
        {"ak": AK, "sk": SK, "security_token": ST + "€"},
        {"token": "MII" + ST + "€"},
    ],
    ids=["ak", "sk", "security_token", "token"],
)
def test_non_ascii_credentials_are_refused_without_being_echoed(emulator, given):
    # Sent, a non-Latin-1 header made http.client raise UnicodeEncodeError, whose repr (and
    # pickle) holds the whole header: the security token, the IAM token, "Access=<AK>".
    with pytest.raises(InputError, match="non-ASCII character") as info:
        Client(endpoint=emulator.url, project_id=emulator.project_id, retries=0, **given)
    secrets = [v.rstrip("€") for v in given.values()] + list(given.values())
    assert_hidden(everything(info.value), *secrets)
    assert emulator.request_log == []


# --- servers that echo the request ---------------------------------------------------------------


class Echo(http.server.BaseHTTPRequestHandler):
    """Answers every POST with an error that repeats the request (headers and body), in the
    shape ``mode`` names: a JSON error body, an HTML page, a 200 page, a redirect."""

    mode = "json"

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        first = ("X-Auth-Token", "X-Security-Token", "Authorization")  # within 80 characters
        lines = sorted(self.headers.items(), key=lambda kv: kv[0] not in first)
        echo = "".join(f"{k}: {v}\n" for k, v in lines) + body
        status, headers, out = 400, {}, echo.encode()
        if self.mode == "json":
            out = json.dumps({"error_code": "APIG.0201", "error_msg": echo}).encode()
        elif self.mode == "iam":
            out = json.dumps({"error": {"code": "400", "message": echo}}).encode()
        elif self.mode == "iam-raw":  # no message: the body's first 200 characters are shown
            out = json.dumps({"echo": body}).encode()
        elif self.mode == "html-200":
            status = 200
            token = self.headers.get("X-Auth-Token") or self.headers.get("X-Security-Token")
            out = b"<p>" + b"x" * 60 + (token or "").encode() + b"</p>"  # cut at 80 chars
        elif self.mode == "redirect":
            status, out = 302, b""
            token = self.headers.get("X-Auth-Token") or self.headers.get("X-Security-Token")
            headers["Location"] = f"http://127.0.0.1:9/login?next=1&t={token}"
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


@pytest.fixture
def echo() -> Iterator:
    servers = []

    def start(mode: str) -> str:
        handler = type("Handler", (Echo,), {"mode": mode})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("mode", ["json", "html", "html-200", "redirect"])
def test_an_answer_echoing_the_request_is_redacted_in_the_error(echo, mode, caplog):
    url = echo(mode)
    clients = {
        "aksk": Client(endpoint=url, project_id="p", ak=AK, sk=SK, security_token=ST, retries=0),
        "token": Client(endpoint=url, project_id="p", token="MII" + ST, retries=0),
    }
    caplog.set_level(logging.DEBUG)
    for client in clients.values():
        with pytest.raises(ApiError) as info:
            client.general_text(url=URL)
        assert info.value.status in (200, 302, 400)
        if mode == "json":
            assert "User-Agent: ocrframe/0.1" in str(info.value)  # the rest of the echo stays
            assert "****" in str(info.value)
        assert_hidden(everything(info.value) + [caplog.text], AK, SK, ST, "MII" + ST)


def test_an_answer_echoing_a_presigned_url_is_redacted_in_the_error(echo, caplog):
    # The body holds the full URL (the service must fetch it): its signature, access key ID
    # and password are taken out of an answer that repeats it, as the client's own are.
    sig = "SGleakTestSignature+/x="
    url = (f"https://me:{PW}@b.obs.cn-north-4.myhuaweicloud.com/a.png?AccessKeyId={UI}"
           f"&Expires=1700000000&Signature={quote(sig, safe='')}")  # fmt: skip
    client = Client(endpoint=echo("json"), project_id="p", ak=AK, sk=SK, retries=0)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ApiError) as info:
        client.general_text(url=url)
    assert_hidden(everything(info.value) + [caplog.text], PW, UI, sig, AK, SK)
    assert "b.obs.cn-north-4.myhuaweicloud.com/a.png?AccessKeyId=****" in str(info.value)


@pytest.mark.parametrize("mode", ["iam", "iam-raw"])
def test_an_iam_error_echoing_the_password_is_redacted(echo, mode):
    url = echo(mode)
    user = "bob" + "-" * 63  # puts the password across the 200th character of the echo
    client = Client(endpoint=url, iam_endpoint=url, project_id="p", username=user,
                    password=PW, domain="acme", retries=0)  # fmt: skip
    with pytest.raises(TokenFetchError) as info:
        client.general_text(url=URL)
    assert "bob---" in str(info.value) and info.value.status == 400  # the user name stays
    assert_hidden(everything(info.value), PW)
    assert PW[:8] not in str(info.value)  # not even the part before the cut


# --- pickles -----------------------------------------------------------------------------------


def test_clients_and_their_auth_refuse_pickling(emulator):
    clients = [
        Client(endpoint=emulator.url, project_id=emulator.project_id, ak=AK, sk=SK),
        Client(endpoint=emulator.url, project_id=emulator.project_id, token="MII" + ST),
        Client(
            endpoint=emulator.url,
            iam_endpoint=emulator.iam_url,
            project_id=emulator.project_id,
            username="u",
            password=PW,
            domain="d",
        ),  # fmt: skip
    ]
    for client in clients:
        for ship in (pickle.dumps, copy.deepcopy, lambda c: pickle.dumps(c.auth)):
            with pytest.raises(InputError, match="Client.from_env") as info:
                ship(client)
            assert_hidden(everything(info.value), SK, PW, "MII" + ST)


def test_run_dask_refuses_a_factory_that_carries_a_secret(tmp_path):
    pytest.importorskip("distributed")
    from ocrframe.dask import run_dask

    image = tmp_path / "a.png"
    image.write_bytes(b"not read: refused first")
    for secret in ({"sk": SK, "ak": AK}, {"password": PW}, {"token": "MII" + ST}):
        factory = functools.partial(Client.from_env, endpoint="http://127.0.0.1:9", **secret)
        with pytest.raises(InputError, match="carries .*=: Dask would ship it") as info:
            run_dask(factory, "general-text", [image], cache=tmp_path / "cache")
        assert_hidden(everything(info.value), SK, PW, "MII" + ST)
    assert not (tmp_path / "cache").exists()


# --- masking keeps what debugging needs -------------------------------------------------------


def test_masks_keep_the_ends_of_the_ak_and_the_facts_of_the_error():
    with Emulator(ak=AK, sk=SK) as emu:
        wrong = Client(endpoint=emu.url, project_id=emu.project_id, ak=AK, sk=SK + "x",
                       retries=0)  # fmt: skip
        assert f"ak='{AK[:4]}****{AK[-4:]}'" in repr(wrong)
        with pytest.raises(AuthError) as info:
            wrong.general_text(url=URL)
    err = info.value
    assert err.code == "APIG.0301" and err.status == 401 and err.request_id
    assert err.request_id in str(err) and "verify aksk signature fail" in str(err)


def test_a_short_secret_does_not_blank_the_text():
    from ocrframe.cloud.redact import redact

    text = "APIG.0301: Incorrect IAM authentication information: verify aksk signature fail"
    assert redact(text, ["a", "fail"]) == text.replace(" fail", " ****")
    assert redact('{"password": "a"} a', ["a"]) == '{"password": "****"} ****'
    assert redact("sk=s%2Fk and s/k", ["s/k"]) == "sk=**** and ****"
    assert redact(f"xx{PW}yy", [PW]) == "xx****yy"  # a long one wherever it is


def test_a_short_secret_leaves_every_error_readable():
    with Emulator(ak="a", sk="b") as emu:
        client = Client(endpoint=emu.url, project_id=emu.project_id, ak="a", sk="b", retries=0)
        emu.set_faults(Faults(rate_500=1.0, count=1))
        with pytest.raises(ApiError) as info:
            client.general_text(url=URL)
    assert "ModelArts.4505" in str(info.value) and "****" not in str(info.value)


# --- the emulator's IAM ------------------------------------------------------------------------


def test_the_emulators_iam_answers_a_non_ascii_password():
    # secrets.compare_digest refuses non-ASCII str: the handler crashed and dropped the
    # connection, so the client saw "could not reach IAM" instead of the 401.
    with Emulator(password="pässwort-ü") as emu:
        for password, status in (("pässwort-ü", 200), ("passwort-ü", 401)):
            client = Client(endpoint=emu.url, iam_endpoint=emu.iam_url,
                            project_id=emu.project_id, username=emu.username,
                            password=password, domain=emu.domain, retries=0)  # fmt: skip
            if status == 200:
                assert client.general_text(url=URL).status == 200
                continue
            with pytest.raises(TokenFetchError) as info:
                client.general_text(url=URL)
            assert info.value.status == 401


# --- tracebacks pickled for Dask ---------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_network_error_pickled_with_its_causes_holds_no_credential():
    """Dask ships a worker's exception with its traceback and causes (tblib). A requests
    error keeps the request it failed to send: its headers (token, ``Access=<AK>``) and, for
    IAM, the body with the password. ocrframe's errors keep the cause's type and reason only."""
    tblib = pytest.importorskip("tblib.pickling_support")
    closed = f"http://127.0.0.1:{_free_port()}"
    clients = [
        Client(endpoint=closed, project_id="p", ak=AK, sk=SK, security_token=ST, retries=0),
        Client(endpoint=closed, project_id="p", token="MII" + ST, retries=0),
        Client(
            endpoint=closed,
            iam_endpoint=closed,
            project_id="p",
            username="bob",
            password=PW,
            domain="acme",
            retries=0,
        ),  # fmt: skip
    ]
    for client in clients:
        with pytest.raises(ApiError) as info:
            client.general_text(url=URL)
        tblib.install(info.value)
        blob = pickle.dumps(info.value)
        assert b"Connection refused" in blob or b"ConnectionError" in blob  # the cause stays
        for secret in (AK, ST, PW):
            assert secret.encode() not in blob, f"{secret[:4]}... in the pickled traceback"
