"""Metrics of a model against labelled data: accuracy, macro-F1, per-class scores, calibration."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["evaluate_model", "render_metrics", "expected_calibration_error"]


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of top-label confidences (equal-width bins).

    Examples
    --------
    >>> expected_calibration_error(np.array([0.9, 0.9, 0.6, 0.6]), np.array([1, 1, 1, 0]))
    0.1
    """
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            ece += m.mean() * abs(confidence[m].mean() - correct[m].mean())
    return round(float(ece), 6)


def _head_metrics(y_true, y_pred, conf) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    labels = sorted(set(y_true) | set(y_pred))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "n": int(len(y_true)),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=sorted(set(y_true)), average="macro", zero_division=0)), 4),
        "ece": expected_calibration_error(conf, np.asarray(y_true) == np.asarray(y_pred)),
        "per_class": {
            lab: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4), "support": int(s[i])}
            for i, lab in enumerate(labels)
        },
        "labels": labels,
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def evaluate_model(model, df, *, text_col: str = "text") -> dict[str, Any]:
    """Per-head metrics of ``model`` on a labelled frame.

    Heads are evaluated where the frame has their column: ``type`` (macro-F1
    over the labels present in the data, ``none`` included when the data has
    non-complaints; ``type_complaints`` scores the five types on complaint rows
    only), ``emotion``, ``urgency`` and ``is_complaint``.
    Calibration error (ECE) uses each head's top probability.
    """
    texts = df[text_col].astype(str).tolist()
    results = model.predict(texts)
    out: dict[str, Any] = {}
    for head in ("type", "emotion", "urgency"):
        if head in df.columns:
            y = df[head].astype(str).to_numpy()
            pred = np.array([getattr(r, head) for r in results])
            conf = np.array([max(r.probabilities[head].values()) if head in r.probabilities else 1.0 for r in results])
            out[head] = _head_metrics(y, pred, conf)
    if "type" in df.columns and "is_complaint" in df.columns:
        comp = df["is_complaint"].astype(int).to_numpy() == 1
        y = df["type"].astype(str).to_numpy()[comp]
        pred = np.array([max(r.probabilities["type"], key=r.probabilities["type"].get) for r in results])[comp]
        conf = np.array([max(r.probabilities["type"].values()) for r in results])[comp]
        out["type_complaints"] = _head_metrics(y, pred, conf)
    if "is_complaint" in df.columns:
        y = df["is_complaint"].astype(int).astype(str).to_numpy()
        pred = np.array([str(int(r.is_complaint)) for r in results])
        conf = np.array([max(r.complaint_probability, 1 - r.complaint_probability) for r in results])
        out["is_complaint"] = _head_metrics(y, pred, conf)
    return out


def render_metrics(metrics: dict[str, Any]) -> str:
    """A readable table of :func:`evaluate_model` output."""
    lines = []
    for head, m in metrics.items():
        lines.append(f"{head}: n={m['n']} accuracy={m['accuracy']:.3f} macro-F1={m['macro_f1']:.3f} ECE={m['ece']:.3f}")
        for lab, c in m["per_class"].items():
            lines.append(f"    {lab:<14} P={c['precision']:.3f} R={c['recall']:.3f} F1={c['f1']:.3f} n={c['support']}")
    return "\n".join(lines)
