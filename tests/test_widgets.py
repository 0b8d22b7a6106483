"""Tests for ocrframe.widgets.Viewer: drive the widgets' values and check the state they produce."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from ocrframe import read_response  # noqa: E402
from ocrframe.errors import InputError  # noqa: E402
from ocrframe.widgets import Viewer  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "ocrframe" / "sample_data" / "responses"
RED = (0.85, 0.0, 0.0, 1.0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def body(confidences, *, offset=0):
    blocks = []
    for i, c in enumerate(confidences):
        y = 10 + 30 * i
        block = {"words": f"line {i + offset}", "location": [[10, y], [200, y], [200, y + 20],
                                                             [10, y + 20]]}  # fmt: skip
        if c is not None:
            block["confidence"] = c
        blocks.append(block)
    return {"result": {"words_block_list": blocks}}


@pytest.fixture
def viewer():
    image = np.full((300, 400, 3), 255, np.uint8)
    docs = {"first": body([0.95, 0.4, None, 0.7, 0.1]), "second": body([0.2, 0.99], offset=10)}
    return Viewer(docs, images={"first": image}, layer="words")


def png_array(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)))


def test_initial_state(viewer):
    assert viewer.names == ["first", "second"]
    assert viewer._w["doc"].options == ("first", "second")
    assert len(viewer.collection.get_paths()) == 5 and viewer.visible_count == 5
    assert viewer.ax.get_xlim() == (0, 400) and viewer.ax.get_ylim() == (300, 0)
    assert len(viewer._w["rows"].options) == 5
    assert "line 0" in viewer._w["table"].value
    # 7 in wide; the 4:3 page is 0.84 * 7 in wide, so 4.41 in high, plus 0.4 in for the title
    assert png_array(viewer._w["image"].value).shape[:2] == (481, 700)


def test_slider_recolours_in_place_without_rebuilding(viewer):
    coll, fig, image_before = viewer.collection, viewer.figure, viewer._w["image"].value
    n_artists = len(viewer.ax.get_children())
    viewer._w["threshold"].value = 0.5
    assert viewer.collection is coll and viewer.figure is fig
    assert len(viewer.ax.get_children()) == n_artists
    red = np.isclose(coll.get_edgecolor(), RED).all(axis=1)
    assert red.tolist() == [False, True, False, False, True]
    assert viewer._w["image"].value != image_before  # re-rendered
    viewer._w["threshold"].value = 0.8
    red = np.isclose(coll.get_edgecolor(), RED).all(axis=1)
    assert red.tolist() == [False, True, False, True, True]


def test_filter_hides_polygons_and_rows(viewer):
    viewer._w["threshold"].value = 0.5
    viewer._w["show"].value = "below"
    assert viewer.visible.tolist() == [False, True, False, False, True]
    assert viewer.visible_count == 2
    face = viewer.collection.get_facecolor()
    assert (face[[0, 2, 3], 3] == 0).all() and (face[[1, 4], 3] > 0).all()
    assert [v for _, v in viewer._w["rows"].options] == [1, 4]
    viewer._w["show"].value = "above"  # NaN confidence is neither below nor above
    assert viewer.visible.tolist() == [True, False, False, True, False]
    viewer._w["threshold"].value = 0.05
    assert viewer.visible_count == 4
    viewer._w["show"].value = "all"
    assert viewer.visible_count == 5


def test_document_dropdown_swaps_polygons_and_image(viewer):
    coll = viewer.collection
    viewer._w["doc"].value = "second"
    assert viewer.collection is coll and len(coll.get_paths()) == 2
    assert not viewer._image.get_visible()  # no image for "second": blank canvas
    assert viewer.ax.get_xlim() == (0, 200) and viewer.ax.get_ylim() == (60, 0)
    assert viewer.frame["text"].tolist() == ["line 10", "line 11"]
    viewer._w["doc"].value = "first"
    assert viewer._image.get_visible() and viewer.ax.get_xlim() == (0, 400)


def test_row_selection_highlights_its_polygon(viewer):
    viewer._w["rows"].value = 3
    assert viewer.selected == 3
    assert viewer._highlight.get_visible()
    expected = [[10, 100], [200, 100], [200, 120], [10, 120]]
    np.testing.assert_array_equal(viewer._highlight.get_xy()[:4], expected)
    assert "line 3" in viewer._w["detail"].value
    viewer._w["threshold"].value = 0.9
    viewer._w["show"].value = "below"  # row 3 (0.7) stays visible
    assert viewer.selected == 3
    viewer._w["show"].value = "above"  # now hidden: the selection is dropped
    assert viewer.selected is None and not viewer._highlight.get_visible()


def test_click_picks_the_visible_polygon(viewer):
    from matplotlib.backend_bases import MouseEvent, PickEvent

    mouse = MouseEvent("button_press_event", viewer.figure.canvas, 0, 0)
    viewer._on_pick(PickEvent("pick_event", viewer.figure.canvas, mouse, viewer.collection,
                              ind=np.array([4])))  # fmt: skip
    assert viewer.selected == 4 and viewer._w["rows"].value == 4
    viewer._w["threshold"].value = 0.5
    viewer._w["show"].value = "above"
    viewer._on_pick(PickEvent("pick_event", viewer.figure.canvas, mouse, viewer.collection,
                              ind=np.array([1, 3])))  # fmt: skip
    assert viewer.selected == 3  # 1 is hidden


def test_layer_toggle_uses_categories_when_there_is_no_confidence():
    sdr = read_response(SAMPLES / "smart-document-recognizer.json")
    table = read_response(SAMPLES / "general-table.json")
    v = Viewer([sdr, table])
    v._w["layer"].value = "layout"
    import ocrframe

    assert len(v.collection.get_paths()) == len(ocrframe.layout(sdr))
    assert v.ax.get_legend().get_title().get_text() == "type"
    v._w["threshold"].value = 0.9  # no confidence: nothing turns red, nothing hides
    v._w["show"].value = "below"
    assert v.visible_count == len(ocrframe.layout(sdr))
    assert not np.isclose(v.collection.get_edgecolor(), RED).all(axis=1).any()
    v._w["layer"].value = "cells"  # this API gives cells without polygons: listed, not drawn
    assert len(v.collection.get_paths()) == 0 and v.ax.get_legend() is None
    assert len(v._w["rows"].options) == len(ocrframe.cells(sdr))  # all NaN: no filter
    assert "0 polygons" in v._w["status"].value and "threshold not applied" in v._w["status"].value
    v._w["doc"].value = v.names[1]
    assert len(v.collection.get_paths()) == len(ocrframe.cells(table)) > 0
    v._w["layer"].value = "fields"
    assert len(v.frame) == 0 and "no fields in this document" in v._w["status"].value
    assert v._notice.get_visible()


def test_set_mirrors_the_widgets(viewer):
    viewer.set(document="second", threshold=0.5, show="below", row=0)
    assert viewer._w["doc"].value == "second" and viewer._w["threshold"].value == 0.5
    assert viewer.visible_count == 1 and viewer.selected == 0
    with pytest.raises(InputError, match="`layer` must be one of"):
        viewer.set(layer="pixels")
    with pytest.raises(InputError, match="row 99 is not in"):
        viewer.set(row=99)


def test_names_from_sources_lists_and_batches():
    a = read_response(body([0.5]), source="a.jpg")
    b = read_response(body([0.5]), source="a.jpg")
    c = read_response(body([0.5]))

    class Batch:
        def __iter__(self):
            return iter([a, b, c])

    v = Viewer(Batch())
    assert v.names == ["a.jpg", "a.jpg (2)", "document 2"]
    with pytest.raises(InputError, match="got no documents"):
        Viewer([])
    with pytest.raises(InputError, match="2 images for 3 documents"):
        Viewer([a, b, c], images=[None, None])
    with pytest.raises(InputError, match="unknown documents"):
        Viewer({"x": a}, images={"y": None})


def test_source_image_file_is_used(tmp_path):
    Image.fromarray(np.zeros((50, 80, 3), np.uint8)).save(tmp_path / "scan.png")
    v = Viewer([read_response(body([0.5]), source=str(tmp_path / "scan.png"))])
    assert v._image.get_visible() and v.ax.get_xlim() == (0, 80)


def test_static_fallback_without_a_frontend(viewer):
    with pytest.warns(UserWarning, match="no notebook frontend"):
        fig = viewer.show()
    assert fig is viewer.figure


def test_static_fallback_without_ipywidgets(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # makes `import ipywidgets` fail
    v = Viewer([body([0.9, 0.3])])
    assert v.widget is None
    v.set(threshold=0.5, show="below")
    assert v.visible_count == 1
    with pytest.warns(UserWarning, match="ipywidgets is not installed"):
        fig = v.show()
    assert fig is v.figure


def test_notebook_display_is_the_widget_then_a_png_kept_current(viewer, monkeypatch):
    """A notebook reopened without a kernel cannot render the widget ("model not found" in
    JupyterLab and Notebook 7): the figure is a separate image/png output next to it, updated
    in place (same display id) on every redraw, and hidden by the live widget's CSS."""
    shown, updated = [], []
    monkeypatch.setattr(
        "IPython.display.display",
        lambda obj, raw=False, display_id=None: shown.append((obj, display_id)),
    )
    monkeypatch.setattr(
        "IPython.display.update_display",
        lambda obj, raw=False, display_id=None: updated.append((obj, display_id)),
    )
    viewer._ipython_display_()
    (widget, widget_id), (static, static_id) = shown
    assert "application/vnd.jupyter.widget-view+json" in widget and widget_id is None
    assert "image/png" not in widget  # a frontend picks one type per output: keep them apart
    assert set(static) == {"image/png", "text/plain"} and static_id
    assert png_array(static["image/png"]).ndim == 3
    assert "static figure" in static["text/plain"]
    viewer._w["threshold"].value = 0.5
    (bundle, display_id), *_ = updated
    assert display_id == static_id and bundle["image/png"] == viewer._w["image"].value
    assert bundle["image/png"] != static["image/png"]
    css = viewer.widget.children[0].value
    assert f".jp-OutputArea-child:has(.ocrframe-viewer-{static_id}) + .jp-OutputArea-child" in css
    assert f"ocrframe-viewer-{static_id}" in viewer.widget._dom_classes


