"""The decision policy: every rule of priority, SLA, calendar, routing and replies in one object."""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..exceptions import MissingDependencyError, TriageError
from ..labels import FLAGS, NONE_TYPE, TYPES
from ._calendar import WorkingCalendar, parse_dates
from ._duration import Duration, parse_duration

__all__ = [
    "Policy",
    "PolicyError",
    "PRIORITIES",
    "PRIORITY_NAMES",
    "METADATA_REASONS",
    "SLA_KINDS",
]

#: Priorities, most urgent first.
PRIORITIES: tuple[str, ...] = ("P1", "P2", "P3")
#: Display names of the priorities.
PRIORITY_NAMES: dict[str, str] = {"P1": "立即处理", "P2": "优先处理", "P3": "常规处理"}
#: Reason ids that ticket metadata can add (each raises the priority by ``raise_levels[id]``).
METADATA_REASONS: tuple[str, ...] = (
    "vip_customer",
    "repeat_complaint",
    "external_escalation",
    "financial_loss",
    "broad_impact",
)
#: The deadlines an SLA sets.
SLA_KINDS: tuple[str, ...] = ("first_response", "resolution", "follow_up")
_COMPLEXITY = ("complex", "ordinary")
_ALL_TYPES = (*TYPES, NONE_TYPE)

_DEFAULT_QUEUES = {
    "quality": "质量与技术组",
    "service_quality": "服务质量组",
    "logistics_ops": "物流与运营组",
    "billing_orders": "账务与订单组",
    "policy": "政策组",
    "risk": "风险处置组",
    "general": "综合服务组",
}
_DEFAULT_MAPPINGS: dict[str, dict[str, Any]] = {
    "urgency_priority": {"high": "P1", "medium": "P2", "low": "P3"},
    "raise_levels": {r: 1 for r in METADATA_REASONS},
    "sla": {
        "first_response": {"default": "24h", "P1": "15min"},
        "resolution": {"default": "3wd", "complex": "5wd"},
        "follow_up": {"default": "24h"},
    },
    "queues": _DEFAULT_QUEUES,
    "type_routes": {
        "product": "quality",
        "attitude": "service_quality",
        "timeliness": "logistics_ops",
        "accuracy": "billing_orders",
        "policy": "policy",
        NONE_TYPE: "general",
    },
    "flag_routes": {"safety": "risk", "privacy": "risk", "fraud": "risk"},
}
_DEFAULT_PUBLIC_CHANNELS = (
    "weibo", "微博", "douyin", "抖音", "xiaohongshu", "小红书", "kuaishou", "快手", "bilibili", "b站",
    "zhihu", "知乎", "toutiao", "头条", "heimao", "黑猫投诉", "media", "媒体", "news", "新闻", "social_media",
)  # fmt: skip
_DEFAULT_FORBIDDEN = (
    "全额赔偿",
    "双倍赔偿",
    "三倍赔偿",
    "十倍赔偿",
    "假一赔十",
    "无条件退款",
    "无条件退货",
    "保证赔偿",
)
_TRAD_VARIANTS = ("auto", "s2t", "s2tw", "s2twp", "s2hk", "none")


class PolicyError(TriageError, ValueError):
    """A policy setting, policy file or reply script is invalid; the message names it and the fix."""


class _FrozenDict(dict):
    """A read-only dict (pickles and serialises as a plain dict)."""

    def _readonly(self, *args, **kwargs):
        raise TypeError("policy settings are read-only: use policy.replace(...) for a changed copy")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _readonly  # type: ignore[assignment]

    def __reduce__(self):
        return (_FrozenDict, (dict(self),))

    def __hash__(self):  # type: ignore[override]
        return hash(tuple(sorted((k, _hashable(v)) for k, v in self.items())))


def _hashable(v):
    return v.__hash__() if isinstance(v, _FrozenDict) else v


