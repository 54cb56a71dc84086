"""Metric values as of any day, on request: each metric's year to date through that day.

The nightly build keeps the year to date at each month's end (periods.py); any other day is
computed here with the same SQL, the same breakdowns and the same suppression as
mart.metric_values, on temp tables only (a read-only connection will do). Rows dated after the
day are ignored, and the school year is the one the day falls in; action steps are due and
meeting periods over as of that day. The query layer hides them by the audience rules of the
nightly values, and compares a scorecard as of a day with the same day a year earlier.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from assets.metrics import periods as metric_periods
from assets.metrics.catalog import Catalog, load_catalog
from assets.metrics.engine import MetricsError, compute_cells, drop_temp, group_dimensions, is_coded
from assets.metrics.suppression import CodingBand, apply_suppression, load_coding_bands
from assets.warehouse import existing_tables

VALUE_COLUMNS = ("metric_id, metric_version, school_year, period, level, entity_id, student_group, "
                 "numerator, denominator, value, suppressed, suppression_reason, value_range")


def same_day_a_year_earlier(day: dt.date) -> dt.date:
    """The day a year before (February 29 -> February 28)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def compute_as_of(con: duckdb.DuckDBPyConnection, days: Sequence[dt.date], catalog: Catalog | None = None,
                  metric: str | None = None, coding_bands: Sequence[CodingBand] | None = None) -> dict[str, int]:
    """Fill the temp table metric_cells with the year-to-date cells (period ytd:DAY) of every
    family whose tables are present (or of `metric`'s family) for each of `days` (each in its
    own school year), suppressed as the mart is; return the cells per family. The first day is
    the as-of day: the day action steps are due by and meeting periods are over by."""
    years = [metric_periods.school_year_of(day) for day in days]
    if len(set(years)) != len(years):
        # attendance is counted by month up to the last day asked for in each school year
        raise ValueError(f"days {', '.join(map(str, days))}: at most one day per school year")
    return compute_periods(con, [metric_periods.year_to_date(day) for day in days], days[0], in_full=True,
                           catalog=catalog, metric=metric, coding_bands=coding_bands)


def compute_periods(con: duckdb.DuckDBPyConnection, periods: Sequence[metric_periods.Period], as_of: dt.date, *,
                    in_full: bool, catalog: Catalog | None = None, metric: str | None = None,
                    coding_bands: Sequence[CodingBand] | None = None) -> dict[str, int]:
    """Fill the temp table metric_cells with the cells of `periods` (months and years to date, not
    the school year) of every family whose tables are present (or of `metric`'s family),
    suppressed as the mart is; return the cells per family. `as_of` is the day action steps are
    due by and meeting periods are over by. `in_full`: every student group at every level, as
    on request; otherwise the cells the nightly build keeps for its months (all students,
    district to PLC), so that a month computed later equals the nightly's."""
    catalog = catalog or load_catalog()
    if metric is not None and metric.split(".", 1)[0] not in catalog.metrics:
        raise MetricsError(f"unknown metric {metric!r} (see docs/metrics.md for the metric ids)")
    present = existing_tables(con)
    todo = [m for m in catalog.metrics.values()
            if all(t in present for t in m.requires) and (metric is None or m.id == metric.split(".", 1)[0])]
    metric_periods.create_periods_table(con, list(periods))
    dimensions = group_dimensions(con, present) if any(m.kind == "student" for m in todo) else []
    counts, prepared = compute_cells(con, todo, dimensions, as_of, every_period_in_full=in_full)
    con.execute(f"DELETE FROM metric_cells WHERE period = '{metric_periods.YEAR}'")  # families without periods
    bands = load_coding_bands() if coding_bands is None else list(coding_bands)
    apply_suppression(con, "metric_cells", [m.id for m in todo if is_coded(m)], bands)
    drop_temp(con, ["metric_group_dimensions", "metric_periods", *(f"metric_{name}" for name in prepared)])
    return counts


def drop_cells(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS metric_cells")


def metric_values_as_of(con: duckdb.DuckDBPyConnection, day: dt.date, catalog: Catalog | None = None,
                        metric: str | None = None, coding_bands: Sequence[CodingBand] | None = None) -> pd.DataFrame:
    """The year-to-date cells as of `day`, with the columns of mart.metric_values (period
    ytd:DAY) and their values whether suppressed or not (as in the mart: hiding them is the
    query layer's job). `metric` is an exact id or a family."""
    compute_as_of(con, [day], catalog, metric, coding_bands)
    try:
        return con.execute(
            f"SELECT {VALUE_COLUMNS} FROM metric_cells "
            "WHERE $metric IS NULL OR metric_id = $metric OR starts_with(metric_id, $metric || '.') "
            "ORDER BY metric_id, school_year, level, entity_id, student_group", {"metric": metric}).df()
    finally:
        drop_cells(con)
