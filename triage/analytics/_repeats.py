"""Repeat and duplicate complaints: near-duplicate texts, and repeats by the same customer.

Near-duplicates
---------------
Each text is first reduced to a *key*: Unicode NFKC (full-width → half-width),
traditional → simplified (OpenCC, as :func:`triage.features.to_simplified`),
lower case, every run of digits → ``0`` (order, phone numbers and amounts),
then everything but letters, digits and Chinese characters removed; so
punctuation, spacing, emoji, script and different order numbers do not tell
two texts apart. (A lighter key than :func:`triage.features.normalize`, about
2.5 times faster, for the same purpose.) Texts with the same key
are exact duplicates. Distinct keys are compared by the Jaccard similarity of
their sets of character shingles (single characters and bigrams by default: on
a short Chinese text one changed character changes two bigrams but three
trigrams, and the characters keep the similarity of a 20-character complaint
with one changed character above 0.8):

``method="minhash"`` (default)
    MinHash signatures (``num_perm`` multiply-shift hash functions over the
    64-bit packed shingles, computed with numpy) and LSH banding: two keys
    whose signatures agree on a whole band become a candidate pair; the band
    width is the largest that still finds pairs at ``threshold`` with
    probability ≥ 99.5 %. Candidates are confirmed with their exact Jaccard
    similarity. Near-linear time: 100,000 texts in seconds.
``method="tfidf"``
    Cosine similarity of L2-normalised TF-IDF vectors of character 1–3-grams,
    computed block by block as a sparse matrix product; pairs at or above
    ``threshold`` are linked. Exact, but quadratic in the worst case: fine to
    some tens of thousands of texts.

Linked texts form groups by single linkage (connected components): A ~ B and
B ~ C put A, B and C in one group even if A and C are less similar.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Hashable, Iterable

import numpy as np

from ._text import check_columns, check_frame, to_datetime

__all__ = ["near_duplicates", "duplicate_groups", "repeat_complaints"]

logger = logging.getLogger(__name__)

_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_MASK64 = (1 << 64) - 1


def _keys(texts: list) -> list[str]:
    """Comparison keys: NFKC, traditional → simplified, lower case, digit runs → 0, only letters/digits/CJK."""
    from ..features import to_simplified

    out = []
    for t in texts:
        if not isinstance(t, str):
            out.append("")
            continue
        t = to_simplified(unicodedata.normalize("NFKC", t)).lower()
        out.append(_NOT_WORD.sub("", _DIGITS.sub("0", t)))
    return out


def _shingles(keys: list[str], sizes: tuple[int, ...]):
    """Packed 64-bit shingles of every key, grouped by key: (values uint64, key index, run starts).

    A shingle of k characters packs their code points (21 bits each), so
    shingles of different sizes never collide; a key shorter than k gives one
    shingle of what it has.
    """
    lengths = np.fromiter((len(s) for s in keys), dtype=np.int64, count=len(keys))
    codes = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    all_packed, all_owner = [], []
    for k in sizes:
        n_sh = np.maximum(lengths - k + 1, 1)
        owner = np.repeat(np.arange(len(keys)), n_sh)
        first = np.concatenate([[0], np.cumsum(n_sh)[:-1]])
        pos = np.arange(int(n_sh.sum())) - np.repeat(first, n_sh) + offsets[owner]
        end = offsets[owner + 1]
        packed = np.zeros(len(pos), dtype=np.uint64)
        for j in range(k):
            idx = pos + j
            c = codes[np.minimum(idx, max(len(codes) - 1, 0))] if len(codes) else np.zeros(len(pos), np.uint64)
            packed = (packed << np.uint64(21)) | np.where(idx < end, c, np.uint64(0))
        all_packed.append(packed)
        all_owner.append(owner)
    owner = np.concatenate(all_owner)
    order = np.argsort(owner, kind="stable")
    owner = owner[order]
    starts = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=len(keys)))[:-1]])
    return np.concatenate(all_packed)[order], owner, starts


def _choose_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows): the widest band that finds a pair at ``threshold`` with probability >= 0.995."""
    best = (num_perm, 1)
    for r in range(1, num_perm + 1):
        if num_perm % r:
            continue
        b = num_perm // r
        if 1 - (1 - threshold**r) ** b >= 0.995:
            best = (b, r)
    return best


