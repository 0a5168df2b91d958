"""Estimators that learn and predict, and model persistence.

The scikit-learn heads are imported on first use; persistence is not, so
``triage.load`` never imports scikit-learn.
"""

from ._persist import FORMAT_VERSION, TRIAGE_TYPES, default_model_path, load_model, read_manifest, save_model

__all__ = [
    "CalibratedLinearClassifier",
    "FORMAT_VERSION",
    "TRIAGE_TYPES",
    "ThresholdedMultiLabel",
    "default_model_path",
    "fit_temperature",
    "load_model",
    "read_manifest",
    "save_model",
]

_LAZY = ("CalibratedLinearClassifier", "ThresholdedMultiLabel", "fit_temperature")


def __getattr__(name):
    if name in _LAZY:
        from . import _heads

        return getattr(_heads, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
