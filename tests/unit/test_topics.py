"""triage.analytics.topics: planted themes are recovered, named and exemplified; reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from triage.analytics import topics
from triage.exceptions import InputFormatError

THEMES = {
    "delivery": ["快递", "物流", "派送", "包裹", "驿站", "签收"],
    "screen": ["屏幕", "花屏", "碎屏", "显示屏", "触屏", "黑屏"],
    "refund": ["退款", "到账", "银行卡", "原路", "审核", "账户"],
}
FILLER = ["今天", "昨天", "真的", "还是", "已经", "上周", "现在", "一直"]


def planted(n_per_theme: int = 60, seed: int = 0) -> pd.DataFrame:
    """Texts mixing 3 words of one theme with filler words; the theme is the truth."""
    rng = np.random.default_rng(seed)
    rows = []
    for theme, words in THEMES.items():
        for _ in range(n_per_theme):
            parts = list(rng.choice(words, 3, replace=False)) + list(rng.choice(FILLER, 2, replace=False))
            rng.shuffle(parts)
            rows.append({"text": "，".join(parts), "theme": theme})
    return pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.mark.parametrize("method", ["nmf", "kmeans"])
def test_planted_themes_are_recovered(method):
    df = planted()
    out = topics(df, n_topics=3, top_terms=5, n_examples=4, method=method)
    assert list(out.columns) == ["segment", "topic", "size", "share", "terms", "label", "examples"]
    assert len(out) == 3 and out["topic"].tolist() == [0, 1, 2]
    assert out["size"].is_monotonic_decreasing and out["share"].sum() == pytest.approx(1.0)
    named = set()
    for _, row in out.iterrows():
        # each topic is named by words of one theme, and its examples come from that theme
        theme = max(THEMES, key=lambda t: len(set(row["terms"]) & set(THEMES[t])))
        assert len(set(row["terms"][:3]) & set(THEMES[theme])) == 3
        truth = df.set_index("text")["theme"]
        assert all(truth[e] == theme for e in row["examples"])
        assert len(row["examples"]) == 4 and len(set(row["examples"])) == 4
        assert row["label"] == " / ".join(row["terms"][:3])
        assert row["size"] == pytest.approx(60, abs=6)
        named.add(theme)
    assert named == set(THEMES)


def test_reproducible_with_seed_and_sampled_deterministically():
    df = planted(200)
    a = topics(df, n_topics=3, seed=3, max_docs=300)
    b = topics(df, n_topics=3, seed=3, max_docs=300)
    pd.testing.assert_frame_equal(a, b)
    assert a["size"].sum() == 300


def test_within_segments_on_the_corpus():
    from triage.datasets import load_complaints

    df = load_complaints()
    out = topics(df, by="type", n_topics=4, segments=["policy", "attitude"], max_docs=1500)
    assert set(out["segment"]) == {"policy", "attitude"}
    assert out.groupby("segment")["topic"].apply(list).map(sorted).tolist() == [[0, 1, 2, 3]] * 2
    assert out["size"].sum() <= 1500  # max_docs bounds the texts clustered over all segments
    for seg, g in out.groupby("segment"):
        assert g["share"].sum() == pytest.approx(1.0)
        for examples in g["examples"]:
            assert set(examples) <= set(df.loc[df["type"] == seg, "text"])
    terms = {t for ts in out["terms"] for t in ts}
    assert {"积分", "规则"} & terms and {"态度", "骑手", "客服"} & terms
    assert all(len(t) >= 2 for t in terms)  # min_len=2 by default


def test_small_segments_are_skipped_and_topics_capped():
    df = pd.concat([planted(10).assign(seg="small"), planted(40).assign(seg="big")], ignore_index=True)
    out = topics(df, by="seg", n_topics=10, min_docs=50)
    assert set(out["segment"]) == {"big"}
    # 120 texts with min_docs=50: at most 120 // 25 = 4 topics
    assert len(out) <= 4


def test_errors():
    df = planted(10)
    with pytest.raises(InputFormatError, match="text_col='body'"):
        topics(df, text_col="body")
    with pytest.raises(InputFormatError, match="by='product'"):
        topics(df, by="product")
    with pytest.raises(ValueError, match="method"):
        topics(df, method="lda")
    with pytest.raises(ValueError, match="n_topics"):
        topics(df, n_topics=0)
    assert topics(df.iloc[:0]).empty
