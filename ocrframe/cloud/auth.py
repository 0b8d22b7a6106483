"""Authentication: AK/SK request signing (SDK-HMAC-SHA256) and IAM token auth.

Both are :class:`requests.auth.AuthBase` objects, so they act on the final prepared request.
Signing is built on the pure function :func:`sign_request`, which reproduces the official
SDK's ``Authorization`` header byte for byte (see ``../shared/reference/aksk-signing.md``).

>>> headers = sign_request(
...     "POST", "https://ocr.ap-southeast-1.myhuaweicloud.com/v2/p/ocr/general-text",
...     {"Content-Type": "application/json", "X-Sdk-Date": "20240102T030405Z"}, b"{}",
...     "AK", "SK")
>>> headers["Authorization"][:60]
'SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x'
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import requests
from requests.auth import AuthBase

from ..errors import InputError, SignatureError, TokenFetchError
from .redact import bare_cause, check_credential, check_endpoint, mask, redact

__all__ = [
    "ALGORITHM",
    "DATE_FORMAT",
    "SignatureError",
    "TokenFetchError",
    "sign_request",
    "verify_request",
    "canonical_request",
    "AkSkAuth",
    "TokenAuth",
    "mask",
    "check_credential",
    "CredentialAuth",
]

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
TOKEN_LIFETIME = 24 * 3600.0


# --- the signing algorithm ---------------------------------------------------------------------


def _encode(value: str) -> str:
    return quote(value, safe="~")


def _canonical_uri(path: str) -> str:
    uri = "/".join(_encode(seg) for seg in unquote(path or "/").split("/"))
    return uri if uri.endswith("/") else uri + "/"


def _canonical_query(query: str) -> str:
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs)


def _body_bytes(body: bytes | str | None) -> bytes:
    if body is None:
        return b""
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def canonical_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | str | None,
    signed_headers: list[str] | None = None,
) -> tuple[str, list[str]]:
    """Build the canonical request and the list of signed header names (lowercase, sorted).

    ``signed_headers=None`` signs every header whose name has no ``_``; a verifier passes the
    list it read from the ``Authorization`` header instead.
    """
    lowered: dict[str, str] = {}
    for name, value in headers.items():
        lowered.setdefault(name.lower(), str(value).strip())
    if signed_headers is None:
        signed_headers = sorted(n for n in lowered if "_" not in n)
    parts = urlsplit(url)
    canon_headers = "".join(f"{n}:{lowered.get(n, '')}\n" for n in signed_headers)
    if lowered.get("x-sdk-content-sha256") == UNSIGNED_PAYLOAD:
        payload_hash = UNSIGNED_PAYLOAD
    else:
        payload_hash = hashlib.sha256(_body_bytes(body)).hexdigest()
    text = "\n".join(
        [
            method.upper(),
            _canonical_uri(parts.path),
            _canonical_query(parts.query),
            canon_headers,
            ";".join(signed_headers),
            payload_hash,
        ]
    )
    return text, signed_headers


def _signature(canonical: str, date: str, sk: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    string_to_sign = f"{ALGORITHM}\n{date}\n{digest}"
    return hmac.new(sk.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def _get(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def sign_request(
    method: str,
    url: str,
    headers: Mapping[str, str] | None,
    body: bytes | str | None,
    ak: str,
    sk: str,
) -> dict[str, str]:
    """Sign a request with AK/SK (SDK-HMAC-SHA256) and return the headers to send.

    The result holds ``headers`` plus ``X-Sdk-Date`` (kept when already present, which freezes
    time), ``X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`` for a non-JSON ``Content-Type``, ``Host``
    and ``Authorization``. Every header whose name has no ``_`` is signed.

    Parameters
    ----------
    method, url : str
        HTTP method and the full URL, query string included.
    headers : mapping
        Headers to sign, e.g. ``Content-Type`` and ``X-Project-Id``.
    body : bytes, str or None
        Exactly the bytes that will be sent (str is UTF-8 encoded).
    ak, sk : str
        Access key ID and secret access key.

    Examples
    --------
    >>> h = sign_request("GET", "https://example.com/v3/projects?b=1", {"X-Sdk-Date":
    ...                  "20240102T030405Z"}, None, "AK", "SK")
    >>> sorted(h)
    ['Authorization', 'Host', 'X-Sdk-Date']
    """
    if not ak or not sk:
        raise InputError("AK/SK signing needs both ak and sk; pass them or use token auth")
    out = dict(headers or {})
    date = _get(out, "X-Sdk-Date")
    if date is None:
        date = datetime.now(UTC).strftime(DATE_FORMAT)
        out["X-Sdk-Date"] = date
    content_type = _get(out, "Content-Type")
    if content_type and not content_type.lower().startswith("application/json"):
        out["X-Sdk-Content-Sha256"] = UNSIGNED_PAYLOAD
    if _get(out, "Host") is None:
        out["Host"] = urlsplit(url).netloc
    canonical, signed = canonical_request(method, url, out, body)
    signature = _signature(canonical, date, sk)
    out["Authorization"] = (
        f"{ALGORITHM} Access={ak}, SignedHeaders={';'.join(signed)}, Signature={signature}"
    )
    return out


def verify_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    lookup_sk: Callable[[str], str | None],
    *,
    max_skew: float = 15 * 60,
    now: float | None = None,
) -> str:
    """Check the AK/SK signature of a received request; return the access key on success.

    ``lookup_sk(ak)`` returns the secret for a known access key, or None. Raises
    :class:`SignatureError` (no secret in the message) when the header is malformed, the key
    unknown, the date too far from ``now`` or the signature wrong.
    """
    auth = _get(headers, "Authorization") or ""
    if not auth.startswith(ALGORITHM + " "):
        raise SignatureError("missing or malformed SDK-HMAC-SHA256 Authorization header")
    fields: dict[str, str] = {}
    for part in auth[len(ALGORITHM) + 1 :].split(","):
        key, _, value = part.strip().partition("=")
        fields[key] = value
    ak, signed, given = fields.get("Access"), fields.get("SignedHeaders"), fields.get("Signature")
    date = _get(headers, "X-Sdk-Date")
    if not ak or not signed or not given or not date:
        raise SignatureError("Authorization header lacks Access, SignedHeaders or Signature")
    try:
        stamp = calendar.timegm(time.strptime(date, DATE_FORMAT))
    except ValueError:
        raise SignatureError(f"X-Sdk-Date {date!r} is not in {DATE_FORMAT} format") from None
    if abs((time.time() if now is None else now) - stamp) > max_skew:
        raise SignatureError("X-Sdk-Date is more than 15 minutes away from the server clock")
    sk = lookup_sk(ak)
    if sk is None:
        raise SignatureError("unknown access key")
    canonical, _ = canonical_request(method, url, headers, body, signed.split(";"))
    if not hmac.compare_digest(_signature(canonical, date, sk), given):
        raise SignatureError("verify aksk signature fail")
    return ak


# --- requests auth objects ---------------------------------------------------------------------


class CredentialAuth(AuthBase):
    """What both auth objects share: the secrets they hold, and no pickling.

    A pickled client would carry its secret key or password wherever the bytes go (a Dask
    task graph, a spilled partition, a multiprocessing queue), so pickling and copying are
    refused; build the client where it runs instead.
    """

    def secrets(self) -> tuple[str, ...]:
        """The values to keep out of any text built from a server's answer."""
        raise NotImplementedError

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise InputError(
            f"{type(self).__name__} holds credentials and is not pickled or copied: give Dask "
            "or multiprocessing a function that builds the client where it runs, e.g. "
            "functools.partial(Client.from_env), with the credentials in that environment"
        )


