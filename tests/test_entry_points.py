"""Every public entry point, one step off the tested path: wrong types, impossible values and
odd paths give an InputError naming the argument, before anything is drawn or written; never
a bare TypeError, ValueError, KeyError, AttributeError or OverflowError from deep inside
pandas, numpy or matplotlib."""

from __future__ import annotations

import os
import threading

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import ocrframe as of  # noqa: E402
from ocrframe.errors import InputError, OcrError  # noqa: E402

TABLE = of.read_response(of.sample_path("general-table"))
TEXT = of.read_response(of.sample_path("general-text"))
WORDS = of.words(TEXT)
SERIES = pd.Series([0.5, 0.9])
IMAGE = of.sample_path("letter.png")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# (label, call, what the message must name); each call broke with a bare exception before
CASES = [
    # tables and the API's Excel
    ("tables span=Series", lambda: of.tables(TABLE, span=SERIES), "span"),
    ("tables header=Series", lambda: of.tables(TABLE, header=SERIES), "header"),
    ("tables numeric=Series", lambda: of.tables(TABLE, numeric=SERIES), "numeric"),
    ("tables multiindex='yes'", lambda: of.tables(TABLE, multiindex="yes"), "multiindex"),
    ("tables kind=Series", lambda: of.tables(TABLE, kind=SERIES), "kind"),
    ("grid span=DataFrame", lambda: of.grid(of.cells(TABLE), span=pd.DataFrame()), "span"),
    ("join_tables(None)", lambda: of.join_tables(None), "join_tables"),
    ("join_tables(3)", lambda: of.join_tables(3), "join_tables"),
    ("to_numeric_table(None)", lambda: of.to_numeric_table(None), "to_numeric_table"),
    ("to_numeric_table(list)", lambda: of.to_numeric_table([[1]]), "to_numeric_table"),
    ("to_numeric_table(Series)", lambda: of.to_numeric_table(SERIES), "to_numeric_table"),
    ("excel_tables max_bytes=None", lambda: of.excel_tables(TABLE, max_bytes=None), "max_bytes"),
    ("excel_tables max_cells='x'", lambda: of.excel_tables(TABLE, max_cells="x"), "max_cells"),
    (
        "compare_excel_cells max_cells=None",
        lambda: of.compare_excel_cells(TABLE, max_cells=None),
        "max_cells",
    ),  # fmt: skip
    ("save_excel path=None", lambda: of.save_excel(TABLE, None), "path"),
    (
        "save_excel max_bytes=Series",
        lambda: of.save_excel(TABLE, "x.xlsx", max_bytes=SERIES),
        "max_bytes",
    ),  # fmt: skip
    ("to_excel path=None", lambda: of.to_excel(TABLE, None), "path"),
    (
        "to_excel confidence=Series",
        lambda: of.to_excel(TABLE, "x.xlsx", confidence=SERIES),
        "confidence",
    ),  # fmt: skip
    ("to_excel sources=Series", lambda: of.to_excel(TABLE, "x.xlsx", sources=SERIES), "sources"),
    # plots
    ("plot_polygons cmap=None", lambda: of.plot_polygons(TEXT, cmap=None), "cmap"),
    ("plot_polygons cmap='nope'", lambda: of.plot_polygons(TEXT, cmap="nope"), "cmap"),
    ("plot_polygons alpha=3", lambda: of.plot_polygons(TEXT, alpha=3), "alpha"),
    ("plot_polygons vmin='a'", lambda: of.plot_polygons(TEXT, vmin="a"), "vmin"),
    ("plot_polygons threshold=[]", lambda: of.plot_polygons(TEXT, threshold=[]), "threshold"),
    ("plot_polygons labels=[[1]]", lambda: of.plot_polygons(TEXT, labels=[[1]]), "labels"),
    ("plot_polygons ax=3", lambda: of.plot_polygons(TEXT, ax=3), "ax"),
    ("plot_polygons kind=Series", lambda: of.plot_polygons(TEXT, kind=SERIES), "kind"),
    (
        "plot_polygons color_by=Series",
        lambda: of.plot_polygons(TEXT, color_by=SERIES),
        "color_by",
    ),  # fmt: skip
    ("plot_polygons page=Series", lambda: of.plot_polygons(TEXT, page=SERIES), "page"),
    (
        "plot_polygons colorbar=Series",
        lambda: of.plot_polygons(TEXT, colorbar=SERIES),
        "colorbar",
    ),  # fmt: skip
    ("plot_table label_size='big'", lambda: of.plot_table(TABLE, label_size="big"), "label_size"),
    ("plot_table table=Series", lambda: of.plot_table(TABLE, table=SERIES), "table"),
    ("plot_table schematic=Series", lambda: of.plot_table(TABLE, schematic=SERIES), "schematic"),
    ("plot_table labels=Series", lambda: of.plot_table(TABLE, labels=SERIES), "labels"),
    ("plot_confidence layer=None", lambda: of.plot_confidence(TEXT, layer=None), "layer"),
    (
        "plot_confidence threshold='a'",
        lambda: of.plot_confidence(TEXT, threshold="a"),
        "threshold",
    ),  # fmt: skip
    ("plot_confidence ax=DataFrame", lambda: of.plot_confidence(TEXT, ax=pd.DataFrame()), "ax"),
    ("plot_confidence by=Series", lambda: of.plot_confidence(TEXT, by=SERIES), "by"),
    (
        "plot_calibration bins=10**30",
        lambda: of.plot_calibration(WORDS, WORDS, bins=10**30),
        "bins",
    ),  # fmt: skip
    # calibration and audit
    ("match_truth min_iou=None", lambda: of.match_truth(WORDS, WORDS, min_iou=None), "min_iou"),
    ("match_truth min_iou=[]", lambda: of.match_truth(WORDS, WORDS, min_iou=[]), "min_iou"),
    (
        "match_truth ignore_case=Series",
        lambda: of.match_truth(WORDS, WORDS, ignore_case=SERIES),
        "ignore_case",
    ),  # fmt: skip
    (
        "calibration_table bins=10**30",
        lambda: of.calibration_table(WORDS, WORDS, bins=10**30),
        "bins",
    ),  # fmt: skip
    ("audit by=3", lambda: of.audit(TEXT, by=3), "by"),
    ("audit by=[[1]]", lambda: of.audit(TEXT, by=[["source"]]), "by"),
    ("audit stream=Series", lambda: of.audit(of.Batch([TEXT]), stream=SERIES), "stream"),
    ("threshold_sweep thresholds=None", lambda: of.threshold_sweep(TEXT, None), "thresholds"),
    ("threshold_sweep thresholds=0.5", lambda: of.threshold_sweep(TEXT, 0.5), "thresholds"),
    # compare
    ("compare min_overlap=None", lambda: of.compare(TEXT, TEXT, min_overlap=None), "min_overlap"),
    ("compare level=Series", lambda: of.compare(TEXT, TEXT, level=SERIES), "level"),
    ("compare names='ab'", lambda: of.compare(TEXT, TEXT, names="ab"), "names"),
    ("compare names=3", lambda: of.compare(TEXT, TEXT, names=3), "names"),
    ("compare image=3", lambda: of.compare(TEXT, TEXT, image=3), "image"),
    ("compare image=missing", lambda: of.compare(TEXT, TEXT, image="no/such.png"), "no/such"),
    ("compare image=bytes", lambda: of.compare(TEXT, TEXT, image=b"\x00x"), "image"),
    (
        "compare a=frame without polygons",
        lambda: of.compare(pd.DataFrame({"a": [1]}), TEXT),
        "polygon",
    ),  # fmt: skip
    # responses and samples
    ("Response meta=3", lambda: of.Response(TEXT.raw, meta=3), "meta"),
    ("Response meta='ab'", lambda: of.Response(TEXT.raw, meta="ab"), "meta"),
    ("to_json indent=10**30", lambda: TEXT.to_json(indent=10**30), "indent"),
    ("to_json indent=2.5", lambda: TEXT.to_json(indent=2.5), "indent"),
    ("to_json path=3", lambda: TEXT.to_json(3), "path"),
    ("read_response api=Series", lambda: of.read_response(TEXT.raw, api=SERIES), "api"),
    ("read_response vendor=[[1]]", lambda: of.read_response(TEXT.raw, vendor=[[1]]), "vendor"),
    (
        "read_response raise_errors=Series",
        lambda: of.read_response(TEXT.raw, raise_errors=SERIES),
        "raise_errors",
    ),  # fmt: skip
    ("ground_truth(None)", lambda: of.ground_truth(None), "image"),
]


