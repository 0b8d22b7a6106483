"""A multi-page TIFF (what document scanners and fax machines write) is read page by page, like
a PDF: ``page=`` picks one page, ``run`` makes one item per page with ``page`` set, and a call
without ``page=`` reads page 1 and warns, so no page is dropped silently."""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageDraw, ImageFont

import ocrframe
from ocrframe.datasets.expand import expand_inputs, task_key
from ocrframe.datasets.review import review_queue
from ocrframe.errors import InputError
from ocrframe.inputs.check import MAX_FRAMES, image_problems, probe
from ocrframe.inputs.images import prepare
from ocrframe.inputs.load import encode_pil

WORDS = ("INVOICE ALPHA 1234", "TOTAL BRAVO 5678", "SIGNED CHARLIE 90")
# Each page has its own paper colour, so a crop or a decoded page says which page it came from.
PAPER = ((255, 255, 255), (205, 225, 255), (255, 230, 200))


def _pages() -> list[Image.Image]:
    import matplotlib

    font_path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    font = ImageFont.truetype(str(font_path), 48)
    pages = []
    for text, paper in zip(WORDS, PAPER, strict=True):
        page = Image.new("RGB", (760, 140), paper)
        ImageDraw.Draw(page).text((30, 40), text, fill="black", font=font)
        pages.append(page)
    return pages


def _tiff(pages: list[Image.Image]) -> bytes:
    pages = [p.copy() for p in pages]  # Pillow keeps a save's options on the image saved
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")
    return buf.getvalue()


@pytest.fixture(scope="module")
def pages() -> list[Image.Image]:
    return _pages()


@pytest.fixture(scope="module")
def engine_or_none():
    """The local engine when its extra is installed (its input checks need no OCR model)."""
    try:
        import rapidocr  # noqa: F401
    except ImportError:
        return None
    return ocrframe.LocalEngine()


@pytest.fixture
def three(tmp_path, pages) -> Path:
    path = tmp_path / "three.tif"
    path.write_bytes(_tiff(pages))
    return path


def _sent(prepared) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(prepared.body["image"])))


def _chained(page: Image.Image, n: int) -> bytes:
    """A TIFF of ``n`` copies of one page: the page's header (IFD) repeated, each linking to the
    next and all pointing at the same pixels (Pillow takes seconds to write 2,000 pages)."""
    data = bytearray(_tiff([page]))
    first = struct.unpack("<I", data[4:8])[0]
    n_tags = struct.unpack("<H", data[first : first + 2])[0]
    ifd = bytes(data[first : first + 2 + 12 * n_tags])
    link = first + 2 + 12 * n_tags
    for _ in range(n - 1):
        data[link : link + 4] = struct.pack("<I", len(data))
        data += ifd
        link = len(data)
        data += b"\0\0\0\0"
    return bytes(data)


def _broken_second_page(pages: list[Image.Image]) -> bytes:
    """A two-page TIFF whose link to page 2 points past the end of the file."""
    data = bytearray(_tiff(pages[:2]))
    first = struct.unpack("<I", data[4:8])[0]
    n_tags = struct.unpack("<H", data[first : first + 2])[0]
    link = first + 2 + 12 * n_tags
    data[link : link + 4] = struct.pack("<I", len(data) + 1000)
    return bytes(data)


# --- the client's input preparation ------------------------------------------------------------


def test_page_selects_a_frame_sent_as_a_single_page_png(three, pages):
    prepared = prepare("general-text", three, page=2)
    assert prepared.page == 2
    assert prepared.notes == ["frame 2 of 3 of the TIFF, sent as a single-page PNG"]
    with _sent(prepared) as sent:
        assert sent.format == "PNG" and getattr(sent, "n_frames", 1) == 1
        assert np.array_equal(np.asarray(sent.convert("RGB")), np.asarray(pages[1]))


def test_out_of_range_and_single_page_errors_say_what_to_do(three, pages, tmp_path):
    with pytest.raises(InputError, match=r"page must be an integer from 1 to 3 \(1-based\) for "):
        prepare("general-text", three, page=4)
    with pytest.raises(InputError, match="page=1 and pdf_page_number=2 disagree"):
        prepare("general-text", three, page=1, pdf_page_number=2)
    by_param = prepare("general-text", three, pdf_page_number=3)  # as LocalEngine reads it
    assert by_param.page == 3 and "pdf_page_number" not in by_param.body
    single = tmp_path / "one.tif"
    pages[0].copy().save(single, "TIFF")
    with pytest.raises(InputError, match="only for PDFs and multi-page images.*single-page TIFF"):
        prepare("general-text", single, page=2)


