"""Likely label errors, found with out-of-fold probabilities (confident learning)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..exceptions import InputFormatError
from ._common import frame_texts

__all__ = ["audit_labels", "find_label_issues", "out_of_fold_proba"]

logger = logging.getLogger(__name__)


def out_of_fold_proba(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    k: int = 5,
    seed: int = 0,
    groups: Sequence[Any] | None = None,
    features: dict[str, Any] | None = None,
    C: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold class probabilities of every row: each row is scored by a model that never saw it.

    This is :meth:`triage.Trainer.cross_val_predict` with one custom head: for
    each of ``k`` folds a vectoriser and a classifier are fitted on the other
    folds, and the probabilities are temperature-calibrated on the other folds
    too.

    Parameters
    ----------
    texts : sequence of str
    labels : sequence of str
    k : int, default=5
        Folds; lowered to the size of the rarest class when that is smaller (at least 2).
    seed : int, default=0
        Seed of the fold split and the solver.
    groups : sequence, default=None
        Rows with the same group stay in the same fold (``StratifiedGroupKFold``);
        use it for duplicates or for several messages of one customer.
    features : dict, default=None
        Vectoriser settings (see :class:`triage.Trainer`).
    C : float, default=None
        Inverse regularisation strength of the classifier (default 4.0).

    Returns
    -------
    proba : ndarray of shape (n_rows, n_classes)
    classes : ndarray of str

    Raises
    ------
    InputFormatError
        When a class has a single row (it cannot be held out and learned at once).
    """
    import pandas as pd

    from .._trainer import Trainer

    texts = list(texts)
    y = np.asarray([str(v) for v in labels], dtype=object)
    if len(texts) != len(y):
        raise ValueError(f"out_of_fold_proba: {len(texts)} texts but {len(y)} labels")
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise InputFormatError(f"out_of_fold_proba: the labels need at least 2 classes, got {classes.tolist()}")
    if counts.min() < 2:
        rare = classes[counts < 2].tolist()
        raise InputFormatError(
            f"out_of_fold_proba: classes {rare} have a single row; a held-out row of them cannot be learned. "
            "Label more rows of them, merge them into a related class, or drop them"
        )
    folds = int(min(k, counts.min()))
    if folds < k:
        logger.warning("out_of_fold_proba: %d folds instead of %d (the rarest class has %d rows)", folds, k, counts.min())
    df = pd.DataFrame({"text": texts, "label": y})
    group_col = None
    if groups is not None:
        df["group"] = [str(g) for g in groups]
        group_col = "group"
    head = {"column": "label"} if C is None else {"column": "label", "C": float(C)}
    trainer = Trainer(heads={"label": head}, features=features, seed=seed, cv=folds, group_col=group_col)
    names, proba = trainer.cross_val_predict(df)["label"]
    order = [list(names).index(c) for c in classes]
    return np.asarray(proba, dtype=float)[:, order], classes


