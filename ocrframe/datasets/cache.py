"""On-disk response cache: one JSON file per (API, parameters, input bytes, page).

A cache file is an ordinary saved response (``Response.to_json`` layout: the raw body plus an
``"_ocrframe"`` member), so :func:`ocrframe.read_response` and
:func:`ocrframe.batch.read_responses` open it like any other. The ``"_ocrframe"`` member adds a
``"cache"`` record holding the key and the SHA-256 of the body bytes, so a file that was cut
short, edited or written for another key is detected instead of flattened. Files are written to
a temporary name and moved into place with ``os.replace``, so a crash never leaves half a file
under a real name.

>>> import tempfile
>>> c = Cache(tempfile.mkdtemp())
>>> key = c.key("general-text", {}, b"image bytes")
>>> path = c.put(key, {"result": {"words_block_list": []}}, api="general-text", source="a.png")
>>> c.get(key).source
'a.png'
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from ..arguments import check_path
from ..errors import CacheCorruptError, InputError, ResponseFormatError
from ..files import atomic_write
from ..parsing import json_text, parse_json
from ..response import Response

__all__ = ["Cache", "input_digest", "split_cache_file"]

_MARK = b'"_ocrframe":'
_KEY = re.compile(r"[0-9a-f]{64}")
_API = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def input_digest(data: bytes | str) -> str:
    """SHA-256 (hex) of the input bytes; a URL string is hashed as its UTF-8 text.

    >>> input_digest(b"abc")[:12]
    'ba7816bf8f01'
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _canonical(params: dict[str, Any]) -> str:
    try:
        return json_text(params, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"request parameters must be JSON values (str, number, bool, list, dict): {exc}"
        ) from exc


def split_cache_file(data: bytes) -> tuple[bytes, dict[str, Any]] | None:
    """Split the bytes of a cache file into (body bytes, ``_ocrframe`` header).

    Returns None when the file was not written by :class:`Cache` (no trailing header; a
    valid JSON document whose ``_ocrframe`` key is nested, or not last, is a plain response).
    Raises :class:`CacheCorruptError` when the header is there but unreadable.

    >>> split_cache_file(b'{"result": {"_ocrframe": [1]}}') is None
    True
    """
    data = data.rstrip()
    at = data.rfind(_MARK)
    if at < 1 or not data.endswith(b"}"):
        return None
    try:
        header = parse_json(data[at + len(_MARK) : -1])
    except (ValueError, UnicodeDecodeError) as exc:
        if _is_json(data):
            return None
        raise CacheCorruptError(f"unreadable cache header: {exc}") from exc
    if not isinstance(header, dict) or not isinstance(header.get("cache"), dict):
        return None
    before = data[:at].rstrip()
    if before.endswith(b","):
        body = before[:-1] + b"}"
    elif before == b"{":
        body = b"{}"
    elif _is_json(data):
        return None
    else:
        raise CacheCorruptError("cache file is not a JSON object followed by its header")
    return body, header


