"""Drift check: does a new batch of messages still look like what the model learned from?"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..exceptions import InputFormatError
from ._common import as_jsonable, frame_texts, head_outputs

__all__ = ["drift_report", "reference_stats", "DriftReport", "DRIFT_THRESHOLDS", "REFERENCE_VERSION"]

logger = logging.getLogger(__name__)

#: Version of the reference-statistics layout (``manifest["reference"]["version"]``).
REFERENCE_VERSION = 1
#: When a check fires. ``label_psi``: population stability index of a head's
#: predicted labels (0.1 = moderate, 0.25 = major shift, the usual credit-risk
#: reading), and the shift must also be significant (chi-square ``p_value``);
#: ``oov_delta``: rise in the share of word tokens outside the model's
#: vocabulary; ``confidence_drop``: fall of a head's mean top probability, also
#: significant (one-sample Kolmogorov-Smirnov test against the reference
#: quantiles, ``p_value``); ``min_rows``: below this the verdict says the batch
#: is too small to judge.
DRIFT_THRESHOLDS: dict[str, float] = {
    "label_psi_watch": 0.10,
    "label_psi": 0.25,
    "oov_delta": 0.05,
    "confidence_drop": 0.05,
    "p_value": 0.01,
    "min_rows": 100,
}
_QUANTILES = np.linspace(0.0, 1.0, 101)
_EPS = 1e-4


def _word_tokens(model, texts: Sequence[str]) -> tuple[int, int]:
    """(word tokens, tokens outside the vocabulary) over ``texts``; punctuation and spaces are not counted."""
    vec = model.vectorizer
    vocab = vec.token_ids_
    total = oov = 0
    for t in texts:
        for tok in vec._tokens(vec.normalize(t[: model.max_chars])):
            if any(ch.isalnum() for ch in tok):
                total += 1
                oov += tok not in vocab
    return total, oov


def reference_stats(model, texts: Sequence[str], *, source: str = "texts") -> dict[str, Any]:
    """Statistics of a batch as the model sees it: what :func:`drift_report` compares.

    Store the result of this on the training (or a held-out) set in
    ``model.manifest["reference"]`` and :func:`drift_report` uses it.

    Parameters
    ----------
    model : TriageModel
    texts : sequence of str
    source : str
        Where the texts came from (kept in the result).

    Returns
    -------
    dict
        JSON-ready: ``version``, ``source``, ``n``, ``labels`` (share of each
        predicted label per head), ``confidence`` (mean and 101 quantiles of
        each head's top probability), ``oov_share``, ``no_chinese_share``.

    Examples
    --------
    >>> import triage
    >>> ref = reference_stats(triage.load(), ["快递还没到", "客服态度很差"])
    >>> ref["n"], sorted(ref["labels"])
    (2, ['emotion', 'is_complaint', 'type', 'urgency'])
    """
    texts = list(texts)
    if not texts:
        raise ValueError("reference_stats: no texts")
    outs = head_outputs(model, texts)
    labels, conf = {}, {}
    for h, o in outs.items():
        values, counts = np.unique(o.predicted.astype(str), return_counts=True)
        labels[h] = {str(v): round(float(c) / len(texts), 6) for v, c in zip(values, counts)}
        c = o.confidence
        conf[h] = {"mean": round(float(c.mean()), 6), "quantiles": np.round(np.quantile(c, _QUANTILES), 6).tolist()}
    total, oov = _word_tokens(model, texts)
    han = sum(1 for t in texts if any("\u3400" <= ch <= "\u9fff" for ch in t))
    return {
        "version": REFERENCE_VERSION,
        "source": source,
        "n": len(texts),
        "labels": labels,
        "confidence": conf,
        "oov_share": round(oov / max(total, 1), 6),
        "no_chinese_share": round(1.0 - han / len(texts), 6),
    }


def _psi(ref: dict[str, float], new: dict[str, float]) -> float:
    keys = sorted(set(ref) | set(new))
    p = np.array([max(ref.get(k, 0.0), _EPS) for k in keys])
    q = np.array([max(new.get(k, 0.0), _EPS) for k in keys])
    p, q = p / p.sum(), q / q.sum()
    return float(((q - p) * np.log(q / p)).sum())


def _chi2_p(ref: dict[str, float], counts: dict[str, int]) -> float:
    from scipy.stats import chi2

    keys = sorted(set(ref) | set(counts))
    n = sum(counts.values())
    p = np.array([max(ref.get(k, 0.0), _EPS) for k in keys])
    expected = n * p / p.sum()
    observed = np.array([counts.get(k, 0) for k in keys], dtype=float)
    stat = float(((observed - expected) ** 2 / expected).sum())
    return float(chi2.sf(stat, max(len(keys) - 1, 1)))


def _ks_against_quantiles(values: np.ndarray, quantiles: Sequence[float]) -> tuple[float, float]:
    """One-sample KS statistic of ``values`` against the distribution given by its quantiles, and its p-value."""
    from scipy.stats import kstwo

    q = np.asarray(quantiles, dtype=float)
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    # reference CDF at each value: the largest quantile level whose value is <= x (right-continuous)
    f_ref = np.interp(x, q, _QUANTILES, left=0.0, right=1.0)
    upper = np.arange(1, n + 1) / n - f_ref
    lower = f_ref - np.arange(0, n) / n
    d = float(max(upper.max(), lower.max(), 0.0))
    return d, float(kstwo.sf(d, n))


@dataclass
class DriftReport:
    """Result of :func:`drift_report`.

    Attributes
    ----------
    retrain : bool
        True when any check fired ("retraining due").
    verdict : str
        ``"retraining due"``, ``"watch"`` (a moderate shift) or ``"no drift"``
        (``"too few rows"`` when the batch is smaller than ``min_rows``).
    reasons : list of str
        One line per check that fired or warned.
    checks : dict
        Every measured number: per head ``psi``, ``p_value``, label shares
        (reference and new), confidence means, KS statistic; the OOV shares.
    """

    verdict: str
    reasons: list[str]
    checks: dict[str, Any]
    n: int
    reference_source: str
    thresholds: dict[str, float]
    notes: list[str] = field(default_factory=list)

    @property
    def retrain(self) -> bool:
        return self.verdict == "retraining due"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of the report."""
        return as_jsonable(
            {
                "verdict": self.verdict,
                "retrain": self.retrain,
                "reasons": self.reasons,
                "n": self.n,
                "reference_source": self.reference_source,
                "thresholds": self.thresholds,
                "checks": self.checks,
                "notes": self.notes,
            }
        )

    def render(self) -> str:
        """A plain-text summary."""
        c = self.checks
        lines = [f"batch: {self.n} rows   reference: {self.reference_source}"]
        lines.append(f"{'head':<14}{'PSI labels':>11}{'p':>9}{'mean conf ref':>15}{'new':>7}{'KS D':>7}{'p':>9}")
        for h, m in c["heads"].items():
            lines.append(
                f"{h:<14}{m['psi']:>11.3f}{m['p_value']:>9.1e}{m['confidence_ref']:>15.3f}{m['confidence_new']:>7.3f}"
                f"{m['ks_d']:>7.3f}{m['ks_p_value']:>9.1e}"
            )
        lines.append(
            f"out-of-vocabulary word tokens: {c['oov_share_ref']:.1%} reference, {c['oov_share_new']:.1%} new; "
            f"texts without Chinese: {c['no_chinese_share_ref']:.1%} reference, {c['no_chinese_share_new']:.1%} new"
        )
        lines.extend(f"- {r}" for r in self.reasons)
        lines.extend(f"note: {n}" for n in self.notes)
        lines.append(f"verdict: {self.verdict}")
        return "\n".join(lines)


def _default_reference(model) -> tuple[dict[str, Any], str]:
    from ..datasets import load_complaints

    source = (model.manifest.get("training_data") or {}).get("source", "")
    if source and "complaints.csv" not in str(source):
        logger.warning(
            "drift_report: the model has no reference statistics and was trained on %r; comparing with the "
            "bundled corpus instead. Pass reference=<your training data> for a meaningful check",
            source,
        )
    texts = load_complaints("test")["text"].tolist()
    return reference_stats(model, texts, source="bundled corpus, test split"), "bundled corpus, test split (computed now)"


def drift_report(
    model,
    data,
    *,
    reference=None,
    text_col: str = "text",
    heads: Sequence[str] | None = None,
    thresholds: dict[str, float] | None = None,
) -> DriftReport:
    """Compare a new batch with the model's reference data and say whether retraining is due.

    Three kinds of evidence, each with a threshold in :data:`DRIFT_THRESHOLDS`:

    - **label shift**: the distribution of each head's predicted labels
      (population stability index, with a chi-square test so that small
      batches do not raise false alarms);
    - **vocabulary**: the share of word tokens the model has never seen;
    - **confidence**: a fall of each head's mean top probability (with a
      Kolmogorov-Smirnov test against the reference distribution).

    Parameters
    ----------
    model : TriageModel
    data : pandas.DataFrame or sequence of str
        The new batch.
    reference : dict, DataFrame or sequence of str, default=None
        Reference statistics (:func:`reference_stats`), or reference texts.
        Default: ``model.manifest["reference"]`` when the model has it, else
        the bundled corpus's test split scored now (the rows the default model
        was not trained on: their out-of-vocabulary share is not biased low).
    text_col : str, default="text"
    heads : sequence of str, default=None
        Heads to check (default: every single-label head).
    thresholds : dict, default=None
        Overrides of :data:`DRIFT_THRESHOLDS`.

    Returns
    -------
    DriftReport

    Examples
    --------
    >>> import triage
    >>> from triage.datasets import load_complaints
    >>> m = triage.load()
    >>> ref = reference_stats(m, load_complaints("test")["text"])
    >>> drift_report(m, load_complaints("train").sample(500, random_state=0), reference=ref).verdict
    'no drift'
    >>> english = ["The parcel is two weeks late and nobody answers the phone."] * 200
    >>> rep = drift_report(m, english, reference=ref)
    >>> rep.verdict, any("vocabulary" in r for r in rep.reasons)
    ('retraining due', True)
    """
    import pandas as pd

    thr = {**DRIFT_THRESHOLDS, **(thresholds or {})}
    unknown = sorted(set(thr) - set(DRIFT_THRESHOLDS))
    if unknown:
        raise ValueError(f"drift_report: unknown thresholds {unknown}; known: {sorted(DRIFT_THRESHOLDS)}")
    if isinstance(data, (str, bytes)):
        raise TypeError("drift_report expects a DataFrame or a list of str, got a single str; wrap it in a list")
    df = data if isinstance(data, pd.DataFrame) else pd.DataFrame({text_col: list(data)})
    texts, _keep = frame_texts(df, text_col, "drift_report")
    if not texts:
        raise InputFormatError(f"drift_report: column {text_col!r} has no text to score")
    if reference is None:
        ref = model.manifest.get("reference")
        if isinstance(ref, dict) and ref.get("version") == REFERENCE_VERSION:
            ref_source = f"model manifest ({ref.get('source', 'training data')})"
        else:
            ref, ref_source = _default_reference(model)
    elif isinstance(reference, dict):
        if reference.get("version") != REFERENCE_VERSION:
            raise ValueError(
                f"drift_report: reference statistics of version {reference.get('version')!r}, expected "
                f"{REFERENCE_VERSION}; recompute them with reference_stats(model, texts)"
            )
        ref, ref_source = reference, str(reference.get("source", "given statistics"))
    else:
        rtexts = reference[text_col].tolist() if isinstance(reference, pd.DataFrame) else list(reference)
        ref, ref_source = reference_stats(model, rtexts, source="given texts"), f"{len(rtexts)} given reference texts"
    new = reference_stats(model, texts, source="batch")
    chosen = list(heads) if heads is not None else [h for h in new["labels"] if h in ref["labels"]]
    missing = [h for h in chosen if h not in ref["labels"] or h not in new["labels"]]
    if missing:
        raise ValueError(f"drift_report: no reference statistics for heads {missing}; the reference has {sorted(ref['labels'])}")
    outs = head_outputs(model, texts, chosen)
    n = len(texts)
    reasons, notes, fired, watch = [], [], False, False
    per_head = {}
    for h in chosen:
        counts = {k: int(round(v * n)) for k, v in new["labels"][h].items()}
        psi = _psi(ref["labels"][h], new["labels"][h])
        p_chi = _chi2_p(ref["labels"][h], counts)
        d, p_ks = _ks_against_quantiles(outs[h].confidence, ref["confidence"][h]["quantiles"])
        c_ref, c_new = ref["confidence"][h]["mean"], new["confidence"][h]["mean"]
        per_head[h] = {
            "psi": round(psi, 4),
            "p_value": p_chi,
            "labels_ref": ref["labels"][h],
            "labels_new": new["labels"][h],
            "confidence_ref": c_ref,
            "confidence_new": c_new,
            "ks_d": round(d, 4),
            "ks_p_value": p_ks,
        }
        moved = sorted(
            set(ref["labels"][h]) | set(new["labels"][h]),
            key=lambda k: -abs(new["labels"][h].get(k, 0.0) - ref["labels"][h].get(k, 0.0)),
        )[:2]
        shift = ", ".join(f"{k} {ref['labels'][h].get(k, 0.0):.0%} -> {new['labels'][h].get(k, 0.0):.0%}" for k in moved)
        if psi >= thr["label_psi"] and p_chi < thr["p_value"]:
            fired = True
            reasons.append(f"{h}: predicted labels shifted (PSI {psi:.2f} >= {thr['label_psi']}; {shift})")
        elif psi >= thr["label_psi_watch"] and p_chi < thr["p_value"]:
            watch = True
            reasons.append(f"{h}: predicted labels moved moderately (PSI {psi:.2f}; {shift})")
        if c_ref - c_new >= thr["confidence_drop"] and p_ks < thr["p_value"]:
            fired = True
            reasons.append(f"{h}: mean confidence fell from {c_ref:.2f} to {c_new:.2f} (KS D {d:.2f})")
    oov_delta = new["oov_share"] - ref["oov_share"]
    if oov_delta >= thr["oov_delta"]:
        fired = True
        reasons.append(
            f"vocabulary: {new['oov_share']:.0%} of word tokens are unknown to the model "
            f"(reference {ref['oov_share']:.0%}; +{oov_delta:.0%} >= +{thr['oov_delta']:.0%})"
        )
    if new["no_chinese_share"] - ref["no_chinese_share"] >= 0.05:
        notes.append(f"{new['no_chinese_share']:.0%} of the texts have no Chinese character (the model reads Chinese)")
    checks = {
        "heads": per_head,
        "oov_share_ref": ref["oov_share"],
        "oov_share_new": new["oov_share"],
        "oov_delta": round(oov_delta, 6),
        "no_chinese_share_ref": ref["no_chinese_share"],
        "no_chinese_share_new": new["no_chinese_share"],
    }
    if n < thr["min_rows"]:
        notes.append(f"only {n} rows (< {thr['min_rows']:g}): too few to judge; the numbers are shown for information")
        verdict = "too few rows"
    else:
        verdict = "retraining due" if fired else "watch" if watch else "no drift"
    if math.isnan(oov_delta):  # pragma: no cover - reference without tokens
        notes.append("no word tokens to compare")
    logger.info("drift check on %d rows: %s", n, verdict)
    return DriftReport(verdict, reasons, checks, n, ref_source, thr, notes)
