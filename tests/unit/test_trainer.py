"""Trainer: parameters, data errors, custom heads, cross-validation, search, persistence of words (issue #8)."""

import hashlib
import json
import pickle

import numpy as np
import pandas as pd
import pytest

import triage
from triage import InputFormatError
from triage._cv import CVReport
from triage._trainer import SEARCH_GRID, Trainer, _labels_of

TEAM = {"timeliness": "物流", "product": "售后", "accuracy": "账单", "policy": "售后", "attitude": "其他", "none": "其他"}


@pytest.fixture(scope="module")
def tiny():
    """240 rows of the bundled corpus with a remapped type, a customer id and a multi-label tag column."""
    from triage.datasets import load_complaints

    df = load_complaints("train")
    parts = [g.sample(40, random_state=1) for _, g in df.groupby("type")]
    df = pd.concat(parts).sort_values("id").reset_index(drop=True)
    df["team"] = df["type"].map(TEAM)
    df["customer"] = [f"u{i // 3}" for i in range(len(df))]  # three rows per customer
    df["tags"] = [
        "|".join(t for t, on in (("退款", "退" in s), ("快递", "快递" in s or "物流" in s)) if on) for s in df["text"]
    ]
    return df


def _payload_sha(path):
    return hashlib.sha256((path / "model.joblib").read_bytes()).hexdigest()


# -- parameters -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params, match",
    [
        ({"heads": {"error": "team"}}, "not allowed"),
        ({"heads": {"team_proba": "team"}}, "not allowed"),
        ({"heads": {"team": {"colum": "team"}}}, "spec needs 'column'"),
        ({"heads": {"team": "team"}, "model": "tree"}, r"must be one of \('logreg', 'svm', 'nb'\)"),
        ({"heads": {"team": "team"}, "C": -1.0}, "finite number > 0"),
        ({"heads": {"team": "team"}, "class_weight": {"teem": "balanced"}}, r"\['teem'\] are not heads"),
        ({"heads": {"tags": {"column": "tags", "multilabel": True, "model": "svm"}}}, "multi-label head 'tags'"),
        ({"heads": {"team": "team"}, "features": {"ngrams": 2}}, "unknown keys"),
        ({"heads": {"team": "team"}, "cv": 1}, "cv must be"),
    ],
)
def test_bad_parameters_name_what_is_allowed(tiny, params, match):
    with pytest.raises(ValueError, match=match):
        Trainer(**params).fit(tiny)


def test_init_only_stores_parameters():
    t = Trainer(heads={"x": "y"}, cv=7, model="nb")
    assert (t.heads, t.cv, t.model, t.seed) == ({"x": "y"}, 7, "nb", 0)
    assert "cv=7" in repr(t)


# -- data errors -------------------------------------------------------------------------------
def test_missing_columns_are_listed(tiny):
    with pytest.raises(InputFormatError, match=r"lacks columns \['region'\].*--head NAME=COLUMN"):
        Trainer(heads={"team": "team", "region": "region"}).fit(tiny)


def test_empty_texts_are_listed_by_row(tiny):
    bad = tiny.copy()
    bad.loc[[2, 5], "text"] = ["", None]
    with pytest.raises(InputFormatError, match=r"2 empty or missing texts \(data rows 3, 6\)"):
        Trainer(heads={"team": "team"}, cv=0).fit(bad)


def test_values_outside_declared_labels_are_listed_with_counts_and_rows(tiny):
    bad = tiny.copy()
    bad.loc[[0, 7, 9], "team"] = "仓储"
    with pytest.raises(InputFormatError) as err:
        Trainer(heads={"team": {"column": "team", "labels": ["物流", "售后", "账单", "其他"]}}, cv=0).fit(bad)
    msg = str(err.value)
    assert "'仓储': 3 rows (data rows 1, 8, 10" in msg and "declared labels" in msg


def test_undeclared_label_set_is_read_from_the_data(tiny):
    model = Trainer(heads={"team": "team"}, cv=0).fit(tiny)
    assert model.labels["team"] == ("其他", "售后", "物流", "账单")
    assert model.manifest["heads"]["team"]["declared_labels"] is None


def test_head_with_one_class_is_refused(tiny):
    one = tiny.assign(team="物流")
    with pytest.raises(InputFormatError, match="one class only"):
        Trainer(heads={"team": "team"}, cv=0).fit(one)


