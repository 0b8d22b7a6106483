"""Matplotlib plots of OCR results: polygon overlays, confidence distributions, calibration, tables.

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

from ._plotting_calib import calibration_table, ece_of, expected_calibration_error, match_truth
from ._plotting_data import (
    BBOX,
    CATEGORY_OF,
    KINDS,
    POLYGON,
    below,
    canvas_size,
    check_argument,
    gray_range,
    label_angles,
    layer_frame,
    load_image,
    polygon_array,
    polygon_styles,
)
from .errors import InputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PolyCollection

__all__ = [
    "plot_polygons",
    "plot_confidence",
    "plot_calibration",
    "plot_table",
    "calibration_table",
    "expected_calibration_error",
    "match_truth",
]

_DOCS = {
    "ax": "ax : matplotlib Axes, optional\n        Axes to draw on; ``plt.gca()`` when omitted.",
    "returns": "Returns\n    -------\n    matplotlib.axes.Axes\n        The Axes drawn on.",
    "image": (
        "image : path, bytes, PIL image or numpy array, optional\n"
        "        Drawn underneath with its pixel grid on the API's coordinates (origin top-left,\n"
        "        y down). Without it the canvas spans the polygons."
    ),
}


def _doc(func):
    func.__doc__ = func.__doc__.format(**_DOCS)
    return func


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


@_doc
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
    check_argument("kind", kind, list(KINDS))
    frame = layer_frame(x, kind)
    frame = _one_page(frame, page)
    kind = KINDS[kind]
    color_by = _resolve_color_by(frame, color_by, kind)
    img = None if image is None else load_image(image)
    frames_given = isinstance(x, pd.DataFrame) or (
        isinstance(x, dict) and all(isinstance(v, pd.DataFrame) for v in x.values())
    )
    if img is not None and not frames_given:
        # other engines' normalised or inch coordinates, scaled to this image
        import ocrframe

        frame = ocrframe.to_pixels(frame, ocrframe.document(x), (img.shape[1], img.shape[0]))
    verts, mask = polygon_array(frame)
    drawn = frame[mask]
    ax = _axes(ax)
    face, edge, lw, legend = polygon_styles(
        drawn, color_by, cmap=cmap, alpha=alpha, threshold=threshold
    )
    _draw(ax, verts, img, face, edge, lw, kwargs, label=kind)
    if labels:
        _labels(ax, verts, drawn, "text" if labels is True else labels, label_size)
    if colorbar:
        _key(ax, color_by, cmap, legend)
    return ax


def _one_page(frame: pd.DataFrame, page: int | None) -> pd.DataFrame:
    if "page" not in frame.columns:
        if page is not None:
            raise InputError(f"page={page} was passed but the frame has no `page` column")
        return frame
    if page is not None:
        pages = sorted(pd.unique(frame["page"].dropna()).tolist())
        check_argument("page", page, pages)
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
    if color_by == "confidence" and "confidence" not in frame.columns:
        fallback = CATEGORY_OF.get(kind)
        return fallback if fallback in frame.columns else None
    allowed = ["confidence", None] + [c for c in frame.columns if c not in POLYGON + BBOX]
    check_argument("color_by", color_by, list(dict.fromkeys(allowed)))
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


def _key(ax, color_by, cmap, legend) -> None:
    import matplotlib as mpl
    from matplotlib.patches import Patch

    if color_by == "confidence":
        mappable = mpl.cm.ScalarMappable(mpl.colors.Normalize(0.0, 1.0), cmap)
        ax.figure.colorbar(mappable, ax=ax, label="confidence", fraction=0.046, pad=0.04)
    elif legend:
        handles = [Patch(facecolor=c, edgecolor=c, label=k) for k, c in legend.items()]
        ax.legend(handles=handles, title=color_by, loc="upper right", fontsize="small")


# --- confidence distributions ------------------------------------------------------------------

_CONF_KINDS = ("hist", "ecdf", "box")


@_doc
def plot_confidence(
    data: Any,
    *,
    by: str | None = None,
    kind: str = "hist",
    threshold: float | None = None,
    layer: str = "words",
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Confidence distribution, overall or split by a column, with an optional threshold line.

    Parameters
    ----------
    data : DataFrame, dict of DataFrames, Response, list of Responses or Batch
        A frame with a ``confidence`` column, or something the ``layer`` frame comes from
        (a Batch is asked for ``data.<layer>()``).
    by : str, optional
        Column to split by: ``api``, ``source``, ``field``, ``table``, ``page``...
    kind : {{"hist", "ecdf", "box"}}
    threshold : float, optional
        Draws a line there; the legend gives the share of items below it (overall and per group).
    layer : str
        Layer to take when ``data`` is not a frame: words, chars, cells, fields, plates...
    {ax}
    **kwargs
        Passed to ``ax.hist`` (one call), each ``ax.ecdf`` call, or ``ax.boxplot``.

    Items without a confidence (NaN) are left out and counted in the title.

    {returns}

    Examples
    --------
    >>> ax = plot_confidence(batch.words(), by="api", kind="ecdf", threshold=0.8)  # doctest: +SKIP
    """
    check_argument("kind", kind, _CONF_KINDS)
    frame = _confidence_frame(data, layer)
    if "confidence" not in frame.columns:
        raise InputError(
            f"the frame has no `confidence` column (it has {list(frame.columns)}); pick a layer "
            f"with confidences, e.g. layer='words'"
        )
    if by is not None:
        check_argument("by", by, list(frame.columns))
    ax = _axes(ax)
    conf = pd.to_numeric(frame["confidence"], errors="coerce").to_numpy(float, na_value=np.nan)
    valid = ~np.isnan(conf)
    groups = _groups(frame, conf, by)
    labels = [_group_label(name, v, threshold) for name, v in groups]
    arrays = [v for _, v in groups]
    if arrays:
        if kind == "hist":
            style = {"bins": np.linspace(0.0, 1.0, 21)}
            style["histtype"] = "stepfilled" if len(arrays) == 1 else "step"
            style.update(kwargs)
            ax.hist(arrays if len(arrays) > 1 else arrays[0], label=labels, **style)
            ax.set(xlabel="confidence", ylabel="count")
        elif kind == "ecdf":
            for arr, label in zip(arrays, labels, strict=True):
                ax.ecdf(arr, label=label, **kwargs)
            ax.set(xlabel="confidence", ylabel="proportion")
        else:
            ax.boxplot(arrays, tick_labels=labels, **kwargs)
            ax.set(ylabel="confidence", xlabel=by or "")
    if threshold is not None and valid.any():
        low = int(below(frame, threshold).sum())
        line = ax.axhline if kind == "box" else ax.axvline
        line(
            threshold,
            color="red",
            linestyle="--",
            label=f"threshold {threshold:g}: {low / valid.sum():.1%} below ({low:,} of "
            f"{int(valid.sum()):,})",
        )
    if arrays and (threshold is not None or (by is not None and kind != "box")):
        handles, names = ax.get_legend_handles_labels()
        order = sorted(range(len(names)), key=lambda i: _rank(names[i], labels))
        title = by if kind != "box" else None
        ax.legend(
            [handles[i] for i in order], [names[i] for i in order], fontsize="small", title=title
        )
    missing = int((~valid).sum())
    title = f"confidence of {int(valid.sum()):,} items"
    if missing:
        title += f" ({missing:,} without confidence excluded)"
    ax.set_title(title)
    return ax


