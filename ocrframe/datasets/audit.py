"""Confidence audits over frames, responses and whole batches.

``audit`` summarises confidence per document, per field, per API (or any columns);
``threshold_sweep`` shows how much work a manual-review threshold creates;
``accuracy_by_confidence`` and ``expected_calibration_error`` (their home is
``ocrframe.datasets.calibration``) check, against ground truth, whether the confidences mean what
they say. ``review_queue`` lives in ``ocrframe.datasets.review``.

A ``Batch`` with more than ``STREAM_AFTER`` responses is audited chunk by chunk
(``Batch.iter_frames``), so memory stays bounded however large the dataset is.

>>> import pandas as pd
>>> words = pd.DataFrame({"source": ["a", "a", "b"], "text": ["x", "y", ""],
...                       "confidence": [0.99, 0.5, 0.8]})
>>> audit(words, threshold=0.9)[["source", "n", "n_below", "share_below", "n_empty"]]
  source  n  n_below  share_below  n_empty
0      a  2        1          0.5        0
1      b  1        1          1.0        1
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import check_threshold
from ..errors import InputError
from ..inputs.params import show_value
from .audit_inputs import (
    STREAM_AFTER,
    apis_of,
    auditable,
    frame_chunks,
    frame_of,
    should_stream,
)
from .calibration import accuracy_by_confidence, expected_calibration_error  # ground-truth checks

__all__ = [
    "audit",
    "threshold_sweep",
    "accuracy_by_confidence",
    "expected_calibration_error",
    "missing_confidence_hint",
    "DEFAULT_THRESHOLDS",
    "STREAM_AFTER",
]

DEFAULT_THRESHOLDS: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)
_BY_ALIASES = {"document": "source", "doc": "source", "field": "field_norm"}
_QUANTILES = {"median": 0.5, "p5": 0.05, "p25": 0.25}
_BINS = 1000  # streaming quantiles are exact to 1 / _BINS


def resolve_by(df: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return ["source"] if "source" in df.columns else []
    cols = [by] if isinstance(by, str) else list(by) if isinstance(by, list | tuple) else None
    if cols is None or not all(isinstance(c, str) for c in cols):
        raise InputError(
            f"by must be a column name or a list of them (e.g. 'source' or ['api', 'page']), "
            f"got {show_value(by)}"
        )
    cols = [_BY_ALIASES.get(c, c) for c in cols]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(
            f"cannot group by {missing}: the frame has columns {list(df.columns)}. "
            "Use 'document' (source), 'field' (field_norm), 'api', 'page' or any column."
        )
    return cols


def _text_col(df: pd.DataFrame) -> str | None:
    for col in ("value", "text"):
        if col in df.columns:
            return col
    return None


# The columns an audit reads besides its group columns (a document's, a field's, the text).
_READ = frozenset({"source", "page", "api", "field_norm", "field", "confidence", "value", "text"})


def _prepare(
    df: pd.DataFrame, expected: Mapping[str, Iterable[str]] | None, keys: list[str]
) -> pd.DataFrame:
    """The columns the aggregation by ``keys`` reads, and conf, empty, missing."""
    if "confidence" not in df.columns:
        raise InputError(
            f"the frame has no 'confidence' column (columns: {list(df.columns)}); "
            "audit words, chars, cells, kv, fields or plates frames"
        )
    # Those columns alone (no copy of them: copy-on-write), not a copy of the whole frame,
    # which placeholder rows for missing fields would then extend column by column.
    out = df[[c for c in df.columns if c in _READ or c in keys]]
    out["_conf"] = pd.to_numeric(out["confidence"], errors="coerce").astype("float64")
    text = _text_col(out)
    if text is None:
        out["_empty"] = False
    else:
        s = out[text]
        out["_empty"] = s.isna() | (s.astype("string").str.strip() == "").fillna(True)
    out["_missing"] = False
    if expected:
        out = _add_missing(out, expected)
    return out


def _expected_fields(
    df: pd.DataFrame, expected: Mapping[str, Iterable[str]] | Iterable[str] | None
) -> dict[str, list[str]] | None:
    """Expected field names (original or normalised) per API: given, or from the catalog
    (``ApiSpec.expected_fields``)."""
    if "field_norm" not in df.columns:
        return None
    apis = df["api"].dropna().unique().tolist() if "api" in df.columns else []
    if expected is not None:
        if isinstance(expected, Mapping):
            return {str(k): list(v) for k, v in expected.items()}
        fields = list(expected)
        return {a: fields for a in apis} if apis else {"": fields}
    from ..catalog import APIS

    known = {a: list(APIS[a].expected_fields) for a in apis if a in APIS}
    known = {a: f for a, f in known.items() if f}
    return known or None


def _add_missing(df: pd.DataFrame, expected: Mapping[str, Iterable[str]]) -> pd.DataFrame:
    """Append one placeholder row per expected field absent from a document (documents in
    the order they first appear, fields in the order expected). Which names each document
    holds is one (documents x names) table filled from the frame's codes, not a pandas
    operation per document (0.4 ms each) nor a Python tuple per row.

    >>> df = pd.DataFrame({"source": ["a", "a", "b"], "api": "x", "field_norm": ["n", "m", "n"]})
    >>> _add_missing(df, {"x": ["n", "m"]})[["source", "field_norm", "_missing"]].tail(1).values
    array([['b', 'm', True]], dtype=object)
    """
    keys = [c for c in ("source", "page") if c in df.columns]
    group_cols = keys + (["api"] if "api" in df.columns else [])
    if group_cols:
        group = df.groupby(group_cols, dropna=False, sort=False).ngroup().to_numpy()
        heads = df.loc[~pd.Series(group).duplicated().to_numpy(), group_cols]  # group order
    else:
        group, heads = np.zeros(len(df), dtype=np.int64), pd.DataFrame(index=range(1))
    names = pd.Index(list(dict.fromkeys(n for ns in expected.values() for n in ns)), dtype=object)
    present = np.zeros((len(heads), len(names)), dtype=bool)
    for col in ("field_norm", "field"):  # expected names may be original or normalised
        if col in df.columns:
            given, distinct = pd.factorize(df[col])  # a few distinct names: looked up once
            code = np.append(names.get_indexer(distinct), -1)[given]  # (-1: a missing name)
            present[group[code >= 0], code[code >= 0]] = True
    apis = heads["api"].to_numpy(dtype=object, na_value=None) if "api" in heads else None
    apis = [""] * len(heads) if apis is None else apis.tolist()
    missing_of, missing_name = [], []  # per API: its documents' missing fields, as expected
    for api in dict.fromkeys(apis):
        fields = list(expected.get(api or "", expected.get("", ())))
        docs = np.flatnonzero([a == api for a in apis])
        doc, field = np.nonzero(~present[np.ix_(docs, names.get_indexer(fields))])
        missing_of.append(docs[doc])
        missing_name.append(np.asarray(fields, dtype=object)[field])
    of = np.concatenate(missing_of) if missing_of else np.zeros(0, dtype=np.int64)
    if not len(of):
        return df
    order = np.argsort(of, kind="stable")  # documents in order, each one's fields as expected
    extra = heads.iloc[of[order]].reset_index(drop=True)
    extra["field_norm"] = np.concatenate(missing_name)[order]
    extra["_conf"] = np.nan
    extra["_empty"] = False
    extra["_missing"] = True
    return pd.concat([df, extra], ignore_index=True)


# ---------------------------------------------------------------- audit


def audit(
    data: Any,
    threshold: float = 0.9,
    by: str | Sequence[str] | None = None,
    *,
    frame: str | None = None,
    expected: Mapping[str, Iterable[str]] | Iterable[str] | None = None,
    stream: bool | None = None,
    chunk: int | None = None,
) -> pd.DataFrame:
    """Summarise confidence per group.

    Parameters
    ----------
    data : DataFrame, Response, Batch, path or list of responses
        A flattened frame (words, chars, cells, fields, ...), one response, a ``Batch``, a
        folder / glob of saved responses, or a list of responses (or of their paths).
    threshold : float
        Items with ``confidence < threshold`` count as "below" (would go to review).
    by : str or list of str, optional
        Group columns. Aliases: ``"document"`` = ``source``, ``"field"`` = ``field_norm``.
        Default: ``source`` when the frame has it, else one row for everything.
    frame : str, optional
        Which frame of a Batch / Response to audit; default ``fields`` for card APIs,
        ``plates`` for licence plates, else ``words`` (a response of no known API: the
        frames it gives tell).
    expected : mapping or list, optional
        Expected ``field_norm`` values (per API slug, or one list for all) of a fields frame;
        each one absent from a document counts in ``n_missing``. Default: the catalog's
        ``ApiSpec.expected_fields`` where it lists them.
    stream : bool, optional
        Aggregate a Batch chunk by chunk. Default: when it has more than ``STREAM_AFTER``
        responses. Streaming quantiles are exact to 0.001; counts and means are exact.
    chunk : int, optional
        Responses per chunk when streaming. Default: the chunks ``Batch.flatten`` reads (at
        most 2,000 responses and 32 MiB of files).

    Returns
    -------
    DataFrame
        One row per group: ``n`` (items present), ``n_scored`` (with a confidence), ``n_nan``,
        ``mean``, ``median``, ``p5``, ``p25``, ``min``, ``n_below``, ``share_below``
        (of scored items), ``n_empty`` (empty text / value), ``n_missing`` (expected fields
        absent), ``n_documents`` (when ``source`` is not a group column).

    Examples
    --------
    >>> fields = pd.DataFrame({"source": ["c1", "c1"], "api": "id-card",
    ...     "field_norm": ["name", "number"], "value": ["Ann", ""], "confidence": [0.95, 0.7]})
    >>> audit(fields, by="field", expected=["name", "number", "address"])[
    ...     ["field_norm", "n", "n_below", "n_empty", "n_missing"]]
      field_norm  n  n_below  n_empty  n_missing
    0    address  0        0        0          1
    1       name  1        0        0          0
    2     number  1        1        1          0
    """
    t = check_threshold(threshold)
    data = auditable(data)
    if should_stream(data, stream):
        out = _audit_stream(frame_chunks(data, frame, chunk), t, by, expected)
        source: Any = data
    else:
        source = df = frame_of(data, frame)
        keys = resolve_by(df, by)
        prep = _prepare(df, _expected_fields(df, expected), keys)
        out = _finish(_partial(prep, keys, t, exact=True), keys, t)
    if out["n"].sum() > 0 and out["n_scored"].sum() == 0:
        warnings.warn(missing_confidence_hint(source), UserWarning, stacklevel=2)
    return out


def missing_confidence_hint(data: Any) -> str:
    """Why no item has a confidence: the request switch the catalog lists for the APIs of
    ``data`` (a frame with ``api``, a Batch, a Response).

    >>> missing_confidence_hint(pd.DataFrame({"api": ["general-table"]}))
    'no item has a confidence: general-table returns them only when called with return_confidence=True'
    """  # noqa: E501
    from ..catalog import APIS

    if isinstance(data, pd.DataFrame):
        # distinct values first: iterating a column of Arrow strings costs 2 µs a row
        apis = set(data["api"].dropna().unique()) if "api" in data.columns else set()
    else:
        apis = apis_of(data)
    asks = [
        f"{api} returns them only when called with {param.name}=True"
        for api in sorted(a for a in apis if a in APIS)
        for param in APIS[api].params
        if param.type == "boolean" and "confidence" in param.name
    ]
    return "no item has a confidence: " + (
        "; ".join(asks) if asks else "the API gave none (NaN), so means and shares are NaN"
    )


def _partial(prep: pd.DataFrame, keys: list[str], t: float, exact: bool) -> pd.DataFrame:
    """Additive per-group sums (and exact quantiles when ``exact``)."""
    conf = prep["_conf"]
    present = ~prep["_missing"]
    cols = pd.DataFrame(
        {
            "n": present.astype("int64"),
            "n_scored": conf.notna().astype("int64"),
            "n_nan": (conf.isna() & present).astype("int64"),
            "sum": conf.fillna(0.0),
            "n_below": (conf < t).astype("int64"),
            "n_empty": (prep["_empty"] & present).astype("int64"),
            "n_missing": prep["_missing"].astype("int64"),
            "min": conf,
        }
    )
    extra_doc = "source" in prep.columns and "source" not in keys
    if keys:
        for k in keys:
            cols[k] = prep[k].array  # as held: Arrow strings group without a Python str each
        g = cols.groupby(keys, dropna=False, sort=True)
        out = g[["n", "n_scored", "n_nan", "sum", "n_below", "n_empty", "n_missing"]].sum()
        out["min"] = g["min"].min()
        if exact:
            for name, q in _QUANTILES.items():
                out[name] = g["min"].quantile(q)
            if extra_doc:
                docs = prep.loc[present, [*keys, "source"]]
                out["n_documents"] = docs.groupby(keys, dropna=False)["source"].nunique()
                out["n_documents"] = out["n_documents"].fillna(0).astype("int64")
        return out.reset_index()
    out = cols.drop(columns="min").sum().to_frame().T
    out["min"] = conf.min()
    if exact:
        for name, q in _QUANTILES.items():
            out[name] = conf.quantile(q)
        if extra_doc:
            out["n_documents"] = prep.loc[present, "source"].nunique()
    return out


_ORDER = [
    "n", "n_scored", "n_nan", "mean", "median", "p5", "p25", "min",
    "n_below", "share_below", "n_empty", "n_missing", "n_documents",
]  # fmt: skip


def _finish(part: pd.DataFrame, keys: list[str], t: float) -> pd.DataFrame:
    """The audit's columns from the summed ``part``, built as arrays into one frame (a pandas
    operation per column cost more than the sums over a dataset of 200 files)."""
    cols: dict[str, Any] = {k: part[k].array for k in keys}
    counts = {c: part[c].to_numpy(dtype=np.int64) for c in _COUNTS}
    scored = np.where(counts["n_scored"] > 0, counts["n_scored"], np.nan)
    computed = {
        **counts,
        "mean": part["sum"].to_numpy(dtype=np.float64) / scored,
        "share_below": counts["n_below"] / scored,
    }
    for c in _ORDER:
        if c in computed:
            cols[c] = computed[c]
        elif c in part.columns:
            cols[c] = part[c].array
    cols["threshold"] = np.full(len(part), t)
    return pd.DataFrame(cols)


_COUNTS = ("n", "n_scored", "n_nan", "n_below", "n_empty", "n_missing")


def _audit_stream(
    chunks: Iterable[pd.DataFrame],
    t: float,
    by: str | Sequence[str] | None,
    expected: Mapping[str, Iterable[str]] | Iterable[str] | None,
) -> pd.DataFrame:
    """Chunked audit: fold the chunks' partial states into one, then finish."""
    state: _State | None = None
    keys: list[str] | None = None
    for df in chunks:
        if keys is None:
            keys = resolve_by(df, by)
        part = chunk_state(df, keys, t, expected)
        state = part if state is None else merge_states(state, part, keys)
    return final_state(state, keys or [], t)


