"""Azure AI Vision's text results (the Computer Vision side of Azure, next to Document
Intelligence): Image Analysis 4.0 ``readResult`` (blocks of lines of words) and the legacy
OCR API (``regions`` of lines of words, ``boundingBox`` as ``"x,y,w,h"``). Pixels; 0-1.

>>> ex = read_regions({"language": "en", "regions": [{"boundingBox": "0,0,50,10", "lines": [
...     {"boundingBox": "0,0,50,10", "words": [{"boundingBox": "0,0,20,10", "text": "Hi"},
...                                            {"boundingBox": "25,0,25,10", "text": "you"}]}]}]},
...     Reader({}))
>>> ex.cols["words"]["text"], ex.cols["tokens"]["x3"]
(['Hi you'], [20.0, 50.0])
"""

from __future__ import annotations

from typing import Any

from ..flatten import Extraction
from .base import Reader, dict_items, get, num, quad_xy, rect

__all__ = ["read_image_analysis", "read_regions"]


def read_image_analysis(raw: dict[str, Any], result: dict[str, Any], base: str, r: Reader):
    """Image Analysis 4.0: ``readResult.blocks[].lines[].words[]``, size in ``metadata``."""
    mkey, meta = get(raw, "metadata")
    for name in ("width", "height"):
        if isinstance(meta, dict) and name in meta:
            r.doc(1, name, meta[name], f"{mkey}.{name}")
    r.doc(1, "unit", "pixel")
    for bpath, block in dict_items(result, base, "blocks"):
        for lpath, line in dict_items(block, bpath, "lines"):
            row = {"page": 1, "block": r.count("words", 1)}
            row["text"], _ = r.value(line, lpath, "text")
            key, poly = get(line, "boundingPolygon")
            r.polygon(row, quad_xy(poly), f"{lpath}.{key}")
            r.add("words", row)
            for wpath, word in dict_items(line, lpath, "words"):
                tok = {"page": 1, "block": row["block"], "token": r.count("tokens", 1)}
                tok["text"], _ = r.value(word, wpath, "text")
                tok["confidence"] = r.confidence(word, wpath)
                key, poly = get(word, "boundingPolygon")
                r.polygon(tok, quad_xy(poly), f"{wpath}.{key}")
                r.add("tokens", tok)
    return r


def _box(r: Reader, row: dict[str, Any], obj: dict[str, Any], path: str) -> None:
    """``"x,y,w,h"`` as the polygon of ``row``."""
    box = obj.get("boundingBox")
    parts = [num(v) for v in box.split(",")] if isinstance(box, str) else []
    if len(parts) == 4 and None not in parts:
        x, y, w, h = parts
        r.polygon(row, (rect(x, y, x + w, y + h), True), f"{path}.boundingBox")


def read_regions(raw: dict[str, Any], r: Reader) -> Extraction:
    """The legacy OCR API's ``regions``."""
    for name in ("language", "textAngle", "orientation"):
        if name in raw:
            r.doc(1, name, raw[name], name)
    r.doc(1, "unit", "pixel")
    # Chinese and Japanese come a character a word, with no space between them in the text.
    language = raw.get("language")
    space = "" if isinstance(language, str) and language.startswith(("zh", "ja")) else " "
    for gpath, region in dict_items(raw, "", "regions"):
        lines = []
        for lpath, line in dict_items(region, gpath, "lines"):
            block = r.count("words", 1)
            lines.append(block)
            texts = []
            for wpath, word in dict_items(line, lpath, "words"):
                text, _ = r.value(word, wpath, "text")
                texts.append(text if isinstance(text, str) else "")
                tok = {"page": 1, "block": block, "token": r.count("tokens", 1), "text": text}
                _box(r, tok, word, wpath)
                r.add("tokens", tok)
            row = {"page": 1, "block": block, "text": space.join(texts)}
            _box(r, row, line, lpath)
            r.add("words", row)
        layout = {"page": 1, "block": r.count("layout", 1), "type": "region", "words_ids": lines}
        _box(r, layout, region, gpath)
        r.add("layout", layout)
    return r.finish()
