"""The main job: real OCR of the bundled sample documents, flattened, audited, compared.

``ocrframe demo`` (or :func:`run_demo`) runs the embedded engine on every image in
``ocrframe/sample_data/images`` with no network and no cloud account, and writes::

    ocrframe-output/
      words.parquet, chars.parquet   one row per text line / character (README: vocabulary)
      responses/<image>.json         the raw responses, in the service's own shape
      audit.csv                      confidence summary per image (ocrframe.audit)
      threshold_sweep.csv            items / images sent to review at each threshold
      accuracy.csv                   CER, word recall, calibration per image vs ground truth
      overlays/<image>.png           polygons coloured by confidence over each image
      review/                        low-confidence lines: crops, review.csv, review.xlsx
      tables/<image>.xlsx            each table image as a spreadsheet (general-table, offline):
                                     merged cells for spans, doubtful cells highlighted
      cache/                         the run's response cache (a rerun makes no OCR call)

>>> result = run_demo("ocrframe-output")  # doctest: +SKIP
>>> result.accuracy[["image", "cer", "word_recall"]]  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from .arguments import check_flag, check_output, check_path, check_threshold
from .errors import InputError
from .files import safe_component
from .inputs.formats import IMAGE_SUFFIXES as _IMAGE_SUFFIXES
from .inputs.params import show_value
from .inputs.urls import source_name
from .samples import ground_truth

__all__ = [
    "run_demo", "DemoResult", "sample_images", "cer", "word_recall", "edit_distance",
    "write_overlays", "save_responses", "table_images", "write_tables",
]  # fmt: skip


@dataclass
class DemoResult:
    """What :func:`run_demo` produced: the frames, the tables and the files written."""

    out: Path
    words: pd.DataFrame
    chars: pd.DataFrame
    audit: pd.DataFrame
    sweep: pd.DataFrame
    accuracy: pd.DataFrame
    review: pd.DataFrame
    errors: pd.DataFrame
    seconds: float
    tables: list[pd.DataFrame] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    cached: int = 0  # images read from out/cache (OCR'd by an earlier run), not OCR'd now


def table_images(paths: Sequence[Path]) -> list[Path]:
    """The table images among ``paths`` (stem ``table`` or ``table-...``).

    >>> [p.name for p in table_images([Path("form.png"), Path("table.png")])]
    ['table.png']
    """
    return [p for p in paths if re.fullmatch(r"table([-_].*)?", p.stem)]


def sample_images() -> list[Path]:
    """The bundled sample document images (receipts, forms, tables, letters), sorted.

    >>> [p.name for p in sample_images()][:2]  # doctest: +SKIP
    ['form.png', 'letter-low-contrast.png']
    """
    from .samples import SAMPLE_DIR

    folder = SAMPLE_DIR / "images"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES)


# ---------------------------------------------------------------- accuracy measures


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute all cost 1), row-vectorised.

    >>> edit_distance("kitten", "sitting")
    3
    """
    if not a or not b:
        return max(len(a), len(b))
    bb = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    cols = np.arange(len(b) + 1)
    prev = cols.copy()
    for i, ch in enumerate(a.encode("utf-32-le").decode("utf-32-le"), start=1):
        cost = (bb != ord(ch)).astype(np.int64)
        t = np.empty_like(prev)
        t[0] = i
        t[1:] = np.minimum(prev[1:] + 1, prev[:-1] + cost)
        prev = np.minimum.accumulate(t - cols) + cols  # insertions: left neighbour + 1
    return int(prev[-1])


def _norm(s: str, ignore_case: bool) -> str:
    s = re.sub(r"\s+", " ", str(s)).strip()
    return s.casefold() if ignore_case else s


def word_recall(pred: Sequence[str], truth: Sequence[str], *, ignore_case: bool = True) -> float:
    """Share of ground-truth words (as a multiset) found among the predicted words.

    >>> word_recall(["TOTAL 9.50", "Cash"], ["Total 9.50", "Change 0.50"])
    0.5
    """
    want = Counter(w for t in truth for w in _norm(t, ignore_case).split())
    got = Counter(w for t in pred for w in _norm(t, ignore_case).split())
    total = sum(want.values())
    return float("nan") if total == 0 else sum((want & got).values()) / total


