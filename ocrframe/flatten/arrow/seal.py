"""Columnar reader of Seal bodies: ``result.seal_list`` of seals, as the general walk's
``_walk_seals`` reads them. Each seal's ``words_block_list`` gives ``words`` rows whose
``region`` is the seal's index (a block's confidence is its ``words_confidence``); the seal
itself (its ``type``, with its ``confidence`` and ``location``) one ``fields`` row of group
``seal_list[i]``. The ``seal_image`` and ``erased_seal_image`` payloads are not read (see
``Response.payloads``). A seal without a type or a location is read otherwise by the walk (its
members are plain fields): that file goes the general way, as does any value the walk would
keep in ``other``.

>>> API, MARKERS
('seal', (b'"seal_list"',))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._extract import join_key
from .._names import normalise_field
from .blocks import out_of_range, polygon_columns, word_rows
from .columns import (
    explode,
    field,
    floats,
    missing_ints,
    nullable_ints,
    repeat_ids,
    repeated,
    strings,
    valid,
    whole,
)
from .general_text import polygon_type
from .rows import Built, Rows

__all__ = ["API", "MARKERS", "SCALARS_AT", "SCHEMA", "read"]

API = "seal"
SEALS = "seal_list"
MARKERS = (f'"{SEALS}"'.encode(),)
SCALARS_AT = ()  # ``result`` is no container: a scalar there is a field (the walk's way)
BLOCK_CONFIDENCE = "words_confidence"  # what a seal's blocks call their confidence


def SCHEMA() -> Any:  # noqa: N802 (a constant, built lazily: pyarrow loads on first use)
    import pyarrow as pa

    poly = polygon_type()
    block = pa.struct([("words", pa.string()), (BLOCK_CONFIDENCE, pa.float64()),
                       ("confidence", pa.float64()), ("location", poly)])  # fmt: skip
    seal = pa.struct([("type", pa.string()), ("seal_image", pa.string()),
                      ("confidence", pa.float64()), ("location", poly),
                      ("words_block_list", pa.list_(block))])  # fmt: skip
    result = pa.struct([(SEALS, pa.list_(seal)), ("erased_seal_image", pa.string())])
    return pa.schema([("result", result), ("error_code", pa.string())])


def read(table: Any, pages: np.ndarray, wanted: frozenset[str]) -> Built:
    """Frames of Seal bodies (see :mod:`ocrframe.flatten.arrow.dispatch`)."""
    seals_of = field(whole(table, "result"), SEALS)
    ok = valid(seals_of)
    ok &= np.asarray(table.column("error_code").is_null().to_numpy(zero_copy_only=False), bool)
    seals, file, number = explode(seals_of, np.arange(len(seals_of)))
    rows: dict[str, list[Rows]] = {}
    if wanted & {"words", "other"}:
        words, bad = _words(seals, file, number, pages, strict="other" in wanted)
        ok[bad] = False
        rows["words"] = [words]
    fields, bad = _fields(seals, file, number, pages)
    ok[bad] = False
    if wanted & {"fields", "other"}:
        rows["fields"] = [fields]
    return Built(ok, rows)


def _words(seals: Any, file: np.ndarray, number: np.ndarray, pages: np.ndarray,
           strict: bool) -> tuple[Rows, np.ndarray]:  # fmt: skip
    """``words`` rows of every seal's blocks, and the files the walk reads otherwise: a block
    holding both confidences (one goes to other), or a value ``word_rows`` refuses."""
    blocks, of_seal, block = explode(field(seals, "words_block_list"), np.arange(len(seals)))
    seal = number[of_seal]
    n = len(blocks)
    ids = {"page": pages[file[of_seal]], "region": nullable_ints(seal, np.zeros(n, dtype=bool)),
           "table": missing_ints(n), "cell": missing_ints(n), "block": block}  # fmt: skip
    words, bad = word_rows(blocks, file[of_seal], ids, (seal, block), strict=strict)
    own = field(blocks, BLOCK_CONFIDENCE)
    named = valid(own)
    bad |= named & valid(field(blocks, "confidence"))
    if strict:
        bad |= out_of_range(floats(own), named)
    words.columns["confidence"] = np.where(named, floats(own), words.columns["confidence"])
    return words, file[of_seal][bad]


def _fields(seals: Any, file: np.ndarray, number: np.ndarray,
            pages: np.ndarray) -> tuple[Rows, np.ndarray]:  # fmt: skip
    """The ``fields`` row of each seal (its type, confidence and polygon), and the files the
    walk reads otherwise: a seal that is null, has no type or location, or holds a
    confidence or polygon the rules refuse (the walk keeps those in other)."""
    kind, given = field(seals, "type"), field(seals, "confidence")
    conf = floats(given)
    loc, bad = polygon_columns(field(seals, "location"))
    bad |= ~(valid(seals) & valid(kind) & valid(field(seals, "location")))
    bad |= out_of_range(conf, valid(given))
    groups = [join_key("", f"{SEALS}[{i}]") for i in range(int(number.max(initial=-1)) + 1)]
    n = len(seals)
    cols = {
        "page": pages[file],
        "group": repeat_ids(groups, number),
        "field": repeated("type", n),
        "field_norm": repeat_ids([normalise_field("type", API, g) for g in groups], number),
        "item": missing_ints(n),
        "value": strings(kind),
        "confidence": conf,
        **loc,
    }
    return Rows(cols, file, (number,)), file[bad]
