"""Inputs: load, check and encode an image, a PDF page or a URL into a request body.

Everything is checked against the API's documented limits before anything is sent, and every
problem is an :class:`ocrframe.InputError` that says what was wrong and what to do.

>>> from ocrframe.inputs.images import prepare
>>> p = prepare("general-text", url="https://example.com/a.png", detect_direction=True)
>>> p.body
{'url': 'https://example.com/a.png', 'detect_direction': True}
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from ..catalog import ApiSpec, get_api
from ..errors import InputError

__all__ = ["Prepared", "prepare", "load_bytes", "detect_format", "base64_size", "check_params"]

MB = 1024 * 1024
# Request parameters that select the page of a PDF, for the APIs that read PDFs.
_PAGE_PARAMS = ("pdf_page_number", "page_num")
_BASE64_RE = re.compile(rb"^[A-Za-z0-9+/\r\n]+={0,2}\s*$")
_DATA_PREFIX = re.compile(r"^data:[\w/+.-]*(;[\w=-]+)*;base64,", re.IGNORECASE)
_FORMAT_ALIASES = {"jpeg": "jpg", "tif": "tiff"}


@dataclass(frozen=True)
class Prepared:
    """A checked request: the JSON body to send and where the input came from.

    Attributes
    ----------
    body : dict
        ``{"image" | "data": <base64>, ...params}`` or ``{"url": ..., ...params}``.
    source : str or None
        The path, URL or file name, for ``Response.source``.
    page : int or None
        The PDF page (1-based) this request is for.
    image_bytes : int
        Size of the encoded image before Base64 (0 for URLs).
    notes : list of str
        What was changed on the way (PDF page rendered, image downscaled, ...).
    """

    body: dict[str, Any]
    source: str | None = None
    page: int | None = None
    image_bytes: int = 0
    notes: list[str] = field(default_factory=list)


def base64_size(n: int) -> int:
    """Length of the Base64 text for ``n`` bytes.

    >>> base64_size(3_000_000)
    4000000
    """
    return 4 * math.ceil(n / 3)


def detect_format(data: bytes) -> str | None:
    """Image or document format from the first bytes, or None when unknown.

    >>> detect_format(b"\\x89PNG\\r\\n\\x1a\\n....")
    'png'
    """
    head = bytes(data[:16])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"BM"):
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"8BPS":
        return "psd"
    if head[:4] == b"\x00\x00\x01\x00":
        return "ico"
    if head[:1] == b"\x0a" and head[1:2] in b"\x00\x02\x03\x04\x05":
        return "pcx"
    if b"%PDF-" in bytes(data[:1024]):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "ofd"
    return None


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


def load_bytes(image: Any) -> tuple[bytes, str | None]:
    """Turn a path, bytes, file object, PIL image or numpy array into encoded bytes.

    Returns ``(data, source)`` where ``source`` is the path or file name, or None for in-memory
    objects. Base64 text (with or without a ``data:...;base64,`` prefix) is decoded.

    >>> load_bytes(b"\\x89PNG\\r\\n\\x1a\\n")[0][:4]
    b'\\x89PNG'
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
        text_mode = "the file object is open in text mode; open it with open(path, 'rb')"
        if isinstance(image, io.TextIOBase):
            raise InputError(text_mode)
        try:
            data = image.read()
        except UnicodeDecodeError:
            raise InputError(text_mode) from None
        if isinstance(data, str):
            raise InputError(text_mode)
        name = getattr(image, "name", None)
        return bytes(data), str(name) if isinstance(name, str | os.PathLike) else None
    kind = type(image).__module__.split(".")[0]
    if kind == "PIL":
        return _encode_pil(image), None
    if kind == "numpy":
        return _encode_array(image), None
    raise InputError(
        f"cannot read an image from {type(image).__name__}; pass a path, bytes, a binary file "
        "object, a PIL image, a numpy array, or url="
    )


def _load_path_or_text(image: str | os.PathLike) -> tuple[bytes, str | None]:
    text = os.fspath(image)
    if isinstance(image, str):
        if _DATA_PREFIX.match(text.strip()):
            return _b64decode(_strip_data_prefix(text), "the data: URI"), None
        if len(text) >= 64 and "\n" not in text[:64] and not os.path.exists(text):
            if _BASE64_RE.match(text.encode("ascii", "replace")):
                return _b64decode(text, "the image string"), None
    path = Path(text).expanduser()
    if not path.exists():
        raise InputError(
            f"no file at '{path}'; check the path (relative paths start at {os.getcwd()}), or "
            "pass bytes, a file object, or url= for an image on the web"
        )
    if path.is_dir():
        raise InputError(f"'{path}' is a folder; pass one image file (use ocrframe.Batch for many)")
    try:
        return path.read_bytes(), str(image)
    except OSError as exc:
        raise InputError(f"cannot read '{path}': {exc.strerror}") from None


