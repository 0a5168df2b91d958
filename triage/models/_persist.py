"""Saving and loading models: a directory with ``manifest.json`` and one payload file.

Layout of a model directory::

    manifest.json   format version, payload name and SHA-256, versions, labels, metrics
    model.joblib    the pickled TriageModel (format="joblib"), or
    model.skops     the same state in skops' safe format (format="skops")
    MODEL_CARD.md   a readable summary of the manifest

:func:`load_model` checks the manifest's format version (a newer format
refuses to load), the payload's SHA-256 (a truncated or tampered file fails),
and warns when the model was trained with another scikit-learn version.

Pickle-based payloads (joblib) run code when loaded: load them only from
sources you trust. For a file from elsewhere use ``format="skops"`` and
``triage.load(path, trusted=...)``, which refuses types it has not been told to trust.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from importlib import resources
from pathlib import Path
from typing import Any

from ..exceptions import (
    MissingDependencyError,
    ModelIntegrityError,
    ModelLoadError,
    ModelVersionError,
    UntrustedModelError,
)

__all__ = ["FORMAT_VERSION", "save_model", "load_model", "default_model_path", "read_manifest"]

logger = logging.getLogger(__name__)

#: Version of the model directory format written by this library.
FORMAT_VERSION = 1
_PAYLOADS = {"joblib": "model.joblib", "skops": "model.skops"}


def default_model_path() -> Path:
    """Directory of the default model shipped inside the package."""
    return Path(str(resources.files("triage.models").joinpath("default")))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check the manifest of a model directory."""
    p = Path(path)
    if not p.exists():
        raise ModelLoadError(f"no model at {str(p)!r}: the path does not exist; call triage.load() for the bundled model")
    if not p.is_dir():
        raise ModelLoadError(
            f"{str(p)!r} is a file; a triage model is a directory holding manifest.json (written by model.save(path))"
        )
    mf = p / "manifest.json"
    if not mf.is_file():
        raise ModelLoadError(f"{str(p)!r} has no manifest.json: it is not a triage model directory")
    try:
        manifest = json.loads(mf.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelLoadError(f"{str(mf)!r} is not readable JSON ({e}); the model directory is corrupt") from e
    if not isinstance(manifest, dict) or "format_version" not in manifest:
        raise ModelLoadError(f"{str(mf)!r} has no format_version: not a triage manifest")
    fv = manifest["format_version"]
    if not isinstance(fv, int) or fv > FORMAT_VERSION:
        raise ModelVersionError(
            f"model at {str(p)!r} has format version {fv!r}; this triage "
            f"reads versions up to {FORMAT_VERSION}: upgrade triage (pip install -U complaint-triage)"
        )
    if fv < 1:
        raise ModelVersionError(f"model at {str(p)!r} has unknown format version {fv!r}")
    return manifest


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    import sklearn

    from .. import __version__

    out = {"triage": __version__, "scikit-learn": sklearn.__version__}
    for pkg in ("numpy", "scipy", "jieba", "rjieba", "opencc"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def save_model(model, path: str | os.PathLike[str], *, format: str = "joblib") -> Path:
    """Write ``model`` to the directory ``path`` (created or replaced) with its manifest.

    The payload is written to a temporary file first and renamed into place,
    and the manifest is written last, so a reader never sees a manifest whose
    payload is incomplete.
    """
    if format not in _PAYLOADS:
        raise ValueError(f"save: format must be one of {sorted(_PAYLOADS)}, got {format!r}")
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True)
    payload = p / _PAYLOADS[format]
    fd, tmp = tempfile.mkstemp(dir=p, prefix=".payload-")
    os.close(fd)
    try:
        if format == "joblib":
            import joblib

            joblib.dump(model, tmp)  # uncompressed: loads several times faster, still under 20 MB
        else:
            sio = _skops()
            sio.dump(model, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, payload)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    for other in _PAYLOADS.values():
        if other != payload.name and (p / other).exists():
            (p / other).unlink()
    manifest = dict(model.manifest)
    manifest.update(
        {
            "format_version": FORMAT_VERSION,
            "payload": payload.name,
            "payload_format": format,
            "payload_sha256": _sha256(payload),
            "versions": manifest.get("versions") or _versions(),
            "labels": {k: list(v) for k, v in model.labels.items()},
            "engine": model.vectorizer.engine,
        }
    )
    model.manifest = manifest
    tmp_manifest = p / ".manifest.json.tmp"
    tmp_manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp_manifest, p / "manifest.json")
    from ._card import write_model_card

    write_model_card(manifest, p / "MODEL_CARD.md")
    return p


