"""ocrframe: Huawei Cloud OCR results as tidy pandas DataFrames.

>>> import ocrframe
>>> ocrframe.words({"result": {"words_block_list": [{"words": "Hello"}]}})["text"].tolist()
['Hello']
"""

from __future__ import annotations

import logging

from .apis import APIS, ApiSpec, get_api
from .audit import accuracy_by_confidence, audit, threshold_sweep
from .batch import Batch, read_responses
from .client import Client
from .compare import Comparison, compare
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
from .excel import WorkbookError, compare_excel_cells, excel_tables, save_excel, to_excel
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
    tokens,
    words,
)
from .local import LocalEngine
from .plot import (
    calibration_table,
    expected_calibration_error,
    match_truth,
    plot_calibration,
    plot_confidence,
    plot_polygons,
    plot_table,
)
from .response import Response, read_response
from .review import review_queue
from .samples import ground_truth, list_samples, sample_path
from .tables import grid, join_tables, tables, to_numeric_table
from .transport import RetryPolicy
from .vendors import VENDORS, to_pixels

__version__ = "0.1.0"

__all__ = (
    "APIS",
    "ApiSpec",
    "get_api",
    "Response",
    "Client",
    "RetryPolicy",
    "Batch",
    "read_responses",
    "audit",
    "threshold_sweep",
    "accuracy_by_confidence",
    "review_queue",
    "read_response",
    "flatten",
    "words",
    "tokens",
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
    "VENDORS",
    "to_pixels",
    "compare",
    "Comparison",
    "tables",
    "grid",
    "join_tables",
    "to_numeric_table",
    "excel_tables",
    "save_excel",
    "compare_excel_cells",
    "to_excel",
    "plot_polygons",
    "plot_confidence",
    "plot_calibration",
    "plot_table",
    "calibration_table",
    "expected_calibration_error",
    "match_truth",
    "LocalEngine",
    "sample_path",
    "list_samples",
    "ground_truth",
    "OcrError",
    "InputError",
    "ResponseFormatError",
    "MissingDependencyError",
    "ApiError",
    "BadRequestError",
    "AuthError",
    "ThrottlingError",
    "ServerError",
    "WorkbookError",
)

logging.getLogger(__name__).addHandler(logging.NullHandler())