def test_too_few_rows_of_a_label_for_the_folds(tiny):
    bad = tiny.copy()
    bad.loc[[0, 1], "team"] = "稀有"
    with pytest.raises(InputFormatError, match=r"5-fold.*'稀有': 2.*--cv 2"):
        Trainer(heads={"team": "team"}, cv=5).fit(bad)


def test_blank_group_is_refused(tiny):
    bad = tiny.copy()
    bad.loc[4, "customer"] = ""
    with pytest.raises(InputFormatError, match=r"group column 'customer' is empty in 1 rows \(data rows 5\)"):
        Trainer(heads={"team": "team"}, cv=3, group_col="customer").fit(bad)


def test_is_complaint_must_be_binary(tiny):
    bad = tiny.assign(is_complaint=tiny["is_complaint"].astype(str))
    bad.loc[3, "is_complaint"] = "maybe"
    with pytest.raises(InputFormatError, match="must be 0/1.*'maybe' in data row 4"):
        Trainer(heads={"is_complaint": "is_complaint"}, cv=0).fit(bad)


def test_include_default_corpus_needs_a_head_with_guide_labels(tiny):
    with pytest.raises(InputFormatError, match="none of your heads"):
        Trainer(heads={"team": "team"}, cv=0, include_default_corpus=True).fit(tiny)


def test_cross_validation_needs_some_of_your_rows_labelled_for_each_head(tiny):
    unlabelled = tiny.assign(urgency="")  # only the bundled corpus would label urgency
    with pytest.raises(InputFormatError, match="head 'urgency' has no labelled rows of yours"):
        Trainer(heads={"team": "team", "urgency": "urgency"}, cv=3, include_default_corpus=True).fit(unlabelled)


def test_multilabel_cells_split_on_semicolon_and_pipe():
    assert _labels_of("退款|快递; 退款") == ["退款", "快递"]
    assert _labels_of("") == []


# -- custom heads --------------------------------------------------------------------------------
def test_custom_heads_fill_custom_and_absent_heads_stay_none(tiny):
    model = Trainer(
        heads={"type": "team", "industry": "domain", "tags": {"column": "tags", "multilabel": True}}, cv=0
    ).fit(tiny)
    r = model.predict_one("快递一个礼拜还没到，退款也没到账")
    assert r.type in TEAM.values() and r.urgency is None and r.emotion is None and r.is_complaint is None
    assert r.custom["industry"] in set(tiny["domain"]) and isinstance(r.custom["tags"], tuple)
    d = r.to_dict()
    assert list(d)[:7] == ["type", "secondary_types", "emotion", "urgency", "flags", "industry", "tags"]
    assert json.loads(json.dumps(d, ensure_ascii=False))["industry"] == r.custom["industry"]
    assert r.label("industry") == r.custom["industry"] and r.label("type") == r.type
    assert abs(sum(r.probabilities["industry"].values()) - 1) < 1e-6
    assert model.result_columns == ("type", "industry", "tags", "type_proba", "industry_proba", "error")
    out = model.predict_frame(pd.DataFrame({"text": ["屏幕碎了", None]}))
    assert list(out.columns) == ["text", *model.result_columns]
    assert out.loc[1, "error"] == "missing text" and out.loc[1, "type"] is None and out.loc[1, "tags"] == ""
    assert out["industry_proba"].dtype == float


def test_standard_names_with_guide_labels_keep_guide_decoding(tiny):
    model = Trainer(heads={"urgency": "urgency", "flags": "flags", "is_complaint": "is_complaint"}, cv=0).fit(tiny)
    assert model.manifest["heads"]["urgency"]["decoding"] == "standard"
    r = model.predict_one("热水器漏电，孩子洗澡被电到了，已经报警")
    assert r.urgency == "high" and "safety" in r.flags  # the HIGH trigger and its reason
    low = model.predict_one("")
    assert low.is_complaint is False and low.urgency == "low" and low.flags == ()