def _bbox(poly: np.ndarray) -> np.ndarray:
    return np.column_stack([poly[:, 0::2].min(1), poly[:, 1::2].min(1),
                            poly[:, 0::2].max(1), poly[:, 1::2].max(1)])  # fmt: skip


def cer(pred: pd.DataFrame, truth: pd.DataFrame, *, ignore_case: bool = False) -> float:
    """Character error rate of predicted lines against ground-truth lines of one image.

    Each predicted line is assigned to the ground-truth line its box overlaps most (share
    of the predicted box); the lines assigned to a truth line, left to right, form its
    reading. CER = (sum of edit distances + characters of unassigned predictions) /
    characters of the truth. Robust to lines split in two and to rotated pages.

    Both frames need ``text`` and polygon columns ``x1..y4``.

    >>> t = pd.DataFrame({"text": ["Hello world"], "x1": [0], "y1": [0], "x2": [100],
    ...     "y2": [0], "x3": [100], "y3": [10], "x4": [0], "y4": [10]})
    >>> p = pd.DataFrame({"text": ["Hello", "wor1d"], "x1": [0, 55], "y1": [0, 0],
    ...     "x2": [50, 100], "y2": [0, 0], "x3": [50, 100], "y3": [10, 10], "x4": [0, 55],
    ...     "y4": [10, 10]})
    >>> round(cer(p, t), 4)
    0.0909
    """
    cols = [f"{a}{i}" for i in range(1, 5) for a in "xy"]
    t_text = [_norm(s, ignore_case) for s in truth["text"].fillna("")]
    total = sum(len(s) for s in t_text)
    if total == 0:
        return float("nan")
    p_text = [_norm(s, ignore_case) for s in pred["text"].fillna("")]
    if len(pred) == 0:
        return 1.0
    pb = _bbox(pred[cols].to_numpy(dtype="float64"))
    tb = _bbox(truth[cols].to_numpy(dtype="float64"))
    ix = np.clip(np.minimum(pb[:, None, 2], tb[None, :, 2]) - np.maximum(pb[:, None, 0],
                 tb[None, :, 0]), 0, None)  # fmt: skip
    iy = np.clip(np.minimum(pb[:, None, 3], tb[None, :, 3]) - np.maximum(pb[:, None, 1],
                 tb[None, :, 1]), 0, None)  # fmt: skip
    area = np.maximum((pb[:, 2] - pb[:, 0]) * (pb[:, 3] - pb[:, 1]), 1e-9)
    share = np.nan_to_num(ix * iy / area[:, None])
    best = share.argmax(axis=1)
    assigned = share[np.arange(len(pb)), best] > 0.3
    errors = 0
    for j, truth_line in enumerate(t_text):
        mine = np.flatnonzero(assigned & (best == j))
        reading = " ".join(p_text[i] for i in mine[np.argsort(pb[mine, 0])])
        errors += edit_distance(reading, truth_line)
    errors += sum(len(p_text[i]) for i in np.flatnonzero(~assigned))
    return errors / total


# ---------------------------------------------------------------- the job


