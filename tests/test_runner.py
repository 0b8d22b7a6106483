import hashlib
import threading
from collections import Counter

import pandas as pd
import pytest
from PIL import Image

from ocrframe.datasets.expand import expand_inputs
from ocrframe.datasets.limiter import Limiter
from ocrframe.datasets.runner import run
from ocrframe.errors import BadRequestError, InputError, ServerError, ThrottlingError
from ocrframe.response import Response


class FakeBackend:
    """Answers General Text from the input bytes; scripted failures per input digest."""

    def __init__(self, fail=None):
        self.calls = []
        self.fail = dict(fail or {})  # digest prefix -> list of exceptions to raise in turn
        self.lock = threading.Lock()

    def call(self, api, image=None, *, url=None, page=None, **params):
        data = url.encode() if url is not None else image
        digest = hashlib.sha256(data).hexdigest()[:12]
        with self.lock:
            self.calls.append((digest, page))
            queue = self.fail.get(digest)
            exc = queue.pop(0) if queue else None
        if exc is not None:
            raise exc
        words = [
            {
                "words": f"{digest}-{page}-{i}",
                "confidence": 0.9,
                "location": [[0, i], [9, i], [9, i + 1], [0, i + 1]],
            }
            for i in range(3)
        ]
        return Response({"result": {"words_block_list": words}}, api=api, status=200)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@pytest.fixture
