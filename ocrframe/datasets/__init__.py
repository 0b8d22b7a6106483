"""Many documents at once: Batch, the runner (schedules and caches, never retries by itself),
the cache, confidence audits, calibration, the review queue and Dask support."""
