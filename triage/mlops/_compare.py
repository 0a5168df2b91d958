"""Champion/challenger: two models on the same labelled rows, with a paired bootstrap of the difference."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..exceptions import InputFormatError
from ._common import as_jsonable, frame_texts, head_outputs, label_column

__all__ = ["compare_models", "paired_bootstrap", "ComparisonReport", "METRICS"]

logger = logging.getLogger(__name__)

#: Metrics that :func:`compare_models` can compare.
METRICS: tuple[str, ...] = ("accuracy", "macro_f1")
# resamples are drawn in blocks of about this many row draws (bounds memory on large data)
_BLOCK_DRAWS = 4_000_000


def _encode(y_true: np.ndarray, preds: Sequence[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray], list[str]]:
    classes = sorted(set(y_true.tolist()))
    index = {c: i for i, c in enumerate(classes)}
    yt = np.array([index[c] for c in y_true.tolist()], dtype=np.int64)
    enc = [np.array([index.get(c, -1) for c in p.tolist()], dtype=np.int64) for p in preds]
    return yt, enc, classes


def _metric_matrix(C: np.ndarray, yt: np.ndarray, yp: np.ndarray, k: int, metric: str) -> np.ndarray:
    """The metric on each weighted resample: ``C`` holds how often each row was drawn (one row of C per resample)."""
    n = C.sum(axis=1)
    if metric == "accuracy":
        return (C @ (yt == yp).astype(np.float64)) / n
    T = (yt[:, None] == np.arange(k)[None, :]).astype(np.float64)  # (rows, classes) true-class indicator
    P = (yp[:, None] == np.arange(k)[None, :]).astype(np.float64)
    support = C @ T
    predicted = C @ P
    tp = C @ (T * P)
    denom = support + predicted
    f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)
    present = support > 0
    return (f1 * present).sum(axis=1) / np.maximum(present.sum(axis=1), 1)


def paired_bootstrap(
    y_true: Sequence[str],
    pred_a: Sequence[str],
    pred_b: Sequence[str],
    *,
    metric: str = "accuracy",
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, Any]:
    """Paired bootstrap confidence interval of ``metric(b) - metric(a)`` on the same rows.

    Rows are resampled with replacement (the same draws for both models, which
    is what makes the comparison paired); every resample is scored at once with
    matrix products.

    Parameters
    ----------
    y_true, pred_a, pred_b : sequence of str
        True labels and the two models' predictions, row for row.
    metric : {"accuracy", "macro_f1"}, default="accuracy"
        ``macro_f1`` averages F1 over the classes present in ``y_true`` (of each
        resample), as :func:`triage.evaluate.evaluate_model` does.
    n_boot : int, default=2000
        Number of resamples.
    level : float, default=0.95
        Confidence level of the percentile interval.
    seed : int, default=0
        Seed of the resampling (``numpy.random.default_rng``).

    Returns
    -------
    dict
        ``a``, ``b``, ``diff`` (``b - a`` on all rows), ``ci_low``, ``ci_high``,
        ``p_value`` (two-sided, from the share of resamples on either side of 0),
        ``verdict`` (``"better"`` when the interval lies above 0, ``"worse"``
        below 0, else ``"no significant difference"``) and ``n``.

    Examples
    --------
    >>> y = ["a", "b"] * 200
    >>> r = paired_bootstrap(y, ["a"] * 400, y, n_boot=500)
    >>> r["diff"], r["verdict"]
    (0.5, 'better')
    >>> paired_bootstrap(y, y, y, n_boot=500)["verdict"]
    'no significant difference'
    """
    if metric not in METRICS:
        raise ValueError(f"paired_bootstrap: metric must be one of {METRICS}, got {metric!r}")
    if not (isinstance(n_boot, (int, np.integer)) and n_boot >= 100):
        raise ValueError(f"paired_bootstrap: n_boot must be an int >= 100, got {n_boot!r}")
    if not 0.5 <= level < 1:
        raise ValueError(f"paired_bootstrap: level must be in [0.5, 1), got {level!r}")
    y = np.asarray(list(y_true), dtype=object)
    a = np.asarray(list(pred_a), dtype=object)
    b = np.asarray(list(pred_b), dtype=object)
    if not (len(y) == len(a) == len(b)):
        raise ValueError(f"paired_bootstrap: y_true, pred_a and pred_b differ in length: {len(y)}, {len(a)}, {len(b)}")
    n = len(y)
    if n == 0:
        raise ValueError("paired_bootstrap: no rows to compare")
    yt, (ya, yb), classes = _encode(y, [a, b])
    k = len(classes)
    ones = np.ones((1, n))
    point_a = float(_metric_matrix(ones, yt, ya, k, metric)[0])
    point_b = float(_metric_matrix(ones, yt, yb, k, metric)[0])
    rng = np.random.default_rng(seed)
    diffs = np.empty(n_boot)
    block = max(1, min(n_boot, _BLOCK_DRAWS // n))
    for lo in range(0, n_boot, block):
        m = min(block, n_boot - lo)
        draws = rng.integers(0, n, size=(m, n))
        C = np.bincount((draws + n * np.arange(m)[:, None]).ravel(), minlength=m * n).reshape(m, n).astype(np.float64)
        diffs[lo : lo + m] = _metric_matrix(C, yt, yb, k, metric) - _metric_matrix(C, yt, ya, k, metric)
    alpha = 1.0 - level
    ci_low, ci_high = (float(v) for v in np.quantile(diffs, [alpha / 2, 1 - alpha / 2]))
    # round away float noise so that identical predictions give an interval of exactly 0
    ci_low, ci_high = round(ci_low, 12), round(ci_high, 12)
    p_value = float(min(1.0, 2 * min((diffs <= 0).mean(), (diffs >= 0).mean())))
    verdict = "better" if ci_low > 0 else "worse" if ci_high < 0 else "no significant difference"
    return {
        "metric": metric,
        "n": n,
        "a": round(point_a, 6),
        "b": round(point_b, 6),
        "diff": round(point_b - point_a, 6),
        "ci_low": ci_low,
        "ci_high": ci_high,
        "p_value": round(p_value, 6),
        "verdict": verdict,
    }


@dataclass
class ComparisonReport:
    """Result of :func:`compare_models`.

    Attributes
    ----------
    rows : list of dict
        One per (head, metric): ``head``, ``metric``, ``n``, ``champion``,
        ``challenger``, ``diff``, ``ci_low``, ``ci_high``, ``p_value``, ``verdict``.
    verdict : str
        ``"better"`` when the challenger is significantly better on the decision
        metric of at least one head and worse on none; ``"worse"`` when it is
        worse on at least one and better on none; ``"mixed"`` when both;
        otherwise ``"no significant difference"``.
    ship : bool
        ``verdict == "better"``.
    """

    rows: list[dict[str, Any]]
    verdict: str
    decision_metric: str
    level: float
    n_boot: int
    seed: int
    names: tuple[str, str] = ("champion", "challenger")
    notes: list[str] = field(default_factory=list)

    @property
    def ship(self) -> bool:
        return self.verdict == "better"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of the report."""
        return as_jsonable(
            {
                "champion": self.names[0],
                "challenger": self.names[1],
                "verdict": self.verdict,
                "ship": self.ship,
                "decision_metric": self.decision_metric,
                "level": self.level,
                "n_boot": self.n_boot,
                "seed": self.seed,
                "rows": self.rows,
                "notes": self.notes,
            }
        )

    def to_frame(self):
        """The rows as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows)

    def render(self) -> str:
        """A plain-text table with the verdict."""
        pct = f"{self.level:.0%}"
        lines = [
            f"champion: {self.names[0]}   challenger: {self.names[1]}",
            f"paired bootstrap: {self.n_boot} resamples of the same rows, seed {self.seed}, {pct} percentile interval",
            f"{'head':<16}{'metric':<10}{'n':>6}{'champion':>10}{'challenger':>11}{'diff':>9}  {pct + ' CI':<19} verdict",
        ]
        for r in self.rows:
            ci = f"[{r['ci_low']:+.3f}, {r['ci_high']:+.3f}]"
            lines.append(
                f"{r['head']:<16}{r['metric']:<10}{r['n']:>6}{r['champion']:>10.4f}{r['challenger']:>11.4f}"
                f"{r['diff']:>+9.4f}  {ci:<19} {r['verdict']}"
            )
        lines.extend(f"note: {n}" for n in self.notes)
        advice = "ship the challenger" if self.ship else "keep the champion"
        lines.append(f"verdict ({self.decision_metric}): challenger {self.verdict} -> {advice}")
        return "\n".join(lines)


def _label_column(df, head: str) -> np.ndarray:
    col = df[head]
    if head == "is_complaint":
        return np.array([str(int(float(v))) if str(v).strip() not in ("", "nan") else "" for v in col.tolist()], dtype=object)
    return np.array(["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in col.tolist()], dtype=object)


def compare_models(
    champion,
    challenger,
    df,
    *,
    text_col: str = "text",
    heads: Sequence[str] | None = None,
    metrics: Sequence[str] = METRICS,
    decision_metric: str = "macro_f1",
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    names: tuple[str, str] = ("champion", "challenger"),
) -> ComparisonReport:
    """Score two models on the same labelled rows and test whether the challenger is really better.

    For each head the frame has a label column for (``type``, ``emotion``,
    ``urgency``, ``is_complaint`` and any custom head both models have), both
    models predict every row; accuracy and macro-F1 are computed on the rows
    where the label is not empty, and :func:`paired_bootstrap` gives a
    confidence interval of the difference (challenger minus champion).
    With an ``is_complaint`` column, ``type_complaints`` scores the type head's
    own label on complaint rows, as :func:`triage.evaluate.evaluate_model` does.

    Parameters
    ----------
    champion, challenger : TriageModel
        The model in production and the candidate.
    df : pandas.DataFrame
        Labelled rows neither model was trained on.
    text_col : str, default="text"
    heads : sequence of str, default=None
        Heads to compare (default: every head both models have and ``df`` labels).
    metrics : sequence of {"accuracy", "macro_f1"}, default=both
    decision_metric : str, default="macro_f1"
        Metric whose intervals decide the overall verdict.
    n_boot : int, default=2000
    level : float, default=0.95
    seed : int, default=0
    names : (str, str)
        Display names of the two models.

    Returns
    -------
    ComparisonReport

    Raises
    ------
    InputFormatError
        If the frame lacks the text column or labels for any compared head.

    Notes
    -----
    Each head and metric is tested on its own, without a correction for
    multiple comparisons: with four heads and two metrics, one spurious
    "better" at the 95 % level is not rare. Base a shipping decision on the
    head you retrained for, or raise ``level``.

    Examples
    --------
    >>> import triage
    >>> from triage.datasets import load_complaints
    >>> m = triage.load()
    >>> rep = compare_models(m, m, load_complaints("test").head(200), n_boot=200)
    >>> rep.verdict, rep.ship
    ('no significant difference', False)
    """
    if decision_metric not in metrics:
        raise ValueError(f"compare_models: decision_metric {decision_metric!r} is not among metrics {list(metrics)}")
    texts, keep = frame_texts(df, text_col, "compare_models")
    if not texts:
        raise InputFormatError(f"compare_models: column {text_col!r} has no text to score")
    sub = df.iloc[keep].reset_index(drop=True)
    notes = []
    if len(keep) < len(df):
        notes.append(f"{len(df) - len(keep)} rows without text were left out")
    common = [h for h in champion.heads if h in challenger.heads]
    # the data column of each head: as the challenger's manifest says (a custom head may read another column)
    column = {h: label_column(challenger, h) for h in common}
    column["type_complaints"] = column.get("type", "type")
    if heads is None:
        chosen = [h for h in common if column[h] in sub.columns]
        if "type" in chosen and "is_complaint" in sub.columns:
            chosen.insert(chosen.index("type") + 1, "type_complaints")
    else:
        chosen = list(heads)
        bad = [h for h in chosen if (h if h != "type_complaints" else "type") not in common]
        if bad:
            raise ValueError(f"compare_models: heads {bad} are not in both models; common heads: {common}")
    missing = [column[h] for h in chosen if column[h] not in sub.columns]
    if "type_complaints" in chosen and "is_complaint" not in sub.columns:
        missing.append("is_complaint")
    if missing or not chosen:
        raise InputFormatError(
            f"compare_models: the data has no label column {missing or [column[h] for h in common]} "
            f"for the heads; its columns are {list(sub.columns)[:20]}"
        )
    base = list(dict.fromkeys("type" if h == "type_complaints" else h for h in chosen))
    out_a = head_outputs(champion, texts, base)
    out_b = head_outputs(challenger, texts, base) if challenger is not champion else out_a
    rows = []
    for h in chosen:
        if h == "type_complaints":
            y = _label_column(sub, column["type"])
            mask = (_label_column(sub, "is_complaint") == "1") & (y != "")
            oa, ob = out_a["type"], out_b["type"]
            pa = np.array(oa.labels, dtype=object)[oa.proba.argmax(axis=1)]
            pb = np.array(ob.labels, dtype=object)[ob.proba.argmax(axis=1)]
        else:
            y = _label_column(sub, column[h])
            mask = y != ""
            pa, pb = out_a[h].predicted, out_b[h].predicted
        if mask.sum() == 0:
            notes.append(f"head {h!r}: no labelled rows, skipped")
            continue
        for metric in metrics:
            r = paired_bootstrap(y[mask], pa[mask], pb[mask], metric=metric, n_boot=n_boot, level=level, seed=seed)
            rows.append(
                {
                    "head": h,
                    "metric": metric,
                    "n": r["n"],
                    "champion": r["a"],
                    "challenger": r["b"],
                    "diff": r["diff"],
                    "ci_low": r["ci_low"],
                    "ci_high": r["ci_high"],
                    "p_value": r["p_value"],
                    "verdict": r["verdict"],
                }
            )
    decisive = [r["verdict"] for r in rows if r["metric"] == decision_metric]
    better, worse = "better" in decisive, "worse" in decisive
    verdict = "mixed" if better and worse else "better" if better else "worse" if worse else "no significant difference"
    logger.info("compared %d heads on %d rows: challenger %s", len(chosen), len(texts), verdict)
    return ComparisonReport(rows, verdict, decision_metric, level, n_boot, seed, tuple(names), notes)
