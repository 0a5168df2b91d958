"""The label sets of ``../shared/LABELS.md``: ids, display names and flag groups.

Every label the library reads or writes comes from here.
"""

from __future__ import annotations

__all__ = [
    "TYPES",
    "EMOTIONS",
    "URGENCIES",
    "FLAGS",
    "HIGH_FLAGS",
    "MODEL_FLAGS",
    "NONE_TYPE",
    "DISPLAY_NAMES",
]

#: Primary and secondary complaint types (§1).
TYPES: tuple[str, ...] = ("product", "attitude", "timeliness", "accuracy", "policy")
#: Type of a message that is not a complaint.
NONE_TYPE = "none"
#: Customer emotion (§2).
EMOTIONS: tuple[str, ...] = ("angry", "disappointed", "anxious", "calm")
#: Urgency, most urgent first (§3).
URGENCIES: tuple[str, ...] = ("high", "medium", "low")
#: Every urgency reason id (§4).
FLAGS: tuple[str, ...] = (
    "safety",
    "fraud",
    "privacy",
    "financial_loss",
    "external_escalation",
    "broad_impact",
    "repeat_complaint",
    "vip_customer",
    "blocked_customer",
    "strong_emotion",
)
#: Reasons of which a ``high`` row carries at least one.
HIGH_FLAGS: tuple[str, ...] = (
    "safety",
    "fraud",
    "privacy",
    "financial_loss",
    "external_escalation",
    "broad_impact",
)
#: Reasons the model reads from the text (``vip_customer`` comes from metadata only).
MODEL_FLAGS: tuple[str, ...] = tuple(f for f in FLAGS if f != "vip_customer")

DISPLAY_NAMES: dict[str, str] = {
    "product": "产品问题",
    "attitude": "服务态度",
    "timeliness": "处理时效",
    "accuracy": "信息准确性",
    "policy": "政策执行",
    "none": "非投诉",
    "angry": "愤怒",
    "disappointed": "失望",
    "anxious": "焦虑",
    "calm": "平静",
    "high": "立即处理",
    "medium": "优先处理",
    "low": "常规处理",
}
