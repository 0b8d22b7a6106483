"""The API catalog: one record per operation of Huawei Cloud OCR (data, not code).

The 16 APIs documented in the OCR API Reference carry their request parameters, regions and
input limits; the other 36 operations of the service (from the official SDK) carry their path
and image field so that ``Client.call`` can reach them and ``flatten`` can read their results.

>>> from ocrframe.catalog import get_api
>>> spec = get_api("general_text")
>>> spec.path, spec.image_field, spec.regions
('/v2/{project_id}/ocr/general-text', 'image', ('ap-southeast-1',))
"""

from __future__ import annotations

from ..errors import InputError
from .documented import DOCUMENTED_RECORDS
from .regions import REGION_ENDPOINTS, endpoint_for
from .sdk_operations import SDK_RECORDS
from .spec import MB, ApiSpec, Param

__all__ = [
    "Param",
    "ApiSpec",
    "APIS",
    "CATALOG",
    "DOCUMENTED",
    "MB",
    "get_api",
    "REGION_ENDPOINTS",
    "endpoint_for",
    "signature_keys",
    "local_apis",
]

CATALOG: tuple[ApiSpec, ...] = DOCUMENTED_RECORDS + SDK_RECORDS

APIS: dict[str, ApiSpec] = {spec.slug: spec for spec in CATALOG}
DOCUMENTED: tuple[str, ...] = tuple(s.slug for s in CATALOG if s.documented)

_ALIASES: dict[str, str] = {}
for _spec in CATALOG:
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

        close = difflib.get_close_matches(key, list(_ALIASES), n=6)
        slugs = list(dict.fromkeys(_ALIASES[c] for c in close))[:3]  # aliases share a slug
        hint = f" Did you mean {', '.join(map(repr, slugs))}?" if slugs else ""
        raise InputError(
            f"unknown OCR API {name!r}.{hint} See ocrframe.APIS for the {len(APIS)} operations."
        )
    return APIS[slug]


def signature_keys(*, excluding: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Every result key that appears in an API's signatures, APIs in ``excluding`` left out.

    A body holding one of them may be detected as that API (the columnar words reader sends
    such files the general way).

    >>> "passport_number" in signature_keys(excluding=("general-text",))
    True
    """
    keys: dict[str, None] = {}
    for spec in CATALOG:
        if spec.slug not in excluding:
            for key_set in spec.signatures:
                keys.update(dict.fromkeys(sorted(key_set)))
    return tuple(keys)


def local_apis() -> tuple[str, ...]:
    """Slugs the embedded :class:`ocrframe.local.LocalEngine` answers (``ApiSpec.local``).

    >>> local_apis()
    ('smart-document-recognizer', 'general-table', 'general-text', 'web-image')
    """
    return tuple(spec.slug for spec in CATALOG if spec.local)
