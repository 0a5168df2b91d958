"""What customers complain about: the terms that set a segment apart from the rest.

The score is the log-odds ratio with an informative Dirichlet prior of Monroe,
Colaresi & Quinn (2008, "Fightin' Words", *Political Analysis* 16(4)), as a
z-score. For a term *w*, a segment *i* and the rest *j* of the frame:

.. math::

    \\delta_w = \\log\\frac{y_{iw} + \\alpha_w}{n_i + \\alpha_0 - y_{iw} - \\alpha_w}
              - \\log\\frac{y_{jw} + \\alpha_w}{n_j + \\alpha_0 - y_{jw} - \\alpha_w},
    \\qquad
    z_w = \\delta_w \\Big/ \\sqrt{\\frac{1}{y_{iw} + \\alpha_w} + \\frac{1}{y_{jw} + \\alpha_w}}

where :math:`y_{iw}` is the number of segment documents that contain *w*
(each document counts a term once, so one customer repeating a word ten times
weighs as one), :math:`n_i` the sum of those counts over all terms, and the
prior is the frame's own term distribution, :math:`\\alpha_w = a \\cdot y_w`
(:math:`y_w` the count over the whole frame, :math:`a` = ``prior``,
:math:`\\alpha_0 = \\sum_w \\alpha_w`). The prior shrinks the log-odds of rare
terms towards zero, and the z-score ranks a term by how sure the difference is,
not only by how large it is; so neither rare typos nor the commonest words top
the list.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable, Sequence

import numpy as np

from ._text import STOP_WORDS, check_columns, check_frame, doc_term_matrix, sample_index, tokenize
from ._trends import _segment_codes

__all__ = ["distinguishing_terms"]

logger = logging.getLogger(__name__)


def segment_term_counts(df, by, text_col: str, *, where: str, max_docs, seed, stop_words, min_len, tokenizer,
                        multi_label=None, segments=None):
    """Per-segment document counts of every term: (counts S×V dense, totals V, segment sizes, labels, terms)."""
    import pandas as pd
    import scipy.sparse as sp

    check_frame(df, where)
    check_columns(df, [text_col], where, "text_col")
    pos = sample_index(len(df), max_docs, seed)
    if pos is not None:
        logger.info("%s: %d rows; scoring a deterministic sample of %d (max_docs)", where, len(df), len(pos))
        df = df.iloc[pos]
        if isinstance(by, pd.Series):
            by = by.iloc[pos]
    rows, seg, labels = _segment_codes(df, by, multi_label, True, where)
    if segments is not None:
        unknown = [v for v in segments if v not in labels]
        if unknown:
            raise ValueError(f"{where}: segments {unknown!r} do not occur in by; present: {labels!r}")
    text = df[text_col]
    tcodes, uniques = pd.factorize(text, use_na_sentinel=True)
    token_lists = tokenize(
        [u if isinstance(u, str) else "" for u in uniques], stop_words=stop_words, min_len=min_len, tokenizer=tokenizer
    )
    X, terms = doc_term_matrix(token_lists, binary=True)
    n = len(df)
    valid = tcodes >= 0
    # rows × unique texts, then every row's counts and the per-segment sums
    R = sp.csr_matrix((np.ones(int(valid.sum())), (np.flatnonzero(valid), tcodes[valid])), shape=(n, len(uniques)))
    total = np.asarray((R @ X).sum(axis=0)).ravel()
    # (segment, row) pairs are unique: a multi-label cell lists each label once
    M = sp.csr_matrix((np.ones(len(rows)), (seg, rows)), shape=(len(labels), n))
    seg_counts = (M @ R) @ X
    sizes = np.asarray(M.sum(axis=1)).ravel().astype(np.int64)
    return seg_counts.tocsr(), total, sizes, labels, terms


def distinguishing_terms(
    df,
    *,
    by: Hashable | Sequence[Hashable] | object = "type",
    text_col: str = "text",
    top: int = 15,
    min_count: int = 5,
    segments: Iterable[Hashable] | None = None,
    prior: float = 0.1,
    min_len: int = 1,
    stop_words: Iterable[str] | None = STOP_WORDS,
    max_docs: int | None = 100_000,
    seed: int = 0,
    tokenizer=None,
):
    """The terms that best distinguish each segment from the rest of the frame.

    Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi &
    Quinn 2008), as z-scores; the formula is in the module docstring
    (:mod:`triage.analytics._terms`). Texts are normalised and segmented as
    the model does (:func:`triage.analytics.tokenize`: rjieba, traditional →
    simplified); placeholders, punctuation, numbers and stop words are dropped.

    Parameters
    ----------
    df : pandas.DataFrame
        Frame with a text column and a segment column.
    by : str, list of str or boolean Series, default="type"
        The segment column (``flags`` is exploded: a row counts for each of
        its flags), several columns (combinations), or a boolean Series aligned
        with ``df`` to compare the selected rows (for example one week, one
        product) with the rest; its segment is named after the Series
        (``"selected"`` when unnamed) and the rest is ``"rest"``.
    text_col : str, default="text"
        The text column.
    top : int, default=15
        Terms reported per segment.
    min_count : int, default=5
        Fewest segment documents that must contain a term for it to be reported.
    segments : iterable, optional
        Report only these segment values (default: every segment; for a boolean
        ``by``, only the selected rows).
    prior : float, default=0.1
        Strength :math:`a` of the informative prior, as a fraction of the
        frame's own counts; larger values shrink rare terms more.
    min_len : int, default=1
        Drop tokens shorter than this (2 drops single characters).
    stop_words : iterable of str or None, default=STOP_WORDS
        Words never reported.
    max_docs : int or None, default=100000
        Above this many rows, score a deterministic random sample of this size
        (``seed``): segmentation runs at tens of thousands of texts per second,
        and a 100,000-row sample ranks the top terms of any segment with more
        than a few hundred sampled rows as the whole frame would.
        ``None`` scores every row. Each distinct text is segmented once.
    seed : int, default=0
        Seed of the sample.
    tokenizer : triage.features.Tokenizer, optional
        Segmenter to use (default rjieba with the shipped dictionary).

    Returns
    -------
    pandas.DataFrame
        Columns ``segment, term, score, count, share, rest_share, log_odds``:
        ``score`` is the z-score (higher = more typical of the segment),
        ``count`` the number of segment documents containing the term,
        ``share``/``rest_share`` the fraction of segment/other documents that
        contain it. Segments in descending size, terms by descending score; only
        positive scores.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "text": ["快递三天还没到", "物流太慢了还没到", "快递员送货太慢",
    ...              "屏幕坏了", "手机屏幕碎了", "屏幕有坏点"] * 3,
    ...     "type": (["timeliness"] * 3 + ["product"] * 3) * 3,
    ... })
    >>> terms = distinguishing_terms(df, by="type", top=2, min_count=3)
    >>> terms[["segment", "term", "count"]]
          segment term  count
    0     product   屏幕      9
    1     product    坏      3
    2  timeliness   太慢      6
    3  timeliness   没到      6
    """
    import pandas as pd

    if not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"distinguishing_terms: top must be a whole number >= 1, got {top!r}")
    if prior <= 0:
        raise ValueError(f"distinguishing_terms: prior must be > 0, got {prior!r}")
    where = "distinguishing_terms"
    bool_by = isinstance(by, pd.Series) and pd.api.types.is_bool_dtype(by.dtype)
    if bool_by:
        name = by.name if isinstance(by.name, str) and by.name else "selected"
        by = by.map({True: name, False: "rest"}).astype(object).rename(name)
        if segments is None:
            segments = [name]
    C, total, sizes, labels, terms = segment_term_counts(
        df, by, text_col, where=where, max_docs=max_docs, seed=seed, stop_words=stop_words, min_len=min_len,
        tokenizer=tokenizer, segments=None if segments is None else list(segments),
    )
    columns = ["segment", "term", "score", "count", "share", "rest_share", "log_odds"]
    wanted = None if segments is None else list(segments)
    alpha = prior * total
    alpha0 = alpha.sum()
    N = total.sum()
    n_rows_total = len(df) if max_docs is None else min(len(df), max_docs)
    frames = []
    order = sorted(range(len(labels)), key=lambda i: (-sizes[i], str(labels[i])))
    for i in order:
        if wanted is not None and labels[i] not in wanted:
            continue
        yi = np.asarray(C[i].todense()).ravel()
        yj = total - yi
        ni, nj = yi.sum(), N - yi.sum()
        if ni == 0 or nj == 0:
            logger.info("%s: segment %r has no contrast (no text in it or none outside it)", where, labels[i])
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.log((yi + alpha) / (ni + alpha0 - yi - alpha)) - np.log((yj + alpha) / (nj + alpha0 - yj - alpha))
            z = delta / np.sqrt(1.0 / (yi + alpha) + 1.0 / (yj + alpha))
        ok = np.flatnonzero((yi >= min_count) & (z > 0) & np.isfinite(z))
        best = ok[np.lexsort((np.asarray(terms, dtype=object)[ok], -z[ok]))][:top] if len(ok) else ok
        n_seg_docs = sizes[i]
        n_rest_docs = max(n_rows_total - n_seg_docs, 1)
        frames.append(
            pd.DataFrame(
                {
                    "segment": [labels[i]] * len(best),
                    "term": [terms[k] for k in best],
                    "score": z[best],
                    "count": yi[best].astype(np.int64),
                    "share": yi[best] / max(n_seg_docs, 1),
                    "rest_share": yj[best] / n_rest_docs,
                    "log_odds": delta[best],
                }
            )
        )
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("segment", "term") else float) for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]
