"""Choose the segmentation engine by measurement: jieba vs rjieba on the same texts.

    python benchmarks/segmentation.py [--n 20000]

Reports, per engine: cold start (first cut), throughput on real review texts
(../shared/corpora/reviews, else the bundled corpus), and the share of texts whose
tokens are identical between the engines. Both engines run with the shipped domain
dictionary through triage.features.Segmenter.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from triage.features import Segmenter, engine_version, normalize

sys.path.insert(0, str(Path(__file__).parent))
from _common import CORPORA  # noqa: E402


def texts(n: int) -> tuple[list[str], str]:
    p = CORPORA / "reviews" / "online_shopping_10_cats.csv"
    if p.exists():
        return pd.read_csv(p, dtype=str, keep_default_na=False)["review"].head(n).tolist(), str(p)
    from triage.datasets import load_complaints

    return load_complaints()["text"].head(n).tolist(), "bundled corpus"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    args = ap.parse_args()
    docs, source = texts(args.n)
    docs = [normalize(d) for d in docs]
    print(f"{len(docs)} texts from {source}, {sum(map(len, docs)) / 1e6:.2f} M characters")
    cuts = {}
    for engine in ("jieba", "rjieba"):
        seg = Segmenter(engine=engine)
        t0 = time.perf_counter()
        seg.cut("冷启动")
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        cuts[engine] = [seg.cut(d) for d in docs]
        el = time.perf_counter() - t0
        print(f"{engine:<7} {engine_version(engine):<8} cold start {cold:6.3f} s   {len(docs) / el:10,.0f} texts/s")
    same = sum(a == b for a, b in zip(cuts["jieba"], cuts["rjieba"])) / len(docs)
    print(f"identical token lists: {same:.2%}")


if __name__ == "__main__":
    main()
