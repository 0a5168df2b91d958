"""Guarantees of the README: bad input, properties on arbitrary text, processes, determinism, safe files."""

import json
import math
import multiprocessing as mp
import os
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import triage
from triage.labels import EMOTIONS, MODEL_FLAGS, TYPES, URGENCIES

BAD_ITEMS = [None, float("nan"), 3, 2.5, b"\xe5\xbf\xab", ["快递"], {"text": "x"}]
ODD_TEXTS = {
    "empty": "",
    "whitespace": " \t\n ",
    "one megabyte": "快递没到" * 262_144,
    "emoji only": "😡😡😡🙄🙄",
    "punctuation only": "！！！？？？。。。",
    "english": "My parcel never arrived and support hung up on me",
    "japanese": "荷物がまだ届きません。サポートに電話しても繋がらない",
    "korean": "택배가 아직 안 왔어요. 고객센터 연결이 안 됩니다",
    "mixed scripts": "快递delay了3天, 客服說no refund 😡",
    "control and zero-width": "退\x00款\u200b还\x1b没\u200d到\ufeff",
    "unpaired surrogate": "退款\ud800还没到",
    "html": "<div class='x'><b>退款</b>&nbsp;还没到<script>alert(1)</script></div>",
    "json": '{"order": "123", "msg": "退款还没到", "n": [1, 2, 3]}',
    "traditional": "我嘅包裹寄咗一個禮拜都未到，客服又唔聽電話，真係好離譜",
}


def check_result(r):
    assert r.type in (*TYPES, "none")
    assert r.emotion in EMOTIONS and r.urgency in URGENCIES
    assert set(r.flags) <= set(MODEL_FLAGS)
    for head in ("type", "emotion", "urgency"):
        assert math.isclose(sum(r.probabilities[head].values()), 1.0, abs_tol=1e-6)
    json.dumps(r.to_dict())


@pytest.mark.parametrize("bad", BAD_ITEMS, ids=repr)
def test_predict_one_bad_items_raise_type_error(model, bad):
    with pytest.raises(TypeError, match="predict_one expects str"):
        model.predict_one(bad)


@pytest.mark.parametrize("bad", BAD_ITEMS, ids=repr)
def test_predict_bad_items_raise_type_error(model, bad):
    with pytest.raises(TypeError, match="document 1 is"):
        model.predict(["快递没到", bad])


@pytest.mark.parametrize("name", list(ODD_TEXTS))
def test_odd_texts_give_defined_results(model, name):
    r = model.predict_one(ODD_TEXTS[name])
    check_result(r)
    if name in ("empty", "whitespace"):
        assert r.notes == ("empty_text",) and not r.is_complaint
    if name == "one megabyte":
        assert "truncated" in r.notes
    if name in ("english", "korean", "emoji only", "punctuation only"):
        assert "no_chinese" in r.notes


def test_batch_marks_every_bad_row_and_keeps_order(model):
    values = list(ODD_TEXTS.values()) + BAD_ITEMS
    df = pd.DataFrame({"text": pd.Series(values, dtype=object), "k": range(len(values))})
    out = model.predict_frame(df)
    assert out["k"].tolist() == list(range(len(values)))
    errors = dict(zip(out["k"], out["error"]))
    n_odd = len(ODD_TEXTS)
    assert errors[0] == "empty text" and errors[1] == "empty text"
    assert all(errors[i] == "" for i in range(2, n_odd))
    assert all(errors[i] for i in range(n_odd, len(values)))


def test_label_cli_marks_bad_rows(tmp_path):
    from triage.cli import main

    src = tmp_path / "in.jsonl"
    # (an unpaired surrogate cannot be stored in a UTF-8 file, so it is not in this one)
    rows = [{"text": t} for k, t in ODD_TEXTS.items() if k != "unpaired surrogate"]
    rows += [{"text": None}, {"text": 5}, {"other": 1}]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert main(["label", str(src), "-o", str(tmp_path / "out.csv"), "--quiet"]) == 0
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert len(out) == len(rows)
    assert out["error"].iloc[-3:].tolist() == ["missing text", "not text: int", "missing text"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_properties_on_arbitrary_unicode(model, text):
    r = model.predict_one(text)
    check_result(r)
    assert model.predict_one(text).to_dict() == r.to_dict()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_extract_like_paths_never_crash(model, text):
    ex = model.explain(text)
    assert set(ex) >= {"type", "emotion", "urgency"}


def _spawn_worker(path, texts, q):
    m = triage.load(path) if path else triage.load()
    q.put([r.to_dict() for r in m.predict(texts)])


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_model_in_other_processes(model, method):
    texts = ["快递一个礼拜还没到", "客服态度恶劣", "請問點樣退款"]
    model.predict_one("预热")  # the tokenizer exists before fork
    ctx = mp.get_context(method)
    q = ctx.Queue()
    procs = [ctx.Process(target=_spawn_worker, args=(None, texts, q)) for _ in range(2)]  # two loads at once
    for p in procs:
        p.start()
    results = [q.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(60)
    expected = [r.to_dict() for r in model.predict(texts)]
    assert results == [expected, expected]


def test_pickled_model_round_trips(model):
    back = pickle.loads(pickle.dumps(model))
    assert back.predict_one("退款还没到").to_dict() == model.predict_one("退款还没到").to_dict()


def test_to_dict_bytes_identical_across_processes(model):
    code = "import json, triage; print(json.dumps(triage.load().predict_one('快递丢了谁负责？！').to_dict(), ensure_ascii=False, sort_keys=True))"
    a = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    b = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    here = json.dumps(model.predict_one("快递丢了谁负责？！").to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
    assert a == b == here


class _Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_malicious_payload_refused_by_the_safe_path(model, tmp_path):
    sio = pytest.importorskip("skops.io", reason="skops is a dev extra: pip install -e '.[dev]'")
    import hashlib

    model.save(tmp_path / "m", format="skops")
    # an attacker swaps in a payload that calls os.system, and fixes the hash in the manifest
    evil = tmp_path / "m" / "model.skops"
    sio.dump({"run": os.system}, evil)
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    manifest["payload_sha256"] = hashlib.sha256(evil.read_bytes()).hexdigest()
    (tmp_path / "m" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(triage.UntrustedModelError, match="system"):
        triage.load(tmp_path / "m", trusted=True)


def test_joblib_pickle_would_run_code_documented(tmp_path):
    # the reason the README tells users to load joblib models only from trusted sources
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps(_Boom()))
    import joblib

    assert joblib.load(path) == 0  # os.system ran: never load untrusted pickles


def test_load_on_read_only_tree_writes_nothing(tmp_path):
    # import and load the bundled model with HOME and TMPDIR on read-only dirs: nothing is written
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o555)
    env = {**os.environ, "HOME": str(ro), "TMPDIR": str(ro), "TRIAGE_CACHE_DIR": str(ro / "cache")}
    code = "import triage; m = triage.load(); print(m.predict_one('快递没到').type)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() in TYPES
    assert list(ro.iterdir()) == []


def test_no_writes_at_import(tmp_path):
    before = set(os.listdir(tmp_path))
    env = {**os.environ, "HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", "import triage, triage.features, triage.models"], check=True, env=env)
    assert set(os.listdir(tmp_path)) == before


def test_model_probabilities_are_finite_on_extremes(model):
    for text in ("!" * 5000, "1" * 5000, "<ORDER>" * 500):
        r = model.predict_one(text)
        assert all(np.isfinite(v) for p in r.probabilities.values() for v in p.values())
