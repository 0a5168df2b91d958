"""extract and mask_pii on bad and odd input (issue #6), and `triage label --mask-pii` end to end (issue #5)."""

import json
import time

import pandas as pd
import pytest

import triage
from triage import extract, mask_pii

BAD_ITEMS = [None, float("nan"), 3, 2.5, b"\xe5\xbf\xab", bytearray(b"x"), ["快递"], ("快递",), {"text": "x"}]
ODD_TEXTS = {
    "empty": "",
    "whitespace": " \t\n ",
    "emoji only": "😡😡😡🙄🙄",
    "punctuation only": "！！！？？？。。。",
    "english": "My parcel never arrived, call me on +86 138 1234 5678 or mail jo@example.com. Please refund $45.",
    "japanese": "荷物がまだ届きません。注文番号は 2026031188 です。サポートに電話しても繋がらない",
    "korean": "택배가 아직 안 왔어요. 010-1234-5678로 연락 주세요",
    "mixed scripts": "快递delay了3天, 客服說no refund 😡, 订单号AB2026031188",
    "control and zero-width": "订\x00单号2026\u200b031188，电话138\u200d1234\ufeff5678，退\x1b款",
    "unpaired surrogate": "退款\ud800还没到，电话13812345678\udfff",
    "html": "<div class='x'><b>退款</b>&nbsp;还没到，订单号<span>2026031188</span><script>alert(1)</script></div>",
    "json": '{"order": "2026031188", "msg": "退款还没到，已经三天了", "phone": "13812345678", "n": [1, 2, 3]}',
    "traditional": "我嘅包裹寄咗一個禮拜都未到，訂單編號２０２６０３１１８８，電話１３８１２３４５６７８，我要退款",
}


@pytest.mark.parametrize("fn", [extract, mask_pii])
@pytest.mark.parametrize("bad", BAD_ITEMS, ids=repr)
def test_non_text_raises_a_type_error_naming_the_type(fn, bad):
    with pytest.raises(TypeError, match=f"expects one message as a str, got {type(bad).__name__}"):
        fn(bad)


def test_type_errors_say_what_to_do():
    with pytest.raises(TypeError, match="decode bytes first"):
        extract(b"abc")
    with pytest.raises(TypeError, match="once per message"):
        extract(["a", "b"])


@pytest.mark.parametrize("name", list(ODD_TEXTS))
def test_odd_texts_give_defined_results(name):
    text = ODD_TEXTS[name]
    ents = extract(text)
    for e in ents:
        assert text[e.start : e.end] == e.text
        json.dumps(e.to_dict())
    masked = mask_pii(text)
    assert len(masked) == len(text) and mask_pii(masked) == masked
    kinds = {e.kind for e in ents}
    if name in ("empty", "whitespace", "emoji only", "punctuation only"):
        assert ents == [] and masked == text
    if name == "english":
        assert {"phone", "email", "money", "demand"} <= kinds
        assert "138 **** 5678" in masked and "j*@example.com" in masked
    if name == "korean":
        assert "phone" not in kinds or all(e.value != "13812345678" for e in ents)  # 010 is not a mainland mobile
    if name in ("control and zero-width", "json", "traditional", "html"):
        assert "order_id" in kinds and next(e.value for e in ents if e.kind == "order_id") == "2026031188"
    if name in ("control and zero-width", "unpaired surrogate", "json", "traditional"):
        assert next(e.value for e in ents if e.kind == "phone") == "13812345678"
        assert masked != text
    if name == "traditional":
        assert {"duration", "demand"} <= kinds


def test_one_megabyte_string_is_quick_and_documented():
    text = "快递没到，订单号2026031188，电话13812345678，退款300元。" * 25_000  # about 1 MB
    t0 = time.perf_counter()
    ents = extract(text)
    assert time.perf_counter() - t0 < 2.0  # scans DEFAULT_MAX_CHARS characters only
    assert ents and max(e.end for e in ents) <= 10_000
    t0 = time.perf_counter()
    masked = mask_pii(text)  # masks the whole text
    assert time.perf_counter() - t0 < 30.0  # linear time; generous for a loaded CI machine
    assert "13812345678" not in masked and masked.count("138****5678") == 25_000


