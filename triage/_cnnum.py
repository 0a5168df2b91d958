"""Read numbers written the Chinese way: 三百五, 两千五, 一万二, 1.5万, 十几, 三四, ２０.

:func:`parse_number` reads a whole numeral (Chinese digits and units, Arabic
digits in any width, or a mix such as ``1.5万``) and returns its value.
:func:`parse_quantity` also reads the approximation a customer adds
(``多``, ``余``, ``来``, ``几``, ``左右``, ranges such as ``三四``) and says
whether the value is approximate. Both are pure functions; nothing happens at import.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

__all__ = ["parse_number", "parse_quantity", "Quantity", "CN_DIGITS", "CN_UNITS", "CN_NUMERAL_CHARS"]

#: Chinese digits (simplified, traditional and financial forms) and their values.
CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "洞": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "两": 2, "兩": 2, "俩": 2, "倆": 2, "贰": 2, "貳": 2,
    "三": 3, "叁": 3, "仨": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
#: Units below ten thousand, and the large units that multiply everything before them.
CN_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_ZEROS = frozenset("零〇○洞")
#: Every character that may appear in a Chinese numeral (for building regular expressions).
CN_NUMERAL_CHARS: str = "".join(CN_DIGITS) + "".join(CN_UNITS) + "".join(_BIG)
_APPROX_SUFFIX = ("左右", "上下", "出头", "多", "余", "來", "来", "几", "幾", "把")


class Quantity(NamedTuple):
    """A number read from text.

    ``value`` is ``None`` when unknown (``几``); ``approx`` is ``"more"``
    (多, 余, 几 after a round number: 十几), ``"about"`` (来, 左右, 上下, 把)
    or ``None``; ``upper`` is the top of a range (``三四`` → 3 to 4), else ``None``.
    """

    value: int | float | None
    approx: str | None = None
    upper: int | float | None = None


def _clean(value: float) -> int | float:
    r = round(value, 6)
    return int(r) if r == int(r) else r


def _arabic(s: str) -> float | None:
    """An Arabic number in any digit width, with thousands commas and a decimal point."""
    s = s.replace("．", ".")
    head, _, tail = s.partition(".")
    groups = head.split(",")
    if not all(g.isdecimal() for g in groups) or (tail and not tail.isdecimal()) or (_ and not tail):
        return None
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        return None  # commas separate thousands: 1,299 but not 1,2
    return float(head.replace(",", "") + ("." + tail if tail else ""))  # float() reads digits of any width


def _tokens(s: str) -> list[tuple[str, float]] | None:
    """Split a numeral into digits ("d"), zeros ("z"), small units ("u") and large units ("b")."""
    out: list[tuple[str, float]] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c.isdecimal():
            j = i
            while j < n and (s[j].isdecimal() or s[j] in ".,．"):
                j += 1
            v = _arabic(s[i:j])
            if v is None:
                return None
            out.append(("d", v))
            i = j
            continue
        if c in _ZEROS:
            out.append(("z", 0))
        elif c in CN_DIGITS:
            out.append(("d", CN_DIGITS[c]))
        elif c in CN_UNITS:
            out.append(("u", CN_UNITS[c]))
        elif c in _BIG:
            out.append(("b", _BIG[c]))
        elif c in "kKｋＫ":
            out.append(("u", 1000))
        elif c in "wWｗＷ":
            out.append(("b", 10_000))
        else:
            return None
        i += 1
    return out


def _below_big(tokens: list[tuple[str, float]]) -> float | None:
    """Value of a section without 万/亿: 三百五 = 350, 一千零五 = 1005, 十二 = 12."""
    value = 0.0
    digit: float | None = None
    last_unit = 0
    zero = False
    for kind, v in tokens:
        if kind == "d":
            if digit is not None:
                return None  # two digits in a row: a digit string or a range, not a cardinal
            digit = v
        elif kind == "z":
            if digit is not None:
                return None
            zero = True
        else:  # "u"
            if (last_unit and v >= last_unit) or (digit is None and (v != 10 or last_unit or zero)):
                return None  # 百十, 千千, a bare 百: not a numeral (a leading 十 is: 十五)
            value += (1 if digit is None else digit) * v
            digit, last_unit, zero = None, int(v), False
    if digit is not None:
        # a bare digit after a unit is one unit lower: 两千五 = 2500, 三百五 = 350 (not after 零)
        value += digit * last_unit / 10 if last_unit >= 100 and not zero else digit
    return value


def _cardinal(tokens: list[tuple[str, float]]) -> float | None:
    for kind, big in (("b", 100_000_000), ("b", 10_000)):
        idx = [i for i, (k, v) in enumerate(tokens) if k == kind and v == big]
        if idx:
            i = idx[-1]
            left, right = tokens[:i], tokens[i + 1 :]
            lv = _cardinal(left) if left else None
            if lv is None:
                return None
            if not right:
                return lv * big
            if len(right) == 1 and right[0][0] == "d":  # 一万二 = 12,000
                return lv * big + right[0][1] * big / 10
            if right[0][0] == "z":
                right = right[1:]
            rv = _cardinal(right) if right else 0.0
            return None if rv is None or rv >= big else lv * big + rv
    if any(k == "b" for k, _ in tokens):
        return None
    return _below_big(tokens)


def parse_number(text: str, *, digit_string: bool = False) -> int | float | None:
    """The value of a numeral, or ``None`` when ``text`` is not one.

    Reads Chinese digits and units (十百千万亿, financial forms 壹贰叁…拾佰仟,
    traditional 兩萬), Arabic digits in any width with commas and a decimal
    point, mixes (``1.5万``, ``3千``, ``2k``, ``3w``), the colloquial
    shortening (``两千五`` = 2500, ``一万二`` = 12000, but ``一千零五`` = 1005)
    and ``半`` (0.5).

    Parameters
    ----------
    text : str
        The numeral alone, without a unit such as 元 or 天.
    digit_string : bool, default=False
        Also read a run of Chinese digits without units digit by digit
        (``二〇二四`` = 2024), as in years; by default such a run is not a number
        (``三四`` is a range: see :func:`parse_quantity`).

    Returns
    -------
    int, float or None
        An ``int`` when the value is whole.

    Examples
    --------
    >>> parse_number("两千五"), parse_number("一万二"), parse_number("一千零五")
    (2500, 12000, 1005)
    >>> parse_number("1.5万"), parse_number("１２０"), parse_number("十二"), parse_number("半")
    (15000, 120, 12, 0.5)
    >>> parse_number("二〇二四", digit_string=True), parse_number("三四")
    (2024, None)
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_number expects a str, got {type(text).__name__}")
    return _parse_number(text, bool(digit_string))


