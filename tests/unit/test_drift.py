"""Drift check of a new batch against the model's reference data (issue #8)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from triage.mlops import DRIFT_THRESHOLDS, drift_report, reference_stats
from triage.mlops._drift import _ks_against_quantiles, _psi


@pytest.fixture(scope="module")
def corpus():
    from triage.datasets import load_complaints

    return load_complaints()


@pytest.fixture(scope="module")
def reference(model, corpus):
    return reference_stats(model, corpus[corpus["split"] == "test"]["text"], source="test split")


def test_reference_stats_are_json_ready_distributions(reference):
    import json

    json.dumps(reference)
    for head, shares in reference["labels"].items():
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-4), head
        q = reference["confidence"][head]["quantiles"]
        assert len(q) == 101 and q == sorted(q)
    assert 0 < reference["oov_share"] < 0.2


def test_psi_and_ks_helpers():
    assert _psi({"a": 0.5, "b": 0.5}, {"a": 0.5, "b": 0.5}) == pytest.approx(0.0)
    assert _psi({"a": 0.5, "b": 0.5}, {"a": 0.9, "b": 0.1}) > 0.25
    q = np.quantile(np.random.default_rng(0).random(5000), np.linspace(0, 1, 101)).tolist()
    d_same, p_same = _ks_against_quantiles(np.random.default_rng(1).random(500), q)
    d_low, p_low = _ks_against_quantiles(np.random.default_rng(2).random(500) * 0.5, q)
    assert d_same < 0.1 and p_same > 0.01
    assert d_low > 0.4 and p_low < 1e-6


def test_batch_from_the_training_distribution_is_no_drift(model, corpus, reference):
    batch = corpus[corpus["split"] == "train"].sample(600, random_state=0)
    rep = drift_report(model, batch, reference=reference)
    assert rep.verdict == "no drift" and not rep.retrain and rep.reasons == []
    assert all(m["psi"] < DRIFT_THRESHOLDS["label_psi_watch"] for m in rep.checks["heads"].values())


def test_batch_of_one_complaint_type_flags_a_label_shift(model, corpus, reference):
    batch = corpus[(corpus["type"] == "attitude") & (corpus["split"] == "train")].head(300)
    rep = drift_report(model, batch, reference=reference)
    assert rep.retrain and rep.verdict == "retraining due"
    assert any(r.startswith("type: predicted labels shifted") and "attitude" in r for r in rep.reasons)
    assert not any(r.startswith("vocabulary") for r in rep.reasons)  # same vocabulary, other mix


def test_english_batch_flags_the_vocabulary(model, reference):
    english = [
        "The parcel is two weeks late and nobody answers the phone.",
        "Refund refused again, the agent hung up on me.",
        "My new phone screen cracked after one day of use.",
        "I was charged twice for the same order, fix it.",
    ] * 60
    rep = drift_report(model, english, reference=reference)
    assert rep.retrain
    assert any(r.startswith("vocabulary") for r in rep.reasons)
    assert rep.checks["oov_share_new"] > 0.9
    assert any("no Chinese character" in n for n in rep.notes)
    assert "verdict: retraining due" in rep.render()


def test_small_batch_is_not_judged(model, corpus, reference):
    rep = drift_report(model, corpus["text"].head(20).tolist(), reference=reference)
    assert rep.verdict == "too few rows" and not rep.retrain


def test_default_reference_is_the_bundled_test_split_and_a_manifest_reference_wins(model, corpus, reference, tmp_path):
    batch = corpus[corpus["split"] == "train"].sample(300, random_state=1)
    rep = drift_report(model, batch)
    assert rep.reference_source.startswith("bundled corpus, test split")
    assert rep.checks["oov_share_ref"] == reference["oov_share"]
    stored = copy.copy(model)
    stored.manifest = {**model.manifest, "reference": {**reference, "source": "training rows"}}
    rep2 = drift_report(stored, batch)
    assert rep2.reference_source == "model manifest (training rows)"
    assert rep2.to_dict()["checks"] == rep.to_dict()["checks"]
    stored.save(tmp_path / "m")  # the reference travels with the saved model
    import triage

    assert drift_report(triage.load(tmp_path / "m"), batch).reference_source == "model manifest (training rows)"


def test_reference_texts_and_bad_arguments(model, corpus):
    texts = corpus["text"].head(300).tolist()
    rep = drift_report(model, texts, reference=texts)
    assert rep.verdict == "no drift" and all(m["psi"] == 0 for m in rep.checks["heads"].values())
    with pytest.raises(ValueError, match="unknown thresholds"):
        drift_report(model, texts, reference=texts, thresholds={"psi": 0.2})
    with pytest.raises(ValueError, match="version"):
        drift_report(model, texts, reference={"version": 0})
    with pytest.raises(TypeError, match="wrap it in a list"):
        drift_report(model, "快递还没到")
