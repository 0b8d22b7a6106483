"""Columnar reader of Handwriting bodies: General Text's shape (:mod:`.general_text`), each
block with its ``type``. Detection cannot tell such a body from General Text's, so bodies
saved without their API are General Text's reader's; this one takes those a saved header or
the caller names Handwriting's.

>>> API, MARKERS
('handwriting', (b'"words_block_list"',))
"""

from __future__ import annotations

from .general_text import DOCUMENT, MARKERS, NEEDS_BODIES, SCALARS_AT, SCHEMA, parse_schema, read

__all__ = ["API", "MARKERS", "SCHEMA", "SCALARS_AT", "DOCUMENT", "NEEDS_BODIES", "parse_schema",
           "read"]  # fmt: skip

API = "handwriting"