def run_demo(
    out: str | os.PathLike[str] = "ocrframe-output",
    *,
    engine: str = "rapidocr",
    images: Sequence[str | os.PathLike[str]] | None = None,
    threshold: float = 0.95,
    workers: int = 1,
    progress: bool = True,
    overlays: bool = True,
    stream: TextIO | None = None,
) -> DemoResult:
    """OCR the sample images with the embedded engine and write every result to ``out``.

    Parameters
    ----------
    out : path
        Output folder (created). Rerunning reuses ``out/cache``: no image is OCR'd twice.
    engine : {"rapidocr", "tesseract"}
        Embedded engine (``pip install "ocrframe[local]"``).
    images : list of paths, optional
        Images to use instead of the bundled samples; a ``<stem>.gt.json`` next to an image
        adds it to the accuracy table.
    threshold : float
        Confidence below which a line goes to the review queue. The embedded engine scores
        most lines 0.97-1.00, so the default 0.95 flags the doubtful few (on the samples: the
        noisy receipt's misread lines) where 0.9 would flag none.
    workers : int
        Concurrent OCR calls.
    progress : bool
        Show the progress bar.
    overlays : bool
        Draw ``overlays/<image>.png``.
    stream : file, optional
        Where the one-screen summary is printed (default stdout; None prints nothing only
        when ``progress`` is False too).

    Returns
    -------
    DemoResult
    """
    from .datasets.audit import audit, expected_calibration_error, threshold_sweep
    from .datasets.review import review_queue
    from .datasets.runner import run
    from .local import LocalEngine
    from .tables.safe_output import write_csv

    start = time.perf_counter()
    check_threshold(threshold)  # used after the OCR: checked before it
    check_flag("overlays", overlays)
    if images is not None and (isinstance(images, str | bytes) or not isinstance(images, Iterable)):
        raise InputError(f"images must be a list of image paths, got {show_value(images)}")
    paths = [check_path("images", p) for p in images] if images is not None else sample_images()
    if not paths:
        raise InputError(
            "no images: the bundled sample_data is missing from this install; pass images=[...]"
        )
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise InputError(f"image(s) not found: {', '.join(missing)}")
    out = check_output("out", out, folder=True)
    ocr = LocalEngine(engine)
    before = _cache_files(out / "cache")
    batch = run(ocr, "general-text", [str(p) for p in paths], workers=workers,
                cache=out / "cache", progress=progress, character_mode=True,
                detect_direction=True)  # fmt: skip
    cached = len(batch) - len(_cache_files(out / "cache") - before)
    if len(batch.errors):
        first = batch.errors.iloc[0]
        if len(batch) == 0:
            raise InputError(f"OCR failed on every image; first error: {first['message']}")
    files: list[Path] = []
    words, chars = batch.words(), batch.chars()
    files += [_parquet(words, out / "words.parquet"), _parquet(chars, out / "chars.parquet")]
    files += save_responses(batch, out / "responses")

    summary = audit(words, threshold=threshold, by="source")
    sweep = threshold_sweep(words)
    accuracy = _accuracy(words, paths, expected_calibration_error)
    for name, frame in (("audit.csv", summary), ("threshold_sweep.csv", sweep),
                        ("accuracy.csv", accuracy)):  # fmt: skip
        write_csv(frame, out / name)
        files.append(out / name)
    if overlays:
        files += write_overlays(words, out / "overlays", threshold)
    review = review_queue(words, threshold=threshold, out=out / "review")
    files.append(out / "review")
    grids, written = write_tables(ocr, table_images(paths), out, threshold=threshold)
    files += written
    result = DemoResult(out, words, chars, summary, sweep, accuracy, review, batch.errors,
                        time.perf_counter() - start, files=files, tables=grids,
                        cached=cached)  # fmt: skip
    if stream is not None or progress:
        print_summary(result, threshold, engine, stream or sys.stdout)
    return result


def _cache_files(folder: Path) -> set[Path]:
    return set(folder.rglob("*.json")) if folder.is_dir() else set()


def write_tables(
    engine: Any, paths: Sequence[Path], out: Path, *, threshold: float = 0.9
) -> tuple[list[pd.DataFrame], list[Path]]:
    """Read each table image with ``general-table`` and write ``out/tables/<stem>.xlsx``.

    Responses are cached in ``out/cache`` like the rest of the demo. Returns the tables (one
    DataFrame each, see :func:`ocrframe.tables`) and the files written.
    """
    from .datasets.runner import run
    from .tables.grid import tables
    from .tables.workbook import to_excel

    if not paths:
        return [], []
    batch = run(engine, "general-table", [str(p) for p in paths], cache=out / "cache",
                progress=False, return_excel=True, return_confidence=True,
                return_text_location=True)  # fmt: skip
    folder = out / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    grids, written = [], []
    stems = _stems(batch.sources)
    for resp in batch:
        grids += tables(resp)
        written.append(to_excel(resp, folder / f"{stems[resp.source]}.xlsx", threshold=threshold))
    return grids, written