@pytest.mark.parametrize("call, names", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_wrong_argument_is_an_input_error_naming_it(tmp_path, monkeypatch, call, names):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=names.replace("*", r"\*")):
        call()
    assert not list(tmp_path.iterdir())  # nothing written


def test_good_values_of_the_checked_options_still_work(tmp_path):
    assert of.plot_polygons(TEXT, cmap=plt.get_cmap("magma"), alpha=1, label_size=5)
    assert of.compare(TEXT, TEXT, image=IMAGE, names=["a", "b"]).summary["name_a"] == "a"
    assert of.compare(TEXT, TEXT, image=(1000, 800)).summary["matched"] > 0
    assert of.join_tables(iter(of.tables(TABLE)))
    assert of.audit(TEXT, by=[]).shape[0] == 1
    assert TEXT.to_json(indent="\t").startswith("{\n\t")
    assert of.read_response(TEXT, source=tmp_path / "x.json").source == str(tmp_path / "x.json")


def test_an_unreadable_image_file_is_an_input_error(tmp_path):
    folder_named_png = tmp_path / "scan.png"
    folder_named_png.mkdir()
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(IMAGE.read_bytes()[:200])
    for image in (folder_named_png, truncated):
        with pytest.raises(OcrError):
            of.plot_polygons(TEXT, image)


