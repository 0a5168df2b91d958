"""Text → numbers: normalisation, segmentation, cue lexicons and the vectoriser.

The scikit-learn estimators (:class:`ComplaintVectorizer`, :class:`Segmenter`,
:class:`TextNormalizer`) are imported on first use, so that loading and using a
saved model never imports scikit-learn.
"""

from ._features import CUE_NAMES, FeatureCore, FrozenVectorizer
from ._lexicon import HIGH_TRIGGERS, LEXICON, high_triggers, lexicon_hits
from ._normalize import PLACEHOLDERS, is_traditional, normalize, to_simplified
from ._tokenize import ENGINES, Tokenizer, engine_version, read_user_dict

__all__ = [
    "ComplaintVectorizer",
    "CUE_NAMES",
    "ENGINES",
    "FeatureCore",
    "FrozenVectorizer",
    "HIGH_TRIGGERS",
    "LEXICON",
    "PLACEHOLDERS",
    "Segmenter",
    "TextNormalizer",
    "Tokenizer",
    "engine_version",
    "high_triggers",
    "is_traditional",
    "lexicon_hits",
    "normalize",
    "read_user_dict",
    "to_simplified",
]

_LAZY = {"ComplaintVectorizer": "._vectorize", "Segmenter": "._text", "TextNormalizer": "._text"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
