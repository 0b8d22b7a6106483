"""Data preparation shared by ocrframe.plot and ocrframe.widgets (no drawing here).

Turns what users pass (a Response, a frame, a dict of frames, raw JSON) into the frame of one
layer, polygons into an ``(n, 4, 2)`` vertex array, images into arrays, and confidences into
colours over a robust range (:func:`confidence_range`). Everything is vectorised: these run on
frames of tens of thousands of rows. The plot functions also share their docstring pieces and
``axes_or_current`` from here.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import check_choice, check_flag, check_number, check_threshold
from ..errors import InputError
from ..flatten.rules import CONFIDENCE_RANGE
from ..inputs.params import show_value

# Layer name -> ocrframe.flatten function name. "kv" is accepted as a short alias of kv_boxes.
KINDS: dict[str, str] = {
    "words": "words",
    "chars": "chars",
    "cells": "cells",
    "kv_boxes": "kv_boxes",
    "kv": "kv_boxes",
    "layout": "layout",
    "formulas": "formulas",
    "fields": "fields",
    "plates": "plates",
    "tokens": "tokens",
}
# The category column that colours a layer which has no confidence.
CATEGORY_OF: dict[str, str] = {
    "layout": "type",
    "kv_boxes": "role",
    "formulas": "type",
    "cells": "kind",
    "fields": "field",
    "words": "region",
}
POLYGON = ["x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4"]
BBOX = ["x_min", "y_min", "x_max", "y_max"]
NAN_GREY = (0.6, 0.6, 0.6, 1.0)
LOW_EDGE = (0.85, 0.0, 0.0, 1.0)


def layer_frame(x: Any, kind: str) -> pd.DataFrame:
    """The frame of layer ``kind`` from a frame, a dict of frames, a Response or raw JSON.

    >>> layer_frame(pd.DataFrame({"text": ["a"]}), "words")["text"].tolist()
    ['a']
    """
    check_choice("kind", kind, list(KINDS))
    name = KINDS[kind]
    if isinstance(x, pd.DataFrame):
        return x
    if isinstance(x, pd.Series):
        raise InputError(
            "got a pandas Series; pass the whole frame (or a Response), e.g. "
            "frame[frame['source'] == name] to plot one document of a batch"
        )
    if isinstance(x, Mapping) and x and all(isinstance(v, pd.DataFrame) for v in x.values()):
        for key in (kind, name):
            if key in x:
                return x[key]
        raise InputError(
            f"this dict of frames has no {kind!r} frame; it has {sorted(x)}; "
            f"pass kind= one of those"
        )
    from importlib import import_module

    from ..response import Response, read_response

    flatten = import_module("ocrframe.flatten")  # the package; ocrframe.flatten is a function

    if not isinstance(x, Response):
        try:
            x = read_response(x)
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"cannot plot a {type(x).__name__}: pass a Response, a DataFrame, a dict of "
                f"DataFrames or a response body ({exc})"
            ) from exc
    return getattr(flatten, name)(x)


def polygon_array(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Vertices ``(n, 4, 2)`` of the rows that have a polygon, and the boolean mask of those rows.

    Uses x1..y4 when present, else the bbox as a rectangle. Rows with any missing or infinite
    vertex are left out.

    >>> box = pd.DataFrame({"x_min": [0.0], "y_min": [0], "x_max": [2], "y_max": [1]})
    >>> v, m = polygon_array(box)
    >>> v.tolist(), m.tolist()
    ([[[0.0, 0.0], [2.0, 0.0], [2.0, 1.0], [0.0, 1.0]]], [True])
    """
    n = len(frame)
    if all(c in frame.columns for c in POLYGON):
        flat = _float_block(frame, POLYGON)
    elif all(c in frame.columns for c in BBOX):
        b = _float_block(frame, BBOX)
        flat = b[:, [0, 1, 2, 1, 2, 3, 0, 3]]
    else:
        raise InputError(
            f"the frame has no polygon columns ({', '.join(POLYGON)}) nor bbox columns "
            f"({', '.join(BBOX)}); it has {list(frame.columns)}"
        )
    mask = np.isfinite(flat).all(axis=1) if n else np.zeros(0, bool)
    return flat[mask].reshape(-1, 4, 2), mask


