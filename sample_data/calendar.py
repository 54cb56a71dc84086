"""The district's instructional calendar: ~177-179 weekdays from late August to early June,
minus the usual holidays and breaks. school_year is the calendar year in which the year ends."""
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th given weekday (Mon=0) of a month; n=-1 for the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _holidays(year: int) -> set[dt.date]:
    fall, spring = year - 1, year
    days = {
        _nth_weekday(fall, 9, 0, 1),  # Labor Day
        _nth_weekday(fall, 10, 0, 2),  # Indigenous Peoples' Day
        _nth_weekday(fall, 11, 4, 1),  # professional development day
        _nth_weekday(spring, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(spring, 2, 0, 3),  # Presidents' Day
        _nth_weekday(spring, 5, 0, -1),  # Memorial Day
    }
    thanksgiving = _nth_weekday(fall, 11, 3, 4)
    days |= {thanksgiving + dt.timedelta(days=k) for k in (-1, 0, 1)}
    d = dt.date(fall, 12, 22)
    while d <= dt.date(spring, 1, 2):  # winter break
        days.add(d)
        d += dt.timedelta(days=1)
    spring_break = _nth_weekday(spring, 3, 0, 3)
    days |= {spring_break + dt.timedelta(days=k) for k in range(5)}
    return days


@dataclass(frozen=True)
class SchoolCalendar:
    year: int
    dates: np.ndarray  # datetime64[D], one per instructional day
    labels: pa.Array  # the same dates as 'YYYY-MM-DD' strings
    months: np.ndarray  # calendar month of each day

    @property
    def n(self) -> int:
        return len(self.dates)

    def index_on_or_after(self, month: int, day: int) -> int:
        """Index of the first instructional day on or after month/day of this school year."""
        y = self.year - 1 if month >= 7 else self.year
        i = int(np.searchsorted(self.dates, np.datetime64(dt.date(y, month, day))))
        return min(i, self.n - 1)

    def month_days(self, month: int) -> np.ndarray:
        return np.flatnonzero(self.months == month)

    def label(self, idx) -> pa.Array:
        return self.labels.take(pa.array(np.asarray(idx, dtype=np.int64)))


@lru_cache(maxsize=None)
def school_calendar(year: int) -> SchoolCalendar:
    start = _nth_weekday(year - 1, 8, 0, 1)
    while start.day < 21:  # the first Monday on or after Aug 21 ...
        start += dt.timedelta(days=7)
    start += dt.timedelta(days=2)  # ... and school starts that Wednesday
    n_days = 177 + year % 3
    off = _holidays(year)
    days = []
    d = start
    while len(days) < n_days:
        if d.weekday() < 5 and d not in off:
            days.append(d)
        d += dt.timedelta(days=1)
    dates = np.array(days, dtype="datetime64[D]")
    labels = pa.array(np.datetime_as_string(dates, unit="D").astype(object), type=pa.string())
    months = np.array([x.month for x in days], dtype=np.int8)
    return SchoolCalendar(year, dates, labels, months)


def school_year_of(day: dt.date) -> int:
    """The school year a date falls in: July 1 - June 30, named by the calendar year it ends."""
    return day.year + (day.month >= 7)


def month_end_labels(year: int) -> list[tuple[int, str]]:
    """(month, 'YYYY-MM-DD' of its last day) for August .. June of the school year."""
    out = []
    for month in (8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6):
        y = year - 1 if month >= 7 else year
        nxt = dt.date(y + (month == 12), month % 12 + 1, 1)
        out.append((month, (nxt - dt.timedelta(days=1)).isoformat()))
    return out
