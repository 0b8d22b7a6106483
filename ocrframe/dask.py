"""Dask support: run, read and audit datasets across a cluster (lives in ``ocrframe.datasets``).

>>> from ocrframe.dask import run_dask  # doctest: +SKIP
"""

from .datasets.dask import GlobalRateLimiter, audit_dask, read_responses_dask, run_dask

__all__ = ["run_dask", "read_responses_dask", "audit_dask", "GlobalRateLimiter"]
