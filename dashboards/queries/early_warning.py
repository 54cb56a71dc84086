"""Early warning for MTSS teams (mart.early_warning, one row per student at each month end):
flagged and supported students counted by school, grade, group and month for every viewer, by
the audience rules; the students behind the flags, with names, only for a viewer who may see them;
and the export of every student's indicators as of any day (`alignboard export early-warning`),
computed on request, for a viewer who may see those students."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from assets.early_warning import indicators
from assets.early_warning.indicators import absence_metric
from assets.early_warning.settings import EarlyWarningError
from assets.metrics.catalog import CatalogError
from assets.metrics.sqltext import fill
from dashboards.queries.access import DataError, Gate, Viewer
from dashboards.queries.cache import cached
from dashboards.queries.connection import connect
from dashboards.queries.exports import Out, csv_text, write_rows
from dashboards.queries.names import names_sql
from dashboards.queries.sqlfiles import read

INDICATORS = ("attendance", "behavior", "course", "assessment")
STUDENT_TABLES = ("mart.early_warning", "staging.students", "staging.student_groups", "staging.org_hierarchy",
                  "staging.section_enrollments", "staging.sections", "staging.staff", "staging.mtss_interventions")
LEVELS = ("district", "school", "plc", "classroom")
# The columns of the download, in order: who, the flags, the values behind them, the support.
CSV_COLUMNS = (
    "student_id", "first_name", "last_name", "school_id", "school_name", "grade_level", "teachers",
    "attendance", "behavior", "course", "assessment", "flags", "newly_flagged", "unsupported",
    "supports", "unflagged_supports", "interventions", "enrolled_days", "absent_days", "absence_rate",
    "removals", "incidents", "grading_period", "failing_marks", "failing_core_marks", "benchmark_date",
    "benchmark_not_proficient",
)
# The columns of `alignboard export early-warning`: who (by id), the flags, the support and the
# values behind the flags; never a name.
EXPORT_COLUMNS = (
    "student_id", "school_id", "grade_level", "attendance", "behavior", "course", "assessment", "flags",
    "supports", "enrolled_days", "absent_days", "absence_rate", "removals", "incidents", "grading_period",
    "failing_marks", "failing_core_marks", "benchmark_date", "benchmark_not_proficient",
)


def _check(level: str) -> None:
    if level not in LEVELS:
        raise DataError("early warning is kept for districts, schools, PLCs and classrooms, not departments")


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DataError(f"a date is YYYY-MM-DD, not {value!r}") from None


@cached
def early_warning_dates(viewer: Viewer, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    """The month ends the mart keeps: as_of, school_year (oldest first). No student data."""
    with connect(warehouse, "mart.early_warning", "staging.org_hierarchy") as con:
        return Gate(con, viewer).run(
            "SELECT DISTINCT as_of, school_year FROM mart.early_warning ORDER BY as_of").df()


def month_end(dates: pd.DataFrame, year: int | None, as_of) -> tuple[int | None, dt.date | None, dt.date | None]:
    """(school year, month end, the month end before it) a page shows: the URL's month end when
    the mart keeps it in the year asked for, else the year's latest; the year asked for, else the
    month end's, else the latest."""
    if dates.empty:
        return year, None, None
    ends = [d.date() if hasattr(d, "date") else d for d in pd.to_datetime(dates["as_of"])]
    years = [int(y) for y in dates["school_year"]]
    wanted = _date(as_of)
    if year not in years:
        year = years[ends.index(wanted)] if wanted in ends else max(years)
    of_year = [d for d, y in zip(ends, years) if y == year]
    shown = wanted if wanted in of_year else of_year[-1]
    before = [d for d in of_year if d < shown]
    return year, shown, (before[-1] if before else None)


@cached
def early_warning_counts(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                         year: int | None = None) -> pd.DataFrame:
    """Flagged and supported students of an entity at each month end of a school year (default the
    latest in which it has students): as_of, school_year, dimension (all, school, grade, group), key, school_name, students, in_school, flagged,
    attendance, behavior, course, assessment, supported, flagged_unsupported, flagged_rate,
    supported_rate, suppressed, suppression_reason. Aggregates, hidden by the viewer's audience
    (n = the students of the cell, the chronic-absence metric's minimum n)."""
    _check(level)
    metric = absence_metric()
    with connect(warehouse, "mart.early_warning", "staging.students", "staging.student_groups",
                 "staging.org_hierarchy", "staging.section_enrollments") as con:
        gate = Gate(con, viewer)
        gate.entity(level, entity_id)
        return gate.run(read("ews_members.sql") + read("ews_counts.sql"), {
            "level": level, "entity": entity_id, "year": year, "min_n": metric.min_n, "n_unit": metric.n_unit,
        }).df()


@cached
def early_warning_students(viewer: Viewer, level: str, entity_id: str, as_of, *,
                           warehouse: str | Path | None = None, previous=None, indicator: str | None = None,
                           grade: str | None = None, group: str | None = None,
                           teacher: str | None = None) -> pd.DataFrame:
    """The students of an entity flagged or supported at the month end `as_of`, for a viewer who
    may see them (in their scope, year by year): names, flags, the values behind them,
    interventions, teachers, newly_flagged since `previous`, unsupported and unflagged_supports
    (pipe-separated; see sql/ews_students.sql). Filters: indicator, grade, group, teacher (staff_id)."""
    _check(level)
    if indicator is not None and indicator not in INDICATORS:
        raise DataError(f"the indicator is one of {', '.join(INDICATORS)}, not {indicator!r}")
    with connect(warehouse, *STUDENT_TABLES) as con:
        gate = Gate(con, viewer)
        gate.students_of(level, entity_id)
        sql = read("ews_members.sql") + names_sql(con) + read("ews_students.sql")
        return gate.run(sql, {
            "level": level, "entity": entity_id, "as_of": _date(as_of), "previous": _date(previous),
            "indicator": indicator, "grade": grade or None, "group": group or None, "teacher": teacher or None,
        }).df()


def early_warning_csv(viewer: Viewer, level: str, entity_id: str, as_of, **filters) -> str:
    """The students of early_warning_students as CSV for a team meeting (refused as it is)."""
    rows = early_warning_students(viewer, level, entity_id, as_of, **filters)
    return csv_text(rows[list(CSV_COLUMNS)])


def export_cell(value) -> str:
    """A cell of the export: a rate with four decimals, blank for unknown, anything else as text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def write_early_warning_csv(viewer: Viewer, out: Out = None, *, as_of: dt.date, school: str | None = None,
                            warehouse: str | Path | None = None, public: bool = False) -> int:
    """Every student of the school year of `as_of` the viewer may see (in their scope, year by
    year; of one school if given), flagged or not, with the indicators as of that day computed
    on request (assets/early_warning/indicators.py), as CSV with EXPORT_COLUMNS to a file path or a
    text stream (default stdout); return the row count. Student-level: refused for the public
    and for a viewer without student access."""
    with connect(warehouse, *indicators.INPUTS, "staging.schools", "staging.org_hierarchy") as con:
        gate = Gate(con, viewer, public)
        if not gate.students:
            raise gate.refuse("students' early-warning indicators", "no student access")
        if school is not None:
            gate.entity("school", school, drill=True)
        try:
            with indicators.computed(con, as_of, school) as table:
                rows = gate.run(fill(read("ews_export.sql"), {"table": table})).fetchall()
        except (EarlyWarningError, CatalogError) as error:
            raise DataError(str(error)) from None
    return write_rows(EXPORT_COLUMNS, ([export_cell(v) for v in row] for row in rows), out)
