"""Validation of document collections passed to the text estimators."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = ["check_documents", "text_input_tags"]


def check_documents(X: Iterable[str], where: str, *, allow_none: bool = False) -> list[str]:
    """Return ``X`` as a list of str, or raise an error that names the problem.

    A bare string is refused (it would be read as a sequence of characters), as
    scikit-learn's vectorisers do.
    """
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"{where} expects an iterable of documents (a list of str), got a single "
            f"{type(X).__name__}; wrap it in a list: [text]"
        )
    if isinstance(X, np.ndarray):
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        elif X.ndim != 1:
            raise ValueError(f"{where} expects a 1-D collection of documents, got an array of shape {X.shape}")
    elif hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:
        if X.shape[1] != 1:
            raise ValueError(f"{where} expects one text column, got a frame with {X.shape[1]} columns")
        X = X.iloc[:, 0]
    try:
        docs = list(X)
    except TypeError:
        raise TypeError(f"{where} expects an iterable of documents (a list of str), got {type(X).__name__}") from None
    for i, d in enumerate(docs):
        if not isinstance(d, str):
            if allow_none and d is None:
                continue
            raise TypeError(f"{where}: document {i} is {type(d).__name__}, expected str")
    return docs


def text_input_tags(tags, *, requires_fit: bool):
    """Scikit-learn tags of an estimator whose input is a 1-D collection of texts."""
    tags.input_tags.two_d_array = False
    tags.input_tags.string = True
    tags.requires_fit = requires_fit
    return tags
