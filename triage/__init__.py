"""triage: read Chinese customer complaints and triage them.

>>> import triage
>>> model = triage.load()
>>> model.predict_one("快递一个礼拜还没到").type
'timeliness'
"""

from __future__ import annotations

from ._extract import Entity, extract
from ._model import RESULT_COLUMNS, TriageModel
from ._pii import mask_pii
from ._result import TriageResult
from ._version import __version__
from .batch import label_file
from .exceptions import (
    InputFormatError,
    MissingDependencyError,
    ModelIntegrityError,
    ModelLoadError,
    ModelVersionError,
    TriageError,
    UntrustedModelError,
)

__all__ = [
    "Entity",
    "InputFormatError",
    "MissingDependencyError",
    "ModelIntegrityError",
    "ModelLoadError",
    "ModelVersionError",
    "Policy",
    "RESULT_COLUMNS",
    "TicketDecision",
    "TriageError",
    "TriageModel",
    "TriageResult",
    "UntrustedModelError",
    "__version__",
    "extract",
    "label_file",
    "mask_pii",
    "load",
    "train_model",
    "Trainer",
]


_SUBPACKAGES = ("analytics", "datasets", "decisions", "features", "mlops", "models", "report", "sla")


def __getattr__(name):
    # training needs scikit-learn: import it only when asked for
    if name == "train_model":
        from ._train import train_model

        return train_model
    if name == "Trainer":
        from ._trainer import Trainer

        return Trainer
    if name in ("Policy", "TicketDecision"):
        from . import decisions

        return getattr(decisions, name)
    if name in _SUBPACKAGES:  # `triage.sla.breach_risk(...)` works without importing triage.sla first
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load(path=None, *, trusted=None) -> TriageModel:
    """Load a saved model; with no path, the default model bundled in the package.

    Parameters
    ----------
    path : str or path, default=None
        A model directory written by :meth:`TriageModel.save`.
    trusted : list of str or True, default=None
        For models saved with ``format="skops"``: the types to trust (see
        :func:`triage.models.load_model`). Use skops files for models from elsewhere.

    Returns
    -------
    TriageModel

    Raises
    ------
    ModelLoadError
        Missing, corrupt (hash mismatch) or unreadable model, or a newer format version.
    """
    from .models._persist import load_model

    return load_model(path, trusted=trusted)