def _skops():
    try:
        import skops.io as sio
    except ImportError as e:
        raise MissingDependencyError(
            "the skops format needs skops: pip install 'complaint-triage[skops]' (or pip install skops)"
        ) from e
    return sio


def load_model(path: str | os.PathLike[str] | None = None, *, trusted: list[str] | bool | None = None):
    """Load a model directory written by :func:`save_model`; ``None`` loads the bundled model.

    Parameters
    ----------
    path : str or path, default=None
        The model directory.
    trusted : list of str or True, default=None
        For skops payloads only: the type names to trust. Untrusted types make
        the load fail with :class:`~triage.exceptions.UntrustedModelError`,
        which lists them. ``True`` trusts the types a triage model is made of
        (:data:`TRIAGE_TYPES`), and nothing else.
    """
    from .._model import TriageModel

    p = default_model_path() if path is None else Path(path)
    if path is None and not (p / "manifest.json").is_file():
        raise ModelLoadError(
            "the bundled default model is missing from the installed package "
            f"({str(p)!r}); reinstall complaint-triage, or train one with `triage train`"
        )
    manifest = read_manifest(p)
    payload = p / str(manifest.get("payload", ""))
    if not payload.is_file():
        raise ModelLoadError(f"model at {str(p)!r}: payload {manifest.get('payload')!r} named by manifest.json is missing")
    digest = _sha256(payload)
    if digest != manifest.get("payload_sha256"):
        raise ModelIntegrityError(
            f"model at {str(p)!r}: {payload.name} does not match the SHA-256 in manifest.json "
            "(the file is truncated, corrupt or was modified); restore it or re-save the model"
        )
    fmt = manifest.get("payload_format")
    if fmt == "joblib":
        import joblib

        try:
            model = joblib.load(payload)
        except Exception as e:  # noqa: BLE001 - any unpickling failure means a corrupt payload
            raise ModelLoadError(f"model at {str(p)!r}: cannot read {payload.name}: {e}") from e
    elif fmt == "skops":
        sio = _skops()
        found = sio.get_untrusted_types(file=payload)
        allowed = set(TRIAGE_TYPES) if trusted is True else set(trusted or [])
        missing = sorted(t for t in found if t not in allowed)
        if missing:
            raise UntrustedModelError(
                f"model at {str(p)!r} holds types you have not trusted: {missing}. Inspect them, then pass "
                "trusted=[...] with the ones you accept (trusted=True accepts exactly the types a triage model uses)"
            )
        try:
            model = sio.load(payload, trusted=sorted(found))
        except Exception as e:  # noqa: BLE001
            raise ModelLoadError(f"model at {str(p)!r}: cannot read {payload.name}: {e}") from e
    else:
        raise ModelLoadError(f"model at {str(p)!r}: unknown payload format {fmt!r}")
    if not isinstance(model, TriageModel):
        raise ModelLoadError(f"model at {str(p)!r}: payload holds a {type(model).__name__}, not a TriageModel")
    from importlib.metadata import version

    installed = version("scikit-learn")  # read from metadata: loading never imports scikit-learn
    trained = manifest.get("versions", {}).get("scikit-learn")
    if trained and trained != installed:
        warnings.warn(
            f"model at {str(p)!r} was trained with scikit-learn {trained}, this is {installed}; "
            "predictions may differ slightly: retrain with `triage train` to be sure",
            UserWarning,
            stacklevel=3,
        )
    model.manifest = manifest
    return model


#: Types a triage model is made of; ``trusted=True`` accepts these and no others.
TRIAGE_TYPES: tuple[str, ...] = (
    "triage._model.TriageModel",
    "triage._model.LinearHead",
    "triage.features._features.FrozenVectorizer",
)
