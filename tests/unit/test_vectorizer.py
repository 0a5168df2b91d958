import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from triage.features import CUE_NAMES, ComplaintVectorizer
from triage.models import CalibratedLinearClassifier

DOCS = ["快递还没到", "客服态度差!!!", "退款一直不到账", "屏幕碎了", "发错货了", "规定不给退", "快递员态度差", "退款还没到"]


def test_refuses_bare_string():
    vec = ComplaintVectorizer(min_df=1).fit(DOCS)
    with pytest.raises(TypeError, match="iterable of documents"):
        vec.transform("快递还没到")


def test_refuses_non_text_document():
    with pytest.raises(TypeError, match="document 1 is int"):
        ComplaintVectorizer(min_df=1).fit(["快递", 3])


def test_shape_names_and_single_row_path():
    vec = ComplaintVectorizer(min_df=1).fit(DOCS)
    X = vec.transform(DOCS)
    assert X.shape == (len(DOCS), vec.n_features_out_)
    assert len(vec.get_feature_names_out()) == vec.n_features_out_
    assert list(vec.get_feature_names_out()[-len(CUE_NAMES):]) == [f"cue:{c}" for c in CUE_NAMES]
    for i, d in enumerate(DOCS):
        assert (vec.transform_one(d) != X[i]).nnz == 0
    # each TF-IDF block is l2-normalised
    word = X[:, : vec.offsets_["char"]].toarray()
    char = X[:, vec.offsets_["char"] : vec.offsets_["cue"]].toarray()
    assert np.allclose(np.linalg.norm(word, axis=1), 1.0)
    assert np.allclose(np.linalg.norm(char, axis=1), 1.0)


def test_matches_string_reference():
    # the integer-code lookup finds exactly the n-grams that the string analyser produces
    vec = ComplaintVectorizer(min_df=1).fit(DOCS)
    names = vec.get_feature_names_out()
    for d in DOCS + ["快递态度差，退款没到！！"]:
        words, chars, _ = vec.analyze(d)
        expected = {f"w:{g}" for g in words if f"w:{g}" in set(names)} | {f"c:{g}" for g in chars if f"c:{g}" in set(names)}
        row = vec.transform([d])
        got = {names[j] for j in row.indices if not names[j].startswith("cue:")}
        assert got == expected


def test_min_df_and_max_features():
    vec = ComplaintVectorizer(min_df=2, max_features=5).fit(DOCS)
    assert len(vec.vocabulary_["word"]) <= 5
    with pytest.raises(ValueError, match="min_df must be"):
        ComplaintVectorizer(min_df=0).fit(DOCS)
    with pytest.raises(ValueError, match="char_ngram_range"):
        ComplaintVectorizer(char_ngram_range=(3, 1)).fit(DOCS)


def test_pickle_round_trip_drops_tokenizer():
    vec = ComplaintVectorizer(min_df=1).fit(DOCS)
    vec.transform(DOCS[:1])
    back = pickle.loads(pickle.dumps(vec))
    assert "_seg" not in back.__dict__ and "_cut" not in str(back.__dict__)
    assert (back.transform(DOCS) != vec.transform(DOCS)).nnz == 0


def test_composes_in_pipeline_clone_and_grid_search():
    y = ["timeliness", "attitude", "timeliness", "product", "accuracy", "policy", "attitude", "timeliness"] * 3
    X = DOCS * 3
    pipe = make_pipeline(ComplaintVectorizer(min_df=1), CalibratedLinearClassifier(calibration=None))
    clone(pipe)
    search = GridSearchCV(pipe, {"calibratedlinearclassifier__C": [1.0, 4.0]}, cv=2).fit(X, y)
    assert search.best_params_["calibratedlinearclassifier__C"] in (1.0, 4.0)
    assert search.predict(["快递还没到"])[0] in set(y)
