"""The decision for one ticket: the prediction plus priority, reasons, deadlines, route and reply."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .._result import TriageResult

__all__ = ["Reason", "Deadlines", "Route", "Reply", "TicketDecision", "DeadlineStatus", "iso"]


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 with the UTC offset, to the second (``2026-02-13T10:00:00+08:00``)."""
    return None if moment is None else moment.isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a ticket has its priority.

    Attributes
    ----------
    id : str
        A reason id of LABELS.md §4 (``safety``, ``vip_customer``, …).
    source : {"text", "metadata"}
        ``"text"``: a flag the model read from the message (it set the base
        priority through the urgency); ``"metadata"``: a ticket field.
    detail : str
        What triggered it, e.g. ``"customer_tier=vip"``.
    levels : int
        Priority levels this reason raised (0 for text flags, and for metadata
        reasons that could not raise: already P1, or not a complaint).
    """

    id: str
    source: str
    detail: str
    levels: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "detail": self.detail, "levels": self.levels}


@dataclass(frozen=True, slots=True)
class Deadlines:
    """SLA deadlines, aware datetimes in the policy's time zone."""

    first_response: datetime
    resolution: datetime
    follow_up: datetime

    def items(self) -> tuple[tuple[str, datetime], ...]:
        return (("first_response", self.first_response), ("resolution", self.resolution), ("follow_up", self.follow_up))

    def to_dict(self) -> dict[str, str]:
        return {k: iso(v) for k, v in self.items()}  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class Route:
    """Where a ticket goes: queue id, its display name, and the rule that chose it (``"flag:safety"``, ``"type:product"``)."""

    queue: str
    name: str
    why: str

    def to_dict(self) -> dict[str, str]:
        return {"queue": self.queue, "name": self.name, "why": self.why}


@dataclass(frozen=True, slots=True)
class Reply:
    """A suggested reply (话术).

    Attributes
    ----------
    text : str
        The reply, placeholders filled.
    script_id : str
        Id of the type × emotion script used.
    opening_id : str or None
        Id of the flag-specific opening that replaced the script's empathy line, if any.
    script : {"simplified", "traditional"}
        Script of ``text``; traditional for a message written in traditional characters.
    conversion : str or None
        The OpenCC configuration used (``"s2tw"``, ``"s2hk"``…), or None.
    """

    text: str
    script_id: str
    opening_id: str | None = None
    script: str = "simplified"
    conversion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "script_id": self.script_id,
            "opening_id": self.opening_id,
            "script": self.script,
            "conversion": self.conversion,
        }


@dataclass(frozen=True, slots=True)
class TicketDecision:
    """What to do with one ticket: the model's reading plus priority, reasons, deadlines, route and reply.

    Returned by :meth:`triage.TriageModel.triage`. The prediction is kept whole
    in :attr:`result`; its labels are also available here (``decision.type``,
    ``decision.emotion``, ``decision.urgency``, ``decision.flags``…).

    Attributes
    ----------
    result : TriageResult
        The prediction of :meth:`~triage.TriageModel.predict_one`.
    priority : {"P1", "P2", "P3"}
        P1 立即处理 (immediate), P2 优先处理 (priority), P3 常规处理 (routine).
    reasons : tuple of Reason
        Every reason that set or raised the priority: text flags first, then metadata.
    created_at : datetime
        When the ticket was created, in the policy's time zone.
    deadlines : Deadlines
        ``first_response``, ``resolution``, ``follow_up``.
    sla : mapping of str to str
        The duration behind each deadline, e.g. ``{"first_response": "15min", ...}``.
    complexity : {"complex", "ordinary"}
    route : Route
    reply : Reply
    metadata : mapping
        The validated ticket metadata (tier, channel, repeat count, amount, affected users).
    """

    result: TriageResult
    priority: str
    reasons: tuple[Reason, ...]
    created_at: datetime
    deadlines: Deadlines
    sla: Mapping[str, str]
    complexity: str
    route: Route
    reply: Reply
    metadata: Mapping[str, Any]

    # the prediction's labels, for convenience
    @property
    def type(self) -> str:
        return self.result.type

    @property
    def secondary_types(self) -> tuple[str, ...]:
        return self.result.secondary_types

    @property
    def emotion(self) -> str:
        return self.result.emotion

    @property
    def urgency(self) -> str:
        return self.result.urgency

    @property
    def flags(self) -> tuple[str, ...]:
        return self.result.flags

    @property
    def is_complaint(self) -> bool:
        return self.result.is_complaint

    @property
    def priority_name(self) -> str:
        """Chinese display name of the priority (立即处理, 优先处理, 常规处理)."""
        from ._policy import PRIORITY_NAMES

        return PRIORITY_NAMES[self.priority]

    @property
    def reason_ids(self) -> tuple[str, ...]:
        """The distinct reason ids, in order."""
        return tuple(dict.fromkeys(r.id for r in self.reasons))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the prediction's fields, then the decision (datetimes as ISO-8601 with offset).

        Examples
        --------
        >>> import json, triage
        >>> from datetime import datetime
        >>> d = triage.load().triage("屏幕碎了", created_at=datetime(2026, 2, 13, 10)).to_dict()
        >>> d["priority"], d["deadlines"]["first_response"]
        ('P3', '2026-02-14T10:00:00+08:00')
        >>> _ = json.dumps(d)
        """
        d = self.result.to_dict()
        d.update(
            {
                "priority": self.priority,
                "priority_name": self.priority_name,
                "reasons": [r.to_dict() for r in self.reasons],
                "created_at": iso(self.created_at),
                "deadlines": self.deadlines.to_dict(),
                "sla": {**dict(self.sla), "complexity": self.complexity},
                "route": self.route.to_dict(),
                "reply": self.reply.to_dict(),
                "metadata": dict(self.metadata),
            }
        )
        return d


@dataclass(frozen=True, slots=True)
class DeadlineStatus:
    """How one deadline stands at a moment (see :func:`triage.sla.breach_risk`).

    Attributes
    ----------
    name : str
        ``first_response``, ``resolution`` or ``follow_up``.
    status : {"ok", "at_risk", "missed", "met"}
        ``met``: done on time; ``missed``: done late, or not done and past due;
        ``at_risk``: open, with less than the policy's ``at_risk`` share of its window left.
    deadline : datetime
    remaining : timedelta
        Time left until the deadline at ``now`` (negative when past due); for a
        deadline already done, the margin it was done with (negative when late).
    window : timedelta
        From the start of the window (creation, or resolution for ``follow_up``) to the deadline.
    done_at : datetime or None
    """

    name: str
    status: str
    deadline: datetime
    remaining: timedelta
    window: timedelta
    done_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "deadline": iso(self.deadline),
            "remaining_seconds": round(self.remaining.total_seconds()),
            "done_at": iso(self.done_at),
        }
