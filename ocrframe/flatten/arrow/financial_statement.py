"""Columnar reader of Financial Statement bodies: General Table's shape, read by its reader
(:mod:`.general_table`), a table's polygon named ``table_location`` and each region's ``type``
``valid`` (an ``other`` row). Saved without their API they are General Table's by detection,
and its reader takes them; this one takes the files that name Financial Statement.

>>> API, MARKERS
('financial-statement', (b'"words_region_list"',))
"""

from __future__ import annotations

from .general_table import DOCUMENT, MARKERS, SCHEMA, read

__all__ = ["API", "MARKERS", "SCHEMA", "DOCUMENT", "read"]

API = "financial-statement"