# --- the client, the runner, the emulator and the embedded engine ------------------------------

PNG = IMAGE.read_bytes()


def _client(emu, **kw):
    given = {"endpoint": emu.url, "project_id": emu.project_id, "ak": emu.ak, "sk": emu.sk}
    return of.Client(**{**given, **kw})


@pytest.mark.parametrize(
    "kw, names",
    [
        ({"region": ["ap-southeast-1"]}, "region"),
        ({"project_id": SERIES}, "project_id"),
        ({"sk": SERIES}, "sk"),
        ({"token": pd.DataFrame()}, "token"),
        ({"auto_downscale": SERIES}, "auto_downscale"),
        ({"timeout": float("inf")}, "timeout"),  # an OverflowError at the first call before
        ({"timeout": (5, 10**30)}, "timeout"),
    ],
)
def test_client_options_are_checked_when_it_is_made(emulator, kw, names):
    with pytest.raises(InputError, match=names):
        _client(emulator, **kw)


def test_call_and_run_options_are_checked_before_sending(emulator, tmp_path):
    client = _client(emulator, retries=0)
    with pytest.raises(InputError, match="auto_downscale"):
        client.call("general-text", PNG, auto_downscale=SERIES)
    for kw, names in [
        ({"cache": 3}, "cache"),
        ({"rate": "fast"}, "rate"),
        ({"rate": SERIES}, "rate"),
        ({"progress": SERIES}, "progress"),
        ({"workers": 2.5}, "workers"),
    ]:
        with pytest.raises(InputError, match=names):
            client.run("general-text", [IMAGE], **kw)
    assert emulator.request_log == []  # nothing was sent


