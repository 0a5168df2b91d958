"""triage.extract: Chinese numerals, every entity kind, hard negatives, offsets and values (issue #5)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import triage
from triage import Entity, extract
from triage._cnnum import Quantity, parse_number, parse_quantity
from triage._extract import KINDS

# --------------------------------------------------------------------------- numerals


@pytest.mark.parametrize(
    "text, value",
    [
        ("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("二十五", 25), ("一百", 100), ("一百零五", 105),
        ("一百一", 110), ("一百一十", 110), ("三百五", 350), ("三百五十", 350), ("两千", 2000), ("两千五", 2500),
        ("两千五百", 2500), ("一千零五", 1005), ("一万", 10_000), ("一万二", 12_000), ("一万两千", 12_000),
        ("一万零五百", 10_500), ("两万五", 25_000), ("十万", 100_000), ("一百万", 1_000_000), ("三亿", 300_000_000),
        ("一亿二千万", 120_000_000), ("兩萬", 20_000), ("壹仟贰佰", 1200), ("零", 0), ("半", 0.5),
        ("1.5万", 15_000), ("3千", 3000), ("2k", 2000), ("3w", 30_000), ("１２０", 120), ("1,299", 1299),
        ("1,299.50", 1299.5), ("0.5", 0.5), ("12万5", 125_000),
    ],
)
def test_parse_number_table(text, value):
    assert parse_number(text) == value
    assert type(parse_number(text)) is type(value)  # whole values come back as int


@pytest.mark.parametrize("text", ["", "万", "千", "百", "亿万", "百十", "十十", "三四", "十几", "abc", "1.2.3", "1,2", "几"])
def test_parse_number_rejects_what_is_not_one_numeral(text):
    assert parse_number(text) is None


def test_parse_number_digit_strings_only_when_asked():
    assert parse_number("二〇二四", digit_string=True) == 2024
    assert parse_number("二〇二四") is None
    with pytest.raises(TypeError, match="got int"):
        parse_number(5)


@pytest.mark.parametrize(
    "text, q",
    [
        ("两个多", Quantity(2, "more")), ("十几", Quantity(10, "more")), ("二十多", Quantity(20, "more")),
        ("三百来", Quantity(300, "about")), ("十来", Quantity(10, "about")), ("五十左右", Quantity(50, "about")),
        ("三四", Quantity(3, None, 4)), ("两三百", Quantity(200, None, 300)), ("七八千", Quantity(7000, None, 8000)),
        ("十五六", Quantity(15, None, 16)), ("一个半", Quantity(1.5)), ("三个", Quantity(3)), ("30", Quantity(30)),
        ("几", Quantity(None, "about")), ("几十", Quantity(None, "about")), ("好", Quantity(None)),
    ],
)
def test_parse_quantity_table(text, q):
    assert parse_quantity(text) == q


# --------------------------------------------------------------------------- entity kinds


def facts(text, kind=None):
    return [(e.kind, e.text, e.value) for e in extract(text) if kind is None or e.kind == kind]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("订单号 2026031188 还没发货", ("2026031188", "2026031188")),
        ("订单编号：ＡＢ２０２６ 3311", ("ＡＢ２０２６ 3311", "AB20263311")),
        ("我的订单（2026031188）一直没发货", ("2026031188", "2026031188")),
        ("訂單編號 HK-20260311 還沒到", ("HK-20260311", "HK-20260311")),
        ("交易号：4200001234202603115678901", ("4200001234202603115678901", "4200001234202603115678901")),
        ("我那个 #55201 的单还没到", ("55201", "55201")),
        ("Booking ref XK7P2Q was charged twice", ("XK7P2Q", "XK7P2Q")),
        ("订单号13812345678怎么查不到", ("13812345678", "13812345678")),  # 11 digits after 订单号: an order
    ],
)
def test_order_id(text, expected):
    assert facts(text, "order_id") == [("order_id", *expected)]


@pytest.mark.parametrize(
    "text",
    ["订单金额12999元", "订单3天没发货", "订单尾号5678的那单", "会员号 88213907", "iPhone 15 和 RTX4090", "房间号 80231"],
)
def test_not_order_id(text):
    assert facts(text, "order_id") == []


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("我的手机13812345678", "13812345678", "13812345678"),
        ("电话 +86 138-1234-5678", "+86 138-1234-5678", "13812345678"),
        ("138 1234 5678 是我", "138 1234 5678", "13812345678"),
        ("１３８１２３４５６７８", "１３８１２３４５６７８", "13812345678"),
        ("0086 13812345678", "0086 13812345678", "13812345678"),
        ("座机010-62345678", "010-62345678", "01062345678"),
        ("打(0755)8345 6789", "(0755)8345 6789", "075583456789"),
        ("电话：0755-83456789转8021", "0755-83456789", "075583456789"),
        ("客服热线400-820-1234", "400-820-1234", "4008201234"),
        ("打了10086没人管", "10086", "10086"),
        ("12315热线", "12315", "12315"),
        ("香港号码+852 9123 4567", "+852 9123 4567", "+85291234567"),
    ],
)
def test_phone(text, span, value):
    assert facts(text, "phone") == [("phone", span, value)]


@pytest.mark.parametrize(
    "text",
    ["尾号1234的卡", "QQ 12345678", "工号 10086", "验证码 382910", "已经打码的138****5678", "扣了12000元",
     "卡号6222 0980 1123 7756", "我要去12315投诉", "户号 0021345678"],
)
def test_not_phone(text):
    assert facts(text, "phone") == []


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("付了¥1,299.00", "¥1,299.00", {"amount": 1299, "currency": "CNY"}),
        ("两千五百元", "两千五百元", {"amount": 2500, "currency": "CNY"}),
        ("HK$380", "HK$380", {"amount": 380, "currency": "HKD"}),
        ("USD 45.5", "USD 45.5", {"amount": 45.5, "currency": "USD"}),
        ("八百多块钱", "八百多块钱", {"amount": 800, "currency": "CNY", "approx": "more"}),
        ("五十来块", "五十来块", {"amount": 50, "currency": "CNY", "approx": "about"}),
        ("2000余元", "2000余元", {"amount": 2000, "currency": "CNY", "approx": "more"}),
        ("5毛", "5毛", {"amount": 0.5, "currency": "CNY"}),
        ("3块5", "3块5", {"amount": 3.5, "currency": "CNY"}),
        ("两块五", "两块五", {"amount": 2.5, "currency": "CNY"}),
        ("2.5万元", "2.5万元", {"amount": 25000, "currency": "CNY"}),
        ("人民币500元", "人民币500元", {"amount": 500, "currency": "CNY"}),
        ("800 RMB", "800 RMB", {"amount": 800, "currency": "CNY"}),
        ("50刀", "50刀", {"amount": 50, "currency": "USD"}),
        ("NT$500", "NT$500", {"amount": 500, "currency": "TWD"}),
        ("€300", "€300", {"amount": 300, "currency": "EUR"}),
        ("45,800日元", "45,800日元", {"amount": 45800, "currency": "JPY"}),
        ("大概三百块左右", "三百块", {"amount": 300, "currency": "CNY"}),
        ("给了两块", "两块", {"amount": 2, "currency": "CNY"}),
    ],
)
def test_money(text, span, value):
    assert facts(text, "money") == [("money", span, value)]


@pytest.mark.parametrize(
    "text", ["退我299", "赔2万", "500积分", "100金币", "打8折", "涨了20%", "引擎盖凹了一块", "一块屏幕碎了", "尾号1234"]
)
def test_not_money(text):
    assert facts(text, "money") == []


def test_two_amounts_separated_by_a_chinese_comma_stay_two():
    assert [v["amount"] for _, _, v in facts("RMB 500，500RMB", "money")] == [500, 500]


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("2026年3月5日晚上8点", "2026年3月5日", "2026-03-05"),
        ("2026-03-05", "2026-03-05", "2026-03-05"),
        ("2026/3/5", "2026/3/5", "2026-03-05"),
        ("二〇二六年三月五日", "二〇二六年三月五日", "2026-03-05"),
        ("26年3月5号", "26年3月5号", "2026-03-05"),
        ("单据日期20260305", "20260305", "2026-03-05"),
        ("2025年12月", "2025年12月", "2025-12"),
        ("2025年", "2025年", "2025"),
        ("3月5日", "3月5日", "--03-05"),
        ("12月31號", "12月31號", "--12-31"),
        ("3月份", "3月份", "--03"),
        ("十月", "十月", "--10"),
        ("15号下的单", "15号", "---15"),
        ("今天早上", "今天", "rel:0d"),
        ("大前天", "大前天", "rel:-3d"),
        ("昨晚", "昨晚", "rel:-1d"),
        ("上上周", "上上周", "rel:-2w"),
        ("下个月", "下个月", "rel:+1m"),
        ("前年", "前年", "rel:-2y"),
        ("两个多月前", "两个多月前", "rel:-2m"),
        ("上周五", "上周五", "rel:-1w/5"),
        ("下礼拜一", "下礼拜一", "rel:+1w/1"),
        ("上个月15号", "上个月15号", "rel:-1m/15"),
        ("去年12月3号", "去年12月3号", "rel:-1y/12-03"),
        ("星期天", "星期天", "wd:7"),
        ("三天后", "三天后", "rel:+3d"),
    ],
)
def test_date(text, span, value):
    assert facts(text, "date") == [("date", span, value)]


@pytest.mark.parametrize(
    "text",
    ["最近", "前几天", "那天", "当天", "第二天", "月底", "周末", "双十一", "618大促", "3.15", "下午3点", "5号楼", "2月30日"],
)
def test_not_date(text):
    assert facts(text, "date") == []


def test_date_inside_an_order_id_or_an_id_number_is_not_a_date():
    assert [k for k, _, _ in facts("订单号2026110588341")] == ["order_id"]
    assert facts("身份证 440305 19880808 5128", "date") == []


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("等了三天", "三天", {"amount": 3, "unit": "day", "approx": None}),
        ("一个礼拜", "一个礼拜", {"amount": 1, "unit": "week", "approx": None}),
        ("两个多月", "两个多月", {"amount": 2, "unit": "month", "approx": "more"}),
        ("48小时", "48小时", {"amount": 48, "unit": "hour", "approx": None}),
        ("一个半小时", "一个半小时", {"amount": 1.5, "unit": "hour", "approx": None}),
        ("十来天", "十来天", {"amount": 10, "unit": "day", "approx": "about"}),
        ("十几天", "十几天", {"amount": 10, "unit": "day", "approx": "more"}),
        ("3个工作日", "3个工作日", {"amount": 3, "unit": "workday", "approx": None}),
        ("3到5个工作日", "3到5个工作日", {"amount": 3, "unit": "workday", "approx": None, "amount_max": 5}),
        ("三到五天", "三到五天", {"amount": 3, "unit": "day", "approx": None, "amount_max": 5}),
        ("半个月", "半个月", {"amount": 0.5, "unit": "month", "approx": None}),
        ("一年半", "一年半", {"amount": 1.5, "unit": "year", "approx": None}),
        ("个把月", "个把月", {"amount": 1, "unit": "month", "approx": "about"}),
        ("30分钟", "30分钟", {"amount": 30, "unit": "minute", "approx": None}),
        ("7天无理由", "7天", {"amount": 7, "unit": "day", "approx": None}),
        ("整整两周了", "两周", {"amount": 2, "unit": "week", "approx": None}),
    ],
)
def test_duration(text, span, value):
    assert facts(text, "duration") == [("duration", span, value)]


@pytest.mark.parametrize("text", ["好几天", "几个月", "很久", "等了半天", "第三天", "三点半", "三次", "两个人", "哪一天", "三月"])
def test_not_duration(text):
    assert facts(text, "duration") == []


def test_ten_days_and_half_a_month_are_two_durations():
    assert [t for _, t, _ in facts("十天半个月", "duration")] == ["十天", "半个月"]


@pytest.mark.parametrize(
    "text, span",
    [
        ("快递单号SF1234567890123", "SF1234567890123"),
        ("运单号：YT1234567890123", "YT1234567890123"),
        ("JDVA01234567890 还没到", "JDVA01234567890"),
        ("挂号信EA123456789CN", "EA123456789CN"),
        ("中通快递 75312345678901", "75312345678901"),
        ("包裹一直没到，单号是75120938847712", "75120938847712"),  # bare 单号 about a parcel
        ("運單號SF7720195534087", "SF7720195534087"),
    ],
)
def test_tracking_number(text, span):
    assert facts(text, "tracking_number") == [("tracking_number", span, span.upper())]


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("京A12345", "京A12345", "京A12345"),
        ("沪C·8K2M7", "沪C·8K2M7", "沪C8K2M7"),
        ("粤B·D12345", "粤B·D12345", "粤BD12345"),
        ("苏E F67890", "苏E F67890", "苏EF67890"),
        ("粤Z1234港", "粤Z1234港", "粤Z1234港"),
        ("车牌号：粤Ｂ·８Ｌ２７５", "粤Ｂ·８Ｌ２７５", "粤B8L275"),
    ],
)
def test_car_plate(text, span, value):
    assert facts(text, "car_plate") == [("car_plate", span, value)]


@pytest.mark.parametrize("text", ["航班CA1234", "高铁G1234", "D301次", "Model Y", "宝马X5"])
def test_not_car_plate(text):
    assert facts(text, "car_plate") == []


def test_email():
    assert facts("联系我ZhangSan@QQ.com谢谢", "email") == [("email", "ZhangSan@QQ.com", "zhangsan@qq.com")]
    for text in ("https://a.example.com/x@y.com", "@某某客服", "z***@qq.com"):
        assert facts(text, "email") == []


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("能不能退款？", "退款", "退款"),
        ("把钱退给我", "把钱退给我", "退款"),
        ("三天不处理就退货", "退货", "退款"),
        ("申请退款两周了还没到", "退款", "退款"),
        ("我要求换一台新的", "换一台", "换货"),
        ("上门修一下", "上门修", "维修"),
        ("请尽快补发", "补发", "补发"),
        ("必须赔偿我的损失", "赔偿", "赔偿"),
        ("要求公开道歉", "道歉", "道歉"),
        ("给个说法", "给个说法", "解释"),
        ("说明延误原因", "说明延误原因", "解释"),
        ("我要找你们领导", "找你们领导", "投诉处理人员"),
        ("马上转人工", "转人工", "投诉处理人员"),
        ("請解釋原因", "解釋", "解释"),
        ("Please refund the extra charge", "refund", "退款"),
        ("钱原路退回", "原路退", "退款"),
        ("赶紧把钱返还给我", "把钱返还给我", "退款"),
        ("派人来修", "派人来修", "维修"),
        ("重新配送一份", "重新配送", "补发"),
        ("我要索赔", "索赔", "赔偿"),
        ("说声对不起很难吗", "说声对不起", "道歉"),
        ("请升级处理", "升级处理", "投诉处理人员"),
    ],
)
def test_demand(text, span, value):
    assert facts(text, "demand") == [("demand", span, value)]


@pytest.mark.parametrize(
    "text",
    ["不要退款", "道歉就不必了", "不用补发", "客服说可以补发", "钱已经退了", "已经给我退款了", "七天无理由退货政策", "维修点在哪",
     "售后维修中心", "我要去12315投诉", "找媒体曝光", "退货地址在哪", "我要求换新，不接受维修", "商家同意退款了",
     "客服只说给我补偿优惠券", "延误了也没有任何解释", "连一句道歉都没有", "找了刘主管也没用", "理赔资料发你们了",
     "优惠券没返还", "公司报销要用", "维修期间没有备用机", "维修过两次了"],
)
def test_not_demand(text):
    kept = {"换货"} if "换新" in text else set()
    assert {v for k, _, v in facts(text) if k == "demand"} == kept


def test_demand_may_contain_money():
    got = facts("赔我200元")
    assert ("demand", "赔我", "赔偿") in got and ("money", "200元", {"amount": 200, "currency": "CNY"}) in got


# --------------------------------------------------------------------------- offsets and API

MESSAGE = "訂單號：ＡＢ２０２６０３１１，昨天付了３百多塊，快遞一個禮拜還沒到\u200b，電話１３８\u200b1234 5678，我要退款！"


def test_offsets_index_the_original_string():
    ents = extract(MESSAGE)
    assert [e.kind for e in ents] == ["order_id", "date", "money", "duration", "phone", "demand"]
    for e in ents:
        assert MESSAGE[e.start : e.end] == e.text
    phone = next(e for e in ents if e.kind == "phone")
    assert phone.value == "13812345678" and "\u200b" in phone.text  # zero-width characters stay in the span


def test_entity_is_frozen_hashable_and_json_ready():
    e = extract("退我¥98")[0]
    assert isinstance(e, Entity)
    with pytest.raises(AttributeError):
        e.start = 0
    assert len({e, e}) == 1
    d = e.to_dict()
    assert list(d) == ["kind", "start", "end", "text", "value"]
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    d["value"]["amount"] = 0
    assert e.value["amount"] == 98  # to_dict copies the value


def test_kinds_filter_and_errors():
    assert [e.kind for e in extract(MESSAGE, kinds=["phone", "demand"])] == ["phone", "demand"]
    assert [e.kind for e in extract(MESSAGE, kinds="date")] == ["date"]
    with pytest.raises(ValueError, match="unknown entity kind"):
        extract(MESSAGE, kinds=["phone_number"])
    with pytest.raises(ValueError, match="max_chars"):
        extract(MESSAGE, max_chars=-1)


def test_max_chars_limits_the_scan():
    text = "快递没到" * 5000 + "，电话13812345678"
    assert extract(text) == []  # the phone is after the first 10,000 characters
    assert [e.value for e in extract(text, max_chars=None)] == ["13812345678"]
    assert [e.kind for e in extract("电话13812345678", max_chars=6)] == []


def test_html_and_json_fragments():
    assert facts("订单号<span>2026031188</span>", "order_id") == [("order_id", "2026031188", "2026031188")]
    assert facts('{"order": "2026031188"}', "order_id") == [("order_id", "2026031188", "2026031188")]


def test_overlaps_are_resolved_one_way():
    # a phone-shaped number inside an order id, and an 8-digit date inside an order id, are not reported
    assert [e.kind for e in extract("订单号2026031513812345678")] == ["order_id"]


def test_exported_from_the_package():
    assert {"extract", "mask_pii", "Entity"} <= set(triage.__all__)


_PIECES = st.sampled_from(
    ["订单号", "单号", "电话", "手机", "快递", "运单号", "元", "块", "万", "多", "个", "月", "天", "年", "号", "前", "周",
     "上", "星期", "退款", "不要", "换", "赔", "先生", "我叫", "王", "欧阳", "建国", "¥", "$", "HK$", "@", "qq.com", ".",
     "-", " ", "，", "。", "１", "３", "８", "0", "1", "3", "8", "9", "一", "两", "三", "十", "百", "千", "半", "SF",
     "京A", "·", "\u200b", "\ufeff", "\x00", "\ud800", "😡", "訂單", "電話", "塊", "A", "x"]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(_PIECES, max_size=40).map("".join), st.text(max_size=200)))
def test_offsets_property(text):
    ents = extract(text)
    assert ents == sorted(ents, key=lambda e: (e.start, e.end, e.kind))
    plain = [e for e in ents if e.kind != "demand"]
    for e in ents:
        assert e.kind in KINDS
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.text
        json.dumps(e.to_dict())
    for a, b in zip(plain, plain[1:]):
        assert a.end <= b.start  # non-demand spans never overlap
    assert extract(text) == ents  # deterministic
