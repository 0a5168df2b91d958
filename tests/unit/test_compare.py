"""Champion/challenger comparison: the paired bootstrap and compare_models (issue #8)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from sklearn.metrics import f1_score

from triage.exceptions import InputFormatError
from triage.mlops import compare_models, paired_bootstrap


def _synthetic(n, acc_a, acc_b, seed, classes=("a", "b", "c", "d")):
    """True labels and two independent classifiers with the given accuracies."""
    rng = np.random.default_rng(seed)
    y = rng.choice(classes, n)

    def noisy(acc):
        wrong = rng.random(n) >= acc
        shift = rng.integers(1, len(classes), n)
        idx = np.array([classes.index(v) for v in y])
        return np.where(wrong, np.array(classes)[(idx + shift) % len(classes)], y)

    return y, noisy(acc_a), noisy(acc_b)


def test_known_difference_is_inside_the_interval_and_significant():
    y, a, b = _synthetic(3000, 0.70, 0.80, seed=1)
    r = paired_bootstrap(y, a, b, metric="accuracy", n_boot=1000, seed=0)
    assert r["ci_low"] < 0.10 < r["ci_high"]
    assert r["ci_low"] > 0 and r["verdict"] == "better"
    assert r["diff"] == pytest.approx((b == y).mean() - (a == y).mean(), abs=1e-6)
    swapped = paired_bootstrap(y, b, a, metric="accuracy", n_boot=1000, seed=0)
    assert swapped["verdict"] == "worse" and swapped["ci_high"] < 0


def test_interval_covers_the_population_difference_about_95_percent_of_the_time():
    # 60 independent datasets from populations whose accuracies differ by 0.05
    covered = 0
    for s in range(60):
        y, a, b = _synthetic(800, 0.70, 0.75, seed=100 + s)
        r = paired_bootstrap(y, a, b, metric="accuracy", n_boot=500, seed=s)
        covered += r["ci_low"] <= 0.05 <= r["ci_high"]
    assert covered >= 51  # 85 %: a 95 % interval that misses this often is broken (expected ~57)


def test_macro_f1_point_estimates_match_scikit_learn():
    y, a, b = _synthetic(1500, 0.6, 0.8, seed=2)
    r = paired_bootstrap(y, a, b, metric="macro_f1", n_boot=200)
    assert r["a"] == pytest.approx(f1_score(y, a, average="macro"), abs=1e-6)
    assert r["b"] == pytest.approx(f1_score(y, b, average="macro"), abs=1e-6)
    assert r["verdict"] == "better"


def test_identical_predictions_give_a_zero_interval():
    y, a, _ = _synthetic(1000, 0.7, 0.7, seed=3)
    for metric in ("accuracy", "macro_f1"):
        r = paired_bootstrap(y, a, a, metric=metric, n_boot=500)
        assert (r["diff"], r["ci_low"], r["ci_high"]) == (0.0, 0.0, 0.0)
        assert r["verdict"] == "no significant difference" and r["p_value"] == 1.0


def test_small_difference_on_few_rows_is_not_significant():
    y, a, b = _synthetic(100, 0.70, 0.72, seed=4)
    assert paired_bootstrap(y, a, b, n_boot=1000)["verdict"] == "no significant difference"


def test_same_seed_same_interval():
    y, a, b = _synthetic(500, 0.7, 0.75, seed=5)
    r1 = paired_bootstrap(y, a, b, metric="macro_f1", n_boot=300, seed=7)
    r2 = paired_bootstrap(y, a, b, metric="macro_f1", n_boot=300, seed=7)
    assert r1 == r2


@pytest.mark.parametrize(
    "kwargs, match",
    [({"metric": "f2"}, "metric must be one of"), ({"n_boot": 10}, "n_boot"), ({"level": 1.0}, "level")],
)
def test_bad_arguments_name_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        paired_bootstrap(["a", "b"], ["a", "b"], ["a", "a"], **kwargs)


def test_length_mismatch_is_refused():
    with pytest.raises(ValueError, match="differ in length"):
        paired_bootstrap(["a", "b"], ["a"], ["a", "b"])


@pytest.fixture(scope="module")
def holdout():
    from triage.datasets import load_complaints

    return load_complaints("test").sample(600, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="module")
def degraded(model):
    """The bundled model with noise added to its type weights: clearly worse at type."""
    worse = copy.deepcopy(model)
    head = worse.heads["type"]
    rng = np.random.default_rng(0)
    head.coef_ = (head.coef_ * 0.3 + rng.normal(0, 1.5, head.coef_.shape)).astype(np.float32)
    worse._compile()
    return worse


def test_model_against_itself_is_no_significant_difference(model, holdout):
    rep = compare_models(model, model, holdout, n_boot=300)
    assert rep.verdict == "no significant difference" and not rep.ship
    heads = {r["head"] for r in rep.rows}
    assert heads == {"type", "type_complaints", "emotion", "urgency", "is_complaint"}
    assert all(r["diff"] == 0 and r["ci_low"] == 0 == r["ci_high"] for r in rep.rows)


def test_degraded_challenger_is_worse_and_the_original_is_better(model, degraded, holdout):
    rep = compare_models(model, degraded, holdout, heads=["type", "emotion"], n_boot=500)
    by = {(r["head"], r["metric"]): r for r in rep.rows}
    assert by[("type", "macro_f1")]["verdict"] == "worse"
    assert by[("emotion", "macro_f1")]["verdict"] == "no significant difference"  # untouched head
    assert rep.verdict == "worse" and not rep.ship
    back = compare_models(degraded, model, holdout, heads=["type"], n_boot=500)
    assert back.verdict == "better" and back.ship
    text = back.render()
    assert "ship the challenger" in text and "type" in text
    assert back.to_dict()["rows"][0]["head"] == "type"


def test_missing_label_column_is_an_input_error(model, holdout):
    with pytest.raises(InputFormatError, match="no label column"):
        compare_models(model, model, holdout[["text"]], n_boot=200)
    with pytest.raises(InputFormatError, match="no column 'body'"):
        compare_models(model, model, holdout, text_col="body", n_boot=200)
