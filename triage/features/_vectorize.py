"""Text → sparse feature vector: word n-grams, character n-grams and cue features.

:class:`ComplaintVectorizer` normalises each document (:func:`normalize`),
segments it (:class:`Segmenter`) and concatenates three blocks:

``word``
    TF-IDF of word n-grams (sublinear tf, smoothed idf, l2-normalised block).
``char``
    TF-IDF of character n-grams of the normalised text (placeholders count as
    one character, spaces dropped), l2-normalised block.
``cue``
    Counts (``log1p``) of the cue lexicons of :mod:`triage.features._lexicon`
    plus length, ``!``/``?`` and emoji indicators. Not normalised.

One code path (:meth:`ComplaintVectorizer.analyze`) computes the features of a
document for both :meth:`transform` and the single-text fast path, so a batch
and a single call see exactly the same numbers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._docs import check_documents
from ._lexicon import compile_lexicon, LEXICON
from ._normalize import normalize
from ._segment import Segmenter

__all__ = ["ComplaintVectorizer", "CUE_NAMES"]

_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
_PLACEHOLDER_CHARS = {
    "<URL>": "\ue000",
    "<EMAIL>": "\ue001",
    "<AT>": "\ue002",
    "<PHONE>": "\ue003",
    "<ORDER>": "\ue004",
    "<MONEY>": "\ue005",
    "<BIGMONEY>": "\ue006",
}
_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in _PLACEHOLDER_CHARS))
_LEXICON = compile_lexicon(LEXICON)
_SHAPE_CUES = (
    "len:<12",
    "len:12-40",
    "len:40-150",
    "len:>150",
    "excl:1",
    "excl:3+",
    "q:1",
    "q:3+",
    "emoji",
    "at",
    "money",
    "bigmoney",
)
#: Names of the cue features, in column order.
CUE_NAMES: tuple[str, ...] = tuple(f"lex:{name}" for name, _ in _LEXICON) + _SHAPE_CUES


def _shape_cues(norm: str) -> list[str]:
    n = len(norm)
    cues = ["len:<12" if n < 12 else "len:12-40" if n < 40 else "len:40-150" if n <= 150 else "len:>150"]
    excl = norm.count("!")
    if excl:
        cues.append("excl:3+" if excl >= 3 else "excl:1")
    q = norm.count("?")
    if q:
        cues.append("q:3+" if q >= 3 else "q:1")
    if _EMOJI.search(norm):
        cues.append("emoji")
    if "<AT>" in norm:
        cues.append("at")
    if "<MONEY>" in norm:
        cues.append("money")
    if "<BIGMONEY>" in norm:
        cues.append("bigmoney")
    return cues


def _ngrams(items: Sequence[str], lo: int, hi: int, sep: str) -> list[str]:
    out = list(items) if lo == 1 else []
    n = len(items)
    for k in range(max(lo, 2), hi + 1):
        for i in range(n - k + 1):
            out.append(sep.join(items[i : i + k]))
    return out


class ComplaintVectorizer(TransformerMixin, BaseEstimator):
    """Turn raw complaint texts into one sparse TF-IDF + cue matrix.

    Parameters
    ----------
    engine : {"rjieba", "jieba"}, default="rjieba"
        Segmentation engine (see :class:`Segmenter`).
    user_dict : str or path, default=None
        A jieba user dictionary added to the shipped domain dictionary.
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
    vocabulary_ : dict
        ``{"word": {ngram: column}, "char": {ngram: column}}``.
    idf_ : dict
        ``{"word": ndarray, "char": ndarray}``.
    n_features_out_ : int
        Number of output columns.

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

    # -- analysis -------------------------------------------------------------------
    def _validate_params(self):
        for name in ("word_ngram_range", "char_ngram_range"):
            rng = getattr(self, name)
            if rng is None and name == "char_ngram_range":
                continue
            if not (isinstance(rng, (tuple, list)) and len(rng) == 2 and 1 <= rng[0] <= rng[1] <= 6):
                raise ValueError(f"ComplaintVectorizer: {name} must be (min_n, max_n) with 1 <= min_n <= max_n <= 6, got {rng!r}")
        if not (isinstance(self.min_df, int) and self.min_df >= 1):
            raise ValueError(f"ComplaintVectorizer: min_df must be a whole number >= 1, got {self.min_df!r}")
        if self.max_features is not None and not (isinstance(self.max_features, int) and self.max_features > 0):
            raise ValueError(f"ComplaintVectorizer: max_features must be None or a positive int, got {self.max_features!r}")
        for name in ("word_weight", "char_weight", "cue_weight"):
            w = getattr(self, name)
            if not (isinstance(w, (int, float)) and w >= 0 and math.isfinite(w)):
                raise ValueError(f"ComplaintVectorizer: {name} must be a finite number >= 0, got {w!r}")

    def _segmenter(self) -> Segmenter:
        seg = self.__dict__.get("_seg")
        if seg is None:
            seg = Segmenter(engine=self.engine, user_dict=self.user_dict)
            self.__dict__["_seg"] = seg
        return seg

    def normalize(self, text: str) -> str:
        """The normalised form of one raw text, as this vectoriser sees it."""
        return normalize(text, convert_traditional=self.convert_traditional)

    def analyze(self, text: str, *, normalized: bool = False) -> tuple[list[str], list[str], list[str]]:
        """Word n-grams, char n-grams and cue names of one text (raw, or already normalised)."""
        norm = text if normalized else self.normalize(text)
        tokens = self._segmenter().cut(norm)
        if self.stop_words:
            stop = self.__dict__.get("_stop")
            if stop is None:
                stop = self.__dict__["_stop"] = frozenset(self.stop_words)
            tokens = [t for t in tokens if t not in stop]
        lo, hi = self.word_ngram_range
        words = _ngrams(tokens, lo, hi, " ")
        chars: list[str] = []
        if self.char_ngram_range is not None:
            compact = _PLACEHOLDER_RE.sub(lambda m: _PLACEHOLDER_CHARS[m.group(0)], norm).replace(" ", "")
            clo, chi = self.char_ngram_range
            chars = _ngrams(compact, clo, chi, "")
        cues = []
        lowered = norm.lower()
        for name, pattern in _LEXICON:
            n = len(pattern.findall(lowered))
            if n:
                cues.extend([f"lex:{name}"] * n)
        cues.extend(_shape_cues(norm))
        return words, chars, cues

    # -- fitting --------------------------------------------------------------------
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
        self.vocabulary_ = {}
        self.idf_ = {}
        offset = 0
        self.offsets_ = {}
        for block in ("word", "char"):
            kept = [(g, c) for g, c in df[block].items() if c >= self.min_df]
            kept.sort(key=lambda gc: (-gc[1], gc[0]))
            if self.max_features is not None:
                kept = kept[: self.max_features]
            kept.sort(key=lambda gc: gc[0])
            self.vocabulary_[block] = {g: i for i, (g, _) in enumerate(kept)}
            counts = np.array([c for _, c in kept], dtype=np.float64)
            self.idf_[block] = np.log((1.0 + n) / (1.0 + counts)) + 1.0
            self.offsets_[block] = offset
            offset += len(kept)
        self.cue_index_ = {name: i for i, name in enumerate(CUE_NAMES)}
        self.offsets_["cue"] = offset
        self.n_features_out_ = offset + len(CUE_NAMES)
        self.n_features_in_ = 1
        return self

    # -- transforming ---------------------------------------------------------------
    def _block(self, grams: list[str], block: str, weight: float, idx: list[int], val: list[float]) -> None:
        vocab = self.vocabulary_[block]
        counts: dict[int, int] = {}
        for g in grams:
            j = vocab.get(g)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts or weight == 0:
            return
        cols = sorted(counts)
        idf = self.idf_[block]
        vals = [(1.0 + math.log(counts[j])) * idf[j] for j in cols]
        norm = math.sqrt(math.fsum(v * v for v in vals))
        off = self.offsets_[block]
        scale = weight / norm
        idx.extend(off + j for j in cols)
        val.extend(v * scale for v in vals)

    def features(self, text: str, *, normalized: bool = False) -> tuple[list[int], list[float]]:
        """Column indices (ascending) and values of one text (raw, or already normalised)."""
        words, chars, cues = self.analyze(text, normalized=normalized)
        idx: list[int] = []
        val: list[float] = []
        self._block(words, "word", self.word_weight, idx, val)
        if self.char_ngram_range is not None:
            self._block(chars, "char", self.char_weight, idx, val)
        if cues and self.cue_weight:
            off = self.offsets_["cue"]
            c = Counter(cues)
            for name in sorted(c, key=self.cue_index_.__getitem__):
                idx.append(off + self.cue_index_[name])
                val.append(math.log1p(c[name]) * self.cue_weight)
        return idx, val

    def transform_one(self, text: str, *, normalized: bool = False) -> sp.csr_matrix:
        """One text as a 1-row CSR matrix (the single-call fast path)."""
        idx, val = self.features(text, normalized=normalized)
        return sp.csr_matrix(
            (np.asarray(val, dtype=np.float64), np.asarray(idx, dtype=np.int32), np.array([0, len(idx)], dtype=np.int32)),
            shape=(1, self.n_features_out_),
        )

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        """Raw texts as a CSR matrix of shape (n_documents, n_features_out_)."""
        check_is_fitted(self, "vocabulary_")
        docs = check_documents(X, "ComplaintVectorizer.transform")
        return self.transform_normalized([self.normalize(d) for d in docs])

    def transform_normalized(self, norms: Sequence[str]) -> sp.csr_matrix:
        """Like :meth:`transform`, for texts already passed through :meth:`normalize`."""
        check_is_fitted(self, "vocabulary_")
        docs = norms
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for d in docs:
            idx, val = self.features(d, normalized=True)
            indices.extend(idx)
            data.extend(val)
            indptr.append(len(indices))
        return sp.csr_matrix(
            (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
            shape=(len(docs), self.n_features_out_),
        )

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "vocabulary_")
        names = [f"w:{g}" for g in self.vocabulary_["word"]]
        names += [f"c:{g}" for g in self.vocabulary_["char"]]
        names += [f"cue:{c}" for c in CUE_NAMES]
        return np.array(names, dtype=object)

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_seg", None)
        state.pop("_stop", None)
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