def test_a_fifo_is_refused_not_read_for_ever(emulator, tmp_path):
    fifo = tmp_path / "scan.png"
    os.mkfifo(fifo)
    stop = threading.Event()

    def feed() -> None:  # what the old code waited for: a writer; refused now, never opened
        while not stop.is_set():
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader yet
                stop.wait(0.01)
                continue
            os.write(fd, PNG[:60000])
            os.close(fd)
            return

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        with pytest.raises(InputError, match="not a regular file"):
            _client(emulator, retries=0).call("general-text", str(fifo))
    finally:
        stop.set()
        writer.join()


@pytest.mark.parametrize(
    "kw, names",
    [
        ({"latency": -1}, "latency"),
        ({"latency": float("nan")}, "latency"),
        ({"token_ttl": -5}, "token_ttl"),
    ],  # fmt: skip
)
def test_emulator_options_are_checked_before_it_serves(kw, names):
    from ocrframe.emulator import Emulator

    with pytest.raises(InputError, match=names):
        Emulator(**kw)


def test_local_engine_options_and_pages_are_checked_before_any_ocr():
    with pytest.raises(InputError, match="engine"):
        of.LocalEngine(SERIES)
    with pytest.raises(InputError, match="no option 'txt_score'.*text_score"):
        of.LocalEngine(txt_score=0.3)
    engine = of.LocalEngine()
    with pytest.raises(InputError, match="page=1 and pdf_page_number=2 disagree"):
        engine.call("general-text", PNG, page=1, pdf_page_number=2)
    with pytest.raises(InputError, match="page=2 was given but the input is not a PDF"):
        engine.call("general-text", PNG, page=None, pdf_page_number=2)  # was silently dropped
    with pytest.raises(InputError, match="page"):
        engine.call("general-text", PNG, page=SERIES)
    with pytest.raises(InputError, match="use_text_layer"):
        engine.call("general-text", PNG, use_text_layer=SERIES)
    pytest.importorskip("rapidocr")
    for kw, names in [({"text_score": SERIES}, "text_score"), ({"min_side": 10**9}, "min_side")]:
        with pytest.raises(InputError, match=names):
            of.LocalEngine(**kw).call("general-text", PNG)


def test_a_name_too_long_for_the_file_system_is_an_input_error(tmp_path):
    long_name = str(tmp_path / ("x" * 300 + ".png"))  # os.stat raises ENAMETOOLONG
    with pytest.raises(InputError, match="255"):
        of.ground_truth(long_name)
    with pytest.raises(InputError, match="255"):
        of.LocalEngine().run("general-text", [long_name])
    with pytest.raises(InputError, match="255"):
        TEXT.to_json(long_name)


def test_a_fifo_among_run_inputs_is_named_as_such(tmp_path):
    fifo = tmp_path / "scan.png"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        of.LocalEngine().run("general-text", [fifo])


@pytest.mark.parametrize(
    "kw, names",
    [
        ({"xlsx": SERIES}, "xlsx"),  # the crops and the CSV were written, then a ValueError
        ({"embed_max": None}, "embed_max"),
        ({"limit": float("inf")}, "limit"),
        ({"limit": [3]}, "limit"),
        ({"out": None}, "out"),
        ({"margin": True}, "margin"),
    ],
)
def test_review_queue_checks_its_options_before_writing(tmp_path, kw, names):
    kw = {"out": tmp_path / "review", **kw}
    with pytest.raises(InputError, match=names):
        of.review_queue(of.Batch([TEXT]), images=IMAGE.parent, threshold=0.99, **kw)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "kw, names",
    [
        ({"threshold": None}, "threshold"),
        ({"max_rows": float("inf")}, "max_rows"),
        ({"figsize": None}, "figsize"),
        ({"figsize": ""}, "figsize"),
        ({"figsize": (7, "a")}, "figsize"),
    ],
)
def test_viewer_checks_its_options(kw, names):
    pytest.importorskip("ipywidgets")
    with pytest.raises(InputError, match=names):
        of.widgets.Viewer(of.Batch([TEXT]), **kw)