@pytest.mark.parametrize("kind", ["svm", "nb"])
def test_other_linear_classifiers_freeze_to_linear_heads(tiny, kind, tmp_path):
    for cv in (0, 2):
        model = Trainer(heads={"team": "team"}, model=kind, cv=cv).fit(tiny)
        model.save(tmp_path / f"{kind}{cv}")
        back = triage.load(tmp_path / f"{kind}{cv}")
        assert type(back.heads["team"]).__name__ == "LinearHead"
        r = back.predict_one("快递一个礼拜还没到")
        assert abs(sum(r.probabilities["team"].values()) - 1) < 1e-6
        assert r.to_dict() == model.predict_one("快递一个礼拜还没到").to_dict()
        assert back.manifest["heads"]["team"]["model"] == kind


def test_class_weight_is_applied(tiny):
    a = Trainer(heads={"team": "team"}, cv=0, class_weight="balanced").fit(tiny)
    b = Trainer(heads={"team": "team"}, cv=0, class_weight=None).fit(tiny)
    assert not np.allclose(a.heads["team"].intercept_, b.heads["team"].intercept_)
    assert b.manifest["heads"]["team"]["class_weight"] is None


@pytest.mark.parametrize("fmt", ["joblib", "skops"])
def test_user_words_and_stop_words_survive_save_and_load(tiny, tmp_path, fmt):
    if fmt == "skops":
        pytest.importorskip("skops", reason="skops is a dev extra: pip install -e '.[dev]'")
    feats = {"user_dict": ["踢皮球哥"], "stop_words": ["的", "了"], "min_df": 1}
    model = Trainer(heads={"team": "team"}, cv=0, features=feats).fit(tiny)
    assert "踢皮球哥" not in triage.load().vectorizer._segmenter().cut("客服就是个踢皮球哥")  # not a global change
    model.save(tmp_path / "m", format=fmt)
    loaded = triage.load(tmp_path / "m", trusted=True if fmt == "skops" else None)
    back = pickle.loads(pickle.dumps(loaded))  # tokenizer rebuilt from the saved words
    assert "踢皮球哥" in back.vectorizer._segmenter().cut("客服就是个踢皮球哥")
    assert "的" not in back.vectorizer._tokens("快递的问题了")
    assert back.manifest["params"]["vectorizer"]["user_dict_words"] == 1


def test_user_dict_file_is_read_into_the_model(tiny, tmp_path):
    d = tmp_path / "dict.txt"
    d.write_text("# 我的词\n踢皮球哥 5 n\n", encoding="utf-8")
    stop = tmp_path / "stop.txt"
    stop.write_text("的\n了\n", encoding="utf-8")
    model = Trainer(heads={"team": "team"}, cv=0, features={"user_dict": str(d), "stop_words": str(stop)}).fit(tiny)
    d.unlink()
    stop.unlink()
    model.save(tmp_path / "m")
    back = triage.load(tmp_path / "m")
    assert back.vectorizer.user_dict == (("踢皮球哥", 5, "n"),)
    assert "踢皮球哥" in back.vectorizer._segmenter().cut("客服就是个踢皮球哥")


# -- cross-validation ------------------------------------------------------------------------------
def test_same_data_and_seed_give_the_same_model_bytes(tiny, tmp_path):
    for name in ("a", "b"):
        Trainer(heads={"team": "team", "emotion": "emotion"}, cv=2, seed=4).fit(tiny).save(tmp_path / name)
    assert _payload_sha(tmp_path / "a") == _payload_sha(tmp_path / "b")
    Trainer(heads={"team": "team", "emotion": "emotion"}, cv=2, seed=5).fit(tiny).save(tmp_path / "c")
    assert _payload_sha(tmp_path / "c") != _payload_sha(tmp_path / "a")


def test_grouped_folds_never_split_a_group(tiny):
    t = Trainer(heads={"team": "team"}, cv=3, group_col="customer")
    data = t._prepare(tiny)
    splits = t._splits(data, 3)
    groups = tiny["customer"].to_numpy()
    for tr, te in splits:
        assert set(groups[tr]).isdisjoint(groups[te])
    assert sorted(np.concatenate([te for _, te in splits]).tolist()) == list(range(len(tiny)))


def test_cross_val_predict_gives_calibrated_out_of_fold_probabilities(tiny):
    oof = Trainer(heads={"team": "team", "tags": {"column": "tags", "multilabel": True}}, cv=3).cross_val_predict(tiny)
    labels, P = oof["team"]
    assert labels == ("其他", "售后", "物流", "账单") and P.shape == (len(tiny), 4)
    assert np.allclose(P.sum(axis=1), 1)
    acc = (np.array(labels)[P.argmax(axis=1)] == tiny["team"].to_numpy()).mean()
    assert acc > 0.4  # four classes: well above chance out of fold
    tag_labels, Q = oof["tags"]
    assert set(tag_labels) == {"退款", "快递"} and Q.shape == (len(tiny), 2) and ((Q >= 0) & (Q <= 1)).all()


