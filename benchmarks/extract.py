"""Precision and recall of ``triage.extract`` and ``triage.mask_pii`` on the hand-labelled set, and their speed.

    python benchmarks/extract.py [--gold tests/data/extract_gold.jsonl] [--json benchmarks/results/extract.json]

Scores both splits of ``tests/data/extract_gold.jsonl`` by the matching rule of
``tests/data/EXTRACT_GUIDE.md`` §4:

- entities other than ``demand``: exact ``(kind, start, end)``; value accuracy
  over the true positives (money: amount within 0.005, same currency and approx);
- ``demand``: per (message, value), a unit matches when spans with that value overlap;
- PII: exact ``(kind, start, end)`` per kind (from ``triage._pii.find_pii``), the
  share of rows where ``mask_pii(text) == masked``, and false masks: gold
  ``order_id``/``tracking_number``/``money`` entities with any character changed
  by ``mask_pii``.

Targets (judged on ``test``): precision >= 0.95 and recall >= 0.90 per kind, 0
false masks of order ids. The exit status is 0 whether or not they are met.
Speed: per-call latency of ``extract`` and ``mask_pii`` over the gold texts
(and over real reviews from ../shared/corpora/reviews/ where present).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET_P, TARGET_R = 0.95, 0.90


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _same_value(kind: str, gold, pred) -> bool:
    if kind == "money" and isinstance(gold, dict) and isinstance(pred, dict):
        return (
            abs(gold["amount"] - pred["amount"]) < 0.005
            and gold["currency"] == pred["currency"]
            and gold.get("approx") == pred.get("approx")
        )
    return gold == pred


def score(rows: list[dict]) -> dict:
    """Counts and rates per kind for one split."""
    from triage import extract, mask_pii
    from triage._extract import KINDS
    from triage._pii import PII_KINDS, find_pii

    tp, fp, fn, val_ok = Counter(), Counter(), Counter(), Counter()
    exact_masked = 0
    false_masks = Counter()
    for r in rows:
        text = r["text"]
        pred = [e.to_dict() for e in extract(text, max_chars=None)]
        gold = r["entities"]
        for kind in KINDS:
            g = [e for e in gold if e["kind"] == kind]
            p = [e for e in pred if e["kind"] == kind]
            if kind == "demand":
                gv, pv = {e["value"] for e in g}, {e["value"] for e in p}
                for v in gv | pv:
                    hit = any(_overlap(a, b) for a in p if a["value"] == v for b in g if b["value"] == v)
                    if v in gv and v in pv and hit:
                        tp[kind] += 1
                    else:
                        fn[kind] += v in gv
                        fp[kind] += v in pv
                continue
            unmatched = {(e["start"], e["end"]): e for e in g}
            for e in p:
                m = unmatched.pop((e["start"], e["end"]), None)
                if m is None:
                    fp[kind] += 1
                else:
                    tp[kind] += 1
                    val_ok[kind] += _same_value(kind, m["value"], e["value"])
            fn[kind] += len(unmatched)
        gp = Counter((e["kind"], e["start"], e["end"]) for e in r["pii"])
        pp = Counter((e.kind, e.start, e.end) for e in find_pii(text))
        for kind in PII_KINDS:
            key = f"pii:{kind}"
            g = {k for k in gp if k[0] == kind}
            p = {k for k in pp if k[0] == kind}
            tp[key] += len(g & p)
            fp[key] += len(p - g)
            fn[key] += len(g - p)
        masked = mask_pii(text)
        exact_masked += masked == r["masked"]
        for e in gold:
            if e["kind"] in ("order_id", "tracking_number", "money") and masked[e["start"] : e["end"]] != e["text"]:
                false_masks[e["kind"]] += 1
    kinds = {}
    for k in [*KINDS, *(f"pii:{k}" for k in PII_KINDS)]:
        p = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else None
        rc = tp[k] / (tp[k] + fn[k]) if tp[k] + fn[k] else None
        f1 = 2 * p * rc / (p + rc) if p and rc else (0.0 if p is not None and rc is not None else None)
        kinds[k] = {
            "precision": p, "recall": rc, "f1": f1, "support": tp[k] + fn[k], "predicted": tp[k] + fp[k],
            "tp": tp[k], "fp": fp[k], "fn": fn[k],
        }
        if k in KINDS and k != "demand":
            kinds[k]["value_accuracy"] = val_ok[k] / tp[k] if tp[k] else None
    return {
        "rows": len(rows),
        "kinds": kinds,
        "masked_exact_match": exact_masked / len(rows) if rows else None,
        "false_masks": {k: false_masks[k] for k in ("order_id", "tracking_number", "money")},
    }


def _fmt(v) -> str:
    return "   –" if v is None else f"{v:.3f}"


def render(name: str, res: dict) -> str:
    lines = [f"\n{name} split: {res['rows']} messages", f"{'kind':22s} {'P':>6s} {'R':>6s} {'F1':>6s} {'support':>8s} {'value acc':>9s}  target"]
    for k, m in res["kinds"].items():
        ok = m["precision"] is not None and m["recall"] is not None and m["precision"] >= TARGET_P and m["recall"] >= TARGET_R
        mark = "met" if ok else ("n/a" if m["support"] == 0 else "MISSED")
        lines.append(
            f"{k:22s} {_fmt(m['precision']):>6s} {_fmt(m['recall']):>6s} {_fmt(m['f1']):>6s} {m['support']:8d} "
            f"{_fmt(m.get('value_accuracy')):>9s}  P>={TARGET_P} R>={TARGET_R}: {mark}"
        )
    lines.append(f"masked text exact match: {_fmt(res['masked_exact_match'])}")
    fm = res["false_masks"]
    lines.append(f"false masks: order_id {fm['order_id']} (target 0), tracking_number {fm['tracking_number']}, money {fm['money']}")
    return "\n".join(lines)


def latency(texts: list[str], fn, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        for t in texts:
            s = time.perf_counter()
            fn(t)
            times.append(time.perf_counter() - s)
    times.sort()
    return {
        "calls": len(times),
        "median_ms": statistics.median(times) * 1000,
        "p99_ms": times[int(len(times) * 0.99) - 1] * 1000,
        "max_ms": times[-1] * 1000,
        "mean_chars": sum(map(len, texts)) / len(texts),
    }


def real_reviews(n: int) -> list[str]:
    import csv

    sys.path.insert(0, str(HERE))
    from _common import CORPORA

    path = CORPORA / "reviews" / "online_shopping_10_cats.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        texts = [row["review"] for row in csv.DictReader(fh) if (row.get("review") or "").strip()]
    return texts[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", default=str(ROOT / "tests" / "data" / "extract_gold.jsonl"))
    ap.add_argument("--json", default=str(HERE / "results" / "extract.json"))
    ap.add_argument("--repeat", type=int, default=5, help="timing passes over the gold texts")
    ap.add_argument("--splits", nargs="+", default=["dev", "test"], choices=["dev", "test"],
                    help="splits to score (develop on dev; the targets are judged on test)")
    args = ap.parse_args()

    from triage import extract, mask_pii

    rows = [json.loads(line) for line in Path(args.gold).read_text(encoding="utf-8").splitlines() if line.strip()]
    report: dict = {"gold": str(Path(args.gold).relative_to(ROOT)) if Path(args.gold).is_relative_to(ROOT) else args.gold}
    for split in args.splits:
        res = score([r for r in rows if r["split"] == split])
        report[split] = res
        print(render(split, res))

    texts = [r["text"] for r in rows if r["split"] in args.splits]
    extract(texts[0])
    mask_pii(texts[0])  # compile the patterns before timing
    speed = {"gold extract": latency(texts, extract, args.repeat), "gold mask_pii": latency(texts, mask_pii, args.repeat)}
    reviews = real_reviews(20_000)
    if reviews:
        speed["reviews extract"] = latency(reviews, extract, 1)
        speed["reviews mask_pii"] = latency(reviews, mask_pii, 1)
    report["speed"] = speed
    print("\nper-call latency (one process):")
    for name, s in speed.items():
        print(
            f"  {name:18s} {s['calls']:7,d} calls, mean {s['mean_chars']:.0f} chars: median {s['median_ms']:.3f} ms, "
            f"p99 {s['p99_ms']:.3f} ms, max {s['max_ms']:.2f} ms"
        )
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
