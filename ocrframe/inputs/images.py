"""Inputs: load, check and encode an image, a PDF page or a URL into a request body.

Everything is checked against the API's documented limits before anything is sent (the loader
in :mod:`~ocrframe.inputs.load`, the validator in :mod:`~ocrframe.inputs.check`), and every
problem is an :class:`ocrframe.InputError` that says what was wrong and what to do.

>>> from ocrframe.inputs.images import prepare
>>> p = prepare("general-text", url="https://example.com/a.png", detect_direction=True)
>>> p.body
{'url': 'https://example.com/a.png', 'detect_direction': True}
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from ..arguments import check_flag
from ..catalog import ApiSpec, get_api
from ..errors import InputError
from .check import MB, WHOLE_FILE_PROBLEMS, ImageFacts, base64_size, image_problems, probe
from .formats import canonical_format
from .load import describe, encode_pil, load_bytes
from .pages import check_page, frame_note, read_frame, warn_first_page
from .params import PAGE_PARAMS, check_params
from .urls import url_label

__all__ = ["Prepared", "prepare"]


@dataclass(frozen=True)
class Prepared:
    """A checked request: the JSON body to send and where the input came from.

    Attributes
    ----------
    body : dict
        ``{"image" | "data": <base64>, ...params}`` or ``{"url": ..., ...params}`` (left out
        of the repr: a presigned URL's signature is in it).
    source : str or None
        The path or file name, or the URL's :func:`~ocrframe.inputs.urls.url_label` (its
        password and signature hidden), for ``Response.source``.
    page : int or None
        The page (1-based) of a PDF or multi-page image (TIFF) this request is for.
    image_bytes : int
        Size of the encoded image before Base64 (0 for URLs).
    notes : list of str
        What was changed on the way (PDF page rendered, image downscaled, ...).
    """

    body: dict[str, Any] = field(repr=False)
    source: str | None = None
    page: int | None = None
    image_bytes: int = 0
    notes: list[str] = field(default_factory=list)


def _check_url(url: Any) -> str:
    if not isinstance(url, str) or not url.strip():
        raise InputError(f"url must be a non-empty string, got {url!r}")
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"url must be an http(s) URL such as https://bucket.obs.<region>.myhuaweicloud.com/"
            f"a.jpg, got {url_label(url)!r}; for a local file pass it as image="
        )
    # The service rejects raw non-ASCII characters: percent-encode them (reference §6).
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


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
        1-based page of a PDF or a multi-page image (TIFF). A PDF page is sent as
        ``pdf_page_number`` to APIs that read PDFs, otherwise rendered at 150 dpi and sent as
        PNG; a TIFF page is sent as a single-page PNG. Without it, page 1 of a multi-page
        TIFF is read, with a warning.
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
    check_flag("auto_downscale", auto_downscale)
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
        body = {"url": _check_url(url), **body_params}  # the full URL: the service needs it
        return Prepared(body=body, source=url_label(url), page=page)
    data, source = load_bytes(image)
    return _prepare_bytes(spec, data, source, page, auto_downscale, body_params)


def _page_param(spec: ApiSpec) -> str | None:
    if not spec.accepts_pdf:
        return None
    return next((n for n in PAGE_PARAMS if n in spec.param_names), None)


def _one_page(page: int | None, page_param: str, asked: Any) -> Any:
    """The page given as ``page=`` or as the API's PDF page parameter (both: they agree)."""
    if page is not None and asked is not None and asked != page:
        raise InputError(
            f"page={page} and {page_param}={asked} disagree; give the page once (page=)"
        )
    return page if page is not None else asked


def _native_pdf_page(
    data: bytes, name: str, page_param: str, page: int | None, params: dict[str, Any]
) -> int | None:
    """The page a PDF sent as is will be read at; checked against the PDF's page count."""
    page = _one_page(page, page_param, params.get(page_param))
    if page is None:
        return None
    from .pdf import page_count

    params[page_param] = check_page(page, page_count(data), name)
    return page


