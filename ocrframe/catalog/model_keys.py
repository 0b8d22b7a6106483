"""The keys of ``result`` (of its elements, for a list) each operation's response model in the
official SDK declares, kept in ``model_keys.json``: what detection reads to tell apart bodies a
signature alone would misname (a Vehicle License holds ``alarm_result``, Auto ID Document
Classification's signature) or not name at all (a VAT invoice saved without its API).

Generated from the installed SDK (``pip install huaweicloudsdkocr``, in the ``dev`` extra)::

    python -m ocrframe.catalog.model_keys          # rewrite ocrframe/catalog/model_keys.json
    python -m ocrframe.catalog.model_keys --check  # exit 1 when it is out of date

>>> sorted(model_keys()["auto-id-doc-classification"])
['alarm_confidence', 'alarm_result', 'confidence', 'location', 'type']
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..files import write_generated
from .spec import ApiSpec

__all__ = ["KEYS_FILE", "model_keys", "response_model", "response_model_name", "render", "main"]

KEYS_FILE = Path(__file__).resolve().parent / "model_keys.json"


@lru_cache(maxsize=1)
def model_keys() -> dict[str, frozenset[str]]:
    """``{slug: keys}`` for the operations whose SDK result is a model (the free-form ones,
    Custom Template and Invoice Verification, have none). Read once, when first asked."""
    data = json.loads(KEYS_FILE.read_text("utf-8"))
    data.pop("_source", None)
    return {slug: frozenset(keys) for slug, keys in data.items()}


def response_model_name(spec: ApiSpec) -> str:
    """``RecognizeXxxResponse`` of the SDK for an operation (CamelCase of its SDK method).

    >>> from ocrframe.catalog import get_api
    >>> response_model_name(get_api("general-text"))
    'RecognizeGeneralTextResponse'
    """
    return "".join(part.capitalize() for part in spec.sdk_method.split("_")) + "Response"


def response_model(spec: ApiSpec, sdk: Any) -> Any:
    """The SDK's response model class of an operation (``sdk``: its ``model`` module; a few
    are spelt in other cases: VIN, Idcard ...)."""
    found = getattr(sdk, response_model_name(spec), None)
    if found is not None:
        return found
    wanted = response_model_name(spec).lower()
    return next(getattr(sdk, n) for n in dir(sdk) if n.lower() == wanted)


def _result_keys(spec: ApiSpec, sdk: Any) -> list[str] | None:
    kind = response_model(spec, sdk).openapi_types["result"]
    inner = getattr(sdk, kind[5:-1] if kind.startswith("list[") else kind, None)
    if getattr(inner, "openapi_types", None) is None:  # a free-form ``object``
        return None
    return [inner.attribute_map.get(a, a) for a in inner.openapi_types]


def render() -> str:
    """The text of ``model_keys.json`` for the installed SDK (one operation a line)."""
    from importlib.metadata import version

    from huaweicloudsdkocr.v1 import model as sdk

    from . import CATALOG

    lines = [f' "_source": "huaweicloudsdkocr {version("huaweicloudsdkocr")} response models"']
    for spec in CATALOG:
        keys = _result_keys(spec, sdk)
        if keys is not None:
            lines.append(f" {json.dumps(spec.slug)}: {json.dumps(keys)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    """Write the generated file (``--check``: only compare). Returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    return write_generated(KEYS_FILE, render(), args, "python -m ocrframe.catalog.model_keys")


if __name__ == "__main__":
    raise SystemExit(main())
