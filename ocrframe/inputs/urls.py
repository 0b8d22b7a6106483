"""How ocrframe names a URL input, and what it counts as the same input: the one home of the
rule for presigned URLs (private OBS, S3, GCS or Azure objects shared for a while by a signed
query string).

A presigned URL carries two kinds of signing parameter (names compared case-insensitively,
after percent-decoding):

- **secrets** (:data:`SECRET_PARAMS`): the signature and the credentials it was made with
  (access key IDs, security tokens, ``X-Amz-Credential`` which starts with the access key ID,
  ``Key-Pair-Id``, ``GoogleAccessId``, Azure's ``sig``, and generic ``token``, ``password``,
  ``api_key``...). Their values are shown as ``****``.
- **validity** (:data:`VALIDITY_PARAMS`): when and how it was signed (``Expires``,
  ``X-Amz-Date``, ``X-Amz-Expires``, ``X-Amz-SignedHeaders``, the algorithm, CloudFront's
  ``Policy``, Azure's ``sv``, ``se``, ``sp``...). They reveal no credential, so they stay in the
  label, but they change each time the object is signed again. A validity parameter counts
  only beside its scheme's signature (``Expires`` beside ``Signature``, ``sp`` beside ``sig``):
  ``?sp=2`` in an unsigned URL is the URL's own parameter.

:func:`url_label` names the input everywhere ocrframe shows or writes it (the ``source``
column, saved headers, error rows, messages, log lines): user info becomes ``****@``, secret
values ``****``, everything else stays in its order, so different objects keep different
labels. :func:`url_identity` is what the cache key, the dedupe of a run and the claims hash:
the URL without user info and without the parameters of a signing scheme, so the same object
signed again is the same input (not billed twice). Generic credentials
(:data:`GENERIC_SECRETS`: ``token``, ``password``, ``api_key``...) stay in it: a share link
may name its file by its token alone, and two files must never share a cached answer (such
links share their label, though: download them to tell them apart by name). A URL with
neither keeps its text as its identity (caches made before stay valid). The identity is only
hashed, never shown or written. The full URL is what is sent to the service;
:func:`url_secrets` lists its secret parts, which the client takes out of an error answer that
echoes the request.

>>> u = "https://b.obs.cn-north-4.myhuaweicloud.com/scan.jpg?AccessKeyId=AK1&Expires=17&Signature=s%2B"
>>> url_label(u)
'https://b.obs.cn-north-4.myhuaweicloud.com/scan.jpg?AccessKeyId=****&Expires=17&Signature=****'
>>> url_identity(u)
'https://b.obs.cn-north-4.myhuaweicloud.com/scan.jpg'
"""

from __future__ import annotations

import re
from pathlib import PurePath
from urllib.parse import unquote, unquote_plus

__all__ = [
    "SECRET_PARAMS",
    "GENERIC_SECRETS",
    "VALIDITY_PARAMS",
    "url_identity",
    "url_label",
    "url_secrets",
]

# Lower-case names whose values are credentials or signatures.
SECRET_PARAMS = frozenset(
    {
        # OBS v2 query signing, S3 v2, GCS v2, CloudFront (``Signature`` is theirs)
        "signature", "accesskeyid", "awsaccesskeyid", "googleaccessid", "key-pair-id",
        "x-obs-security-token",
        # AWS SigV4 (OBS accepts it too)
        "x-amz-signature", "x-amz-credential", "x-amz-security-token",
        # GCS V4
        "x-goog-signature", "x-goog-credential",
        # Azure SAS
        "sig",
        # generic credentials (GENERIC_SECRETS)
        "token", "access_token", "security_token", "password", "api_key", "apikey",
    }
)  # fmt: skip
# Credentials of no signing scheme: a share link may name its file by them alone, so they stay
# in the identity (two links differing only there are two inputs, each called once).
GENERIC_SECRETS = frozenset(
    {"token", "access_token", "security_token", "password", "api_key", "apikey"}
)

# Lower-case names that say when and how a URL was signed, by the signature they go with.
VALIDITY_PARAMS: dict[str, frozenset[str]] = {
    "signature": frozenset({"expires", "policy"}),
    "x-amz-signature": frozenset(
        {"x-amz-algorithm", "x-amz-date", "x-amz-expires", "x-amz-signedheaders"}
    ),
    "x-goog-signature": frozenset(
        {"x-goog-algorithm", "x-goog-date", "x-goog-expires", "x-goog-signedheaders"}
    ),
    "sig": frozenset(
        "sv se st sp spr sr ss srt sip si ses sdd skoid sktid skt ske sks skv saoid suoid scid "
        "sduoid skdutid".split()
    ),
}

_SEPARATOR = re.compile(r"(&)")


