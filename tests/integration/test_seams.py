"""Regression tests for where the parts meet: retrained models in the decisions layer, reports,
evaluation, batch summaries and Spark schemas (found by reviewing the whole change)."""

from datetime import datetime

import pandas as pd
import pytest

import triage
from triage.batch import label_file
from triage.cli import main

TEAM = {"timeliness": "物流", "product": "售后", "accuracy": "账单", "policy": "售后", "attitude": "其他", "none": "其他"}


@pytest.fixture(scope="module")
def team_model():
    """Custom type labels plus the guide's emotion and urgency; no flags and no is_complaint head."""
    from triage.datasets import load_complaints

    df = load_complaints("train")
    df = pd.concat([g.sample(70, random_state=3) for _, g in df.groupby("type")]).sort_values("id")
    df["team"] = df["type"].map(TEAM)
    return triage.Trainer(heads={"type": "team", "emotion": "emotion", "urgency": "urgency"}, cv=0).fit(df)


@pytest.mark.parametrize("name", ["priority", "route", "reasons", "deadlines", "reply"])
def test_a_head_may_not_take_the_name_of_a_decision_field(name):
    with pytest.raises(ValueError, match="not allowed"):
        triage.Trainer(heads={"type": "type", name: "channel"}).fit(pd.DataFrame({"text": ["a"], "type": ["x"]}))


def test_a_safety_rule_gives_its_reason_and_the_risk_queue_without_a_flags_head(team_model):
    t = team_model.triage("孩子吃了你们的东西住院了！食品安全问题", created_at=datetime(2026, 2, 13, 10))
    assert t.urgency == "high" and "safety" in t.flags
    assert t.priority == "P1" and t.route.queue == "risk"
    assert any(r.id == "safety" and r.source == "text" for r in t.reasons)


def test_empty_text_is_not_acted_on_without_an_is_complaint_head(team_model):
    t = team_model.triage("", customer_tier="vip", amount=10_000, created_at=datetime(2026, 2, 13, 10))
    assert t.priority == "P3" and t.route.queue == "general"
    assert all(r.levels == 0 for r in t.reasons)


def test_label_summary_counts_only_what_the_model_predicts(tmp_path):
    model = triage.Trainer(heads={"type": "team"}, cv=0).fit(
        triage.datasets.load_complaints("train").head(600).assign(team=lambda d: d["type"].map(TEAM))
    )
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": ["快递一个礼拜还没到", "屏幕碎了"], "urgency": ["high", "low"]}).to_csv(src, index=False)
    summary = label_file(src, tmp_path / "out.csv", model=model, progress=False)
    assert set(summary.counts) == {"type"}  # the file's own urgency column is not a prediction
    assert sum(summary.counts["type"].values()) == 2


def test_evaluate_skips_blank_is_complaint_cells_and_refuses_unlabelled_data(model):
    from triage.datasets import load_complaints
    from triage.evaluate import evaluate_model
    from triage.exceptions import InputFormatError

    df = load_complaints("test").head(200).copy()
    df["is_complaint"] = df["is_complaint"].astype(str)  # as read from a CSV
    df.loc[df.index[0], "is_complaint"] = ""
    metrics = evaluate_model(model, df)
    assert metrics["is_complaint"]["n"] == 199
    with pytest.raises(InputFormatError, match="no label column"):
        evaluate_model(model, df[["id", "text"]])


def test_spark_schema_replaces_an_input_column_named_like_a_result():
    T = pytest.importorskip("pyspark.sql.types", reason="the Spark schema test needs the [spark] extra")
    from triage.spark import result_schema

    schema = T.StructType([T.StructField(c, T.StringType()) for c in ("id", "text", "type_proba", "channel")])
    names = result_schema(schema, triage.load()).fieldNames()
    assert len(names) == len(set(names))
    assert names[:4] == ["id", "text", "type_proba", "channel"]
    assert isinstance(result_schema(schema, triage.load())["type_proba"].dataType, T.DoubleType)


def test_analytics_read_timestamps_with_mixed_offsets():
    from triage import analytics

    df = pd.DataFrame(
        {"created_at": ["2026-01-05T10:00:00+08:00", "2026-01-05T03:00:00Z"] * 5, "type": ["product", "policy"] * 5}
    )
    counts = analytics.counts(df, by="type", freq="D")
    assert counts.loc["2026-01-05"].tolist() == [5, 5]  # 03:00Z is 11:00 in Shanghai, the same day


def test_cli_refuses_zero_jobs_with_one_line(capsys):
    with pytest.raises(SystemExit) as e:
        main(["label", "in.csv", "-o", "out.csv", "--jobs", "0"])
    assert e.value.code == 2
    assert "expected a whole number >= 1" in capsys.readouterr().err


def test_subpackages_are_reachable_as_attributes():
    import subprocess
    import sys

    code = "import triage; print(triage.sla.breach_risk.__name__, triage.analytics.counts.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["breach_risk", "counts"]
