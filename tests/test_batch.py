from pathlib import Path

import pandas as pd
import pytest

import ocrframe
from ocrframe.datasets.batch import FLATTENERS, Batch, errors_frame, read_responses
from ocrframe.errors import InputError
from ocrframe.response import Response

SAMPLES = Path(ocrframe.__file__).parent / "sample_data" / "responses"


@pytest.fixture
def samples():
    return sorted(p for p in SAMPLES.glob("*.json") if not p.name.startswith("error"))


def test_container_protocol(samples):
    batch = read_responses(samples)
    assert len(batch) == len(samples)
    assert batch.sources == [str(p) for p in samples]
    responses = list(batch)
    assert all(isinstance(r, Response) for r in responses)
    assert batch[0].raw == ocrframe.read_response(samples[0]).raw
    assert batch[str(samples[-1])].api == responses[-1].api
    with pytest.raises(KeyError, match="no response for source"):
        batch["nope"]
    with pytest.raises(IndexError, match="out of range"):
        batch[len(samples)]
    assert "errors" in repr(batch)


@pytest.mark.parametrize("name", FLATTENERS)
def test_every_flattener_gives_one_frame_with_source_and_api(samples, name):
    batch = read_responses(samples)
    frame = getattr(batch, name)()
    assert list(frame.columns[:3]) == ["source", "api", "page"]
    assert str(frame["source"].dtype) == "str"
    expected = sum(len(getattr(ocrframe, name)(p)) for p in samples)
    assert len(frame) == expected
    empty = getattr(Batch(), name)()
    assert list(empty.columns[:3]) == ["source", "api", "page"] and len(empty) == 0


def test_flatten_matches_methods_and_iter_frames_chunks(samples):
    batch = read_responses(samples)
    frames = batch.flatten()
    assert set(frames) <= set(FLATTENERS) and "words" in frames
    pd.testing.assert_frame_equal(frames["cells"], batch.cells())
    pd.testing.assert_frame_equal(frames["words"], batch.words())
    parts = list(batch.iter_frames("fields", chunk=3))
    assert len(parts) > 1
    streamed = pd.concat(parts, ignore_index=True)
    assert set(streamed.pop("vendor")) == {"huawei"}  # every chunk says it (one schema)
    pd.testing.assert_frame_equal(streamed, batch.fields())
    with pytest.raises(InputError, match="unknown frame"):
        list(batch.iter_frames("wrods"))
    with pytest.raises(InputError, match="chunk"):
        list(batch.iter_frames("words", chunk=0))


def test_to_parquet_roundtrip(samples, tmp_path):
    batch = read_responses(samples)
    written = batch.to_parquet(tmp_path / "out")
    names = {p.stem for p in written}
    assert "errors" in names and "words" in names
    back = pd.read_parquet(tmp_path / "out" / "words.parquet")
    assert len(back) == len(batch.words())
    assert back["source"].tolist() == batch.words()["source"].tolist()


def test_read_responses_inputs(samples, tmp_path):
    assert len(read_responses(SAMPLES)) == len(list(SAMPLES.glob("*.json")))
    assert len(read_responses(str(SAMPLES / "general-*.json"))) == 3
    with pytest.raises(InputError, match="matches no file"):
        read_responses(str(tmp_path / "*.json"))
    with pytest.raises(InputError, match="no response file"):
        read_responses(tmp_path / "missing.json")
    with pytest.raises(InputError, match="not int"):
        read_responses(3)


def test_a_folder_gives_every_saved_result_it_holds(tmp_path):
    """Other engines' results saved as hOCR or TSV are read from a folder like JSON ones; a
    README, an image and hidden copies (macOS ``._`` files) are not results."""
    body = {"result": {"words_block_list": [{"words": "json", "confidence": 0.9}]}}
    Response(body, api="general-text", source="a.png").to_json(tmp_path / "a.json")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.hocr").write_text(
        "<html><body><div class='ocr_page' title='bbox 0 0 100 50'><span class='ocr_line' "
        "title='bbox 0 0 90 20'><span class='ocrx_word' title='bbox 0 0 40 20; x_wconf 91'>"
        "hocr</span></span></div></body></html>"
    )
    (tmp_path / "c.TSV").write_text(
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
        "\tconf\ttext\n5\t1\t1\t1\t1\t1\t10\t20\t30\t12\t91.5\ttsv\n"
    )
    (tmp_path / "README.md").write_text("notes")
    (tmp_path / "._a.json").write_bytes(b"\x00\x05\x16\x07")
    batch = read_responses(tmp_path)
    assert len(batch) == 3
    words = batch.words()
    assert sorted(words["text"]) == ["hocr", "json", "tsv"]
    assert sorted(Path(s).name for s in words["source"]) == ["a.png", "b.hocr", "c.TSV"]
    assert batch.errors.empty


