"""The scikit-learn vectoriser of complaint texts (fit + the shared transform of :class:`FeatureCore`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._docs import check_documents, text_input_tags
from ._features import _CACHES, FeatureCore, FrozenVectorizer

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = ["ComplaintVectorizer"]


class ComplaintVectorizer(TransformerMixin, BaseEstimator, FeatureCore):
    """Turn raw complaint texts into one sparse TF-IDF + cue matrix.

    Parameters
    ----------
    engine : {"rjieba", "jieba"}, default="rjieba"
        Segmentation engine (see :class:`Segmenter`).
    user_dict : str, path or sequence of words, default=None
        A jieba user dictionary added to the shipped domain dictionary: a file's
        path, or the words themselves (``"word"`` or ``(word, freq, tag)``),
        which are saved with the model.
    convert_traditional : bool, default=True
        Convert traditional Chinese to simplified before segmentation.
    word_ngram_range : tuple (min_n, max_n), default=(1, 2)
        Word n-gram lengths.
    char_ngram_range : tuple (min_n, max_n), default=(1, 3)
        Character n-gram lengths; ``None`` turns the char block off.
    min_df : int, default=2
        Keep n-grams found in at least this many training documents.
    max_features : int, default=None
        Keep at most this many n-grams per block (most frequent first).
    word_weight, char_weight, cue_weight : float, default=1.0, 1.0, 0.3
        Scale of each block.
    stop_words : collection of str, default=None
        Words dropped from the word block.

    Attributes
    ----------
    idf_ : ndarray
        Idf weight of each n-gram column (word block, then char block).
    tokens_ : list of str
        Tokens that occur in the word vocabulary.
    word_codes_, char_codes_ : ndarray of int64
        Sorted integer codes of the vocabulary n-grams (a token or character id
        per position, the n-gram length in the high bits), looked up with
        ``searchsorted``; ``word_cols_`` and ``char_cols_`` give their columns.
    vocabulary_ : dict
        ``{"word": {ngram: column}, "char": {ngram: column}}``, built on demand.
    n_features_out_ : int
        Number of output columns.

    Notes
    -----
    N-grams are at most trigrams: their integer codes must fit in 64 bits.

    Examples
    --------
    >>> vec = ComplaintVectorizer(min_df=1).fit(["快递还没到", "客服态度差!!!"])
    >>> X = vec.transform(["快递态度差"])
    >>> X.shape[0], X.shape[1] == vec.n_features_out_
    (1, True)
    """

    def __init__(
        self,
        *,
        engine: str = "rjieba",
        user_dict: str | None = None,
        convert_traditional: bool = True,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] | None = (1, 3),
        min_df: int = 2,
        max_features: int | None = None,
        word_weight: float = 1.0,
        char_weight: float = 1.0,
        cue_weight: float = 0.3,
        stop_words: Iterable[str] | None = None,
    ):
        self.engine = engine
        self.user_dict = user_dict
        self.convert_traditional = convert_traditional
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.cue_weight = cue_weight
        self.stop_words = stop_words

    def _validate_params(self):
        for name in ("word_ngram_range", "char_ngram_range"):
            rng = getattr(self, name)
            if rng is None and name == "char_ngram_range":
                continue
            if not (isinstance(rng, (tuple, list)) and len(rng) == 2 and 1 <= rng[0] <= rng[1] <= 3):
                raise ValueError(f"ComplaintVectorizer: {name} must be (min_n, max_n) with 1 <= min_n <= max_n <= 3, got {rng!r}")
        if not (isinstance(self.min_df, int) and self.min_df >= 1):
            raise ValueError(f"ComplaintVectorizer: min_df must be a whole number >= 1, got {self.min_df!r}")
        if self.max_features is not None and not (isinstance(self.max_features, int) and self.max_features > 0):
            raise ValueError(f"ComplaintVectorizer: max_features must be None or a positive int, got {self.max_features!r}")
        for name in ("word_weight", "char_weight", "cue_weight"):
            w = getattr(self, name)
            if not (isinstance(w, (int, float)) and w >= 0 and math.isfinite(w)):
                raise ValueError(f"ComplaintVectorizer: {name} must be a finite number >= 0, got {w!r}")

    def fit(self, X: Iterable[str], y=None):
        """Learn the n-gram vocabularies and idf weights from raw texts."""
        self._validate_params()
        docs = check_documents(X, "ComplaintVectorizer.fit")
        if not docs:
            raise ValueError("ComplaintVectorizer.fit needs at least one document, got 0")
        df: dict[str, Counter[str]] = {"word": Counter(), "char": Counter()}
        for d in docs:
            words, chars, _ = self.analyze(d)
            df["word"].update(set(words))
            df["char"].update(set(chars))
        n = len(docs)
        kept_blocks = {}
        for block in ("word", "char"):
            kept = [(g, c) for g, c in df[block].items() if c >= self.min_df]
            kept.sort(key=lambda gc: (-gc[1], gc[0]))
            if self.max_features is not None:
                kept = kept[: self.max_features]
            kept.sort(key=lambda gc: gc[0])
            kept_blocks[block] = kept
        self._build_index(kept_blocks, n)
        self.n_features_in_ = 1
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        """Raw texts as a CSR matrix of shape (n_documents, n_features_out_)."""
        check_is_fitted(self, "idf_")
        docs = check_documents(X, "ComplaintVectorizer.transform")
        return self.transform_normalized([self.normalize(d) for d in docs])

    def __sklearn_tags__(self):
        return text_input_tags(super().__sklearn_tags__(), requires_fit=True)


    def __getstate__(self):
        state = BaseEstimator.__getstate__(self)
        for key in _CACHES:
            state.pop(key, None)
        return state

    def freeze(self) -> FrozenVectorizer:
        """The fitted state as a :class:`FrozenVectorizer` (no scikit-learn needed to use it)."""
        return FrozenVectorizer.from_fitted(self)
