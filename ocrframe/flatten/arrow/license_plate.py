"""Columnar reader of License Plate bodies (Chinese plates): Thailand's plate reader
(:mod:`.plates`), for the bodies whose plates hold a colour, which is what tells them apart
(:func:`ocrframe.detection.detect_api`). The colour is the marker: one search of the bytes.

>>> API, MARKERS
('license-plate', (b'"plate_color"',))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...catalog import get_api
from .plates import SCALARS_AT, SCHEMA, read_plates
from .rows import Built

__all__ = ["API", "MARKERS", "SCALARS_AT", "SCHEMA", "read"]

API = "license-plate"
MARKERS = tuple(f'"{key}"'.encode() for keys in get_api(API).signatures for key in sorted(keys))


def read(table: Any, pages: np.ndarray, wanted: frozenset[str]) -> Built:
    """Frames of License Plate bodies (see :func:`.plates.read_plates`)."""
    return read_plates(API, table, pages, wanted)
