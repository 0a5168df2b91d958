"""Reply suggestions (话术): a checked script library, chosen by type × emotion (+ flags), filled from the ticket."""

from __future__ import annotations

import logging
import re
import threading
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..labels import EMOTIONS, FLAGS, NONE_TYPE, TYPES
from ._ticket import Reply

__all__ = [
    "ScriptLibrary",
    "Script",
    "Opening",
    "PLACEHOLDERS",
    "is_traditional_text",
    "traditional_config",
    "reply_values",
    "find_order_id",
]

logger = logging.getLogger(__name__)

#: Placeholders a script may use; ``order_id`` is optional and must sit inside ``[...]``.
PLACEHOLDERS: tuple[str, ...] = (
    "customer",
    "order_id",
    "hours",
    "response_time",
    "resolution_time",
    "resolution_date",
    "follow_up_time",
)
_OPTIONAL = frozenset({"order_id"})
_TOKEN = re.compile(r"\{([^{}]*)\}|[\[\]{}]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CANTONESE = re.compile("[嘅咗冇啲喺佢哋嘢嚟噉]")
_DIGIT = re.compile("[0-9\uff10-\uff19]")
_ALL_TYPES = (*TYPES, NONE_TYPE)
_DEFAULT_PATH = "data/replies.toml"


def _compile(text: str, where: str) -> tuple:
    """A template as a tuple of parts: str literals, ("ph", name) and ("opt", parts)."""
    from ._policy import PolicyError

    if not isinstance(text, str) or not text.strip():
        raise PolicyError(f"{where}: expected non-empty text, got {text!r}")
    top: list = []
    current = top
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            current.append(text[pos : m.start()])
        pos = m.end()
        tok = m.group(0)
        if tok == "[":
            if current is not top:
                raise PolicyError(f"{where}: optional segments '[...]' cannot nest")
            current = []
        elif tok == "]":
            if current is top:
                raise PolicyError(f"{where}: ']' without a matching '['")
            if not any(isinstance(p, tuple) for p in current):
                raise PolicyError(f"{where}: the optional segment [{''.join(current)}] has no placeholder")
            top.append(("opt", tuple(current)))
            current = top
        elif m.group(1) is not None:
            name = m.group(1)
            if name not in PLACEHOLDERS:
                raise PolicyError(f"{where}: unknown placeholder {{{name}}}; allowed: {', '.join(PLACEHOLDERS)}")
            if name in _OPTIONAL and current is top:
                raise PolicyError(
                    f"{where}: {{{name}}} may have no value, so it must sit inside an optional segment, "
                    f"e.g. [订单{{{name}}}的]"
                )
            current.append(("ph", name))
        else:
            raise PolicyError(f"{where}: unpaired {tok!r}; placeholders are written {{name}}")
    if current is not top:
        raise PolicyError(f"{where}: '[' without a matching ']'")
    if pos < len(text):
        top.append(text[pos:])
    return tuple(top)


def _placeholders(parts) -> set[str]:
    out = set()
    for p in parts:
        if isinstance(p, tuple):
            if p[0] == "ph":
                out.add(p[1])
            else:
                out |= _placeholders(p[1])
    return out


def _render(parts, values: Mapping[str, str | None]) -> str:
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(p)
        elif p[0] == "ph":
            out.append(values[p[1]])  # required placeholders always have a value
        elif all(values.get(n) for n in _placeholders(p[1])):
            out.append(_render(p[1], values))
    return "".join(out)


@dataclass(frozen=True)
class Script:
    """One reply script: an empathy line and an action (next step with a time promise)."""

    id: str
    type: str
    emotion: str
    empathy: tuple
    action: tuple
    uses: frozenset


@dataclass(frozen=True)
class Opening:
    """A flag-specific opening that replaces a script's empathy line."""

    id: str
    flag: str
    text: tuple
    uses: frozenset


class _Converters(threading.local):
    def __init__(self):
        self.by_config: dict[str, Any] = {}


_converters = _Converters()


def _opencc(config: str):
    conv = _converters.by_config.get(config)
    if conv is None:
        import opencc

        conv = _converters.by_config[config] = opencc.OpenCC(config)
    return conv


def is_traditional_text(text: str, *, min_share: float = 0.1) -> bool:
    """Whether a message is written in traditional characters.

    True when OpenCC ``t2s`` changes at least ``min_share`` of its Han
    characters: a simplified message with one traditional name in it stays
    simplified.

    Examples
    --------
    >>> is_traditional_text("這個軟體很爛，後來也沒人理")
    True
    >>> is_traditional_text("我在臺灣买的手机坏了，屏幕一直闪，客服也不回复")
    False
    """
    han = len(_HAN.findall(text))
    if not han:
        return False
    from ..features import to_simplified

    simp = to_simplified(text)
    if simp == text:
        return False
    if len(simp) == len(text):
        changed = sum(a != b for a, b in zip(text, simp))
    else:
        changed = sum(1 for ch in _HAN.findall(text) if to_simplified(ch) != ch)
    return changed >= min_share * han


def traditional_config(text: str, variant: str = "auto") -> str | None:
    """The OpenCC configuration for a reply to ``text`` (None: reply in simplified Chinese).

    Examples
    --------
    >>> traditional_config("點解部手機壞咗"), traditional_config("這個軟體很爛"), traditional_config("这个软件很烂")
    ('s2hk', 's2tw', None)
    """
    if variant == "none" or not is_traditional_text(text):
        return None
    if variant != "auto":
        return variant
    return "s2hk" if _CANTONESE.search(text) else "s2tw"


def _zh_date(due: datetime, created: datetime) -> str:
    # a deadline at 00:00 is the end of the previous day
    day = (due - timedelta(microseconds=1)).date()
    if day.year != created.year:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.month}月{day.day}日"


