"""Dask and Spark give the same labels as predict_frame (skipped with a message where unavailable)."""

import shutil

import pandas as pd
import pytest

from triage.datasets import load_complaints


@pytest.fixture(scope="module")
def frame():
    df = load_complaints("test").head(400)[["id", "text"]].reset_index(drop=True)
    df.loc[3, "text"] = ""
    return df


def test_dask_on_a_local_cluster_matches_predict_frame(model, frame):
    pytest.importorskip("dask.dataframe", reason="Dask is optional: pip install 'complaint-triage[dask]'")
    pytest.importorskip("distributed", reason="dask.distributed is optional: pip install 'complaint-triage[dask]'")
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import triage.dask

    expected = model.predict_frame(frame)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster):
        got = triage.dask.label(dd.from_pandas(frame, npartitions=4), text_col="text").compute()
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)


def test_dask_missing_column_is_named(frame):
    pytest.importorskip("dask.dataframe", reason="Dask is optional: pip install 'complaint-triage[dask]'")
    import dask.dataframe as dd

    import triage.dask
    from triage import InputFormatError

    with pytest.raises(InputFormatError, match="no column 'body'"):
        triage.dask.label(dd.from_pandas(frame, npartitions=1), text_col="body")


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore:The copy keyword is deprecated", "ignore::FutureWarning")
def test_spark_matches_predict_frame(model, frame, monkeypatch):
    pytest.importorskip("pyspark", reason="Spark is optional: pip install 'complaint-triage[spark]'")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java on PATH (the project's machines have Java 17)")
    import sys

    from pyspark.sql import SparkSession

    import triage.spark

    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # workers use this Python, not whatever python3 is on PATH
    spark = SparkSession.builder.master("local[2]").appName("triage-test").config("spark.ui.enabled", "false").getOrCreate()
    try:
        got = triage.spark.label(spark.createDataFrame(frame), text_col="text").toPandas()
    finally:
        spark.stop()
    expected = model.predict_frame(frame)
    got = got.sort_values("id").reset_index(drop=True)
    expected = expected.sort_values("id").reset_index(drop=True)
    for col in ("type", "emotion", "urgency", "flags", "secondary_types", "error"):
        assert got[col].tolist() == expected[col].tolist(), col


def test_missing_extra_names_the_pip_line(monkeypatch):
    import builtins

    import triage.dask
    from triage import MissingDependencyError

    real_import = builtins.__import__

    def fake(name, *a, **k):
        if name.startswith("dask"):
            raise ImportError("no dask here")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(MissingDependencyError, match=r"pip install 'complaint-triage\[dask\]'"):
        triage.dask._dask()
