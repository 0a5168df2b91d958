"""What the decisions layer adds to predict_one: model.triage vs predict_one, and decide() alone.

    python benchmarks/decisions.py [--n 5000] [--json benchmarks/results/decisions.json]

On --n texts of the bundled corpus (ours; the real corpora are not needed), with
ticket metadata rotating over tiers, channels, repeat counts and amounts:
- cold start: the first decision with a fresh Policy (builds the calendar year
  tables, loads and checks the script library, creates the OpenCC converter);
- latency p50/p99 of predict_one, of model.triage, and of the decision alone
  (triage.decisions.decide on a precomputed prediction), each after a warm-up pass.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent

METADATA = [
    {},
    {"customer_tier": "vip"},
    {"channel": "weibo", "repeat_count": 2},
    {"amount": 8000, "customer": "张女士"},
    {"affected_users": 40, "order_id": "DD20260302001"},
    {"customer_tier": "enterprise", "channel": "app"},
]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))] * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--json", default=str(HERE / "results" / "decisions.json"))
    args = ap.parse_args()

    import triage
    from triage.datasets import load_complaints
    from triage.decisions import Policy, decide

    model = triage.load()
    texts = load_complaints()["text"].tolist()
    while len(texts) < args.n:
        texts += texts
    texts = texts[: args.n]
    created = datetime(2026, 3, 2, 9, 0)  # a fixed date inside chinese_calendar's data (no fallback warning)
    metas = [{**METADATA[i % len(METADATA)], "created_at": created} for i in range(len(texts))]

    result = model.predict_one(texts[0])
    t0 = time.perf_counter()
    decide(result, texts[0], policy=Policy(), **metas[0])
    cold_ms = (time.perf_counter() - t0) * 1000

    policy = Policy()
    results = model.predict(texts)
    for t, r, m in zip(texts, results, metas):  # warm-up: year tables, scripts, converters
        decide(r, t, policy=policy, **m)
        model.predict_one(t)

    lat_predict, lat_triage, lat_decide = [], [], []
    for t, r, m in zip(texts, results, metas):
        s = time.perf_counter()
        model.predict_one(t)
        lat_predict.append(time.perf_counter() - s)
        s = time.perf_counter()
        model.triage(t, policy=policy, **m)
        lat_triage.append(time.perf_counter() - s)
        s = time.perf_counter()
        decide(r, t, policy=policy, **m)
        lat_decide.append(time.perf_counter() - s)

    priorities: dict[str, int] = {}
    for t, r, m in zip(texts, results, metas):
        p = decide(r, t, policy=policy, **m).priority
        priorities[p] = priorities.get(p, 0) + 1

    report = {
        "texts": len(texts),
        "source": "bundled corpus (triage/datasets/data/complaints.csv)",
        "python": platform.python_version(),
        "load_average_1min_at_end": os.getloadavg()[0],
        "cold_first_decision_ms": cold_ms,
        "predict_one_p50_ms": pct(lat_predict, 0.5),
        "predict_one_p99_ms": pct(lat_predict, 0.99),
        "triage_p50_ms": pct(lat_triage, 0.5),
        "triage_p99_ms": pct(lat_triage, 0.99),
        "decide_p50_ms": pct(lat_decide, 0.5),
        "decide_p99_ms": pct(lat_decide, 0.99),
        "decide_mean_ms": sum(lat_decide) / len(lat_decide) * 1000,
        "priorities": dict(sorted(priorities.items())),
    }
    print(f"{len(texts):,} texts from the bundled corpus, metadata rotating over {len(METADATA)} profiles")
    print(f"{'':<36}{'p50 (ms)':>10}{'p99 (ms)':>10}")
    print(f"{'predict_one':<36}{report['predict_one_p50_ms']:>10.3f}{report['predict_one_p99_ms']:>10.3f}")
    print(f"{'model.triage':<36}{report['triage_p50_ms']:>10.3f}{report['triage_p99_ms']:>10.3f}")
    print(f"{'decision alone (decide)':<36}{report['decide_p50_ms']:>10.3f}{report['decide_p99_ms']:>10.3f}")
    print(f"decision mean {report['decide_mean_ms']:.3f} ms; first decision with a fresh Policy {cold_ms:.1f} ms")
    print(f"priorities: {report['priorities']}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
