"""triage.analytics near_duplicates, duplicate_groups and repeat_complaints."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from triage.analytics import duplicate_groups, near_duplicates, repeat_complaints
from triage.analytics._repeats import _choose_bands
from triage.exceptions import InputFormatError

# (original, variants that must join it)
PLANTED = [
    (
        "快递一个礼拜还没到，客服电话也打不通，到底什么时候能送到？",
        [
            "快递一个礼拜还没到，客服电话也打不通，到底什么时候能送到",  # punctuation dropped
            "快递一个礼拜还没到!!客服电话也打不通!!到底什么时候能送到??",  # other punctuation
            "快遞一個禮拜還沒到，客服電話也打不通，到底什麼時候能送到？",  # traditional script
            "快递一个礼拜都没到，客服电话也打不通，到底什么时候能送到？",  # one character changed
            "快递一个礼拜还没到，客服电话也打不通，到底什么时候能送到？？？😡",  # emoji and repeats
        ],
    ),
    (
        "订单号2023110512345678的退款申请提交十天了还没到账，请尽快处理",
        [
            "订单号2023110598765432的退款申请提交十天了还没到账，请尽快处理",  # another order number
            "订单号 2023110512345678 的退款申请提交十天了还没到账, 请尽快处理!",  # spacing, half-width
            "订单号２０２３１１０５１２３４５６７８的退款申请提交十天了还没到账，请尽快处理",  # full-width digits
        ],
    ),
    (
        "洗衣机用了不到三个月就开始漏水，售后上门看了一次说要换主板，到现在配件还没到，家里一堆衣服没法洗",
        [
            "洗衣机用了不到三个月就开始漏水，售后上门看了一次说要换主板，到现在配件还没到，家里一大堆衣服没法洗",  # insertion
            "洗衣机用了不到三个月就开始漏水，售后上门看了一次说要换主板，到现在配件都没到，家里一堆衣服没法洗了",  # two edits
        ],
    ),
]
DISTINCT = [
    "手机屏幕碎了要求换新",
    "骑手态度恶劣还骂人",
    "酒店房间空调不制冷，前台说没办法",
    "信用卡年费没通知就扣了",
    "快递一个礼拜还没到，能帮我查一下吗",  # shares words with the first group, but is a different text
    "退款申请被驳回了，理由是包装已拆",
]


def _planted_frame():
    texts, truth = [], []
    for g, (orig, variants) in enumerate(PLANTED):
        for t in [orig, *variants]:
            texts.append(t)
            truth.append(g)
    for i, t in enumerate(DISTINCT):
        texts.append(t)
        truth.append(100 + i)
    return texts, np.array(truth)


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return all(len(set(b[a == g])) == 1 for g in set(a)) and all(len(set(a[b == g])) == 1 for g in set(b))


@pytest.mark.parametrize("method", ["minhash", "tfidf"])
def test_planted_near_duplicates_group_and_distinct_texts_stay_apart(method):
    texts, truth = _planted_frame()
    ids = near_duplicates(texts, method=method, threshold=0.8 if method == "minhash" else 0.85)
    assert _same_partition(ids, truth), list(zip(ids, truth))


def test_ids_numbered_by_first_appearance_and_deterministic():
    texts, _ = _planted_frame()
    ids = near_duplicates(texts)
    assert ids[0] == 0
    firsts = [ids[i] for i in sorted({int(np.flatnonzero(ids == g)[0]) for g in set(ids)})]
    assert firsts == list(range(len(set(ids))))
    assert ids.dtype == np.int64
    assert _same_partition(ids, near_duplicates(list(reversed(texts)))[::-1])  # order does not change groups
    assert np.array_equal(ids, near_duplicates(texts))


def test_empty_missing_and_symbol_only_texts_are_singletons():
    ids = near_duplicates(["", None, "!!!", "", float("nan"), "屏幕碎了", "屏幕碎了!"])
    assert len(set(ids[:5].tolist())) == 5
    assert ids[5] == ids[6]
    assert near_duplicates([]).shape == (0,)
    with pytest.raises(TypeError, match="not a single str"):
        near_duplicates("屏幕碎了")
    with pytest.raises(ValueError, match="threshold"):
        near_duplicates(["a"], threshold=0)
    with pytest.raises(ValueError, match="method"):
        near_duplicates(["a"], method="simhash")


def test_threshold_controls_what_counts_as_near():
    a = "物流信息三天没有更新，客服说在查"
    b = "物流信息五天没有更新，客服说在查，也没有结果"
    assert near_duplicates([a, b], threshold=0.95)[1] == 1
    assert near_duplicates([a, b], threshold=0.5)[1] == 0


def test_banding_finds_pairs_at_threshold():
    for t in (0.5, 0.7, 0.8, 0.9):
        b, r = _choose_bands(t, 64)
        assert b * r == 64
        assert 1 - (1 - t**r) ** b >= 0.995


def test_minhash_recall_on_random_edits_of_corpus_texts():
    """Real corpus texts with one random character substituted are found (MinHash is probabilistic: bound it)."""
    from triage.datasets import load_complaints

    df = load_complaints()
    rng = np.random.default_rng(0)
    base = [t for t in df["text"] if 25 <= len(t) <= 80][:300]
    edited = []
    for t in base:
        i = int(rng.integers(5, len(t) - 5))
        edited.append(t[:i] + "哈" + t[i + 1 :])
    ids = near_duplicates(base + edited)
    found = np.mean(ids[: len(base)] == ids[len(base) :])
    assert found >= 0.97
    # and the 300 originals, which the corpus checker keeps apart, are not merged with each other
    assert len(set(ids[: len(base)].tolist())) >= 295


@pytest.mark.slow
def test_near_duplicates_scales_to_100k_texts():
    import time

    from triage.datasets import load_complaints

    texts = [t for t in load_complaints()["text"] if len(t) >= 12]
    rng = np.random.default_rng(1)
    big = [t + str(rng.choice(list("的了吗呢啊哦"))) for t in texts * 10]
    t0 = time.perf_counter()
    ids = near_duplicates(big)
    assert time.perf_counter() - t0 < 60
    # the ten copies of a text (each with one particle appended) form one group
    same = ids.reshape(10, len(texts))
    assert np.mean((same == same[0]).all(axis=0)) >= 0.99


def test_duplicate_groups_frame():
    texts, truth = _planted_frame()
    df = pd.DataFrame({"text": texts}, index=pd.RangeIndex(100, 100 + len(texts)))
    out = duplicate_groups(df)
    assert list(out.columns) == ["group", "group_size"] and out.index.equals(df.index)
    sizes = pd.Series(truth).map(pd.Series(truth).value_counts()).to_numpy()
    assert out["group_size"].tolist() == sizes.tolist()
    with pytest.raises(InputFormatError, match="text_col='body'"):
        duplicate_groups(df, text_col="body")


def test_repeat_complaints_window_and_order():
    df = pd.DataFrame(
        {
            "cust": ["A", "A", "B", "A", "A", None, "B", "A"],
            "created_at": pd.to_datetime(
                ["2024-01-01", "2024-01-05", "2024-01-05", "2024-01-31", "2024-02-01", "2024-02-01", "2024-03-20",
                 "2024-01-05"]
            ),
            "type": ["timeliness", "timeliness", "product", "policy", "timeliness", "product", "product", "timeliness"],
        },
        index=list("abcdefgh"),
    )
    out = repeat_complaints(df, customer_col="cust", window="30D")
    assert out.index.equals(df.index) and out.name == "repeat_count" and out.dtype == np.int64
    # A: 01-01 (0), 01-05 (1), 01-05 again (row h, after b: 2), 01-31 (3: 01-01 is exactly 30 days back),
    # 02-01 (3: 01-01 is now 31 days back); B: 0 and 0 (75 days apart); missing customer: 0
    assert out.to_dict() == {"a": 0, "b": 1, "c": 0, "d": 3, "e": 3, "f": 0, "g": 0, "h": 2}
    same = repeat_complaints(df, customer_col="cust", window="30D", same_col="type")
    assert same.to_dict() == {"a": 0, "b": 1, "c": 0, "d": 0, "e": 2, "f": 0, "g": 0, "h": 2}
    short = repeat_complaints(df, customer_col="cust", window="1D")
    assert short.to_dict() == {"a": 0, "b": 0, "c": 0, "d": 0, "e": 1, "f": 0, "g": 0, "h": 1}


def test_repeat_complaints_matches_brute_force():
    rng = np.random.default_rng(7)
    n = 400
    df = pd.DataFrame(
        {
            "cust": rng.integers(0, 40, n),
            "created_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D"),
        }
    )
    out = repeat_complaints(df, customer_col="cust", window="14D").to_numpy()
    t = df["created_at"].to_numpy()
    c = df["cust"].to_numpy()
    win = np.timedelta64(14, "D")
    want = [
        sum(1 for j in range(n) if c[j] == c[i] and t[i] - win <= t[j] and (t[j] < t[i] or (t[j] == t[i] and j < i)))
        for i in range(n)
    ]
    assert out.tolist() == want


def test_repeat_complaints_errors():
    df = pd.DataFrame({"cust": ["A"], "created_at": ["2024-01-01"]})
    with pytest.raises(InputFormatError, match="'customer'"):
        repeat_complaints(df, customer_col="customer")
    with pytest.raises(ValueError, match="window"):
        repeat_complaints(df, customer_col="cust", window="a month")
    assert repeat_complaints(df, customer_col="cust").tolist() == [0]
