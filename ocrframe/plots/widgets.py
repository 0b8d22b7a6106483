"""An ipywidgets viewer: responses over their images, layer toggles, a live confidence threshold.

The figure is built once. Changing the threshold or the filter only rewrites the colour and
width arrays of one PolyCollection; changing document or layer swaps its vertices and the image
data in place. With the ipympl backend (``%matplotlib widget``) the canvas itself is the widget
(click a polygon to select its row); otherwise each update is rendered to a PNG shown in an
``ipywidgets.Image``. The image and the side panel (:mod:`ocrframe.plots.viewer_panel`) sit side by
side when there is room and wrap one under the other when there is not. Without ipywidgets or a
notebook frontend, :meth:`Viewer.show` gives the static figure and says why; in a notebook the
current figure is also kept as a PNG output next to the widget, so a saved notebook shows it
without a kernel.

>>> from ocrframe.widgets import Viewer
>>> v = Viewer({"scan": {"result": {"words_block_list": [{"words": "Hi", "confidence": 0.5,
...     "location": [[0, 0], [40, 0], [40, 10], [0, 10]]}]}}})
>>> v.set(threshold=0.8, show="below").visible_count
1
"""

from __future__ import annotations

import io
import uuid
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import check_choice, check_number, check_threshold
from ..errors import InputError
from .data import (
    CATEGORY_OF,
    KINDS,
    below,
    canvas_size,
    fit_line_widths,
    gray_range,
    layer_frame,
    load_image,
    polygon_array,
    polygon_styles,
)
from .viewer_inputs import documents, image_sources
from .viewer_panel import (
    arrange,
    detail_html,
    empty_layer_message,
    make_widgets,
    row_options,
    rows_table_html,
    status_html,
    zoom_png,
)

__all__ = ["Viewer"]

LAYERS = ("words", "chars", "cells", "kv", "layout", "fields", "formulas", "plates", "tokens")
SHOW = ("all", "below", "above")
_HIGHLIGHT = (1.0, 0.0, 1.0, 1.0)
_AXES_WIDTH = 0.84  # of the figure's width; the colour bar and its labels take the rest
_TITLE_IN, _BOTTOM_IN = 0.35, 0.05  # inches above (title) and below the page
_NOTICE_STYLE = {"ha": "center", "va": "center", "wrap": True, "color": "#a40000", "zorder": 6,
                 "bbox": {"facecolor": "white", "edgecolor": "#a40000", "alpha": 0.9}}  # fmt: skip


