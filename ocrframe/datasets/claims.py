"""One run at a time calls an item: claims on the cache, so that two runs sharing a cache
(two notebooks, a local run beside a Dask job, a run resumed while the first still works)
do not both pay for the same input.

Before sending, a run creates ``.<key>.claim`` next to where the response will be stored
(``O_EXCL``: only one run can). A run finding the claim held waits for the answer the holder
stores, and sends nothing. A claim whose holder is gone is taken over: its process no longer
runs (same host), or it is older than ``STALE`` seconds (another host). A claim file is hidden
(its name starts with a dot), so readers of the cache never list it.

>>> import tempfile
>>> from ocrframe.datasets.cache import Cache
>>> cache = Cache(tempfile.mkdtemp())
>>> key = cache.key("general-text", {}, b"image")
>>> with claim(cache, key, "general-text") as done:
...     done is None  # nobody answered it yet: this run sends it
True
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..cloud import transport
from ..errors import CacheCorruptError
from .cache import Cache

__all__ = ["STALE", "claim"]

STALE = 900.0  # seconds: longer than any call with its retries, timeouts and backoff
_HOST = socket.gethostname()


@contextlib.contextmanager
def claim(
    cache: Cache,
    key: str,
    api: str,
    *,
    poll: float = 0.2,
    stopped: Callable[[], bool] = lambda: False,
) -> Iterator[Path | None]:
    """Hold ``key`` while the block runs. Yields the path of a valid response another run
    stored (send nothing), else None: send it, and store the answer before the block ends.
    While another live run holds it, waits (checking every ``poll`` seconds; gives up, yielding
    None, once ``stopped()`` says the run is stopping)."""
    lock = cache.path(key, api).with_name(f".{key}.claim")
    while True:
        done = _answered(cache, key, api)
        if done is not None or stopped():
            yield done
            return
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileNotFoundError:  # no folder for this key yet
            lock.parent.mkdir(parents=True, exist_ok=True)
            continue
        except FileExistsError:
            if _abandoned(lock):
                with contextlib.suppress(FileNotFoundError):
                    lock.unlink()
            else:
                transport.sleep(poll)
            continue
        break
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump({"pid": os.getpid(), "host": _HOST, "time": time.time()}, fh)
        # The holder before us may have stored its answer and let go between our two looks.
        yield _answered(cache, key, api)
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()


def _answered(cache: Cache, key: str, api: str) -> Path | None:
    """The valid response stored for ``key``, if any (a damaged one is fetched again)."""
    try:
        return cache.verify(key, api)
    except (CacheCorruptError, OSError):
        return None


def _abandoned(lock: Path) -> bool:
    """Whether the run holding ``lock`` is gone: its process ended (same host), the claim is
    older than :data:`STALE`, or it is unreadable and no longer being written."""
    try:
        age = time.time() - lock.stat().st_mtime
        text = lock.read_text()
    except OSError:
        return False  # let go meanwhile (or unreadable): look again
    try:
        holder = json.loads(text)
    except ValueError:
        return age > 5  # being written, or half-written by a run that died
    if age > STALE:
        return True
    if not isinstance(holder, dict) or holder.get("host") != _HOST or os.name == "nt":
        return False  # (Windows: os.kill would end the process, not probe it)
    pid = holder.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, owned by another user
        return False
    return False
