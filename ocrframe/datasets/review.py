"""Review queue: the low-confidence items, cropped from their images, for a person to check.

``review_queue`` writes ``crops/*.png`` (the item's box plus a margin), ``review.csv`` and
``review.xlsx`` (crop embedded beside the text, a link to the PNG, and empty
``corrected_text`` / ``ok`` columns to fill in) into one folder.

>>> import pandas as pd
>>> words = pd.DataFrame({"source": ["scan.png"], "text": ["T0TAL"], "confidence": [0.41],
...     "x_min": [10.0], "y_min": [5.0], "x_max": [80.0], "y_max": [25.0]})
>>> review_queue(words, out="review", threshold=0.9)  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import check_flag, check_number, check_output, check_path, check_threshold
from ..errors import InputError
from ..files import safe_component, write_atomically
from ..inputs.formats import INPUT_SUFFIXES
from ..inputs.urls import source_name
from ..plots.data import page_picture, upright
from ..response import Response
from ..tables.safe_output import write_csv, xlsx_value
from .audit_inputs import auditable, default_frame, frame_chunks, frame_of, should_stream

__all__ = ["review_queue", "crop_box"]

ImageSource = str | os.PathLike[str] | Mapping[str, Any] | Callable[[str], Any] | None
_IMAGE_EXTS = tuple(sorted(INPUT_SUFFIXES))  # the one list, in a fixed order
_THUMB_H = 40  # pixels: height of the crop shown in the spreadsheet
_THUMB_W = 400


def crop_box(
    bbox: tuple[float, float, float, float], size: tuple[int, int], margin: int = 8
) -> tuple[int, int, int, int] | None:
    """Integer crop box ``(left, top, right, bottom)``: ``bbox`` grown by ``margin``, clipped.

    Returns None when the box is missing (NaN) or falls outside the image.

    >>> crop_box((10.2, 5, 80, 25.5), (100, 30), margin=8)
    (2, 0, 88, 30)
    """
    x0, y0, x1, y1 = bbox
    if any(v is None or not np.isfinite(v) for v in bbox):
        return None
    w, h = size
    left, top = max(int(np.floor(x0)) - margin, 0), max(int(np.floor(y0)) - margin, 0)
    right, bottom = min(int(np.ceil(x1)) + margin, w), min(int(np.ceil(y1)) + margin, h)
    if right <= left or bottom <= top:
        return None
    return left, top, right, bottom


def _bboxes(df: pd.DataFrame) -> np.ndarray:
    cols = ["x_min", "y_min", "x_max", "y_max"]
    if all(c in df.columns for c in cols):
        return df[cols].apply(pd.to_numeric, errors="coerce").to_numpy("float64", na_value=np.nan)
    vx, vy = [f"x{i}" for i in range(1, 5)], [f"y{i}" for i in range(1, 5)]
    if all(c in df.columns for c in vx + vy):
        x = df[vx].apply(pd.to_numeric, errors="coerce").to_numpy("float64", na_value=np.nan)
        y = df[vy].apply(pd.to_numeric, errors="coerce").to_numpy("float64", na_value=np.nan)
        return np.column_stack([x.min(1), y.min(1), x.max(1), y.max(1)])
    return np.full((len(df), 4), np.nan)


class _Images:
    """Finds and opens the image of a source (one open at a time)."""

    def __init__(self, images: ImageSource) -> None:
        if images is not None and not isinstance(images, str | os.PathLike | Mapping):
            if not callable(images):
                raise InputError(
                    "images must be a folder, a {source: image} mapping, a function of the "
                    f"source, or None (use the source paths); got {type(images).__name__}"
                )
        if isinstance(images, str | os.PathLike):
            folder = check_path("images", images)
            if folder.is_file():
                raise InputError(
                    f"images {os.fspath(images)!r} is a file; give the folder holding the "
                    "source images (or leave it out to open the source paths)"
                )
            if not folder.is_dir():
                raise InputError(f"images folder {os.fspath(images)!r} does not exist")
        self.images = images
        self._key: tuple[str, int] | None = None
        self._img: Any = None

    def get(self, source: str, page: int) -> Any:
        """A PIL image, or None when it cannot be found."""
        if self._key != (source, page):
            self._key, self._img = (source, page), self._open(source, page)
        return self._img

    def _open(self, source: str, page: int) -> Any:
        from PIL import Image

        img = self._lookup(source)
        if img is None:
            return None
        if isinstance(img, Image.Image):
            return upright(img)
        if isinstance(img, np.ndarray):
            return Image.fromarray(img)
        try:
            return page_picture(img, page).convert("RGB")
        except InputError:  # no such file or page, or not an image (a saved response)
            return None

    def _lookup(self, source: str) -> Any:
        imgs = self.images
        if imgs is None:
            return source
        if isinstance(imgs, Mapping):
            return imgs.get(source, imgs.get(source_name(source)))
        if callable(imgs):
            return imgs(source)
        folder = Path(imgs)
        name = source_name(source)
        if not name:
            return None
        if (folder / name).is_file():
            return folder / name
        for ext in _IMAGE_EXTS:
            cand = folder / (Path(name).stem + ext)
            if cand.is_file():
                return cand
        return None


def _low_items(data: Any, threshold: float, frame: str | None, stream: bool | None):
    chunks: Iterator[pd.DataFrame] | list[pd.DataFrame]
    data = auditable(data)
    if should_stream(data, stream):
        chunks = frame_chunks(data, frame, None)
    else:
        chunks = [frame_of(data, frame)]
    parts = []
    for df in chunks:
        if "confidence" not in df.columns:
            raise InputError(
                f"the frame has no 'confidence' column (columns: {list(df.columns)}); "
                "a review queue needs confidences"
            )
        conf = pd.to_numeric(df["confidence"], errors="coerce")
        parts.append(df[(conf < threshold).to_numpy()])
    if not parts:  # a streamed batch whose frames are all empty
        from .batch import Batch

        parts = [Batch().frame(frame or default_frame(data))]  # the empty Batch schema
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def review_queue(
    data: Any,
    images: ImageSource = None,
    threshold: float = 0.9,
    out: str | os.PathLike[str] = "review",
    *,
    xlsx: bool = True,
    frame: str | None = None,
    margin: int = 8,
    limit: int | None = None,
    embed_max: int = 2000,
    stream: bool | None = None,
) -> pd.DataFrame:
    """Export items with ``confidence < threshold`` and crops of their image regions.

    Parameters
    ----------
    data : DataFrame, Response, Batch, path or list of responses
        Items to check (as for :func:`ocrframe.audit.audit`); boxes come from the bbox or
        polygon columns.
    images : folder, mapping, callable or None
        Where each ``source``'s image is: a folder (matched by file name, or stem with any
        image extension), ``{source: path | PIL.Image | array}``, ``f(source) -> image``, or
        None to open ``source`` itself as a path. PDF sources are rendered at 150 dpi.
    threshold : float
        Items below it (NaN confidences excluded) go to the queue, lowest confidence first.
    out : path
        Output folder, created if needed.
    xlsx : bool
        Also write ``review.xlsx`` (openpyxl) with the crops embedded.
    margin : int
        Pixels added around each box.
    limit : int, optional
        Keep only the ``limit`` lowest-confidence items.
    embed_max : int
        Above this many items the spreadsheet links the crops instead of embedding them.

    Returns
    -------
    DataFrame
        The queue: ``item``, the item's columns (a field's own ``item`` as ``field_item``),
        ``crop`` (path relative to ``out``, NA when no image or box was found).

    Examples
    --------
    >>> q = review_queue(batch, images="scans/", out="review")  # doctest: +SKIP
    >>> q[["source", "text", "confidence", "crop"]].head()  # doctest: +SKIP
    """
    t = check_threshold(threshold)
    check_number("margin (pixels)", margin, low=0, integer=True)
    if limit is not None:
        check_number("limit", limit, low=0, integer=True)
    check_flag("xlsx", xlsx)
    check_number("embed_max", embed_max, low=0, integer=True)
    out = check_output("out", out, folder=True)
    finder = _Images(images)
    if isinstance(data, Response):  # a response's own frames have no source to find images by
        from .batch import Batch

        data = Batch([data])
    queue = _low_items(data, t, frame, stream)
    # A fields frame's own ``item`` (a value's place in a list field) keeps its meaning under
    # another name: ``item`` numbers the queue, whatever frame it holds.
    queue = queue.rename(columns={"item": "field_item"})
    queue = queue.sort_values("confidence", kind="stable").reset_index(drop=True)
    if limit is not None:
        queue = queue.head(int(limit))
    queue.insert(0, "item", np.arange(1, len(queue) + 1, dtype="int64"))
    (out / "crops").mkdir(parents=True, exist_ok=True)
    queue["crop"] = _write_crops(queue, finder, out, margin)
    write_csv(queue, out / "review.csv")
    if xlsx:
        _write_xlsx(queue, out, embed=len(queue) <= embed_max)
    return queue


def _write_crops(queue: pd.DataFrame, finder: _Images, out: Path, margin: int) -> pd.Series:
    crops = pd.Series(pd.NA, index=queue.index, dtype="string")
    if queue.empty:
        return crops
    boxes = _bboxes(queue)
    sources = queue["source"].astype("string") if "source" in queue.columns else None
    pages = queue["page"] if "page" in queue.columns else None
    order = np.argsort(sources.fillna("").to_numpy(), kind="stable") if sources is not None else []
    for i in order:
        src = sources.iloc[i]
        if pd.isna(src):
            continue
        page = int(pages.iloc[i]) if pages is not None and pd.notna(pages.iloc[i]) else 1
        img = finder.get(str(src), page)
        box = None if img is None else crop_box(tuple(boxes[i]), img.size, margin)
        if box is None:
            continue
        stem = safe_component(PurePath(source_name(str(src))).stem[:40])
        name = f"crops/{int(queue['item'].iloc[i]):05d}_{stem}.png"
        img.crop(box).save(out / name)
        crops.iloc[i] = name
    return crops


def _write_xlsx(queue: pd.DataFrame, out: Path, *, embed: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XlImage
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "review"
    shown = ("item", "source", "page", "text", "value", "field_norm", "field_item", "confidence")
    shown = [c for c in shown if c in queue.columns]
    header = [*shown, "crop", "image", "corrected_text", "ok"]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    crop_col = len(shown) + 1
    img_col = crop_col + 1
    ws.column_dimensions[ws.cell(1, img_col).column_letter].width = _THUMB_W / 7
    for r, row in enumerate(queue.itertuples(index=False), start=2):
        rec = row._asdict()
        ws.append([_cell(rec[c]) for c in shown] + [_cell(rec["crop"])])
        crop = rec["crop"]
        if pd.isna(crop):
            continue
        link = ws.cell(r, crop_col)
        link.hyperlink = crop
        link.style = "Hyperlink"
        if embed:
            pic = XlImage(out / crop)
            scale = min(_THUMB_H / pic.height, _THUMB_W / pic.width, 1.0)
            pic.width, pic.height = int(pic.width * scale), int(pic.height * scale)
            ws.add_image(pic, ws.cell(r, img_col).coordinate)
            ws.row_dimensions[r].height = max(pic.height * 0.75 + 4, 15)
    ws.freeze_panes = "A2"
    write_atomically(out / "review.xlsx", wb.save)


def _cell(v: Any) -> Any:
    """A queue value as written: text made safe (never a formula, controls escaped, cut to
    what a cell holds)."""
    if not isinstance(v, str) and (v is None or pd.isna(v)):
        return None
    return xlsx_value(v)
