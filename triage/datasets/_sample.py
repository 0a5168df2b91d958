"""A ticket export to try trends, spikes and reports on: real bundled texts, synthetic metadata.

The texts (and the ``channel`` and ``industry`` they were written for) are rows
of the bundled corpus. Everything else is made up by a seeded random
generator: the timestamps, customer ids, regions and the planted spike. The
frame is for examples, tests and benchmarks; it says nothing about real
complaint volumes.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["sample_tickets", "Spike", "DEFAULT_SPIKES", "REGIONS"]

#: Regions (大区) drawn for the ``region`` column, with their shares.
REGIONS: dict[str, float] = {"华东": 0.30, "华南": 0.20, "华北": 0.17, "华中": 0.13, "西南": 0.10, "西北": 0.05, "东北": 0.05}
# relative volume by weekday (Monday first) and by hour of day
_WEEKDAY = (1.15, 1.10, 1.05, 1.05, 1.00, 0.75, 0.65)
_HOURS = (0.15, 0.08, 0.05, 0.05, 0.05, 0.10, 0.25, 0.55, 0.95, 1.30, 1.40, 1.35,
          1.10, 1.05, 1.20, 1.20, 1.15, 1.05, 0.95, 1.10, 1.25, 1.15, 0.80, 0.40)
_HOLIDAY = 0.6  # volume on a statutory holiday (chinese_calendar) relative to a normal day
_GROWTH = 0.25  # volume at the end of the range relative to the start, minus 1
_REPEAT_SHARE = 0.15  # share of tickets written by a repeat customer
_FOLLOWUP = 0.3  # chance that a repeat customer's ticket re-sends their previous complaint
_FOLLOWUP_NOTES = ("再次反映：", "第二次投诉了，", "问题还是没解决，", "重复反映一下：")
_ALIASES = {"industry": "domain"}


@dataclass(frozen=True)
class Spike:
    """A burst of tickets planted in :func:`sample_tickets`.

    Parameters
    ----------
    where : mapping of str to str
        Which corpus rows the burst is drawn from: column of the bundled
        corpus (``type``, ``domain`` (alias ``industry``), ``emotion``,
        ``urgency``, ``channel``) to value, all of which must match.
    start : str or None, default=None
        First day of the burst (``"YYYY-MM-DD"``). ``None``: the Monday
        nearest the middle of the sampled range.
    days : int, default=7
        Length of the burst in days.
    share : float, default=0.02
        Rows in the burst as a share of ``n`` (they are part of the ``n`` rows).
    """

    where: Mapping[str, str] = field(default_factory=lambda: {"type": "timeliness", "domain": "logistics"})
    start: str | None = None
    days: int = 7
    share: float = 0.02


#: The default planted spike: late logistics deliveries (``timeliness`` in ``logistics``), one week mid-range.
DEFAULT_SPIKES: tuple[Spike, ...] = (Spike(),)


def _day_weights(days) -> list[float]:
    import warnings

    import numpy as np

    from ..decisions._calendar import CalendarFallbackWarning, WorkingCalendar

    calendar = WorkingCalendar()  # the statutory holidays the decisions layer uses
    t = np.linspace(0.0, 1.0, len(days)) if len(days) > 1 else np.zeros(1)
    weights = []
    with warnings.catch_warnings():
        # synthetic volumes: the fallback rule's holidays are good enough for years without data
        warnings.simplefilter("ignore", CalendarFallbackWarning)
        for i, day in enumerate(days):
            w = _WEEKDAY[day.weekday()] * (1.0 + _GROWTH * t[i])
            if day.weekday() < 5 and not calendar.is_workday(day):
                w *= _HOLIDAY
            weights.append(w)
    return weights


def _timestamps(rng, days, day_weights, n: int):
    import numpy as np

    p = np.asarray(day_weights, dtype=float)
    day_idx = rng.choice(len(days), size=n, p=p / p.sum())
    hours = np.asarray(_HOURS)
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    seconds = hour * 3600 + rng.integers(0, 3600, size=n)
    base = np.asarray(days.values, dtype="datetime64[s]")
    return base[day_idx] + seconds.astype("timedelta64[s]")


def _parse_day(value, name: str):
    import pandas as pd

    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise ValueError(f"sample_tickets: {name} must be a date such as '2026-01-01', got {value!r}") from None


def sample_tickets(
    n: int = 5000,
    *,
    seed: int = 0,
    start: str | _dt.date = "2026-01-01",
    end: str | _dt.date = "2026-06-30",
    spikes: Sequence[Spike] | None = DEFAULT_SPIKES,
    replace: bool | None = None,
):
    """A synthetic ticket export built on the bundled corpus texts.

    Each row is a text of the bundled corpus (``datasets/complaints.csv``) with
    **synthetic metadata**: a ``created_at`` timestamp (weekday and hour-of-day
    seasonality, a slow upward trend, lower volume on Chinese statutory
    holidays), a ``customer_id`` (about 15 % of tickets come from a pool of
    repeat customers), a ``region``, and optionally planted spikes. The
    ``channel`` and ``industry`` are those the corpus text was written for.
    The texts are corpus rows, except follow-ups: about 30 % of a repeat
    customer's later tickets re-send their previous complaint with a short
    note in front (``再次反映：``, ``第二次投诉了，`` ...), as near-duplicates to
    find. The volumes, dates, customers and follow-ups are not real data. The labels are not included: run the model
    (:func:`triage.label_file` or ``predict_frame``) or join the corpus on
    ``source_id``.

    Parameters
    ----------
    n : int, default=5000
        Rows to return.
    seed : int, default=0
        Seed of the generator: the same arguments give the same frame.
    start, end : str or date, default="2026-01-01", "2026-06-30"
        First and last day (inclusive) of ``created_at``.
    spikes : sequence of Spike or None, default=DEFAULT_SPIKES
        Bursts to plant; ``None`` or ``()`` for none. The default is one week
        of extra late-delivery complaints (``timeliness`` in ``logistics``)
        in the middle of the range.
    replace : bool or None, default=None
        Draw corpus rows with replacement. ``None``: only when ``n`` exceeds
        the corpus size (as for a 1,000,000-row benchmark file).

    Returns
    -------
    pandas.DataFrame
        Columns ``ticket_id, created_at, customer_id, channel, region,
        industry, source_id, text``, sorted by ``created_at``. ``source_id``
        is the corpus row id of the text.

    Examples
    --------
    >>> df = sample_tickets(300, seed=1)
    >>> list(df.columns)
    ['ticket_id', 'created_at', 'customer_id', 'channel', 'region', 'industry', 'source_id', 'text']
    >>> len(df), df["created_at"].is_monotonic_increasing, df["customer_id"].duplicated().any()
    (300, True, np.True_)
    >>> sample_tickets(300, seed=1).equals(df)
    True
    """
    import numpy as np
    import pandas as pd

    from . import load_complaints

    if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 1:
        raise ValueError(f"sample_tickets: n must be a positive integer, got {n!r}")
    first, last = _parse_day(start, "start"), _parse_day(end, "end")
    if last < first:
        raise ValueError(f"sample_tickets: end ({last.date()}) is before start ({first.date()})")
    rng = np.random.default_rng(seed)
    corpus = load_complaints()
    days = pd.date_range(first, last, freq="D")
    weights = _day_weights(days)

    picks, stamps = [], []
    for spike in spikes or ():
        if not isinstance(spike, Spike):
            raise TypeError(f"sample_tickets: spikes must hold Spike objects, got {type(spike).__name__}")
        mask = np.ones(len(corpus), dtype=bool)
        for col, value in spike.where.items():
            col = _ALIASES.get(col, col)
            if col not in corpus.columns:
                raise ValueError(f"sample_tickets: Spike.where names {col!r}, which is not a corpus column; use one of {list(corpus.columns)}")
            mask &= (corpus[col] == value).to_numpy()
        pool = np.flatnonzero(mask)
        if not len(pool):
            raise ValueError(f"sample_tickets: no corpus row matches Spike.where={dict(spike.where)!r}")
        k = int(round(spike.share * n))
        if spike.start is None:
            mid = first + (last - first) / 2
            s0 = (mid - pd.Timedelta(days=mid.weekday())).normalize()
            s0 = s0 if s0 >= first else first
        else:
            s0 = _parse_day(spike.start, "Spike.start")
        window = (days >= s0) & (days < s0 + pd.Timedelta(days=spike.days))
        if not window.any():
            raise ValueError(f"sample_tickets: the spike starting {s0.date()} lies outside {first.date()}..{last.date()}")
        if k:
            picks.append(rng.choice(pool, size=k, replace=k > len(pool)))
            stamps.append(_timestamps(rng, days[window], np.asarray(weights)[window], k))
    n_spiked = sum(len(p) for p in picks)
    if n_spiked > n:
        raise ValueError(f"sample_tickets: the spikes hold {n_spiked} rows, more than n={n}; lower Spike.share")
    n_bg = n - n_spiked
    with_replacement = n_bg > len(corpus) if replace is None else replace
    if n_bg > len(corpus) and not with_replacement:
        raise ValueError(f"sample_tickets: n={n} exceeds the {len(corpus)} corpus rows; pass replace=True")
    picks.insert(0, rng.choice(len(corpus), size=n_bg, replace=with_replacement))
    stamps.insert(0, _timestamps(rng, days, weights, n_bg))
    rows = np.concatenate(picks)
    created = np.concatenate(stamps)

    # customers: most write once, a pool of regulars writes again and again (heavy-tailed)
    n_regulars = max(1, n // 50)
    regular = rng.random(n) < _REPEAT_SHARE
    rank_w = np.arange(1, n_regulars + 1) ** -0.5
    who = np.where(regular, rng.choice(n_regulars, size=n, p=rank_w / rank_w.sum()), n_regulars + np.arange(n))
    codes = rng.permutation(n_regulars + n) + 1_000_000  # shuffled ids, so the id says nothing about the kind
    region_names = np.asarray(list(REGIONS), dtype=object)
    region_p = np.asarray(list(REGIONS.values()))

    spiked = np.zeros(n, dtype=bool)
    spiked[n_bg:] = True  # picks[0] is the background, the spikes follow
    order = np.argsort(created, kind="stable")
    rows, created, who, spiked = rows[order], created[order], who[order], spiked[order]
    # follow-ups: a repeat customer sometimes sends an earlier complaint again, with a short note in front
    base = corpus["text"].to_numpy(dtype=object)
    texts = base[rows]
    again = (rng.random(n) < _FOLLOWUP) & ~spiked
    notes = rng.integers(0, len(_FOLLOWUP_NOTES), size=n)
    previous: dict[int, int] = {}
    for i in np.flatnonzero(who < n_regulars):
        j = previous.get(int(who[i]))
        if j is not None and again[i]:
            rows[i] = rows[j]
            texts[i] = _FOLLOWUP_NOTES[notes[i]] + base[rows[j]]
        previous[int(who[i])] = i
    take = corpus.iloc[rows]
    return pd.DataFrame(
        {
            "ticket_id": [f"T{i:07d}" for i in range(1, n + 1)],
            "created_at": pd.to_datetime(created),
            "customer_id": [f"u{c}" for c in codes[who]],
            "channel": take["channel"].to_numpy(),
            "region": region_names[rng.choice(len(region_names), size=n, p=region_p / region_p.sum())],
            "industry": take["domain"].to_numpy(),
            "source_id": take["id"].to_numpy(),
            "text": texts,
        }
    )
