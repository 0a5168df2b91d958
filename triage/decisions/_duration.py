"""SLA durations: clock time (minutes, hours, days) or working days."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta

__all__ = ["Duration", "parse_duration"]

_UNITS = {"min": 1, "h": 60, "d": 1440, "wd": None}
_NAMES_ZH = {"min": "分钟", "h": "小时", "d": "天", "wd": "个工作日"}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(min|h|d|wd)\s*$")


@dataclass(frozen=True, slots=True)
class Duration:
    """A span of time that an SLA allows.

    Clock units (``min``, ``h``, ``d``) run around the clock, holidays included;
    ``wd`` counts working days on the policy's :class:`~triage.sla.WorkingCalendar`
    and must be a whole number.

    Parameters
    ----------
    value : float
        How many units.
    unit : {"min", "h", "d", "wd"}
        Minutes, hours, calendar days or working days.

    Examples
    --------
    >>> parse_duration("15min").timedelta
    datetime.timedelta(seconds=900)
    >>> str(parse_duration("3wd")), parse_duration("3wd").zh
    ('3wd', '3个工作日')
    """

    value: float
    unit: str

    @property
    def working_days(self) -> bool:
        """Whether this duration counts working days."""
        return self.unit == "wd"

    @property
    def timedelta(self) -> timedelta:
        """The clock duration (``ValueError`` for working days, which depend on the date)."""
        if self.unit == "wd":
            raise ValueError(f"{self} counts working days: its length depends on the calendar")
        return timedelta(minutes=self.value * _UNITS[self.unit])

    @property
    def hours(self) -> int:
        """Whole hours, rounded up, at least 1 (a working day counts 24 hours); for the ``{hours}`` placeholder."""
        minutes = self.value * (1440 if self.unit == "wd" else _UNITS[self.unit])
        return max(1, math.ceil(minutes / 60 - 1e-9))

    @property
    def zh(self) -> str:
        """The duration in Chinese, as a reply states it: ``15分钟``, ``24小时``, ``3个工作日``."""
        return f"{self.value:g}{_NAMES_ZH[self.unit]}"

    def __str__(self) -> str:
        return f"{self.value:g}{self.unit}"


def parse_duration(value, *, where: str = "duration") -> Duration:
    """Read a duration: ``"15min"``, ``"24h"``, ``"2d"``, ``"3wd"``, a :class:`Duration` or a ``timedelta``.

    Parameters
    ----------
    value : str, Duration or datetime.timedelta
    where : str
        The setting being read, named in the error.

    Returns
    -------
    Duration

    Raises
    ------
    ValueError
        Not one of the forms above, zero or negative, or a fractional number of working days.
    TypeError
        Neither a str, a Duration nor a timedelta.

    Examples
    --------
    >>> parse_duration("24h")
    Duration(value=24.0, unit='h')
    >>> parse_duration("1.5wd")
    Traceback (most recent call last):
    ...
    ValueError: duration: working days must be a whole number, got '1.5wd'
    """
    if isinstance(value, Duration):
        dur = value
    elif isinstance(value, timedelta):
        dur = Duration(value.total_seconds() / 60, "min")
    elif isinstance(value, str):
        m = _PATTERN.match(value)
        if not m:
            raise ValueError(
                f"{where}: expected a number and a unit, one of min, h, d (clock) or wd (working days), "
                f"e.g. '15min', '24h', '3wd'; got {value!r}"
            )
        dur = Duration(float(m.group(1)), m.group(2))
    else:
        raise TypeError(f"{where}: expected a str such as '24h' or '3wd', or a timedelta; got {type(value).__name__}")
    if dur.unit not in _UNITS:
        raise ValueError(f"{where}: unit must be one of {list(_UNITS)}, got {dur.unit!r}")
    if not dur.value > 0 or math.isinf(dur.value):
        raise ValueError(f"{where}: must be positive and finite, got {value!r}")
    if dur.unit == "wd" and dur.value != int(dur.value):
        raise ValueError(f"{where}: working days must be a whole number, got {value!r}")
    return dur
