"""triage.mask_pii: validators, masking formats, labelled numbers never masked, invariants (issue #5)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage import mask_pii
from triage._pii import PII_KINDS, find_pii, id_card_ok, luhn_ok

# --------------------------------------------------------------------------- validators


def _luhn_oracle(digits: str) -> bool:
    # written differently from the library: double every second digit from the right, add the digits of each
    total = 0
    for i, d in enumerate(int(c) for c in reversed(digits)):
        total += sum(divmod(2 * d, 10)) if i % 2 else d
    return total % 10 == 0


def _id_check(body17: str) -> str:
    # ISO 7064 MOD 11-2 in its closed form: check = (12 - S mod 11) mod 11, 10 written X
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    c = (12 - sum(int(d) * w for d, w in zip(body17, weights)) % 11) % 11
    return "X" if c == 10 else str(c)


@pytest.mark.parametrize(
    "number",
    ["4111111111111111", "5555555555554444", "6011111111111117", "378282246310005", "79927398713",
     "4111 1111 1111 1111", "4111-1111-1111-1111", "４１１１１１１１１１１１１１１１"],
)
def test_luhn_accepts_known_valid_numbers(number):
    assert luhn_ok(number)


@pytest.mark.parametrize("number", ["4111111111111112", "79927398710", "1234567812345678", "", "7", "4111a11111111111"])
def test_luhn_rejects(number):
    assert not luhn_ok(number)


@settings(max_examples=200)
@given(st.text(alphabet="0123456789", min_size=12, max_size=19))
def test_luhn_agrees_with_an_independent_oracle(digits):
    assert luhn_ok(digits) == _luhn_oracle(digits)
    # exactly one final digit makes any prefix valid
    assert sum(luhn_ok(digits[:-1] + d) for d in "0123456789") == 1


def test_id_card_known_values():
    assert id_card_ok("11010519491231002X") and id_card_ok("11010519491231002x")  # the GB 11643 example
    assert not id_card_ok("110105194912310021")  # wrong check character
    assert not id_card_ok("110105194902300027")  # 30 February
    assert not id_card_ok("991051194912310021")  # no province 99
    assert not id_card_ok("11010518991231002X")  # born 1899
    assert not id_card_ok("110105491231002")  # 15-digit old cards are not validated
    assert not id_card_ok("1101051949123100XX")
    with pytest.raises(TypeError, match="got int"):
        id_card_ok(110105194912310021)


@settings(max_examples=200)
@given(
    st.sampled_from(["110105", "310104", "440305", "510107", "650102"]),
    st.dates(min_value=__import__("datetime").date(1900, 1, 1), max_value=__import__("datetime").date(2099, 12, 31)),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)
def test_id_card_agrees_with_the_closed_form_check(region, born, seq):
    body = f"{region}{born:%Y%m%d}{seq}"
    good = body + _id_check(body)
    assert id_card_ok(good)
    assert sum(id_card_ok(body + c) for c in "0123456789X") == 1


# --------------------------------------------------------------------------- masking formats (EXTRACT_GUIDE.md §3.1)

ID = "11010519491231002X"


@pytest.mark.parametrize(
    "text, masked",
    [
        ("我的手机13812345678", "我的手机138****5678"),
        ("+86 138-1234-5678", "+86 138-****-5678"),
        ("电话138 1234 5678", "电话138 **** 5678"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
        ("0086 13812345678", "0086 138****5678"),
        (f"身份证{ID}", "身份证1101**********002X"),
        ("身份证号110105 19491231 002X", "身份证号1101** ******** 002X"),
        ("卡号6222 0212 3456 7894", "卡号6222 **** **** 7894"),
        ("转账到6217000010001234569", "转账到6217***********4569"),
        ("邮箱zhangsan@qq.com", "邮箱z*******@qq.com"),
        ("a@qq.com", "*@qq.com"),
        ("邮箱ｚｈａｎｇｓａｎ＠ｑｑ．ｃｏｍ", "邮箱ｚ*******＠ｑｑ．ｃｏｍ"),  # full-width (a fuzz find)
        ("王建国先生你好", "王**先生你好"),
        ("欧阳娜娜女士", "欧***女士"),
        ("收件人：陈可欣，", "收件人：陈**，"),
        ("我叫李明。", "我叫李*。"),
    ],
)
def test_mask_formats(text, masked):
    assert mask_pii(text) == masked


def test_doc_example_numbers_are_valid():
    assert luhn_ok("6222 0212 3456 7894") and luhn_ok("6217000010001234569") and id_card_ok(ID)


@pytest.mark.parametrize(
    "text",
    [
        "订单号13812345678怎么查不到",  # an 11-digit order id that looks like a mobile
        f"订单号{ID}",  # an order id that passes MOD 11-2
        "订单号4111111111111111",  # an order id that passes Luhn
        "运单号4111111111111111",
        "保单号4111111111111111",
        "会员号13812345678",
        "流水号4111111111111111",
        "尾号5678",
        "已经打码的138****5678和z***@qq.com",
        "座机010-62345678，客服400-820-1234",  # landlines and 400 numbers are not personal
        "110105194912310021",  # fails MOD 11-2
        "4111111111111112",  # fails Luhn
        "110105491231002",  # 15 digits
        "张先生、王女士、陈小姐、这位女士、小王、老李",  # bare surname + title, nicknames
        "我是王者荣耀的玩家，穿李宁的鞋，在张江上班",
        "谢谢王先生",
        "付了¥1,299.00，退款2,000元",
    ],
)
def test_never_masked(text):
    assert mask_pii(text) == text


def test_find_pii_kinds_and_values():
    got = [(e.kind, e.text, e.value) for e in find_pii(f"收件人王建国，手机13812345678，身份证{ID}，邮箱wjg@example.com")]
    assert got == [
        ("name", "王建国", "王**"),
        ("mobile", "13812345678", "138****5678"),
        ("id_card", ID, "1101**********002X"),
        ("email", "wjg@example.com", "w**@example.com"),
    ]
    assert {k for k, _, _ in got} <= set(PII_KINDS)


def test_bad_input():
    for bad in (None, 3, b"138", ["138"]):
        with pytest.raises(TypeError, match="mask_pii expects one message as a str"):
            mask_pii(bad)
    assert mask_pii("") == "" and mask_pii("  ") == "  "


def test_the_whole_text_is_masked_however_long():
    text = "快递没到" * 5000 + "，电话13812345678"
    assert mask_pii(text).endswith("138****5678")


# --------------------------------------------------------------------------- invariants

_PIECES = st.sampled_from(
    ["手机", "电话", "订单号", "运单号", "卡号", "身份证", "收件人", "我叫", "先生", "女士", "王", "欧阳", "建国", "娜", "13812345678",
     "+86 ", "138 1234 5678", ID, "6222 0212 3456 7894", "4111111111111111", "a.b@qq.com", "@", "*", " ", "-", "，", "。",
     "１", "8", "0", "X", "\u200b", "\x00", "😡", "電話", "訂單號", "＠", "ｑｑ．ｃｏｍ", "ａ"]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(_PIECES, max_size=30).map("".join), st.text(max_size=200)))
def test_mask_invariants(text):
    masked = mask_pii(text)
    assert len(masked) == len(text)  # one * per masked character
    assert mask_pii(masked) == masked  # idempotent
    spans = find_pii(text)
    inside = set()
    for e in spans:
        assert text[e.start : e.end] == e.text and masked[e.start : e.end] == e.value
        inside.update(range(e.start, e.end))
    for i, (a, b) in enumerate(zip(text, masked)):
        if a != b:
            assert i in inside and b == "*"  # nothing changes outside personal data
