"""Exceptions raised by triage.

Each subclasses the builtin that fits, so callers can catch either.
"""

from __future__ import annotations

__all__ = [
    "TriageError",
    "ModelLoadError",
    "ModelIntegrityError",
    "ModelVersionError",
    "UntrustedModelError",
    "MissingDependencyError",
    "InputFormatError",
]


class TriageError(Exception):
    """Base class of the errors that triage raises itself."""


class ModelLoadError(TriageError, ValueError):
    """A model file or directory is missing, unreadable or not a triage model."""


class ModelIntegrityError(ModelLoadError):
    """A model payload does not match the SHA-256 recorded in its manifest."""


class ModelVersionError(ModelLoadError):
    """A model was saved in a format version this library cannot read."""


class UntrustedModelError(ModelLoadError):
    """A skops model file holds types the caller has not trusted."""


class MissingDependencyError(TriageError, ImportError):
    """An optional dependency is not installed; the message has the pip line."""


class InputFormatError(TriageError, ValueError):
    """An input file or frame cannot be read as asked (column, encoding, delimiter)."""
