"""SLA deadlines of a ticket, and whether they are at risk."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from ._decide import compute_deadlines, default_policy
from ._duration import parse_duration
from ._policy import PRIORITIES, Policy
from ._ticket import Deadlines, DeadlineStatus, TicketDecision

__all__ = ["breach_risk", "deadlines"]


def _policy(policy) -> Policy:
    if policy is None:
        return default_policy()
    if not isinstance(policy, Policy):
        raise TypeError(f"policy: expected a triage.Policy or None, got {type(policy).__name__}")
    return policy


def _moment(value, name: str, policy: Policy) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name}: expected an ISO-8601 date-time, got {value!r}") from None
    if not isinstance(value, datetime):
        raise TypeError(
            f"{name}: expected a datetime (naive = local time in {policy.timezone}), got {type(value).__name__}"
        )
    return policy.calendar.localize(value)


def deadlines(
    created_at: datetime,
    *,
    priority: str,
    type: str = "none",
    complexity: str = "ordinary",
    policy: Policy | None = None,
) -> Deadlines:
    """The SLA deadlines of a ticket created at ``created_at``.

    ``first_response`` and ``resolution`` count from ``created_at``, ``follow_up``
    from the resolution deadline. Clock durations run around the clock;
    working days follow :meth:`WorkingCalendar.add_working_days`.

    Parameters
    ----------
    created_at : datetime
        Aware (any zone) or naive (local time in the policy's zone).
    priority : {"P1", "P2", "P3"}
    type : str, default="none"
        Complaint type (for per-type SLA entries).
    complexity : {"ordinary", "complex"}, default="ordinary"
    policy : Policy, default=None

    Returns
    -------
    Deadlines
        Aware datetimes in the policy's zone.

    Examples
    --------
    >>> from datetime import datetime
    >>> d = deadlines(datetime(2026, 2, 13, 10, 0), priority="P2", type="product")
    >>> d.first_response.isoformat()   # 24 hours, around the clock
    '2026-02-14T10:00:00+08:00'
    >>> d.resolution.isoformat()       # 3 working days: Sat 14 Feb (调休), then 24 and 25 Feb after Spring Festival
    '2026-02-25T10:00:00+08:00'
    """
    policy = _policy(policy)
    if priority not in PRIORITIES:
        raise ValueError(f"priority: expected one of {list(PRIORITIES)}, got {priority!r}")
    if complexity not in ("ordinary", "complex"):
        raise ValueError(f"complexity: expected 'ordinary' or 'complex', got {complexity!r}")
    created = _moment(created_at, "created_at", policy)
    if created is None:
        raise TypeError("created_at: expected a datetime, got None")
    return compute_deadlines(created, priority=priority, type=type, complexity=complexity, policy=policy)[0]


def breach_risk(
    ticket,
    now: datetime | None = None,
    *,
    responded_at: datetime | None = None,
    resolved_at: datetime | None = None,
    followed_up_at: datetime | None = None,
    at_risk: float | None = None,
    policy: Policy | None = None,
) -> dict[str, DeadlineStatus]:
    """Which deadlines of a ticket are met, fine, at risk or missed at ``now``.

    Parameters
    ----------
    ticket : TicketDecision or mapping
        A decision, or its :meth:`~TicketDecision.to_dict` (as stored by a
        backend, ISO strings and all).
    now : datetime, default=None
        The moment to judge at (``None``: now). Naive datetimes are local time
        in the policy's zone.
    responded_at, resolved_at, followed_up_at : datetime, default=None
        When each step was done, if it was: the deadline is then ``"met"`` or
        ``"missed"`` for good. With ``resolved_at``, the follow-up deadline
        counts from the actual resolution.
    at_risk : float, default=None
        Share of a deadline's window below which an open deadline is
        ``"at_risk"``; ``None`` uses ``policy.at_risk`` (0.25).
    policy : Policy, default=None
        Needed only for its time zone and calendar (default policy if None).

    Returns
    -------
    dict of str to DeadlineStatus
        For ``first_response``, ``resolution``, ``follow_up``, in that order.
        Status ``"ok"``: open with enough time left; ``"at_risk"``: open, less
        than ``at_risk`` of the window left (the window runs from creation, or
        from the resolution for ``follow_up``); ``"missed"``: past due, done or
        not; ``"met"``: done on time.

    Examples
    --------
    >>> import triage
    >>> from datetime import datetime
    >>> t = triage.load().triage("手机充电时突然冒烟起火了！", created_at=datetime(2026, 3, 2, 9, 0))
    >>> t.priority, t.sla["first_response"]
    ('P1', '15min')
    >>> risk = breach_risk(t, now=datetime(2026, 3, 2, 9, 12))
    >>> risk["first_response"].status, risk["resolution"].status
    ('at_risk', 'ok')
    >>> breach_risk(t, now=datetime(2026, 3, 2, 9, 20))["first_response"].status
    'missed'
    """
    policy = _policy(policy)
    share = policy.at_risk if at_risk is None else at_risk
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share < 1:
        raise ValueError(f"at_risk: expected a share between 0 and 1, got {at_risk!r}")
    if isinstance(ticket, TicketDecision):
        created = ticket.created_at
        due = dict(ticket.deadlines.items())
        follow_sla = ticket.sla.get("follow_up")
    elif isinstance(ticket, Mapping):
        try:
            created = _moment(ticket["created_at"], "ticket['created_at']", policy)
            due = {
                k: _moment(ticket["deadlines"][k], f"ticket['deadlines'][{k!r}]", policy)
                for k in ("first_response", "resolution", "follow_up")
            }
        except KeyError as e:
            raise ValueError(
                f"ticket: a mapping needs 'created_at' and 'deadlines' (first_response, resolution, follow_up) as "
                f"TicketDecision.to_dict() gives; missing {e}"
            ) from None
        follow_sla = (ticket.get("sla") or {}).get("follow_up")
    else:
        raise TypeError(f"ticket: expected a TicketDecision or its to_dict(), got {type(ticket).__name__}")
    now_ = _moment(now, "now", policy) or datetime.now(policy.calendar.tz)
    done = {
        "first_response": _moment(responded_at, "responded_at", policy),
        "resolution": _moment(resolved_at, "resolved_at", policy),
        "follow_up": _moment(followed_up_at, "followed_up_at", policy),
    }
    starts = {"first_response": created, "resolution": created, "follow_up": due["resolution"]}
    if done["resolution"] is not None and follow_sla:
        starts["follow_up"] = done["resolution"]
        due["follow_up"] = policy.calendar.add(done["resolution"], parse_duration(follow_sla))
    out = {}
    for name in ("first_response", "resolution", "follow_up"):
        deadline, done_at = due[name], done[name]
        window = max(deadline - starts[name], timedelta(0))
        if done_at is not None:
            remaining = deadline - done_at
            status = "met" if remaining >= timedelta(0) else "missed"
        else:
            remaining = deadline - now_
            if remaining < timedelta(0):
                status = "missed"
            elif remaining < window * share:
                status = "at_risk"
            else:
                status = "ok"
        out[name] = DeadlineStatus(name, status, deadline, remaining, window, done_at)
    return out
