"""Key-value pair lists inside objects of fields (Bank Receipt's ``kv_pair_list`` in each
receipt), read as the general walk's ``walk_kv`` reads them: one ``kv`` row per pair, its
``group`` the object holding the list, pairs numbered per file in the walk's order. Pairs
with boxes (``words_block_list``, ``key_location``...) are Smart Document Recognizer's shape,
which its own reader takes: here they send the file the general way, as does any value the
walk would keep in ``other``.

>>> import pyarrow as pa
>>> pairs = pa.array([[{"key": "Payer", "value": "ACME"}, {"key": "Sum", "value": "9"}]])
>>> kv = KvRows()
>>> bad = kv.add(np.array([0]), np.array([5]), None, pairs)
>>> rows = kv.rows(np.array([1]), [""])
>>> rows.columns["pair"].tolist(), rows.columns["key"].tolist(), bad.tolist()
([0, 1], ['Payer', 'Sum'], [False])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .blocks import out_of_range
from .columns import children, explode, floats, numeric, repeat_ids, strings, valid
from .rows import Rows

__all__ = ["KvRows", "PAIR_KEYS"]

PAIR_KEYS = ("key", "value", "confidence")  # what a pair without boxes holds


@dataclass
class KvRows:
    """``kv`` rows collected from the levels of a field reader's walk, built into one
    :class:`Rows` by :meth:`rows`."""

    parts: list[dict[str, Any]] = field(default_factory=list)

    def add(self, file: np.ndarray, token: np.ndarray, group: np.ndarray | None,
            lists: Any) -> np.ndarray:  # fmt: skip
        """Rows of the pair lists ``lists`` (a list column, one list per object: of files
        ``file``, at key token ``token``, in group ``group``: codes of the walk's groups, None
        for the top); returns the mask of objects whose list the walk reads otherwise."""
        import pyarrow as pa

        bad = ~valid(lists)
        pairs, of, index = explode(lists, np.arange(len(lists)))
        kids = children(pairs)
        odd = ~valid(pairs)
        for name, values in kids.items():
            if name not in PAIR_KEYS:
                odd |= valid(values)  # boxes, a count, an unknown key: the walk's to read
        texts = {}
        for name in ("key", "value"):  # both written in every pair (the walk's kv test)
            values = kids.get(name, pa.nulls(len(pairs), pa.string()))
            texts[name], wrong = _text(values)
            odd |= wrong | ~valid(values)
        given = kids.get("confidence", pa.nulls(len(pairs), pa.float64()))
        number = numeric(given.type)
        conf = floats(given) if number else np.full(len(pairs), np.nan)
        odd |= out_of_range(conf, valid(given)) if number else valid(given)
        bad[of[odd]] = True
        codes = np.zeros(len(lists), np.int64) if group is None else np.asarray(group, np.int64)
        self.parts.append({"file": file[of], "token": token[of], "index": index,
                           "group": codes[of], "key": texts["key"], "value": texts["value"],
                           "confidence": conf})  # fmt: skip
        return bad

    def rows(self, pages: np.ndarray, groups: Iterable[str]) -> Rows:
        """The rows, each file's pairs numbered in the walk's order (key token, then place
        in the list), ``page`` from each file's ``pages``, ``group`` named from ``groups``
        (the walk's group names, by code)."""
        import pyarrow as pa

        parts, self.parts = self.parts, []
        if not parts:
            return Rows({}, np.zeros(0, dtype=np.int64))
        file, token, index, group, conf = (
            np.concatenate([p[k] for p in parts])
            for k in ("file", "token", "index", "group", "confidence")
        )
        order = np.lexsort((index, token, file))
        file = file[order]
        pair = np.arange(len(file)) - np.searchsorted(file, file)  # from each file's first
        taken = pa.array(order)

        def text(name: str) -> Any:
            joined = pa.chunked_array([p[name] for p in parts], type=pa.string())
            return strings(joined.take(taken).combine_chunks())

        cols = {
            "page": pages[file],
            "pair": pair,
            "key": text("key"),
            "value": text("value"),
            "confidence": conf[order],
            "n_boxes": np.zeros(len(file), dtype=np.int64),
            "group": repeat_ids(list(groups), group[order]),
        }
        return Rows(cols, file, (pair,))


def _text(values: Any) -> tuple[Any, np.ndarray]:
    """A pair's key or value as the walk's ``rules.text`` gives it, and the mask of values
    only the walk gives exactly (numbers: ``1`` or ``1.0``? booleans, objects)."""
    import pyarrow as pa

    n = len(values)
    if pa.types.is_string(values.type):
        return values, np.zeros(n, dtype=bool)
    return pa.nulls(n, pa.string()), valid(values)