def _minhash_pairs(packed, owner, starts, n_keys: int, threshold: float, num_perm: int, seed: int):
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    # mix the packed shingle once (splitmix64 finaliser) so that multiply-shift sees well-spread input
    x = packed.copy()
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    sig = np.empty((n_keys, num_perm), dtype=np.uint32)
    shift = np.uint64(32)
    for j in range(num_perm):
        h = ((x * a[j] + b[j]) >> shift).astype(np.uint32)
        sig[:, j] = np.minimum.reduceat(h, starts)
    bands, rows = _choose_bands(threshold, num_perm)
    mult = rng.integers(1, 2**63, size=rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    pairs = []
    window = 8
    for bnd in range(bands):
        block = sig[:, bnd * rows : (bnd + 1) * rows].astype(np.uint64)
        key = (block * mult).sum(axis=1, dtype=np.uint64) ^ np.uint64(bnd)
        order = np.argsort(key, kind="stable")
        skey = key[order]
        # each key is paired with up to `window` followers in its bucket
        for w in range(1, window + 1):
            same = skey[w:] == skey[:-w]
            if not same.any():
                break
            i = order[:-w][same]
            j = order[w:][same]
            pairs.append(np.column_stack([np.minimum(i, j), np.maximum(i, j)]))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    cand = np.unique(np.concatenate(pairs), axis=0)
    logger.debug("near_duplicates: %d bands x %d rows, %d candidate pairs", bands, rows, len(cand))
    return cand


def _jaccard(cand, packed, owner, starts, n_keys):
    """Exact Jaccard similarity of the shingle sets of each candidate pair."""
    ends = np.append(starts[1:], len(packed))
    sets: dict[int, frozenset] = {}
    out = np.empty(len(cand), dtype=np.float64)
    for r, (i, j) in enumerate(cand.tolist()):
        si = sets.get(i)
        if si is None:
            si = sets[i] = frozenset(packed[starts[i] : ends[i]].tolist())
        sj = sets.get(j)
        if sj is None:
            sj = sets[j] = frozenset(packed[starts[j] : ends[j]].tolist())
        inter = len(si & sj)
        out[r] = inter / (len(si) + len(sj) - inter)
    return out


def _tfidf_pairs(keys: list[str], threshold: float, block: int = 2000):
    from sklearn.feature_extraction.text import TfidfVectorizer

    X = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32).fit_transform(keys)
    XT = X.T.tocsr()
    pairs = []
    for lo in range(0, X.shape[0], block):
        S = (X[lo : lo + block] @ XT).tocoo()
        keep = (S.data >= threshold) & (S.row + lo < S.col)
        pairs.append(np.column_stack([S.row[keep] + lo, S.col[keep]]))
    return np.concatenate(pairs) if pairs else np.zeros((0, 2), dtype=np.int64)


