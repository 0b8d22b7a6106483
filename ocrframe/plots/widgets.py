"""An ipywidgets viewer: responses over their images, layer toggles, a live confidence threshold.

The figure is built once. Changing the threshold or the filter only rewrites the colour and
width arrays of one PolyCollection; changing document or layer swaps its vertices and the image
data in place. With the ipympl backend (``%matplotlib widget``) the canvas itself is the widget
(click a polygon to select its row); otherwise each update is rendered to a PNG shown in an
``ipywidgets.Image``. Without ipywidgets or a notebook frontend, :meth:`Viewer.show` gives the
static figure and says why.

>>> from ocrframe.widgets import Viewer
>>> v = Viewer({"scan": {"result": {"words_block_list": [{"words": "Hi", "confidence": 0.5,
...     "location": [[0, 0], [40, 0], [40, 10], [0, 10]]}]}}})
>>> v.set(threshold=0.8, show="below").visible_count
1
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..inputs.formats import IMAGE_SUFFIXES as _IMAGE_SUFFIXES
from .data import (
    CATEGORY_OF,
    KINDS,
    below,
    canvas_size,
    check_argument,
    gray_range,
    layer_frame,
    load_image,
    polygon_array,
    polygon_styles,
)

__all__ = ["Viewer"]

LAYERS = ("words", "chars", "cells", "kv", "layout", "fields", "formulas", "plates", "tokens")
SHOW = ("all", "below", "above")
_HIGHLIGHT = (1.0, 0.0, 1.0, 1.0)


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
        Initial confidence threshold; items below it get a thick red edge.
    max_rows : int
        Rows listed in the table and the row selector.
    figsize : tuple
        Figure size in inches.

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
        check_argument("layer", layer, LAYERS)
        self.names, self._responses = _documents(data)
        self._images = _image_sources(images, self.names, self._responses)
        self._loaded: dict[str, np.ndarray | None] = {}
        self.max_rows = int(max_rows)
        self.document, self.layer = self.names[0], layer
        self.threshold, self.show_mode, self.selected = float(threshold), "all", None
        below(pd.DataFrame(), self.threshold)  # validates the range
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
            check_argument("document", document, self.names)
        if layer is not None:
            check_argument("layer", layer, LAYERS)
        if show is not None:
            check_argument("show", show, SHOW)
        if threshold is not None:
            below(pd.DataFrame(), threshold)
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
            from IPython.display import display

            display(self.widget)
            return None
        warnings.warn(self._fallback_message(), stacklevel=2)
        return self.figure

    def _ipython_display_(self) -> None:
        from IPython.display import display

        bundle = dict(self.widget._repr_mimebundle_() or {}) if self.widget is not None else {}
        bundle["image/png"] = self._png()  # what a frontend without the widget manager shows
        bundle["text/plain"] = f"{self!r}\n{self._fallback_message()}"
        display(bundle, raw=True)

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
        self.ax = self.figure.add_subplot()
        self._image = self.ax.imshow(np.zeros((1, 1, 3)), extent=(0, 1, 1, 0), zorder=0)
        self.collection = PolyCollection(np.zeros((0, 4, 2)), closed=True, picker=True)
        self.ax.add_collection(self.collection, autolim=False)
        self._highlight = Polygon(
            np.zeros((4, 2)),
            closed=True,
            fill=False,
            visible=False,
            edgecolor=_HIGHLIGHT,
            linewidth=3.0,
            zorder=5,
        )
        self.ax.add_patch(self._highlight)
        mappable = mpl.cm.ScalarMappable(mpl.colors.Normalize(0.0, 1.0), "viridis")
        self.figure.colorbar(mappable, ax=self.ax, label="confidence", shrink=0.7)
        self.figure.canvas.mpl_connect("pick_event", self._on_pick)

    def _load(self) -> None:
        """Flatten the current document's layer and put it into the existing artists."""
        from matplotlib.patches import Patch

        response = self._responses[self.names.index(self.document)]
        try:
            frame = layer_frame(response, self.layer)
        except InputError as exc:
            frame, self._message = pd.DataFrame(), str(exc)
        else:
            self._message = ""
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
        self.collection.set_linewidth(lw)
        if self.selected is not None and not self._visible_rows()[self._position(self.selected)]:
            self.selected = None
        self._update_highlight()
        self._refresh_panel()
        self._redraw()

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
        self._redraw()

    def _update_highlight(self) -> None:
        pos = None if self.selected is None else self._position(self.selected)
        if pos is None or not self._mask[pos]:
            self._highlight.set_visible(False)
            return
        self._highlight.set_xy(self._verts[int(self._mask[:pos].sum())])
        self._highlight.set_visible(True)

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
        if self._w is None:
            return
        if self._ipympl:
            self.figure.canvas.draw_idle()
        else:
            self._w["image"].value = self._png()

    # --- widgets ---------------------------------------------------------------------------------

    def _build_widgets(self):
        try:
            import ipywidgets as W
        except ImportError:
            self._w = None
            return None
        w = {
            "doc": W.Dropdown(options=self.names, value=self.document, description="document"),
            "layer": W.ToggleButtons(options=list(LAYERS), value=self.layer),
            "threshold": W.FloatSlider(
                value=self.threshold,
                min=0.0,
                max=1.0,
                step=0.01,
                description="threshold",
                continuous_update=True,
                readout_format=".2f",
            ),
            "show": W.ToggleButtons(
                options=list(SHOW),
                value="all",
                description="show",
                tooltips=["all items", "only below threshold", "only at or above threshold"],
            ),
            "rows": W.Select(options=[], rows=12, layout=W.Layout(width="100%")),
            "status": W.HTML(),
            "detail": W.HTML(),
            "table": W.HTML(layout=W.Layout(max_height="420px", overflow="auto")),
        }
        self._w = w
        canvas = self.figure.canvas if self._ipympl else W.Image(format="png")
        w["image"] = canvas
        w["doc"].observe(lambda c: self._on_change(document=c["new"]), names="value")
        w["layer"].observe(lambda c: self._on_change(layer=c["new"]), names="value")
        w["threshold"].observe(lambda c: self._on_change(threshold=c["new"]), names="value")
        w["show"].observe(lambda c: self._on_change(show=c["new"]), names="value")
        w["rows"].observe(self._on_row, names="value")
        controls = W.VBox([w["doc"], w["layer"], W.HBox([w["threshold"], w["show"]])])
        side = W.VBox(
            [w["status"], w["rows"], w["detail"], w["table"]], layout=W.Layout(width="45%")
        )
        # flex-start: the default "stretch" makes the browser stretch the PNG (or canvas) to the
        # side panel's height whenever that is taller (a row's detail shown), distorting it
        body = W.HBox([canvas, side], layout=W.Layout(align_items="flex-start"))
        return W.VBox([controls, body])

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

    def _refresh_panel(self) -> None:
        if self._w is None:
            return
        rows = self.frame[self._visible_rows()]
        shown = rows.head(self.max_rows)
        text = shown["text"] if "text" in shown.columns else pd.Series("", index=shown.index)
        conf = shown["confidence"] if "confidence" in shown.columns else None
        options = [
            (f"{label}: {str(t)[:40]}" + ("" if conf is None else f"  ({conf[label]:.2f})"), label)
            for label, t in text.items()
        ]
        w = self._w
        w["rows"].unobserve(self._on_row, names="value")
        w["rows"].options = options
        w["rows"].value = self.selected if self.selected in shown.index else None
        w["rows"].observe(self._on_row, names="value")
        status = (
            f"<b>{len(rows):,}</b> of {len(self.frame):,} {self.layer} rows shown, "
            f"{self.visible_count:,} polygons"
        )
        if len(rows) > self.max_rows:
            status += f" (listing the first {self.max_rows})"
        if self._color_by != "confidence" and len(self.frame):
            status += "<br><i>no confidences in this layer: threshold not applied</i>"
        if self._message or not len(self.frame):
            status += f"<br><i>{self._message or 'no ' + self.layer + ' in this document'}</i>"
        w["status"].value = status
        cols = [c for c in shown.columns if not _is_geometry(c)]
        w["table"].value = shown[cols].to_html(max_cols=12, na_rep="", float_format="{:.3f}".format)
        self._refresh_detail()

    def _refresh_detail(self) -> None:
        if self._w is None:
            return
        if self.selected is None:
            self._w["detail"].value = ""
            return
        row = self.frame.loc[self.selected]
        cells = "".join(
            f"<tr><th>{k}</th><td>{_escape(v)}</td></tr>"
            for k, v in row.items()
            if not _is_geometry(k)
        )
        self._w["detail"].value = f"<b>row {_escape(self.selected)}</b><table>{cells}</table>"


