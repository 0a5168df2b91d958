"""Routing: from type and reasons to a queue."""

from __future__ import annotations

from collections.abc import Sequence

from .._result import TriageResult
from ._policy import Policy
from ._ticket import Reason, Route

__all__ = ["route_for"]


def route_for(result: TriageResult, reasons: Sequence[Reason], policy: Policy) -> Route:
    """The queue of a ticket.

    The first entry of ``policy.flag_routes`` (in its order) whose reason the
    ticket has wins; otherwise the type's queue (``policy.type_routes``; ``none``
    for a non-complaint). Flag routes see the text flags and, for complaints,
    the metadata reasons too; a non-complaint goes by its type.

    Examples
    --------
    >>> from triage import TriageResult
    >>> from triage.decisions import Policy, Reason
    >>> r = TriageResult("product", (), "angry", "high", ("safety",), True, 0.9, {})
    >>> route_for(r, [Reason("safety", "text", "")], Policy())
    Route(queue='risk', name='风险处置组', why='flag:safety')
    """
    if result.is_complaint:
        present = {r.id for r in reasons}
        for flag, queue in policy.flag_routes.items():
            if flag in present:
                return Route(queue, policy.queues[queue], f"flag:{flag}")
    queue = policy.type_routes.get(result.type)
    if queue is None:  # a type label of a retrained model that the policy does not route
        queue = policy.type_routes["none"]
        return Route(queue, policy.queues[queue], f"type:{result.type} (no route; the 'none' route)")
    return Route(queue, policy.queues[queue], f"type:{result.type}")
