"""Model cards: a readable Markdown summary written beside every saved model.

The card is rendered from the manifest alone (so ``triage info`` and the card
never disagree): training data (size, SHA-256, label distribution per head),
the heads and how they are decoded, metrics (cross-validation and held-out
test), training parameters, the versions that trained the model, intended use
and limits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["render_model_card", "write_model_card"]

_STANDARD = ("type", "emotion", "urgency", "is_complaint", "flags", "secondary")


def _table(rows: list[tuple[Any, ...]], header: tuple[str, ...]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_fmt(c) for c in r) + " |" for r in rows]
    return out


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 100 else f"{v:g}"
    if isinstance(v, (list, tuple)):
        return ", ".join(_fmt(x) for x in v)
    return str(v).replace("|", "\\|")


def render_model_card(manifest: dict[str, Any]) -> str:
    """Markdown for a model's manifest: data, labels, heads, metrics, parameters, versions, intended use and limits.

    Examples
    --------
    >>> card = render_model_card({"name": "m", "training_data": {"rows": 3, "label_counts": {"team": {"物流": 3}}}})
    >>> card.splitlines()[0], "| 物流 | 3 | 100.0 % |" in card
    ('# Model card: m', True)
    """
    lines = [f"# Model card: {manifest.get('name', 'triage model')}", ""]
    data = manifest.get("training_data", {})
    lines += [
        "## Training data",
        "",
        f"- rows: {data.get('rows', '?')}; source: {data.get('source', '?')}",
        f"- SHA-256 of the training rows: `{data.get('sha256', '?')}`",
        f"- seed: {manifest.get('seed', '?')}; segmentation engine: {manifest.get('engine', '?')}",
    ]
    if data.get("default_corpus_rows"):
        lines.append(
            f"- plus {data['default_corpus_rows']} rows of the bundled corpus (datasets/complaints.csv), "
            "for the heads that use the label guide's labels"
        )
    lines.append("")
    for head, counts in (data.get("label_counts") or {}).items():
        total = sum(counts.values()) or 1
        lines += [f"Label counts, `{head}`:", ""]
        lines += _table([(k, v, f"{100 * v / total:.1f} %") for k, v in counts.items()], ("label", "rows", "share"))
        lines.append("")
    heads = manifest.get("heads") or {}
    if heads:
        lines += ["## Heads", ""]
        rows = [
            (name, h.get("column"), h.get("kind"), len(h.get("labels") or ()), h.get("decoding"), h.get("model"),
             h.get("C"), h.get("class_weight"), h.get("rows"))
            for name, h in heads.items()
        ]
        lines += _table(rows, ("head", "column", "kind", "labels", "decoding", "classifier", "C", "class weight", "training rows"))
        lines += [
            "",
            "Decoding `standard`: the label guide's rules (a non-complaint is type `none` and urgency `low`; "
            "flags only on medium/high; a high result carries a high-risk reason). `plain`/`custom`: the most "
            "probable label (multi-label heads: every label over its tuned threshold).",
            "",
        ]
    metrics = manifest.get("metrics") or {}
    if metrics:
        lines += ["## Metrics", ""]
        for where, per_head in metrics.items():
            lines += [f"On {where}:", ""]
            rows = []
            for head, m in per_head.items():
                if isinstance(m, dict):
                    rows.append((head, m.get("accuracy"), m.get("macro_f1"), m.get("micro_f1"), m.get("ece")))
            lines += _table(rows, ("head", "accuracy", "macro-F1", "micro-F1 (multi-label)", "calibration error (ECE)"))
            lines.append("")
    cv = manifest.get("cv")
    if cv:
        how = f"{cv['k']}-fold {cv['splitter']}" + (f" grouped by `{cv['group_col']}`" if cv.get("group_col") else "")
        lines += [
            f"Cross-validation: {how}, stratified on `{cv.get('stratify_on')}`, {cv.get('rows')} rows scored; "
            "the full report is `cv_report.md` beside the model when it was saved with `triage train`.",
            "",
        ]
    search = manifest.get("search")
    if search:
        chosen = search.get("chosen", {})
        lines += [
            "## Hyper-parameter search",
            "",
            f"- grid: word n-gram range {search['grid']['word_ngram_range']} x C {search['grid']['C']}, "
            f"{search.get('folds')}-fold, {search.get('metric')}",
            f"- chosen: word n-grams {chosen.get('word_ngram_range')}; C "
            + ", ".join(f"{h}={c:g}" for h, c in (chosen.get("C") or {}).items()),
            "",
        ]
    params = manifest.get("params") or {}
    if params:
        lines += ["## Training parameters", ""]
        for key, value in (params.get("vectorizer") or {}).items():
            lines.append(f"- features `{key}`: {_fmt(value)}")
        for key in ("cv", "group_col", "include_default_corpus", "search", "text_col"):
            if key in params:
                lines.append(f"- `{key}`: {_fmt(params[key])}")
        lines.append("")
    versions = manifest.get("versions") or {}
    lines += ["## Versions", ""] + [f"- {k}: {v}" for k, v in versions.items()] + [""]
    custom = [n for n in heads if n not in _STANDARD or heads[n].get("decoding") == "plain"]
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
    ]
    if custom:
        lines.append(
            f"- Heads with their own label sets ({', '.join(custom)}) are plain calibrated classifiers: "
            "no rule of the label guide checks them, and labels with few training rows are predicted poorly."
        )
    missing = [h for h in ("urgency", "is_complaint") if heads and h not in heads]
    if missing:
        lines.append(
            f"- This model has no {' or '.join(missing)} head: those result fields are None and their columns are absent."
        )
    lines.append("")
    return "\n".join(lines)


def write_model_card(manifest: dict[str, Any], path: Path) -> None:
    """Write :func:`render_model_card` of ``manifest`` to ``path``."""
    path.write_text(render_model_card(manifest), encoding="utf-8")
