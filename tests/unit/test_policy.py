"""Policy: defaults, overrides, files, validation; metadata checks, priority reasons, complexity, routing."""

import dataclasses
import json
import pickle
import re
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib.resources import files
from zoneinfo import ZoneInfo

import pytest

from triage import MissingDependencyError, TriageResult
from triage.decisions import METADATA_REASONS, Policy, PolicyError, route_for
from triage.decisions._priority import check_metadata, complexity_of, priority_and_reasons
from triage.labels import FLAGS

EXAMPLE = files("triage.decisions") / "data" / "policy.example.toml"
SH = ZoneInfo("Asia/Shanghai")
CREATED = datetime(2026, 3, 2, 9, 0)


def result(typ="product", emotion="calm", urgency="low", flags=(), secondary=(), complaint=True):
    return TriageResult(
        type=typ if complaint else "none",
        secondary_types=tuple(secondary),
        emotion=emotion,
        urgency=urgency if complaint else "low",
        flags=tuple(flags),
        is_complaint=complaint,
        complaint_probability=0.9 if complaint else 0.1,
        probabilities={},
    )


def decide_priority(res, policy=None, **meta):
    policy = policy or Policy()
    return priority_and_reasons(res, check_metadata(policy, created_at=CREATED, **meta), policy)


# -- defaults, overrides, immutability ----------------------------------------------------
def test_documented_defaults():
    d = Policy().to_dict()
    assert d["urgency_priority"] == {"high": "P1", "medium": "P2", "low": "P3"}
    assert d["priority_tiers"] == ["vip", "enterprise"]
    assert (d["repeat_threshold"], d["amount_threshold"], d["affected_users_threshold"]) == (2, 5000, 10)
    assert {"weibo", "douyin", "xiaohongshu", "media"} <= set(d["public_channels"])
    assert d["sla"] == {
        "first_response": {"default": "24h", "P1": "15min"},
        "resolution": {"default": "3wd", "complex": "5wd"},
        "follow_up": {"default": "24h"},
    }
    assert d["timezone"] == "Asia/Shanghai" and d["holidays"] == [] and d["workdays"] == []
    assert d["flag_routes"] == {"safety": "risk", "privacy": "risk", "fraud": "risk"}
    assert d["type_routes"]["product"] == "quality" and d["type_routes"]["none"] == "general"
    assert "全额赔偿" in d["forbidden_phrases"]
    assert d["raise_non_complaints"] is False
    json.dumps(d)  # plain values


def test_overrides_merge_into_defaults():
    p = Policy(amount_threshold=1000, sla={"first_response": {"P2": "4h"}})
    assert p.amount_threshold == 1000
    assert dict(p.sla["first_response"]) == {"default": "24h", "P1": "15min", "P2": "4h"}
    assert dict(p.sla["resolution"]) == {"default": "3wd", "complex": "5wd"}
    # None (code, YAML) or "" (TOML) removes a default key
    assert "fraud" not in Policy(flag_routes={"fraud": None}).flag_routes
    assert "complex" not in Policy(sla={"resolution": {"complex": ""}}).sla["resolution"]


def test_replace_keeps_earlier_overrides_and_removals():
    p = Policy(flag_routes={"fraud": None}, amount_threshold=2000)
    q = p.replace(sla={"resolution": {"P1": "1wd"}}, flag_routes={"privacy": "general"})
    assert q.amount_threshold == 2000
    assert dict(q.flag_routes) == {"safety": "risk", "privacy": "general"}
    assert q.sla["resolution"]["P1"] == "1wd" and q.sla["resolution"]["complex"] == "5wd"
    assert p.flag_routes["privacy"] == "risk"  # the original is unchanged
    assert q.replace(flag_routes={"fraud": "risk"}).flag_routes["fraud"] == "risk"


def test_policy_is_immutable_hashable_and_pickles():
    p = Policy(amount_threshold=1000)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.amount_threshold = 1  # type: ignore[misc]
    with pytest.raises(TypeError, match="read-only"):
        p.sla["resolution"]["default"] = "1wd"  # type: ignore[index]
    again = pickle.loads(pickle.dumps(p))
    assert again == p and hash(again) == hash(p) and again != Policy()
    assert again.sla_duration("resolution", priority="P2", type="product", complexity="complex")[0].value == 5
    assert again.calendar.is_workday(date(2026, 2, 14))


