"""The triage command line, end to end."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from triage.cli import main

ROWS = pd.DataFrame(
    {
        "id": ["a1", "a2", "a3", "a4"],
        "text": ["快递一个礼拜还没到", "", "客服态度恶劣", "请问几点营业"],
        "shop": ["x", "y", "z", "w"],
    }
)


def test_predict_prints_json(capsys):
    assert main(["快递一个礼拜还没到，客服电话也打不通！！"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["type"] == "timeliness" and d["is_complaint"] is True


def test_console_script_and_module_entry_points():
    out = subprocess.run([sys.executable, "-m", "triage", "predict", "屏幕碎了"], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["type"] == "product"


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet", "xlsx"])
def test_label_round_trips_each_format(tmp_path, suffix):
    src = tmp_path / f"in.{suffix}"
    if suffix == "csv":
        ROWS.to_csv(src, index=False)
    elif suffix == "jsonl":
        ROWS.to_json(src, orient="records", lines=True, force_ascii=False)
    elif suffix == "parquet":
        pytest.importorskip("pyarrow", reason="Parquet needs the parquet extra: pip install -e '.[dev]'")
        ROWS.to_parquet(src)
    else:
        pytest.importorskip("openpyxl", reason="Excel needs the excel extra: pip install -e '.[dev]'")
        ROWS.to_excel(src, index=False)
    dst = tmp_path / f"out.{suffix}"
    assert main(["label", str(src), "-o", str(dst), "--quiet", "--chunk-size", "3"]) == 0
    out = {
        "csv": lambda p: pd.read_csv(p, dtype=str, keep_default_na=False),
        "jsonl": lambda p: pd.read_json(p, lines=True, dtype=False),
        "parquet": pd.read_parquet,
        "xlsx": lambda p: pd.read_excel(p, dtype=str, keep_default_na=False),
    }[suffix](dst)
    assert out["id"].tolist() == ROWS["id"].tolist()
    assert out["shop"].tolist() == ROWS["shop"].tolist()
    assert out.loc[0, "type"] == "timeliness"
    assert out.loc[1, "error"] == "empty text"
    assert not (tmp_path / f".out.{suffix}.partial").exists()


def test_label_missing_text_column_fails_up_front(tmp_path, capsys):
    src = tmp_path / "in.csv"
    ROWS.rename(columns={"text": "content"}).to_csv(src, index=False)
    assert main(["label", str(src), "-o", str(tmp_path / "o.csv"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "no column 'text'" in err and "--text-col" in err
    assert not (tmp_path / "o.csv").exists()


def test_label_gb18030_is_detected(tmp_path):
    src = tmp_path / "gbk.csv"
    src.write_bytes(ROWS.to_csv(index=False).encode("gb18030"))
    dst = tmp_path / "o.csv"
    assert main(["label", str(src), "-o", str(dst), "--quiet"]) == 0
    assert pd.read_csv(dst, dtype=str)["text"].iloc[0] == "快递一个礼拜还没到"


def test_label_unknown_encoding_is_named(tmp_path, capsys):
    src = tmp_path / "in.csv"
    ROWS.to_csv(src, index=False)
    assert main(["label", str(src), "-o", str(tmp_path / "o.csv"), "--encoding", "klingon", "--quiet"]) == 2
    assert "unknown encoding 'klingon'" in capsys.readouterr().err


def test_info_and_evaluate(tmp_path, capsys):
    assert main(["info"]) == 0
    assert json.loads(capsys.readouterr().out)["format_version"] == 1
    from triage.datasets import load_complaints

    data = tmp_path / "held.csv"
    load_complaints("test").head(300).to_csv(data, index=False)
    assert main(["evaluate", str(data), "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert {"type", "emotion", "urgency", "is_complaint"} <= set(metrics)
    assert 0 <= metrics["type"]["macro_f1"] <= 1


def test_predict_reads_stdin(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("退款一直不到账"))
    assert main(["predict"]) == 0
    assert json.loads(capsys.readouterr().out)["is_complaint"] is True


@pytest.mark.slow
def test_train_on_own_csv_then_evaluate_and_label_with_it(tmp_path, small_corpus, capsys):
    data = tmp_path / "mine.csv"
    small_corpus.to_csv(data, index=False)
    out = tmp_path / "my_model"
    assert main(["train", "--data", str(data), "-o", str(out), "--seed", "1"]) == 0
    assert (out / "manifest.json").is_file() and (out / "MODEL_CARD.md").is_file()
    capsys.readouterr()
    assert main(["info", "--model", str(out)]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["training_data"]["rows"] == len(small_corpus) and manifest["seed"] == 1
    held = tmp_path / "held.csv"
    from triage.datasets import load_complaints

    load_complaints("test").head(200).to_csv(held, index=False)
    assert main(["evaluate", str(held), "--model", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["type"]["n"] == 200
    src = tmp_path / "in.csv"
    ROWS.to_csv(src, index=False)
    assert main(["label", str(src), "-o", str(tmp_path / "o.csv"), "--model", str(out), "--jobs", "2", "--quiet"]) == 0
    assert len(pd.read_csv(tmp_path / "o.csv")) == len(ROWS)


def test_train_reports_missing_columns(tmp_path, capsys):
    data = tmp_path / "bad.csv"
    pd.DataFrame({"text": ["a"], "type": ["product"]}).to_csv(data, index=False)
    assert main(["train", "--data", str(data), "-o", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("triage: error:") and "lacks columns" in err and "emotion" in err
