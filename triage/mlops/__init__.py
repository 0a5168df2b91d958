"""Looking after a model in use: compare, audit labels, choose what to label, check drift.

- :func:`compare_models`: champion against challenger on the same labelled rows,
  with a paired bootstrap confidence interval of each difference.
- :func:`audit_labels`: likely label errors in a labelled set, from
  out-of-fold probabilities (confident learning).
- :func:`suggest_labels`: the unlabelled messages worth labelling next
  (uncertainty sampling with diversity).
- :func:`drift_report`: whether a new batch still looks like the model's
  reference data, and whether retraining is due.

The command line has the same tools: ``triage compare``, ``triage audit``,
``triage suggest`` and ``triage drift``. Importing this package does no work;
scikit-learn and scipy are imported when a function needs them.
"""

from ._audit import audit_labels, find_label_issues, out_of_fold_proba
from ._common import HeadOutput, head_outputs
from ._compare import METRICS, ComparisonReport, compare_models, paired_bootstrap
from ._drift import DRIFT_THRESHOLDS, REFERENCE_VERSION, DriftReport, drift_report, reference_stats
from ._suggest import STRATEGIES, suggest_labels, uncertainty

__all__ = [
    "DRIFT_THRESHOLDS",
    "METRICS",
    "REFERENCE_VERSION",
    "STRATEGIES",
    "ComparisonReport",
    "DriftReport",
    "HeadOutput",
    "audit_labels",
    "compare_models",
    "drift_report",
    "find_label_issues",
    "head_outputs",
    "out_of_fold_proba",
    "paired_bootstrap",
    "reference_stats",
    "suggest_labels",
    "uncertainty",
]
