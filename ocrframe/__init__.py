"""ocrframe: Huawei Cloud OCR results as tidy pandas DataFrames.

The public names below load their modules on first use, so ``import ocrframe`` stays light
(no requests, openpyxl, matplotlib or pypdfium2 until a function that needs them is called).
``ocrframe.widgets``, ``ocrframe.emulator`` and ``ocrframe.dask`` are submodules loaded the same
way.

>>> import ocrframe
>>> ocrframe.words({"result": {"words_block_list": [{"words": "Hello"}]}})["text"].tolist()
['Hello']
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

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
    WorkbookError,
)

# Names shared with a subpackage are bound eagerly: importing ocrframe.flatten or ocrframe.tables
# would otherwise replace the function with the module of the same name.
from .flatten import flatten
from .tables.grid import tables

if TYPE_CHECKING:  # the same names, eagerly, for type checkers and IDEs
    from .catalog import APIS, ApiSpec, get_api
    from .cloud.client import Client
    from .cloud.transport import RetryPolicy
    from .comparison import Comparison, compare
    from .datasets.audit import audit, threshold_sweep
    from .datasets.batch import Batch, read_responses
    from .datasets.calibration import (
        accuracy_by_confidence,
        calibration_table,
        expected_calibration_error,
        match_truth,
    )
    from .datasets.review import review_queue
    from .flatten import (
        alarms,
        cells,
        chars,
        document,
        fields,
        fonts,
        formulas,
        kv,
        kv_boxes,
        layout,
        other,
        outlines,
        plates,
        tokens,
        words,
    )
    from .local import LocalEngine
    from .plots.charts import plot_polygons, plot_table
    from .plots.distributions import plot_calibration, plot_confidence
    from .response import Response, read_response
    from .samples import ground_truth, list_samples, sample_path
    from .tables.api_excel import excel_tables, save_excel
    from .tables.compare import compare_excel_cells
    from .tables.grid import grid, join_tables
    from .tables.numeric import to_numeric_table
    from .tables.workbook import to_excel
    from .vendors import VENDORS, to_pixels

__version__ = "0.1.0"

# public name -> the module that is its one home
_HOMES: dict[str, str] = {
    "APIS": "catalog",
    "ApiSpec": "catalog",
    "get_api": "catalog",
    "Response": "response",
    "read_response": "response",
    "Client": "cloud.client",
    "RetryPolicy": "cloud.transport",
    "Batch": "datasets.batch",
    "read_responses": "datasets.batch",
    "audit": "datasets.audit",
    "threshold_sweep": "datasets.audit",
    "accuracy_by_confidence": "datasets.calibration",
    "review_queue": "datasets.review",
    "calibration_table": "datasets.calibration",
    "expected_calibration_error": "datasets.calibration",
    "match_truth": "datasets.calibration",
    **dict.fromkeys(
        (
            "flatten words tokens chars cells outlines kv kv_boxes layout formulas fields alarms "
            "plates fonts document other"
        ).split(),
        "flatten",
    ),
    "tables": "tables.grid",
    "grid": "tables.grid",
    "join_tables": "tables.grid",
    "to_numeric_table": "tables.numeric",
    "excel_tables": "tables.api_excel",
    "save_excel": "tables.api_excel",
    "compare_excel_cells": "tables.compare",
    "to_excel": "tables.workbook",
    "plot_polygons": "plots.charts",
    "plot_confidence": "plots.distributions",
    "plot_calibration": "plots.distributions",
    "plot_table": "plots.charts",
    "LocalEngine": "local",
    "sample_path": "samples",
    "list_samples": "samples",
    "ground_truth": "samples",
    "compare": "comparison",
    "Comparison": "comparison",
    "VENDORS": "vendors",
    "to_pixels": "vendors",
}
_SUBMODULES = ("widgets", "emulator", "dask")

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
    "outlines",
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


def __getattr__(name: str) -> Any:
    """Load a public name's home module on first use (PEP 562)."""
    if name in _HOMES:
        value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ocrframe' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBMODULES})


logging.getLogger(__name__).addHandler(logging.NullHandler())
