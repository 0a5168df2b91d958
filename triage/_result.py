"""The result of triaging one message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["TriageResult"]


@dataclass(frozen=True, slots=True)
class TriageResult:
    """Labels and probabilities for one message; immutable and JSON-ready.

    Attributes
    ----------
    type : str
        Primary complaint type, or ``"none"`` when the message is not a complaint.
    secondary_types : tuple of str
        Up to two further types, most probable first.
    emotion : str
    urgency : str
    flags : tuple of str
        Urgency reasons (LABELS.md §4); empty when urgency is ``low``.
    is_complaint : bool
    complaint_probability : float
    probabilities : dict
        ``{"type": {...}, "emotion": {...}, "urgency": {...}}``, each summing to 1.
    notes : tuple of str
        Conditions of the input that make the result less reliable:
        ``"empty_text"``, ``"no_chinese"``, ``"truncated"``.
    custom : dict
        Labels of a retrained model's own heads (:class:`triage.Trainer`), e.g.
        ``{"region": "华东"}``; a multi-label head gives a tuple. Empty for the
        default model.

    Notes
    -----
    A model trained without one of the standard heads leaves its attribute
    ``None`` (``urgency``, ``emotion``, ``type``, ``is_complaint`` and
    ``complaint_probability``) or empty (``flags``, ``secondary_types``):
    nothing is invented for a head the model does not have.
    """

    type: str | None
    secondary_types: tuple[str, ...]
    emotion: str | None
    urgency: str | None
    flags: tuple[str, ...]
    is_complaint: bool | None
    complaint_probability: float | None
    probabilities: dict[str, dict[str, float]]
    notes: tuple[str, ...] = ()
    custom: dict[str, Any] = field(default_factory=dict)

    def label(self, head: str) -> Any:
        """The label of any head by name: a standard one (``"type"``, ``"secondary"``, ...) or a custom one.

        Examples
        --------
        >>> import triage
        >>> triage.load().predict_one("快递一个礼拜还没到").label("type")
        'timeliness'
        """
        if head in self.custom:
            return self.custom[head]
        if head == "secondary":
            return self.secondary_types
        if head in _STANDARD_FIELDS:
            return getattr(self, head)
        raise KeyError(f"label: no head {head!r}; this result has {[*_STANDARD_FIELDS, *self.custom]}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict; floats rounded to 6 decimals so output is stable byte for byte.

        Examples
        --------
        >>> import json, triage
        >>> r = triage.load().predict_one("快递一个礼拜还没到")
        >>> sorted(json.loads(json.dumps(r.to_dict())))[:4]
        ['complaint_probability', 'emotion', 'flags', 'is_complaint']
        """
        d: dict[str, Any] = {
            "type": self.type,
            "secondary_types": list(self.secondary_types),
            "emotion": self.emotion,
            "urgency": self.urgency,
            "flags": list(self.flags),
            "is_complaint": self.is_complaint,
            "complaint_probability": None if self.complaint_probability is None else round(self.complaint_probability, 6),
            "probabilities": {h: {k: round(v, 6) for k, v in p.items()} for h, p in self.probabilities.items()},
            "notes": list(self.notes),
        }
        if self.custom:
            # custom heads sit after the standard labels, before is_complaint
            items = list(d.items())
            at = [k for k, _ in items].index("is_complaint")
            extra = [(h, list(v) if isinstance(v, tuple) else v) for h, v in self.custom.items()]
            d = dict(items[:at] + extra + items[at:])
        return d


_STANDARD_FIELDS = ("type", "secondary_types", "emotion", "urgency", "flags", "is_complaint")
