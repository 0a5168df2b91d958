import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage.features import TextNormalizer, is_traditional, normalize, to_simplified


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ＡＰＰ闪退！！！！！！", "app闪退!!!"),  # full-width → half-width, lower-case, runs capped at 3
        ("退款\u200b\u200d到了吗", "退款到了吗"),  # zero-width characters dropped
        ("<p>退款&amp;赔偿</p>", "退款&赔偿"),  # HTML tags and entities
        ("联系我13812345678", "联系我 <PHONE>"),
        ("订单号2023110512345678没发货", "订单号 <ORDER> 没发货"),
        ("退我¥98", "退我 <MONEY>"),
        ("扣了两千多块", "扣了 <BIGMONEY>"),
        ("被扣1,299元", "被扣 <BIGMONEY>"),
        ("@中国移动10086 网络又断了", "<AT> 网络又断了"),
        ("看这里 https://example.com/a?b=1 ", "看这里 <URL>"),
        ("打了12315", "打了12315"),  # regulator hotlines keep their number
        ("等了3天", "等了0天"),
        ("😡😡气死", "😡😡气死"),  # emoji kept
    ],
)
def test_normalize_golden(raw, expected):
    assert normalize(raw) == expected


def test_traditional_is_converted():
    assert normalize("這個軟體很爛，後來也沒人理") == "这个软体很烂,后来也没人理"
    assert is_traditional("點解部手機壞咗")


@pytest.mark.parametrize(
    "text",
    ["快递一个礼拜还没到", "著名的乾隆皇帝", "他覆盖了余额", "头发理发一干二净", "于是我又打了电话"],
)
def test_simplified_text_is_unchanged(text):
    assert to_simplified(text) == text
    assert not is_traditional(text)


@given(st.text(max_size=200))
def test_normalize_total_and_idempotent_on_arbitrary_text(text):
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == once


def test_normalize_rejects_non_str():
    with pytest.raises(TypeError, match="expects a str, got bytes"):
        normalize(b"abc")


def test_text_normalizer_refuses_bare_string():
    with pytest.raises(TypeError, match="iterable of documents"):
        TextNormalizer().fit_transform("退款")


def test_regression_combining_mark_after_dropped_space():
    # found by hypothesis: NFKC turns "´" into " ́"; dropping the space must not leave the text un-normalised
    assert normalize(normalize("Å´")) == normalize("Å´")
