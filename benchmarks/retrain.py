"""Retraining on real car complaints with the platform's own issue codes as a custom type head.

    python benchmarks/retrain.py [--folds 5] [--seed 0] [--json benchmarks/results/retrain.json]

Reads ../shared/corpora/car/car_complaints.csv (1,380 complaint titles from a
public car-complaint platform; skipped with a message where absent). Every
title carries the platform's issue codes; the letter of the first code the
platform lists is its category (see ../shared/corpora/README.md). Two label
schemes are trained as the ``type`` head:

- ``platform``: the platform's own categories, in Chinese: 发动机 (A),
  变速箱/离合器 (B, C), 转向 (D), 制动 (E), 轮胎 (F), 悬挂 (G), 车身电气 (H),
  承诺政策 (L), 销售 (M), 服务维修 (I, J, K, N) and 其他 (O, Q, fewer than 20
  titles each);
- ``labels_md``: the first code mapped to the five types of LABELS.md with the
  corpora README's mapping (A-H and Q product; I293 attitude; I294/I295
  timeliness; I297 policy; J298 timeliness, other J product; K307/K325 policy;
  K308 accuracy; L313/L314 policy; M279/M283/M284 accuracy; N318 timeliness;
  other codes of a letter: its letter's usual type). A class with fewer titles
  than folds (``attitude``: 1) is left out.

For each scheme, ``triage.Trainer`` (custom head, default features) and the
plain 20-line baseline (benchmarks/_common.py PlainBaseline: jieba +
TfidfVectorizer + LogisticRegression) are fitted and scored on the same
stratified folds (macro-F1 and accuracy, pooled over the out-of-fold
predictions, plus the per-fold spread). Also: the time to fit on all rows, and
the size on disk of the fitted model (triage: the saved model directory;
baseline: its pipeline saved with joblib, without the ``jieba.lcut`` tokenizer
reference, which does not pickle). For ``labels_md``, the bundled
default model (never trained on these titles) is scored as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

# small single-process fits: the solver's OpenMP threads only add contention on a shared machine
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

import triage  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from _common import PlainBaseline, corpora_or_exit  # noqa: E402

PLATFORM = {
    "A": "发动机", "B": "变速箱/离合器", "C": "变速箱/离合器", "D": "转向", "E": "制动", "F": "轮胎",
    "G": "悬挂", "H": "车身电气", "L": "承诺政策", "M": "销售",
    "I": "服务维修", "J": "服务维修", "K": "服务维修", "N": "服务维修", "O": "其他", "Q": "其他",
}
CODE_TYPES = {
    "I293": "attitude", "I294": "timeliness", "I295": "timeliness", "I297": "policy", "J298": "timeliness",
    "K307": "policy", "K325": "policy", "K308": "accuracy", "L313": "policy", "L314": "policy",
    "M279": "accuracy", "M283": "accuracy", "M284": "accuracy", "N318": "timeliness",
}
LETTER_TYPES = {**dict.fromkeys("ABCDEFGHQ", "product"), "I": "timeliness", "J": "product", "K": "policy",
                "L": "policy", "M": "accuracy", "N": "timeliness", "O": "product"}


def load(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    first = df["problem_codes"].str.split(",").str[0].str.strip()
    out = pd.DataFrame({"text": df["desc"], "code": first})
    out["platform"] = out["code"].str[0].map(PLATFORM)
    out["labels_md"] = [CODE_TYPES.get(c, LETTER_TYPES.get(c[:1])) for c in out["code"]]
    return out.dropna().reset_index(drop=True)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def fit_triage(rows: pd.DataFrame, seed: int):
    return triage.Trainer(heads={"type": "type"}, cv=0, seed=seed).fit(rows[["text", "type"]])


def predict_triage(model, texts) -> np.ndarray:
    from triage.mlops import head_outputs

    out = head_outputs(model, list(texts), ["type"])["type"]
    return np.array(out.labels, dtype=object)[out.proba.argmax(axis=1)]


def fit_baseline(rows: pd.DataFrame):
    return PlainBaseline(heads=("type",)).fit(rows)


def scores(y, pred, labels) -> dict:
    return {
        "macro_f1": round(float(f1_score(y, pred, labels=labels, average="macro", zero_division=0)), 4),
        "accuracy": round(float(accuracy_score(y, pred)), 4),
    }


def run_scheme(df: pd.DataFrame, scheme: str, folds: int, seed: int) -> dict:
    data = df.assign(type=df[scheme])[["text", "type"]]
    counts = data["type"].value_counts()
    dropped = {str(k): int(v) for k, v in counts[counts < folds].items()}  # too few titles to spread over the folds
    data = data[~data["type"].isin(list(dropped))].reset_index(drop=True)
    y = data["type"].to_numpy()
    labels = sorted(set(y))
    split = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(data, y))
    oof = {"triage": np.empty(len(data), dtype=object), "plain baseline": np.empty(len(data), dtype=object)}
    per_fold = {k: [] for k in oof}
    fold_seconds = {k: [] for k in oof}
    for tr, te in split:
        for name, fit, predict in (
            ("triage", lambda r: fit_triage(r, seed), predict_triage),
            ("plain baseline", fit_baseline, lambda m, t: m.predict(list(t))["type"]),
        ):
            t0 = time.perf_counter()
            m = fit(data.iloc[tr])
            fold_seconds[name].append(time.perf_counter() - t0)
            pred = predict(m, data["text"].to_numpy()[te])
            oof[name][te] = pred
            per_fold[name].append(scores(y[te], pred, labels)["macro_f1"])
    result = {"rows": len(data), "classes": {lab: int((y == lab).sum()) for lab in labels}, "dropped_classes": dropped,
              "models": {}}
    with tempfile.TemporaryDirectory() as tmp:
        import joblib

        t0 = time.perf_counter()
        full = fit_triage(data, seed)
        triage_fit = time.perf_counter() - t0
        full.save(Path(tmp) / "triage_model")
        triage_size = dir_size(Path(tmp) / "triage_model")
        t0 = time.perf_counter()
        base = fit_baseline(data)
        base_fit = time.perf_counter() - t0
        # jieba.lcut is a method of jieba's global tokenizer, which holds a lock and does not pickle:
        # the size is that of the fitted pipelines with the tokenizer reference dropped
        for pipe in base.models.values():
            pipe.steps[0][1].tokenizer = None
        joblib.dump(base.models, Path(tmp) / "baseline.joblib")
        base_size = (Path(tmp) / "baseline.joblib").stat().st_size
    for name, fit_s, size in (("triage", triage_fit, triage_size), ("plain baseline", base_fit, base_size)):
        result["models"][name] = {
            **scores(y, oof[name], labels),
            "fold_macro_f1": per_fold[name],
            "macro_f1_std": round(float(np.std(per_fold[name])), 4),
            "per_class_f1": dict(zip(labels, f1_score(y, oof[name], labels=labels, average=None, zero_division=0).round(3).tolist())),
            "fit_seconds_all_rows": round(fit_s, 2),
            "fit_seconds_per_fold": round(float(np.mean(fold_seconds[name])), 2),
            "model_bytes": int(size),
        }
    if scheme == "labels_md":
        bundled = predict_triage(triage.load(), data["text"])
        result["models"]["bundled default model (not retrained)"] = scores(y, bundled, labels)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default=str(Path(__file__).parent / "results" / "retrain.json"))
    args = ap.parse_args()
    path = corpora_or_exit("car", "car_complaints.csv")
    df = load(path)
    report = {"data": "../shared/corpora/car/car_complaints.csv (titles, first listed issue code)", "folds": args.folds,
              "seed": args.seed, "schemes": {}}
    for scheme in ("platform", "labels_md"):
        t0 = time.perf_counter()
        r = run_scheme(df, scheme, args.folds, args.seed)
        report["schemes"][scheme] = r
        print(f"\n== {scheme}: {r['rows']} titles, {len(r['classes'])} classes {r['classes']}  ({time.perf_counter() - t0:.0f} s)")
        if r["dropped_classes"]:
            print(f"left out (fewer titles than folds): {r['dropped_classes']}")
        print(f"{'model':<40}{'macro-F1':>9}{'± folds':>9}{'accuracy':>10}{'fit s':>8}{'size':>10}")
        for name, m in r["models"].items():
            extra = (f"{m['macro_f1_std']:>9.3f}{m['accuracy']:>10.3f}{m['fit_seconds_all_rows']:>8.2f}"
                     f"{m['model_bytes'] / 1e6:>8.2f} MB") if "model_bytes" in m else f"{'':>9}{m['accuracy']:>10.3f}"
            print(f"{name:<40}{m['macro_f1']:>9.3f}{extra}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
