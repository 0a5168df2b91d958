"""Cue lexicons: words that signal urgency reasons, complaint types and emotions.

The lists are written for this project from ``LABELS.md`` (its "typical words"
and "signals" columns) and customer-service practice. They are matched as
substrings of the *normalised* (simplified, lower-cased) text, so one list
covers segmentation variants. Each hit becomes a ``cue`` feature of
:class:`~triage.features.ComplaintVectorizer`; the urgency head also uses the
flag lists as evidence for its reasons.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["LEXICON", "HIGH_TRIGGERS", "lexicon_hits", "compile_lexicon", "high_triggers"]

LEXICON: Mapping[str, tuple[str, ...]] = {
    # urgency reasons (LABELS.md section 4)
    "safety": (
        "起火", "着火", "自燃", "爆炸", "炸了", "冒烟", "漏电", "触电", "电到", "烫伤", "烧伤", "受伤", "骨折",
        "流血", "划伤", "中毒", "拉肚子", "腹泻", "上吐下泻", "呕吐", "住院", "急诊", "过敏", "刹车失灵",
        "刹不住", "气囊", "方向盘失灵", "失控", "燃气泄漏", "煤气泄漏", "漏气", "有毒", "甲醛", "被咬",
        "咬伤", "臭虫", "床虫", "困在电梯", "电梯困人", "被困", "坠落", "砸伤", "砸到", "安全隐患",
        "生命危险", "人身安全", "鼓包", "短路", "吃坏", "发烧", "窒息", "烧焦", "熄火", "断轴", "爆胎",
    ),
    "fraud": (
        "骗子", "诈骗", "骗人", "欺诈", "欺骗", "骗钱", "被骗", "套路", "盗刷", "被盗", "未经", "没经过我",
        "不知情", "莫名其妙扣", "偷偷扣", "私自", "强制开通", "乱扣", "偷扣", "跑路", "卷款", "冒名",
        "冒用", "诱导", "陷阱", "坑人", "偷钱", "扣了我", "莫名扣", "默认开通", "从来没开通", "没有开通",
        "没开通", "从没办过", "没有授权", "未授权",
    ),
    "privacy": (
        "泄露", "泄漏", "个人信息", "隐私", "骚扰电话", "推销电话", "摄像头", "偷拍", "通讯录", "身份证号",
        "身份信息", "信息被", "卖信息", "倒卖", "被人知道", "住址", "骚扰短信",
    ),
    "financial_loss": (
        "<bigmoney>", "损失", "血汗钱", "几千", "几万", "上万", "万块", "钱没退", "钱还没", "没退钱",
        "退款还没", "没收到退款", "多扣", "扣了", "扣款", "押金", "定金", "本金",
    ),
    "external_escalation": (
        "12315", "消协", "消费者协会", "工信部", "银保监", "金融监管", "市场监管", "监管部门", "媒体",
        "记者", "曝光", "律师", "起诉", "法院", "报警", "警察", "派出所", "110", "黑猫", "求扩散",
        "帮转", "扩散", "央视", "315", "维权", "仲裁", "举报", "12345", "12365", "12358", "上诉",
        "法律途径", "打官司", "电视台", "通管局", "卫健委", "民航局", "交通局",
    ),
    "broad_impact": (
        "大面积", "整个小区", "所有用户", "很多人", "不止我", "大家都", "全城", "全网", "批量", "集体",
        "很多用户", "整栋", "一大片", "整条街", "全部用户", "好多人", "很多业主", "全体", "周边", "都这样",
        "普遍", "一片",
    ),
    "repeat_complaint": (
        "多次", "反复", "再次", "三番五次", "一次又一次", "屡次", "无数次", "好几次", "n次", "第二次",
        "第三次", "第0次", "又一次", "0次", "几次", "每次", "一直没", "至今", "还是没", "再三", "已经投诉",
        "投诉过", "打了好", "问了好",
    ),
    "blocked_customer": (
        "用不了", "无法使用", "不能用", "打不开", "登不上", "登录不了", "没网", "断网", "停机", "冻结",
        "封号", "开不了", "动不了", "停电", "停水", "没法用", "无法", "上不了网", "没信号", "打不了电话",
        "用不上", "进不去", "取不出", "被锁", "没暖气", "不能开",
    ),
    "strong_emotion": (
        "垃圾", "傻逼", "sb", "妈的", "卧槽", "tmd", "滚", "去死", "气死", "混蛋", "王八蛋", "狗东西", "恶心",
        "nmsl", "他妈", "尼玛", "操", "畜生", "无耻", "流氓", "人渣", "脑残", "!!!", "😡", "🤬", "艹", "草泥马",
    ),
    # complaint types (LABELS.md section 1)
    "t_product": (
        "坏了", "质量", "故障", "破损", "漏水", "难吃", "闪退", "假货", "不能用", "异响", "坏掉", "凉了",
        "不新鲜", "脏", "信号", "卡顿", "发霉", "裂", "掉色", "失灵", "有问题", "毛病", "bug", "次品",
    ),
    "t_attitude": (
        "态度", "不耐烦", "挂电话", "挂断", "推卸", "推诿", "爱理不理", "骂", "冷漠", "踢皮球", "凶",
        "敷衍", "甩锅", "不理人", "吼", "嘲笑", "白眼", "没礼貌", "不专业",
    ),
    "t_timeliness": (
        "太慢", "还没到", "等了", "没人回复", "一直拖", "迟迟", "拖延", "还没", "至今", "超时", "延误",
        "没到", "没人处理", "没有回复", "排队", "不回", "多久", "还要等", "催", "没发货", "天了",
    ),
    "t_accuracy": (
        "不符", "发错", "少发", "漏发", "多扣", "账单", "虚假宣传", "描述", "错误", "不一致", "不对",
        "写错", "错了", "乱扣", "价格不", "显示", "实际", "明明", "宣传", "多收", "重复扣",
    ),
    "t_policy": (
        "不给退", "不退", "不保修", "违约金", "规定", "霸王条款", "积分", "政策", "条款", "拒绝", "不让",
        "不给换", "不予", "不能退", "手续费", "收费", "赔偿标准", "保价", "价保", "合同", "拒赔", "扣分",
    ),
    # emotion signals (LABELS.md section 2)
    "e_disappointed": (
        "失望", "再也不", "不会再", "算了", "后悔", "寒心", "心累", "无语", "唉", "哎", "本来很期待",
        "不推荐", "不值", "太差", "呵呵", "服了",
    ),
    "e_anxious": (
        "急", "怎么办", "到底", "什么时候", "担心", "着急", "尽快", "赶紧", "在线等", "求助", "急用",
        "麻烦尽快", "会不会", "能不能", "焦虑", "睡不着", "求求",
    ),
    # not a complaint
    "n_inquiry": (
        "请问", "咨询", "怎么", "如何", "谢谢", "表扬", "感谢", "点赞", "好评", "想问", "想了解", "可以吗",
        "能否", "麻烦告知", "是否",
    ),
}


def compile_lexicon(lexicon: Mapping[str, tuple[str, ...]] = LEXICON) -> list[tuple[str, re.Pattern[str]]]:
    """One alternation regex per category, longest terms first."""
    out = []
    for name, terms in lexicon.items():
        alts = sorted({t.lower() for t in terms}, key=len, reverse=True)
        out.append((name, re.compile("|".join(re.escape(t) for t in alts))))
    return out


_COMPILED = compile_lexicon()


def lexicon_hits(text: str) -> dict[str, int]:
    """Count non-overlapping hits of each lexicon category in normalised text.

    Examples
    --------
    >>> lexicon_hits("充电宝鼓包冒烟了,已经打了12315")
    {'safety': 2, 'external_escalation': 1}
    """
    lowered = text.lower()
    hits = {}
    for name, pattern in _COMPILED:
        n = len(pattern.findall(lowered))
        if n:
            hits[name] = n
    return hits


#: Terms that by themselves make a complaint ``high`` under LABELS.md section 3, by reason.
#: Narrower than :data:`LEXICON`: each term states the trigger, not a hint of it
#: ("骗子" thrown at a mislabelled item is not fraud; "12345" is the ordinary
#: public-service hotline, not an escalation).
HIGH_TRIGGERS: Mapping[str, tuple[str, ...]] = {
    "safety": (
        "刹车失灵", "刹不住", "刹车失效", "气囊没弹", "气囊未弹", "自燃", "起火", "着火", "爆炸", "炸裂", "冒烟",
        "漏电", "触电", "烫伤", "烧伤", "受伤", "骨折", "食物中毒", "中毒", "拉肚子", "腹泻", "闹肚子",
        "上吐下泻", "送医", "住院", "急诊", "甲醛超标", "燃气泄漏", "煤气泄漏", "困在电梯", "电梯困人",
        "方向盘失灵", "断轴", "电池鼓包", "生命危险", "人身安全", "失控", "吃出虫", "有虫", "蟑螂",
    ),
    # "骗人", "欺诈" alone are left to the model: thrown at an item that does not
    # match its listing they are accuracy without fraud (LABELS.md section 4)
    "fraud": (
        "诈骗", "盗刷", "未经同意", "未经我同意", "未经本人", "未经允许", "不知情的情况下", "私自开通",
        "偷偷扣", "偷偷开通", "莫名其妙扣", "乱扣费", "强制开通", "跑路", "卷款", "冒用我",
    ),
    "privacy": ("泄露", "信息泄漏", "偷拍", "隐藏摄像头", "倒卖信息", "个人信息被"),
    "external_escalation": (
        "12315", "消协", "消费者协会", "工信部", "银保监", "金融监管局", "市场监管", "通管局", "民航局",
        "卫健委", "媒体", "记者", "曝光", "律师", "起诉", "法院", "已报警", "去报警", "要报警", "报了警",
        "报警了", "派出所", "黑猫投诉", "求扩散",
        "帮转", "央视", "电视台", "仲裁",
    ),
    "broad_impact": ("大面积", "所有用户", "全城", "整个小区", "整栋楼", "不止我一个", "很多用户", "批量"),
}
_TRIGGERS = compile_lexicon(HIGH_TRIGGERS)


def high_triggers(text: str) -> tuple[str, ...]:
    """Reasons of :data:`HIGH_TRIGGERS` found in normalised text, in :data:`HIGH_TRIGGERS` order.

    Examples
    --------
    >>> high_triggers("刹车失灵差点出事,已经打了12315")
    ('safety', 'external_escalation')
    >>> high_triggers("发动机故障灯报警")   # a warning light, not the police
    ()
    >>> high_triggers("刹车失灵差点出事,已经打了12315")
    ('safety', 'external_escalation')
    >>> high_triggers("快递还没到")
    ()
    """
    lowered = text.lower()
    return tuple(name for name, pattern in _TRIGGERS if pattern.search(lowered))
