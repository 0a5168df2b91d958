"""triage.analytics.detect_spikes: planted spikes are found, flat series raise (almost) no alarm."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from triage.analytics import SPIKE_COLUMNS, detect_spikes

DAYS = pd.date_range("2024-01-01", periods=120, freq="D")


def make(seed: int, rates=(10.0, 3.0, 0.5, 30.0), days=DAYS, spikes=(), dispersion=None) -> pd.DataFrame:
    """Poisson (or gamma-Poisson) daily counts per segment, with spikes added: (segment, day index, extra)."""
    rng = np.random.default_rng(seed)
    parts = []
    for s, lam in enumerate(rates):
        if dispersion is None:
            n = rng.poisson(lam, len(days))
        else:
            n = rng.poisson(rng.gamma(dispersion, lam / dispersion, len(days)))
        for seg, t, extra in spikes:
            if seg == s:
                n[t] += extra
        parts.append(pd.DataFrame({"created_at": np.repeat(days, n), "type": f"s{s}"}))
    return pd.concat(parts, ignore_index=True)


def test_result_columns_and_order():
    df = make(0, spikes=[(0, 60, 40), (1, 90, 15)])
    out = detect_spikes(df)
    assert tuple(out.columns) == SPIKE_COLUMNS
    assert out["p_value"].is_monotonic_increasing
    assert out["flagged"].all()
    assert (out["observed"] >= 5).all() and (out["observed"] > out["expected"]).all()
    assert (out["q_value"] >= out["p_value"]).all()


@pytest.mark.parametrize("method", ["poisson", "negbin", "binomial"])
def test_planted_spikes_are_found(method):
    # spikes of decent size: about +8 standard deviations above each segment's rate
    planted = [(0, 40, 25), (0, 100, 25), (1, 70, 15), (2, 55, 8), (3, 80, 45)]
    found_all = 0
    for seed in range(10):
        out = detect_spikes(make(seed, spikes=planted), method=method)
        hits = {(s, p) for s, p in zip(out["segment"], out["period"])}
        want = {(f"s{s}", DAYS[t]) for s, t, _ in planted}
        found_all += want <= hits
        # nothing else flagged except rarely
        assert len(hits - want) <= 1
    assert found_all >= 9


def test_expected_is_mean_of_previous_window_without_current():
    counts = np.full(40, 4)
    counts[35] = 30
    df = pd.DataFrame({"created_at": np.repeat(DAYS[:40], counts), "type": "a"})
    out = detect_spikes(df, baseline=10)
    assert len(out) == 1
    row = out.iloc[0]
    assert row["period"] == DAYS[35] and row["observed"] == 30
    assert row["expected"] == pytest.approx(4.0)
    assert row["p_value"] == pytest.approx(stats.poisson.sf(29, 4.0))
    assert row["history"] == 10
    assert row["score"] == pytest.approx(-np.log10(row["p_value"]))


@pytest.mark.parametrize("method", ["poisson", "negbin", "binomial"])
def test_flat_series_false_alarm_rate_is_bounded(method):
    # 200 independent flat series sets (4 segments x 120 days each); under the null the
    # Benjamini-Hochberg procedure bounds P(any alarm) by alpha = 1 %, so about 2 of 200
    seeds_with_alarm = sum(len(detect_spikes(make(seed, days=DAYS), method=method)) > 0 for seed in range(200))
    assert seeds_with_alarm <= 6


def test_uncorrected_alarm_rate_matches_the_level():
    # without correction, the per-cell false alarm rate must not exceed alpha (the test is exact or conservative)
    cells = alarms = 0
    for seed in range(20):
        out = detect_spikes(make(seed, rates=(20.0,)), correction="none", alpha=0.01, min_count=1, return_all=True)
        cells += len(out)
        alarms += int(out["flagged"].sum())
    assert cells > 2000
    assert alarms / cells <= 0.015


def test_overdispersed_series_negbin_raises_fewer_alarms_than_poisson():
    pois = sum(len(detect_spikes(make(s, rates=(20.0,), dispersion=3.0))) for s in range(30))
    nb = sum(len(detect_spikes(make(s, rates=(20.0,), dispersion=3.0), method="negbin")) for s in range(30))
    assert nb < pois
    assert nb <= 5


def test_min_count_suppresses_small_jumps():
    counts = np.zeros(40, dtype=int)
    counts[30] = 4  # 0 -> 4 is significant but below min_count
    df = pd.DataFrame({"created_at": np.repeat(DAYS[:40], counts), "type": "rare"})
    assert detect_spikes(df, start=DAYS[0]).empty
    assert detect_spikes(df, min_count=3).empty  # no history before the first complaint
    out = detect_spikes(df, min_count=3, start=DAYS[0])
    assert out["observed"].tolist() == [4]
    assert out["expected"].iloc[0] == pytest.approx(0.5 / 28)


def test_series_shorter_than_baseline_uses_the_history_it_has():
    counts = np.array([5, 6, 4, 5, 6, 5, 4, 5, 30])
    df = pd.DataFrame({"created_at": np.repeat(DAYS[:9], counts), "type": "a"})
    out = detect_spikes(df, baseline=28)
    assert len(out) == 1 and out["history"].iloc[0] == 8
    assert out["expected"].iloc[0] == pytest.approx(counts[:8].mean())
    # too short to be tested at all
    assert detect_spikes(df.iloc[: counts[:3].sum()], baseline=28).empty


def test_all_zero_single_segment_and_last():
    empty = pd.DataFrame({"created_at": pd.Series([], dtype="datetime64[ns]"), "type": pd.Series([], dtype=object)})
    out = detect_spikes(empty)
    assert out.empty and tuple(out.columns) == SPIKE_COLUMNS
    df = make(3, rates=(10.0,), spikes=[(0, 60, 30), (0, 119, 30)])
    both = detect_spikes(df)
    assert set(both["period"]) == {DAYS[60], DAYS[119]}
    assert list(detect_spikes(df, last=1)["period"]) == [DAYS[119]]
    everything = detect_spikes(df, return_all=True, last=5)
    assert len(everything) == 5 and everything["flagged"].sum() == 1


def test_weekly_and_by_none():
    df = make(4, rates=(10.0, 10.0), spikes=[(0, 84, 60)])
    weekly = detect_spikes(df, by=None, freq="W", baseline=8)
    assert weekly["segment"].tolist() == ["total"]
    assert weekly["period"].iloc[0] == pd.Timestamp("2024-03-25")  # the Monday of day 84's week


def test_flags_segments():
    df = make(5, rates=(10.0,), spikes=[(0, 70, 30)])
    df["flags"] = np.where(np.arange(len(df)) % 2 == 0, "safety;fraud", "fraud")
    out = detect_spikes(df, by="flags")
    assert set(out["segment"]) <= {"fraud", "safety"}
    assert (out["period"] == DAYS[70]).all() and "fraud" in set(out["segment"])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"method": "gauss"}, "method must be one of"),
        ({"correction": "holm"}, "correction must be one of"),
        ({"baseline": 0}, "baseline"),
        ({"min_count": 0}, "min_count"),
        ({"alpha": 1.5}, "alpha"),
        ({"last": 0}, "last"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        detect_spikes(make(0), **kwargs)
