"""Decisions: from a prediction and ticket metadata to priority, SLA deadlines, a route and a reply.

:meth:`triage.TriageModel.triage` is the entry point; :class:`Policy` holds every
rule, with documented defaults, loadable from TOML or YAML. The calendar and SLA
arithmetic are public in :mod:`triage.sla`.

>>> import triage
>>> from datetime import datetime
>>> t = triage.load().triage("快递一个礼拜还没到，客服电话也打不通！！", customer_tier="vip",
...                          created_at=datetime(2026, 3, 2, 9, 0))
>>> t.priority, [r.id for r in t.reasons if r.source == "metadata"], t.route.queue
('P1', ['vip_customer'], 'logistics_ops')
"""

from ._calendar import CalendarFallbackWarning, WorkingCalendar
from ._decide import decide, default_policy
from ._duration import Duration, parse_duration
from ._policy import METADATA_REASONS, PRIORITIES, PRIORITY_NAMES, SLA_KINDS, Policy, PolicyError
from ._replies import PLACEHOLDERS, ScriptLibrary, is_traditional_text, traditional_config
from ._routing import route_for
from ._ticket import Deadlines, DeadlineStatus, Reason, Reply, Route, TicketDecision

__all__ = [
    "CalendarFallbackWarning",
    "DeadlineStatus",
    "Deadlines",
    "Duration",
    "METADATA_REASONS",
    "PLACEHOLDERS",
    "PRIORITIES",
    "PRIORITY_NAMES",
    "Policy",
    "PolicyError",
    "Reason",
    "Reply",
    "Route",
    "SLA_KINDS",
    "ScriptLibrary",
    "TicketDecision",
    "WorkingCalendar",
    "decide",
    "default_policy",
    "is_traditional_text",
    "parse_duration",
    "route_for",
    "traditional_config",
]
