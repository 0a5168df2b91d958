"""Build the HTML report of a labelled complaint table."""

from __future__ import annotations

import datetime as _dt
import logging
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._version import __version__
from ..exceptions import InputFormatError, MissingDependencyError
from ..labels import EMOTIONS, FLAGS, NONE_TYPE, TYPES, URGENCIES
from . import _html as H
from ._fonts import INSTALL_HINT

__all__ = ["build_report", "ReportSummary", "REQUIRED_COLUMNS", "TIME_COLUMNS", "SECTIONS"]

logger = logging.getLogger(__name__)

#: Result columns a labelled table must have (``triage label`` writes them).
REQUIRED_COLUMNS: tuple[str, ...] = ("type", "emotion", "urgency")
#: Timestamp columns looked for, in order, when ``time_col`` is not given.
TIME_COLUMNS: tuple[str, ...] = (
    "created_at", "created", "timestamp", "datetime", "date", "time", "submitted_at", "received_at", "opened_at",
    "创建时间", "提交时间", "时间", "日期",
)
#: Section ids, in page order (a section without its data is left out and a note says why).
SECTIONS: tuple[str, ...] = ("overview", "volume", "distributions", "spikes", "terms", "clusters", "urgent", "notes")
_CUSTOMER_COLUMNS = ("customer_id", "user_id", "customer", "客户ID")
_ID_COLUMNS = ("ticket_id", "id", "case_id", "ticket", "complaint_id", "order_id", "工单号")
#: Terms and clusters are computed on a deterministic sample of at most this many rows.
MAX_TEXT_ROWS = 200_000
#: Repeated messages are looked for in a sample of at most this many recent complaints.
MAX_DUPLICATE_ROWS = 20_000
#: Clusters are looked for in the complaints of the last this many days (all rows without a time column).
RECENT_DAYS = 28
_TEXT_CHARS = 240  # complaint texts in tables are cut to this many characters


@dataclass
class ReportSummary:
    """What :func:`build_report` wrote.

    Attributes
    ----------
    path : Path
        The HTML file.
    rows : int
        Rows in the table.
    sections : tuple of str
        Ids of the sections present (anchors in the page), see :data:`SECTIONS`.
    spikes : int
        Spikes detected (over every ``by`` column).
    notes : tuple of str
        Sections left out and why, and other caveats (also shown in the page).
    seconds : float
        Wall time of the build.
    timings : dict of str to float
        Seconds spent per step.
    """

    path: Path
    rows: int
    sections: tuple[str, ...]
    spikes: int
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def render(self) -> str:
        size = self.path.stat().st_size if self.path.exists() else 0
        lines = [
            f"report: {self.path} ({size / 1024:,.0f} KiB)",
            f"rows: {self.rows:,}",
            f"sections: {', '.join(self.sections)}",
            f"spikes: {self.spikes}",
            f"wall time: {self.seconds:.1f} s ("
            + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items())
            + ")",
        ]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


class _Clock:
    def __init__(self):
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self._t
        self._t = now


def _cut(text, n: int = _TEXT_CHARS) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _as_bool(s):
    import pandas as pd

    if s.dtype == bool:
        return s
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s.fillna(0).astype(float) != 0
    return s.astype(str).str.strip().str.lower().isin(("true", "1", "yes", "y", "t"))


def _parse_time(values, col: str, explicit: bool):
    """Timestamps as tz-naive datetime64[ns] (local wall time kept), or None when the column is not timestamps."""
    from ..analytics._text import parse_timestamps

    s = values
    parsed, missing = parse_timestamps(s)
    bad = parsed.isna() & ~missing
    n_ok = int(parsed.notna().sum())
    if n_ok == 0 or bad.sum() > n_ok:
        if explicit:
            examples = ", ".join(repr(v) for v in s[bad].head(3).tolist())
            raise InputFormatError(
                f"the time column {col!r} does not hold timestamps ({int(bad.sum()):,} of {len(s):,} values do not "
                f"parse, e.g. {examples}); pass another column with --time-col, or fix the values"
            )
        return None
    if bad.any():
        logger.warning("%d value(s) of %r are not timestamps: those rows are left out of the trends", int(bad.sum()), col)
    return parsed.astype("datetime64[ns]")