def near_duplicates(
    texts: Iterable[str],
    *,
    threshold: float = 0.8,
    method: str = "minhash",
    shingle: tuple[int, int] = (1, 2),
    num_perm: int = 64,
    seed: int = 0,
) -> np.ndarray:
    """Group near-duplicate texts: one group id per text.

    How texts are compared is in the module docstring
    (:mod:`triage.analytics._repeats`): normalised keys without punctuation,
    Jaccard similarity of character shingles (MinHash + LSH) or TF-IDF cosine,
    groups by single linkage.

    Parameters
    ----------
    texts : iterable of str
        The texts (a list, array or Series; not a bare str). Missing or empty
        texts, and texts with no letter, digit or Chinese character, are each
        their own group.
    threshold : float, default=0.8
        Smallest similarity (Jaccard for ``minhash``, cosine for ``tfidf``) at
        which two texts are near-duplicates.
    method : {"minhash", "tfidf"}, default="minhash"
        See the module docstring.
    shingle : (int, int) or int, default=(1, 2)
        Shingle sizes in characters (``minhash``), within 1..3: by default
        characters and character bigrams, so that on a 20-character complaint
        one changed character still leaves a similarity above 0.8.
    num_perm : int, default=64
        MinHash functions (``minhash``); more finds borderline pairs more reliably, slower.
    seed : int, default=0
        Seed of the hash functions; results are deterministic for a seed.

    Returns
    -------
    numpy.ndarray of int64
        ``ids[i]`` is the group of ``texts[i]``; groups are numbered 0, 1, 2, …
        in order of first appearance, so the same id means the same group.

    Examples
    --------
    >>> near_duplicates([
    ...     "快递一个礼拜还没到，客服电话也打不通！",
    ...     "快递一个礼拜还没到 客服电话也打不通",      # punctuation
    ...     "快遞一個禮拜還沒到，客服電話也打不通！！",  # traditional script
    ...     "快递一个礼拜都没到，客服电话也打不通！",    # one character changed
    ...     "屏幕碎了要求换货",
    ... ]).tolist()
    [0, 0, 0, 0, 1]
    """
    import pandas as pd
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    if isinstance(texts, str):
        raise TypeError("near_duplicates expects an iterable of texts, not a single str; wrap it in a list")
    if hasattr(texts, "columns"):  # iterating a DataFrame yields its column names
        raise TypeError("near_duplicates expects texts, not a DataFrame: pass one column (df['text']) or use duplicate_groups(df)")
    if method not in ("minhash", "tfidf"):
        raise ValueError(f"near_duplicates: method must be 'minhash' or 'tfidf', got {method!r}")
    if not 0 < threshold <= 1:
        raise ValueError(f"near_duplicates: threshold must be in (0, 1], got {threshold!r}")
    if isinstance(shingle, (int, np.integer)):
        shingle = (int(shingle), int(shingle))
    if len(shingle) != 2 or not 1 <= shingle[0] <= shingle[1] <= 3:
        raise ValueError(f"near_duplicates: shingle must be (min, max) characters within 1..3, got {shingle!r}")
    if not isinstance(num_perm, (int, np.integer)) or num_perm < 8:
        raise ValueError(f"near_duplicates: num_perm must be a whole number >= 8, got {num_perm!r}")
    texts = list(texts)
    n = len(texts)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    # identical raw texts are normalised once
    raw_codes, raw_uniques = pd.factorize(pd.Series(texts, dtype=object), use_na_sentinel=True)
    raw_keys = _keys(list(raw_uniques))
    key_codes, keys = pd.factorize(pd.Series(raw_keys, dtype=object))
    keys = list(keys)
    row_key = np.where(raw_codes >= 0, key_codes[np.maximum(raw_codes, 0)], -1)
    empty = np.array([k == "" for k in keys], dtype=bool)
    n_keys = len(keys)
    if n_keys > 1:
        if method == "minhash":
            packed, owner, starts = _shingles(keys, tuple(range(shingle[0], shingle[1] + 1)))
            cand = _minhash_pairs(packed, owner, starts, n_keys, threshold, num_perm, seed)
            if len(cand):
                sim = _jaccard(cand, packed, owner, starts, n_keys)
                cand = cand[sim >= threshold - 1e-12]
        else:
            cand = _tfidf_pairs(keys, threshold)
        cand = cand[~(empty[cand[:, 0]] | empty[cand[:, 1]])] if len(cand) else cand
        graph = sp.coo_matrix((np.ones(len(cand)), (cand[:, 0], cand[:, 1])), shape=(n_keys, n_keys))
        _, comp = connected_components(graph, directed=False)
    else:
        comp = np.zeros(n_keys, dtype=np.int64)
    # rows -> components; empty and missing texts are singletons
    row_comp = np.where(row_key >= 0, comp[np.maximum(row_key, 0)], -1)
    lonely = (row_key < 0) | empty[np.maximum(row_key, 0)]
    row_comp = np.where(lonely, comp.max(initial=-1) + 1 + np.arange(n), row_comp)
    ids, _ = pd.factorize(row_comp)  # numbered in order of first appearance
    return ids.astype(np.int64)


def duplicate_groups(
    df,
    *,
    text_col: str = "text",
    threshold: float = 0.8,
    method: str = "minhash",
    **kwargs,
):
    """Near-duplicate groups of a frame's texts, aligned with its index.

    Parameters
    ----------
    df : pandas.DataFrame
        Frame with a text column.
    text_col : str, default="text"
        The text column.
    threshold, method, **kwargs
        As in :func:`near_duplicates`.

    Returns
    -------
    pandas.DataFrame
        Same index as ``df``; columns ``group`` (int, same id = same group) and
        ``group_size`` (rows in that group; 1 for a text with no near-duplicate).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["退款三天没到账!!", "退款三天没到账", "屏幕碎了"]})
    >>> duplicate_groups(df)
       group  group_size
    0      0           2
    1      0           2
    2      1           1
    """
    import pandas as pd

    check_frame(df, "duplicate_groups")
    check_columns(df, [text_col], "duplicate_groups", "text_col")
    ids = near_duplicates(df[text_col].tolist(), threshold=threshold, method=method, **kwargs)
    sizes = np.bincount(ids, minlength=ids.max(initial=-1) + 1)[ids] if len(ids) else ids
    return pd.DataFrame({"group": ids, "group_size": sizes.astype(np.int64)}, index=df.index)


