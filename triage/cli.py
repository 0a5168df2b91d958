"""The ``triage`` command line.

::

    triage "快递一个礼拜还没到"            one message → JSON
    triage predict "…" [--model DIR]
    triage label IN -o OUT [--text-col text] [--id-col id] [--jobs N] [--chunk-size N] [--resume]
                           [--format csv|jsonl|parquet|xlsx] [--encoding E] [--quiet] [--mask-pii]
    triage train [--data FILE] -o DIR [--head NAME=COL ...] [--labels NAME=A,B] [--cv K] [--group-col C]
                 [--search] [--include-default-corpus] [--seed N] [--split train|all]
    triage evaluate DATA [--text-col text] [--model DIR]
    triage info [--model DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from . import __version__

__all__ = ["main", "build_parser"]

# Commands defined in other modules: name -> module. Each module has ``add_parser(sub)``, which adds
# its subparser and sets ``func``; it must import nothing heavy at module level (``triage --help``
# stays fast).
_PLUGINS: dict[str, str] = {
    "report": "triage.report._cli",
    "ticket": "triage.decisions._cli",
    "compare": "triage._cli_mlops",
    "audit": "triage._cli_mlops",
    "suggest": "triage._cli_mlops",
    "drift": "triage._cli_mlops",
    # (more commands: one line each)
}

_COMMANDS = ("predict", "label", "train", "evaluate", "info", *_PLUGINS)


def _model(path):
    from . import load

    return load(path)


def _cmd_predict(args) -> int:
    model = _model(args.model)
    texts = args.text or [sys.stdin.read()]
    for t in texts:
        print(json.dumps(model.predict_one(t).to_dict(), ensure_ascii=False, sort_keys=False))
    return 0


def _cmd_label(args) -> int:
    from .batch import label_file

    progress = False if args.quiet else None
    summary = label_file(
        args.input,
        args.output,
        model_path=args.model,  # the job journal records the model by path, whatever --jobs is
        text_col=args.text_col,
        id_col=args.id_col,
        chunk_size=args.chunk_size,
        jobs=args.jobs,
        resume=args.resume,
        in_format=args.in_format,
        out_format=args.format,
        encoding=args.encoding,
        progress=progress,
        mask_pii=args.mask_pii,
    )
    if not args.quiet:
        print(summary.render(), file=sys.stderr)
    return 0


def _assignments(values, option: str, *, bare: str | None = None) -> dict:
    """``NAME=VALUE`` options as a dict; a bare VALUE is stored under ``bare`` (all heads)."""
    from .exceptions import InputFormatError

    out = {}
    for v in values or []:
        if "=" in v:
            k, _, val = v.partition("=")
            out[k.strip()] = val.strip()
        elif bare is not None:
            out[bare] = v.strip()
        else:
            raise InputFormatError(f"{option} expects NAME=VALUE, got {v!r}")
    return out


def _trainer_from_args(args):
    from ._trainer import Trainer
    from .exceptions import InputFormatError

    heads = None
    if args.head:
        heads = {}
        for h in args.head:
            name, _, column = h.partition("=")
            heads[name.strip()] = {"column": (column or name).strip()}
    for option, given in (("--labels", args.labels), ("--multilabel", args.multilabel)):
        names = [g.partition("=")[0].strip() for g in given or []]
        unknown = [n for n in names if heads is None or n not in heads]
        if unknown:
            raise InputFormatError(f"{option} names heads {unknown} that no --head declares; add --head NAME=COLUMN")
    for name, labels in _assignments(args.labels, "--labels").items():
        heads[name]["labels"] = [v.strip() for v in labels.replace("，", ",").split(",") if v.strip()]
    for name in args.multilabel or []:
        heads[name.strip()]["multilabel"] = True

    def per_head(values, option, convert):
        given = _assignments(values, option, bare="*")
        if not given:
            return None
        default = given.pop("*", None)
        if not given:
            return convert(default)
        names = list(heads or _STANDARD_HEAD_NAMES)
        return {n: convert(given.get(n, default)) for n in names if n in given or default is not None}

    def weight(v):
        if v is None or v.lower() in ("none", "no", "off"):
            return None
        if v != "balanced":
            raise InputFormatError(f"--class-weight must be 'balanced' or 'none' (per head: NAME=balanced), got {v!r}")
        return v

    def number(v):
        try:
            return float(v)
        except (TypeError, ValueError):
            raise InputFormatError(f"--C expects a number or NAME=NUMBER, got {v!r}") from None

    model = per_head(args.classifier, "--classifier", lambda v: v or "logreg") or "logreg"
    class_weight = per_head(args.class_weight, "--class-weight", weight) if args.class_weight else "balanced"
    features = {}
    if args.user_dict:
        features["user_dict"] = args.user_dict
    if args.stop_words:
        features["stop_words"] = args.stop_words
    cv = args.cv if args.cv is not None else (5 if args.data else 0)
    # without --data, the bundled model's recipe: `triage train -o DIR` rebuilds it bit for bit
    solver = args.solver or ("newton-cg" if args.data else "lbfgs")
    return Trainer(
        heads=heads,
        text_col=args.text_col,
        features=features or None,
        model=model,
        class_weight=class_weight,
        C=per_head(args.C, "--C", number),
        seed=args.seed,
        cv=cv,
        group_col=args.group_col,
        include_default_corpus=args.include_default_corpus,
        search=args.search,
        solver=solver,
        name=args.name,
    )


_STANDARD_HEAD_NAMES = ("type", "emotion", "urgency", "is_complaint", "flags", "secondary")


def _cmd_train(args) -> int:
    import time
    from pathlib import Path

    from .batch import read_table
    from .datasets import load_complaints

    t0 = time.perf_counter()
    trainer = _trainer_from_args(args)
    if args.data:
        df = read_table(args.data, text_col=args.text_col, encoding=args.encoding)
        source = args.data
    else:
        df = load_complaints(None if args.split == "all" else "train")
        source = f"datasets/complaints.csv ({args.split} split)"
    model = trainer.fit(df, source=source)
    if not args.data and args.split == "train" and trainer.heads is None:
        from .evaluate import evaluate_model

        model.manifest["metrics"]["corpus test split"] = evaluate_model(model, load_complaints("test"))
    out = Path(args.output)
    model.save(out, format=args.save_format)
    for stale in [*out.glob("cv_report.*"), *out.glob("cv_confusion_*.png")]:
        stale.unlink()  # a report of an earlier training must not sit beside this model
    report = trainer.cv_report_
    if report is not None:
        report.save(out)
        from .evaluate import render_metrics

        print(f"{report.k}-fold cross-validation ({report.to_dict()['splitter']}):", file=sys.stderr)
        print(render_metrics(report.heads), file=sys.stderr)
    if trainer.search_ is not None:
        chosen = trainer.search_["chosen"]
        print(
            f"search chose word n-grams {chosen['word_ngram_range']}, C "
            + ", ".join(f"{h}={c:g}" for h, c in chosen["C"].items()),
            file=sys.stderr,
        )
    files = "manifest.json, MODEL_CARD.md" + (", cv_report.json, cv_report.md" if report is not None else "")
    print(f"saved {model!r} to {out} ({files}) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


def _cmd_evaluate(args) -> int:
    from .batch import read_table
    from .evaluate import evaluate_model, render_metrics

    df = read_table(args.data, text_col=args.text_col, encoding=args.encoding)
    columns = {k: v or k for k, v in (h.partition("=")[::2] for h in args.head or [])}
    metrics = evaluate_model(_model(args.model), df, text_col=args.text_col, columns=columns or None)
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False, indent=2))
    else:
        print(render_metrics(metrics))
    return 0


def _cmd_info(args) -> int:
    model = _model(args.model)
    print(json.dumps(model.manifest, ensure_ascii=False, indent=2, sort_keys=True))
    return 0


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="triage", description="Triage Chinese customer complaints.")
    p.add_argument("--version", action="version", version=f"triage {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = p.add_subparsers(dest="command")

    sp = sub.add_parser("predict", help="triage messages given as arguments (or stdin) and print JSON")
    sp.add_argument("text", nargs="*", help="messages; read one from stdin when none is given")
    sp.add_argument("--model", default=None, help="model directory (default: the bundled model)")
    sp.set_defaults(func=_cmd_predict)

    sp = sub.add_parser("label", help="label a CSV/JSONL/Parquet/Excel file")
    sp.add_argument("input")
    sp.add_argument("-o", "--output", required=True)
    sp.add_argument("--text-col", default="text")
    sp.add_argument("--id-col", default=None, help="a column that must be present (all input columns are kept)")
    sp.add_argument("--chunk-size", type=_positive_int, default=10_000, help="rows per chunk (memory is bounded by it)")
    sp.add_argument("--jobs", type=_positive_int, default=1, help="worker processes (the model is loaded once per worker)")
    sp.add_argument("--resume", action="store_true", help="continue an interrupted job from its last committed chunk")
    sp.add_argument("--format", choices=("csv", "jsonl", "parquet", "xlsx"), default=None, help="output format")
    sp.add_argument("--in-format", choices=("csv", "jsonl", "parquet", "xlsx"), default=None)
    sp.add_argument("--encoding", default=None, help="input encoding (UTF-8 and GB18030 are detected)")
    sp.add_argument("--model", default=None)
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    sp.add_argument(
        "--mask-pii", action="store_true",
        help="mask mobile, ID and bank card numbers, e-mail addresses and names in the text column of the output "
        "(138****5678); labels are predicted on the original text",
    )
    sp.set_defaults(func=_cmd_label)

    sp = sub.add_parser("train", help="train a model on your labelled data (default: on the bundled corpus)")
    sp.add_argument("--data", default=None, help="labelled CSV/JSONL/Parquet/Excel (default: datasets/complaints.csv)")
    sp.add_argument("--text-col", default="text")
    sp.add_argument("--encoding", default=None, help="input encoding (UTF-8 and GB18030 are detected)")
    sp.add_argument(
        "--head", action="append", metavar="NAME[=COLUMN]",
        help="a head to train and its label column (repeat; e.g. --head type=my_type --head region); "
        "default: the corpus schema (type, emotion, urgency, is_complaint, flags, secondary)",
    )
    sp.add_argument("--labels", action="append", metavar="NAME=A,B,C",
                    help="declare a head's labels: other values in its column are an error (default: read from the data)")
    sp.add_argument("--multilabel", action="append", metavar="NAME",
                    help="the head's cells hold several labels joined with ';' or '|' (flags and secondary are)")
    sp.add_argument("--include-default-corpus", action="store_true",
                    help="also train on the bundled corpus, for heads with the label guide's labels")
    sp.add_argument("--user-dict", default=None, help="jieba user dictionary (word [freq] [tag] a line), saved in the model")
    sp.add_argument("--stop-words", default=None, help="file of words (one a line) left out of the word features")
    sp.add_argument("--classifier", action="append", metavar="KIND|NAME=KIND",
                    help="logreg (default), svm or nb, for all single-label heads or one (NAME=KIND)")
    sp.add_argument("--C", action="append", metavar="C|NAME=C", help="inverse regularisation strength, for all heads or one")
    sp.add_argument("--class-weight", action="append", metavar="balanced|none|NAME=...",
                    help="class weights for imbalanced labels (default: balanced)")
    sp.add_argument("--cv", type=int, default=None,
                    help="folds of the cross-validation run first (default: 5 with --data, 0 without; 0 skips it)")
    sp.add_argument("--group-col", default=None, help="rows sharing this column's value stay in one fold (e.g. customer_id)")
    sp.add_argument("--search", action="store_true", help="grid-search word n-grams and C per head by cross-validated macro-F1")
    sp.add_argument("--solver", choices=("newton-cg", "lbfgs"), default=None,
                    help="logistic-regression solver (default: newton-cg with --data; lbfgs, the bundled model's recipe, without)")
    sp.add_argument("--split", choices=("train", "all"), default="train", help="bundled corpus rows to use")
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--name", default=None, help="title of the model card")
    sp.add_argument("--save-format", choices=("joblib", "skops"), default="joblib")
    sp.add_argument("-o", "--output", required=True, help="model directory to write")
    sp.set_defaults(func=_cmd_train)

    sp = sub.add_parser("evaluate", help="per-head metrics against labelled data")
    sp.add_argument("data")
    sp.add_argument("--text-col", default="text")
    sp.add_argument("--encoding", default=None)
    sp.add_argument("--model", default=None)
    sp.add_argument("--head", action="append", metavar="NAME=COLUMN",
                    help="the column holding a head's labels (default: the model's training column, else the head's name)")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=_cmd_evaluate)

    sp = sub.add_parser("info", help="print the model manifest")
    sp.add_argument("--model", default=None)
    sp.set_defaults(func=_cmd_info)

    from importlib import import_module

    for module in dict.fromkeys(_PLUGINS.values()):
        import_module(module).add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in _COMMANDS and not argv[0].startswith("-"):
        argv = ["predict", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    from .exceptions import TriageError

    try:
        return args.func(args)
    except (TriageError, FileNotFoundError, ValueError, TypeError, ImportError) as e:
        # the library raises these for bad input, bad option values and missing extras, with a message
        # that names the problem and the fix; -v shows the traceback
        if args.verbose:
            raise
        print(f"triage: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `triage predict … | head`: the reader has gone, which is not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("triage: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