def _is_json(data: bytes) -> bool:
    """Whether ``data`` is one valid JSON document (asked only of files that look like a
    cache file and are not one)."""
    try:
        parse_json(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return True


class Cache:
    """A directory of cached responses, safe to share between threads and runs.

    Parameters
    ----------
    root : str or path
        Directory; created on first write. Files live at ``root/<api>/<key[:2]>/<key>.json``.

    Examples
    --------
    >>> import tempfile
    >>> c = Cache(tempfile.mkdtemp())
    >>> c.key("general-text", {"quick_mode": True}, b"x", page=2) == c.key(
    ...     "general-text", {"quick_mode": True}, b"x", page=2)
    True
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = check_path("cache", root)
        if self.root.exists() and not self.root.is_dir():
            raise InputError(f"cache must be a directory, but {str(self.root)!r} is a file")

    def __repr__(self) -> str:
        return f"Cache({str(self.root)!r})"

    def check_writable(self) -> None:
        """Create the cache folder and prove a file can be written there: called before the
        first paid call, so an answer is never bought and then lost for want of a place.

        >>> import tempfile
        >>> Cache(tempfile.mkdtemp() + "/new/cache").check_writable()
        """
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".write-check-"):
                pass
        except OSError as exc:
            raise InputError(
                f"cannot write to the cache folder {str(self.root)!r} ({exc.strerror or exc}); "
                "pass a folder you can write to"
            ) from None

    @staticmethod
    def key(
        api: str,
        params: dict[str, Any],
        data: bytes | str,
        page: int | None = None,
        engine: str | None = None,
    ) -> str:
        """Cache key: SHA-256 of the API slug, canonical parameters, input digest and page, and
        of the engine that answers when it is not the cloud (``LocalEngine.cache_identity``:
        another engine or option reads differently, so it is another answer).

        >>> cloud = Cache.key("general-text", {}, b"x")
        >>> cloud == Cache.key("general-text", {}, b"x", engine="local rapidocr {}")
        False
        """
        digest = data if _is_digest(data) else input_digest(data)
        text = f"{api}\n{_canonical(params)}\n{digest}\n{page}"
        if engine is not None:  # the cloud's keys stay what they always were
            text += f"\n{engine}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def path(self, key: str, api: str) -> Path:
        """Where the response for ``key`` lives; InputError for a key or API slug that could
        name a file outside the cache (only 64 hex digits and a lower-case slug are taken)."""
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise InputError(f"a cache key is 64 lower-case hex digits (Cache.key), got {key!r}")
        if not isinstance(api, str) or not _API.fullmatch(api):
            raise InputError(f"a cache API must be an API slug like 'general-text', got {api!r}")
        return self.root / api / key[:2] / f"{key}.json"

    def put(
        self,
        key: str,
        raw: dict[str, Any],
        *,
        api: str,
        source: str | None = None,
        page: int | None = None,
        status: int | None = None,
        request_id: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Path:
        """Write one response body atomically; return its path.

        ``key`` and ``api`` are checked (see :meth:`path`) before anything is written.
        """
        path = self.path(key, api)
        body = json_text(raw, separators=(",", ":")).encode("utf-8")
        if not body.startswith(b"{"):
            raise ResponseFormatError("only JSON-object response bodies can be cached")
        header: dict[str, Any] = {"api": api, "source": source, "page": page}
        if status is not None:
            header["status"] = status
        if request_id:
            header["request_id"] = request_id
        if meta:
            header["meta"] = meta
        header["cache"] = {"key": key, "sha256": hashlib.sha256(body).hexdigest()}
        tail = json_text(header, separators=(",", ":")).encode("utf-8")
        sep = b"" if body == b"{}" else b","
        data = body[:-1] + sep + _MARK + tail + b"}"
        return atomic_write(path, data)

    def exists(self, key: str, api: str) -> bool:
        return self.path(key, api).is_file()

    def get(self, key: str, api: str | None = None) -> Response | None:
        """The cached response for ``key``, or None when there is none.

        Raises :class:`CacheCorruptError` when a file exists but fails its checks.
        """
        path = self._find(key, api)
        if path is None:
            return None
        return load(path, key=key)

    def verify(self, key: str, api: str) -> Path | None:
        """Path of a valid cache file for ``key``, None when absent; raises when corrupt."""
        path = self.path(key, api)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):  # absent, or no folder to hold it
            return None
        check(data, path, key=key)
        return path

    def discard(self, key: str, api: str) -> None:
        """Remove the file for ``key`` (used before re-fetching a corrupt entry)."""
        try:
            self.path(key, api).unlink()
        except (FileNotFoundError, NotADirectoryError):
            pass

    def _find(self, key: str, api: str | None) -> Path | None:
        if api is not None:
            p = self.path(key, api)
            return p if p.is_file() else None
        self.path(key, "any")  # checks the key
        return next(iter(self.root.glob(f"*/{key[:2]}/{key}.json")), None)


def _is_digest(data: bytes | str) -> bool:
    return isinstance(data, str) and len(data) == 64 and all(c in "0123456789abcdef" for c in data)


def check(data: bytes, path: str | os.PathLike[str], key: str | None = None) -> dict[str, Any]:
    """Check the bytes of a cache file; return its header.

    Raises :class:`CacheCorruptError` naming the path when the file has no valid header, its
    body does not match the recorded SHA-256, or it was written for another key.
    """
    try:
        parts = split_cache_file(data)
    except CacheCorruptError as exc:
        raise CacheCorruptError(f"corrupt cache file {str(path)!r}: {exc}") from None
    if parts is None:
        raise CacheCorruptError(
            f"corrupt cache file {str(path)!r}: no ocrframe cache header (truncated or edited)"
        )
    body, header = parts
    rec = header["cache"]
    if hashlib.sha256(body).hexdigest() != rec.get("sha256"):
        raise CacheCorruptError(f"corrupt cache file {str(path)!r}: checksum mismatch")
    if key is not None and rec.get("key") != key:
        raise CacheCorruptError(
            f"corrupt cache file {str(path)!r}: written for key {rec.get('key')!r}, not {key!r}"
        )
    return header


def load(
    path: str | os.PathLike[str], key: str | None = None, data: bytes | None = None
) -> Response:
    """Read and check one cache file into a :class:`Response` (error bodies included);
    ``data``: its bytes, when read already."""
    if data is None:
        data = Path(path).read_bytes()
    header = check(data, path, key=key)
    body, _ = split_cache_file(data)  # type: ignore[misc]
    try:
        raw = parse_json(body)
    except ValueError as exc:  # checksum matched, so the writer stored bad JSON
        raise CacheCorruptError(f"corrupt cache file {str(path)!r}: {exc}") from None
    return Response(
        raw,
        api=header.get("api"),
        source=header.get("source") or str(path),
        request_id=header.get("request_id"),
        status=header.get("status"),
        page=header.get("page"),
        meta=header.get("meta"),
    )
