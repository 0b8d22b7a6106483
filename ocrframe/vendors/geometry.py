"""Polygons in image pixels, whatever unit the engine used.

Engines give coordinates normalised to the page (Textract, Document AI, Azure v2 for PDFs),
in inches (Azure for PDFs) or in pixels. Frames keep them as given; ``document`` says, per
page, the coordinate space (``width``, ``height``, ``unit``). :func:`to_pixels` scales them
to an image of a given size, for plotting over it: ``x * image_width / width``.

>>> import pandas as pd
>>> words = pd.DataFrame({"page": [1], "x1": [0.5], "y1": [0.25], "x_min": [0.5],
...                       "y_min": [0.25]})
>>> doc = pd.DataFrame({"page": [1], "width": [1.0], "height": [1.0], "unit": ["normalized"]})
>>> to_pixels(words, doc, (200, 100))[["x1", "y1"]].values.tolist()
[[100.0, 25.0]]
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import InputError
from ..flatten._schema import BBOX, POLYGON, TEXT_POLYGON
from ..flatten.rules import number

__all__ = ["to_pixels"]


def _size(image: Any) -> tuple[float, float]:
    if not isinstance(image, tuple) and isinstance(getattr(image, "size", None), tuple):
        from ..plots.data import displayed_size

        image = displayed_size(image)  # a PIL image: as displayed (its EXIF orientation)
    size = image
    numbers = isinstance(size, tuple) and all(isinstance(v, (int, float)) for v in size)
    if numbers and len(size) == 2:
        width, height = number(size[0]), number(size[1])  # finite (not a bool, not 10**400)
        if width is not None and height is not None and width > 0 and height > 0:
            return width, height
    raise InputError(f"image size must be (width, height) in pixels or a PIL image, got {image!r}")


def to_pixels(frame: pd.DataFrame, document: pd.DataFrame, image: Any = None) -> pd.DataFrame:
    """A copy of ``frame`` with polygon and bounding-box columns in pixels of ``image``.

    Parameters
    ----------
    frame : DataFrame
        Any frame with polygon columns (``words``, ``tokens``, ``cells``...).
    document : DataFrame or response
        The ``document`` frame of the same response(s): ``width``, ``height`` and ``unit`` of
        each page's coordinates (joined on ``page``, and ``source`` when both have it); or the
        response itself, whose ``document`` frame is read.
    image : (width, height) or PIL image, optional
        The image the polygons go over. Needed unless every page is already in pixels.

    Examples
    --------
    >>> import ocrframe
    >>> box = {"Left": 0.25, "Top": 0.5, "Width": 0.5, "Height": 0.25}
    >>> r = ocrframe.read_response({"Blocks": [{"BlockType": "LINE", "Id": "l", "Text": "Hi",
    ...                                         "Geometry": {"BoundingBox": box}}]})
    >>> ocrframe.words(r)[["x_min", "y_max"]].values.tolist()  # Textract: fractions of the page
    [[0.25, 0.75]]
    >>> to_pixels(ocrframe.words(r), r, (1000, 400))[["x_min", "y_max"]].values.tolist()
    [[250.0, 300.0]]
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"to_pixels takes a frame with polygon columns (words, cells...), got "
            f"{type(frame).__name__}: e.g. to_pixels(ocrframe.words(r), r, image)"
        )
    if not isinstance(document, pd.DataFrame):
        from ..flatten import document as document_of

        document = document_of(document)
    keys = [k for k in ("source", "page") if k in frame.columns and k in document.columns]
    if "unit" not in document.columns or not keys:
        return frame.copy()  # Huawei and local results: pixels already
    for c in ("width", "height"):  # no page gave it: a page with neither is refused below
        if c not in document.columns:
            document = document.assign(**{c: float("nan")})
    dims = document[[*keys, "width", "height", "unit"]].drop_duplicates(keys)
    merged = frame[keys].merge(dims, on=keys, how="left")
    pixel = merged["unit"].isin(["pixel", "pixels"]) | merged["unit"].isna()
    out = frame.copy()
    if pixel.all() and image is None:
        return out
    if image is None:
        units = sorted(set(merged.loc[~pixel, "unit"].astype(str)))
        said = [f"in {u}" if u != "normalized" else "normalized (fractions of the page)"
                for u in units]  # fmt: skip
        raise InputError(
            f"coordinates are {' and '.join(said)}, not pixels: pass the image (or its "
            "(width, height)) to scale them to pixels"
        )
    unsized = ~pixel & (merged["width"].isna() & merged["height"].isna()).to_numpy()
    if unsized.any():
        pages = sorted(set(merged.loc[unsized, "page"]))
        unit = merged.loc[unsized, "unit"].iloc[0]
        raise InputError(
            f"coordinates of page{'s' if len(pages) > 1 else ''} "
            f"{', '.join(str(p) for p in pages)} are in {unit} and the result gives neither "
            "width nor height for it: they cannot be scaled to the image's pixels"
        )
    w, h = _size(image)
    sx = (w / merged["width"].astype(float)).fillna(1.0).to_numpy()
    sy = (h / merged["height"].astype(float)).fillna(1.0).to_numpy()
    for c in POLYGON + BBOX + TEXT_POLYGON:
        if c in out.columns:
            is_x = c.removeprefix("text_").startswith("x")
            out[c] = out[c].to_numpy(dtype=float) * (sx if is_x else sy)
    return out
