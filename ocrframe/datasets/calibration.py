"""Calibration: match OCR items to ground truth, bin by confidence, expected calibration error.

>>> import pandas as pd
>>> pred = pd.DataFrame({"text": ["HELLO", "W0RLD"], "confidence": [0.95, 0.3]})
>>> calibration_table(pred, ["hello", "world"], bins=2, ignore_case=True)["accuracy"].tolist()
[0.0, 1.0]
>>> expected_calibration_error(pred, ["hello", "world"], bins=2, ignore_case=True)
0.175
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import check_flag, check_number
from ..errors import InputError
from ..plots.data import BBOX, POLYGON, confidence_values

__all__ = [
    "match_truth",
    "calibration_table",
    "expected_calibration_error",
    "accuracy_by_confidence",
    "prediction_frame",
]

_SPACE = re.compile(r"\s+")
MAX_BINS = 1_000_000  # more bins than this is a mistake (and more memory than a table needs)


def _normalise(texts: Sequence[Any], ignore_case: bool) -> list[str]:
    out = []
    for t in texts:
        s = "" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t)
        s = _SPACE.sub(" ", unicodedata.normalize("NFKC", s)).strip()
        out.append(s.casefold() if ignore_case else s)
    return out


def _boxes(frame: pd.DataFrame) -> np.ndarray | None:
    """Axis-aligned boxes (n, 4) from polygon or bbox columns, or None when the frame has none."""
    if all(c in frame.columns for c in POLYGON):
        p = frame[POLYGON].apply(pd.to_numeric, errors="coerce").to_numpy(float, na_value=np.nan)
        xs, ys = p[:, 0::2], p[:, 1::2]
        return np.column_stack([xs.min(1), ys.min(1), xs.max(1), ys.max(1)])
    if all(c in frame.columns for c in BBOX):
        return frame[BBOX].apply(pd.to_numeric, errors="coerce").to_numpy(float, na_value=np.nan)
    return None


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU matrix (len(a), len(b)) of axis-aligned boxes; NaN boxes give 0."""
    ix = np.clip(
        np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None
    )
    iy = np.clip(
        np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None
    )
    inter = ix * iy
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = inter / (area_a[:, None] + area_b[None, :] - inter)
    return np.nan_to_num(iou, nan=0.0)


def prediction_frame(pred: Any) -> pd.DataFrame:
    """The predicted items to calibrate: a frame as is, a Response's words with its ``source``,
    a Batch's words.

    >>> import ocrframe
    >>> resp = ocrframe.read_response(ocrframe.sample_path("general-text"))
    >>> prediction_frame(resp)["source"].iloc[0] == resp.source
    True
    """
    if isinstance(pred, pd.DataFrame):
        return pred
    from ..response import Response

    if isinstance(pred, Response):
        words = pred.words()
        if pred.source is not None and "source" not in words.columns:
            words.insert(0, "source", pred.source)
        return words
    method = getattr(pred, "words", None)
    frame = method() if callable(method) else None
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            "pred must be a DataFrame with a `text` column (e.g. ocrframe.words(r)), a Response "
            f"or a Batch, got {type(pred).__name__}"
        )
    return frame


def _check_same_documents(pred: pd.DataFrame, truth: pd.DataFrame) -> None:
    """Refuse predictions and truth of different documents; warn when it cannot be told."""
    has = ["source" in pred.columns, "source" in truth.columns]
    if all(has):
        p_src, t_src = set(pred["source"].dropna()), set(truth["source"].dropna())
        if p_src and t_src and not p_src & t_src:
            raise InputError(
                "pred and truth share no document: pred has source(s) "
                f"{_few(p_src)}, truth has {_few(t_src)}; pass the ground truth of the same "
                "documents (same `source` values)"
            )
    elif any(has) and len(pred) and len(truth):
        side = "pred" if has[0] else "truth"
        warnings.warn(
            f"only {side} has a `source` column, so it cannot be checked that pred and truth "
            "are the same document(s); items are paired by position alone. Pass a Response or "
            "a Batch (their words carry `source`) or add the column.",
            UserWarning,
            stacklevel=4,
        )


def _few(values: set[Any], n: int = 3) -> str:
    shown = sorted(map(str, values))
    return ", ".join(shown[:n]) + (f" and {len(shown) - n} more" if len(shown) > n else "")


