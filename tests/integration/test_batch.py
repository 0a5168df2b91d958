"""Batch labelling: no row lost or duplicated, --jobs, --resume after SIGKILL."""

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from triage.batch import label_file
from triage.datasets import load_complaints


@pytest.fixture(scope="module")
def rows():
    texts = load_complaints("test")["text"].tolist()
    n = 3000
    df = pd.DataFrame({"id": [f"r{i:06d}" for i in range(n)], "text": [texts[i % len(texts)] for i in range(n)]})
    df.loc[7, "text"] = ""
    df.loc[11, "text"] = None
    return df


def test_jobs_2_equals_jobs_1(tmp_path, rows, model):
    src = tmp_path / "in.csv"
    rows.to_csv(src, index=False)
    label_file(src, tmp_path / "a.csv", model=model, chunk_size=500, progress=False)
    s = label_file(src, tmp_path / "b.csv", jobs=2, chunk_size=500, progress=False)
    a = (tmp_path / "a.csv").read_bytes()
    assert a == (tmp_path / "b.csv").read_bytes()
    out = pd.read_csv(tmp_path / "a.csv", dtype=str, keep_default_na=False)
    assert out["id"].tolist() == rows["id"].tolist()
    assert s.rows_read == s.rows_written == len(rows) and s.rows_with_errors == 2


def test_resume_after_sigkill(tmp_path, rows):
    big = pd.concat([rows] * 4, ignore_index=True)
    big["id"] = [f"k{i:06d}" for i in range(len(big))]
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    big.to_csv(src, index=False)
    cmd = [sys.executable, "-m", "triage", "label", str(src), "-o", str(dst), "--chunk-size", "400", "--quiet"]
    proc = subprocess.Popen(cmd)
    parts = tmp_path / ".out.csv.parts"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(parts.glob("*.part"))) < 3:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    committed = len(list(parts.glob("*.part")))
    assert 3 <= committed < len(big) // 400, "the job was killed in the middle"
    assert not dst.exists()  # no output under the final name until the job is complete
    subprocess.run(cmd + ["--resume"], check=True)
    out = pd.read_csv(dst, dtype=str, keep_default_na=False)
    assert out["id"].tolist() == big["id"].tolist()  # every row exactly once, in order
    assert not parts.exists()


def test_resume_refuses_a_different_job(tmp_path, rows):
    from triage import InputFormatError

    src = tmp_path / "in.csv"
    rows.to_csv(src, index=False)
    parts = tmp_path / ".o.csv.parts"
    parts.mkdir()
    (parts / "job.json").write_text('{"chunk_size": 1}')
    with pytest.raises(InputFormatError, match="differs in"):
        label_file(src, tmp_path / "o.csv", chunk_size=500, resume=True, progress=False)


def test_missing_id_column_fails_up_front(tmp_path, rows):
    from triage import InputFormatError

    src = tmp_path / "in.csv"
    rows.to_csv(src, index=False)
    with pytest.raises(InputFormatError, match="no id column 'ticket'"):
        label_file(src, tmp_path / "o.csv", id_col="ticket", progress=False)


def test_progress_line_and_summary(tmp_path, rows, capsys):
    src = tmp_path / "in.csv"
    rows.head(1200).to_csv(src, index=False)
    s = label_file(src, tmp_path / "o.jsonl", chunk_size=500, progress=True)
    err = capsys.readouterr().err
    assert "rows/s" in err and "ETA" in err and "/~1,200 rows" in err
    text = s.render()
    assert "rows read: 1200" in text and "rows written: 1200" in text and "rows with errors: 2" in text
    assert "type:" in text and "urgency:" in text


@pytest.mark.slow
def test_jobs_2_uses_the_given_model_object(tmp_path, rows, small_corpus):
    # regression: with jobs > 1 a model passed as an object was ignored and workers loaded the bundled one
    from triage import train_model

    mine = train_model(small_corpus, seed=5)
    src = tmp_path / "in.csv"
    rows.head(600).to_csv(src, index=False)
    label_file(src, tmp_path / "o.csv", model=mine, jobs=2, chunk_size=200, progress=False)
    got = pd.read_csv(tmp_path / "o.csv", dtype=str, keep_default_na=False)
    expected = mine.predict_frame(rows.head(600))
    assert got["type"].tolist() == expected["type"].tolist()
    assert got["urgency"].tolist() == expected["urgency"].tolist()
