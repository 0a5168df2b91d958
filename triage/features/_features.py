"""Text → sparse feature vector: word n-grams, character n-grams and cue features (no scikit-learn).

:class:`FeatureCore` holds the transform logic shared by the scikit-learn
estimator :class:`~triage.features.ComplaintVectorizer` (which adds ``fit``)
and :class:`FrozenVectorizer`, the same fitted state without scikit-learn,
which saved models load into (so loading a model imports neither scikit-learn
nor pandas). The vectoriser normalises each document (:func:`normalize`),
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
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._lexicon import LEXICON, compile_lexicon
from ._normalize import normalize
from ._tokenize import Tokenizer

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = ["FeatureCore", "FrozenVectorizer", "CUE_NAMES"]

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


# per-process caches: rebuilt on demand, never pickled
_CACHES = ("_seg", "_stop", "_tables")


class FeatureCore:
    """Transform logic of a fitted vectoriser; the state lives in the instance ``__dict__``."""

    def _check_fitted(self) -> None:
        if "idf_" not in self.__dict__:
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(f"This {type(self).__name__} is not fitted yet: call fit with the training texts first")

    def _segmenter(self) -> Tokenizer:
        seg = self.__dict__.get("_seg")
        if seg is None:
            seg = self.__dict__["_seg"] = Tokenizer(self.engine, self.user_dict)
        return seg

    def normalize(self, text: str) -> str:
        """The normalised form of one raw text, as this vectoriser sees it."""
        return normalize(text, convert_traditional=self.convert_traditional)

    def analyze(self, text: str, *, normalized: bool = False) -> tuple[list[str], list[str], list[str]]:
        """Word n-grams, char n-grams and cue names of one text (raw, or already normalised)."""
        norm = text if normalized else self.normalize(text)
        tokens = self._tokens(norm)
        lo, hi = self.word_ngram_range
        words = _ngrams(tokens, lo, hi, " ")
        chars: list[str] = []
        if self.char_ngram_range is not None:
            clo, chi = self.char_ngram_range
            chars = _ngrams(self._compact(norm), clo, chi, "")
        return words, chars, _cues(norm)

    def _tokens(self, norm: str) -> list[str]:
        """Words of one normalised text, stop words dropped."""
        tokens = self._segmenter().cut(norm)
        if self.stop_words:
            stop = self.__dict__.get("_stop")
            if stop is None:
                stop = self.__dict__["_stop"] = frozenset(self.stop_words)
            tokens = [t for t in tokens if t not in stop]
        return tokens

    def _compact(self, norm: str) -> str:
        return _PLACEHOLDER_RE.sub(lambda m: _PLACEHOLDER_CHARS[m.group(0)], norm).replace(" ", "")

    def _build_index(self, kept_blocks, n_docs: int) -> None:
        """Integer lookup tables: every n-gram becomes a code, found by ``searchsorted``."""
        words = [g for g, _ in kept_blocks["word"]]
        chars = [g for g, _ in kept_blocks["char"]]
        self.ngrams_ = {"word": words, "char": chars}  # column order; for names and dict lookups
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
        import scipy.sparse as sp

        indptr, cols, vals = self.transform_arrays(norms)
        return sp.csr_matrix((vals, cols.astype(np.int32), indptr), shape=(len(norms), self.n_features_out_))

    def transform_arrays(self, norms: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The CSR arrays ``(indptr, columns, values)`` of normalised texts, without building a matrix.

        Finding the n-grams is integer work and has two implementations (plain
        dict lookups for one short text, vectorised ``searchsorted`` for batches)
        that give the same integers; the floating-point part is shared, so a
        text's values never depend on the path or on the other texts.
        """
        self._check_fitted()
        toks = [self._tokens(s) for s in norms]
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
            off = self.offsets_["char"]
            tables = (
                {g: i for i, g in enumerate(self.ngrams_["word"])},
                {g: off + i for i, g in enumerate(self.ngrams_["char"])},
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

    @property
    def vocabulary_(self) -> dict[str, dict[str, int]]:
        """``{"word": {ngram: column}, "char": {ngram: column}}``."""
        self._check_fitted()
        words, chars = self._string_tables()
        return {"word": dict(words), "char": dict(chars)}

    def warm_up(self) -> None:
        """Build the tokenizer and lookup tables now rather than on the first call."""
        self._segmenter().cut("预热")
        self._string_tables()

    def names_of(self, cols) -> list[str]:
        """Names of the given columns (as :meth:`get_feature_names_out`), without building them all."""
        off = self.offsets_
        words, chars = self.ngrams_["word"], self.ngrams_["char"]
        out = []
        for c in cols:
            c = int(c)
            if c < off["char"]:
                out.append("w:" + words[c])
            elif c < off["cue"]:
                out.append("c:" + chars[c - off["char"]])
            else:
                out.append("cue:" + CUE_NAMES[c - off["cue"]])
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Column names: ``w:`` word n-grams, ``c:`` character n-grams, ``cue:`` cue features."""
        self._check_fitted()
        names = ["w:" + g for g in self.ngrams_["word"]] + ["c:" + g for g in self.ngrams_["char"]]
        names += [f"cue:{cue}" for cue in CUE_NAMES]
        return np.array(names, dtype=object)

    def __getstate__(self):
        state = self.__dict__.copy()
        for key in _CACHES:
            state.pop(key, None)
        return state


class FrozenVectorizer(FeatureCore):
    """A fitted vectoriser's state and transform logic, without scikit-learn.

    Saved models hold this (see :meth:`ComplaintVectorizer.freeze`): it
    transforms exactly as the estimator it came from.
    """

    @classmethod
    def from_fitted(cls, vectorizer) -> FrozenVectorizer:
        vectorizer._check_fitted()
        out = cls.__new__(cls)
        out.__setstate__(vectorizer.__getstate__())
        return out

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return f"FrozenVectorizer(engine={self.engine!r}, n_features_out_={self.n_features_out_})"
