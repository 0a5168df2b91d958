"""SLA deadlines on the Chinese working calendar, and breach risk.

- :func:`deadlines`: the first-response, resolution and follow-up deadlines of
  a ticket (what :meth:`triage.TriageModel.triage` puts in ``decision.deadlines``);
- :func:`breach_risk`: which deadlines are met, fine, at risk or missed;
- :class:`WorkingCalendar`: mainland statutory holidays and make-up working
  days (调休) from ``chinese_calendar``, a documented fallback rule for the years
  it does not know (:class:`CalendarFallbackWarning`), your own holiday lists
  on top; time-zone aware (default ``Asia/Shanghai``).

>>> from datetime import date
>>> import triage.sla
>>> triage.sla.WorkingCalendar().is_workday(date(2025, 10, 11))   # a 调休 Saturday after National Day
True
"""

from __future__ import annotations

from .decisions._calendar import FALLBACK_FIXED_HOLIDAYS, CalendarFallbackWarning, WorkingCalendar, parse_dates
from .decisions._duration import Duration, parse_duration
from .decisions._sla import breach_risk, deadlines
from .decisions._ticket import Deadlines, DeadlineStatus

__all__ = [
    "CalendarFallbackWarning",
    "DeadlineStatus",
    "Deadlines",
    "Duration",
    "FALLBACK_FIXED_HOLIDAYS",
    "WorkingCalendar",
    "breach_risk",
    "deadlines",
    "parse_dates",
    "parse_duration",
]
