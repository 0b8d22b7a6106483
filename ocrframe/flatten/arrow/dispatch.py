"""Which saved files a columnar reader takes, and the frames it makes of them.

Each reader module (one per response shape) declares ``API``, ``MARKERS`` (byte strings one of
which its bodies hold), ``SCHEMA`` (a function giving the pyarrow schema of what it reads) and
``read(table, pages, wanted) -> Built``, optionally ``SCALARS_AT`` (where its bodies hold
document scalars, default ``result``) and ``NEEDS_BODIES`` (``read`` then also gets the bytes,
as ``bodies``: what Arrow does not keep, such as key order). Files it cannot take exactly as
the general walk would (another shape, a key it does not know, a value of an odd type,
anything that would go to ``other``) come back as ``fallback`` for the general walk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...catalog import signature_keys
from ...parsing import page_number
from . import general_text, smart_document
from .columns import valid
from .files import drop_deep, parse, read_body, unexpected
from .rows import frame_of

__all__ = ["FastFrames", "read_frames", "READERS"]

# Most specific shape first: a General Table body also holds "words_block_list".
# One reader a line (several people add theirs).
# fmt: off
READERS = {r.API: r for r in (
    smart_document,
    general_text,
)}
# fmt: on


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
    markers = {api: r.MARKERS for api, r in READERS.items()}
    groups: dict[str, tuple[list[int], list[bytes]]] = {}
    for i, e in enumerate(entries):
        got = read_body(e, markers) if e.response is None and e.path else None
        if got is None:
            out.fallback.append(i)
            continue
        idx, bodies = groups.setdefault(got[0], ([], []))
        idx.append(i)
        bodies.append(got[1])
    for api, (idx, bodies) in groups.items():
        deep = drop_deep(bodies)
        out.fallback += [i for i, d in zip(idx, deep, strict=True) if d]
        keep = [j for j, d in enumerate(deep) if not d]
        idx, bodies = [idx[j] for j in keep], [bodies[j] for j in keep]
        taken: set[int] = set()
        for part, table in parse(bodies, READERS[api].SCHEMA()):
            files = np.asarray([idx[j] for j in part], dtype=np.int64)
            taken.update(files.tolist())
            out.apis.update(dict.fromkeys(files.tolist(), api))
            part_bodies = [bodies[j] for j in part]
            _read(READERS[api], table, [entries[i] for i in files], files, wanted, out,
                  part_bodies)  # fmt: skip
        out.fallback += [i for i in idx if i not in taken]
    out.fallback.sort()
    return out


def _read(reader: Any, table: Any, entries: list[Any], files: np.ndarray, wanted: frozenset[str],
          out: FastFrames, bodies: list[bytes]) -> None:  # fmt: skip
    """Frames of one parsed group (``bodies``: their bytes, for readers that need them)."""
    import pyarrow as pa

    scalars_at = getattr(reader, "SCALARS_AT", ("result",))
    bad = unexpected(table, reader.SCHEMA(), scalars_at=scalars_at) | _other_api(table, reader.API)
    while len(files):
        if bad.any():
            out.fallback += files[bad].tolist()
            table, files = table.filter(pa.array(~bad)), files[~bad]
            entries = [e for e, b in zip(entries, bad, strict=True) if not b]
            bodies = [body for body, b in zip(bodies, bad, strict=True) if not b]
            if not len(files):
                return
        pages = np.array([page_number(e.page) or 1 for e in entries], dtype=np.int64)
        extra = {"bodies": bodies} if getattr(reader, "NEEDS_BODIES", False) else {}
        built = reader.read(table, pages, wanted, **extra)
        bad = ~built.ok
        if not bad.any():
            break
    else:
        return
    for name, parts in built.rows.items():
        if name in wanted:
            frame, file_of_row = frame_of(name, parts)
            if len(frame):
                out.frames.setdefault(name, []).append((files[file_of_row], frame))


def _other_api(table: Any, api: str) -> np.ndarray:
    """Rows whose ``result`` holds a key by which another API would be detected."""
    import pyarrow as pa

    bad = np.zeros(table.num_rows, dtype=bool)
    if "result" not in table.column_names:
        return bad
    result = table.column("result").combine_chunks()
    if not pa.types.is_struct(result.type):
        return bad
    others = set(signature_keys(excluding=(api,)))
    for child in result.type:
        if child.name in others:
            bad |= valid(result.field(child.name))
    return bad
