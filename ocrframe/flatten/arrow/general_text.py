"""Columnar reader of General Text bodies: ``result.words_block_list`` of text blocks (with
their ``char_list`` when asked for characters) and the result's scalars as ``document``. A
block's ``type`` (Handwriting's blocks hold one), which no frame column holds, is an ``other``
row, as the general walk keeps it.

>>> API
'general-text'
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .blocks import char_rows, font_rows, other_rows, word_rows
from .columns import explode, field, lengths, missing_ints, valid, whole
from .document import document_rows
from .rows import Built, Rows

__all__ = ["API", "MARKERS", "SCHEMA", "DOCUMENT", "parse_schema", "read", "block_list"]

API = "general-text"
BLOCKS = "words_block_list"
MARKERS = (f'"{BLOCKS}"'.encode(),)
# Document scalars under ``result`` with the type the service usually sends, for the strict
# first parse (files that differ, e.g. a fractional direction, are read by the second one).
DOCUMENT = {"result": {"direction": "int64", "words_block_count": "int64"}}
# The block member read as text into ``other`` rows (where the schema declares it).
KEPT = "type"


def polygon_type() -> Any:
    import pyarrow as pa

    return pa.list_(pa.list_(pa.float64()))


def block_type() -> Any:
    """A text block of a ``words_block_list`` with its ``char_list`` (shared by every shape
    holding such lists)."""
    import pyarrow as pa

    char = pa.struct([("char", pa.string()), ("char_confidence", pa.float64()),
                      ("char_location", polygon_type())])  # fmt: skip
    return pa.struct([("words", pa.string()), ("confidence", pa.float64()),
                      ("location", polygon_type()), ("char_list", pa.list_(char))])  # fmt: skip


def SCHEMA(kept: bool = True) -> Any:  # noqa: N802 (a constant, built lazily)
    """The bodies' schema (``kept``: blocks with their ``KEPT`` member)."""
    import pyarrow as pa

    block = pa.struct([*block_type(), *([(KEPT, pa.string())] if kept else [])])
    result = pa.struct([(BLOCKS, pa.list_(block))])
    return pa.schema([("result", result), ("error_code", pa.string())])


def parse_schema(first: bytes) -> Any:
    """The schema a dataset whose first body is ``first`` is parsed with: blocks without
    their ``KEPT`` member when that body holds none (the usual General Text dataset parses
    no column of nulls for it; a later body holding one fails that parse, and the dataset is
    parsed again with it inferred).

    >>> blocks = parse_schema(b'{"result": {}}').field("result").type.field(BLOCKS).type
    >>> blocks.value_type.get_field_index(KEPT)
    -1
    """
    return SCHEMA(kept=f'"{KEPT}"'.encode() in first)


def read(table: Any, pages: np.ndarray, wanted: frozenset[str]) -> Built:
    """Frames of General Text bodies (see :mod:`ocrframe.flatten.arrow.dispatch`)."""
    return block_list(table, pages, wanted)


def block_list(table: Any, pages: np.ndarray, wanted: frozenset[str],
               fonts: bool = False, skip: tuple[str, ...] = ()) -> Built:  # fmt: skip
    """Frames of bodies whose ``result`` holds a ``words_block_list`` (General Text; Web
    Image with ``fonts``) and scalars (``document``); ``skip``: other keys of ``result`` that
    give no row (the schema holds them as an empty object)."""
    import pyarrow as pa

    result = whole(table, "result")
    lists = field(result, BLOCKS)
    ok = np.asarray(lists.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    ok &= np.asarray(table.column("error_code").is_null().to_numpy(zero_copy_only=False), bool)
    rows: dict[str, list[Rows]] = {}
    blocks, file, block = explode(lists, np.arange(len(lists)))
    n = len(blocks)
    na = missing_ints(n)
    ids = {"page": pages[file], "region": na, "table": na, "cell": na, "block": block}
    # Asked for other, a reader must look at everything: only clean files have no other rows.
    if wanted & {"words", "other"}:
        words, bad = word_rows(blocks, file, ids, strict="other" in wanted)
        ok[file[bad]] = False
        rows["words"] = [words]
    if wanted & {"chars", "other"} and lengths(field(blocks, "char_list")).any():
        chars, bad, _ = char_rows(blocks, file, ids, (block,))
        ok[file[bad]] = False
        rows["chars"] = [chars]
    if fonts and wanted & {"fonts", "other"}:
        found, bad = font_rows(blocks, file, {"page": ids["page"], "block": block},
                               strict="other" in wanted)  # fmt: skip
        ok[file[bad]] = False
        rows["fonts"] = [found]
    if "other" in wanted and blocks.type.get_field_index(KEPT) >= 0:
        if pa.types.is_string(field(blocks, KEPT).type):
            where = f"result.{BLOCKS}"
            rows["other"] = [other_rows(blocks, file, ids["page"], block, where, KEPT)]
        else:  # inferred otherwise (see parse_schema): the walk writes it as JSON
            ok[file[valid(field(blocks, KEPT))]] = False
    if wanted & {"document", "other"}:
        document, bad = document_rows(result, pages, skip=(BLOCKS, *skip))
        ok &= ~bad
        rows["document"] = [document]
    return Built(ok, rows)
