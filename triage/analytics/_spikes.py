"""Spike detection: (segment, period) counts far above their recent baseline.

The test
--------
For each segment *s* and period *t* the observed count :math:`x_{s,t}` is
compared with the counts of the same segment in the ``baseline`` periods just
before *t* (the current period is excluded, so a spike cannot raise its own
baseline). With :math:`n` history periods (``n = min(t, baseline)``) holding
:math:`H` complaints in all, the expected count is the rolling mean
:math:`\\lambda = H / n`, floored at :math:`0.5 / n` (half a complaint over the
window) so that a segment that was silent for the whole window still gets a
finite p-value. One-sided tests of "more than expected":

``method="poisson"`` (default)
    :math:`p = P(X \\ge x)` for :math:`X \\sim \\mathrm{Poisson}(\\lambda)`.
``method="negbin"``
    For over-dispersed series (variance above the mean, common with real
    complaint flows: weekday effects, campaigns): a negative binomial with the
    window's mean :math:`m` and sample variance :math:`v`, dispersion by the
    method of moments, :math:`r = m^2 / (v - m)`; where :math:`v \\le m` it is
    the Poisson test. Fewer false alarms on bursty segments, less power.
``method="binomial"``
    The exact conditional test comparing two Poisson rates: given
    :math:`x + H`, :math:`x \\sim \\mathrm{Binomial}(x + H, 1 / (n + 1))` under
    "same rate as the baseline". It accounts for the uncertainty of the
    baseline mean, so it is the safest choice with short baselines.

Every tested (segment, period) is a hypothesis; p-values are adjusted across
all of them (Benjamini–Hochberg by default, or Bonferroni). A cell is flagged
when its adjusted p-value is at most ``alpha``, its observed count is at least
``min_count`` and above the expected count. Periods with fewer than
``min_history`` history periods are not tested. ``last`` restricts testing to
the most recent periods (monitoring), which also makes the correction lighter.

Known limits: the baseline is a flat mean, so a weekly cycle in daily data
(quiet weekends) makes Mondays look high: use ``freq="W"``, ``method="negbin"``
or a larger ``min_count``. A spike stays in the baseline of the periods after
it, which lowers their sensitivity for ``baseline`` periods.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Sequence

import numpy as np

from ._trends import count_matrix

__all__ = ["detect_spikes", "SPIKE_COLUMNS"]

logger = logging.getLogger(__name__)

#: Columns of :func:`detect_spikes`' result, in order.
SPIKE_COLUMNS: tuple[str, ...] = (
    "segment",
    "period",
    "observed",
    "expected",
    "ratio",
    "p_value",
    "q_value",
    "score",
    "history",
    "flagged",
)
_METHODS = ("poisson", "negbin", "binomial")
_CORRECTIONS = ("bh", "bonferroni", "none")


def _upper_tail(obs, hist_sum, hist_sq, n_hist, method: str):
    """One-sided p-values P(X >= obs) and the expected counts, vectorised."""
    from scipy import stats

    obs = obs.astype(np.float64)
    n = n_hist.astype(np.float64)
    mean = hist_sum / n
    expected = np.maximum(mean, 0.5 / n)
    if method == "binomial":
        p = stats.binom.sf(obs - 1, obs + hist_sum, 1.0 / (n + 1.0))
        return np.where(obs > 0, p, 1.0), expected
    p = stats.poisson.sf(obs - 1, expected)
    if method == "negbin":
        with np.errstate(divide="ignore", invalid="ignore"):
            var = np.where(n > 1, (hist_sq - n * mean**2) / np.maximum(n - 1, 1), 0.0)
            over = (var > mean * 1.000001) & (mean > 0)
            r = np.where(over, mean**2 / np.where(over, var - mean, 1.0), 1.0)
            prob = np.where(over, r / (r + mean), 0.5)
        p_nb = stats.nbinom.sf(obs - 1, r, prob)
        p = np.where(over, p_nb, p)
    return np.where(obs > 0, p, 1.0), expected


def _adjust(p: np.ndarray, correction: str) -> np.ndarray:
    m = len(p)
    if m == 0 or correction == "none":
        return p.copy()
    if correction == "bonferroni":
        return np.minimum(p * m, 1.0)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(q, 1.0)
    return out


def detect_spikes(
    df,
    *,
    by: Hashable | Sequence[Hashable] | None = "type",
    time_col: str = "created_at",
    freq: str = "D",
    baseline: int = 28,
    min_count: int = 5,
    alpha: float = 0.01,
    method: str = "poisson",
    correction: str = "bh",
    min_history: int | None = None,
    last: int | None = None,
    return_all: bool = False,
    errors: str = "raise",
    start=None,
    end=None,
):
    """Flag (segment, period) counts significantly above their recent baseline.

    The test is described in the module docstring (:mod:`triage.analytics._spikes`):
    a one-sided Poisson upper-tail test of the observed count against the mean
    of the previous ``baseline`` periods (the current one excluded), with a
    multiple-testing correction over all tested (segment, period) cells and a
    minimum observed count.

    Parameters
    ----------
    df : pandas.DataFrame
        A labelled frame with a timestamp column.
    by : str, list of str or None, default="type"
        The segment column(s), as in :func:`counts` (``flags`` is exploded).
        ``None`` tests the total count.
    time_col : str, default="created_at"
        The timestamp column.
    freq : str, default="D"
        Period length: ``"D"``, ``"W"`` (Monday start), ``"M"``, or a pandas period alias.
    baseline : int, default=28
        Number of previous periods whose mean is the expected count.
    min_count : int, default=5
        Smallest observed count that can be flagged: a jump from 0 to 2 is
        significant on a silent segment but not worth an alert.
    alpha : float, default=0.01
        Level of the adjusted p-value (``q_value``) at which a cell is flagged.
    method : {"poisson", "negbin", "binomial"}, default="poisson"
        The test (see the module docstring).
    correction : {"bh", "bonferroni", "none"}, default="bh"
        Multiple-testing adjustment across every tested cell:
        Benjamini–Hochberg (false discovery rate), Bonferroni (family-wise
        error) or none.
    min_history : int, optional
        Fewest history periods a cell needs to be tested; default
        ``max(2, baseline // 4)`` (7 days for the daily default). Series shorter
        than this are not tested at all; a series shorter than ``baseline``
        uses the history it has.
    last : int, optional
        Test only the last ``last`` periods (e.g. ``last=1``: "is today a spike?").
    return_all : bool, default=False
        Return every tested cell (with the ``flagged`` column), not only the flagged ones.
    errors : {"raise", "coerce"}, default="raise"
        Unparseable timestamps: raise, or skip those rows (see :func:`counts`).
    start, end : timestamp-like, optional
        The span of periods, as in :func:`counts` (a segment silent before its
        first complaint needs ``start`` to have a zero baseline).

    Returns
    -------
    pandas.DataFrame
        One row per flagged (segment, period), most significant first, with
        columns ``segment`` (str; several ``by`` columns are joined with
        ``" / "``), ``period`` (period start), ``observed``, ``expected``
        (baseline mean), ``ratio`` (observed / expected), ``p_value`` (raw),
        ``q_value`` (adjusted), ``score`` (``-log10 p_value``, capped at 300),
        ``history`` (number of baseline periods used) and ``flagged``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> days = pd.date_range("2024-01-01", periods=60, freq="D")
    >>> n = rng.poisson(8, size=60)
    >>> n[45] = 40                                   # a planted spike
    >>> df = pd.DataFrame({"created_at": np.repeat(days, n), "type": "product"})
    >>> spikes = detect_spikes(df, by="type", freq="D")
    >>> spikes[["segment", "period", "observed"]]
       segment     period  observed
    0  product 2024-02-15        40
    >>> bool(spikes.loc[0, "expected"] < 10 and spikes.loc[0, "p_value"] < 1e-9)
    True
    """
    import pandas as pd

    if method not in _METHODS:
        raise ValueError(f"detect_spikes: method must be one of {_METHODS}, got {method!r}")
    if correction not in _CORRECTIONS:
        raise ValueError(f"detect_spikes: correction must be one of {_CORRECTIONS}, got {correction!r}")
    if not isinstance(baseline, (int, np.integer)) or isinstance(baseline, bool) or baseline < 1:
        raise ValueError(f"detect_spikes: baseline must be a whole number of periods >= 1, got {baseline!r}")
    if not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ValueError(f"detect_spikes: min_count must be a whole number >= 1, got {min_count!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"detect_spikes: alpha must be between 0 and 1, got {alpha!r}")
    if min_history is None:
        min_history = max(2, baseline // 4)
    if not 1 <= min_history:
        raise ValueError(f"detect_spikes: min_history must be >= 1, got {min_history!r}")
    if last is not None and (not isinstance(last, (int, np.integer)) or last < 1):
        raise ValueError(f"detect_spikes: last must be a whole number of periods >= 1 or None, got {last!r}")

    mat, index, labels = count_matrix(
        df, by=by, time_col=time_col, freq=freq, errors=errors, start=start, end=end, where="detect_spikes"
    )
    n_periods, n_seg = mat.shape
    mat = mat.astype(np.float64)
    zero = np.zeros((1, n_seg))
    cs = np.vstack([zero, np.cumsum(mat, axis=0)])
    cs2 = np.vstack([zero, np.cumsum(mat**2, axis=0)])
    t = np.arange(n_periods)
    start = np.maximum(t - baseline, 0)
    n_hist = t - start
    hist_sum = cs[t] - cs[start]
    hist_sq = cs2[t] - cs2[start]
    tested_t = n_hist >= min_history
    if last is not None:
        tested_t &= t >= n_periods - last
    ti = np.flatnonzero(tested_t)
    tt = np.repeat(ti, n_seg)
    ss = np.tile(np.arange(n_seg), len(ti))
    obs = mat[tt, ss]
    p, expected = _upper_tail(obs, hist_sum[tt, ss], hist_sq[tt, ss], n_hist[tt].astype(np.float64), method)
    q = _adjust(p, correction)
    flagged = (q <= alpha) & (obs >= min_count) & (obs > expected)
    logger.info(
        "detect_spikes: tested %d (segment, period) cells (%d segments x %d periods), flagged %d",
        len(p), n_seg, len(ti), int(flagged.sum()),
    )
    sel = np.arange(len(p)) if return_all else np.flatnonzero(flagged)
    seg_names = [" / ".join(map(str, s)) if isinstance(s, tuple) else str(s) for s in labels]
    out = pd.DataFrame(
        {
            "segment": pd.Series([seg_names[s] for s in ss[sel]], dtype=object),
            "period": pd.DatetimeIndex(index[tt[sel]]) if len(index) else pd.DatetimeIndex([], dtype="datetime64[ns]"),
            "observed": obs[sel].astype(np.int64),
            "expected": expected[sel],
            "ratio": obs[sel] / expected[sel],
            "p_value": p[sel],
            "q_value": q[sel],
            "score": -np.log10(np.maximum(p[sel], 1e-300)),
            "history": n_hist[tt[sel]].astype(np.int64),
            "flagged": flagged[sel],
        }
    )
    out = out.sort_values(["p_value", "ratio", "period", "segment"], ascending=[True, False, True, True], kind="stable")
    return out.reset_index(drop=True)