def _auto_freq(first, last) -> str:
    days = (last - first).days
    return "D" if days <= 92 else "W" if days <= 3 * 366 else "M"


def _ordered_counts(s, order: Sequence[str]) -> dict[str, int]:
    vc = s.value_counts()
    known = [k for k in order if k in vc.index]
    rest = [k for k in vc.index if k not in set(order)]
    return {str(k): int(vc[k]) for k in [*known, *rest]}


def _flag_counts(s) -> dict[str, int]:
    vc = s.astype(str).value_counts()  # few distinct flag strings: split those, not every row
    counter: Counter = Counter()
    for cell, n in vc.items():
        for flag in str(cell).replace("|", ";").split(";"):
            flag = flag.strip()
            if flag and flag.lower() not in ("nan", "none"):
                counter[flag] += int(n)
    order = [f for f in FLAGS if f in counter] + sorted(f for f in counter if f not in FLAGS)
    return {f: counter[f] for f in order}


def _sample(df, n: int, seed: int = 0):
    return df if len(df) <= n else df.sample(n=n, random_state=seed).sort_index()


def _prepare(df, *, text_col: str, time_col: str | None, by: Sequence[str], notes: list[str]):
    """A working frame with normalised result columns and parsed timestamps, and the time column used."""
    import pandas as pd

    missing = [c for c in by if c not in df.columns]
    if missing:
        raise InputFormatError(
            f"--by {missing[0]!r} is not a column of the table; its columns are {list(df.columns)[:30]}"
        )
    if time_col is not None and time_col not in df.columns:
        raise InputFormatError(
            f"the time column {time_col!r} is not in the table; its columns are {list(df.columns)[:30]}. "
            "Pass the right one with --time-col (or leave it out to report without trends)"
        )
    cols = dict.fromkeys([text_col, *REQUIRED_COLUMNS, *by])
    for c in ("flags", "is_complaint", "urgency_proba", "complaint_proba", "type_proba", "error", *_ID_COLUMNS,
              *_CUSTOMER_COLUMNS):
        if c in df.columns:
            cols[c] = None
    src = df.reset_index(drop=True)
    work = src[list(cols)]  # copy-on-write: columns are shared with the input until changed here
    for c in REQUIRED_COLUMNS:
        work[c] = work[c].fillna("").astype(str).str.strip()
    for c in ("urgency_proba", "complaint_proba", "type_proba"):
        if c in work:
            work[c] = pd.to_numeric(work[c], errors="coerce")
    work["is_complaint"] = _as_bool(work["is_complaint"]) if "is_complaint" in work else work["type"] != NONE_TYPE
    used = None
    candidates = [time_col] if time_col is not None else [c for c in TIME_COLUMNS if c in df.columns]
    for c in candidates:
        parsed = _parse_time(src[c], c, explicit=time_col is not None)
        if parsed is not None:
            work["__time__"] = parsed.to_numpy()
            used = c
            n_missing = int(parsed.isna().sum())
            if n_missing:
                notes.append(f"{n_missing:,} row(s) have no valid timestamp in {c!r}: they are left out of the "
                             "volume, spike and cluster sections (and counted everywhere else).")
            break
    if used is None:
        tried = f" ({', '.join(candidates)} did not hold timestamps)" if candidates else ""
        notes.append(
            "No time column" + tried + ": the volume-over-time and spike sections are left out. "
            "Pass one with --time-col (time_col=...) to get them."
        )
    return work, used