def _prepare_bytes(
    spec: ApiSpec,
    data: bytes,
    source: str | None,
    page: int | None,
    auto_downscale: bool,
    params: dict[str, Any],
) -> Prepared:
    name = describe(source)
    facts = probe(data)
    notes: list[str] = []
    if facts.fmt == "pdf":
        if not data:
            raise InputError(f"{name} is empty (0 bytes)")
        page_param = _page_param(spec)
        if page_param is not None:
            page = _native_pdf_page(data, name, page_param, page, params)
            return _finish(spec, data, source, page, params, name, notes)
        from .pdf import render_page

        img = render_page(data, page=page or 1)
        notes.append(f"rendered PDF page {page or 1} at 150 dpi ({spec.slug} does not read PDFs)")
        page = page or 1
        data = encode_pil(img)
        facts = ImageFacts("png", img.size[0], img.size[1], len(data))
    elif facts.frames > 1:
        page_param = _page_param(spec)
        if page_param is not None:  # pdf_page_number= picks a page of a TIFF as of a PDF
            page = _one_page(page, page_param, params.pop(page_param, None))
        page, data, facts = _one_frame(spec, data, facts, source, page, notes)
    elif page is not None and facts.nbytes:
        raise InputError(
            f"page= is only for PDFs and multi-page images; {name} is "
            f"{'a single-page ' + facts.fmt.upper() if facts.fmt else 'not a PDF'}"
        )
    problems = image_problems(spec, facts, source)
    fatal = [p for p in problems if not (auto_downscale and p.downscalable)]
    if fatal:
        raise InputError(fatal[0].message)
    img = None
    if any(p.kind in ("side_max", "pixels") for p in problems):
        img = _downscale(spec, data, name, notes)
        data = encode_pil(img)
    elif auto_downscale and any(p.kind == "bytes" for p in problems):
        from PIL import Image

        img = Image.open(io.BytesIO(data))
    return _finish(spec, data, source, page, params, name, notes, img)


def _one_frame(
    spec: ApiSpec,
    data: bytes,
    facts: ImageFacts,
    source: str | None,
    page: int | None,
    notes: list[str],
) -> tuple[int, bytes, ImageFacts]:
    """Page ``page`` (default 1, with a warning) of a multi-page image as a single-page PNG:
    the service documents nothing about the other pages, so only the page asked for is sent."""
    name = describe(source)
    fatal = [p for p in image_problems(spec, facts, source) if p.kind in WHOLE_FILE_PROBLEMS]
    if fatal:
        raise InputError(fatal[0].message)
    if page is None:
        warn_first_page(name, facts.frames, stacklevel=6)  # the caller of Client.call
    page = check_page(1 if page is None else page, facts.frames, name)
    img = read_frame(data, page, name)
    notes.append(frame_note(page, facts.frames, facts.fmt))
    data = encode_pil(img)
    return page, data, ImageFacts("png", img.size[0], img.size[1], len(data))


def _downscale(spec: ApiSpec, data: bytes, name: str, notes: list[str]) -> Any:
    """The image shrunk to the API's side and pixel limits (never below its minimum side)."""
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    w, h = img.size
    max_pixels = spec.max_pixels
    scale = min(1.0, spec.max_side / max(w, h)) if spec.max_side else 1.0
    if max_pixels and w * h > max_pixels:
        scale = min(scale, math.sqrt(max_pixels / (w * h)))
    new_w, new_h = max(1, int(w * scale)), max(1, int(h * scale))
    if spec.min_side and min(new_w, new_h) < spec.min_side:
        raise InputError(
            f"{name} is {w}x{h} px; {spec.slug} needs each side >= {spec.min_side} px, and "
            f"downscaling it to its other limits gives {new_w}x{new_h}. Crop it into pieces"
        )
    small = img.resize((new_w, new_h))
    notes.append(f"downscaled from {w}x{h} to {small.size[0]}x{small.size[1]} px")
    return small


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
        jpeg_ok = "jpg" in {canonical_format(f) for f in spec.formats}
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
        data = encode_pil(img, "JPEG" if rgb else "PNG")
        if base64_size(len(data)) <= cap:
            notes.append(f"downscaled from {w}x{h} to {img.size[0]}x{img.size[1]} px to fit")
            return data
        factor = min(0.9, math.sqrt(cap / base64_size(len(data))) * 0.95)
        img = img.resize((max(15, int(img.size[0] * factor)), max(15, int(img.size[1] * factor))))
    raise InputError(f"could not shrink the image below {cap / MB:.0f} MB of Base64; crop it")