def _float_block(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    try:
        return np.column_stack(
            [
                pd.to_numeric(frame[c], errors="coerce").to_numpy(float, na_value=np.nan)
                for c in cols
            ]
        ).reshape(len(frame), len(cols))
    except (TypeError, ValueError) as exc:
        raise InputError(f"polygon columns must be numeric: {exc}") from exc


def confidence_values(frame: pd.DataFrame) -> np.ndarray:
    """The confidence column as float64 (NaN when absent or not a number)."""
    if "confidence" not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame["confidence"], errors="coerce").to_numpy(float, na_value=np.nan)


ROBUST_PERCENTILES = (2.0, 98.0)
MIN_SPAN = 0.01  # narrowest colour range: a page of 1.0s still gets a readable scale


def confidence_range(
    conf: np.ndarray, vmin: float | None = None, vmax: float | None = None
) -> tuple[float, float]:
    """The confidences the colormap spans: by default the data's 2nd to 98th percentile
    (clipped to [0, 1]), so that a page scored 0.90-1.00 does not come out in one colour;
    ``vmin`` / ``vmax`` fix either end (``vmin=0, vmax=1`` for the full scale).

    >>> confidence_range(np.array([0.91, 0.95, 0.99, 1.0, np.nan]))
    (0.9124, 0.9994)
    >>> confidence_range(np.array([0.5]), vmin=0, vmax=1)
    (0.0, 1.0)
    """
    finite = np.asarray(conf, dtype=float)
    finite = finite[np.isfinite(finite)]
    low, high = lo, hi = CONFIDENCE_RANGE
    if finite.size:
        lo, hi = np.clip(np.percentile(finite, ROBUST_PERCENTILES), low, high)
    lo = float(lo if vmin is None else vmin)
    hi = float(hi if vmax is None else vmax)
    if not low <= lo < hi <= high and (vmin is not None or vmax is not None):
        raise InputError(
            f"need {low:g} <= vmin < vmax <= {high:g} (confidences), got vmin={lo}, vmax={hi}"
        )
    if hi - lo < MIN_SPAN:
        lo = max(low, min(lo, hi - MIN_SPAN))
        hi = min(high, lo + MIN_SPAN)
    return round(lo, 6), round(hi, 6)


def confidence_colors(
    conf: np.ndarray,
    cmap: Any,
    alpha: float | None = None,
    vrange: tuple[float, float] = (0.0, 1.0),
) -> np.ndarray:
    """RGBA colours of confidences, ``vrange`` (see :func:`confidence_range`) spanning the
    colormap and values beyond it clipped to its ends; NaN gets a neutral grey."""
    import matplotlib as mpl

    cmap = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
    lo, hi = vrange
    scaled = (np.nan_to_num(conf, nan=lo) - lo) / (hi - lo)
    rgba = cmap(np.clip(scaled, 0.0, 1.0))
    rgba[np.isnan(conf)] = NAN_GREY
    if alpha is not None:
        rgba[:, 3] = alpha
    return rgba


def category_colors(values: pd.Series) -> tuple[np.ndarray, dict[str, tuple]]:
    """RGBA colour per row for a category column, and the legend (label -> colour)."""
    import matplotlib as mpl

    labels = values.astype("object").where(values.notna(), "<NA>").astype(str)
    cats = list(dict.fromkeys(labels.tolist()))
    palette = mpl.colormaps["tab10" if len(cats) <= 10 else "tab20"].colors
    legend = {
        c: (NAN_GREY if c == "<NA>" else (*palette[i % len(palette)], 1.0))
        for i, c in enumerate(cats)
    }
    codes = pd.Categorical(labels, categories=cats).codes
    table = np.array([legend[c] for c in cats], dtype=float).reshape(-1, 4)
    return table[codes] if len(codes) else np.zeros((0, 4)), legend


def load_image(image: Any, page: int | None = None) -> np.ndarray:
    """An image as a numpy array from a path, bytes, a PIL image or an array; of a PDF or a
    multi-page TIFF, page ``page`` (1-based, default 1; a PDF page rendered at the service's
    150 dpi, the coordinates of its answers).

    Grey images stay 2-D with their own grey levels (8, 16 or 32 bits: see :func:`gray_range`),
    colour images become RGB(A); palette, CMYK and grey+alpha images are converted, and
    RGB(A) arrays of more than 8 bits are scaled to [0, 1] (matplotlib would clip them at 255).
    Photos are turned as displayed (:func:`upright`).

    >>> load_image(np.full((2, 3, 3), 65535, np.uint16)).max()
    np.float64(1.0)
    """
    if isinstance(image, np.ndarray):
        return _display_array(image)
    from PIL import Image

    if isinstance(image, Image.Image):  # drawn as given (the frame its holder chose)
        return _display_array(_pil_array(image))
    if isinstance(image, bytes | bytearray | memoryview | str | os.PathLike):
        return _display_array(_pil_array(page_picture(image, page)))
    raise InputError(
        f"image must be a path, bytes, a PIL image or a numpy array, got {type(image).__name__}"
    )


