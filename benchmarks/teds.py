"""TEDS, the tree-edit-distance similarity of two HTML tables (Zhong et al., "Image-based table
recognition", ECCV 2020, the PubTabNet paper), with the edit distance from ``apted``.

TEDS(a, b) = 1 - EditDist(a, b) / max(|a|, |b|) over the trees table > tr > td. Inserting or
deleting a node costs 1; renaming costs 1 unless both are ``td`` with the same colspan and
rowspan, in which case it costs the normalised Levenshtein distance of their contents
(characters). As in the reference implementation with ``ignore_nodes``, ``thead``/``tbody``
are dropped (a response's rows and columns carry no header flag) and so are formatting tags
inside cells (``<b>``, ``<i>``, ``<sup>``, ...), which OCR cannot see.

>>> gt = {"structure": {"tokens": ["<thead>", "<tr>", "<td>", "</td>", "<td>", "</td>",
...       "</tr>", "</thead>"]}, "cells": [{"tokens": ["<b>", "a", "</b>"]}, {"tokens": ["b"]}]}
>>> teds(pubtabnet_tree(gt), cells_tree([{"rows": [0], "columns": [0], "words": "a"},
...                                      {"rows": [0], "columns": [1], "words": "b"}]))
1.0
>>> teds(pubtabnet_tree(gt), cells_tree([{"rows": [0], "columns": [0, 1], "words": "ab"}]))
0.5
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_SPAN = re.compile(r'(rowspan|colspan)="(\d+)"')


@dataclass
class Node:
    tag: str
    colspan: int = 1
    rowspan: int = 1
    content: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    def size(self) -> int:
        return 1 + sum(c.size() for c in self.children)


def _text_tokens(tokens: list[str]) -> list[str]:
    return [t for t in tokens if not (len(t) > 1 and t.startswith("<") and t.endswith(">"))]


def pubtabnet_tree(html: dict[str, Any]) -> Node:
    """The tree of a PubTabNet annotation's ``html`` (``structure.tokens`` and ``cells``)."""
    table = Node("table")
    cells = iter(html["cells"])
    tokens = html["structure"]["tokens"]
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "<tr>":
            table.children.append(Node("tr"))
        elif tok in ("<td>", "<td"):
            spans = {"colspan": 1, "rowspan": 1}
            if tok == "<td":
                while tokens[i + 1] != ">":
                    i += 1
                    spans.update({k: int(v) for k, v in _SPAN.findall(tokens[i])})
            content = _text_tokens(next(cells).get("tokens", []))
            table.children[-1].children.append(Node("td", content=content, **spans))
        i += 1
    return table


def cells_tree(cells: list[dict[str, Any]]) -> Node:
    """The tree of a response table's cells (``rows``, ``columns``, ``words``)."""
    n_rows = max((max(c["rows"]) for c in cells), default=-1) + 1
    rows = [Node("tr") for _ in range(n_rows)]
    for c in sorted(cells, key=lambda c: (min(c["rows"]), min(c["columns"]))):
        td = Node("td", len(c["columns"]), len(c["rows"]), list(c.get("words") or ""))
        rows[min(c["rows"])].children.append(td)
    return Node("table", children=rows)


def _levenshtein(a: list[str], b: list[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def teds(a: Node, b: Node) -> float:
    """Tree-edit-distance similarity in [0, 1] (1: same structure and text)."""
    from apted import APTED, Config

    class _Costs(Config):
        def rename(self, x: Node, y: Node) -> float:
            if (x.tag, x.colspan, x.rowspan) != (y.tag, y.colspan, y.rowspan):
                return 1.0
            if x.tag == "td" and (x.content or y.content):
                longest = max(len(x.content), len(y.content))
                return _levenshtein(x.content, y.content) / longest
            return 0.0

        def children(self, node: Node) -> list[Node]:
            return node.children

    dist = APTED(a, b, _Costs()).compute_edit_distance()
    return 1.0 - dist / max(a.size(), b.size())
