"""Which unlabelled complaints to label next: uncertainty sampling with diversity."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from ..exceptions import InputFormatError
from ._common import default_heads, frame_texts, head_outputs

__all__ = ["suggest_labels", "uncertainty", "STRATEGIES"]

logger = logging.getLogger(__name__)

#: Uncertainty measures of :func:`suggest_labels` (``"random"`` is the baseline to beat).
STRATEGIES: tuple[str, ...] = ("margin", "entropy", "least_confidence", "random")


def uncertainty(proba: np.ndarray, strategy: str = "margin") -> np.ndarray:
    """Uncertainty of each row of a probability matrix, in [0, 1] (1 = most uncertain).

    Parameters
    ----------
    proba : ndarray of shape (n_rows, n_classes)
    strategy : {"margin", "entropy", "least_confidence"}, default="margin"
        ``margin``: one minus the gap between the two most probable classes;
        ``entropy``: entropy divided by ``log(n_classes)``;
        ``least_confidence``: one minus the top probability, rescaled so that a
        uniform row scores 1.

    Returns
    -------
    ndarray of shape (n_rows,)

    Examples
    --------
    >>> uncertainty(np.array([[0.5, 0.5], [0.9, 0.1]])).round(2).tolist()
    [1.0, 0.2]
    >>> uncertainty(np.array([[0.5, 0.5], [1.0, 0.0]]), "entropy").round(2).tolist()
    [1.0, 0.0]
    """
    P = np.asarray(proba, dtype=float)
    if P.ndim != 2 or P.shape[1] < 2:
        raise ValueError(f"uncertainty: proba must have shape (n_rows, n_classes >= 2), got {P.shape}")
    k = P.shape[1]
    if strategy == "margin":
        top2 = -np.partition(-P, 1, axis=1)[:, :2]
        return 1.0 - (top2[:, 0] - top2[:, 1])
    if strategy == "entropy":
        with np.errstate(divide="ignore", invalid="ignore"):
            h = -np.where(P > 0, P * np.log(P), 0.0).sum(axis=1)
        return np.maximum(h / np.log(k), 0.0)  # no -0.0
    if strategy == "least_confidence":
        return (1.0 - P.max(axis=1)) * k / (k - 1)
    raise ValueError(f"uncertainty: strategy must be one of {STRATEGIES[:-1]}, got {strategy!r}")


def _unit_rows(model, texts: Sequence[str]):
    """The model's feature rows of ``texts``, scaled to unit length (cosine geometry)."""
    import scipy.sparse as sp

    vec = model.vectorizer
    norms = [vec.normalize(t[: model.max_chars]) for t in texts]
    indptr, cols, vals = vec.transform_arrays(norms)
    X = sp.csr_matrix((vals.astype(np.float64), cols, indptr), shape=(len(norms), vec.n_features_out_))
    length = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    return sp.diags(1.0 / np.maximum(length, 1e-12)) @ X


def _distinct_pool(texts: Sequence[str], order: np.ndarray, size: int, n: int) -> np.ndarray:
    """The first ``size`` rows of ``order`` with distinct texts (whitespace ignored).

    Copies of one message would otherwise crowd a small pool; they come back
    only when there are fewer than ``n`` distinct texts in all.
    """
    seen: set[str] = set()
    pool, copies = [], []
    for i in order.tolist():
        key = " ".join(texts[i].split())
        if key in seen:
            copies.append(i)
            continue
        seen.add(key)
        pool.append(i)
        if len(pool) >= size:
            break
    if len(pool) < n:
        pool += copies[: n - len(pool)]
    return np.asarray(pool, dtype=np.int64)