def test_cv_report_shape_and_manifest(tiny):
    t = Trainer(heads={"team": "team", "emotion": "emotion", "tags": {"column": "tags", "multilabel": True}}, cv=3)
    model = t.fit(tiny)
    rep = t.cv_report_.to_dict()
    assert rep["k"] == 3 and rep["splitter"] == "StratifiedKFold" and rep["stratify_on"] == "team"
    team = rep["heads"]["team"]
    assert team["n"] == len(tiny) and len(team["fold_macro_f1"]) == 3
    assert np.array(team["confusion"]).sum() == len(tiny)
    assert set(team["per_class"]) >= {"物流", "售后", "账单", "其他"} and 0 <= team["ece"] <= 1
    assert rep["heads"]["tags"]["kind"] == "multilabel" and "micro_f1" in rep["heads"]["tags"]
    assert model.manifest["metrics"]["cross-validation (3-fold)"]["team"]["macro_f1"] == team["macro_f1"]
    # the final heads are calibrated on the out-of-fold logits
    assert model.heads["team"].temperature_ != 1.0


def test_cv_report_files(tiny, tmp_path):
    t = Trainer(heads={"team": "team", "tags": {"column": "tags", "multilabel": True}}, cv=2)
    t.fit(tiny)
    written = t.cv_report_.save(tmp_path)
    names = sorted(p.name for p in written)
    assert names == ["cv_confusion_team.png", "cv_report.json", "cv_report.md"]
    assert (tmp_path / "cv_confusion_team.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (tmp_path / "cv_report.md").read_text(encoding="utf-8")
    assert "![confusion matrix of team](cv_confusion_team.png)" in md and "| 物流 |" in md
    assert CVReport.load(tmp_path).to_dict() == t.cv_report_.to_dict()


def test_cv_report_without_matplotlib_skips_pictures_with_a_note(tiny, tmp_path, monkeypatch):
    import builtins

    t = Trainer(heads={"team": "team"}, cv=2)
    rep = t.cross_validate(tiny)
    real = builtins.__import__

    def no_mpl(name, *a, **k):
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib here")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_mpl)
    written = rep.save(tmp_path)
    assert sorted(p.name for p in written) == ["cv_report.json", "cv_report.md"]
    assert "pip install 'complaint-triage[report]'" in (tmp_path / "cv_report.md").read_text(encoding="utf-8")


def test_search_reports_the_grid_and_its_choice(tiny):
    t = Trainer(heads={"team": "team"}, cv=2, search=True)
    model = t.fit(tiny)
    s = t.search_
    assert s["chosen"]["C"]["team"] in SEARCH_GRID["C"]
    assert s["chosen"]["word_ngram_range"] in ([1, 2], [1, 1])
    best = max(s["mean_macro_f1"]["1-2"]["team"].values())
    assert s["mean_macro_f1"]["1-2"]["team"][str(s["chosen"]["C"]["team"])] == best or s["chosen"]["word_ngram_range"] == [1, 1]
    assert model.manifest["heads"]["team"]["C"] == s["chosen"]["C"]["team"]
    assert model.manifest["search"]["chosen"] == s["chosen"]
    assert "Hyper-parameter search" in t.cv_report_.to_markdown()


def test_model_card_has_data_metrics_versions_and_limits(tiny, tmp_path):
    t = Trainer(heads={"type": "team", "industry": "domain"}, cv=2, name="客服工单模型")
    t.fit(tiny).save(tmp_path / "m")
    card = (tmp_path / "m" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card.startswith("# Model card: 客服工单模型")
    assert "Label counts, `industry`" in card and "| 物流 |" in card
    assert "On cross-validation (2-fold):" in card and "## Heads" in card
    assert "- python:" in card and "- scikit-learn:" in card and "- rjieba:" in card
    assert "no urgency or is_complaint head" in card and "plain calibrated classifiers" in card
    sha = json.loads((tmp_path / "m" / "manifest.json").read_text(encoding="utf-8"))["training_data"]["sha256"]
    assert f"`{sha}`" in card
