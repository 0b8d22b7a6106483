"""Columnar reader of Custom Template bodies: General Text's shape (:mod:`.general_text`), each
block with a template's ``key`` and ``value`` (``other`` rows, in the order the block writes
them) and the template's id and name as ``document`` text. Detection cannot tell such a body
from General Text's, so bodies saved without their API are General Text's reader's; this one
takes those a saved header or the caller names Custom Template's.

>>> API, MARKERS
('custom-template', (b'"words_block_list"',))
"""

from __future__ import annotations

from .general_text import DOCUMENT, MARKERS, NEEDS_BODIES, SCALARS_AT, SCHEMA, parse_schema, read

__all__ = ["API", "MARKERS", "SCHEMA", "SCALARS_AT", "DOCUMENT", "NEEDS_BODIES", "parse_schema",
           "read"]  # fmt: skip

API = "custom-template"
