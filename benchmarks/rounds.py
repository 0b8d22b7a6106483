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
    """Median wall-clock time of each method over ``rounds`` rounds, the order rotated one step
    a round: a method run right after a costly one may pay for what that one left (pyarrow's
    parse of 1,000 ID cards: 32 ms, 52 ms right after a json_normalize loop), so each follows
    each other method in turn. A method that raises is left out of that round (NaN when it
    never ran through), said on screen unless its exception is of a type in ``quiet``.

    >>> sorted(interleaved({"a": lambda: None, "b": lambda: 1 / 0}, 2, (ZeroDivisionError,)))
    ['a', 'b']
    """
    times: dict[str, list[float]] = {name: [] for name in methods}
    names = list(methods)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
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
