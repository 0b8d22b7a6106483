"""Columnar reader of General Text bodies: ``result.words_block_list`` of text blocks (with
their ``char_list`` when asked for characters) and the result's scalars as ``document``. A
block's text members no frame column holds (Handwriting's ``type``, a custom template's
``key`` and ``value``, any other) are ``other`` rows, in the order each block writes them,
as the general walk keeps them.

>>> API
'general-text'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...detection import FONT_KEYS
from .blocks import char_rows, font_rows, other_rows, word_rows
from .columns import explode, field, lengths, missing_ints, valid, whole
from .document import document_rows
from .keyorder import item_key_ranks, item_key_tokens, key_tokens
from .rows import Built, Rows

__all__ = ["API", "MARKERS", "SCHEMA", "SCALARS_AT", "DOCUMENT", "NEEDS_BODIES", "parse_schema",
           "read", "block_list"]  # fmt: skip

API = "general-text"
BLOCKS = "words_block_list"
MARKERS = (f'"{BLOCKS}"'.encode(),)
# Document scalars under ``result`` with the type the service usually sends, for the strict
# first parse (files that differ, e.g. a fractional direction, are read by the second one).
DOCUMENT = {"result": {"direction": "int64", "words_block_count": "int64"}}
# Block members known to hold text for ``other`` rows (Handwriting's, custom templates'),
# declared for the strict parse when the first body holds them; any other text member of a
# block is read too, after a parse that infers it.
KEPT = ("type", "key", "value")
# Scalars allowed beside what the schema declares: the result's (``document``) and the
# blocks' (``other``).
SCALARS_AT = ("result", f"result.{BLOCKS}")


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


def SCHEMA(kept: tuple[str, ...] = KEPT) -> Any:  # noqa: N802 (a constant, built lazily)
    """The bodies' schema, blocks with the members ``kept`` as text."""
    import pyarrow as pa

    block = pa.struct([*block_type(), *((key, pa.string()) for key in kept)])
    result = pa.struct([(BLOCKS, pa.list_(block))])
    return pa.schema([("result", result), ("error_code", pa.string())])


def parse_schema(first: bytes) -> Any:
    """The schema a dataset whose first body is ``first`` is parsed with: blocks with those
    ``KEPT`` members that body holds (the usual General Text dataset parses no column of
    nulls for them; a later body holding another fails that parse, and the dataset is parsed
    again with it inferred).

    >>> blocks = parse_schema(b'{"result": {}}').field("result").type.field(BLOCKS).type
    >>> blocks.value_type.get_field_index("type")
    -1
    """
    return SCHEMA(kept=tuple(key for key in KEPT if f'"{key}"'.encode() in first))


def NEEDS_BODIES(first: bytes) -> bool:  # noqa: N802 (the attribute dispatch asks for)
    """Whether the reader needs the bodies' text, as the dataset's ``first`` body tells: when
    its blocks may hold several ``KEPT`` members, whose order only the text gives (bodies
    that need it and were not kept go the general way).

    >>> NEEDS_BODIES(b'{"key": "a", "value": "b"}'), NEEDS_BODIES(b'{"type": "print"}')
    (True, False)
    """
    return sum(f'"{key}"'.encode() in first for key in KEPT) > 1


def read(table: Any, pages: np.ndarray, wanted: frozenset[str],
         bodies: Sequence[bytes] | None = None) -> Built:  # fmt: skip
    """Frames of General Text bodies (see :mod:`ocrframe.flatten.arrow.dispatch`); ``bodies``:
    their text when :data:`NEEDS_BODIES` asked for it."""
    return block_list(table, pages, wanted, bodies=bodies)


def block_list(table: Any, pages: np.ndarray, wanted: frozenset[str],
               fonts: bool = False, skip: tuple[str, ...] = (),
               bodies: Sequence[bytes] | None = None) -> Built:  # fmt: skip
    """Frames of bodies whose ``result`` holds a ``words_block_list`` (General Text; Web
    Image with ``fonts``) and scalars (``document``); ``skip``: other keys of ``result`` that
    give no row (the schema holds them as an empty object); ``bodies``: their text, for the
    order of the members of a block that go to ``other`` (None: a body that needs it goes
    the general way)."""
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
    if "other" in wanted:
        held = set(block_type().names) | (FONT_KEYS if fonts else set())
        extra = [name for name in blocks.type.names if name not in held]
        found, bad = _member_rows(blocks, file, ids["page"], block, extra, bodies)
        ok[file[bad]] = False
        if found:
            rows["other"] = found
    if wanted & {"document", "other"}:
        document, bad = document_rows(result, pages, skip=(BLOCKS, *skip))
        ok &= ~bad
        rows["document"] = [document]
    return Built(ok, rows)


def _member_rows(blocks: Any, file: np.ndarray, page: np.ndarray, block: np.ndarray,
                 names: list[str],
                 bodies: Sequence[bytes] | None) -> tuple[list[Rows], np.ndarray]:  # fmt: skip
    """``other`` rows of the members ``names`` of the blocks (of files ``file``, at ``block``
    in their list), and the mask of blocks the general walk must read: a member that is no
    text (the walk writes it as JSON), or one of several in a block whose written order is
    not known (no ``bodies``, or a key the scan cannot tell)."""
    import pyarrow as pa

    bad = np.zeros(len(blocks), dtype=bool)
    given: dict[str, np.ndarray] = {}  # the text members, where each block holds them
    for name in names:
        values = field(blocks, name)
        if pa.types.is_string(values.type):
            given[name] = valid(values)
        else:
            bad |= valid(values)
    texts = list(given)
    rank = {name: np.zeros(len(blocks), dtype=np.int64) for name in texts}
    several = sum((v.astype(np.int64) for v in given.values()), np.zeros(len(blocks), int)) > 1
    if several.any() and bodies is None:
        bad |= several
    elif several.any():  # the order each block writes them in: from the text
        tokens = item_key_tokens(key_tokens(bodies), BLOCKS, texts)
        for name in texts:
            rank[name] = item_key_ranks(tokens[name], file, block)
            bad |= given[name] & (rank[name] < 0)
    where = f"result.{BLOCKS}"
    return [other_rows(blocks, file, page, block, where, name, rank[name]) for name in texts], bad