@functools.lru_cache(maxsize=4096)  # a pure function of short strings: messages repeat their numbers
def _parse_number(text: str, digit_string: bool) -> int | float | None:
    s = text.strip()
    if not s or len(s) > 40:
        return None
    if s == "半":
        return 0.5
    tokens = _tokens(s)
    if not tokens:
        return None
    if digit_string and len(tokens) > 1 and all(k in "dz" for k, _ in tokens):
        if all(v == int(v) and v < 10 for _, v in tokens) and not any(c.isdecimal() for c in s):
            return int("".join(str(int(v)) for _, v in tokens))
    value = _cardinal(tokens)
    return None if value is None else _clean(value)


def parse_quantity(text: str) -> Quantity:
    """A numeral with the approximation words and ranges customers use.

    The value is the stated round number: ``两个多`` → 2 and ``十几`` → 10
    (``approx="more"``), ``三百来`` → 300 (``approx="about"``); ``几`` alone
    and ``几十`` have no value; a range of two neighbouring digits (``三四``,
    ``两三百``, ``十五六``) gives its ends; a final ``半`` (``一个半``) adds one half.

    Returns
    -------
    Quantity
        ``Quantity(None)`` when ``text`` is not a quantity.

    Examples
    --------
    >>> parse_quantity("两个多")
    Quantity(value=2, approx='more', upper=None)
    >>> parse_quantity("十几"), parse_quantity("十来")
    (Quantity(value=10, approx='more', upper=None), Quantity(value=10, approx='about', upper=None))
    >>> parse_quantity("两三百"), parse_quantity("几")
    (Quantity(value=200, approx=None, upper=300), Quantity(value=None, approx='about', upper=None))
    >>> parse_quantity("一个半"), parse_quantity("30")
    (Quantity(value=1.5, approx=None, upper=None), Quantity(value=30, approx=None, upper=None))
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_quantity expects a str, got {type(text).__name__}")
    return _parse_quantity(text)


@functools.lru_cache(maxsize=4096)
def _parse_quantity(text: str) -> Quantity:
    s = text.strip()
    approx = None
    half = False
    changed = True
    while changed and s:
        changed = False
        if s.endswith("半") and len(s) > 1:
            s, half, changed = s[:-1], True, True
        for suf in _APPROX_SUFFIX:
            if s.endswith(suf) and len(s) > len(suf):
                s, changed = s[: -len(suf)], True
                approx = approx or ("more" if suf in _MORE else "about")
                break
        if s.endswith(("个", "個")) and len(s) > 1:
            s, changed = s[:-1], True
    if not s or s[0] in "几幾":  # 几, 几十, 几百: an unknown count
        return Quantity(None, approx or "about")
    value = parse_number(s)
    if value is not None:
        return Quantity(_clean(value + 0.5) if half else value, approx)
    ends = _range(s)
    if ends is None:
        return Quantity(None)
    low, high = ends
    if half:
        low, high = _clean(low + 0.5), _clean(high + 0.5)
    return Quantity(low, approx, high)


_MORE = frozenset({"多", "余", "几", "幾", "出头"})


def _range(s: str) -> tuple[int | float, int | float] | None:
    """Ends of a colloquial range: 三四 → (3, 4), 两三百 → (200, 300), 十五六 → (15, 16)."""
    if len(s) < 2:
        return None
    a, b = s[0], s[1]
    if a in CN_DIGITS and b in CN_DIGITS:
        va, vb = CN_DIGITS[a], CN_DIGITS[b]
        if vb - va != 1 or va == 0:
            return None
        rest = s[2:]
        scale = parse_number("一" + rest) if rest else 1
        return None if scale is None else (_clean(va * scale), _clean(vb * scale))
    # 十五六, 二十七八: the last two characters are the range
    if len(s) >= 3 and s[-2] in CN_DIGITS and s[-1] in CN_DIGITS:
        if CN_DIGITS[s[-1]] - CN_DIGITS[s[-2]] != 1:
            return None
        low = parse_number(s[:-1])
        return None if low is None else (low, low + 1)
    return None
