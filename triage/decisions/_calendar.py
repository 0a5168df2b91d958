"""Working days in mainland China: statutory holidays, make-up working days (调休), time zones.

Which days are working days, for a year ``Y``:

1. If ``chinese_calendar`` knows ``Y`` (2004–2026 for chinesecalendar 1.11): its
   holidays and make-up working days, plus Monday–Friday.
2. Otherwise the **fallback rule**: Monday–Friday are working days except the
   solar fixed-date statutory holidays, 1 January, 1–2 May and 1–3 October, and
   Qingming (the day of the 清明 solar term, 4 or 5 April, from
   ``chinese_calendar``'s solar-term table, which covers 1900–2100). The lunar
   holidays (Spring Festival, Dragon Boat, Mid-Autumn) and the make-up working
   days are **not** in the fallback: they are set each year by the State
   Council's notice. A :class:`CalendarFallbackWarning` says so, once per year
   and calendar.
3. The user's lists win over both: ``holidays`` are days off, ``workdays`` are
   make-up working days (a Saturday or Sunday worked). A year for which the user
   lists at least one holiday or make-up day is taken to be covered by the
   user's lists (the State Council's notice for that year): no warning, and the
   fallback rule still supplies weekends and the fixed dates.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from ._duration import Duration

__all__ = ["WorkingCalendar", "CalendarFallbackWarning", "parse_dates", "FALLBACK_FIXED_HOLIDAYS"]

#: The fixed-date statutory holidays (month, day) of the fallback rule (since 2025).
FALLBACK_FIXED_HOLIDAYS: tuple[tuple[int, int], ...] = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))
_MAX_GAP_DAYS = 400  # a search for the next working day gives up after this many days off in a row


class CalendarFallbackWarning(UserWarning):
    """Working days of a year that ``chinese_calendar`` does not know follow the fallback rule."""


def _to_date(value, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise ValueError(f"{where}: expected a date as 'YYYY-MM-DD' or 'YYYY-MM-DD..YYYY-MM-DD', got {value!r}")
    raise TypeError(f"{where}: expected a date or a 'YYYY-MM-DD' string, got {type(value).__name__}")


def parse_dates(values: Iterable, where: str = "dates") -> frozenset[date]:
    """Dates from ``date`` objects, ``"YYYY-MM-DD"`` strings and inclusive ranges ``"YYYY-MM-DD..YYYY-MM-DD"``.

    Examples
    --------
    >>> sorted(parse_dates(["2027-02-05..2027-02-07", "2027-01-01"]))
    [datetime.date(2027, 1, 1), datetime.date(2027, 2, 5), datetime.date(2027, 2, 6), datetime.date(2027, 2, 7)]
    """
    if isinstance(values, (str, date)):
        values = [values]
    try:
        items = list(values)
    except TypeError:
        raise TypeError(f"{where}: expected a list of dates, got {type(values).__name__}") from None
    out: set[date] = set()
    for v in items:
        if isinstance(v, str) and ".." in v:
            lo, _, hi = v.partition("..")
            a, b = _to_date(lo, where), _to_date(hi, where)
            if b < a:
                raise ValueError(f"{where}: range {v!r} ends before it starts")
            if (b - a).days > 366:
                raise ValueError(f"{where}: range {v!r} is longer than a year")
            out.update(a + timedelta(days=i) for i in range((b - a).days + 1))
        else:
            out.add(_to_date(v, where))
    return frozenset(out)


def _zone(name: str | tzinfo) -> tzinfo:
    if isinstance(name, tzinfo):
        return name
    if not isinstance(name, str):
        raise TypeError(f"timezone: expected an IANA zone name such as 'Asia/Shanghai', got {type(name).__name__}")
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"timezone: unknown IANA time zone {name!r}; use e.g. 'Asia/Shanghai' or 'Asia/Hong_Kong'"
        ) from None


class WorkingCalendar:
    """Working days and deadline arithmetic in one time zone.

    Parameters
    ----------
    timezone : str or tzinfo, default="Asia/Shanghai"
        Dates are read in this zone; every datetime returned is aware, in this zone.
    holidays : iterable of date or str, default=()
        Extra days off (``"YYYY-MM-DD"`` or ranges ``"YYYY-MM-DD..YYYY-MM-DD"``).
    workdays : iterable of date or str, default=()
        Extra make-up working days (调休), typically Saturdays or Sundays.
    use_chinese_calendar : bool, default=True
        Read the years it knows from ``chinese_calendar``. With ``False`` every
        year follows the fallback rule plus your lists, without a warning.

    Notes
    -----
    The rule for each year is in the module docstring: ``chinese_calendar``
    where it has data, else the fallback rule (weekends, 1 Jan, Qingming,
    1–2 May, 1–3 Oct) with a :class:`CalendarFallbackWarning`, and your lists
    on top. A naive datetime is read as local time in ``timezone``; an aware one
    is converted. Year tables are built once, on first use, under a lock: one
    calendar can be shared by threads.

    Examples
    --------
    >>> from datetime import date
    >>> cal = WorkingCalendar()
    >>> cal.is_workday(date(2026, 2, 16))    # Spring Festival holiday, a Monday
    False
    >>> cal.is_workday(date(2026, 2, 14))    # make-up working day (调休), a Saturday
    True
    >>> cal.source(2026)
    'chinese_calendar'
    """

    def __init__(self, timezone="Asia/Shanghai", *, holidays=(), workdays=(), use_chinese_calendar: bool = True):
        self.tz = _zone(timezone)
        self.timezone = timezone if isinstance(timezone, str) else str(timezone)
        self.holidays = parse_dates(holidays, "holidays")
        self.workdays = parse_dates(workdays, "workdays")
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ValueError(f"holidays and workdays both list {both[0].isoformat()}: a day is either off or worked")
        self.use_chinese_calendar = bool(use_chinese_calendar)
        self._user_years = {d.year for d in self.holidays | self.workdays}
        self._years: dict[int, tuple[frozenset[date], str]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar({self.timezone!r}, holidays={len(self.holidays)} days, "
            f"workdays={len(self.workdays)} days, use_chinese_calendar={self.use_chinese_calendar})"
        )

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_lock")
        state["_years"] = {}
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    # -- year tables ---------------------------------------------------------------
    def _year(self, year: int) -> tuple[frozenset[date], str]:
        got = self._years.get(year)
        if got is not None:
            return got
        built = False
        with self._lock:
            got = self._years.get(year)
            if got is None:
                got = self._years[year] = self._build_year(year)
                built = True
        # warn once per year and calendar: only the thread that built the year's table warns
        if built and got[1] == "fallback" and self.use_chinese_calendar:
            warnings.warn(
                f"chinese_calendar has no holiday data for {year}: working days in {year} follow the fallback "
                "rule (Monday-Friday except 1 Jan, Qingming, 1-2 May and 1-3 Oct), without the Spring Festival, "
                "Dragon Boat and Mid-Autumn holidays or the make-up working days (调休). Supply the State "
                f"Council's holiday notice for {year} as Policy(holidays=[...], workdays=[...]) (dates or "
                "'YYYY-MM-DD..YYYY-MM-DD' ranges), or upgrade chinesecalendar.",
                CalendarFallbackWarning,
                stacklevel=3,
            )
        return got

    def _build_year(self, year: int) -> tuple[frozenset[date], str]:
        start = date(year, 1, 1)
        days = [start + timedelta(days=i) for i in range((date(year + 1, 1, 1) - start).days)]
        known = self._chinese_calendar_year(year) if self.use_chinese_calendar else None
        if known is not None:
            holidays, workdays = known
            off = {d for d in days if (d.weekday() >= 5 and d not in workdays) or d in holidays}
            source = "chinese_calendar"
        else:
            fixed = {date(year, m, d) for m, d in FALLBACK_FIXED_HOLIDAYS}
            fixed |= _qingming(year)
            off = {d for d in days if d.weekday() >= 5 or d in fixed}
            source = "fallback"
        if year in self._user_years:
            off |= {d for d in self.holidays if d.year == year}
            off -= {d for d in self.workdays if d.year == year}
            source += "+user"
        return frozenset(off), source

    @staticmethod
    def _chinese_calendar_year(year: int):
        try:
            import chinese_calendar
        except ImportError:  # pragma: no cover - a declared dependency
            return None
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return None
        holidays = {d for d in chinese_calendar.holidays if d.year == year}
        workdays = {d for d in chinese_calendar.workdays if d.year == year}
        return holidays, workdays

    def source(self, year: int) -> str:
        """Where the working days of ``year`` come from.

        ``"chinese_calendar"``, ``"fallback"``, either with ``"+user"`` when
        your lists touch that year.
        """
        return self._year(int(year))[1]

    # -- days ----------------------------------------------------------------------
    def localize(self, moment: datetime) -> datetime:
        """``moment`` as an aware datetime in this calendar's zone (a naive one is read as local time here)."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def _day(self, day) -> date:
        if isinstance(day, datetime):
            return self.localize(day).date()
        if isinstance(day, date):
            return day
        raise TypeError(f"expected a date or datetime, got {type(day).__name__}")

    def is_workday(self, day: date | datetime) -> bool:
        """Whether ``day`` (a date, or a datetime read in this zone) is a working day."""
        d = self._day(day)
        return d not in self._year(d.year)[0]

    def next_workday(self, day: date | datetime, *, include: bool = False) -> date:
        """The first working day after ``day`` (or ``day`` itself when ``include`` and it is one)."""
        d = self._day(day)
        if include and self.is_workday(d):
            return d
        for _ in range(_MAX_GAP_DAYS):
            d += timedelta(days=1)
            if self.is_workday(d):
                return d
        raise ValueError(f"no working day within {_MAX_GAP_DAYS} days after {self._day(day)}: check the holidays list")

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The moment ``n`` working days after ``start``.

        A working day is 24 hours of time on working days. Started on a working
        day, the deadline is the ``n``-th following working day at the same time
        of day (Friday 10:00 + 1 → Monday 10:00). Started on a day off, counting
        begins at 00:00 of the next working day and the deadline is the end of
        the ``n``-th working day counted from it, written as 00:00 of the day
        after (Saturday + 3 → Thursday 00:00, the end of Wednesday). Both cases
        give exactly ``n`` × 24 hours of working-day time.

        Examples
        --------
        >>> from datetime import datetime
        >>> cal = WorkingCalendar()
        >>> cal.add_working_days(datetime(2026, 2, 13, 10, 0), 1)   # Friday → Saturday 14 Feb, a 调休 working day
        datetime.datetime(2026, 2, 14, 10, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"n: expected a whole number of working days >= 0, got {n!r}")
        local = self.localize(start)
        day = local.date()
        clock = local.time().replace(tzinfo=None, fold=0)
        if not self.is_workday(day):
            day = self.next_workday(day)
            if n == 0:
                return datetime.combine(day, time(0), tzinfo=self.tz)
            for _ in range(n - 1):
                day = self.next_workday(day)
            return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
        for _ in range(n):
            day = self.next_workday(day)
        return datetime.combine(day, clock, tzinfo=self.tz)

    def add(self, start: datetime, duration: Duration) -> datetime:
        """``start`` plus an SLA :class:`~triage.sla.Duration` (clock time, or working days by :meth:`add_working_days`)."""
        if duration.working_days:
            return self.add_working_days(start, int(duration.value))
        # clock durations are absolute time: correct across DST changes in zones that have them
        return (self.localize(start).astimezone(UTC) + duration.timedelta).astimezone(self.tz)


def _qingming(year: int) -> set[date]:
    try:
        import chinese_calendar

        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    except (ImportError, NotImplementedError):
        return set()
    return {d for d, name in terms if name == "清明"}