@pytest.mark.parametrize(
    "priority, typ, complexity, expected, key",
    [
        ("P1", "product", "ordinary", "15min", "P1"),
        ("P2", "product", "ordinary", "24h", "default"),
        ("P1", "product", "complex", "3wd", "product.complex"),  # type.complexity beats priority
        ("P1", "policy", "complex", "1wd", "P1"),
        ("P2", "policy", "complex", "5wd", "complex"),
        ("P3", "accuracy", "ordinary", "2wd", "accuracy.P3"),
    ],
)
def test_sla_selector_precedence(priority, typ, complexity, expected, key):
    p = Policy(
        sla={
            "first_response": {"accuracy.P3": "2wd"},
            "resolution": {"P1": "1wd", "complex.product": "3wd", "P3.accuracy": "2wd"},
        }
    )
    kind = "first_response" if typ != "accuracy" and complexity == "ordinary" else "resolution"
    dur, used = p.sla_duration(kind, priority=priority, type=typ, complexity=complexity)
    assert (str(dur), used) == (expected, key)


# -- validation ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            {"urgency_priority": {"high": "P0"}},
            r"urgency_priority\['high'\]: must be one of \['P1', 'P2', 'P3'\], got 'P0'",
        ),
        ({"priority_tiers": ["platinum"]}, "'platinum' is not one of customer_tiers"),
        ({"repeat_threshold": 0}, "repeat_threshold: expected a whole number >= 1, got 0"),
        ({"amount_threshold": -5}, "amount_threshold: expected a positive number"),
        ({"raise_levels": {"vip": 1}}, "raise_levels: unknown reason 'vip'"),
        ({"raise_levels": {"vip_customer": 3}}, r"raise_levels\['vip_customer'\]: expected a whole number 0..2"),
        ({"complex_flags": ["danger"]}, "complex_flags: unknown value 'danger'"),
        ({"sla": {"resolution": {"default": "3 days"}}}, "sla.resolution.default: expected a number and a unit"),
        ({"sla": {"resolution": {"P9": "3wd"}}}, "sla.resolution: unknown selector 'P9'"),
        ({"sla": {"resolution": {"default": None}}}, "sla.resolution: needs a 'default' duration"),
        ({"sla": {"escalation": {"default": "1h"}}}, "sla: unknown deadline 'escalation'"),
        ({"at_risk": 1.5}, "at_risk: expected a share"),
        ({"timezone": "Asia/Beijing"}, "unknown IANA time zone 'Asia/Beijing'"),
        ({"holidays": ["2026-03-02"], "workdays": ["2026-03-02"]}, "both list 2026-03-02"),
        (
            {"flag_routes": {"external_escalation": "pr"}},
            r"flag_routes\['external_escalation'\]: queue 'pr' is not defined",
        ),
        ({"flag_routes": {"angry": "risk"}}, "flag_routes: unknown reason 'angry'"),
        ({"type_routes": {"product": None}}, "type_routes: no queue for type 'product'"),
        ({"traditional_variant": "zh-hk"}, "traditional_variant: must be one of"),
        ({"raise_non_complaints": "yes"}, "raise_non_complaints: expected true or false"),
    ],
)
def test_invalid_settings_name_the_setting(kwargs, match):
    with pytest.raises(PolicyError, match=match):
        Policy(**kwargs)


def test_unknown_setting_lists_allowed_ones():
    with pytest.raises(
        PolicyError, match=r"unknown setting 'amount_treshold' \(did you mean 'amount_threshold'\?\); allowed: .*sla"
    ):
        Policy().replace(amount_treshold=1)
    with pytest.raises(PolicyError, match="unknown setting 'sla_hours'"):
        Policy.from_dict({"sla_hours": 3})
    with pytest.raises(
        PolicyError, match=r"Policy: unknown setting 'timezon' \(did you mean 'timezone'\?\); allowed: "
    ):
        Policy(timezon="UTC")
    with pytest.raises(PolicyError, match="unknown setting '_cache'"):
        Policy(_cache={})


def test_a_stricter_forbidden_list_is_checked_against_the_scripts_at_once():
    with pytest.raises(PolicyError, match=r"script '[a-z-]+\d' promises '处理方案'"):
        Policy(forbidden_phrases=["全额赔偿", "处理方案"])
    assert Policy(forbidden_phrases=["全额赔偿", "包赔"]).library().scripts


