"""The shipped default model is exactly what `triage train` builds from the corpus."""

import pytest

import triage
from triage._train import train_model
from triage.datasets import load_complaints


@pytest.mark.slow
def test_rebuilt_model_predicts_identically_to_the_shipped_one(model):
    rebuilt = train_model(load_complaints("train"), seed=model.manifest["seed"], source=model.manifest["training_data"]["source"])
    assert rebuilt.manifest["training_data"]["sha256"] == model.manifest["training_data"]["sha256"]
    texts = load_complaints("test")["text"].tolist()
    assert [r.to_dict() for r in rebuilt.predict(texts)] == [r.to_dict() for r in model.predict(texts)]


@pytest.mark.slow
def test_training_is_deterministic(small_corpus):
    a = train_model(small_corpus, seed=3)
    b = train_model(small_corpus, seed=3)
    texts = small_corpus["text"].head(100).tolist()
    assert [r.to_dict() for r in a.predict(texts)] == [r.to_dict() for r in b.predict(texts)]


def test_train_rejects_unknown_labels(small_corpus):
    bad = small_corpus.copy()
    bad.loc[0, "emotion"] = "furious"
    with pytest.raises(ValueError, match="furious"):
        train_model(bad)


def test_bundled_model_is_packaged():
    assert (triage.models.default_model_path() / "manifest.json").is_file()
