"""Speed and memory of triage.analytics at the sizes the brief names.

    python benchmarks/analytics.py [--cases 100000] [--rows 1000000] [--queries 1000]
                                   [--json benchmarks/results/analytics.json]

Measures:
- CaseIndex on --cases real texts: build time, index size (arrays), RSS growth
  and peak RSS of the build, save/load time and size on disk, and single-query
  latency p50/p99 over --queries queries, both for indexed texts and for new
  complaints (the bundled corpus, which is not in the index);
- near_duplicates on the same --cases texts;
- on a --rows labelled frame (synthetic labels, timestamps over a year,
  customer ids; texts are real texts with a row number appended, so every raw
  text is distinct and nothing is served from a cache): counts, detect_spikes,
  distinguishing_terms, topics, repeat_complaints, duplicate_groups.

Texts: every real text in ../shared/corpora (reviews, helpdesk posts, Weibo
posts, car complaint titles); no single file there has 100,000 texts, so they
are pooled and, where still short of --cases, repeated (the run says how
many). Without the corpora, the bundled corpus is repeated, with a warning.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import CORPORA  # noqa: E402


def rss_mb(field: str = "VmRSS") -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM (Linux >= 4.0)
    except OSError:
        pass


def real_texts() -> tuple[list[str], str]:
    csv.field_size_limit(1 << 24)
    texts: list[str] = []
    used = []
    sources = [
        ("reviews/online_shopping_10_cats.csv", "review"),
        ("reviews/waimai_10k.csv", "review"),
        ("reviews/ChnSentiCorp_htl_all.csv", "review"),
        ("helpdesk/stc3_customer_turns.csv", "first_customer_turn"),
        ("car/car_complaints.csv", "desc"),
    ]
    for rel, col in sources:
        p = CORPORA / rel
        if p.is_file():
            with open(p, encoding="utf-8", newline="") as fh:
                texts += [r[col] for r in csv.DictReader(fh) if (r.get(col) or "").strip()]
            used.append(rel)
    for rel in ("emotion/smp2020_usual_eval.json", "emotion/smp2020_virus_eval.json"):
        p = CORPORA / rel
        if p.is_file():
            texts += [r["content"] for r in json.loads(p.read_text(encoding="utf-8")) if r.get("content", "").strip()]
            used.append(rel)
    if texts:
        return texts, f"{len(texts):,} real texts from ../shared/corpora ({', '.join(used)})"
    from triage.datasets import load_complaints

    print("WARNING: ../shared/corpora is absent: using the bundled corpus, repeated", file=sys.stderr)
    return load_complaints()["text"].tolist(), "bundled corpus (real corpora absent)"


def to_size(texts: list[str], n: int) -> tuple[list[str], int]:
    out = list(texts)
    while len(out) < n:
        out += texts[: n - len(out)]
    return out[:n], max(0, n - len(texts))


def pct(values, q) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


def bench_cases(texts: list[str], n_queries: int, workdir: Path) -> dict:
    import pandas as pd

    from triage.analytics import CaseIndex
    from triage.datasets import load_complaints

    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "case_id": [f"k{i:07d}" for i in range(len(texts))],
            "text": texts,
            "resolution": rng.choice(["refund", "replacement", "apology and coupon", "escalated"], len(texts)),
            "type": rng.choice(["product", "attitude", "timeliness", "accuracy", "policy"], len(texts)),
            "urgency": rng.choice(["high", "medium", "low"], len(texts)),
        }
    )
    reset_peak()
    rss0 = rss_mb()
    t0 = time.perf_counter()
    index = CaseIndex(df, id_col="case_id")
    build_s = time.perf_counter() - t0
    rss1, peak = rss_mb(), rss_mb("VmHWM")
    arrays_mb = (index._indptr.nbytes + index._indices.nbytes + index._data.nbytes
                 + sum(c.nbytes for c in index._codes)) / 1e6
    res = {
        "n_cases": len(index),
        "n_features": int(index.n_features_),
        "nnz": int(len(index._data)),
        "build_s": round(build_s, 2),
        "index_arrays_mb": round(arrays_mb, 1),
        "rss_growth_mb": round(rss1 - rss0, 1),
        "peak_rss_during_build_mb": round(peak, 1),
    }
    # latency: indexed texts, and new complaints (the bundled corpus is not in the index)
    for name, pool in (("indexed", texts), ("new", load_complaints()["text"].tolist())):
        qs = [pool[i] for i in rng.choice(len(pool), n_queries, replace=False)]
        index.query(qs[0])
        lat = []
        for q in qs:
            t = time.perf_counter()
            index.query(q, k=5)
            lat.append(time.perf_counter() - t)
        res[f"query_{name}_p50_ms"] = round(pct(lat, 50), 2)
        res[f"query_{name}_p99_ms"] = round(pct(lat, 99), 2)
        res[f"query_{name}_max_ms"] = round(pct(lat, 100), 2)
    t0 = time.perf_counter()
    path = index.save(workdir / "case_index")
    res["save_s"] = round(time.perf_counter() - t0, 2)
    res["disk_mb"] = round(sum(f.stat().st_size for f in path.iterdir()) / 1e6, 1)
    t0 = time.perf_counter()
    CaseIndex.load(path)
    res["load_s"] = round(time.perf_counter() - t0, 2)
    return res


def bench_duplicates(texts: list[str]) -> dict:
    from triage.analytics import near_duplicates

    t0 = time.perf_counter()
    ids = near_duplicates(texts)
    s = time.perf_counter() - t0
    sizes = np.bincount(ids)
    return {
        "n_texts": len(texts),
        "seconds": round(s, 2),
        "groups": int(len(sizes)),
        "rows_in_groups_of_2_or_more": int(sizes[sizes > 1].sum()),
    }


def labelled_frame(texts: list[str], n: int):
    """A frame shaped like `triage label` output plus source columns; labels are random (speed only)."""
    import pandas as pd

    rng = np.random.default_rng(0)
    base = np.asarray(texts, dtype=object)[rng.integers(0, len(texts), n)]
    text = [f"{t} #{i}" for i, t in enumerate(base)]  # every raw text distinct
    flags = np.array(["", "", "", "", "financial_loss", "strong_emotion", "safety", "repeat_complaint;strong_emotion",
                      "fraud;financial_loss", "blocked_customer"], dtype=object)
    return pd.DataFrame(
        {
            "text": text,
            "created_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365 * 86400, n), unit="s"),
            "customer_id": rng.integers(0, n // 4, n),
            "type": rng.choice(["product", "attitude", "timeliness", "accuracy", "policy", "none"], n,
                               p=[0.3, 0.15, 0.2, 0.15, 0.12, 0.08]),
            "emotion": rng.choice(["angry", "disappointed", "anxious", "calm"], n),
            "urgency": rng.choice(["high", "medium", "low"], n, p=[0.1, 0.3, 0.6]),
            "flags": flags[rng.integers(0, len(flags), n)],
            "channel": rng.choice(["app", "phone", "chat", "email", "social"], n),
        }
    )


def bench_frame(texts: list[str], n: int) -> dict:
    from triage import analytics as A

    t0 = time.perf_counter()
    df = labelled_frame(texts, n)
    res: dict = {"rows": n, "make_frame_s": round(time.perf_counter() - t0, 2)}
    steps = {
        "counts_type_week": lambda: A.counts(df, by="type", freq="W"),
        "counts_flags_day": lambda: A.counts(df, by="flags", freq="D"),
        "counts_type_x_channel_month": lambda: A.counts(df, by=["type", "channel"], freq="M"),
        "detect_spikes_type_day": lambda: A.detect_spikes(df, by="type", freq="D"),
        "detect_spikes_flags_day_negbin": lambda: A.detect_spikes(df, by="flags", freq="D", method="negbin"),
        "distinguishing_terms_type": lambda: A.distinguishing_terms(df, by="type"),
        "topics_by_type": lambda: A.topics(df, by="type"),
        "topics_all_10k_sample": lambda: A.topics(df, n_topics=8, max_docs=10_000),
        "repeat_complaints_30d": lambda: A.repeat_complaints(df, customer_col="customer_id"),
        "duplicate_groups": lambda: A.duplicate_groups(df),
    }
    for name, fn in steps.items():
        t0 = time.perf_counter()
        fn()
        res[name + "_s"] = round(time.perf_counter() - t0, 2)
        print(f"  {name}: {res[name + '_s']} s", flush=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--skip-frame", action="store_true", help="skip the --rows frame functions")
    ap.add_argument("--workdir", default="/tmp/triage-analytics-bench")
    ap.add_argument("--json", default=str(HERE / "results" / "analytics.json"))
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    pool, source = real_texts()
    texts, repeated = to_size(pool, args.cases)
    if repeated:
        print(f"WARNING: {repeated:,} of the {args.cases:,} cases are repeats (the corpora hold {len(pool):,} texts)",
              file=sys.stderr)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    report = {
        "source": source,
        "cases_repeated": repeated,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_1min_at_start": load},
    }
    print(f"texts: {source}; load average {load:.1f}")
    print("CaseIndex ...", flush=True)
    report["case_index"] = bench_cases(texts, args.queries, work)
    print("near_duplicates ...", flush=True)
    report["near_duplicates"] = bench_duplicates(texts)
    if not args.skip_frame:
        print(f"frame functions on {args.rows:,} rows ...", flush=True)
        report["frame"] = bench_frame(pool, args.rows)
    report["machine"]["load_avg_1min_at_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    print()
    print(f"{'measure':45s} value")
    for section in ("case_index", "near_duplicates", "frame"):
        for k, v in report.get(section, {}).items():
            print(f"{section + '.' + k:45s} {v}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nwritten: {args.json}")


if __name__ == "__main__":
    main()