def page_picture(image: Any, page: int | None = None) -> Any:
    """Page ``page`` (1-based, default 1) of an image file or its bytes as a PIL image, as it
    is displayed (:func:`upright`): a PDF page rendered at the service's 150 dpi, a page of a
    multi-page TIFF, any other image itself. InputError when it cannot be read.

    >>> import io
    >>> from PIL import Image
    >>> buf = io.BytesIO()
    >>> Image.new("L", (4, 3)).save(buf, "PNG")
    >>> page_picture(buf.getvalue()).size
    (4, 3)
    """
    from PIL import Image, UnidentifiedImageError

    if isinstance(image, bytes | bytearray | memoryview):
        image = bytes(image)
        source, opened = None, io.BytesIO(image)
    else:
        path = Path(image)
        if not path.is_file():
            raise InputError(f"no image file at {str(path)!r}")
        source, opened = str(path), path
    try:
        if _is_pdf(image):
            from ..inputs.pdf import render_page

            return render_page(image, page=1 if page is None else page)
        if page not in (None, 1):  # a page of a multi-page TIFF: the client's own rules
            from ..inputs.load import describe
            from ..inputs.pages import check_page, page_frames, read_frame

            data = image if isinstance(image, bytes) else path.read_bytes()
            name = describe(source)
            page = check_page(page, page_frames(data, source), name)
            return upright(read_frame(data, page, name))
        with Image.open(opened) as im:
            shown = upright(im)
            return shown.copy() if shown is im else shown  # its pixels, read before closing
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise InputError(f"cannot read the image: {exc}") from exc
    except OSError as exc:  # unreadable (permissions, a FIFO, a folder) or truncated
        why = exc.strerror or exc
        raise InputError(f"cannot read the image {show_value(image)}: {why}") from exc


def _is_pdf(data: Any) -> bool:
    from ..inputs.pdf import is_pdf

    return is_pdf(data)


# EXIF tag 0x0112: how the stored pixels are turned to be shown (1 upright; 2-8 mirrored or
# rotated, as phones store photos taken sideways).
ORIENTATION_TAG = 0x0112


def upright(im: Any) -> Any:
    """A PIL image as it is displayed: its EXIF orientation applied, as phones, browsers and
    :func:`PIL.ImageOps.exif_transpose` do (the image itself when it needs no turning). Every
    image ocrframe reads goes through here, so that the local engine's polygons, the plots and the
    review crops are all in the coordinates of the picture users see.

    >>> from PIL import Image
    >>> stored = Image.new("L", (30, 10))
    >>> stored.getexif()[ORIENTATION_TAG] = 6  # "turn 90 degrees clockwise to show"
    >>> upright(stored).size
    (10, 30)
    """
    if _orientation(im) == 1:
        return im
    from PIL import ImageOps

    return ImageOps.exif_transpose(im)


def displayed_size(im: Any) -> tuple[int, int]:
    """``(width, height)`` of a PIL image as displayed (:func:`upright`), without turning it.

    >>> from PIL import Image
    >>> stored = Image.new("L", (30, 10))
    >>> stored.getexif()[ORIENTATION_TAG] = 8  # "turn 90 degrees anticlockwise to show"
    >>> displayed_size(stored)
    (10, 30)
    """
    w, h = im.size
    return (h, w) if _orientation(im) >= 5 else (w, h)


def _orientation(im: Any) -> int:
    """The EXIF orientation of a PIL image, 1 (as stored) when absent, unknown or damaged."""
    try:
        turn = im.getexif().get(ORIENTATION_TAG, 1)
    except (OSError, ValueError, SyntaxError):  # a damaged EXIF block: the pixels as stored
        return 1
    return turn if turn in range(2, 9) else 1


