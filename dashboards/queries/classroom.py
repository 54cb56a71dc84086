"""The classroom data center: CFA mastery (aggregates) for a school, PLC or classroom, the PLC's
comparison of its classrooms on one assessment or standard, and, for viewers who may see
students, the roster, each student's latest CFA results and the re-teach groups."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from assets.metrics.cfa_mastery import LATEST_SQL as CFA_LATEST_SQL
from dashboards.queries.access import DataError, Gate, Viewer
from dashboards.queries.cache import cached
from dashboards.queries.connection import connect
from dashboards.queries.names import names_sql
from dashboards.queries.sqlfiles import read
from data_contracts.row_rules import quote

LEVELS = ("school", "plc", "classroom")
_LATEST_YEAR = {
    "mart": "SELECT max(school_year) FROM mart.cfa_mastery WHERE list_contains($s, section_id)",
    "staging": "SELECT max(school_year) FROM staging.cfa_results WHERE list_contains($s, section_id)",
}


def _sections(con: duckdb.DuckDBPyConnection, level: str, entity_id: str) -> list[str]:
    """The classrooms of a school, PLC or classroom (every year)."""
    column = {"school": "school_id", "plc": "plc_id", "classroom": "section_id"}[level]
    return [s for (s,) in con.execute(
        "SELECT section_id FROM staging.sections WHERE " + quote(column) + " = $id", {"id": entity_id}).fetchall()]


def _check(level: str) -> None:
    if level not in LEVELS:
        raise DataError("classroom data exists for a school, a PLC or a classroom")


def _year(con: duckdb.DuckDBPyConnection, source: str, sections: list[str], year: int | None) -> int | None:
    """The requested year, or the latest year with CFA results in these classrooms."""
    if year is not None:
        return year
    return con.execute(_LATEST_YEAR[source], {"s": sections}).fetchone()[0]


@cached
def cfa_mastery(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                year: int | None = None) -> pd.DataFrame:
    """CFA mastery by assessment and standard for a school, PLC or classroom (aggregates only):
    school_year, cfa_id, cfa_title, standard_code, administered_date (latest), students, mastered,
    mastery_rate, suppressed, suppression_reason, hidden by the viewer's audience."""
    _check(level)
    with connect(warehouse, "mart.cfa_mastery", "mart.metric_catalog", "staging.sections",
                 "staging.org_hierarchy") as con:
        gate = Gate(con, viewer)
        gate.entity(level, entity_id)
        in_scope = gate.in_scope(level, entity_id)
        sections = _sections(con, level, entity_id)
        return gate.run(read("cfa_mastery.sql"), {"sections": sections, "year": _year(con, "mart", sections, year),
                                                  "in_scope": in_scope}).df()


def _one_cut(cfa: str | None, standard: str | None) -> None:
    if not cfa and not standard:
        raise DataError("choose an assessment or a standard")


@cached
def cfa_by_classroom(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                     year: int | None = None, cfa: str | None = None, standard: str | None = None) -> pd.DataFrame:
    """The PLC's comparison: mastery by classroom for one assessment (`cfa`) or one standard, over
    the classrooms of a school, PLC or classroom: school_year, section_id (None: all of them
    together), classroom_name, teacher_name, cfa_id, cfa_title, standard_code, administered_date,
    students, mastered, mastery_rate, suppressed, suppression_reason. Only the classrooms the
    viewer may open have rows; every cell is hidden by the viewer's audience."""
    _check(level)
    _one_cut(cfa, standard)
    with connect(warehouse, "mart.cfa_mastery", "mart.metric_catalog", "staging.sections", "staging.staff",
                 "staging.org_hierarchy") as con:
        gate = Gate(con, viewer)
        gate.entity(level, entity_id)
        in_scope = gate.in_scope(level, entity_id)
        sections = _sections(con, level, entity_id)
        return gate.run(read("cfa_by_classroom.sql"), {
            "sections": sections, "year": _year(con, "mart", sections, year), "in_scope": in_scope,
            "cfa": cfa or None, "standard": standard or None}).df()


@cached
def cfa_entities(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                 year: int | None = None) -> pd.DataFrame:
    """The PLCs and classrooms of a school, PLC or classroom that have CFA results in the year
    (default the latest with results), among those the viewer may open: level, entity_id,
    teacher_name (a classroom's)."""
    _check(level)
    with connect(warehouse, "mart.cfa_mastery", "staging.sections", "staging.staff", "staging.org_hierarchy") as con:
        gate = Gate(con, viewer)
        gate.entity(level, entity_id)
        sections = _sections(con, level, entity_id)
        return gate.run(read("cfa_entities.sql"), {"sections": sections,
                                                   "year": _year(con, "mart", sections, year)}).df()


@cached
def reteach_groups(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                   year: int | None = None, cfa: str | None = None, standard: str | None = None) -> pd.DataFrame:
    """The students to re-teach: each student the viewer may see whose latest result on a
    standard of one assessment (`cfa`), or on one standard, is below the cut, by classroom:
    section_id, classroom_name, cfa_id, cfa_title, standard_code, administered_date, student_id,
    first_name, last_name (None without names in students.csv), score, max_score. Only for a
    viewer who may see the students of this school, PLC or classroom."""
    _check(level)
    _one_cut(cfa, standard)
    with connect(warehouse, "staging.cfa_results", "staging.sections", "staging.org_hierarchy",
                 "staging.students", "staging.section_enrollments") as con:
        gate = Gate(con, viewer)
        gate.students_of(level, entity_id)
        sections = _sections(con, level, entity_id)
        return gate.run(CFA_LATEST_SQL + names_sql(con) + read("cfa_reteach.sql"), {
            "sections": sections, "year": _year(con, "staging", sections, year), "student": None,
            "cfa": cfa or None, "standard": standard or None}).df()


@cached
def cfa_students(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
                 year: int | None = None) -> pd.DataFrame:
    """Each student's latest result on each CFA and standard, for a viewer who may see the
    students of this school, PLC or classroom (in their scope, not above it): student_id,
    section_id, cfa_id, cfa_title, standard_code, administered_date, score, max_score, mastered."""
    _check(level)
    with connect(warehouse, "staging.cfa_results", "staging.sections", "staging.org_hierarchy",
                 "staging.students", "staging.section_enrollments") as con:
        gate = Gate(con, viewer)
        gate.students_of(level, entity_id)
        sections = _sections(con, level, entity_id)
        return gate.run(CFA_LATEST_SQL + read("cfa_students.sql"), {
            "sections": sections, "year": _year(con, "staging", sections, year), "student": None,
        }).df()


@cached
def roster(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
           year: int | None = None) -> pd.DataFrame:
    """The students of a school, PLC or classroom in a year (default the latest), for a viewer who
    may see them (in their scope, not above it): student_id, first_name, last_name (None without
    names in students.csv), school_id, school_name, grade_level, race_ethnicity (to open a
    student's folder)."""
    _check(level)
    with connect(warehouse, "staging.students", "staging.section_enrollments", "staging.sections",
                 "staging.org_hierarchy") as con:
        gate = Gate(con, viewer)
        gate.students_of(level, entity_id)
        if year is None:
            year = con.execute("SELECT max(school_year) FROM staging.students").fetchone()[0]
        return gate.run(names_sql(con) + read("roster.sql"), {"year": year, "level": level, "id": entity_id,
                                             "sections": _sections(con, level, entity_id)}).df()
