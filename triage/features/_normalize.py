"""Text normalisation: the first step from a raw customer message to features.

:func:`normalize` turns one message into a canonical form:

1. Unicode NFKC (full-width letters, digits and punctuation become half-width);
2. HTML tags dropped and entities unescaped;
3. zero-width and control characters removed, whitespace collapsed;
4. traditional Chinese detected and converted to simplified (OpenCC ``t2s``);
   text that is already simplified is returned unchanged;
5. URLs, e-mail addresses, @mentions, mobile and landline numbers, order and
   tracking numbers and amounts of money replaced by placeholder tokens
   (``<URL>``, ``<EMAIL>``, ``<AT>``, ``<PHONE>``, ``<ORDER>``, ``<MONEY>``,
   ``<BIGMONEY>`` for 1,000 yuan or more) so that they generalise;
6. ASCII letters lower-cased, runs of the same punctuation mark capped at three
   (``!!!`` is kept: it carries emotion), emoji kept.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata

__all__ = ["normalize", "to_simplified", "is_traditional", "split_placeholders", "PLACEHOLDERS"]

#: Placeholder tokens that :func:`normalize` may insert.
PLACEHOLDERS: tuple[str, ...] = ("<URL>", "<EMAIL>", "<AT>", "<PHONE>", "<ORDER>", "<MONEY>", "<BIGMONEY>")

_TAG = re.compile(r"</?(?!(?:URL|EMAIL|AT|PHONE|ORDER|MONEY|BIGMONEY)>)[a-zA-Z][^<>]{0,200}>")
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"(?:https?://|www\.)[\w\-./?%&=#:~+@!,;]+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# @mentions: Weibo handles run to the next space, punctuation or another @.
_MENTION = re.compile(r"@[^\s@:：,，。!！?？;；、()（）\[\]【】#]{1,30}")
_PHONE = re.compile(
    r"(?<![\d])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"  # mainland mobile
    r"|(?<![\d])0\d{2,3}-\d{7,8}(?!\d)"  # landline with area code
    r"|(?<![\d])[48]00-?\d{3}-?\d{4}(?!\d)"  # 400/800 service lines
    r"|(?<![\d])[569]\d{3}(?:[- ]?\d{4})(?!\d)"  # Hong Kong numbers written 9123 4567
)
_ORDER = re.compile(r"(?<![a-z0-9])(?=[a-z]{0,4}\d)[a-z]{0,4}\d[\d-]{7,}[a-z\d]*(?![a-z0-9])", re.I)
_CN_NUM = "零〇一二两三四五六七八九十百千万亿"
_MONEY = re.compile(
    r"(?:[¥$€£]|rmb|hk\$|nt\$)\s*(\d[\d,]*(?:\.\d+)?)\s*(万|千|k|w)?(?:元|块)?"
    r"|(\d[\d,]*(?:\.\d+)?)\s*(万|千|k|w)?\s*(?:元|块钱|块|rmb|人民币|港币|港元|台币|蚊|美元|美金)"
    rf"|([{_CN_NUM}]{{2,8}}多?)\s*(?:元|块钱|块|蚊)",
    re.I,
)
_REPEAT_PUNCT = re.compile(r"([!?.,~。，！？…、])\1{3,}")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
# Numbers that name a service, regulator or hotline keep their identity.
_KEEP_NUMBERS = frozenset(
    {"12315", "12345", "12306", "12365", "12348", "12320", "12366", "12358", "12328",
     "10086", "10010", "10000", "110", "120", "119", "95588", "95533", "95555", "95511"}
)
_PLACEHOLDER_SPLIT = re.compile(r"(<(?:URL|EMAIL|AT|PHONE|ORDER|MONEY|BIGMONEY)>)")


class _Converter(threading.local):
    """One OpenCC converter per thread, created on first use (OpenCC objects do not pickle)."""

    converter = None


_opencc = _Converter()


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters and phrases to simplified (OpenCC ``t2s``).

    Examples
    --------
    >>> to_simplified("這個軟體很爛，後來也沒人理")
    '这个软体很烂，后来也没人理'
    >>> to_simplified("快递还没到")
    '快递还没到'
    """
    conv = _opencc.converter
    if conv is None:
        import opencc

        conv = _opencc.converter = opencc.OpenCC("t2s")
    return conv.convert(text)


