"""Shared fixtures: the bundled model, the real corpora (skipped with a message where absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def model():
    import triage

    return triage.load()


@pytest.fixture(scope="session")
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip(f"the real corpora are absent: expected them at {CORPORA} (../shared/corpora beside the project)")
    return CORPORA


@pytest.fixture(scope="session")
def small_corpus():
    """A stratified 900-row sample of the bundled corpus, for tests that train."""
    from triage.datasets import load_complaints

    df = load_complaints("train")
    parts = [g.sample(min(len(g), 150), random_state=0) for _, g in df.groupby("type")]
    import pandas as pd

    return pd.concat(parts).sort_values("id").reset_index(drop=True)
