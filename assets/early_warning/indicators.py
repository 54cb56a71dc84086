"""The early-warning indicators of every student, as of any date, and mart.early_warning.

Plain functions over a DuckDB connection (no Dagster here): `computed` answers one date (the
query layer's export, which keeps the students its viewer may see), `build_early_warning` writes
the indicators at each month end of the school years loaded. Both run the same SQL over a table of dates, so a month end in the mart and the
same date asked for later give the same rows.

The attendance indicator is the chronic_absence_rate metric's own rule: its SQL file and its
parameters from the metric catalog (with the district's overrides), applied to the days up to
the date; `severe` is the same rule at the early-warning share.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from assets.early_warning.settings import EarlyWarningError, Settings, load_settings
from assets.metrics import sqltext
from assets.metrics.catalog import Metric, load_catalog

HERE = Path(__file__).parent
ABSENCE_METRIC = "chronic_absence_rate"
TABLE = "mart.early_warning"
# The columns of mart.early_warning; the export writes the same but as_of and school_year.
COLUMNS = (
    "as_of", "school_year", "student_id", "school_id", "grade_level",
    "attendance", "behavior", "course", "assessment", "flags", "supports",
    "enrolled_days", "absent_days", "absence_rate", "removals", "incidents",
    "grading_period", "failing_marks", "failing_core_marks", "benchmark_date", "benchmark_not_proficient",
)
# The staging tables the indicators read (the mart's inputs).
INPUTS = (
    "staging.students", "staging.attendance_daily", "staging.discipline_incidents", "staging.course_marks",
    "staging.sections", "staging.assessments", "staging.mtss_interventions",
)
SQL_FILES = ("students.sql", "attendance_to_date.sql", "absence_rule.sql", "indicators.sql")
# Months whose last day the mart keeps, in school-year order (a school year runs July to June).
MONTHS = (8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6)


def _sql(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def absence_metric() -> Metric:
    """The chronic_absence_rate metric as the district configured it."""
    return load_catalog().metrics[ABSENCE_METRIC]


def _parameters(settings: Settings, metric: Metric) -> dict:
    """Every $parameter of the SQL files: the settings and the metric's own parameters."""
    if settings.attendance.severe <= metric.parameters["cutoff"]:
        raise EarlyWarningError(
            f"early_warning.attendance.severe ({settings.attendance.severe}) must be above the "
            f"{ABSENCE_METRIC} cutoff ({metric.parameters['cutoff']})")
    behavior, course = settings.behavior, settings.course
    return {
        **metric.parameters, "metric_id": metric.id,
        "removal_actions": list(behavior.removal_actions), "removal_min_days": behavior.removal_min_days,
        "removals": behavior.removals, "incidents": behavior.incidents,
        "failing_letters": list(course.failing_letters), "failing_below": course.failing_below,
        "core_subjects": list(course.core_subjects), "core_failures": course.core_failures,
        "any_failures": course.any_failures,
    }


def _judge(con: duckdb.DuckDBPyConnection, dates: list[dt.date], school: str | None,
           settings: Settings, metric: Metric, table: str = "TEMP TABLE ews_result") -> None:
    """Write the indicators at each date to `table` (the temp table ews_result unless given)."""
    values = {**_parameters(settings, metric), "dates": dates, "school": school}
    sqltext.run_script(con, _sql("students.sql"), values)
    sqltext.run_script(con, _sql("attendance_to_date.sql"), values)
    con.execute("CREATE OR REPLACE TEMP TABLE ews_absence_rule (as_of DATE, attendance VARCHAR, student_id VARCHAR)")
    rule = sqltext.fill(_sql("absence_rule.sql"), {"rule": metric.sql_text()})
    cutoffs = {"chronic": metric.parameters["cutoff"], "severe": settings.attendance.severe}
    for attendance, cutoff in cutoffs.items():
        sqltext.run(con, rule, {**values, "attendance": attendance, "cutoff": cutoff})
    sqltext.run_script(con, sqltext.fill(_sql("indicators.sql"), {"table": table}), values)


def _drop_work(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("ews_result", "ews_absence_rule", "ews_attendance", "ews_days", "ews_students", "ews_dates"):
        con.execute(f"DROP TABLE IF EXISTS {table}")


@contextmanager
def computed(con: duckdb.DuckDBPyConnection, as_of: dt.date, school: str | None = None,
             settings: Settings | None = None) -> Iterator[str]:
    """The name of a temp table (the columns of COLUMNS) holding one row per student of as_of's
    school year (of one school if given), flagged or not: the indicators as of that date and the
    values behind them; dropped on leaving. Readers choose and order its rows (the query layer
    keeps those the viewer may see)."""
    settings = settings or load_settings()
    try:
        _judge(con, [as_of], school, settings, absence_metric())
        yield "ews_result"
    finally:
        _drop_work(con)


def early_warning(con: duckdb.DuckDBPyConnection, as_of: dt.date, school: str | None = None,
                  settings: Settings | None = None) -> list[dict]:
    """The rows of computed(), ordered by school and student."""
    with computed(con, as_of, school, settings) as table:
        cursor = con.execute(f"SELECT * FROM {table} ORDER BY school_id, student_id")
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def month_ends(con: duckdb.DuckDBPyConnection, today: dt.date) -> list[dt.date]:
    """The last day of each month, August to June, of every school year with students, up to today."""
    years = [y for (y,) in con.execute("SELECT DISTINCT school_year FROM staging.students ORDER BY 1").fetchall()]
    ends = []
    for year in years:
        for month in MONTHS:
            first_of_next = dt.date(year - (month >= 7) + (month == 12), month % 12 + 1, 1)
            ends.append(first_of_next - dt.timedelta(days=1))
    return [day for day in ends if day <= today]


def build_early_warning(con: duckdb.DuckDBPyConnection, dates: list[dt.date],
                        settings: Settings | None = None) -> None:
    """mart.early_warning: the indicators of every student at each date (the month ends)."""
    settings = settings or load_settings()
    con.execute("CREATE SCHEMA IF NOT EXISTS mart")
    try:
        _judge(con, dates, None, settings, absence_metric(), table=f"TABLE {TABLE}")
    finally:
        _drop_work(con)
