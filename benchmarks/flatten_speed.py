"""Flattening speed and memory, per shape, beside a naive loop and pyarrow's own JSON parse.

Datasets (one folder of saved responses per shape, generated once under benchmarks/_work/):
General Text (words), General Table (text location, characters), Smart Document Recognizer
(tables, forms, kv, layout, formulas), field APIs (VAT invoice, driving licence, ID card), Web
Image with fonts and Thailand plates; bodies holding null (VAT invoices one in ten of which
holds one, Peru's ID card, which writes its portrait null unless asked for it); and a mixed
folder of six APIs' bodies saved without their API (its floor parses each API's files as a
table of its own, as pyarrow cannot infer one table of them); Hong Kong ID cards (a confidence
for a portrait not returned); the shapes the general walk read file by file until 2026-12 and
the columnar readers take since (seals, bank receipts, health codes, financial statements,
exit-entry permits, and custom templates since 2026-12-03).
For each, in one process and interleaved round by round, the rounds in orders in which each
method runs right after each other one equally often (median of the rounds, wall clock): what
runs right after the naive loop pays for the heap it leaves (pyarrow's parse of 1,000 ID
cards: 32 ms, 52 ms right after it), so no method may always follow it.

- naive: ``json.load`` + ``pandas.json_normalize`` of the main record list + ``concat``;
- floor: pyarrow's JSON reader over the same bytes (newline-delimited), 1 thread and threaded;
  the files read as ocrframe reads them, through the system calls alone (read by
  ``Path.read_bytes``, 1,000 ID cards took 32.5 ms, 26.9 so: a slower read in the floor only
  flattered the ratios);
- ocrframe: ``read_responses(folder).flatten()`` (General Text: ``.words()`` too).

General Text and VAT invoice are measured again as users' files hold them: saved by
``Response.to_json`` (a header ending each file) and as a run's cache (a header with the body's
SHA-256, which reading checks).

Per response: ``words()`` of one 20,000-block response beside ``json_normalize`` of its block
list; the same with 6 characters per block (``words`` must not build the characters);
``plot_polygons`` of it beside a bare PolyCollection; ``flatten()`` of one large General Table,
Smart Document Recognizer and VAT response beside ``json_normalize`` of its record list. Memory:
peak of a dataset flatten against the final frames' deep size, fresh process per shape: all
that is alive at once (resident high-water mark, allocators that return freed memory), and the
sum of the Python heap's and Arrow pool's peaks taken apart (an upper bound: they need not
coincide). First call: one call in a fresh process, ours and the floor's (the medians leave
out what a session pays once). Import: ``import ocrframe`` over pandas.

Run: python benchmarks/flatten_speed.py [--files 300 --rounds 3 --shapes vat-invoice]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from rounds import interleaved

import ocrframe
from ocrframe.datasets.batch import read_responses
from ocrframe.datasets.cache import Cache
from ocrframe.files import read_bytes
from ocrframe.response import Response
from ocrframe.synth import synthesize

WORK = Path(__file__).parent / "_work" / "flatten_speed"
TABLE_FLAGS = {"return_text_location": True, "return_char_location": True,
               "return_confidence": True}  # fmt: skip
SDR_FLAGS = {"kv": True, "table": True, "form": True, "layout": True, "formula": True}


def general_text(rng: random.Random, blocks: int, chars: int = 0) -> dict:
    out = []
    for i in range(blocks):
        x, y, w = rng.randint(0, 2000), 20 * (i % 500), rng.randint(40, 600)
        block = {
            "words": " ".join(
                rng.choice(["TOTAL", "12.50", "ร้านค้า", "Cà phê", "Nº"])
                for _ in range(rng.randint(1, 6))
            ),  # fmt: skip
            "location": [[x, y], [x + w, y], [x + w, y + 18], [x, y + 18]],
            "confidence": round(rng.random() * 0.3 + 0.7, 4),
        }
        if chars:
            step = w // chars
            block["char_list"] = [
                {"char": "a", "char_confidence": 0.9,
                 "char_location": [[x + k * step, y], [x + (k + 1) * step, y],
                                   [x + (k + 1) * step, y + 18], [x + k * step, y + 18]]}
                for k in range(chars)
            ]  # fmt: skip
        out.append(block)
    return {"result": {"direction": -1, "words_block_count": blocks, "words_block_list": out}}


def vat_with_nulls(i: int) -> dict:
    body = synthesize("vat-invoice", seed=i)
    if i % 10 == 0:
        body["result"]["remarks"] = None
    return body


SHAPES: dict[str, Callable[[int], dict]] = {
    "general-text": lambda i: general_text(random.Random(i), 200),
    "general-table": lambda i: synthesize("general-table", seed=i, params=TABLE_FLAGS),
    "smart-document-recognizer": lambda i: synthesize(
        "smart-document-recognizer", seed=i, params=SDR_FLAGS
    ),
    "vat-invoice": lambda i: synthesize("vat-invoice", seed=i),
    # Two more field APIs: a driving licence (front/back objects, a list of values) and the
    # resident ID card (its alarm flags and scores send it the general way today).
    "driver-license": lambda i: synthesize("driver-license", seed=i),
    "id-card": lambda i: synthesize("id-card", seed=i),
    # Blocks with their fonts (the fonts frame), and a list of plates (the plates frame).
    "web-image": lambda i: synthesize("web-image", seed=i, params={"detect_font": True}),
    "thailand-license-plate": lambda i: synthesize("thailand-license-plate", seed=i),
    # General Text's shape, each block with its type (kept in other), saved without its API.
    "handwriting": lambda i: handwriting(random.Random(i), 200),
    # One VAT invoice in ten holds a null, and a folder of several APIs' bodies saved without
    # their API (each reader takes its own, every body screened for every reader's marker).
    "vat-invoice-nulls": vat_with_nulls,
    # Peru's ID card writes portrait_image and portrait_location null unless asked for them.
    "peru-id-card": lambda i: synthesize("peru-id-card", seed=i),
    "mixed": lambda i: SHAPES[MIXED[i % len(MIXED)]](i),
    # A confidence for a portrait not returned (an other row): read column-wise since 2026-12.
    "hk-id-card": lambda i: synthesize("hk-id-card", seed=i),
    # Shapes the general walk read file by file until 2026-12: seals (words inside each seal
    # of a list), bank receipts (key-value pairs in a list), health codes (fields beside text
    # blocks), financial statements (tables with cell polygons), custom templates (blocks
    # holding a key and a value, a template's name and id as text; until 2026-12-03).
    "seal": lambda i: synthesize("seal", seed=i),
    "bank-receipt": lambda i: synthesize("bank-receipt", seed=i),
    "health-code": lambda i: synthesize("health-code", seed=i),
    "financial-statement": lambda i: synthesize("financial-statement", seed=i),
    "custom-template": lambda i: synthesize("custom-template", seed=i),
    # Confidence maps giving nested objects text (its SDK model's): read column-wise since
    # 2026-12 (the general walk read them file by file).
    "exit-entry-permit": lambda i: synthesize("exit-entry-permit", seed=i),
}
MIXED = ("general-text", "general-table", "vat-invoice", "id-card", "driver-license",
         "thailand-license-plate")  # fmt: skip


def floor_groups(shape: str) -> int:
    """How many tables pyarrow's floor parses the shape's files as (see :func:`arrow_floor`)."""
    return len(MIXED) if shape == "mixed" else 1


def handwriting(rng: random.Random, blocks: int) -> dict:
    body = general_text(rng, blocks)
    for block in body["result"]["words_block_list"]:
        block["type"] = rng.choice(["handwriting", "print"])
    return body


def records(data: dict) -> list:
    """The main record list a naive user would json_normalize (told by the body's keys, as a
    user of a mixed folder would)."""
    result = data["result"]
    if isinstance(result, list):  # plates, Smart Document Recognizer
        return result
    for key in ("seal_list", "bank_receipt_list"):  # a list of objects, each one record
        if key in result:
            return result[key]
    if "words_region_list" in result:  # General Table
        return [b for r in result["words_region_list"] for b in r["words_block_list"]]
    if "words_block_list" in result:  # General Text, Web Image, Handwriting
        return result["words_block_list"]
    return [result]


LAYOUTS = ("plain", "to_json", "cache")  # how users' files hold a body (see generate)


def generate(shape: str, files: int, layout: str = "plain") -> list[Path]:
    """The dataset's files: plain bodies, bodies saved by ``Response.to_json`` (the
    ``_ocrframe`` header ending each file), or a run's cache (``Cache.put``: a header with the
    body's SHA-256, checked on reading)."""
    folder = WORK / (f"{shape}-{files}" if layout == "plain" else f"{shape}-{files}-{layout}")
    if layout == "cache":
        paths = sorted(folder.glob("**/*.json"))
        if len(paths) == files:
            return paths
        cache = Cache(folder)
        for i in range(files):
            key = cache.key(shape, {}, f"scan {i}".encode())
            cache.put(key, SHAPES[shape](i), api=shape, source=f"scans/{i:05d}.png")
        return sorted(folder.glob("**/*.json"))
    paths = [folder / f"r{i:05d}.json" for i in range(files)]
    if not all(p.exists() for p in paths):
        folder.mkdir(parents=True, exist_ok=True)
        for i, p in enumerate(paths):
            if layout == "to_json":
                Response(SHAPES[shape](i), api=shape, source=f"scans/{i:05d}.png").to_json(p)
            else:
                p.write_text(json.dumps(SHAPES[shape](i), ensure_ascii=False), encoding="utf-8")
    return paths


