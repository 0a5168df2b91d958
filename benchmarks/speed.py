"""Speed of the bundled model beside the plain baseline, in one run.

    python benchmarks/speed.py [--n 50000] [--json benchmarks/results/speed.json]

Measures, each in its own subprocess so peak memory is per model:
- batch throughput (texts/s, all heads, one process) on --n real review texts from
  ../shared/corpora/reviews/ (the bundled corpus repeated where those are absent),
  predicted in chunks of 2,048 whose results are consumed, as a batch job does;
- single-call latency p50/p99 of predict_one over 5,000 texts (after one warm-up call);
- load time (import + triage.load()), peak RSS, model size on disk.
The baseline is benchmarks/_common.py PlainBaseline trained on the corpus train split.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_texts(n: int) -> tuple[list[str], str]:
    """Review texts (the csv module, not pandas, so the measured process holds only the model)."""
    import csv

    csv.field_size_limit(1 << 24)
    sys.path.insert(0, str(HERE))
    from _common import CORPORA

    folder = CORPORA / "reviews"
    if folder.exists():
        texts = []
        for f in ("online_shopping_10_cats.csv", "waimai_10k.csv", "ChnSentiCorp_htl_all.csv"):
            with open(folder / f, encoding="utf-8", newline="") as fh:
                texts += [row["review"] for row in csv.DictReader(fh) if (row.get("review") or "").strip()]
        source = str(folder)
    else:
        from triage.datasets import corpus_path

        with open(corpus_path(), encoding="utf-8", newline="") as fh:
            texts = [row["text"] for row in csv.DictReader(fh)]
        source = "bundled corpus (real reviews absent)"
    while len(texts) < n:
        texts = texts + texts
    return texts[:n], source


def run_ours(n: int) -> dict:
    t0 = time.perf_counter()
    import triage

    model = triage.load()
    load_s = time.perf_counter() - t0
    texts, source = load_texts(n)
    model.predict_one(texts[0])
    lat = []
    for t in texts[:5000]:
        s = time.perf_counter()
        model.predict_one(t)
        lat.append(time.perf_counter() - s)
    lat.sort()
    # a batch job: chunks in, results consumed (counted) and dropped, as triage label does
    t0 = time.perf_counter()
    urgent = 0
    for start in range(0, len(texts), 2048):
        urgent += sum(r.urgency == "high" for r in model.predict(texts[start : start + 2048]))
    batch_s = time.perf_counter() - t0
    from triage.models import default_model_path

    size = sum(p.stat().st_size for p in default_model_path().iterdir())
    return report(texts, source, lat, batch_s, load_s=load_s, model_mb=size / 1e6)


def report(texts: list[str], source: str, lat: list[float], batch_s: float, **extra) -> dict:
    """Throughput, latency percentiles (from sorted latencies) and peak RSS of this process."""
    return {
        "texts": len(texts),
        "source": source,
        "throughput_texts_per_s": len(texts) / batch_s,
        "p50_ms": lat[len(lat) // 2] * 1000,
        "p99_ms": lat[int(len(lat) * 0.99)] * 1000,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **extra,
    }


def run_baseline(n: int) -> dict:
    sys.path.insert(0, str(HERE))
    from _common import PlainBaseline

    from triage.datasets import load_complaints

    base = PlainBaseline().fit(load_complaints("train"))
    texts, source = load_texts(n)
    for m in base.models.values():
        m.predict(texts[:1])
    lat = []
    for t in texts[:2000]:
        s = time.perf_counter()
        base.predict([t])
        lat.append(time.perf_counter() - s)
    lat.sort()
    t0 = time.perf_counter()
    base.predict(texts)
    return report(texts, source, lat, time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50000)
    ap.add_argument("--json", default=None)
    ap.add_argument("--_child", choices=("ours", "baseline"), default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        res = run_ours(args.n) if args._child == "ours" else run_baseline(args.n)
        print(json.dumps(res))
        return
    report = {}
    for who in ("ours", "baseline"):
        out = subprocess.run([sys.executable, __file__, "--n", str(args.n), "--_child", who], capture_output=True, text=True, check=True)
        report[who] = json.loads(out.stdout.strip().splitlines()[-1])
    o, b = report["ours"], report["baseline"]
    print(f"{o['texts']:,} texts from {o['source']}")
    print(f"{'':<28}{'triage':>12}{'baseline':>12}")
    print(f"{'batch throughput (texts/s)':<28}{o['throughput_texts_per_s']:>12,.0f}{b['throughput_texts_per_s']:>12,.0f}")
    print(f"{'predict_one p50 (ms)':<28}{o['p50_ms']:>12.3f}{b['p50_ms']:>12.3f}")
    print(f"{'predict_one p99 (ms)':<28}{o['p99_ms']:>12.3f}{b['p99_ms']:>12.3f}")
    print(f"{'peak RSS (MB)':<28}{o['peak_rss_mb']:>12.0f}{b['peak_rss_mb']:>12.0f}")
    print(f"{'load time (s)':<28}{o['load_s']:>12.3f}")
    print(f"{'model size (MB)':<28}{o['model_mb']:>12.1f}")
    print(f"speed-up over baseline: {o['throughput_texts_per_s'] / b['throughput_texts_per_s']:.1f}x")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
