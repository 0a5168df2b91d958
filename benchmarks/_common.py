"""Shared helpers of the benchmarks: where the real corpora are, and the plain baseline."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def corpora_or_exit(*parts: str) -> Path:
    """Path under ../shared/corpora, or exit with a message when it is absent."""
    p = CORPORA.joinpath(*parts)
    if not p.exists():
        print(f"skipped: {p} is absent (the real corpora live in ../shared/corpora beside the project)")
        sys.exit(0)
    return p


class PlainBaseline:
    """What a data scientist writes in twenty lines: jieba.lcut + TfidfVectorizer + LogisticRegression per head.

    Each head has its own vectoriser (so each segments the text again), as in the
    usual one-pipeline-per-label notebook.
    """

    def __init__(self, heads=("type", "emotion", "urgency")):
        self.heads = heads

    def fit(self, df):
        import jieba
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        jieba.setLogLevel(60)
        self.models = {}
        for h in self.heads:
            rows = df[df[h] != "none"] if h == "type" else df
            pipe = make_pipeline(TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None), LogisticRegression(max_iter=1000))
            self.models[h] = pipe.fit(rows["text"].tolist(), rows[h].tolist())
        return self

    def predict(self, texts):
        return {h: np.asarray(m.predict(texts)) for h, m in self.models.items()}