def _volume(work, by, freq, clock) -> tuple[list[H.Html], dict]:
    from ..analytics import counts
    from ._charts import volume_png

    body, tables = [], {}
    for b in by:
        table = counts(work, by=b, time_col="__time__", freq=freq)
        tables[b] = table
        if table.empty or table.shape[1] == 0:
            body.append(H.paragraph(f"No rows with a {b} value and a timestamp.", cls="note"))
            continue
        png = volume_png(table, title=f"Rows per {_FREQ_WORD[freq]} by {b}")
        body.append(H.image(png, f"Rows per {_FREQ_WORD[freq]} by {b}, stacked"))
        clock.lap("volume")
    if freq != "D":
        body.append(H.paragraph(f"The first and last {_FREQ_WORD[freq]} may be partial (the data starts or ends "
                                "inside them).", cls="muted"))
    return body, tables


_FREQ_WORD = {"D": "day", "W": "week", "M": "month"}


def _spikes(work, by, clock) -> tuple[list[H.Html], int]:
    import pandas as pd

    from ..analytics import counts, detect_spikes
    from ._charts import spikes_png

    found = []
    for b in by:
        sp = detect_spikes(work, by=b, time_col="__time__", freq="D", method="negbin")
        if len(sp):
            sp = sp.assign(by=b)
            found.append(sp)
    clock.lap("spikes")
    body = [H.paragraph(
        "A spike is a day whose count in one segment is far above the mean of the previous 28 days "
        "(one-sided negative-binomial test, whose dispersion absorbs ordinary day-to-day swings; Benjamini-Hochberg adjusted "
        "p ≤ 0.01, at least 5 rows).", cls="muted")]
    if not found:
        body.append(H.paragraph("No spikes detected.", cls="note"))
        return body, 0
    allsp = pd.concat(found, ignore_index=True).sort_values(["p_value", "ratio"], ascending=[True, False])
    rows = [
        (r.by, r.segment, r.period.strftime("%Y-%m-%d"), int(r.observed), f"{r.expected:.1f}", f"{r.ratio:.1f}×",
         f"{r.p_value:.1e}")
        for r in allsp.head(25).itertuples()
    ]
    body.append(H.table(["by", "segment", "day", "observed", "expected", "ratio", "p"], rows,
                        numeric=("observed", "expected", "ratio", "p")))
    if len(allsp) > 25:
        body.append(H.paragraph(f"{len(allsp) - 25} more spikes not shown.", cls="muted"))
    # chart: the daily series of the (up to four) most significant segments, spikes marked
    series, marks = {}, {}
    for key, grp in allsp.groupby(["by", "segment"], sort=False):
        if len(series) == 4:
            break
        b, seg = key
        daily = counts(work, by=b, time_col="__time__", freq="D")
        col = next((c for c in daily.columns if str(c) == seg), None)
        if col is None:
            continue
        name = seg if b == by[0] else f"{b}: {seg}"
        series[name] = daily[col]
        marks[name] = [(p.to_pydatetime(), o, e) for p, o, e in zip(grp["period"], grp["observed"], grp["expected"])]
    if series:
        body.append(H.image(spikes_png(series, marks, title="Daily rows in the segments with the strongest spikes"),
                            "Daily counts with spikes marked"))
    clock.lap("spikes")
    return body, len(allsp)