def test_layout_wraps_the_panel_below_a_narrow_figure(viewer):
    """Side by side when both fit their flex basis, else the panel wraps below; the figure
    scales to its box. The figure and the panel each keep their own height (align flex-start:
    with "stretch" a browser stretched the 700x700 PNG to 700x808 when the panel was taller)."""
    style, controls, body = viewer.widget.children
    figure, side = body.children
    assert body.layout.flex_flow == "row wrap" and body.layout.align_items == "flex-start"
    assert figure.children == (viewer._w["image"],)
    assert figure.layout.flex == "3 1 420px" and side.layout.flex == "2 1 340px"
    assert side.layout.min_width == "300px"
    image = viewer._w["image"].layout
    assert (image.width, image.height) == ("100%", "auto")
    assert controls.layout.flex_flow == "row wrap"
    show = controls.children[-1]  # its label beside it in a row that never wraps
    assert show.children[1] is viewer._w["show"] and show.children[0].value == "show"
    assert show.layout.flex_flow == "row nowrap"
    assert viewer._w["layer"].style.button_width == "auto"  # eight buttons fit one row


def test_figure_height_follows_the_page_so_there_is_no_blank_band():
    tall = {"tall": body([0.9])}
    v = Viewer(tall, images={"tall": np.full((1000, 400, 3), 255, np.uint8)})
    height, width = png_array(v._w["image"].value).shape[:2]
    assert width == 700 and height == 740  # the page is capped at figsize's height
    v2 = Viewer({"wide": body([0.9])}, images={"wide": np.full((200, 1000, 3), 255, np.uint8)})
    height, width = png_array(v2._w["image"].value).shape[:2]
    assert abs(height - 100 * (5.88 * 200 / 1000 + 0.4)) <= 1  # page plus title only
    page = v2.ax.get_window_extent()
    assert page.height / page.width == pytest.approx(0.2, abs=0.01)


