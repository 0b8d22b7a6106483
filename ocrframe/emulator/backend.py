"""The emulator's state and behaviour, free of HTTP: credentials, tokens, checks, results, log.

>>> b = Backend(ak="AK", sk="SK", project_id="p", username="u", password="pw", domain="d")
>>> "result" in b.recognize("general-text", b'{"url": "https://example.com/a.png"}')[0]
True
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from ..catalog import ApiSpec, get_api
from ..cloud.auth import verify_request
from ..errors import ApiError, InputError, SignatureError
from ..inputs.params import check_params
from ..local import answers  # what the local engine answers: ApiSpec.local, and its options
from .errors import WireError, iam_error

__all__ = ["Backend", "LogRecord", "MAX_BODY"]

MAX_BODY = 10 * 1024 * 1024  # ModelArts.4104: the request body cannot exceed 10 MB
LOCK_AFTER = 5  # consecutive bad signatures before an AK is locked (aksk-signing.md)
LOCK_SECONDS = 300.0


@dataclass
class LogRecord:
    """One request the emulator answered.

    ``auth`` is ``"token"``, ``"aksk"``, ``"none"`` or ``"iam"`` (a token request);
    ``image_sha256`` is the SHA-256 of the decoded image field (None for URLs); ``url_sha256``
    that of the ``url`` field's UTF-8 text, exactly as received (the URL itself is not kept: a
    presigned URL holds a signature); ``fault`` names the injected fault, if any; ``status`` is
    0 for a dropped connection.
    """

    time: float
    method: str
    path: str
    api: str | None
    auth: str
    status: int
    image_sha256: str | None = None
    fault: str | None = None
    request_id: str | None = None
    url_sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Backend:
    """Accepted credentials, issued tokens, AK lockouts and the request log."""

    def __init__(
        self,
        *,
        ak: str,
        sk: str,
        project_id: str,
        username: str,
        password: str,
        domain: str,
        token_ttl: float = 24 * 3600.0,
        engine: Any = None,
        project_name: str = "ap-southeast-1",
        region: str | None = None,
        subscriptions: frozenset[str] | None = None,
    ) -> None:
        self.ak, self._sk, self.project_id = ak, sk, project_id
        self.project_name = project_name
        self.region = region  # None: every operation is deployed here
        self.subscriptions = subscriptions  # None: every operation is subscribed
        self.username, self._password, self.domain = username, password, domain
        self.token_ttl = token_ttl
        self.engine = engine
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._failures: dict[str, tuple[int, float]] = {}
        self.log: list[LogRecord] = []

    def __repr__(self) -> str:
        return f"Backend(project_id={self.project_id!r}, tokens={len(self._tokens)})"

    def reset(self) -> None:
        """Forget tokens, lockouts and the request log."""
        with self._lock:
            self._tokens.clear()
            self._failures.clear()
            self.log.clear()

    def record(self, rec: LogRecord) -> None:
        with self._lock:
            self.log.append(rec)

    def expire_tokens(self) -> None:
        """Make every issued token expired (to test refresh without waiting)."""
        with self._lock:
            for tok in self._tokens:
                self._tokens[tok] = 0.0

    # --- IAM ---------------------------------------------------------------------------------

    def issue_token(self, raw: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
        """Answer ``POST /v3/auth/tokens``: (status, headers, body)."""
        try:
            auth = json.loads(raw)["auth"]
            user = auth["identity"]["password"]["user"]
            name, password = user["name"], user["password"]
            domain = user["domain"]["name"]
            project = auth["scope"]["project"]
        except (ValueError, KeyError, TypeError):
            return 400, {}, iam_error(400, "The request body is invalid.")
        if "password" not in (auth.get("identity", {}).get("methods") or []):
            return 400, {}, iam_error(400, "Only the password method is supported.")
        ok = all(  # as bytes: compare_digest refuses non-ASCII str (the handler would crash)
            secrets.compare_digest(str(given).encode("utf-8"), own.encode("utf-8"))
            for given, own in ((name, self.username), (password, self._password),
                               (domain, self.domain))
        )  # fmt: skip
        if not ok:
            return 401, {}, iam_error(401, "The username or password is wrong.")
        if not self._own_project(project):
            return 401, {}, iam_error(401, "The project does not exist or is not authorized.")
        token = "MIIemu" + secrets.token_urlsafe(48)
        now = time.time()
        expires = now + self.token_ttl
        with self._lock:
            self._tokens[token] = expires
        body = {
            "token": {
                "expires_at": _iso(expires),
                "issued_at": _iso(now),
                "methods": ["password"],
                "project": {
                    "id": self.project_id,
                    "name": project.get("name") or "emulator",
                    "domain": {"name": self.domain},
                },
                "user": {"name": self.username, "domain": {"name": self.domain}},
            }
        }
        return 201, {"X-Subject-Token": token}, body

    def _own_project(self, scope: Any) -> bool:
        """A token is scoped to one project, by id or by name (the region's name)."""
        if not isinstance(scope, dict) or not ("id" in scope or "name" in scope):
            return False
        return scope.get("id", self.project_id) == self.project_id and (
            scope.get("name", self.project_name) == self.project_name
        )

    # --- OCR auth ----------------------------------------------------------------------------

    def authenticate(self, method: str, url: str, headers: dict[str, str], body: bytes) -> str:
        """Return ``"token"`` or ``"aksk"``; raise :class:`WireError` (APIG.0301) otherwise."""
        lowered = {k.lower(): v for k, v in headers.items()}
        token = lowered.get("x-auth-token")
        if token is not None:
            with self._lock:
                expires = self._tokens.get(token)
            if expires is None:
                raise WireError("APIG.0301", "decrypt token fail")
            if time.time() >= expires:
                raise WireError("APIG.0301", "token expires")
            return "token"
        if "authorization" in lowered:
            self._verify_aksk(method, url, headers, body)
            return "aksk"
        raise WireError("APIG.0301", "x-auth-token not found")

    def _verify_aksk(self, method: str, url: str, headers: dict[str, str], body: bytes) -> None:
        now = time.time()
        with self._lock:
            count, locked_until = self._failures.get(self.ak, (0, 0.0))
        if locked_until > now:
            raise WireError(
                "APIG.0301",
                "verify aksk signature fail, the AK/SK is locked for 5 minutes after 5 "
                "consecutive failures",
            )
        try:
            verify_request(method, url, headers, body, {self.ak: self._sk}.get, now=now)
        except SignatureError as exc:
            if exc.message == "unknown access key":
                raise WireError("APIG.0301", "verify aksk signature fail") from None
            with self._lock:
                count += 1
                until = now + LOCK_SECONDS if count >= LOCK_AFTER else 0.0
                self._failures[self.ak] = (0 if until else count, until)
            raise WireError("APIG.0301", str(exc.message)) from None
        with self._lock:
            self._failures.pop(self.ak, None)
        project = {k.lower(): v for k, v in headers.items()}.get("x-project-id")
        if project is not None and project != self.project_id:
            raise WireError("APIG.0301", "the X-Project-Id does not match the credentials")

    # --- deployment and subscriptions --------------------------------------------------------

    def check_available(self, slug: str) -> None:
        """Raise what the service answers for an operation not deployed in the emulator's
        region (``APIG.0101``: the endpoint has no such API) or not subscribed
        (``ModelArts.4204``). Operations whose regions the catalog does not know are deployed
        everywhere."""
        spec = get_api(slug)
        if self.region is not None and spec.regions and self.region not in spec.regions:
            raise WireError(
                "APIG.0101", f"{spec.slug} is not deployed in {self.region}", api=spec.slug
            )
        if self.subscriptions is not None and spec.slug not in self.subscriptions:
            raise WireError("ModelArts.4204", api=spec.slug)

    # --- recognition -------------------------------------------------------------------------

    def recognize(self, slug: str, raw: bytes) -> tuple[dict[str, Any], str | None, str | None]:
        """Check a request body and answer it: (response body, sha256 of the image or None,
        sha256 of the URL or None)."""
        spec = get_api(slug)
        if len(raw) > MAX_BODY:
            raise WireError("ModelArts.4104")
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise WireError("ModelArts.4105") from None
        if not isinstance(body, dict):
            raise WireError("ModelArts.4105")
        image_field = spec.image_field
        value = body.pop(image_field, None) if image_field else None
        url = body.pop("url", None) if image_field else None
        try:
            params = check_params(spec, body)
        except InputError as exc:
            raise WireError("AIS.0101", str(exc)) from None
        if image_field is None:
            return self._answer(spec, None, None, params, seed=_seed(raw)), None, None
        if bool(value) == bool(url):
            raise WireError("AIS.0101", f"set either {image_field} or url")
        if url is not None:
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise WireError("ModelArts.4601")
            url_sha = hashlib.sha256(url.encode("utf-8")).hexdigest()
            return self._answer(spec, None, None, params, seed=_seed(url.encode())), None, url_sha
        data = self._decode(spec, value)
        sha = hashlib.sha256(data).hexdigest()
        size = self._check_image(spec, data)
        if size and spec.max_pixels and size[0] * size[1] > spec.max_pixels:
            raise WireError(
                "AIS.0103", f"{size[0]}x{size[1]} px exceeds {spec.max_pixels:,} pixels"
            )
        return self._answer(spec, data, size, params, seed=int(sha[:12], 16)), sha, None

    @staticmethod
    def _decode(spec: ApiSpec, value: Any) -> bytes:
        if not isinstance(value, str):
            raise WireError("AIS.0101", f"{spec.image_field} must be a Base64 string")
        if value.lstrip().lower().startswith("data:"):
            raise WireError("AIS.0102", "remove the data:...;base64, prefix")
        if len(value) > spec.max_base64_bytes:
            raise WireError("AIS.0103", "the Base64 image exceeds 10 MB")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise WireError("AIS.0102", f"{spec.image_field} is not Base64") from None

    @staticmethod
    def _check_image(spec: ApiSpec, data: bytes) -> tuple[int, int] | None:
        from ..inputs.check import image_problems, probe

        facts = probe(data)
        problems = image_problems(spec, facts)
        if problems:
            raise WireError(problems[0].code, problems[0].message)
        if facts.width is None or facts.height is None:
            if facts.fmt == "pdf":
                return None
            raise WireError("AIS.0104")  # a format the service cannot decode here
        return facts.width, facts.height

    def _answer(
        self,
        spec: ApiSpec,
        data: bytes | None,
        size: tuple[int, int] | None,
        params: dict[str, Any],
        *,
        seed: int,
    ) -> dict[str, Any]:
        if self.engine is not None and data is not None and answers(spec.slug, params):
            try:
                return self.engine.call(spec.slug, data, **params).raw
            except ApiError as exc:
                raise WireError(exc.code or "AIS.0105", status=exc.status) from None
            except InputError as exc:
                raise WireError("AIS.0104", str(exc)) from None
        from ..synth import synthesize

        try:
            return synthesize(spec.slug, seed=seed, params=params, image_size=size)
        except InputError as exc:  # e.g. an image too small to lay a document out on
            raise WireError("AIS.0103", str(exc)) from None


def _seed(data: bytes) -> int:
    return int(hashlib.sha256(data).hexdigest()[:12], 16)
