"""Shared helpers of :mod:`triage.analytics`: column checks, timestamps, periods, stop words, tokens.

Tokens come from the project's own pipeline, so analytics see the words the
model sees: :func:`triage.features.normalize` (NFKC, traditional → simplified,
placeholders such as ``<MONEY>``) then :class:`triage.features.Tokenizer`
(jieba dictionary via rjieba, with the shipped domain dictionary). On top of
that, :func:`tokenize` drops placeholder tokens, punctuation, numbers, emoji
and the stop words of :data:`STOP_WORDS`, and tokenises each distinct text
once (complaint exports repeat texts a lot).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Hashable, Iterable, Sequence

import numpy as np

from ..exceptions import InputFormatError

__all__ = ["STOP_WORDS", "MULTI_LABEL_COLUMNS", "tokenize", "period_freq"]

logger = logging.getLogger(__name__)

#: Chinese function words, pronouns, particles, auxiliaries and fillers that say
#: nothing about what a complaint is about. Written for this project; applied
#: after normalisation (so simplified forms only).
STOP_WORDS: frozenset[str] = frozenset(
    """
    的 地 得 了 着 过 之 其 所 和 与 及 以及 或 或者 而 而且 并 并且 但 但是 可是 不过 然而 然后 于是 所以 因为
    因此 如果 要是 虽然 虽说 即使 就是 还是 只是 也是 都是 不是 也 都 就 又 再 还 才 很 太 非常 特别 比较 更 最 挺
    蛮 真 真是 真的 这 那 这个 那个 这些 那些 这样 那样 这种 那种 这么 那么 这里 那里 这边 那边 此 该 本 每 各
    某 怎么 怎样 怎么样 什么 为什么 为何 哪 哪里 哪儿 哪个 谁 多少 几 我 你 您 他 她 它 我们 你们 他们 她们
    它们 咱 咱们 自己 大家 人家 别人 是 在 有 被 把 给 让 叫 对 对于 关于 从 向 往 跟 同 到 于 为 为了 以 将 比 由
    吧 吗 呢 啊 呀 哦 噢 嗯 哈 啦 嘛 呐 哎 唉 诶 哈哈 呵呵 嘿嘿 嘻嘻 哇 喔 咯 滴 等 等等 一 一个 一下 一些 一点
    个 些 们 上 下 里 中 后 前 时 时候 之后 之前 以后 以前 已 已经 刚 刚刚 还有 而已 可以 能 能够 会 要 想 去 来
    说 做 弄 搞 看 让 得 着 一样 这是 那是 就是说 也就是 其实 反正 毕竟 总之 另外 此外 然 即 便 则 乃 且 亦 吧 么
    么样 啥 咋 俺 偶 滴 嗷 呗 呦 哟 着呢 一般 有点 有些 一直都 并不 没 没有 不 别 无 非
    """.split()
)

#: Columns whose cells hold several labels joined by ``;`` or ``|`` (exploded when counted).
MULTI_LABEL_COLUMNS: frozenset[str] = frozenset({"flags", "secondary_types", "type_secondary"})

_PLACEHOLDER = re.compile(r"^<[A-Z]+>$")
# a useful token has a CJK character or two ASCII letters; punctuation, digits and emoji are not words here
_WORDLIKE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[a-z]{2}")
_LABEL_SEP = re.compile(r"\s*[;|]\s*")

_FREQ_ALIASES = {
    "D": "D",
    "W": "W-SUN",
    "M": "M",
    "MS": "M",
    "ME": "M",
    "Q": "Q",
    "QS": "Q",
    "QE": "Q",
    "Y": "Y",
    "YS": "Y",
    "YE": "Y",
    "A": "Y",
    "H": "h",
}


def check_frame(df, where: str):
    """Refuse anything but a pandas DataFrame, naming the caller."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{where}: df must be a pandas DataFrame, got {type(df).__name__}")
    return df


def check_columns(df, columns: Iterable[Hashable | None], where: str, param: str) -> None:
    """Raise an :class:`InputFormatError` naming a missing column and listing the available ones."""
    for col in columns:
        if col is not None and col not in df.columns:
            avail = ", ".join(repr(c) for c in list(df.columns)[:40])
            more = f" (and {len(df.columns) - 40} more)" if len(df.columns) > 40 else ""
            raise InputFormatError(
                f"{where}: {param}={col!r} is not a column of the frame; available columns: {avail}{more}"
            )


