"""Personal data in a customer message: find it and mask it, keeping the text readable.

:func:`mask_pii` masks mainland mobile numbers, resident identity card numbers
(validated by their MOD 11-2 check character and date of birth), bank card
numbers (validated by the Luhn check), e-mail addresses and personal names
given with a title (王建国先生) or a cue (我叫…, 收件人…). Numbers are masked
only when they validate and are not labelled as something else (an order,
waybill, policy or member number is never masked). The conventions are those
of ``tests/data/EXTRACT_GUIDE.md`` §3.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ._extract import Entity, _LazyRe, _scan

__all__ = ["mask_pii", "find_pii", "luhn_ok", "id_card_ok", "PII_KINDS"]

#: The kinds of personal data :func:`mask_pii` masks.
PII_KINDS: tuple[str, ...] = ("mobile", "id_card", "bank_card", "email", "name")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# first two digits of a resident identity card: the province-level division
_ID_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}
)


def _ascii_digits(s: str) -> str | None:
    """ASCII digits of ``s`` (any digit width; spaces and hyphens dropped), or None if anything else is in it."""
    out = []
    for c in s:
        if c.isdecimal():
            out.append(str(int(c)))
        elif c not in " -\u3000－":
            return None
    return "".join(out)


def luhn_ok(number: str) -> bool:
    """Whether a card number passes the Luhn check (spaces and hyphens between digits allowed).

    Only the checksum: which lengths count as card numbers is the caller's choice
    (:func:`mask_pii` takes 16 to 19 digits).

    Examples
    --------
    >>> luhn_ok("4111 1111 1111 1111"), luhn_ok("4111 1111 1111 1112")
    (True, False)
    >>> luhn_ok("79927398713"), luhn_ok("")
    (True, False)
    """
    if not isinstance(number, str):
        raise TypeError(f"luhn_ok expects a str, got {type(number).__name__}")
    d = _ascii_digits(number)
    if not d or len(d) < 2:
        return False
    total = 0
    for i, c in enumerate(reversed(d)):
        v = ord(c) - 48
        if i % 2:
            v = v * 2 - 9 if v > 4 else v * 2
        total += v
    return total % 10 == 0


def id_card_ok(number: str) -> bool:
    """Whether ``number`` is a well-formed 18-character mainland resident identity card number.

    Checks the province code (first two digits), the date of birth
    (characters 7–14: a real calendar date from 1900 to 2099) and the
    ISO 7064 MOD 11-2 check character (``0``–``9`` or ``X``, ``x`` accepted).
    Full-width digits are read; spaces are not (strip them first).

    Examples
    --------
    >>> id_card_ok("11010519491231002X"), id_card_ok("11010519491231002x")
    (True, True)
    >>> id_card_ok("110105194912310021")  # wrong check character
    False
    >>> id_card_ok("110105194902300027")  # 30 February
    False
    """
    if not isinstance(number, str):
        raise TypeError(f"id_card_ok expects a str, got {type(number).__name__}")
    if len(number) != 18:
        return False
    body, check = _ascii_digits(number[:17]), number[17]
    if body is None or len(body) != 17:
        return False
    check = "X" if check in "xXｘＸ" else (str(int(check)) if check.isdecimal() else "")
    if not check or int(body[:2]) not in _ID_PROVINCES:
        return False
    year, month, day = int(body[6:10]), int(body[10:12]), int(body[12:14])
    if not (1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= _month_days(year, month)):
        return False
    total = sum((ord(c) - 48) * w for c, w in zip(body, _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == check


def _month_days(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


# --------------------------------------------------------------------------- names

# common surnames; characters that are far more often a function word (和, 来, 都…) are left out
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂苗谷盛曲翁冉骆蓝"
    "游辛靳管柴蒙鲍华喻祁蒲房滕屈饶牟艾尤阳穆农司卓古吉缪简车项芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵"
    "苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝封谈匡鞠惠荆冀郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺"
    "楼闻厉伊仝郜阚权帅屠朴盖练廉禹井祖漆巴丰支卿狄计索宣晋芮扈晁阙浦戈伏鹿薄邸雍辜羊乌母裘亓邰赫杭况宿逯隆茹"
    "诸慕嵇湛戎勾茅揭檀衣昝幸奉衡尧"
)
_COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
    "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "钟离", "呼延", "澹台", "公冶", "申屠", "万俟",
)
# the most frequent surnames: "谢王先生" is 谢 + 王先生, not a name 谢王
_TOP_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶")
# surname characters that are more often a word before a name (谢谢, 向, 于是…)
_AMBIGUOUS_FIRST = frozenset("谢向于和与对给跟同为替帮找请问让叫被把将从由经连及或是在感")
# characters that end a name read after a cue (收件人王建国电话…)
_NAME_STOP = frozenset(
    "的了是在先女小电手今昨于从说和跟与给要想来去到把被让请也都还就又再已才这那我你他她啊呀吧呢吗哦嘛啦身家号地住"
    "订单快运卡邮微联收寄码账帐"  # the start of a label (订单号, 电话, 收件人…) is never part of a name
)
# a surname followed by one of these is a form of address, not a name (王经理, 李老师)
_ADDRESS_WORDS = (
    "先生", "女士", "小姐", "经理", "老师", "师傅", "总监", "主管", "主任", "医生", "律师", "同学", "阿姨", "叔叔",
    "大爷", "大姐", "大哥", "姐", "哥", "总", "工", "部长", "店长", "大夫", "护士", "老板", "某", "先", "女",
)
# not names although they start with a surname
_NOT_NAMES = frozenset(
    {"王者", "李宁", "张江", "高中", "高管", "高级", "高铁", "高端", "黄金", "金卡", "金牌", "白金", "方便", "方面",
     "江苏", "江西", "海南", "黄山", "钱包", "华为", "苏宁", "周末", "周边", "宋体", "任何", "任务", "叶子", "石头",
     "毛病", "包裹", "包装", "包邮", "包工", "钟点", "项目", "顾客", "常客", "常年", "龙虾", "邮政", "管理", "申请",
     "司机", "车主", "程序", "童装", "贺卡", "成都", "安徽", "宁波", "宁夏", "关于", "曾经", "夏天", "秦皇", "童鞋",
     "戴尔", "华硕", "苏州", "温州", "杭州", "广州", "康师", "余额", "万达", "毕业", "房东", "房客", "房主", "房间",
     "卫生", "左右", "文件", "严重", "许多", "韩国", "齐全", "艾滋", "罗马", "华南", "华北", "何时", "何况", "金额",
     "林业", "米饭", "田园", "孙子", "单亲", "单位", "单身", "单独", "白领", "蓝领", "程度", "陆续", "杜绝", "林林",
     "尤其", "甘肃", "云南", "吉林", "沈阳", "贵州", "湖南", "湖北", "河南", "河北", "山东", "山西", "陕西", "广东",
     "广西", "福建", "浙江", "江门", "景区", "季度", "党员", "宫廷", "费用", "燕窝", "冷链", "席位", "卫浴", "米家",
     "柏林", "全家", "应该", "项链", "车险", "边境", "商家", "商场", "商户", "商品", "师兄", "巫山", "郎酒", "原价",
     "易购", "乔丹", "伍兹", "庞大", "颜色", "申通", "韵达", "顺丰", "明天", "明年", "洪水", "雷达", "龙华", "史上",
     "姜汤", "谭木", "万家", "苗木", "谷歌", "盛大", "曲奇", "翁婿", "骆驼", "蓝色", "游戏", "辛苦", "管家", "柴油",
     "鲍鱼", "华联", "蒙牛", "路由", "屈臣", "艾美", "穆斯", "农夫", "卓越", "古驰", "简单", "车辆", "麦当",
     "窦唯", "景点", "费率", "冷气", "晏子", "卫衣", "宗旨", "桂林", "裘皮", "母婴", "宿舍", "诸多", "慕斯", "衡水"}
)
_NAME_CUES = (  # the guide's list (EXTRACT_GUIDE.md §3)
    "我叫|我是|本人|家长姓名|姓名|名字叫|名字是|名字|联系人|收件人|收货人|寄件人|收款人|持卡人|户主|户名|开户名|车主|报修人|"
    "借款人|投保人|被保险人|乘机人|入住人"
)
_WEAK_CUES = frozenset({"我是", "本人"})  # these need the name to end at a clear boundary
_TITLES = "先生|女士|小姐"


@functools.cache
def _name_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    cue = re.compile(rf"(?P<cue>{_NAME_CUES})(?:是|为|叫)?[:： ]?(?=[\u4e00-\u9fff])")
    title = re.compile(rf"(?<=[\u4e00-\u9fff])(?:{_TITLES})")
    return cue, title


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def _surname_len(s: str, i: int) -> int:
    if s[i : i + 2] in _COMPOUND_SURNAMES:
        return 2
    return 1 if s[i : i + 1] in _SURNAMES else 0


def _not_a_name(name: str, s: str, end: int) -> bool:
    rest = name[_surname_len(name, 0) :] + s[end : end + 2]
    return name[:2] in _NOT_NAMES or name[:3] in _NOT_NAMES or rest.startswith(_ADDRESS_WORDS)


def _name_after_cue(s: str, i: int, weak: bool) -> tuple[int, int] | None:
    """The name starting at ``i`` after a cue (收件人王建国), or None."""
    k = _surname_len(s, i)
    if not k:
        return None
    j, limit = i + k, i + k + 2
    while j < limit and j < len(s) and _is_han(s[j]) and s[j] not in _NAME_STOP:
        j += 1
    if j == i + k or _not_a_name(s[i:j], s, j):
        return None  # a surname alone (我是王先生) or a word (我是高中生)
    if weak and j < len(s) and _is_han(s[j]) and s[j] not in _NAME_STOP:
        return None  # 我是包工头的…: the run goes on, so it is not a name
    return i, j


def _name_before_title(s: str, t: int) -> tuple[int, int] | None:
    """The full name directly before a title at ``t`` (王建国先生), or None (张先生 is not a full name)."""
    for n in (4, 3):  # compound surname: 欧阳娜娜, 欧阳娜
        a = t - n
        if a >= 0 and s[a : a + 2] in _COMPOUND_SURNAMES and all(_is_han(c) for c in s[a:t]):
            return a, t
    for n in (3, 2):
        a = t - n
        if a < 0 or not all(_is_han(c) for c in s[a:t]) or s[a] not in _SURNAMES:
            continue
        x, y = s[a], s[a + 1]
        if x in _AMBIGUOUS_FIRST and (y in _SURNAMES if n == 3 else y in _TOP_SURNAMES):
            continue  # 向王建先生 → 王建; 谢谢王先生, 向李先生 → no name
        if n == 2 and y in _TOP_SURNAMES and a > 0 and _is_han(s[a - 1]):
            continue  # 感谢王先生
        if any(c in _NAME_STOP for c in s[a + 1 : t]) or _not_a_name(s[a:t], s, t):
            continue
        return a, t
    return None


def _names(s: str) -> list[tuple[int, int]]:
    cue, title = _name_patterns()
    out = []
    for m in cue.finditer(s):
        span = _name_after_cue(s, m.end(), m.group("cue") in _WEAK_CUES)
        if span:
            out.append(span)
    for m in title.finditer(s):
        span = _name_before_title(s, m.start())
        if span:
            out.append(span)
    return out


# --------------------------------------------------------------------------- find and mask

_MOBILE = _LazyRe(r"1[3-9][0-9]{9}")


def find_pii(text: str) -> list[Entity]:
    """The personal data in ``text``, as entities of the kinds in :data:`PII_KINDS`.

    Scans the whole text (time grows linearly with its length). ``value`` is
    the masked form of the span.

    Examples
    --------
    >>> [(e.kind, e.text, e.value) for e in find_pii("收件人王建国，手机13812345678")]
    [('name', '王建国', '王**'), ('mobile', '13812345678', '138****5678')]
    """
    if not isinstance(text, str):
        raise TypeError(f"find_pii expects one message as a str, got {type(text).__name__}")
    if not text or text.isspace():
        return []
    shadow, spans = _scan(text, want_pii=True)
    found: list[tuple[int, int, str]] = []
    taken = bytearray(len(shadow.s))
    for start, end, kind, value in spans:
        taken[start:end] = b"\x01" * (end - start)
        if kind == "phone" and _MOBILE.fullmatch(value):
            found.append((start, end, "mobile"))
        elif kind in ("email", "id_card", "bank_card"):
            found.append((start, end, kind))
    for start, end in sorted(set(_names(shadow.s))):
        if not any(taken[start:end]):
            taken[start:end] = b"\x01" * (end - start)
            found.append((start, end, "name"))
    out = []
    for start, end, kind in sorted(found):
        a, b = shadow.span(start, end)
        out.append(Entity(kind, text[a:b], a, b, _mask(kind, text[a:b])))
    return out


def _mask(kind: str, span: str) -> str:
    """The masked form of one PII span: same length, separators kept."""
    chars = list(span)
    if kind == "email":
        at = next(i for i, c in enumerate(span) if c in "@＠﹫")
        keep = {0} if at > 1 else set()
        return "".join(c if i in keep or i >= at else "*" for i, c in enumerate(chars))
    if kind == "name":
        return chars[0] + "*" * (len(chars) - 1)
    # numbers: positions of the significant characters (digits, and the X of an id card)
    sig = [i for i, c in enumerate(chars) if c.isdecimal() or c in "xXｘＸ"]
    if kind == "mobile":
        sig = sig[-11:]  # the 11 national digits, after any +86 prefix
        hidden = set(sig[3:-4])
    else:
        hidden = set(sig[4:-4])
    return "".join("*" if i in hidden else c for i, c in enumerate(chars))


def mask_pii(text: str) -> str:
    """Mask the personal data in a message, keeping it readable.

    ======== ========================================= ==========================
    kind     kept                                      example
    ======== ========================================= ==========================
    mobile   first 3 and last 4 of the 11 digits       ``138****5678``
    id card  first 4 and last 4 of the 18 characters   ``1101**********123X``
    bank     first 4 and last 4 digits                 ``6222 **** **** 1234``
    e-mail   first character of the local part         ``z*******@qq.com``
    name     first character                           ``王**``
    ======== ========================================= ==========================

    Every masked character becomes one ``*``: the result has the length of
    ``text`` and differs only inside personal data; separators (spaces, ``-``,
    ``+86``) are kept. Only validated numbers are masked (identity cards by
    their check character and date of birth, bank cards by Luhn), and never a
    number labelled as an order, waybill, policy or member number. Masking is
    idempotent. The whole text is scanned, however long (time grows linearly).

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Raises
    ------
    TypeError
        ``text`` is not a ``str``.

    Examples
    --------
    >>> from triage import mask_pii
    >>> mask_pii("我的手机13812345678")
    '我的手机138****5678'
    >>> mask_pii("订单号13812345678，联系人王建国，邮箱zhangsan@qq.com")
    '订单号13812345678，联系人王**，邮箱z*******@qq.com'
    """
    if not isinstance(text, str):
        raise TypeError(
            f"mask_pii expects one message as a str, got {type(text).__name__}"
            + ("; decode bytes first" if isinstance(text, bytes | bytearray) else "")
        )
    found = find_pii(text)
    if not found:
        return text
    parts, pos = [], 0
    for e in found:
        parts.append(text[pos : e.start])
        parts.append(e.value)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def _mask_column(df: Any, text_col: str) -> Any:
    """``df`` with its text column masked (non-text values are left as they are)."""
    df[text_col] = [mask_pii(t) if isinstance(t, str) else t for t in df[text_col].tolist()]
    return df