def match_truth(
    pred: pd.DataFrame,
    truth: pd.DataFrame | Sequence[str],
    *,
    ignore_case: bool = False,
    min_iou: float = 0.3,
) -> pd.DataFrame:
    """Pair each predicted item with a ground-truth line and say whether its text is right.

    When both sides have boxes (polygon or bbox columns) a prediction is paired with the line it
    overlaps most (IoU at least ``min_iou``), within the same ``source``/``page`` when both frames
    have those columns; otherwise with the closest text. Texts are compared after Unicode NFKC
    normalisation and whitespace folding (and case folding with ``ignore_case``).

    Predictions and truth of different documents are refused (both have ``source`` and share
    none) or warned about (only one side has ``source``, or almost nothing matches).

    Parameters
    ----------
    pred : DataFrame, Response or Batch
        Items with ``text`` and ``confidence`` (a Response or Batch gives its words, with
        ``source``).
    truth : DataFrame or list of str
        Ground-truth lines with ``text`` (and boxes), or plain strings.
    ignore_case : bool
        Compare case-insensitively.
    min_iou : float
        Smallest overlap (intersection over union) that pairs two boxes. OCR boxes and
        annotated boxes of the same line are drawn differently (tight glyphs vs padded
        lines) and often overlap only 0.5–0.7, so the default is 0.3.

    Returns
    -------
    DataFrame
        ``pred`` with ``truth_text`` (NA when unpaired), ``iou`` (NaN without boxes) and
        ``correct`` (bool) columns.

    Examples
    --------
    >>> pred = pd.DataFrame({"text": ["TOTAL 9.00"], "confidence": [0.9]})
    >>> match_truth(pred, ["total 9.00"], ignore_case=True)["correct"].tolist()
    [True]
    """
    ignore_case = check_flag("ignore_case", ignore_case)
    min_iou = check_number("min_iou", min_iou, low=0, high=1)
    pred = prediction_frame(pred)
    if "text" not in pred.columns:
        raise InputError("pred must be a DataFrame with a `text` column (e.g. ocrframe.words(r))")
    if isinstance(truth, pd.DataFrame):
        if "text" not in truth.columns:
            raise InputError(f"truth has no `text` column; it has {list(truth.columns)}")
        truth_frame = truth
    elif isinstance(truth, str) or not isinstance(truth, Sequence):
        raise InputError(
            "truth must be a DataFrame with `text` or a list of strings, "
            f"got {type(truth).__name__}"
        )
    else:
        truth_frame = pd.DataFrame({"text": list(truth)}, dtype=object)
    _check_same_documents(pred, truth_frame)
    p_text = _normalise(pred["text"].tolist(), ignore_case)
    t_text = _normalise(truth_frame["text"].tolist(), ignore_case)
    p_box, t_box = _boxes(pred), _boxes(truth_frame)
    n = len(pred)
    paired = np.full(n, -1)
    iou = np.full(n, np.nan)
    if p_box is not None and t_box is not None:
        keys = [c for c in ("source", "page") if c in pred.columns and c in truth_frame.columns]
        p_groups = pred.groupby(keys, sort=False).indices if keys else {(): np.arange(n)}
        t_groups = truth_frame.groupby(keys, sort=False).indices if keys else {(): None}
        for key, p_idx in p_groups.items():
            t_idx = t_groups.get(key)
            if t_idx is None and keys:
                continue
            t_idx = np.arange(len(truth_frame)) if t_idx is None else t_idx
            for start in range(0, len(p_idx), 2048):
                chunk = p_idx[start : start + 2048]
                m = _iou(p_box[chunk], t_box[t_idx])
                if m.shape[1] == 0:
                    continue
                best = m.argmax(axis=1)
                score = m[np.arange(len(chunk)), best]
                iou[chunk] = score
                ok = score >= min_iou
                paired[chunk[ok]] = t_idx[best[ok]]
    else:
        exact = {t: i for i, t in reversed(list(enumerate(t_text)))}
        for i, t in enumerate(p_text):
            if t in exact:
                paired[i] = exact[t]
            elif len(t_text) <= 5000:
                close = difflib.get_close_matches(t, t_text, n=1, cutoff=0.6)
                if close:
                    paired[i] = exact[close[0]]
    if n >= 10 and len(truth_frame) and (paired >= 0).mean() < 0.1:
        warnings.warn(
            f"only {int((paired >= 0).sum())} of {n} predicted items matched a ground-truth line; "
            "are pred and truth the same document(s)? (boxes must overlap by min_iou="
            f"{min_iou}, or texts be alike)",
            UserWarning,
            stacklevel=3,
        )
    truth_texts = np.array([pd.NA] + truth_frame["text"].tolist(), dtype=object)[paired + 1]
    correct = np.array([j >= 0 and p_text[i] == t_text[j] for i, j in enumerate(paired)], bool)
    return pred.assign(truth_text=truth_texts, iou=iou, correct=correct)


