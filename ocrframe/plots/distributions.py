"""Confidence distributions (histogram, ECDF, box plot) and the reliability diagram.

>>> import pandas as pd
>>> ax = plot_confidence(pd.DataFrame({"confidence": [0.5, 0.9, 0.99]}), kind="ecdf")
>>> ax.get_xlabel()
'confidence'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..arguments import check_choice, check_threshold
from ..datasets.calibration import calibration_table, ece_of
from ..errors import InputError
from .data import KINDS, axes_or_current, below, layer_frame, with_plot_docs

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_confidence", "plot_calibration"]


# --- confidence distributions ------------------------------------------------------------------

_CONF_KINDS = ("hist", "ecdf", "box")


@with_plot_docs
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
    data : DataFrame, dict of DataFrames, Response, list of responses or Batch
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
    check_choice("kind", kind, _CONF_KINDS)
    check_choice("layer", layer, list(KINDS))
    threshold = None if threshold is None else check_threshold(threshold)
    frame = _confidence_frame(data, layer)
    if "confidence" not in frame.columns:
        raise InputError(
            f"the frame has no `confidence` column (it has {list(frame.columns)}); pick a layer "
            f"with confidences, e.g. layer='words'"
        )
    if by is not None:
        check_choice("by", by, list(frame.columns))
    ax = axes_or_current(ax)
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
    from ..response import Response

    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, list | tuple):  # responses, as an audit reads them: their Batch
        from ..datasets.audit_inputs import auditable

        data = auditable(data)
    method = getattr(data, KINDS.get(layer, layer), None)
    if not isinstance(data, Response | dict) and callable(method):
        from ..datasets.batch import Batch, with_vendor

        frame = method()
        if isinstance(frame, pd.DataFrame):  # a Batch's says its vendor, as a list's does
            return with_vendor(frame) if isinstance(data, Batch) else frame
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


@with_plot_docs
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
    ax = axes_or_current(ax)
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