class AkSkAuth(CredentialAuth):
    """Sign each prepared request with AK/SK, as the official SDK does.

    Signs ``Content-Type``, ``Host``, ``User-Agent`` and the ``X-*`` headers (transport headers
    such as ``Connection`` are left out so proxies cannot break the signature); adds
    ``X-Project-Id`` and, for temporary credentials, ``X-Security-Token``.

    Examples
    --------
    >>> auth = AkSkAuth("AKTESTEXAMPLE0000001", "secret-key-000000", project_id="p1")
    >>> auth
    AkSkAuth(ak='AKTE****0001', sk=****, project_id='p1')
    """

    _SIGNED = ("content-type", "host", "user-agent")

    def __init__(
        self,
        ak: str,
        sk: str,
        *,
        project_id: str | None = None,
        security_token: str | None = None,
    ) -> None:
        if not ak or not sk:
            raise InputError("AK/SK auth needs both ak= and sk=; find them under My Credentials")
        for name, value in (("ak", ak), ("sk", sk), ("security_token", security_token)):
            check_credential(name, value)
        self.ak = ak
        self._sk = sk
        self.project_id = project_id
        self._security_token = security_token

    def __repr__(self) -> str:
        extra = f", project_id={self.project_id!r}" if self.project_id else ""
        return f"AkSkAuth(ak={mask(self.ak)!r}, sk=****{extra})"

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.ak, self._sk, self._security_token) if s)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        for name in ("Authorization", "X-Sdk-Date", "X-Sdk-Content-Sha256"):
            r.headers.pop(name, None)
        if self.project_id:
            r.headers["X-Project-Id"] = self.project_id
        if self._security_token:
            r.headers["X-Security-Token"] = self._security_token
        to_sign = {
            k: v
            for k, v in r.headers.items()
            if k.lower() in self._SIGNED or k.lower().startswith("x-")
        }
        signed = sign_request(r.method or "POST", r.url or "", to_sign, r.body, self.ak, self._sk)
        r.headers.update(signed)
        return r


