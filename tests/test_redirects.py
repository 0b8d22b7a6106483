"""The client never follows a redirect: a 3xx would carry the image (and the signed headers,
or IAM's password body) to another host. Real HTTP on 127.0.0.1: one server redirects, the
other records whether anything reached it."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from ocrframe.cloud.client import Client
from ocrframe.errors import ApiError, TokenFetchError
from ocrframe.samples import sample_path


class Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[bytes]
    location: str | None = None

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append(body)
        if self.location:
            self.send_response(307)
            self.send_header("Location", self.location)
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def serve(location: str | None) -> tuple[http.server.ThreadingHTTPServer, list[bytes]]:
    seen: list[bytes] = []
    handler = type("Handler", (Recorder,), {"seen": seen, "location": location})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


@pytest.fixture
def redirect() -> Iterator[tuple[str, list[bytes], list[bytes]]]:
    """``(url of a server redirecting with 307, what it received, what its target got)``."""
    target, reached = serve(None)
    source, sent = serve(f"http://127.0.0.1:{target.server_port}/elsewhere")
    yield f"http://127.0.0.1:{source.server_port}", sent, reached
    for server in (source, target):
        server.shutdown()
        server.server_close()


def test_an_ocr_call_answered_with_a_redirect_is_an_error_and_goes_nowhere(redirect):
    url, sent, reached = redirect
    client = Client(endpoint=url, project_id="p", ak="AK", sk="SK", retries=0)
    with pytest.raises(ApiError, match="redirects to 'http://127.0.0.1:.*/elsewhere'") as info:
        client.call("general-text", sample_path("receipt-cafe.png").read_bytes())
    assert info.value.status == 307 and "endpoint=" in str(info.value)
    assert len(sent) == 1 and reached == []  # the image went to the endpoint only


def test_iam_token_request_is_not_redirected_with_the_password(redirect):
    url, sent, reached = redirect
    client = Client(endpoint=url, iam_endpoint=url, project_id="p", username="u",
                    password="pa55-word", domain="d", retries=0)  # fmt: skip
    with pytest.raises(TokenFetchError):
        client.call("general-text", sample_path("receipt-cafe.png").read_bytes())
    assert len(sent) == 1 and b"pa55-word" in sent[0]  # IAM itself got it
    assert reached == []