def _terms(work, text_col, top, notes, clock) -> list[H.Html]:
    from ..analytics import distinguishing_terms
    from ._charts import terms_png

    sample = _sample(work, MAX_TEXT_ROWS)
    if sample["type"].nunique() < 2:
        notes.append("Top terms need at least two types in the table: section left out.")
        return []
    terms = distinguishing_terms(sample, by="type", text_col=text_col, top=top)
    clock.lap("terms")
    order = [t for t in (*TYPES, NONE_TYPE) if t in set(terms["segment"])]
    order += sorted(set(terms["segment"]) - set(order))
    body = [H.paragraph(
        "Words that set each type apart from the others (segmented with the model's own tokenizer, "
        "stop words removed)" + (f"; computed on a random sample of {len(sample):,} of {len(work):,} rows."
                                 if len(sample) < len(work) else "."), cls="muted")]
    per = {seg: list(zip(g["term"], g["score"]))[:10] for seg, g in terms.groupby("segment", sort=False)}
    per = {seg: per[seg] for seg in order if seg != NONE_TYPE and per.get(seg)}
    if per:
        body.append(H.image(terms_png(per, title="Top terms per type"), "Top terms per type"))
    rows = []
    for seg in order:
        g = terms[terms["segment"] == seg]
        tags = "".join(f'<span class="tag">{H.esc(t)} <span class="muted">{int(c):,}</span></span>'
                       for t, c in zip(g["term"], g["count"]))
        rows.append((seg, H.Html(tags)))
    body.append(H.table(["type", f"top {top} terms (rows containing the term)"], rows))
    clock.lap("terms")
    return body


def _clusters(work, text_col, has_time, notes, clock) -> list[H.Html]:
    from ..analytics import topics

    recent = work[work["is_complaint"]]
    scope = "all complaints"
    if has_time and len(recent):
        end = recent["__time__"].max()
        start = end - _dt.timedelta(days=RECENT_DAYS)
        recent = recent[recent["__time__"] > start]
        scope = f"complaints of the last {RECENT_DAYS} days ({start:%Y-%m-%d} to {end:%Y-%m-%d})"
    if len(recent) < 30:
        notes.append(f"Clusters need at least 30 complaints in scope ({scope}); found {len(recent)}: section left out.")
        return []
    n_topics = 6 if len(recent) >= 300 else 3
    found = topics(recent, text_col=text_col, n_topics=n_topics, top_terms=8, n_examples=2, seed=0, max_docs=20_000)
    clock.lap("clusters")
    body = [H.paragraph(f"Groups of similar {scope}: {len(recent):,} rows"
                        + (", clustered on a random sample of 20,000" if len(recent) > 20_000 else "")
                        + ". Largest first; each with its characteristic terms and example texts.", cls="muted")]
    rows = []
    for r in found.sort_values("size", ascending=False).itertuples():
        terms = r.terms if isinstance(r.terms, str) else "、".join(map(str, r.terms))
        examples = r.examples if isinstance(r.examples, list | tuple) else [r.examples]
        ex = H.Html("<br>".join(H.esc("• " + _cut(e, 120)) for e in examples))
        rows.append((int(r.size), f"{r.share:.0%}", terms, ex))
    body.append(H.table(["size", "share", "terms", "examples"], rows, numeric=("size", "share"), text=("examples",)))
    body += _repeated(recent, text_col, has_time)
    clock.lap("clusters")
    return body


def _repeated(recent, text_col, has_time) -> list[H.Html]:
    """Groups of near-identical messages among the recent complaints (campaigns, customers writing again)."""
    from ..analytics import duplicate_groups

    scope = _sample(recent, MAX_DUPLICATE_ROWS)
    groups = duplicate_groups(scope, text_col=text_col, threshold=0.8)
    big = groups[groups["group_size"] >= 3]
    body = [H.Html("<h3>Repeated messages</h3>")]
    if not len(big):
        body.append(H.paragraph("No message was sent three times or more (near-duplicates included).", cls="muted"))
        return body
    joined = scope.loc[big.index].assign(__group__=big["group"], __size__=big["group_size"])
    cust = next((c for c in _CUSTOMER_COLUMNS if c in joined.columns), None)
    rows = []
    for _, g in sorted(joined.groupby("__group__"), key=lambda kv: -len(kv[1]))[:8]:
        row = [len(g)]
        if cust:
            row.append(g[cust].nunique())
        if has_time:
            row.append(f"{g['__time__'].min():%Y-%m-%d} to {g['__time__'].max():%Y-%m-%d}")
        row.append(_cut(g[text_col].iloc[0], 160))
        rows.append(row)
    cols = ["messages"] + (["customers"] if cust else []) + (["seen"] if has_time else []) + ["example"]
    sampled = f" (in a random sample of {len(scope):,})" if len(scope) < len(recent) else ""
    body.append(H.paragraph(
        f"Near-identical texts (similarity ≥ 0.8 after normalisation) sent three times or more{sampled}: "
        "one customer writing again, or many writing the same thing.", cls="muted"))
    body.append(H.table(cols, rows, numeric=("messages", "customers"), text=("example",)))
    return body