def _parquet(df: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_parquet(path, index=False)
    return path


def _stems(sources: Sequence[Any]) -> dict[Any, str]:
    """A distinct file stem per source: ``scan``, then ``scan-2``, ``scan-3``... for other
    sources with the same stem (``a/scan.png``, ``b/scan.png``, ``scan.jpg``); a URL's stem is
    its object's (``https://b/scan.png?versionId=2.1&Signature=****`` is ``scan``).

    >>> _stems(["a/scan.png", "https://b.example/scan.jpg?v=2.1", "x/receipt.png"])
    {'a/scan.png': 'scan', 'https://b.example/scan.jpg?v=2.1': 'scan-2', 'x/receipt.png': 'receipt'}
    """
    out: dict[Any, str] = {}
    used: set[str] = set()
    for src in sorted(dict.fromkeys(sources), key=str):
        stem = base = safe_component(Path(source_name(str(src))).stem or str(src))
        n = 1
        while stem in used:
            n += 1
            stem = f"{base}-{n}"
        used.add(stem)
        out[src] = stem
    return out


def save_responses(batch: Any, folder: str | os.PathLike[str]) -> list[Path]:
    """Write each response of ``batch`` to ``<folder>/<stem>[.p<page>].json``.

    Sources sharing a stem (``a/scan.png`` and ``b/scan.png``) get ``scan.json`` and
    ``scan-2.json``, in the order of their sorted sources, so no response overwrites another.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if not hasattr(batch, "sources"):
        batch = list(batch)
    stems = _stems(batch.sources if hasattr(batch, "sources") else [r.source for r in batch])
    written = []
    for resp in batch:
        stem = stems[resp.source]
        name = f"{stem}.json" if resp.page is None else f"{stem}.p{resp.page}.json"
        resp.to_json(folder / name, indent=1)
        written.append(folder / name)
    return written


def _accuracy(words: pd.DataFrame, paths: list[Path], ece_fn: Any) -> pd.DataFrame:
    rows = []
    for path in paths:
        gt = path.with_name(path.stem + ".gt.json")
        mine = words[words["source"] == str(path)]
        row: dict[str, Any] = {"image": path.name, "lines": len(mine)}
        if gt.is_file():
            truth = ground_truth(path)
            case = not path.stem.startswith("receipt")  # receipts compare case-insensitively
            row["truth_lines"] = len(truth)
            row["cer"] = cer(mine, truth, ignore_case=not case)
            row["word_recall"] = word_recall(mine["text"].fillna(""), truth["text"],
                                             ignore_case=not case)  # fmt: skip
            row["ece"] = ece_fn(mine, truth, bins=10, ignore_case=not case, min_iou=0.3)
        rows.append(row)
    cols = ["image", "lines", "truth_lines", "cer", "word_recall", "ece"]
    return pd.DataFrame(rows).reindex(columns=cols)


def write_overlays(words: pd.DataFrame, folder: str | os.PathLike[str],
                   threshold: float = 0.9) -> list[Path]:  # fmt: skip
    """Draw ``<folder>/<image>.png`` (``<image>.p<page>.png`` for PDF pages) per source.

    Sources sharing a stem are told apart as in :func:`save_responses`. Sources must be
    readable paths (images, or PDFs rendered at 150 dpi); others are skipped.

    >>> write_overlays(batch.words(), "overlays")  # doctest: +SKIP
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from .inputs.pdf import is_pdf, render_page
    from .plots.charts import plot_polygons

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    keys = ["source", "page"] if "page" in words.columns else ["source"]
    stems = _stems(words["source"].dropna().unique().tolist())
    for key, part in words.groupby(keys, sort=True, dropna=False):
        source, page = (key[0], key[1]) if len(keys) == 2 else (key[0], None)
        if not os.path.isfile(str(source)):
            continue
        pdf = is_pdf(str(source))
        page = 1 if page is None or pd.isna(page) else int(page)
        image = render_page(str(source), page=page) if pdf else str(source)
        stem = stems[source] + (f".p{page}" if pdf else "")
        fig, ax = plt.subplots(figsize=(8, 8), dpi=110)
        try:
            plot_polygons(part, image=image, threshold=threshold, ax=ax)
            ax.set_title(f"{stem}: {len(part)} lines, red edge = below {threshold}")
            ax.set_axis_off()
            fig.savefig(folder / f"{stem}.png", bbox_inches="tight")
            written.append(folder / f"{stem}.png")
        finally:
            plt.close(fig)
    return written


def print_summary(result: DemoResult, threshold: float, engine: str, stream: TextIO) -> None:
    """The one-screen summary printed at the end of :func:`run_demo`."""
    w, acc = result.words, result.accuracy
    conf = pd.to_numeric(w["confidence"], errors="coerce")
    per = result.audit.set_index("source")
    fresh = len(acc) - result.cached
    if result.cached == 0:
        how = f"{len(acc)} images OCR'd with the embedded {engine} engine"
    elif fresh <= 0:
        how = (f"{len(acc)} images read from the cache {result.out / 'cache'} (OCR'd by an "
               "earlier run; delete that folder to OCR again)")  # fmt: skip
    else:
        how = (f"{fresh} images OCR'd with the embedded {engine} engine, {result.cached} read "
               f"from the cache {result.out / 'cache'}")  # fmt: skip
    lines = [
        "",
        f"ocrframe demo: {how} in {result.seconds:.1f} s (no network)",
        f"  {len(w)} text lines, {len(result.chars)} characters, mean confidence "
        f"{conf.mean():.3f}, {int((conf < threshold).sum())} lines below {threshold}",
        "",
        f"  {'image':<26}{'lines':>6}{'mean conf':>11}{'below':>7}{'CER':>8}{'recall':>8}",
    ]
    for _, row in acc.iterrows():
        src = next((s for s in per.index if Path(s).name == row["image"]), None)
        mean = per.loc[src, "mean"] if src is not None else float("nan")
        below = int(per.loc[src, "n_below"]) if src is not None else 0
        lines.append(f"  {row['image']:<26}{int(row['lines']):>6}{mean:>11.3f}{below:>7}"
                     f"{_fmt(row['cer']):>8}{_fmt(row['word_recall']):>8}")  # fmt: skip
    if acc["cer"].notna().any():
        lines.append(f"  {'mean':<26}{'':>6}{'':>11}{'':>7}{_fmt(acc['cer'].mean()):>8}"
                     f"{_fmt(acc['word_recall'].mean()):>8}")  # fmt: skip
    if len(result.errors):
        lines.append(f"  {len(result.errors)} image(s) failed: see errors in the result")
    for grid in result.tables:
        name = Path(str(grid.attrs.get("source", "table"))).stem
        lines += ["", f"  {name}: a table image read as a {grid.shape[0]} x {grid.shape[1]} "
                  f"spreadsheet, offline -> {result.out}/tables/{name}.xlsx"]  # fmt: skip
        lines += ["    " + ln for ln in grid.head(4).to_string(max_colwidth=18).splitlines()]
    lines += [
        "",
        f"  written to {result.out}/: words.parquet, chars.parquet, responses/, audit.csv, "
        "threshold_sweep.csv, accuracy.csv, overlays/, review/, tables/ "
        + _review_note(result, conf, threshold),
        "  next: ocrframe audit " + str(result.out / "cache") + "   |   "
        "ocrframe ocr general-text YOUR_IMAGES --out DIR",
        "",
    ]
    stream.write("\n".join(lines) + "\n")


def _review_note(result: DemoResult, conf: pd.Series, threshold: float) -> str:
    if len(result.review):
        return f"({len(result.review)} lines to check in review/review.xlsx)"
    if conf.notna().any():
        return (f"(empty: no line below {threshold}, the lowest is {conf.min():.3f}; pass a "
                "higher --threshold to review more)")  # fmt: skip
    return "(empty: no line has a confidence)"


def _fmt(v: Any) -> str:
    return "-" if v is None or pd.isna(v) else f"{v:.3f}"
