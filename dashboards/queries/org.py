"""The organisation as a viewer may see it: their home entity, an entity, its breadcrumbs and
children, the years and student groups that have values."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from dashboards.queries.access import DataError, Gate, Viewer
from dashboards.queries.cache import cached
from dashboards.queries.connection import connect, has_table
from dashboards.queries.sqlfiles import read
from data_contracts.vocabulary import STATE

GROUP_DIMENSIONS = {
    "race_ethnicity": "Race/ethnicity", "idea": "Students with disabilities", "english_learner": "English learners",
    "econ_disadvantaged": "Economically disadvantaged", "sex": "Sex", "grade": "Grade",
}


def group_label(code: str) -> str:
    """'race_ethnicity:black' -> 'Race/ethnicity: black'; 'all' -> 'All students'."""
    if code == "all":
        return "All students"
    dimension, _, value = code.partition(":")
    return f"{GROUP_DIMENSIONS.get(dimension, dimension)}: {value.replace('_', ' ')}"


def group_codes(con: duckdb.DuckDBPyConnection) -> str:
    """The relation of the student group codes (one column, student_group): a district's
    students' groups, or a state warehouse's codes (its students stay in the districts')."""
    if has_table(con, "staging.student_groups"):
        return "staging.student_groups"
    if has_table(con, "mart.group_codes"):
        return "mart.group_codes"
    raise DataError("the warehouse has no staging.student_groups; load and build the marts first")


def check_group(con: duckdb.DuckDBPyConnection, group: str) -> None:
    if group == "all":
        return
    known = con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {group_codes(con)} WHERE student_group = $g LIMIT 1)",
                        {"g": group}).fetchone()[0]
    if not known:
        raise DataError(f"unknown student group {group!r}")


def school_year_of(con: duckdb.DuckDBPyConnection, level: str, entity_id: str, year: int | None) -> int | None:
    """The requested year, or the entity's latest year with a value."""
    if year is not None:
        return year
    return con.execute(
        "SELECT coalesce(max(school_year) FILTER (WHERE value IS NOT NULL), max(school_year)) "
        "FROM mart.scorecard WHERE level = $level AND entity_id = $entity_id",
        {"level": level, "entity_id": entity_id},
    ).fetchone()[0]


def openable(gate: Gate, year: int | None, school: str | None = None, parent: tuple[str, str] | None = None,
             only_level: str | None = None) -> pd.DataFrame:
    """The entities the viewer may open (sql/openable.sql)."""
    return gate.run(read("openable.sql"), {
        "year": year, "school": school, "only_level": only_level,
        "parent_level": parent[0] if parent else None, "parent_id": parent[1] if parent else None,
    }).df()


def children_of(gate: Gate, level: str, entity_id: str, year: int | None) -> pd.DataFrame:
    """The entities one step down that the viewer may open."""
    if year is None:
        year = gate.con.execute("SELECT max(school_year) FROM staging.sections").fetchone()[0]
    if level == "school":  # its PLCs and its classrooms, with or without a PLC
        frame = openable(gate, year, school=entity_id)
    else:
        frame = openable(gate, year, parent=(level, entity_id))
    return frame[["level", "entity_id", "entity_name", "parent_level", "parent_id"]]


@cached
def home(viewer: Viewer, *, warehouse: str | Path | None = None) -> tuple[str, str]:
    """The entity a viewer lands on: their scope (an all-district analyst: the first district; the
    state viewer: the state, or the first district of a warehouse that holds no state)."""
    if viewer.entity_id is not None:
        return viewer.level, viewer.entity_id
    with connect(warehouse, "staging.org_hierarchy") as con:
        if viewer.level == STATE:
            state = con.execute("SELECT entity_id FROM staging.org_hierarchy WHERE entity_level = $state",
                                {"state": STATE}).fetchone()
            if state is not None:
                return STATE, state[0]
        row = con.execute("SELECT min(entity_id) FROM staging.org_hierarchy WHERE entity_level = 'district'").fetchone()
    if row[0] is None:
        raise DataError("the warehouse has no district yet; load the landing files first")
    return "district", row[0]


@cached
def entity(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None) -> dict:
    """One org entity the viewer may see: level, entity_id, entity_name, parent_level, parent_id, school_id."""
    with connect(warehouse, "staging.org_hierarchy") as con:
        Gate(con, viewer).entity(level, entity_id)
        cursor = con.execute(
            "SELECT entity_level AS level, entity_id, entity_name, parent_level, parent_id, school_id "
            "FROM staging.org_hierarchy WHERE entity_level = $level AND entity_id = $id",
            {"level": level, "id": entity_id},
        )
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone()))


@cached
def breadcrumbs(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None) -> list[dict]:
    """The path from the district down to the entity: level, entity_id, entity_name, in_scope
    (False for an ancestor above the viewer's scope, whose aggregates they see but cannot drill)."""
    with connect(warehouse, "staging.org_hierarchy") as con:
        gate = Gate(con, viewer)
        gate.entity(level, entity_id)
        rows = gate.run(read("breadcrumbs.sql"), {"level": level, "id": entity_id}).fetchall()
    return [dict(zip(("level", "entity_id", "entity_name", "in_scope"), row)) for row in rows]


@cached
def children(viewer: Viewer, level: str, entity_id: str, *, warehouse: str | Path | None = None,
             year: int | None = None) -> pd.DataFrame:
    """The entities one step down that the viewer may open: district -> departments and schools,
    school -> PLCs and its classrooms (of `year`, default the latest), PLC -> classrooms."""
    with connect(warehouse, "staging.org_hierarchy", "staging.sections") as con:
        gate = Gate(con, viewer)
        gate.entity(level, entity_id)
        return children_of(gate, level, entity_id, year)


@cached
def entity_tree(viewer: Viewer, *, warehouse: str | Path | None = None, year: int | None = None) -> pd.DataFrame:
    """Every org entity the viewer may open (scope and below): level, entity_id, entity_name,
    parent_level, parent_id, school_id (classrooms of `year` only, when given)."""
    with connect(warehouse, "staging.org_hierarchy", "staging.sections") as con:
        return openable(Gate(con, viewer), year)


@cached
def years(viewer: Viewer, *, warehouse: str | Path | None = None) -> list[int]:
    """The school years with scorecards (metric values of the organisation), oldest first."""
    with connect(warehouse, "mart.scorecard") as con:
        return [y for (y,) in con.execute(
            "SELECT DISTINCT school_year FROM mart.scorecard ORDER BY school_year").fetchall()]


@cached
def student_groups(viewer: Viewer, *, warehouse: str | Path | None = None) -> list[str]:
    """The student group codes that have values, 'all' first."""
    with connect(warehouse) as con:
        groups = [g for (g,) in con.execute(
            f"SELECT DISTINCT student_group FROM {group_codes(con)} ORDER BY student_group").fetchall()]
    return ["all", *(g for g in groups if g != "all")]
