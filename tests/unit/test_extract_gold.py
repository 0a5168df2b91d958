"""Checks on the hand-labelled key-fact / PII set ``tests/data/extract_gold.jsonl``.

The conventions checked here are those of ``tests/data/EXTRACT_GUIDE.md``. Run this file
directly with ``--coverage`` to print the coverage table that ends the guide::

    python tests/unit/test_extract_gold.py --coverage
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from datetime import date
from functools import cache
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
GOLD = DATA / "extract_gold.jsonl"
GUIDE = DATA / "EXTRACT_GUIDE.md"

KEYS = ["id", "split", "text", "entities", "pii", "masked"]
ENTITY_KINDS = ["order_id", "phone", "money", "date", "duration", "tracking_number", "car_plate", "email", "demand"]
PII_KINDS = ["mobile", "id_card", "bank_card", "email", "name"]
DEMANDS = ["退款", "换货", "维修", "补发", "赔偿", "道歉", "解释", "投诉处理人员"]
CURRENCIES = {"CNY", "USD", "HKD", "TWD", "MOP", "EUR", "JPY", "GBP"}
UNITS = {"second", "minute", "hour", "day", "workday", "week", "month", "year"}
DATE_VALUE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{4}-\d{2}|\d{4}|--\d{2}-\d{2}|--\d{2}|---\d{2}"
    r"|rel:[+-]?\d+[dwmy](/\d{1,2}(-\d{2})?)?|wd:[1-7]"
)
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_VALUE = re.compile(rf"[{PROVINCES}][A-Z][A-Z0-9]{{4,6}}[港澳学挂警]?")
NAME_CUES = (
    "我叫|我是|本人|姓名|名字|联系人|收件人|收货人|寄件人|收款人|持卡人|户主|户名|开户名|车主|报修人|借款人"
    "|投保人|被保险人|乘机人|入住人"
)
NAME_BEFORE = re.compile(rf"(?:{NAME_CUES})[：:\s]?$")
NAME_AFTER = ("先生", "女士", "小姐")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# Minima promised by the guide (section 5) and the issue.
MIN_ROWS = 340
MIN_MESSAGES_PER_KIND = 30
MIN_TEST_MESSAGES_PER_KIND = 18
MIN_PER_DEMAND = 8
MIN_ORDER_IDS = 40


@cache
def _rows() -> tuple[dict, ...]:
    with GOLD.open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def id_card_ok(s: str) -> bool:
    """MOD 11-2 check and a real birth date, on the 18 characters without separators."""
    c = re.sub(r"\s", "", _nfkc(s)).upper()
    if not re.fullmatch(r"\d{17}[\dX]", c):
        return False
    if ID_CHECK[sum(int(d) * w for d, w in zip(c[:17], ID_WEIGHTS)) % 11] != c[17]:
        return False
    try:
        born = date(int(c[6:10]), int(c[10:12]), int(c[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def bank_card_ok(s: str) -> bool:
    n = _nfkc(s)
    if not re.fullmatch(r"\d+(?:[ -]\d+)*", n):
        return False
    digits = re.sub(r"\D", "", n)
    return 16 <= len(digits) <= 19 and luhn_ok(digits)


def national_mobile(s: str) -> str | None:
    """The 11 national digits of a mainland mobile span, or None."""
    n = _nfkc(s)
    n = re.sub(r"^(?:\+86|0086|86)[\s-]?", "", n)
    if not re.fullmatch(r"1[\d\s-]+", n):
        return None
    digits = re.sub(r"[\s-]", "", n)
    return digits if re.fullmatch(r"1[3-9]\d{9}", digits) else None


def expected_mask(kind: str, s: str) -> str:
    """The masking rules of guide section 3.1, one ``*`` per masked character."""
    chars = list(s)
    n = _nfkc(s)
    if kind == "mobile":
        digit_pos = [i for i, c in enumerate(n) if c.isdigit()][-11:]
        hide = digit_pos[3:7]
    elif kind in ("id_card", "bank_card"):
        hide = [i for i, c in enumerate(n) if c.isalnum()][4:-4]
    elif kind == "email":
        at = s.index("@")
        hide = range(1, at) if at > 1 else range(1)
    else:  # name
        hide = range(1, len(s))
    for i in hide:
        chars[i] = "*"
    return "".join(chars)


def _check_value(e: dict) -> None:
    kind, v, span = e["kind"], e["value"], e["text"]
    if kind == "money":
        assert set(v) <= {"amount", "currency", "approx"} and isinstance(v["amount"], int | float), e
        assert v["currency"] in CURRENCIES and v.get("approx", "more") in ("more", "about"), e
    elif kind == "duration":
        assert set(v) <= {"amount", "unit", "approx", "amount_max"} and v["amount"] > 0, e
        assert v["unit"] in UNITS and v["approx"] in (None, "more", "about"), e
        assert v.get("amount_max", v["amount"]) >= v["amount"], e
    elif kind == "date":
        assert isinstance(v, str) and DATE_VALUE.fullmatch(v), e
    elif kind == "demand":
        assert v in DEMANDS, e
    elif kind in ("order_id", "tracking_number"):
        assert v == re.sub(r"\s", "", _nfkc(span)).upper() and len(v) >= 5, e
        assert re.fullmatch(r"[0-9A-Z-]+", v), e
    elif kind == "car_plate":
        assert v == re.sub(r"[·•\-\s]", "", _nfkc(span)).upper() and PLATE_VALUE.fullmatch(v), e
    elif kind == "email":
        assert v == _nfkc(span).lower() and re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", v), e
    elif kind == "phone":
        assert re.fullmatch(r"\+?\d{5,13}", v), e
        mobile = national_mobile(span)
        if mobile:
            assert v == mobile, e


def _messages_by_kind(rows) -> dict[str, Counter]:
    """Per kind (entity kinds, ``pii:<kind>``, ``demand:<value>``), messages per split."""
    table: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        kinds = {e["kind"] for e in r["entities"]}
        kinds |= {f"pii:{p['kind']}" for p in r["pii"]}
        kinds |= {f"demand:{e['value']}" for e in r["entities"] if e["kind"] == "demand"}
        if not kinds:
            kinds = {"(no entity)"}
        for k in kinds:
            table[k][r["split"]] += 1
    return table


def coverage_table(rows=None) -> str:
    """The Markdown coverage table of guide section 5."""
    rows = _rows() if rows is None else rows
    table = _messages_by_kind(rows)
    spans: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        for e in r["entities"]:
            spans[e["kind"]][r["split"]] += 1
        for p in r["pii"]:
            spans[f"pii:{p['kind']}"][r["split"]] += 1
    order = ENTITY_KINDS + [f"demand:{d}" for d in DEMANDS] + [f"pii:{k}" for k in PII_KINDS] + ["(no entity)"]
    split_rows = Counter(r["split"] for r in rows)
    lines = [
        "| kind | messages dev | messages test | messages all | spans dev | spans test |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for k in order:
        m, s = table[k], spans.get(k, Counter())
        span_cells = f"{s['dev']} | {s['test']}" if k in spans else "– | –"
        lines.append(f"| `{k}` | {m['dev']} | {m['test']} | {m['dev'] + m['test']} | {span_cells} |")
    lines.append(f"| **rows** | {split_rows['dev']} | {split_rows['test']} | {len(rows)} | | |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- tests


def test_rows_parse_with_the_guide_keys():
    rows = _rows()
    assert len(rows) >= MIN_ROWS
    for i, r in enumerate(rows, start=1):
        assert list(r) == KEYS, r["id"]
        assert r["id"] == f"g{i:04d}"
        assert r["split"] in ("dev", "test")
        assert isinstance(r["text"], str) and r["text"].strip() == r["text"] != ""


def test_texts_are_unique():
    counts = Counter(r["text"] for r in _rows())
    assert [t for t, n in counts.items() if n > 1] == []


def test_split_is_about_forty_sixty():
    share = sum(r["split"] == "dev" for r in _rows()) / len(_rows())
    assert 0.35 <= share <= 0.45


def test_offsets_match_the_text():
    for r in _rows():
        for span in r["entities"] + r["pii"]:
            assert 0 <= span["start"] < span["end"] <= len(r["text"]), (r["id"], span)
            assert r["text"][span["start"] : span["end"]] == span["text"], (r["id"], span)
            assert span["text"] == span["text"].strip(), (r["id"], span)
        for key in ("entities", "pii"):
            starts = [s["start"] for s in r[key]]
            assert starts == sorted(starts), (r["id"], key)


def test_kinds_and_values_follow_the_guide():
    for r in _rows():
        for e in r["entities"]:
            assert list(e) == ["kind", "start", "end", "text", "value"], r["id"]
            assert e["kind"] in ENTITY_KINDS, (r["id"], e)
            _check_value(e)
        for p in r["pii"]:
            assert list(p) == ["kind", "start", "end", "text"], r["id"]
            assert p["kind"] in PII_KINDS, (r["id"], p)


def test_non_demand_entities_do_not_overlap():
    for r in _rows():
        spans = sorted((e["start"], e["end"]) for e in r["entities"] if e["kind"] != "demand")
        for (_, end), (start, _) in zip(spans, spans[1:]):
            assert end <= start, r["id"]


def test_pii_spans_are_valid():
    for r in _rows():
        text = r["text"]
        for p in r["pii"]:
            kind, span = p["kind"], p["text"]
            if kind == "mobile":
                assert national_mobile(span), (r["id"], p)
            elif kind == "id_card":
                assert id_card_ok(span), (r["id"], p)
            elif kind == "bank_card":
                assert bank_card_ok(span), (r["id"], p)
            elif kind == "email":
                assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]+", span), (r["id"], p)
            elif kind == "name":
                assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", span), (r["id"], p)
                before, after = text[: p["start"]], text[p["end"] :]
                assert NAME_BEFORE.search(before) or after.startswith(NAME_AFTER), (r["id"], p)


def test_mobiles_and_emails_are_entities_with_the_same_span():
    for r in _rows():
        ents = {(e["kind"], e["start"], e["end"]) for e in r["entities"]}
        pii = {(p["kind"], p["start"], p["end"]) for p in r["pii"]}
        for kind, start, end in pii:
            if kind == "mobile":
                assert ("phone", start, end) in ents, r["id"]
            if kind == "email":
                assert ("email", start, end) in ents, r["id"]
        for kind, start, end in ents:
            if kind == "email":
                assert ("email", start, end) in pii, r["id"]
            if kind == "phone" and national_mobile(r["text"][start:end]):
                assert ("mobile", start, end) in pii, r["id"]


def test_identifiers_are_never_pii():
    for r in _rows():
        masked_chars = {i for p in r["pii"] for i in range(p["start"], p["end"])}
        for e in r["entities"]:
            if e["kind"] in ("order_id", "tracking_number", "money", "date", "car_plate"):
                assert not masked_chars & set(range(e["start"], e["end"])), (r["id"], e)


def test_masked_text_follows_the_masking_rules():
    for r in _rows():
        text, masked = r["text"], r["masked"]
        assert len(masked) == len(text), r["id"]
        expected = list(text)
        for p in r["pii"]:
            expected[p["start"] : p["end"]] = expected_mask(p["kind"], p["text"])
        assert masked == "".join(expected), r["id"]
        inside = {i for p in r["pii"] for i in range(p["start"], p["end"])}
        changed = {i for i, (a, b) in enumerate(zip(text, masked)) if a != b}
        assert changed <= inside, r["id"]
        for p in r["pii"]:
            assert masked[p["start"] : p["end"]] != p["text"], (r["id"], p)


def test_hard_negatives_are_present():
    luhn_orders = mod11_orders = short_orders = failing_lookalikes = 0
    for r in _rows():
        for e in r["entities"]:
            if e["kind"] not in ("order_id", "tracking_number"):
                continue
            v = e["value"]
            if v.isdigit() and 16 <= len(v) <= 19 and luhn_ok(v):
                luhn_orders += 1
            if len(v) == 18 and id_card_ok(v):
                mod11_orders += 1
            if e["kind"] == "order_id" and re.fullmatch(r"1\d{10}", v):
                short_orders += 1
        covered = {i for s in r["entities"] + r["pii"] for i in range(s["start"], s["end"])}
        for m in re.finditer(r"(?<![\d*])\d{17}[\dXx](?![\d*])|(?<![\d* ])\d{4}(?: \d{4}){3}(?![\d*])", r["text"]):
            if not covered & set(range(m.start(), m.end())):
                assert not (id_card_ok(m.group()) or bank_card_ok(m.group())), (r["id"], m.group())
                failing_lookalikes += 1
    assert luhn_orders >= 5 and mod11_orders >= 5 and short_orders >= 5 and failing_lookalikes >= 4


def test_coverage_minima():
    rows = _rows()
    table = _messages_by_kind(rows)
    for kind in ENTITY_KINDS + [f"pii:{k}" for k in PII_KINDS]:
        counts = table[kind]
        assert counts["dev"] + counts["test"] >= MIN_MESSAGES_PER_KIND, (kind, counts)
        assert counts["test"] >= MIN_TEST_MESSAGES_PER_KIND, (kind, counts)
    for demand in DEMANDS:
        assert sum(table[f"demand:{demand}"].values()) >= MIN_PER_DEMAND, demand
    assert sum(e["kind"] == "order_id" for r in rows for e in r["entities"]) >= MIN_ORDER_IDS
    empty = sum(1 for r in rows if not r["entities"] and not r["pii"]) / len(rows)
    assert 0.10 <= empty <= 0.20


def test_guide_shows_the_current_coverage_table():
    assert coverage_table() in GUIDE.read_text(encoding="utf-8"), (
        "the coverage table in EXTRACT_GUIDE.md is stale: run `python tests/unit/test_extract_gold.py --coverage` "
        "and paste its output into section 5"
    )


def test_guide_examples_are_not_test_rows():
    guide = GUIDE.read_text(encoding="utf-8")
    leaked = [r["id"] for r in _rows() if r["split"] == "test" and r["text"] in guide]
    assert leaked == []


@pytest.mark.parametrize(
    "checker, good, bad",
    [
        (id_card_ok, "11010519491231002X", "110105194912310021"),
        (bank_card_ok, "4111 1111 1111 1111", "4111 1111 1111 1112"),
        (national_mobile, "+86 138-1234-5678", "12812345678"),
    ],
)
def test_validators_tell_valid_from_invalid(checker, good, bad):
    assert checker(good)
    assert not checker(bad)


if __name__ == "__main__":
    if sys.argv[1:] == ["--coverage"]:
        print(coverage_table())
    else:
        sys.exit("usage: python tests/unit/test_extract_gold.py --coverage")
