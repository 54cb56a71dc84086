"""The months of the year in progress that a district's own load has not computed yet.

A district's nightly load keeps the months and years to date of the year in progress through the
month of its own newest data (assets/metrics/periods.py). Districts' data ends on different days
(an export a few days behind, a holiday in one calendar), so near a month's end one district has
the new month and another not yet, and the state's value for that month and its year to date
would leave that district out. The roll-up computes the months a district lacks from its own
warehouse, with the nightly build's SQL, breakdowns and suppression as of the same day, so the
state's months equal those of one load of every district's files together.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from assets.metrics import asof
from assets.metrics import periods as metric_periods
from data_contracts.row_rules import literal

# the columns of mart.metric_values, then the n of mart.metric_value_counts
CELL_COLUMNS = f"{asof.VALUE_COLUMNS}, n"


def last_month_end(con: duckdb.DuckDBPyConnection, values: str) -> dt.date | None:
    """The last month's end whose year to date `values` (a mart.metric_values) holds: the end of
    the last month its load computed (a year to date holds every earlier month's data, so it
    has cells whenever any month of the year had them)."""
    [(period,)] = con.execute(f"SELECT max(period) FROM {values} WHERE starts_with(period, 'ytd:')").fetchall()
    return None if period is None else dt.date.fromisoformat(period.removeprefix("ytd:"))


def lacking(last: dt.date | None, state_last: dt.date) -> list[metric_periods.Period]:
    """The months (alone and to date) of the state's year in progress after a district's last."""
    year = metric_periods.school_year_of(state_last)
    return [p for p in metric_periods.month_periods(state_last)
            if last is None or metric_periods.school_year_of(last) != year or p.end > last]


def compute_months(warehouse: str, periods: list[metric_periods.Period], as_of: dt.date,
                   temp_dir: str | None = None) -> pa.Table:
    """A district's cells of `periods`, computed from its published warehouse (read only) as
    its nightly build would have kept them: CELL_COLUMNS, organisation levels only."""
    with duckdb.connect(warehouse, read_only=True) as con:
        if temp_dir:
            con.execute(f"SET temp_directory = {literal(temp_dir)}")
        asof.compute_periods(con, periods, as_of, in_full=False)
        try:
            return con.sql(f"SELECT {CELL_COLUMNS} FROM metric_cells WHERE level <> 'student'").to_arrow_table()
        finally:
            asof.drop_cells(con)