@pytest.mark.parametrize("name", ["ak", "sk", "password"])
def test_an_emulator_with_an_empty_credential_is_refused(name):
    from ocrframe.emulator import Emulator

    with pytest.raises(InputError, match=f"{name} is empty"):
        Emulator(**{name: ""})  # it served, and no client could ever sign in


def test_dask_entry_points_check_their_arguments_before_needing_a_cluster(tmp_path):
    pytest.importorskip("distributed")
    from ocrframe.dask import read_responses_dask, run_dask

    args = (of.LocalEngine, "general-text", [IMAGE])
    for kw, names in [
        ({"rate": "fast"}, "rate"),
        ({"rate": SERIES}, "rate"),
        ({"progress": SERIES}, "progress"),
        ({}, "no Dask client"),  # was distributed's bare ValueError
    ]:
        with pytest.raises(InputError, match=names):
            run_dask(*args, cache=tmp_path / "cache", **kw)
    for where in (None, 3, [[str(IMAGE)]]):
        with pytest.raises(InputError, match="where"):
            read_responses_dask(where)


def test_writers_refuse_a_folder_for_a_file_a_file_for_a_folder_and_urls(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a URL taken as a relative path would land here
    folder, file = tmp_path / "folder", tmp_path / "file"
    folder.mkdir()
    file.write_text("x")
    calls = [
        (lambda: TEXT.to_json(folder), "is a folder"),  # was IsADirectoryError
        (lambda: TEXT.to_json(file / "x.json"), "lies under"),  # was FileExistsError
        (lambda: TEXT.to_json("https://example.com/x.json"), "URL"),  # was written to ./https:/
        (lambda: of.to_excel(TABLE, "https://example.com/x.xlsx"), "URL"),
        (lambda: of.save_excel(TABLE, file / "x"), "lies under"),  # was NotADirectoryError
        (lambda: of.review_queue(TEXT, threshold=1.0, out=file / "x"), "lies under"),
        (lambda: of.review_queue(TEXT, threshold=1.0, out="s3://bucket/review"), "URL"),
    ]
    for call, message in calls:
        with pytest.raises(InputError, match=message):
            call()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder"]
    assert not list(folder.iterdir()) and file.read_text() == "x"


def test_comparison_plot_and_the_demo_check_their_options(tmp_path):
    from ocrframe.demo import run_demo

    comparison = of.compare(TEXT, TEXT, image=IMAGE)
    for kw, names in [({"show": SERIES}, "show"), ({"labels": SERIES}, "labels")]:
        with pytest.raises(InputError, match=names):
            comparison.plot(IMAGE, **kw)
    for kw, names in [
        ({"images": 3}, "images"),
        ({"images": [[str(IMAGE)]]}, "images"),
        ({"images": [IMAGE], "threshold": "high"}, "threshold"),  # used only after the OCR
        ({"images": [IMAGE], "overlays": SERIES}, "overlays"),
    ]:
        with pytest.raises(InputError, match=names):
            run_demo(tmp_path / "demo", **kw)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("entries", [None, 3, "r.json", {"result": {}}])
def test_batch_refuses_what_is_no_list_of_responses(entries):
    with pytest.raises(InputError, match="Batch takes a list of Responses"):
        of.Batch(entries)
    with pytest.raises(InputError, match="`repaired` must be a list"):
        of.Batch([], repaired=None)


def test_a_frame_name_that_is_no_name_is_refused():
    batch = of.Batch([of.read_response({"result": {"words_block_list": []}})])
    with pytest.raises(InputError, match="unknown frame"):  # was pandas' ambiguous truth
        batch.frame(pd.Series(["words"]))


def test_to_parquet_checks_its_folder_before_reading(tmp_path):
    batch = of.Batch([of.read_response({"result": {"words_block_list": []}})])
    under_a_file = tmp_path / "f"
    under_a_file.write_text("x")
    for bad in ("https://example.com/out", under_a_file / "out", "x" * 300, None):
        with pytest.raises(InputError):
            batch.to_parquet(bad)
    assert not (tmp_path / "https:").exists()
