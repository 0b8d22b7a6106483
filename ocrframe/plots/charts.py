"""Matplotlib plots of OCR results over the page: polygon overlays and tables (the confidence
distributions and the reliability diagram live in :mod:`ocrframe.plots.distributions`).

Every function takes data first and everything else by keyword, draws on ``ax`` (``plt.gca()``
when omitted), returns the Axes, and never calls ``show()`` or ``savefig()``.

>>> import pandas as pd
>>> words = pd.DataFrame({"text": ["Hi"], "confidence": [0.9], "x1": [0.0], "y1": [0.0],
...     "x2": [20.0], "y2": [0.0], "x3": [20.0], "y3": [10.0], "x4": [0.0], "y4": [10.0]})
>>> ax = plot_polygons(words)
>>> len(ax.collections[0].get_paths())
1
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..arguments import check_choice, check_flag, check_number
from ..errors import InputError
from ..inputs.params import show_value
from .data import (
    BBOX,
    CATEGORY_OF,
    KINDS,
    POLYGON,
    axes_or_current,
    canvas_size,
    check_style,
    confidence_range,
    confidence_values,
    gray_range,
    label_angles,
    layer_frame,
    load_image,
    polygon_array,
    polygon_styles,
    with_plot_docs,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PolyCollection

__all__ = ["plot_polygons", "plot_table"]


@with_plot_docs
def plot_polygons(
    x: Any,
    image: Any = None,
    *,
    kind: str = "words",
    color_by: str | None = "confidence",
    threshold: float | None = None,
    labels: bool | str = False,
    page: int | None = None,
    ax: Axes | None = None,
    cmap: Any = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    alpha: float = 0.35,
    colorbar: bool = True,
    label_size: float = 7.0,
    **kwargs: Any,
) -> Axes:
    """Draw the polygons of one layer over the image, as one PolyCollection.

    Parameters
    ----------
    x : Response, DataFrame, dict of DataFrames or response body
        A frame with x1..y4 (or x_min..y_max) columns is drawn as is; otherwise the ``kind``
        layer is taken from the dict or flattened from the response.
    {image}
    kind : {{"words", "chars", "cells", "kv_boxes", "kv", "layout", "formulas", "fields", \
"plates"}}
        Layer to draw when ``x`` is not a frame.
    color_by : str or None
        ``"confidence"`` (colormap and colorbar; NaN in grey), any other column (one colour per
        category, with a legend: layout ``type``, kv ``role``, ``field``, ``source``...), or None
        for one colour. A layer without a confidence column falls back to its category column.
    threshold : float, optional
        Items with confidence below it get a thick red edge.
    labels : bool or str
        True writes the ``text`` column inside each polygon, along its first edge; a column name
        writes that column. Slow for thousands of items.
    page : int, optional
        Draw only this page of a multi-page frame.
    {ax}
    cmap : str or Colormap
        Colormap of confidences.
    vmin, vmax : float, optional
        Confidences at the ends of the colormap. By default the data's 2nd and 98th
        percentiles, so a document scored 0.90-1.00 is not one colour; the colorbar shows the
        range (arrows: values beyond it). ``vmin=0, vmax=1`` gives the full scale.
    alpha : float
        Opacity of the polygon faces (edges are opaque).
    colorbar : bool
        Add a colorbar (confidence) or a legend (categories).
    label_size : float
        Font size of labels.
    **kwargs
        Passed to :class:`matplotlib.collections.PolyCollection` (e.g. ``linewidths``,
        ``facecolors="none"``, ``zorder``), overriding the computed styles.

    {returns}

    Examples
    --------
    >>> ax = plot_polygons(response, "receipt.jpg", threshold=0.8)  # doctest: +SKIP
    >>> ax = plot_polygons(response, kind="layout", color_by="type")  # doctest: +SKIP
    """
    check_choice("kind", kind, list(KINDS))
    style = {"alpha": alpha, "label_size": label_size, "vmin": vmin, "vmax": vmax}
    cmap = check_style(cmap=cmap, threshold=threshold, flags={"colorbar": colorbar}, **style)
    if not isinstance(labels, bool | str):
        raise InputError(f"labels must be True, False or a column name, got {show_value(labels)}")
    frame = layer_frame(x, kind)
    frame = _one_page(frame, page)
    kind = KINDS[kind]
    color_by = _resolve_color_by(frame, color_by, kind)
    img = None if image is None else load_image(image, _page_drawn(frame, page))
    frames_given = isinstance(x, pd.DataFrame) or (
        isinstance(x, dict) and all(isinstance(v, pd.DataFrame) for v in x.values())
    )
    if img is not None and not frames_given:
        # other engines' normalised or inch coordinates, scaled to this image
        from ..flatten import document
        from ..vendors import to_pixels

        frame = to_pixels(frame, document(x), (img.shape[1], img.shape[0]))
    verts, mask = polygon_array(frame)
    drawn = frame[mask]
    ax = axes_or_current(ax)
    conf = confidence_values(drawn)
    vrange = confidence_range(conf, vmin, vmax)
    face, edge, lw, legend = polygon_styles(
        drawn, color_by, cmap=cmap, alpha=alpha, threshold=threshold, vrange=vrange
    )
    _draw(ax, verts, img, face, edge, lw, kwargs, label=kind)
    if labels:
        _labels(ax, verts, drawn, "text" if labels is True else labels, label_size)
    if colorbar:
        _key(ax, color_by, cmap, legend, conf, vrange)
    return ax


def _page_drawn(frame: pd.DataFrame, page: int | None) -> int | None:
    """The page the polygons are on (of a PDF or multi-page TIFF given as the image): the one
    asked for, else the frame's only page."""
    if page is not None or "page" not in frame.columns:
        return page
    pages = pd.unique(frame["page"].dropna())
    return int(pages[0]) if len(pages) == 1 else None


