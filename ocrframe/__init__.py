"""ocrframe: Huawei Cloud OCR results as tidy pandas DataFrames.

>>> import ocrframe
>>> ocrframe.words({"result": {"words_block_list": [{"words": "Hello"}]}})["text"].tolist()
['Hello']
"""

from __future__ import annotations

import logging

from .apis import APIS, ApiSpec, get_api
from .errors import (
    ApiError,
    AuthError,
    BadRequestError,
    InputError,
    MissingDependencyError,
    OcrError,
    ResponseFormatError,
    ServerError,
    ThrottlingError,
)
from .flatten import (
    alarms,
    cells,
    chars,
    document,
    fields,
    flatten,
    fonts,
    formulas,
    kv,
    kv_boxes,
    layout,
    other,
    plates,
    words,
)
from .response import Response, read_response

__version__ = "0.1.0"

__all__ = (
    "APIS",
    "ApiSpec",
    "get_api",
    "Response",
    "read_response",
    "flatten",
    "words",
    "chars",
    "cells",
    "kv",
    "kv_boxes",
    "layout",
    "formulas",
    "fields",
    "alarms",
    "plates",
    "fonts",
    "document",
    "other",
    "OcrError",
    "InputError",
    "ResponseFormatError",
    "MissingDependencyError",
    "ApiError",
    "BadRequestError",
    "AuthError",
    "ThrottlingError",
    "ServerError",
)

logging.getLogger(__name__).addHandler(logging.NullHandler())
