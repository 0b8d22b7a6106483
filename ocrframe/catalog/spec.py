"""The record types of the catalog: one :class:`ApiSpec` per operation, its :class:`Param` s.

>>> from ocrframe.catalog import get_api
>>> get_api("general_text").param_names[:2]
('detect_direction', 'quick_mode')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Param:
    """A documented request-body parameter.

    ``type`` is one of ``"string"``, ``"boolean"``, ``"integer"``, ``"number"``,
    ``"array"`` (of strings) or ``"object"``. ``default`` is the documented default (None when
    the document states none); ``choices`` lists the allowed values when the document does.
    """

    name: str
    type: str
    default: Any = None
    choices: tuple[Any, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class ApiSpec:
    """Everything ocrframe knows about one OCR operation.

    >>> from ocrframe.catalog import get_api
    >>> spec = get_api("General Text")
    >>> spec.slug, spec.method, spec.sdk_method
    ('general-text', 'general_text', 'recognize_general_text')
    >>> spec.path, spec.accepts_pdf, spec.families
    ('/v2/{project_id}/ocr/general-text', True, ('words', 'chars', 'document'))
    """

    slug: str  # resource name in the URL: "general-text"
    name: str  # display name: "General Text"
    method: str  # ocrframe method name: "general_text"
    sdk_method: str  # official SDK method: "recognize_general_text"
    image_field: str | None  # "image", "data" or None (no image input)
    regions: tuple[str, ...] = ()  # where the service is deployed; () = not documented
    params: tuple[Param, ...] = ()
    documented: bool = False  # one of the 16 APIs of the reference
    deprecated: bool = False
    result_kind: str = "object"  # "object" or "list" (shape of "result")
    formats: tuple[str, ...] = ("jpg", "jpeg", "png", "bmp", "tiff")
    accepts_pdf: bool = False
    max_base64_bytes: int = 10 * MB
    min_side: int | None = None  # pixel limits of each side, when documented
    max_side: int | None = None
    max_pixels: int | None = None  # cap on width x height, when documented
    families: tuple[str, ...] = ()  # frames its results feed: "words", "chars", "cells", ...
    # Key sets of ``result`` (of its first element, for a list) that identify its responses
    # (any one set, all its keys present).
    signatures: tuple[frozenset[str], ...] = ()
    # Fields every successful response carries (``audit`` counts the missing ones; a flat
    # field body with no signature is guessed from them).
    expected_fields: tuple[str, ...] = ()
    local: bool = False  # the embedded LocalEngine answers it (with all of ``params``)
    errors_in_result: bool = False  # its error bodies nest error_code/error_msg in "result"
    doc: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """URL path template, e.g. ``/v2/{project_id}/ocr/general-text``."""
        return f"/v2/{{project_id}}/ocr/{self.slug}"

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)