class Viewer:
    """Browse OCR responses over their images in a notebook.

    Parameters
    ----------
    data : list of Response, dict of name -> Response, Batch, or one Response
        Anything :func:`ocrframe.read_response` accepts works in place of a Response. Names
        come from the dict keys, else from ``Response.source``.
    images : list, dict of name -> image, or one image, optional
        Images (path, bytes, PIL image or array) in the order (or with the names) of ``data``.
        When omitted, a ``source`` that is an image file is used; otherwise a blank canvas.
    layer : str
        Layer shown first: words, chars, cells, kv, layout, fields, formulas or plates.
    threshold : float
        Initial confidence threshold; items below it get a red edge (at most a small fraction
        of the item's size, so small items stay readable).
    max_rows : int
        Rows listed in the table and the row selector.
    figsize : tuple
        Figure width in inches, and the most height a page may take; the height follows each
        page's aspect ratio, so there is no blank band above or below it.

    Attributes
    ----------
    figure, ax, collection
        The one matplotlib figure, its Axes and the PolyCollection of the current layer.
    frame : DataFrame
        The flattened frame of the current document and layer.
    widget : ipywidgets.Widget or None
        The app (None when ipywidgets is not importable).

    Examples
    --------
    >>> Viewer(batch, layer="words").show()  # doctest: +SKIP
    """

    def __init__(
        self,
        data: Any,
        images: Any = None,
        *,
        layer: str = "words",
        threshold: float = 0.0,
        max_rows: int = 200,
        figsize: tuple[float, float] = (7.0, 7.0),
    ) -> None:
        check_choice("layer", layer, LAYERS)
        check_threshold(threshold)
        check_number("max_rows", max_rows, low=1, integer=True)
        if not (isinstance(figsize, tuple | list) and len(figsize) == 2):
            raise InputError(f"figsize must be (width, height) in inches, got {figsize!r}")
        for side in figsize:
            check_number("figsize", side, low=0, high=100, above=True)
        self.names, self._responses = documents(data)
        self._images = image_sources(images, self.names, self._responses)
        self._loaded: dict[str, np.ndarray | None] = {}
        self.max_rows = int(max_rows)
        self.document, self.layer = self.names[0], layer
        self.threshold, self.show_mode, self.selected = float(threshold), "all", None
        self._uid = uuid.uuid4().hex[:12]
        self._static_shown = False
        self._build_figure(figsize)
        self.widget = self._build_widgets()
        self._load()

    # --- public state changes (the widgets call these too) --------------------------------------

    def set(
        self,
        *,
        document: str | None = None,
        layer: str | None = None,
        threshold: float | None = None,
        show: str | None = None,
        row: Any = None,
    ) -> Viewer:
        """Change what is shown, as the widgets do; returns the viewer.

        ``show`` is ``"all"``, ``"below"`` (only items under the threshold) or ``"above"``;
        ``row`` is an index label of :attr:`frame` to highlight.
        """
        w = self._w
        if document is not None:
            check_choice("document", document, self.names)
        if layer is not None:
            check_choice("layer", layer, LAYERS)
        if show is not None:
            check_choice("show", show, SHOW)
        if threshold is not None:
            check_threshold(threshold)
        if w is None:
            reload = (document or self.document, layer or self.layer) != (self.document, self.layer)
            self.document, self.layer = document or self.document, layer or self.layer
            self.threshold = self.threshold if threshold is None else float(threshold)
            self.show_mode = show or self.show_mode
            self._load() if reload else self._restyle()
            if row is not None:
                self._select(row)
            return self
        for name, value in (
            ("doc", document),
            ("layer", layer),
            ("threshold", threshold),
            ("show", show),
        ):
            if value is not None:
                w[name].value = value
        if row is not None:
            self._select(row)
        return self

    @property
    def visible(self) -> np.ndarray:
        """Boolean mask over the drawn polygons (rows of :attr:`frame` with a polygon)."""
        return self._visible_rows()[self._mask]

    @property
    def visible_count(self) -> int:
        """How many polygons are drawn visibly."""
        return int(self.visible.sum())

    def show(self):
        """Display the app; without ipywidgets or a notebook frontend, return the static figure."""
        if self.widget is not None and _frontend_available():
            self._ipython_display_()
            return None
        warnings.warn(self._fallback_message(), stacklevel=2)
        return self.figure

    def _ipython_display_(self) -> None:
        """Two outputs: the widget, then the current figure as a PNG kept up to date.

        A notebook reopened without a kernel cannot render the widget (JupyterLab and Notebook 7
        say "model not found"), but still shows the PNG. While the widget is alive, its CSS
        hides the PNG output right after it (see :func:`ocrframe.plots.viewer_panel.viewer_css`).
        """
        from IPython.display import display

        if self.widget is not None:
            bundle = dict(self.widget._repr_mimebundle_() or {})
            bundle["text/plain"] = f"{self!r} (interactive: needs a running kernel)"
            display(bundle, raw=True)
        display(self._static_bundle(self._png()), raw=True, display_id=self._uid)
        self._static_shown = True

    def _static_bundle(self, png: bytes) -> dict[str, Any]:
        return {
            "image/png": png,
            "text/plain": f"{self!r}\nstatic figure of the viewer as last shown; "
            "run the notebook with a kernel for the app",
        }

    def __repr__(self) -> str:
        return (
            f"Viewer({len(self.names)} documents, document={self.document!r}, "
            f"layer={self.layer!r}, threshold={self.threshold:g}, show={self.show_mode!r})"
        )

    def _fallback_message(self) -> str:
        if self.widget is None:
            return (
                "ocrframe.widgets.Viewer: ipywidgets is not installed, showing a static figure. "
                "Install it with `pip install ipywidgets` and run in Jupyter for the app."
            )
        return (
            "ocrframe.widgets.Viewer: no notebook frontend (or its widget extension) is "
            "available, showing a static figure. Run in JupyterLab or Notebook 7 for the app."
        )

    # --- the figure ------------------------------------------------------------------------------

    def _build_figure(self, figsize) -> None:
        import matplotlib as mpl
        from matplotlib.collections import PolyCollection
        from matplotlib.patches import Polygon

        self._figsize = (float(figsize[0]), float(figsize[1]))
        self._ipympl = "ipympl" in mpl.get_backend().lower() or "widget" in mpl.get_backend()
        if self._ipympl:
            import matplotlib.pyplot as plt

            with plt.ioff():
                self.figure = plt.figure(figsize=figsize)
        else:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            self.figure = Figure(figsize=figsize)
            FigureCanvasAgg(self.figure)
        # explicit axes: the figure's height is fitted to each page (see _fit_figure)
        self.ax = self.figure.add_axes((0.0, 0.0, _AXES_WIDTH, 1.0))
        self.ax.set_axis_off()
        self._colorbar_ax = self.figure.add_axes((0.87, 0.15, 0.025, 0.7))
        self._image = self.ax.imshow(np.zeros((1, 1, 3)), extent=(0, 1, 1, 0), zorder=0)
        self.collection = PolyCollection(np.zeros((0, 4, 2)), closed=True, picker=True)
        self.ax.add_collection(self.collection, autolim=False)
        self._highlight = Polygon(
            np.zeros((4, 2)),
            closed=True,
            fill=False,
            visible=False,
            edgecolor=_HIGHLIGHT,
            linewidth=1.5,
            zorder=5,
        )
        self.ax.add_patch(self._highlight)
        self._notice = self.ax.text(0.5, 0.5, "", transform=self.ax.transAxes, **_NOTICE_STYLE)
        mappable = mpl.cm.ScalarMappable(mpl.colors.Normalize(0.0, 1.0), "viridis")
        self.figure.colorbar(mappable, cax=self._colorbar_ax, label="confidence")
        self.figure.canvas.mpl_connect("pick_event", self._on_pick)

    def _fit_figure(self, width: float, height: float) -> None:
        """Figure height from the page's aspect ratio: no blank band above or below the page."""
        fig_w, max_h = self._figsize
        axes_h = min(max(fig_w * _AXES_WIDTH * height / width, 1.0), max_h)
        fig_h = axes_h + _TITLE_IN + _BOTTOM_IN
        self.figure.set_size_inches(fig_w, fig_h, forward=self._ipympl)
        bottom = _BOTTOM_IN / fig_h
        self.ax.set_position((0.0, bottom, _AXES_WIDTH, axes_h / fig_h))
        self._colorbar_ax.set_position(
            (0.87, bottom + 0.15 * axes_h / fig_h, 0.025, 0.7 * axes_h / fig_h)
        )

    def _load(self) -> None:
        """Flatten the current document's layer and put it into the existing artists."""
        from matplotlib.patches import Patch

        response = self._responses[self.names.index(self.document)]
        try:
            frame = layer_frame(response, self.layer)
        except InputError as exc:
            frame, self._message = pd.DataFrame(), str(exc)
        else:
            self._message = "" if len(frame) else empty_layer_message(self.layer, response)
        img = self._image_of(self.document)
        if img is not None and len(frame):  # other engines' normalised / inch coordinates
            from ..flatten import document
            from ..vendors import to_pixels

            frame = to_pixels(frame, document(response), (img.shape[1], img.shape[0]))
        self.frame = frame
        if {"x1", "x_min"} & set(frame.columns):
            verts, mask = polygon_array(frame)
        else:
            verts, mask = np.zeros((0, 4, 2)), np.zeros(len(frame), bool)
        self._verts, self._mask = verts, mask
        has_conf = "confidence" in frame.columns and frame["confidence"].notna().any()
        category = CATEGORY_OF.get(KINDS[self.layer])
        self._color_by = (
            "confidence" if has_conf else category if category in frame.columns else None
        )
        self.collection.set_verts(verts)
        w, h = canvas_size(verts, img)
        self._fit_figure(w, h)
        self._image.set_visible(img is not None)
        if img is not None:
            self._image.set_data(img)
            if img.ndim == 2:  # the norm still holds the 1x1 placeholder's range: reset it
                self._image.set_cmap("gray")
                self._image.set_clim(*gray_range(img))
        self._image.set_extent((0, w, h, 0))
        self.ax.set_xlim(0, w)
        self.ax.set_ylim(h, 0)
        self.ax.set_aspect("equal")
        self.ax.set_title(f"{self.document}: {self.layer}", fontsize="medium")
        self._notice.set_text(self._message)
        self._notice.set_visible(bool(self._message))
        legend = self.ax.get_legend()
        if legend is not None:
            legend.remove()
        if self._color_by not in ("confidence", None) and mask.any():
            _, _, _, key = polygon_styles(frame[mask], self._color_by)
            handles = [Patch(facecolor=c, edgecolor=c, label=k) for k, c in (key or {}).items()]
            self.ax.legend(handles=handles, title=self._color_by, fontsize="small")
        self.selected = None
        self._restyle()

    def _visible_rows(self) -> np.ndarray:
        n = len(self.frame)
        if self.show_mode == "all" or self._color_by != "confidence":
            return np.ones(n, bool)
        low = below(self.frame, self.threshold)
        if self.show_mode == "below":
            return low
        return ~low & self.frame["confidence"].notna().to_numpy()

    def _restyle(self) -> None:
        """Recolour and filter in place: only the collection's colour and width arrays change."""
        drawn = self.frame[self._mask]
        face, edge, lw, _ = polygon_styles(
            drawn,
            self._color_by,
            threshold=self.threshold if self._color_by == "confidence" else None,
        )
        hidden = ~self.visible
        face[hidden, 3] = 0.0
        edge[hidden, 3] = 0.0
        self.collection.set_facecolor(face)
        self.collection.set_edgecolor(edge)
        self.collection.set_linewidth(fit_line_widths(self._verts, lw, self._points_per_pixel()))
        if self.selected is not None and not self._visible_rows()[self._position(self.selected)]:
            self.selected = None
        self._update_highlight()
        self._refresh_panel()
        self._redraw()

    def _points_per_pixel(self) -> float:
        """Points one image pixel covers in the figure (the page is drawn with equal aspect)."""
        self.ax.apply_aspect()
        x0, x1 = self.ax.get_xlim()
        width_in = self.ax.get_position().width * self.figure.get_figwidth()
        return 72.0 * width_in / max(abs(x1 - x0), 1e-9)

    def _position(self, label: Any) -> int:
        return int(self.frame.index.get_loc(label))

    def _select(self, label: Any) -> None:
        if label not in self.frame.index:
            raise InputError(f"row {label!r} is not in the {self.layer} frame of {self.document!r}")
        self.selected = label
        if self._w is not None and label in dict(self._w["rows"].options).values():
            self._w["rows"].value = label
        self._update_highlight()
        self._refresh_detail()
        self._refresh_table()
        self._redraw()

    def _selected_polygon(self) -> np.ndarray | None:
        pos = None if self.selected is None else self._position(self.selected)
        if pos is None or not self._mask[pos]:
            return None
        return self._verts[int(self._mask[:pos].sum())]

    def _update_highlight(self) -> None:
        polygon = self._selected_polygon()
        self._highlight.set_visible(polygon is not None)
        if polygon is not None:
            self._highlight.set_xy(polygon)

    def _on_pick(self, event) -> None:
        if event.artist is not self.collection or not len(event.ind):
            return
        labels = self.frame.index[self._mask]
        for i in event.ind:
            if self.visible[i]:
                self._select(labels[i])
                return

    def _image_of(self, name: str) -> np.ndarray | None:
        if name not in self._loaded:
            src = self._images.get(name)
            self._loaded[name] = None if src is None else load_image(src)
        return self._loaded[name]

    def _png(self) -> bytes:
        buf = io.BytesIO()
        self.figure.canvas.print_png(buf) if not self._ipympl else self.figure.savefig(buf)
        return buf.getvalue()

    def _redraw(self) -> None:
        if self._w is None and not self._static_shown:
            return
        png = None
        if self._w is not None:
            if self._ipympl:
                self.figure.canvas.draw_idle()
            else:
                png = self._w["image"].value = self._png()
        if self._static_shown:
            from IPython.display import update_display

            bundle = self._static_bundle(png or self._png())
            update_display(bundle, raw=True, display_id=self._uid)

    # --- widgets ---------------------------------------------------------------------------------

    def _build_widgets(self):
        try:
            import ipywidgets as W
        except ImportError:
            self._w = None
            return None
        w = make_widgets(
            self.names, self.document, list(LAYERS), self.layer, self.threshold, list(SHOW)
        )
        self._w = w
        w["image"] = self.figure.canvas if self._ipympl else W.Image(format="png")
        w["doc"].observe(lambda c: self._on_change(document=c["new"]), names="value")
        w["layer"].observe(lambda c: self._on_change(layer=c["new"]), names="value")
        w["threshold"].observe(lambda c: self._on_change(threshold=c["new"]), names="value")
        w["show"].observe(lambda c: self._on_change(show=c["new"]), names="value")
        w["rows"].observe(self._on_row, names="value")
        return arrange(w, self._uid)

    def _on_change(self, **change) -> None:
        if "document" in change or "layer" in change:
            self.document = change.get("document", self.document)
            self.layer = change.get("layer", self.layer)
            self._load()
            return
        self.threshold = float(change.get("threshold", self.threshold))
        self.show_mode = change.get("show", self.show_mode)
        self._restyle()

    def _on_row(self, change) -> None:
        if change["new"] is not None and change["new"] != self.selected:
            self._select(change["new"])

    def _listed_rows(self) -> pd.DataFrame:
        return self.frame[self._visible_rows()].head(self.max_rows)

    def _refresh_panel(self) -> None:
        if self._w is None:
            return
        rows = self.frame[self._visible_rows()]
        shown = rows.head(self.max_rows)
        w = self._w
        w["rows"].unobserve(self._on_row, names="value")
        w["rows"].options = row_options(shown)
        w["rows"].value = self.selected if self.selected in shown.index else None
        w["rows"].observe(self._on_row, names="value")
        w["status"].value = status_html(
            self.layer,
            len(self.frame),
            len(rows),
            self.visible_count,
            self.max_rows,
            has_confidence=self._color_by == "confidence",
            message=self._message,
        )
        self._refresh_table()
        self._refresh_detail()

    def _refresh_table(self) -> None:
        if self._w is not None:
            self._w["table"].value = rows_table_html(self._listed_rows(), self.selected)

    def _refresh_detail(self) -> None:
        if self._w is None:
            return
        zoom, polygon = self._w["zoom"], self._selected_polygon()
        image = self._image_of(self.document)
        if polygon is not None and image is not None:
            zoom.value = zoom_png(image, polygon)
            zoom.layout.display = None
        else:
            zoom.layout.display = "none"
        if self.selected is None:
            self._w["detail"].value = ""
            return
        self._w["detail"].value = detail_html(self.selected, self.frame.loc[self.selected])


def _frontend_available() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None