class TokenAuth(CredentialAuth):
    """IAM token auth: sends ``X-Auth-Token``, fetching and caching the token as needed.

    With a username, password and domain the token is fetched from
    ``{iam_endpoint}/v3/auth/tokens`` (password identity, project scope), cached until shortly
    before its ``expires_at`` (24 h), and refetched after :meth:`invalidate`. With ``token=`` a
    ready token is sent as is and cannot be refreshed.

    Examples
    --------
    >>> TokenAuth(token="MIIsecret-token-value")
    TokenAuth(token=****)
    """

    def __init__(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        domain: str | None = None,
        iam_endpoint: str | None = None,
        project_id: str | None = None,
        project_name: str | None = None,
        token: str | None = None,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = (5, 30),
        clock: Callable[[], float] = time.time,
    ) -> None:
        for name, value in (("token", token), ("password", password)):
            check_credential(name, value)
        if token is None:
            missing = [
                n
                for n, v in (
                    ("username", username),
                    ("password", password),
                    ("domain", domain),
                    ("iam_endpoint", iam_endpoint),
                )
                if not v
            ]
            if missing:
                raise InputError(
                    f"token auth needs {', '.join(missing)}; pass username/password/domain "
                    "(and iam_endpoint) or a ready token="
                )
            if not (project_id or project_name):
                raise InputError("token auth needs project_id= or a project name (the region)")
        self.username = username
        self._password = password
        self.domain = domain
        self.iam_endpoint = check_endpoint("iam_endpoint", iam_endpoint) if iam_endpoint else None
        self.project_id = project_id
        self.project_name = project_name
        self._token = token
        self._expires = float("inf") if token else 0.0
        self._static = token is not None
        self._session = session
        self._timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()
        self.fetches = 0  # how many tokens were fetched from IAM

    def __repr__(self) -> str:
        if self._static:
            return "TokenAuth(token=****)"
        return (
            f"TokenAuth(username={self.username!r}, password=****, domain={self.domain!r}, "
            f"iam_endpoint={self.iam_endpoint!r})"
        )

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self._password, self._token) if s)

    @property
    def can_refresh(self) -> bool:
        """True when a new token can be fetched (not a ready ``token=``)."""
        return not self._static

    def invalidate(self) -> None:
        """Forget the cached token so the next request fetches a new one."""
        if not self._static:
            with self._lock:
                self._token, self._expires = None, 0.0

    def token(self) -> str:
        """The current token, fetched from IAM when missing or about to expire."""
        with self._lock:
            now = self._clock()
            if self._token is None or now >= self._expires:
                self._token, self._expires = self._fetch(now)
            return self._token

    def _fetch(self, now: float) -> tuple[str, float]:
        scope = {"id": self.project_id} if self.project_id else {"name": self.project_name}
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": self.username,
                            "password": self._password,
                            "domain": {"name": self.domain},
                        }
                    },
                },
                "scope": {"project": scope},
            }
        }
        url = f"{self.iam_endpoint}/v3/auth/tokens"
        session = self._session or requests.Session()
        resp = cause = None
        try:
            # never redirected: the body holds the password
            resp = session.post(url, json=body, timeout=self._timeout, allow_redirects=False)
        except requests.RequestException as exc:  # its request holds the password: not kept
            cause = bare_cause(exc, str(exc))
        finally:
            if self._session is None:
                session.close()
        if resp is None:
            raise TokenFetchError(
                f"could not reach IAM at {url} to get a token: {type(cause).__name__}",
                status=None,
            ) from cause
        token = resp.headers.get("X-Subject-Token")
        if resp.status_code >= 300 or not token:
            raise TokenFetchError(
                f"IAM refused the token request: {_iam_message(resp, self.secrets())}. "
                "Check username, password, domain (account name) and the project/region",
                status=resp.status_code,
                request_id=resp.headers.get("X-Request-Id"),
            )
        self.fetches += 1
        expires = now + TOKEN_LIFETIME
        try:
            stamp = resp.json()["token"]["expires_at"]
            expires = datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
        lifetime = max(expires - now, 0.0)
        # Refresh a little before expiry: 5 minutes, or a tenth of a short lifetime.
        return token, expires - min(300.0, lifetime / 10)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["X-Auth-Token"] = self.token()
        return r


def _iam_message(resp: requests.Response, secrets: tuple[str, ...]) -> str:
    """IAM's reason for refusing, any secret it echoes redacted (before it is cut short)."""
    try:
        body: Any = resp.json()
    except ValueError:
        return f"HTTP {resp.status_code}"
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict) and err.get("message"):
        return f"HTTP {resp.status_code} {redact(str(err.get('message')), secrets).rstrip('.')}"
    return f"HTTP {resp.status_code} {redact(json.dumps(body), secrets)[:200]}"
