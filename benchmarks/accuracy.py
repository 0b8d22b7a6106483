"""Accuracy and speed of the local OCR engines on ../shared/data, both engines side by side.

Measures, per dataset, the character error rate (edit distance / reference length on the page
text in reading order, whitespace normalised), word recall (share of reference words found,
as a multiset, words being runs of letters and digits; ``tokrec`` counts whitespace tokens)
and seconds per page. Receipts are compared case-insensitively; PDFs are rendered at 150 dpi
and OCR'd (the text layer is not used here).

Run: ``python benchmarks/accuracy.py [--data ../shared/data] [--engines rapidocr tesseract]``
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ocrframe.local import LocalEngine  # noqa: E402


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
    """Words as runs of letters and digits (the ISRI ``wordacc`` convention): punctuation,
    dot leaders and the spacing around colons are layout, not words."""
    return Counter(re.findall(r"[^\W_]+", text))


def word_recall(hyp: str, ref: str, split=words) -> float:
    ref_words, hyp_words = split(ref), split(hyp)
    total = sum(ref_words.values())
    return sum((ref_words & hyp_words).values()) / total if total else 1.0


def _tag(token: str) -> bool:
    return len(token) > 1 and token.startswith("<") and token.endswith(">")


def cases(data: Path):
    """Yield (dataset, path, reference text, lowercase?)."""
    for img in sorted((data / "receipts").glob("*.jpg")):
        with open(img.with_suffix(".csv"), newline="", encoding="utf-8") as fh:
            rows = [",".join(r[8:]) for r in csv.reader(fh) if len(r) > 8]
        yield "receipts", img, "\n".join(rows), True
    ann = data / "tables" / "annotations.jsonl"
    if ann.exists():
        for raw in ann.read_text(encoding="utf-8").splitlines():
            rec = json.loads(raw)
            cells = rec.get("html", {}).get("cells", rec.get("cells", []))
            ref = " ".join("".join(t for t in c.get("tokens", []) if not _tag(t)) for c in cells)
            yield "tables", data / "tables" / rec["filename"], ref, False
    for img in sorted((data / "pages").glob("*.tif")):
        yield "pages", img, img.with_suffix(".txt").read_text(encoding="utf-8"), False
    for pdf in sorted((data / "pdfs").glob("*.pdf")):
        gt = json.loads(pdf.with_name(pdf.stem + ".gt.json").read_text(encoding="utf-8"))
        yield "pdfs", pdf, "\n".join(line["text"] for line in gt["lines"]), False


def page_text(resp) -> str:
    return resp.raw["result"].get("markdown_result", "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--engines", nargs="+", default=["rapidocr", "tesseract"])
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no data folder at {args.data}", file=sys.stderr)
        return 1
    items = list(cases(args.data))
    stats: dict[tuple[str, str], list[tuple[int, int, float, float]]] = {}
    for name in args.engines:
        eng = LocalEngine(name)
        eng.call("general-text", items[0][1])  # load models outside the timings
        for ds, path, ref, lower in items:
            t0 = time.perf_counter()
            resp = eng.call("general-text", path, return_markdown_result=True, use_text_layer=False)
            secs = time.perf_counter() - t0
            hyp, ref_n = norm(page_text(resp)), norm(ref)
            if lower:
                hyp, ref_n = hyp.lower(), ref_n.lower()
            dist = edit_distance(hyp, ref_n)
            tokens = word_recall(hyp, ref_n, lambda t: Counter(t.split()))
            stats.setdefault((ds, name), []).append(
                (dist, len(ref_n), word_recall(hyp, ref_n), tokens, secs)
            )
    print(
        f"{'dataset':<9} {'n':>3} "
        + " ".join(
            f"{n + ' CER':>15} {'recall':>7} {'tokrec':>7} {'s/page':>7}" for n in args.engines
        )
    )
    for ds in ("receipts", "tables", "pages", "pdfs"):
        cols = []
        n = 0
        for name in args.engines:
            rows = stats.get((ds, name), [])
            if not rows:
                cols.append(f"{'-':>15} {'-':>7} {'-':>7} {'-':>7}")
                continue
            n = len(rows)
            cer = sum(r[0] for r in rows) / max(sum(r[1] for r in rows), 1)
            rec = sum(r[2] for r in rows) / n
            tok = sum(r[3] for r in rows) / n
            sec = sum(r[4] for r in rows) / n
            cols.append(f"{cer:>15.4f} {rec:>7.3f} {tok:>7.3f} {sec:>7.2f}")
        print(f"{ds:<9} {n:>3} " + " ".join(cols))
    print("CER: edit distance / reference chars; recall: reference words (letter/digit runs)")
    print("found; tokrec: same on whitespace tokens; s/page: mean seconds per image or page.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
