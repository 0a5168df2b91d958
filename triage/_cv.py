"""Cross-validation reports: per-head metrics as JSON, Markdown and confusion-matrix pictures.

:class:`CVReport` holds what :meth:`triage.Trainer.cross_validate` measured:
for each head, accuracy, macro-F1 (pooled over the out-of-fold predictions,
and per fold), per-class precision/recall/F1, the confusion matrix and the
calibration error of the head's top probability. :meth:`CVReport.save` writes
``cv_report.json``, ``cv_report.md`` and one ``cv_confusion_<head>.png`` per
single-label head; the pictures need matplotlib (the ``report`` extra) and are
skipped, with a note in the Markdown, without it.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["CVReport", "score_head"]

logger = logging.getLogger(__name__)

_PICTURE_HINT = "pip install 'complaint-triage[report]'"


def score_head(head, results, rows, fold_of, k: int) -> dict[str, Any]:
    """Metrics of one head over its labelled rows' out-of-fold results (what ``predict`` returned)."""
    from sklearn.metrics import f1_score

    from .evaluate import _head_metrics, _multilabel_metrics

    name = head.name
    if head.multilabel:
        truth = [head.truth[i] for i in rows]
        pred = [set(r.label(name)) for r in results]
        m = _multilabel_metrics(truth, pred, head.labels)
        folds = []
        for f in range(k):
            sel = np.flatnonzero(fold_of == f)
            folds.append(_multilabel_metrics([truth[i] for i in sel], [pred[i] for i in sel], head.labels)["macro_f1"])
    else:
        y = np.array([head.y[i] for i in rows], dtype=object)
        if name == "is_complaint":
            pred = np.array([str(int(bool(r.is_complaint))) for r in results], dtype=object)
            conf = np.array([max(r.complaint_probability, 1 - r.complaint_probability) for r in results])
        else:
            pred = np.array([r.label(name) for r in results], dtype=object)
            conf = np.array([max(r.probabilities[name].values()) for r in results])
        m = {"kind": "single", **_head_metrics(y, pred, conf)}
        folds = []
        for f in range(k):
            sel = fold_of == f
            yt = y[sel].tolist()
            folds.append(
                round(float(f1_score(yt, pred[sel].tolist(), labels=sorted(set(yt)), average="macro", zero_division=0)), 4)
            )
    m["column"] = head.column
    m["fold_macro_f1"] = folds
    m["macro_f1_std"] = round(float(np.std(folds)), 4)
    return m