def _encode_pil(img: Any, fmt: str = "PNG", quality: int = 90) -> bytes:
    if fmt == "JPEG" and img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    elif img.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        img = img.convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format=fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return buf.getvalue()


def _encode_array(arr: Any) -> bytes:
    import numpy as np
    from PIL import Image

    if arr.dtype == bool:
        arr = arr.astype(np.uint8) * 255
    if arr.dtype != np.uint8:
        raise InputError(
            f"numpy images must be uint8 (0-255), got {arr.dtype}; convert with "
            "(arr * 255).clip(0, 255).astype('uint8') for floats in [0, 1]"
        )
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if not (arr.ndim == 2 or (arr.ndim == 3 and arr.shape[2] in (3, 4))):
        raise InputError(
            f"numpy images must be H x W (grey), H x W x 3 (RGB) or H x W x 4 (RGBA); got shape "
            f"{arr.shape}"
        )
    return _encode_pil(Image.fromarray(np.ascontiguousarray(arr)))


def _label(spec: ApiSpec) -> str:
    return spec.slug


def _check_url(url: Any) -> str:
    if not isinstance(url, str) or not url.strip():
        raise InputError(f"url must be a non-empty string, got {url!r}")
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"url must be an http(s) URL such as https://bucket.obs.<region>.myhuaweicloud.com/"
            f"a.jpg, got {url!r}; for a local file pass it as image="
        )
    # The service rejects raw non-ASCII characters: percent-encode them (reference §6).
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list | tuple)
    if kind == "object":
        return isinstance(value, dict)
    return True


def check_params(api: str | ApiSpec, params: dict[str, Any]) -> dict[str, Any]:
    """Validate request parameters against the catalog; return them without ``None`` values.

    For the 16 documented APIs an unknown name, a wrong type or a value outside the documented
    choices is an :class:`InputError`. For the other operations, parameters known to the catalog
    are type-checked and unknown ones pass through unchanged.

    >>> check_params("general-text", {"detect_direction": True, "language": None})
    {'detect_direction': True}
    """
    spec = get_api(api)
    known = {p.name: p for p in spec.params}
    out: dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue
        param = known.get(name)
        if param is None:
            if spec.documented:
                valid = ", ".join(sorted(known)) or "none"
                raise InputError(
                    f"{_label(spec)} has no parameter {name!r}; valid parameters: {valid}"
                )
            out[name] = value
            continue
        if not _type_ok(value, param.type):
            raise InputError(
                f"{_label(spec)} parameter {name!r} must be {param.type}, got "
                f"{type(value).__name__} {value!r}"
            )
        if param.choices:
            items = list(value) if param.type == "array" else [value]
            bad = [v for v in items if v not in param.choices]
            if bad:
                allowed = ", ".join(repr(c) for c in param.choices)
                raise InputError(
                    f"{_label(spec)} parameter {name!r} must be one of {allowed}, but "
                    f"{bad[0]!r} was passed"
                )
        out[name] = list(value) if param.type == "array" else value
    return out