# -- files ------------------------------------------------------------------------------------
def test_shipped_example_policy_loads():
    p = Policy.from_file(EXAMPLE)
    assert p.amount_threshold == 3000 and "gold" in p.customer_tiers
    assert p.flag_routes["external_escalation"] == "public_relations"
    assert p.queues["public_relations"] == "舆情应对组"
    assert p.sla["first_response"]["P2"] == "4h" and p.sla["resolution"]["product.complex"] == "7wd"
    assert p.raise_levels["broad_impact"] == 2 and p.raise_levels["repeat_complaint"] == 1
    assert "2027-02-08" in p.holidays and p.calendar.is_workday(date(2027, 2, 14))
    assert Policy.from_file(EXAMPLE, amount_threshold=100).amount_threshold == 100


def test_yaml_policy(tmp_path):
    pytest.importorskip("yaml", reason="YAML policies need PyYAML: pip install -e '.[dev]'")
    f = tmp_path / "policy.yaml"
    f.write_text(
        "amount_threshold: 800\n"
        "holidays: [2027-02-05, '2027-02-06..2027-02-08']\n"
        "sla:\n  first_response:\n    P3: 48h\n"
        "flag_routes:\n  fraud: null\n",
        encoding="utf-8",
    )
    p = Policy.from_file(f)
    assert p.amount_threshold == 800 and p.sla["first_response"]["P3"] == "48h"
    assert p.holidays == ("2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08")
    assert "fraud" not in p.flag_routes


def test_yaml_without_pyyaml_names_the_pip_line(tmp_path, monkeypatch):
    f = tmp_path / "p.yml"
    f.write_text("amount_threshold: 1\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "yaml", None)  # simulates PyYAML absent
    with pytest.raises(MissingDependencyError, match=r"pip install 'complaint-triage\[yaml\]'"):
        Policy.from_file(f)


def test_policy_file_errors(tmp_path):
    bad_key = tmp_path / "p.toml"
    bad_key.write_text('amount = 5\n[sla.resolution]\ndefault = "3wd"\n', encoding="utf-8")
    with pytest.raises(PolicyError, match=r"p.toml: unknown setting 'amount'.*allowed: .*amount_threshold"):
        Policy.from_file(bad_key)
    bad_value = tmp_path / "v.toml"
    bad_value.write_text('[sla.resolution]\ndefault = "3 days"\n', encoding="utf-8")
    with pytest.raises(PolicyError, match=r"v.toml: sla.resolution.default"):
        Policy.from_file(bad_value)
    broken = tmp_path / "b.toml"
    broken.write_text("amount_threshold = = 3\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid TOML"):
        Policy.from_file(broken)
    with pytest.raises(PolicyError, match=r"must end in .toml, .yaml or .yml, got '.json'"):
        Policy.from_file(tmp_path / "p.json")
    with pytest.raises(FileNotFoundError):
        Policy.from_file(tmp_path / "missing.toml")


def test_relative_replies_path_is_read_beside_the_policy(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "r.toml").write_text(
        '[[script]]\nid = "all"\ntype = "*"\nemotion = "*"\nempathy = "您好。"\naction = "{response_time}内回复您。"\n',
        encoding="utf-8",
    )
    f = tmp_path / "p.toml"
    f.write_text('replies = "lib/r.toml"\n', encoding="utf-8")
    p = Policy.from_file(f)
    assert p.replies == str(tmp_path / "lib" / "r.toml")
    assert [s.id for s in p.library().scripts] == ["all"]


# -- metadata validation -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (
            {"customer_tier": "platinum"},
            ValueError,
            r"customer_tier: expected one of \['standard', 'member', 'vip', 'enterprise'\].*got 'platinum'",
        ),
        ({"customer_tier": 3}, TypeError, "customer_tier: expected a str or None, got int"),
        ({"channel": "  "}, ValueError, "channel: expected a channel name"),
        ({"channel": 12315}, TypeError, "channel: expected a str"),
        ({"repeat_count": -1}, ValueError, "repeat_count: expected a whole number >= 0, got -1"),
        ({"repeat_count": 2.0}, TypeError, "repeat_count: expected a whole number >= 0 or None, got float 2.0"),
        ({"repeat_count": True}, TypeError, "repeat_count: .*got bool"),
        ({"amount": float("nan")}, ValueError, "amount: expected a finite number of CNY >= 0, got nan"),
        ({"amount": -3}, ValueError, "amount: expected a finite number"),
        ({"amount": "5000"}, TypeError, "amount: expected a number of CNY or None, got str '5000'"),
        ({"affected_users": -2}, ValueError, "affected_users: expected a whole number >= 0, got -2"),
        ({"created_at": date(2026, 3, 2)}, TypeError, "created_at: expected a datetime .*got date"),
        ({"created_at": "yesterday"}, ValueError, "created_at: expected an ISO-8601 date-time"),
        ({"customer": 7}, TypeError, "customer: expected"),
        ({"order_id": 1.5}, TypeError, "order_id: expected a str or int, got float"),
    ],
)
def test_bad_metadata_names_parameter_allowed_and_received(kwargs, error, match):
    with pytest.raises(error, match=match):
        check_metadata(Policy(), **kwargs)


