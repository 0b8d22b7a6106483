"""Two engines' results of the same page, aligned box to box.

:func:`compare` pairs the text boxes of two results (any engines: Huawei, the local engine,
Textract, Azure, Document AI, Vision, PaddleOCR, Tesseract) by polygon overlap and text, and
returns a :class:`Comparison`: a frame with one row per pair (or group, when one engine
splits what the other reads as one line) or unpaired box, summary counts, and a plot of the
disagreements over the image.

>>> box = lambda x: [[x, 0], [x + 40, 0], [x + 40, 10], [x, 10]]
>>> a = {"result": {"words_block_list": [
...     {"words": "TOTAL", "confidence": 0.99, "location": box(0)},
...     {"words": "12.50", "confidence": 0.80, "location": box(50)}]}}
>>> b = {"result": {"words_block_list": [
...     {"words": "TOTAL", "confidence": 0.97, "location": box(1)},
...     {"words": "12.80", "confidence": 0.60, "location": box(51)},
...     {"words": "EUR", "confidence": 0.90, "location": box(100)}]}}
>>> c = compare(a, b)
>>> c.matches[["text_a", "text_b", "status"]].values.tolist()
[['TOTAL', 'TOTAL', 'agree'], ['12.50', '12.80', 'differ'], [nan, 'EUR', 'only_b']]
>>> c.summary["agreement_rate"], c.summary["only_b"]
(0.5, 1)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .arguments import check_choice, check_flag, check_number
from .errors import InputError
from .plots.data import displayed_size, load_image
from .vendors import to_pixels

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["compare", "Comparison", "LEVELS", "STATUS_COLORS"]

LEVELS = ("auto", "words", "tokens")
STATUS_COLORS = {
    "agree": "tab:green",
    "differ": "tab:red",
    "only_a": "tab:orange",
    "only_b": "tab:blue",
}
_BOX = ["x_min", "y_min", "x_max", "y_max"]
_TEXT_AND_POLYGON = ["text", *(f"{a}{i}" for i in range(1, 5) for a in "xy")]


@dataclass
class Comparison:
    """The result of :func:`compare`.

    Attributes
    ----------
    matches : DataFrame
        One row per group of overlapping boxes or unmatched box: ``page``, ``status``
        (``agree``, ``differ``, ``only_a``, ``only_b``), ``text_a``/``text_b``,
        ``confidence_a``/``confidence_b`` (means over the group), ``iou``, ``similarity``
        (0-1, character level), ``agree`` (texts equal once whitespace is collapsed),
        ``n_a``/``n_b`` (boxes in the group), ``index_a``/``index_b`` (their rows in the
        compared frames) and the box drawn (``x_min``..``y_max``, in pixels when an image was
        given).
    summary : dict
        ``n_a``, ``n_b``, ``matched``, ``agree``, ``differ``, ``only_a``, ``only_b``,
        ``agreement_rate`` (agree / matched), ``mean_iou``, ``level`` and the two names.

    Examples
    --------
    >>> import ocrframe
    >>> truth = ocrframe.ground_truth("receipt-cafe")  # a bundled sample's lines, in pixels
    >>> c = compare(truth, truth.drop(index=0))  # b misses the first line
    >>> {k: c.summary[k] for k in ("n_a", "n_b", "agree", "only_a", "agreement_rate")}
    {'n_a': 19, 'n_b': 18, 'agree': 18, 'only_a': 1, 'agreement_rate': 1.0}
    """

    matches: pd.DataFrame
    summary: dict[str, Any]
    image: Any = field(default=None, repr=False)

    def plot(
        self,
        image: Any = None,
        *,
        show: str = "disagreements",
        ax: Axes | None = None,
        labels: bool = True,
        **kwargs: Any,
    ) -> Axes:
        """Boxes over the image, coloured by status (``STATUS_COLORS``): red where the texts
        differ, orange/blue where only one engine found text, green where they agree.

        ``show="disagreements"`` (default) leaves out the agreeing pairs; ``"all"`` draws them.
        Labels write ``text_a → text_b`` in each box. Other keywords go to
        :func:`ocrframe.plot_polygons`.

        >>> import ocrframe
        >>> truth = ocrframe.ground_truth("receipt-cafe")
        >>> ax = compare(truth, truth.drop(index=0)).plot(ocrframe.sample_path("receipt-cafe"))
        >>> len(ax.images), [label.get_text() for label in ax.texts]
        (1, ['CORNER CAFE → ∅'])
        """
        import ocrframe

        check_choice("show", show, ("disagreements", "all"))
        check_flag("labels", labels)
        frame = self.matches
        if show == "disagreements":
            frame = frame[frame["status"] != "agree"]
        frame = frame.dropna(subset=_BOX).copy()
        corners = {
            "x1": "x_min",
            "y1": "y_min",
            "x2": "x_max",
            "y2": "y_min",
            "x3": "x_max",
            "y3": "y_max",
            "x4": "x_min",
            "y4": "y_max",
        }
        for c, src in corners.items():
            frame[c] = frame[src]
        frame["label"] = [
            ""
            if st == "agree"
            else f"{a if isinstance(a, str) else '∅'} → {b if isinstance(b, str) else '∅'}"
            for st, a, b in zip(frame["status"], frame["text_a"], frame["text_b"], strict=True)
        ]
        image = image if image is not None else self.image
        if isinstance(image, tuple):  # only a size was given: no picture to draw
            image = None
        from matplotlib.colors import to_rgba

        colors = [STATUS_COLORS[st] for st in frame["status"]]
        style = {
            "facecolors": [to_rgba(c, 0.3) for c in colors],
            "edgecolors": colors,
            "linewidths": 1.5,
            **kwargs,
        }
        ax = ocrframe.plot_polygons(
            frame,
            image,
            color_by=None,
            labels="label" if labels else False,
            colorbar=False,
            ax=ax,
            **style,
        )
        _legend(ax, frame)
        s = self.summary
        ax.set_title(
            f"{s['name_a']} vs {s['name_b']}: {s['agree']} agree, {s['differ']} differ, "
            f"{s['only_a']} only {s['name_a']}, {s['only_b']} only {s['name_b']}",
            fontsize=9,
        )
        return ax


def _legend(ax: Axes, frame: pd.DataFrame) -> None:
    from matplotlib.patches import Patch

    present = [s for s in STATUS_COLORS if s in set(frame["status"])]
    if present:
        ax.legend(
            handles=[Patch(color=STATUS_COLORS[s], alpha=0.5, label=s) for s in present],
            loc="upper right",
            fontsize=8,
        )


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", text).strip() if isinstance(text, str) else ""


def _frames(x: Any) -> tuple[Any, dict[str, pd.DataFrame]]:
    """The response (None for a frame) and its words, tokens and document frames. A frame
    with ``text`` and polygon columns (ground truth, say) is compared as lines in pixels."""
    import ocrframe

    if isinstance(x, pd.DataFrame):
        if "page" not in x.columns:
            x = x.assign(page=1)
        missing = sorted(set(_TEXT_AND_POLYGON) - set(x.columns))
        if missing and not set(_BOX) <= set(x.columns):
            raise InputError(
                f"a frame to compare needs `text` and polygon (x1..y4) or bbox columns; it "
                f"lacks {missing} (it has {list(x.columns)})"
            )
        if "text" not in x.columns:
            raise InputError(f"a frame to compare needs a `text` column; it has {list(x.columns)}")
        if not set(_BOX) <= set(x.columns):
            xs = x[["x1", "x2", "x3", "x4"]].to_numpy(dtype=float)
            ys = x[["y1", "y2", "y3", "y4"]].to_numpy(dtype=float)
            x = x.assign(x_min=xs.min(1), y_min=ys.min(1), x_max=xs.max(1), y_max=ys.max(1))
        x = x if "confidence" in x.columns else x.assign(confidence=np.nan)
        return None, {"words": x, "tokens": x.iloc[:0], "document": x[["page"]].iloc[:0]}
    resp = ocrframe.read_response(x)
    frames = {n: getattr(ocrframe, n)(resp) for n in ("words", "tokens", "document")}
    return resp, frames


def _level(fa: dict[str, pd.DataFrame], fb: dict[str, pd.DataFrame], level: str) -> tuple:
    if level != "auto":
        return level, level
    for name in ("words", "tokens"):
        if len(fa[name]) and len(fb[name]):
            return name, name
    pick = lambda f: "words" if len(f["words"]) else "tokens"  # noqa: E731
    return pick(fa), pick(fb)


def _image_size(image: Any) -> tuple[float, float] | None:
    """(width, height) of the page image given to :func:`compare` (any image the plots read,
    or the size itself); InputError for anything else."""
    if image is None:
        return None
    if isinstance(image, tuple):
        if len(image) == 2:
            for name, value in zip(("width", "height"), image, strict=True):
                check_number(f"image {name}", value, low=0, above=True)
            return image
        raise InputError(f"image as a size must be (width, height), got {image!r}")
    if hasattr(image, "size") and isinstance(image.size, tuple):  # a PIL image
        return displayed_size(image)
    pixels = load_image(image)
    return pixels.shape[1], pixels.shape[0]


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box of ``a`` (n x 4) with every box of ``b`` (m x 4)."""
    x0 = np.maximum(a[:, None, 0], b[None, :, 0])
    y0 = np.maximum(a[:, None, 1], b[None, :, 1])
    x1 = np.minimum(a[:, None, 2], b[None, :, 2])
    y1 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(union > 0, inter / union, 0.0)
    return np.nan_to_num(out)