# (sums per group, histogram counts per group and bin, distinct (group, source) pairs)
_State = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]


def chunk_state(
    df: pd.DataFrame,
    keys: list[str],
    t: float,
    expected: Mapping[str, Iterable[str]] | Iterable[str] | None,
) -> _State | None:
    """The mergeable summary of one chunk; None for an empty chunk."""
    if df.empty:
        return None
    prep = _prepare(df, _expected_fields(df, expected), keys)
    sums = _partial(prep, keys, t, exact=False)
    bins = np.floor(prep["_conf"].clip(0, 1) * _BINS).clip(upper=_BINS - 1)
    h = pd.DataFrame({k: prep[k].to_numpy() for k in keys})
    h["_bin"] = bins.to_numpy()
    h = h.dropna(subset=["_bin"]).groupby([*keys, "_bin"], dropna=False).size()
    hist = h.rename("count").reset_index()
    docs = None
    if "source" in prep.columns and "source" not in keys:
        docs = prep.loc[~prep["_missing"], [*keys, "source"]].drop_duplicates()
    return sums, hist, docs


def merge_states(a: _State | None, b: _State | None, keys: list[str]) -> _State | None:
    if a is None or b is None:
        return a if b is None else b
    docs = None if a[2] is None else pd.concat([a[2], b[2]]).drop_duplicates()
    return _merge_sum(a[0], b[0], keys), _merge_sum(a[1], b[1], [*keys, "_bin"]), docs


