"""plot_polygons of 20,000 blocks beside a bare PolyCollection of the same polygons.

Both render with Agg into a memory buffer (figure creation + drawing + PNG encoding), in one
run, best of ``--repeat``. The bare baseline gets the vertex array ready-made and a confidence
array to colour by; plot_polygons starts from the words frame (polygon columns, NaN handling,
colours, threshold, colorbar). Target: ratio <= 2.

Run: ``python benchmarks/plot_speed.py [--n 20000] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402

from ocrframe.plots.charts import plot_polygons  # noqa: E402

W, H = 3000, 4000


def make_words(n: int, seed: int = 0) -> pd.DataFrame:
    """n rotated text boxes on a W x H page, as a words frame."""
    rng = np.random.default_rng(seed)
    cx, cy = rng.uniform(50, W - 50, n), rng.uniform(20, H - 20, n)
    w, h = rng.uniform(20, 90, n), rng.uniform(8, 20, n)
    a = rng.normal(0, 0.05, n)
    ux, uy, vx, vy = np.cos(a), np.sin(a), -np.sin(a), np.cos(a)
    cols = {}
    for i, (s, t) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1)), 1):
        cols[f"x{i}"] = cx + s * w / 2 * ux + t * h / 2 * vx
        cols[f"y{i}"] = cy + s * w / 2 * uy + t * h / 2 * vy
    frame = pd.DataFrame(cols)
    frame["text"] = "word"
    frame["confidence"] = rng.beta(8, 1.5, n)
    return frame


def to_png(fig) -> int:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.tell()


def bare(verts: np.ndarray, conf: np.ndarray) -> int:
    fig, ax = plt.subplots(figsize=(6, 8))
    coll = PolyCollection(verts, array=conf, cmap="viridis", alpha=0.35)
    ax.add_collection(coll, autolim=False)
    ax.set_xlim(0, W)
    ax.set_ylim(H, 0)
    ax.set_aspect("equal")
    return to_png(fig)


def ours(frame: pd.DataFrame) -> int:
    fig, ax = plt.subplots(figsize=(6, 8))
    plot_polygons(frame, ax=ax, threshold=0.5)
    return to_png(fig)


def best(func, *args, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    frame = make_words(args.n)
    verts = frame[[f"{a}{i}" for i in range(1, 5) for a in "xy"]].to_numpy().reshape(-1, 4, 2)
    conf = frame["confidence"].to_numpy()
    bare(verts, conf), ours(frame)  # warm-up: fonts, colormaps, imports
    t_bare = best(bare, verts, conf, repeat=args.repeat)
    t_ours = best(ours, frame, repeat=args.repeat)
    print(f"{args.n:,} polygons, Agg to PNG, best of {args.repeat}")
    print(f"  bare PolyCollection : {t_bare * 1000:7.1f} ms")
    print(f"  plot_polygons       : {t_ours * 1000:7.1f} ms")
    print(f"  ratio               : {t_ours / t_bare:7.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