def repeat_complaints(
    df,
    *,
    customer_col: str,
    time_col: str = "created_at",
    window: str | object = "30D",
    same_col: Hashable | None = None,
    errors: str = "raise",
):
    """How many earlier complaints the same customer made within a time window.

    For each row, the number of other rows with the same ``customer_col``
    (and the same ``same_col`` value, when given) whose timestamp lies in
    ``[t - window, t]``, where ``t`` is the row's timestamp, counting only
    those earlier in time (rows with the very same timestamp count if they come
    first in the frame). So the first complaint of a customer has 0, the second
    within the window 1, and so on.

    This is the ``repeat_count`` of the decisions layer: pass it per row,
    ``model.triage(text, repeat_count=int(n))``, or as a column, to raise the
    urgency of a customer who keeps coming back
    (``df["repeat_count"] = repeat_complaints(df, customer_col="customer_id")``).
    Near-duplicate groups (:func:`duplicate_groups`) are the text-side
    counterpart when no customer id is available.

    Parameters
    ----------
    df : pandas.DataFrame
        Frame with a customer id column and a timestamp column.
    customer_col : str
        The customer id column. Rows with a missing id get 0 (they cannot be linked).
    time_col : str, default="created_at"
        The timestamp column. Rows with a missing timestamp get 0 and are not
        counted for others.
    window : str or pandas.Timedelta, default="30D"
        How far back to look (``"30D"``, ``"7D"``, ``"12h"``, a ``Timedelta``).
    same_col : str, optional
        Count only earlier complaints with the same value in this column (e.g. ``"type"``).
    errors : {"raise", "coerce"}, default="raise"
        Unparseable timestamps: raise, or treat as missing.

    Returns
    -------
    pandas.Series of int64
        Aligned with ``df.index``, named ``repeat_count``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "customer_id": ["A", "B", "A", "A", "A"],
    ...     "created_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-10", "2024-01-20", "2024-03-01"]),
    ...     "type": ["timeliness", "product", "timeliness", "attitude", "timeliness"],
    ... })
    >>> repeat_complaints(df, customer_col="customer_id").tolist()
    [0, 0, 1, 2, 0]
    >>> repeat_complaints(df, customer_col="customer_id", same_col="type").tolist()
    [0, 0, 1, 0, 0]
    """
    import pandas as pd

    where = "repeat_complaints"
    check_frame(df, where)
    check_columns(df, [customer_col, time_col, same_col], where, "customer_col/time_col/same_col")
    try:
        win = pd.Timedelta(window)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{where}: window must be a duration such as '30D' or '12h', got {window!r}") from e
    if win < pd.Timedelta(0) or pd.isna(win):
        raise ValueError(f"{where}: window must be a positive duration, got {window!r}")
    n = len(df)
    ts = to_datetime(df[time_col], where, time_col, errors=errors)
    cols = [customer_col] if same_col is None else [customer_col, same_col]
    if len(cols) == 1:
        cust, _ = pd.factorize(df[customer_col], use_na_sentinel=True)
    else:
        miss = df[cols].isna().any(axis=1).to_numpy()
        cust, _ = pd.MultiIndex.from_frame(df[cols].astype(object)).factorize()
        cust = np.where(miss, -1, cust)
    t = ts.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    valid = (cust >= 0) & ~np.isnat(ts.to_numpy(dtype="datetime64[ns]"))
    out = np.zeros(n, dtype=np.int64)
    idx = np.flatnonzero(valid)
    if len(idx):
        c, tv = cust[idx], t[idx]
        # sort by customer, then time, then row order; dense time ranks keep composite keys in int64
        order = np.lexsort((idx, tv, c))
        c_s, t_s = c[order], tv[order]
        uniq_t = np.unique(t_s)
        rank = np.searchsorted(uniq_t, t_s)
        rank_lo = np.searchsorted(uniq_t, t_s - win.value, side="left")
        span = len(uniq_t) + 1
        key = c_s * span + rank
        first = np.searchsorted(key, c_s * span + rank_lo, side="left")
        out[idx[order]] = np.arange(len(order)) - first
    return pd.Series(out, index=df.index, name="repeat_count")
