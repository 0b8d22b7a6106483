"""Columnar reader of Web Image bodies: General Text's blocks, each with its ``font_list``
and ``font_scores`` (``detect_font``), as ``words`` and ``fonts`` rows, and the service's
``extracted_data`` when empty (extraction results are fields: those files go the general way).
A body is Web Image's when it holds either (as :func:`ocrframe.detection.detect_api` tells);
blocks alone are General Text's. The service always sends ``extracted_data`` (empty unless
extraction was asked for): that is the marker, one search of the bytes (a body with fonts but
without it takes the general way).

>>> API, MARKERS
('web-image', (b'"extracted_data"',))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...catalog import get_api
from ...detection import FONT_KEYS
from .columns import explode, field, valid, whole
from .general_text import block_list, block_type
from .rows import Built

__all__ = ["API", "MARKERS", "SCHEMA", "DOCUMENT", "read"]

API = "web-image"
# The keys that tell Web Image (the catalog's signature: ``extracted_data``). They hold
# extraction results (contact_info, image_size), which are fields: an empty object alone is
# read here.
EMPTY = tuple(sorted(set().union(*get_api(API).signatures)))
MARKERS = tuple(f'"{key}"'.encode() for key in EMPTY)
DOCUMENT = {"result": {"words_block_count": "int64"}}


def SCHEMA() -> Any:  # noqa: N802 (a constant, built lazily: pyarrow loads on first use)
    import pyarrow as pa

    fonts = [("font_list", pa.list_(pa.string())), ("font_scores", pa.list_(pa.float64()))]
    block = pa.struct([*block_type(), *fonts])  # General Text's, with its fonts
    kids = [("words_block_list", pa.list_(block)), *((key, pa.struct([])) for key in EMPTY)]
    return pa.schema([("result", pa.struct(kids)), ("error_code", pa.string())])


def read(table: Any, pages: np.ndarray, wanted: frozenset[str]) -> Built:
    """Frames of Web Image bodies (see :mod:`ocrframe.flatten.arrow.dispatch`). A file that
    holds the marker only in its text (a block reading ``"extracted_data"``) is General
    Text's by detection: it goes the general way, which names its API so."""
    built = block_list(table, pages, wanted, fonts=True, skip=EMPTY)
    built.ok &= _detected(whole(table, "result"))
    return built


def _detected(result: Any) -> np.ndarray:
    """Files :func:`ocrframe.detection.detect_api` calls Web Image's: ``extracted_data``, or a
    block holding a font key."""
    blocks, file, _ = explode(field(result, "words_block_list"), np.arange(len(result)))
    fonts = np.zeros(len(blocks), dtype=bool)
    for key in sorted(FONT_KEYS):
        fonts |= valid(field(blocks, key))
    found = np.zeros(len(result), dtype=bool)
    found[file[fonts]] = True
    for key in EMPTY:
        found |= valid(field(result, key))
    return found