def test_metadata_is_normalised():
    m = check_metadata(Policy(), customer_tier=" VIP ", channel="Weibo", amount=Decimal("5000.00"), order_id=123)
    assert (m["customer_tier"], m["channel"], m["amount"], m["order_id"]) == ("vip", "weibo", 5000, "123")
    assert m["repeat_count"] == 0 and m["affected_users"] is None


def test_created_at_time_zones():
    p = Policy()
    naive = check_metadata(p, created_at=datetime(2026, 3, 2, 9, 0))["created_at"]
    assert naive == datetime(2026, 3, 2, 9, 0, tzinfo=SH)  # naive = local time in the policy zone
    utc = check_metadata(p, created_at=datetime(2026, 3, 2, 1, 0, tzinfo=UTC))["created_at"]
    assert utc == naive and utc.tzinfo == SH and utc.hour == 9
    iso = check_metadata(p, created_at="2026-03-02T01:00:00Z")["created_at"]
    assert iso == naive
    hk = check_metadata(Policy(timezone="Asia/Hong_Kong"), created_at=datetime(2026, 3, 2, 9, 0))["created_at"]
    assert str(hk.tzinfo) == "Asia/Hong_Kong"
    now = check_metadata(p)["created_at"]
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1) and now.tzinfo == SH


# -- priority and reasons ----------------------------------------------------------------------
@pytest.mark.parametrize("urgency, expected", [("high", "P1"), ("medium", "P2"), ("low", "P3")])
def test_base_priority_from_urgency(urgency, expected):
    flags = {"high": ("safety",), "medium": ("blocked_customer",), "low": ()}[urgency]
    prio, reasons = decide_priority(result(urgency=urgency, flags=flags))
    assert prio == expected
    assert [(r.id, r.source, r.levels) for r in reasons] == [(f, "text", 0) for f in flags]


@pytest.mark.parametrize(
    "meta, reason, detail",
    [
        ({"customer_tier": "vip"}, "vip_customer", "customer_tier=vip"),
        ({"customer_tier": "enterprise"}, "vip_customer", "customer_tier=enterprise"),
        ({"repeat_count": 2}, "repeat_complaint", "repeat_count=2 (>= 2)"),
        ({"channel": "douyin"}, "external_escalation", "channel=douyin: a public channel"),
        ({"channel": "微博"}, "external_escalation", "channel=微博"),
        ({"amount": 5000}, "financial_loss", "amount=5000 (>= 5000 CNY)"),
        ({"affected_users": 10}, "broad_impact", "affected_users=10 (>= 10)"),
    ],
)
def test_each_metadata_reason_raises_one_level(meta, reason, detail):
    prio, reasons = decide_priority(result(), **meta)
    assert prio == "P2"
    (r,) = reasons
    assert (r.id, r.source, r.levels) == (reason, "metadata", 1) and r.detail.startswith(detail)


@pytest.mark.parametrize(
    "meta",
    [
        {"customer_tier": "member"},
        {"repeat_count": 1},
        {"channel": "phone"},
        {"amount": 4999.99},
        {"affected_users": 9},
    ],
)
def test_below_thresholds_nothing_is_raised(meta):
    assert decide_priority(result(), **meta) == ("P3", ())


def test_raises_stack_and_cap_at_p1():
    prio, reasons = decide_priority(result(), customer_tier="vip", repeat_count=3, channel="weibo")
    assert prio == "P1"
    assert [(r.id, r.levels) for r in reasons] == [
        ("vip_customer", 1),
        ("repeat_complaint", 1),
        ("external_escalation", 0),
    ]
    assert "capped at P1" in reasons[-1].detail


def test_text_and_metadata_reasons_are_both_listed():
    prio, reasons = decide_priority(result(urgency="medium", flags=("repeat_complaint",)), repeat_count=4)
    assert prio == "P1"
    assert [(r.id, r.source) for r in reasons] == [("repeat_complaint", "text"), ("repeat_complaint", "metadata")]
    assert "also read from the text" in reasons[1].detail


