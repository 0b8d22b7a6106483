"""Tests for ocrframe.plot: what the figures show, checked on the Agg backend."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from PIL import Image  # noqa: E402

from ocrframe import ground_truth, read_response  # noqa: E402
from ocrframe.datasets.calibration import (  # noqa: E402
    calibration_table,
    expected_calibration_error,
    match_truth,
)
from ocrframe.errors import InputError  # noqa: E402
from ocrframe.plots.charts import plot_polygons, plot_table  # noqa: E402
from ocrframe.plots.distributions import plot_calibration, plot_confidence  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "ocrframe" / "sample_data" / "responses"
DATA = ROOT.parent / "shared" / "data"
GREY = (0.6, 0.6, 0.6)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def boxes(rects, **cols) -> pd.DataFrame:
    """A words-like frame from (x0, y0, x1, y1) rectangles, vertices clockwise from top-left."""
    r = np.asarray(rects, float)
    frame = pd.DataFrame(
        {
            "x1": r[:, 0], "y1": r[:, 1], "x2": r[:, 2], "y2": r[:, 1],
            "x3": r[:, 2], "y3": r[:, 3], "x4": r[:, 0], "y4": r[:, 3],
        }
    )  # fmt: skip
    for k, v in cols.items():
        frame[k] = v
    return frame


@pytest.fixture
def words() -> pd.DataFrame:
    return boxes(
        [
            (10, 10, 60, 30),
            (70, 10, 150, 30),
            (10, 40, 90, 60),
            (100, 40, 190, 60),
            (5, 70, 50, 95),
        ],
        text=["alpha", "beta", "gamma", "delta", "eps"],
        confidence=[0.95, 0.4, np.nan, 0.7, 0.1],
        type=["title", "text", "text", "table", "text"],
    )


def polys(ax) -> PolyCollection:
    found = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(found) == 1
    return found[0]


# --- plot_polygons -------------------------------------------------------------------------------


def test_one_collection_with_every_polygon_and_rows_without_polygon_left_out(words):
    words.loc[5] = [np.nan] * 8 + ["none", 0.5, "text"]
    ax = plot_polygons(words)
    coll = polys(ax)
    assert len(coll.get_paths()) == 5
    first = coll.get_paths()[0].vertices[:4]
    np.testing.assert_array_equal(first, [[10, 10], [60, 10], [60, 30], [10, 30]])


def test_a_polygon_with_an_infinite_vertex_is_left_out_like_a_missing_one(words):
    """An infinite coordinate (JSON's 1e999 parses to inf) made matplotlib raise a bare
    ValueError ("Axis limits cannot be NaN or Inf")."""
    words.loc[5] = [0, 0, np.inf, 0, 10, 5, 0, 5] + ["inf", 0.5, "text"]
    ax = plot_polygons(words)
    assert len(polys(ax).get_paths()) == 5
    assert np.isfinite(ax.get_xlim()).all() and np.isfinite(ax.get_ylim()).all()


def test_face_colours_come_from_confidence_and_nan_is_grey(words):
    ax = plot_polygons(words, alpha=0.5, cmap="viridis", vmin=0, vmax=1)
    face = polys(ax).get_facecolor()
    expected = matplotlib.colormaps["viridis"]([0.95, 0.4, 0.0, 0.7, 0.1])
    for i in (0, 1, 3, 4):
        np.testing.assert_allclose(face[i, :3], expected[i, :3])
    np.testing.assert_allclose(face[2, :3], GREY)
    np.testing.assert_allclose(face[:, 3], 0.5)
    assert polys(ax).get_edgecolor()[:, 3].min() == 1.0
    colorbars = [a for a in ax.figure.axes if a.get_label() == "<colorbar>"]
    assert len(colorbars) == 1 and colorbars[0].get_ylabel() == "confidence"


def test_colours_span_the_data_not_zero_to_one_and_the_colorbar_says_so():
    # A typical page scores 0.90-1.00: on a fixed 0-1 scale every box is the same yellow.
    conf = np.linspace(0.90, 1.00, 51)
    frame = boxes([(i * 10, 0, i * 10 + 8, 8) for i in range(51)], confidence=conf)
    ax = plot_polygons(frame, cmap="viridis")
    face = polys(ax).get_facecolor()[:, :3]
    lo, hi = np.percentile(conf, [2, 98])
    expected = matplotlib.colormaps["viridis"](np.clip((conf - lo) / (hi - lo), 0, 1))[:, :3]
    np.testing.assert_allclose(face, expected)
    assert np.linalg.norm(face[-1] - face[0]) > 0.9  # lowest and highest: far apart colours
    bar = next(a for a in ax.figure.axes if a.get_label() == "<colorbar>")
    assert bar.get_ylim() == pytest.approx((lo, hi))
    assert "confidence" in bar.get_ylabel()
    plt.close("all")
    full = plot_polygons(frame, vmin=0, vmax=1)
    full_face = polys(full).get_facecolor()[:, :3]
    assert np.linalg.norm(full_face[-1] - full_face[0]) < 0.3  # the fixed 0-1 scale: alike
    with pytest.raises(InputError, match="vmin < vmax"):
        plot_polygons(frame, vmin=0.9, vmax=0.5)


def test_threshold_highlights_exactly_the_items_below(words):
    ax = plot_polygons(words, threshold=0.5)
    coll = polys(ax)
    red = np.all(np.isclose(coll.get_edgecolor(), (0.85, 0, 0, 1)), axis=1)
    assert red.tolist() == [False, True, False, False, True]  # NaN is not below
    assert list(coll.get_linewidth()) == [1.0, 3.0, 1.0, 1.0, 3.0]


def test_one_line_width_for_all_is_given_once(words):
    """Every polygon drawn at the same width: the collection gets one width, not one per
    polygon (matplotlib scales the dash pattern per width given: 20,000 of them cost about a
    tenth of drawing 20,000 polygons)."""
    assert list(polys(plot_polygons(words)).get_linewidth()) == [1.0]
    plt.close("all")
    assert list(polys(plot_polygons(words, threshold=0.01)).get_linewidth()) == [1.0]


def test_limits_are_the_image_extent_with_y_down(words):
    image = np.zeros((120, 200, 3), np.uint8)
    ax = plot_polygons(words, image)
    assert ax.get_xlim() == (0.0, 200.0)
    assert ax.get_ylim() == (120.0, 0.0)
    assert ax.get_aspect() == 1.0
    assert ax.images[0].get_extent() == [0.0, 200.0, 120.0, 0.0]


def test_blank_canvas_spans_the_polygons(words):
    ax = plot_polygons(words)
    assert ax.get_xlim() == (0.0, 190.0) and ax.get_ylim() == (95.0, 0.0)
    assert not ax.images


def test_image_from_path_bytes_pil_and_array_is_the_same(tmp_path, words):
    arr = np.random.default_rng(0).integers(0, 255, (100, 200, 3), np.uint8)
    path = tmp_path / "page.png"
    Image.fromarray(arr).save(path)
    for image in (path, str(path), path.read_bytes(), Image.fromarray(arr), arr):
        ax = plot_polygons(words, image, ax=plt.figure().gca())
        np.testing.assert_array_equal(np.asarray(ax.images[0].get_array()), arr)
    with pytest.raises(InputError, match="no image file"):
        plot_polygons(words, tmp_path / "missing.png")
    with pytest.raises(InputError, match="cannot read the image"):
        plot_polygons(words, b"not an image")


def test_16_bit_grey_and_other_image_modes_keep_their_pixels(tmp_path, words):
    # Pillow's RGB conversion clips 16-bit grey to white; palette/CMYK/grey+alpha images and
    # 16-bit RGB arrays must show the picture they hold, from a path, bytes or a PIL image.
    grey = np.linspace(0, 4000, 100 * 200).reshape(100, 200).astype(np.uint16)
    path = tmp_path / "g16.png"
    Image.fromarray(grey).save(path)
    with Image.open(path) as im:
        pil = im.copy()
    for image in (path, path.read_bytes(), pil):
        ax = plot_polygons(words, image, ax=plt.figure().gca())
        np.testing.assert_array_equal(np.asarray(ax.images[0].get_array()), grey)
        shown = ax.images[0].to_rgba(ax.images[0].get_array())[..., 0]
        assert shown.min() < shown.max() < 0.1  # true 16-bit grey levels, not saturated
    rgb = Image.new("RGB", (200, 100), (200, 30, 30))
    for mode in ("P", "CMYK", "LA"):
        ax = plot_polygons(words, rgb.convert(mode), ax=plt.figure().gca())
        shown = np.asarray(ax.images[0].get_array())
        expected = np.asarray(rgb.convert(mode).convert("RGB" if mode != "LA" else "RGBA"))
        np.testing.assert_array_equal(shown, expected)
    deep = np.full((100, 200, 3), 32768, np.uint16)
    ax = plot_polygons(words, deep, ax=plt.figure().gca())
    assert np.asarray(ax.images[0].get_array()).max() == pytest.approx(32768 / 65535)
    with pytest.raises(InputError, match="channels"):
        plot_polygons(words, np.zeros((100, 200, 5), np.uint8))


def test_labels_are_written_along_rotated_polygons():
    angle = np.radians(30)  # the first edge goes down-right: clockwise on screen
    d = np.array([np.cos(angle), np.sin(angle)]) * 100
    n = np.array([-np.sin(angle), np.cos(angle)]) * 20
    p0 = np.array([50.0, 50.0])
    pts = [p0, p0 + d, p0 + d + n, p0 + n]
    frame = pd.DataFrame({f"{a}{i}": [pt[j]] for i, pt in enumerate(pts, 1)
                          for j, a in enumerate("xy")})  # fmt: skip
    frame["text"], frame["confidence"] = ["tilted"], [0.8]
    ax = plot_polygons(frame, labels=True)
    (text,) = ax.texts
    assert text.get_text() == "tilted"
    assert text.get_rotation() == pytest.approx(360 - 30)
    np.testing.assert_allclose(text.get_position(), np.mean(pts, axis=0))


def test_labels_from_another_column_and_bad_column(words):
    ax = plot_polygons(words, labels="type")
    assert [t.get_text() for t in ax.texts] == words["type"].tolist()
    with pytest.raises(InputError, match="no such column"):
        plot_polygons(words, labels="nope")


def test_category_colours_and_legend(words):
    ax = plot_polygons(words, color_by="type")
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["title", "text", "table"]
    assert legend.get_title().get_text() == "type"
    edge = polys(ax).get_edgecolor()
    np.testing.assert_allclose(edge[1], edge[2])  # both "text"
    assert not np.allclose(edge[0], edge[1])
    assert not [a for a in ax.figure.axes if a.get_label() == "<colorbar>"]


def test_layer_without_confidence_falls_back_to_its_category(words):
    layout = words.drop(columns="confidence")
    ax = plot_polygons({"layout": layout}, kind="layout")
    assert ax.get_legend().get_title().get_text() == "type"


def test_bad_options_list_the_allowed_values(words):
    with pytest.raises(InputError, match=r"`kind` must be one of \['words', 'chars'"):
        plot_polygons(words, kind="paragraphs")
    with pytest.raises(InputError, match=r"`color_by` must be one of .*'type'.*'nope' was passed"):
        plot_polygons(words, color_by="nope")
    with pytest.raises(InputError, match="`threshold` must be a number in \\[0, 1\\]"):
        plot_polygons(words, threshold=5)
    with pytest.raises(InputError, match="no polygon columns"):
        plot_polygons(pd.DataFrame({"text": ["a"]}))
    with pytest.raises(InputError, match="has no 'cells' frame"):
        plot_polygons({"words": words}, kind="cells")


def test_kwargs_go_to_the_collection_and_ax_is_respected(words):
    fig, (a, b) = plt.subplots(1, 2)
    out = plot_polygons(words, ax=b, facecolors="none", linewidths=2, zorder=7)
    assert out is b and not a.collections
    coll = polys(b)
    assert coll.get_facecolor().shape[0] == 0 or np.all(coll.get_facecolor()[:, 3] == 0)
    assert coll.get_zorder() == 7 and set(coll.get_linewidth()) == {2.0}


def test_page_selects_one_page_and_mixed_pages_warn(words):
    words["page"] = [1, 1, 2, 2, 2]
    with pytest.warns(UserWarning, match="spans 2 values of `page`"):
        plot_polygons(words)
    ax = plot_polygons(words, page=2, ax=plt.figure().gca())
    assert len(polys(ax).get_paths()) == 3
    with pytest.raises(InputError, match=r"`page` must be one of \[1, 2\]"):
        plot_polygons(words, page=3)


def test_empty_frame_draws_an_empty_collection(words):
    ax = plot_polygons(words.iloc[:0])
    assert len(polys(ax).get_paths()) == 0


# --- pixels ----------------------------------------------------------------------------------


def render(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


def pixel_exact_axes(w: int, h: int):
    fig = plt.figure(figsize=(w / 100, h / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    return fig, ax


def test_overlay_pixels_match_a_numpy_drawing():
    rng = np.random.default_rng(1)
    image = rng.integers(0, 255, (60, 80, 3), np.uint8)
    rects = [(10, 5, 30, 20), (40, 30, 75, 55)]
    frame = boxes(rects, confidence=[1.0, 0.0])
    fig, ax = pixel_exact_axes(80, 60)
    plot_polygons(frame, image, ax=ax, alpha=1.0, linewidths=0, colorbar=False, antialiased=False)
    got = render(fig)
    expected = image.copy()
    cmap = matplotlib.colormaps["viridis"]
    for (x0, y0, x1, y1), c in zip(rects, [1.0, 0.0], strict=True):
        expected[y0:y1, x0:x1] = np.round(np.array(cmap(c)[:3]) * 255)
    inner = np.ones((60, 80), bool)  # ignore the one-pixel rim of each rectangle
    for x0, y0, x1, y1 in rects:
        inner[y0 - 1 : y0 + 1, x0 - 1 : x1 + 1] = inner[y1 - 1 : y1 + 1, x0 - 1 : x1 + 1] = False
        inner[y0 - 1 : y1 + 1, x0 - 1 : x0 + 1] = inner[y0 - 1 : y1 + 1, x1 - 1 : x1 + 1] = False
    diff = np.abs(got.astype(int) - expected.astype(int)).max(axis=2)
    assert diff[inner].max() <= 2
    assert (diff[~inner] > 2).mean() < 0.6  # rims are mostly right too


def test_reference_png_reproduces(tmp_path, words):
    def draw():
        fig = plt.figure(figsize=(3, 2), dpi=80)
        plot_polygons(words, threshold=0.5, labels=True, ax=fig.gca())
        return fig

    draw().savefig(tmp_path / "reference.png")
    reference = np.asarray(Image.open(tmp_path / "reference.png"))
    buf = io.BytesIO()
    draw().savefig(buf, format="png")
    again = np.asarray(Image.open(buf))
    np.testing.assert_array_equal(again, reference)
    other = io.BytesIO()
    fig = plt.figure(figsize=(3, 2), dpi=80)
    plot_polygons(words, threshold=0.9, labels=True, ax=fig.gca())
    fig.savefig(other, format="png")
    assert not np.array_equal(np.asarray(Image.open(other)), reference)


# --- real responses ----------------------------------------------------------------------------


def test_response_layers_from_sample_responses():
    text = read_response(SAMPLES / "general-text.json")
    ax = plot_polygons(text)
    assert len(polys(ax).get_paths()) == len(text.words())
    sdr = read_response(SAMPLES / "smart-document-recognizer.json")
    ax = plot_polygons(sdr, kind="layout", ax=plt.figure().gca())
    types = sorted({t.get_text() for t in ax.get_legend().get_texts()})
    import ocrframe

    layout = ocrframe.layout(sdr)
    assert types == sorted(layout["type"].astype(str).unique())
    ax = plot_polygons(sdr, kind="kv", ax=plt.figure().gca())
    assert ax.get_legend().get_title().get_text() == "role"
    assert len(polys(ax).get_paths()) == len(ocrframe.kv_boxes(sdr))
    plates = read_response(SAMPLES / "thailand-license-plate.json")
    ax = plot_polygons(plates, kind="plates", ax=plt.figure().gca())
    assert len(polys(ax).get_paths()) == len(ocrframe.plates(plates))


@pytest.mark.skipif(not (DATA / "receipts").is_dir(), reason="../shared/data is absent")
def test_receipt_ground_truth_over_the_real_image():
    lines = read_receipt(DATA / "receipts" / "000.csv")
    image = DATA / "receipts" / "000.jpg"
    w, h = Image.open(image).size
    lines["confidence"] = np.linspace(0, 1, len(lines))
    ax = plot_polygons(lines, image, threshold=0.3, labels=True)
    assert ax.get_xlim() == (0, w) and ax.get_ylim() == (h, 0)
    assert len(polys(ax).get_paths()) == len(lines) == len(ax.texts)


def read_receipt(path: Path) -> pd.DataFrame:
    rows = [ln.split(",", 8) for ln in path.read_text(encoding="utf-8").splitlines() if ln]
    frame = pd.DataFrame([r[:8] for r in rows], columns=[f"{a}{i}" for i in range(1, 5)
                                                        for a in "xy"]).astype(float)  # fmt: skip
    frame["text"] = [r[8] for r in rows]
    return frame


# --- plot_confidence ---------------------------------------------------------------------------


def test_hist_counts_valid_items_and_names_the_excluded(words):
    ax = plot_confidence(words, histtype="bar", bins=10)
    (bars,) = ax.containers
    assert bars.datavalues.sum() == 4 and len(bars) == 10
    assert ax.get_title() == "confidence of 4 items (1 without confidence excluded)"


def test_split_by_a_column_with_threshold_share(words):
    ax = plot_confidence(words, by="type", kind="ecdf", threshold=0.5)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["title (n=1, 0% below)", "text (n=2, 100% below)"]
    assert "table (n=1, 0% below)" in labels
    assert "threshold 0.5: 50.0% below (2 of 4)" in labels
    assert len(ax.lines) == 4  # three ECDF lines and the threshold
    assert ax.lines[-1].get_xdata()[0] == 0.5


def test_box_per_group_and_threshold_is_horizontal(words):
    ax = plot_confidence(words, by="type", kind="box", threshold=0.3)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["title (n=1, 0% below)", "text (n=2, 50% below)", "table (n=1, 0% below)"]
    hline = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert hline[0].get_ydata()[0] == 0.3


def test_confidence_from_responses_and_bad_input(words):
    rs = [read_response(SAMPLES / "general-text.json", source="a"),
          read_response(SAMPLES / "web-image.json", source="b")]  # fmt: skip
    ax = plot_confidence(rs, by="source")
    assert [t.get_text().split(" ")[0] for t in ax.get_legend().get_texts()] == ["a", "b"]
    with pytest.raises(InputError, match="`kind` must be one of"):
        plot_confidence(words, kind="violin")
    with pytest.raises(InputError, match="`by` must be one of"):
        plot_confidence(words, by="nope")
    with pytest.raises(InputError, match="no `confidence` column"):
        plot_confidence(words.drop(columns="confidence"))


def test_all_nan_confidence_still_returns_the_axes(words):
    words["confidence"] = np.nan
    ax = plot_confidence(words, threshold=0.5)
    assert "0 items (5 without confidence excluded)" in ax.get_title()


# --- calibration -------------------------------------------------------------------------------


def test_calibration_table_and_ece_by_text():
    pred = pd.DataFrame(
        {"text": ["A", "b", "C ", "x", "e", "f"], "confidence": [0.95, 0.91, 0.85, 0.15, 0.1, None]}
    )
    truth = ["a", "b", "c", "d", "e", "f"]
    table = calibration_table(pred, truth, bins=2)
    assert table["count"].tolist() == [2, 3]
    assert table["accuracy"].tolist() == [0.5, pytest.approx(1 / 3)]  # "b" only
    insensitive = calibration_table(pred, truth, bins=2, ignore_case=True)
    assert insensitive["accuracy"].tolist() == [0.5, 1.0]
    expected = (2 * abs(0.5 - 0.125) + 3 * abs(1.0 - (0.95 + 0.91 + 0.85) / 3)) / 5
    assert expected_calibration_error(pred, truth, 2, ignore_case=True) == pytest.approx(expected)


def test_matching_by_box_overlap_beats_text():
    truth = boxes([(0, 0, 100, 20), (0, 30, 100, 50)], text=["TOTAL", "CASH"])
    pred = boxes([(2, 31, 99, 52), (1, 1, 100, 21), (200, 200, 220, 210)],
                 text=["CASH", "T0TAL", "TOTAL"], confidence=[0.9, 0.8, 0.7])  # fmt: skip
    m = match_truth(pred, truth)
    assert m["truth_text"].tolist()[:2] == ["CASH", "TOTAL"]
    assert pd.isna(m["truth_text"].iloc[2])  # no overlap: unmatched even if the text exists
    assert m["correct"].tolist() == [True, False, False]
    assert m["iou"].iloc[0] > 0.8


def test_matching_stays_within_page():
    truth = boxes([(0, 0, 100, 20)] * 2, text=["ONE", "TWO"], page=[1, 2])
    pred = boxes([(0, 0, 100, 20)] * 2, text=["TWO", "TWO"], confidence=[0.5, 0.5], page=[1, 2])
    assert match_truth(pred, truth)["correct"].tolist() == [False, True]


def test_plot_calibration_draws_bars_diagonal_and_ece():
    rng = np.random.default_rng(3)
    conf = rng.uniform(0, 1, 400)
    pred = pd.DataFrame({"text": [f"w{i}" for i in range(400)], "confidence": conf})
    truth = [t if rng.uniform() < c else "wrong" for t, c in zip(pred["text"], conf, strict=True)]
    ax = plot_calibration(pred, truth, bins=5)
    ece = expected_calibration_error(pred, truth, 5)
    assert ax.get_title() == f"reliability: ECE = {ece:.3f} over 400 items"
    assert ece < 0.1  # accuracy follows confidence by construction
    diagonal = ax.lines[0]
    assert list(diagonal.get_xdata()) == [0, 1] and list(diagonal.get_ydata()) == [0, 1]
    bars = ax.containers[0]
    table = calibration_table(pred, truth, 5)
    np.testing.assert_allclose([b.get_height() for b in bars], table["accuracy"])


def test_calibration_bad_input():
    with pytest.raises(InputError, match="`bins` must be an integer"):
        calibration_table(pd.DataFrame({"text": [], "confidence": []}), [], bins=0)
    with pytest.raises(InputError, match="`text` column"):
        match_truth(pd.DataFrame({"confidence": [0.5]}), ["a"])
    with pytest.raises(InputError, match="list of strings"):
        match_truth(pd.DataFrame({"text": ["a"]}), "a")


def test_calibration_refuses_or_warns_on_unrelated_documents():
    # The README tour once paired a sample response with another document's ground truth and
    # drew "ECE = 0.910" without a word.
    resp = read_response(SAMPLES / "general-text.json")
    truth = ground_truth("receipt-cafe")
    with pytest.raises(InputError, match="share no document.*general-text.json.*receipt-cafe"):
        plot_calibration(resp, truth)  # a Response brings its source
    with pytest.warns(UserWarning) as caught:
        plot_calibration(resp.words(), truth)
    messages = " | ".join(str(w.message) for w in caught)
    assert "only truth has a `source`" in messages and "1 of 60 predicted items" in messages
    # the same document: no warning, and most lines match
    mine = truth.assign(confidence=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert match_truth(mine, truth)["correct"].all()


@pytest.mark.skipif(not (DATA / "receipts").is_dir(), reason="../shared/data is absent")
def test_calibration_on_a_real_receipt_ground_truth():
    truth = read_receipt(DATA / "receipts" / "001.csv")
    pred = truth.copy()
    n = len(pred)
    pred["confidence"] = np.where(np.arange(n) % 2 == 0, 0.95, 0.35)
    pred.loc[1::2, "text"] = pred.loc[1::2, "text"].str.lower() + "#"  # odd lines are wrong
    pred[["y1", "y2", "y3", "y4"]] += 2  # OCR boxes are never exactly the annotator's
    table = calibration_table(pred, truth, bins=10, ignore_case=True)
    assert table.loc[9, "accuracy"] == 1.0 and table.loc[3, "accuracy"] == 0.0
    assert table["count"].sum() == n


# --- plot_table --------------------------------------------------------------------------------


def test_schematic_table_draws_spans():
    cells = pd.DataFrame(
        {
            "table": [0, 0, 0, 0, 1], "row": [0, 1, 1, 2, 0], "col": [0, 0, 1, 0, 0],
            "row_span": [1, 1, 2, 1, 1], "col_span": [2, 1, 1, 1, 1],
            "text": ["head", "a", "tall", "b", "x"], "confidence": [0.9, 0.2, 0.8, np.nan, 1.0],
        }
    )  # fmt: skip
    ax = plot_table(cells, threshold=0.5)
    paths = polys(ax).get_paths()
    assert len(paths) == 4
    np.testing.assert_array_equal(paths[0].vertices[:4], [[0, 0], [2, 0], [2, 1], [0, 1]])
    np.testing.assert_array_equal(paths[2].vertices[:4], [[1, 1], [2, 1], [2, 3], [1, 3]])
    assert ax.get_xlim() == (0, 2) and ax.get_ylim() == (3, 0)
    assert [t.get_text() for t in ax.texts] == ["head", "a", "tall", "b"]
    red = np.isclose(polys(ax).get_edgecolor(), (0.85, 0, 0, 1)).all(axis=1)
    assert red.tolist() == [False, True, False, False]
    with pytest.raises(InputError, match=r"no table 7 .* tables \[0, 1\]"):
        plot_table(cells, table=7)


def test_table_over_image_from_a_response():
    r = read_response(SAMPLES / "general-table.json")
    import ocrframe

    cells = ocrframe.cells(r)
    first = cells[cells["table"] == cells["table"].min()]
    ax = plot_table(r, table=int(cells["table"].min()))
    assert len(polys(ax).get_paths()) == len(first)
    assert len(ax.texts) == len(first)
    assert ax.get_ylim()[0] >= first["y_max"].max()
    schematic = plot_table(r, schematic=True, ax=plt.figure().gca())
    assert schematic.get_xlim()[1] == (first["col"] + first["col_span"]).max()


def test_a_pdf_or_tiff_page_is_drawn_under_its_polygons(tmp_path):
    """plot_polygons(response, image="doc.pdf") said "cannot identify image file": the page
    is now rendered at the service's 150 dpi (a TIFF's page is read), the one the frame is on."""
    pytest.importorskip("pypdfium2")
    from PIL import ImageDraw

    from ocrframe.inputs.pdf import render_page

    pages = []
    for n in (1, 2):
        page = Image.new("RGB", (400, 300), "white")
        ImageDraw.Draw(page).rectangle((50 * n, 40, 50 * n + 80, 90), fill=(0, 0, 0))
        pages.append(page)
    pdf, tif = tmp_path / "doc.pdf", tmp_path / "doc.tif"
    pages[0].save(tif, save_all=True, append_images=pages[1:])
    pages[0].copy().save(pdf, save_all=True, append_images=[pages[1].copy()], resolution=150.0)
    words = pd.DataFrame(
        {"page": [1, 2], "text": ["a", "b"], "confidence": [0.9, 0.8],
         "x_min": [50.0, 100.0], "y_min": [40.0, 40.0], "x_max": [130.0, 180.0],
         "y_max": [90.0, 90.0]}
    )  # fmt: skip
    for image, want in ((pdf, np.asarray(render_page(pdf, page=2))), (tif, np.asarray(pages[1]))):
        ax = plot_polygons(words, image=image, page=2)
        drawn = ax.get_images()[0].get_array()
        assert drawn.shape == want.shape and np.array_equal(np.asarray(drawn), want)
        plt.close(ax.figure)
        one_page = plot_polygons(words[words["page"] == 2], image=image)  # the frame's page
        assert np.array_equal(np.asarray(one_page.get_images()[0].get_array()), want)
        plt.close(one_page.figure)
    with pytest.raises(InputError, match="page must be an integer from 1 to 2"):
        plot_polygons(words.assign(page=3), image=tif, page=3)


def test_a_batch_of_huawei_files_splits_by_vendor_as_a_list_of_its_responses_does(tmp_path):
    """``plot_confidence(list_of_responses, by="vendor")`` worked and the same responses as a
    Batch raised: a Batch's frame has ``vendor`` only when it mixes engines."""
    import json

    import ocrframe
    from ocrframe.synth import synthesize

    for i in range(2):
        (tmp_path / f"r{i}.json").write_text(json.dumps(synthesize("general-text", seed=i)))
    batch = ocrframe.read_responses(tmp_path)
    for data in (batch, list(batch)):
        ax = plot_confidence(data, by="vendor")
        assert [t.get_text() for t in ax.get_legend().get_texts()][0].startswith("huawei")
        plt.close(ax.figure)
