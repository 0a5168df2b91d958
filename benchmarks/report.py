"""`triage report` on a large labelled file, end to end through the CLI (reading included).

    python benchmarks/report.py [--rows 1000000] [--format csv|parquet] [--distinct] [--json PATH]

The input is built first (not timed): ``triage.datasets.sample_tickets(rows)``
(bundled corpus texts drawn with replacement, synthetic timestamps over six
months, one planted spike), labelled by running the bundled model once on
each distinct corpus text and joining the results on ``source_id``. So every
row carries exactly the columns and values ``triage label`` would write, and
the benchmark measures the report, not the model.

With ``--distinct`` every text gets a unique ticket suffix, so no two texts
are equal: the worst case for the text analytics (segmentation is cached per
distinct text), closer to a real export than 10,300 texts repeated.

Then ``python -m triage report FILE -o report.html --by type industry`` runs
in a subprocess; its wall time and peak RSS (``RUSAGE_CHILDREN``) are recorded
with the per-step times the command prints, in ``benchmarks/results/report.json``.
Target: under 120 s for 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build_input(rows: int, fmt: str, distinct: bool, folder: Path) -> Path:
    import triage
    from triage.datasets import load_complaints, sample_tickets

    t0 = time.perf_counter()
    df = sample_tickets(rows, seed=0, replace=True)
    corpus = load_complaints()[["id", "text"]]
    labels = triage.load().predict_frame(corpus, text_col="text").drop(columns=["text"])
    labels = labels.rename(columns={"id": "source_id"})
    df = df.merge(labels, on="source_id", how="left", validate="many_to_one")
    if distinct:
        df["text"] = df["text"] + "（工单" + df["ticket_id"] + "）"
    path = folder / f"labelled_{rows}.{fmt}"
    if fmt == "csv":
        df.to_csv(path, index=False)
    else:
        df.to_parquet(path, index=False)
    print(f"built {path.name}: {len(df):,} rows, {path.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - t0:.0f} s "
          f"({df['text'].nunique():,} distinct texts)")
    return path


def run_report(path: Path, out: Path, by: list[str]) -> dict:
    cmd = [sys.executable, "-m", "triage", "report", str(path), "-o", str(out), "--by", *by]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"command": " ".join(["triage", *cmd[3:]]), "seconds": seconds, "peak_rss_mb": peak,
            "report_kb": out.stat().st_size / 1024, "stderr": proc.stderr.strip().splitlines()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv")
    ap.add_argument("--distinct", action="store_true", help="make every text unique (worst case for text analytics)")
    ap.add_argument("--by", nargs="+", default=["type", "industry"])
    ap.add_argument("--json", default=str(HERE / "results" / "report.json"))
    ap.add_argument("--keep", default=None, help="folder to keep the input and the report in")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        src = build_input(args.rows, args.format, args.distinct, folder)
        res = run_report(src, folder / "report.html", args.by)
        res.update(rows=args.rows, format=args.format, distinct=args.distinct,
                   input_mb=src.stat().st_size / 1e6, target_s=120.0,
                   machine=f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"{res['command']}")
    print(f"{args.rows:,} rows ({args.format}{', distinct texts' if args.distinct else ''}): "
          f"{res['seconds']:.1f} s wall (target 120 s), peak RSS {res['peak_rss_mb']:,.0f} MB, "
          f"report {res['report_kb']:,.0f} KiB")
    for line in res["stderr"]:
        print("  " + line)
    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        key = f"{args.rows}_{args.format}{'_distinct' if args.distinct else ''}"
        old[key] = res
        path.write_text(json.dumps(old, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