def _freeze(value):
    if isinstance(value, Mapping):
        return _FrozenDict({k: _freeze(v) for k, v in value.items()})
    return value


def _is_delete(v) -> bool:
    return v is None or v == ""


def _merge(base: Mapping, change: Mapping, *, keep_markers: bool) -> dict:
    """Key-by-key merge; in ``change`` a value of None or "" removes the key (kept as a marker if asked)."""
    out = dict(base)
    for k, v in change.items():
        if _is_delete(v):
            if keep_markers:
                out[k] = None
            else:
                out.pop(k, None)
        elif isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _merge(out[k], v, keep_markers=keep_markers)
        else:
            out[k] = dict(v) if isinstance(v, Mapping) else v
    return out


def _strip_markers(d: Mapping) -> dict:
    return {k: _strip_markers(v) if isinstance(v, Mapping) else v for k, v in d.items() if not _is_delete(v)}


@dataclass(frozen=True, kw_only=True)
class Policy:
    """Every rule that turns a prediction into a ticket decision, with documented defaults.

    Construct with keyword overrides of the defaults (``Policy(amount_threshold=1000)``),
    load from a file (:meth:`from_file`, TOML or YAML), and derive changed copies
    with :meth:`replace`. Mapping settings (``urgency_priority``, ``raise_levels``,
    ``sla``, ``queues``, ``type_routes``, ``flag_routes``) merge key by key into
    the defaults, nested tables too; a value of ``None`` (or ``""``, as TOML has
    no null) removes a key. All other settings replace the default.

    Parameters
    ----------
    urgency_priority : mapping, default={"high": "P1", "medium": "P2", "low": "P3"}
        Base priority from the model's urgency.
    customer_tiers : sequence of str, default=("standard", "member", "vip", "enterprise")
        Allowed values of ``customer_tier`` (matched case-insensitively).
    priority_tiers : sequence of str, default=("vip", "enterprise")
        Tiers that add the reason ``vip_customer``.
    repeat_threshold : int, default=2
        ``repeat_count`` at or above this adds ``repeat_complaint``.
    public_channels : sequence of str, default=("weibo", "微博", "douyin", "抖音", "xiaohongshu", ...)
        Channels that add ``external_escalation`` (public exposure): Weibo, Douyin,
        Xiaohongshu, Kuaishou, Bilibili, Zhihu, Toutiao, Heimao (黑猫投诉), media and news.
    amount_threshold : float, default=5000
        ``amount`` (CNY) at or above this adds ``financial_loss``.
    affected_users_threshold : int, default=10
        ``affected_users`` at or above this adds ``broad_impact``.
    raise_levels : mapping, default={each metadata reason: 1}
        Levels each metadata reason raises the priority by (0 lists the reason
        without raising; 0–2). The priority never goes above P1.
    raise_non_complaints : bool, default=False
        Whether metadata raises the priority of a message the model reads as no
        complaint (enquiries, praise). By default such a ticket stays at its base
        priority (P3) and lists the metadata reasons with ``levels`` 0.
    complex_flags : sequence of str, default=("safety", "fraud", "privacy", "external_escalation")
        Text flags that make a complaint *complex* (longer resolution SLA).
    complex_min_secondary_types : int, default=2
        A complaint with at least this many secondary types is complex too.
    sla : mapping, default={"first_response": {"default": "24h", "P1": "15min"}, "resolution": {"default": "3wd", "complex": "5wd"}, "follow_up": {"default": "24h"}}
        Durations per deadline (``min``, ``h``, ``d`` clock time; ``wd`` working
        days). Keys select tickets: ``"default"``, a priority (``"P1"``), a type
        (``"product"``, ``"none"``), ``"complex"``/``"ordinary"``, or two of these
        joined by a dot (``"product.P1"``, ``"product.complex"``, ``"P1.complex"``).
        The most specific key wins, in this order: type.priority, type.complexity,
        type, priority.complexity, priority, complexity, default. ``follow_up``
        counts from the resolution.
    at_risk : float, default=0.25
        :func:`triage.sla.breach_risk` calls a deadline at risk when less than
        this share of its window remains.
    timezone : str, default="Asia/Shanghai"
        IANA zone of the calendar and of every datetime in a decision. A naive
        ``created_at`` is read in this zone.
    holidays : sequence of date or str, default=()
        Extra days off (``"YYYY-MM-DD"`` or ``"YYYY-MM-DD..YYYY-MM-DD"``), e.g.
        from the State Council's notice for a year ``chinese_calendar`` does not know.
    workdays : sequence of date or str, default=()
        Extra make-up working days (调休).
    use_chinese_calendar : bool, default=True
        See :class:`triage.sla.WorkingCalendar`.
    queues : mapping, default={"quality": "质量与技术组", "service_quality": "服务质量组", "logistics_ops": "物流与运营组", "billing_orders": "账务与订单组", "policy": "政策组", "risk": "风险处置组", "general": "综合服务组"}
        Queue id → display name.
    type_routes : mapping, default={"product": "quality", "attitude": "service_quality", "timeliness": "logistics_ops", "accuracy": "billing_orders", "policy": "policy", "none": "general"}
        Queue of each type; every type and ``"none"`` needs one.
    flag_routes : mapping, default={"safety": "risk", "privacy": "risk", "fraud": "risk"}
        Reasons that override the type route, first match in this order.
    replies : str or path, default=None
        A reply script library (TOML); ``None`` uses the shipped one. See
        :class:`triage.decisions.ScriptLibrary`.
    traditional_variant : {"auto", "s2t", "s2tw", "s2twp", "s2hk", "none"}, default="auto"
        OpenCC conversion of replies to traditional-script messages. ``"auto"``:
        ``s2hk`` when the message has Cantonese words (嘅, 咗, 冇, 啲, 喺, 佢…),
        else ``s2tw``; ``"none"`` always replies in simplified Chinese.
    forbidden_phrases : sequence of str, default=("全额赔偿", "双倍赔偿", "三倍赔偿", "十倍赔偿", "假一赔十", "无条件退款", "无条件退货", "保证赔偿")
        Promises no reply script may contain; a library with one is refused at load.

    Examples
    --------
    >>> from triage.decisions import Policy
    >>> p = Policy(amount_threshold=1000)
    >>> p.amount_threshold, p.sla["resolution"]["complex"]
    (1000, '5wd')
    >>> q = p.replace(sla={"first_response": {"P2": "4h"}})
    >>> dict(q.sla["first_response"])
    {'default': '24h', 'P1': '15min', 'P2': '4h'}
    >>> Policy(amount_treshold=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    triage.decisions._policy.PolicyError: Policy: unknown setting 'amount_treshold' (did you mean 'amount_threshold'?); allowed: ...
    """

    urgency_priority: Mapping[str, str] | None = None
    customer_tiers: tuple[str, ...] = ("standard", "member", "vip", "enterprise")
    priority_tiers: tuple[str, ...] = ("vip", "enterprise")
    repeat_threshold: int = 2
    public_channels: tuple[str, ...] = _DEFAULT_PUBLIC_CHANNELS
    amount_threshold: float = 5000
    affected_users_threshold: int = 10
    raise_levels: Mapping[str, int] | None = None
    raise_non_complaints: bool = False
    complex_flags: tuple[str, ...] = ("safety", "fraud", "privacy", "external_escalation")
    complex_min_secondary_types: int = 2
    sla: Mapping[str, Mapping[str, str]] | None = None
    at_risk: float = 0.25
    timezone: str = "Asia/Shanghai"
    holidays: tuple = ()
    workdays: tuple = ()
    use_chinese_calendar: bool = True
    queues: Mapping[str, str] | None = None
    type_routes: Mapping[str, str] | None = None
    flag_routes: Mapping[str, str] | None = None
    replies: str | None = None
    traditional_variant: str = "auto"
    forbidden_phrases: tuple[str, ...] = _DEFAULT_FORBIDDEN
    _given: Mapping = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _cache: dict = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self):
        given = {}
        for f in fields(self):
            if f.name.startswith("_"):
                continue
            v = getattr(self, f.name)
            if f.name in _DEFAULT_MAPPINGS:
                if v is not None:
                    if not isinstance(v, Mapping):
                        raise TypeError(f"{f.name}: expected a mapping (table), got {type(v).__name__}")
                    given[f.name] = _merge({}, v, keep_markers=True)
                    v = _merge(_DEFAULT_MAPPINGS[f.name], v, keep_markers=False)
                else:
                    v = _DEFAULT_MAPPINGS[f.name]
                object.__setattr__(self, f.name, _freeze(_strip_markers(v)))
            elif v != f.default:
                given[f.name] = v
        object.__setattr__(self, "_given", given)
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "_lock", threading.Lock())
        self._validate()

    def __getstate__(self):
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "_cache"}

    def __setstate__(self, state):
        for k, v in state.items():
            object.__setattr__(self, k, v)
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "_lock", threading.Lock())

    # -- validation ----------------------------------------------------------------
    def _validate(self) -> None:
        s = object.__setattr__
        up = self.urgency_priority
        if set(up) != {"high", "medium", "low"}:
            raise PolicyError(f"urgency_priority: needs exactly the keys high, medium, low; got {sorted(up)}")
        for k, v in up.items():
            if v not in PRIORITIES:
                raise PolicyError(f"urgency_priority[{k!r}]: must be one of {list(PRIORITIES)}, got {v!r}")
        s(self, "customer_tiers", _names(self.customer_tiers, "customer_tiers"))
        s(self, "priority_tiers", _names(self.priority_tiers, "priority_tiers"))
        unknown = [t for t in self.priority_tiers if t not in self.customer_tiers]
        if unknown:
            raise PolicyError(
                f"priority_tiers: {unknown[0]!r} is not one of customer_tiers {list(self.customer_tiers)}; add it there"
            )
        s(self, "public_channels", _names(self.public_channels, "public_channels"))
        _int(self.repeat_threshold, "repeat_threshold", 1)
        _int(self.affected_users_threshold, "affected_users_threshold", 1)
        _int(self.complex_min_secondary_types, "complex_min_secondary_types", 1)
        a = self.amount_threshold
        if isinstance(a, bool) or not isinstance(a, (int, float)) or not (a > 0 and math.isfinite(a)):
            raise PolicyError(f"amount_threshold: expected a positive number (CNY), got {a!r}")
        for k, v in self.raise_levels.items():
            if k not in METADATA_REASONS:
                raise PolicyError(f"raise_levels: unknown reason {k!r}; allowed: {list(METADATA_REASONS)}")
            _int(v, f"raise_levels[{k!r}]", 0, 2)
        for name in ("raise_non_complaints", "use_chinese_calendar"):
            if not isinstance(getattr(self, name), bool):
                raise PolicyError(f"{name}: expected true or false, got {getattr(self, name)!r}")
        s(self, "complex_flags", _names(self.complex_flags, "complex_flags", allowed=FLAGS))
        if not (isinstance(self.at_risk, (int, float)) and not isinstance(self.at_risk, bool) and 0 < self.at_risk < 1):
            raise PolicyError(
                f"at_risk: expected a share of the window between 0 and 1 (e.g. 0.25), got {self.at_risk!r}"
            )
        # SLA tables parse now, so a typo fails here and not on the first ticket
        table: dict[str, dict[str, Duration]] = {}
        for kind, rows in self.sla.items():
            if kind not in SLA_KINDS:
                raise PolicyError(f"sla: unknown deadline {kind!r}; allowed: {list(SLA_KINDS)}")
            if not isinstance(rows, Mapping):
                raise PolicyError(f"sla.{kind}: expected a table of selector = duration, got {rows!r}")
            try:
                table[kind] = {_selector(k, kind): parse_duration(v, where=f"sla.{kind}.{k}") for k, v in rows.items()}
            except (TypeError, ValueError) as e:
                raise PolicyError(str(e)) from None
            if "default" not in table[kind]:
                raise PolicyError(f"sla.{kind}: needs a 'default' duration")
        missing = [k for k in SLA_KINDS if k not in table]
        if missing:
            raise PolicyError(f"sla: no table for {missing[0]!r}; give it at least a 'default' duration")
        s(self, "timezone", str(self.timezone))
        for name in ("holidays", "workdays"):
            try:
                days = parse_dates(getattr(self, name), name)
            except (TypeError, ValueError) as e:
                raise PolicyError(str(e)) from None
            s(self, name, tuple(sorted(d.isoformat() for d in days)))
        try:
            calendar = WorkingCalendar(
                self.timezone,
                holidays=self.holidays,
                workdays=self.workdays,
                use_chinese_calendar=self.use_chinese_calendar,
            )
        except ValueError as e:
            raise PolicyError(str(e)) from None
        for k, v in self.queues.items():
            if not isinstance(v, str) or not v.strip():
                raise PolicyError(f"queues[{k!r}]: expected a display name, got {v!r}")
        for t in _ALL_TYPES:
            if t not in self.type_routes:
                raise PolicyError(f"type_routes: no queue for type {t!r}; every type and 'none' needs one")
        for k in self.type_routes:
            if k not in _ALL_TYPES:
                raise PolicyError(f"type_routes: unknown type {k!r}; allowed: {list(_ALL_TYPES)}")
        for k in self.flag_routes:
            if k not in FLAGS:
                raise PolicyError(f"flag_routes: unknown reason {k!r}; allowed: {list(FLAGS)}")
        for table_name in ("type_routes", "flag_routes"):
            for k, q in getattr(self, table_name).items():
                if q not in self.queues:
                    raise PolicyError(
                        f"{table_name}[{k!r}]: queue {q!r} is not defined; add it to queues "
                        f"(defined: {sorted(self.queues)})"
                    )
        if self.replies is not None:
            if not isinstance(self.replies, (str, Path)):
                raise PolicyError(
                    f"replies: expected a path to a TOML script library, got {type(self.replies).__name__}"
                )
            s(self, "replies", str(self.replies))
        if self.traditional_variant not in _TRAD_VARIANTS:
            raise PolicyError(
                f"traditional_variant: must be one of {list(_TRAD_VARIANTS)}, got {self.traditional_variant!r}"
            )
        s(self, "forbidden_phrases", tuple(_names(self.forbidden_phrases, "forbidden_phrases", lower=False)))
        self._cache["calendar"] = calendar
        if self.replies is not None or "forbidden_phrases" in self._given:
            self.library()  # a user library (or a changed forbidden list) is checked now, not on the first ticket
        self._cache["sla"] = table

    # -- compiled state (cached on the instance, built once under a lock) -----------
    @property
    def calendar(self) -> WorkingCalendar:
        """The :class:`~triage.sla.WorkingCalendar` of this policy (built once, shared)."""
        cal = self._cache.get("calendar")
        if cal is None:
            with self._lock:
                cal = self._cache.get("calendar")
                if cal is None:
                    cal = self._cache["calendar"] = WorkingCalendar(
                        self.timezone,
                        holidays=self.holidays,
                        workdays=self.workdays,
                        use_chinese_calendar=self.use_chinese_calendar,
                    )
        return cal

    def sla_duration(self, kind: str, *, priority: str, type: str, complexity: str) -> tuple[Duration, str]:
        """The duration of one deadline for a ticket, and the table key that set it.

        Examples
        --------
        >>> Policy().sla_duration("first_response", priority="P1", type="product", complexity="ordinary")
        (Duration(value=15.0, unit='min'), 'P1')
        """
        table = self._cache.get("sla")
        if table is None:  # after unpickling
            table = {k: {_selector(s, k): parse_duration(v) for s, v in rows.items()} for k, rows in self.sla.items()}
            self._cache["sla"] = table
        rows = table[kind]
        for key in (
            f"{type}.{priority}",
            f"{type}.{complexity}",
            type,
            f"{priority}.{complexity}",
            priority,
            complexity,
            "default",
        ):
            got = rows.get(key)
            if got is not None:
                return got, key
        raise AssertionError("unreachable: every SLA table has a default")  # pragma: no cover

    def library(self):
        """The reply :class:`~triage.decisions.ScriptLibrary` of this policy (loaded and checked once)."""
        lib = self._cache.get("library")
        if lib is None:
            with self._lock:
                lib = self._cache.get("library")
                if lib is None:
                    from ._replies import ScriptLibrary

                    lib = self._cache["library"] = ScriptLibrary.load(self.replies, forbidden=self.forbidden_phrases)
        return lib

    # -- copies, files, dicts ---------------------------------------------------------
    @classmethod
    def settings(cls) -> tuple[str, ...]:
        """Names of every setting."""
        return tuple(f.name for f in fields(cls) if not f.name.startswith("_"))

    @classmethod
    def _check_keys(cls, keys, where: str) -> None:
        allowed = cls.settings()
        for k in keys:
            if k not in allowed:
                import difflib

                close = difflib.get_close_matches(str(k), allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise PolicyError(f"{where}: unknown setting {k!r}{hint}; allowed: {', '.join(allowed)}")

    def replace(self, **changes) -> Policy:
        """A copy with ``changes`` applied; mapping settings merge key by key (``None`` removes a key).

        Examples
        --------
        >>> p = Policy().replace(flag_routes={"fraud": None}, amount_threshold=2000)
        >>> sorted(p.flag_routes), p.amount_threshold
        (['privacy', 'safety'], 2000)
        """
        self._check_keys(changes, "Policy.replace")
        kwargs = dict(self._given)
        for k, v in changes.items():
            if k in _DEFAULT_MAPPINGS and v is not None:
                if not isinstance(v, Mapping):
                    raise TypeError(f"{k}: expected a mapping (table), got {type(v).__name__}")
                kwargs[k] = _merge(kwargs.get(k) or {}, v, keep_markers=True)
            else:
                kwargs[k] = v
        return Policy(**kwargs)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "policy") -> Policy:
        """A policy from a mapping of settings (unknown keys are refused, naming the allowed ones)."""
        if not isinstance(data, Mapping):
            raise PolicyError(f"{where}: expected a table of settings at the top level, got {type(data).__name__}")
        cls._check_keys(data, where)
        return cls(**dict(data))

    @classmethod
    def from_file(cls, path, **overrides) -> Policy:
        """Load a policy from a ``.toml`` or ``.yaml``/``.yml`` file, then apply ``overrides``.

        Settings absent from the file keep their defaults; a relative ``replies``
        path is read relative to the file. YAML needs PyYAML
        (``pip install 'complaint-triage[yaml]'``).

        Examples
        --------
        >>> from importlib.resources import files
        >>> p = Policy.from_file(files("triage.decisions") / "data" / "policy.example.toml")
        >>> p.amount_threshold, p.flag_routes["external_escalation"]
        (3000, 'public_relations')
        """
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix == ".toml":
            import tomllib

            with open(p, "rb") as fh:
                try:
                    data = tomllib.load(fh)
                except tomllib.TOMLDecodeError as e:
                    raise PolicyError(f"{p}: not valid TOML: {e}") from None
        elif suffix in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError:
                raise MissingDependencyError(
                    f"reading the YAML policy {p} needs PyYAML: pip install 'complaint-triage[yaml]' "
                    "(or write the policy as TOML)"
                ) from None
            with open(p, encoding="utf-8") as fh:
                try:
                    data = yaml.safe_load(fh)
                except yaml.YAMLError as e:
                    raise PolicyError(f"{p}: not valid YAML: {e}") from None
            data = {} if data is None else data
        else:
            raise PolicyError(f"{p}: policy files must end in .toml, .yaml or .yml, got {suffix or 'no suffix'!r}")
        if not isinstance(data, Mapping):
            raise PolicyError(f"{p}: expected a table of settings at the top level, got {type(data).__name__}")
        cls._check_keys(data, str(p))
        data = dict(data)
        if data.get("replies"):
            r = Path(str(data["replies"]))
            data["replies"] = str(r if r.is_absolute() else (p.parent / r))
        try:
            policy = cls(**data)
        except TypeError as e:
            raise PolicyError(f"{p}: {e}") from None
        except PolicyError as e:
            raise PolicyError(f"{p}: {e}") from None
        return policy.replace(**overrides) if overrides else policy

    def to_dict(self) -> dict[str, Any]:
        """Every setting, resolved against the defaults, as plain JSON/TOML-ready values.

        Examples
        --------
        >>> Policy().to_dict()["sla"]["resolution"]
        {'default': '3wd', 'complex': '5wd'}
        """

        def plain(v):
            if isinstance(v, Mapping):
                return {k: plain(x) for k, x in v.items()}
            if isinstance(v, tuple):
                return list(v)
            return v

        return {name: plain(getattr(self, name)) for name in self.settings()}


