"""Working calendar: statutory holidays, 调休 make-up days, the fallback rule, time zones, deadline arithmetic."""

import pickle
import threading
import warnings
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from triage.sla import CalendarFallbackWarning, Duration, WorkingCalendar, parse_dates, parse_duration

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


# Facts checked against chinese_calendar 1.11 (get_holiday_detail) and the State Council notices.
@pytest.mark.parametrize(
    "day, workday",
    [
        # 2026 Spring Festival: off Sun 15 – Mon 23 Feb; make-up working Saturdays 14 and 28 Feb
        (date(2026, 2, 13), True),
        (date(2026, 2, 14), True),  # Saturday, 调休
        (date(2026, 2, 15), False),
        (date(2026, 2, 17), False),  # 初一
        (date(2026, 2, 23), False),  # a Monday inside the holiday
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, 调休
        (date(2026, 3, 7), False),  # an ordinary Saturday
        # 2025 National Day golden week (with Mid-Autumn): off 1–8 Oct; worked Sun 28 Sep and Sat 11 Oct
        (date(2025, 9, 28), True),  # Sunday, 调休
        (date(2025, 10, 1), False),
        (date(2025, 10, 6), False),
        (date(2025, 10, 8), False),
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday, 调休
        (date(2025, 10, 12), False),
        # 2026 National Day: off 1–7 Oct, worked Sat 10 Oct
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),
    ],
)
def test_statutory_holidays_and_make_up_days(cal, day, workday):
    assert cal.is_workday(day) is workday
    assert chinese_calendar.is_workday(day) is workday  # the facts above, from the source itself


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_day_agrees_with_chinese_calendar(cal, year):
    day = date(year, 1, 1)
    while day.year == year:
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert cal.source(year) == "chinese_calendar"


def test_a_datetime_is_read_in_the_calendar_zone(cal):
    # 2026-02-13 23:30 UTC is Saturday 14 Feb 07:30 in Shanghai: a 调休 working day
    assert cal.is_workday(datetime(2026, 2, 13, 23, 30, tzinfo=UTC))
    # 2026-02-14 17:00 UTC is Sunday 15 Feb 01:00 in Shanghai: Spring Festival
    assert not cal.is_workday(datetime(2026, 2, 14, 17, 0, tzinfo=UTC))


# -- deadline arithmetic ------------------------------------------------------------------
@pytest.mark.parametrize(
    "start, n, expected",
    [
        (datetime(2026, 3, 2, 10, 0), 3, datetime(2026, 3, 5, 10, 0)),  # Mon → Thu, same time
        (datetime(2026, 3, 6, 10, 0), 1, datetime(2026, 3, 9, 10, 0)),  # Fri → Mon
        (datetime(2026, 2, 13, 10, 0), 1, datetime(2026, 2, 14, 10, 0)),  # Fri → 调休 Saturday
        (datetime(2026, 2, 13, 10, 0), 3, datetime(2026, 2, 25, 10, 0)),  # over Spring Festival
        (datetime(2026, 2, 16, 15, 0), 1, datetime(2026, 2, 25, 0, 0)),  # created on a holiday: count from 24 Feb 00:00
        (datetime(2026, 2, 16, 15, 0), 0, datetime(2026, 2, 24, 0, 0)),
        (datetime(2025, 9, 30, 18, 0), 1, datetime(2025, 10, 9, 18, 0)),  # over the golden week
        (datetime(2025, 9, 30, 18, 0), 2, datetime(2025, 10, 10, 18, 0)),
        (datetime(2025, 9, 30, 18, 0), 3, datetime(2025, 10, 11, 18, 0)),  # the 调休 Saturday counts
        (datetime(2026, 3, 7, 9, 0), 3, datetime(2026, 3, 12, 0, 0)),  # Saturday start: Mon–Wed in full
        (datetime(2025, 10, 4, 9, 0), 3, datetime(2025, 10, 12, 0, 0)),  # end of Sat 11 Oct, not Monday 00:00
    ],
)
def test_add_working_days(cal, start, n, expected):
    got = cal.add_working_days(start, n)
    assert got == expected.replace(tzinfo=SH)
    assert got.tzinfo is not None and got.utcoffset() == timedelta(hours=8)


def test_aware_input_in_another_zone_is_converted(cal):
    # 16:00 in New York on Fri 13 Feb 2026 is Sat 14 Feb 05:00 in Shanghai (a working Saturday)
    start = datetime(2026, 2, 13, 16, 0, tzinfo=ZoneInfo("America/New_York"))
    got = cal.add_working_days(start, 1)
    assert got == datetime(2026, 2, 24, 5, 0, tzinfo=SH)
    assert cal.add(start, parse_duration("15min")) == datetime(2026, 2, 14, 5, 15, tzinfo=SH)


def test_clock_durations_are_absolute_across_dst():
    ny = WorkingCalendar("America/New_York", use_chinese_calendar=False)
    start = datetime(2026, 3, 7, 12, 0)  # naive: local time in New York, the day before DST starts
    got = ny.add(start, parse_duration("24h"))
    assert got.astimezone(UTC) - ny.localize(start).astimezone(UTC) == timedelta(hours=24)
    assert (got.hour, got.utcoffset()) == (13, timedelta(hours=-4))
    # working days keep the wall-clock time across the change
    assert ny.add_working_days(datetime(2026, 3, 6, 10, 0), 1) == datetime(2026, 3, 9, 10, 0, tzinfo=ny.tz)


