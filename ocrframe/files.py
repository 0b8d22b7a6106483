"""Writing files safely when names come from data: one path component per name, never
outside the chosen folder, and atomic writes whose temporary name is short; and reading the
many small files of a dataset cheaply (:func:`read_bytes`), once where a tail read took a whole
file (:func:`read_tail`: a :class:`Snapshot` serves while the file is unchanged).

A name taken from data (a source path, a page, an API slug) goes through
:func:`safe_component`: separators, NUL and control characters are replaced, ``.``/``..``
cannot stand alone, and the name is cut to a byte budget (with a short hash, so distinct long
names stay distinct). :func:`atomic_write` writes to ``.<16 hex>.tmp`` in the target folder and
renames it into place, so the temporary name never exceeds the file system's 255-byte limit
when the final name fits.

>>> safe_component("../../etc/passwd")
'.._.._etc_passwd'
>>> safe_component("..")
'_..'
>>> len(safe_component("x" * 400).encode())
200
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError

__all__ = ["NAME_MAX", "safe_component", "atomic_write", "write_atomically", "inside",
           "read_bytes", "read_tail", "Snapshot", "Budget", "SETTLED_NS"]  # fmt: skip

NAME_MAX = 255  # bytes in one file name on Linux, macOS and Windows file systems
_BAD = set('/\\:*?"<>|') | {chr(c) for c in range(32)} | {"\x7f"}


def safe_component(text: object, *, max_bytes: int = 200) -> str:
    """``text`` as one file-name component of at most ``max_bytes`` UTF-8 bytes."""
    name = "".join("_" if c in _BAD else c for c in str(text)).strip()
    name = name.encode("utf-8", "replace").decode("utf-8")  # lone surrogates -> '?'
    if name in ("", ".", ".."):
        name = "_" + name
    data = name.encode("utf-8")
    if len(data) <= max_bytes:
        return name
    tag = "-" + hashlib.sha256(data).hexdigest()[:8]
    cut = data[: max_bytes - len(tag)].decode("utf-8", "ignore")
    return cut + tag


def inside(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """``path`` resolved, after checking it lies inside ``root``; InputError otherwise.

    >>> inside("/tmp/out", "/tmp/out/a/b.json").name
    'b.json'
    """
    base = Path(root).resolve()
    full = Path(path).resolve()
    if full != base and base not in full.parents:
        raise InputError(f"refusing to write {str(path)!r}: it is outside {str(root)!r}")
    return full


def write_atomically(path: str | os.PathLike[str], write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` for a short temporary name beside ``path``, then rename it onto
    ``path``; return the path. A crash leaves either the old file or the new one, never half a
    file under the real name, and the temporary name never pushes a long name over the limit.
    """
    path = Path(path)
    if "\x00" in str(path):
        raise InputError(f"the file name {str(path)!r} contains a NUL byte")
    if len(os.fsencode(path.name)) > NAME_MAX:
        raise InputError(
            f"the file name {path.name[:40]!r}... is {len(os.fsencode(path.name))} bytes; file "
            f"systems allow {NAME_MAX}. Choose a shorter name"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{secrets.token_hex(8)}.tmp"
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`write_atomically`)."""
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))


def write_generated(path: Path, text: str, args: Sequence[str], command: str) -> int:
    """Write a file generated from the code (``--check`` in ``args``: only compare); return the
    exit status: 1 when ``--check`` finds it out of date, else 0. ``command`` regenerates it.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "gen.txt"
    >>> write_generated(target, "x", ["--check"], "make gen")  # doctest: +ELLIPSIS
    /.../gen.txt is out of date: run make gen
    1
    """
    current = path.read_text("utf-8") if path.is_file() else None
    if "--check" in args:
        if current != text:
            print(f"{path} is out of date: run {command}")
            return 1
        return 0
    if current != text:
        path.write_text(text, "utf-8")
        print(f"wrote {path}")
    return 0


def read_bytes(path: str | os.PathLike[str], last: int | None = None) -> bytes:
    """The bytes of the file at ``path`` (only its ``last`` bytes when given), through the
    system calls alone: no buffered file object, as a dataset opens thousands of small files.

    >>> read_bytes(__file__, last=4) == Path(__file__).read_bytes()[-4:]
    True
    """
    return _read(path, last)[0]


def _read(
    path: str | os.PathLike[str], last: int | None, regular: bool = False
) -> tuple[bytes, os.stat_result]:
    """:func:`read_bytes`, with the ``fstat`` of the file taken before reading it; ``regular``:
    raise OSError for anything but a regular file (a folder, a FIFO: not waited for)."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
    if regular:  # a FIFO is opened without waiting for a writer, then refused
        flags |= getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if regular and not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
        size = st.st_size
        if last is not None:
            if size > last:
                os.lseek(fd, size - last, os.SEEK_SET)
            return os.read(fd, last), st
        first = os.read(fd, size + 1)
        if len(first) == size:  # all of it, and the end: no second system call
            return first, st
        chunks = [first]
        while chunks[-1]:  # a file that grew, or a short read
            chunks.append(os.read(fd, 1 << 16))
    finally:
        os.close(fd)
    return b"".join(chunks), st


# A file changed within this long before it is read may change again with the same size and
# the same timestamps (file systems stamp times coarsely: a clock tick, up to 2 s on FAT), so
# its bytes are not kept for later (what git calls "racily clean" files).
SETTLED_NS = 2_000_000_000


@dataclass(frozen=True)
class Snapshot:
    """The bytes of a whole file and the stamp (:func:`stamp`) of the file they were read from.

    >>> whole = read_tail(__file__, 1 << 20, settled_ns=0)[1]
    >>> whole.fresh(__file__), whole.data == Path(__file__).read_bytes()
    (True, True)
    """

    data: bytes
    stamp: tuple[int, ...]

    def fresh(self, path: str | os.PathLike[str]) -> bool:
        """Whether the file at ``path`` is still the one read (one ``stat``, no read)."""
        try:
            return stamp(os.stat(path)) == self.stamp
        except OSError:
            return False


def stamp(st: os.stat_result) -> tuple[int, ...]:
    """What tells a file's versions apart without reading it: device, inode (a file replaced
    by another), size, and the modification and status-change times in nanoseconds."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def read_tail(
    path: str | os.PathLike[str], last: int, settled_ns: int | None = None
) -> tuple[bytes, Snapshot | None]:
    """The last ``last`` bytes of the file at ``path``, and a :class:`Snapshot` of the file
    when those bytes are all of it and it had not changed for ``settled_ns`` (default
    :data:`SETTLED_NS`): a reader may then take the snapshot instead of reading it again.
    OSError when ``path`` is no regular file (so that no ``stat`` need tell first).

    >>> tail, whole = read_tail(__file__, 4)
    >>> tail == Path(__file__).read_bytes()[-4:], whole
    (True, None)
    """
    data, st = _read(path, last, regular=True)
    if len(data) != st.st_size:
        return data, None
    settled = SETTLED_NS if settled_ns is None else settled_ns
    if max(st.st_mtime_ns, st.st_ctime_ns) > time.time_ns() - settled:
        return data, None
    return data, Snapshot(data, stamp(st))


class Budget:
    """A number of bytes that may be kept; :meth:`take` says whether ``n`` more fit (and
    counts them when they do).

    >>> budget = Budget(10)
    >>> budget.take(8), budget.take(8), budget.take(2)
    (True, False, True)
    """

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, n: int) -> bool:
        if n > self.left:
            return False
        self.left -= n
        return True
