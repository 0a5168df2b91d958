"""``triage ticket``: one message and its ticket metadata → the JSON decision."""

from __future__ import annotations

import json
import sys

__all__ = ["add_parser"]


def _number(text: str):
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"--amount: expected a number of CNY, got {text!r}") from None
    return int(value) if value.is_integer() else value


def _cmd_ticket(args) -> int:
    from triage import load

    from ._policy import Policy

    policy = Policy.from_file(args.policy) if args.policy else None
    text = args.text if args.text is not None else sys.stdin.read()
    model = load(args.model)
    decision = model.triage(
        text,
        customer_tier=args.customer_tier,
        channel=args.channel,
        repeat_count=args.repeat_count,
        created_at=args.created_at,
        amount=_number(args.amount) if args.amount is not None else None,
        affected_users=args.affected_users,
        customer=args.customer,
        order_id=args.order_id,
        policy=policy,
    )
    print(json.dumps(decision.to_dict(), ensure_ascii=False, indent=2 if args.indent else None))
    return 0


def add_parser(sub) -> None:
    """Add the ``ticket`` command to the ``triage`` command line."""
    sp = sub.add_parser(
        "ticket",
        help="triage one message with its ticket metadata: priority, reasons, SLA deadlines, route, reply (JSON)",
    )
    sp.add_argument("text", nargs="?", default=None, help="the message; read from stdin when absent")
    sp.add_argument("--customer-tier", default=None, help="e.g. standard, member, vip, enterprise")
    sp.add_argument("--channel", default=None, help="e.g. phone, app, weibo (public channels raise the priority)")
    sp.add_argument("--repeat-count", type=int, default=0, help="earlier contacts about the same issue")
    sp.add_argument("--created-at", default=None, help="ISO-8601; naive = local time in the policy's zone; default now")
    sp.add_argument("--amount", default=None, help="money at stake, CNY")
    sp.add_argument("--affected-users", type=int, default=None)
    sp.add_argument("--customer", default=None, help="name or form of address used in the reply (default 您)")
    sp.add_argument("--order-id", default=None)
    sp.add_argument("--policy", default=None, help="policy file (.toml, .yaml, .yml)")
    sp.add_argument("--model", default=None, help="model directory (default: the bundled model)")
    sp.add_argument("--indent", action="store_true", help="pretty-print the JSON")
    sp.set_defaults(func=_cmd_ticket)
