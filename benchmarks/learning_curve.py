"""Learning curve: type quality after N labels chosen by `suggest` versus N chosen at random.

    python benchmarks/learning_curve.py [--budgets 200,400,800,1600] [--seeds 0,1,2] [--start 100]
                                        [--json benchmarks/results/learning_curve.json]

On the bundled corpus: the complaint rows of the train split are the pool of
"unlabelled" messages (their labels are revealed only when a row is chosen),
the complaint rows of the test split are the evaluation set. Each run starts
from --start random labelled rows, trains a type-only model with
``triage.Trainer``, asks for the next rows, reveals their labels, retrains,
and scores type macro-F1 and accuracy (the type head's own label) at each
budget. Strategies:

- ``suggest``: ``triage.mlops.suggest_labels`` (margin uncertainty of the type head, with diversity);
- ``uncertainty only``: the same without diversity;
- ``random``: rows drawn uniformly.

The numbers are means (and standard deviations) over --seeds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

# small single-process fits: the solver's OpenMP threads only add contention on a shared machine
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402

import triage  # noqa: E402
from triage.datasets import load_complaints  # noqa: E402
from triage.labels import TYPES  # noqa: E402
from triage.mlops import head_outputs, suggest_labels  # noqa: E402

STRATEGIES = {
    "suggest": {"strategy": "margin", "diversity": True},
    "uncertainty only": {"strategy": "margin", "diversity": False},
    "random": {"strategy": "random"},
}


def train(rows, seed: int):
    return triage.Trainer(heads={"type": "type"}, cv=0, seed=seed).fit(rows[["text", "type"]])


def score(model, test) -> dict:
    out = head_outputs(model, test["text"].tolist(), ["type"])["type"]
    pred = np.array(out.labels, dtype=object)[out.proba.argmax(axis=1)]
    y = test["type"].to_numpy()
    return {
        "macro_f1": round(float(f1_score(y, pred, labels=list(TYPES), average="macro", zero_division=0)), 4),
        "accuracy": round(float(accuracy_score(y, pred)), 4),
    }


def run(pool, test, strategy: str, budgets: list[int], start: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    labelled = list(rng.choice(len(pool), start, replace=False))
    points = []
    t0 = time.perf_counter()
    model = train(pool.iloc[labelled], seed)
    points.append({"added": 0, "labels": start, **score(model, test)})
    for budget in budgets:
        need = budget - (len(labelled) - start)
        taken = set(labelled)
        rest = np.array([i for i in range(len(pool)) if i not in taken])
        chosen = suggest_labels(model, pool["text"].to_numpy()[rest].tolist(), n=need, seed=seed * 1000 + budget,
                                **STRATEGIES[strategy])
        labelled += rest[chosen["row"].to_numpy()].tolist()
        model = train(pool.iloc[labelled], seed)
        points.append({"added": budget, "labels": len(labelled), **score(model, test)})
    print(f"  {strategy:<17} seed {seed}: " + "  ".join(f"{p['added']}:{p['macro_f1']:.3f}" for p in points)
          + f"  ({time.perf_counter() - t0:.0f} s)", flush=True)
    return points


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--budgets", default="200,400,800,1600", help="labels added beyond the random start")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--start", type=int, default=100, help="random labelled rows to start from")
    ap.add_argument("--strategies", default=",".join(STRATEGIES))
    ap.add_argument("--json", default=str(Path(__file__).parent / "results" / "learning_curve.json"))
    args = ap.parse_args()
    budgets = sorted(int(b) for b in args.budgets.split(","))
    seeds = [int(s) for s in args.seeds.split(",")]
    strategies = [s.strip() for s in args.strategies.split(",")]
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        sys.exit(f"unknown strategies {unknown}; choose from {list(STRATEGIES)}")
    pool = load_complaints("train")
    pool = pool[pool["is_complaint"] == 1].reset_index(drop=True)
    test = load_complaints("test")
    test = test[test["is_complaint"] == 1].reset_index(drop=True)
    print(f"pool: {len(pool)} complaint rows of the train split; evaluation: {len(test)} of the test split")
    t0 = time.perf_counter()
    runs = {s: [run(pool, test, s, budgets, args.start, seed) for seed in seeds] for s in strategies}
    full = score(train(pool, 0), test)
    summary = {}
    for s, per_seed in runs.items():
        summary[s] = []
        for j, p in enumerate(per_seed[0]):
            f1 = [r[j]["macro_f1"] for r in per_seed]
            acc = [r[j]["accuracy"] for r in per_seed]
            summary[s].append({
                "added": p["added"], "labels": p["labels"],
                "macro_f1": round(float(np.mean(f1)), 4), "macro_f1_std": round(float(np.std(f1)), 4),
                "accuracy": round(float(np.mean(acc)), 4), "accuracy_std": round(float(np.std(acc)), 4),
            })
    print(f"\ntype macro-F1 / accuracy on the test split's complaints, mean of seeds {seeds}, start {args.start} random labels")
    print(f"{'labels added':>12}" + "".join(f"{s:>26}" for s in strategies))
    for j in range(len(budgets) + 1):
        row = summary[strategies[0]][j]
        cells = "".join(
            f"{summary[s][j]['macro_f1']:>11.3f} ±{summary[s][j]['macro_f1_std']:.3f} / {summary[s][j]['accuracy']:.3f}"
            for s in strategies
        )
        print(f"{row['added']:>12}{cells}")
    print(f"all {len(pool)} pool rows labelled: macro-F1 {full['macro_f1']:.3f}, accuracy {full['accuracy']:.3f}")
    wall = time.perf_counter() - t0
    print(f"wall time {wall:.0f} s")
    report = {
        "pool": "bundled corpus, train split, complaint rows",
        "pool_rows": len(pool),
        "evaluation": "bundled corpus, test split, complaint rows",
        "evaluation_rows": len(test),
        "start_random_labels": args.start,
        "seeds": seeds,
        "model": "triage.Trainer(heads={'type': 'type'}, cv=0), retrained after each batch",
        "strategies": {s: STRATEGIES[s] for s in strategies},
        "curve": summary,
        "runs": runs,
        "all_pool_labelled": full,
        "wall_seconds": round(wall, 1),
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