def test_a_call_without_page_reads_page_1_and_warns(three, pages):
    with pytest.warns(UserWarning, match=r"'.*three.tif' has 3 pages.*page=.*run\(\)"):
        prepared = prepare("general-text", three)
    assert prepared.page == 1
    with _sent(prepared) as sent:
        assert np.array_equal(np.asarray(sent.convert("RGB")), np.asarray(pages[0]))


def test_frames_are_counted_from_headers_and_a_flood_of_pages_is_refused():
    page = Image.new("L", (20, 20), 128)
    assert probe(_chained(page, MAX_FRAMES)).frames == MAX_FRAMES
    flood = _chained(page, 3 * MAX_FRAMES)
    facts = probe(flood)
    assert facts.frames == MAX_FRAMES + 1  # the walk stops there: no more headers are read
    [problem] = image_problems(ocrframe.get_api("general-text"), facts, "fax.tif")
    assert problem.kind == "bomb" and f"more than {MAX_FRAMES:,} pages" in problem.message
    with pytest.raises(InputError, match="Split it"):
        prepare("general-text", flood, page=1)
    [task] = expand_inputs([flood])  # one error row, not 6,000 tasks
    assert "Split it" in task.problem


def test_the_size_limits_apply_to_the_page_read(pages, tmp_path, engine_or_none):
    path = tmp_path / "stub.tif"
    path.write_bytes(_tiff([pages[0], Image.new("RGB", (10, 10), "white")]))
    assert prepare("general-text", path, page=1).page == 1
    with pytest.raises(InputError, match="10x10 px; general-text needs each side >= 15 px"):
        prepare("general-text", path, page=2)
    if engine_or_none is not None:
        with pytest.raises(InputError, match="10x10 px; general-text needs each side >= 15 px"):
            engine_or_none.call("general-text", path, page=2)


# --- batches: one item per page ----------------------------------------------------------------


def test_expand_makes_one_task_per_page_with_its_own_cache_key(three):
    tasks = expand_inputs([three, str(three), three.read_bytes()])
    assert [(t.page, t.problem) for t in tasks] == [(p, None) for p in (1, 2, 3)] * 2
    assert len({task_key("general-text", {}, t) for t in tasks[:3]}) == 3


def test_run_over_http_sends_every_page(emulator, three, pages, tmp_path):
    client = ocrframe.Client(
        endpoint=emulator.url, project_id=emulator.project_id, ak=emulator.ak, sk=emulator.sk
    )
    with client:
        one = client.call("general-text", three, page=3)
        assert one.page == 3 and "frame 3 of 3" in one.meta["notes"][0]
        batch = client.run("general-text", [three], progress=False, cache=tmp_path / "cache")
        again = client.run("general-text", [three], progress=False, cache=tmp_path / "cache")
    want = [hashlib.sha256(encode_pil(p)).hexdigest() for p in pages]
    sent = [r.image_sha256 for r in emulator.request_log]
    assert sent[0] == want[2]
    assert sorted(sent[1:]) == sorted(want)  # once each: the second run came from the cache
    words = batch.words()
    assert sorted(words["page"].unique()) == [1, 2, 3]
    assert set(again.words()["page"]) == {1, 2, 3} and len(batch.errors) == 0