def _pil_array(im: Any) -> np.ndarray:
    """The pixels of a PIL image as displayed (:func:`upright`): grey modes as they are
    (Pillow's RGB conversion of 16-bit grey clips everything above 255 to white), other modes as
    RGB or RGBA."""
    im = upright(im)
    if im.mode in ("L", "RGB", "RGBA", "1"):
        return np.asarray(im)
    if im.mode.startswith("I;16"):
        return np.asarray(im).astype(np.uint16)
    if im.mode in ("I", "F"):
        a = np.asarray(im)
        if im.mode == "I" and a.size and a.min() >= 0 and a.max() <= 65535:
            return a.astype(np.uint16)  # 16-bit PNGs often open as 32-bit "I"
        return a
    alpha = im.mode in ("LA", "La", "PA", "RGBa") or "transparency" in im.info
    return np.asarray(im.convert("RGBA" if alpha else "RGB"))


def _display_array(a: np.ndarray) -> np.ndarray:
    """An array matplotlib's imshow draws as the picture it is."""
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    elif a.ndim == 3 and a.shape[2] == 2:  # grey + alpha
        a = np.dstack([a[..., 0], a[..., 0], a[..., 0], a[..., 1]])
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)):
        raise InputError(
            f"an image array must be 2-D (grey) or height x width x 1-4 channels, got shape "
            f"{a.shape}"
        )
    if a.ndim == 3 and np.issubdtype(a.dtype, np.integer) and a.dtype != np.uint8:
        info = np.iinfo(a.dtype)
        a = (a.astype(np.float64) - max(info.min, 0)) / (info.max - max(info.min, 0))
        a = np.clip(a, 0.0, 1.0)
    return a


def gray_range(img: np.ndarray) -> tuple[float, float]:
    """Display range of a single-channel image: its dtype's full range for integers."""
    if np.issubdtype(img.dtype, np.integer):
        info = np.iinfo(img.dtype)
        return float(info.min), float(info.max)
    if img.dtype == bool:
        return 0.0, 1.0
    return 0.0, 1.0 if float(np.nanmax(img, initial=0.0)) <= 1.0 else float(np.nanmax(img))


def to_uint8(img: np.ndarray) -> np.ndarray:
    """An array from :func:`load_image` as 8 bits: grey over its :func:`gray_range`, colour
    (uint8, or floats in [0, 1]) as it is.

    >>> to_uint8(np.array([[0, 65535]], np.uint16)).tolist()
    [[0, 255]]
    """
    if img.dtype == np.uint8:
        return img
    if img.ndim == 2:
        lo, hi = gray_range(img)
        scaled = (img.astype(np.float64) - lo) / max(hi - lo, 1e-12)
    else:  # colour arrays are uint8 or floats in [0, 1] (see load_image)
        scaled = img.astype(np.float64)
    return (np.clip(scaled, 0.0, 1.0) * 255).round().astype(np.uint8)


def canvas_size(verts: np.ndarray, img: np.ndarray | None) -> tuple[float, float]:
    """Width and height of the drawing: the image's, else the polygons' extent (at least 1)."""
    if img is not None:
        return float(img.shape[1]), float(img.shape[0])
    if len(verts) == 0:
        return 1.0, 1.0
    return max(float(np.ceil(verts[..., 0].max())), 1.0), max(
        float(np.ceil(verts[..., 1].max())), 1.0
    )


def label_angles(verts: np.ndarray) -> np.ndarray:
    """Text angle in degrees (counter-clockwise on screen) of the first edge of each polygon.

    The y axis points down, so an edge going down-right is a clockwise (negative) rotation.
    """
    d = verts[:, 1] - verts[:, 0]
    return -np.degrees(np.arctan2(d[:, 1], d[:, 0]))


def polygon_styles(
    frame: pd.DataFrame,
    color_by: str | None,
    *,
    cmap: Any = "viridis",
    alpha: float = 0.35,
    threshold: float | None = None,
    linewidth: float = 1.0,
    vrange: tuple[float, float] = (0.0, 1.0),
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, tuple] | None]:
    """Face colours, edge colours, line widths and category legend of each row of ``frame``.

    Faces carry ``alpha``; edges are opaque. Confidences are coloured over ``vrange``. Rows with
    confidence below ``threshold`` get a thick red edge (NaN confidence is never below).
    """
    n = len(frame)
    legend = None
    if color_by == "confidence":
        edge = confidence_colors(confidence_values(frame), cmap, vrange=vrange)
    elif color_by is None:
        edge = np.tile((0.12, 0.47, 0.71, 1.0), (n, 1))
    else:
        edge, legend = category_colors(frame[color_by])
    face = edge.copy()
    face[:, 3] = alpha
    lw = np.full(n, float(linewidth))
    if threshold is not None:
        low = below(frame, threshold)
        edge[low] = LOW_EDGE
        lw[low] = 3.0 * linewidth
    return face, edge, lw, legend


