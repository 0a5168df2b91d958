"""Merge reviewed batch files (datasets/batches/*.tsv) into datasets/complaints.csv.

Rows already in complaints.csv keep their ids; new rows get the next ids in
batch order. Rows that fail the schema, repeat a text already present, or are
near-duplicates (char 5-gram Jaccard >= 0.5) of a kept row are reported and left out.

    python datasets/tools/merge_batches.py datasets/batches/*.tsv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from triage.datasets._quality import CORPUS_COLUMNS, char_ngrams, read_batch, row_errors

CORPUS = Path(__file__).resolve().parents[1] / "complaints.csv"


def main(paths: list[str]) -> int:
    existing: list[dict[str, str]] = []
    if CORPUS.exists():
        with open(CORPUS, encoding="utf-8", newline="") as fh:
            existing = list(csv.DictReader(fh))
    seen = {r["text"] for r in existing}
    grams = [char_ngrams(r["text"]) for r in existing]
    index: dict[str, set[int]] = {}
    for i, g in enumerate(grams):
        for x in g:
            index.setdefault(x, set()).add(i)
    next_id = max((int(r["id"][1:]) for r in existing), default=0) + 1
    added, skipped = [], 0
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            rows, errors = read_batch(fh)
        for e in errors:
            print(f"{p}: {e}", file=sys.stderr)
        for row in rows:
            if row_errors(row) or row["text"] in seen:
                skipped += 1
                continue
            g = char_ngrams(row["text"])
            shared: dict[int, int] = {}
            for x in g:
                for j in index.get(x, ()):
                    shared[j] = shared.get(j, 0) + 1
            if any(inter / (len(g) + len(grams[j]) - inter) >= 0.5 for j, inter in shared.items()):
                print(f"{p}: near-duplicate left out: {row['text'][:40]}", file=sys.stderr)
                skipped += 1
                continue
            row = {"id": f"c{next_id:06d}", **row}
            next_id += 1
            k = len(grams)
            grams.append(g)
            for x in g:
                index.setdefault(x, set()).add(k)
            seen.add(row["text"])
            added.append(row)
    with open(CORPUS, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CORPUS_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(existing + added)
    print(f"kept {len(existing)} rows, added {len(added)}, left out {skipped}; {CORPUS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
