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
from ._lexicon import LEXICON, compile_lexicon
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


def _cues(norm: str) -> list[str]:
    """Cue names of one normalised text: one entry per lexicon hit, plus shape cues."""
    cues = []
    lowered = norm.lower()
    for name, pattern in _LEXICON:
        n = len(pattern.findall(lowered))
        if n:
            cues.extend([f"lex:{name}"] * n)
    cues.extend(_shape_cues(norm))
    return cues


# n-gram codes carry their length: code = n * _NGRAM_BASE + (ids in base T or C)
_NGRAM_BASE = 1 << 58
# one text up to this many characters takes the dict-lookup path (see transform_arrays)
_SHORT_TEXT = 300


def _ngrams(items: Sequence[str], lo: int, hi: int, sep: str) -> list[str]:
    out = list(items) if lo == 1 else []
    n = len(items)
    for k in range(max(lo, 2), hi + 1):
        if isinstance(items, str):
            out += [items[i : i + k] for i in range(n - k + 1)]
        else:
            out += [sep.join(items[i : i + k]) for i in range(n - k + 1)]
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

    # -- analysis -------------------------------------------------------------------
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
            clo, chi = self.char_ngram_range
            chars = _ngrams(self._compact(norm), clo, chi, "")
        return words, chars, _cues(norm)

    # -- fitting --------------------------------------------------------------------
    def _compact(self, norm: str) -> str:
        return _PLACEHOLDER_RE.sub(lambda m: _PLACEHOLDER_CHARS[m.group(0)], norm).replace(" ", "")

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

    def _build_index(self, kept_blocks, n_docs: int) -> None:
        """Integer lookup tables: every n-gram becomes a code, found by ``searchsorted``."""
        words = [g for g, _ in kept_blocks["word"]]
        chars = [g for g, _ in kept_blocks["char"]]
        # tokens: every token that appears in a kept word n-gram gets an id
        tokens = sorted({t for g in words for t in g.split(" ")})
        self.tokens_ = tokens
        self.token_ids_ = {t: i for i, t in enumerate(tokens)}
        T = max(len(tokens), 1)
        codes, cols = [], []
        for col, g in enumerate(words):
            code = 0
            for t in g.split(" "):
                code = code * T + self.token_ids_[t]
            codes.append(code + _NGRAM_BASE * len(g.split(" ")))
            cols.append(col)
        order = np.argsort(codes, kind="stable") if codes else np.array([], dtype=np.int64)
        self.word_codes_ = np.asarray(codes, dtype=np.int64)[order]
        self.word_cols_ = np.asarray(cols, dtype=np.int64)[order]
        # characters: dense ids over the code points that occur in kept char n-grams
        points = sorted({ord(c) for g in chars for c in g})
        self.char_points_ = np.asarray(points, dtype=np.uint32)
        C = len(points) + 1
        cid = {p: i + 1 for i, p in enumerate(points)}
        codes, cols = [], []
        off = len(words)
        for col, g in enumerate(chars):
            code = 0
            for c in g:
                code = code * C + cid[ord(c)]
            codes.append(code + _NGRAM_BASE * len(g))
            cols.append(off + col)
        order = np.argsort(codes, kind="stable") if codes else np.array([], dtype=np.int64)
        self.char_codes_ = np.asarray(codes, dtype=np.int64)[order]
        self.char_cols_ = np.asarray(cols, dtype=np.int64)[order]
        dfs = np.array([c for _, c in kept_blocks["word"]] + [c for _, c in kept_blocks["char"]], dtype=np.float64)
        self.idf_ = np.log((1.0 + n_docs) / (1.0 + dfs)) + 1.0
        self.offsets_ = {"word": 0, "char": len(words), "cue": len(words) + len(chars)}
        self.cue_index_ = {name: i for i, name in enumerate(CUE_NAMES)}
        self.n_features_out_ = len(words) + len(chars) + len(CUE_NAMES)

    # -- transforming ---------------------------------------------------------------
    @staticmethod
    def _lookup(codes: np.ndarray, table: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of ``codes`` found in the sorted ``table``, and their columns."""
        if len(table) == 0 or len(codes) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        pos = np.searchsorted(table, codes)
        pos[pos == len(table)] = 0
        hit = table[pos] == codes
        return np.flatnonzero(hit), cols[pos[hit]]

    def _ngram_entries(self, ids: np.ndarray, doc: np.ndarray, base: int, lo: int, hi: int, table, cols):
        """(doc, column) of every n-gram (lo..hi) of ``ids`` that is in the vocabulary; ids < 0 break n-grams."""
        out_doc, out_col = [], []
        m = len(ids)
        for k in range(lo, hi + 1):
            if m < k:
                break
            L = m - k + 1
            code = np.zeros(L, dtype=np.int64)
            ok = np.ones(L, dtype=bool)
            for j in range(k):
                part = ids[j : j + L]
                ok &= part >= 0
                code = code * base + part
            ok &= doc[:L] == doc[k - 1 : k - 1 + L]
            where = np.flatnonzero(ok)
            hit, c = self._lookup(code[where] + _NGRAM_BASE * k, table, cols)
            out_doc.append(doc[where[hit]])
            out_col.append(c)
        return out_doc, out_col

    def transform_normalized(self, norms: Sequence[str]) -> sp.csr_matrix:
        """Like :meth:`transform`, for texts already passed through :meth:`normalize`.

        Every row's numbers depend on that row alone: a text gets the same row
        whether it is transformed alone or in a batch.
        """
        indptr, cols, vals = self.transform_arrays(norms)
        return sp.csr_matrix((vals, cols.astype(np.int32), indptr), shape=(len(norms), self.n_features_out_))

    def transform_arrays(self, norms: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The CSR arrays ``(indptr, columns, values)`` of normalised texts, without building a matrix.

        Finding the n-grams is integer work and has two implementations (plain
        dict lookups for one short text, vectorised ``searchsorted`` for batches)
        that give the same integers; the floating-point part is shared, so a
        text's values never depend on the path or on the other texts.
        """
        check_is_fitted(self, "idf_")
        seg = self._segmenter()
        toks = [seg.cut(s) for s in norms]
        if self.stop_words:
            stop = frozenset(self.stop_words)
            toks = [[t for t in ts if t not in stop] for ts in toks]
        compact = [self._compact(s) for s in norms] if self.char_ngram_range is not None else None
        if len(norms) == 1 and len(norms[0]) <= _SHORT_TEXT:
            rows, cols, counts = self._entries_python(toks[0], compact[0] if compact is not None else None)
        else:
            rows, cols, counts = self._entries_numpy(toks, compact)
        return self._weigh(norms, rows, cols, counts)

    def _string_tables(self) -> tuple[dict[str, int], dict[str, int]]:
        """``{ngram: column}`` for the word and char blocks (built once, not pickled)."""
        tables = self.__dict__.get("_tables")
        if tables is None:
            names = self.feature_names()
            off = self.offsets_
            tables = (
                {str(x)[2:]: i for i, x in enumerate(names[: off["char"]])},
                {str(x)[2:]: off["char"] + i for i, x in enumerate(names[off["char"] : off["cue"]])},
            )
            self.__dict__["_tables"] = tables
        return tables

    def _entries_python(self, tokens: list[str], compact: str | None):
        """(row, column, count) of one text's n-grams by dict lookups (fast for short texts)."""
        words, chars = self._string_tables()
        lo, hi = self.word_ngram_range
        hits = [j for j in map(words.get, _ngrams(tokens, lo, hi, " ")) if j is not None]
        if compact is not None:
            clo, chi = self.char_ngram_range
            hits += [j for j in map(chars.get, _ngrams(compact, clo, chi, "")) if j is not None]
        found = Counter(hits)
        cols = sorted(found)
        return (
            np.zeros(len(cols), dtype=np.int64),
            np.array(cols, dtype=np.int64),
            np.array([found[c] for c in cols], dtype=np.int64),
        )

    def _entries_numpy(self, toks: list[list[str]], compact: list[str] | None):
        """(row, column, count) of every text's n-grams, vectorised over the batch."""
        n = len(toks)
        docs_parts, cols_parts = [], []
        tid = self.token_ids_
        lens = np.fromiter((len(ts) for ts in toks), dtype=np.int64, count=n)
        ids = np.fromiter((tid.get(t, -1) for ts in toks for t in ts), dtype=np.int64, count=int(lens.sum()))
        doc = np.repeat(np.arange(n, dtype=np.int64), lens)
        lo, hi = self.word_ngram_range
        d, c = self._ngram_entries(ids, doc, max(len(self.tokens_), 1), lo, hi, self.word_codes_, self.word_cols_)
        docs_parts += d
        cols_parts += c
        if compact is not None:
            clens = np.fromiter((len(x) for x in compact), dtype=np.int64, count=n)
            points = np.frombuffer("".join(compact).encode("utf-32-le"), dtype=np.uint32)
            table = self.char_points_
            if len(table):
                pos = np.searchsorted(table, points)
                pos[pos == len(table)] = 0
                cids = np.where(table[pos] == points, pos.astype(np.int64) + 1, -1)
            else:
                cids = np.full(len(points), -1, dtype=np.int64)
            cdoc = np.repeat(np.arange(n, dtype=np.int64), clens)
            clo, chi = self.char_ngram_range
            d, c = self._ngram_entries(cids, cdoc, len(table) + 1, clo, chi, self.char_codes_, self.char_cols_)
            docs_parts += d
            cols_parts += c
        F = self.n_features_out_
        if docs_parts:
            keys = np.concatenate([dd * F + cc for dd, cc in zip(docs_parts, cols_parts)])
        else:
            keys = np.zeros(0, dtype=np.int64)
        keys, counts = np.unique(keys, return_counts=True)  # sorted by (row, column)
        return keys // F, keys % F, counts

    def _weigh(self, norms, rows, cols, counts):
        """TF-IDF values with per-block l2 norms, plus the cue features; CSR arrays."""
        n = len(norms)
        vals = (1.0 + np.log(counts.astype(np.float64))) * self.idf_[cols]
        block = (cols >= self.offsets_["char"]).astype(np.int64)
        weight = np.array([self.word_weight, self.char_weight], dtype=np.float64)
        sq = np.bincount(rows * 2 + block, weights=vals * vals, minlength=2 * n)
        norm = np.sqrt(sq[rows * 2 + block])
        vals = vals * weight[block] / np.where(norm > 0, norm, 1.0)
        cue_rows, cue_cols, cue_vals = [], [], []
        if self.cue_weight:
            off = self.offsets_["cue"]
            index = self.cue_index_
            for i, s in enumerate(norms):
                cnt = Counter(_cues(s))
                for name in sorted(cnt, key=index.__getitem__):
                    cue_rows.append(i)
                    cue_cols.append(off + index[name])
                    cue_vals.append(math.log1p(cnt[name]) * self.cue_weight)
        all_rows = np.concatenate([rows, np.asarray(cue_rows, dtype=np.int64)])
        all_cols = np.concatenate([cols, np.asarray(cue_cols, dtype=np.int64)])
        all_vals = np.concatenate([vals, np.asarray(cue_vals, dtype=np.float64)])
        order = np.lexsort((all_cols, all_rows))
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(all_rows, minlength=n), out=indptr[1:])
        return indptr, all_cols[order], all_vals[order]

    def transform_one(self, text: str, *, normalized: bool = False) -> sp.csr_matrix:
        """One text as a 1-row CSR matrix."""
        return self.transform_normalized([text if normalized else self.normalize(text)])

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        """Raw texts as a CSR matrix of shape (n_documents, n_features_out_)."""
        check_is_fitted(self, "idf_")
        docs = check_documents(X, "ComplaintVectorizer.transform")
        return self.transform_normalized([self.normalize(d) for d in docs])

    @property
    def vocabulary_(self) -> dict[str, dict[str, int]]:
        """``{"word": {ngram: column}, "char": {ngram: column}}``."""
        check_is_fitted(self, "idf_")
        words, chars = self._string_tables()
        return {"word": dict(words), "char": dict(chars)}

    def warm_up(self) -> None:
        """Build the tokenizer and lookup tables now rather than on the first call."""
        self._segmenter().cut("预热")
        self._string_tables()

    def feature_names(self) -> np.ndarray:
        """:meth:`get_feature_names_out`, computed once and kept (not pickled)."""
        names = self.__dict__.get("_names")
        if names is None:
            names = self.__dict__["_names"] = self.get_feature_names_out()
        return names

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "idf_")
        names = [""] * self.n_features_out_
        T = max(len(self.tokens_), 1)
        for code, col in zip(self.word_codes_.tolist(), self.word_cols_.tolist()):
            k, rest = divmod(code, _NGRAM_BASE)
            parts = []
            for _ in range(k):
                rest, t = divmod(rest, T)
                parts.append(self.tokens_[t])
            names[col] = "w:" + " ".join(reversed(parts))
        C = len(self.char_points_) + 1
        points = self.char_points_.tolist()
        for code, col in zip(self.char_codes_.tolist(), self.char_cols_.tolist()):
            k, rest = divmod(code, _NGRAM_BASE)
            parts = []
            for _ in range(k):
                rest, c = divmod(rest, C)
                parts.append(chr(points[c - 1]))
            names[col] = "c:" + "".join(reversed(parts))
        off = self.offsets_["cue"]
        for i, cue in enumerate(CUE_NAMES):
            names[off + i] = f"cue:{cue}"
        return np.array(names, dtype=object)

    def __getstate__(self):
        state = self.__dict__.copy()
        for key in ("_seg", "_stop", "_tables", "_names"):
            state.pop(key, None)
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
