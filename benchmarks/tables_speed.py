"""Tables speed: cells -> grid, and grid -> .xlsx by ocrframe vs ``DataFrame.to_excel``.

A 2,000 x 20 table (40,000 cells) with a merged title row, some row-spanning cells and
5 % of the cells below the confidence threshold. Targets: grid under 0.2 s; ``to_excel`` with
merges, highlights and comments no slower than 1.5x pandas' ``to_excel(engine="openpyxl")`` of
the same grid.

Run: ``python benchmarks/tables_speed.py [--rows 2000] [--cols 20] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ocrframe.tables.grid import grid  # noqa: E402
from ocrframe.tables.workbook import to_excel  # noqa: E402


def make_cells(n_rows: int, n_cols: int, seed: int = 0) -> pd.DataFrame:
    """Cells of one table: row 0 is one merged title, every 50th row starts a 2-row group."""
    rng = np.random.default_rng(seed)
    rows, cols, rs, cs, text = [0], [0], [1], [n_cols], ["Quarterly summary"]
    for r in range(1, n_rows):
        for c in range(n_cols):
            if c == 0 and r % 50 == 2:
                continue  # covered by the group cell of the row above
            span = 2 if (c == 0 and r % 50 == 1 and r + 1 < n_rows) else 1
            rows.append(r)
            cols.append(c)
            rs.append(span)
            cs.append(1)
            text.append(f"{rng.integers(0, 10**6):,}.{r % 100:02d}" if c else f"G{r}")
    n = len(rows)
    return pd.DataFrame(
        {
            "page": np.ones(n, np.int64),
            "table": np.zeros(n, np.int64),
            "kind": "table",
            "cell": np.arange(n, dtype=np.int64),
            "row": np.array(rows, np.int64),
            "col": np.array(cols, np.int64),
            "row_span": np.array(rs, np.int64),
            "col_span": np.array(cs, np.int64),
            "text": pd.array(text, dtype="str"),
            "confidence": np.where(rng.random(n) < 0.05, 0.5, 0.97),
        }
    )


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--cols", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    cells = make_cells(args.rows, args.cols)
    g = grid(cells)
    print(f"table {args.rows} x {args.cols}: {len(cells):,} cells, best of {args.repeat}")
    for span in ("top_left", "fill"):
        t = best(lambda span=span: grid(cells, span=span), args.repeat)
        print(f"  cells -> grid (span={span!r}):  {t * 1000:8.1f} ms   target < 200 ms")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "pandas.xlsx"
        t_pd = best(lambda: g.to_excel(base, engine="openpyxl", index=False), args.repeat)
        print(f"  DataFrame.to_excel(openpyxl):     {t_pd * 1000:8.1f} ms   (baseline)")
        for mode in (None, "comment", "sheet"):
            out = Path(tmp) / f"ours_{mode}.xlsx"
            t = best(lambda o=out, m=mode: to_excel(cells, o, confidence=m), args.repeat)
            print(
                f"  ocrframe.to_excel(confidence={mode!r:9}): {t * 1000:8.1f} ms   "
                f"ratio {t / t_pd:.2f}x (target <= 1.5x)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
