"""``triage.datasets.sample_tickets``: bundled texts, synthetic metadata, a planted spike."""

from __future__ import annotations

import pandas as pd
import pytest

from triage.datasets import Spike, load_complaints, sample_tickets


@pytest.fixture(scope="module")
def tickets():
    return sample_tickets(3000, seed=0)


def test_shape_determinism_and_texts(tickets):
    assert len(tickets) == 3000 and tickets["ticket_id"].is_unique
    assert tickets["created_at"].between("2026-01-01", "2026-07-01").all()
    assert tickets["created_at"].is_monotonic_increasing
    assert sample_tickets(3000, seed=0).equals(tickets)
    assert not sample_tickets(3000, seed=1).equals(tickets)
    corpus = load_complaints().set_index("id")
    src = corpus.loc[tickets["source_id"]]
    # every text is its corpus row, or a follow-up: a short note in front of it
    assert all(t.endswith(s) and len(t) - len(s) <= 8 for t, s in zip(tickets["text"], src["text"]))
    assert (tickets["text"] != src["text"].to_numpy()).sum() > 10
    assert (tickets["industry"].to_numpy() == src["domain"].to_numpy()).all()


def test_seasonality_and_repeat_customers(tickets):
    by_weekday = tickets["created_at"].dt.day_of_week.value_counts()
    assert by_weekday[[0, 1, 2, 3]].min() > by_weekday[[5, 6]].max()  # quieter weekends
    hours = tickets["created_at"].dt.hour.value_counts()
    assert hours.reindex(range(10, 12)).min() > 3 * hours.reindex(range(2, 5)).max()  # quiet nights
    per_customer = tickets["customer_id"].value_counts()
    repeat_share = per_customer[per_customer > 1].sum() / len(tickets)  # about 15 % from repeat customers
    assert 0.10 < repeat_share < 0.20 and per_customer.max() >= 5


def test_planted_spike_is_where_it_was_asked(tickets):
    logistics = tickets[tickets["industry"] == "logistics"].set_index("created_at").resample("W-SUN").size()
    assert logistics.idxmax() == pd.Timestamp("2026-04-05")  # week 2026-03-30..04-05, mid-range
    assert logistics.max() > 4 * logistics.drop(logistics.idxmax()).median()
    quiet = sample_tickets(3000, seed=0, spikes=None)
    q = quiet[quiet["industry"] == "logistics"].set_index("created_at").resample("W-SUN").size()
    assert q.max() < 3 * q.median()
    custom = sample_tickets(2000, seed=0, spikes=[Spike({"type": "policy", "industry": "telecom"}, start="2026-02-02",
                                                         days=3, share=0.05)])
    days = custom[custom["industry"] == "telecom"].set_index("created_at").resample("D").size()
    assert days.idxmax() in pd.date_range("2026-02-02", periods=3)


def test_bad_arguments_say_what_to_do():
    with pytest.raises(ValueError, match="positive integer"):
        sample_tickets(0)
    with pytest.raises(ValueError, match="before start"):
        sample_tickets(10, start="2026-02-01", end="2026-01-01")
    with pytest.raises(ValueError, match="not a corpus column"):
        sample_tickets(100, spikes=[Spike({"product": "x"})])
    with pytest.raises(ValueError, match="no corpus row matches"):
        sample_tickets(100, spikes=[Spike({"type": "nonsense"})])
    with pytest.raises(ValueError, match="outside"):
        sample_tickets(100, spikes=[Spike(start="2027-01-01")])
    with pytest.raises(ValueError, match="replace=True"):
        sample_tickets(20_000, replace=False)
    assert len(sample_tickets(20_000, spikes=None)) == 20_000  # with replacement when larger than the corpus