def below(frame: pd.DataFrame, threshold: float) -> np.ndarray:
    """Boolean mask of rows whose confidence is below ``threshold`` (NaN is not below)."""
    t = check_threshold(threshold)
    conf = confidence_values(frame)
    with np.errstate(invalid="ignore"):
        return conf < t


# --- shared by the plot functions ----------------------------------------------------------------

PLOT_DOCS = {
    "ax": "ax : matplotlib Axes, optional\n        Axes to draw on; ``plt.gca()`` when omitted.",
    "returns": "Returns\n    -------\n    matplotlib.axes.Axes\n        The Axes drawn on.",
    "image": (
        "image : path, bytes, PIL image or numpy array, optional\n"
        "        Drawn underneath with its pixel grid on the API's coordinates (origin top-left,\n"
        "        y down); a PDF or multi-page TIFF at the page drawn (a PDF page rendered at 150\n"
        "        dpi, as the service reads it). Without it the canvas spans the polygons."
    ),
}


def with_plot_docs(func: Any) -> Any:
    """Fill ``{ax}``, ``{returns}``, ``{image}`` in a plot function's docstring."""
    func.__doc__ = func.__doc__.format(**PLOT_DOCS)
    return func


def axes_or_current(ax: Any = None) -> Any:
    """``ax``, or ``plt.gca()`` when it is None; InputError when ``ax`` is not an Axes."""
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is None:
        return plt.gca()
    if not isinstance(ax, Axes):
        raise InputError(
            f"ax must be a matplotlib Axes (e.g. fig, ax = plt.subplots()), got {type(ax).__name__}"
        )
    return ax


def check_style(
    *,
    cmap: Any = "viridis",
    alpha: Any = 0.35,
    label_size: Any = 7.0,
    vmin: Any = None,
    vmax: Any = None,
    threshold: Any = None,
    flags: Mapping[str, Any] = {},  # noqa: B006 - read only
) -> Any:
    """The colormap of a polygon plot's style options, after checking each of them (the
    plots' one check of their shared options); InputError naming the first bad one.

    >>> check_style(cmap="magma").name
    'magma'
    """
    import matplotlib as mpl
    from matplotlib.colors import Colormap

    for name, value in flags.items():
        check_flag(name, value)
    check_number("alpha", alpha, low=0, high=1)
    check_number("label_size", label_size, low=0, above=True)
    for name, value in (("vmin", vmin), ("vmax", vmax)):
        if value is not None:
            check_number(name, value, low=0, high=1)
    if threshold is not None:
        check_threshold(threshold)
    if isinstance(cmap, Colormap):
        return cmap
    if isinstance(cmap, str) and cmap in mpl.colormaps:
        return mpl.colormaps[cmap]
    raise InputError(
        f"cmap must be a matplotlib colormap or its name (e.g. 'viridis', 'magma'), got "
        f"{show_value(cmap)}"
    )


def fit_line_widths(
    verts: np.ndarray, widths: np.ndarray, points_per_unit: float, *, fraction: float = 0.12
) -> np.ndarray:
    """Line widths capped at ``fraction`` of each polygon's shorter side as drawn (in points),
    so a small item (a character on a page drawn at 0.36x) is not hidden under its own edge.

    ``points_per_unit`` is how many points one data unit (one image pixel) covers on screen.
    Widths never go below 0.5 points.

    >>> box = np.array([[[0, 0], [100, 0], [100, 10], [0, 10]]], float)
    >>> fit_line_widths(box, np.array([3.0]), 0.5).tolist()  # 10 px high drawn 5 pt high
    [0.6]
    """
    if not len(verts):
        return np.asarray(widths, float)
    sides = np.stack(
        [
            np.hypot(*(verts[:, 1] - verts[:, 0]).T),
            np.hypot(*(verts[:, 2] - verts[:, 1]).T),
        ]
    ).min(axis=0)
    cap = np.maximum(fraction * sides * float(points_per_unit), 0.5)
    return np.minimum(np.asarray(widths, float), cap)
