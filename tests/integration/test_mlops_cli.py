"""triage compare / audit / suggest / drift, end to end on small files (issue #8)."""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest

from triage.cli import main


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    from triage.datasets import load_complaints

    d = tmp_path_factory.mktemp("mlops")
    test = load_complaints("test")
    test.sample(500, random_state=0).to_csv(d / "holdout.csv", index=False)
    test[["id", "text"]].head(300).to_csv(d / "unlabelled.csv", index=False)
    train = load_complaints("train")
    lab = train[train["is_complaint"] == 1].sample(600, random_state=0).reset_index(drop=True)
    lab.loc[:19, "type"] = ["attitude" if t != "attitude" else "policy" for t in lab.loc[:19, "type"]]
    lab.to_csv(d / "labelled.csv", index=False)
    english = ["The parcel is two weeks late and nobody answers the phone.", "Refund refused, rude agent."] * 100
    pd.DataFrame({"body": english}).to_csv(d / "english.csv", index=False)
    return d


@pytest.fixture(scope="module")
def worse_model(model, tmp_path_factory):
    """The bundled model with noise in its type weights, saved: a challenger that should lose."""
    worse = copy.deepcopy(model)
    head = worse.heads["type"]
    head.coef_ = (head.coef_ * 0.3 + np.random.default_rng(0).normal(0, 1.5, head.coef_.shape)).astype(np.float32)
    worse._compile()
    path = tmp_path_factory.mktemp("models") / "worse"
    worse.save(path)
    return path


def test_compare_prints_a_verdict_and_gates_shipping(files, worse_model, capsys):
    data = str(files / "holdout.csv")
    assert main(["compare", "default", "default", "--data", data, "--n-boot", "300"]) == 0
    out = capsys.readouterr().out
    assert "no significant difference" in out and "keep the champion" in out
    code = main(["compare", str(worse_model), "default", "--data", data, "--heads", "type", "--n-boot", "300",
                 "--json", "-o", str(files / "cmp.csv"), "--fail-unless-better"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "better" and report["ship"] is True
    table = pd.read_csv(files / "cmp.csv")
    assert set(table["head"]) == {"type"} and (table["ci_low"] > 0).all()
    assert main(["compare", "default", str(worse_model), "--data", data, "--heads", "type", "--n-boot", "300",
                 "--fail-unless-better"]) == 1
    assert "challenger worse" in capsys.readouterr().out


def test_audit_finds_planted_flips_and_writes_csv(files, capsys):
    dst = files / "audit.csv"
    assert main(["audit", "--data", str(files / "labelled.csv"), "--id-col", "id", "-o", str(dst)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("audited 600 rows of 'type'")
    table = pd.read_csv(dst, dtype={"id": str})
    lab = pd.read_csv(files / "labelled.csv", dtype=str, keep_default_na=False)
    planted = set(lab["id"].head(20))
    # 20 planted flips among 600 rows: most of them are flagged (measured: 18 of 20, among 94 flagged rows)
    assert len(planted & set(table["id"])) >= 14
    assert {"rank", "id", "given", "suggested", "p_given", "p_suggested"} <= set(table.columns)


def test_suggest_json_and_csv(files, capsys):
    assert main(["suggest", "--data", str(files / "unlabelled.csv"), "-n", "15", "--id-col", "id", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["n"] == 15 and len({r["id"] for r in payload["rows"]}) == 15
    dst = files / "next.csv"
    assert main(["suggest", "--data", str(files / "unlabelled.csv"), "-n", "5", "--strategy", "random",
                 "-o", str(dst)]) == 0
    assert len(pd.read_csv(dst)) == 5


def test_drift_says_when_retraining_is_due(files, capsys):
    assert main(["drift", "--data", str(files / "holdout.csv"), "--fail-on-drift"]) == 0
    assert "verdict: no drift" in capsys.readouterr().out
    dst = files / "drift.json"
    code = main(["drift", "--data", str(files / "english.csv"), "--text-col", "body", "-o", str(dst),
                 "--fail-on-drift"])
    assert code == 1
    assert "retraining due" in capsys.readouterr().out
    report = json.loads(dst.read_text(encoding="utf-8"))
    assert report["retrain"] is True and any(r.startswith("vocabulary") for r in report["reasons"])


@pytest.mark.parametrize(
    "argv, message",
    [
        (["audit", "--data", "{d}/labelled.csv", "--label-col", "nope"], "no label column 'nope'"),
        (["suggest", "--data", "{d}/unlabelled.csv", "--heads", "mood"], "no head"),
        (["drift", "--data", "{d}/english.csv"], "no column 'text'"),
        (["suggest", "--data", "{d}/unlabelled.csv", "-o", "{d}/x.txt"], "must end in .csv or .json"),
        (["compare", "default", "{d}/no_model", "--data", "{d}/holdout.csv"], "no_model"),
        (["drift", "--data", "{d}/missing.csv"], "no such file"),
    ],
)
def test_clear_errors_exit_2(files, capsys, argv, message):
    assert main([a.replace("{d}", str(files)) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("triage: error:") and message in err
