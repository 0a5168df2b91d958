"""The bundled model through the public API."""

import json
import math

import numpy as np
import pandas as pd
import pytest

import triage
from triage.labels import EMOTIONS, HIGH_FLAGS, MODEL_FLAGS, TYPES, URGENCIES

# Labels we are sure of: each message states its type, emotion and urgency plainly.
GOLDEN = [
    ("快递一个礼拜还没到，物流一直不更新", "timeliness"),
    ("客服态度极差，说两句就不耐烦直接挂我电话", "attitude"),
    ("买的是黑色发来的是白色，发错货了", "accuracy"),
    ("刚买三天的洗衣机就漏水，质量太差了", "product"),
    ("拆封了就不给退，这是什么霸王条款", "policy"),
]


@pytest.mark.parametrize("text, expected", GOLDEN)
def test_golden_types(model, text, expected):
    r = model.predict_one(text)
    assert r.is_complaint
    assert r.type == expected


def test_high_urgency_carries_a_reason(model):
    r = model.predict_one("热水器漏电，孩子洗澡被电到了，已经报警")
    assert r.urgency == "high"
    assert set(r.flags) & set(HIGH_FLAGS)
    assert "safety" in r.flags


def test_non_complaint_question(model):
    r = model.predict_one("请问你们周末营业吗？几点开门")
    assert not r.is_complaint
    assert r.type == "none" and r.urgency == "low" and r.flags == ()


def test_result_shape_and_json(model):
    r = model.predict_one("快递一个礼拜还没到，客服电话也打不通！！")
    d = json.loads(json.dumps(r.to_dict(), ensure_ascii=False))
    assert d["type"] in TYPES
    assert d["emotion"] in EMOTIONS and d["urgency"] in URGENCIES
    assert set(d["flags"]) <= set(MODEL_FLAGS)
    for head in ("type", "emotion", "urgency"):
        assert math.isclose(sum(r.probabilities[head].values()), 1.0, abs_tol=1e-6)
    assert set(r.probabilities["type"]) == set(TYPES)
    assert isinstance(r.secondary_types, tuple) and r.type not in r.secondary_types


def test_predict_refuses_bare_string(model):
    with pytest.raises(TypeError, match="single str"):
        model.predict("快递没到")


@pytest.mark.parametrize("bad, match", [(None, "got None"), (b"x", "decode it first"), (3, "got int"), (float("nan"), "NaN")])
def test_predict_one_names_bad_input(model, bad, match):
    with pytest.raises(TypeError, match=match):
        model.predict_one(bad)


@pytest.mark.parametrize("text, note", [("", "empty_text"), ("   \n", "empty_text"), ("my parcel is late", "no_chinese")])
def test_defined_results_for_empty_and_non_chinese(model, text, note):
    r = model.predict_one(text)
    assert note in r.notes
    if note == "empty_text":
        assert not r.is_complaint and r.type == "none" and r.urgency == "low"


def test_long_text_is_truncated_and_says_so(model):
    r = model.predict_one("快递没到" * 2000)
    assert "truncated" in r.notes


def test_batch_equals_single_calls(model):
    from triage.datasets import load_complaints

    texts = load_complaints("test")["text"].head(200).tolist()
    assert [r.to_dict() for r in model.predict(texts)] == [model.predict_one(t).to_dict() for t in texts]


def test_predict_frame_keeps_rows_and_marks_errors(model):
    df = pd.DataFrame({"id": [1, 2, 3, 4, 5], "text": ["饭菜是凉的", None, "", 42, "退款还没到"], "x": list("abcde")})
    out = model.predict_frame(df)
    assert len(out) == 5 and out["id"].tolist() == [1, 2, 3, 4, 5] and out["x"].tolist() == list("abcde")
    assert out["error"].tolist() == ["", "missing text", "empty text", "not text: int", ""]
    assert out.loc[1, "type"] == "none" and not out.loc[1, "is_complaint"]
    assert out.loc[0, "type"] in TYPES
    assert set(triage.RESULT_COLUMNS) <= set(out.columns)


def test_predict_frame_missing_column(model):
    with pytest.raises(triage.InputFormatError, match="no column 'body'"):
        model.predict_frame(pd.DataFrame({"text": ["a"]}), text_col="body")


def test_explain(model):
    ex = model.explain("骑手态度恶劣还骂人")
    assert set(ex) >= {"type", "emotion", "urgency"}
    names = [f for f, _ in ex["type"]]
    assert names and all(f.startswith(("w:", "c:", "cue:")) for f in names)
    assert all(w > 0 for _, w in ex["type"])


def test_manifest(model):
    m = model.manifest
    assert m["format_version"] == 1
    assert m["engine"] in ("rjieba", "jieba")
    assert {"triage", "scikit-learn", "jieba", "rjieba"} <= set(m["versions"])
    assert set(m["labels"]["type"]) == set(TYPES)
    assert len(m["training_data"]["sha256"]) == 64
    assert "corpus test split" in m["metrics"]


def test_probabilities_are_calibrated_on_corpus_test_split(model):
    m = model.manifest["metrics"]["corpus test split"]
    for head in ("type", "emotion", "urgency"):
        assert m[head]["ece"] < 0.1, (head, m[head]["ece"])


def test_save_load_round_trip(model, tmp_path):
    model.save(tmp_path / "m")
    back = triage.load(tmp_path / "m")
    texts = ["快递没到", "态度差", "假货！！！"]
    assert [r.to_dict() for r in back.predict(texts)] == [r.to_dict() for r in model.predict(texts)]
    assert (tmp_path / "m" / "MODEL_CARD.md").read_text(encoding="utf-8").startswith("# Model card")


def test_load_errors(model, tmp_path):
    with pytest.raises(triage.ModelLoadError, match="does not exist"):
        triage.load(tmp_path / "nope")
    model.save(tmp_path / "m")
    payload = tmp_path / "m" / "model.joblib"
    payload.write_bytes(payload.read_bytes()[:1000])
    with pytest.raises(triage.ModelIntegrityError, match="SHA-256"):
        triage.load(tmp_path / "m")
    model.save(tmp_path / "n")
    mf = tmp_path / "n" / "manifest.json"
    data = json.loads(mf.read_text())
    data["format_version"] = 99
    mf.write_text(json.dumps(data))
    with pytest.raises(triage.ModelVersionError, match="format version 99"):
        triage.load(tmp_path / "n")


def test_skops_safe_format(model, tmp_path):
    pytest.importorskip("skops", reason="skops is a dev extra: pip install -e '.[dev]'")
    model.save(tmp_path / "s", format="skops")
    with pytest.raises(triage.UntrustedModelError, match="not trusted"):
        triage.load(tmp_path / "s")
    back = triage.load(tmp_path / "s", trusted=True)
    assert back.predict_one("快递没到").to_dict() == model.predict_one("快递没到").to_dict()


def test_thread_safety(model):
    from concurrent.futures import ThreadPoolExecutor

    from triage.datasets import load_complaints

    texts = load_complaints("test")["text"].head(400).tolist() * 3
    serial = [model.predict_one(t).to_dict() for t in texts]
    with ThreadPoolExecutor(16) as pool:
        threaded = list(pool.map(lambda t: model.predict_one(t).to_dict(), texts))
    assert threaded == serial


def test_model_size_under_limit():
    from triage.models import default_model_path

    size = sum(p.stat().st_size for p in default_model_path().iterdir())
    assert size < 20 * 1024 * 1024


def test_probabilities_finite(model):
    r = model.predict_one("😡😡😡！！！")
    assert all(np.isfinite(v) for p in r.probabilities.values() for v in p.values())
