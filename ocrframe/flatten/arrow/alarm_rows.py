"""``alarms`` rows of field-API objects held as Arrow columns (ID cards, vehicle licences):
``detect_*_result`` flags anywhere, and the flags and ``*_score`` numbers of ``alarm_result``,
``alarm_confidence`` and ``score_info`` objects, as the general walk makes them
(:func:`ocrframe.flatten._extract._alarm`).

The walk fills the first row of a check (in a response) whose slot is still empty, else
starts a new one; so the k-th flag of a check and its k-th score share a row, started by
whichever comes first in the text, and rows come in the order they were started. Each event is
placed by its key token (:mod:`.keyorder`): a few sorts give the walk's rows, no loop per file.

>>> import pyarrow as pa, numpy as np
>>> objs = pa.array([{"name": "A", "detect_copy_result": True,
...                   "score_info": {"copy_score": 7, "blur_score": 2}}])
>>> alarms = AlarmRows()
>>> def ranks_of(values, tokens):  # the key tokens of the score_info children
...     return np.array([[3, 4]])
>>> rest, rank, bad = alarms.split(objs, np.array([0]), np.array([[0, 1, 2]]), ranks_of)
>>> [f.name for f in rest.type], rank.tolist(), bad.tolist()
(['name'], [[0]], [False])
>>> frame = alarms.rows(np.array([1])).columns
>>> frame["check"].tolist(), frame["flagged"].tolist(), frame["score"].tolist()
(['copy', 'blur'], [True, <NA>], [7.0, 2.0])
>>> frame["group"].tolist()
['score_info', 'score_info']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._extract import ALARM_KEYS, ALARM_RESULT, ALARM_SCORE
from .columns import kept, lex_order, numeric, repeat_ids, valid
from .rows import Rows

__all__ = ["AlarmRows"]

# ranks_of(struct values, key token of each) -> (values x children) key tokens of the children
RanksOf = Callable[[Any, np.ndarray], np.ndarray]


@dataclass
class AlarmRows:
    """Alarm events (a flag or a score of a check, at a key token) collected from the levels
    of a field reader's walk, built into the ``alarms`` rows by :meth:`rows`."""

    parts: list[tuple[np.ndarray, ...]] = field(default_factory=list)
    checks: dict[str, int] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=lambda: {"": 0})

    def split(self, objs: Any, file: np.ndarray, rank: np.ndarray,
              ranks_of: RanksOf) -> tuple[Any, np.ndarray, np.ndarray]:  # fmt: skip
        """Take the alarm children of struct column ``objs`` (objects of files ``file``, key
        tokens ``rank``: objects x children) as events; returns the struct without them, its
        ranks and the objects whose alarms the walk would read otherwise (``other``)."""
        import pyarrow as pa

        n = len(objs)
        bad = np.zeros(n, dtype=bool)
        flags: dict[int, str] = {}
        keep = []
        held = None
        for k, child in enumerate(objs.type):
            name, t = child.name, child.type
            flag = ALARM_RESULT.match(name)
            if flag and pa.types.is_boolean(t):
                flags[k] = flag.group(1)
            elif name in ALARM_KEYS and pa.types.is_struct(t):
                held = valid(objs) if held is None else held
                present = valid(objs.field(k)) & held
                bad |= present & (rank[:, k] < 0)
                at = np.flatnonzero(present)
                inner = kept(objs.field(k), present)
                bad[at[self._object(inner, file[at], ranks_of(inner, rank[at, k]), name)]] = True
            else:
                keep.append(k)
        if flags:
            held = valid(objs) if held is None else held
            bad |= self._add(objs, flags, file, rank, held, None, "")
        if len(keep) == objs.type.num_fields:
            return objs, rank, bad
        kids = objs.flatten()
        rest = pa.StructArray.from_arrays(
            [kids[k] for k in keep], fields=[objs.type.field(k) for k in keep],
            mask=pa.array(~valid(objs)),
        )  # fmt: skip
        return rest, rank[:, keep], bad

    def _object(self, objs: Any, file: np.ndarray, rank: np.ndarray, group: str) -> np.ndarray:
        """Events of one alarm object per file (``objs``, named ``group``); returns the objects
        holding a value the walk sends to ``other``."""
        import pyarrow as pa

        bad = np.zeros(len(objs), dtype=bool)
        flags: dict[int, str] = {}
        scores: dict[Any, dict[int, str]] = {}  # by type: each type's children joined at once
        for k, child in enumerate(objs.type):
            flag, score = ALARM_RESULT.match(child.name), ALARM_SCORE.match(child.name)
            t = child.type
            if flag and pa.types.is_boolean(t):
                flags[k] = flag.group(1)
            elif score and numeric(t):
                scores.setdefault(t, {})[k] = score.group(1)
            else:  # a string score (the walk parses it), anything else: other
                bad |= valid(objs.field(k))
        if flags:
            bad |= self._add(objs, flags, file, rank, None, None, group)
        for t, checks in scores.items():
            bad |= self._add(objs, checks, file, rank, None, t, group)
        return bad

    def _add(self, objs: Any, checks: dict[int, str], file: np.ndarray, rank: np.ndarray,
             held: np.ndarray | None, number: Any, group: str) -> np.ndarray:  # fmt: skip
        """Events of the children ``checks`` (child index: its check) of struct column
        ``objs``, all of one type, taken together: flags (``number`` None) or scores of Arrow
        type ``number``; where ``held`` (None: every object). Returns the objects whose event
        the walk would read otherwise (a key token not found, a score that is no finite
        number: ``rules.number``)."""
        import pyarrow as pa

        kids = list(checks)
        m, n = len(kids), len(objs)
        values = pa.concat_arrays([objs.field(k) for k in kids])
        present = valid(values).reshape(m, n)
        if held is not None:
            present &= held
        tokens = rank[:, kids].T
        bad = (present & (tokens < 0)).any(axis=0)
        if number is None:
            value = values.fill_null(False).to_numpy(zero_copy_only=False).astype(np.float64)
        else:
            if not pa.types.is_float64(number):
                values = values.cast(pa.float64())
            value = values.to_numpy(zero_copy_only=False)
            bad |= (present & ~np.isfinite(value.reshape(m, n))).any(axis=0)
        which, obj = np.nonzero(present)
        if len(obj):
            code = np.array([self.checks.setdefault(c, len(self.checks)) for c in checks.values()])
            g = self.groups.setdefault(group, len(self.groups))
            self.parts.append((file[obj], tokens[which, obj], code[which],
                               np.full(len(obj), 0 if number is None else 1),
                               value.reshape(m, n)[which, obj], np.full(len(obj), g)))  # fmt: skip
        return bad

    def rows(self, pages: np.ndarray) -> Rows:
        """The ``alarms`` rows, each file's in the walk's order (``order``: the key token
        that started the row), with ``page`` from each file's ``pages``."""
        import pandas as pd

        if not self.parts:
            return Rows({}, np.zeros(0, dtype=np.int64))
        file, token, check, slot, value, group = (
            np.concatenate(c) for c in zip(*self.parts, strict=True)
        )
        self.parts = []
        # The k-th event of a (file, check, slot): the slot of row k of that check.
        o = lex_order((token, slot, check, file))
        run = np.ones(len(o), dtype=bool)
        run[1:] = (np.diff(file[o]) != 0) | (np.diff(check[o]) != 0) | (np.diff(slot[o]) != 0)
        starts = np.flatnonzero(run)
        k = np.empty(len(o), dtype=np.int64)
        k[o] = np.arange(len(o)) - np.repeat(starts, np.diff(np.append(starts, len(o))))
        # Rows: the events of one (file, check, k), the first in the text starting it.
        o = lex_order((token, k, check, file))
        first = np.ones(len(o), dtype=bool)
        first[1:] = (np.diff(file[o]) != 0) | (np.diff(check[o]) != 0) | (np.diff(k[o]) != 0)
        row = np.cumsum(first) - 1
        starter, second = o[first], np.full(int(first.sum()), -1)
        second[row[~first]] = o[~first]
        n = len(starter)
        flagged, no_flag = np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
        score = np.full(n, np.nan)
        for ev in (starter, second):
            has = ev >= 0
            e = ev[has]
            is_flag = slot[e] == 0
            flagged[np.flatnonzero(has)[is_flag]] = value[e[is_flag]] == 1
            no_flag[np.flatnonzero(has)[is_flag]] = False
            score[np.flatnonzero(has)[~is_flag]] = value[e[~is_flag]]
        g1 = group[starter]
        g2 = np.where(second >= 0, group[np.maximum(second, 0)], 0)
        g2 = np.where(g2 == g1, 0, g2)  # the walk adds a group a row does not have yet
        names = list(self.groups)  # a few: every pair of them labelled, no factorize
        label = [",".join(names[c] for c in divmod(v, len(names)) if c) for v in
                 range(len(names) ** 2)]  # fmt: skip
        return Rows(
            {
                "page": pages[file[starter]],
                "check": repeat_ids(list(self.checks), check[starter]),
                "flagged": pd.arrays.BooleanArray(flagged, no_flag),
                "score": score,
                "group": repeat_ids(label, g1 * len(names) + g2),
            },
            file[starter],
            (token[starter],),
        )
