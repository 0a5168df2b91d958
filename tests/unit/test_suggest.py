"""Choosing what to label next: uncertainty sampling with diversity (issue #8)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from triage.exceptions import InputFormatError
from triage.mlops import head_outputs, suggest_labels, uncertainty


def test_uncertainty_measures_order_rows_the_same_way_on_two_classes():
    P = np.array([[0.5, 0.5], [0.6, 0.4], [0.9, 0.1], [1.0, 0.0]])
    for s in ("margin", "entropy", "least_confidence"):
        u = uncertainty(P, s)
        assert u[0] == pytest.approx(1.0) and u[-1] == pytest.approx(0.0)
        assert np.all(np.diff(u) < 0)


def test_uncertainty_rejects_unknown_strategy_and_bad_shapes():
    with pytest.raises(ValueError, match="strategy must be one of"):
        uncertainty(np.ones((2, 2)) / 2, "bald")
    with pytest.raises(ValueError, match="shape"):
        uncertainty(np.ones(3))


@pytest.fixture(scope="module")
def pool():
    from triage.datasets import load_complaints

    return load_complaints("test").sample(800, random_state=0).reset_index(drop=True)


def test_suggested_rows_are_unique_more_uncertain_than_average_and_deterministic(model, pool):
    out = suggest_labels(model, pool, n=50, id_col="id")
    assert len(out) == 50 and out["row"].is_unique and out["rank"].tolist() == list(range(1, 51))
    all_u = uncertainty(head_outputs(model, pool["text"].tolist(), ["type"])["type"].proba)
    assert out["uncertainty"].mean() > all_u.mean() + 0.2
    assert out["id"].tolist() == pool["id"].to_numpy()[out["row"]].tolist()
    # the most uncertain row of the whole pool comes first
    assert out["row"].iloc[0] == int(np.argmax(all_u))
    again = suggest_labels(model, pool, n=50, id_col="id")
    pd.testing.assert_frame_equal(out, again)


def test_diversity_does_not_spend_the_batch_on_copies(model, pool):
    # the pool's most confusing message pasted 30 times into it
    texts = pool["text"].tolist()[:300]
    confusing = texts[int(np.argmax(uncertainty(head_outputs(model, texts, ["type"])["type"].proba)))]
    texts = [confusing] * 30 + [t for t in texts if t != confusing]
    plain = suggest_labels(model, texts, n=20, diversity=False)
    diverse = suggest_labels(model, texts, n=20)
    copies = lambda out: int((out["text"] == confusing).sum())  # noqa: E731
    assert copies(plain) > 10
    assert copies(diverse) == 1
    assert "similarity to a row picked before" in diverse["reason"].iloc[1]


def test_random_strategy_is_seeded(model, pool):
    a = suggest_labels(model, pool, n=30, strategy="random", seed=1)
    b = suggest_labels(model, pool, n=30, strategy="random", seed=1)
    c = suggest_labels(model, pool, n=30, strategy="random", seed=2)
    assert a["row"].tolist() == b["row"].tolist() != c["row"].tolist()
    assert (a["reason"].str.contains("random draw")).all()


def test_several_heads_and_entropy(model, pool):
    out = suggest_labels(model, pool, n=10, heads=["type", "emotion"], strategy="entropy")
    assert {"type_pred", "emotion_pred"} <= set(out.columns)
    assert out["reason"].str.contains("emotion:").all()


def test_more_than_available_returns_everything_with_a_warning(model, caplog):
    with caplog.at_level(logging.WARNING, logger="triage.mlops._suggest"):
        out = suggest_labels(model, ["快递还没到", "", "客服态度差"], n=10)
    assert sorted(out["row"]) == [0, 2]
    assert "only 2 have text" in caplog.text


def test_bad_input_is_refused_with_the_fix(model, pool):
    with pytest.raises(TypeError, match="wrap it in a list"):
        suggest_labels(model, "快递还没到")
    with pytest.raises(ValueError, match="no head"):
        suggest_labels(model, pool, heads=["sentiment"])
    with pytest.raises(InputFormatError, match="no id column"):
        suggest_labels(model, pool, id_col="ticket")
    with pytest.raises(ValueError, match="n must be a positive int"):
        suggest_labels(model, pool, n=0)
