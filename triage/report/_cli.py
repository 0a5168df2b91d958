"""``triage report``: an HTML report of a labelled file.

::

    triage report LABELLED -o report.html [--time-col created_at] [--by type industry ...]
                  [--text-col text] [--freq D|W|M] [--title T] [--top 20]
                  [--encoding E] [--in-format csv|jsonl|parquet|xlsx] [--max-rows N]
                  [--label [--model DIR]] [-q]
"""

from __future__ import annotations

import sys
import time

__all__ = ["add_parser"]


def _read(path: str, fmt: str | None, encoding: str | None, text_col: str, max_rows: int | None):
    from ..batch import read_table

    return read_table(path, text_col=text_col, encoding=encoding, in_format=fmt, max_rows=max_rows)


def _positive(value: str) -> int:
    import argparse

    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {value!r}")
    return n


def _cmd_report(args) -> int:
    from ._build import REQUIRED_COLUMNS, build_report

    t0 = time.perf_counter()
    df = _read(args.input, args.in_format, args.encoding, args.text_col, args.max_rows)
    read_s = time.perf_counter() - t0
    model_name = None
    if args.label and any(c not in df.columns for c in REQUIRED_COLUMNS):
        from .. import load

        model = load(args.model)
        model_name = model.manifest.get("name") or str(args.model)
        df = model.predict_frame(df, text_col=args.text_col)
    summary = build_report(
        df,
        args.output,
        time_col=args.time_col,
        by=args.by,
        text_col=args.text_col,
        freq=args.freq,
        title=args.title,
        top=args.top,
        source=args.input,
        model_name=model_name,
    )
    if not args.quiet:
        print(f"read {args.input}: {len(df):,} rows in {read_s:.1f} s", file=sys.stderr)
        print(summary.render(), file=sys.stderr)
    return 0


def add_parser(sub) -> None:
    """Add the ``report`` subcommand to the ``triage`` parser's subparsers."""
    sp = sub.add_parser(
        "report",
        help="write a self-contained HTML report of a labelled file (trends, spikes, terms, clusters, urgent rows)",
        description="Write a self-contained HTML report (charts embedded, no network needed) of a file labelled "
        "by `triage label`. Needs the report extra: pip install 'complaint-triage[report]'.",
    )
    sp.add_argument("input", help="a labelled CSV/JSONL/Parquet/Excel file (the output of `triage label`)")
    sp.add_argument("-o", "--output", required=True, help="the HTML file to write")
    sp.add_argument("--time-col", default=None,
                    help="timestamp column (default: created_at, timestamp, date... if present; none: no trends)")
    sp.add_argument("--by", nargs="+", action="extend", default=None, metavar="COL",
                    help="segment columns for the volume charts and spikes (default: type)")
    sp.add_argument("--text-col", default="text")
    sp.add_argument("--freq", choices=("D", "W", "M"), default=None,
                    help="period of the volume charts (default: from the date range)")
    sp.add_argument("--title", default=None)
    sp.add_argument("--top", type=_positive, default=20, help="rows in the most-urgent table")
    sp.add_argument("--encoding", default=None, help="input encoding (UTF-8 and GB18030 are detected)")
    sp.add_argument("--in-format", choices=("csv", "jsonl", "parquet", "xlsx"), default=None)
    sp.add_argument("--max-rows", type=_positive, default=None, help="read only the first N rows")
    sp.add_argument("--label", action="store_true",
                    help="label the file on the fly when it has no result columns (default: refuse and say so)")
    sp.add_argument("--model", default=None, help="model directory for --label (default: the bundled model)")
    sp.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    sp.set_defaults(func=_cmd_report)