def period_freq(freq: str) -> str:
    """The pandas period alias for ``freq`` ("D", "W", "M" or any pandas period alias).

    ``"W"`` is a week from Monday to Sunday (``"W-SUN"``), ``"M"``, ``"MS"`` and
    ``"ME"`` a calendar month; other anchored weeks (``"W-WED"``: Thursday to
    Wednesday) and ``"Q"``, ``"Y"``, ``"h"`` are accepted too.

    Examples
    --------
    >>> period_freq("W"), period_freq("MS"), period_freq("D")
    ('W-SUN', 'M', 'D')
    """
    import pandas as pd

    if not isinstance(freq, str) or not freq:
        raise ValueError(f"freq must be a pandas frequency string such as 'D', 'W' or 'M', got {freq!r}")
    alias = _FREQ_ALIASES.get(freq.upper() if len(freq) <= 2 else freq, freq)
    try:
        pd.Period("2024-01-01", freq=alias)
    except (ValueError, TypeError) as e:
        raise ValueError(
            f"freq={freq!r} is not a period frequency; use 'D' (day), 'W' (week starting Monday), "
            f"'M' (calendar month) or another pandas period alias such as 'Q', 'Y', 'h', 'W-WED'"
        ) from e
    return alias


MIXED_ZONE = "Asia/Shanghai"


def parse_datetimes(values, **kwargs):
    """``pd.to_datetime`` that also reads a column whose values carry different UTC offsets.

    pandas refuses to mix offsets in one result; such values are converted to
    :data:`MIXED_ZONE` (Asia/Shanghai) wall time, the zone of the tickets this
    library reads, and the zone is dropped.
    """
    import pandas as pd

    try:
        return pd.to_datetime(values, **kwargs)
    except ValueError as e:
        if "timezone" not in str(e).lower():
            raise
        return pd.to_datetime(values, utc=True, **kwargs).dt.tz_convert(MIXED_ZONE).dt.tz_localize(None)


def parse_timestamps(values):
    """``(parsed, missing)``: timestamps as tz-naive ``datetime64[ns]`` and the mask of missing values.

    Missing values (None, NaN, NaT, empty strings) are ``NaT`` and marked in
    ``missing``; a value that does not parse is ``NaT`` and not marked.
    Time-zone-aware timestamps keep their local wall time (the zone is dropped),
    so days follow the local calendar; mixed UTC offsets are read as
    :data:`MIXED_ZONE` wall time.
    """
    import pandas as pd

    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.astype("datetime64[ns]"), s.isna()
    text = s.astype(str).str.strip()
    missing = s.isna() | (text == "") | text.str.lower().isin(("nan", "nat", "none", "null"))
    values = s.where(~missing)
    # fast path: one format inferred from the data; values in other formats get a second, per-value parse
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format": handled below
        parsed = parse_datetimes(values, errors="coerce")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    parsed = parsed.astype("datetime64[ns]")
    retry = parsed.isna() & ~missing
    if retry.any():
        again = parse_datetimes(values[retry], errors="coerce", format="mixed")
        if isinstance(again.dtype, pd.DatetimeTZDtype):
            again = again.dt.tz_localize(None)
        parsed[retry] = again.astype("datetime64[ns]")
    return parsed, missing


def to_datetime(values, where: str, col: str, errors: str = "raise"):
    """Timestamps of a column as a tz-naive ``datetime64[ns]`` Series (see :func:`parse_timestamps`).

    Missing values stay ``NaT`` (callers drop them and log the count). A
    non-missing value that does not parse raises an :class:`InputFormatError`
    quoting examples, unless ``errors="coerce"``, which turns it into ``NaT``
    and logs how many.
    """
    import pandas as pd

    if errors not in ("raise", "coerce"):
        raise ValueError(f"{where}: errors must be 'raise' or 'coerce', got {errors!r}")
    values = values if isinstance(values, pd.Series) else pd.Series(values)
    parsed, missing = parse_timestamps(values)
    bad = parsed.isna() & ~missing
    if bad.any():
        examples = ", ".join(repr(v) for v in values[bad].head(3).tolist())
        if errors == "raise":
            raise InputFormatError(
                f"{where}: {int(bad.sum()):,} value(s) of {col!r} are not timestamps, e.g. {examples}; "
                f"fix them, or pass errors='coerce' to skip those rows"
            )
        logger.warning("%s: skipped %d row(s) whose %r is not a timestamp, e.g. %s", where, int(bad.sum()), col, examples)
    return parsed