# -- the fallback rule ---------------------------------------------------------------------
def test_years_without_data_fall_back_with_one_warning():
    cal = WorkingCalendar()
    with pytest.warns(CalendarFallbackWarning, match="2027") as record:
        assert not cal.is_workday(date(2027, 1, 1))  # New Year's Day, a Friday
        for i in range(60):
            cal.is_workday(date(2027, 3, 1) + timedelta(days=i))
    assert len([w for w in record if issubclass(w.category, CalendarFallbackWarning)]) == 1
    assert "Policy(holidays=" in str(record[0].message)
    assert cal.source(2027) == "fallback"
    with pytest.raises(NotImplementedError):  # why the fallback exists
        chinese_calendar.is_workday(date(2027, 1, 4))


@pytest.mark.filterwarnings("ignore::triage.sla.CalendarFallbackWarning")
@pytest.mark.parametrize(
    "day, workday",
    [
        (date(2027, 1, 1), False),  # Friday, New Year's Day
        (date(2027, 1, 4), True),
        (date(2027, 4, 5), False),  # Monday, Qingming (solar term)
        (date(2027, 5, 3), True),  # 1–2 May fall on the weekend; no substitute day in the fallback
        (date(2027, 10, 1), False),  # Friday
        (date(2027, 10, 4), True),
        (date(2027, 2, 8), True),  # Spring Festival 2027: lunar, not in the fallback (documented limit)
        (date(2027, 2, 6), False),  # a Saturday
        (date(2003, 10, 2), False),  # before chinese_calendar's data: fallback too
    ],
)
def test_fallback_rule(day, workday):
    assert WorkingCalendar().is_workday(day) is workday


def test_user_lists_cover_a_year_and_silence_the_warning():
    cal = WorkingCalendar(holidays=["2027-02-05..2027-02-11"], workdays=[date(2027, 2, 14)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not cal.is_workday(date(2027, 2, 8))
        assert cal.is_workday(date(2027, 2, 14))  # a Sunday worked
        assert not cal.is_workday(date(2027, 1, 1))  # the fixed dates still apply
        assert cal.source(2027) == "fallback+user"
        assert cal.add_working_days(datetime(2027, 2, 4, 9, 0), 1) == datetime(2027, 2, 12, 9, 0, tzinfo=SH)


def test_user_lists_override_chinese_calendar():
    cal = WorkingCalendar(holidays=[date(2026, 3, 2)], workdays=["2026-02-16"])
    assert not cal.is_workday(date(2026, 3, 2))
    assert cal.is_workday(date(2026, 2, 16))
    assert cal.is_workday(date(2026, 3, 3))
    assert cal.source(2026) == "chinese_calendar+user"


def test_without_chinese_calendar_no_warning_and_weekend_rule():
    cal = WorkingCalendar(use_chinese_calendar=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cal.is_workday(date(2026, 2, 16))  # Spring Festival Monday: not in the fallback
        assert not cal.is_workday(date(2026, 10, 2))
        assert cal.source(2026) == "fallback"


# -- errors and plumbing --------------------------------------------------------------------
def test_bad_inputs_name_the_problem():
    with pytest.raises(ValueError, match="both list 2026-03-02"):
        WorkingCalendar(holidays=["2026-03-02"], workdays=["2026-03-02"])
    with pytest.raises(ValueError, match="'2026-13-01'"):
        WorkingCalendar(holidays=["2026-13-01"])
    with pytest.raises(ValueError, match="ends before it starts"):
        parse_dates(["2026-03-05..2026-03-01"])
    with pytest.raises(TypeError, match="expected a date"):
        parse_dates([20260301])
    with pytest.raises(ValueError, match="unknown IANA time zone 'Mars/Base'"):
        WorkingCalendar("Mars/Base")
    with pytest.raises(ValueError, match="n: expected a whole number"):
        WorkingCalendar().add_working_days(datetime(2026, 3, 2), -1)
    with pytest.raises(ValueError, match="no working day within"):
        WorkingCalendar(holidays=["2026-01-01..2026-12-31", "2027-01-01..2027-12-31"]).next_workday(date(2026, 1, 1))


@pytest.mark.parametrize(
    "text, value, unit, zh",
    [("15min", 15, "min", "15分钟"), ("24h", 24, "h", "24小时"), ("2d", 2, "d", "2天"), ("3wd", 3, "wd", "3个工作日")],
)
def test_durations(text, value, unit, zh):
    d = parse_duration(text)
    assert (d.value, d.unit, d.zh, str(d)) == (value, unit, zh, text)


@pytest.mark.parametrize("bad", ["15", "3 weeks", "0h", "-2h", "1.5wd", ""])
def test_bad_durations(bad):
    with pytest.raises(ValueError, match="sla.x"):
        parse_duration(bad, where="sla.x")


def test_duration_hours_round_up():
    assert parse_duration("15min").hours == 1
    assert parse_duration("90min").hours == 2
    assert parse_duration(timedelta(hours=4)) == Duration(240, "min")


def test_calendar_pickles_and_is_thread_safe():
    cal = WorkingCalendar(holidays=["2026-03-02"])
    cal.is_workday(date(2026, 1, 5))
    again = pickle.loads(pickle.dumps(cal))
    assert not again.is_workday(date(2026, 3, 2))
    fresh = WorkingCalendar()
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range((date(2027, 1, 1) - date(2024, 1, 1)).days)]
    expected = [chinese_calendar.is_workday(d) for d in days]
    results, barrier = {}, threading.Barrier(8)

    def work(k):
        barrier.wait()
        results[k] = [fresh.is_workday(d) for d in days]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results.values()) and len(results) == 8
