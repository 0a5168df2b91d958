"""Schema and quality gates for the bundled complaint corpus.

The corpus writers run this module directly on a batch file (with the package
installed, e.g. ``pip install -e .``)::

    python triage/datasets/_quality.py datasets/batches/telecom.tsv

A batch file is tab-separated, one row per line, no header, with the columns of
:data:`BATCH_COLUMNS` (``id`` is assigned when batches are merged).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from triage.labels import EMOTIONS, FLAGS, HIGH_FLAGS, TYPES, URGENCIES

DOMAINS = (
    "ecommerce",
    "food_delivery",
    "logistics",
    "telecom",
    "banking",
    "insurance",
    "travel",
    "hotel",
    "automotive",
    "electronics",
    "internet",
    "utilities",
    "property",
    "education",
    "healthcare",
    "public_service",
)
CHANNELS = ("phone", "email", "social", "letter", "chat", "app", "review")
SCRIPTS = ("simplified", "traditional")

BATCH_COLUMNS = (
    "text",
    "is_complaint",
    "type",
    "type_secondary",
    "emotion",
    "urgency",
    "flags",
    "domain",
    "channel",
    "script",
)
CORPUS_COLUMNS = ("id",) + BATCH_COLUMNS


def _split(value: str) -> list[str]:
    return [v for v in (value or "").split(";") if v]


def row_errors(row: Mapping[str, str]) -> list[str]:
    """Return the schema problems of one corpus row (empty when it is valid)."""
    errs = []
    text = row.get("text") or ""
    if not text.strip():
        errs.append("empty text")
    if "\t" in text or "\n" in text:
        errs.append("tab or newline inside text")
    isc = row.get("is_complaint")
    if isc not in ("0", "1"):
        errs.append(f"is_complaint must be 0 or 1, got {isc!r}")
    typ = row.get("type")
    if isc == "0" and typ != "none":
        errs.append(f"non-complaint must have type 'none', got {typ!r}")
    if isc == "1" and typ not in TYPES:
        errs.append(f"type must be one of {TYPES}, got {typ!r}")
    sec = _split(row.get("type_secondary", ""))
    if len(sec) > 2 or len(set(sec)) != len(sec):
        errs.append(f"type_secondary takes 0-2 distinct types, got {sec}")
    if any(s not in TYPES or s == typ for s in sec):
        errs.append(f"type_secondary {sec} must be types other than the primary {typ!r}")
    if isc == "0" and sec:
        errs.append("non-complaint must have no type_secondary")
    if row.get("emotion") not in EMOTIONS:
        errs.append(f"emotion must be one of {EMOTIONS}, got {row.get('emotion')!r}")
    urg = row.get("urgency")
    if urg not in URGENCIES:
        errs.append(f"urgency must be one of {URGENCIES}, got {urg!r}")
    flags = _split(row.get("flags", ""))
    bad = [f for f in flags if f not in FLAGS]
    if bad:
        errs.append(f"unknown flags {bad}")
    if len(set(flags)) != len(flags):
        errs.append("repeated flag")
    if urg == "low" and flags:
        errs.append("flags only on medium/high rows")
    if urg == "medium" and not flags:
        errs.append("a medium row needs at least one flag")
    if urg == "high" and not set(flags) & set(HIGH_FLAGS):
        errs.append(f"a high row needs one of {HIGH_FLAGS}")
    if isc == "0" and (urg != "low" or flags):
        errs.append("non-complaint must be urgency low with no flags")
    if row.get("domain") not in DOMAINS:
        errs.append(f"domain must be one of {DOMAINS}, got {row.get('domain')!r}")
    if row.get("channel") not in CHANNELS:
        errs.append(f"channel must be one of {CHANNELS}, got {row.get('channel')!r}")
    if row.get("script") not in SCRIPTS:
        errs.append(f"script must be one of {SCRIPTS}, got {row.get('script')!r}")
    return errs


def char_ngrams(text: str, n: int = 5) -> set[str]:
    t = "".join(text.split())
    if len(t) <= n:
        return {t}
    return {t[i : i + n] for i in range(len(t) - n + 1)}


def near_duplicates(texts: Sequence[str], threshold: float = 0.5, n: int = 5) -> list[tuple[int, int, float]]:
    """Pairs of rows whose character n-gram Jaccard similarity is >= threshold.

    Uses an inverted index over n-grams, so it is fast on tens of thousands of rows.
    """
    grams = [char_ngrams(t, n) for t in texts]
    index: dict[str, list[int]] = {}
    for i, g in enumerate(grams):
        for gram in g:
            index.setdefault(gram, []).append(i)
    pairs = []
    for i, g in enumerate(grams):
        shared: Counter[int] = Counter()
        for gram in g:
            for j in index[gram]:
                if j > i:
                    shared[j] += 1
        for j, inter in shared.items():
            union = len(g) + len(grams[j]) - inter
            sim = inter / union if union else 1.0
            if sim >= threshold:
                pairs.append((i, j, sim))
    return pairs


def shared_prefixes(texts: Sequence[str], k: int = 8) -> dict[str, list[int]]:
    """Groups of rows (by index) that share their first ``k`` characters."""
    groups: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        groups.setdefault(t[:k], []).append(i)
    return {p: ix for p, ix in groups.items() if len(ix) > 1}


def summary(rows: Sequence[Mapping[str, str]]) -> dict[str, object]:
    """Label and length distributions used by the datasheet and the gates."""
    n = len(rows)
    lengths = sorted(len(r["text"]) for r in rows)
    flags: Counter[str] = Counter()
    for r in rows:
        flags.update(_split(r["flags"]))
    return {
        "rows": n,
        "type": Counter(r["type"] for r in rows),
        "emotion": Counter(r["emotion"] for r in rows),
        "urgency": Counter(r["urgency"] for r in rows),
        "flags": flags,
        "domain": Counter(r["domain"] for r in rows),
        "channel": Counter(r["channel"] for r in rows),
        "script": Counter(r["script"] for r in rows),
        "non_complaint_share": sum(r["is_complaint"] == "0" for r in rows) / max(n, 1),
        "median_length": lengths[n // 2] if n else 0,
        "share_over_150": sum(x > 150 for x in lengths) / max(n, 1),
        "share_under_12": sum(x < 12 for x in lengths) / max(n, 1),
    }


def read_batch(lines: Iterable[str]) -> tuple[list[dict[str, str]], list[str]]:
    rows, errors = [], []
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\n").rstrip("\r")
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != len(BATCH_COLUMNS):
            errors.append(f"line {lineno}: expected {len(BATCH_COLUMNS)} tab-separated fields, got {len(parts)}")
            continue
        row = dict(zip(BATCH_COLUMNS, (p.strip() for p in parts)))
        for e in row_errors(row):
            errors.append(f"line {lineno}: {e}")
        rows.append(row)
    return rows, errors


def _main(paths: list[str]) -> int:
    rows: list[dict[str, str]] = []
    status = 0
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            r, errs = read_batch(fh)
        for e in errs:
            print(f"{p}: {e}")
        status |= bool(errs)
        rows.extend(r)
    texts = [r["text"] for r in rows]
    dup_texts = [t for t, c in Counter(texts).items() if c > 1]
    for t in dup_texts:
        print(f"duplicate text: {t}")
    pairs = near_duplicates(texts)
    in_pairs = {i for p in pairs for i in p[:2]}
    for i, j, s in pairs[:40]:
        print(f"near duplicate ({s:.2f}):\n   {texts[i]}\n   {texts[j]}")
    prefixes = shared_prefixes(texts)
    n_prefix = sum(len(v) for v in prefixes.values())
    for p, ix in list(prefixes.items())[:40]:
        print(f"{len(ix)} rows start with {p!r}")
    s = summary(rows)
    print()
    for k, v in s.items():
        print(f"{k}: {dict(v) if isinstance(v, Counter) else (round(v, 3) if isinstance(v, float) else v)}")
    print(f"rows in a near-duplicate pair: {len(in_pairs)} ({len(in_pairs) / max(len(rows), 1):.1%}, gate < 1%)")
    print(f"rows sharing first 8 chars: {n_prefix} ({n_prefix / max(len(rows), 1):.1%}, gate <= 2%)")
    return status


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
