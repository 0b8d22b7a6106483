"""Timing several methods side by side in one process, as every benchmark here does."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def interleaved(
    methods: dict[str, Callable[[], object]],
    rounds: int,
    quiet: tuple[type[BaseException], ...] = (),
) -> dict[str, float]:
    """Median wall-clock time of each method over ``rounds`` rounds, each round in the next
    order of :func:`balanced_orders`: a method run right after a costly one may pay for what
    that one left (pyarrow's parse of 1,000 ID cards: 32 ms, 52 ms right after a
    json_normalize loop), so none may always follow the same one. A method that raises is
    left out of that round (NaN when it never ran through), said on screen unless its
    exception is of a type in ``quiet``.

    >>> sorted(interleaved({"a": lambda: None, "b": lambda: 1 / 0}, 2, (ZeroDivisionError,)))
    ['a', 'b']
    """
    times: dict[str, list[float]] = {name: [] for name in methods}
    names = list(methods)
    orders = balanced_orders(len(names)) if names else []
    for r in range(rounds if orders else 0):
        for k in orders[r % len(orders)]:
            name = names[k]
            start = time.perf_counter()
            try:
                methods[name]()
            except quiet:
                continue
            except Exception as exc:  # a floor pyarrow cannot parse: say so, keep going
                print(f"  {name}: {type(exc).__name__}: {str(exc)[:70]}")
                continue
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) if t else float("nan") for name, t in times.items()}


def balanced_orders(n: int) -> list[list[int]]:
    """Orders of ``n`` methods in which each one runs right after each other one equally often
    (a Williams design: ``n`` orders, ``2n`` for odd ``n``). A rotation would not do: it keeps
    each method's successor.

    >>> balanced_orders(4)
    [[0, 1, 3, 2], [1, 2, 0, 3], [2, 3, 1, 0], [3, 0, 2, 1]]
    """
    first, low, high = [0], 1, n - 1
    while len(first) < n:
        first.append(low)
        low += 1
        if len(first) < n:
            first.append(high)
            high -= 1
    orders = [[(k + r) % n for k in first] for r in range(n)]
    return orders + [order[::-1] for order in orders] if n % 2 else orders