def final_state(state: _State | None, keys: list[str], t: float) -> pd.DataFrame:
    if state is None:
        return _finish(_partial(_prepare(_empty_words(), None, []), [], t, True), [], t)
    sums, hist, docs = state
    out = sums.reset_index(drop=True)
    q = _hist_quantiles(hist, keys)
    if keys:
        out = out.merge(q, on=keys, how="left")
    else:
        out = out.assign(**(q.iloc[0].to_dict() if len(q) else dict.fromkeys(_QUANTILES, np.nan)))
    if docs is not None:
        if keys:
            nd = docs.groupby(keys, dropna=False)["source"].nunique()
            out = out.merge(nd.rename("n_documents").reset_index(), on=keys, how="left")
            out["n_documents"] = out["n_documents"].fillna(0).astype("int64")
        else:
            out["n_documents"] = docs["source"].nunique()
    return _finish(out.sort_values(keys) if keys else out, keys, t)


def _empty_words() -> pd.DataFrame:
    empty = {"text": pd.Series([], dtype="str"), "confidence": pd.Series([], dtype="f8")}
    return pd.DataFrame(empty)


def _merge_sum(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    both = pd.concat([a, b], ignore_index=True)
    if not keys:
        out = both.drop(columns="min", errors="ignore").sum().to_frame().T
        if "min" in both.columns:
            out["min"] = both["min"].min()
        return out
    g = both.groupby(keys, dropna=False, sort=False)
    agg = {c: ("min" if c == "min" else "sum") for c in both.columns if c not in keys}
    return g.agg(agg).reset_index()


def _hist_quantiles(hist: pd.DataFrame | None, keys: list[str]) -> pd.DataFrame:
    """Quantiles from (keys, _bin, count), to within one bin width."""
    names = list(_QUANTILES)
    if hist is None or hist.empty:
        return pd.DataFrame({**{k: [] for k in keys}, **{n: [] for n in names}})
    rows = []
    groups = hist.groupby(keys, dropna=False, sort=False) if keys else [((), hist)]
    for key, part in groups:
        part = part.sort_values("_bin")
        cum = part["count"].to_numpy().cumsum()
        bins = part["_bin"].to_numpy()
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        centres = (bins + 0.5) / _BINS
        for name, q in _QUANTILES.items():
            rank = q * (cum[-1] - 1)  # pandas' linear interpolation between order statistics
            lo, hi = np.searchsorted(cum, [np.floor(rank), np.ceil(rank)], side="right")
            row[name] = centres[lo] + (rank - np.floor(rank)) * (centres[hi] - centres[lo])
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- threshold sweep


def threshold_sweep(
    data: Any,
    thresholds: Iterable[float] = DEFAULT_THRESHOLDS,
    *,
    frame: str | None = None,
    stream: bool | None = None,
    chunk: int | None = None,
) -> pd.DataFrame:
    """How much goes to manual review at each threshold.

    An item goes to review when its ``confidence < threshold``; a document when any of its
    items does. Items without a confidence (NaN) are never counted as below.

    Parameters
    ----------
    data : DataFrame, Response, Batch, path or list of responses
        As for :func:`audit`.
    thresholds : iterable of float
        Values in [0, 1]; returned sorted ascending.

    Returns
    -------
    DataFrame
        ``threshold, n_items, n_review, share_review, n_documents, n_documents_review,
        share_documents_review``; the counts never decrease as the threshold rises.

    Examples
    --------
    >>> df = pd.DataFrame({"source": ["a", "a", "b"], "confidence": [0.6, 0.95, 0.85]})
    >>> threshold_sweep(df, [0.5, 0.9, 0.99])[["threshold", "n_review", "n_documents_review"]]
       threshold  n_review  n_documents_review
    0       0.50         0                   0
    1       0.90         2                   2
    2       0.99         3                   2
    """
    if isinstance(thresholds, str) or not isinstance(thresholds, Iterable):
        raise InputError(
            f"thresholds must be a list of numbers in [0, 1], got {show_value(thresholds)}"
        )
    ts = np.array(sorted({check_threshold(t) for t in thresholds}), dtype="float64")
    if ts.size == 0:
        raise InputError("thresholds is empty; pass values in [0, 1], e.g. [0.8, 0.9, 0.95]")
    data = auditable(data)
    n_items = 0
    below = np.zeros(ts.size, dtype="int64")
    doc_min: pd.Series | None = None
    chunks = (
        frame_chunks(data, frame, chunk) if should_stream(data, stream) else [frame_of(data, frame)]
    )
    for df in chunks:
        if "confidence" not in df.columns:
            raise InputError(f"the frame has no 'confidence' column (columns: {list(df.columns)})")
        conf = pd.to_numeric(df["confidence"], errors="coerce").to_numpy(dtype="float64")
        n_items += len(conf)
        scored = np.sort(conf[~np.isnan(conf)])
        below += np.searchsorted(scored, ts, side="left")
        if "source" in df.columns:
            m = pd.Series(conf).groupby(df["source"].to_numpy(), dropna=False).min()
            doc_min = m if doc_min is None else pd.concat([doc_min, m]).groupby(level=0).min()
    out = pd.DataFrame({"threshold": ts, "n_items": n_items, "n_review": below})
    out["share_review"] = out["n_review"] / n_items if n_items else np.nan
    if doc_min is not None:
        mins = np.sort(doc_min.to_numpy(dtype="float64"))
        scored_docs = mins[~np.isnan(mins)]
        out["n_documents"] = len(mins)
        out["n_documents_review"] = np.searchsorted(scored_docs, ts, side="left").astype("int64")
        out["share_documents_review"] = out["n_documents_review"] / max(len(mins), 1)
    return out