def split_url(url: str) -> tuple[str, str, str, str, str]:
    """``(scheme + "://", user info + "@", host and port, path, "?query#fragment" tail)``;
    :func:`query_and_fragment` splits the tail. Works on any text (a URL refused as invalid is
    still named safely); the one way ocrframe takes a URL apart for showing it.

    >>> split_url("https://u:pw@h.example:8443/a/b.png?x=1#f")
    ('https://', 'u:pw@', 'h.example:8443', '/a/b.png', '?x=1#f')
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    netloc, tail = rest[:end], rest[end:]
    user, at, host = netloc.rpartition("@")
    path_end = min((i for i in (tail.find(c) for c in "?#") if i >= 0), default=len(tail))
    return scheme + sep, user + at, host, tail[:path_end], tail[path_end:]


def query_and_fragment(tail: str) -> tuple[str, str]:
    """``(query, "#fragment")`` of the tail after the path (see :func:`split_url`).

    >>> query_and_fragment("?x=1&y=2#top"), query_and_fragment("")
    (('x=1&y=2', '#top'), ('', ''))
    """
    before, hash_, fragment = tail.partition("#")
    return before[1:] if before.startswith("?") else before, hash_ + fragment


def _name(segment: str) -> str:
    return unquote_plus(segment.partition("=")[0]).strip().lower()


def _signing(segments: list[str]) -> tuple[set[str], set[str]]:
    """The names (lower case) among ``segments`` that are secrets, and those that are
    validity parameters of a signature present in the URL."""
    names = {_name(s) for s in segments}
    secret = names & SECRET_PARAMS
    validity = {n for sig, group in VALIDITY_PARAMS.items() if sig in names for n in group}
    return secret, validity & names


def shown_input(text: str) -> str:
    """``text`` a user gave as an input or a path, fit for a message: its :func:`url_label`
    when it holds ``://`` (a URL of any scheme, which may carry a password or a signature),
    else unchanged.

    >>> shown_input("ftp://me:pw@host/scans/*.png"), shown_input("scans/me@home/a.png")
    ('ftp://****@host/scans/*.png', 'scans/me@home/a.png')
    """
    return url_label(text) if "://" in text else text


def source_name(source: str) -> str:
    """The file name a ``source`` names: a URL's last path segment (percent-decoded, without
    its query or fragment), else the path's own name; what an images folder is searched for.

    >>> source_name("https://b.example.com/scans/a%20b.jpg?Signature=****#p2")
    'a b.jpg'
    >>> source_name("scans/2024/x.png"), source_name("https://b.example.com/")
    ('x.png', '')
    """
    if "://" not in source:
        return PurePath(source).name
    path = split_url(source)[3]
    return unquote(path.rpartition("/")[2])


def url_label(url: str) -> str:
    """What ocrframe calls ``url`` wherever it shows or writes it: user info and the values
    of secret parameters replaced by ``****``; path, other parameters, their order and the
    fragment kept.

    >>> url_label("https://me:pw@example.com/a.png?X-Amz-Expires=60&X-Amz-Signature=f00&w=2")
    'https://****@example.com/a.png?X-Amz-Expires=60&X-Amz-Signature=****&w=2'
    >>> url_label("https://example.com/a.png?page=2#top")
    'https://example.com/a.png?page=2#top'
    """
    scheme, user, host, path, tail = split_url(url)
    query, fragment = query_and_fragment(tail)
    pieces = _SEPARATOR.split(query)
    secret, _ = _signing(pieces[::2])
    for i in range(0, len(pieces), 2):
        name, eq, _value = pieces[i].partition("=")
        if eq and _name(pieces[i]) in secret:
            pieces[i] = f"{name}=****"
    qmark = "?" if tail.startswith("?") else ""
    return scheme + ("****@" if user else "") + host + path + qmark + "".join(pieces) + fragment


def url_identity(url: str) -> str:
    """What counts as the same input: ``url`` without user info and signing parameters (see
    the module docstring); a URL with neither is returned unchanged.

    >>> url_identity("https://acct.blob.core.windows.net/c/a.png?sv=2024&sp=r&sig=abc&v=2")
    'https://acct.blob.core.windows.net/c/a.png?v=2'
    >>> url_identity("https://example.com/render?sp=2")  # no Azure signature: its own param
    'https://example.com/render?sp=2'
    """
    scheme, user, host, path, tail = split_url(url)
    query, fragment = query_and_fragment(tail)
    pieces = _SEPARATOR.split(query)
    secret, validity = _signing(pieces[::2])
    signing = (secret - GENERIC_SECRETS) | validity
    if not user and not signing:
        return url
    kept: list[str] = []
    for i in range(0, len(pieces), 2):
        if _name(pieces[i]) in signing:
            continue
        if kept:
            kept.append(pieces[i - 1])
        kept.append(pieces[i])
    rest = "".join(kept)
    qmark = "?" if tail.startswith("?") and (rest or not signing) else ""
    return scheme + host + path + qmark + rest + fragment


def url_secrets(url: str) -> list[str]:
    """The secret parts of ``url`` (the user info and each secret parameter value, as written
    and percent-decoded), for :func:`ocrframe.cloud.redact.redact` to take out of text a
    server echoes.

    >>> url_secrets("https://u:pw@example.com/a.png?Signature=a%2Bb&x=1")
    ['u:pw', 'pw', 'a%2Bb', 'a+b']
    """
    scheme, user, host, path, tail = split_url(url)
    query, _ = query_and_fragment(tail)
    pieces = _SEPARATOR.split(query)[::2]
    secret, _ = _signing(pieces)
    found = [user[:-1], user[:-1].partition(":")[2]] if user else []
    for piece in pieces:
        value = piece.partition("=")[2]
        if value and _name(piece) in secret:
            found.append(value)
    return list(dict.fromkeys(f for v in found if v for f in (v, unquote(v), unquote_plus(v))))