def split_labels(value) -> list[str]:
    """Labels of one multi-label cell: ``"a;b"``, ``"a|b"``, a list or tuple; empty/missing → []."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in _LABEL_SEP.split(value.strip()) if v]
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        return [str(v) for v in value if v is not None and str(v)]
    try:
        import pandas as pd

        if pd.isna(value):
            return []
    except (TypeError, ValueError):
        pass
    return [str(value)]


def is_useful_token(token: str, stop_words: frozenset[str] | set[str], min_len: int) -> bool:
    return (
        len(token) >= min_len
        and token not in stop_words
        and not _PLACEHOLDER.match(token)
        and _WORDLIKE.search(token) is not None
    )


def tokenize(
    texts: Iterable[str],
    *,
    stop_words: Iterable[str] | None = STOP_WORDS,
    min_len: int = 1,
    tokenizer=None,
) -> list[list[str]]:
    """Normalise and segment texts into content words, one list per text.

    Parameters
    ----------
    texts : iterable of str
        Raw texts; missing or non-string values give an empty list.
    stop_words : iterable of str or None, default=STOP_WORDS
        Words to drop. ``None`` keeps them.
    min_len : int, default=1
        Drop tokens shorter than this (2 drops single characters such as 慢 or 贵,
        which often matter in complaints, so the default keeps them).
    tokenizer : triage.features.Tokenizer, optional
        The segmenter; default a new ``Tokenizer()`` (rjieba).

    Returns
    -------
    list of list of str
        Placeholders, punctuation, numbers, emoji and stop words removed.

    Examples
    --------
    >>> tokenize(["快递一个礼拜还没到，客服电话也打不通！！", "退款¥50一直不到账"])
    [['快递', '礼拜', '没到', '客服', '电话', '打', '不通'], ['退款', '一直', '不到', '账']]
    """
    from ..features import Tokenizer, normalize

    if isinstance(texts, str):
        raise TypeError("tokenize expects an iterable of texts, not a single str; wrap it in a list")
    tok = tokenizer if tokenizer is not None else Tokenizer()
    stop = frozenset(stop_words) if stop_words is not None else frozenset()
    cache: dict[str, list[str]] = {}
    useful: dict[str, bool] = {}
    out: list[list[str]] = []
    for text in texts:
        if not isinstance(text, str):
            out.append([])
            continue
        toks = cache.get(text)
        if toks is None:
            toks = []
            for t in tok.cut(normalize(text)):
                ok = useful.get(t)
                if ok is None:
                    ok = useful[t] = is_useful_token(t, stop, min_len)
                if ok:
                    toks.append(t)
            cache[text] = toks
        out.append(toks)
    return out


def doc_term_matrix(token_lists: Sequence[Sequence[str]], *, binary: bool = True, min_df: int = 1):
    """A CSR document × term count matrix and its vocabulary (sorted by term), built with numpy.

    ``binary=True`` counts each term once per document (document frequency),
    so one customer repeating a word ten times weighs as one.
    """
    import scipy.sparse as sp

    vocab: dict[str, int] = {}
    indptr = np.zeros(len(token_lists) + 1, dtype=np.int64)
    indices: list[int] = []
    for i, toks in enumerate(token_lists):
        seq = dict.fromkeys(toks) if binary else toks
        for t in seq:
            j = vocab.get(t)
            if j is None:
                j = vocab[t] = len(vocab)
            indices.append(j)
        indptr[i + 1] = len(indices)
    idx = np.asarray(indices, dtype=np.int64)
    X = sp.csr_matrix((np.ones(len(idx), dtype=np.float64), idx, indptr), shape=(len(token_lists), len(vocab)))
    X.sum_duplicates()
    terms = np.array(list(vocab), dtype=object)
    df = np.bincount(X.indices, minlength=len(vocab))
    keep = np.flatnonzero(df >= min_df)
    order = keep[np.argsort(terms[keep], kind="stable")] if len(keep) else keep
    return X[:, order].tocsr(), terms[order].tolist()


def sample_index(n: int, max_rows: int | None, seed: int) -> np.ndarray | None:
    """Sorted positions of a deterministic sample of ``max_rows`` out of ``n``, or None to keep all."""
    if max_rows is None or n <= max_rows:
        return None
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=max_rows, replace=False))