def _one_page(frame: pd.DataFrame, page: int | None) -> pd.DataFrame:
    if "page" not in frame.columns:
        if page is not None:
            raise InputError(f"page={page} was passed but the frame has no `page` column")
        return frame
    if page is not None:
        pages = sorted(pd.unique(frame["page"].dropna()).tolist())
        check_choice("page", page, pages)
        return frame[frame["page"] == page]
    for col in ("source", "page"):
        if col in frame.columns and frame[col].nunique() > 1:
            warnings.warn(
                f"the frame spans {frame[col].nunique()} values of `{col}`; their polygons are "
                f"drawn on one canvas. Select one first (e.g. page=1 or frame[frame.{col} == ...])",
                stacklevel=3,
            )
            break
    return frame


def _resolve_color_by(frame: pd.DataFrame, color_by: str | None, kind: str) -> str | None:
    if isinstance(color_by, str) and color_by == "confidence" and "confidence" not in frame.columns:
        fallback = CATEGORY_OF.get(kind)
        return fallback if fallback in frame.columns else None
    allowed = ["confidence", None] + [c for c in frame.columns if c not in POLYGON + BBOX]
    check_choice("color_by", color_by, list(dict.fromkeys(allowed)))
    return color_by


def _draw(ax, verts, img, face, edge, lw, kwargs, *, label) -> PolyCollection:
    from matplotlib import cbook
    from matplotlib.collections import PolyCollection

    w, h = canvas_size(verts, img)
    if img is not None:
        if img.ndim == 2:  # true grey levels, not stretched to the image's min..max
            vmin, vmax = gray_range(img)
            ax.imshow(img, extent=(0, w, h, 0), cmap="gray", vmin=vmin, vmax=vmax, zorder=0)
        else:
            ax.imshow(img, extent=(0, w, h, 0), zorder=0)
    if np.ndim(lw) and len(lw) and (lw == lw[0]).all():
        lw = float(lw[0])  # one width: matplotlib scales the dash pattern once, not per polygon
    style = {"facecolor": face, "edgecolor": edge, "linewidth": lw, "label": label}
    style.update(cbook.normalize_kwargs(kwargs, PolyCollection))
    coll = PolyCollection(verts, closed=True, **style)
    ax.add_collection(coll, autolim=False)
    ax.set_xlim(0, w)
    ax.set_ylim(h, 0)
    ax.set_aspect("equal")
    return coll


def _labels(ax, verts, frame, column, size) -> None:
    if column not in frame.columns:
        raise InputError(f"labels={column!r}: no such column; the frame has {list(frame.columns)}")
    centers = verts.mean(axis=1)
    angles = label_angles(verts)
    texts = frame[column].astype("object").where(frame[column].notna(), "").astype(str)
    for (cx, cy), angle, text in zip(centers, angles, texts, strict=True):
        ax.text(
            cx,
            cy,
            text,
            rotation=angle,
            rotation_mode="anchor",
            ha="center",
            va="center",
            fontsize=size,
            clip_on=True,
        )


def _key(ax, color_by, cmap, legend, conf=None, vrange=(0.0, 1.0)) -> None:
    """The colorbar of confidences over ``vrange`` (arrows when ``conf`` goes beyond it), or
    the legend of categories."""
    import matplotlib as mpl
    from matplotlib.patches import Patch

    if color_by == "confidence":
        lo, hi = vrange
        finite = np.asarray([] if conf is None else conf, dtype=float)
        finite = finite[np.isfinite(finite)]
        low, high = bool((finite < lo).any()), bool((finite > hi).any())
        extend = {(True, True): "both", (True, False): "min", (False, True): "max"}
        mappable = mpl.cm.ScalarMappable(mpl.colors.Normalize(lo, hi), cmap)
        label = "confidence" if (lo, hi) == (0.0, 1.0) else f"confidence ({lo:.3g} to {hi:.3g})"
        ax.figure.colorbar(mappable, ax=ax, label=label, fraction=0.046, pad=0.04,
                           extend=extend.get((low, high), "neither"))  # fmt: skip
    elif legend:
        handles = [Patch(facecolor=c, edgecolor=c, label=k) for k, c in legend.items()]
        ax.legend(handles=handles, title=color_by, loc="upper right", fontsize="small")