def test_flagged_small_items_keep_a_thin_edge():
    """A character below the threshold must stay readable: its red edge is at most 12 % of its
    size as drawn, not a fixed 3 pt (which hid 10 px characters on a page drawn at ~0.4x)."""
    chars = {"result": {"words_block_list": [{"words": "ab", "confidence": 0.9, "char_list": [
        {"char": "a", "char_confidence": 0.3, "char_location": [[10, 10], [18, 10], [18, 20],
                                                           [10, 20]]},
        {"char": "b", "char_confidence": 0.99, "char_location": [[20, 10], [28, 10], [28, 20],
                                                            [20, 20]]}],
        "location": [[10, 10], [28, 10], [28, 20], [10, 20]]}]}}  # fmt: skip
    v = Viewer(chars, images=np.full((700, 1600, 3), 255, np.uint8), layer="chars", threshold=0.5)
    assert len(v.frame) == 2
    red = np.isclose(v.collection.get_edgecolor(), RED).all(axis=1)
    assert red.tolist() == [True, False]
    per_pixel = 72 * 5.88 / 1600  # points per image pixel: 5.88 in for 1600 px
    lw = v.collection.get_linewidths()
    assert lw[0] == pytest.approx(max(0.12 * 8 * per_pixel, 0.5))
    assert lw[0] < 1.0 and lw[1] <= lw[0]


