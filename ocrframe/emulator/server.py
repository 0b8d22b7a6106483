"""HTTP handling and routing: parse the request, ask the backend, write the answer or a fault.

Routes::

    POST /v3/auth/tokens            IAM token (password identity, project scope)
    POST /v2/{project_id}/ocr/{api} every catalogued operation
    GET  /_emulator/log             the request log as JSON
    GET  /_emulator/faults          current fault settings
    POST /_emulator/faults          set faults (JSON of Faults fields; {} clears them)
    POST /_emulator/reset           clear log, tokens, lockouts and fault counters

Control routes need :data:`CONTROL_HEADERS` and refuse requests carrying an ``Origin`` (or
``Sec-Fetch-Site``) of another site: a browser page cannot send the custom header without a
CORS preflight, which the emulator never grants.

>>> sorted(CONTROL_HEADERS)
['Content-Type', 'X-Emulator-Control']
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..catalog import APIS
from ..errors import InputError
from .backend import Backend, LogRecord
from .errors import WireError
from .faults import FaultPlan, Faults

__all__ = ["EmulatorServer", "Handler", "CONTROL_HEADERS"]

# Headers every request to the control routes (/_emulator/...) must carry.
CONTROL_HEADERS = {"Content-Type": "application/json", "X-Emulator-Control": "1"}

log = logging.getLogger("ocrframe.emulator")

_OCR_PATH = re.compile(r"^/v2/(?P<project>[^/]+)/ocr/(?P<slug>[A-Za-z0-9_-]+)/?$")
_READ_LIMIT = 64 * 1024 * 1024  # bodies beyond this are refused unread


def _is_json(content_type: str | None) -> bool:
    """``application/json``, with or without parameters such as ``charset``."""
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


class EmulatorServer(ThreadingHTTPServer):
    """A threaded HTTP server holding the backend, the fault plan and the concurrency gauge."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # listen backlog: a burst of clients connects without resets

    def __init__(
        self, address: tuple[str, int], backend: Backend, faults: Faults | None, latency: float
    ) -> None:
        if ":" in address[0]:  # an IPv6 literal such as ::1
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.backend = backend
        self.plan = FaultPlan(faults)
        self.latency = latency
        self.in_flight = 0
        self.gauge = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out or hung up mid-answer is normal under fault injection.
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