# --- tables ------------------------------------------------------------------------------------


@with_plot_docs
def plot_table(
    cells: Any,
    image: Any = None,
    *,
    table: int = 0,
    page: int | None = None,
    schematic: bool | None = None,
    labels: bool = True,
    threshold: float | None = None,
    ax: Axes | None = None,
    cmap: Any = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    alpha: float = 0.35,
    colorbar: bool = True,
    label_size: float = 7.0,
    **kwargs: Any,
) -> Axes:
    """Draw one table's cells, with their spans, coloured by cell confidence.

    Over the image when the cells have polygons, else (or with ``schematic=True``) as a grid of
    rows and columns where a spanning cell covers all its rows and columns.

    Parameters
    ----------
    cells : DataFrame, dict of DataFrames or Response
        The ``cells`` frame (page, table, row, col, row_span, col_span, text, confidence, polygon).
    {image}
    table : int
        Value of the ``table`` column to draw.
    page : int, optional
        Page of the table in a multi-page frame.
    schematic : bool, optional
        Force the row/column grid (True) or the image overlay (False); by default the overlay is
        drawn when cell polygons exist.
    labels : bool
        Write each cell's text.
    threshold : float, optional
        Cells below it get a thick red edge.
    {ax}
    cmap, vmin, vmax, alpha, colorbar, label_size
        As in :func:`plot_polygons` (colours span the data's confidences by default).
    **kwargs
        Passed to :class:`matplotlib.collections.PolyCollection`.

    {returns}

    Examples
    --------
    >>> ax = plot_table(response, "table.png", table=0)  # doctest: +SKIP
    """
    style = {"alpha": alpha, "label_size": label_size, "vmin": vmin, "vmax": vmax}
    cmap = check_style(
        cmap=cmap, threshold=threshold, flags={"colorbar": colorbar, "labels": labels}, **style
    )
    if schematic is not None:
        check_flag("schematic", schematic)
    frame = _one_page(layer_frame(cells, "cells"), page)
    if "table" in frame.columns:
        check_number("table", table, low=0, integer=True)
        tables = sorted(pd.unique(frame["table"].dropna()).tolist())
        if table not in tables:
            raise InputError(f"no table {table!r} in the cells frame; it has tables {tables}")
        frame = frame[frame["table"] == table]
    has_polygons = any(c in frame.columns for c in POLYGON + BBOX) and polygon_array(frame)[1].any()
    if schematic is None:
        schematic = not has_polygons
    if not schematic:
        return plot_polygons(
            frame,
            image,
            kind="cells",
            threshold=threshold,
            labels="text" if labels else False,
            ax=ax,
            cmap=cmap,
            vmin=vmin,
            vmax=vmax,
            alpha=alpha,
            colorbar=colorbar,
            label_size=label_size,
            **kwargs,
        )
    verts = _grid_polygons(frame)
    ax = axes_or_current(ax)
    conf = confidence_values(frame)
    vrange = confidence_range(conf, vmin, vmax)
    face, edge, lw, _ = polygon_styles(
        frame, "confidence", cmap=cmap, alpha=alpha, threshold=threshold, vrange=vrange
    )
    _draw(ax, verts, None, face, edge, lw, kwargs, label="cells")
    ax.set_aspect("auto")
    if labels and "text" in frame.columns:
        _labels(ax, verts, frame, "text", label_size)
    if colorbar:
        _key(ax, "confidence", cmap, None, conf, vrange)
    ax.set(xlabel="column", ylabel="row")
    return ax


def _grid_polygons(frame: pd.DataFrame) -> np.ndarray:
    missing = [c for c in ("row", "col") if c not in frame.columns]
    if missing:
        raise InputError(f"a schematic table needs `row` and `col` columns; missing {missing}")
    num = {
        c: pd.to_numeric(frame[c], errors="coerce").to_numpy(float, na_value=np.nan)
        if c in frame.columns
        else np.ones(len(frame))
        for c in ("row", "col", "row_span", "col_span")
    }
    if np.isnan(num["row"]).any() or np.isnan(num["col"]).any():
        raise InputError("a schematic table needs a row and col for every cell; some are missing")
    r0, c0 = num["row"], num["col"]
    r1 = r0 + np.nan_to_num(num["row_span"], nan=1.0).clip(min=1)
    c1 = c0 + np.nan_to_num(num["col_span"], nan=1.0).clip(min=1)
    return np.stack([np.column_stack(p) for p in ((c0, r0), (c1, r0), (c1, r1), (c0, r1))], axis=1)