def test_selected_item_is_zoomed_in_the_panel(viewer):
    img = np.full((300, 400, 3), 255, np.uint8)
    img[100:120, 10:200] = 0  # row 3's box is black
    viewer._images["first"] = img
    viewer._loaded.clear()
    viewer.set(layer="chars").set(layer="words")  # reload with the new image
    zoom = viewer._w["zoom"]
    assert zoom.layout.display == "none"
    viewer.set(row=3)
    assert zoom.layout.display is None
    crop = png_array(zoom.value)
    # 190 x 20 px box plus margins, enlarged to fit 320 x 120
    assert crop.shape[1] == 320 and crop.shape[0] < 120 and crop.min() == 0 and crop.max() == 255
    assert "line 3" in viewer._w["detail"].value
    viewer.set(document="second", row=0)  # no image: nothing to zoom
    assert zoom.layout.display == "none"


def test_table_puts_text_and_confidence_first_and_rows_are_clickable(viewer):
    table = viewer._w["table"].value
    head = table[table.index("<thead>") : table.index("</thead>")]
    assert head.index(">text<") < head.index(">confidence<")
    assert ">region<" not in head and ">cell<" not in head  # all empty: left out
    viewer.set(threshold=0.5, show="below")
    table = viewer._w["table"].value
    # row i of the table picks option i of the list (rows 1 and 4 are listed)
    assert [v for _, v in viewer._w["rows"].options] == [1, 4]
    assert "s.selectedIndex=0;" in table and "s.selectedIndex=1;" in table
    assert "s.selectedIndex=2;" not in table
    assert table.index("line 1") < table.index("s.selectedIndex=1;") < table.index("line 4")
    viewer._w["rows"].value = 4
    assert '<tr class="ocrframe-selected"' in viewer._w["table"].value


def test_chars_layer_without_characters_says_so_on_the_figure():
    response = read_response(body([0.9, 0.5]), api="general-text")
    v = Viewer([response], layer="chars")
    assert len(v.frame) == 0
    hint = "no chars in this document: call general-text with character_mode=True"
    assert v._notice.get_visible() and v._notice.get_text().startswith(hint)
    assert hint in v._w["status"].value
    v.set(layer="words")
    assert not v._notice.get_visible()


def test_grey_images_keep_their_grey_levels():
    """A greyscale page must not render black (the placeholder's colour range stuck)."""
    grey = np.full((120, 220), 200, dtype=np.uint8)
    grey[40:60, 20:180] = 30
    docs = {"a": read_response(body([0.9, 0.5])), "b": read_response(body([0.7]))}
    viewer = Viewer(docs, images={"a": grey, "b": np.dstack([grey] * 3)})
    assert viewer._image.get_clim() == (0.0, 255.0)
    rgba = viewer._image.to_rgba(grey)
    assert rgba[0, 0, 0] == pytest.approx(200 / 255, abs=0.01)
    viewer.set(document="b")
    assert viewer._image.get_array().shape == (120, 220, 3)