def naive(paths: list[Path]) -> int:
    frames = []
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            data = json.load(fh)
        f = pd.json_normalize(records(data))
        f["source"] = str(p)
        frames.append(f)
    return len(pd.concat(frames, ignore_index=True))


def arrow_floor(paths: list[Path], threads: bool, groups: int = 1) -> int:
    """pyarrow's parse of the files' bytes; ``groups`` > 1 for a mixed folder, whose shapes
    pyarrow cannot infer as one table: file i belongs to group i % groups, each parsed alone."""
    import pyarrow.json as pj

    rows = 0
    for k in range(groups):
        data = b"\n".join(read_bytes(p).replace(b"\n", b" ") for p in paths[k::groups])
        opts = pj.ReadOptions(use_threads=threads, block_size=max(1 << 20, len(data) // 8 + 1))
        rows += pj.read_json(io.BytesIO(data), read_options=opts).num_rows
    return rows


SAVED_SHAPES = ("general-text", "vat-invoice")  # measured in the other layouts too


def datasets(files: int, rounds: int, shapes: list[str], layouts: list[str]) -> None:
    print(f"\nDatasets: {files} files per shape, median of {rounds} interleaved rounds (s)")
    head = f"{'shape':<34}{'MB':>6}{'naive':>8}{'arrow1':>8}{'arrowT':>8}{'ours':>8}"
    print(head + f"{'vs naive':>10}{'/arrow1':>9}{'/arrowT':>9}")
    runs = [(shape, "plain") for shape in shapes if "plain" in layouts]
    runs += [(s, lay) for lay in layouts if lay != "plain" for s in shapes if s in SAVED_SHAPES]
    for shape, layout in runs:
        paths = generate(shape, files, layout)
        given = paths if layout != "cache" else paths[0].parents[1]  # a cache: its folder
        mb = sum(p.stat().st_size for p in paths) / 1e6
        groups = floor_groups(shape)
        methods = {
            "naive": lambda paths=paths: naive(paths),
            "arrow1": lambda paths=paths, g=groups: arrow_floor(paths, False, g),
            "arrowT": lambda paths=paths, g=groups: arrow_floor(paths, True, g),
            "ours": lambda given=given: read_responses(given).flatten(),
        }
        if shape == "general-text":
            methods["ours words"] = lambda given=given: read_responses(given).words()
        t = interleaved(methods, rounds)
        for label in [k for k in t if k.startswith("ours")]:
            name = shape if layout == "plain" else f"{shape}, {layout}"
            name += " (words)" if label != "ours" else ""
            print(
                f"{name:<34}{mb:6.1f}{t['naive']:8.3f}{t['arrow1']:8.3f}{t['arrowT']:8.3f}"
                f"{t[label]:8.3f}{t['naive'] / t[label]:9.2f}x{t[label] / t['arrow1']:8.2f}x"
                f"{t[label] / t['arrowT']:8.2f}x"
            )


def audits(files: int, rounds: int, shapes: list[str]) -> None:
    """``ocrframe.audit(folder)`` beside the frame it audits alone (``read_responses``, then
    ``fields()`` or ``words()``) and a pandas user's summary of that frame (``groupby(source)``
    of the confidence: count, mean, quantiles): what the audit adds to flattening."""
    import warnings

    import ocrframe
    from ocrframe.datasets.audit_inputs import default_frame

    print(f"\nAudits: {files} files per shape, median of {rounds} interleaved rounds (s)")
    print(f"{'shape':<34}{'frame':>8}{'+pandas':>9}{'audit':>8}{'audit/frame':>13}")
    for shape in shapes:
        folder = generate(shape, files)[0].parent
        name = default_frame(read_responses(folder))

        def pandas_summary(folder: Path = folder, name: str = name) -> object:
            conf = getattr(read_responses(folder), name)().groupby("source")["confidence"]
            return conf.agg(["count", "mean", "median", "min"]), conf.quantile([0.05, 0.25])

        methods = {
            "frame": lambda folder=folder, name=name: getattr(read_responses(folder), name)(),
            "pandas": pandas_summary,
            "audit": lambda folder=folder: ocrframe.audit(folder),
        }
        with warnings.catch_warnings():  # a shape without confidences says so
            warnings.simplefilter("ignore")
            t = interleaved(methods, rounds)
        print(f"{shape:<34}{t['frame']:8.3f}{t['pandas']:9.3f}{t['audit']:8.3f}"
              f"{t['audit'] / t['frame']:12.2f}x")  # fmt: skip


def first_calls(files: int, shapes: list[str], rounds: int) -> None:
    """The first call in a fresh process, which the medians above leave out: what a notebook
    pays once per session (each process imports pandas, pyarrow and ocrframe first; what the
    call itself loads, its allocator's first pages and any per-process memo are counted)."""
    print(
        f"\nFirst call in a fresh process ({files} files; median of {rounds} processes per "
        "method, s)"
    )
    for shape in shapes:
        generate(shape, files)
        got = {
            how: statistics.median(
                float(
                    subprocess.run(
                        [
                            sys.executable,
                            __file__,
                            "--first-of",
                            shape,
                            "--files",
                            str(files),
                            "--measure",
                            how,
                        ],
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                )  # fmt: skip
                for _ in range(rounds)
            )
            for how in ("arrow1", "ours")
        }
        print(f"  {shape:<27}arrow1 {got['arrow1']:7.3f}  ours {got['ours']:7.3f}  "
              f"/arrow1 {got['ours'] / got['arrow1']:5.2f}x")  # fmt: skip


def compiled() -> None:
    """Compile ocrframe's modules to bytecode, as installing a package does, so that fresh
    processes do not compile them from source (they would where ``PYTHONDONTWRITEBYTECODE``
    is set, as on CI machines: 20 ms of a field-API first call)."""
    import compileall

    compileall.compile_dir(Path(ocrframe.__file__).parent, quiet=1)


def first_of(shape: str, files: int, measure: str) -> None:
    """Print the seconds of one first call (``arrow1`` or ``ours``) over the dataset."""
    import pyarrow.json  # noqa: F401 (imported by users before they call it)

    paths = generate(shape, files)
    t = time.perf_counter()
    if measure == "arrow1":
        arrow_floor(paths, False, floor_groups(shape))
    else:
        read_responses(paths).flatten()
    print(time.perf_counter() - t)


def one_response(rounds: int) -> None:
    print(f"\nOne 20,000-block response (median of {rounds}, ms)")
    plain = general_text(random.Random(1), 20_000)
    chars = general_text(random.Random(2), 20_000, chars=6)
    blocks, char_blocks = plain["result"]["words_block_list"], chars["result"]["words_block_list"]
    t = interleaved(
        {
            "json_normalize(blocks)": lambda: pd.json_normalize(blocks),
            "ocrframe.words(body)": lambda: ocrframe.words(plain),
            "json_normalize(blocks with chars)": lambda: pd.json_normalize(char_blocks),
            "ocrframe.words(body with chars)": lambda: ocrframe.words(chars),
            "ocrframe.chars(body with chars)": lambda: ocrframe.chars(chars),
        },
        rounds,
    )
    for name, secs in t.items():
        print(f"  {name:<40}{secs * 1000:9.1f}")
    ratio = t["ocrframe.words(body)"] / t["json_normalize(blocks)"]
    print(f"  words / json_normalize: {ratio:.2f}x  (target <= 1x)")
    ratio = t["ocrframe.words(body with chars)"] / t["json_normalize(blocks with chars)"]
    print(f"  the same, characters present: {ratio:.2f}x")
    try:
        plot(chars, rounds)
    except ImportError as exc:
        print(f"  plot skipped: {exc}")


def plot(body: dict, rounds: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    frame = ocrframe.words(body)
    verts = frame[["x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4"]].to_numpy().reshape(-1, 4, 2)

    def bare() -> None:
        fig, ax = plt.subplots()
        ax.add_collection(PolyCollection(verts, array=frame["confidence"].to_numpy()))
        ax.autoscale_view()
        fig.canvas.draw()
        plt.close(fig)

    def ours() -> None:
        ax = ocrframe.plot_polygons(body)
        ax.figure.canvas.draw()
        plt.close(ax.figure)

    t = interleaved({"bare PolyCollection": bare, "plot_polygons(body)": ours}, rounds)
    ratio = t["plot_polygons(body)"] / t["bare PolyCollection"]
    print(f"  plot_polygons / bare PolyCollection (20,000 polygons, chars present, drawn): "
          f"{ratio:.2f}x  (target <= 2x)")  # fmt: skip


def one_response_shapes(rounds: int) -> None:
    """Per response, the other shapes: ocrframe.flatten(body) beside json_normalize of the
    record list a user would normalise (which leaves characters, pieces and boxes nested)."""
    print(
        f"\nOne large response per shape: flatten(body) vs json_normalize (median of {rounds}, ms)"
    )
    bodies = {
        "general-table": synthesize("general-table", seed=7, params=TABLE_FLAGS, n_blocks=2000),
        "smart-document-recognizer": synthesize(
            "smart-document-recognizer", seed=7, params=SDR_FLAGS, n_blocks=2000
        ),
        "vat-invoice": synthesize("vat-invoice", seed=7),
    }
    for shape, body in bodies.items():
        recs = records(body)
        t = interleaved(
            {
                "naive": lambda r=recs: pd.json_normalize(r),
                "ours": lambda b=body: ocrframe.flatten(b),
            },
            rounds,
        )
        rows = sum(len(f) for f in ocrframe.flatten(body).values())
        ratio = t["ours"] / t["naive"]
        print(f"  {shape:<27} naive {t['naive'] * 1000:8.1f}  ours {t['ours'] * 1000:8.1f}  "
              f"ours/naive {ratio:5.2f}x  ({rows} rows in all frames)")  # fmt: skip


# Allocators that hand freed memory back at once, so the resident high-water mark is the peak
# of what is alive (Arrow's default mimalloc pool and glibc keep freed pages for reuse).
RETURNING_ALLOCATORS = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_MMAP_THRESHOLD_": "65536",
                        "MALLOC_TRIM_THRESHOLD_": "65536"}  # fmt: skip


def memory(files: int, shapes: list[str]) -> None:
    print(
        "\nPeak memory of read_responses(folder).flatten() vs its frames' deep memory_usage"
        " (fresh process per\nshape and measure, after a warm-up of a file of each API). peak:"
        " everything alive at once (resident\nhigh-water mark, allocators that return freed"
        " memory); sum: Python heap peak (tracemalloc) + Arrow\npool peak, each at its own"
        " moment (an upper bound); pyarrow: the peak of pyarrow's parse of the same files\n"
        "(1 thread, resident), what the files cost the fastest reader before any frame"
    )
    env = {**os.environ, **RETURNING_ALLOCATORS}
    for shape in shapes:
        generate(shape, files)
        got, size = {}, 0.0
        for how in ("resident", "traced", "floor"):
            out = subprocess.run(
                [sys.executable, __file__, "--memory-of", shape, "--files", str(files),
                 "--measure", how],
                capture_output=True, text=True, check=True, env=env,
            )  # fmt: skip
            got[how], sized = (float(x) for x in out.stdout.split())
            size = size if how == "floor" else sized
        resident, traced, floor = got["resident"], got["traced"], got["floor"]
        peak = f"{resident / 1e6:6.1f} MB {resident / size:5.2f}x" if resident > 0 else "n/a"
        floor_peak = f"{floor / 1e6:6.1f} MB" if floor > 0 else "n/a"
        print(f"  {shape:<27}frames {size / 1e6:6.1f} MB  peak {peak:>15}  "
              f"sum {traced / 1e6:6.1f} MB {traced / size:5.2f}x  pyarrow {floor_peak}"
              "  (target <= 1.3x)")  # fmt: skip


def memory_of(shape: str, files: int, measure: str) -> None:
    """Print the peak of one dataset flatten (bytes, -1 when it cannot be read) and its frames'
    size. Run in a fresh process: neither peak can be reset. The warm-up (2 files, or one of
    each API of a mixed folder) first imports what flatten imports lazily (module code, not
    data): a mixed folder's warm-up of its first 2 files left 4 readers to load while measured."""
    import pyarrow as pa

    paths = generate(shape, files)
    read_responses(paths[: max(2, floor_groups(shape))]).flatten()
    pool = pa.default_memory_pool()
    if measure == "floor":  # pyarrow's parse alone (its module loaded by the warm-up)
        start = _resident(reset=True)
        arrow_floor(paths, False, floor_groups(shape))
        high = _resident("VmHWM")
        print(high - start if start >= 0 and high >= 0 else -1, 0)
        return
    if measure == "resident":
        start = _resident(reset=True)
        frames = read_responses(paths).flatten()
        high = _resident("VmHWM")
        peak = high - start if start >= 0 and high >= 0 else -1
    else:
        held = pool.bytes_allocated()  # pool.max_memory() may hold the warm-up's peak
        tracemalloc.start()
        frames = read_responses(paths).flatten()
        _, heap = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak = heap + pool.max_memory() - held
    size = sum(f.memory_usage(deep=True).sum() for f in frames.values())
    print(peak, size)


def _resident(field: str = "VmRSS", reset: bool = False) -> int:
    """This process's resident memory (``VmHWM``: its high-water mark) in bytes; ``reset``
    first sets the high-water mark to the current size. -1 where /proc cannot tell."""
    try:
        if reset:
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")
        with open("/proc/self/status") as fh:
            line = next(ln for ln in fh if ln.startswith(field + ":"))
    except (OSError, StopIteration):
        return -1
    return int(line.split()[1]) * 1024


def import_time(rounds: int) -> None:
    def run(code: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", f"import time; t=time.perf_counter(); {code}; "
             "print(time.perf_counter()-t)"],  # fmt: skip
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return float(out.stdout)

    pandas, both = [], []
    for _ in range(max(rounds, 5)):
        pandas.append(run("import pandas"))
        both.append(run("import pandas; import ocrframe"))
    extra = statistics.median(both) - statistics.median(pandas)
    print(f"\nimport ocrframe over import pandas: {extra * 1000:.0f} ms  (target <= 150 ms)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--skip", nargs="*", default=[],
                    choices=["datasets", "audit", "first", "one", "memory", "import"])  # fmt: skip
    ap.add_argument("--shapes", nargs="*", default=list(SHAPES), choices=list(SHAPES),
                    help="dataset shapes to measure (default: all)")  # fmt: skip
    ap.add_argument("--layouts", nargs="*", default=list(LAYOUTS), choices=list(LAYOUTS),
                    help="files as plain bodies, saved by Response.to_json, or a run's cache "
                    f"(the last two for {', '.join(SAVED_SHAPES)}; default: all)")  # fmt: skip
    ap.add_argument("--memory-of", choices=list(SHAPES), help=argparse.SUPPRESS)
    ap.add_argument("--first-of", choices=list(SHAPES), help=argparse.SUPPRESS)
    ap.add_argument("--measure", choices=["resident", "traced", "floor", "arrow1", "ours"],
                    help=argparse.SUPPRESS)  # fmt: skip
    args = ap.parse_args(argv)
    if args.memory_of:
        memory_of(args.memory_of, args.files, args.measure)
        return
    if args.first_of:
        first_of(args.first_of, args.files, args.measure)
        return
    if "datasets" not in args.skip:
        datasets(args.files, args.rounds, args.shapes, args.layouts)
    if "audit" not in args.skip:
        audits(args.files, args.rounds, args.shapes)
    if not {"first", "import"} <= set(args.skip):
        compiled()
    if "first" not in args.skip:
        first_calls(args.files, args.shapes, args.rounds)
    if "one" not in args.skip:
        one_response(args.rounds)
        one_response_shapes(args.rounds)
    if "memory" not in args.skip:
        memory(args.files, args.shapes)
    if "import" not in args.skip:
        import_time(args.rounds)


if __name__ == "__main__":
    main()