def prepare(
    api: str | ApiSpec,
    image: Any = None,
    *,
    url: str | None = None,
    page: int | None = None,
    auto_downscale: bool = False,
    **params: Any,
) -> Prepared:
    """Check an input and build the request body for ``api``.

    Parameters
    ----------
    api : str or ApiSpec
        Slug, method name or display name (``"general-text"``, ``"general_text"``).
    image : path, bytes, file object, PIL image, numpy array or str, optional
        The image or PDF. A str is a path, an ``http(s)://`` URL, or Base64 text (a
        ``data:...;base64,`` prefix is stripped).
    url : str, optional
        An image on the web or in OBS; give either ``image`` or ``url``.
    page : int, optional
        1-based PDF page. Sent as ``pdf_page_number`` to APIs that read PDFs, otherwise the
        page is rendered at 150 dpi and sent as PNG.
    auto_downscale : bool
        Shrink images above the Base64 cap or the pixel limit instead of raising.
    **params
        Request parameters, checked with :func:`check_params`.

    Returns
    -------
    Prepared

    Raises
    ------
    InputError
        Both or neither of ``image`` and ``url``, a missing file, an unsupported format, an
        image too large or too small, an unknown or mistyped parameter.

    Examples
    --------
    >>> prepare("general-text", b"\\x89PNG", url="https://x/a.png")
    Traceback (most recent call last):
    ...
    ocrframe.errors.InputError: general-text: give either image or url=, not both
    """
    spec = get_api(api)
    field_name = spec.image_field
    if field_name is not None and field_name in params:
        raise InputError(f"pass the image as image=, not as a {field_name!r} parameter")
    if "url" in params and field_name is not None:
        raise InputError("pass the URL as url=, not inside the parameters")
    body_params = check_params(spec, params)
    if field_name is None:
        if image is not None or url is not None:
            raise InputError(f"{spec.slug} takes no image or url; pass its parameters only")
        return Prepared(body=body_params)
    if isinstance(image, str) and image.strip().lower().startswith(("http://", "https://")):
        if url is not None:
            raise InputError(f"{spec.slug}: give either image or url=, not both")
        image, url = None, image
    if image is not None and url is not None:
        raise InputError(f"{spec.slug}: give either image or url=, not both")
    if image is None and url is None:
        raise InputError(
            f"{spec.slug}: no input; pass an image (path, bytes, file, PIL image, array) or url="
        )
    if page is not None and (isinstance(page, bool) or not isinstance(page, int) or page < 1):
        raise InputError(f"page must be a positive integer (1-based), got {page!r}")
    if url is not None:
        if page is not None:
            page_param = _page_param(spec)
            if page_param is None:
                raise InputError(f"{spec.slug} cannot select a page of a URL; download it first")
            if body_params.get(page_param, page) != page:
                raise InputError(
                    f"page={page} and {page_param}={body_params[page_param]} disagree; give the "
                    "page once (page=)"
                )
            body_params[page_param] = page
        return Prepared(body={"url": _check_url(url), **body_params}, source=url, page=page)
    data, source = load_bytes(image)
    return _prepare_bytes(spec, data, source, page, auto_downscale, body_params)


def _page_param(spec: ApiSpec) -> str | None:
    if not spec.accepts_pdf:
        return None
    return next((n for n in _PAGE_PARAMS if n in spec.param_names), None)


def _native_pdf_page(
    data: bytes, name: str, page_param: str, page: int | None, params: dict[str, Any]
) -> int | None:
    """The page a PDF sent as is will be read at; checked against the PDF's page count."""
    asked = params.get(page_param)
    if page is not None and asked is not None and asked != page:
        raise InputError(
            f"page={page} and {page_param}={asked} disagree; give the page once (page=)"
        )
    page = page if page is not None else asked
    if page is None:
        return None
    from .pdf import page_count

    n = page_count(data)
    if not 1 <= page <= n:
        raise InputError(f"page must be an integer from 1 to {n} (1-based) for {name}, got {page}")
    params[page_param] = page
    return page


def _prepare_bytes(
    spec: ApiSpec,
    data: bytes,
    source: str | None,
    page: int | None,
    auto_downscale: bool,
    params: dict[str, Any],
) -> Prepared:
    name = f"'{source}'" if source else "the image"
    if not data:
        raise InputError(f"{name} is empty (0 bytes)")
    fmt = detect_format(data)
    notes: list[str] = []
    img = None
    if fmt == "pdf":
        page_param = _page_param(spec)
        if page_param is not None:
            page = _native_pdf_page(data, name, page_param, page, params)
            return _finish(spec, data, source, page, params, name, notes)
        from .pdf import render_page

        img = render_page(data, page=page or 1)
        notes.append(f"rendered PDF page {page or 1} at 150 dpi ({spec.slug} does not read PDFs)")
        page = page or 1
        data, fmt = _encode_pil(img), "png"
    elif page is not None:
        raise InputError(f"page= is only for PDFs; {name} is {fmt or 'not a PDF'}")
    allowed = {_FORMAT_ALIASES.get(f, f) for f in spec.formats}
    if fmt is None:
        raise InputError(
            f"{name} is not a recognised image format; {spec.slug} accepts "
            f"{', '.join(spec.formats)}{' and PDF' if spec.accepts_pdf else ''}"
        )
    if _FORMAT_ALIASES.get(fmt, fmt) not in allowed:
        raise InputError(
            f"{name} is {fmt.upper()}, which {spec.slug} does not accept; it accepts "
            f"{', '.join(spec.formats)}{' and PDF' if spec.accepts_pdf else ''}. Convert it, "
            "e.g. PIL.Image.open(path).save('page.png')"
        )
    if img is None:
        img = _open_image(data, name)
    if img is not None:
        data, img = _check_pixels(spec, img, data, name, auto_downscale, notes)
    return _finish(spec, data, source, page, params, name, notes, img if auto_downscale else None)