class Handler(BaseHTTPRequestHandler):
    """One connection; HTTP/1.1 keep-alive so clients can pool connections."""

    protocol_version = "HTTP/1.1"
    server_version = "ocrframe-emulator/0.1"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle + delayed ACK add
    # ~40 ms to every answer.
    disable_nagle_algorithm = True
    timeout = 30
    server: EmulatorServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s %s", self.address_string(), format % args)

    # --- plumbing ----------------------------------------------------------------------------

    def _read_body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > _READ_LIMIT:
            self.close_connection = True
            return None
        return self.rfile.read(length) if length else b""

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        *,
        content_type: str = "application/json;charset=utf-8",
        declared_length: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(declared_length or len(body)))
        self.send_header("X-Request-Id", self.request_id)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), headers)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _record(
        self,
        api: str | None,
        auth: str,
        status: int,
        sha: str | None = None,
        fault: str | None = None,
        url_sha: str | None = None,
    ) -> None:
        self.server.backend.record(
            LogRecord(
                time.time(),
                self.command,
                self.path.split("?")[0],
                api,
                auth,
                status,
                sha,
                fault,
                self.request_id,
                url_sha,
            )
        )

    # --- routing -----------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def do_PUT(self) -> None:  # noqa: N802
        self._dispatch()

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        self.request_id = uuid.uuid4().hex
        body = self._read_body()
        if body is None:
            self._send_json(400, WireError("ModelArts.4104").body(self.request_id))
            return
        path = self.path.split("?")[0]
        route = (self.command, path)
        if route == ("POST", "/v3/auth/tokens"):
            status, headers, answer = self.server.backend.issue_token(body)
            self._record(None, "iam", status)
            self._send_json(status, answer, headers)
        elif path.startswith("/_emulator/"):
            refusal = self._control_refusal()
            if refusal:
                self._send_json(403, {"error": refusal})
                return
            self._control(route, body)
        else:
            match = _OCR_PATH.match(path)
            if self.command != "POST" or match is None or match["slug"] not in APIS:
                err = WireError("APIG.0101")
                self._record(None, "none", err.status)
                self._send_json(err.status, err.body(self.request_id))
                return
            self._ocr(match["project"], match["slug"], body)

    def _control_refusal(self) -> str | None:
        """Why a control request is refused (None: accepted)."""
        if not _is_json(self.headers.get("Content-Type")):
            return "control routes need Content-Type: application/json"
        if self.headers.get("X-Emulator-Control") != CONTROL_HEADERS["X-Emulator-Control"]:
            return "control routes need the header X-Emulator-Control: 1"
        origin = self.headers.get("Origin")
        own = {f"http://{self.headers.get('Host', '')}"}
        if (origin is not None and origin not in own) or self.headers.get(
            "Sec-Fetch-Site", "same-origin"
        ) not in ("same-origin", "none"):
            return "cross-origin requests to control routes are refused"
        return None

    def _control(self, route: tuple[str, str], body: bytes) -> None:
        server = self.server
        if route == ("GET", "/_emulator/log"):
            self._send_json(200, [r.to_dict() for r in list(server.backend.log)])
        elif route == ("GET", "/_emulator/faults"):
            self._send_json(200, server.plan.faults.to_dict())
        elif route == ("POST", "/_emulator/faults"):
            try:
                faults = Faults.from_dict(json.loads(body or b"{}"))
            except (ValueError, TypeError, InputError) as exc:
                self._send_json(400, {"error": str(exc)})
                return
            server.plan = FaultPlan(faults)
            self._send_json(200, faults.to_dict())
        elif route == ("POST", "/_emulator/reset"):
            server.backend.reset()
            server.plan = FaultPlan(server.plan.faults)
            self._send_json(200, {"reset": True})
        else:
            self._send_json(404, {"error": f"no control route {route[0]} {route[1]}"})

    # --- OCR ---------------------------------------------------------------------------------

    def _ocr(self, project: str, slug: str, body: bytes) -> None:
        server, backend = self.server, self.server.backend
        url = f"http://{self.headers.get('Host', 'localhost')}{self.path}"
        try:
            auth = backend.authenticate(self.command, url, dict(self.headers.items()), body)
        except WireError as err:
            self._record(slug, "none", err.status)
            self._send_json(err.status, err.body(self.request_id))
            return
        try:
            if project != backend.project_id:
                raise WireError("ModelArts.4203")
            backend.check_available(slug)
            if not _is_json(self.headers.get("Content-Type")):
                raise WireError("ModelArts.4105", "the Content-Type must be application/json")
        except WireError as err:
            self._record(slug, auth, err.status)
            self._send_json(err.status, err.body(self.request_id))
            return
        limit = server.plan.faults.max_concurrency
        with server.gauge:
            server.in_flight += 1
            over = limit is not None and server.in_flight > limit
        try:
            if over:
                err = WireError("ModelArts.4401")
                self._record(slug, auth, err.status, fault="max_concurrency")
                self._send_json(err.status, err.body(self.request_id))
                return
            self._answer(slug, auth, body)
        finally:
            with server.gauge:
                server.in_flight -= 1

    def _answer(self, slug: str, auth: str, body: bytes) -> None:
        server = self.server
        fault = server.plan.draw()
        if server.latency:
            time.sleep(server.latency)
        if fault in ("429", "500", "503"):
            code = {"429": "APIG.0308", "500": "ModelArts.4505", "503": "ModelArts.4403"}[fault]
            err = WireError(code)
            headers = {}
            if fault == "429":
                headers["Retry-After"] = f"{server.plan.faults.retry_after:g}"
            self._record(slug, auth, err.status, fault=fault)
            self._send_json(err.status, err.body(self.request_id), headers)
            return
        if fault == "drop":
            self._record(slug, auth, 0, fault=fault)
            self._drop()
            return
        if fault == "slow":
            time.sleep(server.plan.faults.slow_seconds)
        try:
            answer, sha, url_sha = server.backend.recognize(slug, body)
        except WireError as err:
            self._record(slug, auth, err.status, fault=fault)
            nested = APIS[slug].errors_in_result  # General Table nests them in "result"
            self._send_json(err.status, err.body(self.request_id, nested=nested))
            return
        payload = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self._record(slug, auth, 200, sha, fault, url_sha)
        if fault == "non_json":
            html = b"<html><body><h1>502 Bad Gateway</h1>upstream hiccup</body></html>"
            self._send(200, html, content_type="text/html")
        elif fault == "truncate":
            self.close_connection = True
            self._send(200, payload[: len(payload) // 2], declared_length=len(payload))
        else:
            self._send(200, payload)
