"""Model cards: a readable Markdown summary written beside every saved model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["render_model_card", "write_model_card"]


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def render_model_card(manifest: dict[str, Any]) -> str:
    """Markdown for a model's manifest: data, labels, metrics, versions, intended use and limits."""
    lines = [f"# Model card: {manifest.get('name', 'triage model')}", ""]
    data = manifest.get("training_data", {})
    lines += [
        "## Training data",
        "",
        f"- rows: {data.get('rows', '?')}; source: {data.get('source', '?')}",
        f"- SHA-256 of the training rows: `{data.get('sha256', '?')}`",
        f"- seed: {manifest.get('seed', '?')}; segmentation engine: {manifest.get('engine', '?')}",
        "",
    ]
    for head, counts in (data.get("label_counts") or {}).items():
        lines += [f"Label counts, `{head}`:", ""]
        lines += _table([(k, v) for k, v in counts.items()], ("label", "rows"))
        lines.append("")
    metrics = manifest.get("metrics") or {}
    if metrics:
        lines += ["## Metrics", ""]
        for where, per_head in metrics.items():
            lines += [f"On {where}:", ""]
            rows = []
            for head, m in per_head.items():
                if isinstance(m, dict):
                    rows.append((head, m.get("accuracy", ""), m.get("macro_f1", ""), m.get("ece", "")))
            lines += _table(rows, ("head", "accuracy", "macro-F1", "calibration error (ECE)"))
            lines.append("")
    versions = manifest.get("versions") or {}
    lines += ["## Versions", ""] + [f"- {k}: {v}" for k, v in versions.items()] + [""]
    lines += [
        "## Intended use",
        "",
        "Routing and prioritising Chinese customer complaints (simplified or traditional) in a",
        "ticketing system, with a person reviewing high-urgency tickets. Probabilities are",
        "temperature-calibrated on held-out folds of the training data.",
        "",
        "## Limits",
        "",
        "- Trained on the data above only: texts from other industries, channels or eras score lower;",
        "  measure on your own labelled tickets (`triage evaluate`) before relying on it.",
        "- Not for texts in other languages (marked `no_chinese` in results) or for non-customer text.",
        "- Urgency reasons come from the text alone; ticket metadata (VIP, repeat count) is not seen.",
        "",
    ]
    return "\n".join(lines)


def write_model_card(manifest: dict[str, Any], path: Path) -> None:
    path.write_text(render_model_card(manifest), encoding="utf-8")
