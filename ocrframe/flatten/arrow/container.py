"""Objects of fields that also hold text blocks (Health Code, PCR test record: ``result``
holds a ``words_block_list`` beside its fields), read as the general walk reads such a
container: the blocks are ``words`` rows, a scalar is a field only where the object's
``confidence`` or ``text_location`` map names it (else a ``document`` key), a list of scalars
is a field only where the object has a confidence map. The field reader
(:mod:`.field_rows`) makes the fields; this module tells which scalars are document keys and
makes the words and document rows of the containers at the top of ``result``.

>>> import pyarrow as pa
>>> result = pa.array([{"name": "A", "words_block_count": 1, "confidence": {"name": 0.9},
...                     "words_block_list": [{"words": "A", "confidence": 0.9}]}])
>>> {k: v.tolist() for k, v in document_keys(children(result), containers(result)).items()}
{'name': [False], 'words_block_count': [True]}
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...response import BASE64_FIELDS
from .._extract import ALARM_RESULT
from .blocks import word_rows
from .columns import children, explode, field, missing_ints, numeric, numeric_polygons, valid
from .document import document_rows
from .general_text import polygon_type
from .rows import Rows

__all__ = ["BLOCKS", "MAPS", "containers", "document_keys", "named", "container_rows"]

BLOCKS = "words_block_list"
MAPS = ("confidence", "text_location")  # an object's maps of its fields' confidences, boxes


def containers(objs: Any) -> np.ndarray:
    """The objects of struct column ``objs`` holding a ``words_block_list``."""
    return valid(field(objs, BLOCKS))


def named(kids: dict[str, Any], name: str) -> np.ndarray:
    """The objects whose ``confidence`` or ``text_location`` map holds an entry ``name``."""
    import pyarrow as pa

    n = len(next(iter(kids.values())))
    out = np.zeros(n, dtype=bool)
    for key in MAPS:
        the_map = kids.get(key)
        if the_map is not None and pa.types.is_struct(the_map.type):
            out |= valid(field(the_map, name))
    return out


def document_keys(kids: dict[str, Any], container: np.ndarray) -> dict[str, np.ndarray]:
    """Per scalar child (a payload, an alarm flag and the maps aside): the container objects
    where the walk makes it a ``document`` key (held, and named by neither map)."""
    import pyarrow as pa

    out = {}
    for name, values in kids.items():
        t = values.type
        if pa.types.is_struct(t) or pa.types.is_list(t) or pa.types.is_null(t):
            continue
        if (name in MAPS and pa.types.is_struct(t)) or ALARM_RESULT.match(name):
            continue
        if name in BASE64_FIELDS and pa.types.is_string(t):
            continue
        out[name] = container & valid(values) & ~named(kids, name)
    return out


def container_rows(result: Any, container: np.ndarray, pages: np.ndarray,
                   wanted: frozenset[str]) -> tuple[dict[str, list[Rows]], np.ndarray]:  # fmt: skip
    """The ``words`` rows (blocks of the containers at the top of ``result``) and
    ``document`` rows (their document keys) of struct column ``result``; returns them and the
    mask of files the walk reads otherwise (a block holding anything but words, confidence
    and polygon, or values of another type; a document value the frame types over all files,
    see :func:`~.document.scalar_columns`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(result)
    rows: dict[str, list[Rows]] = {}
    kids = children(result)
    lists = kids[BLOCKS]
    if not (pa.types.is_list(lists.type) and pa.types.is_struct(lists.type.value_type)):
        return rows, container.copy()  # blocks that are no objects: the walk's to keep
    at = np.flatnonzero(container)
    blocks, file, index = explode(lists.take(pa.array(at)), at)
    blocks, odd = _readable(blocks)
    bad = np.zeros(n, dtype=bool)
    bad[file[odd]] = True
    if wanted & {"words", "other"}:
        m = len(blocks)
        none = missing_ints(m)
        ids = {"page": pages[file], "region": none, "table": none, "cell": none, "block": index}
        words, odd = word_rows(blocks, file, ids, (index,), strict="other" in wanted)
        bad[file[odd]] = True
        rows["words"] = [words]
    if wanted & {"document", "other"}:
        keys = document_keys(kids, container)
        mask = {name: pa.array(~held) for name, held in keys.items()}
        doc = pa.StructArray.from_arrays(
            [pc.if_else(mask[k], pa.nulls(n, kids[k].type), kids[k]) for k in keys],
            names=list(keys),
        ) if keys else pa.array([{}] * n, pa.struct([]))  # fmt: skip
        document, odd = document_rows(doc, pages)
        bad |= odd
        rows["document"] = [document]
    return rows, bad


def _readable(blocks: Any) -> tuple[Any, np.ndarray]:
    """Blocks (a struct column) as ``word_rows`` reads them, words, confidence and polygon
    alone, each of its type (nulls where the column is of another); and the mask of blocks
    the walk reads otherwise: null, holding another key (characters, a type...), or a value
    of another type."""
    import pyarrow as pa

    odd = ~valid(blocks)
    fitting = {
        "words": pa.types.is_string,
        "location": numeric_polygons,
        "confidence": numeric,
    }
    types = {"words": pa.string(), "confidence": pa.float64(), "location": polygon_type()}
    kept = {name: pa.nulls(len(blocks), t) for name, t in types.items()}
    for name, values in children(blocks).items():
        if name in fitting and fitting[name](values.type):
            kept[name] = values
        elif not pa.types.is_null(values.type):
            odd |= valid(values)
    return pa.StructArray.from_arrays(list(kept.values()), names=list(kept)), odd
