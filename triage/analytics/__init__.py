"""Analytics on labelled complaints: trends, spikes, distinguishing terms, topics, duplicates, similar cases.

Everything works on a pandas DataFrame labelled by ``triage label`` or
``model.predict_frame`` (columns ``type``, ``emotion``, ``urgency``, ``flags``
…) plus the columns of the source system (a timestamp, a customer id,
product line, channel, region).

- :func:`counts`: complaints per segment per day, week or month.
- :func:`detect_spikes`: (segment, period) counts significantly above their
  recent baseline (Poisson, negative binomial or exact conditional test with a
  multiple-testing correction).
- :func:`distinguishing_terms`: the words that set a segment apart (log-odds
  ratio with an informative Dirichlet prior).
- :func:`topics`: clusters of complaints (NMF or k-means on TF-IDF) named by
  their top terms, with representative examples.
- :func:`near_duplicates`, :func:`duplicate_groups`: near-duplicate texts
  (MinHash with LSH banding, or TF-IDF cosine).
- :func:`repeat_complaints`: earlier complaints by the same customer within a
  window, the ``repeat_count`` of the decisions layer.
- :class:`CaseIndex`: the most similar past cases of a new complaint, with
  their resolutions.

Text goes through the project's own normalisation and segmentation
(:mod:`triage.features`); nothing is imported or computed until a function is called.
"""

from ._cases import CaseIndex, SimilarCase
from ._repeats import duplicate_groups, near_duplicates, repeat_complaints
from ._spikes import SPIKE_COLUMNS, detect_spikes
from ._terms import distinguishing_terms
from ._text import STOP_WORDS, tokenize
from ._topics import topics
from ._trends import counts

__all__ = [
    "CaseIndex",
    "SPIKE_COLUMNS",
    "STOP_WORDS",
    "SimilarCase",
    "counts",
    "detect_spikes",
    "distinguishing_terms",
    "duplicate_groups",
    "near_duplicates",
    "repeat_complaints",
    "tokenize",
    "topics",
]
