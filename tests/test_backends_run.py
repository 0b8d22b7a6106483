"""Client.run and LocalEngine.run, Retry-After on errors, and the emulator's tiny-image answer."""

from __future__ import annotations

import io

import pytest
from PIL import Image

import ocrframe
from ocrframe.emulator import Faults


def _png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), "white").save(buf, format="PNG")
    return buf.getvalue()


def test_client_run_resumes_from_its_cache(emulator, tmp_path):
    images = []
    for i in range(6):
        path = tmp_path / f"img{i}.png"
        path.write_bytes(_png(200 + i, 120))
        images.append(str(path))
    with ocrframe.Client(
        endpoint=emulator.url, project_id=emulator.project_id, ak=emulator.ak, sk=emulator.sk
    ) as client:
        first = client.run(
            "general-text", images, cache=tmp_path / "cache", workers=3, progress=False
        )
        calls = len(emulator.request_log)
        again = client.run("general-text", images, cache=tmp_path / "cache", progress=False)
    assert len(first) == len(again) == 6 and first.errors.empty
    assert calls == 6 and len(emulator.request_log) == calls  # nothing requested twice
    assert set(again.words()["source"]) == set(images)


def test_local_engine_run_gives_a_batch():
    pytest.importorskip("rapidocr")
    batch = ocrframe.LocalEngine().run(
        "general-text", [str(ocrframe.sample_path("receipt-cafe"))], progress=False
    )
    assert len(batch) == 1 and "CORNER CAFE" in batch.words()["text"].tolist()


def test_throttling_error_carries_retry_after(emulator, png_bytes):
    emulator.set_faults(Faults(rate_429=1.0, retry_after=7, seed=0))
    client = ocrframe.Client(
        endpoint=emulator.url,
        project_id=emulator.project_id,
        ak=emulator.ak,
        sk=emulator.sk,
        retries=ocrframe.RetryPolicy(total=0),
    )
    with pytest.raises(ocrframe.ThrottlingError) as info:
        client.general_text(png_bytes)
    assert info.value.retry_after == 7.0


def test_emulator_answers_a_tiny_image_within_the_documented_minimum(emulator):
    client = ocrframe.Client(
        endpoint=emulator.url,
        project_id=emulator.project_id,
        ak=emulator.ak,
        sk=emulator.sk,
        retries=0,
    )
    resp = client.general_text(_png(20, 16))  # the reference's minimum side is 15 px
    assert resp.status == 200
    words = resp.words()
    assert len(words) and words["x_max"].max() <= 19 and words["y_max"].max() <= 15


def test_another_engine_or_option_is_another_cached_answer(emulator, tmp_path):
    """A run's cache key said nothing of the engine: a LocalEngine run with other options (or the
    cloud after a local run) took the answers cached by the first one as its own."""
    pytest.importorskip("rapidocr")
    image = tmp_path / "page.png"
    image.write_bytes(_png(300, 120))
    cache = tmp_path / "cache"

    def files() -> int:
        return len(list(cache.rglob("*.json")))

    ocrframe.LocalEngine().run("general-text", [image], cache=cache, progress=False)
    ocrframe.LocalEngine(split_gap=None).run("general-text", [image], cache=cache, progress=False)
    assert files() == 2
    ocrframe.LocalEngine(split_gap=0.8).run("general-text", [image], cache=cache, progress=False)
    assert files() == 2  # the default, spelt out: the same engine, the same answer
    with ocrframe.Client(
        endpoint=emulator.url, project_id=emulator.project_id, ak=emulator.ak, sk=emulator.sk
    ) as client:
        client.run("general-text", [image], cache=cache, progress=False)
    assert files() == 3 and len([r for r in emulator.request_log if r.api]) == 1
