"""From a prediction and ticket metadata to a :class:`TicketDecision`."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime

from .._result import TriageResult
from ..labels import NONE_TYPE
from ._policy import SLA_KINDS, Policy
from ._priority import check_metadata, complexity_of, priority_and_reasons
from ._replies import find_order_id, reply_values
from ._routing import route_for
from ._ticket import Deadlines, TicketDecision

__all__ = ["decide", "compute_deadlines", "default_policy"]

_default: list[Policy] = []
_default_lock = threading.Lock()


def default_policy() -> Policy:
    """The default :class:`Policy`, built once per process (its calendar and scripts are cached on it)."""
    if not _default:
        with _default_lock:
            if not _default:
                _default.append(Policy())
    return _default[0]


def compute_deadlines(created: datetime, *, priority: str, type: str, complexity: str, policy: Policy):
    """Deadlines and the durations behind them.

    ``first_response`` and ``resolution`` count from ``created``; ``follow_up``
    counts from the resolution deadline (the planned resolution).
    """
    cal = policy.calendar
    created = cal.localize(created)
    durations = {k: policy.sla_duration(k, priority=priority, type=type, complexity=complexity)[0] for k in SLA_KINDS}
    first = cal.add(created, durations["first_response"])
    resolution = cal.add(created, durations["resolution"])
    follow = cal.add(resolution, durations["follow_up"])
    return Deadlines(first, resolution, follow), durations


def _standard_view(result: TriageResult, policy: Policy) -> TriageResult:
    """The prediction as the rules read it, for models without some standard head or with other labels.

    A retrained model may lack a head (its label is None) or use labels the
    policy does not know. The rules then read: no urgency (or an unknown one)
    as ``low``, no emotion as ``calm``, no type as ``none``, and no complaint
    head as a complaint unless the model's type is ``none``. Routing and
    replies fall back for unknown types (the ``none`` route, generic scripts).
    The decision keeps the original prediction in ``.result``.
    """
    urgency = result.urgency if result.urgency in policy.urgency_priority else "low"
    typ = result.type if result.type is not None else NONE_TYPE
    emotion = result.emotion if result.emotion is not None else "calm"
    complaint = result.is_complaint if result.is_complaint is not None else result.type != NONE_TYPE
    if "empty_text" in result.notes:  # a model without an is_complaint head still has nothing to act on
        complaint, typ = False, NONE_TYPE
    if (urgency, typ, emotion, complaint) == (result.urgency, result.type, result.emotion, result.is_complaint):
        return result
    return replace(result, urgency=urgency, type=typ, emotion=emotion, is_complaint=bool(complaint))


def decide(result: TriageResult, text: str, *, policy: Policy | None = None, **metadata) -> TicketDecision:
    """The decision for one predicted message (what :meth:`triage.TriageModel.triage` returns).

    Parameters
    ----------
    result : TriageResult
        The prediction for ``text``.
    text : str
        The message (for the reply: its script, a stable variant choice, an order number).
    policy : Policy, default=None
        ``None`` uses the default policy.
    **metadata
        ``customer_tier``, ``channel``, ``repeat_count``, ``created_at``, ``amount``,
        ``affected_users``, ``customer``, ``order_id`` (see :meth:`triage.TriageModel.triage`).

    Returns
    -------
    TicketDecision
    """
    if policy is None:
        policy = default_policy()
    elif not isinstance(policy, Policy):
        raise TypeError(f"policy: expected a triage.Policy or None, got {type(policy).__name__}")
    meta = check_metadata(policy, **metadata)
    view = _standard_view(result, policy)
    priority, reasons = priority_and_reasons(view, meta, policy)
    complexity = complexity_of(view, policy)
    created = meta["created_at"]
    deadlines, durations = compute_deadlines(
        created, priority=priority, type=view.type, complexity=complexity, policy=policy
    )
    route = route_for(view, reasons, policy)
    flags = tuple(dict.fromkeys(r.id for r in reasons)) if view.is_complaint else ()
    reply = policy.library().render(
        text,
        type=view.type,
        emotion=view.emotion,
        flags=flags,
        values=reply_values(
            customer=meta["customer"],
            order_id=meta["order_id"],
            created=created,
            deadlines=deadlines,
            durations=durations,
        ),
        order_id_from=find_order_id,
        variant=policy.traditional_variant,
    )
    public_meta = {k: meta[k] for k in ("customer_tier", "channel", "repeat_count", "amount", "affected_users")}
    return TicketDecision(
        result=result,
        priority=priority,
        reasons=reasons,
        created_at=created,
        deadlines=deadlines,
        sla={k: str(v) for k, v in durations.items()},
        complexity=complexity,
        route=route,
        reply=reply,
        metadata=public_meta,
    )
