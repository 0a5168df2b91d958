"""The ``triage`` command line.

::

    triage "快递一个礼拜还没到"            one message → JSON
    triage predict "…" [--model DIR]
    triage label IN -o OUT [--text-col text] [--id-col id] [--jobs N] [--chunk-size N] [--resume]
                           [--format csv|jsonl|parquet|xlsx] [--encoding E] [--quiet]
    triage train [--data CSV] -o DIR [--seed N] [--split train|all]
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
        model=_model(args.model) if args.jobs == 1 else None,
        model_path=args.model,
        text_col=args.text_col,
        id_col=args.id_col,
        chunk_size=args.chunk_size,
        jobs=args.jobs,
        resume=args.resume,
        in_format=args.in_format,
        out_format=args.format,
        encoding=args.encoding,
        progress=progress,
    )
    if not args.quiet:
        print(summary.render(), file=sys.stderr)
    return 0


def _cmd_train(args) -> int:
    import pandas as pd

    from ._train import train_model
    from .datasets import load_complaints

    if args.data:
        df = pd.read_csv(args.data, dtype=str, keep_default_na=False)
        source = args.data
    else:
        df = load_complaints(None if args.split == "all" else "train")
        source = f"datasets/complaints.csv ({args.split} split)"
    model = train_model(df, text_col=args.text_col, seed=args.seed, source=source)
    if not args.data and args.split == "train":
        from .evaluate import evaluate_model

        model.manifest["metrics"] = {"corpus test split": evaluate_model(model, load_complaints("test"))}
    model.save(args.output, format=args.save_format)
    print(f"saved {model!r} to {args.output}", file=sys.stderr)
    return 0


def _cmd_evaluate(args) -> int:
    from pathlib import Path

    import pandas as pd

    from .batch import _read_chunks, detect_format
    from .evaluate import evaluate_model, render_metrics

    fmt = detect_format(args.data, None)
    df = pd.concat(list(_read_chunks(Path(args.data), fmt, 100_000, args.encoding, args.text_col)), ignore_index=True)
    metrics = evaluate_model(_model(args.model), df, text_col=args.text_col)
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False, indent=2))
    else:
        print(render_metrics(metrics))
    return 0


def _cmd_info(args) -> int:
    model = _model(args.model)
    print(json.dumps(model.manifest, ensure_ascii=False, indent=2, sort_keys=True))
    return 0


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
    sp.add_argument("--chunk-size", type=int, default=10_000, help="rows per chunk (memory is bounded by it)")
    sp.add_argument("--jobs", type=int, default=1, help="worker processes (the model is loaded once per worker)")
    sp.add_argument("--resume", action="store_true", help="continue an interrupted job from its last committed chunk")
    sp.add_argument("--format", choices=("csv", "jsonl", "parquet", "xlsx"), default=None, help="output format")
    sp.add_argument("--in-format", choices=("csv", "jsonl", "parquet", "xlsx"), default=None)
    sp.add_argument("--encoding", default=None, help="input encoding (UTF-8 and GB18030 are detected)")
    sp.add_argument("--model", default=None)
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    sp.set_defaults(func=_cmd_label)

    sp = sub.add_parser("train", help="train a model (default: on the bundled corpus)")
    sp.add_argument("--data", default=None, help="CSV in the corpus schema (default: datasets/complaints.csv)")
    sp.add_argument("--text-col", default="text")
    sp.add_argument("--split", choices=("train", "all"), default="train", help="bundled corpus rows to use")
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--save-format", choices=("joblib", "skops"), default="joblib")
    sp.add_argument("-o", "--output", required=True, help="model directory to write")
    sp.set_defaults(func=_cmd_train)

    sp = sub.add_parser("evaluate", help="per-head metrics against labelled data")
    sp.add_argument("data")
    sp.add_argument("--text-col", default="text")
    sp.add_argument("--encoding", default=None)
    sp.add_argument("--model", default=None)
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
    except (TriageError, FileNotFoundError) as e:
        print(f"triage: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("triage: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
