"""Concurrency and request-rate control for the batch runner (AIMD on throttling).

>>> lim = Limiter(workers=8, rate=None)
>>> lim.acquire()
True
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["Limiter"]

MAX_PAUSE = 60.0


class Limiter:
    """Concurrency and request-rate limits that shrink on throttling and grow back (AIMD).

    ``acquire()`` blocks until a call may start; ``release(throttled=..., retry_after=...)``
    reports how it went. On throttling the concurrency limit and the rate are halved (at most
    once per ``cooldown`` seconds, so a burst of 429s counts once) and all calls pause for
    ``Retry-After``; each success adds ``1/limit`` to the concurrency limit and 5 % of the
    configured rate, up to the configured maxima.

    >>> lim = Limiter(workers=8, rate=None)
    >>> lim.acquire()
    True
    >>> lim.release(throttled=True); lim.limit
    4.0
    """

    def __init__(
        self,
        workers: int,
        rate: float | None,
        *,
        cooldown: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_workers = workers
        self.limit = float(workers)
        self.max_rate = rate
        self.rate = rate
        self.cooldown = cooldown
        self.inflight = 0
        self.throttled = 0
        self.stopped = False
        self._clock = clock
        self._sleep = sleep
        self._cond = threading.Condition()
        self._next_slot = 0.0
        self._pause_until = 0.0
        self._last_cut = -1e9

    def stop(self) -> None:
        """Make every waiting and future ``acquire()`` return False."""
        with self._cond:
            self.stopped = True
            self._cond.notify_all()

    def acquire(self) -> bool:
        """Wait for a free slot and the next rate slot; False once :meth:`stop` was called."""
        with self._cond:
            while True:
                if self.stopped:
                    return False
                wait = self._pause_until - self._clock()
                if wait <= 0 and self.inflight < max(1, int(self.limit)):
                    break
                self._cond.wait(timeout=min(max(wait, 0.0), 1.0) if wait > 0 else 1.0)
            self.inflight += 1
            delay = 0.0
            if self.rate:
                now = self._clock()
                slot = max(now, self._next_slot)
                self._next_slot = slot + 1.0 / self.rate
                delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return True

    def release(self, *, throttled: bool = False, retry_after: float | None = None) -> None:
        with self._cond:
            self.inflight -= 1
            now = self._clock()
            if throttled:
                self.throttled += 1
                if now - self._last_cut >= self.cooldown:
                    self._last_cut = now
                    self.limit = max(1.0, self.limit / 2)
                    if self.rate and self.max_rate:
                        self.rate = max(self.max_rate / 64, self.rate / 2)
                if retry_after:
                    self._pause_until = max(self._pause_until, now + min(retry_after, MAX_PAUSE))
            else:
                self.limit = min(float(self.max_workers), self.limit + 1.0 / self.limit)
                if self.rate and self.max_rate:
                    self.rate = min(self.max_rate, self.rate + self.max_rate * 0.05)
            self._cond.notify_all()
