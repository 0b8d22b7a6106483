"""The one loader: whatever a user hands ocrframe (path, bytes, file object, Base64 text, PIL
image, numpy array) becomes encoded bytes or checked in-memory pixels, with a name for messages.

Used by the cloud client (``prepare``) and the local engine, so both accept and refuse the same
inputs with the same :class:`~ocrframe.InputError`.

>>> load_bytes(b"\\x89PNG\\r\\n\\x1a\\n")[0][:4]
b'\\x89PNG'
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
from typing import Any

from ..arguments import check_path
from ..errors import InputError
from .urls import url_label

__all__ = ["load_input", "load_bytes", "encode_pil", "check_array", "describe"]

_BASE64_RE = re.compile(rb"^[A-Za-z0-9+/\r\n]+={0,2}\s*$")
_DATA_PREFIX = re.compile(r"^data:[\w/+.-]*(;[\w=-]+)*;base64,", re.IGNORECASE)


def describe(source: str | None) -> str:
    """How messages name an input: ``'scan.png'`` or ``the image``.

    >>> describe("a.png"), describe(None)
    ("'a.png'", 'the image')
    """
    return f"'{source}'" if source else "the image"


def _strip_data_prefix(text: str) -> str:
    return _DATA_PREFIX.sub("", text.strip(), count=1)


def _b64decode(text: str | bytes, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise InputError(
            f"{what} looks like Base64 but does not decode ({exc}); pass the raw image bytes "
            "or a path instead"
        ) from None


def load_input(image: Any) -> tuple[Any, str | None]:
    """``(data, source)``: encoded bytes, or a PIL image / uint8 array given in memory.

    ``source`` is the path or file name, or None for in-memory objects. Base64 text (with or
    without a ``data:...;base64,`` prefix) is decoded. A numpy array must be uint8 (or bool)
    and H x W, H x W x 1, 3 or 4.

    >>> import numpy as np
    >>> load_input(np.zeros((2, 2, 3), "float32"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ocrframe.errors.InputError: numpy images must be uint8 (0-255), got float32; ...
    """
    if isinstance(image, bytes | bytearray | memoryview):
        data = bytes(image)
        if data[:5].lower() == b"data:":
            text = _strip_data_prefix(data.decode("ascii", "replace"))
            return _b64decode(text, "the data: URI"), None
        return data, None
    if isinstance(image, str | os.PathLike):
        return _load_path_or_text(image)
    if hasattr(image, "read"):
        return _read_file_object(image)
    kind = type(image).__module__.split(".")[0]
    if kind == "PIL":
        return image, None
    if kind == "numpy":
        return check_array(image), None
    raise InputError(
        f"cannot read an image from {type(image).__name__}; pass a path, bytes, a binary file "
        "object, a PIL image, a numpy array, or url="
    )


def load_bytes(image: Any) -> tuple[bytes, str | None]:
    """Like :func:`load_input`, with in-memory pixels encoded as PNG."""
    data, source = load_input(image)
    if isinstance(data, bytes):
        return data, source
    if type(data).__module__.split(".")[0] == "numpy":
        from PIL import Image

        data = Image.fromarray(data)
    return encode_pil(data), source


def _read_file_object(image: Any) -> tuple[bytes, str | None]:
    text_mode = "the file object is open in text mode; open it with open(path, 'rb')"
    if isinstance(image, io.TextIOBase):
        raise InputError(text_mode)
    try:
        data = image.read()
    except UnicodeDecodeError:
        raise InputError(text_mode) from None
    if isinstance(data, str):
        raise InputError(text_mode)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InputError(f"the file object's read() gave {type(data).__name__}, not bytes")
    name = getattr(image, "name", None)
    return bytes(data), str(name) if isinstance(name, str | os.PathLike) else None


def _load_path_or_text(image: str | os.PathLike) -> tuple[bytes, str | None]:
    text = os.fspath(image)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if "\x00" in text:
        raise InputError(f"the path {text!r} contains a NUL byte")
    if isinstance(image, str):
        if _DATA_PREFIX.match(text.strip()):
            return _b64decode(_strip_data_prefix(text), "the data: URI"), None
        if len(text) >= 64 and "\n" not in text[:64] and not _exists(text):
            if _BASE64_RE.match(text.encode("ascii", "replace")):
                return _b64decode(text, "the image string"), None
    if text.lower().startswith(("http://", "https://")) and not _exists(text):
        raise InputError(  # named by its label: a presigned URL's signature stays out
            f"{url_label(text)!r} is a URL, not a file; pass it as url= (an engine that reads "
            "local data only needs it downloaded first)"
        )
    path = check_path("image", text).expanduser()
    if not _exists(str(path)):
        raise InputError(
            f"no file at '{path}'; check the path (relative paths start at {os.getcwd()}), or "
            "pass bytes, a file object, or url= for an image on the web"
        )
    if path.is_dir():
        raise InputError(f"'{path}' is a folder; pass one image file (use client.run for many)")
    if not path.is_file():  # reading a FIFO would wait for a writer for ever
        raise InputError(f"'{path}' is not a regular file (a FIFO, socket or device); pass a file")
    try:
        return path.read_bytes(), str(image)
    except OSError as exc:
        raise InputError(f"cannot read '{path}': {exc.strerror}") from None


def _exists(text: str) -> bool:
    try:
        return os.path.exists(text)
    except (OSError, ValueError):  # a name too long for the file system
        return False


def encode_pil(img: Any, fmt: str = "PNG", quality: int = 90) -> bytes:
    """Encode a PIL image (PNG by default; JPEG converts to RGB). Grey images of 16 or 32
    bits are scaled to 8 (Pillow's RGB conversion clips them white)."""
    from ..plots.data import load_image, to_uint8, upright

    img = upright(img)  # the encoding keeps no EXIF: the pixels as they are displayed
    if img.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        from PIL import Image

        img = Image.fromarray(to_uint8(load_image(img)))
    if fmt == "JPEG" and img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format=fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return buf.getvalue()


def check_array(arr: Any) -> Any:
    """A numpy image as uint8 H x W, H x W x 3 or H x W x 4; InputError for anything else.

    >>> import numpy as np
    >>> check_array(np.ones((2, 3), bool)).max()
    np.uint8(255)
    """
    import numpy as np

    if arr.dtype == bool:
        arr = arr.astype(np.uint8) * 255
    if arr.dtype != np.uint8:
        raise InputError(
            f"numpy images must be uint8 (0-255), got {arr.dtype}; convert with "
            "(arr * 255).clip(0, 255).astype('uint8') for floats in [0, 1]"
        )
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if not (arr.ndim == 2 or (arr.ndim == 3 and arr.shape[2] in (3, 4))) or 0 in arr.shape:
        raise InputError(
            f"numpy images must be H x W (grey), H x W x 3 (RGB) or H x W x 4 (RGBA); got shape "
            f"{arr.shape}"
        )
    return np.ascontiguousarray(arr)