def _names(values, where: str, *, allowed=None, lower: bool = True) -> tuple[str, ...]:
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        raise PolicyError(f"{where}: expected a list of strings, got {values!r}")
    out = []
    for v in values:
        if not isinstance(v, str) or not v.strip():
            raise PolicyError(f"{where}: expected non-empty strings, got {v!r}")
        v = v.strip().lower() if lower else v.strip()
        if allowed is not None and v not in allowed:
            raise PolicyError(f"{where}: unknown value {v!r}; allowed: {list(allowed)}")
        out.append(v)
    return tuple(dict.fromkeys(out))


def _int(v, where: str, lo: int, hi: int | None = None) -> None:
    if isinstance(v, bool) or not isinstance(v, int) or v < lo or (hi is not None and v > hi):
        rng = f"{lo}..{hi}" if hi is not None else f">= {lo}"
        raise PolicyError(f"{where}: expected a whole number {rng}, got {v!r}")


def _selector(key: str, kind: str) -> str:
    """The canonical form of an SLA selector (type, priority, complexity; at most two)."""
    if key == "default":
        return key
    parts = str(key).split(".")
    found: dict[str, str] = {}
    for part in parts:
        kind_of = (
            "type"
            if part in _ALL_TYPES
            else "priority"
            if part in PRIORITIES
            else "complexity"
            if part in _COMPLEXITY
            else None
        )
        if kind_of is None or kind_of in found:
            raise PolicyError(
                f"sla.{kind}: unknown selector {key!r}; use 'default', a priority {list(PRIORITIES)}, a type "
                f"{list(_ALL_TYPES)}, 'complex' or 'ordinary', or two of different kinds joined by '.'"
            )
        found[kind_of] = part
    if len(found) > 2:
        raise PolicyError(f"sla.{kind}: selector {key!r} combines more than two conditions")
    return ".".join(found[k] for k in ("type", "priority", "complexity") if k in found)


_dataclass_init = Policy.__init__


@functools.wraps(_dataclass_init)
def _checked_init(self, **settings):
    # unknown settings fail with the allowed list (the generated __init__ would only name the key)
    Policy._check_keys(settings, "Policy")
    _dataclass_init(self, **settings)


Policy.__init__ = _checked_init  # type: ignore[method-assign]
