"""Load what a user hands the local engine into an RGB array (PDF pages rendered at 150 dpi)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..inputs.pdf import is_pdf


def read_input(image: Any) -> tuple[Any, str]:
    """Return ``(data, source)``: a PIL image / array, or PDF bytes, and a source label."""
    from PIL import Image

    if isinstance(image, str | os.PathLike):
        path = Path(image)
        if not path.is_file():
            raise InputError(f"no image found at path '{path}'")
        return path.read_bytes(), str(path)
    if isinstance(image, bytes | bytearray | memoryview):
        if not len(image):
            raise InputError("the image bytes are empty")
        return bytes(image), "<bytes>"
    if isinstance(image, Image.Image | np.ndarray):
        return image, f"<{type(image).__name__}>"
    if hasattr(image, "read"):
        data = image.read()
        if not isinstance(data, bytes) or not data:
            raise InputError("the file object gave no bytes; open it in binary mode ('rb')")
        return data, str(getattr(image, "name", "<file>"))
    raise InputError(
        "image must be a path, bytes, a binary file object, a PIL image or a numpy array, "
        f"got {type(image).__name__}"
    )


def to_rgb_array(data: Any, page: int | None = None) -> np.ndarray:
    """Decode image bytes / PIL / array (or render a PDF page) to a uint8 (H, W, 3) array."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(data, bytes):
        if is_pdf(data):
            from ..inputs.pdf import render_page

            data = render_page(data, page=page or 1)
        else:
            try:
                data = Image.open(io.BytesIO(data))
                data.load()
            except (UnidentifiedImageError, OSError) as exc:
                raise InputError(f"cannot decode the image: {exc}") from exc
    if isinstance(data, Image.Image):
        return np.asarray(data.convert("RGB"))
    arr = np.asarray(data)
    if arr.ndim == 2:
        arr = np.stack([arr] * 3, axis=-1)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4) or min(arr.shape[:2]) < 1:
        raise InputError(f"a numpy image must be (H, W), (H, W, 3) or (H, W, 4), got {arr.shape}")
    if arr.dtype != np.uint8:
        if np.issubdtype(arr.dtype, np.floating) and arr.max(initial=0) <= 1.0:
            arr = arr * 255
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(arr[..., :3])
