import hashlib
import threading
import time

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from ocrframe.dask import (  # noqa: E402
    GlobalRateLimiter,
    audit_dask,
    read_responses_dask,
    run_dask,
)
from ocrframe.datasets.audit import audit  # noqa: E402
from ocrframe.datasets.batch import read_responses  # noqa: E402
from ocrframe.datasets.runner import run  # noqa: E402
from ocrframe.errors import InputError  # noqa: E402
from ocrframe.response import Response  # noqa: E402

CALLS: list[tuple[str, float]] = []
_LOCK = threading.Lock()


class FakeEngine:
    """Deterministic general-text answers derived from the input bytes; logs every call."""

    def call(self, api, image=None, *, url=None, page=None, **params):
        data = image if image is not None else url.encode()
        digest = hashlib.sha256(data).hexdigest()
        with _LOCK:
            CALLS.append((digest, time.time()))
        if data.startswith(b"BAD"):
            return Response({"error_code": "AIS.0103", "error_msg": "bad image"}, api=api,
                            status=400)  # fmt: skip
        n = 1 + int(digest[:2], 16) % 4
        blocks = [
            {
                "words": f"w{digest[i]}{i}" if i % 3 else "",
                "confidence": round(int(digest[i * 2 : i * 2 + 2], 16) / 255, 4),
                "location": [[i, 0], [i + 10, 0], [i + 10, 5], [i, 5]],
            }
            for i in range(n)
        ]
        return Response({"result": {"words_block_list": blocks}}, api=api)


def make_engine():
    return FakeEngine()


@pytest.fixture(scope="module")
def dask_client():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:  # fmt: skip
        yield client


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(12):
        (folder / f"img{i:02d}.png").write_bytes(b"IMG" + bytes([i]) * (i + 1))
    (folder / "broken.png").write_bytes(b"BAD")
    return folder


def test_run_dask_matches_runner_and_resumes(dask_client, inputs, tmp_path):
    CALLS.clear()
    cache = tmp_path / "cache"
    batch = run_dask(make_engine, "general-text", inputs, client=dask_client, cache=cache,
                     partitions=4, progress=False, retries=0)  # fmt: skip
    assert len(batch) == 12 and len(CALLS) == 13
    assert batch.errors["source"].str.endswith("broken.png").tolist() == [True]
    assert batch.errors["error_code"].tolist() == ["AIS.0103"]
    # the runner sees the same cache: nothing is called again
    CALLS.clear()
    again = run(FakeEngine(), "general-text", inputs, cache=cache, progress=False, retries=0)
    assert len(again) == 12 and len(CALLS) == 1  # only the failed item is retried
    CALLS.clear()
    run_dask(make_engine, "general-text", inputs, client=dask_client, cache=cache,
             progress=False, retries=0)  # fmt: skip
    assert len(CALLS) == 1
    pd.testing.assert_frame_equal(batch.words(), again.words())


