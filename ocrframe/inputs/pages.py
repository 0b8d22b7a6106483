"""Pages of a document: the page-number rule for PDFs and multi-page images, and the frames of a
multi-page image (a TIFF from a document scanner or a fax machine).

A multi-page image is read like a PDF: ``page=`` (1-based) picks one page, ``run`` makes one
task per page, and a call without ``page=`` reads page 1 with a warning (nothing is dropped
silently). Frames are counted from their headers, no pixel decoded (see
:func:`~ocrframe.inputs.check.count_frames`).

>>> check_page(2, 3, "'fax.tif'")
2
>>> check_page(4, 3, "'fax.tif'")
Traceback (most recent call last):
...
ocrframe.errors.InputError: page must be an integer from 1 to 3 (1-based) for 'fax.tif', got 4
"""

from __future__ import annotations

import io
import os
import warnings
from typing import Any

from ..errors import InputError
from .check import (
    MAX_DECODE_PIXELS,
    MAX_FRAMES,
    MULTI_PAGE_FORMATS,
    count_frames,
    frame_limit_message,
)
from .formats import detect_format
from .load import describe

__all__ = ["check_page", "page_frames", "read_frame", "frame_note", "warn_first_page"]


def check_page(page: Any, count: int, name: str) -> int:
    """``page`` when it is a page (1-based) of a document of ``count`` pages; InputError else.

    >>> check_page(1, 1, "the image")
    1
    """
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= count:
        raise InputError(
            f"page must be an integer from 1 to {count} (1-based) for {name}, got {page!r}"
        )
    return page


def page_frames(image: bytes | str | os.PathLike, source: str | None = None) -> int:
    """Number of pages of a multi-page image (bytes or a path), 1 for any other input.

    Only the headers are read. A multi-page image whose chain of page headers is broken, or
    that has more than :data:`~ocrframe.inputs.check.MAX_FRAMES` pages, raises InputError; one
    that Pillow cannot open counts as 1 page (the call then checks it as any image).

    >>> page_frames(b"\\x89PNG\\r\\n\\x1a\\n...")
    1
    """
    name = describe(source if source is not None else _path_name(image))
    if isinstance(image, bytes):
        head = image[:16]
    else:
        with open(image, "rb") as fh:
            head = fh.read(16)
    if detect_format(head) not in MULTI_PAGE_FORMATS:
        return 1
    from PIL import Image

    try:
        img = Image.open(io.BytesIO(image) if isinstance(image, bytes) else image)
    except Exception:  # noqa: BLE001 - not readable here: the call checks it, as any image
        return 1
    try:
        with img:
            n = count_frames(img)
    except Exception as exc:  # noqa: BLE001 - a broken chain of page headers
        raise InputError(
            f"{name} is a damaged {detect_format(head).upper()} ({exc or type(exc).__name__}); "
            "export or scan it again"
        ) from None
    if n > MAX_FRAMES:
        raise InputError(frame_limit_message(name))
    return n


def _path_name(image: Any) -> str | None:
    return None if isinstance(image, bytes) else os.fsdecode(image)


def read_frame(data: bytes, page: int, name: str) -> Any:
    """Page ``page`` (1-based, already checked) of a multi-page image, decoded, as a PIL image.

    Its pixels are counted before decoding, as :func:`~ocrframe.inputs.check.probe` does for
    page 1.
    """
    from PIL import Image

    try:
        img = Image.open(io.BytesIO(data))
        img.seek(page - 1)
        w, h = img.size
        if w * h > MAX_DECODE_PIXELS:
            raise InputError(
                f"page {page} of {name} is too large to open safely ({w}x{h} = {w * h:,} "
                f"pixels); ocrframe decodes at most {MAX_DECODE_PIXELS:,} pixels"
            )
        img.load()
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder failure: the page is broken
        raise InputError(
            f"page {page} of {name} does not decode ({exc or type(exc).__name__}); the file is "
            "truncated or damaged. Export or scan it again"
        ) from None
    return img


def frame_note(page: int, count: int, fmt: str | None) -> str:
    """What ``Response.meta["notes"]`` says about a page taken out of a multi-page image.

    >>> frame_note(2, 3, "tiff")
    'frame 2 of 3 of the TIFF, sent as a single-page PNG'
    """
    return f"frame {page} of {count} of the {str(fmt).upper()}, sent as a single-page PNG"


def warn_first_page(name: str, count: int, *, stacklevel: int = 3) -> None:
    """Warn that a call without ``page=`` reads page 1 of a multi-page image only."""
    warnings.warn(
        f"{name} has {count} pages (a multi-page image); this call reads page 1 only. Pass "
        "page= to read another one, or run() to read every page",
        UserWarning,
        stacklevel=stacklevel,
    )
