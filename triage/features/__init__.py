"""Text → numbers: normalisation, segmentation, cue lexicons and the vectoriser."""

from ._lexicon import HIGH_TRIGGERS, LEXICON, high_triggers, lexicon_hits
from ._normalize import PLACEHOLDERS, TextNormalizer, is_traditional, normalize, to_simplified
from ._segment import ENGINES, Segmenter, engine_version, read_user_dict
from ._vectorize import CUE_NAMES, ComplaintVectorizer

__all__ = [
    "ComplaintVectorizer",
    "CUE_NAMES",
    "ENGINES",
    "HIGH_TRIGGERS",
    "LEXICON",
    "PLACEHOLDERS",
    "Segmenter",
    "TextNormalizer",
    "engine_version",
    "high_triggers",
    "is_traditional",
    "lexicon_hits",
    "normalize",
    "read_user_dict",
    "to_simplified",
]
