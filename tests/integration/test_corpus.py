"""Quality gates of the bundled corpus (datasets/complaints.csv), as set by its issue."""

from collections import Counter

import pytest

from triage.datasets import load_complaints, split_of
from triage.datasets._quality import CORPUS_COLUMNS, DOMAINS, near_duplicates, row_errors, shared_prefixes
from triage.labels import EMOTIONS, MODEL_FLAGS, TYPES


@pytest.fixture(scope="module")
def corpus():
    return load_complaints()


def test_schema(corpus):
    assert tuple(corpus.columns[: len(CORPUS_COLUMNS)]) == CORPUS_COLUMNS
    bad = []
    for row in corpus.astype(str).to_dict("records"):
        errs = row_errors(row)
        if errs:
            bad.append((row["id"], errs))
    assert bad == []
    assert corpus["id"].is_unique
    assert corpus["text"].is_unique
    assert corpus["id"].str.fullmatch(r"c\d{6}").all()


def test_size_and_label_minimums(corpus):
    assert len(corpus) >= 6000
    types = Counter(corpus["type"])
    assert all(types[t] >= 600 for t in TYPES), types
    emotions = Counter(corpus["emotion"])
    assert all(emotions[e] >= 600 for e in EMOTIONS), emotions
    urg = Counter(corpus["urgency"])
    assert urg["high"] >= 700 and urg["medium"] >= 1200, urg
    flags = Counter(f for cell in corpus["flags"] for f in cell.split(";") if f)
    assert all(flags[f] >= 80 for f in MODEL_FLAGS), flags


def test_domains_scripts_and_complaint_share(corpus):
    domains = Counter(corpus["domain"])
    assert set(domains) <= set(DOMAINS)
    assert sum(n >= 150 for n in domains.values()) >= 12, domains
    share = (corpus["is_complaint"] == 0).mean()
    assert 0.08 <= share <= 0.15
    assert (corpus["script"] == "traditional").mean() >= 0.10


def test_length_profile(corpus):
    n = corpus["text"].str.len()
    assert 30 <= n.median() <= 80
    assert (n > 150).mean() >= 0.10
    assert (n < 12).mean() >= 0.05


def test_near_duplicates_and_shared_openings(corpus):
    texts = corpus["text"].tolist()
    in_pairs = {i for i, j, _ in near_duplicates(texts) for i in (i, j)}
    assert len(in_pairs) / len(texts) < 0.01
    prefixed = sum(len(ix) for ix in shared_prefixes(texts, 8).values())
    assert prefixed / len(texts) <= 0.02


def test_split_is_stable_and_roughly_stratified(corpus):
    test = load_complaints("test")
    train = load_complaints("train")
    assert len(test) + len(train) == len(corpus)
    assert set(test["id"]).isdisjoint(train["id"])
    # decided by the id alone: the same id always lands on the same side
    assert all(split_of(i) == "test" for i in test["id"].head(50))
    for col in ("type", "urgency"):
        share = corpus.groupby(col)["split"].apply(lambda s: (s == "test").mean())
        assert share.between(0.15, 0.25).all(), share
