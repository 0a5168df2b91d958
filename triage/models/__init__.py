"""Estimators that learn and predict, and model persistence."""

from ._heads import CalibratedLinearClassifier, ThresholdedMultiLabel, fit_temperature
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