def _is_geometry(column: str) -> bool:
    if column.startswith(("text_x", "text_y")):
        return True
    return column[:1] in ("x", "y") and column[1:2] in ("1", "2", "3", "4", "_")


def _escape(value: Any) -> str:
    import html

    return html.escape(str(value))


def _frontend_available() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _documents(data: Any) -> tuple[list[str], list[Any]]:
    from ..response import Response, read_response

    if isinstance(data, Response) or (isinstance(data, Mapping) and "result" in data):
        items = [(None, data)]
    elif isinstance(data, Mapping):
        items = [(str(k), v) for k, v in data.items()]
    elif isinstance(data, Iterable) and not isinstance(data, str | bytes):
        items = [(None, r) for r in data]
    else:
        raise InputError(
            f"Viewer takes a list of Responses, a dict of name -> Response or a Batch, "
            f"got {type(data).__name__}"
        )
    if not items:
        raise InputError("Viewer got no documents; pass at least one response")
    names, responses = [], []
    for i, (name, r) in enumerate(items):
        r = r if isinstance(r, Response) else read_response(r)
        base = name or (str(r.source) if r.source else f"document {i}")
        if r.page is not None and name is None:
            base += f" p{r.page}"
        label, k = base, 1
        while label in names:
            k += 1
            label = f"{base} ({k})"
        names.append(label)
        responses.append(r)
    return names, responses


def _image_sources(images: Any, names: list[str], responses: list[Any]) -> dict[str, Any]:
    if images is None:
        out = {}
        for name, r in zip(names, responses, strict=True):
            src = getattr(r, "source", None)
            if src and Path(str(src)).suffix.lower() in _IMAGE_SUFFIXES and Path(src).is_file():
                out[name] = src
        return out
    if isinstance(images, Mapping):
        unknown = sorted(set(map(str, images)) - set(names))
        if unknown:
            raise InputError(f"images for unknown documents {unknown}; the documents are {names}")
        return {str(k): v for k, v in images.items()}
    if isinstance(images, list | tuple):
        if len(images) != len(names):
            raise InputError(f"got {len(images)} images for {len(names)} documents")
        return {n: im for n, im in zip(names, images, strict=True) if im is not None}
    if len(names) == 1:
        return {names[0]: images}
    raise InputError("pass images as a list (one per document) or a dict name -> image")