def calibration_table(
    pred: pd.DataFrame,
    truth: pd.DataFrame | Sequence[str] | None = None,
    bins: int = 10,
    *,
    ignore_case: bool = False,
    min_iou: float = 0.3,
) -> pd.DataFrame:
    """Items, mean confidence and observed accuracy per equal-width confidence bin.

    Parameters
    ----------
    pred : DataFrame
        Items with ``text`` and ``confidence``; or, with ``truth=None``, a frame that already has
        a boolean ``correct`` column (e.g. from :func:`match_truth`).
    truth : DataFrame or list of str, optional
        Ground truth, see :func:`match_truth`.
    bins : int
        Number of bins on [0, 1]; the last bin includes 1.0.
    ignore_case, min_iou
        See :func:`match_truth`.

    Returns
    -------
    DataFrame
        One row per bin: ``bin_lo``, ``bin_hi``, ``count``, ``mean_confidence``, ``accuracy``,
        ``gap`` (accuracy minus mean confidence; NaN for empty bins). Items without a confidence
        are left out.

    Examples
    --------
    >>> pred = pd.DataFrame({"confidence": [0.2, 0.9], "correct": [False, True]})
    >>> calibration_table(pred, bins=2)["count"].tolist()
    [1, 1]
    """
    bins = check_number("bins", bins, low=1, high=MAX_BINS, integer=True)
    if truth is None:
        if not isinstance(pred, pd.DataFrame) or "correct" not in pred.columns:
            raise InputError("without truth, pred must be a frame with a boolean `correct` column")
        matched = pred
    else:
        matched = match_truth(pred, truth, ignore_case=ignore_case, min_iou=min_iou)
    conf = confidence_values(matched)
    correct = matched["correct"].astype(bool).to_numpy()
    keep = ~np.isnan(conf)
    conf, correct = conf[keep], correct[keep]
    if ((conf < 0) | (conf > 1)).any():
        raise InputError("confidence values must lie in [0, 1]")
    edges = np.linspace(0.0, 1.0, int(bins) + 1)
    idx = np.clip(np.searchsorted(edges, conf, side="right") - 1, 0, bins - 1)
    count = np.bincount(idx, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(idx, weights=conf, minlength=bins) / count
        accuracy = np.bincount(idx, weights=correct.astype(float), minlength=bins) / count
    return pd.DataFrame(
        {
            "bin_lo": edges[:-1],
            "bin_hi": edges[1:],
            "count": count.astype("int64"),
            "mean_confidence": mean_conf,
            "accuracy": accuracy,
            "gap": accuracy - mean_conf,
        }
    )


def expected_calibration_error(
    pred: pd.DataFrame,
    truth: pd.DataFrame | Sequence[str] | None = None,
    bins: int = 10,
    *,
    ignore_case: bool = False,
    min_iou: float = 0.3,
) -> float:
    """Expected calibration error: the item-weighted mean of |accuracy - confidence| over bins.

    Takes the same arguments as :func:`calibration_table`; NaN when no item has a confidence.

    Examples
    --------
    >>> pred = pd.DataFrame({"confidence": [0.9, 0.9], "correct": [True, False]})
    >>> round(expected_calibration_error(pred), 2)
    0.4
    """
    return ece_of(calibration_table(pred, truth, bins, ignore_case=ignore_case, min_iou=min_iou))


def ece_of(table: pd.DataFrame) -> float:
    """ECE of a :func:`calibration_table` (NaN when it counts no item)."""
    n = int(table["count"].sum())
    if n == 0:
        return float("nan")
    return round(float((table["count"] * table["gap"].abs().fillna(0.0)).sum() / n), 12)


def accuracy_by_confidence(
    pred: pd.DataFrame,
    truth: pd.DataFrame | Sequence[str] | None = None,
    bins: int = 10,
    *,
    ignore_case: bool = False,
    min_iou: float = 0.3,
) -> pd.DataFrame:
    """Observed accuracy per confidence bin (a reliability table), non-empty bins only.

    Matching and binning are :func:`calibration_table`'s (items paired with the
    ground truth by box overlap within ``source`` / ``page``, else by text).

    Parameters
    ----------
    pred : DataFrame
        Items with ``text`` and ``confidence``; with a boolean ``correct`` column when
        ``truth`` is None.
    truth : DataFrame or list of str, optional
        Ground-truth lines (``text``, optionally boxes, ``source``, ``page``).
    bins : int
        Equal-width bins on [0, 1].
    ignore_case, min_iou
        See :func:`match_truth`.

    Returns
    -------
    DataFrame
        ``bin_lo, bin_hi, count, mean_confidence, accuracy, gap`` (accuracy - confidence).

    Examples
    --------
    >>> df = pd.DataFrame({"confidence": [0.95, 0.92, 0.35], "correct": [True, False, True]})
    >>> accuracy_by_confidence(df, bins=2)[["count", "accuracy"]]
       count  accuracy
    0      1       1.0
    1      2       0.5
    """
    table = calibration_table(pred, truth, bins, ignore_case=ignore_case, min_iou=min_iou)
    return table[table["count"] > 0].reset_index(drop=True)
