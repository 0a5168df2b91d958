"""triage.analytics.counts: periods, zero-filling, multi-label columns, errors."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from triage.analytics import counts
from triage.exceptions import InputFormatError


@pytest.fixture()
def frame():
    return pd.DataFrame(
        {
            "created_at": pd.to_datetime(
                ["2024-01-01 09:00", "2024-01-03 00:00", "2024-01-07 23:59", "2024-01-08 00:00", "2024-01-22 00:00", "2024-02-10 00:00"]
            ),
            "type": ["product", "product", "timeliness", "attitude", "product", "timeliness"],
            "flags": ["safety", "", "safety;fraud", "strong_emotion|fraud", "", "fraud"],
            "amount": [10.0, 5.0, 0.0, 2.5, 1.0, 100.0],
        }
    )


def test_weeks_start_monday_and_are_zero_filled(frame):
    out = counts(frame, by="type", freq="W")
    # 2024-01-01 is a Monday; Sunday 2024-01-07 belongs to that week
    assert out.index[0] == pd.Timestamp("2024-01-01")
    assert list(out.index) == list(pd.date_range("2024-01-01", "2024-02-05", freq="7D"))
    assert (out.index.day_of_week == 0).all()
    assert out.loc["2024-01-01"].to_dict() == {"product": 2, "timeliness": 1, "attitude": 0}
    assert out.loc["2024-01-15"].sum() == 0  # an empty week is present, with zeros
    assert out.to_numpy().sum() == len(frame)
    assert all(out[c].dtype == np.int64 for c in out.columns)
    # columns by total, largest first
    assert list(out.columns) == ["product", "timeliness", "attitude"]


def test_days_and_months(frame):
    d = counts(frame, by="type", freq="D")
    assert len(d) == (pd.Timestamp("2024-02-10") - pd.Timestamp("2024-01-01")).days + 1
    assert d.to_numpy().sum() == len(frame)
    for alias in ("M", "MS", "ME"):
        m = counts(frame, by="type", freq=alias)
        assert list(m.index) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")]
        assert m.loc["2024-02-01", "timeliness"] == 1


def test_flags_are_exploded_on_both_separators(frame):
    out = counts(frame, by="flags", freq="M")
    assert out.loc["2024-01-01"].to_dict() == {"fraud": 2, "safety": 2, "strong_emotion": 1}
    assert out.loc["2024-02-01", "fraud"] == 1
    # a row without flags counts nowhere
    assert out.to_numpy().sum() == 6


def test_flags_as_lists_and_duplicate_labels_count_once():
    df = pd.DataFrame(
        {
            "created_at": ["2024-01-01"] * 4,
            "flags": [["fraud", "safety"], ("safety",), "fraud;fraud", None],
        }
    )
    assert counts(df, by="flags", freq="D").iloc[0].to_dict() == {"fraud": 2, "safety": 2}


def test_by_none_gives_total_and_value_col_sums(frame):
    total = counts(frame, by=None, freq="M")
    assert list(total.columns) == ["total"]
    assert total["total"].tolist() == [5, 1]
    amounts = counts(frame, by="type", freq="M", value_col="amount")
    assert amounts.loc["2024-01-01", "product"] == pytest.approx(16.0)
    assert amounts.loc["2024-02-01", "timeliness"] == pytest.approx(100.0)


def test_several_columns_give_combinations(frame):
    frame = frame.assign(channel=["app", "app", "phone", "app", "phone", "phone"])
    out = counts(frame, by=["type", "channel"], freq="M")
    assert out.columns.names == ["type", "channel"]
    assert out.loc["2024-01-01", ("product", "app")] == 2
    assert out.loc["2024-01-01", ("product", "phone")] == 1


def test_string_timestamps_parse_and_bad_ones_raise_with_examples(frame):
    f = frame.assign(created_at=frame["created_at"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    pd.testing.assert_frame_equal(counts(f, freq="W"), counts(frame, freq="W"))
    bad = f.copy()
    bad.loc[1, "created_at"] = "not a date"
    with pytest.raises(InputFormatError, match="not a date") as e:
        counts(bad, freq="W")
    assert "errors='coerce'" in str(e.value)
    coerced = counts(bad, freq="W", errors="coerce")
    assert coerced.to_numpy().sum() == len(frame) - 1
    # several formats in one column are all read
    mixed = pd.DataFrame({"created_at": ["2024-01-01", "2024/01/02 10:00", "3 January 2024"], "type": "a"})
    assert counts(mixed, freq="D")["a"].tolist() == [1, 1, 1]


def test_missing_timestamps_are_skipped_and_logged(frame, caplog):
    f = frame.copy()
    f["created_at"] = f["created_at"].astype(object)
    f.loc[0, "created_at"] = None
    with caplog.at_level(logging.INFO, logger="triage.analytics"):
        out = counts(f, freq="W")
    assert out.to_numpy().sum() == len(frame) - 1
    assert "without a timestamp" in caplog.text


def test_timezone_aware_timestamps_keep_local_days():
    ts = pd.to_datetime(["2024-03-01 23:30", "2024-03-02 00:30"]).tz_localize("Asia/Shanghai")
    out = counts(pd.DataFrame({"created_at": ts, "type": ["a", "a"]}), freq="D")
    assert out["a"].tolist() == [1, 1]


def test_bad_column_names_the_column_and_lists_the_available(frame):
    with pytest.raises(InputFormatError, match=r"by='region'.*available columns: 'created_at', 'type'"):
        counts(frame, by="region")
    with pytest.raises(InputFormatError, match="time_col='ts'"):
        counts(frame, time_col="ts")
    with pytest.raises(ValueError, match="freq='fortnight'"):
        counts(frame, freq="fortnight")
    with pytest.raises(TypeError, match="DataFrame"):
        counts(frame.to_dict(), by="type")


def test_missing_segment_values_dropped_or_kept(frame):
    f = frame.astype({"type": object})
    f.loc[0, "type"] = None
    assert counts(f, freq="M").to_numpy().sum() == len(f) - 1
    kept = counts(f, freq="M", dropna=False)
    assert kept.loc["2024-01-01", "(missing)"] == 1


def test_empty_frame_gives_empty_table():
    out = counts(pd.DataFrame({"created_at": pd.Series([], dtype="datetime64[ns]"), "type": []}), freq="D")
    assert out.shape[0] == 0


def test_corpus_with_synthetic_timestamps_adds_up():
    from triage.datasets import load_complaints

    df = load_complaints()
    rng = np.random.default_rng(1)
    df["created_at"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90 * 86400, len(df)), unit="s")
    by_type = counts(df, by="type", freq="W")
    assert by_type.to_numpy().sum() == len(df)
    assert set(by_type.columns) == set(df["type"])
    assert by_type.sum().to_dict() == df["type"].value_counts().to_dict()
    by_flag = counts(df, by="flags", freq="M")
    n_flags = sum(len([x for x in f.split(";") if x]) for f in df["flags"])
    assert by_flag.to_numpy().sum() == n_flags
