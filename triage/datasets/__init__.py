"""The bundled complaint corpus (``datasets/complaints.csv``) and its fixed split."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from ._sample import DEFAULT_SPIKES, Spike, sample_tickets

__all__ = ["load_complaints", "corpus_path", "split_of", "sample_tickets", "Spike", "DEFAULT_SPIKES"]

_TEST_SHARE = 0.2


def corpus_path() -> Path:
    """Path of ``complaints.csv``: the copy inside the package, else the source tree's."""
    packaged = Path(str(resources.files("triage.datasets").joinpath("data/complaints.csv")))
    if packaged.is_file():
        return packaged
    source = Path(__file__).resolve().parents[2] / "datasets" / "complaints.csv"
    if source.is_file():
        return source
    raise FileNotFoundError(
        "the bundled corpus complaints.csv is missing: it ships in the complaint-triage package "
        "(triage/datasets/data/complaints.csv); reinstall the package, or run from a source checkout"
    )


def split_of(row_id: str) -> str:
    """``"train"`` or ``"test"`` for a row id, by a stable hash (never by row order).

    Each row goes to ``test`` with probability 0.2 independently of its labels,
    so every label is split 80/20 in expectation (the tests check each primary
    type and urgency lands 15-25 % in test) and a new row never moves an old one.

    Examples
    --------
    >>> split_of("c000001") in ("train", "test")
    True
    >>> split_of("c000001") == split_of("c000001")
    True
    """
    h = int.from_bytes(hashlib.sha256(f"triage-split:{row_id}".encode()).digest()[:8], "big")
    return "test" if (h % 10_000) < _TEST_SHARE * 10_000 else "train"


def load_complaints(split: str | None = None):
    """Load the bundled labelled corpus as a pandas DataFrame.

    Parameters
    ----------
    split : {None, "train", "test"}, default=None
        ``None`` gives every row. ``"train"``/``"test"`` give a fixed 80/20
        split decided by a stable hash of ``id``, so adding rows never moves an
        old row between splits; the ``split`` column says which side a row is on.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, text, is_complaint, type, type_secondary, emotion,
        urgency, flags, domain, channel, script, split``; empty label cells
        are empty strings.

    Examples
    --------
    >>> df = load_complaints()
    >>> set(load_complaints("train").id).isdisjoint(load_complaints("test").id)
    True
    """
    import pandas as pd

    if split not in (None, "train", "test"):
        raise ValueError(f"load_complaints: split must be None, 'train' or 'test', got {split!r}")
    df = pd.read_csv(corpus_path(), dtype=str, keep_default_na=False, encoding="utf-8")
    df["is_complaint"] = df["is_complaint"].astype(int)
    df["split"] = [split_of(i) for i in df["id"]]
    if split is not None:
        df = df[df["split"] == split].reset_index(drop=True)
    return df
