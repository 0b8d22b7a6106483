"""Which saved files a columnar reader takes, and the frames it makes of them.

Each reader module (one per response shape) declares ``API``, ``MARKERS`` (byte strings one of
which its bodies hold), ``SCHEMA`` (a function giving the pyarrow schema of what it reads) and
``read(table, pages, wanted) -> Built``; optionally ``DOCUMENT`` (the types of the scalars the
service usually sends, for the strict first parse: see
:func:`~ocrframe.flatten.arrow.files.parse`), ``SCALARS_AT`` (where its bodies hold document
scalars, default ``result``), ``NEEDS_BODIES`` (``read`` then also gets the bytes, as
``bodies``: what Arrow does not keep, such as key order; a function of the first body says
whether a dataset needs them, and ``read`` gets None when it does not) and ``TAKES_NULLS`` (its
bodies may hold ``null``: it tells a written null from an absent key). A reader of several APIs
(``APIS``, the field APIs) parses with inferred types, checks every key itself and is told each
file's API. Files a reader cannot take exactly as the general walk would (another shape, a key
it does not know, a value of an odd type, anything that would go to ``other``) come back as
``fallback`` for the general walk. The ``document`` columns every reader builds are put in the
order the general walk meets them here (:func:`~.document.in_walk_key_order`).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...catalog import signature_keys
from ...catalog.model_keys import model_keys
from ...parsing import page_number
from .._extract import ALARM_RESULT
from . import (
    custom_template,
    fields,
    financial_statement,
    general_table,
    general_text,
    handwriting,
    license_plate,
    plates,
    seal,
    smart_document,
    web_image,
)
from .columns import one_chunk, valid, whole
from .detection import refitted
from .document import in_walk_key_order, read_as_written, written_number
from .files import parse, read_bodies, reread_body, unexpected
from .joined import Joined
from .rows import Rows, frame_of

__all__ = ["FastFrames", "read_frames", "READERS", "NULLABLE"]

# Most specific shape first: General Table and SDR bodies also hold "words_block_list".
# One reader a line (several people add theirs).
# fmt: off
READERS = {r.API: r for r in (
    smart_document,
    general_table,
    financial_statement,  # General Table's marker: after it, so only bodies named its own
    seal,  # its blocks hold General Text's marker
    web_image,
    general_text,
    handwriting,  # General Text's marker: after it, so only bodies named Handwriting's
    custom_template,  # likewise
    license_plate,
    plates,
)}
# fmt: on
# Field APIs (those without a reader of their own, as a seal's), one reader: bodies without a
# named API last (its marker matches any body).
FIELD_APIS = tuple(api for api in fields.APIS if api not in READERS)
READERS.update(dict.fromkeys((fields.DETECTED, *FIELD_APIS), fields))
NULLABLE = frozenset(api for api, r in READERS.items() if getattr(r, "TAKES_NULLS", False))


@functools.cache
def head_routes() -> dict[str, frozenset[bytes]]:
    """Keys of ``result`` that send a body saved without its API to another reader's group
    than its markers would, when it writes one early (:func:`~.files.read_bodies`): keys one
    field API's response model alone declares (a health code's ``vaccination_status``; its
    body holds General Text's marker too) to the field reader. The reader whose marker the
    body holds would parse it only to refuse it.

    >>> b"vaccination_status" in head_routes()[fields.DETECTED]
    True
    """
    models = model_keys()
    counts = Counter(key for keys in models.values() for key in keys)
    alone = {key for api in FIELD_APIS for key in models.get(api, ()) if counts[key] == 1}
    return {fields.DETECTED: frozenset(key.encode() for key in alone)}


@dataclass
class FastFrames:
    """Frames of the files the readers took: per name, ``(entry index of each row, frame)``
    pairs; ``fallback``: indices (into the entries given) for the general walk; ``apis``: the
    API of each file taken (its reader's, which is what detection gives its body)."""

    frames: dict[str, list[tuple[np.ndarray, pd.DataFrame]]] = field(default_factory=dict)
    fallback: list[int] = field(default_factory=list)
    apis: dict[int, str] = field(default_factory=dict)


def read_frames(entries: Sequence[Any], names: Iterable[str]) -> FastFrames:
    """Frames ``names`` of the saved files among ``entries`` (``Entry`` objects with a
    ``path``, ``source``, ``page`` and ``api``), read column-wise.

    >>> read_frames([], ["words"]).fallback
    []
    """
    wanted = frozenset(names)
    out = FastFrames()
    groups = _grouped(entries, out)
    while groups:
        api, (idx, bodies) = groups.popitem()
        held = [bodies]
        del bodies
        _read_group(READERS[api], api, idx, held, entries, wanted, out)
    out.fallback.sort()
    return out


def _grouped(entries: Sequence[Any], out: FastFrames) -> dict[str, tuple[list[int], Joined]]:
    """The files a reader may take, by API: their indices and their bytes in one buffer (no
    bytes object per file kept); the others go to ``out.fallback``."""
    markers = {api: r.MARKERS for api, r in READERS.items()}
    groups, left = read_bodies(entries, markers, NULLABLE, head_routes())
    out.fallback += left
    return groups


def _read_group(reader: Any, api: str, idx: list[int], held: list[Joined],
                entries: Sequence[Any], wanted: frozenset[str],
                out: FastFrames) -> None:  # fmt: skip
    """Frames of the files ``idx`` (of ``entries``) one reader takes; ``held`` holds their
    bytes (and is emptied, so that they can go). Each buffer is let go once read: the bytes
    after the parse (unless the reader needs them), each table once its rows are out, and
    Arrow's freed memory goes back to the system."""
    import pyarrow as pa

    bodies: Joined | None = held.pop()
    scanned = None  # the field reader's key tokens of all the bodies, scanned beside the parse
    if hasattr(reader, "APIS"):  # inferred types, partial schema: no strict parse
        scanned = reader.scan_keys(bodies)
        parsed = parse(bodies, reader.SCHEMA(api, bodies), strict=False)
    else:
        document = _as_first_writes(getattr(reader, "DOCUMENT", None), bodies)
        # A reader may parse with less than its SCHEMA, as its first body tells (its files
        # are still checked against the whole SCHEMA).
        told = getattr(reader, "parse_schema", None)
        parsed = parse(bodies, told(bodies[0]) if told else reader.SCHEMA(), document)
    if not (hasattr(reader, "APIS") or _needs_bodies(reader, bodies)):
        bodies = None  # the bytes are in Arrow now: free them
    taken: set[int] = set()
    while parsed:
        part, table = parsed.pop(0)
        table = one_chunk(table)  # once: the readers take its columns whole
        files = np.asarray([idx[j] for j in part], dtype=np.int64)  # the others: general
        taken.update(files.tolist())
        every = bodies is not None and len(part) == len(bodies)  # the part is all of them
        if bodies is None:
            given: Sequence[bytes] | None = None
        else:
            given = bodies if every else [bodies[j] for j in part]
        found = _built(reader, api, table, given, [entries[i] for i in files], files, wanted,
                       out, scanned if every else None)  # fmt: skip
        del table, given
        scanned = None  # its tokens are the reader's now, or of more bodies than it read
        if not parsed:
            bodies = None  # read: the frames need none of the bytes
        if found is not None:
            _add_frames(*found, api, wanted, out)
        del found
        pa.default_memory_pool().release_unused()
    out.fallback += [i for i in idx if i not in taken]


def _needs_bodies(reader: Any, bodies: Joined) -> bool:
    """Whether ``reader`` reads the bodies' text beside their parse: its ``NEEDS_BODIES``, or
    what that function says of the first body."""
    needs = getattr(reader, "NEEDS_BODIES", False)
    return bool(needs(bodies[0]) if callable(needs) else needs)


def _as_first_writes(document: dict[str, dict[str, str]] | None,
                     bodies: Joined) -> dict[str, dict[str, str]] | None:  # fmt: skip
    """A reader's ``DOCUMENT`` types for the strict parse, with each ``int64`` the first body
    writes with a fraction (``"direction": -1.0``, as the official SDK writes its floats)
    declared ``float64``: a dataset written so then parses strictly, not twice (its integral
    values are read as written, see :func:`~.document.read_as_written`)."""
    if not document or not len(bodies):
        return document
    first = bodies[0]
    return {
        at: {k: "float64" if t == "int64" and isinstance(written_number(first, k), float) else t
             for k, t in scalars.items()}
        for at, scalars in document.items()
    }  # fmt: skip


def _built(reader: Any, api: str, table: Any, bodies: Sequence[bytes] | None,
           entries: list[Any], files: np.ndarray, wanted: frozenset[str],
           out: FastFrames, scanned: Any = None) -> tuple[Any, np.ndarray] | None:  # fmt: skip
    """What ``reader`` builds of one parsed group and the files it took (None: none); files
    it refuses go to ``out.fallback`` and their rows are dropped (``Built.ok`` says which
    were taken). ``bodies``: the files' bytes, None when let go (read again from the file
    where a frame needs them); ``scanned``: the field reader's key tokens of them, if
    scanned already."""
    import pyarrow as pa

    bad = np.zeros(len(files), dtype=bool)
    if not hasattr(reader, "APIS"):
        scalars_at = getattr(reader, "SCALARS_AT", ("result",))
        bad |= unexpected(table, reader.SCHEMA(), scalars_at=scalars_at)
        bad |= _other_api(table, reader.API) | _alarm_flags(table)
    if bad.any():
        out.fallback += files[bad].tolist()
        table, files = table.filter(pa.array(~bad)), files[~bad]
        entries = [e for e, b in zip(entries, bad, strict=True) if not b]
        if bodies is not None:
            bodies = [t for t, b in zip(bodies, bad, strict=True) if not b]
    if not len(files):
        return None
    pages = np.array([page_number(e.page) or 1 for e in entries], dtype=np.int64)
    if hasattr(reader, "APIS"):  # told the API (None: detect it) and given the text
        named = None if api == reader.DETECTED else api
        built = reader.read(table, pages, wanted, api=named, bodies=bodies or [],
                            scanned=scanned)  # fmt: skip
        del scanned
    else:
        extra = {"bodies": bodies} if getattr(reader, "NEEDS_BODIES", False) else {}
        built = reader.read(table, pages, wanted, **extra)
    built = built.without(~built.ok)
    built = built.without(_document_as_written(built, bodies, entries))
    out.fallback += files[~built.ok].tolist()
    if not built.ok.any():
        return None
    _document_in_walk_order(built, bodies, entries)
    return built, files


def _body_of(bodies: Sequence[bytes] | None, entries: list[Any]) -> Any:
    """A function giving the bytes of file ``j``: ``bodies[j]``, or the file read again."""

    def body_of(j: int) -> bytes:
        return bodies[j] if bodies is not None else reread_body(entries[j])

    return body_of


def _document_as_written(built: Any, bodies: Sequence[bytes] | None,
                         entries: list[Any]) -> np.ndarray:  # fmt: skip
    """Read the integral doubles of ``built``'s ``document`` rows as their bodies write them
    (see :func:`~.document.read_as_written`); returns the mask of files the general walk must
    read instead."""
    bad = np.zeros(len(entries), dtype=bool)
    for part in built.rows.get("document", []):
        if isinstance(part, Rows) and part.written:
            bad[list(read_as_written(part, _body_of(bodies, entries)))] = True
    return bad


def _document_in_walk_order(built: Any, bodies: Sequence[bytes] | None,
                            entries: list[Any]) -> None:  # fmt: skip
    """The ``document`` rows ``built`` holds, their columns in the general walk's order
    (which may take the bytes of a file: ``bodies``, or the file read again)."""
    if "document" not in built.rows:
        return
    body_of = _body_of(bodies, entries)
    built.rows["document"] = [in_walk_key_order(p, body_of) if isinstance(p, Rows) else p
                              for p in built.rows["document"]]  # fmt: skip


def _add_frames(built: Any, files: np.ndarray, api: str, wanted: frozenset[str],
                out: FastFrames) -> None:  # fmt: skip
    """The frames of what a reader built, each part let go once its frame is made; a frame
    with no rows is not made (an empty frame costs a millisecond, and is not kept)."""
    apis = built.apis or [api] * len(files)
    out.apis.update((f, a) for f, a, ok in zip(files.tolist(), apis, built.ok.tolist(), strict=True)
                    if ok)  # fmt: skip
    while built.rows:
        name, parts = built.rows.popitem()
        if name in wanted:
            parts = [p() if callable(p) else p for p in parts]  # rows built only now
            parts = [p for p in parts if len(p.file)]
            if not parts:
                continue
            frame, file_of_row = frame_of(name, parts)
            del parts
            out.frames.setdefault(name, []).append((files[file_of_row], frame))


def _alarm_flags(table: Any) -> np.ndarray:
    """Rows whose ``result`` holds a boolean ``detect_*_result``: the general walk makes it
    an ``alarms`` row, which only the field reader reproduces (these readers serve the rest)."""
    import pyarrow as pa

    bad = np.zeros(table.num_rows, dtype=bool)
    if "result" not in table.column_names:
        return bad
    result = whole(table, "result")
    if pa.types.is_struct(result.type):
        for child in result.type:
            if pa.types.is_boolean(child.type) and ALARM_RESULT.match(child.name):
                bad |= valid(result.field(child.name))
    return bad


def _other_api(table: Any, api: str) -> np.ndarray:
    """Rows whose ``result`` holds a key by which another API would be detected (one that
    ``api``'s response model does not declare too: Financial Statement's regions are General
    Table's signature), or keys another API's response model declares and ``api``'s does not
    (the general path names those bodies so)."""
    import pyarrow as pa

    bad = np.zeros(table.num_rows, dtype=bool)
    if "result" not in table.column_names:
        return bad
    result = whole(table, "result")
    if not pa.types.is_struct(result.type):
        return bad
    others = set(signature_keys(excluding=(api,))) - model_keys().get(api, frozenset())
    for child in result.type:
        if child.name in others:
            bad |= valid(result.field(child.name))
    return bad | refitted(result, api)