def test_raise_levels_from_policy():
    p = Policy(raise_levels={"vip_customer": 0, "broad_impact": 2})
    prio, reasons = decide_priority(result(), p, customer_tier="vip", affected_users=500)
    assert prio == "P1"
    assert [(r.id, r.levels) for r in reasons] == [("vip_customer", 0), ("broad_impact", 2)]
    assert "raise_levels is 0" in reasons[0].detail


def test_non_complaints_list_reasons_without_raising():
    prio, reasons = decide_priority(result(complaint=False), customer_tier="vip", channel="weibo")
    assert prio == "P3" and [r.levels for r in reasons] == [0, 0]
    assert all("not a complaint" in r.detail for r in reasons)
    prio, _ = decide_priority(result(complaint=False), Policy(raise_non_complaints=True), customer_tier="vip")
    assert prio == "P2"


def test_custom_thresholds_and_tiers():
    p = Policy(
        customer_tiers=["standard", "gold"], priority_tiers=["gold"], amount_threshold=100, public_channels=["wechat"]
    )
    prio, reasons = decide_priority(result(), p, customer_tier="gold", amount=150, channel="WeChat")
    assert prio == "P1" and [r.id for r in reasons] == ["vip_customer", "external_escalation", "financial_loss"]
    with pytest.raises(ValueError, match=r"customer_tier: expected one of \['standard', 'gold'\]"):
        check_metadata(p, customer_tier="vip")


def test_reason_ids_come_from_the_label_guide():
    res = result(urgency="high", flags=("fraud", "financial_loss"))
    _, reasons = decide_priority(
        res, customer_tier="vip", repeat_count=5, channel="weibo", amount=1e6, affected_users=99
    )
    assert {r.id for r in reasons} <= set(FLAGS)
    assert {r.id for r in reasons if r.source == "metadata"} == set(METADATA_REASONS)


def test_predictions_of_retrained_models_with_missing_heads_or_other_labels():
    from triage.decisions import decide

    partial = TriageResult(
        type=None,
        secondary_types=(),
        emotion=None,
        urgency=None,
        flags=(),
        is_complaint=None,
        complaint_probability=None,
        probabilities={},
    )
    d = decide(partial, "不知道是什么问题", created_at=CREATED, customer_tier="vip")
    assert d.result is partial and d.to_dict()["type"] is None
    assert d.priority == "P2" and [r.levels for r in d.reasons] == [1]  # read as a low complaint, raised once
    assert d.route.queue == "general" and not re.search(r"[{}\[\]]", d.reply.text)
    other = result(typ="billing", emotion="happy", urgency="urgent")
    d = decide(other, "扣费不对", created_at=CREATED)
    assert (d.priority, d.route.queue, d.reply.script_id) == ("P3", "general", "any-1")
    assert "no route" in d.route.why and d.type == "billing" and d.urgency == "urgent"


# -- complexity and routing --------------------------------------------------------------------
@pytest.mark.parametrize(
    "res, expected",
    [
        (result(urgency="high", flags=("safety",)), "complex"),
        (result(urgency="high", flags=("external_escalation",)), "complex"),
        (result(urgency="medium", flags=("strong_emotion",)), "ordinary"),
        (result(secondary=("attitude", "policy")), "complex"),
        (result(secondary=("attitude",)), "ordinary"),
        (result(complaint=False), "ordinary"),
    ],
)
def test_complexity(res, expected):
    assert complexity_of(res, Policy()) == expected


@pytest.mark.parametrize(
    "typ, queue",
    [("product", "quality"), ("attitude", "service_quality"), ("timeliness", "logistics_ops"),
     ("accuracy", "billing_orders"), ("policy", "policy")],
)  # fmt: skip
def test_type_routes(typ, queue):
    r = route_for(result(typ=typ), (), Policy())
    assert (r.queue, r.why) == (queue, f"type:{typ}") and r.name == Policy().queues[queue]


def test_flag_routes_win_and_follow_policy_order():
    _, reasons = decide_priority(result(typ="accuracy", urgency="high", flags=("privacy", "fraud")))
    r = route_for(result(typ="accuracy", urgency="high", flags=("privacy", "fraud")), reasons, Policy())
    assert (r.queue, r.name, r.why) == ("risk", "风险处置组", "flag:privacy")
    p = Policy.from_file(EXAMPLE)
    res = result(typ="timeliness")
    _, reasons = decide_priority(res, p, channel="weibo")
    assert route_for(res, reasons, p).queue == "public_relations"
    nc = result(complaint=False)
    _, reasons = decide_priority(nc, p, channel="weibo")
    assert route_for(nc, reasons, p).queue == "general"
