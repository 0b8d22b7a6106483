"""One retry engine: a failing item sends at most retries + 1 requests, counted over real HTTP
in the emulator's request log, and ``batch.errors.attempts`` says how many were sent."""

from __future__ import annotations

import time

import pytest
from PIL import Image

from ocrframe.cloud.client import Client
from ocrframe.cloud.transport import RetryPolicy
from ocrframe.emulator import Emulator, Faults
from ocrframe.errors import NoAnswerError, TransportError


@pytest.fixture
def scan(tmp_path):
    path = tmp_path / "scan.png"
    Image.new("RGB", (64, 48), "white").save(path)
    return path


def _client(emu, **kw):
    return Client(endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk, **kw)


def _ocr_requests(emu):
    return [r for r in emu.request_log if r.api is not None]


def test_client_and_run_retries_do_not_multiply(scan):
    with Emulator(faults=Faults(rate_500=1.0)) as emu:
        client = _client(emu, retries=RetryPolicy(total=2, sleep=lambda s: None))
        batch = client.run("general-text", [scan], retries=2, backoff=0, progress=False)
        sent = len(_ocr_requests(emu))
    assert sent == 3  # 1 + retries, not (1 + 2) * (1 + 2)
    assert batch.errors["attempts"].tolist() == [3]
    assert batch.errors["error_code"].tolist() == ["ModelArts.4505"]


def test_run_uses_the_clients_policy_by_default(scan):
    with Emulator(faults=Faults(rate_503=1.0)) as emu:
        client = _client(emu, retries=RetryPolicy(total=3, limited=3, backoff_factor=0))
        batch = client.run("general-text", [scan], progress=False)
        sent = len(_ocr_requests(emu))
    assert sent == 4 and batch.errors["attempts"].tolist() == [4]


@pytest.mark.parametrize("kind", ["truncate", "non_json"])
def test_billed_answers_are_retried_once_in_a_run(scan, kind):
    """A truncated or non-JSON HTTP 200 is billed: with the defaults it is sent twice."""
    with Emulator(faults=Faults(**{kind: 1.0})) as emu:
        batch = _client(emu).run("general-text", [scan], backoff=0, progress=False)
        sent = len(_ocr_requests(emu))
    assert sent == 2 and batch.errors["attempts"].tolist() == [2]


def test_run_accepts_a_retry_policy(scan):
    delays = []
    with Emulator(faults=Faults(rate_429=1.0, retry_after=3)) as emu:
        policy = RetryPolicy(total=1, sleep=delays.append)
        batch = _client(emu).run("general-text", [scan], retries=policy, progress=False)
        sent = len(_ocr_requests(emu))
    assert sent == 2 and delays == [3.0]
    assert batch.errors["attempts"].tolist() == [2]
    assert batch.errors["category"].tolist() == ["throttling"]


def test_recovered_item_reports_its_requests(scan, tmp_path):
    with Emulator(faults=Faults(rate_429=1.0, retry_after=0, count=2)) as emu:
        client = _client(emu, retries=0)
        batch = client.run("general-text", [scan], retries=3, cache=tmp_path / "c", progress=False)
        sent = len(_ocr_requests(emu))
    assert batch.errors.empty and sent == 3
    assert list(batch)[0].meta["attempts"] == 3


def test_retry_kinds_come_from_one_function():
    from ocrframe.errors import (
        ApiError,
        InputError,
        MalformedResponseError,
        NoAnswerError,
        TransportError,
    )

    p = RetryPolicy(total=3, limited=1, billed=1)
    assert p.kind(ApiError(code="APIG.0308", status=429)) == "full"
    assert p.kind(ApiError(code="AIS.0105", status=500)) == "limited"
    assert p.kind(MalformedResponseError("cut", status=200)) == "billed"
    assert p.kind(NoAnswerError("no answer in time")) == "billed"
    assert p.kind(TransportError("reset")) == "full"
    assert p.kind(ApiError(code="APIG.0301", status=401)) == "refresh"
    assert p.kind(InputError("bad")) == "never"
    assert [p.cap(k) for k in ("full", "limited", "billed", "never")] == [3, 1, 1, 0]


def _logged(emu, n, wait=5.0):
    """The emulator's OCR requests once ``n`` are logged (a slow answer is logged when the
    emulator finishes it, after the client has given up on it)."""
    end = time.monotonic() + wait
    while len(_ocr_requests(emu)) < n and time.monotonic() < end:
        time.sleep(0.05)
    return _ocr_requests(emu)


def test_an_answer_that_never_comes_is_sent_twice_not_five_times(scan):
    """A request sent whole whose answer does not come within the read timeout may have been
    read and billed: it is repeated as often as a cut-short answer (once by default), not with
    the full schedule of a refused connection."""
    with Emulator(faults=Faults(slow=1.0, slow_seconds=0.8)) as emu:
        client = _client(emu, timeout=(5, 0.2), retries=RetryPolicy(backoff_factor=0))
        with pytest.raises(NoAnswerError) as exc:
            client.call("general-text", scan)
        assert exc.value.attempts == 2 and "may still have read the request" in str(exc.value)
        batch = client.run("general-text", [scan], progress=False)
        assert batch.errors["attempts"].tolist() == [2]
        assert len(_logged(emu, 4)) == 4


def test_a_body_that_stops_coming_is_no_answer_too():
    """requests reports a timeout while reading the body as a ConnectionError around urllib3's
    ReadTimeoutError: the service answered, so it billed the call (a refused connection did
    not reach it and keeps the full schedule)."""
    import requests
    from urllib3.exceptions import ReadTimeoutError

    from ocrframe.cloud.transport import send

    class Session:
        def __init__(self, exc):
            self.exc, self.posts = exc, 0

        def post(self, *args, **kwargs):
            self.posts += 1
            raise self.exc

    stalled = Session(requests.ConnectionError(ReadTimeoutError(None, "/v2/x", "Read timed out.")))
    refused = Session(requests.ConnectionError("Connection refused"))
    policy = RetryPolicy(total=4, backoff_factor=0)
    with pytest.raises(NoAnswerError):
        send(
            stalled, "http://127.0.0.1:9/v2/x", b"{}", api=None, auth=None, timeout=1, policy=policy
        )
    with pytest.raises(TransportError) as exc:
        send(
            refused, "http://127.0.0.1:9/v2/x", b"{}", api=None, auth=None, timeout=1, policy=policy
        )
    assert type(exc.value) is TransportError
    assert (stalled.posts, refused.posts) == (2, 5)
