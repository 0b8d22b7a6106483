"""Columnar reader of General Table bodies: ``result.words_region_list`` of text regions (lines
as ``words``) and table regions (``cells`` placed by their ``rows``/``columns``, an ``outlines``
row per table with a polygon ``location``), the ``words_list`` pieces of lines and cells with
their ``char_list``, and ``document`` keys (``words_region_count``, ``region0.type``...).

The rules are the general walk's (``walk_regions`` in :mod:`ocrframe.flatten._families`): a
region is a table when its ``type`` says so or a block holds ``rows``/``columns``; tables are
numbered per file in region order; a block of a table without a usable grid position is a
``words`` row with ``table`` set; a cell's own box comes from ``cell_location`` (its text's box
then goes to ``text_x1``...), else from ``location``. The ``excel`` payload is not read.
Financial Statement's bodies are of this shape (:mod:`.financial_statement`): a table's
polygon is its ``table_location``, a region's ``type`` is ``valid`` (an ``other`` row).

>>> API, MARKERS
('general-table', (b'"words_region_list"',))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._schema import POLYGON, TEXT_POLYGON
from .blocks import char_rows, other_rows, out_of_range, word_rows
from .columns import (
    explode,
    field,
    floats,
    lengths,
    missing_ints,
    nullable_ints,
    polygons,
    repeated,
    strings,
    valid,
    whole,
)
from .document import document_rows
from .general_text import polygon_type
from .rows import Built, Rows

__all__ = ["API", "MARKERS", "SCHEMA", "DOCUMENT", "read"]

API = "general-table"
REGIONS = "words_region_list"
MARKERS = (f'"{REGIONS}"'.encode(),)
# The count every body holds, with the type the service sends, for the strict first parse
# (without it that parse refused every body: a second, inferring parse read them all).
DOCUMENT = {"result": {"words_region_count": "int64"}}

_EXACT = 2**53  # grid indices beyond this are not the integers the general walk compares
_REGION_TYPES = ("text", "table")
# Financial Statement's name for a table region's polygon (read when it has no ``location``).
OUTLINE = "table_location"


def SCHEMA() -> Any:  # noqa: N802 (a constant, built lazily: pyarrow loads on first use)
    import pyarrow as pa

    poly = polygon_type()
    char = pa.struct([("char", pa.string()), ("char_confidence", pa.float64()),
                      ("char_location", poly)])  # fmt: skip
    piece = pa.struct([("words", pa.string()), ("confidence", pa.float64()),
                       ("location", poly), ("char_list", pa.list_(char))])  # fmt: skip
    block = pa.struct([*piece, ("words_list", pa.list_(piece)), ("rows", pa.list_(pa.int64())),
                       ("columns", pa.list_(pa.int64())), ("cell_location", poly)])  # fmt: skip
    region = pa.struct([("type", pa.string()), ("words_block_count", pa.int64()),
                        ("words_block_list", pa.list_(block)), ("location", poly),
                        (OUTLINE, poly)])  # fmt: skip
    result = pa.struct([(REGIONS, pa.list_(region)), ("excel", pa.string())])
    return pa.schema([("result", result), ("error_code", pa.string())])


@dataclass
class _Layout:
    """Regions and blocks of every file, with the walk's ids: per region its ``file``, index
    ``r`` and table number (-1: a text region); per block its region, index and grid."""

    regions: Any
    r_file: np.ndarray
    r_index: np.ndarray
    table_no: np.ndarray
    blocks: Any
    b_region: np.ndarray
    b_index: np.ndarray
    is_cell: np.ndarray
    grid: dict[str, tuple[np.ndarray, ...]]  # "rows"/"columns": see _span

    def block_ids(self, pages: np.ndarray, rows: np.ndarray) -> dict[str, Any]:
        """``page``, ``region`` and ``table`` (NA outside tables) of blocks ``rows``."""
        region = self.b_region[rows]
        table = self.table_no[region]
        return {
            "page": pages[self.r_file[region]],
            "region": nullable_ints(self.r_index[region], np.zeros(len(rows), dtype=bool)),
            "table": nullable_ints(table, table < 0),
        }


def read(table: Any, pages: np.ndarray, wanted: frozenset[str]) -> Built:
    """Frames of General Table bodies (see :mod:`ocrframe.flatten.arrow.dispatch`)."""
    result = whole(table, "result")
    ok = valid(field(result, REGIONS))
    ok &= np.asarray(table.column("error_code").is_null().to_numpy(zero_copy_only=False), bool)
    strict = "other" in wanted
    lay = _layout(result)
    file_of_block = lay.r_file[lay.b_region]
    ok[file_of_block[lay.grid["rows"][4] | lay.grid["columns"][4]]] = False
    rows: dict[str, list[Rows]] = {}
    if strict:
        ok[file_of_block[_odd_blocks(lay)]] = False
        rows["other"] = [_region_types(lay, pages)]
    if wanted & {"words", "chars", "other"}:
        _words(lay, pages, wanted, ok, rows)
    if wanted & {"cells", "other"}:
        cells, bad = _cells(lay, pages, strict)
        ok[file_of_block[lay.is_cell][bad]] = False
        rows["cells"] = [cells]
    if wanted & {"outlines", "other"}:
        outlines, bad = _outlines(lay, pages)
        ok[lay.r_file[bad]] = False
        rows["outlines"] = [outlines]
    if wanted & {"document", "other"}:
        document, bad = document_rows(
            result, pages, skip=(REGIONS, "excel"), extra=_region_keys(lay, len(ok))
        )
        ok &= ~bad
        rows["document"] = [document]
    return Built(ok, rows)


def _layout(result: Any) -> _Layout:
    import pyarrow.compute as pc

    regions, r_file, r_index = explode(field(result, REGIONS), np.arange(len(result)))
    blocks, b_region, b_index = explode(field(regions, "words_block_list"), np.arange(len(regions)))
    grid = {key: _span(field(blocks, key)) for key in ("rows", "columns")}
    gridded = valid(field(blocks, "rows")) | valid(field(blocks, "columns"))
    said_table = pc.fill_null(pc.equal(field(regions, "type"), "table"), False)
    is_table = np.asarray(said_table.to_numpy(zero_copy_only=False), dtype=bool)
    is_table |= np.bincount(b_region[gridded], minlength=len(regions)) > 0
    before = np.cumsum(is_table) - is_table  # table regions before each region, over all files
    first = np.searchsorted(r_file, r_file)  # each file's first region
    table_no = np.where(is_table, before - before[first], -1)
    is_cell = is_table[b_region] & grid["rows"][0] & grid["columns"][0]
    return _Layout(regions, r_file, r_index, table_no, blocks, b_region, b_index, is_cell, grid)


def _span(lists: Any) -> tuple[np.ndarray, ...]:
    """Per list of grid indices: usable (non-empty, none negative), first index, span,
    whether it is not the run first..last in order (the general walk keeps that in other),
    and whether an index is too large to be compared as the walk compares it (a float)."""
    n = len(lists)
    values, owner, index = explode(lists, np.arange(n))
    v = values.to_numpy(zero_copy_only=False).astype(np.int64)
    count = lengths(lists)
    low, high = np.zeros(n, np.int64), np.zeros(n, np.int64)
    has = count > 0
    if len(v):
        starts = (np.cumsum(count) - count)[has]
        low[has], high[has] = np.minimum.reduceat(v, starts), np.maximum.reduceat(v, starts)
    negative, huge, gap = (np.zeros(n, dtype=bool) for _ in range(3))
    negative[owner[v < 0]] = True
    huge[owner[np.abs(v) >= _EXACT]] = True
    gap[owner[v - low[owner] != index]] = True
    return has & ~negative, low, high - low + 1, gap, huge


def _words(lay: _Layout, pages: np.ndarray, wanted: frozenset[str], ok: np.ndarray,
           rows: dict[str, list[Rows]]) -> None:  # fmt: skip
    """``words`` and ``chars`` of lines (blocks that are not cells) and of every piece. Read
    over all blocks, then kept for lines: filtering the blocks would copy every piece."""
    strict = "other" in wanted
    n = len(lay.blocks)
    line = ~lay.is_cell
    file = lay.r_file[lay.b_region]
    ids = {**lay.block_ids(pages, np.arange(n)), "cell": missing_ints(n),
           "block": lay.b_index, "piece": missing_ints(n)}  # fmt: skip
    order = (lay.r_index[lay.b_region], lay.b_index, np.full(n, -1))
    pieces, of_block, piece = explode(field(lay.blocks, "words_list"), np.arange(n))
    cell = lay.is_cell[of_block]
    p_file = file[of_block]
    p_ids = {**lay.block_ids(pages, of_block), "cell": nullable_ints(lay.b_index[of_block], ~cell),
             "block": np.where(cell, piece, lay.b_index[of_block]),
             "piece": nullable_ints(piece, np.zeros(len(piece), dtype=bool))}  # fmt: skip
    p_order = (order[0][of_block], lay.b_index[of_block], piece)
    if wanted & {"words", "other"}:
        line_words, bad = word_rows(lay.blocks, file, ids, order, strict=strict)
        ok[file[bad & line]] = False
        piece_words, bad = word_rows(pieces, p_file, p_ids, p_order, strict=strict)
        ok[p_file[bad]] = False
        rows["words"] = [line_words.subset(line), piece_words]
    if wanted & {"chars", "other"}:
        rows["chars"] = []
        if lengths(field(lay.blocks, "char_list"))[line].any():
            chars, bad, char_block = char_rows(lay.blocks, file, ids, order)
            ok[file[bad & line]] = False
            rows["chars"].append(chars.subset(line[char_block]))
        if lengths(field(pieces, "char_list")).any():
            chars, bad, _ = char_rows(pieces, p_file, p_ids, p_order)
            ok[p_file[bad]] = False
            rows["chars"].append(chars)


def _cells(lay: _Layout, pages: np.ndarray, strict: bool) -> tuple[Rows, np.ndarray]:
    """``cells`` rows of the blocks with a grid position, and the mask of those the general
    walk would also put (partly) in ``other``."""
    at = np.flatnonzero(lay.is_cell)
    region = lay.b_region[at]
    box, has_box, odd_box = (a[at] for a in _polygon(field(lay.blocks, "cell_location")))
    text_box, _, odd_text_box = (a[at] for a in _polygon(field(lay.blocks, "location")))
    conf_arr = field(lay.blocks, "confidence")
    conf = floats(conf_arr)[at]
    cols: dict[str, Any] = {
        "page": pages[lay.r_file[region]],
        "table": lay.table_no[region],
        "kind": repeated("table", len(at)),
        "cell": lay.b_index[at],
        "row": lay.grid["rows"][1][at],
        "row_span": lay.grid["rows"][2][at],
        "col": lay.grid["columns"][1][at],
        "col_span": lay.grid["columns"][2][at],
        "text": strings(field(lay.blocks, "words").take(at)),
        "confidence": conf,
    }
    for k, (name, text_name) in enumerate(zip(POLYGON, TEXT_POLYGON, strict=True)):
        cols[name] = np.where(has_box, box[:, k], text_box[:, k])
        cols[text_name] = np.where(has_box, text_box[:, k], np.nan)
    bad = np.zeros(len(at), dtype=bool)
    if strict:
        bad = odd_box | odd_text_box | out_of_range(conf, valid(conf_arr)[at])
        bad |= valid(field(lay.blocks, "char_list"))[at]  # a cell's characters go to other
    return Rows(cols, lay.r_file[region]), bad


def _outlines(lay: _Layout, pages: np.ndarray) -> tuple[Rows, np.ndarray]:
    """``outlines`` rows of table regions with a polygon ``location`` (else ``table_location``,
    Financial Statement's); the mask of regions whose polygon the general walk puts in
    ``other`` instead (both given, or one not a polygon, or a text region's)."""
    xy, good, odd = _polygon(field(lay.regions, "location"))
    other_xy, other_good, other_odd = _polygon(field(lay.regions, OUTLINE))
    named = valid(field(lay.regions, "location"))
    told = valid(field(lay.regions, OUTLINE))
    xy = np.where(named[:, None], xy, other_xy)
    odd = odd | (~named & other_odd) | (named & told)
    good = np.where(named, good, other_good)
    keep = good & (lay.table_no >= 0)
    cols = {
        "page": pages[lay.r_file[keep]],
        "kind": repeated("table", int(keep.sum())),
        "table": lay.table_no[keep],
        **{name: xy[keep, k] for k, name in enumerate(POLYGON)},
    }
    return Rows(cols, lay.r_file[keep]), odd | (good & (lay.table_no < 0))


def _region_keys(lay: _Layout, n_files: int) -> dict[str, list[Any]]:
    """``document`` keys of regions (``region0.type``, ``region0.words_block_count``) per file."""
    out: dict[str, list[Any]] = {}
    types = field(lay.regions, "type").to_pylist()
    counts = field(lay.regions, "words_block_count").to_pylist()
    for f, r, kind, count in zip(lay.r_file.tolist(), lay.r_index.tolist(), types, counts,
                                 strict=True):  # fmt: skip
        if kind in _REGION_TYPES:
            out.setdefault(f"region{r}.type", [None] * n_files)[f] = kind
        if count is not None:
            out.setdefault(f"region{r}.words_block_count", [None] * n_files)[f] = count
    return out


def _region_types(lay: _Layout, pages: np.ndarray) -> Rows:
    """``other`` rows of the regions whose ``type`` is neither text nor table (Financial
    Statement's ``valid``), as the walk keeps it: ``result.words_region_list[r].type``."""
    import pyarrow as pa

    types = field(lay.regions, "type")
    kinds = np.asarray(types.to_numpy(zero_copy_only=False), dtype=object)
    odd = np.flatnonzero(valid(types) & ~np.isin(kinds, _REGION_TYPES))
    file = lay.r_file[odd]
    return other_rows(lay.regions.take(pa.array(odd)), file, pages[file], lay.r_index[odd],
                      f"result.{REGIONS}", "type")  # fmt: skip


def _odd_blocks(lay: _Layout) -> np.ndarray:
    """Blocks with a value the general walk keeps in other: grid keys of a line, cell grids
    out of order."""
    line = ~lay.is_cell
    odd = line & valid(field(lay.blocks, "cell_location"))
    for key in ("rows", "columns"):
        odd |= line & valid(field(lay.blocks, key))
        odd |= lay.is_cell & lay.grid[key][3]
    return odd


def _polygon(arr: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(n, 8)`` coordinates, the mask of polygons the rules accept and of values given that
    are not one."""
    xy, present, bad = polygons(arr, finite=True)
    return xy, present & ~bad, bad