def compare(
    a: Any,
    b: Any,
    *,
    level: str = "auto",
    image: Any = None,
    min_overlap: float = 0.3,
    names: tuple[str, str] | None = None,
) -> Comparison:
    """Align two results of the same page box to box, by polygon overlap, and compare texts.

    Parameters
    ----------
    a, b : Response, response body, path, or DataFrame
        Anything :func:`ocrframe.read_response` reads, from any engine; or a frame of lines
        with ``text`` and polygon columns in pixels, such as ``ocrframe.ground_truth(name)``.
    level : {"auto", "words", "tokens"}
        Compare lines (``words``) or engine words (``tokens``). ``auto`` takes lines when
        both results have them, else words when both do, else what each has.
    image : path, PIL image or (width, height), optional
        The page image: needed when a result's coordinates are not pixels (normalised or
        inches); kept for :meth:`Comparison.plot`.
    min_overlap : float
        Two boxes are linked when their intersection covers at least this share of the
        smaller one.
    names : (str, str), optional
        Labels of the two results; default the vendors, e.g. ``("huawei:general-text",
        "tesseract")``.

    Linked boxes form groups, so a line one engine splits in two (a label and its amount)
    and the other reads whole is one row: ``n_a``/``n_b`` count the pieces and the texts are
    joined in reading order. ``iou`` is that of the groups' bounding boxes.

    Examples
    --------
    >>> import ocrframe
    >>> truth = ocrframe.ground_truth("receipt-cafe")
    >>> misread = truth.replace({"text": {"Receipt #4017": "Receipt #4O17"}})
    >>> c = compare(truth, misread, names=("truth", "ocr"))
    >>> c.matches.query("status != 'agree'")[["status", "text_a", "text_b", "iou"]]
       status         text_a         text_b  iou
    3  differ  Receipt #4017  Receipt #4O17  1.0
    """
    check_number("min_overlap", min_overlap, low=0, high=1, above=True)
    check_choice("level", level, LEVELS)
    if names is not None and not (
        isinstance(names, tuple | list)
        and len(names) == 2
        and all(isinstance(n, str) for n in names)
    ):
        raise InputError(f"names must be two strings, e.g. ('cloud', 'local'), got {names!r}")
    size = _image_size(image)
    ra, fa = _frames(a)
    rb, fb = _frames(b)
    la, lb = _level(fa, fb, level)
    wa = to_pixels(fa[la], fa["document"], size)
    wb = to_pixels(fb[lb], fb["document"], size)
    rows = []
    for page in sorted(set(wa["page"]) | set(wb["page"])):
        rows += _match_page(wa[wa["page"] == page], wb[wb["page"] == page], page, min_overlap)
    matches = pd.DataFrame(rows, columns=_COLUMNS).astype(_DTYPES)
    name_a, name_b = names or (_name(ra), _name(rb))
    if name_a == name_b and names is None:
        name_a, name_b = f"{name_a} (a)", f"{name_b} (b)"
    counts = matches["status"].value_counts()
    n = {s: int(counts.get(s, 0)) for s in STATUS_COLORS}
    matched = n["agree"] + n["differ"]
    summary = {
        "name_a": name_a,
        "name_b": name_b,
        "level": la if la == lb else f"{la}/{lb}",
        "n_a": len(wa),
        "n_b": len(wb),
        "matched": matched,
        **n,
        "agreement_rate": n["agree"] / matched if matched else float("nan"),
        "mean_iou": float(matches["iou"].mean()) if matched else float("nan"),
    }
    return Comparison(matches, summary, image)


