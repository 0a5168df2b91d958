"""Print the distribution tables of datasets/README.md from datasets/complaints.csv.

    python datasets/tools/datasheet_tables.py > /tmp/tables.md
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from triage.datasets import load_complaints


def table(counts: Counter, total: int, header: str) -> str:
    lines = [f"| {header} | rows | share |", "|---|---:|---:|"]
    for k, v in counts.most_common():
        lines.append(f"| {k or '(none)'} | {v} | {v / total:.1%} |")
    return "\n".join(lines)


def main() -> None:
    df = load_complaints()
    n = len(df)
    print(f"Rows: {n}\n")
    ct = pd.crosstab(df["domain"], df["type"])
    cols = ["product", "attitude", "timeliness", "accuracy", "policy", "none"]
    print("| domain | " + " | ".join(cols) + " | total |")
    print("|---|" + "---:|" * (len(cols) + 1))
    for d, row in ct.iterrows():
        print(f"| {d} | " + " | ".join(str(row.get(c, 0)) for c in cols) + f" | {row.sum()} |")
    print()
    for col in ("emotion", "urgency", "channel", "script"):
        print(table(Counter(df[col]), n, col) + "\n")
    flags = Counter(f for cell in df["flags"] for f in cell.split(";") if f)
    print(table(flags, n, "flag (rows carrying it)") + "\n")
    sec = Counter(t for cell in df["type_secondary"] for t in cell.split(";") if t)
    print(table(sec, n, "secondary type (rows carrying it)") + "\n")
    lengths = df["text"].str.len()
    print("| length (characters) | value |\n|---|---:|")
    for q in (0.05, 0.25, 0.5, 0.75, 0.95):
        print(f"| {int(q * 100)}th percentile | {lengths.quantile(q):.0f} |")
    print(f"| under 12 | {(lengths < 12).mean():.1%} |\n| over 150 | {(lengths > 150).mean():.1%} |")
    print(f"\nMulti-issue rows (with a secondary type): {(df['type_secondary'] != '').mean():.1%}")
    print(f"Train / test split: {(df['split'] == 'train').sum()} / {(df['split'] == 'test').sum()}")


if __name__ == "__main__":
    main()
