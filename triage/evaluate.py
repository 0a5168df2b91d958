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


def _multilabel_metrics(truth, pred, labels) -> dict[str, Any]:
    """Metrics of a multi-label head: subset accuracy, micro/macro F1 and per-label scores.

    Examples
    --------
    >>> m = _multilabel_metrics([{"a"}, {"a", "b"}, set()], [{"a"}, {"a"}, {"b"}], ["a", "b"])
    >>> m["accuracy"], m["per_class"]["a"]["f1"], m["per_class"]["b"]["recall"]
    (0.3333, 1.0, 0.0)
    """
    labels = list(labels)
    tp = np.zeros(len(labels))
    fp = np.zeros(len(labels))
    fn = np.zeros(len(labels))
    exact = 0
    for t, p in zip(truth, pred):
        t, p = set(t), set(p)
        exact += t == p
        for j, lab in enumerate(labels):
            tp[j] += lab in t and lab in p
            fp[j] += lab in p and lab not in t
            fn[j] += lab in t and lab not in p
    prec = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=(tp + fp) > 0)
    rec = np.divide(tp, tp + fn, out=np.zeros_like(tp), where=(tp + fn) > 0)
    f1 = np.divide(2 * prec * rec, prec + rec, out=np.zeros_like(tp), where=(prec + rec) > 0)
    support = tp + fn
    micro_den = 2 * tp.sum() + fp.sum() + fn.sum()
    present = support > 0
    return {
        "kind": "multilabel",
        "n": int(len(truth)),
        "accuracy": round(exact / max(len(truth), 1), 4),
        "micro_f1": round(float(2 * tp.sum() / micro_den) if micro_den else 0.0, 4),
        "macro_f1": round(float(f1[present].mean()) if present.any() else 0.0, 4),
        "per_class": {
            lab: {"precision": round(float(prec[j]), 4), "recall": round(float(rec[j]), 4), "f1": round(float(f1[j]), 4),
                  "support": int(support[j])}
            for j, lab in enumerate(labels)
        },
        "labels": labels,
    }


def _head_columns(model, df, columns) -> dict[str, str]:
    """Head -> column to score it against: ``columns``, else the manifest's, else the head's own name."""
    known = (model.manifest or {}).get("heads") or {}
    out = {}
    for head in model.labels:
        col = (columns or {}).get(head) or (known.get(head) or {}).get("column") or head
        if head == "secondary" and col not in df.columns:
            col = "type_secondary"
        if col in df.columns:
            out[head] = col
    return out


def evaluate_model(model, df, *, text_col: str = "text", columns: dict[str, str] | None = None) -> dict[str, Any]:
    """Per-head metrics of ``model`` on a labelled frame.

    Heads are evaluated where the frame has their column: ``type`` (macro-F1
    over the labels present in the data, ``none`` included when the data has
    non-complaints; ``type_complaints`` scores the five types on complaint rows
    only), ``emotion``, ``urgency`` and ``is_complaint``; a retrained model's
    custom heads too (multi-label ones with subset accuracy, micro- and
    macro-F1). Calibration error (ECE) uses each head's top probability.
    Rows with an empty label are left out of that head's scores.

    Parameters
    ----------
    model : TriageModel
    df : pandas.DataFrame
    text_col : str, default="text"
    columns : dict, default=None
        Head -> column holding its labels, e.g. ``{"type": "my_type"}``. By
        default a retrained model's columns from its manifest, else the head's name.
    """
    import pandas as pd

    texts = df[text_col].astype(str).tolist()
    results = model.predict(texts)
    cols = _head_columns(model, df, columns)
    roles = model._roles
    out: dict[str, Any] = {}
    for head in ("type", "emotion", "urgency"):
        if head in cols and head in model.heads:
            y = df[cols[head]].astype(str).to_numpy()
            keep = y != ""
            pred = np.array([getattr(r, head) for r in results], dtype=object)
            conf = np.array([max(r.probabilities[head].values()) if head in r.probabilities else 1.0 for r in results])
            out[head] = _head_metrics(y[keep], pred[keep], conf[keep])
    # is_complaint cells: 1/0 (also "1.0", True); a blank or unreadable cell leaves the row out of these scores
    flag = pd.to_numeric(df["is_complaint"], errors="coerce").to_numpy() if "is_complaint" in df.columns else None
    if "type" in cols and "type" in model.heads and flag is not None:
        comp = flag == 1
        y = df[cols["type"]].astype(str).to_numpy()[comp]
        pred = np.array([max(r.probabilities["type"], key=r.probabilities["type"].get) for r in results])[comp]
        conf = np.array([max(r.probabilities["type"].values()) for r in results])[comp]
        out["type_complaints"] = _head_metrics(y, pred, conf)
    if flag is not None and roles.complaint:
        keep = np.isin(flag, (0, 1))
        y = flag[keep].astype(int).astype(str)
        pred = np.array([str(int(r.is_complaint)) for r in results])[keep]
        conf = np.array([max(r.complaint_probability, 1 - r.complaint_probability) for r in results])[keep]
        out["is_complaint"] = _head_metrics(y, pred, conf)
    for head in roles.custom_single:
        if head in cols:
            y = df[cols[head]].astype(str).str.strip().to_numpy()
            keep = y != ""
            pred = np.array([r.custom[head] for r in results], dtype=object)
            conf = np.array([max(r.probabilities[head].values()) for r in results])
            out[head] = _head_metrics(y[keep], pred[keep], conf[keep])
    for head in roles.custom_multi:
        if head in cols:
            truth = [_label_set(v) for v in df[cols[head]].tolist()]
            out[head] = _multilabel_metrics(truth, [set(r.custom[head]) for r in results], model.labels[head])
    if not out:
        from .exceptions import InputFormatError

        wanted = {h: cols.get(h, h) for h in model.heads}
        raise InputFormatError(
            f"nothing to evaluate: the data has no label column for any of the model's heads "
            f"(head -> column looked for: {wanted}); its columns are {list(df.columns)[:20]}"
        )
    return out


def _label_set(cell) -> set[str]:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return set()
    return {v.strip() for v in str(cell).replace("|", ";").split(";") if v.strip()}


def render_metrics(metrics: dict[str, Any]) -> str:
    """A readable table of :func:`evaluate_model` output."""
    lines = []
    for head, m in metrics.items():
        if m.get("kind") == "multilabel":
            lines.append(
                f"{head}: n={m['n']} exact match={m['accuracy']:.3f} micro-F1={m['micro_f1']:.3f} macro-F1={m['macro_f1']:.3f}"
            )
        else:
            lines.append(f"{head}: n={m['n']} accuracy={m['accuracy']:.3f} macro-F1={m['macro_f1']:.3f} ECE={m['ece']:.3f}")
        for lab, c in m["per_class"].items():
            lines.append(f"    {lab:<14} P={c['precision']:.3f} R={c['recall']:.3f} F1={c['f1']:.3f} n={c['support']}")
    return "\n".join(lines)
