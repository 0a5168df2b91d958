"""Scikit-learn transformers for text: :class:`TextNormalizer` and :class:`Segmenter`."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ._docs import check_documents, text_input_tags
from ._normalize import normalize
from ._tokenize import ENGINES, Tokenizer

__all__ = ["TextNormalizer", "Segmenter"]


class TextNormalizer(TransformerMixin, BaseEstimator):
    """Scikit-learn transformer applying :func:`normalize` to each document.

    Parameters
    ----------
    convert_traditional : bool, default=True
        Convert traditional Chinese to simplified.

    Examples
    --------
    >>> TextNormalizer().fit_transform(["退款！！！！", "軟體閃退"]).tolist()
    ['退款!!!', '软体闪退']
    """

    def __init__(self, *, convert_traditional: bool = True):
        self.convert_traditional = convert_traditional

    def fit(self, X: Iterable[str], y=None):
        check_documents(X, "TextNormalizer.fit")
        self.n_features_in_ = 1
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        docs = check_documents(X, "TextNormalizer.transform")
        return np.array([normalize(d, convert_traditional=self.convert_traditional) for d in docs], dtype=object)

    def __sklearn_tags__(self):
        return text_input_tags(super().__sklearn_tags__(), requires_fit=False)


class Segmenter(TransformerMixin, BaseEstimator):
    """Cut documents into words; a picklable scikit-learn transformer.

    Parameters
    ----------
    engine : {"rjieba", "jieba"}, default="rjieba"
        The segmentation engine (see the module docstring).
    user_dict : str or path, default=None
        A jieba user dictionary added to the shipped domain dictionary.
    hmm : bool, default=True
        Use jieba's HMM to find words not in the dictionary.

    Examples
    --------
    >>> seg = Segmenter()
    >>> seg.cut("客服一直踢皮球")
    ['客服', '一直', '踢皮球']
    >>> seg.transform(["退款<MONEY>还没到"])[0]
    ['退款', '<MONEY>', '还', '没到']
    """

    def __init__(self, *, engine: str = "rjieba", user_dict: str | None = None, hmm: bool = True):
        self.engine = engine
        self.user_dict = user_dict
        self.hmm = hmm

    def _validate(self):
        if self.engine not in ENGINES:
            raise ValueError(f"Segmenter: engine must be one of {ENGINES}, got {self.engine!r}")

    def _tokenizer(self) -> Tokenizer:
        tok = self.__dict__.get("_tok")
        if tok is None:
            self._validate()
            tok = self.__dict__["_tok"] = Tokenizer(self.engine, self.user_dict, self.hmm)
        return tok

    def cut(self, text: str) -> list[str]:
        """Segment one normalised text; placeholders such as ``<MONEY>`` stay whole, spaces are dropped."""
        return self._tokenizer().cut(text)

    def fit(self, X: Iterable[str], y=None):
        check_documents(X, "Segmenter.fit")
        self._validate()
        self.n_features_in_ = 1
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        docs = check_documents(X, "Segmenter.transform")
        out = np.empty(len(docs), dtype=object)
        for i, d in enumerate(docs):
            out[i] = self.cut(d)
        return out

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_tok", None)
        return state

    def __sklearn_tags__(self):
        return text_input_tags(super().__sklearn_tags__(), requires_fit=False)