_COLUMNS = [
    "page",
    "status",
    "text_a",
    "text_b",
    "confidence_a",
    "confidence_b",
    "iou",
    "similarity",
    "agree",
    "n_a",
    "n_b",
    "index_a",
    "index_b",
    *_BOX,
]
_DTYPES = {
    "page": "int64",
    "status": "str",
    "text_a": "str",
    "text_b": "str",
    "confidence_a": float,
    "confidence_b": float,
    "iou": float,
    "similarity": float,
    "agree": "boolean",
    "n_a": "int64",
    "n_b": "int64",
}


def _name(resp: Any) -> str:
    if resp is None:
        return "frame"
    return resp.vendor if resp.vendor != "huawei" or resp.api is None else f"huawei:{resp.api}"


def _boxes(frame: pd.DataFrame) -> np.ndarray:
    return frame[_BOX].to_numpy(dtype=float) if len(frame) else np.empty((0, 4))


def _overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over the smaller area, for every box of ``a`` with every box of ``b``."""
    w = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    h = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    inter = np.clip(w, 0, None) * np.clip(h, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    smaller = np.minimum(area_a[:, None], area_b[None, :])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(np.where(smaller > 0, inter / smaller, 0.0))


def _groups(link: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """Connected groups of the bipartite links (a rows x b columns), unlinked boxes alone."""
    n, m = link.shape
    parent = list(range(n + m))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(link), strict=True):
        parent[find(int(i))] = find(n + int(j))
    members: dict[int, tuple[list[int], list[int]]] = {}
    for k in range(n + m):
        side = members.setdefault(find(k), ([], []))
        (side[0] if k < n else side[1]).append(k if k < n else k - n)
    return list(members.values())


def _reading_order(boxes: np.ndarray, idx: list[int]) -> list[int]:
    """Left to right when the boxes share a line, else top to bottom."""
    if len(idx) < 2:
        return idx
    b = boxes[idx]
    one_line = b[:, 1].max() < b[:, 3].min()
    key = b[:, 0] if one_line else b[:, 1] * 1e6 + b[:, 0]
    return [idx[k] for k in np.argsort(key, kind="stable")]


def _union(boxes: np.ndarray, idx: list[int]) -> list[float]:
    b = boxes[idx]
    return [b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()]


def _match_page(fa: pd.DataFrame, fb: pd.DataFrame, page: int, min_overlap: float) -> list:
    ba, bb = _boxes(fa), _boxes(fb)
    link = (
        _overlap(ba, bb) >= min_overlap
        if len(ba) and len(bb)
        else np.zeros((len(ba), len(bb)), bool)
    )
    rows = []
    for ia, ib in _groups(link):
        ia, ib = _reading_order(ba, ia), _reading_order(bb, ib)
        text_a = " ".join(_norm(t) for t in fa["text"].iloc[ia]) if ia else None
        text_b = " ".join(_norm(t) for t in fb["text"].iloc[ib]) if ib else None
        conf_a = float(fa["confidence"].iloc[ia].mean()) if ia else np.nan
        conf_b = float(fb["confidence"].iloc[ib].mean()) if ib else np.nan
        if ia and ib:
            ua, ub = _union(ba, ia), _union(bb, ib)
            iou = float(_iou(np.array([ua]), np.array([ub]))[0, 0])
            sim = difflib.SequenceMatcher(None, text_a, text_b).ratio()
            agree = text_a == text_b
            status = "agree" if agree else "differ"
            box = [min(ua[0], ub[0]), min(ua[1], ub[1]), max(ua[2], ub[2]), max(ua[3], ub[3])]
        else:
            iou, sim, agree = np.nan, np.nan, pd.NA
            status = "only_a" if ia else "only_b"
            box = _union(ba, ia) if ia else _union(bb, ib)
        rows.append(
            [
                page,
                status,
                text_a,
                text_b,
                conf_a,
                conf_b,
                iou,
                sim,
                agree,
                len(ia),
                len(ib),
                list(fa.index[ia]),
                list(fb.index[ib]),
                *box,
            ]
        )
    rows.sort(key=lambda r: (r[-3], r[-4]))  # top to bottom, left to right
    return rows
