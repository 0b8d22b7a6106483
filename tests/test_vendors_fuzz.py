"""Seeded mutations of the real saved results of other engines (``../shared/data/vendors``):
values swapped for numbers, lists, strings, NaN and integers beyond int64, keys dropped. Every
frame function answers frames or an ``OcrError``: never a bare TypeError, KeyError or
OverflowError, and never work without end (a huge span or page count is cut to the document)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import ocrframe

VENDORS = Path(__file__).resolve().parents[2] / "shared" / "data" / "vendors"
FILES = sorted(VENDORS.glob("*/*.json"))
ODD = [None, 0, -1, 1.5, float("nan"), "", "x", [], {}, [[]], [None], {"a": None}, True,
       [[1, 2]], "[[1,2]]", 10**30, 10**12, [1, 2, 3, 4]]  # fmt: skip
FRAMES = ["flatten", "words", "tokens", "chars", "cells", "kv", "fields", "layout", "tables"]


def mutated(node, rng: random.Random):
    """``node`` with about one value in eight replaced by an odd one and one in twenty dropped."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            r = rng.random()
            if r < 0.05:
                continue
            out[key] = rng.choice(ODD) if r < 0.12 else mutated(value, rng)
        return out
    if isinstance(node, list):
        out = [mutated(v, rng) for v in node]
        if out and rng.random() < 0.1:
            out.append(rng.choice(ODD))
        return out
    return node


@pytest.mark.skipif(not FILES, reason="../shared/data/vendors is not beside the repository")
@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name[:40]}" for p in FILES])
def test_mutated_results_of_other_engines_give_frames_or_an_ocr_error(path):
    original = json.loads(path.read_bytes())
    rng = random.Random(path.name)
    answered = sum(frames_answered(mutated(original, rng)) for _ in range(6))
    assert answered  # most mutations keep a readable result


def frames_answered(body) -> int:
    """How many frame functions answer ``body``; every other one must raise an OcrError."""
    answered = 0
    for name in FRAMES:
        try:
            getattr(ocrframe, name)(body)
            answered += 1
        except ocrframe.OcrError:
            pass
    return answered


# --- ALTO XML: seeded mutations of the structures of tests/test_vendors_alto.py ------------------

ODD_TEXT = ["", "x", "nan", "-inf", "1e400", "-1", "2", str(10**30), "0.", "0.1000", "&amp;",
            " 3 ", "1,5", "\u00a0"]  # fmt: skip


def mutated_alto(text: str, rng: random.Random) -> str:
    """``text`` with elements dropped or doubled, attribute values made odd or dropped, and
    now and then the XML itself damaged (cut short, a stray ``<`` or ``&``)."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(text)  # the test's own document, not hostile
    for parent in list(root.iter()):
        for child in list(parent):
            r = rng.random()
            if r < 0.05:
                parent.remove(child)
            elif r < 0.08:
                parent.append(child)  # the same element twice: the order changes too
        for name in list(parent.attrib):
            r = rng.random()
            if r < 0.12:
                parent.set(name, rng.choice(ODD_TEXT))
            elif r < 0.16:
                del parent.attrib[name]
    out = ET.tostring(root, encoding="unicode")
    r = rng.random()
    if r < 0.1:
        out = out[: rng.randrange(len(out))]
    elif r < 0.2:
        at = rng.randrange(len(out))
        out = out[:at] + rng.choice("<&>\"'") + out[at:]
    return out


def test_mutated_alto_gives_frames_or_an_ocr_error():
    from test_vendors_alto import ABBYY, GLYPHS, tesseract_alto

    answered = 0
    for name, text in (("tesseract", tesseract_alto()), ("abbyy", ABBYY), ("glyphs", GLYPHS)):
        rng = random.Random(name)
        answered += sum(frames_answered(mutated_alto(text, rng)) for _ in range(40))
    assert answered > 500  # most mutations keep a readable result