def _urgent(work, text_col, top, time_used) -> list[H.Html]:
    import numpy as np

    rank = work["urgency"].map({u: i for i, u in enumerate(URGENCIES)}).fillna(len(URGENCIES)).to_numpy()
    cand = np.flatnonzero(rank <= 1)  # high and medium only
    if not len(cand):
        return [H.paragraph("No high- or medium-urgency rows.", cls="note")]
    sub = work.iloc[cand].assign(__rank__=rank[cand])
    keys, asc = ["__rank__"], [True]
    for c in ("urgency_proba", "complaint_proba"):
        if c in sub:
            keys.append(c)
            asc.append(False)
    sub = sub.sort_values(keys, ascending=asc, kind="stable").head(top)
    id_col = next((c for c in _ID_COLUMNS if c in work.columns), None)
    cols = ([id_col] if id_col else []) + (["time"] if time_used else []) + ["urgency", "flags", "type", "emotion"]
    cols += ["p(urgency)"] if "urgency_proba" in sub else []
    cols += ["text"]
    rows = []
    for _, r in sub.iterrows():
        row = [r[id_col]] if id_col else []
        if time_used:
            row.append("" if r["__time__"] != r["__time__"] else f"{r['__time__']:%Y-%m-%d %H:%M}")
        urg = H.Html(f'<span class="high">{H.esc(r["urgency"])}</span>') if r["urgency"] == "high" else r["urgency"]
        flags = str(r["flags"]) if "flags" in sub and r["flags"] == r["flags"] else ""
        row += [urg, flags.replace(";", ", "), r["type"], r["emotion"]]
        if "urgency_proba" in sub:
            row.append("" if r["urgency_proba"] != r["urgency_proba"] else f"{r['urgency_proba']:.2f}")
        row.append(_cut(r[text_col]))
        rows.append(row)
    n_high = int((rank == 0).sum())
    intro = H.paragraph(
        f"The {len(sub)} most urgent rows of {n_high:,} high-urgency rows: by urgency, then by the model's "
        "probability of that urgency" + (", then of being a complaint" if "complaint_proba" in sub else "") + ".",
        cls="muted")
    return [intro, H.table(cols, rows, numeric=("p(urgency)",), text=("text",))]


