"""A model retrained with its own heads works everywhere the default model does (issue #8)."""

import json

import pandas as pd
import pytest

import triage
from triage.batch import label_file
from triage.cli import main

TEAM = {"timeliness": "物流", "product": "售后", "accuracy": "账单", "policy": "售后", "attitude": "其他", "none": "其他"}
ROWS = pd.DataFrame(
    {
        "id": ["a1", "a2", "a3", "a4", "a5"],
        "text": ["快递一个礼拜还没到", "", "账单多扣了我两百块", None, "空调刚装就漏水"],
    }
)


def _remapped(split: str, per_type: int):
    from triage.datasets import load_complaints

    df = load_complaints(split)
    parts = [g.sample(min(len(g), per_type), random_state=2) for _, g in df.groupby("type")]
    df = pd.concat(parts).sort_values("id").reset_index(drop=True)
    df["team"] = df["type"].map(TEAM)
    return df


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    df = _remapped("train", 60)  # 360 rows
    trainer = triage.Trainer(heads={"type": "team", "industry": "domain", "emotion": "emotion"}, cv=3)
    model = trainer.fit(df, source="test rows")
    path = tmp_path_factory.mktemp("custom") / "model"
    model.save(path)
    return model, path


def test_predict_one_has_the_custom_heads_and_no_invented_ones(custom):
    model, _ = custom
    r = model.predict_one("快递一个礼拜还没到，客服电话也打不通！！")
    assert r.type in set(TEAM.values()) and r.custom["industry"] in model.labels["industry"]
    assert r.urgency is None and r.is_complaint is None and r.flags == ()
    d = r.to_dict()
    assert d["industry"] == r.custom["industry"] and d["urgency"] is None
    assert set(d["probabilities"]) == {"type", "industry", "emotion"}


def test_predict_frame_columns_are_the_models(custom):
    model, _ = custom
    out = model.predict_frame(ROWS)
    assert list(out.columns) == ["id", "text", "type", "emotion", "industry", "type_proba", "emotion_proba",
                                 "industry_proba", "error"]
    assert out["error"].tolist() == ["", "empty text", "", "missing text", ""]
    assert out.loc[1, "emotion"] == "calm" and out.loc[1, "type"] is None  # guide labels default, custom labels empty
    assert out.loc[0, "type"] == model.predict_one(ROWS.loc[0, "text"]).type


@pytest.mark.parametrize("fmt", ["joblib", "skops"])
def test_save_and_load_in_both_formats(custom, tmp_path, fmt):
    if fmt == "skops":
        pytest.importorskip("skops", reason="skops is a dev extra: pip install -e '.[dev]'")
    model, _ = custom
    model.save(tmp_path / fmt, format=fmt)
    back = triage.load(tmp_path / fmt, trusted=True if fmt == "skops" else None)
    texts = ["快递没到", "账单多扣钱", "空调漏水", ""]
    assert [r.to_dict() for r in back.predict(texts)] == [r.to_dict() for r in model.predict(texts)]
    assert back.manifest["heads"]["type"]["column"] == "team"
    assert (tmp_path / fmt / "MODEL_CARD.md").read_text(encoding="utf-8").count("Label counts") == 3


