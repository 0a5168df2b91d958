"""Key facts in a customer message: order numbers, phones, money, dates, durations, waybills, plates, e-mail, demands.

:func:`extract` finds them with character offsets into the caller's string.
It follows the annotation guide ``tests/data/EXTRACT_GUIDE.md`` (kinds, span
rules, value formats). All regular expressions run on a *shadow* of the text
(full-width ASCII folded to ASCII, traditional characters converted to
simplified one for one, HTML tags and entities blanked, zero-width characters
skipped and remembered), so offsets always index the original string.
Candidates of different kinds are resolved by a fixed priority (e-mail, then
labelled ids and waybills, identity and bank cards, plates, phones, dates,
money, durations), then by length: a phone inside an order id is not reported.
Patterns are compiled on first use, not at import.

The scanner here is shared with :mod:`triage._pii`: a validated identity or
bank card number is found by the same pass (it is then never read as a phone
or a date), and numbers labelled as something else (会员号, QQ, 工号, 尾号…)
are claimed before any other reading.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ._cnnum import parse_number, parse_quantity

__all__ = ["Entity", "extract", "KINDS", "DEFAULT_MAX_CHARS"]


class _LazyRe:
    """A regular expression compiled on first use, so that importing triage compiles nothing."""

    __slots__ = ("_args", "_re")

    def __init__(self, pattern: str, flags: int = 0):
        self._args, self._re = (pattern, flags), None

    def get(self) -> re.Pattern[str]:
        if self._re is None:
            self._re = re.compile(*self._args)  # two threads may both compile: harmless
        return self._re

    def search(self, *args):
        return self.get().search(*args)

    def match(self, *args):
        return self.get().match(*args)

    def fullmatch(self, *args):
        return self.get().fullmatch(*args)

    def finditer(self, *args):
        return self.get().finditer(*args)

    def sub(self, *args):
        return self.get().sub(*args)

#: The entity kinds :func:`extract` reports, in the annotation guide's order.
KINDS: tuple[str, ...] = (
    "order_id", "phone", "money", "date", "duration", "tracking_number", "car_plate", "email", "demand",
)
#: Characters of a message that :func:`extract` reads by default (the rest is not scanned).
DEFAULT_MAX_CHARS = 10_000


@dataclass(frozen=True, slots=True)
class Entity:
    """One fact found in a message.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS` (or a PII kind, for :func:`triage._pii.find_pii`).
    text : str
        ``original_text[start:end]``.
    start, end : int
        Offsets into the caller's string (``end`` exclusive).
    value
        The normalised fact: a ``str`` for ids, phones, plates, e-mail, dates
        and demands; a ``dict`` for money (``amount``, ``currency``, maybe
        ``approx``) and durations (``amount``, ``unit``, ``approx``, maybe
        ``amount_max``). Treat it as read-only.
    """

    kind: str
    text: str
    start: int
    end: int
    value: Any = None

    def __hash__(self) -> int:  # value may be a dict
        return hash((self.kind, self.text, self.start, self.end))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the keys ``kind``, ``start``, ``end``, ``text``, ``value``."""
        value = dict(self.value) if isinstance(self.value, dict) else self.value
        return {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text, "value": value}


# --------------------------------------------------------------------------- the shadow text

_FORMAT = _LazyRe("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]")


@functools.cache
def _fold_table() -> dict[int, int]:
    # full-width ASCII, except the ideographic comma: "500，500" is two numbers, not 500,500
    table = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if c != 0xFF0C}
    table[0x3000] = 0x20  # ideographic space
    for c in (0x2010, 0x2011, 0x2012, 0x2013, 0x2212, 0xFE63):
        table[c] = 0x2D  # hyphens and minus signs
    table[0x301C] = 0x7E  # wave dash
    table[0xFFE5] = 0xA5  # full-width yen
    for c in list(range(0x00, 0x09)) + list(range(0x0B, 0x0D)) + list(range(0x0E, 0x20)) + list(range(0x7F, 0xA0)):
        table[c] = 0x20  # control characters separate words
    for c in range(0xD800, 0xE000):
        table[c] = 0xFFFD  # unpaired surrogates
    return table


class _Shadow:
    """The text the patterns read: same length as the scanned text, or with format characters skipped."""

    __slots__ = ("s", "index")

    def __init__(self, text: str):
        index = None
        if _FORMAT.search(text):
            index = [i for i, c in enumerate(text) if not _FORMAT.match(c)]
            text = "".join(text[i] for i in index)
        s = _FOLD.sub(_fold_run, text) if _FOLD.search(text) else text
        if "<" in s or "&" in s:  # HTML tags and entities read as spaces: 订单号<b>123</b>
            s = _MARKUP.sub(_blank, s)
        if not s.isascii():
            s = _simplified(s)
        self.s, self.index = s, index

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of the shadow span ``[start, end)``."""
        if self.index is None:
            return start, end
        return self.index[start], self.index[end - 1] + 1


# the characters _fold_table changes (the ideographic comma U+FF0C is left alone)
_FOLD = _LazyRe(
    "[\uff01-\uff0b\uff0d-\uff5e\u3000\u2010-\u2013\u2212\ufe63\u301c\uffe5"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]+"
)


_MARKUP = _LazyRe(r"</?[A-Za-z][^<>]{0,200}>|&(?:[A-Za-z]{2,8}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});")


def _blank(m: re.Match[str]) -> str:
    return " " * (m.end() - m.start())


def _fold_run(m: re.Match[str]) -> str:
    return m.group().translate(_fold_table())


def _simplified(s: str) -> str:
    from .features._normalize import to_simplified

    t = to_simplified(s)
    if len(t) == len(s):
        return t
    # a phrase conversion changed the length: convert character by character instead
    out = []
    for c in s:
        d = to_simplified(c)
        out.append(d if len(d) == 1 else c)
    return "".join(out)


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", _FORMAT.sub("", s))


# --------------------------------------------------------------------------- patterns

# numeral characters the patterns accept (after t2s): a subset of _cnnum.CN_NUMERAL_CHARS without the
# spoken forms (洞, 幺, 仨…) that are ordinary words in running text
_CN = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_CLAUSE_END = "，。！？；,.!?;\n\r"
_ALNUM = "A-Za-z0-9"

# cues of identifiers, by the kind of the number they name
_CUES: dict[str, str] = {
    **dict.fromkeys(
        "订单编号 订单号码 订单号 订单id 订单ID 订单 订单编码 交易单号 交易号 交易编号 支付流水号 支付单号 流水号 商户单号 "
        "商户订单号 退款单号 售后单号 售后编号 服务单号 工单号 工单编号 工单 预订号 预定号 预约号 确认号 保单号 合同号 合同编号 "
        "账单号 票号 单子 单据号 申请单号 维修单号 订购单号 退货单号 投诉单号 案件号 受理号 编号 单号".split(), "order_id"),
    **dict.fromkeys("快递单号 运单号 运单编号 物流单号 包裹单号 面单号 快递号 物流号 快递编号 运单".split(), "tracking_number"),
    # numbers named as something else are claimed first, so they are never read as a phone or masked
    **dict.fromkeys(
        "会员号 会员卡号 会员编号 会员ID 工号 员工号 UID uid ID号 用户ID 用户名 QQ号 QQ qq号 qq 扣扣 微信号 "
        "户号 客户号 客户编号 学号 档案号 车架号 设备号 电表号 水表号 燃气号 缴费号 "
        "尾号 验证码 取件码 提货码 券码 优惠码 兑换码 激活码 序列号 SN码 SN IMEI 型号 房间号 房号 车次 航班号 航班 座位号 "
        "发票号码 发票号 税号 批次号 密码 邮编".split(), "_other"),
    # a courier's name before a long number: "中通快递 75312345678901"
    **dict.fromkeys("快递 顺丰 中通 圆通 申通 韵达 极兔 邮政 EMS 德邦 百世 京东物流 京东快递 天天快递 优速".split(), "_carrier"),
}
_EN_CUES = (
    r"(?i:(?P<en_track>tracking (?:number|no\.?)|tracking|waybill)|order(?:[ _]?(?:no\.?|number|id|#))?|"
    r"booking (?:ref(?:erence)?|no\.?|number|id)|reference (?:no\.?|number)|ref\.? no\.?|ref\.?|"
    r"transaction (?:id|no\.?)|ticket (?:no\.?|number|id))"
)


def _first_char_alternation(words) -> str:
    """``a(?:bc|b)|d(?:e)``: an alternation whose branches start with a literal, which the
    regular expression engine turns into a fast first-character scan."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w[1:])
    return "|".join(
        re.escape(c) + "(?:" + "|".join(re.escape(r) for r in sorted(rest, key=len, reverse=True)) + ")"
        for c, rest in groups.items()
    )


_ID_BODY = rf"[{_ALNUM}](?:[{_ALNUM}]|-(?=[{_ALNUM}])| (?=[0-9]{{3}}))*"


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    cn = f"[{_CN}]"
    num = r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?"
    gap = r"\s*(?:(?:[:#=(\[“\"'「『【（]|是|为|号码|如下|就是|分别是)\s*){0,3}"
    p: dict[str, str] = {}
    p["url"] = r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    p["email"] = (
        r"(?<![A-Za-z0-9._%+\-*@])[A-Za-z0-9][A-Za-z0-9._%+\-]*@"
        r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"
        r"(?![A-Za-z0-9])"
    )
    tail = rf"(?P<gap>{gap})(?<![{_ALNUM}])(?P<id>{_ID_BODY})"
    p["cued"] = rf"(?P<cue>{_first_char_alternation(_CUES)}){tail}"
    p["cued_en"] = rf"(?<![A-Za-z])(?P<cue>{_EN_CUES}){tail}"
    # a further id in a list after a cued one: "订单号 123456、234567 和 345678"
    p["more_id"] = rf"\s*(?:[、/,和及与跟]|以及|还有)\s*(?:#)?(?P<id>{_ID_BODY})"
    # an id named by the word after it: "我那个 #55201 的单"
    p["order_after"] = rf"(?<![{_ALNUM}#\-])#?(?P<id>[{_ALNUM}][{_ALNUM}\-]{{4,}}+)\s?(?:的|这个|那个)?(?:单子|订单|单)(?![号据价])"
    p["waybill"] = (
        r"(?<![A-Za-z0-9])(?:SF[0-9]{12,15}|JD[A-Z0-9]{10,18}|YT[0-9]{12,15}|JT[0-9]{12,15}|ZTO[0-9]{10,15}|"
        r"DPK[0-9]{9,15}|YD[0-9]{10,15}|[A-Z]{2}[0-9]{9}[A-Z]{2})(?![A-Za-z0-9])"
    )
    p["id_card"] = (
        r"(?<![A-Za-z0-9*])[1-9][0-9]{5} ?(?:19|20)[0-9]{2} ?[0-9]{4} ?[0-9]{3}[0-9Xx](?![A-Za-z0-9*])"
    )
    # a run of digits joined by single spaces or hyphens; bank cards are read inside it (_bank_cards)
    p["digit_run"] = r"(?<![A-Za-z0-9\-*])[0-9*]+(?:[ \-][0-9*]+)*(?![A-Za-z0-9*])"
    p["phone"] = (
        r"(?<![A-Za-z0-9*+])(?:"
        r"(?P<pre>(?:\+|00)?86[ \-]?)?(?P<mob>1[3-9][0-9](?:[ \-]?[0-9]{4}){2})"
        r"|(?P<land>\(0[1-9][0-9]{1,2}\) ?[0-9]{3,4}[ \-]?[0-9]{4}|0[1-9][0-9]{1,2}[ \-][0-9]{3,4}[ \-]?[0-9]{4}"
        r"|0[1-9][0-9]{1,2}-?[0-9]{7,8})"
        r"|(?P<svc>[48]00[ \-]?[0-9]{3}[ \-]?[0-9]{4})"
        r"|(?P<intl>\+(?:852|853|886)) ?(?P<local>[0-9](?:[ \-]?[0-9]){6,9})"
        r"|(?P<short>1[0-2][0-9]{3}|95[0-9]{3}|96[0-9]{3})"
        r")(?![A-Za-z0-9*])"
    )
    p["call_before"] = r"(?:打|拨|拨打|致电|电话|热线|呼叫|call|联系|打给|打了|打过|打通|打到)[^0-9，。！？,.!?;；]{0,3}$"
    p["call_after"] = r"^(?:热线|客服|电话|人工|投诉电话|的客服|打不通|一直|也打不通|没人接|占线)"
    p["plate"] = (
        r"(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
        r"[A-HJ-NP-Za-hj-np-z][·•\- ]?"
        r"(?:[A-HJ-NP-Za-hj-np-z0-9]{5,6}|[A-HJ-NP-Za-hj-np-z0-9]{4}[港澳学挂警领试超使])(?![A-Za-z0-9])"
    )
    units = (
        "块钱|块|元|圆|毛钱|毛|角|美元|美金|刀|港币|港元|港纸|台币|新台币|澳门币|欧元|日元|円|英镑|人民币|"
        "RMB|rmb|CNY|USD|HKD|TWD|MOP|EUR|GBP|JPY"
    )
    pre = r"US\$|HK\$|NT\$|MOP\$|RMB|rmb|CNY|USD|HKD|TWD|MOP|EUR|GBP|JPY|人民币|[$¥€£]"
    amount = rf"(?:{num}(?:[十百千](?![0-9]))?|(?<![{_CN}]){cn}{{1,12}})"
    p["money"] = (
        rf"(?<![A-Za-z0-9.])(?<![0-9],)(?:"
        rf"(?P<pre>{pre}) ?(?P<pnum>{num})(?P<pmult>[万千kKwW](?![A-Za-z]))?(?P<papx>多|余)?(?P<punit>元|块钱|块)?"
        rf"|(?P<num>{amount}|几[十百千万]+)(?P<mult>[万千kKwW](?![A-Za-z]))?(?P<apx>多|余|来|几)?(?P<mult2>[万千])? ?"
        rf"(?P<unit>{units})(?P<tail>(?<=块)[0-9一二两三四五六七八九](?:毛|角)?(?![0-9]))?"
        rf")(?![0-9])"
    )
    dur_units = "分钟|小时|个小时|钟头|个钟头|工作日|个工作日|天|日|周|个星期|星期|个礼拜|礼拜|个月|月|年"
    p["duration"] = (
        rf"(?<![第0-9.{_CN}几哪每这那同])(?:"
        rf"(?P<num>[0-9]+(?:\.[0-9]+)?|[{_CN}几]{{1,12}}|半)"
        rf"(?:(?P<sep>-|~|到|至)(?P<num2>[0-9]+(?:\.[0-9]+)?|[{_CN}]{{1,12}}))?"
        rf"(?P<ge>个)?(?P<apx>多|余|来)?(?P<half>半)?(?P<unit>{dur_units})(?P<half2>半(?![个月年天小钟]))?(?P<apx2>多)?"
        rf"|(?P<gebe>个把)(?P<unit2>月|星期|礼拜|小时|钟头)"
        rf")"
    )
    year = r"(?:19|20)[0-9]{2}|[0-9]{2}|[零〇一二三四五六七八九]{4}"
    month = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
    day = r"3[01]|[12][0-9]|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
    p["date_ymd"] = (
        rf"(?<![0-9{_CN}])(?P<y>{year})年(?:(?P<m>{month})月(?:份)?(?:(?P<d>{day})(?:日|号))?)?"
        rf"|(?<![0-9.\-/])(?P<y2>(?:19|20)[0-9]{{2}})(?P<s>[\-/.])(?P<m2>1[0-2]|0?[1-9])(?P=s)(?P<d2>3[01]|[12][0-9]|0?[1-9])(?![0-9])"
        rf"|(?<![0-9A-Za-z])(?<![0-9][ \-])(?P<y3>(?:19|20)[0-9]{{2}})(?P<m3>1[0-2]|0[1-9])(?P<d3>3[01]|[12][0-9]|0[1-9])"
        rf"(?![0-9A-Za-z])(?![ \-][0-9])"
    )
    p["date_md"] = (
        rf"(?<![0-9{_CN}个几多])(?P<m>{month})月(?P<fen>份)?(?:(?P<d>{day})(?:日|号))?"
        rf"|(?<![0-9{_CN}第几a-zA-Z])(?P<dd>{day})号(?![楼线店门床房室桌柜窗机位座院台车技码])"
    )
    rel_day = "大前天|前天|昨天|昨日|昨儿|昨晚|昨早|前晚|今天|今日|今儿|今早|今晚|明天|明日|明儿|大后天|后天"
    week = r"上上个?(?:周|星期|礼拜)|下下个?(?:周|星期|礼拜)|上个?(?:周|星期|礼拜)|下个?(?:周|星期|礼拜)|(?:这个?|本)(?:周|星期|礼拜)"
    p["date_rel"] = (
        rf"(?P<day>{rel_day})"
        rf"|(?P<week>{week})(?P<wd>[一二三四五六日天1-7])?"
        rf"|(?P<month>上上个?月|上个?月|下下个?月|下个?月|这个?月|本月)(?:(?P<md>{day}|[0-9]{{1,2}})(?:号|日))?"
        rf"|(?P<year>前年|去年|今年|明年|后年)(?:(?P<ym>{month})月(?:份)?(?:(?P<yd>{day})(?:号|日))?)?"
        rf"|(?<![上下这本个])(?P<bare>周|星期|礼拜)(?P<bwd>[一二三四五六日天])"
        rf"|(?<![第0-9{_CN}几])(?P<n>[0-9]+|[{_CN}]{{1,12}}|半)(?P<ge>个)?(?P<apx>多)?(?P<u>天|日|周|星期|礼拜|月|年)(?P<apx2>多)?"
        rf"(?P<dir>之前|以前|前|之后|以后|后)"
    )
    p["blocked_before"] = r"(?:尾号|QQ|qq|扣扣|工号|验证码|会员号|编号|第|型号)[ :#]*$"
    return {k: re.compile(v) for k, v in p.items()}


# --------------------------------------------------------------------------- values

_CURRENCY = {
    "元": "CNY", "圆": "CNY", "块": "CNY", "块钱": "CNY", "毛": "CNY", "毛钱": "CNY", "角": "CNY", "¥": "CNY",
    "rmb": "CNY", "cny": "CNY", "人民币": "CNY",
    "$": "USD", "us$": "USD", "usd": "USD", "美元": "USD", "美金": "USD", "刀": "USD",
    "hk$": "HKD", "hkd": "HKD", "港币": "HKD", "港元": "HKD", "港纸": "HKD",
    "nt$": "TWD", "twd": "TWD", "台币": "TWD", "新台币": "TWD",
    "mop": "MOP", "mop$": "MOP", "澳门币": "MOP",
    "€": "EUR", "eur": "EUR", "欧元": "EUR",
    "日元": "JPY", "円": "JPY", "jpy": "JPY",
    "£": "GBP", "gbp": "GBP", "英镑": "GBP",
}
_MULT = {"万": 10_000, "w": 10_000, "W": 10_000, "千": 1000, "k": 1000, "K": 1000}
_DUR_UNIT = {
    "分钟": "minute", "小时": "hour", "个小时": "hour", "钟头": "hour", "个钟头": "hour", "天": "day", "日": "day",
    "工作日": "workday", "个工作日": "workday", "周": "week", "星期": "week", "个星期": "week", "礼拜": "week",
    "个礼拜": "week", "月": "month", "个月": "month", "年": "year",
}
_REL_UNIT = {"天": "d", "日": "d", "周": "w", "星期": "w", "礼拜": "w", "月": "m", "年": "y"}
_REL_DAY = {
    "大前天": -3, "前天": -2, "前晚": -2, "昨天": -1, "昨日": -1, "昨儿": -1, "昨晚": -1, "昨早": -1,
    "今天": 0, "今日": 0, "今儿": 0, "今早": 0, "今晚": 0, "明天": 1, "明日": 1, "明儿": 1, "后天": 2, "大后天": 3,
}
_WEEKDAY = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, **{str(i): i for i in range(1, 8)}}
_REL_YEAR = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}


def _num(s: str) -> int | float | None:
    return parse_number(s.replace(",", ""))


def _rel(n: int | float) -> str:
    n = int(n)
    return f"+{n}" if n > 0 else str(n)


def _rel_offset(word: str) -> int:
    if word.startswith("上上") or word.startswith("下下"):
        return -2 if word[0] == "上" else 2
    if word[0] == "上":
        return -1
    if word[0] == "下":
        return 1
    return 0


def _money_value(m: re.Match[str]) -> dict[str, Any] | None:
    g = m.groupdict()
    if g["pre"]:
        amount = _num(g["pnum"])
        mult, apx, cur = g["pmult"], g["papx"], g["pre"]
    else:
        raw = g["num"]
        mult, apx, cur = g["mult"] or g["mult2"], g["apx"], g["unit"]
        amount = _num(raw)
        if amount is None and raw[0] == "几":  # 几十块: tens of yuan
            amount, apx = parse_number("一" + raw[1:]), apx or "几"
        elif amount is None:
            q = parse_quantity(raw)
            amount = q.value
            apx = apx or {"more": "多", "about": "来"}.get(q.approx or ("about" if q.upper else ""))
    if amount is None:
        return None
    if mult:
        amount *= _MULT[mult]
    if cur in ("毛", "毛钱"):
        amount /= 10
    elif cur == "角":
        amount /= 10
    tail = g.get("tail")
    if tail:
        d = parse_number(tail[0]) or 0
        amount += d / 10
    value: dict[str, Any] = {"amount": _clean(amount), "currency": _CURRENCY.get(cur.lower(), _CURRENCY.get(cur, "CNY"))}
    if apx in ("多", "余") or (apx == "几" and not (g["num"] or "").startswith("几")):
        value["approx"] = "more"  # 三百多, 十几块
    elif apx in ("来", "几"):
        value["approx"] = "about"  # 五十来块, 几十块
    return value


def _clean(v: float) -> int | float:
    r = round(float(v), 6)
    return int(r) if r == int(r) else r


def _ymd(y: str | None, m: str | None, d: str | None) -> str | None:
    from ._pii import _month_days

    yy = None
    if y is not None:
        yy = parse_number(y, digit_string=True) if not y.isdigit() else int(y)
        if yy is None:
            return None
        if len(y) == 2:
            yy += 2000
    mm = parse_number(m) if m is not None else None
    dd = parse_number(d) if d is not None else None
    if (m is not None and (mm is None or not 1 <= mm <= 12)) or (d is not None and (dd is None or not 1 <= dd <= 31)):
        return None
    if mm is not None and dd is not None and dd > _month_days(2000 if yy is None else int(yy), int(mm)):
        return None  # 2月30日 (a date without a year may be 29 February)
    if yy is not None:
        out = f"{int(yy):04d}"
        if mm is not None:
            out += f"-{int(mm):02d}"
            if dd is not None:
                out += f"-{int(dd):02d}"
        return out
    if mm is not None:
        return f"--{int(mm):02d}" + (f"-{int(dd):02d}" if dd is not None else "")
    if dd is not None:
        return f"---{int(dd):02d}"
    return None


# --------------------------------------------------------------------------- the scan

# candidates are resolved by priority (lower first), then length (longer first), then position
_PRIO = {
    "email": 0, "_url": 0, "tracking_number": 1, "order_id": 1, "_other": 1,
    "id_card": 2, "bank_card": 2, "car_plate": 3, "phone": 4, "date": 5, "money": 6, "duration": 7,
}


class _Scan:
    """Every non-demand candidate of one text, resolved into non-overlapping spans."""

    def __init__(self, text: str):
        self.text = text
        self.sh = _Shadow(text)
        self.cands: list[tuple[int, int, int, str, Any]] = []  # (prio, start, end, kind, value) on the shadow

    def add(self, kind: str, start: int, end: int, value: Any) -> None:
        self.cands.append((_PRIO[kind], start, end, kind, value))

    def resolve(self) -> list[tuple[int, int, str, Any]]:
        taken = bytearray(len(self.sh.s))
        out = []
        for _prio, start, end, kind, value in sorted(self.cands, key=lambda c: (c[0], c[1] - c[2], c[1])):
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            out.append((start, end, kind, value))
        out.sort()
        return out


def _scan(text: str, *, want_pii: bool) -> tuple[_Shadow, list[tuple[int, int, str, Any]]]:
    """Candidates of every kind (and the internal ones: URLs, labelled numbers, identity and bank
    cards), resolved. ``want_pii`` skips the kinds that cannot hold personal data (dates, money, durations)."""
    pats = _patterns()
    sc = _Scan(text)
    s = sc.sh.s
    if "@" in s:
        if "http" in s or "www." in s:
            for m in pats["url"].finditer(s):
                sc.add("_url", m.start(), m.end(), None)
        for m in _finditer(pats["email"], s, _windows(s, _AT_SIGN, 64)):
            sc.add("email", m.start(), m.end(), _nfkc(_text_span(sc, m.start(), m.end())).lower())
    # every identifier holds a digit: read only the text around digits (fast on long texts)
    windows = _windows(s, _DIGITS, 24)
    if windows:
        _scan_identifiers(sc, pats, windows)
        # identity and bank cards are claimed in both modes, so a phone is never read inside one
        from ._pii import id_card_ok, luhn_ok

        for m in _finditer(pats["id_card"], s, windows):
            if id_card_ok(m.group().replace(" ", "")):
                sc.add("id_card", m.start(), m.end(), None)
        for m in _finditer(pats["digit_run"], s, windows):
            if m.end() - m.start() >= 16:
                for a, b in _bank_cards(m, luhn_ok):
                    sc.add("bank_card", a, b, None)
        _scan_phones(sc, pats, windows)
        for m in _finditer(pats["plate"], s, windows):
            if sum(c.isdigit() for c in m.group()) >= 2:
                value = re.sub("[·•\\- ]", "", _nfkc(_text_span(sc, m.start(), m.end()))).upper()
                sc.add("car_plate", m.start(), m.end(), value)
    if not want_pii:
        # dates, money and durations are read only near the characters they need (年, 元, 天…)
        _scan_dates(sc, pats, _windows(s, _DATE_ANCHOR, 24))
        _scan_money(sc, pats, _windows(s, _MONEY_ANCHOR, 24))
        _scan_durations(sc, pats, _windows(s, _DURATION_ANCHOR, 24))
    return sc.sh, sc.resolve()


_DIGITS = _LazyRe("[0-9]+")
_AT_SIGN = _LazyRe("@+")
_DATE_ANCHOR = _LazyRe("[0-9年月日号號天晚早儿周期拜]+")
_MONEY_ANCHOR = _LazyRe("[元圆块毛角刀币金镑円纸$¥€£]+|(?i:rmb|cny|usd|hkd|twd|mop|eur|gbp|jpy)")
_DURATION_ANCHOR = _LazyRe("[钟时天日周期拜月年]+")
_ASCII_LETTER = _LazyRe("[A-Za-z]")
_ALNUM_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def _windows(s: str, anchor: _LazyRe, margin: int) -> list[tuple[int, int]]:
    """Merged stretches of ``s`` within ``margin`` characters of an ``anchor`` match.

    Each stretch also runs to the end of the letters and digits it cuts, so a
    pattern matched inside a stretch never ends early at its edge.
    """
    out: list[list[int]] = []
    n = len(s)
    for m in anchor.finditer(s):
        a, b = max(0, m.start() - margin), min(n, m.end() + margin)
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    for w in out:
        while w[1] < n and s[w[1]] in _ALNUM_CHARS:
            w[1] += 1
    return [(a, b) for a, b in out]


def _finditer(pattern: re.Pattern[str], s: str, windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    for a, b in windows:
        yield from pattern.finditer(s, a, b)


def _text_span(sc: _Scan, start: int, end: int) -> str:
    a, b = sc.sh.span(start, end)
    return sc.text[a:b]


def _bank_cards(run: re.Match[str], luhn_ok) -> list[tuple[int, int]]:
    """Card numbers in a run of digit groups: 16–19 digits passing Luhn, written in one piece or in
    groups of four (the last may have fewer); read left to right, so two cards in a row are both found."""
    text = run.string
    base = run.start()
    groups = [(g.start(), g.end()) for g in re.finditer("[0-9*]+", text[base : run.end()])]
    masked = [("*" in text[base + a : base + b]) for a, b in groups]
    out, i = [], 0
    while i < len(groups):
        found = None
        digits = 0
        for j in range(i, len(groups)):
            if masked[j] or (i > 0 and masked[i - 1]) or (j + 1 < len(groups) and masked[j + 1]):
                break  # never read a card beside a masked group (6222 **** **** 7894 stays as it is)
            size = groups[j][1] - groups[j][0]
            if j > i and (groups[j - 1][1] - groups[j - 1][0] != 4 or size > 4):
                break  # in groups, every group has four digits but the last, which may have fewer
            digits += size
            if digits > 19:
                break
            a, b = base + groups[i][0], base + groups[j][1]
            if digits >= 16 and luhn_ok(text[a:b]):
                found = (j, a, b)  # keep the longest valid reading
        if found:
            out.append(found[1:])
            i = found[0] + 1
        else:
            i += 1
    return out


def _id_value(sc: _Scan, start: int, end: int) -> str:
    return re.sub(r"\s", "", _nfkc(_text_span(sc, start, end))).upper()


def _scan_identifiers(sc: _Scan, pats, windows: list[tuple[int, int]]) -> None:
    s = sc.sh.s
    parcel = None
    cued = _finditer(pats["cued"], s, windows)
    if _ASCII_LETTER.search(s):
        cued = itertools.chain(cued, _finditer(pats["cued_en"], s, windows))
    for m in cued:
        cue = m.group("cue")
        kind = _CUES.get(cue) or ("tracking_number" if m.groupdict().get("en_track") else "order_id")
        if kind == "_other" and not _OTHER_GAP.fullmatch(m.group("gap")):
            continue
        a, b = m.span("id")
        ident = m.group("id").rstrip()
        b = a + len(ident)
        if cue == "单号":
            if parcel is None:
                parcel = bool(_PARCEL.search(s))
            if parcel or pats["waybill"].fullmatch(s, a, b):
                kind = "tracking_number"  # a bare 单号 about a parcel, or holding a waybill, is a waybill
        if kind == "_carrier":
            if len(ident) < 10 or re.fullmatch("(?:86)?1[3-9][0-9]{9}|0[0-9]{9,11}", ident):
                continue  # after a bare carrier name, only a long number that is not a phone
            kind = "tracking_number"
        if kind == "order_id" and not _order_ok(ident, m):
            continue
        if kind != "_other" and (len(re.sub("[ \\-]", "", ident)) < 5 or not any(c.isdigit() for c in ident)):
            continue
        sc.add(kind, a, b, None if kind == "_other" else _id_value(sc, a, b))
        pos = b
        while True:  # a list of ids after one cue
            more = pats["more_id"].match(s, pos)
            if not more:
                break
            a2, b2 = more.span("id")
            ident2 = more.group("id").rstrip()
            b2 = a2 + len(ident2)
            if len(re.sub("[ \\-]", "", ident2)) < 5 or not any(c.isdigit() for c in ident2):
                break
            sc.add(kind, a2, b2, None if kind == "_other" else _id_value(sc, a2, b2))
            pos = b2
    for m in _finditer(pats["order_after"], s, windows):
        a, b = m.span("id")
        if any(c.isdigit() for c in m.group("id")):
            sc.add("order_id", a, b, _id_value(sc, a, b))
    for m in _finditer(pats["waybill"], s, windows):
        sc.add("tracking_number", m.start(), m.end(), _id_value(sc, m.start(), m.end()))


_OTHER_GAP = _LazyRe(r"[\s:#=是为]*")
_PARCEL = _LazyRe(r"快递|包裹|物流|运单|寄件|寄的|派送|派件|签收|驿站|快递员|转运|中转|揽收|顺丰|中通|圆通|申通|韵达|邮政|EMS|德邦|极兔|百世|的件|丢件")


def _order_ok(ident: str, m: re.Match[str]) -> bool:
    """Not an amount, a count or a date after the cue (订单金额12999元, 订单3天)."""
    return not _UNIT_AFTER.match(m.string, m.start("id") + len(ident))


_UNIT_AFTER = _LazyRe(r"\s?(?:[元块万千天个月年号日点%折件台只次岁]|小时|分钟|RMB|rmb|USD|usd)")


def _scan_phones(sc: _Scan, pats, windows: list[tuple[int, int]]) -> None:
    s = sc.sh.s
    for m in _finditer(pats["phone"], s, windows):
        start, end = m.span()
        before = s[max(0, start - 8) : start]
        if pats["blocked_before"].search(before) or _DIGIT_GROUP_BEFORE.search(before):
            continue
        if m.group("short"):
            after = s[end : end + 6]
            if _UNIT_AFTER.match(after) or not (pats["call_before"].search(before) or pats["call_after"].match(after)):
                continue
            value = m.group("short")
        elif m.group("intl"):
            value = m.group("intl") + re.sub("[^0-9]", "", m.group("local"))
        else:
            value = re.sub("[^0-9]", "", m.group())
            if m.group("mob") and m.group("pre"):
                value = re.sub("[^0-9]", "", m.group("mob"))
        sc.add("phone", start, end, value)


_DIGIT_GROUP_BEFORE = _LazyRe(r"(?<![0-9])[0-9]{1,6}[ \-]$")  # 6226 0980 1123 7756 is not a phone


def _scan_money(sc: _Scan, pats, windows: list[tuple[int, int]]) -> None:
    s = sc.sh.s
    for m in _finditer(pats["money"], s, windows):
        if m.group("unit") == "块" and not m.group("tail") and _measure_word(s, m):
            continue
        if m.group("unit") == "刀" and not m.group("num")[0].isdigit():
            continue
        value = _money_value(m)
        if value is not None:
            sc.add("money", m.start(), m.end(), value)


_MONEY_CONTEXT = _LazyRe("花|付|给|收|赔|退|卖|买|价|贵|便宜|差|值|只要|才|共|扣|充|交|返|补|罚|费|赚|亏|涨|钱|元|块|多少|要了")


def _measure_word(s: str, m: re.Match[str]) -> bool:
    """``凹了一块``, ``一块屏幕``: 块 after a one-character Chinese number counts pieces, unless money is in view."""
    raw = m.group("num") or ""
    if raw[:1].isdigit() or len(raw) > 1 or m.group("apx") or m.group("mult"):
        return False
    return not _MONEY_CONTEXT.search(_clause_before(s, m.start(), 6))


def _clause_before(s: str, i: int, n: int) -> str:
    """Up to ``n`` characters before ``i``, within the clause."""
    before = s[max(0, i - n) : i]
    cut = max(before.rfind(c) for c in _CLAUSE_END)
    return before[cut + 1 :]


def _scan_dates(sc: _Scan, pats, windows: list[tuple[int, int]]) -> None:
    s = sc.sh.s
    for m in _finditer(pats["date_ymd"], s, windows):
        if m.group("y") is not None:
            if m.group("m") is None and len(m.group("y")) == 2:
                continue  # 26年 alone is a duration or nothing
            value = _ymd(m.group("y"), m.group("m"), m.group("d"))
        elif m.group("y2") is not None:
            value = _ymd(m.group("y2"), m.group("m2"), m.group("d2"))
        else:
            value = _ymd(m.group("y3"), m.group("m3"), m.group("d3"))
        if value:
            sc.add("date", m.start(), m.end(), value)
    for m in _finditer(pats["date_md"], s, windows):
        if m.group("dd") is not None:
            value = _ymd(None, None, m.group("dd"))
        else:
            value = _ymd(None, m.group("m"), m.group("d"))
        if value:
            sc.add("date", m.start(), m.end(), value)
    for m in _finditer(pats["date_rel"], s, windows):
        g = m.groupdict()
        value = None
        if g["day"]:
            value = f"rel:{_rel(_REL_DAY[g['day']])}d"
        elif g["week"]:
            value = f"rel:{_rel(_rel_offset(g['week']))}w"
            if g["wd"]:
                value += f"/{_WEEKDAY[g['wd']]}"
        elif g["month"]:
            value = f"rel:{_rel(_rel_offset(g['month']))}m"
            if g["md"]:
                d = parse_number(g["md"])
                if d is None or not 1 <= d <= 31:
                    continue
                value += f"/{int(d)}"
        elif g["year"]:
            value = f"rel:{_rel(_REL_YEAR[g['year']])}y"
            if g["ym"]:
                mm = parse_number(g["ym"])
                if mm is None or not 1 <= mm <= 12:
                    continue
                value += f"/{int(mm):02d}"
                if g["yd"]:
                    dd = parse_number(g["yd"])
                    if dd is None or not 1 <= dd <= 31:
                        continue
                    value += f"-{int(dd):02d}"
        elif g["bare"]:
            value = f"wd:{_WEEKDAY[g['bwd']]}"
        elif g["n"]:
            sign = -1 if "前" in g["dir"] else 1
            unit = _REL_UNIT[g["u"]]
            if g["n"] == "半":  # 半年前 = six months ago, 半个月前 = fifteen days ago
                if unit not in ("m", "y"):
                    continue
                n, unit = (6, "m") if unit == "y" else (15, "d")
            else:
                n = parse_quantity(g["n"]).value
                if n is None or n != int(n):
                    continue
            value = f"rel:{_rel(sign * n) if n else '0'}{unit}"
        if value:
            sc.add("date", m.start(), m.end(), value)


def _scan_durations(sc: _Scan, pats, windows: list[tuple[int, int]]) -> None:
    s = sc.sh.s
    for m in _finditer(pats["duration"], s, windows):
        g = m.groupdict()
        if s.startswith("到晚", m.end()):
            continue  # 一天到晚: all day long
        if g["gebe"]:
            sc.add("duration", m.start(), m.end(), {"amount": 1, "unit": _DUR_UNIT[g["unit2"]], "approx": "about"})
            continue
        unit = g["unit"]
        raw = g["num"]
        if unit == "月" and not g["ge"]:
            continue  # 三月 is March; a month count says 三个月
        approx = None
        if raw == "半":
            if unit in ("天",) or g["half"] or g["half2"]:
                continue  # 半天 is "quite a while"
            amount: float | None = 0.5
        else:
            q = parse_quantity(raw)
            if q.value is None:
                continue
            amount, approx = q.value, q.approx
        if g["apx"] in ("多", "余") or g["apx2"]:
            approx = "more"
        elif g["apx"] == "来":
            approx = "about"
        if g["half"] or g["half2"]:
            amount += 0.5
        value: dict[str, Any] = {"amount": _clean(amount), "unit": _DUR_UNIT[unit], "approx": approx}
        hi = q.upper if raw != "半" else None
        if g["num2"]:
            hi = parse_quantity(g["num2"]).value
            if hi is None:
                continue
        if hi is not None:
            value["amount_max"] = _clean(hi + 0.5 if g["half"] or g["half2"] else hi)
        sc.add("duration", m.start(), m.end(), value)


# --------------------------------------------------------------------------- demands

_HAN = "\u4e00-\u9fff"
_BOSS = "领导|主管|经理|店长|负责人|上级|老板|管理层|值班长"
_GIVE = "(?:我|我们)?(?:一)?个"  # 给(我)(一)个说法
_BOSS_FOR = rf"(?:你们|贵公司|你们的|贵司)?(?:(?![了过])[{_HAN}]){{0,2}}?(?:{_BOSS})"  # not 找了刘主管 (done before)
# Chinese phrases per demand; each starts with a literal character (the scan skips fast to those)
_DEMANDS: dict[str, tuple[str, ...]] = {
    "退款": ("退款", "退钱", "退费", "退货", "退票", "退定金", "退押金", "退订金", "退保", "退还", "退回", "退到", "退给我",
             "全额退", "退差价", "把钱返还", "钱返还", "返还(?:给我|费用|货款|押金|定金)", "还钱", "还我钱", "把钱还给我", "把钱还我", "钱还给我", "钱打回来", "原路退",
             rf"把[{_HAN}]{{1,4}}(?:退|还)(?:回来|给我|还给我)", rf"退[{_HAN}]?[保课年服会学]?费"),
    "换货": ("换货", "换一[个台件双部只瓶箱套份支条张块把辆副盒袋根本]", "换个新的", "换个好的", "换成新的", "换新", "调换",
             "给我换", "更换", "换掉"),
    "维修": ("维修", "修好", "修一下", "修补", "修一修", "上门修", "检修", "返厂", "返修", "保修处理", "要求保修", "修理", "帮我修",
             "修复", "派人来修", "派人修", "来修"),
    "补发": ("补发", "补寄", "补送", "重新(?:给我)?(?:发|寄|送|配送|派送)", "再(?:给我)?(?:发|送|寄)一", "重发", "把少的给我寄过来",
             "补给我", "补一[个份件瓶盒]", "把漏的送来", "把少的送来"),
    "赔偿": ("赔偿", "赔钱", "补偿", "赔我", "赔给我", "理赔", "索赔", "赔付", "赔损失", "违约金给我", "赔[一二三两四五六七八九十]",
             "承担(?:全部|所有|我的)?损失"),
    "道歉": ("赔礼道歉", "公开致歉", "道歉", "认错", "致歉", "赔不是", "说声对不起", "说对不起"),
    "解释": (f"给{_GIVE}说法", f"要{_GIVE}说法", f"讨{_GIVE}说法", "一个说法", "解释",
             "说明(?:一下)?[^，。！？,.!?；;]{0,10}?(?:原因|来源|情况|理由|缘由|依据)", "说明是", "给个说明",
             f"给{_GIVE}交代", f"要{_GIVE}交代", "一个交代", "说清楚", "讲清楚", "说明白", "讲明白", f"给{_GIVE}理由",
             f"给{_GIVE}答复", "给我答复"),
    "投诉处理人员": (*(f"{v}{_BOSS_FOR}" for v in ("找", "让", "叫", "请", "要", "转交", "转给", "交给")), "转人工", "人工客服",
                    "专人(?:处理|跟进|负责)", "上级处理", "升级处理", "找能做主的人", "高层出面",
                    *(f"{b}出来" for b in _BOSS.split("|"))),
}
_DEMANDS_EN: dict[str, str] = {
    "退款": r"refund\w*|money back|reimburs\w*", "换货": r"replace\w*|exchange", "维修": r"repair|fix it",
    "补发": r"resend|re-send|reship", "赔偿": r"compensat\w*", "道歉": r"apolog\w*", "解释": r"explain\w*|explanation",
    "投诉处理人员": r"manager|supervisor",
}
_NEG_BEFORE = _LazyRe(
    r"(?:不要|不用|不必|不需要|无需|别|没要求|不想|不是要|并非要|并不是要|没说要|也不要|不接受|拒绝|不同意|没必要|不稀罕)"
    r"[^，。！？,.!?]{0,2}$"
)
_NEG_AFTER = _LazyRe(r"^[^，。！？,.!?]{0,3}(?:就不必了|就算了|不用了|不需要了|就不用了|不必了)")
_DONE_BEFORE = _LazyRe(r"(?:已经|已|刚刚|刚)(?!申请|要求|提出|提交|提了|联系|找)[^，。！？,.!?]{0,3}$")
_OFFER_BEFORE = _LazyRe(
    r"(?:客服|商家|店家|对方|他们|师傅|快递员|工作人员|业务员|店员)[^，。！？,.!?]{0,2}?(?:说|表示|答应|承诺|同意|愿意|提出|建议)"
    r"[^，。！？,.!?]{0,6}$"
    r"|(?:答应|承诺)[^，。！？,.!?]{0,4}$"
    r"|(?:^|[^求让请叫])(?:客服|商家|店家|对方|他们|师傅|快递员|工作人员|业务员|店员)$"
)
_NAME_AFTER = _LazyRe(
    r"^(?:期间|过程中|过|政策|点|中心|站|部|服务|规则|条款|电话|资料|材料|主管|部门|专员|人员|网点|记录|"
    r"单号|单|编号|申请表|标准|地址|师傅|费|"
    r"不清|不了|不出|得不|已到账|已经到账|到账了|成功了|已完成|已经完成|已退|已经退)"
)


@functools.cache
def _demand_patterns() -> tuple[re.Pattern[str], re.Pattern[str], list[tuple[re.Pattern[str], str]]]:
    groups: dict[str, list[str]] = {}
    for frags in _DEMANDS.values():
        for f in frags:
            groups.setdefault(f[0], []).append(f[1:])
    # one alternation whose branches start with a literal: the engine scans for those characters only
    zh = "|".join(f"{c}(?:{'|'.join(sorted(rest, key=len, reverse=True))})" for c, rest in groups.items())
    en = r"(?<![A-Za-z])(?:" + "|".join(_DEMANDS_EN.values()) + ")"
    which = [(re.compile("|".join(frags)), v) for v, frags in _DEMANDS.items()]
    which += [(re.compile(alts, re.I), v) for v, alts in _DEMANDS_EN.items()]
    return re.compile(zh), re.compile(en, re.I), which


def _scan_demands(s: str) -> list[tuple[int, int, str]]:
    zh, en, which = _demand_patterns()
    matches = zh.finditer(s)
    if _ASCII_LETTER.search(s):
        matches = itertools.chain(matches, en.finditer(s))
    out = []
    for m in matches:
        start, end = m.span()
        before = s[max(0, start - 12) : start]
        after = s[end : end + 8]
        if _NEG_BEFORE.search(before) or _NEG_AFTER.match(after):
            continue
        if _OFFER_BEFORE.search(before) or _NAME_AFTER.match(after):
            continue
        if _DONE_BEFORE.search(before) and not _STILL_OPEN.match(after):
            continue
        if before.endswith("无理由"):
            continue
        value = next(v for p, v in which if p.fullmatch(m.group()))
        if value in ("解释", "道歉") and _ABSENT_BEFORE.search(before):
            continue  # 没有任何解释: a complaint about what is missing, not a request
        out.append((start, end, value))
    return out


_ABSENT_BEFORE = _LazyRe(r"(?:没有|没|毫无|也没|都没|连)(?:任何|一句|一个|给|给个|给一个)?$")
_STILL_OPEN = _LazyRe("[^，。！？,.!?]{0,6}(?:还没|没有|未|一直)")


# --------------------------------------------------------------------------- the public function


def extract(text: str, *, kinds: Iterable[str] | None = None, max_chars: int | None = DEFAULT_MAX_CHARS) -> list[Entity]:
    """Find the key facts of a customer message, with offsets into ``text``.

    Parameters
    ----------
    text : str
        One message, as received (full-width digits, traditional script,
        zero-width characters and HTML are all fine).
    kinds : iterable of str, default=None
        Only these kinds (see :data:`KINDS`); ``None`` for all.
    max_chars : int or None, default=10000
        Scan at most this many characters from the start; entities after them
        are not reported. ``None`` scans everything (time grows linearly).

    Returns
    -------
    list of Entity
        Sorted by ``start`` (then ``end`` and ``kind``). Spans of different
        kinds never overlap, except that a ``demand`` may contain another
        entity (``赔我200元``). ``text[e.start:e.end] == e.text`` always.

    Raises
    ------
    TypeError
        ``text`` is not a ``str`` (``None``, NaN, bytes, a number, a list…).
    ValueError
        An unknown kind, or a negative ``max_chars``.

    Examples
    --------
    >>> from triage import extract
    >>> for e in extract("订单号２０２６０３１１８８，三天了还没发货，我要退款"):
    ...     print(e.kind, e.text, e.value)
    order_id ２０２６０３１１８８ 2026031188
    duration 三天 {'amount': 3, 'unit': 'day', 'approx': None}
    demand 退款 退款
    >>> [e.value for e in extract("昨天付了三百多块钱，联系电话138 1234 5678")]
    ['rel:-1d', {'amount': 300, 'currency': 'CNY', 'approx': 'more'}, '13812345678']
    """
    if not isinstance(text, str):
        raise TypeError(
            f"extract expects one message as a str, got {type(text).__name__}"
            + ("; decode bytes first, e.g. data.decode('utf-8')" if isinstance(text, bytes | bytearray) else "")
            + ("; call it once per message" if isinstance(text, list | tuple) else "")
        )
    wanted = _check_kinds(kinds)
    if max_chars is not None:
        if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 0:
            raise ValueError(f"max_chars must be a non-negative int or None, got {max_chars!r}")
        text = text[:max_chars]
    if not text or text.isspace():
        return []
    shadow, spans = _scan(text, want_pii=False)
    out: list[Entity] = []
    for start, end, kind, value in spans:
        if kind in wanted:
            a, b = shadow.span(start, end)
            out.append(Entity(kind, text[a:b], a, b, value))
    if "demand" in wanted:
        for start, end, value in _scan_demands(shadow.s):
            a, b = shadow.span(start, end)
            out.append(Entity("demand", text[a:b], a, b, value))
    out.sort(key=lambda e: (e.start, e.end, e.kind))
    return out


def _check_kinds(kinds: Iterable[str] | None) -> frozenset[str]:
    if kinds is None:
        return frozenset(KINDS)
    if isinstance(kinds, str):
        kinds = [kinds]
    wanted = frozenset(kinds)
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise ValueError(f"unknown entity kind(s) {unknown}; choose from {list(KINDS)}")
    return wanted
