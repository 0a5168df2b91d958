"""What the model-lifecycle tools share: reading a frame's texts and each head's predictions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._model import row_error
from ..exceptions import InputFormatError

__all__ = ["HeadOutput", "frame_texts", "head_outputs", "model_heads", "label_column", "default_heads"]

#: Heads whose label is an attribute of :class:`~triage.TriageResult` (after routing and rules).
_RESULT_ATTRS = ("type", "emotion", "urgency")


class HeadOutput:
    """Predictions of one single-label head on a batch.

    Attributes
    ----------
    labels : tuple of str
        Class names, in the column order of ``proba``.
    proba : ndarray of shape (n_rows, n_labels)
        The head's probabilities.
    predicted : ndarray of str
        The label the model outputs (for ``type`` this is the routed label, ``"none"``
        for a non-complaint; for ``urgency`` it includes the definitional rules).
    """

    def __init__(self, labels: Sequence[str], proba: np.ndarray, predicted: np.ndarray):
        self.labels = tuple(labels)
        self.proba = proba
        self.predicted = predicted

    @property
    def confidence(self) -> np.ndarray:
        """Top probability of each row."""
        return self.proba.max(axis=1) if self.proba.size else np.zeros(len(self.predicted))

    def __repr__(self) -> str:
        return f"HeadOutput(labels={self.labels!r}, n={len(self.predicted)})"


def model_heads(model) -> tuple[str, ...]:
    """Single-label heads of a model, ``is_complaint`` included."""
    return tuple(model.heads)


def label_column(model, head: str) -> str:
    """The data column that holds a head's labels: the model manifest's ``heads[head]["column"]``, else the head name."""
    info = (model.manifest.get("heads") or {}).get(head)
    if isinstance(info, dict) and info.get("column"):
        return str(info["column"])
    return head


def default_heads(model) -> list[str]:
    """``["type"]`` when the model has a type head, else its single-label heads other than ``is_complaint``."""
    if "type" in model.heads:
        return ["type"]
    return [h for h in model.heads if h != "is_complaint"] or list(model.heads)


def frame_texts(df, text_col: str, where: str) -> tuple[list[str], np.ndarray]:
    """The scorable texts of a frame and the positions of their rows.

    Rows whose text is missing, empty or not a str are left out (as
    :meth:`~triage.TriageModel.predict_frame` would mark them with an ``error``).
    """
    if text_col not in df.columns:
        raise InputFormatError(f"{where}: no column {text_col!r}; the data has {list(df.columns)[:20]}; pass text_col=...")
    texts, keep = [], []
    for i, t in enumerate(df[text_col].tolist()):
        if not row_error(t):
            texts.append(t)
            keep.append(i)
    return texts, np.asarray(keep, dtype=np.int64)


def head_outputs(model, texts: Sequence[str], heads: Sequence[str] | None = None) -> dict[str, HeadOutput]:
    """Each single-label head's probabilities and predicted labels on ``texts``.

    Parameters
    ----------
    model : TriageModel
    texts : sequence of str
    heads : sequence of str, default=None
        Heads to return (default: every single-label head of the model).

    Returns
    -------
    dict of str to HeadOutput
    """
    names = tuple(heads) if heads is not None else model_heads(model)
    unknown = [h for h in names if h not in model.heads]
    if unknown:
        raise ValueError(f"the model has no head {unknown}; its single-label heads are {list(model.heads)}")
    results = model.predict(list(texts)) if len(texts) else []
    out: dict[str, HeadOutput] = {}
    for name in names:
        labels = tuple(str(c) for c in model.heads[name].classes_)
        if name == "is_complaint":
            p1 = np.array([r.complaint_probability for r in results], dtype=float)
            proba = np.column_stack([1.0 - p1, p1]) if labels == ("0", "1") else np.zeros((len(results), 0))
            predicted = np.array([str(int(r.is_complaint)) for r in results], dtype=object)
        else:
            proba = np.array([[r.probabilities[name][lab] for lab in labels] for r in results], dtype=float)
            proba = proba.reshape(len(results), len(labels))
            if name in _RESULT_ATTRS and hasattr(results[0] if results else None, name):
                predicted = np.array([getattr(r, name) for r in results], dtype=object)
            else:
                predicted = np.array(labels, dtype=object)[proba.argmax(axis=1)] if len(results) else np.array([], dtype=object)
        out[name] = HeadOutput(labels, proba, predicted)
    return out


def as_jsonable(obj: Any) -> Any:
    """Numpy scalars and arrays as plain Python, recursively (for JSON output)."""
    if isinstance(obj, dict):
        return {str(k): as_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [as_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return as_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    return obj
