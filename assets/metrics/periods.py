"""The periods a metric is computed for: the school year, and for the year in progress each
month alone and the year to date at the end of each month.

Every metric SQL joins the temp table metric_periods (school_year, period, period_start,
period_end, detailed) and counts a dated row in each period whose days hold it, so one SQL text
serves the nightly periods and a year to date as of any day (asof.py). A detailed period (the
school year; a day asked for) is computed at every level and for every student group, so its SQL
gives one row per unit (student, respondent ...); the nightly months and years to date are not
(all students, district to PLC), so a family may give one row per entity for them instead, built
from per-month totals (a year to date adds up the months so far). Period names, as stored in
mart.metric_values.period:
  year                the school year (July 1 - June 30)
  month:YYYY-MM       one month alone
  ytd:YYYY-MM-DD      July 1 of the school year through that day (nightly: each month's last day)
Months are kept for the year in progress only (the school year of the load's day), from July
through the month of the latest data date, the newest date in the dated staging tables (their
contracts' freshness column) not after the as-of date.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import duckdb

from data_contracts.contract import load_contracts
from data_contracts.row_rules import quote

YEAR = "year"

PERIODS_TABLE = """
CREATE OR REPLACE TEMP TABLE metric_periods (
    school_year INTEGER, period VARCHAR, period_start DATE, period_end DATE, detailed BOOLEAN
)
"""


@dataclass(frozen=True)
class Period:
    school_year: int
    period: str
    start: dt.date
    end: dt.date
    detailed: bool = True  # every level and group; False: the nightly months and years to date


def school_year_of(day: dt.date) -> int:
    """July 1 - June 30, named by the calendar year it ends in (2026-12-07 is in 2027)."""
    return day.year + (day.month >= 7)


def year_start(school_year: int) -> dt.date:
    return dt.date(school_year - 1, 7, 1)


def whole_year(school_year: int) -> Period:
    return Period(school_year, YEAR, year_start(school_year), dt.date(school_year, 6, 30))


def year_to_date(day: dt.date) -> Period:
    """The year to date through `day`, named ytd:DAY."""
    year = school_year_of(day)
    return Period(year, f"ytd:{day.isoformat()}", year_start(year), day)


def month_periods(through: dt.date) -> list[Period]:
    """Each month of the school year of `through` up to its month: the month alone and the year
    to date at the month's last day (nightly periods: not detailed)."""
    year = school_year_of(through)
    periods = []
    first = year_start(year)
    month = first
    while month <= through:
        last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        periods.append(Period(year, f"month:{month:%Y-%m}", month, last, detailed=False))
        periods.append(Period(year, f"ytd:{last.isoformat()}", first, last, detailed=False))
        month = last + dt.timedelta(days=1)
    return periods


def dated_columns(present: set[str]) -> list[tuple[str, str]]:
    """(staging table, date column) of every present table whose contract dates its rows."""
    out = []
    for contract in load_contracts().values():
        table, column = f"staging.{contract.file}", contract.freshness
        if table in present and column in contract.column_names and contract.column(column).type == "date":
            out.append((table, column))
    return out


def latest_data_date(con: duckdb.DuckDBPyConnection, present: set[str], as_of: dt.date) -> dt.date | None:
    """The newest row date in the dated staging tables, not after `as_of` (None: no dated rows)."""
    parts = [f"SELECT max({quote(c)}) AS d FROM {_table(t)} WHERE {quote(c)} <= $as_of"
             for t, c in dated_columns(present)]
    if not parts:
        return None
    return con.execute(f"SELECT max(d) FROM ({' UNION ALL '.join(parts)})", {"as_of": as_of}).fetchone()[0]


def school_years(con: duckdb.DuckDBPyConnection, present: set[str]) -> list[int]:
    """Every school year of a present staging table with a school_year column."""
    tables = [f"{s}.{t}" for s, t in con.execute(
        "SELECT table_schema, table_name FROM information_schema.columns "
        "WHERE table_schema = 'staging' AND column_name = 'school_year'").fetchall()]
    parts = [f"SELECT DISTINCT school_year FROM {_table(t)}" for t in sorted(tables) if t in present]
    if not parts:
        return []
    rows = con.execute(f"SELECT DISTINCT school_year FROM ({' UNION ALL '.join(parts)}) "
                       "WHERE school_year IS NOT NULL ORDER BY 1").fetchall()
    return [year for (year,) in rows]


def nightly_periods(con: duckdb.DuckDBPyConnection, present: set[str], as_of: dt.date) -> list[Period]:
    """The whole school year of every year with data, and the months of the year in progress:
    the school year of `as_of` (the day of the load), through its latest data date. A finished
    year keeps its year value only; any day of it is computed on request (asof.py)."""
    periods = [whole_year(year) for year in school_years(con, present)]
    latest = latest_data_date(con, present, as_of)
    if latest is not None and school_year_of(latest) == school_year_of(as_of):
        periods += month_periods(latest)
    return periods


def create_periods_table(con: duckdb.DuckDBPyConnection, periods: list[Period]) -> None:
    con.execute(PERIODS_TABLE)
    if periods:
        con.executemany("INSERT INTO metric_periods VALUES (?, ?, ?, ?, ?)",
                        [[p.school_year, p.period, p.start, p.end, p.detailed] for p in periods])


def _table(name: str) -> str:
    return ".".join(quote(part) for part in name.split("."))
