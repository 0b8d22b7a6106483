"""Which API (of the catalog's) a response body comes from, told from its shape: the keys of
``result`` a signature or an SDK response model names (:func:`detect_api`), else the expected
fields present (:func:`guess_api`).

>>> detect_api({"result": {"words_block_list": [{"words": "Hi"}]}})
'general-text'
"""

from __future__ import annotations

from collections.abc import Set
from functools import lru_cache
from typing import Any

from .catalog import APIS, CATALOG, ApiSpec
from .catalog.model_keys import model_keys

__all__ = ["detect_api", "guess_api", "refit", "fitting_api", "SDR_KINDS", "PLATE_KEYS",
           "FONT_KEYS"]  # fmt: skip

# The kinds of result a Smart Document Recognizer page holds (one home: detection, the
# flattener and the workbook finder read them from here).
SDR_KINDS = ("ocr_result", "kv_result", "table_result", "form_result", "layout_result",
             "formula_result")  # fmt: skip
# The members that make an element of a list ``result`` a licence plate (detection, the
# flattener and the columnar plate reader read them from here).
PLATE_KEYS = ("plate_number", "plate_location")
# The block members that tell a Web Image response (fonts detected) from a General Text one.
FONT_KEYS = frozenset({"font_list", "font_scores"})


def detect_api(raw: Any) -> str | None:
    """Guess the API slug from the shape of a response body; None when unsure.

    >>> detect_api({"result": [{"plate_number": "1กข 1234"}]})
    'thailand-license-plate'
    >>> detect_api({"result": [{"plate_number": "苏N3C2J3", "plate_color": "blue"}]})
    'license-plate'
    """
    if not isinstance(raw, dict):
        return None
    result = raw.get("result")
    if isinstance(result, list):
        first = next((e for e in result if isinstance(e, dict)), None)
        if first is None:
            return None
        listed = _list_api_of(frozenset(first))
        if listed is not None:
            return listed
        if any(key in first for key in PLATE_KEYS):  # plates the catalog names no one else's
            return "thailand-license-plate"
        if any(set(SDR_KINDS) & set(e) for e in result if isinstance(e, dict)):
            return "smart-document-recognizer"
        return None
    if not isinstance(result, dict):
        return None
    keys = frozenset(result)
    found = _object_api_of(keys)
    if found is not None:
        return found
    if "words_block_list" in keys:
        blocks = result.get("words_block_list")
        found = "web-image" if isinstance(blocks, list) and _with_fonts(blocks) else "general-text"
        return refit(keys, found)
    return None


# A dataset repeats a few sets of keys: what they tell is remembered (a file walked the
# general way is detected in a microsecond, not in a pass over the catalog's signatures).
@lru_cache(maxsize=4096)
def _object_api_of(keys: frozenset[str]) -> str | None:
    """The API an object ``result`` with ``keys`` comes from, as the catalog's signatures and
    the SDK response models tell (None: neither does)."""
    for spec in CATALOG:
        if spec.result_kind == "object" and any(needed <= keys for needed in spec.signatures):
            return refit(keys, spec.slug)
    return None


@lru_cache(maxsize=4096)
def _list_api_of(keys: frozenset[str]) -> str | None:
    """The API a list ``result`` whose first object has ``keys`` comes from, as the catalog's
    signatures and the SDK response models tell (None: neither does)."""
    return _listed_api(keys) or fitting_api(keys, "list")


def refit(keys: Set[str], found: str) -> str:
    """``found``, unless its SDK response model lacks some of ``keys`` while another API's
    declares them all (:func:`fitting_api`): then that one.

    >>> refit({"alarm_result", "vin", "engine_no", "register_date"}, "auto-id-doc-classification")
    'vehicle-license'
    >>> refit({"words_block_list", "direction"}, "general-text")
    'general-text'
    """
    own = model_keys().get(found)
    if own is None or keys <= own:
        return found
    return fitting_api(keys) or found


def fitting_api(keys: Set[str], kind: str = "object") -> str | None:
    """The one API whose SDK response model declares every one of ``keys`` (of ``result``, or
    of its elements for ``kind="list"``); None when none or several do, or when the keys are
    fewer than 3 and none of them is that model's alone.

    >>> fitting_api({"sum_amount", "sum_tax", "seller_name", "buyer_name"})
    'vat-invoice'
    >>> fitting_api({"seal_list"}), fitting_api({"name", "sex"})
    ('seal', None)
    """
    models = model_keys()
    fits = [slug for slug, declared in models.items()
            if keys <= declared and APIS[slug].result_kind == kind]  # fmt: skip
    if len(fits) != 1:
        return None
    slug = fits[0]
    if len(keys) < 3 and all(any(k in d for s, d in models.items() if s != slug) for k in keys):
        return None
    return slug


def _listed_api(keys: Set[str]) -> str | None:
    """The API whose list-shaped ``result`` holds elements with ``keys``, from the catalog's
    signatures (a Chinese plate's colour: License Plate); None when none says."""
    for spec in CATALOG:
        if spec.result_kind == "list" and any(needed <= keys for needed in spec.signatures):
            return spec.slug
    return None


def _with_fonts(blocks: list[Any]) -> bool:
    """Whether a block of ``blocks`` holds a font key (Web Image's). One C-level pass when all
    are dicts (a 20,000-block list: a Python step per block costs a millisecond)."""
    if set(map(type, blocks)) <= {dict}:
        return not all(map(FONT_KEYS.isdisjoint, blocks))
    return any(isinstance(b, dict) and not FONT_KEYS.isdisjoint(b) for b in blocks)


def guess_api(raw: Any) -> str | None:
    """Guess the API of a flat field body that no signature identifies (an ID card, a VIN).

    The guess is the API whose SDK response model declares every key of the body
    (:func:`fitting_api`), else the API whose catalog ``expected_fields`` are all present, the
    one expecting the most fields winning; at least half of the body's keys must be expected
    ones unless it expects three or more. ``Response.api_guessed`` is True when the API came
    from here.

    >>> guess_api({"result": {"vin": "LSVNV2182E2100001", "confidence": 0.99}})
    'vin'
    >>> guess_api({"result": {"vin": "LSVN", "a": 1, "b": 2, "c": 3}}) is None
    True
    """
    result = raw.get("result") if isinstance(raw, dict) else None
    if not isinstance(result, dict) or not result:
        return None
    return _guessed_api_of(frozenset(result))


@lru_cache(maxsize=4096)
def _guessed_api_of(keys: frozenset[str]) -> str | None:
    """:func:`guess_api` of an object ``result`` with ``keys`` (remembered, as
    :func:`_object_api_of`)."""
    fitting = fitting_api(keys)
    if fitting is not None:
        return fitting
    fits = sorted(
        ((len(spec.expected_fields), spec.slug) for spec in CATALOG if _fits(spec, keys)),
        reverse=True,
    )
    if not fits or (len(fits) > 1 and fits[0][0] == fits[1][0]):
        return None  # nothing fits, or two APIs fit equally well
    return fits[0][1]


def _fits(spec: ApiSpec, keys: Set[str]) -> bool:
    expected = set(spec.expected_fields)
    if not expected or not expected <= keys:
        return False
    return len(expected) >= 3 or 2 * len(expected) >= len(keys)
