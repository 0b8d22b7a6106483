"""The one home of how credentials are checked, shown and kept out of text ocrframe emits.

- :func:`check_credential`: a credential is refused, without being echoed, when sending it
  would break the request (and make the HTTP library repeat it in its error);
- :func:`check_endpoint`: a base URL with a password, a query or a fragment is refused (a
  password in ``user:pw@host`` would go out in the ``Host`` header);
- :func:`mask` shows a credential in a repr; :func:`redact_url` shows a URL;
- :func:`redact` takes known secrets out of text that came from elsewhere (a server's error
  body that echoes the request) before it becomes an error message.

>>> redact("IAM says: bad password 'hunter2-pass'", ["hunter2-pass"])
"IAM says: bad password '****'"
>>> redact_url("http://user:pw@proxy.example:8080/v3?token=abc")
'http://****@proxy.example:8080/v3?token=****'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, urlsplit

from ..errors import InputError
from ..inputs.urls import query_and_fragment, split_url

__all__ = [
    "mask",
    "redact",
    "redact_url",
    "check_credential",
    "check_endpoint",
    "ASCII_CREDENTIALS",
    "SHORT",
    "SECRET_KEYWORDS",
    "bare_cause",
]

# Credentials that travel in HTTP headers or the signature: the service issues them as
# printable ASCII, and http.client refuses anything else with an error holding the value.
ASCII_CREDENTIALS = frozenset({"ak", "sk", "token", "security_token", "project_id"})
SHORT = 8  # secrets shorter than this are redacted only where they stand alone
# Keyword arguments (of Client and Client.from_env) whose values are secrets.
SECRET_KEYWORDS = frozenset({"sk", "password", "token", "security_token"})


def mask(secret: str | None) -> str:
    """Show a credential in a repr: its first 4 characters, and its last 4 once it has 20
    or more (an access key ID has 20), so keys can be told apart; never all of it.

    >>> mask("AKTESTEXAMPLE0000001")
    'AKTE****0001'
    >>> mask("AKTESTEXAMPLE")
    'AKTE****'
    >>> mask("short")
    '****'
    """
    if not secret:
        return "''"
    if len(secret) >= 20:
        return secret[:4] + "****" + secret[-4:]
    return secret[:4] + "****" if len(secret) >= 12 else "****"


def _forms(secret: str) -> set[str]:
    """The spellings a secret takes in text: as is, URL-quoted, and JSON-escaped."""
    return {secret, quote(secret, safe=""), quote_plus(secret), secret.replace('"', '\\"')}


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every occurrence of each secret (as is, URL-quoted or JSON-escaped)
    replaced by ``****``.

    A secret shorter than :data:`SHORT` characters is replaced only where it stands alone
    (not inside a longer word), so a secret such as ``"a"`` hides the standalone ``a`` and
    leaves the rest of the text readable; a longer one is replaced wherever it is.

    >>> redact("verify aksk signature fail: sk=a", ["a"])
    'verify aksk signature fail: sk=****'
    """
    forms = sorted({f for s in secrets if s for f in _forms(s)}, key=len, reverse=True)
    if not forms or not text:
        return text
    alone = r"(?<![A-Za-z0-9])(?:{})(?![A-Za-z0-9])"
    pattern = "|".join(
        alone.format(re.escape(f)) if len(f) < SHORT else re.escape(f) for f in forms
    )
    return re.sub(pattern, "****", text)


def redact_url(url: str) -> str:
    """A URL fit for a message: its user name and password, every query value and the
    fragment become ``****``; scheme, host, port and path stay.

    >>> redact_url("https://ocr.example.com/v2/p/ocr/general-text")
    'https://ocr.example.com/v2/p/ocr/general-text'
    """
    scheme, user, host, path, tail = split_url(str(url))
    query, fragment = query_and_fragment(tail)
    qmark = "?" if tail.startswith("?") else ""
    query = re.sub(r"(^|[&;])([^=&;]*=)[^&;]*", r"\1\2****", query)
    hidden = "#****" if len(fragment) > 1 else fragment
    return scheme + ("****@" if user else "") + host + path + qmark + query + hidden


def check_credential(name: str, value: object) -> str | None:
    """``value`` unchanged when it is a usable credential (or None); InputError otherwise.

    A credential read from a file often ends with a newline; sent as is it breaks the header
    (and the HTTP library would echo it in its error). Those in :data:`ASCII_CREDENTIALS`
    must be printable ASCII: a pasted look-alike character would make ``http.client`` raise
    an error that holds the whole header. The message names the credential and the problem,
    never its value.

    >>> check_credential("sk", "s3cret\\n")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ocrframe.errors.InputError: sk has leading or trailing whitespace or a line break ...
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{name} must be a string, got {type(value).__name__}")
    if value != value.strip() or any(c in value for c in "\r\n"):
        raise InputError(
            f"{name} has leading or trailing whitespace or a line break (read from a file?); "
            "strip it, e.g. value.strip()"
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InputError(f"{name} contains a control character; copy it again from the console")
    if name in ASCII_CREDENTIALS and not value.isascii():
        where = next(i for i, c in enumerate(value) if not c.isascii())
        raise InputError(
            f"{name} contains a non-ASCII character (at position {where + 1} of {len(value)}); "
            "the service issues it as plain ASCII: copy it again from the console"
        )
    return value


def check_endpoint(name: str, url: object) -> str:
    """A base URL (``http(s)://host[:port][/path]``) without a password, query or fragment.

    A ``user:password@`` part would be sent in the ``Host`` header and shown wherever the
    URL is; a query or fragment would end up before the API path. The message shows the URL
    with :func:`redact_url`.

    >>> check_endpoint("endpoint", "http://127.0.0.1:8080/")
    'http://127.0.0.1:8080'
    >>> check_endpoint("endpoint", "http://me:pw@127.0.0.1:8080")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ocrframe.errors.InputError: endpoint must not hold a user name or password ...
    """
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        shown = redact_url(url) if isinstance(url, str) else type(url).__name__
        raise InputError(f"{name} must start with http:// or https://, got {shown!r}")
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise InputError(
            f"{name} must not hold a user name or password ({redact_url(url)!r}): it would be "
            "sent in the Host header; ocrframe signs requests itself, and a proxy's password "
            "belongs in HTTPS_PROXY"
        )
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise InputError(
            f"{name} must be a base URL without '?' or '#' ({redact_url(url)!r}): the API "
            "path is appended to it"
        )
    return url.rstrip("/")


def bare_cause(exc: BaseException, reason: str) -> BaseException:
    """The cause an ocrframe error keeps of a network library's ``exc``: its type and
    ``reason``, without the request, response and connection it holds (the request's headers
    and body carry the credentials, and a traceback pickled for Dask takes its causes along).
    Raise the error outside the ``except`` block, so ``exc`` is not kept as its context.

    >>> import requests
    >>> err = requests.ConnectionError("refused", request=requests.Request("POST", "http://x"))
    >>> cause = bare_cause(err, "refused")
    >>> type(cause).__name__, cause.request
    ('ConnectionError', None)
    """
    try:
        return type(exc)(reason)
    except Exception:  # noqa: BLE001 - a type that needs other arguments: its name stays
        return RuntimeError(f"{type(exc).__name__}: {reason}")
