"""Flattening speed of other engines' saved results (Textract, Azure, Document AI, Vision,
PaddleOCR, Tesseract), per real file of ``../shared/data/vendors``, beside Python's and
pyarrow's parse of the same bytes.

Each file is copied ``--files`` times into a folder under benchmarks/_work/vendors/ (a dataset of
one engine's results); in one process and interleaved round by round, each method right after
each other one equally often (median of the rounds):

- Python's parse: reading and parsing every file (what any reader written in Python pays
  first): ``json.loads``, or for XML (hOCR, ALTO) ``xml.etree.ElementTree.fromstring``, expat's
  tree in C;
- pyarrow: its JSON reader over the same bytes, newline-delimited, 1 thread (n/a where it refuses
  them: a list at the top, or values it cannot type alike);
- ocrframe: ``read_responses(folder).flatten()``, every frame with ``other`` (each value no frame
  column holds, with its path);
- words: ``read_responses(folder).words()``, the one frame an audit of lines reads (what no
  frame holds is not gathered then).

Other engines' results are read by their readers in Python, file by file (the columnar readers
take Huawei's shapes), so this measures how far from the parse that walk is.

Run: python benchmarks/vendor_speed.py [--files 100 --rounds 5]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import shutil
from functools import partial
from pathlib import Path
from xml.etree import ElementTree

import pyarrow as pa
import pyarrow.json as pj
from rounds import interleaved

from ocrframe.datasets.batch import read_responses
from ocrframe.files import read_bytes

VENDORS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "vendors"
WORK = Path(__file__).resolve().parent / "_work" / "vendors"
REFUSED = (pa.ArrowInvalid, ValueError)  # pyarrow refuses the bytes (json: no JSON file)


def dataset(source: Path, files: int) -> list[Path]:
    """``files`` copies of ``source`` in a folder of their own (made once)."""
    folder = WORK / f"{source.parent.name}-{source.stem}-{files}"
    paths = [folder / f"r{i:05d}{source.suffix}" for i in range(files)]
    if not all(p.exists() for p in paths):
        folder.mkdir(parents=True, exist_ok=True)
        for p in paths:
            shutil.copyfile(source, p)
    return paths


def python_parse(paths: list[Path]) -> int:
    if paths[0].suffix in (".hocr", ".xml"):
        return sum(len(ElementTree.fromstring(read_bytes(p))) for p in paths)
    return sum(len(json.loads(read_bytes(p))) for p in paths)


def arrow_parse(paths: list[Path]) -> int:
    data = b"\n".join(read_bytes(p).replace(b"\n", b" ") for p in paths)  # as ours reads
    options = pj.ReadOptions(use_threads=False, block_size=max(1 << 20, len(data) + 1))
    return pj.read_json(pa.BufferReader(data), read_options=options).num_rows


def ours(paths: list[Path]) -> int:
    return sum(len(f) for f in read_responses(paths[0].parent).flatten().values())


def ours_words(paths: list[Path]) -> int:
    return len(read_responses(paths[0].parent).words())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    sources = sorted(p for p in VENDORS.glob("*/*") if p.suffix in (".json", ".hocr", ".xml"))
    if not sources:
        raise SystemExit(f"no vendor files under {VENDORS}")
    methods = {"parse": python_parse, "pyarrow": arrow_parse, "ocrframe": ours,
               "words": ours_words}  # fmt: skip
    print(f"\n{args.files} copies per file, median of {args.rounds} interleaved rounds (s)")
    print(f"{'file':<62}{'MB':>6}{'parse':>8}{'arrow':>8}{'ours':>8}{'words':>8}{'/parse':>8}"
          f"{'/arrow':>8}{'words/parse':>12}")  # fmt: skip
    for source in sources:
        paths = dataset(source, args.files)
        for method in methods.values():  # warm-up: files cached, modules loaded
            with contextlib.suppress(*REFUSED):
                method(paths)
        got = interleaved({n: partial(m, paths) for n, m in methods.items()}, args.rounds, REFUSED)
        med = {name: None if math.isnan(t) else t for name, t in got.items()}
        mb = sum(p.stat().st_size for p in paths) / 1e6
        cells = [f"{med[n]:8.3f}" if med[n] is not None else f"{'n/a':>8}" for n in methods]
        ratios = [
            f"{med[ours] / med[n]:7.1f}x" if med[n] else f"{'n/a':>8}"
            for ours, n in (("ocrframe", "parse"), ("ocrframe", "pyarrow"))
        ]
        ratios.append(f"{med['words'] / med['parse']:11.1f}x" if med["parse"] else f"{'n/a':>12}")
        name = f"{source.parent.name}/{source.name}"[:60]
        print(f"{name:<62}{mb:6.1f}{''.join(cells)}{''.join(ratios)}")


if __name__ == "__main__":
    main()
