"""Batch runs against the emulator (issue 7 benchmark): throughput, resume, memory.

1. Throughput with 200 ms latency per call at workers = 1, 4, 16, 32 (and one rate-limited run)
   beside the ideal min(workers / latency, rate); target >= 90 % of ideal at 16 workers. The
   emulator runs in its own process, as the service would: in-process, its threads would
   compete with the runner's for the GIL. Each run lasts about 3 s of ideal time.
2. Resume of a finished 2,000-item batch (everything cached): target under 5 s.
3. Peak RSS while streaming the word frames of many cached responses (default 100,000)
   with Batch.iter_frames, in a fresh process.

Run: python benchmarks/batch_speed.py [--resume-items 2000 --memory-items 100000]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from PIL import Image

from ocrframe.cloud.client import Client
from ocrframe.datasets.batch import read_responses
from ocrframe.datasets.cache import Cache
from ocrframe.datasets.runner import run
from ocrframe.emulator import Emulator

WORK = Path(__file__).parent / "_work" / "batch_speed"


def images(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"img{i:05d}.png" for i in range(n)]
    for i, p in enumerate(paths):
        if not p.exists():
            Image.new("RGB", (40, 32), (i % 256, (i // 256) % 256, 3)).save(p)
    return paths


@contextmanager
def emulator_process(latency: float) -> Iterator[SimpleNamespace]:
    """``python -m ocrframe.emulator`` on a free loopback port, stopped on exit."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [sys.executable, "-m", "ocrframe.emulator", "--port", str(port),
           "--latency", str(latency)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the emulator process did not start") from None
                time.sleep(0.1)
        yield SimpleNamespace(url=f"http://127.0.0.1:{port}", project_id=Emulator.project_id,
                              ak=Emulator.ak, sk=Emulator.sk)  # fmt: skip
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def client_for(emu: Emulator | SimpleNamespace) -> Client:
    return Client(endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk, retries=0)


def throughput(latency: float) -> None:
    print(f"\nThroughput, {latency * 1000:.0f} ms latency per call")
    print("ideal = min(workers / latency, rate); 'call' = one call's own time at workers=1, and")
    print("'% of call' compares with min(workers / call, rate): the runner's own overhead.")
    print(
        f"{'workers':>8}{'rate':>7}{'items':>7}{'seconds':>9}{'req/s':>8}{'ideal':>8}{'%':>6}"
        f"{'% of call':>11}"
    )
    pool = images(WORK / "tput", 480)
    with emulator_process(latency) as emu:
        client = client_for(emu)
        run(client, "general-text", pool[:4], workers=4, progress=False)  # warm-up
        t = time.perf_counter()
        for p in pool[:5]:
            client.call("general-text", p)
        call = (time.perf_counter() - t) / 5
        for workers, rate in ((1, None), (4, None), (16, None), (32, None), (32, 50.0)):
            ideal = workers / latency if rate is None else min(workers / latency, rate)
            n = min(len(pool), max(8, int(ideal * 3.0)))
            t = time.perf_counter()
            batch = run(
                client, "general-text", pool[:n], workers=workers, rate=rate, progress=False
            )
            dt = time.perf_counter() - t
            assert len(batch) == n and batch.errors.empty, batch.errors
            got = n / dt
            real = workers / call if rate is None else min(workers / call, rate)
            print(
                f"{workers:>8}{rate or '-':>7}{n:>7}{dt:>9.2f}{got:>8.1f}{ideal:>8.1f}"
                f"{100 * got / ideal:>6.0f}{100 * got / real:>11.0f}"
            )

    print(f"one call alone: {call * 1000:.0f} ms")


def resume(n: int) -> None:
    pool = images(WORK / "resume", n)
    cache = WORK / "resume-cache"
    shutil.rmtree(cache, ignore_errors=True)
    with Emulator() as emu:
        client = client_for(emu)
        t = time.perf_counter()
        first = run(client, "general-text", pool, workers=16, cache=cache, progress=False)
        fill = time.perf_counter() - t
        calls = len(emu.request_log)
        t = time.perf_counter()
        again = run(client, "general-text", pool, workers=16, cache=cache, progress=False)
        dt = time.perf_counter() - t
        repeated = len(emu.request_log) - calls
    assert len(first) == len(again) == n
    print(
        f"\nResume of a finished {n}-item batch: {dt:.2f} s (target < 5 s), "
        f"{repeated} repeated calls; first run {fill:.1f} s"
    )


def memory_child(n: int) -> None:
    folder = WORK / f"mem-{n}"
    c = Cache(folder)
    rng = random.Random(0)
    if not (folder / "done").exists():
        for i in range(n):
            blocks = [
                {
                    "words": f"line {j}",
                    "confidence": round(rng.random(), 3),
                    "location": [[0, j], [50, j], [50, j + 9], [0, j + 9]],
                }
                for j in range(20)
            ]
            key = c.key("general-text", {}, str(i).encode())
            c.put(
                key,
                {"result": {"direction": -1, "words_block_list": blocks}},
                api="general-text",
                source=f"doc{i:06d}.png",
            )
        (folder / "done").write_text("ok")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    batch = read_responses(folder)
    rows = 0
    low = 0
    for frame in batch.iter_frames("words", chunk=2000):
        rows += len(frame)
        low += int((frame["confidence"] < 0.5).sum())
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = sum(p.stat().st_size for p in folder.rglob("*.json")) / 1e6
    print(
        f"\nStreaming words of {len(batch)} cached responses ({size:.0f} MB on disk): "
        f"{rows} rows, {low} below 0.5, {dt:.1f} s; peak RSS {peak:.0f} MB "
        f"(baseline {base:.0f} MB)"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--latency", type=float, default=0.2)
    ap.add_argument("--resume-items", type=int, default=2000)
    ap.add_argument("--memory-items", type=int, default=100_000)
    ap.add_argument("--memory-child", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child)
        return
    throughput(args.latency)
    resume(args.resume_items)
    if args.memory_items:
        subprocess.run(
            [sys.executable, __file__, "--memory-child", str(args.memory_items)], check=True
        )


if __name__ == "__main__":
    main()