class ScriptLibrary:
    """A checked library of reply scripts (话术).

    A reply is an opening and an action. The opening is the first flag opening
    (in file order) whose flag the ticket has, else the script's empathy line;
    the action is the concrete next step with a time promise. Scripts are chosen
    by type × emotion, falling back to ``type × "*"``, ``"*" × emotion`` and
    ``"*" × "*"``; among several variants one is picked by a stable hash of the
    message, so the same ticket always gets the same reply.

    Libraries are TOML files (see ``triage/decisions/data/replies.toml``)::

        version = 1
        include_default = true       # optional: start from the shipped library

        [[opening]]
        id = "safety-1"
        flag = "safety"
        text = "..."

        [[script]]
        id = "product-angry-1"
        type = "product"             # a type, "none" or "*"
        emotion = "angry"            # an emotion or "*"
        empathy = "..."
        action = "...{response_time}内...[订单{order_id}的]..."

    With ``include_default = true``, your scripts replace the shipped ones of
    the same type × emotion and your openings those of the same flag.

    Loading checks every script and refuses the library, naming the script, when
    one contains a forbidden promise, uses an unknown placeholder, leaves an
    optional placeholder outside ``[...]``, or when some type × emotion (and
    non-complaints) has no script.

    Examples
    --------
    >>> lib = ScriptLibrary.load()
    >>> len(lib.scripts) >= 42, sorted({o.flag for o in lib.openings})[:3]
    (True, ['external_escalation', 'fraud', 'privacy'])
    """

    def __init__(self, scripts: Sequence[Script], openings: Sequence[Opening], *, source: str = "<memory>"):
        self.scripts = tuple(scripts)
        self.openings = tuple(openings)
        self.source = source
        index: dict[tuple[str, str], list[Script]] = {}
        for s in self.scripts:
            index.setdefault((s.type, s.emotion), []).append(s)
        self._index = {k: tuple(v) for k, v in index.items()}
        flags: dict[str, list[Opening]] = {}
        for o in self.openings:
            flags.setdefault(o.flag, []).append(o)
        self._openings = {k: tuple(v) for k, v in flags.items()}
        self._choice_cache: dict[tuple[str, str], tuple[Script, ...]] = {}
        missing = [f"{t} × {e}" for t in _ALL_TYPES for e in EMOTIONS if not self._candidates(t, e)]
        if missing:
            from ._policy import PolicyError

            raise PolicyError(
                f"{source}: no script for {', '.join(missing[:6])}{' …' if len(missing) > 6 else ''}; add scripts "
                'for them, or catch-alls with type = "*" and/or emotion = "*"'
            )

    def __repr__(self) -> str:
        return f"<ScriptLibrary {self.source}: {len(self.scripts)} scripts, {len(self.openings)} openings>"

    # -- loading -------------------------------------------------------------------
    @classmethod
    def load(cls, path=None, *, forbidden: Sequence[str] = ()) -> ScriptLibrary:
        """Load a TOML library (``None``: the shipped one) and check it against ``forbidden`` phrases."""
        import tomllib

        from ._policy import PolicyError

        if path is None:
            from importlib.resources import files

            res = files("triage.decisions").joinpath(_DEFAULT_PATH)
            data, source = tomllib.loads(res.read_text(encoding="utf-8")), "triage/decisions/" + _DEFAULT_PATH
        else:
            p = Path(path)
            try:
                text = p.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise FileNotFoundError(f"reply script library {p} does not exist (Policy.replies)") from None
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as e:
                raise PolicyError(f"{p}: not valid TOML: {e}") from None
            source = str(p)
        return cls.from_dict(data, forbidden=forbidden, source=source)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, forbidden: Sequence[str] = (), source: str = "<memory>"
    ) -> ScriptLibrary:
        """Build a library from the parsed TOML structure (``script`` and ``opening`` lists)."""
        from ..features import to_simplified
        from ._policy import PolicyError

        allowed = {"version", "include_default", "script", "opening"}
        for k in data:
            if k not in allowed:
                raise PolicyError(f"{source}: unknown key {k!r}; allowed: {sorted(allowed)}")
        banned = [(p, to_simplified(p)) for p in forbidden]

        def check(sid: str, field: str, text: str) -> tuple:
            parts = _compile(text, f"{source}: script {sid!r} {field}")
            simple = to_simplified(text)
            for phrase, simp_phrase in banned:
                if simp_phrase in simple:
                    raise PolicyError(
                        f"{source}: script {sid!r} promises {phrase!r}, which the policy forbids "
                        "(Policy.forbidden_phrases); reword the script"
                    )
            return parts

        seen: set[str] = set()

        def new_id(item: Mapping, kind: str) -> str:
            sid = item.get("id")
            if not isinstance(sid, str) or not sid.strip():
                raise PolicyError(f"{source}: every {kind} needs an id, got {dict(item)!r:.120}")
            if sid in seen:
                raise PolicyError(f"{source}: duplicate id {sid!r}")
            seen.add(sid)
            return sid

        scripts, openings = [], []
        for item in data.get("script", []):
            sid = new_id(item, "script")
            extra = set(item) - {"id", "type", "emotion", "empathy", "action"}
            if extra:
                raise PolicyError(f"{source}: script {sid!r} has unknown keys {sorted(extra)}")
            typ, emo = item.get("type", "*"), item.get("emotion", "*")
            if typ not in (*_ALL_TYPES, "*"):
                raise PolicyError(f"{source}: script {sid!r} type must be one of {[*_ALL_TYPES, '*']}, got {typ!r}")
            if emo not in (*EMOTIONS, "*"):
                raise PolicyError(f"{source}: script {sid!r} emotion must be one of {[*EMOTIONS, '*']}, got {emo!r}")
            emp = check(sid, "empathy", item.get("empathy"))
            act = check(sid, "action", item.get("action"))
            scripts.append(Script(sid, typ, emo, emp, act, frozenset(_placeholders(emp) | _placeholders(act))))
        for item in data.get("opening", []):
            oid = new_id(item, "opening")
            extra = set(item) - {"id", "flag", "text"}
            if extra:
                raise PolicyError(f"{source}: opening {oid!r} has unknown keys {sorted(extra)}")
            flag = item.get("flag")
            if flag not in FLAGS:
                raise PolicyError(f"{source}: opening {oid!r} flag must be one of {list(FLAGS)}, got {flag!r}")
            parts = check(oid, "text", item.get("text"))
            openings.append(Opening(oid, flag, parts, frozenset(_placeholders(parts))))
        if data.get("include_default"):
            base = cls.load(None, forbidden=forbidden)
            mine = {(s.type, s.emotion) for s in scripts}
            my_flags = {o.flag for o in openings}
            clash = seen & {s.id for s in base.scripts} | seen & {o.id for o in base.openings}
            kept_scripts = [s for s in base.scripts if (s.type, s.emotion) not in mine]
            kept_openings = [o for o in base.openings if o.flag not in my_flags]
            clash &= {s.id for s in kept_scripts} | {o.id for o in kept_openings}
            if clash:
                raise PolicyError(f"{source}: id {sorted(clash)[0]!r} is already used by the shipped library")
            scripts += kept_scripts
            openings = openings + kept_openings
        return cls(scripts, openings, source=source)

    # -- choosing and rendering ------------------------------------------------------
    def _candidates(self, typ: str, emotion: str) -> tuple[Script, ...]:
        got = self._choice_cache.get((typ, emotion))
        if got is None:
            got = ()
            for key in ((typ, emotion), (typ, "*"), ("*", emotion), ("*", "*")):
                if key in self._index:
                    got = self._index[key]
                    break
            self._choice_cache[(typ, emotion)] = got
        return got

    def choose(self, typ: str, emotion: str, flags: Sequence[str], key: str) -> tuple[Script, Opening | None]:
        """The script and (maybe) the flag opening for a ticket; ``key`` picks among variants stably."""
        h = zlib.crc32(key.encode("utf-8", "surrogatepass"))
        cands = self._candidates(typ, emotion)
        script = cands[h % len(cands)]
        opening = None
        if flags:
            for flag, options in self._openings.items():
                if flag in flags:
                    opening = options[h % len(options)]
                    break
        return script, opening

    def render(
        self,
        text: str,
        *,
        type: str,
        emotion: str,
        flags: Sequence[str] = (),
        values: Mapping[str, Any],
        order_id_from=None,
        variant: str = "auto",
    ) -> Reply:
        """A filled reply for a message (traditional script for traditional input).

        ``values`` has every placeholder except ``order_id``, which may be
        missing; ``order_id_from`` is a callable that finds one in ``text`` when
        the chosen script can use it.
        """
        script, opening = self.choose(type, emotion, flags, text)
        vals = dict(values)
        uses = script.uses | (opening.uses if opening else frozenset())
        if not vals.get("order_id") and "order_id" in uses and order_id_from is not None:
            vals["order_id"] = order_id_from(text)
        first = _render(opening.text if opening else script.empathy, vals)
        reply = first + _render(script.action, vals)
        config = traditional_config(text, variant)
        if config is not None:
            reply = _opencc(config).convert(reply)
        return Reply(
            text=reply,
            script_id=script.id,
            opening_id=opening.id if opening else None,
            script="traditional" if config else "simplified",
            conversion=config,
        )


def reply_values(
    *, customer: str | None, order_id: str | None, created: datetime, deadlines, durations: Mapping
) -> dict[str, Any]:
    """Placeholder values of one ticket."""
    first = durations["first_response"]
    return {
        "customer": customer or "您",
        "order_id": order_id,
        "hours": str(first.hours),
        "response_time": first.zh,
        "resolution_time": durations["resolution"].zh,
        "resolution_date": _zh_date(deadlines.resolution, created),
        "follow_up_time": durations["follow_up"].zh,
    }


def find_order_id(text: str) -> str | None:
    """The first order number that ``triage.extract`` finds in ``text`` (None when it is absent or finds none)."""
    try:
        import triage

        extract = getattr(triage, "extract", None)
    except ImportError:  # pragma: no cover
        return None
    if extract is None or not _DIGIT.search(text):  # an order number has digits: skip the extractor without one
        return None
    try:
        for ent in extract(text):
            if getattr(ent, "kind", None) == "order_id" and getattr(ent, "text", None):
                return str(ent.text)
    except Exception:  # a reply suggestion never fails because of the extractor
        logger.debug("triage.extract failed; the reply has no order number", exc_info=True)
    return None