def test_unreadable_file_is_reported_not_fatal(samples, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"result": {"words_block_list": [{"words": "cut')
    batch = read_responses([samples[0], bad])
    with pytest.warns(RuntimeWarning, match="bad.json"):
        assert len(list(batch)) == 1
    assert batch.errors["category"].tolist() == ["corrupt"]


def test_in_memory_batch_and_errors_frame():
    r = Response({"result": [{"plate_number": "1กข 234", "confidence": 0.9}]}, source="car.jpg")
    errs = errors_frame(
        [
            {
                "source": "x.png",
                "error_code": "AIS.0103",
                "status": 400,
                "attempts": 1,
                "category": "bad_input",
            }
        ]
    )
    batch = Batch([r], errors=errs)
    plates = batch.plates()
    assert plates[["source", "api", "text"]].values.tolist() == [
        ["car.jpg", "thailand-license-plate", "1กข 234"]
    ]
    assert batch.errors["status"].dtype == "Int64" and len(batch.errors) == 1
    with pytest.raises(InputError, match="pass Responses"):
        Batch([{"result": {}}])


def test_a_folder_reads_back_ordered_by_source_and_page(tmp_path):
    from ocrframe.datasets.cache import Cache

    cache = Cache(tmp_path)
    body = {"result": {"words_block_list": [{"words": "x", "confidence": 0.5}]}}
    for source, page in [("b.pdf", 2), ("c.png", None), ("a.png", None), ("b.pdf", 1)]:
        key = cache.key("general-text", {}, f"{source}{page}".encode())
        cache.put(key, body, api="general-text", source=source, page=page)
    words = read_responses(tmp_path).words()
    assert list(zip(words["source"], words["page"], strict=True)) == [
        ("a.png", 1),
        ("b.pdf", 1),
        ("b.pdf", 2),
        ("c.png", 1),
    ]


def test_document_columns_are_typed_over_every_chunk(monkeypatch):
    """A document key's column type comes from all of its values, not from those of the
    chunk each response fell in: 6 stays "6" beside "text", whether or not a 1.5 shares
    its chunk."""
    from ocrframe.datasets import chunking

    monkeypatch.setattr(chunking, "CHUNK", 2)
    counts = [1.5, 6, 6, 6, "text"]
    responses = [
        Response({"result": {"words_block_count": c, "words_block_list": []}}, source=f"r{i}")
        for i, c in enumerate(counts)
    ]
    expected = ["1.5", "6", "6", "6", "text"]
    assert Batch(responses).flatten()["document"]["words_block_count"].tolist() == expected


def test_saved_labels_are_read_from_the_tail_of_small_and_large_files(tmp_path):
    """The ``_ocrframe`` member ends a saved file: found in a file of a few bytes and in one
    far longer than the tail read (a decoy in the body does not count)."""
    small = {"result": {"words_block_list": [{"words": "s"}]}}
    words = [{"words": f'"_ocrframe": {{"source": "decoy{i}"}}'} for i in range(3000)]
    large = {"result": {"words_block_list": words}}
    Response(small, api="general-text", source="small.png", page=2).to_json(tmp_path / "s.json")
    Response(large, api="general-text", source="large.png", page=3).to_json(tmp_path / "l.json")
    assert (tmp_path / "l.json").stat().st_size > 2 * 65536
    batch = read_responses([tmp_path / "s.json", tmp_path / "l.json"])
    got = batch.words().groupby("source", sort=False)["page"].first()
    assert got.to_dict() == {"small.png": 2, "large.png": 3}


def test_a_batch_mixing_engines_says_vendor_in_every_frame_whichever_path_read_it(tmp_path, paddle):
    """Saved Huawei bodies are read column-wise, other engines' results the general way. A
    frame whose rows all came from Huawei files lacked the ``vendor`` column that the same
    batch held in memory gives (the PaddleOCR file gives words, no fields)."""
    import json

    from ocrframe.synth import synthesize

    bodies = [paddle, synthesize("vat-invoice", seed=1), synthesize("vat-invoice", seed=2)]
    for i, body in enumerate(bodies):
        (tmp_path / f"r{i}.json").write_text(json.dumps(body))
    files = read_responses(tmp_path)
    in_memory = Batch(list(read_responses(tmp_path)))
    for name in ("fields", "words", "alarms"):
        pd.testing.assert_frame_equal(files.frame(name), in_memory.frame(name), obj=name)
    fields = files.fields()
    assert fields.columns[:3].tolist() == ["source", "api", "vendor"]
    assert set(fields["vendor"]) == {"huawei"} and len(fields)
    flat, ref = files.flatten(), in_memory.flatten()
    assert flat.keys() == ref.keys()
    for name in ref:
        pd.testing.assert_frame_equal(flat[name], ref[name], obj=name)


def test_vendor_is_said_when_the_other_engine_comes_in_a_later_chunk(tmp_path, monkeypatch, paddle):
    """Frames are read chunk by chunk: the chunks giving fields came before the one holding
    the PaddleOCR file (which gives none), and the joined frame lacked ``vendor``."""
    import json

    from ocrframe.datasets import chunking
    from ocrframe.synth import synthesize

    monkeypatch.setattr(chunking, "CHUNK", 2)
    bodies = [synthesize("vat-invoice", seed=i) for i in range(4)] + [paddle]
    for i, body in enumerate(bodies):
        (tmp_path / f"r{i}.json").write_text(json.dumps(body))
    fields = read_responses(tmp_path).fields()
    assert fields.columns[:3].tolist() == ["source", "api", "vendor"]
    assert set(fields["vendor"]) == {"huawei"}


def test_every_chunk_of_a_stream_has_one_schema_when_a_later_file_is_anothers(tmp_path, paddle):
    """The first chunk (Huawei files only) had no ``vendor`` and the next one did: a Parquet
    writer fed the chunks failed on the second, and the audit of a stream saw two schemas."""
    import json

    from ocrframe.synth import synthesize

    bodies = [synthesize("general-text", seed=i) for i in range(2)] + [paddle]
    for i, body in enumerate(bodies):
        (tmp_path / f"r{i}.json").write_text(json.dumps(body))
    batch = read_responses(tmp_path)
    chunks = list(batch.iter_frames("words", chunk=2))
    assert len(chunks) == 2
    assert chunks[0].columns.tolist() == chunks[1].columns.tolist()
    assert chunks[0].dtypes.tolist() == chunks[1].dtypes.tolist()
    assert set(chunks[0]["vendor"]) == {"huawei"} and set(chunks[1]["vendor"]) == {"paddleocr"}
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), batch.words())
