"""Write ``sdk_trees.json``: the body trees of the 36 SDK-only operations, read from the official
SDK's response models, so that every emulator body deserializes into them with no field lost.

Needs the SDK (``pip install huaweicloudsdkocr``, in the ``dev`` extra)::

    python -m ocrframe.synth.sdk_models          # rewrite ocrframe/synth/sdk_trees.json
    python -m ocrframe.synth.sdk_models --check  # exit 1 when it is out of date

Leaf codes are those of :func:`ocrframe.synth._other.walk_tree`: ``str`` -> ``"s"`` (``"b64"``
for image payloads), ``int`` -> ``"i"``, ``float`` -> ``"c"``, ``bool`` -> ``"b"``,
``list[str]`` -> ``"ls"``, ``list[int]`` -> ``"li"``, ``list[list[int]]`` -> ``"p"``,
``list[list[float]]`` -> ``"mf"``; a confidence dict -> ``"conf"``, a model -> a dict, a list of
models -> ``[dict]``. Operations whose result is a free-form ``object`` keep hand trees.

>>> model_tree({"words": "str", "location": "list[list[int]]"}, lambda name: None)
{'words': 's', 'location': 'p'}
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..catalog import CATALOG
from ..catalog.model_keys import response_model
from ..files import write_generated

__all__ = ["TREES_FILE", "model_tree", "render", "load_trees", "main"]

TREES_FILE = Path(__file__).resolve().parent / "sdk_trees.json"
_LEAVES = {
    "str": "s",
    "int": "i",
    "float": "c",
    "bool": "b",
    "list[str]": "ls",
    "list[int]": "li",
    "list[list[int]]": "p",
    "list[list[float]]": "mf",
    "dict(str, float)": "conf",
}
_PAYLOAD = re.compile(r"(^|_)(image|excel)$")


def model_tree(types: dict[str, str], model: Callable[[str], Any], names: Any = None) -> Any:
    """The tree of one model from its ``openapi_types`` (``names``: its ``attribute_map``);
    ``model(name)`` returns the SDK model class of that name, or None."""
    out: dict[str, Any] = {}
    for attr, kind in types.items():
        key = (names or {}).get(attr, attr)
        out[key] = _leaf(key, kind, model)
    return out


def _leaf(key: str, kind: str, model: Callable[[str], Any]) -> Any:
    if kind == "str" and _PAYLOAD.search(key):
        return "b64"
    if kind in _LEAVES:
        return _LEAVES[kind]
    if kind == "object":
        if key == "confidence":
            return "conf"
        return "p" if key.endswith("location") else "s"
    if kind.startswith("list[") and model(kind[5:-1]) is not None:
        return [_leaf(key, kind[5:-1], model)]
    cls = model(kind)
    if cls is None:
        raise ValueError(f"no leaf code for {kind!r} ({key})")
    return model_tree(cls.openapi_types, model, cls.attribute_map)


def _sdk_trees() -> dict[str, Any]:
    from huaweicloudsdkocr.v1 import model as sdk

    def model(name: str) -> Any:
        cls = getattr(sdk, name, None)
        return cls if getattr(cls, "openapi_types", None) else None

    trees: dict[str, Any] = {}
    for spec in CATALOG:
        if spec.documented:
            continue
        kind = response_model(spec, sdk).openapi_types["result"]
        if kind != "object":  # free-form results keep their hand trees
            trees[spec.slug] = _leaf("result", kind, model)
    return trees


def render() -> str:
    """The text of ``sdk_trees.json`` for the installed SDK (one operation a line)."""
    from importlib.metadata import version

    trees = _sdk_trees()
    lines = [f' "_source": "huaweicloudsdkocr {version("huaweicloudsdkocr")} response models"']
    lines += [f" {json.dumps(slug)}: {json.dumps(tree)}" for slug, tree in trees.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def load_trees() -> dict[str, Any]:
    """The trees written by :func:`render` (no SDK needed)."""
    trees = json.loads(TREES_FILE.read_text("utf-8"))
    trees.pop("_source", None)
    return trees


def main(argv: list[str] | None = None) -> int:
    """Write the generated file (``--check``: only compare). Returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    return write_generated(TREES_FILE, render(), args, "python -m ocrframe.synth.sdk_models")


if __name__ == "__main__":
    raise SystemExit(main())
