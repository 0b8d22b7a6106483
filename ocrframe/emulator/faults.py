"""Fault injection: what to break, how often, deterministically from a seed.

>>> plan = FaultPlan(Faults(rate_503=1.0, count=1))
>>> plan.draw(), plan.draw()
('503', None)
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, fields
from typing import Any

from ..errors import InputError

__all__ = ["Faults", "FaultPlan", "KINDS"]

# Fault kinds in the order their rates are applied.
KINDS = ("429", "500", "503", "drop", "truncate", "non_json", "slow")


@dataclass(frozen=True)
class Faults:
    """Rates (0-1) of each injected failure, applied to OCR calls only.

    Parameters
    ----------
    rate_429 : float
        HTTP 429 ``APIG.0308`` with ``Retry-After: retry_after``.
    retry_after : float
        Seconds sent in ``Retry-After``.
    rate_500, rate_503 : float
        HTTP 500 ``ModelArts.4505`` / 503 ``ModelArts.4403``.
    slow : float
        Rate of answers delayed by ``slow_seconds`` (then answered normally).
    drop : float
        Rate of connections closed without an answer.
    truncate : float
        Rate of bodies cut in half (the ``Content-Length`` promises more).
    non_json : float
        Rate of HTTP 200 answers with an HTML body.
    max_concurrency : int, optional
        More OCR requests in flight than this get 429 ``ModelArts.4401``.
    count : int, optional
        Stop injecting after this many faults (``rate=1, count=2``: two failures, then
        success).
    seed : int
        Seed of the generator that decides which request fails.
    """

    rate_429: float = 0.0
    retry_after: float = 1.0
    rate_500: float = 0.0
    rate_503: float = 0.0
    slow: float = 0.0
    slow_seconds: float = 1.0
    drop: float = 0.0
    truncate: float = 0.0
    non_json: float = 0.0
    max_concurrency: int | None = None
    count: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        rates = {k: getattr(self, k) for k in self._rate_names()}
        for name, value in rates.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise InputError(f"Faults.{name} must be a rate between 0 and 1, got {value!r}")
        if sum(v for k, v in rates.items() if k != "slow") > 1:
            raise InputError("the failure rates of Faults add up to more than 1")
        for name in ("retry_after", "slow_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise InputError(f"Faults.{name} must be seconds >= 0, got {value!r}")
        for name, low in (("max_concurrency", 0), ("count", 0)):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < low
            ):
                raise InputError(
                    f"Faults.{name} must be an integer >= {low} or None, got {value!r}"
                )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise InputError(f"Faults.seed must be an integer, got {self.seed!r}")

    @staticmethod
    def _rate_names() -> tuple[str, ...]:
        return ("rate_429", "rate_500", "rate_503", "drop", "truncate", "non_json", "slow")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Faults:
        """Build from JSON (the control endpoint); unknown keys are an InputError."""
        if not isinstance(data, dict):
            raise InputError("faults must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown fault settings {unknown}; known: {sorted(known)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultPlan:
    """Draws, per request, which fault (if any) to inject; thread-safe and seeded."""

    def __init__(self, faults: Faults | None = None) -> None:
        self.faults = faults or Faults()
        self._rng = random.Random(self.faults.seed)
        self._lock = threading.Lock()
        self.injected = 0

    def draw(self) -> str | None:
        """The fault for the next request: one of :data:`KINDS`, or None."""
        f = self.faults
        with self._lock:
            if f.count is not None and self.injected >= f.count:
                return None
            u = self._rng.random()
            edge = 0.0
            for kind, rate in zip(
                KINDS[:-1],
                (f.rate_429, f.rate_500, f.rate_503, f.drop, f.truncate, f.non_json),
                strict=True,
            ):
                edge += rate
                if u < edge:
                    self.injected += 1
                    return kind
            if f.slow and self._rng.random() < f.slow:
                self.injected += 1
                return "slow"
            return None