def _greedy_diverse(X, u: np.ndarray, n: int) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Pick ``n`` rows greedily by ``u * distance to the nearest row already picked``.

    The first pick is the most uncertain row; a near-duplicate of a picked row
    scores about 0 and waits until everything else has been taken.
    """
    m = X.shape[0]
    dist = np.ones(m)
    taken = np.zeros(m, dtype=bool)
    picked, scores, nearest = [], np.zeros(n), np.zeros(n)
    XT = X.T.tocsr()
    for step in range(n):
        s = np.where(taken, -1.0, u * dist)
        i = int(np.argmax(s))
        picked.append(i)
        scores[step] = s[i]
        nearest[step] = 1.0 - dist[i]
        taken[i] = True
        sim = np.asarray((X @ XT[:, i]).todense()).ravel()
        dist = np.minimum(dist, np.clip(1.0 - sim, 0.0, 1.0))
    return picked, scores, nearest


def suggest_labels(
    model,
    data,
    *,
    n: int = 200,
    heads: Sequence[str] | None = None,
    strategy: str = "margin",
    diversity: bool = True,
    pool_factor: int = 2,
    text_col: str = "text",
    id_col: str | None = None,
    seed: int = 0,
):
    """The ``n`` unlabelled complaints whose labels would teach the model most.

    Each row's uncertainty is computed from the model's probabilities for the
    chosen heads (averaged over heads). With ``diversity``, the
    ``pool_factor * n`` most uncertain rows form a pool, and rows are taken
    from it greedily by uncertainty times the cosine distance (on the model's
    own feature vectors) to the nearest row already taken, so the batch does
    not spend the labelling hour on twenty copies of one confusing message
    (exact copies are collapsed before the pool is formed).

    Parameters
    ----------
    model : TriageModel
    data : pandas.DataFrame or sequence of str
        Unlabelled messages.
    n : int, default=200
        How many rows to suggest.
    heads : sequence of str, default=None
        Heads whose uncertainty counts (any single-label heads of the model);
        default ``["type"]``, or every custom head of a model without one.
    strategy : {"margin", "entropy", "least_confidence", "random"}, default="margin"
        ``random`` draws ``n`` rows uniformly (the baseline to compare with).
    diversity : bool, default=True
    pool_factor : int, default=2
    text_col : str, default="text"
        Text column when ``data`` is a frame.
    id_col : str, default=None
        A column copied into the output.
    seed : int, default=0
        Seed of the ``random`` strategy; the other strategies are deterministic.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``row`` (position in ``data``), ``id_col`` when given,
        ``text``, ``score`` (the value the row was picked by), ``uncertainty``,
        one ``<head>_pred`` column per head, and ``reason`` (the two most
        probable labels of each head, and the similarity to the nearest row
        picked before it).

    Examples
    --------
    >>> import triage
    >>> texts = ["快递还没到", "快递还没到", "客服态度很差", "退款被拒绝了", "收到的货和描述不一样"]
    >>> out = suggest_labels(triage.load(), texts, n=3)
    >>> len(out), out["row"].is_unique
    (3, True)
    """
    import pandas as pd

    if strategy not in STRATEGIES:
        raise ValueError(f"suggest_labels: strategy must be one of {STRATEGIES}, got {strategy!r}")
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise ValueError(f"suggest_labels: n must be a positive int, got {n!r}")
    if not (isinstance(pool_factor, (int, np.integer)) and pool_factor >= 1):
        raise ValueError(f"suggest_labels: pool_factor must be an int >= 1, got {pool_factor!r}")
    heads = default_heads(model) if heads is None else [heads] if isinstance(heads, str) else list(heads)
    if isinstance(data, (str, bytes)):
        raise TypeError("suggest_labels expects a DataFrame or a list of str, got a single str; wrap it in a list")
    df = data if isinstance(data, pd.DataFrame) else pd.DataFrame({text_col: list(data)})
    if id_col is not None and id_col not in df.columns:
        raise InputFormatError(f"suggest_labels: no id column {id_col!r}; the data has {list(df.columns)[:20]}")
    texts, keep = frame_texts(df, text_col, "suggest_labels")
    if not texts:
        raise InputFormatError(f"suggest_labels: column {text_col!r} has no text to score")
    if n > len(texts):
        logger.warning("suggest_labels: asked for %d rows, only %d have text; returning all of them", n, len(texts))
        n = len(texts)
    outs = head_outputs(model, texts, heads)
    if strategy == "random":
        u = np.random.default_rng(seed).random(len(texts))
    else:
        u = np.mean([uncertainty(outs[h].proba, strategy) for h in heads], axis=0)
    # most uncertain first, ties by position, so the result never depends on the input's hash order
    order = np.lexsort((np.arange(len(texts)), -u))
    if strategy == "random" or not diversity:
        chosen = order[:n]
        scores = u[chosen]
        nearest = np.full(n, np.nan)
    else:
        pool = _distinct_pool(texts, order, pool_factor * n, n)
        X = _unit_rows(model, [texts[i] for i in pool])
        picked, scores, nearest = _greedy_diverse(X, u[pool], n)
        chosen = pool[picked]
    out = pd.DataFrame({"row": keep[chosen]})
    if id_col is not None:
        out[id_col] = df[id_col].to_numpy()[keep[chosen]]
    out["text"] = [texts[i] for i in chosen]
    out["score"] = np.round(scores, 4)
    out["uncertainty"] = np.round(u[chosen], 4)
    for h in heads:
        out[f"{h}_pred"] = [outs[h].labels[j] for j in outs[h].proba[chosen].argmax(axis=1)]
    reasons = []
    for pos, i in enumerate(chosen):
        parts = []
        for h in heads:
            p = outs[h].proba[i]
            a, b = np.argsort(-p, kind="stable")[:2]
            parts.append(f"{h}: {outs[h].labels[a]} {p[a]:.2f} vs {outs[h].labels[b]} {p[b]:.2f}")
        if strategy == "random":
            parts.append("random draw")
        elif not np.isnan(nearest[pos]) and pos > 0:
            parts.append(f"similarity to a row picked before {nearest[pos]:.2f}")
        reasons.append("; ".join(parts))
    out["reason"] = reasons
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    logger.info("suggested %d of %d rows (%s, diversity=%s)", len(out), len(texts), strategy, diversity)
    return out
