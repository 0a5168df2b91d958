"""Ticket metadata validation and the priority rule (base from the text, raised by metadata)."""

from __future__ import annotations

import math
import numbers
from datetime import datetime
from decimal import Decimal
from typing import Any

from .._result import TriageResult
from ._policy import PRIORITIES, Policy
from ._ticket import Reason

__all__ = ["check_metadata", "priority_and_reasons", "complexity_of"]


def _count(value, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected a whole number >= 0 or None, got {type(value).__name__} {value!r}")
    if value < 0:
        raise ValueError(f"{name}: expected a whole number >= 0, got {value!r}")
    return int(value)


def check_metadata(
    policy: Policy,
    *,
    customer_tier=None,
    channel=None,
    repeat_count=0,
    created_at=None,
    amount=None,
    affected_users=None,
    customer=None,
    order_id=None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Validate and normalise ticket metadata; errors name the parameter, what is allowed and what was received.

    ``created_at``: an aware datetime in any zone (converted to the policy's
    zone), a naive one (read as local time in the policy's zone), an ISO-8601
    string (either kind), or ``None`` for now.
    """
    out: dict[str, Any] = {}
    if customer_tier is not None:
        if not isinstance(customer_tier, str):
            raise TypeError(f"customer_tier: expected a str or None, got {type(customer_tier).__name__}")
        tier = customer_tier.strip().lower()
        if tier not in policy.customer_tiers:
            raise ValueError(
                f"customer_tier: expected one of {list(policy.customer_tiers)} (Policy.customer_tiers), got {customer_tier!r}"
            )
        customer_tier = tier
    out["customer_tier"] = customer_tier
    if channel is not None:
        if not isinstance(channel, str):
            raise TypeError(
                f"channel: expected a str such as 'phone' or 'weibo', or None; got {type(channel).__name__}"
            )
        if not channel.strip():
            raise ValueError(
                "channel: expected a channel name such as 'phone' or 'weibo', or None; got an empty string"
            )
        channel = channel.strip().lower()
    out["channel"] = channel
    rc = _count(repeat_count if repeat_count is not None else 0, "repeat_count")
    out["repeat_count"] = rc
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, (numbers.Real, Decimal)):
            raise TypeError(f"amount: expected a number of CNY or None, got {type(amount).__name__} {amount!r}")
        value = float(amount)
        if math.isnan(value) or math.isinf(value) or value < 0:
            raise ValueError(f"amount: expected a finite number of CNY >= 0, got {amount!r}")
        amount = int(value) if value.is_integer() else value
    out["amount"] = amount
    out["affected_users"] = _count(affected_users, "affected_users")
    cal = policy.calendar
    if created_at is None:
        created = cal.localize(now) if now is not None else datetime.now(cal.tz)
    else:
        if isinstance(created_at, str):
            try:
                created_at = datetime.fromisoformat(created_at.strip())
            except ValueError:
                raise ValueError(
                    f"created_at: expected an ISO-8601 date-time such as '2026-02-13T10:00:00+08:00', got {created_at!r}"
                ) from None
        if not isinstance(created_at, datetime):
            raise TypeError(
                f"created_at: expected a datetime (aware, or naive = local time in {policy.timezone}), an ISO-8601 "
                f"string or None; got {type(created_at).__name__}"
            )
        created = cal.localize(created_at)
    out["created_at"] = created
    if customer is not None:
        if not isinstance(customer, str):
            raise TypeError(
                f"customer: expected the customer's name or form of address as a str, got {type(customer).__name__}"
            )
        customer = customer.strip()[:40] or None
    out["customer"] = customer
    if order_id is not None:
        if isinstance(order_id, bool) or not isinstance(order_id, (str, int)):
            raise TypeError(f"order_id: expected a str or int, got {type(order_id).__name__}")
        order_id = str(order_id).strip()[:64] or None
    out["order_id"] = order_id
    return out


def complexity_of(result: TriageResult, policy: Policy) -> str:
    """``"complex"`` when the text has a complex flag or enough secondary types, else ``"ordinary"``.

    Only what the text says counts: metadata (a public channel, a VIP) changes
    how fast a ticket is handled, not how much work the case is.
    """
    if not result.is_complaint:
        return "ordinary"
    if any(f in policy.complex_flags for f in result.flags):
        return "complex"
    if len(result.secondary_types) >= policy.complex_min_secondary_types:
        return "complex"
    return "ordinary"


def _fmt(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def priority_and_reasons(result: TriageResult, meta: dict[str, Any], policy: Policy) -> tuple[str, tuple[Reason, ...]]:
    """The priority and every reason behind it.

    The base priority comes from the model's urgency (``policy.urgency_priority``);
    the text flags are its reasons. Each metadata reason then raises the
    priority by ``policy.raise_levels[id]`` levels, never above P1; a reason
    that could not raise is still listed, with ``levels`` 0 and why.
    """
    base = policy.urgency_priority[result.urgency]
    level = PRIORITIES.index(base)
    reasons = [Reason(f, "text", f"read from the text (urgency {result.urgency} → {base})", 0) for f in result.flags]
    found: list[tuple[str, str]] = []
    tier = meta.get("customer_tier")
    if tier is not None and tier in policy.priority_tiers:
        found.append(("vip_customer", f"customer_tier={tier}"))
    rc = meta.get("repeat_count") or 0
    if rc >= policy.repeat_threshold:
        found.append(("repeat_complaint", f"repeat_count={rc} (>= {policy.repeat_threshold})"))
    ch = meta.get("channel")
    if ch is not None and ch in policy.public_channels:
        found.append(("external_escalation", f"channel={ch}: a public channel (exposure, from the ticket metadata)"))
    amount = meta.get("amount")
    if amount is not None and amount >= policy.amount_threshold:
        found.append(("financial_loss", f"amount={_fmt(amount)} (>= {_fmt(policy.amount_threshold)} CNY)"))
    users = meta.get("affected_users")
    if users is not None and users >= policy.affected_users_threshold:
        found.append(("broad_impact", f"affected_users={users} (>= {policy.affected_users_threshold})"))
    text_flags = set(result.flags)
    for rid, detail in found:
        want = policy.raise_levels.get(rid, 1)
        if rid in text_flags:
            detail += "; also read from the text"
        if not result.is_complaint and not policy.raise_non_complaints:
            reasons.append(
                Reason(rid, "metadata", detail + "; not raised: not a complaint (raise_non_complaints=false)", 0)
            )
            continue
        got = min(want, level)
        level -= got
        if want == 0:
            detail += "; not raised: raise_levels is 0"
        elif got < want:
            detail += f"; capped at {PRIORITIES[0]}"
        reasons.append(Reason(rid, "metadata", detail, got))
    return PRIORITIES[level], tuple(reasons)
