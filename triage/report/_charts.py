"""Charts of a report, drawn with matplotlib's Agg canvas into PNG bytes.

No pyplot: each chart is a :class:`matplotlib.figure.Figure` attached to its
own Agg canvas, so nothing touches the user's backend, open figures or global
``rcParams``. Text is drawn with the CJK font of :mod:`._fonts` inside a
:func:`matplotlib.rc_context`.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from ..labels import DISPLAY_NAMES

__all__ = ["text_png", "volume_png", "distribution_png", "spikes_png", "terms_png", "label_name", "DPI"]

#: Resolution of every chart (pixels per inch).
DPI = 100
_PALETTE = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974", "#64B5CD")
# fixed colours for the label values, so "product" has the same colour in every chart
_FIXED = {
    "product": "#4C72B0", "attitude": "#DD8452", "timeliness": "#55A868", "accuracy": "#C44E52", "policy": "#8172B3",
    "none": "#B0B0B0", "angry": "#C44E52", "disappointed": "#8172B3", "anxious": "#DD8452", "calm": "#4C72B0",
    "high": "#C44E52", "medium": "#DD8452", "low": "#55A868", "other": "#D0D0D0",
}


def label_name(value) -> str:
    """A label with its Chinese display name (``"product 产品问题"``); other values as they are."""
    text = str(value)
    return f"{text} {DISPLAY_NAMES[text]}" if text in DISPLAY_NAMES else text


def _colours(values: Sequence) -> list[str]:
    free = iter(c for c in _PALETTE * 4 if c not in {_FIXED.get(str(v)) for v in values})
    return [_FIXED.get(str(v)) or next(free) for v in values]


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _style(rc: Mapping | None = None):
    import matplotlib

    from ._fonts import chart_rc

    settings = {
        **chart_rc(),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 11,
        "axes.titleweight": "normal",
        "font.size": 9,
        "legend.frameon": False,
    }
    settings.update(rc or {})
    return matplotlib.rc_context(settings)


def text_png(text: str, *, rc: Mapping | None = None, size: float = 20) -> bytes:
    """One line of text drawn alone on a small white canvas, as PNG bytes.

    The font-coverage tests use it; ``rc`` overrides the font settings
    (``{"font.family": ["DejaVu Sans"]}`` draws with a font that has no CJK).
    """
    with _style(rc):
        fig = _figure(4.0, 0.8)
        fig.text(0.02, 0.5, text, fontsize=size, va="center")
        return _png(fig)


def volume_png(table, *, title: str, max_series: int = 8) -> bytes:
    """Stacked area of counts per period: ``table`` is periods × segments (from ``analytics.counts``)."""
    table = table.copy()
    if table.shape[1] > max_series:
        keep = table.sum().sort_values(ascending=False).index[: max_series - 1]
        other = table.drop(columns=keep).sum(axis=1)
        table = table[keep]
        table["other"] = other
    with _style():
        fig = _figure(9.0, 3.4)
        ax = fig.add_subplot()
        x = table.index.to_pydatetime() if hasattr(table.index, "to_pydatetime") else list(table.index)
        ax.stackplot(x, table.T.to_numpy(), labels=[label_name(c) for c in table.columns],
                     colors=_colours(list(table.columns)), alpha=0.9, linewidth=0)
        ax.set_title(title)
        ax.set_ylabel("rows per period")
        if len(x) > 1:
            ax.set_xlim(x[0], x[-1])
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        return _png(fig)


def distribution_png(panels: Sequence[tuple[str, Mapping]], *, total: int | None = None) -> bytes:
    """Horizontal bars, one panel per ``(title, {value: count})``, side by side.

    Each bar is labelled with its share of ``total`` (default: the panel's sum).
    """
    panels = [(t, c) for t, c in panels if c]
    with _style():
        fig = _figure(3.2 * max(len(panels), 1), 2.8)
        axes = fig.subplots(1, max(len(panels), 1), squeeze=False)[0]
        for ax, (title, counts) in zip(axes, panels):
            items = list(counts.items())[::-1]
            labels = [label_name(k) for k, _ in items]
            values = [v for _, v in items]
            ax.barh(labels, values, color=_colours([k for k, _ in items]))
            denominator = total or sum(values) or 1
            for i, v in enumerate(values):
                ax.text(v, i, f" {v / denominator:.0%}", va="center", fontsize=8)
            ax.set_title(title)
            ax.set_xlim(0, max(values) * 1.25 if values else 1)
            ax.tick_params(axis="x", labelsize=7)
        return _png(fig)


def spikes_png(series: Mapping, marks: Mapping, *, title: str) -> bytes:
    """Small multiples: each segment's counts per period (line) with its spikes marked.

    ``series`` maps a segment to a Series of counts indexed by period start;
    ``marks`` maps the same segment to ``[(period, observed, expected), ...]``.
    """
    names = list(series)
    with _style():
        fig = _figure(9.0, 1.9 * len(names) + 0.4)
        axes = fig.subplots(len(names), 1, squeeze=False, sharex=True)[:, 0]
        for ax, name in zip(axes, names):
            s = series[name]
            ax.plot(s.index.to_pydatetime(), s.to_numpy(), color="#4C72B0", linewidth=1)
            pts = marks.get(name, [])
            if pts:
                ax.scatter([p for p, _, _ in pts], [o for _, o, _ in pts], color="#C44E52", zorder=3, s=22, label="spike")
                ax.scatter([p for p, _, _ in pts], [e for _, _, e in pts], facecolors="none", edgecolors="#555555",
                           zorder=3, s=22, label="expected")
            ax.set_title(label_name(name), loc="left", fontsize=9)
            ax.set_ylim(bottom=0)
        axes[0].legend(loc="upper right", fontsize=8)
        fig.suptitle(title, fontsize=11)
        return _png(fig)


def terms_png(terms: Mapping[str, Sequence[tuple[str, float]]], *, title: str, columns: int = 3) -> bytes:
    """Small multiples of horizontal bars: the top terms of each segment with their scores."""
    names = [n for n in terms if terms[n]]
    rows = max(1, -(-len(names) // columns))
    with _style():
        fig = _figure(9.0, 2.6 * rows + 0.3)
        axes = fig.subplots(rows, columns, squeeze=False).ravel()
        colours = _colours(names)
        for ax, name, colour in zip(axes, names, colours):
            items = list(terms[name])[::-1]
            ax.barh([t for t, _ in items], [s for _, s in items], color=colour)
            ax.set_title(label_name(name), fontsize=9)
            ax.tick_params(axis="x", labelsize=7)
        for ax in axes[len(names):]:
            ax.set_visible(False)
        fig.suptitle(title, fontsize=11)
        return _png(fig)