def test_labelled_file_with_masked_text(tmp_path):
    from triage.cli import main

    src = tmp_path / "in.csv"
    rows = [
        {"id": 1, "text": "订单号13812345678还没到，我的手机13987654321，收件人王建国"},
        {"id": 2, "text": "身份证11010519491231002X被冒用了，气死了，要求赔偿"},
        {"id": 3, "text": ""},
        {"id": 4, "text": "快递一个礼拜还没到"},
    ]
    pd.DataFrame(rows).to_csv(src, index=False)
    plain, masked = tmp_path / "plain.csv", tmp_path / "masked.csv"
    assert main(["label", str(src), "-o", str(plain), "--quiet"]) == 0
    assert main(["label", str(src), "-o", str(masked), "--quiet", "--mask-pii"]) == 0
    a = pd.read_csv(plain, dtype=str, keep_default_na=False)
    b = pd.read_csv(masked, dtype=str, keep_default_na=False)
    assert b["text"].tolist() == [
        "订单号13812345678还没到，我的手机139****4321，收件人王**",
        "身份证1101**********002X被冒用了，气死了，要求赔偿",
        "",
        "快递一个礼拜还没到",
    ]
    # predictions are made on the original text: every other column is identical
    assert a.drop(columns="text").equals(b.drop(columns="text"))
    assert a["text"].tolist() == [r["text"] for r in rows]


def test_label_file_mask_pii_with_workers_matches_one_process(tmp_path):
    src = tmp_path / "in.jsonl"
    texts = ["我的手机13812345678", "卡号6222 0212 3456 7894", "邮箱zhangsan@qq.com", None]
    src.write_text("\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in texts) + "\n", encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    triage.label_file(src, one, mask_pii=True, chunk_size=2, progress=False)
    triage.label_file(src, two, mask_pii=True, chunk_size=2, jobs=2, progress=False)
    assert one.read_bytes() == two.read_bytes()
    out = [json.loads(line)["text"] for line in one.read_text(encoding="utf-8").splitlines()]
    assert out == ["我的手机138****5678", "卡号6222 **** **** 7894", "邮箱z*******@qq.com", None]


def test_resume_refuses_a_job_started_without_masking(tmp_path):
    from triage.exceptions import InputFormatError

    src = tmp_path / "in.csv"
    pd.DataFrame({"text": ["电话13812345678"] * 4}).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    parts = tmp_path / ".out.csv.parts"
    parts.mkdir()
    job = {"input": str(src.resolve()), "input_size": src.stat().st_size, "input_mtime_ns": src.stat().st_mtime_ns,
           "chunk_size": 2, "text_col": "text", "in_format": "csv", "out_format": "csv", "model": "bundled"}
    (parts / "job.json").write_text(json.dumps(job), encoding="utf-8")
    with pytest.raises(InputFormatError, match="mask_pii"):
        triage.label_file(src, out, chunk_size=2, resume=True, mask_pii=True, progress=False)


def test_dask_label_masks_the_text_column(model):
    pytest.importorskip("dask.dataframe", reason="Dask is optional: pip install 'complaint-triage[dask]'")
    import dask
    import dask.dataframe as dd

    import triage.dask

    df = pd.DataFrame({"text": ["我的手机13812345678", "订单号13812345678没到", "快递丢了"], "k": [1, 2, 3]})
    with dask.config.set(scheduler="synchronous"):
        got = triage.dask.label(dd.from_pandas(df, npartitions=2), model=model, mask_pii=True).compute()
    assert got["text"].tolist() == ["我的手机138****5678", "订单号13812345678没到", "快递丢了"]
    expected = model.predict_frame(df)  # labels come from the original text
    assert got["type"].tolist() == expected["type"].tolist()
