"""Two engines' results of the same page, aligned word to word.

:func:`compare` pairs the text boxes of two results (any engines: Huawei, the local engine,
Textract, Azure, Document AI, Vision, PaddleOCR, Tesseract) by polygon overlap and text, and
returns a :class:`Comparison`: a frame with one row per pair or unpaired box, summary counts,
and a plot of the disagreements over the image.

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

from .errors import InputError

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


@dataclass
class Comparison:
    """The result of :func:`compare`.

    Attributes
    ----------
    matches : DataFrame
        One row per matched pair or unmatched box: ``page``, ``status`` (``agree``,
        ``differ``, ``only_a``, ``only_b``), ``text_a``/``text_b``,
        ``confidence_a``/``confidence_b``, ``iou``, ``similarity`` (0-1, character level),
        ``agree`` (texts equal once whitespace is collapsed), ``index_a``/``index_b`` (rows of
        the compared frames) and the box (``x_min``..``y_max``, in pixels when an image was
        given) that is drawn.
    summary : dict
        ``n_a``, ``n_b``, ``matched``, ``agree``, ``differ``, ``only_a``, ``only_b``,
        ``agreement_rate`` (agree / matched), ``mean_iou``, ``level`` and the two names.
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
        """
        import ocrframe

        if show not in ("disagreements", "all"):
            raise InputError(f"show must be 'disagreements' or 'all', got {show!r}")
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
            f"{a if isinstance(a, str) else '∅'} → {b if isinstance(b, str) else '∅'}"
            for a, b in zip(frame["text_a"], frame["text_b"], strict=True)
        ]
        image = image if image is not None else self.image
        if isinstance(image, tuple):  # only a size was given: no picture to draw
            image = None
        ax = ocrframe.plot_polygons(
            frame,
            image,
            color_by="status",
            labels="label" if labels else False,
            colorbar=False,
            ax=ax,
            **kwargs,
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
    import ocrframe

    resp = ocrframe.read_response(x)
    frames = {n: getattr(ocrframe, n)(resp) for n in ("words", "tokens", "document")}
    return resp, frames


def _level(fa: dict[str, pd.DataFrame], fb: dict[str, pd.DataFrame], level: str) -> tuple:
    if level not in LEVELS:
        raise InputError(f"level must be one of {list(LEVELS)}, got {level!r}")
    if level != "auto":
        return level, level
    for name in ("words", "tokens"):
        if len(fa[name]) and len(fb[name]):
            return name, name
    pick = lambda f: "words" if len(f["words"]) else "tokens"  # noqa: E731
    return pick(fa), pick(fb)


def _in_pixels(frame: pd.DataFrame, doc: pd.DataFrame, image: Any) -> pd.DataFrame:
    from .vendors import to_pixels

    size = None
    if image is not None:
        size = getattr(image, "size", None) if not isinstance(image, tuple) else image
        if size is None:
            from PIL import Image

            with Image.open(image) as im:
                size = im.size
    return to_pixels(frame, doc, size)


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
    min_iou: float = 0.3,
    names: tuple[str, str] | None = None,
) -> Comparison:
    """Align two results of the same page word to word, by polygon overlap and text.

    Parameters
    ----------
    a, b : Response, response body, path...
        Anything :func:`ocrframe.read_response` reads, from any engine.
    level : {"auto", "words", "tokens"}
        Compare lines (``words``) or engine words (``tokens``). ``auto`` takes lines when
        both results have them, else words when both do, else what each has.
    image : path, PIL image or (width, height), optional
        The page image: needed when a result's coordinates are not pixels (normalised or
        inches); kept for :meth:`Comparison.plot`.
    min_iou : float
        Boxes overlapping less than this are never paired.
    names : (str, str), optional
        Labels of the two results; default the vendors (with the API), e.g.
        ``("huawei", "tesseract")``.

    Pairs are chosen greedily, best first, one box per pair; the score of a pair is its IoU
    plus half its text similarity, so of two equally overlapping boxes the one with the same
    text wins.
    """
    if not 0.0 <= min_iou <= 1.0:
        raise InputError(f"min_iou must be within [0, 1], got {min_iou!r}")
    ra, fa = _frames(a)
    rb, fb = _frames(b)
    la, lb = _level(fa, fb, level)
    wa = _in_pixels(fa[la], fa["document"], image)
    wb = _in_pixels(fb[lb], fb["document"], image)
    rows = []
    for page in sorted(set(wa["page"]) | set(wb["page"])):
        rows += _match_page(wa[wa["page"] == page], wb[wb["page"] == page], page, min_iou)
    matches = pd.DataFrame(rows, columns=_COLUMNS)
    matches = matches.astype(
        {
            "iou": float,
            "similarity": float,
            "confidence_a": float,
            "confidence_b": float,
            "agree": "boolean",
            "index_a": "Int64",
            "index_b": "Int64",
        }
    )
    name_a, name_b = names or (_name(ra), _name(rb))
    if name_a == name_b and names is None:
        name_a, name_b = f"{name_a} (a)", f"{name_b} (b)"
    counts = matches["status"].value_counts()
    matched = int(counts.get("agree", 0) + counts.get("differ", 0))
    summary = {
        "name_a": name_a,
        "name_b": name_b,
        "level": la if la == lb else f"{la}/{lb}",
        "n_a": len(wa),
        "n_b": len(wb),
        "matched": matched,
        "agree": int(counts.get("agree", 0)),
        "differ": int(counts.get("differ", 0)),
        "only_a": int(counts.get("only_a", 0)),
        "only_b": int(counts.get("only_b", 0)),
        "agreement_rate": float(counts.get("agree", 0) / matched) if matched else float("nan"),
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
    "index_a",
    "index_b",
    *_BOX,
]


def _name(resp: Any) -> str:
    return resp.vendor if resp.vendor != "huawei" or resp.api is None else f"huawei:{resp.api}"


def _boxes(frame: pd.DataFrame) -> np.ndarray:
    return frame[_BOX].to_numpy(dtype=float) if len(frame) else np.empty((0, 4))


def _match_page(fa: pd.DataFrame, fb: pd.DataFrame, page: int, min_iou: float) -> list[list]:
    ba, bb = _boxes(fa), _boxes(fb)
    ta = [_norm(t) for t in fa["text"]] if len(fa) else []
    tb = [_norm(t) for t in fb["text"]] if len(fb) else []
    iou = _iou(ba, bb) if len(ba) and len(bb) else np.zeros((len(ba), len(bb)))
    candidates = []
    for i, j in zip(*np.nonzero(iou >= max(min_iou, 1e-9)), strict=True):
        sim = difflib.SequenceMatcher(None, ta[i], tb[j]).ratio() if ta[i] or tb[j] else 1.0
        candidates.append((iou[i, j] + 0.5 * sim, i, j, sim))
    candidates.sort(key=lambda c: -c[0])
    used_a, used_b, rows = set(), set(), []
    for _, i, j, sim in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        agree = ta[i] == tb[j]
        box = [
            min(ba[i, 0], bb[j, 0]),
            min(ba[i, 1], bb[j, 1]),
            max(ba[i, 2], bb[j, 2]),
            max(ba[i, 3], bb[j, 3]),
        ]
        rows.append(
            [
                page,
                "agree" if agree else "differ",
                fa["text"].iloc[i],
                fb["text"].iloc[j],
                fa["confidence"].iloc[i],
                fb["confidence"].iloc[j],
                iou[i, j],
                sim,
                agree,
                fa.index[i],
                fb.index[j],
                *box,
            ]
        )
    for i in range(len(fa)):
        if i not in used_a:
            rows.append(
                [
                    page,
                    "only_a",
                    fa["text"].iloc[i],
                    None,
                    fa["confidence"].iloc[i],
                    np.nan,
                    np.nan,
                    np.nan,
                    pd.NA,
                    fa.index[i],
                    pd.NA,
                    *ba[i],
                ]
            )
    for j in range(len(fb)):
        if j not in used_b:
            rows.append(
                [
                    page,
                    "only_b",
                    None,
                    fb["text"].iloc[j],
                    np.nan,
                    fb["confidence"].iloc[j],
                    np.nan,
                    np.nan,
                    pd.NA,
                    pd.NA,
                    fb.index[j],
                    *bb[j],
                ]
            )
    return rows