def _rank(name: str, labels: list[str]) -> int:
    return labels.index(name) if name in labels else len(labels)


def _confidence_frame(data: Any, layer: str) -> pd.DataFrame:
    from .response import Response

    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, list | tuple) and data and all(isinstance(r, Response) for r in data):
        frames = [layer_frame(r, layer).assign(source=r.source, vendor=r.vendor) for r in data]
        return pd.concat(frames, ignore_index=True)
    method = getattr(data, KINDS.get(layer, layer), None)
    if not isinstance(data, Response | dict) and callable(method):
        frame = method()
        if isinstance(frame, pd.DataFrame):
            return frame
    return layer_frame(data, layer)


def _groups(frame: pd.DataFrame, conf: np.ndarray, by: str | None) -> list[tuple[Any, np.ndarray]]:
    if by is None:
        v = conf[~np.isnan(conf)]
        return [("all", v)] if len(v) else []
    keys = frame[by].astype("object").where(frame[by].notna(), "<NA>").to_numpy()
    out = []
    for key in pd.unique(keys):
        v = conf[keys == key]
        v = v[~np.isnan(v)]
        if len(v):
            out.append((_short(key) if by == "source" else key, v))
    return out


def _short(source: Any) -> Any:
    """A file name instead of a long path, for legends."""
    text = str(source)
    return text.replace("\\", "/").rsplit("/", 1)[-1] if "/" in text or "\\" in text else source


