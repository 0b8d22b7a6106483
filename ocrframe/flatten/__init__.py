"""Flatten OCR responses into tidy DataFrames.

Each function takes anything :func:`ocrframe.read_response` accepts (a Response, a dict, a
JSON string or bytes, a path, an official-SDK response object) and returns one DataFrame whose
columns follow the vocabulary table in README.md. Empty results give empty frames with
the full schema.

>>> import ocrframe
>>> body = {"result": {"words_block_list": [
...     {"words": "TOTAL 12.50", "confidence": 0.97,
...      "location": [[10, 5], [120, 5], [120, 25], [10, 25]]}]}}
>>> ocrframe.words(body)[["text", "confidence", "x1", "y3"]]
          text  confidence    x1    y3
0  TOTAL 12.50        0.97  10.0  25.0
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..response import Response, read_response
from ._collect import Extraction
from ._names import FIELD_NORMS, normalise_field
from ._schema import FRAMES, SCHEMAS, build_frame, empty_frame
from .many import extract_response, paused_gc

__all__ = [
    "Extraction",
    "FRAMES",
    "SCHEMAS",
    "FIELD_NORMS",
    "normalise_field",
    "empty_frame",
    "extraction",
    "flatten",
    "words",
    "chars",
    "tokens",
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
]


def extraction(x: Any, families: Iterable[str] | None = None) -> tuple[Response, Extraction]:
    """Read ``x`` and sort its values into ``families`` (default: all; shared by every
    flattener). Asking for one family walks only what it needs."""
    resp = read_response(x)
    with paused_gc():
        return resp, extract_response(resp, Extraction(families))


def _frame(name: str, x: Any) -> pd.DataFrame:
    resp, ex = extraction(x, (name,))
    return _build(name, ex)


def _build(name: str, ex: Extraction) -> pd.DataFrame:
    if name == "document":
        pages = sorted(ex.document)
        keys: list[str] = []
        for p in pages:
            keys += [k for k in ex.document[p] if k not in keys]
        cols: dict[str, list[Any]] = {"page": pages}
        for k in keys:
            cols[k] = [ex.document[p].get(k) for p in pages]
        return build_frame("document", cols)
    return build_frame(name, ex.take(name))


def flatten(x: Any) -> dict[str, pd.DataFrame]:
    """Every non-empty frame of a response, by name.

    Together the frames hold every value of the response (Base64 payloads excepted: see
    ``Response.payloads()``); values no dedicated frame covers land in ``other`` with their
    JSON path, so a non-empty response never flattens to nothing.

    >>> sorted(flatten({"result": [{"plate_number": "1กข 234", "confidence": 0.9}]}))
    ['plates']
    """
    _, ex = extraction(x)
    out: dict[str, pd.DataFrame] = {}
    for name in FRAMES:
        n = len(ex.document) if name == "document" else ex.rows(name)
        if n:
            out[name] = _build(name, ex)
    return out


def words(x: Any) -> pd.DataFrame:
    """Text blocks (lines): General Text, Web Image, Smart Document Recognizer ``ocr_result``,
    General Table text regions and the text pieces inside table cells (``table``/``cell`` set).
    General Table's ``words_list`` pieces (``return_text_location``) are rows of their own
    with ``piece`` = their index in the list (NA for blocks); in a cell ``block`` equals
    ``piece``, in a text region ``block`` is the enclosing block. :func:`chars` carries
    ``piece`` too.

    >>> words({"result": {"words_block_list": [{"words": "Hi"}]}}).shape
    (1, 20)
    """
    return _frame("words", x)


def chars(x: Any) -> pd.DataFrame:
    """Characters (``char_list``) with their confidence and polygon; ``block`` links to words.

    >>> chars({"result": {"words_block_list": [{"words": "ok", "char_list": [
    ...     {"char": "o", "char_confidence": 0.9}, {"char": "k", "char_confidence": 0.8}]}]}}
    ...      )["text"].tolist()
    ['o', 'k']
    """
    return _frame("chars", x)


def tokens(x: Any) -> pd.DataFrame:
    """Words as the engine segments them, for engines that return words inside lines
    (Textract WORD, Azure words, Document AI tokens, Vision words, Tesseract ``ocrx_word``);
    ``block`` is the row of :func:`words` (the line) holding the token. Empty for Huawei,
    whose text blocks are lines.

    >>> body = {"Blocks": [{"BlockType": "WORD", "Id": "w", "Text": "Hi", "Confidence": 99.0}]}
    >>> tokens(body)[["text", "confidence"]].values.tolist()
    [['Hi', 0.99]]
    """
    return _frame("tokens", x)


def cells(x: Any) -> pd.DataFrame:
    """Table and form cells in long form: ``row``/``col`` (0-based start), ``row_span``,
    ``col_span``, text, confidence and the cell polygon. ``ocrframe.tables`` builds grids.

    >>> body = {"result": {"words_region_list": [{"type": "table", "words_block_list": [
    ...     {"words": "Item", "rows": [0], "columns": [0, 1]}]}]}}
    >>> cells(body)[["row", "col", "row_span", "col_span", "text"]].to_dict("records")
    [{'row': 0, 'col': 0, 'row_span': 1, 'col_span': 2, 'text': 'Item'}]
    """
    return _frame("cells", x)


def outlines(x: Any) -> pd.DataFrame:
    """The outline polygon of each whole table or form (Smart Document Recognizer
    ``table_list[].location`` / ``form_list[].location``, General Table table regions with a
    ``location``): one row per table, ``kind`` and ``table`` as in :func:`cells`.

    >>> body = {"result": [{"table_result": {"table_list": [
    ...     {"location": [[0, 0], [90, 0], [90, 40], [0, 40]], "words_block_list": []}]}}]}
    >>> outlines(body)[["kind", "table", "x_max", "y_max"]].values.tolist()
    [['table', 0, 90.0, 40.0]]
    """
    return _frame("outlines", x)


def kv(x: Any) -> pd.DataFrame:
    """Key-value pairs (Smart Document Recognizer ``kv_result``, Bank Receipt, other engines'
    forms), one row per pair; ``group`` names the list element holding it (which receipt).

    >>> kv({"result": [{"kv_result": {"kv_block_list": [{"key": "Date", "value": "1 May"}]}}]}
    ...    )[["key", "value"]].values.tolist()
    [['Date', '1 May']]
    """
    return _frame("kv", x)


def kv_boxes(x: Any) -> pd.DataFrame:
    """The key and value text boxes of each pair (``role`` is ``key`` or ``value``).

    >>> body = {"result": [{"kv_result": {"kv_block_list": [{"key": "Date", "value": "1 May",
    ...     "words_block_list": [{"words": "Date", "type": "key"},
    ...                          {"words": "1 May", "type": "value"}]}]}}]}
    >>> kv_boxes(body)[["pair", "role", "text"]].values.tolist()
    [[0, 'key', 'Date'], [0, 'value', '1 May']]
    """
    return _frame("kv_boxes", x)


def layout(x: Any) -> pd.DataFrame:
    """Layout areas (title, text, table, figure, ...) with links to words, tables, forms.

    >>> body = {"result": [{"layout_result": {"layout_block_list": [
    ...     {"type": "table", "table_id": 0, "words_ids": [3, 4]}]}}]}
    >>> layout(body)[["type", "table_id", "words_ids"]].values.tolist()
    [['table', 0, [3, 4]]]
    """
    return _frame("layout", x)


def formulas(x: Any) -> pd.DataFrame:
    """Formulas as LaTeX in ``text`` with their ``type`` and polygon.

    >>> body = {"result": [{"formula_result": {"formula_list": [
    ...     {"formula": "x ^ { 2 }", "type": "embedded_formula"}]}}]}
    >>> formulas(body)[["text", "type"]].values.tolist()
    [['x ^ { 2 }', 'embedded_formula']]
    """
    return _frame("formulas", x)


def fields(x: Any) -> pd.DataFrame:
    """Named fields of ID documents, passports, cards and other structured results: one row
    per field with ``value``, ``confidence`` (from the per-field confidence map), polygon (from
    ``text_location`` when given), the original name in ``field`` and a shared name in
    ``field_norm``. Nested objects (``extra_info.local_language``, ``translation_info``,
    ``extracted_data.contact_info``) keep their path in ``group``, and confidence or
    ``text_location`` maps nested the same way reach their fields. A list-valued field
    (Chile ``surname``, VAT invoice ``seller_seal``) gives one row per element with ``item``
    = its index (NA for plain fields); a confidence or polygon list of the same length is
    matched element by element, a single one applies to each element. ``value_norm`` is the
    engine's normalised value where it gives one (other engines: Azure's ``valueNumber``,
    Document AI's ``normalizedValue``...; Huawei gives none).

    >>> fields({"result": {"surname": ["DÍAZ", "ROJAS"]}})[["item", "value"]].values.tolist()
    [[0, 'DÍAZ'], [1, 'ROJAS']]
    >>> f = fields({"result": {"gender": "F", "confidence": {"gender": 0.99}}})
    >>> f[["field", "field_norm", "value", "confidence"]].values.tolist()
    [['gender', 'sex', 'F', 0.99]]
    """
    return _frame("fields", x)


def alarms(x: Any) -> pd.DataFrame:
    """Quality and fraud checks, one row per check: ``flagged`` from ``detect_*_result`` /
    ``alarm_result`` and ``score`` on the API's 0–99 scale from ``*_score``
    (``alarm_confidence``, ``score_info``); ``group`` says where they came from.

    >>> body = {"result": {"name_kh": "...", "detect_blur_result": True,
    ...                    "score_info": {"blur_score": 87}}}
    >>> alarms(body)[["check", "flagged", "score"]].values.tolist()
    [['blur', True, 87.0]]
    """
    return _frame("alarms", x)


def plates(x: Any) -> pd.DataFrame:
    """Licence plates (Thailand Plate Number, License Plate): text, province (Thailand's),
    colour (Chinese plates'), confidence, polygon.

    >>> plates({"result": [{"plate_number": "1กข 234", "province": "กรุงเทพมหานคร",
    ...                     "confidence": 0.97}]})[["text", "confidence"]].values.tolist()
    [['1กข 234', 0.97]]
    >>> plates({"result": [{"plate_number": "苏N3C2J3", "plate_color": "blue"}]})["color"].tolist()
    ['blue']
    """
    return _frame("plates", x)


def fonts(x: Any) -> pd.DataFrame:
    """Font candidates of Web Image blocks (``font_list`` with ``font_scores``).

    >>> body = {"result": {"words_block_list": [{"words": "Sale", "font_list": ["Arial", "Roboto"],
    ...                                          "font_scores": [0.8, 0.1]}]}}
    >>> fonts(body)[["block", "rank", "font", "score"]].values.tolist()
    [[0, 0, 'Arial', 0.8], [0, 1, 'Roboto', 0.1]]
    """
    return _frame("fonts", x)


def document(x: Any) -> pd.DataFrame:
    """One row per page with the response's scalar properties (direction, counts,
    ``markdown_result``, region types, ...).

    >>> document({"result": {"direction": 90.0, "words_block_count": 0, "words_block_list": []}})
       page  direction  words_block_count
    0     1       90.0                  0
    """
    return _frame("document", x)


def other(x: Any) -> pd.DataFrame:
    """Every value that no dedicated frame covers, with its JSON ``path`` (JSON-encoded).

    >>> other({"result": {"words_block_list": [{"words": "a", "angle": 3}]}}).values.tolist()
    [[1, 'result.words_block_list[0].angle', '3']]
    """
    return _frame("other", x)
