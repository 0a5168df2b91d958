"""Label audit: confident learning on out-of-fold probabilities (issue #8)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from triage.exceptions import InputFormatError
from triage.mlops import audit_labels, find_label_issues, out_of_fold_proba


def test_find_label_issues_flags_the_confidently_other_row():
    P = np.array([[0.9, 0.1], [0.8, 0.2], [0.2, 0.8], [0.1, 0.9], [0.85, 0.15], [0.3, 0.7]])
    out = find_label_issues(["a", "a", "b", "b", "b", "b"], P, ["a", "b"])
    assert out["issue"].tolist() == [False, False, False, False, True, False]
    assert out["suggested"][4] == "a" and out["n_estimated"] == 1
    assert out["thresholds"].tolist() == pytest.approx([0.85, 0.6375])
    assert np.argmin(out["quality"]) == 4


def test_find_label_issues_rejects_unknown_labels():
    with pytest.raises(ValueError, match="not among the classes"):
        find_label_issues(["a", "z"], np.array([[0.5, 0.5], [0.5, 0.5]]), ["a", "b"])


def test_audit_with_given_probabilities_ranks_and_keeps_ids():
    df = pd.DataFrame(
        {"id": list("pqrstu"), "text": ["甲", "乙", "丙", "丁", "戊", "己"], "type": ["x", "x", "y", "y", "y", "y"]}
    )
    P = np.array([[0.9, 0.1], [0.8, 0.2], [0.2, 0.8], [0.1, 0.9], [0.85, 0.15], [0.3, 0.7]])
    out = audit_labels(df, proba=P, classes=["x", "y"], id_col="id")
    assert out[["rank", "id", "given", "suggested"]].values.tolist() == [[1, "t", "y", "x"]]
    every = audit_labels(df, proba=P, classes=["x", "y"], all_rows=True)
    assert len(every) == 6 and every["row"].iloc[0] == 4 and every["quality"].is_monotonic_increasing


def test_unlabelled_and_empty_rows_are_not_audited():
    df = pd.DataFrame({"text": ["甲", "", "丙", "丁"], "type": ["x", "x", "", "y"]})
    out = audit_labels(df, proba=np.array([[0.9, 0.1], [0.2, 0.8]]), classes=["x", "y"], all_rows=True)
    assert sorted(out["row"]) == [0, 3] and out.attrs["n_audited"] == 2


def test_errors_say_what_to_do():
    df = pd.DataFrame({"text": ["甲", "乙", "丙"], "type": ["x", "x", "y"]})
    with pytest.raises(InputFormatError, match="no label column 'urgency'"):
        audit_labels(df, label_col="urgency")
    with pytest.raises(InputFormatError, match=r"classes \['y'\] have a single row"):
        audit_labels(df)
    with pytest.raises(ValueError, match="pass classes"):
        audit_labels(df, proba=np.ones((3, 2)) / 2)


@pytest.fixture(scope="module")
def planted():
    """1,500 complaint rows of the bundled corpus with 5 % of their type labels flipped to another type."""
    from triage.datasets import load_complaints

    df = load_complaints("train")
    df = df[df["is_complaint"] == 1].sample(1500, random_state=0).reset_index(drop=True)
    rng = np.random.default_rng(0)
    flipped = rng.choice(len(df), 75, replace=False)
    types = sorted(df["type"].unique())
    df["noisy"] = df["type"]
    for i in flipped:
        df.loc[i, "noisy"] = rng.choice([t for t in types if t != df.loc[i, "type"]])
    return df, set(flipped.tolist())


def test_planted_label_flips_rise_to_the_top(planted):
    df, flipped = planted
    out = audit_labels(df, label_col="noisy", id_col="id", all_rows=True)
    top = set(out["row"].head(2 * len(flipped)))
    found = len(top & flipped) / len(flipped)
    # measured on 5 samples (seeds 0-4): 0.68, 0.79, 0.75, 0.73, 0.73 of the flips are in the top 150 of
    # 1,500 rows, where a random ranking would put 10 %. The bound leaves room for other BLAS builds.
    assert found >= 0.6
    flagged = out[out["issue"]]
    assert 0.5 * len(flipped) <= len(flagged) <= 4 * len(flipped)
    caught = flagged[flagged["row"].isin(flipped)]
    # the suggestion restores the original label for most caught flips (measured 0.80-0.87)
    original = df["type"].to_numpy()[caught["row"].to_numpy()]
    assert (caught["suggested"].to_numpy() == original).mean() >= 0.65


def test_out_of_fold_probabilities_are_distributions_and_groups_stay_together():
    base = {
        "timeliness": ["快递三天还没到", "退款等了两周还没到账", "维修一个月了还没修好"],
        "attitude": ["客服态度很差还挂电话", "前台爱理不理还翻白眼", "骑手骂人态度恶劣"],
        "policy": ["退款被拒绝说不符合规定", "拆封了就不给退货", "违约金收得太高了"],
    }
    texts = [t for lab in base for t in base[lab] for _ in range(3)]
    labels = [lab for lab in base for _t in base[lab] for _ in range(3)]
    P, classes = out_of_fold_proba(texts, labels, k=3, groups=texts)
    assert P.shape == (27, 3) and classes.tolist() == ["attitude", "policy", "timeliness"]
    assert np.allclose(P.sum(axis=1), 1.0)
    own = P[np.arange(27), [classes.tolist().index(v) for v in labels]]
    # without groups a copy of the same text in the training folds vouches for each held-out row
    P_leaky, _ = out_of_fold_proba(texts, labels, k=3)
    own_leaky = P_leaky[np.arange(27), [classes.tolist().index(v) for v in labels]]
    assert own.mean() < own_leaky.mean() - 0.1