def test_identical_inputs_are_sent_once_across_partitions(dask_client, tmp_path):
    """Eight files, two contents: as with run(), each content is billed once (the copies fell
    in other partitions, which called them again) and every file keeps its own source."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(8):
        (folder / f"img{i}.png").write_bytes(b"IMG" + bytes([i % 2]) * 5)
    CALLS.clear()
    batch = run_dask(make_engine, "general-text", folder, client=dask_client,
                     cache=tmp_path / "c", partitions=4, progress=False, retries=0)  # fmt: skip
    assert len(CALLS) == 2 and len(batch) == 8
    assert batch.sources == [str(folder / f"img{i}.png") for i in range(8)]
    CALLS.clear()
    plain = run(FakeEngine(), "general-text", folder, progress=False, retries=0)
    assert len(CALLS) == 2
    pd.testing.assert_frame_equal(batch.words(), plain.words())


def test_global_rate_limit_spaces_calls(dask_client, inputs, tmp_path):
    CALLS.clear()
    run_dask(make_engine, "general-text", inputs, client=dask_client, cache=tmp_path / "c",
             rate=20, partitions=6, progress=False, retries=0)  # fmt: skip
    times = np.sort([t for _, t in CALLS])
    assert len(times) == 13
    # 13 calls at 20/s over 2 workers: slots are 50 ms apart, so the span is >= 12 * 50 ms
    assert times[-1] - times[0] >= 12 * 0.05 * 0.9


def test_global_rate_limiter_pickles_by_name():
    import pickle

    lim = GlobalRateLimiter(5, name="x")
    back = pickle.loads(pickle.dumps(lim))
    assert (back.rate, back.name) == (5.0, "x")
    with pytest.raises(InputError):
        GlobalRateLimiter(0)


def test_read_responses_dask_equals_pandas(dask_client, inputs, tmp_path):
    cache = tmp_path / "cache"
    run(FakeEngine(), "general-text", inputs, cache=cache, progress=False, retries=0)
    want = read_responses(cache).words()
    want.insert(2, "vendor", pd.array(["huawei"] * len(want), dtype="str"))
    ddf = read_responses_dask(cache, frame="words", files_per_partition=5)
    assert ddf.npartitions == 3
    assert list(ddf.columns) == list(want.columns)
    got = ddf.compute().reset_index(drop=True)
    key = ["source", "block"]
    pd.testing.assert_frame_equal(
        got.sort_values(key).reset_index(drop=True), want.sort_values(key).reset_index(drop=True)
    )
    for by in (None, "api"):
        exact = ["n", "n_scored", "n_below", "n_empty", "share_below", "mean"]
        pd.testing.assert_frame_equal(audit_dask(ddf, by=by)[exact], audit(want, by=by)[exact])


def test_bad_arguments(tmp_path):
    with pytest.raises(InputError, match="no saved response"):
        read_responses_dask(tmp_path / "nothing-here")
    with pytest.raises(InputError, match="backend_factory"):
        run_dask(None, "general-text", tmp_path, cache=tmp_path)
    with pytest.raises(InputError, match="partitions"):
        run_dask(make_engine, "general-text", tmp_path, cache=tmp_path, partitions=0)


def test_unknown_frame_is_an_input_error(tmp_path):
    (tmp_path / "r.json").write_text('{"result": {"words_block_list": []}}')
    for bad in ("wrods", "errors", "entries"):  # not frames, though Batch has such attributes
        with pytest.raises(InputError, match="unknown frame"):
            read_responses_dask(tmp_path, frame=bad)


_EMULATOR: list = []  # the emulator the factory below connects to (workers are threads here)


def emulator_client():
    from ocrframe.cloud.client import Client

    emu = _EMULATOR[0]
    return Client(endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk)


def test_presigned_urls_signed_again_are_not_sent_again(dask_client, tmp_path):
    """Over real HTTP from the workers: the same three objects, presigned twice, are sent
    three times (the cache key is the URL's identity), with their full URLs; each run names
    them by its own labels (no signature)."""
    from ocrframe.emulator import Emulator
    from ocrframe.inputs.urls import url_label

    def signed(n):
        return [f"https://b.obs.cn-north-4.myhuaweicloud.com/p{i}.jpg?AccessKeyId=AKDASKTEST"
                f"&Expires={1700000000 + n}&Signature=S{n}{i}%2B" for i in range(3)]  # fmt: skip

    with Emulator() as emu:
        _EMULATOR[:] = [emu]
        batches = [run_dask(emulator_client, "general-text", signed(n), client=dask_client,
                            cache=tmp_path / "c", progress=False) for n in (1, 2)]  # fmt: skip
        sent = [r for r in emu.request_log if r.api == "general-text"]
    _EMULATOR.clear()
    assert len(sent) == 3  # was 6
    assert sorted(r.url_sha256 for r in sent) == sorted(
        hashlib.sha256(u.encode()).hexdigest() for u in signed(1)
    )
    assert [b.sources for b in batches] == [[url_label(u) for u in signed(n)] for n in (1, 2)]
    assert "S1" not in str(batches[0].sources) and not len(batches[1].errors)


def test_read_responses_dask_partitions_share_meta_when_engines_are_mixed(tmp_path, paddle):
    """The meta had no ``vendor`` while a partition holding another engine's file had one:
    ``ddf["vendor"]`` raised, and Huawei-only partitions came back with NaN there."""
    import json

    from ocrframe.synth import synthesize

    bodies = [synthesize("general-text", seed=i) for i in range(2)] + [paddle]
    for i, body in enumerate(bodies):
        (tmp_path / f"r{i}.json").write_text(json.dumps(body))
    ddf = read_responses_dask(tmp_path, frame="words", files_per_partition=2)
    got = ddf.compute()
    assert list(ddf.columns) == list(got.columns)
    counts = ddf["vendor"].value_counts().compute()
    assert counts.to_dict() == read_responses(tmp_path).words()["vendor"].value_counts().to_dict()
    assert got["vendor"].notna().all()


def test_read_responses_dask_refuses_the_document_frame_before_reading(tmp_path):
    """Its meta had 4 columns and a computed partition 21 (a column per key of the files):
    ``ddf["direction"]`` raised on a column the data has."""
    with pytest.raises(InputError, match=r"document.*read_responses\(where\)\.document\(\)"):
        read_responses_dask(tmp_path / "nothing-read", frame="document")
