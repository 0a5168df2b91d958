"""Quality of the bundled model beside a plain baseline, on the corpus test split and on real complaints.

    python benchmarks/quality.py [--json benchmarks/results/quality.json]

Both models learn from the same rows (the corpus train split): the bundled
model as shipped, the baseline (benchmarks/_common.py PlainBaseline) fitted
here. They are scored on the corpus test split and on the real labelled
complaints in ../shared/corpora/dev/complaints_dev.csv (skipped where absent).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, precision_score, recall_score

import triage
from triage.datasets import load_complaints
from triage.labels import TYPES

sys.path.insert(0, str(Path(__file__).parent))
from _common import CORPORA, PlainBaseline  # noqa: E402


def scores(df, pred) -> dict:
    comp = (df["is_complaint"].astype(int) == 1).to_numpy()
    out = {}
    yt = df["type"].to_numpy()[comp]
    out["type_macro_f1"] = f1_score(yt, pred["type"][comp], labels=list(TYPES), average="macro", zero_division=0)
    out["type_per_class_f1"] = dict(zip(TYPES, f1_score(yt, pred["type"][comp], labels=list(TYPES), average=None, zero_division=0).round(3).tolist()))
    out["emotion_macro_f1"] = f1_score(df["emotion"], pred["emotion"], average="macro", zero_division=0)
    out["emotion_per_class_f1"] = dict(zip(*[sorted(set(df["emotion"]))] * 1, f1_score(df["emotion"], pred["emotion"], labels=sorted(set(df["emotion"])), average=None, zero_division=0).round(3).tolist()))
    out["urgency_macro_f1"] = f1_score(df["urgency"], pred["urgency"], average="macro", zero_division=0)
    out["urgency_high_recall"] = recall_score(df["urgency"], pred["urgency"], labels=["high"], average="macro", zero_division=0)
    out["urgency_high_precision"] = precision_score(df["urgency"], pred["urgency"], labels=["high"], average="macro", zero_division=0)
    out["accuracy"] = {h: float((df[h].to_numpy() == pred[h]).mean()) for h in ("emotion", "urgency")}
    out["accuracy"]["type (complaints)"] = float((yt == pred["type"][comp]).mean())
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}


def ours(model, texts):
    res = model.predict(texts)
    # the type head's own label on every row (non-complaint routing is scored separately)
    return {
        "type": np.array([max(r.probabilities["type"], key=r.probabilities["type"].get) for r in res]),
        "emotion": np.array([r.emotion for r in res]),
        "urgency": np.array([r.urgency for r in res]),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    model = triage.load()
    train, test = load_complaints("train"), load_complaints("test")
    base = PlainBaseline().fit(train)
    sets = {"corpus test split": test}
    dev_path = CORPORA / "dev" / "complaints_dev.csv"
    if dev_path.exists():
        sets["real dev complaints"] = pd.read_csv(dev_path, dtype=str, keep_default_na=False)
    else:
        print(f"skipped the real dev set: {dev_path} is absent")
    report = {}
    for name, df in sets.items():
        df = df.assign(is_complaint=df["is_complaint"].astype(int))
        texts = df["text"].tolist()
        report[name] = {"n": len(df), "triage": scores(df, ours(model, texts)), "plain baseline": scores(df, base.predict(texts))}
    for name, r in report.items():
        print(f"\n== {name} (n={r['n']})")
        keys = ["type_macro_f1", "emotion_macro_f1", "urgency_macro_f1", "urgency_high_recall", "urgency_high_precision"]
        print(f"{'metric':<26}{'triage':>10}{'baseline':>10}")
        for k in keys:
            print(f"{k:<26}{r['triage'][k]:>10.3f}{r['plain baseline'][k]:>10.3f}")
        print("type F1 per class (triage):", r["triage"]["type_per_class_f1"])
        print("emotion F1 per class (triage):", r["triage"]["emotion_per_class_f1"])
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
