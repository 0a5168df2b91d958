"""Topic clustering: what the complaints of one type (or of the whole frame) are about.

Texts are tokenised like :func:`distinguishing_terms` (normalised, rjieba,
stop words, placeholders and punctuation dropped) and represented as TF-IDF
(binary term presence × smoothed IDF, L2 per text) over the terms found in at
least ``min_df`` texts and at most half of them (capped at 5,000 terms, the
most frequent). Then:

``method="nmf"`` (default)
    Non-negative matrix factorisation (scikit-learn, ``init="nndsvda"``,
    ``random_state=seed``): each text gets a weight per topic and joins the
    topic where its weight is largest; a topic is named by its highest
    weighted terms, and its examples are the texts it explains best.
``method="kmeans"``
    k-means on the L2-normalised vectors (spherical-style), ``n_init=4``;
    a topic is named by the largest centroid weights, and its examples are
    the texts closest to the centroid.

Above ``max_docs`` texts (over all the segments asked for) a deterministic
random sample (``seed``) is clustered, so the cost is bounded on a million
rows; ``size`` and ``share`` are then counts in the sample. Texts without any kept term are
left out (``unassigned`` in the log). Topic numbers run from the largest topic down.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Hashable, Iterable

import numpy as np

from ._text import STOP_WORDS, check_columns, check_frame, doc_term_matrix, sample_index, tokenize
from ._trends import _segment_codes

__all__ = ["topics"]

logger = logging.getLogger(__name__)

_MAX_TERMS = 5000


def _cluster(X, k: int, method: str, seed: int):
    """(assignment per row, strength per row, term weights per topic)."""
    if method == "nmf":
        from sklearn.decomposition import NMF
        from sklearn.exceptions import ConvergenceWarning

        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=300)
        with warnings.catch_warnings():
            # a topic summary does not need the last digit of convergence
            warnings.simplefilter("ignore", ConvergenceWarning)
            W = model.fit_transform(X)
        H = model.components_
        assign = W.argmax(axis=1)
        strength = W[np.arange(len(W)), assign] / np.maximum(W.sum(axis=1), 1e-12)
        # prefer texts that the topic explains strongly and that carry weight
        strength = strength * W[np.arange(len(W)), assign]
        assign = np.where(W.max(axis=1) > 0, assign, -1)
        return assign, strength, H
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=k, n_init=4, random_state=seed)
    assign = model.fit_predict(X)
    C = model.cluster_centers_
    norms = np.linalg.norm(C, axis=1, keepdims=True)
    Cn = C / np.maximum(norms, 1e-12)
    strength = np.asarray((X @ Cn.T)[np.arange(X.shape[0]), assign]).ravel()
    return assign, strength, C


def topics(
    df,
    *,
    text_col: str = "text",
    by: Hashable | None = None,
    n_topics: int = 6,
    top_terms: int = 8,
    n_examples: int = 3,
    method: str = "nmf",
    seed: int = 0,
    max_docs: int | None = 50_000,
    min_docs: int = 20,
    min_df: int | None = None,
    min_len: int = 2,
    stop_words: Iterable[str] | None = STOP_WORDS,
    segments: Iterable[Hashable] | None = None,
    tokenizer=None,
):
    """Cluster complaints into topics named by their top terms, with representative texts.

    The representation and the two methods are described in the module
    docstring (:mod:`triage.analytics._topics`).

    Parameters
    ----------
    df : pandas.DataFrame
        Frame with a text column.
    text_col : str, default="text"
        The text column.
    by : str, optional
        Cluster within each value of this column (e.g. ``"type"``); ``None``
        clusters the whole frame (segment ``"all"``).
    n_topics : int, default=6
        Topics per segment (fewer when a segment has few texts: at most one
        per ``min_docs // 2`` texts).
    top_terms : int, default=8
        Terms naming each topic.
    n_examples : int, default=3
        Representative texts per topic (distinct texts).
    method : {"nmf", "kmeans"}, default="nmf"
        The clustering.
    seed : int, default=0
        Seed of the sample and of the clustering: same input and seed, same topics.
    max_docs : int or None, default=50000
        Texts clustered in all, over every segment: above it, a deterministic
        random sample of the rows (``seed``), so segments keep their
        proportions and the cost is bounded on a million rows. ``None``: every row.
    min_docs : int, default=20
        Segments with fewer texts (with kept terms) are skipped.
    min_df : int, optional
        Fewest texts a term must appear in; default ``max(2, texts // 1000)``.
    min_len : int, default=2
        Shortest token kept (single characters make vague topic names).
    stop_words : iterable of str or None, default=STOP_WORDS
        Words left out.
    segments : iterable, optional
        Only these values of ``by``.
    tokenizer : triage.features.Tokenizer, optional
        Segmenter (default rjieba).

    Returns
    -------
    pandas.DataFrame
        One row per topic: ``segment``, ``topic`` (0 = largest in its
        segment), ``size`` (texts assigned), ``share`` (of the segment's
        clustered texts), ``terms`` (list of str, best first), ``label``
        (the first three terms joined by ``" / "``) and ``examples`` (list of
        raw texts).

    Examples
    --------
    >>> import pandas as pd
    >>> texts = ["快递三天了还没到,物流信息不更新", "物流信息一直不更新,快递没到",
    ...          "手机屏幕碎了,要求换货", "收到手机屏幕有裂痕,申请换货"] * 10
    >>> out = topics(pd.DataFrame({"text": texts}), n_topics=2, top_terms=3, n_examples=1)
    >>> out[["segment", "topic", "size", "share"]]
      segment  topic  size  share
    0     all      0    20    0.5
    1     all      1    20    0.5
    >>> sorted(t for terms in out["terms"] for t in terms[:2])
    ['快递', '手机', '换货', '更新']
    """
    import pandas as pd

    where = "topics"
    if method not in ("nmf", "kmeans"):
        raise ValueError(f"{where}: method must be 'nmf' or 'kmeans', got {method!r}")
    if not isinstance(n_topics, (int, np.integer)) or n_topics < 1:
        raise ValueError(f"{where}: n_topics must be a whole number >= 1, got {n_topics!r}")
    if max_docs is not None and max_docs < 1:
        raise ValueError(f"{where}: max_docs must be >= 1 or None, got {max_docs!r}")
    check_frame(df, where)
    check_columns(df, [text_col], where, "text_col")
    rows, seg, labels = _segment_codes(df, by if by is not None else None, None, True, where)
    if by is None:
        labels = ["all"]
    wanted = None if segments is None else list(segments)
    if wanted is not None:
        unknown = [s for s in wanted if s not in labels]
        if unknown:
            raise ValueError(f"{where}: segments {unknown!r} do not occur in {by!r}; present: {labels!r}")
    if wanted is not None:
        sel = np.isin(seg, [i for i, lab in enumerate(labels) if lab in wanted])
        rows, seg = rows[sel], seg[sel]
    # one deterministic sample of max_docs rows over all the segments asked for
    candidates = np.flatnonzero(np.bincount(rows, minlength=len(df)) > 0)
    pick = sample_index(len(candidates), max_docs, seed)
    if pick is not None:
        logger.info("%s: %d texts; clustering a sample of %d (max_docs)", where, len(candidates), len(pick))
        candidates = candidates[pick]
        chosen = np.zeros(len(df), dtype=bool)
        chosen[candidates] = True
        sel = chosen[rows]
        rows, seg = rows[sel], seg[sel]
    # only the sampled texts are read out of the frame
    slot = np.full(len(df), -1, dtype=np.int64)
    slot[candidates] = np.arange(len(candidates))
    cand_texts = df[text_col].take(candidates).to_numpy(dtype=object)
    cand_tokens = tokenize(cand_texts, stop_words=stop_words, min_len=min_len, tokenizer=tokenizer)
    sizes = np.bincount(seg, minlength=len(labels))
    order = sorted(range(len(labels)), key=lambda i: (-sizes[i], str(labels[i])))
    out = []
    for s in order:
        if sizes[s] == 0:
            continue
        at = slot[rows[seg == s]]
        seg_texts = cand_texts[at]
        toks = [cand_tokens[i] for i in at.tolist()]
        has = np.array([bool(t) for t in toks], dtype=bool)
        n = int(has.sum())
        if n < min_docs:
            logger.info("%s: segment %r has %d usable texts (< min_docs=%d); skipped", where, labels[s], n, min_docs)
            continue
        md = min_df if min_df is not None else max(2, n // 1000)
        X, terms = doc_term_matrix([t for t, h in zip(toks, has) if h], binary=True, min_df=md)
        dfreq = np.asarray((X > 0).sum(axis=0)).ravel()
        keep = np.flatnonzero(dfreq <= 0.5 * n)
        if len(keep) > _MAX_TERMS:
            keep = keep[np.argsort(-dfreq[keep], kind="stable")[:_MAX_TERMS]]
            keep.sort()
        X, terms, dfreq = X[:, keep], [terms[j] for j in keep], dfreq[keep]
        nonempty = np.asarray(X.sum(axis=1)).ravel() > 0
        if nonempty.sum() < min_docs or X.shape[1] == 0:
            logger.info("%s: segment %r has too few texts with frequent terms; skipped", where, labels[s])
            continue
        X = X[nonempty]
        doc_texts = seg_texts[has][nonempty]
        idf = np.log((1.0 + n) / (1.0 + dfreq)) + 1.0
        X = X.multiply(idf).tocsr()
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        X = X.multiply(1.0 / norms[:, None]).tocsr()
        k = max(1, min(n_topics, X.shape[0] // max(min_docs // 2, 1), X.shape[1]))
        assign, strength, H = _cluster(X, k, method, seed)
        n_docs = X.shape[0]
        if (assign < 0).any():
            logger.info("%s: segment %r: %d text(s) unassigned", where, labels[s], int((assign < 0).sum()))
        counts = np.bincount(assign[assign >= 0], minlength=k)
        ranks = sorted((c for c in range(k) if counts[c] > 0), key=lambda c: (-counts[c], c))
        for t, c in enumerate(ranks):
            best_terms = [terms[j] for j in np.argsort(-H[c], kind="stable")[:top_terms] if H[c, j] > 0]
            members = np.flatnonzero(assign == c)
            examples: list[str] = []
            for i in members[np.argsort(-strength[members], kind="stable")]:
                if doc_texts[i] not in examples:
                    examples.append(doc_texts[i])
                if len(examples) >= n_examples:
                    break
            out.append(
                {
                    "segment": labels[s],
                    "topic": t,
                    "size": int(counts[c]),
                    "share": counts[c] / n_docs,
                    "terms": best_terms,
                    "label": " / ".join(best_terms[:3]),
                    "examples": examples,
                }
            )
    columns = ["segment", "topic", "size", "share", "terms", "label", "examples"]
    return pd.DataFrame(out, columns=columns)
