"""Work run beside pyarrow's parse: a thread of its own for work that, like the parse, lets
go of the interpreter for most of its time (numpy passes over the bytes), so that on two
cores the two overlap."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["in_thread"]

T = TypeVar("T")


def in_thread(fn: Callable[..., T], *args: Any) -> Callable[[], T]:
    """``fn(*args)`` started in a thread of its own; the function returned waits for its
    result and hands it over (it is held nowhere else then), or raises what ``fn`` raised.

    >>> in_thread(sum, [1, 2])()
    3
    """
    box: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            box.append((True, fn(*args)))
        except BaseException as exc:  # raised again by the caller's thread
            box.append((False, exc))

    thread = threading.Thread(target=run, name="ocrframe-reader", daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        ok, value = box.pop()
        if not ok:
            raise value
        return value

    return result
