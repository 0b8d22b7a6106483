"""Runs sharing a cache never pay twice for one input: claims (ocrframe/datasets/claims.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter

import pandas as pd
from PIL import Image

from ocrframe.cloud.client import Client
from ocrframe.datasets.cache import Cache
from ocrframe.datasets.claims import claim
from ocrframe.datasets.runner import run
from ocrframe.emulator import Emulator


def _images(folder, n):
    folder.mkdir()
    for i in range(n):
        Image.new("RGB", (48, 32), (i * 20, 40, 90)).save(folder / f"img{i:02d}.png")
    return folder


def test_two_runs_sharing_a_cache_send_each_input_once(tmp_path):
    """Two runs of the same 8 images at once, over real HTTP with 150 ms per answer: without
    claims both send all 8 (16 billed calls); with them each image is sent once and both runs
    return every image with the same frames."""
    scans = _images(tmp_path / "scans", 8)
    cache = tmp_path / "cache"
    with Emulator(latency=0.15) as emu:
        client = Client(endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk)
        batches = [None, None]

        def one(i):
            batches[i] = run(client, "general-text", scans, cache=cache, workers=2,
                             progress=False)  # fmt: skip

        threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sent = Counter(r.image_sha256 for r in emu.request_log if r.api == "general-text")
    assert len(sent) == 8 and set(sent.values()) == {1}
    assert all(len(b) == 8 and not len(b.errors) for b in batches)
    pd.testing.assert_frame_equal(batches[0].words(), batches[1].words())
    assert not list(cache.rglob(".*.claim"))  # every claim let go


def test_a_claim_left_by_a_run_that_died_is_taken_over(tmp_path):
    """A claim whose process has ended (same host) does not hold the item: the next run sends
    it at once."""
    cache = Cache(tmp_path / "cache")
    key = cache.key("general-text", {}, b"image")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    lock = cache.path(key, "general-text").with_name(f".{key}.claim")
    lock.parent.mkdir(parents=True)
    lock.write_text(json.dumps({"pid": int(dead.stdout), "host": os.uname().nodename}))
    start = time.monotonic()
    with claim(cache, key, "general-text") as done:
        assert done is None and json.loads(lock.read_text())["pid"] == os.getpid()
    assert time.monotonic() - start < 5 and not lock.exists()


def test_a_waiting_run_takes_the_answer_the_holder_stores(tmp_path):
    cache = Cache(tmp_path / "cache")
    key = cache.key("general-text", {}, b"image")
    got = []
    with claim(cache, key, "general-text") as done:
        assert done is None
        waiter = threading.Thread(
            target=lambda: got.append(claim(cache, key, "general-text", poll=0.01).__enter__())
        )
        waiter.start()
        time.sleep(0.2)
        assert waiter.is_alive() and not got  # waits while the holder calls
        cache.put(key, {"result": {"words_block_list": []}}, api="general-text")
    waiter.join(5)
    assert got == [cache.path(key, "general-text")]


def test_a_stopping_run_does_not_wait_for_another(tmp_path):
    cache = Cache(tmp_path / "cache")
    key = cache.key("general-text", {}, b"image")
    with claim(cache, key, "general-text"):
        with claim(cache, key, "general-text", stopped=lambda: True) as done:
            assert done is None


def test_claims_do_not_count_as_saved_responses(tmp_path):
    cache = Cache(tmp_path / "cache")
    key = cache.key("general-text", {}, b"image")
    with claim(cache, key, "general-text"):
        cache.put(key, {"result": {"words_block_list": [{"words": "a"}]}}, api="general-text")
        from ocrframe.datasets.batch import read_responses

        assert len(read_responses(tmp_path / "cache")) == 1
    assert Counter(p.suffix for p in (tmp_path / "cache").rglob("*") if p.is_file()) == {".json": 1}