def test_run_dask_sends_every_page(emulator, three, pages, tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    from ocrframe.dask import run_dask

    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", emulator.ak)  # the workers' environment
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", emulator.sk)
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", emulator.project_id)
    backend = functools.partial(ocrframe.Client.from_env, endpoint=emulator.url)

    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        batch = run_dask(backend, "general-text", [three], client=dask_client,
                         cache=tmp_path / "cache", progress=False)  # fmt: skip
    want = [hashlib.sha256(encode_pil(p)).hexdigest() for p in pages]
    assert sorted(r.image_sha256 for r in emulator.request_log) == sorted(want)
    assert sorted(batch.words()["page"].unique()) == [1, 2, 3]


def test_a_damaged_tiff_is_one_error_row_and_the_others_run(emulator, pages, tmp_path):
    broken = tmp_path / "broken.tif"
    broken.write_bytes(_broken_second_page(pages))
    garbled = tmp_path / "garbled.tif"  # a TIFF signature, then noise: Pillow cannot open it
    garbled.write_bytes(b"II*\x00" + bytes(range(256)) * 4)
    good = tmp_path / "good.png"
    pages[0].copy().save(good)
    client = ocrframe.Client(
        endpoint=emulator.url, project_id=emulator.project_id, ak=emulator.ak, sk=emulator.sk
    )
    with client, pytest.warns(UserWarning):  # Pillow's own note on the broken header
        batch = client.run("general-text", [broken, garbled, good], progress=False)
    assert len(batch) == 1 and batch.words()["source"].unique().tolist() == [str(good)]
    errors = batch.errors.set_index("source")["message"]
    assert sorted(errors.index) == sorted([str(broken), str(garbled)])  # one row each
    assert "damaged TIFF" in errors[str(broken)]


# --- the local engine, directly and behind the emulator -----------------------------------------


@pytest.fixture(scope="module")
def engine(engine_or_none):
    if engine_or_none is None:
        pytest.skip("the local extra (rapidocr) is not installed")
    return engine_or_none


def _text(resp) -> str:
    return " ".join(resp.words()["text"]).replace(" ", "")


def test_local_engine_reads_the_page_asked_for(engine, three):
    second = engine.call("general-text", three, page=2)
    assert second.page == 2 and _text(second) == WORDS[1].replace(" ", "")
    with pytest.warns(UserWarning, match="has 3 pages"):
        first = engine.call("general-text", three)
    assert first.page == 1 and _text(first) == WORDS[0].replace(" ", "")
    with pytest.raises(InputError, match="from 1 to 3"):
        engine.call("general-text", three, page=4)


def test_local_run_reads_every_page_and_review_crops_come_from_their_page(engine, three, tmp_path):
    batch = engine.run("general-text", [three], progress=False)
    words = batch.words()
    by_page = words.groupby("page")["text"].agg(" ".join).str.replace(" ", "")
    assert by_page.to_dict() == {p: w.replace(" ", "") for p, w in enumerate(WORDS, 1)}
    every = words.assign(confidence=0.5)  # queue every word, whatever the engine's scores
    q = review_queue(every, out=tmp_path / "review", xlsx=False, margin=0)
    assert sorted(q["page"]) == sorted(words["page"]) and len(q) >= 6
    for _, row in q.iterrows():
        with Image.open(tmp_path / "review" / row["crop"]) as crop:
            rgb = np.asarray(crop.convert("RGB"), dtype=int).reshape(-1, 3)
        paper = np.median(rgb, axis=0)  # most of a crop is paper
        assert np.abs(paper - PAPER[int(row["page"]) - 1]).max() < 20, row["text"]


def test_emulator_answers_a_page_with_the_local_engine(engine, three):
    with ocrframe.emulator.Emulator(engine=engine) as emu:
        client = ocrframe.Client(endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk)
        with client:
            over_http = client.call("general-text", three, page=2)
    assert over_http.raw == engine.call("general-text", three, page=2).raw
    assert _text(over_http) == WORDS[1].replace(" ", "")


def test_review_queue_crops_each_item_of_a_tiff_from_its_page(three, tmp_path):
    items = [(t.source, t.page) for t in expand_inputs([three])]  # what run() makes
    words = pd.DataFrame(
        {
            "source": [s for s, _ in items],
            "page": [p for _, p in items],
            "text": "paper",
            "confidence": 0.1,
            "x_min": 600.0,
            "y_min": 5.0,
            "x_max": 700.0,
            "y_max": 30.0,
        }
    )  # fmt: skip  (a corner of paper with no ink)
    q = review_queue(words, out=tmp_path / "review", xlsx=False, margin=0)
    assert sorted(q["page"]) == [1, 2, 3]
    for _, row in q.iterrows():
        with Image.open(tmp_path / "review" / row["crop"]) as crop:
            assert crop.convert("RGB").getpixel((5, 5)) == PAPER[int(row["page"]) - 1]
