"""`triage train` on your own labels: heads, declared labels, cross-validation report, model card (issue #8)."""

import json

import pandas as pd
import pytest

from triage.cli import main

TEAM = {"timeliness": "物流", "product": "售后", "accuracy": "账单", "policy": "售后", "attitude": "其他", "none": "其他"}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from triage.datasets import load_complaints

    df = load_complaints("train")
    parts = [g.sample(40, random_state=3) for _, g in df.groupby("type")]
    df = pd.concat(parts).sort_values("id").reset_index(drop=True)
    df["my_type"] = df["type"].map(TEAM)
    df["customer_id"] = [f"c{i // 2}" for i in range(len(df))]
    path = tmp_path_factory.mktemp("data") / "mine.csv"
    df[["id", "text", "my_type", "emotion", "domain", "customer_id", "urgency", "flags", "is_complaint"]].to_csv(path, index=False)
    return path


def test_train_custom_heads_with_grouped_cv_writes_report_and_card(data, tmp_path, capsys):
    out = tmp_path / "m"
    args = ["train", "--data", str(data), "--head", "type=my_type", "--head", "emotion", "--head", "industry=domain",
            "--labels", "type=物流,售后,账单,其他", "--cv", "3", "--group-col", "customer_id", "--name", "工单分流", "-o", str(out)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "3-fold cross-validation (StratifiedGroupKFold)" in err and "industry: n=240" in err
    names = {p.name for p in out.iterdir()}
    assert {"manifest.json", "MODEL_CARD.md", "model.joblib", "cv_report.json", "cv_report.md",
            "cv_confusion_type.png", "cv_confusion_emotion.png", "cv_confusion_industry.png"} <= names
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["heads"]["type"]["declared_labels"] == ["物流", "售后", "账单", "其他"]
    assert manifest["cv"]["splitter"] == "StratifiedGroupKFold" and manifest["cv"]["group_col"] == "customer_id"
    report = json.loads((out / "cv_report.json").read_text(encoding="utf-8"))
    assert manifest["metrics"]["cross-validation (3-fold)"]["type"]["macro_f1"] == report["heads"]["type"]["macro_f1"]
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card.startswith("# Model card: 工单分流") and "On cross-validation (3-fold):" in card
    assert main(["predict", "--model", str(out), "快递一个礼拜还没到"]) == 0
    assert "industry" in json.loads(capsys.readouterr().out)


def test_undeclared_value_is_an_error_that_lists_it(data, tmp_path, capsys):
    args = ["train", "--data", str(data), "--head", "type=my_type", "--labels", "type=物流,售后,账单", "-o", str(tmp_path / "m")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("triage: error:") and "'其他'" in err and "declared labels" in err
    assert not (tmp_path / "m").exists()


def test_labels_for_a_head_not_declared_is_an_error(data, tmp_path, capsys):
    assert main(["train", "--data", str(data), "--labels", "type=a,b", "-o", str(tmp_path / "m")]) == 2
    assert "no --head declares" in capsys.readouterr().err


def test_classifier_c_class_weight_words_and_cv_0_removes_an_old_report(data, tmp_path, capsys):
    out = tmp_path / "m"
    base = ["train", "--data", str(data), "--head", "type=my_type", "--head", "industry=domain", "-o", str(out)]
    assert main([*base, "--cv", "2"]) == 0
    assert (out / "cv_report.json").is_file()
    words = tmp_path / "words.txt"
    words.write_text("退款险\n踢皮球哥 3\n", encoding="utf-8")
    stop = tmp_path / "stop.txt"
    stop.write_text("的\n", encoding="utf-8")
    more = ["--cv", "0", "--classifier", "type=svm", "--C", "industry=2", "--class-weight", "none",
            "--user-dict", str(words), "--stop-words", str(stop)]
    assert main([*base, *more]) == 0
    assert not (out / "cv_report.json").exists() and not list(out.glob("cv_confusion_*.png"))
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["heads"]["type"]["model"] == "svm" and m["heads"]["industry"]["C"] == 2.0
    assert m["heads"]["type"]["class_weight"] is None and m["metrics"] == {}
    assert m["params"]["vectorizer"]["user_dict_words"] == 2 and m["params"]["vectorizer"]["stop_words"] == 1


def test_search_prints_and_saves_the_chosen_setting(data, tmp_path, capsys):
    out = tmp_path / "m"
    assert main(["train", "--data", str(data), "--head", "type=my_type", "--cv", "2", "--search", "-o", str(out)]) == 0
    assert "search chose word n-grams" in capsys.readouterr().err
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["search"]["chosen"]["C"]["type"] == m["heads"]["type"]["C"]
    assert "Hyper-parameter search" in (out / "cv_report.md").read_text(encoding="utf-8")


def test_too_few_rows_for_the_folds_names_the_fix(data, tmp_path, capsys):
    df = pd.read_csv(data, dtype=str, keep_default_na=False)
    df.loc[:2, "my_type"] = "稀有"
    small = tmp_path / "small.csv"
    df.to_csv(small, index=False)
    assert main(["train", "--data", str(small), "--head", "type=my_type", "-o", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "5-fold cross-validation needs at least 5 rows" in err and "'稀有': 3" in err and "--cv" in err


@pytest.mark.slow
def test_include_default_corpus_trains_on_both_and_scores_only_yours(data, tmp_path, capsys):
    out = tmp_path / "m"
    args = ["train", "--data", str(data), "--head", "type=my_type", "--head", "emotion", "--head", "urgency",
            "--include-default-corpus", "--cv", "2", "-o", str(out)]
    assert main(args) == 0
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["training_data"]["rows"] == 240 and m["training_data"]["default_corpus_rows"] > 10_000 - 1
    assert m["heads"]["emotion"]["rows"] > 10_000 and m["heads"]["type"]["rows"] == 240  # custom labels: yours only
    report = json.loads((out / "cv_report.json").read_text(encoding="utf-8"))
    assert report["rows"] == 240 and report["heads"]["emotion"]["n"] == 240
    assert m["heads"]["urgency"]["decoding"] == "standard"
