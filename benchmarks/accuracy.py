"""Accuracy and speed of the embedded OCR on ../shared/data: raw rapidocr (the baseline) against
``LocalEngine`` in line mode and in its default split mode (and tesseract when installed).

Per dataset and method: CER (edit distance / reference length on the page text, whitespace
normalised), gCER (granularity-neutral CER: reference lines and output blocks whose boxes
overlap are joined into groups and each group's texts are compared, so finer or coarser blocks
are neither rewarded nor punished and reading order does not count), word recall (share of
reference words found, as a multiset, words being runs of letters and digits), seconds per
page, and on the PubTabNet crops TEDS of ``general-table``'s cells against the annotated HTML
(benchmarks/teds.py). Every method's page text, and the reference text built from annotated
boxes, is read in the same order (rows top to bottom, left to right), so CER compares
recognition, not the engines' or the annotators' ordering (SROIE's CSV rows are not in reading
order: joined as listed, they cost a perfect reader 0.019 CER on the receipts and 0.055 on the
PDF pages). Receipts are
compared case-insensitively; PDF pages are rendered at 150 dpi and OCR'd. Methods run
interleaved, item by item.

``--off NAME`` adds the default split mode with one of its options turned off (``spaces``,
``numbers``, ``leaders``), to measure what that option does; ``--plain`` adds issue #16's
recipe alone (split where a blank gap is half the line height, detection threshold 0.3, NFKC,
none of ``spaces``/``numbers``/``leaders``), the second baseline; ``--errors`` lists every
differing stretch of the receipts (reference | ours, aligned, with context) for the last method.

Run: ``python benchmarks/accuracy.py [--data ../shared/data] [--tesseract] [--off numbers]
[--plain] [--errors]``
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from teds import cells_tree, pubtabnet_tree, teds  # noqa: E402

from ocrframe.local import LocalEngine  # noqa: E402

Block = tuple[str, float, float, float, float]  # text, x0, y0, x1, y1
OFF = {"spaces": None, "numbers": None, "leaders": False}  # LocalEngine options, turned off
PLAIN = {"split_gap": 0.5, **OFF}  # issue #16's recipe: the split, box_thresh 0.3 and NFKC only
TEDS_ANCHORS = "EDD 0.883 (PubTabNet paper), SLANet ~0.959 (PaddleOCR), both on the val split"


def norm(text: str) -> str:
    return " ".join(text.split())


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def words(text: str) -> Counter:
    """Words as runs of letters and digits (the ISRI ``wordacc`` convention)."""
    return Counter(re.findall(r"[^\W_]+", text))


def word_recall(hyp: str, ref: str) -> float:
    ref_words, hyp_words = words(ref), words(hyp)
    total = sum(ref_words.values())
    return sum((ref_words & hyp_words).values()) / total if total else 1.0


KINDS = ("spaces", "dots", "punct", "alnum")


def error_kinds(hyp: str, ref: str) -> dict[str, int]:
    """Character errors by kind, from a difflib alignment of the two texts: a differing stretch
    counts its longer side against spaces only, full stops only (dot leaders, decimal points),
    other punctuation, or letters and digits. Sums to about the edit distance.

    >>> error_kinds("cash rm 1000", "cash.... rm 10.00")
    {'spaces': 0, 'dots': 5, 'punct': 0, 'alnum': 0}
    """
    import difflib

    kinds = dict.fromkeys(KINDS, 0)
    matcher = difflib.SequenceMatcher(None, ref, hyp, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        text = ref[a1:a2] + hyp[b1:b2]
        if not text.strip():
            kind = "spaces"
        elif set(text) <= {".", " "}:
            kind = "dots"
        elif not re.search(r"[^\W_]", text):
            kind = "punct"
        else:
            kind = "alnum"
        kinds[kind] += max(a2 - a1, b2 - b1)
    return kinds


def differences(hyp: str, ref: str, context: int = 12) -> list[str]:
    """Each differing stretch of a difflib alignment as ``ref: ...[ref part]... | ours: [...]``.

    >>> differences("please cone again", "please come again", 4)
    ['ref: e co[m]e ag | ours: [n]']
    """
    import difflib

    out = []
    matcher = difflib.SequenceMatcher(None, ref, hyp, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op != "equal":
            before, after = ref[max(0, a1 - context) : a1], ref[a2 : a2 + context]
            out.append(f"ref: {before}[{ref[a1:a2]}]{after} | ours: [{hyp[b1:b2]}]")
    return out


def _tag(token: str) -> bool:
    return len(token) > 1 and token.startswith("<") and token.endswith(">")


def read_text(blocks: list[Block]) -> str:
    """Blocks in rows (vertical spans overlapping by half the smaller height), left to right."""
    rows: list[list[Block]] = []
    for b in sorted(blocks, key=lambda b: (b[2] + b[4]) / 2):
        if rows:
            top = float(np.median([r[2] for r in rows[-1]]))
            bottom = float(np.median([r[4] for r in rows[-1]]))
            if min(bottom, b[4]) - max(top, b[2]) > 0.5 * min(bottom - top, b[4] - b[2]):
                rows[-1].append(b)
                continue
        rows.append([b])
    return "\n".join(" ".join(b[0] for b in sorted(row, key=lambda b: b[1])) for row in rows)


def grouped_errors(hyp: list[Block], ref: list[Block], lower: bool) -> tuple[int, int]:
    """(edit distance, reference chars) summed over groups of overlapping boxes."""
    items = ref + hyp
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, r in enumerate(ref):
        for j, h in enumerate(hyp, len(ref)):
            # Same line (half the lower box's height shared) and touching along it. An area
            # rule instead split a block from the line it reads whenever the two boxes' heights
            # differ (a PDF's text layer is tighter than any detector's boxes) and then charged
            # both texts in full.
            iw = min(r[3], h[3]) - max(r[1], h[1])
            ih = min(r[4], h[4]) - max(r[2], h[2])
            if iw > 0 and ih >= 0.5 * max(min(r[4] - r[2], h[4] - h[2]), 1e-6):
                parent[find(i)] = find(j)
    groups: dict[int, tuple[list[Block], list[Block]]] = {}
    for i, item in enumerate(items):
        groups.setdefault(find(i), ([], []))[i >= len(ref)].append(item)
    dist = chars = 0
    for refs, hyps in groups.values():
        r, h = norm(read_text(refs)), norm(read_text(hyps))
        if lower:
            r, h = r.lower(), h.lower()
        dist += edit_distance(h, r)
        chars += len(r)
    return dist, chars


def cases(data: Path):
    """Yield (dataset, path, reference blocks or None, reference text, lowercase?, table)."""
    for img in sorted((data / "receipts").glob("*.jpg")):
        with open(img.with_suffix(".csv"), newline="", encoding="utf-8") as fh:
            # SROIE's box files are not CSV-quoted: a text starting with '"' would swallow the
            # lines after it (coordinates and all) into one reference line.
            rows = [r for r in csv.reader(fh, quoting=csv.QUOTE_NONE) if len(r) > 8]
        blocks = []
        for r in rows:
            xy = np.array([float(v) for v in r[:8]]).reshape(4, 2)
            blocks.append((",".join(r[8:]), *xy.min(axis=0), *xy.max(axis=0)))
        yield "receipts", img, blocks, read_text(blocks), True, None
    ann = data / "tables" / "annotations.jsonl"
    if ann.exists():
        for raw in ann.read_text(encoding="utf-8").splitlines():
            rec = json.loads(raw)
            blocks = [
                ("".join(t for t in c["tokens"] if not _tag(t)), *c["bbox"])
                for c in rec["html"]["cells"]
                if c.get("bbox")
            ]
            text = " ".join(b[0] for b in blocks)
            yield "tables", data / "tables" / rec["filename"], blocks, text, False, rec["html"]
    for img in sorted((data / "pages").glob("*.tif")):
        text = img.with_suffix(".txt").read_text(encoding="utf-8")
        yield "pages", img, None, text, False, None
    for pdf in sorted((data / "pdfs").glob("*.pdf")):
        gt = json.loads(pdf.with_name(pdf.stem + ".gt.json").read_text(encoding="utf-8"))
        blocks = [(ln["text"], *ln["box"]) for ln in gt["lines"]]
        yield "pdfs", pdf, blocks, read_text(blocks), False, None


def _image(path: Path) -> np.ndarray:
    from PIL import Image

    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        try:
            pil = doc[0].render(scale=150 / 72).to_pil()
        finally:
            doc.close()
    else:
        pil = Image.open(path)
    return np.asarray(pil.convert("RGB"))


def raw_rapidocr() -> Callable[[Path], list[Block]]:
    """rapidocr as it ships (its defaults, the models inside its wheel): the baseline."""
    import rapidocr

    models = Path(rapidocr.__file__).parent / "models"
    params = {"Global.log_level": "error", "Global.model_root_dir": str(models)}
    for task, pattern in {"Det": "*det*.onnx", "Rec": "*rec*.onnx", "Cls": "*cls*.onnx"}.items():
        params[f"{task}.model_path"] = str(sorted(models.glob(pattern))[-1])
    engine = rapidocr.RapidOCR(params=params)

    def run(path: Path) -> list[Block]:
        out = engine(_image(path), use_det=True, use_cls=False, use_rec=True)
        if getattr(out, "boxes", None) is None:
            return []
        return [
            (str(t), *np.asarray(b).min(axis=0), *np.asarray(b).max(axis=0))
            for b, t in zip(out.boxes, out.txts, strict=True)
        ]

    return run


def local(engine: LocalEngine) -> Callable[[Path], list[Block]]:
    def run(path: Path) -> list[Block]:
        resp = engine.call("general-text", path, use_text_layer=False)
        out = []
        for b in resp.raw["result"]["words_block_list"]:
            xy = np.asarray(b["location"], dtype=float)
            out.append((b["words"], *xy.min(axis=0), *xy.max(axis=0)))
        return out

    return run


def table_score(engine: LocalEngine, path: Path, html: dict) -> float:
    resp = engine.call("general-table", path)
    cells = [
        b
        for region in resp.raw["result"]["words_region_list"]
        if region["type"] == "table"
        for b in region["words_block_list"]
    ]
    return teds(pubtabnet_tree(html), cells_tree(cells))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--tesseract", action="store_true", help="also measure the tesseract engine")
    ap.add_argument(
        "--off", action="append", default=[], choices=sorted(OFF), help="measure w/o an option"
    )
    ap.add_argument("--plain", action="store_true", help="also measure issue #16's recipe alone")
    ap.add_argument("--errors", action="store_true", help="list the receipts' differences")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no data folder at {args.data}", file=sys.stderr)
        return 1
    engines = {"lines": LocalEngine(split_gap=None), "split": LocalEngine()}
    if args.plain:
        engines = {"plain": LocalEngine(**PLAIN), **engines}
    for name in args.off:
        engines[f"-{name}"] = LocalEngine(**{name: OFF[name]})
    methods = {"raw": raw_rapidocr(), **{k: local(e) for k, e in engines.items()}}
    if args.tesseract:
        methods["tesseract"] = local(LocalEngine("tesseract"))
    items = list(cases(args.data))
    for run in methods.values():  # load the models outside the timings
        run(items[0][1])
    stats: dict[tuple[str, str], list[dict[str, float]]] = {}
    for ds, path, ref_blocks, ref, lower, html in items:
        for name, run in methods.items():
            t0 = time.perf_counter()
            hyp_blocks = run(path)
            secs = time.perf_counter() - t0
            hyp, ref_n = norm(read_text(hyp_blocks)), norm(ref)
            if lower:
                hyp, ref_n = hyp.lower(), ref_n.lower()
            row: dict[str, float] = {"secs": secs}
            if ref_n:  # table crops annotated without cell boxes have structure, not text
                row.update(dist=edit_distance(hyp, ref_n), chars=len(ref_n))
                row["recall"] = word_recall(hyp, ref_n)
            if ds == "receipts":
                row.update(error_kinds(hyp, ref_n))
                if args.errors and name == list(methods)[-1]:
                    print(f"{path.name} ({name}): {row['dist']} errors")
                    print("\n".join(f"  {d}" for d in differences(hyp, ref_n)))
            if ref_blocks:
                row["gdist"], row["gchars"] = grouped_errors(hyp_blocks, ref_blocks, lower)
            if html is not None and name in engines:
                row["teds"] = table_score(engines[name], path, html)
            stats.setdefault((ds, name), []).append(row)
    report(stats, list(methods))
    return 0


def report(stats: dict[tuple[str, str], list[dict[str, float]]], names: list[str]) -> None:
    metrics = ("CER", *(f"~{k}" for k in KINDS), "gCER", "recall", "TEDS", "s/page")
    print(f"{'dataset':<9} {'metric':<7} " + " ".join(f"{n:>9}" for n in names) + "   ratio/raw")
    for ds in ("receipts", "tables", "pages", "pdfs"):
        for metric in metrics:
            values = [_metric(stats.get((ds, n), []), metric) for n in names]
            if all(v is None for v in values):
                continue
            cols = " ".join(f"{'-' if v is None else f'{v:.4f}':>9}" for v in values)
            base = values[0]
            ratios = " ".join(
                f"{v / base:.2f}" if v is not None and base else "-" for v in values[1:]
            )
            n = len(stats.get((ds, names[0]), []))
            print(f"{ds + f' ({n})':<9} {metric:<7} {cols}   {ratios}")
    print("CER/gCER: edit distance / reference chars (gCER per group of overlapping boxes);")
    print("~kind: the CER's share from errors in spaces, full stops, other punctuation, or")
    print("letters and digits (difflib alignment, approximate).")
    print("recall: reference words found; TEDS: mean over crops (1 = perfect).")
    print(f"TEDS anchors: {TEDS_ANCHORS}; the shared crops are from PubTabNet's train split.")


def _metric(rows: list[dict[str, float]], metric: str) -> float | None:
    """The metric over the items that have it (None when none has)."""
    if metric in ("CER", "gCER") or metric.startswith("~"):
        dist = {"CER": "dist", "gCER": "gdist"}.get(metric, metric[1:])
        chars = "gchars" if metric == "gCER" else "chars"
        rows = [r for r in rows if dist in r]
        if not rows:
            return None
        return sum(r[dist] for r in rows) / max(sum(r[chars] for r in rows), 1)
    key = {"recall": "recall", "TEDS": "teds", "s/page": "secs"}[metric]
    rows = [r for r in rows if key in r]
    return sum(r[key] for r in rows) / len(rows) if rows else None


if __name__ == "__main__":
    raise SystemExit(main())