def find_label_issues(labels: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> dict[str, np.ndarray]:
    """Confident-learning scores of each row from out-of-fold probabilities.

    Each class gets a threshold: the mean probability of the class over the
    rows labelled with it. A row is *confidently* another class when that
    class's probability reaches its threshold and is the largest of those that
    do; counting such rows estimates how many labels are wrong (the
    off-diagonal of the confident joint). Rows are ranked by their label
    quality, the normalised self-confidence ``p[given] / threshold[given]``,
    and the estimated number of lowest-quality rows are flagged.

    Parameters
    ----------
    labels : sequence of str
        Given labels.
    proba : ndarray of shape (n_rows, n_classes)
        Out-of-fold probabilities (see :func:`out_of_fold_proba`).
    classes : sequence of str
        Class of each column of ``proba``.

    Returns
    -------
    dict of ndarray
        ``issue`` (bool), ``quality`` (lower is more suspect), ``suggested``
        (the confidently predicted other class, else the most probable other
        class), ``p_given``, ``p_suggested``, ``thresholds`` (one per class) and
        ``n_estimated`` (the estimated number of wrong labels).

    Notes
    -----
    Ranking every row by normalised self-confidence found more planted label
    flips in the top of the ranking than ranking the confident-joint
    off-diagonal rows first (measured on the bundled corpus, see
    ``tests/unit/test_audit.py``), so the confident joint sets how many rows
    are flagged, and the quality sets which.

    Examples
    --------
    >>> P = np.array([[0.9, 0.1], [0.8, 0.2], [0.2, 0.8], [0.1, 0.9], [0.85, 0.15]])
    >>> out = find_label_issues(["a", "a", "b", "b", "b"], P, ["a", "b"])
    >>> out["issue"].tolist(), out["suggested"][4]
    ([False, False, False, False, True], 'a')
    """
    P = np.asarray(proba, dtype=float)
    classes = np.asarray([str(c) for c in classes], dtype=object)
    index = {c: i for i, c in enumerate(classes)}
    unknown = sorted({str(v) for v in labels} - set(index))
    if unknown:
        raise ValueError(f"find_label_issues: labels {unknown[:10]} are not among the classes {classes.tolist()}")
    y = np.array([index[str(v)] for v in labels], dtype=np.int64)
    n, k = P.shape
    if n != len(y):
        raise ValueError(f"find_label_issues: proba has {n} rows for {len(y)} labels")
    rows = np.arange(n)
    thresholds = np.array([P[y == j, j].mean() if (y == j).any() else 1.0 for j in range(k)])
    above = P >= thresholds[None, :] - 1e-12
    confident = np.where(above.any(axis=1), np.where(above, P, -1.0).argmax(axis=1), -1)
    off_diagonal = (confident >= 0) & (confident != y)
    n_estimated = int(off_diagonal.sum())
    p_given = P[rows, y]
    quality = p_given / np.maximum(thresholds[y], 1e-12)
    order = np.lexsort((rows, quality))
    issue = np.zeros(n, dtype=bool)
    issue[order[:n_estimated]] = True
    others = P.copy()
    others[rows, y] = -1.0
    suggested_idx = np.where(off_diagonal, confident, others.argmax(axis=1))
    return {
        "issue": issue,
        "quality": quality,
        "suggested": classes[suggested_idx],
        "p_given": p_given,
        "p_suggested": P[rows, suggested_idx],
        "thresholds": thresholds,
        "n_estimated": n_estimated,
    }


def audit_labels(
    df,
    *,
    label_col: str = "type",
    text_col: str = "text",
    id_col: str | None = None,
    k: int = 5,
    seed: int = 0,
    group_col: str | None = None,
    proba: np.ndarray | None = None,
    classes: Sequence[str] | None = None,
    all_rows: bool = False,
    features: dict[str, Any] | None = None,
    C: float | None = None,
):
    """Rank the rows of a labelled frame by how likely their label is wrong.

    Out-of-fold probabilities (:func:`out_of_fold_proba`) are compared with the
    given labels by :func:`find_label_issues`. Identical texts are kept in one
    fold (so a duplicate cannot vouch for itself), as are rows sharing a
    ``group_col`` value.

    Parameters
    ----------
    df : pandas.DataFrame
        Texts and labels; rows with an empty label or text are not audited.
    label_col : str, default="type"
        The column to audit.
    text_col : str, default="text"
    id_col : str, default=None
        A column copied into the output (e.g. a ticket id).
    k : int, default=5
        Cross-validation folds.
    seed : int, default=0
    group_col : str, default=None
        Rows with the same value stay in the same fold.
    proba, classes : default=None
        Out-of-fold probabilities you computed yourself (rows of ``df`` in
        order, after dropping unlabelled rows), and their classes.
    all_rows : bool, default=False
        Return every audited row (likely errors first), not only the likely errors.
    features : dict, default=None
        Vectoriser settings, passed to :func:`out_of_fold_proba`.
    C : float, default=None
        Regularisation, passed to :func:`out_of_fold_proba`.

    Returns
    -------
    pandas.DataFrame
        Ranked, most likely error first: ``rank``, ``row`` (position in
        ``df``), ``id_col`` when given, ``text``, ``given``, ``suggested``,
        ``p_given``, ``p_suggested``, ``quality`` (normalised self-confidence,
        lower is more suspect) and ``issue``. ``attrs``
        holds ``n_audited`` and the per-class ``thresholds``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["a", "b", "c", "d", "e"], "type": ["x", "x", "y", "y", "y"]})
    >>> P = np.array([[0.9, 0.1], [0.8, 0.2], [0.2, 0.8], [0.1, 0.9], [0.85, 0.15]])
    >>> out = audit_labels(df, proba=P, classes=["x", "y"])
    >>> out[["row", "given", "suggested"]].values.tolist()
    [[4, 'y', 'x']]
    """
    import pandas as pd

    if label_col not in df.columns:
        raise InputFormatError(f"audit_labels: no label column {label_col!r}; the data has {list(df.columns)[:20]}; pass label_col=...")
    if id_col is not None and id_col not in df.columns:
        raise InputFormatError(f"audit_labels: no id column {id_col!r}; the data has {list(df.columns)[:20]}")
    if group_col is not None and group_col not in df.columns:
        raise InputFormatError(f"audit_labels: no group column {group_col!r}; the data has {list(df.columns)[:20]}")
    _texts, keep = frame_texts(df, text_col, "audit_labels")
    labels_all = df[label_col].tolist()
    keep = np.array([i for i in keep if labels_all[i] is not None and str(labels_all[i]).strip() not in ("", "nan")], dtype=np.int64)
    if len(keep) == 0:
        raise InputFormatError(f"audit_labels: no row has both a text in {text_col!r} and a label in {label_col!r}")
    texts = [df[text_col].iat[i] for i in keep]
    labels = [str(labels_all[i]).strip() for i in keep]
    if proba is None:
        if group_col is not None:
            groups = [str(df[group_col].iat[i]) for i in keep]
        else:
            groups = [" ".join(t.split()) for t in texts]
            if len(set(groups)) == len(groups):
                groups = None
        proba, classes = out_of_fold_proba(
            texts, labels, k=k, seed=seed, groups=groups, features=features, C=C
        )
    elif classes is None:
        raise ValueError("audit_labels: pass classes=... (the class of each column of proba) with proba")
    proba = np.asarray(proba, dtype=float)
    if proba.shape[0] != len(keep):
        raise ValueError(f"audit_labels: proba has {proba.shape[0]} rows, but {len(keep)} rows have a text and a label")
    res = find_label_issues(labels, proba, classes)
    out = pd.DataFrame({"row": keep})
    if id_col is not None:
        out[id_col] = [df[id_col].iat[i] for i in keep]
    out["text"] = texts
    out["given"] = labels
    out["suggested"] = res["suggested"]
    out["p_given"] = res["p_given"].round(4)
    out["p_suggested"] = res["p_suggested"].round(4)
    out["quality"] = res["quality"].round(4)
    out["issue"] = res["issue"]
    # lowest label quality first (the flagged rows are the top of this ranking); ties by row position
    order = np.lexsort((keep, res["quality"]))
    out = out.iloc[order].reset_index(drop=True)
    if not all_rows:
        out = out[out["issue"]].reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out.attrs["n_audited"] = int(len(keep))
    out.attrs["n_issues"] = int(res["issue"].sum())
    out.attrs["thresholds"] = {str(c): round(float(t), 4) for c, t in zip(classes, res["thresholds"])}
    logger.info("audited %d rows of %r: %d likely label errors", len(keep), label_col, int(res["issue"].sum()))
    return out
