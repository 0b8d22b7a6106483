"""The API catalog: one record per operation of Huawei Cloud OCR (data, not code).

The 16 APIs documented in the OCR API Reference carry their request parameters, regions and
input limits; the other 36 operations of the service (from the official SDK) carry their path
and image field so that ``Client.call`` can reach them and ``flatten`` can read their results.

>>> from ocrframe.apis import get_api
>>> spec = get_api("general_text")
>>> spec.path, spec.image_field, spec.regions
('/v2/{project_id}/ocr/general-text', 'image', ('ap-southeast-1',))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import InputError

__all__ = ["Param", "ApiSpec", "APIS", "DOCUMENTED", "get_api", "REGION_ENDPOINTS", "endpoint_for"]

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
    """Everything ocrframe knows about one OCR operation."""

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
    families: tuple[str, ...] = ()  # frames its results feed: "words", "chars", "cells", ...
    doc: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """URL path template, e.g. ``/v2/{project_id}/ocr/general-text``."""
        return f"/v2/{{project_id}}/ocr/{self.slug}"

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)


# Region code -> OCR endpoint host (calling.md §1).
REGION_ENDPOINTS: dict[str, str] = {
    "ap-southeast-1": "ocr.ap-southeast-1.myhuaweicloud.com",
    "ap-southeast-2": "ocr.ap-southeast-2.myhuaweicloud.com",
    "ap-southeast-3": "ocr.ap-southeast-3.myhuaweicloud.com",
    "la-south-2": "ocr.la-south-2.myhuaweicloud.com",
    "la-north-2": "ocr.la-north-2.myhuaweicloud.com",
}


def endpoint_for(region: str) -> str:
    """Return ``https://<host>`` of the OCR service in ``region``.

    >>> endpoint_for("ap-southeast-1")
    'https://ocr.ap-southeast-1.myhuaweicloud.com'
    """
    try:
        return "https://" + REGION_ENDPOINTS[region]
    except KeyError:
        known = ", ".join(sorted(REGION_ENDPOINTS))
        raise InputError(
            f"unknown region {region!r}; OCR is deployed in {known}. "
            "Pass one of these, or endpoint= for a custom endpoint."
        ) from None


from ._catalog import CATALOG as _CATALOG  # noqa: E402  (data lives in its own module)
from ._catalog import EXPECTED_FIELDS as _EXPECTED_FIELDS  # noqa: E402

for _spec in _CATALOG:
    if _spec.slug in _EXPECTED_FIELDS:
        _spec.extra.setdefault("fields", _EXPECTED_FIELDS[_spec.slug])

APIS: dict[str, ApiSpec] = {spec.slug: spec for spec in _CATALOG}
DOCUMENTED: tuple[str, ...] = tuple(s.slug for s in _CATALOG if s.documented)

_ALIASES: dict[str, str] = {}
for _spec in _CATALOG:
    for _alias in (_spec.slug, _spec.method, _spec.sdk_method, _spec.name):
        _ALIASES[_alias.lower().replace("_", "-").replace(" ", "-")] = _spec.slug


def get_api(name: str | ApiSpec) -> ApiSpec:
    """Look an API up by slug, method name, SDK method name or display name.

    >>> get_api("Thailand Plate Number").slug
    'thailand-license-plate'
    """
    if isinstance(name, ApiSpec):
        return name
    if not isinstance(name, str):
        raise InputError(f"API name must be a string, got {type(name).__name__}")
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    slug = _ALIASES.get(key)
    if slug is None:
        import difflib

        close = difflib.get_close_matches(key, list(_ALIASES), n=3)
        hint = f" Did you mean {', '.join(repr(_ALIASES[c]) for c in close)}?" if close else ""
        raise InputError(
            f"unknown OCR API {name!r}.{hint} See ocrframe.APIS for the {len(APIS)} operations."
        )
    return APIS[slug]
