"""Text → numbers: normalisation, segmentation, cue lexicons and the vectoriser."""

from ._lexicon import LEXICON, lexicon_hits
from ._normalize import PLACEHOLDERS, TextNormalizer, is_traditional, normalize, to_simplified
from ._segment import ENGINES, Segmenter, engine_version, read_user_dict
from ._vectorize import CUE_NAMES, ComplaintVectorizer

__all__ = [
    "ComplaintVectorizer",
    "CUE_NAMES",
    "ENGINES",
    "LEXICON",
    "PLACEHOLDERS",
    "Segmenter",
    "TextNormalizer",
    "engine_version",
    "is_traditional",
    "lexicon_hits",
    "normalize",
    "read_user_dict",
    "to_simplified",
]