def test_cli_predict_with_the_custom_model(custom, capsys):
    _, path = custom
    assert main(["predict", "--model", str(path), "账单多扣了我两百块"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert "industry" in d and d["type"] in set(TEAM.values())


@pytest.mark.parametrize("jobs", [1, 2])
def test_cli_label_with_the_custom_model(custom, tmp_path, jobs):
    model, path = custom
    src = tmp_path / "in.csv"
    ROWS.to_csv(src, index=False)
    dst = tmp_path / "out.csv"
    args = ["label", str(src), "-o", str(dst), "--model", str(path), "--jobs", str(jobs), "--chunk-size", "2", "--quiet"]
    assert main(args) == 0
    out = pd.read_csv(dst, dtype=str, keep_default_na=False)
    assert list(out.columns) == ["id", "text", *model.result_columns]
    assert "urgency" not in out.columns and "industry_proba" in out.columns
    expected = model.predict_frame(ROWS)
    assert out["industry"].tolist() == expected["industry"].fillna("").tolist()
    assert out["type"].tolist() == expected["type"].fillna("").tolist()


def test_label_file_jobs_2_equals_jobs_1_and_counts_custom_heads(custom, tmp_path):
    model, path = custom
    src = tmp_path / "in.csv"
    pd.concat([ROWS] * 3, ignore_index=True).to_csv(src, index=False)
    a = label_file(src, tmp_path / "a.csv", model=model, chunk_size=4, progress=False)
    label_file(src, tmp_path / "b.csv", model_path=path, jobs=2, chunk_size=4, progress=False)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert set(a.counts) >= {"type", "emotion", "industry"}
    assert sum(a.counts["industry"].values()) == 9  # the 6 rows without text get no custom label
    assert "urgency:" not in a.render() and "industry:" in a.render()


def test_evaluate_scores_the_custom_heads_on_their_training_columns(custom, tmp_path, capsys):
    _, path = custom
    held = tmp_path / "held.csv"
    _remapped("test", 20).to_csv(held, index=False)
    assert main(["evaluate", str(held), "--model", str(path), "--json"]) == 0
    m = json.loads(capsys.readouterr().out)
    assert {"type", "emotion", "industry"} <= set(m) and "urgency" not in m
    assert set(m["type"]["labels"]) <= set(TEAM.values()) and m["industry"]["n"] == 120


def test_evaluate_head_option_names_another_column(custom, tmp_path, capsys):
    _, path = custom
    held = tmp_path / "held.csv"
    _remapped("test", 10).rename(columns={"team": "部门", "domain": "行业"}).to_csv(held, index=False)
    args = ["evaluate", str(held), "--model", str(path), "--head", "type=部门", "--head", "industry=行业"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "type: n=60" in out and "industry: n=60" in out


def test_dask_label_has_the_custom_columns(custom):
    pytest.importorskip("dask.dataframe", reason="Dask is optional: pip install 'complaint-triage[dask]'")
    import dask.dataframe as dd

    import triage.dask

    model, _ = custom
    frame = ROWS.fillna({"text": ""})
    lazy = triage.dask.label(dd.from_pandas(frame, npartitions=2), model=model)
    assert list(lazy.columns) == ["id", "text", *model.result_columns]
    got = lazy.compute(scheduler="sync").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, model.predict_frame(frame), check_dtype=False)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore:The copy keyword is deprecated", "ignore::FutureWarning")
def test_spark_label_has_the_custom_columns(custom, monkeypatch):
    pytest.importorskip("pyspark", reason="Spark is optional: pip install 'complaint-triage[spark]'")
    import shutil
    import sys

    if shutil.which("java") is None:
        pytest.skip("Spark needs Java on PATH (the project's machines have Java 17)")
    from pyspark.sql import SparkSession

    import triage.spark

    model, _ = custom
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    frame = ROWS.fillna({"text": ""})
    spark = SparkSession.builder.master("local[2]").appName("triage-custom").config("spark.ui.enabled", "false").getOrCreate()
    try:
        got = triage.spark.label(spark.createDataFrame(frame), model=model).toPandas()
    finally:
        spark.stop()
    assert list(got.columns) == ["id", "text", *model.result_columns]
    got = got.sort_values("id").reset_index(drop=True)
    assert got["industry"].fillna("").tolist() == model.predict_frame(frame)["industry"].fillna("").tolist()


def test_the_bundled_model_saved_before_custom_heads_still_loads_unchanged(model):
    # the shipped model.joblib predates custom heads: the same loader reads it, with the standard decoding
    assert model.manifest["format_version"] == 1 and "heads" not in model.manifest
    assert model.result_columns == triage.RESULT_COLUMNS
    r = model.predict_one("快递一个礼拜还没到")
    assert r.custom == {} and "industry" not in r.to_dict() and r.is_complaint is True
    assert model.default_row()["type"] == "none"