def build_report(
    df,
    path,
    *,
    time_col: str | None = None,
    by: str | Sequence[str] | None = None,
    text_col: str = "text",
    freq: str | None = None,
    title: str | None = None,
    top: int = 20,
    source: str | None = None,
    model_name: str | None = None,
) -> ReportSummary:
    """Write a self-contained HTML report of a labelled complaint table.

    The page has: an overview (rows, date range, complaint share, urgency), the
    volume over time by each ``by`` column (stacked charts), the distribution of
    types, emotions, urgency and flags, detected spikes (table and chart), the
    top terms per type, clusters among recent complaints, and the most urgent
    complaints with their flags. Charts are PNG images inside the file
    (``data:`` URIs) drawn with a CJK font (see :func:`find_cjk_font`); the
    page has inline CSS, no script and no external reference, so it opens
    offline and can be mailed as one file. Complaint texts are HTML-escaped.

    Parameters
    ----------
    df : pandas.DataFrame
        A labelled table: the output of ``triage label``, :func:`triage.label_file`
        or ``model.predict_frame``. It needs ``type``, ``emotion`` and ``urgency``;
        ``flags``, ``is_complaint`` and the ``*_proba`` columns are used when present.
    path : str or path
        The HTML file to write (replaced atomically).
    time_col : str, optional
        Timestamp column. ``None`` looks for one of :data:`TIME_COLUMNS`
        (``created_at`` first); without one, the trend and spike sections are
        left out and the page says so.
    by : str or list of str, optional
        Segment columns for the volume charts and spike detection (default
        ``"type"``); for instance ``["type", "industry"]``.
    text_col : str, default="text"
    freq : {"D", "W", "M"}, optional
        Period of the volume charts; default from the date range (days up to
        three months, weeks up to three years, else months). Spikes are
        always looked for per day.
    title : str, optional
        Page title; default "Complaint report".
    top : int, default=20
        Rows in the most-urgent table (terms per type: 15).
    source : str, optional
        Where the table came from (shown in the header), e.g. the input file name.
    model_name : str, optional
        The model that labelled the table, when known (shown in the header).

    Returns
    -------
    ReportSummary

    Raises
    ------
    InputFormatError
        The table is not labelled (run ``triage label`` first), or a named
        column is missing or does not hold timestamps.

    Examples
    --------
    >>> import tempfile, triage
    >>> from pathlib import Path
    >>> from triage.datasets import sample_tickets
    >>> from triage.report import build_report
    >>> df = triage.load().predict_frame(sample_tickets(600, seed=3))
    >>> out = Path(tempfile.mkdtemp()) / "report.html"
    >>> summary = build_report(df, out, by=["type", "industry"])
    >>> summary.sections
    ('overview', 'volume', 'distributions', 'spikes', 'terms', 'clusters', 'urgent')
    >>> "<img" in out.read_text(encoding="utf-8")
    True
    """
    import pandas as pd

    clock = _Clock()
    t0 = time.perf_counter()
    try:
        import matplotlib  # noqa: F401
    except ImportError as e:
        raise MissingDependencyError(f"reports draw charts with matplotlib: {INSTALL_HINT}") from e
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"build_report: df must be a pandas DataFrame, got {type(df).__name__}")
    if not isinstance(top, int) or top < 1:
        raise ValueError(f"build_report: top must be a positive integer, got {top!r}")
    if freq is not None and freq not in _FREQ_WORD:
        raise ValueError(f"build_report: freq must be 'D', 'W' or 'M', got {freq!r}")
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        where = f"{source!r}" if source else "the table"
        if model_name is not None and "error" in df.columns:  # labelled here, by a model that lacks these heads
            raise InputFormatError(
                f"the model {model_name!r} has no {', '.join(missing)} head(s): the report needs type, emotion "
                "and urgency columns; label the file with a model that has them (e.g. the bundled one)"
            )
        raise InputFormatError(
            f"{where} is not labelled: it has no {', '.join(missing)} column(s) (its columns are "
            f"{list(df.columns)[:20]}). Label it first: triage label INPUT -o labelled.csv --text-col {text_col}, "
            "then report on labelled.csv; or pass --label to triage report to label it on the fly"
        )
    if text_col not in df.columns:
        raise InputFormatError(f"the table has no text column {text_col!r}; its columns are {list(df.columns)[:20]}; pass --text-col")
    by = ["type"] if by is None else [by] if isinstance(by, str) else list(dict.fromkeys(by))
    if not by:
        raise ValueError("build_report: by must name at least one column")
    path = Path(path)
    notes: list[str] = []
    work, time_used = _prepare(df, text_col=text_col, time_col=time_col, by=by, notes=notes)
    clock.lap("prepare")
    n = len(work)
    if n == 0:
        raise InputFormatError(f"{source or 'the table'} has no rows: nothing to report")

    sections: list[H.Section] = []
    # overview
    n_complaints = int(work["is_complaint"].sum())
    urg = _ordered_counts(work["urgency"], URGENCIES)
    first = last = None
    if time_used:
        ts = work["__time__"].dropna()
        first, last = ts.min(), ts.max()
    freq = freq or (_auto_freq(first, last) if time_used else "W")
    overview = [
        ("rows", f"{n:,}"),
        ("complaints", f"{n_complaints:,} ({n_complaints / n:.1%})"),
        ("high urgency", f"{urg.get('high', 0):,} ({urg.get('high', 0) / n:.1%})"),
        ("medium urgency", f"{urg.get('medium', 0):,} ({urg.get('medium', 0) / n:.1%})"),
    ]
    if "error" in work:
        n_err = int((work["error"].fillna("").astype(str).str.strip() != "").sum())
        overview.append(("rows with errors", f"{n_err:,} (missing or empty text: labelled none/calm/low)"))
    sections.append(H.Section("overview", "Overview", [H.table(["", "value"], overview, numeric=("value",))]))
    # volume over time
    if time_used:
        body, _ = _volume(work, by, freq, clock)
        sections.append(H.Section("volume", f"Volume over time (per {_FREQ_WORD[freq]})", body))
    # distributions
    from ._charts import distribution_png

    panels = [
        ("type", _ordered_counts(work["type"], (*TYPES, NONE_TYPE))),
        ("emotion", _ordered_counts(work["emotion"], EMOTIONS)),
        ("urgency", urg),
    ]
    dist = [H.image(distribution_png(panels), "Distribution of types, emotions and urgency")]
    if "flags" in work:
        flags = _flag_counts(work["flags"])
        if flags:
            dist.append(H.image(distribution_png([("urgency reasons (flags), share of rows", flags)], total=n),
                                "Urgency reasons"))
    rows = [(head, k, f"{v:,}", f"{v / n:.1%}") for head, c in panels for k, v in c.items()]
    dist.append(H.table(["head", "label", "rows", "share"], rows, numeric=("rows", "share")))
    sections.append(H.Section("distributions", "Types, emotions and urgency", dist))
    clock.lap("distributions")
    # spikes
    n_spikes = 0
    if time_used:
        body, n_spikes = _spikes(work, by, clock)
        sections.append(H.Section("spikes", "Spikes", body))
    # terms and clusters
    body = _terms(work, text_col, 15, notes, clock)
    if body:
        sections.append(H.Section("terms", "Top terms per type", body))
    body = _clusters(work, text_col, bool(time_used), notes, clock)
    if body:
        sections.append(H.Section("clusters", "Emerging clusters", body))
    sections.append(H.Section("urgent", "Most urgent complaints", _urgent(work, text_col, top, time_used)))
    clock.lap("urgent")
    if notes:
        sections.append(H.Section("notes", "Notes", [H.paragraph(x, cls="note") for x in notes]))

    now = _dt.datetime.now().astimezone()
    meta = [
        ("input", source or "(a DataFrame)"),
        ("rows", f"{n:,}"),
        ("date range", f"{first:%Y-%m-%d} to {last:%Y-%m-%d} ({time_used})" if time_used else "(no time column)"),
        ("segments", ", ".join(by)),
        ("model", model_name or "not recorded in the table"),
        ("generated", now.strftime("%Y-%m-%d %H:%M %Z")),
        ("triage version", __version__),
    ]
    doc = H.page(title or "Complaint report", meta, sections, generator=f"triage {__version__}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(doc, encoding="utf-8")
    os.replace(tmp, path)
    clock.lap("write")
    summary = ReportSummary(
        path=path, rows=n, sections=tuple(s.id for s in sections), spikes=n_spikes, notes=tuple(notes),
        seconds=time.perf_counter() - t0, timings=clock.timings,
    )
    logger.info("wrote %s: %d rows, sections %s", path, n, ", ".join(summary.sections))
    return summary