def _group_label(name: Any, v: np.ndarray, threshold: float | None) -> str:
    label = f"{name} (n={len(v):,}"
    if threshold is not None:
        label += f", {np.mean(v < threshold):.0%} below"
    return label + ")"


# --- calibration -------------------------------------------------------------------------------


@_doc
def plot_calibration(
    pred: pd.DataFrame,
    truth: Any,
    *,
    bins: int = 10,
    ignore_case: bool = False,
    min_iou: float = 0.3,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Reliability diagram: observed accuracy per confidence bin against the diagonal.

    Each predicted item is matched to the ground truth (see :func:`match_truth`); it counts as
    correct when the normalised texts are equal. Bars give the accuracy of each bin, dots the
    mean confidence in it, grey bars at the bottom the number of items; the title carries the
    expected calibration error (ECE).

    Parameters
    ----------
    pred : DataFrame
        Words or fields with ``text`` and ``confidence`` (and polygons to match by position).
    truth : DataFrame or list of str
        Ground-truth lines: a frame with ``text`` (and polygon or bbox columns), or strings.
    bins : int
        Number of equal-width confidence bins on [0, 1].
    ignore_case : bool
        Compare texts case-insensitively.
    min_iou : float
        Smallest box overlap (intersection over union) that matches a prediction to a line.
    {ax}
    **kwargs
        Passed to ``ax.bar`` of the accuracy bars.

    {returns}

    Examples
    --------
    >>> ax = plot_calibration(words, truth_lines, ignore_case=True)  # doctest: +SKIP
    """
    table = calibration_table(pred, truth, bins=bins, ignore_case=ignore_case, min_iou=min_iou)
    ax = _axes(ax)
    width = 1.0 / bins
    centers = (table["bin_lo"] + table["bin_hi"]).to_numpy() / 2
    counts = table["count"].to_numpy()
    ax.plot([0, 1], [0, 1], linestyle="--", color="0.4", label="perfect calibration")
    style = {"color": "C0", "edgecolor": "black", "alpha": 0.8, "label": "accuracy"}
    style.update(kwargs)
    ax.bar(centers, table["accuracy"].fillna(0).to_numpy(), width=width, **style)
    ax.plot(table["mean_confidence"], table["accuracy"], "o", color="C1", label="mean confidence")
    if counts.sum():
        share = counts / counts.max() * 0.25
        ax.bar(centers, share, width=width * 0.6, color="0.5", alpha=0.5, label="items (scaled)")
        for cx, s, n in zip(centers, share, counts, strict=True):
            if n:
                ax.text(cx, s, f"{n:,}", ha="center", va="bottom", fontsize=7)
    n = int(counts.sum())
    ece = ece_of(table)
    ax.set(xlim=(0, 1), ylim=(0, 1.05), xlabel="confidence", ylabel="observed accuracy")
    ax.set_title(f"reliability: ECE = {ece:.3f} over {n:,} items")
    ax.legend(loc="upper left", fontsize="small")
    return ax


# --- tables ------------------------------------------------------------------------------------


@_doc
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
    cmap, alpha, colorbar, label_size
        As in :func:`plot_polygons`.
    **kwargs
        Passed to :class:`matplotlib.collections.PolyCollection`.

    {returns}

    Examples
    --------
    >>> ax = plot_table(response, "table.png", table=0)  # doctest: +SKIP
    """
    frame = _one_page(layer_frame(cells, "cells"), page)
    if "table" in frame.columns:
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
            alpha=alpha,
            colorbar=colorbar,
            label_size=label_size,
            **kwargs,
        )
    verts = _grid_polygons(frame)
    ax = _axes(ax)
    face, edge, lw, _ = polygon_styles(
        frame, "confidence", cmap=cmap, alpha=alpha, threshold=threshold
    )
    _draw(ax, verts, None, face, edge, lw, kwargs, label="cells")
    ax.set_aspect("auto")
    if labels and "text" in frame.columns:
        _labels(ax, verts, frame, "text", label_size)
    if colorbar:
        _key(ax, "confidence", cmap, None)
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
