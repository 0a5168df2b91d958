import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils.estimator_checks import parametrize_with_checks

from triage.models import CalibratedLinearClassifier, ThresholdedMultiLabel, fit_temperature


def _expected_failures(estimator):
    if isinstance(estimator, ThresholdedMultiLabel) and estimator.threshold == "f1":
        # by design: tuned per-label thresholds, so predict is not predict_proba >= 0.5
        return {"check_classifier_multioutput": "tuned thresholds differ from 0.5 on purpose"}
    return {}


@parametrize_with_checks(
    [
        CalibratedLinearClassifier(),
        CalibratedLinearClassifier(calibration=None),
        ThresholdedMultiLabel(),
        ThresholdedMultiLabel(threshold=0.5),
    ],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_contract(estimator, check):
    check(estimator)


def test_temperature_softens_overconfident_logits():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 600)
    logits = rng.normal(size=(600, 3))
    logits[np.arange(600), y] += 1.0
    t = fit_temperature(logits * 10, y)
    assert t > 3  # the logits were scaled up 10x: calibration scales them back


def test_calibration_keeps_argmax():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 5))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    a = CalibratedLinearClassifier().fit(X, y)
    b = CalibratedLinearClassifier(calibration=None).fit(X, y)
    assert (a.predict(X) == b.predict(X)).all()
    assert a.temperature_ != 1.0


def test_error_names_too_few_classes():
    with pytest.raises(ValueError, match="at least 2 classes"):
        CalibratedLinearClassifier().fit(np.ones((4, 2)), [1, 1, 1, 1])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=2, max_size=2))
def test_probabilities_sum_to_one(row):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 2))
    y = np.array(["a", "b", "c"])[rng.integers(0, 3, 60)]
    clf = CalibratedLinearClassifier(cv=3).fit(X, y)
    p = clf.predict_proba(np.array([row]))
    assert abs(p.sum() - 1) < 1e-9 and (p >= 0).all()


def test_multilabel_thresholds_tuned_for_rare_labels():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 4))
    Y = np.column_stack([(X[:, 0] > 1.5), (X[:, 1] > 0)]).astype(int)
    m = ThresholdedMultiLabel().fit(X, Y)
    assert m.thresholds_.shape == (2,)
    pred = m.predict(X)
    assert (pred[:, 0] == Y[:, 0]).mean() > 0.9


def test_multilabel_one_vs_rest_on_1d_target_and_rejects_continuous():
    X = np.array([[0.0], [1.0], [2.0], [3.0]] * 5)
    y = np.array(["a", "a", "b", "b"] * 5)
    m = ThresholdedMultiLabel(cv=2).fit(X, y)
    assert list(m.classes_) == ["a", "b"]
    assert np.allclose(m.predict_proba(X).sum(axis=1), 1)
    with pytest.raises(ValueError, match="Unknown label type"):
        ThresholdedMultiLabel().fit(X, np.linspace(0, 1, 20))