class CVReport:
    """What k-fold cross-validation measured, per head; see :meth:`to_dict` for the shape.

    Built by :meth:`triage.Trainer.cross_validate` (and kept as
    ``Trainer.cv_report_`` by :meth:`~triage.Trainer.fit`).

    Examples
    --------
    >>> rep = CVReport({"k": 2, "splitter": "StratifiedKFold", "stratify_on": "t", "group_col": None,
    ...                 "seed": 0, "rows": 4, "extra_training_rows": 0, "seconds": 0.1, "search": None,
    ...                 "heads": {"t": {"kind": "single", "column": "t", "n": 4, "accuracy": 0.75,
    ...                                 "macro_f1": 0.73, "ece": 0.1, "fold_macro_f1": [0.5, 1.0],
    ...                                 "macro_f1_std": 0.25, "labels": ["a", "b"],
    ...                                 "per_class": {"a": {"precision": 1.0, "recall": 0.5, "f1": 0.67, "support": 2},
    ...                                               "b": {"precision": 0.67, "recall": 1.0, "f1": 0.8, "support": 2}},
    ...                                 "confusion": [[1, 1], [0, 2]]}}})
    >>> rep.summary()
    {'t': {'accuracy': 0.75, 'macro_f1': 0.73, 'ece': 0.1}}
    >>> "| t | 4 | 0.750 |" in rep.to_markdown()
    True
    """

    def __init__(self, data: dict[str, Any]):
        self._data = data

    @property
    def k(self) -> int:
        """Number of folds."""
        return int(self._data["k"])

    @property
    def heads(self) -> dict[str, dict[str, Any]]:
        """Per-head metrics (a copy)."""
        return copy.deepcopy(self._data["heads"])

    def to_dict(self) -> dict[str, Any]:
        """The whole report, JSON-ready (a deep copy)."""
        return copy.deepcopy(self._data)

    def summary(self) -> dict[str, dict[str, float]]:
        """Headline numbers per head: accuracy, macro-F1 and, for single-label heads, ECE (for the manifest)."""
        out = {}
        for head, m in self._data["heads"].items():
            keys = ("accuracy", "macro_f1", "ece") if m.get("kind") != "multilabel" else ("accuracy", "micro_f1", "macro_f1")
            out[head] = {key: m[key] for key in keys}
        return out

    # -- Markdown ---------------------------------------------------------------------
    def to_markdown(self, *, pictures: dict[str, str] | None = None, picture_note: str | None = None) -> str:
        """A readable report; ``pictures`` maps head -> confusion-matrix image file to link."""
        d = self._data
        how = f"{d['k']}-fold {d['splitter']}"
        if d.get("stratify_on"):
            how += f", stratified on `{d['stratify_on']}`"
        if d.get("group_col"):
            how += f", grouped by `{d['group_col']}` (rows of a group never sit on both sides)"
        lines = [
            "# Cross-validation report",
            "",
            f"- {how}; seed {d['seed']}; {d['rows']} rows scored"
            + (f"; {d['extra_training_rows']} bundled-corpus rows added to every training fold" if d.get("extra_training_rows") else ""),
            f"- took {d['seconds']} s",
            "- Scores are pooled over the out-of-fold predictions: each row is predicted by the model that did not see it,",
            "  decoded as `predict` decodes it. ECE is the calibration error of the head's top probability.",
            "",
            "| head | rows | accuracy | macro-F1 | macro-F1 per fold (std) | ECE |",
            "|---|---:|---:|---:|---|---:|",
        ]
        for head, m in d["heads"].items():
            ece = f"{m['ece']:.3f}" if "ece" in m else "n/a"
            acc = f"{m['accuracy']:.3f}" + (" (exact set)" if m.get("kind") == "multilabel" else "")
            folds = ", ".join(f"{v:.3f}" for v in m["fold_macro_f1"])
            lines.append(f"| {head} | {m['n']} | {acc} | {m['macro_f1']:.3f} | {folds} ({m['macro_f1_std']:.3f}) | {ece} |")
        lines.append("")
        if d.get("search"):
            lines += _search_markdown(d["search"])
        for head, m in d["heads"].items():
            lines += [f"## `{head}` (column `{m['column']}`)", ""]
            if m.get("kind") == "multilabel":
                lines.append(f"micro-F1 {m['micro_f1']:.3f}, macro-F1 {m['macro_f1']:.3f}, exact-set accuracy {m['accuracy']:.3f}.")
                lines.append("")
            lines += ["| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
            for lab, c in m["per_class"].items():
                lines.append(f"| {lab} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['support']} |")
            lines.append("")
            if "confusion" in m:
                labels = m["labels"]
                lines += ["Confusion matrix (rows: true label, columns: predicted):", ""]
                lines.append("| true \\ predicted | " + " | ".join(labels) + " |")
                lines.append("|---|" + "---:|" * len(labels))
                for lab, row in zip(labels, m["confusion"]):
                    lines.append(f"| {lab} | " + " | ".join(str(v) for v in row) + " |")
                lines.append("")
                if pictures and head in pictures:
                    lines += [f"![confusion matrix of {head}]({pictures[head]})", ""]
        if picture_note:
            lines += [f"_{picture_note}_", ""]
        return "\n".join(lines)

    # -- pictures -----------------------------------------------------------------------
    def confusion_png(self, head: str) -> bytes:
        """The confusion matrix of a single-label head as PNG bytes (needs matplotlib).

        Cells are shaded by the share of the true label's rows and show the counts.
        """
        m = self._data["heads"][head]
        if "confusion" not in m:
            raise ValueError(f"confusion_png: head {head!r} is multi-label and has no confusion matrix")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        labels = list(m["labels"])
        C = np.asarray(m["confusion"], dtype=float)
        share = C / np.maximum(C.sum(axis=1, keepdims=True), 1)
        font = _cjk_font() if any(not lab.isascii() for lab in labels) else None
        names = labels
        if font is None and any(not lab.isascii() for lab in labels):
            names = [f"L{i}" for i in range(len(labels))]  # no font with Chinese glyphs: numbered in label order
        size = max(3.5, 0.6 * len(labels) + 2)
        fig = Figure(figsize=(size, size), dpi=100, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
        ax.set_xticks(range(len(labels)))
        ax.set_yticks(range(len(labels)))
        kw = {"fontproperties": font} if font is not None else {}
        ax.set_xticklabels(names, rotation=45, ha="right", **kw)
        ax.set_yticklabels(names, **kw)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(f"{head}: {self.k}-fold cross-validation", **kw)
        for i in range(len(labels)):
            for j in range(len(labels)):
                ax.text(j, i, str(int(C[i, j])), ha="center", va="center", fontsize=8,
                        color="white" if share[i, j] > 0.5 else "black")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
        return buf.getvalue()

    def save(self, path: str | os.PathLike[str], *, prefix: str = "cv_") -> list[Path]:
        """Write ``cv_report.json``, ``cv_report.md`` and ``cv_confusion_<head>.png`` into the directory ``path``.

        The pictures are skipped, with a note in the Markdown, when matplotlib
        is not installed (``pip install 'complaint-triage[report]'``).

        Returns
        -------
        list of pathlib.Path
            The files written.
        """
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        pictures: dict[str, str] = {}
        note = None
        singles = [h for h, m in self._data["heads"].items() if "confusion" in m]
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            note = f"Confusion-matrix pictures were skipped: they need matplotlib ({_PICTURE_HINT})."
            singles = []
        for head in singles:
            name = f"{prefix}confusion_{_safe(head)}.png"
            (out / name).write_bytes(self.confusion_png(head))
            pictures[head] = name
            written.append(out / name)
        js = out / f"{prefix}report.json"
        js.write_text(json.dumps(self._data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        md = out / f"{prefix}report.md"
        md.write_text(self.to_markdown(pictures=pictures, picture_note=note) + "\n", encoding="utf-8")
        return [js, md, *written]

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CVReport:
        """Read a report written by :meth:`save` (a directory, or its ``cv_report.json``)."""
        p = Path(path)
        if p.is_dir():
            p = p / "cv_report.json"
        return cls(json.loads(p.read_text(encoding="utf-8")))

    def __repr__(self) -> str:
        heads = ", ".join(f"{h}={m['macro_f1']:.3f}" for h, m in self._data["heads"].items())
        return f"<CVReport {self.k}-fold macro-F1: {heads}>"


def _search_markdown(search: dict[str, Any]) -> list[str]:
    lines = [
        "## Hyper-parameter search",
        "",
        f"Grid: word n-gram range {search['grid']['word_ngram_range']} x C {search['grid']['C']} per single-label head; "
        f"{search['folds']} folds; score: {search['metric']}.",
        "",
    ]
    chosen = search["chosen"]
    for g, heads in search["mean_macro_f1"].items():
        lines += [f"Word n-grams {g} (score {search['score_by_word_ngram_range'][g]:.4f}):", ""]
        Cs = list(next(iter(heads.values())))
        lines += ["| head | " + " | ".join(f"C={c}" for c in Cs) + " |", "|---|" + "---:|" * len(Cs)]
        for h, per in heads.items():
            lines.append(f"| {h} | " + " | ".join(f"{per[c]:.4f}" for c in Cs) + " |")
        lines.append("")
    lines.append(
        f"Chosen: word n-grams {chosen['word_ngram_range']}, C "
        + ", ".join(f"{h}={c:g}" for h, c in chosen["C"].items())
        + ". The cross-validation scores above were measured on the same folds that chose these settings, so they are slightly optimistic."
    )
    lines.append("")
    return lines


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)


def _cjk_font():
    """FontProperties of a font with Chinese glyphs, or None (no rcParams are changed)."""
    from matplotlib.font_manager import FontProperties

    try:
        from .report._fonts import find_cjk_font

        return FontProperties(fname=str(find_cjk_font()))
    except Exception:  # noqa: BLE001 - no report package or no font: fall back below
        pass
    import importlib.util

    spec = importlib.util.find_spec("mplfonts")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "fonts" / "NotoSansCJKsc-Regular.otf"
        if path.is_file():
            return FontProperties(fname=str(path))
    logger.info("no font with Chinese glyphs: confusion-matrix labels are numbered")
    return None
