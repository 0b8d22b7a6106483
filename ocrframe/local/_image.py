"""Load what a user hands the local engine into an RGB array (PDF pages rendered at 150 dpi,
one page of a multi-page TIFF read and checked).

Loading and checking are the cloud client's (:mod:`ocrframe.inputs`): the same inputs are
accepted, and the same ones refused with the same :class:`~ocrframe.InputError`.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from ..catalog import get_api
from ..errors import InputError
from ..inputs.check import WHOLE_FILE_PROBLEMS, ImageFacts, image_problems, probe
from ..inputs.load import describe, load_input
from ..inputs.pages import read_frame
from ..inputs.pdf import is_pdf
from ..plots.data import load_image, to_uint8


def read_input(image: Any, api: str) -> tuple[Any, str, int]:
    """Return ``(data, source, frames)``: PDF or image bytes, or a PIL image / uint8 array, a
    source label and the page count of a multi-page image (1 otherwise); raise InputError when
    the image breaks the API's rules."""
    spec = get_api(api)
    data, source = load_input(image)
    named = source
    if source is None:
        if isinstance(image, bytes | bytearray | memoryview):
            source = "<bytes>"
        elif hasattr(image, "read"):
            source = "<file>"
        else:
            source = f"<{type(image).__name__}>"
    if isinstance(data, bytes):
        if is_pdf(data):
            return data, source, 1
        facts = probe(data)
    elif isinstance(data, np.ndarray):
        facts = ImageFacts("png", data.shape[1], data.shape[0], None)
    else:
        facts = ImageFacts("png", data.size[0], data.size[1], None)
    problems = image_problems(spec, facts, named)
    if facts.frames > 1:  # the size limits apply to the page read, checked when it is read
        problems = [p for p in problems if p.kind in WHOLE_FILE_PROBLEMS]
    if problems:
        raise InputError(problems[0].message)
    if facts.width is None:  # the cloud may read what Pillow cannot; this engine may not
        raise InputError(
            f"{describe(named)} looks like {str(facts.fmt).upper()} but cannot be opened "
            "(damaged, or a variant Pillow does not read); the local engine decodes images "
            "with Pillow: save it again as PNG or JPEG"
        )
    return data, source, facts.frames


def read_page(data: bytes, page: int, api: str, source: str) -> Any:
    """Page ``page`` of a multi-page image as a PIL image, checked against the API's size
    limits as the cloud client checks the page it sends."""
    img = read_frame(data, page, describe(source))
    facts = ImageFacts("png", img.size[0], img.size[1], None)
    problems = image_problems(get_api(api), facts, source)
    if problems:
        raise InputError(problems[0].message)
    return img


def to_rgb_array(data: Any, page: int | None = None) -> np.ndarray:
    """Decode checked image bytes / PIL / array (or render a PDF page) to uint8 (H, W, 3).
    Grey images of 16 or 32 bits are scaled to 8 (Pillow's RGB conversion clips them white)."""
    from PIL import Image

    if isinstance(data, bytes):
        if is_pdf(data):
            from ..inputs.pdf import render_page

            data = render_page(data, page=page or 1)
        else:
            data = Image.open(io.BytesIO(data))
    arr = to_uint8(load_image(data))
    if arr.ndim == 2:
        arr = np.stack([arr] * 3, axis=-1)
    return np.ascontiguousarray(arr[..., :3])