def is_traditional(text: str) -> bool:
    """Whether ``text`` contains traditional characters that ``t2s`` would change.

    Examples
    --------
    >>> is_traditional("點解部手機壞咗")
    True
    >>> is_traditional("为什么手机坏了")
    False
    """
    return to_simplified(text) != text


def _money(match: re.Match[str]) -> str:
    digits = match.group(1) or match.group(3)
    unit = (match.group(2) or match.group(4) or "").lower()
    if digits:
        try:
            value = float(digits.replace(",", ""))
        except ValueError:
            value = 0.0
        if unit in ("万", "w"):
            value *= 10_000
        elif unit in ("千", "k"):
            value *= 1_000
        big = value >= 1000
    else:
        words = match.group(5) or ""
        big = any(c in words for c in "千万亿")
    return " <BIGMONEY> " if big else " <MONEY> "


def _digits(match: re.Match[str]) -> str:
    s = match.group(0)
    return s if s in _KEEP_NUMBERS else "0"


def normalize(text: str, *, convert_traditional: bool = True) -> str:
    """Normalise one customer message (see the module docstring for the steps).

    Parameters
    ----------
    text : str
        The raw message.
    convert_traditional : bool, default=True
        Convert traditional Chinese to simplified.

    Returns
    -------
    str
        The normalised text, with placeholder tokens.

    Examples
    --------
    >>> normalize("ＡＰＰ闪退！！！！！！ 订单号 2023110512345678 退我¥1,299")
    'app闪退!!!订单号 <ORDER> 退我 <BIGMONEY>'
    >>> normalize("@順豐速運 我嘅包裹寄咗三日都未到，call 9123 4567")
    '<AT> 我嘅包裹寄咗三日都未到,call <PHONE>'
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize expects a str, got {type(text).__name__}")
    text = _SURROGATE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub(" ", text)
    if convert_traditional:
        text = to_simplified(text)
    if "http" in text or "www." in text:
        text = _URL.sub(" <URL> ", text)
    if "@" in text:
        text = _EMAIL.sub(" <EMAIL> ", text)
        text = _MENTION.sub(" <AT> ", text)
    if _ANY_DIGIT.search(text):
        text = _PHONE.sub(" <PHONE> ", text)
        text = _MONEY.sub(_money, text)
        text = _ORDER.sub(" <ORDER> ", text)
        text = _DIGITS.sub(_digits, text)
    elif _CN_MONEY_HINT.search(text):
        text = _MONEY.sub(_money, text)
    text = _REPEAT_PUNCT.sub(r"\1\1\1", text)
    text = _ascii_lower(text)
    text = _SPACE.sub(" ", text).strip()
    # a space beside CJK text or punctuation carries nothing
    text = _SPACE_CJK.sub("", text)
    # dropping a space can leave a combining mark next to a new base character
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


_ANY_DIGIT = re.compile(r"\d")
_CN_MONEY_HINT = re.compile("[元块蚊$¥€£]")


_ASCII_UPPER = re.compile(r"(?<!<)\b[A-Z][A-Za-z]*\b(?!>)")
_SPACE_CJK = re.compile(r"(?<=[^\x00-\x7f!?,.]) (?=[^\x00-\x7f<])|(?<=[!?,.:;]) (?=[^\x00-\x7f<])|(?<=[^\x00-\x7f]) (?=[!?,.:;])")


def _ascii_lower(text: str) -> str:
    if not any("A" <= c <= "Z" for c in text):
        return text
    parts = _PLACEHOLDER_SPLIT.split(text)
    return "".join(p if i % 2 else p.lower() for i, p in enumerate(parts))


def split_placeholders(text: str) -> list[str]:
    """Split normalised text into plain runs and whole placeholder tokens."""
    return _PLACEHOLDER_SPLIT.split(text)
