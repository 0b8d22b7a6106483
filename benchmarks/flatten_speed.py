"""Flattening speed over a dataset (issue 2 benchmark).

Generates 2,000 General Text responses x 200 blocks under benchmarks/_work/ (once) and
flattens their words three ways: a naive json.load + pd.json_normalize + pd.concat loop, the
parse-only floor (json.loads of every file), and ocrframe.read_responses(paths).words().
Targets: ocrframe >= 3x faster than naive, <= 1.5x the parse floor; words() of one 2,000-block
response well under 50 ms.

Run: python benchmarks/flatten_speed.py [--files 2000 --blocks 200]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import pandas as pd

import ocrframe
from ocrframe.datasets.batch import read_responses

WORK = Path(__file__).parent / "_work" / "flatten_speed"


def body(rng: random.Random, blocks: int) -> dict:
    out = []
    for i in range(blocks):
        x, y = rng.randint(0, 2000), 20 * i
        w = rng.randint(40, 600)
        out.append(
            {
                "words": " ".join(
                    rng.choice(["TOTAL", "12.50", "ร้านค้า", "Cà phê", "Nº"])
                    for _ in range(rng.randint(1, 6))
                ),
                "location": [[x, y], [x + w, y], [x + w, y + 18], [x, y + 18]],
                "confidence": round(rng.random() * 0.3 + 0.7, 4),
            }
        )
    return {"result": {"direction": -1, "words_block_count": blocks, "words_block_list": out}}


def generate(files: int, blocks: int) -> list[Path]:
    folder = WORK / f"{files}x{blocks}"
    paths = [folder / f"resp{i:05d}.json" for i in range(files)]
    if all(p.exists() for p in paths):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(0)
    for p in paths:
        p.write_text(json.dumps(body(rng, blocks), ensure_ascii=False), encoding="utf-8")
    return paths


def naive(paths: list[Path]) -> pd.DataFrame:
    frames = []
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            data = json.load(fh)
        f = pd.json_normalize(data["result"]["words_block_list"])
        f["source"] = str(p)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def parse_floor(paths: list[Path]) -> int:
    n = 0
    for p in paths:
        n += len(json.loads(p.read_bytes())["result"]["words_block_list"])
    return n


def ours(paths: list[Path]) -> pd.DataFrame:
    return read_responses(paths).words()


def best(fn, *args, repeat: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t)
    return min(times), out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--blocks", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    paths = generate(args.files, args.blocks)
    size = sum(p.stat().st_size for p in paths) / 1e6
    print(f"{len(paths)} files x {args.blocks} blocks, {size:.1f} MB")
    t_naive, f_naive = best(naive, paths, repeat=args.repeat)
    t_floor, n = best(parse_floor, paths, repeat=args.repeat)
    t_ours, f_ours = best(ours, paths, repeat=args.repeat)
    assert len(f_ours) == len(f_naive) == n, (len(f_ours), len(f_naive), n)
    assert f_ours["source"].nunique() == len(paths)
    big = body(random.Random(1), 2000)
    t_one, f_one = best(ocrframe.words, big, repeat=5)
    assert len(f_one) == 2000
    print(f"{'method':<44}{'seconds':>9}")
    print(f"{'naive json.load + json_normalize + concat':<44}{t_naive:9.3f}")
    print(f"{'parse-only floor (json.loads)':<44}{t_floor:9.3f}")
    print(f"{'ocrframe.read_responses(paths).words()':<44}{t_ours:9.3f}")
    print(f"speed-up vs naive:   {t_naive / t_ours:5.2f}x   (target >= 3x)")
    print(f"ratio to parse floor: {t_ours / t_floor:5.2f}x   (target <= 1.5x)")
    print(f"words() of one 2,000-block response: {t_one * 1000:.1f} ms (target well under 50 ms)")


if __name__ == "__main__":
    main()
