"""One student's data folder, for a viewer who may see that student, year by year: only the
school years in which the student was enrolled in the viewer's scope; and the search for a
student by name or id among the students the viewer may see."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from assets.metrics.catalog import load_catalog
from assets.metrics.cfa_mastery import LATEST_SQL as CFA_LATEST_SQL
from dashboards.queries.access import DataError, Gate, Viewer
from dashboards.queries.cache import cached
from dashboards.queries.connection import connect, has_table
from dashboards.queries.names import names_sql
from dashboards.queries.sqlfiles import read

SEARCH_LIMIT = 50

# Each part of the folder: the staging table it reads (a file never loaded: an empty part).
PARTS = {
    "classes": "staging.section_enrollments",
    "attendance": "staging.attendance_daily",
    "assessments": "staging.assessments",
    "cfa": "staging.cfa_results",
    "discipline": "staging.discipline_incidents",
    "interventions": "staging.mtss_interventions",
    "early_warning": "mart.early_warning",
}


def attended_statuses() -> list[str]:
    """The attendance statuses that count as attended: the attendance_rate metric's parameter."""
    return list(load_catalog().metrics["attendance_rate"].parameters["attended_statuses"])


@cached
def student_folder(viewer: Viewer, student_id: str, *, warehouse: str | Path | None = None,
                   year: int | None = None) -> dict:
    """One student's data folder, only for a viewer who may see that student: 'student' (dict,
    with first_name and last_name None when students.csv has no names), 'classes',
    'attendance', 'assessments', 'cfa', 'discipline', 'interventions', 'early_warning' (the
    indicators at each month end; DataFrames, newest first,
    only the years the student was in the viewer's scope; one year with `year`)."""
    with connect(warehouse, "staging.students", "staging.student_groups", "staging.org_hierarchy",
                 "staging.section_enrollments", "staging.sections", "staging.staff") as con:
        gate = Gate(con, viewer)
        gate.student(student_id)
        params = {"student": student_id, "year": year}
        cursor = gate.run(names_sql(con) + read("student/profile.sql"), params)
        row = cursor.fetchone()
        profile = dict(zip([d[0] for d in cursor.description], row)) if row else {"student_id": student_id}
        folder: dict = {"student": profile}
        for part, table in PARTS.items():
            if not has_table(con, table):
                folder[part] = pd.DataFrame()  # that landing file was never loaded
                continue
            sql = read(f"student/{part}.sql")
            part_params = dict(params)
            if part == "cfa":
                sql = CFA_LATEST_SQL + sql
                part_params["sections"] = None
            elif part == "attendance":
                part_params["attended"] = attended_statuses()
            folder[part] = gate.run(sql, part_params).df()
        return folder


@cached
def student_search(viewer: Viewer, text: str, *, warehouse: str | Path | None = None,
                   limit: int = SEARCH_LIMIT) -> pd.DataFrame:
    """Students the viewer may see whose id starts with `text` or whose name contains it, at most
    `limit` (50): student_id, first_name, last_name, school_year (their latest visible year),
    school_id, school_name, grade_level. Refused for a viewer without student access."""
    text = (text or "").strip()
    if not 1 <= len(text) <= 100:
        raise DataError("type 1 to 100 characters of a student's name or id")
    if not 1 <= limit <= SEARCH_LIMIT:
        raise DataError(f"a search returns 1 to {SEARCH_LIMIT} students")
    with connect(warehouse, "staging.students", "staging.org_hierarchy", "staging.section_enrollments") as con:
        gate = Gate(con, viewer)
        if not gate.students:
            raise gate.refuse("a student search", "no student access")
        return gate.run(names_sql(con) + read("student_search.sql"), {"text": text, "limit": limit}).df()
