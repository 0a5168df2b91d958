"""Similar historical cases: :class:`CaseIndex` finds the past complaints closest to a new one.

Each case is represented as two TF-IDF blocks over its normalised text
(:func:`triage.features.normalize`): words (rjieba tokens, stop words
dropped) as unigrams and bigrams, and character bigrams and trigrams of the
text without punctuation (robust to typos, segmentation differences and
script). Term frequencies are sublinear (``1 + log tf``), IDF is smoothed,
each block is L2-normalised and weighted so that the similarity of two cases is
``word_weight · cos_words + (1 − word_weight) · cos_chars``, in [0, 1].

The index keeps the matrix transposed (one row of postings per feature, CSR),
so a query touches only the postings of its own features: the score of every
case is a sum over those postings (``numpy.bincount``), and the top ``k`` come
from ``argpartition``. Features present in more than ``max_df`` of the cases
(the commonest characters and words) carry almost no IDF weight and would make
every query scan most of the index: they are dropped.

Saved indexes are plain files, no pickle: ``manifest.json`` (format, protocol
version, library version, parameters), ``arrays.npz`` (numpy arrays, loaded
with ``allow_pickle=False``), ``vocabulary.json`` and ``cases.jsonl``.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import ModelLoadError, ModelVersionError
from ._text import STOP_WORDS, check_columns, check_frame, is_useful_token

__all__ = ["CaseIndex", "SimilarCase"]

logger = logging.getLogger(__name__)

PROTOCOL = 1
_FORMAT = "triage-case-index"
_NOT_WORD = re.compile(r"[\W_]+")
# max_df drops a feature only if it is also in more than this many cases (small indexes keep everything)
_MIN_COMMON = 1000
#: Label columns stored with each case when ``label_cols`` is not given (those present).
DEFAULT_LABEL_COLS: tuple[str, ...] = (
    "type",
    "secondary_types",
    "type_secondary",
    "emotion",
    "urgency",
    "flags",
    "is_complaint",
)


@dataclass(frozen=True)
class SimilarCase:
    """One past case returned by :meth:`CaseIndex.query`.

    Attributes
    ----------
    score : float
        Similarity to the query, in [0, 1] (1 = same words and characters).
    id : object
        The case's id (``id_col``), or its row position when the index has no id column.
    text : str
        The past complaint.
    resolution : str or None
        How it was resolved (``resolution_col``).
    labels : dict
        The case's label columns (``type``, ``urgency``, ``flags`` …).
    position : int
        Row of the case in the indexed frame.
    """

    score: float
    id: Any
    text: str
    resolution: str | None
    labels: dict[str, Any] = field(default_factory=dict)
    position: int = -1

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "id": self.id,
            "text": self.text,
            "resolution": self.resolution,
            "labels": dict(self.labels),
            "position": self.position,
        }


def _jsonable(v):
    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_jsonable(x) for x in v]
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, (str, int, bool)):
        return v
    return str(v)


def _pack_chars(compact: list[str], ngrams: tuple[int, int]):
    """Character n-grams of every string as 64-bit codes (21 bits per code point): (codes, owner)."""
    lengths = np.fromiter((len(c) for c in compact), dtype=np.int64, count=len(compact))
    cps = np.frombuffer("".join(compact).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    codes, owners = [], []
    for n in range(ngrams[0], ngrams[1] + 1):
        cnt = np.maximum(lengths - n + 1, 0)
        owner = np.repeat(np.arange(len(compact)), cnt)
        pos = np.arange(int(cnt.sum())) - np.repeat(np.concatenate([[0], np.cumsum(cnt)[:-1]]), cnt) + offsets[owner]
        code = np.zeros(len(pos), dtype=np.int64)
        for j in range(n):
            code = (code << 21) | cps[pos + j]
        codes.append(code)
        owners.append(owner)
    return np.concatenate(codes), np.concatenate(owners)


def _word_codes(token_ids: list[np.ndarray], ngrams: tuple[int, int], n_tokens: int):
    """Word unigram (token id) and bigram (``T + i * T + j``) codes of every document: (codes, owner).

    Token id -1 (unknown at query time) makes no unigram and breaks bigrams.
    """
    lengths = np.fromiter((len(t) for t in token_ids), dtype=np.int64, count=len(token_ids))
    ids = np.concatenate(token_ids) if len(token_ids) else np.zeros(0, np.int64)
    owner = np.repeat(np.arange(len(token_ids)), lengths)
    codes, owners = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    if ngrams[0] <= 1 <= ngrams[1]:
        keep = ids >= 0
        codes.append(ids[keep])
        owners.append(owner[keep])
    if ngrams[0] <= 2 <= ngrams[1] and len(ids) > 1:
        same = (owner[1:] == owner[:-1]) & (ids[1:] >= 0) & (ids[:-1] >= 0)
        codes.append(n_tokens + ids[:-1][same] * n_tokens + ids[1:][same])
        owners.append(owner[1:][same])
    return np.concatenate(codes), np.concatenate(owners)


class _Analyzer:
    """Text → (content words, text without punctuation), the same at build and at query time."""

    def __init__(self):
        from ..features import Tokenizer

        self.tok = Tokenizer()

    def __call__(self, text: str) -> tuple[list[str], str]:
        from ..features import normalize

        norm = normalize(text)
        toks = [t for t in self.tok.cut(norm) if is_useful_token(t, STOP_WORDS, 1)]
        return toks, _NOT_WORD.sub("", norm)


class CaseIndex:
    """An index of past complaints and their resolutions, queried for the most similar cases.

    The representation, the scoring and the file format are described in the
    module docstring (:mod:`triage.analytics._cases`): word and character
    n-gram TF-IDF, cosine similarity through an inverted index. A query on
    100,000 cases takes a few milliseconds (``benchmarks/analytics.py``).

    Parameters
    ----------
    cases : pandas.DataFrame
        Past complaints, one per row.
    text_col : str, default="text"
        The complaint text. Rows with a missing or empty text are not indexed.
    resolution_col : str or None, default="resolution"
        How each case was resolved (returned with it). ``None`` when there is none.
    id_col : str, optional
        A case id returned with each match (default: the row position).
    label_cols : sequence of str, optional
        Columns returned as ``labels`` (default: those of ``type``,
        ``secondary_types``, ``type_secondary``, ``emotion``, ``urgency``,
        ``flags``, ``is_complaint`` that exist).
    word_weight : float, default=0.5
        Weight of the word block in the similarity (the rest goes to characters).
    max_df : float, default=0.05
        Features in more than this share of the cases, and in more than 1,000
        cases, are dropped (see above): the commonest words and characters,
        whose postings would dominate query time on a large index. A query made
        only of such features (``"好!!"``) finds nothing.
    min_df : int, default=1
        Features in fewer cases are dropped (2 shrinks a large index).

    Attributes
    ----------
    n_features_ : int
        Number of indexed word and character n-grams.

    Examples
    --------
    >>> import pandas as pd
    >>> past = pd.DataFrame({
    ...     "ticket": ["T1", "T2", "T3"],
    ...     "text": ["快递一周没到，客服也联系不上", "收到的手机屏幕碎了", "退款申请十天了还没到账"],
    ...     "resolution": ["催促快递并补偿5元券", "免费换新", "加急退款并致歉"],
    ...     "type": ["timeliness", "product", "timeliness"],
    ... })
    >>> index = CaseIndex(past, id_col="ticket")
    >>> best = index.query("快递一个星期了还没到，客服电话打不通", k=2)
    >>> best[0].id, best[0].resolution, best[0].labels["type"]
    ('T1', '催促快递并补偿5元券', 'timeliness')
    >>> 0 < best[0].score <= 1 and best[0].score > best[1].score
    True
    >>> len(index)
    3
    """

    def __init__(
        self,
        cases,
        *,
        text_col: str = "text",
        resolution_col: str | None = "resolution",
        id_col: str | None = None,
        label_cols: Sequence[str] | None = None,
        word_weight: float = 0.5,
        max_df: float = 0.05,
        min_df: int = 1,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 3),
    ):
        where = "CaseIndex"
        check_frame(cases, where)
        check_columns(cases, [text_col], where, "text_col")
        check_columns(cases, [resolution_col], where, "resolution_col")
        check_columns(cases, [id_col], where, "id_col")
        if label_cols is None:
            label_cols = [c for c in DEFAULT_LABEL_COLS if c in cases.columns]
        else:
            label_cols = list(label_cols)
            check_columns(cases, label_cols, where, "label_cols")
        if not 0 <= word_weight <= 1:
            raise ValueError(f"{where}: word_weight must be within [0, 1], got {word_weight!r}")
        if not 0 < max_df <= 1:
            raise ValueError(f"{where}: max_df must be a share of the cases in (0, 1], got {max_df!r}")
        self.text_col = text_col
        self.resolution_col = resolution_col
        self.id_col = id_col
        self.label_cols = label_cols
        self.word_weight = float(word_weight)
        self.max_df = float(max_df)
        self.min_df = int(min_df)
        self.word_ngrams = tuple(word_ngrams)
        self.char_ngrams = tuple(char_ngrams)

        texts = cases[text_col].tolist()
        keep = [i for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
        if len(keep) < len(texts):
            logger.info("%s: %d case(s) with a missing or empty text are not indexed", where, len(texts) - len(keep))
        if not keep:
            raise ValueError(f"{where}: no case has a non-empty {text_col!r}; nothing to index")
        self._records = self._collect(cases, keep)
        self._build([texts[i] for i in keep])

    # -- construction ---------------------------------------------------------------------------
    def _collect(self, cases, keep: list[int]) -> dict[str, list]:
        sub = cases.iloc[keep]
        rec = {
            "position": keep,
            "text": sub[self.text_col].tolist(),
            "id": [_jsonable(v) for v in sub[self.id_col].tolist()] if self.id_col else list(keep),
            "resolution": [_jsonable(v) for v in sub[self.resolution_col].tolist()] if self.resolution_col else None,
        }
        rec["labels"] = {c: [_jsonable(v) for v in sub[c].tolist()] for c in self.label_cols}
        return rec

    def _analyzer(self) -> _Analyzer:
        an = self.__dict__.get("_an")
        if an is None:
            an = self.__dict__["_an"] = _Analyzer()
        return an

    def _build(self, texts: list[str]) -> None:
        import pandas as pd
        import scipy.sparse as sp

        from ..features import normalize

        an = self._analyzer()
        n = len(texts)
        # each distinct text is analysed once; n-grams are integer codes, counted with numpy
        tcode, uniq = pd.factorize(pd.Series(texts, dtype=object))
        cut = an.tok.cut
        memo: dict[str, int] = {}  # token -> id, or -1 for a token that is not a content word
        tokens: list[str] = []
        token_ids, compact = [], []
        for t in uniq:
            norm = normalize(t)
            ids = []
            for w in cut(norm):
                j = memo.get(w)
                if j is None:
                    j = memo[w] = len(tokens) if is_useful_token(w, STOP_WORDS, 1) else -1
                    if j >= 0:
                        tokens.append(w)
                if j >= 0:
                    ids.append(j)
            token_ids.append(np.asarray(ids, dtype=np.int64))
            compact.append(_NOT_WORD.sub("", norm))
        self._tokens = tokens
        self._token_ids = {w: i for i, w in enumerate(tokens)}
        n_uniq = len(uniq)
        del uniq
        max_docs = max(self.max_df * n, _MIN_COMMON)
        rows_per_text = np.bincount(tcode, minlength=n_uniq)  # document frequency counts rows, not distinct texts
        mats, self._codes, self._common, idfs = [], [], [], []
        for name in ("word", "char"):
            if name == "word":
                codes, owner = _word_codes(token_ids, self.word_ngrams, max(len(tokens), 1))
                del token_ids
            else:
                codes, owner = _pack_chars(compact, self.char_ngrams)
                del compact
            vocab, fid = np.unique(codes, return_inverse=True)
            del codes
            U = sp.csr_matrix(
                (np.ones(len(fid), dtype=np.float32), (owner.astype(np.int32), fid.astype(np.int32))),
                shape=(n_uniq, len(vocab)),
            )
            del owner, fid
            U.sum_duplicates()
            df = np.bincount(U.indices, weights=np.repeat(rows_per_text, np.diff(U.indptr)), minlength=len(vocab))
            ok = (df >= self.min_df) & (df <= max_docs)
            if not ok.all():
                U = U[:, np.flatnonzero(ok)]
            mats.append(U if n_uniq == n else U[tcode])  # one row per case again
            del U
            self._codes.append(vocab[ok])
            self._common.append(vocab[df > max_docs])
            idfs.append(np.log((1.0 + n) / (1.0 + df[ok])) + 1.0)
        self.idf_word_, self.idf_char_ = idfs
        self.n_cases_ = n
        # the index is kept transposed: one row of postings per feature
        WT = self._weigh(mats.pop(0), self.idf_word_, self.word_weight).T.tocsr()
        CT = self._weigh(mats.pop(0), self.idf_char_, 1.0 - self.word_weight).T.tocsr()
        self._set_matrix(sp.vstack([WT, CT], format="csr", dtype=np.float32))

    @staticmethod
    def _weigh(X, idf: np.ndarray, weight: float):
        """Sublinear tf x idf, L2 per row, times sqrt(weight)."""

        X = X.tocsr().astype(np.float32)
        X.data = (1.0 + np.log(X.data)) * idf[X.indices].astype(np.float32)
        sq = X.copy()
        sq.data **= 2
        norms = np.sqrt(np.asarray(sq.sum(axis=1)).ravel())
        del sq
        norms[norms == 0] = 1.0
        X.data *= np.repeat((math.sqrt(weight) / norms).astype(np.float32), np.diff(X.indptr))
        return X

    def _set_matrix(self, XT) -> None:
        self._idf_max = math.log(1.0 + self.n_cases_) + 1.0
        self.n_word_ = len(self._codes[0])
        self.n_features_ = XT.shape[0]
        XT.sort_indices()
        self._indptr = XT.indptr.astype(np.int64)
        self._indices = XT.indices.astype(np.int32)
        self._data = XT.data.astype(np.float32)

    # -- queries ----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._records["position"])

    def __repr__(self) -> str:
        return f"CaseIndex(n_cases={len(self)}, n_features={self.n_features_})"

    def _vector(self, text) -> tuple[np.ndarray, np.ndarray]:
        if not isinstance(text, str):
            raise TypeError(f"CaseIndex.query: text must be a str, got {type(text).__name__}")
        if not text.strip():
            raise ValueError("CaseIndex.query: the query text is empty; pass the complaint to match")
        toks, compact = self._analyzer()(text)
        get = self._token_ids.get
        ids = np.fromiter((get(w, -1) for w in toks), dtype=np.int64, count=len(toks))
        grams = (
            _word_codes([ids], self.word_ngrams, max(len(self._token_ids), 1))[0],
            _pack_chars([compact], self.char_ngrams)[0],
        )
        parts = []
        offset = 0
        for codes, vocab, common, idf, weight in zip(
            grams, self._codes, self._common, (self.idf_word_, self.idf_char_), (self.word_weight, 1.0 - self.word_weight)
        ):
            if len(codes) and len(vocab):
                at = np.minimum(np.searchsorted(vocab, codes), len(vocab) - 1)
                hit = vocab[at] == codes
                if hit.any():
                    cols, cnt = np.unique(at[hit], return_counts=True)
                    v = (1.0 + np.log(cnt)) * idf[cols]
                    # grams never seen in the cases count in the query's norm with the largest idf;
                    # the very common grams dropped by max_df count in no norm, as in the cases
                    unseen = codes[~hit]
                    unseen = np.unique(unseen[~np.isin(unseen, common)], return_counts=True)[1]
                    norm2 = (v * v).sum() + (((1.0 + np.log(unseen)) * self._idf_max) ** 2).sum()
                    v *= math.sqrt(weight) / math.sqrt(norm2)
                    parts.append((cols + offset, v))
            offset += len(vocab)
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _scores(self, cols: np.ndarray, vals: np.ndarray) -> np.ndarray:
        starts, ends = self._indptr[cols], self._indptr[cols + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(len(self), dtype=np.float64)
        # positions of every posting of the query's features, without a Python loop
        offs = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        pos = np.arange(total) + offs
        w = np.repeat(vals, lengths) * self._data[pos]
        return np.bincount(self._indices[pos], weights=w, minlength=len(self))

    def _top(self, scores: np.ndarray, k: int, min_score: float) -> list[SimilarCase]:
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.lexsort((top, -scores[top]))]
        rec = self._records
        out = []
        for r in top.tolist():
            s = float(scores[r])
            if s <= min_score or s <= 0:
                continue
            out.append(
                SimilarCase(
                    score=min(s, 1.0),
                    id=rec["id"][r],
                    text=rec["text"][r],
                    resolution=rec["resolution"][r] if rec["resolution"] is not None else None,
                    labels={c: v[r] for c, v in rec["labels"].items()},
                    position=rec["position"][r],
                )
            )
        return out

    def query(self, text: str, k: int = 5, *, min_score: float = 0.0) -> list[SimilarCase]:
        """The ``k`` past cases most similar to ``text``, best first.

        Parameters
        ----------
        text : str
            The new complaint (raw; it is normalised like the indexed cases).
        k : int, default=5
            How many cases to return at most.
        min_score : float, default=0.0
            Return only cases scoring above this. Cases sharing no feature
            with the query (score 0) are never returned, so fewer than ``k``
            may come back.

        Returns
        -------
        list of SimilarCase

        Raises
        ------
        TypeError
            ``text`` is not a str.
        ValueError
            ``text`` is empty or whitespace, or ``k`` < 1.
        """
        if not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"CaseIndex.query: k must be a whole number >= 1, got {k!r}")
        cols, vals = self._vector(text)
        return self._top(self._scores(cols, vals), int(k), min_score)

    def query_many(self, texts: Iterable[str], k: int = 5, *, min_score: float = 0.0) -> list[list[SimilarCase]]:
        """:meth:`query` for each text; one list of cases per text."""
        if isinstance(texts, str):
            raise TypeError("CaseIndex.query_many expects an iterable of texts, not a single str; use query()")
        return [self.query(t, k, min_score=min_score) for t in texts]

    def query_frame(self, texts: Iterable[str], k: int = 5, *, min_score: float = 0.0):
        """Matches as a long DataFrame: ``query`` (position of the text), ``rank``, ``score``, ``id``, ``text``, ``resolution`` and the label columns."""
        import pandas as pd

        rows = []
        for qi, matches in enumerate(self.query_many(texts, k, min_score=min_score)):
            for rank, m in enumerate(matches, 1):
                rows.append({"query": qi, "rank": rank, "score": m.score, "id": m.id, "text": m.text,
                             "resolution": m.resolution, **m.labels})
        cols = ["query", "rank", "score", "id", "text", "resolution", *self.label_cols]
        return pd.DataFrame(rows, columns=cols)

    # -- persistence ------------------------------------------------------------------------------
    def save(self, path) -> Path:
        """Write the index to a directory (created; existing index files are replaced).

        Plain files, no pickle: ``manifest.json``, ``arrays.npz``,
        ``vocabulary.json``, ``cases.jsonl``. Load with :meth:`CaseIndex.load`.
        """
        from .._version import __version__

        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        np.savez(
            p / "arrays.npz",
            indptr=self._indptr,
            indices=self._indices,
            data=self._data,
            idf_word=self.idf_word_,
            idf_char=self.idf_char_,
            codes_word=self._codes[0],
            codes_char=self._codes[1],
            common_word=self._common[0],
            common_char=self._common[1],
        )
        (p / "vocabulary.json").write_text(json.dumps({"tokens": self._tokens}, ensure_ascii=False), encoding="utf-8")
        rec = self._records
        with open(p / "cases.jsonl", "w", encoding="utf-8") as fh:
            for r in range(len(self)):
                row = {
                    "position": rec["position"][r],
                    "id": rec["id"][r],
                    "text": rec["text"][r],
                    "resolution": rec["resolution"][r] if rec["resolution"] is not None else None,
                    "labels": {c: v[r] for c, v in rec["labels"].items()},
                }
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        manifest = {
            "format": _FORMAT,
            "protocol": PROTOCOL,
            "triage_version": __version__,
            "n_cases": len(self),
            "n_features": int(self.n_features_),
            "params": {
                "text_col": self.text_col,
                "resolution_col": self.resolution_col,
                "id_col": self.id_col,
                "label_cols": self.label_cols,
                "word_weight": self.word_weight,
                "max_df": self.max_df,
                "min_df": self.min_df,
                "word_ngrams": list(self.word_ngrams),
                "char_ngrams": list(self.char_ngrams),
            },
        }
        (p / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        return p

    @classmethod
    def load(cls, path) -> CaseIndex:
        """Read an index written by :meth:`save` (plain numpy arrays and JSON; safe to load).

        Raises
        ------
        FileNotFoundError
            No directory at ``path``.
        ModelVersionError
            The index was saved with a newer protocol than this library reads.
        ModelLoadError
            A file is missing or corrupt, or the directory is not a case index.
        """
        p = Path(path)
        if not p.is_dir():
            raise FileNotFoundError(f"CaseIndex.load: no directory at {str(p)!r}; pass the path given to save()")
        try:
            manifest = json.loads((p / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ModelLoadError(f"CaseIndex.load: {p} has no readable manifest.json; is it a saved CaseIndex?") from e
        if manifest.get("format") != _FORMAT:
            raise ModelLoadError(f"CaseIndex.load: {p} is not a case index (format {manifest.get('format')!r})")
        if manifest.get("protocol") != PROTOCOL:
            raise ModelVersionError(
                f"CaseIndex.load: {p} uses protocol {manifest.get('protocol')!r}, this version of triage reads "
                f"protocol {PROTOCOL}; rebuild the index, or upgrade triage (saved by {manifest.get('triage_version')})"
            )
        try:
            with np.load(p / "arrays.npz", allow_pickle=False) as arr:
                arrays = {k: arr[k] for k in arr.files}
            vocab = json.loads((p / "vocabulary.json").read_text(encoding="utf-8"))
            rows = [json.loads(line) for line in (p / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line]
        except (OSError, ValueError, KeyError) as e:
            raise ModelLoadError(f"CaseIndex.load: {p} is incomplete or corrupt ({e}); save the index again") from e
        params = manifest["params"]
        self = cls.__new__(cls)
        self.text_col = params["text_col"]
        self.resolution_col = params["resolution_col"]
        self.id_col = params["id_col"]
        self.label_cols = list(params["label_cols"])
        self.word_weight = float(params["word_weight"])
        self.max_df = float(params["max_df"])
        self.min_df = int(params["min_df"])
        self.word_ngrams = tuple(params["word_ngrams"])
        self.char_ngrams = tuple(params["char_ngrams"])
        self._records = {
            "position": [r["position"] for r in rows],
            "id": [r["id"] for r in rows],
            "text": [r["text"] for r in rows],
            "resolution": [r["resolution"] for r in rows] if self.resolution_col else None,
            "labels": {c: [r["labels"].get(c) for r in rows] for c in self.label_cols},
        }
        self._tokens = list(vocab["tokens"])
        self._token_ids = {w: i for i, w in enumerate(self._tokens)}
        self._codes = [arrays["codes_word"].astype(np.int64), arrays["codes_char"].astype(np.int64)]
        self._common = [arrays["common_word"].astype(np.int64), arrays["common_char"].astype(np.int64)]
        self.n_cases_ = len(rows)
        self._idf_max = math.log(1.0 + self.n_cases_) + 1.0
        self.idf_word_ = arrays["idf_word"]
        self.idf_char_ = arrays["idf_char"]
        self.n_word_ = len(self._codes[0])
        self.n_features_ = self.n_word_ + len(self._codes[1])
        self._indptr = arrays["indptr"].astype(np.int64)
        self._indices = arrays["indices"].astype(np.int32)
        self._data = arrays["data"].astype(np.float32)
        n_rows = len(self._indptr) - 1
        if n_rows != self.n_features_ or len(rows) != manifest["n_cases"] or (
            len(self._indices) and int(self._indices.max()) >= len(rows)
        ):
            raise ModelLoadError(f"CaseIndex.load: {p} is inconsistent (arrays, vocabulary and cases disagree); save it again")
        return self

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_an", None)
        return state