def _open_image(data: bytes, name: str) -> Any:
    from PIL import Image, UnidentifiedImageError

    try:
        return Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError):
        # Formats Pillow cannot read (PSD variants, OFD...) go unchecked to the service.
        return None
    except Image.DecompressionBombError as exc:
        raise InputError(f"{name} is too large to open safely: {exc}") from None


def _check_pixels(
    spec: ApiSpec, img: Any, data: bytes, name: str, auto_downscale: bool, notes: list[str]
) -> tuple[bytes, Any]:
    w, h = img.size
    if spec.min_side and min(w, h) < spec.min_side:
        raise InputError(
            f"{name} is {w}x{h} px; {spec.slug} needs each side >= {spec.min_side} px. Use a "
            "larger scan or upscale it"
        )
    max_pixels = spec.max_pixels
    too_long = spec.max_side and max(w, h) > spec.max_side
    too_many = max_pixels and w * h > max_pixels
    if not (too_long or too_many):
        return data, img
    limit = f"each side <= {spec.max_side} px" if too_long else f"<= {max_pixels} pixels"
    if not auto_downscale:
        raise InputError(
            f"{name} is {w}x{h} px; {spec.slug} accepts {limit}. Downscale it "
            "(auto_downscale=True) or crop it"
        )
    scale = spec.max_side / max(w, h) if too_long else 1.0
    if too_many:
        scale = min(scale, math.sqrt(max_pixels / (w * h)))
    new_w, new_h = max(1, int(w * scale)), max(1, int(h * scale))
    if spec.min_side and min(new_w, new_h) < spec.min_side:
        raise InputError(
            f"{name} is {w}x{h} px; {spec.slug} accepts {limit} and each side >= "
            f"{spec.min_side} px, and downscaling to {new_w}x{new_h} would break the second "
            "limit. Crop it into pieces"
        )
    small = img.resize((new_w, new_h))
    notes.append(f"downscaled from {w}x{h} to {small.size[0]}x{small.size[1]} px")
    return _encode_pil(small), small


def _finish(
    spec: ApiSpec,
    data: bytes,
    source: str | None,
    page: int | None,
    params: dict[str, Any],
    name: str,
    notes: list[str],
    img: Any = None,
) -> Prepared:
    cap = spec.max_base64_bytes
    size = base64_size(len(data))
    if size > cap:
        if img is None:
            raise InputError(
                f"{name} is {size / MB:.1f} MB after Base64; {spec.slug} accepts at most "
                f"{cap / MB:.0f} MB. Downscale it (auto_downscale=True) or send a URL"
            )
        jpeg_ok = "jpg" in {_FORMAT_ALIASES.get(f, f) for f in spec.formats}
        data = _shrink_to_fit(img, cap, notes, jpeg_ok)
    encoded = base64.b64encode(data).decode("ascii")
    return Prepared(
        body={spec.image_field: encoded, **params},
        source=source,
        page=page,
        image_bytes=len(data),
        notes=notes,
    )


def _shrink_to_fit(img: Any, cap: int, notes: list[str], jpeg_ok: bool) -> bytes:
    w, h = img.size
    rgb = jpeg_ok and img.mode in ("RGB", "L")
    for _ in range(12):
        data = _encode_pil(img, "JPEG" if rgb else "PNG")
        if base64_size(len(data)) <= cap:
            notes.append(f"downscaled from {w}x{h} to {img.size[0]}x{img.size[1]} px to fit")
            return data
        factor = min(0.9, math.sqrt(cap / base64_size(len(data))) * 0.95)
        img = img.resize((max(15, int(img.size[0] * factor)), max(15, int(img.size[1] * factor))))
    raise InputError(f"could not shrink the image below {cap / MB:.0f} MB of Base64; crop it")
