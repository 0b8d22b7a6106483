"""The one input validator: what is wrong with an image (or a set of parameters) for an API.

:func:`probe` reads the facts of an encoded image (format, size in pixels, whether it decodes
completely) without decoding more pixels than :data:`MAX_DECODE_PIXELS`. :func:`image_problems`
is a pure function of those facts and the API's catalog record; each :class:`ImageProblem`
carries the error code the service answers for it. The cloud client and the local engine turn
the first problem into an :class:`~ocrframe.InputError`, the emulator into that wire code.

>>> from ocrframe.catalog import get_api
>>> facts = ImageFacts(fmt="png", width=10, height=40, nbytes=300)
>>> [p.code for p in image_problems(get_api("passport"), facts)]
['AIS.0103']
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

from ..catalog import ApiSpec
from .formats import canonical_format, detect_format
from .load import describe

__all__ = [
    "MAX_DECODE_PIXELS",
    "MAX_FRAMES",
    "MULTI_PAGE_FORMATS",
    "WHOLE_FILE_PROBLEMS",
    "count_frames",
    "frame_limit_message",
    "ImageFacts",
    "ImageProblem",
    "probe",
    "image_problems",
    "base64_size",
    "MB",
]

MB = 1024 * 1024
# ocrframe never decodes an image with more pixels than this (a decompression bomb): the
# largest documented limit is 160 million pixels.
MAX_DECODE_PIXELS = 160_000_000
# Formats whose frames are the pages of one document (scanners and fax machines write TIFF);
# animated GIF/WebP frames are not pages, and a phone JPEG's second picture (MPO) is a preview.
MULTI_PAGE_FORMATS = frozenset({"tiff"})
# ocrframe opens at most this many pages of one image: each page is a header to walk (about
# 0.25 ms in Pillow), and a crafted file can chain hundreds of thousands of them.
MAX_FRAMES = 2_000
# Problems the client can cure by downscaling (auto_downscale=True).
DOWNSCALABLE = ("side_max", "pixels", "bytes")
# Problems of a multi-page image as a whole; the size limits apply to the one page read.
WHOLE_FILE_PROBLEMS = ("empty", "format", "bomb", "corrupt")


@dataclass(frozen=True)
class ImageFacts:
    """What :func:`probe` learnt about an encoded image. ``width``/``height`` are None when
    unknown (a format Pillow cannot read, a PDF); ``nbytes`` is None for pixels given in memory;
    ``error`` says why it does not decode; ``frames`` is the page count of a multi-page image
    (at most ``MAX_FRAMES + 1``: more is refused)."""

    fmt: str | None
    width: int | None = None
    height: int | None = None
    nbytes: int | None = 0
    error: str | None = None
    frames: int = 1


@dataclass(frozen=True)
class ImageProblem:
    """One broken rule: ``kind`` (``"empty"``, ``"format"``, ``"corrupt"``, ``"bomb"``,
    ``"side_min"``, ``"side_max"``, ``"pixels"``, ``"bytes"``), the service's error ``code``
    for it and a ``message`` that says what to do."""

    kind: str
    code: str
    message: str

    @property
    def downscalable(self) -> bool:
        return self.kind in DOWNSCALABLE


def base64_size(n: int) -> int:
    """Length of the Base64 text for ``n`` bytes.

    >>> base64_size(3_000_000)
    4000000
    """
    return 4 * math.ceil(n / 3)


def count_frames(img: Any) -> int:
    """Frames (pages) of an opened PIL image of a :data:`MULTI_PAGE_FORMATS` format, 1 for
    other formats. Only the frames' headers are read, never their pixels, and the count stops
    at ``MAX_FRAMES + 1``; a broken header raises what Pillow raises.

    >>> from PIL import Image
    >>> count_frames(Image.new("L", (4, 4)))
    1
    """
    if canonical_format(img.format or "") not in MULTI_PAGE_FORMATS:
        return 1
    n = 1
    try:
        while n <= MAX_FRAMES:
            img.seek(n)
            n += 1
    except EOFError:
        pass
    img.seek(0)
    return n


def frame_limit_message(name: str) -> str:
    """The refusal of an image with more than :data:`MAX_FRAMES` pages."""
    return (
        f"{name} has more than {MAX_FRAMES:,} pages; ocrframe opens at most {MAX_FRAMES:,} "
        "pages of one image. Split it with another tool (e.g. tiffsplit)"
    )


def probe(data: bytes, *, decode: bool = True) -> ImageFacts:
    """Format, size and page count of ``data`` from its headers; with ``decode``, also decode
    the pixels of page 1 (only when there are at most :data:`MAX_DECODE_PIXELS`) to catch
    truncated files.

    >>> probe(b"not an image").fmt is None
    True
    """
    fmt = detect_format(data)
    if fmt in (None, "pdf", "ofd"):
        return ImageFacts(fmt, nbytes=len(data))
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        width, height = img.size
    except Image.DecompressionBombError as exc:
        return ImageFacts(fmt, nbytes=len(data), error=f"bomb: {exc}")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        # Formats Pillow cannot read (PSD variants, ...) go unchecked to the service.
        return ImageFacts(fmt, nbytes=len(data))
    try:
        frames = count_frames(img)
    except Exception as exc:  # noqa: BLE001 - a broken chain of page headers
        return ImageFacts(fmt, width, height, len(data), error=_short(exc))
    if decode and width * height <= MAX_DECODE_PIXELS:
        try:
            if img.format == "JPEG":  # reads every byte, decodes at 1/8 scale: 5x faster
                img.draft(img.mode, (max(1, width // 8), max(1, height // 8)))
            img.load()
        except Exception as exc:  # noqa: BLE001 - any decoder failure: the file is broken
            return ImageFacts(fmt, width, height, len(data), error=_short(exc), frames=frames)
    return ImageFacts(fmt, width, height, len(data), frames=frames)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 200 else text[:200] + "..."


def image_problems(
    spec: ApiSpec, facts: ImageFacts, source: str | None = None
) -> list[ImageProblem]:
    """Every rule of ``spec`` the image breaks, most fundamental first (empty list: fine).

    >>> from ocrframe.catalog import get_api
    >>> image_problems(get_api("general-text"), ImageFacts("png", 100, 80, 900))
    []
    """
    name = describe(source)
    accepts = ", ".join(spec.formats) + (" and PDF" if spec.accepts_pdf else "")
    if facts.nbytes == 0 and facts.fmt is None:
        return [ImageProblem("empty", "AIS.0103", f"{name} is empty (0 bytes)")]
    if facts.fmt is None:
        return [
            ImageProblem(
                "format",
                "AIS.0102",
                f"{name} is not a recognised image format; {spec.slug} accepts {accepts}",
            )
        ]
    allowed = {canonical_format(f) for f in spec.formats} | ({"pdf"} if spec.accepts_pdf else set())
    if canonical_format(facts.fmt) not in allowed:
        return [
            ImageProblem(
                "format",
                "AIS.0102",
                f"{name} is {facts.fmt.upper()}, which {spec.slug} does not accept; it accepts "
                f"{accepts}. Convert it, e.g. PIL.Image.open(path).save('page.png')",
            )
        ]
    if facts.error is not None and facts.error.startswith("bomb: "):
        return [_bomb(name, facts.error[6:])]
    if facts.frames > MAX_FRAMES:
        return [ImageProblem("bomb", "AIS.0103", frame_limit_message(name))]
    out: list[ImageProblem] = []
    w, h = facts.width, facts.height
    if w is not None and h is not None:
        if w * h > MAX_DECODE_PIXELS:
            return [_bomb(name, f"its header claims {w}x{h} = {w * h:,} pixels")]
        out += _pixel_problems(spec, w, h, name)
    if facts.error is not None:
        out.insert(
            0,
            ImageProblem(
                "corrupt",
                "AIS.0104",
                f"{name} does not decode ({facts.error}); the file is truncated or damaged. "
                "Export or download it again",
            ),
        )
    size = base64_size(facts.nbytes or 0)
    if size > spec.max_base64_bytes:
        out.append(
            ImageProblem(
                "bytes",
                "AIS.0103",
                f"{name} is {size / MB:.1f} MB after Base64; {spec.slug} accepts at most "
                f"{spec.max_base64_bytes / MB:.0f} MB. Downscale it (auto_downscale=True) or "
                "send a URL",
            )
        )
    return out


def _bomb(name: str, detail: str) -> ImageProblem:
    return ImageProblem(
        "bomb",
        "AIS.0103",
        f"{name} is too large to open safely ({detail}); ocrframe decodes at most "
        f"{MAX_DECODE_PIXELS:,} pixels. Crop or downscale it with another tool",
    )


def _pixel_problems(spec: ApiSpec, w: int, h: int, name: str) -> list[ImageProblem]:
    out = []
    if spec.min_side and min(w, h) < spec.min_side:
        out.append(
            ImageProblem(
                "side_min",
                "AIS.0103",
                f"{name} is {w}x{h} px; {spec.slug} needs each side >= {spec.min_side} px. "
                "Use a larger scan or upscale it",
            )
        )
    if spec.max_side and max(w, h) > spec.max_side:
        out.append(
            ImageProblem(
                "side_max",
                "AIS.0103",
                f"{name} is {w}x{h} px; {spec.slug} accepts each side <= {spec.max_side} px. "
                "Downscale it (auto_downscale=True) or crop it",
            )
        )
    max_pixels = spec.max_pixels
    if max_pixels and w * h > max_pixels:
        out.append(
            ImageProblem(
                "pixels",
                "AIS.0103",
                f"{name} is {w}x{h} px; {spec.slug} accepts <= {max_pixels} pixels. "
                "Downscale it (auto_downscale=True) or crop it",
            )
        )
    return out
