"""The result of triaging one message."""

from __future__ import annotations

from dataclasses import dataclass
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
    """

    type: str
    secondary_types: tuple[str, ...]
    emotion: str
    urgency: str
    flags: tuple[str, ...]
    is_complaint: bool
    complaint_probability: float
    probabilities: dict[str, dict[str, float]]
    notes: tuple[str, ...] = ()

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
            "complaint_probability": round(self.complaint_probability, 6),
            "probabilities": {h: {k: round(v, 6) for k, v in p.items()} for h, p in self.probabilities.items()},
            "notes": list(self.notes),
        }
        return d
