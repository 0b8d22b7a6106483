"""``RunsBatches``: gives a backend (``Client``, ``LocalEngine``) a ``run`` method.

Kept apart from the runner so a backend does not import the batch machinery (pandas, the
cache, threads) until ``run`` is called.

>>> hasattr(RunsBatches, "run")
True
"""

from __future__ import annotations

from typing import Any

__all__ = ["RunsBatches"]


class RunsBatches:
    """Gives a backend (``Client``, ``LocalEngine``) a ``run`` method: many calls, one Batch."""

    def run(self, api: str, inputs: Any, **options: Any) -> Any:
        """Call ``api`` on every input concurrently, with a cache, resuming after a crash.

        Same as :func:`ocrframe.datasets.runner.run` with this backend: ``workers=8``,
        ``rate=None`` (requests per second), ``cache=DIR``, ``progress=True``, ``retries=``
        (an int or a ``RetryPolicy``; the backend's own by default) and the API's request
        parameters as keywords. Failures land in ``batch.errors``.

        Examples
        --------
        >>> batch = client.run("general-text", "scans/", cache="cache/", workers=8, rate=5)
        ... # doctest: +SKIP
        >>> batch.words()  # doctest: +SKIP
        """
        from .runner import run

        return run(self, api, inputs, **options)
