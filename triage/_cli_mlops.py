"""The ``compare``, ``audit``, ``suggest`` and ``drift`` commands (registered in :data:`triage.cli._PLUGINS`).

::

    triage compare OLD NEW --data holdout.csv [--heads type,emotion] [--n-boot 2000] [--level 0.95] [--fail-unless-better]
    triage audit --data labelled.csv [--label-col type] [--id-col id] [-k 5] [-n 50] [--all]
    triage suggest --data unlabelled.csv [--model DIR] [-n 200] [--heads type] [--strategy margin] [--no-diversity]
    triage drift --data new.csv [--model DIR] [--reference train.csv] [--fail-on-drift]

Each takes ``--text-col``, ``--encoding``, ``--json`` (JSON on stdout) and
``-o/--output`` (``.csv`` or ``.json``, by suffix). Nothing heavy is imported
until a command runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["add_parser"]

_DEFAULT_MODEL = "default"
_SHOW = 50  # audit rows printed on the terminal when -n is not given


def _read_table(path: str, text_col: str, encoding: str | None):
    from .batch import read_table

    return read_table(path, text_col=text_col, encoding=encoding)


def _load(path: str | None):
    from . import load

    return load(None if path in (None, _DEFAULT_MODEL) else path)


def _model_name(path: str | None) -> str:
    return "bundled default model" if path in (None, _DEFAULT_MODEL) else str(path)


def _check_output(path: str | None) -> None:
    from .exceptions import InputFormatError

    if path and Path(path).suffix.lower() not in (".csv", ".json"):
        raise InputFormatError(f"-o/--output must end in .csv or .json, got {path!r}")


def _write(path: str | None, frame, payload) -> None:
    """Write ``frame`` (CSV) or ``payload`` (JSON) to ``path`` by its suffix."""
    if not path:
        return
    p = Path(path)
    if p.suffix.lower() == ".json":
        p.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        frame.to_csv(p, index=False, encoding="utf-8")
    print(f"wrote {p}", file=sys.stderr)


def _short(text: str, width: int = 36) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _heads_arg(value: str | None) -> list[str] | None:
    return [h.strip() for h in value.split(",") if h.strip()] if value else None


# -- compare ------------------------------------------------------------------------
def _cmd_compare(args) -> int:
    from .mlops import compare_models

    _check_output(args.output)
    df = _read_table(args.data, args.text_col, args.encoding)
    old, new = _load(args.champion), _load(args.challenger)
    report = compare_models(
        old,
        new,
        df,
        text_col=args.text_col,
        heads=_heads_arg(args.heads),
        n_boot=args.n_boot,
        level=args.level,
        seed=args.seed,
        decision_metric=args.decision_metric,
        names=(_model_name(args.champion), _model_name(args.challenger)),
    )
    payload = report.to_dict()
    print(json.dumps(payload, ensure_ascii=False, indent=2) if args.json else report.render())
    _write(args.output, report.to_frame(), payload)
    return 1 if args.fail_unless_better and not report.ship else 0


# -- audit --------------------------------------------------------------------------
def _cmd_audit(args) -> int:
    from .mlops import audit_labels

    _check_output(args.output)
    df = _read_table(args.data, args.text_col, args.encoding)
    out = audit_labels(
        df,
        label_col=args.label_col,
        text_col=args.text_col,
        id_col=args.id_col,
        k=args.folds,
        seed=args.seed,
        group_col=args.group_col,
        all_rows=args.all,
    )
    attrs = dict(out.attrs)
    if args.n is not None:
        out = out.head(args.n)
    payload = {**attrs, "label_col": args.label_col, "rows": out.to_dict(orient="records")}
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(
            f"audited {attrs['n_audited']} rows of {args.label_col!r}: {attrs['n_issues']} likely label errors "
            f"(out-of-fold, {args.folds} folds); per-class thresholds {attrs['thresholds']}"
        )
        key = args.id_col or "row"
        shown = out if args.n is not None else out.head(_SHOW)
        print(f"{'rank':>5} {key:>10}  {'given':<12} {'suggested':<12} {'p_given':>7} {'p_sugg':>7}  text")
        for r in shown.itertuples(index=False):
            d = r._asdict()
            print(
                f"{d['rank']:>5} {str(d[key]):>10}  {d['given']:<12} {d['suggested']:<12} "
                f"{d['p_given']:>7.3f} {d['p_suggested']:>7.3f}  {_short(d['text'])}"
            )
        if len(shown) < len(out):
            print(f"… {len(out) - len(shown)} more rows: -n N shows more, -o FILE writes them all")
    _write(args.output, out, payload)
    return 0


# -- suggest ------------------------------------------------------------------------
def _cmd_suggest(args) -> int:
    from .mlops import suggest_labels

    _check_output(args.output)
    df = _read_table(args.data, args.text_col, args.encoding)
    out = suggest_labels(
        _load(args.model),
        df,
        n=args.n,
        heads=_heads_arg(args.heads),
        strategy=args.strategy,
        diversity=not args.no_diversity,
        pool_factor=args.pool_factor,
        text_col=args.text_col,
        id_col=args.id_col,
        seed=args.seed,
    )
    payload = {"n": len(out), "strategy": args.strategy, "diversity": not args.no_diversity, "rows": out.to_dict(orient="records")}
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        key = args.id_col or "row"
        print(f"{len(out)} rows to label next ({args.strategy}{', with diversity' if not args.no_diversity else ''})")
        print(f"{'rank':>5} {key:>10} {'score':>6}  {'text':<38} reason")
        for r in out.itertuples(index=False):
            d = r._asdict()
            print(f"{d['rank']:>5} {str(d[key]):>10} {d['score']:>6.3f}  {_short(d['text']):<38} {d['reason']}")
    _write(args.output, out, payload)
    return 0


# -- drift --------------------------------------------------------------------------
def _cmd_drift(args) -> int:
    import pandas as pd

    from .mlops import drift_report

    _check_output(args.output)
    df = _read_table(args.data, args.text_col, args.encoding)
    reference = _read_table(args.reference, args.text_col, args.encoding) if args.reference else None
    report = drift_report(_load(args.model), df, reference=reference, text_col=args.text_col, heads=_heads_arg(args.heads))
    payload = report.to_dict()
    print(json.dumps(payload, ensure_ascii=False, indent=2) if args.json else report.render())
    table = pd.DataFrame(
        [
            {
                "head": h,
                **{k: v for k, v in m.items() if not k.startswith("labels_")},
                "oov_share_ref": report.checks["oov_share_ref"],
                "oov_share_new": report.checks["oov_share_new"],
                "verdict": report.verdict,
            }
            for h, m in report.checks["heads"].items()
        ]
    )
    _write(args.output, table, payload)
    return 1 if args.fail_on_drift and report.retrain else 0


def _common(sp, *, data_help: str) -> None:
    sp.add_argument("--data", required=True, help=data_help)
    sp.add_argument("--text-col", default="text", help="column with the message text (default: text)")
    sp.add_argument("--encoding", default=None, help="input encoding (UTF-8 and GB18030 are detected)")
    sp.add_argument("--json", action="store_true", help="print JSON instead of a table")
    sp.add_argument("-o", "--output", default=None, help="also write the result: .csv (table) or .json (full report)")


def add_parser(sub) -> None:
    """Add the ``compare``, ``audit``, ``suggest`` and ``drift`` subcommands to ``sub``."""
    sp = sub.add_parser(
        "compare",
        help="champion vs challenger on the same labelled rows, with paired bootstrap confidence intervals",
        description="Both models predict the same labelled rows; for each head, accuracy and macro-F1 with a paired "
        "bootstrap confidence interval of the difference. Exit 1 with --fail-unless-better when the challenger "
        "is not significantly better.",
    )
    sp.add_argument("champion", help="model directory of the model in use ('default' = the bundled model)")
    sp.add_argument("challenger", help="model directory of the candidate ('default' = the bundled model)")
    _common(sp, data_help="labelled holdout file (CSV/JSONL/Parquet/Excel) with a column per head")
    sp.add_argument("--heads", default=None, help="comma-separated heads (default: every head both models have and the data labels)")
    sp.add_argument("--n-boot", type=int, default=2000, help="bootstrap resamples (default: 2000)")
    sp.add_argument("--level", type=float, default=0.95, help="confidence level (default: 0.95)")
    sp.add_argument("--decision-metric", choices=("macro_f1", "accuracy"), default="macro_f1")
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--fail-unless-better", action="store_true", help="exit 1 unless the challenger is significantly better")
    sp.set_defaults(func=_cmd_compare)

    sp = sub.add_parser(
        "audit",
        help="likely label errors in a labelled file (out-of-fold probabilities, confident learning)",
        description="Ranks rows by how likely their label is wrong, with the label the data suggests instead.",
    )
    _common(sp, data_help="labelled file (CSV/JSONL/Parquet/Excel)")
    sp.add_argument("--label-col", default="type", help="the label column to audit (default: type)")
    sp.add_argument("--id-col", default=None, help="a column to show for each row (e.g. a ticket id)")
    sp.add_argument("--group-col", default=None, help="rows sharing this value stay in one fold (e.g. a customer id)")
    sp.add_argument("-k", "--folds", type=int, default=5, help="cross-validation folds (default: 5)")
    sp.add_argument("-n", type=int, default=None, help="show and write only the top N rows (default: print 50, write all)")
    sp.add_argument("--all", action="store_true", help="every audited row, ranked (default: only the likely errors)")
    sp.add_argument("--seed", type=int, default=0)
    sp.set_defaults(func=_cmd_audit)

    sp = sub.add_parser(
        "suggest",
        help="the unlabelled messages worth labelling next (uncertainty sampling with diversity)",
        description="Picks the messages whose labels would teach the model most: uncertain for the chosen heads, "
        "and unlike each other.",
    )
    _common(sp, data_help="unlabelled file (CSV/JSONL/Parquet/Excel)")
    sp.add_argument("--model", default=None, help="model directory (default: the bundled model)")
    sp.add_argument("-n", type=int, default=200, help="how many rows to suggest (default: 200)")
    sp.add_argument("--heads", default=None, help="comma-separated heads whose uncertainty counts (default: type, else the custom heads)")
    sp.add_argument("--strategy", choices=("margin", "entropy", "least_confidence", "random"), default="margin")
    sp.add_argument("--no-diversity", action="store_true", help="take the most uncertain rows as they come")
    sp.add_argument("--pool-factor", type=int, default=2, help="diversity pool: this many times n most uncertain rows (default: 2)")
    sp.add_argument("--id-col", default=None, help="a column to copy into the output")
    sp.add_argument("--seed", type=int, default=0, help="seed of --strategy random")
    sp.set_defaults(func=_cmd_suggest)

    sp = sub.add_parser(
        "drift",
        help="compare a new batch with the model's reference data and say whether retraining is due",
        description="Checks the predicted-label distribution (PSI), the share of unknown words and the confidence "
        "of each head against the reference data. Exit 1 with --fail-on-drift when retraining is due.",
    )
    _common(sp, data_help="the new batch (CSV/JSONL/Parquet/Excel)")
    sp.add_argument("--model", default=None, help="model directory (default: the bundled model)")
    sp.add_argument(
        "--reference",
        default=None,
        help="reference texts, e.g. the training data (default: the model's stored reference, else the bundled corpus test split)",
    )
    sp.add_argument("--heads", default=None, help="comma-separated heads to check (default: all)")
    sp.add_argument("--fail-on-drift", action="store_true", help="exit 1 when retraining is due")
    sp.set_defaults(func=_cmd_drift)
