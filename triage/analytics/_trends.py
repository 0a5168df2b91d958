"""Counts and trends: complaints per segment per day, week or month."""

from __future__ import annotations

import logging
from collections.abc import Hashable, Sequence

import numpy as np

from ._text import MULTI_LABEL_COLUMNS, check_columns, check_frame, period_freq, split_labels, to_datetime

__all__ = ["counts"]

logger = logging.getLogger(__name__)

MISSING = "(missing)"


def _segment_codes(df, by, multi_label: bool | None, dropna: bool, where: str):
    """Row positions, segment codes and segment labels (exploding multi-label cells).

    Returns ``(rows, codes, labels)``: ``rows[i]`` is the position in ``df`` of
    the i-th (row, segment) pair, ``codes[i]`` its segment's index into ``labels``.
    """
    import pandas as pd

    n = len(df)
    if by is None:
        return np.arange(n), np.zeros(n, dtype=np.int64), ["total"]
    if isinstance(by, pd.Series):
        if not by.index.equals(df.index):
            raise ValueError(
                f"{where}: by is a Series whose index differs from the frame's; build it from the frame "
                f"(e.g. df['created_at'] >= '2024-03-01') or pass by.set_axis(df.index)"
            )
        name = by.name if by.name is not None else "segment"
        cols = [name]
        frame = pd.DataFrame({name: by.to_numpy()}, index=df.index)
    else:
        cols = [by] if isinstance(by, (str, int)) or not isinstance(by, Sequence) else list(by)
        check_columns(df, cols, where, "by")
        frame = df[cols]
    if len(cols) == 1:
        col = cols[0]
        s = frame[col]
        explode = (col in MULTI_LABEL_COLUMNS) if multi_label is None else multi_label
        if explode:
            # split each distinct cell once (a label column has few distinct cells), then explode by code
            cell, cells = _factorize_cells(s)
            lists = [sorted(set(split_labels(v))) for v in cells]
            labels = sorted({v for x in lists for v in x})
            label_id = {v: i for i, v in enumerate(labels)}
            per_cell = [np.array([label_id[v] for v in x], dtype=np.int64) for x in lists]
            lengths = np.array([len(x) for x in per_cell] + [0], dtype=np.int64)[cell]  # cell -1: missing
            rows = np.repeat(np.arange(n), lengths)
            if not len(rows):
                return rows, np.zeros(0, dtype=np.int64), labels
            starts = np.concatenate([[0], np.cumsum([len(x) for x in per_cell])])[:-1]
            flat = np.concatenate(per_cell) if per_cell else np.zeros(0, np.int64)
            within = np.arange(len(rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            codes = flat[starts[cell[rows]] + within]
            return rows, codes, labels
        if s.dtype == bool:
            codes = s.to_numpy().astype(np.int64)
            return np.arange(n), codes, [False, True]
        codes, uniques = pd.factorize(s, sort=True, use_na_sentinel=True)
        labels = list(uniques)
    else:
        # several columns: one segment per combination, labelled by a tuple
        codes, uniques = pd.MultiIndex.from_frame(frame.astype(object)).factorize(sort=True)
        labels = list(uniques)
    codes = np.asarray(codes, dtype=np.int64)
    rows = np.arange(n)
    miss = codes < 0
    if miss.any():
        if dropna:
            logger.info("%s: %d row(s) with a missing %r are not counted", where, int(miss.sum()), by)
            rows, codes = rows[~miss], codes[~miss]
        else:
            codes = np.where(miss, len(labels), codes)
            labels = labels + [MISSING]
    return rows, codes, labels


def _period_ordinals(df, time_col: str, freq: str, errors: str, where: str):
    """Period ordinal of each row (``-1`` where the timestamp is missing) and the period alias."""
    import pandas as pd

    check_columns(df, [time_col], where, "time_col")
    alias = period_freq(freq)
    ts = to_datetime(df[time_col], where, time_col, errors=errors)
    valid = ts.notna().to_numpy()
    ords = np.full(len(ts), -1, dtype=np.int64)
    if valid.any():
        ords[valid] = pd.PeriodIndex(ts[valid], freq=alias).asi8
    n_missing = int((~valid).sum())
    if n_missing:
        logger.info("%s: %d row(s) without a timestamp in %r are not counted", where, n_missing, time_col)
    return ords, valid, alias


def _factorize_cells(s):
    """Codes and distinct values of a column whose cells may be lists (unhashable) or strings."""
    import pandas as pd

    try:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        return codes, list(uniques)
    except TypeError:  # list or array cells
        keys = pd.Series([tuple(v) if isinstance(v, (list, np.ndarray)) else v for v in s.tolist()], dtype=object)
        codes, uniques = pd.factorize(keys, use_na_sentinel=True)
        return codes, list(uniques)


def count_matrix(
    df,
    *,
    by,
    time_col: str,
    freq: str,
    value_col: str | None = None,
    multi_label: bool | None = None,
    dropna: bool = True,
    errors: str = "raise",
    start=None,
    end=None,
    where: str = "counts",
):
    """Dense (periods × segments) counts, the period index and the segment labels."""
    import pandas as pd

    check_frame(df, where)
    check_columns(df, [value_col], where, "value_col")
    ords, valid, alias = _period_ordinals(df, time_col, freq, errors, where)
    rows, codes, labels = _segment_codes(df, by, multi_label, dropna, where)
    keep = valid[rows]
    rows, codes = rows[keep], codes[keep]
    lo, hi = (int(ords[valid].min()), int(ords[valid].max())) if valid.any() else (None, None)
    if start is not None:
        lo = pd.Period(pd.Timestamp(start), freq=alias).ordinal
    if end is not None:
        hi = pd.Period(pd.Timestamp(end), freq=alias).ordinal
    if lo is None or hi is None:
        lo, hi = 0, -1
    inside = (ords[rows] >= lo) & (ords[rows] <= hi)
    rows, codes = rows[inside], codes[inside]
    n_periods, n_seg = hi - lo + 1, len(labels)
    flat = (ords[rows] - lo) * n_seg + codes
    if value_col is None:
        mat = np.bincount(flat, minlength=n_periods * n_seg).astype(np.int64)
    else:
        vals = pd.to_numeric(df[value_col], errors="coerce").to_numpy(dtype=np.float64)[rows]
        mat = np.bincount(flat, weights=np.nan_to_num(vals), minlength=n_periods * n_seg)
    mat = mat.reshape(n_periods, n_seg)
    if n_periods > 0:
        index = pd.period_range(start=pd.Period(ordinal=lo, freq=alias), periods=n_periods, freq=alias)
        index = index.to_timestamp(how="start")
    else:
        index = pd.DatetimeIndex([], dtype="datetime64[ns]")
    index.name = "period"
    return mat, index, labels


def counts(
    df,
    *,
    by: Hashable | Sequence[Hashable] | None = "type",
    time_col: str = "created_at",
    freq: str = "W",
    value_col: str | None = None,
    multi_label: bool | None = None,
    dropna: bool = True,
    errors: str = "raise",
    start=None,
    end=None,
):
    """Complaints per segment per period: a zero-filled time series table.

    Parameters
    ----------
    df : pandas.DataFrame
        A labelled frame (for instance from ``triage label`` or
        ``model.predict_frame``) with a timestamp column.
    by : str, list of str, boolean Series or None, default="type"
        The segment column: a label (``type``, ``emotion``, ``urgency``,
        ``flags``) or any column (product line, channel, region). A list of
        columns counts every combination (columns become a MultiIndex).
        ``None`` gives one column, ``total``. Cells of ``flags``,
        ``secondary_types`` and ``type_secondary`` hold several labels joined by
        ``;`` or ``|``: each label is counted, so a row may count in several
        columns and a row without flags in none.
    time_col : str, default="created_at"
        Timestamps: datetime values, or strings pandas parses. Rows with a
        missing timestamp are skipped (logged at INFO).
    freq : str, default="W"
        ``"D"`` day, ``"W"`` week starting Monday, ``"M"`` calendar month
        (``"MS"``/``"ME"`` accepted), or another pandas period alias
        (``"Q"``, ``"Y"``, ``"h"``, ``"W-WED"``).
    value_col : str, optional
        Sum this numeric column instead of counting rows (amounts, say).
    multi_label : bool, optional
        Force (True) or prevent (False) splitting cells on ``;``/``|``;
        by default only the multi-label columns named above are split.
    dropna : bool, default=True
        Skip rows whose segment is missing; ``False`` counts them under ``"(missing)"``.
    errors : {"raise", "coerce"}, default="raise"
        What a timestamp that does not parse does: raise an
        :class:`~triage.exceptions.InputFormatError` quoting examples, or skip
        the row (the count is logged at WARNING).
    start, end : timestamp-like, optional
        First and last period to report (rows outside are left out; periods
        without rows are zero-filled). Default: from the first to the last timestamp.

    Returns
    -------
    pandas.DataFrame
        Index ``period``: the start timestamp of every period from the first to
        the last timestamp, with zeros where nothing happened. One column per
        segment value, ordered by total count (largest first, then by name);
        int64 counts (float sums with ``value_col``).

    Raises
    ------
    InputFormatError
        ``by``, ``time_col`` or ``value_col`` is not a column (the message lists
        the columns), or timestamps do not parse.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "created_at": ["2024-03-04", "2024-03-05", "2024-03-13", "2024-03-27"],
    ...     "type": ["product", "timeliness", "product", "product"],
    ...     "flags": ["safety", "", "safety;fraud", "fraud"],
    ... })
    >>> counts(df, by="type", freq="W")  # doctest: +NORMALIZE_WHITESPACE
    type        product  timeliness
    period
    2024-03-04        1           1
    2024-03-11        1           0
    2024-03-18        0           0
    2024-03-25        1           0
    >>> counts(df, by="flags", freq="M")  # doctest: +NORMALIZE_WHITESPACE
    flags       fraud  safety
    period
    2024-03-01      2       2
    """
    import pandas as pd

    mat, index, labels = count_matrix(
        df, by=by, time_col=time_col, freq=freq, value_col=value_col,
        multi_label=multi_label, dropna=dropna, errors=errors, start=start, end=end, where="counts",
    )
    totals = mat.sum(axis=0)
    order = sorted(range(len(labels)), key=lambda j: (-totals[j], str(labels[j])))
    if labels and isinstance(labels[0], tuple):
        names = list(by) if not isinstance(by, str) else [by]
        columns = pd.MultiIndex.from_tuples([labels[j] for j in order], names=names)
    else:
        name = by.name if isinstance(by, pd.Series) else by
        columns = pd.Index([labels[j] for j in order], name=name)
    return pd.DataFrame(mat[:, order], index=index, columns=columns)
