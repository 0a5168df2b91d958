"""Batch labelling at scale: `triage label` on 100k and 1M rows, --jobs 1 vs 2, kill -9 + --resume, Dask, Spark.

    python benchmarks/batch.py [--rows 1000000] [--skip-distributed]

Input: the real reviews in ../shared/corpora/reviews/ (the bundled corpus where
absent), repeated to size, with an id column, as CSV. Peak RSS of the parent and
of its worker processes is sampled from /proc every 50 ms.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from speed import load_texts  # noqa: E402


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(x) for x in out]


def run_cli(args: list[str], kill_after_parts: int | None = None, parts_dir: Path | None = None) -> dict:
    cmd = [sys.executable, "-m", "triage", "label", *args, "--quiet"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    parent, worker = 0.0, 0.0
    while proc.poll() is None:
        parent = max(parent, rss_mb(proc.pid))
        for c in children(proc.pid):
            worker = max(worker, rss_mb(c))
        if kill_after_parts and parts_dir is not None and len(list(parts_dir.glob("*.part"))) >= kill_after_parts:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return {"killed": True, "seconds": time.perf_counter() - t0}
        time.sleep(0.05)
    if proc.returncode:
        raise SystemExit(f"{cmd} failed with {proc.returncode}")
    return {"seconds": time.perf_counter() - t0, "parent_rss_mb": parent, "worker_rss_mb": worker}


def check(out: Path, n: int) -> str:
    ids = pd.read_csv(out, usecols=["id"], dtype=str)["id"]
    ok = len(ids) == n and ids.is_unique and (ids == pd.Series([f"r{i:07d}" for i in range(n)])).all()
    return f"{len(ids):,} rows, ids unique and in order: {ok}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--workdir", default="/tmp/triage-batch-bench")
    ap.add_argument("--skip-distributed", action="store_true")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    texts, source = load_texts(args.rows)
    print(f"input: {args.rows:,} rows from {source}")
    sizes = sorted({min(100_000, args.rows), args.rows})
    files = {}
    for n in sizes:
        f = work / f"in_{n}.csv"
        pd.DataFrame({"id": [f"r{i:07d}" for i in range(n)], "text": texts[:n]}).to_csv(f, index=False)
        files[n] = f
    n = args.rows
    for jobs in (1, 2):
        for size in sizes if jobs == 1 else [n]:
            out = work / f"out_{size}_j{jobs}.csv"
            r = run_cli([str(files[size]), "-o", str(out), "--jobs", str(jobs)])
            print(f"--jobs {jobs} on {size:>9,} rows: {size / r['seconds']:8,.0f} rows/s  parent peak RSS "
                  f"{r['parent_rss_mb']:.0f} MB  worker peak RSS {r['worker_rss_mb']:.0f} MB  | {check(out, size)}")
    a, b = (work / f"out_{n}_j1.csv").read_bytes(), (work / f"out_{n}_j2.csv").read_bytes()
    print(f"--jobs 2 output identical to --jobs 1: {a == b}")
    out = work / "out_resume.csv"
    r = run_cli([str(files[n]), "-o", str(out)], kill_after_parts=max(2, n // 10_000 // 3), parts_dir=work / ".out_resume.csv.parts")
    print(f"killed with SIGKILL after {r['seconds']:.0f} s; output exists under its final name: {out.exists()}")
    r = run_cli([str(files[n]), "-o", str(out), "--resume"])
    print(f"--resume finished in {r['seconds']:.0f} s | {check(out, n)}")
    if args.skip_distributed:
        return
    df = pd.read_csv(files[n], dtype=str, keep_default_na=False)
    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster

        import triage.dask

        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster):
            t0 = time.perf_counter()
            got = triage.dask.label(dd.from_pandas(df, npartitions=40)).compute()
            el = time.perf_counter() - t0
        print(f"Dask LocalCluster (2 workers): {n / el:,.0f} rows/s, {len(got):,} rows")
    except ImportError as e:
        print(f"Dask skipped: {e}")
    try:
        from pyspark.sql import SparkSession

        import triage.spark

        os.environ["PYSPARK_PYTHON"] = sys.executable
        spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").config(
            "spark.driver.memory", "4g").getOrCreate()
        sdf = spark.read.csv(str(files[n]), header=True)
        t0 = time.perf_counter()
        count = triage.spark.label(sdf).write.mode("overwrite").parquet(str(work / "spark_out"))
        el = time.perf_counter() - t0
        rows = spark.read.parquet(str(work / "spark_out")).count()
        spark.stop()
        print(f"Spark local[2]: {n / el:,.0f} rows/s, {rows:,} rows written")
        del count
    except ImportError as e:
        print(f"Spark skipped: {e}")


if __name__ == "__main__":
    main()