def images(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    paths = []
    for i in range(12):
        p = folder / f"img{i:02d}.png"
        Image.new("RGB", (24, 12), (i * 20, 40, 90)).save(p)
        paths.append(p)
    return paths


def test_run_caches_and_resumes_without_calls(images, tmp_path):
    backend = FakeBackend()
    cache = tmp_path / "cache"
    batch = run(backend, "general_text", images, workers=4, cache=cache, progress=False)
    assert len(batch) == 12 and batch.errors.empty
    assert len(backend.calls) == 12
    words = batch.words()
    assert list(words.columns[:3]) == ["source", "api", "page"]
    assert words["source"].unique().tolist() == [str(p) for p in images]  # input order
    assert (words["api"] == "general-text").all() and len(words) == 36

    again = FakeBackend()
    batch2 = run(again, "general-text", images, workers=4, cache=cache, progress=False)
    assert again.calls == []
    pd.testing.assert_frame_equal(batch2.words(), words)
    # different params are a different cache key
    run(again, "general-text", images[:2], cache=cache, progress=False, quick_mode=True)
    assert len(again.calls) == 2


def test_kill_and_resume_repeats_no_finished_call(images, tmp_path):
    backend = FakeBackend()

    class Dying:
        def __init__(self):
            self.n = 0
            self.lock = threading.Lock()

        def call(self, *a, **kw):
            with self.lock:
                self.n += 1
                if self.n > 5:
                    raise KeyboardInterrupt
            return backend.call(*a, **kw)

    cache = tmp_path / "cache"
    with pytest.raises(KeyboardInterrupt):
        run(Dying(), "general-text", images, workers=2, cache=cache, progress=False)
    first = Counter(d for d, _ in backend.calls)
    assert 1 <= len(first) <= 5
    rest = FakeBackend()
    batch = run(rest, "general-text", images, workers=2, cache=cache, progress=False)
    second = Counter(d for d, _ in rest.calls)
    assert not (set(first) & set(second))  # nothing finished was asked again
    assert len(first) + len(second) == 12 and len(batch) == 12


def test_failures_become_rows_not_exceptions(images):
    bad, flaky, down = _digest(images[0]), _digest(images[1]), _digest(images[2])
    backend = FakeBackend(
        fail={
            bad: [BadRequestError("bad image", code="AIS.0103", status=400)],
            flaky: [ThrottlingError("slow down", code="ModelArts.4401", status=429)] * 2,
            down: [ServerError("down", code="ModelArts.4505", status=500)] * 10,
        }
    )
    batch = run(backend, "general-text", images, workers=3, retries=2, backoff=0, progress=False)
    assert len(batch) == 10
    errs = batch.errors.set_index("error_code")
    assert list(batch.errors.columns) == [
        "source",
        "page",
        "api",
        "error_code",
        "status",
        "message",
        "attempts",
        "category",
    ]
    assert errs.loc["AIS.0103", "attempts"] == 1  # permanent: not retried
    assert errs.loc["AIS.0103", "category"] == "bad_input"
    assert errs.loc["ModelArts.4505", "attempts"] == 3  # 1 + retries
    assert errs.loc["ModelArts.4505", "status"] == 500
    assert str(images[1]) in batch.sources  # throttled twice, then fine
    assert Counter(d for d, _ in backend.calls)[flaky] == 3


def test_error_body_response_is_a_failure(images):
    class ErrorBody:
        def call(self, api, image=None, **kw):
            return Response({"error_code": "AIS.0104", "error_msg": "bad"}, api=api)

    batch = run(ErrorBody(), "general-text", images[:2], progress=False)
    assert len(batch) == 0 and batch.errors["error_code"].tolist() == ["AIS.0104"] * 2


def test_corrupt_cache_file_is_reported_and_refetched(images, tmp_path):
    cache = tmp_path / "cache"
    backend = FakeBackend()
    first = run(backend, "general-text", images[:3], cache=cache, progress=False)
    victim = first.entries[1].path
    data = open(victim, "rb").read()
    open(victim, "wb").write(data[: len(data) - 40])
    again = FakeBackend()
    with pytest.warns(RuntimeWarning, match="corrupt cache file"):
        batch = run(again, "general-text", images[:3], cache=cache, progress=False)
    assert batch.repaired == [victim]
    assert [d for d, _ in again.calls] == [_digest(images[1])]
    pd.testing.assert_frame_equal(batch.words(), first.words())


def test_without_cache_keeps_responses_in_memory(images):
    batch = run(FakeBackend(), "general-text", images[:3], progress=False, rate=1000)
    assert [r.source for r in batch] == [str(p) for p in images[:3]]
    assert all(e.path is None for e in batch.entries)


def test_inputs_glob_folder_series_urls_bytes(images, tmp_path):
    folder = images[0].parent
    assert len(expand_inputs(str(folder / "*.png"))) == 12
    assert len(expand_inputs(folder)) == 12
    assert len(expand_inputs(pd.Series([str(p) for p in images[:3]]))) == 3
    assert len(expand_inputs(pd.DataFrame({"path": [str(images[0])]}))) == 1
    tasks = expand_inputs(
        ["http://127.0.0.1/a.png", images[0].read_bytes(), images[0], str(images[0])]
    )
    assert [t.url is not None for t in tasks] == [True, False, False]  # duplicate path once
    backend = FakeBackend()
    batch = run(backend, "general-text", ["http://127.0.0.1/a.png"], progress=False)
    assert batch.sources == ["http://127.0.0.1/a.png"]


def test_pdf_becomes_one_item_per_page(tmp_path):
    pdf = tmp_path / "doc.pdf"
    pages = [Image.new("RGB", (60, 40), c) for c in ("white", "gray", "black")]
    pages[0].save(pdf, save_all=True, append_images=pages[1:])
    backend = FakeBackend()
    batch = run(backend, "general-text", [pdf], cache=tmp_path / "c", progress=False)
    assert sorted(p for _, p in backend.calls) == [1, 2, 3]
    words = batch.words()
    assert words["page"].unique().tolist() == [1, 2, 3]
    assert len(batch[str(pdf)]) == 3  # several pages: a sub-batch


@pytest.mark.parametrize(
    "inputs, kw, match",
    [
        ([], {"workers": 0}, "workers"),
        ([], {"rate": -1}, "rate"),
        ("nope/*.png", {}, "matches no file"),
        ("missing.png", {}, "no file"),
        ([3.5], {}, "must be a path"),
        (pd.DataFrame({"a": [1], "b": [2]}), {}, "one column"),
    ],
)
def test_bad_options_fail_before_any_call(inputs, kw, match):
    backend = FakeBackend()
    with pytest.raises(InputError, match=match):
        run(backend, "general-text", inputs, progress=False, **kw)
    assert backend.calls == []


def test_unknown_api_and_backend():
    with pytest.raises(InputError, match="unknown OCR API"):
        run(FakeBackend(), "general-txet", [], progress=False)
    with pytest.raises(InputError, match="no call"):
        run(object(), "general-text", [], progress=False)


def test_limiter_aimd_and_retry_after():
    now = [0.0]
    slept = []
    lim = Limiter(8, rate=10, cooldown=0.5, clock=lambda: now[0], sleep=slept.append)
    lim.acquire()
    lim.release(throttled=True, retry_after=2.0)
    assert lim.limit == 4 and lim.rate == 5
    now[0] = 2.0  # Retry-After has passed
    lim.acquire()
    lim.release(throttled=True)  # 2 s later: cut again
    assert lim.limit == 2
    lim.acquire()
    lim.release(throttled=True)  # same burst: not cut again
    assert lim.limit == 2
    for _ in range(40):
        now[0] += 3
        lim.acquire()
        lim.release()
    assert lim.limit == 8 and lim.rate == 10
    # the token bucket spaces calls 1/rate apart
    slept.clear()
    lim.acquire()
    lim.acquire()
    assert len(slept) == 2 and abs(slept[1] - slept[0] - 0.1) < 1e-9
    lim.stop()
    assert lim.acquire() is False


# --- reliability against the emulator over loopback HTTP ----------------------------------------


def _pngs(folder, n):
    folder.mkdir()
    paths = []
    for i in range(n):
        p = folder / f"doc{i:03d}.png"
        Image.new("RGB", (40, 32), (i % 256, i // 256, 7)).save(p)
        paths.append(p)
    return paths


def test_faulty_service_kill_and_resume_no_repeat_no_loss(tmp_path):
    from ocrframe.cloud.client import Client
    from ocrframe.emulator import Emulator
    from ocrframe.emulator.faults import Faults

    paths = _pngs(tmp_path / "in", 500)
    sha = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    faults = Faults(
        rate_429=0.05,
        retry_after=0,
        rate_500=0.05,
        drop=0.03,
        truncate=0.03,
        max_concurrency=6,
        seed=7,
    )
    cache = tmp_path / "cache"
    with Emulator(faults=faults) as emu:
        client = Client(
            endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk, retries=0
        )

        class Killed:  # a crash mid-way: Ctrl-C after 150 calls
            def __init__(self):
                self.n = 0
                self.lock = threading.Lock()

            def call(self, *a, **kw):
                with self.lock:
                    self.n += 1
                    if self.n > 150:
                        raise KeyboardInterrupt
                return client.call(*a, **kw)

        with pytest.raises(KeyboardInterrupt):
            run(Killed(), "general-text", paths, workers=8, cache=cache, backoff=0, progress=False)
        first = list(emu.request_log)
        batch = run(
            client,
            "general-text",
            paths,
            workers=8,
            cache=cache,
            retries=8,
            backoff=0,
            progress=False,
        )
        second = emu.request_log[len(first) :]

    ok = lambda recs: [r.image_sha256 for r in recs if r.status == 200 and r.fault is None]  # noqa: E731
    done_first, done_second = ok(first), ok(second)
    assert 50 < len(done_first) <= 150
    # the faults really happened, in both runs
    kinds = Counter(r.fault for r in first + second if r.fault)
    assert {"429", "500", "drop", "truncate"} <= set(kinds), kinds
    # no finished item was requested again after the kill
    assert not set(done_first) & {r.image_sha256 for r in second}
    # every image was answered successfully exactly once over both runs: nothing paid twice
    counts = Counter(done_first + done_second)
    assert all(v == 1 for v in counts.values())
    # every input is in the batch or in errors with its cause, and only once
    got = batch.sources + batch.errors["source"].tolist()
    assert sorted(got) == sorted(sha)
    assert len(set(batch.sources)) == len(batch.sources)
    assert set(counts) == {sha[s] for s in batch.sources}
    assert batch.errors["message"].str.len().gt(0).all()
    words = batch.words()
    assert set(words["source"]) <= set(batch.sources)


def test_identical_inputs_are_called_once_and_each_keeps_its_source(images, tmp_path):
    import shutil

    copy = tmp_path / "copy-of-img00.png"
    shutil.copy(images[0], copy)
    bad_copy = tmp_path / "copy-of-img01.png"
    shutil.copy(images[1], bad_copy)
    backend = FakeBackend(
        fail={_digest(images[1]): [BadRequestError("bad image", code="AIS.0103", status=400)]}
    )
    inputs = [images[0], images[1], copy, bad_copy, images[2]]
    batch = run(backend, "general-text", inputs, workers=2, cache=tmp_path / "c", progress=False)
    assert Counter(d for d, _ in backend.calls) == {
        _digest(images[0]): 1,
        _digest(images[1]): 1,
        _digest(images[2]): 1,
    }
    assert batch.sources == [str(images[0]), str(copy), str(images[2])]
    words = batch.words()
    same = words[words["source"] == str(copy)]["text"].tolist()
    assert same == words[words["source"] == str(images[0])]["text"].tolist()
    assert sorted(batch.errors["source"]) == sorted([str(images[1]), str(bad_copy)])


# --- mistakes caught up front, errors that name the input (issue 15) ----------------------------


def test_mistyped_run_option_fails_once_before_any_call(images, emulator):
    from ocrframe.cloud.client import Client
    from ocrframe.local import LocalEngine

    client = Client(
        endpoint=emulator.url, project_id=emulator.project_id, ak=emulator.ak, sk=emulator.sk
    )
    with pytest.raises(InputError, match="no parameter 'quiet'.*detect_direction.*workers"):
        client.run("general-text", images, quiet=True, progress=False)
    with pytest.raises(InputError, match="must be boolean"):
        client.run("general-text", images, detect_direction="yes", progress=False)
    assert emulator.request_log == []
    engine = LocalEngine()
    with pytest.raises(InputError, match=r"unknown parameter\(s\) \['quiet'\].*workers"):
        engine.run("general-text", images, quiet=True, progress=False)
    with pytest.raises(InputError, match="LocalEngine answers .*general-text, web-image only"):
        engine.run("id-card", images, progress=False)


def test_a_non_image_file_is_named_and_no_object_repr_is_shown(tmp_path, emulator):
    from ocrframe.cloud.client import Client
    from ocrframe.local import LocalEngine

    notes = tmp_path / "notes.png"
    notes.write_bytes(b"this is a text file, not a picture\n" * 3)
    client = Client(
        endpoint=emulator.url, project_id=emulator.project_id, ak=emulator.ak, sk=emulator.sk
    )
    for batch in (
        client.run("general-text", [notes], progress=False),
        LocalEngine().run("general-text", [notes], progress=False),
    ):
        (message,) = batch.errors["message"]
        assert str(notes) in message and "not a recognised image format" in message
        assert "BytesIO" not in message and " at 0x" not in message
    with pytest.raises(InputError) as exc:
        LocalEngine().call("general-text", notes.read_bytes())
    assert "BytesIO" not in str(exc.value)


def test_a_cache_that_cannot_be_written_stops_the_run_before_any_call(images, tmp_path):
    from ocrframe.cloud.client import Client
    from ocrframe.emulator import Emulator

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    cache = blocked / "cache"  # its parent is a file: nothing can be created there
    with Emulator() as emu:
        client = Client(endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk)
        with pytest.raises(InputError, match="cannot write to the cache folder"):
            run(client, "general-text", images[:2], cache=cache, progress=False)
        assert list(emu.request_log) == []  # nothing sent, so nothing billed and lost


def test_a_read_only_cache_holding_every_answer_still_reads_back(images, tmp_path):
    cache = tmp_path / "cache"
    run(FakeBackend(), "general-text", images[:2], cache=cache, progress=False)
    again = FakeBackend()
    for folder in [cache, *cache.rglob("*")]:
        if folder.is_dir():
            folder.chmod(0o555)
    try:
        batch = run(again, "general-text", images[:2], cache=cache, progress=False)
    finally:
        for folder in [cache, *cache.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o755)
    assert again.calls == [] and len(batch) == 2
